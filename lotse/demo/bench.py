"""The benchmark of issue 10 (`manage.py bench_scale`): server time and SQL queries of
the daily pages, the API reads and a programme report, on whatever data the database
holds (the demo, or `generate_scale` at a state's size); and the throughput of the
client file through a real application server against a bare view in the same run.

Server time is measured in-process around the whole request (middleware, access layer,
audit events, template), with a sample of counsellors, their clients and cases drawn
with a fixed seed, so that two runs ask for the same things.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, reset_queries
from django.db.models import Count, Q, QuerySet
from django.test import Client as TestClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lotse.accounts.models import User
from lotse.api.models import ApiToken, Scope
from lotse.api.services import create_token
from lotse.cases.models import Case
from lotse.clients.models import Client
from lotse.organisations.models import District, Membership, Office, Role
from lotse.reports import services as reports
from lotse.reports.models import ReportTemplate

# Targets of issue 10, in milliseconds of server time at the 95th percentile.
PAGE_TARGET_MS = 50
SEARCH_TARGET_MS = 100
STATE_REPORT_TARGET_MS = 2_000
THROUGHPUT_TARGET = 0.4


@dataclass
class Sample:
    """What one counsellor looks at: their start page, one of their clients, one of
    their open cases, a name to search for; and the team lead of their office."""

    counsellor: User
    lead: User
    client: Client
    case: Case
    name: str
    token: str = ""


@dataclass
class Row:
    name: str
    target_ms: int | None
    timings: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        ordered = sorted(self.timings)
        p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
        return {
            "name": self.name,
            "requests": len(ordered),
            "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(p95, 1),
            "max_ms": round(ordered[-1], 1),
            "sql_queries_max": max(self.queries),
            "target_p95_ms": self.target_ms,
            "met": None if self.target_ms is None else p95 <= self.target_ms,
        }


def open_cases() -> QuerySet[Case]:
    """Open cases held by active counsellors: whose counsellors the benchmark and the
    load test sign in as."""
    return Case.objects.filter(closed_on__isnull=True, counsellor__is_active=True)


def samples(count: int, seed: int = 7) -> list[Sample]:
    """Counsellors who carry an open case, drawn at random, each with a client of
    theirs and an API token for the reads."""
    rng = random.Random(seed)
    top = open_cases().order_by("-pk").values_list("pk", flat=True).first()
    if top is None:
        raise ValueError("No open cases: load the demo or generate data first.")
    drawn: list[Sample] = []
    seen: set[int] = set()
    for _ in range(count * 20):
        if len(drawn) == count:
            break
        case = (
            open_cases()
            .filter(pk__gte=rng.randint(1, top))
            .select_related("client", "counsellor", "office")
            .order_by("pk")
            .first()
        )
        if case is None or case.counsellor_id in seen:
            continue
        lead = Membership.objects.filter(office=case.office, role=Role.TEAM_LEAD).first()
        if lead is None:
            continue
        seen.add(case.counsellor_id)
        drawn.append(
            Sample(case.counsellor, lead.user, case.client, case, case.client.family_name[:6])
        )
    for sample in drawn:
        sample.token = create_token(
            sample.counsellor,
            ApiToken(
                user=sample.counsellor,
                name="Benchmark",
                scopes=[Scope.CLIENTS_READ, Scope.CASES_READ],
                expires_on=timezone.localdate() + dt.timedelta(days=1),
            ),
        )
    return drawn


# Each page: its name, target and the request for a sample (user, path, query, headers).
Request = tuple[User, str, dict[str, str], dict[str, str]]
PAGES: list[tuple[str, int, Callable[[Sample], Request]]] = [
    ("Mein Tag", PAGE_TARGET_MS, lambda s: (s.counsellor, "/", {}, {})),
    ("client list", PAGE_TARGET_MS, lambda s: (s.counsellor, "/clients/", {}, {})),
    ("client file", PAGE_TARGET_MS, lambda s: (s.counsellor, f"/clients/{s.client.pk}/", {}, {})),
    ("plan page", PAGE_TARGET_MS, lambda s: (s.counsellor, f"/cases/{s.case.pk}/", {}, {})),
    (
        "name search",
        SEARCH_TARGET_MS,
        lambda s: (s.counsellor, "/clients/", {"q": s.name}, {"HX-Request": "true"}),
    ),
    (
        "team view",
        PAGE_TARGET_MS,
        lambda s: (s.lead, "/cases/team/", {"counsellor": str(s.counsellor.pk)}, {}),
    ),
    (
        "API: clients",
        PAGE_TARGET_MS,
        lambda s: (s.counsellor, "/api/v1/clients/", {}, {"Authorization": f"Bearer {s.token}"}),
    ),
    (
        "API: one client",
        PAGE_TARGET_MS,
        lambda s: (
            s.counsellor,
            f"/api/v1/clients/{s.client.pk}/",
            {},
            {"Authorization": f"Bearer {s.token}"},
        ),
    ),
    (
        "API: contacts",
        PAGE_TARGET_MS,
        lambda s: (
            s.counsellor,
            f"/api/v1/clients/{s.client.pk}/contacts/",
            {},
            {"Authorization": f"Bearer {s.token}"},
        ),
    ),
    (
        "API: cases",
        PAGE_TARGET_MS,
        lambda s: (s.counsellor, "/api/v1/cases/", {}, {"Authorization": f"Bearer {s.token}"}),
    ),
]


def time_pages(drawn: list[Sample], repeat: int) -> list[Row]:
    """Every page `repeat` times, cycling through the samples, after one request of
    each sample to warm the caches."""
    browsers: dict[int, TestClient] = {}
    rows = []
    for name, target, request in PAGES:
        row = Row(name, target)
        for n in range(len(drawn) + repeat):
            user, path, query, headers = request(drawn[n % len(drawn)])
            if user.pk not in browsers:
                browsers[user.pk] = TestClient(HTTP_HOST="127.0.0.1")
                browsers[user.pk].force_login(user)
            # The query log holds 9,000 queries at most; a full one counts nothing.
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = browsers[user.pk].get(path, query, headers=headers)
                took = (time.perf_counter() - began) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{name}: {path} answered {response.status_code}")
            if n >= len(drawn):
                row.timings.append(took)
                row.queries.append(len(captured.captured_queries))
        rows.append(row)
    return rows


def time_reports(repeat: int, programme: str = "bw-im") -> list[Row]:
    """The annual report of one programme for the largest district and for the state,
    built as the report task builds it."""
    template = ReportTemplate.objects.select_related("programme__state").get(
        programme__key=programme, is_active=True
    )
    today = timezone.localdate()
    start = today - dt.timedelta(days=364)
    state = template.programme.state
    running = Office.objects.filter(programmes=template.programme)
    in_state = running.filter(
        Q(district__state=state) | Q(municipalities__district__state=state)
    ).distinct()
    district = (
        District.objects.filter(offices__in=running)
        .annotate(clients=Count("offices__clients"))
        .order_by("-clients", "pk")
        .first()
    )
    scopes = [
        ("district", running.filter(district=district), None),
        ("state", in_state, STATE_REPORT_TARGET_MS),
    ]
    rows = []
    for scope, offices, target in scopes:
        row = Row(f"report {programme}, {scope}", target)
        for _ in range(repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                reports.build(template, offices, start, today, scope=scope)
                row.timings.append((time.perf_counter() - began) * 1000)
            row.queries.append(len(captured.captured_queries))
        rows.append(row)
    return rows


# --- throughput through a real application server ----------------------------------


def throughput(
    sample: Sample, workers: int, seconds: float, concurrency: int, port: int = 8765
) -> dict[str, Any]:
    """Requests per second of the client file and of a bare view (one query, no
    sign-in) through gunicorn with `workers` processes, measured one after the other in
    the same run, and their ratio."""
    browser = TestClient(HTTP_HOST="127.0.0.1")
    browser.force_login(sample.counsellor)
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    with serve(workers, port):
        bare = _drive(port, "/bench/bare/", "", seconds, concurrency)
        file = _drive(port, f"/clients/{sample.client.pk}/", cookie, seconds, concurrency)
    return {
        "name": "client file vs. bare view",
        "workers": workers,
        "concurrency": concurrency,
        "seconds": seconds,
        "bare_per_s": round(bare, 1),
        "client_file_per_s": round(file, 1),
        "ratio": round(file / bare, 3),
        "target_ratio": THROUGHPUT_TARGET,
        "met": file / bare >= THROUGHPUT_TARGET,
    }


@contextmanager
def serve(workers: int, port: int) -> Iterator[str]:
    """gunicorn with Lotse (lotse.demo.bench_settings) on `port` for the block; yields
    its address."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lotse.demo.bench_settings"}
    server = subprocess.Popen(  # noqa: S603 - our own server, arguments from here
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "lotse.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        env=env,
        cwd=settings.BASE_DIR,
    )
    try:
        _wait_for(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError("The application server did not start.")
        try:
            _get(port, "/bench/bare/", "")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("The application server did not answer.")


def _get(port: int, path: str, cookie: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _drive(port: int, path: str, cookie: str, seconds: float, concurrency: int) -> float:
    """Completed requests per second with `concurrency` clients asking one after the
    other for `seconds`, after a few requests to warm up; any answer but 200 stops it."""
    for _ in range(concurrency * 2):
        _get(port, path, cookie)
    done = [0] * concurrency
    failed: list[int] = []
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        while time.perf_counter() < stop and not failed:
            status = _get(port, path, cookie)
            if status != 200:
                failed.append(status)
            done[n] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise RuntimeError(f"{path} answered {failed[0]} under load")
    return sum(done) / (time.perf_counter() - began)
