"""Reading the value of one spreadsheet cell: dates, partial dates, numbers (no Django).

Dates are read as written in German lists (31.12.1990, 31.12.1990 00:00), as ISO
(1990-12-31, which is also how XLSX date cells arrive) or as Excel serial numbers
(45292 is 1 January 2024: days since 30 December 1899, the 1900 date system). For a date
of birth a part may be missing, as on refugee documents: 1990, 12/1990, 12.1990,
00.12.1990 or XX.XX.1990. A whole number from 1900 to 2100 in a date column is a year,
every other whole number an Excel serial. Two-digit years are refused, since 01.02.03
could be any century.
"""

from __future__ import annotations

import datetime as dt
import re

from lotse.core.lib.tables import TableError, Value, gettext_noop

EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_SERIAL = 2_958_465  # 31 December 9999
UNKNOWN_PART = r"(?:0{1,2}|x{1,2}|X{1,2})"
GERMAN = re.compile(r"^(\d{1,2}|" + UNKNOWN_PART + r")\.(\d{1,2}|" + UNKNOWN_PART + r")\.(\d{4})$")
MONTH_YEAR = re.compile(r"^(\d{1,2})[./](\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
YEAR = re.compile(r"^\d{4}$")
TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")

PartialDate = tuple[int, int | None, int | None]  # year, month, day


def text_of(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _serial(number: float) -> dt.date:
    if not 1 <= number <= MAX_SERIAL:
        raise TableError(gettext_noop("%(value)s is not a date."), value=text_of(number))
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def partial_date(value: Value) -> PartialDate | None:
    """A date with perhaps only the year, or the month and year; None for an empty cell."""
    text = text_of(value)
    if not text:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= value <= 2100:
            return int(value), None, None
        found_day = _serial(float(value))
        return found_day.year, found_day.month, found_day.day
    text = TIME_SUFFIX.sub("", text)
    if YEAR.match(text):
        return int(text), None, None
    if re.fullmatch(r"\d+(\.0+)?", text):
        return partial_date(float(text))
    found = MONTH_YEAR.match(text)
    if found:
        return _checked(int(found[2]), int(found[1]), None, text)
    found = GERMAN.match(text)
    if found:
        day_text, month_text, year_text = found.groups()
        day_part = int(day_text) if day_text.isdigit() and int(day_text) else None
        month_part = int(month_text) if month_text.isdigit() and int(month_text) else None
        if month_part is None and day_part is not None:
            raise TableError(gettext_noop("%(value)s has a day but no month."), value=text)
        return _checked(int(year_text), month_part, day_part, text)
    found = ISO.match(text)
    if found:
        return _checked(int(found[1]), int(found[2]), int(found[3]), text)
    raise TableError(
        gettext_noop("%(value)s is not a date (for example 31.12.1990, 12/1990 or 1990)."),
        value=text,
    )


def _checked(year: int, month: int | None, day: int | None, text: str) -> PartialDate:
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise TableError(gettext_noop("%(value)s is not a date."), value=text) from None
    return year, month, day


def full_date(value: Value) -> dt.date | None:
    """A complete date; None for an empty cell."""
    found = partial_date(value)
    if found is None:
        return None
    year, month, day = found
    if month is None or day is None:
        raise TableError(
            gettext_noop("%(value)s is not a complete date (day, month and year)."),
            value=text_of(value),
        )
    return dt.date(year, month, day)


def whole_number(value: Value) -> int | None:
    text = text_of(value).replace(",", ".")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise TableError(gettext_noop("%(value)s is not a number."), value=text) from None
    if not number.is_integer():
        raise TableError(gettext_noop("%(value)s is not a whole number."), value=text)
    return int(number)
