"""The JSON API: tokens, scopes, the access rules of the pages, versions (ETag and
If-Match), idempotent POSTs and the audit of every read and write."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lotse.api.models import ApiToken, IdempotentRequest
from lotse.clients.models import Client as Person
from lotse.core.models import AuditEvent
from tests.api.conftest import token_for
from tests.conftest import clock_at

pytestmark = pytest.mark.django_db

JSON = "application/json"


def events_after(sequence):
    return list(AuditEvent.objects.filter(sequence__gt=sequence).values_list("action", flat=True))


def last_sequence():
    return AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)[0]


def test_a_user_makes_a_token_sees_it_once_and_revokes_it(world, client_for):
    browser = client_for(world.counsellor_a)
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = browser.post(
        "/api/tokens/", {"name": "Fachverfahren", "scopes": ["clients:read"], "expires_on": due}
    )
    assert response.status_code == 302
    page = browser.get("/api/tokens/").content.decode()
    token = ApiToken.objects.get(user=world.counsellor_a, name="Fachverfahren")
    secret = page.split('<code class="secret">')[1].split("</code>")[0]
    assert secret.startswith(token.prefix) and token.token_hash not in page
    assert '<code class="secret">' not in browser.get("/api/tokens/").content.decode()
    api = HttpClient(headers={"Authorization": f"Bearer {secret}"})
    assert api.get("/api/v1/clients/").status_code == 200
    assert browser.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    assert api.get("/api/v1/clients/").status_code == 401
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"api.apitoken.created", "api.apitoken.revoked"} <= actions
    # Someone else's token is not theirs to revoke.
    other = client_for(world.counsellor_b)
    assert other.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404


@pytest.mark.parametrize("days", [0, 366])
def test_a_token_lives_at_most_a_year_and_at_least_a_day(world, client_for, days):
    browser = client_for(world.counsellor_a)
    due = (timezone.localdate() + dt.timedelta(days=days)).isoformat()
    response = browser.post(
        "/api/tokens/", {"name": "X", "scopes": ["clients:read"], "expires_on": due}
    )
    assert response.status_code == 422 and "höchstens ein Jahr" in response.content.decode()
    assert not ApiToken.objects.filter(name="X").exists()


def test_without_a_valid_token_the_answer_is_401(world):
    anonymous = HttpClient()
    assert anonymous.get("/api/v1/clients/").status_code == 401
    wrong = HttpClient(headers={"Authorization": "Bearer lotse_nothing"})
    assert wrong.get("/api/v1/clients/").status_code == 401
    secret = token_for(world.counsellor_a)
    ApiToken.objects.update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    expired = HttpClient(headers={"Authorization": f"Bearer {secret}"})
    assert expired.get("/api/v1/clients/").status_code == 401


def test_a_token_does_only_what_its_scopes_allow(world, api_for):
    api = api_for(world.counsellor_a, ["cases:read"])
    assert api.get("/api/v1/cases/").status_code == 200
    response = api.get("/api/v1/clients/")
    assert response.status_code == 403 and "clients:read" in response.json()["detail"]
    reader = api_for(world.counsellor_a, ["clients:read"])
    response = reader.post("/api/v1/clients/", {}, content_type=JSON)
    assert response.status_code == 403 and "clients:write" in response.json()["detail"]


def test_the_same_reach_as_the_pages(world, api_for):
    mine = api_for(world.counsellor_a).get("/api/v1/clients/").json()["results"]
    expected = set(
        Person.objects.filter(office__in=[world.office_a], merged_into=None).values_list(
            "pk", flat=True
        )
    )
    assert {c["id"] for c in mine} == expected and world.client_a.pk in expected
    for outsider in world.outsiders:
        api = api_for(outsider)
        assert api.get(f"/api/v1/clients/{world.client_a.pk}/").status_code == 404
        assert api.get(f"/api/v1/cases/{world.case_a.pk}/").status_code == 404
        contacts = f"/api/v1/clients/{world.client_a.pk}/contacts/"
        assert api.get(contacts).status_code == 404
    # Roles without personal data get 404 even on lists.
    assert api_for(world.district_a).get("/api/v1/clients/").status_code == 404
    assert api_for(world.state_bw).get("/api/v1/cases/").status_code == 404


def test_reads_are_audited_like_the_pages(world, api_for):
    api = api_for(world.counsellor_a)
    before = last_sequence()
    assert api.get(f"/api/v1/clients/{world.client_a.pk}/").status_code == 200
    assert events_after(before) == ["clients.client.viewed.api"]
    before = last_sequence()
    assert api.get("/api/v1/clients/").status_code == 200
    event = AuditEvent.objects.get(sequence__gt=before)
    assert event.action == "clients.client.listed" and world.client_a.pk in event.data["ids"]
    before = last_sequence()
    assert api.get(f"/api/v1/cases/{world.case_a.pk}/").status_code == 200
    assert events_after(before) == ["clients.client.viewed.api-case"]
    for listing in ("cases", "referrals", "appointments"):
        before = last_sequence()
        rows = api.get(f"/api/v1/{listing}/").json()["results"]
        event = AuditEvent.objects.get(sequence__gt=before)
        shown = {row["client"] for row in rows} - {None}
        assert event.action == "clients.client.listed" and set(event.data["ids"]) == shown


def test_a_change_needs_the_version_last_read(world, api_for):
    api = api_for(world.counsellor_a)
    url = f"/api/v1/clients/{world.client_a.pk}/"
    etag = api.get(url)["ETag"]
    change = json.dumps({"phone": "0711 999"})
    assert api.patch(url, change, content_type=JSON).status_code == 428
    response = api.patch(url, change, content_type=JSON, headers={"If-Match": etag})
    assert response.status_code == 200 and response.json()["phone"] == "0711 999"
    assert response["ETag"] != etag
    # Another program still holding the old version is refused and told the new one.
    stale = api.patch(
        url, json.dumps({"phone": "1"}), content_type=JSON, headers={"If-Match": etag}
    )
    assert stale.status_code == 412 and stale["ETag"] == response["ETag"]
    assert Person.objects.get(pk=world.client_a.pk).phone == "0711 999"
    # Unchanged since the last read: 304 without a body (and no read is recorded).
    before = last_sequence()
    assert api.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304
    assert events_after(before) == []


def test_the_model_rules_apply_and_nothing_is_half_saved(world, api_for):
    api = api_for(world.counsellor_a)
    url = f"/api/v1/clients/{world.client_a.pk}/"
    etag = api.get(url)["ETag"]
    bad = json.dumps({"phone": "0711 1", "birth_month": 13})
    response = api.patch(url, bad, content_type=JSON, headers={"If-Match": etag})
    assert response.status_code == 400 and "birth_month" in response.json()
    assert Person.objects.get(pk=world.client_a.pk).phone != "0711 1"


def client_body(**extra):
    return json.dumps({"given_names": "Amal", "family_name": "Haddad", "birth_year": 1991, **extra})


def test_a_retried_post_creates_nothing_twice(world, api_for):
    api = api_for(world.counsellor_a)
    before = Person.objects.count()
    key = {"Idempotency-Key": "4b8f0c1e-retry"}
    first = api.post("/api/v1/clients/", client_body(), content_type=JSON, headers=key)
    again = api.post("/api/v1/clients/", client_body(), content_type=JSON, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Person.objects.count() == before + 1
    assert AuditEvent.objects.filter(action="clients.client.created").count() == 1 + before
    other = api.post(
        "/api/v1/clients/", client_body(birth_year=1990), content_type=JSON, headers=key
    )
    assert other.status_code == 422 and Person.objects.count() == before + 1


def test_a_key_keeps_no_personal_data_and_only_for_a_day(world, api_for):
    api = api_for(world.counsellor_a)
    key = {"Idempotency-Key": "k-day"}
    first = api.post("/api/v1/clients/", client_body(), content_type=JSON, headers=key)
    assert first.status_code == 201
    stored = IdempotentRequest.objects.get(key="k-day")
    assert "Haddad" not in json.dumps(model_to_dict(stored))
    later = timezone.now() + dt.timedelta(hours=IdempotentRequest.KEEP_HOURS, minutes=1)
    with clock_at(later):
        other = {"Idempotency-Key": "k-next"}
        answer = api.post("/api/v1/clients/", client_body(), content_type=JSON, headers=other)
        assert answer.status_code == 201
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["k-next"]


def test_a_refused_post_stores_no_key(world, api_for):
    api = api_for(world.counsellor_a)
    key = {"Idempotency-Key": "k1"}
    bad = api.post("/api/v1/clients/", client_body(birth_year=1800), content_type=JSON, headers=key)
    assert bad.status_code == 400
    good = api.post("/api/v1/clients/", client_body(), content_type=JSON, headers=key)
    assert good.status_code == 201


def test_a_user_with_several_offices_names_one(world, api_for):
    api = api_for(world.counsellor_a)
    response = api.post("/api/v1/clients/", client_body(), content_type=JSON)
    several = world.counsellor_a.memberships.count() > 1
    if several:
        assert response.status_code == 400 and "office" in response.json()
    body = client_body(office=world.office_a.pk)
    assert api.post("/api/v1/clients/", body, content_type=JSON).status_code == 201
    foreign = client_body(office=world.office_b.pk)
    response = api.post("/api/v1/clients/", foreign, content_type=JSON)
    assert response.status_code == 400 and "office" in response.json()


def test_contacts_are_listed_and_recorded(world, api_for):
    api = api_for(world.counsellor_a)
    url = f"/api/v1/clients/{world.client_a.pk}/contacts/"
    listed = api.get(url).json()["results"]
    contact = {
        "kind": "folgeberatung",
        "date": timezone.localdate().isoformat(),
        "duration_minutes": 30,
        "channel": "persoenlich",
        "topics": ["arbeit"],
    }
    response = api.post(url, json.dumps(contact), content_type=JSON)
    assert response.status_code == 201, response.json()
    assert response.json()["topics"] == ["arbeit"]
    with CaptureQueriesContext(connection) as one_more:
        assert len(api.get(url).json()["results"]) == len(listed) + 1
    # A page asks as many queries however many contacts it holds (topics included).
    assert api.post(url, json.dumps(contact), content_type=JSON).status_code == 201
    with CaptureQueriesContext(connection) as two_more:
        assert api.get(url).json()["results"][0]["topics"] == ["arbeit"]
    assert len(two_more) == len(one_more)


def test_lists_page_by_cursor(world, api_for):
    api = api_for(world.counsellor_a)
    first = api.get("/api/v1/clients/?page_size=1").json()
    assert len(first["results"]) == 1 and first["next"]
    second = api.get(first["next"]).json()
    assert second["results"][0]["id"] > first["results"][0]["id"]
    assert api.get("/api/v1/clients/?updated_since=yesterday").status_code == 400
    # Times with an offset are compared in UTC; years PostgreSQL cannot take are refused.
    assert api.get("/api/v1/clients/?updated_since=2026-01-01T00:00:00%2B01:00").status_code == 200
    assert api.get("/api/v1/appointments/?from=0354-10-09T14:53:42%2B23:59").status_code == 400
    assert api.get("/api/v1/cases/?phase=%00").status_code == 400


def test_services_and_reports_for_their_roles(world, api_for):
    services = api_for(world.district_a).get("/api/v1/services/").json()["results"]
    assert world.service_a.pk in {s["id"] for s in services}
    assert api_for(world.state_bw).get("/api/v1/services/").status_code == 404
    assert api_for(world.counsellor_a).get("/api/v1/reports/").status_code == 404
    assert api_for(world.district_a).get("/api/v1/reports/").status_code == 200


def test_the_openapi_document_and_its_docs_page(world, client_for):
    browser = client_for(world.counsellor_a)
    schema = browser.get("/api/v1/schema/?format=json").json()
    assert schema["openapi"].startswith("3.") and "/api/v1/clients/{client_pk}/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    docs = browser.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"cdn" not in docs.content.lower()
