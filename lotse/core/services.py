"""Audited writes shared by every app: validate, save, record, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models, transaction

from lotse.core import audit

M = TypeVar("M", bound=models.Model)


def _fields(instance: models.Model) -> list[str]:
    return [f.attname for f in instance._meta.concrete_fields if not f.primary_key]


def _m2m_snapshot(instance: models.Model, names: Iterable[str]) -> dict[str, list[Any]]:
    if instance.pk is None:
        return {name: [] for name in names}
    return {name: sorted(getattr(instance, name).values_list("pk", flat=True)) for name in names}


def audited_save(
    actor: audit.Actor,
    instance: M,
    *,
    m2m: Mapping[str, Iterable[models.Model]] | None = None,
    exclude_from_log: Iterable[str] = (),
    personal: bool = False,
    action: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> M:
    """Create or update `instance` (and its many-to-many sets) and audit the change.

    Fields named in `exclude_from_log`, or all fields if the object holds `personal`
    data, are listed as changed without their values: the log says that a client's
    name changed, never what it says. `action` names the event instead of
    "<model>.created/changed", `data` adds details to it. An update that changes nothing
    and has no details writes nothing and logs nothing.
    """
    sets = {name: list(values) for name, values in (m2m or {}).items()}
    created = instance._state.adding
    fields = _fields(instance)
    before: dict[str, Any] = {}
    if not created:
        stored = type(instance)._default_manager.get(pk=instance.pk)
        before = audit.snapshot(stored, fields) | _m2m_snapshot(stored, sets)
    instance.full_clean()
    wanted = {name: sorted(value.pk for value in values) for name, values in sets.items()}
    unchanged = not audit.changes(before, audit.snapshot(instance, fields) | wanted)
    if not created and unchanged and not data:
        return instance
    with transaction.atomic():
        instance.save()
        for name, values in sets.items():
            getattr(instance, name).set(values)
        after = audit.snapshot(instance, fields) | _m2m_snapshot(instance, sets)
        diff = audit.changes(before, after)
        for hidden in set(diff) if personal else set(exclude_from_log) & set(diff):
            diff[hidden] = ["…", "…"]
        verb = "created" if created else "changed"
        name = action or f"{instance._meta.label_lower}.{verb}"
        audit.record(actor, name, instance, changes=diff, data=data)
    return instance


def audited_delete(actor: audit.Actor, instance: models.Model) -> None:
    with transaction.atomic():
        audit.record(actor, f"{instance._meta.label_lower}.deleted", instance)
        instance.delete()
