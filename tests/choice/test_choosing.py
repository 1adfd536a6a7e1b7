"""Choosing (issue 25, item 3): "Valitse tämä palveluntuottaja" makes a pending choice; the provider
sees it under Palveluvaraukset → Asiakkaan valinnat and confirms it with the existing reservation
(or customership) flow, or declines it with a reason the customer sees."""

import datetime as dt
from decimal import Decimal

import pytest

from audit.models import AuditEntry
from choice import services
from choice.models import ChoiceState, ProviderChoice
from core.dates import today
from core.errors import DomainError
from organisations.models import Membership
from tests.customers.scenarios import capitation_voucher, customership_at, serving_office
from tests.factories import (
    ProviderFactory,
    ReservationFactory,
    VoucherContentFactory,
    VoucherFactory,
    organiser_user,
    price_everything,
    provider_user,
)
from tests.security.urlmap import CustomerSession

pytestmark = pytest.mark.django_db


def _voucher_and_provider():
    voucher = VoucherFactory()
    VoucherContentFactory(voucher=voucher, unit_value=Decimal("30.00"))
    provider = ProviderFactory(name="Hoiva Esimerkki Oy")
    price_everything(provider=provider, voucher=voucher, unit_price=Decimal("42.00"))
    return voucher, provider


def _refused(code, **kwargs):
    before = (list(ProviderChoice.objects.values_list("pk", "state")), AuditEntry.objects.count())
    with pytest.raises(DomainError) as caught:
        services.choice_make(**kwargs)
    assert caught.value.code == code
    assert (list(ProviderChoice.objects.values_list("pk", "state")), AuditEntry.objects.count()) == before


# --- the service ---------------------------------------------------------------------------------------


def test_choice_make__pending_choice_audited_as_the_customer_self():
    voucher, provider = _voucher_and_provider()
    choice = services.choice_make(customer_id=voucher.customer_id, voucher_number=voucher.number,
                                  provider_id=provider.pk)
    assert choice.state == ChoiceState.PENDING and choice.provider == provider
    row = AuditEntry.objects.get(action="change")
    assert row.organisation == "asiakas itse" and row.customer_id == voucher.customer_id


def test_choice_make__a_second_choice_withdraws_the_first():
    voucher, provider = _voucher_and_provider()
    other = ProviderFactory()
    price_everything(provider=other, voucher=voucher)
    first = services.choice_make(customer_id=voucher.customer_id, voucher_number=voucher.number, provider_id=provider.pk)
    services.choice_make(customer_id=voucher.customer_id, voucher_number=voucher.number, provider_id=other.pk)
    first.refresh_from_db()
    assert first.state == ChoiceState.WITHDRAWN
    assert ProviderChoice.objects.filter(voucher=voucher, state=ChoiceState.PENDING).get().provider == other


def test_choice_make__another_persons_voucher__refused_as_not_found():
    voucher, provider = _voucher_and_provider()
    stranger = VoucherFactory()
    _refused("voucher_not_found", customer_id=stranger.customer_id, voucher_number=voucher.number,
             provider_id=provider.pk)


def test_choice_make__provider_without_agreement_and_price_list__refused():
    voucher, _provider = _voucher_and_provider()
    _refused("provider_without_agreement", customer_id=voucher.customer_id, voucher_number=voucher.number,
             provider_id=ProviderFactory().pk)


def test_choice_make__voucher_already_reserved__refused():
    voucher, provider = _voucher_and_provider()
    ReservationFactory(voucher=voucher, voucher_content=voucher.contents.get(), provider=provider)
    _refused("already_reserved", customer_id=voucher.customer_id, voucher_number=voucher.number, provider_id=provider.pk)


def test_choice_make__closed_voucher__refused():
    voucher = VoucherFactory.closed(days_ago=3)
    provider = ProviderFactory()
    price_everything(provider=provider, voucher=voucher)
    _refused("voucher_closed", customer_id=voucher.customer_id, voucher_number=voucher.number, provider_id=provider.pk)


def test_choice_make__capitation_during_the_lock_in__refused_with_its_end():
    voucher = capitation_voucher()
    customership_at(serving_office(voucher), voucher)
    newcomer = serving_office(voucher).provider
    with pytest.raises(DomainError) as caught:
        services.choice_make(customer_id=voucher.customer_id, voucher_number=voucher.number, provider_id=newcomer.pk)
    assert caught.value.code == "locked_in" and "aikarajaus" in caught.value.message


def test_choice_make__capitation_after_the_lock_in__allowed():
    voucher = capitation_voucher()
    customership_at(serving_office(voucher), voucher, start=today() - dt.timedelta(days=400))
    newcomer = serving_office(voucher).provider
    choice = services.choice_make(customer_id=voucher.customer_id, voucher_number=voucher.number,
                                  provider_id=newcomer.pk)
    assert choice.state == ChoiceState.PENDING


def test_choice_decline__with_a_reason__the_customer_sees_it(client):
    voucher, provider = _voucher_and_provider()
    choice = services.choice_make(customer_id=voucher.customer_id, voucher_number=voucher.number,
                                  provider_id=provider.pk)
    services.choice_decline(user=provider_user(provider), choice=choice, reason="Ei vapaita aikoja.")
    CustomerSession(voucher.customer_id).enter(client)
    page = client.get("/omat-palvelusetelit/").content.decode()
    assert "Ei vapaita aikoja." in page and "Hoiva Esimerkki Oy ei voi ottaa sinua asiakkaaksi." in page


def test_choice_decline__without_a_reason__refused_and_nothing_written():
    voucher, provider = _voucher_and_provider()
    choice = services.choice_make(customer_id=voucher.customer_id, voucher_number=voucher.number,
                                  provider_id=provider.pk)
    with pytest.raises(DomainError) as caught:
        services.choice_decline(user=provider_user(provider), choice=choice, reason="  ")
    assert caught.value.code == "reason_required"
    choice.refresh_from_db()
    assert choice.state == ChoiceState.PENDING


def test_choice_decline__by_another_provider_or_a_recorder__refused():
    voucher, provider = _voucher_and_provider()
    choice = services.choice_make(customer_id=voucher.customer_id, voucher_number=voucher.number,
                                  provider_id=provider.pk)
    with pytest.raises(DomainError) as caught:
        services.choice_decline(user=provider_user(), choice=choice, reason="x")
    assert caught.value.code == "not_found"
    with pytest.raises(DomainError) as caught:
        services.choice_decline(user=provider_user(provider, role=Membership.Role.RECORDER), choice=choice, reason="x")
    assert caught.value.code == "role_not_allowed"


def test_two_pending_choices_of_one_voucher__the_database_refuses():
    voucher, provider = _voucher_and_provider()
    ProviderChoice.objects.create(voucher=voucher, provider=provider)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ProviderChoice.objects.create(voucher=voucher, provider=provider)


# --- the pages -----------------------------------------------------------------------------------------


def test_compare_with_own_voucher__identified_customer__chooses_and_sees_it_waiting(client):
    voucher, provider = _voucher_and_provider()
    CustomerSession(voucher.customer_id).enter(client)
    own = client.get("/omat-palvelusetelit/").content.decode()
    assert f"seteli={voucher.number}" in own
    page = client.get("/vertaile/", {"jarjestaja": voucher.organiser_id, "palvelu": voucher.service_id,
                                     "arvo": "30", "seteli": voucher.number}).content.decode()
    assert "Valitse tämä palveluntuottaja" in page
    response = client.post(f"/omat-palvelusetelit/{voucher.number}/valinta/", {"palveluntuottaja": provider.pk})
    assert response.status_code == 302
    assert "odottaa palveluntuottajan vahvistusta" in client.get("/omat-palvelusetelit/").content.decode()


def test_compare_with_a_voucher_number__anonymous_or_another_person__no_choose_buttons(client):
    voucher, _provider = _voucher_and_provider()
    query = {"jarjestaja": voucher.organiser_id, "palvelu": voucher.service_id, "seteli": voucher.number}
    assert "Valitse tämä palveluntuottaja" not in client.get("/vertaile/", query).content.decode()
    CustomerSession(VoucherFactory().customer_id).enter(client)
    assert "Valitse tämä palveluntuottaja" not in client.get("/vertaile/", query).content.decode()


def test_choose__not_identified__sent_to_identify_and_nothing_written(client):
    voucher, provider = _voucher_and_provider()
    response = client.post(f"/omat-palvelusetelit/{voucher.number}/valinta/", {"palveluntuottaja": provider.pk})
    assert response["Location"] == "/omat-palvelusetelit/"
    assert not ProviderChoice.objects.exists()


def test_provider_sees_the_choice__reserves__the_choice_is_confirmed_and_the_customer_sees_the_provider(login, client):
    voucher, provider = _voucher_and_provider()
    services.choice_make(customer_id=voucher.customer_id, voucher_number=voucher.number, provider_id=provider.pk)
    staff = login(provider_user(provider))
    assert "Asiakkaan valinnat" in staff.get("/palveluvaraukset/").content.decode()
    page = staff.get("/palveluvaraukset/valinnat/").content.decode()
    assert voucher.number in page and voucher.customer.full_name in page
    assert f"/ostovoimat/{voucher.number}/palveluvaraus/" in page
    assert AuditEntry.objects.filter(action="read", customer_id=voucher.customer_id).exists()
    ReservationFactory(voucher=voucher, voucher_content=voucher.contents.get(), provider=provider)
    assert voucher.number not in staff.get("/palveluvaraukset/valinnat/").content.decode()
    staff.logout()
    CustomerSession(voucher.customer_id).enter(client)
    own = client.get("/omat-palvelusetelit/").content.decode()
    assert "Hoiva Esimerkki Oy" in own and "odottaa" not in own


def test_provider_declines_on_the_page__gone_from_the_list(login):
    voucher, provider = _voucher_and_provider()
    choice = services.choice_make(customer_id=voucher.customer_id, voucher_number=voucher.number,
                                  provider_id=provider.pk)
    staff = login(provider_user(provider))
    response = staff.post(f"/palveluvaraukset/valinnat/{choice.pk}/hylkaa/", {"perustelu": "Ei tilaa."})
    assert response.status_code == 302
    choice.refresh_from_db()
    assert choice.state == ChoiceState.DECLINED and choice.reason == "Ei tilaa."


def test_provider_choices__organiser_and_recorder__404(login, client):
    assert login(organiser_user()).get("/palveluvaraukset/valinnat/").status_code == 404
    assert login(provider_user(role=Membership.Role.RECORDER)).get("/palveluvaraukset/valinnat/").status_code == 404


def test_decline__another_providers_choice__404_and_nothing_written(login):
    voucher, provider = _voucher_and_provider()
    choice = services.choice_make(customer_id=voucher.customer_id, voucher_number=voucher.number,
                                  provider_id=provider.pk)
    response = login(provider_user()).post(f"/palveluvaraukset/valinnat/{choice.pk}/hylkaa/", {"perustelu": "x"})
    assert response.status_code == 404
    choice.refresh_from_db()
    assert choice.state == ChoiceState.PENDING


@pytest.mark.parametrize("reason", ["", "\x00", "x" * 1001])
def test_decline__empty_nul_or_too_long_reason__the_form_says_so_and_nothing_written(login, reason):
    voucher, provider = _voucher_and_provider()
    choice = services.choice_make(customer_id=voucher.customer_id, voucher_number=voucher.number,
                                  provider_id=provider.pk)
    response = login(provider_user(provider)).post(f"/palveluvaraukset/valinnat/{choice.pk}/hylkaa/", {"perustelu": reason})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    choice.refresh_from_db()
    assert choice.state == ChoiceState.PENDING
