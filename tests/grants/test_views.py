"""The "Myöntäminen" pages: find or add the customer, grant, the voucher's page, the decision letter,
changing and closing; organiser staff only, their own vouchers only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.dates import today
from events.models import EventStatus
from grants.models import VoucherChange
from grants.views import customer_token
from tests.factories import CustomerFactory, EventFactory, VoucherContentFactory, VoucherFactory, organiser_user
from tests.grants.scenarios import granting
from vouchers.models import Customer, Voucher

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NEW_HETU = "010150-123A"


def day(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def grant_body(scene, customer, user=None, **extra):
    return {
        "asiakas": customer_token(user or scene.user, customer), "palvelu": str(scene.service.pk),
        "voimassa_alkaen": day(today()), "voimassa_asti": day(today() + dt.timedelta(days=364)),
        "paatoksen_numero": "HYV-2026-5", "paatoksen_paivamaara": day(today()),
        f"maara_{scene.hours.pk}": "10", f"jakso_{scene.hours.pk}": "month", f"arvo_{scene.hours.pk}": "38,00",
        f"maara_{scene.visits.pk}": "", f"jakso_{scene.visits.pk}": "month", f"arvo_{scene.visits.pk}": "",
        **extra,
    }


# --- the tab and who reaches it ----------------------------------------------------------------------


def test_tabs__organiser_sees_myontaminen__provider_does_not(login):
    scene = granting()
    assert "Myöntäminen" in login(scene.user).get(reverse("vouchers:customer_tab")).content.decode()
    assert "Myöntäminen" not in login(scene.provider_user).get(reverse("vouchers:customer_tab")).content.decode()


@pytest.mark.parametrize("name", ["grants:start", "grants:customer_new", "grants:grant"])
def test_grant_pages__provider_user__404_and_anonymous__login(client, login, name):
    scene = granting()
    assert client.get(reverse(name)).status_code == 302
    assert login(scene.provider_user).get(reverse(name)).status_code == 404
    assert login(scene.provider_user).post(reverse(name), {"henkilotunnus": NEW_HETU}).status_code == 404


@pytest.mark.parametrize("name", ["grants:voucher", "grants:letter", "grants:change", "grants:close"])
def test_voucher_pages__provider_or_another_organiser__404(login, name):
    scene = granting()
    voucher = scene.grant()
    url = reverse(name, args=[voucher.number])

    assert login(scene.user).get(url).status_code == 200
    assert login(scene.provider_user).get(url).status_code == 404
    assert login(organiser_user()).get(url).status_code == 404


def test_grant_pages__wrong_method__405(login):
    scene = granting()
    voucher = scene.grant()
    assert login(scene.user).delete(reverse("grants:start")).status_code == 405
    assert login(scene.user).post(reverse("grants:letter", args=[voucher.number])).status_code == 405


# --- finding or adding the customer ------------------------------------------------------------------


def test_search__invalid_henkilotunnus__error_and_no_search(login):
    scene = granting()
    html = login(scene.user).post(reverse("grants:start"), {"henkilotunnus": "010150-123B"}).content.decode()
    assert "ei ole kelvollinen" in html
    assert not AuditEntry.objects.filter(code="customer_search").exists()


def test_search__unknown_person__the_new_customer_form_with_the_henkilotunnus(login):
    scene = granting()
    html = login(scene.user).post(reverse("grants:start"), {"henkilotunnus": " 010150-123a "}).content.decode()
    assert "ei löytynyt asiakasta" in html and "Lisää asiakas" in html
    assert f'value="{NEW_HETU}"' in html
    assert AuditEntry.objects.filter(code="customer_search", customer_id=None).count() == 1


def test_search__known_person__on_to_the_decision_without_the_henkilotunnus_in_the_url(login):
    scene = granting()
    person = CustomerFactory()
    response = login(scene.user).post(reverse("grants:start"), {"henkilotunnus": person.henkilotunnus})

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(reverse("grants:grant")) and person.henkilotunnus not in location
    html = login(scene.user).get(location).content.decode()
    assert person.full_name in html and "Myönnä ostovoima" in html
    assert AuditEntry.objects.filter(code="customer_search", customer_id=person.pk).exists()


def test_search__person_with_another_organisers_voucher__found_by_name_nothing_of_theirs_shown(login):
    scene = granting()
    theirs = VoucherFactory(number="7770001")
    VoucherContentFactory(voucher=theirs)

    location = login(scene.user).post(reverse("grants:start"), {"henkilotunnus": theirs.customer.henkilotunnus})["Location"]
    html = login(scene.user).get(location).content.decode()

    assert theirs.customer.full_name in html
    assert "7770001" not in html and theirs.organiser.name not in html and theirs.service.name not in html


def test_customer_new__valid__person_added_and_on_to_the_decision(login):
    scene = granting()
    response = login(scene.user).post(reverse("grants:customer_new"), {
        "etunimi": "Sanna", "sukunimi": "Svensson", "henkilotunnus": NEW_HETU, "kotikunta": "Vaasa",
        "lahiosoite": "Strandgatan 1", "postinumero": "65100", "postitoimipaikka": "Vasa", "asiointikieli": "sv",
        "puhelin": "", "sahkoposti": "sanna@example.fi"})

    assert response.status_code == 302 and response["Location"].startswith(reverse("grants:grant"))
    customer = Customer.objects.get(henkilotunnus=NEW_HETU)
    assert (customer.last_name, customer.language, customer.email) == ("Svensson", "sv", "sanna@example.fi")


def test_customer_new__henkilotunnus_taken__message_on_the_field_and_typed_values_kept(login):
    scene = granting()
    person = CustomerFactory()
    html = login(scene.user).post(reverse("grants:customer_new"), {
        "etunimi": "Toinen", "sukunimi": "Ihminen", "henkilotunnus": person.henkilotunnus, "kotikunta": "Tampere",
        "asiointikieli": "fi"}).content.decode()

    assert "Henkilötunnuksella on jo asiakas" in html and 'value="Ihminen"' in html
    assert Customer.objects.count() == 1


# --- the decision ------------------------------------------------------------------------------------


def test_grant_form__service_chosen__its_contents_as_rows_and_htmx_gets_only_the_form(login):
    scene = granting()
    customer = CustomerFactory()
    query = {"asiakas": customer_token(scene.user, customer), "palvelu": scene.service.pk, "paatoksen_numero": "A-1"}
    client = login(scene.user)

    page = client.get(reverse("grants:grant"), query).content.decode()
    fragment = client.get(reverse("grants:grant"), query, **HTMX, HTTP_HX_TARGET="grant-form")

    assert "Kotihoidon tunti" in page and "Kotihoidon käynti" in page and customer.full_name in page
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="grant-form"') and "Kotihoidon tunti" in html
    assert 'value="A-1"' in html  # what was typed before choosing stays
    assert customer.full_name not in html
    assert "HX-Request" in fragment["Vary"]


def test_grant_form__another_users_token__not_the_customer(login):
    scene = granting()
    customer = CustomerFactory()
    token = customer_token(organiser_user(), customer)

    html = login(scene.user).get(reverse("grants:grant"), {"asiakas": token}).content.decode()

    assert customer.full_name not in html and "Hae asiakas ensin" in html
    response = login(scene.user).post(reverse("grants:grant"), grant_body(scene, customer, user=organiser_user()))
    assert response.status_code == 200 and not Voucher.objects.exists()


def test_grant__valid_decision__voucher_made_and_its_page_shows_the_number(login, django_assert_max_num_queries):
    scene = granting()
    customer = CustomerFactory()
    client = login(scene.user)
    body = grant_body(scene, customer)

    with django_assert_max_num_queries(25):
        response = client.post(reverse("grants:grant"), body)

    voucher = Voucher.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("grants:voucher", args=[voucher.number])
    assert (voucher.customer, voucher.decision_number, voucher.valid_to) == (customer, "HYV-2026-5", today() + dt.timedelta(days=364))
    row = voucher.contents.get()
    assert (row.content, row.quantity, row.unit_value, row.period) == (scene.hours, Decimal("10"), Decimal("38.00"), "month")
    html = client.get(response["Location"]).content.decode()
    assert f'data-figure="number">{voucher.number}<' in html and "Tulosta päätös" in html
    assert f"Ostovoima {voucher.number} myönnetty." in html


def test_grant__nothing_granted__refused_with_the_message_and_typed_values_kept(login):
    scene = granting()
    body = grant_body(scene, CustomerFactory(), **{f"maara_{scene.hours.pk}": "", f"arvo_{scene.hours.pk}": "",
                                                   "paatoksen_numero": "HYV-TYPED"})

    html = login(scene.user).post(reverse("grants:grant"), body).content.decode()

    assert "Valitse vähintään yksi palvelusisältö" in html and 'value="HYV-TYPED"' in html
    assert not Voucher.objects.exists()


def test_grant__validity_ending_before_it_starts__shown_on_the_field(login):
    scene = granting()
    body = grant_body(scene, CustomerFactory(), voimassa_asti=day(today() - dt.timedelta(days=1)))

    html = login(scene.user).post(reverse("grants:grant"), body).content.decode()

    assert "Voimassaolon päättymispäivä ei voi olla ennen alkamispäivää." in html
    assert 'id="id_voimassa_asti_error"' in html
    assert not Voucher.objects.exists()


def test_grant__value_without_an_amount__form_error(login):
    scene = granting()
    body = grant_body(scene, CustomerFactory(), **{f"arvo_{scene.visits.pk}": "30"})
    html = login(scene.user).post(reverse("grants:grant"), body).content.decode()
    assert "Anna myönnetty määrä" in html and not Voucher.objects.exists()


def test_grant__service_of_another_organiser__refused(login):
    scene, other = granting(), granting()
    body = grant_body(scene, CustomerFactory(), palvelu=str(other.service.pk))
    html = login(scene.user).post(reverse("grants:grant"), body).content.decode()
    assert "Valitse palvelu listasta" in html and not Voucher.objects.exists()


# --- the letter --------------------------------------------------------------------------------------


def test_letter__organiser_customer_contents_number_and_providers_with_own_share__audited(login):
    scene = granting()
    customer = CustomerFactory(street_address="Kotikatu 3", postal_code="33100", post_office="Tampere")
    voucher = scene.grant(customer=customer, decision_number="HYV-9", decision_date=today())

    html = login(scene.user).get(reverse("grants:letter", args=[voucher.number])).content.decode()

    for text in (scene.organiser.name, "Kotikatu 3", "33100 Tampere", voucher.number, "HYV-9", "Palvelusetelipäätös",
                 scene.provider.name, "48,50", "38,00", "10,50"):  # 48,50 € − 38,00 € = 10,50 € own share an hour
        assert text in html, text
    assert 'lang="fi"' in html and "data-print" in html
    assert AuditEntry.objects.filter(code="decision_letter", customer_id=customer.pk, action="read").exists()


def test_letter__swedish_speaking_customer__rendered_in_swedish(login):
    scene = granting()
    voucher = scene.grant(customer=CustomerFactory(language="sv"))

    html = login(scene.user).get(reverse("grants:letter", args=[voucher.number])).content.decode()

    assert 'class="card decision-letter" lang="sv"' in html
    assert '<html lang="fi">' in html  # the page around it stays in the user's language


def _pdf_text(content: bytes) -> str:
    """The text drawn in a PDF's pages (its streams inflated; ASCII is enough for what is checked)."""
    import base64
    import re
    import zlib

    streams = [stream.strip() for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S)]
    text = []
    for stream in streams:
        if stream.endswith(b"~>"):  # ReportLab's ASCII85 around the deflated stream
            stream = base64.a85decode(stream[:-2])
        try:
            stream = zlib.decompress(stream)
        except zlib.error:
            pass
        text += re.findall(rb"\((.*?)\) Tj", stream)
    return " ".join(part.decode("latin-1") for part in text)


def test_letter_pdf__the_letter_as_a_pdf_download__audited_provider_404(login):
    scene = granting()
    customer = CustomerFactory(street_address="Kotikatu 3", postal_code="33100", post_office="Tampere")
    voucher = scene.grant(customer=customer, decision_number="HYV-9", decision_date=today())
    url = reverse("grants:letter_pdf", args=[voucher.number])

    response = login(scene.user).get(url)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="paatos-{voucher.number}.pdf"'
    assert response.content.startswith(b"%PDF-")
    text = _pdf_text(response.content)
    for expected in (voucher.number, "HYV-9", "Kotikatu 3", "33100 Tampere", "48,50", "38,00", "10,50"):
        assert expected in text, expected
    assert AuditEntry.objects.filter(code="decision_letter", customer_id=customer.pk, action="read").exists()
    assert login(scene.provider_user).get(url).status_code == 404


# --- the card, changing and closing ------------------------------------------------------------------


def test_card__organiser_sees_muuta_myontoa_and_the_history__provider_neither(login):
    scene = granting()
    voucher = scene.grant()
    scene.reserve(voucher)
    url = reverse("vouchers:lookup")

    html = login(scene.user).get(url, {"numero": voucher.number}).content.decode()
    assert "Muuta myöntöä" in html and "Muutoshistoria" in html and "Myönnetty" in html
    assert "Kotihoidon tunti: määrä 10" in html

    html = login(scene.provider_user).get(url, {"numero": voucher.number}).content.decode()
    assert f"Ostovoima {voucher.number}" in html
    assert "Muuta myöntöä" not in html and "Muutoshistoria" not in html and "Tulosta päätös" not in html


def test_change__more_hours__saved_and_the_history_shows_it(login):
    scene = granting()
    voucher = scene.grant(quantity="10")
    url = reverse("grants:change", args=[voucher.number])
    client = login(scene.user)
    assert 'value="10"' in client.get(url).content.decode()

    response = client.post(url, {
        "voimassa_alkaen": day(voucher.valid_from), "voimassa_asti": day(voucher.valid_to),
        f"maara_{scene.hours.pk}": "15", f"jakso_{scene.hours.pk}": "month", f"arvo_{scene.hours.pk}": "38,00",
        f"jakso_{scene.visits.pk}": "month", "perustelu": "Tarve kasvoi"})

    assert response.status_code == 302 and response["Location"] == reverse("grants:voucher", args=[voucher.number])
    assert voucher.contents.get().quantity == Decimal("15")
    html = client.get(response["Location"]).content.decode()
    assert "Myöntöä muutettu." in html and "Tarve kasvoi" in html and "Kotihoidon tunti: määrä 10 → 15" in html


def test_change__below_used__the_message_shown_typed_values_kept_nothing_written(login):
    scene = granting()
    voucher = scene.grant(quantity="10")
    EventFactory(reservation=scene.reserve(voucher), date=today(), quantity=Decimal("8"), status=EventStatus.APPROVED)
    url = reverse("grants:change", args=[voucher.number])

    response = login(scene.user).post(url, {
        "voimassa_alkaen": day(voucher.valid_from), "voimassa_asti": day(voucher.valid_to),
        f"maara_{scene.hours.pk}": "5", f"jakso_{scene.hours.pk}": "month", f"arvo_{scene.hours.pk}": "38,00",
        f"jakso_{scene.visits.pk}": "month", "perustelu": "Tarve väheni"}, **HTMX, HTTP_HX_TARGET="panel")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Kotihoidon tunti: määrä ei voi olla pienempi kuin jo käytetty 8." in html
    assert 'value="5"' in html and "Tarve väheni" in html
    assert voucher.contents.get().quantity == Decimal("10")
    assert not VoucherChange.objects.filter(kind="changed").exists()


def test_change__no_reason__required_message(login):
    scene = granting()
    voucher = scene.grant(quantity="10")
    html = login(scene.user).post(reverse("grants:change", args=[voucher.number]), {
        "voimassa_alkaen": day(voucher.valid_from), "voimassa_asti": day(voucher.valid_to),
        f"maara_{scene.hours.pk}": "12", f"jakso_{scene.hours.pk}": "month", f"arvo_{scene.hours.pk}": "38,00",
        "perustelu": ""}).content.decode()
    assert "Kirjoita muutoksen perustelu." in html and 'value="12"' in html
    assert voucher.contents.get().quantity == Decimal("10")


def test_change__htmx_success__the_voucher_page_fragment_and_the_url_pushed(login):
    scene = granting()
    voucher = scene.grant(quantity="10")
    response = login(scene.user).post(reverse("grants:change", args=[voucher.number]), {
        "voimassa_alkaen": day(voucher.valid_from), "voimassa_asti": day(voucher.valid_to + dt.timedelta(days=30)),
        f"maara_{scene.hours.pk}": "10", f"jakso_{scene.hours.pk}": "month", f"arvo_{scene.hours.pk}": "38,00",
        "perustelu": "Jatko"}, **HTMX, HTTP_HX_TARGET="panel")

    assert response.status_code == 200, response
    assert "HX-Push-Url" in response, response.content.decode()[-3000:]
    assert response["HX-Push-Url"] == reverse("grants:voucher", args=[voucher.number])
    assert "Myöntöä muutettu." in response.content.decode()


def test_close__with_a_reason__closed_and_the_reason_in_the_history(login):
    scene = granting()
    voucher = scene.grant()
    url = reverse("grants:close", args=[voucher.number])
    client = login(scene.user)
    assert "Sulkemisen syy" in client.get(url).content.decode()

    html = client.post(url, {"suljettu": day(today()), "syy": "other", "perustelu": ""}).content.decode()
    assert "Kerro muu syy." in html
    voucher.refresh_from_db()
    assert voucher.closed_on is None

    response = client.post(url, {"suljettu": day(today()), "syy": "moved", "perustelu": "Muutti Ouluun"})
    assert response.status_code == 302
    voucher.refresh_from_db()
    assert voucher.closed_on == today()
    card = client.get(reverse("vouchers:lookup"), {"numero": voucher.number}).content.decode()
    assert "Asiakas muutti pois alueelta: Muutti Ouluun" in card and "Muuta myöntöä" not in card


def test_close__without_a_reason__required(login):
    scene = granting()
    voucher = scene.grant()
    html = login(scene.user).post(reverse("grants:close", args=[voucher.number]), {"suljettu": day(today())}).content.decode()
    assert "Valitse sulkemisen syy." in html
    voucher.refresh_from_db()
    assert voucher.closed_on is None

