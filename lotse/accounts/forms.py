"""Sign-in, refused while the username is locked."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from lotse.accounts import lockout


def _locked_error(username: str) -> ValidationError | None:
    until = lockout.locked_until(username)
    return None if until is None else ValidationError(lockout.message(until), code="locked")


class SignInForm(AuthenticationForm):
    """Django's sign-in form; a locked username is told so (and until when)."""

    def get_invalid_login_error(self) -> ValidationError:
        return _locked_error(self.cleaned_data.get("username") or "") or (
            super().get_invalid_login_error()
        )
