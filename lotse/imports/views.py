"""Imports of client lists and contact logs, for the office roles that keep client files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from lotse.clients.services import record_listing
from lotse.core import access, audit
from lotse.core.access import Capability
from lotse.core.forms import apply_error
from lotse.core.http import progress_or_refresh
from lotse.imports import queries, services
from lotse.imports.fields import FIELDS
from lotse.imports.forms import MappingForm, UploadForm
from lotse.imports.models import ImportRun

PERSONAL = Capability.PERSONAL_DATA
OUTCOMES = {
    services.NEW: _("new"),
    services.EXACT: _("already recorded, not created again"),
    services.PROBABLE: _("probably already recorded, created: please check"),
    services.ERROR: _("error"),
}


@access.requires(PERSONAL)
def index(request: HttpRequest) -> HttpResponse:
    offices = queries.offices_for(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.upload(
                access.acting_user(request),
                form.cleaned_data["office"],
                form.cleaned_data["kind"],
                form.cleaned_data["file"],
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            return redirect("imports:mapping", import_pk=run.pk)
    runs = queries.runs_for(request.user)[:20]
    return render(request, "imports/index.html", {"form": form, "runs": runs})


@access.requires(PERSONAL)
def mapping(request: HttpRequest, import_pk: int) -> HttpResponse:
    run = queries.get_run_for(request.user, import_pk)
    if not run.can_map:
        return redirect("imports:run", import_pk=run.pk)
    form = MappingForm(request.POST or None, run=run)
    if request.method == "POST" and form.is_valid():
        try:
            services.check(access.acting_user(request), run, form.mapping())
        except ValidationError as error:
            apply_error(form, error)
        else:
            return redirect("imports:run", import_pk=run.pk)
    # The first rows' values are shown beside the columns.
    audit.record(request.user, "imports.run.viewed", run)
    return render(request, "imports/mapping.html", {"form": form, "run": run})


def _report_rows(run: ImportRun, candidates: dict[int, Any]) -> list[dict[str, Any]]:
    rows = {int(line): values for line, values in run.rows or []}
    mapped = {int(p): name for p, name in run.mapping.items()}
    shown = [
        p
        for p, name in sorted(mapped.items())
        if name in ("given_names", "family_name", "birth_date", "client", "date", "kind")
    ]
    result = []
    for row in (run.report or {}).get("rows", []):
        values = rows.get(row["line"], [])
        result.append(
            {
                **row,
                "label": OUTCOMES[row["outcome"]],
                "summary": " · ".join(
                    str(values[p]) for p in shown if p < len(values) and values[p]
                ),
                "candidate_client": candidates.get(row["candidate"]),
            }
        )
    return result


@access.requires(PERSONAL)
def run(request: HttpRequest, import_pk: int) -> HttpResponse:
    found = queries.get_run_for(request.user, import_pk)
    context: dict[str, Any] = {"run": found, "progress": services.read_progress(found)}
    if request.headers.get("HX-Request"):
        return progress_or_refresh(request, "imports/_progress.html", context, found.is_busy)
    candidates = queries.candidates(request.user, found)
    context["rows"] = _report_rows(found, candidates)
    context["counts"] = (found.report or {}).get("counts", {})
    labels = {f.name: f.label for f in FIELDS[ImportRun.Kind(found.kind)]}
    context["mapping"] = [
        (found.header[int(p)] if int(p) < len(found.header) else p, labels.get(name, name))
        for p, name in sorted(found.mapping.items(), key=lambda item: int(item[0]))
    ]
    if found.report and found.rows is not None:
        audit.record(request.user, "imports.run.viewed", found)
    record_listing(request.user, candidates.values(), "import")
    return render(request, "imports/run.html", context)


@access.requires(PERSONAL)
def start(request: HttpRequest, import_pk: int) -> HttpResponse:
    found = queries.get_run_for(request.user, import_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.start_import(access.acting_user(request), found)
    except services.ImportRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("imports:run", import_pk=found.pk)
