"""Structural work in the administration.

Only the log is registered, read-only, for the operator: it holds no client data.
Volunteers and matches are personal data of an office and stay out of the
administration, like client records: administrators never see personal data.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lotse.core.admin import AuditedAdmin, admin_site
from lotse.structural import models


@admin.register(models.Activity, site=admin_site)
class ActivityAdmin(AuditedAdmin):
    list_display = ["date", "kind", "title", "hours", "office"]
    list_filter = ["kind", "office__district__state"]
    search_fields = ["title", "partners"]
    date_hierarchy = "date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
