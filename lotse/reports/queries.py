"""Which reports a user may build, for which units, and the runs they may open.

Reports are aggregates: the capability is VIEW_AGGREGATES, and a unit (office, provider,
district, state) only ever covers the offices in which the user holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lotse.core import access
from lotse.core.access import Capability
from lotse.organisations.models import Office
from lotse.reports.models import ReportRun, ReportTemplate

AGGREGATES = Capability.VIEW_AGGREGATES
LEVELS = {
    "office": _("Office"),
    "provider": _("Provider"),
    "district": _("District"),
    "state": _("State"),
}


@dataclass(frozen=True)
class Unit:
    level: str
    pk: int
    label: str

    @property
    def key(self) -> str:
        return f"{self.level}:{self.pk}"


def units_for(user: Any) -> list[Unit]:
    """Every unit the user may report on, largest first."""
    units = [Unit("state", s.pk, s.name) for s in access.states_for(user, AGGREGATES)]
    units += [
        Unit("district", d.pk, str(d))
        for d in access.districts_for(user, AGGREGATES).select_related("state")
    ]
    units += [Unit("provider", p.pk, p.name) for p in access.providers_for(user, AGGREGATES)]
    units += [Unit("office", o.pk, o.name) for o in access.offices_for(user, AGGREGATES)]
    return units


def unit_for(user: Any, key: str) -> Unit | None:
    return next((u for u in units_for(user) if u.key == key), None)


def offices_of(user: Any, unit: Unit) -> QuerySet[Office]:
    """The offices of `unit` in which the user sees aggregates."""
    condition = {
        "office": Q(pk=unit.pk),
        "provider": Q(provider_id=unit.pk),
        "district": Q(district_id=unit.pk) | Q(municipalities__district_id=unit.pk),
        "state": Q(district__state_id=unit.pk) | Q(municipalities__district__state_id=unit.pk),
    }[unit.level]
    within = Office.objects.filter(condition).values("pk")
    return access.offices_for(user, AGGREGATES).filter(pk__in=within)


def offices_of_run(run: ReportRun) -> QuerySet[Office]:
    """The run's offices, scoped again by what its author may see now."""
    return offices_of(run.created_by, Unit(run.level, run.unit_id, run.unit_label))


def templates_for(user: Any) -> QuerySet[ReportTemplate]:
    """Active templates of the programmes run by offices the user sees aggregates of."""
    programmes = access.offices_for(user, AGGREGATES).values("programmes")
    return ReportTemplate.objects.filter(is_active=True, programme__in=programmes).select_related(
        "programme"
    )


def runs_for(user: Any) -> QuerySet[ReportRun]:
    """The user's own report runs (a run holds nothing its author could not see)."""
    if not access.has_capability(user, AGGREGATES):
        return ReportRun.objects.none()
    return ReportRun.objects.filter(created_by=user).select_related("template__programme")


def get_run_for(user: Any, pk: Any) -> ReportRun:
    return access.get_or_404(runs_for(user), pk=pk)
