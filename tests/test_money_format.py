"""Money as people read it (issue 13, item 11): 53 577,57 € in Finnish and Swedish (a no-break
space between thousands and before the sign), €53,577.57 in English, on the pages and in the CSV
export; amounts typed with a decimal comma accepted in every language."""

import csv
import io
from decimal import Decimal as D

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from core.forms import DecimalCommaField
from core.money import format_amount, format_euros, format_quantity, parse_decimal
from events.models import Event
from payments.exports import ExportRow, csv_bytes, xlsx_bytes
from tests.events.scenarios import balance_reservation, priced_reservation
from tests.factories import provider_user

NBSP = "\u00a0"


@pytest.mark.parametrize(("value", "fi", "en"), [
    (D("53577.57"), f"53{NBSP}577,57{NBSP}€", "€53,577.57"),
    (D("1234.5"), f"1{NBSP}234,50{NBSP}€", "€1,234.50"),
    (D("999.99"), f"999,99{NBSP}€", "€999.99"),
    (D("0"), f"0,00{NBSP}€", "€0.00"),
    (D("-15"), f"-15,00{NBSP}€", "-€15.00"),
    (D("1234567.005"), f"1{NBSP}234{NBSP}567,01{NBSP}€", "€1,234,567.01"),  # half-up to cents
    ("12.3", f"12,30{NBSP}€", "€12.30"),
])
def test_format_euros__finnish_swedish_and_english(value, fi, en):
    assert format_euros(value, "fi") == fi
    assert format_euros(value, "sv") == fi
    assert format_euros(value, "en") == en


def test_format_euros__none_is_empty_and_the_amount_alone_has_no_sign():
    assert format_euros(None) == ""
    assert format_amount(D("53577.57"), "fi") == f"53{NBSP}577,57"
    assert format_amount(D("53577.57"), "en") == "53,577.57"


def test_euros_filter__follows_the_active_language():
    template = Template("{% load money %}{{ amount|euros }}|{{ missing|euros }}|{{ text|euros }}")
    context = Context({"amount": D("53577.57"), "missing": None, "text": "ei summa"})
    for language, expected in (("fi", f"53{NBSP}577,57{NBSP}€"), ("sv", f"53{NBSP}577,57{NBSP}€"), ("en", "€53,577.57")):
        with translation.override(language):
            assert template.render(context) == f"{expected}||ei summa"


@pytest.mark.parametrize(("typed", "value"), [
    ("12,5", D("12.5")), ("12.5", D("12.5")), ("1 234,50", D("1234.50")), (f"1{NBSP}234,50", D("1234.50")),
    ("1,234.50", D("1234.50")), ("1.234,50", D("1234.50")), (" 7 ", D("7")), ("-3,25", D("-3.25")),
])
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_decimal_comma_field__a_comma_or_a_point_in_every_language(typed, value, language):
    with translation.override(language):
        assert DecimalCommaField(max_digits=10, decimal_places=2).clean(typed) == value
    assert D(parse_decimal(typed)) == value


def test_decimal_comma_field__not_a_number__a_finnish_message_and_a_text_input_with_a_decimal_keypad():
    field = DecimalCommaField(max_digits=10, decimal_places=2)
    with translation.override("fi"), pytest.raises(Exception) as raised:
        field.clean("kaksi")
    assert "Anna luku, esimerkiksi 12,50." in str(raised.value)
    assert 'inputmode="decimal"' in str(field.widget.render("maara", "")) and 'type="text"' in field.widget.render("maara", "")


# --- the pages ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_balance_tab__grouped_finnish_amounts_and_english_on_the_language_cookie(client):
    reservation = balance_reservation(amount=D("53577.57"))
    client.force_login(reservation.created_by)
    html = client.get(reverse("events:balance_vouchers")).content.decode()
    assert f'data-figure="granted">53{NBSP}577,57{NBSP}€<' in html
    assert "53577,57" not in html
    client.cookies["django_language"] = "en"
    html = client.get(reverse("events:balance_vouchers")).content.decode()
    assert 'data-figure="granted">€53,577.57<' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_event_form__quantity_with_a_decimal_comma__recorded_in_every_language(client, language):
    reservation = priced_reservation(quantity=D("10"))
    client.force_login(reservation.created_by)
    client.cookies["django_language"] = language
    response = client.post(reverse("events:create", args=[reservation.pk]), {
        "paivamaara": reservation.voucher.valid_from.isoformat(), "sisalto": reservation.voucher_content_id,
        "maara": "2,5", "lisatieto": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Event.objects.get(reservation=reservation).quantity == D("2.5")


# --- exports ----------------------------------------------------------------------------------------


def _row(amount):
    return ExportRow(provider="Hoiva Oy", business_id="1234567-1", voucher_number="1001", voucher_kind="Palveluseteli",
                     line_kind="Tapahtuma", event_date=None, days=None, amount=amount)


@pytest.mark.django_db
def test_csv_export__amounts_grouped_the_finnish_way_with_a_decimal_comma():
    with translation.override("fi"):
        rows = list(csv.reader(io.StringIO(csv_bytes([_row(D("53577.57")), _row(D("-15.00"))]).decode("utf-8-sig")), delimiter=";"))
    assert [row[7] for row in rows[1:]] == [f"53{NBSP}577,57", "-15,00", f"53{NBSP}562,57"]  # and the totals row


@pytest.mark.django_db
def test_xlsx_export__amounts_stay_numbers_with_a_money_format():
    with translation.override("fi"):
        sheet = load_workbook(io.BytesIO(xlsx_bytes([_row(D("53577.57"))], title="Testi"))).active
    assert sheet.cell(row=2, column=8).value == 53577.57
    assert sheet.cell(row=2, column=8).number_format == '#,##0.00 "€"'


@pytest.mark.django_db
def test_provider_user_page_shows_no_ungrouped_amount(client):
    """No template writes money past the filter: a big price shows grouped on the voucher tab."""
    reservation = priced_reservation(unit_price=D("12345.60"), unit_value=D("10000.00"))
    client.force_login(provider_user(reservation.provider))
    html = client.get(reverse("events:vouchers")).content.decode()
    assert f"12{NBSP}345,60{NBSP}€" in html and f"10{NBSP}000,00{NBSP}€" in html
    assert "12345,60" not in html


@pytest.mark.parametrize("value", [D("12"), D("12.00"), D("12.5"), D("0.125"), D("-3.25"), D("-0.001"), D("1234567.891"),
                                   D("3.001"), D("0"), 7, None])
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_format_quantity__as_floatformat_minus_2_writes_it(value, language):
    with translation.override(language):
        assert format_quantity(value, language) == Template('{{ value|floatformat:"-2" }}').render(Context({"value": value}))
