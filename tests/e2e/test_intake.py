"""Journey 1, intake: search a name (transliteration-aware) → new client with minimal
data and a consent → short counselling logged, with the keyboard."""

from __future__ import annotations

import time

import pytest

from lotse.clients.models import Client
from lotse.demo import data
from tests.e2e.conftest import axe_violations, fill_confirmation, in_thread, sign_in

pytestmark = pytest.mark.e2e


def test_intake_journey(page):
    sign_in(page, "beratung", data.PASSWORD)
    started = time.monotonic()
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Ratsuchende"
    ).click()
    search = page.get_by_label("Name, Geburtsdatum, Aktenzeichen oder Telefonnummer")
    # Another spelling of a demo client finds the person as one types.
    search.fill("Muhammad Alhasan")
    page.locator("#results").get_by_role("link", name="Al-Hassan, Mohammed").first.wait_for()
    # A new person: nobody found, so register.
    search.fill("Aylin Karakaya")
    page.get_by_text("Niemand gefunden").wait_for()
    assert not axe_violations(page)
    page.get_by_role("link", name="Ratsuchende Person registrieren").click()
    page.get_by_label("Vornamen").fill("Aylin")
    page.get_by_label("Familienname").fill("Karakaya")
    page.get_by_label("Jahr").fill("1994")
    page.get_by_label("Staatsangehörigkeit", exact=True).select_option("TR")
    consent = page.get_by_label(
        "Einwilligung der ratsuchenden Person in Beratung und Dokumentation jetzt erfassen"
    )
    assert consent.is_checked()
    assert not axe_violations(page)
    page.get_by_role("button", name="Registrieren").click()
    page.get_by_role("heading", name="Aylin Karakaya").wait_for()
    assert page.get_by_text("in Kraft").first.is_visible()
    # Log a short counselling with the keyboard only.
    page.get_by_role("link", name="Kontakt erfassen").click()
    kind_select = page.locator("#id_kind")
    kind_select.focus()
    page.keyboard.press("Home")  # the first kind in the list, chosen with the keyboard
    kind = kind_select.evaluate("s => s.options[s.selectedIndex].text")
    page.get_by_label("Sozialleistungen: SGB II").focus()
    page.keyboard.press("Space")
    page.get_by_label("Kurze Notiz").focus()
    page.keyboard.type("Antrag besprochen")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("Der Kontakt wurde erfasst.").wait_for()
    elapsed = time.monotonic() - started
    timeline = page.locator("ol.timeline")
    assert kind in timeline.inner_text() and "Sozialleistungen: SGB II" in timeline.inner_text()
    assert not axe_violations(page)
    client = in_thread(lambda: Client.objects.get(family_name="Karakaya"))
    assert in_thread(lambda: (client.consents.count(), client.contacts.count())) == (1, 1)
    print(f"intake journey in the browser: {elapsed:.1f} s")


@pytest.fixture
def al_hassan(demo):
    return Client.objects.filter(family_name="Al-Hassan", given_names="Mohammed").first()


@pytest.fixture
def demo_case(demo):
    from lotse.cases.models import Case

    return (
        Case.objects.filter(office__name="Caritas Migrationsdienst Ludwigsburg")
        .exclude(phase="closed")
        .first()
    )


def test_duplicate_warning_and_office_contacts_are_accessible(al_hassan, demo_case, page):
    sign_in(page, "teamleitung", data.PASSWORD)
    page.goto("/clients/new/")
    page.get_by_label("Vornamen").fill("Muhammad")
    page.get_by_label("Familienname").fill("Alhasan")
    page.get_by_role("button", name="Registrieren").click()
    page.get_by_role("heading", name="Diese Person ist vielleicht schon registriert").wait_for()
    assert page.get_by_label("Vornamen").input_value() == "Muhammad"
    problems = {"/clients/new/ (duplicates)": axe_violations(page)}
    client = al_hassan
    # Merging asks for the password before it shows its form.
    page.goto(f"/clients/{client.pk}/merge/")
    fill_confirmation(page, data.PASSWORD).click()
    page.wait_for_url(f"**/clients/{client.pk}/merge/")
    for url in [
        "/contacts/anonymous/",
        "/contacts/group/",
        f"/clients/{client.pk}/merge/",
        f"/clients/{client.pk}/edit/",
        f"/clients/{client.pk}/add/household/",
        f"/cases/open/{client.pk}/",
        f"/cases/{demo_case.pk}/",
        f"/cases/{demo_case.pk}/revisions/",
        f"/cases/{demo_case.pk}/assessment/",
        f"/cases/{demo_case.pk}/plan/?language=ar",
    ]:
        page.goto(url)
        problems[url] = axe_violations(page)
    assert {url: found for url, found in problems.items() if found} == {}
