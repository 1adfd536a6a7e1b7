"""Each database constraint, violated directly at the database (no model validation on the way)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from customers.models import Customership
from organisations.models import Membership, ProviderUnit
from reservations.models import Reservation
from tests.factories import (
    CustomershipFactory,
    EventFactory,
    OfficeFactory,
    PriceListFactory,
    ProviderFactory,
    ReservationFactory,
    ServiceAgreementFactory,
    VoucherContentFactory,
    VoucherFactory,
)
from vouchers.models import Voucher

pytestmark = pytest.mark.django_db

D = dt.date


def violates(callable_, constraint: str):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        callable_()
    assert constraint in str(caught.value)


def test_voucher__second_reservation__refused_by_unique_constraint():
    reservation = ReservationFactory()
    again = ReservationFactory.build(
        voucher=reservation.voucher,
        voucher_content=reservation.voucher_content,
        provider=reservation.provider,
        unit=reservation.unit,
        created_by=reservation.created_by,
    )
    violates(lambda: again.save(), "reservation_voucher_id")
    assert Reservation.objects.filter(voucher=reservation.voucher).count() == 1


def test_reservation__terms_not_accepted__refused():
    violates(lambda: ReservationFactory(terms_accepted=False), "reservation_terms_accepted")


def test_provider__two_default_units__refused():
    provider = ProviderFactory()
    violates(lambda: ProviderUnit.objects.create(provider=provider, name="Toinen", is_default=True),
             "providerunit_one_default_per_provider")


def test_voucher__validity_ends_before_it_starts__refused():
    voucher = VoucherFactory()
    violates(lambda: Voucher.objects.filter(pk=voucher.pk).update(valid_to=voucher.valid_from - dt.timedelta(days=1)),
             "voucher_ordered_validity")


def test_voucher__closed_before_validity__refused():
    voucher = VoucherFactory()
    violates(lambda: Voucher.objects.filter(pk=voucher.pk).update(closed_on=voucher.valid_from - dt.timedelta(days=1)),
             "voucher_closed_after_start")


def test_voucher__number_with_letters__refused():
    violates(lambda: VoucherFactory(number="12AB"), "voucher_number_digits")


def test_voucher__duplicate_number__refused():
    VoucherFactory(number="777")
    violates(lambda: VoucherFactory(number="777"), "voucher_number")


def test_agreement__overlapping_validity_for_same_parties__refused_by_exclusion():
    agreement = ServiceAgreementFactory(valid_from=D(2026, 1, 1), valid_to=D(2026, 12, 31))
    violates(
        lambda: ServiceAgreementFactory(
            organiser=agreement.organiser, provider=agreement.provider, service=agreement.service,
            valid_from=D(2026, 12, 31), valid_to=None,
        ),
        "serviceagreement_no_overlap",
    )


def test_agreement__ordered_validity__enforced():
    violates(lambda: ServiceAgreementFactory(valid_from=D(2026, 5, 1), valid_to=D(2026, 4, 30)),
             "serviceagreement_ordered_validity")


def test_price_list__overlapping_lists_of_one_agreement__refused():
    price_list = PriceListFactory(valid_from=D(2026, 1, 1), valid_to=None)
    violates(lambda: PriceListFactory(agreement=price_list.agreement, valid_from=D(2027, 1, 1)), "pricelist_no_overlap")


def test_price_list__adjacent_lists__allowed():
    first = PriceListFactory(valid_from=D(2026, 1, 1), valid_to=D(2026, 6, 30))
    PriceListFactory(agreement=first.agreement, valid_from=D(2026, 7, 1))
    assert first.agreement.price_lists.count() == 2


def test_voucher_content__negative_unit_value__refused():
    violates(lambda: VoucherContentFactory(unit_value=Decimal("-1.00")), "vouchercontent_unit_value_not_negative")


def test_voucher_content__grants_nothing__refused():
    violates(lambda: VoucherContentFactory(quantity=None, amount=None), "vouchercontent_grants_something")


def test_customerships__overlapping_on_one_voucher__refused_by_exclusion():
    first = CustomershipFactory(start_date=D(2026, 1, 1), end_date=None)
    other = ProviderFactory()
    violates(
        lambda: Customership.objects.create(
            voucher=first.voucher, provider=other, office=OfficeFactory(provider=other), start_date=D(2026, 6, 1),
            locked_until=D(2027, 6, 1), approvals_accepted=True, created_by=first.created_by,
        ),
        "customership_no_overlap",
    )


def test_customerships__back_to_back__allowed():
    first = CustomershipFactory(start_date=D(2026, 1, 1), end_date=D(2026, 5, 31))
    CustomershipFactory(voucher=first.voucher, start_date=D(2026, 6, 1), locked_until=D(2027, 6, 1))
    assert first.voucher.customerships.count() == 2


def test_customership__lock_in_before_start__refused():
    violates(lambda: CustomershipFactory(start_date=D(2026, 6, 1), locked_until=D(2026, 5, 1)),
             "customership_lock_after_start")


def test_event__shares_not_adding_up__refused():
    violates(lambda: EventFactory(total=Decimal("25.00"), voucher_share=Decimal("15.00"), customer_share=Decimal("9.99")),
             "event_shares_add_up")


def test_event__zero_quantity__refused():
    violates(lambda: EventFactory(quantity=Decimal("0")), "event_positive_unless_credit")


def test_membership__provider_with_organiser_role__refused():
    from tests.factories import MembershipFactory

    violates(lambda: MembershipFactory(role=Membership.Role.ORGANISER_STAFF), "membership_one_organisation_matching_role")


def test_money_columns_are_numeric_not_float():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN ('real', 'double precision')"
        )
        assert cursor.fetchall() == []
