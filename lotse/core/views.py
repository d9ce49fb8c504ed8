from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lotse.clients.services import record_listing
from lotse.core import access
from lotse.core.access import Capability
from lotse.core.forms import AuditFilterForm
from lotse.core.models import AuditEvent
from lotse.network import queries as network_queries
from lotse.organisations import queries
from lotse.organisations.models import Role


@access.requires(Capability.SIGNED_IN)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The start page: one panel per role the user holds."""
    panels = queries.dashboard_panels(request.user)
    day = None
    if access.has_capability(request.user, Capability.PERSONAL_DATA):
        day = network_queries.my_day(request.user)
        record_listing(request.user, day.clients_shown, "my-day")
    return render(
        request,
        "core/dashboard.html",
        {
            "panels": panels,
            "has_role": bool(access.roles(request.user)),
            "Role": Role,
            "day": day,
        },
    )


@access.requires(Capability.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            events = events.filter(actor_label__icontains=data["actor"])
        if data["action"]:
            events = events.filter(action__startswith=data["action"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"])
        for key in ("office", "provider", "district"):
            if data[key]:
                events = events.filter(**{f"{key}_id": data[key].pk})
        if data["since"]:
            events = events.filter(occurred_at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(occurred_at__date__lte=data["until"])
    else:
        events = events.none() if form.is_bound else events
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    template = (
        "core/_audit_events.html" if request.headers.get("HX-Request") else "core/audit_log.html"
    )
    return render(request, template, {"form": form, "page": page})
