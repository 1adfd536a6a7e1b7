"""The Maksatus pages: organiser users only, full page or fragment, start, approve, exports."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from core.templatetags.money import euros
from events.models import EventStatus
from organisations.models import Membership
from payments.models import PaymentLine, PaymentRun
from payments.selectors import runs_for_user
from tests.factories import OrganiserFactory, organiser_user, provider_user
from tests.payments.scenarios import (
    capitation_voucher,
    credit,
    customership,
    event,
    priced_provider,
    reservation_of,
    start_and_compute,
)

pytestmark = pytest.mark.django_db

JUNE_2025 = dt.date(2025, 6, 1)
HTMX_PANEL = {"HX-Request": "true", "HX-Target": "panel"}


@pytest.fixture
def run(organiser, staff):
    """June 2025: a capitation line (32,50 €), two events (15,00 € and 22,50 €) and a credit (−15,00 €)."""
    voucher = capitation_voucher(organiser)
    provider = priced_provider(voucher, fee=D("65.00"))
    customership(voucher, provider, start=dt.date(2025, 6, 16))
    reservation = reservation_of(organiser)
    original = event(reservation, day=dt.date(2025, 5, 3), share=D("15.00"), status=EventStatus.SETTLED)
    credit(original, share=D("15.00"))
    event(reservation, day=dt.date(2025, 6, 3), share=D("15.00"), total=D("25.00"))
    event(reservation, day=dt.date(2025, 6, 4), share=D("22.50"))
    return start_and_compute(user=staff, month=JUNE_2025)


def urls(run) -> list[str]:
    return [
        reverse("payments:list"),
        reverse("payments:detail", args=[run.pk]),
        reverse("payments:export_csv", args=[run.pk]),
        reverse("payments:export_xlsx", args=[run.pk]),
    ]


# --- who may see what ---------------------------------------------------------------------------------


def test_payment_pages__anonymous__redirected_to_login(client, run):
    for url in urls(run):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("role", [Membership.Role.PROVIDER_ADMIN, Membership.Role.RECORDER])
def test_payment_pages__provider_users__404(client, run, role):
    client.force_login(provider_user(role=role))
    for url in urls(run):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"kuukausi": "2025-06", "toiminto": "hyvaksy"}).status_code in (404, 405), url
    assert PaymentRun.objects.count() == 1


def test_payment_pages__another_organisers_run__404_and_not_listed(client, run):
    client.force_login(organiser_user(OrganiserFactory()))
    for url in urls(run)[1:]:
        assert client.get(url).status_code == 404, url
    assert client.post(urls(run)[1], {"toiminto": "hyvaksy"}).status_code == 404
    assert reverse("payments:detail", args=[run.pk]) not in client.get(reverse("payments:list")).content.decode()
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.READY


def test_header__organiser_users_see_the_maksatus_link_provider_users_do_not(client, run, staff):
    link = f'href="{reverse("payments:list")}"'
    client.force_login(staff)
    assert link in client.get(reverse("vouchers:customer_tab")).content.decode()
    client.force_login(provider_user())
    assert link not in client.get(reverse("vouchers:customer_tab")).content.decode()


def test_export__wrong_method__405(client, run, staff):
    client.force_login(staff)
    assert client.post(reverse("payments:export_csv", args=[run.pk])).status_code == 405


# --- the list and starting a run ----------------------------------------------------------------------


def test_run_list__full_page_and_fragment(client, run, staff):
    client.force_login(staff)
    page = client.get(reverse("payments:list"))
    fragment = client.get(reverse("payments:list"), headers=HTMX_PANEL)
    boosted = client.get(reverse("payments:list"), headers={**HTMX_PANEL, "HX-Boosted": "true"})

    assert "<html" in page.content.decode() and "<html" in boosted.content.decode()
    body = fragment.content.decode()
    assert "<html" not in body and body.lstrip().startswith('<div id="panel">')
    assert "6/2025" in body and "55,00\xa0€" in body and "Valmis tarkastettavaksi" in body
    assert '<label for="id_kuukausi">' in body
    assert "HX-Request" in page["Vary"]


def test_run_list__chart_of_the_last_12_months_with_the_figures_in_a_table(client, run, staff, frozen_today):
    frozen_today(dt.date(2025, 8, 20))  # the chart: 8/2024 … 7/2025
    client.force_login(staff)
    body = client.get(reverse("payments:list")).content.decode()

    svg = body[body.index("<svg"):body.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="paid-chart-title"' in svg and 'viewBox="0 0 320 200"' in svg
    assert 'width="100%"' in svg and "style=" not in svg and "<script" not in body.split("</head>")[1]
    bars = re.findall(r'<rect class="chart-bar" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)">', svg)
    assert len(bars) == 12
    heights = [float(bar[3]) for bar in bars]
    assert heights[10] > 0 and heights[:10] == [0.0] * 10 and heights[11] == 0.0  # June 2025 only
    assert "<title>6/2025: 55,00\xa0€</title>" in svg
    table = body[body.index("</svg>"):]
    table = table[:table.index("</table>")]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', table)
    assert len(rows) == 12 and rows[0] == ("8/2024", "0,00\xa0€") and rows[10] == ("6/2025", "55,00\xa0€")
    assert 'class="visually-hidden"' in table


def test_run_list__no_runs__the_chart_says_no_payments_yet_over_its_axes(client, organiser, staff):
    """Issue 23, item 9: not a bare line with month numbers."""
    client.force_login(staff)
    body = client.get(reverse("payments:list")).content.decode()

    svg = body[body.index("<svg"):body.index("</svg>")]
    assert 'aria-labelledby="paid-chart-title paid-chart-empty"' in svg
    assert re.search(r'<text id="paid-chart-empty" class="chart-empty" x="160" y="[\d.]+" text-anchor="middle">Ei vielä maksuja</text>', svg)
    axes = re.findall(r'<line class="chart-axis" x1="([\d.]+)" x2="([\d.]+)" y1="([\d.]+)" y2="([\d.]+)"/>', svg)
    assert ("0.5", "0.5", "18", "164") in axes and ("0", "320", "164", "164") in axes  # y axis, x axis at the bottom


def test_run_list__post_a_month__run_queued_at_once_and_redirected_to_it(client, organiser, staff, run_jobs):
    reservation = reservation_of(organiser)
    event(reservation, day=dt.date(2025, 6, 3), share=D("15.00"))
    client.force_login(staff)

    response = client.post(reverse("payments:list"), {"kuukausi": "2025-06"})

    run = PaymentRun.objects.get(organiser=organiser)
    assert response.status_code == 302 and response["Location"] == reverse("payments:detail", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Maksatus 6/2025 käynnistetty; se lasketaan taustalla." in page
    assert (run.status, run.phase) == (PaymentRun.Status.RUNNING, PaymentRun.Phase.QUEUED)
    assert "Odottaa taustatyötä" in page and 'hx-trigger="every 1s"' in page
    assert run_jobs() == 1  # the worker computes it
    run.refresh_from_db()
    assert (run.status, run.progress) == (PaymentRun.Status.READY, 100)
    assert "15,00\xa0€" in client.get(response["Location"]).content.decode()
    response = client.post(reverse("payments:list"), {"kuukausi": "6/2025"})  # again: the same run
    assert response["Location"] == reverse("payments:detail", args=[run.pk])
    assert "on jo tehty" in client.get(response["Location"]).content.decode()
    assert PaymentRun.objects.count() == 1


def test_run_list__htmx_post__the_runs_panel_in_place_and_its_url_pushed(client, organiser, staff):
    client.force_login(staff)
    response = client.post(reverse("payments:list"), {"kuukausi": "2025-06"}, headers=HTMX_PANEL)
    run = PaymentRun.objects.get(organiser=organiser)
    assert response.status_code == 200
    assert response["HX-Push-Url"] == reverse("payments:detail", args=[run.pk])
    assert "lasketaan taustalla" in response.content.decode()


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "Valitse maksatuksen kuukausi."),
        ("kesäkuu", "Anna kuukausi muodossa kk/vvvv"),
        ("2025-13", "Anna kuukausi muodossa kk/vvvv"),
        ("1999-12", "Anna kuukausi muodossa kk/vvvv"),
        ("9999-12", "Kuukauden maksatuksen voi käynnistää vasta, kun kuukausi on päättynyt."),
        ("2025-06\x00", "ei sallita"),
    ],
)
def test_run_list__bad_month__finnish_message_and_nothing_written(client, staff, value, message):
    client.force_login(staff)
    response = client.post(reverse("payments:list"), {"kuukausi": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert PaymentRun.objects.count() == 0


def test_run_list__provider_user_with_a_valid_month__404_and_nothing_written(client):
    client.force_login(provider_user())
    assert client.post(reverse("payments:list"), {"kuukausi": "2025-06"}).status_code == 404
    assert PaymentRun.objects.count() == 0


# --- the run's page --------------------------------------------------------------------------------------


def test_run_detail__per_provider_totals_lines_and_exports(client, run, staff):
    client.force_login(staff)
    body = client.get(reverse("payments:detail", args=[run.pk])).content.decode()
    assert "<html" in body
    for text in ("32,50\xa0€", "22,50\xa0€", "-15,00\xa0€", "55,00\xa0€", "Kapitaatiomaksu", "Hyvitys", "Hyväksy maksatus",
                 reverse("payments:export_csv", args=[run.pk]), reverse("payments:export_xlsx", args=[run.pk])):
        assert text in body, text
    assert 'hx-trigger="every 2s"' not in body  # not running: no polling


def test_run_detail__fragment_for_the_panel_only(client, run, staff):
    client.force_login(staff)
    response = client.get(reverse("payments:detail", args=[run.pk]), headers=HTMX_PANEL)
    body = response.content.decode()
    assert "<html" not in body and body.lstrip().startswith('<div id="panel">')
    other_target = client.get(reverse("payments:detail", args=[run.pk]), headers={"HX-Request": "true", "HX-Target": "x"})
    assert "<html" in other_target.content.decode()


def test_run_detail__running__the_panel_polls_itself_every_second_and_names_the_phase(client, run, staff):
    PaymentRun.objects.filter(pk=run.pk).update(
        status=PaymentRun.Status.RUNNING, progress=40, phase=PaymentRun.Phase.EVENTS
    )
    client.force_login(staff)
    body = client.get(reverse("payments:detail", args=[run.pk]), headers=HTMX_PANEL).content.decode()
    assert 'hx-trigger="every 1s"' in body and "Kootaan tapahtumia" in body
    assert "Taustatyö ei ole käynnissä" not in body
    assert f'hx-get="{reverse("payments:detail", args=[run.pk])}"' in body and 'hx-target="#panel"' in body
    assert 'value="40"' in body and "Käynnissä" in body
    assert "Hyväksy maksatus" not in body


def test_run_detail__running_with_nothing_written_yet__says_it_is_computing_not_that_nothing_is_paid(client, run, staff):
    """Issue 23, item 5: while a run computes, its table does not claim there is nothing to pay."""
    run.payments.all().delete()
    PaymentRun.objects.filter(pk=run.pk).update(status=PaymentRun.Status.RUNNING, progress=10)
    client.force_login(staff)
    body = client.get(reverse("payments:detail", args=[run.pk])).content.decode()
    assert "Ei maksettavaa tältä kuukaudelta" not in body and "Lasketaan: maksut näkyvät" in body


def test_run_detail__approve_without_confirmation__asks_with_month_and_sum_and_changes_nothing(client, run, staff):
    """Issue 23, item 4: the first POST asks; a form with Vahvista and Peruuta, no JavaScript needed."""
    client.force_login(staff)
    url = reverse("payments:detail", args=[run.pk])

    response = client.post(url, {"toiminto": "hyvaksy"})

    run.refresh_from_db()
    assert response.status_code == 200 and run.status == PaymentRun.Status.READY and run.approved_at is None
    body = response.content.decode()
    total = runs_for_user(staff).get(pk=run.pk).total
    assert total > 0 and f"Hyväksy maksatus {run.month.month}/{run.month.year}: {euros(total)}?" in body
    assert 'name="vahvista" value="1"' in body and ">Vahvista</button>" in body and "Peruuta</a>" in body


def test_run_detail__mark_paid_without_confirmation__asks_and_no_event_is_paid(client, run, staff):
    client.force_login(staff)
    url = reverse("payments:detail", args=[run.pk])
    client.post(url, {"toiminto": "hyvaksy", "vahvista": "1"})

    response = client.post(url, {"toiminto": "maksettu"}, headers=HTMX_PANEL)

    body = response.content.decode()
    total = runs_for_user(staff).get(pk=run.pk).total
    assert f"Merkitse maksatus {run.month.month}/{run.month.year} maksetuksi: {euros(total)}?" in body
    statuses = set(PaymentLine.objects.filter(payment__run=run, event__isnull=False).values_list("event__status", flat=True))
    assert statuses == {"settled"}


def test_run_detail__approve__approved_and_then_mark_paid(client, run, staff):
    client.force_login(staff)
    url = reverse("payments:detail", args=[run.pk])

    response = client.post(url, {"toiminto": "hyvaksy", "vahvista": "1"})

    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.APPROVED and run.approved_by == staff
    body = client.get(url).content.decode()
    assert "Maksatus hyväksytty" in body and "Merkitse maksetuksi" in body and "Hyväksy maksatus" not in body

    response = client.post(url, {"toiminto": "maksettu", "vahvista": "1"}, headers=HTMX_PANEL)
    assert response.status_code == 200 and "3 tapahtumaa merkitty maksetuiksi" in response.content.decode()
    assert set(PaymentLine.objects.filter(payment__run=run, event__isnull=False).values_list("event__status", flat=True)) == {"paid"}


def test_run_detail__approve_twice_or_unknown_action__message_not_500(client, run, staff):
    client.force_login(staff)
    url = reverse("payments:detail", args=[run.pk])
    client.post(url, {"toiminto": "hyvaksy", "vahvista": "1"})
    assert "jo hyväksytty" in client.post(url, {"toiminto": "hyvaksy"}).content.decode()
    assert "Tuntematon toiminto" in client.post(url, {"toiminto": "poista"}).content.decode()


def test_run_detail__queries_do_not_grow_with_lines(client, organiser, staff, django_assert_max_num_queries):
    client.force_login(staff)

    def page_of(month, count):
        reservation = reservation_of(organiser)
        voucher = capitation_voucher(organiser)
        customership(voucher, priced_provider(voucher), start=month, end=month + dt.timedelta(days=count))
        for day in range(count):
            event(reservation, day=month + dt.timedelta(days=day), share=D("1.00"))
        run = start_and_compute(user=staff, month=month)
        return reverse("payments:detail", args=[run.pk])

    small, large = page_of(dt.date(2025, 3, 1), 1), page_of(dt.date(2025, 6, 1), 25)
    client.get(small)  # warm the session and the user
    with CaptureQueriesContext(connection) as baseline:
        client.get(small)
    with django_assert_max_num_queries(len(baseline)):
        response = client.get(large)
    assert response.content.decode().count("<tr>") >= 26


# --- exports ---------------------------------------------------------------------------------------------


def test_export_csv__semicolons_decimal_comma_bom_one_row_per_line(client, run, staff):
    client.force_login(staff)
    response = client.get(reverse("payments:export_csv", args=[run.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="maksatus-2025-06.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Palveluntuottaja", "Y-tunnus", "Ostovoiman numero", "Setelilaji", "Rivin laji",
                       "Tapahtumapäivä", "Asiakkuuden päiviä", "Summa (€)"]
    assert len(rows) == 1 + PaymentLine.objects.filter(payment__run=run).count() + 1 == 6
    lines, totals = rows[1:-1], rows[-1]
    assert totals == ["Yhteensä", "", "", "", "", "", "", "55,00"]  # issue 23, item 10
    by_kind = {(row[4], row[7]) for row in lines}
    # The credit is of May's event (a late line, as the run's page marks it).
    assert by_kind == {("Kapitaatiomaksu", "32,50"), ("Tapahtuma", "15,00"), ("Tapahtuma", "22,50"),
                       ("Hyvitys (myöhästynyt 5/2025)", "-15,00")}
    capitation = next(row for row in rows if row[4] == "Kapitaatiomaksu")
    assert (capitation[3], capitation[5], capitation[6]) == ("Kapitaatioseteli", "", "15")
    assert {row[5] for row in rows if row[4] == "Tapahtuma"} == {"3.6.2025", "4.6.2025"}
    assert sum(D(row[7].replace(",", ".")) for row in lines) == D("55.00")


def test_export__a_late_line__marked_as_on_the_runs_page(client, run, staff):
    """Issue 23, item 10: the CSV and the XLSX say "(myöhästynyt 5/2025)" as the run's lines do."""
    line = PaymentLine.objects.filter(payment__run=run, event__isnull=False, event__credit_of__isnull=True).first()
    PaymentLine.objects.filter(pk=line.pk).update(for_month=dt.date(2025, 5, 1))
    client.force_login(staff)

    page = client.get(reverse("payments:detail", args=[run.pk])).content.decode()
    rows = list(csv.reader(io.StringIO(client.get(reverse("payments:export_csv", args=[run.pk])).content.decode("utf-8-sig")), delimiter=";"))
    sheet = load_workbook(io.BytesIO(client.get(reverse("payments:export_xlsx", args=[run.pk])).content)).active

    assert "Tapahtuma (myöhästynyt 5/2025)" in page
    assert [row[4] for row in rows].count("Tapahtuma (myöhästynyt 5/2025)") == 1
    assert [row[4] for row in sheet.iter_rows(values_only=True)].count("Tapahtuma (myöhästynyt 5/2025)") == 1


def test_export_xlsx__numbers_as_numbers_with_two_decimals(client, run, staff):
    client.force_login(staff)
    response = client.get(reverse("payments:export_xlsx", args=[run.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="maksatus-2025-06.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))[:-1]  # the last one is the totals row
    assert rows[0][7] == "Summa (€)" and len(rows) == 5
    amounts = sorted(row[7] for row in rows[1:])
    assert amounts == [-15, 15, 22.5, 32.5]
    assert all(isinstance(value, (int, float)) for value in amounts)
    dates = {row[5] for row in rows[1:] if row[4] == "Tapahtuma"}
    assert {d.date() for d in dates} == {dt.date(2025, 6, 3), dt.date(2025, 6, 4)}
    assert {sheet.cell(row=r, column=6).number_format for r in range(2, 6) if sheet.cell(row=r, column=6).value} == {"d.m.yyyy"}


def test_export_xlsx__euros_a_totals_row_a_frozen_header_and_an_autofilter(client, run, staff):
    client.force_login(staff)
    sheet = load_workbook(io.BytesIO(client.get(reverse("payments:export_xlsx", args=[run.pk])).content)).active

    # Money as "# ##0,00 €" in a Finnish Excel: the format code itself is locale-independent.
    assert {sheet.cell(row=r, column=8).number_format for r in range(2, 7)} == {'#,##0.00 "€"'}
    assert [sheet.cell(row=6, column=c).value for c in (1, 8)] == ["Yhteensä", "=SUM(H2:H5)"]
    assert sheet.cell(row=6, column=1).font.b and sheet.cell(row=6, column=8).font.b
    assert sum(sheet.cell(row=r, column=8).value for r in range(2, 6)) == 55  # what the formula sums: the run's total
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H5"  # the header and the lines; not the totals row
    assert sheet.max_row == 6


def test_export_xlsx__a_run_without_lines__a_zero_total_and_the_header_filtered(client, organiser, staff):
    run = start_and_compute(user=staff, month=JUNE_2025)
    client.force_login(staff)
    sheet = load_workbook(io.BytesIO(client.get(reverse("payments:export_xlsx", args=[run.pk])).content)).active
    assert [sheet.cell(row=2, column=c).value for c in (1, 8)] == ["Yhteensä", 0]
    assert (sheet.auto_filter.ref, sheet.freeze_panes, sheet.max_row) == ("A1:H1", "A2", 2)


def test_exports__no_customer_data_and_no_read_logged(client, run, staff):
    customers = [line.customership.voucher.customer if line.customership_id else line.event.reservation.voucher.customer
                 for line in PaymentLine.objects.filter(payment__run=run)]
    client.force_login(staff)
    reads = AuditEntry.objects.filter(action="read").count()
    csv_text = client.get(reverse("payments:export_csv", args=[run.pk])).content.decode("utf-8-sig")
    xlsx = load_workbook(io.BytesIO(client.get(reverse("payments:export_xlsx", args=[run.pk])).content)).active
    xlsx_text = " ".join(str(value) for row in xlsx.iter_rows(values_only=True) for value in row)
    page = client.get(reverse("payments:detail", args=[run.pk])).content.decode()
    for customer in customers:
        for text in (csv_text, xlsx_text, page):
            assert customer.henkilotunnus not in text and customer.last_name not in text
    assert AuditEntry.objects.filter(action="read").count() == reads


def test_export__a_formula_looking_provider_name__kept_as_text(client, organiser, staff):
    reservation = reservation_of(organiser)
    reservation.provider.name = "=HYPERLINK(\"http://x\")"
    reservation.provider.save()
    event(reservation, day=dt.date(2025, 6, 3), share=D("1.00"))
    run = start_and_compute(user=staff, month=JUNE_2025)
    client.force_login(staff)
    rows = list(csv.reader(io.StringIO(client.get(reverse("payments:export_csv", args=[run.pk])).content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0].startswith("'=")
    sheet = load_workbook(io.BytesIO(client.get(reverse("payments:export_xlsx", args=[run.pk])).content)).active
    assert sheet.cell(row=2, column=1).data_type == "s"


@pytest.mark.parametrize("name", [" +cmd|' /C calc'!A0", "\u00a0=1+1", "=HYPERLINK(\"http://x\")"])
def test_export__formula_after_leading_blanks__guarded_in_csv_and_a_plain_string_in_xlsx(client, organiser, staff, name):
    """Issue 14, item 9: the guard looks past leading blanks; XLSX stores the name itself as text."""
    reservation = reservation_of(organiser)
    reservation.provider.name = name
    reservation.provider.save()
    event(reservation, day=dt.date(2025, 6, 3), share=D("1.00"))
    run = start_and_compute(user=staff, month=JUNE_2025)
    client.force_login(staff)
    csv_text = client.get(reverse("payments:export_csv", args=[run.pk])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_text), delimiter=";"))
    assert rows[1][0] == "'" + name
    sheet = load_workbook(io.BytesIO(client.get(reverse("payments:export_xlsx", args=[run.pk])).content)).active
    cell = sheet.cell(row=2, column=1)
    assert (cell.value, cell.data_type) == (name, "s")
