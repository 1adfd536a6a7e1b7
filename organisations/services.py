"""An organisation's admin manages its own organisation: users, roles, lockouts, units and offices.

Each change is written to the audit log (customer_id None). A refused change writes nothing."""

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.services import password_set_by_admin
from audit.services import audit_log
from core.errors import DomainError, ErrorCode
from core.validators import normalise_username, validate_username
from organisations import permissions
from organisations.models import Membership, Office, Organiser, Provider, ProviderUnit, ServiceLanguage
from organisations.selectors import is_locked_out


def _admin(user, *, provider_only=False) -> Membership:
    """The admin's membership, with their organisation's row locked: changes to one
    organisation's members run one at a time (the last-admin rule cannot race)."""
    membership = permissions.membership_of(user)
    if not permissions.can_manage_organisation(user):
        raise DomainError(ErrorCode.NOT_ALLOWED, _("Vain organisaation pääkäyttäjä voi hallita organisaatiota."))
    if provider_only and not permissions.manages_provider(user):
        raise DomainError(ErrorCode.NOT_ALLOWED, _("Vain palveluntuottajan pääkäyttäjä voi hallita osia ja toimipaikkoja."))
    if membership.is_provider:
        Provider.objects.select_for_update().get(pk=membership.provider_id)
    else:
        Organiser.objects.select_for_update().get(pk=membership.organiser_id)
    return membership


def _members(admin: Membership):
    if admin.is_provider:
        return Membership.objects.filter(provider_id=admin.provider_id)
    return Membership.objects.filter(organiser_id=admin.organiser_id)


def _member(admin: Membership, member_user) -> Membership:
    member = _members(admin).select_related("user").filter(user_id=getattr(member_user, "pk", None)).first()
    if member is None:
        raise DomainError(ErrorCode.NOT_MEMBER, _("Käyttäjä ei kuulu organisaatioonne."))
    return member


def _roles_for(admin: Membership):
    return permissions.assignable_roles(admin)


def _check_role(admin: Membership, role: str) -> str:
    if role not in _roles_for(admin):
        raise DomainError(ErrorCode.WRONG_ROLE, _("Rooli ei sovi tämän organisaation käyttäjälle."))
    return role


def _role_label(role: str) -> str:
    return str(Membership.Role(role).label)


def _keeps_an_admin(admin: Membership, member: Membership) -> None:
    """Refuse when ``member`` is the organisation's last active admin."""
    others = (
        _members(admin)
        .filter(role__in=permissions.ADMIN_ROLES, user__is_active=True)
        .exclude(pk=member.pk)
        .exists()
    )
    if permissions.is_admin_membership(member) and member.user.is_active and not others:
        raise DomainError(ErrorCode.LAST_ADMIN, _("Organisaatiolla on oltava vähintään yksi aktiivinen pääkäyttäjä."))


def organisation_admin_locked(user) -> Membership:
    """The admin's membership with their organisation locked (for another app's change to it:
    identity's invitations), or DomainError for anyone who does not manage an organisation."""
    return _admin(user)


def organisation_member_of(admin: Membership, member_user) -> Membership:
    """``member_user``'s membership in ``admin``'s organisation, or DomainError (NOT_MEMBER)."""
    return _member(admin, member_user)


def organisation_log(*, user, admin: Membership, what: str, request) -> None:
    """An audit row of an organisation's own change (not about customers)."""
    _log(user=user, admin=admin, what=what, request=request)


def _log(*, user, admin: Membership, what: str, request) -> None:
    audit_log(user=user, action="change", what=what, customer_id=None, request=request,
              organisation=str(admin.organisation))


def _messages(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


@transaction.atomic
def org_user_create(*, user, username: str, first_name: str, last_name: str, email: str, role: str,
                    password: str | None, request=None):
    """A new user in the admin's own organisation, with a role of its kind and a valid password, which
    the user must change at their first login (the admin typed it). The username follows PSOP's rule
    (core.validators.validate_username: no look-alike letters). Without a password (None) the user
    has none: they sign in through an identity provider, bound by an invitation (identity.services)."""
    admin = _admin(user)
    _check_role(admin, role)
    username = normalise_username(username)
    try:
        validate_username(username)
    except ValidationError as error:
        raise DomainError(ErrorCode.INVALID_USERNAME, _messages(error), field="kayttajatunnus") from None
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(ErrorCode.USERNAME_TAKEN, _("Käyttäjätunnus on jo käytössä."), field="kayttajatunnus")
    new = User(username=username, first_name=first_name, last_name=last_name, email=email, is_active=True)
    if password is None:
        new.set_unusable_password()
    else:
        try:
            validate_password(password, user=new)
        except ValidationError as error:
            raise DomainError(ErrorCode.WEAK_PASSWORD, _messages(error), field="salasana") from None
        new.set_password(password)
    try:
        new.full_clean()
    except ValidationError as error:
        raise DomainError(ErrorCode.INVALID, _messages(error)) from None
    new.save()
    if password is not None:
        password_set_by_admin(user=new)  # the admin typed it: the user chooses their own at first login
    Membership.objects.create(
        user=new,
        provider_id=admin.provider_id,
        organiser_id=admin.organiser_id,
        role=role,
    )
    _log(user=user, admin=admin, request=request,
         what=f"Käyttäjä {new.username}: lisätty roolilla {_role_label(role)}")
    return new


@transaction.atomic
def org_member_set_role(*, user, member_user, role: str, request=None) -> Membership:
    """Change a member's role within the organisation's kind; the last active admin stays an admin."""
    admin = _admin(user)
    member = _member(admin, member_user)
    _check_role(admin, role)
    if permissions.same_role(member, role):
        return member
    if role not in permissions.ADMIN_ROLES:
        _keeps_an_admin(admin, member)
    old = member.get_role_display()
    member.role = role
    member.save(update_fields=["role"])
    _log(user=user, admin=admin, request=request,
         what=f"Käyttäjä {member.user.username}: rooli {old} → {_role_label(role)}")
    return member


@transaction.atomic
def org_member_set_active(*, user, member_user, active: bool, request=None) -> Membership:
    """Deactivate or reactivate a member. Admins cannot deactivate themselves nor the last admin."""
    admin = _admin(user)
    member = _member(admin, member_user)
    if member.user.is_active == active:
        return member
    if not active:
        if member.user_id == user.pk:
            raise DomainError(ErrorCode.SELF_DEACTIVATE, _("Et voi poistaa omaa tunnustasi käytöstä."))
        _keeps_an_admin(admin, member)
    member.user.is_active = active
    member.user.save(update_fields=["is_active"])
    state = "otettu käyttöön" if active else "poistettu käytöstä"
    _log(user=user, admin=admin, request=request, what=f"Käyttäjä {member.user.username}: {state}")
    return member


@transaction.atomic
def org_member_unlock(*, user, member_user, request=None) -> Membership:
    """Unlock a member's account locked by failed logins (django-axes)."""
    admin = _admin(user)
    member = _member(admin, member_user)
    if not is_locked_out(member.user.username):
        raise DomainError(ErrorCode.NOT_LOCKED, _("Tunnus ei ole lukittu."))
    axes_reset(username=member.user.username)
    _log(user=user, admin=admin, request=request, what=f"Käyttäjä {member.user.username}: lukitus avattu")
    return member


def _unique_name(model, admin: Membership, name: str, *, exclude=None) -> None:
    """A unit's or an office's name is unique within its provider (the database agrees)."""
    rows = model.objects.filter(provider_id=admin.provider_id, name=name)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    if rows.exists():
        message = _("Samanniminen osa on jo olemassa.") if model is ProviderUnit else _("Samanniminen toimipaikka on jo olemassa.")
        raise DomainError(ErrorCode.DUPLICATE_NAME, message, field="nimi")


@transaction.atomic
def org_unit_create(*, user, name: str, request=None) -> ProviderUnit:
    """A new (non-default) unit of the admin's provider."""
    admin = _admin(user, provider_only=True)
    _unique_name(ProviderUnit, admin, name)
    unit = ProviderUnit(provider_id=admin.provider_id, name=name, is_default=False)
    unit.full_clean()
    unit.save()
    _log(user=user, admin=admin, request=request, what=f"Palveluntuottajaosa {name}: lisätty")
    return unit


@transaction.atomic
def org_unit_rename(*, user, unit: ProviderUnit, name: str, request=None) -> ProviderUnit:
    """Rename a unit of the admin's provider; whether it is the default does not change."""
    admin = _admin(user, provider_only=True)
    unit = ProviderUnit.objects.filter(provider_id=admin.provider_id, pk=unit.pk).first()
    if unit is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Osaa ei löydy."))
    if unit.name == name:
        return unit
    _unique_name(ProviderUnit, admin, name, exclude=unit)
    old = unit.name
    unit.name = name
    unit.full_clean()
    unit.save(update_fields=["name"])
    _log(user=user, admin=admin, request=request, what=f"Palveluntuottajaosa {old}: nimi → {name}")
    return unit


@transaction.atomic
def org_office_create(*, user, name: str, street_address: str = "", municipality: str = "", postal_code: str = "",
                      request=None) -> Office:
    """A new office of the admin's provider."""
    admin = _admin(user, provider_only=True)
    _unique_name(Office, admin, name)
    office = Office(provider_id=admin.provider_id, name=name, street_address=street_address, municipality=municipality,
                    postal_code=postal_code)
    office.full_clean()
    office.save()
    _log(user=user, admin=admin, request=request, what=f"Toimipaikka {name}: lisätty")
    return office


@transaction.atomic
def org_office_update(*, user, office: Office, name: str, street_address: str = "", municipality: str = "",
                      postal_code: str = "", request=None) -> Office:
    """Edit the name and address of an office of the admin's provider."""
    admin = _admin(user, provider_only=True)
    office = Office.objects.filter(provider_id=admin.provider_id, pk=office.pk).first()
    if office is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Toimipaikkaa ei löydy."))
    _unique_name(Office, admin, name, exclude=office)
    old = office.name
    office.name, office.street_address, office.municipality = name, street_address, municipality
    office.postal_code = postal_code
    office.full_clean()
    office.save(update_fields=["name", "street_address", "municipality", "postal_code"])
    _log(user=user, admin=admin, request=request,
         what=f"Toimipaikka {old}: {name}, {street_address}, {postal_code} {municipality}".strip().rstrip(", "))
    return office


@transaction.atomic
def org_provider_profile_set(*, user, description: str, languages: list[str], request=None) -> Provider:
    """The admin's provider's description and languages of service, as customers read them on the
    public comparison (issue 25)."""
    admin = _admin(user, provider_only=True)
    provider = Provider.objects.get(pk=admin.provider_id)
    languages = sorted(set(languages), key=[code for code, _label in ServiceLanguage.choices].index)
    if provider.description == description and provider.languages == languages:
        return provider
    provider.description, provider.languages = description, languages
    provider.full_clean()
    provider.save(update_fields=["description", "languages"])
    _log(user=user, admin=admin, request=request, what=f"Esittely: muutettu (kielet: {', '.join(languages) or '–'})")
    return provider


@transaction.atomic
def provider_ensure_default_unit(*, provider) -> ProviderUnit:
    """Every provider has a default unit: the company itself. Create it when missing.

    The partial unique constraint providerunit_one_default_per_provider keeps it to one."""
    Provider.objects.select_for_update().get(pk=provider.pk)
    unit = ProviderUnit.objects.filter(provider=provider, is_default=True).first()
    if unit is None:
        name = provider.name
        if ProviderUnit.objects.filter(provider=provider, name=name).exists():
            name = f"{provider.name} (oletus)"
        unit = ProviderUnit.objects.create(provider=provider, name=name, is_default=True)
    return unit


# --- a provider made by an approved application (issue 24: applications.services) -----------------


@transaction.atomic
def provider_from_application(*, name: str, business_id: str) -> Provider:
    """The provider of ``business_id``, made with its default unit if new (Provider.business_id is
    unique: two approvals at once make one provider or fail)."""
    provider = Provider.objects.select_for_update().filter(business_id=business_id).first()
    if provider is None:
        provider = Provider(name=name, business_id=business_id)
        provider.full_clean()
        provider.save()
    provider_ensure_default_unit(provider=provider)
    return provider


@transaction.atomic
def provider_offices_add(*, provider: Provider, offices: list[dict]) -> list[Office]:
    """The offices (name, street_address, municipality) the provider does not have yet, by name."""
    existing = set(Office.objects.filter(provider=provider).values_list("name", flat=True))
    made = []
    for data in offices:
        if data["name"] in existing:
            continue
        office = Office(provider=provider, **data)
        office.full_clean()
        office.save()
        existing.add(office.name)
        made.append(office)
    return made


def provider_admin_add(*, provider: Provider, user) -> Membership:
    """``user`` (with no organisation yet: a company's applicant) becomes the provider's admin."""
    existing = Membership.objects.filter(user=user).first()
    if existing is not None:
        if existing.provider_id != provider.pk:
            raise DomainError(ErrorCode.NOT_MEMBER, _("Hakija kuuluu jo toiseen organisaatioon."))
        return existing
    membership = Membership(user=user, provider=provider, role=Membership.Role.PROVIDER_ADMIN)
    membership.full_clean()
    membership.save()
    return membership
