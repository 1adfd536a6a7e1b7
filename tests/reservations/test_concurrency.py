"""Several people reserve one voucher at the same moment: exactly one gets it."""

import threading

import pytest
from django.db import connection

from core.errors import DomainError
from reservations import services
from reservations.models import Reservation
from reservations.services import reservation_create
from tests.reservations.scenarios import change_rows, reservable_voucher, rival_provider

THREADS = 6


def race(scene, users):
    barrier = threading.Barrier(len(users))
    results = []
    lock = threading.Lock()

    def attempt(user):
        try:
            barrier.wait(timeout=10)
            reservation = reservation_create(
                user=user, voucher=scene.voucher, voucher_content=scene.content, terms_accepted=True
            )
            outcome = ("ok", reservation.provider_id)
        except DomainError as error:
            outcome = ("refused", error.code)
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcome = ("crashed", repr(error))
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def contenders(scene):
    return [scene.provider_user] + [rival_provider(scene)[1] for _ in range(THREADS - 1)]


@pytest.mark.django_db(transaction=True)
def test_reservation_create__many_providers_at_once__exactly_one_succeeds():
    scene = reservable_voucher()
    results = race(scene, contenders(scene))

    assert len(results) == THREADS
    assert [r for r in results if r[0] == "crashed"] == []
    winners = [r for r in results if r[0] == "ok"]
    assert len(winners) == 1
    assert sorted(r[1] for r in results if r[0] == "refused") == ["already_reserved"] * (THREADS - 1)
    reservation = Reservation.objects.get()
    assert reservation.provider_id == winners[0][1]
    assert change_rows() == 1


@pytest.mark.django_db(transaction=True)
def test_reservation_create__many_at_once_without_the_python_check__database_constraint_lets_one_through(monkeypatch):
    """Even if the rule check were bypassed, the one-to-one constraint refuses all but one."""
    monkeypatch.setattr(services, "reservation_refusal", lambda **kwargs: None)
    scene = reservable_voucher()
    results = race(scene, contenders(scene))

    assert [r for r in results if r[0] == "crashed"] == []
    assert len([r for r in results if r[0] == "ok"]) == 1
    assert sorted(r[1] for r in results if r[0] == "refused") == ["already_reserved"] * (THREADS - 1)
    assert Reservation.objects.count() == 1
    assert change_rows() == 1
