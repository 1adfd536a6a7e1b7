"""Issue 14, item 6: an over-long username at login is refused in Finnish, never a 500."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, provider_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("length", [151, 255, 256, 1000])
def test_login__username_over_150_characters__finnish_message_not_500(client, length):
    response = client.post(reverse("login"), {"login": "a" * length, "password": "väärä-salasana"})
    assert response.status_code == 200
    assert "Käyttäjätunnus on enintään 150 merkkiä pitkä." in response.content.decode()


def test_login__username_256_characters__axes_writes_no_row_with_it(client):
    client.post(reverse("login"), {"login": "b" * 256, "password": "väärä-salasana"})
    assert not AccessAttempt.objects.filter(username__startswith="bbb").exists()


def test_login__normal_username_still_logs_in(client):
    provider_user(username="tuula")
    response = client.post(reverse("login"), {"login": "tuula", "password": PASSWORD})
    assert response.status_code == 302


def test_admin_login__goes_to_psops_login_with_the_second_factor(client):
    """The Django admin has no login form of its own: it would skip the second factor (issue 21)."""
    response = client.get("/admin/login/?next=/admin/vouchers/")
    assert response.status_code == 302
    assert response["Location"] == "/kirjaudu/?next=%2Fadmin%2Fvouchers%2F"
    response = client.post("/admin/login/", {"username": "c" * 256, "password": "väärä-salasana"})
    assert response.status_code == 302 and response["Location"].startswith("/kirjaudu/")
    assert not AccessAttempt.objects.filter(username__startswith="ccc").exists()
