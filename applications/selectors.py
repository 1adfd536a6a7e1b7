"""Who applies, and the applications, rulebooks and attachments a user may see. Someone else's row
is not found (None), which the pages answer with 404."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from applications.models import (
    Application,
    ApplicationAttachment,
    ApplicationPrice,
    ApplicationState,
    Rulebook,
    RulebookAcceptance,
    RulebookAttachment,
    RulebookPrice,
    SignUp,
)
from core.dates import today
from organisations import permissions
from organisations.models import Organiser, Provider
from vouchers.models import Service, ServiceAgreement


@dataclass(frozen=True)
class Applicant:
    """The company a user applies for: an existing provider (its admin) or a signed-up company."""

    provider: Provider | None
    signup: SignUp | None

    @property
    def business_id(self) -> str:
        return self.provider.business_id if self.provider else self.signup.business_id

    @property
    def company_name(self) -> str:
        return self.provider.name if self.provider else self.signup.company_name

    def owns_q(self, prefix: str = "") -> Q:
        if self.provider is not None:
            return Q(**{f"{prefix}provider_id": self.provider.pk})
        return Q(**{f"{prefix}signup_id": self.signup.pk})


def signup_of(user) -> SignUp | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_psop_signup"):
        user._psop_signup = SignUp.objects.filter(user_id=user.pk, confirmed_at__isnull=False).first()
    return user._psop_signup


def applicant_of(user) -> Applicant | None:
    """A provider's admin applies for its provider; a user with no organisation but a confirmed
    sign-up for the signed-up company; nobody else applies."""
    if permissions.manages_provider(user):
        return Applicant(provider=permissions.membership_of(user).provider, signup=None)
    if not permissions.is_member(user):
        signup = signup_of(user)
        if signup is not None:
            return Applicant(provider=None, signup=signup)
    return None


def _with_details(queryset):
    return queryset.select_related("organiser", "service", "provider", "rulebook").prefetch_related(
        "offices", Prefetch("prices", queryset=ApplicationPrice.objects.select_related("content")),
        "attachments")


def applications_of(user):
    """The applicant's own applications, newest first."""
    applicant = applicant_of(user)
    if applicant is None:
        return Application.objects.none()
    return Application.objects.filter(applicant.owns_q()).select_related("organiser", "service").order_by("-created_at", "-id")


def application_of(user, application_id: int) -> Application | None:
    applicant = applicant_of(user)
    if applicant is None:
        return None
    return _with_details(Application.objects.filter(applicant.owns_q(), pk=application_id)).first()


def review_queue(user, *, state: str | None = None, service_id: int | None = None):
    """The organiser admin's applications to review, oldest first (drafts are the applicant's own)."""
    if not permissions.is_organiser_admin(user):
        return Application.objects.none()
    applications = Application.objects.filter(organiser_id=permissions.organiser_id_of(user)).exclude(
        state=ApplicationState.DRAFT)
    applications = applications.filter(state=state) if state else applications.filter(
        state__in=(ApplicationState.SENT, ApplicationState.COMPLETION))
    if service_id is not None:
        applications = applications.filter(service_id=service_id)
    return applications.select_related("service").annotate(attachment_count=Count("attachments")).order_by("sent_at", "id")


def application_for_review(user, application_id: int) -> Application | None:
    if not permissions.is_organiser_admin(user):
        return None
    return _with_details(Application.objects.filter(organiser_id=permissions.organiser_id_of(user)).exclude(
        state=ApplicationState.DRAFT).filter(pk=application_id)).first()


def attachment_for(user, attachment_id: int) -> ApplicationAttachment | None:
    """An application's file: for its applicant and for its organiser's admins only (a draft's
    files for the applicant only)."""
    attachment = ApplicationAttachment.objects.select_related("application").filter(pk=attachment_id).first()
    if attachment is None:
        return None
    application = attachment.application
    applicant = applicant_of(user)
    if applicant is not None and Application.objects.filter(applicant.owns_q(), pk=application.pk).exists():
        return attachment
    if (permissions.is_organiser_admin(user) and permissions.organiser_id_of(user) == application.organiser_id
            and application.state != ApplicationState.DRAFT):
        return attachment
    return None


# --- rulebooks ---------------------------------------------------------------------------------------


def public_organisers():
    """The organisers that have published a rulebook, for the public pages."""
    return Organiser.objects.filter(pk__in=Rulebook.objects.values("organiser_id")).order_by("name")


def public_organiser(organiser_id: int) -> Organiser | None:
    return public_organisers().filter(pk=organiser_id).first()


def public_rulebooks(organiser_id: int) -> list[Rulebook]:
    """Per service, the version in force today and any published for later, with prices and files."""
    day = today()
    rulebooks = list(
        Rulebook.objects.filter(organiser_id=organiser_id).select_related("service")
        .prefetch_related(Prefetch("prices", queryset=RulebookPrice.objects.select_related("content")
                                   .order_by("content__name")), "attachments")
        .order_by("service__name", "service_id", "-version"))
    shown, current_seen = [], set()
    for rulebook in rulebooks:
        if rulebook.valid_from > day:
            rulebook.upcoming = True
            shown.append(rulebook)
        elif rulebook.service_id not in current_seen:
            rulebook.upcoming = False
            current_seen.add(rulebook.service_id)
            shown.append(rulebook)
    return shown


def public_attachment(attachment_id: int) -> RulebookAttachment | None:
    return RulebookAttachment.objects.filter(pk=attachment_id).first()


def organiser_rulebooks(user):
    """The organiser admin's published versions, newest first, with how many providers accepted."""
    if not permissions.is_organiser_admin(user):
        return Rulebook.objects.none()
    return (Rulebook.objects.filter(organiser_id=permissions.organiser_id_of(user)).select_related("service")
            .annotate(accepted=Count("acceptances")).order_by("service__name", "-version"))


def organiser_rulebook(user, rulebook_id: int) -> Rulebook | None:
    return organiser_rulebooks(user).filter(pk=rulebook_id).prefetch_related("prices__content", "attachments").first()


def rulebook_acceptances(rulebook: Rulebook) -> list[dict]:
    """Each provider with an agreement for the rulebook's service in force today or later: whether
    and when it accepted this version (or a later one)."""
    agreements = (ServiceAgreement.objects.filter(organiser_id=rulebook.organiser_id, service_id=rulebook.service_id)
                  .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=min(today(), rulebook.accept_by or today())))
                  .select_related("provider").order_by("provider__name", "provider_id", "-valid_from"))
    acceptances = {
        row.provider_id: row for row in RulebookAcceptance.objects.filter(
            rulebook__organiser_id=rulebook.organiser_id, rulebook__service_id=rulebook.service_id,
            rulebook__version__gte=rulebook.version).order_by("-accepted_at")
    }
    rows, seen = [], set()
    for agreement in agreements:
        if agreement.provider_id in seen:
            continue
        seen.add(agreement.provider_id)
        rows.append({"provider": agreement.provider, "agreement": agreement,
                     "acceptance": acceptances.get(agreement.provider_id)})
    return rows


def provider_rulebooks(user) -> list[dict]:
    """For a provider's admin: the newest version of each rulebook of its agreements, and whether it
    has accepted it. Two queries however many organisers and services (a national provider has
    agreements with many)."""
    if not permissions.manages_provider(user):
        return []
    provider_id = permissions.provider_id_of(user)
    agreements = (ServiceAgreement.objects.filter(provider_id=provider_id, organiser_id=OuterRef("organiser_id"),
                                                  service_id=OuterRef("service_id"))
                  .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today())))
    newest = list(Rulebook.objects.filter(Exists(agreements)).select_related("organiser", "service")
                  .order_by("organiser_id", "service_id", "-version").distinct("organiser_id", "service_id"))
    accepted = {acceptance.rulebook_id: acceptance for acceptance in RulebookAcceptance.objects.filter(
        provider_id=provider_id, rulebook_id__in=[rulebook.pk for rulebook in newest])}
    rows = [{"rulebook": rulebook, "acceptance": accepted.get(rulebook.pk)} for rulebook in newest]
    return sorted(rows, key=lambda row: (row["rulebook"].organiser.name, row["rulebook"].service.name))


def provider_rulebook(user, rulebook_id: int) -> Rulebook | None:
    for row in provider_rulebooks(user):
        if row["rulebook"].pk == rulebook_id:
            return row["rulebook"]
    return None


def offered_services(organiser_id: int):
    """The services an organiser takes applications for: those it has published a rulebook for."""
    return Service.objects.filter(pk__in=Rulebook.objects.filter(organiser_id=organiser_id).values("service_id")).order_by("name")


def all_offered_services():
    """Every service some organiser has published a rulebook for (the application form's choices;
    whether the chosen organiser offers it is the service's rule)."""
    return Service.objects.filter(pk__in=Rulebook.objects.values("service_id")).order_by("name", "id")
