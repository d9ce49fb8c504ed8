from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lotse.core import access
from lotse.core.access import Capability
from lotse.organisations import queries

VIEW = Capability.VIEW_ORGANISATION


@access.requires(VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/overview.html",
        {
            "offices": queries.visible_offices(request.user),
            "districts": access.districts_for(request.user, VIEW).select_related("state"),
        },
    )


@access.requires(VIEW)
def office_detail(request: HttpRequest, office_pk: int) -> HttpResponse:
    office = access.get_office_for(request.user, office_pk)
    return render(request, "organisations/office.html", queries.office_detail(office))


@access.requires(VIEW)
def provider_detail(request: HttpRequest, provider_pk: int) -> HttpResponse:
    provider = access.get_provider_for(request.user, provider_pk)
    return render(
        request, "organisations/provider.html", queries.provider_detail(request.user, provider)
    )


@access.requires(VIEW)
def district_detail(request: HttpRequest, district_pk: int) -> HttpResponse:
    district = access.get_district_for(request.user, district_pk)
    return render(
        request, "organisations/district.html", queries.district_detail(request.user, district)
    )


@access.requires(Capability.SIGNED_IN)
def programme_list(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/programmes.html", {"programmes": queries.programmes()})


@access.requires(Capability.SIGNED_IN)
def programme_detail(request: HttpRequest, programme_key: str) -> HttpResponse:
    programme = access.get_programme_for(request.user, programme_key)
    return render(request, "organisations/programme.html", {"programme": programme})
