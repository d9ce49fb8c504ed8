from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lotse.clients.lib import codes
from lotse.clients.models import Client
from lotse.core.forms import ModelForm, field_of
from lotse.core.models import Term
from lotse.network.models import Appointment, FollowUp, Referral, Service
from lotse.organisations.models import District, Municipality, Office

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
V = Term.Vocabulary


def _language_choices(empty: str = "–") -> list[tuple[str, str]]:
    return [("", empty), *codes.language_choices((get_language() or "de")[:2])]


def _terms(vocabulary: str) -> QuerySet[Term]:
    return Term.objects.filter(vocabulary=vocabulary, is_active=True)


class ServiceSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    service_type = forms.ModelChoiceField(
        _terms(V.SERVICE_TYPE), label=_("Service type"), required=False
    )
    topic = forms.ModelChoiceField(_terms(V.TOPIC), label=_("Topic"), required=False)
    language = forms.ChoiceField(label=_("Language offered"), required=False, choices=())
    municipality = forms.ModelChoiceField(
        Municipality.objects.none(), label=_("Place"), required=False
    )

    def __init__(self, *args: Any, districts: QuerySet[District], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "language", forms.ChoiceField).choices = _language_choices()
        field_of(
            self, "municipality", forms.ModelChoiceField
        ).queryset = Municipality.objects.filter(district__in=districts).order_by("name")


class ServiceForm(ModelForm[Service]):
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"),
        required=False,
        choices=(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    scope = forms.ChoiceField(label=_("Who sees this entry"), choices=())
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Service
        fields = [
            "organisation",
            "name",
            "service_type",
            "topics",
            "languages",
            "address",
            "municipality",
            "contact_person",
            "phone",
            "email",
            "website",
            "opening_hours",
            "accessibility",
            "notes",
            "is_active",
        ]
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "opening_hours": forms.Textarea(attrs={"rows": 2}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self,
        *args: Any,
        districts: QuerySet[District],
        offices: QuerySet[Office],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "languages", forms.MultipleChoiceField).choices = _language_choices()[1:]
        self.districts = {d.pk: d for d in districts}
        self.offices = {o.pk: o for o in offices.select_related("district")}
        choices = [(f"d{d.pk}", _("shared in %(district)s") % {"district": d}) for d in districts]
        choices += [(f"o{o.pk}", _("only my office %(office)s") % {"office": o}) for o in offices]
        field_of(self, "scope", forms.ChoiceField).choices = choices
        field_of(
            self, "municipality", forms.ModelChoiceField
        ).queryset = Municipality.objects.filter(district__in=districts).order_by("name")
        if self.instance.pk:
            self.initial["scope"] = (
                f"o{self.instance.office_id}"
                if self.instance.office_id
                else f"d{self.instance.district_id}"
            )
        elif len(choices) >= 1:
            self.initial.setdefault("scope", choices[0][0])

    def clean_scope(self) -> str:
        scope: str = self.cleaned_data["scope"]
        kind, pk = scope[:1], int(scope[1:])
        if kind == "o":
            office = self.offices[pk]
            self.instance.office, self.instance.district = office, office.district
        else:
            self.instance.office, self.instance.district = None, self.districts[pk]
        return scope


class ServiceImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns as in the export; service type and topics by code or name, several "
            "separated by |. An entry with the same organisation, offer and address is "
            "updated, not added twice."
        ),
    )
    scope = forms.ChoiceField(label=_("Import into"), choices=())

    def __init__(self, *args: Any, scope_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "scope", forms.ChoiceField).choices = scope_choices


class ConsentChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.purpose} – {', '.join(obj.recipient_lines())}"


class ReferralForm(ModelForm[Referral]):
    class Meta:
        model = Referral
        fields = [
            "service",
            "kind",
            "consent",
            "purpose",
            "made_on",
            "status",
            "accompanied",
            "feedback_due_on",
            "counsellor",
        ]
        field_classes = {"consent": ConsentChoiceField}
        widgets = {
            "kind": forms.RadioSelect,
            "made_on": DATE,
            "feedback_due_on": DATE,
            "purpose": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self,
        *args: Any,
        client: Client,
        services: QuerySet[Service],
        staff: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "service", forms.ModelChoiceField).queryset = services.select_related(
            "service_type"
        )
        consents = field_of(self, "consent", forms.ModelChoiceField)
        today = timezone.localdate()
        consents.queryset = client.consents.filter(pk__in=_consents_in_force(client, today))
        consents.required = False
        consents.help_text = _("Only consents in force are offered.")
        field_of(self, "counsellor", forms.ModelChoiceField).queryset = staff
        status = field_of(self, "status", forms.ChoiceField)
        status.choices = [
            (value, label)
            for value, label in Referral.Status.choices
            if value in (Referral.Status.SUGGESTED, Referral.Status.MADE)
        ]
        self.initial.setdefault("made_on", today)
        self.initial.setdefault("feedback_due_on", today + dt.timedelta(days=21))
        self.initial.setdefault("status", Referral.Status.MADE)


def _consents_in_force(client: Client, day: dt.date) -> list[int]:
    return [c.pk for c in client.consents.all() if c.in_force(day)]


class ReferralUpdateForm(ModelForm[Referral]):
    class Meta:
        model = Referral
        fields = ["status", "feedback_due_on", "feedback_on", "outcome"]
        widgets = {
            "feedback_due_on": DATE,
            "feedback_on": DATE,
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }


class AppointmentForm(ModelForm[Appointment]):
    day = forms.DateField(label=_("Date"), widget=DATE)
    time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    interpreter_language = forms.ChoiceField(
        label=_("Interpreter needed for"), required=False, choices=()
    )

    class Meta:
        model = Appointment
        fields = [
            "counsellor",
            "client",
            "household_members",
            "service",
            "duration_minutes",
            "channel",
            "place",
            "interpreter_language",
            "subject",
            "status",
        ]
        widgets = {"household_members": forms.CheckboxSelectMultiple}

    def __init__(
        self,
        *args: Any,
        office: Office,
        clients: QuerySet[Client],
        services: QuerySet[Service],
        staff: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "counsellor", forms.ModelChoiceField).queryset = staff
        # Appointments with a client are made from the client's file; the list of all
        # the office's clients would be far too long for a select.
        if self.instance.client_id:
            client_field = field_of(self, "client", forms.ModelChoiceField)
            client_field.queryset = clients.filter(pk=self.instance.client_id)
            client_field.empty_label = None
        else:
            del self.fields["client"]
            field_of(self, "service", forms.ModelChoiceField).required = True
        if not self.instance.pk:
            del self.fields["status"]
        field_of(self, "service", forms.ModelChoiceField).queryset = services
        language = field_of(self, "interpreter_language", forms.ChoiceField)
        language.choices = _language_choices(str(_("no interpreter")))
        members = field_of(self, "household_members", forms.ModelMultipleChoiceField)
        if self.instance.client is not None:
            members.queryset = self.instance.client.household.all()
        else:
            del self.fields["household_members"]
        channel = field_of(self, "channel", forms.ModelChoiceField)
        channel.empty_label = None
        if self.instance.pk:
            local = timezone.localtime(self.instance.starts_at)
            self.initial.update(day=local.date(), time=local.time())
        else:
            default = _terms(V.CHANNEL).filter(code="persoenlich").first()
            self.initial.setdefault("channel", default.pk if default else None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day") and data.get("time"):
            self.instance.starts_at = timezone.make_aware(
                dt.datetime.combine(data["day"], data["time"])
            )
        return data


class FollowUpForm(ModelForm[FollowUp]):
    class Meta:
        model = FollowUp
        fields = ["due_on", "note", "assigned_to"]
        widgets = {"due_on": DATE}

    def __init__(self, *args: Any, staff: QuerySet[Any], user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "assigned_to", forms.ModelChoiceField).queryset = staff
        self.initial.setdefault("assigned_to", user.pk)
        self.initial.setdefault("due_on", timezone.localdate() + dt.timedelta(days=7))
