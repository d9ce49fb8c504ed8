from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lotse.imports import services
from lotse.imports.models import ImportRun


class Command(BaseCommand):
    help = (
        "Import a queued import run, all rows or none (what the task queue runs). A run "
        "left 'running' by an interrupted process is taken up again: its transaction was "
        "never committed, so nothing of it is in the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("run", type=int, help="the number of the import run")
        parser.add_argument(
            "--row-delay",
            type=float,
            default=0.0,
            help="seconds to wait after each row (for testing an interruption)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not ImportRun.objects.filter(pk=options["run"]).exists():
            raise CommandError(f"There is no import run {options['run']}.")
        run = services.execute(options["run"], resume=True, row_delay=options["row_delay"])
        self.stdout.write(f"Import run {run.pk}: {run.status} {run.counts} {run.error}".strip())
