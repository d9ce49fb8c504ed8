"""Imports of client lists and contact logs: upload, check every row, import all or none.

1. `upload` reads the file (CSV or XLSX, `core/lib/tables.py`) into a run: its cells,
   its SHA-256 and a guessed mapping of its columns. The file itself is not kept.
2. `check` applies a mapping to every row and stores what importing would do: a new
   record, a duplicate of an existing one (not created again), a probable duplicate
   (created, to be checked and merged), or an error with its cell. Nothing else is
   written.
3. `start_import` queues `run_import`, which runs inline unless a worker is configured
   (like the reports), and calls `execute` (also `manage.py import_run`): the check is
   made again and every record written through the services that write it by hand, in
   one transaction, so that a file goes in whole or not at all. A file imported before
   (same SHA-256, office and content) is not imported again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from lotse.accounts.models import User
from lotse.clients import queries as client_queries
from lotse.clients.lib import codes
from lotse.clients.lib.names import normalise
from lotse.clients.models import Client, Sex
from lotse.clients.services import log_contact, save_client
from lotse.core import audit
from lotse.core.lib import cells, tables
from lotse.core.lib.tables import TableError, Value
from lotse.core.models import Term
from lotse.core.services import audited_save
from lotse.core.terms import Vocabulary
from lotse.counselling.models import Contact
from lotse.imports.fields import guess
from lotse.imports.models import ImportRun
from lotse.organisations.models import Office

V = Term.Vocabulary
Status = ImportRun.Status
NEW, EXACT, PROBABLE, ERROR = "new", "exact", "probable", "error"
SEPARATORS = (";", ",", "|", "/", "\n")


class ImportRefused(Exception):
    """The run cannot be imported (again); the message says why."""

    def __init__(self, message: str, report: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.report = report


def upload(actor: User, office: Office, kind: str, file: UploadedFile[Any]) -> ImportRun:
    """Read an uploaded file into a run, or refuse it with the reason (on `file`)."""
    if file.size is None or file.size > settings.IMPORT_MAX_BYTES:
        limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"file": _("The file is larger than %(mb)d MB.") % {"mb": limit}})
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    try:
        grid = tables.read_grid(cast("BinaryIO", file), max_rows=settings.IMPORT_MAX_ROWS)
    except TableError as error:
        raise ValidationError({"file": error.translated(_)}) from None
    if not grid.rows:
        raise ValidationError({"file": _("The file has no rows below its header row.")})
    sha = digest.hexdigest()
    run = ImportRun(
        office=office,
        kind=kind,
        original_name=(file.name or "")[:255],
        source_sha256=sha,
        source_format=grid.format,
        header=grid.header,
        rows=[[line, row] for line, row in grid.rows],
        row_count=len(grid.rows),
        mapping=guess(kind, grid.header),
        repeat_of=earlier_import(office, kind, sha),
        created_by=actor,
    )
    return audited_save(actor, run, personal=True, action="imports.run.uploaded")


def earlier_import(office: Office, kind: str, sha: str, exclude: int | None = None) -> Any:
    """The run that imported the same file into the office before, if any."""
    runs = ImportRun.objects.filter(office=office, kind=kind, source_sha256=sha, status=Status.DONE)
    if exclude is not None:
        runs = runs.exclude(pk=exclude)
    return runs.order_by("finished_at").first()


def check(actor: User, run: ImportRun, mapping: dict[str, str]) -> ImportRun:
    """The dry run: what importing would do with every row. Stores only the report."""
    if not run.can_map:
        raise ValidationError(_("This import can no longer be changed."))
    run.mapping = mapping
    run.report = plan(actor, run).report()
    run.status = Status.CHECKED
    run.error = ""
    return audited_save(actor, run, personal=True, action="imports.run.checked")


# --- Checking rows --------------------------------------------------------------------


@dataclass
class Row:
    line: int
    outcome: str = NEW
    problems: list[tuple[str, str]] = field(default_factory=list)  # (cell, message)
    candidate: int | None = None  # the existing record it duplicates
    record: models.Model | None = None
    topics: list[Term] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "outcome": self.outcome,
            "problems": [list(p) for p in self.problems],
            "candidate": self.candidate,
        }


@dataclass
class Plan:
    rows: list[Row]

    def counts(self) -> dict[str, int]:
        found = {outcome: 0 for outcome in (NEW, EXACT, PROBABLE, ERROR)}
        for row in self.rows:
            found[row.outcome] += 1
        return found

    def report(self) -> dict[str, Any]:
        return {"rows": [row.as_dict() for row in self.rows], "counts": self.counts()}


class Cells:
    """One row's cells by field, with the name of each field's cell for messages."""

    def __init__(self, row: Row, values: list[Value], mapping: dict[str, str]) -> None:
        self.row = row
        self.by_field: dict[str, tuple[str, Value]] = {}
        for position, name in mapping.items():
            index = int(position)
            value = values[index] if index < len(values) else None
            self.by_field[name] = (tables.cell_name(index, row.line), value)

    def cell(self, name: str) -> str:
        return self.by_field.get(name, ("", None))[0]

    def text(self, name: str) -> str:
        return cells.text_of(self.by_field.get(name, ("", None))[1])

    def read(self, name: str, reader: Callable[[Value], Any]) -> Any:
        """The field's value read by `reader`; a problem noted (and None) if unreadable."""
        _cell, value = self.by_field.get(name, ("", None))
        try:
            return reader(value)
        except TableError as error:
            self.problem(name, error.translated(_))
            return None

    def problem(self, name: str, message: str) -> None:
        self.row.problems.append((self.cell(name), message))
        self.row.outcome = ERROR

    def validation(self, error: ValidationError, fields: dict[str, str]) -> None:
        """A model's ValidationError, each message on the cell of its field."""
        for name, messages in error.message_dict.items():
            for message in messages:
                self.problem(fields.get(name, name), message)


def plan(actor: User, run: ImportRun) -> Plan:
    """Every row checked against the office's records, nothing written."""
    rows = [(int(line), values) for line, values in run.rows or []]
    if run.kind == ImportRun.Kind.CLIENTS:
        return _plan_clients(actor, run.office, run.mapping, rows)
    return _plan_contacts(actor, run.office, run.mapping, rows)


def _countries() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in ("en", "de"):
        for code, name in codes.country_choices(language):
            names[name.casefold()] = code
    for country in pycountry.countries:
        names[country.alpha_3.casefold()] = country.alpha_2
        names[country.name.casefold()] = country.alpha_2
    return names


SEXES = {
    Sex.FEMALE: ("w", "weiblich", "f", "female", "frau", "fem"),
    Sex.MALE: ("m", "männlich", "maennlich", "male", "mann"),
    Sex.DIVERSE: ("d", "divers", "diverse", "x"),
    Sex.UNKNOWN: ("", "u", "unbekannt", "unknown", "k.a.", "keine angabe"),
}
SEX_OF = {text: sex for sex, texts in SEXES.items() for text in texts}


def _split(text: str) -> list[str]:
    for separator in SEPARATORS[1:]:
        text = text.replace(separator, SEPARATORS[0])
    return [part.strip() for part in text.split(SEPARATORS[0]) if part.strip()]


def _exact_key(client: Client) -> tuple[str, str, int, int, int] | None:
    """Same name and complete date of birth: the same person."""
    if client.birth_year is None or client.birth_month is None or client.birth_day is None:
        return None
    return (
        normalise(client.given_names),
        normalise(client.family_name),
        client.birth_year,
        client.birth_month,
        client.birth_day,
    )


CLIENT_COLUMNS = {
    "given_names": "given_names",
    "family_name": "family_name",
    "birth_year": "birth_date",
    "birth_month": "birth_date",
    "birth_day": "birth_date",
    "sex": "sex",
    "nationalities": "nationalities",
    "entry_date": "entry_date",
    "phone": "phone",
    "email": "email",
    "address": "address",
    "bamf_file_number": "bamf_file_number",
}


def _plan_clients(
    actor: User, office: Office, mapping: dict[str, str], rows: list[tuple[int, list[Value]]]
) -> Plan:
    existing = client_queries.clients_for(actor).filter(office=office)
    by_file_number = {
        c.bamf_file_number: c.pk
        for c in existing.exclude(bamf_file_number="").only("pk", "bamf_file_number")
    }
    by_name_and_birth = {}
    for client in existing.exclude(birth_day=None).only(
        "pk", "given_names", "family_name", "birth_year", "birth_month", "birth_day"
    ):
        key = _exact_key(client)
        if key:
            by_name_and_birth[key] = client.pk
    countries = _countries()
    in_file: dict[Any, int] = {}
    result = []
    for line, values in rows:
        row = Row(line)
        found = Cells(row, values, mapping)
        client = Client(office=office)
        for name in ("given_names", "family_name", "phone", "email", "address"):
            setattr(client, name, found.text(name))
        client.bamf_file_number = found.text("bamf_file_number")
        birth = found.read("birth_date", cells.partial_date)
        if birth:
            client.birth_year, client.birth_month, client.birth_day = birth
        client.entry_date = found.read("entry_date", cells.full_date)
        sex = SEX_OF.get(found.text("sex").casefold())
        if sex is None:
            found.problem("sex", _("Unknown sex “%s” (w, m, d or empty).") % found.text("sex"))
        else:
            client.sex = sex
        nationalities = []
        for text in _split(found.text("nationalities")):
            code = (
                text.upper() if codes.is_country(text.upper()) else countries.get(text.casefold())
            )
            if text.casefold() in ("staatenlos", "stateless"):
                code = codes.STATELESS
            if code is None:
                found.problem("nationalities", _("Unknown country “%s”.") % text)
            else:
                nationalities.append(code)
        client.nationalities = nationalities
        try:
            client.full_clean(exclude=["office", "preferred_channel"], validate_constraints=False)
        except ValidationError as error:
            found.validation(error, CLIENT_COLUMNS)
        row.record = client
        if row.outcome != ERROR:
            _classify_client(actor, row, client, by_file_number, by_name_and_birth, in_file)
        result.append(row)
    return Plan(result)


def _classify_client(
    actor: User,
    row: Row,
    client: Client,
    by_file_number: dict[str, int],
    by_name_and_birth: dict[Any, int],
    in_file: dict[Any, int],
) -> None:
    key = _exact_key(client)
    number = client.bamf_file_number
    if number and number in by_file_number:
        row.outcome, row.candidate = EXACT, by_file_number[number]
        return
    if key and key in by_name_and_birth:
        row.outcome, row.candidate = EXACT, by_name_and_birth[key]
        return
    for mark in (("bamf", number) if number else None, key):
        if mark is not None and mark in in_file:
            row.outcome = EXACT
            row.problems.append(("", _("The same person as in line %d.") % in_file[mark]))
            return
    for mark in (("bamf", number) if number else None, key):
        if mark is not None:
            in_file[mark] = row.line
    hits = client_queries.duplicates(
        actor,
        given_names=client.given_names,
        family_name=client.family_name,
        birth_year=client.birth_year,
        nationalities=client.nationalities,
        limit=1,
    )
    if hits:
        row.outcome, row.candidate = PROBABLE, hits[0].client.pk


def _plan_contacts(
    actor: User, office: Office, mapping: dict[str, str], rows: list[tuple[int, list[Value]]]
) -> Plan:
    existing = client_queries.clients_for(actor).filter(office=office)
    by_number = {str(pk): pk for pk in existing.values_list("pk", flat=True)}
    by_file_number = dict(
        existing.exclude(bamf_file_number="").values_list("bamf_file_number", "pk")
    )
    kinds, channels, topics = Vocabulary(V.CONTACT_KIND), Vocabulary(V.CHANNEL), Vocabulary(V.TOPIC)
    default_channel = channels.find("persoenlich")
    recorded = {
        (c, d, k, m): pk
        for pk, c, d, k, m in Contact.objects.filter(
            office=office, client__isnull=False
        ).values_list("pk", "client_id", "date", "kind_id", "duration_minutes")
    }
    in_file: dict[Any, int] = {}
    result = []
    for line, values in rows:
        row = Row(line)
        found = Cells(row, values, mapping)
        reference = found.text("client")
        client_pk = by_file_number.get(reference) or by_number.get(reference.removeprefix("#"))
        if client_pk is None:
            found.problem(
                "client",
                _("No client with the number or file number “%s” in this office.") % reference,
            )
        contact = Contact(
            office=office, client_id=client_pk, counsellor=actor, note=found.text("note")
        )
        contact.date = found.read("date", cells.full_date)
        if contact.date is None and not row.problems:
            found.problem("date", _("The date is missing."))
        kind = kinds.find(found.text("kind"))
        if kind is None:
            found.problem("kind", _("Unknown kind of contact “%s”.") % found.text("kind"))
        else:
            contact.kind = kind
        channel = channels.find(found.text("channel")) if found.text("channel") else default_channel
        if channel is None:
            found.problem("channel", _("Unknown channel “%s”.") % found.text("channel"))
        else:
            contact.channel = channel
        duration = found.read("duration", cells.whole_number)
        contact.duration_minutes = duration
        for text in _split(found.text("topics")):
            topic = topics.find(text)
            if topic is None:
                found.problem("topics", _("Unknown topic “%s”.") % text)
            else:
                row.topics.append(topic)
        if not row.topics and row.outcome != ERROR:
            found.problem("topics", _("Choose at least one topic."))
        if row.outcome != ERROR:
            try:
                contact.full_clean(
                    exclude=["office", "client", "counsellor"], validate_constraints=False
                )
            except ValidationError as error:
                found.validation(
                    error, {"duration_minutes": "duration", "note": "note", "date": "date"}
                )
        row.record = contact
        if row.outcome != ERROR:
            key = (client_pk, contact.date, contact.kind_id, contact.duration_minutes)
            if key in recorded:
                row.outcome, row.candidate = EXACT, client_pk
            elif key in in_file:
                row.outcome = EXACT
                row.problems.append(("", _("The same contact as in line %d.") % in_file[key]))
            else:
                in_file[key] = line
                row.candidate = client_pk
        result.append(row)
    return Plan(result)


# --- Importing ------------------------------------------------------------------------


class _AlreadyImported(Exception):
    """Another process imported the run while this one waited for the lock."""


def start_import(actor: User, run: ImportRun) -> None:
    """Queue the import once the request is stored; without a worker it runs at once."""
    if run.repeat_of_id is not None:
        raise ImportRefused(_("This file has been imported before; it is not imported again."))
    if not run.can_import:
        raise ImportRefused(_("This import cannot be started: please check the rows first."))
    _set(run, status=Status.QUEUED, progress=0, error="")
    transaction.on_commit(lambda: run_import.enqueue(run.pk))


@task()
def run_import(run_pk: int) -> None:
    execute(run_pk)


def progress_path(run_pk: int) -> Path:
    """Where a running import notes its progress: its rows are written in one
    transaction, which no other connection sees into until it ends."""
    return Path(settings.PRIVATE_MEDIA_ROOT) / "imports" / f"{int(run_pk)}.progress"


def read_progress(run: ImportRun) -> int:
    if run.status != Status.RUNNING:
        return run.progress
    try:
        return min(100, int(progress_path(run.pk).read_text()))
    except (OSError, ValueError):
        return 0


def _note_progress(run_pk: int, percent: int) -> None:
    path = progress_path(run_pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(str(percent))
    os.replace(partial, path)


def execute(run_pk: int, *, resume: bool = False, row_delay: float = 0.0) -> ImportRun:
    """Import a queued run, all rows or none. `resume` also takes a run left `running`
    by an interrupted process (`manage.py import_run`); `row_delay` slows each row (for
    tests of an interruption)."""
    run = ImportRun.objects.select_related("office", "created_by").get(pk=run_pk)
    allowed = (Status.QUEUED, Status.RUNNING) if resume else (Status.QUEUED,)
    if run.status not in allowed:
        return run
    _set(run, status=Status.RUNNING, progress=0)
    _note_progress(run.pk, 0)
    try:
        with transaction.atomic():
            _import(run, row_delay)
    except _AlreadyImported:
        pass  # the other process has set the outcome; it stays
    except ImportRefused as refusal:
        failed: dict[str, Any] = {"report": refusal.report} if refusal.report else {}
        _set(run, status=Status.FAILED, error=str(refusal), finished_at=timezone.now(), **failed)
    except Exception as error:
        _set(run, status=Status.FAILED, error=repr(error)[:2000], finished_at=timezone.now())
        raise
    finally:
        progress_path(run.pk).unlink(missing_ok=True)
    run.refresh_from_db()
    return run


def _import(run: ImportRun, row_delay: float) -> None:
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != Status.RUNNING or locked.rows is None:
        raise _AlreadyImported
    earlier = earlier_import(run.office, run.kind, run.source_sha256, exclude=run.pk)
    if earlier is not None:
        raise ImportRefused(_("This file has been imported before; it is not imported again."))
    actor = run.created_by
    checked = plan(actor, run)
    counts = checked.counts()
    if counts[ERROR]:
        raise ImportRefused(_("Some rows have errors; nothing was imported."), checked.report())
    created = 0
    total = len(checked.rows)
    for done, row in enumerate(checked.rows, start=1):
        if row.outcome in (NEW, PROBABLE) and row.record is not None:
            _write(actor, run, row)
            created += 1
        if row_delay:
            time.sleep(row_delay)
        if done % max(1, total // 100) == 0 or done == total:
            _note_progress(run.pk, round(100 * done / total))
    run.status, run.progress, run.finished_at = Status.DONE, 100, timezone.now()
    run.counts = {"created": created, "duplicates": counts[EXACT], "probable": counts[PROBABLE]}
    run.report, run.rows, run.purged_at = checked.report(), None, timezone.now()
    run.error = ""
    audited_save(actor, run, personal=True, action="imports.run.imported", data=run.counts)


def _write(actor: User, run: ImportRun, row: Row) -> None:
    if isinstance(row.record, Client):
        save_client(actor, row.record, data={"import": run.pk})
    elif isinstance(row.record, Contact):
        log_contact(actor, row.record, row.topics)


def _set(run: ImportRun, **values: Any) -> None:
    for name, value in values.items():
        setattr(run, name, value)
    ImportRun.objects.filter(pk=run.pk).update(**values)


# --- Keeping the cells only as long as needed ------------------------------------------


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the cells of files uploaded longer ago than IMPORT_KEEP_HOURS (the counts
    and the outcome per line stay)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.IMPORT_KEEP_HOURS)
    stale = ImportRun.objects.filter(created_at__lt=cutoff, rows__isnull=False).exclude(
        status__in=(Status.QUEUED, Status.RUNNING)
    )
    purged = 0
    for run in stale:
        with transaction.atomic():
            ImportRun.objects.filter(pk=run.pk).update(rows=None, purged_at=now)
            audit.record(None, "imports.run.purged", run)
        purged += 1
    return purged
