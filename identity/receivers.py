"""The level of assurance of a session, kept when the user signs in (core.assurance): how, through
which identity provider, and the provider's ``acr`` and ``amr``. A second factor given later in the
session (allauth's reauthentication) is read from allauth's own record of the session."""

from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from core.assurance import OIDC, PASSWORD, SESSION_KEY, Assurance


def _claims(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return data.get("id_token") or data.get("userinfo") or {}


@receiver(user_logged_in, dispatch_uid="identity.assurance")
def keep_assurance(sender, request, user, **kwargs):
    """allauth's signal (not Django's): it carries the ``sociallogin`` of an identity provider's sign-in."""
    if request is None or not hasattr(request, "session"):
        return
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None:
        claims = _claims(sociallogin)
        amr = claims.get("amr") or ()
        assurance = Assurance(
            method=OIDC, provider=sociallogin.account.provider, acr=str(claims.get("acr") or "")[:100],
            amr=tuple(str(value)[:30] for value in (amr if isinstance(amr, list | tuple) else [amr]))[:5],
        )
    else:
        assurance = Assurance(method=PASSWORD)
    request.session[SESSION_KEY] = assurance.to_session()
