"""Synthetic data at the scale of a state (`manage.py generate_scale`), for benchmarks.

A state's worth of districts, providers, offices and counsellors, then clients with
their name keys and residence statuses, contacts with topics, and cases with goals, in
proportions from the brief: about ten contacts per client, a case for one client in five
with one to three goals (each with a step, and a review for most), and a referral for one
client in two, to services of the office's district. A client's contacts, case and
referral fall in one counselling episode of one to twelve months, and the episodes begin
over ten years: a counsellor then sees about 150 persons in 1,000 contacts a year, near
the brief's practice benchmark (157 persons, 772 sessions). Names and nationalities
follow the demo's origins. Rows go in by bulk loading, not through the services row by
row: PostgreSQL's COPY, on SQLite batched inserts. Nothing of it is audited (no person
did it) and every login's password is the demo's.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from lotse.accounts.models import User
from lotse.cases.models import Case, Goal, Phase, Review, Step
from lotse.clients.models import Client, ClientNameKey, ResidenceStatus, Sex
from lotse.core.models import Term
from lotse.counselling.models import Contact
from lotse.demo.clients import ORIGINS, VARIANTS
from lotse.demo.data import PASSWORD
from lotse.network.models import Referral, Service
from lotse.organisations.models import (
    District,
    Membership,
    Municipality,
    Office,
    Programme,
    Provider,
    Role,
    State,
)
from lotse.reports import store

BATCH = 5_000
YEARS = 10  # over which the clients' episodes begin
EPISODE_DAYS = (30, 365)
# (client id, office id, first day of the episode, its length in days)
Made = tuple[int, int, dt.date, int]
# Synthetic district keys: Baden-Württemberg's state key with numbers no district has.
FIRST_DISTRICT = 900


@dataclass
class Scale:
    """How much to make. The defaults around `clients` are the brief's: a million
    clients come with ten million contacts, 200,000 cases, 1,000 counsellors in 300
    offices across 44 districts."""

    clients: int
    contacts_per_client: int = 10
    case_share: float = 0.2
    referral_share: float = 0.5
    services_per_district: int = 20

    @property
    def counsellors(self) -> int:
        return max(4, round(self.clients / 1_000))

    @property
    def offices(self) -> int:
        return max(2, round(self.counsellors * 0.3))

    @property
    def districts(self) -> int:
        return min(44, max(1, self.offices // 7))


@dataclass
class Report:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def generate(scale: Scale, seed: int = 1) -> Report:
    rng = random.Random(seed)
    report = Report()
    with transaction.atomic():
        offices, staff = _organisations(scale, rng, report)
        _casework(scale, rng, offices, staff, report)
    if connection.vendor == "postgresql":
        # Fresh statistics, so that the planner sees the tables at their new size
        # before autovacuum would get to them.
        _timed(report, "analyze", _analyze)
    return report


def add_casework(scale: Scale, offices: list[Office], seed: int = 2) -> Report:
    """More clients with their casework in offices that exist, shared among their
    counsellors: the same offices with more data, for checks that something does not
    grow with it."""
    staff: dict[int, list[int]] = {}
    for office_id, user_id in Membership.objects.filter(
        office__in=offices, role__in=[Role.COUNSELLOR, Role.TEAM_LEAD]
    ).values_list("office_id", "user_id"):
        staff.setdefault(office_id, []).append(user_id)
    report = Report()
    with transaction.atomic():
        _casework(scale, random.Random(seed), offices, staff, report)
    return report


def _casework(
    scale: Scale,
    rng: random.Random,
    offices: list[Office],
    staff: dict[int, list[int]],
    report: Report,
) -> None:
    client_ids = _clients(scale, rng, offices, report)
    _residence(rng, client_ids, report)
    first_contact = next_id(Contact)
    _contacts(scale, rng, client_ids, staff, report)
    case_of = _cases(scale, rng, client_ids, staff, report)
    new = Contact.objects.filter(pk__gte=first_contact)
    _timed(report, "counted contacts", lambda: store.refresh(new))
    _referrals(scale, rng, offices, client_ids, case_of, staff, report)


def _analyze() -> int:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return 0


# --- bulk loading --------------------------------------------------------------------


def bulk_load(model: type[models.Model], objects: Iterable[models.Model]) -> int:
    """Insert `objects` (ids given here, after the highest one stored) in batches;
    returns how many. Field values are prepared as the ORM would (defaults, automatic
    timestamps, JSON, encrypted text)."""
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    first = next_id(model)
    count = 0
    rows = iter(objects)
    while batch := list(islice(rows, BATCH)):
        values = []
        for obj in batch:
            obj.pk = first + count
            count += 1
            values.append([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
        _insert(table, columns, len(fields), values)
    if count and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(sql)
    return count


def next_id(model: type[models.Model]) -> int:
    """The id that `bulk_load` gives the first of the rows it loads next."""
    return int(model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def _insert(table: str, columns: str, width: int, values: list[list[Any]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * width)
            # Table and column names come from the models, never from input.
            insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(insert, values)


def _timed(report: Report, name: str, load: Callable[[], int]) -> None:
    began = time.perf_counter()
    report.rows[name] = load()
    report.seconds[name] = round(time.perf_counter() - began, 2)


# --- the parts -----------------------------------------------------------------------


def _organisations(
    scale: Scale, rng: random.Random, report: Report
) -> tuple[list[Office], dict[int, list[int]]]:
    """Districts, one provider for about ten offices, offices running bw-im and mbe,
    and counsellors (a team lead first in every office)."""
    began = time.perf_counter()
    state = State.objects.get(code="08")
    programmes = list(Programme.objects.filter(key__in=["bw-im", "mbe"]))
    start = (
        FIRST_DISTRICT
        + District.objects.filter(key__startswith="08", name__startswith="Synthetischer").count()
    )
    districts = [
        District.objects.create(
            state=state,
            key=f"08{start + n:03d}",
            name=f"Synthetischer Kreis {start + n}",
            kind=District.Kind.RURAL,
        )
        for n in range(scale.districts)
    ]
    providers: list[Provider] = []
    offices: list[Office] = []
    for n in range(scale.offices):
        district = districts[n % len(districts)]
        if n % 10 == 0:
            providers.append(
                Provider.objects.create(
                    name=f"Synthetischer Träger {district.key}-{n}", kind=Provider.Kind.WELFARE
                )
            )
        office = Office.objects.create(
            provider=providers[-1], name=f"Beratungsstelle {district.key}-{n}", district=district
        )
        office.municipalities.add(
            Municipality.objects.create(
                district=district, ags=f"{district.key}{n:03d}", name=f"Gemeinde {district.key}-{n}"
            )
        )
        office.programmes.set(programmes)
        offices.append(office)
    password = make_password(PASSWORD)
    users = [
        User(
            username=f"scale{n}",
            first_name="Berater:in",
            last_name=str(n),
            password=password,
        )
        for n in range(scale.counsellors)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    users = list(User.objects.filter(username__startswith="scale").order_by("pk"))
    staff: dict[int, list[int]] = {}
    memberships = []
    for n, user in enumerate(users):
        office = offices[n % len(offices)]
        first = office.pk not in staff
        staff.setdefault(office.pk, []).append(user.pk)
        role = Role.TEAM_LEAD if first else Role.COUNSELLOR
        memberships.append(Membership(user=user, role=role, office=office))
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    report.rows["offices"], report.rows["counsellors"] = len(offices), len(users)
    report.seconds["organisations"] = round(time.perf_counter() - began, 2)
    return offices, staff


def _clients(scale: Scale, rng: random.Random, offices: list[Office], report: Report) -> list[Made]:
    """(client id, office id) of every client made."""
    today = timezone.localdate()
    weights = [o.weight for o in ORIGINS]
    made: list[Made] = []
    blocking: list[tuple[int, set[str]]] = []
    start = next_id(Client)

    def clients() -> Iterator[Client]:
        for n in range(scale.clients):
            office = offices[n % len(offices)]
            origin = rng.choices(ORIGINS, weights)[0]
            female = rng.random() < 0.45
            given = rng.choice(origin.female if female else origin.male)
            family = rng.choice(origin.family)
            spellings = " ".join(VARIANTS.get(w, w) for w in (given, family))
            other = spellings if spellings != f"{given} {family}" else ""
            first = today - dt.timedelta(days=rng.randint(0, YEARS * 365))
            client = Client(
                office=office,
                given_names=given,
                family_name=family,
                other_spellings=other,
                birth_year=today.year - rng.randint(18, 70),
                birth_month=rng.randint(1, 12),
                birth_day=rng.randint(1, 28),
                sex=Sex.FEMALE if female else Sex.MALE,
                nationalities=[origin.country],
                entry_date=first - dt.timedelta(days=rng.randint(14, 2 * 365)),
            )
            client.search_name = client.search_text
            made.append((start + n, office.pk, first, rng.randint(*EPISODE_DAYS)))
            blocking.append((start + n, client.blocking_keys))
            yield client

    _timed(report, "clients", lambda: bulk_load(Client, clients()))

    def name_keys() -> Iterator[ClientNameKey]:
        for client_id, client_keys in blocking:
            for key in client_keys:
                yield ClientNameKey(client_id=client_id, key=key)

    _timed(report, "client name keys", lambda: bulk_load(ClientNameKey, name_keys()))
    return made


def _residence(rng: random.Random, clients: list[Made], report: Report) -> None:
    """A residence status for every client from before the episode, limited to one to
    three years for four in five; where that has run out, a following one for half."""
    today = timezone.localdate()
    statuses = _terms("residence_status")

    def periods() -> Iterator[ResidenceStatus]:
        for client_id, _office, first, _days in clients:
            since = first - dt.timedelta(days=rng.randint(0, 365))
            until = since + dt.timedelta(days=rng.randint(365, 3 * 365))
            limited = rng.random() < 0.8
            yield ResidenceStatus(
                client_id=client_id,
                status_id=rng.choice(statuses),
                valid_from=since,
                valid_until=until if limited else None,
            )
            if limited and until < today and rng.random() < 0.5:
                yield ResidenceStatus(
                    client_id=client_id,
                    status_id=rng.choice(statuses),
                    valid_from=until + dt.timedelta(days=1),
                    valid_until=until + dt.timedelta(days=rng.randint(365, 3 * 365)),
                )

    _timed(report, "residence statuses", lambda: bulk_load(ResidenceStatus, periods()))


def _day_in(rng: random.Random, first: dt.date, days: int, today: dt.date) -> dt.date:
    """A day of the episode that begins on `first`, up to today for one still going on."""
    return first + dt.timedelta(days=rng.randint(0, min(days, (today - first).days)))


def _terms(vocabulary: str) -> list[int]:
    return list(
        Term.objects.filter(vocabulary=vocabulary, is_active=True).values_list("pk", flat=True)
    )


def _contacts(
    scale: Scale,
    rng: random.Random,
    clients: list[Made],
    staff: dict[int, list[int]],
    report: Report,
) -> None:
    today = timezone.localdate()
    kinds, channels, topics = _terms("contact_kind"), _terms("channel"), _terms("topic")
    start = next_id(Contact)
    topic_of: list[int] = []

    def contacts() -> Iterator[Contact]:
        for client_id, office_id, first, days in clients:
            for _n in range(max(1, round(rng.gauss(scale.contacts_per_client, 3)))):
                topic_of.append(rng.choice(topics))
                yield Contact(
                    office_id=office_id,
                    client_id=client_id,
                    counsellor_id=rng.choice(staff[office_id]),
                    kind_id=rng.choice(kinds),
                    date=_day_in(rng, first, days, today),
                    duration_minutes=rng.choice((15, 30, 45, 60, 90)),
                    channel_id=rng.choice(channels),
                )

    _timed(report, "contacts", lambda: bulk_load(Contact, contacts()))
    through = Contact.topics.through
    rows = (through(contact_id=start + n, term_id=t) for n, t in enumerate(topic_of))
    _timed(report, "contact topics", lambda: bulk_load(through, rows))


def _cases(
    scale: Scale,
    rng: random.Random,
    clients: list[Made],
    staff: dict[int, list[int]],
    report: Report,
) -> dict[int, int]:
    """Cases with goals, a step per goal and a review for two goals in three; returns
    the case id of every client given one."""
    today = timezone.localdate()
    programmes = list(Programme.objects.filter(key__in=["bw-im", "mbe"]))
    fields = _terms("field_of_action")
    chosen = rng.sample(clients, round(len(clients) * scale.case_share))
    start = next_id(Case)
    opened: list[dt.date] = []
    ended: list[dt.date] = []  # the closing date, or today for a case still open
    counsellor_of: list[int] = []

    def cases() -> Iterator[Case]:
        for client_id, office_id, first, days in chosen:
            on = _day_in(rng, first, min(days, 60), today)  # soon after the first contact
            opened.append(on)
            closed = on + dt.timedelta(days=rng.randint(60, 700))
            ended.append(min(closed, today))
            programme = rng.choice(programmes)
            counsellor_of.append(rng.choice(staff[office_id]))
            yield Case(
                client_id=client_id,
                programme=programme,
                office_id=office_id,
                counsellor_id=counsellor_of[-1],
                phase=Phase.CLOSED if closed < today else Phase.IMPLEMENTATION,
                opened_on=on,
                eligibility="eligible",
                closed_on=closed if closed < today else None,
            )

    _timed(report, "cases", lambda: bulk_load(Case, cases()))

    first_goal = next_id(Goal)
    goal_of: list[tuple[int, dt.date]] = []

    def goals() -> Iterator[Goal]:
        for n, on in enumerate(opened):
            for _g in range(rng.randint(1, 3)):
                goal_of.append((start + n, on))
                yield Goal(
                    case_id=start + n,
                    field_of_action_id=rng.choice(fields),
                    what="Ziel",
                    indicator="Nachweis",
                    due_on=on + dt.timedelta(days=rng.randint(90, 540)),
                )

    _timed(report, "goals", lambda: bulk_load(Goal, goals()))

    def steps() -> Iterator[Step]:
        for n, (_case, on) in enumerate(goal_of):
            due = on + dt.timedelta(days=rng.randint(14, 180))
            yield Step(
                goal_id=first_goal + n,
                actor=rng.choice(Step.Actor.values[:2]),
                what="Schritt",
                due_on=due,
                status=Step.Status.DONE if due < today else Step.Status.OPEN,
            )

    _timed(report, "steps", lambda: bulk_load(Step, steps()))

    def reviews() -> Iterator[Review]:
        # The latest review lies up to about seven months before the case ended (or
        # today): with a six-month interval about one open case in four is due.
        for n, (case_id, on) in enumerate(goal_of):
            if rng.random() < 2 / 3:
                end = ended[case_id - start]
                yield Review(
                    case_id=case_id,
                    goal_id=first_goal + n,
                    on=max(on, end - dt.timedelta(days=rng.randint(0, 210))),
                    counsellor_score=rng.randint(-2, 2),
                    client_score=rng.randint(-2, 2),
                    reviewer_id=counsellor_of[case_id - start],
                )

    _timed(report, "reviews", lambda: bulk_load(Review, reviews()))
    return {made[0]: start + n for n, made in enumerate(chosen)}


def _referrals(
    scale: Scale,
    rng: random.Random,
    offices: list[Office],
    clients: list[Made],
    case_of: dict[int, int],
    staff: dict[int, list[int]],
    report: Report,
) -> None:
    """Services shared in each district, and recommendations to them (a referral with
    data passed on would need a consent): through the case where the client has one."""
    today = timezone.localdate()
    types = _terms("service_type")
    district_of = {o.pk: o.district_id for o in offices}
    districts = sorted(set(district_of.values()))
    # The shared services the districts have (made by an earlier run), or new ones.
    services_of: dict[int, list[int]] = {}
    for pk, district in Service.objects.filter(
        district__in=districts, office__isnull=True, organisation__startswith="Dienst "
    ).values_list("pk", "district_id"):
        services_of.setdefault(district, []).append(pk)
    missing = [district for district in districts if district not in services_of]
    first_service = next_id(Service)
    services = (
        Service(
            district_id=district,
            organisation=f"Dienst {district}",
            name=f"Angebot {n}",
            service_type_id=rng.choice(types),
        )
        for district in missing
        for n in range(scale.services_per_district)
    )
    _timed(report, "services", lambda: bulk_load(Service, services))
    for d, district in enumerate(missing):
        services_of[district] = [
            first_service + d * scale.services_per_district + n
            for n in range(scale.services_per_district)
        ]
    statuses = [s for s in Referral.Status.values if s != Referral.Status.SUGGESTED]
    answered = [Referral.Status.FEEDBACK, Referral.Status.CLOSED]
    chosen = rng.sample(clients, round(len(clients) * scale.referral_share))

    def referrals() -> Iterator[Referral]:
        for client_id, office_id, first, days in chosen:
            made = _day_in(rng, first, days, today)
            # Feedback comes within weeks; only the last quarter's are still awaited.
            recent = made > today - dt.timedelta(days=90)
            status = rng.choice(statuses if recent else answered)
            feedback = (
                min(today, made + dt.timedelta(days=rng.randint(7, 60)))
                if status in answered
                else None
            )
            yield Referral(
                client_id=client_id,
                service_id=rng.choice(services_of[district_of[office_id]]),
                case_id=case_of.get(client_id),
                kind=Referral.Kind.RECOMMENDATION,
                purpose="Beratung",
                made_on=made,
                feedback_due_on=made + dt.timedelta(days=28),
                status=status,
                feedback_on=feedback,
                history=[{"on": made.isoformat(), "status": status, "by": None}],
                counsellor_id=rng.choice(staff[office_id]),
            )

    first_referral = next_id(Referral)
    _timed(report, "referrals", lambda: bulk_load(Referral, referrals()))
    new = Referral.objects.filter(pk__gte=first_referral)
    _timed(report, "counted referrals", lambda: store.refresh_referrals(new))
