"""`/api/v1/…`: the JSON API, its OpenAPI document and docs page; `/api/tokens/`: the
user's personal access tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from lotse.api import pages, views
from lotse.core import access
from lotse.core.access import Capability

router = SimpleRouter()
router.register("v1/clients", views.ClientViewSet, basename="client")
router.register(r"v1/clients/(?P<client_pk>\d+)/contacts", views.ContactViewSet, basename="contact")
router.register("v1/cases", views.CaseViewSet, basename="case")
router.register("v1/referrals", views.ReferralViewSet, basename="referral")
router.register("v1/appointments", views.AppointmentViewSet, basename="appointment")
router.register("v1/services", views.ServiceViewSet, basename="service")
router.register("v1/reports", views.ReportViewSet, basename="report")


def token_only(pattern: Any) -> URLPattern:
    """API operations authenticate by token, not by the session: the sign-in redirect
    does not apply, and the walk of every URL finds the capability they check."""
    callback = pattern.callback
    callback.lotse_capability = callback.cls.capability
    callback.lotse_api = True
    pattern.callback = login_not_required(callback)
    return pattern  # type: ignore[no-any-return]


class Docs(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"  # no inline style: the Content Security Policy holds


def page(view: Any) -> Any:
    """A page for signed-in users (the docs): unlike the API, it asks for the sign-in."""
    checked = access.requires(Capability.SIGNED_IN)(view)
    checked.login_required = True  # type: ignore[attr-defined]  # the wrapped view is exempt
    return checked


app_name = "api"
urlpatterns = [
    *(token_only(p) for p in router.urls),
    path("v1/schema/", page(SpectacularAPIView.as_view()), name="schema"),
    path("v1/docs/", page(Docs.as_view(url_name="api:schema")), name="docs"),
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/<int:token_pk>/revoke/", pages.revoke, name="revoke"),
]
