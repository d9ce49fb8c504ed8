"""Referrals, appointments and follow-ups in a client's file, for export and
anonymisation (lotse/clients/privacy.py)."""

from lotse.clients.privacy import Record, Treatment
from lotse.network.models import Appointment, FollowUp, Referral

B = Treatment.BLANK
RECORDS = [
    Record(
        Referral,
        "client",
        B,
        "service, dates and feedback are counted; purpose, outcome and history are not",
        {"purpose": "", "outcome": "", "history": []},
    ),
    Record(Appointment, "client", B, "time and channel only stay", {"place": "", "subject": ""}),
    Record(FollowUp, "client", B, "the date stays; the note is free text", {"note": ""}),
]
