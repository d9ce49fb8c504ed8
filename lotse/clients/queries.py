"""Reads of client records, always within the offices where the user holds personal data."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from lotse.clients.lib.names import MATCH_THRESHOLD, keys, normalise, similarity
from lotse.clients.models import Client, ClientNameKey, Consent, Document, HouseholdMember
from lotse.core import access
from lotse.core.access import Capability
from lotse.counselling.models import Contact

PERSONAL = Capability.PERSONAL_DATA
DATE = re.compile(r"^(?:(\d{1,2})\.)?(?:(\d{1,2})\.)?(\d{4})$")
FILE_NUMBER = re.compile(r"^\d{7,8}-\d{3}$")


def clients_for(user: Any) -> QuerySet[Client]:
    """Live records (not merged away, not anonymised) of the offices where the user may
    see personal data."""
    offices = access.office_scope(user, PERSONAL)
    return Client.objects.filter(office__in=offices, merged_into=None, anonymised_at=None)


def get_client_for(user: Any, pk: Any) -> Client:
    return access.get_or_404(clients_for(user).select_related("office", "preferred_channel"), pk=pk)


def get_document_for(client: Client, pk: Any) -> Document:
    return access.get_or_404(client.documents.all(), pk=pk)


def get_consent_for(client: Client, pk: Any) -> Consent:
    return access.get_or_404(client.consents.all(), pk=pk)


@dataclass
class Hit:
    client: Client
    score: float
    reasons: list[str] = field(default_factory=list)


def _best_name_score(query: str, client: Client) -> float:
    return max(similarity(query, name) for name in client.names_for_matching)


def search(user: Any, query: str, limit: int = 20) -> list[Hit]:
    """By any spelling of a name, a date of birth, a BAMF file number or a phone number."""
    query = query.strip()[:200]
    if not query:
        return []
    clients = clients_for(user).select_related("office")
    date = DATE.match(query)
    if date:
        day, month, year = date.groups()
        if month is None and day is not None:
            day, month = None, day
        born = clients.filter(birth_year=int(year))
        if month:
            born = born.filter(birth_month=int(month))
        if day:
            born = born.filter(birth_day=int(day))
        return [Hit(c, 1.0) for c in born[:limit]]
    if FILE_NUMBER.match(query):
        return [Hit(c, 1.0) for c in clients.filter(bamf_file_number=query)[:limit]]
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 6 and len(digits) >= len(query.replace(" ", "")) - 2:
        found = [c for c in clients.exclude(phone="") if digits in re.sub(r"\D", "", c.phone)]
        return [Hit(c, 1.0) for c in found[:limit]]
    normalised = normalise(query)
    if not normalised:
        return []
    by_text = Q(search_name__contains=normalised)
    candidates = clients.filter(Q(_has_key(query)) | by_text)[:500]
    hits = []
    for client in candidates:
        score = _best_name_score(query, client)
        if normalised in client.search_name:
            score = max(score, 0.99 if len(normalised) >= 3 else 0.5)
        if score >= MATCH_THRESHOLD * 0.8:
            hits.append(Hit(client, score))
    hits.sort(key=lambda h: (-h.score, h.client.family_name, h.client.given_names))
    return hits[:limit]


def _has_key(name: str) -> Exists:
    """Whether a client has one of the blocking keys of `name`. Asked per client of the
    user's offices (an index probe each), not as the list of every client in the state
    with such a key: a common family name has tens of thousands."""
    return Exists(ClientNameKey.objects.filter(client=OuterRef("pk"), key__in=keys(name)))


def duplicates(
    user: Any,
    *,
    given_names: str,
    family_name: str,
    birth_year: int | None,
    nationalities: list[str],
    exclude: int | None = None,
    limit: int = 5,
) -> list[Hit]:
    """Records that are likely the same person, with the reasons."""
    name = f"{given_names} {family_name}"
    if not normalise(name):
        return []
    clients = clients_for(user).select_related("office")
    candidates = clients.filter(_has_key(name))
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    hits = []
    for client in candidates[:500]:
        score = _best_name_score(name, client)
        reasons = []
        if score >= MATCH_THRESHOLD:
            reasons.append("name")
        if birth_year and client.birth_year:
            if client.birth_year == birth_year:
                score += 0.1
                reasons.append("birth_year")
            elif abs(client.birth_year - birth_year) > 2:
                score -= 0.2
        if set(nationalities) & set(client.nationalities) - {"unknown"}:
            score += 0.05
            reasons.append("nationality")
        if "name" in reasons:
            hits.append(Hit(client, score, reasons))
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]


def read_household_and_languages(client: Client) -> None:
    """Read the client's household (with the members' records) and languages into the
    record, once: the file shows them and so does the contact form beside it."""
    household = Prefetch("household", HouseholdMember.objects.select_related("member"))
    prefetch_related_objects([client], household, "languages")


def client_file(user: Any, client: Client) -> dict[str, Any]:
    """Everything the client file shows, in a fixed number of queries."""
    today = timezone.localdate()
    read_household_and_languages(client)
    consents = list(client.consents.select_related("recorded_by"))
    statuses = list(client.residence_statuses.select_related("status"))
    contacts = (
        client.contacts.select_related("kind", "channel", "counsellor", "interpreting")
        .prefetch_related("topics", "household_members")
        .order_by("-date", "-created_at")
    )
    return {
        "client": client,
        "today": today,
        "languages": list(client.languages.all()),
        "statuses": statuses,
        "current_status": next((s for s in statuses if s.is_current(today)), None),
        "accommodations": list(client.accommodations.select_related("kind", "municipality")),
        "needs": list(client.protection_needs.select_related("need")),
        "household": list(client.household.all()),
        "household_of": list(
            HouseholdMember.objects.filter(member=client).select_related("client")
        ),
        "consents": consents,
        "consents_in_force": [c for c in consents if c.in_force(today)],
        "documents": list(client.documents.select_related("uploaded_by")),
        "notes": list(client.working_notes.filter(author=user)),
        "contacts": list(contacts[:100]),
        "merged_records": list(client.merged_records.all()),
        "cases": list(client.cases.select_related("programme")),
        "decisions": list(client.asylum_decisions.select_related("kind")),
    }


def recent_clients(user: Any, limit: int = 15) -> list[Client]:
    """Clients of the user's offices with the latest contacts, newest first."""
    since = timezone.localdate() - dt.timedelta(days=60)
    recent = (
        Contact.objects.filter(counsellor=user, client__isnull=False, date__gte=since)
        .order_by("-date")
        .values_list("client_id", flat=True)[:200]
    )
    ids = list(dict.fromkeys(recent))[:limit]
    found = {c.pk: c for c in clients_for(user).filter(pk__in=ids).select_related("office")}
    return [found[i] for i in ids if i in found]
