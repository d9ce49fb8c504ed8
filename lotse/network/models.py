"""The network around an office: the service directory, referrals to those services,
appointments, follow-ups (Wiedervorlagen) and the personal calendar feed.

Directory entries are not personal data: a shared entry belongs to a district and is
seen by every office there, a private one belongs to one office. Referrals, appointments
and follow-ups belong to a client's file (appointments may also be with a service only)
and are read and written only through `network.queries` and `network.services`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lotse.cases.models import Case, Goal, Step
from lotse.clients.lib import codes
from lotse.clients.models import Client, Consent, HouseholdMember, PersonalRecord, term_field
from lotse.core.models import Term
from lotse.organisations.models import District, Municipality, Office

V = Term.Vocabulary


class Service(models.Model):
    """An entry of the service directory: an offer of an organisation in the network."""

    district = models.ForeignKey(
        District, models.PROTECT, related_name="services", verbose_name=_("district")
    )
    office = models.ForeignKey(
        Office,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="private_services",
        verbose_name=_("private to office"),
        help_text=_("Empty: shared with every office in the district."),
    )
    organisation = models.CharField(_("organisation"), max_length=200)
    name = models.CharField(_("offer"), max_length=200)
    service_type = term_field(V.SERVICE_TYPE, _("service type"))
    topics = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to={"vocabulary": V.TOPIC, "is_active": True},
        verbose_name=_("topics"),
    )
    languages = models.JSONField(
        _("languages offered"), default=list, blank=True, help_text=_("ISO 639 codes")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True, max_length=1000)
    accessibility = models.TextField(_("accessibility"), blank=True, max_length=1000)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "organisation", "name", "address"],
                condition=Q(office__isnull=True),
                name="service_unique_shared",
            ),
            models.UniqueConstraint(
                fields=["office", "organisation", "name", "address"],
                condition=Q(office__isnull=False),
                name="service_unique_private",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.name}"

    def audit_scope(self) -> dict[str, int | None]:
        return {"office_id": self.office_id, "district_id": self.district_id}

    def language_names(self) -> list[str]:
        return [codes.language_name(code, "de") for code in self.languages]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        unknown = [c for c in self.languages if not codes.is_language(c)]
        if unknown:
            errors["languages"] = _("Unknown language code: %(codes)s") % {
                "codes": ", ".join(unknown)
            }
        if self.office is not None and self.office.district_id != self.district_id:
            errors["office"] = _("A private entry belongs to the district of its office.")
        if self.municipality is not None and self.municipality.district_id != self.district_id:
            errors["municipality"] = _("The municipality lies in another district.")
        if errors:
            raise ValidationError(errors)


class Referral(PersonalRecord, models.Model):
    """A client referred (or only recommended) to a service, and what came of it.

    A referral passes personal data to the service and needs a consent in force that
    names the recipient and the purpose; a recommendation passes nothing: the client is
    told about the service and goes there alone.
    """

    class Kind(models.TextChoices):
        REFERRAL = "referral", _("referral with data passed on")
        RECOMMENDATION = "recommendation", _("anonymous recommendation")

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("suggested")
        MADE = "made", _("made")
        ACCEPTED = "accepted", _("accepted by the service")
        ATTENDED = "attended", _("attended")
        NOT_ATTENDED = "not_attended", _("not attended")
        FEEDBACK = "feedback", _("feedback received")
        CLOSED = "closed", _("closed")

    NEEDS_CONSENT = _(
        "Personal data may only be passed on with a consent in force that names the "
        "recipient and the purpose. Without one, record an anonymous recommendation."
    )

    # Feedback is still awaited in these: an overdue date makes the referral due.
    AWAITING_FEEDBACK = (
        Status.SUGGESTED,
        Status.MADE,
        Status.ACCEPTED,
        Status.ATTENDED,
        Status.NOT_ATTENDED,
    )

    client = models.ForeignKey(
        Client, models.PROTECT, related_name="referrals", verbose_name=_("client")
    )
    service = models.ForeignKey(
        Service, models.PROTECT, related_name="referrals", verbose_name=_("service")
    )
    case = models.ForeignKey(
        Case,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("case"),
    )
    step = models.ForeignKey(
        Step,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("plan step"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    consent = models.ForeignKey(
        Consent,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("consent"),
    )
    purpose = models.TextField(_("purpose"), max_length=1000)
    made_on = models.DateField(_("date"))
    accompanied = models.BooleanField(_("accompanied handover"), default=False)
    feedback_due_on = models.DateField(_("feedback expected by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.SUGGESTED
    )
    feedback_on = models.DateField(_("feedback received on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True, max_length=2000)
    # Each status change with its date and author, oldest first.
    history = models.JSONField(_("history"), default=list, editable=False)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="referrals",
        verbose_name=_("responsible counsellor"),
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now, editable=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, editable=False
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-made_on", "-pk"]
        indexes = [
            models.Index(fields=["counsellor", "status"], name="referral_counsellor_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="recommendation") | Q(consent__isnull=False),
                name="referral_needs_consent",
            ),
            models.CheckConstraint(
                condition=Q(kind="referral") | Q(consent__isnull=True),
                name="recommendation_has_no_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.made_on:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    def history_display(self) -> list[tuple[dt.date, str]]:
        return [
            (dt.date.fromisoformat(entry["on"]), str(self.Status(entry["status"]).label))
            for entry in self.history
        ]

    def feedback_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status in self.AWAITING_FEEDBACK
            and self.feedback_due_on is not None
            and self.feedback_due_on < today
        )

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.made_on and self.made_on > timezone.localdate():
            errors["made_on"] = _("This date lies in the future.")
        if self.feedback_due_on and self.made_on and self.feedback_due_on < self.made_on:
            errors["feedback_due_on"] = _("Feedback cannot be due before the referral.")
        if self.case is not None and self.case.client_id != self.client_id:
            errors["case"] = _("The case belongs to another client.")
        if self.step is not None and self.step.goal.case_id != self.case_id:
            errors["step"] = _("The step belongs to another case.")
        if self.kind == self.Kind.REFERRAL and self.consent_id is None:
            errors["consent"] = self.NEEDS_CONSENT
        if self.status == self.Status.FEEDBACK and not self.feedback_on:
            self.feedback_on = timezone.localdate()  # feedback recorded as it comes
        if self.status == self.Status.CLOSED and not self.outcome.strip():
            errors["outcome"] = _("Describe the outcome before closing.")
        if errors:
            raise ValidationError(errors)


class Appointment(models.Model):
    """An appointment of a counsellor with a client (and household members), a service,
    or both."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        MISSED = "missed", _("client did not come")
        CANCELLED = "cancelled", _("cancelled")

    office = models.ForeignKey(
        Office, models.PROTECT, related_name="appointments", verbose_name=_("office")
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="appointments",
        verbose_name=_("counsellor"),
    )
    client = models.ForeignKey(
        Client,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("client"),
    )
    household_members = models.ManyToManyField(
        HouseholdMember, blank=True, related_name="appointments", verbose_name=_("with")
    )
    service = models.ForeignKey(
        Service,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("service"),
    )
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=45,
        validators=[MinValueValidator(5), MaxValueValidator(720)],
    )
    channel = term_field(V.CHANNEL, _("channel"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    interpreter_language = models.CharField(
        _("interpreter needed for"),
        max_length=3,
        blank=True,
        help_text=_("ISO 639 code; empty if no interpreter is needed."),
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["counsellor", "starts_at"], name="appointment_counsellor_idx"),
            models.Index(fields=["office", "starts_at"], name="appointment_office_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=False) | Q(service__isnull=False),
                name="appointment_client_or_service",
            )
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    def audit_label(self) -> str:
        return f"appointment {self.pk}"

    def audit_scope(self) -> dict[str, int | None]:
        return {"office_id": self.office_id}

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def interpreter_language_name(self) -> str:
        if not self.interpreter_language:
            return ""
        return codes.language_name(self.interpreter_language, (get_language() or "de")[:2])

    def initials(self) -> str:
        """All a calendar outside Lotse may learn about the client: the initials."""
        if self.client is None:
            return ""
        parts = (self.client.given_names.split()[:1], self.client.family_name.split()[-1:])
        return " ".join(f"{name[0].upper()}." for words in parts for name in words if name)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.client_id is None and self.service_id is None:
            errors["client"] = _("An appointment is with a client, a service, or both.")
        if self.client is not None and self.client.office_id != self.office_id:
            errors["client"] = _("The client belongs to another office.")
        if self.interpreter_language and not codes.is_language(self.interpreter_language):
            errors["interpreter_language"] = _("Unknown language code.")
        if errors:
            raise ValidationError(errors)


class FollowUp(PersonalRecord, models.Model):
    """A Wiedervorlage: look at a client, case, goal or referral again on a date."""

    client = models.ForeignKey(
        Client, models.CASCADE, related_name="follow_ups", verbose_name=_("client")
    )
    case = models.ForeignKey(
        Case,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("case"),
    )
    goal = models.ForeignKey(
        Goal,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("goal"),
    )
    referral = models.ForeignKey(
        Referral,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("referral"),
    )
    due_on = models.DateField(_("follow up on"))
    note = models.CharField(_("note"), max_length=500)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("for"),
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["assigned_to", "done_on", "due_on"], name="followup_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.due_on:%d.%m.%Y}: {self.note[:60]}"

    @property
    def subject(self) -> Any:
        """What to look at again: the most specific of referral, goal, case, client."""
        return self.referral or self.goal or self.case or self.client

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.case is not None and self.case.client_id != self.client_id:
            errors["case"] = _("The case belongs to another client.")
        if self.goal is not None and self.goal.case.client_id != self.client_id:
            errors["goal"] = _("The goal belongs to another client.")
        if self.referral is not None and self.referral.client_id != self.client_id:
            errors["referral"] = _("The referral belongs to another client.")
        if errors:
            raise ValidationError(errors)


class CalendarFeed(models.Model):
    """A secret address under which a counsellor's calendar program reads their
    appointments. Only a hash of the token is stored; revoking deletes the row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)

    def audit_label(self) -> str:
        return f"calendar feed of user {self.user_id}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
