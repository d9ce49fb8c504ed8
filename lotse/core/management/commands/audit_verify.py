from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lotse.core import audit


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and name the first event that breaks it."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if result.broken is not None:
            event = result.broken
            raise CommandError(
                f"Audit chain broken at event #{event.sequence} (id {event.pk}, "
                f"{event.occurred_at:%Y-%m-%d %H:%M:%S} UTC, {event.action}): {result.reason}. "
                f"{result.checked} events before it are intact."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {result.checked} events, head {result.head}")
        )
