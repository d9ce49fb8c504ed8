"""Reports on a read replica: with `LOTSE_REPLICA_DATABASE_URL` set, the reads inside
`reading()` (building a report, the data-quality check) go to the database alias
`replica` instead of the primary; writes always go to the primary. Without the setting,
everything stays on the primary.

A replica lags behind its primary by a little: what it serves are aggregates over months,
never what a counsellor has just typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPLICA = "replica"
_reading: ContextVar[bool] = ContextVar("lotse_replica_reading", default=False)


@contextmanager
def reading() -> Iterator[None]:
    """Send the reads of the block to the replica, where one is configured."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _reading.get() and settings.REPORTS_DATABASE:
            return str(settings.REPORTS_DATABASE)
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica copies the primary's schema; migrations run on the primary only.
        return db != REPLICA
