"""The grant a position earns in a year, and a provider's spending proof (no Django in here).

A programme's funding rules (``FundingRules``) say how much grant (Zuwendung) a position
earns for the part of a year it ran. Which kind of rule applies follows from what is set:

1. Flat rate (Festbetrag) per full-time equivalent (FTE), by qualification:
   ``flat_rates`` is not empty. bw-im (Baden-Württemberg, Integrationsmanagement): a
   fixed amount per FTE and year that depends on the qualification of the person holding
   the position (programme seed: social work bachelor/diploma/master, public management
   bachelor, vocational integration). The line's cap is ``rate × FTE × share of the
   year``; the grant is that cap, but never more than the position's actual costs (no
   over-funding, note ``CAPPED_AT_COSTS``). A position without a qualification, or with
   one the mapping does not list, earns 0 (note ``NO_QUALIFICATION`` or
   ``NO_FLAT_RATE``). The other fields must be left empty.
2. Grant on eligible costs with caps and an own share: ``max_grant_per_fte``,
   ``max_material_per_fte``, ``max_interpreting_per_fte`` and ``min_own_share_percent``,
   each optional. sh-msb (Schleswig-Holstein, Migrationssozialberatung, programme seed and
   funding guideline): up to 70,500 EUR per FTE and year in all, of which at most 20,000
   EUR for material costs and at most 5,000 EUR for interpreting, at least 10 % own
   contribution. Every amount per FTE and year is multiplied by ``FTE × share of the
   year``. Eligible costs are personnel costs in full plus material and interpreting
   costs each up to its cap (note ``MATERIAL_CAPPED`` / ``INTERPRETING_CAPPED`` when a
   cap bit). The grant is ``eligible × (100 − own share %) / 100``, but at most the
   maximum grant (note ``GRANT_CAPPED``).
3. Reimbursement of costs: nothing set (``FundingRules()``). bb-msa (Brandenburg): the
   grant is the actual costs. This is rule 2 with no caps and no own share.

Share of the year: the days the position ran (``first_day`` to ``last_day``, both
counted; the caller clips them to the year) divided by the days of that year, 365 or
366. 1 January to 1 July of a leap year is 183/366 = 1/2.

Money: costs, caps and the amount granted are whole euros. Everything is computed
exactly with fractions; each line's grant is rounded once, at the end, half up by
default (``FundingRules.rounding``). Totals are sums of the rounded lines, so the
document adds up. Rounding half up can put a line up to 50 cents above an exact limit
(a cap, or the minimum own share); where the funder's guideline requires rounding down
to whole euros, pass ``rounding=ROUND_DOWN``, and the limits then hold exactly.
``eligible_costs`` and ``cap`` of a line are shown rounded the same way; the exact
values are kept next to them.

Own contribution: a line's actual costs minus its grant; its own share is that as a
percentage of the actual costs (two decimals, half up; None without costs).

Spending proof (Verwendungsnachweis) of a provider for a programme and year: the lines,
their totals and the balance against ``granted``, the amount awarded by the grant
notice (Zuwendungsbescheid): ``granted − total grant``. Positive: the provider received
more than the positions earn, the difference is to be repaid (Rückforderung,
``to_repay``). Negative: the positions earn more than the notice awards; the provider
cannot get more than granted, so the difference is not covered (``not_covered``) and
falls on the provider on top of its own contribution. ``min_own_share_met`` compares
the total own contribution with the programme's minimum (None without one).

Notes on lines are English msgids in constants below (marked with ``gettext_noop`` so
that makemessages finds them); the caller translates them with gettext.

Bad input raises ``FundingError`` (a ``ValueError``) with a message saying what is
wrong: FTE not a multiple of 0.25 within (0, 1]; days outside one calendar year, the
year of the proof, or in the wrong order; costs or amounts that are not whole,
non-negative euros; rules that mix a flat rate with caps, or an own share outside
0 to 100.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import MappingProxyType


def gettext_noop(message: str) -> str:
    """Marks a msgid for extraction; translation happens where the note is shown."""
    return message


NO_QUALIFICATION = gettext_noop("No qualification is recorded, so no flat rate applies.")
NO_FLAT_RATE = gettext_noop("No flat rate for this qualification.")
CAPPED_AT_COSTS = gettext_noop("Flat rate capped at the actual costs (no over-funding).")
MATERIAL_CAPPED = gettext_noop("Material costs above the cap were not counted.")
INTERPRETING_CAPPED = gettext_noop("Interpreting costs above the cap were not counted.")
GRANT_CAPPED = gettext_noop("Grant capped at the maximum per full-time equivalent.")
NOTES = (
    NO_QUALIFICATION,
    NO_FLAT_RATE,
    CAPPED_AT_COSTS,
    MATERIAL_CAPPED,
    INTERPRETING_CAPPED,
    GRANT_CAPPED,
)

FTE_STEP = Decimal("0.25")
ROUNDINGS = (ROUND_HALF_UP, ROUND_DOWN)


class FundingError(ValueError):
    """The input cannot be computed; the message says why."""


@dataclass(frozen=True)
class FundingRules:
    """A programme's funding rules; see the module docstring for which kind applies."""

    flat_rates: Mapping[str, int] = field(
        default_factory=dict, hash=False
    )  # qualification code → EUR/FTE-year
    max_grant_per_fte: int | None = None  # EUR per FTE and year, all costs together
    max_material_per_fte: int | None = None  # EUR per FTE and year
    max_interpreting_per_fte: int | None = None  # EUR per FTE and year
    min_own_share_percent: int | None = None  # of the eligible costs, 0 to 100
    rounding: str = ROUND_HALF_UP  # of each line's grant; or ROUND_DOWN

    def __post_init__(self) -> None:
        # A private copy, so that changing the caller's dict later changes nothing here.
        object.__setattr__(self, "flat_rates", MappingProxyType(dict(self.flat_rates)))
        for code, rate in self.flat_rates.items():
            _check_euros(rate, f"flat rate for {code!r}")
        for name in ("max_grant_per_fte", "max_material_per_fte", "max_interpreting_per_fte"):
            value = getattr(self, name)
            if value is not None:
                _check_euros(value, name)
        percent = self.min_own_share_percent
        if percent is not None and (_not_int(percent) or not 0 <= percent <= 100):
            raise FundingError(
                f"min_own_share_percent must be a whole number from 0 to 100, not {percent!r}"
            )
        if self.flat_rates and any(value is not None for value in self.caps):
            raise FundingError("flat rates cannot be combined with caps or an own share")
        if self.rounding not in ROUNDINGS:
            raise FundingError(
                f"rounding must be ROUND_HALF_UP or ROUND_DOWN, not {self.rounding!r}"
            )

    @property
    def caps(self) -> tuple[int | None, ...]:
        return (
            self.max_grant_per_fte,
            self.max_material_per_fte,
            self.max_interpreting_per_fte,
            self.min_own_share_percent,
        )

    @property
    def kind(self) -> str:
        """ "flat_rate", "capped_grant" or "reimbursement"."""
        if self.flat_rates:
            return "flat_rate"
        if all(value is None for value in self.caps):
            return "reimbursement"
        return "capped_grant"


@dataclass(frozen=True)
class PositionYear:
    """A position in one year: the part of the year it ran, and its actual costs in EUR."""

    label: str
    fte: Decimal
    first_day: date
    last_day: date
    qualification: str | None
    personnel: int
    material: int
    interpreting: int

    def __post_init__(self) -> None:
        fte = self.fte
        if not isinstance(fte, Decimal) or not fte.is_finite():
            raise FundingError(f"{self.label}: the FTE must be a decimal number, not {fte!r}")
        if not 0 < fte <= 1 or fte % FTE_STEP:
            raise FundingError(f"{self.label}: the FTE must be 0.25, 0.5, 0.75 or 1, not {fte}")
        if not isinstance(self.first_day, date) or not isinstance(self.last_day, date):
            raise FundingError(f"{self.label}: first and last day must be dates")
        if self.first_day.year != self.last_day.year:
            raise FundingError(
                f"{self.label}: {self.first_day} and {self.last_day} are not in the same year"
            )
        if self.first_day > self.last_day:
            raise FundingError(
                f"{self.label}: the last day {self.last_day} lies before the first day "
                f"{self.first_day}"
            )
        for name in ("personnel", "material", "interpreting"):
            _check_euros(getattr(self, name), f"{self.label}: {name} costs")

    @property
    def year(self) -> int:
        return self.first_day.year

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def share(self) -> Fraction:
        """The part of its year the position ran: days run / days in the year."""
        return Fraction(self.days, 366 if calendar.isleap(self.year) else 365)

    @property
    def actual_costs(self) -> int:
        return self.personnel + self.material + self.interpreting


@dataclass(frozen=True)
class PositionGrant:
    """What one position earns in the year under the rules."""

    position: PositionYear
    share: Fraction  # of the year
    eligible_exact: Fraction
    cap_exact: Fraction | None  # the most the line could earn; None: no cap
    exact: Fraction  # the grant before rounding
    eligible_costs: int
    cap: int | None
    grant: int
    notes: tuple[str, ...]

    @property
    def actual_costs(self) -> int:
        return self.position.actual_costs

    @property
    def own_contribution(self) -> int:
        return self.actual_costs - self.grant

    @property
    def own_share_percent(self) -> Decimal | None:
        return _percent(self.own_contribution, self.actual_costs)


@dataclass(frozen=True)
class SpendingProof:
    """A provider's spending proof for a programme and year (Verwendungsnachweis)."""

    provider: str
    programme: str
    year: int
    granted: int  # awarded by the grant notice
    rules: FundingRules
    lines: tuple[PositionGrant, ...]

    @property
    def total_personnel(self) -> int:
        return sum(line.position.personnel for line in self.lines)

    @property
    def total_material(self) -> int:
        return sum(line.position.material for line in self.lines)

    @property
    def total_interpreting(self) -> int:
        return sum(line.position.interpreting for line in self.lines)

    @property
    def total_actual(self) -> int:
        return sum(line.actual_costs for line in self.lines)

    @property
    def total_eligible_costs(self) -> int:
        return sum(line.eligible_costs for line in self.lines)

    @property
    def total_grant(self) -> int:
        """The grant the positions earn under the rules (sum of the lines)."""
        return sum(line.grant for line in self.lines)

    @property
    def own_contribution(self) -> int:
        return self.total_actual - self.total_grant

    @property
    def own_share_percent(self) -> Decimal | None:
        return _percent(self.own_contribution, self.total_actual)

    @property
    def min_own_share_met(self) -> bool | None:
        """Whether the total own contribution reaches the minimum share of the total
        actual costs; None if the rules set none."""
        minimum = self.rules.min_own_share_percent
        if minimum is None:
            return None
        return self.own_contribution * 100 >= minimum * self.total_actual

    @property
    def balance(self) -> int:
        """granted − total grant: > 0 to be repaid, < 0 not covered by the notice."""
        return self.granted - self.total_grant

    @property
    def to_repay(self) -> int:
        return max(self.balance, 0)

    @property
    def not_covered(self) -> int:
        return max(-self.balance, 0)

    @property
    def paid(self) -> int:
        """What the provider keeps: the grant earned, but no more than granted."""
        return min(self.granted, self.total_grant)


def position_grant(position: PositionYear, rules: FundingRules) -> PositionGrant:
    """The grant ``position`` earns for the part of its year it ran under ``rules``."""
    share = position.share
    factor = Fraction(position.fte) * share  # FTE-years
    actual = position.actual_costs
    notes: list[str] = []
    cap_exact: Fraction | None
    if rules.kind == "flat_rate":
        eligible = Fraction(actual)
        code = position.qualification
        if not code:
            cap_exact = None
            exact = Fraction(0)
            notes.append(NO_QUALIFICATION)
        elif code not in rules.flat_rates:
            cap_exact = None
            exact = Fraction(0)
            notes.append(NO_FLAT_RATE)
        else:
            cap_exact = rules.flat_rates[code] * factor
            exact = min(cap_exact, eligible)
            if eligible < cap_exact:
                notes.append(CAPPED_AT_COSTS)
    else:
        material = Fraction(position.material)
        if rules.max_material_per_fte is not None:
            material_cap = rules.max_material_per_fte * factor
            if material > material_cap:
                material = material_cap
                notes.append(MATERIAL_CAPPED)
        interpreting = Fraction(position.interpreting)
        if rules.max_interpreting_per_fte is not None:
            interpreting_cap = rules.max_interpreting_per_fte * factor
            if interpreting > interpreting_cap:
                interpreting = interpreting_cap
                notes.append(INTERPRETING_CAPPED)
        eligible = position.personnel + material + interpreting
        exact = eligible * (100 - (rules.min_own_share_percent or 0)) / 100
        cap_exact = None
        if rules.max_grant_per_fte is not None:
            cap_exact = rules.max_grant_per_fte * factor
            if exact > cap_exact:
                exact = cap_exact
                notes.append(GRANT_CAPPED)
    return PositionGrant(
        position=position,
        share=share,
        eligible_exact=eligible,
        cap_exact=cap_exact,
        exact=exact,
        eligible_costs=round_euros(eligible, rules.rounding),
        cap=None if cap_exact is None else round_euros(cap_exact, rules.rounding),
        grant=round_euros(exact, rules.rounding),
        notes=tuple(notes),
    )


def spending_proof(
    provider: str,
    programme: str,
    year: int,
    positions: Iterable[PositionYear],
    rules: FundingRules,
    granted: int,
) -> SpendingProof:
    """The spending proof of ``provider`` for ``programme`` and ``year``.

    ``positions`` must all lie in ``year``; ``granted`` is the amount of the grant notice.
    """
    _check_euros(granted, "the amount granted")
    lines = []
    for position in positions:
        if position.year != year:
            raise FundingError(f"{position.label}: {position.first_day} is not in {year}")
        lines.append(position_grant(position, rules))
    return SpendingProof(
        provider=provider,
        programme=programme,
        year=year,
        granted=granted,
        rules=rules,
        lines=tuple(lines),
    )


def round_euros(amount: Fraction, rounding: str = ROUND_HALF_UP) -> int:
    """``amount`` in whole euros: half up (0.5 → 1) or down."""
    if rounding == ROUND_DOWN:
        return amount.numerator // amount.denominator
    doubled = 2 * amount
    return (doubled.numerator // doubled.denominator + 1) // 2


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _not_int(value: object) -> bool:
    return isinstance(value, bool) or not isinstance(value, int)


def _check_euros(value: object, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FundingError(f"{what} must be whole, non-negative euros, not {value!r}")
