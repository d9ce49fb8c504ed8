"""Contacts: counselling with a client, anonymous counselling, and group sessions.

One model for the three, so that the statistics count every contact in one place:
- with a client record (`client` set), optionally with household members alongside;
- anonymous: no record, only age band, sex and nationality;
- a group session: a participant count, optionally without any record.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.clients.lib import codes
from lotse.clients.models import Client, HouseholdMember, Sex, term_field
from lotse.core.fields import EncryptedTextField
from lotse.core.models import Term
from lotse.organisations.models import Office

V = Term.Vocabulary


class AgeBand(models.TextChoices):
    UNDER_18 = "0-17", _("under 18")
    FROM_18 = "18-26", _("18 to 26")
    FROM_27 = "27-44", _("27 to 44")
    FROM_45 = "45-64", _("45 to 64")
    FROM_65 = "65+", _("65 and older")
    UNKNOWN = "unknown", _("unknown")


class Contact(models.Model):
    # The three references are indexed together with the date (Meta.indexes), which
    # also answers every lookup by the reference alone.
    office = models.ForeignKey(
        Office, models.PROTECT, related_name="contacts", verbose_name=_("office"), db_index=False
    )
    client = models.ForeignKey(
        Client,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("client"),
        db_index=False,
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("counsellor"),
        db_index=False,
    )
    kind = term_field(V.CONTACT_KIND, _("kind"))
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    channel = term_field(V.CHANNEL, _("channel"))
    topics = models.ManyToManyField(
        Term,
        related_name="+",
        limit_choices_to={"vocabulary": V.TOPIC, "is_active": True},
        verbose_name=_("topics"),
    )
    language = models.CharField(_("language used"), max_length=3, blank=True)
    interpreting = term_field(V.INTERPRETING, _("interpreting"), null=True, blank=True)
    household_members = models.ManyToManyField(
        HouseholdMember,
        blank=True,
        related_name="contacts",
        verbose_name=_("household members counselled alongside"),
    )
    # Anonymous contacts (no client record) are described only by these.
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    nationality = models.CharField(_("nationality"), max_length=10, blank=True)
    participants = models.PositiveSmallIntegerField(
        _("participants"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    note = EncryptedTextField(_("short note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-date", "-created_at"]
        indexes = [
            models.Index(fields=["client", "-date"], name="contact_client_date_idx"),
            models.Index(fields=["office", "date"], name="contact_office_date_idx"),
            # A counsellor's latest contacts: the clients seen recently.
            models.Index(fields=["counsellor", "-date"], name="contact_counsellor_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=False) | ~Q(age_band="") | Q(participants__isnull=False),
                name="contact_client_anonymous_or_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.date:%d.%m.%Y}"

    def audit_scope(self) -> dict[str, int | None]:
        return {"office_id": self.office_id}

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = _("A contact cannot lie in the future.")
        if self.client_id is None and not self.age_band and self.participants is None:
            # For the whole record: the form of a group session has no age band, the form
            # of one anonymous person no participants (each requires its own field).
            errors[NON_FIELD_ERRORS] = _(
                "An anonymous contact needs at least an age band, a group session the "
                "number of participants."
            )
        if self.client is not None and self.client.office_id != self.office_id:
            errors["client"] = _("The client belongs to another office.")
        if self.language and not codes.is_language(self.language):
            errors["language"] = _("Unknown language code.")
        if self.nationality and not codes.is_country(self.nationality):
            errors["nationality"] = _("Unknown country code.")
        if errors:
            raise ValidationError(errors)
