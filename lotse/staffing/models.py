"""Positions: who works how much under which programme in which office.

The team view reads the full-time equivalents (FTE) of the positions to set each
counsellor's caseload against the programme's staffing ratio.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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
from lotse.organisations.models import Office, Programme


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

    def clean(self) -> None:
        if self.fte is not None and (self.fte * 4) % 1:
            raise ValidationError({"fte": _("Positions come in steps of 0.25.")})
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end lies before the start.")})
        if (
            self.office_id
            and self.programme_id
            and not self.office.programmes.filter(pk=self.programme_id).exists()
        ):
            raise ValidationError(
                {"programme": _("The office does not work under this programme.")}
            )
