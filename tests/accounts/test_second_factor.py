"""The second factor: who owes it."""

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError

from lotse.core import access
from lotse.organisations.models import Programme, Role

pytestmark = pytest.mark.django_db


def test_by_default_everyone_who_sees_personal_data_needs_it(world):
    # The tests run with the production settings: nothing in LOTSE_SECOND_FACTOR_ROLES.
    assert set(django_settings.SECOND_FACTOR_ROLES) == access.PERSONAL_DATA_ROLES
    assert {Role.COUNSELLOR, Role.TEAM_LEAD} == access.PERSONAL_DATA_ROLES
    assert access.needs_second_factor(world.counsellor_a)
    assert access.needs_second_factor(world.team_lead_b)
    for user in (world.coordinator_a, world.district_a, world.state_bw, world.admin):
        assert not access.needs_second_factor(user), user.username


def test_the_operator_and_a_programme_choose_who_needs_it(world, settings):
    settings.SECOND_FACTOR_ROLES = [Role.DISTRICT_COORDINATOR]
    assert access.needs_second_factor(world.district_a)
    assert not access.needs_second_factor(world.counsellor_a)
    # A programme requires it of a role wherever the role reaches an office running it.
    settings.SECOND_FACTOR_ROLES = []
    other = Programme.objects.get(key="sh-msb")  # run by no office of the world
    other.second_factor_roles = [Role.PROVIDER_COORDINATOR]
    other.save()
    assert not access.needs_second_factor(world.coordinator_a)
    world.bw_im.second_factor_roles = [Role.PROVIDER_COORDINATOR, Role.STATE_ANALYST]
    world.bw_im.save()
    assert access.needs_second_factor(world.coordinator_a)
    assert access.needs_second_factor(world.state_bw)
    assert not access.needs_second_factor(world.state_sh)  # no office of theirs runs it
    assert not access.needs_second_factor(world.counsellor_a)
    world.bw_im.second_factor_roles = ["nobody"]
    with pytest.raises(ValidationError) as refused:
        world.bw_im.full_clean()
    assert set(refused.value.message_dict) == {"second_factor_roles"}
