"""States, districts, municipalities, providers, offices, programmes and memberships.

Programmes are data: every rule the product reads (eligibility, time limits, staffing
ratio, funding, review interval, closure reasons) is a field here, so a new programme
is a new row, not new code.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lotse.core.lib.eligibility import CriteriaError, validate_criteria
from lotse.core.models import Term

digits = RegexValidator(r"^\d+$", _("Only digits are allowed."))


class State(models.Model):
    """A Land; `code` is the first two digits of the official municipality key."""

    code = models.CharField(_("state key"), max_length=2, unique=True, validators=[digits])
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("state")
        verbose_name_plural = _("states")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    class Kind(models.TextChoices):
        RURAL = "landkreis", _("rural district")
        URBAN = "kreisfreie_stadt", _("district-free city")

    state = models.ForeignKey(
        State, models.PROTECT, related_name="districts", verbose_name=_("state")
    )
    key = models.CharField(_("district key"), max_length=5, unique=True, validators=[digits])
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict[str, int | None]:
        return {"district_id": self.pk}

    def clean(self) -> None:
        if len(self.key) != 5:
            raise ValidationError({"key": _("The district key has five digits.")})
        if self.state_id and not self.key.startswith(self.state.code):
            raise ValidationError({"key": _("The district key must begin with the state key.")})


class Municipality(models.Model):
    district = models.ForeignKey(
        District, models.PROTECT, related_name="municipalities", verbose_name=_("district")
    )
    ags = models.CharField(
        _("official municipality key (AGS)"), max_length=8, unique=True, validators=[digits]
    )
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict[str, int | None]:
        return {"district_id": self.district_id}

    def clean(self) -> None:
        if len(self.ags) != 8:
            raise ValidationError({"ags": _("The official municipality key has eight digits.")})
        if self.district_id and not self.ags.startswith(self.district.key):
            raise ValidationError(
                {"ags": _("The official municipality key must begin with the district key.")}
            )


class Programme(models.Model):
    """A funding programme and the rules the whole product reads from it."""

    class RatioBasis(models.TextChoices):
        NONE = "", _("no staffing ratio")
        CASE_MANAGEMENT_PERSONS_PER_YEAR = (
            "case_management_persons_per_year",
            _("persons in case management during the year"),
        )
        PERSONS_HOUSED = "persons_housed", _("persons housed (entered as figures)")
        CASE_MANAGEMENT_CASES = "case_management_cases", _("case-management cases")

    class FundingModel(models.TextChoices):
        REIMBURSEMENT = "reimbursement", _("reimbursement of costs")
        FLAT_RATE_PER_FTE = "flat_rate_per_fte", _("flat rate per full-time position")
        GRANT_PER_FTE = "grant_per_fte", _("grant per full-time position with own share")
        PROVIDER_GRANT = "provider_grant", _("grant to providers")

    key = models.SlugField(_("key"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60)
    state = models.ForeignKey(
        State,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("state"),
        help_text=_("Empty for a federal programme."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    target_group = models.TextField(_("who is counselled"))
    eligibility_criteria = models.JSONField(
        _("machine-checkable eligibility criteria"),
        default=dict,
        blank=True,
        help_text=_("Per service (case_management, counselling) a list of conditions."),
    )
    case_management_limit_months = models.PositiveSmallIntegerField(
        _("case-management time limit (months)"), null=True, blank=True
    )
    extension_limit_months = models.PositiveSmallIntegerField(
        _("time limit with extension (months)"), null=True, blank=True
    )
    extension_requires_justification = models.BooleanField(
        _("extension needs a written justification"), default=False
    )
    limit_warning_months = models.PositiveSmallIntegerField(
        _("warn this many months before the time limit"), default=3
    )
    plan_required_at_start = models.BooleanField(
        _("integration plan required at the start of counselling"), default=False
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"), default=6, validators=[MinValueValidator(1)]
    )
    ratio_persons_per_fte = models.PositiveIntegerField(
        _("persons per full-time position"), null=True, blank=True
    )
    ratio_basis = models.CharField(
        _("what the ratio counts"), max_length=40, choices=RatioBasis.choices, blank=True
    )
    ratio_note = models.CharField(_("note on the ratio"), max_length=300, blank=True)
    funding_model = models.CharField(
        _("funding model"), max_length=30, choices=FundingModel.choices
    )
    funding_description = models.TextField(_("funding rules"), blank=True)
    max_grant_per_fte_eur = models.PositiveIntegerField(
        _("maximum grant per full-time position (EUR a year)"), null=True, blank=True
    )
    max_material_per_fte_eur = models.PositiveIntegerField(
        _("of which at most for material costs (EUR per full-time position)"),
        null=True,
        blank=True,
    )
    max_interpreting_per_fte_eur = models.PositiveIntegerField(
        _("of which at most for interpreting (EUR per full-time position)"),
        null=True,
        blank=True,
    )
    min_own_contribution_percent = models.PositiveSmallIntegerField(
        _("minimum own contribution (%)"), null=True, blank=True
    )
    min_municipality_share_eur = models.PositiveIntegerField(
        _("minimum share for a municipality to apply alone (EUR)"), null=True, blank=True
    )
    per_person_rate_eur = models.PositiveIntegerField(
        _("rate per person and year (EUR)"), null=True, blank=True
    )
    min_position_fte = models.DecimalField(
        _("smallest position (FTE)"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    required_qualifications = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to={"vocabulary": Term.Vocabulary.QUALIFICATION},
        verbose_name=_("qualifications accepted for staff"),
    )
    closure_reasons = models.ManyToManyField(
        Term,
        related_name="+",
        limit_choices_to={"vocabulary": Term.Vocabulary.CLOSURE_REASON},
        verbose_name=_("closure reasons"),
    )
    report_due = models.CharField(_("annual report due"), max_length=100, blank=True)
    retention_months = models.PositiveSmallIntegerField(
        _("records kept for (months)"),
        default=36,
        validators=[MinValueValidator(1)],
        help_text=_(
            "How long a client's record is kept after the last case under the programme "
            "was closed or the last contact; then it is anonymised (statistics stay)."
        ),
    )
    second_factor_roles = models.JSONField(
        _("roles that sign in with a second factor"),
        default=list,
        blank=True,
        help_text=_(
            "Everyone with one of these roles in an office that runs the programme (or "
            "above it) signs in with a code from an authenticator app too, in addition to "
            "the roles the operator requires it of."
        ),
    )
    quality_requirements = models.TextField(_("quality requirements"), blank=True)
    required_documents = models.TextField(_("required documents"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["short_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extension_limit_months__isnull=True)
                | Q(case_management_limit_months__isnull=False),
                name="programme_extension_needs_limit",
            )
        ]

    def __str__(self) -> str:
        return self.short_name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            validate_criteria(self.eligibility_criteria, Term.codes_by_vocabulary())
        except CriteriaError as exc:
            errors["eligibility_criteria"] = _("The criteria are not valid: %(reason)s") % {
                "reason": exc
            }
        limit, extended = self.case_management_limit_months, self.extension_limit_months
        if extended is not None and (limit is None or extended <= limit):
            errors["extension_limit_months"] = _(
                "The extended time limit must be longer than the time limit."
            )
        roles = self.second_factor_roles
        if not isinstance(roles, list) or not set(roles) <= set(Role.values):
            errors["second_factor_roles"] = _("Choose roles from the list.")
        if bool(self.ratio_persons_per_fte) != bool(self.ratio_basis):
            errors["ratio_basis"] = _("A staffing ratio needs both a number and what it counts.")
        if errors:
            raise ValidationError(errors)


class Provider(models.Model):
    """A Träger: a municipality, a district or a welfare organisation."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipality")
        DISTRICT = "district", _("district")
        WELFARE = "welfare", _("welfare organisation")
        OTHER = "other", _("other organisation")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    umbrella = models.CharField(
        _("umbrella association"),
        max_length=100,
        blank=True,
        help_text=_("e.g. Caritas, Diakonie, AWO, DRK, Paritätischer"),
    )

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict[str, int | None]:
        return {"provider_id": self.pk}


class Office(models.Model):
    """A Beratungsstelle. Every client record will belong to exactly one office."""

    provider = models.ForeignKey(
        Provider, models.PROTECT, related_name="offices", verbose_name=_("provider")
    )
    name = models.CharField(_("name"), max_length=200)
    district = models.ForeignKey(
        District,
        models.PROTECT,
        related_name="offices",
        verbose_name=_("district"),
        help_text=_("Where the office is."),
    )
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True, validators=[digits])
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="offices", verbose_name=_("municipalities served")
    )
    programmes = models.ManyToManyField(
        Programme, related_name="offices", verbose_name=_("programmes")
    )

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="office_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict[str, int | None]:
        return {
            "office_id": self.pk,
            "provider_id": self.provider_id,
            "district_id": self.district_id,
        }


class Delegation(models.Model):
    """A municipality hands its counselling duty under a programme to its district.

    Seed example: Hemmingen asks Landkreis Ludwigsburg to apply for the integration
    manager positions and to go on doing the work (bw-im, council decision 2017).
    """

    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="delegations", verbose_name=_("municipality")
    )
    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="delegations", verbose_name=_("programme")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=300, blank=True, help_text=_("e.g. council resolution")
    )

    class Meta:
        verbose_name = _("delegation to the district")
        verbose_name_plural = _("delegations to the district")
        ordering = ["municipality__name", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="delegation_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} → {self.municipality.district} ({self.programme})"

    @property
    def district(self) -> District:
        return self.municipality.district

    def audit_scope(self) -> dict[str, int | None]:
        return {"district_id": self.municipality.district_id}

    def clean(self) -> None:
        if (
            self.programme_id
            and self.municipality_id
            and self.programme.state_id not in (None, self.municipality.district.state_id)
        ):
            raise ValidationError(
                {"programme": _("The programme does not apply in this municipality's state.")}
            )


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("counsellor")
    TEAM_LEAD = "team_lead", _("team lead")
    PROVIDER_COORDINATOR = "provider_coordinator", _("provider coordinator")
    DISTRICT_COORDINATOR = "district_coordinator", _("district coordinator")
    STATE_ANALYST = "state_analyst", _("state analyst")
    ADMINISTRATOR = "administrator", _("administrator")


# Which organisation level each role is scoped to; the administrator has no scope.
ROLE_SCOPE: dict[str, str | None] = {
    Role.COUNSELLOR: "office",
    Role.TEAM_LEAD: "office",
    Role.PROVIDER_COORDINATOR: "provider",
    Role.DISTRICT_COORDINATOR: "district",
    Role.STATE_ANALYST: "state",
    Role.ADMINISTRATOR: None,
}
SCOPE_FIELDS = ("office", "provider", "district", "state")


def _scope_condition(role: str, scope: str | None) -> Q:
    q = Q(role=role)
    for field in SCOPE_FIELDS:
        q &= Q(**{f"{field}__isnull": field != scope})
    return q


class Membership(models.Model):
    """A user's role in one organisation: the only source of what they may see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    office = models.ForeignKey(
        Office, models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    provider = models.ForeignKey(
        Provider, models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    district = models.ForeignKey(
        District, models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    state = models.ForeignKey(
        State, models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=reduce(
                    operator.or_,
                    [_scope_condition(role, scope) for role, scope in ROLE_SCOPE.items()],
                ),
                name="membership_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        scope = self.scope
        return f"{self.user}: {self.get_role_display()}" + (f" – {scope}" if scope else "")

    def audit_scope(self) -> dict[str, int | None]:
        if self.office is not None:
            return self.office.audit_scope()
        return {"provider_id": self.provider_id, "district_id": self.district_id}

    @property
    def scope(self) -> models.Model | None:
        field = ROLE_SCOPE[self.role]
        return getattr(self, field) if field else None

    def clean(self) -> None:
        field = ROLE_SCOPE.get(self.role)
        for other in SCOPE_FIELDS:
            if other != field and getattr(self, f"{other}_id") is not None:
                setattr(self, other, None)
        if field and getattr(self, f"{field}_id") is None:
            raise ValidationError({field: _("This role needs an organisation of this level.")})
