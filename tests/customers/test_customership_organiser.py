"""The customership's copy of its voucher's organiser (``Customership.organiser``): filled on save,
kept equal to the voucher's by the composite foreign key (customers/0003)."""

import pytest
from django.db import IntegrityError, transaction

from customers.models import Customership
from tests.factories import CustomershipFactory, OrganiserFactory

pytestmark = pytest.mark.django_db


def test_a_customership_gets_its_vouchers_organiser():
    customership = CustomershipFactory()
    assert customership.organiser_id == customership.voucher.organiser_id
    assert Customership.objects.filter(pk=customership.pk, organiser_id=customership.voucher.organiser_id).exists()


def test_another_organiser_than_the_vouchers_hits_the_constraint():
    customership = CustomershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Customership.objects.filter(pk=customership.pk).update(organiser_id=OrganiserFactory().pk)


def test_moving_the_voucher_to_another_organiser_moves_its_customership():
    customership = CustomershipFactory()
    other = OrganiserFactory()
    type(customership.voucher).objects.filter(pk=customership.voucher_id).update(organiser=other)
    customership.refresh_from_db()
    assert customership.organiser_id == other.pk
