"""Exports of a built report: CSV, XLSX and PDF (lotse.reports.exports)."""

import csv
import io
from datetime import date

import pypdfium2 as pdfium
import pytest
from django.utils import translation
from openpyxl import load_workbook

from lotse.reports.exports import report_csv, report_pdf, report_xlsx
from lotse.reports.report import SUPPRESSED, Report, Section, Value

CREATED = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def report():
    persons = Section(
        "persons",
        "Persons counselled",
        ["", "Number"],
        [["Persons with a file", 42], ["Family members", None], ["Anonymous contacts", 7]],
        has_total=False,
        figures=[("Share of women (%)", 12.5), ("Median wait (days)", None)],
        note="Separate counts that do not add up.",
    )
    contacts = Section(
        "contacts",
        "Contacts by kind",
        ["Kind", "Women", "Men", "Total"],
        [
            ["=SUM(A1)", 3, 4, 7],
            ["@cmd", None, 5, None],
            ["-1+2", 10, 0, 10],
            ["Beratung für Familien", 2, 1, 3],
            ["Total", 15, 10, 25],
        ],
        chart="grouped",
        note="Counts below 3 are withheld.",
    )
    return Report(
        title="Jahresbericht Migrationsberatung 2025",
        programme="MBE",
        scope="Landkreis Lörrach",
        period="01.01.2025–31.12.2025",
        threshold=3,
        sections=[persons, contacts],
        notes=["All figures are counts of persons or contacts."],
    )


def csv_rows(text):
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_the_csv_lays_out_meta_sections_figures_and_notes():
    text = report_csv(report(), CREATED)
    assert text.startswith("\ufeff")
    rows = csv_rows(text)
    assert rows[:8] == [
        ["Jahresbericht Migrationsberatung 2025"],
        ["Programme", "MBE"],
        ["Scope", "Landkreis Lörrach"],
        ["Period", "01.01.2025–31.12.2025"],
        ["Smallest count shown", "3"],
        ["Created on", "02.03.2026"],
        [],
        ["Persons counselled"],
    ]
    assert rows[8:17] == [
        ["", "Number"],
        ["Persons with a file", "42"],
        ["Family members", SUPPRESSED],
        ["Anonymous contacts", "7"],
        ["Share of women (%)", "12.5"],
        ["Median wait (days)", SUPPRESSED],
        ["Separate counts that do not add up."],
        [],
        ["Contacts by kind"],
    ]
    assert rows[17] == ["Kind", "Women", "Men", "Total"]
    assert rows[-1] == ["All figures are counts of persons or contacts."]
    assert "Jahresbericht Migrationsberatung 2025\r\nProgramme;MBE\r\n" in text


def test_the_csv_neutralises_formula_labels():
    rows = csv_rows(report_csv(report(), CREATED))
    assert ["'=SUM(A1)", "3", "4", "7"] in rows
    assert ["'@cmd", SUPPRESSED, "5", SUPPRESSED] in rows
    assert ["'-1+2", "10", "0", "10"] in rows
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_spreadsheet_holds_numbers_marks_and_no_formulas():
    sheet = load_workbook(io.BytesIO(report_xlsx(report(), CREATED))).active
    assert sheet.title == "Report"
    assert sheet["A1"].value == "Jahresbericht Migrationsberatung 2025"
    assert (sheet["A3"].value, sheet["B3"].value) == ("Scope", "Landkreis Lörrach")
    assert sheet["B5"].value == 3
    assert sheet["B6"].value.date() == CREATED
    assert sheet["A8"].value == "Persons counselled"
    assert sheet["A8"].font.bold
    assert sheet["B9"].value == "Number"
    assert sheet["B9"].font.bold
    assert (sheet["A10"].value, sheet["B10"].value) == ("Persons with a file", 42)
    assert sheet["B10"].data_type == "n"
    assert sheet["B11"].value == SUPPRESSED
    assert (sheet["A13"].value, sheet["B13"].value) == ("Share of women (%)", 12.5)
    assert sheet["B13"].data_type == "n"
    assert sheet["B14"].value == SUPPRESSED
    assert sheet["A15"].value == "Separate counts that do not add up."

    rows = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert rows["'=SUM(A1)"] == (3, 4, 7)
    assert rows["'@cmd"] == (SUPPRESSED, 5, SUPPRESSED)
    assert rows["'-1+2"] == (10, 0, 10)
    assert rows["All figures are counts of persons or contacts."] == (None, None, None)
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    assert not any(
        isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@"))
        for cell in cells
    )
    total = next(row for row in sheet.iter_rows() if row[0].value == "Total")
    assert all(cell.font.bold for cell in total)
    assert sheet.column_dimensions["A"].width >= 20


def test_the_spreadsheet_title_and_labels_follow_the_language():
    with translation.override("de"):
        sheet = load_workbook(io.BytesIO(report_xlsx(report(), CREATED))).active
    assert (sheet["A2"].value, sheet["A4"].value) == ("Programm", "Zeitraum")


def pdf_text(data):
    document = pdfium.PdfDocument(data)
    return [
        document[i].get_textpage().get_text_range().replace("\r", "").replace("\u00a0", " ")
        for i in range(len(document))
    ]


def test_the_pdf_shows_title_sections_marks_and_umlauts():
    data = report_pdf(report(), CREATED)
    assert data.startswith(b"%PDF")
    page = pdfium.PdfDocument(data)[0]
    assert page.get_width() < page.get_height()  # portrait
    text = "\n".join(pdf_text(data))
    assert "Jahresbericht Migrationsberatung 2025" in text
    assert "Scope: Landkreis Lörrach" in text
    assert "Created on: 02.03.2026" in text
    assert "Contacts by kind" in text
    assert "Beratung für Familien" in text
    assert SUPPRESSED in text
    assert "01.01.2025–31.12.2025" in text
    assert "12,5" in text  # German notation
    assert "=SUM(A1)" in text  # printed as typed: a PDF runs no formulas
    assert "All figures are counts of persons or contacts." in text
    assert "Page 1/1" in text


def test_a_long_report_runs_over_portrait_pages_with_page_numbers():
    rows: list[list[Value]] = [[f"Zeile {n}", n, None] for n in range(1, 120)]
    long = Report(
        "Langer Bericht", "MBE", "Kiel", "2025", 3,
        [Section("long", "Viele Zeilen", ["", "Anzahl", "Übrige"], rows, has_total=False)],
    )  # fmt: skip
    data = report_pdf(long, CREATED)
    document = pdfium.PdfDocument(data)
    count = len(document)
    assert count >= 2
    assert all(document[i].get_width() < document[i].get_height() for i in range(count))
    pages = pdf_text(data)
    assert f"Page {count}/{count}" in pages[-1]
    assert "Zeile 119" in pages[-1]
    assert "Anzahl" in pages[-1]  # the header row repeats on every page
