"""Programme reports and quality indicators: figures only, for every aggregate role."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from lotse.core import access
from lotse.core.access import Capability
from lotse.core.http import progress_or_refresh
from lotse.core.lib import charts
from lotse.reports import exports, quality, queries, services
from lotse.reports.forms import QualityForm, ReportForm
from lotse.reports.models import ReportRun
from lotse.reports.report import SUPPRESSED, Report, Section
from lotse.reports.templatetags.reports import format_number

AGGREGATES = Capability.VIEW_AGGREGATES
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@access.requires(AGGREGATES)
def index(request: HttpRequest) -> HttpResponse:
    templates = queries.templates_for(request.user)
    units = queries.units_for(request.user)
    form = ReportForm(request.POST or None, templates=templates, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = data["unit_obj"]
        run = services.request_report(
            request.user,
            data["template"],
            queries.offices_of(request.user, unit),
            level=unit.level,
            unit_id=unit.pk,
            unit_label=unit.label,
            start=data["start"],
            end=data["end"],
        )
        return redirect("reports:run", run_pk=run.pk)
    runs = queries.runs_for(request.user)[:20]
    context = {"form": form, "runs": runs, "templates": templates}
    return render(request, "reports/index.html", context)


@access.requires(AGGREGATES)
def run(request: HttpRequest, run_pk: int) -> HttpResponse:
    found = queries.get_run_for(request.user, run_pk)
    context: dict[str, Any] = {"run": found}
    if found.result:
        context["report"] = Report.from_dict(found.result)
        context["sections"] = _displayed(context["report"].sections, f"run{found.pk}")
    if request.headers.get("HX-Request"):
        # The progress bar polls: while the run is busy it gets itself again, after
        # that the whole page is reloaded to show the report or the failure.
        return progress_or_refresh(request, "reports/_progress.html", context, found.is_busy)
    return render(request, "reports/run.html", context)


def _built_run(request: HttpRequest, run_pk: int) -> tuple[ReportRun, dict[str, Any]]:
    """The user's run and its result, once it has one; 404 otherwise."""
    found = queries.get_run_for(request.user, run_pk)
    if not found.result:
        raise Http404
    return found, found.result


@access.requires(AGGREGATES)
@access.recently_confirmed(reach=lambda request, run_pk, fmt: _built_run(request, run_pk))
def export(request: HttpRequest, run_pk: int, fmt: str) -> HttpResponse:
    found, result = _built_run(request, run_pk)
    report = Report.from_dict(result)
    today = timezone.localdate()
    services.record_export(request.user, found, fmt)
    name = f"bericht-{found.template.programme.key}-{found.start:%Y%m%d}-{found.end:%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(
            exports.report_csv(report, today), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(exports.report_xlsx(report, today), content_type=XLSX)
    elif fmt == "pdf":
        response = HttpResponse(exports.report_pdf(report, today), content_type="application/pdf")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@access.requires(AGGREGATES)
def quality_view(request: HttpRequest) -> HttpResponse:
    templates = queries.templates_for(request.user)
    units = queries.units_for(request.user)
    form = QualityForm(request.GET or None, templates=templates, units=units)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        unit = form.cleaned_data["unit_obj"]
        template = form.cleaned_data["template"]
        sections = quality.indicators(
            template.programme,
            queries.offices_of(request.user, unit),
            template.threshold,
            timezone.localdate(),
        )
        context.update(unit=unit, template=template, sections=_displayed(sections, "quality"))
    return render(request, "reports/quality.html", context)


# --- display -------------------------------------------------------------------------


def _chart(section: Section, prefix: str) -> str:
    if section.chart == "none" or not section.rows:
        return ""
    labels = section.chart_labels()
    series = section.chart_series()
    common: dict[str, Any] = {
        "id_prefix": f"{prefix}-{section.code}",
        "number_format": format_number,
        "no_data_label": _("No data"),
    }
    if section.chart == "line":
        return charts.line_chart(section.title, labels, series, **common)
    common["suppressed_label"] = SUPPRESSED
    if section.chart == "grouped" and len(series) > 1:
        return charts.grouped_bar_chart(section.title, labels, series, **common)
    return charts.bar_chart(section.title, labels, series[0][1], **common)


def _displayed(sections: list[Section], prefix: str) -> list[dict[str, Any]]:
    """Each section with its chart (SVG built here from escaped texts only)."""
    return [
        {"section": s, "chart": mark_safe(_chart(s, prefix))}  # noqa: S308
        for s in sections
    ]
