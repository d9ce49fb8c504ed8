from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.api.models import ApiToken, Scope
from lotse.core.forms import ModelForm

LONGEST_DAYS = 365


class TokenForm(ModelForm[ApiToken]):
    scopes = forms.MultipleChoiceField(
        label=_("What the program may do"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiToken
        fields = ["name", "scopes", "expires_on"]
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"name": _("Which program uses it, e.g. “Fachverfahren Landkreis”.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.initial.get("expires_on"):
            self.initial["expires_on"] = timezone.localdate() + dt.timedelta(days=90)
        self.fields["expires_on"].help_text = _("At most a year from today.")

    def clean_expires_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if not today < day <= today + dt.timedelta(days=LONGEST_DAYS):
            raise forms.ValidationError(_("Choose a day after today and at most a year ahead."))
        return day
