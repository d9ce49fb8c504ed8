"""Password change and reset: Django's views, with the outcome in the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse_lazy

from lotse.core import audit


class PasswordChangeView(auth.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record(form.user, "accounts.password_changed", form.user)
        return response


class PasswordResetConfirmView(auth.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record(form.user, "accounts.password_reset", form.user)
        return response
