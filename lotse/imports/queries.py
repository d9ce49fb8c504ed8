"""Reads of import runs: those of the offices where the user holds personal data."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lotse.clients import queries as client_queries
from lotse.clients.models import Client
from lotse.core import access
from lotse.core.access import Capability
from lotse.imports.models import ImportRun
from lotse.organisations.models import Office

PERSONAL = Capability.PERSONAL_DATA


def offices_for(user: Any) -> QuerySet[Office]:
    return access.offices_for(user, PERSONAL).order_by("name")


def runs_for(user: Any) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(office__in=offices_for(user).values("pk")).select_related(
        "office", "created_by"
    )


def get_run_for(user: Any, pk: Any) -> ImportRun:
    return access.get_or_404(runs_for(user), pk=pk)


def candidates(user: Any, run: ImportRun) -> dict[int, Client]:
    """The existing records that rows of the report duplicate, as far as the user sees them."""
    ids = {row["candidate"] for row in (run.report or {}).get("rows", []) if row["candidate"]}
    return {c.pk: c for c in client_queries.clients_for(user).filter(pk__in=ids)}
