"""Printed papers (the plan): labels in German and the client's language, shaped correctly."""

from pathlib import Path

import pypdfium2 as pdfium
import pytest
import uharfbuzz as hb
from babel.messages.pofile import read_po
from django.conf import settings

from lotse.core import paper
from lotse.core.models import AuditEvent

LOCALE = Path(settings.BASE_DIR) / "lotse" / "locale"


def msgids():
    with (LOCALE / "de" / "LC_MESSAGES" / "paper.po").open("rb") as handle:
        return [m.id for m in read_po(handle) if m.id]


def glyphs(text, font):
    face = hb.Face(hb.Blob.from_file_path(str(font)))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(hb.Font(face), buffer)
    return [info.codepoint for info in buffer.glyph_infos]


@pytest.mark.parametrize("language", [*paper.LANGUAGES, "de"])
def test_every_label_is_translated_and_has_glyphs_in_its_font(language):
    style = ("NotoSansArabic" if language in paper.RIGHT_TO_LEFT else "NotoSans", "")
    font = paper.font_path(style)
    catalogue = paper.catalogue(language)
    labels = msgids()
    assert len(labels) >= 40
    for text in labels:
        translated = catalogue.gettext(text)
        assert translated.strip(), text
        assert 0 not in glyphs(translated, font), (language, translated)  # glyph 0: an empty box


@pytest.mark.parametrize("language", sorted(set(paper.LANGUAGES) - {"en"}))
def test_machine_translations_are_marked_for_review(language):
    if language == "de":
        return
    path = LOCALE / language / "LC_MESSAGES" / "paper.po"
    assert '"X-Machine-Translated: yes\\n"' in path.read_text()
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    for message in catalogue:
        if message.id:
            assert any("Machine translation" in c for c in message.user_comments), message.id


def dark_pixels(pdf_bytes, left, right):
    page = pdfium.PdfDocument(pdf_bytes)[0]
    image = page.render(scale=1).to_pil().convert("L")
    width, height = image.size
    region = image.crop((int(width * left), 0, int(width * right), height))
    return sum(region.histogram()[:128])


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "uk"])
def test_the_plan_pdf_in_the_clients_language(world, client_for, language):
    response = client_for(world.counsellor_a).get(
        f"/cases/{world.case_a.pk}/plan.pdf", {"language": language}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    expected_font = b"NotoSansArabic" if language == "ar" else b"NotoSans"
    assert expected_font in response.content
    # The column of translated labels is drawn, not left blank (or boxes only).
    translated = dark_pixels(response.content, 0.33, 0.55)
    german = dark_pixels(response.content, 0.1, 0.33)
    assert translated > 0.3 * german > 0
    assert AuditEvent.objects.filter(action="clients.client.viewed.plan-pdf").exists()
    assert (
        client_for(world.counsellor_a)
        .get(f"/cases/{world.case_a.pk}/plan.pdf", {"language": "xx"})
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_the_print_view_shows_the_same_labels(world, client_for):
    response = client_for(world.counsellor_a).get(
        f"/cases/{world.case_a.pk}/plan/", {"language": "ar"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="ar" dir="rtl"' in page
    assert paper.label("How we will know", "ar").translated in page
    assert world.goal_a.what in page
