"""Password change and reset: Django's views, with the outcome in the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse_lazy

from lotse.core import audit


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
