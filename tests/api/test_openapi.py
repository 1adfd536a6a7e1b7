"""The OpenAPI 3 schema is valid and names every operation; the docs are served from the vendored
Swagger UI (no CDN)."""

import pytest
from django.contrib.staticfiles import finders
from openapi_spec_validator import validate

from tests.security.urlmap import product_urls

pytestmark = pytest.mark.django_db


def test_openapi_schema__is_valid_openapi_3_and_documents_every_operation(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    operations = {op["operationId"].rsplit("_api_", 1)[-1] if "_api_" in op["operationId"] else op["operationId"]
                  for path in schema["paths"].values() for op in path.values()}
    names = {url.name.split(":")[-1] for url in product_urls() if url.name.startswith("api-v1:")}
    names -= {"openapi-json", "openapi-view", "api-root", "unknown"}
    assert names <= {name for op in operations for name in names if name in op}
    # Every POST documents Idempotency-Key; every operation the bearer key.
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            assert op.get("security"), f"{method} {path} has no security"
            if method == "post":
                assert "Idempotency-Key" in [p["name"] for p in op.get("parameters", [])], f"POST {path}"


def test_docs__served_from_vendored_assets_no_cdn(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "//unpkg" not in html and "jsdelivr" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert finders.find("ninja/swagger-ui-bundle.js") and finders.find("ninja/swagger-ui.css")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
