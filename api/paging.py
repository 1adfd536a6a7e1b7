"""Cursor pagination for the API's lists: the pages' own keyset pagination (core.pagination),
oldest change first, so a client reads ``changed_since`` onwards page by page."""

import datetime as dt
import re
from typing import Annotated

from ninja import Field
from pydantic import AfterValidator, BeforeValidator

from core.pagination import AFTER, CURSOR_MAX_LENGTH, keyset_page

Cursor = Annotated[str | None, Field(None, max_length=CURSOR_MAX_LENGTH, description="Edellisen sivun next_cursor")]
Limit = Annotated[int, Field(100, ge=1, le=500, description="Rivejä sivulla")]
# ISO 8601 only (a number is not taken as a Unix time), and in UTC before it reaches
# the database: Python allows offsets up to ±23:59, PostgreSQL only ±15:59 (issue 28, item 10).
ISO_DATETIME = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$"


def _iso_text(value):
    if not isinstance(value, str) or not re.fullmatch(ISO_DATETIME, value.strip()):
        raise ValueError("not an ISO 8601 date and time")
    return value.strip()


def _in_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


Since = Annotated[
    dt.datetime | None,
    BeforeValidator(lambda value: None if value is None else _iso_text(value)),
    AfterValidator(lambda value: None if value is None else _in_utc(value)),
    Field(None, description="Vain tämän jälkeen muuttuneet: ISO 8601, esim. 2026-12-01T08:00:00+02:00 "
                            "(ilman aikavyöhykettä UTC)", json_schema_extra={"pattern": ISO_DATETIME}),
]


def page_of(queryset, *, order: tuple[str, ...], cursor: str | None, limit: int):
    """(rows, next_cursor) of ``queryset`` in ``order`` after ``cursor``."""
    page = keyset_page(queryset, order=order, params={AFTER: cursor} if cursor else {}, size=limit)
    return list(page), (page.next_cursor or None)
