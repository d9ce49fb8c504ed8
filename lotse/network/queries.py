"""Reads of the directory, referrals, appointments and follow-ups, and Mein Tag: always
bounded by the access layer (directory entries by district and office, everything
about a client through `clients_for`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lotse.cases import queries as case_queries
from lotse.cases.models import Case, Phase
from lotse.clients.models import AsylumDecision, ResidenceStatus
from lotse.clients.queries import clients_for
from lotse.core import access
from lotse.core.access import Capability
from lotse.counselling.models import Contact
from lotse.network.models import Appointment, FollowUp, Referral, Service
from lotse.organisations.models import District, Office

DEADLINE_HORIZON_DAYS = 14
RESIDENCE_REMINDER_DAYS = 90
COUNSELLING_DAYS = 183  # a client with a contact this recent is being counselled


def own_offices(user: Any) -> QuerySet[Office]:
    """Offices where the user works with clients (counsellor, team lead)."""
    return access.offices_for(user, Capability.PERSONAL_DATA)


def directory_districts(user: Any) -> QuerySet[District]:
    """Districts whose shared directory the user reads and keeps: those of their offices
    (where they are and the municipalities they serve) and of their district roles."""
    offices = access.offices_for(user, Capability.DIRECTORY)
    return District.objects.filter(
        Q(pk__in=access.districts_for(user, Capability.DIRECTORY).values("pk"))
        | Q(pk__in=offices.values("district_id"))
        | Q(pk__in=offices.values("municipalities__district_id"))
    )


def services_for(user: Any) -> QuerySet[Service]:
    """Shared entries of the user's districts and private entries of their own offices."""
    if not access.has_capability(user, Capability.DIRECTORY):
        return Service.objects.none()
    return Service.objects.filter(
        Q(office__isnull=True, district__in=directory_districts(user))
        | Q(office__in=own_offices(user))
    )


def get_service_for(user: Any, pk: Any) -> Service:
    return access.get_or_404(
        services_for(user).select_related("district", "office", "service_type", "municipality"),
        pk=pk,
    )


def search_services(
    user: Any,
    *,
    text: str = "",
    service_type: Any = None,
    topic: Any = None,
    language: str = "",
    municipality: Any = None,
    include_inactive: bool = False,
) -> QuerySet[Service]:
    services = services_for(user)
    if not include_inactive:
        services = services.filter(is_active=True)
    for word in text.split():
        services = services.filter(
            Q(organisation__icontains=word) | Q(name__icontains=word) | Q(notes__icontains=word)
        )
    if service_type is not None:
        services = services.filter(service_type=service_type)
    if topic is not None:
        services = services.filter(topics=topic)
    if language:
        # JSON containment is not portable to SQLite; the language list is short.
        services = services.filter(languages__icontains=f'"{language}"')
    if municipality is not None:
        services = services.filter(municipality=municipality)
    return services.select_related("service_type", "municipality", "office").prefetch_related(
        "topics"
    )


def referrals_for(user: Any) -> QuerySet[Referral]:
    return Referral.objects.filter(client__in=clients_for(user))


def get_referral_for(user: Any, pk: Any) -> Referral:
    return access.get_or_404(
        referrals_for(user).select_related("client", "service", "case", "step", "consent"), pk=pk
    )


def appointments_for(user: Any) -> QuerySet[Appointment]:
    """Appointments of the user's offices; those with a client only while the client
    record is reachable (not merged away)."""
    return Appointment.objects.filter(office__in=own_offices(user)).filter(
        Q(client__isnull=True) | Q(client__in=clients_for(user))
    )


def get_appointment_for(user: Any, pk: Any) -> Appointment:
    return access.get_or_404(
        appointments_for(user).select_related("client", "service", "channel", "counsellor"),
        pk=pk,
    )


def follow_ups_for(user: Any) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(client__in=clients_for(user))


def get_follow_up_for(user: Any, pk: Any) -> FollowUp:
    return access.get_or_404(follow_ups_for(user).select_related("client"), pk=pk)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def appointments_between(
    user: Any, first: dt.date, last: dt.date, *, counsellor: Any = None, office: Any = None
) -> QuerySet[Appointment]:
    start, _end = day_bounds(first)
    _start, end = day_bounds(last)
    appointments = appointments_for(user).filter(starts_at__gte=start, starts_at__lt=end)
    if counsellor is not None:
        appointments = appointments.filter(counsellor=counsellor)
    if office is not None:
        appointments = appointments.filter(office=office)
    return appointments.select_related("client", "service", "channel", "counsellor").order_by(
        "starts_at", "pk"
    )


def overdue_feedback(user: Any, today: dt.date) -> QuerySet[Referral]:
    return (
        referrals_for(user)
        .filter(
            status__in=Referral.AWAITING_FEEDBACK,
            feedback_due_on__lt=today,
        )
        .select_related("client", "service")
        .order_by("feedback_due_on")
    )


def open_deadlines(user: Any, until: dt.date) -> QuerySet[AsylumDecision]:
    """Deadlines for legal action not yet dealt with, up to `until` (and every overdue one):
    for the whole office, since a missed one cannot be undone."""
    return (
        AsylumDecision.objects.filter(
            client__in=clients_for(user),
            deadline__isnull=False,
            deadline__lte=until,
            dealt_with_on__isnull=True,
        )
        .select_related("client", "kind")
        .order_by("deadline")
    )


def counselled_by(user: Any, today: dt.date) -> QuerySet[Any]:
    """The user's clients at present: those of an open case they hold or deputise, and
    those they had a contact with in the last six months."""
    held = case_queries.open_cases(user, responsible=user)
    recent = Contact.objects.filter(
        counsellor=user, date__gte=today - dt.timedelta(days=COUNSELLING_DAYS)
    )
    # One list of ids, from the user's few cases and contacts: asked as two conditions,
    # the database would test every client of the offices against both.
    ids = held.values("client").order_by().union(recent.values("client").order_by())
    return clients_for(user).filter(pk__in=ids)


def expiring_residence(user: Any, today: dt.date) -> QuerySet[ResidenceStatus]:
    """Current residence documents of the clients the user counsels that expire within
    the reminder period (or expired without a newer status recorded). An office keeps
    the records of clients counselled years ago, whose documents are nobody's task now."""
    newer = ResidenceStatus.objects.filter(
        client_id=OuterRef("client_id"), valid_from__gt=OuterRef("valid_from")
    )
    return (
        ResidenceStatus.objects.filter(
            client__in=counselled_by(user, today),
            valid_until__isnull=False,
            valid_until__lte=today + dt.timedelta(days=RESIDENCE_REMINDER_DAYS),
        )
        .exclude(Exists(newer))
        .select_related("client", "status")
        .order_by("valid_until")
    )


@dataclass
class MyDay:
    """The counsellor's start page: everything due, nothing forgotten."""

    today: dt.date
    appointments: list[Appointment] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    overdue_feedback: list[Referral] = field(default_factory=list)
    reviews_due: list[case_queries.Due] = field(default_factory=list)
    deadlines: list[AsylumDecision] = field(default_factory=list)
    residence: list[ResidenceStatus] = field(default_factory=list)
    time_limits: list[Case] = field(default_factory=list)
    new_cases: list[Case] = field(default_factory=list)
    new_referrals: list[Referral] = field(default_factory=list)

    @property
    def clients_shown(self) -> list[Any]:
        """Every client record named on the page (for the audit event of the listing)."""
        shown = [a.client for a in self.appointments if a.client is not None]
        shown += [f.client for f in self.follow_ups] + [r.client for r in self.overdue_feedback]
        shown += [d.case.client for d in self.reviews_due] + [d.client for d in self.deadlines]
        shown += [r.client for r in self.residence] + [c.client for c in self.time_limits]
        shown += [c.client for c in self.new_cases] + [r.client for r in self.new_referrals]
        return list({c.pk: c for c in shown}.values())


def my_day(user: Any, today: dt.date | None = None) -> MyDay:
    today = today or timezone.localdate()
    seen = user.assignments_seen_at
    new_since = Q(assigned_at__gt=seen) if seen else Q()
    return MyDay(
        today=today,
        appointments=list(appointments_between(user, today, today, counsellor=user)),
        follow_ups=list(
            follow_ups_for(user)
            .filter(assigned_to=user, done_on__isnull=True, due_on__lte=today)
            .select_related("client", "case", "goal", "referral__service")
        ),
        overdue_feedback=list(overdue_feedback(user, today).filter(counsellor=user)),
        reviews_due=case_queries.reviews_due(user, today, responsible=user),
        deadlines=list(open_deadlines(user, today + dt.timedelta(days=DEADLINE_HORIZON_DAYS))),
        residence=list(expiring_residence(user, today)),
        time_limits=case_queries.near_time_limit(user, today, responsible=user),
        new_cases=list(
            case_queries.cases_for(user)
            .filter(new_since, counsellor=user, assigned_by__isnull=False)
            .exclude(assigned_by=user)
            .exclude(phase=Phase.CLOSED)
            .select_related("client", "programme", "assigned_by")
        ),
        new_referrals=list(
            referrals_for(user)
            .filter(new_since, counsellor=user, assigned_by__isnull=False)
            .exclude(assigned_by=user)
            .exclude(status=Referral.Status.CLOSED)
            .select_related("client", "service", "assigned_by")
        ),
    )


def client_network(user: Any, client: Any) -> dict[str, Any]:
    """The network parts of a client file: referrals, coming appointments, open follow-ups."""
    now = timezone.now()
    return {
        "referrals": list(
            referrals_for(user).filter(client=client).select_related("service", "counsellor")
        ),
        "appointments": list(
            appointments_for(user)
            .filter(client=client, starts_at__gte=now - dt.timedelta(hours=12))
            .select_related("counsellor", "service")[:20]
        ),
        "follow_ups": list(
            follow_ups_for(user)
            .filter(client=client, done_on__isnull=True)
            .select_related("assigned_to", "case", "goal", "referral__service")
        ),
    }
