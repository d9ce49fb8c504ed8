"""Structural work of an office: the log of work beyond the single case (network
meetings, volunteer coordination, social-space projects, intercultural opening,
anti-discrimination work, public relations), the register of volunteers, and the
matching of a volunteer to a client (Begleitung, Patenschaft).

The log holds no client data. Volunteers are personal data of the office; a match
passes a client's data to a volunteer and therefore needs the client's consent naming
that person. Everything is read and written only through `structural.queries` and
`structural.services`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lotse.clients.lib import codes
from lotse.clients.models import Client, Consent, PersonalRecord
from lotse.organisations.models import Office

# The extended police certificate (erweitertes Führungszeugnis, § 30a BZRG) that
# volunteers working with families and children show is usually renewed every five
# years; an older one no longer counts as current.
POLICE_CERTIFICATE_YEARS = 5


def years_after(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class Activity(models.Model):
    """One entry of the structural work log: what was done, when, for how long, with whom."""

    class Kind(models.TextChoices):
        NETWORK_MEETING = "network_meeting", _("network meeting")
        VOLUNTEER_COORDINATION = "volunteer_coordination", _("volunteer coordination")
        SOCIAL_SPACE = "social_space", _("social-space project")
        INTERCULTURAL_OPENING = "intercultural_opening", _("intercultural opening")
        ANTI_DISCRIMINATION = "anti_discrimination", _("anti-discrimination work")
        PUBLIC_RELATIONS = "public_relations", _("public relations")

    office = models.ForeignKey(
        Office, models.PROTECT, related_name="structural_activities", verbose_name=_("office")
    )
    kind = models.CharField(_("kind of work"), max_length=30, choices=Kind.choices)
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
        help_text=_("In steps of a quarter hour, e.g. 1.5."),
    )
    title = models.CharField(_("title"), max_length=200)
    partners = models.TextField(
        _("partners"),
        blank=True,
        max_length=1000,
        help_text=_("Partner organisations involved, e.g. one per line."),
    )
    participants = models.PositiveIntegerField(
        _("participants"),
        null=True,
        blank=True,
        help_text=_("Empty if not counted."),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("structural work entry")
        verbose_name_plural = _("structural work entries")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["office", "date"], name="activity_office_date_idx")]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.title}"

    def audit_scope(self) -> dict[str, int | None]:
        return {"office_id": self.office_id}

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = _("This date lies in the future.")
        if self.hours is not None and (self.hours * 4) % 1:
            errors["hours"] = _("Hours are recorded in steps of a quarter hour (0.25).")
        if errors:
            raise ValidationError(errors)


class Volunteer(models.Model):
    """A volunteer of the office's register. Personal data: the audit log names a
    volunteer by number only and lists changed fields without their values."""

    office = models.ForeignKey(
        Office, models.PROTECT, related_name="volunteers", verbose_name=_("office")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("ISO 639 codes")
    )
    availability = models.CharField(
        _("availability"),
        max_length=200,
        blank=True,
        help_text=_("E.g. Tuesday and Thursday afternoons."),
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    police_certificate_on = models.DateField(
        _("extended police certificate of"),
        null=True,
        blank=True,
        help_text=format_lazy(
            _(
                "Date of issue of the extended police certificate (erweitertes "
                "Führungszeugnis). It counts as current for {years} years."
            ),
            years=POLICE_CERTIFICATE_YEARS,
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [models.Index(fields=["office", "is_active"], name="volunteer_office_idx")]

    def __str__(self) -> str:
        return self.full_name

    def audit_label(self) -> str:
        return f"volunteer {self.pk}"

    def audit_scope(self) -> dict[str, int | None]:
        return {"office_id": self.office_id}

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def language_names(self) -> list[str]:
        language = (get_language() or "de")[:2]
        return [codes.language_name(code, language) for code in self.languages]

    @property
    def police_certificate_until(self) -> dt.date | None:
        """The last day on which the police certificate counts as current."""
        if self.police_certificate_on is None:
            return None
        return years_after(self.police_certificate_on, POLICE_CERTIFICATE_YEARS) - dt.timedelta(
            days=1
        )

    def police_certificate_current(self, day: dt.date | None = None) -> bool:
        """Whether a police certificate is recorded and not older than
        POLICE_CERTIFICATE_YEARS on `day` (today if not given)."""
        until = self.police_certificate_until
        if self.police_certificate_on is None or until is None:
            return False
        day = day or timezone.localdate()
        return self.police_certificate_on <= day <= until

    @property
    def police_certificate_ok(self) -> bool:
        """For templates: current today."""
        return self.police_certificate_current()

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        unknown = [c for c in self.languages if not codes.is_language(str(c))]
        if unknown:
            errors["languages"] = _("Unknown language code: %(codes)s") % {
                "codes": ", ".join(map(str, unknown))
            }
        if self.police_certificate_on and self.police_certificate_on > timezone.localdate():
            errors["police_certificate_on"] = _("This date lies in the future.")
        if errors:
            raise ValidationError(errors)


class Match(PersonalRecord, models.Model):
    """A volunteer accompanies a client (Begleitung, Patenschaft): the client's data go
    to the volunteer, so a consent in force that names the volunteer is required."""

    OTHER_OFFICE = _("The volunteer belongs to another office than the client.")
    OTHER_CLIENT = _("The consent belongs to another client.")

    volunteer = models.ForeignKey(
        Volunteer, models.PROTECT, related_name="matches", verbose_name=_("volunteer")
    )
    client = models.ForeignKey(
        Client, models.PROTECT, related_name="volunteer_matches", verbose_name=_("client")
    )
    consent = models.ForeignKey(
        Consent, models.PROTECT, related_name="volunteer_matches", verbose_name=_("consent")
    )
    purpose = models.TextField(
        _("purpose"),
        max_length=1000,
        help_text=_("E.g. accompanying to the authorities, help with homework."),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer match")
        verbose_name_plural = _("volunteer matches")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.volunteer} – {self.client}"

    @property
    def is_open(self) -> bool:
        return self.ends_on is None

    def structure_errors(self) -> dict[str, Any]:
        """What must hold for every match, at any time (the consent's force is checked
        when the match is made, see `services.match_problems`)."""
        errors: dict[str, Any] = {}
        if (
            self.volunteer_id is not None
            and self.client_id is not None
            and self.volunteer.office_id != self.client.office_id
        ):
            errors["volunteer"] = self.OTHER_OFFICE
        if (
            self.consent_id is not None
            and self.client_id is not None
            and self.consent.client_id != self.client_id
        ):
            errors["consent"] = self.OTHER_CLIENT
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end lies before the start.")
        return errors

    def clean(self) -> None:
        errors = self.structure_errors()
        if errors:
            raise ValidationError(errors)
