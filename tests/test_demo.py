import pytest
from django.core.management import call_command
from django.test import Client

from lotse.core import audit
from lotse.demo import data
from lotse.organisations.models import Delegation, District, Membership, Programme, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", clients=40, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_has_one_login_per_role_and_a_dozen_counsellors(demo):
    assert {
        m.role for m in Membership.objects.filter(user__username__in=[p[0] for p in data.PERSONAS])
    } == set(Role)
    assert Membership.objects.filter(role=Role.COUNSELLOR).count() >= 12


def test_the_browser_tests_cover_every_demo_persona():
    from tests.e2e.test_personas import NAVIGATION

    assert {p[0] for p in data.PERSONAS} == set(NAVIGATION)


def test_demo_covers_every_programme_state(demo):
    states = {p.state_id for p in Programme.objects.exclude(state=None)}
    assert states <= set(District.objects.values_list("state_id", flat=True))
    assert Delegation.objects.filter(
        municipality__name="Hemmingen", programme__key="bw-im"
    ).exists()


def test_every_printed_login_works(demo, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "already loaded" in out
    for login in data.logins():
        assert login.username in out
        client = Client()
        assert client.login(username=login.username, password=data.PASSWORD)
        assert client.get("/").status_code == 200


def test_the_audit_chain_of_the_demo_verifies(demo):
    result = audit.verify()
    assert result.broken is None and result.checked > 50


def test_the_demo_has_400_clients_by_default():
    from lotse.demo.management.commands.load_demo import Command

    options = Command().create_parser("manage.py", "load_demo").parse_args([])
    assert options.clients >= 400


def test_demo_clients_have_households_statuses_and_two_years_of_contacts(demo):
    from django.utils import timezone

    from lotse.clients.models import Client, HouseholdMember, ResidenceStatus
    from lotse.counselling.models import Contact

    assert Client.objects.count() == 40
    assert HouseholdMember.objects.exists() and ResidenceStatus.objects.count() >= 40
    assert Client.objects.filter(given_names="Mohammed", family_name="Al-Hassan").exists()
    dates = Contact.objects.order_by("date").values_list("date", flat=True)
    assert (timezone.localdate() - dates[0]).days > 365
    assert Contact.objects.filter(client=None, participants__isnull=False).exists()
    assert Contact.objects.filter(client=None, participants=None).exists()
    assert len({c.nationalities[0] for c in Client.objects.all()}) >= 5


def test_the_demo_directory_covers_every_service_type_in_every_district(demo):
    from lotse.core.models import Term
    from lotse.network.models import Service

    types = set(Term.objects.filter(vocabulary="service_type").values_list("code", flat=True))
    districts = list(District.objects.all())
    assert types and districts
    for district in districts:
        shared = Service.objects.filter(district=district, office=None, is_active=True)
        assert set(shared.values_list("service_type__code", flat=True)) == types, district
    assert Service.objects.filter(office__isnull=False).exists()


def test_my_day_of_the_counsellor_persona_is_full(demo):
    from django.utils import timezone

    from lotse.accounts.models import User
    from lotse.network.queries import my_day

    day = my_day(User.objects.get(username="beratung"))
    today = timezone.localdate()
    assert 3 <= len(day.appointments) <= 5
    assert len(day.overdue_feedback) >= 3
    assert len(day.follow_ups) >= 3 and all(f.due_on <= today for f in day.follow_ups)
    days_left = [(d.deadline - today).days for d in day.deadlines if d.deadline is not None]
    assert any(3 <= n <= 5 for n in days_left) and any(n < 0 for n in days_left)
    assert len(day.new_cases) == 2 and {c.assigned_by.username for c in day.new_cases} == {
        "teamleitung"
    }
    assert len(day.new_referrals) == 2 and {r.assigned_by.username for r in day.new_referrals} == {
        "teamleitung"
    }


def test_every_demo_referral_passes_data_only_with_a_consent_naming_the_service(demo):
    from lotse.network.models import Referral

    referrals = list(Referral.objects.select_related("consent", "service"))
    passed_on = [r for r in referrals if r.kind == Referral.Kind.REFERRAL]
    assert passed_on and len(passed_on) < len(referrals)
    for referral in passed_on:
        consent = referral.consent
        assert consent is not None and consent.client_id == referral.client_id
        assert referral.service.organisation in consent.recipient_lines()
        assert consent.names_recipient(referral.service.organisation)
    assert all(r.consent is None for r in referrals if r.kind == Referral.Kind.RECOMMENDATION)
