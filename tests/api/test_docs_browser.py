"""/api/v1/docs: the interactive docs render from the vendored Swagger UI under the site's own
Content-Security-Policy, and list the operations; nothing is loaded from another host."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docs__swagger_ui_renders_from_the_site_itself_without_csp_violations(page, live_server):
    errors, hosts = [], set()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))

    page.goto("/api/v1/docs")

    page.get_by_text("PSOP API").first.wait_for()
    page.locator(".opblock-summary-path", has_text="/api/v1/vouchers/{number}").first.wait_for()
    assert hosts == {live_server.url.split("/")[2]}
    assert not [error for error in errors if "Content Security Policy" in error or "Refused" in error], errors
