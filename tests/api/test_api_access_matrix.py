"""The access matrix of the REST API: every operation of the resolver × every organisation's key that
is not entitled to the objects (provider A, provider C, organiser X, each with every scope; and
B's or Y's own key without the scope the operation needs) × the objects of provider B and organiser
Y. Each answer must be 401/403/404 (an own list: 200 without the victim), never show the customer,
write nothing and log no read of the customer. The entitled keys are the positive control."""

import json
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.urls import reverse

from api.models import Scope
from audit.models import AuditEntry
from grants.models import VoucherChange
from tests.api.conftest import make_key
from tests.api.routes import API_ROUTES, NAMESPACE, api_urls
from tests.security.urlmap import answer_text, state as pages_state
from vouchers.models import Customer, Voucher, VoucherContent

pytestmark = pytest.mark.django_db

ALL = list(Scope.values)


def state() -> tuple:
    """What no refused request may change: the pages' state and, for granting, what a decision,
    a change or a closing writes (validity, contents, history, customers)."""
    return (
        pages_state(),
        list(Voucher.objects.order_by("pk").values_list("pk", "valid_from", "valid_to", "decision_id")),
        list(VoucherContent.objects.order_by("pk").values_list("pk", "quantity", "amount", "unit_value", "period")),
        VoucherChange.objects.count(),
        Customer.objects.count(),
    )


def _send(client, route, path, secret, victim):
    headers = {"Authorization": f"Bearer {secret}"}
    if route.method == "GET":
        return client.get(path, headers=headers)
    body = json.dumps(route.body(victim), default=str)
    send = client.patch if route.method == "PATCH" else client.post
    return send(path, body, content_type="application/json", headers=headers)


def _path(url, victim) -> str:
    route = API_ROUTES[url.name.removeprefix(NAMESPACE)]
    query = route.query(victim)
    return reverse(url.name, kwargs=route.kwargs(victim)) + (f"?{urlencode(query)}" if query else "")


def _reads_of(victim) -> int:
    return AuditEntry.objects.filter(customer_id=victim.customer.pk, action=AuditEntry.Action.READ).count()


def _outsider_keys(victim) -> dict[str, str]:
    keys = {
        "provider A's key": make_key(victim.outsiders["provider admin (A)"]),
        "provider C's key": make_key(victim.outsiders["user of another provider (C)"]),
        "organiser X's key": make_key(victim.outsiders["organiser admin (X)"]),
    }
    for scope in ALL:
        others = [s for s in ALL if s != scope]
        keys[f"provider B's key without {scope}"] = make_key(victim.provider_b_admin, scopes=others, name=f"B-{scope}")
        keys[f"organiser Y's key without {scope}"] = make_key(victim.organiser_y_admin, scopes=others, name=f"Y-{scope}")
    return keys


def test_every_api_operation_is_in_the_matrix():
    names = {url.name.removeprefix(NAMESPACE) for url in api_urls()}
    assert names == set(API_ROUTES), f"missing: {sorted(names - set(API_ROUTES))}, stale: {sorted(set(API_ROUTES) - names)}"


def test_api_access_matrix__other_organisations_keys_get_nothing_of_someone_elses_objects(client, victim, capsys):
    keys = _outsider_keys(victim)

    problems, requests = run_api_matrix(client, victim, keys, api_urls())

    with capsys.disabled():
        print(f"\nAPI access matrix: {len(api_urls())} operations x {len(keys)} keys ({requests} requests)")
    assert requests >= 5 * len(API_ROUTES)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def run_api_matrix(client, victim, keys, urls) -> tuple[list[str], int]:
    missing_number = client.get(reverse("api-v1:voucher_get", kwargs={"number": "99999999"}),
                                headers={"Authorization": f"Bearer {keys[next(iter(keys))]}"}).content
    problems, requests = [], 0
    for url in urls:
        name = url.name.removeprefix(NAMESPACE)
        route = API_ROUTES[name]
        path = _path(url, victim)
        for who, secret in keys.items():
            lacks_scope = who.endswith(f"without {route.scope}")
            provider_key = who.startswith("provider")
            own_organisation = who.startswith(("organiser Y",) if route.organiser_only else ("provider B", "organiser Y"))
            if own_organisation and not lacks_scope:
                continue  # B's or Y's key with the scope: entitled to its own objects (the positive control)
            requests += 1
            what = f"{route.method} {path} with {who}"
            with transaction.atomic():
                before, reads_before = state(), _reads_of(victim)
                response = _send(client, route, path, secret, victim)
                after, reads_after = state(), _reads_of(victim)
                transaction.set_rollback(True)
            status = response.status_code
            # Another organiser's search finds the person, as its own logged read, but none of Y's vouchers.
            own_search = route.kind == "search" and not provider_key
            if route.organiser_only and provider_key:
                if status != 404 or response.json().get("code") != "not_found":
                    problems.append(f"{what}: {status}, not 404 for a provider's key")
            elif lacks_scope:
                if status != 403 or response.json().get("code") != "scope_missing":
                    problems.append(f"{what}: {status}, not 403 scope_missing")
            elif route.kind == "object" and status not in (403, 404):
                problems.append(f"{what}: answered {status}")
            elif route.kind == "list" and status != 200:
                problems.append(f"{what}: answered {status} to its own list")
            elif route.kind == "create" and status not in (200, 403, 404, 422):
                problems.append(f"{what}: answered {status}")
            elif own_search and (status != 200 or response.json()["vouchers"]):
                problems.append(f"{what}: {status}, not 200 without the other organiser's vouchers")
            if name == "voucher_get" and status == 404 and response.content != missing_number:
                problems.append(f"{what}: a not-found unlike a number that does not exist")
            text = answer_text(response)
            leaked = [secret for secret in victim.secrets if secret in text]
            if leaked and not own_search:
                problems.append(f"{what}: the answer shows {leaked}")
            if after != before:
                problems.append(f"{what}: wrote to the database")
            if reads_after != reads_before and not own_search:
                problems.append(f"{what}: logged a read of the customer's data")
    return problems, requests


def test_api_access_matrix__positive_control__entitled_keys_get_and_change_their_objects(client, victim):
    keys = {"provider": make_key(victim.provider_b_admin), "organiser": make_key(victim.organiser_y_admin)}
    problems = []
    for url in api_urls():
        route = API_ROUTES[url.name.removeprefix(NAMESPACE)]
        path = _path(url, victim)
        with transaction.atomic():
            before, reads_before = state(), _reads_of(victim)
            response = _send(client, route, path, keys[route.entitled], victim)
            after, reads_after = state(), _reads_of(victim)
            transaction.set_rollback(True)
        if response.status_code != route.status:
            problems.append(f"{route.method} {path}: {response.status_code} {response.content[:300]!r}")
        if route.method in ("POST", "PATCH") and not route.reads_only and after == before:
            problems.append(f"POST {path}: wrote nothing")
        if route.shows_customer and (victim.customer.last_name not in answer_text(response) or reads_after == reads_before):
            problems.append(f"{path}: the customer is not shown, or the read is not logged")
    assert not problems, "\n".join(problems)


def test_api_access_matrix__catches_a_missing_check(client, victim, monkeypatch):
    """The matrix's own test: with the lookup's gate gone, provider A's key sees B's voucher."""
    from api.routers import vouchers
    from vouchers.models import Voucher

    monkeypatch.setattr(vouchers, "voucher_lookup", lambda *, user, number: Voucher.objects.filter(number=number).first())
    keys = {"provider A's key": make_key(victim.outsiders["provider admin (A)"])}
    urls = [url for url in api_urls() if url.name == f"{NAMESPACE}voucher_get"]

    problems, _ = run_api_matrix(client, victim, keys, urls)

    assert any("answered 200" in p for p in problems) and any("shows" in p for p in problems), problems
