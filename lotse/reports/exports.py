"""A built report as CSV, as a spreadsheet and as a PDF (no Django models).

All three show the same content in the same order: the report's heading lines (title,
programme, scope, period, smallest count shown, date created), then every section with
its title, header row, rows, derived figures and note, and the report's notes at the end.
A withheld value (None) is shown as ``SUPPRESSED``. Fixed labels are English msgids
translated with gettext in the active language.

Labels come from the database (terms, names typed by users), so every text cell of the
CSV and the spreadsheet is neutralised against formulas (``safe_cell``); the spreadsheet
holds numbers as numbers and no formulas at all.
"""

from __future__ import annotations

import io
from datetime import date
from typing import TypeAlias

from babel.numbers import format_decimal
from django.utils.translation import gettext as _
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from lotse.core.lib.tables import safe_cell, write_csv
from lotse.reports.report import SUPPRESSED, Report, Section, Value
from lotse.staffing.documents import DATE_FORMAT, NUMBER_LOCALE, ProofPDF, table_row

Cell: TypeAlias = Value | date

# What a line of the layout is; the spreadsheet styles by it, the CSV ignores it.
TITLE = "title"
META = "meta"
BLANK = "blank"
SECTION = "section"
HEADER = "header"
ROW = "row"
TOTAL = "total"
FIGURE = "figure"
NOTE = "note"

# Spreadsheet column widths (characters): the label column, then the value columns.
LABEL_WIDTH = (16, 60)
VALUE_WIDTH = (10, 30)
# PDF (A4 portrait, 190 mm between the margins): widths in mm.
PDF_WIDTH = 190
PDF_LABEL_WIDTH = (50, 80)
PDF_VALUE_WIDTH = 25


def meta(report: Report, created_on: date) -> list[tuple[str, str | int | date]]:
    """The heading lines under the title, as (label, value)."""
    return [
        (_("Programme"), report.programme),
        (_("Scope"), report.scope),
        (_("Period"), report.period),
        (_("Smallest count shown"), report.threshold),
        (_("Created on"), created_on),
    ]


def section_lines(section: Section) -> list[tuple[str, list[Cell]]]:
    """One section: title, header row, rows (the total row marked), figures, note."""
    lines: list[tuple[str, list[Cell]]] = [(SECTION, [section.title]), (HEADER, [*section.header])]
    last = len(section.rows) - 1
    for index, row in enumerate(section.rows):
        lines.append((TOTAL if section.has_total and index == last else ROW, [*row]))
    lines += [(FIGURE, [label, value]) for label, value in section.figures]
    if section.note:
        lines.append((NOTE, [section.note]))
    return lines


def layout(report: Report, created_on: date) -> list[tuple[str, list[Cell]]]:
    """Every line of the CSV and the spreadsheet as (kind, cells)."""
    lines: list[tuple[str, list[Cell]]] = [(TITLE, [report.title])]
    lines += [(META, [label, value]) for label, value in meta(report, created_on)]
    lines.append((BLANK, []))
    for section in report.sections:
        lines += section_lines(section)
        lines.append((BLANK, []))
    lines += [(NOTE, [note]) for note in report.notes]
    return lines


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --- CSV -----------------------------------------------------------------------------------


def csv_cell(value: Cell) -> object:
    if value is None:
        return SUPPRESSED
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    return value


def report_csv(report: Report, created_on: date) -> str:
    """The report as CSV text (BOM, semicolons, formulas neutralised; see ``write_csv``).

    A negative number is written with a leading apostrophe too: ``write_csv`` treats
    every cell beginning with "-" as a possible formula.
    """
    rows = [[csv_cell(cell) for cell in cells] for _kind, cells in layout(report, created_on)]
    return write_csv([str(cell) for cell in rows[0]], rows[1:])


# --- spreadsheet ---------------------------------------------------------------------------


def report_xlsx(report: Report, created_on: date) -> bytes:
    """The report as an XLSX workbook with one sheet, laid out like the CSV."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")[:31]
    bold = Font(bold=True)
    right = Alignment(horizontal="right")
    widths: dict[int, int] = {}

    def put(row: int, column: int, value: Cell) -> None:
        cell = sheet.cell(row=row, column=column)
        if is_number(value) or isinstance(value, date):
            cell.value = value
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
                cell.alignment = Alignment(horizontal="left")
        else:
            cell.value = safe_cell(SUPPRESSED if value is None else value)
            if column > 1:
                cell.alignment = right

    for row, (kind, cells) in enumerate(layout(report, created_on), start=1):
        for column, value in enumerate(cells, start=1):
            put(row, column, value)
            cell = sheet.cell(row=row, column=column)
            if kind in (SECTION, HEADER, TOTAL):
                cell.font = bold
            if kind == HEADER and column > 1:
                cell.alignment = Alignment(horizontal="right", vertical="top", wrap_text=True)
            if kind in (META, HEADER, ROW, TOTAL, FIGURE):
                shown = f"{value:%d.%m.%Y}" if isinstance(value, date) else str(cell.value)
                widths[column] = max(widths.get(column, 0), len(shown) + 2)
        if kind == TITLE:
            sheet.cell(row=row, column=1).font = Font(bold=True, size=14)

    for column, width in widths.items():
        low, high = LABEL_WIDTH if column == 1 else VALUE_WIDTH
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width, low), high)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------------


def pdf_text(value: Cell) -> str:
    """A value as printed: numbers in German notation, withheld ones as ``SUPPRESSED``."""
    if value is None:
        return SUPPRESSED
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if is_number(value):
        return str(format_decimal(value, locale=NUMBER_LOCALE))
    return str(value)


def pdf_widths(columns: int) -> tuple[float, ...]:
    """Column widths in mm: a wide label column, equal value columns, at most 190 mm."""
    values = columns - 1
    value_width = min(PDF_VALUE_WIDTH, (PDF_WIDTH - PDF_LABEL_WIDTH[0]) / max(values, 1))
    label_width = min(PDF_LABEL_WIDTH[1], PDF_WIDTH - value_width * values)
    return (label_width, *([value_width] * values))


def pdf_section(pdf: ProofPDF, section: Section) -> None:
    if pdf.will_page_break(30):  # keep the title with the start of its table
        pdf.add_page(same=True)
    pdf.set_font("NotoSans", "B", 12)
    pdf.multi_cell(0, 7, section.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_font("NotoSans", size=9)
    columns = max(len(section.header), *(len(row) for row in section.rows), 1)
    widths = pdf_widths(columns)
    bold = FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        text_align=("LEFT", *(["RIGHT"] * (columns - 1))),
        line_height=5,
        padding=1,
        v_align="TOP",
    ) as table:
        table_row(table.row(), [*section.header, *([""] * (columns - len(section.header)))])
        last = len(section.rows) - 1
        for index, row in enumerate(section.rows):
            texts = [pdf_text(value) for value in row] + [""] * (columns - len(row))
            table_row(table.row(), texts, bold if section.has_total and index == last else None)
    if section.figures:
        pdf.ln(2)
        with pdf.table(
            col_widths=(widths[0], PDF_VALUE_WIDTH),
            width=widths[0] + PDF_VALUE_WIDTH,
            align="LEFT",
            text_align=("LEFT", "RIGHT"),
            first_row_as_headings=False,
            line_height=5,
            padding=1,
        ) as table:
            for label, value in section.figures:
                table_row(table.row(), [label, pdf_text(value)])
    if section.note:
        pdf.ln(1)
        pdf.set_font("NotoSans", size=8)
        pdf.multi_cell(0, 4, section.note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5)


def report_pdf(report: Report, created_on: date) -> bytes:
    """The report as an A4 portrait PDF with page numbers."""
    pdf = ProofPDF()  # landscape by default: every page here is portrait
    pdf.add_page(orientation="P")
    pdf.set_font("NotoSans", "B", 14)
    pdf.multi_cell(0, 8, report.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("NotoSans", size=10)
    for label, value in meta(report, created_on):
        pdf.multi_cell(0, 6, f"{label}: {pdf_text(value)}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5)
    for section in report.sections:
        pdf_section(pdf, section)
    if report.notes:
        pdf.set_font("NotoSans", "B", 10)
        pdf.cell(0, 6, _("Notes"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("NotoSans", size=9)
        for note in report.notes:
            pdf.multi_cell(0, 5, note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
