"""What Lotse holds about a client, and what happens to it when the record is anonymised.

Every app that keeps parts of a client's file declares them in its own `privacy.py` as
`RECORDS`: the model, the lookup from a row to its client, and one treatment:

- DELETE: the rows go (and their files): nothing in them is counted anywhere.
- BLANK: the rows stay with the fields named set to the given values: their dates,
  kinds and links are what the statistics count, their free text is not.
- KEEP: the rows stay as they are: they hold no free text and nothing that names the
  person.

The client row itself keeps what the statistics count (office, year and month of
birth, sex, nationalities) and loses names, contact details, file number, day of birth
and date of entry (`CLIENT_BLANK`). `tests/clients/test_privacy.py` fails for a model
that reaches a client and is declared nowhere, and proves on the demo that every report
is the same before and after anonymisation.

The same declarations drive the export of everything held about a client (Art. 15
GDPR): every row of every declared model, and who accessed the file.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery

from lotse.cases.models import Case, add_months
from lotse.clients.models import Client
from lotse.core.models import AuditEvent
from lotse.counselling.models import Contact
from lotse.organisations.models import Programme


class Treatment(enum.StrEnum):
    DELETE = "delete"
    BLANK = "blank"
    KEEP = "keep"


@dataclass(frozen=True)
class Record:
    model: type[models.Model]
    client: str  # lookup from a row to its client, e.g. "case__client"
    treatment: Treatment
    why: str
    blank: Mapping[str, Any] = field(default_factory=dict)

    def rows(self, client: Client) -> QuerySet[Any]:
        return self.model._base_manager.filter(**{self.client: client}).order_by("pk")


# The client row after anonymisation: what names or reaches the person goes.
CLIENT_BLANK: dict[str, Any] = {
    "given_names": "",
    "family_name": "",
    "name_original_script": "",
    "other_spellings": "",
    "birth_day": None,
    "entry_date": None,
    "phone": "",
    "email": "",
    "address": "",
    "preferred_channel": None,
    "bamf_file_number": "",
    "search_name": "",
}


def records() -> list[Record]:
    """The declarations of every installed app, in the order of INSTALLED_APPS."""
    found: list[Record] = []
    for app in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app.name}.privacy")
        except ModuleNotFoundError as missing:
            if missing.name != f"{app.name}.privacy":
                raise
            continue
        found.extend(getattr(module, "RECORDS", []))
    return found


# --- retention -----------------------------------------------------------------------


def last_activity(clients: QuerySet[Client]) -> QuerySet[Client]:
    """Annotate each client with the last day anything happened in the file (a contact,
    a case opened or closed; the record's creation counts too) and with the longest
    retention of the programmes of its cases."""

    def latest(queryset: QuerySet[Any], name: str) -> Subquery:
        rows = queryset.filter(client=OuterRef("pk")).values("client")
        return Subquery(rows.annotate(last=Max(name)).values("last")[:1])

    return clients.annotate(
        last_contact=latest(Contact.objects.all(), "date"),
        last_opened=latest(Case.objects.all(), "opened_on"),
        last_closed=latest(Case.objects.all(), "closed_on"),
        case_retention=latest(Case.objects.all(), "programme__retention_months"),
    )


def office_retention() -> dict[int, int]:
    """Per office, the longest retention of the programmes it runs."""
    rows = Programme.objects.values_list("offices", "retention_months")
    longest: dict[int, int] = {}
    for office, months in rows:
        if office is not None:
            longest[office] = max(months, longest.get(office, 0))
    return longest


def kept_until(client: Client, by_office: dict[int, int]) -> dt.date:
    """The day until which the record is kept: its last activity plus the longest
    retention of the programmes of its cases (of its office's, if it has none).
    `client` comes from `last_activity`."""
    months = (
        getattr(client, "case_retention", None)
        or by_office.get(client.office_id)
        or max(by_office.values(), default=36)
    )
    days = [
        client.created_at.date(),
        *(getattr(client, name) for name in ("last_contact", "last_opened", "last_closed")),
    ]
    return add_months(max(day for day in days if day is not None), months)


def due(today: dt.date) -> list[Client]:
    """Records whose retention has run out: no open case, not on legal hold, not yet
    anonymised, last activity longer ago than the retention period. One query for the
    candidates, one for the offices' retention."""
    open_case = Case.objects.filter(client=OuterRef("pk"), closed_on__isnull=True)
    candidates = (
        Client.objects.filter(anonymised_at__isnull=True, legal_hold="")
        .exclude(Exists(open_case))
        .select_related("office")
    )
    by_office = office_retention()
    return [c for c in last_activity(candidates).order_by("pk") if kept_until(c, by_office) < today]


# --- export --------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A field value as JSON: dates in ISO 8601, decimals as text, files by name."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def row(instance: models.Model) -> dict[str, Any]:
    """Every concrete field of a row, links both as id and as their label, and the
    labels of its many-to-many links."""
    result: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.is_relation:
            result[f.attname] = getattr(instance, f.attname)
            related = getattr(instance, f.name)
            result[f.name] = "" if related is None else str(related)
        else:
            result[f.name] = plain(getattr(instance, f.attname))
    for f in instance._meta.many_to_many:
        result[f.name] = [str(obj) for obj in getattr(instance, f.name).all()]
    return result


def accesses(client: Client, held: Mapping[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every audit event about the file or one of its parts, and every list or search
    that showed the client's name: who, when, what."""

    objects = Q(object_type=Client._meta.label_lower, object_id=str(client.pk))
    for label, rows in held.items():
        ids = [str(r["id"]) for r in rows]
        if ids:
            objects |= Q(object_type=label, object_id__in=ids)
    events = list(AuditEvent.objects.filter(objects).order_by("sequence"))
    listings = AuditEvent.objects.filter(
        action="clients.client.listed", office_id=client.office_id
    ).order_by("sequence")
    events += [e for e in listings if client.pk in e.data.get("ids", [])]
    return [
        {
            "when": event.occurred_at.isoformat(),
            "who": event.actor_label,
            "action": event.action,
            "object": event.object_label,
        }
        for event in sorted(events, key=lambda e: e.sequence)
    ]


def held_about(client: Client) -> dict[str, list[dict[str, Any]]]:
    """Every row of every declared model that belongs to the client, by model label."""
    return {
        record.model._meta.label_lower: [row(r) for r in record.rows(client)]
        for record in records()
    }


# --- this app's parts of the file ------------------------------------------------------


def _declare() -> list[Record]:
    from lotse.clients import models as m

    d, b, k = Treatment.DELETE, Treatment.BLANK, Treatment.KEEP
    return [
        Record(m.ClientNameKey, "client", d, "search keys derived from the names"),
        Record(m.ClientLanguage, "client", k, "language and level only"),
        Record(
            m.ResidenceStatus,
            "client",
            b,
            "status and dates are counted in reports; the note is free text",
            {"note": ""},
        ),
        Record(m.AccommodationPeriod, "client", d, "addresses of the past; not counted"),
        Record(m.ProtectionNeed, "client", d, "special-category data; not counted"),
        Record(
            m.HouseholdMember,
            "client",
            b,
            "family members counselled alongside are counted; the name is not",
            {"given_name": ""},
        ),
        Record(
            m.Consent,
            "client",
            b,
            "referrals point to their consent; purpose and recipients are free text",
            {"purpose": "", "recipients": ""},
        ),
        Record(m.Document, "client", d, "uploaded papers, files included; not counted"),
        Record(m.WorkingNote, "client", d, "personal working notes; not counted"),
        Record(m.AsylumDecision, "client", d, "decisions and deadlines; not counted"),
    ]


RECORDS = _declare()
