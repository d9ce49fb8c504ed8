"""Report templates (data, not code) and the runs that build reports from them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lotse.core.lib.suppression import DEFAULT_THRESHOLD
from lotse.organisations.models import Programme


def _sections_valid(value: Any) -> None:
    from lotse.reports.figures import FIGURES

    if not isinstance(value, list) or not value:
        raise ValidationError(_("List at least one figure."))
    unknown = [code for code in value if code not in FIGURES]
    if unknown:
        raise ValidationError(
            _("Unknown figures: %(codes)s. Known: %(known)s."),
            params={"codes": ", ".join(map(str, unknown)), "known": ", ".join(FIGURES)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A figure is listed twice."))


class ReportTemplate(models.Model):
    """What a funder asks for: a programme's report as a list of figure codes."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="report_templates", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=200)
    due = models.CharField(_("due"), max_length=100, blank=True)
    threshold = models.PositiveSmallIntegerField(
        _("smallest count shown"),
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Counts from 1 to one below this are withheld (5 unless the funder says otherwise)."
        ),
    )
    sections = models.JSONField(
        _("figures"),
        validators=[_sections_valid],
        help_text=_("The figure codes in the order of the report."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        ordering = ["programme__short_name", "title"]

    def __str__(self) -> str:
        return self.title


class ReportRun(models.Model):
    """One report built for a scope and period; kept so exports show what the page showed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    template = models.ForeignKey(
        ReportTemplate, models.PROTECT, related_name="runs", verbose_name=_("report")
    )
    level = models.CharField(_("level"), max_length=10)
    unit_id = models.PositiveBigIntegerField(_("unit"))  # office, provider, district or state
    unit_label = models.CharField(_("scope"), max_length=300)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    result = models.JSONField(_("report"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="de")
    seconds = models.FloatField(_("time to build (s)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.template} – {self.unit_label}, {self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"

    @property
    def is_busy(self) -> bool:
        """Queued or being built: the page shows its progress."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


def _copied(to: Any, *, null: bool = False) -> Any:
    """A reference copied into the reporting store from a record or a case: no constraint
    and no index of its own (the store's indexes are in each table's Meta.indexes)."""
    return models.ForeignKey(
        to, models.DO_NOTHING, null=null, related_name="+", db_constraint=False, db_index=False
    )


class Stored(models.Model):
    """What every row of the reporting store (`lotse/reports/store.py`) holds besides the
    record it stands for: the programme it counts for (none: no case was open on its
    day), its office and day."""

    programme = _copied(Programme, null=True)
    office = _copied("organisations.Office")
    date = models.DateField()

    class Meta:
        abstract = True


class CountedRow(Stored):
    """A row of the store that stands for a contact."""

    contact = models.ForeignKey(
        "counselling.Contact",
        models.CASCADE,
        related_name="+",
        verbose_name=_("contact"),
        db_index=False,  # the unique constraint's index begins with it
    )

    class Meta:
        abstract = True


class CountedContact(CountedRow):
    """A contact as the programme reports count it: one row per programme of a case the
    client had open on the contact's day, or one row without a programme when no case was
    open. What the figures count by is repeated here, so a report reads this one narrow
    table instead of joining contacts to cases."""

    client = _copied("clients.Client", null=True)
    kind = _copied("core.Term")
    channel = _copied("core.Term")
    participants = models.PositiveSmallIntegerField(null=True)

    class Meta:
        verbose_name = _("counted contact")
        verbose_name_plural = _("counted contacts")
        # Every field a figure reads: the person and contact figures scan a period's
        # entries of this index without visiting the table.
        indexes = [
            models.Index(
                fields=["date", "office", "programme", "client", "kind", "channel"],
                name="counted_date_office_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "programme"], name="counted_contact_programme_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.programme_id}"


class CountedTopic(CountedRow):
    """A topic of a counted contact: each row of `CountedContact` once per topic of its
    contact, so that the topic figure reads this table instead of joining a year of
    contacts to every topic ever recorded."""

    topic = _copied("core.Term")

    class Meta:
        verbose_name = _("counted topic")
        verbose_name_plural = _("counted topics")
        indexes = [
            models.Index(
                fields=["date", "office", "programme", "topic"],
                name="counted_topic_date_office_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "programme", "topic"], name="counted_topic_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.programme_id} {self.topic_id}"


class CountedReferral(Stored):
    """A referral as the programme reports count it: one row for the programme of its
    case; made outside a case, one row per programme of a case the client had open on
    the day it was made, or one row without a programme when none was. The office is the
    client's."""

    referral = models.ForeignKey(
        "network.Referral",
        models.CASCADE,
        related_name="+",
        verbose_name=_("referral"),
        db_index=False,  # the unique constraint's index begins with it
    )
    service = _copied("network.Service")
    feedback_on = models.DateField(null=True)

    class Meta:
        verbose_name = _("counted referral")
        verbose_name_plural = _("counted referrals")
        indexes = [
            models.Index(
                fields=["date", "office", "programme", "service", "feedback_on"],
                name="counted_ref_date_office_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "programme"], name="counted_referral_programme_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.programme_id}"
