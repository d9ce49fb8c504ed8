"""Reads of cases, within the offices where the user holds personal data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from lotse.cases.models import Case, Phase, add_months
from lotse.clients.queries import clients_for
from lotse.core import access
from lotse.organisations.models import Programme


def cases_for(user: Any) -> QuerySet[Case]:
    return Case.objects.filter(client__in=clients_for(user))


def get_case_for(user: Any, pk: Any) -> Case:
    return access.get_or_404(cases_for(user).select_related("client", "programme", "office"), pk=pk)


@dataclass
class Due:
    case: Case
    due_on: dt.date


def reviews_due(user: Any, today: dt.date | None = None) -> list[Due]:
    """Open cases whose next review (programme interval after the last one) has passed."""
    today = today or timezone.localdate()
    cases = (
        cases_for(user)
        .exclude(phase=Phase.CLOSED)
        .select_related("client", "programme")
        .annotate(last_review=Max("reviews__on"))
    )
    due = []
    for case in cases:
        next_due = case.next_review_due(case.last_review)
        if next_due is not None and next_due <= today:
            due.append(Due(case, next_due))
    return sorted(due, key=lambda d: d.due_on)


def near_time_limit(user: Any, today: dt.date | None = None) -> list[Case]:
    """Open cases inside the programme's warning period before the time limit."""
    today = today or timezone.localdate()
    # Only limits within the longest warning period any programme has can be due.
    longest = Programme.objects.aggregate(m=Max("limit_warning_months"))["m"] or 0
    cases = (
        cases_for(user)
        .exclude(phase=Phase.CLOSED)
        .filter(limit_until__lte=add_months(today, longest))
    )
    return sorted(
        (c for c in cases.select_related("client", "programme") if c.limit_warning(today)),
        key=lambda c: c.limit_until or today,
    )
