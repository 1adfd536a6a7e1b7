"""Rulebooks (sääntökirjat): an organiser's admin publishes a new version for a service; a provider
of that service accepts it; a version not accepted by its date ends the provider's agreement on
that date (``rulebooks_enforce``, a daily job; announced when published and a week before).

A published version is never changed: publishing makes a new row, the services here have no
"update", and the database refuses an UPDATE of a rulebook, its prices and its attachments
(trigger ``psop_rulebook_immutable``, migration 0002)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils.translation import gettext as _

from applications.files import check_upload
from applications.models import Pricing, Rulebook, RulebookAcceptance, RulebookAttachment, RulebookPrice
from audit.services import audit_log
from core.dates import format_day, today
from core.errors import DomainError, ErrorCode
from core.money import to_cents
from notifications.models import NotificationKind
from notifications.services import notify
from organisations import permissions
from registers.services import agreement_end
from vouchers.models import Service, ServiceAgreement, ServiceContent

# A week before a version's date, its providers who have not accepted it are reminded.
REMIND_DAYS = 7
# The daily job looks this far back for dates it has not enforced yet (a worker down for days).
ENFORCE_LOOKBACK_DAYS = 30
SYSTEM_ACTOR = "PSOP (sääntökirja)"


@dataclass(frozen=True)
class RulebookPriceRow:
    content: ServiceContent
    unit_price: Decimal | None


def _organiser_id(user) -> int:
    if not permissions.is_organiser_admin(user):
        raise DomainError(ErrorCode.NOT_ALLOWED, _("Vain palvelunjärjestäjän pääkäyttäjä voi julkaista sääntökirjoja."))
    return permissions.organiser_id_of(user)


def _name(user) -> str:
    return user.get_full_name() or user.username


def agreements_of_service(organiser_id: int, service_id: int, day: dt.date):
    """The organiser's agreements for the service in force on ``day`` or later."""
    return ServiceAgreement.objects.filter(organiser_id=organiser_id, service_id=service_id).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day))


@transaction.atomic
def rulebook_publish(*, user, service: Service, general_text: str, service_text: str, valid_from: dt.date,
                     accept_by: dt.date | None, pricing: str, prices: list[RulebookPriceRow], attachments=(),
                     request=None) -> Rulebook:
    """A new version of the organiser's rulebook for ``service`` (1 for the first). Every content of
    the service is priced: the fixed price, or the most a provider may ask. The providers with an
    agreement for the service are told, and asked to accept it by ``accept_by``."""
    organiser_id = _organiser_id(user)
    service = Service.objects.select_for_update().filter(pk=service.pk).first()
    if service is None or service.organiser_id not in (None, organiser_id):
        raise DomainError(ErrorCode.NOT_FOUND, _("Palvelua ei löydy."))
    if accept_by is not None and accept_by < today():
        raise DomainError(ErrorCode.ACCEPT_BY_PAST)
    Pricing(pricing)
    contents = {content.pk: content for content in ServiceContent.objects.filter(service=service)}
    given = {row.content.pk: row.unit_price for row in prices}
    for content in contents.values():
        if given.get(content.pk) is None:
            raise DomainError(ErrorCode.PRICE_REQUIRED, name=content.name)
    if set(given) - set(contents):
        raise DomainError(ErrorCode.CONTENT_NOT_OF_SERVICE)
    checked = [(upload, check_upload(upload)) for upload in attachments]
    for _upload, info in checked:
        if info.content_type != "application/pdf":
            raise DomainError(ErrorCode.ATTACHMENT_TYPE, _("Sääntökirjan liitteen on oltava PDF-tiedosto."))
    latest = Rulebook.objects.filter(organiser_id=organiser_id, service=service).aggregate(v=Max("version"))["v"]
    rulebook = Rulebook(organiser_id=organiser_id, service=service, version=(latest or 0) + 1,
                        general_text=general_text, service_text=service_text, valid_from=valid_from,
                        accept_by=accept_by, pricing=pricing, published_by=user)
    try:
        with transaction.atomic():
            rulebook.save()
    except IntegrityError:  # another admin published a version of the same service at this moment
        raise DomainError(ErrorCode.APPLICATION_DECIDED, _("Toinen pääkäyttäjä julkaisi juuri version. Yritä uudelleen.")) from None
    RulebookPrice.objects.bulk_create(
        RulebookPrice(rulebook=rulebook, content_id=pk, unit_price=to_cents(price)) for pk, price in given.items())
    for upload, info in checked:
        attachment = RulebookAttachment(rulebook=rulebook, name=info.name, content_type=info.content_type, size=info.size)
        attachment.file.save(info.name, upload, save=False)
        attachment.save()
    if accept_by is not None:
        for agreement in agreements_of_service(organiser_id, service.pk, today()).select_related("organiser"):
            notify(provider_id=agreement.provider_id, kind=NotificationKind.RULEBOOK_PUBLISHED,
                   params={"organiser": agreement.organiser.name, "service": service.name,
                           "version": rulebook.version, "day": format_day(accept_by)})
    audit_log(user=user, action="change", request=request, organisation=permissions.organisation_name(user),
              what=f"Sääntökirja {service.name} versio {rulebook.version} julkaistu")
    return rulebook


def current_rulebook(organiser_id: int, service_id: int, day: dt.date | None = None) -> Rulebook | None:
    """The version in force on ``day`` (today): the newest that applies from then; else the first
    one published for later."""
    day = day or today()
    versions = Rulebook.objects.filter(organiser_id=organiser_id, service_id=service_id)
    return (versions.filter(valid_from__lte=day).order_by("-version").first()
            or versions.order_by("version").first())


def latest_rulebook(organiser_id: int, service_id: int) -> Rulebook | None:
    """The newest version published, whenever it applies: the one a provider accepts now."""
    return Rulebook.objects.filter(organiser_id=organiser_id, service_id=service_id).order_by("-version").first()


def acceptance_record(*, rulebook: Rulebook, provider_id: int, user) -> RulebookAcceptance:
    """The provider's acceptance of ``rulebook`` (once: the unique constraint keeps it so)."""
    try:
        with transaction.atomic():
            acceptance, _created = RulebookAcceptance.objects.get_or_create(
                rulebook=rulebook, provider_id=provider_id,
                defaults={"accepted_by": user, "accepted_name": _name(user) if user else SYSTEM_ACTOR})
    except IntegrityError:  # accepted at this very moment by another of its admins
        acceptance = RulebookAcceptance.objects.get(rulebook=rulebook, provider_id=provider_id)
    return acceptance


@transaction.atomic
def rulebook_accept(*, user, rulebook: Rulebook, request=None) -> RulebookAcceptance:
    """The provider's admin accepts a version of a rulebook of a service it has an agreement for."""
    if not permissions.manages_provider(user):
        raise DomainError(ErrorCode.NOT_ALLOWED, _("Vain palveluntuottajan pääkäyttäjä voi hyväksyä sääntökirjan."))
    provider_id = permissions.provider_id_of(user)
    if not agreements_of_service(rulebook.organiser_id, rulebook.service_id, today()).filter(
            provider_id=provider_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, _("Sääntökirjaa ei löydy."))
    acceptance = acceptance_record(rulebook=rulebook, provider_id=provider_id, user=user)
    audit_log(user=user, action="change", request=request, organisation=permissions.organisation_name(user),
              what=f"Sääntökirja {rulebook.service.name} versio {rulebook.version} hyväksytty")
    return acceptance


def _unaccepted(rulebook: Rulebook, day: dt.date):
    """The agreements in force on ``day`` whose provider has not accepted ``rulebook`` (or a later
    version of the same rulebook)."""
    accepted = RulebookAcceptance.objects.filter(
        provider_id=OuterRef("provider_id"), rulebook__organiser_id=rulebook.organiser_id,
        rulebook__service_id=rulebook.service_id, rulebook__version__gte=rulebook.version)
    return (agreements_of_service(rulebook.organiser_id, rulebook.service_id, day)
            .filter(valid_from__lte=day).exclude(Exists(accepted)).select_related("organiser", "service"))


@transaction.atomic
def rulebooks_enforce(*, day: dt.date) -> dict:
    """The daily job (applications.tasks): a version whose date was yesterday or earlier (within
    ENFORCE_LOOKBACK_DAYS) ends, on its date, every agreement whose provider did not accept it; a
    version whose date is REMIND_DAYS ahead reminds them. Idempotent: an agreement already ending
    by then is left as it is, and a day's reminders are sent by that day's run only."""
    ended = reminded = 0
    due = Rulebook.objects.filter(accept_by__lt=day, accept_by__gte=day - dt.timedelta(days=ENFORCE_LOOKBACK_DAYS))
    for rulebook in due.select_related("service").order_by("accept_by", "id"):
        for agreement in _unaccepted(rulebook, rulebook.accept_by):
            if agreement_end(agreement=agreement, last_day=rulebook.accept_by, actor=SYSTEM_ACTOR,
                             reason=_("Sääntökirjan versiota %(version)s ei hyväksytty %(day)s mennessä.") % {
                                 "version": rulebook.version, "day": format_day(rulebook.accept_by)}):
                ended += 1
                notify(provider_id=agreement.provider_id, kind=NotificationKind.AGREEMENT_ENDED,
                       params={"organiser": agreement.organiser.name, "service": rulebook.service.name,
                               "version": rulebook.version, "day": format_day(rulebook.accept_by)})
    for rulebook in Rulebook.objects.filter(accept_by=day + dt.timedelta(days=REMIND_DAYS)).select_related("service"):
        for agreement in _unaccepted(rulebook, day):
            reminded += 1
            notify(provider_id=agreement.provider_id, kind=NotificationKind.RULEBOOK_REMINDER,
                   params={"organiser": agreement.organiser.name, "service": rulebook.service.name,
                           "version": rulebook.version, "day": format_day(rulebook.accept_by)})
    return {"ended": ended, "reminded": reminded}
