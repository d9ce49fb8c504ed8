"""Sign-in, the second factor's code and the password confirmation, all refused while
the username is locked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lotse.accounts import lockout
from lotse.accounts.models import User


def _locked_error(username: str) -> ValidationError | None:
    until = lockout.locked_until(username)
    return None if until is None else ValidationError(lockout.message(until), code="locked")


class SignInForm(AuthenticationForm):
    """Django's sign-in form; a locked username is told so (and until when)."""

    def get_invalid_login_error(self) -> ValidationError:
        return _locked_error(self.cleaned_data.get("username") or "") or (
            super().get_invalid_login_error()
        )


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, request: HttpRequest, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request, self.user = request, user

    def clean_password(self) -> str:
        """Checked like a sign-in, so that a wrong password counts for the lockout."""
        password: str = self.cleaned_data["password"]
        username = self.user.get_username()
        checked = authenticate(self.request, username=username, password=password)
        if checked is not None and checked.pk == self.user.pk:
            return password
        raise _locked_error(username) or ValidationError(
            _("The password is not correct."), code="wrong"
        )


class CodeForm(forms.Form):
    """The six digits an authenticator app shows (checked by lotse.accounts.second_factor)."""

    code = forms.RegexField(
        label=_("Code from your app"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("Please enter the six digits that your app shows.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 6,
            }
        ),
    )
