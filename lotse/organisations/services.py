"""Every write to organisations, programmes, users and memberships.

Plain functions that take the acting user first, validate, save in a transaction and
leave an audit event (through `lotse.core.services`). Tests and demo data use them too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lotse.accounts.models import User
from lotse.core.audit import Actor
from lotse.core.services import audited_save
from lotse.organisations.models import (
    ROLE_SCOPE,
    Delegation,
    District,
    Membership,
    Municipality,
    Office,
    Programme,
    Provider,
    State,
)


def create_state(actor: Actor, *, code: str, name: str) -> State:
    return audited_save(actor, State(code=code, name=name))


def create_district(actor: Actor, state: State, *, key: str, name: str, kind: str) -> District:
    return audited_save(actor, District(state=state, key=key, name=name, kind=kind))


def create_municipality(actor: Actor, district: District, *, ags: str, name: str) -> Municipality:
    return audited_save(actor, Municipality(district=district, ags=ags, name=name))


def create_provider(actor: Actor, *, name: str, kind: str, umbrella: str = "") -> Provider:
    return audited_save(actor, Provider(name=name, kind=kind, umbrella=umbrella))


def create_office(
    actor: Actor,
    provider: Provider,
    *,
    name: str,
    district: District,
    municipalities: Iterable[Municipality],
    programmes: Iterable[Programme],
    **details: Any,
) -> Office:
    municipalities, programmes = list(municipalities), list(programmes)
    check_office_programmes(municipalities, programmes)
    office = Office(provider=provider, name=name, district=district, **details)
    return audited_save(
        actor, office, m2m={"municipalities": municipalities, "programmes": programmes}
    )


def check_office_programmes(
    municipalities: Iterable[Municipality], programmes: Iterable[Programme]
) -> None:
    """An office may work only under programmes of the states it serves (or federal ones)."""
    states = {m.district.state_id for m in municipalities}
    foreign = [p for p in programmes if p.state_id is not None and p.state_id not in states]
    if foreign:
        raise ValidationError(
            {
                "programmes": _("%(programmes)s does not apply where this office works.")
                % {"programmes": ", ".join(str(p) for p in foreign)}
            }
        )


def delegate_to_district(
    actor: Actor,
    municipality: Municipality,
    programme: Programme,
    *,
    valid_from: dt.date,
    decision: str = "",
) -> Delegation:
    return audited_save(
        actor,
        Delegation(
            municipality=municipality, programme=programme, valid_from=valid_from, decision=decision
        ),
    )


def create_user(
    actor: Actor,
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str = "",
    password: str | None = None,
) -> User:
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    return audited_save(actor, user, exclude_from_log=("password",))


def add_membership(
    actor: Actor,
    user: User,
    role: str,
    organisation: Office | Provider | District | State | None = None,
) -> Membership:
    """Give `user` a role in `organisation`, which must be of the role's level."""
    field = ROLE_SCOPE[role]
    membership = Membership(user=user, role=role)
    if field is not None:
        setattr(membership, field, organisation)
    elif organisation is not None:
        raise ValidationError(_("The administrator role has no organisation."))
    return audited_save(actor, membership)
