from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lotse.organisations.models import Office
from lotse.reports import exports, services
from lotse.reports.models import ReportTemplate


class Command(BaseCommand):
    help = (
        "Time building each programme's report for its whole state (every state, for a "
        "federal programme) over the last twelve months, and its exports; print p50 and "
        "max per report with the SQL query count, and write bench-results/reports.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        templates = ReportTemplate.objects.filter(is_active=True).select_related("programme")
        if not templates.exists():
            raise CommandError("No report templates: migrate first.")
        today = timezone.localdate()
        start, end = today - dt.timedelta(days=364), today
        rows = []
        for template in templates:
            state = template.programme.state
            offices = Office.objects.all()
            if state is not None:
                offices = offices.filter(
                    Q(district__state=state) | Q(municipalities__district__state=state)
                ).distinct()
            timings, queries = [], 0
            for _ in range(options["repeat"]):
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    report = services.build(template, offices, start, end, scope="bench")
                    timings.append((time.perf_counter() - began) * 1000)
                queries = len(captured.captured_queries)
            began = time.perf_counter()
            exports.report_xlsx(report, today)
            exports.report_pdf(report, today)
            exports.report_csv(report, today)
            rows.append(
                {
                    "report": template.title,
                    "programme": template.programme.key,
                    "scope": state.name if state else "all states",
                    "offices": offices.filter(programmes=template.programme).count(),
                    "sections": len(report.sections),
                    "build_p50_ms": round(statistics.median(timings), 1),
                    "build_max_ms": round(max(timings), 1),
                    "sql_queries": queries,
                    "exports_ms": round((time.perf_counter() - began) * 1000, 1),
                }
            )
        result = {
            "what": "programme report for a whole state, last twelve months, built in-process",
            "database": connection.vendor,
            "period": [start.isoformat(), end.isoformat()],
            "repeat": options["repeat"],
            "reports": rows,
        }
        out = Path(settings.BASE_DIR) / "bench-results"
        out.mkdir(exist_ok=True)
        (out / "reports.json").write_text(json.dumps(result, indent=2) + "\n")
        header = ["programme", "scope", "offices", "sections", "build_p50_ms", "build_max_ms"]
        header += ["sql_queries", "exports_ms"]
        widths = [max(len(h), *(len(str(row[h])) for row in rows)) for h in header]
        self.stdout.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        for row in rows:
            cells = (str(row[h]).ljust(w) for h, w in zip(header, widths, strict=True))
            self.stdout.write("  ".join(cells))
