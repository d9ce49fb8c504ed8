"""Every figure of the programme reports of the demo, counted again independently.

The report code reads through the ORM with subqueries and aggregates. This test reads
the tables with plain SQL, row by row, and counts in Python following the rules written
in `lotse.reports.figures` and docs/reports.md. The reports are built with threshold 1
(nothing withheld) so that every value can be compared; a second pass with the default
threshold checks that whatever is shown equals the count and that small counts are
withheld.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone, translation

from lotse.clients.lib import codes
from lotse.core.models import Term
from lotse.organisations.models import Programme
from lotse.reports import queries, services
from lotse.reports.figures import FIGURES
from lotse.reports.models import ReportTemplate
from lotse.reports.report import Value
from lotse.staffing.queries import reference_day
from tests.reports.fixtures import analyst_of

pytestmark = pytest.mark.django_db

# A state programme of each demo state; together their templates use every figure.
PROGRAMMES = ["bw-im", "sh-msb", "bb-msa", "rlp-mfd"]
TOTAL = "Total"
# (lowest age, label), oldest first; the age is the one at the end of the period.
AGE_BANDS = [
    (65, "65 and older"),
    (45, "45 to 64"),
    (27, "27 to 44"),
    (18, "18 to 26"),
    (float("-inf"), "under 18"),
]


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def local_date(value):
    """A stored timestamp as the local calendar day (SQLite hands back naive UTC)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return timezone.localtime(value).date()


def latest(entries):
    """{key: value} of the entry with the greatest order per key, from (key, order, value)."""
    found = {}
    for key, order, value in entries:
        if key not in found or order > found[key][0]:
            found[key] = (order, value)
    return {key: value for key, (_order, value) in found.items()}


def label(term_id):
    return Term.objects.get(pk=term_id).label


def vocabulary_labels(vocabulary, used=()):
    """Labels of the vocabulary's active terms in order, and of inactive ones in use."""
    found = rows(
        "SELECT id, position, is_active FROM core_term WHERE vocabulary = %s", [vocabulary]
    )
    return [
        label(pk)
        for pk, _position, active in sorted(found, key=lambda r: (r[1], r[0]))
        if active or pk in set(used)
    ]


def grid(row_labels, column_labels, counts):
    """The cells of a count table with its totals, keyed (row label, column heading)."""
    expected = {}
    for row in row_labels:
        for column in column_labels:
            expected[(row, column)] = counts.get((row, column), 0)
        if len(column_labels) > 1:
            expected[(row, TOTAL)] = sum(counts.get((row, c), 0) for c in column_labels)
    for column in [*column_labels, TOTAL] if len(column_labels) > 1 else column_labels:
        expected[(TOTAL, column)] = sum(v for (r, c), v in expected.items() if c == column)
    return expected


def cells(section):
    return {(row[0], section.header[i]): row[i] for row in section.rows for i in range(1, len(row))}


class Count:
    """The demo counted from the tables, for one programme, its state and a period."""

    def __init__(self, programme, state, start, end, today):
        self.programme, self.start, self.end, self.today = programme, start, end, today
        in_state = {
            pk
            for (pk,) in rows(
                """SELECT o.id FROM organisations_office o
                   JOIN organisations_district d ON d.id = o.district_id
                   WHERE d.state_id = %s
                   UNION
                   SELECT om.office_id FROM organisations_office_municipalities om
                   JOIN organisations_municipality m ON m.id = om.municipality_id
                   JOIN organisations_district d ON d.id = m.district_id
                   WHERE d.state_id = %s""",
                [state.pk, state.pk],
            )
        }
        running = {
            pk
            for (pk,) in rows(
                "SELECT office_id FROM organisations_office_programmes WHERE programme_id = %s",
                [programme.pk],
            )
        }
        self.offices = in_state & running
        self.all_cases = rows(
            """SELECT id, client_id, programme_id, office_id, opened_on, closed_on,
                      limit_until, closure_reason_id FROM cases_case"""
        )
        self.cases_of_client = defaultdict(list)
        for case in self.all_cases:
            self.cases_of_client[case[1]].append(case)
        self.programme_cases = [
            c for c in self.all_cases if c[2] == programme.pk and c[3] in self.offices
        ]
        self.active = [
            c for c in self.programme_cases if c[4] <= end and (c[5] is None or c[5] >= start)
        ]
        self.contacts = [
            c
            for c in rows(
                """SELECT id, office_id, client_id, date, kind_id, channel_id, participants
                   FROM counselling_contact"""
            )
            if c[1] in self.offices and start <= c[3] <= end and self.counts(c[2], c[3])
        ]
        self.person_ids = {c[2] for c in self.contacts if c[2] is not None}

    def counts(self, client_id, day):
        """Whether something of the client on `day` counts for the programme (a client
        without a file counts at an office running it, as do those with no case open)."""
        if client_id is None:
            return True
        open_then = [
            c
            for c in self.cases_of_client[client_id]
            if c[4] <= day and (c[5] is None or c[5] >= day)
        ]
        return not open_then or any(c[2] == self.programme.pk for c in open_then)

    # --- the figures, one method each ------------------------------------------------

    def persons(self):
        contact_ids = {c[0] for c in self.contacts}
        family = {
            member
            for contact, member in rows(
                """SELECT contact_id, householdmember_id
                   FROM counselling_contact_household_members"""
            )
            if contact in contact_ids
        }
        anonymous = [c for c in self.contacts if c[2] is None]
        return {
            ("Persons counselled with a file (each counted once)", "Number"): len(self.person_ids),
            ("Family members counselled alongside", "Number"): len(family),
            ("Anonymous contacts", "Number"): sum(1 for c in anonymous if c[6] is None),
            ("Participants in group sessions without a file", "Number"): sum(
                c[6] for c in anonymous if c[6] is not None
            ),
        }

    def _by_term(self, vocabulary, term_ids):
        counts = Counter((label(t), "Contacts") for t in term_ids if t is not None)
        used = {t for t in term_ids if t is not None}
        return grid(vocabulary_labels(vocabulary, used), ["Contacts"], counts)

    def contacts_by_kind(self):
        return self._by_term("contact_kind", [c[4] for c in self.contacts])

    def contacts_by_channel(self):
        return self._by_term("channel", [c[5] for c in self.contacts])

    def contacts_by_topic(self):
        contact_ids = {c[0] for c in self.contacts}
        topics = [
            term
            for contact, term in rows("SELECT contact_id, term_id FROM counselling_contact_topics")
            if contact in contact_ids
        ]
        return self._by_term("topic", topics)

    def clients(self):
        return {
            row[0]: row[1:]
            for row in rows(
                """SELECT id, birth_year, birth_month, birth_day, sex, nationalities
                   FROM clients_client"""
            )
            if row[0] in self.person_ids
        }

    def age_and_sex(self):
        counts = Counter()
        for year, month, _day, sex in (c[:4] for c in self.clients().values()):
            if year is None:
                band = "unknown"
            else:
                age = self.end.year - year
                if (self.end.month, self.end.day) < (month or 7, 1):
                    age -= 1
                band = next(name for lowest, name in AGE_BANDS if age >= lowest)
            counts[(band, sex or "unknown")] += 1
        bands = [name for _lowest, name in reversed(AGE_BANDS)]
        return grid([*bands, "unknown"], ["female", "male", "diverse", "unknown"], counts)

    def nationality(self):
        firsts = Counter()
        for *_rest, nationalities in self.clients().values():
            if isinstance(nationalities, str):
                nationalities = json.loads(nationalities)
            firsts[nationalities[0] if nationalities else None] += 1
        ranked = sorted((n, code) for code, n in firsts.items() if code is not None)
        ranked.sort(key=lambda pair: -pair[0])  # stable: equal counts stay in code order
        leading = [code for _n, code in ranked[:5]]
        counts = Counter()
        for code, n in firsts.items():
            row = (
                "unknown"
                if code is None
                else codes.country_name(code, "en")
                if code in leading
                else "other nationalities"
            )
            counts[(row, "Persons")] += n
        names = [codes.country_name(code, "en") for code in leading]
        return grid([*names, "other nationalities", "unknown"], ["Persons"], counts)

    def residence_status(self):
        status = latest(
            (client_id, (valid_from, pk), status_id)
            for client_id, status_id, valid_from, pk in rows(
                "SELECT client_id, status_id, valid_from, id FROM clients_residencestatus"
            )
            if client_id in self.person_ids and valid_from <= self.end
        )
        counts = Counter(
            (label(status[p]) if p in status else "unknown", "Persons") for p in self.person_ids
        )
        used = set(status.values())
        return grid([*vocabulary_labels("residence_status", used), "unknown"], ["Persons"], counts)

    def cases(self):
        counts = Counter()
        for case in self.active:
            row = "opened in the period" if case[4] >= self.start else "opened before the period"
            closed = case[5] is not None and case[5] <= self.end
            counts[(row, "closed in the period" if closed else "open at the end")] += 1
        return grid(
            ["opened before the period", "opened in the period"],
            ["open at the end", "closed in the period"],
            counts,
        )

    def closures(self):
        counts = Counter()
        reasons = set()
        for case in self.programme_cases:
            if case[5] is None or not self.start <= case[5] <= self.end:
                continue
            days = (case[5] - case[4]).days
            band = (
                "up to 6 months"
                if days <= 182
                else "6 to 12 months"
                if days <= 365
                else "1 to 2 years"
                if days <= 730
                else "more than 2 years"
            )
            reason = label(case[7]) if case[7] else "no reason recorded"
            reasons.update([case[7]] if case[7] else [])
            counts[(reason, band)] += 1
        return grid(
            [*vocabulary_labels("closure_reason", reasons), "no reason recorded"],
            ["up to 6 months", "6 to 12 months", "1 to 2 years", "more than 2 years"],
            counts,
        )

    def plans(self):
        active = {c[0] for c in self.active}
        planned = {
            case
            for case, created in rows("SELECT case_id, created_at FROM cases_planrevision")
            if case in active and local_date(created) <= self.end
        }
        agreed = {
            case
            for case, on, how in rows('SELECT case_id, "on", how FROM cases_agreement')
            if case in active and on <= self.end and how != "refused"
        }
        counts = Counter(
            (
                "plan agreed with the client"
                if case in agreed
                else "plan without an agreement"
                if case in planned
                else "no plan yet",
                "Cases",
            )
            for case in active
        )
        return grid(
            ["plan agreed with the client", "plan without an agreement", "no plan yet"],
            ["Cases"],
            counts,
        ), {
            "Share with a plan (%)": share(len(planned | agreed), len(active)),
            "Share with an agreement (%)": share(len(agreed), len(active)),
        }

    def goals(self):
        active = {c[0] for c in self.active}
        goals = [g for g in rows("SELECT id, case_id, field_of_action_id FROM cases_goal")]
        goals = [g for g in goals if g[1] in active]
        goal_ids = {g[0] for g in goals}
        scored = latest(
            (goal, (on, pk), score)
            for goal, on, pk, score in rows(
                'SELECT goal_id, "on", id, counsellor_score FROM cases_review'
            )
            if goal in goal_ids and on <= self.end
        )
        counts = Counter()
        for goal, _case, field in goals:
            score = scored.get(goal)
            column = (
                "not yet reviewed"
                if score is None
                else "as expected or better"
                if score >= 0
                else "below expectation"
            )
            counts[(label(field), column)] += 1
        scores = list(scored.values())
        met = sum(1 for s in scores if s >= 0)
        table = grid(
            vocabulary_labels("field_of_action", {g[2] for g in goals}),
            ["as expected or better", "below expectation", "not yet reviewed"],
            counts,
        )
        return table, {
            "Mean attainment score of reviewed goals": round(statistics.fmean(scores), 2)
            if scores
            else None,
            "Share at or above the expected level (%)": share(met, len(scores)),
        }

    def referrals(self):
        service_type = dict(rows("SELECT id, service_type_id FROM network_service"))
        client_office = dict(rows("SELECT id, office_id FROM clients_client"))
        case_programme = {c[0]: c[2] for c in self.all_cases}
        counts = Counter()
        types = set()
        for client, service, case, made_on, feedback_on in rows(
            "SELECT client_id, service_id, case_id, made_on, feedback_on FROM network_referral"
        ):
            if client_office[client] not in self.offices:
                continue
            if not self.start <= made_on <= self.end:
                continue
            if case is not None:
                if case_programme[case] != self.programme.pk:
                    continue
            elif not self.counts(client, made_on):
                continue
            types.add(service_type[service])
            column = "without feedback" if feedback_on is None else "with feedback"
            counts[(label(service_type[service]), column)] += 1
        table = grid(
            vocabulary_labels("service_type", types), ["with feedback", "without feedback"], counts
        )
        with_feedback = table[(TOTAL, "with feedback")]
        return table, {"Share ended with feedback (%)": share(with_feedback, table[(TOTAL, TOTAL)])}

    def time_to_plan(self):
        first_plan = {}
        for case, created in rows("SELECT case_id, created_at FROM cases_planrevision"):
            day = local_date(created)
            first_plan[case] = min(day, first_plan.get(case, day))
        first_contact = {}
        for client, day in rows(
            "SELECT client_id, date FROM counselling_contact WHERE client_id IS NOT NULL"
        ):
            first_contact[client] = min(day, first_contact.get(client, day))
        waits = []
        for case in self.programme_cases:
            plan = first_plan.get(case[0])
            if plan is None or not self.start <= plan <= self.end:
                continue
            began = min(first_contact.get(case[1], case[4]), case[4])
            waits.append(max((plan - began).days, 0))
        counts = Counter()
        for days in waits:
            band = (
                "up to 7 days"
                if days <= 7
                else "8 to 30 days"
                if days <= 30
                else "31 to 90 days"
                if days <= 90
                else "more than 90 days"
            )
            counts[(band, "Cases")] += 1
        bands = ["up to 7 days", "8 to 30 days", "31 to 90 days", "more than 90 days"]
        return grid(bands, ["Cases"], counts), {
            "Median (days)": statistics.median(waits) if waits else None
        }

    def time_limit(self):
        day = min(self.end, self.today)
        counts = Counter()
        for case in self.programme_cases:
            if case[4] <= day and (case[5] is None or case[5] > day):
                limit = case[6]
                row = (
                    "no time limit"
                    if limit is None
                    else "past the time limit"
                    if limit < day
                    else "within the time limit"
                )
                counts[(row, "Cases")] += 1
        return grid(
            ["past the time limit", "within the time limit", "no time limit"], ["Cases"], counts
        )

    def staffing(self):
        year = self.end.year
        day = reference_day(year, self.today)
        names = dict(rows("SELECT id, name FROM organisations_office"))
        held: defaultdict[int, Decimal] = defaultdict(Decimal)
        vacant: defaultdict[int, Decimal] = defaultdict(Decimal)
        for office, programme, fte, holder, starts_on, ends_on in rows(
            """SELECT office_id, programme_id, fte, holder_id, starts_on, ends_on
               FROM staffing_position"""
        ):
            current = starts_on <= day and (ends_on is None or ends_on >= day)
            if programme == self.programme.pk and office in self.offices and current:
                (vacant if holder is None else held)[office] += Decimal(str(fte))
        basis = self.programme.ratio_basis
        counted: dict[int, int | None] = {}
        for office in self.offices:
            cases = [c for c in self.all_cases if c[3] == office and c[2] == self.programme.pk]
            if basis == "case_management_persons_per_year":
                first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
                counted[office] = len(
                    {c[1] for c in cases if c[4] <= last and (c[5] is None or c[5] >= first)}
                )
            elif basis == "case_management_cases":
                counted[office] = sum(
                    1 for c in cases if c[4] <= day and (c[5] is None or c[5] > day)
                )
            elif basis == "persons_housed":
                figure = rows(
                    """SELECT persons FROM staffing_personscount
                       WHERE office_id = %s AND programme_id = %s AND year = %s""",
                    [office, self.programme.pk, year],
                )
                counted[office] = figure[0][0] if figure else None
            else:
                counted[office] = None
        expected: dict[tuple[str, str], Value] = {}
        for office in self.offices:
            name, n = names[office], counted[office]
            fte = held[office]
            expected[(name, "FTE held")] = float(fte)
            expected[(name, "FTE vacant")] = float(vacant[office])
            expected[(name, "Counted for the ratio")] = n
            per_fte = (Decimal(n) / fte).quantize(Decimal("0.1")) if n is not None and fte else None
            expected[(name, "per FTE")] = None if per_fte is None else float(per_fte)
        total_fte = float(sum(held.values()))
        numbers = [n for n in counted.values() if n is not None]
        all_counted = sum(numbers) if len(numbers) == len(counted) else None
        expected[(TOTAL, "FTE held")] = total_fte
        expected[(TOTAL, "FTE vacant")] = float(sum(vacant.values()))
        expected[(TOTAL, "Counted for the ratio")] = all_counted
        expected[(TOTAL, "per FTE")] = (
            round(all_counted / total_fte, 1) if all_counted is not None and total_fte else None
        )
        target = self.programme.ratio_persons_per_fte
        return expected, {"Staffing ratio (persons per FTE)": target} if target else {}

    def structural(self):
        kinds = {
            "network_meeting": "network meeting",
            "volunteer_coordination": "volunteer coordination",
            "social_space": "social-space project",
            "intercultural_opening": "intercultural opening",
            "anti_discrimination": "anti-discrimination work",
            "public_relations": "public relations",
        }
        entries: Counter[str] = Counter()
        hours: defaultdict[str, Decimal] = defaultdict(Decimal)
        for office, kind, day, spent in rows(
            "SELECT office_id, kind, date, hours FROM structural_activity"
        ):
            if office in self.offices and self.start <= day <= self.end:
                entries[kinds[kind]] += 1
                hours[kinds[kind]] += Decimal(str(spent))
        expected: dict[tuple[str, str], Value] = {}
        for name in kinds.values():
            expected[(name, "Entries")] = entries[name]
            expected[(name, "Hours")] = float(hours[name])
        expected[(TOTAL, "Entries")] = sum(entries.values())
        expected[(TOTAL, "Hours")] = float(sum(hours.values()))
        return expected


def share(part, whole):
    return round(100 * part / whole, 1) if whole else None


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def state_of(programme):
    assert programme.state is not None, programme
    return programme.state


def build(programme, state, start, end, today, threshold):
    user = analyst_of(state)
    unit = queries.unit_for(user, f"state:{state.pk}")
    assert unit is not None
    template = ReportTemplate.objects.get(programme=programme)
    offices = queries.offices_of(user, unit)
    return services.build(
        template, offices, start, end, scope=unit.label, threshold=threshold, today=today
    )


def periods(today):
    """The last twelve months, and the twelve months before them."""
    year_ago = today - dt.timedelta(days=365)
    return [
        (year_ago + dt.timedelta(days=1), today),
        (year_ago - dt.timedelta(days=364), year_ago),
    ]


@pytest.mark.parametrize("key", PROGRAMMES)
def test_every_figure_matches_a_count_over_the_rows(demo, english, key):
    programme = Programme.objects.get(key=key)
    state = state_of(programme)
    today = timezone.localdate()
    checked = Counter()
    for start, end in periods(today):
        count = Count(programme, state, start, end, today)
        assert count.offices, f"the demo has offices running {key} in {state}"
        report = build(programme, state, start, end, today, threshold=1)
        assert report.threshold == 1 and report.notes == []
        for section in report.sections:
            expected = getattr(count, section.code)()
            figures = {}
            if isinstance(expected, tuple):
                expected, figures = expected
            assert cells(section) == expected, (key, start, section.code)
            assert dict(section.figures) == figures, (key, start, section.code)
            checked[section.code] += 1
    assert set(checked) == set(ReportTemplate.objects.get(programme=programme).sections)


def test_the_four_reports_cover_every_figure():
    templates = ReportTemplate.objects.filter(programme__key__in=PROGRAMMES)
    assert {code for t in templates for code in t.sections} == set(FIGURES)


def test_the_demo_reports_have_content_in_every_figure(demo, english):
    """A comparison of zeros with zeros would prove little: in the statewide reports of the
    last twelve months, every figure has a count above zero in at least one programme, and
    every programme counts persons."""
    today = timezone.localdate()
    start, end = periods(today)[0]
    with_content = set()
    for key in PROGRAMMES:
        programme = Programme.objects.get(key=key)
        report = build(programme, state_of(programme), start, end, today, 1)
        for section in report.sections:
            if any(isinstance(v, int | float) and v for row in section.rows for v in row[1:]):
                with_content.add(section.code)
        assert report.sections[0].rows[0][1] > 0, key
    assert with_content == set(FIGURES)


@pytest.mark.parametrize("key", PROGRAMMES)
def test_with_the_default_threshold_shown_values_are_the_counts(demo, english, key):
    programme = Programme.objects.get(key=key)
    state = state_of(programme)
    today = timezone.localdate()
    start, end = periods(today)[0]
    exact = build(programme, state, start, end, today, threshold=1)
    published = build(programme, state, start, end, today, threshold=5)
    assert published.threshold == 5
    withheld = 0
    for full, shown in zip(exact.sections, published.sections, strict=True):
        for (cell, value), (same, seen) in zip(
            cells(full).items(), cells(shown).items(), strict=True
        ):
            assert cell == same
            if seen is None:
                withheld += 1
            else:
                assert seen == value, (key, full.code, cell)
            if isinstance(value, int) and 0 < value < 5 and full.code != "structural":
                assert seen is None, (key, full.code, cell)
    assert withheld > 0
