"""A counsellor connects another program: makes an API token, reads the API's docs page
(served from this host, under the Content Security Policy), and the program reads the
client list with the token; once revoked, the token is refused."""

from __future__ import annotations

import pytest

from lotse.demo import data
from tests.e2e.conftest import axe_violations, sign_in

pytestmark = pytest.mark.e2e


def test_a_counsellor_makes_a_token_and_a_program_uses_it(demo, page):
    sign_in(page, "beratung", data.PASSWORD)
    page.get_by_role("link", name="API-Tokens").click()
    page.get_by_label("Name").fill("Fachverfahren Landkreis")
    page.get_by_label("Ratsuchende und ihre Kontakte lesen").check()
    page.get_by_role("button", name="Token erstellen").click()
    secret = page.locator("code.secret").inner_text()
    assert secret.startswith("lotse_")
    assert not axe_violations(page)
    # The docs page: Swagger UI from the sidecar package draws the operations.
    page.get_by_role("link", name="API-Dokumentation").click()
    page.locator(".opblock-summary-path", has_text="/api/v1/clients/").first.wait_for()
    # The program, with the token and no session.
    program = page.context.request
    answer = program.get("/api/v1/clients/", headers={"Authorization": f"Bearer {secret}"})
    assert answer.ok and answer.json()["results"], answer.text()
    refused = program.get("/api/v1/cases/", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 403  # the token has no cases:read
    page.goto("/api/tokens/")
    page.get_by_role("row", name="Fachverfahren Landkreis").get_by_role(
        "button", name="Widerrufen"
    ).click()
    page.get_by_role("row", name="Fachverfahren Landkreis").get_by_text("widerrufen").wait_for()
    gone = program.get("/api/v1/clients/", headers={"Authorization": f"Bearer {secret}"})
    assert gone.status == 401
