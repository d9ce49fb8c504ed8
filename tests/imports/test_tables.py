"""Reading spreadsheets: encodings, dates, merged cells, formulas, limits (no database)."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from lotse.core.lib import cells, tables
from lotse.core.lib.tables import TableError
from tests.imports.fixtures import xlsx_bytes

HEADER = "Vorname;Nachname;Stadt\n"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31.12.1990", (1990, 12, 31)),
        ("1.2.1990", (1990, 2, 1)),
        ("1990", (1990, None, None)),
        (1990, (1990, None, None)),
        ("12/1990", (1990, 12, None)),
        ("03.1990", (1990, 3, None)),
        ("00.00.1990", (1990, None, None)),
        ("XX.XX.1990", (1990, None, None)),
        ("00.07.1990", (1990, 7, None)),
        ("1990-12-31", (1990, 12, 31)),
        ("1990-12-31 00:00:00", (1990, 12, 31)),
        ("31.12.1990 00:00", (1990, 12, 31)),
        (45292, (2024, 1, 1)),
        ("45292", (2024, 1, 1)),
        (45292.75, (2024, 1, 1)),
        (33238, (1990, 12, 31)),
        ("", None),
        (None, None),
    ],
)
def test_dates_as_written_in_german_lists_and_excel(value, expected):
    assert cells.partial_date(value) == expected


@pytest.mark.parametrize("value", ["31.02.1990", "01.02.03", "soon", "13/1990", "-5", "12.00.1990"])
def test_dates_that_cannot_be_read_are_refused_with_the_value(value):
    with pytest.raises(TableError) as error:
        cells.partial_date(value)
    assert value in str(error.value)


def test_a_full_date_needs_day_month_and_year():
    assert cells.full_date("45292") == dt.date(2024, 1, 1)
    with pytest.raises(TableError, match="not a complete date"):
        cells.full_date("1990")


def grid(text, encoding="utf-8", *, max_rows=100):
    return tables.read_grid(io.BytesIO(text.encode(encoding)), max_rows=max_rows)


def test_csv_in_utf8_with_and_without_bom_and_in_windows_1252():
    text = HEADER + "Jürgen;Öztürk;Köln\n"
    for data, label in [
        (text.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + text.encode("utf-8"), "UTF-8 (BOM)"),
        (text.encode("cp1252"), "Windows-1252"),
    ]:
        found = tables.read_grid(io.BytesIO(data), max_rows=10)
        assert found.format == label
        assert found.header == ["Vorname", "Nachname", "Stadt"]
        assert found.rows == [(2, ["Jürgen", "Öztürk", "Köln"])]


def test_csv_skips_empty_rows_and_keeps_the_line_numbers():
    found = grid("\n,,\nVorname,Nachname\n,\nA,B\n\n\nC,D\n")
    assert found.header == ["Vorname", "Nachname"]
    assert found.rows == [(5, ["A", "B"]), (8, ["C", "D"])]


def test_csv_refuses_a_formula_naming_its_cell():
    with pytest.raises(TableError) as error:
        grid(HEADER + 'A;B;C\nA;=HYPERLINK("x");C\n')
    assert error.value.params == {"cell": "B3"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03binary" * 10, "not a CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old format"),
        (b"PK\x03\x04 this is no zip", "not a readable Excel"),
        (b"Vorname;Name\n\x81\x8d\x8f;x\n", "neither UTF-8 nor Windows-1252"),
    ],
)
def test_files_that_are_not_tables_are_refused(data, message):
    with pytest.raises(TableError, match=message):
        tables.read_grid(io.BytesIO(data), max_rows=10)


class EndlessCsv(io.RawIOBase):
    """A CSV file without end (a header, then the same row forever), which notes how far
    it has been read."""

    HEAD, ROW = b"Vorname;Nachname\n", b"Amina;Yusuf\n"

    def __init__(self):
        self.position = self.furthest = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        self.position = offset if whence == io.SEEK_SET else self.position + offset
        return self.position

    def tell(self):
        return self.position

    def readinto(self, buffer):
        size = len(buffer)
        chunk = bytearray()
        while len(chunk) < size:
            at = self.position + len(chunk)
            if at < len(self.HEAD):
                chunk += self.HEAD[at:]
            else:
                offset = (at - len(self.HEAD)) % len(self.ROW)
                chunk += self.ROW[offset:]
        buffer[:size] = chunk[:size]
        self.position += size
        self.furthest = max(self.furthest, self.position)
        return size


def test_too_many_rows_are_refused_early_without_reading_the_whole_file():
    stream = EndlessCsv()
    with pytest.raises(TableError) as error:
        tables.read_grid(io.BufferedReader(stream), max_rows=1000)
    assert error.value.params == {"rows": 1000}
    assert stream.furthest < 100_000  # about 1,000 rows of 12 bytes, and a buffer


def test_xlsx_dates_numbers_formulas_and_empty_rows():
    data = xlsx_bytes(
        [
            [None, None],
            ["Vorname", "Geburtsdatum", "Einreise", "Alter"],
            [],
            ["Amina", dt.date(1992, 3, 14), 45292, None],
            ["Dawit", 1988, "01.02.2016", None],
        ],
        formulas={"D4": ("=2026-1992", 34), "D5": ("=2026-1988", 38)},
    )
    found = tables.read_grid(io.BytesIO(data), max_rows=10)
    assert found.format == "XLSX"
    assert found.header == ["Vorname", "Geburtsdatum", "Einreise", "Alter"]
    # The formula's stored result is taken, never computed here.
    assert found.rows == [
        (4, ["Amina", "1992-03-14", 45292, 34]),
        (5, ["Dawit", 1988, "01.02.2016", 38]),
    ]


def test_xlsx_refuses_a_formula_without_a_stored_result():
    data = xlsx_bytes(
        [["Vorname", "Name"], ["Amina", None]], formulas={"B2": ('=UPPER("x")', None)}
    )
    with pytest.raises(TableError) as error:
        tables.read_grid(io.BytesIO(data), max_rows=10)
    assert error.value.params == {"cell": "B2"}


def test_xlsx_fills_a_range_merged_down_a_column_from_its_top_cell():
    data = xlsx_bytes(
        [["Vorname", "Staatsangehörigkeit"], ["A", "SY"], ["B", None], ["C", None], ["D", "AF"]],
        merged=["B2:B4"],
    )
    found = tables.read_grid(io.BytesIO(data), max_rows=10)
    assert [row[1] for _line, row in found.rows] == ["SY", "SY", "SY", "AF"]


def test_xlsx_refuses_a_range_merged_across_columns_with_the_range():
    data = xlsx_bytes([["Vorname", "Name"], ["Amina Yusuf", None]], merged=["A2:B2"])
    with pytest.raises(TableError) as error:
        tables.read_grid(io.BytesIO(data), max_rows=10)
    assert error.value.params == {"range": "A2:B2"}


def test_xlsx_row_limit():
    for header in (["Vorname", "Nachname"], ["Vorname"]):
        rows = [[f"Name {i}", "X"][: len(header)] for i in range(20)]
        with pytest.raises(TableError, match="more than 5 rows"):
            tables.read_grid(io.BytesIO(xlsx_bytes([header, *rows])), max_rows=5)


def test_a_title_above_the_header_is_skipped():
    found = grid("Klientenliste 2024;;\n;;\nVorname;Nachname;Ort\nA;B;C\n")
    assert found.header == ["Vorname", "Nachname", "Ort"] and found.rows == [(4, ["A", "B", "C"])]
    with pytest.raises(TableError, match="more than 5 rows"):
        grid("Vorname\n" + "Amina\n" * 20, max_rows=5)
