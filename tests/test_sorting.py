"""Sorting (issue 13, item 8 and the column sorts of item 9): voucher numbers as numbers, names in
Finnish alphabetical order (case-insensitive, å ä ö after z) without a Finnish collation, each sort
walked by keyset pagination with an index of its own."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.urls import reverse

from core.pagination import keyset_page
from events.views import TAB_SORTS
from reservations.models import Reservation
from reservations.views import SORTS
from tests.events.scenarios import priced_reservation
from tests.payments.scenarios import event, reservation_of, start_and_compute
from tests.factories import (
    CustomerFactory,
    OrganiserFactory,
    ProviderFactory,
    ReservationFactory,
    VoucherFactory,
    organiser_user,
    provider_user,
)
from vouchers.models import Customer, Voucher

pytestmark = pytest.mark.django_db

NUMBERS_AS_TEXT = ["10006", "10009", "1001", "10011"]  # what the text order gave
NUMBERS = ["1001", "10006", "10009", "10011"]
NAMES_IN_FINNISH_ORDER = ["Aalto", "ahonen", "Zetterberg", "Åberg", "Älä", "Öljy"]


def voucher_numbers_in(html: str) -> list[str]:
    return re.findall(r'id="voucher-(\d+)"', html)


def customer_cells(html: str, names) -> list[str]:
    """The names in the order the page shows them."""
    found = [(html.index(f">{name} "), name) for name in names]
    return [name for _, name in sorted(found)]


# --- the sort keys in the database ------------------------------------------------------------------


def test_number_key__numbers_sort_as_numbers_not_as_text():
    for number in NUMBERS_AS_TEXT:
        VoucherFactory(number=number)
    assert list(Voucher.objects.order_by("number").values_list("number", flat=True)) == NUMBERS_AS_TEXT
    assert list(Voucher.objects.order_by("number_key").values_list("number", flat=True)) == NUMBERS
    assert list(Voucher.objects.values_list("number", flat=True)) == NUMBERS  # the default ordering


def test_name_key__finnish_order_case_insensitive_aao_after_z():
    for name in reversed(NAMES_IN_FINNISH_ORDER):
        CustomerFactory(last_name=name, first_name="Testi")
    assert list(Customer.objects.values_list("last_name", flat=True)) == NAMES_IN_FINNISH_ORDER
    # Without the key, the C collation puts lower case after Z and Ä before Å:
    by_text = list(Customer.objects.order_by("last_name").values_list("last_name", flat=True))
    assert by_text != NAMES_IN_FINNISH_ORDER and by_text.index("Älä") < by_text.index("Åberg")


def test_name_key__first_name_breaks_a_tie_of_last_names_and_upper_case_letters_are_mapped_too():
    CustomerFactory(last_name="Öberg", first_name="Ärje")
    CustomerFactory(last_name="öberg", first_name="Aino")
    CustomerFactory(last_name="Oberg", first_name="Zoe")
    rows = list(Customer.objects.values_list("first_name", "name_key"))
    assert [first for first, _ in rows] == ["Zoe", "Aino", "Ärje"]
    assert rows[2][1] == "}berg |rje"  # ö → }, ä → |: after z in the C collation


def test_sort_keys__filled_by_the_database_for_rows_inserted_in_sql_as_load_scale_does():
    """load_scale (demo/scale_sql.py) builds rows with INSERT … SELECT: the generated columns fill
    themselves, so no insert path can leave a key empty."""
    organiser = OrganiserFactory()
    customer = CustomerFactory()
    service = VoucherFactory().service
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO vouchers_customer (first_name, last_name, henkilotunnus, municipality)"
            " VALUES ('Åsa', 'Öhman', '010203A999J', 'Vaasa') RETURNING name_key"
        )
        assert cursor.fetchone()[0] == "}hman {sa"
        cursor.execute(
            "INSERT INTO vouchers_voucher (number, organiser_id, customer_id, service_id, valid_from, valid_to, created_at)"
            " VALUES ('42', %s, %s, %s, '2026-01-01', '2026-12-31', now()) RETURNING number_key",
            [organiser.pk, customer.pk, service.pk],
        )
        assert cursor.fetchone()[0] == "42".rjust(20, "0")


def test_every_offered_sort__has_an_index_led_by_its_sort_key():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('vouchers_voucher', 'vouchers_customer')")
        indexes = dict(cursor.fetchall())
    assert "(number_key, id)" in indexes["voucher_number_key_order"]
    assert "(organiser_id, number_key, id)" in indexes["voucher_organiser_number_key"]
    assert "(name_key, id)" in indexes["customer_name_key_order"]
    # The reservation list's made-order: the indexes it had.
    assert set(SORTS) == {"tehty", "numero", "asiakas"} and set(TAB_SORTS) == {"numero", "asiakas"}


def test_number_sort__walked_by_its_index_for_an_organiser():
    organiser = OrganiserFactory()
    for number in range(40):
        VoucherFactory(organiser=organiser, number=str(1000 + number))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE vouchers_voucher")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        sql, params = Voucher.objects.filter(organiser=organiser).order_by("number_key", "id")[:26].query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Walked in order by a sort-key index (which of the two is the planner's choice on a tiny
    # table), never sorted.
    assert "Sort" not in plan, plan
    assert "voucher_organiser_number_key" in plan or "voucher_number_key_order" in plan, plan


# --- keyset pages in the new orders -----------------------------------------------------------------


def test_keyset_page__numeric_order_walks_forward_and_back_without_gaps():
    provider = ProviderFactory()
    numbers = [str(n) for n in (5, 40, 300, 1001, 10006, 10009, 10011, 2, 77, 9, 100, 12)]
    for number in numbers:
        ReservationFactory(provider=provider, voucher=VoucherFactory(number=number))
    queryset = Reservation.objects.select_related("voucher").filter(provider=provider)
    order = TAB_SORTS["numero"]
    seen, params = [], {}
    while True:
        page = keyset_page(queryset, order=order, params=params, size=5)
        seen += [r.voucher.number for r in page]
        if not page.has_next:
            break
        params = {"jalkeen": page.next_cursor}
    assert seen == sorted(numbers, key=int)
    back = keyset_page(queryset, order=order, params={"ennen": page.previous_cursor}, size=5)
    assert [r.voucher.number for r in back] == sorted(numbers, key=int)[5:10]
    descending = keyset_page(queryset, order=[f"-{path}" for path in order], params={}, size=3)
    assert [r.voucher.number for r in descending] == ["10011", "10009", "10006"]


def test_keyset_page__finnish_name_order_with_equal_names_pages_through_every_row_once():
    provider = ProviderFactory()
    names = NAMES_IN_FINNISH_ORDER * 2  # two customers of each name: the ids break the ties
    for name in names:
        ReservationFactory(provider=provider, voucher=VoucherFactory(customer=CustomerFactory(last_name=name, first_name="A")))
    queryset = Reservation.objects.select_related("voucher__customer").filter(provider=provider)
    seen, params = [], {}
    while True:
        page = keyset_page(queryset, order=SORTS["asiakas"], params=params, size=5)
        seen += [r.pk for r in page]
        if not page.has_next:
            break
        params = {"jalkeen": page.next_cursor}
    assert len(seen) == len(set(seen)) == 12
    shown = [Reservation.objects.get(pk=pk).voucher.customer.last_name for pk in seen]
    assert shown == [name for name in NAMES_IN_FINNISH_ORDER for _ in range(2)]


# --- the pages ---------------------------------------------------------------------------------------


def test_vouchers_tab__numbers_in_numeric_order_and_descending_on_request(client):
    provider = ProviderFactory()
    for number in NUMBERS_AS_TEXT:
        priced_reservation(provider=provider, number=number)
    client.force_login(provider_user(provider))

    html = client.get(reverse("events:vouchers")).content.decode()
    assert voucher_numbers_in(html) == NUMBERS
    assert re.search(r'aria-sort="ascending"><a class="sort-link" href="\?jarjestys=-numero"', html)

    html = client.get(reverse("events:vouchers"), {"jarjestys": "-numero"}).content.decode()
    assert voucher_numbers_in(html) == NUMBERS[::-1]
    assert 'aria-sort="descending"' in html


def test_vouchers_tab__sorted_by_customer__finnish_order(client):
    provider = ProviderFactory()
    for index, name in enumerate(reversed(NAMES_IN_FINNISH_ORDER)):
        priced_reservation(provider=provider, number=str(500 + index), customer=CustomerFactory(last_name=name, first_name="Testi"))
    client.force_login(provider_user(provider))
    html = client.get(reverse("events:vouchers"), {"jarjestys": "asiakas"}).content.decode()
    assert customer_cells(html, NAMES_IN_FINNISH_ORDER) == NAMES_IN_FINNISH_ORDER
    html = client.get(reverse("events:vouchers"), {"jarjestys": "-asiakas"}).content.decode()
    assert customer_cells(html, NAMES_IN_FINNISH_ORDER) == NAMES_IN_FINNISH_ORDER[::-1]


def test_vouchers_tab__an_unknown_sort__the_default_number_order(client):
    provider = ProviderFactory()
    for number in NUMBERS_AS_TEXT:
        priced_reservation(provider=provider, number=number)
    client.force_login(provider_user(provider))
    response = client.get(reverse("events:vouchers"), {"jarjestys": "'; DROP TABLE x; --"})
    assert response.status_code == 200
    assert voucher_numbers_in(response.content.decode()) == NUMBERS


def test_reservation_list__newest_first_by_default__by_number_and_by_name_on_request(client):
    organiser = OrganiserFactory()
    made = []
    for number, name in zip(NUMBERS_AS_TEXT, ["Öljy", "ahonen", "Åberg", "Aalto"], strict=True):
        made.append(ReservationFactory(voucher=VoucherFactory(organiser=organiser, number=number,
                                                              customer=CustomerFactory(last_name=name, first_name="T"))))
    client.force_login(organiser_user(organiser))
    url = reverse("reservations:list")

    def numbers(html):
        return re.findall(r"<td>(\d{4,5})</td>", html)

    assert numbers(client.get(url).content.decode()) == [r.voucher.number for r in reversed(made)]
    assert numbers(client.get(url, {"jarjestys": "numero"}).content.decode()) == NUMBERS
    assert numbers(client.get(url, {"jarjestys": "-numero"}).content.decode()) == NUMBERS[::-1]
    html = client.get(url, {"jarjestys": "asiakas"}).content.decode()
    assert customer_cells(html, ["Aalto", "ahonen", "Åberg", "Öljy"]) == ["Aalto", "ahonen", "Åberg", "Öljy"]


def test_reservation_list__next_page_keeps_the_sort_and_continues_in_it(client):
    provider = ProviderFactory()
    for number in range(1, 31):
        ReservationFactory(provider=provider, voucher=VoucherFactory(number=str(number)))
    client.force_login(provider_user(provider))
    html = client.get(reverse("reservations:list"), {"jarjestys": "numero"}).content.decode()
    link = re.search(r'href="\?(jalkeen=[^"]+)"[^>]*rel="next"', html)[1].replace("&amp;", "&")
    assert "jarjestys=numero" in link
    second = client.get(f"{reverse('reservations:list')}?{link}").content.decode()
    assert re.findall(r"<td>(\d+)</td>", second) == [str(n) for n in range(26, 31)]


def test_admin__vouchers_by_number_as_numbers_customers_in_finnish_order(admin_client):
    for number in NUMBERS_AS_TEXT:
        VoucherFactory(number=number)
    html = admin_client.get(reverse("admin:vouchers_voucher_changelist")).content.decode()
    assert [n for n in re.findall(r">(\d{4,5})</a>", html) if n in NUMBERS] == NUMBERS
    for name in reversed(NAMES_IN_FINNISH_ORDER):
        CustomerFactory(last_name=name, first_name="Testi")
    html = admin_client.get(reverse("admin:vouchers_customer_changelist")).content.decode()
    shown = [name for name in re.findall(r">([^<>]+)</a></th>", html) if name in NAMES_IN_FINNISH_ORDER]
    assert shown == NAMES_IN_FINNISH_ORDER
    # Sorting by the column asks the key too, descending on request (column 0: the list has no
    # action checkbox column before it).
    html = admin_client.get(reverse("admin:vouchers_voucher_changelist"), {"o": "-0"}).content.decode()
    assert [n for n in re.findall(r">(\d{4,5})</a>", html) if n in NUMBERS] == NUMBERS[::-1]


def test_payment_run_export__lines_in_numeric_voucher_order(client):
    organiser = OrganiserFactory()
    staff = organiser_user(organiser)
    provider = ProviderFactory()
    for number in NUMBERS_AS_TEXT:
        reservation = reservation_of(organiser, provider=provider)
        Voucher.objects.filter(pk=reservation.voucher_id).update(number=number)
        event(reservation, day=dt.date(2025, 6, 3), share=D("10.00"))
    run = start_and_compute(user=staff, month=dt.date(2025, 6, 1))
    client.force_login(staff)
    content = client.get(reverse("payments:export_csv", args=[run.pk])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert [row[2] for row in rows[1:-1]] == NUMBERS and rows[-1][0] == "Yhteensä"
