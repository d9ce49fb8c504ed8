"""Every write of structural work: log entries, the volunteer register and matches.
Each validates, saves in a transaction and leaves an audit event; volunteers and
matches are personal data, so the log lists their changed fields without values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lotse.core.audit import Actor
from lotse.core.services import audited_save
from lotse.structural.models import POLICE_CERTIFICATE_YEARS, Activity, Match, Volunteer


def save_activity(actor: Actor, activity: Activity) -> Activity:
    if activity.pk is None:
        activity.recorded_by = actor
    return audited_save(actor, activity)


def save_volunteer(actor: Actor, volunteer: Volunteer) -> Volunteer:
    return audited_save(actor, volunteer, personal=True)


def certificate_problem(volunteer: Volunteer, day: dt.date) -> str | None:
    """Why the volunteer's police certificate does not cover `day`, or None."""
    if volunteer.police_certificate_on is None:
        return _("No extended police certificate is recorded for this volunteer.")
    if not volunteer.police_certificate_current(day):
        return _(
            "The extended police certificate of %(date)s is not current on %(day)s "
            "(it counts for %(years)d years); ask the volunteer for a new one."
        ) % {
            "date": date_format(volunteer.police_certificate_on, "SHORT_DATE_FORMAT"),
            "day": date_format(day, "SHORT_DATE_FORMAT"),
            "years": POLICE_CERTIFICATE_YEARS,
        }
    return None


def match_problems(match: Match, today: dt.date | None = None) -> dict[str, list[str]]:
    """Everything that stops a volunteer from being matched to the client, by form field.

    The consent must belong to the client, be in force on the first day and name the
    volunteer among its recipients: the data go to that person. The volunteer must be
    active, of the client's office, and have a police certificate current on the first
    day of the match (and today, for a match recorded afterwards).
    """
    today = today or timezone.localdate()
    problems: dict[str, list[str]] = {}

    def add(field: str, message: Any) -> None:
        problems.setdefault(field, []).append(str(message))

    for field, message in match.structure_errors().items():
        add(field, message)
    if match.volunteer_id is not None:
        volunteer = match.volunteer
        if not volunteer.is_active:
            add("volunteer", _("This volunteer is no longer active."))
        day = max(today, match.starts_on) if match.starts_on else today
        problem = certificate_problem(volunteer, day)
        if problem:
            add("volunteer", problem)
    consent = match.consent if match.consent_id is not None else None
    if consent is None:
        add(
            "consent",
            _(
                "A volunteer learns about the client only with a consent in force that "
                "names the volunteer. Record the consent first."
            ),
        )
    elif "consent" not in problems:
        if match.starts_on and not consent.in_force(match.starts_on):
            add(
                "consent",
                _("This consent is not in force on %(day)s (withdrawn, expired or not yet given).")
                % {"day": date_format(match.starts_on, "SHORT_DATE_FORMAT")},
            )
        if match.volunteer_id is not None and not consent.names_recipient(
            match.volunteer.full_name
        ):
            add(
                "consent",
                _(
                    "The consent does not name “%(recipient)s” among its recipients. "
                    "The client must agree to this person receiving their data."
                )
                % {"recipient": match.volunteer.full_name},
            )
    return problems


def make_match(actor: Actor, match: Match) -> Match:
    """Match a volunteer to a client after checking consent, office and certificate."""
    problems = match_problems(match)
    if problems:
        raise ValidationError(problems)
    match.ends_on = None
    match.created_by = actor  # type: ignore[assignment]
    return audited_save(actor, match, personal=True)


def end_match(actor: Actor, match: Match, on: dt.date | None = None) -> Match:
    """End the match today (a match that has not begun yet ends on its first day)."""
    if match.ends_on is not None:
        raise ValidationError(_("This match has already ended."))
    on = on or timezone.localdate()
    match.ends_on = max(on, match.starts_on)
    return audited_save(actor, match, personal=True, action="structural.match.ended")
