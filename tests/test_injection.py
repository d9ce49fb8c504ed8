"""Markup typed into any free-text field is shown as text, never run, on every page.

Every row of the test world gets markup in every free-text field (names of offices,
clients, services, terms, notes …); then every URL is opened by every insider. No HTML
page may contain the markup unescaped, and none may fail.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from lotse.core.fields import EncryptedTextField
from tests.reports.fixtures import add_report
from tests.structural.fixtures import add_structural
from tests.test_url_walk import insiders, walkable

pytestmark = pytest.mark.django_db

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


def test_markup_in_every_text_field_is_escaped_on_every_page(world, client_for):
    add_structural(world)
    add_report(world)
    assert put_markup_everywhere() > 50
    pages = 0
    for user in insiders(world):
        browser = client_for(user)
        for name, _pattern, url, _kwargs in walkable(world):
            if name == "accounts:logout":
                continue
            response = browser.get(url)
            assert response.status_code < 500, (user.username, url)
            if response.get("Content-Type", "").startswith("text/html") and hasattr(
                response, "content"
            ):
                page = response.content.decode()
                assert MARKUP not in page, (user.username, url)
                pages += response.status_code == 200 and "&lt;b id=" in page
    assert pages > 40  # pages that did show the markup, escaped
