"""A spending proof (Verwendungsnachweis) as a spreadsheet and as a PDF.

Both show the same content: a header (provider, programme, year, date created), one row
per position with its costs, eligible costs, maximum grant, grant, own contribution and
notes, a totals row, and the balance against the amount granted. Every fixed label is
an English msgid translated with gettext in the active language; the figures are whole
euros in German notation (1.234 €).

The spreadsheet holds plain numbers, no formulas, and every text cell a spreadsheet
could run as a formula is neutralised (``lotse.core.lib.tables.safe_cell``): position
labels and provider names are typed by users.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from babel.numbers import format_decimal
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from lotse.core.lib.funding import PositionGrant, SpendingProof
from lotse.core.lib.tables import safe_cell
from lotse.core.paper import font_path
from lotse.core.templatetags.money import format_euros

MONEY_FORMAT = '#,##0 "€"'
FTE_FORMAT = "0.00"
PERCENT_FORMAT = "0.00 %"
DATE_FORMAT = "DD.MM.YYYY"
NUMBER_LOCALE = "de_DE"
# Position, FTE, qualification, period, 8 amounts, notes: 277 mm of A4 landscape.
PDF_WIDTHS = (34, 11, 27, 20, 19, 19, 19, 19, 19, 19, 19, 19, 33)
XLSX_WIDTHS = (30, 8, 24, 14, 14, 14, 14, 14, 14, 14, 14, 14, 50)


def columns() -> list[str]:
    return [
        _("Position"),
        _("FTE"),
        _("Qualification"),
        _("Period"),
        _("Personnel costs"),
        _("Material costs"),
        _("Interpreting"),
        _("Actual costs"),
        _("Eligible costs"),
        _("Maximum grant"),
        _("Eligible grant"),
        _("Own contribution"),
        _("Notes"),
    ]


def header(proof: SpendingProof, created_on: date) -> list[tuple[str, str | int | date]]:
    return [
        (_("Provider"), proof.provider),
        (_("Programme"), proof.programme),
        (_("Year"), proof.year),
        (_("Created on"), created_on),
    ]


def period(line: PositionGrant) -> str:
    return f"{line.position.first_day:%d.%m.}–{line.position.last_day:%d.%m.}"


def qualification(line: PositionGrant, names: Mapping[str, str]) -> str:
    code = line.position.qualification
    return "" if code is None else names.get(code, code)


def notes(line: PositionGrant) -> str:
    return " ".join(_(note) for note in line.notes)


def amounts(line: PositionGrant) -> list[int | None]:
    """The money columns of a line, in the order of ``columns()``."""
    position = line.position
    return [
        position.personnel,
        position.material,
        position.interpreting,
        line.actual_costs,
        line.eligible_costs,
        line.cap,
        line.grant,
        line.own_contribution,
    ]


def totals(proof: SpendingProof) -> list[int | None]:
    return [
        proof.total_personnel,
        proof.total_material,
        proof.total_interpreting,
        proof.total_actual,
        proof.total_eligible_costs,
        None,
        proof.total_grant,
        proof.own_contribution,
    ]


def balance(proof: SpendingProof) -> list[tuple[str, int | Decimal | str | None]]:
    """The summary under the table: money as int, the own share as a Decimal percentage
    (None without costs), the minimum own share as text."""
    rows: list[tuple[str, int | Decimal | str | None]] = [
        (_("Actual costs"), proof.total_actual),
        (_("Eligible grant"), proof.total_grant),
        (_("Own contribution"), proof.own_contribution),
        (_("Own share"), proof.own_share_percent),
    ]
    minimum = proof.rules.min_own_share_percent
    if minimum is not None:
        met = _("met") if proof.min_own_share_met else _("not met")
        rows.append((_("Minimum own share"), f"{minimum} % – {met}"))
    rows += [
        (_("Granted"), proof.granted),
        (_("To be repaid"), proof.to_repay),
        (_("Not covered"), proof.not_covered),
    ]
    return rows


# --- spreadsheet ---------------------------------------------------------------------------


def proof_xlsx(
    proof: SpendingProof,
    *,
    qualifications: Mapping[str, str] | None = None,
    created_on: date | None = None,
) -> bytes:
    """The proof as an XLSX workbook with one sheet.

    ``qualifications`` maps qualification codes to the names shown (codes otherwise);
    ``created_on`` defaults to today.
    """
    created_on = created_on or timezone.localdate()
    names = qualifications or {}
    book = Workbook()
    sheet = book.active
    sheet.title = _("Spending proof")[:31]
    bold = Font(bold=True)

    def put(row: int, column: int, value: object, number_format: str | None = None) -> None:
        if value is None:
            return
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, (int, Decimal, date)):
            cell.value = value
        else:
            cell.value = safe_cell(value)
        if number_format:
            cell.number_format = number_format

    sheet.cell(row=1, column=1, value=safe_cell(_("Spending proof"))).font = Font(
        bold=True, size=14
    )
    row = 2
    for label, value in header(proof, created_on):
        put(row, 1, label)
        put(row, 2, value, DATE_FORMAT if isinstance(value, date) else None)
        sheet.cell(row=row, column=2).alignment = Alignment(horizontal="left")
        row += 1

    row += 1
    for column, heading in enumerate(columns(), start=1):
        put(row, column, heading)
        sheet.cell(row=row, column=column).font = bold
        sheet.cell(row=row, column=column).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=row + 1, column=2)
    for line in proof.lines:
        row += 1
        put(row, 1, line.position.label)
        put(row, 2, line.position.fte, FTE_FORMAT)
        put(row, 3, qualification(line, names))
        put(row, 4, period(line))
        for column, amount in enumerate(amounts(line), start=5):
            put(row, column, amount, MONEY_FORMAT)
        put(row, 13, notes(line))
        sheet.cell(row=row, column=13).alignment = Alignment(wrap_text=True, vertical="top")
    row += 1
    put(row, 1, _("Total"))
    sheet.cell(row=row, column=1).font = bold
    for column, amount in enumerate(totals(proof), start=5):
        put(row, column, amount, MONEY_FORMAT)
        sheet.cell(row=row, column=column).font = bold

    row += 1
    for label, figure in balance(proof):
        row += 1
        put(row, 1, label)
        if isinstance(figure, int):
            put(row, 2, figure, MONEY_FORMAT)
        elif isinstance(figure, Decimal):
            put(row, 2, figure / 100, PERCENT_FORMAT)
        else:
            put(row, 2, figure)  # text, or nothing for a share of no costs

    for column, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------------


def euros(amount: int | None) -> str:
    """1234 → '1.234 €' (no-break space before the sign); None → ''."""
    return format_euros(amount, NUMBER_LOCALE)


def percent(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"{format_decimal(value, format='0.00', locale=NUMBER_LOCALE)}\u00a0%"


class ProofPDF(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="L", format="A4")
        for style in ("", "B"):
            self.add_font("NotoSans", style, str(font_path(("NotoSans", style))))
        self.set_auto_page_break(auto=True, margin=15)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("NotoSans", size=8)
        self.cell(0, 6, f"{_('Page')} {self.page_no()}/{{nb}}", align="C")


def proof_pdf(
    proof: SpendingProof,
    *,
    qualifications: Mapping[str, str] | None = None,
    created_on: date | None = None,
) -> bytes:
    """The proof as an A4 landscape PDF; arguments as for ``proof_xlsx``."""
    created_on = created_on or timezone.localdate()
    names = qualifications or {}
    pdf = ProofPDF()
    pdf.add_page()
    pdf.set_font("NotoSans", "B", 14)
    pdf.cell(0, 9, _("Spending proof"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("NotoSans", size=10)
    for label, value in header(proof, created_on):
        shown = f"{value:%d.%m.%Y}" if isinstance(value, date) else str(value)
        pdf.cell(0, 6, f"{label}: {shown}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    pdf.set_font("NotoSans", size=7.5)
    align = ["LEFT", "RIGHT", "LEFT", "LEFT"] + ["RIGHT"] * 8 + ["LEFT"]
    bold = FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=PDF_WIDTHS,
        width=sum(PDF_WIDTHS),
        text_align=tuple(align),
        line_height=4,
        padding=1,
        v_align="TOP",
    ) as table:
        table_row(table.row(), columns())
        for line in proof.lines:
            fte = format_decimal(line.position.fte, format="0.00", locale=NUMBER_LOCALE)
            texts = [line.position.label, fte, qualification(line, names), period(line)]
            table_row(table.row(), [*texts, *map(euros, amounts(line)), notes(line)])
        table_row(table.row(), [_("Total"), "", "", "", *map(euros, totals(proof)), ""], bold)
    pdf.ln(5)

    pdf.set_font("NotoSans", size=10)
    with pdf.table(
        col_widths=(60, 40),
        width=100,
        align="LEFT",
        text_align=("LEFT", "RIGHT"),
        first_row_as_headings=False,
        line_height=6,
    ) as table:
        for label, figure in balance(proof):
            if isinstance(figure, int):
                shown = euros(figure)
            elif isinstance(figure, str):
                shown = figure
            else:
                shown = percent(figure)
            table_row(table.row(), [label, shown])
    return bytes(pdf.output())


def table_row(row: object, texts: Sequence[str], style: FontFace | None = None) -> None:
    for text in texts:
        row.cell(text, style=style)  # type: ignore[attr-defined]
