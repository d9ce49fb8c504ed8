"""Papers handed to clients (the integration plan, the consent form): every fixed label
in German and in the client's language side by side; free text stays as typed.

Labels come from the gettext domain `paper` (lotse/locale/<language>/LC_MESSAGES/paper.po);
translations other than German and English are machine-made and marked for review.
Text is shaped with HarfBuzz (fpdf2 + uharfbuzz), so Arabic and Persian are joined and
laid out right to left; the fonts are Noto Sans and Noto Sans Arabic (SIL OFL), installed
from the npm registry.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import XPos, YPos

LANGUAGES = {
    "ar": "العربية",
    "fa": "فارسی",
    "uk": "Українська",
    "ru": "Русский",
    "tr": "Türkçe",
    "en": "English",
    "fr": "Français",
}
RIGHT_TO_LEFT = {"ar", "fa"}
FONTS = {
    ("NotoSans", ""): "noto-sans/400Regular/NotoSans_400Regular.ttf",
    ("NotoSans", "B"): "noto-sans/700Bold/NotoSans_700Bold.ttf",
    ("NotoSansArabic", ""): "noto-sans-arabic/400Regular/NotoSansArabic_400Regular.ttf",
    ("NotoSansArabic", "B"): "noto-sans-arabic/700Bold/NotoSansArabic_700Bold.ttf",
}


def font_path(key: tuple[str, str]) -> Path:
    return Path(settings.BASE_DIR) / "node_modules" / "@expo-google-fonts" / FONTS[key]


@cache
def catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "paper", Path(settings.BASE_DIR) / "lotse" / "locale", languages=[language]
    )


@dataclass(frozen=True)
class Label:
    german: str
    translated: str


def label(text: str, language: str) -> Label:
    return Label(catalogue("de").gettext(text), catalogue(language).gettext(text))


def both(text: str, language: str) -> str:
    """'German / translated' for one label."""
    found = label(text, language)
    return f"{found.german} / {found.translated}"


def client_language(client: Any) -> str:
    """The client's first language a paper can be printed in (English otherwise)."""
    for spoken in client.languages.order_by("level"):
        code = "fa" if spoken.language == "prs" else spoken.language
        if code in LANGUAGES:
            return code
    return "en"


class PaperPDF(FPDF):
    """A4 with the fonts, shaping, page numbers, headings and label rows of a paper."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(language)
        super().__init__(format="A4")
        self.language = language
        for (family, style), _path in FONTS.items():
            self.add_font(family, style, str(font_path((family, style))))
        self.set_text_shaping(True)
        self.set_fallback_fonts(["NotoSansArabic"])
        self.set_auto_page_break(auto=True, margin=15)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("NotoSans", size=8)
        self.cell(0, 6, f"{both('Page', self.language)} {self.page_no()}/{{nb}}", align="C")

    def heading(self, text: str) -> None:
        self.set_font("NotoSans", "B", 13)
        self.cell(0, 9, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("NotoSans", size=10)

    def rows(self, rows: list[tuple[Label, str]]) -> None:
        """Label (German, client's language) and value, one row each."""
        align = "RIGHT" if self.language in RIGHT_TO_LEFT else "LEFT"
        with self.table(
            col_widths=(30, 35, 55), text_align=("LEFT", align, "LEFT"), first_row_as_headings=False
        ) as table:
            for found, value in rows:
                row = table.row()
                row.cell(found.german)
                row.cell(found.translated)
                row.cell(value)
        self.ln(3)

    def text_in_both(self, text: str) -> None:
        """A paragraph in German, then in the client's language (right-aligned where
        that is written right to left)."""
        found = label(text, self.language)
        self.multi_cell(0, 6, found.german, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        align = "R" if self.language in RIGHT_TO_LEFT else "L"
        self.multi_cell(0, 6, found.translated, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def signatures(self, texts: tuple[str, ...]) -> None:
        self.ln(10)
        for text in texts:
            line = f"{both(text, self.language)}: ______________________________"
            self.cell(0, 8, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("NotoSans", size=8)
        note = both("Free text is shown as written.", self.language)
        self.cell(0, 8, note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
