from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lotse.imports import services


class Command(BaseCommand):
    help = (
        "Delete the cells (personal data) of uploaded files not imported within "
        "LOTSE_IMPORT_KEEP_HOURS (24 by default); counts and outcomes stay. Run it daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        purged = services.purge_expired()
        self.stdout.write(f"{purged} import run(s) purged.")
