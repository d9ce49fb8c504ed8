"""The spending proof as XLSX and PDF (lotse.staffing.documents)."""

import io
from datetime import date
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from django.utils import translation
from openpyxl import load_workbook

from lotse.core.lib.funding import (
    GRANT_CAPPED,
    MATERIAL_CAPPED,
    FundingRules,
    PositionYear,
    spending_proof,
)
from lotse.staffing.documents import euros, proof_pdf, proof_xlsx

SH_MSB = FundingRules(
    max_grant_per_fte=70_500,
    max_material_per_fte=20_000,
    max_interpreting_per_fte=5_000,
    min_own_share_percent=10,
)
EVIL = '=HYPERLINK("http://evil.example","klick")'


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def proof(granted=100_000):
    # Line 1: eligible 62,000, grant 55,800. Line 2 (0.5 FTE): material capped at 10,000,
    # eligible 42,500, 90 % = 38,250 > 35,250 → 35,250. Total 91,050; repay 8,950.
    positions = [
        PositionYear(
            EVIL, Decimal("1"), date(2025, 1, 1), date(2025, 12, 31), "social_work_bachelor",
            50_000, 10_000, 2_000,
        ),
        PositionYear(
            "Stelle 2", Decimal("0.5"), date(2025, 1, 1), date(2025, 12, 31), None,
            30_000, 12_000, 2_500,
        ),
    ]  # fmt: skip
    return spending_proof(
        "Diakonie Kiel", "MSB Schleswig-Holstein", 2025, positions, SH_MSB, granted
    )


def cells(sheet):
    return {
        cell.coordinate: cell.value
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


def test_the_spreadsheet_holds_plain_numbers_and_neutralised_text():
    data = proof_xlsx(
        proof(),
        qualifications={"social_work_bachelor": "Soziale Arbeit (B.A.)"},
        created_on=date(2026, 1, 15),
    )
    sheet = load_workbook(io.BytesIO(data)).active
    values = cells(sheet)
    assert sheet.title == "Spending proof"
    assert values["A1"] == "Spending proof"
    assert (values["A2"], values["B2"]) == ("Provider", "Diakonie Kiel")
    assert (values["A3"], values["B3"]) == ("Programme", "MSB Schleswig-Holstein")
    assert values["B4"] == 2025
    assert values["B5"].date() == date(2026, 1, 15)
    assert [values[f"{c}7"] for c in "ABCDEFGHIJKLM"] == [
        "Position", "FTE", "Qualification", "Period", "Personnel costs", "Material costs",
        "Interpreting", "Actual costs", "Eligible costs", "Maximum grant", "Eligible grant",
        "Own contribution", "Notes",
    ]  # fmt: skip
    # The typed label is text, not a formula.
    assert values["A8"] == "'" + EVIL
    assert sheet["A8"].data_type == "s"
    assert [sheet.cell(8, c).value for c in range(2, 13)] == [
        1, "Soziale Arbeit (B.A.)", "01.01.–31.12.",
        50_000, 10_000, 2_000, 62_000, 62_000, 70_500, 55_800, 6_200,
    ]  # fmt: skip
    assert "M8" not in values  # no notes
    assert [sheet.cell(9, c).value for c in range(1, 14)] == [
        "Stelle 2", 0.5, None, "01.01.–31.12.",
        30_000, 12_000, 2_500, 44_500, 42_500, 35_250, 35_250, 9_250,
        f"{MATERIAL_CAPPED} {GRANT_CAPPED}",
    ]  # fmt: skip
    assert [sheet.cell(10, c).value for c in range(1, 13)] == [
        "Total", None, None, None, 80_000, 22_000, 4_500, 106_500, 104_500, None, 91_050, 15_450,
    ]  # fmt: skip
    assert sheet["E8"].number_format == '#,##0 "€"'
    assert sheet["K10"].number_format == '#,##0 "€"'
    summary = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(12, 20)}
    assert summary == {
        "Actual costs": 106_500,
        "Eligible grant": 91_050,
        "Own contribution": 15_450,
        "Own share": pytest.approx(0.1451),
        "Minimum own share": "10 % – met",
        "Granted": 100_000,
        "To be repaid": 8_950,
        "Not covered": 0,
    }
    # No formulas anywhere.
    assert not any(isinstance(v, str) and v.startswith("=") for v in values.values())


def test_a_notice_below_the_earned_grant_shows_the_part_not_covered():
    sheet = load_workbook(io.BytesIO(proof_xlsx(proof(90_000)))).active
    summary = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(12, 20)}
    assert (summary["To be repaid"], summary["Not covered"]) == (0, 1_050)


def test_euros_in_german_notation():
    assert euros(1_234_567) == "1.234.567\u00a0€"
    assert euros(0) == "0\u00a0€"
    assert euros(None) == ""


def test_the_pdf_shows_the_provider_and_the_totals():
    data = proof_pdf(proof(), created_on=date(2026, 1, 15))
    assert data.startswith(b"%PDF")
    document = pdfium.PdfDocument(data)
    page = document[0]
    assert page.get_width() > page.get_height()  # landscape
    text = page.get_textpage().get_text_range().replace("\u00a0", " ").replace("\r", "")
    assert "Diakonie Kiel" in text
    assert "15.01.2026" in text
    assert "Spending proof" in text
    assert "91.050 €" in text  # total grant
    assert "106.500 €" in text  # total actual costs
    assert "8.950 €" in text  # to be repaid
    assert "Page 1/1" in text


def test_a_long_proof_runs_over_pages_with_page_numbers():
    positions = [
        PositionYear(
            f"Stelle {n}", Decimal("1"), date(2025, 1, 1), date(2025, 12, 31), None, 40_000, 0, 0
        )
        for n in range(1, 41)
    ]
    # Each line 40,000 × 90 % = 36,000; 40 lines 1,440,000.
    long_proof = spending_proof("Caritas", "MSB", 2025, positions, SH_MSB, 1_440_000)
    document = pdfium.PdfDocument(proof_pdf(long_proof))
    assert len(document) >= 2
    last = document[len(document) - 1].get_textpage().get_text_range().replace("\u00a0", " ")
    assert f"Page {len(document)}/{len(document)}" in last
    assert "1.440.000 €" in last
