"""Views of structural work: the log, the volunteer register and matches."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.clients import queries as client_queries
from lotse.clients.services import record_access, record_listing
from lotse.core import access, audit
from lotse.core.access import Capability
from lotse.core.forms import save_posted
from lotse.core.http import next_path
from lotse.network.queries import own_offices
from lotse.structural import queries, services
from lotse.structural.forms import (
    ActivityFilterForm,
    ActivityForm,
    MatchForm,
    VolunteerForm,
    VolunteerSearchForm,
)
from lotse.structural.models import Activity, Match, Volunteer

PERSONAL = Capability.PERSONAL_DATA
LIST_LIMIT = 500


# --- the structural work log -----------------------------------------------------------


@access.requires(PERSONAL)
def activities(request: HttpRequest) -> HttpResponse:
    """The log of the user's offices, newest first, with the hours per kind of work of
    what is shown. Without a filter, the current year."""
    user = access.acting_user(request)
    offices = own_offices(user)
    data = request.GET or {"year": str(timezone.localdate().year)}
    form = ActivityFilterForm(data, years=queries.activity_years(user), offices=offices)
    chosen = form.cleaned_data if form.is_valid() else {}
    found = queries.search_activities(
        user,
        kind=chosen.get("kind") or "",
        year=chosen.get("year"),
        office=chosen.get("office"),
    )
    totals = queries.hours_by_kind(found)
    return render(
        request,
        "structural/activities.html",
        {
            "form": form,
            "activities": found[:LIST_LIMIT],
            "count": sum(t.entries for t in totals),
            "totals": totals,
            "total_hours": sum((t.hours for t in totals), Decimal(0)),
            "several_offices": offices.count() > 1,
        },
    )


@access.requires(PERSONAL)
def activity_edit(request: HttpRequest, activity_pk: int | None = None) -> HttpResponse:
    user = access.acting_user(request)
    activity = queries.get_activity_for(user, activity_pk) if activity_pk else Activity()
    form = ActivityForm(request.POST or None, instance=activity, offices=own_offices(user))

    def save() -> object:
        return services.save_activity(user, form.instance)

    if request.method == "POST" and save_posted(request, form, save, _("Saved.")):
        return redirect("structural:activities")
    return render(request, "structural/activity_form.html", {"form": form, "activity": activity})


# --- volunteers ------------------------------------------------------------------------


@access.requires(PERSONAL)
def volunteers(request: HttpRequest) -> HttpResponse:
    """The register, searchable by name and language; volunteers whose police
    certificate is missing or out of date are flagged."""
    user = access.acting_user(request)
    form = VolunteerSearchForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    found = list(
        queries.search_volunteers(
            user,
            text=chosen.get("q", ""),
            language=chosen.get("language", ""),
            include_inactive=bool(chosen.get("inactive")),
        )[:LIST_LIMIT]
    )
    if found:
        audit.record(
            user,
            "structural.volunteer.listed",
            data={"ids": [v.pk for v in found]},
        )
    return render(
        request,
        "structural/volunteers.html",
        {
            "form": form,
            "volunteers": found,
            "stale": sum(1 for v in found if not v.police_certificate_ok),
            "several_offices": own_offices(user).count() > 1,
        },
    )


@access.requires(PERSONAL)
def volunteer_create(request: HttpRequest) -> HttpResponse:
    user = access.acting_user(request)
    form = VolunteerForm(request.POST or None, instance=Volunteer(), offices=own_offices(user))

    def save() -> object:
        return services.save_volunteer(user, form.instance)

    if request.method == "POST" and save_posted(request, form, save, _("Saved.")):
        return redirect("structural:volunteer", volunteer_pk=form.instance.pk)
    return render(
        request, "structural/volunteer_form.html", {"form": form, "volunteer": form.instance}
    )


@access.requires(PERSONAL)
def volunteer_detail(request: HttpRequest, volunteer_pk: int) -> HttpResponse:
    """A volunteer's entry, its editing form and their matches."""
    user = access.acting_user(request)
    volunteer = queries.get_volunteer_for(user, volunteer_pk)
    form = VolunteerForm(request.POST or None, instance=volunteer, offices=own_offices(user))

    def save() -> object:
        return services.save_volunteer(user, form.instance)

    if request.method == "POST" and save_posted(request, form, save, _("Saved.")):
        return redirect("structural:volunteer", volunteer_pk=volunteer.pk)
    matches = list(
        queries.matches_for(user).filter(volunteer=volunteer).select_related("client", "consent")
    )
    audit.record(user, "structural.volunteer.viewed", volunteer)
    record_listing(user, [m.client for m in matches], "volunteer")
    return render(
        request,
        "structural/volunteer.html",
        {"volunteer": volunteer, "form": form, "matches": matches},
    )


# --- matches ---------------------------------------------------------------------------


@access.requires(PERSONAL)
def match_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Match a volunteer of the client's office to the client, under a consent."""
    user = access.acting_user(request)
    client = client_queries.get_client_for(user, client_pk)
    candidates = queries.volunteers_for(user).filter(office=client.office_id, is_active=True)
    match = Match(client=client)
    form = MatchForm(
        request.POST or None,
        instance=match,
        initial={"volunteer": request.GET.get("volunteer")},
        client=client,
        volunteers=candidates,
    )

    def save() -> object:
        return services.make_match(user, form.instance)

    if request.method == "POST" and save_posted(
        request, form, save, _("The volunteer has been matched.")
    ):
        return redirect("structural:volunteer", volunteer_pk=form.instance.volunteer_id)
    record_access(user, client, "match")
    return render(
        request,
        "structural/match_form.html",
        {"client": client, "form": form, "has_volunteers": candidates.exists()},
    )


@access.requires(PERSONAL)
def match_end(request: HttpRequest, match_pk: int) -> HttpResponse:
    user = access.acting_user(request)
    match = queries.get_match_for(user, match_pk)
    if request.method == "POST":
        try:
            services.end_match(user, match)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The match has ended."))
        target = next_path(request)
        if target:
            return HttpResponseRedirect(target)
    return redirect("structural:volunteer", volunteer_pk=match.volunteer_id)
