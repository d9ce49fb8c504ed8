"""Journey 6 in Chromium: the state analyst builds the statewide report of a programme
with small counts withheld, exports it, and allocates a budget by a key file."""

from __future__ import annotations

import io

import openpyxl
import pytest

from lotse.demo import data
from lotse.demo.staffing import key_file_path
from lotse.reports.models import ReportRun
from tests.e2e.conftest import axe_violations, fill_confirmation, in_thread, sign_in
from tests.e2e.test_staffing_journey import fill_allocation

pytestmark = pytest.mark.e2e


def test_state_analyst_reports_exports_and_allocates(demo, page):
    sign_in(page, "land", data.PASSWORD)
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Berichte").click()
    page.wait_for_url("**/reports/")
    page.get_by_role("combobox", name="Bericht", exact=True).select_option(
        label="Jährliche Kennzahlen Integrationsmanagement"
    )
    page.get_by_role("combobox", name="Für", exact=True).select_option(
        label="Land: Baden-Württemberg"
    )
    assert not axe_violations(page)
    page.get_by_role("button", name="Bericht erstellen").click()
    page.wait_for_url("**/reports/runs/*/")
    sections = page.locator("section.report-section")
    sections.first.wait_for()
    assert sections.count() == 14
    # Small counts are withheld, in the table and in the chart beside it.
    assert page.locator("table.report abbr.withheld").count() > 0
    assert page.locator("svg[role='img']").count() == 14
    persons = page.locator("section[data-code='persons'] tbody tr").first
    assert int(persons.locator("td").inner_text().replace(".", "")) > 0
    assert not axe_violations(page)

    run_url = page.url
    # An export asks for the password first, then the file comes.
    page.get_by_role("link", name="Excel (XLSX)").click()
    confirm = fill_confirmation(page, data.PASSWORD)
    assert not axe_violations(page)
    with page.expect_download() as download:
        confirm.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "Jährliche Kennzahlen Integrationsmanagement" in texts and "•" in texts
    run_pk = int(run_url.rstrip("/").rsplit("/", 1)[1])
    run = in_thread(lambda: ReportRun.objects.select_related("created_by").get(pk=run_pk))
    assert run.status == "done" and run.created_by.username == "land"
    # Confirmed for a while: the next export needs no password.
    page.goto(run_url)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.endswith(".csv")

    # The quality indicators over eight quarters, as line charts beside their tables.
    page.get_by_role("link", name="Zurück zu den Berichten").click()
    page.get_by_role("link", name="Qualitätsindikatoren im Zeitverlauf").click()
    page.get_by_role("combobox", name="Für", exact=True).select_option(
        label="Land: Baden-Württemberg"
    )
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url("**/reports/quality/?*")
    assert page.locator("section.report-section svg[role='img']").count() == 3
    assert not axe_violations(page)

    # A budget allocated among municipalities by a key.
    fill_allocation(page, "Integrationsmanagement Landkreis Ludwigsburg")
    page.locator("#id_file").set_input_files(str(key_file_path()))
    page.get_by_role("button", name="Verteilen").click()
    page.wait_for_url("**/staffing/allocations/*/")
    assert "identisch" in page.locator("dl.facts").inner_text()
    assert not axe_violations(page)
