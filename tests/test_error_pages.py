"""PSOP's own Finnish 404 and 403 pages, also under DEBUG (issue 13, item 16): never Django's
English technical 404 page."""

import pytest
from django.urls import reverse

from tests.factories import ReservationFactory, UserFactory, provider_user

pytestmark = pytest.mark.django_db

NOT_FOUND = "Hakemaasi sivua tai tietoa ei löydy, tai sinulla ei ole oikeutta siihen."
FORBIDDEN = "Sinulla ei ole oikeutta tähän sivuun."


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_unknown_address__own_finnish_404_page(debug, login):
    response = login(provider_user()).get("/ei-tallaista-sivua/")
    html = response.content.decode()
    assert response.status_code == 404
    assert NOT_FOUND in html
    assert "<h1>Sivua ei löydy</h1>" in html
    assert "technical_404" not in html and "Using the URLconf" not in html


def test_unknown_address__logged_out__own_404_page(debug, client):
    response = client.get("/ei-tallaista-sivua/")
    assert response.status_code == 404
    assert NOT_FOUND in response.content.decode()


def test_someone_elses_reservation__own_finnish_404_page(debug, login):
    reservation = ReservationFactory()
    response = login(provider_user()).get(reverse("reservations:detail", args=[reservation.pk]))
    html = response.content.decode()
    assert response.status_code == 404
    assert NOT_FOUND in html
    assert "Using the URLconf" not in html and "Raised by:" not in html


def test_user_without_organisation__own_finnish_403_page(debug, login):
    response = login(UserFactory()).get(reverse("reservations:list"))
    assert response.status_code == 403
    assert FORBIDDEN in response.content.decode()


def test_unknown_address_without_slash__still_redirected_to_the_slashed_address(debug, login):
    client = login(provider_user())
    assert client.get("/palveluvaraukset").status_code == 301


def test_404_page_follows_the_users_language(debug, login, settings):
    client = login(provider_user())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/ei-tallaista-sivua/")
    assert response.status_code == 404
    assert NOT_FOUND not in response.content.decode()


def test_request_django_refuses__own_finnish_400_page(settings, client):
    settings.DEBUG = False
    response = client.post("/kirjaudu/", data=b"--x\r\nbroken", content_type="multipart/form-data; boundary=\x00")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Virheellinen pyyntö" in html and "Bad Request" not in html


def test_upload_with_a_5000_character_file_name__own_finnish_400_page(settings, login):
    settings.DEBUG = False
    client = login(provider_user())
    boundary = "psoprajaraja"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="tiedosto"; filename="{"a" * 5000}.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\nostovoima;päivämäärä;määrä\r\n--{boundary}--\r\n"
    ).encode()
    response = client.post(reverse("events:import"), data=body, content_type=f"multipart/form-data; boundary={boundary}")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Virheellinen pyyntö" in html and "Bad Request" not in html
