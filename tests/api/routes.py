"""The REST API's operations, from the URL resolver, and how the keys' access matrix calls each one
with the objects of provider B and organiser Y (tests/security/urlmap.py's victim)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from core.dates import today
from tests.security.urlmap import Victim, _none, _payment_run, product_urls

NAMESPACE = "api-v1:"
# Public: the schema and its docs (no data), django-ninja's root and the JSON 404 of any other address.
PUBLIC = {"openapi-json", "openapi-view", "api-root", "unknown"}


@dataclass(frozen=True)
class ApiRoute:
    """``method``; ``kwargs`` (path parameters from the victim); ``body`` that succeeds for the
    entitled key; ``scope`` the key needs; ``kind``: "object" (someone else's object: 403/404
    and nothing else) or "list" (the key's own rows: 200 is fine, the leak check decides);
    ``entitled``: whose key succeeds ("provider" B, "organiser" Y); ``shows_customer``: the entitled
    answer names the customer."""

    method: str
    scope: str = "read"
    kwargs: Callable[[Victim], dict] = _none
    body: Callable[[Victim], dict] | None = None
    kind: str = "object"
    entitled: str = "provider"
    shows_customer: bool = False
    status: int = 200
    # Granting (issue 22): the operation is an organiser's only: every provider's key gets 404.
    organiser_only: bool = False
    # A POST that reads and writes nothing (the customer lookup: the henkilötunnus stays out of URLs).
    reads_only: bool = False
    query: Callable[[Victim], dict] = _none


def _day(days: int) -> str:
    return (today() + dt.timedelta(days=days)).isoformat()


def _event(v: Victim, client_id=None) -> dict:
    return {"reservation_id": v.reservation.pk, "date": _day(-2), "quantity": "1", "note": "kirjaus", "client_id": client_id}


DECISION_ID = "Y-päätös/2026-0001"  # on the victim's fresh voucher (tests/api/conftest.py)


def _decision(v: Victim, decision_id="Y-uusi-1") -> dict:
    """A decision of organiser Y for the victim's customer, of the service only Y grants."""
    return {
        "customer": {"henkilotunnus": v.customer.henkilotunnus}, "service_id": v.grant_service.pk,
        "contents": [{"content_id": v.grant_content.pk, "quantity": "20", "unit_value": "30.00", "period": "month"}],
        "valid_from": _day(0), "valid_to": _day(180), "decision_number": "2026/1", "decision_date": _day(-1),
        "decision_id": decision_id,
    }


def _fresh(v: Victim) -> dict:
    return {"number": v.fresh_voucher.number}


# Granting: "object" routes act on Y's voucher (X's key: 404); "create" routes make something new of
# the key's own organiser (X's key: refused, as it does not grant Y's service, and nothing read);
# "search" finds a person for any organiser (X's key: the person, none of Y's vouchers).
GRANT = {"scope": "grants", "entitled": "organiser", "organiser_only": True}

API_ROUTES: dict[str, ApiRoute] = {
    "voucher_get": ApiRoute("GET", "read", kwargs=lambda v: {"number": v.fresh_voucher.number}, shows_customer=True),
    "reservation_post": ApiRoute(
        "POST", "reserve", status=201,
        body=lambda v: {"voucher_number": v.fresh_voucher.number, "content_id": v.fresh_voucher.contents.get().pk,
                        "terms_accepted": True, "event_text": "aamuisin"},
    ),
    "reservation_list": ApiRoute("GET", "read", kind="list"),
    "event_post": ApiRoute("POST", "events", body=_event, status=201),
    "event_bulk": ApiRoute("POST", "events", kind="list", body=lambda v: {"events": [_event(v, "b-1"), _event(v, "b-2")]}),
    "event_list": ApiRoute("GET", "read", kind="list"),
    "customership_post": ApiRoute(
        "POST", "reserve", status=201,
        body=lambda v: {"voucher_number": v.fresh_capitation.number, "office_id": v.office_b.pk, "approvals_accepted": True},
    ),
    "customership_end": ApiRoute(
        "POST", "reserve", kwargs=lambda v: {"customership_id": v.customership.pk},
        body=lambda v: {"end_date": _day(0), "reason": "muutto"},
    ),
    "payment_list": ApiRoute("GET", "payments", kind="list", entitled="organiser"),
    "payment_lines": ApiRoute("GET", "payments", kwargs=lambda v: {"run_id": _payment_run(v).pk}, entitled="organiser"),
    "voucher_grant": ApiRoute("POST", body=_decision, kind="create", shows_customer=True, status=201, **GRANT),
    "voucher_grant_bulk": ApiRoute(
        "POST", body=lambda v: {"decisions": [_decision(v, "Y-uusi-1"), _decision(v, "Y-uusi-2")]}, kind="create", **GRANT),
    "voucher_by_decision": ApiRoute("GET", query=lambda v: {"decision_id": DECISION_ID}, shows_customer=True, **GRANT),
    "voucher_change": ApiRoute(
        "PATCH", kwargs=_fresh, **GRANT,
        body=lambda v: {"reason": "Tarve jatkuu", "valid_to": (v.fresh_voucher.valid_to + dt.timedelta(days=30)).isoformat()},
    ),
    "voucher_close": ApiRoute("POST", kwargs=_fresh, body=lambda v: {"closed_on": _day(0), "close_reason": "need_ended"},
                              **GRANT),
    "customer_lookup": ApiRoute("POST", body=lambda v: {"henkilotunnus": v.customer.henkilotunnus}, kind="search",
                                shows_customer=True, reads_only=True, **GRANT),
}


def api_urls():
    """The API's operations in the resolver (names without the namespace), but the public ones."""
    return [url for url in product_urls() if url.name and url.name.startswith(NAMESPACE)
            and url.name.removeprefix(NAMESPACE) not in PUBLIC]
