"""Issue 21, "Every refusal is a test": a provider down or slow sends the user back to the login
page with a Finnish message (the password form still there); a replayed callback, a wrong ``state``
or ``nonce``, an expired or re-signed token, an unknown ``kid`` and ``alg: none`` are refused and
logged, and no session is created; an identity bound to nobody is refused and nothing of it kept.

First the ID token's checks alone (identity.oidc.tokens), then the whole sign-in through the views:
against the local IdP (psop.idp), and against a fake provider of our own where the token endpoint
must answer a forged ID token."""

import base64
import hashlib
import hmac
import json
import logging
import os
import time
import uuid

import jwt
import pytest
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from core.assurance import SESSION_KEY
from core.errors import DomainError, ErrorCode
from identity.oidc.tokens import LEEWAY_SECONDS, IdTokenRefused, verify_id_token
from tests.factories import PASSWORD, ProviderFactory, provider_user
from tests.identity.conftest import (
    CALLBACK_PATH,
    CLIENT_ID,
    HETU_CLAIM,
    LOA2,
    LOGIN_PATH,
    PROVIDER_ID,
    TIINAS_HETU,
    UUNOS_HETU,
    at_idp,
    begin,
    closed_port,
    oidc_app,
    query_of,
    sign_in_at_idp,
    signed_in_user_id,
    use_providers,
)

pytestmark = pytest.mark.django_db

ISSUER = "https://tunnistus.example.fi"
NONCE = "nonssi-odotettu"
DROP = object()
UNREACHABLE = "Tunnistuspalvelu ei vastannut."
STRONG_ONLY = "Organisaatiosi sallii vain vahvan tunnistautumisen"

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def _jwk(private_key, kid: str, alg: str, **extra) -> dict:
    algorithm = jwt.algorithms.RSAAlgorithm if isinstance(private_key, rsa.RSAPrivateKey) else jwt.algorithms.ECAlgorithm
    return {**algorithm.to_jwk(private_key.public_key(), as_dict=True), "kid": kid, "alg": alg, "use": "sig", **extra}


JWKS = {"keys": [_jwk(RSA_KEY, "rsa-1", "RS256"), _jwk(EC_KEY, "ec-1", "ES256")]}


def _claims(**changes) -> dict:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": "tiina-tuottaja", "iat": now, "exp": now + 300,
              "nonce": NONCE, "acr": LOA2}
    for name, value in changes.items():
        if value is DROP:
            claims.pop(name)
        else:
            claims[name] = value
    return claims


def _sign(claims: dict, key=RSA_KEY, *, kid: str | None = "rsa-1", alg: str = "RS256") -> str:
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid} if kid is not None else None)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _by_hand(header: dict, claims: dict, sign) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{_b64(sign(signing_input.encode()))}"


def _unsigned(claims: dict, kid: str = "rsa-1") -> str:
    """``alg: none``: no signature at all."""
    return _by_hand({"alg": "none", "typ": "JWT", "kid": kid}, claims, lambda data: b"")


def _hmac_with_public_key(claims: dict, kid: str = "rsa-1") -> str:
    """HS256 keyed with the provider's public key (PEM): anyone can make it, as the key is public."""
    pem = RSA_KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return _by_hand({"alg": "HS256", "typ": "JWT", "kid": kid}, claims,
                    lambda data: hmac.new(pem, data, hashlib.sha256).digest())


def _verify(token: str, *, nonce: str | None = NONCE, keys: dict = JWKS) -> dict:
    return verify_id_token(token, keys=keys, issuer=ISSUER, client_id=CLIENT_ID, nonce=nonce)


# --- the ID token's checks ----------------------------------------------------------------------

def test_id_token__signed_with_the_published_rsa_key__its_claims():
    claims = _verify(_sign(_claims()))

    assert claims["sub"] == "tiina-tuottaja"
    assert claims["acr"] == LOA2


def test_id_token__signed_with_the_published_ec_key__its_claims():
    assert _verify(_sign(_claims(), EC_KEY, kid="ec-1", alg="ES256"))["sub"] == "tiina-tuottaja"


def test_id_token__without_kid_from_a_provider_of_one_key__accepted():
    assert _verify(_sign(_claims(), kid=None), keys={"keys": [JWKS["keys"][0]]})["sub"] == "tiina-tuottaja"


def test_id_token__alg_none__refused():
    with pytest.raises(IdTokenRefused, match="algorithm 'none'"):
        _verify(_unsigned(_claims()))


def test_id_token__hs256_keyed_with_the_public_key__refused():
    with pytest.raises(IdTokenRefused, match="algorithm 'HS256'"):
        _verify(_hmac_with_public_key(_claims()))


def test_id_token__unknown_kid__refused():
    with pytest.raises(IdTokenRefused, match="no published key has kid 'rsa-9'"):
        _verify(_sign(_claims(), kid="rsa-9"))


def test_id_token__without_kid_when_the_provider_publishes_several_keys__refused():
    with pytest.raises(IdTokenRefused, match="no published key"):
        _verify(_sign(_claims(), kid=None))


def test_id_token__re_signed_with_another_key_under_the_published_kid__refused():
    with pytest.raises(IdTokenRefused, match="InvalidSignatureError"):
        _verify(_sign(_claims(), OTHER_RSA_KEY, kid="rsa-1"))


def test_id_token__payload_changed_after_signing__refused():
    header, _, signature = _sign(_claims()).split(".")
    forged = _b64(json.dumps(_claims(sub="paula-paakayttaja")).encode())

    with pytest.raises(IdTokenRefused, match="InvalidSignatureError"):
        _verify(f"{header}.{forged}.{signature}")


def test_id_token__rs256_under_the_kid_of_an_ec_key__refused():
    with pytest.raises(IdTokenRefused):
        _verify(_sign(_claims(), kid="ec-1"))


def test_id_token__a_key_published_for_encryption_only__not_used_for_signatures():
    keys = {"keys": [_jwk(RSA_KEY, "rsa-1", "RS256", use="enc")]}

    with pytest.raises(IdTokenRefused, match="no published key"):
        _verify(_sign(_claims()), keys=keys)


def test_id_token__expired_beyond_the_leeway__refused():
    now = int(time.time())
    claims = _claims(iat=now - 3600, exp=now - LEEWAY_SECONDS - 30)

    with pytest.raises(IdTokenRefused, match="ExpiredSignatureError"):
        _verify(_sign(claims))


def test_id_token__expired_within_the_clock_leeway__accepted():
    now = int(time.time())

    assert _verify(_sign(_claims(iat=now - 600, exp=now - LEEWAY_SECONDS // 2)))["sub"] == "tiina-tuottaja"


@pytest.mark.parametrize("claim", ["iss", "aud", "exp", "iat", "sub"])
def test_id_token__without_a_required_claim__refused(claim):
    with pytest.raises(IdTokenRefused, match="MissingRequiredClaimError"):
        _verify(_sign(_claims(**{claim: DROP})))


def test_id_token__another_issuer__refused():
    with pytest.raises(IdTokenRefused, match="InvalidIssuerError"):
        _verify(_sign(_claims(iss="https://hyokkaaja.example.com")))


def test_id_token__for_another_client__refused():
    with pytest.raises(IdTokenRefused, match="InvalidAudienceError"):
        _verify(_sign(_claims(aud="toinen-asiakas")))


def test_id_token__several_audiences_without_azp__refused():
    with pytest.raises(IdTokenRefused, match="several audiences"):
        _verify(_sign(_claims(aud=[CLIENT_ID, "toinen-asiakas"])))


def test_id_token__several_audiences_with_azp_of_another_client__refused():
    with pytest.raises(IdTokenRefused, match="several audiences"):
        _verify(_sign(_claims(aud=[CLIENT_ID, "toinen-asiakas"], azp="toinen-asiakas")))


def test_id_token__several_audiences_with_azp_of_this_client__accepted():
    assert _verify(_sign(_claims(aud=[CLIENT_ID, "toinen-asiakas"], azp=CLIENT_ID)))["sub"] == "tiina-tuottaja"


def test_id_token__without_nonce__refused():
    with pytest.raises(IdTokenRefused, match="nonce"):
        _verify(_sign(_claims(nonce=DROP)))


def test_id_token__another_nonce__refused():
    with pytest.raises(IdTokenRefused, match="nonce"):
        _verify(_sign(_claims(nonce="nonssi-toisesta-istunnosta")))


def test_id_token__when_no_nonce_was_sent__refused_even_without_a_nonce_claim():
    with pytest.raises(IdTokenRefused, match="nonce"):
        _verify(_sign(_claims(nonce=DROP)), nonce=None)


def test_id_token__a_non_ascii_nonce__refused():
    with pytest.raises(IdTokenRefused, match="nonce"):
        _verify(_sign(_claims(nonce="nonssi-ä")))


def test_id_token__issued_in_the_future__refused():
    now = int(time.time())

    with pytest.raises(IdTokenRefused, match="ImmatureSignatureError"):
        _verify(_sign(_claims(iat=now + 3600, exp=now + 7200)))


def test_id_token__not_yet_valid__refused():
    with pytest.raises(IdTokenRefused, match="ImmatureSignatureError"):
        _verify(_sign(_claims(nbf=int(time.time()) + 3600)))


def test_id_token__the_same_jti_twice__refused_the_second_time():
    token = _sign(_claims(jti=str(uuid.uuid4())))
    _verify(token)

    with pytest.raises(IdTokenRefused, match="already used"):
        _verify(token)


def test_id_token__not_a_jwt__refused():
    with pytest.raises(IdTokenRefused, match="not a JWT"):
        _verify("ei.jwt")


# --- helpers of the whole sign-in ---------------------------------------------------------------

@pytest.fixture
def identity_log(caplog):
    caplog.set_level(logging.INFO, logger="psop.identity")
    return caplog


def _warnings(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.name == "psop.identity" and record.levelno >= logging.WARNING]


@pytest.fixture
def logins():
    """Every session signed in during the test (Django's user_logged_in)."""
    seen = []

    def receiver(sender, request, user, **kwargs):
        seen.append(user.pk)

    user_logged_in.connect(receiver, dispatch_uid="tests.identity.logins")
    yield seen
    user_logged_in.disconnect(dispatch_uid="tests.identity.logins")


def _bound(sub: str, **user_kwargs):
    user = provider_user(**user_kwargs)
    SocialAccount.objects.create(provider=PROVIDER_ID, uid=sub, user=user)
    return user


def _refused_without_session(response, client, caplog, *, status=401):
    assert response.status_code == status, response.content[:500]
    assert signed_in_user_id(client) is None
    assert SESSION_KEY not in client.session
    assert _warnings(caplog), "the refusal was not logged"


def _all_sessions_text() -> str:
    return json.dumps([session.get_decoded() for session in Session.objects.all()], default=str)


# --- the whole sign-in against the local IdP ----------------------------------------------------

def test_sign_in__a_bound_identity_signs_its_user_in_with_oidc_assurance(with_idp, client, logins):
    user = _bound("kalle-kirjaaja")

    response = client.get(sign_in_at_idp(client, "kalle-kirjaaja"))

    assert response.status_code == 302, response.content[:500]
    assert signed_in_user_id(client) == str(user.pk)
    assert client.session[SESSION_KEY] == {"method": "oidc", "provider": PROVIDER_ID, "acr": LOA2, "amr": ["pwd"]}
    assert logins == [user.pk]


def test_sign_in__the_authorization_request_carries_a_nonce_and_pkce_kept_with_its_state(with_idp, client):
    query = query_of(begin(client))

    assert query["code_challenge_method"] == "S256"
    assert len(query["nonce"]) >= 32
    stashed = client.session["socialaccount_states"][query["state"]][0]
    assert stashed["nonce"] == query["nonce"]
    assert stashed["pkce_code_verifier"]


def test_sign_in__tiinas_henkilotunnus_is_kept_nowhere(with_idp, client, identity_log):
    user = _bound("tiina-tuottaja")

    response = client.get(sign_in_at_idp(client, "tiina-tuottaja"))

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)
    identity = SocialAccount.objects.get(provider=PROVIDER_ID, uid="tiina-tuottaja")
    assert identity.extra_data["id_token"]["sub"] == "tiina-tuottaja"  # the sign-in's claims were saved...
    assert identity.extra_data["userinfo"]["name"] == "Tiina Tuottaja"
    stored = json.dumps(identity.extra_data)
    assert HETU_CLAIM not in stored and TIINAS_HETU not in stored  # ...without her henkilötunnus
    assert TIINAS_HETU not in _all_sessions_text()
    assert not any(TIINAS_HETU in record.getMessage() for record in identity_log.records)


def test_sign_in__an_unbound_identity__403_with_the_finnish_message_and_nothing_stored(
        with_idp, client, settings, identity_log, logins):
    settings.SUPPORT_CONTACT = "tuki@psop.example.fi"

    response = client.get(sign_in_at_idp(client, "uuno-uusi"))

    _refused_without_session(response, client, identity_log, status=403)
    body = response.content.decode()
    assert DomainError(ErrorCode.IDENTITY_NOT_BOUND).message in body
    assert "tuki@psop.example.fi" in body
    assert not SocialAccount.objects.exists()
    assert logins == []
    assert any("uuno-uusi refused: identity_not_bound" in message for message in _warnings(identity_log))
    assert UUNOS_HETU not in _all_sessions_text()
    assert not any(UUNOS_HETU in record.getMessage() for record in identity_log.records)


def test_sign_in__an_identity_of_an_inactive_user__refused(with_idp, client, identity_log):
    _bound("kimmo-kilpailija", is_active=False)

    response = client.get(sign_in_at_idp(client, "kimmo-kilpailija"))

    _refused_without_session(response, client, identity_log, status=403)
    assert DomainError(ErrorCode.USER_INACTIVE).message in response.content.decode()


@pytest.mark.parametrize("next_url, followed", [("/organisaatio/", True), ("https://hyokkaaja.example.com/", False),
                                               ("//hyokkaaja.example.com/", False)])
def test_sign_in__next_followed_only_within_psop(with_idp, client, next_url, followed):
    user = _bound("kalle-kirjaaja")
    response = client.post(LOGIN_PATH, {"process": "login", "next": next_url})

    signed_in = client.get(at_idp(response["Location"], "kalle-kirjaaja"))

    assert signed_in.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)
    assert (signed_in["Location"] == next_url) is followed
    assert "hyokkaaja" not in signed_in["Location"]


def test_replayed_callback__in_the_same_browser__refused_and_no_second_login(with_idp, client, identity_log, logins):
    user = _bound("kalle-kirjaaja")
    callback = sign_in_at_idp(client, "kalle-kirjaaja")
    assert client.get(callback).status_code == 302
    assert logins == [user.pk]

    response = client.get(callback)

    assert response.status_code == 401
    assert logins == [user.pk]
    assert _warnings(identity_log)


def test_replayed_callback__in_another_browser__refused_no_session(with_idp, client, identity_log, logins):
    user = _bound("kalle-kirjaaja")
    callback = sign_in_at_idp(client, "kalle-kirjaaja")
    assert client.get(callback).status_code == 302
    attacker = Client()

    response = attacker.get(callback)

    _refused_without_session(response, attacker, identity_log)
    assert logins == [user.pk]


def test_replayed_callback__even_with_its_state_restored__the_used_code_is_refused(
        with_idp, client, identity_log, logins):
    """The code works once: a replay that brings the state along (a copied session) still fails at
    the IdP's token endpoint (invalid_grant)."""
    _bound("kalle-kirjaaja")
    callback = sign_in_at_idp(client, "kalle-kirjaaja")
    states = client.session["socialaccount_states"]
    assert client.get(callback).status_code == 302
    attacker = Client()
    session = attacker.session
    session["socialaccount_states"] = states
    session.save()

    response = attacker.get(callback)

    _refused_without_session(response, attacker, identity_log)
    assert len(logins) == 1


def test_wrong_state__refused_no_session(with_idp, client, identity_log, logins):
    _bound("kalle-kirjaaja")
    callback = sign_in_at_idp(client, "kalle-kirjaaja")
    state = query_of(callback)["state"]

    response = client.get(callback.replace(f"state={state}", f"state={state[:-2]}xx"))

    _refused_without_session(response, client, identity_log)
    assert logins == []


def test_callback_without_state__refused_no_session(with_idp, client, identity_log, logins):
    _bound("kalle-kirjaaja")
    code = query_of(sign_in_at_idp(client, "kalle-kirjaaja"))["code"]

    response = client.get(f"{CALLBACK_PATH}?code={code}")

    _refused_without_session(response, client, identity_log)
    assert logins == []


def test_wrong_nonce__the_id_token_names_another_nonce_than_the_one_kept__refused(
        with_idp, client, identity_log, logins, monkeypatch):
    """The nonce sent to the IdP (and so in the ID token) is not the one kept with the state, as
    with an ID token injected from another sign-in."""
    original = OAuth2Provider.redirect

    def redirect_with_another_nonce(self, request, process, next_url=None, data=None, **kwargs):
        kwargs["auth_params"] = {**kwargs["auth_params"], "nonce": "nonssi-toisesta-kirjautumisesta"}
        return original(self, request, process, next_url, data, **kwargs)

    monkeypatch.setattr(OAuth2Provider, "redirect", redirect_with_another_nonce)
    _bound("kalle-kirjaaja")
    callback = sign_in_at_idp(client, "kalle-kirjaaja")

    response = client.get(callback)

    _refused_without_session(response, client, identity_log)
    assert logins == []
    assert any("nonce" in message for message in _warnings(identity_log))


# --- forged ID tokens from the token endpoint (a fake provider) ---------------------------------

def _forged_sign_in(settings, fake_provider, client, forge):
    """PSOP's button against the fake provider, whose token endpoint answers ``forge(claims)`` with
    the nonce PSOP sent; the callback with the state PSOP kept."""
    use_providers(settings, oidc_app(fake_provider.issuer))
    fake_provider.answers["jwks"] = {"keys": [_jwk(RSA_KEY, "rsa-1", "RS256")]}
    fake_provider.answers["userinfo"] = {"sub": "kalle-kirjaaja", "name": "Kalle Kirjaaja"}
    query = query_of(begin(client))
    fake_provider.answers["id_token"] = forge(_claims(iss=fake_provider.issuer, sub="kalle-kirjaaja",
                                                      nonce=query["nonce"]))
    return client.get(f"{CALLBACK_PATH}?code=koodi-1&state={query['state']}")


def test_fake_provider__a_properly_signed_id_token_signs_in(settings, fake_provider, client, logins):
    """The control of the forged tokens below: the same way with a good token succeeds."""
    user = _bound("kalle-kirjaaja")

    response = _forged_sign_in(settings, fake_provider, client, _sign)

    assert response.status_code == 302, response.content[:500]
    assert signed_in_user_id(client) == str(user.pk)
    assert logins == [user.pk]


@pytest.mark.parametrize("forge, reason", [
    pytest.param(_unsigned, "algorithm 'none'", id="alg-none"),
    pytest.param(_hmac_with_public_key, "algorithm 'HS256'", id="hs256-with-public-key"),
    pytest.param(lambda claims: _sign(claims, kid="tuntematon"), "kid 'tuntematon'", id="unknown-kid"),
    pytest.param(lambda claims: _sign(claims, OTHER_RSA_KEY), "InvalidSignatureError", id="re-signed"),
    pytest.param(lambda claims: _sign({**claims, "iat": claims["iat"] - 3600, "exp": claims["iat"] - 600}),
                 "ExpiredSignatureError", id="expired"),
    pytest.param(lambda claims: _sign({**claims, "nonce": "vanha-nonssi"}), "nonce", id="wrong-nonce"),
    pytest.param(lambda claims: _sign({**claims, "aud": "toinen-asiakas"}), "InvalidAudienceError", id="wrong-aud"),
    pytest.param(lambda claims: _sign({**claims, "iss": "https://hyokkaaja.example.com"}), "InvalidIssuerError",
                 id="wrong-iss"),
])
def test_fake_provider__a_forged_id_token__refused_logged_no_session(
        settings, fake_provider, client, identity_log, logins, forge, reason):
    _bound("kalle-kirjaaja")

    response = _forged_sign_in(settings, fake_provider, client, forge)

    _refused_without_session(response, client, identity_log)
    assert logins == []
    assert any(reason in message for message in _warnings(identity_log)), _warnings(identity_log)
    assert "Tunnistautuminen epäonnistui" in response.content.decode()


def test_fake_provider__a_non_ascii_nonce__refused_logged_no_session(settings, fake_provider, client, identity_log,
                                                                    logins):
    _bound("kalle-kirjaaja")

    response = _forged_sign_in(settings, fake_provider, client, lambda claims: _sign({**claims, "nonce": "nonssi-ä"}))

    _refused_without_session(response, client, identity_log)
    assert logins == []


def test_fake_provider__userinfo_about_another_subject__refused(settings, fake_provider, client, identity_log, logins):
    _bound("kalle-kirjaaja")
    _bound("paula-paakayttaja")
    use_providers(settings, oidc_app(fake_provider.issuer))
    fake_provider.answers["jwks"] = {"keys": [_jwk(RSA_KEY, "rsa-1", "RS256")]}
    fake_provider.answers["userinfo"] = {"sub": "paula-paakayttaja"}
    query = query_of(begin(client))
    fake_provider.answers["id_token"] = _sign(_claims(iss=fake_provider.issuer, sub="kalle-kirjaaja",
                                                      nonce=query["nonce"]))

    response = client.get(f"{CALLBACK_PATH}?code=koodi-1&state={query['state']}")

    _refused_without_session(response, client, identity_log)
    assert logins == []


# --- a provider down or slow --------------------------------------------------------------------

def _login_page_offers_password_and_says_unreachable(client, response):
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    page = client.get(response["Location"])
    body = page.content.decode()
    assert UNREACHABLE in body
    assert 'name="login"' in body and 'name="password"' in body
    assert f'action="{LOGIN_PATH}"' in body  # and the provider's button, to try again


def test_provider_down__back_to_the_login_page_with_the_finnish_message(settings, client, identity_log):
    use_providers(settings, oidc_app(f"http://127.0.0.1:{closed_port()}"))

    response = client.post(LOGIN_PATH, {"process": "login"})

    _login_page_offers_password_and_says_unreachable(client, response)
    assert signed_in_user_id(client) is None
    assert any("ConnectionError" in message for message in _warnings(identity_log))


def test_provider_slow__gives_up_after_the_timeout_with_the_finnish_message(settings, fake_provider, client,
                                                                          identity_log):
    settings.SOCIALACCOUNT_REQUESTS_TIMEOUT = 1
    fake_provider.delay = 4
    use_providers(settings, oidc_app(fake_provider.issuer))
    started = time.monotonic()

    response = client.post(LOGIN_PATH, {"process": "login"})

    assert time.monotonic() - started < 3
    _login_page_offers_password_and_says_unreachable(client, response)
    assert any("Timeout" in message for message in _warnings(identity_log))


@pytest.mark.parametrize("slow_path", ["/.well-known/openid-configuration", "/token", "/jwks", "/userinfo"])
def test_provider_slow_at_the_callback__each_call_gives_up_after_the_timeout_no_session(
        settings, fake_provider, client, identity_log, logins, slow_path):
    _bound("kalle-kirjaaja")
    settings.SOCIALACCOUNT_REQUESTS_TIMEOUT = 1
    use_providers(settings, oidc_app(fake_provider.issuer))
    fake_provider.answers["jwks"] = {"keys": [_jwk(RSA_KEY, "rsa-1", "RS256")]}
    fake_provider.answers["userinfo"] = {"sub": "kalle-kirjaaja"}
    query = query_of(begin(client))
    fake_provider.answers["id_token"] = _sign(_claims(iss=fake_provider.issuer, sub="kalle-kirjaaja",
                                                      nonce=query["nonce"]))
    fake_provider.delays[slow_path] = 4
    started = time.monotonic()

    response = client.get(f"{CALLBACK_PATH}?code=koodi-1&state={query['state']}")

    assert time.monotonic() - started < 3
    _refused_without_session(response, client, identity_log)
    assert any("Timeout" in message for message in _warnings(identity_log)), _warnings(identity_log)
    assert logins == []
    assert any(request[1].startswith(slow_path) for request in fake_provider.requests)


def test_timeout__five_seconds_unless_set():
    from django.conf import settings

    if "PSOP_OIDC_TIMEOUT" in os.environ:
        pytest.skip("PSOP_OIDC_TIMEOUT is set in this environment")
    assert settings.SOCIALACCOUNT_REQUESTS_TIMEOUT == 5


def test_unknown_provider__404(settings, client):
    use_providers(settings, oidc_app(f"http://127.0.0.1:{closed_port()}"))

    assert client.post("/tili/oidc/tuntematon/login/", {"process": "login"}).status_code == 404
    assert client.get("/tili/oidc/tuntematon/login/callback/?code=a&state=b").status_code == 404


def test_login_by_get__not_started(settings, client):
    """Only the login page's button (a POST with its CSRF token) starts a sign-in."""
    use_providers(settings, oidc_app(f"http://127.0.0.1:{closed_port()}"))

    assert client.get(LOGIN_PATH).status_code == 405


# --- "Vain vahva tunnistautuminen" ----------------------------------------------------------------

def test_password_login__refused_where_the_organisation_allows_strong_identification_only(
        settings, client, identity_log):
    use_providers(settings, oidc_app(f"http://127.0.0.1:{closed_port()}"))
    user = provider_user(ProviderFactory(strong_auth_only=True))

    response = client.post(reverse("login"), {"login": user.username, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert signed_in_user_id(client) is None
    assert SESSION_KEY not in client.session
    body = client.get(response["Location"]).content.decode()
    assert STRONG_ONLY in body
    assert f'action="{LOGIN_PATH}"' in body
    assert "Kirjaudu organisaation tunnuksella" in body
    assert any("strong identification only" in record.getMessage() for record in identity_log.records)


def test_password_login__refused_keeps_the_next_address(settings, client):
    user = provider_user(ProviderFactory(strong_auth_only=True))

    response = client.post(f"{reverse('login')}?next=/organisaatio/", {"login": user.username, "password": PASSWORD,
                                                                      "next": "/organisaatio/"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=%2Forganisaatio%2F"
    assert signed_in_user_id(client) is None


def test_password_login__allowed_where_the_organisation_allows_it(settings, client):
    user = provider_user(ProviderFactory(strong_auth_only=False))

    response = client.post(reverse("login"), {"login": user.username, "password": PASSWORD})

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)
    assert client.session[SESSION_KEY]["method"] == "password"


def test_strong_auth_only__the_bound_identity_still_signs_in(with_idp, client):
    user = _bound("kalle-kirjaaja", provider=ProviderFactory(strong_auth_only=True))

    response = client.get(sign_in_at_idp(client, "kalle-kirjaaja"))

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)
