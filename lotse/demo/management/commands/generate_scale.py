"""Fill the database with synthetic data at a given scale (lotse/demo/scale.py)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lotse.demo.scale import Scale, generate


class Command(BaseCommand):
    help = "Fill the database with synthetic offices, counsellors, clients, contacts and cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=10_000)
        parser.add_argument("--contacts-per-client", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        scale = Scale(options["clients"], contacts_per_client=options["contacts_per_client"])
        began = time.perf_counter()
        report = generate(scale, seed=options["seed"])
        for name, rows in report.rows.items():
            seconds = report.seconds.get(name, "")
            self.stdout.write(f"{name:<18} {rows:>12,} {seconds:>8}")
        self.stdout.write(f"{'in all':<18} {'':>12} {time.perf_counter() - began:>8.1f} s")
