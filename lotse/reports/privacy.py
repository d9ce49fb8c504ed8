"""The reporting store in a client's file, for export and anonymisation
(lotse/clients/privacy.py)."""

from lotse.clients.privacy import Record, Treatment
from lotse.reports.models import CountedContact, CountedReferral, CountedTopic

RECORDS = [
    Record(
        CountedContact,
        "client",
        Treatment.KEEP,
        "each contact as the reports count it: programme, office, day, kind and channel",
    ),
    Record(
        CountedTopic,
        "contact__client",
        Treatment.KEEP,
        "the topics of each contact as the reports count them: programme, office and day",
    ),
    Record(
        CountedReferral,
        "referral__client",
        Treatment.KEEP,
        "each referral as the reports count it: programme, office, day and service",
    ),
]
