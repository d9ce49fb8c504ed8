"""Sign-ins, sign-outs and failed sign-ins go into the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import signals
from django.dispatch import receiver
from django.http import HttpRequest

from lotse.accounts import lockout, second_factor
from lotse.core import audit


@receiver(signals.user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    # The password was right; whether the second factor is still owed is noted in the
    # session (for the middleware) and in the event (for the lockout).
    owed = second_factor.owed_by(user)
    request.session[second_factor.OWED] = owed
    audit.record(user, "accounts.login", user, data={lockout.PENDING: owed} if owed else None)


@receiver(signals.user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        # "user" when they signed out themselves; the idle timeout sets its own reason.
        reason = getattr(request, "lotse_logout_reason", "user")
        audit.record(user, "accounts.logout", user, data={"reason": reason})


@receiver(signals.user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = credentials.get("username")
    if username is None:
        audit.record(None, "accounts.login_failed", data={"username": None})
        return
    # Only signed-out visitors can sign in, so a signed-in user's wrong password is the
    # confirmation asked for before an export or a merge. Both count for the lockout.
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        lockout.record_failure(user, "accounts.confirm_failed", str(username))
    else:
        lockout.record_failure(None, "accounts.login_failed", str(username))
