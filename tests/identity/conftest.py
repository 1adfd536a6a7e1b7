"""Sign-in through OpenID Connect, driven for real: django-allauth's views in the test client, the
local IdP (psop.idp: node's oidc-provider) walked with requests as a browser would, and a fake
provider of our own (a tiny HTTP server on 127.0.0.1) where a test needs to forge an answer."""

import copy
import html.parser
import io
import json
import shutil
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from psop.idp import TRAINING_PEOPLE, LocalIdP, client, ensure_installed

PROVIDER_ID = "testidp"
CLIENT_ID = "psop-testidp"
SECRET = "testidp-salaisuus"
CALLBACK_PATH = f"/tili/oidc/{PROVIDER_ID}/login/callback/"
CALLBACK_URL = f"http://testserver{CALLBACK_PATH}"
LOGIN_PATH = f"/tili/oidc/{PROVIDER_ID}/login/"
LOA2 = "http://ftn.ficora.fi/2017/loa2"
HETU_CLAIM = "urn:oid:1.2.246.21"
TIINAS_HETU = next(person.hetu for person in TRAINING_PEOPLE if person.sub == "tiina-tuottaja")
UUNOS_HETU = next(person.hetu for person in TRAINING_PEOPLE if person.sub == "uuno-uusi")


def oidc_app(server_url: str, *, provider_id: str = PROVIDER_ID, client_id: str = CLIENT_ID, **settings) -> dict:
    """One identity provider as psop/settings.py's ``_oidc_app`` builds it."""
    return {
        "provider_id": provider_id, "name": "", "client_id": client_id, "secret": SECRET,
        "settings": {"server_url": server_url, "scope": ["openid", "profile", "email"], "auth_params": {},
                     "oauth_pkce_enabled": True, "fetch_userinfo": True, **settings},
    }


def use_providers(settings, *apps) -> None:
    providers = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
    providers["openid_connect"]["APPS"] = list(apps)
    settings.SOCIALACCOUNT_PROVIDERS = providers


@pytest.fixture(scope="module")
def idp():
    if shutil.which("node") is None:
        pytest.skip("the local IdP needs Node.js: 'node' is not on the PATH")
    ensure_installed()
    with LocalIdP(clients=[client(CLIENT_ID, SECRET, [CALLBACK_URL])], people=TRAINING_PEOPLE,
                  output=io.StringIO()) as running:
        yield running


@pytest.fixture
def with_idp(idp, settings):
    """PSOP's one identity provider is the local IdP, as provider id "testidp"."""
    use_providers(settings, oidc_app(idp.issuer))
    return idp


# --- the browser's side -------------------------------------------------------------------------

class _Forms(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = {}
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = attrs.get("id")
            self.forms[self._current] = {"action": attrs.get("action", ""), "buttons": []}
        elif tag == "button" and self._current is not None:
            self.forms[self._current]["buttons"].append((attrs.get("name"), attrs.get("value")))


def begin(client, path: str = LOGIN_PATH) -> str:
    """The login button pressed at PSOP: the identity provider's authorize URL."""
    response = client.post(path, {"process": "login"})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def query_of(url: str) -> dict:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def at_idp(authorize_url: str, sub: str, browser: requests.Session | None = None) -> str:
    """At the IdP: the person's button pressed (form "henkilot"). Returns the callback's path and
    query, which the test client then requests (requests never follows it to testserver)."""
    browser = browser or requests.Session()
    url = authorize_url
    response = browser.get(url, allow_redirects=False, timeout=10)
    while response.status_code in (302, 303):
        url = urllib.parse.urljoin(url, response.headers["Location"])
        response = browser.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 200, response.text[:500]
    forms = _Forms()
    forms.feed(response.text)
    form = forms.forms["henkilot"]
    assert ("sub", sub) in form["buttons"], f"no button for {sub}"
    url = urllib.parse.urljoin(url, form["action"])
    response = browser.post(url, data={"sub": sub}, allow_redirects=False, timeout=10)
    while response.status_code in (302, 303):
        location = urllib.parse.urljoin(url, response.headers["Location"])
        if location.startswith(CALLBACK_URL):
            parts = urllib.parse.urlsplit(location)
            return f"{parts.path}?{parts.query}"
        url = location
        response = browser.get(url, allow_redirects=False, timeout=10)
    raise AssertionError(f"the IdP did not send the browser back: {response.status_code} {response.text[:500]}")


def sign_in_at_idp(client, sub: str, path: str = LOGIN_PATH) -> str:
    """PSOP's button, then the IdP: the callback URL (path and query) to request."""
    return at_idp(begin(client, path), sub)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- a provider of our own ----------------------------------------------------------------------

class FakeProvider:
    """A minimal OpenID Connect provider on 127.0.0.1: discovery, JWKS, token and userinfo from
    ``self.answers`` (the token endpoint answers whatever ID token the test put there), each after
    ``self.delay`` seconds, or after ``self.delays[path]`` for that path."""

    def __init__(self):
        self.answers = {"jwks": {"keys": []}, "id_token": "", "userinfo": {}}
        self.delay = 0.0
        self.delays = {}
        self.requests = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, body: dict, status: int = 200):
                time.sleep(owner.delays.get(urllib.parse.urlsplit(self.path).path, owner.delay))
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up waiting
                    pass

            def do_GET(self):
                owner.requests.append(("GET", self.path))
                path = urllib.parse.urlsplit(self.path).path
                if path == "/.well-known/openid-configuration":
                    self._answer(owner.discovery())
                elif path == "/jwks":
                    self._answer(owner.answers["jwks"])
                elif path == "/userinfo":
                    self._answer(owner.answers["userinfo"])
                else:
                    self._answer({"error": "not_found"}, 404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                owner.requests.append(("POST", self.path, self.rfile.read(length).decode()))
                self._answer({"access_token": "fake-access-token", "token_type": "Bearer", "expires_in": 60,
                              "id_token": owner.answers["id_token"]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/auth",
            "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo", "response_types_supported": ["code"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_provider():
    with FakeProvider() as provider:
        yield provider


def closed_port() -> int:
    """A port on 127.0.0.1 that nobody listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
