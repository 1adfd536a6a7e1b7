import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from core.dates import one_year_after, today
from customers.models import Customership
from tests.customers.scenarios import DAY, capitation_voucher, changes_written, customership_at, serving_office
from tests.factories import VoucherFactory, organiser_user, provider_user

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "lookup-result"}


@pytest.fixture
def voucher():
    return capitation_voucher()


@pytest.fixture
def office(voucher):
    return serving_office(voucher, name="Keskusta")


@pytest.fixture
def user(office):
    return provider_user(office.provider)


def create_url(voucher):
    return reverse("customers:create", args=[voucher.number])


def form_data(office, **overrides):
    data = {"toimipaikka": office.pk, "alkaa": today().isoformat(), "paattyy": "", "aikarajaus": "",
            "sopimusehdot": "on", "sopimussuhde": "on"}
    data.update(overrides)
    return data


def fmt(day):
    return f"{day.day}.{day.month}.{day.year}"


# --- "Luo asiakkuus" -------------------------------------------------------------------------


def test_customership_create_view__anonymous__sent_to_login(client, voucher):
    response = client.get(create_url(voucher))

    assert response.status_code == 302
    assert reverse("login") in response.url


def test_customership_create_view__full_page_without_htmx(client, login, user, voucher, office):
    response = login(user).get(create_url(voucher))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and 'id="lookup-result"' in html
    assert "Keskusta" in html and voucher.customer.full_name in html
    day = today()
    assert 'type="date"' not in html and f'value="{day.day}.{day.month}.{day.year}"' in html  # d.M.yyyy text
    assert "HX-Request" in response["Vary"]
    assert AuditEntry.objects.filter(action="read", customer_id=voucher.customer_id).count() == 1


def test_customership_create_view__htmx_aimed_at_the_card__fragment_only(client, login, user, voucher):
    response = login(user).get(create_url(voucher), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="lookup-result"')
    assert "<html" not in html


def test_customership_create_view__boosted_request__full_page(client, login, user, voucher):
    response = login(user).get(create_url(voucher), HTTP_HX_BOOSTED="true", **HTMX)

    assert "<html" in response.content.decode()


def test_customership_create_view__provider_without_agreement__404_as_not_found(client, login, voucher):
    outsider = provider_user()

    response = login(outsider).get(create_url(voucher))
    fragment = login(outsider).get(create_url(voucher), **HTMX)

    assert response.status_code == 404
    assert "Ostovoiman tietoja ei löydy" in response.content.decode()
    assert "Ostovoiman tietoja ei löydy" in fragment.content.decode()
    assert voucher.customer.full_name not in fragment.content.decode()
    assert not AuditEntry.objects.exists()


def test_customership_create_view__other_organisers_staff__404(client, login, voucher):
    assert login(organiser_user()).get(create_url(voucher)).status_code == 404


def test_customership_create_view__not_a_capitation_voucher__404(client, login):
    voucher = VoucherFactory()
    office = serving_office(voucher)

    assert login(provider_user(office.provider)).get(create_url(voucher)).status_code == 404


def test_customership_create_view__unknown_number__404(client, login, user):
    assert login(user).get(reverse("customers:create", args=["123"])).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_customership_create_view__wrong_method__405(client, login, user, voucher, method):
    assert getattr(login(user), method)(create_url(voucher)).status_code == 405


def test_customership_create_view__plain_post__creates_and_redirects_to_the_voucher(client, login, user, voucher, office):
    response = login(user).post(create_url(voucher), form_data(office))

    customership = Customership.objects.get()
    assert (customership.start_date, customership.locked_until) == (today(), one_year_after(today()))
    assert response.status_code == 302
    assert response.url == f"{reverse('vouchers:lookup')}?numero={voucher.number}"
    page = client.get(response.url).content.decode()
    assert "Asiakkuus luotu" in page and "toistaiseksi voimassa" in page and "Keskusta" in page


def test_customership_create_view__htmx_post__answers_with_the_card_showing_the_customership(
    client, login, user, voucher, office
):
    response = login(user).post(create_url(voucher), form_data(office, paattyy=(today() + 30 * DAY).isoformat()), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="lookup-result"')
    assert "Asiakkuus luotu" in html and "Keskusta" in html and fmt(today() + 30 * DAY) in html
    assert response["HX-Push-Url"].endswith(f"?numero={voucher.number}")
    assert "HX-Trigger" not in response  # nothing listens for an event


@pytest.mark.parametrize("field, value, message", [
    ("alkaa", "31.02.2026", "Anna päivämäärä muodossa pp.kk.vvvv."),
    ("alkaa", "huomenna", "Anna päivämäärä muodossa pp.kk.vvvv."),
    ("alkaa", "", "Anna päivämäärä."),
    ("aikarajaus", "99999-01-01", "Anna päivämäärä muodossa pp.kk.vvvv."),
    ("sopimusehdot", "", "Merkitse hyväksynnät hyväksytyiksi."),
    ("toimipaikka", "999999", "Valitse toimipaikka luettelosta."),
    ("toimipaikka", "abc", "Valitse toimipaikka luettelosta."),
])
def test_customership_create_view__bad_input__form_again_with_finnish_error_and_nothing_written(
    client, login, user, voucher, office, field, value, message
):
    data = form_data(office, **{field: value})
    if not value:
        data.pop(field)

    response = login(user).post(create_url(voucher), data, **HTMX)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Customership.objects.exists()


def test_customership_create_view__another_providers_office_posted__not_offered_and_refused(client, login, user, voucher):
    foreign = serving_office(voucher)

    response = login(user).post(create_url(voucher), form_data(foreign), **HTMX)

    assert "Valitse toimipaikka luettelosta." in response.content.decode()
    assert not Customership.objects.exists()


def test_customership_create_view__inside_lock_in__refusal_shows_the_lock_in_date(client, login, user, voucher, office):
    locked_until = today() + 77 * DAY
    customership_at(serving_office(voucher), voucher, locked_until=locked_until)

    response = login(user).post(create_url(voucher), form_data(office), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert fmt(locked_until) in html and 'role="alert"' in html
    assert Customership.objects.count() == 1
    assert changes_written() == 0


def test_customership_create_view__organiser__picks_provider_and_office(client, login, voucher, office):
    staff = organiser_user(voucher.organiser)

    page = login(staff).get(create_url(voucher)).content.decode()
    login(staff).post(create_url(voucher), form_data(office))

    assert f"{office.provider.name} – Keskusta" in page
    assert Customership.objects.get().on_behalf is True


# --- the voucher card ------------------------------------------------------------------------


def lookup(client, voucher):
    return client.get(reverse("vouchers:lookup"), {"numero": voucher.number}, **HTMX).content.decode()


def test_voucher_card__competitor__sees_the_lock_in_end_but_not_who_or_where(client, login, user, voucher):
    theirs = customership_at(serving_office(voucher, name="Salainen asema"), voucher, locked_until=today() + 9 * DAY)

    html = lookup(login(user), voucher)

    assert fmt(theirs.locked_until) in html
    assert theirs.provider.name not in html and "Salainen asema" not in html
    assert "Päätä asiakkuus" not in html and "Siirrä asiakkuus" not in html


def test_voucher_card__own_provider__sees_its_customership_and_history(client, login, user, voucher, office):
    customership_at(office, voucher, start=today() - 100 * DAY, end=today() - 50 * DAY)
    customership_at(office, voucher, start=today() - 10 * DAY, locked_until=today() + 5 * DAY)

    html = lookup(login(user), voucher)

    assert "Aiemmat asiakkuudet" in html and fmt(today() - 50 * DAY) in html
    assert "toistaiseksi voimassa" in html and fmt(today() + 5 * DAY) in html
    assert "Päätä asiakkuus" in html and "Siirrä asiakkuus" not in html and "Sulje ostovoima" not in html


def test_voucher_card__organiser__may_transfer_end_and_close(client, login, voucher, office):
    customership_at(office, voucher)

    html = lookup(login(organiser_user(voucher.organiser)), voucher)

    assert "Siirrä asiakkuus" in html and "Päätä asiakkuus" in html and "Sulje ostovoima" in html
    assert office.provider.name in html


def test_voucher_card__history_rows__query_count_does_not_grow(client, login, voucher, office):
    staff_client = login(organiser_user(voucher.organiser))
    customership_at(office, voucher, start=today() - 10 * DAY)
    lookup(staff_client, voucher)  # warm up
    with CaptureQueriesContext(connection) as one:
        lookup(staff_client, voucher)
    Customership.objects.all().delete()
    for start in (200, 150, 100, 50):
        customership_at(serving_office(voucher), voucher, start=today() - start * DAY,
                        end=today() - (start - 49) * DAY)
    customership_at(office, voucher, start=today() - 0 * DAY)
    with CaptureQueriesContext(connection) as many:
        lookup(staff_client, voucher)

    assert len(many) == len(one)


# --- transfer, end, close --------------------------------------------------------------------


@pytest.fixture
def current(voucher):
    return customership_at(serving_office(voucher, name="Kilpailijan asema"), voucher, locked_until=today() + 100 * DAY)


def test_customership_transfer_view__organiser_inside_lock_in__moved(client, login, voucher, office, current):
    url = reverse("customers:transfer", args=[current.pk])
    staff = login(organiser_user(voucher.organiser))

    page = staff.get(url)
    response = staff.post(url, {"toimipaikka": office.pk, "alkaa": today().isoformat(), "peruste": "Asiakkaan toive"},
                          **HTMX)

    assert page.status_code == 200 and "Siirron peruste" in page.content.decode()
    assert "Asiakkuus siirretty" in response.content.decode()
    current.refresh_from_db()
    assert current.end_date == today() - DAY
    assert Customership.objects.get(transferred_from=current).reason == "Asiakkaan toive"


def test_customership_transfer_view__the_current_office__not_offered(client, login, voucher, office, current):
    """Issue 23, "Also": the list offers where the customer can go, not where they are."""
    url = reverse("customers:transfer", args=[current.pk])
    staff = login(organiser_user(voucher.organiser))

    html = staff.get(url).content.decode()
    response = staff.post(url, {"toimipaikka": current.office_id, "alkaa": today().isoformat(), "peruste": "Sama"})

    assert f'<option value="{office.pk}"' in html and f'<option value="{current.office_id}"' not in html
    assert "Kilpailijan asema" not in html.split('name="toimipaikka"')[1].split("</select>")[0]
    assert response.status_code == 200 and Customership.objects.count() == 1


def test_customership_transfer_view__without_reason__form_again_and_nothing_written(client, login, voucher, office, current):
    url = reverse("customers:transfer", args=[current.pk])

    response = login(organiser_user(voucher.organiser)).post(url, {"toimipaikka": office.pk, "alkaa": today().isoformat()})

    assert response.status_code == 200 and "Kirjaa siirron peruste." in response.content.decode()
    assert Customership.objects.count() == 1


@pytest.mark.parametrize("who", ["provider", "competitor", "other_organiser"])
def test_customership_transfer_view__not_the_organiser__404(client, login, voucher, office, current, who):
    user = {"provider": provider_user(current.provider), "competitor": provider_user(office.provider),
            "other_organiser": organiser_user()}[who]

    assert login(user).get(reverse("customers:transfer", args=[current.pk])).status_code == 404


def test_customership_end_view__own_provider__ends_it(client, login, voucher, current):
    url = reverse("customers:end", args=[current.pk])

    response = login(provider_user(current.provider)).post(url, {"paattyy": (today() + 2 * DAY).isoformat()})

    assert response.status_code == 302
    current.refresh_from_db()
    assert current.end_date == today() + 2 * DAY


def test_customership_end_view__competitor__404(client, login, user, current):
    url = reverse("customers:end", args=[current.pk])

    assert login(user).get(url).status_code == 404
    assert login(user).post(url, {"paattyy": today().isoformat()}).status_code == 404
    current.refresh_from_db()
    assert current.end_date is None


def test_customership_end_view__anonymous__sent_to_login(client, current):
    assert client.get(reverse("customers:end", args=[current.pk])).status_code == 302


def test_voucher_close_view__organiser__closes_and_the_card_shows_it_closed(client, login, voucher, current):
    url = reverse("grants:close", args=[voucher.number])

    response = login(organiser_user(voucher.organiser)).post(url, {"suljettu": today().isoformat(), "syy": "need_ended"}, **HTMX)

    html = response.content.decode()
    voucher.refresh_from_db()
    assert voucher.closed_on == today()
    assert "Ostovoima suljettu" in html and "badge-closed" in html
    assert "ostovoima suljettu" in html  # the customership ends on the closing day


@pytest.mark.parametrize("who", ["provider", "other_organiser"])
def test_voucher_close_view__not_its_organiser__404(client, login, voucher, current, who):
    user = provider_user(current.provider) if who == "provider" else organiser_user()
    url = reverse("grants:close", args=[voucher.number])

    assert login(user).post(url, {"suljettu": today().isoformat(), "syy": "need_ended"}).status_code == 404
    voucher.refresh_from_db()
    assert voucher.closed_on is None


def test_voucher_close_view__wrong_method__405(client, login, voucher):
    url = reverse("grants:close", args=[voucher.number])

    assert login(organiser_user(voucher.organiser)).delete(url).status_code == 405
