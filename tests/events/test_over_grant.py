"""Issue 13, item 13: recording past what was granted warns before saving and says so after.

The warning is the service's own refusal (``event_record(over_grant_confirmed=False)`` raises
``over_grant_unconfirmed`` by the same ``_status_for`` that sends an event to review), so the two
cannot disagree."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from core.errors import DomainError
from events import services
from events.models import Event, EventStatus
from tests.events.scenarios import days_ago, priced_reservation
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

HTMX_PANEL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "panel"}
WARNING = "ylittää myönnetyn määrän: menee palvelunjärjestäjän tarkastettavaksi"


def post_event(client, reservation, *, quantity, confirm=False, url=None, **headers):
    data = {
        "paivamaara": days_ago(1).isoformat(),
        "sisalto": reservation.voucher_content_id,
        "maara": quantity,
        "lisatieto": "",
    }
    if confirm:
        data["kirjaa_silti"] = "1"
    return client.post(url or reverse("events:create", args=[reservation.pk]), data, **headers)


def test_record_unconfirmed__within_the_grant__approved():
    reservation = priced_reservation(quantity=D("10"))
    event = services.event_record(user=reservation.created_by, reservation_id=reservation.pk, date=days_ago(1),
                                  quantity=D("10"), over_grant_confirmed=False)
    assert event.status == EventStatus.APPROVED


def test_record_unconfirmed__past_the_grant__refused_and_nothing_written_then_confirmed_goes_to_review():
    reservation = priced_reservation(quantity=D("10"))
    EventFactory(reservation=reservation, quantity=D("9"))
    user = reservation.created_by
    with pytest.raises(DomainError) as refused:
        services.event_record(user=user, reservation_id=reservation.pk, date=days_ago(1), quantity=D("2"),
                              over_grant_confirmed=False)
    assert refused.value.code == "over_grant_unconfirmed"
    assert not Event.objects.filter(quantity=D("2")).exists()
    recorded = services.event_record(user=user, reservation_id=reservation.pk, date=days_ago(1), quantity=D("2"))
    assert recorded.status == EventStatus.UNDER_REVIEW


def test_record__past_the_grant__warned_before_saving_and_nothing_written(login):
    reservation = priced_reservation(quantity=D("10"))
    response = post_event(login(reservation.created_by), reservation, quantity="11", **HTMX_PANEL)
    html = response.content.decode()
    assert response.status_code == 200
    assert WARNING in html and 'role="alert"' in html
    assert "Kirjaa silti" in html
    assert not Event.objects.exists()


def test_record__past_the_grant_confirmed__saved_under_review_and_said_so(login):
    reservation = priced_reservation(quantity=D("10"))
    response = post_event(login(reservation.created_by), reservation, quantity="11", confirm=True, **HTMX_PANEL)
    html = response.content.decode()
    assert Event.objects.get().status == EventStatus.UNDER_REVIEW
    assert "Tapahtuma kirjattu." in html and WARNING in html
    assert "Kirjaa silti" not in html


def test_record__within_the_grant__saved_at_once_without_a_warning(login):
    reservation = priced_reservation(quantity=D("10"))
    response = post_event(login(reservation.created_by), reservation, quantity="2", **HTMX_PANEL)
    html = response.content.decode()
    assert Event.objects.get().status == EventStatus.APPROVED
    assert "Tapahtuma kirjattu." in html and WARNING not in html


def test_record__past_the_grant_without_htmx__warned_and_then_redirected_with_the_message(login):
    reservation = priced_reservation(quantity=D("10"))
    client = login(reservation.created_by)
    warned = post_event(client, reservation, quantity="11")
    assert warned.status_code == 200 and WARNING in warned.content.decode()
    saved = post_event(client, reservation, quantity="11", confirm=True, follow=True)
    assert Event.objects.get().status == EventStatus.UNDER_REVIEW
    assert WARNING in saved.content.decode()


def test_update__edit_takes_it_past_the_grant__warned_first(login):
    reservation = priced_reservation(quantity=D("10"))
    event = EventFactory(reservation=reservation, quantity=D("2"), status=EventStatus.APPROVED)
    client = login(reservation.created_by)
    url = reverse("events:update", args=[event.pk])
    response = post_event(client, reservation, quantity="12", url=url, **HTMX_PANEL)
    assert WARNING in response.content.decode()
    event.refresh_from_db()
    assert event.quantity == D("2")
    post_event(client, reservation, quantity="12", url=url, confirm=True, **HTMX_PANEL)
    event.refresh_from_db()
    assert (event.quantity, event.status) == (D("12"), EventStatus.UNDER_REVIEW)


def test_record__past_the_grant_and_otherwise_refused__the_refusal_not_the_warning(login):
    reservation = priced_reservation(quantity=D("10"))
    data_day_in_future = {"paivamaara": "2100-01-01", "sisalto": reservation.voucher_content_id, "maara": "11"}
    response = login(reservation.created_by).post(reverse("events:create", args=[reservation.pk]), data_day_in_future,
                                                  **HTMX_PANEL)
    html = response.content.decode()
    assert WARNING not in html
    assert not Event.objects.exists()
