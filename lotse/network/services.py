"""Every write of the network: directory entries (also as CSV), referrals, appointments,
follow-ups and calendar feeds. Each validates, saves in a transaction and leaves an
audit event; nothing personal goes into the log's values."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.clients.models import HouseholdMember
from lotse.core import audit
from lotse.core.audit import Actor
from lotse.core.lib.tables import Table
from lotse.core.models import Term
from lotse.core.services import audited_save
from lotse.core.terms import Vocabulary
from lotse.network.models import Appointment, CalendarFeed, FollowUp, Referral, Service
from lotse.network.queries import appointments_for
from lotse.organisations.models import District, Municipality, Office

V = Term.Vocabulary


def save_service(actor: Actor, service: Service, topics: Iterable[Term]) -> Service:
    return audited_save(actor, service, m2m={"topics": list(topics)})


# --- the directory as CSV -------------------------------------------------------------

# Column name → model field; service type and topics by code or label, languages as
# ISO 639 codes and the municipality by its official key, each list separated by "|".
CSV_COLUMNS = [
    "organisation",
    "name",
    "service_type",
    "topics",
    "languages",
    "address",
    "municipality_ags",
    "contact_person",
    "phone",
    "email",
    "website",
    "opening_hours",
    "accessibility",
    "notes",
]
REQUIRED_COLUMNS = {"organisation", "name", "service_type"}
PLAIN_COLUMNS = [
    "organisation",
    "name",
    "address",
    "contact_person",
    "phone",
    "email",
    "website",
    "opening_hours",
    "accessibility",
    "notes",
]


def service_row(s: Service, topics: Iterable[Term]) -> list[str]:
    return [
        s.organisation,
        s.name,
        s.service_type.code,
        "|".join(t.code for t in topics),
        "|".join(s.languages),
        s.address,
        s.municipality.ags if s.municipality else "",
        s.contact_person,
        s.phone,
        s.email,
        s.website,
        s.opening_hours,
        s.accessibility,
        s.notes,
    ]


def service_rows(services: Iterable[Service]) -> Iterable[list[str]]:
    for s in services:
        yield service_row(s, s.topics.all())


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (line of the file, message)
    errors: list[tuple[int, str]] = field(default_factory=list)


def import_services(
    actor: Actor, table: Table, district: District, office: Office | None = None
) -> ImportReport:
    """Add or update directory entries from a table, all rows or none.

    An entry is the same when organisation, offer and address are the same, so
    importing a file again changes nothing.
    """
    report = ImportReport()
    missing = REQUIRED_COLUMNS - set(table.header)
    unknown = set(table.header) - set(CSV_COLUMNS)
    if missing or unknown:
        if missing:
            report.errors.append((1, _("Missing columns: %s") % ", ".join(sorted(missing))))
        if unknown:
            report.errors.append((1, _("Unknown columns: %s") % ", ".join(sorted(unknown))))
        return report
    types, topics = Vocabulary(V.SERVICE_TYPE), Vocabulary(V.TOPIC)
    municipalities = {m.ags: m for m in Municipality.objects.filter(district=district)}
    existing = {
        (s.organisation, s.name, s.address): s
        for s in Service.objects.filter(district=district, office=office)
    }
    planned: list[tuple[Service, list[Term], bool]] = []
    seen: set[tuple[str, str, str]] = set()
    for line, row in table.rows:
        problems: list[str] = []
        key = (row.get("organisation", ""), row.get("name", ""), row.get("address", ""))
        if key in seen:
            report.errors.append((line, _("The same entry appears twice in the file.")))
            continue
        seen.add(key)
        service = existing.get(key) or Service(district=district, office=office)
        before = service_row(service, service.topics.all()) if service.pk else None
        for column in PLAIN_COLUMNS:
            setattr(service, column, row.get(column, ""))
        service_type = types.find(row.get("service_type", ""))
        if service_type is None:
            problems.append(_("Unknown service type “%s”.") % row.get("service_type", ""))
        else:
            service.service_type = service_type
        row_topics = []
        for text in _split(row.get("topics", "")):
            topic = topics.find(text)
            if topic is None:
                problems.append(_("Unknown topic “%s”.") % text)
            else:
                row_topics.append(topic)
        service.languages = [code.lower() for code in _split(row.get("languages", ""))]
        ags = row.get("municipality_ags", "")
        service.municipality = municipalities.get(ags) if ags else None
        if ags and service.municipality is None:
            problems.append(_("No municipality with the key %s in this district.") % ags)
        if not problems:
            try:
                service.full_clean()
            except ValidationError as error:
                problems += [f"{name}: {' '.join(msgs)}" for name, msgs in _messages(error)]
        if problems:
            report.errors.extend((line, problem) for problem in problems)
            continue
        changed = before != service_row(service, row_topics)
        planned.append((service, row_topics, changed))
    if report.errors:
        return report
    with transaction.atomic():
        for service, row_topics, changed in planned:
            if service.pk is None:
                report.created += 1
            elif changed:
                report.updated += 1
            else:
                report.unchanged += 1
                continue
            save_service(actor, service, row_topics)
    return report


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split("|") if part.strip()]


def _messages(error: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(error, "error_dict"):
        return list(error.message_dict.items())
    return [("", list(error.messages))]


# --- referrals -------------------------------------------------------------------------


def consent_problem(referral: Referral, day: dt.date | None = None) -> str | None:
    """Why personal data may not go to the service, or None when the consent covers it."""
    consent = referral.consent
    if consent is None:
        return str(Referral.NEEDS_CONSENT)
    if consent.client_id != referral.client_id:
        return _("The consent belongs to another client.")
    if not consent.in_force(day):
        return _("This consent is not in force (withdrawn, expired or not yet given).")
    if not consent.names_recipient(referral.service.organisation):
        return _("The consent does not name “%(recipient)s” among its recipients.") % {
            "recipient": referral.service.organisation
        }
    return None


def _note_status(actor: Actor, referral: Referral) -> None:
    referral.history = [
        *referral.history,
        {
            "status": referral.status,
            "on": timezone.localdate().isoformat(),
            "by": getattr(actor, "pk", None),
        },
    ]


def make_referral(actor: Actor, referral: Referral) -> Referral:
    """Record a referral (after checking the consent) or an anonymous recommendation."""
    if referral.kind == Referral.Kind.REFERRAL:
        problem = consent_problem(referral)
        if problem:
            raise ValidationError({"consent": problem})
    else:
        referral.consent = None
    referral.assigned_by = actor  # type: ignore[assignment]
    referral.assigned_at = timezone.now()
    _note_status(actor, referral)
    return audited_save(actor, referral, personal=True)


def update_referral(actor: Actor, referral: Referral) -> Referral:
    """A new status, feedback or outcome. Passing data on again needs the consent still
    in force: a withdrawn consent stops the referral at once."""
    stored = Referral.objects.get(pk=referral.pk)
    if stored.status == Referral.Status.CLOSED:
        raise ValidationError({"status": _("A closed referral cannot be changed.")})
    sharing = (Referral.Status.MADE, Referral.Status.ACCEPTED)
    if (
        referral.kind == Referral.Kind.REFERRAL
        and referral.status != stored.status
        and referral.status in sharing
    ):
        problem = consent_problem(referral)
        if problem:
            raise ValidationError({"status": problem})
    if referral.status != stored.status:
        _note_status(actor, referral)
    return audited_save(actor, referral, personal=True)


# --- appointments and follow-ups -------------------------------------------------------


def save_appointment(
    actor: Actor, appointment: Appointment, household_members: Iterable[HouseholdMember] = ()
) -> Appointment:
    members = list(household_members)
    if any(m.client_id != appointment.client_id for m in members):
        raise ValidationError({"household_members": _("Only members of this household.")})
    if appointment.pk is None:
        appointment.created_by = actor
    return audited_save(actor, appointment, m2m={"household_members": members}, personal=True)


def save_follow_up(actor: Actor, follow_up: FollowUp) -> FollowUp:
    if follow_up.pk is None:
        follow_up.created_by = actor
    return audited_save(actor, follow_up, personal=True)


def complete_follow_up(actor: Actor, follow_up: FollowUp) -> FollowUp:
    follow_up.done_on = timezone.localdate()
    return audited_save(actor, follow_up, personal=True, action="network.followup.done")


def acknowledge_assignments(actor: Any) -> None:
    """The user has seen their new cases and referrals: Mein Tag stops listing them."""
    actor.assignments_seen_at = timezone.now()
    actor.save(update_fields=["assignments_seen_at"])


# --- the calendar feed -----------------------------------------------------------------

FEED_PAST_DAYS = 31
FEED_FUTURE_DAYS = 366


def create_feed(actor: Any) -> str:
    """A new secret feed address for the user (any earlier one stops working).
    Returns the token, which is shown once and stored only as a hash."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(user=actor).delete()
        feed = CalendarFeed.objects.create(user=actor, token_hash=CalendarFeed.hash(token))
        audit.record(actor, "network.calendarfeed.created", feed)
    return token


def revoke_feed(actor: Any) -> bool:
    with transaction.atomic():
        feed = CalendarFeed.objects.filter(user=actor).first()
        if feed is None:
            return False
        audit.record(actor, "network.calendarfeed.revoked", feed)
        feed.delete()
    return True


def feed_for_token(token: str) -> CalendarFeed | None:
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=CalendarFeed.hash(token), user__is_active=True)
        .first()
    )


def feed_appointments(feed: CalendarFeed) -> list[Appointment]:
    """The user's appointments around today, in offices where they still work."""
    today = timezone.localdate()
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    until = timezone.now() + dt.timedelta(days=FEED_FUTURE_DAYS)
    appointments = list(
        appointments_for(feed.user)
        .filter(counsellor=feed.user, starts_at__gte=since, starts_at__lt=until)
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("client")
    )
    with transaction.atomic():
        feed.last_read_at = timezone.now()
        feed.save(update_fields=["last_read_at"])
        audit.record(
            feed.user,
            "network.calendarfeed.read",
            feed,
            data={"appointments": len(appointments), "on": today},
        )
    return appointments
