import pytest

from lotse.core import access
from lotse.core.access import PERSONAL_DATA_ROLES, ROLE_CAPABILITIES, Capability
from lotse.organisations.models import Role

pytestmark = pytest.mark.django_db


def names(queryset):
    return {o.name for o in queryset}


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("counsellor_a", {"Migrationsdienst Ludwigsburg"}),
        ("team_lead_a", {"Migrationsdienst Ludwigsburg"}),
        ("coordinator_a", {"Migrationsdienst Ludwigsburg", "Migrationsdienst Hemmingen"}),
        ("district_a", {"Migrationsdienst Ludwigsburg", "Migrationsdienst Hemmingen"}),
        (
            "state_bw",
            {
                "Migrationsdienst Ludwigsburg",
                "Migrationsdienst Hemmingen",
                "Integrationsmanagement Karlsruhe",
            },
        ),
        ("state_sh", set()),
        ("counsellor_b", {"Integrationsmanagement Karlsruhe"}),
        (
            "admin",
            {
                "Migrationsdienst Ludwigsburg",
                "Migrationsdienst Hemmingen",
                "Integrationsmanagement Karlsruhe",
            },
        ),
    ],
)
def test_offices_follow_membership_scope(world, persona, expected):
    assert (
        names(access.offices_for(getattr(world, persona), Capability.VIEW_ORGANISATION)) == expected
    )


def test_personal_data_stays_in_the_office(world):
    assert {Role.COUNSELLOR, Role.TEAM_LEAD} == PERSONAL_DATA_ROLES
    assert names(access.offices_for(world.counsellor_a, Capability.PERSONAL_DATA)) == {
        "Migrationsdienst Ludwigsburg"
    }
    for persona in (world.coordinator_a, world.district_a, world.state_bw, world.admin):
        assert not access.has_capability(persona, Capability.PERSONAL_DATA)
        assert not access.offices_for(persona, Capability.PERSONAL_DATA).exists()


def test_district_and_state_roles_see_aggregates_only():
    # Allocating a budget works on keys of municipalities, never on persons.
    assert ROLE_CAPABILITIES[Role.STATE_ANALYST] == {
        Capability.VIEW_ORGANISATION,
        Capability.VIEW_AGGREGATES,
        Capability.ALLOCATE,
    }
    # The district keeps the service directory, which holds no personal data.
    assert ROLE_CAPABILITIES[Role.DISTRICT_COORDINATOR] == {
        Capability.VIEW_ORGANISATION,
        Capability.VIEW_AGGREGATES,
        Capability.DIRECTORY,
        Capability.ALLOCATE,
    }


def test_an_inactive_membership_or_user_grants_nothing(world):
    membership = world.counsellor_a.memberships.get()
    membership.is_active = False
    membership.save()
    user = type(world.counsellor_a).objects.get(pk=world.counsellor_a.pk)
    assert not access.offices_for(user, Capability.VIEW_ORGANISATION).exists()
    user = type(world.team_lead_a).objects.get(pk=world.team_lead_a.pk)
    user.is_active = False
    assert not access.has_capability(user, Capability.SIGNED_IN)
    assert not access.offices_for(user, Capability.PERSONAL_DATA).exists()


def test_outsiders_get_404_on_every_object_url_of_the_office(world, client_for):
    urls = [
        f"/organisations/offices/{world.office_a.pk}/",
        f"/organisations/providers/{world.provider_a.pk}/",
        f"/organisations/districts/{world.lb.pk}/",
    ]
    for user in world.outsiders:
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.username, url)
    assert client_for(world.counsellor_a).get(urls[0]).status_code == 200


def test_garbage_ids_are_404_not_errors(world, client_for):
    client = client_for(world.admin)
    assert client.get("/organisations/offices/999999/").status_code == 404
    assert client.get("/organisations/programmes/no-such-programme/").status_code == 404
