"""Every write to a case: opening with the programme's eligibility check, phases, time
limit extension, plan changes (versioned, revisioned), agreement, reviews, closure and
reopening. Each takes the acting user, runs in a transaction and is audited."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.cases.models import (
    Agreement,
    Assessment,
    Case,
    Goal,
    Phase,
    PlanRevision,
    Review,
    Step,
    add_months,
)
from lotse.clients.models import Client
from lotse.core import audit
from lotse.core.lib.eligibility import Result, evaluate
from lotse.core.models import Term
from lotse.core.services import audited_save
from lotse.organisations.models import Programme
from lotse.organisations.queries import office_staff


class PlanConflict(Exception):
    """Someone else changed the plan since this user loaded it."""

    def __init__(self, case: Case, changes: list[str]) -> None:
        super().__init__(_("The plan was changed by someone else in the meantime."))
        self.case = case
        self.changes = changes


def client_facts(client: Client, on: dt.date) -> dict[str, Any]:
    """The facts eligibility rules test, as far as the file knows them."""
    facts: dict[str, Any] = {}
    age = client.age_on(on)
    if age is not None:
        facts["age"] = age
    if client.entry_date:
        months = (on.year - client.entry_date.year) * 12 + on.month - client.entry_date.month
        facts["months_since_entry"] = months - (on.day < client.entry_date.day)
    current = [s for s in client.residence_statuses.select_related("status") if s.is_current(on)]
    if current:
        facts["residence_status"] = current[0].status.code
    places = [a for a in client.accommodations.select_related("kind") if a.is_current(on)]
    if places:
        facts["accommodation"] = places[0].kind.code
    return facts


def check_eligibility(client: Client, programme: Programme, on: dt.date | None = None) -> Result:
    on = on or timezone.localdate()
    return evaluate(programme.eligibility_criteria, "case_management", client_facts(client, on))


def open_case(
    actor: Any,
    client: Client,
    programme: Programme,
    *,
    counsellor: Any,
    deputy: Any = None,
    opened_on: dt.date | None = None,
    justification: str = "",
) -> Case:
    """Open a case; where the programme's rules are not met, only with a justification."""
    opened_on = opened_on or timezone.localdate()
    if not client.office.programmes.filter(pk=programme.pk).exists():
        raise ValidationError({"programme": _("This office does not work under this programme.")})
    if client.cases.filter(programme=programme).exclude(phase=Phase.CLOSED).exists():
        raise ValidationError(
            {"programme": _("There is already an open case under this programme.")}
        )
    result = check_eligibility(client, programme, opened_on)
    if result.outcome != "eligible" and not justification.strip():
        raise ValidationError(
            {
                "override_justification": _(
                    "The programme's rules are not met or cannot be checked; a written "
                    "justification is needed to open the case anyway."
                )
            }
        )
    limit = programme.case_management_limit_months
    case = Case(
        client=client,
        programme=programme,
        office=client.office,
        counsellor=counsellor,
        deputy=deputy,
        opened_on=opened_on,
        eligibility=result.outcome,
        eligibility_checks=[{"text": c.text, "met": c.met} for c in result.checks],
        override_justification=justification.strip(),
        limit_until=add_months(opened_on, limit) if limit else None,
        assigned_by=actor,
    )
    with transaction.atomic():
        audited_save(actor, case, personal=True)
        Assessment.objects.create(case=case)
    return case


def save_assessment(actor: Any, assessment: Assessment) -> Assessment:
    return audited_save(actor, assessment, personal=True)


def set_phase(actor: Any, case: Case, phase: str) -> Case:
    if phase == Phase.CLOSED or not case.is_open:
        raise ValidationError(_("Cases are closed and reopened with their own steps."))
    case.phase = phase
    return audited_save(actor, case, personal=True)


def extend_time_limit(actor: Any, case: Case, justification: str) -> Case:
    programme = case.programme
    if not programme.extension_limit_months:
        raise ValidationError(_("This programme does not allow an extension."))
    if programme.extension_requires_justification and not justification.strip():
        raise ValidationError(
            {"extension_justification": _("The extension needs a written justification.")}
        )
    case.limit_until = add_months(case.opened_on, programme.extension_limit_months)
    case.extension_justification = justification.strip()
    return audited_save(actor, case, personal=True, action="cases.case.extended")


def plan_snapshot(case: Case) -> dict[str, Any]:
    goals = case.goals.select_related("field_of_action").prefetch_related("steps")
    return {
        "goals": [
            {
                "id": goal.pk,
                "field_of_action": goal.field_of_action.code,
                "what": goal.what,
                "indicator": goal.indicator,
                "due_on": goal.due_on.isoformat(),
                "priority": goal.priority,
                "status": goal.status,
                "steps": [
                    {
                        "id": step.pk,
                        "actor": step.actor,
                        "service_name": step.service_name,
                        "what": step.what,
                        "due_on": step.due_on.isoformat(),
                        "status": step.status,
                    }
                    for step in goal.steps.all()
                ],
            }
            for goal in goals
        ]
    }


def _lines(snapshot: dict[str, Any]) -> list[str]:
    """A plan as readable lines, for comparing two versions."""
    fields = {
        t.code: t.label for t in Term.objects.filter(vocabulary=Term.Vocabulary.FIELD_OF_ACTION)
    }
    lines = []
    for goal in snapshot.get("goals", []):
        lines.append(
            f"{fields.get(goal['field_of_action'], goal['field_of_action'])}: {goal['what']} "
            f"({goal['indicator']}; {goal['due_on']}; {goal['priority']}; {goal['status']})"
        )
        for step in goal["steps"]:
            lines.append(
                f"    {step['actor']} {step['service_name']}: {step['what']} "
                f"({step['due_on']}; {step['status']})".replace("  :", ":")
            )
    return lines


def compare(older: dict[str, Any], newer: dict[str, Any]) -> list[str]:
    """What changed from one plan version to another, as +/- lines."""
    return [
        line
        for line in difflib.unified_diff(_lines(older), _lines(newer), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def change_plan(
    actor: Any, case: Case, seen_version: int, summary: str, change: Callable[[], object]
) -> PlanRevision:
    """Apply `change` to the plan if nobody changed it since `seen_version`.

    The version is compared and incremented in one UPDATE, so of two concurrent saves
    exactly one wins; the other gets PlanConflict with what changed in between.
    """
    if not case.is_open:
        raise ValidationError(_("A closed case's plan cannot be changed; reopen it first."))
    with transaction.atomic():
        won = Case.objects.filter(pk=case.pk, version=seen_version).update(version=F("version") + 1)
        if not won:
            seen = case.revisions.filter(number=seen_version - 1).first()
            current = plan_snapshot(case)
            raise PlanConflict(case, compare(seen.snapshot if seen else {}, current))
        change()
        case.version = seen_version + 1
        revision = PlanRevision.objects.create(
            case=case,
            number=seen_version,
            author=actor,
            summary=summary[:300],
            snapshot=plan_snapshot(case),
        )
        audit.record(actor, "cases.plan.changed", case, data={"revision": revision.number})
    return revision


def save_goal(actor: Any, case: Case, seen_version: int, goal: Goal) -> PlanRevision:
    goal.case = case
    goal.full_clean()
    summary = _("Goal changed") if goal.pk else _("Goal added")
    return change_plan(actor, case, seen_version, str(summary), goal.save)


def save_step(actor: Any, case: Case, seen_version: int, step: Step) -> PlanRevision:
    if step.goal.case_id != case.pk:
        raise ValidationError({"goal": _("The goal belongs to another case.")})
    step.full_clean()
    summary = _("Step changed") if step.pk else _("Step added")
    return change_plan(actor, case, seen_version, str(summary), step.save)


def record_agreement(
    actor: Any, case: Case, *, on: dt.date, how: str, copy_handed_over: bool = False
) -> Agreement:
    """The client agrees to (or refuses) the current plan; refusing changes nothing else."""
    revision = case.revisions.order_by("-number").first()
    if revision is None:
        raise ValidationError(_("There is no plan to agree on yet."))
    agreement = Agreement(
        case=case,
        revision=revision,
        on=on,
        how=how,
        copy_handed_over=copy_handed_over,
        recorded_by=actor,
    )
    return audited_save(actor, agreement, personal=True)


def record_review(
    actor: Any,
    case: Case,
    goal: Goal,
    *,
    on: dt.date,
    counsellor_score: int,
    client_score: int | None = None,
    comment: str = "",
    at_closure: bool = False,
) -> Review:
    review = Review(
        case=case,
        goal=goal,
        on=on,
        counsellor_score=counsellor_score,
        client_score=client_score,
        comment=comment,
        at_closure=at_closure,
        reviewer=actor,
    )
    return audited_save(actor, review, personal=True)


def close_case(
    actor: Any, case: Case, *, reason: Term, summary: str, on: dt.date | None = None
) -> Case:
    """Close with a reason from the programme's list, after a final review of every goal."""
    errors: dict[str, Any] = {}
    if not case.is_open:
        errors["phase"] = _("The case is already closed.")
    if not case.programme.closure_reasons.filter(pk=reason.pk).exists():
        errors["closure_reason"] = _("This reason is not one of the programme's closure reasons.")
    if not summary.strip():
        errors["closure_summary"] = _("Please write a short summary.")
    unreviewed = case.goals.exclude(reviews__at_closure=True)
    if unreviewed.exists():
        errors["goals"] = _("Every goal needs a final review before the case is closed.")
    on = on or timezone.localdate()
    if on > timezone.localdate() or on < case.opened_on:
        errors["closed_on"] = _("A case is closed between its opening and today.")
    if errors:
        raise ValidationError(errors)
    case.phase = Phase.CLOSED
    case.closed_on = on
    case.closure_reason = reason
    case.closure_summary = summary.strip()
    return audited_save(actor, case, personal=True, action="cases.case.closed")


def reopen_case(actor: Any, case: Case, why: str) -> Case:
    if case.is_open:
        raise ValidationError(_("The case is open."))
    if not why.strip():
        raise ValidationError({"why": _("Please say why the case is reopened.")})
    previous = {"closed_on": case.closed_on, "reason": case.closure_reason_id}
    case.phase, case.closed_on, case.closure_reason = Phase.IMPLEMENTATION, None, None
    data = {"why": why.strip(), **previous}
    return audited_save(actor, case, personal=True, action="cases.case.reopened", data=data)


def reassign_case(actor: Any, case: Case, counsellor: Any, deputy: Any, why: str) -> Case:
    """A team lead gives the case to another counsellor (and deputy) of the office; the
    new counsellor finds it among the new cases on Mein Tag."""
    staff = office_staff(case.office)
    errors: dict[str, Any] = {}
    if not staff.filter(pk=counsellor.pk).exists():
        errors["counsellor"] = _("Only a counsellor of the case's office can take it over.")
    if deputy is not None and not staff.filter(pk=deputy.pk).exists():
        errors["deputy"] = _("Only a counsellor of the case's office can be the deputy.")
    if deputy is not None and deputy.pk == counsellor.pk:
        errors["deputy"] = _("The deputy must be someone else.")
    if not why.strip():
        errors["why"] = _("Please say why the case is reassigned.")
    if errors:
        raise ValidationError(errors)
    previous = {"counsellor": case.counsellor_id, "deputy": case.deputy_id}
    if case.counsellor_id != counsellor.pk:
        case.assigned_at, case.assigned_by = timezone.now(), actor
    case.counsellor, case.deputy = counsellor, deputy
    data = {"why": why.strip(), **previous}
    return audited_save(actor, case, personal=True, action="cases.case.reassigned", data=data)
