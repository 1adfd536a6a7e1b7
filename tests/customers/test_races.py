"""Two requests at the same moment: the voucher lock and the exclusion constraint hold."""

import time

import pytest
from django.db import IntegrityError, OperationalError, transaction

from core.dates import today
from core.errors import DomainError
from customers.models import Customership
from customers.services import customership_create
from tests.customers.scenarios import DAY, capitation_voucher, customership_at, run_at_once, serving_office
from tests.factories import provider_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_customership_create__two_providers_at_once__one_wins_and_the_other_is_refused():
    voucher = capitation_voucher()
    offices = [serving_office(voucher), serving_office(voucher)]
    users = [provider_user(office.provider) for office in offices]

    def attempt(user, office):
        return lambda: customership_create(user=user, voucher=voucher, office=office, approvals_accepted=True)

    results = run_at_once(*(attempt(user, office) for user, office in zip(users, offices)))

    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, DomainError) and error.code == "locked_in"
    assert Customership.objects.filter(voucher=voucher).count() == 1


def test_customership_create__same_switch_twice_at_once__old_one_ended_once_and_one_new():
    voucher = capitation_voucher()
    old = customership_at(serving_office(voucher), voucher, start=today() - 50 * DAY, locked_until=today() - DAY)
    office = serving_office(voucher)
    user = provider_user(office.provider)

    def attempt():
        return customership_create(user=user, voucher=voucher, office=office, approvals_accepted=True)

    results = run_at_once(attempt, attempt)

    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    old.refresh_from_db()
    assert old.end_date == today() - DAY
    assert Customership.objects.filter(voucher=voucher).count() == 2


def test_customership_no_overlap__two_overlapping_inserts_race__the_database_rejects_one():
    """Even code that skips the service (and its lock) cannot store two overlapping customerships."""
    voucher = capitation_voucher()
    offices = [serving_office(voucher), serving_office(voucher)]
    users = [provider_user(office.provider) for office in offices]

    def insert(office, user):
        def run():
            with transaction.atomic():
                row = Customership.objects.create(
                    voucher=voucher, provider=office.provider, office=office, start_date=today(),
                    locked_until=today() + 365 * DAY, approvals_accepted=True, created_by=user,
                )
                time.sleep(0.3)  # hold the transaction open while the other one inserts
            return row

        return run

    results = run_at_once(*(insert(office, user) for office, user in zip(offices, users)))

    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    # Two inserts checking one exclusion constraint at once wait for each other; PostgreSQL
    # then reports either the violation or a deadlock. Either way it rejects one of them.
    # (The service never gets here: it locks the voucher row first.)
    assert isinstance(error, (IntegrityError, OperationalError)), error
    assert "customership_no_overlap" in str(error) or "deadlock detected" in str(error)
    assert Customership.objects.filter(voucher=voucher).count() == 1
