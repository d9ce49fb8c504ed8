"""Positions and money: who works how much under which programme in which office,
what the positions cost, what was granted, the figures a ratio counts that the
casework does not hold, and the allocations of a budget among municipalities.

The team view and the ratio pages read the full-time equivalents (FTE) of the
positions; the spending proof reads costs and grants (lotse.core.lib.funding); an
allocation run stores its inputs and its table (lotse.core.lib.allocation) so that it
can be reproduced and audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lotse.clients.models import term_field
from lotse.core.models import Term
from lotse.organisations.models import District, Office, Programme, Provider, State


class PositionQuerySet(models.QuerySet["Position"]):
    def current(self, day: dt.date | None = None) -> PositionQuerySet:
        day = day or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


class Position(models.Model):
    """A position (Stelle) of an office under a programme, held by a person or vacant."""

    office = models.ForeignKey(
        Office, models.PROTECT, related_name="positions", verbose_name=_("office")
    )
    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="positions", verbose_name=_("programme")
    )
    fte = models.DecimalField(
        _("full-time equivalent"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("1.00"))],
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("held by"),
        help_text=_("Empty while the position is vacant."),
    )
    qualification = term_field(
        Term.Vocabulary.QUALIFICATION, _("qualification"), null=True, blank=True
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    funding_source = models.CharField(
        _("funding source"),
        max_length=200,
        blank=True,
        help_text=_("E.g. the grant notice or the budget line that pays the position."),
    )

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("job", "position")
        verbose_name_plural = pgettext_lazy("job", "positions")
        ordering = ["office", "programme", "-fte"]

    def __str__(self) -> str:
        holder = self.holder or _("vacant")
        return f"{self.programme.short_name} {self.fte} – {holder}"

    def audit_scope(self) -> dict[str, int | None]:
        return {"office_id": self.office_id}

    def period_in(self, year: int) -> tuple[dt.date, dt.date] | None:
        """The first and last day of `year` on which the position runs, if any."""
        first = max(self.starts_on, dt.date(year, 1, 1))
        last = min(self.ends_on or dt.date(year, 12, 31), dt.date(year, 12, 31))
        return (first, last) if first <= last else None

    @property
    def is_vacant(self) -> bool:
        return self.holder_id is None

    def qualification_problem(self) -> str | None:
        """Why the holder does not meet the programme's staff requirement, if not.

        Reads `programme.required_qualifications`; prefetch it for lists.
        """
        if self.holder_id is None:
            return None
        accepted = list(self.programme.required_qualifications.all())
        if not accepted:
            return None
        if self.qualification_id is None:
            return str(_("No qualification recorded; the programme requires one."))
        if all(term.pk != self.qualification_id for term in accepted):
            return str(_("The programme does not accept this qualification."))
        return None

    def clean(self) -> None:
        if self.fte is not None and (self.fte * 4) % 1:
            raise ValidationError({"fte": _("Positions come in steps of 0.25.")})
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end lies before the start.")})
        minimum = self.programme.min_position_fte if self.programme_id else None
        if minimum and self.fte is not None and self.fte < minimum:
            raise ValidationError(
                {"fte": _("The programme funds positions from %(fte)s FTE.") % {"fte": minimum}}
            )
        if (
            self.office_id
            and self.programme_id
            and not self.office.programmes.filter(pk=self.programme_id).exists()
        ):
            raise ValidationError(
                {"programme": _("The office does not work under this programme.")}
            )


def _year() -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )


def _euros(label: Any, **kwargs: Any) -> models.PositiveIntegerField[int, int]:
    return models.PositiveIntegerField(label, validators=[MaxValueValidator(10_000_000)], **kwargs)


class PositionCosts(models.Model):
    """What a position actually cost in a year, for the spending proof."""

    position = models.ForeignKey(
        Position,
        models.CASCADE,
        related_name="costs",
        verbose_name=pgettext_lazy("job", "position"),
    )
    year = _year()
    personnel_eur = _euros(_("personnel costs (EUR)"))
    material_eur = _euros(_("material costs (EUR)"), default=0)
    interpreting_eur = _euros(_("interpreting costs (EUR)"), default=0)

    class Meta:
        verbose_name = _("costs of a position")
        verbose_name_plural = _("costs of positions")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["position", "year"], name="costs_once_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.position} {self.year}"

    @property
    def total_eur(self) -> int:
        return self.personnel_eur + self.material_eur + self.interpreting_eur

    def audit_scope(self) -> dict[str, int | None]:
        return {"office_id": self.position.office_id}


class FlatRate(models.Model):
    """A programme's flat rate per full-time position and year for a qualification
    (bw-im: the grant depends on the qualification of the person holding the post)."""

    programme = models.ForeignKey(
        Programme, models.CASCADE, related_name="flat_rates", verbose_name=_("programme")
    )
    qualification = term_field(Term.Vocabulary.QUALIFICATION, _("qualification"))
    eur_per_fte = _euros(_("EUR per full-time position and year"))

    class Meta:
        verbose_name = _("flat rate")
        verbose_name_plural = _("flat rates")
        ordering = ["programme", "-eur_per_fte"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "qualification"], name="flat_rate_once_per_qualification"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme.short_name}: {self.qualification} {self.eur_per_fte} EUR"


class Grant(models.Model):
    """The amount a grant notice (Zuwendungsbescheid) awards a provider for a year."""

    provider = models.ForeignKey(
        Provider, models.PROTECT, related_name="grants", verbose_name=_("provider")
    )
    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="grants", verbose_name=_("programme")
    )
    year = _year()
    amount_eur = _euros(_("amount granted (EUR)"))
    notice = models.CharField(
        _("grant notice"), max_length=200, blank=True, help_text=_("Reference and date.")
    )

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-year", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "programme", "year"], name="grant_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.programme.short_name} {self.year}"

    def audit_scope(self) -> dict[str, int | None]:
        return {"provider_id": self.provider_id}


class PersonsCount(models.Model):
    """Persons a ratio counts that the casework does not hold, entered as a figure
    (bb-msa: persons housed in the accommodation the office serves)."""

    office = models.ForeignKey(
        Office, models.PROTECT, related_name="persons_counts", verbose_name=_("office")
    )
    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="persons_counts", verbose_name=_("programme")
    )
    year = _year()
    persons = models.PositiveIntegerField(_("persons"), validators=[MaxValueValidator(1_000_000)])
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("Where the figure comes from.")
    )

    class Meta:
        verbose_name = _("persons counted")
        verbose_name_plural = _("persons counted")
        ordering = ["-year", "office"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "programme", "year"], name="persons_count_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.programme.short_name} {self.year}: {self.persons}"

    def audit_scope(self) -> dict[str, int | None]:
        return {"office_id": self.office_id}


class AllocationRun(models.Model):
    """A budget distributed among municipalities or districts by a key, kept with
    its inputs: the table can be reproduced from `inputs` at any time."""

    title = models.CharField(_("title"), max_length=200)
    state = models.ForeignKey(
        State, models.PROTECT, related_name="allocations", verbose_name=_("state")
    )
    district = models.ForeignKey(
        District,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
        verbose_name=_("district"),
        help_text=_("Empty for an allocation of the whole state."),
    )
    programme = models.ForeignKey(
        Programme,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
        verbose_name=_("programme"),
    )
    year = _year()
    key_label = models.CharField(
        _("what the key counts"),
        max_length=200,
        help_text=_("E.g. persons in follow-up housing on 31 December."),
    )
    budget_eur = models.PositiveBigIntegerField(_("budget (EUR)"))
    minimum_eur = models.PositiveIntegerField(_("minimum share (EUR)"), default=0)
    source_name = models.CharField(_("key file"), max_length=255)
    source_sha256 = models.CharField(_("SHA-256 of the key file"), max_length=64)
    # The inputs and the table as lotse.core.lib.allocation writes them (to_dict).
    result = models.JSONField(_("inputs and result"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def audit_scope(self) -> dict[str, int | None]:
        return {"district_id": self.district_id}
