"""The local OpenID Connect IdP (psop/idp.py, idp/server.mjs; issue 21, item 7): a real authorization
code flow with PKCE against node's oidc-provider, walked with urllib as a browser would."""

import base64
import hashlib
import html.parser
import http.cookiejar
import io
import json
import secrets
import shutil
import types
import urllib.error
import urllib.parse
import urllib.request

import pytest
from stdnum.fi import hetu

from psop.idp import TRAINING_PEOPLE, LocalIdP, client, dev_clients, dev_environment, ensure_installed

try:
    import jwt  # PyJWT (django-allauth's dependency): verifies the signature against the JWKS
except ImportError:  # pragma: no cover - then the payload is only base64-decoded
    jwt = None

CLIENT_ID = "psop-testi"
SECRET = "testisalaisuus"
# Never fetched: each flow stops at the Location that points here.
REDIRECT_URI = "http://127.0.0.1:9/tili/oidc/testi/login/callback/"
LOGOUT_URI = "http://127.0.0.1:9/kirjaudu/"
LOA2 = "http://ftn.ficora.fi/2017/loa2"
HETU = "urn:oid:1.2.246.21"


@pytest.fixture(scope="module")
def idp():
    if shutil.which("node") is None:
        pytest.skip("the local IdP needs Node.js: 'node' is not on the PATH")
    ensure_installed()
    with LocalIdP(clients=[client(CLIENT_ID, SECRET, [REDIRECT_URI], [LOGOUT_URI])], people=TRAINING_PEOPLE,
                  output=io.StringIO()) as running:
        yield running


@pytest.fixture(scope="module")
def discovery(idp):
    return _get_json(idp.discovery_url)


class _Forms(html.parser.HTMLParser):
    """The page's forms: action, hidden inputs and submit buttons (name, value, label)."""

    def __init__(self):
        super().__init__()
        self.forms, self.title, self._in, self._button = [], "", None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"id": attrs.get("id"), "action": attrs["action"], "inputs": {}, "buttons": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"][attrs["name"]] = attrs.get("value", "")
        elif tag == "button" and self.forms:
            self._button = {"name": attrs.get("name"), "value": attrs.get("value"), "label": ""}
            self.forms[-1]["buttons"].append(self._button)
        self._in = tag

    def handle_endtag(self, tag):
        self._button = None if tag == "button" else self._button
        self._in = None

    def handle_data(self, data):
        if self._button is not None:
            self._button["label"] += data.strip()
        elif self._in == "title":
            self.title += data.strip()


def _forms(body: str) -> _Forms:
    parser = _Forms()
    parser.feed(body)
    return parser


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie jar and no automatic redirects: each hop is seen, and the callback never fetched."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects())

    def request(self, url, form=None, headers=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            response = self.opener.open(urllib.request.Request(url, data=data, headers=headers or {}), timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return response.status, response.headers, response.read().decode()

    def follow(self, url, form=None):
        """Request, then follow redirects until a page, or until the Location is one of ours."""
        status, headers, body = self.request(url, form)
        while status in (302, 303) and not headers["Location"].startswith("http://127.0.0.1:9/"):
            url = urllib.parse.urljoin(url, headers["Location"])
            status, headers, body = self.request(url)
        return url, status, headers, body


def _get_json(url, **kwargs):
    with urllib.request.urlopen(urllib.request.Request(url, **kwargs), timeout=10) as response:
        return json.load(response)


def _pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def _authorize_url(discovery, *, challenge, state="tila-1", nonce="nonssi-1", **extra):
    params = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI,
              "scope": "openid profile email", "state": state, "nonce": nonce, **extra}
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return f"{discovery['authorization_endpoint']}?{urllib.parse.urlencode(params)}"


def _sign_in(browser, discovery, *, sub, challenge, state="tila-1", nonce="nonssi-1", other=False):
    """From the authorize URL to the callback's query: click the person's button (or type a subject
    in "Muu tunniste")."""
    page_url, status, _, body = browser.follow(_authorize_url(discovery, challenge=challenge, state=state, nonce=nonce))
    assert status == 200, body
    forms = {form["id"]: form for form in _forms(body).forms}
    form = forms["muu-tunniste" if other else "henkilot"]
    _, status, headers, body = browser.follow(urllib.parse.urljoin(page_url, form["action"]), {"sub": sub})
    assert status in (302, 303), body
    location = headers["Location"]
    assert location.startswith(REDIRECT_URI)
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def _token(discovery, code, verifier):
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier,
            "client_id": CLIENT_ID, "client_secret": SECRET}
    request = urllib.request.Request(discovery["token_endpoint"], data=urllib.parse.urlencode(form).encode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def _b64json(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _id_token_claims(id_token, discovery):
    """The ID token's header checked against the JWKS, and its payload: verified with PyJWT
    (signature, iss, aud, exp) when it is importable, else only base64-decoded."""
    header = _b64json(id_token.split(".")[0])
    assert header["alg"] == "RS256"
    keys = {key["kid"]: key for key in _get_json(discovery["jwks_uri"])["keys"]}
    assert header["kid"] in keys
    if jwt is None:
        return _b64json(id_token.split(".")[1])
    key = jwt.PyJWK(keys[header["kid"]]).key
    return jwt.decode(id_token, key, algorithms=["RS256"], audience=CLIENT_ID, issuer=discovery["issuer"])


def test_discovery__names_the_issuer_s256_pkce_suomifi_acr_and_logout(idp, discovery):
    assert idp.issuer.startswith("http://127.0.0.1:")
    assert discovery["issuer"] == idp.issuer
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["acr_values_supported"] == [LOA2]
    assert discovery["response_types_supported"] == ["code"]
    assert discovery["end_session_endpoint"] == f"{idp.issuer}/session/end"
    assert {"name", "given_name", "family_name", "email", "acr", "amr", HETU} <= set(discovery["claims_supported"])


def test_jwks__one_rs256_signing_key_without_its_private_parts(discovery):
    [key] = _get_json(discovery["jwks_uri"])["keys"]
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    assert key["kid"]
    assert not {"d", "p", "q"} & set(key)


def test_login_page__each_person_is_a_button_and_muu_tunniste_takes_any_subject(discovery):
    _, status, headers, body = Browser().follow(_authorize_url(discovery, challenge=_pkce()[1]))
    assert status == 200
    assert headers["Content-Security-Policy"].startswith("default-src 'none';")  # no script, nothing fetched
    page = _forms(body)
    assert page.title == "Paikallinen tunnistuspalvelu (kehityskäyttö)"
    forms = {form["id"]: form for form in page.forms}
    buttons = [(b["name"], b["value"], b["label"]) for b in forms["henkilot"]["buttons"]]
    assert ("sub", "tiina-tuottaja", "Tiina Tuottaja") in buttons
    assert len(buttons) == len(TRAINING_PEOPLE)
    assert "sub" in forms["muu-tunniste"]["inputs"]
    assert "Muu tunniste" in body


def test_authorization_code_flow_with_pkce__the_id_token_carries_tiinas_claims(discovery):
    verifier, challenge = _pkce()
    callback = _sign_in(Browser(), discovery, sub="tiina-tuottaja", challenge=challenge, state="tila-7",
                        nonce="nonssi-7")
    assert callback["state"] == "tila-7"
    assert callback["iss"] == discovery["issuer"]

    status, tokens = _token(discovery, callback["code"], verifier)

    assert status == 200, tokens
    claims = _id_token_claims(tokens["id_token"], discovery)
    assert claims["iss"] == discovery["issuer"]
    assert claims["aud"] == CLIENT_ID
    assert claims["nonce"] == "nonssi-7"
    assert claims["sub"] == "tiina-tuottaja"
    assert claims["acr"] == LOA2
    assert claims["amr"] == ["pwd"]
    assert (claims["name"], claims["given_name"], claims["family_name"]) == ("Tiina Tuottaja", "Tiina", "Tuottaja")
    assert claims["email"] == "tiina.tuottaja@example.fi"
    assert claims[HETU] == "010170-902L"
    userinfo = _get_json(discovery["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert userinfo["sub"] == "tiina-tuottaja"
    assert userinfo[HETU] == "010170-902L"
    assert userinfo["name"] == "Tiina Tuottaja"


def test_id_token__a_person_without_a_hetu_has_no_hetu_claim(discovery):
    verifier, challenge = _pkce()
    callback = _sign_in(Browser(), discovery, sub="kalle-kirjaaja", challenge=challenge)
    claims = _id_token_claims(_token(discovery, callback["code"], verifier)[1]["id_token"], discovery)
    assert claims["name"] == "Kalle Kirjaaja"
    assert HETU not in claims


def test_muu_tunniste__an_unknown_subject_signs_in_with_its_sub_only(discovery):
    verifier, challenge = _pkce()
    callback = _sign_in(Browser(), discovery, sub="tuntematon-123", challenge=challenge, other=True)
    claims = _id_token_claims(_token(discovery, callback["code"], verifier)[1]["id_token"], discovery)
    assert claims["sub"] == "tuntematon-123"
    assert claims["acr"] == LOA2
    assert "name" not in claims and "email" not in claims


def test_token__wrong_code_verifier__refused(discovery):
    _, challenge = _pkce()
    callback = _sign_in(Browser(), discovery, sub="tiina-tuottaja", challenge=challenge)

    status, answer = _token(discovery, callback["code"], _pkce()[0])

    assert status == 400
    assert answer["error"] == "invalid_grant"


def test_authorize__without_code_challenge__refused(discovery):
    _, status, headers, _ = Browser().follow(_authorize_url(discovery, challenge=None, state="tila-3"))

    assert status in (302, 303)
    error = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(headers["Location"]).query))
    assert error["error"] == "invalid_request"
    assert "PKCE" in error["error_description"]
    assert error["state"] == "tila-3"
    assert "code" not in error


def test_rp_initiated_logout__returns_to_the_post_logout_uri_and_ends_the_session(discovery):
    browser = Browser()
    verifier, challenge = _pkce()
    callback = _sign_in(browser, discovery, sub="tiina-tuottaja", challenge=challenge)
    id_token = _token(discovery, callback["code"], verifier)[1]["id_token"]
    # Signed in at the IdP: the next authorize goes straight back to the client.
    _, status, headers, _ = browser.follow(_authorize_url(discovery, challenge=_pkce()[1]))
    assert status == 303 and headers["Location"].startswith(REDIRECT_URI)

    query = urllib.parse.urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": LOGOUT_URI,
                                    "state": "ulos-1"})
    url, status, _, body = browser.follow(f"{discovery['end_session_endpoint']}?{query}")
    # oidc-provider's logout form: a browser submits it by itself (an inline script); here, by hand.
    assert status == 200
    [form] = _forms(body).forms
    assert form["inputs"]["logout"] == "yes"
    _, status, headers, _ = browser.follow(urllib.parse.urljoin(url, form["action"]), form["inputs"])

    assert status == 303
    assert headers["Location"] == f"{LOGOUT_URI}?state=ulos-1"
    _, status, _, body = browser.follow(_authorize_url(discovery, challenge=_pkce()[1]))
    assert status == 200 and "Tiina Tuottaja" in body  # the person must be chosen again


def test_training_people__stable_subjects_and_valid_henkilotunnukset():
    assert len({person.sub for person in TRAINING_PEOPLE}) == len(TRAINING_PEOPLE)
    people = {person.sub: person for person in TRAINING_PEOPLE}
    assert people["tiina-tuottaja"].username == "tuottaja"
    assert people["paula-paakayttaja"].username == "jarjestaja-paakayttaja"
    assert people["uuno-uusi"].username is None
    for person in TRAINING_PEOPLE:
        assert person.email.endswith("@example.fi")
        if person.hetu:
            assert hetu.is_valid(person.hetu, allow_temporary=True)  # 900–999: test identities


def test_dev_environment__both_providers_point_at_the_idp():
    base = "http://127.0.0.1:8000"
    idp = types.SimpleNamespace(issuer="http://127.0.0.1:41234", clients=dev_clients(base))

    environment = dev_environment(idp, base)

    assert environment["PSOP_OIDC_PROVIDERS"] == "suomifi,organisaatio"
    assert environment["PSOP_OIDC_SUOMIFI_ISSUER"] == "http://127.0.0.1:41234"
    assert environment["PSOP_OIDC_SUOMIFI_CLIENT_ID"] == "psop-suomifi"
    assert environment["PSOP_OIDC_ORGANISAATIO_CLIENT_ID"] == "psop-organisaatio"
    assert environment["PSOP_OIDC_ORGANISAATIO_SECRET"] == idp.clients[1]["client_secret"]
    assert environment["PSOP_OIDC_ORGANISAATIO_SCOPES"] == "openid profile email"
    assert idp.clients[0]["redirect_uris"] == [f"{base}/tili/oidc/suomifi/login/callback/"]
    assert idp.clients[0]["post_logout_redirect_uris"] == [f"{base}/kirjaudu/"]
    with pytest.raises(ValueError):
        dev_environment(idp, "http://127.0.0.1:9000")
