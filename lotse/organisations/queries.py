"""Reads about organisations, always bounded by what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from lotse.accounts.models import User
from lotse.core import access
from lotse.core.access import Capability
from lotse.core.models import AuditEvent
from lotse.organisations.models import (
    Delegation,
    District,
    Membership,
    Municipality,
    Office,
    Programme,
    Provider,
    Role,
    State,
)

VIEW = Capability.VIEW_ORGANISATION


@dataclass
class Panel:
    """One block of the start page, for one membership."""

    membership: Membership
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def visible_offices(user: Any) -> QuerySet[Office]:
    return access.offices_for(user, VIEW).select_related("provider", "district")


def team(office: Office) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(office=office, is_active=True)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")
    )


def office_staff(office: Office) -> QuerySet[User]:
    """People who work with the office's clients: counsellors and team leads."""
    return User.objects.filter(
        memberships__office=office,
        memberships__is_active=True,
        memberships__role__in=access.PERSONAL_DATA_ROLES,
        is_active=True,
    ).distinct()


def office_detail(office: Office) -> dict[str, Any]:
    return {
        "office": office,
        "municipalities": office.municipalities.select_related("district"),
        "programmes": office.programmes.all(),
        "team": team(office),
    }


def district_detail(user: Any, district: District) -> dict[str, Any]:
    delegations = Delegation.objects.select_related("programme").order_by("-valid_from")
    return {
        "district": district,
        "municipalities": district.municipalities.prefetch_related(
            Prefetch("delegations", queryset=delegations)
        ),
        "offices": visible_offices(user)
        .filter(Q(district=district) | Q(municipalities__district=district))
        .distinct(),
    }


def provider_detail(user: Any, provider: Provider) -> dict[str, Any]:
    return {
        "provider": provider,
        "offices": visible_offices(user)
        .filter(provider=provider)
        .annotate(staff=Count("memberships", filter=Q(memberships__is_active=True))),
    }


def programmes() -> QuerySet[Programme]:
    return Programme.objects.select_related("state").filter(is_active=True)


def dashboard_panels(user: Any) -> list[Panel]:
    panels = []
    for m in access.memberships(user):
        if m.office is not None:  # counsellor, team lead
            context: dict[str, Any] = {"office": m.office, "programmes": m.office.programmes.all()}
            if m.role == Role.TEAM_LEAD:
                context["team"] = team(m.office)
            panels.append(Panel(m, "core/panels/_office.html", context))
        elif m.provider is not None:
            panels.append(Panel(m, "core/panels/_provider.html", provider_detail(user, m.provider)))
        elif m.district is not None:
            panels.append(Panel(m, "core/panels/_district.html", district_detail(user, m.district)))
        elif m.state is not None:
            panels.append(Panel(m, "core/panels/_state.html", state_detail(m.state)))
        else:  # administrator
            panels.append(Panel(m, "core/panels/_administrator.html", administration_summary()))
    return panels


def state_detail(state: State) -> dict[str, Any]:
    return {
        "state": state,
        "districts": state.districts.annotate(
            municipality_count=Count("municipalities", distinct=True),
            office_count=Count("offices", distinct=True),
        ),
        "programmes": state.programmes.filter(is_active=True),
    }


def administration_summary() -> dict[str, Any]:
    return {
        "counts": [
            (State._meta.verbose_name_plural, State.objects.count()),
            (District._meta.verbose_name_plural, District.objects.count()),
            (Municipality._meta.verbose_name_plural, Municipality.objects.count()),
            (Provider._meta.verbose_name_plural, Provider.objects.count()),
            (Office._meta.verbose_name_plural, Office.objects.count()),
            (Programme._meta.verbose_name_plural, Programme.objects.count()),
            (User._meta.verbose_name_plural, User.objects.filter(is_active=True).count()),
        ],
        "latest_events": AuditEvent.objects.all()[:5],
    }
