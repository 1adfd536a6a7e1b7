"""PSOP's OpenID Connect provider: allauth's, with a nonce in every authorization request and the
ID token checked in full (identity.oidc.tokens). settings.SOCIALACCOUNT_PROVIDERS names it as the
``openid_connect`` provider's class, so each configured identity provider is one of these."""

import secrets

from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider

from identity.oidc.views import PSOPOpenIDConnectAdapter


def default_label(provider_id: str) -> str:
    from django.utils.translation import gettext

    if provider_id == "suomifi":
        return gettext("Kirjaudu Suomi.fi-tunnistuksella")
    return gettext("Kirjaudu organisaation tunnuksella")


class PSOPOpenIDConnectProvider(OpenIDConnectProvider):
    oauth2_adapter_class = PSOPOpenIDConnectAdapter

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.name = self.app.name or default_label(self.app.provider_id)

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        """The nonce goes to the provider and into the stashed state (with ``state`` and the PKCE
        verifier); the callback compares the ID token's nonce with it."""
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce
        return super().redirect(request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs)


provider_classes = [PSOPOpenIDConnectProvider]
