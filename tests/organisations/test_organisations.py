import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import override

from lotse.core.models import AuditEvent, Term
from lotse.organisations import services as org
from lotse.organisations.models import District, Membership, Programme, Provider, Role, State

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "ags, message",
    [
        ("0811804", "eight digits"),
        ("08212001", "begin with the district key"),
        ("0811804x", "digits"),
    ],
)
def test_municipality_keys_are_checked(world, ags, message):
    before = AuditEvent.objects.count()
    with override("en"), pytest.raises(ValidationError, match=message):
        org.create_municipality(None, world.lb, ags=ags, name="Nirgendwo")
    assert AuditEvent.objects.count() == before


def test_district_keys_begin_with_the_state_key(world):
    with override("en"), pytest.raises(ValidationError, match="begin with the state key"):
        org.create_district(None, world.sh, key="08119", name="Falsch", kind=District.Kind.RURAL)


def test_an_office_works_only_under_programmes_of_its_states(world):
    sh_msb = Programme.objects.get(key="sh-msb")
    mbe = Programme.objects.get(key="mbe")
    with override("en"), pytest.raises(ValidationError, match="MSB Schleswig-Holstein"):
        org.create_office(
            None,
            world.provider_a,
            name="Falsch",
            district=world.lb,
            municipalities=[world.hemmingen],
            programmes=[sh_msb],
        )
    office = org.create_office(
        None,
        world.provider_a,
        name="Bund",
        district=world.lb,
        municipalities=[world.hemmingen],
        programmes=[mbe, world.bw_im],
    )
    assert set(office.programmes.all()) == {mbe, world.bw_im}


def test_a_municipality_delegates_its_duty_to_the_district(world, client_for):
    delegation = org.delegate_to_district(
        None,
        world.hemmingen,
        world.bw_im,
        valid_from=dt.date(2017, 10, 1),
        decision="Gemeinderatsbeschluss vom 10.07.2017",
    )
    assert delegation.district == world.lb
    event = AuditEvent.objects.get(action="organisations.delegation.created")
    assert event.district_id == world.lb.pk
    page = (
        client_for(world.district_a)
        .get(f"/organisations/districts/{world.lb.pk}/")
        .content.decode()
    )
    assert "Gemeinderatsbeschluss vom 10.07.2017" in page
    with override("en"), pytest.raises(ValidationError, match="does not apply"):
        org.delegate_to_district(
            None,
            world.hemmingen,
            Programme.objects.get(key="sh-msb"),
            valid_from=dt.date(2020, 1, 1),
        )


def test_each_role_needs_an_organisation_of_its_level(world):
    with pytest.raises(ValidationError):
        org.add_membership(None, world.counsellor_b, Role.COUNSELLOR, None)
    with pytest.raises(ValidationError):
        org.add_membership(None, world.counsellor_b, Role.ADMINISTRATOR, world.office_a)
    with pytest.raises(ValueError):
        org.add_membership(None, world.counsellor_b, Role.TEAM_LEAD, world.provider_a)


def test_the_database_refuses_a_membership_of_the_wrong_level(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=world.counsellor_b, role=Role.COUNSELLOR, provider=world.provider_a
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=world.counsellor_b, role=Role.STATE_ANALYST, state=world.bw, district=world.lb
        )


def test_programme_rules_are_checked():
    programme = Programme.objects.get(key="sh-msb")
    programme.extension_limit_months = 30
    programme.ratio_basis = ""
    programme.eligibility_criteria = {"case_management": [{"fact": "age", "min": 18}]}
    with pytest.raises(ValidationError) as excinfo:
        programme.full_clean()
    assert set(excinfo.value.message_dict) == {
        "extension_limit_months",
        "ratio_basis",
        "eligibility_criteria",
    }


def test_adding_a_programme_needs_no_code(world, client_for):
    """An administrator adds a sixth programme in the administration; every page reads it."""
    client = client_for(world.admin)
    closure = Term.objects.filter(vocabulary=Term.Vocabulary.CLOSURE_REASON)
    hessen = State.objects.get(code="06")
    response = client.post(
        "/admin/organisations/programme/add/",
        {
            "key": "he-wir",
            "name": "WIR-Vielfaltszentren",
            "short_name": "WIR Hessen",
            "state": hessen.pk,
            "target_group": "Zugewanderte in Hessen",
            "eligibility_criteria": '{"case_management": [{"fact": "months_since_entry", '
            '"max": 60, "text": "bis 5 Jahre nach der Einreise"}]}',
            "case_management_limit_months": 24,
            "limit_warning_months": 2,
            "review_interval_months": 4,
            "retention_months": 60,
            "ratio_persons_per_fte": 90,
            "ratio_basis": "case_management_cases",
            "funding_model": "provider_grant",
            "closure_reasons": [t.pk for t in closure],
            "is_active": "on",
        },
    )
    refused = response.context and response.context["adminform"].form.errors
    assert response.status_code == 302, refused
    programme = Programme.objects.get(key="he-wir")
    assert programme.closure_reasons.count() == closure.count()
    assert AuditEvent.objects.filter(
        action="organisations.programme.created", actor_id=world.admin.pk
    ).exists()
    listing = client_for(world.counsellor_a).get("/organisations/programmes/").content.decode()
    assert "WIR Hessen" in listing
    detail = (
        client_for(world.counsellor_a).get("/organisations/programmes/he-wir/").content.decode()
    )
    assert "bis 5 Jahre nach der Einreise" in detail
    assert "24" in detail


def test_invalid_programme_input_is_explained_and_kept(world, client_for):
    response = client_for(world.admin).post(
        "/admin/organisations/programme/add/",
        {
            "key": "he-x",
            "name": "X",
            "short_name": "X",
            "target_group": "t",
            "eligibility_criteria": '{"counselling": [{"fact": "age", "min": 18}]}',
            "limit_warning_months": 3,
            "review_interval_months": 6,
            "funding_model": "provider_grant",
        },
    )
    assert response.status_code == 200
    assert "Die Kriterien sind ungültig" in response.content.decode()
    assert "explanatory" in response.content.decode()
    assert not Programme.objects.filter(key="he-x").exists()


def test_non_administrators_cannot_reach_the_administration(world, client_for):
    for user in (
        world.counsellor_a,
        world.team_lead_a,
        world.coordinator_a,
        world.district_a,
        world.state_bw,
    ):
        assert client_for(user).get("/admin/organisations/provider/").status_code == 404
    assert client_for(world.admin).get("/admin/organisations/provider/").status_code == 200
    assert Provider.objects.count() == 2
