"""grants.services: granting by a decision, changing what was granted with a reason, closing with a
reason; every refusal leaves nothing written."""

import datetime as dt
from decimal import Decimal

import pytest

from audit.models import AuditEntry
from core.dates import today
from core.errors import DomainError, ErrorCode
from events.models import EventStatus
from grants.models import CloseReason, VoucherChange
from grants.services import (
    Granted,
    NewCustomer,
    customer_create,
    customer_find,
    voucher_change,
    voucher_close_with_reason,
    voucher_grant,
)
from tests.factories import CustomerFactory, EventFactory, ServiceContentFactory, VoucherFactory, organiser_user
from tests.grants.scenarios import granting
from vouchers.models import Customer, Voucher, VoucherContent, VoucherKind

pytestmark = pytest.mark.django_db


def hours(scene, quantity, unit_value="38.00", period=VoucherContent.Period.MONTH):
    return Granted(content_id=scene.hours.pk, quantity=Decimal(quantity), unit_value=Decimal(unit_value), period=period)


def refused(call, code) -> DomainError:
    with pytest.raises(DomainError) as error:
        call()
    assert error.value.code == code, error.value
    return error.value


# --- customers ---------------------------------------------------------------------------------------


def test_customer_find__known_and_unknown_henkilotunnus__both_searches_audited():
    scene = granting()
    person = CustomerFactory()

    assert customer_find(user=scene.user, henkilotunnus=person.henkilotunnus) == person
    assert customer_find(user=scene.user, henkilotunnus="010150-123A") is None
    rows = AuditEntry.objects.filter(code="customer_search", action="read").order_by("pk")
    assert [row.customer_id for row in rows] == [person.pk, None]


def test_customer_find__provider_user__refused_and_not_logged():
    scene = granting()
    refused(lambda: customer_find(user=scene.provider_user, henkilotunnus=CustomerFactory().henkilotunnus),
            ErrorCode.NOT_ALLOWED)
    assert not AuditEntry.objects.filter(code="customer_search").exists()


def test_customer_create__henkilotunnus_taken__refused_and_nothing_written():
    scene = granting()
    person = CustomerFactory()
    before = Customer.objects.count()

    refused(lambda: customer_create(user=scene.user, person=NewCustomer(
        first_name="Toinen", last_name="Ihminen", henkilotunnus=person.henkilotunnus, municipality="Tampere")),
        ErrorCode.CUSTOMER_EXISTS)

    assert Customer.objects.count() == before


def test_customer_create__new_person__saved_with_address_and_language_and_audited():
    scene = granting()
    customer = customer_create(user=scene.user, person=NewCustomer(
        first_name="Sanna", last_name="Svensson", henkilotunnus="010150-123A", municipality="Vaasa",
        street_address="Strandgatan 1", postal_code="65100", post_office="Vasa", language="sv"))

    assert (customer.street_address, customer.post_office, customer.language) == ("Strandgatan 1", "Vasa", "sv")
    assert AuditEntry.objects.filter(code="customer_created", customer_id=customer.pk, action="change").exists()


# --- granting ----------------------------------------------------------------------------------------


def test_voucher_grant__two_decisions__numbers_unique_and_increasing():
    scene = granting()
    first, second = scene.grant(), scene.grant()

    assert first.number != second.number
    assert int(second.number) > int(first.number)
    assert first.organiser == scene.organiser and first.granted_on == today()


def test_voucher_grant__number_taken_elsewhere__skipped_never_reused():
    scene = granting()
    first = scene.grant()
    VoucherFactory(number=str(int(first.number) + 1))  # made by the admin or an import

    second = scene.grant()

    assert int(second.number) == int(first.number) + 2


def test_voucher_grant__contents_amounts_validity_and_decision_saved_with_history_and_audit():
    scene = granting()
    voucher = scene.grant(quantity="10", decision_number="HYV-2026-17", decision_date=today())

    row = voucher.contents.get()
    assert (row.content, row.quantity, row.unit_value, row.period) == (scene.hours, Decimal("10"), Decimal("38.00"), "month")
    assert voucher.decision_number == "HYV-2026-17"
    change = VoucherChange.objects.get(voucher=voucher)
    assert change.kind == VoucherChange.Kind.GRANTED and change.user == scene.user
    assert {"content": "Kotihoidon tunti", "field": "quantity", "old": None, "new": "10"} in change.changes
    assert AuditEntry.objects.filter(code="voucher_granted", customer_id=voucher.customer_id).exists()


def test_voucher_grant__content_of_another_service__refused_and_nothing_written():
    scene = granting()
    stranger = ServiceContentFactory()

    refused(lambda: scene.grant(contents=[Granted(content_id=stranger.pk, quantity=Decimal("1"))]),
            ErrorCode.CONTENT_NOT_OF_SERVICE)

    assert not Voucher.objects.exists() and not VoucherChange.objects.exists()


def test_voucher_grant__the_same_content_twice__refused():
    scene = granting()
    refused(lambda: scene.grant(contents=[hours(scene, "1"), hours(scene, "2")]), ErrorCode.INVALID)
    assert not Voucher.objects.exists()


def test_voucher_grant__no_contents__refused():
    scene = granting()
    refused(lambda: voucher_grant(user=scene.user, customer=CustomerFactory(), service=scene.service, contents=[],
                                  valid_from=today(), valid_to=today() + dt.timedelta(days=30)),
            ErrorCode.CONTENTS_REQUIRED)
    assert not Voucher.objects.exists()


def test_voucher_grant__balance_voucher_without_euros__refused():
    scene = granting(kind=VoucherKind.BALANCE)
    refused(lambda: scene.grant(contents=[Granted(content_id=scene.hours.pk, quantity=Decimal("5"))]), ErrorCode.INVALID)

    voucher = scene.grant(contents=[Granted(content_id=scene.hours.pk, amount=Decimal("500.00"))])
    assert voucher.contents.get().amount == Decimal("500.00")


def test_voucher_grant__same_decision_id_twice__one_voucher():
    scene = granting()
    customer = CustomerFactory()
    first = scene.grant(customer=customer, decision_id="LIFECARE-42")
    second = scene.grant(customer=customer, decision_id="LIFECARE-42", quantity="99")

    assert first == second
    assert Voucher.objects.count() == 1 and VoucherChange.objects.count() == 1
    assert second.contents.get().quantity == Decimal("10")


def test_voucher_grant__service_the_organiser_has_no_agreement_for__refused():
    scene, other = granting(), granting()

    refused(lambda: voucher_grant(user=scene.user, customer=CustomerFactory(), service=other.service,
                                  contents=[Granted(content_id=other.hours.pk, quantity=Decimal("1"))],
                                  valid_from=today(), valid_to=today() + dt.timedelta(days=30)),
            ErrorCode.SERVICE_NOT_GRANTABLE)

    assert not Voucher.objects.exists()


def test_voucher_grant__validity_ending_before_it_starts__refused():
    scene = granting()
    error = refused(lambda: scene.grant(valid_to=today() - dt.timedelta(days=1)), ErrorCode.INVALID_VALIDITY)
    assert error.params["field"] == "voimassa_asti"


def test_voucher_grant__provider_user__refused():
    scene = granting()
    scene.user = scene.provider_user
    refused(scene.grant, ErrorCode.NOT_ALLOWED)
    assert not Voucher.objects.exists()


# --- changing ----------------------------------------------------------------------------------------


def test_voucher_change__more_hours__saved_with_a_history_row_and_audited():
    scene = granting()
    voucher = scene.grant(quantity="10")

    row = voucher_change(user=scene.user, voucher=voucher, reason="Tarve kasvoi", contents=[hours(scene, "15")])

    assert voucher.contents.get().quantity == Decimal("15")
    assert row.kind == VoucherChange.Kind.CHANGED and row.reason == "Tarve kasvoi"
    assert row.changes == [{"field": "quantity", "old": "10", "new": "15", "content": "Kotihoidon tunti"}]
    assert AuditEntry.objects.filter(code="voucher_changed", customer_id=voucher.customer_id).exists()


def test_voucher_change__no_reason__refused_and_nothing_written():
    scene = granting()
    voucher = scene.grant(quantity="10")

    error = refused(lambda: voucher_change(user=scene.user, voucher=voucher, reason="  ", contents=[hours(scene, "15")]),
                    ErrorCode.CHANGE_REASON_REQUIRED)

    assert error.params["field"] == "perustelu"
    assert voucher.contents.get().quantity == Decimal("10")
    assert VoucherChange.objects.filter(kind=VoucherChange.Kind.CHANGED).count() == 0


def test_voucher_change__below_what_counted_events_used__refused_and_nothing_written():
    scene = granting()
    voucher = scene.grant(quantity="10")
    reservation = scene.reserve(voucher)
    EventFactory(reservation=reservation, date=today(), quantity=Decimal("6"), status=EventStatus.APPROVED)
    EventFactory(reservation=reservation, date=today(), quantity=Decimal("3"), status=EventStatus.REJECTED)

    error = refused(lambda: voucher_change(user=scene.user, voucher=voucher, reason="Tarve väheni",
                                           contents=[hours(scene, "5")]), ErrorCode.CHANGE_BELOW_USED)

    assert "jo käytetty 6" in error.message
    assert voucher.contents.get().quantity == Decimal("10")
    assert not VoucherChange.objects.filter(kind=VoucherChange.Kind.CHANGED).exists()
    # Down to what was used (the rejected event uses nothing) is fine.
    voucher_change(user=scene.user, voucher=voucher, reason="Tarve väheni", contents=[hours(scene, "6")])
    assert voucher.contents.get().quantity == Decimal("6")


def test_voucher_change__validity_ending_before_a_recorded_event__refused():
    scene = granting()
    voucher = scene.grant(valid_from=today() - dt.timedelta(days=30))
    EventFactory(reservation=scene.reserve(voucher), date=today() - dt.timedelta(days=2), status=EventStatus.RECORDED)

    error = refused(lambda: voucher_change(user=scene.user, voucher=voucher, reason="Lyhennys",
                                           valid_to=today() - dt.timedelta(days=3)), ErrorCode.CHANGE_BELOW_USED)

    assert error.params["field"] == "voimassa_asti"
    voucher.refresh_from_db()
    assert voucher.valid_to == today().replace(year=today().year + 1)


def test_voucher_change__removing_the_content_a_reservation_uses__refused():
    scene = granting()
    voucher = scene.grant(contents=[hours(scene, "10"), Granted(content_id=scene.visits.pk, quantity=Decimal("4"))])
    scene.reserve(voucher)

    refused(lambda: voucher_change(user=scene.user, voucher=voucher, reason="Käynnit pois",
                                   contents=[Granted(content_id=scene.visits.pk, quantity=Decimal("4"))]),
            ErrorCode.CONTENT_RESERVED)
    assert voucher.contents.count() == 2

    # The unreserved content may go.
    voucher_change(user=scene.user, voucher=voucher, reason="Käynnit pois", contents=[hours(scene, "10")])
    assert list(voucher.contents.values_list("content", flat=True)) == [scene.hours.pk]


def test_voucher_change__another_organisers_voucher__refused_as_not_found():
    scene = granting()
    voucher = scene.grant()

    refused(lambda: voucher_change(user=organiser_user(), voucher=voucher, reason="x", contents=[hours(scene, "99")]),
            ErrorCode.VOUCHER_NOT_FOUND)
    assert voucher.contents.get().quantity == Decimal("10")


def test_voucher_change__closed_voucher__refused():
    scene = granting()
    voucher = scene.grant()
    voucher_close_with_reason(user=scene.user, voucher=voucher, closed_on=today(), close_reason=CloseReason.MOVED)

    refused(lambda: voucher_change(user=scene.user, voucher=voucher, reason="x", contents=[hours(scene, "20")]),
            ErrorCode.ALREADY_CLOSED)


def test_voucher_change__nothing_changed__no_history_row():
    scene = granting()
    voucher = scene.grant(quantity="10")

    assert voucher_change(user=scene.user, voucher=voucher, reason="Sama", contents=[hours(scene, "10")]) is None
    assert VoucherChange.objects.count() == 1


# --- closing -----------------------------------------------------------------------------------------


def test_voucher_close_with_reason__closed_and_the_reason_kept_in_history():
    scene = granting()
    voucher = scene.grant()

    voucher_close_with_reason(user=scene.user, voucher=voucher, closed_on=today(), close_reason=CloseReason.NEED_ENDED)

    voucher.refresh_from_db()
    assert voucher.closed_on == today()
    row = VoucherChange.objects.get(voucher=voucher, kind=VoucherChange.Kind.CLOSED)
    assert row.close_reason == CloseReason.NEED_ENDED


def test_voucher_close_with_reason__other_without_text__refused_and_still_open():
    scene = granting()
    voucher = scene.grant()

    refused(lambda: voucher_close_with_reason(user=scene.user, voucher=voucher, closed_on=today(),
                                              close_reason=CloseReason.OTHER), ErrorCode.CHANGE_REASON_REQUIRED)
    refused(lambda: voucher_close_with_reason(user=scene.user, voucher=voucher, closed_on=today(), close_reason="keksitty"),
            ErrorCode.CHANGE_REASON_REQUIRED)

    voucher.refresh_from_db()
    assert voucher.closed_on is None
    voucher_close_with_reason(user=scene.user, voucher=voucher, closed_on=today(), close_reason=CloseReason.OTHER,
                              reason="Palvelu järjestetään omana työnä")
    assert VoucherChange.objects.get(kind="closed").reason == "Palvelu järjestetään omana työnä"
