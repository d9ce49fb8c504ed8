from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.accounts.models import User
from lotse.core.forms import ModelForm, field_of
from lotse.core.models import Term
from lotse.organisations.models import District, Office, Programme, Provider, State
from lotse.staffing.models import AllocationRun, Grant, PersonsCount, Position, PositionCosts
from lotse.staffing.queries import LEVEL_LABELS, Level

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _years() -> list[tuple[int, int]]:
    this = timezone.localdate().year
    return [(year, year) for year in range(this + 1, this - 8, -1)]


class RatioFilterForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Figures"), choices=[(k.value, v) for k, v in LEVEL_LABELS.items()], required=False
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "year", forms.TypedChoiceField).choices = _years()

    def level_value(self) -> Level:
        value = self.cleaned_data.get("level") if self.is_valid() else None
        return Level(value) if value else Level.OFFICE

    def year_value(self) -> int:
        value = self.cleaned_data.get("year") if self.is_valid() else None
        return int(value) if value else timezone.localdate().year


class PositionForm(ModelForm[Position]):
    class Meta:
        model = Position
        fields = [
            "office",
            "programme",
            "fte",
            "holder",
            "qualification",
            "starts_on",
            "ends_on",
            "funding_source",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "fte": forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "1"}),
        }

    def __init__(self, *args: Any, offices: QuerySet[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "office", forms.ModelChoiceField).queryset = offices.order_by("name")
        field_of(self, "programme", forms.ModelChoiceField).queryset = Programme.objects.filter(
            offices__in=offices
        ).distinct()
        field_of(self, "holder", forms.ModelChoiceField).queryset = (
            User.objects.filter(
                memberships__office__in=offices, memberships__is_active=True, is_active=True
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        field_of(self, "qualification", forms.ModelChoiceField).queryset = Term.objects.filter(
            vocabulary=Term.Vocabulary.QUALIFICATION, is_active=True
        )


class CostsForm(ModelForm[PositionCosts]):
    class Meta:
        model = PositionCosts
        fields = ["year", "personnel_eur", "material_eur", "interpreting_eur"]


class GrantForm(ModelForm[Grant]):
    class Meta:
        model = Grant
        fields = ["provider", "programme", "year", "amount_eur", "notice"]

    def __init__(self, *args: Any, providers: QuerySet[Provider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "provider", forms.ModelChoiceField).queryset = providers
        field_of(self, "programme", forms.ModelChoiceField).queryset = Programme.objects.filter(
            offices__provider__in=providers
        ).distinct()


class PersonsCountForm(ModelForm[PersonsCount]):
    class Meta:
        model = PersonsCount
        fields = ["office", "programme", "year", "persons", "source"]

    def __init__(self, *args: Any, offices: QuerySet[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "office", forms.ModelChoiceField).queryset = offices.order_by("name")
        field_of(self, "programme", forms.ModelChoiceField).queryset = Programme.objects.filter(
            offices__in=offices, ratio_basis=Programme.RatioBasis.PERSONS_HOUSED
        ).distinct()


class AllocationForm(ModelForm[AllocationRun]):
    """The figures of an allocation; the key comes as a CSV file."""

    scope = forms.ChoiceField(label=_("Among the municipalities of"), choices=())
    file = forms.FileField(
        label=_("Key file (CSV)"),
        help_text=_(
            "Columns Kennziffer, Name, Schlüsselzahl; optional Partner, Delegiert (ja/nein), "
            "Ohne Mindestbetrag (ja/nein). UTF-8 or Windows-1252, separated by semicolons."
        ),
    )

    class Meta:
        model = AllocationRun
        fields = ["title", "programme", "year", "key_label", "budget_eur", "minimum_eur"]
        help_texts = {
            "minimum_eur": _(
                "Below it a municipality cannot apply alone and is pooled with its partner "
                "(bw-im: 51,000 EUR). 0: no minimum."
            )
        }

    def __init__(
        self,
        *args: Any,
        districts: QuerySet[District],
        states: QuerySet[State],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "scope", forms.ChoiceField).choices = [
            *((f"s{s.pk}", s.name) for s in states),
            *((f"d{d.pk}", str(d)) for d in districts),
        ]
        programmes = Programme.objects.filter(state__in=states) | Programme.objects.filter(
            state__districts__in=districts
        )
        field_of(self, "programme", forms.ModelChoiceField).queryset = programmes.distinct()
        self.initial.setdefault("year", timezone.localdate().year)
