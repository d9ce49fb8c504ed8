from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.core.forms import field_of
from lotse.reports.models import ReportTemplate
from lotse.reports.queries import LEVELS, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QualityForm(forms.Form):
    """A report template (its programme) and a unit the user may report on."""

    template: forms.ModelChoiceField[ReportTemplate] = forms.ModelChoiceField(
        queryset=None, label=_("Programme"), empty_label=None
    )
    unit = forms.ChoiceField(label=_("For"))

    def __init__(self, *args: Any, templates: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {u.key: u for u in units}
        field_of(self, "template", forms.ModelChoiceField).queryset = templates
        field_of(self, "unit", forms.ChoiceField).choices = [
            (u.key, f"{LEVELS[u.level]}: {u.label}") for u in units
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["unit_obj"] = self.units.get(data.get("unit", ""))
        return data


class ReportForm(QualityForm):
    """…and the period of a report."""

    template: forms.ModelChoiceField[ReportTemplate] = forms.ModelChoiceField(
        queryset=None, label=_("Report"), empty_label=None
    )
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("Until"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        last_year = timezone.localdate().year - 1
        self.initial.setdefault("start", dt.date(last_year, 1, 1))
        self.initial.setdefault("end", dt.date(last_year, 12, 31))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The end lies before the start."))
            elif (end - start).days > 366 * 5:
                self.add_error("end", _("A report covers at most five years."))
        return data
