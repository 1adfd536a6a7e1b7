"""Dates as the product deals in them: Helsinki days, calendar months, Finnish notation."""

import calendar
import datetime as dt

from django.utils import timezone

# The dates the product deals in. Forms refuse others, so that date arithmetic cannot overflow.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
ONE_DAY = dt.timedelta(days=1)


def today() -> dt.date:
    """Today's date in Helsinki (TIME_ZONE)."""
    return timezone.localdate()


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last day of the calendar month that contains ``day``."""
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def one_year_after(day: dt.date) -> dt.date:
    """The same date a year later (29.2. → 28.2.)."""
    if day.year >= dt.MAXYEAR:
        return dt.date.max
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def format_day(value: dt.date) -> str:
    """How the product writes a date in its messages and lists: 31.12.2026 (the template filter
    ``date:"j.n.Y"`` of a date, without its formatter: a list writes dozens)."""
    return f"{value.day}.{value.month}.{value.year}"
