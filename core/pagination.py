"""Keyset pagination ("Seuraava / Edellinen") and a capped count, for lists of any size.

A page is the rows that follow (or precede) the last (first) row of the page the user came from,
in the list's order: ``?jalkeen=<cursor>`` or ``?ennen=<cursor>``, the cursor being that row's
values of the ordering fields. The database walks an index from the cursor and stops after one
row more than the page holds; nothing counts the whole list, and page 1000 costs what page 1 does.
"""

import base64
import binascii
import json
from collections.abc import Sequence

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.utils.functional import cached_property

AFTER = "jalkeen"
BEFORE = "ennen"
CURSOR_MAX_LENGTH = 500


class KeysetPage:
    """One page of a keyset-paginated list; iterate it like a Django ``Page``."""

    def __init__(self, rows: list, *, order: Sequence[str], has_next: bool, has_previous: bool):
        self.object_list = rows
        self.order = tuple(order)
        self.has_next = has_next
        self.has_previous = has_previous

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_cursor(self) -> str:
        return _encode(self.order, self.object_list[-1]) if self.has_next and self.object_list else ""

    @property
    def previous_cursor(self) -> str:
        return _encode(self.order, self.object_list[0]) if self.has_previous and self.object_list else ""

    @property
    def next_query(self) -> str:
        """``jalkeen=…`` for the "Seuraava" link."""
        return f"{AFTER}={self.next_cursor}" if self.next_cursor else ""

    @property
    def previous_query(self) -> str:
        """``ennen=…`` for the "Edellinen" link."""
        return f"{BEFORE}={self.previous_cursor}" if self.previous_cursor else ""


def keyset_page(queryset, *, order: Sequence[str], params, size: int) -> KeysetPage:
    """The page of ``queryset`` in ``order`` (field paths, all ascending or all descending, the
    last one unique, e.g. ``("-created_at", "-id")``) that ``params`` (``request.GET``) asks for.
    A cursor that cannot be read is the first page. One query."""
    descending = {name.startswith("-") for name in order}
    if len(descending) != 1:
        raise ValueError("keyset_page needs every ordering field in the same direction")
    descending = descending.pop()
    paths = [name.lstrip("-") for name in order]
    after = _decode(queryset.model, paths, params.get(AFTER))
    before = None if after is not None else _decode(queryset.model, paths, params.get(BEFORE))
    if before is not None:
        reverse = [f"-{path}" if not descending else path for path in paths]
        rows = list(queryset.filter(_beyond(paths, before, forward=descending)).order_by(*reverse)[: size + 1])
        has_previous = len(rows) > size
        rows = rows[:size][::-1]
        return KeysetPage(rows, order=order, has_next=True, has_previous=has_previous)
    if after is not None:
        queryset = queryset.filter(_beyond(paths, after, forward=not descending))
    rows = list(queryset.order_by(*order)[: size + 1])
    return KeysetPage(rows[:size], order=order, has_next=len(rows) > size, has_previous=after is not None)


def _beyond(paths: list[str], values: list, *, forward: bool) -> Q:
    """Rows whose key (``paths``) is greater than ``values`` (``forward``) or less: the row
    comparison written out, led by a bound on the first field that an index can start from."""
    op = "gt" if forward else "lt"
    bound = Q(**{f"{paths[0]}__{op}e": values[0]})
    beyond = Q()
    for index, path in enumerate(paths):
        beyond |= Q(**{f"{p}": v for p, v in zip(paths[:index], values[:index], strict=True)}, **{f"{path}__{op}": values[index]})
    return bound & beyond


def _field(model, path: str):
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.is_relation:
            model = field.related_model
    if field.is_relation:  # "customer" in a path means its primary key
        field = field.target_field
    return field


def _encode(paths: Sequence[str], row) -> str:
    values = []
    for path in (name.lstrip("-") for name in paths):
        value = row
        for part in path.split("__"):
            value = getattr(value, part)
        values.append(value.isoformat() if hasattr(value, "isoformat") else value)
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(model, paths: list[str], cursor: str | None) -> list | None:
    """The cursor's values, each as its field's Python value; None for anything else."""
    if not cursor or len(cursor) > CURSOR_MAX_LENGTH:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != len(paths):
        return None
    result = []
    for path, value in zip(paths, values, strict=True):
        if not isinstance(value, str | int) or isinstance(value, bool) or "\x00" in str(value):
            return None
        try:
            field = _field(model, path)
            python = field.to_python(value)
            field.run_validators(python)  # e.g. a number past bigint, which PostgreSQL would refuse
        except (ValidationError, FieldDoesNotExist, TypeError, ValueError, OverflowError):
            return None
        if python is None:
            return None
        result.append(python)
    return result


class CappedCountPaginator(Paginator):
    """A Django ``Paginator`` that never counts more than ``cap`` rows (the Django admin's
    changelists): a whole big table answers with the planner's estimate, a filtered list counts
    up to ``cap`` + 1. Pages are offered up to the cap; past it, filter or search."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not queryset.query.where and not queryset.query.distinct:
            estimate = _estimated_rows(queryset.model._meta.db_table)
            if estimate is not None and estimate > self.cap:
                return estimate
        return queryset.order_by()[: self.cap + 1].count()

    @cached_property
    def num_pages(self) -> int:
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        hits = max(1, min(self.count, self.cap) - self.orphans)
        return -(-hits // self.per_page)


def _estimated_rows(table: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [table])
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None
