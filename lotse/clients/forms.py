from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lotse.clients.lib import codes
from lotse.clients.models import (
    AccommodationPeriod,
    AsylumDecision,
    Client,
    ClientLanguage,
    Consent,
    HouseholdMember,
    ProtectionNeed,
    ResidenceStatus,
)
from lotse.core.forms import ModelForm, field_of

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = {"dir": "auto", "autocomplete": "off"}


def _language() -> str:
    return (get_language() or "de")[:2]


def country_field(label: Any, required: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=required, choices=())


class ClientForm(ModelForm[Client]):
    nationality = country_field(_("Nationality"))
    second_nationality = country_field(_("Second nationality"))

    class Meta:
        model = Client
        fields = [
            "given_names",
            "family_name",
            "name_original_script",
            "other_spellings",
            "birth_day",
            "birth_month",
            "birth_year",
            "sex",
            "entry_date",
            "phone",
            "email",
            "address",
            "preferred_channel",
            "bamf_file_number",
        ]
        widgets = {
            "given_names": forms.TextInput(attrs=TEXT),
            "family_name": forms.TextInput(attrs=TEXT),
            "name_original_script": forms.TextInput(attrs=TEXT),
            "other_spellings": forms.Textarea(attrs={**TEXT, "rows": 2}),
            "address": forms.Textarea(attrs={"rows": 2}),
            "entry_date": DATE,
            "birth_day": forms.NumberInput(attrs={"inputmode": "numeric", "class": "short"}),
            "birth_month": forms.NumberInput(attrs={"inputmode": "numeric", "class": "short"}),
            "birth_year": forms.NumberInput(attrs={"inputmode": "numeric", "class": "short"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "–"), *codes.country_choices(_language())]
        for name in ("nationality", "second_nationality"):
            field = field_of(self, name, forms.ChoiceField)
            field.choices = choices
        if self.instance.pk:
            given = [*self.instance.nationalities, "", ""]
            self.initial.setdefault("nationality", given[0])
            self.initial.setdefault("second_nationality", given[1])
        self.fields["birth_day"].label = _("Day")
        self.fields["birth_month"].label = _("Month")
        self.fields["birth_year"].label = _("Year")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [data.get("nationality"), data.get("second_nationality")]
        self.instance.nationalities = list(dict.fromkeys(c for c in chosen if c))
        return data


class ConsentForm(ModelForm[Consent]):
    class Meta:
        model = Consent
        fields = ["purpose", "recipients", "given_on", "form", "valid_until"]
        widgets = {
            "given_on": DATE,
            "valid_until": DATE,
            "recipients": forms.Textarea(attrs={"rows": 2}),
        }


class DecisionForm(ModelForm[AsylumDecision]):
    class Meta:
        model = AsylumDecision
        fields = ["kind", "delivered_on"]
        widgets = {"delivered_on": DATE}


class DecisionDealtForm(ModelForm[AsylumDecision]):
    class Meta:
        model = AsylumDecision
        fields = ["dealt_with_on", "dealt_with_how"]
        widgets = {"dealt_with_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dealt_with_on"].required = True
        self.fields["dealt_with_how"].required = True
        self.initial.setdefault("dealt_with_on", timezone.localdate())


class IntakeConsentForm(ConsentForm):
    """The consent recorded together with a new client (journey 1)."""

    record = forms.BooleanField(
        label=_("Record the client's consent to counselling and documentation now"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("purpose", _("Counselling and documentation in this office"))
        self.initial.setdefault("recipients", _("the counselling office"))
        self.initial.setdefault("given_on", timezone.localdate())
        self.initial.setdefault("form", Consent.Form.WRITTEN)
        for name in ("purpose", "recipients", "given_on", "form"):
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("record"):
            for name in ("purpose", "recipients", "given_on", "form"):
                if not data.get(name):
                    self.add_error(name, _("This field is required."))
        return data


class LanguageForm(ModelForm[ClientLanguage]):
    language = forms.ChoiceField(label=_("Language"), choices=())

    class Meta:
        model = ClientLanguage
        fields = ["language", "level", "interpreter_needed"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = field_of(self, "language", forms.ChoiceField)
        field.choices = codes.language_choices(_language())


class ResidenceStatusForm(ModelForm[ResidenceStatus]):
    class Meta:
        model = ResidenceStatus
        fields = ["status", "valid_from", "valid_until", "note"]
        widgets = {"valid_from": DATE, "valid_until": DATE}


class AccommodationForm(ModelForm[AccommodationPeriod]):
    class Meta:
        model = AccommodationPeriod
        fields = ["kind", "municipality", "valid_from", "valid_until"]
        widgets = {"valid_from": DATE, "valid_until": DATE}


class ProtectionNeedForm(ModelForm[ProtectionNeed]):
    class Meta:
        model = ProtectionNeed
        fields = ["need", "established_on", "established_by", "relevant_until", "note"]
        widgets = {
            "established_on": DATE,
            "relevant_until": DATE,
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class HouseholdMemberForm(ModelForm[HouseholdMember]):
    class Meta:
        model = HouseholdMember
        fields = ["relation", "member", "given_name", "birth_year"]
        widgets = {"given_name": forms.TextInput(attrs=TEXT)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("member") and not data.get("given_name") and not data.get("birth_year"):
            raise forms.ValidationError(
                _("Choose a client record, or give at least a name or a year of birth.")
            )
        return data


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF or image (JPEG, PNG, WebP)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}
        ),
    )


class WorkingNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Personal working note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Only you can see your working notes; they are not part of the file."),
    )


class MergeForm(forms.Form):
    duplicate = forms.ModelChoiceField(
        queryset=Client.objects.none(), label=_("Record to merge into this one")
    )
    reason = forms.CharField(
        label=_("Why are both records the same person?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = field_of(self, "duplicate", forms.ModelChoiceField)
        field.queryset = candidates


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Why must the record be kept?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. pending court proceedings; leave empty to lift the hold."),
    )


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. the client's request of 3 March (Art. 17 GDPR)."),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, date of birth, file or phone number"), max_length=200, required=False
    )


RECORD_FORMS: dict[str, tuple[type[forms.ModelForm[Any]], Any]] = {
    "language": (LanguageForm, _("Add a language")),
    "status": (ResidenceStatusForm, _("Add a residence status")),
    "accommodation": (AccommodationForm, _("Add accommodation")),
    "need": (ProtectionNeedForm, _("Add a special protection need")),
    "household": (HouseholdMemberForm, _("Add a household member")),
    "consent": (ConsentForm, _("Record a consent")),
    "decision": (DecisionForm, _("Record an asylum decision")),
}


def limit_record_form(form: forms.ModelForm[Any], client: Client) -> None:
    """Choices that depend on the client: their office's municipalities and clients."""
    if "municipality" in form.fields:
        field = field_of(form, "municipality", forms.ModelChoiceField)
        field.queryset = client.office.municipalities.all()
    if "member" in form.fields:
        field = field_of(form, "member", forms.ModelChoiceField)
        field.queryset = Client.objects.filter(office=client.office, merged_into=None).exclude(
            pk=client.pk
        )
        field.required = False
