"""Staffing ratios, positions, costs and allocations within the user's scope.

A ratio sets the persons a programme counts against the full-time equivalents (FTE)
that hold positions under it:

- persons in case management during the year (sh-msb): distinct clients with a case
  under the programme that was open on at least one day of the year;
- case-management cases (mbe): cases open on the reference day;
- persons housed (bb-msa): the figures entered per office and year (`PersonsCount`).

FTE are those of the positions held on the reference day (the end of the year, or today
within the current year); vacant positions are shown apart and carry nobody. The FTE
needed is the counted persons divided by the ratio, rounded up to the 0.25 steps in
which positions come. Offices are the unit; providers, districts and states add up their
offices (a client record belongs to one office, so sums count no one twice).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.cases.models import Case
from lotse.core import access
from lotse.core.access import Capability
from lotse.organisations.models import Office, Programme
from lotse.staffing.models import AllocationRun, PersonsCount, Position

Basis = Programme.RatioBasis
QUARTER = Decimal("0.25")


class Level(enum.StrEnum):
    OFFICE = "office"
    PROVIDER = "provider"
    DISTRICT = "district"
    STATE = "state"


LEVEL_LABELS = {
    Level.OFFICE: _("per office"),
    Level.PROVIDER: _("per provider"),
    Level.DISTRICT: _("per district"),
    Level.STATE: _("per state"),
}


class Status(enum.StrEnum):
    WITHIN = "within"
    OVER = "over"
    NO_STAFF = "no_staff"
    NO_FIGURES = "no_figures"
    NO_RATIO = "no_ratio"


STATUS_LABELS = {
    Status.WITHIN: _("within the ratio"),
    Status.OVER: _("above the ratio"),
    Status.NO_STAFF: _("no position held"),
    Status.NO_FIGURES: _("figures missing"),
    Status.NO_RATIO: _("no staffing ratio"),
}


@dataclass
class Ratio:
    """One unit (office, provider, district or state) under one programme."""

    programme: Programme
    unit: str
    offices: int = 0
    counted: int | None = None  # None: the ratio's figures are missing
    fte: Decimal = Decimal(0)  # held positions
    vacant_fte: Decimal = Decimal(0)
    missing_figures: list[str] = field(default_factory=list)  # offices without a figure

    @property
    def target(self) -> int | None:
        return self.programme.ratio_persons_per_fte

    @property
    def per_fte(self) -> Decimal | None:
        """Counted persons per held full-time position, to one decimal."""
        if self.counted is None or not self.fte:
            return None
        return (Decimal(self.counted) / self.fte).quantize(Decimal("0.1"))

    @property
    def needed_fte(self) -> Decimal | None:
        """FTE the counted persons need under the ratio, in steps of 0.25."""
        if self.counted is None or not self.target:
            return None
        return Decimal(math.ceil(Decimal(self.counted) / self.target / QUARTER)) * QUARTER

    @property
    def gap_fte(self) -> Decimal | None:
        """FTE missing (positive) or more than needed (negative)."""
        needed = self.needed_fte
        return None if needed is None else needed - self.fte

    @property
    def status(self) -> Status:
        if not self.target:
            return Status.NO_RATIO
        if self.counted is None or self.missing_figures:
            return Status.NO_FIGURES
        if not self.fte:
            return Status.WITHIN if self.counted == 0 else Status.NO_STAFF
        return Status.OVER if self.counted > self.fte * self.target else Status.WITHIN

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    def add(self, other: Ratio) -> None:
        self.offices += other.offices
        self.fte += other.fte
        self.vacant_fte += other.vacant_fte
        self.missing_figures += other.missing_figures
        if other.counted is not None:
            self.counted = (self.counted or 0) + other.counted


def reference_day(year: int, today: dt.date | None = None) -> dt.date:
    """The day whose positions and open cases a year's ratio reads."""
    today = today or timezone.localdate()
    if year == today.year:
        return today
    return dt.date(year, 12, 31) if year < today.year else dt.date(year, 1, 1)


def _counted(
    offices: QuerySet[Office], programmes: Iterable[Programme], year: int, day: dt.date
) -> dict[tuple[int, int], int]:
    """Per (office, programme): what the programme's ratio counts."""
    by_basis: dict[str, list[int]] = defaultdict(list)
    for programme in programmes:
        by_basis[programme.ratio_basis].append(programme.pk)
    counts: Counter[tuple[int, int]] = Counter()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cases = Case.objects.filter(office__in=offices)
    if by_basis[Basis.CASE_MANAGEMENT_PERSONS_PER_YEAR]:
        persons = (
            cases.open_during(start, end)
            .filter(programme__in=by_basis[Basis.CASE_MANAGEMENT_PERSONS_PER_YEAR])
            .values_list("office_id", "programme_id", "client_id")
            .distinct()
        )
        counts.update((office, programme) for office, programme, _client in persons)
    if by_basis[Basis.CASE_MANAGEMENT_CASES]:
        open_cases = cases.open_on(day).filter(programme__in=by_basis[Basis.CASE_MANAGEMENT_CASES])
        counts.update(open_cases.values_list("office_id", "programme_id"))
    result: dict[tuple[int, int], int] = dict(counts)
    for office_id, programme_id, persons_housed in PersonsCount.objects.filter(
        office__in=offices, programme__in=by_basis[Basis.PERSONS_HOUSED], year=year
    ).values_list("office_id", "programme_id", "persons"):
        result[(office_id, programme_id)] = persons_housed
    return result


def ratios(
    user: Any, year: int, level: Level = Level.OFFICE, today: dt.date | None = None
) -> list[Ratio]:
    """The staffing ratios of every office the user sees aggregates of, grouped by
    `level`, ordered by programme and unit."""
    offices = access.offices_for(user, Capability.VIEW_AGGREGATES)
    return ratios_of(offices, year, level, today)


def ratios_of(
    offices: QuerySet[Office], year: int, level: Level, today: dt.date | None = None
) -> list[Ratio]:
    """The staffing ratios of `offices` (already scoped by the caller), grouped by `level`."""
    day = reference_day(year, today)
    office_list = list(
        offices.select_related("provider", "district__state").prefetch_related("programmes")
    )
    programmes = {p.pk: p for o in office_list for p in o.programmes.all()}
    counted = _counted(offices, programmes.values(), year, day)
    held: defaultdict[tuple[int, int], Decimal] = defaultdict(Decimal)
    vacant: defaultdict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for office_id, programme_id, fte, holder in (
        Position.objects.current(day)
        .filter(office__in=offices)
        .values_list("office_id", "programme_id", "fte", "holder_id")
    ):
        (vacant if holder is None else held)[(office_id, programme_id)] += fte
    unit_of: dict[Level, Callable[[Office], str]] = {
        Level.OFFICE: lambda o: o.name,
        Level.PROVIDER: lambda o: o.provider.name,
        Level.DISTRICT: lambda o: str(o.district),
        Level.STATE: lambda o: o.district.state.name,
    }
    units: dict[tuple[int, str], Ratio] = {}
    for office in office_list:
        for programme in office.programmes.all():
            key = (office.pk, programme.pk)
            one = Ratio(
                programme=programme,
                unit=office.name,
                offices=1,
                fte=held.get(key, Decimal(0)),
                vacant_fte=vacant.get(key, Decimal(0)),
            )
            if programme.ratio_basis:
                if key in counted or programme.ratio_basis != Basis.PERSONS_HOUSED:
                    one.counted = counted.get(key, 0)
                else:
                    one.missing_figures.append(office.name)
            unit = unit_of[level](office)
            total = units.setdefault((programme.pk, unit), Ratio(programme=programme, unit=unit))
            total.add(one)
    return sorted(units.values(), key=lambda r: (r.programme.short_name, r.unit))


def allocations_for(user: Any) -> QuerySet[AllocationRun]:
    """Allocation runs of the districts and states where the user allocates."""
    districts = access.districts_for(user, Capability.ALLOCATE)
    states = access.states_for(user, Capability.ALLOCATE)
    return AllocationRun.objects.filter(
        Q(district__in=districts) | Q(district__isnull=True, state__in=states)
    ).select_related("state", "district", "programme", "created_by")


def positions_for(user: Any) -> QuerySet[Position]:
    """Positions of the offices where the user manages staffing."""
    return (
        Position.objects.filter(office__in=access.offices_for(user, Capability.STAFFING))
        .select_related("office__provider", "programme", "holder", "qualification")
        .prefetch_related("programme__required_qualifications")
    )
