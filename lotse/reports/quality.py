"""Quality indicators per quarter: the same figures as the reports, over time.

Plan coverage, goal attainment and referral feedback rate (shares in per cent), the
median wait from first contact to plan, and open cases past the time limit. Each comes
from the figure of the same name (`figures`), so a quarter shows what a report for
that quarter would show, suppression included.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lotse.core import replica
from lotse.organisations.models import Office, Programme
from lotse.reports import figures
from lotse.reports.report import Section, Value

QUARTERS = 8


def quarters(today: dt.date, count: int = QUARTERS) -> list[tuple[str, dt.date, dt.date]]:
    """The last `count` quarters up to today's, oldest first; today's ends today."""
    year, quarter = today.year, (today.month - 1) // 3
    result = []
    for _i in range(count):
        start = dt.date(year, 3 * quarter + 1, 1)
        following = dt.date(year + (quarter == 3), (3 * quarter + 3) % 12 + 1, 1)
        end = min(following - dt.timedelta(days=1), today)
        result.append((f"{year} Q{quarter + 1}", start, end))
        year, quarter = (year - 1, 3) if quarter == 0 else (year, quarter - 1)
    return result[::-1]


def _figure(section: Section, index: int) -> Value:
    return section.figures[index][1]


@replica.reading()
def indicators(
    programme: Programme, offices: QuerySet[Office], threshold: int, today: dt.date
) -> list[Section]:
    shares: list[list[Value]] = []
    waits: list[list[Value]] = []
    breaches: list[list[Value]] = []
    for label, start, end in quarters(today):
        basis = figures.Basis(
            programme, offices.filter(programmes=programme), start, end, threshold, today
        )
        shares.append(
            [
                label,
                _figure(figures.plans(basis), 0),
                _figure(figures.goals(basis), 1),
                _figure(figures.referrals(basis), 0),
            ]
        )
        waits.append([label, _figure(figures.time_to_plan(basis), 0)])
        breaches.append([label, figures.time_limit(basis).rows[0][1]])
    return [
        Section(
            "quality_shares",
            _("Plan coverage, goal attainment and referral feedback (%)"),
            [
                _("Quarter"),
                _("Active cases with a plan"),
                _("Reviewed goals as expected or better"),
                _("Referrals with feedback"),
            ],
            shares,
            chart="line",
            has_total=False,
        ),
        Section(
            "quality_wait",
            _("Waiting time from first contact to plan (median days)"),
            [_("Quarter"), _("Median (days)")],
            waits,
            chart="line",
            has_total=False,
            note=_("Cases whose first plan was made in the quarter."),
        ),
        Section(
            "quality_limit",
            _("Open cases past the time limit"),
            [_("Quarter"), _("Cases")],
            breaches,
            chart="line",
            has_total=False,
            note=_("At the end of the quarter (today for the current one)."),
        ),
    ]
