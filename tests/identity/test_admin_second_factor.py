"""The Django admin asks every staff user for a second factor (issue 21, item 4): signed in with a
password only, a superuser is sent to set up an authenticator app; with one, to give its code; with
the code given in this session, the admin opens. The admin's own login form is not served."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from axes.models import AccessAttempt

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def superuser():
    return UserFactory(username="yllapito", is_staff=True, is_superuser=True)


def _password_login(client, username="yllapito"):
    response = client.post("/kirjaudu/", {"login": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_admin__password_only__sent_to_set_up_an_authenticator_then_asked_its_code(client, superuser):
    _password_login(client)
    assert "_auth_user_id" in client.session

    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/tili/2fa/totp/activate/")
    # Setting up a factor asks the password again first (allauth's reauthentication).
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith("/tili/reauthenticate/")
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/tili/2fa/totp/activate/")
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'src="data:image/svg+xml' in page.content.decode()  # the QR code

    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/tili/2fa/totp/activate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=superuser, type=Authenticator.Type.TOTP).exists()
    # Ten one-time recovery codes were made with it.
    recovery = Authenticator.objects.get(user=superuser, type=Authenticator.Type.RECOVERY_CODES)
    assert len(recovery.wrap().get_unused_codes()) == 10

    # Activating is not giving the code at sign-in: the admin asks for it.
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/tili/2fa/reauthenticate/")
    response = client.post(response["Location"], {"code": _code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_admin__signed_in_with_the_second_factor__opens(client, superuser):
    from allauth.mfa.totp.internal.auth import TOTP

    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(superuser, secret)
    response = _password_login(client)
    assert response["Location"].startswith("/tili/2fa/authenticate/")  # asked at sign-in
    assert "_auth_user_id" not in client.session
    response = client.post("/tili/2fa/authenticate/", {"code": _code(secret)})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert client.get("/admin/").status_code == 200
    page = client.get("/asiakas/").content.decode()
    assert "Kirjautunut: Salasana ja toinen vaihe" in page


def test_second_factor__five_wrong_codes__locked_out_like_passwords(client, superuser):
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(superuser, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    _password_login(client)
    for _ in range(5):
        client.post("/tili/2fa/authenticate/", {"code": "000000"})
    assert AccessAttempt.objects.filter(username="yllapito", failures_since_start__gte=5).exists()
    response = client.post("/tili/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 429  # django-axes' lockout page
    assert "_auth_user_id" not in client.session


def test_admin_login_form__not_served__goes_to_psops_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/kirjaudu/?next=%2Fadmin%2F"


def test_admin__non_staff__no_second_factor_asked_and_no_admin(client):
    UserFactory(username="tavallinen")
    _password_login(client, "tavallinen")
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
