"""The access matrix: every URL of the resolver × everyone who is not entitled to the objects in it.

Objects belong to provider B and organiser Y (tests/security/urlmap.py builds them). Each outsider —
anonymous, provider A's admin and recorder, a user of provider C, organiser X's staff and admin —
requests every URL with those objects, as a page and as an htmx fragment, by GET and by POST (the
POST body is one that succeeds for the entitled user). Each answer must be a login redirect, 403,
404, 405 or the lookup's own "not found"; none may show the customer's name or henkilötunnus;
nothing may be written and no read of the customer may be logged. The entitled users' own requests
are the positive control: the same pages answer them, show the customer, and the same bodies write.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from audit.models import AuditEntry
from events.models import Event
from organisations.permissions import can_make_reservations, can_manage_organisation
from reservations.models import Reservation
from tests.factories import VoucherFactory
from tests.security.urlmap import (
    NOT_FOUND_TEXT,
    ROUTES,
    CustomerSession,
    answer_text,
    build_victim,
    htmx_headers,
    missing_from_registry,
    product_urls,
    state,
    url_of,
)

pytestmark = pytest.mark.django_db

GARBAGE = {"roskaa": "'; DROP TABLE vouchers_voucher; --", "numero": "../../etc/passwd", "id": "-1"}


@pytest.fixture
def victim():
    return build_victim()


def _reads_of(victim) -> int:
    return AuditEntry.objects.filter(customer_id=victim.customer.pk, action=AuditEntry.Action.READ).count()


def _requests(route, victim):
    """(method, query, data, headers) for one URL: each query as a page, the first as a fragment,
    and the entitled user's own body (or garbage) posted as a page and as a fragment."""
    queries = route.queries(victim)
    fragment = htmx_headers(route.hx_target(victim))
    body = route.post(victim) if route.post is not None else GARBAGE
    for query in queries:
        yield "GET", query, None, {}
    yield "GET", queries[0], None, fragment
    yield "POST", None, body, {}
    yield "POST", None, body, fragment
    if route.post is not None:
        yield "POST", None, {}, {}


def _send(client, method, path, query, data, headers):
    if method == "GET":
        return client.get(path, query, headers=headers)
    return client.post(path, data, headers=headers)


def _is_login_redirect(response) -> bool:
    """A redirect to the login page: a 302, or for an htmx request an empty answer with HX-Redirect
    (psop.middleware.HtmxLoginRedirectMiddleware), which htmx follows as a whole page."""
    if response.status_code == 302:
        return response["Location"].startswith(reverse("login"))
    return response.status_code == 200 and response.get("HX-Redirect", "").startswith(reverse("login")) and not response.content


def _judge(*, route, role, response) -> str | None:
    """Why this answer to an outsider is wrong, or None."""
    status = response.status_code
    if status >= 500:
        return f"answered {status}"
    if route.scope == "public":
        return None
    if route.scope == "api":  # the REST API takes a key, never a session (tests/api walks it with keys)
        return None if status in (401, 405) else f"answered {status} to a session"
    if role == "anonymous" or role.startswith("customer"):
        return None if _is_login_redirect(response) or status == 405 else f"anonymous got {status}, not a login redirect"
    if status in (403, 404, 405):
        return None
    if status == 200 and route.scope == "list":
        return None  # the user's own list; the leak check below decides
    if status == 302 and route.scope == "list" and response["Location"].split("?")[0] == response.wsgi_request.path:
        return None  # the user's own list again (a search sent by POST is shown at its own address)
    if status == 200 and NOT_FOUND_TEXT in answer_text(response):
        return None
    return f"answered {status}" + (f" -> {response['Location']}" if status in (301, 302) else "")


def test_every_url_of_the_resolver_is_in_the_access_matrix():
    missing = missing_from_registry()
    assert not missing, "\n".join(missing)


def test_the_access_matrix_names_no_url_that_does_not_exist():
    names = {url.name for url in product_urls()}
    stale = sorted(set(ROUTES) - names)
    assert not stale, f"remove from the access matrix (no such URL in the resolver): {stale}"


def run_matrix(client, victim, urls, roles) -> tuple[list[str], int, int]:
    """Every URL as every role: (problems, checks, requests)."""
    problems, checks, requests = [], 0, 0
    for role, user in roles.items():
        for url in urls:
            route = ROUTES[url.name]
            path = url_of(url, victim)
            checks += 1
            for method, query, data, headers in _requests(route, victim):
                requests += 1
                what = f"{method} {path}{'?' + str(query) if query else ''}{' (htmx)' if headers else ''} as {role}"
                if user is None:
                    client.logout()
                elif isinstance(user, CustomerSession):
                    user.enter(client)
                else:
                    client.force_login(user)
                try:
                    with transaction.atomic():
                        before, reads_before = state(), _reads_of(victim)
                        response = _send(client, method, path, query, data, headers)
                        after, reads_after = state(), _reads_of(victim)
                        transaction.set_rollback(True)
                except Exception as error:  # noqa: BLE001 - a crash is a finding, reported with the rest
                    problems.append(f"{what}: crashed: {error!r}")
                    continue
                verdict = _judge(route=route, role=role, response=response)
                if verdict:
                    problems.append(f"{what}: {verdict}")
                text = answer_text(response)
                # What the request itself typed (a search for the name) comes back in the search box.
                typed = " ".join(str(value) for value in {**(query or {}), **(data or {})}.values())
                leaked = [secret for secret in victim.secrets if secret in text and secret not in typed]
                if leaked:
                    problems.append(f"{what}: the answer shows {leaked}")
                if after != before:
                    problems.append(f"{what}: wrote to the database")
                if reads_after != reads_before:
                    problems.append(f"{what}: logged a read of the customer's data")
    return problems, checks, requests


def test_access_matrix__outsiders_get_nothing_of_someone_elses_objects(client, victim, capsys):
    urls = product_urls()
    missing = missing_from_registry(urls)
    assert not missing, "\n".join(missing)
    roles = victim.outsiders

    problems, checks, requests = run_matrix(client, victim, urls, roles)

    with capsys.disabled():
        print(f"\naccess matrix: {len(urls)} URLs x {len(roles)} roles = {checks} checks ({requests} requests)")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_access_matrix__a_customer_gets_nothing_of_another_persons_vouchers_nor_any_staff_page(client, victim, capsys):
    """The customer role (issue 25): a strongly identified customer with vouchers of their own, and a
    person with none, are anonymous to every staff page (a login redirect) and see nothing of the
    victim anywhere, their own page included."""
    other = VoucherFactory(organiser=victim.organiser_y, service=victim.reservation.voucher.service)
    roles = {"customer (another person)": CustomerSession(other.customer_id),
             "customer (no vouchers)": CustomerSession(None)}
    problems, checks, requests = run_matrix(client, victim, product_urls(), roles)
    with capsys.disabled():
        print(f"\ncustomer matrix: {checks} checks ({requests} requests)")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_access_matrix__catches_a_missing_permission_check(client, victim, monkeypatch):
    """The matrix's own test: with the reservation selectors' provider filter gone, it fails."""
    from reservations import selectors, views

    def everything(user):
        return Reservation.objects.select_related("voucher__customer", "voucher__service", "voucher_content__content",
                                                  "provider", "unit", "created_by")

    monkeypatch.setattr(selectors, "reservations_for_user", everything)
    monkeypatch.setattr(views, "reservations_for_user", everything)  # the list filters what it reads
    urls = [url for url in product_urls() if url.name in ("reservations:list", "reservations:detail", "events:vouchers")]
    roles = {"provider admin (A)": victim.outsiders["provider admin (A)"]}

    problems, _, _ = run_matrix(client, victim, urls, roles)

    assert any("/palveluvaraukset/" in p and "shows" in p for p in problems), problems


def test_access_matrix__positive_control__entitled_users_see_and_change_their_objects(client, victim):
    """The matrix cannot pass by everything being broken: B's admin and Y's staff get the pages,
    see the customer where the page shows one, and the bodies the outsiders replayed do write."""
    problems = []
    for url in product_urls():
        route = ROUTES[url.name]
        if route.scope in ("public", "api"):
            continue  # the API's positive control is tests/api/test_api_access_matrix.py, with keys
        path = url_of(url, victim)
        client.force_login(victim.entitled(route.entitled))
        response = client.get(path, route.queries(victim)[0])
        if response.status_code == 405:
            if route.post is None:
                problems.append(f"GET {path}: 405 but the matrix has no body to POST")
        elif response.status_code != 200:
            problems.append(f"GET {path} as {route.entitled}: {response.status_code}")
        elif route.shows_customer and victim.customer.last_name not in answer_text(response):
            problems.append(f"GET {path} as {route.entitled}: the customer's name is not shown")
        if route.post is None:
            continue
        with transaction.atomic():
            before = state()
            response = client.post(path, route.post(victim))
            after = state()
            transaction.set_rollback(True)
        if (route.post_writes and after == before) or response.status_code not in (200, 302):
            problems.append(f"POST {path} as {route.entitled}: {response.status_code}, wrote: {after != before}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "path",
    ["/admin/", "/admin/vouchers/customer/", "/admin/reservations/reservation/", "/admin/customers/customership/"],
)
def test_admin__non_staff_organisation_users__redirected_to_the_admin_login(client, victim, path):
    users = [u for u in victim.outsiders.values() if u is not None]
    users += [victim.provider_b_admin, victim.organiser_y_staff, victim.organiser_y_admin]
    for user in users:
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 302, (user.username, response.status_code)
        assert response["Location"].startswith(reverse("admin:login")), response["Location"]
        assert victim.customer.last_name not in answer_text(response)


def test_admin_urls_exist_so_the_admin_test_checks_real_changelists():
    for name in ("admin:vouchers_customer_changelist", "admin:reservations_reservation_changelist",
                 "admin:customers_customership_changelist"):
        reverse(name)


def test_recorder__records_events_but_does_not_manage_the_organisation_nor_reserve(client, victim):
    """Managing users, units and offices (organisaatio/...) is for admins: the rule lives in
    can_manage_organisation; a recorder of the very provider gets 404 on every such page."""
    assert can_manage_organisation(victim.provider_b_admin) is True
    assert can_manage_organisation(victim.organiser_y_admin) is True
    assert can_manage_organisation(victim.provider_b_recorder) is False
    assert can_manage_organisation(victim.organiser_y_staff) is False
    assert can_make_reservations(victim.provider_b_recorder) is False

    management = [url.name for url in product_urls() if url.route.startswith("organisaatio/")]
    assert management, "the organisation's management pages are under organisaatio/"
    client.force_login(victim.provider_b_recorder)
    for name in management:
        path = reverse(name, kwargs=ROUTES[name].kwargs(victim))
        assert client.get(path).status_code == 404, name

    client.force_login(victim.provider_b_recorder)
    reservation = victim.reservation
    events = Event.objects.count()
    route = ROUTES["events:create"]
    response = client.post(reverse("events:create", args=[reservation.pk]), route.post(victim))
    assert response.status_code == 302
    assert Event.objects.count() == events + 1

    before = state()
    create = reverse("reservations:create", args=[victim.fresh_voucher.number])
    response = client.post(create, ROUTES["reservations:create"].post(victim))
    assert "Sinulla ei ole oikeutta tehdä palveluvarauksia" in response.content.decode()
    assert state() == before


# Pages that show customers' names but log the read of themselves instead (issue 13, item 17: the
# log's own reads are not customer reads): the code each writes.
LOGGED_AS_ITSELF = {"vouchers:audit_log": "audit_search"}


def test_access_matrix__every_answer_showing_the_customer_logs_a_read(client, victim):
    """Issue 14, item 5: the entitled users' answers, as pages and fragments, by GET, by the body that
    succeeds, by an empty body (refused) and by the body sent twice (approving twice is refused):
    whichever shows the customer's name has written a read of that customer."""
    problems = []
    for url in product_urls():
        route = ROUTES.get(url.name)
        if route is None or route.scope == "public":
            continue  # a URL missing from the matrix fails test_every_url_of_the_resolver_is_in_the_access_matrix
        path = url_of(url, victim)
        client.force_login(victim.entitled(route.entitled))
        fragment = htmx_headers(route.hx_target(victim))
        sends = [("GET", route.queries(victim)[0], None, {}), ("GET", route.queries(victim)[0], None, fragment)]
        if route.post is not None:
            for headers in ({}, fragment):
                sends += [("POST", None, route.post(victim), headers), ("POST", None, {}, headers)]
        for method, query, data, headers in sends:
            with transaction.atomic():
                reads_before, last = _reads_of(victim), AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
                response = _send(client, method, path, query, data, headers)
                if method == "POST" and data:  # the same body again: refused or idempotent, still logged
                    reads_before = _reads_of(victim)
                    response = _send(client, method, path, query, data, headers)
                reads_after = _reads_of(victim)
                own_rows = AuditEntry.objects.filter(pk__gt=last or 0, code=LOGGED_AS_ITSELF.get(url.name, "-")).exists()
                transaction.set_rollback(True)
            if victim.customer.last_name in answer_text(response) and reads_after == reads_before and not own_rows:
                problems.append(f"{method} {path}{' (htmx)' if headers else ''} {data or ''}: shows the customer, no read logged")
    assert not problems, "\n".join(problems)
