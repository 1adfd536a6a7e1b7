"""Issue 14, item 8: no look-alike usernames (ASCII letters, digits and . - _ @ after NFKC), and no
direction controls or zero-width characters in the names and texts people type."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.errors import DomainError
from core.forms import TextField, UsernameField
from core.validators import INVISIBLE_CHARACTERS, clean_text, validate_username
from customers.forms import CustomershipEndForm, CustomershipTransferForm
from events.forms import CreditForm, EventForm, RejectForm
from organisations import services
from organisations.forms import OfficeForm, UnitForm, UserAddForm
from organisations.models import Membership
from reservations.forms import ReservationForm
from tests.factories import ProviderFactory, UserFactory, login_with_second_factor, provider_user

User = get_user_model()
STRONG = "Vahva-salasana-2026!"
CYRILLIC_ADMIN = "\u0430dmin"  # "аdmin": Cyrillic a, then Latin "dmin"
RLO, RLM = "\u202e", "\u200f"


# --- the rules, once, in core ---------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["tuottaja", "jarjestaja-paakayttaja", "matti.m@example.fi", "a_b", "X1"])
def test_validate_username__ascii_letters_digits_and_dot_dash_underscore_at__accepted(username):
    validate_username(username)


@pytest.mark.parametrize("username", [CYRILLIC_ADMIN, "m\u00e4tti", "a b", "a+b", "adm\u200bin", "admin\u202e", "", "\u03b1lpha"])
def test_validate_username__look_alikes_and_others__refused_in_finnish(username):
    with pytest.raises(ValidationError) as caught:
        validate_username(username)
    assert "Käyttäjätunnuksessa voi olla vain" in caught.value.messages[0]


def test_username_field__full_width_letters__normalised_to_ascii():
    assert UsernameField().clean("\uff41\uff44\uff4d\uff49\uff4e") == "admin"


def test_username_field__cyrillic_a__refused():
    with pytest.raises(ValidationError):
        UsernameField().clean(CYRILLIC_ADMIN)


@pytest.mark.parametrize("character", list(INVISIBLE_CHARACTERS))
def test_clean_text__each_direction_control_and_zero_width_character__removed(character):
    assert clean_text(f"Koti{character}hoito") == "Kotihoito"


def test_clean_text__listed_code_points_only__letters_and_punctuation_kept():
    assert set(INVISIBLE_CHARACTERS) == set(
        "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u200c\u200d\u2060\ufeff"
    )
    assert clean_text("Åke Öhman – \u201cKotihoito\u201d, 5 €") == "Åke Öhman – \u201cKotihoito\u201d, 5 €"


def test_text_field__only_invisible_characters__counts_as_empty():
    with pytest.raises(ValidationError):
        TextField().clean(f"{RLO}{RLM}\u200b")


# --- every form that takes a username or a typed name -------------------------------------------------


@pytest.mark.parametrize(
    "form, field",
    [
        (UserAddForm, "etunimi"),
        (UserAddForm, "sukunimi"),
        (UnitForm, "nimi"),
        (OfficeForm, "nimi"),
        (OfficeForm, "katuosoite"),
        (OfficeForm, "kunta"),
        (ReservationForm, "tapahtumavaraus"),
        (EventForm, "lisatieto"),
        (RejectForm, "perustelu"),
        (CreditForm, "selite"),
        (CustomershipTransferForm, "peruste"),
        (CustomershipEndForm, "peruste"),
    ],
)
def test_free_text_fields__direction_controls_and_zero_width__stripped(form, field):
    assert form.base_fields[field].clean(f"{RLO}Hoiva{RLM} Oy\u200b\ufeff") == "Hoiva Oy"


def test_user_add_form__username_field_follows_the_rule():
    assert isinstance(UserAddForm.base_fields["kayttajatunnus"], UsernameField)


# --- through the pages and the services -----------------------------------------------------------------


@pytest.fixture
def provider():
    return ProviderFactory()


@pytest.fixture
def admin(provider):
    return provider_user(provider, username="p-admin")


@pytest.mark.django_db
def test_org_user_create__cyrillic_look_alike__refused_nothing_written(admin):
    before = User.objects.count()
    with pytest.raises(DomainError) as caught:
        services.org_user_create(user=admin, username=CYRILLIC_ADMIN, first_name="A", last_name="B", email="",
                                 role=Membership.Role.RECORDER, password=STRONG)
    assert caught.value.code == "invalid_username" and caught.value.params["field"] == "kayttajatunnus"
    assert User.objects.count() == before


@pytest.mark.django_db
def test_add_user_page__cyrillic_look_alike__finnish_error_on_the_form(client, admin):
    client.force_login(admin)
    body = {"kayttajatunnus": CYRILLIC_ADMIN, "etunimi": "Aatu", "sukunimi": "Admin", "sahkoposti": "",
            "rooli": "recorder", "salasana": STRONG}
    response = client.post(reverse("organisations:user_add"), body)
    assert response.status_code == 200
    assert "Käyttäjätunnuksessa voi olla vain" in response.content.decode()
    assert not User.objects.filter(username=CYRILLIC_ADMIN).exists()


@pytest.mark.django_db
def test_add_user_page__names_with_direction_controls__stored_without_them(client, admin):
    client.force_login(admin)
    body = {"kayttajatunnus": "uusi", "etunimi": f"{RLO}Uuno", "sukunimi": f"Uu{RLM}si", "sahkoposti": "",
            "rooli": "recorder", "salasana": STRONG}
    assert client.post(reverse("organisations:user_add"), body).status_code == 302
    user = User.objects.get(username="uusi")
    assert (user.first_name, user.last_name) == ("Uuno", "Uusi")


@pytest.mark.django_db
def test_unit_and_office_pages__direction_controls__stored_without_them(client, admin, provider):
    client.force_login(admin)
    response = client.post(reverse("organisations:units"), {"toiminto": "lisaa", "nimi": f"{RLO}Kotihoito Itä{RLM}"})
    assert response.status_code == 302
    assert provider.units.filter(name="Kotihoito Itä").exists()
    response = client.post(reverse("organisations:offices"), {
        "toiminto": "lisaa", "nimi": "Keskusta\u2066\u2069", "katuosoite": f"Katu{RLO} 1", "kunta": "\u200bTampere"})
    assert response.status_code == 302
    office = provider.offices.get()
    assert (office.name, office.street_address, office.municipality) == ("Keskusta", "Katu 1", "Tampere")


@pytest.mark.django_db
def test_admin_add_user__cyrillic_look_alike__refused(client):
    login_with_second_factor(client, UserFactory(username="yllapito", is_staff=True, is_superuser=True))
    response = client.post("/admin/auth/user/add/", {
        "username": CYRILLIC_ADMIN, "usable_password": "true", "password1": STRONG, "password2": STRONG})
    assert response.status_code == 200
    assert "Käyttäjätunnuksessa voi olla vain" in response.content.decode()
    assert not User.objects.filter(username=CYRILLIC_ADMIN).exists()


@pytest.mark.django_db
def test_admin_change_user__renaming_to_a_look_alike__refused_but_old_names_still_save(client):
    login_with_second_factor(client, UserFactory(username="yllapito", is_staff=True, is_superuser=True))
    legacy = UserFactory(username="vanha+tunnus")  # made before the rule
    url = f"/admin/auth/user/{legacy.pk}/change/"
    form = {"username": "vanha+tunnus", "first_name": "Vanha", "last_name": "", "email": "", "is_active": "on",
            "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
            "password_state-TOTAL_FORMS": "0", "password_state-INITIAL_FORMS": "0"}
    assert client.post(url, form).status_code == 302
    response = client.post(url, {**form, "username": CYRILLIC_ADMIN})
    assert response.status_code == 200 and "Käyttäjätunnuksessa voi olla vain" in response.content.decode()
    legacy.refresh_from_db()
    assert legacy.username == "vanha+tunnus" and legacy.first_name == "Vanha"


# --- the Django admin's registers ---------------------------------------------------------------------

NAME_COLUMNS = {"name", "first_name", "last_name", "street_address", "municipality", "support_contact"}


def test_admin__every_registered_name_column__typed_through_text_field(rf):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = UserFactory.build(is_staff=True, is_superuser=True)
    missing = []
    for model, model_admin in admin.site._registry.items():
        columns = NAME_COLUMNS & {field.name for field in model._meta.get_fields()}
        if not columns or model._meta.app_label == "auth":  # Django's users and groups: accounts/admin.py
            continue
        forms = [model_admin.get_form(request).base_fields]
        forms += [inline(model, admin.site).get_formset(request).form.base_fields for inline in model_admin.inlines]
        for form_fields in forms:
            missing += [f"{model.__name__} admin: {name}" for name in NAME_COLUMNS & set(form_fields)
                        if not isinstance(form_fields[name], TextField)]
    assert not missing, missing


@pytest.mark.django_db
def test_admin__unit_name_with_direction_controls__stored_without_them(client, provider):
    login_with_second_factor(client, UserFactory(username="yllapito", is_staff=True, is_superuser=True))
    response = client.post("/admin/organisations/providerunit/add/",
                           {"provider": provider.pk, "name": f"{RLO}Kotihoito{RLM} Länsi"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert provider.units.filter(name="Kotihoito Länsi").exists()
