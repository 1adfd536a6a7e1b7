"""A balance voucher is never overdrawn, also when recorders arrive at the same moment."""

import threading
from decimal import Decimal as D

import pytest
from django.db import connection

from core.errors import DomainError
from events.models import Event
from events.services import event_record
from tests.events.scenarios import balance_reservation, days_ago, priced_reservation


def run_together(count, action):
    barrier = threading.Barrier(count)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(action())
        except DomainError as error:
            results.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_event_record__concurrent_recorders_on_a_balance__never_below_zero():
    reservation = balance_reservation(amount=D("500.00"))
    user = reservation.created_by

    def record():
        return event_record(user=user, reservation_id=reservation.pk, date=days_ago(1), quantity=D("150.00"),
                            content_id=reservation.voucher_content_id).pk

    results = run_together(5, record)
    assert results.count("balance_exceeded") == 2
    assert sum(e.total for e in Event.objects.filter(reservation=reservation)) == D("450.00")


@pytest.mark.django_db(transaction=True)
def test_event_record__concurrent_recorders_past_the_grant__later_ones_wait_for_review():
    reservation = priced_reservation(quantity=D("2"))
    user = reservation.created_by

    def record():
        return event_record(user=user, reservation_id=reservation.pk, date=days_ago(1), quantity=D("1"),
                            content_id=reservation.voucher_content_id).status

    results = run_together(4, record)
    assert sorted(results) == ["approved", "approved", "under_review", "under_review"]
