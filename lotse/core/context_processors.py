from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lotse.core.access import Capability, has_capability

# (label, URL name, capability): the navigation shows what the user may open.
NAVIGATION = [
    (_("Start"), "core:dashboard", Capability.SIGNED_IN),
    (_("Clients"), "clients:list", Capability.PERSONAL_DATA),
    (_("Appointments"), "network:appointments", Capability.PERSONAL_DATA),
    (_("Services"), "network:directory", Capability.DIRECTORY),
    (_("Team"), "cases:team", Capability.MANAGE_TEAM),
    (_("Structural work"), "structural:activities", Capability.PERSONAL_DATA),
    (_("Reports"), "reports:index", Capability.VIEW_AGGREGATES),
    (_("Staffing"), "staffing:overview", Capability.VIEW_AGGREGATES),
    (_("Allocations"), "staffing:allocations", Capability.ALLOCATE),
    (_("Organisations"), "organisations:overview", Capability.VIEW_ORGANISATION),
    (_("Programmes"), "organisations:programmes", Capability.SIGNED_IN),
    (_("Audit log"), "core:audit_log", Capability.VIEW_AUDIT),
    (_("Administration"), "admin:index", Capability.ADMINISTER),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = [
        {"label": label, "url": reverse(name), "current": False}
        for label, name, capability in NAVIGATION
        if has_capability(user, capability)
    ]
    # The current section is the item whose address is the longest prefix of the path.
    matching = [i for i in items if request.path.startswith(str(i["url"]))]
    if matching:
        max(matching, key=lambda i: len(str(i["url"])))["current"] = True
    return {"navigation": items}
