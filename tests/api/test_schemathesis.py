"""Schemathesis against the API's own openapi.json (issue 28, item 10: the schema is the truth).

For every operation, with a provider's key, an organiser's key and no key, a bounded number of
requests that fit the schema and of requests that break it (deterministic: derandomized, no
example database) go to the Django app in-process, on the test database with the security
suite's data. The run fails on a 500, a status the schema does not declare, a content type it
does not declare, or a body that breaks the declared schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import make_key

pytestmark = pytest.mark.django_db

EXAMPLES = 10  # per operation, key and kind of data (fits the schema / breaks it)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SCHEMA_URL = "/api/v1/openapi.json"
OPERATIONS = [
    "GET /api/v1/vouchers/{number}",
    "POST /api/v1/reservations",
    "GET /api/v1/reservations",
    "POST /api/v1/events",
    "POST /api/v1/events/bulk",
    "GET /api/v1/events",
    "POST /api/v1/customerships",
    "POST /api/v1/customerships/{customership_id}/end",
    "GET /api/v1/payments",
    "GET /api/v1/payments/{run_id}/lines",
    "POST /api/v1/vouchers",
    "POST /api/v1/vouchers/bulk",
    "GET /api/v1/vouchers/by-decision",
    "PATCH /api/v1/vouchers/{number}",
    "POST /api/v1/vouchers/{number}/close",
    "POST /api/v1/customers/lookup",
]


@pytest.fixture
def app():
    """Django's WSGI app sharing the test's connection and transaction, as the test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def keys(victim, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000
    return {
        "provider": make_key(victim.provider_b_admin),
        "organiser": make_key(victim.organiser_y_admin),
        "none": None,
    }


def test_schema__lists_the_operations_this_test_runs(app):
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, app)
    found = sorted(f"{result.ok().method.upper()} {result.ok().path}" for result in schema.get_all_operations())
    assert found == sorted(OPERATIONS)


@pytest.mark.parametrize("who", ["provider", "organiser", "none"])
@pytest.mark.parametrize("label", OPERATIONS)
def test_schemathesis__every_answer_as_the_schema_says(app, keys, label, who):
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, app)
    method, path = label.split(" ", 1)
    operation = schema[path][method]
    headers = {} if keys[who] is None else {"Authorization": f"Bearer {keys[who]}"}
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(mode))
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
