"""Structural work of office A, built through the services: a log entry, a volunteer
with a current police certificate, a consent of client A naming her, and a match.

`add_structural(world)` can be called from `tests/conftest.py:build_world` so that the
URL walk has objects for `activity_pk`, `volunteer_pk` and `match_pk`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from lotse.clients import services as clients
from lotse.clients.models import Consent
from lotse.structural import services as structural
from lotse.structural.models import Activity, Match, Volunteer


def add_structural(w):
    today = timezone.localdate()
    w.activity_a = structural.save_activity(
        w.counsellor_a,
        Activity(
            office=w.office_a,
            kind=Activity.Kind.NETWORK_MEETING,
            date=today - dt.timedelta(days=3),
            hours=Decimal("2.5"),
            title="Runder Tisch Asyl",
            partners="Stadt Ludwigsburg\nDiakonie Ludwigsburg",
            participants=14,
        ),
    )
    w.volunteer_a = structural.save_volunteer(
        w.counsellor_a,
        Volunteer(
            office=w.office_a,
            first_name="Anna",
            last_name="Schmidt",
            languages=["de", "ar"],
            availability="Di und Do nachmittags",
            phone="07141 12345",
            police_certificate_on=today - dt.timedelta(days=365),
        ),
    )
    w.volunteer_consent_a = clients.save_record(
        w.counsellor_a,
        Consent(
            client=w.client_a,
            purpose="Begleitung zu Behörden",
            recipients="Frau Anna Schmidt (Ehrenamt)",
            given_on=today - dt.timedelta(days=10),
            form=Consent.Form.WRITTEN,
            recorded_by=w.counsellor_a,
        ),
    )
    w.match_a = structural.make_match(
        w.counsellor_a,
        Match(
            volunteer=w.volunteer_a,
            client=w.client_a,
            consent=w.volunteer_consent_a,
            purpose="Begleitung zur Ausländerbehörde",
            starts_on=today - dt.timedelta(days=2),
        ),
    )
    return w
