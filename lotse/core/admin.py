"""The administrators' editor for reference data, behind the access layer.

Only users with the administrator role get in; everyone else signed in gets 404. Every
save and delete goes through the audited services.
"""

from __future__ import annotations

from functools import update_wrapper
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _

from lotse.core.access import Capability, has_capability
from lotse.core.models import AuditEvent, Term
from lotse.core.services import audited_delete, audited_save


class LotseAdminSite(admin.AdminSite):
    site_header = _("Lotse administration")
    site_title = _("Lotse administration")
    index_title = _("Reference data")

    def has_permission(self, request: HttpRequest) -> bool:
        return has_capability(request.user, Capability.ADMINISTER)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise Http404
            response: HttpResponse = inner(request, *args, **kwargs)
            return response

        update_wrapper(checked, inner)
        checked.lotse_capability = Capability.ADMINISTER  # type: ignore[attr-defined]
        return checked

    def get_urls(self) -> list[URLPattern | URLResolver]:
        """Mark the views that pass through `admin_view` for the URL walk test, and send
        anonymous visitors to the one sign-in page."""
        urls = super().get_urls()

        def mark(patterns: list[URLPattern | URLResolver]) -> None:
            for entry in patterns:
                if isinstance(entry, URLResolver):
                    mark(entry.url_patterns)
                elif hasattr(entry.callback, "admin_site") or hasattr(
                    entry.callback, "model_admin"
                ):
                    vars(entry.callback).update(
                        lotse_capability=Capability.ADMINISTER, login_url=settings.LOGIN_URL
                    )

        mark(urls)
        return urls

    @method_decorator(login_not_required)
    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return redirect("accounts:login")


admin_site = LotseAdminSite(name="admin")


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Permissions from the access layer; writes through the audited services."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_capability(request.user, Capability.ADMINISTER)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        """Saved in save_related, together with the many-to-many fields and the audit."""

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        m2m = {
            f.name: form.cleaned_data[f.name]
            for f in form.instance._meta.many_to_many
            if f.name in form.cleaned_data
        }
        audited_save(request.user, form.instance, m2m=m2m, exclude_from_log=("password",))
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audited_delete(request.user, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audited_delete(request.user, obj)


@admin.register(Term, site=admin_site)
class TermAdmin(AuditedAdmin):
    list_display = ["label_de", "label_en", "vocabulary", "code", "position", "is_active"]
    list_filter = ["vocabulary", "is_active"]
    search_fields = ["label_de", "label_en", "code"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Codes are referenced by rules and records; only new terms choose one.
        return ["vocabulary", "code"] if obj else []


@admin.register(AuditEvent, site=admin_site)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: events are never added, changed or deleted by hand."""

    list_display = ["sequence", "occurred_at", "actor_label", "action", "object_label"]
    list_filter = ["action"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_capability(request.user, Capability.VIEW_AUDIT)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
