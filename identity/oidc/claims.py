"""What PSOP keeps of an identity provider's claims: the few it shows and checks, nothing else.

A henkilötunnus (Suomi.fi sends it as ``urn:oid:1.2.246.21``, others under their own names) or an
address is never stored for staff: the claims are filtered before allauth saves them on the
identity (SocialAccount.extra_data)."""

KEPT_CLAIMS = frozenset({
    "iss", "sub", "aud", "azp", "exp", "iat", "auth_time", "acr", "amr", "sid",
    "name", "given_name", "family_name", "email", "email_verified", "preferred_username",
})


def kept(claims: dict | None) -> dict:
    """``claims`` without anything PSOP does not keep."""
    return {name: value for name, value in (claims or {}).items() if name in KEPT_CLAIMS}
