"""Every rule of reservation_create, each with its refusal leaving nothing written."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from core.dates import today
from core.errors import DomainError
from organisations.models import Membership
from reservations import services
from reservations.models import Reservation
from reservations.services import reservation_create
from tests.factories import (
    CustomerFactory,
    ProviderFactory,
    ProviderUnitFactory,
    ReservationFactory,
    ServiceAgreementFactory,
    VoucherContentFactory,
    organiser_user,
    provider_user,
)
from tests.reservations.scenarios import assert_nothing_written, change_rows, reservable_voucher, rival_provider
from vouchers.models import VoucherKind

pytestmark = pytest.mark.django_db


def reserve(scene, *, user=None, **kwargs):
    kwargs.setdefault("voucher_content", scene.content)
    kwargs.setdefault("terms_accepted", True)
    return reservation_create(user=user or scene.provider_user, voucher=scene.voucher, **kwargs)


def refused(code, call):
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code
    return caught.value


# --- Provider users ---


def test_reservation_create__provider_open_voucher__reserved_for_its_default_unit():
    scene = reservable_voucher()
    reservation = reserve(scene, event_text="  Käynnit arkisin aamuisin  ")
    reservation.refresh_from_db()
    assert reservation.voucher == scene.voucher
    assert reservation.voucher_content == scene.content
    assert reservation.provider == scene.provider
    assert reservation.unit == scene.provider.units.get(is_default=True)
    assert reservation.event_text == "Käynnit arkisin aamuisin"
    assert reservation.terms_accepted is True
    assert reservation.on_behalf is False
    assert reservation.created_by == scene.provider_user


def test_reservation_create__provider_chooses_another_of_its_units__that_unit_recorded():
    scene = reservable_voucher()
    unit = ProviderUnitFactory(provider=scene.provider, name="Kotihoito Itä")
    assert reserve(scene, unit=unit).unit == unit


def test_reservation_create__success__writes_one_change_row_to_the_audit_log():
    scene = reservable_voucher()
    reserve(scene)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHANGE)
    assert entry.user == scene.provider_user
    assert entry.customer_id == scene.voucher.customer_id
    assert scene.voucher.number in entry.what
    assert entry.organisation == scene.provider.name


def test_reservation_create__second_content_chosen__only_that_content_reserved():
    scene = reservable_voucher(contents=3)
    reservation = reserve(scene, voucher_content=scene.contents[2])
    assert reservation.voucher_content == scene.contents[2]
    assert Reservation.objects.count() == 1


def test_reservation_create__terms_not_accepted__refused():
    scene = reservable_voucher()
    refused("terms_not_accepted", lambda: reserve(scene, terms_accepted=False))
    assert_nothing_written()


def test_reservation_create__no_content_chosen__refused():
    scene = reservable_voucher()
    refused("content_required", lambda: reserve(scene, voucher_content=None))
    assert_nothing_written()


def test_reservation_create__content_of_another_voucher__refused():
    scene = reservable_voucher()
    other = VoucherContentFactory()
    refused("content_not_on_voucher", lambda: reserve(scene, voucher_content=other))
    assert_nothing_written()


def test_reservation_create__unit_of_another_provider__refused():
    scene = reservable_voucher()
    foreign_unit = ProviderUnitFactory()
    refused("unit_not_of_provider", lambda: reserve(scene, unit=foreign_unit))
    assert_nothing_written()


def test_reservation_create__provider_names_another_provider__refused():
    scene = reservable_voucher()
    other, _ = rival_provider(scene)
    refused("provider_not_allowed", lambda: reserve(scene, provider=other))
    assert_nothing_written()


def test_reservation_create__provider_without_agreement_or_price_list__refused_as_not_found():
    scene = reservable_voucher(priced=False)
    error = refused("voucher_not_found", lambda: reserve(scene))
    assert error.message == "Ostovoiman tietoja ei löydy"
    assert_nothing_written()


def test_reservation_create__agreement_without_valid_price_list__refused_as_not_found():
    scene = reservable_voucher(priced=False)
    ServiceAgreementFactory(organiser=scene.organiser, provider=scene.provider, service=scene.voucher.service)
    refused("voucher_not_found", lambda: reserve(scene))
    assert_nothing_written()


def test_reservation_create__provider_closed_voucher__refused():
    scene = reservable_voucher(closed_days_ago=1)
    error = refused("voucher_closed", lambda: reserve(scene))
    assert "suljettu" in error.message
    assert_nothing_written()


def test_reservation_create__provider_voucher_closing_today__refused():
    scene = reservable_voucher(closed_days_ago=0)
    refused("voucher_closed", lambda: reserve(scene))
    assert_nothing_written()


def test_reservation_create__provider_voucher_closing_tomorrow__still_reserved():
    scene = reservable_voucher(closed_on=today() + dt.timedelta(days=1))
    assert reserve(scene).pk


def test_reservation_create__recorder__refused():
    scene = reservable_voucher()
    recorder = provider_user(scene.provider, role=Membership.Role.RECORDER)
    refused("role_not_allowed", lambda: reserve(scene, user=recorder))
    assert_nothing_written()


def test_reservation_create__capitation_voucher__refused():
    scene = reservable_voucher(kind=VoucherKind.CAPITATION)
    refused("capitation_voucher", lambda: reserve(scene))
    assert_nothing_written()


def test_reservation_create__event_text_too_long__refused():
    scene = reservable_voucher()
    refused("event_text_too_long", lambda: reserve(scene, event_text="x" * 2001))
    assert_nothing_written()


@pytest.mark.parametrize("kind", [VoucherKind.PURCHASED_SERVICE, VoucherKind.BALANCE])
def test_reservation_create__purchased_service_and_balance_vouchers__reserved(kind):
    scene = reservable_voucher(kind=kind)
    assert reserve(scene).voucher == scene.voucher


# --- A voucher is reserved once ---


def test_reservation_create__second_attempt_by_same_provider__refused_naming_its_own_reservation():
    scene = reservable_voucher()
    reserve(scene)
    error = refused("already_reserved", lambda: reserve(scene, voucher_content=scene.contents[1]))
    assert error.message.startswith("Ostovoima on jo varattu teille")
    assert Reservation.objects.count() == 1
    assert change_rows() == 1


def test_reservation_create__second_attempt_by_another_provider__refused_without_naming_the_holder():
    scene = reservable_voucher()
    reserve(scene)
    _, rival_user = rival_provider(scene)
    error = refused("already_reserved", lambda: reserve(scene, user=rival_user))
    assert error.message == "Ostovoima on jo varattu."
    assert scene.provider.name not in error.message
    assert Reservation.objects.get().provider == scene.provider
    assert change_rows() == 1


def test_reservation_create__second_attempt_by_organiser__refused_naming_the_holder():
    scene = reservable_voucher()
    reserve(scene)
    error = refused("already_reserved", lambda: reserve(scene, user=scene.organiser_user, provider=scene.provider))
    assert scene.provider.name in error.message
    assert scene.provider_user.get_full_name() in error.message
    assert Reservation.objects.count() == 1


def test_reservation_create__ended_reservation__voucher_still_cannot_be_reserved_again():
    scene = reservable_voucher()
    ReservationFactory(voucher=scene.voucher, voucher_content=scene.content, provider=scene.provider, ended_on=today())
    refused("already_reserved", lambda: reserve(scene))
    assert Reservation.objects.count() == 1


def test_reservation_create__check_slipped_past__database_constraint_refuses_with_same_error(monkeypatch):
    scene = reservable_voucher()
    reserve(scene)
    monkeypatch.setattr(services, "reservation_refusal", lambda **kwargs: None)
    _, rival_user = rival_provider(scene)
    error = refused("already_reserved", lambda: reserve(scene, user=rival_user))
    assert error.message == "Ostovoima on jo varattu."
    assert Reservation.objects.count() == 1
    assert change_rows() == 1


# --- Organiser staff on a provider's behalf ---


def test_reservation_create__organiser_on_providers_behalf__recorded_as_on_behalf():
    scene = reservable_voucher()
    reservation = reserve(scene, user=scene.organiser_user, provider=scene.provider)
    assert reservation.provider == scene.provider
    assert reservation.unit == scene.provider.units.get(is_default=True)
    assert reservation.on_behalf is True
    assert reservation.created_by == scene.organiser_user
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHANGE)
    assert entry.organisation == scene.organiser.name
    assert "puolesta" in entry.what


def test_reservation_create__organiser_admin_on_providers_behalf__reserved():
    scene = reservable_voucher()
    admin = organiser_user(scene.organiser, role=Membership.Role.ORGANISER_ADMIN)
    assert reserve(scene, user=admin, provider=scene.provider).on_behalf is True


def test_reservation_create__organiser_chooses_providers_unit__that_unit_recorded():
    scene = reservable_voucher()
    unit = ProviderUnitFactory(provider=scene.provider)
    assert reserve(scene, user=scene.organiser_user, provider=scene.provider, unit=unit).unit == unit


def test_reservation_create__organiser_without_provider__refused():
    scene = reservable_voucher()
    refused("provider_required", lambda: reserve(scene, user=scene.organiser_user))
    assert_nothing_written()


def test_reservation_create__organiser_provider_without_agreement__refused():
    scene = reservable_voucher()
    stranger = ProviderFactory()
    refused("provider_without_agreement", lambda: reserve(scene, user=scene.organiser_user, provider=stranger))
    assert_nothing_written()


def test_reservation_create__organiser_unit_of_another_provider__refused():
    scene = reservable_voucher()
    other, _ = rival_provider(scene)
    unit = other.units.get(is_default=True)
    refused("unit_not_of_provider", lambda: reserve(scene, user=scene.organiser_user, provider=scene.provider, unit=unit))
    assert_nothing_written()


def test_reservation_create__another_organisers_voucher__refused_as_not_found():
    scene = reservable_voucher()
    outsider = organiser_user()
    refused("voucher_not_found", lambda: reserve(scene, user=outsider, provider=scene.provider))
    assert_nothing_written()


def test_reservation_create__organiser_provider_has_agreement_without_price_list__reserved():
    scene = reservable_voucher(priced=False)
    ServiceAgreementFactory(organiser=scene.organiser, provider=scene.provider, service=scene.voucher.service)
    assert reserve(scene, user=scene.organiser_user, provider=scene.provider).on_behalf


# --- The 60-day rule ---


def test_reservation_create__organiser_voucher_closed_30_days__reserved():
    scene = reservable_voucher(closed_days_ago=30)
    assert reserve(scene, user=scene.organiser_user, provider=scene.provider).on_behalf


def test_reservation_create__organiser_voucher_closed_60_days__reserved():
    scene = reservable_voucher(closed_days_ago=60)
    assert reserve(scene, user=scene.organiser_user, provider=scene.provider).on_behalf


def test_reservation_create__voucher_closed_61_days__refused():
    scene = reservable_voucher(closed_days_ago=61)
    error = refused("voucher_closed_too_long", lambda: reserve(scene, user=scene.organiser_user, provider=scene.provider))
    assert "60" in error.message
    assert_nothing_written()


def test_reservation_create__voucher_closed_61_days__refused_for_provider_too():
    scene = reservable_voucher(closed_days_ago=61)
    error = refused("voucher_closed", lambda: reserve(scene))
    # Issue 23, item 5: no promise that the organiser may still reserve once the 60 days are over.
    assert "eikä sitä voi enää varata" in error.message and "voi tehdä varauksen puolestanne 60" not in error.message
    assert_nothing_written()


def test_reservation_create__voucher_closed_30_days__provider_told_the_organiser_still_can():
    scene = reservable_voucher(closed_days_ago=30)
    error = refused("voucher_closed", lambda: reserve(scene))
    assert "Palvelunjärjestäjä voi tehdä varauksen puolestanne 60 päivän ajan sulkemisesta." in error.message


def helsinki_now(monkeypatch, utc: dt.datetime):
    monkeypatch.setattr(timezone, "now", lambda: utc)


def test_reservation_create__61st_day_begun_in_helsinki_but_not_in_utc__refused(monkeypatch):
    # 2.3.2026 22.30 UTC is already 3.3.2026 00.30 in Helsinki: day 61 after 1.1.2026.
    helsinki_now(monkeypatch, dt.datetime(2026, 3, 2, 22, 30, tzinfo=dt.UTC))
    assert today() == dt.date(2026, 3, 3)
    scene = reservable_voucher(closed_on=dt.date(2026, 1, 1))
    refused("voucher_closed_too_long", lambda: reserve(scene, user=scene.organiser_user, provider=scene.provider))
    assert_nothing_written()


def test_reservation_create__60th_day_still_running_in_helsinki__reserved(monkeypatch):
    # 2.3.2026 21.30 UTC is 2.3.2026 23.30 in Helsinki: still day 60 after 1.1.2026.
    helsinki_now(monkeypatch, dt.datetime(2026, 3, 2, 21, 30, tzinfo=dt.UTC))
    assert today() == dt.date(2026, 3, 2)
    scene = reservable_voucher(closed_on=dt.date(2026, 1, 1))
    assert reserve(scene, user=scene.organiser_user, provider=scene.provider).on_behalf


def test_reservation_create__organiser_closed_voucher_provider_agreement_valid_on_closing_day__reserved():
    scene = reservable_voucher(priced=False, closed_days_ago=20)
    ServiceAgreementFactory(
        organiser=scene.organiser,
        provider=scene.provider,
        service=scene.voucher.service,
        valid_from=today() - dt.timedelta(days=400),
        valid_to=today() - dt.timedelta(days=10),
    )
    assert reserve(scene, user=scene.organiser_user, provider=scene.provider).on_behalf


def test_reservation_create__customer_is_personal_data__audit_row_names_customer_not_henkilotunnus():
    scene = reservable_voucher()
    reserve(scene)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHANGE)
    assert scene.voucher.customer.henkilotunnus not in entry.what
    assert CustomerFactory._meta.model.objects.filter(pk=entry.customer_id).exists()
