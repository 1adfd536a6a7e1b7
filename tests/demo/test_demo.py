import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from core.dates import today
from core.validators import validate_business_id, validate_henkilotunnus
from customers.models import Customership
from events.models import Event
from organisations.models import Membership
from reservations.models import Reservation
from vouchers.models import Customer, Voucher, VoucherKind

pytestmark = pytest.mark.django_db


def counts():
    return (
        Voucher.objects.count(), Reservation.objects.count(), Event.objects.count(),
        Customership.objects.count(), Customer.objects.count(), Membership.objects.count(),
    )


def test_load_demo__run_twice__second_run_adds_nothing():
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    assert first[0] >= 300 and first[1] >= 100 and first[2] >= 200


def test_load_demo__known_vouchers_are_as_the_training_guide_says():
    call_command("load_demo")
    t = today()
    v = {voucher.number: voucher for voucher in Voucher.objects.select_related("service")}
    assert v["1001"].service.name == "Kotihoito" and v["1001"].contents.count() == 2 and not v["1001"].is_closed()
    assert not Reservation.objects.filter(voucher=v["1001"]).exists()
    assert v["1002"].service.name == "Siivous"
    assert v["1003"].closed_on == t - dt.timedelta(days=30)
    assert v["1004"].closed_on == t - dt.timedelta(days=90)
    assert v["1005"].reservation.provider.name == "Hoiva Esimerkki Oy"
    assert v["1005"].reservation.events.count() >= 3
    assert v["2001"].kind == VoucherKind.CAPITATION and not v["2001"].customerships.exists()
    locked = v["2002"].customerships.get()
    assert locked.provider.name == "Kilpailija Oy" and locked.locked_until > t
    passed = v["2003"].customerships.get()
    assert passed.provider.name == "Kilpailija Oy" and passed.locked_until < t
    assert v["3001"].kind == VoucherKind.BALANCE and v["3001"].contents.get().amount == Decimal("500.00")
    assert v["3001"].reservation.events.exists()
    assert v["4001"].kind == VoucherKind.PURCHASED_SERVICE and not Reservation.objects.filter(voucher=v["4001"]).exists()


def test_load_demo__identifiers_have_valid_checksums():
    call_command("load_demo")
    for hetu in Customer.objects.values_list("henkilotunnus", flat=True):
        validate_henkilotunnus(hetu)
    for provider in Membership.objects.exclude(provider=None).values_list("provider__business_id", flat=True):
        validate_business_id(provider)


DEMO_USERS = [
    ("tuottaja", "Hoiva Esimerkki Oy", Membership.Role.PROVIDER_ADMIN),
    ("kirjaaja", "Hoiva Esimerkki Oy", Membership.Role.RECORDER),
    ("kilpailija", "Kilpailija Oy", Membership.Role.PROVIDER_ADMIN),
    ("jarjestaja", "Esimerkin hyvinvointialue", Membership.Role.ORGANISER_STAFF),
    ("naapuri", "Naapurin hyvinvointialue", Membership.Role.ORGANISER_STAFF),
]


def test_load_demo__users_log_in_with_demo_password(rf):
    call_command("load_demo")
    for username, organisation, role in DEMO_USERS:
        user = authenticate(rf.post("/kirjaudu/"), username=username, password="demo-salasana")
        assert user is not None, username
        assert (str(user.membership.organisation), user.membership.role) == (organisation, role)
    admin = authenticate(rf.post("/kirjaudu/"), username="admin", password="demo-salasana")
    assert admin.is_superuser and admin.is_staff
