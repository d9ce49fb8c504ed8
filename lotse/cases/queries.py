"""Reads of cases, within the offices where the user holds personal data."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from lotse.cases.models import Case, Phase, Review, add_months
from lotse.clients.queries import clients_for
from lotse.core import access
from lotse.organisations.models import Office, Programme
from lotse.organisations.queries import office_staff
from lotse.staffing.models import Position


def cases_for(user: Any) -> QuerySet[Case]:
    """Cases of the clients the user may see.

    A case is held by its client's office: it is opened there, and records are merged
    only within an office. The office is asked of the case too, so that the cases'
    own index answers it rather than a walk through the state's cases; were the two
    ever to differ, the case would be hidden, not shown."""
    offices = access.office_scope(user, access.Capability.PERSONAL_DATA)
    return Case.objects.filter(office__in=offices, client__in=clients_for(user))


def get_case_for(user: Any, pk: Any) -> Case:
    return access.get_or_404(cases_for(user).select_related("client", "programme", "office"), pk=pk)


@dataclass
class Due:
    case: Case
    due_on: dt.date


def open_cases(user: Any, responsible: Any) -> QuerySet[Case]:
    """Open cases in the user's reach; with `responsible`, only those they hold or deputise."""
    cases = cases_for(user).exclude(phase=Phase.CLOSED)
    if responsible is not None:
        cases = cases.filter(Q(counsellor=responsible) | Q(deputy=responsible))
    return cases


def reviews_due(user: Any, today: dt.date | None = None, *, responsible: Any = None) -> list[Due]:
    """Open cases whose next review (programme interval after the last one) has passed."""
    today = today or timezone.localdate()
    # The latest review by a subquery per case, not by grouping the cases with their
    # clients: the index on the reviews' case answers it.
    last = Review.objects.filter(case=OuterRef("pk")).order_by("-on").values("on")[:1]
    # Only cases last reviewed (or opened) at least the shortest interval any programme
    # has ago can be due; the programme's own interval is applied below. Three days
    # more allow for a start late in a month that a shorter month cuts back.
    shortest = Programme.objects.aggregate(m=Min("review_interval_months"))["m"] or 0
    cutoff = add_months(today, -shortest) + dt.timedelta(days=3)
    cases = (
        open_cases(user, responsible)
        .annotate(last_review=Subquery(last))
        .filter(Q(last_review__lte=cutoff) | Q(last_review__isnull=True, opened_on__lte=cutoff))
        .select_related("client", "programme")
        .defer("eligibility_checks", "override_justification", "extension_justification")
    )
    due = []
    for case in cases:
        next_due = case.next_review_due(case.last_review)
        if next_due is not None and next_due <= today:
            due.append(Due(case, next_due))
    return sorted(due, key=lambda d: d.due_on)


def near_time_limit(
    user: Any, today: dt.date | None = None, *, responsible: Any = None
) -> list[Case]:
    """Open cases inside the programme's warning period before the time limit."""
    today = today or timezone.localdate()
    # Only limits within the longest warning period any programme has can be due.
    longest = Programme.objects.aggregate(m=Max("limit_warning_months"))["m"] or 0
    cases = open_cases(user, responsible).filter(limit_until__lte=add_months(today, longest))
    return sorted(
        (c for c in cases.select_related("client", "programme") if c.limit_warning(today)),
        key=lambda c: c.limit_until or today,
    )


@dataclass
class Caseload:
    """One counsellor's cases under one programme, set against the programme's ratio."""

    counsellor: Any
    programme: Programme
    open_cases: int
    persons_this_year: int
    fte: Decimal
    # What the ratio counts for this programme (None: counted outside the casework).
    counted: int | None

    @property
    def capacity(self) -> Decimal | None:
        """Persons the counsellor's share of positions carries under the ratio."""
        if self.counted is None or not self.programme.ratio_persons_per_fte:
            return None
        return self.fte * self.programme.ratio_persons_per_fte

    @property
    def load(self) -> Decimal | None:
        """Counted persons per full-time position (None without a position)."""
        if self.counted is None or not self.fte:
            return None
        return (Decimal(self.counted) / self.fte).quantize(Decimal("0.1"))

    @property
    def over_ratio(self) -> bool:
        capacity = self.capacity
        return capacity is not None and self.counted is not None and self.counted > capacity


def caseload(office: Office, today: dt.date | None = None) -> list[Caseload]:
    """Per counsellor and programme of the office: open cases, persons in case
    management this calendar year, the FTE of their current positions, the ratio."""
    today = today or timezone.localdate()
    year_start, year_end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    cases = Case.objects.filter(office=office)
    open_counts = Counter(
        cases.exclude(phase=Phase.CLOSED).values_list("counsellor_id", "programme_id")
    )
    in_year = (
        cases.open_during(year_start, year_end)
        .values_list("counsellor_id", "programme_id", "client_id")
        .distinct()
    )
    persons = Counter((counsellor, programme_id) for counsellor, programme_id, _client in in_year)
    ftes: dict[tuple[int, int], Decimal] = {}
    for holder, programme_id, fte in (
        Position.objects.current(today)
        .filter(office=office, holder__isnull=False)
        .values_list("holder_id", "programme_id", "fte")
    ):
        ftes[(holder, programme_id)] = ftes.get((holder, programme_id), Decimal(0)) + fte
    rows = []
    staff = list(office_staff(office).order_by("last_name", "first_name"))
    for programme in office.programmes.order_by("short_name"):
        for person in staff:
            key = (person.pk, programme.pk)
            if not (open_counts[key] or persons[key] or key in ftes):
                continue
            basis = programme.ratio_basis
            counts: dict[str, int] = {
                Programme.RatioBasis.CASE_MANAGEMENT_PERSONS_PER_YEAR: persons[key],
                Programme.RatioBasis.CASE_MANAGEMENT_CASES: open_counts[key],
            }
            counted = counts.get(basis)
            rows.append(
                Caseload(
                    counsellor=person,
                    programme=programme,
                    open_cases=open_counts[key],
                    persons_this_year=persons[key],
                    fte=ftes.get(key, Decimal(0)),
                    counted=counted,
                )
            )
    return rows
