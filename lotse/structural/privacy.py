"""Volunteer matches in a client's file, for export and anonymisation
(lotse/clients/privacy.py)."""

from lotse.clients.privacy import Record, Treatment
from lotse.structural.models import Match

RECORDS = [
    Record(
        Match,
        "client",
        Treatment.BLANK,
        "the dates stay; the purpose is free text",
        {"purpose": ""},
    ),
]
