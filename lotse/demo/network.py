"""Demo data of the network around the offices, written through the services.

A service directory for every demo district (the authorities, welfare organisations,
counselling services and initiatives a counsellor there works with), consents and
referrals in every state of their life, anonymous recommendations, three weeks of
appointments for every counsellor, follow-ups, asylum decisions with running
deadlines, reassigned cases and the positions of every office, each with the funding
source that pays it, among them one held by someone whose qualification the programme
does not list and vacancies (lotse.demo.staffing adds their costs and grants).

Phone numbers and addresses are invented: the numbers use the local area code with a
subscriber number starting with 0, which German numbering never assigns, and every
e-mail address and website lies under example.org.

The persona `beratung` finds a full Mein Tag: appointments today, overdue feedback
from services, due follow-ups, a deadline in a few days and cases and referrals newly
assigned by `teamleitung`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from lotse.accounts.models import User
from lotse.cases import services as cases
from lotse.cases.models import Case, Goal, Phase, Step
from lotse.clients import services as clients
from lotse.clients.models import AsylumDecision, Client, Consent, DecisionKind
from lotse.core.lib.deadlines import legal_deadline
from lotse.core.models import Term
from lotse.core.services import audited_save
from lotse.demo import staffing as staffing_demo
from lotse.network import services as network
from lotse.network.models import Appointment, FollowUp, Referral, Service
from lotse.organisations.models import (
    District,
    Membership,
    Municipality,
    Office,
    Programme,
    Role,
)
from lotse.staffing.models import Position

COUNSELLOR = "beratung"
TEAM_LEAD = "teamleitung"


# --- the directory ---------------------------------------------------------------------


@dataclass(frozen=True)
class Town:
    postcode: str
    area_code: str
    streets: tuple[str, ...]


TOWNS = {
    "Ludwigsburg": Town("71638", "07141", ("Schillerplatz", "Hindenburgstraße", "Körnerstraße",
                                           "Solitudestraße", "Wilhelmstraße", "Asperger Straße")),
    "Hemmingen": Town("71282", "07150", ("Hauptstraße", "Schlossgasse")),
    "Kornwestheim": Town("70806", "07154", ("Stuttgarter Straße", "Bahnhofstraße")),
    "Bietigheim-Bissingen": Town("74321", "07142", ("Hauptstraße", "Pforzheimer Straße")),
    "Ditzingen": Town("71254", "07156", ("Marktstraße", "Gerlinger Straße")),
    "Karlsruhe": Town("76133", "0721", ("Kaiserstraße", "Karlstraße", "Kriegsstraße",
                                        "Waldstraße", "Rüppurrer Straße", "Durlacher Allee")),
    "Kirchheim unter Teck": Town("73230", "07021", ("Alleenstraße", "Max-Eyth-Straße",
                                                    "Dettinger Straße")),
    "Wendlingen am Neckar": Town("73240", "07024", ("Am Marktplatz", "Kirchheimer Straße")),
    "Plochingen": Town("73207", "07153", ("Marktstraße", "Esslinger Straße")),
    "Esslingen am Neckar": Town("73728", "0711", ("Pulverwiesen", "Berliner Straße",
                                                  "Ritterstraße", "Mülberger Straße")),
    "Oranienburg": Town("16515", "03301", ("Berliner Straße", "Bernauer Straße",
                                           "Stralsunder Straße", "Havelstraße")),
    "Hennigsdorf": Town("16761", "03302", ("Rathausplatz", "Fontanestraße", "Berliner Straße")),
    "Velten": Town("16727", "03304", ("Viktoriastraße", "Breite Straße")),
    "Zehdenick": Town("16792", "03307", ("Falkenthaler Chaussee", "Dammhaststraße")),
    "Mainz": Town("55116", "06131", ("Große Bleiche", "Kaiserstraße", "Rheinstraße",
                                     "Schillerstraße", "Emmeransstraße", "Boppstraße")),
    "Ingelheim am Rhein": Town("55218", "06132", ("Neuer Markt", "Bahnhofstraße",
                                                  "Binger Straße")),
    "Bingen am Rhein": Town("55411", "06721", ("Mainzer Straße", "Speisemarkt",
                                               "Saarlandstraße")),
    "Bad Segeberg": Town("23795", "04551", ("Hamburger Straße", "Kurhausstraße",
                                            "Oldesloer Straße")),
    "Norderstedt": Town("22846", "040", ("Rathausallee", "Ulzburger Straße", "Europaallee")),
    "Kaltenkirchen": Town("24568", "04191", ("Holstenstraße", "Schulstraße")),
    "Henstedt-Ulzburg": Town("24558", "04193", ("Hamburger Straße", "Beckersbergstraße")),
}  # fmt: skip


@dataclass(frozen=True)
class Where:
    """An organisation and where it is: a municipality of the district (empty: the
    district's seat) or, for one outside the district, a full address."""

    organisation: str
    town: str = ""
    address: str = ""
    area_code: str = ""


@dataclass(frozen=True)
class Place:
    region: str
    short: str
    seat: str
    authority: str
    agency: Where
    school: Where
    psz: Where
    antidiscrimination: Where
    legal: Where
    housing: Where
    debt: Where
    mbe: Where
    migrants: Where
    tafel: Where
    volunteers: Where
    course: Where


PLACES = {
    "08118": Place(
        "Landkreis Ludwigsburg", "Ludwigsburg", "Ludwigsburg", "Landratsamt Ludwigsburg",
        agency=Where("Agentur für Arbeit Ludwigsburg"),
        school=Where("Staatliches Schulamt Ludwigsburg"),
        psz=Where("Psychosoziales Zentrum für Geflüchtete Ludwigsburg"),
        antidiscrimination=Where("Antidiskriminierungsstelle Landkreis Ludwigsburg"),
        legal=Where("Refugee Law Clinic Ludwigsburg e.V."),
        housing=Where("Mieterverein Ludwigsburg e.V."),
        debt=Where("Diakonie Ludwigsburg – Schuldnerberatung"),
        mbe=Where("AWO Ludwigsburg – Migrationsberatung für Erwachsene (MBE)", "Kornwestheim"),
        migrants=Where("Deutsch-Syrischer Kulturverein Ludwigsburg e.V."),
        tafel=Where("Tafelladen Ludwigsburg e.V."),
        volunteers=Where("Freundeskreis Asyl Bietigheim-Bissingen", "Bietigheim-Bissingen"),
        course=Where("Volkshochschule Ludwigsburg"),
    ),
    "08212": Place(
        "Stadt Karlsruhe", "Karlsruhe", "Karlsruhe", "Stadt Karlsruhe",
        agency=Where("Agentur für Arbeit Karlsruhe-Rastatt"),
        school=Where("Staatliches Schulamt Karlsruhe"),
        psz=Where("Zuflucht e.V. – Psychosoziales Zentrum für Geflüchtete Karlsruhe"),
        antidiscrimination=Where("Antidiskriminierungsstelle der Stadt Karlsruhe"),
        legal=Where("Refugee Law Clinic Karlsruhe e.V."),
        housing=Where("Mieterverein Karlsruhe e.V."),
        debt=Where("Diakonie Karlsruhe – Schuldnerberatung"),
        mbe=Where("AWO Karlsruhe – Migrationsberatung für Erwachsene (MBE)"),
        migrants=Where("Afghanischer Kulturverein Karlsruhe e.V."),
        tafel=Where("Karlsruher Tafel e.V."),
        volunteers=Where("Arbeitskreis Asyl Karlsruhe-Durlach"),
        course=Where("Volkshochschule Karlsruhe"),
    ),
    "08116": Place(
        "Landkreis Esslingen", "Esslingen", "Esslingen am Neckar", "Landratsamt Esslingen",
        agency=Where("Agentur für Arbeit Göppingen – Geschäftsstelle Esslingen"),
        school=Where("Staatliches Schulamt Nürtingen", address="Marktstraße 12, 72622 Nürtingen",
                     area_code="07022"),
        psz=Where("Psychosoziales Zentrum für Geflüchtete Esslingen"),
        antidiscrimination=Where("Antidiskriminierungsstelle Esslingen"),
        legal=Where("Arbeitskreis Asyl Esslingen – Rechtsberatung"),
        housing=Where("Mieterverein Esslingen e.V."),
        debt=Where("Kreisdiakonieverband Esslingen – Schuldnerberatung", "Kirchheim unter Teck"),
        mbe=Where("Caritas Fils-Neckar-Alb – Migrationsberatung (MBE)", "Plochingen"),
        migrants=Where("Ukrainische Gemeinde Esslingen e.V."),
        tafel=Where("Kirchheimer Tafel e.V.", "Kirchheim unter Teck"),
        volunteers=Where("Freundeskreis Flüchtlinge Wendlingen", "Wendlingen am Neckar"),
        course=Where("Volkshochschule Esslingen"),
    ),
    "12065": Place(
        "Landkreis Oberhavel", "Oberhavel", "Oranienburg", "Landkreis Oberhavel",
        agency=Where("Agentur für Arbeit Eberswalde – Geschäftsstelle Oranienburg"),
        school=Where("Staatliches Schulamt Neuruppin",
                     address="Trenckmannstraße 15, 16816 Neuruppin", area_code="03391"),
        psz=Where("Psychosoziales Zentrum für Geflüchtete Nord-Brandenburg", "Hennigsdorf"),
        antidiscrimination=Where("Antidiskriminierungsberatung Brandenburg – Regionalbüro Nord"),
        legal=Where("Refugee Law Clinic Berlin e.V.", address="Dorotheenstraße 40, 10117 Berlin",
                    area_code="030"),
        housing=Where("Mieterverein Oberhavel e.V.", "Hennigsdorf"),
        debt=Where("Diakonie Oberhavel – Schuldnerberatung"),
        mbe=Where("Jugendmigrationsdienst und MBE Oberhavel (IB)", "Velten"),
        migrants=Where("Eritreische Gemeinschaft Oberhavel e.V."),
        tafel=Where("Oranienburger Tafel e.V."),
        volunteers=Where("Willkommensbündnis Zehdenick", "Zehdenick"),
        course=Where("Kreisvolkshochschule Oberhavel"),
    ),
    "07315": Place(
        "Stadt Mainz", "Mainz", "Mainz", "Stadt Mainz",
        agency=Where("Agentur für Arbeit Mainz"),
        school=Where("Aufsichts- und Dienstleistungsdirektion – Schulaufsicht Mainz"),
        psz=Where("Psychosoziales Zentrum für Flucht und Trauma Mainz"),
        antidiscrimination=Where("Landesantidiskriminierungsstelle Rheinland-Pfalz (LADS)"),
        legal=Where("Refugee Law Clinic Mainz e.V."),
        housing=Where("Mieterverein Mainz e.V."),
        debt=Where("Diakonisches Werk Mainz – Schuldnerberatung"),
        mbe=Where("AWO Mainz – Migrationsberatung für Erwachsene (MBE)"),
        migrants=Where("Iranischer Frauenverein Mainz e.V."),
        tafel=Where("Mainzer Tafel e.V."),
        volunteers=Where("Netzwerk Willkommen in Mainz"),
        course=Where("Volkshochschule Mainz"),
    ),
    "07339": Place(
        "Landkreis Mainz-Bingen", "Mainz-Bingen", "Ingelheim am Rhein",
        "Kreisverwaltung Mainz-Bingen",
        agency=Where("Agentur für Arbeit Mainz – Geschäftsstelle Bingen", "Bingen am Rhein"),
        school=Where("Kreisverwaltung Mainz-Bingen – Kita- und Schulservice"),
        psz=Where("Psychosoziales Zentrum für Geflüchtete Rheinhessen", "Bingen am Rhein"),
        antidiscrimination=Where(
            "Landesantidiskriminierungsstelle Rheinland-Pfalz (LADS)",
            address="Große Bleiche 22, 55116 Mainz",
            area_code="06131",
        ),
        legal=Where("Refugee Law Clinic Mainz e.V.", address="Jakob-Welder-Weg 9, 55128 Mainz",
                    area_code="06131"),
        housing=Where("Mieterverein Ingelheim e.V."),
        debt=Where("Diakonisches Werk Mainz-Bingen – Schuldnerberatung", "Bingen am Rhein"),
        mbe=Where("Caritasverband Mainz – MBE Bingen", "Bingen am Rhein"),
        migrants=Where("Kurdisches Gemeindezentrum Bingen e.V.", "Bingen am Rhein"),
        tafel=Where("Binger Tafel e.V.", "Bingen am Rhein"),
        volunteers=Where("Flüchtlingshilfe Ingelheim"),
        course=Where("Kreisvolkshochschule Mainz-Bingen"),
    ),
    "01060": Place(
        "Kreis Segeberg", "Segeberg", "Bad Segeberg", "Kreis Segeberg",
        agency=Where("Agentur für Arbeit Bad Oldesloe – Geschäftsstelle Norderstedt",
                     "Norderstedt"),
        school=Where("Schulamt des Kreises Segeberg"),
        psz=Where("Psychosoziales Zentrum für Geflüchtete Segeberg", "Norderstedt"),
        antidiscrimination=Where(
            "Antidiskriminierungsstelle des Landes Schleswig-Holstein",
            address="Holstenstraße 14, 24103 Kiel",
            area_code="0431",
        ),
        legal=Where("Refugee Law Clinic Kiel e.V.", address="Olshausenstraße 75, 24118 Kiel",
                    area_code="0431"),
        housing=Where("Mieterverein Norderstedt e.V.", "Norderstedt"),
        debt=Where("Diakonie Segeberg – Schuldnerberatung"),
        mbe=Where("AWO Segeberg – Migrationsberatung für Erwachsene (MBE)", "Kaltenkirchen"),
        migrants=Where("Syrisch-Kurdischer Familienverein Norderstedt e.V.", "Norderstedt"),
        tafel=Where("Norderstedter Tafel e.V.", "Norderstedt"),
        volunteers=Where("Willkommensteam Henstedt-Ulzburg", "Henstedt-Ulzburg"),
        course=Where("Volkshochschule Norderstedt", "Norderstedt"),
    ),
}  # fmt: skip

AUTHORITY_HOURS = (
    "Mo–Mi 8:00–12:00, Do 8:00–12:00 und 14:00–17:30, Fr 8:00–12:00; Vorsprache nur mit Termin"
)
COUNSELLING_HOURS = (
    "Mo, Di, Do 9:00–12:00 und 13:30–16:00; offene Sprechstunde Mi 14:00–17:00; "
    "Termine nach Vereinbarung"
)
OPEN_HOURS = "Offene Sprechstunde Di 10:00–12:00, sonst nach telefonischer Vereinbarung"


@dataclass(frozen=True)
class Entry:
    service_type: str
    where: Where
    name: str
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    hours: str
    notes: str = ""


def _entries(place: Place, state: str) -> list[Entry]:
    """The directory of one district: one or more entries of every service type."""
    a, short = place.authority, place.short
    return [
        Entry("jobcenter", Where(f"Jobcenter {place.region}"),
              "Integration in Arbeit – Team Neuzugewanderte", ("sgb2", "arbeit", "behoerdenpost"),
              ("de", "en", "uk"), AUTHORITY_HOURS,
              "Weiterbewilligungsanträge auch online; Eingangszone ohne Termin Mo–Fr 8:00–10:00."),
        Entry("employment_agency", place.agency,
              "Berufsberatung und Arbeitsvermittlung für Geflüchtete",
              ("arbeit", "ausbildung", "anerkennung"), ("de", "en"), AUTHORITY_HOURS,
              "Berufsberatung auch für Menschen ohne Leistungsbezug."),
        Entry("immigration_office", Where(f"{a} – Ausländerbehörde"),
              "Aufenthaltstitel, Verlängerungen und Beschäftigungserlaubnis",
              ("aufenthaltsrecht", "familiennachzug", "rueckkehr"), ("de", "en"),
              AUTHORITY_HOURS,
              "Fiktionsbescheinigung bei rechtzeitigem Antrag; Terminvergabe online oder "
              "per E-Mail."),
        Entry("social_welfare_office", Where(f"{a} – Sozialamt"),
              "Leistungen nach dem Asylbewerberleistungsgesetz und SGB XII",
              ("asylblg", "sgb12"), ("de",), AUTHORITY_HOURS),
        Entry("youth_welfare_office", Where(f"{a} – Jugendamt"),
              "Allgemeiner Sozialer Dienst und Hilfen zur Erziehung",
              ("schule_kita", "psychosoziales"), ("de", "en"), AUTHORITY_HOURS,
              "Bei Kindeswohlgefährdung rund um die Uhr über die Rettungsleitstelle erreichbar."),
        Entry("health", Where(f"{a} – Gesundheitsamt"),
              "Gesundheitsberatung, Impfsprechstunde und Schuleingangsuntersuchung",
              ("gesundheit",), ("de", "en"),
              "Impfsprechstunde Mi 8:30–11:30; Beratung nach Vereinbarung"),
        Entry("family_counselling", Where(f"Psychologische Beratungsstelle {short}"),
              "Familien-, Paar- und Lebensberatung", ("psychosoziales", "schule_kita"),
              ("de", "en"), COUNSELLING_HOURS,
              "Kostenfrei und vertraulich; Dolmetschende werden auf Wunsch organisiert."),
        Entry("debt_counselling", place.debt, "Schuldner- und Insolvenzberatung",
              ("schulden", "sgb2"), ("de",), COUNSELLING_HOURS,
              "Wartezeit für ein Erstgespräch derzeit etwa sechs Wochen; bei Pfändung oder "
              "Stromsperre kurzfristige Krisentermine."),
        Entry("addiction_counselling", Where(f"Fachstelle Sucht {short}"),
              "Suchtberatung: Alkohol, Medikamente, Cannabis, Glücksspiel",
              ("gesundheit", "psychosoziales"), ("de", "ru"), COUNSELLING_HOURS),
        Entry("psychosocial_centre", place.psz,
              "Psychotherapie und psychosoziale Beratung für Geflüchtete",
              ("psychosoziales", "gesundheit"), ("de", "ar", "fa"), COUNSELLING_HOURS,
              "Wartezeit auf einen Therapieplatz etwa drei Monate; Krisengespräche kurzfristig. "
              "Gespräche mit professioneller Sprachmittlung."),
        Entry("anti_discrimination", place.antidiscrimination,
              "Beratung bei Diskriminierung (Wohnung, Arbeit, Behörden, Schule)",
              ("diskriminierung", "wohnen", "arbeit"), ("de", "en"), OPEN_HOURS,
              "Beratung auch telefonisch und per Video; auf Wunsch anonym."),
        Entry("recognition_counselling",
              Where(f"IQ Netzwerk {state} – Anerkennungsberatung"),
              f"Anerkennungs- und Qualifizierungsberatung {place.seat}",
              ("anerkennung", "arbeit"), ("de", "en", "ar"), OPEN_HOURS,
              "Beratung zu Anerkennungsverfahren, Anpassungsqualifizierung und Kostenübernahme."),
        Entry("course_provider", place.course,
              "Integrationskurse, Berufssprachkurse und Einstufung", ("kurse",), ("de",),
              "Beratung und Einstufungstest Mo 14:00–18:00, Mi 9:00–12:00",
              "Integrationskurse mit Kinderbetreuung vormittags; Abendkurse für Berufstätige."),
        Entry("school_childcare", place.school,
              "Schulanmeldung neu zugewanderter Kinder und Kitaplatz", ("schule_kita",), ("de",),
              "Mo–Do 8:00–16:00, Fr 8:00–12:00",
              "Zuweisung in Vorbereitungsklassen; Kitaplätze über das Online-Portal der Kommune."),
        Entry("legal_advice", place.legal,
              "Kostenlose Rechtsberatung im Asyl- und Aufenthaltsrecht",
              ("aufenthaltsrecht", "asyl_anhoerung", "asyl_bescheid", "asyl_klage", "asyl_dublin",
               "familiennachzug"),
              ("de", "en", "fr"),
              "Sprechstunde jeden 1. und 3. Mittwoch 17:00–19:00; Anmeldung per E-Mail",
              "Keine Vertretung vor Gericht; bei Klagen Vermittlung an Fachanwältinnen und "
              "-anwälte. Bescheid und Zustellungsumschlag mitbringen."),
        Entry("housing_help", place.housing, "Mietrechtsberatung und Hilfe bei der Wohnungssuche",
              ("wohnen",), ("de",), "Di 16:00–18:30, Do 9:00–12:00",
              "Für Ratsuchende der Migrationsberatung ist die erste Beratung kostenfrei."),
        Entry("migrant_organisation", place.migrants,
              "Begleitung zu Behörden, Hausaufgabenhilfe und Elterncafé",
              ("behoerdenpost", "schule_kita"), ("de", "ar", "ku"),
              "Elterncafé Sa 15:00–18:00; Begleitungen nach Absprache"),
        Entry("volunteer_initiative", place.tafel, "Lebensmittelausgabe",
              ("sgb2", "asylblg"), ("de",),
              "Ausgabe Di und Fr 14:00–16:30; Berechtigungsausweis erforderlich",
              "Berechtigung mit Leistungsbescheid (SGB II, SGB XII, AsylbLG) oder Rentenbescheid."),
        Entry("volunteer_initiative", place.volunteers,
              "Patenschaften, Sprachcafé und Begleitung zu Terminen",
              ("kurse", "behoerdenpost", "wohnen"), ("de", "en"),
              "Sprachcafé jeden Do 16:00–18:00",
              "Ehrenamtliche begleiten zu Ärztinnen, Behörden und Wohnungsbesichtigungen."),
        Entry("mbe_jmd", place.mbe, "Migrationsberatung für Erwachsene ab 27 Jahren",
              ("aufenthaltsrecht", "kurse", "arbeit", "familiennachzug"), ("de", "en"),
              COUNSELLING_HOURS),
        Entry("mbe_jmd", Where(f"Jugendmigrationsdienst {short}"),
              "Beratung junger Zugewanderter von 12 bis 27 Jahren",
              ("ausbildung", "schule_kita", "kurse"), ("de", "en"), COUNSELLING_HOURS,
              "Gruppenangebote zur Berufsorientierung in den Schulferien."),
    ]  # fmt: skip


EXTRA_LANGUAGES = ("ar", "fa", "uk", "ru", "tr", "en", "fr", "ti", "ku", "ps")
ACCESSIBILITY = (
    "Stufenloser Zugang, Aufzug vorhanden, barrierefreies WC im Erdgeschoss.",
    "Eingang mit Rampe auf der Rückseite; Beratungsräume im Erdgeschoss.",
    "1. OG ohne Aufzug – Termine auf Wunsch im Erdgeschoss möglich.",
    "Barrierefrei; Induktionsschleife im Wartebereich.",
    "Aufzug vorhanden; Kinderwagen können im Flur abgestellt werden.",
    "Altbau mit drei Stufen am Eingang; Klingel für Unterstützung neben der Tür.",
)
CONTACT_PEOPLE = (
    "Frau Schneider", "Herr Wagner", "Frau Demir", "Herr Nowak", "Frau Alami", "Herr Bauer",
    "Frau Petrova", "Herr Yıldız", "Frau Richter", "Herr Osei", "Frau Lindner", "Herr Brandt",
)  # fmt: skip


def _slug(name: str) -> str:
    for letter, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ı", "i")):
        name = name.lower().replace(letter, spelled)
    return slugify(name)[:40].strip("-")


def _terms(vocabulary: str) -> dict[str, Term]:
    return {t.code: t for t in Term.objects.filter(vocabulary=vocabulary)}


class _Directory:
    """The shared entries of each district by service type."""

    def __init__(self) -> None:
        self.shared: dict[int, dict[str, list[Service]]] = {}

    def of(self, district_id: int, service_type: str) -> list[Service]:
        return self.shared.get(district_id, {}).get(service_type, [])


def _directory(rng: random.Random, offices: Sequence[Office], home: Office) -> _Directory:
    """Every demo district's shared entries, one private entry for each office with
    staff and a second for the persona's office."""
    types, topics = _terms("service_type"), _terms("topic")
    directory = _Directory()
    districts = District.objects.select_related("state").order_by("key")
    municipalities: dict[tuple[int, str], Municipality] = {
        (m.district_id, m.name): m for m in Municipality.objects.all()
    }
    for district in districts:
        place = PLACES[district.key]
        by_type: dict[str, list[Service]] = {}
        directory.shared[district.pk] = by_type
        for number, entry in enumerate(_entries(place, district.state.name), start=101):
            where = entry.where
            municipality = None
            if where.address:
                address, area = where.address, where.area_code
            else:
                town_name = where.town or place.seat
                town = TOWNS[town_name]
                address = (
                    f"{rng.choice(town.streets)} {rng.randint(1, 80)}, {town.postcode} {town_name}"
                )
                area = town.area_code
                municipality = municipalities[(district.pk, town_name)]
            slug = _slug(where.organisation)
            extras = [c for c in EXTRA_LANGUAGES if c not in entry.languages]
            languages = list(entry.languages) + sorted(rng.sample(extras, rng.randint(0, 2)))
            service = Service(
                district=district,
                organisation=where.organisation,
                name=entry.name,
                service_type=types[entry.service_type],
                languages=languages,
                address=address,
                municipality=municipality,
                contact_person=rng.choice(CONTACT_PEOPLE) if rng.random() < 0.6 else "",
                phone=f"{area} 0555-{number}",
                email=f"{slug}@example.org",
                website=f"https://{slug}.example.org/" if rng.random() < 0.5 else "",
                opening_hours=entry.hours,
                accessibility=rng.choice(ACCESSIBILITY),
                notes=entry.notes,
            )
            network.save_service(None, service, [topics[c] for c in entry.topics])
            by_type.setdefault(entry.service_type, []).append(service)
    # Entries an office keeps for itself: contacts not for the shared directory.
    for number, office in enumerate(offices):
        entries = [
            (
                "volunteer_initiative",
                office.name,
                "Ehrenamtliche Sprachmittlerinnen und Sprachmittler (interne Liste)",
                ["de", "ar", "fa", "uk", "ti", "ku"],
                "Nur für die eigene Beratungsstelle: Einsatz über das Sekretariat anfragen, "
                "mindestens drei Werktage vorher; Fahrtkosten werden erstattet.",
            )
        ]
        if office.pk == home.pk:
            entries.append(
                (
                    "health",
                    "Hausarztpraxis Dr. Aydın und Kolleginnen",
                    "Hausärztliche Versorgung, Sprechstunde auch auf Türkisch und Arabisch",
                    ["de", "tr", "ar", "en"],
                    "Nimmt nach Absprache mit der Beratungsstelle neue Patientinnen und "
                    "Patienten auf; vorher anrufen.",
                )
            )
        for index, (code, organisation, name, languages, notes) in enumerate(entries):
            town_name = office.city if office.city in TOWNS else ""
            seat = TOWNS.get(town_name)
            network.save_service(
                None,
                Service(
                    district_id=office.district_id,
                    office=office,
                    organisation=organisation,
                    name=name,
                    service_type=types[code],
                    languages=languages,
                    address=f"{office.street}, {seat.postcode} {town_name}" if seat else "",
                    municipality=municipalities.get((office.district_id, town_name)),
                    phone=f"{seat.area_code} 0555-{900 + 10 * number + index}" if seat else "",
                    opening_hours="Nach Absprache",
                    notes=notes,
                ),
                [topics["gesundheit" if code == "health" else "behoerdenpost"]],
            )
    return directory


# --- the offices, their staff and clients ----------------------------------------------


@dataclass
class _World:
    today: dt.date
    offices: list[Office]
    staff: dict[int, list[User]]
    clients: dict[int, list[Client]]
    counsellor: User
    team_lead: User
    home: Office
    directory: _Directory = field(default_factory=_Directory)
    referrals: list[Referral] = field(default_factory=list)

    def office_of(self, client: Client) -> Office:
        return next(o for o in self.offices if o.pk == client.office_id)


def _world(today: dt.date) -> _World:
    offices = list(
        Office.objects.select_related("district__state")
        .prefetch_related("programmes", "municipalities")
        .order_by("pk")
    )
    staff: dict[int, list[User]] = {}
    for m in (
        Membership.objects.filter(
            role__in=[Role.COUNSELLOR, Role.TEAM_LEAD], office__isnull=False, is_active=True
        )
        .select_related("user")
        .order_by("pk")
    ):
        if m.office_id is not None:
            staff.setdefault(m.office_id, []).append(m.user)
    by_office: dict[int, list[Client]] = {}
    for client in (
        Client.objects.filter(merged_into=None)
        .prefetch_related("household", "languages", "residence_statuses__status")
        .order_by("pk")
    ):
        by_office.setdefault(client.office_id, []).append(client)
    counsellor = User.objects.get(username=COUNSELLOR)
    home = next(o for o in offices if counsellor in staff.get(o.pk, []))
    return _World(
        today=today,
        offices=offices,
        staff=staff,
        clients=by_office,
        counsellor=counsellor,
        team_lead=User.objects.get(username=TEAM_LEAD),
        home=home,
    )


# --- consents and referrals ------------------------------------------------------------


@dataclass(frozen=True)
class Purpose:
    consent: str
    referral: str
    outcome: str


PURPOSES = {
    "debt_counselling": Purpose(
        "Schuldenregulierung",
        "Überblick über die Forderungen (Inkasso, Mobilfunkvertrag, Nachzahlung Strom) und "
        "Ratenplan",
        "Ratenzahlung mit dem Inkassobüro vereinbart, Pfändungsschutzkonto eingerichtet.",
    ),
    "psychosocial_centre": Purpose(
        "Psychosoziale Unterstützung",
        "Anbindung an Psychotherapie wegen anhaltender Schlafstörungen und Albträume",
        "Erstgespräch geführt; Therapieplatz ab dem nächsten Quartal, Sprachmittlung "
        "organisiert das Zentrum.",
    ),
    "recognition_counselling": Purpose(
        "Anerkennung des Berufsabschlusses",
        "Prüfung, ob und wie der ausländische Berufsabschluss anerkannt werden kann",
        "Antrag gestellt; Bescheid über teilweise Gleichwertigkeit, Anpassungslehrgang empfohlen.",
    ),
    "course_provider": Purpose(
        "Anmeldung zum Integrationskurs",
        "Einstufungstest und Anmeldung zu einem Integrationskurs mit Kinderbetreuung",
        "Einstufung A2, Kursbeginn im nächsten Modul.",
    ),
    "legal_advice": Purpose(
        "Rechtsberatung im Asylverfahren",
        "Beratung zum Bescheid des Bundesamts und zu den Aussichten einer Klage",
        "Beratung erfolgt; Mandat an eine Fachanwältin für Migrationsrecht vermittelt.",
    ),
    "housing_help": Purpose(
        "Mietrechtsberatung",
        "Prüfung der Nebenkostenabrechnung und Unterstützung bei der Wohnungssuche",
        "Abrechnung geprüft, Widerspruch an die Hausverwaltung geschickt.",
    ),
    "family_counselling": Purpose(
        "Familienberatung",
        "Beratung zu Erziehungsfragen und Konflikten in der Familie",
        "Drei Gespräche mit den Eltern geführt; weitere Termine nach Bedarf.",
    ),
    "addiction_counselling": Purpose(
        "Suchtberatung",
        "Beratung zum Alkoholkonsum und Vermittlung in eine ambulante Behandlung",
        "Regelmäßige Gespräche in der Fachstelle; Selbsthilfegruppe gefunden.",
    ),
    "jobcenter": Purpose(
        "Leistungen nach dem SGB II",
        "Klärung der Weiterbewilligung und Vermittlung in eine berufsbezogene Sprachförderung",
        "Weiterbewilligung erteilt; Teilnahme an einem Berufssprachkurs vereinbart.",
    ),
    "health": Purpose(
        "Gesundheitliche Versorgung",
        "Impfberatung und Vermittlung an eine Hausarztpraxis",
        "Impfstatus vervollständigt, Hausarztpraxis gefunden.",
    ),
    "mbe_jmd": Purpose(
        "Übergabe an die Migrationsberatung",
        "Übergabe der Beratung nach dem Ende der Zuständigkeit hier",
        "Übergabe erfolgt; die Beratung läuft dort weiter.",
    ),
    "employment_agency": Purpose(
        "Berufsberatung",
        "Berufsorientierung und Beratung zu einer Ausbildung",
        "Beratungsgespräch geführt; Einstiegsqualifizierung in einem Betrieb vereinbart.",
    ),
    "youth_welfare_office": Purpose(
        "Hilfen zur Erziehung",
        "Beratung zu ambulanten Hilfen für die Familie",
        "Hilfeplangespräch geführt; sozialpädagogische Familienhilfe bewilligt.",
    ),
    "anti_discrimination": Purpose(
        "Beratung bei Diskriminierung",
        "Beratung nach der Ablehnung bei einer Wohnungsbesichtigung",
        "Beschwerdebrief an die Hausverwaltung verfasst; Antwort steht aus.",
    ),
    "school_childcare": Purpose(
        "Schulanmeldung",
        "Anmeldung der Kinder in einer Vorbereitungsklasse",
        "Schulplatz in einer Vorbereitungsklasse zugewiesen.",
    ),
    "volunteer_initiative": Purpose(
        "Ehrenamtliche Begleitung",
        "Vermittlung einer ehrenamtlichen Patenschaft für Begleitungen zu Terminen",
        "Patin gefunden; wöchentliche Treffen vereinbart.",
    ),
}
# Where the plan's field of action sends a client.
FIELD_SERVICES = {
    "sprache": "course_provider",
    "arbeit": "jobcenter",
    "anerkennung": "recognition_counselling",
    "ausbildung": "employment_agency",
    "schule_kita": "school_childcare",
    "wohnen": "housing_help",
    "gesundheit": "health",
    "aufenthalt": "legal_advice",
    "existenzsicherung": "jobcenter",
    "familie": "family_counselling",
    "teilhabe": "volunteer_initiative",
}
REFERRAL_TYPES = [code for code in PURPOSES if code != "mbe_jmd"] + ["debt_counselling"] * 2
RECOMMENDATIONS = {
    "volunteer_initiative": "Hinweis auf die Lebensmittelausgabe und das Sprachcafé",
    "migrant_organisation": "Hinweis auf das Elterncafé und die Hausaufgabenhilfe",
    "course_provider": "Hinweis auf den Abendkurs für Berufstätige",
    "housing_help": "Hinweis auf die offene Mietrechtssprechstunde",
    "anti_discrimination": "Hinweis auf die anonyme Beratung bei Diskriminierung",
    "family_counselling": "Hinweis auf die offene Sprechstunde der Familienberatung",
}
S = Referral.Status
PATHS: dict[str, list[str]] = {
    S.SUGGESTED: [],
    S.MADE: [],
    S.ACCEPTED: [S.ACCEPTED],
    S.ATTENDED: [S.ACCEPTED, S.ATTENDED],
    S.NOT_ATTENDED: [S.ACCEPTED, S.NOT_ATTENDED],
    S.FEEDBACK: [S.ACCEPTED, S.ATTENDED, S.FEEDBACK],
    S.CLOSED: [S.ACCEPTED, S.ATTENDED, S.FEEDBACK, S.CLOSED],
}
FINAL_WEIGHTS = {
    S.SUGGESTED: 4,
    S.MADE: 16,
    S.ACCEPTED: 16,
    S.ATTENDED: 10,
    S.NOT_ATTENDED: 5,
    S.FEEDBACK: 20,
    S.CLOSED: 29,
}


def _refer(
    w: _World,
    rng: random.Random,
    client: Client,
    service: Service,
    counsellor: User,
    *,
    actor: User | None = None,
    made_on: dt.date,
    final: str,
    overdue: bool = False,
    case: Case | None = None,
    step: Step | None = None,
) -> Referral:
    """A consent naming the service's organisation, the referral, and its way so far."""
    actor = actor or counsellor
    today = w.today
    purpose = PURPOSES[service.service_type.code]
    consent = clients.save_record(
        actor,
        Consent(
            client=client,
            purpose=f"{purpose.consent}: Weitergabe von Name, Kontaktdaten und den nötigen "
            "Unterlagen",
            recipients=service.organisation,
            given_on=made_on - dt.timedelta(days=rng.randint(0, 4)),
            form=Consent.Form.WRITTEN if rng.random() < 0.8 else Consent.Form.ORAL,
            valid_until=made_on + dt.timedelta(days=730) if rng.random() < 0.5 else None,
            recorded_by=actor,
        ),
    )
    due = made_on + dt.timedelta(weeks=rng.choice([2, 3, 4]))
    later = today + dt.timedelta(days=rng.randint(1, 21))
    if final in Referral.AWAITING_FEEDBACK and not (overdue and due < today):
        if due < today:
            # Old enough for an answer, and no reminder wanted: the service has answered.
            final = rng.choice([S.FEEDBACK, S.CLOSED])
        else:
            due = max(due, later)
    referral = network.make_referral(
        actor,
        Referral(
            client=client,
            service=service,
            case=case,
            step=step,
            kind=Referral.Kind.REFERRAL,
            consent=consent,
            purpose=purpose.referral,
            made_on=made_on,
            accompanied=rng.random() < 0.2,
            feedback_due_on=due,
            status=S.SUGGESTED if final == S.SUGGESTED else S.MADE,
            counsellor=counsellor,
        ),
    )
    for status in PATHS[final]:
        referral.status = status
        if status == S.FEEDBACK:
            referral.feedback_on = min(today, made_on + dt.timedelta(days=rng.randint(10, 40)))
            referral.outcome = purpose.outcome
        elif status == S.NOT_ATTENDED:
            referral.outcome = "Termin nicht wahrgenommen; ein neuer Termin wird vereinbart."
        network.update_referral(counsellor, referral)
    w.referrals.append(referral)
    return referral


def _final(rng: random.Random, age: int) -> str:
    final: str = rng.choices(list(FINAL_WEIGHTS), list(FINAL_WEIGHTS.values()))[0]
    if age < 14 and final not in (S.SUGGESTED, S.MADE):
        final = S.ACCEPTED
    return final


def _referrals(w: _World, rng: random.Random) -> None:
    today, home = w.today, w.home
    home_clients = w.clients.get(home.pk, [])
    used: set[int] = set()

    def service_for(client: Client, code: str) -> Service:
        district_id = w.office_of(client).district_id
        return rng.choice(w.directory.of(district_id, code))

    # Referrals along the integration plan: a step of an open case names the service.
    open_cases = (
        Case.objects.filter(office=home)
        .exclude(phase=Phase.CLOSED)
        .select_related("client", "counsellor")
        .prefetch_related("goals__field_of_action", "goals__steps")
        .order_by("pk")
    )
    for case in open_cases[:6]:
        goal = next((g for g in case.goals.all() if g.steps.all()), None)
        if goal is None:
            continue
        made_on = today - dt.timedelta(days=rng.randint(5, 90))
        _refer(
            w,
            rng,
            case.client,
            service_for(case.client, FIELD_SERVICES[goal.field_of_action.code]),
            case.counsellor,
            made_on=made_on,
            final=_final(rng, (today - made_on).days),
            case=case,
            step=goal.steps.all()[0],
        )
        used.add(case.client_id)
    # Half of the office's clients are in touch with the network, the rest not yet;
    # one client may have more than one referral where the office has few clients.
    pool = home_clients[: max(8, len(home_clients) // 2)]
    free = [c for c in pool if c.pk not in used] + [c for c in pool if c.pk in used]
    # The counsellor persona waits for feedback that is overdue …
    for number in range(4):
        client = free[number % len(free)]
        made_on = today - dt.timedelta(days=rng.randint(35, 70))
        _refer(
            w,
            rng,
            client,
            service_for(client, rng.choice(REFERRAL_TYPES)),
            w.counsellor,
            made_on=made_on,
            final=rng.choice([S.MADE, S.ACCEPTED]),
            overdue=True,
        )
    # … and finds two referrals the team lead made and handed over to her.
    for number in range(4, 6):
        client = free[number % len(free)]
        _refer(
            w,
            rng,
            client,
            service_for(client, rng.choice(["psychosocial_centre", "debt_counselling"])),
            w.counsellor,
            actor=w.team_lead,
            made_on=today - dt.timedelta(days=rng.randint(0, 2)),
            final=S.MADE,
        )
    picks = [(c, w.staff[home.pk]) for c in free[6:10] if c.pk not in used]
    for office in w.offices:
        if office.pk != home.pk and office.pk in w.staff:
            picks += [(c, w.staff[office.pk]) for c in w.clients.get(office.pk, [])[:5]]
    for client, staff in picks:
        made_on = today - dt.timedelta(days=rng.randint(3, 120))
        _refer(
            w,
            rng,
            client,
            service_for(client, rng.choice(REFERRAL_TYPES)),
            rng.choice(staff),
            made_on=made_on,
            final=_final(rng, (today - made_on).days),
            overdue=rng.random() < 0.4,
        )
    # Anonymous recommendations: the client goes alone, nothing is passed on.
    everyone = pool + [
        c for office in w.offices if office.pk != home.pk for c in w.clients.get(office.pk, [])
    ]
    for client in rng.sample(everyone, min(10, len(everyone))):
        code = rng.choice(list(RECOMMENDATIONS))
        made_on = today - dt.timedelta(days=rng.randint(1, 90))
        staff = w.staff[client.office_id]
        counsellor = w.counsellor if client.office_id == home.pk else rng.choice(staff)
        referral = network.make_referral(
            counsellor,
            Referral(
                client=client,
                service=service_for(client, code),
                kind=Referral.Kind.RECOMMENDATION,
                purpose=RECOMMENDATIONS[code],
                made_on=made_on,
                status=S.SUGGESTED,
                counsellor=counsellor,
            ),
        )
        if made_on < today - dt.timedelta(days=30):
            referral.status = S.CLOSED
            referral.outcome = "War nach eigener Aussage dort; kein weiterer Bedarf."
            network.update_referral(counsellor, referral)
        w.referrals.append(referral)


# --- reassigned cases ------------------------------------------------------------------


def _reassign(w: _World) -> None:
    """The team lead hands two open cases of the office to the counsellor persona."""
    others = list(
        Case.objects.filter(office=w.home)
        .exclude(phase=Phase.CLOSED)
        .exclude(counsellor=w.counsellor)
        .select_related("counsellor", "office")
        .order_by("pk")
    )
    # Cases of colleagues first, the team lead's own last.
    others.sort(key=lambda c: c.counsellor_id == w.team_lead.pk)
    for case in others[:2]:
        previous = case.counsellor
        cases.reassign_case(
            w.team_lead,
            case,
            w.counsellor,
            previous,
            f"Neuverteilung im Team: {previous} reduziert die Stunden ab dem nächsten Monat "
            "und bleibt Vertretung.",
        )


# --- appointments ----------------------------------------------------------------------

SLOTS = ((8, 30), (9, 30), (10, 30), (11, 30), (13, 0), (14, 0), (15, 0), (16, 0))
SUBJECTS = (
    "Folgeberatung",
    "Folgeberatung",
    "Erstgespräch",
    "Weiterbewilligungsantrag Jobcenter ausfüllen",
    "Bescheid der Familienkasse besprechen",
    "Unterlagen für die Anerkennung durchsehen",
    "Integrationsplan fortschreiben",
    "Wohnungssuche: Bewerbungsunterlagen",
    "Vorbereitung der Anhörung beim Bundesamt",
    "Kita-Anmeldung",
    "Antrag auf Wohnberechtigungsschein",
    "Lebenslauf und Bewerbung",
    "Familiennachzug: Unterlagen prüfen",
    "Post von der Ausländerbehörde",
)
CHANNEL_WEIGHTS = {"persoenlich": 12, "telefonisch": 4, "video": 2, "aufsuchend": 2}


def _appointments(w: _World, rng: random.Random) -> None:
    """Three weeks (this one and the next two) for every counsellor, Monday to Friday.

    A client comes at most twice in these weeks (three times in the persona's office), so
    an office with few clients has a thinner calendar; the persona's days are always full.
    """
    channels = _terms("channel")
    today, now = w.today, timezone.now()
    monday = today - dt.timedelta(days=today.weekday())
    workdays = [monday + dt.timedelta(days=n) for n in range(19) if n % 7 < 5]
    for office in w.offices:
        people = w.staff.get(office.pk, [])
        office_clients = w.clients.get(office.pk, [])
        district_services = [
            s for group in w.directory.shared[office.district_id].values() for s in group
        ]
        cap = 3 if office.pk == w.home.pk else 2
        visits: dict[int, int] = {}
        for person in people:
            persona = person.pk == w.counsellor.pk
            days = sorted({*workdays, today}) if persona else workdays
            for day in days:
                count = rng.randint(3, 5) if persona else rng.randint(1, 3)
                if persona and day != today:
                    count = rng.randint(2, 4)
                for hour, minute in sorted(rng.sample(SLOTS, count)):
                    starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
                    free = [c for c in office_clients if visits.get(c.pk, 0) < cap]
                    client: Client | None = None
                    if free and rng.random() < 0.88:
                        client = rng.choice(free)
                    elif persona and office_clients and not free:
                        client = rng.choice(office_clients)
                    elif not persona and not free and rng.random() < 0.8:
                        continue  # no one left to see: a day for paperwork
                    if client is not None:
                        visits[client.pk] = visits.get(client.pk, 0) + 1
                    _appointment(
                        rng,
                        office,
                        person,
                        client,
                        district_services,
                        channels,
                        starts_at,
                        past=starts_at < now,
                    )


def _appointment(
    rng: random.Random,
    office: Office,
    person: User,
    client: Client | None,
    services: list[Service],
    channels: dict[str, Term],
    starts_at: dt.datetime,
    *,
    past: bool,
) -> None:
    service = rng.choice(services) if client is None or rng.random() < 0.15 else None
    channel = rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0]
    members = []
    interpreter = ""
    subject = rng.choice(SUBJECTS)
    place = rng.choice(["Beratungsraum 1", "Beratungsraum 2", "Büro"])
    if client is None:
        if service is None:  # pragma: no cover - one of the two is always chosen
            return
        channel = "persoenlich"
        subject = rng.choice(["Netzwerktreffen", "Kooperationsgespräch", "Fallkonferenz"])
        subject = f"{subject} mit {service.organisation}"[:200]
        place = service.address or place
    else:
        household = list(client.household.all())
        if household and rng.random() < 0.3:
            members = rng.sample(household, rng.randint(1, min(2, len(household))))
        needed = [lang.language for lang in client.languages.all() if lang.interpreter_needed]
        if needed and channel != "telefonisch" and rng.random() < 0.7:
            interpreter = needed[0]
        if service is not None:
            channel = "aufsuchend"
            subject = f"Begleitung zu {service.organisation}"[:200]
            place = service.address or service.organisation[:200]
        elif channel == "aufsuchend":
            place = "Hausbesuch in der Unterkunft"
        elif channel == "telefonisch":
            place = ""
        elif channel == "video":
            place = "Videosprechstunde (Link per SMS)"
    roll = rng.random()
    status = Appointment.Status.PLANNED
    if past:
        status = (
            Appointment.Status.HELD
            if roll < 0.8
            else Appointment.Status.MISSED
            if roll < 0.93
            else Appointment.Status.CANCELLED
        )
    elif roll < 0.04:
        status = Appointment.Status.CANCELLED
    network.save_appointment(
        person,
        Appointment(
            office=office,
            counsellor=person,
            client=client,
            service=service,
            starts_at=starts_at,
            duration_minutes=rng.choice([30, 45, 45, 60]),
            channel=channels[channel],
            place=place,
            interpreter_language=interpreter,
            subject=subject,
            status=status,
        ),
        members,
    )


# --- follow-ups ------------------------------------------------------------------------

CLIENT_NOTES = (
    "Aufenthaltserlaubnis läuft ab – Termin bei der Ausländerbehörde vereinbaren",
    "Nachweise für den Weiterbewilligungsantrag beim Jobcenter einreichen",
    "Bei der Stadt nach dem Stand der Kita-Anmeldung fragen",
    "Bescheid der Familienkasse prüfen",
    "Nachfragen, ob der Integrationskurs begonnen hat",
    "Beglaubigte Übersetzungen der Zeugnisse abholen",
    "Widerspruchsfrist gegen den Leistungsbescheid im Blick behalten",
)
CASE_NOTES = (
    "Zwischenbilanz vor der Fortschreibung des Integrationsplans",
    "Integrationsplan mit der Klientin oder dem Klienten überprüfen",
    "Verlängerung der Fallbegleitung prüfen",
)


def _follow_ups(w: _World, rng: random.Random) -> None:
    today, persona = w.today, w.counsellor

    def days(n: int) -> dt.date:
        return today + dt.timedelta(days=n)

    def follow_up(
        actor: User,
        assigned: User,
        due: dt.date,
        note: str,
        client: Client,
        *,
        case: Case | None = None,
        goal: Goal | None = None,
        referral: Referral | None = None,
        may_be_done: bool = True,
    ) -> None:
        item = network.save_follow_up(
            actor,
            FollowUp(
                client=client,
                case=case,
                goal=goal,
                referral=referral,
                due_on=due,
                note=note[:500],
                assigned_to=assigned,
            ),
        )
        if rng.random() < 0.25 and may_be_done and due < today:
            network.complete_follow_up(assigned, item)

    # The counsellor persona: some due today or overdue, some later.
    mine = [r for r in w.referrals if r.counsellor_id == persona.pk]
    for referral in [r for r in mine if r.feedback_overdue(today)][:2]:
        follow_up(
            persona,
            persona,
            days(-rng.randint(0, 3)),
            f"Rückmeldung von {referral.service.organisation} nachfragen",
            referral.client,
            referral=referral,
            may_be_done=False,
        )
    own_cases = list(
        Case.objects.filter(counsellor=persona)
        .exclude(phase=Phase.CLOSED)
        .select_related("client")
        .prefetch_related("goals")
        .order_by("pk")
    )
    for number, case in enumerate(own_cases[:3]):
        goal = next(iter(case.goals.all()), None)
        if number == 1 and goal is not None:
            due, note = days(-5), f"Stand nachfragen: {goal.what}"
        else:
            due, note, goal = days((0, 0, 4)[number]), CASE_NOTES[number], None
        follow_up(persona, persona, due, note, case.client, case=case, goal=goal, may_be_done=False)
    # Someone whose residence permit runs out soon comes first.
    home_clients = w.clients.get(w.home.pk, [])[10:]
    home_clients.sort(
        key=lambda c: (
            not any(s.valid_until and s.valid_until <= days(90) for s in c.residence_statuses.all())
        )
    )
    for number, client in enumerate(home_clients[:3]):
        follow_up(
            w.team_lead if number == 2 else persona,
            persona,
            days((-1, 6, 12)[number]),
            CLIENT_NOTES[number],
            client,
            may_be_done=False,
        )
    # Everyone else: about forty in all across the offices.
    wanted = 40 - FollowUp.objects.count()
    candidates = [r for r in w.referrals if r.counsellor_id != persona.pk]
    rng.shuffle(candidates)
    for referral in candidates[: max(0, wanted) // 2]:
        organisation = referral.service.organisation
        follow_up(
            referral.counsellor,
            referral.counsellor,
            days(rng.randint(-10, 30)),
            rng.choice(
                [
                    f"Rückmeldung von {organisation} nachfragen",
                    f"Nachfragen, ob der Termin bei {organisation} stattgefunden hat",
                ]
            ),
            referral.client,
            referral=referral,
        )
    others = [
        (client, w.staff[office.pk])
        for office in w.offices
        if office.pk in w.staff
        for client in w.clients.get(office.pk, [])[5:8]
    ]
    for client, staff in others[: max(0, 40 - FollowUp.objects.count())]:
        assigned = rng.choice(staff)
        follow_up(assigned, assigned, days(rng.randint(-10, 30)), rng.choice(CLIENT_NOTES), client)


# --- asylum decisions ------------------------------------------------------------------

# kind, deadline window in days from today (None: delivered long ago), how it was dealt with
HOME_DECISIONS: list[tuple[str, tuple[int, int] | None, str]] = [
    ("rejected", (3, 5), ""),
    ("manifestly_unfounded", (-9, -3), ""),
    ("subsidiary_protection", None, "Klage auf Flüchtlingsschutz durch Rechtsanwältin erhoben"),
    ("recognised", None, ""),
]
OTHER_DECISIONS: list[tuple[str, tuple[int, int] | None, str]] = [
    ("inadmissible_dublin", (2, 6), ""),
    ("rejected", (6, 10), ""),
    ("deportation_ban", (8, 13), ""),
    ("subsidiary_protection", (10, 14), ""),
    ("rejected", None, "Klage und Eilantrag über die Refugee Law Clinic vermittelt, eingereicht"),
    (
        "manifestly_unfounded",
        None,
        "Eilantrag nach § 80 Abs. 5 VwGO und Klage durch Fachanwalt eingereicht",
    ),
    (
        "subsidiary_protection",
        None,
        "Klient hat sich nach Beratung gegen eine Klage entschieden (Aufstockung aussichtslos)",
    ),
    ("recognised", None, ""),
    ("recognised", None, ""),
    ("subsequent_inadmissible", None, "Klage durch Rechtsanwältin fristgerecht erhoben"),
    ("deportation_ban", None, "Nach Rechtsberatung keine Klage; Antrag auf Aufenthaltserlaubnis"),
]


def _delivered_on(
    today: dt.date, weeks: int, state: str, window: tuple[int, int], rng: random.Random
) -> dt.date:
    """A delivery date whose deadline lies `window` days from today."""
    fitting = [
        today - dt.timedelta(days=back)
        for back in range(0, 8 * 7)
        if window[0]
        <= (
            legal_deadline(today - dt.timedelta(days=back), weeks=weeks, state_key=state).ends_on
            - today
        ).days
        <= window[1]
    ]
    return rng.choice(fitting) if fitting else today


def _decisions(w: _World, rng: random.Random) -> None:
    kinds = {k.code: k for k in DecisionKind.objects.all()}
    today = w.today

    def asylum_seekers(office: Office) -> list[Client]:
        """Clients of the office, those still in the asylum procedure first."""
        found = w.clients.get(office.pk, [])
        return sorted(
            found,
            key=lambda c: (
                not any(s.status.code == "gestattung" for s in c.residence_statuses.all())
            ),
        )

    plans = [(w.home, spec) for spec in HOME_DECISIONS]
    others = [o for o in w.offices if o.pk != w.home.pk and w.clients.get(o.pk)] or [w.home]
    plans += [(others[n % len(others)], spec) for n, spec in enumerate(OTHER_DECISIONS)]
    taken: set[int] = set()
    for office, (code, window, dealt_how) in plans:
        candidates = [c for c in asylum_seekers(office) if c.pk not in taken]
        if not candidates:
            continue
        client = candidates[0]
        taken.add(client.pk)
        kind = kinds[code]
        if window is not None and kind.weeks:
            delivered = _delivered_on(today, kind.weeks, office.district.state.code, window, rng)
        else:
            delivered = today - dt.timedelta(days=rng.randint(30, 200))
        recorder = rng.choice(w.staff[office.pk])
        decision = clients.record_decision(
            recorder,
            AsylumDecision(client=client, kind=kind, delivered_on=delivered, recorded_by=recorder),
        )
        if dealt_how:
            # Dealt with in time: before the deadline ran out.
            latest = min(today, decision.deadline or today)
            decision.dealt_with_on = min(latest, delivered + dt.timedelta(days=rng.randint(2, 6)))
            decision.dealt_with_how = dealt_how
            clients.save_record(recorder, decision)


# --- positions -------------------------------------------------------------------------


def _positions(w: _World, rng: random.Random) -> None:
    qualifications = _terms("qualification")
    general = [t for code, t in sorted(qualifications.items()) if code != "other"]
    today = w.today
    vacancy_made = False

    held: dict[int, Term] = {}

    def save(office: Office, programme: Programme, fte: str, holder: User | None) -> None:
        """A position; a person keeps one qualification, one the programme accepts."""
        required = sorted(programme.required_qualifications.all(), key=lambda t: t.pk)
        if holder is not None and holder.pk == w.team_lead.pk:
            qualification = qualifications["social_work_master"]
        elif holder is not None and holder.pk in held:
            qualification = held[holder.pk]
        else:
            qualification = rng.choice(required or general)
        if holder is not None and holder.username == staffing_demo.UNLISTED_QUALIFICATION_HOLDER:
            qualification = qualifications["other"]
        if holder is not None:
            held[holder.pk] = qualification
        audited_save(
            None,
            Position(
                office=office,
                programme=programme,
                fte=Decimal(fte),
                holder=holder,
                qualification=qualification,
                starts_on=dt.date(today.year - rng.randint(1, 6), rng.choice([1, 4, 7, 10]), 1),
                funding_source=staffing_demo.funding_source(programme, today.year),
            ),
        )

    for office in w.offices:
        programmes = sorted(office.programmes.all(), key=lambda p: p.pk)
        people = w.staff.get(office.pk, [])
        if not programmes:
            continue
        if not people:
            save(office, programmes[0], "0.50", None)
            vacancy_made = True
            continue
        second_taken = False
        for person in people:
            if person.pk == w.counsellor.pk:
                # The persona: mostly under the first programme, a quarter under the second.
                shares = ["0.50", "0.25"]
            elif person.pk == w.team_lead.pk:
                shares = ["0.75", "0.25"]
            else:
                total = rng.choice(["1.00", "0.75", "0.75", "0.50"])
                share = rng.random() < 0.5 and Decimal(total) > Decimal("0.50")
                first = Decimal(total) - (Decimal("0.25") if share else 0)
                shares = [str(first), "0.25"] if share else [total]
            for programme, fte in zip(programmes, shares, strict=False):
                save(office, programme, fte, person)
            second_taken = second_taken or len(shares) > 1
        if len(programmes) > 1 and not second_taken:
            save(office, programmes[1], "0.25", people[0])
    if not vacancy_made:
        save(w.home, sorted(w.home.programmes.all(), key=lambda p: p.pk)[0], "0.50", None)
    # A position in the Landkreis Ludwigsburg whose holder left last year.
    office = next(o for o in w.offices if o.name == staffing_demo.VACANCY_OFFICE)
    save(office, next(p for p in office.programmes.all() if p.key == "bw-im"), "0.50", None)


# --- all together ----------------------------------------------------------------------


@transaction.atomic
def load(seed: int = 2026) -> None:
    """The network of the demo offices (after `data.load` and `clients.load`)."""
    rng = random.Random(seed)
    w = _world(timezone.localdate())
    # Everyone has seen the cases given to them so far: Mein Tag lists only what follows.
    for people in w.staff.values():
        for person in people:
            network.acknowledge_assignments(person)
    w.directory = _directory(rng, [o for o in w.offices if o.pk in w.staff], w.home)
    _reassign(w)
    _referrals(w, rng)
    _appointments(w, rng)
    _follow_ups(w, rng)
    _decisions(w, rng)
    _positions(w, rng)
