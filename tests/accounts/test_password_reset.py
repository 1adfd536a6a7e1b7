"""Issue 14, item 7: a forgotten password is reset by e-mail (Django's views, PSOP's pages in Finnish);
the answer does not reveal whether an address belongs to anyone."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.selectors import must_change_password
from accounts.services import password_set_by_admin
from tests.factories import PASSWORD, provider_user
from tests.test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db

NEW = "Muistettava-uusi-2026"


def ask(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/salasana/uusi/\S+/)", message.body)[1]


def test_login_page__links_to_the_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page and "Unohtuiko salasana?" in page


def test_reset_page__finnish_with_the_shared_field_template(client):
    response = client.get("/salasana/unohtunut/")
    body = response.content.decode()
    assert response.status_code == 200 and "Unohtuiko salasana?" in body and 'class="field"' in body


def test_reset__known_address__finnish_mail_with_a_one_time_link(client):
    provider_user(username="tuula", email="tuula@example.fi")
    response = ask(client, "tuula@example.fi")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["tuula@example.fi"]
    assert message.subject == "PSOP: uuden salasanan valitseminen"
    assert "tuula" in message.body and "/salasana/uusi/" in message.body


def test_reset__unknown_address__same_answer_and_no_mail(client):
    provider_user(username="tuula", email="tuula@example.fi")
    known = ask(client, "tuula@example.fi")
    unknown = ask(client, "ei-ketaan@example.fi")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert [m.to for m in mail.outbox] == [["tuula@example.fi"]]
    done = client.get(unknown["Location"]).content.decode()
    assert "Jos osoite kuuluu PSOP:n käyttäjälle" in done


def test_reset__link_sets_a_new_password_once__and_clears_an_admins_must_change(client):
    user = provider_user(username="tuula", email="tuula@example.fi")
    password_set_by_admin(user=user)
    ask(client, "tuula@example.fi")
    link = link_in(mail.outbox[0])
    form_url = client.get(link)["Location"]  # Django moves the token into the session
    page = client.get(form_url)
    assert "Valitse uusi salasana" in page.content.decode()
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(PASSWORD)
    assert not must_change_password(user)
    again = client.get(link, follow=True).content.decode()
    assert "Linkki ei kelpaa" in again


def test_reset__broken_link__finnish_message_not_an_error(client):
    response = client.get(reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "roskaa"}))
    assert response.status_code == 200 and "Linkki ei kelpaa" in response.content.decode()


PRINT_MAILER = "from django.conf import settings; m = settings.MAILERS['default']; print(m['BACKEND'], m.get('OPTIONS'))"


def test_email__development__printed_to_the_console():
    result = manage("shell", "-c", PRINT_MAILER)
    assert result.returncode == 0, result.stderr
    assert "django.core.mail.backends.console.EmailBackend" in result.stdout


def test_email__production__smtp_from_the_environment():
    result = manage("shell", "-c", PRINT_MAILER, **PRODUCTION, EMAIL_HOST="smtp.example.fi", EMAIL_PORT="2525",
                    EMAIL_HOST_USER="psop", EMAIL_HOST_PASSWORD="salainen", EMAIL_USE_TLS="1")
    assert result.returncode == 0, result.stderr
    assert "django.core.mail.backends.smtp.EmailBackend" in result.stdout
    for expected in ("'host': 'smtp.example.fi'", "'port': 2525", "'username': 'psop'", "'use_tls': True"):
        assert expected in result.stdout
