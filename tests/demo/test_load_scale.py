"""load_scale at a tiny scale: the planned counts, the known logins' volume, valid identifiers,
constraints kept (it ran: the database enforces them), refused when run twice, and deterministic."""

import hashlib
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from core.validators import validate_business_id, validate_henkilotunnus
from customers.models import Customership
from demo.scale_data import FIRST_VOUCHER_NUMBER, ORGANISERS, Plan
from events.models import Event, EventStatus
from organisations.models import Organiser, Provider
from reservations.models import Reservation
from vouchers.models import Customer, Voucher, VoucherKind
from vouchers.selectors import voucher_lookup

# load_scale drops and restores indexes and foreign keys: the owner role's work (make scale).
pytestmark = [pytest.mark.django_db, pytest.mark.db_owner]

SCALE = 0.0005
PLAN = Plan.for_scale(SCALE)


def counts():
    return {
        "organisers": Organiser.objects.count(), "providers": Provider.objects.count(),
        "customers": Customer.objects.count(), "vouchers": Voucher.objects.count(),
        "reservations": Reservation.objects.count(), "customerships": Customership.objects.count(),
        "events": Event.objects.count(),
    }


def load_scale(seed=1) -> str:
    out = StringIO()
    call_command("load_scale", scale=SCALE, seed=seed, stdout=out)
    return out.getvalue()


def scale_vouchers():
    return Voucher.objects.filter(number__regex=r"^[0-9]{9,}$")


def test_load_scale__counts_volume_identifiers_and_refusal():
    call_command("load_demo", stdout=StringIO())
    before = counts()
    load_scale()
    after = counts()
    added = {name: after[name] - before[name] for name in after}

    assert after["organisers"] == len(ORGANISERS) == 22
    assert added["providers"] == PLAN.new_providers
    assert added["customers"] == PLAN.customers
    assert added["vouchers"] == PLAN.vouchers == scale_vouchers().count()
    for name in ("reservations", "customerships", "events"):
        planned = getattr(PLAN, name)
        assert 0.75 * planned <= added[name] <= 1.25 * planned, (name, added[name], planned)

    hoiva = Provider.objects.get(name="Hoiva Esimerkki Oy")
    reserved = Reservation.objects.filter(provider=hoiva, voucher__in=scale_vouchers())
    assert reserved.count() >= 10
    assert reserved.filter(voucher__service__kind=VoucherKind.BALANCE).exists()
    assert Customership.objects.filter(provider=hoiva, voucher__in=scale_vouchers()).count() >= 10
    assert Event.objects.filter(reservation__in=reserved).exists()
    # Esimerkin hyvinvointialue (a large region) owns more of them than Naapurin hyvinvointialue.
    esimerkki = scale_vouchers().filter(organiser__name=ORGANISERS[0][0]).count()
    assert esimerkki > scale_vouchers().filter(organiser__name=ORGANISERS[1][0]).count() > 0

    # The lifecycle mix, and credits that point at settled or paid events.
    statuses = set(Event.objects.values_list("status", flat=True))
    assert {EventStatus.PAID, EventStatus.APPROVED, EventStatus.UNDER_REVIEW, EventStatus.REJECTED} <= statuses
    for credit in Event.objects.filter(credit_of__isnull=False).select_related("credit_of"):
        assert credit.credit_of.status in EventStatus.creditable() and credit.total < 0 and credit.reason_code

    for hetu in Customer.objects.values_list("henkilotunnus", flat=True):
        validate_henkilotunnus(hetu)
    for business_id in Provider.objects.values_list("business_id", flat=True):
        validate_business_id(business_id)
    for business_id in Organiser.objects.values_list("business_id", flat=True):
        validate_business_id(business_id)

    # Agreements and price lists let Hoiva look its own scale vouchers up.
    tuottaja = get_user_model().objects.get(username="tuottaja")
    number = reserved.filter(voucher__closed_on__isnull=True).values_list("voucher__number", flat=True).first()
    assert voucher_lookup(user=tuottaja, number=number) is not None

    # A second run is refused and adds nothing; the training data loads again on top of it.
    again = load_scale()
    assert "jo ladattu" in again
    assert counts() == after
    call_command("load_demo", stdout=StringIO())
    assert counts() == after


def fingerprint() -> str:
    rows = [
        list(Voucher.objects.filter(number__gte=str(FIRST_VOUCHER_NUMBER), number__regex=r"^[0-9]{9,}$").order_by("number")
             .values_list("number", "customer__henkilotunnus", "customer__last_name", "organiser__name",
                          "service__name", "valid_from", "valid_to", "closed_on", "created_at")),
        list(Reservation.objects.order_by("voucher__number")
             .values_list("voucher__number", "provider__business_id", "voucher_content__content__name", "unit__name",
                          "created_by__username", "created_at", "ended_on", "event_text")),
        list(Event.objects.order_by("id").values_list("id", "reservation__voucher__number", "date", "quantity",
                                                      "unit_price", "total", "voucher_share", "status", "credit_of_id",
                                                      "reason_code", "created_by__username", "created_at")),
        list(Customership.objects.order_by("voucher__number", "start_date")
             .values_list("voucher__number", "provider__business_id", "office__name", "start_date", "end_date",
                          "locked_until", "created_by__username", "transferred_from__start_date")),
        list(Provider.objects.order_by("business_id").values_list("business_id", "name")),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_load_scale__same_seed_same_data():
    call_command("load_demo", stdout=StringIO())
    prints = []
    for seed in (1, 1, 2):
        with transaction.atomic():
            load_scale(seed)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]
