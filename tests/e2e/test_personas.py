"""Every demo persona signs in and sees the navigation meant for their role; axe-core
finds no serious or critical WCAG 2.1 AA violation on any page they can reach."""

from __future__ import annotations

import pytest

from lotse.clients.models import Client
from lotse.demo import data
from lotse.network.models import Appointment, Service
from lotse.staffing.models import AllocationRun, Position
from tests.e2e.conftest import axe_violations, in_thread, sign_in

pytestmark = pytest.mark.e2e

COMMON = ["Startseite", "Organisationen", "Programme"]
OFFICE = ["Startseite", "Ratsuchende", "Termine", "Angebote"]
NAVIGATION = {
    "beratung": [*OFFICE, "Strukturarbeit", *COMMON[1:]],
    "teamleitung": [*OFFICE, "Team", "Strukturarbeit", "Berichte", "Personal", *COMMON[1:]],
    "traeger": ["Startseite", "Team", "Berichte", "Personal", *COMMON[1:]],
    "kreis": ["Startseite", "Angebote", "Berichte", "Personal", "Mittelverteilung", *COMMON[1:]],
    "land": ["Startseite", "Berichte", "Personal", "Mittelverteilung", *COMMON[1:]],
    "admin": [*COMMON, "Audit-Protokoll", "Verwaltung"],
}
# What the start page shows for each role.
PANEL = {
    "beratung": "Caritas Migrationsdienst Ludwigsburg",
    "teamleitung": "Team",
    "traeger": "Caritas Ludwigsburg",
    "kreis": "Landkreis Ludwigsburg",
    "land": "Baden-Württemberg",
    "admin": "Neueste Audit-Ereignisse",
}


@pytest.mark.parametrize("username", list(NAVIGATION))
def test_persona_signs_in_and_sees_the_navigation_of_the_role(page, username):
    sign_in(page, username, data.PASSWORD)
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    assert nav.get_by_role("link").all_inner_texts() == NAVIGATION[username]
    assert (
        page.get_by_role("link", name="Startseite", exact=True).get_attribute("aria-current")
        == "page"
    )
    assert page.locator("main").get_by_text(PANEL[username]).first.is_visible()
    # The stylesheet and htmx (installed from the npm registry) are served by Lotse.
    header = page.locator("header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header == "rgb(11, 79, 108)"
    assert page.evaluate("typeof window.htmx") == "object"


def test_a_wrong_password_is_explained(page):
    page.goto("/accounts/login/")
    page.get_by_label("Benutzername").fill("beratung")
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Benutzername").input_value() == "beratung"


def test_the_policy_check_sees_an_inline_script(page):
    """The check every browser test ends with can fail: an inline script slipped into
    the sign-in page is blocked by the Content Security Policy and reported."""

    def with_inline_script(route):
        response = route.fetch()
        body = response.text().replace("</body>", "<script>document.title = 'x'</script></body>")
        route.fulfill(response=response, body=body)

    page.route("**/accounts/login/", with_inline_script)
    page.goto("/accounts/login/")
    page.wait_for_function("document.readyState === 'complete'")
    page.wait_for_timeout(200)
    assert page.title() != "x"
    assert any("script-src-elem" in found for found in page.csp_blocked), page.csp_blocked
    page.csp_blocked.clear()


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page):
    sign_in(page, "beratung", data.PASSWORD)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def pages_of(page):
    """The start page, every navigation target and every link to an object from there."""
    seen, queue = [], ["/"]
    while queue:
        url = queue.pop(0)
        if url in seen or len(seen) >= 25:
            continue
        seen.append(url)
        page.goto(url)
        selector = "main a[href^='/organisations/'], main a[href^='/clients/'], nav a[href^='/']"
        for href in page.locator(selector).evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        ):
            skip = ("/admin/", "/documents/", ".csv", ".ics")
            if href not in seen and not any(part in href for part in skip):
                queue.append(href)
    return seen


def network_forms():
    def ids():
        office = "Caritas Migrationsdienst Ludwigsburg"
        service = Service.objects.filter(district__offices__name=office, office=None).first()
        appointment = Appointment.objects.filter(office__name=office).first()
        client = Client.objects.filter(office__name=office).first()
        return service.pk, appointment.pk, client.pk

    service, appointment, client = in_thread(ids)
    return [
        f"/network/services/{service}/",
        "/network/services/new/",
        "/network/services/import/",
        "/network/appointments/new/",
        f"/network/appointments/{appointment}/",
        f"/network/follow-ups/new/{client}/",
        f"/clients/{client}/add/decision/",
    ]


def staffing_forms():
    def ids():
        office = "Caritas Migrationsdienst Ludwigsburg"
        position = Position.objects.filter(office__name=office).first()
        client = Client.objects.filter(office__name=office).first()
        return position.pk, client.pk

    position, client = in_thread(ids)
    return [
        "/staffing/positions/",
        "/staffing/positions/new/",
        f"/staffing/positions/{position}/",
        "/staffing/counts/",
        "/staffing/grants/",
        "/structural/activities/new/",
        "/structural/volunteers/",
        "/structural/volunteers/new/",
        f"/structural/matches/new/{client}/",
    ]


def allocation_id():
    """The demo's allocation (other tests may add theirs)."""
    return in_thread(lambda: AllocationRun.objects.order_by("pk").first().pk)


@pytest.mark.parametrize("username", list(NAVIGATION))
def test_no_serious_accessibility_violations(page, username):
    problems = {}
    for url in ["/accounts/login/", "/accounts/password/reset/"]:
        page.goto(url)
        problems[url] = axe_violations(page)
    sign_in(page, username, data.PASSWORD)
    visited = [*pages_of(page), "/accounts/password/"]
    if username == "beratung":  # the network's forms, which the journeys do not open
        visited += network_forms()
    if username == "teamleitung":  # staffing and structural work beyond the navigation
        visited += staffing_forms()
    if username == "kreis":
        visited += ["/staffing/allocations/new/", f"/staffing/allocations/{allocation_id()}/"]
    if username == "admin":
        visited += [
            "/audit/",
            "/admin/",
            "/admin/organisations/programme/",
            "/admin/organisations/office/1/change/",
        ]
    for url in visited:
        assert page.goto(url).status == 200, url
        problems[url] = axe_violations(page)
    assert len(problems) >= 5
    assert {url: found for url, found in problems.items() if found} == {}


def test_administrator_filters_the_audit_log_in_place(page):
    sign_in(page, "admin", data.PASSWORD)
    page.goto("/audit/")
    page.evaluate("document.body.dataset.marker = 'same-page'")
    page.get_by_label("Aktion").fill("accounts.login")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url("**/audit/?*action=accounts.login*")
    rows = page.locator("#audit-events tbody tr")
    rows.first.wait_for()
    actions = page.locator("#audit-events tbody td code").all_inner_texts()
    # The filter matches the start of the action (failed sign-ins of other tests too).
    assert "accounts.login" in actions
    assert all(action.startswith("accounts.login") for action in actions)
    # htmx swapped the table only: the page itself was not reloaded.
    assert page.evaluate("document.body.dataset.marker") == "same-page"
