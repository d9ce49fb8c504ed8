"""Staffing ratios, positions and their costs, grants and spending proofs, and the
allocation of a budget among municipalities."""

from __future__ import annotations

import io
from typing import Any, TypeVar

from django.contrib import messages
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from openpyxl import Workbook

from lotse.core import access, audit
from lotse.core.access import Capability
from lotse.core.forms import save_posted
from lotse.core.lib import allocation, funding, tables
from lotse.core.models import Term
from lotse.core.services import audited_save
from lotse.organisations.models import Programme
from lotse.staffing import documents, queries, services
from lotse.staffing.forms import (
    AllocationForm,
    CostsForm,
    GrantForm,
    PersonsCountForm,
    PositionForm,
    RatioFilterForm,
)
from lotse.staffing.models import AllocationRun, Grant, PersonsCount, Position, PositionCosts

AGGREGATES = Capability.VIEW_AGGREGATES
STAFFING = Capability.STAFFING
ALLOCATE = Capability.ALLOCATE
MAX_KEY_FILE = 2 * 1024 * 1024
M = TypeVar("M", bound=Model)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render with what the section's navigation needs."""
    context["can_staff"] = access.has_capability(request.user, STAFFING)
    context["can_allocate"] = access.has_capability(request.user, ALLOCATE)
    return render(request, template, context)


@access.requires(AGGREGATES)
def overview(request: HttpRequest) -> HttpResponse:
    """Staffing ratios per office, provider, district or state, per programme."""
    form = RatioFilterForm(request.GET or None)
    year, level = form.year_value(), form.level_value()
    rows = queries.ratios(request.user, year, level)
    by_programme: dict[Programme, list[queries.Ratio]] = {}
    for row in rows:
        by_programme.setdefault(row.programme, []).append(row)
    context = {
        "form": form,
        "year": year,
        "level": level,
        "by_programme": by_programme,
        "reference_day": queries.reference_day(year),
    }
    return _page(request, "staffing/overview.html", context)


# --- positions, costs, counted persons ---------------------------------------------------


def _staffing_offices(request: HttpRequest) -> Any:
    return access.offices_for(request.user, STAFFING)


@access.requires(STAFFING)
def positions(request: HttpRequest) -> HttpResponse:
    found = queries.positions_for(request.user).order_by(
        "office__name", "programme__short_name", "-starts_on"
    )
    return _page(request, "staffing/positions.html", {"positions": found})


@access.requires(STAFFING)
def position_edit(request: HttpRequest, position_pk: int | None = None) -> HttpResponse:
    position = (
        access.get_or_404(queries.positions_for(request.user), pk=position_pk)
        if position_pk
        else Position()
    )
    form = PositionForm(request.POST or None, instance=position, offices=_staffing_offices(request))
    if request.method == "POST" and save_posted(
        request, form, lambda: audited_save(request.user, form.instance), _("Position saved.")
    ):
        return redirect("staffing:position", position_pk=form.instance.pk)
    costs = position.costs.all() if position.pk else PositionCosts.objects.none()
    context = {
        "form": form,
        "position": position,
        "costs": costs,
        "costs_form": CostsForm(prefix="costs") if position.pk else None,
    }
    return _page(request, "staffing/position.html", context)


@access.requires(STAFFING)
def position_costs(request: HttpRequest, position_pk: int) -> HttpResponse:
    """Record (or correct) what a position cost in a year."""
    position = access.get_or_404(queries.positions_for(request.user), pk=position_pk)
    year = request.POST.get("costs-year", "")
    existing = position.costs.filter(year=year).first() if year.isdigit() else None
    form = CostsForm(
        request.POST or None,
        prefix="costs",
        instance=existing or PositionCosts(position=position),
    )
    if request.method == "POST" and save_posted(
        request, form, lambda: audited_save(request.user, form.instance), _("Costs saved.")
    ):
        return redirect("staffing:position", position_pk=position.pk)
    context = {
        "form": PositionForm(instance=position, offices=_staffing_offices(request)),
        "position": position,
        "costs": position.costs.all(),
        "costs_form": form,
    }
    return _page(request, "staffing/position.html", context)


def _existing(queryset: QuerySet[M], request: HttpRequest, *fields: str) -> M | None:
    """The record a posted form names by its unique fields, if the user may change it."""
    values = [request.POST.get(name, "") for name in fields]
    if request.method != "POST" or not all(v.isdigit() for v in values):
        return None
    lookup = {
        ("year" if f == "year" else f"{f}_id"): v for f, v in zip(fields, values, strict=True)
    }
    return queryset.filter(**lookup).first()


@access.requires(STAFFING)
def counts(request: HttpRequest) -> HttpResponse:
    """Persons a ratio counts that the casework does not hold (bb-msa: persons housed)."""
    offices = _staffing_offices(request)
    # One figure per office, programme and year: entering it again corrects it.
    existing = _existing(
        PersonsCount.objects.filter(office__in=offices), request, "office", "programme", "year"
    )
    form = PersonsCountForm(request.POST or None, instance=existing, offices=offices)
    if request.method == "POST" and save_posted(
        request, form, lambda: audited_save(request.user, form.instance), _("Figure saved.")
    ):
        return redirect("staffing:counts")
    entered = PersonsCount.objects.filter(office__in=offices).select_related("office", "programme")
    return _page(request, "staffing/counts.html", {"form": form, "counts": entered})


# --- grants and spending proofs -----------------------------------------------------------


@access.requires(STAFFING)
def grants(request: HttpRequest) -> HttpResponse:
    providers = access.providers_for(request.user, STAFFING)
    # One grant per provider, programme and year: entering it again corrects it.
    existing = _existing(
        Grant.objects.filter(provider__in=providers), request, "provider", "programme", "year"
    )
    form = GrantForm(request.POST or None, instance=existing, providers=providers)
    if request.method == "POST" and save_posted(
        request, form, lambda: audited_save(request.user, form.instance), _("Grant saved.")
    ):
        return redirect("staffing:grants")
    found = Grant.objects.filter(provider__in=providers).select_related("provider", "programme")
    return _page(request, "staffing/grants.html", {"form": form, "grants": found})


def _grant(request: HttpRequest, grant_pk: int) -> Grant:
    providers = access.providers_for(request.user, STAFFING)
    return access.get_or_404(
        Grant.objects.filter(provider__in=providers).select_related("provider", "programme"),
        pk=grant_pk,
    )


@access.requires(STAFFING)
@access.recently_confirmed(reach=lambda request, grant_pk, fmt: _grant(request, grant_pk))
def spending_proof(request: HttpRequest, grant_pk: int, fmt: str) -> HttpResponse:
    """The spending proof (Verwendungsnachweis) of a provider for a programme and year."""
    grant = _grant(request, grant_pk)
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    try:
        proof = services.proof_for_grant(grant)
    except funding.FundingError as error:
        messages.error(request, _("The spending proof cannot be computed: %s") % error)
        return redirect("staffing:grants")
    names = {
        term.code: term.label
        for term in Term.objects.filter(vocabulary=Term.Vocabulary.QUALIFICATION)
    }
    audit.record(request.user, "staffing.spending_proof.exported", grant, changes={"format": fmt})
    if fmt == "pdf":
        content = documents.proof_pdf(proof, qualifications=names)
        response = HttpResponse(content, content_type="application/pdf")
    else:
        content = documents.proof_xlsx(proof, qualifications=names)
        response = HttpResponse(content, content_type=XLSX)
    name = f"verwendungsnachweis-{grant.programme.key}-{grant.year}-{grant.provider.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- allocation ------------------------------------------------------------------------------


def _allocation_form(request: HttpRequest) -> AllocationForm:
    return AllocationForm(
        request.POST or None,
        request.FILES or None,
        districts=access.districts_for(request.user, ALLOCATE),
        states=access.states_for(request.user, ALLOCATE),
    )


@access.requires(ALLOCATE)
def allocations(request: HttpRequest) -> HttpResponse:
    return _page(
        request, "staffing/allocations.html", {"runs": queries.allocations_for(request.user)}
    )


@access.requires(ALLOCATE)
def allocation_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(services.key_file_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="verteilschluessel.csv"'
    return response


@access.requires(ALLOCATE)
def allocation_create(request: HttpRequest) -> HttpResponse:
    """Read the key file, check every row, distribute, keep inputs and table together."""
    form = _allocation_form(request)
    problems: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        run = form.instance
        scope = form.cleaned_data["scope"]
        if scope.startswith("d"):
            district = access.get_district_for(request.user, scope[1:], ALLOCATE)
            run.district, run.state = district, district.state
        else:
            run.state = access.get_or_404(access.states_for(request.user, ALLOCATE), pk=scope[1:])
        run.created_by = access.acting_user(request)
        upload = form.cleaned_data["file"]
        run.source_name = upload.name[:255]
        try:
            if upload.size > MAX_KEY_FILE:
                raise tables.TableError(_("The file is larger than 2 MB."))
            data = upload.read()
            key_file = services.read_key_file(tables.read_csv(data))
        except tables.TableError as error:
            form.add_error("file", error.translated(_))
        else:
            problems = key_file.errors
            if not problems:
                try:
                    services.run_allocation(request.user, run, key_file.recipients, data)
                except allocation.AllocationError as error:
                    form.add_error(None, _("The budget cannot be distributed: %s") % error)
                else:
                    messages.success(request, _("The budget has been distributed."))
                    return redirect("staffing:allocation", allocation_pk=run.pk)
    return _page(request, "staffing/allocation_form.html", {"form": form, "problems": problems})


def _run(request: HttpRequest, allocation_pk: int) -> AllocationRun:
    return access.get_or_404(queries.allocations_for(request.user), pk=allocation_pk)


def _table(run: AllocationRun) -> tuple[list[str], list[list[Any]]]:
    stored = services.stored_allocation(run)
    names = {line.id: line.name for line in stored.lines}
    header = [
        _("Identifier"),
        _("Name"),
        _("Key"),
        _("Proportional share (EUR)"),
        _("Pooled into"),
        _("Pool"),
        _("Allocated (EUR)"),
        _("Status"),
    ]
    rows = [
        [
            line.id,
            line.name,
            line.key,
            round(float(line.share), 2),
            names.get(line.pooled_into or "", ""),
            ", ".join(names[i] for i in line.pool),
            line.allocated,
            status_label(line),
        ]
        for line in stored.lines
    ]
    return header, rows


def status_label(line: allocation.Line) -> str:
    if line.status == "below minimum":
        return _("below the minimum share, not funded")
    if line.status.startswith("delegated"):
        return _("delegated")
    if line.pooled_into:
        return _("pooled")
    if line.pool:
        return _("applies for the pool")
    return _("applies alone")


@access.requires(ALLOCATE)
def allocation_detail(request: HttpRequest, allocation_pk: int) -> HttpResponse:
    run = _run(request, allocation_pk)
    stored = services.stored_allocation(run)
    header, rows = _table(run)
    audit.record(request.user, "staffing.allocation.viewed", run)
    context = {
        "run": run,
        "stored": stored,
        "header": header,
        "rows": rows,
        "reproduces": stored.reproduces(),
        "allocated": sum(line.allocated for line in stored.lines),
        "pooled": sum(1 for line in stored.lines if line.pooled_into),
        "unfunded": sum(1 for line in stored.lines if line.status == "below minimum"),
    }
    return _page(request, "staffing/allocation.html", context)


@access.requires(ALLOCATE)
@access.recently_confirmed(reach=lambda request, allocation_pk, fmt: _run(request, allocation_pk))
def allocation_export(request: HttpRequest, allocation_pk: int, fmt: str) -> HttpResponse:
    run = _run(request, allocation_pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    header, rows = _table(run)
    audit.record(request.user, "staffing.allocation.exported", run, changes={"format": fmt})
    name = f"verteilung-{run.pk}"
    if fmt == "csv":
        response = HttpResponse(
            tables.write_csv(header, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        book = Workbook()
        sheet = book.worksheets[0]
        sheet.title = _("Allocation")[:31]
        sheet.append([tables.safe_cell(run.title)])
        sheet.append([tables.safe_cell(_("Key")), tables.safe_cell(run.key_label)])
        sheet.append([_("Budget (EUR)"), run.budget_eur])
        sheet.append([_("Minimum share (EUR)"), run.minimum_eur])
        sheet.append([])
        sheet.append([tables.safe_cell(cell) for cell in header])
        for row in rows:
            sheet.append(
                [cell if isinstance(cell, int | float) else tables.safe_cell(cell) for cell in row]
            )
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
