"""Demo clients: believable names from the main countries of origin, households,
residence statuses and two years of contacts, written through the services.

Shares follow the brief's facts: first asylum applications 2016 (Syria, Afghanistan,
Iraq, Iran, Eritrea) plus Ukraine (temporary protection since 2022) and Turkey.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lotse.accounts.models import User
from lotse.clients import services
from lotse.clients.models import (
    AccommodationPeriod,
    Client,
    ClientLanguage,
    Consent,
    HouseholdMember,
    ResidenceStatus,
    Sex,
)
from lotse.core.models import Term
from lotse.counselling.models import AgeBand, Contact
from lotse.organisations.models import Membership, Office, Role


@dataclass(frozen=True)
class Origin:
    country: str
    weight: int
    language: str
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    statuses: tuple[str, ...]
    # Latin name → original script, where the demo shows one.
    script: dict[str, str]


ARABIC = {
    "Mohammed": "محمد", "Ahmad": "أحمد", "Ali": "علي", "Omar": "عمر", "Khaled": "خالد",
    "Yousef": "يوسف", "Hussein": "حسين", "Mahmoud": "محمود", "Hassan": "حسن",
    "Fatima": "فاطمة", "Aisha": "عائشة", "Mariam": "مريم", "Rania": "رانيا", "Noor": "نور",
    "Layla": "ليلى", "Zainab": "زينب", "Amina": "آمنة", "Hiba": "هبة",
    "Al-Hassan": "الحسن", "Al-Ahmad": "الأحمد", "Haddad": "حداد", "Khalil": "خليل",
    "Hamdan": "حمدان", "Al-Khatib": "الخطيب", "Darwish": "درويش", "Ibrahim": "إبراهيم",
    "Saleh": "صالح", "Al-Ali": "العلي",
}  # fmt: skip
CYRILLIC = {
    "Oleksandr": "Олександр", "Andrii": "Андрій", "Dmytro": "Дмитро", "Serhii": "Сергій",
    "Olena": "Олена", "Iryna": "Ірина", "Nataliia": "Наталія", "Yuliia": "Юлія",
    "Oksana": "Оксана", "Tetiana": "Тетяна", "Kovalenko": "Коваленко",
    "Shevchenko": "Шевченко", "Bondarenko": "Бондаренко", "Melnyk": "Мельник",
    "Tkachenko": "Ткаченко", "Kravchenko": "Кравченко", "Boiko": "Бойко", "Moroz": "Мороз",
}  # fmt: skip
# Spellings the same people are known by in other documents.
VARIANTS = {
    "Mohammed": "Muhammad", "Yousef": "Yusuf", "Hussein": "Husain", "Al-Hassan": "Alhasan",
    "Khaled": "Khalid", "Mahmoud": "Mahmud", "Oleksandr": "Aleksandr", "Andrii": "Andrey",
    "Serhii": "Sergey", "Yuliia": "Julija", "Nataliia": "Natalja", "Dmytro": "Dmitri",
}  # fmt: skip

ORIGINS = (
    Origin("SY", 30, "ar",
           ("Mohammed", "Ahmad", "Ali", "Omar", "Khaled", "Yousef", "Hussein", "Mahmoud", "Hassan"),
           ("Fatima", "Aisha", "Mariam", "Rania", "Noor", "Layla", "Zainab", "Amina", "Hiba"),
           ("Al-Hassan", "Al-Ahmad", "Haddad", "Khalil", "Hamdan", "Al-Khatib", "Darwish",
            "Ibrahim", "Saleh", "Al-Ali"),
           ("ae_25_2", "ae_25_2", "ae_25_1", "gestattung", "settlement"), ARABIC),
    Origin("UA", 20, "uk",
           ("Oleksandr", "Andrii", "Dmytro", "Serhii"),
           ("Olena", "Iryna", "Nataliia", "Yuliia", "Oksana", "Tetiana"),
           ("Kovalenko", "Shevchenko", "Bondarenko", "Melnyk", "Tkachenko", "Kravchenko",
            "Boiko", "Moroz"),
           ("ae_24",), CYRILLIC),
    Origin("AF", 18, "prs",
           ("Ahmad", "Mohammad", "Hamid", "Farid", "Javed", "Naweed", "Ali"),
           ("Sakina", "Zahra", "Fereshta", "Maryam", "Nargis", "Shabnam"),
           ("Ahmadi", "Rahimi", "Hashimi", "Karimi", "Noori", "Sultani", "Haidari", "Popal"),
           ("ae_25_3", "gestattung", "duldung_60a", "ae_25_2", "ae_25a_25b"), {}),
    Origin("IQ", 12, "ckb",
           ("Azad", "Dilshad", "Hozan", "Karwan", "Ahmed"),
           ("Shilan", "Rojin", "Nasrin", "Dilan", "Avin"),
           ("Barzani", "Mustafa", "Ahmed", "Qadir", "Rashid", "Hamad"),
           ("ae_25_2", "duldung_60a", "gestattung", "ae_25_3"), {}),
    Origin("TR", 8, "tr",
           ("Mehmet", "Mustafa", "Ahmet", "Emre", "Murat"),
           ("Ayşe", "Fatma", "Elif", "Zeynep", "Emine"),
           ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk"),
           ("gestattung", "gestattung", "ae_25_2"), {}),
    Origin("IR", 6, "fa",
           ("Reza", "Mehdi", "Hossein", "Amir"),
           ("Sara", "Fatemeh", "Neda", "Parisa", "Maryam"),
           ("Hosseini", "Mohammadi", "Rezaei", "Jafari", "Moradi"),
           ("gestattung", "ae_25_2", "ae_25_1"), {}),
    Origin("ER", 6, "ti",
           ("Yonas", "Dawit", "Samuel", "Tesfaye", "Merhawi"),
           ("Senait", "Helen", "Selam", "Rahwa", "Meron"),
           ("Tesfay", "Gebremedhin", "Haile", "Kidane", "Berhane", "Tekle", "Abraha"),
           ("ae_25_2", "ae_25_2", "gestattung"), {}),
)  # fmt: skip

TOPICS_BY_STATUS = {
    "gestattung": ("asyl_anhoerung", "asyl_bescheid", "asylblg", "behoerdenpost", "kurse"),
    "duldung_60a": ("aufenthaltsrecht", "asyl_klage", "arbeit", "psychosoziales"),
    "ae_24": ("sgb2", "kurse", "anerkennung", "arbeit", "schule_kita", "wohnen"),
}
COMMON_TOPICS = (
    "sgb2", "kurse", "arbeit", "wohnen", "behoerdenpost", "familiennachzug", "schule_kita",
    "gesundheit", "anerkennung", "ausbildung", "kindergeld", "schulden", "aufenthaltsrecht",
)  # fmt: skip


def _terms(vocabulary: str) -> dict[str, Term]:
    return {t.code: t for t in Term.objects.filter(vocabulary=vocabulary)}


@transaction.atomic
def load(count: int = 400, seed: int = 2026) -> int:
    """Create `count` clients spread over the demo offices; returns the number created."""
    rng = random.Random(seed)
    today = timezone.localdate()
    offices = list(Office.objects.prefetch_related("municipalities").order_by("pk"))
    counsellors: dict[int, list[User]] = {}
    for m in Membership.objects.filter(role__in=[Role.COUNSELLOR, Role.TEAM_LEAD]).select_related(
        "user"
    ):
        if m.office_id is not None:
            counsellors.setdefault(m.office_id, []).append(m.user)
    offices = [o for o in offices if o.pk in counsellors]
    statuses, places = _terms("residence_status"), _terms("accommodation")
    kinds, channels = _terms("contact_kind"), _terms("channel")
    topics, interpreting = _terms("topic"), _terms("interpreting")
    # The first office holds the example of the brief: Mohammed Al-Hassan.
    weights = [o.weight for o in ORIGINS]
    created = 0
    for number in range(count):
        office = offices[0] if number < count // 4 else rng.choice(offices)
        staff = counsellors[office.pk]
        origin = ORIGINS[0] if number == 0 else rng.choices(ORIGINS, weights)[0]
        female = number != 0 and rng.random() < 0.45
        given = "Mohammed" if number == 0 else rng.choice(origin.female if female else origin.male)
        family = "Al-Hassan" if number == 0 else rng.choice(origin.family)
        born = today.year - rng.randint(19, 62)
        entry = today - dt.timedelta(days=rng.randint(60, 8 * 365))
        if origin.country == "UA":
            entry = max(entry, dt.date(2022, 3, 1))
        script = " ".join(origin.script[n] for n in (given, family) if n in origin.script)
        spellings = " ".join(VARIANTS.get(n, n) for n in (given, family))
        precision = rng.random()
        client = services.save_client(
            None,
            Client(
                office=office,
                given_names=given,
                family_name=family,
                name_original_script=script if len(script.split()) == 2 else "",
                other_spellings=spellings if spellings != f"{given} {family}" else "",
                birth_year=born,
                birth_month=rng.randint(1, 12) if precision > 0.15 else None,
                birth_day=rng.randint(1, 28) if precision > 0.3 else None,
                sex=Sex.FEMALE if female else Sex.MALE,
                nationalities=[origin.country],
                entry_date=entry,
                phone=f"0157 {rng.randint(1000000, 9999999)}" if rng.random() < 0.8 else "",
                preferred_channel=channels["telefonisch" if rng.random() < 0.6 else "persoenlich"],
            ),
        )
        created += 1
        status_code = rng.choice(origin.statuses)
        status_from = entry + dt.timedelta(days=rng.randint(0, 120))
        services.save_record(
            None,
            ResidenceStatus(
                client=client,
                status=statuses[status_code],
                valid_from=min(status_from, today),
                valid_until=today + dt.timedelta(days=rng.randint(-20, 700)),
            ),
        )
        place = "anschlussunterbringung" if rng.random() < 0.5 else rng.choice(list(places))
        municipalities = list(office.municipalities.all())
        services.save_record(
            None,
            AccommodationPeriod(
                client=client,
                kind=places[place],
                municipality=rng.choice(municipalities) if municipalities else None,
                valid_from=min(entry + dt.timedelta(days=30), today),
            ),
        )
        services.save_record(
            None,
            ClientLanguage(
                client=client,
                language=origin.language,
                level=ClientLanguage.Level.NATIVE,
                interpreter_needed=rng.random() < 0.5,
            ),
        )
        services.save_record(
            None,
            ClientLanguage(
                client=client, language="de", level=rng.choice(["A1", "A2", "B1", "B2"])
            ),
        )
        first_contact = max(entry, today - dt.timedelta(days=730))
        services.save_record(
            None,
            Consent(
                client=client,
                purpose="Beratung und Dokumentation in der Beratungsstelle",
                recipients="die Beratungsstelle",
                given_on=first_contact,
                form=Consent.Form.WRITTEN,
                recorded_by=staff[0],
            ),
        )
        members = []
        if rng.random() < 0.45:
            members.append(
                services.save_record(
                    None,
                    HouseholdMember(
                        client=client,
                        relation=HouseholdMember.Relation.PARTNER,
                        given_name=rng.choice(origin.male if female else origin.female),
                        birth_year=born + rng.randint(-4, 4),
                    ),
                )
            )
            for _child in range(rng.randint(0, 3)):
                members.append(
                    services.save_record(
                        None,
                        HouseholdMember(
                            client=client,
                            relation=HouseholdMember.Relation.CHILD,
                            birth_year=rng.randint(max(born + 18, today.year - 17), today.year),
                        ),
                    )
                )
        pool = TOPICS_BY_STATUS.get(status_code, ()) + COMMON_TOPICS
        day = first_contact
        for index in range(rng.randint(1, 10)):
            if day > today:
                break
            kind = (
                "erstberatung"
                if index == 0
                else rng.choice(["folgeberatung"] * 6 + ["kurzberatung"] * 3 + ["krisenberatung"])
            )
            contact = Contact(
                office=office,
                client=client,
                counsellor=rng.choice(staff),
                kind=kinds[kind],
                date=day,
                duration_minutes=rng.choice([15, 20, 30, 45, 60, 90]),
                channel=channels[
                    rng.choice(
                        ["persoenlich"] * 5 + ["telefonisch"] * 3 + ["email", "video", "aufsuchend"]
                    )
                ],
                language="de" if rng.random() < 0.4 else origin.language,
                interpreting=interpreting[
                    rng.choice(["none", "none", "professional", "volunteer", "language_mediator"])
                ],
            )
            chosen = rng.sample(pool, rng.randint(1, 3))
            alongside = rng.sample(members, rng.randint(0, len(members))) if members else []
            services.log_contact(None, contact, [topics[c] for c in chosen], alongside)
            day += dt.timedelta(days=rng.randint(7, 120))
    _office_contacts(rng, offices, counsellors, kinds, channels, topics, today)
    _cases(rng, counsellors, today)
    return created


GOALS = {
    "sprache": (
        "Deutschkurs bis B1 abschließen",
        "Zertifikat B1 liegt vor",
        "Anmeldung beim Kursträger",
    ),
    "arbeit": (
        "Eine Arbeitsstelle finden",
        "Arbeitsvertrag unterschrieben",
        "Lebenslauf mit der Beraterin erstellen",
    ),
    "anerkennung": (
        "Berufsabschluss anerkennen lassen",
        "Anerkennungsbescheid liegt vor",
        "Unterlagen übersetzen lassen",
    ),
    "ausbildung": (
        "Ausbildungsplatz als Pflegefachkraft",
        "Ausbildungsvertrag liegt vor",
        "Praktikum im Pflegeheim",
    ),
    "schule_kita": (
        "Kitaplatz für das jüngste Kind",
        "Betreuungsvertrag liegt vor",
        "Anmeldung im Kita-Portal",
    ),
    "wohnen": (
        "Eigene Wohnung finden",
        "Mietvertrag unterschrieben",
        "Wohnberechtigungsschein beantragen",
    ),
    "gesundheit": (
        "Hausärztliche Versorgung sichern",
        "Hausarztpraxis gefunden",
        "Krankenversicherungskarte beantragen",
    ),
    "aufenthalt": (
        "Aufenthaltserlaubnis verlängern",
        "Neuer Aufenthaltstitel liegt vor",
        "Termin bei der Ausländerbehörde",
    ),
    "existenzsicherung": (
        "Leistungen lückenlos sichern",
        "Bewilligungsbescheid liegt vor",
        "Weiterbewilligungsantrag stellen",
    ),
    "familie": (
        "Familiennachzug vorbereiten",
        "Visumantrag gestellt",
        "Dokumente der Familie zusammenstellen",
    ),
    "teilhabe": (
        "Anschluss an einen Verein",
        "Nimmt regelmäßig teil",
        "Probetraining im Sportverein",
    ),
}


def _cases(rng: random.Random, counsellors: dict[int, list[User]], today: dt.date) -> None:
    """Cases in every phase, plans with goals and steps, some reviews and agreements.

    An eighth of the clients (most of them at the first office, where the demo
    counsellor works) and one client of every other office have a case, so every
    programme's report and ratio has casework. The history is dated as it would have
    happened: the plan a few weeks after the opening, the agreement after the plan,
    reviews and closures after that (plan revisions are dated back once written, since
    the service stamps them with the moment of saving).
    """
    from lotse.cases import services as cases
    from lotse.cases.models import Goal, Phase, Step

    fields = _terms("field_of_action")
    phases = [
        Phase.INTAKE,
        Phase.ASSESSMENT,
        Phase.PLANNING,
        Phase.IMPLEMENTATION,
        Phase.EVALUATION,
    ]
    candidates = list(Client.objects.select_related("office").order_by("pk"))
    chosen = candidates[: max(1, len(candidates) // 8)]
    # Clients who came long ago first: their cases can be near the time limit.
    long_ago = today - dt.timedelta(days=1100)
    chosen.sort(key=lambda c: c.entry_date is None or c.entry_date > long_ago)
    with_case = {c.office_id for c in chosen}
    for client in candidates:
        if client.office_id not in with_case:
            chosen.append(client)
            with_case.add(client.office_id)
    for number, client in enumerate(chosen):
        programmes = list(client.office.programmes.order_by("pk"))
        # Offices under two programmes (e.g. bw-im and MBE) get cases under both.
        programme = (
            programmes[1 if number % 4 == 3 and len(programmes) > 1 else 0] if programmes else None
        )
        staff = counsellors.get(client.office_id)
        if programme is None or not staff:
            continue
        if number % 4 == 0:  # the time limit approaches: Mein Tag warns
            opened = today - dt.timedelta(days=rng.randint(1010, 1080))
        elif number % 4 == 2:  # opened long enough ago for a review to be due
            opened = today - dt.timedelta(days=rng.randint(200, 400))
        else:
            opened = today - dt.timedelta(days=rng.randint(30, 900))
        case = cases.open_case(
            None,
            client,
            programme,
            counsellor=staff[number % len(staff)],
            opened_on=max(opened, client.entry_date or opened),
            justification="Voraussetzungen im Erstgespräch geklärt (Demo).",
        )
        planned = min(case.opened_on + dt.timedelta(days=rng.randint(3, 60)), today)
        last = planned  # the latest day in the case's history so far
        author = case.counsellor
        for code in rng.sample(list(GOALS), rng.randint(1, 3)):
            what, indicator, step = GOALS[code]
            goal = Goal(
                field_of_action=fields[code],
                what=what,
                indicator=indicator,
                due_on=today + dt.timedelta(days=rng.randint(30, 365)),
                priority=rng.randint(1, 3),
            )
            cases.save_goal(author, case, case.version, goal)
            cases.save_step(
                author,
                case,
                case.version,
                Step(
                    goal=goal,
                    actor=Step.Actor.CLIENT,
                    what=step,
                    due_on=today + dt.timedelta(days=21),
                ),
            )
            if number % 4 != 2 and rng.random() < 0.5:
                on = max(today - dt.timedelta(days=rng.randint(1, 120)), planned)
                last = max(last, on)
                cases.record_review(
                    author,
                    case,
                    goal,
                    on=on,
                    counsellor_score=rng.randint(-1, 1),
                    client_score=rng.randint(-1, 2),
                )
        written = timezone.make_aware(dt.datetime.combine(planned, dt.time(10)))
        case.revisions.update(created_at=written)
        if rng.random() < 0.6:
            agreed = min(planned + dt.timedelta(days=rng.randint(0, 14)), today)
            cases.record_agreement(
                author, case, on=agreed, how=rng.choice(["written", "oral", "refused"])
            )
            last = max(last, agreed)
        phase = phases[number % len(phases)]
        if phase != case.phase:
            cases.set_phase(None, case, phase)
        if number % 7 == 6:
            closed = min(last + dt.timedelta(days=rng.randint(1, 60)), today)
            for goal in case.goals.all():
                cases.record_review(
                    author, case, goal, on=closed, counsellor_score=0, at_closure=True
                )
            reason = programme.closure_reasons.order_by("pk").first()
            if reason is not None:
                cases.close_case(
                    None, case, reason=reason, summary="Ziele erreicht (Demo).", on=closed
                )


def _office_contacts(
    rng: random.Random,
    offices: list[Office],
    counsellors: dict[int, list[User]],
    kinds: dict[str, Term],
    channels: dict[str, Term],
    topics: dict[str, Term],
    today: dt.date,
) -> None:
    """Anonymous short counselling and group sessions, counted without records."""
    for office in offices:
        staff = counsellors.get(office.pk)
        if not staff:
            continue
        for _ in range(rng.randint(5, 12)):
            contact = Contact(
                office=office,
                counsellor=rng.choice(staff),
                kind=kinds["kurzberatung"],
                date=today - dt.timedelta(days=rng.randint(0, 700)),
                duration_minutes=rng.choice([10, 15, 20]),
                channel=channels[rng.choice(["persoenlich", "telefonisch"])],
                age_band=rng.choice([b for b in AgeBand.values if b != AgeBand.UNKNOWN]),
                sex=rng.choice([Sex.FEMALE, Sex.MALE]),
                nationality=rng.choices([o.country for o in ORIGINS], [o.weight for o in ORIGINS])[
                    0
                ],
            )
            services.log_contact(None, contact, [topics[rng.choice(COMMON_TOPICS)]])
        for _ in range(rng.randint(1, 3)):
            contact = Contact(
                office=office,
                counsellor=rng.choice(staff),
                kind=kinds["gruppenberatung"],
                date=today - dt.timedelta(days=rng.randint(0, 700)),
                duration_minutes=90,
                channel=channels["persoenlich"],
                participants=rng.randint(6, 20),
            )
            services.log_contact(
                None, contact, [topics[rng.choice(["kurse", "arbeit", "wohnen", "schule_kita"])]]
            )
