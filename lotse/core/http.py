"""Answers shared by the views: where to go after a post (the `next` address a page
sent along, if it is safe), and the polling of a progress bar."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def next_path(request: HttpRequest) -> str:
    """The posted (or asked for) `next` address if it is a path on this site, else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    on_this_site = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if on_this_site and target.startswith("/") else ""


def progress_or_refresh(
    request: HttpRequest, partial: str, context: dict[str, Any], busy: bool
) -> HttpResponse:
    """For htmx polling a background job: the progress bar again while the job is busy,
    then a full reload of the page (htmx's HX-Refresh), which shows the outcome."""
    if busy:
        return render(request, partial, context)
    return HttpResponse(headers={"HX-Refresh": "true"})
