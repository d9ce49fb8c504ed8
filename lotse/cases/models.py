"""Case management: a case under a programme, its assessment, the integration plan
(goals per field of action, steps), plan revisions, the voluntary agreement, reviews by
goal attainment scaling, and closure.

Programme rules (eligibility, time limit, extension, review interval, closure reasons)
are read from `organisations.Programme`; no code here names a programme.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.clients.models import Client, PersonalRecord, term_field
from lotse.core.models import Term
from lotse.organisations.models import Office, Programme

V = Term.Vocabulary


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - unreachable


class CaseRecord(PersonalRecord):
    """Part of a case: audited under the case's office."""

    case: Case

    def audit_scope(self) -> dict[str, int | None]:
        return {"office_id": self.case.office_id}


class Phase(models.TextChoices):
    INTAKE = "intake", _("intake")
    ASSESSMENT = "assessment", _("assessment")
    PLANNING = "planning", _("planning")
    IMPLEMENTATION = "implementation", _("implementation and monitoring")
    EVALUATION = "evaluation", _("evaluation")
    CLOSED = "closed", _("closed")


class CaseQuerySet(models.QuerySet["Case"]):
    def open_during(self, start: dt.date, end: dt.date) -> CaseQuerySet:
        """Cases open on at least one day from `start` to `end`."""
        return self.filter(opened_on__lte=end).filter(
            models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=start)
        )

    def open_on(self, day: dt.date) -> CaseQuerySet:
        """Cases open on `day` (a case closed on a day no longer counts on it)."""
        return self.filter(opened_on__lte=day).filter(
            models.Q(closed_on__isnull=True) | models.Q(closed_on__gt=day)
        )


class Case(PersonalRecord, models.Model):
    client = models.ForeignKey(
        Client, models.PROTECT, related_name="cases", verbose_name=_("client")
    )
    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="cases", verbose_name=_("programme")
    )
    office = models.ForeignKey(
        Office, models.PROTECT, related_name="cases", verbose_name=_("office")
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="cases",
        verbose_name=_("responsible counsellor"),
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="deputy_cases",
        verbose_name=_("deputy"),
    )
    # When and by whom the responsible counsellor was last set: new on their Mein Tag.
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now, editable=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, editable=False
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.INTAKE)
    opened_on = models.DateField(_("opened on"))
    # The eligibility check as it was when the case was opened, with the reasons.
    eligibility = models.CharField(_("eligibility"), max_length=20)
    eligibility_checks = models.JSONField(_("eligibility checks"), default=list, blank=True)
    override_justification = models.TextField(_("justification for opening anyway"), blank=True)
    limit_until = models.DateField(_("time limit"), null=True, blank=True)
    extension_justification = models.TextField(_("justification for the extension"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = term_field(V.CLOSURE_REASON, _("closure reason"), null=True, blank=True)
    closure_summary = models.TextField(_("summary"), blank=True)
    # Optimistic locking of the plan: every plan change increments it.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on"]
        indexes = [
            models.Index(fields=["office", "phase"], name="case_office_phase_idx"),
            models.Index(fields=["counsellor", "phase"], name="case_counsellor_phase_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.opened_on:%d.%m.%Y}"

    def audit_scope(self) -> dict[str, int | None]:
        return {"office_id": self.office_id}

    @property
    def is_open(self) -> bool:
        return self.phase != Phase.CLOSED

    def limit_warning(self, today: dt.date | None = None) -> bool:
        """Within the programme's warning period before the time limit (or past it)."""
        if self.limit_until is None or not self.is_open:
            return False
        today = today or timezone.localdate()
        warn_from = add_months(self.limit_until, -self.programme.limit_warning_months)
        return today >= warn_from

    def next_review_due(self, last_review: dt.date | None) -> dt.date | None:
        if not self.is_open:
            return None
        start = last_review or self.opened_on
        return add_months(start, self.programme.review_interval_months)


class Assessment(CaseRecord, models.Model):
    """The profile drawn up in the assessment phase."""

    case = models.OneToOneField(Case, models.CASCADE, related_name="assessment")
    school_years = models.PositiveSmallIntegerField(
        _("years of schooling"), null=True, blank=True, validators=[MaxValueValidator(30)]
    )
    school_country = models.CharField(_("country of schooling"), max_length=10, blank=True)
    last_school = models.CharField(_("last school attended"), max_length=200, blank=True)
    degrees = models.TextField(
        _("vocational and academic degrees, with recognition status"), blank=True
    )
    competences = models.TextField(_("competences"), blank=True)
    work_experience = models.TextField(_("work experience"), blank=True)
    language_levels = models.TextField(_("language levels (CEFR) and certificates"), blank=True)
    developments = models.TextField(_("individual developments"), blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return str(self.case)


class Goal(CaseRecord, models.Model):
    """A SMART goal of the plan in one field of action."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACHIEVED = "achieved", _("achieved")
        PARTLY = "partly", _("partly achieved")
        NOT_ACHIEVED = "not_achieved", _("not achieved")
        DROPPED = "dropped", _("dropped")

    case = models.ForeignKey(Case, models.CASCADE, related_name="goals")
    field_of_action = term_field(V.FIELD_OF_ACTION, _("field of action"))
    what = models.TextField(_("what is to be achieved"), max_length=1000)
    indicator = models.TextField(_("how we will know"), max_length=1000)
    due_on = models.DateField(_("by when"))
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=2, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.OPEN
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["priority", "due_on", "pk"]

    def __str__(self) -> str:
        return self.what[:80]


class Step(PersonalRecord, models.Model):
    class Actor(models.TextChoices):
        CLIENT = "client", _("client")
        COUNSELLOR = "counsellor", _("counsellor")
        SERVICE = "service", _("another service")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    goal = models.ForeignKey(Goal, models.CASCADE, related_name="steps")
    actor = models.CharField(_("who"), max_length=12, choices=Actor.choices)
    service_name = models.CharField(_("which service"), max_length=200, blank=True)
    what = models.TextField(_("what"), max_length=1000)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.what[:80]

    def audit_scope(self) -> dict[str, int | None]:
        return {"office_id": self.goal.case.office_id}

    def clean(self) -> None:
        if self.actor == self.Actor.SERVICE and not self.service_name.strip():
            raise ValidationError({"service_name": _("Name the service.")})


class PlanRevision(CaseRecord, models.Model):
    """The whole plan as it was after a change: history, comparison, what was agreed."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("who")
    )
    summary = models.CharField(_("change"), max_length=300)
    snapshot = models.JSONField(_("plan"))

    class Meta:
        verbose_name = _("plan revision")
        verbose_name_plural = _("plan revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="plan_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.summary}"


class Agreement(CaseRecord, models.Model):
    """The voluntary integration agreement on a plan revision, or its refusal."""

    class How(models.TextChoices):
        WRITTEN = "written", _("signed in writing")
        ORAL = "oral", _("agreed orally, documented")
        REFUSED = "refused", _("refused by the client")

    case = models.ForeignKey(Case, models.CASCADE, related_name="agreements")
    revision = models.ForeignKey(
        PlanRevision, models.PROTECT, related_name="+", verbose_name=_("plan revision")
    )
    on = models.DateField(_("date"))
    how = models.CharField(_("how"), max_length=10, choices=How.choices)
    copy_handed_over = models.BooleanField(_("copy handed over"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_how_display()} {self.on:%d.%m.%Y}"

    def clean(self) -> None:
        if self.on and self.on > timezone.localdate():
            raise ValidationError({"on": _("This date lies in the future.")})
        if self.how == self.How.REFUSED and self.copy_handed_over:
            raise ValidationError({"copy_handed_over": _("A refused plan is not handed over.")})


class Review(CaseRecord, models.Model):
    """Goal attainment scaling: −2 much less … +2 much more than expected."""

    SCALE = [
        (-2, _("much less than expected")),
        (-1, _("less than expected")),
        (0, _("as expected")),
        (1, _("more than expected")),
        (2, _("much more than expected")),
    ]

    case = models.ForeignKey(Case, models.CASCADE, related_name="reviews")
    goal = models.ForeignKey(Goal, models.CASCADE, related_name="reviews")
    on = models.DateField(_("date"))
    counsellor_score = models.SmallIntegerField(_("rated by the counsellor"), choices=SCALE)
    client_score = models.SmallIntegerField(
        _("rated by the client"), choices=SCALE, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    at_closure = models.BooleanField(_("final review"), default=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.goal} {self.on:%d.%m.%Y}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.on and self.on > timezone.localdate():
            errors["on"] = _("This date lies in the future.")
        if self.goal_id and self.case_id and self.goal.case_id != self.case_id:
            errors["goal"] = _("The goal belongs to another case.")
        if errors:
            raise ValidationError(errors)
