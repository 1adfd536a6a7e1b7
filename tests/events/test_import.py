"""Importing events from a file ("Tuo tapahtumia"): reading CSV and XLSX as Finnish Excel saves them,
every row checked by the recording service's own rules with its line, column and Finnish message,
the preview, "Tallenna" (also all or nothing), and who may import onto which vouchers."""

import datetime as dt
import io
import re
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audit.models import AuditEntry
from core.dates import today
from events import imports
from events.imports import ImportRefused, Row, import_events, read_bytes
from events.models import Event, EventChange, EventStatus
from events.services import event_record
from organisations.models import Membership
from tests.events.scenarios import balance_reservation, days_ago, priced_reservation
from tests.factories import (
    EventFactory,
    ProviderFactory,
    ReservationFactory,
    VoucherContentFactory,
    VoucherFactory,
    organiser_user,
    provider_user,
)

pytestmark = pytest.mark.django_db

HEADER = "ostovoima;päivämäärä;määrä;lisätieto"


def fi(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def csv_bytes(lines, *, bom=True) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join([HEADER, *lines]) + "\r\n").encode("utf-8")


def rows_of(lines) -> list[Row]:
    return read_bytes(csv_bytes(lines))


def sibling(reservation, quantity=D("1000")):
    """Another reservation of the same provider, service and content (priced by the same list)."""
    voucher = VoucherFactory(organiser=reservation.voucher.organiser, service=reservation.voucher.service)
    granted = reservation.voucher_content
    content = VoucherContentFactory(voucher=voucher, content=granted.content, quantity=quantity,
                                    unit_value=granted.unit_value, period=granted.period)
    return ReservationFactory(voucher=voucher, voucher_content=content, provider=reservation.provider)


def upload(client, data: bytes, name="tapahtumat.csv", **extra):
    return client.post(reverse("events:import"), {"tiedosto": SimpleUploadedFile(name, data), **extra})


def token_of(response) -> str:
    return re.search(r'name="aineisto" value="([^"]+)"', response.content.decode())[1]


# --- reading files ------------------------------------------------------------------------------------


def test_read__csv_with_and_without_bom__same_rows_with_line_numbers():
    lines = ["1005;2.11.2026;1,5;Aamukäynti", ";;;", "1006;03.11.2026;2;"]
    with_bom, without = read_bytes(csv_bytes(lines)), read_bytes(csv_bytes(lines, bom=False))
    assert [(r.line, r.cells) for r in with_bom] == [(r.line, r.cells) for r in without]
    assert [r.line for r in with_bom] == [2, 4]  # the empty row 3 is skipped; lines keep the file's numbering
    assert with_bom[0].cells == {"ostovoima": "1005", "paivamaara": "2.11.2026", "maara": "1,5", "lisatieto": "Aamukäynti"}


def test_read__windows_1252_csv_of_older_excel__read_too():
    data = (HEADER + "\r\n1005;2.11.2026;1,5;Päiväkäynti\r\n").encode("cp1252")
    assert read_bytes(data)[0].cells["lisatieto"] == "Päiväkäynti"


def test_read__quoted_note_over_two_lines__line_number_is_where_the_row_starts():
    rows = read_bytes(csv_bytes(['1005;2.11.2026;1;"kaksi\nriviä"', "1005;3.11.2026;1;"]))
    assert [r.line for r in rows] == [2, 4]


def test_read__xlsx_with_date_and_number_cells__same_as_csv():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Ostovoima", "Päivämäärä", "Määrä", "Lisätieto"])
    sheet.append([1005, dt.datetime(2026, 11, 2), 1.5, "Aamukäynti"])
    sheet.append(["1006", "3.11.2026", "2,25", None])
    out = io.BytesIO()
    workbook.save(out)
    rows = read_bytes(out.getvalue())
    assert [(r.line, r.cells) for r in rows] == [
        (2, {"ostovoima": "1005", "paivamaara": "2026-11-02", "maara": "1.5", "lisatieto": "Aamukäynti"}),
        (3, {"ostovoima": "1006", "paivamaara": "3.11.2026", "maara": "2,25", "lisatieto": ""}),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Tiedosto on tyhjä."),
        (b"\xef\xbb\xbf\r\n;;;\r\n", "Tiedosto on tyhjä."),
        (HEADER.encode() + b"\r\n", "Tiedostossa ei ole yhtään tapahtumariviä"),
        (b"numero;pvm;kpl\r\n1;2;3\r\n", "Tiedostosta puuttuu sarake: ostovoima, päivämäärä, määrä."),
        (b"ostovoima;p\xc3\xa4iv\xc3\xa4m\xc3\xa4\xc3\xa4r\xc3\xa4;m\xc3\xa4\xc3\xa4r\xc3\xa4;hinta\r\n", "Tuntematon sarake: hinta."),
        (b"ostovoima,paivamaara,maara\r\n1005,1.1.2026,1\r\n", "Sarakkeet erotetaan puolipisteellä (;)"),
        (b"\x00\x01\x02\xff\xfe binary \x00" * 50, "Tiedosto ei ole CSV- eikä XLSX-tiedosto."),
        (b"PK\x03\x04 not really a zip file", "Tiedostoa ei voi lukea: se ei ole kelvollinen XLSX-tiedosto."),
    ],
)
def test_read__garbage__refused_with_a_finnish_message(data, message):
    with pytest.raises(ImportRefused) as refused:
        read_bytes(data)
    assert message in refused.value.message


def test_read__more_than_10000_rows__refused():
    lines = ["1005;1.11.2026;1;" for _ in range(imports.MAX_ROWS + 1)]
    with pytest.raises(ImportRefused) as refused:
        read_bytes(csv_bytes(lines))
    assert refused.value.message == "Tiedostossa on yli 10 000 riviä. Jaa tapahtumat useaan tiedostoon."
    assert len(read_bytes(csv_bytes(lines[:-1]))) == imports.MAX_ROWS


def test_read__blank_lines_count_too__ten_thousand_blank_lines_then_a_row__refused():
    lines = ["" for _ in range(imports.MAX_ROWS)] + ["1005;1.11.2026;1;"]
    with pytest.raises(ImportRefused, match="yli 10 000 riviä"):
        read_bytes(csv_bytes(lines))


def test_read__small_xlsx_of_millions_of_empty_rows__refused_before_reading_them():
    from tests.test_spreadsheets import SHEET_XML, with_parts, workbook_bytes

    data = with_parts(workbook_bytes(["ostovoima", "päivämäärä", "määrä"]), sheet=SHEET_XML.format(rows="<row/>" * 3_000_000))
    with pytest.raises(ImportRefused, match="purettuna liian suuri"):
        read_bytes(data)


def test_read__xlsx_row_far_below__the_blank_rows_between_count_and_it_is_refused():
    from tests.test_spreadsheets import SHEET_XML, with_parts, workbook_bytes

    header = "".join(f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
                     for col, name in zip("ABC", ("ostovoima", "päivämäärä", "määrä")))
    sheet = SHEET_XML.format(rows=f'<row r="1">{header}</row>'
                                  '<row r="9000000"><c r="A9000000" t="inlineStr"><is><t>1005</t></is></c></row>')
    with pytest.raises(ImportRefused, match="yli 10 000 riviä"):
        read_bytes(with_parts(workbook_bytes(["x"]), sheet=sheet))


# --- checking rows: the service's rules, with line, column and message ------------------------------------


def test_check__decimal_comma_and_finnish_date__priced_as_the_service_prices():
    reservation = priced_reservation(quantity=D("10"), unit_price=D("25.00"), unit_value=D("15.00"))
    day = days_ago(3)
    outcome = import_events(user=reservation.created_by, rows=rows_of([f"{reservation.voucher.number};{fi(day)};1,5;käynti"]))
    (row,) = outcome.rows
    assert row.ok and row.date == day and row.quantity == D("1.5")
    assert (row.event.total, row.event.voucher_share, row.event.customer_share) == (D("37.50"), D("22.50"), D("15.00"))
    assert row.event.status == EventStatus.APPROVED
    assert Event.objects.count() == 0  # a preview writes nothing


def test_check__bad_rows__each_with_its_line_column_and_finnish_message():
    reservation = priced_reservation()
    number = reservation.voucher.number
    lines = [
        f"{number};{fi(days_ago(1))};1;ok",
        f"{number};31.2.2026;1;",
        f"{number};{fi(days_ago(1))};kolme;",
        f"{number};{fi(today() + dt.timedelta(days=1))};1;",
        f"{number};{fi(days_ago(1))};0;",
        f"{number};{fi(days_ago(100))};1;",
        "99999999;1.11.2026;1;",
        f"12ab;{fi(days_ago(1))};1;",
        f"{number};;;",
    ]
    outcome = import_events(user=reservation.created_by, rows=rows_of(lines))
    found = {row.line: row.errors for row in outcome.rows}
    voucher = reservation.voucher
    assert found[2] == []
    assert found[3] == [("päivämäärä", "Anna päivämäärä muodossa pp.kk.vvvv.")]
    assert found[4] == [("määrä", "Anna luku, esimerkiksi 12,50.")]
    assert found[5] == [("päivämäärä", "Tapahtumaa ei voi kirjata tulevalle päivälle.")]
    assert found[6] == [("määrä", "Määrän on oltava suurempi kuin nolla.")]
    assert found[7] == [(
        "päivämäärä",
        f"Päivämäärä {fi(days_ago(100))} ei ole ostovoiman voimassaoloaikana ({fi(voucher.valid_from)}–{fi(voucher.effective_end)}).",
    )]
    assert found[8] == [("ostovoima", "Palveluvarausta ei löydy, tai sinulla ei ole oikeutta kirjata sille.")]
    assert found[9] == [("ostovoima", "Ostovoiman numero on 1–20 numeroa.")]
    assert {column for column, _message in found[10]} == {"päivämäärä", "määrä"}
    assert len(outcome.good) == 1 and len(outcome.bad) == 8


def test_check__rows_add_up__the_row_past_what_was_granted_goes_to_review():
    reservation = priced_reservation(quantity=D("10"))
    EventFactory(reservation=reservation, quantity=D("6"))
    number = reservation.voucher.number
    outcome = import_events(user=reservation.created_by,
                            rows=rows_of([f"{number};{fi(days_ago(2))};3;", f"{number};{fi(days_ago(1))};2;"]))
    assert [row.event.status for row in outcome.rows] == [EventStatus.APPROVED, EventStatus.UNDER_REVIEW]
    assert outcome.under_review == 1


def test_check__balance_voucher_never_overdrawn__the_row_past_the_balance_refused():
    reservation = balance_reservation(amount=D("100.00"))
    number = reservation.voucher.number
    outcome = import_events(user=reservation.created_by,
                            rows=rows_of([f"{number};{fi(days_ago(2))};80,00;", f"{number};{fi(days_ago(1))};30;"]))
    assert outcome.rows[0].ok
    assert outcome.rows[1].errors == [("määrä", "Saldo ei riitä: jäljellä 20,00\u00a0€, kirjaus 30,00\u00a0€.")]


def test_check__same_answers_as_recording_one_event_at_a_time():
    """The import asks the service's own rules: recording the same rows one by one gives the same
    prices and statuses (a row past what was granted under review in both)."""
    first = priced_reservation(quantity=D("3"), unit_price=D("31.10"), unit_value=D("20.00"))
    second = sibling(first, quantity=D("3"))
    rows = [(days_ago(5), D("1.25")), (days_ago(4), D("1")), (days_ago(3), D("1.5"))]
    outcome = import_events(
        user=first.created_by, save=True,
        rows=rows_of([f"{first.voucher.number};{fi(day)};{str(quantity).replace('.', ',')};" for day, quantity in rows]),
    )
    one_by_one = [event_record(user=second.created_by, reservation_id=second.pk, date=day, quantity=quantity) for day, quantity in rows]
    fields = ("unit_price", "total", "voucher_share", "customer_share", "status")
    assert [[getattr(r.event, f) for f in fields] for r in outcome.rows] == [[getattr(e, f) for f in fields] for e in one_by_one]
    assert one_by_one[-1].status == EventStatus.UNDER_REVIEW


def test_check__query_count_does_not_grow_with_rows():
    first = priced_reservation()
    others = [sibling(first) for _ in range(9)]
    day = fi(days_ago(1))
    few = rows_of([f"{first.voucher.number};{day};1;"])
    many = rows_of([f"{r.voucher.number};{day};1;" for r in [first, *others] for _ in range(5)])
    import_events(user=first.created_by, rows=few)  # the user's membership, read once per user object
    with CaptureQueriesContext(connection) as one:
        import_events(user=first.created_by, rows=few)
    with CaptureQueriesContext(connection) as fifty:
        outcome = import_events(user=first.created_by, rows=many)
    assert len(outcome.good) == 50
    assert len(fifty) == len(one)


# --- saving -------------------------------------------------------------------------------------------------


def test_save__good_rows_recorded_with_history_and_audit__bad_rows_skipped():
    reservation = priced_reservation()
    number = reservation.voucher.number
    outcome = import_events(user=reservation.created_by, save=True,
                            rows=rows_of([f"{number};{fi(days_ago(2))};1;a", f"{number};x;1;", f"{number};{fi(days_ago(1))};2;b"]))
    assert outcome.saved == 2
    events = list(Event.objects.filter(reservation=reservation).order_by("date"))
    assert [(e.quantity, e.note, e.created_by_id) for e in events] == [(D("1"), "a", reservation.created_by_id), (D("2"), "b", reservation.created_by_id)]
    assert EventChange.objects.filter(reservation=reservation, action="record").count() == 2
    assert AuditEntry.objects.filter(action="change", customer_id=reservation.voucher.customer_id).count() == 2


def test_save__all_or_nothing_with_a_bad_row__nothing_recorded():
    reservation = priced_reservation()
    number = reservation.voucher.number
    rows = rows_of([f"{number};{fi(days_ago(2))};1;", f"{number};{fi(days_ago(1))};-1;"])
    outcome = import_events(user=reservation.created_by, rows=rows, save=True, all_or_nothing=True)
    assert outcome.saved == 0 and len(outcome.bad) == 1
    assert not Event.objects.exists() and not EventChange.objects.exists()


# --- through the pages --------------------------------------------------------------------------------------


def test_views__template_downloads__csv_and_xlsx_read_back_as_the_columns_and_one_example(login):
    client = login(provider_user())
    csv_response = client.get(reverse("events:import_template_csv"))
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.startswith("\ufeff".encode()) and b";" in csv_response.content
    xlsx_response = client.get(reverse("events:import_template_xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert [cell.value for cell in sheet[1]] == ["ostovoima", "päivämäärä", "määrä", "lisätieto"]
    for content in (csv_response.content, xlsx_response.content):
        (row,) = read_bytes(content)
        assert row.cells["ostovoima"] == "1005" and row.cells["lisatieto"] == "Aamukäynti"


def test_views__500_rows_made_from_the_template__preview_then_save(login):
    first = priced_reservation(quantity=D("1000"))
    reservations = [first, *(sibling(first) for _ in range(4))]
    client = login(first.created_by)
    assert 'id="import-events"' in client.get(reverse("events:vouchers")).content.decode()
    template = client.get(reverse("events:import_template_csv")).content.decode("utf-8-sig")
    header = template.splitlines()[0]
    lines = [f"{r.voucher.number};{fi(days_ago(1 + i % 50))};1,5;rivi {i}" for i in range(100) for r in reservations]
    data = ("\ufeff" + "\r\n".join([header, *lines]) + "\r\n").encode("utf-8")

    preview = upload(client, data)

    html = preview.content.decode()
    assert preview.status_code == 200
    assert html.count('<tr id="line-') == 500 and 'id="line-501"' in html
    assert "500 riviä" in html and "500 kunnossa" in html
    assert Event.objects.count() == 0

    response = client.post(reverse("events:import_save"), {"aineisto": token_of(preview)})

    assert response.status_code == 302 and response["Location"] == reverse("events:vouchers")
    assert Event.objects.filter(reservation__in=reservations).count() == 500
    assert Event.objects.filter(quantity=D("1.5"), status=EventStatus.APPROVED).count() == 500
    assert "Tallennettu 500 tapahtumaa." in client.get(response["Location"]).content.decode()
    # The same preview cannot be saved twice.
    again = client.post(reverse("events:import_save"), {"aineisto": token_of(preview)})
    assert "Tämä tiedosto on jo tallennettu" in again.content.decode()
    assert Event.objects.count() == 500


def test_views__bad_rows__the_preview_shows_what_the_file_said_escaped(login):
    """Issue 23, item 10: a value that did not parse is shown as it was in the file, not left blank."""
    reservation = priced_reservation()
    client = login(reservation.created_by)
    number = reservation.voucher.number
    preview = upload(client, csv_bytes([f"{number};31.2.2026;1;", f"{number};{fi(days_ago(1))};<b>kolme</b>;"]))

    html = preview.content.decode()
    line_2 = html[html.index('<tr id="line-2"'):html.index('<tr id="line-3"')]
    line_3 = html[html.index('<tr id="line-3"'):html.index("</tbody>")]
    assert "<td>31.2.2026</td>" in line_2 and "Anna päivämäärä muodossa pp.kk.vvvv." in line_2
    assert '<td class="num">&lt;b&gt;kolme&lt;/b&gt;</td>' in line_3 and "<b>kolme" not in html
    assert f"<td>{fi(days_ago(1))}</td>" in line_3


def test_views__save_choice__two_radios_worded_as_what_happens_good_rows_by_default(login):
    reservation = priced_reservation()
    client = login(reservation.created_by)
    preview = upload(client, csv_bytes([f"{reservation.voucher.number};{fi(days_ago(1))};1;"]))
    html = preview.content.decode()
    assert html.count('type="radio" name="tallennus"') == 2 and "kaikki_tai_ei_mitaan" not in html
    assert re.search(r'<input type="radio" name="tallennus" value="kelvolliset"[^>]*checked', html)
    assert "Tallenna kelvolliset rivit ja ohita virheelliset" in html and "Tallenna vain, jos kaikki rivit kelpaavat" in html


def test_views__all_or_nothing_chosen_and_a_bad_row__nothing_saved_and_the_preview_shown_again(login):
    reservation = priced_reservation()
    client = login(reservation.created_by)
    number = reservation.voucher.number
    preview = upload(client, csv_bytes([f"{number};{fi(days_ago(1))};1;", f"{number};{fi(days_ago(1))};0;"]))
    assert "1 virheellinen." in preview.content.decode()  # issue 23, item 10: not "1 virheellisiä"
    response = client.post(reverse("events:import_save"), {"aineisto": token_of(preview), "tallennus": "kaikki"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mitään ei tallennettu: 1 rivi on virheellinen." in html
    assert "Määrän on oltava suurempi kuin nolla." in html
    assert not Event.objects.exists()
    # With the good rows chosen (the default) the good row is saved.
    client.post(reverse("events:import_save"), {"aineisto": token_of(response), "tallennus": "kelvolliset"})
    assert Event.objects.count() == 1


def test_views__save_checks_again__a_voucher_closed_after_the_preview_is_refused(login):
    reservation = priced_reservation()
    client = login(reservation.created_by)
    preview = upload(client, csv_bytes([f"{reservation.voucher.number};{fi(days_ago(1))};1;"]))
    reservation.voucher.closed_on = days_ago(5)
    reservation.voucher.save()
    response = client.post(reverse("events:import_save"), {"aineisto": token_of(preview)})
    html = response.content.decode()
    assert not Event.objects.exists()
    assert response.status_code == 200
    assert "Mitään ei tallennettu: 1 rivi on virheellinen." in html
    assert "ei ole ostovoiman voimassaoloaikana" in html


def test_views__save_with_some_rows_gone_bad__the_rest_saved_and_the_bad_lines_named(login):
    reservation = priced_reservation()
    client = login(reservation.created_by)
    number = reservation.voucher.number
    preview = upload(client, csv_bytes([f"{number};{fi(days_ago(10))};1;", f"{number};{fi(days_ago(1))};1;"]))
    reservation.voucher.closed_on = days_ago(5)
    reservation.voucher.save()
    response = client.post(reverse("events:import_save"), {"aineisto": token_of(preview)})
    assert response.status_code == 302
    assert Event.objects.get().date == days_ago(10)
    assert "Tallennettu 1 tapahtumaa. Virheelliset rivit ohitettiin (1): 3." in client.get(response["Location"]).content.decode()


def test_views__another_users_preview__refused(login, client):
    reservation = priced_reservation()
    preview = upload(login(reservation.created_by), csv_bytes([f"{reservation.voucher.number};{fi(days_ago(1))};1;"]))
    token = token_of(preview)
    colleague = provider_user(reservation.provider)
    client.force_login(colleague)
    response = client.post(reverse("events:import_save"), {"aineisto": token})
    assert "Esikatselua ei löydy. Lataa tiedosto uudelleen." in response.content.decode()
    tampered = client.post(reverse("events:import_save"), {"aineisto": token[:-3] + "abc"})
    assert tampered.status_code == 200 and "Esikatselua ei löydy" in tampered.content.decode()
    assert not Event.objects.exists()


def test_views__another_providers_voucher__the_same_not_found_as_a_number_that_does_not_exist(login):
    theirs = priced_reservation()
    outsider = provider_user()
    client = login(outsider)
    preview = upload(client, csv_bytes([f"{theirs.voucher.number};{fi(days_ago(1))};1;", f"99999999;{fi(days_ago(1))};1;"]))
    html = preview.content.decode()
    message = "Palveluvarausta ei löydy, tai sinulla ei ole oikeutta kirjata sille."
    assert html.count(message) == 2
    assert theirs.voucher.customer.last_name not in html
    assert "0 kunnossa" in html and 'name="aineisto"' not in html  # nothing to save
    forged = imports.sign_rows(user=outsider, rows=rows_of([f"{theirs.voucher.number};{fi(days_ago(1))};1;"]), provider_id=None)
    client.post(reverse("events:import_save"), {"aineisto": forged})
    assert not Event.objects.exists()


def test_views__recorder_who_may_record__may_import(login):
    reservation = priced_reservation()
    recorder = provider_user(reservation.provider, role=Membership.Role.RECORDER)
    client = login(recorder)
    preview = upload(client, csv_bytes([f"{reservation.voucher.number};{fi(days_ago(1))};1;"]))
    client.post(reverse("events:import_save"), {"aineisto": token_of(preview)})
    assert Event.objects.get().created_by == recorder


def test_views__organiser_picks_the_provider__only_that_providers_reservations(login):
    ours = priced_reservation()
    organiser = ours.voucher.organiser
    other_provider = priced_reservation(organiser=organiser, provider=ProviderFactory())
    staff = organiser_user(organiser)
    client = login(staff)
    page = client.get(reverse("events:import")).content.decode()
    assert ours.provider.name in page and other_provider.provider.name in page
    assert "– Valitse palveluntuottaja –" in page and "Select an option" not in page  # issue 23, item 6
    data = csv_bytes([f"{ours.voucher.number};{fi(days_ago(1))};1;", f"{other_provider.voucher.number};{fi(days_ago(1))};1;"])
    missing = upload(client, data)
    assert "Valitse palveluntuottaja." in missing.content.decode()
    preview = upload(client, data, palveluntuottaja=str(ours.provider.pk))
    assert "Palveluvarausta ei löydy" in preview.content.decode()
    client.post(reverse("events:import_save"), {"aineisto": token_of(preview)})
    event = Event.objects.get()
    assert event.reservation == ours and event.created_by == staff


def test_views__provider_of_another_organiser__not_offered_to_organiser(login):
    ours = priced_reservation()
    stranger = ProviderFactory()
    client = login(organiser_user(ours.voucher.organiser))
    response = upload(client, csv_bytes(["1;1.1.2026;1;"]), palveluntuottaja=str(stranger.pk))
    assert "Valitse palveluntuottaja." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "tyhja.csv", "Tiedosto on tyhjä."),
        (bytes(range(256)) * 20, "kuva.png", "Tiedosto ei ole CSV- eikä XLSX-tiedosto."),
        (b"PK\x03\x04" + bytes(range(256)) * 10, "rikki.xlsx", "ei ole kelvollinen XLSX-tiedosto"),
        (b"nimi;hetu\r\nMatti;010101-123N\r\n", "vaara.csv", "Tiedostosta puuttuu sarake"),
    ],
)
def test_views__garbage_file__the_upload_page_with_a_finnish_message_never_500(login, data, name, message):
    client = login(provider_user())
    response = upload(client, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_views__file_over_the_size_limit__refused(login, monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 1024 * 1024)
    client = login(provider_user())
    response = upload(client, csv_bytes(["1005;1.11.2026;1;" + "x" * 1000] * 1100))
    assert "Tiedosto on liian suuri (enintään 1 Mt)." in response.content.decode()


def test_views__save_without_a_preview__finnish_message(login):
    client = login(provider_user())
    response = client.post(reverse("events:import_save"), {})
    assert response.status_code == 200 and "Esikatselua ei löydy" in response.content.decode()
    assert client.get(reverse("events:import_save")).status_code == 405


def test_views__anonymous__login_page(client):
    for name in ("events:import", "events:import_template_csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/kirjaudu/" in response["Location"]


def test_views__import_page_as_htmx_fragment_from_the_tab(login):
    client = login(provider_user())
    response = client.get(reverse("events:import"), headers={"HX-Request": "true", "HX-Target": "panel"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="panel">') and "Tuo tapahtumia" in html


@pytest.mark.browser
def test_browser__500_rows_from_the_downloaded_template__preview_then_save(transactional_db, page, browser_login):
    """The done-when of issue 12, item 5, as a person clicks it on the training data."""
    from django.core.management import call_command
    from playwright.sync_api import expect

    call_command("load_demo")
    before = Event.objects.filter(reservation__voucher__number="1005").count()
    browser_login("tuottaja", password="demo-salasana")
    page.get_by_role("link", name="Ostovoimat", exact=True).click()
    page.get_by_role("link", name="Tuo tapahtumia").click()
    expect(page.get_by_role("heading", name="Tuo tapahtumia")).to_be_visible()
    template = page.request.get("/ostovoimat/tuonti/malli.csv").body().decode("utf-8-sig")
    header = template.splitlines()[0]
    lines = [f"1005;{fi(days_ago(1 + i % 20))};1,5;rivi {i}" for i in range(500)]
    data = ("\ufeff" + "\r\n".join([header, *lines]) + "\r\n").encode("utf-8")

    page.locator("#id_tiedosto").set_input_files(files=[{"name": "tapahtumat.csv", "mimeType": "text/csv", "buffer": data}])
    page.get_by_role("button", name="Esikatsele").click()

    expect(page.locator("#import-summary")).to_contain_text("500 riviä")
    expect(page.locator("#import-preview tbody tr")).to_have_count(500)
    page.get_by_role("button", name="Tallenna").click()
    page.wait_for_url("**/ostovoimat/")
    expect(page.get_by_text("Tallennettu 500 tapahtumaa.")).to_be_visible()
    assert Event.objects.filter(reservation__voucher__number="1005").count() == before + 500


def test_views__xlsx_upload__preview_then_save(login):
    reservation = priced_reservation()
    client = login(reservation.created_by)
    sheet_file = load_workbook(io.BytesIO(client.get(reverse("events:import_template_xlsx")).content))
    sheet = sheet_file.active
    sheet["A2"], sheet["B2"], sheet["C2"] = reservation.voucher.number, dt.datetime.combine(days_ago(2), dt.time()), 2.5
    out = io.BytesIO()
    sheet_file.save(out)
    preview = upload(client, out.getvalue(), name="tapahtumat.xlsx")
    assert "1 kunnossa" in preview.content.decode()
    client.post(reverse("events:import_save"), {"aineisto": token_of(preview)})
    event = Event.objects.get()
    assert (event.date, event.quantity, event.note) == (days_ago(2), D("2.5"), "Aamukäynti")


def test_check__monthly_content__each_month_counted_on_its_own():
    reservation = priced_reservation(quantity=D("2"), period="month", valid_from=today() - dt.timedelta(days=120))
    number = reservation.voucher.number
    this_month, last_month = today().replace(day=1), (today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    EventFactory(reservation=reservation, date=last_month, quantity=D("2"))
    outcome = import_events(user=reservation.created_by, rows=rows_of([
        f"{number};{fi(this_month)};1;", f"{number};{fi(last_month)};1;", f"{number};{fi(this_month)};1;",
        f"{number};{fi(this_month)};1;",
    ]))
    assert [row.event.status for row in outcome.rows] == [
        EventStatus.APPROVED, EventStatus.UNDER_REVIEW, EventStatus.APPROVED, EventStatus.UNDER_REVIEW,
    ]


def test_save__the_same_preview_twice__its_rows_recorded_once():
    """The database decides (events' client_id unique per reservation), not a check before insert."""
    reservation = priced_reservation()
    rows = rows_of([f"{reservation.voucher.number};{fi(days_ago(1))};1;"])
    import_events(user=reservation.created_by, rows=rows, save=True, batch="abc")
    with pytest.raises(ImportRefused) as refused:
        import_events(user=reservation.created_by, rows=rows, save=True, batch="abc")
    assert refused.value.message == "Tämä tiedosto on jo tallennettu. Lataa uusi tiedosto."
    assert Event.objects.get().client_id == "tuonti-abc-2"
    assert EventChange.objects.count() == 1
    import_events(user=reservation.created_by, rows=rows, save=True, batch="another file")
    assert Event.objects.count() == 2
