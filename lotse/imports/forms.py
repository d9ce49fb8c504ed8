from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lotse.core.forms import field_of
from lotse.imports.fields import FIELDS
from lotse.imports.models import ImportRun
from lotse.organisations.models import Office


class UploadForm(forms.Form):
    office = forms.ModelChoiceField(queryset=Office.objects.none(), label=_("Office"))
    kind = forms.ChoiceField(
        label=_("The file holds"), choices=ImportRun.Kind.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(label=_("File (XLSX or CSV)"))

    def __init__(self, *args: Any, offices: QuerySet[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        office = field_of(self, "office", forms.ModelChoiceField)
        office.queryset = offices
        office.empty_label = None
        self.initial.setdefault("kind", ImportRun.Kind.CLIENTS)
        limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text = _(
            "Excel workbook (.xlsx, first sheet) or CSV, up to %(mb)d MB and %(rows)d rows, "
            "with the column names in the first row."
        ) % {"mb": limit, "rows": settings.IMPORT_MAX_ROWS}


class MappingForm(forms.Form):
    """One choice per column of the file: the field it goes into, or none."""

    def __init__(self, *args: Any, run: ImportRun, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.run = run
        self.kind_fields = FIELDS[ImportRun.Kind(run.kind)]
        choices = [("", _("– not imported –"))] + [
            (f.name, f"{f.label} *" if f.required else f.label) for f in self.kind_fields
        ]
        samples = [values for _line, values in (run.rows or [])[:3]]
        for position, name in enumerate(run.header):
            shown = [str(v) for v in (row[position] for row in samples if position < len(row))]
            self.fields[f"column_{position}"] = forms.ChoiceField(
                label=name,
                choices=choices,
                required=False,
                initial=run.mapping.get(str(position), ""),
                help_text=", ".join(v for v in shown if v)[:120],
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [value for key, value in data.items() if key.startswith("column_") and value]
        twice = sorted({value for value in chosen if chosen.count(value) > 1})
        labels = {f.name: str(f.label) for f in self.kind_fields}
        if twice:
            raise forms.ValidationError(
                _("Each field can be chosen for one column only: %(fields)s.")
                % {"fields": ", ".join(labels[name] for name in twice)}
            )
        missing = [f for f in self.kind_fields if f.required and f.name not in chosen]
        if missing:
            raise forms.ValidationError(
                _("Choose a column for: %(fields)s.")
                % {"fields": ", ".join(str(f.label) for f in missing)}
            )
        return data

    def mapping(self) -> dict[str, str]:
        return {
            key.removeprefix("column_"): value
            for key, value in self.cleaned_data.items()
            if key.startswith("column_") and value
        }
