"""Retention, anonymisation, legal hold and the export of everything held about a client.

The proof that anonymisation keeps the statistics exactly is on the demo, in
tests/clients/test_retention_demo.py.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from lotse.cases.models import add_months
from lotse.clients import privacy, services
from lotse.clients.models import Client, Document, ProtectionNeed
from lotse.core.models import AuditEvent, Term
from lotse.counselling.models import Contact

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def reaches_a_client(model, depth=0):
    """Whether rows of `model` belong to a client through foreign keys (not the client
    row itself, not its links to other clients)."""
    if depth > 3:
        return False
    for field in model._meta.get_fields():
        if not (field.concrete and (field.many_to_one or field.one_to_one)):
            continue
        if field.related_model is Client:
            return True
        if field.related_model is not model and reaches_a_client(field.related_model, depth + 1):
            return True
    return False


def test_every_model_that_holds_part_of_a_file_is_declared_once():
    declared = [record.model for record in privacy.records()]
    assert len(declared) == len(set(declared))
    holding = {
        model
        for model in apps.get_models()
        if model is not Client and model.__module__.startswith("lotse.") and reaches_a_client(model)
    }
    assert holding == set(declared)
    for record in privacy.records():
        names = {f.name for f in record.model._meta.fields}
        assert set(record.blank) <= names, record.model
        assert bool(record.blank) == (record.treatment == privacy.Treatment.BLANK), record.model
        assert record.why, record.model


def protection_need(world):
    return services.save_record(
        world.counsellor_a,
        ProtectionNeed(
            client=world.client_a,
            need=Term.objects.filter(vocabulary="protection_need").first(),
            established_on=dt.date(2026, 1, 10),
            established_by="Psychosoziales Zentrum",
            note="Traumafolgestörung",
        ),
    )


def contact_with_note(world):
    return services.log_contact(
        world.counsellor_a,
        Contact(
            office=world.office_a,
            client=world.client_a,
            counsellor=world.counsellor_a,
            kind=Term.objects.get(vocabulary="contact_kind", code="folgeberatung"),
            channel=Term.objects.get(vocabulary="channel", code="persoenlich"),
            date=TODAY,
            duration_minutes=20,
            note="Vermieter droht mit Kündigung",
        ),
        [Term.objects.get(vocabulary="topic", code="wohnen")],
    )


def test_anonymising_removes_what_names_the_person_and_keeps_what_is_counted(world):
    need, contact = protection_need(world), contact_with_note(world)
    document = world.document_a
    stored = document.file.name
    assert document.file.storage.exists(stored)
    with TestCase.captureOnCommitCallbacks(execute=True):
        counts = services.anonymise_client(world.team_lead_a, world.client_a, "Antrag vom 1.12.")
    client = Client.objects.get(pk=world.client_a.pk)
    assert client.anonymised_at is not None
    assert (client.given_names, client.family_name, client.phone, client.birth_day) == (
        "",
        "",
        "",
        None,
    )
    assert (client.birth_year, client.birth_month, client.nationalities) == (1990, 3, ["SY"])
    assert not client.name_keys.exists()
    assert not ProtectionNeed.objects.filter(pk=need.pk).exists()
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not document.file.storage.exists(stored)
    contact.refresh_from_db()
    assert (contact.note, contact.date, contact.kind.code) == ("", TODAY, "folgeberatung")
    consent = client.consents.get(pk=world.consent_a.pk)
    assert (consent.purpose, consent.recipients, consent.given_on) == ("", "", dt.date(2026, 1, 5))
    referral = client.referrals.get()
    assert (referral.purpose, referral.made_on) == ("", dt.date(2026, 3, 2))
    assert counts["clients.document"] == 1 and counts["counselling.contact"] == 1
    event = AuditEvent.objects.get(action="clients.client.anonymised")
    assert event.data["reason"] == "Antrag vom 1.12." and event.actor_id == world.team_lead_a.pk
    assert "Al-Hassan" not in json.dumps(event.data) and "Trauma" not in json.dumps(event.data)


def test_an_anonymised_record_can_no_longer_be_opened_or_found(world, client_for):
    services.anonymise_client(world.team_lead_a, world.client_a, "Antrag")
    browser = client_for(world.counsellor_a)
    assert browser.get(f"/clients/{world.client_a.pk}/").status_code == 404
    assert browser.get(f"/clients/{world.client_a.pk}/export.json").status_code == 404
    with pytest.raises(ValidationError):
        services.anonymise_client(world.team_lead_a, world.client_a, "noch einmal")


def test_legal_hold_open_case_and_missing_reason_refuse_anonymisation(world):
    with pytest.raises(ValidationError) as refused:
        services.anonymise_client(world.team_lead_a, world.case_client_a, "Antrag")
    assert refused.value.code == "open_case"
    with pytest.raises(ValidationError):
        services.anonymise_client(world.team_lead_a, world.client_a, "  ")
    services.set_legal_hold(world.team_lead_a, world.client_a, "Klageverfahren anhängig")
    with pytest.raises(ValidationError) as refused:
        services.anonymise_client(world.team_lead_a, world.client_a, "Antrag")
    assert refused.value.code == "legal_hold"
    assert Client.objects.get(pk=world.client_a.pk).family_name == "Al-Hassan"
    services.set_legal_hold(world.team_lead_a, world.client_a, "")
    services.anonymise_client(world.team_lead_a, world.client_a, "Antrag")
    actions = list(
        AuditEvent.objects.filter(action__startswith="clients.client.legal_hold")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["clients.client.legal_hold_set", "clients.client.legal_hold_lifted"]


def test_retention_runs_out_after_the_programmes_period_since_the_last_activity(
    world, django_assert_max_num_queries
):
    client = world.client_a  # no case: its office runs bw-im (36 months)
    contact_with_note(world)
    annotated = privacy.last_activity(Client.objects.filter(pk=client.pk)).get()
    assert privacy.kept_until(annotated, privacy.office_retention()) == add_months(TODAY, 36)
    assert client not in privacy.due(add_months(TODAY, 36))
    assert client in privacy.due(add_months(TODAY, 36) + dt.timedelta(days=1))
    world.bw_im.retention_months = 12
    world.bw_im.save()
    assert client in privacy.due(add_months(TODAY, 12) + dt.timedelta(days=1))
    # An open case keeps the record whatever its age; so does a legal hold.
    far = add_months(TODAY, 120)
    with django_assert_max_num_queries(2):  # however many records there are
        privacy.due(far)
    assert world.case_client_a not in privacy.due(far)
    services.set_legal_hold(world.team_lead_a, client, "Akte für Gericht")
    assert client not in privacy.due(far)


def test_the_retention_command_dry_run_changes_nothing(world, capsys):
    far = add_months(TODAY, 120).isoformat()
    events = AuditEvent.objects.count()
    call_command("apply_retention", "--dry-run", "--today", far)
    assert "would be anonymised" in capsys.readouterr().out
    assert AuditEvent.objects.count() == events
    assert not Client.objects.exclude(anonymised_at=None).exists()
    call_command("apply_retention", "--today", far)
    assert set(Client.objects.exclude(anonymised_at=None)) == {world.client_a}


def test_the_export_holds_every_part_of_the_file_and_who_accessed_it(world, client_for):
    protection_need(world)
    browser = client_for(world.counsellor_a, confirmed=True)
    browser.get(f"/clients/{world.client_a.pk}/")  # a read of the file, on the record
    response = browser.get(f"/clients/{world.client_a.pk}/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    export = json.loads(response.content)
    assert export["client"]["family_name"] == "Al-Hassan"
    records = export["records"]
    assert records["clients.protectionneed"][0]["note"] == "Traumafolgestörung"
    assert {c["purpose"] for c in records["clients.consent"]} == {
        "Beratung",
        "Schuldenregulierung",
    }
    assert records["network.referral"][0]["service"] == str(world.referral_a.service)
    actions = {(a["who"], a["action"]) for a in export["accesses"]}
    assert ("counsellor_a", "clients.client.viewed.file") in actions
    assert ("counsellor_a", "clients.protectionneed.created") in actions
    assert AuditEvent.objects.filter(
        action="clients.client.exported", object_id=str(world.client_a.pk)
    ).exists()
    page = browser.get(f"/clients/{world.client_a.pk}/export/").content.decode()
    assert "Traumafolgestörung" in page and "clients.client.viewed.file" in page


def test_team_leads_hold_and_erase_through_the_pages_and_counsellors_cannot(world, client_for):
    url = f"/clients/{world.client_a.pk}"
    assert client_for(world.counsellor_a).post(f"{url}/erase/", {"reason": "x"}).status_code == 404
    lead = client_for(world.team_lead_a, confirmed=True)
    assert lead.post(f"{url}/legal-hold/", {"reason": "Gericht"}).status_code == 302
    refused = lead.post(f"{url}/erase/", {"reason": "Antrag der Klientin"})
    assert refused.status_code == 200
    assert [e.code for e in refused.context["form"].non_field_errors().as_data()] == ["legal_hold"]
    assert "Antrag der Klientin" in refused.content.decode()
    assert lead.post(f"{url}/legal-hold/", {"reason": ""}).status_code == 302
    erased = lead.post(f"{url}/erase/", {"reason": "Antrag der Klientin"})
    assert erased.status_code == 302 and erased["Location"] == "/clients/"
    assert Client.objects.get(pk=world.client_a.pk).anonymised_at is not None


def test_export_and_erasure_ask_for_the_password_first(world, client_for):
    url = f"/clients/{world.client_a.pk}"
    for path, user in (("/export.json", world.counsellor_a), ("/erase/", world.team_lead_a)):
        response = client_for(user).get(url + path)
        assert response.status_code == 302 and response.url.startswith("/accounts/confirm/")
    erased = client_for(world.team_lead_a).post(f"{url}/erase/", {"reason": "Antrag"})
    assert erased.url.startswith("/accounts/confirm/")
    assert Client.objects.get(pk=world.client_a.pk).anonymised_at is None
