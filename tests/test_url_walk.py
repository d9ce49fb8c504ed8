"""Walk the whole URL configuration so that no view can escape the access layer.

1. Every view is marked by `lotse.core.access.requires` (or the administration's
   equivalent), unless it is on the short list of public views.
2. Every URL, filled with objects of provider A, is requested by every persona: nobody
   gets a server error, a user without the view's capability gets 404, and every user
   of another organisation gets 404 on every URL that names an organisation's object.
   Every free-text field of every row holds markup meanwhile, and no HTML page shows it
   unescaped.
3. Anonymous requests to non-public URLs are sent to the sign-in page.
4. Every page that shows a part of a client's file leaves exactly one read event in the
   audit log, for the office's counsellor and team lead alike.
5. The riskiest views (exports, merges) ask insiders to confirm their password, and
   still answer 404 to outsiders, before and after a confirmation.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode

from lotse.core.access import has_capability
from lotse.core.fields import EncryptedTextField
from lotse.core.models import AuditEvent
from tests.imports.fixtures import add_import
from tests.reports.fixtures import add_report
from tests.structural.fixtures import add_structural

PUBLIC = {
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "admin:login",
    "set_language",
    "network:feed",  # the calendar feed: its secret token is the access check
}
# Views that need the password confirmed first (`access.recently_confirmed`), each with
# the persona of provider A who may use it.
CONFIRMED = {
    "clients:merge": "team_lead_a",
    "clients:erase": "team_lead_a",
    "clients:export": "counsellor_a",
    "clients:export_json": "counsellor_a",
    "network:directory_export": "counsellor_a",
    "reports:export": "district_a",
    "staffing:proof": "coordinator_a",
    "staffing:allocation_export": "district_a",
}
# URL keywords naming a part of a client's file.
PERSONAL_KWARGS = {
    "client_pk",
    "case_pk",
    "goal_pk",
    "step_pk",
    "consent_pk",
    "document_pk",
    "decision_pk",
    "referral_pk",
    "appointment_pk",
    "follow_up_pk",
    "match_pk",
}
# URL keyword arguments that name an object of an organisation: outsiders get 404.
ORGANISATION_KWARGS = PERSONAL_KWARGS | {
    "office_pk",
    "provider_pk",
    "district_pk",
    "service_pk",
    "position_pk",
    "grant_pk",
    "allocation_pk",
    "activity_pk",
    "volunteer_pk",
    "run_pk",  # a report run: its author's only
    "token_pk",  # an API token: its owner's only
    "import_pk",  # an import of a client list or contact log: the office's
}
# Other keyword arguments, with what they mean.
OTHER_KWARGS = {
    "fmt",  # the format of an export
    "kind",  # which part of a client file is added (with client_pk)
    "programme_key",  # programme rules are public to every signed-in user
    "uidb64",  # password reset link
    "token",  # password reset link; calendar feed (a wrong token is 404)
    "app_label",  # administration (administrators only)
    "object_id",  # administration (administrators only)
    "id",  # administration: a user's password (administrators only)
    "content_type_id",  # administration (administrators only)
    "url",  # administration catch-all (administrators only)
}


@pytest.fixture
def world(world):
    """The shared world plus a volunteer, a match and a log entry of office A, a
    report run of district A's coordinator and a checked import of office A."""
    add_structural(world)
    add_report(world)
    add_import(world)
    return world


def patterns(resolver=None, namespace=()):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = (*namespace, entry.namespace) if entry.namespace else namespace
            yield from patterns(entry, ns)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespace, entry.name)) if entry.name else None
            yield name, entry


def kwarg_names(pattern):
    return set(re.findall(r"\(\?P<(\w+)>", pattern.pattern.regex.pattern))


def samples(world):
    return {
        "office_pk": world.office_a.pk,
        "provider_pk": world.provider_a.pk,
        "district_pk": world.lb.pk,
        "programme_key": "bw-im",
        "client_pk": world.client_a.pk,
        "consent_pk": world.consent_a.pk,
        "document_pk": world.document_a.pk,
        "kind": "language",
        "case_pk": world.case_a.pk,
        "goal_pk": world.goal_a.pk,
        "step_pk": world.step_a.pk,
        "decision_pk": world.decision_a.pk,
        "service_pk": world.service_a.pk,
        "referral_pk": world.referral_a.pk,
        "appointment_pk": world.appointment_a.pk,
        "follow_up_pk": world.follow_up_a.pk,
        "position_pk": world.position_a.pk,
        "grant_pk": world.grant_a.pk,
        "allocation_pk": world.allocation_a.pk,
        "fmt": "xlsx",
        "activity_pk": world.activity_a.pk,
        "volunteer_pk": world.volunteer_a.pk,
        "match_pk": world.match_a.pk,
        "run_pk": world.run_a.pk,
        "token_pk": world.token_a.pk,
        "import_pk": world.import_a.pk,
        "uidb64": "MQ",
        "token": "set-password",
        "app_label": "organisations",
        "object_id": str(world.office_a.pk),
        "id": str(world.counsellor_a.pk),
        "content_type_id": ContentType.objects.get_for_model(world.office_a).pk,
        "url": "nothing-here/",
    }


def test_every_view_is_behind_the_access_layer():
    unmarked = []
    for name, pattern in patterns():
        callback = pattern.callback
        marked = hasattr(callback, "lotse_capability")
        public = getattr(callback, "login_required", True) is False and name in PUBLIC
        if not (marked or public):
            unmarked.append(name or pattern.pattern.describe())
    assert unmarked == []


def test_every_url_keyword_is_known():
    unknown = {
        (name, kwarg)
        for name, pattern in patterns()
        for kwarg in kwarg_names(pattern)
        if kwarg not in ORGANISATION_KWARGS | OTHER_KWARGS
    }
    assert unknown == set(), "add a sample and classify the keyword in this test"


def walkable(world):
    values = samples(world)
    for name, pattern in patterns():
        if name is None:
            continue
        kwargs = {k: values[k] for k in kwarg_names(pattern)}
        yield name, pattern, reverse(name, kwargs=kwargs), kwargs


MARKUP = '<b id="x">'
# Fields that hold codes and keys read by the code, not text for people.
CODES = {
    "code",
    "key",
    "vocabulary",
    "username",
    "password",
    "hash",
    "prev_hash",
    "token_hash",
    "source_sha256",
    "language",
    "interpreter_language",
    "school_country",
    "search_name",
    "original_name",
    "content_type",
    "ags",
    "postcode",
    "bamf_file_number",
    "email",
    "website",
    "funding_source",
}
LEFT_OUT = {"core.AuditEvent", "sessions.Session", "admin.LogEntry", "contenttypes.ContentType"}


def free_text_fields(model):
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField | EncryptedTextField):
            continue
        if field.choices or field.name in CODES or not field.editable:
            continue
        if field.max_length is not None and field.max_length < len(MARKUP) + 12:
            continue
        yield field


def put_markup_everywhere():
    """Markup (with the row's id, for unique fields) in every free-text field of every row."""
    changed = 0
    for model in apps.get_models():
        if model._meta.label in LEFT_OUT:
            continue
        fields = list(free_text_fields(model))
        if not fields:
            continue
        for row in model._base_manager.all():
            for field in fields:
                setattr(row, field.attname, f"{MARKUP}{row.pk}")
            model._base_manager.filter(pk=row.pk).update(
                **{f.attname: getattr(row, f.attname) for f in fields}
            )
            changed += 1
    return changed


def writes_of(pattern):
    """The methods other than GET of an API operation (POST of a list, PATCH of a record)."""
    actions = getattr(pattern.callback, "actions", None) or {}
    return [method.upper() for method in actions if method not in ("get", "head", "options")]


def insiders(world):
    """Every persona of provider A's side, the administrator included."""
    return [
        world.counsellor_a,
        world.team_lead_a,
        world.coordinator_a,
        world.district_a,
        world.state_bw,
        world.admin,
    ]


def test_personas_get_what_their_capabilities_allow(world, client_for):
    personas = [*insiders(world), *world.outsiders]
    urls = [entry for entry in walkable(world) if entry[0] != "accounts:logout"]
    assert put_markup_everywhere() > 50
    covered = refused = foreign = escaped = writes_refused = 0
    for user in personas:
        # Confirmed, so that the views behind a confirmation are walked too.
        client = client_for(user, confirmed=True)
        for _name, pattern, url, kwargs in urls:
            response = client.get(url)
            assert response.status_code < 500, (user.username, url)
            for method in writes_of(pattern):
                # An API write from outside is refused before its input is looked at.
                answer = client.generic(method, url, "{}", content_type="application/json")
                assert answer.status_code < 500, (user.username, method, url)
                denied = user in world.outsiders and ORGANISATION_KWARGS & set(kwargs)
                if denied or not has_capability(user, pattern.callback.lotse_capability):
                    assert answer.status_code == 404, (user.username, method, url)
                    writes_refused += 1
            if "text/html" in response.get("Content-Type", "") and hasattr(response, "content"):
                page = response.content.decode()
                assert MARKUP not in page, (user.username, url)
                escaped += response.status_code == 200 and "&lt;b id=" in page
            capability = getattr(pattern.callback, "lotse_capability", None)
            if capability is not None and not has_capability(user, capability):
                assert response.status_code == 404, (user.username, url)
                refused += 1
            if user in world.outsiders and ORGANISATION_KWARGS & set(kwargs):
                assert response.status_code == 404, (user.username, url)
                foreign += 1
            covered += 1
    # What the matrix covered, printed for the record (pytest -s shows it).
    api = sum(getattr(pattern.callback, "lotse_api", False) for _n, pattern, _u, _k in urls)
    print(
        f"\npermission matrix: {len(urls)} URLs ({api} of them API operations) x "
        f"{len(personas)} personas = {covered} "
        f"requests; {refused} refused for the missing capability, {foreign} requests of "
        f"another organisation's objects by {len(world.outsiders)} outsiders, all 404; "
        f"{escaped} pages showed the markup of text fields, all escaped; {writes_refused} API "
        f"writes by users without the capability or from outside, all 404"
    )
    assert covered == len(urls) * len(personas) and foreign > 100 and escaped > 40


def test_insiders_see_their_organisation(world, client_for):
    for user in insiders(world):
        client = client_for(user)
        for name in ["organisations:office", "organisations:provider", "organisations:district"]:
            url = dict((n, u) for n, _, u, _ in walkable(world))[name]
            response = client.get(url)
            if name == "organisations:district" and user in (
                world.counsellor_a,
                world.team_lead_a,
                world.coordinator_a,
            ):
                # Office and provider roles are not scoped to the district as a whole.
                assert response.status_code == 404
            else:
                assert response.status_code == 200, (user.username, url)


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_sign_in(world):
    from django.test import Client

    client = Client()
    for name, _pattern, url, _ in walkable(world):
        if name in PUBLIC:
            continue
        response = client.get(url)
        if getattr(_pattern.callback, "lotse_api", False):  # a token is asked for, not a sign-in
            assert response.status_code == 401, url
            continue
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


READS = ("clients.client.viewed.", "clients.client.exported", "clients.document.downloaded")


def test_every_page_of_a_file_leaves_exactly_one_read_event(world, client_for):
    shown = 0
    for user in (world.counsellor_a, world.team_lead_a):
        browser = client_for(user, confirmed=True)
        for name, _pattern, url, kwargs in walkable(world):
            if not PERSONAL_KWARGS & set(kwargs):
                continue
            last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)[0]
            response = browser.get(url)
            reads = [
                action
                for action in AuditEvent.objects.filter(sequence__gt=last).values_list(
                    "action", flat=True
                )
                if action.startswith(READS)
            ]
            if response.status_code == 200:
                assert len(reads) == 1, (user.username, name, reads)
                shown += 1
            else:
                assert reads == [], (user.username, name, response.status_code, reads)
    assert shown > 30


def test_the_riskiest_views_ask_for_the_password_after_the_access_checks(world, client_for):
    marked = {
        name
        for name, pattern in patterns()
        if getattr(pattern.callback, "lotse_confirmation", False)
    }
    assert marked == set(CONFIRMED)
    urls = {name: (url, kwargs) for name, _, url, kwargs in walkable(world)}
    for name, username in CONFIRMED.items():
        url, kwargs = urls[name]
        response = client_for(getattr(world, username)).get(url)
        assert response.status_code == 302, name
        assert response.url == f"/accounts/confirm/?{urlencode({'next': url})}", name
        if not ORGANISATION_KWARGS & set(kwargs):
            continue  # the user's own scope: nothing of another organisation is named
        for user in world.outsiders:
            for confirmed in (False, True):
                response = client_for(user, confirmed=confirmed).get(url)
                assert response.status_code == 404, (name, user.username, confirmed)
