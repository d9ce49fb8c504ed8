"""A believable demo setting, built through the services like real data.

Districts and municipalities carry their official keys. Later features add their demo
data here too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from lotse.accounts.models import User
from lotse.organisations import services
from lotse.organisations.models import District, Office, Programme, Provider, Role, State

PASSWORD = "Lotse-Demo-2026"

# state code → [(district key, name, kind, [(AGS, municipality)])]
GEOGRAPHY = {
    "08": [
        (
            "08118",
            "Landkreis Ludwigsburg",
            District.Kind.RURAL,
            [
                ("08118048", "Ludwigsburg"),
                ("08118027", "Hemmingen"),
                ("08118046", "Kornwestheim"),
                ("08118079", "Bietigheim-Bissingen"),
                ("08118011", "Ditzingen"),
            ],
        ),
        ("08212", "Stadt Karlsruhe", District.Kind.URBAN, [("08212000", "Karlsruhe")]),
        (
            "08116",
            "Landkreis Esslingen",
            District.Kind.RURAL,
            [
                ("08116033", "Kirchheim unter Teck"),
                ("08116071", "Wendlingen am Neckar"),
                ("08116056", "Plochingen"),
                ("08116019", "Esslingen am Neckar"),
            ],
        ),
    ],
    "12": [
        (
            "12065",
            "Landkreis Oberhavel",
            District.Kind.RURAL,
            [
                ("12065256", "Oranienburg"),
                ("12065136", "Hennigsdorf"),
                ("12065332", "Velten"),
                ("12065356", "Zehdenick"),
            ],
        ),
    ],
    "07": [
        ("07315", "Stadt Mainz", District.Kind.URBAN, [("07315000", "Mainz")]),
        (
            "07339",
            "Landkreis Mainz-Bingen",
            District.Kind.RURAL,
            [
                ("07339030", "Ingelheim am Rhein"),
                ("07339005", "Bingen am Rhein"),
            ],
        ),
    ],
    "01": [
        (
            "01060",
            "Kreis Segeberg",
            District.Kind.RURAL,
            [
                ("01060005", "Bad Segeberg"),
                ("01060063", "Norderstedt"),
                ("01060044", "Kaltenkirchen"),
                ("01060039", "Henstedt-Ulzburg"),
            ],
        ),
    ],
}

# provider, kind, umbrella, [(office, district key, city, street, municipalities, programmes)]
PROVIDERS = [
    (
        "Caritas Ludwigsburg",
        Provider.Kind.WELFARE,
        "Caritas",
        [
            (
                "Caritas Migrationsdienst Ludwigsburg",
                "08118",
                "Ludwigsburg",
                "Parkstraße 34",
                ["Ludwigsburg", "Bietigheim-Bissingen"],
                ["bw-im", "mbe"],
            ),
            (
                "Caritas Migrationsdienst Kornwestheim",
                "08118",
                "Kornwestheim",
                "Bahnhofstraße 12",
                ["Kornwestheim"],
                ["bw-im"],
            ),
        ],
    ),
    (
        "Landkreis Ludwigsburg – Fachbereich Integration",
        Provider.Kind.DISTRICT,
        "",
        [
            (
                "Integrationsmanagement Strohgäu",
                "08118",
                "Ditzingen",
                "Am Laien 1",
                ["Hemmingen", "Ditzingen"],
                ["bw-im"],
            ),
        ],
    ),
    (
        "Stadt Karlsruhe – Sozial- und Jugendbehörde",
        Provider.Kind.MUNICIPALITY,
        "",
        [
            (
                "Integrationsmanagement Karlsruhe",
                "08212",
                "Karlsruhe",
                "Kaiserallee 4",
                ["Karlsruhe"],
                ["bw-im"],
            ),
        ],
    ),
    (
        "Stadt Kirchheim unter Teck",
        Provider.Kind.MUNICIPALITY,
        "",
        [
            (
                "Integrationsmanagement Kirchheim unter Teck",
                "08116",
                "Kirchheim unter Teck",
                "Marktstraße 14",
                ["Kirchheim unter Teck", "Wendlingen am Neckar", "Plochingen"],
                ["bw-im"],
            ),
        ],
    ),
    (
        "Landkreis Oberhavel – Sozialamt",
        Provider.Kind.DISTRICT,
        "",
        [
            (
                "Migrationssozialarbeit Oranienburg",
                "12065",
                "Oranienburg",
                "Adolf-Dechert-Straße 1",
                ["Oranienburg", "Velten", "Zehdenick"],
                ["bb-msa"],
            ),
        ],
    ),
    (
        "Diakonie Oberhavel",
        Provider.Kind.WELFARE,
        "Diakonie",
        [
            (
                "Migrationsberatung Hennigsdorf",
                "12065",
                "Hennigsdorf",
                "Hauptstraße 8",
                ["Hennigsdorf"],
                ["bb-msa", "mbe"],
            ),
        ],
    ),
    (
        "Caritas Mainz",
        Provider.Kind.WELFARE,
        "Caritas",
        [
            (
                "Migrationsfachdienst Mainz",
                "07315",
                "Mainz",
                "Holzhofstraße 8",
                ["Mainz"],
                ["rlp-mfd", "mbe"],
            ),
        ],
    ),
    (
        "AWO Rheinhessen",
        Provider.Kind.WELFARE,
        "AWO",
        [
            (
                "Migrationsfachdienst Ingelheim",
                "07339",
                "Ingelheim am Rhein",
                "Bahnhofstraße 3",
                ["Ingelheim am Rhein", "Bingen am Rhein"],
                ["rlp-mfd"],
            ),
        ],
    ),
    (
        "Diakonie Segeberg",
        Provider.Kind.WELFARE,
        "Diakonie",
        [
            (
                "Migrationssozialberatung Bad Segeberg",
                "01060",
                "Bad Segeberg",
                "Kurhausstraße 2",
                ["Bad Segeberg", "Kaltenkirchen"],
                ["sh-msb"],
            ),
        ],
    ),
    (
        "DRK-Kreisverband Segeberg",
        Provider.Kind.WELFARE,
        "DRK",
        [
            (
                "Migrationsberatung Norderstedt",
                "01060",
                "Norderstedt",
                "Rathausallee 20",
                ["Norderstedt", "Henstedt-Ulzburg"],
                ["sh-msb", "mbe"],
            ),
        ],
    ),
]

# One login per role; the office, provider, district or state named by its name or key.
PERSONAS = [
    ("beratung", "Sarah", "Becker", Role.COUNSELLOR, "Caritas Migrationsdienst Ludwigsburg"),
    ("teamleitung", "Jonas", "Weber", Role.TEAM_LEAD, "Caritas Migrationsdienst Ludwigsburg"),
    ("traeger", "Petra", "Schulz", Role.PROVIDER_COORDINATOR, "Caritas Ludwigsburg"),
    ("kreis", "Michael", "Hoffmann", Role.DISTRICT_COORDINATOR, "08118"),
    ("land", "Claudia", "Wagner", Role.STATE_ANALYST, "08"),
    ("admin", "Andreas", "Krüger", Role.ADMINISTRATOR, None),
]

# A dozen more counsellors across the offices.
COUNSELLORS = [
    ("a.yilmaz", "Ayşe", "Yılmaz", "Caritas Migrationsdienst Ludwigsburg"),
    ("m.haddad", "Mariam", "Haddad", "Caritas Migrationsdienst Ludwigsburg"),
    ("t.neumann", "Tobias", "Neumann", "Caritas Migrationsdienst Kornwestheim"),
    ("l.fischer", "Lena", "Fischer", "Integrationsmanagement Strohgäu"),
    ("k.rahimi", "Karim", "Rahimi", "Integrationsmanagement Karlsruhe"),
    ("j.schmid", "Julia", "Schmid", "Integrationsmanagement Karlsruhe"),
    ("o.kovalenko", "Olena", "Kovalenko", "Integrationsmanagement Kirchheim unter Teck"),
    ("s.lehmann", "Stefan", "Lehmann", "Migrationssozialarbeit Oranienburg"),
    ("n.ahmadi", "Nasrin", "Ahmadi", "Migrationsberatung Hennigsdorf"),
    ("f.mueller", "Fatma", "Müller", "Migrationsfachdienst Mainz"),
    ("d.petersen", "Dirk", "Petersen", "Migrationssozialberatung Bad Segeberg"),
    ("h.tesfay", "Helen", "Tesfay", "Migrationsberatung Norderstedt"),
]


@dataclass(frozen=True)
class Login:
    username: str
    name: str
    role: str
    organisation: str


def logins() -> list[Login]:
    result = []
    for username, *_ in PERSONAS:
        user = User.objects.get(username=username)
        membership = user.memberships.get()
        result.append(
            Login(username, str(user), membership.get_role_display(), str(membership.scope or "–"))
        )
    return result


def is_loaded() -> bool:
    return User.objects.filter(username=PERSONAS[0][0]).exists()


@transaction.atomic
def load() -> None:
    districts: dict[str, District] = {}
    municipalities = {}
    for code, entries in GEOGRAPHY.items():
        state = State.objects.get(code=code)
        for key, name, kind, members in entries:
            district = services.create_district(None, state, key=key, name=name, kind=kind)
            districts[key] = district
            for ags, municipality in members:
                municipalities[municipality] = services.create_municipality(
                    None, district, ags=ags, name=municipality
                )
    programmes = {p.key: p for p in Programme.objects.all()}
    services.delegate_to_district(
        None,
        municipalities["Hemmingen"],
        programmes["bw-im"],
        valid_from=dt.date(2017, 10, 1),
        decision="Gemeinderatsbeschluss vom 10.07.2017 (Pakt für Integration – Beauftragung "
        "des Landkreises Ludwigsburg)",
    )
    organisations: dict[str, Office | Provider | District | State | None] = {}
    for provider_name, provider_kind, umbrella, offices in PROVIDERS:
        provider = services.create_provider(
            None, name=provider_name, kind=provider_kind, umbrella=umbrella
        )
        organisations[provider_name] = provider
        for name, district_key, city, street, served, keys in offices:
            organisations[name] = services.create_office(
                None,
                provider,
                name=name,
                district=districts[district_key],
                municipalities=[municipalities[m] for m in served],
                programmes=[programmes[k] for k in keys],
                city=city,
                street=street,
            )
    organisations.update(districts)
    organisations.update({s.code: s for s in State.objects.all()})
    people = PERSONAS + [(u, f, la, Role.COUNSELLOR, o) for u, f, la, o in COUNSELLORS]
    for username, first, last, role, where in people:
        user = services.create_user(
            None,
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@lotse.example",
            password=PASSWORD,
        )
        services.add_membership(None, user, role, organisations[where] if where else None)
