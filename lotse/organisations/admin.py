from typing import Any

from django import forms
from django.contrib import admin
from django.db import models as db

from lotse.core.admin import AuditedAdmin, admin_site
from lotse.organisations import models

# Django's two-box filter widget marks up a span with aria-label that axe-core rejects
# (aria-prohibited-attr); short lists get checkboxes, long ones the autocomplete.
CHECKBOXES: dict[type[db.Field[Any, Any]], dict[str, Any]] = {
    db.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}
}


@admin.register(models.State, site=admin_site)
class StateAdmin(AuditedAdmin):
    list_display = ["name", "code"]


@admin.register(models.District, site=admin_site)
class DistrictAdmin(AuditedAdmin):
    list_display = ["name", "key", "kind", "state"]
    list_filter = ["state", "kind"]
    search_fields = ["name", "key"]


@admin.register(models.Municipality, site=admin_site)
class MunicipalityAdmin(AuditedAdmin):
    list_display = ["name", "ags", "district"]
    list_filter = ["district__state"]
    search_fields = ["name", "ags"]


@admin.register(models.Programme, site=admin_site)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["short_name", "key", "state", "is_active"]
    formfield_overrides = CHECKBOXES

    def formfield_for_dbfield(
        self, db_field: db.Field[Any, Any], request: Any, **kwargs: Any
    ) -> Any:
        if db_field.name == "second_factor_roles":
            # A list of role names: chosen with checkboxes rather than typed as JSON.
            return forms.MultipleChoiceField(
                label=db_field.verbose_name,
                help_text=db_field.help_text,
                choices=models.Role.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(models.Provider, site=admin_site)
class ProviderAdmin(AuditedAdmin):
    list_display = ["name", "kind", "umbrella"]
    search_fields = ["name"]


@admin.register(models.Office, site=admin_site)
class OfficeAdmin(AuditedAdmin):
    list_display = ["name", "provider", "district"]
    list_filter = ["district__state", "provider"]
    search_fields = ["name"]
    autocomplete_fields = ["municipalities"]
    formfield_overrides = CHECKBOXES


@admin.register(models.Delegation, site=admin_site)
class DelegationAdmin(AuditedAdmin):
    list_display = ["municipality", "programme", "valid_from", "valid_until"]


@admin.register(models.Membership, site=admin_site)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "role", "office", "provider", "district", "state", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__last_name"]
    autocomplete_fields = ["user"]
