"""The figures a programme report can contain, each computed from the casework.

A report template lists figure codes (`FIGURES`); a new template needs no code, a new
kind of figure does. Every figure is computed for one programme, a set of offices (the
scope) and a period, and comes out as a `report.Section` whose counts have been through
suppression (`core.lib.suppression`): tables with totals get primary and secondary
suppression, single counts primary suppression. Figures derived from counts (shares,
means, medians) are shown only when every count they come from is shown and at least
`threshold` records stand behind them.

What counts for a programme (documented in docs/reports.md):
- A contact counts when the client had a case of the programme open on the contact's
  day (from the day it was opened to the day it was closed). A contact with no case
  open that day (short counselling, anonymous and group contacts) counts for the
  programme when the office runs it. At an office running several programmes such a
  contact therefore counts for each of them.
- A referral counts when it belongs to a case of the programme, or, made outside a
  case, under the same rule as a contact on the day it was made.
- Cases are the programme's cases at the scope's offices; "active" means open on at
  least one day of the period.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property
from typing import Any, cast

from django.db import models
from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, LessThan, LessThanOrEqual
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lotse.cases.models import Agreement, Case, CaseQuerySet, Goal, PlanRevision, Review
from lotse.clients.lib import codes
from lotse.clients.models import Client, HouseholdMember, ResidenceStatus, Sex
from lotse.core.lib import suppression
from lotse.core.lib.suppression import TOTAL
from lotse.core.models import Term
from lotse.counselling.models import AgeBand, Contact
from lotse.organisations.models import Office, Programme
from lotse.reports.models import CountedContact, CountedReferral, CountedTopic, Stored
from lotse.reports.report import Section, Value
from lotse.structural.models import Activity

V = Term.Vocabulary
LEADING_NATIONALITIES = 5
UNKNOWN = "unknown"
OTHER = "other"


@dataclass
class Basis:
    """What every figure of one report reads: programme, offices, period."""

    programme: Programme
    offices: QuerySet[Office]  # the scope's offices that run the programme
    start: dt.date
    end: dt.date
    threshold: int
    today: dt.date

    @cached_property
    def office_ids(self) -> list[int]:
        """The offices as a list: the database then knows how many rows they hold."""
        return list(self.offices.values_list("pk", flat=True))

    @property
    def cases(self) -> CaseQuerySet:
        return Case.objects.filter(programme=self.programme, office__in=self.office_ids)

    @property
    def active_cases(self) -> CaseQuerySet:
        return self.cases.open_during(self.start, self.end)

    @property
    def contacts(self) -> QuerySet[CountedContact]:
        """The period's contacts that count for the programme, once each, from the
        reporting store (`store.py`)."""
        return self._counted(CountedContact)

    @property
    def topics(self) -> QuerySet[CountedTopic]:
        """The topics of those contacts, once per contact and topic."""
        return self._counted(CountedTopic)

    def _counted(self, stored: type[Stored]) -> QuerySet[Any]:
        """The period's rows of the store that count: of the programme, or of no case, at
        one of the offices (which all run the programme)."""
        return stored._default_manager.filter(
            Q(programme=self.programme) | Q(programme__isnull=True),
            office__in=self.office_ids,
            date__range=(self.start, self.end),
        ).order_by()

    @property
    def persons(self) -> QuerySet[Client]:
        return Client.objects.filter(pk__in=self.contacts.values("client")).order_by()

    @property
    def referrals(self) -> QuerySet[CountedReferral]:
        """The period's referrals that count for the programme, once each."""
        return self._counted(CountedReferral)

    @cached_property
    def person_groups(self) -> list[dict[str, Any]]:
        """The persons counselled, counted by what the person figures break them down by
        (`n`): one pass over the period's contacts serves all of those figures."""
        latest = (
            ResidenceStatus.objects.filter(client=OuterRef("pk"), valid_from__lte=self.end)
            .order_by("-valid_from", "-pk")
            .values("status")[:1]
        )
        groups = self.persons.annotate(
            band=_age_band(self.end), nationality=KT("nationalities__0"), status=Subquery(latest)
        ).values("band", "sex", "nationality", "status")
        return cast(list[dict[str, Any]], list(groups.annotate(n=Count("pk"))))

    def single(self, value: int) -> int | None:
        """A count published on its own: withheld below the threshold (zero is shown)."""
        return None if 0 < value < self.threshold else value


# --- building sections -----------------------------------------------------------------


def table_section(
    basis: Basis,
    code: str,
    title: str,
    row_heading: str,
    rows: Sequence[tuple[str, str]],
    columns: Sequence[tuple[str, str]],
    counts: Counter[tuple[str, str]],
    *,
    chart: str = "bar",
    note: str = "",
) -> tuple[Section, suppression.Suppressed]:
    """A count table with totals, suppressed. `rows`/`columns` are (key, label) pairs."""
    table = suppression.Table(
        rows=tuple(k for k, _label in rows),
        columns=tuple(k for k, _label in columns),
        cells={key: value for key, value in counts.items() if value},
    )
    result = suppression.suppress(table, basis.threshold)
    total = _("Total")
    body: list[list[Value]] = []
    for (_key, label), values in zip(
        [*rows, (TOTAL, total)], result.rows_for_display(), strict=True
    ):
        body.append([label, *values])
    header = [row_heading, *(label for _k, label in columns)]
    if len(columns) > 1:
        header.append(total)
    else:
        body = [row[:2] for row in body]  # one column: its row totals repeat it
    section = Section(code, title, header, body, chart=chart, note=note)
    return section, result


def _terms(vocabulary: str, used: Iterable[int] = ()) -> list[tuple[str, str]]:
    """The vocabulary's active terms in order, plus inactive ones that occur in the data."""
    terms = Term.objects.filter(vocabulary=vocabulary).filter(
        Q(is_active=True) | Q(pk__in=list(used))
    )
    return [(str(t.pk), t.label) for t in terms.order_by("position", "pk")]


def _share(part: Value, whole: Value, basis: Basis) -> Value:
    """Per cent to one decimal, from published counts only."""
    if not isinstance(part, int) or not isinstance(whole, int) or whole < basis.threshold:
        return None
    return round(100 * part / whole, 1)


# --- the figures -----------------------------------------------------------------------


def persons(basis: Basis) -> Section:
    without_a_file = basis.contacts.filter(client__isnull=True).aggregate(
        anonymous=Count("pk", filter=Q(participants__isnull=True)),
        in_groups=Sum("participants"),
    )
    alongside = Contact.household_members.through.objects.filter(
        contact__in=basis.contacts.values("contact")
    )
    family = HouseholdMember.objects.filter(pk__in=alongside.values("householdmember"))
    rows: list[list[Value]] = [
        [
            _("Persons counselled with a file (each counted once)"),
            sum(group["n"] for group in basis.person_groups),
        ],
        [_("Family members counselled alongside"), family.count()],
        [_("Anonymous contacts"), without_a_file["anonymous"]],
        [_("Participants in group sessions without a file"), without_a_file["in_groups"]],
    ]
    for row in rows:
        row[1] = basis.single(int(row[1] or 0))
    return Section(
        "persons",
        _("Persons counselled"),
        ["", _("Number")],
        rows,
        has_total=False,
        note=_("Separate counts that do not add up."),
    )


def _contacts_by(
    basis: Basis, code: str, title: str, counted: QuerySet[Any], field: str, vocabulary: str
) -> Section:
    """`counted` (contacts or topic mentions) by the term in `field`."""
    by_value = counted.values_list(field).annotate(n=Count("*")).order_by()
    counts = Counter({(str(pk), "n"): n for pk, n in by_value if pk is not None})
    rows = _terms(vocabulary, used=(int(k) for k, _c in counts))
    return table_section(basis, code, title, _("Kind"), rows, [("n", _("Contacts"))], counts)[0]


def contacts_by_kind(basis: Basis) -> Section:
    return _contacts_by(
        basis, "contacts_by_kind", _("Contacts by kind"), basis.contacts, "kind", V.CONTACT_KIND
    )


def contacts_by_channel(basis: Basis) -> Section:
    return _contacts_by(
        basis,
        "contacts_by_channel",
        _("Contacts by channel"),
        basis.contacts,
        "channel",
        V.CHANNEL,
    )


def contacts_by_topic(basis: Basis) -> Section:
    section = _contacts_by(
        basis, "contacts_by_topic", _("Contacts by topic"), basis.topics, "topic", V.TOPIC
    )
    note = _("A contact can have several topics; the total counts topic mentions.")
    return replace(section, note=note)


def _age_band(day: dt.date) -> models.Case:
    """A client's age band on `day`, by year and month of birth only: the day of birth goes
    when a record is anonymised, and the report must stay the same (a birthday counts from
    the first of its month, an unknown month from July)."""
    month = Coalesce("birth_month", 7)
    bands = [models.When(birth_year__isnull=True, then=models.Value(AgeBand.UNKNOWN.value))]
    for band, lowest in (("65+", 65), ("45-64", 45), ("27-44", 27), ("18-26", 18)):
        year = day.year - lowest  # born then, the client turns `lowest` that year
        born = F("birth_year")
        reached = LessThan(born, year) | (Exact(born, year) & LessThanOrEqual(month, day.month))
        bands.append(models.When(reached, then=models.Value(band)))
    return models.Case(*bands, default=models.Value("0-17"))


def age_and_sex(basis: Basis) -> Section:
    counts: Counter[tuple[str, str]] = Counter()
    for group in basis.person_groups:
        counts[(group["band"], group["sex"] or Sex.UNKNOWN)] += group["n"]
    return table_section(
        basis,
        "age_and_sex",
        _("Persons counselled by age and sex"),
        _("Age at the end of the period"),
        [(band.value, str(band.label)) for band in AgeBand],
        [(sex.value, str(sex.label)) for sex in Sex],
        counts,
        chart="grouped",
    )[0]


def nationality(basis: Basis) -> Section:
    firsts: Counter[str] = Counter()
    for group in basis.person_groups:
        firsts[group["nationality"] or UNKNOWN] += group["n"]
    known = sorted(
        ((code, n) for code, n in firsts.items() if code != UNKNOWN), key=lambda c: (-c[1], c[0])
    )
    leading = [code for code, _n in known[:LEADING_NATIONALITIES]]
    counts: Counter[tuple[str, str]] = Counter()
    for code, n in firsts.items():
        key = code if code in leading or code == UNKNOWN else OTHER
        counts[(key, "n")] += n
    language = "en" if (get_language() or "de").startswith("en") else "de"
    rows = [(code, codes.country_name(code, language)) for code in leading]
    rows += [(OTHER, _("other nationalities")), (UNKNOWN, _("unknown"))]
    return table_section(
        basis,
        "nationality",
        _("Persons counselled by nationality"),
        _("Nationality (the first recorded)"),
        rows,
        [("n", _("Persons"))],
        counts,
        note=_("The %(n)d most frequent nationalities by name, the others together.")
        % {"n": LEADING_NATIONALITIES},
    )[0]


def residence_status(basis: Basis) -> Section:
    counts: Counter[tuple[str, str]] = Counter()
    for group in basis.person_groups:
        counts[(str(group["status"] or UNKNOWN), "n")] += group["n"]
    used = {group["status"] for group in basis.person_groups if group["status"]}
    rows = [*_terms(V.RESIDENCE_STATUS, used=used), (UNKNOWN, _("unknown"))]
    return table_section(
        basis,
        "residence_status",
        _("Persons counselled by residence status"),
        _("Residence status at the end of the period"),
        rows,
        [("n", _("Persons"))],
        counts,
    )[0]


def cases(basis: Basis) -> Section:
    counts: Counter[tuple[str, str]] = Counter()
    for opened_on, closed_on in basis.active_cases.values_list("opened_on", "closed_on"):
        row = "opened" if opened_on >= basis.start else "carried"
        column = "closed" if closed_on is not None and closed_on <= basis.end else "open"
        counts[(row, column)] += 1
    return table_section(
        basis,
        "cases",
        _("Cases active in the period"),
        _("Case"),
        [("carried", _("opened before the period")), ("opened", _("opened in the period"))],
        [("open", _("open at the end")), ("closed", _("closed in the period"))],
        counts,
        chart="grouped",
    )[0]


DURATIONS = [(182, "6"), (365, "12"), (730, "24"), (None, "more")]


def _duration_band(days: int) -> str:
    for limit, key in DURATIONS:
        if limit is None or days <= limit:
            return key
    raise AssertionError("unreachable")


def closures(basis: Basis) -> Section:
    closed = basis.cases.filter(closed_on__range=(basis.start, basis.end))
    counts: Counter[tuple[str, str]] = Counter()
    for reason, opened_on, closed_on in closed.values_list(
        "closure_reason", "opened_on", "closed_on"
    ):
        key = str(reason) if reason else UNKNOWN
        days = (cast(dt.date, closed_on) - opened_on).days  # filtered to closed cases
        counts[(key, _duration_band(days))] += 1
    reasons = _terms(V.CLOSURE_REASON, used=(int(k) for k, _c in counts if k != UNKNOWN))
    return table_section(
        basis,
        "closures",
        _("Cases closed in the period by reason and duration"),
        _("Reason"),
        [*reasons, (UNKNOWN, _("no reason recorded"))],
        [
            ("6", _("up to 6 months")),
            ("12", _("6 to 12 months")),
            ("24", _("1 to 2 years")),
            ("more", _("more than 2 years")),
        ],
        counts,
        chart="grouped",
    )[0]


def plans(basis: Basis) -> Section:
    active = basis.active_cases
    with_plan = set(
        PlanRevision.objects.filter(case__in=active, created_at__date__lte=basis.end).values_list(
            "case_id", flat=True
        )
    )
    agreed = set(
        Agreement.objects.filter(case__in=active, on__lte=basis.end)
        .exclude(how=Agreement.How.REFUSED)
        .values_list("case_id", flat=True)
    )
    counts: Counter[tuple[str, str]] = Counter()
    for case_id in active.values_list("pk", flat=True):
        key = "agreed" if case_id in agreed else "plan" if case_id in with_plan else "none"
        counts[(key, "n")] += 1
    section, result = table_section(
        basis,
        "plans",
        _("Active cases with an integration plan and an agreement"),
        _("Case"),
        [
            ("agreed", _("plan agreed with the client")),
            ("plan", _("plan without an agreement")),
            ("none", _("no plan yet")),
        ],
        [("n", _("Cases"))],
        counts,
    )
    total = result.value(TOTAL, "n")
    agreed_n = result.value("agreed", "n")
    plan_n = result.value("plan", "n")
    with_plan_n = agreed_n + plan_n if agreed_n is not None and plan_n is not None else None
    section.figures.extend(
        [
            (_("Share with a plan (%)"), _share(with_plan_n, total, basis)),
            (_("Share with an agreement (%)"), _share(agreed_n, total, basis)),
        ]
    )
    return section


def goals(basis: Basis) -> Section:
    goals = Goal.objects.filter(case__in=basis.active_cases)
    latest: dict[int, int] = {}
    for goal_id, score in (
        Review.objects.filter(goal__in=goals, on__lte=basis.end)
        .order_by("goal_id", "-on", "-pk")
        .values_list("goal_id", "counsellor_score")
    ):
        latest.setdefault(goal_id, score)
    counts: Counter[tuple[str, str]] = Counter()
    fields: set[int] = set()
    for goal_id, field_id in goals.values_list("pk", "field_of_action"):
        fields.add(field_id)
        last_score = latest.get(goal_id)
        column = "open" if last_score is None else "met" if last_score >= 0 else "below"
        counts[(str(field_id), column)] += 1
    section, result = table_section(
        basis,
        "goals",
        _("Goals of active cases by field of action and attainment"),
        _("Field of action"),
        _terms(V.FIELD_OF_ACTION, used=fields),
        [
            ("met", _("as expected or better")),
            ("below", _("below expectation")),
            ("open", _("not yet reviewed")),
        ],
        counts,
        chart="grouped",
        note=_("Attainment: the latest review's score by the counsellor (−2 to +2)."),
    )
    met, below = result.value(TOTAL, "met"), result.value(TOTAL, "below")
    reviewed = met + below if met is not None and below is not None else None
    scores = list(latest.values())
    mean = round(statistics.fmean(scores), 2) if scores and reviewed is not None else None
    section.figures.extend(
        [
            (
                _("Mean attainment score of reviewed goals"),
                mean if reviewed is not None and reviewed >= basis.threshold else None,
            ),
            (_("Share at or above the expected level (%)"), _share(met, reviewed, basis)),
        ]
    )
    return section


def referrals(basis: Basis) -> Section:
    counts: Counter[tuple[str, str]] = Counter()
    types: set[int] = set()
    rows = basis.referrals.values_list("service__service_type").annotate(
        n=Count("*"), answered=Count("feedback_on")
    )
    for type_id, n, answered in rows:
        types.add(type_id)
        counts[(str(type_id), "yes")] += answered
        counts[(str(type_id), "no")] += n - answered
    section, result = table_section(
        basis,
        "referrals",
        _("Referrals by service type"),
        _("Service type"),
        _terms(V.SERVICE_TYPE, used=types),
        [("yes", _("with feedback")), ("no", _("without feedback"))],
        counts,
        chart="grouped",
    )
    section.figures.append(
        (
            _("Share ended with feedback (%)"),
            _share(result.value(TOTAL, "yes"), result.value(TOTAL, TOTAL), basis),
        )
    )
    return section


WAITS = [(7, "7"), (30, "30"), (90, "90"), (None, "more")]


def time_to_plan(basis: Basis) -> Section:
    """Days from the client's first contact to the case's first plan, for the cases whose
    first plan falls in the period."""
    first_plans = (
        PlanRevision.objects.filter(case__in=basis.cases)
        .values("case_id")
        .annotate(first=Min("created_at"))
        .filter(first__date__range=(basis.start, basis.end))
    )
    first_plan = {row["case_id"]: row["first"].date() for row in first_plans}
    case_rows = basis.cases.filter(pk__in=first_plan).values_list("pk", "client_id", "opened_on")
    client_ids = {client_id for _pk, client_id, _opened in case_rows}
    first_contact = dict(
        Contact.objects.filter(client__in=client_ids)
        .values("client_id")
        .annotate(first=Min("date"))
        .values_list("client_id", "first")
    )
    days: list[int] = []
    counts: Counter[tuple[str, str]] = Counter()
    for pk, client_id, opened_on in case_rows:
        start = min(first_contact.get(client_id) or opened_on, opened_on)
        waited = max((first_plan[pk] - start).days, 0)
        days.append(waited)
        band = next(key for limit, key in WAITS if limit is None or waited <= limit)
        counts[(band, "n")] += 1
    section, result = table_section(
        basis,
        "time_to_plan",
        _("Days from the first contact to the integration plan"),
        _("Days"),
        [
            ("7", _("up to 7 days")),
            ("30", _("8 to 30 days")),
            ("90", _("31 to 90 days")),
            ("more", _("more than 90 days")),
        ],
        [("n", _("Cases"))],
        counts,
    )
    shown = result.value(TOTAL, "n")
    median = statistics.median(days) if shown is not None and shown >= basis.threshold else None
    section.figures.append((_("Median (days)"), median))
    return section


def time_limit(basis: Basis) -> Section:
    day = min(basis.end, basis.today)
    counts: Counter[tuple[str, str]] = Counter()
    for limit in basis.cases.open_on(day).values_list("limit_until", flat=True):
        key = "none" if limit is None else "past" if limit < day else "within"
        counts[(key, "n")] += 1
    return table_section(
        basis,
        "time_limit",
        _("Open cases and the time limit"),
        _("Case"),
        [
            ("past", _("past the time limit")),
            ("within", _("within the time limit")),
            ("none", _("no time limit")),
        ],
        [("n", _("Cases"))],
        counts,
        note=_("Cases open on %(day)s.") % {"day": day.strftime("%d.%m.%Y")},
    )[0]


def staffing(basis: Basis) -> Section:
    from lotse.staffing.queries import Level, ratios_of

    rows: list[list[Value]] = []
    for ratio in ratios_of(basis.offices, basis.end.year, Level.OFFICE, basis.today):
        if ratio.programme.pk != basis.programme.pk:
            continue
        counted = basis.single(ratio.counted) if ratio.counted is not None else None
        per_fte = ratio.per_fte if counted is not None else None
        rows.append(
            [
                ratio.unit,
                _decimal(ratio.fte),
                _decimal(ratio.vacant_fte),
                counted,
                _decimal(per_fte),
            ]
        )
    if rows:
        totals = [_("Total"), *(_sum(row[i] for row in rows) for i in (1, 2))]
        counted_values = [row[3] for row in rows]
        counted_total = (
            sum(int(v) for v in counted_values if isinstance(v, int))
            if all(isinstance(v, int) for v in counted_values)
            else None
        )
        fte = totals[1]
        per = (
            round(counted_total / float(fte), 1)
            if counted_total is not None and isinstance(fte, float) and fte
            else None
        )
        rows.append([*totals, counted_total, per])
    target = basis.programme.ratio_persons_per_fte
    return Section(
        "staffing",
        _("Staffing"),
        [_("Office"), _("FTE held"), _("FTE vacant"), _("Counted for the ratio"), _("per FTE")],
        rows,
        figures=[(_("Staffing ratio (persons per FTE)"), target)] if target else [],
        note=_(
            "Positions and ratios as on the staffing page; a count of persons below the "
            "threshold is withheld with the figures derived from it."
        ),
    )


def structural(basis: Basis) -> Section:
    activities = Activity.objects.filter(
        office__in=basis.offices, date__range=(basis.start, basis.end)
    )
    by_kind = {
        kind: (n, hours)
        for kind, n, hours in activities.values_list("kind")
        .annotate(n=Count("pk"), hours=Sum("hours"))
        .values_list("kind", "n", "hours")
    }
    rows: list[list[Value]] = [
        [str(kind.label), by_kind.get(kind, (0, 0))[0], _decimal(by_kind.get(kind, (0, 0))[1])]
        for kind in Activity.Kind
    ]
    rows.append([_("Total"), _sum(r[1] for r in rows), _sum(r[2] for r in rows)])
    return Section(
        "structural",
        _("Structural work"),
        [_("Kind of work"), _("Entries"), _("Hours")],
        rows,
        note=_("Structural work of the offices, whatever the programme."),
    )


def _decimal(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _sum(values: Iterable[Value]) -> Value:
    items = list(values)
    if any(v is None or isinstance(v, str) for v in items):
        return None
    total = sum(v for v in items if isinstance(v, int | float))
    return round(total, 2) if isinstance(total, float) else total


FIGURES: dict[str, tuple[Any, Callable[[Basis], Section]]] = {
    "persons": (gettext_lazy("Persons counselled"), persons),
    "contacts_by_kind": (gettext_lazy("Contacts by kind"), contacts_by_kind),
    "contacts_by_channel": (gettext_lazy("Contacts by channel"), contacts_by_channel),
    "contacts_by_topic": (gettext_lazy("Contacts by topic"), contacts_by_topic),
    "age_and_sex": (gettext_lazy("Persons counselled by age and sex"), age_and_sex),
    "nationality": (gettext_lazy("Persons counselled by nationality"), nationality),
    "residence_status": (
        gettext_lazy("Persons counselled by residence status"),
        residence_status,
    ),
    "cases": (gettext_lazy("Cases active in the period"), cases),
    "closures": (gettext_lazy("Cases closed by reason and duration"), closures),
    "plans": (gettext_lazy("Plans and agreements"), plans),
    "goals": (gettext_lazy("Goals and their attainment"), goals),
    "referrals": (gettext_lazy("Referrals by service type"), referrals),
    "time_to_plan": (gettext_lazy("Days from the first contact to the plan"), time_to_plan),
    "time_limit": (gettext_lazy("Cases past the time limit"), time_limit),
    "staffing": (gettext_lazy("Staffing"), staffing),
    "structural": (gettext_lazy("Structural work"), structural),
}
