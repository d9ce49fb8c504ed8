"""The access layer: the one place that decides what a user may see and do.

A user's rights come only from their active memberships. A role grants capabilities;
the membership's organisation (office, provider, district, state, or none for the
administrator) bounds where they hold. Views declare the capability they need with
`@requires(...)` and fetch objects only through the `get_*_for` helpers, which answer
404 for anything outside the user's reach, so that an id reveals nothing. The riskiest
views (exports, merges, erasure) also need the password confirmed recently
(`@recently_confirmed`). Who signs in with a second factor besides the password is
decided here too (`needs_second_factor`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from lotse.accounts.models import User
from lotse.organisations.models import (
    District,
    Membership,
    Office,
    Programme,
    Provider,
    Role,
    State,
)


class Capability(enum.StrEnum):
    SIGNED_IN = "signed_in"  # any signed-in user: own account, programme rules
    PERSONAL_DATA = "personal_data"  # read and write client files of the office
    MANAGE_TEAM = "manage_team"  # caseloads and reassignment within the scope
    VIEW_ORGANISATION = "view_organisation"  # offices, staff, programmes in the scope
    VIEW_AGGREGATES = "view_aggregates"  # anonymised figures for the scope
    ADMINISTER = "administer"  # users, organisations, vocabularies, programmes
    VIEW_AUDIT = "view_audit"  # the audit log
    DIRECTORY = "directory"  # the district's service directory (no personal data)
    STAFFING = "staffing"  # positions, costs, grants and spending proofs of the scope
    ALLOCATE = "allocate"  # distributing a budget among the scope's municipalities


C = Capability
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.COUNSELLOR: frozenset({C.PERSONAL_DATA, C.VIEW_ORGANISATION, C.DIRECTORY}),
    Role.TEAM_LEAD: frozenset(
        {
            C.PERSONAL_DATA,
            C.MANAGE_TEAM,
            C.VIEW_ORGANISATION,
            C.VIEW_AGGREGATES,
            C.DIRECTORY,
            C.STAFFING,
        }
    ),
    Role.PROVIDER_COORDINATOR: frozenset(
        {C.MANAGE_TEAM, C.VIEW_ORGANISATION, C.VIEW_AGGREGATES, C.STAFFING}
    ),
    Role.DISTRICT_COORDINATOR: frozenset(
        {C.VIEW_ORGANISATION, C.VIEW_AGGREGATES, C.DIRECTORY, C.ALLOCATE}
    ),
    Role.STATE_ANALYST: frozenset({C.VIEW_ORGANISATION, C.VIEW_AGGREGATES, C.ALLOCATE}),
    Role.ADMINISTRATOR: frozenset({C.ADMINISTER, C.VIEW_AUDIT, C.VIEW_ORGANISATION}),
}
# Personal data stays in the office: roles above it see aggregates only.
PERSONAL_DATA_ROLES = frozenset(
    r for r, caps in ROLE_CAPABILITIES.items() if C.PERSONAL_DATA in caps
)
if PERSONAL_DATA_ROLES - {Role.COUNSELLOR, Role.TEAM_LEAD}:
    raise AssertionError("Only office roles may ever see a client's personal data.")


def memberships(user: Any) -> list[Membership]:
    """The user's active memberships, loaded once per request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[Membership] | None = getattr(user, "_lotse_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True).select_related(
                "office", "provider", "district", "state"
            )
        )
        user._lotse_memberships = cached
    return cached


def acting_user(request: HttpRequest) -> User:
    """The signed-in user of a request that passed `requires` (never anonymous)."""
    if not isinstance(request.user, User):
        raise Http404
    return request.user


def roles(user: Any) -> set[str]:
    return {m.role for m in memberships(user)}


def has_capability(user: Any, capability: Capability) -> bool:
    if capability is C.SIGNED_IN:
        return bool(getattr(user, "is_authenticated", False) and user.is_active)
    return any(capability in ROLE_CAPABILITIES[m.role] for m in memberships(user))


def _granting(user: Any, capability: Capability) -> list[Membership]:
    return [m for m in memberships(user) if capability in ROLE_CAPABILITIES[m.role]]


NOTHING = Q(pk__in=[])


def _union(conditions: list[Q]) -> Q:
    result = NOTHING
    for condition in conditions:
        result |= condition
    return result


def _office_condition(m: Membership) -> Q:
    if m.office_id:
        return Q(pk=m.office_id)
    if m.provider_id:
        return Q(provider_id=m.provider_id)
    if m.district_id:
        return Q(district_id=m.district_id) | Q(municipalities__district_id=m.district_id)
    if m.state_id:
        return Q(district__state_id=m.state_id) | Q(municipalities__district__state_id=m.state_id)
    return Q()  # administrator: every office


_unknown_roles = set(settings.SECOND_FACTOR_ROLES) - set(Role.values)
if _unknown_roles:
    raise ImproperlyConfigured(
        "LOTSE_SECOND_FACTOR_ROLES names roles that do not exist: "
        f"{', '.join(sorted(_unknown_roles))} (roles: {', '.join(Role.values)})."
    )


def needs_second_factor(user: Any) -> bool:
    """Whether the user must give a second factor (a TOTP code) after the password.

    Yes if one of their roles is among the operator's SECOND_FACTOR_ROLES (by default
    every role that sees personal data), or if a programme requires it of the role and
    the membership reaches an office that runs the programme.
    """
    held = memberships(user)
    if any(m.role in settings.SECOND_FACTOR_ROLES for m in held):
        return True
    required = Programme.objects.exclude(second_factor_roles=[]).values_list(
        "pk", "second_factor_roles"
    )
    programmes_by_role: dict[str, set[int]] = {}
    for pk, roles_of_programme in required:
        for role in roles_of_programme:
            programmes_by_role.setdefault(role, set()).add(pk)
    return any(
        Office.objects.filter(
            _office_condition(m), programmes__in=programmes_by_role[m.role]
        ).exists()
        for m in held
        if m.role in programmes_by_role
    )


def _office_ids(grants: list[Membership]) -> list[int] | None:
    """The offices of `grants` where every one is a membership in an office (always so
    for personal data); None where a wider membership is among them."""
    if all(m.office_id for m in grants):
        return sorted({m.office_id for m in grants if m.office_id})
    return None


def office_scope(user: Any, capability: Capability) -> list[int] | QuerySet[Office]:
    """What an `office__in` lookup takes for the offices in which the user holds
    `capability`: their ids, read from the memberships already loaded, where those name
    them, so that a query carries a list rather than a nested subquery; else
    `offices_for`."""
    ids = _office_ids(_granting(user, capability))
    return offices_for(user, capability) if ids is None else ids


def offices_for(user: Any, capability: Capability) -> QuerySet[Office]:
    """Offices in which the user holds `capability`."""
    grants = _granting(user, capability)
    ids = _office_ids(grants)
    if ids is not None:
        return Office.objects.filter(pk__in=ids)
    if any(m.role == Role.ADMINISTRATOR for m in grants):
        return Office.objects.all()
    condition = _union([_office_condition(m) for m in grants])
    return Office.objects.filter(pk__in=Office.objects.filter(condition).values("pk"))


def holds_in_office(user: Any, capability: Capability, office_id: Any) -> bool:
    """Whether the user holds `capability` in the office with this id."""
    return offices_for(user, capability).filter(pk=office_id).exists()


def providers_for(user: Any, capability: Capability) -> QuerySet[Provider]:
    grants = _granting(user, capability)
    if any(m.role == Role.ADMINISTRATOR for m in grants):
        return Provider.objects.all()
    direct = Q(pk__in=[m.provider_id for m in grants if m.provider_id])
    via_offices = Q(pk__in=offices_for(user, capability).values("provider_id"))
    if not any(m.provider_id for m in grants):
        return Provider.objects.filter(via_offices)
    return Provider.objects.filter(direct | via_offices)


def districts_for(user: Any, capability: Capability) -> QuerySet[District]:
    grants = _granting(user, capability)
    if any(m.role == Role.ADMINISTRATOR for m in grants):
        return District.objects.all()
    condition = _union(
        [Q(pk=m.district_id) for m in grants if m.district_id]
        + [Q(state_id=m.state_id) for m in grants if m.state_id]
    )
    return District.objects.filter(condition)


def states_for(user: Any, capability: Capability) -> QuerySet[State]:
    grants = _granting(user, capability)
    if any(m.role == Role.ADMINISTRATOR for m in grants):
        return State.objects.all()
    return State.objects.filter(pk__in=[m.state_id for m in grants if m.state_id])


M = TypeVar("M", bound=Model)


def get_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """One object of an already scoped queryset; 404 for anything else, even bad ids."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_office_for(user: Any, pk: Any, capability: Capability = C.VIEW_ORGANISATION) -> Office:
    return get_or_404(offices_for(user, capability).select_related("provider", "district"), pk=pk)


def get_provider_for(user: Any, pk: Any, capability: Capability = C.VIEW_ORGANISATION) -> Provider:
    return get_or_404(providers_for(user, capability), pk=pk)


def get_district_for(user: Any, pk: Any, capability: Capability = C.VIEW_ORGANISATION) -> District:
    return get_or_404(districts_for(user, capability).select_related("state"), pk=pk)


def get_programme_for(user: Any, key: str) -> Programme:
    """Programme rules are public to every signed-in user."""
    if not has_capability(user, C.SIGNED_IN):
        raise Http404
    return get_or_404(Programme.objects.select_related("state"), key=key)


View = Callable[..., HttpResponseBase]


def requires(capability: Capability) -> Callable[[View], View]:
    """Declare what a view needs. Without it anywhere, the user gets 404.

    The URL walk in the test suite refuses any view that is not marked by this
    decorator (or explicitly public), so a new view cannot forget its check.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not has_capability(request.user, capability):
                raise Http404
            return view(request, *args, **kwargs)

        checked.lotse_capability = capability  # type: ignore[attr-defined]
        return checked

    return decorator


# When the session's user last confirmed their password, in seconds since the epoch.
CONFIRMED_AT = "lotse_confirmed_at"


def note_confirmation(request: HttpRequest) -> None:
    """The user has just confirmed their password (the confirmation page calls this)."""
    request.session[CONFIRMED_AT] = int(timezone.now().timestamp())


def confirmed_recently(request: HttpRequest) -> bool:
    confirmed_at = request.session.get(CONFIRMED_AT)
    age = timezone.now().timestamp() - confirmed_at if isinstance(confirmed_at, int) else None
    return age is not None and 0 <= age < settings.CONFIRM_MINUTES * 60


def recently_confirmed(reach: Callable[..., object] | None = None) -> Callable[[View], View]:
    """Declare that a view needs the password confirmed within CONFIRM_MINUTES; otherwise
    the user is sent to the confirmation page, which then sends them on.

    Use it below `requires`, so that the capability is checked first. `reach` takes the
    view's arguments and raises 404 for objects outside the user's reach (the view's own
    lookup): it runs before the redirect, so that the confirmation page never shows that
    an object the user may not see exists.
    """

    def decorator(view: View) -> View:
        if hasattr(view, "lotse_capability"):
            raise ImproperlyConfigured(
                f"{view.__name__}: put @recently_confirmed below @requires, so that the "
                "capability is checked before the confirmation is asked for."
            )

        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if confirmed_recently(request):
                return view(request, *args, **kwargs)
            if reach is not None:
                reach(request, *args, **kwargs)
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('accounts:confirm')}?{query}")

        checked.lotse_confirmation = True  # type: ignore[attr-defined]
        return checked

    return decorator
