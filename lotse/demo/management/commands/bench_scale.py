"""Server time, SQL queries and throughput of the daily pages (lotse/demo/bench.py)."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from lotse.cases.models import Case
from lotse.clients.models import Client
from lotse.counselling.models import Contact
from lotse.demo import bench
from lotse.network.models import Referral


class Command(BaseCommand):
    help = (
        "Time the daily pages, the API reads and a programme report for a district and "
        "the state (p50/p95 server time, SQL queries), and the client file's throughput "
        "through gunicorn against a bare view; print a table and write "
        "bench-results/scale.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--samples", type=int, default=20, help="counsellors drawn")
        parser.add_argument("--repeat", type=int, default=100, help="requests per page")
        parser.add_argument(
            "--report-repeat", type=int, default=3, help="builds of each report (0: none)"
        )
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
        parser.add_argument("--concurrency", type=int, default=4)
        parser.add_argument("--seconds", type=float, default=10.0)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            drawn = bench.samples(options["samples"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        rows = bench.time_pages(drawn, options["repeat"])
        if options["report_repeat"]:
            rows += bench.time_reports(options["report_repeat"])
        result = {
            "machine": _machine(),
            "data": {
                "clients": Client.objects.count(),
                "contacts": Contact.objects.count(),
                "cases": Case.objects.count(),
                "referrals": Referral.objects.count(),
            },
            "samples": len(drawn),
            "pages": [row.as_dict() for row in rows],
            "throughput": bench.throughput(
                drawn[0], options["workers"], options["seconds"], options["concurrency"]
            ),
        }
        out = Path(settings.BASE_DIR) / "bench-results"
        out.mkdir(exist_ok=True)
        (out / "scale.json").write_text(json.dumps(result, indent=2) + "\n")
        self._print(result)

    def _print(self, result: dict[str, Any]) -> None:
        machine, data = result["machine"], result["data"]
        self.stdout.write(
            f"{machine['database']} {machine['database_version']}, {machine['cpus']} cores "
            f"({machine['cpu']}), {machine['memory_gb']} GB; "
            + ", ".join(f"{value:,} {name}" for name, value in data.items())
        )
        header = f"{'':<22} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'target':>8}"
        self.stdout.write(header)
        for row in result["pages"]:
            target = "" if row["target_p95_ms"] is None else f"{row['target_p95_ms']}"
            mark = {True: " ok", False: " MISSED", None: ""}[row["met"]]
            self.stdout.write(
                f"{row['name']:<22} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8} "
                f"{row['sql_queries_max']:>8} {target:>8}{mark}"
            )
        put = result["throughput"]
        self.stdout.write(
            f"throughput ({put['workers']} gunicorn workers, {put['concurrency']} clients, "
            f"{put['seconds']} s each): bare view {put['bare_per_s']}/s, client file "
            f"{put['client_file_per_s']}/s, ratio {put['ratio']} (target "
            f"{put['target_ratio']}){'' if put['met'] else ' MISSED'}"
        )


def _machine() -> dict[str, Any]:
    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    memory = 0.0
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with connection.cursor() as cursor:
        cursor.execute(
            "SHOW server_version"
            if connection.vendor == "postgresql"
            else "SELECT sqlite_version()"
        )
        version = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(memory, 1),
        "python": platform.python_version(),
        "database": connection.vendor,
        "database_version": version,
    }
