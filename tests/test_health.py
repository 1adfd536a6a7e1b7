"""``/terveys/``: the health check of load balancers, and the floor that ``make bench`` measures
every page against. No login, one indexed query, a small page."""

import pytest
from django.urls import reverse

from tests.factories import OrganiserFactory


@pytest.mark.django_db
def test_health__anonymous__200_psop_toimii_with_one_query(client, django_assert_num_queries):
    OrganiserFactory()
    with django_assert_num_queries(1):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert "PSOP toimii" in response.content.decode()


@pytest.mark.django_db
def test_health__no_login_needed__and_never_cached(client):
    response = client.get("/terveys/")
    assert response.status_code == 200 and "Location" not in response
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health__post__refused(client):
    assert client.post(reverse("health")).status_code == 405
