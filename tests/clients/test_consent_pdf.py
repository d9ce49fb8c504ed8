"""The consent form on paper: purpose and recipients as recorded, the rights in German
and in the client's language."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from lotse.clients import services
from lotse.clients.models import ClientLanguage
from lotse.core.models import AuditEvent
from lotse.core.paper import label

pytestmark = pytest.mark.django_db


def text_of(data):
    document = pdfium.PdfDocument(data)
    return "\n".join(
        document[i].get_textpage().get_text_range().replace("\r", "") for i in range(len(document))
    )


def form_url(world):
    return f"/clients/{world.client_a.pk}/consents/{world.sharing_consent_a.pk}/form.pdf"


def test_the_form_names_purpose_and_recipients_in_german_and_ukrainian(world, client_for):
    response = client_for(world.counsellor_a).get(form_url(world), {"language": "uk"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(text_of(response.content).split())
    assert "Einwilligung in die Weitergabe personenbezogener Daten" in text
    assert "Згода на передачу персональних даних" in text
    assert "Schuldenregulierung" in text and "Diakonie Ludwigsburg" in text
    assert "Mohammed Al-Hassan" in text or "Al-Hassan" in text
    assert "jederzeit mündlich oder schriftlich" in text
    assert "будь-коли відкликати" in text
    assert "bis zum Widerruf" in text  # no end date recorded
    assert AuditEvent.objects.filter(action="clients.client.viewed.consent-pdf").exists()


def test_the_form_is_in_the_clients_language_unless_another_is_asked_for(world, client_for):
    services.save_record(
        world.counsellor_a,
        ClientLanguage(client=world.client_a, language="ar", level=ClientLanguage.Level.NATIVE),
    )
    response = client_for(world.counsellor_a).get(form_url(world))
    assert b"NotoSansArabic" in response.content
    assert label("Recipients", "ar").translated == "الجهات المستلمة"
    unknown = client_for(world.counsellor_a).get(form_url(world), {"language": "xx"})
    assert unknown.status_code == 404


def test_another_organisation_gets_404(world, client_for):
    for outsider in world.outsiders:
        assert client_for(outsider).get(form_url(world)).status_code == 404
