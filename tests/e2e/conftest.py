"""Browser tests: the system Chromium, driven headless by Playwright, against a live server.

The demo is loaded once per test session (per xdist worker) and stays committed, and
one live server serves it to every test: loading it for each test and flushing the
database afterwards cost about 20 s a test. The tests therefore share the data: a test
may add to the demo but must not rely on another test's additions or their absence.
Because the committed demo would break every other test, the browser tests run in a
pytest session of their own (`pytest -m e2e`; `make test` runs both sessions); in a
session that holds other tests too, they fail at once and load nothing.

Under CI=true a missing Chromium fails the run; elsewhere these tests are skipped with
the reason shown in the summary.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """The test database. pytest-django creates the databases that marked tests ask for;
    the browser tests carry no mark (they share the committed demo), so without this
    their queries would reach the configured database itself."""
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        config = setup_databases(verbosity=verbosity, interactive=False)
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=verbosity)


@pytest.fixture(scope="session")
def demo(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo (40 clients), loaded and committed once; the database stays open to the
    tests, the live server and `in_thread` for the whole session."""
    if any(item.get_closest_marker("e2e") is None for item in request.session.items):
        pytest.fail("Browser tests run in a session of their own: `pytest -m e2e`.")
    media = override_settings(PRIVATE_MEDIA_ROOT=tmp_path_factory.mktemp("private"))
    with django_db_blocker.unblock(), media:
        with open(os.devnull, "w") as devnull:
            call_command("load_demo", clients=40, stdout=devnull)
        yield


@pytest.fixture(scope="session")
def server(demo):
    """One live server for the session (pytest-django's `live_server` would flush the
    database after every test)."""
    live = LiveServer("localhost")
    with live._live_server_modified_settings:
        yield live
    live.stop()


@pytest.fixture
def page(server):
    """A fresh browser per test; a test fails if the Content Security Policy blocked
    anything on a page it visited (inline script or style, a foreign source).

    Playwright's sync API runs an event loop in this thread while it is open; Django
    refuses database work inside a running loop, so tests query through `in_thread`.
    """
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": browser tests must run in CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(base_url=server.url, locale="de-DE")
        page = context.new_page()
        blocked: list[str] = []
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", lambda message: blocked.extend(_violation(page, message.text)))
        page.csp_blocked = blocked  # type: ignore[attr-defined]
        yield page
        browser.close()
    if blocked:
        pytest.fail("blocked by the Content Security Policy:\n" + "\n".join(blocked))


# Every violation of the Content Security Policy, written to the console where the test
# reads it. Scripts the tests evaluate themselves (axe-core) have no source file and
# are left out: anything of Lotse's comes from the page or a static file.
VIOLATION = "csp-violation "
REPORT_VIOLATIONS = (
    "document.addEventListener('securitypolicyviolation', e => console.log("
    f"'{VIOLATION}' + JSON.stringify({{directive: e.violatedDirective, "
    "source: e.sourceFile, line: e.lineNumber, sample: e.sample})))"
)


def _violation(page, text):
    if not text.startswith(VIOLATION):
        return []
    found = json.loads(text.removeprefix(VIOLATION))
    return [f"{page.url}: {found}"] if found["source"] else []


def in_thread(query):
    """Run a database query outside Playwright's event loop (Django refuses it inside).
    The thread's connection is closed afterwards: a connection left open would keep the
    test database from being dropped at the end of the session."""

    def run():
        try:
            return query()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def fresh_device(username):
    """A second-factor device set up afresh for the user, if they owe one at sign-in
    (none of its codes used up yet); None for whom the password is enough."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lotse.accounts import second_factor
    from lotse.accounts.models import User

    def set_up():
        user = User.objects.get(username=username)
        if not second_factor.owed_by(user):
            return None
        TOTPDevice.objects.filter(user=user).delete()
        return TOTPDevice.objects.create(user=user, name="Test", confirmed=True)

    return in_thread(set_up)


def sign_in(page, username, password):
    """Sign in with the password, and with the code from the app where it is asked for."""
    from tests.conftest import code_for

    device = fresh_device(username)
    page.goto("/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    if device is not None:
        page.wait_for_url("**/accounts/second-factor/?next=*")
        page.get_by_label("Code aus Ihrer App").fill(code_for(device))
        page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")


def fill_confirmation(page, password):
    """On the page that exports and merges ask for first, enter the password; the caller
    presses "Bestätigen" (inside `expect_download` when a file comes next)."""
    page.wait_for_url("**/accounts/confirm/?next=*")
    page.get_by_role("heading", name="Bitte bestätigen Sie Ihr Passwort").wait_for()
    page.get_by_label("Passwort").fill(password)
    return page.get_by_role("button", name="Bestätigen")


def axe_violations(page):
    """Serious and critical WCAG 2.1 A/AA violations that axe-core finds on the page."""
    assert AXE.exists(), "axe-core is missing: run `make install` (npm ci)"
    # Evaluated through the DevTools protocol: a script tag would be refused by the page's
    # Content Security Policy, which allows no inline script.
    page.evaluate(AXE.read_text(encoding="utf-8"))
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
