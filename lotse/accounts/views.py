"""Password change, reset and confirmation: Django's views, with the outcome in the
audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from lotse.accounts.forms import ConfirmPasswordForm
from lotse.core import access, audit
from lotse.core.access import Capability
from lotse.core.http import next_path


class AuditedPasswordForm:
    """Saves the new password and records `audit_action` in one transaction."""

    audit_action: str

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response: HttpResponse = super().form_valid(form)  # type: ignore[misc]
            audit.record(form.user, self.audit_action, form.user)
        return response


class PasswordChangeView(AuditedPasswordForm, auth.PasswordChangeView):
    audit_action = "accounts.password_changed"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetConfirmView(AuditedPasswordForm, auth.PasswordResetConfirmView):
    audit_action = "accounts.password_reset"
    success_url = reverse_lazy("accounts:password_reset_complete")


@access.requires(Capability.SIGNED_IN)
def confirm_password(request: HttpRequest) -> HttpResponse:
    """The page that asks for the password before exports, merges and erasure
    (`access.recently_confirmed`), then sends the user on to where they were going."""
    user = access.acting_user(request)
    target = next_path(request)
    form = ConfirmPasswordForm(request, user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        access.note_confirmation(request)
        audit.record(user, "accounts.confirmed", user)
        return HttpResponseRedirect(target) if target else redirect(settings.LOGIN_REDIRECT_URL)
    context = {"form": form, "next": target, "confirm_minutes": settings.CONFIRM_MINUTES}
    return render(request, "registration/confirm_password.html", context)
