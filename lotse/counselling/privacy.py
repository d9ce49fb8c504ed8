"""Contacts in a client's file, for export and anonymisation (lotse/clients/privacy.py)."""

from lotse.clients.privacy import Record, Treatment
from lotse.counselling.models import Contact

RECORDS = [
    Record(
        Contact,
        "client",
        Treatment.BLANK,
        "kind, channel, topics, date and duration are counted; the note is free text",
        {"note": ""},
    ),
]
