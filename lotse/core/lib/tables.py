"""Tables in and out as CSV, safely (no Django in here).

Out: UTF-8 with a byte order mark and semicolons, which Excel in Germany opens
correctly, and every cell that a spreadsheet would run as a formula (beginning with
=, +, -, @, a tab or a carriage return) neutralised by a leading apostrophe.
In: UTF-8 (with or without BOM) or Windows-1252, semicolon, comma or tab separated,
header row first, empty rows skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import openpyxl
from defusedxml.ElementTree import iterparse
from openpyxl.utils.cell import range_boundaries

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def gettext_noop(message: str) -> str:
    """Marks a msgid for extraction; the caller translates (`TableError.translated`)."""
    return message


class TableError(ValueError):
    """The file cannot be read as a table; the message says why, for the user."""

    def __init__(self, message: str, **params: object) -> None:
        self.message, self.params = message, params
        super().__init__(message % params if params else message)

    def translated(self, gettext: Callable[[str], str]) -> str:
        text = gettext(self.message)
        return text % self.params if self.params else text


@dataclass
class Table:
    header: list[str]
    # (line number in the file, cells by header name)
    rows: list[tuple[int, dict[str, str]]]
    encoding: str


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise TableError(
            gettext_noop("The file is neither UTF-8 nor Windows-1252 text.")
        ) from error


def read_csv(data: bytes, *, max_rows: int = 10_000) -> Table:
    if not data.strip():
        raise TableError(gettext_noop("The file is empty."))
    if b"\x00" in data[:4096]:
        raise TableError(gettext_noop("This is not a CSV text file (perhaps an Excel workbook)."))
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise TableError(gettext_noop("The file has no header row.")) from None
    if len(set(header)) != len(header):
        raise TableError(gettext_noop("A column name appears twice in the header row."))
    rows: list[tuple[int, dict[str, str]]] = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= max_rows:
            raise TableError(gettext_noop("The file has more than %(rows)d rows."), rows=max_rows)
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            raise TableError(
                gettext_noop("Line %(line)d has more cells than the header row."),
                line=reader.line_num,
            )
        padded = list(cells) + [""] * (len(header) - len(cells))
        rows.append((reader.line_num, {h: padded[i].strip() for i, h in enumerate(header)}))
    return Table(header, rows, encoding)


# Spreadsheets of client lists and contact logs (lotse.imports): CSV or XLSX, read as a
# grid of cells by column position, streaming, so that a file with too many rows is
# refused once the limit is passed rather than after reading it all.
#
# Rules for XLSX: the first sheet is read; a formula cell gives its stored result
# (what Excel showed when the file was saved) and is never evaluated; a formula without
# a stored result is refused with its cell. A range merged within one column is filled
# from its top cell (a date or an office written once for several rows); a range merged
# across columns is refused with its range, because it cannot be told which column the
# value belongs to. Dates come as ISO text (YYYY-MM-DD), numbers as numbers.
# In CSV a cell beginning with "=" is refused as a formula.
# In both, empty rows are skipped, and so are rows above the header that hold a single
# value (a title, up to 10 of them): the header is the first row with two values or
# more (or, in a file of one column, its first row).

Value = str | int | float | None
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format (.xls)
MAX_TITLES = 10  # single-value rows skipped above the header, at most
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # an XLSX that unpacks larger is refused (zip bomb)


@dataclass
class Grid:
    header: list[str]
    # (line or row number in the file, cells by column position)
    rows: list[tuple[int, list[Value]]]
    format: str  # "XLSX", "UTF-8", "UTF-8 (BOM)" or "Windows-1252"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(column: int, line: int) -> str:
    return f"{column_letter(column)}{line}"


def read_grid(stream: BinaryIO, *, max_rows: int) -> Grid:
    """A CSV or XLSX file, told apart by its content (never by its name)."""
    head = stream.read(4096)
    stream.seek(0)
    if not head.strip():
        raise TableError(gettext_noop("The file is empty."))
    if head.startswith(XLSX_MAGIC):
        return read_xlsx(stream, max_rows=max_rows)
    if head.startswith(OLE_MAGIC):
        raise TableError(
            gettext_noop(
                "This is an Excel file in the old format (.xls). Please save it as an Excel "
                "workbook (.xlsx) or as CSV."
            )
        )
    return read_csv_grid(stream, max_rows=max_rows)


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 13))
    return controls > len(head) // 100 + 2


def _header(cells: Sequence[Value]) -> list[str]:
    names = ["" if c is None else str(c).strip() for c in cells]
    while names and not names[-1]:
        names.pop()
    return [name or column_letter(i) for i, name in enumerate(names)]


def _filled(cells: Sequence[Value]) -> int:
    return sum(1 for c in cells if not _empty([c]))


def _empty(cells: Sequence[Value]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_csv_grid(stream: BinaryIO, *, max_rows: int) -> Grid:
    head = stream.read(4096)
    stream.seek(0)
    if _looks_binary(head):
        raise TableError(gettext_noop("This is not a CSV text file (perhaps an Excel workbook)."))
    try:
        return _read_csv_grid(stream, "utf-8-sig", max_rows)
    except UnicodeDecodeError:
        stream.seek(0)
    try:
        return _read_csv_grid(stream, "cp1252", max_rows)
    except UnicodeDecodeError as error:
        raise TableError(
            gettext_noop("The file is neither UTF-8 nor Windows-1252 text.")
        ) from error


def _delimiter(text: io.TextIOWrapper) -> str:
    """Semicolon, comma or tab: whichever the first line with a letter or digit (the
    header, after any empty rows) holds most of."""
    for _ in range(100):
        line = text.readline()
        if not line or any(c.isalnum() for c in line):
            return max(";,\t", key=line.count)
    return ";"


def _read_csv_grid(stream: BinaryIO, encoding: str, max_rows: int) -> Grid:
    bom = stream.read(3) == b"\xef\xbb\xbf"
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        delimiter = _delimiter(text)
        text.seek(0)
        reader = csv.reader(text, delimiter=delimiter)
        header: list[str] | None = None
        title: list[str] | None = None
        titles = 0
        rows: list[tuple[int, list[Value]]] = []
        for cells in reader:
            if _empty(cells):
                continue
            if header is None:
                if _filled(cells) < 2 and titles < MAX_TITLES:  # a title above the header
                    title, titles = title or _header(cells), titles + 1
                    continue
                if not (titles >= MAX_TITLES and title):
                    header = _header(cells)
                    continue
                header = title  # a file of one column: its first row is the header
            if len(rows) >= max_rows:
                raise TableError(
                    gettext_noop("The file has more than %(rows)d rows."), rows=max_rows
                )
            line = reader.line_num
            for column, cell in enumerate(cells):
                if cell.strip().startswith("="):
                    raise TableError(
                        gettext_noop(
                            "Cell %(cell)s holds a formula. Formulas are not imported; "
                            "please enter the value itself."
                        ),
                        cell=cell_name(column, line),
                    )
            rows.append((line, [cell.strip() for cell in cells]))
    except csv.Error as error:
        raise TableError(gettext_noop("The file cannot be read as CSV.")) from error
    finally:
        text.detach()
    header = header or title
    if header is None:
        raise TableError(gettext_noop("The file has no header row."))
    label = {"utf-8-sig": "UTF-8 (BOM)" if bom else "UTF-8", "cp1252": "Windows-1252"}
    return Grid(header, rows, label[encoding])


def _xlsx_value(value: object) -> Value:
    if value is None or isinstance(value, str | int | float):
        return value.strip() if isinstance(value, str) else value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _merged_ranges(archive: zipfile.ZipFile, sheet_path: str) -> list[str]:
    """The merged ranges of a sheet, from its XML, streaming (read-only mode has none)."""
    ranges: list[str] = []
    with archive.open(sheet_path.lstrip("/")) as part:
        for _event, element in iterparse(part):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell":
                ranges.append(element.get("ref", ""))
            elif tag == "row":
                element.clear()
    return [r for r in ranges if ":" in r]


def read_xlsx(stream: BinaryIO, *, max_rows: int) -> Grid:
    data = stream.read()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise TableError(gettext_noop("The workbook is too large when unpacked."))
        values_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formula_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except TableError:
        raise
    except Exception as error:  # a damaged zip or not a workbook: openpyxl raises many kinds
        raise TableError(
            gettext_noop("The file is not a readable Excel workbook (.xlsx).")
        ) from error
    try:
        sheet = values_book.worksheets[0]
        header, header_line, rows = _xlsx_rows(sheet, formula_book.worksheets[0], max_rows)
        merged = _merged_ranges(archive, sheet._worksheet_path)
    except TableError:
        raise
    except Exception as error:
        raise TableError(
            gettext_noop("The file is not a readable Excel workbook (.xlsx).")
        ) from error
    finally:
        values_book.close()
        formula_book.close()
    _fill_merged(merged, header_line, rows)
    return Grid(header, rows, "XLSX")


def _xlsx_rows(
    values_sheet: object, formula_sheet: object, max_rows: int
) -> tuple[list[str], int, list[tuple[int, list[Value]]]]:
    """Header, its row number and the non-empty rows, stopping once past `max_rows`."""
    header: list[str] | None = None
    header_line = 0
    title: tuple[list[str], int] | None = None
    titles = 0
    rows: list[tuple[int, list[Value]]] = []
    pairs = zip(
        values_sheet.iter_rows(),  # type: ignore[attr-defined]
        formula_sheet.iter_rows(),  # type: ignore[attr-defined]
        strict=False,
    )
    for values, formulas in pairs:
        cells: list[Value] = []
        line = 0
        for value_cell, formula_cell in zip(values, formulas, strict=False):
            row_number = getattr(value_cell, "row", None)
            column = getattr(value_cell, "column", None)
            if row_number is None or column is None:  # an empty cell of read-only mode
                cells.append(None)
                continue
            line = row_number
            value = _xlsx_value(value_cell.value)
            if getattr(formula_cell, "data_type", None) == "f" and value is None:
                raise TableError(
                    gettext_noop(
                        "Cell %(cell)s holds a formula without a stored result. Please "
                        "open the file in Excel and save it again, or paste the values."
                    ),
                    cell=cell_name(column - 1, row_number),
                )
            cells.append(value)
        if _empty(cells):
            continue
        if header is None:
            if _filled(cells) < 2 and titles < MAX_TITLES:  # a title above the header
                title, titles = title or (_header(cells), line), titles + 1
                continue
            if not (titles >= MAX_TITLES and title):
                header, header_line = _header(cells), line
                continue
            header, header_line = title  # a sheet of one column: its first row is the header
        if len(rows) >= max_rows:
            raise TableError(gettext_noop("The file has more than %(rows)d rows."), rows=max_rows)
        rows.append((line, cells))
    if header is None and title is not None:
        header, header_line = title
    if header is None:
        raise TableError(gettext_noop("The file has no header row."))
    return header, header_line, rows


def _fill_merged(merged: list[str], header_line: int, rows: list[tuple[int, list[Value]]]) -> None:
    """Fill ranges merged within one column from their top cell; refuse the others."""
    by_line = {line: cells for line, cells in rows}
    for ref in merged:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if min_col != max_col:
            raise TableError(
                gettext_noop(
                    "The cells %(range)s are merged across columns. Please unmerge them "
                    "and put each value in its own column."
                ),
                range=ref,
            )
        top = by_line.get(min_row)
        if top is None or min_row <= header_line or len(top) < min_col:
            continue
        value = top[min_col - 1]
        for line in range(min_row + 1, max_row + 1):
            cells = by_line.get(line)
            if cells is None:
                continue
            cells.extend([None] * (min_col - len(cells)))
            if cells[min_col - 1] is None:
                cells[min_col - 1] = value
