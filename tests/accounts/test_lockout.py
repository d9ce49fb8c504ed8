"""Lockout after repeated wrong passwords (lotse/accounts/lockout.py): counted from the
audit log, the same for unknown usernames, no password check while locked, released
after the period, reset by a successful sign-in."""

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.test import Client
from django.utils import timezone

from lotse.core.models import AuditEvent
from tests.conftest import PASSWORD, clock_at, complete_sign_in

pytestmark = pytest.mark.django_db
PERIOD = dt.timedelta(minutes=settings.LOCKOUT_MINUTES)


@pytest.fixture
def start():
    return timezone.now()


def sign_in(username, password):
    """A sign-in from a fresh browser (with the code, if the password was accepted and
    the user owes one): the response and whether it is signed in now."""
    browser = Client()
    response = browser.post("/accounts/login/", {"username": username, "password": password})
    complete_sign_in(browser)
    return response, browser.get("/").status_code == 200


def errors(response):
    return response.context["form"].non_field_errors() if response.context else []


def fail(username, times):
    for _ in range(times):
        response, signed_in = sign_in(username, "wrong password")
        assert not signed_in
    return response


def locked_text(moment):
    """The minute from which to try again, as the message shows it."""
    until = timezone.localtime(moment + PERIOD)
    shown = until.replace(second=0, microsecond=0)
    if shown < until:
        shown += dt.timedelta(minutes=1)
    return f"ab {shown:%H:%M} Uhr erneut"


def test_the_limit_of_wrong_passwords_locks_the_username(world, start):
    limit = settings.LOCKOUT_FAILURES
    with clock_at(start):
        response = fail("counsellor_a", limit - 1)
        assert "gesperrt" not in response.content.decode()
        response = fail("counsellor_a", 1)
    page = response.content.decode()
    assert response.status_code == 200
    assert "vorübergehend gesperrt" in page and locked_text(start) in page
    assert 'value="counsellor_a"' in page and 'role="alert"' in page
    lock = AuditEvent.objects.get(action="accounts.locked")
    assert lock.data["username"] == "counsellor_a" and lock.actor_id is None
    failures = AuditEvent.objects.filter(action="accounts.login_failed")
    assert failures.filter(data__username="counsellor_a").count() == limit


def test_a_locked_username_is_refused_without_checking_the_password(world, start):
    with clock_at(start):
        fail("counsellor_a", settings.LOCKOUT_FAILURES)
    with (
        clock_at(start + PERIOD / 2),
        mock.patch.object(ModelBackend, "authenticate", autospec=True) as checked,
    ):
        response, signed_in = sign_in("counsellor_a", PASSWORD)
    assert not signed_in and checked.call_count == 0
    page = response.content.decode()
    assert "vorübergehend gesperrt" in page and 'value="counsellor_a"' in page
    refused = AuditEvent.objects.get(action="accounts.login_refused")
    assert refused.data == {"username": "counsellor_a"}
    # The refusal is not counted as a wrong password.
    assert AuditEvent.objects.filter(action="accounts.login_failed").count() == (
        settings.LOCKOUT_FAILURES
    )


def test_an_unknown_username_is_locked_the_same_way(world, start):
    with clock_at(start):
        known = fail("counsellor_a", settings.LOCKOUT_FAILURES)
        unknown = fail("nobody_at_all", settings.LOCKOUT_FAILURES)
        assert errors(unknown) == errors(known)
        response, _ = sign_in("nobody_at_all", "anything")
    assert errors(response) == errors(known)
    assert 'value="nobody_at_all"' in response.content.decode()
    assert AuditEvent.objects.filter(action="accounts.locked").count() == 2


def test_the_lock_is_released_after_the_period(world, start):
    with clock_at(start):
        fail("counsellor_a", settings.LOCKOUT_FAILURES)
    with clock_at(start + PERIOD - dt.timedelta(seconds=1)):
        assert not sign_in("counsellor_a", PASSWORD)[1]
    with clock_at(start + PERIOD + dt.timedelta(seconds=1)):
        assert sign_in("counsellor_a", PASSWORD)[1]
        # After the lock the count starts from nothing: one wrong password does not lock.
        response = fail("counsellor_a", 1)
    assert "gesperrt" not in response.content.decode()


def test_a_successful_sign_in_starts_the_count_again(world, start):
    below = settings.LOCKOUT_FAILURES - 1
    with clock_at(start):
        fail("counsellor_a", below)
        assert sign_in("counsellor_a", PASSWORD)[1]
        response = fail("counsellor_a", below)
        assert "gesperrt" not in response.content.decode()
        assert sign_in("counsellor_a", PASSWORD)[1]
    assert not AuditEvent.objects.filter(action="accounts.locked").exists()


def test_wrong_passwords_older_than_the_period_are_not_counted(world, start):
    with clock_at(start):
        fail("counsellor_a", settings.LOCKOUT_FAILURES - 1)
    with clock_at(start + PERIOD + dt.timedelta(seconds=1)):
        response = fail("counsellor_a", 1)
        assert "gesperrt" not in response.content.decode()
        assert sign_in("counsellor_a", PASSWORD)[1]


def test_a_lock_is_for_one_username_only(world, start):
    with clock_at(start):
        fail("counsellor_a", settings.LOCKOUT_FAILURES)
        assert sign_in("team_lead_a", PASSWORD)[1]
        assert not sign_in("counsellor_a", PASSWORD)[1]


def test_the_count_is_one_query_on_the_indexed_action_and_time(
    world, start, django_assert_num_queries
):
    from lotse.accounts import lockout

    index = next(i for i in AuditEvent._meta.indexes if i.name == "audit_action_time_idx")
    assert index.fields == ["action", "occurred_at"]
    with django_assert_num_queries(1):
        assert lockout.locked_until("counsellor_a") is None
