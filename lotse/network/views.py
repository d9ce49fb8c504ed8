from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from lotse.cases import queries as case_queries
from lotse.cases.models import Goal, Step
from lotse.clients import queries as client_queries
from lotse.clients.services import record_access, record_listing
from lotse.core import access
from lotse.core.access import Capability
from lotse.core.forms import save_posted
from lotse.core.http import next_path
from lotse.core.lib import tables
from lotse.network import queries, services
from lotse.network.forms import (
    AppointmentForm,
    FollowUpForm,
    ReferralForm,
    ReferralUpdateForm,
    ServiceForm,
    ServiceImportForm,
    ServiceSearchForm,
)
from lotse.network.models import Appointment, FollowUp, Referral, Service
from lotse.organisations.queries import office_staff

PERSONAL = Capability.PERSONAL_DATA
DIRECTORY = Capability.DIRECTORY


# --- directory -------------------------------------------------------------------------


def _searched(request: HttpRequest) -> tuple[ServiceSearchForm, Any]:
    form = ServiceSearchForm(
        request.GET or None, districts=queries.directory_districts(request.user)
    )
    data = form.cleaned_data if form.is_valid() else {}
    found = queries.search_services(
        request.user,
        text=data.get("q", ""),
        service_type=data.get("service_type"),
        topic=data.get("topic"),
        language=data.get("language", ""),
        municipality=data.get("municipality"),
    )
    return form, found


@access.requires(DIRECTORY)
def directory(request: HttpRequest) -> HttpResponse:
    form, found = _searched(request)
    context = {"form": form, "services": found[:200], "count": found.count()}
    context["client_pk"] = request.GET.get("for_client", "")
    if request.headers.get("HX-Request"):
        return render(request, "network/_services.html", context)
    return render(request, "network/directory.html", context)


@access.requires(DIRECTORY)
@access.recently_confirmed()
def directory_export(request: HttpRequest) -> HttpResponse:
    _form, found = _searched(request)
    content = tables.write_csv(services.CSV_COLUMNS, services.service_rows(found))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dienste.csv"'
    return response


def _scope_choices(request: HttpRequest) -> list[tuple[str, str]]:
    districts = queries.directory_districts(request.user)
    offices = queries.own_offices(request.user)
    return [(f"d{d.pk}", str(d)) for d in districts] + [
        (f"o{o.pk}", _("only my office %(office)s") % {"office": o}) for o in offices
    ]


@access.requires(DIRECTORY)
def directory_import(request: HttpRequest) -> HttpResponse:
    """All rows or none: any error shows every problem with its line, and stores nothing."""
    form = ServiceImportForm(
        request.POST or None, request.FILES or None, scope_choices=_scope_choices(request)
    )
    report = None
    if request.method == "POST" and form.is_valid():
        scope = form.cleaned_data["scope"]
        if scope.startswith("o"):
            office = access.get_or_404(queries.own_offices(request.user), pk=scope[1:])
            district, target_office = office.district, office
        else:
            district = access.get_or_404(queries.directory_districts(request.user), pk=scope[1:])
            target_office = None
        upload = form.cleaned_data["file"]
        try:
            if upload.size > 5 * 1024 * 1024:
                raise tables.TableError(_("The file is larger than 5 MB."))
            table = tables.read_csv(upload.read())
        except tables.TableError as error:
            form.add_error("file", error.translated(_))
        else:
            report = services.import_services(request.user, table, district, target_office)
            if not report.errors:
                messages.success(
                    request,
                    _("Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
                    % {
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                    },
                )
                return redirect("network:directory")
    return render(request, "network/import.html", {"form": form, "report": report})


@access.requires(DIRECTORY)
def service_detail(request: HttpRequest, service_pk: int) -> HttpResponse:
    service = queries.get_service_for(request.user, service_pk)
    return render(request, "network/service.html", {"service": service})


@access.requires(DIRECTORY)
def service_edit(request: HttpRequest, service_pk: int | None = None) -> HttpResponse:
    service = queries.get_service_for(request.user, service_pk) if service_pk else Service()
    form = ServiceForm(
        request.POST or None,
        instance=service,
        districts=queries.directory_districts(request.user),
        offices=queries.own_offices(request.user),
    )

    def save() -> object:
        return services.save_service(request.user, form.instance, form.cleaned_data["topics"])

    if request.method == "POST" and save_posted(request, form, save, _("Saved.")):
        return redirect("network:service", service_pk=form.instance.pk)
    return render(request, "network/service_form.html", {"form": form, "service": service})


# --- referrals -------------------------------------------------------------------------


@access.requires(PERSONAL)
def referral_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Refer a client to a service, from the file or from a plan step."""
    client = client_queries.get_client_for(request.user, client_pk)
    referral = Referral(client=client)
    step_pk = request.GET.get("step") or request.POST.get("step")
    if step_pk:
        cases = case_queries.cases_for(request.user).filter(client=client)
        step = access.get_or_404(
            Step.objects.filter(goal__case__in=cases).select_related("goal__case"), pk=step_pk
        )
        referral.step, referral.case = step, step.goal.case
    initial = {"service": request.GET.get("service"), "counsellor": request.user.pk}
    if referral.step:
        initial["purpose"] = referral.step.what
    form = ReferralForm(
        request.POST or None,
        instance=referral,
        initial=initial,
        client=client,
        services=queries.services_for(request.user).filter(is_active=True),
        staff=office_staff(client.office),
    )

    def save() -> object:
        return services.make_referral(request.user, form.instance)

    if request.method == "POST" and save_posted(
        request, form, save, _("The referral has been recorded.")
    ):
        return redirect("clients:detail", client_pk=client.pk)
    record_access(request.user, client, "referral")
    return render(
        request,
        "network/referral_form.html",
        {"client": client, "form": form, "referral": referral},
    )


@access.requires(PERSONAL)
def referral_detail(request: HttpRequest, referral_pk: int) -> HttpResponse:
    referral = queries.get_referral_for(request.user, referral_pk)
    form = ReferralUpdateForm(request.POST or None, instance=referral)

    def save() -> object:
        return services.update_referral(request.user, form.instance)

    if request.method == "POST" and save_posted(request, form, save, _("Saved.")):
        return redirect("network:referral", referral_pk=referral.pk)
    record_access(request.user, referral.client, "referral")
    return render(request, "network/referral.html", {"referral": referral, "form": form})


# --- appointments ----------------------------------------------------------------------


def _parse_day(text: str | None) -> dt.date:
    try:
        day = dt.date.fromisoformat(text or "")
    except ValueError:
        return timezone.localdate()
    # A week's arithmetic must stay inside the calendar.
    return day if 1900 <= day.year <= 2200 else timezone.localdate()


@access.requires(PERSONAL)
def appointments(request: HttpRequest) -> HttpResponse:
    """Day or week, for the user, a colleague, or the whole office."""
    user = access.acting_user(request)
    day = _parse_day(request.GET.get("day"))
    span = "week" if request.GET.get("span") == "week" else "day"
    first = day - dt.timedelta(days=day.weekday()) if span == "week" else day
    last = first + dt.timedelta(days=6 if span == "week" else 0)
    offices = queries.own_offices(user)
    office = (
        access.get_or_404(offices, pk=request.GET["office"]) if request.GET.get("office") else None
    )
    colleagues = [p for o in offices for p in office_staff(o)]
    who = request.GET.get("who", "")
    counsellor = None
    if office is None:
        counsellor = next((p for p in colleagues if str(p.pk) == who), user)
    found = list(
        queries.appointments_between(user, first, last, counsellor=counsellor, office=office)
    )
    record_listing(user, [a.client for a in found if a.client], "appointments")
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    by_day = [(d, [a for a in found if timezone.localtime(a.starts_at).date() == d]) for d in days]
    step = dt.timedelta(days=7 if span == "week" else 1)
    return render(
        request,
        "network/appointments.html",
        {
            "by_day": by_day,
            "span": span,
            "day": day,
            "previous": day - step,
            "next": day + step,
            "office": office,
            "offices": offices,
            "counsellor": counsellor,
            "colleagues": sorted(set(colleagues), key=str),
        },
    )


@access.requires(PERSONAL)
def appointment_edit(request: HttpRequest, appointment_pk: int | None = None) -> HttpResponse:
    user = access.acting_user(request)
    if appointment_pk:
        appointment = queries.get_appointment_for(user, appointment_pk)
    else:
        appointment = Appointment(counsellor=user)
        client_pk = request.GET.get("client") or request.POST.get("client")
        if client_pk:
            appointment.client = client_queries.get_client_for(user, client_pk)
            appointment.office = appointment.client.office
        else:
            appointment.office = access.get_or_404(
                queries.own_offices(user), pk=request.GET.get("office") or _first_office(user)
            )
        if request.GET.get("service"):
            appointment.service = queries.get_service_for(user, request.GET["service"])
    form = AppointmentForm(
        request.POST or None,
        instance=appointment,
        office=appointment.office,
        clients=client_queries.clients_for(user),
        services=queries.services_for(user).filter(is_active=True),
        staff=office_staff(appointment.office),
    )

    def save() -> object:
        return services.save_appointment(
            user, form.instance, form.cleaned_data.get("household_members", [])
        )

    if request.method == "POST" and save_posted(request, form, save, _("Saved.")):
        local = timezone.localtime(form.instance.starts_at).date()
        return redirect(f"{reverse('network:appointments')}?day={local.isoformat()}")
    if appointment.client:
        record_access(user, appointment.client, "appointment")
    return render(
        request, "network/appointment_form.html", {"form": form, "appointment": appointment}
    )


def _first_office(user: Any) -> Any:
    office = queries.own_offices(user).first()
    if office is None:
        raise Http404
    return office.pk


# --- follow-ups ------------------------------------------------------------------------


@access.requires(PERSONAL)
def follow_up_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    user = access.acting_user(request)
    client = client_queries.get_client_for(user, client_pk)
    follow_up = FollowUp(client=client)
    params = request.POST if request.method == "POST" else request.GET
    cases = case_queries.cases_for(user).filter(client=client)
    if params.get("case"):
        follow_up.case = access.get_or_404(cases, pk=params["case"])
    if params.get("goal"):
        follow_up.goal = access.get_or_404(Goal.objects.filter(case__in=cases), pk=params["goal"])
        follow_up.case = follow_up.goal.case
    if params.get("referral"):
        follow_up.referral = access.get_or_404(client.referrals.all(), pk=params["referral"])
    form = FollowUpForm(
        request.POST or None, instance=follow_up, staff=office_staff(client.office), user=user
    )

    def save() -> object:
        return services.save_follow_up(user, form.instance)

    if request.method == "POST" and save_posted(
        request, form, save, _("The follow-up has been set.")
    ):
        return redirect("clients:detail", client_pk=client.pk)
    record_access(user, client, "follow-up")
    return render(
        request,
        "network/follow_up_form.html",
        {"form": form, "follow_up": follow_up, "client": client},
    )


@access.requires(PERSONAL)
def follow_up_done(request: HttpRequest, follow_up_pk: int) -> HttpResponse:
    follow_up = queries.get_follow_up_for(request.user, follow_up_pk)
    if request.method != "POST":
        return redirect("clients:detail", client_pk=follow_up.client_id)
    if follow_up.done_on is None:
        services.complete_follow_up(request.user, follow_up)
        messages.success(request, _("Marked as done."))
    target = next_path(request)
    return HttpResponseRedirect(target) if target else redirect("core:dashboard")


@access.requires(PERSONAL)
def assignments_seen(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.acknowledge_assignments(access.acting_user(request))
    return redirect("core:dashboard")


# --- calendar feed ---------------------------------------------------------------------


@access.requires(PERSONAL)
def calendar_settings(request: HttpRequest) -> HttpResponse:
    user = access.acting_user(request)
    feed_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if services.revoke_feed(user):
                messages.success(request, _("The calendar address no longer works."))
            return redirect("network:calendar")
        token = services.create_feed(user)
        feed_url = request.build_absolute_uri(reverse("network:feed", args=[token]))
    feed = getattr(user, "calendar_feed", None) if feed_url is None else None
    return render(request, "network/calendar.html", {"feed_url": feed_url, "feed": feed})


@login_not_required
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret address a calendar program reads: appointments with initials only."""
    feed = services.feed_for_token(token)
    if feed is None:
        raise Http404
    calendar = Calendar()
    calendar.add("prodid", "-//Lotse//Termine//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Lotse")
    for appointment in services.feed_appointments(feed):
        event = Event()
        event.add("uid", f"appointment-{appointment.pk}@lotse")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", appointment.starts_at)
        event.add("dtend", appointment.ends_at)
        initials = appointment.initials()
        event.add("summary", f"Lotse: {initials}" if initials else _("Lotse: appointment"))
        event.add(
            "url",
            request.build_absolute_uri(reverse("network:appointment", args=[appointment.pk])),
        )
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
