"""Shared fixtures: a small world of two providers, built through the services.

Provider A (Landkreis Ludwigsburg, Baden-Württemberg) and provider B (Stadt Karlsruhe)
each have an office; every persona exists on both sides so that each view can be tried
by an insider and by an outsider.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from contextlib import contextmanager
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client as TestClient
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lotse.accounts import second_factor
from lotse.accounts.models import User
from lotse.api.auth import digest
from lotse.api.models import ApiToken, Scope
from lotse.cases import services as cases
from lotse.cases.models import Goal, Step
from lotse.clients import services as clients
from lotse.clients.models import AsylumDecision, Client, Consent, DecisionKind, HouseholdMember
from lotse.core.lib.tables import read_csv
from lotse.core.models import Term
from lotse.core.services import audited_save
from lotse.counselling.models import Contact
from lotse.network import services as network
from lotse.network.models import Appointment, FollowUp, Referral, Service
from lotse.organisations import services as org
from lotse.organisations.models import District, Programme, Provider, Role, State
from lotse.staffing import services as staffing
from lotse.staffing.models import AllocationRun, Grant, Position, PositionCosts

PASSWORD = "correct horse battery staple"


def make_user(username, role, organisation=None):
    user = org.create_user(
        None,
        username=username,
        first_name=username.title(),
        last_name="Test",
        email=f"{username}@example.org",
        password=PASSWORD,
    )
    org.add_membership(None, user, role, organisation)
    return user


def logged_contact(counsellor, client, day=None, *, topic="wohnen", note=""):
    """A follow-up contact in person of half an hour, logged through the service."""
    return clients.log_contact(
        counsellor,
        Contact(
            office=client.office,
            client=client,
            counsellor=counsellor,
            kind=Term.objects.get(vocabulary="contact_kind", code="folgeberatung"),
            channel=Term.objects.get(vocabulary="channel", code="persoenlich"),
            date=day or timezone.localdate(),
            duration_minutes=30,
            note=note,
        ),
        [Term.objects.get(vocabulary="topic", code=topic)],
    )


def build_world():
    bw, sh = State.objects.get(code="08"), State.objects.get(code="01")
    bw_im = Programme.objects.get(key="bw-im")
    lb = org.create_district(
        None, bw, key="08118", name="Landkreis Ludwigsburg", kind=District.Kind.RURAL
    )
    ka = org.create_district(
        None, bw, key="08212", name="Stadt Karlsruhe", kind=District.Kind.URBAN
    )
    se = org.create_district(None, sh, key="01060", name="Kreis Segeberg", kind=District.Kind.RURAL)
    ludwigsburg = org.create_municipality(None, lb, ags="08118048", name="Ludwigsburg")
    hemmingen = org.create_municipality(None, lb, ags="08118027", name="Hemmingen")
    karlsruhe = org.create_municipality(None, ka, ags="08212000", name="Karlsruhe")
    provider_a = org.create_provider(None, name="Caritas Ludwigsburg", kind=Provider.Kind.WELFARE)
    provider_b = org.create_provider(None, name="Stadt Karlsruhe", kind=Provider.Kind.MUNICIPALITY)
    office_a = org.create_office(
        None,
        provider_a,
        name="Migrationsdienst Ludwigsburg",
        district=lb,
        municipalities=[ludwigsburg, hemmingen],
        programmes=[bw_im],
    )
    office_a2 = org.create_office(
        None,
        provider_a,
        name="Migrationsdienst Hemmingen",
        district=lb,
        municipalities=[hemmingen],
        programmes=[bw_im],
    )
    office_b = org.create_office(
        None,
        provider_b,
        name="Integrationsmanagement Karlsruhe",
        district=ka,
        municipalities=[karlsruhe],
        programmes=[bw_im],
    )
    w = SimpleNamespace(
        bw=bw,
        sh=sh,
        lb=lb,
        ka=ka,
        se=se,
        provider_a=provider_a,
        provider_b=provider_b,
        office_a=office_a,
        office_a2=office_a2,
        office_b=office_b,
        hemmingen=hemmingen,
        bw_im=bw_im,
    )
    w.counsellor_a = make_user("counsellor_a", Role.COUNSELLOR, office_a)
    w.team_lead_a = make_user("team_lead_a", Role.TEAM_LEAD, office_a)
    w.coordinator_a = make_user("coordinator_a", Role.PROVIDER_COORDINATOR, provider_a)
    w.district_a = make_user("district_a", Role.DISTRICT_COORDINATOR, lb)
    w.state_bw = make_user("state_bw", Role.STATE_ANALYST, bw)
    w.admin = make_user("admin", Role.ADMINISTRATOR)
    w.counsellor_b = make_user("counsellor_b", Role.COUNSELLOR, office_b)
    w.team_lead_b = make_user("team_lead_b", Role.TEAM_LEAD, office_b)
    w.coordinator_b = make_user("coordinator_b", Role.PROVIDER_COORDINATOR, provider_b)
    w.district_b = make_user("district_b", Role.DISTRICT_COORDINATOR, ka)
    w.state_sh = make_user("state_sh", Role.STATE_ANALYST, sh)
    # Everyone who must not see anything of provider A's office.
    w.outsiders = [w.counsellor_b, w.team_lead_b, w.coordinator_b, w.district_b, w.state_sh]
    api_token(w.counsellor_a)
    w.token_a = ApiToken.objects.get(user=w.counsellor_a)
    add_client(w)
    return w


# A valid 1×1 PNG image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def add_client(w):
    """A client of office A with a consent, a household member and a document."""
    w.client_a = clients.save_client(
        w.counsellor_a,
        Client(
            office=w.office_a,
            given_names="Mohammed",
            family_name="Al-Hassan",
            birth_year=1990,
            birth_month=3,
            nationalities=["SY"],
            phone="0157 1234567",
        ),
    )
    w.consent_a = clients.save_record(
        w.counsellor_a,
        Consent(
            client=w.client_a,
            purpose="Beratung",
            recipients="Beratungsstelle",
            given_on=dt.date(2026, 1, 5),
            form=Consent.Form.WRITTEN,
            recorded_by=w.counsellor_a,
        ),
    )
    w.child_a = clients.save_record(
        w.counsellor_a,
        HouseholdMember(
            client=w.client_a, relation=HouseholdMember.Relation.CHILD, birth_year=2019
        ),
    )
    w.document_a = clients.upload_document(
        w.counsellor_a, w.client_a, SimpleUploadedFile("scan.png", PNG), "Bescheid"
    )
    w.case_client_a = clients.save_client(
        w.counsellor_a,
        Client(office=w.office_a, given_names="Olena", family_name="Kovalenko", birth_year=1985),
    )
    w.case_a = cases.open_case(
        w.counsellor_a,
        w.case_client_a,
        w.bw_im,
        counsellor=w.counsellor_a,
        justification="Unterbringung noch nicht erfasst",
    )
    w.goal_a = Goal(
        field_of_action=Term.objects.get(vocabulary="field_of_action", code="sprache"),
        what="Deutschkurs B1",
        indicator="Zertifikat",
        due_on=dt.date(2027, 6, 30),
    )
    cases.save_goal(w.counsellor_a, w.case_a, w.case_a.version, w.goal_a)
    w.step_a = Step(goal=w.goal_a, actor="client", what="Anmeldung", due_on=dt.date(2026, 12, 1))
    cases.save_step(w.counsellor_a, w.case_a, w.case_a.version, w.step_a)
    add_network(w)


def add_network(w):
    """A shared directory entry of district A, and a referral, an appointment, a
    follow-up and an asylum decision of client A."""
    w.service_a = network.save_service(
        w.counsellor_a,
        Service(
            district=w.lb,
            organisation="Diakonie Ludwigsburg",
            name="Schuldnerberatung",
            service_type=Term.objects.get(vocabulary="service_type", code="debt_counselling"),
            languages=["de", "ar"],
        ),
        topics=[Term.objects.get(vocabulary="topic", code="schulden")],
    )
    w.sharing_consent_a = clients.save_record(
        w.counsellor_a,
        Consent(
            client=w.client_a,
            purpose="Schuldenregulierung",
            recipients="Diakonie Ludwigsburg",
            given_on=dt.date(2026, 2, 1),
            form=Consent.Form.WRITTEN,
            recorded_by=w.counsellor_a,
        ),
    )
    w.referral_a = network.make_referral(
        w.counsellor_a,
        Referral(
            client=w.client_a,
            service=w.service_a,
            kind=Referral.Kind.REFERRAL,
            consent=w.sharing_consent_a,
            purpose="Schuldenregulierung",
            made_on=dt.date(2026, 3, 2),
            status=Referral.Status.MADE,
            feedback_due_on=dt.date(2026, 3, 30),
            counsellor=w.counsellor_a,
        ),
    )
    w.appointment_a = network.save_appointment(
        w.counsellor_a,
        Appointment(
            office=w.office_a,
            counsellor=w.counsellor_a,
            client=w.client_a,
            starts_at=timezone.make_aware(
                dt.datetime.combine(timezone.localdate(), dt.time(10, 0))
            ),
            channel=Term.objects.get(vocabulary="channel", code="persoenlich"),
        ),
    )
    w.follow_up_a = network.save_follow_up(
        w.counsellor_a,
        FollowUp(
            client=w.client_a,
            due_on=dt.date(2026, 4, 1),
            note="Jobcenter-Bescheid prüfen",
            assigned_to=w.counsellor_a,
        ),
    )
    w.decision_a = clients.record_decision(
        w.counsellor_a,
        AsylumDecision(
            client=w.client_a,
            kind=DecisionKind.objects.get(code="rejected"),
            delivered_on=dt.date(2026, 3, 6),
            recorded_by=w.counsellor_a,
        ),
    )
    add_staffing(w)


KEY_FILE = (
    "Kennziffer;Name;Schlüsselzahl;Partner;Delegiert;Ohne Mindestbetrag\n"
    "08118;Landkreis Ludwigsburg;100;;;ja\n"
    "08118048;Ludwigsburg;700;08118;;\n"
    "08118027;Hemmingen;40;08118;ja;\n"
    "08118003;Asperg;60;08118;;\n"
).encode()


def add_staffing(w):
    """A position of office A with its costs, a grant of provider A and an allocation
    among the municipalities of district A."""
    w.position_a = audited_save(
        w.team_lead_a,
        Position(
            office=w.office_a,
            programme=w.bw_im,
            fte=Decimal("0.75"),
            holder=w.counsellor_a,
            starts_on=dt.date(2025, 1, 1),
        ),
    )
    audited_save(
        w.team_lead_a,
        PositionCosts(position=w.position_a, year=2026, personnel_eur=48000, material_eur=900),
    )
    w.grant_a = audited_save(
        w.team_lead_a,
        Grant(provider=w.provider_a, programme=w.bw_im, year=2026, amount_eur=45000),
    )
    key_file = staffing.read_key_file(read_csv(KEY_FILE))
    w.allocation_a = staffing.run_allocation(
        w.district_a,
        AllocationRun(
            title="Integrationsmanagement 2026",
            state=w.bw,
            district=w.lb,
            programme=w.bw_im,
            year=2026,
            key_label="Personen in der Anschlussunterbringung",
            budget_eur=100_000,
            minimum_eur=10_000,
            source_name="schluessel.csv",
            created_by=w.district_a,
        ),
        key_file.recipients,
        KEY_FILE,
    )


def demo_in_a_transaction(django_db_blocker):
    """The demo loaded inside a transaction that is rolled back when the generator ends;
    each test runs in a savepoint inside it (pytest-django's `db`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", clients=40, stdout=open(os.devnull, "w"))  # noqa: SIM115
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module (tests/reports/demo/ shares one for its
    package; the browser tests have their own, tests/e2e/conftest.py)."""
    yield from demo_in_a_transaction(django_db_blocker)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return build_world()


@contextmanager
def clock_at(moment):
    """Django's clock (`timezone.now`, which the audit log and the session checks read)
    stands at `moment` inside the block."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def confirm_password(client, password=PASSWORD):
    """Confirm the password on the page that exports and merges ask for first."""
    response = client.post("/accounts/confirm/", {"password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def api_token(user):
    """A secret API token of `user` with every scope (made without an audit event)."""
    secret = f"lotse_test-{secrets.token_urlsafe(16)}"
    ApiToken.objects.create(
        user=user,
        name="Test",
        prefix=secret[:12],
        token_hash=digest(secret),
        scopes=[scope.value for scope in Scope],
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    return secret


def code_for(device, steps_ahead=0):
    """The code that the device's app shows now (or `steps_ahead` time steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def device_for(user):
    """The user's second-factor device; one is set up for the test if there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test", confirmed=True)


def force_login(client, user):
    """Sign `user` in without the form; a second factor the sign-in owes counts as given
    with the user's device (as if its code had been entered)."""
    client.force_login(user)
    if client.session.get(second_factor.OWED) or second_factor.owed_by(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
        session.save()
    return client


def complete_sign_in(client):
    """After the password was accepted: enter the code if the sign-in asks for one, from
    a device set up afresh for the test (so that no earlier code was used up)."""
    session = client.session
    if SESSION_KEY not in session or not session.get(second_factor.OWED):
        return client
    user = User.objects.get(pk=session[SESSION_KEY])
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
    response = client.post("/accounts/second-factor/", {"code": code_for(device)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


@pytest.fixture
def client_for():
    """A test client signed in as `user` (with the second factor if they owe one);
    `confirmed=True` has confirmed the password too. It also sends an API token of the
    user, so that it reaches the API as the user too."""

    def make(user, *, confirmed=False):
        client = TestClient(headers={"Authorization": f"Bearer {api_token(user)}"})
        force_login(client, user)
        return confirm_password(client) if confirmed else client

    return make
