"""The sign-in's two requests to PSOP: off to the identity provider, and back with a code.

A provider that does not answer within settings.SOCIALACCOUNT_REQUESTS_TIMEOUT, or answers
nonsense, sends the user back to the login page with a Finnish message (the password form is still
there where the organisation allows it); every refusal is logged (identity.adapters)."""

import logging

from allauth.account.internal.decorators import login_not_required
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from requests import RequestException

from identity import customers
from identity.oidc.claims import kept
from identity.oidc.tokens import verify_id_token

logger = logging.getLogger("psop.identity")

# What a provider's answer may be that is no valid answer: not JSON, a missing field.
PROVIDER_FAULTS = (RequestException, ValueError, KeyError, TypeError)


class PSOPOpenIDConnectAdapter(OpenIDConnectOAuth2Adapter):
    expected_nonce: str | None = None

    def complete_login(self, request, app, token, **kwargs):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise OAuth2Error("the token endpoint sent no id_token")
        claims = self._decode_id_token(app, id_token)
        data = {"id_token": kept(claims)}
        userinfo = {}
        if app.settings.get("fetch_userinfo", True) and self.openid_config.get("userinfo_endpoint"):
            userinfo = self._fetch_user_info(token.token)
            if userinfo.get("sub") != claims["sub"]:
                raise OAuth2Error("userinfo is about another subject than the ID token")
            data["userinfo"] = {**kept(userinfo), "acr": claims.get("acr"), "amr": claims.get("amr")}
        if customers.is_customer_sign_in(request):
            # A customer, not a user (identity.customers): the henkilötunnus finds the customer and
            # is dropped; no identity is stored and nobody signs in.
            hetu = customers.hetu_of(claims) or customers.hetu_of(userinfo)
            customers.customer_identified(request, hetu=hetu)
            raise ImmediateHttpResponse(redirect(settings.CUSTOMER_LOGIN_REDIRECT_URL))
        return self.get_provider().sociallogin_from_response(request, data)

    def _decode_id_token(self, app, id_token):
        with get_adapter().get_requests_session() as session:
            response = session.get(self.openid_config["jwks_uri"])
            response.raise_for_status()
            keys = response.json()
        return verify_id_token(
            id_token, keys=keys, issuer=self.openid_config["issuer"], client_id=app.client_id,
            nonce=self.expected_nonce,
        )


class PSOPCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        # The nonce sent with this state (identity.oidc.provider), for the ID token's check.
        self.adapter.expected_nonce = (state or {}).get("nonce")
        return state, response


def _provider_unreachable(request, provider_id, error):
    logger.warning("identity provider %s: %s: %s", provider_id, type(error).__name__, error)
    messages.error(request, _(
        "Tunnistuspalvelu ei vastannut. Yritä hetken kuluttua uudelleen tai kirjaudu salasanalla, "
        "jos organisaatiosi sallii sen."
    ))
    return redirect("login")


@require_POST
@login_not_required
def login(request, provider_id):
    """Off to the identity provider (a POST from the login page's button, with its CSRF token)."""
    request.session.pop(customers.SESSION_SIGN_IN, None)  # a user's sign-in, not a customer's
    return _off_to_provider(request, provider_id)


@require_POST
@login_not_required
def customer_login(request, provider_id):
    """A customer's "Tunnistaudu" (Omat palvelusetelini): off to the identity provider, and back to
    the customer's own page (identity.customers)."""
    customers.customer_sign_in_begin(request)
    return _off_to_provider(request, provider_id)


def _off_to_provider(request, provider_id):
    try:
        view = OAuth2LoginView.adapter_view(PSOPOpenIDConnectAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    except PROVIDER_FAULTS as error:
        return _provider_unreachable(request, provider_id, error)


@login_not_required
def callback(request, provider_id):
    """Back from the identity provider: the code exchanged, the ID token checked, the identity's user
    signed in (or refused: identity.adapters)."""
    adapter = PSOPOpenIDConnectAdapter(request, provider_id)
    try:
        view = PSOPCallbackView.adapter_view(adapter)
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    except PROVIDER_FAULTS as error:
        logger.warning("identity provider %s: callback: %s: %s", provider_id, type(error).__name__, error)
        return render_authentication_error(request, adapter.get_provider(), exception=error)
