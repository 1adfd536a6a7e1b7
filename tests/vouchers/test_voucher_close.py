"""Organiser staff close ANY voucher from its card ("Sulje ostovoima"): a service voucher, a
purchased service, a balance voucher or a capitation voucher. Closing writes one row; the
reservation on it ends on the closing day (derived from ``Voucher.closed_on``)."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.dates import today
from core.errors import DomainError
from reservations.models import Reservation
from tests.factories import ReservationFactory, organiser_user, provider_user
from tests.reservations.scenarios import reservable_voucher
from vouchers.models import Voucher, VoucherKind
from vouchers.services import voucher_close

pytestmark = pytest.mark.django_db

FRAGMENT = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "lookup-result"}
ALL_KINDS = [VoucherKind.SERVICE_VOUCHER, VoucherKind.PURCHASED_SERVICE, VoucherKind.BALANCE, VoucherKind.CAPITATION]


def card(client, voucher) -> str:
    return client.get(reverse("vouchers:lookup"), {"numero": voucher.number}, **FRAGMENT).content.decode()


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_voucher_card__organiser_of_the_voucher__offers_sulje_ostovoima_for_every_kind(login, kind):
    scene = reservable_voucher(kind=kind)

    html = card(login(scene.organiser_user), scene.voucher)

    assert "Sulje ostovoima" in html
    assert reverse("grants:close", args=[scene.voucher.number]) in html


@pytest.mark.parametrize("kind", [VoucherKind.SERVICE_VOUCHER, VoucherKind.PURCHASED_SERVICE])
def test_voucher_card__provider_or_closed_voucher__no_sulje_ostovoima(login, kind):
    scene = reservable_voucher(kind=kind)
    assert "Sulje ostovoima" not in card(login(scene.provider_user), scene.voucher)

    closed = reservable_voucher(kind=kind, closed_days_ago=3)
    assert "Sulje ostovoima" not in card(login(closed.organiser_user), closed.voucher)


@pytest.mark.parametrize("kind", [VoucherKind.SERVICE_VOUCHER, VoucherKind.PURCHASED_SERVICE])
def test_voucher_close_view__service_or_purchased_voucher__closed_and_its_reservation_ends_that_day(login, kind):
    scene = reservable_voucher(kind=kind)
    reservation = ReservationFactory(voucher=scene.voucher, voucher_content=scene.contents[0], provider=scene.provider)
    client = login(scene.organiser_user)
    url = reverse("grants:close", args=[scene.voucher.number])
    assert "Sulkemispäivä" in client.get(url, **FRAGMENT).content.decode()

    response = client.post(url, {"suljettu": today().isoformat(), "syy": "need_ended"}, **FRAGMENT)

    html = response.content.decode()
    assert response.status_code == 200 and "Ostovoima suljettu" in html and "badge-closed" in html
    scene.voucher.refresh_from_db()
    reservation.refresh_from_db()
    assert scene.voucher.closed_on == today()
    assert reservation.ended_on is None  # nothing but the voucher row was written
    assert reservation.effective_end == today()
    assert Reservation.objects.in_force_on(today()).filter(pk=reservation.pk).exists()
    assert not Reservation.objects.in_force_on(today() + dt.timedelta(days=1)).filter(pk=reservation.pk).exists()
    assert AuditEntry.objects.filter(customer_id=scene.voucher.customer_id, action="change", what__contains="suljettu").exists()


def test_voucher_close_view__plain_post__redirects_to_the_card(login):
    scene = reservable_voucher(kind=VoucherKind.PURCHASED_SERVICE)
    url = reverse("grants:close", args=[scene.voucher.number])

    response = login(scene.organiser_user).post(url, {"suljettu": today().isoformat(), "syy": "need_ended"})

    assert response.status_code == 302 and response["Location"].endswith(f"?numero={scene.voucher.number}")


def test_voucher_close_view__date_outside_validity__finnish_error_and_nothing_written(login):
    scene = reservable_voucher(kind=VoucherKind.SERVICE_VOUCHER)
    url = reverse("grants:close", args=[scene.voucher.number])
    too_late = (scene.voucher.valid_to + dt.timedelta(days=1)).isoformat()

    html = login(scene.organiser_user).post(url, {"suljettu": too_late, "syy": "need_ended"}, **FRAGMENT).content.decode()

    assert "Sulkemispäivän on oltava ostovoiman voimassaoloaikana" in html
    assert Voucher.objects.get(pk=scene.voucher.pk).closed_on is None


@pytest.mark.parametrize("who", ["provider", "other_organiser"])
def test_voucher_close__purchased_service__not_its_organiser__refused_and_404(login, who):
    scene = reservable_voucher(kind=VoucherKind.PURCHASED_SERVICE)
    user = scene.provider_user if who == "provider" else organiser_user()

    with pytest.raises(DomainError) as refused:
        voucher_close(user=user, voucher=scene.voucher, closed_on=today())
    response = login(user).post(reverse("grants:close", args=[scene.voucher.number]), {"suljettu": today().isoformat(), "syy": "need_ended"})

    assert refused.value.code == "not_allowed"
    assert response.status_code == 404
    assert Voucher.objects.get(pk=scene.voucher.pk).closed_on is None


def test_voucher_close__recorder_of_the_provider__404(login):
    scene = reservable_voucher(kind=VoucherKind.SERVICE_VOUCHER)
    recorder = provider_user(scene.provider, role="recorder")

    response = login(recorder).get(reverse("grants:close", args=[scene.voucher.number]))

    assert response.status_code == 404
