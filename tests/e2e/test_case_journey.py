"""Journey 2, case management: open a case under a programme → eligibility and time
limit shown → profile → plan with a goal and a step → voluntary agreement → plan printed
in German and Arabic (the PDF's page rendered and checked) → review → closure."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from lotse.clients.models import Client
from lotse.demo import data
from tests.e2e.conftest import axe_violations, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def client_without_case(demo):
    found = (
        Client.objects.filter(office__name="Caritas Migrationsdienst Ludwigsburg", cases=None)
        .exclude(nationalities=[])
        .first()
    )
    return found.pk, f"{found.family_name}, {found.given_names}"


def test_case_management_journey(client_without_case, page):
    client_pk, _name = client_without_case
    sign_in(page, "beratung", data.PASSWORD)
    page.goto(f"/clients/{client_pk}/")
    page.get_by_role("link", name="Fall eröffnen").click()
    page.locator("#id_programme").select_option(label="IM Baden-Württemberg")
    page.get_by_role("button", name="Voraussetzungen prüfen").click()
    check = page.get_by_role(
        "region", name="Zugangsvoraussetzungen im Programm IM Baden-Württemberg"
    )
    assert "Anschlussunterbringung" in check.inner_text()
    assert not axe_violations(page)
    page.locator("#id_override_justification").fill(
        "Wohnt seit Kurzem in der Anschlussunterbringung, noch nicht erfasst."
    )
    page.get_by_role("button", name="Fall eröffnen").click()
    page.get_by_text("Der Fall wurde eröffnet.").wait_for()
    facts = page.locator("dl.facts").inner_text()
    assert "Höchstdauer" in facts and "Anschlussunterbringung" in facts
    case_url = page.url
    # Profile
    page.get_by_role("link", name="Profil").click()
    page.locator("#id_school_years").fill("10")
    page.locator("#id_work_experience").fill("Acht Jahre Schneiderin in Aleppo")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Das Profil wurde gespeichert.").wait_for()
    # Plan: a goal and a step
    goal = page.locator("#new-goal-heading").locator("..")
    goal.locator("#id_goal-field_of_action").select_option(label="Arbeit und Beruf")
    goal.locator("#id_goal-what").fill("Arbeit als Schneiderin finden")
    goal.locator("#id_goal-indicator").fill("Arbeitsvertrag unterschrieben")
    goal.locator("#id_goal-due_on").fill("2027-06-30")
    goal.get_by_role("button", name="Ziel hinzufügen").click()
    page.get_by_text("Das Ziel wurde in den Plan aufgenommen.").wait_for()
    step = page.locator("#new-step-heading").locator("..")
    step.locator("#id_step-goal").select_option(index=1)
    step.locator("#id_step-actor").select_option("client")
    step.locator("#id_step-what").fill("Bewerbungsmappe zusammenstellen")
    step.locator("#id_step-due_on").fill("2026-12-15")
    step.get_by_role("button", name="Schritt hinzufügen").click()
    page.get_by_text("Der Schritt wurde hinzugefügt.").wait_for()
    # Voluntary agreement
    agreement = page.locator("#agreement-heading").locator("..")
    agreement.locator("#id_agreement-how").select_option("written")
    agreement.locator("#id_agreement-copy_handed_over").check()
    agreement.get_by_role("button", name="Erfassen").click()
    page.get_by_text("Die Vereinbarung wurde erfasst.").wait_for()
    assert not axe_violations(page)
    # The plan on paper, in German and Arabic: render its first page and look at it.
    case_pk = case_url.rstrip("/").rsplit("/", 1)[-1]
    pdf = page.request.get(f"/cases/{case_pk}/plan.pdf?language=ar")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    image = pdfium.PdfDocument(pdf.body())[0].render(scale=1).to_pil().convert("L")
    width, height = image.size
    arabic_column = image.crop((int(width * 0.33), 0, int(width * 0.55), height))
    assert sum(arabic_column.histogram()[:128]) > 2000  # drawn glyphs, not a blank column
    assert b"NotoSansArabic" in pdf.body()
    # Review and closure
    review = page.locator("#review-heading").locator("..")
    review.locator("#id_review-goal").select_option(index=1)
    review.locator("#id_review-counsellor_score").select_option("0")
    review.locator("#id_review-client_score").select_option("1")
    review.locator("#id_review-at_closure").check()
    review.get_by_role("button", name="Überprüfung erfassen").click()
    page.get_by_text("Die Überprüfung wurde erfasst.").wait_for()
    closing = page.locator("#phase-heading").locator("..")
    closing.locator("#id_close-closure_reason").select_option(index=1)
    closing.locator("#id_close-closure_summary").fill(
        "Arbeitsstelle gefunden, nutzt Regeldienste selbstständig."
    )
    closing.get_by_role("button", name="Fall abschließen").click()
    page.get_by_text("Der Fall wurde abgeschlossen.").wait_for()
    assert "Abgeschlossen" in page.locator("dl.facts").inner_text()
    assert not axe_violations(page)
