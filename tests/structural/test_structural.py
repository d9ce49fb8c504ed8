"""Structural work: the log with hours per kind, the volunteer register with police
certificates, and matching a volunteer to a client under a consent naming her."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from lotse.clients import services as clients
from lotse.clients.models import Consent
from lotse.core.models import AuditEvent
from lotse.organisations import services as org
from lotse.organisations.models import Role
from lotse.structural import queries, services
from lotse.structural.models import POLICE_CERTIFICATE_YEARS, Activity, Match, Volunteer
from tests.conftest import make_user
from tests.structural.fixtures import add_structural

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in the source language, whatever ran before."""
    with translation.override("en"):
        yield


@pytest.fixture
def w(world):
    return add_structural(world)


@pytest.fixture
def client_for(client_for):
    """Pages in English too, so that their messages compare with the source strings."""

    def make(user, *, confirmed=False):
        browser = client_for(user, confirmed=confirmed)
        browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return browser

    return make


def today():
    return timezone.localdate()


def events(action, **lookup):
    return AuditEvent.objects.filter(action=action, **lookup)


def volunteer(w, **fields):
    values = {
        "office": w.office_a,
        "first_name": "Karim",
        "last_name": "Haddad",
        "languages": ["ar", "de"],
        "police_certificate_on": today() - dt.timedelta(days=30),
    }
    return services.save_volunteer(w.counsellor_a, Volunteer(**(values | fields)))


def consent_naming(w, recipients, client=None, **fields):
    values = {
        "client": client or w.client_a,
        "purpose": "Begleitung",
        "recipients": recipients,
        "given_on": today() - dt.timedelta(days=5),
        "form": Consent.Form.WRITTEN,
        "recorded_by": w.counsellor_a,
    }
    return clients.save_record(w.counsellor_a, Consent(**(values | fields)))


def match(w, **fields):
    values = {
        "volunteer": w.volunteer_a,
        "client": w.client_a,
        "consent": w.volunteer_consent_a,
        "purpose": "Begleitung zum Jobcenter",
        "starts_on": today(),
    }
    return Match(**(values | fields))


def refusal(w, **fields):
    """The messages by field with which making the match is refused."""
    with pytest.raises(ValidationError) as error:
        services.make_match(w.counsellor_a, match(w, **fields))
    return error.value.message_dict


# --- the structural work log -------------------------------------------------------------


ACTIVITY = {
    "kind": "public_relations",
    "title": "Artikel Stadtanzeiger",
    "hours": "1.75",
    "partners": "Stadtanzeiger",
    "participants": "",
    "notes": "",
}


def test_an_activity_is_recorded_and_edited(w, client_for):
    browser = client_for(w.counsellor_a)
    data = ACTIVITY | {"date": today().isoformat()}
    response = browser.post("/structural/activities/new/", data)
    assert response.status_code == 302
    made = Activity.objects.get(title="Artikel Stadtanzeiger")
    assert made.office == w.office_a  # the only office: nothing to choose
    assert made.hours == Decimal("1.75") and made.participants is None
    assert made.recorded_by == w.counsellor_a
    created = events("structural.activity.created", object_id=str(made.pk)).get()
    assert created.office_id == w.office_a.pk
    response = browser.post(f"/structural/activities/{made.pk}/", data | {"hours": "2"})
    assert response.status_code == 302
    assert Activity.objects.get(pk=made.pk).hours == Decimal("2")
    changed = events("structural.activity.changed", object_id=str(made.pk)).get()
    assert changed.changes["hours"] == ["1.75", "2"]
    # The editor of another entry is not reached by someone else's id: see the 404 test.


@pytest.mark.parametrize(
    ("hours", "date_offset", "field", "message"),
    [
        ("1.3", 0, "hours", "steps of a quarter hour"),
        ("0", 0, "hours", "greater than or equal to 0.25"),
        ("24.25", 0, "hours", "less than or equal to 24"),
        ("1", 1, "date", "lies in the future"),
    ],
)
def test_an_activity_is_validated(w, client_for, hours, date_offset, field, message):
    browser = client_for(w.counsellor_a)
    day = today() + dt.timedelta(days=date_offset)
    page = browser.post(
        "/structural/activities/new/", ACTIVITY | {"hours": hours, "date": day.isoformat()}
    )
    assert page.status_code == 200
    form = page.context["form"]
    assert message in " ".join(form.errors[field])
    assert form.data["title"] == "Artikel Stadtanzeiger"  # nothing typed is lost
    assert not Activity.objects.filter(title="Artikel Stadtanzeiger").exists()


def test_the_log_filters_by_kind_and_year_and_sums_hours_per_kind(w, client_for):
    this_year = today().year
    for kind, hours, day in [
        ("network_meeting", "1.5", dt.date(this_year, 1, 10)),
        ("public_relations", "3", dt.date(this_year, 1, 11)),
        ("network_meeting", "2", dt.date(this_year - 1, 6, 1)),
    ]:
        services.save_activity(
            w.counsellor_a,
            Activity(office=w.office_a, kind=kind, hours=Decimal(hours), date=day, title="Treffen"),
        )
    # Office B's log is not counted.
    services.save_activity(
        w.counsellor_b,
        Activity(
            office=w.office_b,
            kind="network_meeting",
            hours=Decimal("8"),
            date=dt.date(this_year, 1, 12),
            title="Karlsruhe",
        ),
    )
    browser = client_for(w.counsellor_a)
    page = browser.get("/structural/")  # the current year by default
    totals = {t.kind: t.hours for t in page.context["totals"]}
    # 2.5 hours of the fixture's network meeting three days ago, unless that was last year.
    fixture = Decimal("2.5") if w.activity_a.date.year == this_year else Decimal(0)
    assert totals == {
        "network_meeting": Decimal("1.5") + fixture,
        "public_relations": Decimal("3"),
    }
    assert page.context["total_hours"] == Decimal("4.5") + fixture
    listed = list(page.context["activities"])
    assert listed == sorted(listed, key=lambda a: (a.date, a.pk), reverse=True)
    last_year = browser.get("/structural/", {"year": this_year - 1, "kind": "network_meeting"})
    assert [t.hours for t in last_year.context["totals"]] == [
        Decimal("2") + (Decimal("2.5") if fixture == 0 else 0)
    ]
    every_year = browser.get("/structural/", {"year": "", "kind": "network_meeting"})
    assert every_year.context["total_hours"] == Decimal("6")
    assert {a.office for a in every_year.context["activities"]} == {w.office_a}


def test_a_user_with_several_offices_chooses_among_them(w, client_for):
    both = make_user("counsellor_ab", Role.COUNSELLOR, w.office_a)
    org.add_membership(None, both, Role.COUNSELLOR, w.office_a2)
    browser = client_for(both)
    form = browser.get("/structural/activities/new/").context["form"]
    assert set(form.fields["office"].queryset) == {w.office_a, w.office_a2}
    data = ACTIVITY | {"date": today().isoformat()}
    page = browser.post("/structural/activities/new/", data | {"office": w.office_b.pk})
    assert page.status_code == 200 and "office" in page.context["form"].errors
    response = browser.post("/structural/activities/new/", data | {"office": w.office_a2.pk})
    assert response.status_code == 302
    assert Activity.objects.get(title="Artikel Stadtanzeiger").office == w.office_a2
    log = browser.get("/structural/", {"year": "", "office": w.office_a2.pk})
    assert [a.office for a in log.context["activities"]] == [w.office_a2]


# --- volunteers --------------------------------------------------------------------------


def test_the_police_certificate_is_current_for_five_years():
    assert POLICE_CERTIFICATE_YEARS == 5
    v = Volunteer(police_certificate_on=dt.date(2021, 3, 15))
    assert v.police_certificate_until == dt.date(2026, 3, 14)
    assert v.police_certificate_current(dt.date(2026, 3, 14))
    assert not v.police_certificate_current(dt.date(2026, 3, 15))
    assert not v.police_certificate_current(dt.date(2021, 3, 14))  # not yet issued
    assert Volunteer(police_certificate_on=dt.date(2024, 2, 29)).police_certificate_until == (
        dt.date(2029, 2, 27)
    )
    assert not Volunteer(police_certificate_on=None).police_certificate_current(dt.date(2026, 1, 1))


def test_a_volunteer_is_registered_and_changed_without_values_in_the_log(w, client_for):
    browser = client_for(w.counsellor_a)
    data = {
        "first_name": "Lena",
        "last_name": "Wagner",
        "languages": ["uk", "ru"],
        "availability": "Mo vormittags",
        "phone": "0151 000",
        "email": "",
        "police_certificate_on": (today() - dt.timedelta(days=100)).isoformat(),
        "is_active": "on",
        "notes": "",
    }
    response = browser.post("/structural/volunteers/new/", data)
    assert response.status_code == 302
    lena = Volunteer.objects.get(last_name="Wagner")
    assert response["Location"] == f"/structural/volunteers/{lena.pk}/"
    assert lena.office == w.office_a and lena.languages == ["uk", "ru"]
    created = events("structural.volunteer.created", object_id=str(lena.pk)).get()
    assert created.object_label == f"volunteer {lena.pk}"
    assert "Wagner" not in str(created.changes) and "0151" not in str(created.changes)
    response = browser.post(f"/structural/volunteers/{lena.pk}/", data | {"phone": "0151 999"})
    assert response.status_code == 302
    changed = events("structural.volunteer.changed", object_id=str(lena.pk)).get()
    assert changed.changes == {"phone": ["…", "…"]}
    # A future certificate date is refused, and what was typed stays.
    future = (today() + dt.timedelta(days=1)).isoformat()
    page = browser.post("/structural/volunteers/new/", data | {"police_certificate_on": future})
    assert page.status_code == 200
    assert "police_certificate_on" in page.context["form"].errors
    assert page.context["form"].data["last_name"] == "Wagner"


def test_an_unknown_language_code_is_refused(w):
    with pytest.raises(ValidationError) as error:
        volunteer(w, languages=["ar", "xx"])
    assert "xx" in str(error.value.message_dict["languages"])


def test_the_register_searches_and_flags_missing_or_old_certificates(w, client_for):
    stale = volunteer(w, police_certificate_on=today() - dt.timedelta(days=6 * 365))
    missing = volunteer(w, first_name="Sara", last_name="Berg", police_certificate_on=None)
    gone = volunteer(w, first_name="Tom", last_name="Alt", is_active=False)
    browser = client_for(w.counsellor_a)
    page = browser.get("/structural/volunteers/")
    shown = page.context["volunteers"]
    assert set(shown) == {w.volunteer_a, stale, missing}
    assert page.context["stale"] == 2
    assert [v for v in shown if not v.police_certificate_ok] == sorted(
        [stale, missing], key=lambda v: (v.last_name, v.first_name)
    )
    body = page.content.decode()
    assert body.count('class="badge warn"') == 2
    listed = events("structural.volunteer.listed").latest("sequence")
    assert sorted(listed.data["ids"]) == sorted(v.pk for v in shown)
    hits = lambda **q: set(browser.get("/structural/volunteers/", q).context["volunteers"])  # noqa: E731
    assert hits(q="schmi") == {w.volunteer_a}
    assert hits(language="ar") == {w.volunteer_a, stale, missing}
    assert hits(language="uk") == set()
    assert hits(q="alt") == set()
    assert hits(q="alt", inactive="on") == {gone}
    # Another office's register stays closed.
    assert (
        list(client_for(w.counsellor_b).get("/structural/volunteers/").context["volunteers"]) == []
    )


def test_reading_a_volunteer_and_their_matches_is_audited(w, client_for):
    browser = client_for(w.counsellor_a)
    page = browser.get(f"/structural/volunteers/{w.volunteer_a.pk}/")
    assert page.status_code == 200
    assert page.context["matches"] == [w.match_a]
    assert "Al-Hassan" in page.content.decode()
    viewed = events("structural.volunteer.viewed", object_id=str(w.volunteer_a.pk)).get()
    assert viewed.actor_id == w.counsellor_a.pk and viewed.office_id == w.office_a.pk
    listed = events("clients.client.listed").latest("sequence")
    assert listed.data == {"context": "volunteer", "ids": [w.client_a.pk]}


# --- matches ------------------------------------------------------------------------------


def test_a_match_needs_a_consent(w):
    problems = refusal(w, consent=None)
    assert "consent in force that names the volunteer" in " ".join(problems["consent"])


def test_a_withdrawn_consent_refuses_the_match(w):
    clients.withdraw_consent(w.counsellor_a, w.volunteer_consent_a)
    assert "not in force" in " ".join(refusal(w)["consent"])


def test_a_consent_not_in_force_on_the_first_day_refuses_the_match(w):
    later = today() + dt.timedelta(days=30)
    consent = consent_naming(w, "Anna Schmidt", valid_until=today() + dt.timedelta(days=7))
    assert "not in force" in " ".join(refusal(w, consent=consent, starts_on=later)["consent"])


def test_the_consent_must_name_the_volunteer(w):
    # The intake consent names only the counselling office.
    problems = refusal(w, consent=w.consent_a)
    assert "“Anna Schmidt”" in " ".join(problems["consent"])
    assert "volunteer" not in problems


def test_the_consent_must_be_the_clients(w):
    other = consent_naming(w, "Anna Schmidt", client=w.case_client_a)
    assert "another client" in " ".join(refusal(w, consent=other)["consent"])


def test_a_stale_or_missing_certificate_refuses_the_match(w):
    stale = volunteer(
        w, first_name="Anna", last_name="Schmidt", police_certificate_on=dt.date(2019, 5, 1)
    )
    assert "not current" in " ".join(refusal(w, volunteer=stale)["volunteer"])
    missing = volunteer(w, first_name="Anna", last_name="Schmidt", police_certificate_on=None)
    assert "No extended police certificate" in " ".join(refusal(w, volunteer=missing)["volunteer"])


def test_an_inactive_volunteer_is_not_matched(w):
    w.volunteer_a.is_active = False
    services.save_volunteer(w.counsellor_a, w.volunteer_a)
    assert "no longer active" in " ".join(refusal(w)["volunteer"])


def test_a_volunteer_of_another_office_is_not_matched(w):
    theirs = services.save_volunteer(
        w.counsellor_b,
        Volunteer(
            office=w.office_b,
            first_name="Anna",
            last_name="Schmidt",
            police_certificate_on=today(),
        ),
    )
    problems = refusal(w, volunteer=theirs)
    assert "another office" in " ".join(problems["volunteer"])
    assert "consent" not in problems  # the consent does name an Anna Schmidt
    # Nor by the database's own check, whatever the service was told.
    with pytest.raises(ValidationError):
        match(w, volunteer=theirs).full_clean(exclude=["created_by"])


MATCH = {"purpose": "Hausaufgabenhilfe"}


def test_a_match_is_made_from_the_clients_file(w, client_for):
    karim = volunteer(w)
    consent = consent_naming(w, "Beratungsstelle\nKarim Haddad")
    browser = client_for(w.counsellor_a)
    url = f"/structural/matches/new/{w.client_a.pk}/"
    page = browser.get(url, {"volunteer": karim.pk})
    form = page.context["form"]
    assert set(form.fields["volunteer"].queryset) == {w.volunteer_a, karim}
    # Only consents in force are offered.
    assert consent in form.fields["consent"].queryset
    assert events("clients.client.viewed.match", object_id=str(w.client_a.pk)).exists()
    data = MATCH | {"volunteer": karim.pk, "starts_on": today().isoformat()}
    response = browser.post(url, data | {"consent": consent.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/structural/volunteers/{karim.pk}/"
    made = Match.objects.get(volunteer=karim)
    assert (made.client, made.consent, made.created_by) == (w.client_a, consent, w.counsellor_a)
    assert made.is_open
    created = events("structural.match.created", object_id=str(made.pk)).get()
    assert created.office_id == w.office_a.pk and created.object_label == f"match {made.pk}"
    assert "Hausaufgabenhilfe" not in str(created.changes)


def test_a_refused_match_keeps_what_was_typed(w, client_for):
    karim = volunteer(w)
    browser = client_for(w.counsellor_a)
    url = f"/structural/matches/new/{w.client_a.pk}/"
    data = MATCH | {"volunteer": karim.pk, "starts_on": today().isoformat()}
    # The consent for Anna Schmidt does not name Karim Haddad.
    page = browser.post(url, data | {"consent": w.volunteer_consent_a.pk})
    assert page.status_code == 200
    form = page.context["form"]
    assert "“Karim Haddad”" in " ".join(form.errors["consent"])
    assert form.data["purpose"] == "Hausaufgabenhilfe"
    # A withdrawn consent is not even offered.
    clients.withdraw_consent(w.counsellor_a, w.sharing_consent_a)
    page = browser.post(url, data | {"consent": w.sharing_consent_a.pk})
    assert "consent" in page.context["form"].errors
    # Without any consent the form says so.
    assert "consent" in browser.post(url, data).context["form"].errors
    assert not Match.objects.filter(volunteer=karim).exists()


def test_a_volunteer_of_another_office_cannot_be_chosen(w, client_for):
    theirs = services.save_volunteer(
        w.counsellor_b,
        Volunteer(office=w.office_b, first_name="Anna", last_name="Schmidt"),
    )
    browser = client_for(w.counsellor_a)
    url = f"/structural/matches/new/{w.client_a.pk}/"
    data = MATCH | {
        "volunteer": theirs.pk,
        "consent": w.volunteer_consent_a.pk,
        "starts_on": today().isoformat(),
    }
    page = browser.post(url, data)
    assert page.status_code == 200 and "volunteer" in page.context["form"].errors
    assert not Match.objects.filter(volunteer=theirs).exists()


def test_ending_a_match(w, client_for):
    browser = client_for(w.counsellor_a)
    url = f"/structural/matches/{w.match_a.pk}/end/"
    # Only a POST ends it.
    assert browser.get(url).status_code == 302
    assert Match.objects.get(pk=w.match_a.pk).ends_on is None
    response = browser.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/structural/volunteers/{w.volunteer_a.pk}/"
    assert Match.objects.get(pk=w.match_a.pk).ends_on == today()
    assert events("structural.match.ended", object_id=str(w.match_a.pk)).count() == 1
    # Twice is refused and changes nothing.
    page = browser.post(url, follow=True)
    assert "already ended" in page.content.decode()
    assert events("structural.match.ended", object_id=str(w.match_a.pk)).count() == 1


def test_a_match_ends_even_after_the_consent_was_withdrawn(w):
    # The consent is checked when the data go to the volunteer; ending passes nothing.
    clients.withdraw_consent(w.counsellor_a, w.volunteer_consent_a)
    assert services.end_match(w.counsellor_a, w.match_a).ends_on == today()
    later = services.make_match(
        w.counsellor_a,
        match(w, consent=consent_naming(w, "Anna Schmidt"), starts_on=today() + dt.timedelta(3)),
    )
    # A match that has not begun ends on its first day.
    assert services.end_match(w.counsellor_a, later).ends_on == later.starts_on


# --- access ------------------------------------------------------------------------------


def object_urls(w):
    return [
        f"/structural/activities/{w.activity_a.pk}/",
        f"/structural/volunteers/{w.volunteer_a.pk}/",
        f"/structural/matches/new/{w.client_a.pk}/",
        f"/structural/matches/{w.match_a.pk}/end/",
    ]


def test_another_organisation_gets_404_on_every_object(w, client_for):
    for user in w.outsiders:
        browser = client_for(user)
        for url in object_urls(w):
            assert browser.get(url).status_code == 404, (user.username, url)
            assert browser.post(url, {"title": "x"}).status_code == 404, (user.username, url)
    assert Match.objects.get(pk=w.match_a.pk).ends_on is None
    assert Activity.objects.get(pk=w.activity_a.pk).title == "Runder Tisch Asyl"
    # Their lists show nothing of office A.
    browser = client_for(w.counsellor_b)
    assert list(browser.get("/structural/", {"year": ""}).context["activities"]) == []


def test_roles_without_personal_data_get_404_everywhere(w, client_for):
    lists = ["/structural/", "/structural/volunteers/", "/structural/activities/new/"]
    for user in [w.coordinator_a, w.district_a, w.state_bw, w.admin]:
        browser = client_for(user)
        for url in lists + object_urls(w):
            assert browser.get(url).status_code == 404, (user.username, url)


def test_insiders_reach_every_page(w, client_for):
    for user in [w.counsellor_a, w.team_lead_a]:
        browser = client_for(user)
        for url in [
            "/structural/",
            "/structural/activities/new/",
            "/structural/volunteers/",
            "/structural/volunteers/new/",
            *object_urls(w)[:3],
        ]:
            assert browser.get(url).status_code == 200, (user.username, url)


def test_queries_are_bounded_by_the_office(w):
    assert list(queries.volunteers_for(w.counsellor_a)) == [w.volunteer_a]
    assert list(queries.matches_for(w.team_lead_a)) == [w.match_a]
    for outsider in w.outsiders:
        assert not queries.volunteers_for(outsider).exists()
        assert not queries.matches_for(outsider).exists()
        assert not queries.activities_for(outsider).exists()
