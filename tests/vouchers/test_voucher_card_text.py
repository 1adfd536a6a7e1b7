"""What the voucher card says (issue 13, item 18): the provider's name once when the reservation is
in its default unit, and a capitation's monthly content as "1 / kk"."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import (
    ProviderUnitFactory,
    ReservationFactory,
    ServiceContentFactory,
    VoucherContentFactory,
)
from tests.reservations.scenarios import reservable_voucher
from vouchers.models import ContentUnit, VoucherContent, VoucherKind

pytestmark = pytest.mark.django_db

LOOKUP = reverse("vouchers:lookup")
FRAGMENT = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "lookup-result"}


def card(client, voucher):
    response = client.get(LOOKUP, {"numero": voucher.number}, **FRAGMENT)
    assert response.status_code == 200
    return response.content.decode()


def test_reserved_in_default_unit__provider_named_once(login):
    scene = reservable_voucher()
    ReservationFactory(voucher=scene.voucher, voucher_content=scene.content, provider=scene.provider)
    html = card(login(scene.organiser_user), scene.voucher)
    name = scene.provider.name
    assert f"Ostovoima on varattu: {name}, " in html
    assert f"{name} ({name})" not in html


def test_reserved_in_another_unit__unit_named_in_brackets(login):
    scene = reservable_voucher()
    unit = ProviderUnitFactory(provider=scene.provider, name="Kotihoito Itä")
    ReservationFactory(voucher=scene.voucher, voucher_content=scene.content, provider=scene.provider, unit=unit)
    html = card(login(scene.organiser_user), scene.voucher)
    assert f"Ostovoima on varattu: {scene.provider.name} (Kotihoito Itä), " in html


def test_capitation_monthly_content__reads_one_a_month(login):
    scene = reservable_voucher(kind=VoucherKind.CAPITATION, contents=0)
    VoucherContentFactory(
        voucher=scene.voucher, content=ServiceContentFactory(service=scene.voucher.service, unit=ContentUnit.MONTH),
        quantity=Decimal(1), period=VoucherContent.Period.MONTH,
    )
    html = card(login(scene.organiser_user), scene.voucher)
    assert "<td>1 / kk</td>" in html
    assert "kuukausi / kk" not in html


def test_monthly_visits__still_name_the_unit(login):
    scene = reservable_voucher(contents=0)
    VoucherContentFactory(voucher=scene.voucher, quantity=Decimal(8), period=VoucherContent.Period.MONTH)
    html = card(login(scene.organiser_user), scene.voucher)
    assert "<td>8 × käynti / kk</td>" in html
