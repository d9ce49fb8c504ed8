"""Imports of client lists and contact logs: the guess, the check, all or nothing,
idempotence, bad files, access and the audit trail."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import TestCase

from lotse.clients import services as clients
from lotse.clients.models import Client
from lotse.core.models import AuditEvent
from lotse.counselling.models import Contact
from lotse.imports import services
from lotse.imports.fields import guess
from lotse.imports.models import ImportRun
from tests.imports.fixtures import CLIENT_CSV, add_import, csv_file, xlsx_bytes, xlsx_file

pytestmark = pytest.mark.django_db


def last_event():
    return AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)[0]


def events_since(sequence):
    return list(
        AuditEvent.objects.filter(sequence__gt=sequence)
        .order_by("sequence")
        .values_list("action", "object_type", "object_id")
    )


def upload_and_check(world, file, kind="clients", user=None):
    user = user or world.counsellor_a
    run = services.upload(user, world.office_a, kind, file)
    return services.check(user, run, run.mapping)


def import_now(run):
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.start_import(run.created_by, run)
    run.refresh_from_db()
    return run


def test_the_mapping_is_guessed_from_german_and_english_column_names():
    header = [
        "Vorname",
        "NACHNAME",
        "Geburtsdatum (TT.MM.JJJJ)",
        "Staatsangehörigkeit",
        "Tel.",
        "BAMF-Aktenzeichen",
        "Bemerkung",
        "E-Mail",
        "Einreisedatum",
        "Geschlecht",
    ]
    assert guess("clients", header) == {
        "0": "given_names",
        "1": "family_name",
        "2": "birth_date",
        "3": "nationalities",
        "4": "phone",
        "5": "bamf_file_number",
        "7": "email",
        "8": "entry_date",
        "9": "sex",
    }
    english = ["First name", "Last name", "Date of birth", "Nationality", "Phone", "File number"]
    assert list(guess("clients", english).values()) == [
        "given_names",
        "family_name",
        "birth_date",
        "nationalities",
        "phone",
        "bamf_file_number",
    ]
    contacts = ["Klient-Nr.", "Datum", "Beratungsart", "Dauer (Minuten)", "Themen", "Notiz"]
    assert list(guess("contacts", contacts).values()) == [
        "client",
        "date",
        "kind",
        "duration",
        "topics",
        "note",
    ]


def messy_workbook():
    """A client list as offices keep them: a title row, empty rows, a nationality merged
    down three rows, dates as date cells, Excel serials, German text and only a year, a
    formula with its stored result."""
    rows = [
        ["Klientenliste 2024", None, None, None, None, None],
        [],
        ["Vorname", "Nachname", "Geburtsdatum", "Staatsangehörigkeit", "Einreise", "Telefon"],
        ["Amina", "Yusuf", dt.date(1992, 3, 14), "Somalia", 45292, "0151 111111"],
        [],
        ["Dawit", "Tesfaye", 1988, "ER", "01.02.2016", None],
        ["Hiwet", "Tesfaye", "33238", None, None, None],
        ["Samira", None, "00.05.2001", None, None, None],
        [None, None, None, None, None, None],
    ]
    return xlsx_bytes(
        rows,
        merged=["D6:D8"],
        formulas={"B8": ('=UPPER("Haddad")', "HADDAD")},
    )


def test_a_messy_spreadsheet_is_checked_and_imported(world, client_for):
    browser = client_for(world.counsellor_a)
    response = browser.post(
        "/imports/",
        {"office": world.office_a.pk, "kind": "clients", "file": xlsx_file(messy_workbook())},
    )
    run = ImportRun.objects.get()
    assert response["Location"] == f"/imports/{run.pk}/columns/"
    assert run.header[0] == "Vorname" and run.row_count == 4
    form = browser.get(response["Location"]).context["form"]
    posted = {name: form[name].initial or "" for name in form.fields}
    response = browser.post(f"/imports/{run.pk}/columns/", posted)
    assert response.status_code == 302, response.content.decode()[:3000]
    run.refresh_from_db()
    assert run.status == "checked"
    assert run.report["counts"] == {"new": 4, "exact": 0, "probable": 0, "error": 0}
    before = last_event()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = browser.post(f"/imports/{run.pk}/start/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "done", run.error
    assert run.counts == {"created": 4, "duplicates": 0, "probable": 0}
    assert run.rows is None  # the file's cells are gone once imported
    amina = Client.objects.get(given_names="Amina")
    assert (amina.birth_year, amina.birth_month, amina.birth_day) == (1992, 3, 14)
    assert amina.nationalities == ["SO"] and amina.entry_date == dt.date(2024, 1, 1)
    dawit, hiwet = Client.objects.filter(family_name="Tesfaye").order_by("given_names")
    assert (dawit.birth_year, dawit.birth_month) == (1988, None)
    assert dawit.entry_date == dt.date(2016, 2, 1)
    assert hiwet.nationalities == ["ER"]  # merged down from the cell above
    assert (hiwet.birth_year, hiwet.birth_month, hiwet.birth_day) == (1990, 12, 31)
    samira = Client.objects.get(given_names="Samira")
    assert samira.family_name == "HADDAD" and samira.nationalities == ["ER"]
    assert (samira.birth_year, samira.birth_month, samira.birth_day) == (2001, 5, None)
    created = [e for e in events_since(before) if e[0] == "clients.client.created"]
    assert len(created) == 4 and {e[2] for e in created} == {
        str(c.pk) for c in (amina, dawit, hiwet, samira)
    }
    assert [e[0] for e in events_since(before)][-1] == "imports.run.imported"
    page = browser.get(f"/imports/{run.pk}/").content.decode()
    assert "4 neue Datensätze" in page


def test_the_report_sorts_rows_into_new_duplicates_probable_and_errors(world, client_for):
    clients.save_client(
        world.counsellor_a,
        Client(
            office=world.office_a,
            given_names="Amina",
            family_name="Yusuf",
            birth_year=1992,
            birth_month=3,
            birth_day=14,
        ),
    )
    clients.save_client(
        world.counsellor_a,
        Client(
            office=world.office_a,
            given_names="Dawit",
            family_name="Kidane",
            bamf_file_number="7654321-438",
        ),
    )
    text = (
        "Vorname;Nachname;Geburtsdatum;Staatsangehörigkeit;Aktenzeichen\n"
        "AMINA;Yusuf;14.03.1992;SO;\n"  # same name and date of birth
        "Dawit;Tesfaye;1988;ER;7654321-438\n"  # same BAMF file number
        "Mohamed;Al Hassan;1990;SY;\n"  # like client A: probable
        "Lina;Haddad;31.02.1990;XX;\n"  # no such day, no such country
        "Omar;Haddad;2001;SY;\n"  # new
        "Omar;Haddad;12.12.2001;SY;\n"
        "Omar;Haddad;12.12.2001;SY;\n"  # the same person twice in the file
    )
    run = upload_and_check(world, csv_file(text))
    outcomes = [(row["line"], row["outcome"]) for row in run.report["rows"]]
    assert outcomes == [
        (2, "exact"),
        (3, "exact"),
        (4, "probable"),
        (5, "error"),
        (6, "new"),
        (7, "new"),
        (8, "exact"),
    ]
    rows = {row["line"]: row for row in run.report["rows"]}
    assert rows[4]["candidate"] == world.client_a.pk
    assert [cell for cell, _message in rows[5]["problems"]] == ["C5", "D5"]
    assert "31.02.1990" in rows[5]["problems"][0][1]
    assert "Zeile 7" in rows[8]["problems"][0][1]
    before = last_event()
    response = client_for(world.counsellor_a).get(f"/imports/{run.pk}/")
    page = response.content.decode()
    assert "Zelle C5" in page and "Mohammed Al-Hassan" in page
    assert f"/imports/{run.pk}/start/" not in page  # no import while a row has errors
    listed = [e for e in events_since(before) if e[0] == "clients.client.listed"]
    assert len(listed) == 1
    assert AuditEvent.objects.get(sequence__gt=before, action="clients.client.listed").data["ids"]
    with pytest.raises(services.ImportRefused):
        services.start_import(world.counsellor_a, run)


def test_a_file_goes_in_whole_or_not_at_all(world):
    text = CLIENT_CSV + "Lina;Haddad;2001;SY;;\n"
    run = upload_and_check(world, csv_file(text))
    count, before = Client.objects.count(), last_event()
    real_save = clients.save_client
    calls = []

    def failing_save(actor, client, **kwargs):
        calls.append(client)
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        return real_save(actor, client, **kwargs)

    with mock.patch("lotse.imports.services.save_client", failing_save):
        import_now(run)  # the task fails (and says so in its log); the run says why
    run.refresh_from_db()
    assert run.status == "failed" and "disk is full" in run.error
    assert Client.objects.count() == count
    assert [e[0] for e in events_since(before)] == []
    # A row that turned bad since the check (a record with the same file number was
    # entered in between) stops the whole import too, with the reason.
    run.status = "checked"
    run.save()
    import_now(run)
    assert run.status == "done" and run.counts["created"] == 3


def test_the_check_is_made_again_when_importing(world):
    run = upload_and_check(world, csv_file(CLIENT_CSV))
    world.client_a.bamf_file_number = "7654321-438"
    clients.save_client(world.counsellor_a, world.client_a)
    run = import_now(run)
    assert run.status == "done"
    assert run.counts == {"created": 1, "duplicates": 1, "probable": 0}


def test_the_same_file_again_creates_nothing(world, client_for):
    first = import_now(upload_and_check(world, csv_file(CLIENT_CSV)))
    assert first.counts["created"] == 2
    count = Client.objects.count()
    again = upload_and_check(world, csv_file(CLIENT_CSV, name="copy.csv"))
    assert again.repeat_of == first and not again.can_import
    page = client_for(world.counsellor_a).get(f"/imports/{again.pk}/").content.decode()
    assert "nicht noch einmal importiert" in page
    with pytest.raises(services.ImportRefused):
        services.start_import(world.counsellor_a, again)
    # The same rows in another file: every row is recognised and nothing is created.
    edited = upload_and_check(world, csv_file(CLIENT_CSV + "\n", name="edited.csv"))
    assert edited.repeat_of is None
    assert edited.report["counts"] == {"new": 0, "exact": 2, "probable": 0, "error": 0}
    edited = import_now(edited)
    assert edited.counts == {"created": 0, "duplicates": 2, "probable": 0}
    assert Client.objects.count() == count
    # A queued run started twice (two workers) imports once.
    assert services.execute(edited.pk).status == "done"


def test_windows_1252_and_bom_files_import_the_same_names(world):
    text = "Vorname;Nachname;Geburtsdatum\nJürgen;Öztürk;1975\n"
    for encoding, name in (("cp1252", "ansi.csv"), ("utf-8-sig", "bom.csv")):
        run = upload_and_check(world, csv_file(text, name=name, encoding=encoding))
        assert run.source_format in ("Windows-1252", "UTF-8 (BOM)")
        assert run.rows == [[2, ["Jürgen", "Öztürk", "1975"]]]
        run = import_now(run)
        expected = {"created": 1, "duplicates": 0, "probable": 0}
        if encoding == "utf-8-sig":  # the second file: the same person, a probable duplicate
            expected = {"created": 1, "duplicates": 0, "probable": 1}
        assert run.counts == expected
    assert Client.objects.filter(given_names="Jürgen", family_name="Öztürk").count() == 2


def test_a_contact_log_is_imported_with_clients_found_by_number_or_file_number(world):
    world.client_a.bamf_file_number = "1234567-123"
    clients.save_client(world.counsellor_a, world.client_a)
    text = (
        "Klient;Datum;Art;Dauer;Themen;Notiz\n"
        f"{world.client_a.pk};45292;Erstberatung;45;Wohnen, Arbeit;Termin beim Jobcenter\n"
        "1234567-123;03.01.2024;folgeberatung;30;wohnen;\n"
        f"{world.case_client_a.pk};04.01.2024;Folgeberatung;20;Wohnen;\n"
    )
    run = upload_and_check(world, csv_file(text, name="contacts.csv"), kind="contacts")
    assert run.report["counts"] == {"new": 3, "exact": 0, "probable": 0, "error": 0}
    before = last_event()
    run = import_now(run)
    assert run.counts["created"] == 3
    first = Contact.objects.get(client=world.client_a, date=dt.date(2024, 1, 1))
    assert first.kind.code == "erstberatung" and first.duration_minutes == 45
    assert {t.code for t in first.topics.all()} == {"wohnen", "arbeit"}
    assert first.note == "Termin beim Jobcenter" and first.counsellor == world.counsellor_a
    assert first.channel.code == "persoenlich"
    created = [e for e in events_since(before) if e[0] == "counselling.contact.created"]
    assert len(created) == 3
    # The same contacts again, in another file: already recorded.
    again = upload_and_check(world, csv_file(text + "\n", name="again.csv"), kind="contacts")
    assert again.report["counts"]["exact"] == 3


def test_contact_rows_with_errors_name_their_cells(world):
    text = (
        "Klient;Datum;Art;Dauer;Themen\n"
        "999999;01.01.2024;Erstberatung;45;Wohnen\n"
        f"{world.client_a.pk};2024;Plauderei;viel;Wetter\n"
        f"{world.client_a.pk};01.01.2099;Erstberatung;45;Wohnen\n"
    )
    run = upload_and_check(world, csv_file(text, name="contacts.csv"), kind="contacts")
    rows = {row["line"]: row for row in run.report["rows"]}
    assert [cell for cell, _ in rows[2]["problems"]] == ["A2"]
    assert [cell for cell, _ in rows[3]["problems"]] == ["B3", "C3", "D3", "E3"]
    assert rows[4]["problems"][0][0] == "B4"  # in the future
    assert run.report["counts"]["error"] == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04not a zip at all", "keine lesbare Excel-Arbeitsmappe"),
        (b"\x00\x01binary\x00" * 50, "keine CSV-Textdatei"),
        (b"Vorname;Nachname\n", "keine Zeilen"),
        (b"Vorname;Nachname\n=1+1;B\n", "Zelle A2"),
    ],
)
def test_bad_files_are_refused_with_a_german_message_and_nothing_stored(
    world, client_for, data, message
):
    browser = client_for(world.counsellor_a)
    before = last_event()
    file = csv_file(data.decode("latin-1"), encoding="latin-1")
    response = browser.post(
        "/imports/", {"office": world.office_a.pk, "kind": "clients", "file": file}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ImportRun.objects.count() == 0 and events_since(before) == []


def test_the_size_and_row_limits(world, client_for, settings):
    settings.IMPORT_MAX_ROWS = 3
    browser = client_for(world.counsellor_a)
    text = "Vorname;Nachname\n" + "A;B\n" * 4
    response = browser.post(
        "/imports/", {"office": world.office_a.pk, "kind": "clients", "file": csv_file(text)}
    )
    assert "mehr als 3 Zeilen" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 10
    response = browser.post(
        "/imports/", {"office": world.office_a.pk, "kind": "clients", "file": csv_file(text)}
    )
    assert "größer als 0 MB" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_only_the_office_roles_of_the_office_reach_an_import(world, client_for):
    run = add_import(world)
    for user in (world.counsellor_a, world.team_lead_a):
        browser = client_for(user)
        assert browser.get("/imports/").status_code == 200
        assert browser.get(f"/imports/{run.pk}/").status_code == 200
        assert browser.get(f"/imports/{run.pk}/columns/").status_code == 200
    for user in (world.coordinator_a, world.district_a, world.state_bw, world.admin):
        assert client_for(user).get("/imports/").status_code == 404
    for user in world.outsiders:
        browser = client_for(user)
        for url in (f"/imports/{run.pk}/", f"/imports/{run.pk}/columns/"):
            assert browser.get(url).status_code == 404
        assert browser.post(f"/imports/{run.pk}/start/").status_code == 404
    # Another organisation's office cannot be chosen for an upload.
    response = client_for(world.counsellor_b).post(
        "/imports/",
        {"office": world.office_a.pk, "kind": "clients", "file": csv_file(CLIENT_CSV)},
    )
    assert response.status_code == 200 and ImportRun.objects.count() == 1


def test_a_user_of_two_offices_chooses_the_office(world, client_for):
    from lotse.organisations import services as org
    from lotse.organisations.models import Role

    org.add_membership(None, world.counsellor_a, Role.COUNSELLOR, world.office_a2)
    form = client_for(world.counsellor_a).get("/imports/").context["form"]
    assert set(form.fields["office"].queryset) == {world.office_a, world.office_a2}


def test_the_mapping_needs_the_required_fields_once(world, client_for):
    run = add_import(world)
    browser = client_for(world.counsellor_a)
    response = browser.post(
        f"/imports/{run.pk}/columns/", {"column_0": "given_names", "column_1": "given_names"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "nur einer Spalte" in page
    response = browser.post(f"/imports/{run.pk}/columns/", {"column_0": "given_names"})
    assert "Wählen Sie eine Spalte für: Familienname" in response.content.decode()


def test_the_cells_of_a_file_not_imported_are_deleted_after_a_day(world):
    run = add_import(world)
    assert services.purge_expired() == 0
    later = run.created_at + dt.timedelta(hours=25)
    assert services.purge_expired(now=later) == 1
    run.refresh_from_db()
    assert run.rows is None and run.purged_at == later and not run.can_import
    assert AuditEvent.objects.filter(action="imports.run.purged").count() == 1


def test_progress_is_shown_while_running(world, client_for):
    run = add_import(world)
    run.status = "running"
    run.save()
    services._note_progress(run.pk, 42)
    response = client_for(world.counsellor_a).get(f"/imports/{run.pk}/", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'value="42"' in page and "hx-get" in page and "<main" not in page
    # Done: the poll makes htmx reload the whole page, which shows the outcome.
    run.status = "done"
    run.save()
    done = client_for(world.counsellor_a).get(f"/imports/{run.pk}/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true" and done.content == b""
