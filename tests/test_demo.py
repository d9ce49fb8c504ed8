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
