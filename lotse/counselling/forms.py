from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lotse.clients.lib import codes
from lotse.clients.models import Client, ClientLanguage
from lotse.clients.queries import read_household_and_languages
from lotse.core.forms import ModelForm, field_of
from lotse.core.models import Term
from lotse.counselling.models import Contact
from lotse.organisations.models import Office

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DEFAULTS = (("kind", "contact_kind", "folgeberatung"), ("channel", "channel", "persoenlich"))


def best_spoken(languages: Iterable[ClientLanguage]) -> ClientLanguage | None:
    """The language the client speaks best (a first language before C2 … before none):
    what a contact is most likely held in."""
    rank = {level: n for n, level in enumerate(ClientLanguage.Level.values)}
    return min(languages, key=lambda spoken: rank.get(spoken.level, len(rank)), default=None)


class ContactForm(ModelForm[Contact]):
    """One short form: everything a contact needs, with sensible defaults."""

    language = forms.ChoiceField(label=_("Language used"), required=False, choices=())
    topics = forms.ModelMultipleChoiceField(
        queryset=Term.objects.filter(vocabulary=Term.Vocabulary.TOPIC, is_active=True),
        label=_("Topics"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Contact
        fields = [
            "kind",
            "date",
            "duration_minutes",
            "channel",
            "topics",
            "language",
            "interpreting",
            "household_members",
            "note",
        ]
        widgets = {
            "date": DATE,
            "household_members": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        }

    def __init__(self, *args: Any, client: Client | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = (get_language() or "de")[:2]
        field = field_of(self, "language", forms.ChoiceField)
        field.choices = [("", "–"), *codes.language_choices(language)]
        self.initial.setdefault("date", timezone.localdate())
        self.initial.setdefault("duration_minutes", 30)
        wanted = Q()
        for _name, vocabulary, code in DEFAULTS:
            wanted |= Q(vocabulary=vocabulary, code=code)
        defaults = {(t.vocabulary, t.code): t.pk for t in Term.objects.filter(wanted)}
        for name, vocabulary, code in DEFAULTS:
            field = field_of(self, name, forms.ModelChoiceField)
            field.empty_label = None  # always a default: no empty choice to step over
            if (vocabulary, code) in defaults:
                self.initial.setdefault(name, defaults[vocabulary, code])
        if client is None:
            self.fields.pop("household_members", None)
        else:
            read_household_and_languages(client)  # no query where the file has read them
            members = field_of(self, "household_members", forms.ModelMultipleChoiceField)
            members.queryset = client.household.all()  # what a submission is checked against
            members.choices = [
                (m.pk, members.label_from_instance(m)) for m in client.household.all()
            ]
            members.required = False
            spoken = best_spoken(client.languages.all())
            if spoken:
                self.initial.setdefault("language", spoken.language)


class OfficeContactForm(ContactForm):
    """An anonymous contact or a group session: no client record."""

    nationality = forms.ChoiceField(label=_("Nationality"), required=False, choices=())

    class Meta(ContactForm.Meta):
        fields = [
            "office",
            "kind",
            "date",
            "duration_minutes",
            "channel",
            "topics",
            "language",
            "interpreting",
            "age_band",
            "sex",
            "nationality",
            "participants",
            "note",
        ]

    def __init__(self, *args: Any, offices: Any, group: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        office = field_of(self, "office", forms.ModelChoiceField)
        office.queryset = offices
        first: Office | None = offices.first()
        if first is not None:
            self.initial.setdefault("office", first.pk)
        nationality = field_of(self, "nationality", forms.ChoiceField)
        nationality.choices = [("", "–"), *codes.country_choices((get_language() or "de")[:2])]
        self.group = group
        if group:
            for name in ("age_band", "sex", "nationality"):
                del self.fields[name]
            self.fields["participants"].required = True
            term = Term.objects.filter(vocabulary="contact_kind", code="gruppenberatung").first()
            if term:
                self.initial["kind"] = term.pk
        else:
            del self.fields["participants"]
            self.fields["age_band"].required = True
            term = Term.objects.filter(vocabulary="contact_kind", code="kurzberatung").first()
            if term:
                self.initial["kind"] = term.pk
