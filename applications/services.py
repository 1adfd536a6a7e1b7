"""An application's life: the applicant (a provider's admin, or a signed-up company's user) makes a
draft for a service an organiser offers, fills it in, attaches files and sends it with the rulebook
accepted; the organiser's admin approves it, rejects it with a reason, or asks for completion, after
which the applicant may change it and send it again (states: applications.models.ApplicationState).

Approving is one transaction: the provider (and its default unit) if new, its new offices, the
service agreement and its price list (registers.services, the same rules as the registers' pages),
the applicant's membership as the provider's admin, and the rulebook's acceptance. The application's
row is locked first, so a second approval waits and then finds it decided; the agreement is one to
one with the application and agreements of a provider and service never overlap (exclusion
constraint), so a race past the lock still hits the database. One open application per company,
organiser and service is a partial unique constraint."""

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import rulebooks
from applications.files import check_upload
from applications.models import (
    Application,
    ApplicationAttachment,
    ApplicationOffice,
    ApplicationPrice,
    ApplicationState,
    OfficeLanguage,
    Pricing,
)
from applications.selectors import applicant_of
from audit.services import audit_log
from core.dates import format_day
from core.errors import DomainError, ErrorCode
from core.money import format_amount, to_cents
from notifications.models import TEXTS, NotificationKind
from notifications.services import notify
from organisations import permissions
from organisations.services import provider_admin_add, provider_from_application, provider_offices_add
from registers.services import Price, agreement_create, price_list_create
from vouchers.models import Service, ServiceContent

State = ApplicationState
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OfficeData:
    name: str
    street_address: str
    municipality: str
    languages: tuple[str, ...]


def _messages(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _applicant(user):
    applicant = applicant_of(user)
    if applicant is None:
        raise DomainError(ErrorCode.NOT_ALLOWED, _("Hakemuksen voi tehdä palveluntuottajan pääkäyttäjä tai "
                                                   "rekisteröitynyt yritys."))
    return applicant


def _own_locked(user, application: Application) -> Application:
    applicant = _applicant(user)
    found = (Application.objects.select_for_update(of=("self",)).filter(applicant.owns_q(), pk=application.pk)
             .select_related("organiser", "service").first())
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Hakemusta ei löydy."))
    return found


def _editable(application: Application) -> None:
    if not application.editable:
        raise DomainError(ErrorCode.APPLICATION_NOT_EDITABLE)


def _open_refusal():
    return DomainError(ErrorCode.APPLICATION_OPEN, field="palvelu")


@transaction.atomic
def application_create(*, user, organiser_id: int, service: Service, request=None) -> Application:
    """A draft for a service the organiser offers (has published a rulebook for); one open
    application per company, organiser and service."""
    applicant = _applicant(user)
    rulebook = rulebooks.latest_rulebook(organiser_id, service.pk)
    if rulebook is None:
        raise DomainError(ErrorCode.SERVICE_NOT_OFFERED, field="palvelu")
    open_ones = Application.objects.filter(business_id=applicant.business_id, organiser_id=organiser_id,
                                           service=service, state__in=State.open())
    if open_ones.exists():
        raise _open_refusal()
    signup = applicant.signup
    application = Application(
        organiser_id=organiser_id, service=service, provider=applicant.provider, signup=signup,
        business_id=applicant.business_id, company_name=applicant.company_name,
        contact_name=signup.contact_name if signup else (user.get_full_name() or user.username),
        email=signup.email if signup else user.email, created_by=user,
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:  # the same draft made at this moment in another tab
        raise _open_refusal() from None
    audit_log(user=user, action="change", request=request, organisation=applicant.company_name,
              what=f"Hakemus {service.name}: luonnos luotu")
    return application


def _check_prices(application: Application, rulebook, prices: dict) -> None:
    """Prices within the rulebook's maximum, where the organiser lets providers price."""
    if rulebook is None or rulebook.pricing != Pricing.PROVIDER:
        return
    ceilings = {row.content_id: row for row in rulebook.prices.select_related("content")}
    for content_id, price in prices.items():
        ceiling = ceilings.get(content_id)
        if price is not None and ceiling is not None and price > ceiling.unit_price:
            raise DomainError(ErrorCode.PRICE_ABOVE_MAX, price=format_amount(price), max=format_amount(ceiling.unit_price),
                              name=ceiling.content.name)


@transaction.atomic
def application_update(*, user, application: Application, contact_name: str, email: str, phone: str,
                       soteri_id: str, offices: list[OfficeData], prices: dict[int, Decimal | None],
                       request=None) -> Application:
    """The applicant's changes to a draft, or to a sent application the organiser asked to complete:
    contact details, the Soteri register entry, the offices and (where the organiser lets providers
    price) the prices. Offices and prices are replaced by what was given."""
    application = _own_locked(user, application)
    _editable(application)
    contents = set(ServiceContent.objects.filter(service_id=application.service_id).values_list("pk", flat=True))
    if set(prices) - contents:
        raise DomainError(ErrorCode.CONTENT_NOT_OF_SERVICE)
    prices = {pk: to_cents(price) for pk, price in prices.items() if price is not None}
    _check_prices(application, rulebooks.latest_rulebook(application.organiser_id, application.service_id), prices)
    application.contact_name, application.email, application.phone = contact_name, email, phone
    application.soteri_id = soteri_id
    try:
        application.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise DomainError(ErrorCode.INVALID, _messages(error)) from None
    application.save(update_fields=["contact_name", "email", "phone", "soteri_id"])
    application.offices.all().delete()
    names = set()
    for office in offices:
        if office.name in names:
            raise DomainError(ErrorCode.DUPLICATE_NAME, _("Kahdella toimipaikalla on sama nimi: %(name)s.") % {
                "name": office.name})
        names.add(office.name)
        languages = [code for code in office.languages if code in OfficeLanguage.values]
        ApplicationOffice.objects.create(application=application, name=office.name, street_address=office.street_address,
                                         municipality=office.municipality, languages=",".join(languages))
    application.prices.all().delete()
    ApplicationPrice.objects.bulk_create(
        ApplicationPrice(application=application, content_id=pk, unit_price=price) for pk, price in prices.items())
    return application


@transaction.atomic
def attachment_add(*, user, application: Application, upload, request=None) -> ApplicationAttachment:
    """A file of an editable application; its type read from its content (applications.files)."""
    application = _own_locked(user, application)
    _editable(application)
    info = check_upload(upload)
    attachment = ApplicationAttachment(application=application, name=info.name, content_type=info.content_type,
                                       size=info.size, uploaded_by=user)
    attachment.file.save(info.name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    audit_log(user=user, action="change", request=request, organisation=application.company_name,
              what=f"Hakemus {application.service.name}: liite {info.name} lisätty")
    return attachment


@transaction.atomic
def attachment_remove(*, user, attachment: ApplicationAttachment, request=None) -> None:
    application = _own_locked(user, attachment.application)
    _editable(application)
    name, file = attachment.name, attachment.file
    ApplicationAttachment.objects.filter(pk=attachment.pk, application=application).delete()
    transaction.on_commit(lambda: file.storage.delete(file.name))
    audit_log(user=user, action="change", request=request, organisation=application.company_name,
              what=f"Hakemus {application.service.name}: liite {name} poistettu")


def _missing(application: Application, rulebook) -> list[str]:
    missing = []
    if not application.soteri_id.strip():
        missing.append(_("Soteri-rekisterin tunnus"))
    if not application.offices.exists():
        missing.append(_("vähintään yksi toimipaikka"))
    if not application.contact_name.strip() or not application.email.strip():
        missing.append(_("yhteyshenkilö ja sähköposti"))
    if rulebook.pricing == Pricing.PROVIDER:
        priced = set(application.prices.values_list("content_id", flat=True))
        unpriced = rulebook.prices.exclude(content_id__in=priced).select_related("content")
        missing += [_("hinta: %(name)s") % {"name": row.content.name} for row in unpriced]
    return missing


@transaction.atomic
def application_send(*, user, application: Application, rulebook_id: int | None, accepted: bool,
                     request=None) -> Application:
    """Send a draft (or a completed application) with the newest rulebook version accepted: who and
    when are recorded. What is missing is listed in the refusal; nothing is changed then."""
    application = _own_locked(user, application)
    _editable(application)
    rulebook = rulebooks.latest_rulebook(application.organiser_id, application.service_id)
    if rulebook is None:
        raise DomainError(ErrorCode.SERVICE_NOT_OFFERED)
    if not accepted:
        raise DomainError(ErrorCode.RULEBOOK_NOT_ACCEPTED, field="hyvaksyn")
    if rulebook_id != rulebook.pk:
        raise DomainError(ErrorCode.RULEBOOK_CHANGED, version=rulebook.version)
    missing = _missing(application, rulebook)
    if missing:
        raise DomainError(ErrorCode.APPLICATION_INCOMPLETE, missing=", ".join(missing))
    _check_prices(application, rulebook, dict(application.prices.values_list("content_id", "unit_price")))
    now = timezone.now()
    application.state = State.SENT
    application.rulebook, application.accepted_by, application.accepted_at = rulebook, user, now
    application.sent_at = application.sent_at or now  # completed ones keep their place in the queue
    application.save(update_fields=["state", "rulebook", "accepted_by", "accepted_at", "sent_at"])
    notify(organiser_id=application.organiser_id, kind=NotificationKind.APPLICATION_SENT,
           params={"company": application.company_name, "service": application.service.name})
    audit_log(user=user, action="change", request=request, organisation=application.company_name,
              what=f"Hakemus {application.service.name}: lähetetty; sääntökirja {rulebook.version} hyväksytty")
    return application


# --- review: the organiser's admin ---------------------------------------------------------------------


def _for_review(user, application: Application) -> Application:
    if not permissions.is_organiser_admin(user):
        raise DomainError(ErrorCode.NOT_ALLOWED, _("Vain palvelunjärjestäjän pääkäyttäjä käsittelee hakemuksia."))
    found = (Application.objects.select_for_update(of=("self",))
             .filter(organiser_id=permissions.organiser_id_of(user), pk=application.pk)
             .select_related("organiser", "service", "rulebook", "signup").first())
    if found is None or found.state == State.DRAFT:
        raise DomainError(ErrorCode.NOT_FOUND, _("Hakemusta ei löydy."))
    return found


def _move(application: Application, state: str) -> None:
    if not State(application.state).can_become(state):
        raise DomainError(ErrorCode.APPLICATION_DECIDED, state=State(application.state).label)


def _tell_applicant(application: Application, *, kind: str, params: dict) -> None:
    """A notification to the provider, if there is one; an e-mail to the applicant's address."""
    params = {"organiser": application.organiser.name, "service": application.service.name, **params}
    if application.provider_id is not None:
        notify(provider_id=application.provider_id, kind=kind, params=params)
    if application.email:
        text = str(TEXTS[NotificationKind(kind)]) % {"reason": "", "day": "", **params}
        subject = f"PSOP: {NotificationKind(kind).label}"
        email = application.email
        transaction.on_commit(lambda: _send(subject, text, email))


def _send(subject: str, text: str, address: str) -> None:
    try:
        send_mail(subject, text, None, [address])
    except OSError:  # the decision stands and is on the applicant's page; a mail server down must not fail it
        logger.exception("Application e-mail to %s not sent", address)


@transaction.atomic
def application_approve(*, user, application: Application, valid_from: dt.date, valid_to: dt.date | None,
                        request=None) -> Application:
    application = _for_review(user, application)
    _move(application, State.APPROVED)
    provider = application.provider or provider_from_application(name=application.company_name,
                                                                 business_id=application.business_id)
    provider_offices_add(provider=provider, offices=[
        {"name": office.name, "street_address": office.street_address, "municipality": office.municipality}
        for office in application.offices.all()])
    agreement = agreement_create(user=user, provider=provider, service=application.service, valid_from=valid_from,
                                 valid_to=valid_to, request=request)
    rulebook = application.rulebook
    if rulebook.pricing == Pricing.FIXED:
        rows = rulebook.prices.select_related("content")
    else:
        rows = application.prices.select_related("content")
    price_list_create(user=user, agreement=agreement, name=_("Hinnasto"), valid_from=valid_from, valid_to=valid_to,
                      prices=[Price(content=row.content, unit_price=row.unit_price) for row in rows], request=request)
    if application.signup_id is not None and application.signup.user_id is not None:
        provider_admin_add(provider=provider, user=application.signup.user)
    rulebooks.acceptance_record(rulebook=rulebook, provider_id=provider.pk, user=application.accepted_by)
    application.state, application.provider, application.agreement = State.APPROVED, provider, agreement
    application.decided_at, application.decided_by = timezone.now(), user
    try:
        with transaction.atomic():
            application.save(update_fields=["state", "provider", "agreement", "decided_at", "decided_by"])
    except IntegrityError:
        raise DomainError(ErrorCode.APPLICATION_DECIDED, state=State.APPROVED.label) from None
    _tell_applicant(application, kind=NotificationKind.APPLICATION_APPROVED, params={"day": format_day(valid_from)})
    audit_log(user=user, action="change", request=request, organisation=permissions.organisation_name(user),
              what=f"Hakemus {application.company_name} – {application.service.name}: hyväksytty")
    return application


@transaction.atomic
def application_reject(*, user, application: Application, reason: str, request=None) -> Application:
    application = _for_review(user, application)
    _move(application, State.REJECTED)
    if not reason.strip():
        raise DomainError(ErrorCode.REASON_REQUIRED, _("Kirjoita hylkäyksen perustelu; hakija näkee sen."),
                          field="perustelu")
    application.state, application.reason = State.REJECTED, reason.strip()
    application.decided_at, application.decided_by = timezone.now(), user
    application.save(update_fields=["state", "reason", "decided_at", "decided_by"])
    _tell_applicant(application, kind=NotificationKind.APPLICATION_REJECTED, params={"reason": application.reason})
    audit_log(user=user, action="change", request=request, organisation=permissions.organisation_name(user),
              what=f"Hakemus {application.company_name} – {application.service.name}: hylätty")
    return application


@transaction.atomic
def application_request_completion(*, user, application: Application, text: str, request=None) -> Application:
    application = _for_review(user, application)
    _move(application, State.COMPLETION)
    if not text.strip():
        raise DomainError(ErrorCode.COMPLETION_REQUIRED, field="taydennys")
    application.state, application.completion_request = State.COMPLETION, text.strip()
    application.save(update_fields=["state", "completion_request"])
    _tell_applicant(application, kind=NotificationKind.COMPLETION_REQUESTED, params={"reason": text.strip()})
    audit_log(user=user, action="change", request=request, organisation=permissions.organisation_name(user),
              what=f"Hakemus {application.company_name} – {application.service.name}: täydennystä pyydetty")
    return application
