import re

import pytest
from django.core import mail
from django.test import Client

from lotse.core.models import AuditEvent
from tests.conftest import PASSWORD, complete_sign_in

pytestmark = pytest.mark.django_db


def test_sign_in_and_out_are_audited(world):
    client = Client()
    response = client.post("/accounts/login/", {"username": "counsellor_a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEvent.objects.filter(
        action="accounts.login", actor_id=world.counsellor_a.pk
    ).exists()
    complete_sign_in(client)  # the code from the app, which counsellors owe
    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    logout = AuditEvent.objects.get(action="accounts.logout", actor_id=world.counsellor_a.pk)
    assert logout.data == {"reason": "user"}
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused_keeps_the_username_and_is_audited(world):
    response = Client().post("/accounts/login/", {"username": "counsellor_a", "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="counsellor_a"' in page
    assert 'role="alert"' in page
    event = AuditEvent.objects.filter(action="accounts.login_failed").latest("sequence")
    assert event.data == {"username": "counsellor_a"}


def test_an_inactive_user_cannot_sign_in(world):
    world.counsellor_a.is_active = False
    world.counsellor_a.save()
    assert not Client().login(username="counsellor_a", password=PASSWORD)


def test_password_change(world, client_for):
    client = client_for(world.counsellor_a)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "a-new-long-secret-42",
            "new_password2": "a-new-long-secret-42",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-secret-42",
            "new_password2": "a-new-long-secret-42",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="accounts.password_changed", actor_id=world.counsellor_a.pk
    ).exists()
    assert Client().login(username="counsellor_a", password="a-new-long-secret-42")


@pytest.mark.parametrize(
    ("weak", "message"),
    [
        ("short", "Dieses Passwort ist zu kurz. Es muss mindestens 12 Zeichen enthalten."),
        ("password1234", "Dieses Passwort ist zu üblich."),
        ("492837465019", "Dieses Passwort ist komplett numerisch."),
        ("counsellor_a1", "Das Passwort ist zu ähnlich zu Benutzername."),
    ],
)
def test_a_weak_new_password_is_refused_with_the_rule_and_nothing_is_kept(
    world, client_for, weak, message
):
    browser = client_for(world.counsellor_a)
    response = browser.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200
    errors = [e.strip() for e in response.context["form"].errors["new_password2"]]
    assert message in errors
    assert message in response.content.decode()
    world.counsellor_a.refresh_from_db()
    assert world.counsellor_a.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="accounts.password_changed").exists()
    assert browser.get("/").status_code == 200  # still signed in


def test_a_weak_password_is_refused_at_reset_too(world):
    client = Client()
    client.post("/accounts/password/reset/", {"email": "counsellor_a@example.org"})
    link = re.search(
        r"http://testserver(/accounts/password/reset/\S+/)", str(mail.outbox[0].body)
    ).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert "Dieses Passwort ist zu kurz." in response.content.decode()
    world.counsellor_a.refresh_from_db()
    assert world.counsellor_a.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="accounts.password_reset").exists()


def test_password_reset_by_email(world):
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "counsellor_a@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/accounts/password/reset/\S+/)", str(mail.outbox[0].body)
    ).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    response = client.post(
        form_url, {"new_password1": "reset-long-secret-77", "new_password2": "reset-long-secret-77"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="accounts.password_reset", actor_id=world.counsellor_a.pk
    ).exists()
    assert Client().login(username="counsellor_a", password="reset-long-secret-77")


def test_password_reset_for_an_unknown_address_reveals_nothing(world):
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
