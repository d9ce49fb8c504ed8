"""Journeys 3, 4 and 5 in Chromium, each page checked by axe-core.

3. Referral: pick a service from the directory → consent naming recipient and purpose →
   referral recorded → it shows up as due while feedback is overdue → feedback recorded.
4. Mein Tag: today's appointments, due follow-ups, overdue feedback and reviews,
   approaching time limits, new assignments.
5. Team lead: caseload per counsellor against the programme ratio; reassign a case, and
   the counsellor finds it on Mein Tag.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lotse.cases.models import Case, Phase
from lotse.clients.models import Client
from lotse.demo import data
from lotse.network.models import Referral
from tests.e2e.conftest import axe_violations, in_thread, saved, sign_in

pytestmark = pytest.mark.e2e

OFFICE = "Caritas Migrationsdienst Ludwigsburg"


def test_referral_journey(demo, page):
    client_pk = in_thread(
        lambda: Client.objects.filter(office__name=OFFICE, referrals=None).order_by("pk").first().pk
    )
    sign_in(page, "beratung", data.PASSWORD)
    page.goto(f"/clients/{client_pk}/")
    page.locator("p.actions").get_by_role("link", name="Vermitteln").click()
    # The directory: search by type, then refer from the result.
    page.locator("#id_service_type").select_option(label="Schuldnerberatung")
    page.get_by_role("button", name="Suchen").click()
    # The results are swapped in by htmx: read a row only once the filtered table is there,
    # or the organisation may come from the unfiltered one.
    page.wait_for_url("**service_type=*")
    types = page.locator("#services tbody tr td:nth-child(2)")
    expect(types.filter(has_not_text="Schuldnerberatung")).to_have_count(0)
    row = page.locator("#services tbody tr").first
    organisation = row.locator("td a").first.inner_text()
    assert not axe_violations(page)
    row.get_by_role("link", name="Vermitteln").click()
    page.wait_for_url("**/network/referrals/new/**")
    form_url = page.url
    # Without a consent naming the recipient only an anonymous recommendation is possible.
    page.get_by_label("Vermittlung mit Datenweitergabe").check()
    page.locator("#id_purpose").fill("Schuldenregulierung mit dem Energieversorger")
    page.get_by_role("button", name="Speichern").click()
    error = page.locator("#id_consent_error")
    assert "anonyme Empfehlung" in error.inner_text()
    assert page.locator("#id_purpose").input_value().startswith("Schuldenregulierung")
    assert not axe_violations(page)
    # Record the consent naming the service and the purpose, then refer.
    page.goto(f"/clients/{client_pk}/add/consent/")
    page.locator("#id_purpose").fill("Schuldenregulierung")
    page.locator("#id_recipients").fill(organisation)
    page.locator("#id_given_on").fill(timezone.localdate().isoformat())
    page.locator("#id_form").select_option("written")
    page.get_by_role("button", name="Speichern").click()
    # Back on the file once the consent is stored (leaving earlier would cancel the post).
    page.wait_for_url(f"**/clients/{client_pk}/")
    page.goto(form_url)
    page.get_by_label("Vermittlung mit Datenweitergabe").check()
    # The consent just recorded ("purpose – recipients"); the client may hold others.
    options = page.locator("#id_consent option").filter(has_text="Schuldenregulierung")
    consent = options.filter(has_text=organisation)
    assert consent.count() == 1, options.all_inner_texts()
    page.locator("#id_consent").select_option(consent.get_attribute("value"))
    page.locator("#id_purpose").fill("Schuldenregulierung mit dem Energieversorger")
    made_on = timezone.localdate() - dt.timedelta(days=30)
    page.locator("#id_made_on").fill(made_on.isoformat())
    page.locator("#id_feedback_due_on").fill((made_on + dt.timedelta(days=14)).isoformat())
    page.get_by_label("begleitete Übergabe").check()
    page.get_by_role("button", name="Speichern").click()
    saved(page, "Die Vermittlung wurde erfasst.")
    referrals = page.get_by_role("region", name="Vermittlungen")
    assert organisation in referrals.inner_text()
    # Overdue feedback shows up as due on Mein Tag.
    page.goto("/")
    overdue = page.get_by_role("region", name="Überfällige Rückmeldungen zu Vermittlungen")
    overdue.get_by_role("link", name=organisation).first.wait_for()
    overdue.get_by_role("link", name=organisation).first.click()
    assert not axe_violations(page)
    page.locator("#id_status").select_option("feedback")
    page.locator("#id_outcome").fill("Ratenzahlung vereinbart")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Gespeichert.").wait_for()
    referral = in_thread(
        lambda: Referral.objects.select_related("consent").get(client_id=client_pk)
    )
    assert referral.status == "feedback" and referral.accompanied
    assert referral.consent is not None and referral.feedback_on == timezone.localdate()
    page.goto("/")
    overdue = page.get_by_role("region", name="Überfällige Rückmeldungen zu Vermittlungen")
    assert organisation not in overdue.inner_text()


def test_my_day(demo, page):
    sign_in(page, "beratung", data.PASSWORD)
    day = page.get_by_role("region", name="Mein Tag")
    for heading in (
        "Termine heute",
        "Fällige Wiedervorlagen",
        "Überfällige Rückmeldungen zu Vermittlungen",
        "Fällige Überprüfungen",
        "Bald endende Höchstdauern",
    ):
        section = day.get_by_role("region", name=heading)
        assert section.locator("li a").count() > 0, heading
    assert day.get_by_role("alert").count() == 1  # legal deadlines within 14 days
    new = day.get_by_text("Neu für Sie seit Ihrem letzten Besuch")
    assert new.is_visible()
    assert not axe_violations(page)
    # A follow-up done leaves the list; acknowledged assignments leave the page.
    follow_ups = day.get_by_role("region", name="Fällige Wiedervorlagen")
    before = follow_ups.locator("li").count()
    follow_ups.get_by_role("button", name="Erledigt").first.click()
    page.get_by_text("Als erledigt markiert.").wait_for()
    follow_ups = page.get_by_role("region", name="Fällige Wiedervorlagen")
    assert follow_ups.locator("li").count() in (before - 1, 1)
    page.get_by_role("button", name="Zur Kenntnis genommen").click()
    assert page.get_by_text("Neu für Sie seit Ihrem letzten Besuch").count() == 0
    # The week of appointments, and the calendar subscription.
    page.get_by_role("link", name="Diese Woche").click()
    assert page.locator(".calendar-day").count() == 7
    assert not axe_violations(page)
    page.goto("/network/calendar/")
    page.get_by_role("button", name="Abonnement-Adresse erstellen").click()
    feed_url = page.locator(".feed-url").inner_text()
    assert feed_url.endswith(".ics")
    assert not axe_violations(page)


def test_team_lead_reassigns(demo, page):
    sign_in(page, "teamleitung", data.PASSWORD)
    page.get_by_role("link", name="Team").click()
    table = page.get_by_role("table", name="Fallzahlen je Berater:in und Programm")
    assert table.locator("tbody tr").count() > 0
    assert "Sarah Becker" in table.inner_text()
    assert not axe_violations(page)
    table.get_by_role("link", name="Sarah Becker").first.click()
    page.get_by_role("heading", name="Offene Fälle von Sarah Becker").wait_for()
    assert not axe_violations(page)
    case_pk = in_thread(
        lambda: (
            Case.objects.filter(office__name=OFFICE)
            .exclude(phase=Phase.CLOSED)
            .exclude(counsellor__username="beratung")
            .first()
            .pk
        )
    )
    page.goto(f"/cases/{case_pk}/reassign/")
    assert not axe_violations(page)
    page.locator("#id_counsellor").select_option(label="Sarah Becker")
    page.locator("#id_why").fill("Urlaubsvertretung über drei Monate")
    page.get_by_role("button", name="Neu zuweisen").click()
    page.get_by_text("Der Fall wurde neu zugewiesen.").wait_for()
    # Back on the team view, at the cases of the counsellor who held it.
    page.get_by_role("heading", name="Offene Fälle von").wait_for()
    page.context.clear_cookies()
    sign_in(page, "beratung", data.PASSWORD)
    new = page.get_by_role("region", name="Mein Tag").locator(".notice")
    assert new.locator(f'a[href="/cases/{case_pk}/"]').count() == 1
