"""Questions about identification: whether a password login is allowed, a user's bound identities,
an invitation by its link, and whom a refused person asks."""

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.utils import timezone

from identity.models import Invitation, token_digest
from organisations import permissions


def _organisation_of(user):
    membership = permissions.membership_of(user)  # the access module's read, cached on the user
    return membership.organisation if membership is not None else None


def password_login_refused(user) -> bool:
    """The user's organisation allows strong identification only ("Vain vahva tunnistautuminen")."""
    organisation = _organisation_of(user)
    return organisation is not None and organisation.strong_auth_only


def support_contact_for(user) -> str:
    """Whom ``user`` (or a person without a user: None) asks: their organisation's support contact,
    else PSOP's own (settings.SUPPORT_CONTACT)."""
    organisation = _organisation_of(user) if user is not None else None
    contact = getattr(organisation, "support_contact", "") if organisation is not None else ""
    return contact or settings.SUPPORT_CONTACT


def open_invitation(token: str) -> Invitation | None:
    """The invitation of a link, if it is still open (not used, withdrawn or expired)."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.open_on(timezone.now()).select_related("user").filter(token_digest=token_digest(token)).first()
    )


def identities_of(user):
    """The identities bound to ``user``: provider id, subject, when bound, when last used."""
    return SocialAccount.objects.filter(user_id=user.pk).order_by("provider", "date_joined")


def invitations_of(user):
    return Invitation.objects.filter(user_id=user.pk).select_related("invited_by").order_by("-created_at")
