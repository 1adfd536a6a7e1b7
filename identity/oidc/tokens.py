"""The ID token's checks, on PyJWT: the signature against the provider's published keys (JWKS),
``iss``, ``aud`` (and ``azp``), ``exp``/``iat``, the ``nonce`` PSOP sent, and a token used once.

allauth's OpenID Connect provider skips the signature when the token came straight from the token
endpoint (the specification allows it over TLS) and sends no nonce; PSOP checks both (issue 21)."""

import hmac

import jwt
from allauth.socialaccount.internal.jwtkit import verify_jti
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

# Asymmetric algorithms only: never "none", never an HMAC keyed with a public key.
ACCEPTED_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"})
# Clocks of two machines may differ by this many seconds.
LEEWAY_SECONDS = 60
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "sub"]


class IdTokenRefused(OAuth2Error):
    """The ID token failed a check; the reason is logged, the user sees the common refusal."""


def _signing_key(header: dict, keys: dict):
    algorithm = header.get("alg")
    if algorithm not in ACCEPTED_ALGORITHMS:
        raise IdTokenRefused(f"algorithm {algorithm!r} is not accepted")
    published = [key for key in keys.get("keys", []) if isinstance(key, dict) and key.get("use", "sig") == "sig"]
    kid = header.get("kid")
    if kid is not None:
        matching = [key for key in published if key.get("kid") == kid]
    else:  # a provider with one key may leave kid out
        matching = published if len(published) == 1 else []
    if len(matching) != 1:
        raise IdTokenRefused(f"no published key has kid {kid!r}")
    jwk = matching[0]
    if jwk.get("alg") not in (None, algorithm):
        raise IdTokenRefused(f"key {kid!r} is for {jwk.get('alg')!r}, the token says {algorithm!r}")
    try:
        return jwt.PyJWK(jwk, algorithm=algorithm).key
    except jwt.PyJWTError as error:
        raise IdTokenRefused(f"key {kid!r} is not usable: {error}") from error


def verify_id_token(token: str, *, keys: dict, issuer: str, client_id: str, nonce: str | None) -> dict:
    """The token's claims, or IdTokenRefused. ``keys`` is the provider's JWKS document."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise IdTokenRefused(f"not a JWT: {error}") from error
    key = _signing_key(header, keys)
    try:
        claims = jwt.decode(
            token, key=key, algorithms=[header["alg"]], audience=client_id, issuer=issuer,
            leeway=LEEWAY_SECONDS, options={"require": REQUIRED_CLAIMS, "verify_signature": True},
        )
    except jwt.PyJWTError as error:
        raise IdTokenRefused(f"{type(error).__name__}: {error}") from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise IdTokenRefused("several audiences and azp is not this client")
    if not nonce or not hmac.compare_digest(str(claims.get("nonce", "")).encode(), nonce.encode()):
        raise IdTokenRefused("nonce does not match the one sent")
    try:
        verify_jti(claims)
    except OAuth2Error as error:
        raise IdTokenRefused("token already used") from error
    return claims
