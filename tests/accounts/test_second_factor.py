"""The second factor (lotse/accounts/second_factor.py): who owes it, the pages it keeps a
session on until it is given, setting it up, the code at sign-in, wrong codes and the
lockout, and the administrator's reset."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from lotse.accounts import second_factor
from lotse.core import access
from lotse.core.models import AuditEvent
from lotse.organisations.models import Programme, Role
from tests.conftest import PASSWORD, clock_at, code_for, device_for

pytestmark = pytest.mark.django_db
VERIFY = "/accounts/second-factor/"
SET_UP = "/accounts/second-factor/set-up/"


def password_sign_in(username):
    browser = Client()
    response = browser.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return browser


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


def test_until_the_code_is_given_every_page_asks_for_it(world):
    device_for(world.counsellor_a)
    browser = password_sign_in("counsellor_a")
    response = browser.get("/clients/?q=Hassan")
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2Fclients%2F%3Fq%3DHassan"
    response = browser.get("/clients/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == f"{VERIFY}?next=%2Fclients%2F"
    assert browser.get(SET_UP).url == VERIFY  # a device is set up: its code is asked for
    page = browser.get(VERIFY).content.decode()
    assert "Bitte geben Sie den Code aus Ihrer App ein" in page
    # Static files pass (without DEBUG the test server serves none: 404, not a redirect).
    assert browser.get("/static/lotse/lotse.css").status_code == 404
    assert browser.post("/accounts/logout/").status_code == 302
    assert AuditEvent.objects.filter(action="accounts.logout").exists()
    # Who owes nothing goes straight in.
    assert password_sign_in("district_a").get("/").status_code == 200


def test_set_up_with_a_first_code_then_sign_in_with_the_next(world):
    user = world.counsellor_a
    browser = password_sign_in("counsellor_a")
    assert browser.get("/").url == f"{SET_UP}?next=%2F"
    page = browser.get(SET_UP).content.decode()
    assert '<img class="qr-code" src="data:image/svg+xml' in page
    key = browser.session[second_factor.NEW_KEY]
    assert second_factor.secret_text(key) in page
    app = TOTPDevice(user=user, key=key)  # the app: the same key, not saved
    first = code_for(app)
    response = browser.post(SET_UP, {"code": "000000" if first != "000000" else "111111"})
    assert (
        response.status_code == 200 and "Der Code ist nicht richtig." in response.content.decode()
    )
    assert not TOTPDevice.objects.exists()
    response = browser.post(SET_UP, {"code": first, "next": "/clients/"})
    assert response.status_code == 302 and response.url == "/clients/"
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    assert device.key == key
    assert AuditEvent.objects.filter(action=second_factor.SET_UP_EVENT, actor_id=user.pk).exists()
    assert browser.get("/").status_code == 200
    browser.post("/accounts/logout/")

    browser = password_sign_in("counsellor_a")
    assert browser.get("/").url == f"{VERIFY}?next=%2F"
    # The code of the set-up is used up; the app shows the next one half a minute later
    # (and django-otp checks the next code only a moment after a wrong one).
    replayed = browser.post(VERIFY, {"code": first})
    assert "Der Code ist nicht richtig." in replayed.content.decode()
    with clock_at(timezone.now() + dt.timedelta(seconds=5)):
        response = browser.post(VERIFY, {"code": code_for(app, steps_ahead=1), "next": "/clients/"})
    assert response.status_code == 302 and response.url == "/clients/"
    verified = AuditEvent.objects.get(action=second_factor.VERIFIED_EVENT)
    assert verified.actor_id == user.pk
    assert browser.get("/").status_code == 200


def test_wrong_codes_are_audited_and_lock_the_username_with_wrong_passwords(world):
    device = device_for(world.counsellor_a)
    start, limit = timezone.now(), django_settings.LOCKOUT_FAILURES
    with clock_at(start):
        browser = password_sign_in("counsellor_a")
        response = browser.post(VERIFY, {"code": "12345"})  # not six digits: not counted
        assert "sechs Ziffern" in response.content.decode()
        Client().post("/accounts/login/", {"username": "counsellor_a", "password": "wrong"})
    # Each wrong code makes django-otp wait longer before the next is checked: the
    # clock moves on by more than that.
    wrong = "000000" if code_for(device) != "000000" else "111111"
    for attempt in range(1, limit - 1):
        with clock_at(start + dt.timedelta(seconds=20 * attempt)):
            response = browser.post(VERIFY, {"code": wrong})
        assert "Der Code ist nicht richtig." in response.content.decode()
    failed = AuditEvent.objects.filter(action=second_factor.FAILED_EVENT)
    assert failed.count() == limit - 2
    assert failed.filter(actor_id=world.counsellor_a.pk, data__username="counsellor_a").exists()
    # The right password again does not start the count again while the code is owed.
    with clock_at(start + dt.timedelta(minutes=2)):
        browser = password_sign_in("counsellor_a")
        response = browser.post(VERIFY, {"code": wrong})
    assert "Zu viele falsche Codes" in response.content.decode()
    assert AuditEvent.objects.get(action="accounts.locked").data["username"] == "counsellor_a"
    # Locked: the right code is not checked, and the password is refused too.
    with clock_at(start + dt.timedelta(minutes=3)):
        response = browser.post(VERIFY, {"code": code_for(device)})
        assert "Zu viele falsche Codes" in response.content.decode()
        assert browser.get("/").status_code == 302
        refused = Client().post(
            "/accounts/login/", {"username": "counsellor_a", "password": PASSWORD}
        )
    assert "vorübergehend gesperrt" in refused.content.decode()
    assert AuditEvent.objects.filter(action="accounts.second_factor_refused").count() == 1
    assert not AuditEvent.objects.filter(action=second_factor.VERIFIED_EVENT).exists()


def test_a_reset_signs_the_user_out_everywhere(world, client_for):
    device_for(world.counsellor_a)
    lost_phone = client_for(world.counsellor_a)  # still signed in on the lost phone
    assert lost_phone.get("/").status_code == 200
    colleague = client_for(world.team_lead_a)
    second_factor.reset(world.admin, world.counsellor_a)
    # Whoever holds the phone can neither go on nor set up a device of their own
    # without the password.
    for path in ("/", SET_UP):
        response = lost_phone.get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert colleague.get("/").status_code == 200
    event = AuditEvent.objects.get(action=second_factor.RESET_EVENT)
    assert event.data == {"devices": 1, "sessions": 1}


def test_an_administrator_resets_a_lost_device(world, client_for):
    device_for(world.counsellor_a)
    admin = client_for(world.admin)
    changelist = admin.get("/admin/accounts/user/").content.decode()
    assert "Zweiten Faktor zurücksetzen" in changelist
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [world.counsellor_a.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.counsellor_a).exists()
    event = AuditEvent.objects.get(action=second_factor.RESET_EVENT)
    assert event.actor_id == world.admin.pk and event.object_id == str(world.counsellor_a.pk)
    assert event.data == {"devices": 1, "sessions": 0}
    # The next sign-in sets up a new one.
    assert password_sign_in("counsellor_a").get("/").url == f"{SET_UP}?next=%2F"
    # Nobody else may reset it: the administration answers 404.
    counsellor = client_for(world.team_lead_a)
    assert (
        counsellor.post("/admin/accounts/user/", {"action": "reset_second_factor"}).status_code
        == 404
    )
