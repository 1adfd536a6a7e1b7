"""Column sorting for keyset-paginated lists (core.pagination).

A list offers a few sorts, each a tuple of field paths whose last one is unique (``("voucher__number_key",
"voucher__id")``), each walked by an index of its own; ``?jarjestys=numero`` sorts by one ascending,
``?jarjestys=-numero`` descending (the same index walked backwards). Anything else is the list's
default order. The column headers link to the other direction and say which one is on
(``aria-sort``)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from core.pagination import AFTER, BEFORE

PARAM = "jarjestys"


@dataclass(frozen=True)
class Column:
    """One sortable column header: the link's query and how the column is sorted now."""

    query: str
    aria_sort: str  # "ascending", "descending" or "none"

    @property
    def sorts_descending(self) -> bool:
        """The link sorts by the column descending (it is sorted ascending now)."""
        return self.aria_sort == "ascending"

    @property
    def arrow(self) -> str:
        return {"ascending": "▲", "descending": "▼"}.get(self.aria_sort, "")


@dataclass(frozen=True)
class Sorting:
    value: str  # as in the URL: "numero", "-numero"
    order: tuple[str, ...]  # for keyset_page
    columns: dict[str, Column]
    query: str  # ``jarjestys=…`` when not the default, for the pagination links


def sorting(params, options: dict[str, tuple[str, ...]], *, default: str, keep: dict | None = None) -> Sorting:
    """The sort ``params`` (``request.GET``) ask for among ``options`` (URL name: ascending field
    paths), else ``default`` (e.g. ``"-tehty"``). ``keep``: the list's other parameters (search,
    filters) that the headers' links carry; a new sort starts from the first page."""
    value = params.get(PARAM, "")
    if value.lstrip("-") not in options:
        value = default
    name = value.lstrip("-")
    descending = value.startswith("-")
    order = tuple(f"-{path}" if descending else path for path in options[name])
    keep = {key: val for key, val in (keep or {}).items() if val not in ("", None) and key not in (PARAM, AFTER, BEFORE)}
    columns = {}
    for option in options:
        current = option == name
        # Sorted by this column: the link turns it; otherwise the link sorts by it ascending.
        target = (option if descending else f"-{option}") if current else option
        aria = ("descending" if descending else "ascending") if current else "none"
        columns[option] = Column(query=urlencode({**keep, PARAM: target}), aria_sort=aria)
    return Sorting(value=value, order=order, columns=columns, query=urlencode({PARAM: value}) if value != default else "")


def list_query(*parts: str) -> str:
    """The non-empty query strings joined with ``&``: what a list's pagination links keep."""
    return "&".join(part for part in parts if part)
