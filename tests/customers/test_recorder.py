"""A recorder (kirjaaja) only records events: no customerships either."""

import pytest

from core.dates import today
from core.errors import DomainError
from customers.services import customership_create, customership_end
from organisations.models import Membership
from tests.customers.scenarios import capitation_voucher, customership_at, serving_office, snapshot
from tests.factories import provider_user

pytestmark = pytest.mark.django_db


def test_customership_create__by_recorder__refused_and_nothing_written():
    voucher = capitation_voucher()
    office = serving_office(voucher)
    recorder = provider_user(office.provider, role=Membership.Role.RECORDER)
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        customership_create(user=recorder, voucher=voucher, office=office, approvals_accepted=True)
    assert refused.value.code == "not_allowed"
    assert snapshot() == before


def test_customership_end__by_recorder__refused():
    voucher = capitation_voucher()
    office = serving_office(voucher)
    customership = customership_at(office, voucher)
    recorder = provider_user(office.provider, role=Membership.Role.RECORDER)
    with pytest.raises(DomainError) as refused:
        customership_end(user=recorder, customership=customership, end_date=today())
    assert refused.value.code == "not_allowed"
    customership.refresh_from_db()
    assert customership.end_date is None


def test_voucher_card__recorder__no_luo_asiakkuus_button(client):
    voucher = capitation_voucher()
    office = serving_office(voucher)
    client.force_login(provider_user(office.provider, role=Membership.Role.RECORDER))
    body = client.get("/asiakas/haku/", {"numero": voucher.number}).content.decode()
    assert voucher.number in body and "Luo asiakkuus" not in body
