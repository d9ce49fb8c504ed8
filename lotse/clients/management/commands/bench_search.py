from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client as TestClient
from django.test.utils import CaptureQueriesContext, override_settings

from lotse.accounts.models import User
from lotse.clients.queries import clients_for
from lotse.demo.bench import SEARCH_TARGET_MS, Row
from lotse.organisations import services as org
from lotse.organisations.models import Office, Role


class Command(BaseCommand):
    help = (
        "Time client search through the whole request cycle (middleware, access layer, "
        "audit, template) with other spellings of existing clients; print p50/p95 and "
        "SQL queries, and write bench-results/search.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", default="beratung", help="whose scope is searched")
        parser.add_argument(
            "--all-offices",
            action="store_true",
            help="search as a user 'bench' who counsels in every office (created if missing)",
        )
        parser.add_argument("--queries", type=int, default=200)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all_offices"]:
            options["user"] = "bench"
            if not User.objects.filter(username="bench").exists():
                bench = org.create_user(
                    None, username="bench", first_name="Bench", last_name="User"
                )
                for office in Office.objects.all():
                    org.add_membership(None, bench, Role.COUNSELLOR, office)
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}: load the demo first.")
        clients = list(clients_for(user).exclude(other_spellings=""))
        if not clients:
            raise CommandError("No clients with other spellings in this user's scope.")
        rng = random.Random(7)  # noqa: S311 - a reproducible sample, not a secret
        browser = TestClient()
        browser.force_login(user)
        timings, counts, found = [], [], 0
        with override_settings(ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS]):
            for _ in range(options["queries"]):
                client = rng.choice(clients)
                query = rng.choice(client.other_spellings.splitlines()).lower()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = browser.get(
                        "/clients/", {"q": query}, headers={"HX-Request": "true"}
                    )
                    timings.append((time.perf_counter() - started) * 1000)
                counts.append(len(captured.captured_queries))
                if response.status_code != 200:
                    raise CommandError(f"search answered {response.status_code}")
                found += f'href="/clients/{client.pk}/"'.encode() in response.content
        timed = Row("name search", SEARCH_TARGET_MS, timings, counts).as_dict()
        result = {
            "what": "client search, full request, other spelling of an existing client",
            "database": connection.vendor,
            "clients_in_scope": clients_for(user).count(),
            "queries": len(timings),
            **{key: timed[key] for key in ("p50_ms", "p95_ms", "max_ms", "sql_queries_max")},
            "found_share": round(found / len(timings), 3),
        }
        out = Path(settings.BASE_DIR) / "bench-results"
        out.mkdir(exist_ok=True)
        (out / "search.json").write_text(json.dumps(result, indent=2) + "\n")
        for key, value in result.items():
            self.stdout.write(f"{key:18} {value}")
