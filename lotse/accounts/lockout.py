"""Lockout after repeated wrong passwords or codes, counted from the audit log.

The log already holds every failed sign-in with the username typed, so it is the one
source of truth: after `LOCKOUT_FAILURES` wrong passwords or second-factor codes for a
username within `LOCKOUT_MINUTES` (at sign-in, at the code asked for after it, or at the
password confirmation before exports), an `accounts.locked` event is recorded and the
username is refused for `LOCKOUT_MINUTES` without its password or code being checked. A
complete sign-in or a confirmation starts the count again; a right password alone does
not while the second factor is still owed, so that signing in again does not give
someone who knows the password more guesses at the code. Usernames that do not exist
are counted and locked the same way, so the answer never tells whether an account
exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lotse.accounts.models import User
from lotse.core import audit
from lotse.core.models import AuditEvent

LOCKED = "accounts.locked"
# Wrong passwords and codes, counted for the lockout (events carry data={"username": ...}).
FAILED = ("accounts.login_failed", "accounts.confirm_failed", "accounts.second_factor_failed")
# The sign-in or confirmation succeeded: the count starts again (events name the user as
# actor), unless the sign-in still waits for the second factor (data has PENDING).
SUCCEEDED = ("accounts.login", "accounts.confirmed", "accounts.second_factor_verified")
PENDING = "second_factor"


def _period() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOCKOUT_MINUTES)


def _recent(username: str, now: dt.datetime) -> list[tuple[str, dt.datetime]]:
    """The username's failures, locks and successes within the period, newest first;
    no more than the failures that lock (the index on action and time bounds the scan)."""
    return list(
        AuditEvent.objects.filter(occurred_at__gt=now - _period())
        .filter(
            Q(action__in=[*FAILED, LOCKED], data__username=username)
            | (Q(action__in=SUCCEEDED, actor_label=username) & ~Q(data__has_key=PENDING))
        )
        .order_by("-occurred_at", "-sequence")
        .values_list("action", "occurred_at")[: settings.LOCKOUT_FAILURES]
    )


def _state(username: str) -> tuple[dt.datetime | None, int]:
    """Until when the username is locked (or None), and its wrong passwords or codes
    since the last success or lock within the period."""
    failures = 0
    for action, occurred_at in _recent(username, timezone.now()):
        if action == LOCKED:
            return occurred_at + _period(), failures
        if action in SUCCEEDED:
            return None, failures
        failures += 1
    return None, failures


def locked_until(username: str) -> dt.datetime | None:
    """Until when the username is locked, or None."""
    return _state(username)[0]


def record_failure(actor: audit.Actor, action: str, username: str) -> dt.datetime | None:
    """Record a wrong password (`action`), or a refused attempt while the username is
    locked; lock the username when this failure reaches the limit. Returns until when
    the username is locked, or None."""
    until, failures = _state(username)
    if until is not None:
        attempt = action.removesuffix("_failed")
        audit.record(actor, f"{attempt}_refused", data={"username": username})
        return until
    audit.record(actor, action, data={"username": username})
    if failures + 1 < settings.LOCKOUT_FAILURES:  # this failure counted too
        return None
    until = timezone.now() + _period()
    audit.record(None, LOCKED, data={"username": username, "until": until})
    return until


def message(until: dt.datetime, *, codes: bool = False) -> str:
    """What the person is told while the username is locked (the same for every
    username, known or not); `codes` after wrong codes of the second factor."""
    # The minute after the lock ends, so that "from 14:35" is never too early.
    shown = timezone.localtime(until).replace(second=0, microsecond=0)
    if shown < until:
        shown += dt.timedelta(minutes=1)
    time = {"time": formats.time_format(shown, "TIME_FORMAT")}
    if codes:
        return (
            _(
                "Too many wrong codes: signing in with this username is locked for now. "
                "Please try again from %(time)s. If you cannot wait, or you did not try to sign "
                "in yourself, please tell your administrator."
            )
            % time
        )
    return (
        _(
            "Too many wrong passwords: signing in with this username is locked for now. "
            "Please try again from %(time)s. If you cannot wait, or you did not try to sign "
            "in yourself, please tell your administrator."
        )
        % time
    )


class LockoutBackend(ModelBackend):
    """Django's sign-in by username and password, which refuses a locked username
    without checking its password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is not None and locked_until(str(username)) is not None:
            return None
        return super().authenticate(request, username, password, **kwargs)

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)
