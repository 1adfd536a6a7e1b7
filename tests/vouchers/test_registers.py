"""Organisaatio → Palvelut and Sopimukset: an organiser's admin keeps its own services and their
contents, its agreements with providers and their price lists, with history; overlapping agreements
and price lists are refused by the database whatever the form says."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditEntry
from core.dates import today
from core.errors import DomainError, ErrorCode
from organisations.models import Membership
from registers import services
from registers.models import RegisterChange
from registers.services import Price
from tests.factories import (
    OrganiserFactory,
    PriceListFactory,
    PriceListItemFactory,
    ProviderFactory,
    ServiceAgreementFactory,
    ServiceContentFactory,
    ServiceFactory,
    VoucherContentFactory,
    VoucherFactory,
    organiser_user,
    provider_user,
)
from vouchers.models import ContentUnit, PriceList, PriceListItem, Service, ServiceAgreement, ServiceContent, VoucherKind

pytestmark = pytest.mark.django_db

FRAGMENT = {"HX-Request": "true", "HX-Target": "panel"}
D = Decimal


def _day(value: dt.date) -> str:
    return f"{value.day}.{value.month}.{value.year}"


@pytest.fixture
def organiser():
    return OrganiserFactory()


@pytest.fixture
def admin(organiser):
    return organiser_user(organiser, role=Membership.Role.ORGANISER_ADMIN, username="y-paakayttaja",
                          first_name="Pirjo", last_name="Pääkäyttäjä")


@pytest.fixture
def own_service(organiser):
    service = ServiceFactory(organiser=organiser, name="Oma kotihoito")
    ServiceContentFactory(service=service, name="Oma käynti", unit=ContentUnit.VISIT)
    return service


@pytest.fixture
def agreement(organiser, own_service):
    """An agreement valid since a year ago, with an open-ended price list pricing its content."""
    agreement = ServiceAgreementFactory(organiser=organiser, service=own_service,
                                        valid_from=today() - dt.timedelta(days=365))
    price_list = PriceListFactory(agreement=agreement, name="Hinnasto 1")
    PriceListItemFactory(price_list=price_list, content=own_service.contents.get(), unit_price=D("40.00"))
    return agreement


def _snapshot():
    return (
        list(Service.objects.order_by("pk").values_list("pk", "organiser_id", "name", "kind")),
        list(ServiceContent.objects.order_by("pk").values_list("pk", "name", "unit")),
        list(ServiceAgreement.objects.order_by("pk").values_list("pk", "valid_from", "valid_to")),
        list(PriceList.objects.order_by("pk").values_list("pk", "name", "valid_from", "valid_to")),
        list(PriceListItem.objects.order_by("pk").values_list("pk", "content_id", "unit_price")),
        RegisterChange.objects.count(),
        AuditEntry.objects.count(),
    )


def _refused(code, call, **kwargs) -> DomainError:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert caught.value.code == code
    assert _snapshot() == before
    return caught.value


# --- the model: a service's name is unique per organiser -----------------------------------------------


def test_service_name__the_same_for_two_organisers_and_a_shared_one__allowed(organiser):
    ServiceFactory(name="Kotihoito")
    ServiceFactory(name="Kotihoito", organiser=organiser)
    ServiceFactory(name="Kotihoito", organiser=OrganiserFactory())
    assert Service.objects.filter(name="Kotihoito").count() == 3


@pytest.mark.parametrize("shared", [True, False])
def test_service_name__twice_for_one_owner__refused_by_the_database(organiser, shared):
    owner = None if shared else organiser
    ServiceFactory(name="Kotihoito", organiser=owner)
    with pytest.raises(IntegrityError, match="service_unique_name_per_organiser"), transaction.atomic():
        Service.objects.create(name="Kotihoito", organiser=owner, kind=VoucherKind.SERVICE_VOUCHER)


# --- services and contents --------------------------------------------------------------------------


def test_service_create__own_service_of_the_admins_organiser__history_and_audit(admin, organiser):
    service = services.service_create(user=admin, name="Siivous", kind=VoucherKind.BALANCE)
    assert service.organiser == organiser and service.kind == VoucherKind.BALANCE
    change = RegisterChange.objects.get(service_id=service.pk)
    assert change.kind == "created" and change.user == admin and change.actor == "Pirjo Pääkäyttäjä"
    assert {"field": "Nimi", "old": "", "new": "Siivous"} in change.changes
    assert AuditEntry.objects.filter(action="change", what__contains="Siivous", organiser_id=organiser.pk).exists()


def test_service_create__name_taken_by_own_service__refused_nothing_written(admin, own_service):
    _refused(ErrorCode.DUPLICATE_NAME, services.service_create, user=admin, name="Oma kotihoito",
             kind=VoucherKind.SERVICE_VOUCHER)


def test_service_create__name_of_a_shared_service__allowed(admin):
    ServiceFactory(name="Kotihoito")
    assert services.service_create(user=admin, name="Kotihoito", kind=VoucherKind.SERVICE_VOUCHER).organiser_id


@pytest.mark.parametrize("role", [Membership.Role.ORGANISER_STAFF])
def test_service_create__organiser_staff__refused(organiser, role):
    _refused(ErrorCode.NOT_ALLOWED, services.service_create, user=organiser_user(organiser, role=role),
             name="Siivous", kind=VoucherKind.SERVICE_VOUCHER)


def test_service_rename__shared_service__refused(admin):
    _refused(ErrorCode.SHARED_SERVICE, services.service_rename, user=admin, service=ServiceFactory(), name="Uusi")


def test_service_rename__another_organisers_service__refused(admin):
    theirs = ServiceFactory(organiser=OrganiserFactory())
    _refused(ErrorCode.NOT_FOUND, services.service_rename, user=admin, service=theirs, name="Uusi")


def test_content_create_and_update__history_keeps_old_and_new(admin, own_service):
    content = services.content_create(user=admin, service=own_service, name="Oma tunti", unit=ContentUnit.HOUR)
    services.content_update(user=admin, content=content, name="Kotihoidon tunti", unit=ContentUnit.VISIT)
    content.refresh_from_db()
    assert (content.name, content.unit) == ("Kotihoidon tunti", ContentUnit.VISIT)
    latest = RegisterChange.objects.filter(service_id=own_service.pk).first()
    assert latest.kind == "changed" and latest.subject == "content"
    assert {"field": "Nimi", "old": "Oma tunti", "new": "Kotihoidon tunti"} in latest.changes
    assert {"field": "Yksikkö", "old": "tunti", "new": "käynti"} in latest.changes


def test_content_update__unit_of_a_content_a_voucher_grants__refused(admin, own_service):
    content = own_service.contents.get()
    VoucherContentFactory(voucher=VoucherFactory(service=own_service), content=content)
    _refused(ErrorCode.UNIT_IN_USE, services.content_update, user=admin, content=content, name=content.name,
             unit=ContentUnit.HOUR)
    services.content_update(user=admin, content=content, name="Uusi nimi", unit=content.unit)  # a name may change


def test_content_create__content_of_a_shared_service__refused(admin):
    _refused(ErrorCode.SHARED_SERVICE, services.content_create, user=admin, service=ServiceFactory(), name="X",
             unit=ContentUnit.HOUR)


# --- agreements ----------------------------------------------------------------------------------------


def test_agreement_create__with_a_provider_for_a_shared_service__history(admin, organiser):
    shared, provider = ServiceFactory(), ProviderFactory()
    agreement = services.agreement_create(user=admin, provider=provider, service=shared, valid_from=today(),
                                          valid_to=None)
    assert agreement.organiser == organiser
    change = RegisterChange.objects.get(agreement_id=agreement.pk)
    assert {"field": "Voimassa asti", "old": "", "new": "toistaiseksi"} in change.changes


def test_agreement_create__another_organisers_own_service__refused(admin):
    theirs = ServiceFactory(organiser=OrganiserFactory())
    _refused(ErrorCode.NOT_FOUND, services.agreement_create, user=admin, provider=ProviderFactory(), service=theirs,
             valid_from=today(), valid_to=None)


def test_agreement_create__overlapping_the_same_providers_agreement__refused_with_its_dates(admin, agreement):
    error = _refused(ErrorCode.AGREEMENT_OVERLAP, services.agreement_create, user=admin, provider=agreement.provider,
                     service=agreement.service, valid_from=today(), valid_to=None)
    assert _day(agreement.valid_from) in error.message and "toistaiseksi" in error.message


def test_agreement_set_validity__ended__then_a_new_one_from_the_next_day__allowed(admin, agreement):
    services.agreement_set_validity(user=admin, agreement=agreement, valid_from=agreement.valid_from, valid_to=today())
    services.agreement_create(user=admin, provider=agreement.provider, service=agreement.service,
                              valid_from=today() + dt.timedelta(days=1), valid_to=None)
    change = RegisterChange.objects.filter(agreement_id=agreement.pk, kind="changed").get()
    assert change.changes == [{"field": "Voimassa asti", "old": "toistaiseksi", "new": _day(today())}]


def test_agreement_set_validity__end_before_start__refused(admin, agreement):
    _refused(ErrorCode.INVALID_VALIDITY, services.agreement_set_validity, user=admin, agreement=agreement,
             valid_from=agreement.valid_from, valid_to=agreement.valid_from - dt.timedelta(days=1))


def test_agreement_overlap__written_past_the_service__refused_by_the_database(agreement):
    with pytest.raises(IntegrityError, match="serviceagreement_no_overlap"), transaction.atomic():
        ServiceAgreement.objects.create(organiser=agreement.organiser, provider=agreement.provider,
                                        service=agreement.service, valid_from=today(), valid_to=None)


def test_agreement_overlap__a_race_past_the_services_own_check__the_constraints_message(admin, agreement, monkeypatch):
    """Two admins at once: the service's own check sees no overlap, the database still refuses it."""
    monkeypatch.setattr(services, "_overlapping", lambda rows, start, end: None)
    _refused(ErrorCode.AGREEMENT_OVERLAP, services.agreement_create, user=admin, provider=agreement.provider,
             service=agreement.service, valid_from=today(), valid_to=None)


# --- price lists ---------------------------------------------------------------------------------------


def test_price_list_create__from_a_date__the_open_ended_previous_list_ends_the_day_before(admin, agreement):
    content = agreement.service.contents.get()
    start = today() + dt.timedelta(days=30)
    price_list, ended = services.price_list_create(user=admin, agreement=agreement, name="Hinnasto 2", valid_from=start,
                                                   valid_to=None, prices=[Price(content, D("42.50"))])
    assert ended.valid_to == start - dt.timedelta(days=1)
    assert price_list.items.get().unit_price == D("42.50")
    rows = RegisterChange.objects.filter(agreement_id=agreement.pk, subject="price_list")
    assert {"field": content.name, "old": "", "new": "42,50"} in rows.get(kind="created").changes
    assert rows.get(kind="changed", price_list_id=ended.pk).changes[0]["old"] == "toistaiseksi"


def test_price_list_create__overlapping_a_list_that_has_an_end__refused_nothing_written(admin, agreement):
    services.price_list_update(user=admin, price_list=agreement.price_lists.get(), name="Hinnasto 1",
                               valid_from=agreement.valid_from, valid_to=today() + dt.timedelta(days=60), prices=[])
    error = _refused(ErrorCode.PRICE_LIST_OVERLAP, services.price_list_create, user=admin, agreement=agreement,
                     name="Hinnasto 2", valid_from=today(), valid_to=None, prices=[])
    assert _day(today() + dt.timedelta(days=60)) in error.message


def test_price_list_overlap__written_past_the_form__refused_by_the_exclusion_constraint(agreement):
    """DESIGN: the database enforces it. An open-ended list exists; another from today overlaps it."""
    with pytest.raises(IntegrityError, match="pricelist_no_overlap"), transaction.atomic():
        PriceList.objects.create(agreement=agreement, name="Päällekkäinen", valid_from=today(), valid_to=None)
    assert agreement.price_lists.count() == 1


def test_price_list_overlap__a_race_past_the_services_own_check__the_constraints_message(admin, agreement, monkeypatch):
    monkeypatch.setattr(services, "_overlapping", lambda rows, start, end: None)
    _refused(ErrorCode.PRICE_LIST_OVERLAP, services.price_list_create, user=admin, agreement=agreement,
             name="Hinnasto 2", valid_from=agreement.valid_from - dt.timedelta(days=10), valid_to=None, prices=[])


def test_price_list_update__prices_changed_added_and_removed__history_old_to_new(admin, agreement):
    content = agreement.service.contents.get()
    other = ServiceContentFactory(service=agreement.service, name="Yökäynti")
    price_list = agreement.price_lists.get()
    services.price_list_update(user=admin, price_list=price_list, name=price_list.name,
                               valid_from=price_list.valid_from, valid_to=None,
                               prices=[Price(content, D("45")), Price(other, D("60.5"))])
    assert dict(price_list.items.values_list("content__name", "unit_price")) == {content.name: D("45.00"),
                                                                                 "Yökäynti": D("60.50")}
    services.price_list_update(user=admin, price_list=price_list, name=price_list.name,
                               valid_from=price_list.valid_from, valid_to=None, prices=[Price(other, None)])
    assert not price_list.items.filter(content=other).exists()
    first, second = RegisterChange.objects.filter(price_list_id=price_list.pk).order_by("pk")
    assert {"field": content.name, "old": "40,00", "new": "45,00"} in first.changes
    assert second.changes == [{"field": "Yökäynti", "old": "60,50", "new": ""}]


def test_price_list_update__another_organisers_list__refused(agreement):
    outsider = organiser_user(OrganiserFactory(), role=Membership.Role.ORGANISER_ADMIN)
    price_list = agreement.price_lists.get()
    _refused(ErrorCode.NOT_FOUND, services.price_list_update, user=outsider, price_list=price_list, name="X",
             valid_from=today(), valid_to=None, prices=[])


# --- the pages -----------------------------------------------------------------------------------------


def _pages(agreement):
    price_list = agreement.price_lists.get()
    service = agreement.service
    return [
        reverse("registers:services"), reverse("registers:service_add"), reverse("registers:service", args=[service.pk]),
        reverse("registers:agreements"), reverse("registers:agreement_add"),
        reverse("registers:agreement", args=[agreement.pk]), reverse("registers:price_list_add", args=[agreement.pk]),
        reverse("registers:price_list", args=[price_list.pk]),
    ]


def test_pages__organiser_admin__render_whole_and_as_fragments(client, admin, agreement):
    client.force_login(admin)
    for path in _pages(agreement):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "<html" in page.content.decode() and "Muutoshistoria" in page.content.decode() or "uusi" in path
        fragment = client.get(path, headers=FRAGMENT)
        assert fragment.status_code == 200 and "<html" not in fragment.content.decode(), path
        assert "HX-Request" in fragment["Vary"]


def test_pages__organisation_tabs_show_palvelut_and_sopimukset_to_organiser_admins_only(client, admin, organiser):
    client.force_login(admin)
    body = client.get(reverse("organisations:users")).content.decode()
    assert reverse("registers:services") in body and reverse("registers:agreements") in body
    client.force_login(provider_user())
    assert reverse("registers:services") not in client.get(reverse("organisations:users")).content.decode()


@pytest.mark.parametrize("who", ["staff", "provider_admin", "other_admin"])
def test_pages__not_the_organisers_admin__404(client, organiser, agreement, who):
    user = {
        "staff": lambda: organiser_user(organiser),
        "provider_admin": lambda: provider_user(agreement.provider),
        "other_admin": lambda: organiser_user(OrganiserFactory(), role=Membership.Role.ORGANISER_ADMIN),
    }[who]()
    client.force_login(user)
    pages = _pages(agreement)
    if who == "other_admin":  # their own lists answer; the organiser's service, agreement and price list do not
        pages = [path for path in pages if any(char.isdigit() for char in path)]
    for path in pages:
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"nimi": "x"}).status_code == 404, path


def test_pages__not_logged_in__login_page(client, agreement):
    for path in _pages(agreement):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), path


def test_services_page__own_and_agreed_shared_services__not_another_organisers(client, admin, organiser, agreement):
    shared_agreed, shared_unused = ServiceFactory(name="Yhteinen A"), ServiceFactory(name="Yhteinen B")
    ServiceAgreementFactory(organiser=organiser, service=shared_agreed)
    ServiceFactory(name="Naapurin oma", organiser=OrganiserFactory())
    client.force_login(admin)
    body = client.get(reverse("registers:services")).content.decode()
    assert "Oma kotihoito" in body and "Yhteinen A" in body
    assert "Yhteinen B" not in body and "Naapurin oma" not in body
    form = client.get(reverse("registers:agreement_add")).content.decode()
    assert "Yhteinen B" in form and "Naapurin oma" not in form


def test_service_add_page__creates_and_redirects_to_the_service(client, admin, organiser):
    client.force_login(admin)
    response = client.post(reverse("registers:service_add"), {"nimi": "Päivätoiminta", "setelilaji": "service_voucher"})
    service = Service.objects.get(name="Päivätoiminta")
    assert service.organiser == organiser
    assert response.status_code == 302 and response["Location"] == reverse("registers:service", args=[service.pk])
    response = client.post(reverse("registers:content_add", args=[service.pk]), {"nimi": "Päivä", "yksikko": "day"},
                           headers=FRAGMENT)
    assert response.status_code == 200 and "Palvelusisältö Päivä lisätty." in response.content.decode()
    body = client.get(reverse("registers:service", args=[service.pk])).content.decode()
    assert "Muutoshistoria" in body and "Pirjo Pääkäyttäjä" in body and "Päivätoiminta" in body


def test_service_page__duplicate_name__finnish_message_what_was_typed_stays(client, admin, own_service):
    client.force_login(admin)
    before = _snapshot()
    response = client.post(reverse("registers:service_add"), {"nimi": "Oma kotihoito", "setelilaji": "balance"})
    body = response.content.decode()
    assert response.status_code == 200 and "Samanniminen palvelu on jo olemassa." in body
    assert 'value="Oma kotihoito"' in body and _snapshot() == before


def test_content_edit_page__another_organisers_content__404(client, admin, own_service):
    theirs = ServiceContentFactory(service=ServiceFactory(organiser=OrganiserFactory()))
    client.force_login(admin)
    path = reverse("registers:content_edit", args=[own_service.pk, theirs.pk])
    assert client.post(path, {"nimi": "x", "yksikko": "hour"}).status_code == 404
    path = reverse("registers:content_edit", args=[theirs.service_id, theirs.pk])
    assert client.post(path, {"nimi": "x", "yksikko": "hour"}).status_code == 404


def test_agreement_add_page__by_business_id__created(client, admin, own_service):
    provider = ProviderFactory()
    client.force_login(admin)
    response = client.post(reverse("registers:agreement_add"), {
        "ytunnus": provider.business_id, "palvelu": own_service.pk, "alkaa": _day(today()), "paattyy": ""})
    agreement = ServiceAgreement.objects.get(provider=provider)
    assert response.status_code == 302 and response["Location"] == reverse("registers:agreement", args=[agreement.pk])


def test_agreement_add_page__overlap__finnish_message_nothing_lost(client, admin, agreement):
    client.force_login(admin)
    before = _snapshot()
    response = client.post(reverse("registers:agreement_add"), {
        "ytunnus": agreement.provider.business_id, "palvelu": agreement.service_id, "alkaa": _day(today()),
        "paattyy": ""}, headers=FRAGMENT)
    body = response.content.decode()
    assert response.status_code == 200 and _snapshot() == before
    assert "Palveluntuottajalla on jo sopimus tästä palvelusta osaksi samalle ajalle" in body
    assert f'value="{agreement.provider.business_id}"' in body


def test_agreement_page__ending_it__saved_and_shown_in_history(client, admin, agreement):
    client.force_login(admin)
    end = today() + dt.timedelta(days=10)
    response = client.post(reverse("registers:agreement", args=[agreement.pk]),
                           {"alkaa": _day(agreement.valid_from), "paattyy": _day(end)}, headers=FRAGMENT)
    agreement.refresh_from_db()
    assert agreement.valid_to == end
    body = response.content.decode()
    assert "Sopimuksen voimassaolo tallennettu." in body and f"toistaiseksi → {_day(end)}" in body


def test_price_list_add_page__copies_the_previous_prices(client, admin, agreement):
    client.force_login(admin)
    body = client.get(reverse("registers:price_list_add", args=[agreement.pk])).content.decode()
    assert 'value="40,00"' in body


def test_price_list_add_page__overlap__finnish_message_nothing_lost(client, admin, agreement):
    """The form path: the new list starts before the open-ended one, so nothing is ended and it overlaps."""
    content = agreement.service.contents.get()
    client.force_login(admin)
    before = _snapshot()
    response = client.post(reverse("registers:price_list_add", args=[agreement.pk]), {
        "nimi": "Takautuva", "alkaa": _day(agreement.valid_from - dt.timedelta(days=5)), "paattyy": "",
        f"hinta_{content.pk}": "12,50"})
    body = response.content.decode()
    assert response.status_code == 200 and _snapshot() == before
    assert "Sopimuksella on jo hinnasto osaksi samalle ajalle" in body
    assert 'value="Takautuva"' in body and 'value="12,50"' in body


def test_price_list_page__price_with_a_decimal_comma__saved_and_in_history(client, admin, agreement):
    content = agreement.service.contents.get()
    price_list = agreement.price_lists.get()
    client.force_login(admin)
    response = client.post(reverse("registers:price_list", args=[price_list.pk]), {
        "nimi": price_list.name, "alkaa": _day(price_list.valid_from), "paattyy": "", f"hinta_{content.pk}": "41,20"})
    assert response.status_code == 302
    assert price_list.items.get().unit_price == D("41.20")
    body = client.get(reverse("registers:price_list", args=[price_list.pk])).content.decode()
    assert "40,00 → 41,20" in body
    assert "40,00 → 41,20" in client.get(reverse("registers:agreement", args=[agreement.pk])).content.decode()
