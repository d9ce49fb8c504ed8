"""An import killed half-way, in a process of its own, leaves the database as it was;
run again, it imports every row exactly once."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from lotse.clients.models import Client
from lotse.core import audit
from lotse.core.models import AuditEvent
from lotse.imports import services
from lotse.imports.models import ImportRun
from tests.imports.fixtures import csv_file

ROWS = 40


def database_url():
    """The test database, for a process of its own."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{db['NAME']}"


def import_run(run, *extra):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "LOTSE_DEBUG": "1",
        "LOTSE_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
    }
    command = [sys.executable, "manage.py", "import_run", str(run.pk), *extra]
    return subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
        command,
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def state():
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    return Client.objects.count(), last


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_killed_half_way_leaves_nothing_and_runs_again_exactly_once(world):
    text = "Vorname;Nachname;Geburtsdatum\n" + "".join(
        f"Person{i};Familie{i};{1 + i % 28:02d}.0{1 + i % 9}.19{50 + i}\n" for i in range(ROWS)
    )
    run = services.upload(world.counsellor_a, world.office_a, "clients", csv_file(text))
    run = services.check(world.counsellor_a, run, run.mapping)
    assert run.report["counts"]["new"] == ROWS
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.QUEUED)
    before = state()

    child = import_run(run, "--row-delay", "0.1")
    progress, deadline = 0, time.monotonic() + 60
    while progress < 50 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.02)
        with contextlib.suppress(OSError, ValueError):
            progress = int(services.progress_path(run.pk).read_text() or 0)
    assert child.poll() is None, child.communicate()
    assert 50 <= progress < 100
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)

    assert state() == before  # no client, no audit event of the rows written so far
    run.refresh_from_db()
    assert run.status == ImportRun.Status.RUNNING and run.rows is not None
    assert audit.verify().broken is None

    again = import_run(run)
    _out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err.decode()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE, run.error
    assert run.counts == {"created": ROWS, "duplicates": 0, "probable": 0}
    names = list(
        Client.objects.filter(given_names__startswith="Person").values_list(
            "given_names", flat=True
        )
    )
    assert sorted(names) == sorted(f"Person{i}" for i in range(ROWS))
    new_events = AuditEvent.objects.filter(sequence__gt=before[1][0])
    assert new_events.filter(action="clients.client.created").count() == ROWS
    assert new_events.filter(action="imports.run.imported").count() == 1
    assert audit.verify().broken is None

    # A third run of the command finds the import done and writes nothing.
    done = state()
    third = import_run(run)
    third.communicate(timeout=120)
    assert third.returncode == 0 and state() == done
