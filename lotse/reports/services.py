"""Building reports: on request, as a task that runs inline unless a worker is configured."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from lotse.core import audit, replica
from lotse.core.services import audited_save
from lotse.organisations.models import Office
from lotse.reports.figures import FIGURES, Basis
from lotse.reports.models import ReportRun, ReportTemplate
from lotse.reports.report import Report


def build(
    template: ReportTemplate,
    offices: QuerySet[Office],
    start: dt.date,
    end: dt.date,
    *,
    scope: str,
    threshold: int | None = None,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """The report of `template` over `offices` (already scoped by the caller)."""
    basis = Basis(
        programme=template.programme,
        offices=offices.filter(programmes=template.programme),
        start=start,
        end=end,
        threshold=template.threshold if threshold is None else threshold,
        today=today or timezone.localdate(),
    )
    sections = []
    with replica.reading():
        for done, code in enumerate(template.sections, start=1):
            sections.append(FIGURES[code][1](basis))
            if progress:
                progress(round(100 * done / len(template.sections)))
    return Report(
        title=template.title,
        programme=str(template.programme),
        scope=scope,
        period=f"{start:%d.%m.%Y} – {end:%d.%m.%Y}",
        threshold=basis.threshold,
        sections=sections,
        notes=[
            _(
                "Counts from 1 to %(below)d are withheld (•), and so are further counts "
                "from which a withheld one could be worked out."
            )
            % {"below": basis.threshold - 1}
        ]
        if basis.threshold > 1
        else [],
    )


def request_report(
    actor: Any,
    template: ReportTemplate,
    offices: QuerySet[Office],
    *,
    level: str,
    unit_id: int,
    unit_label: str,
    start: dt.date,
    end: dt.date,
) -> ReportRun:
    """Record the request and hand it to the task queue once the request is stored.

    Without a worker (the default) the task runs at once, inside this request."""
    run = audited_save(
        actor,
        ReportRun(
            template=template,
            level=level,
            unit_id=unit_id,
            unit_label=unit_label,
            start=start,
            end=end,
            language=translation.get_language() or "de",
            created_by=actor,
        ),
    )
    transaction.on_commit(lambda: build_report.enqueue(run.pk))
    return run


@task()
def build_report(run_pk: int) -> None:
    from lotse.reports.queries import offices_of_run

    run = ReportRun.objects.select_related("template__programme", "created_by").get(pk=run_pk)
    if run.status != ReportRun.Status.QUEUED:
        return
    _set(run, status=ReportRun.Status.RUNNING, progress=0)
    began = time.perf_counter()
    try:
        with translation.override(run.language):
            report = build(
                run.template,
                offices_of_run(run),
                run.start,
                run.end,
                scope=run.unit_label,
                progress=lambda percent: _set(run, progress=percent),
            )
    except Exception as error:
        _set(run, status=ReportRun.Status.FAILED, error=repr(error))
        raise
    _set(
        run,
        status=ReportRun.Status.DONE,
        progress=100,
        result=report.to_dict(),
        seconds=round(time.perf_counter() - began, 3),
    )
    audit.record(run.created_by, "reports.run.built", run)


def _set(run: ReportRun, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    ReportRun.objects.filter(pk=run.pk).update(**fields)


def record_export(actor: Any, run: ReportRun, fmt: str) -> None:
    audit.record(actor, "reports.run.exported", run, data={"format": fmt})
