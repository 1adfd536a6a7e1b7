"""Maksut: a provider's admins see what their provider is paid (the running month's expected amount,
every run's payment, a run's own lines and their exports) and never another provider's."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from events.models import EventStatus
from organisations.models import Membership
from payments.models import Payment, PaymentRun
from payments.selectors import expected_for_user
from tests.factories import (
    OrganiserFactory,
    PriceListFactory,
    PriceListItemFactory,
    ProviderFactory,
    ServiceAgreementFactory,
    ServiceFactory,
    organiser_user,
    provider_user,
)
from tests.payments.scenarios import (
    LONG_AGO,
    capitation_voucher,
    credit,
    customership,
    event,
    priced_provider,
    reservation_of,
    start_and_compute,
)
from vouchers.models import VoucherKind

pytestmark = pytest.mark.django_db

JUNE_2025 = dt.date(2025, 6, 1)
HTMX_PANEL = {"HX-Request": "true", "HX-Target": "panel"}


@pytest.fixture
def provider():
    return ProviderFactory(name="Oma Hoiva Oy")


@pytest.fixture
def other():
    return ProviderFactory(name="Kilpaileva Oy")


@pytest.fixture
def admin(provider):
    return provider_user(provider)


@pytest.fixture
def on_day(monkeypatch):
    """Set "today" of the payments' pages (and of starting a run) to a given day."""

    def _freeze(day: dt.date):
        import payments.provider_views
        import payments.services
        import payments.views

        for module in (payments.provider_views, payments.services, payments.views):
            monkeypatch.setattr(module, "today", lambda: day)

    return _freeze


@pytest.fixture
def shared_run(organiser, staff, provider, other):
    """Organiser's June 2025 run paying both providers: own 32,50 € capitation + 15,00 € and
    22,50 € events (70,00 €); the other's 765,43 € event (voucher 99999)."""
    voucher = capitation_voucher(organiser, number="55501")
    priced_provider(voucher, fee=D("65.00"), provider=provider)
    customership(voucher, provider, start=dt.date(2025, 6, 16))
    own = reservation_of(organiser, provider=provider)
    event(own, day=dt.date(2025, 6, 3), share=D("15.00"))
    event(own, day=dt.date(2025, 6, 4), share=D("22.50"))
    theirs = reservation_of(organiser, provider=other)
    theirs.voucher.number = "99999"
    theirs.voucher.save()
    event(theirs, day=dt.date(2025, 6, 5), share=D("765.43"))
    return start_and_compute(user=staff, month=JUNE_2025)


def provider_urls(run) -> list[str]:
    return [
        reverse("payments:provider_payments"),
        reverse("payments:provider_payment", args=[run.pk]),
        reverse("payments:provider_export_csv", args=[run.pk]),
        reverse("payments:provider_export_xlsx", args=[run.pk]),
    ]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


# --- who may see what ---------------------------------------------------------------------------------


def test_maksut__anonymous__redirected_to_login(client, shared_run):
    for url in provider_urls(shared_run):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_maksut__recorder_of_the_provider__404(client, shared_run, provider):
    client.force_login(provider_user(provider, role=Membership.Role.RECORDER))
    for url in provider_urls(shared_run):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", [Membership.Role.ORGANISER_STAFF, Membership.Role.ORGANISER_ADMIN])
def test_maksut__users_of_the_paying_organiser__404(client, shared_run, organiser, role):
    client.force_login(organiser_user(organiser, role=role))
    for url in provider_urls(shared_run):
        assert client.get(url).status_code == 404, url


def test_maksut__wrong_method__405_and_nothing_written(client, shared_run, admin):
    client.force_login(admin)
    for url in provider_urls(shared_run):
        assert client.post(url, {"toiminto": "hyvaksy"}).status_code == 405, url
    shared_run.refresh_from_db()
    assert shared_run.status == PaymentRun.Status.READY


def test_maksut__a_run_that_pays_another_provider_only__404(client, organiser, staff, other):
    theirs = reservation_of(organiser, provider=other)
    event(theirs, day=dt.date(2025, 6, 5), share=D("765.43"))
    run = start_and_compute(user=staff, month=JUNE_2025)
    client.force_login(provider_user(ProviderFactory()))
    for url in provider_urls(run)[1:]:
        assert client.get(url).status_code == 404, url
    assert "765,43" not in client.get(reverse("payments:provider_payments")).content.decode()


def test_maksut__another_provider_of_the_same_run_sees_only_its_own(client, shared_run, other):
    client.force_login(provider_user(other))
    body = client.get(reverse("payments:provider_payment", args=[shared_run.pk])).content.decode()
    assert "765,43\xa0€" in body and "99999" in body
    assert "55501" not in body and "70,00" not in body and "22,50" not in body
    rows = csv_rows(client.get(reverse("payments:provider_export_csv", args=[shared_run.pk])))
    assert [row[2] for row in rows[1:-1]] == ["99999"]


def test_header__provider_admins_see_the_maksut_link_recorders_and_organisers_do_not(client, provider, staff):
    link = f'href="{reverse("payments:provider_payments")}"'
    client.force_login(provider_user(provider))
    assert link in client.get(reverse("vouchers:customer_tab")).content.decode()
    for user in (provider_user(provider, role=Membership.Role.RECORDER), staff):
        client.force_login(user)
        assert link not in client.get(reverse("vouchers:customer_tab")).content.decode()


# --- the list ------------------------------------------------------------------------------------------


def test_maksut__own_payment_per_run_newest_first_never_another_providers(client, shared_run, admin, provider, staff,
                                                                          organiser, on_day):
    on_day(dt.date(2025, 8, 10))
    event(reservation_of(organiser, provider=provider), day=dt.date(2025, 7, 1), share=D("11.00"))
    july = start_and_compute(user=staff, month=dt.date(2025, 7, 1))
    client.force_login(admin)

    body = client.get(reverse("payments:provider_payments")).content.decode()

    table = body[body.index('id="runs-title"'):]
    assert table.index("7/2025") < table.index("6/2025")
    assert "70,00\xa0€" in table and "76,00\xa0€" in table and "Valmis tarkastettavaksi" in table  # July: 65,00 € + 11,00 €
    assert organiser.name in table
    assert reverse("payments:provider_payment", args=[july.pk]) in table
    assert "765,43" not in body and "99999" not in body
    assert f'{reverse("payments:detail", args=[shared_run.pk])}"' not in body


def test_maksut__full_page_and_fragment(client, shared_run, admin):
    client.force_login(admin)
    page = client.get(reverse("payments:provider_payments"))
    fragment = client.get(reverse("payments:provider_payments"), headers=HTMX_PANEL)
    assert "<html" in page.content.decode() and "HX-Request" in page["Vary"]
    body = fragment.content.decode()
    assert "<html" not in body and body.lstrip().startswith('<div id="panel">')


def test_maksut__queries_do_not_grow_with_payments(client, organiser, staff, provider, admin, on_day,
                                                   django_assert_max_num_queries):
    on_day(dt.date(2025, 12, 15))
    client.force_login(admin)

    def run_of(month, events):
        reservation = reservation_of(organiser, provider=provider)
        for day in range(events):
            event(reservation, day=month + dt.timedelta(days=day), share=D("1.00"))
        start_and_compute(user=staff, month=month)

    run_of(dt.date(2025, 1, 1), 1)
    event(reservation_of(organiser, provider=provider), day=dt.date(2025, 12, 1), share=D("3.00"))
    client.get(reverse("payments:provider_payments"))  # warm the session and the user
    with CaptureQueriesContext(connection) as baseline:
        client.get(reverse("payments:provider_payments"))
    for month in range(2, 12):
        run_of(dt.date(2025, month, 1), 3)
    voucher = capitation_voucher(organiser)
    priced_provider(voucher, provider=provider)
    customership(voucher, provider, start=dt.date(2025, 12, 1))
    event(reservation_of(organiser, provider=provider), day=dt.date(2025, 12, 2), share=D("4.00"))
    event(reservation_of(OrganiserFactory(), provider=provider), day=dt.date(2025, 12, 3), share=D("5.00"))
    with django_assert_max_num_queries(len(baseline)):
        response = client.get(reverse("payments:provider_payments"))
    assert len(re.findall(r'href="/maksut/\d+/"', response.content.decode())) == 11


# --- the running month's expected amount --------------------------------------------------------------


@pytest.fixture
def june_so_far(organiser, provider, other):
    """On 10.6.2025 (30-day June), at a 60,00 € monthly fee: customerships valid 10, 5 and 3 days so
    far (20,00 + 10,00 + 6,00 €), one beginning tomorrow; approved events of June 15,00 € and a credit
    −8,00 €, one under review, one of May, one tomorrow; 7,50 € from a second organiser; the other
    provider's customership and event."""
    def capitation(start, end=None, who=provider, fee=D("60.00")):
        voucher = capitation_voucher(organiser)
        priced_provider(voucher, fee=fee, provider=who)
        customership(voucher, who, start=start, end=end)

    capitation(dt.date(2025, 5, 1))
    capitation(dt.date(2025, 6, 6))
    capitation(dt.date(2025, 5, 20), end=dt.date(2025, 6, 3))
    capitation(dt.date(2025, 6, 11))
    capitation(dt.date(2025, 4, 1), end=dt.date(2025, 5, 31))
    capitation(dt.date(2025, 5, 1), who=other, fee=D("999.00"))

    reservation = reservation_of(organiser, provider=provider)
    event(reservation, day=dt.date(2025, 6, 2), share=D("15.00"))
    settled = event(reservation, day=dt.date(2025, 6, 1), share=D("8.00"), status=EventStatus.SETTLED)
    credit(settled, share=D("8.00"))
    event(reservation, day=dt.date(2025, 6, 4), share=D("40.00"), status=EventStatus.UNDER_REVIEW)
    event(reservation, day=dt.date(2025, 5, 31), share=D("50.00"))
    event(reservation, day=dt.date(2025, 6, 11), share=D("60.00"))
    event(reservation_of(organiser, provider=other), day=dt.date(2025, 6, 2), share=D("700.00"))

    second = OrganiserFactory(name="Toinen hyvinvointialue")
    event(reservation_of(second, provider=provider), day=dt.date(2025, 6, 5), share=D("7.50"))
    return second


def test_expected__pro_rata_capitation_and_unpaid_approved_events_of_the_month_so_far(
    admin, organiser, june_so_far, django_assert_num_queries
):
    with django_assert_num_queries(4):  # the membership, capitation, events, organisers
        expected = expected_for_user(admin, day=dt.date(2025, 6, 10))

    by_organiser = {row.organiser: row for row in expected.rows}
    first = by_organiser[organiser]
    assert (first.customerships, first.unpriced, first.capitation) == (3, 0, D("36.00"))
    assert (first.events, first.event_amount, first.total) == (2, D("7.00"), D("43.00"))
    second = by_organiser[june_so_far]
    assert (second.customerships, second.capitation, second.events, second.event_amount) == (0, D("0.00"), 1, D("7.50"))
    assert expected.total == D("50.50") and expected.month == JUNE_2025


def test_expected__what_a_run_has_paid_is_not_expected_again(admin, organiser, staff, provider, on_day):
    reservation = reservation_of(organiser, provider=provider)
    event(reservation, day=dt.date(2025, 6, 2), share=D("15.00"))
    on_day(dt.date(2025, 7, 1))
    start_and_compute(user=staff, month=JUNE_2025)
    assert expected_for_user(admin, day=dt.date(2025, 6, 30)).total == D("0.00")


def test_expected__on_the_last_day__what_the_months_run_pays(admin, organiser, staff, provider, on_day):
    voucher = capitation_voucher(organiser)
    priced_provider(voucher, fee=D("65.00"), provider=provider)
    customership(voucher, provider, start=dt.date(2025, 6, 16))
    event(reservation_of(organiser, provider=provider), day=dt.date(2025, 6, 30), share=D("22.50"))

    expected = expected_for_user(admin, day=dt.date(2025, 6, 30)).total
    on_day(dt.date(2025, 7, 1))
    run = start_and_compute(user=staff, month=JUNE_2025)

    assert expected == Payment.objects.get(run=run, provider=provider).amount == D("55.00")


def test_expected__on_the_last_day__each_organisers_figures_are_what_its_run_pays(
    admin, organiser, staff, provider, other, on_day, django_assert_num_queries
):
    """The estimate prices each distinct key once, as a run does; on the month's last day it is,
    organiser by organiser, what that organiser's run pays the provider: the same customerships,
    first days, price change, roundings, closing and events."""
    june_last = dt.date(2025, 6, 30)
    home = ServiceFactory(kind=VoucherKind.CAPITATION)
    agreement = ServiceAgreementFactory(organiser=organiser, provider=provider, service=home, valid_from=LONG_AGO)
    # The price changes on 15.6: a customership's first valid day in June picks its fee.
    before = PriceListFactory(agreement=agreement, valid_from=LONG_AGO, valid_to=dt.date(2025, 6, 14))
    after = PriceListFactory(agreement=agreement, valid_from=dt.date(2025, 6, 15))

    def at_home(start, end=None, **voucher):
        customership(capitation_voucher(organiser, service=home, **voucher), provider, start=start, end=end)

    for _ in range(3):
        at_home(dt.date(2025, 5, 1))  # 3 × 65,00: one key, one group
    at_home(dt.date(2025, 6, 16))  # 71,35 × 15/30 = 35,675 -> 35,68
    at_home(dt.date(2025, 5, 20), end=dt.date(2025, 6, 10))  # 65,00 × 10/30 -> 21,67
    at_home(dt.date(2025, 5, 1), closed_on=dt.date(2025, 6, 20))  # 20 days -> 43,33
    at_home(dt.date(2025, 6, 1), valid_from=dt.date(2025, 6, 5))  # 26 days -> 56,33
    month_content = home.contents.get()
    PriceListItemFactory(price_list=before, content=month_content, unit_price=D("65.00"))
    PriceListItemFactory(price_list=after, content=month_content, unit_price=D("71.35"))
    elsewhere = capitation_voucher(organiser)
    priced_provider(elsewhere, fee=D("49.99"), provider=provider)
    customership(elsewhere, provider, start=dt.date(2025, 6, 8))  # 23 days -> 38,33
    theirs = capitation_voucher(organiser)
    priced_provider(theirs, fee=D("999.00"), provider=other)
    customership(theirs, other, start=dt.date(2025, 5, 1))
    reservation = reservation_of(organiser, provider=provider)
    event(reservation, day=dt.date(2025, 6, 2), share=D("15.00"))
    event(reservation, day=dt.date(2025, 6, 30), share=D("22.50"))
    credit(event(reservation, day=dt.date(2025, 6, 1), share=D("8.00"), status=EventStatus.SETTLED), share=D("8.00"))
    event(reservation, day=dt.date(2025, 6, 4), share=D("40.00"), status=EventStatus.UNDER_REVIEW)
    second = OrganiserFactory(name="Toinen hyvinvointialue")
    voucher = capitation_voucher(second)
    priced_provider(voucher, fee=D("30.00"), provider=provider)
    customership(voucher, provider, start=dt.date(2025, 4, 1))
    event(reservation_of(second, provider=provider), day=dt.date(2025, 6, 5), share=D("7.50"))

    with django_assert_num_queries(4):  # the membership, capitation, events, organisers
        expected = expected_for_user(admin, day=june_last)
    on_day(dt.date(2025, 7, 1))
    runs = [start_and_compute(user=staff, month=JUNE_2025), start_and_compute(user=organiser_user(second), month=JUNE_2025)]

    paid = {run.organiser: Payment.objects.get(run=run, provider=provider) for run in runs}
    assert {row.organiser for row in expected.rows} == set(paid)
    for row in expected.rows:
        payment = paid[row.organiser]
        lines = payment.lines.aggregate(
            customerships=Count("pk", filter=Q(customership__isnull=False)),
            capitation=Sum("amount", filter=Q(customership__isnull=False), default=D("0.00")),
            events=Count("pk", filter=Q(event__isnull=False)),
            event_amount=Sum("amount", filter=Q(event__isnull=False), default=D("0.00")),
        )
        assert (row.customerships, row.capitation, row.events, row.event_amount) == (
            lines["customerships"], lines["capitation"], lines["events"], lines["event_amount"]
        ), row.organiser
        assert (row.unpriced, row.total) == (0, payment.amount)
    by_organiser = {row.organiser: row for row in expected.rows}
    assert by_organiser[organiser].capitation == D("390.34") and by_organiser[organiser].event_amount == D("29.50")
    assert expected.total == D("457.34")


def test_expected__a_customership_without_a_monthly_price__counted_and_named_on_the_page(
    client, admin, organiser, provider, on_day
):
    voucher = capitation_voucher(organiser)
    customership(voucher, provider, start=dt.date(2025, 6, 1))  # no price list for the provider
    on_day(dt.date(2025, 6, 10))
    expected = expected_for_user(admin, day=dt.date(2025, 6, 10))
    assert (expected.unpriced, expected.total) == (1, D("0.00"))
    client.force_login(admin)
    assert "1 asiakkuudelta puuttuu kuukausihinta" in client.get(reverse("payments:provider_payments")).content.decode()


def test_expected__recorders_and_organiser_users__nothing(organiser, provider, june_so_far):
    for user in (provider_user(provider, role=Membership.Role.RECORDER), organiser_user(organiser)):
        assert expected_for_user(user, day=dt.date(2025, 6, 10)).rows == []


def test_maksut_page__the_expected_figure_per_organiser(client, admin, organiser, june_so_far, on_day):
    on_day(dt.date(2025, 6, 10))
    client.force_login(admin)
    body = client.get(reverse("payments:provider_payments")).content.decode()
    assert "Kuluva kuukausi 6/2025" in body and "10.6.2025" in body
    assert re.search(r'id="expected-total">50,50\xa0€<', body)
    for text in (organiser.name, "36,00\xa0€", "7,00\xa0€", "43,00\xa0€", june_so_far.name, "7,50\xa0€"):
        assert text in body, text
    assert "333,00" not in body and "700,00" not in body  # the other provider's 999,00 € fee for 10 days, event


# --- a run's own lines and their exports -----------------------------------------------------------------


def test_maksut_detail__own_lines_amount_and_exports(client, shared_run, admin):
    client.force_login(admin)
    body = client.get(reverse("payments:provider_payment", args=[shared_run.pk])).content.decode()
    for text in ("Maksut 6/2025", "70,00\xa0€", "32,50\xa0€", "15,00\xa0€", "22,50\xa0€", "55501", "Kapitaatiomaksu",
                 "Palvelunjärjestäjä ei ole vielä hyväksynyt maksatusta.",
                 reverse("payments:provider_export_csv", args=[shared_run.pk]),
                 reverse("payments:provider_export_xlsx", args=[shared_run.pk])):
        assert text in body, text
    assert "765,43" not in body and "99999" not in body and "Kilpaileva Oy" not in body
    assert reverse("payments:export_csv", args=[shared_run.pk]) not in body


def test_maksut_detail__fragment_for_the_panel_only(client, shared_run, admin):
    client.force_login(admin)
    body = client.get(reverse("payments:provider_payment", args=[shared_run.pk]), headers=HTMX_PANEL).content.decode()
    assert "<html" not in body and body.lstrip().startswith('<div id="panel">')


def test_maksut_export_csv__own_lines_only(client, shared_run, admin, organiser):
    client.force_login(admin)
    response = client.get(reverse("payments:provider_export_csv", args=[shared_run.pk]))

    assert response["Content-Disposition"] == f'attachment; filename="maksut-2025-06-{organiser.business_id}.csv"'
    rows = csv_rows(response)
    assert rows[0][0] == "Palveluntuottaja" and len(rows) == 5
    assert {row[0] for row in rows[1:-1]} == {"Oma Hoiva Oy"}
    assert sorted(row[7] for row in rows[1:-1]) == ["15,00", "22,50", "32,50"]
    assert rows[-1] == ["Yhteensä", "", "", "", "", "", "", "70,00"]
    assert "99999" not in response.content.decode("utf-8-sig") and "765,43" not in response.content.decode("utf-8-sig")


def test_maksut_export_xlsx__own_lines_only_with_their_total(client, shared_run, admin, organiser):
    client.force_login(admin)
    response = client.get(reverse("payments:provider_export_xlsx", args=[shared_run.pk]))

    assert response["Content-Disposition"] == f'attachment; filename="maksut-2025-06-{organiser.business_id}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    lines, totals = rows[1:-1], rows[-1]
    assert {row[0] for row in lines} == {"Oma Hoiva Oy"}
    assert sorted(row[7] for row in lines) == [15, 22.5, 32.5]
    assert totals[0] == "Yhteensä" and totals[7] == "=SUM(H2:H4)"
    text = " ".join(str(value) for row in rows for value in row)
    assert "99999" not in text and "765.43" not in text and "Kilpaileva" not in text


def test_maksut_detail__queries_do_not_grow_with_lines(client, organiser, staff, provider, admin,
                                                       django_assert_max_num_queries):
    client.force_login(admin)

    def page_of(month, count):
        reservation = reservation_of(organiser, provider=provider)
        voucher = capitation_voucher(organiser)
        priced_provider(voucher, provider=provider)
        customership(voucher, provider, start=month, end=month + dt.timedelta(days=count))
        for day in range(count):
            event(reservation, day=month + dt.timedelta(days=day), share=D("1.00"))
        run = start_and_compute(user=staff, month=month)
        return reverse("payments:provider_payment", args=[run.pk])

    small, large = page_of(dt.date(2025, 3, 1), 1), page_of(dt.date(2025, 6, 1), 25)
    client.get(small)
    with CaptureQueriesContext(connection) as baseline:
        client.get(small)
    with django_assert_max_num_queries(len(baseline)):
        response = client.get(large)
    assert response.content.decode().count("<tr>") >= 26


# --- the chart ---------------------------------------------------------------------------------------------


def test_maksut_chart__twelve_months_of_own_payments_as_bars_and_a_table(client, shared_run, admin, on_day):
    on_day(dt.date(2025, 7, 15))  # the chart: 7/2024 … 6/2025
    client.force_login(admin)
    body = client.get(reverse("payments:provider_payments")).content.decode()

    svg = body[body.index("<svg"):body.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="paid-chart-title"' in svg and '<title id="paid-chart-title">' in svg
    assert svg.count('class="chart-bar"') == 12 and "style=" not in svg
    table = body[body.index("</svg>"):]
    table = table[:table.index("</table>")]
    months = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', table)
    assert [month for month, _ in months] == [f"{m}/2024" for m in range(7, 13)] + [f"{m}/2025" for m in range(1, 7)]
    assert months[-1][1] == "70,00\xa0€" and {value for _, value in months[:-1]} == {"0,00\xa0€"}
    assert "835,43" not in body  # the run's total, not the provider's


def test_maksut__the_access_matrix_scenario__other_providers_never_see_bs_lines_or_amount(client):
    """The security suite's victim: organiser Y's run pays provider B. Providers A (another
    organiser's) and C (Y's, unpriced) get 404 for the run and nothing of it in their own list."""
    from tests.security.urlmap import _payment_run, build_victim

    victim = build_victim()
    run = _payment_run(victim)
    amount = f"{victim.settled_event.voucher_share:.2f}".replace(".", ",") + "\xa0€"  # as |euros writes it
    secrets = [victim.reservation.voucher.number, victim.capitation.number, victim.provider_b.name, amount]
    urls = provider_urls(run)

    client.force_login(victim.provider_b_admin)  # the positive control
    assert all(client.get(url).status_code == 200 for url in urls)
    assert amount in client.get(urls[0]).content.decode()
    assert victim.reservation.voucher.number in client.get(urls[1]).content.decode()

    for role in ("provider admin (A)", "user of another provider (C)"):
        client.force_login(victim.outsiders[role])
        assert client.get(urls[0]).status_code == 200
        assert [client.get(url).status_code for url in urls[1:]] == [404, 404, 404], role
        for url in urls:
            body = client.get(url).content.decode()
            assert not [secret for secret in secrets if secret in body], (role, url)
