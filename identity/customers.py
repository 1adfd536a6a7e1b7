"""A customer identifies strongly (issue 25): through an identity provider (Suomi.fi, or the local
one in development), whose henkilötunnus claim is matched exactly to the customer register.

No Django user is made for a customer, and none is signed in: a customer is no member of any
organisation and reaches no staff page. What the session keeps is the customer's id (or that the
person has no vouchers in PSOP), never the henkilötunnus; the claim is read once, at the callback,
and dropped (identity.oidc.claims keeps it out of everything allauth stores)."""

import time

from django.conf import settings

from core.validators import normalise_henkilotunnus
from vouchers.models import Customer

# Suomi.fi's attribute for the henkilötunnus (the local IdP sends the same).
HETU_CLAIM = "urn:oid:1.2.246.21"
# This browser pressed "Tunnistaudu" on the customer's page: the identity provider's answer
# identifies a customer, not a user.
SESSION_SIGN_IN = "psop_customer_sign_in"
# The identified customer: {"id": the Customer's id or None (no vouchers in PSOP), "at": seconds}.
SESSION_CUSTOMER = "psop_customer"


class NotIdentified:
    """No customer has identified in this session (falsy; ``customer_in_session`` returns it)."""

    def __bool__(self) -> bool:
        return False


NOT_IDENTIFIED = NotIdentified()


def customer_sign_in_begin(request) -> None:
    """The next answer of an identity provider in this browser identifies a customer."""
    request.session[SESSION_SIGN_IN] = True


def is_customer_sign_in(request) -> bool:
    """Is the identity provider's answer a customer's? (Asked once: the mark is taken off.)"""
    return bool(request.session.pop(SESSION_SIGN_IN, False))


def hetu_of(claims: dict | None) -> str:
    value = (claims or {}).get(HETU_CLAIM)
    return normalise_henkilotunnus(value).upper() if isinstance(value, str) else ""


def customer_identified(request, *, hetu: str) -> int | None:
    """The identity provider vouched for ``hetu``: the customer it is exactly (or None), kept in a
    new session (its key cycled: no fixation). A staff user signed in in this browser is signed out."""
    customer_id = Customer.objects.filter(henkilotunnus=hetu).values_list("pk", flat=True).first() if hetu else None
    if request.user.is_authenticated:
        from django.contrib.auth import logout

        logout(request)
    request.session.cycle_key()
    request.session[SESSION_CUSTOMER] = {"id": customer_id, "at": int(time.time())}
    return customer_id


def customer_in_session(request):
    """The identified customer's id, None for a person with no vouchers in PSOP, or NOT_IDENTIFIED
    (nobody identified, or the identification is older than the session's absolute limit)."""
    if request.user.is_authenticated:
        return NOT_IDENTIFIED
    kept = request.session.get(SESSION_CUSTOMER)
    if not isinstance(kept, dict) or "id" not in kept:
        return NOT_IDENTIFIED
    if time.time() - kept.get("at", 0) > settings.SESSION_ABSOLUTE_TIMEOUT:
        request.session.pop(SESSION_CUSTOMER, None)
        return NOT_IDENTIFIED
    return kept["id"]


def customer_sign_out(request) -> None:
    request.session.flush()


def customer_identity_providers(request):
    """The identity providers a customer identifies with: Suomi.fi where it is configured (strong
    identification for anyone), else every configured one (development)."""
    from allauth.socialaccount.adapter import get_adapter

    providers = get_adapter().list_providers(request)
    public = [provider for provider in providers if provider.app.provider_id == "suomifi"]
    return public or providers
