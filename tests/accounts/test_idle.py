"""The idle timeout (lotse/accounts/middleware.py): a session without a request for
IDLE_MINUTES is ended, with a message and an audit event; activity keeps it; the session
is written at most once a minute."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from lotse.core.models import AuditEvent
from tests.conftest import clock_at

pytestmark = pytest.mark.django_db
IDLE = dt.timedelta(minutes=settings.IDLE_MINUTES)


@pytest.fixture
def start():
    return timezone.now()


def test_an_idle_session_is_ended_with_a_message_and_audited(world, client_for, start):
    browser = client_for(world.counsellor_a)
    with clock_at(start):
        assert browser.get("/").status_code == 200
    with clock_at(start + IDLE):
        response = browser.get("/clients/?q=Hassan")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/clients/%3Fq%3DHassan"
    page = browser.get(response.url).content.decode()
    minutes = settings.IDLE_MINUTES
    assert f"Sie wurden nach {minutes} Minuten ohne Aktivität abgemeldet." in page
    event = AuditEvent.objects.filter(action="accounts.logout").latest("sequence")
    assert event.actor_id == world.counsellor_a.pk and event.data == {"reason": "idle"}
    assert browser.get("/").status_code == 302


def test_requests_keep_the_session(world, client_for, start):
    browser = client_for(world.counsellor_a)
    almost = IDLE - dt.timedelta(minutes=1)
    for step in range(4):
        with clock_at(start + step * almost):
            assert browser.get("/").status_code == 200
    assert not AuditEvent.objects.filter(action="accounts.logout").exists()


def test_the_session_is_written_at_most_once_a_minute(world, client_for, start):
    browser = client_for(world.counsellor_a)
    cookie = settings.SESSION_COOKIE_NAME
    with clock_at(start):
        assert cookie in browser.get("/").cookies  # the clock starts: the session is saved
    with clock_at(start + dt.timedelta(seconds=59)):
        assert cookie not in browser.get("/").cookies
    with clock_at(start + dt.timedelta(seconds=60)):
        assert cookie in browser.get("/").cookies
    # Counted from the last write: idle from there ends the session.
    with clock_at(start + dt.timedelta(seconds=60) + IDLE):
        assert browser.get("/").status_code == 302


def test_signing_in_starts_the_clock(world, start):
    from django.test import Client

    from tests.conftest import PASSWORD, complete_sign_in

    browser = Client()
    with clock_at(start):
        browser.post("/accounts/login/", {"username": "counsellor_a", "password": PASSWORD})
        complete_sign_in(browser)
        assert browser.get("/").status_code == 200
    with clock_at(start + IDLE):
        assert browser.get("/").status_code == 302


def test_an_idle_htmx_request_loads_the_whole_sign_in_page(world, client_for, start):
    browser = client_for(world.counsellor_a)
    with clock_at(start):
        browser.get("/")
    with clock_at(start + IDLE):
        response = browser.get("/clients/?q=Hassan", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")
    assert AuditEvent.objects.get(action="accounts.logout").data == {"reason": "idle"}
