"""Every page a user can open is in `make bench` (issue 27, item 3): the benchmark's page list
(scripts/bench_pages.py) is compared with the access matrix (tests/security/urlmap.py) and the API's
(tests/api/routes.py), so that no page goes unmeasured again.

A page is a URL of the access matrix that a signed-in user opens (its scope "list" or "object": the
public ones — login, password reset, the second factor's and the API schema's pages — show nothing
that grows with the data) and that answers GET; and every GET operation of the REST API. A POST-only
URL (approve, reject, delete, mark read, "Jatka istuntoa") is an action, not a page. No database: the
benchmark's objects are placeholders that resolve to the same URLs.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from scripts.bench_pages import Objects, pages
from tests.api.routes import API_ROUTES, NAMESPACE
from tests.security.urlmap import ROUTES, product_urls

# Pages of the access matrix the benchmark does not time, each with why. Keep it short: a page that
# can be measured is measured (the exports and the import templates are).
NOT_MEASURED: dict[str, str] = {}

HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}


def allowed_methods(view) -> set[str] | None:
    """The methods a view lets through, read from Django's require_http_methods (require_GET,
    require_POST) at any depth of its decorators, or a class-based view's handlers; None: any."""
    if hasattr(view, "view_class"):
        return {name.upper() for name in view.view_class.http_method_names if hasattr(view.view_class, name)}
    allowed = None
    while view is not None:
        code = getattr(view, "__code__", None)
        if code is not None and code.co_filename.endswith("django/views/decorators/http.py"):
            for name, cell in zip(code.co_freevars, view.__closure__ or (), strict=True):
                if name == "request_method_list":
                    methods = set(cell.cell_contents) & HTTP_METHODS
                    allowed = methods if allowed is None else allowed & methods
        view = getattr(view, "__wrapped__", None)
    return allowed


def pages_to_measure() -> dict[str, str]:
    """URL name -> route of every page a user can open, and every GET operation of the API."""
    wanted = {}
    for url in product_urls():
        route = ROUTES[url.name]
        if route.scope in ("list", "object"):
            methods = allowed_methods(url.view)
            if methods is None or "GET" in methods:
                wanted[url.name] = url.route
        elif route.scope == "api" and API_ROUTES[url.name.removeprefix(NAMESPACE)].method == "GET":
            wanted[url.name] = url.route
    return wanted


def measured() -> tuple[dict[str, list[str]], list[str]]:
    """URL name -> the benchmark's labels that request it; and what is wrong with the list itself (a
    path that resolves nowhere, a ``url_name`` that is not the path's)."""
    routes = {url.name: url.route for url in product_urls()}
    names, problems = {}, []
    for page in pages(Objects.placeholder(total=3), 3, today=dt.date(2026, 1, 15)):
        path = urlsplit(page.request_for(0)[0]).path
        try:
            match = resolve(path)
        except Resolver404:
            problems.append(f"{page.label!r}: {path} is no URL of PSOP")
            continue
        name = page.url_name or match.view_name
        if page.url_name and routes.get(page.url_name) != match.route:
            problems.append(f"{page.label!r}: {path} is {match.route!r}, not {page.url_name}'s route")
        names.setdefault(name, []).append(page.label)
    return names, problems


def test_the_benchmark_measures_every_page_a_user_can_open():
    names, problems = measured()
    missing = [
        f"{name} ({route}): add it to scripts/bench_pages.py, as a user entitled to it"
        for name, route in pages_to_measure().items()
        if name not in names and name not in NOT_MEASURED
    ]
    assert not problems, "\n".join(problems)
    assert not missing, f"{len(missing)} page(s) the benchmark does not measure:\n" + "\n".join(missing)


def test_the_benchmark_measures_the_grant_post_and_the_henkilotunnus_search():
    """Issue 22: a grant in at most 25 queries and 8× the floor, as `make bench-scale` times it."""
    posts = {(page.method, urlsplit(page.request_for(0)[0]).path)
             for page in pages(Objects.placeholder(total=3), 3, today=dt.date(2026, 1, 15))}
    assert ("POST", "/myontaminen/myonna/") in posts
    assert ("POST", "/myontaminen/") in posts


def test_the_exclusions_name_real_pages_the_benchmark_does_not_measure():
    wanted = pages_to_measure()
    names, _problems = measured()
    stale = [name for name in NOT_MEASURED if name not in wanted or name in names]
    assert not stale, f"remove from NOT_MEASURED (no such page, or measured after all): {stale}"


def test_allowed_methods_reads_the_decorators():
    """The test's own test: POST-only views are found, GET views are not taken for actions."""
    views = {url.name: url.view for url in product_urls()}
    assert allowed_methods(views["events:approve"]) == {"POST"}
    assert allowed_methods(views["registers:content_add"]) == {"POST"}  # under organiser_admin_required
    assert allowed_methods(views["grants:grant"]) == {"GET", "POST"}
    assert "GET" in allowed_methods(views["password_change"])  # a class-based view
    wanted = pages_to_measure()
    assert "events:approve" not in wanted and "payments:provider_payments" in wanted
    assert "api-v1:reservation_list" in wanted and "api-v1:reservation_post" not in wanted
