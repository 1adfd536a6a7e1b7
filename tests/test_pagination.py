"""Keyset pagination ("Seuraava / Edellinen") and the admin's capped count (core/pagination.py)."""

import pytest
from django.http import QueryDict

from core.pagination import CappedCountPaginator, keyset_page
from tests.factories import VoucherFactory
from vouchers.models import Voucher

pytestmark = pytest.mark.django_db


def _numbers(page):
    return [voucher.number for voucher in page]


def _params(query: str) -> QueryDict:
    return QueryDict(query)


def test_keyset_page__walks_forward_and_back_through_every_row_once():
    for n in range(7):
        VoucherFactory(number=f"7000{n}")
    vouchers = Voucher.objects.all()

    first = keyset_page(vouchers, order=("number",), params=_params(""), size=3)
    assert _numbers(first) == ["70000", "70001", "70002"]
    assert first.has_next and not first.has_previous and first.previous_query == ""

    second = keyset_page(vouchers, order=("number",), params=_params(first.next_query), size=3)
    third = keyset_page(vouchers, order=("number",), params=_params(second.next_query), size=3)
    assert _numbers(second) == ["70003", "70004", "70005"]
    assert _numbers(third) == ["70006"] and not third.has_next and third.has_previous

    back = keyset_page(vouchers, order=("number",), params=_params(third.previous_query), size=3)
    assert _numbers(back) == ["70003", "70004", "70005"] and back.has_previous and back.has_next
    start = keyset_page(vouchers, order=("number",), params=_params(back.previous_query), size=3)
    assert _numbers(start) == ["70000", "70001", "70002"] and not start.has_previous


def test_keyset_page__descending_on_two_fields__ties_broken_by_the_second():
    vouchers = [VoucherFactory() for _ in range(5)]
    Voucher.objects.update(valid_from=vouchers[0].valid_from)  # all tie on the first field
    queryset = Voucher.objects.all()
    order = ("-valid_from", "-id")
    seen, query = [], ""
    while True:
        page = keyset_page(queryset, order=order, params=_params(query), size=2)
        seen += [voucher.pk for voucher in page]
        if not page.has_next:
            break
        query = page.next_query
    assert seen == sorted((voucher.pk for voucher in vouchers), reverse=True)


def test_keyset_page__mixed_directions__refused():
    with pytest.raises(ValueError):
        keyset_page(Voucher.objects.all(), order=("number", "-id"), params=_params(""), size=2)


@pytest.mark.parametrize("cursor", ["", "!!!", "e30", "WzEsMl0", "W3RydWVd", "W251bGxd", "W3t9XQ", "x" * 1000])
def test_keyset_page__a_cursor_it_cannot_read__the_first_page(cursor):
    VoucherFactory(number="70000")
    page = keyset_page(Voucher.objects.all(), order=("number",), params=_params(f"jalkeen={cursor}"), size=3)
    assert _numbers(page) == ["70000"] and not page.has_previous


def test_capped_count_paginator__counts_no_further_than_the_cap(monkeypatch):
    for _ in range(6):
        VoucherFactory()
    monkeypatch.setattr(CappedCountPaginator, "cap", 4)
    filtered = Voucher.objects.filter(number__startswith="9").order_by("number")
    paginator = CappedCountPaginator(filtered, 2)
    assert paginator.count == 5  # the cap and one: "more than the cap"
    assert paginator.num_pages == 2  # pages past the cap are not offered
    assert CappedCountPaginator(Voucher.objects.filter(pk__lt=0), 2).count == 0
