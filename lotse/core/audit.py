"""The audit log: append-only events chained by SHA-256.

Services call `record` inside their transaction, as their last step: the chain is
extended under a lock (a PostgreSQL advisory lock; SQLite serialises writers with
IMMEDIATE transactions) that is held until the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models, transaction
from django.utils import timezone

from lotse.core.models import AuditEvent

GENESIS = "0" * 64
# Arbitrary and constant: with the database's name it identifies the chain's advisory
# lock. Advisory locks are server-wide, so two databases on one server (test workers,
# two installations) must not share a key, or one's long transaction stalls the other.
_LOCK_KEY = 7_310_582_113
_HASHED = (
    "sequence",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "office_id",
    "provider_id",
    "district_id",
    "changes",
    "data",
    "prev_hash",
)
ORG_KEYS = ("office_id", "provider_id", "district_id")

Actor = AbstractBaseUser | AnonymousUser | None


def jsonable(value: Any) -> Any:
    """A JSON value that survives the database round trip unchanged."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, Iterable) and not isinstance(value, bytes):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal | float):
        return str(value)
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values of `instance`, ready to compare with `changes`."""
    return {f: jsonable(getattr(instance, f)) for f in fields}


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """{field: [old, new]} for every field whose value differs."""
    return {
        f: [before.get(f), after.get(f)]
        for f in sorted(set(before) | set(after))
        if before.get(f) != after.get(f)
    }


def organisation_of(target: models.Model | None) -> dict[str, int | None]:
    """Office, provider and district an object belongs to (models define audit_scope)."""
    scope = getattr(target, "audit_scope", None)
    result: dict[str, int | None] = dict.fromkeys(ORG_KEYS)
    if callable(scope):
        result.update(scope())
    return result


def label_of(target: models.Model | None) -> str:
    """How the log names an object; records of personal data define a neutral label."""
    if target is None:
        return ""
    label = getattr(target, "audit_label", None)
    return str(label() if callable(label) else target)[:300]


def compute_hash(event: AuditEvent) -> str:
    payload = {name: getattr(event, name) for name in _HASHED}
    payload["occurred_at"] = event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def record(
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    *,
    changes: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    **organisation: int | None,
) -> AuditEvent:
    """Append one event. `action` is a dotted name such as "organisations.office.created"."""
    if set(organisation) - set(ORG_KEYS):
        raise TypeError(f"Unknown organisation keys: {set(organisation) - set(ORG_KEYS)}")
    org = organisation_of(target)
    org.update({k: v for k, v in organisation.items() if v is not None})
    user = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s::bigint # hashtext(current_database()))",
                    [_LOCK_KEY],
                )
        last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
        event = AuditEvent(
            sequence=(last["sequence"] + 1) if last else 1,
            occurred_at=timezone.now(),
            actor_id=user.pk if user else None,
            actor_label=user.get_username() if user else "system",
            action=action,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            object_label=label_of(target),
            changes=jsonable(changes or {}),
            data=jsonable(data or {}),
            prev_hash=last["hash"] if last else GENESIS,
            **org,
        )
        event.hash = compute_hash(event)
        event.save()
    return event


@dataclass(frozen=True)
class Verification:
    checked: int
    head: str
    broken: AuditEvent | None = None
    reason: str = ""


def verify() -> Verification:
    """Walk the chain from the first event; stop at the first one that does not fit."""
    prev_hash, checked = GENESIS, 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        reason = ""
        if event.sequence != checked + 1:
            reason = f"events {checked + 1}–{event.sequence - 1} are missing before it"
        elif event.prev_hash != prev_hash:
            reason = "it does not continue the chain (the event before it was altered)"
        elif compute_hash(event) != event.hash:
            reason = "its content was altered after it was written"
        if reason:
            return Verification(checked, prev_hash, event, reason)
        prev_hash, checked = event.hash, checked + 1
    return Verification(checked, prev_hash)
