from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lotse.accounts.models import User
from lotse.cases.models import Agreement, Assessment, Case, Goal, Phase, Review, Step
from lotse.clients.lib import codes
from lotse.core.forms import ModelForm, field_of
from lotse.organisations.models import Programme
from lotse.organisations.queries import office_staff

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OpenCaseForm(forms.Form):
    programme = forms.ModelChoiceField(Programme.objects.none(), label=_("Programme"))
    counsellor = forms.ModelChoiceField(User.objects.none(), label=_("Responsible counsellor"))
    deputy = forms.ModelChoiceField(User.objects.none(), label=_("Deputy"), required=False)
    override_justification = forms.CharField(
        label=_("Justification, if the programme's rules are not met"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, case_office: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "programme", forms.ModelChoiceField).queryset = case_office.programmes.all()
        staff = office_staff(case_office)
        field_of(self, "counsellor", forms.ModelChoiceField).queryset = staff
        field_of(self, "deputy", forms.ModelChoiceField).queryset = staff
        self.initial.setdefault("counsellor", user.pk)
        if case_office.programmes.count() == 1:
            self.initial.setdefault("programme", case_office.programmes.get().pk)


class ReassignForm(forms.Form):
    counsellor = forms.ModelChoiceField(User.objects.none(), label=_("New responsible counsellor"))
    deputy = forms.ModelChoiceField(User.objects.none(), label=_("Deputy"), required=False)
    why = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = office_staff(case.office)
        field_of(self, "counsellor", forms.ModelChoiceField).queryset = staff
        field_of(self, "deputy", forms.ModelChoiceField).queryset = staff
        self.initial.setdefault("deputy", case.deputy_id)


class VersionedForm(ModelForm[Any]):
    """Plan forms carry the plan version the user saw, to refuse stale saves."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class GoalForm(VersionedForm):
    class Meta:
        model = Goal
        fields = ["field_of_action", "what", "indicator", "due_on", "priority"]
        widgets = {
            "what": forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
            "indicator": forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
            "due_on": DATE,
        }


class StepForm(VersionedForm):
    class Meta:
        model = Step
        fields = ["goal", "actor", "service_name", "what", "due_on"]
        widgets = {"what": forms.Textarea(attrs={"rows": 2, "dir": "auto"}), "due_on": DATE}

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "goal", forms.ModelChoiceField).queryset = case.goals.all()


class GoalStatusForm(VersionedForm):
    class Meta:
        model = Goal
        fields = ["status"]


class StepStatusForm(VersionedForm):
    class Meta:
        model = Step
        fields = ["status"]


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(
        label=_("Phase"), choices=[c for c in Phase.choices if c[0] != Phase.CLOSED]
    )


class ExtendForm(forms.Form):
    justification = forms.CharField(
        label=_("Justification for the extension"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class AgreementForm(ModelForm[Agreement]):
    class Meta:
        model = Agreement
        fields = ["on", "how", "copy_handed_over"]
        widgets = {"on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())


class ReviewForm(ModelForm[Review]):
    class Meta:
        model = Review
        fields = ["goal", "on", "counsellor_score", "client_score", "comment", "at_closure"]
        widgets = {"on": DATE, "comment": forms.Textarea(attrs={"rows": 2, "dir": "auto"})}

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "goal", forms.ModelChoiceField).queryset = case.goals.all()
        self.initial.setdefault("on", timezone.localdate())


class CloseForm(ModelForm[Case]):
    class Meta:
        model = Case
        fields = ["closure_reason", "closure_summary"]
        widgets = {"closure_summary": forms.Textarea(attrs={"rows": 3, "dir": "auto"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reasons = field_of(self, "closure_reason", forms.ModelChoiceField)
        reasons.queryset = self.instance.programme.closure_reasons.all()
        reasons.required = True
        self.fields["closure_summary"].required = True


class ReopenForm(forms.Form):
    why = forms.CharField(
        label=_("Why is the case reopened?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssessmentForm(ModelForm[Assessment]):
    school_country = forms.ChoiceField(label=_("Country of schooling"), required=False, choices=())

    class Meta:
        model = Assessment
        fields = [
            "school_years",
            "school_country",
            "last_school",
            "degrees",
            "competences",
            "work_experience",
            "language_levels",
            "developments",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3, "dir": "auto"})
            for name in (
                "degrees",
                "competences",
                "work_experience",
                "language_levels",
                "developments",
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "school_country", forms.ChoiceField).choices = [
            ("", "–"),
            *codes.country_choices((get_language() or "de")[:2]),
        ]
