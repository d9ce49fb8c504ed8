"""Directory, referrals under consent, appointments and the calendar feed, follow-ups,
legal deadlines, Mein Tag and the team view."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from django.utils import timezone, translation
from icalendar import Calendar

from lotse.cases import queries as case_queries
from lotse.cases import services as cases
from lotse.cases.models import Case
from lotse.clients import services as clients
from lotse.clients.models import AsylumDecision, Consent, DecisionKind
from lotse.core.lib import tables
from lotse.core.models import AuditEvent, Term
from lotse.counselling.models import Contact
from lotse.network import queries, services
from lotse.network.models import Appointment, CalendarFeed, FollowUp, Referral, Service
from lotse.organisations.models import Programme, Role
from lotse.staffing.models import Position
from tests.conftest import confirm_password, logged_contact, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in the source language, whatever ran before."""
    with translation.override("en"):
        yield


def term(vocabulary, code):
    return Term.objects.get(vocabulary=vocabulary, code=code)


def referral(world, **fields):
    values = {
        "client": world.client_a,
        "service": world.service_a,
        "kind": Referral.Kind.REFERRAL,
        "purpose": "Schuldenregulierung",
        "made_on": timezone.localdate(),
        "status": Referral.Status.MADE,
        "counsellor": world.counsellor_a,
    }
    return Referral(**(values | fields))


# --- directory --------------------------------------------------------------------------


def test_directory_entries_are_shared_in_the_district_or_private_to_an_office(world):
    private = services.save_service(
        world.counsellor_a,
        Service(
            district=world.lb,
            office=world.office_a,
            organisation="Frau Yilmaz (Ehrenamt)",
            name="Begleitung zu Ämtern",
            service_type=term("service_type", "volunteer_initiative"),
        ),
        topics=[],
    )
    assert set(queries.services_for(world.counsellor_a)) == {world.service_a, private}
    # The district's coordinator keeps the shared directory but sees no office's own list.
    assert set(queries.services_for(world.district_a)) == {world.service_a}
    for outsider in world.outsiders:
        assert world.service_a not in queries.services_for(outsider)
    assert not queries.services_for(world.state_bw).exists()


def test_directory_search_by_type_topic_language_and_place(world, client_for):
    browser = client_for(world.counsellor_a)
    hits = lambda **q: list(browser.get("/network/services/", q).context["services"])  # noqa: E731
    assert hits(q="schuldner") == [world.service_a]
    assert hits(service_type=term("service_type", "debt_counselling").pk) == [world.service_a]
    assert hits(service_type=term("service_type", "jobcenter").pk) == []
    assert hits(topic=term("topic", "schulden").pk) == [world.service_a]
    assert hits(language="ar") == [world.service_a]
    assert hits(language="fa") == []
    assert hits(municipality=world.hemmingen.pk) == []


def test_directory_export_neutralises_formulas(world, client_for):
    world.service_a.notes = '=HYPERLINK("http://evil")'
    services.save_service(world.counsellor_a, world.service_a, world.service_a.topics.all())
    browser = client_for(world.counsellor_a)
    assert browser.get("/network/services/export.csv").url == (
        "/accounts/confirm/?next=%2Fnetwork%2Fservices%2Fexport.csv"
    )
    response = confirm_password(browser).get("/network/services/export.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "'=HYPERLINK" in text
    assert ';"=HYPERLINK' not in text and ";=HYPERLINK" not in text


def csv_file(text, encoding="utf-8"):
    return SimpleUploadedFile("dienste.csv", text.encode(encoding), content_type="text/csv")


HEADER = "organisation;name;service_type;topics;languages;municipality_ags;opening_hours\n"


def test_directory_import_is_all_or_nothing_and_idempotent(world, client_for):
    browser = client_for(world.counsellor_a)
    scope = f"d{world.lb.pk}"
    good = HEADER + (
        "Jobcenter Landkreis Ludwigsburg;Eingangszone;Jobcenter;"
        "Arbeit|Sozialleistungen: SGB II;de|ar;08118048;Mo–Fr 8–12\n"
        "Caritas Ludwigsburg;Suchtberatung;addiction_counselling;gesundheit;de;;\n"
    )
    bad = good + "Unbekannt;X;keine Art;;xx;99999999;\n"
    before = Service.objects.count()
    page = browser.post("/network/services/import/", {"file": csv_file(bad), "scope": scope})
    assert page.status_code == 200
    errors = page.context["report"].errors
    assert {line for line, _ in errors} == {4}
    assert any("keine Art" in message for _, message in errors)
    assert any("99999999" in message for _, message in errors)
    assert Service.objects.count() == before  # nothing of the good rows was stored
    response = browser.post("/network/services/import/", {"file": csv_file(good), "scope": scope})
    assert response.status_code == 302
    assert Service.objects.count() == before + 2
    jobcenter = Service.objects.get(organisation="Jobcenter Landkreis Ludwigsburg")
    assert jobcenter.office is None and jobcenter.district == world.lb
    assert {t.code for t in jobcenter.topics.all()} == {"arbeit", "sgb2"}
    assert jobcenter.municipality.ags == "08118048"
    # The same file again creates nothing; Windows-1252 is read as well.
    response = browser.post(
        "/network/services/import/", {"file": csv_file(good, "cp1252"), "scope": scope}
    )
    assert response.status_code == 302
    assert Service.objects.count() == before + 2


def test_an_import_into_another_district_is_refused(world, client_for):
    browser = client_for(world.counsellor_a)
    page = browser.post(
        "/network/services/import/", {"file": csv_file(HEADER), "scope": f"d{world.ka.pk}"}
    )
    assert page.status_code == 200
    assert "scope" in page.context["form"].errors


def test_csv_reader_reports_what_it_cannot_read():
    with pytest.raises(tables.TableError):
        tables.read_csv(b"")
    with pytest.raises(tables.TableError):
        tables.read_csv(b"PK\x03\x04\x00\x00binary")
    table = tables.read_csv("\ufeffa;b\n1;2\n;\n3;4\n".encode())
    assert table.header == ["a", "b"] and [r for _, r in table.rows] == [
        {"a": "1", "b": "2"},
        {"a": "3", "b": "4"},
    ]
    assert tables.safe_cell("-1+2") == "'-1+2" and tables.safe_cell("Köln") == "Köln"


# --- referrals --------------------------------------------------------------------------


def test_a_referral_needs_a_consent_naming_the_recipient(world):
    with pytest.raises(ValidationError) as error:
        services.make_referral(world.counsellor_a, referral(world))
    assert "anonymous recommendation" in str(error.value)
    # The intake consent names only the counselling office.
    with pytest.raises(ValidationError) as error:
        services.make_referral(world.counsellor_a, referral(world, consent=world.consent_a))
    assert "Diakonie Ludwigsburg" in str(error.value)
    made = services.make_referral(
        world.counsellor_a, referral(world, consent=world.sharing_consent_a)
    )
    assert made.pk and made.history[-1]["status"] == "made"


def test_without_consent_only_an_anonymous_recommendation(world, client_for):
    browser = client_for(world.counsellor_a)
    url = f"/network/referrals/new/{world.client_a.pk}/"
    data = {
        "service": world.service_a.pk,
        "purpose": "Schulden",
        "made_on": timezone.localdate().isoformat(),
        "status": "made",
        "counsellor": world.counsellor_a.pk,
    }
    page = browser.post(url, data | {"kind": "referral"})
    assert page.status_code == 200
    assert "consent" in page.context["form"].errors
    assert page.context["form"].data["purpose"] == "Schulden"  # nothing typed is lost
    assert browser.post(url, data | {"kind": "recommendation"}).status_code == 302
    recommendation = Referral.objects.get(kind="recommendation")
    assert recommendation.consent is None


def test_a_withdrawn_consent_stops_the_referral(world):
    made = services.make_referral(
        world.counsellor_a,
        referral(world, consent=world.sharing_consent_a, status=Referral.Status.SUGGESTED),
    )
    clients.withdraw_consent(world.counsellor_a, world.sharing_consent_a)
    made.status = Referral.Status.MADE
    with pytest.raises(ValidationError) as error:
        services.update_referral(world.counsellor_a, made)
    assert "not in force" in str(error.value)
    assert Referral.objects.get(pk=made.pk).status == Referral.Status.SUGGESTED


def test_overdue_feedback_shows_up_as_due(world):
    today = dt.date(2026, 4, 1)
    assert world.referral_a.feedback_overdue(today)
    assert list(queries.overdue_feedback(world.counsellor_a, today)) == [world.referral_a]
    assert world.referral_a in queries.my_day(world.counsellor_a, today).overdue_feedback
    world.referral_a.status = Referral.Status.FEEDBACK
    services.update_referral(world.counsellor_a, world.referral_a)
    assert world.referral_a.feedback_on == timezone.localdate()
    assert not queries.overdue_feedback(world.counsellor_a, today).exists()


def test_a_referral_from_a_plan_step(world, client_for):
    browser = client_for(world.counsellor_a)
    consent = clients.save_record(
        world.counsellor_a,
        Consent(
            client=world.case_client_a,
            purpose="Sprachkurs",
            recipients="Diakonie Ludwigsburg",
            given_on=dt.date(2026, 1, 2),
            form=Consent.Form.WRITTEN,
            recorded_by=world.counsellor_a,
        ),
    )
    url = f"/network/referrals/new/{world.case_client_a.pk}/?step={world.step_a.pk}"
    page = browser.get(url)
    assert page.context["form"].initial["purpose"] == "Anmeldung"
    response = browser.post(
        url,
        {
            "service": world.service_a.pk,
            "kind": "referral",
            "consent": consent.pk,
            "purpose": "Anmeldung",
            "made_on": timezone.localdate().isoformat(),
            "status": "made",
            "counsellor": world.counsellor_a.pk,
            "step": world.step_a.pk,
        },
    )
    assert response.status_code == 302
    made = Referral.objects.get(client=world.case_client_a)
    assert made.step == world.step_a and made.case == world.case_a
    # A step of another client's case is not reachable from this client.
    assert (
        browser.get(
            f"/network/referrals/new/{world.client_a.pk}/?step={world.step_a.pk}"
        ).status_code
        == 404
    )


# --- appointments and the calendar feed -------------------------------------------------


def test_day_and_week_views(world, client_for):
    browser = client_for(world.counsellor_a)
    today = timezone.localdate()
    day = browser.get("/network/appointments/")
    assert [a for _, items in day.context["by_day"] for a in items] == [world.appointment_a]
    week = browser.get("/network/appointments/", {"span": "week", "day": today.isoformat()})
    assert len(week.context["by_day"]) == 7
    office = browser.get("/network/appointments/", {"office": world.office_a.pk})
    assert office.context["office"] == world.office_a
    assert browser.get("/network/appointments/", {"office": world.office_b.pk}).status_code == 404
    nothing = client_for(world.counsellor_b).get("/network/appointments/")
    assert [a for _, items in nothing.context["by_day"] for a in items] == []


def test_an_appointment_with_household_and_interpreter(world, client_for):
    browser = client_for(world.counsellor_a)
    url = f"/network/appointments/new/?client={world.client_a.pk}"
    data = {
        "day": "2026-12-03",
        "time": "09:30",
        "duration_minutes": "60",
        "counsellor": world.counsellor_a.pk,
        "client": world.client_a.pk,
        "household_members": [world.child_a.pk],
        "channel": term("channel", "persoenlich").pk,
        "interpreter_language": "ar",
    }
    assert browser.post(url, data | {"interpreter_language": "xx"}).status_code == 200
    assert browser.post(url, data).status_code == 302
    made = Appointment.objects.exclude(pk=world.appointment_a.pk).get()
    assert list(made.household_members.all()) == [world.child_a]
    assert timezone.localtime(made.starts_at).hour == 9 and made.interpreter_language == "ar"
    assert client_for(world.counsellor_b).get(url).status_code == 404


def test_the_calendar_feed_carries_initials_only_and_can_be_revoked(world, client_for):
    browser = client_for(world.counsellor_a)
    page = browser.post("/network/calendar/")
    url = page.context["feed_url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    # The calendar program has no session: the token alone opens the feed.
    response = Browser().get(f"/network/calendar/{token}.ics")
    assert response.status_code == 200
    body = response.content.decode()
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Lotse: M. A."]
    for name in ("Mohammed", "Al-Hassan", "Hassan", "0157"):
        assert name not in body
    assert AuditEvent.objects.filter(action="network.calendarfeed.read").count() == 1
    # Only a hash is kept; a new address ends the old one, revoking ends both.
    assert CalendarFeed.objects.get(user=world.counsellor_a).token_hash == CalendarFeed.hash(token)
    second = browser.post("/network/calendar/").context["feed_url"]
    assert Browser().get(f"/network/calendar/{token}.ics").status_code == 404
    assert Browser().get(second.split("testserver")[1]).status_code == 200
    browser.post("/network/calendar/", {"action": "revoke"})
    assert not CalendarFeed.objects.filter(user=world.counsellor_a).exists()
    assert Browser().get(second.split("testserver")[1]).status_code == 404
    assert Browser().get("/network/calendar/not-a-token.ics").status_code == 404


# --- follow-ups -------------------------------------------------------------------------


def test_follow_ups_on_a_goal_and_done(world, client_for):
    browser = client_for(world.counsellor_a)
    url = f"/network/follow-ups/new/{world.case_client_a.pk}/?goal={world.goal_a.pk}"
    response = browser.post(
        url,
        {
            "due_on": "2026-01-10",
            "note": "Kursbeginn erfragen",
            "assigned_to": world.counsellor_a.pk,
            "goal": world.goal_a.pk,
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(goal=world.goal_a)
    assert follow_up.case == world.case_a and follow_up.subject == world.goal_a
    day = queries.my_day(world.counsellor_a, dt.date(2026, 1, 10))
    assert follow_up in day.follow_ups
    browser.post(f"/network/follow-ups/{follow_up.pk}/done/")
    assert FollowUp.objects.get(pk=follow_up.pk).done_on == timezone.localdate()
    assert follow_up not in queries.my_day(world.counsellor_a, dt.date(2026, 1, 10)).follow_ups
    # A goal of another client cannot be named.
    other = f"/network/follow-ups/new/{world.client_a.pk}/?goal={world.goal_a.pk}"
    assert browser.get(other).status_code == 404


# --- legal deadlines --------------------------------------------------------------------


def decide(world, code, delivered_on):
    return clients.record_decision(
        world.counsellor_a,
        AsylumDecision(
            client=world.client_a,
            kind=DecisionKind.objects.get(code=code),
            delivered_on=delivered_on,
            recorded_by=world.counsellor_a,
        ),
    )


def test_deadline_table_at_its_edges(world):
    # Delivered on Friday 20 March 2026: two weeks end on Good Friday, 3 April, a holiday;
    # the period ends on the next working day after Easter Monday (§222(2) ZPO).
    rejected = decide(world, "rejected", dt.date(2026, 3, 20))
    assert rejected.deadline == dt.date(2026, 4, 7)
    assert "Good Friday" in rejected.deadline_rule
    # One week where the application was rejected as manifestly unfounded: Friday to Friday.
    manifest = decide(world, "manifestly_unfounded", dt.date(2026, 3, 6))
    assert manifest.deadline == dt.date(2026, 3, 13)
    # Corpus Christi (4 June 2026) is a holiday in Baden-Württemberg, the office's state.
    corpus = decide(world, "inadmissible_dublin", dt.date(2026, 5, 28))
    assert corpus.deadline == dt.date(2026, 6, 5)
    # Recognition: nothing to do, no deadline.
    assert decide(world, "recognised", dt.date(2026, 3, 6)).deadline is None


def test_a_deadline_warns_until_it_is_dealt_with(world, client_for):
    browser = client_for(world.counsellor_a)
    decision = decide(world, "rejected", timezone.localdate() - dt.timedelta(days=3))
    file = browser.get(f"/clients/{world.client_a.pk}/").content.decode()
    assert 'class="alarm" role="alert"' in file
    start = browser.get("/")
    assert decision in start.context["day"].deadlines
    url = f"/clients/{world.client_a.pk}/decisions/{decision.pk}/dealt-with/"
    assert browser.post(url, {"dealt_with_on": "", "dealt_with_how": ""}).status_code == 200
    response = browser.post(
        url,
        {"dealt_with_on": timezone.localdate().isoformat(), "dealt_with_how": "Klage erhoben"},
    )
    assert response.status_code == 302
    assert decision not in browser.get("/").context["day"].deadlines
    assert client_for(world.counsellor_b).get(url).status_code == 404


def test_expiring_residence_documents_are_reminded(world):
    today = timezone.localdate()
    logged_contact(world.counsellor_a, world.client_a, today)
    status = clients.save_record(
        world.counsellor_a,
        world.client_a.residence_statuses.model(
            client=world.client_a,
            status=term("residence_status", "gestattung"),
            valid_from=today - dt.timedelta(days=200),
            valid_until=today + dt.timedelta(days=60),
        ),
    )
    assert list(queries.expiring_residence(world.counsellor_a, today)) == [status]
    renewed = clients.save_record(
        world.counsellor_a,
        world.client_a.residence_statuses.model(
            client=world.client_a,
            status=term("residence_status", "gestattung"),
            valid_from=today + dt.timedelta(days=50),
            valid_until=today + dt.timedelta(days=400),
        ),
    )
    assert renewed.pk and not queries.expiring_residence(world.counsellor_a, today).exists()


def test_residence_documents_are_reminded_to_who_counsels_the_client(world):
    """Of the office's clients, those of a case the counsellor holds or a contact of
    theirs in the last six months; not a client counselled long ago, nor by a colleague."""
    today = timezone.localdate()
    colleague = make_user("colleague_a", Role.COUNSELLOR, world.office_a)
    expired = []
    for client in (world.client_a, world.case_client_a):
        expired.append(
            clients.save_record(
                world.counsellor_a,
                client.residence_statuses.model(
                    client=client,
                    status=term("residence_status", "gestattung"),
                    valid_from=today - dt.timedelta(days=400),
                    valid_until=today - dt.timedelta(days=10),
                ),
            )
        )

    def reminded(user):
        return set(queries.expiring_residence(user, today))

    assert world.case_a.counsellor == world.counsellor_a and world.case_a.closed_on is None
    assert reminded(world.counsellor_a) == {expired[1]} and reminded(colleague) == set()
    contact = logged_contact(colleague, world.client_a, today - dt.timedelta(days=200))
    assert reminded(colleague) == set()  # counselled more than six months ago
    Contact.objects.filter(pk=contact.pk).update(date=today - dt.timedelta(days=20))
    assert reminded(colleague) == {expired[0]}


# --- Mein Tag and the team --------------------------------------------------------------


def test_my_day_lists_what_is_due_and_records_who_was_shown(world, client_for):
    page = client_for(world.counsellor_a).get("/")
    day = page.context["day"]
    assert day.appointments == [world.appointment_a]
    assert world.follow_up_a in day.follow_ups
    assert world.referral_a in day.overdue_feedback
    listed = AuditEvent.objects.filter(action="clients.client.listed").latest("sequence")
    assert listed.data["context"] == "my-day" and world.client_a.pk in listed.data["ids"]
    assert "Mohammed" not in str(listed.data)
    for persona in (world.coordinator_a, world.district_a, world.state_bw):
        assert client_for(persona).get("/").context["day"] is None


def test_team_lead_sees_caseload_against_the_ratio_and_reassigns(world, client_for):
    sh_msb = org_programme("sh-msb")
    world.office_a.programmes.add(sh_msb)
    colleague = make_user("colleague_a", Role.COUNSELLOR, world.office_a)
    Position.objects.create(
        office=world.office_a,
        programme=sh_msb,
        fte=Decimal("0.25"),
        holder=colleague,
        starts_on=dt.date(2025, 1, 1),
    )
    case = cases.open_case(
        world.team_lead_a, world.client_a, sh_msb, counsellor=colleague, justification="Test"
    )
    browser = client_for(world.team_lead_a)
    page = browser.get("/cases/team/")
    rows = {(r.counsellor.username, r.programme.key): r for r in page.context["caseload"]}
    mine = rows[("counsellor_a", "bw-im")]
    # The world's position of counsellor A: 0.75 FTE under bw-im, which counts nothing.
    assert (mine.open_cases, mine.fte, mine.counted) == (1, Decimal("0.75"), None)
    theirs = rows[("colleague_a", "sh-msb")]
    # sh-msb counts persons in case management during the year: 1 person on 0.25 FTE.
    assert (theirs.counted, theirs.load, theirs.capacity) == (1, Decimal("4.0"), Decimal("18.75"))
    assert not theirs.over_ratio
    # The open cases are listed one counsellor at a time, that counsellor's only.
    assert page.context["cases"] == []
    theirs_page = browser.get("/cases/team/", {"counsellor": colleague.pk})
    assert theirs_page.context["cases"] == [case]
    assert f"/cases/{case.pk}/reassign/" in theirs_page.content.decode()
    listed = AuditEvent.objects.filter(action="clients.client.listed").latest("sequence")
    assert listed.data["context"] == "team" and listed.data["ids"] == [world.client_a.pk]
    assert browser.get("/cases/team/", {"counsellor": world.counsellor_b.pk}).status_code == 404
    assert browser.get("/cases/team/", {"counsellor": "x"}).status_code == 404
    # The coordinator of the provider sees the figures, but no client names.
    coordinator = client_for(world.coordinator_a)
    assert coordinator.get("/cases/team/", {"counsellor": colleague.pk}).context["cases"] is None
    url = f"/cases/{case.pk}/reassign/"
    assert browser.post(url, {"counsellor": world.counsellor_b.pk, "why": "x"}).status_code == 200
    assert browser.post(url, {"counsellor": world.counsellor_a.pk, "why": ""}).status_code == 200
    response = browser.post(url, {"counsellor": world.counsellor_a.pk, "why": "Elternzeit"})
    assert response.status_code == 302
    # Back to the cases of the counsellor who held it, to reassign the next one.
    assert response.url.endswith(f"&counsellor={colleague.pk}")
    case = Case.objects.get(pk=case.pk)
    assert case.counsellor == world.counsellor_a and case.assigned_by == world.team_lead_a
    assert AuditEvent.objects.filter(
        action="cases.case.reassigned", object_id=str(case.pk)
    ).exists()
    day = client_for(world.counsellor_a).get("/").context["day"]
    assert case in day.new_cases
    client_for(world.counsellor_a).post("/network/assignments-seen/")
    world.counsellor_a.refresh_from_db()
    assert case not in queries.my_day(world.counsellor_a).new_cases
    assert client_for(world.counsellor_a).get(url).status_code == 404


def org_programme(key):
    return Programme.objects.get(key=key)


def test_hand_count_of_caseload(world):
    """The team view's figures against a count written differently."""
    rows = case_queries.caseload(world.office_a)
    counted = {}
    for case in Case.objects.filter(office=world.office_a):
        if case.phase != "closed":
            key = (case.counsellor_id, case.programme_id)
            counted[key] = counted.get(key, 0) + 1
    assert {(r.counsellor.pk, r.programme.pk): r.open_cases for r in rows} == counted


def test_an_appointment_with_nobody_is_refused_with_a_message(world, client_for):
    """The calendar's form has no client field; the record's rule that an appointment is
    with a client or a service shows among the form's errors."""
    response = client_for(world.counsellor_a).post(
        "/network/appointments/new/",
        {"day": "2026-12-03", "time": "10:00", "duration_minutes": "30"},
    )
    assert response.status_code in (200, 422)
    assert response.context["form"].non_field_errors()
