import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from lotse.core import audit
from lotse.demo import data
from lotse.organisations.models import Delegation, District, Membership, Programme, Role
from tests.conftest import complete_sign_in

pytestmark = pytest.mark.django_db


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
        # The tests run with the production settings: counsellors and team leads give the
        # code from their app too (`make demo` asks nobody, docs/data-protection.md).
        complete_sign_in(client)
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


def test_the_demo_key_file_names_the_demo_municipalities_by_their_official_keys():
    from decimal import Decimal

    from lotse.core.lib.allocation import allocate
    from lotse.core.lib.tables import read_csv
    from lotse.demo import staffing
    from lotse.staffing.services import read_key_file

    raw = staffing.key_file_path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    key_file = read_key_file(read_csv(raw))
    assert key_file.errors == []
    recipients = {r.id: r for r in key_file.recipients}
    ludwigsburg = next(entry for entry in data.GEOGRAPHY["08"] if entry[0] == "08118")
    for ags, name in ludwigsburg[3]:
        assert recipients[ags].name == name
    assert recipients["08118"].last_resort and recipients["08118"].name == "Landkreis Ludwigsburg"
    # The outcome the comment in lotse/demo/staffing.py describes.
    result = allocate(staffing.ALLOCATION_BUDGET, key_file.recipients, staffing.ALLOCATION_MINIMUM)
    assert result.rate_cents == Decimal("232.29")
    assert result.line("08118027").status == "delegated to 08118"
    assert result.line("08118011").status == "pooled into 08118"
    assert result.line("08118071").pooled_into == "08118003"
    assert result.line("08118").allocated == 562_137
    assert all(line.status != "below minimum" for line in result.lines)
    assert sum(line.allocated for line in result.lines) == staffing.ALLOCATION_BUDGET


def test_the_demo_has_costs_grants_counted_persons_and_an_allocation(demo):
    from django.utils import timezone

    from lotse.staffing.models import AllocationRun, FlatRate, Grant, PersonsCount, Position
    from lotse.staffing.services import stored_allocation

    years = {timezone.localdate().year - 1, timezone.localdate().year}
    positions = list(
        Position.objects.select_related("office__district", "programme").prefetch_related(
            "costs", "programme__required_qualifications"
        )
    )
    assert positions and all(p.funding_source for p in positions)
    assert any(p.qualification_problem() for p in positions)
    assert any(p.is_vacant and p.office.district.key == "08118" for p in positions)
    assert all({c.year for c in p.costs.all()} == years for p in positions)
    # One sh-msb position's material costs exceed the cap, so the spending proof caps them.
    assert any(
        c.material_eur > (p.programme.max_material_per_fte_eur or 0) * p.fte > 0
        for p in positions
        if p.programme.key == "sh-msb"
        for c in p.costs.all()
    )
    bw_im = Programme.objects.get(key="bw-im")
    assert set(
        FlatRate.objects.filter(programme=bw_im).values_list("qualification", flat=True)
    ) == {q.pk for q in bw_im.required_qualifications.all()}
    funded = {(p.office.provider_id, p.programme_id) for p in positions if p.programme.state_id}
    for year in years:
        assert set(Grant.objects.filter(year=year).values_list("provider", "programme")) == funded
    counts = PersonsCount.objects.filter(programme__key="bb-msa")
    assert {(c.office.name, c.year) for c in counts} == {
        (o, y)
        for o in ("Migrationssozialarbeit Oranienburg", "Migrationsberatung Hennigsdorf")
        for y in years
    }
    assert all(120 <= c.persons <= 260 for c in counts)

    run = AllocationRun.objects.get()
    assert run.created_by.username == "kreis" and run.district.key == "08118"
    assert run.programme.key == "bw-im" and run.state.code == "08"
    table = stored_allocation(run)
    assert table.reproduces()
    assert sum(line.allocated for line in table.lines) == run.budget_eur == 1_200_000
    assert any(line.status.startswith("pooled into") for line in table.lines)
    assert any(line.status.startswith("delegated to") for line in table.lines)
    assert audit.verify().broken is None


def test_the_coordinators_ratio_page_matches_a_count_by_hand(demo):
    """Every figure of the district coordinator's ratio page, counted again in Python
    over all rows: offices of the district, current held positions, and what each
    programme's ratio counts."""
    from lotse.cases.models import Case
    from lotse.organisations.models import Office
    from lotse.staffing.models import PersonsCount, Position

    today = timezone.localdate()
    year_start, year_end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    offices = [
        o
        for o in Office.objects.all()
        if o.district.key == "08118"
        or any(m.district.key == "08118" for m in o.municipalities.all())
    ]
    expected = {}
    for office in offices:
        for programme in office.programmes.all():
            fte = sum(
                (
                    p.fte
                    for p in Position.objects.all()
                    if p.office_id == office.pk
                    and p.programme_id == programme.pk
                    and p.holder_id is not None
                    and p.starts_on <= today
                    and (p.ends_on is None or p.ends_on >= today)
                ),
                Decimal(0),
            )
            cases = [
                c
                for c in Case.objects.all()
                if c.office_id == office.pk and c.programme_id == programme.pk
            ]
            counted = {
                "case_management_cases": sum(
                    1
                    for c in cases
                    if c.opened_on <= today and (c.closed_on is None or c.closed_on > today)
                ),
                "case_management_persons_per_year": len(
                    {
                        c.client_id
                        for c in cases
                        if c.opened_on <= year_end
                        and (c.closed_on is None or c.closed_on >= year_start)
                    }
                ),
                "persons_housed": sum(
                    c.persons
                    for c in PersonsCount.objects.all()
                    if c.office_id == office.pk
                    and c.programme_id == programme.pk
                    and c.year == today.year
                ),
                "": "",
            }[programme.ratio_basis]
            expected[(programme.key, office.name)] = (str(counted), f"{fte:.2f}")
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(data_user("kreis"))
    page = browser.get("/staffing/").content.decode()
    shown = {}
    for key, table in re.findall(r'data-programme="([^"]+)">(.*?)</table>', page, re.S):
        for unit, counted, fte in re.findall(
            r'<tr data-unit="([^"]+)" data-counted="([^"]*)" data-fte="([^"]+)">', table
        ):
            shown[(key, unit.replace("&amp;", "&"))] = (counted, f"{Decimal(fte):.2f}")
    assert shown == expected
    # The demo gives the coordinator real figures: MBE cases and IM positions.
    assert any(k == "mbe" and int(c) > 0 for (k, _), (c, _f) in shown.items())
    assert sum(Decimal(f) for (k, _), (_c, f) in shown.items() if k == "bw-im") > 1


def data_user(username):
    from lotse.accounts.models import User

    return User.objects.get(username=username)


def test_the_demo_logs_structural_work_and_matches_a_volunteer_with_consent(demo):
    from lotse.structural import services
    from lotse.structural.models import Activity, Match, Volunteer

    today = timezone.localdate()
    assert Activity.objects.count() >= 8 * 4
    assert set(Activity.objects.values_list("kind", flat=True)) == set(Activity.Kind.values)
    assert any(services.certificate_problem(v, today) for v in Volunteer.objects.all())
    match = Match.objects.select_related("consent", "volunteer").get()
    assert match.consent.in_force(today)
    assert match.consent.names_recipient(match.volunteer.full_name)
    assert services.match_problems(match) == {}
