"""Encrypted text fields: what the database holds, what Python reads, wrong keys, the
data migration's functions, key rotation, and the refusal to start without a key."""

import datetime as dt
import importlib
import io
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from lotse.clients import services as clients
from lotse.clients.models import ProtectionNeed, WorkingNote
from lotse.core import fields
from lotse.core.fields import UndecryptableValue
from lotse.core.models import AuditEvent, Term
from lotse.counselling.models import Contact
from tests.conftest import logged_contact

pytestmark = pytest.mark.django_db

KEY_A, KEY_B = Fernet.generate_key().decode(), Fernet.generate_key().decode()
ROOT = Path(__file__).resolve().parent.parent.parent

# Each encrypted column: its model, field and table; the SQL reads and writes it
# behind the application's back.
COLUMNS = {
    "protection need": (ProtectionNeed, "note", "clients_protectionneed"),
    "working note": (WorkingNote, "text", "clients_workingnote"),
    "contact": (Contact, "note", "counselling_contact"),
}
ARABIC = "تعاني من كوابيس منذ الفرار، تحتاج إلى دعم نفسي"
UKRAINIAN = "Після обстрілу погано спить, потребує психологічної підтримки"
EMOJI = "Stimmung heute 🙂, Kind krank 🤒, Familie 👨‍👩‍👧"


def term(vocabulary, code):
    return Term.objects.get(vocabulary=vocabulary, code=code)


def protection_need(world, note):
    return clients.save_record(
        world.counsellor_a,
        ProtectionNeed(
            client=world.client_a,
            need=term("protection_need", "disability"),
            established_on=dt.date(2026, 1, 12),
            established_by="Hausärztin",
            note=note,
        ),
    )


def working_note(world, text):
    return clients.add_working_note(world.counsellor_a, world.client_a, text)


def contact(world, note):
    return logged_contact(world.counsellor_a, world.client_a, topic="psychosoziales", note=note)


MAKE = {"protection need": protection_need, "working note": working_note, "contact": contact}


def stored(kind, pk):
    _, name, table = COLUMNS[kind]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {name} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def store(kind, pk, value):
    _, name, table = COLUMNS[kind]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {name} = %s WHERE id = %s", [value, pk])  # noqa: S608


def read(kind, pk):
    model, name, _ = COLUMNS[kind]
    return getattr(model._default_manager.get(pk=pk), name)


@pytest.mark.parametrize("kind", COLUMNS)
def test_the_database_holds_ciphertext_and_python_the_text(world, kind):
    text = "Wirkt erschöpft, schläft schlecht seit dem Umzug"
    record = MAKE[kind](world, text)
    in_column = stored(kind, record.pk)
    assert in_column != text and "erschöpft" not in in_column and "Umzug" not in in_column
    assert fields.is_encrypted(in_column)
    assert read(kind, record.pk) == text
    # The audit event of the write says the field changed, never what it says.
    assert text not in str(AuditEvent.objects.latest("sequence").changes)


@pytest.mark.parametrize(
    "text", [ARABIC, UKRAINIAN, EMOJI, "", "Zeile 1\nZeile 2\r\n\tEinzug", "ü" * 100_000]
)
def test_round_trip(world, text):
    need = protection_need(world, text)
    assert read("protection need", need.pk) == text
    assert ProtectionNeed.objects.filter(pk=need.pk).values_list("note", flat=True)[0] == text


def test_blank_stays_blank_in_the_database(world):
    need = protection_need(world, "")
    assert stored("protection need", need.pk) == ""
    assert ProtectionNeed.objects.filter(note="").get() == need
    assert not ProtectionNeed.objects.exclude(note="").exists()


def test_each_write_gives_a_new_ciphertext(world):
    first, second = working_note(world, "Gleich"), working_note(world, "Gleich")
    assert stored("working note", first.pk) != stored("working note", second.pk)


def test_searching_the_text_is_refused_rather_than_finding_nothing(world):
    working_note(world, "Wirkt erschöpft")
    with pytest.raises(FieldError, match="icontains"):
        list(WorkingNote.objects.filter(text__icontains="erschöpft"))


@pytest.mark.parametrize(("kind", "limit"), [("working note", 5000), ("contact", 2000)])
def test_forms_still_refuse_text_over_the_length(kind, limit):
    model, name, _ = COLUMNS[kind]
    form_field = model._meta.get_field(name).formfield()
    assert form_field.clean("a" * limit) == "a" * limit
    with pytest.raises(ValidationError) as refused:
        form_field.clean("a" * (limit + 1))
    assert refused.value.error_list[0].code == "max_length"


def test_a_contact_with_a_too_long_note_is_refused(world, client_for):
    response = client_for(world.counsellor_a).post(
        f"/clients/{world.client_a.pk}/contacts/",
        {
            "kind": term("contact_kind", "kurzberatung").pk,
            "date": timezone.localdate().isoformat(),
            "duration_minutes": "20",
            "channel": term("channel", "telefonisch").pk,
            "topics": [term("topic", "wohnen").pk],
            "note": "a" * 2001,
        },
    )
    assert response.status_code == 422
    assert "note" in response.context["contact_form"].errors
    assert not Contact.objects.exists()


def test_a_wrong_key_is_a_clear_error(world, settings):
    settings.FIELD_KEYS = [KEY_A]
    note = working_note(world, "Nur mit Schlüssel A lesbar")
    settings.FIELD_KEYS = [KEY_B]
    with pytest.raises(UndecryptableValue, match=r"clients\.WorkingNote\.text: .*LOTSE_FIELD_KEYS"):
        read("working note", note.pk)
    settings.FIELD_KEYS = [KEY_B, KEY_A]
    assert read("working note", note.pk) == "Nur mit Schlüssel A lesbar"


def test_an_altered_or_plain_value_is_a_clear_error(world):
    need = protection_need(world, "Traumafolgestörung, Befund liegt vor")
    token = stored("protection need", need.pk)
    store("protection need", need.pk, token[:-8] + ("A" if token[-8] != "A" else "B") + token[-7:])
    with pytest.raises(UndecryptableValue, match=r"ProtectionNeed\.note"):
        read("protection need", need.pk)
    store("protection need", need.pk, "Klartext, nie verschlüsselt")
    with pytest.raises(UndecryptableValue, match=r"ProtectionNeed\.note"):
        read("protection need", need.pk)


def test_the_migration_functions_encrypt_plain_text_once_and_decrypt_it_back():
    token = fields.encrypt_if_plain(UKRAINIAN)
    assert fields.is_encrypted(token) and fields.decrypt(token) == UKRAINIAN
    assert fields.encrypt_if_plain(token) == token
    assert fields.encrypt_if_plain("") == ""
    assert fields.decrypt_if_encrypted(token) == UKRAINIAN
    assert fields.decrypt_if_encrypted(UKRAINIAN) == UKRAINIAN
    assert not fields.is_encrypted("gAAAAA ist kein Schlüssel, nur ein Wort am Anfang")


def test_the_migration_does_not_pass_a_token_it_cannot_decrypt(settings):
    settings.FIELD_KEYS = [KEY_A]
    token = fields.encrypt("Mit einem fremden Schlüssel")
    settings.FIELD_KEYS = [KEY_B]
    with pytest.raises(UndecryptableValue):
        fields.encrypt_if_plain(token)


def migration(app, name):
    return importlib.import_module(f"lotse.{app}.migrations.{name}")


def test_the_data_migrations_encrypt_plain_rows_and_leave_encrypted_ones(world):
    editor = SimpleNamespace(connection=connection)
    records = {kind: MAKE[kind](world, f"{kind}: schon verschlüsselt") for kind in COLUMNS}
    plain = {kind: MAKE[kind](world, "vorläufig") for kind in COLUMNS}
    for kind, record in plain.items():
        store(kind, record.pk, f"{kind}: aus der Zeit vor der Verschlüsselung")
    before = {kind: stored(kind, record.pk) for kind, record in records.items()}
    forwards = [
        migration("clients", "0004_encrypt_existing_notes"),
        migration("counselling", "0003_encrypt_existing_contact_notes"),
    ]
    for module in forwards:
        module.encrypt(apps, editor)
    for kind in COLUMNS:
        assert stored(kind, records[kind].pk) == before[kind]
        assert fields.is_encrypted(stored(kind, plain[kind].pk))
        assert read(kind, plain[kind].pk) == f"{kind}: aus der Zeit vor der Verschlüsselung"
    encrypted = {kind: stored(kind, plain[kind].pk) for kind in COLUMNS}
    for module in forwards:
        module.encrypt(apps, editor)  # again: nothing changes
    assert {kind: stored(kind, plain[kind].pk) for kind in COLUMNS} == encrypted
    for module in forwards:
        module.decrypt(apps, editor)
    for kind in COLUMNS:
        assert stored(kind, records[kind].pk) == f"{kind}: schon verschlüsselt"
        assert stored(kind, plain[kind].pk) == f"{kind}: aus der Zeit vor der Verschlüsselung"


def test_rewrite_works_in_batches(world, monkeypatch):
    monkeypatch.setattr(fields, "BATCH_SIZE", 2)
    notes = [working_note(world, f"Notiz {n}") for n in range(5)]
    for note in notes:
        store("working note", note.pk, f"Notiz {note.pk} im Klartext")
    assert fields.rewrite(WorkingNote, "text", fields.encrypt_if_plain) == 5
    assert [read("working note", note.pk) for note in notes] == [
        f"Notiz {note.pk} im Klartext" for note in notes
    ]


def rotate(*args):
    out = io.StringIO()
    call_command("rotate_field_key", *args, stdout=out)
    return out.getvalue()


def test_rotation_moves_every_row_to_the_new_key(world, settings):
    settings.FIELD_KEYS = [KEY_A]
    texts = {"protection need": ARABIC, "working note": UKRAINIAN, "contact": EMOJI}
    records = {kind: MAKE[kind](world, text) for kind, text in texts.items()}
    blank = protection_need(world, "")
    under_a = {kind: stored(kind, record.pk) for kind, record in records.items()}

    settings.FIELD_KEYS = [KEY_B, KEY_A]
    output = rotate("--dry-run")
    assert "clients.ProtectionNeed.note: would re-encrypt 1 rows" in output
    assert "clients.WorkingNote.text: would re-encrypt 1 rows" in output
    assert "counselling.Contact.note: would re-encrypt 1 rows" in output
    assert {kind: stored(kind, record.pk) for kind, record in records.items()} == under_a

    output = rotate()
    assert "clients.ProtectionNeed.note: re-encrypted 1 rows" in output
    assert "clients.WorkingNote.text: re-encrypted 1 rows" in output
    assert "counselling.Contact.note: re-encrypted 1 rows" in output
    assert stored("protection need", blank.pk) == ""
    # Run again, there is nothing left under the old key.
    assert all(line.endswith(": re-encrypted 0 rows") for line in rotate().splitlines())

    settings.FIELD_KEYS = [KEY_B]
    assert {kind: read(kind, record.pk) for kind, record in records.items()} == texts
    settings.FIELD_KEYS = [KEY_A]
    with pytest.raises(UndecryptableValue):
        read("working note", records["working note"].pk)


def test_rotation_stops_at_a_row_no_key_opens(world, settings):
    settings.FIELD_KEYS = [KEY_A]
    note = working_note(world, "Geschrieben mit Schlüssel A")
    settings.FIELD_KEYS = [KEY_B]
    with pytest.raises(UndecryptableValue, match=rf"clients\.WorkingNote\.text, row {note.pk}"):
        rotate()
    settings.FIELD_KEYS = [KEY_A]
    assert read("working note", note.pk) == "Geschrieben mit Schlüssel A"


def manage_check(tmp_path, **environment):
    """`manage.py check` as production starts it: a secret key, no debug, not under test."""
    env = {k: v for k, v in os.environ.items() if k not in {"LOTSE_DEBUG", "LOTSE_FIELD_KEYS"}}
    env |= {"LOTSE_SECRET_KEY": "s" * 50, "LOTSE_DATA_DIR": str(tmp_path), **environment}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_field_key(tmp_path):
    result = manage_check(tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set LOTSE_FIELD_KEYS" in result.stderr


def test_production_refuses_a_malformed_field_key_without_repeating_it(tmp_path):
    result = manage_check(tmp_path, LOTSE_FIELD_KEYS=f"{KEY_A},not-a-key-at-all")
    assert result.returncode != 0
    assert "LOTSE_FIELD_KEYS holds a value that is not a Fernet key" in result.stderr
    assert "not-a-key-at-all" not in result.stderr


def test_production_starts_with_field_keys(tmp_path):
    result = manage_check(tmp_path, LOTSE_FIELD_KEYS=f" {KEY_B}, {KEY_A} ")
    assert result.returncode == 0, result.stderr
