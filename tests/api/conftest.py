import json

import pytest

from api.models import Scope
from api.services import api_key_create
from tests.security.urlmap import build_victim

ALL_SCOPES = list(Scope.values)


@pytest.fixture
def victim(db):
    return build_victim()


def make_key(admin, *, scopes=ALL_SCOPES, name="Kassajärjestelmä") -> str:
    """A key of ``admin``'s organisation; returns its secret."""
    _, secret = api_key_create(user=admin, name=name, scopes=scopes)
    return secret


class Api:
    """The Django test client speaking JSON with a key."""

    def __init__(self, client, secret=None):
        self.client = client
        self.secret = secret

    def headers(self, extra=None):
        headers = dict(extra or {})
        if self.secret is not None:
            headers["Authorization"] = f"Bearer {self.secret}"
        return headers

    def get(self, path, query=None, headers=None):
        return self.client.get(path, query or {}, headers=self.headers(headers))

    def post(self, path, body=None, headers=None, raw=None):
        data = raw if raw is not None else json.dumps(body if body is not None else {}, default=str)
        return self.client.post(path, data, content_type="application/json", headers=self.headers(headers))


@pytest.fixture
def api(client):
    def _api(secret=None):
        return Api(client, secret)

    return _api
