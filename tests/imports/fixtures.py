"""Spreadsheets for the import tests, generated here, and an import run of office A.

`add_import(world)` gives the URL walk an `import_pk`: a checked client list of office A.
"""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from lotse.imports import services

CLIENT_CSV = (
    "Vorname;Nachname;Geburtsdatum;Staatsangehörigkeit;Telefon;Aktenzeichen\n"
    "Amina;Yusuf;14.03.1992;SO;0151 111111;\n"
    "Dawit;Tesfaye;1988;Eritrea;;7654321-438\n"
)


def csv_file(text, name="clients.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_bytes(rows, *, merged=(), formulas=None):
    """A workbook of `rows` (a list of lists), with merged ranges and formula cells
    ({cell: (formula, cached value or None)})."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref in merged:
        sheet.merge_cells(ref)
    for ref, (formula, _cached) in (formulas or {}).items():
        sheet[ref] = formula
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    cached = {ref: value for ref, (_f, value) in (formulas or {}).items() if value is not None}
    return with_cached_values(data, cached) if cached else data


def with_cached_values(data, cached):
    """openpyxl writes formulas without results; Excel stores the result beside each
    formula. Add it, as Excel would have."""
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for ref, value in cached.items():
                    kind = ' t="str"' if isinstance(value, str) else ""
                    text = re.sub(
                        rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                        rf'<c r="{ref}"\1{kind}><f>\2</f><v>{value}</v>',
                        text,
                    )
                content = text.encode()
            target.writestr(info, content)
    return out.getvalue()


def xlsx_file(data, name="clients.xlsx"):
    return SimpleUploadedFile(
        name,
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def add_import(w):
    run = services.upload(w.counsellor_a, w.office_a, "clients", csv_file(CLIENT_CSV))
    w.import_a = services.check(w.counsellor_a, run, run.mapping)
    return w.import_a
