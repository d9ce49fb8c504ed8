from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates, Jinja2
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.utils.translation import gettext_lazy as _

from lotse.organisations.models import District, Office, Provider

F = TypeVar("F", bound=forms.Field)
M = TypeVar("M", bound=models.Model)


class FormRenderer(Jinja2):
    """Django's own widget templates, drawn by Jinja2.

    A form draws a template for every option of a select and every attribute list, a
    hundred and more on the client file; Jinja2 draws these several times faster than
    the Django template language, from the same templates Django ships for both.
    Templates only the Django language has (the administration's widgets) are drawn by
    it."""

    def get_template(self, template_name: str) -> Any:
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)

    @cached_property
    def fallback(self) -> DjangoTemplates:
        return DjangoTemplates()


class ListedChoices(ModelChoiceIterator[Any]):
    """A choice field's options read with one ordinary query and kept for the form.

    Django's own iterator opens a server-side cursor on PostgreSQL for every pass over
    the options (declare, fetch, close: three round trips), and a select is passed over
    more than once while it renders."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ModelForm(forms.ModelForm[M]):
    """A model form that shows the record's own errors on fields it does not have (a
    form may leave fields out) among its general errors, where Django would fail, and
    reads each choice field's options once (`ListedChoices`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.iterator = ListedChoices
                field.widget.choices = field.choices

    def add_error(self, field: str | None, error: Any) -> None:
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            placed: dict[str, list[ValidationError]] = {}
            for name, errors in error.error_dict.items():
                known = name == NON_FIELD_ERRORS or name in self.fields
                placed.setdefault(name if known else NON_FIELD_ERRORS, []).extend(errors)
            error = ValidationError(placed)
        super().add_error(field, error)


def field_of(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """A form's field, typed: for setting choices and querysets at run time."""
    found = form.fields[name]
    if not isinstance(found, kind):
        raise TypeError(f"{name} is a {type(found).__name__}, not a {kind.__name__}")
    return found


def apply_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form whose input caused it."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def save_posted(
    request: HttpRequest, form: forms.BaseForm, save: Callable[[], object], done: str
) -> bool:
    """Validate `form` and call the service in `save`; on success flash `done`.

    False when the form or the service refused the input: the errors are then on the
    form, which still holds everything that was typed.
    """
    if not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        apply_error(form, error)
        return False
    messages.success(request, done)
    return True


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Who"), required=False, max_length=150)
    action = forms.CharField(
        label=_("Action"), required=False, max_length=100, help_text=_("e.g. accounts.login")
    )
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    office = forms.ModelChoiceField(Office.objects.all(), label=_("Office"), required=False)
    provider = forms.ModelChoiceField(Provider.objects.all(), label=_("Provider"), required=False)
    district = forms.ModelChoiceField(District.objects.all(), label=_("District"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The start date lies after the end date."))
        return data
