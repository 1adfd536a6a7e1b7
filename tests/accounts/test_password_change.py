"""Issue 14, item 7: every user changes their own password; a password an admin typed (on the
Organisaatio page or in the Django admin) must be changed at the first login, before anything else."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import PasswordState
from accounts.selectors import must_change_password
from organisations import services
from organisations.models import Membership
from tests.factories import PASSWORD, ProviderFactory, UserFactory, login_with_second_factor, provider_user

pytestmark = pytest.mark.django_db

User = get_user_model()
TYPED = "Ylläpitäjän-antama-2026"
OWN = "Oma-uusi-salasana-2026"


def log_in(client, username, password):
    return client.post(reverse("login"), {"login": username, "password": password})


def change(client, old, new):
    return client.post(reverse("password_change"),
                       {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.fixture
def provider():
    return ProviderFactory()


@pytest.fixture
def created(provider):
    """A recorder that the provider's admin added on the Organisaatio page, with a typed password."""
    admin = provider_user(provider, username="p-admin")
    return services.org_user_create(user=admin, username="uusi", first_name="Uuno", last_name="Uusi",
                                    email="uuno@example.fi", role=Membership.Role.RECORDER, password=TYPED)


# --- changing one's own password ------------------------------------------------------------------------


def test_password_change__header_link_for_every_signed_in_user(client):
    client.force_login(provider_user(role=Membership.Role.RECORDER))
    page = client.get(reverse("vouchers:customer_tab")).content.decode()
    assert f'href="{reverse("password_change")}"' in page and "Vaihda salasana" in page


def test_password_change__page_in_finnish_with_the_shared_field_template(client):
    client.force_login(provider_user())
    response = client.get("/salasana/vaihda/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in body and "Vaihda salasana" in body
    assert 'class="field"' in body  # templates/forms/field.html
    assert "Vanha salasana" in body


def test_password_change__right_old_password__new_one_works_and_old_does_not(client):
    user = provider_user(username="tuula")
    client.force_login(user)
    response = change(client, PASSWORD, OWN)
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert "Salasanasi on vaihdettu." in client.get(response["Location"]).content.decode()
    user.refresh_from_db()
    assert user.check_password(OWN) and not user.check_password(PASSWORD)


def test_password_change__wrong_old_password__finnish_error_nothing_changed(client):
    user = provider_user()
    client.force_login(user)
    response = change(client, "väärä-vanha", OWN)
    assert response.status_code == 200
    assert "Vanha salasana" in response.content.decode() and "error-summary" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change__weak_new_password__refused_by_the_validators(client):
    user = provider_user()
    client.force_login(user)
    response = change(client, PASSWORD, "12345678901234")
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change__anonymous__login_redirect(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- a password an admin typed must be changed at the first login -------------------------------------


def test_org_user_create__typed_password__must_change_at_first_login(created):
    assert must_change_password(created)


def test_first_login__admin_typed_password__every_page_redirects_to_the_change_page(client, created):
    response = log_in(client, "uusi", TYPED)
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302 and follow["Location"] == reverse("password_change")
    for url in (reverse("vouchers:customer_tab"), reverse("reservations:list"), "/"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer["Location"] == reverse("password_change"), url
    page = client.get(reverse("password_change")).content.decode()
    assert "Ylläpitäjä on asettanut salasanasi" in page


def test_first_login__htmx_request__hx_redirect_to_the_change_page(client, created):
    client.force_login(created)
    response = client.get(reverse("reservations:list"), headers={"HX-Request": "true", "HX-Target": "panel"})
    assert response["HX-Redirect"] == reverse("password_change")
    assert "<html" not in response.content.decode()


def test_first_login__may_still_log_out_and_switch_language(client, created):
    client.force_login(created)
    assert client.post(reverse("set_language"), {"language": "fi", "next": "/"}).status_code == 302
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_first_login__after_changing__pages_open_and_flag_cleared(client, created):
    client.force_login(created)
    response = change(client, TYPED, OWN)
    assert response.status_code == 302
    assert not must_change_password(created)
    assert client.get(reverse("password_change_done")).status_code == 200
    assert client.get(reverse("vouchers:customer_tab")).status_code == 200
    client.logout()
    assert log_in(client, "uusi", OWN).status_code == 302
    assert client.get(reverse("vouchers:customer_tab")).status_code == 200


def test_first_login__the_typed_password_again__refused_with_a_finnish_message_and_still_forced(client, created):
    """Issue 28, item 3: the forced change accepted the very password the admin typed."""
    client.force_login(created)
    response = change(client, TYPED, TYPED)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Uusi salasana ei saa olla sama kuin nykyinen salasanasi." in body and "error-summary" in body
    created.refresh_from_db()
    assert created.check_password(TYPED) and must_change_password(created)
    assert client.get(reverse("vouchers:customer_tab"))["Location"] == reverse("password_change")


def test_password_change__new_password_same_as_the_current__refused_nothing_changed(client):
    user = provider_user()
    client.force_login(user)
    response = change(client, PASSWORD, PASSWORD)
    assert response.status_code == 200
    assert "Uusi salasana ei saa olla sama kuin nykyinen salasanasi." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_users_without_a_typed_password__not_forced(client):
    """Factory and training-data users (load_demo sets passwords itself) have no flag."""
    user = provider_user(username="tuottaja")
    assert log_in(client, "tuottaja", PASSWORD).status_code == 302
    assert client.get(reverse("vouchers:customer_tab")).status_code == 200
    assert not PasswordState.objects.filter(user=user).exists()


def test_the_check_costs_no_query__the_state_comes_with_the_user(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(provider_user())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("vouchers:customer_tab")).status_code == 200
    assert not any(query["sql"].startswith('SELECT 1 AS "a" FROM "accounts_passwordstate"')
                   or query["sql"].startswith('SELECT "accounts_passwordstate"')
                   for query in queries.captured_queries)
    assert any('LEFT OUTER JOIN "accounts_passwordstate"' in query["sql"] for query in queries.captured_queries)


# --- the Django admin ---------------------------------------------------------------------------------


@pytest.fixture
def superuser():
    return UserFactory(username="yllapito", is_staff=True, is_superuser=True)


def test_admin_add_user__typed_password__must_change(client, superuser):
    login_with_second_factor(client, superuser)
    response = client.post("/admin/auth/user/add/", {
        "username": "lisatty", "usable_password": "true", "password1": TYPED, "password2": TYPED, "_save": "Tallenna",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert must_change_password(User.objects.get(username="lisatty"))


def test_admin_set_password__other_user__must_change(client, superuser):
    user = provider_user(username="tuula")
    login_with_second_factor(client, superuser)
    url = f"/admin/auth/user/{user.pk}/password/"
    response = client.post(url, {"usable_password": "true", "password1": TYPED, "password2": TYPED,
                                 "set-password": "1"})
    assert response.status_code == 302 and response["Location"] == f"/admin/auth/user/{user.pk}/change/"
    assert must_change_password(user)


def test_admin_set_password__refused_form__no_flag(client, superuser):
    user = provider_user(username="tuula")
    login_with_second_factor(client, superuser)
    response = client.post(f"/admin/auth/user/{user.pk}/password/",
                           {"usable_password": "true", "password1": TYPED, "password2": "eri", "set-password": "1"})
    assert response.status_code == 200
    assert not must_change_password(user)


def test_training_data__users_log_in_with_the_known_password_and_are_not_forced(client):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    assert not PasswordState.objects.filter(must_change=True).exists()
    assert log_in(client, "tuottaja", "demo-salasana").status_code == 302
    assert client.get(reverse("vouchers:customer_tab")).status_code == 200
