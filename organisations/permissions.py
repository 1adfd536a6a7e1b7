"""THE access module: who may see and do what. The only code that reads ``Membership.role``.

Views, selectors, services, template tags and the API all ask here:
- role predicates (``is_provider``, ``is_organiser``, ``is_organiser_admin``, ``records_only`` …);
- queryset scoping per user (``scope``): a provider user sees its provider's rows, an organiser
  user its organiser's, anyone else nothing;
- object checks (``is_voucher_organiser``, ``acts_for_provider``, ``can_end_customership`` …);
- API keys: a key's user acts for its organisation (``act_for_api_key``), narrowed to the key's
  scopes (``key_has_scope``);
- one decorator family (``member_required``, ``role_required``) with one policy: not logged in
  → the login page; logged in without an organisation → 403; a page or object that is not the
  user's → 404 (someone else's object does not exist for them).
- ``Access``: the same answers for templates, as the ``access`` context variable, so that no
  template compares role strings.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from organisations.models import Membership

Role = Membership.Role
ADMIN_ROLES = (Role.PROVIDER_ADMIN, Role.ORGANISER_ADMIN)


def membership_of(user) -> Membership | None:
    """The user's organisation membership, or None (e.g. an admin with no organisation).
    Read once per user object (audit.services reads the same cache)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_psop_membership"):
        user._psop_membership = (
            Membership.objects.select_related("provider", "organiser").filter(user_id=user.pk).first()
        )
    return user._psop_membership


def _role(user) -> str | None:
    membership = membership_of(user)
    return membership.role if membership is not None else None


# --- role predicates ----------------------------------------------------------------------------


def is_member(user) -> bool:
    return membership_of(user) is not None


def is_provider(user) -> bool:
    return _role(user) in Membership.PROVIDER_ROLES


def is_organiser(user) -> bool:
    return _role(user) in Membership.ORGANISER_ROLES


def is_organiser_admin(user) -> bool:
    """Organiser admins read the audit log of their organiser's customers."""
    return _role(user) == Role.ORGANISER_ADMIN


def can_manage_organisation(user) -> bool:
    """Admins of a provider or organiser manage its users, units and offices; recorders do not."""
    return _role(user) in (Role.PROVIDER_ADMIN, Role.ORGANISER_ADMIN)


def manages_provider(user) -> bool:
    """A provider's admin: also its units and offices."""
    return _role(user) == Role.PROVIDER_ADMIN


def is_admin_membership(membership: Membership) -> bool:
    """The member is an admin of its organisation (the last active one must stay)."""
    return membership.role in ADMIN_ROLES


def role_of(membership: Membership) -> str:
    return membership.role


def same_role(membership: Membership, role: str) -> bool:
    return membership.role == role


def assignable_roles(membership: Membership) -> tuple:
    """The roles an organisation's admin may give: those of the organisation's kind."""
    return Membership.PROVIDER_ROLES if membership.is_provider else Membership.ORGANISER_ROLES


def records_only(user) -> bool:
    """A recorder (kirjaaja) only records events: no reservations, customerships or management."""
    return _role(user) == Role.RECORDER


def can_make_reservations(user) -> bool:
    """Everyone in an organisation but a recorder, who only records events."""
    return is_member(user) and not records_only(user)


def can_run_payments(user) -> bool:
    """Payment runs are the organiser's own users' (admin and staff)."""
    return is_organiser(user)


def organiser_id_of(user) -> int | None:
    """The organiser an organiser user acts for; None for everyone else."""
    membership = membership_of(user)
    return membership.organiser_id if is_organiser(user) else None


def provider_id_of(user) -> int | None:
    """The provider a provider user acts for; None for everyone else."""
    membership = membership_of(user)
    return membership.provider_id if is_provider(user) else None


def organisation_name(user) -> str:
    """The user's organisation as the audit log records it ("" for none)."""
    membership = membership_of(user)
    return str(membership.organisation) if membership is not None else ""


# --- API keys ------------------------------------------------------------------------------------


def act_for_api_key(user, *, provider=None, organiser=None) -> None:
    """An API key's technical user (it has no membership row) acts for the key's organisation: a
    provider's key as the provider's admin, an organiser's key as its staff; the key's scopes
    (``api.auth``) narrow what it may call. Every predicate, scope and check below then answers
    for the key exactly as for a person of that organisation."""
    role = Role.PROVIDER_ADMIN if provider is not None else Role.ORGANISER_STAFF
    user._psop_membership = Membership(user=user, provider=provider, organiser=organiser, role=role)


def key_has_scope(key, scope: str) -> bool:
    """An API key may call an operation that needs ``scope``: the key is not revoked and its
    organisation's admin gave it that scope (``api.models.Scope``)."""
    return key.active and scope in key.scopes


# --- object checks -------------------------------------------------------------------------------


def is_voucher_organiser(user, voucher) -> bool:
    """Organiser staff of the voucher's own organiser."""
    organiser_id = organiser_id_of(user)
    return organiser_id is not None and organiser_id == voucher.organiser_id


def acts_for_provider(user, provider_id) -> bool:
    """A provider user of this very provider who does more than record events."""
    return provider_id_of(user) == provider_id and provider_id is not None and not records_only(user)


def can_close_voucher(user, voucher) -> bool:
    """Only the organiser that granted a voucher closes it, whatever its kind."""
    return is_voucher_organiser(user, voucher)


def can_end_customership(user, customership) -> bool:
    """The customership's own provider, or the organiser of its voucher."""
    return acts_for_provider(user, customership.provider_id) or is_voucher_organiser(user, customership.voucher)


def can_transfer_customership(user, customership) -> bool:
    """Only the organiser moves a customership to another provider (lock-in or not)."""
    return is_voucher_organiser(user, customership.voucher)


def may_see_reservation_holder(user, reservation) -> bool:
    """Who holds a reservation: the organiser's users and the holder itself, nobody else."""
    return is_organiser(user) or (
        provider_id_of(user) is not None and provider_id_of(user) == reservation.provider_id
    )


# --- queryset scoping ----------------------------------------------------------------------------


def scope(user, queryset, *, provider: str | None, organiser: str | None):
    """``queryset`` narrowed to the user's own rows: a provider user's through the ``provider``
    path, an organiser user's through the ``organiser`` path (a path of None: none of them)."""
    if is_provider(user) and provider is not None:
        return queryset.filter(**{f"{provider}_id": provider_id_of(user)})
    if is_organiser(user) and organiser is not None:
        return queryset.filter(**{f"{organiser}_id": organiser_id_of(user)})
    return queryset.none()


# --- views ---------------------------------------------------------------------------------------


def member_required(view):
    """Login required, and the user must belong to a provider or an organiser (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_member(request.user):
            raise PermissionDenied("no organisation")
        return view(request, *args, **kwargs)

    return wrapper


def role_required(predicate):
    """A member for whom ``predicate(user)`` holds; for other members the page does not exist (404)."""

    def decorator(view):
        @member_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not predicate(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# The decorators of the pages, one per predicate; views use these, not aliases of their own.
organiser_required = role_required(is_organiser)
organiser_admin_required = role_required(is_organiser_admin)
organisation_admin_required = role_required(can_manage_organisation)
provider_required = role_required(is_provider)
provider_admin_required = role_required(manages_provider)
payment_runs_required = role_required(can_run_payments)


# --- templates -----------------------------------------------------------------------------------


class Access:
    """What the signed-in user may do, for templates (``{% if access.is_organiser %}``)."""

    def __init__(self, user):
        self.user = user
        self.membership = membership_of(user)

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    @property
    def is_provider(self) -> bool:
        return is_provider(self.user)

    @property
    def is_organiser(self) -> bool:
        return is_organiser(self.user)

    @property
    def is_organiser_admin(self) -> bool:
        return is_organiser_admin(self.user)

    @property
    def records_only(self) -> bool:
        return records_only(self.user)

    @property
    def can_make_reservations(self) -> bool:
        return can_make_reservations(self.user)

    @property
    def can_manage_organisation(self) -> bool:
        return can_manage_organisation(self.user)

    @property
    def manages_provider(self) -> bool:
        return manages_provider(self.user)

    @property
    def can_run_payments(self) -> bool:
        return can_run_payments(self.user)
