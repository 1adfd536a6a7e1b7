"""django-allauth's hooks, PSOP's rules: nobody signs up; a password login is refused where the
user's organisation allows strong identification only; an identity provider's identity signs in
only the user it is bound to, and is bound only through an invitation (identity.services)."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, resolve_url
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from identity import services
from identity.selectors import password_login_refused
from identity.views import render_refusal
from organisations.permissions import is_member

logger = logging.getLogger("psop.identity")


def user_display(user) -> str:
    return user.get_full_name() or user.username


def attempted_username(request, credentials=None) -> str | None:
    """django-axes: the username of a login attempt (allauth's form field is "login", Django
    admin's and the credentials' "username")."""
    if credentials and credentials.get("username"):
        return credentials["username"]
    data = getattr(request, "POST", None) or {}
    return data.get("login") or data.get("username")


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": gettext_lazy(
            "Käyttäjätunnus tai salasana on väärin: syötä kelvollinen käyttäjätunnus ja salasana. Isot ja "
            "pienet kirjaimet ovat merkitseviä."
        ),
    }

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request):
        """A user with no organisation (a signed-up company applying, issue 24) lands where
        settings.NON_MEMBER_LOGIN_REDIRECT_URL says, not on the members' first tab (a 403 for them).
        An explicit ``next`` still wins: allauth reads it before asking here."""
        if not is_member(request.user) and not request.user.is_staff and getattr(settings, "NON_MEMBER_LOGIN_REDIRECT_URL", None):
            return resolve_url(settings.NON_MEMBER_LOGIN_REDIRECT_URL)
        return super().get_login_redirect_url(request)

    def pre_login(self, request, user, **kwargs):
        response = super().pre_login(request, user, **kwargs)
        if response is not None:
            return response
        by_identity_provider = bool((kwargs.get("signal_kwargs") or {}).get("sociallogin"))
        if not by_identity_provider and password_login_refused(user):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            logger.info("password login refused for %s: strong identification only", user.username)
            messages.error(request, _(
                "Organisaatiosi sallii vain vahvan tunnistautumisen: kirjaudu tunnistuspalvelun kautta "
                "alla olevalla painikkeella."
            ))
            url = redirect("login").url
            next_url = kwargs.get("redirect_url")
            return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)
        return None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request, sociallogin):
        """A bound identity signs its user in; an unbound one is bound by the invitation opened in
        this browser, or refused. Either way an invitation in the session is used or refused."""
        try:
            services.identity_sign_in(request=request, sociallogin=sociallogin)
        except DomainError as error:
            logger.warning(
                "identity %s/%s refused: %s", sociallogin.account.provider, sociallogin.account.uid, error.code,
            )
            raise ImmediateHttpResponse(render_refusal(request, error)) from None

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        logger.warning(
            "identity provider %s: sign-in refused: %s %s", getattr(provider, "sub_id", provider), error,
            f"{type(exception).__name__}: {exception}" if exception is not None else "",
        )


class MFAAdapter(DefaultMFAAdapter):
    def get_public_key_credential_rp_entity(self):
        return {**super().get_public_key_credential_rp_entity(), "name": "PSOP"}
