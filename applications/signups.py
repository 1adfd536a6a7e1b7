"""A new company signs up (hakeutuminen without a provider account): its Y-tunnus, name, contact
person and e-mail; the e-mail is confirmed by a one-time link, which sets up the company's user
(username and password, as the training data's logins; an identity provider's sign-in is bound to
it later by an invitation, identity.services). The user then applies; the provider, and the user's
membership as its admin, exist only once an application is approved (applications.services)."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import SignUp
from audit.services import audit_log
from core.errors import DomainError, ErrorCode
from core.validators import normalise_username, validate_username
from organisations.models import Provider


def token_digest(token: str) -> str:
    """What is stored of a link's token: its SHA-256 (the token itself is only in the e-mail)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _messages(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


@transaction.atomic
def signup_create(*, business_id: str, company_name: str, contact_name: str, email: str) -> tuple[SignUp, str]:
    """A sign-up waiting for its e-mail to be confirmed; returns it and the link's token."""
    if Provider.objects.filter(business_id=business_id).exists():
        raise DomainError(ErrorCode.PROVIDER_EXISTS, field="ytunnus")
    if SignUp.objects.filter(business_id=business_id, confirmed_at__isnull=False).exists():
        raise DomainError(ErrorCode.COMPANY_SIGNED_UP, field="ytunnus")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    signup = SignUp(business_id=business_id, company_name=company_name, contact_name=contact_name, email=email,
                    token_digest=token_digest(token), created_at=now,
                    expires_at=now + dt.timedelta(days=settings.INVITATION_DAYS))
    try:
        signup.full_clean()
    except ValidationError as error:
        raise DomainError(ErrorCode.INVALID, _messages(error)) from None
    signup.save()
    return signup, token


def signup_open(token: str) -> SignUp | None:
    """The sign-up whose link this is, while it is neither confirmed nor expired."""
    return SignUp.objects.filter(token_digest=token_digest(token or ""), confirmed_at__isnull=True,
                                 expires_at__gt=timezone.now()).first()


@transaction.atomic
def signup_confirm(*, token: str, username: str, password: str, request=None):
    """The link's owner confirmed the e-mail and chose a username and password: the company's user.
    Refused (nothing written) for a used or expired link, a taken username or a weak password."""
    signup = SignUp.objects.select_for_update().filter(token_digest=token_digest(token or "")).first()
    if signup is None or signup.confirmed_at is not None or signup.expires_at <= timezone.now():
        raise DomainError(ErrorCode.SIGNUP_LINK_INVALID)
    username = normalise_username(username)
    try:
        validate_username(username)
    except ValidationError as error:
        raise DomainError(ErrorCode.INVALID_USERNAME, _messages(error), field="kayttajatunnus") from None
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(ErrorCode.USERNAME_TAKEN, _("Käyttäjätunnus on jo käytössä."), field="kayttajatunnus")
    first, _space, last = signup.contact_name.partition(" ")
    user = User(username=username, first_name=first[:150], last_name=last[:150], email=signup.email, is_active=True)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise DomainError(ErrorCode.WEAK_PASSWORD, _messages(error), field="salasana") from None
    user.set_password(password)
    user.save()
    signup.user, signup.confirmed_at = user, timezone.now()
    try:
        with transaction.atomic():
            signup.save(update_fields=["user", "confirmed_at"])
    except IntegrityError:  # another sign-up of the same company was confirmed at this moment
        raise DomainError(ErrorCode.COMPANY_SIGNED_UP) from None
    audit_log(user=user, action="change", request=request, organisation=signup.company_name,
              what=f"Rekisteröityminen {signup.business_id}: sähköposti vahvistettu, käyttäjä {user.username} luotu")
    return user
