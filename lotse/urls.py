from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from lotse.core.admin import admin_site

urlpatterns = [
    path("", include("lotse.core.urls")),
    path("accounts/", include("lotse.accounts.urls")),
    path("organisations/", include("lotse.organisations.urls")),
    path("clients/", include("lotse.clients.urls")),
    path("contacts/", include("lotse.counselling.urls")),
    path("cases/", include("lotse.cases.urls")),
    path("network/", include("lotse.network.urls")),
    path("staffing/", include("lotse.staffing.urls")),
    path("structural/", include("lotse.structural.urls")),
    path("reports/", include("lotse.reports.urls")),
    path("api/", include("lotse.api.urls")),
    path("imports/", include("lotse.imports.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin_site.urls),
]
