"""Cursor pagination for the API's lists: the pages' own keyset pagination (core.pagination),
oldest change first, so a client reads ``changed_since`` onwards page by page."""

import datetime as dt
from typing import Annotated

from ninja import Field

from core.pagination import AFTER, CURSOR_MAX_LENGTH, keyset_page

Cursor = Annotated[str | None, Field(None, max_length=CURSOR_MAX_LENGTH, description="Edellisen sivun next_cursor")]
Limit = Annotated[int, Field(100, ge=1, le=500, description="Rivejä sivulla")]
Since = Annotated[dt.datetime | None, Field(None, description="Vain tämän jälkeen muuttuneet (ISO 8601)")]


def page_of(queryset, *, order: tuple[str, ...], cursor: str | None, limit: int):
    """(rows, next_cursor) of ``queryset`` in ``order`` after ``cursor``."""
    page = keyset_page(queryset, order=order, params={AFTER: cursor} if cursor else {}, size=limit)
    return list(page), (page.next_cursor or None)
