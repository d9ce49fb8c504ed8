import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lotse.clients import queries, services
from lotse.clients.models import (
    Client,
    ClientLanguage,
    ClientNameKey,
    Consent,
    Document,
    HouseholdMember,
)
from lotse.core.models import AuditEvent, Term
from lotse.counselling.models import Contact
from lotse.network import services as network
from lotse.network.models import FollowUp
from tests.conftest import PNG

pytestmark = pytest.mark.django_db


def term(vocabulary, code):
    return Term.objects.get(vocabulary=vocabulary, code=code)


def contact_posted(**changes):
    """What the file's contact form sends for a short telephone call about housing."""
    return {
        "kind": term("contact_kind", "kurzberatung").pk,
        "date": timezone.localdate().isoformat(),
        "duration_minutes": "20",
        "channel": term("channel", "telefonisch").pk,
        "topics": [term("topic", "wohnen").pk],
        "interpreting": term("interpreting", "none").pk,
        **changes,
    }


def intake(client, **overrides):
    data = {
        "given_names": "Yusuf",
        "family_name": "Haddad",
        "birth_year": "1985",
        "sex": "male",
        "nationality": "SY",
        "consent-record": "on",
        "consent-purpose": "Beratung und Dokumentation",
        "consent-recipients": "die Beratungsstelle",
        "consent-given_on": timezone.localdate().isoformat(),
        "consent-form": "written",
    }
    data.update(overrides)
    return client.post("/clients/new/", data)


def test_intake_registers_client_and_consent(world, client_for):
    response = intake(client_for(world.counsellor_a))
    client = Client.objects.get(family_name="Haddad")
    assert response.status_code == 302 and response["Location"] == f"/clients/{client.pk}/"
    assert client.office == world.office_a and client.nationalities == ["SY"]
    consent = client.consents.get()
    assert consent.in_force() and consent.recorded_by == world.counsellor_a
    assert ClientNameKey.objects.filter(client=client).exists()
    event = AuditEvent.objects.get(action="clients.client.created", object_id=str(client.pk))
    assert event.office_id == world.office_a.pk
    assert "Haddad" not in str(event.changes) and "Haddad" not in event.object_label


def test_intake_shows_likely_duplicates_before_saving(world, client_for):
    browser = client_for(world.counsellor_a)
    response = intake(browser, given_names="Muhammad", family_name="Alhasan", birth_year="1990")
    assert response.status_code == 200
    assert [h.client for h in response.context["duplicates"]] == [world.client_a]
    assert not Client.objects.filter(family_name="Alhasan").exists()
    # Everything typed is still there.
    page = response.content.decode()
    assert 'value="Muhammad"' in page and 'value="Alhasan"' in page
    response = intake(
        browser, given_names="Muhammad", family_name="Alhasan", birth_year="1990", confirm_new="1"
    )
    assert response.status_code == 302
    assert Client.objects.filter(family_name="Alhasan").exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("birth_year", str(timezone.localdate().year + 1)),
        ("birth_year", "1850"),
        ("given_names", "x" * 2000),
        ("entry_date", (timezone.localdate() + dt.timedelta(days=3)).isoformat()),
        ("bamf_file_number", "12-3"),
        ("email", "not-an-address"),
    ],
)
def test_bad_input_is_explained_and_kept(world, client_for, field, value):
    response = intake(client_for(world.counsellor_a), **{field: value, "family_name": "Bakr"})
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert 'value="Bakr"' in response.content.decode()
    assert not Client.objects.filter(family_name="Bakr").exists()


def test_a_day_that_does_not_exist_is_refused(world, client_for):
    response = intake(
        client_for(world.counsellor_a), birth_day="31", birth_month="2", birth_year="1990"
    )
    assert "birth_day" in response.context["form"].errors


def test_markup_and_right_to_left_text_are_stored_and_escaped(world, client_for):
    browser = client_for(world.counsellor_a)
    intake(browser, given_names="<script>alert(1)</script>", family_name="حداد 🙂", confirm_new="1")
    client = Client.objects.get(family_name="حداد 🙂")
    page = browser.get(f"/clients/{client.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "حداد 🙂" in page


def test_search_finds_any_spelling(world, client_for):
    browser = client_for(world.counsellor_a)
    for query in ["Muhammad Alhasan", "mohamed al hassan", "Al-Hassan", "03.1990", "0157 1234567"]:
        response = browser.get("/clients/", {"q": query})
        assert [h.client for h in response.context["hits"]] == [world.client_a], query
    response = browser.get("/clients/", {"q": "Moham"}, headers={"HX-Request": "true"})
    assert response.templates[0].name == "clients/_results.html"
    assert world.client_a in [h.client for h in response.context["hits"]]
    assert AuditEvent.objects.filter(action="clients.client.listed").exists()


def test_search_stays_within_the_users_offices(world, client_for):
    assert queries.search(world.counsellor_b, "Mohammed Al-Hassan") == []
    assert client_for(world.counsellor_b).get(f"/clients/{world.client_a.pk}/").status_code == 404
    for user in (world.coordinator_a, world.district_a, world.state_bw, world.admin):
        assert client_for(user).get("/clients/", {"q": "Al-Hassan"}).status_code == 404


def test_reading_the_file_is_audited(world, client_for):
    response = client_for(world.team_lead_a).get(f"/clients/{world.client_a.pk}/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        action="clients.client.viewed.file",
        actor_id=world.team_lead_a.pk,
        object_id=str(world.client_a.pk),
    ).exists()


def test_log_a_contact_from_the_file(world, client_for):
    browser = client_for(world.counsellor_a)
    response = browser.post(
        f"/clients/{world.client_a.pk}/contacts/",
        contact_posted(
            topics=[term("topic", "sgb2").pk, term("topic", "wohnen").pk],
            language="ar",
            household_members=[world.child_a.pk],
        ),
    )
    assert response.status_code == 302
    contact = Contact.objects.get(client=world.client_a)
    assert contact.office == world.office_a and contact.counsellor == world.counsellor_a
    assert {t.code for t in contact.topics.all()} == {"sgb2", "wohnen"}
    assert list(contact.household_members.all()) == [world.child_a]


def test_the_files_contact_form_offers_the_household_and_the_best_spoken_language(
    world, client_for
):
    for language, level in (("de", "A1"), ("ar", "native"), ("en", "B1")):
        services.save_record(
            world.counsellor_a,
            ClientLanguage(client=world.client_a, language=language, level=level),
        )
    with CaptureQueriesContext(connection) as captured:
        response = client_for(world.counsellor_a).get(f"/clients/{world.client_a.pk}/")
    form = response.context["contact_form"]
    assert form.initial["language"] == "ar"  # a first language before B1 and A1
    assert f'value="{world.child_a.pk}"' in str(form["household_members"])
    # The file and its form read the household and the languages once between them.
    for table in ("clients_householdmember", "clients_clientlanguage"):
        of_the_client = re.compile(
            rf'FROM "{table}" .*WHERE "{table}"."client_id" (= |IN \(){world.client_a.pk}\b'
        )
        assert len([q for q in captured.captured_queries if of_the_client.search(q["sql"])]) == 1


def test_a_contact_with_someone_elses_household_member_is_refused(world, client_for):
    stranger = services.save_record(
        world.counsellor_a,
        HouseholdMember(
            client=world.case_client_a, relation=HouseholdMember.Relation.CHILD, birth_year=2018
        ),
    )
    response = client_for(world.counsellor_a).post(
        f"/clients/{world.client_a.pk}/contacts/", contact_posted(household_members=[stranger.pk])
    )
    assert response.status_code == 422
    assert "household_members" in response.context["contact_form"].errors
    assert not Contact.objects.filter(client=world.client_a).exists()


def test_the_recent_list_asks_as_many_queries_for_more_clients(world, client_for):
    browser = client_for(world.counsellor_a)

    def queries_with_a_contact_for(client):
        response = browser.post(f"/clients/{client.pk}/contacts/", contact_posted())
        assert response.status_code == 302
        with CaptureQueriesContext(connection) as captured:
            recent = browser.get("/clients/").context["recent"]
        return len(recent), len(captured)

    one, queries_for_one = queries_with_a_contact_for(world.client_a)
    two, queries_for_two = queries_with_a_contact_for(world.case_client_a)
    assert (one, two) == (1, 2)
    assert queries_for_two == queries_for_one


@pytest.mark.parametrize(
    "named, organisation, covered",
    [
        ("Diakonie", "Diakonie Ludwigsburg, Schuldnerberatung", True),
        ("Diakonie  Ludwigsburg", "diakonie ludwigsburg", True),
        ("Frau Anna Schmidt (Ehrenamt)", "Anna Schmidt", True),
        # Part of a word is not the organisation: a consent to "Amt" is not one to the
        # Landratsamt, nor one to "Caritas" to the Caritasverband, nor "e. V." to anyone.
        ("Amt", "Landratsamt Ludwigsburg", False),
        ("Caritas", "Caritasverband Stuttgart", False),
        ("e. V.", "Internationaler Bund e. V.", False),
        ("Jobcenter", "Agentur für Arbeit", False),
    ],
)
def test_a_consent_names_a_recipient_by_whole_words(named, organisation, covered):
    assert Consent(recipients=f"Beratungsstelle\n{named}").names_recipient(organisation) is covered


def test_a_contact_without_topic_or_in_the_future_is_refused_and_kept(world, client_for):
    response = client_for(world.counsellor_a).post(
        f"/clients/{world.client_a.pk}/contacts/",
        {
            "kind": term("contact_kind", "kurzberatung").pk,
            "date": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
            "duration_minutes": "20",
            "channel": term("channel", "telefonisch").pk,
            "note": "Rückruf wegen Jobcenter",
        },
    )
    assert response.status_code == 422
    errors = response.context["contact_form"].errors
    assert "topics" in errors and "date" in errors
    assert "Rückruf wegen Jobcenter" in response.content.decode()
    assert not Contact.objects.exists()


def test_anonymous_contact_and_group_session(world, client_for):
    browser = client_for(world.counsellor_a)
    common = {
        "office": world.office_a.pk,
        "date": timezone.localdate().isoformat(),
        "duration_minutes": "15",
        "channel": term("channel", "persoenlich").pk,
        "topics": [term("topic", "kurse").pk],
    }
    response = browser.post(
        "/contacts/anonymous/", {**common, "kind": term("contact_kind", "kurzberatung").pk}
    )
    assert response.status_code == 200 and "age_band" in response.context["form"].errors
    response = browser.post(
        "/contacts/anonymous/",
        {
            **common,
            "kind": term("contact_kind", "kurzberatung").pk,
            "age_band": "27-44",
            "sex": "female",
            "nationality": "AF",
        },
    )
    assert response.status_code == 302
    response = browser.post(
        "/contacts/group/",
        {**common, "kind": term("contact_kind", "gruppenberatung").pk, "participants": "12"},
    )
    assert response.status_code == 302
    assert Contact.objects.filter(client=None, age_band="27-44", nationality="AF").exists()
    assert Contact.objects.filter(client=None, participants=12).exists()
    response = browser.post(
        "/contacts/group/", {**common, "office": world.office_b.pk, "participants": "3"}
    )
    assert "office" in response.context["form"].errors


def test_consents_in_force_and_withdrawal(world, client_for):
    browser = client_for(world.counsellor_a)
    page = browser.get(f"/clients/{world.client_a.pk}/")
    assert set(page.context["consents_in_force"]) == {world.consent_a, world.sharing_consent_a}
    assert (
        browser.post(
            f"/clients/{world.client_a.pk}/consents/{world.consent_a.pk}/withdraw/"
        ).status_code
        == 302
    )
    world.consent_a.refresh_from_db()
    assert world.consent_a.withdrawn_on == timezone.localdate()
    assert not world.consent_a.in_force()
    assert AuditEvent.objects.filter(action="clients.consent.withdrawn").exists()


def test_adding_records_to_the_file(world, client_for):
    browser = client_for(world.counsellor_a)
    url = f"/clients/{world.client_a.pk}/add"
    status = term("residence_status", "ae_25_2")
    soon = timezone.localdate() + dt.timedelta(days=30)
    assert (
        browser.post(
            f"{url}/status/",
            {"status": status.pk, "valid_from": "2024-01-01", "valid_until": soon.isoformat()},
        ).status_code
        == 302
    )
    assert (
        browser.post(
            f"{url}/language/", {"language": "ar", "level": "native", "interpreter_needed": "on"}
        ).status_code
        == 302
    )
    response = browser.post(
        f"{url}/status/",
        {"status": status.pk, "valid_from": "2024-01-01", "valid_until": "2023-01-01"},
    )
    assert "valid_until" in response.context["form"].errors
    response = browser.post(f"{url}/household/", {"relation": "child"})
    assert response.context["form"].non_field_errors()
    page = browser.get(f"/clients/{world.client_a.pk}/")
    assert page.context["current_status"].expires_soon
    assert "läuft bald ab" in page.content.decode()
    assert browser.get(f"{url}/nonsense/").status_code == 404


def test_documents_are_checked_by_content_and_downloads_audited(world, client_for, settings):
    browser = client_for(world.counsellor_a)
    url = f"/clients/{world.client_a.pk}/documents/"
    fake = SimpleUploadedFile(
        "bescheid.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf"
    )
    response = browser.post(url, {"title": "Bescheid", "file": fake})
    assert response.status_code == 422 and "file" in response.context["document_form"].errors
    settings.MAX_UPLOAD_BYTES = 100
    big = SimpleUploadedFile("big.png", PNG + b"\0" * 200, content_type="image/png")
    assert browser.post(url, {"title": "Groß", "file": big}).status_code == 422
    settings.MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    pdf = SimpleUploadedFile(
        "a.exe",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        content_type="application/octet-stream",
    )
    # Polyglots: a real image or PDF that also carries a web page or a script action.
    for name, content in [
        ("foto.png", PNG + b"<html><script>alert(1)</script></html>"),
        ("foto.png", PNG + b"<svg onload=alert(1)>"),
        (
            "brief.pdf",
            b"%PDF-1.4\n1 0 obj\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
        ),
        ("brief.pdf", b"%PDF-1.4\n1 0 obj\n<< /S /Launch /F (cmd.exe) >>\nendobj\n"),
    ]:
        refused = browser.post(
            url, {"title": "Polyglott", "file": SimpleUploadedFile(name, content)}
        )
        assert refused.status_code == 422, name
        assert "Skript" in str(refused.context["document_form"].errors["file"])
    assert not Document.objects.filter(title="Polyglott").exists()
    assert browser.post(url, {"title": "Ausweis", "file": pdf}).status_code == 302
    document = Document.objects.get(title="Ausweis")
    assert document.content_type == "application/pdf"
    assert re.fullmatch(r"documents/[0-9a-f]{32}", str(document.file.name))  # reveals nothing
    response = browser.get(f"/clients/{world.client_a.pk}/documents/{document.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action="clients.document.downloaded", object_id=str(document.pk)
    ).exists()
    assert (
        client_for(world.counsellor_b)
        .get(f"/clients/{world.client_a.pk}/documents/{document.pk}/")
        .status_code
        == 404
    )


def test_working_notes_are_seen_by_their_author_only(world, client_for):
    client_for(world.counsellor_a).post(
        f"/clients/{world.client_a.pk}/notes/", {"text": "Wirkt erschöpft"}
    )
    assert (
        "Wirkt erschöpft"
        in client_for(world.counsellor_a).get(f"/clients/{world.client_a.pk}/").content.decode()
    )
    assert (
        "Wirkt erschöpft"
        not in client_for(world.team_lead_a).get(f"/clients/{world.client_a.pk}/").content.decode()
    )


def test_team_lead_merges_a_duplicate(world, client_for):
    duplicate = services.save_client(
        world.counsellor_a,
        Client(
            office=world.office_a,
            given_names="Muhammad",
            family_name="Alhasan",
            birth_year=1990,
            bamf_file_number="1234567-423",
        ),
    )
    services.save_record(
        world.counsellor_a, HouseholdMember(client=duplicate, relation="partner", given_name="Noor")
    )
    services.save_record(
        world.counsellor_a,
        Consent(
            client=duplicate,
            purpose="Weitergabe an Jobcenter",
            recipients="Jobcenter",
            given_on=dt.date(2026, 2, 1),
            form="oral",
            recorded_by=world.counsellor_a,
        ),
    )
    network.save_follow_up(
        world.counsellor_a,
        FollowUp(
            client=duplicate,
            due_on=dt.date(2026, 5, 4),
            note="Rückruf",
            assigned_to=world.counsellor_a,
        ),
    )
    assert (
        client_for(world.counsellor_a, confirmed=True)
        .get(f"/clients/{world.client_a.pk}/merge/")
        .status_code
        == 404
    )
    browser = client_for(world.team_lead_a, confirmed=True)
    page = browser.get(f"/clients/{world.client_a.pk}/merge/")
    assert [h.client for h in page.context["hits"]] == [duplicate]
    response = browser.post(
        f"/clients/{world.client_a.pk}/merge/",
        {"duplicate": duplicate.pk, "reason": "Gleicher Pass"},
    )
    assert response.status_code == 302
    survivor = Client.objects.get(pk=world.client_a.pk)
    # The world's client has two consents and a follow-up already; the duplicate's move.
    assert survivor.household.count() == 2 and survivor.consents.count() == 3
    assert survivor.follow_ups.count() == 2
    assert survivor.bamf_file_number == "1234567-423"
    assert "Muhammad Alhasan" in survivor.other_spellings
    assert Client.objects.get(pk=duplicate.pk).merged_into == survivor
    assert browser.get(f"/clients/{duplicate.pk}/").status_code == 404
    event = AuditEvent.objects.get(action="clients.client.merged")
    assert event.data["merged"] == duplicate.pk and event.data["moved"]["consents"] == 1
    assert event.data["reason"] == "Gleicher Pass"


def test_merging_needs_the_password_confirmed(world, client_for):
    duplicate = services.save_client(
        world.counsellor_a,
        Client(office=world.office_a, given_names="Muhammad", family_name="Alhasan"),
    )
    browser = client_for(world.team_lead_a)
    url = f"/clients/{world.client_a.pk}/merge/"
    confirm = f"/accounts/confirm/?next=%2Fclients%2F{world.client_a.pk}%2Fmerge%2F"
    assert browser.get(url).url == confirm
    response = browser.post(url, {"duplicate": duplicate.pk, "reason": "Gleicher Pass"})
    assert response.status_code == 302 and response.url == confirm
    assert Client.objects.get(pk=duplicate.pk).merged_into is None
    assert not AuditEvent.objects.filter(action="clients.client.merged").exists()
    # A counsellor (no team lead) and the other office's team lead get 404, not the page.
    assert client_for(world.counsellor_a).get(url).status_code == 404
    assert client_for(world.team_lead_b).get(url).status_code == 404


def test_partial_birth_dates(world):
    client = Client(office=world.office_a, given_names="A", family_name="B", birth_year=2001)
    assert client.birth_date_display == "2001"
    client.birth_month = 3
    assert client.birth_date_display == "03/2001"
    client.birth_day = 14
    assert client.birth_date_display == "14.03.2001"
    assert client.age_on(dt.date(2026, 3, 13)) == 24


@pytest.mark.parametrize(
    ("year", "month", "day", "field"),
    [
        ("9" * 40, "1", "1", "birth_year"),
        ("1990", "13", "1", "birth_month"),
        ("1990", "2", "30", "birth_day"),
        ("-5", "", "", "birth_year"),
    ],
)
def test_an_impossible_birth_date_is_refused_with_a_message(
    world, client_for, year, month, day, field
):
    response = client_for(world.counsellor_a).post(
        "/clients/new/",
        {
            "given_names": "Amina",
            "family_name": "Yusuf",
            "birth_year": year,
            "birth_month": month,
            "birth_day": day,
        },
    )
    assert response.status_code == 422 and field in response.context["form"].errors
    assert response.context["form"]["family_name"].value() == "Yusuf"  # kept as typed
    assert not Client.objects.filter(family_name="Yusuf").exists()


def test_a_group_session_without_participants_is_refused_with_a_message(world, client_for):
    response = client_for(world.counsellor_a).post(
        "/contacts/group/",
        {"office": world.office_a.pk, "date": "2026-11-30", "duration_minutes": "90"},
    )
    assert response.status_code in (200, 422)
    assert "participants" in response.context["form"].errors
