"""Database helpers: validity ranges as querysets, range expressions and range checks."""

import datetime as dt

from django.contrib.postgres.fields import DateRangeField
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils.translation import gettext_lazy as _


def date_range(start: str, end: str) -> Func:
    """The closed date range [start, end]; an empty end means no end."""
    return Func(F(start), F(end), Value("[]"), function="daterange", output_field=DateRangeField())


def valid_on_q(day: dt.date, *, prefix: str = "") -> Q:
    """Rows (or the related row at ``prefix``, e.g. ``"agreement__"``) whose closed range
    [valid_from, valid_to] contains ``day``; an empty ``valid_to`` is open-ended."""
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


class ValidityQuerySet(models.QuerySet):
    """Rows with a ``valid_from``/``valid_to`` range (``valid_to`` empty = open-ended)."""

    def valid_on(self, day: dt.date):
        return self.filter(valid_on_q(day))


def ordered_range_check(name: str, start: str = "valid_from", end: str = "valid_to") -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message=_("Päättymispäivä ei voi olla ennen alkamispäivää."),
    )
