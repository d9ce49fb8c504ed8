"""Tables in and out as CSV, safely (no Django in here).

Out: UTF-8 with a byte order mark and semicolons, which Excel in Germany opens
correctly, and every cell that a spreadsheet would run as a formula (beginning with
=, +, -, @, a tab or a carriage return) neutralised by a leading apostrophe.
In: UTF-8 (with or without BOM) or Windows-1252, semicolon, comma or tab separated,
header row first, empty rows skipped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

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
