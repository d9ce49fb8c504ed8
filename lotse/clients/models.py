"""The client record and what belongs to it: languages, residence status and
accommodation histories, household, protection needs, consents, documents and the
counsellor's personal working notes.

Every client belongs to exactly one office; nothing here is read or written except
through `lotse.clients.queries` and `lotse.clients.services`.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lotse.clients.lib import codes
from lotse.clients.lib.names import keys, normalise
from lotse.core.fields import EncryptedTextField
from lotse.core.models import Term
from lotse.organisations.models import Municipality, Office

V = Term.Vocabulary


def term_field(vocabulary: str, verbose_name: Any, **kwargs: Any) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        Term,
        models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary": vocabulary, "is_active": True},
        verbose_name=verbose_name,
        **kwargs,
    )


class PersonalRecord:
    """Part of a client's file. The audit log names it by type and number only."""

    pk: Any
    _meta: Any

    def audit_label(self) -> str:
        return f"{self._meta.model_name} {self.pk}"

    def audit_scope(self) -> dict[str, int | None]:
        return {"office_id": self.client.office_id}  # type: ignore[attr-defined]


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    DIVERSE = "diverse", _("diverse")
    UNKNOWN = "unknown", _("unknown")


class Client(PersonalRecord, models.Model):
    office = models.ForeignKey(
        Office, models.PROTECT, related_name="clients", verbose_name=_("office")
    )
    given_names = models.CharField(_("given names"), max_length=200)
    family_name = models.CharField(_("family name"), max_length=200)
    name_original_script = models.CharField(
        _("name in original script"), max_length=200, blank=True
    )
    other_spellings = models.TextField(
        _("other known spellings"), blank=True, help_text=_("One spelling per line.")
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    birth_month = models.PositiveSmallIntegerField(
        _("month of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    birth_day = models.PositiveSmallIntegerField(
        _("day of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    nationalities = models.JSONField(
        _("nationalities"), default=list, blank=True, help_text=_("ISO 3166 codes")
    )
    entry_date = models.DateField(_("date of entry to Germany"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.TextField(_("address"), blank=True)
    preferred_channel = term_field(V.CHANNEL, _("preferred channel"), null=True, blank=True)
    bamf_file_number = models.CharField(
        _("BAMF file number"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\d{7,8}-\d{3}$", _("Format: 1234567-123"))],
    )
    # Derived for search: normalised names and blocking keys (see clients.matching).
    search_name = models.CharField(max_length=1000, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    # Retention: a record on legal hold is never anonymised; an anonymised record keeps
    # only what the statistics count (lotse/clients/privacy.py).
    legal_hold = models.TextField(
        _("legal hold"),
        blank=True,
        help_text=_("Why the record must be kept beyond its retention period."),
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["family_name", "given_names"]
        indexes = [
            models.Index(fields=["office", "birth_year"], name="client_office_birth_idx"),
            models.Index(fields=["bamf_file_number"], name="client_bamf_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_day__isnull=True) | Q(birth_month__isnull=False),
                name="client_birth_day_needs_month",
            ),
            models.CheckConstraint(
                condition=Q(birth_month__isnull=True) | Q(birth_year__isnull=False),
                name="client_birth_month_needs_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}"

    def audit_scope(self) -> dict[str, int | None]:
        return {"office_id": self.office_id}

    @property
    def names_for_matching(self) -> list[str]:
        spellings = [line.strip() for line in self.other_spellings.splitlines() if line.strip()]
        names = [str(self), *spellings]
        if self.name_original_script:
            names.append(self.name_original_script)
        return names

    @property
    def search_text(self) -> str:
        """All its names normalised, as the search compares them (`search_name`)."""
        return " ".join(normalise(name) for name in self.names_for_matching)[:1000]

    @property
    def blocking_keys(self) -> set[str]:
        """The keys of all its names that search and duplicates look up first, as stored."""
        return {key[:40] for name in self.names_for_matching for key in keys(name)}

    @property
    def birth_date_display(self) -> str:
        """Partial dates as written on refugee documents: 2001, 03/2001, 14.03.2001."""
        if self.birth_year is None:
            return ""
        if self.birth_month is None:
            return str(self.birth_year)
        if self.birth_day is None:
            return f"{self.birth_month:02d}/{self.birth_year}"
        return f"{self.birth_day:02d}.{self.birth_month:02d}.{self.birth_year}"

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_year is None:
            return None
        birthday = (self.birth_month or 7, self.birth_day or 1)
        return day.year - self.birth_year - ((day.month, day.day) < birthday)

    @cached_property
    def nationality_names(self) -> list[str]:
        language = (get_language() or "de")[:2]
        return [codes.country_name(code, language) for code in self.nationalities]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        today = timezone.localdate()
        if self.birth_day is not None and self.birth_month is None:
            errors["birth_month"] = _("A day of birth needs a month.")
        if self.birth_month is not None and self.birth_year is None:
            errors["birth_year"] = _("A month of birth needs a year.")
        # Parts out of range are refused by the fields' validators; only a date that can
        # exist is checked further.
        year, month, day = self.birth_year, self.birth_month or 1, self.birth_day or 1
        if year is not None and 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31:
            try:
                born = dt.date(year, month, day)
            except ValueError:
                errors["birth_day"] = _("This day does not exist in that month.")
            else:
                if born > today:
                    errors["birth_year"] = _("The date of birth lies in the future.")
        if self.entry_date is not None:
            if self.entry_date > today:
                errors["entry_date"] = _("The date of entry lies in the future.")
            elif self.birth_year is not None and self.entry_date.year < self.birth_year:
                errors["entry_date"] = _("The date of entry lies before the birth.")
        unknown = [c for c in self.nationalities if not codes.is_country(str(c))]
        if unknown:
            errors["nationalities"] = _("Unknown country code: %(codes)s") % {
                "codes": ", ".join(map(str, unknown))
            }
        if errors:
            raise ValidationError(errors)


class ClientNameKey(models.Model):
    """Blocking keys of a client's names: search and duplicate checks look here first."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["key", "client"], name="client_name_key_idx")]
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="client_name_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class ClientLanguage(PersonalRecord, models.Model):
    class Level(models.TextChoices):
        NATIVE = "native", _("first language")
        C2 = "C2", "C2"
        C1 = "C1", "C1"
        B2 = "B2", "B2"
        B1 = "B1", "B1"
        A2 = "A2", "A2"
        A1 = "A1", "A1"
        NONE = "none", _("no knowledge")

    client = models.ForeignKey(Client, models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=3, help_text=_("ISO 639 code"))
    level = models.CharField(_("level"), max_length=6, choices=Level.choices)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [
            models.UniqueConstraint(fields=["client", "language"], name="client_language_unique")
        ]

    def __str__(self) -> str:
        return f"{self.language_name} ({self.get_level_display()})"

    @property
    def language_name(self) -> str:
        return codes.language_name(self.language, (get_language() or "de")[:2])

    def clean(self) -> None:
        if not codes.is_language(self.language):
            raise ValidationError({"language": _("Unknown language code.")})


class Period(PersonalRecord, models.Model):
    """Something that holds from one date until another (or until further notice)."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="+")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from}–{self.valid_until or ''}"

    def is_current(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def clean(self) -> None:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end lies before the start.")})


class ResidenceStatus(Period):
    client = models.ForeignKey(
        Client,
        models.CASCADE,
        related_name="residence_statuses",
        db_index=False,  # residence_latest_idx begins with it
    )
    status = term_field(V.RESIDENCE_STATUS, _("residence status"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta(Period.Meta):
        verbose_name = _("residence status")
        verbose_name_plural = _("residence status history")
        # The status on a day is the latest begun by then (the reports ask it of each
        # person counselled): found at the start of the client's part of this index.
        indexes = [
            models.Index(fields=["client", "-valid_from", "-id"], name="residence_latest_idx")
        ]

    def __str__(self) -> str:
        return str(self.status)

    @property
    def expires_soon(self) -> bool:
        """A document that expires within the next 90 days (or has expired)."""
        if self.valid_until is None:
            return False
        return self.valid_until <= timezone.localdate() + dt.timedelta(days=90)


class AccommodationPeriod(Period):
    client = models.ForeignKey(Client, models.CASCADE, related_name="accommodations")
    kind = term_field(V.ACCOMMODATION, _("accommodation"))
    municipality = models.ForeignKey(
        Municipality,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )

    class Meta(Period.Meta):
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodation history")

    def __str__(self) -> str:
        return str(self.kind)


class ProtectionNeed(PersonalRecord, models.Model):
    client = models.ForeignKey(Client, models.CASCADE, related_name="protection_needs")
    need = term_field(V.PROTECTION_NEED, _("special protection need"))
    established_on = models.DateField(_("established on"))
    established_by = models.CharField(_("established by"), max_length=200)
    relevant_until = models.DateField(_("relevant until"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("special protection need")
        verbose_name_plural = _("special protection needs")
        ordering = ["-established_on"]

    def __str__(self) -> str:
        return str(self.need)

    def clean(self) -> None:
        if self.established_on and self.established_on > timezone.localdate():
            raise ValidationError({"established_on": _("This date lies in the future.")})
        if (
            self.relevant_until
            and self.established_on
            and self.relevant_until < self.established_on
        ):
            raise ValidationError({"relevant_until": _("The end lies before the start.")})


class HouseholdMember(PersonalRecord, models.Model):
    """A member of the client's household: another client, or just a role and a year."""

    class Relation(models.TextChoices):
        PARTNER = "partner", _("spouse or partner")
        CHILD = "child", _("child")
        PARENT = "parent", _("parent")
        SIBLING = "sibling", _("sibling")
        OTHER = "other", _("other relative")

    client = models.ForeignKey(Client, models.CASCADE, related_name="household")
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    member = models.ForeignKey(
        Client,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="household_of",
        verbose_name=_("client record"),
    )
    given_name = models.CharField(_("given name"), max_length=200, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household")
        ordering = ["relation", "birth_year"]

    def __str__(self) -> str:
        who = str(self.member) if self.member else self.given_name
        return f"{self.get_relation_display()}: {who or '–'}" + (
            f" ({self.birth_year})" if self.birth_year else ""
        )

    def clean(self) -> None:
        if self.member_id is not None:
            if self.member_id == self.client_id:
                raise ValidationError({"member": _("A client cannot be their own relative.")})
            if self.member is not None and self.member.office_id != self.client.office_id:
                raise ValidationError({"member": _("The record belongs to another office.")})
        if self.birth_year and self.birth_year > timezone.localdate().year:
            raise ValidationError({"birth_year": _("The year of birth lies in the future.")})


class Consent(PersonalRecord, models.Model):
    class Form(models.TextChoices):
        WRITTEN = "written", _("written")
        ORAL = "oral", _("oral, documented")

    client = models.ForeignKey(Client, models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=300)
    recipients = models.TextField(
        _("named recipients"), help_text=_("Who may receive the data, one per line.")
    )
    given_on = models.DateField(_("given on"))
    form = models.CharField(_("how"), max_length=10, choices=Form.choices)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return self.purpose

    def in_force(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (
            self.given_on <= day
            and (self.valid_until is None or day <= self.valid_until)
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )

    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]

    def names_recipient(self, organisation: str) -> bool:
        """Whether one of the named recipients is `organisation`, or its name is part of
        the other by whole words ("Diakonie" for "Diakonie Ludwigsburg,
        Schuldnerberatung"). Part of a word does not count: a consent to "Amt" is not one
        to the Landratsamt. Fewer than three letters never match ("e. V.")."""
        wanted = normalise(organisation)  # lowercase words, single spaces
        for line in self.recipient_lines():
            shorter, longer = sorted((normalise(line), wanted), key=len)
            if len(shorter.replace(" ", "")) >= 3 and f" {shorter} " in f" {longer} ":
                return True
        return False

    def clean(self) -> None:
        today = timezone.localdate()
        if self.given_on and self.given_on > today:
            raise ValidationError({"given_on": _("This date lies in the future.")})
        if self.valid_until and self.given_on and self.valid_until < self.given_on:
            raise ValidationError({"valid_until": _("The end lies before the start.")})
        if self.withdrawn_on and self.given_on and self.withdrawn_on < self.given_on:
            raise ValidationError({"withdrawn_on": _("The withdrawal lies before the consent.")})


def _document_name(instance: Document, filename: str) -> str:
    # The stored name reveals nothing: neither the client nor the original file name.
    return f"documents/{uuid.uuid4().hex}"


class PrivateStorage(FileSystemStorage):
    """Documents live outside the web root, under PRIVATE_MEDIA_ROOT (read when used)."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


_private_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _private_storage


class Document(PersonalRecord, models.Model):
    client = models.ForeignKey(Client, models.CASCADE, related_name="documents")
    file = models.FileField(storage=private_storage, upload_to=_document_name, max_length=200)
    title = models.CharField(_("title"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title


class WorkingNote(PersonalRecord, models.Model):
    """A counsellor's personal working note: kept apart from the file, seen by its author only."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="working_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("author")
    )
    text = EncryptedTextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal working note")
        verbose_name_plural = _("personal working notes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:50]


class DecisionKind(models.Model):
    """The table of asylum decisions and the period for legal action against each.

    Administrators edit it; `weeks` empty means no action is needed (e.g. recognition).
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    label_de = models.CharField(_("German label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200)
    weeks = models.PositiveSmallIntegerField(
        _("weeks for legal action"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("kind of asylum decision")
        verbose_name_plural = _("kinds of asylum decision")
        ordering = ["position", "label_de"]

    def __str__(self) -> str:
        return self.label_en if (get_language() or "de").startswith("en") else self.label_de


class AsylumDecision(PersonalRecord, models.Model):
    """A decision of the Federal Office (BAMF) and the deadline for legal action,
    computed from the table when it is recorded and shown until it is dealt with."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="asylum_decisions")
    kind = models.ForeignKey(
        DecisionKind,
        models.PROTECT,
        related_name="+",
        limit_choices_to={"is_active": True},
        verbose_name=_("decision"),
    )
    delivered_on = models.DateField(
        _("date of delivery"),
        help_text=_("The date of delivery written on the envelope (Zustellungsurkunde)."),
    )
    deadline = models.DateField(_("deadline for legal action"), null=True, blank=True)
    deadline_rule = models.CharField(_("how the deadline was computed"), max_length=300, blank=True)
    dealt_with_on = models.DateField(_("dealt with on"), null=True, blank=True)
    dealt_with_how = models.CharField(
        _("how it was dealt with"),
        max_length=300,
        blank=True,
        help_text=_("e.g. action filed by a lawyer, client decided against legal action"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("asylum decision")
        verbose_name_plural = _("asylum decisions")
        ordering = ["-delivered_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.delivered_on:%d.%m.%Y}"

    @property
    def open(self) -> bool:
        """A deadline that still needs someone to act."""
        return self.deadline is not None and self.dealt_with_on is None

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        today = timezone.localdate()
        if self.delivered_on and self.delivered_on > today:
            errors["delivered_on"] = _("This date lies in the future.")
        if self.dealt_with_on and not self.dealt_with_how.strip():
            errors["dealt_with_how"] = _("Say how it was dealt with.")
        if self.dealt_with_on and self.delivered_on and self.dealt_with_on < self.delivered_on:
            errors["dealt_with_on"] = _("This lies before the delivery.")
        if errors:
            raise ValidationError(errors)
