"""The client system's interface (issue 22, items 4 and 5): an organiser's key grants, changes and
closes vouchers by decision, finds a customer by henkilötunnus in a POST body, and sends up to
1,000 decisions at once; a provider's key finds none of these routes."""

import datetime as dt
import json

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from api.forms import ApiKeyForm
from api.models import ApiKey, Scope
from api.services import api_key_create, api_key_update
from audit.models import AuditEntry
from core.dates import today
from core.errors import DomainError
from demo.identifiers import make_henkilotunnus
from grants.models import VoucherChange
from tests.api.conftest import make_key
from tests.api.routes import API_ROUTES, DECISION_ID, NAMESPACE, _decision
from vouchers.models import Customer, Voucher

pytestmark = pytest.mark.django_db

NEW_PERSON = make_henkilotunnus(dt.date(1950, 3, 4), 912)


def _new_customer_decision(victim, decision_id="Lifecare-1001", **extra):
    body = _decision(victim, decision_id)
    body["customer"] = {"henkilotunnus": NEW_PERSON, "first_name": "Aino", "last_name": "Asiakas",
                        "municipality": "Tampere", "street_address": "Hämeenkatu 1", "postal_code": "33100",
                        "post_office": "Tampere", "language": "sv"}
    return {**body, **extra}


@pytest.fixture
def organiser(victim, api):
    return api(make_key(victim.organiser_y_admin, name="Lifecare"))


def _patch(client, path, body, secret):
    return client.patch(path, json.dumps(body), content_type="application/json",
                        headers={"Authorization": f"Bearer {secret}"})


# --- granting -----------------------------------------------------------------------------------------

def test_voucher_grant__same_decision_twice__one_voucher_201_then_200_same_number(victim, organiser):
    first = organiser.post("/api/v1/vouchers", _new_customer_decision(victim))
    again = organiser.post("/api/v1/vouchers", _new_customer_decision(victim))

    assert first.status_code == 201, first.content
    assert again.status_code == 200, again.content
    assert first.json()["number"] == again.json()["number"]
    assert Voucher.objects.filter(decision_id="Lifecare-1001").count() == 1
    assert Customer.objects.filter(henkilotunnus=NEW_PERSON).count() == 1
    voucher = first.json()
    assert voucher["decision"] == {"decision_number": "2026/1", "decision_date": str(today() - dt.timedelta(days=1)),
                                   "decision_id": "Lifecare-1001", "granted_on": str(today())}
    assert voucher["customer"]["language"] == "sv" and voucher["customer"]["henkilotunnus"].endswith("****")
    assert [(row["content"], row["quantity"], row["period"]) for row in voucher["contents"]] == [
        ("Kotihoidon tunti", "20.00", "month")]


def test_voucher_grant__existing_customer_found__not_made_again_and_names_sent_ignored(victim, organiser):
    body = _decision(victim, "Lifecare-2")
    body["customer"]["first_name"] = "Toinen"

    response = organiser.post("/api/v1/vouchers", body)

    assert response.status_code == 201, response.content
    assert response.json()["customer"]["last_name"] == victim.customer.last_name
    assert Voucher.objects.get(number=response.json()["number"]).customer == victim.customer


def test_voucher_grant__history_and_audit_name_the_key(victim, organiser):
    number = organiser.post("/api/v1/vouchers", _new_customer_decision(victim)).json()["number"]

    change = VoucherChange.objects.get(voucher__number=number)
    assert change.kind == VoucherChange.Kind.GRANTED and "Lifecare" in change.actor
    codes = set(AuditEntry.objects.filter(username__contains="Lifecare").values_list("code", flat=True))
    assert {"customer_search", "customer_created", "voucher_granted"} <= codes


def test_voucher_grant__service_by_name_and_content_by_name(victim, organiser):
    body = _decision(victim, "Lifecare-3")
    del body["service_id"]
    body["service"] = victim.grant_service.name
    body["contents"] = [{"content": "Kotihoidon tunti", "quantity": "5"}]

    response = organiser.post("/api/v1/vouchers", body)

    assert response.status_code == 201, response.content
    assert response.json()["service_id"] == victim.grant_service.pk


def test_voucher_grant__a_service_the_organiser_has_no_agreement_for__422_and_nobody_searched(victim, api):
    other = api(make_key(victim.outsiders["organiser admin (X)"]))
    searches = AuditEntry.objects.filter(code="customer_search").count()

    response = other.post("/api/v1/vouchers", _decision(victim, "X-1"))

    assert response.status_code == 422 and response.json()["code"] == "service_not_grantable"
    assert response.json()["field"] == "service_id"
    assert AuditEntry.objects.filter(code="customer_search").count() == searches


@pytest.mark.parametrize("change, field", [
    ({"decision_id": None}, "decision_id"),
    ({"valid_to": "31.12.2026"}, "valid_to"),
    ({"contents": [{"content_id": 1, "quantity": "0"}]}, "contents.0.quantity"),
    ({"contents": [{"content_id": 1, "quantity": "-1"}]}, "contents.0.quantity"),
    ({"contents": []}, "contents"),
    ({"decision_number": "x" * 61}, "decision_number"),
    ({"unknown": 1}, "unknown"),
])
def test_voucher_grant__loose_input__json_422_in_finnish_nothing_written(victim, organiser, change, field):
    before = Voucher.objects.count(), Customer.objects.count()

    response = organiser.post("/api/v1/vouchers", {**_new_customer_decision(victim), **change})

    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "invalid" and body["field"] == field and body["message"] == "Tarkista tiedot."
    assert body["errors"][0]["message"] in ("Pakollinen tieto puuttuu.", "Anna päivämäärä muodossa VVVV-KK-PP.",
                                            "Tiedossa on merkkejä, joita ei voi tallentaa.", "Anna nollaa suurempi luku.",
                                            "Tieto on liian lyhyt.", "Tieto on liian pitkä.", "Tuntematon tieto.",
                                            "Virheellinen tieto.")
    assert (Voucher.objects.count(), Customer.objects.count()) == before


def test_voucher_grant__bad_henkilotunnus_check_digit__422_in_finnish(victim, organiser):
    body = _new_customer_decision(victim)
    body["customer"]["henkilotunnus"] = NEW_PERSON[:-1] + ("A" if NEW_PERSON[-1] != "A" else "B")

    response = organiser.post("/api/v1/vouchers", body)

    assert response.status_code == 422
    assert response.json() == {"code": "invalid", "message": "Henkilötunnus ei ole kelvollinen.",
                               "field": "customer.henkilotunnus"}


def test_voucher_grant__new_customer_without_a_name__422_and_no_customer(victim, organiser):
    body = _new_customer_decision(victim)
    del body["customer"]["last_name"]

    response = organiser.post("/api/v1/vouchers", body)

    assert response.status_code == 422 and response.json()["field"] == "customer.last_name"
    assert not Customer.objects.filter(henkilotunnus=NEW_PERSON).exists()


def test_voucher_grant__refused_by_the_service__the_new_customer_is_not_kept(victim, organiser):
    body = _new_customer_decision(victim, valid_from=str(today()), valid_to=str(today() - dt.timedelta(days=1)))

    response = organiser.post("/api/v1/vouchers", body)

    assert response.status_code == 422 and response.json()["code"] == "invalid_validity"
    assert response.json()["field"] == "valid_to"
    assert not Customer.objects.filter(henkilotunnus=NEW_PERSON).exists()


def test_voucher_grant__query_count_bounded(victim, organiser, django_assert_max_num_queries):
    """Counted as the test sees them: with the savepoints, and with the key's first request of a
    minute (three more: last used, old rate counters and old idempotency answers)."""
    with django_assert_max_num_queries(25):
        response = organiser.post("/api/v1/vouchers", _decision(victim, "Q-1"))
    assert response.status_code == 201


def test_voucher_grant__new_customer__query_count_bounded(victim, organiser, django_assert_max_num_queries):
    """A new customer adds what grants.services.customer_create does: the henkilötunnus's
    uniqueness and format checked (full_clean), the row and its audit row, in savepoints."""
    with django_assert_max_num_queries(35):
        response = organiser.post("/api/v1/vouchers", _new_customer_decision(victim))
    assert response.status_code == 201


def test_voucher_grant__idempotency_key_replays_the_first_answer(victim, organiser):
    headers = {"Idempotency-Key": "myonto-1"}
    first = organiser.post("/api/v1/vouchers", _new_customer_decision(victim), headers=headers)
    again = organiser.post("/api/v1/vouchers", _new_customer_decision(victim), headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()


# --- bulk -----------------------------------------------------------------------------------------------

def test_voucher_grant_bulk__a_bad_row__the_others_created(victim, organiser):
    bad = _decision(victim, "B-2")
    bad["contents"][0]["content_id"] = victim.reservation.voucher_content.content_id  # another service's content
    rows = [_decision(victim, "B-1"), bad, _new_customer_decision(victim, "B-3"), _decision(victim, DECISION_ID)]

    response = organiser.post("/api/v1/vouchers/bulk", {"decisions": rows})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["existing"], body["errors"]) == (2, 1, 1)
    results = body["results"]
    assert [row["status"] for row in results] == ["created", "error", "created", "existing"]
    assert [row["index"] for row in results] == [0, 1, 2, 3]
    assert results[1]["code"] == "content_not_of_service" and results[1]["message"]
    assert results[3]["number"] == victim.fresh_voucher.number
    assert not Voucher.objects.filter(decision_id="B-2").exists()
    assert Voucher.objects.filter(decision_id__in=["B-1", "B-3"]).count() == 2


def test_voucher_grant_bulk__the_same_decision_twice_in_one_request__one_voucher(victim, organiser):
    rows = [_new_customer_decision(victim, "D-1"), _new_customer_decision(victim, "D-1")]

    results = organiser.post("/api/v1/vouchers/bulk", {"decisions": rows}).json()["results"]

    assert [row["status"] for row in results] == ["created", "existing"]
    assert results[0]["number"] == results[1]["number"]
    assert Customer.objects.filter(henkilotunnus=NEW_PERSON).count() == 1


def _new_people(victim, count, prefix, day=dt.date(1951, 5, 6)):
    rows = []
    for i in range(count):
        row = _new_customer_decision(victim, f"{prefix}-{i}")
        row["customer"] = {**row["customer"], "henkilotunnus": make_henkilotunnus(day, 920 + i)}
        rows.append(row)
    return rows


def _bulk_queries(organiser, rows) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = organiser.post("/api/v1/vouchers/bulk", {"decisions": rows})
    assert response.status_code == 200 and response.json()["created"] == len(rows), response.content
    return len(queries)


def test_voucher_grant_bulk__queries_do_not_grow_with_the_decisions(victim, organiser):
    _bulk_queries(organiser, _new_people(victim, 1, "Q1", dt.date(1950, 4, 5)))  # the key's first use writes more
    few = _bulk_queries(organiser, _new_people(victim, 2, "Q2", dt.date(1951, 5, 6)))
    many = _bulk_queries(organiser, _new_people(victim, 12, "Q12", dt.date(1952, 6, 7)))

    assert many == few <= 20


def test_voucher_grant_bulk__a_refused_decision_adds_no_customer_and_its_search_is_logged(victim, organiser):
    bad, good = _new_people(victim, 2, "R")
    bad["valid_to"] = bad["valid_from"]
    bad["valid_from"] = str(today() + dt.timedelta(days=10))  # ends before it starts
    searches = AuditEntry.objects.filter(code="customer_search").count()

    results = organiser.post("/api/v1/vouchers/bulk", {"decisions": [bad, good]}).json()["results"]

    assert [row["status"] for row in results] == ["error", "created"]
    assert results[0]["field"] == "valid_to"
    assert not Customer.objects.filter(henkilotunnus=bad["customer"]["henkilotunnus"]).exists()
    created = Customer.objects.get(henkilotunnus=good["customer"]["henkilotunnus"])
    voucher = Voucher.objects.get(number=results[1]["number"])
    assert voucher.customer == created and voucher.decision_id == "R-1"
    assert voucher.contents.get().quantity == 20
    assert VoucherChange.objects.get(voucher=voucher).kind == VoucherChange.Kind.GRANTED
    assert AuditEntry.objects.filter(code="customer_search").count() == searches + 2
    assert AuditEntry.objects.filter(code="customer_created", customer_id=created.pk).count() == 1
    assert AuditEntry.objects.filter(code="voucher_granted", customer_id=created.pk).count() == 1


def test_voucher_grant_bulk__a_decision_granted_meanwhile__answered_one_by_one_as_existing(victim, organiser, monkeypatch):
    """Another request granted D-9 after this one read its decisions: the set's INSERT meets the
    unique decision id, and the list is granted again decision by decision."""
    from api import granting

    real = granting.Known.for_user
    calls = []

    def stale(user, decision_ids=()):
        calls.append(decision_ids)
        return real(user, ()) if len(calls) == 1 else real(user, decision_ids)

    monkeypatch.setattr(granting.Known, "for_user", staticmethod(stale))
    earlier = organiser.post("/api/v1/vouchers", _decision(victim, "D-9")).json()["number"]
    calls.clear()

    results = organiser.post("/api/v1/vouchers/bulk", {"decisions": [_decision(victim, "D-8"), _decision(victim, "D-9")]}).json()["results"]

    assert len(calls) == 2
    assert [row["status"] for row in results] == ["created", "existing"]
    assert results[1]["number"] == earlier
    assert Voucher.objects.filter(decision_id="D-8").count() == 1


def test_voucher_grant_bulk__more_than_1000__422(victim, organiser):
    response = organiser.post("/api/v1/vouchers/bulk", {"decisions": [_decision(victim, f"E-{i}") for i in range(1001)]})

    assert response.status_code == 422 and response.json()["field"] == "decisions"
    assert not Voucher.objects.filter(decision_id="E-0").exists()


# --- lookup, change, close ------------------------------------------------------------------------------

def test_customer_lookup__audited_as_customer_search_and_only_own_vouchers(victim, organiser, api):
    before = AuditEntry.objects.filter(code="customer_search", customer_id=victim.customer.pk).count()

    response = organiser.post("/api/v1/customers/lookup", {"henkilotunnus": victim.customer.henkilotunnus.lower()})

    assert response.status_code == 200, response.content
    assert response.json()["customer"]["last_name"] == victim.customer.last_name
    assert victim.fresh_voucher.number in {row["number"] for row in response.json()["vouchers"]}
    entry = AuditEntry.objects.filter(code="customer_search", customer_id=victim.customer.pk).latest("pk")
    assert AuditEntry.objects.filter(code="customer_search", customer_id=victim.customer.pk).count() == before + 1
    assert entry.organiser_id == victim.organiser_y.pk and "Lifecare" in entry.username
    assert entry.path == "/api/v1/customers/lookup"

    other = api(make_key(victim.outsiders["organiser admin (X)"])).post(
        "/api/v1/customers/lookup", {"henkilotunnus": victim.customer.henkilotunnus})
    assert other.status_code == 200 and other.json()["vouchers"] == []


def test_customer_lookup__nobody_with_that_henkilotunnus__404_and_still_audited(victim, organiser):
    response = organiser.post("/api/v1/customers/lookup", {"henkilotunnus": NEW_PERSON})

    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert AuditEntry.objects.filter(code="customer_search", customer_id=None, organiser_id=victim.organiser_y.pk).exists()


def test_voucher_by_decision__the_organisers_voucher_with_its_decision(victim, organiser):
    response = organiser.get("/api/v1/vouchers/by-decision", {"decision_id": DECISION_ID})

    assert response.status_code == 200, response.content
    assert response.json()["number"] == victim.fresh_voucher.number
    assert response.json()["decision"]["decision_id"] == DECISION_ID
    assert organiser.get("/api/v1/vouchers/by-decision", {"decision_id": "ei-ole"}).json()["code"] == "voucher_not_found"


def test_voucher_get__decision_for_the_organiser_not_for_a_provider(victim, organiser, api):
    path = f"/api/v1/vouchers/{victim.fresh_voucher.number}"

    assert organiser.get(path).json()["decision"]["decision_id"] == DECISION_ID
    assert api(make_key(victim.provider_b_admin)).get(path).json()["decision"] is None


def test_voucher_change__raise_hours_and_extend__200_and_history(victim, organiser, client):
    voucher = victim.reservation.voucher
    body = {"reason": "Tarve kasvoi", "valid_to": str(voucher.valid_to + dt.timedelta(days=30)),
            "contents": [{"content_id": victim.reservation.voucher_content.content_id, "quantity": "40"}]}

    response = _patch(client, f"/api/v1/vouchers/{voucher.number}", body, organiser.secret)

    assert response.status_code == 200, response.content
    assert response.json()["contents"][0]["quantity"] == "40.00"
    assert response.json()["valid_to"] == body["valid_to"]
    assert VoucherChange.objects.get(voucher=voucher, kind=VoucherChange.Kind.CHANGED).reason == "Tarve kasvoi"


def test_voucher_change__below_used__422_json_nothing_changed(victim, organiser, client):
    voucher = victim.reservation.voucher  # 10 granted, four visits recorded (tests/security/urlmap.py)
    body = {"reason": "Tarve väheni",
            "contents": [{"content_id": victim.reservation.voucher_content.content_id, "quantity": "3"}]}

    response = _patch(client, f"/api/v1/vouchers/{voucher.number}", body, organiser.secret)

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "change_below_used" and "jo käytetty 4" in response.json()["message"]
    assert response.json()["field"] == "contents"
    assert voucher.contents.get().quantity == 10
    assert not VoucherChange.objects.filter(voucher=voucher).exists()


def test_voucher_change__no_reason__422(victim, organiser, client):
    response = _patch(client, f"/api/v1/vouchers/{victim.fresh_voucher.number}", {"valid_to": str(today())},
                      organiser.secret)

    assert response.status_code == 422 and response.json()["field"] == "reason"


def test_voucher_close__with_a_reason__closed_and_in_the_history(victim, organiser):
    path = f"/api/v1/vouchers/{victim.fresh_voucher.number}/close"

    response = organiser.post(path, {"closed_on": str(today()), "close_reason": "moved"})

    assert response.status_code == 200, response.content
    assert response.json()["closed_on"] == str(today()) and response.json()["state"] == "suljettu"
    assert VoucherChange.objects.get(voucher=victim.fresh_voucher, kind="closed").close_reason == "moved"
    again = organiser.post(path, {"closed_on": str(today()), "close_reason": "moved"})
    assert again.status_code == 422 and again.json()["code"] == "already_closed"


def test_voucher_close__other_without_words__422(victim, organiser):
    response = organiser.post(f"/api/v1/vouchers/{victim.fresh_voucher.number}/close",
                              {"closed_on": str(today()), "close_reason": "other"})

    assert response.status_code == 422 and response.json()["field"] == "reason"
    assert Voucher.objects.get(pk=victim.fresh_voucher.pk).closed_on is None


# --- access -----------------------------------------------------------------------------------------------

GRANT_ROUTES = [name for name, route in API_ROUTES.items() if route.organiser_only]


def test_grant_routes__a_providers_key__404_on_every_route_as_an_unknown_address(victim, client):
    secret = make_key(victim.provider_b_admin)  # every scope a provider's key may hold
    unknown = client.get("/api/v1/ei-ole", headers={"Authorization": f"Bearer {secret}"}).json()
    assert len(GRANT_ROUTES) == 6
    for name in GRANT_ROUTES:
        route = API_ROUTES[name]
        path = reverse(f"{NAMESPACE}{name}", kwargs=route.kwargs(victim))
        body = json.dumps(route.body(victim) if route.body else {}, default=str)
        send = {"GET": lambda: client.get(path, route.query(victim), headers={"Authorization": f"Bearer {secret}"}),
                "POST": lambda: client.post(path, body, content_type="application/json",
                                            headers={"Authorization": f"Bearer {secret}"}),
                "PATCH": lambda: client.patch(path, body, content_type="application/json",
                                              headers={"Authorization": f"Bearer {secret}"})}[route.method]
        response = send()
        assert response.status_code == 404, (name, response.content)
        assert response.json() == unknown, name


def test_grant_routes__an_organisers_key_without_the_scope__403(victim, organiser, api):
    secret = make_key(victim.organiser_y_admin, scopes=["read"], name="Vain luku")

    response = api(secret).post("/api/v1/vouchers", _decision(victim))

    assert response.status_code == 403 and response.json()["code"] == "scope_missing"


def test_api_key__a_provider_never_holds_grants__service_form_and_database(victim):
    with pytest.raises(DomainError) as refused:
        api_key_create(user=victim.provider_b_admin, name="Kassa", scopes=["read", "grants"])
    assert refused.value.code == "scope_invalid"

    key, _ = api_key_create(user=victim.provider_b_admin, name="Kassa", scopes=["read"])
    with pytest.raises(DomainError):
        api_key_update(user=victim.provider_b_admin, key_id=key.pk, name="Kassa", scopes=["grants"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiKey.objects.filter(pk=key.pk).update(scopes=["read", "grants"])

    assert "grants" not in dict(ApiKeyForm(organiser=False).fields["oikeudet"].choices)
    assert "grants" in dict(ApiKeyForm(organiser=True).fields["oikeudet"].choices)


def test_api_key__grants_in_words(victim):
    key, _ = api_key_create(user=victim.organiser_y_admin, name="Lifecare", scopes=["grants"])

    assert key.scope_labels == [str(Scope.GRANTS.label)]
    assert "myöntäminen" in key.scope_labels[0]
