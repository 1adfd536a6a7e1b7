"""How the product writes a date in its messages: 31.12.2026."""

import datetime as dt

from django.utils.formats import date_format


def format_day(value: dt.date) -> str:
    return date_format(value, "j.n.Y")
