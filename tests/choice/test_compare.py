"""Vertaile palveluntuottajia (issue 25, item 1): public, every choice in the address, cached per
organiser and service and read anew when an agreement or a price list changes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from choice.selectors import own_share_per_unit
from core.dates import today
from organisations.models import Membership
from registers import services as registers
from tests.choice.scenarios import home_care_market, priced_provider
from tests.factories import OfficeFactory, ProviderFactory, organiser_user
from vouchers.comparison import compared_providers
from vouchers.models import VoucherKind

pytestmark = pytest.mark.django_db
D = Decimal
URL = "/vertaile/"


def _names(response) -> list[str]:
    return [offer.provider.name for offer in response.context["offers"]]


def _query(market, **params):
    return {"jarjestaja": market.organiser.pk, "palvelu": market.service.pk, **params}


def test_compare__anonymous_visitor__sees_the_providers_priced_today_with_offices_and_description(client):
    market = home_care_market()
    response = client.get(URL, _query(market, jarjestys="nimi"))
    assert response.status_code == 200
    assert _names(response) == ["Apu Oy", "Hoiva Esimerkki Oy", "Ödemark Vård Ab"]
    page = response.content.decode()
    assert "Hämeenkatu 1, 33100 Tampere" in page
    assert "Kotihoitoa vuodesta 2001." in page
    assert "suomi, ruotsi" in page
    joined = (today() - dt.timedelta(days=700)).strftime("%-d.%-m.%Y")
    assert joined in page
    assert "Muualla Oy" not in page and "Vanha Hinta Oy" not in page


def test_compare__reads_no_personal_data__writes_no_audit_rows(client):
    market = home_care_market()
    client.get(URL, _query(market, arvo="40"))
    assert AuditEntry.objects.count() == 0


def test_compare__voucher_value_with_decimal_comma__own_share_is_the_price_above_it(client):
    market = home_care_market()
    response = client.get(URL, _query(market, arvo="38,50"))
    shares = {offer.provider.name: offer.own_share for offer in response.context["offers"]}
    assert shares == {"Hoiva Esimerkki Oy": D("3.50"), "Apu Oy": D("0.00"), "Ödemark Vård Ab": D("0.00")}
    assert "3,50" in response.content.decode()


def test_compare__sorted_by_own_share__cheapest_for_the_customer_first_then_by_price(client):
    market = home_care_market()
    response = client.get(URL, _query(market, arvo="36", jarjestys="omavastuu"))
    assert _names(response) == ["Ödemark Vård Ab", "Apu Oy", "Hoiva Esimerkki Oy"]
    assert [o.own_share for o in response.context["offers"]] == [D("0.00"), D("2.00"), D("6.00")]


def test_compare__sorted_by_price_and_by_name(client):
    market = home_care_market()
    assert _names(client.get(URL, _query(market, jarjestys="hinta"))) == ["Ödemark Vård Ab", "Apu Oy", "Hoiva Esimerkki Oy"]
    assert _names(client.get(URL, _query(market, jarjestys="nimi"))) == ["Apu Oy", "Hoiva Esimerkki Oy", "Ödemark Vård Ab"]


def test_compare__filtered_by_municipality_and_language(client):
    market = home_care_market()
    assert _names(client.get(URL, _query(market, kunta="Tampere", jarjestys="nimi"))) == [
        "Hoiva Esimerkki Oy", "Ödemark Vård Ab"]
    assert _names(client.get(URL, _query(market, kieli="sv", jarjestys="nimi"))) == [
        "Hoiva Esimerkki Oy", "Ödemark Vård Ab"]
    assert _names(client.get(URL, _query(market, kunta="Tampere", kieli="fi"))) == ["Hoiva Esimerkki Oy"]


def test_compare__the_address_carries_every_choice__sort_links_keep_the_filters(client):
    market = home_care_market()
    response = client.get(URL, _query(market, arvo="36", kunta="Tampere"))
    links = {key: link for key, _label, link in response.context["sort_links"]}
    assert "kunta=Tampere" in links["nimi"] and "arvo=36" in links["nimi"] and "jarjestys=nimi" in links["nimi"]


@pytest.mark.parametrize("typed", ["0", "-5", "100000,01", "abc", "12,345"])
def test_compare__voucher_value_out_of_range_or_not_a_number__finnish_error_and_no_rows(client, typed):
    market = home_care_market()
    response = client.get(URL, _query(market, arvo=typed))
    assert response.status_code == 200
    assert response.context["offers"] is None
    assert "Setelin arvo" in response.content.decode()
    assert response.context["form"].errors["arvo"]


def test_compare__voucher_value_of_100000_is_accepted(client):
    market = home_care_market()
    response = client.get(URL, _query(market, arvo="100 000,00"))
    assert {o.own_share for o in response.context["offers"]} == {D("0.00")}


def test_compare__without_a_value__no_own_share_and_sorted_by_price(client):
    market = home_care_market()
    response = client.get(URL, _query(market))
    assert {o.own_share for o in response.context["offers"]} == {None}
    assert response.context["order"] == "hinta"


def test_compare__empty_page__asks_for_an_organiser(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["offers"] is None
    assert 'name="jarjestaja"' in response.content.decode()


def test_compare__another_organisers_service_id__is_a_form_error_not_a_500(client):
    market = home_care_market()
    response = client.get(URL, {"jarjestaja": market.organiser.pk, "palvelu": 999999})
    assert response.status_code == 200
    assert response.context["form"].errors["palvelu"]


def test_compare__htmx_request_aimed_at_the_comparison__only_the_fragment(client):
    market = home_care_market()
    response = client.get(URL, _query(market), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="comparison")
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="comparison">')
    assert "HX-Request" in response["Vary"]


def test_compare__post__refused(client):
    assert client.post(URL).status_code == 405


def test_compare__swedish__the_page_in_swedish_language_cookie(client):
    market = home_care_market()
    client.cookies["django_language"] = "sv"
    assert client.get(URL, _query(market)).status_code == 200


# --- the rule of the own share ---------------------------------------------------------------------


def test_own_share__service_voucher__price_above_the_value_never_below_zero():
    kind = VoucherKind.SERVICE_VOUCHER
    assert own_share_per_unit(kind=kind, unit_price=D("42.00"), unit_value=D("38.50")) == D("3.50")
    assert own_share_per_unit(kind=kind, unit_price=D("30.00"), unit_value=D("38.50")) == D("0.00")
    assert own_share_per_unit(kind=kind, unit_price=D("30.00"), unit_value=None) is None


def test_own_share__purchased_service__the_organiser_pays_in_full():
    assert own_share_per_unit(kind=VoucherKind.PURCHASED_SERVICE, unit_price=D("80.00"), unit_value=None) == D("0.00")


# --- queries and the cache -------------------------------------------------------------------------


def test_compared_providers__two_queries_whatever_the_number_of_providers():
    market = home_care_market()
    with CaptureQueriesContext(connection) as few:
        compared_providers(organiser_id=market.organiser.pk, service_id=market.service.pk, day=today())
    for n in range(6):
        provider = priced_provider(organiser=market.organiser, service=market.service, prices={market.visit: D("40")},
                                   name=f"Lisä {n} Oy")
        OfficeFactory(provider=provider, municipality="Nokia")
    with CaptureQueriesContext(connection) as many:
        rows = compared_providers(organiser_id=market.organiser.pk, service_id=market.service.pk,
                                  day=today() + dt.timedelta(days=1))
    assert len(few) == len(many) == 2
    assert len(rows) == 9
    assert all(len(row.offices) >= 1 for row in rows)


def test_compare__page_queries_do_not_grow_with_providers(client):
    market = home_care_market()
    params = _query(market, arvo="36")
    with CaptureQueriesContext(connection) as few:
        client.get(URL, params)
    for n in range(5):
        priced_provider(organiser=market.organiser, service=market.service, prices={market.visit: D("40")},
                        name=f"Lisä {n} Oy")
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get(URL, params)
    assert len(few) == len(many)


def test_compare__second_reader__served_from_the_cache(client):
    market = home_care_market()
    client.get(URL, _query(market))
    with CaptureQueriesContext(connection) as cached:
        compared_providers(organiser_id=market.organiser.pk, service_id=market.service.pk)
    assert len(cached) == 0


def test_compare__price_list_changed_by_the_organiser__comparison_read_anew(client, django_capture_on_commit_callbacks):
    market = home_care_market()
    admin = organiser_user(market.organiser, role=Membership.Role.ORGANISER_ADMIN)
    assert len(client.get(URL, _query(market)).context["offers"]) == 3
    newcomer = ProviderFactory(name="Uusi Oy")
    with django_capture_on_commit_callbacks(execute=True):
        agreement = registers.agreement_create(user=admin, provider=newcomer, service=market.service,
                                               valid_from=today() - dt.timedelta(days=1), valid_to=None)
        registers.price_list_create(user=admin, agreement=agreement, name="Hinnasto", valid_from=today(),
                                    valid_to=None, prices=[registers.Price(content=market.visit, unit_price=D("20"))])
    assert "Uusi Oy" in _names(client.get(URL, _query(market)))


def test_compare__agreement_ended_by_the_organiser__provider_leaves_the_comparison(
        client, django_capture_on_commit_callbacks):
    market = home_care_market()
    admin = organiser_user(market.organiser, role=Membership.Role.ORGANISER_ADMIN)
    apu = market.providers["Apu Oy"]
    assert "Apu Oy" in _names(client.get(URL, _query(market)))
    agreement = apu.agreements.get()
    with django_capture_on_commit_callbacks(execute=True):
        registers.agreement_set_validity(user=admin, agreement=agreement, valid_from=agreement.valid_from,
                                         valid_to=today() - dt.timedelta(days=1))
    assert "Apu Oy" not in _names(client.get(URL, _query(market)))


def test_compare__a_refused_change__the_cache_is_kept(client, django_capture_on_commit_callbacks):
    """Nothing is forgotten for a change that did not happen (the hook runs on commit)."""
    market = home_care_market()
    admin = organiser_user(market.organiser, role=Membership.Role.ORGANISER_ADMIN)
    client.get(URL, _query(market))
    agreement = market.providers["Apu Oy"].agreements.get()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Exception):  # noqa: B017, PT011  a validity that ends before it starts
            registers.agreement_set_validity(user=admin, agreement=agreement, valid_from=today(),
                                             valid_to=today() - dt.timedelta(days=5))
    assert not callbacks


def test_compare__price_changed_in_the_django_admin__comparison_read_anew(
        client, admin_client, django_capture_on_commit_callbacks):
    market = home_care_market()
    apu = market.providers["Apu Oy"]
    assert {o.provider.name: o.price for o in client.get(URL, _query(market)).context["offers"]}["Apu Oy"] == D("38.00")
    price_list = apu.agreements.get().price_lists.get()
    item = price_list.items.get()
    data = {"agreement": price_list.agreement_id, "name": price_list.name,
            "valid_from": price_list.valid_from.isoformat(), "valid_to": "",
            "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "1", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
            "items-0-id": item.pk, "items-0-price_list": price_list.pk, "items-0-content": market.visit.pk,
            "items-0-unit_price": "12,00"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/vouchers/pricelist/{price_list.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert {o.provider.name: o.price for o in client.get(URL, _query(market)).context["offers"]}["Apu Oy"] == D("12.00")
