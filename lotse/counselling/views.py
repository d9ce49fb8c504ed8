from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lotse.clients import services
from lotse.core import access
from lotse.core.access import Capability
from lotse.core.forms import save_posted
from lotse.counselling.forms import OfficeContactForm
from lotse.counselling.models import Contact

PERSONAL = Capability.PERSONAL_DATA


@access.requires(PERSONAL)
def office_contact(request: HttpRequest, group: bool) -> HttpResponse:
    """An anonymous contact or a group session, counted in the statistics without a record."""
    offices = access.offices_for(request.user, PERSONAL)
    form = OfficeContactForm(
        request.POST or None,
        offices=offices,
        group=group,
        instance=Contact(counsellor=access.acting_user(request)),
    )

    def log() -> object:
        return services.log_contact(request.user, form.instance, form.cleaned_data["topics"])

    if request.method == "POST" and save_posted(
        request, form, log, _("The contact has been recorded.")
    ):
        return redirect("clients:list")
    return render(request, "counselling/office_contact.html", {"form": form, "group": group})
