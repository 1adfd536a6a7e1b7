"""Sessions end after 30 minutes without activity and 12 hours after signing in, whatever the
activity; a dialog warns two minutes before the idle timeout (issue 21, item 6; psop.sessions)."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from playwright.sync_api import expect

from psop.sessions import ACTIVE, STARTED
from tests.factories import PASSWORD, ProviderFactory, provider_user
from tests.test_settings import manage

LOGIN = "/kirjaudu/"
PAGE = "/palveluvaraukset/"
STATUS = "/istunto/"
CONTINUE = "/istunto/jatka/"
IDLE_MESSAGE = "Istuntosi päättyi, koska et käyttänyt palvelua 30 minuuttiin."
ABSOLUTE_MESSAGE = "Istuntosi päättyi 12 tunnin enimmäisajan jälkeen. Kirjaudu uudelleen."


@pytest.fixture
def user(db):
    return provider_user(ProviderFactory(), username="istuja")


@pytest.fixture
def signed_in(client, user):
    """A client signed in, its session stamped by a first request."""
    client.force_login(user)
    assert client.get(PAGE).status_code == 200
    return client


def set_clock(client, *, started_ago: float, active_ago: float) -> None:
    session = client.session
    now = time.time()
    session[STARTED], session[ACTIVE] = int(now - started_ago), int(now - active_ago)
    session.save()


def stamps(client) -> tuple[int, int]:
    session = client.session
    return session[STARTED], session[ACTIVE]


# --- the server's rule ----------------------------------------------------------------------------


def test_first_request_of_a_signed_in_session__start_and_activity_recorded(client, user):
    client.force_login(user)
    client.get(PAGE)
    started, active = stamps(client)
    assert started == active and abs(started - time.time()) < 5


def test_login_form__the_session_starts_at_the_login(client, user):
    response = client.post(LOGIN, {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    started, active = stamps(client)
    assert started == active and abs(started - time.time()) < 5


def test_a_click_within_30_minutes__counts_as_activity(signed_in):
    set_clock(signed_in, started_ago=3600, active_ago=29 * 60)
    assert signed_in.get(PAGE).status_code == 200
    started, active = stamps(signed_in)
    assert abs(active - time.time()) < 5
    assert abs(started - (time.time() - 3600)) < 5  # the start stays


def test_idle_30_minutes__logged_out_to_login_with_next_and_the_idle_message(signed_in):
    set_clock(signed_in, started_ago=3600, active_ago=30 * 60 + 1)
    response = signed_in.get(PAGE + "?haku=1001")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/palveluvaraukset/%3Fhaku%3D1001"
    login_page = signed_in.get(response["Location"])
    assert IDLE_MESSAGE in login_page.content.decode()
    assert not login_page.wsgi_request.user.is_authenticated
    assert signed_in.get(PAGE).status_code == 302  # still signed out: the session is gone


def test_12_hours_after_signing_in__logged_out_with_the_absolute_message_despite_activity(signed_in):
    set_clock(signed_in, started_ago=12 * 3600 + 1, active_ago=10)
    response = signed_in.get(PAGE, follow=True)
    assert response.redirect_chain == [(f"{LOGIN}?next=/palveluvaraukset/", 302)]
    assert ABSOLUTE_MESSAGE in response.content.decode()
    assert IDLE_MESSAGE not in response.content.decode()


def test_idle_timeout_in_swedish__the_message_in_swedish(signed_in):
    signed_in.cookies["django_language"] = "sv"
    set_clock(signed_in, started_ago=3600, active_ago=30 * 60 + 1)
    response = signed_in.get(PAGE, follow=True)
    assert "Din session avslutades eftersom du inte använde tjänsten på 30 minuter." in response.content.decode()


def test_expired_post__nothing_done_login_instead(signed_in):
    set_clock(signed_in, started_ago=3600, active_ago=31 * 60)
    response = signed_in.post(reverse("notifications:mark_read"), {"viimeisin": "1"})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_htmx_request_after_the_idle_timeout__hx_redirect_to_login_with_the_current_page(signed_in):
    set_clock(signed_in, started_ago=3600, active_ago=31 * 60)
    response = signed_in.get(PAGE, headers={"HX-Request": "true", "HX-Target": "panel",
                                             "HX-Current-URL": "http://testserver/ostovoimat/?haku=1005"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{LOGIN}?next=%2Fostovoimat%2F%3Fhaku%3D1005"
    assert IDLE_MESSAGE in signed_in.get(response["HX-Redirect"]).content.decode()


def test_htmx_background_request__not_activity_and_still_ended_when_idle(signed_in):
    background = {"HX-Request": "true", "HX-Target": "panel", "PSOP-Background": "true",
                  "HX-Current-URL": "http://testserver/palveluvaraukset/"}
    set_clock(signed_in, started_ago=3600, active_ago=20 * 60)
    _, before = stamps(signed_in)
    assert signed_in.get(PAGE, headers=background).status_code == 200
    assert stamps(signed_in)[1] == before

    set_clock(signed_in, started_ago=3600, active_ago=30 * 60 + 1)
    response = signed_in.get(PAGE, headers=background)
    assert response["HX-Redirect"] == f"{LOGIN}?next=%2Fpalveluvaraukset%2F"


def test_htmx_request_the_person_made__counts_as_activity(signed_in):
    set_clock(signed_in, started_ago=3600, active_ago=20 * 60)
    signed_in.get(PAGE, headers={"HX-Request": "true", "HX-Target": "panel"})
    assert abs(stamps(signed_in)[1] - time.time()) < 5


# --- the dialog's endpoints -------------------------------------------------------------------------


def test_status__seconds_left_and_not_activity(signed_in):
    set_clock(signed_in, started_ago=3600, active_ago=20 * 60)
    _, before = stamps(signed_in)
    response = signed_in.get(STATUS)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    clock = response.json()
    assert 595 <= clock["idle_left"] <= 600
    assert 11 * 3600 - 5 <= clock["absolute_left"] <= 11 * 3600
    assert clock["seconds_left"] == clock["idle_left"]
    assert stamps(signed_in)[1] == before


def test_status__absolute_limit_nearer__seconds_left_by_it(signed_in):
    set_clock(signed_in, started_ago=12 * 3600 - 100, active_ago=0)
    assert 95 <= signed_in.get(STATUS).json()["seconds_left"] <= 100


def test_status_after_the_timeout__logged_out_and_the_login_page_says_why(signed_in):
    set_clock(signed_in, started_ago=3600, active_ago=30 * 60 + 1)
    response = signed_in.get(STATUS)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert IDLE_MESSAGE in signed_in.get(LOGIN).content.decode()


def test_status_anonymous__login_redirect(client, db):
    assert client.get(STATUS)["Location"].startswith(LOGIN)


def test_continue__the_idle_time_starts_again_not_the_absolute_one(signed_in):
    set_clock(signed_in, started_ago=3600, active_ago=29 * 60)
    response = signed_in.post(CONTINUE)
    assert response.status_code == 200
    clock = response.json()
    assert clock["idle_left"] == 1800
    assert 11 * 3600 - 5 <= clock["absolute_left"] <= 11 * 3600
    assert abs(stamps(signed_in)[1] - time.time()) < 5


def test_continue__get_refused(signed_in):
    assert signed_in.get(CONTINUE).status_code == 405


def test_continue_without_csrf_token__refused(client, user):
    client.handler.enforce_csrf_checks = True
    client.force_login(user)
    assert client.post(CONTINUE).status_code == 403


def test_continue_after_the_timeout__not_continued(signed_in):
    set_clock(signed_in, started_ago=3600, active_ago=30 * 60 + 1)
    key = signed_in.session.session_key
    response = signed_in.post(CONTINUE)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not Session.objects.filter(session_key=key).exists()
    assert signed_in.get(PAGE).status_code == 302


def test_the_api_is_left_alone__an_expired_session_is_not_ended_by_it(signed_in):
    set_clock(signed_in, started_ago=3600, active_ago=31 * 60)
    key = signed_in.session.session_key
    signed_in.get("/api/v1/openapi.json")
    assert Session.objects.filter(session_key=key).exists()


# --- the page and the stored row ----------------------------------------------------------------------


def test_page__the_warning_dialog_for_a_signed_in_user_only(signed_in, client):
    page = signed_in.get(PAGE).content.decode()
    assert 'id="session-dialog"' in page and "Jatka istuntoa" in page and "psop-session.js" in page
    assert 'data-idle-left="1800"' in page and 'data-warning="120"' in page
    signed_in.logout()
    login_page = client.get(LOGIN).content.decode()
    assert 'id="session-dialog"' not in login_page and "psop-session.js" not in login_page


def test_session_row__expires_one_idle_period_after_the_session_ends(signed_in):
    set_clock(signed_in, started_ago=3600, active_ago=60)
    signed_in.get(PAGE)
    row = Session.objects.get(session_key=signed_in.session.session_key)
    expected = time.time() + 2 * 1800
    assert abs(row.expire_date.timestamp() - expected) < 5


def test_session_row__never_past_the_absolute_limit_plus_one_idle_period(signed_in):
    set_clock(signed_in, started_ago=12 * 3600 - 600, active_ago=60)
    signed_in.get(PAGE)
    row = Session.objects.get(session_key=signed_in.session.session_key)
    expected = time.time() + 600 + 1800
    assert abs(row.expire_date.timestamp() - expected) < 5


def test_status__does_not_write_the_session_row(signed_in):
    set_clock(signed_in, started_ago=3600, active_ago=60)
    before = Session.objects.get(session_key=signed_in.session.session_key).expire_date
    signed_in.get(STATUS)
    assert Session.objects.get(session_key=signed_in.session.session_key).expire_date == before


@pytest.mark.parametrize(
    "env",
    [{"SESSION_IDLE_WARNING": "1800"}, {"SESSION_IDLE_TIMEOUT": "100000"}, {"SESSION_IDLE_WARNING": "0"}],
    ids=["warning-not-before-timeout", "idle-past-absolute", "no-warning"],
)
def test_settings__limits_out_of_order__refuses_to_start(env):
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SESSION_IDLE_WARNING < SESSION_IDLE_TIMEOUT <= SESSION_ABSOLUTE_TIMEOUT" in result.stderr


# --- in Chromium ---------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser__warning_dialog__continue_then_let_it_run_out(page, browser_login, axe, settings):
    settings.SESSION_IDLE_TIMEOUT = 6
    settings.SESSION_IDLE_WARNING = 4
    provider_user(ProviderFactory(), username="istuja")
    browser_login("istuja")
    tab = page.get_by_role("link", name="Palveluvaraukset", exact=True)
    tab.focus()

    dialog = page.get_by_role("alertdialog", name="Istunto on päättymässä")
    expect(dialog).to_be_visible(timeout=5_000)
    continue_button = dialog.get_by_role("button", name="Jatka istuntoa")
    expect(continue_button).to_be_focused()
    expect(dialog.get_by_text("Aikaa jäljellä:")).to_be_visible()
    expect(dialog.get_by_role("button", name="Kirjaudu ulos")).to_be_visible()
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()

    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(tab).to_be_focused()  # the focus is back where it was
    # Past the first deadline the session goes on: it was continued.
    page.wait_for_timeout(3_500)
    assert "/kirjaudu/" not in page.url
    expect(page.get_by_role("heading", name="Tee uusi palveluvaraus", level=1)).to_be_visible()

    # The dialog again; now nobody answers, and the page goes to the login page and says why.
    expect(dialog).to_be_visible(timeout=5_000)
    page.wait_for_url("**/kirjaudu/?next=%2Fasiakas%2F", timeout=10_000)
    expect(page.get_by_text("Istuntosi päättyi, koska et käyttänyt palvelua 1 minuuttiin.")).to_be_visible()
    page.goto("/palveluvaraukset/")
    page.wait_for_url("**/kirjaudu/?next=/palveluvaraukset/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser__escape_continues_the_session(page, browser_login, settings):
    settings.SESSION_IDLE_TIMEOUT = 6
    settings.SESSION_IDLE_WARNING = 4
    provider_user(ProviderFactory(), username="istuja")
    browser_login("istuja")
    dialog = page.get_by_role("alertdialog", name="Istunto on päättymässä")
    expect(dialog).to_be_visible(timeout=5_000)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(3_500)
    assert "/kirjaudu/" not in page.url


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser__htmx_background_request_marked__a_click_not(page, browser_login):
    provider_user(ProviderFactory(), username="istuja")
    browser_login("istuja")
    # A request htmx makes by itself ("load", as polling with "every"): marked, not activity.
    with page.expect_request("**/palveluvaraukset/") as background:
        page.evaluate("""() => {
            const poll = document.createElement("div");
            poll.setAttribute("hx-get", "/palveluvaraukset/");
            poll.setAttribute("hx-trigger", "load");
            poll.setAttribute("hx-swap", "none");
            document.body.appendChild(poll);
            htmx.process(poll);
        }""")
    assert background.value.headers.get("psop-background") == "true"
    with page.expect_request("**/ostovoimat/") as clicked:
        page.get_by_role("link", name="Ostovoimat", exact=True).click()
    assert "psop-background" not in clicked.value.headers

