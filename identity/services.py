"""Changes to identification: an admin invites a person, the person's identity is bound through the
invitation at their first sign-in, an admin unbinds it, and an organisation decides whether it
allows password logins. Every change is audit-logged as an organisation's own change."""

import datetime as dt

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import DomainError, ErrorCode
from identity.models import Invitation, new_token, token_digest
from identity.selectors import support_contact_for
from organisations.services import organisation_admin_locked, organisation_log, organisation_member_of

# The invitation this browser opened (its id), kept on the session until the identity provider
# sends the person back.
SESSION_INVITATION = "psop_invitation"


def _name(user) -> str:
    return user.get_full_name() or user.username


@transaction.atomic
def invitation_create(*, user, member_user, request=None) -> tuple[Invitation, str]:
    """A one-time link for ``member_user`` of the admin's own organisation, open for
    settings.INVITATION_DAYS days. An open invitation of the same user is withdrawn. Returns the
    invitation and the link's token (only its digest is stored)."""
    admin = organisation_admin_locked(user)
    try:
        member = organisation_member_of(admin, member_user)
    except DomainError:
        raise DomainError(ErrorCode.INVITATION_NOT_MEMBER) from None
    if not member.user.is_active:
        raise DomainError(ErrorCode.USER_INACTIVE, _("Käytöstä poistettua käyttäjää ei voi kutsua."))
    now = timezone.now()
    Invitation.objects.filter(user_id=member.user_id, used_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    token = new_token()
    invitation = Invitation.objects.create(
        user=member.user, invited_by=user, token_digest=token_digest(token), created_at=now,
        expires_at=now + dt.timedelta(days=settings.INVITATION_DAYS),
    )
    organisation_log(user=user, admin=admin, request=request,
                     what=f"Käyttäjä {member.user.username}: kutsu tunnistautumiseen luotu")
    return invitation, token


@transaction.atomic
def invitation_withdraw(*, user, member_user, request=None) -> int:
    admin = organisation_admin_locked(user)
    member = organisation_member_of(admin, member_user)
    withdrawn = Invitation.objects.filter(
        user_id=member.user_id, used_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    if withdrawn:
        organisation_log(user=user, admin=admin, request=request,
                         what=f"Käyttäjä {member.user.username}: kutsu peruttu")
    return withdrawn


@transaction.atomic
def identity_unbind(*, user, member_user, identity_id: int, request=None) -> None:
    """Remove one identity of a member: it no longer signs them in (re-invite to bind another)."""
    admin = organisation_admin_locked(user)
    member = organisation_member_of(admin, member_user)
    identity = SocialAccount.objects.filter(pk=identity_id, user_id=member.user_id).first()
    if identity is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Tunnistautumistapaa ei löydy."))
    identity.delete()
    organisation_log(user=user, admin=admin, request=request,
                     what=f"Käyttäjä {member.user.username}: tunnistautumistapa {identity.provider} poistettu")


@transaction.atomic
def organisation_identification_set(*, user, strong_auth_only: bool, support_contact: str, request=None) -> None:
    """The organisation's choice: password logins refused (strong identification only) or allowed,
    and its support contact shown to a refused person."""
    admin = organisation_admin_locked(user)
    organisation = admin.organisation
    changed = []
    if organisation.strong_auth_only != strong_auth_only:
        changed.append(f"vain vahva tunnistautuminen: {'kyllä' if strong_auth_only else 'ei'}")
    if organisation.support_contact != support_contact:
        changed.append("tuen yhteystiedot muutettu")
    if not changed:
        return
    organisation.strong_auth_only = strong_auth_only
    organisation.support_contact = support_contact
    organisation.save(update_fields=["strong_auth_only", "support_contact"])
    organisation_log(user=user, admin=admin, request=request, what=f"Tunnistautuminen: {', '.join(changed)}")


def invitation_remember(request, invitation: Invitation) -> None:
    """This browser opened the link: the identity it brings back from the provider is bound by it."""
    request.session[SESSION_INVITATION] = invitation.pk


@transaction.atomic
def identity_sign_in(*, request, sociallogin) -> None:
    """allauth asks before signing in an identity (provider id + subject, already verified): a bound
    identity signs its user in; with the invitation this browser opened, an unbound identity is bound
    to the invited user and the invitation is used up. Anything else is refused (DomainError, with
    ``support`` the contact to show); nothing is stored then. Never by e-mail."""
    invitation_id = request.session.pop(SESSION_INVITATION, None)
    account = sociallogin.account
    bound_user = sociallogin.user if sociallogin.is_existing else None
    if invitation_id is None:
        if bound_user is None:
            raise DomainError(ErrorCode.IDENTITY_NOT_BOUND, support=support_contact_for(None))
        if not bound_user.is_active:
            raise DomainError(ErrorCode.USER_INACTIVE, support=support_contact_for(bound_user))
        return
    invitation = Invitation.objects.select_for_update().select_related("user").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_open():
        invited = invitation.user if invitation is not None else None
        raise DomainError(ErrorCode.INVITATION_INVALID, support=support_contact_for(invited))
    invited = invitation.user
    if bound_user is not None and bound_user.pk != invited.pk:
        raise DomainError(ErrorCode.IDENTITY_BOUND_ELSEWHERE, support=support_contact_for(invited))
    if not invited.is_active:
        raise DomainError(ErrorCode.USER_INACTIVE, support=support_contact_for(invited))
    if bound_user is None:
        try:
            with transaction.atomic():
                sociallogin.connect(request, invited)
        except IntegrityError:  # the same identity bound at this moment by another request
            raise DomainError(ErrorCode.IDENTITY_BOUND_ELSEWHERE, support=support_contact_for(invited)) from None
    invitation.used_at = timezone.now()
    invitation.bound_provider = account.provider
    invitation.bound_subject = account.uid[:255]
    invitation.save(update_fields=["used_at", "bound_provider", "bound_subject"])
    audit_log(user=invited, action="change", request=request, organisation="",
              what=f"Käyttäjä {invited.username}: tunnistautumistapa {account.provider} liitetty kutsulla")
