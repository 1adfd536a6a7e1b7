import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from applications.files import check_upload
from applications.models import (
    Application, ApplicationAttachment, ApplicationState, Pricing, Rulebook, RulebookAcceptance,
)
from applications.selectors import application_for_review, applications_of, review_queue
from audit.models import AuditEntry
from core.dates import today
from core.validators import validate_business_id, validate_henkilotunnus
from customers.models import Customership
from events.models import Event
from notifications.models import Notification
from organisations.models import Membership
from reservations.models import Reservation
from vouchers.models import Customer, PriceListItem, ServiceAgreement, Voucher, VoucherKind

pytestmark = pytest.mark.django_db


def counts():
    return (
        Voucher.objects.count(), Reservation.objects.count(), Event.objects.count(),
        Customership.objects.count(), Customer.objects.count(), Membership.objects.count(),
        Rulebook.objects.count(), RulebookAcceptance.objects.count(), Application.objects.count(),
        ApplicationAttachment.objects.count(), Notification.objects.count(), AuditEntry.objects.count(),
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


def test_load_demo__esimerkki_publishes_a_rulebook_for_each_service_it_has_agreements_for__agreed_prices_within():
    call_command("load_demo")
    esimerkki = Membership.objects.get(user__username="jarjestaja-paakayttaja").organiser
    agreed = set(ServiceAgreement.objects.filter(organiser=esimerkki).values_list("service__name", flat=True))
    rulebooks = {rulebook.service.name: rulebook for rulebook in Rulebook.objects.filter(organiser=esimerkki)}
    assert set(rulebooks) == agreed and "Kotihoito" in agreed
    for rulebook in rulebooks.values():
        assert rulebook.version == 1 and rulebook.general_text.startswith("# ") and rulebook.service_text
        ceilings = {row.content_id: row.unit_price for row in rulebook.prices.all()}
        assert set(ceilings) == set(rulebook.service.contents.values_list("pk", flat=True))
        items = PriceListItem.objects.filter(price_list__agreement__organiser=esimerkki,
                                             price_list__agreement__service=rulebook.service)
        assert all(item.unit_price <= ceilings[item.content_id] for item in items)
    assert rulebooks["Omaishoidon vapaa"].pricing == Pricing.FIXED
    assert rulebooks["Siivous"].pricing == Pricing.PROVIDER
    kotihoito = RulebookAcceptance.objects.get(rulebook=rulebooks["Kotihoito"])
    assert kotihoito.provider.name == "Hoiva Esimerkki Oy"


def test_load_demo__hoiva_has_sent_an_application_for_siivous__in_the_organiser_admins_queue():
    call_command("load_demo")
    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=["tuottaja", "jarjestaja-paakayttaja"])}
    application = applications_of(users["tuottaja"]).get()
    assert (application.service.name, application.organiser.name) == ("Siivous", "Esimerkin hyvinvointialue")
    assert application.state == ApplicationState.SENT and application.accepted_by == users["tuottaja"]
    assert not ServiceAgreement.objects.filter(provider=application.provider, service=application.service).exists()
    assert application.offices.count() == 2 and application.soteri_id
    maximum = application.rulebook.prices.get().unit_price
    assert 0 < application.prices.get().unit_price <= maximum
    assert list(review_queue(users["jarjestaja-paakayttaja"])) == [application]
    assert application_for_review(users["jarjestaja-paakayttaja"], application.pk) == application
    attachment = application.attachments.get()
    with attachment.file.open("rb") as stored:
        upload = SimpleUploadedFile(attachment.name, stored.read())
    assert check_upload(upload).content_type == "application/pdf" == attachment.content_type


def test_load_demo__attachment_file_missing__written_again_under_its_name():
    call_command("load_demo")
    attachment = ApplicationAttachment.objects.get()
    attachment.file.storage.delete(attachment.file.name)
    call_command("load_demo")
    assert attachment.file.storage.exists(attachment.file.name)
    assert ApplicationAttachment.objects.get().file.name == attachment.file.name
