"""Reservations, events, customerships and payments through the API: the same services as the
pages, the same refusals as JSON with their codes."""

import datetime as dt

import pytest

from api.models import ApiKey
from core.dates import today
from customers.models import Customership
from events.models import Event, EventStatus
from reservations.models import Reservation
from tests.api.conftest import make_key
from tests.security.urlmap import _payment_run

pytestmark = pytest.mark.django_db


def _reservation_body(victim, **extra):
    return {"voucher_number": victim.fresh_voucher.number, "content_id": victim.fresh_voucher.contents.get().pk,
            "terms_accepted": True, "event_text": "aamuisin", **extra}


def test_reservation_post__provider_key__reserves_for_its_own_provider_as_the_keys_user(victim, api):
    secret = make_key(victim.provider_b_admin)

    response = api(secret).post("/api/v1/reservations", _reservation_body(victim))

    assert response.status_code == 201, response.content
    reservation = Reservation.objects.get(voucher=victim.fresh_voucher)
    assert response.json()["id"] == reservation.pk
    assert reservation.provider == victim.provider_b
    assert reservation.created_by == ApiKey.objects.get().user


def test_reservation_post__terms_not_accepted__422_with_the_services_code_and_nothing_written(victim, api):
    secret = make_key(victim.provider_b_admin)

    response = api(secret).post("/api/v1/reservations", _reservation_body(victim, terms_accepted=False))

    assert response.status_code == 422
    assert response.json()["code"] == "terms_not_accepted"
    assert "sopimusehtojen" in response.json()["message"]
    assert not Reservation.objects.filter(voucher=victim.fresh_voucher).exists()


def test_reservation_post__second_reservation__409_already_reserved(victim, api):
    secret = make_key(victim.provider_b_admin)
    api(secret).post("/api/v1/reservations", _reservation_body(victim))

    response = api(secret).post("/api/v1/reservations", _reservation_body(victim))

    assert response.status_code == 409
    assert response.json()["code"] == "already_reserved"


def test_reservation_post__bad_body__422_naming_the_field(victim, api):
    secret = make_key(victim.provider_b_admin)

    response = api(secret).post("/api/v1/reservations", {"voucher_number": "1", "content_id": "abc", "terms_accepted": True})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["field"] == "content_id"


def test_reservation_post__read_only_key__403_and_nothing_written(victim, api):
    secret = make_key(victim.provider_b_admin, scopes=["read"])

    response = api(secret).post("/api/v1/reservations", _reservation_body(victim))

    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"
    assert not Reservation.objects.filter(voucher=victim.fresh_voucher).exists()


def test_reservation_list__pages_with_a_cursor_and_changed_since(victim, api):
    secret = make_key(victim.provider_b_admin)
    first = api(secret).get("/api/v1/reservations", {"limit": 1})
    assert first.status_code == 200, first.content
    body = first.json()
    assert len(body["items"]) == 1 and body["next_cursor"]
    second = api(secret).get("/api/v1/reservations", {"limit": 1, "cursor": body["next_cursor"]}).json()
    ids = {body["items"][0]["id"], second["items"][0]["id"]}
    assert ids == {victim.reservation.pk, victim.balance.pk}
    later = api(secret).get("/api/v1/reservations", {"changed_since": "2999-01-01T00:00:00Z"}).json()
    assert later["items"] == [] and later["next_cursor"] is None


def _event_body(victim, **extra):
    return {"reservation_id": victim.reservation.pk, "date": str(today() - dt.timedelta(days=2)), "quantity": "1",
            **extra}


def test_event_post__records_with_the_clients_id__a_second_time_409_already_recorded(victim, api):
    secret = make_key(victim.provider_b_admin)

    first = api(secret).post("/api/v1/events", _event_body(victim, client_id="k-1"))
    again = api(secret).post("/api/v1/events", _event_body(victim, client_id="k-1"))

    assert first.status_code == 201, first.content
    assert first.json()["client_id"] == "k-1"
    assert again.status_code == 409
    assert again.json() == {"code": "already_recorded", "message": again.json()["message"], "event_id": first.json()["id"]}
    assert Event.objects.filter(client_id="k-1").count() == 1


def test_event_bulk__per_row_created_refused_with_reason_or_already_recorded(victim, api):
    secret = make_key(victim.provider_b_admin)
    rows = [
        _event_body(victim, client_id="r1"),
        _event_body(victim, client_id="r2", quantity="-1"),
        _event_body(victim, client_id="r1"),
        _event_body(victim, client_id="r3", reservation_id=victim.reservation.pk + 10_000),
    ]

    response = api(secret).post("/api/v1/events/bulk", {"events": rows})

    assert response.status_code == 200, response.content
    body = response.json()
    assert [row["result"] for row in body["results"]] == ["created", "refused", "already_recorded", "refused"]
    assert body["results"][1]["code"] == "quantity_not_positive"
    assert body["results"][3]["code"] == "reservation_not_found"
    assert (body["created"], body["refused"], body["already_recorded"]) == (1, 2, 1)
    assert Event.objects.filter(client_id__in=["r1", "r2", "r3"]).count() == 1


def test_event_bulk__more_than_1000_rows__422_and_nothing_written(victim, api):
    secret = make_key(victim.provider_b_admin)
    before = Event.objects.count()

    response = api(secret).post("/api/v1/events/bulk", {"events": [_event_body(victim, client_id=f"c{i}") for i in range(1001)]})

    assert response.status_code == 422
    assert response.json()["field"] == "events"
    assert Event.objects.count() == before


def test_event_list__shows_status_changes_since(victim, api):
    secret = make_key(victim.provider_b_admin)
    since = Event.objects.order_by("-updated_at").first().updated_at
    Event.objects.filter(pk=victim.review_event.pk).update(status=EventStatus.REJECTED, review_reason="ei sovittu",
                                                          updated_at=since + dt.timedelta(seconds=5))

    response = api(secret).get("/api/v1/events", {"changed_since": (since + dt.timedelta(seconds=1)).isoformat()})

    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [(item["id"], item["status"], item["review_reason"]) for item in items] == [
        (victim.review_event.pk, "rejected", "ei sovittu")]


def test_customership_post_and_end(victim, api):
    secret = make_key(victim.provider_b_admin)

    created = api(secret).post("/api/v1/customerships", {
        "voucher_number": victim.fresh_capitation.number, "office_id": victim.office_b.pk, "approvals_accepted": True})

    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    ended = api(secret).post(f"/api/v1/customerships/{pk}/end", {"end_date": str(today() + dt.timedelta(days=30))})
    assert ended.status_code == 200, ended.content
    assert Customership.objects.get(pk=pk).end_date == today() + dt.timedelta(days=30)


def test_customership_post__office_of_another_provider__404_office_not_found(victim, api):
    secret = make_key(victim.outsiders["provider admin (A)"])

    response = api(secret).post("/api/v1/customerships", {
        "voucher_number": victim.fresh_capitation.number, "office_id": victim.office_b.pk, "approvals_accepted": True})

    assert response.status_code == 404
    assert response.json()["code"] == "voucher_not_found"


def test_payments__organiser_sees_runs_and_lines__provider_its_own_lines(victim, api):
    run = _payment_run(victim)
    organiser = api(make_key(victim.organiser_y_admin))
    provider = api(make_key(victim.provider_b_admin))

    runs = organiser.get("/api/v1/payments")
    own = provider.get("/api/v1/payments")
    organiser_lines = organiser.get(f"/api/v1/payments/{run.pk}/lines")
    provider_lines = provider.get(f"/api/v1/payments/{run.pk}/lines")

    assert runs.status_code == 200, runs.content
    assert run.pk in [row["run_id"] for row in runs.json()["runs"]]
    assert [row["run_id"] for row in own.json()["payments"]] == [run.pk]
    assert organiser_lines.status_code == provider_lines.status_code == 200
    assert len(organiser_lines.json()["items"]) == len(provider_lines.json()["items"]) == 2
    other = api(make_key(victim.outsiders["provider admin (A)"])).get(f"/api/v1/payments/{run.pk}/lines")
    assert other.status_code == 404 and other.json()["code"] == "run_not_found"


def test_reservation_post__content_of_another_voucher__422_content_not_on_voucher(victim, api):
    secret = make_key(victim.provider_b_admin)
    other = victim.reservation.voucher_content_id

    response = api(secret).post("/api/v1/reservations", _reservation_body(victim, content_id=other))

    assert response.status_code == 422
    assert response.json()["code"] == "content_not_on_voucher"
    assert not Reservation.objects.filter(voucher=victim.fresh_voucher).exists()


def test_organiser_key__reserves_on_a_providers_behalf(victim, api):
    secret = make_key(victim.organiser_y_admin)

    missing = api(secret).post("/api/v1/reservations", _reservation_body(victim))
    made = api(secret).post("/api/v1/reservations", _reservation_body(victim, provider_id=victim.provider_b.pk))

    assert missing.status_code == 422 and missing.json()["code"] == "provider_required"
    assert made.status_code == 201, made.content
    assert made.json()["on_behalf"] is True and made.json()["provider_id"] == victim.provider_b.pk


def test_invalid_json__400_invalid_json(victim, api):
    response = api(make_key(victim.provider_b_admin)).post("/api/v1/events", raw="{bad")

    assert response.status_code in (400, 422)
    assert response.json()["code"] in ("invalid_json", "invalid")


def test_unknown_address_under_the_api__json_404(victim, api):
    response = api(make_key(victim.provider_b_admin)).get("/api/v1/ei-ole/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
