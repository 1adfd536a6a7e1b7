"""Links a list writes once per row, reversed once per page."""

from django.urls import reverse

_MARK = 987654321987  # an id no URL holds by itself: where a row's id goes


def id_url(name: str):
    """``reverse(name, args=[id])`` for many ids at the cost of one ``reverse``: a function of the
    id. For URL patterns with one integer argument."""
    before, after = reverse(name, args=[_MARK]).split(str(_MARK))
    return lambda pk: f"{before}{int(pk)}{after}"
