"""End of the period for an action against an asylum decision (no Django in here).

The law: under §74(1) AsylG an action (Klage) against a decision of the Federal Office
must be brought within two weeks after delivery (Zustellung), or within one week where
the decision refers to §36(3) AsylG (rejection as manifestly unfounded, and the kinds of
inadmissibility that refer to it). Which decision has which period is data kept
elsewhere; this module only receives the length in weeks or days.

The computation follows §57(2) VwGO, §222(1) ZPO and §§187(1), 188(2) BGB: the day of
delivery is not counted; a period in weeks ends at the end of the day of the last week
that has the same weekday name as the day of delivery (Friday + two weeks = Friday); a
period in days ends after that many days. If that last day is a Saturday, a Sunday or a
general public holiday, the period ends at the end of the next working day (§222(2) ZPO),
repeated as often as needed (Good Friday → Saturday → Sunday → Easter Monday → Tuesday).
Holidays inside the period do not lengthen it; only its end is moved. 24 and 31 December
are ordinary working days.

What the code does: ``legal_deadline`` adds the weeks (or days) to the date entered and
then moves the end forward past weekends and holidays, recording every skipped day with
its reason. The date entered must be the date of delivery itself: for a
Postzustellungsurkunde, the date the postal worker wrote on the envelope; for a letter
sent by post under §4(2) VwZG, delivery is deemed to take place on the fourth day after
posting (since 2025; the third day before) and the counsellor enters that resulting date.
This module does not guess a delivery date.

Holidays: the general public holidays are those of the federal state (Land) where the
action must be taken, i.e. where the office receiving it sits; in asylum matters this is
normally the state of the competent administrative court. States are given by the
two-digit official state key (prefix of the Amtlicher Gemeindeschlüssel, "01" to "16");
without a state only nationwide holidays count. The holidays come from the ``holidays``
package with its default (state-wide, "public") categories. Holidays that apply only in
part of a state are not modelled: e.g. Augsburg's Peace Festival (8 August), Assumption
Day (15 August) in the Catholic municipalities of Bavaria, or Corpus Christi in some
municipalities of Saxony and Thuringia. Where such a local holiday may matter, check by
hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from holidays.countries.germany import Germany

# Official two-digit state key → ISO 3166-2 subdivision code used by ``holidays``.
STATE_SUBDIVISIONS: dict[str, str] = {
    "01": "SH",  # Schleswig-Holstein
    "02": "HH",  # Hamburg
    "03": "NI",  # Niedersachsen
    "04": "HB",  # Bremen
    "05": "NW",  # Nordrhein-Westfalen
    "06": "HE",  # Hessen
    "07": "RP",  # Rheinland-Pfalz
    "08": "BW",  # Baden-Württemberg
    "09": "BY",  # Bayern
    "10": "SL",  # Saarland
    "11": "BE",  # Berlin
    "12": "BB",  # Brandenburg
    "13": "MV",  # Mecklenburg-Vorpommern
    "14": "SN",  # Sachsen
    "15": "ST",  # Sachsen-Anhalt
    "16": "TH",  # Thüringen
}

_LANGUAGE = "en_US" if "en_US" in Germany.supported_languages else None
_SATURDAY = 5
_SUNDAY = 6


@dataclass(frozen=True)
class Deadline:
    delivered_on: date
    nominal_end: date  # by §188(2) BGB (weeks) or §188(1) BGB (days), before any shift
    ends_on: date  # after §222(2) ZPO
    # Each day the end was moved over, with its reason: "Saturday", "Sunday" or the
    # holiday's name (a holiday on a weekend is given by its name).
    moved_over: tuple[tuple[date, str], ...]


def legal_deadline(
    delivered_on: date, *, weeks: int = 0, days: int = 0, state_key: str | None = None
) -> Deadline:
    """The end of a period of ``weeks`` weeks or ``days`` days after delivery.

    Exactly one of ``weeks`` and ``days`` must be positive, the other zero. ``state_key`` is
    the two-digit official state key; None means nationwide holidays only.
    """
    if weeks < 0 or days < 0 or (weeks > 0) == (days > 0):
        raise ValueError("exactly one of weeks and days must be positive, the other zero")
    subdivision = _subdivision(state_key)
    # §187(1) BGB: the day of delivery is not counted. §188(2) BGB: a period in weeks ends
    # on the weekday with the same name as the day of delivery, i.e. 7 * weeks days later.
    nominal_end = delivered_on + timedelta(weeks=weeks, days=days)
    ends_on = nominal_end
    moved_over: list[tuple[date, str]] = []
    while (reason := _non_working_reason(ends_on, subdivision)) is not None:
        moved_over.append((ends_on, reason))
        ends_on += timedelta(days=1)
    return Deadline(
        delivered_on=delivered_on,
        nominal_end=nominal_end,
        ends_on=ends_on,
        moved_over=tuple(moved_over),
    )


def is_working_day(day: date, state_key: str | None = None) -> bool:
    """False for Saturdays, Sundays and general public holidays of the state (or nationwide)."""
    return _non_working_reason(day, _subdivision(state_key)) is None


def _subdivision(state_key: str | None) -> str | None:
    if state_key is None:
        return None
    try:
        return STATE_SUBDIVISIONS[state_key]
    except KeyError:
        raise ValueError(f"unknown state key: {state_key!r}") from None


def _non_working_reason(day: date, subdivision: str | None) -> str | None:
    name = _holidays_of_year(subdivision, day.year).get(day)
    if name is not None:
        return name
    if day.weekday() == _SATURDAY:
        return "Saturday"
    if day.weekday() == _SUNDAY:
        return "Sunday"
    return None


@lru_cache(maxsize=256)
def _holidays_of_year(subdivision: str | None, year: int) -> dict[date, str]:
    # One calendar year per cache entry, so a period across New Year looks up each year
    # on its own. The returned dict is private to this module and never mutated.
    calendar = Germany(subdiv=subdivision, years=year, language=_LANGUAGE)
    return {day: name for day, name in calendar.items() if day.year == year}
