import os

import pytest

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in the test thread; the ORM calls made
# by the tests themselves are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """The test database is created, migrated (and at the end dropped) by the owner role..."""
    from psop import db_roles

    if db_roles.app_role():
        db_roles.use_role("owner")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """...and the tests run as the application role, as the web and worker processes do
    (psop/db_roles.py): what it may not do fails here too. flush runs as the owner."""
    from psop import db_roles

    if not db_roles.app_role():
        yield
        return
    with django_db_blocker.unblock():
        db_roles.use_role("app")
    yield
    with django_db_blocker.unblock():
        db_roles.use_role("owner")


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """A test marked ``db_owner`` (DDL such as load_scale's) runs as the owner role: switched before
    pytest-django opens the test's transaction, switched back after it is rolled back."""
    if fixturedef.argname == "_django_db_helper" and request.node.get_closest_marker("db_owner"):
        from psop import db_roles

        if db_roles.app_role():
            db_roles.use_role("owner")
            fixturedef.addfinalizer(lambda: db_roles.use_role("app"))
    return (yield)


@pytest.fixture(scope="session", autouse=True)
def _media_root(tmp_path_factory):
    """Uploaded files, load_demo's application attachment among them, go to a directory of the
    session's own, never to the project's media/ (tests/applications gives each test its own)."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture
def login(client):
    """Log the test client in as ``user``."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module. Per module, not per session: while Playwright's sync API is
    started, its event loop counts as running in the test thread, and code that calls
    ``async_to_sync`` (procrastinate deferring a job) refuses to run there. pytest-django runs a
    module's browser tests (transactional) after its other tests, so with the browser stopped at
    the module's end no other module's test runs beside the loop, in whatever order pytest-xdist
    hands the modules to a worker."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM} (make test installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def browser_login(page):
    """Log in through the login form, as a person would."""

    def _login(username, password=PASSWORD):
        page.goto("/kirjaudu/")
        page.get_by_label("Käyttäjätunnus").fill(username)
        page.get_by_label("Salasana").fill(password)
        page.get_by_role("button", name="Kirjaudu", exact=True).click()
        page.wait_for_url("**/asiakas/")
        return page

    return _login


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, with the second factor the Django admin asks (identity.middleware)."""
    from tests.factories import login_with_second_factor

    login_with_second_factor(client, admin_user)
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing with the production hasher costs ~0.3 s per user; tests need no such strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(autouse=True)
def procrastinate_jobs(request):
    """Background jobs go to procrastinate's in-memory connector in tests: nothing reaches a
    worker unless a test runs the jobs (``run_jobs``). Tests marked ``real_jobs`` queue them in
    the test database instead, for a real worker process."""
    from procrastinate.contrib.django import app
    from procrastinate.testing import InMemoryConnector

    if request.node.get_closest_marker("real_jobs"):
        yield None
        return
    connector = InMemoryConnector()
    with app.replace_connector(connector):
        yield connector


def run_queued_jobs(connector) -> int:
    """Run every waiting job in this thread, as a worker would (jobs they queue run too), and
    return how many ran. In this thread the jobs see the test's own transaction."""
    from procrastinate.contrib.django import app

    ran = 0
    while waiting := [job for job in connector.jobs.values() if job["status"] == "todo"]:
        for job in waiting:
            job["status"] = "doing"
            try:
                app.tasks[job["task_name"]](**job["args"])
            except Exception:
                job["status"] = "failed"
                raise
            job["status"] = "succeeded"
            ran += 1
    return ran


@pytest.fixture
def run_jobs(procrastinate_jobs):
    return lambda: run_queued_jobs(procrastinate_jobs)
