"""Edit, delete, review and credit: allowed before settlement, corrected by a credit after."""

from decimal import Decimal as D

import pytest

from core.errors import DomainError
from events.models import CreditReason, Event, EventChange, EventStatus
from events.services import event_credit, event_delete, event_record, event_review, event_update
from tests.events.scenarios import days_ago, priced_reservation, settled_event
from tests.factories import organiser_user, provider_user

pytestmark = pytest.mark.django_db


def recorded(reservation, quantity="1"):
    return event_record(
        user=reservation.created_by, reservation_id=reservation.pk, date=days_ago(2), quantity=D(quantity),
        content_id=reservation.voucher_content_id,
    )


def snapshot():
    return list(Event.objects.order_by("pk").values()), EventChange.objects.count()


def test_event_update__before_settlement__repriced_and_change_kept():
    reservation = priced_reservation(unit_price=D("25.00"), unit_value=D("15.00"))
    event = recorded(reservation)
    event = event_update(user=reservation.created_by, event_id=event.pk, date=days_ago(3), quantity=D("2"), note="Korjattu")
    event.refresh_from_db()
    assert (event.quantity, event.total, event.voucher_share, event.customer_share) == (D("2"), D("50.00"), D("30.00"), D("20.00"))
    change = EventChange.objects.get(event=event, action="update")
    assert change.changed_by == reservation.created_by
    assert change.changes["quantity"] == ["1.00", "2"]
    assert change.changes["note"] == ["", "Korjattu"]


def test_event_update__past_what_was_granted__goes_under_review():
    reservation = priced_reservation(quantity=D("2"))
    event = recorded(reservation)
    event = event_update(user=reservation.created_by, event_id=event.pk, date=days_ago(2), quantity=D("3"))
    assert event.status == EventStatus.UNDER_REVIEW


def test_event_update__after_settlement__refused_and_nothing_written():
    reservation = priced_reservation()
    event = settled_event(reservation)
    before = snapshot()
    with pytest.raises(DomainError) as error:
        event_update(user=reservation.created_by, event_id=event.pk, date=days_ago(2), quantity=D("2"))
    assert error.value.code == "event_settled"
    assert snapshot() == before


def test_event_update__invalid_input__refused_and_nothing_written():
    reservation = priced_reservation()
    event = recorded(reservation)
    before = snapshot()
    with pytest.raises(DomainError) as error:
        event_update(user=reservation.created_by, event_id=event.pk, date=days_ago(2), quantity=D("0"))
    assert error.value.code == "quantity_not_positive"
    assert snapshot() == before


def test_event_delete__before_settlement__deleted_and_history_kept():
    reservation = priced_reservation()
    event = recorded(reservation)
    event_delete(user=reservation.created_by, event_id=event.pk)
    assert not Event.objects.filter(pk=event.pk).exists()
    change = EventChange.objects.get(event_number=event.pk, action="delete")
    assert change.event is None and change.reservation == reservation


@pytest.mark.parametrize("status", [EventStatus.SETTLED, EventStatus.PAID])
def test_event_delete__after_settlement__refused(status):
    reservation = priced_reservation()
    event = settled_event(reservation, status=status)
    before = snapshot()
    with pytest.raises(DomainError) as error:
        event_delete(user=reservation.created_by, event_id=event.pk)
    assert error.value.code == "event_settled"
    assert snapshot() == before


def test_event_delete__other_providers_event__refused():
    event = recorded(priced_reservation())
    with pytest.raises(DomainError) as error:
        event_delete(user=provider_user(), event_id=event.pk)
    assert error.value.code == "event_not_found"
    assert Event.objects.filter(pk=event.pk).exists()


def test_event_review__organiser_approves__approved():
    reservation = priced_reservation(quantity=D("1"))
    event = recorded(reservation, quantity="2")
    assert event.status == EventStatus.UNDER_REVIEW
    event = event_review(user=organiser_user(reservation.voucher.organiser), event_id=event.pk, approve=True)
    assert event.status == EventStatus.APPROVED
    assert EventChange.objects.filter(event=event, action="approve").exists()


def test_event_review__organiser_rejects_with_reason__provider_sees_the_reason():
    reservation = priced_reservation(quantity=D("1"))
    event = recorded(reservation, quantity="2")
    event_review(user=organiser_user(reservation.voucher.organiser), event_id=event.pk, approve=False, reason="Ylittää päätöksen")
    event.refresh_from_db()
    assert (event.status, event.review_reason) == (EventStatus.REJECTED, "Ylittää päätöksen")


def test_event_review__reject_without_reason__refused():
    reservation = priced_reservation(quantity=D("1"))
    event = recorded(reservation, quantity="2")
    with pytest.raises(DomainError) as error:
        event_review(user=organiser_user(reservation.voucher.organiser), event_id=event.pk, approve=False, reason="  ")
    assert error.value.code == "reason_required"
    event.refresh_from_db()
    assert event.status == EventStatus.UNDER_REVIEW


def test_event_review__by_provider__refused():
    reservation = priced_reservation(quantity=D("1"))
    event = recorded(reservation, quantity="2")
    with pytest.raises(DomainError) as error:
        event_review(user=reservation.created_by, event_id=event.pk, approve=True)
    assert error.value.code == "organiser_only"


def test_event_review__event_not_under_review__refused():
    reservation = priced_reservation()
    event = recorded(reservation)
    with pytest.raises(DomainError) as error:
        event_review(user=organiser_user(reservation.voucher.organiser), event_id=event.pk, approve=True)
    assert error.value.code == "not_under_review"


def test_event_credit__settled_event_by_organiser__negative_event_with_reason():
    reservation = priced_reservation()
    event = settled_event(reservation)  # 1 × 25,00 €: voucher 15,00 €, customer 10,00 €
    credit = event_credit(
        user=organiser_user(reservation.voucher.organiser), event_id=event.pk,
        reason_code=CreditReason.NOT_DELIVERED, explanation="Käynti peruuntui",
    )
    credit.refresh_from_db()
    assert (credit.quantity, credit.total, credit.voucher_share, credit.customer_share) == (D("-1"), D("-25.00"), D("-15.00"), D("-10.00"))
    assert credit.credit_of == event and credit.explanation == "Käynti peruuntui"
    assert EventChange.objects.filter(event=credit, action="credit").exists()


def test_event_credit__more_than_is_left__refused():
    reservation = priced_reservation()
    event = settled_event(reservation)
    organiser = organiser_user(reservation.voucher.organiser)
    event_credit(user=organiser, event_id=event.pk, reason_code="wrong_quantity", explanation="Puolet", quantity=D("0.5"))
    with pytest.raises(DomainError) as error:
        event_credit(user=organiser, event_id=event.pk, reason_code="wrong_quantity", explanation="Liikaa", quantity=D("0.51"))
    assert error.value.code == "credit_exceeds"
    assert event.credits.count() == 1


def test_event_credit__by_provider__refused():
    reservation = priced_reservation()
    event = settled_event(reservation)
    with pytest.raises(DomainError) as error:
        event_credit(user=reservation.created_by, event_id=event.pk, reason_code="other", explanation="x")
    assert error.value.code == "organiser_only"
    assert not event.credits.exists()


def test_event_credit__event_not_yet_settled__refused():
    reservation = priced_reservation()
    event = recorded(reservation)
    with pytest.raises(DomainError) as error:
        event_credit(user=organiser_user(reservation.voucher.organiser), event_id=event.pk, reason_code="other", explanation="x")
    assert error.value.code == "not_creditable"


def test_event_credit__without_reason_code_or_explanation__refused():
    reservation = priced_reservation()
    event = settled_event(reservation)
    organiser = organiser_user(reservation.voucher.organiser)
    for code, explanation, refusal in [
        ("", "Selite", "reason_code_invalid"),
        ("bogus", "Selite", "reason_code_invalid"),
        ("other", " ", "explanation_required"),
    ]:
        with pytest.raises(DomainError) as error:
            event_credit(user=organiser, event_id=event.pk, reason_code=code, explanation=explanation)
        assert error.value.code == refusal
    assert not event.credits.exists()


def test_event_status__transitions_declared_once():
    assert EventStatus.can_move(EventStatus.RECORDED, EventStatus.UNDER_REVIEW)
    assert EventStatus.can_move(EventStatus.UNDER_REVIEW, EventStatus.REJECTED)
    assert EventStatus.can_move(EventStatus.SETTLED, EventStatus.PAID)
    assert not EventStatus.can_move(EventStatus.SETTLED, EventStatus.APPROVED)
    assert not EventStatus.can_move(EventStatus.PAID, EventStatus.SETTLED)
