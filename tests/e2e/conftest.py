"""Browser tests: the system Chromium, driven headless by Playwright, against a live server.

Under CI=true a missing Chromium fails the run; elsewhere these tests are skipped with
the reason shown in the summary.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def demo(transactional_db):
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", clients=40, stdout=devnull)


@pytest.fixture
def page(live_server, demo, settings, tmp_path):
    """A fresh browser per test, started after and stopped before the database work.

    Playwright's sync API runs an event loop in this thread while it is open; Django
    gives code inside a running loop its own connection objects, so the test database's
    set-up and tear-down must happen outside it.
    """
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": browser tests must run in CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    settings.PRIVATE_MEDIA_ROOT = tmp_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(base_url=live_server.url, locale="de-DE")
        yield context.new_page()
        browser.close()


def in_thread(query):
    """Run a database query outside Playwright's event loop (Django refuses it inside)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(query).result()


def sign_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")


def axe_violations(page):
    """Serious and critical WCAG 2.1 A/AA violations that axe-core finds on the page."""
    assert AXE.exists(), "axe-core is missing: run `make install` (npm ci)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def saved(page, message):
    """Wait for the flash `message` after a form post. If the page came back with errors
    or with something else entirely, fail with what it says, so a refused post says why."""
    from playwright.sync_api import TimeoutError as Timeout

    done = page.get_by_text(message)
    refused = page.locator(".error, .form-errors")
    try:
        done.or_(refused).first.wait_for()
    except Timeout:
        pytest.fail(f"{page.url}: neither {message!r} nor an error: {page.inner_text('body')}")
    if not done.count():
        texts = [t.strip() for t in refused.all_inner_texts()]
        pytest.fail(f"{page.url}: the form was refused: {texts}")
