"""The district coordinator checks the staffing ratios of the district's offices and
distributes a budget among its municipalities by a key file, in Chromium."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.utils import timezone

from lotse.demo import data
from lotse.demo.staffing import key_file_path
from lotse.staffing.models import AllocationRun
from tests.e2e.conftest import axe_violations, fill_confirmation, in_thread, sign_in

pytestmark = pytest.mark.e2e


def mbe_open_cases_by_office():
    """Open MBE cases per office of Landkreis Ludwigsburg, counted in SQL."""
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT o.name, COUNT(c.id)
            FROM organisations_office o
            JOIN organisations_district d ON d.id = o.district_id
            JOIN cases_case c ON c.office_id = o.id
            JOIN organisations_programme p ON p.id = c.programme_id
            WHERE d.key = '08118' AND p.key = 'mbe'
              AND c.opened_on <= %s
              AND (c.closed_on IS NULL OR c.closed_on > %s)
            GROUP BY o.name
            """,
            [today, today],
        )
        return dict(cursor.fetchall())


def fill_allocation(page, title):
    """Open a new allocation from the navigation and enter the figures of a bw-im budget
    of 1.2 million euros with the minimum share of 51,000 euros."""
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Mittelverteilung").click()
    page.get_by_role("link", name="Budget verteilen").click()
    page.locator("#id_title").fill(title)
    page.locator("#id_programme").select_option(label="IM Baden-Württemberg")
    page.locator("#id_key_label").fill("Personen in der Anschlussunterbringung")
    page.locator("#id_budget_eur").fill("1200000")
    page.locator("#id_minimum_eur").fill("51000")


def test_district_coordinator_checks_ratios_and_distributes_a_budget(demo, page):
    expected = in_thread(mbe_open_cases_by_office)
    assert expected, "the demo has MBE cases in the district"
    sign_in(page, "kreis", data.PASSWORD)
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Personal").click()
    page.wait_for_url("**/staffing/")
    table = page.locator("table[data-programme='mbe']")
    for office, count in expected.items():
        row = table.locator(f"tr[data-unit='{office}']")
        assert row.get_attribute("data-counted") == str(count)
        assert row.locator("td").nth(1).inner_text() == str(count)
    assert page.locator("table[data-programme='bw-im']").count() == 1
    assert not axe_violations(page)

    # Figures per district: one row that adds up the offices.
    page.locator("#id_level").select_option("district")
    page.get_by_role("button", name="Anzeigen").click()
    row = page.locator("table[data-programme='mbe'] tr[data-unit]")
    assert row.count() == 1
    assert row.get_attribute("data-counted") == str(sum(expected.values()))

    # Distribute a budget among the municipalities by the demo's key file.
    fill_allocation(page, "Integrationsmanagement 2027 – Probelauf")
    # A wrong file first: the figures typed stay, nothing is stored.
    page.locator("#id_file").set_input_files(
        files=[{"name": "falsch.csv", "mimeType": "text/csv", "buffer": b"Name\nAsperg\n"}]
    )
    page.get_by_role("button", name="Verteilen").click()
    assert "Fehlende Spalten" in page.locator(".form-errors").inner_text()
    assert page.locator("#id_budget_eur").input_value() == "1200000"
    assert not axe_violations(page)
    page.locator("#id_file").set_input_files(str(key_file_path()))
    page.get_by_role("button", name="Verteilen").click()
    page.wait_for_url("**/staffing/allocations/*/")
    assert "identisch" in page.locator("dl.facts").inner_text()
    cells = page.locator("table.allocation tbody tr")
    allocated = sum(int(cells.nth(i).get_attribute("data-allocated")) for i in range(cells.count()))
    assert allocated == 1_200_000
    assert not axe_violations(page)

    # The export says the same as the page, once the password is confirmed.
    page.get_by_role("link", name="Als CSV exportieren").click()
    confirm = fill_confirmation(page, data.PASSWORD)
    with page.expect_download() as download:
        confirm.click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    assert sum(int(row[6]) for row in rows) == 1_200_000
    run = in_thread(lambda: AllocationRun.objects.latest("pk"))
    assert run.title == "Integrationsmanagement 2027 – Probelauf"
    assert in_thread(lambda: run.created_by.username) == "kreis"
