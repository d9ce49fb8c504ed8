from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from lotse.clients import privacy, services


class Command(BaseCommand):
    help = (
        "Anonymise every client record whose retention period has run out (the longest of "
        "its programmes' retention after the last contact or case), except records with "
        "an open case or on legal hold. Statistics stay as they were. Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be anonymised, change nothing"
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            help="the day to judge by (YYYY-MM-DD; default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        due = privacy.due(today)
        by_office = Counter(client.office.name for client in due)
        verb = "would be anonymised" if options["dry_run"] else "anonymised"
        for office, count in sorted(by_office.items()):
            self.stdout.write(f"{office}: {count} record(s) {verb}")
        if not options["dry_run"]:
            for client in due:
                services.anonymise_client(None, client, f"retention ran out before {today}")
        self.stdout.write(f"{len(due)} record(s) {verb} (judged on {today:%Y-%m-%d}).")
