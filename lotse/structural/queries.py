"""Reads of structural work, always bounded by the offices where the user holds the
personal data capability (and, for matches, by the clients they may see)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from lotse.clients.queries import clients_for
from lotse.core import access
from lotse.network.queries import own_offices
from lotse.organisations.models import Office
from lotse.structural.models import Activity, Match, Volunteer


def activities_for(user: Any) -> QuerySet[Activity]:
    return Activity.objects.filter(office__in=own_offices(user))


def get_activity_for(user: Any, pk: Any) -> Activity:
    return access.get_or_404(activities_for(user).select_related("office", "recorded_by"), pk=pk)


def search_activities(
    user: Any, *, kind: str = "", year: int | None = None, office: Office | None = None
) -> QuerySet[Activity]:
    found = activities_for(user)
    if kind:
        found = found.filter(kind=kind)
    if year:
        found = found.filter(date__year=year)
    if office is not None:
        found = found.filter(office=office)
    return found.select_related("office", "recorded_by")


@dataclass(frozen=True)
class KindTotal:
    kind: str
    label: str
    entries: int
    hours: Decimal


def hours_by_kind(activities: QuerySet[Activity]) -> list[KindTotal]:
    """Entries and hours per kind of work, in the order of the kinds."""
    rows = {
        row["kind"]: row
        for row in activities.order_by().values("kind").annotate(n=Count("pk"), h=Sum("hours"))
    }
    return [
        KindTotal(kind, str(label), rows[kind]["n"], rows[kind]["h"] or Decimal(0))
        for kind, label in Activity.Kind.choices
        if kind in rows
    ]


def activity_years(user: Any) -> list[int]:
    """Years with entries in the user's offices, newest first."""
    dates = activities_for(user).dates("date", "year", order="DESC")
    return [d.year for d in dates]


def volunteers_for(user: Any) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(office__in=own_offices(user))


def get_volunteer_for(user: Any, pk: Any) -> Volunteer:
    return access.get_or_404(volunteers_for(user).select_related("office"), pk=pk)


def search_volunteers(
    user: Any, *, text: str = "", language: str = "", include_inactive: bool = False
) -> QuerySet[Volunteer]:
    found = volunteers_for(user)
    if not include_inactive:
        found = found.filter(is_active=True)
    for word in text.split():
        found = found.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if language:
        # JSON containment is not portable to SQLite; the language list is short.
        found = found.filter(languages__icontains=f'"{language}"')
    return found.select_related("office")


def matches_for(user: Any) -> QuerySet[Match]:
    """Matches of the user's offices whose client record is reachable."""
    return Match.objects.filter(
        volunteer__office__in=own_offices(user), client__in=clients_for(user)
    )


def get_match_for(user: Any, pk: Any) -> Match:
    return access.get_or_404(
        matches_for(user).select_related("volunteer", "client", "consent"), pk=pk
    )
