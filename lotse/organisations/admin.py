from django.contrib import admin

from lotse.core.admin import AuditedAdmin, admin_site
from lotse.organisations import models


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
    filter_horizontal = ["required_qualifications", "closure_reasons"]


@admin.register(models.Provider, site=admin_site)
class ProviderAdmin(AuditedAdmin):
    list_display = ["name", "kind", "umbrella"]
    search_fields = ["name"]


@admin.register(models.Office, site=admin_site)
class OfficeAdmin(AuditedAdmin):
    list_display = ["name", "provider", "district"]
    list_filter = ["district__state", "provider"]
    search_fields = ["name"]
    filter_horizontal = ["municipalities", "programmes"]


@admin.register(models.Delegation, site=admin_site)
class DelegationAdmin(AuditedAdmin):
    list_display = ["municipality", "programme", "valid_from", "valid_until"]


@admin.register(models.Membership, site=admin_site)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "role", "office", "provider", "district", "state", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__last_name"]
    autocomplete_fields = ["user"]
