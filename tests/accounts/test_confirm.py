"""The password confirmation before exports, merges and erasure
(`access.recently_confirmed` and the page "Bitte bestätigen Sie Ihr Passwort")."""

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from lotse.core import access
from lotse.core.access import Capability
from lotse.core.models import AuditEvent
from tests.conftest import PASSWORD, clock_at
from tests.reports.fixtures import add_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def export(world):
    """The XLSX export of district A's report run, and its confirmation address."""
    add_report(world)
    url = f"/reports/runs/{world.run_a.pk}.xlsx"
    return url, f"/accounts/confirm/?next=%2Freports%2Fruns%2F{world.run_a.pk}.xlsx"


def test_an_export_asks_for_the_password_first(world, client_for, export):
    url, confirm = export
    browser = client_for(world.district_a)
    response = browser.get(url)
    assert response.status_code == 302 and response.url == confirm
    assert not AuditEvent.objects.filter(action="reports.run.exported").exists()
    page = browser.get(confirm).content.decode()
    assert "<h1>Bitte bestätigen Sie Ihr Passwort</h1>" in page
    assert f'name="next" value="{url}"' in page


def test_the_right_password_lets_the_export_through(world, client_for, export):
    url, confirm = export
    browser = client_for(world.district_a)
    response = browser.post(confirm, {"password": PASSWORD, "next": url})
    assert response.status_code == 302 and response.url == url
    event = AuditEvent.objects.get(action="accounts.confirmed")
    assert event.actor_id == world.district_a.pk
    response = browser.get(url)
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert AuditEvent.objects.filter(action="reports.run.exported").count() == 1


def test_a_wrong_password_is_refused_and_counted_for_the_lockout(world, client_for, export):
    url, confirm = export
    browser = client_for(world.district_a)
    response = browser.post(confirm, {"password": "wrong", "next": url})
    assert response.status_code == 200
    assert response.context["form"].errors == {"password": ["Das Passwort ist nicht richtig."]}
    assert f'name="next" value="{url}"' in response.content.decode()
    failed = AuditEvent.objects.get(action="accounts.confirm_failed")
    assert failed.actor_id == world.district_a.pk and failed.data == {"username": "district_a"}
    assert browser.get(url).status_code == 302
    for _ in range(settings.LOCKOUT_FAILURES - 1):
        response = browser.post(confirm, {"password": "wrong", "next": url})
    assert "vorübergehend gesperrt" in response.content.decode()
    assert AuditEvent.objects.get(action="accounts.locked").data["username"] == "district_a"
    # Locked: the right password is not checked, here or at sign-in.
    with mock.patch.object(ModelBackend, "authenticate", autospec=True) as checked:
        response = browser.post(confirm, {"password": PASSWORD, "next": url})
        sign_in = Client().post(
            "/accounts/login/", {"username": "district_a", "password": PASSWORD}
        )
    assert checked.call_count == 0
    assert "vorübergehend gesperrt" in response.content.decode()
    assert "vorübergehend gesperrt" in sign_in.content.decode()
    assert AuditEvent.objects.filter(action="accounts.confirm_refused").count() == 1
    assert browser.get(url).status_code == 302


def test_wrong_confirmations_and_sign_ins_add_up(world, client_for, export):
    url, confirm = export
    browser = client_for(world.district_a)
    for _ in range(settings.LOCKOUT_FAILURES - 1):
        Client().post("/accounts/login/", {"username": "district_a", "password": "wrong"})
    response = browser.post(confirm, {"password": "wrong", "next": url})
    assert "vorübergehend gesperrt" in response.content.decode()


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/reports/", "javascript:alert(1)"]
)
def test_an_unsafe_next_is_ignored(world, client_for, unsafe):
    browser = client_for(world.district_a)
    page = browser.get("/accounts/confirm/", {"next": unsafe}).content.decode()
    assert unsafe not in page
    response = browser.post("/accounts/confirm/", {"password": PASSWORD, "next": unsafe})
    assert response.status_code == 302 and response.url == "/"


def test_a_confirmation_lasts_confirm_minutes(world, client_for, export):
    url, confirm = export
    browser = client_for(world.district_a)
    start = timezone.now()
    lasts = dt.timedelta(minutes=settings.CONFIRM_MINUTES)
    with clock_at(start):
        browser.post(confirm, {"password": PASSWORD, "next": url})
    with clock_at(start + lasts - dt.timedelta(seconds=1)):
        assert browser.get(url).status_code == 200
    with clock_at(start + lasts):
        assert browser.get(url).url == confirm


def test_a_confirmation_ends_with_the_session(world, client_for, export):
    url, confirm = export
    browser = client_for(world.district_a, confirmed=True)
    assert browser.get(url).status_code == 200
    browser.post("/accounts/logout/")
    browser.force_login(world.district_a)
    assert browser.get(url).url == confirm


def test_the_confirmation_is_asked_for_only_after_the_capability():
    def view(request):
        return HttpResponse()

    with pytest.raises(ImproperlyConfigured):
        access.recently_confirmed()(access.requires(Capability.STAFFING)(view))
    checked = access.requires(Capability.STAFFING)(access.recently_confirmed()(view))
    assert getattr(checked, "lotse_capability", None) == Capability.STAFFING
    assert getattr(checked, "lotse_confirmation", False)
