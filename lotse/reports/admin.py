"""Report templates in the administration: a funder's new report is data, not code.

Runs are not registered: they belong to their author and hold nothing the operator
needs to change.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from lotse.core.admin import AuditedAdmin, admin_site
from lotse.reports.figures import FIGURES
from lotse.reports.models import ReportTemplate


@admin.register(ReportTemplate, site=admin_site)
class ReportTemplateAdmin(AuditedAdmin):
    list_display = ["title", "programme", "due", "threshold", "is_active"]
    list_filter = ["programme", "is_active"]
    fields = ["programme", "title", "due", "threshold", "sections", "available", "is_active"]
    readonly_fields = ["available"]

    @admin.display(description=_("figures available"))
    def available(self, obj: ReportTemplate | None = None) -> SafeString:
        return format_html_join(
            "", "<code>{}</code> {}<br>", ((code, label) for code, (label, _f) in FIGURES.items())
        )
