from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lotse.demo import clients, data, network, staffing, structural


class Command(BaseCommand):
    help = "Load the demo setting (once) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--clients", type=int, default=400, help="how many demo clients (default 400)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if data.is_loaded():
            self.stdout.write("Demo data is already loaded.")
        else:
            data.load()
            created = clients.load(options["clients"])
            network.load()
            staffing.load()
            structural.load()
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({created} clients)."))
        self.stdout.write("")
        self.stdout.write(
            f"Lotse demo: http://127.0.0.1:8000/  — logins (password for all: {data.PASSWORD})"
        )
        rows = [("Username", "Name", "Role", "Organisation")]
        rows += [(x.username, x.name, x.role, x.organisation) for x in data.logins()]
        widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
        for row in rows:
            self.stdout.write(
                "  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
            )
        self.stdout.write("")
