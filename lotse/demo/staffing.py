"""Demo data of staffing and funding, written through the services like real data.

After `network.load` (which creates the positions, each with its funding source, one
holder whose qualification bw-im does not list and a vacancy in the Landkreis
Ludwigsburg) this adds:

- flat rates of bw-im per accepted qualification (example figures, see FLAT_RATES);
- the costs of every position for last year (the whole year) and for the current year
  (so far: up to today, in proportion to a full year's budget). A vacant position was
  held until 30 September last year and has only material costs since;
- a grant notice for every provider and programme (not the federal MBE) for both
  years: last year's match what the positions earn under the programme's rules, some
  a little above (a repayment shows), one below (not covered); this year's follow the
  full year's budget, so this year's spending proof shows what is not spent yet;
- the persons housed that the bb-msa ratio counts, for both years;
- one allocation run of the district coordinator `kreis`: a bw-im budget distributed
  among the municipalities of the Landkreis Ludwigsburg by the key file shipped in
  files/ (see key_file_path and the expected outcome at KEY_FILE).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from lotse.accounts.models import User
from lotse.core.lib import funding
from lotse.core.lib.tables import read_csv
from lotse.core.models import Term
from lotse.core.services import audited_save
from lotse.organisations.models import District, Programme, Provider
from lotse.staffing import services
from lotse.staffing.models import (
    AllocationRun,
    FlatRate,
    Grant,
    PersonsCount,
    Position,
    PositionCosts,
)

# --- positions (used by network.load, which creates them) ------------------------------

# What pays the positions of a programme; {year} is the current year.
FUNDING_SOURCES = {
    "bw-im": "Zuwendungsbescheid RP Stuttgart {year} (Pakt für Integration)",
    "mbe": "BAMF MBE, Zuwendungsbescheid {year}",
    "bb-msa": "Landesmittel LAufnG (Kostenerstattung über den Landkreis Oberhavel)",
    "rlp-mfd": "Landesförderung Migrationsfachdienste Rheinland-Pfalz {year}",
    "sh-msb": "Zuwendung des Landes Schleswig-Holstein, Migrationssozialberatung {year}",
}
# A holder with a qualification bw-im does not list ("other", needs approval): the
# position shows as flagged and earns no flat rate.
UNLISTED_QUALIFICATION_HOLDER = "t.neumann"
# An office of the Landkreis Ludwigsburg with a vacant bw-im position.
VACANCY_OFFICE = "Caritas Migrationsdienst Kornwestheim"
# The qualifications the product brief names for bw-im staff, set if the programme has
# none (the data migration sets them).
BW_IM_QUALIFICATIONS = (
    "social_work_bachelor",
    "social_work_diploma",
    "social_work_master",
    "public_management_bachelor",
    "vocational_integration",
)


def funding_source(programme: Programme, year: int) -> str:
    return FUNDING_SOURCES.get(programme.key, "").format(year=year)


# --- flat rates ------------------------------------------------------------------------

# ILLUSTRATIVE FIGURES, NOT THE VALUES OF THE CURRENT VwV INTEGRATIONSMANAGEMENT:
# EUR per full-time position and year by the qualification of the holder, chosen only
# so that the spending proof shows plausible amounts. Enter the real ones in the
# administration.
FLAT_RATES = {
    "social_work_bachelor": 70_000,
    "social_work_diploma": 70_000,
    "social_work_master": 70_000,
    "public_management_bachelor": 65_000,
    "vocational_integration": 55_000,
}

# --- costs and grants ------------------------------------------------------------------

# (provider, programme key) → euros the notice of last year awards above (+) or below
# (−) what the positions earn; every other notice matches exactly.
LAST_YEAR_NOTICE_DIFFERENCE = {
    ("Caritas Ludwigsburg", "bw-im"): 2_150,
    ("Caritas Mainz", "rlp-mfd"): 920,
    ("DRK-Kreisverband Segeberg", "sh-msb"): 1_380,
    ("Stadt Karlsruhe – Sozial- und Jugendbehörde", "bw-im"): -3_240,
}
# The sh-msb office whose material costs (new premises: rent and furniture) exceed the
# cap of 20,000 EUR per full-time position, in both years.
MATERIAL_ABOVE_CAP_OFFICE = "Migrationssozialberatung Bad Segeberg"
MATERIAL_ABOVE_CAP_PER_FTE = 24_800
# Per programme: (month, day) of the notice and its file number.
NOTICES = {
    "bw-im": ((2, 15), "Az. 15-5410.3"),
    "bb-msa": ((3, 20), "Az. 32-4321/LAufnG"),
    "rlp-mfd": ((2, 28), "Az. 766-21/MFD"),
    "sh-msb": ((1, 30), "Az. VIII 412-MSB"),
}
# A vacant position's holder left at the end of this day of last year.
VACANCY_SINCE = (9, 30)

# --- persons housed --------------------------------------------------------------------

PERSONS_HOUSED = (120, 260)
PERSONS_SOURCE = "Belegungsmeldung des Landkreises Oberhavel, Stichtag {day:%d.%m.%Y}"

# --- the allocation --------------------------------------------------------------------

# Persons in follow-up housing (Anschlussunterbringung) on 31 December in the 39
# municipalities of the Landkreis Ludwigsburg, and a row for the district, which is
# exempt from the minimum. The AGS are the official keys (checked against the annex of
# the MietNEinV, BGBl. I 2021 S. 3739, area as of 25 January 2021); the persons are
# invented (see files/README.md).
#
# Expected outcome with 1,200,000 EUR and a minimum of 51,000 EUR: 5,166 persons, rate
# 232.29 EUR per person (1,200,000/5,166), so a municipality needs 220 persons to apply
# alone.
# - Alone: Ludwigsburg 204,413, Bietigheim-Bissingen 99,884, Kornwestheim 84,785,
#   Vaihingen an der Enz 67,364, Remseck am Neckar 59,233.
# - Asperg receives the pool of Tamm (the two name each other): 60,395.
# - Besigheim receives the pool of its small neighbours Freudental, Gemmrigheim,
#   Hessigheim, Mundelsheim and Walheim, which name it as partner: 61,789.
# - The district (08118) receives 562,137 EUR: Hemmingen delegated to it, and the 25
#   municipalities below the minimum that name it as partner (among them Ditzingen,
#   205 persons) are pooled into it.
# Nobody is left out; the allocated euros add up to the budget.
KEY_FILE = Path(__file__).resolve().parent / "files" / "verteilschluessel-ludwigsburg.csv"
ALLOCATION_DISTRICT = "08118"
ALLOCATION_BUDGET = 1_200_000
ALLOCATION_MINIMUM = 51_000
ALLOCATION_BY = "kreis"


def key_file_path() -> Path:
    """The key file of the demo allocation, e.g. for a browser test to upload."""
    return KEY_FILE


# --- costs and grants ------------------------------------------------------------------


@dataclass(frozen=True)
class _Budget:
    """A position's costs for a full year at its FTE (EUR)."""

    personnel: int
    material: int
    interpreting: int


def _budget(rng: random.Random, position: Position, personnel: int | None = None) -> _Budget:
    """Costs of a full year: personnel 58,000–72,000 EUR per FTE (unless given), a few
    thousand for material, up to 6,000 (sh-msb: 4,800, below its cap) for interpreting."""
    fte = Decimal(position.fte)
    material = rng.randint(1_500, 4_500)
    if position.office.name == MATERIAL_ABOVE_CAP_OFFICE:
        material = MATERIAL_ABOVE_CAP_PER_FTE
    interpreting = rng.randrange(
        0, (4_800 if position.programme.key == "sh-msb" else 6_000) + 1, 50
    )
    if personnel is None:
        personnel = int(rng.randint(58_000, 72_000) * fte)
    return _Budget(personnel, int(material * fte), int(interpreting * fte))


def _days(first: dt.date, last: dt.date) -> int:
    return max(0, (last - first).days + 1)


def _costs(
    position: Position, year: int, budget: _Budget, until: dt.date, left: dt.date | None
) -> PositionCosts:
    """The costs of `year` up to `until`, in proportion to the full year's budget; with
    personnel and interpreting only while someone held the position (up to `left`)."""
    days = held = 0
    period = position.period_in(year)
    if period is not None:
        first, last = period
        days = _days(first, min(last, until))
        held = _days(first, min(last, until, left)) if left else days
    in_year = _days(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def part(amount: int, days: int) -> int:
        return funding.round_euros(Fraction(amount * days, in_year))

    return PositionCosts(
        position=position,
        year=year,
        personnel_eur=part(budget.personnel, held),
        material_eur=part(budget.material, days),
        interpreting_eur=part(budget.interpreting, held),
    )


def _earned(year: int, costs: list[PositionCosts], rules: funding.FundingRules) -> int:
    """The grant the positions earn in `year` with these costs, as the spending proof
    computes it."""
    lines = [services.position_year(c.position, year, c, str(c.position.pk)) for c in costs]
    found = [line for line in lines if line is not None]
    return funding.spending_proof("", "", year, found, rules, 0).total_grant


def _flat_rates() -> None:
    bw_im = Programme.objects.get(key="bw-im")
    accepted = list(bw_im.required_qualifications.all())
    if not accepted:
        accepted = list(
            Term.objects.filter(
                vocabulary=Term.Vocabulary.QUALIFICATION, code__in=BW_IM_QUALIFICATIONS
            )
        )
        audited_save(None, bw_im, m2m={"required_qualifications": accepted})
    for term in sorted(accepted, key=lambda t: (t.position, t.pk)):
        if term.code in FLAT_RATES:
            audited_save(
                None,
                FlatRate(programme=bw_im, qualification=term, eur_per_fte=FLAT_RATES[term.code]),
            )


def _costs_and_grants(rng: random.Random, today: dt.date) -> None:
    this_year, last_year = today.year, today.year - 1
    end = dt.date(this_year, 12, 31)
    left = dt.date(last_year, *VACANCY_SINCE)
    positions = Position.objects.select_related(
        "office__provider", "programme", "qualification"
    ).order_by("pk")
    # (provider, programme) → year → the costs stored; and this year's whole budget
    spent: dict[tuple[int, int], dict[int, list[PositionCosts]]] = {}
    for position in positions:
        budget = _budget(rng, position)
        before = _budget(rng, position, personnel=int(budget.personnel * Decimal("0.97")))
        vacant = left if position.holder_id is None else None
        by_year = spent.setdefault((position.office.provider_id, position.programme_id), {})
        for year, figures in ((last_year, before), (this_year, budget)):
            costs = audited_save(None, _costs(position, year, figures, today, vacant))
            by_year.setdefault(year, []).append(costs)
        # The notice of this year funds the whole year, a vacancy filled again.
        by_year.setdefault(0, []).append(_costs(position, this_year, budget, end, None))
    providers = {p.pk: p for p in Provider.objects.all()}
    programmes = {p.pk: p for p in Programme.objects.prefetch_related("flat_rates__qualification")}
    for (provider_pk, programme_pk), by_year in spent.items():
        provider, programme = providers[provider_pk], programmes[programme_pk]
        if programme.state_id is None:  # the federal MBE: its proof goes to the BAMF
            continue
        rules = services.funding_rules(programme)
        (month, day), file_number = NOTICES[programme.key]
        difference = LAST_YEAR_NOTICE_DIFFERENCE.get((provider.name, programme.key), 0)
        planned = _earned(this_year, by_year[0], rules)
        amounts = {
            last_year: _earned(last_year, by_year[last_year], rules) + difference,
            this_year: -(-planned // 100) * 100,  # rounded up to hundreds
        }
        for year, amount in amounts.items():
            issued = min(dt.date(year, month, day), today)
            audited_save(
                None,
                Grant(
                    provider=provider,
                    programme=programme,
                    year=year,
                    amount_eur=max(0, amount),
                    notice=f"Bescheid vom {issued:%d.%m.%Y}, {file_number}",
                ),
            )


# --- persons housed --------------------------------------------------------------------


def _persons_counts(rng: random.Random, today: dt.date) -> None:
    bb_msa = Programme.objects.get(key="bb-msa")
    days = {today.year - 1: dt.date(today.year - 1, 12, 31), today.year: today.replace(day=1)}
    for office in bb_msa.offices.order_by("name"):
        for year, day in days.items():
            audited_save(
                None,
                PersonsCount(
                    office=office,
                    programme=bb_msa,
                    year=year,
                    persons=rng.randint(*PERSONS_HOUSED),
                    source=PERSONS_SOURCE.format(day=day),
                ),
            )


# --- the allocation --------------------------------------------------------------------


def _allocation(today: dt.date) -> AllocationRun:
    data = KEY_FILE.read_bytes()
    key_file = services.read_key_file(read_csv(data))
    if key_file.errors:  # pragma: no cover - the shipped file is checked by the tests
        raise ValueError(f"{KEY_FILE.name}: {key_file.errors}")
    district = District.objects.select_related("state").get(key=ALLOCATION_DISTRICT)
    user = User.objects.get(username=ALLOCATION_BY)
    run = AllocationRun(
        title=f"Integrationsmanagement {today.year} – {district.name}",
        state=district.state,
        district=district,
        programme=Programme.objects.get(key="bw-im"),
        year=today.year,
        key_label=f"Personen in der Anschlussunterbringung am 31.12.{today.year - 1}",
        budget_eur=ALLOCATION_BUDGET,
        minimum_eur=ALLOCATION_MINIMUM,
        source_name=KEY_FILE.name,
        created_by=user,
    )
    return services.run_allocation(user, run, key_file.recipients, data)


# --- all together ----------------------------------------------------------------------


@transaction.atomic
def load(seed: int = 2026) -> None:
    """Costs, grants, counted persons and an allocation (after `network.load`)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    _flat_rates()
    _costs_and_grants(rng, today)
    _persons_counts(rng, today)
    _allocation(today)
