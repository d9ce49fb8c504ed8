"""Demo data of structural work: a year of log entries per office, a few volunteers
per office (one whose police certificate is out of date, one inactive) and one
volunteer accompanying a client of the counsellor persona, with the client's consent
naming the volunteer."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lotse.accounts.models import User
from lotse.clients import services as clients
from lotse.clients.models import Client, Consent
from lotse.core.services import audited_save
from lotse.organisations.models import Office, Role
from lotse.structural import services
from lotse.structural.models import Activity, Match, Volunteer

K = Activity.Kind
ENTRIES = [
    (K.NETWORK_MEETING, "Runder Tisch Integration", "Jobcenter, Ausländerbehörde, VHS", 14),
    (K.NETWORK_MEETING, "Arbeitskreis Asyl", "Freundeskreis Asyl, Kirchengemeinden", 9),
    (K.VOLUNTEER_COORDINATION, "Austauschtreffen Ehrenamtliche", "Freundeskreis Asyl", 12),
    (K.SOCIAL_SPACE, "Nachbarschaftsfest in der Anschlussunterbringung", "Quartiersmanagement", 60),
    (K.INTERCULTURAL_OPENING, "Schulung Ausländerbehörde: leichte Sprache", "Ausländerbehörde", 18),
    (
        K.ANTI_DISCRIMINATION,
        "Beratung nach Diskriminierung bei Wohnungssuche",
        "Antidiskriminierungsstelle",
        None,
    ),
    (K.PUBLIC_RELATIONS, "Bericht im Gemeinderat", "Stadtverwaltung", 25),
]
VOLUNTEERS = [
    ("Sabine", "Krause", ["de", "en"], "Di und Do nachmittags"),
    ("Yusuf", "Demir", ["de", "tr", "ar"], "abends und samstags"),
    ("Irina", "Bondar", ["de", "uk", "ru"], "vormittags"),
    ("Hamid", "Rezaei", ["de", "fa"], "nach Absprache"),
]


@transaction.atomic
def load(seed: int = 2026) -> None:
    rng = random.Random(seed)
    today = timezone.localdate()
    for office in Office.objects.filter(memberships__role=Role.COUNSELLOR).distinct():
        staff = list(
            User.objects.filter(
                memberships__office=office, memberships__role__in=[Role.COUNSELLOR, Role.TEAM_LEAD]
            ).order_by("pk")
        )
        for number in range(rng.randint(8, 14)):
            kind, title, partners, participants = ENTRIES[number % len(ENTRIES)]
            audited_save(
                None,
                Activity(
                    office=office,
                    kind=kind,
                    date=today - dt.timedelta(days=rng.randint(1, 360)),
                    hours=Decimal(rng.randint(2, 16)) / 4,
                    title=title,
                    partners=partners,
                    participants=participants,
                    recorded_by=staff[number % len(staff)],
                ),
            )
        for number, (first, last, languages, availability) in enumerate(
            VOLUNTEERS[: rng.randint(2, 4)]
        ):
            # The second volunteer's certificate is six years old: flagged, not matchable.
            certified = today - dt.timedelta(days=2200 if number == 1 else rng.randint(30, 1500))
            services.save_volunteer(
                None,
                Volunteer(
                    office=office,
                    first_name=first,
                    last_name=last,
                    languages=languages,
                    availability=availability,
                    phone=f"0170 55{office.pk:02d}{number:03d}",
                    police_certificate_on=certified,
                    is_active=number != 3,
                ),
            )
    _match()


def _match() -> None:
    """Sabine Krause accompanies the counsellor persona's first client to appointments."""
    counsellor = User.objects.get(username="beratung")
    office = Office.objects.get(memberships__user=counsellor, memberships__is_active=True)
    client = Client.objects.filter(office=office, merged_into=None).order_by("pk")[1]
    volunteer = Volunteer.objects.get(office=office, last_name="Krause")
    starts = timezone.localdate() - dt.timedelta(days=40)
    consent = clients.save_record(
        counsellor,
        Consent(
            client=client,
            purpose="Begleitung zu Behördenterminen",
            recipients=f"{volunteer.first_name} {volunteer.last_name} (Ehrenamt)",
            given_on=starts,
            form=Consent.Form.WRITTEN,
            recorded_by=counsellor,
        ),
    )
    services.make_match(
        counsellor,
        Match(
            volunteer=volunteer,
            client=client,
            consent=consent,
            purpose="Begleitung zu Terminen bei Jobcenter und Ausländerbehörde",
            starts_on=starts,
        ),
    )
