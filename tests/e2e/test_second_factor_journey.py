"""The second factor: a counsellor without one sets it up at the first sign-in (QR code
and key, confirmed with a first code), signs out, and signs in with password and code."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from lotse.accounts import second_factor
from lotse.core.models import AuditEvent
from lotse.demo import data
from lotse.organisations import services as org
from lotse.organisations.models import Office, Role
from tests.conftest import code_for
from tests.e2e.conftest import axe_violations, in_thread

pytestmark = pytest.mark.e2e
USERNAME = "neu_in_der_beratung"


def new_counsellor():
    user = org.create_user(
        None, username=USERNAME, first_name="Nora", last_name="Neu", password=data.PASSWORD
    )
    org.add_membership(None, user, Role.COUNSELLOR, Office.objects.order_by("pk").first())


def enter_password(page):
    page.goto("/accounts/login/")
    page.get_by_label("Benutzername").fill(USERNAME)
    page.get_by_label("Passwort").fill(data.PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def test_set_up_sign_out_and_sign_in_with_the_code(page):
    in_thread(new_counsellor)
    enter_password(page)
    page.wait_for_url("**/accounts/second-factor/set-up/?next=*")
    page.get_by_role("heading", name="Zweiten Faktor einrichten").wait_for()
    # The QR code is an image the Content Security Policy lets through (the page
    # fixture fails the test on any violation).
    qr_code = page.get_by_role("img", name="QR-Code zum Einrichten der Authenticator-App")
    assert qr_code.evaluate("img => img.complete && img.naturalWidth") > 0
    assert not axe_violations(page)
    # The app, set up with the key typed in instead of scanned.
    secret = page.locator("#second-factor-key").inner_text().replace(" ", "")
    app = TOTPDevice(key=b32decode(secret).hex())
    page.get_by_label("Code aus Ihrer App").fill(code_for(app))
    page.get_by_role("button", name="Einrichten").click()
    page.get_by_text("Der zweite Faktor ist eingerichtet.").wait_for()
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/accounts/login/")

    enter_password(page)
    page.wait_for_url("**/accounts/second-factor/?next=*")
    page.get_by_role("heading", name="Bitte geben Sie den Code aus Ihrer App ein").wait_for()
    assert not axe_violations(page)
    # Half a minute later the app shows the next code (the first one is used up).
    page.get_by_label("Code aus Ihrer App").fill(code_for(app, steps_ahead=1))
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")
    assert page.get_by_role("navigation", name="Hauptnavigation").is_visible()
    actions = in_thread(
        lambda: set(
            AuditEvent.objects.filter(actor_label=USERNAME).values_list("action", flat=True)
        )
    )
    assert {second_factor.SET_UP_EVENT, second_factor.VERIFIED_EVENT} <= actions
