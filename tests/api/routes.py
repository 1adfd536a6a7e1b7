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
    scope: str
    kwargs: Callable[[Victim], dict] = _none
    body: Callable[[Victim], dict] | None = None
    kind: str = "object"
    entitled: str = "provider"
    shows_customer: bool = False
    status: int = 200


def _day(days: int) -> str:
    return (today() + dt.timedelta(days=days)).isoformat()


def _event(v: Victim, client_id=None) -> dict:
    return {"reservation_id": v.reservation.pk, "date": _day(-2), "quantity": "1", "note": "kirjaus", "client_id": client_id}


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
}


def api_urls():
    """The API's operations in the resolver (names without the namespace), but the public ones."""
    return [url for url in product_urls() if url.name and url.name.startswith(NAMESPACE)
            and url.name.removeprefix(NAMESPACE) not in PUBLIC]
