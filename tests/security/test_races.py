"""Concurrent requests end with exactly the allowed outcome (issue 6, item 5).

Each contender runs in its own thread with its own database connection, released together by a
barrier (``run_at_once`` from tests/customers/scenarios.py; it closes each thread's connection).
The single-actor races live beside their apps (tests/reservations/test_concurrency.py,
tests/customers/test_races.py, tests/events/test_concurrency.py); here mixed actors collide:
provider staff against organiser staff acting on a provider's behalf, recorders of one provider
against each other, and two payment runs of one organiser and month.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from core.dates import today
from core.errors import DomainError
from customers.models import Customership
from customers.services import customership_create
from events.models import Event
from events.services import event_record
from organisations.models import Membership
from payments.models import PaymentRun
from reservations.models import Reservation
from reservations.services import reservation_create
from tests.customers.scenarios import capitation_voucher, run_at_once, serving_office
from tests.events.scenarios import balance_reservation
from tests.factories import OrganiserFactory, organiser_user, provider_user
from tests.reservations.scenarios import reservable_voucher, rival_provider

pytestmark = pytest.mark.django_db(transaction=True)


def outcomes(results):
    """("ok", value) / ("error", exception) → a sorted list of "ok" and error codes or class names."""
    codes = []
    for kind, value in results:
        if kind == "ok":
            codes.append("ok")
        elif isinstance(value, DomainError):
            codes.append(value.code)
        else:
            codes.append(type(value).__name__)
    return sorted(codes)


def test_reservation_create__providers_and_the_organiser_on_their_behalf_at_once__exactly_one_reservation():
    scene = reservable_voucher()
    rivals = [rival_provider(scene) for _ in range(2)]

    def by_provider(user):
        return lambda: reservation_create(user=user, voucher=scene.voucher, voucher_content=scene.content,
                                          terms_accepted=True)

    def on_behalf(provider):
        return lambda: reservation_create(user=scene.organiser_user, voucher=scene.voucher,
                                          voucher_content=scene.content, terms_accepted=True, provider=provider)

    results = run_at_once(
        by_provider(scene.provider_user), by_provider(rivals[0][1]), by_provider(rivals[1][1]),
        on_behalf(scene.provider), on_behalf(rivals[0][0]),
    )

    assert outcomes(results) == ["already_reserved"] * 4 + ["ok"], results
    assert Reservation.objects.filter(voucher=scene.voucher).count() == 1


def test_customership_create__provider_and_organiser_on_behalf_of_another_at_once__no_overlap():
    voucher = capitation_voucher()
    office_1, office_2, office_3 = serving_office(voucher), serving_office(voucher), serving_office(voucher)
    organiser_staff = organiser_user(voucher.organiser)

    def create(user, office):
        return lambda: customership_create(user=user, voucher=voucher, office=office, approvals_accepted=True)

    results = run_at_once(
        create(provider_user(office_1.provider), office_1),
        create(provider_user(office_2.provider), office_2),
        create(organiser_staff, office_3),
        create(organiser_staff, office_1),
    )

    assert outcomes(results).count("ok") == 1, results
    assert not [code for code in outcomes(results) if code not in ("ok", "locked_in", "already_customer", "overlap")], results
    assert Customership.objects.filter(voucher=voucher).count() == 1


def test_payment_run__two_runs_of_one_organiser_and_month_at_once__exactly_one_row():
    organiser = OrganiserFactory()
    users = [organiser_user(organiser, role=Membership.Role.ORGANISER_ADMIN) for _ in range(2)]
    month = today().replace(day=1)

    def start(user):
        return lambda: PaymentRun.objects.create(organiser=organiser, month=month, created_by=user).pk

    results = run_at_once(*(start(user) for user in users + users))

    assert outcomes(results) == ["IntegrityError"] * 3 + ["ok"], results
    assert all("paymentrun_one_per_organiser_month" in str(value) for kind, value in results if kind == "error")
    assert PaymentRun.objects.filter(organiser=organiser, month=month).count() == 1


def test_payment_run__other_months_and_organisers_are_not_blocked():
    organisers = [OrganiserFactory(), OrganiserFactory()]
    month = today().replace(day=1)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    user = organiser_user(organisers[0])

    def start(organiser, first_day):
        return lambda: PaymentRun.objects.create(organiser=organiser, month=first_day, created_by=user).pk

    results = run_at_once(start(organisers[0], month), start(organisers[0], previous), start(organisers[1], month))

    assert outcomes(results) == ["ok"] * 3, results


def test_event_record__recorders_of_one_provider_overdraw_a_balance_at_once__never_past_the_balance():
    reservation = balance_reservation(amount=D("500.00"))
    recorders = [reservation.created_by] + [
        provider_user(reservation.provider, role=role)
        for role in (Membership.Role.RECORDER, Membership.Role.RECORDER, Membership.Role.PROVIDER_ADMIN)
    ]
    amounts = [D("200.00"), D("175.50"), D("120.25"), D("99.99"), D("60.00"), D("0.01")]
    users = (recorders * 2)[: len(amounts)]

    def record(user, amount):
        return lambda: event_record(user=user, reservation_id=reservation.pk, date=today() - dt.timedelta(days=1),
                                    quantity=amount, content_id=reservation.voucher_content_id).voucher_share

    results = run_at_once(*(record(user, amount) for user, amount in zip(users, amounts)))

    assert set(outcomes(results)) <= {"ok", "balance_exceeded"}, results
    recorded = sum((e.voucher_share for e in Event.objects.filter(reservation=reservation)), D("0"))
    assert recorded <= D("500.00")
    assert recorded == sum((value for kind, value in results if kind == "ok"), D("0"))
    # Whatever order the threads took, a refused amount did not fit what the others had left.
    refused = [amount for (kind, _), amount in zip(results, amounts) if kind == "error"]
    assert all(recorded + amount > D("500.00") for amount in refused), (recorded, refused)

