from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client

from tests.conftest import force_login

pytestmark = pytest.mark.django_db
CATALOGUE = Path(settings.BASE_DIR) / "lotse/locale/de/LC_MESSAGES/django.po"


def test_the_interface_is_german_by_default_and_english_on_request(world):
    client = force_login(Client(), world.counsellor_a)
    assert "Abmelden" in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "Sign out" in page and 'lang="en"' in page


def test_the_german_catalogue_is_complete():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    messages = [m for m in catalogue if m.id]
    assert len(messages) > 100
    untranslated = [
        m.id for m in messages if not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [] and fuzzy == []
