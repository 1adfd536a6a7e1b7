import json

import pytest

from api.models import ORGANISER_ONLY, Scope
from api.services import api_key_create
from organisations import permissions
from tests.factories import PriceListFactory, PriceListItemFactory, ServiceAgreementFactory, ServiceContentFactory, ServiceFactory
from tests.api.routes import DECISION_ID
from tests.security.urlmap import build_victim
from vouchers.models import ContentUnit, Voucher, VoucherKind

ALL_SCOPES = list(Scope.values)


@pytest.fixture
def victim(db):
    return with_grants(build_victim())


def with_grants(victim):
    """The security suite's victim, and for granting: a service only organiser Y grants (with B,
    priced; organiser X has no agreement for it) and a decision id on Y's fresh voucher."""
    service = ServiceFactory(name="Y:n oma kotihoito", kind=VoucherKind.SERVICE_VOUCHER)
    content = ServiceContentFactory(service=service, name="Kotihoidon tunti", unit=ContentUnit.HOUR)
    agreement = ServiceAgreementFactory(organiser=victim.organiser_y, provider=victim.provider_b, service=service)
    PriceListItemFactory(price_list=PriceListFactory(agreement=agreement), content=content)
    victim.grant_service, victim.grant_content = service, content
    Voucher.objects.filter(pk=victim.fresh_voucher.pk).update(decision_id=DECISION_ID)
    victim.fresh_voucher.decision_id = DECISION_ID
    return victim


def make_key(admin, *, scopes=ALL_SCOPES, name="Kassajärjestelmä") -> str:
    """A key of ``admin``'s organisation; returns its secret. A provider's key is made without the
    organiser-only scopes (it may never hold them)."""
    if not permissions.is_organiser(admin):
        scopes = [scope for scope in scopes if scope not in ORGANISER_ONLY]
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
