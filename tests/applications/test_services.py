"""Hakeutuminen's rules, each through its service; every refusal writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from applications import rulebooks, services
from applications.models import Application, ApplicationAttachment, ApplicationState, Pricing, Rulebook, RulebookAcceptance
from core.dates import today
from core.errors import DomainError, ErrorCode
from notifications.models import Notification, NotificationKind
from organisations.models import Membership, Office, Provider
from tests.applications.scenarios import (
    agreement_from,
    filled_application,
    offered_service,
    organiser_admin,
    pdf,
    sent_application,
    signed_up_user,
)
from tests.factories import OrganiserFactory, ServiceFactory, provider_user
from vouchers.models import PriceList, ServiceAgreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return organiser_admin(OrganiserFactory(name="Esimerkin hyvinvointialue"))


@pytest.fixture
def organiser(admin):
    return admin.membership.organiser


# --- rulebooks ------------------------------------------------------------------------------------------


def test_rulebook_publish__versions_count_up_per_service(admin):
    service, first = offered_service(admin)
    _, second = offered_service(admin, service=service)
    assert (first.version, second.version) == (1, 2)
    assert second.prices.count() == 2


def test_rulebook_publish__by_staff_or_provider__refused(admin):
    service = ServiceFactory()
    staff = provider_user()
    with pytest.raises(DomainError) as refused:
        rulebooks.rulebook_publish(user=staff, service=service, general_text="a", service_text="b", valid_from=today(),
                                   accept_by=None, pricing=Pricing.FIXED, prices=[])
    assert refused.value.code == ErrorCode.NOT_ALLOWED
    assert not Rulebook.objects.exists()


def test_rulebook_publish__a_content_without_price__refused_nothing_written(admin):
    service, _ = offered_service(admin)
    with pytest.raises(DomainError) as refused:
        rulebooks.rulebook_publish(user=admin, service=service, general_text="a", service_text="b", valid_from=today(),
                                   accept_by=None, pricing=Pricing.FIXED, prices=[])
    assert refused.value.code == ErrorCode.PRICE_REQUIRED
    assert Rulebook.objects.count() == 1


def test_rulebook_publish__accept_by_in_the_past__refused(admin):
    service, _ = offered_service(admin)
    with pytest.raises(DomainError) as refused:
        offered_service(admin, service=service, accept_by=today() - dt.timedelta(days=1))
    assert refused.value.code == ErrorCode.ACCEPT_BY_PAST


def test_rulebook__published_version_cannot_be_updated__database_refuses(admin):
    _, rulebook = offered_service(admin)
    with pytest.raises(IntegrityError, match="Julkaistua sääntökirjaa ei voi muuttaa"), transaction.atomic():
        Rulebook.objects.filter(pk=rulebook.pk).update(general_text="muutettu")
    with pytest.raises(IntegrityError), transaction.atomic():
        rulebook.prices.update(unit_price=Decimal("1.00"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT general_text FROM applications_rulebook WHERE id = %s", [rulebook.pk])
        assert cursor.fetchone()[0].startswith("# Yleistä")


def test_rulebook_publish__with_a_zip_as_attachment__refused(admin):
    from tests.applications.scenarios import zip_bomb_pdf

    service, _ = offered_service(admin)
    with pytest.raises(DomainError) as refused:
        rulebooks.rulebook_publish(
            user=admin, service=service, general_text="a", service_text="b", valid_from=today(), accept_by=None,
            pricing=Pricing.FIXED, prices=[rulebooks.RulebookPriceRow(c, Decimal("1")) for c in service.contents.all()],
            attachments=[zip_bomb_pdf()])
    assert refused.value.code == ErrorCode.ATTACHMENT_ARCHIVE
    assert Rulebook.objects.count() == 1


# --- applications ---------------------------------------------------------------------------------------


def test_application_create__service_the_organiser_does_not_offer__refused(organiser):
    user = signed_up_user()
    with pytest.raises(DomainError) as refused:
        services.application_create(user=user, organiser_id=organiser.pk, service=ServiceFactory())
    assert refused.value.code == ErrorCode.SERVICE_NOT_OFFERED
    assert not Application.objects.exists()


def test_application_create__second_open_application_for_the_same_service__refused(admin, organiser):
    service, _ = offered_service(admin)
    user = signed_up_user()
    services.application_create(user=user, organiser_id=organiser.pk, service=service)
    with pytest.raises(DomainError) as refused:
        services.application_create(user=user, organiser_id=organiser.pk, service=service)
    assert refused.value.code == ErrorCode.APPLICATION_OPEN
    assert Application.objects.count() == 1


def test_application__one_open_per_company_and_service__database_constraint(admin, organiser):
    service, _ = offered_service(admin)
    first = services.application_create(user=signed_up_user(), organiser_id=organiser.pk, service=service)
    twin = Application(organiser=organiser, service=service, signup=first.signup, business_id=first.business_id,
                       company_name="x")
    with pytest.raises(IntegrityError, match="application_one_open_per_service"), transaction.atomic():
        twin.save()


def test_application_send__rulebook_not_accepted__refused_stays_draft(admin, organiser):
    service, rulebook = offered_service(admin)
    user = signed_up_user()
    application = filled_application(user, organiser, service)
    with pytest.raises(DomainError) as refused:
        services.application_send(user=user, application=application, rulebook_id=rulebook.pk, accepted=False)
    assert refused.value.code == ErrorCode.RULEBOOK_NOT_ACCEPTED
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT and application.accepted_at is None


def test_application_send__missing_soteri_and_office__lists_what_is_missing(admin, organiser):
    service, rulebook = offered_service(admin)
    user = signed_up_user()
    application = services.application_create(user=user, organiser_id=organiser.pk, service=service)
    with pytest.raises(DomainError) as refused:
        services.application_send(user=user, application=application, rulebook_id=rulebook.pk, accepted=True)
    assert refused.value.code == ErrorCode.APPLICATION_INCOMPLETE
    assert "Soteri" in refused.value.message and "toimipaikka" in refused.value.message


def test_application_send__records_who_accepted_which_version_and_when(admin, organiser):
    service, rulebook = offered_service(admin)
    user = signed_up_user()
    application = sent_application(user, organiser, service, rulebook)
    assert application.state == ApplicationState.SENT
    assert (application.rulebook, application.accepted_by) == (rulebook, user)
    assert application.accepted_at is not None
    assert Notification.objects.filter(organiser=organiser, kind=NotificationKind.APPLICATION_SENT).count() == 1


def test_application_send__newer_rulebook_published_meanwhile__refused(admin, organiser):
    service, rulebook = offered_service(admin)
    user = signed_up_user()
    application = filled_application(user, organiser, service)
    offered_service(admin, service=service)
    with pytest.raises(DomainError) as refused:
        services.application_send(user=user, application=application, rulebook_id=rulebook.pk, accepted=True)
    assert refused.value.code == ErrorCode.RULEBOOK_CHANGED


def test_application_update__sent__not_editable(admin, organiser):
    service, rulebook = offered_service(admin)
    user = signed_up_user()
    application = sent_application(user, organiser, service, rulebook)
    with pytest.raises(DomainError) as refused:
        services.application_update(user=user, application=application, contact_name="x", email="", phone="",
                                     soteri_id="muutettu", offices=[], prices={})
    assert refused.value.code == ErrorCode.APPLICATION_NOT_EDITABLE
    application.refresh_from_db()
    assert application.soteri_id == "SOTERI-123" and application.offices.count() == 1
    with pytest.raises(DomainError):
        services.attachment_add(user=user, application=application, upload=pdf())
    assert application.attachments.count() == 1


def test_application_update__price_above_organisers_maximum__refused(admin, organiser):
    service, rulebook = offered_service(admin, pricing=Pricing.PROVIDER, price=Decimal("50.00"))
    user = signed_up_user()
    application = services.application_create(user=user, organiser_id=organiser.pk, service=service)
    content = service.contents.first()
    with pytest.raises(DomainError) as refused:
        services.application_update(user=user, application=application, contact_name="x", email="x@x.fi", phone="",
                                    soteri_id="S", offices=[], prices={content.pk: Decimal("50.01")})
    assert refused.value.code == ErrorCode.PRICE_ABOVE_MAX
    assert "50,01" in refused.value.message
    assert not application.prices.exists()


def test_application__of_another_applicant__not_found(admin, organiser):
    service, rulebook = offered_service(admin)
    application = filled_application(signed_up_user(), organiser, service)
    other = provider_user()
    with pytest.raises(DomainError) as refused:
        services.application_send(user=other, application=application, rulebook_id=rulebook.pk, accepted=True)
    assert refused.value.code == ErrorCode.NOT_FOUND


# --- review ---------------------------------------------------------------------------------------------


def test_application_approve__new_company__provider_offices_agreement_price_list_membership(admin, organiser):
    service, rulebook = offered_service(admin)
    user = signed_up_user()
    application = sent_application(user, organiser, service, rulebook)

    services.application_approve(user=admin, application=application, valid_from=today(), valid_to=None)

    application.refresh_from_db()
    provider = Provider.objects.get(business_id="1572860-0")
    assert application.state == ApplicationState.APPROVED and application.provider == provider
    assert provider.units.filter(is_default=True).exists()
    assert list(Office.objects.filter(provider=provider).values_list("name", flat=True)) == ["Keskusta"]
    agreement = ServiceAgreement.objects.get(provider=provider, organiser=organiser, service=service)
    assert application.agreement == agreement
    price_list = PriceList.objects.get(agreement=agreement)
    assert sorted(price_list.items.values_list("unit_price", flat=True)) == [Decimal("40.00")] * 2
    membership = Membership.objects.get(user=user)
    assert membership.provider == provider and membership.role == Membership.Role.PROVIDER_ADMIN
    assert RulebookAcceptance.objects.filter(rulebook=rulebook, provider=provider, accepted_by=user).exists()
    assert Notification.objects.filter(provider=provider, kind=NotificationKind.APPLICATION_APPROVED).exists()


def test_application_approve__twice__second_refused_nothing_more_written(admin, organiser):
    service, rulebook = offered_service(admin)
    application = sent_application(signed_up_user(), organiser, service, rulebook)
    services.application_approve(user=admin, application=application, valid_from=today(), valid_to=None)
    counts = (ServiceAgreement.objects.count(), PriceList.objects.count(), Provider.objects.count())
    with pytest.raises(DomainError) as refused:
        services.application_approve(user=admin, application=application, valid_from=today(), valid_to=None)
    assert refused.value.code == ErrorCode.APPLICATION_DECIDED
    assert (ServiceAgreement.objects.count(), PriceList.objects.count(), Provider.objects.count()) == counts


def test_application_approve__existing_provider__uses_its_prices_within_maximum(admin, organiser):
    service, rulebook = offered_service(admin, pricing=Pricing.PROVIDER, price=Decimal("50.00"))
    provider_admin = provider_user()
    prices = {content.pk: Decimal("45.50") for content in service.contents.all()}
    application = sent_application(provider_admin, organiser, service, rulebook, prices=prices)
    services.application_approve(user=admin, application=application, valid_from=today(), valid_to=None)
    agreement = ServiceAgreement.objects.get(provider=provider_admin.membership.provider, service=service)
    assert set(agreement.price_lists.get().items.values_list("unit_price", flat=True)) == {Decimal("45.50")}


def test_application_approve__overlapping_agreement__refused_nothing_half_saved(admin, organiser):
    service, rulebook = offered_service(admin)
    provider_admin = provider_user()
    application = sent_application(provider_admin, organiser, service, rulebook)
    agreement_from(admin, provider_admin.membership.provider, service)
    with pytest.raises(DomainError) as refused:
        services.application_approve(user=admin, application=application, valid_from=today(), valid_to=None)
    assert refused.value.code == ErrorCode.AGREEMENT_OVERLAP
    application.refresh_from_db()
    assert application.state == ApplicationState.SENT
    assert ServiceAgreement.objects.count() == 1 and not PriceList.objects.exists()


def test_application_approve__by_another_organisers_admin__not_found(admin, organiser):
    service, rulebook = offered_service(admin)
    application = sent_application(signed_up_user(), organiser, service, rulebook)
    with pytest.raises(DomainError) as refused:
        services.application_approve(user=organiser_admin(), application=application, valid_from=today(), valid_to=None)
    assert refused.value.code == ErrorCode.NOT_FOUND


def test_application_reject__needs_a_reason__then_the_applicant_sees_it(admin, organiser):
    service, rulebook = offered_service(admin)
    application = sent_application(signed_up_user(), organiser, service, rulebook)
    with pytest.raises(DomainError) as refused:
        services.application_reject(user=admin, application=application, reason="  ")
    assert refused.value.code == ErrorCode.REASON_REQUIRED
    services.application_reject(user=admin, application=application, reason="Soteri-tunnus ei täsmää.")
    application.refresh_from_db()
    assert (application.state, application.reason) == (ApplicationState.REJECTED, "Soteri-tunnus ei täsmää.")


def test_application_request_completion__applicant_edits_and_sends_again(admin, organiser, mailoutbox):
    service, rulebook = offered_service(admin)
    user = signed_up_user()
    application = sent_application(user, organiser, service, rulebook)
    services.application_request_completion(user=admin, application=application, text="Lisää vakuutustodistus.")
    application.refresh_from_db()
    assert application.state == ApplicationState.COMPLETION
    services.attachment_add(user=user, application=application, upload=pdf("vakuutus.pdf"))
    services.application_send(user=user, application=application, rulebook_id=rulebook.pk, accepted=True)
    application.refresh_from_db()
    assert application.state == ApplicationState.SENT and application.attachments.count() == 2


def test_application_request_completion__needs_the_text(admin, organiser):
    service, rulebook = offered_service(admin)
    application = sent_application(signed_up_user(), organiser, service, rulebook)
    with pytest.raises(DomainError) as refused:
        services.application_request_completion(user=admin, application=application, text="")
    assert refused.value.code == ErrorCode.COMPLETION_REQUIRED


# --- rulebook changes ------------------------------------------------------------------------------------


def test_rulebook_new_version__provider_that_does_not_accept_by_the_date_loses_its_agreement_that_day(admin, organiser):
    service, _ = offered_service(admin)
    accepting, ignoring = provider_user(), provider_user()
    for user in (accepting, ignoring):
        agreement_from(admin, user.membership.provider, service)
    deadline = today() + dt.timedelta(days=10)
    _, version2 = offered_service(admin, service=service, accept_by=deadline)
    assert Notification.objects.filter(kind=NotificationKind.RULEBOOK_PUBLISHED).count() == 2
    rulebooks.rulebook_accept(user=accepting, rulebook=version2)

    # A week before: the one that has not accepted is reminded.
    assert rulebooks.rulebooks_enforce(day=deadline - dt.timedelta(days=7)) == {"ended": 0, "reminded": 1}
    # On the date itself the provider may still accept: nothing ends yet.
    assert rulebooks.rulebooks_enforce(day=deadline)["ended"] == 0
    # The job of the next day ends the agreement on the date; run twice, it changes nothing more.
    assert rulebooks.rulebooks_enforce(day=deadline + dt.timedelta(days=1))["ended"] == 1
    assert rulebooks.rulebooks_enforce(day=deadline + dt.timedelta(days=1))["ended"] == 0

    ended = ServiceAgreement.objects.get(provider=ignoring.membership.provider)
    kept = ServiceAgreement.objects.get(provider=accepting.membership.provider)
    assert ended.valid_to == deadline and kept.valid_to is None
    assert Notification.objects.filter(provider=ignoring.membership.provider, kind=NotificationKind.AGREEMENT_ENDED).exists()


def test_rulebook_accept__provider_without_agreement__not_found(admin):
    _, rulebook = offered_service(admin)
    with pytest.raises(DomainError) as refused:
        rulebooks.rulebook_accept(user=provider_user(), rulebook=rulebook)
    assert refused.value.code == ErrorCode.NOT_FOUND
    assert not RulebookAcceptance.objects.exists()


def test_enforce_rulebooks_job__runs_on_the_test_database(admin, organiser):
    from applications import tasks

    service, _ = offered_service(admin)
    provider = provider_user().membership.provider
    agreement_from(admin, provider, service)
    deadline = today() + dt.timedelta(days=1)
    offered_service(admin, service=service, accept_by=deadline)
    the_day_after = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(1, 0), tzinfo=dt.UTC)
    tasks.enforce_rulebooks(timestamp=int(the_day_after.timestamp()))
    assert ServiceAgreement.objects.get(provider=provider).valid_to == deadline


def test_enforce_rulebooks__declared_periodic_nightly():
    from procrastinate.contrib.django import app

    from applications import tasks

    periodic = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    assert periodic[tasks.enforce_rulebooks.name] == "30 0 * * *"


def test_attachment_rows__type_from_content(admin, organiser):
    service, _ = offered_service(admin)
    application = filled_application(signed_up_user(), organiser, service)
    attachment = ApplicationAttachment.objects.get(application=application)
    assert (attachment.name, attachment.content_type) == ("todistus.pdf", "application/pdf")
    assert attachment.file.name.startswith("hakemukset/") and "todistus" not in attachment.file.name
