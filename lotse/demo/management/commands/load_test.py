"""Simulated counsellors doing their daily journeys against gunicorn, driven by locust
(lotse/demo/load/locustfile.py); prints and writes bench-results/load.json."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lotse.demo import bench
from lotse.demo.data import PASSWORD


class Command(BaseCommand):
    help = (
        "Run USERS simulated counsellors (sign in, Mein Tag, client list, name search, "
        "client file, plan, recording contacts) for MINUTES against gunicorn; report "
        "requests, failures and p50/p95 per step."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--minutes", type=float, default=5)
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2)
        parser.add_argument("--port", type=int, default=8766)

    def handle(self, *args: Any, **options: Any) -> None:
        # Counsellors with open cases, with the password of the demo and the synthetic data.
        usernames = list(
            bench.open_cases()
            .order_by("counsellor__username")
            .values_list("counsellor__username", flat=True)
            .distinct()[: options["users"]]
        )
        if not usernames:
            raise CommandError("No counsellors with open cases: load the demo or generate data.")
        out = Path(settings.BASE_DIR) / "bench-results"
        out.mkdir(exist_ok=True)
        env = {
            **os.environ,
            "LOTSE_LOAD_USERS": ",".join(usernames),
            "LOTSE_LOAD_PASSWORD": PASSWORD,
        }
        with bench.serve(options["workers"], options["port"]) as address:
            ran = subprocess.run(  # noqa: S603 - our own locustfile, arguments from here
                [
                    str(Path(sys.executable).with_name("locust")),
                    "-f",
                    str(Path(__file__).parents[2] / "load" / "locustfile.py"),
                    "--headless",
                    f"--users={options['users']}",
                    "--spawn-rate=5",
                    f"--run-time={round(options['minutes'] * 60)}s",
                    f"--host={address}",
                    f"--csv={out / 'load'}",
                    "--only-summary",
                    "--loglevel=WARNING",
                ],
                env=env,
                check=False,
                capture_output=True,
                text=True,
            )
        steps = self._read(out / "load_stats.csv")
        result = {
            "users": options["users"],
            "distinct_logins": len(usernames),
            "minutes": options["minutes"],
            "workers": options["workers"],
            "steps": steps,
            "locust_exit": ran.returncode,
        }
        (out / "load.json").write_text(json.dumps(result, indent=2) + "\n")
        self.stdout.write(
            f"{options['users']} users ({len(usernames)} logins), {options['minutes']} min, "
            f"{options['workers']} gunicorn workers"
        )
        self.stdout.write(f"{'':<20} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8}")
        for step in steps:
            self.stdout.write(
                f"{step['name']:<20} {step['requests']:>9} {step['failures']:>9} "
                f"{step['p50_ms']:>8} {step['p95_ms']:>8}"
            )
        failures = sum(step["failures"] for step in steps if step["name"] != "Aggregated")
        if ran.returncode != 0 or failures:
            self.stderr.write(ran.stderr[-4000:])
            raise CommandError(f"{failures} failed requests (locust exit {ran.returncode}).")

    def _read(self, path: Path) -> list[dict[str, Any]]:
        with path.open(newline="") as file:
            return [
                {
                    "name": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50_ms": float(row["50%"] or 0),
                    "p95_ms": float(row["95%"] or 0),
                    "max_ms": float(row["Max Response Time"] or 0),
                }
                for row in csv.DictReader(file)
            ]
