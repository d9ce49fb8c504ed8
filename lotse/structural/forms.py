from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lotse.clients.lib import codes
from lotse.clients.models import Client
from lotse.core.forms import ModelForm, field_of
from lotse.network.forms import ConsentChoiceField
from lotse.organisations.models import Office
from lotse.structural.models import Activity, Match, Volunteer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _language_choices(extra: list[str] | tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The common languages, and any other valid code already recorded."""
    language = (get_language() or "de")[:2]
    choices = list(codes.language_choices(language))
    known = {code for code, _label in choices}
    choices += [(c, codes.language_name(c, language)) for c in extra if c not in known]
    return choices


def _office_field(form: forms.ModelForm[Any], offices: QuerySet[Office]) -> None:
    """Offer the user's offices; with only one there is nothing to choose."""
    field = field_of(form, "office", forms.ModelChoiceField)
    field.queryset = offices
    field.empty_label = None
    only = list(offices[:2])
    if len(only) == 1 and form.instance.office_id in (None, only[0].pk):
        form.instance.office = only[0]
        del form.fields["office"]


# --- the structural work log -----------------------------------------------------------


class ActivityFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of work"), required=False, choices=())
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, choices=(), coerce=int, empty_value=None
    )
    office = forms.ModelChoiceField(Office.objects.none(), label=_("Office"), required=False)

    def __init__(
        self, *args: Any, years: list[int], offices: QuerySet[Office], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "kind", forms.ChoiceField).choices = [
            ("", _("all kinds")),
            *Activity.Kind.choices,
        ]
        current = timezone.localdate().year
        years = sorted({*years, current}, reverse=True)
        field_of(self, "year", forms.TypedChoiceField).choices = [
            ("", _("all years")),
            *((str(y), str(y)) for y in years),
        ]
        office = field_of(self, "office", forms.ModelChoiceField)
        office.queryset = offices
        office.empty_label = _("all my offices")
        if offices.count() < 2:
            del self.fields["office"]


class ActivityForm(ModelForm[Activity]):
    class Meta:
        model = Activity
        fields = [
            "office",
            "kind",
            "date",
            "hours",
            "title",
            "partners",
            "participants",
            "notes",
        ]
        widgets = {
            "date": DATE,
            "hours": forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "24"}),
            "partners": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, offices: QuerySet[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _office_field(self, offices)
        if not self.instance.pk:
            self.initial.setdefault("date", timezone.localdate())


# --- volunteers ------------------------------------------------------------------------


class VolunteerSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=200)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=())
    inactive = forms.BooleanField(label=_("also inactive volunteers"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "language", forms.ChoiceField).choices = [
            ("", "–"),
            *_language_choices(),
        ]


class VolunteerForm(ModelForm[Volunteer]):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        choices=(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Volunteer
        fields = [
            "office",
            "first_name",
            "last_name",
            "languages",
            "availability",
            "phone",
            "email",
            "police_certificate_on",
            "is_active",
            "notes",
        ]
        widgets = {"police_certificate_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, offices: QuerySet[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _office_field(self, offices)
        field_of(self, "languages", forms.MultipleChoiceField).choices = _language_choices(
            [str(c) for c in self.instance.languages]
        )


# --- matches ---------------------------------------------------------------------------


class VolunteerChoiceField(forms.ModelChoiceField[Volunteer]):
    def label_from_instance(self, obj: Volunteer) -> str:
        label = obj.full_name
        if obj.languages:
            label += f" ({', '.join(obj.language_names())})"
        if not obj.police_certificate_ok:
            label += " – " + str(_("police certificate missing or out of date"))
        return label


class MatchForm(ModelForm[Match]):
    class Meta:
        model = Match
        fields = ["volunteer", "consent", "purpose", "starts_on"]
        field_classes = {"volunteer": VolunteerChoiceField, "consent": ConsentChoiceField}
        widgets = {"starts_on": DATE, "purpose": forms.Textarea(attrs={"rows": 2})}

    def __init__(
        self, *args: Any, client: Client, volunteers: QuerySet[Volunteer], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "volunteer", forms.ModelChoiceField).queryset = volunteers
        consents = field_of(self, "consent", forms.ModelChoiceField)
        today = timezone.localdate()
        consents.queryset = client.consents.filter(
            pk__in=[c.pk for c in client.consents.all() if c.in_force(today)]
        )
        consents.help_text = _(
            "Only consents in force are offered. The consent must name the volunteer "
            "among its recipients."
        )
        self.initial.setdefault("starts_on", today)
