"""Login: lockout after five failures (unlocked by an admin), session expiry, password rules."""

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, provider_user

pytestmark = pytest.mark.django_db


def attempt(client, username, password):
    return client.post(reverse("login"), {"login": username, "password": password})


def test_login__five_failures__account_locked_with_finnish_message_even_for_right_password(client):
    provider_user(username="tuula")
    for _ in range(4):
        assert attempt(client, "tuula", "väärä-salasana").status_code == 200
    locked = attempt(client, "tuula", "väärä-salasana")
    assert locked.status_code == 429
    assert "Tili on lukittu" in locked.content.decode()
    right = attempt(client, "tuula", PASSWORD)
    assert right.status_code == 429 and "_auth_user_id" not in client.session


def test_login__lockout_is_per_account__others_still_log_in(client):
    provider_user(username="tuula")
    provider_user(username="kalle")
    for _ in range(5):
        attempt(client, "tuula", "väärä-salasana")
    response = attempt(client, "kalle", PASSWORD)
    assert response.status_code == 302


def test_login__admin_unlocks__user_logs_in_again(client):
    provider_user(username="tuula")
    for _ in range(5):
        attempt(client, "tuula", "väärä-salasana")
    call_command("axes_reset_username", "tuula")
    assert attempt(client, "tuula", PASSWORD).status_code == 302


def test_session__row_expiry_moves_ahead_on_every_request(client):
    """The session ends 30 minutes after the last activity (tests/test_session_timeout.py); its row is
    kept 30 minutes more, so that a request arriving then is told why it ended (psop.sessions)."""
    client.force_login(provider_user())
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    client.get(reverse("vouchers:customer_tab"))
    expires = Session.objects.get(session_key=key).expire_date
    assert dt.timedelta(minutes=59) < expires - timezone.now() <= dt.timedelta(minutes=60)


def test_session__idle_past_expiry__login_required_again(client):
    client.force_login(provider_user())
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("vouchers:customer_tab"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("password", ["lyhyt", "12345678901234", "password1234"])
def test_password_validators__weak_passwords__refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_password_validators__long_passphrase__accepted():
    validate_password("kolme-pitkää-sanaa-ja-numero-7")


# --- round three (SECURITY.md, item 9): a cool-off, and a lock only for the failing address -----------


def test_login__locked_by_another_address__the_owner_still_logs_in(client):
    provider_user(username="tuula")
    for _ in range(5):
        client.post(reverse("login"), {"login": "tuula", "password": "väärä"}, REMOTE_ADDR="203.0.113.9")

    assert attempt(client, "tuula", PASSWORD).status_code == 302


def test_login__locked__page_says_when_to_try_again(client):
    provider_user(username="tuula")
    for _ in range(5):
        locked = attempt(client, "tuula", "väärä-salasana")

    assert locked.status_code == 429 and "Yritä uudelleen 15 minuutin kuluttua" in locked.content.decode()


def test_login__after_the_cool_off__the_lock_is_gone_without_an_admin(client):
    from axes.models import AccessAttempt

    from organisations.selectors import is_locked_out

    provider_user(username="tuula")
    for _ in range(5):
        attempt(client, "tuula", "väärä-salasana")
    assert is_locked_out("tuula") and attempt(client, "tuula", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))

    assert not is_locked_out("tuula")
    assert attempt(client, "tuula", PASSWORD).status_code == 302
