import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from lotse.core import audit
from lotse.core.models import AuditEvent
from lotse.organisations import services as org
from lotse.organisations.models import Provider

pytestmark = pytest.mark.django_db


def test_services_write_who_what_which_organisation_and_fields(world):
    office = world.office_a
    event = AuditEvent.objects.filter(
        action="organisations.office.created", object_id=str(office.pk)
    ).get()
    assert event.office_id == office.pk
    assert event.provider_id == world.provider_a.pk
    assert event.district_id == world.lb.pk
    assert event.actor_label == "system"
    assert event.changes["name"] == [None, office.name]
    assert event.changes["municipalities"] == [
        None,
        sorted(m.pk for m in office.municipalities.all()),
    ]


def test_a_change_records_old_and_new_values_and_the_actor(world):
    provider = world.provider_a
    provider.umbrella = "Caritas"
    org_services = __import__("lotse.core.services", fromlist=["audited_save"])
    org_services.audited_save(world.admin, provider)
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event.action == "organisations.provider.changed"
    assert event.actor_id == world.admin.pk
    assert event.actor_label == "admin"
    assert event.changes == {"umbrella": ["", "Caritas"]}
    assert event.provider_id == provider.pk


def test_passwords_never_reach_the_log(world):
    events = AuditEvent.objects.filter(object_type="accounts.user")
    assert events.exists()
    for event in events:
        assert "pbkdf2" not in str(event.changes) and "md5" not in str(event.changes)


def test_invalid_input_writes_nothing(world):
    before = AuditEvent.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - full_clean raises ValidationError
        org.create_provider(None, name=world.provider_a.name, kind=Provider.Kind.WELFARE)
    assert AuditEvent.objects.count() == before
    assert Provider.objects.filter(name=world.provider_a.name).count() == 1


def test_events_cannot_be_changed_or_deleted_through_the_orm(world):
    event = AuditEvent.objects.first()
    event.action = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database trigger exists on PostgreSQL only"
)
def test_postgresql_refuses_updates_and_deletes(world):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'forged'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")


def test_chain_verifies(world, capsys):
    call_command("audit_verify")
    assert "Audit chain intact" in capsys.readouterr().out
    assert audit.verify().checked == AuditEvent.objects.count()


def tamper(sql, params):
    """Change rows behind the application's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


def test_verify_names_an_altered_event(world):
    victim = AuditEvent.objects.order_by("sequence")[10]
    tamper("UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["someone-else", victim.pk])
    with pytest.raises(CommandError) as excinfo:
        call_command("audit_verify")
    message = str(excinfo.value)
    assert f"event #{victim.sequence} (id {victim.pk}" in message
    assert "altered" in message


def test_verify_names_the_event_after_a_deleted_one(world):
    events = list(AuditEvent.objects.order_by("sequence")[5:7])
    tamper("DELETE FROM core_auditevent WHERE id = %s", [events[0].pk])
    result = audit.verify()
    assert result.broken.pk == events[1].pk
    assert "missing" in result.reason


def test_verify_detects_a_rewritten_hash(world):
    """Recomputing an altered event's own hash still breaks the link to the next one."""
    first, second = AuditEvent.objects.order_by("sequence")[3:5]
    first.actor_label = "someone-else"
    tamper(
        "UPDATE core_auditevent SET actor_label = %s, hash = %s WHERE id = %s",
        ["someone-else", audit.compute_hash(first), first.pk],
    )
    assert audit.verify().broken.pk == second.pk


def test_sequence_and_links_are_contiguous(world):
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))


def test_administrators_filter_the_audit_page(world, client_for):
    client = client_for(world.admin)
    response = client.get("/audit/", {"provider": world.provider_b.pk})
    assert response.status_code == 200
    shown = {e.provider_id for e in response.context["page"].object_list}
    assert shown == {world.provider_b.pk}
    response = client.get("/audit/", {"action": "accounts.login"}, headers={"HX-Request": "true"})
    assert response.templates[0].name == "core/_audit_events.html"
    assert {e.action for e in response.context["page"].object_list} == {"accounts.login"}


def test_a_bad_filter_says_why_and_keeps_the_input(world, client_for):
    response = client_for(world.admin).get(
        "/audit/", {"since": "2026-05-01", "until": "2026-04-01", "actor": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'value="x"' in response.content.decode()
