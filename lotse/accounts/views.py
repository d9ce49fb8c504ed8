"""Password change, reset and confirmation: Django's views, with the outcome in the
audit log; the second factor's pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lotse.accounts import second_factor
from lotse.accounts.forms import CodeForm, ConfirmPasswordForm
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

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["has_second_factor"] = second_factor.device_of(self.request.user) is not None
        return context


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
        return _onwards(target)
    context = {"form": form, "next": target, "confirm_minutes": settings.CONFIRM_MINUTES}
    return render(request, "registration/confirm_password.html", context)


def _onwards(target: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(target or reverse(settings.LOGIN_REDIRECT_URL))


def _with_next(name: str, target: str) -> HttpResponseRedirect:
    query = f"?{urlencode({'next': target})}" if target else ""
    return HttpResponseRedirect(reverse(name) + query)


@access.requires(Capability.SIGNED_IN)
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the app, then on to where the user was going."""
    user = access.acting_user(request)
    target = next_path(request)
    if second_factor.is_verified(request):
        return _onwards(target)
    if second_factor.device_of(user) is None:
        return _with_next("accounts:second_factor_set_up", target)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.verify(request, user, form.cleaned_data["code"])
        except second_factor.Refused as refused:
            form.add_error("code", refused.message)
        else:
            return _onwards(target)
    return render(request, "registration/second_factor.html", {"form": form, "next": target})


@access.requires(Capability.SIGNED_IN)
def second_factor_set_up(request: HttpRequest) -> HttpResponse:
    """Set up the second factor: scan the QR code (or type the key) into an
    authenticator app and confirm with its first code. Required for some roles, open to
    everyone; once set up, it is asked for at every sign-in."""
    user = access.acting_user(request)
    target = next_path(request)
    if second_factor.device_of(user) is not None:
        return _with_next("accounts:second_factor", target)
    key = request.session.get(second_factor.NEW_KEY)
    if not isinstance(key, str):
        key = request.session[second_factor.NEW_KEY] = second_factor.new_key()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.set_up(request, user, key, form.cleaned_data["code"]) is not None:
            messages.success(request, _("The second factor is set up."))
            return _onwards(target)
        form.add_error("code", str(second_factor.WRONG))
    context = {
        "form": form,
        "next": target,
        "qr_code": second_factor.qr_code(user, key),
        "secret": second_factor.secret_text(key),
        "required": access.needs_second_factor(user),
    }
    return render(request, "registration/second_factor_set_up.html", context)
