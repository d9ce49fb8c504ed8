"""The integration plan on paper: every fixed label in German and in the client's
language side by side; free text stays as typed.

Labels come from the gettext domain `plan` (lotse/locale/<language>/LC_MESSAGES/plan.po);
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

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lotse.cases.models import Case, Goal, Step

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
STEP_ACTORS = {
    Step.Actor.CLIENT: "Client (self)",
    Step.Actor.COUNSELLOR: "Counsellor (step)",
    Step.Actor.SERVICE: "Another service",
}
STATUSES = {
    "open": "Open",
    "achieved": "Achieved",
    "partly": "Partly achieved",
    "not_achieved": "Not achieved",
    "dropped": "Dropped",
    "done": "Done",
}
PRIORITIES = {1: "High", 2: "Medium", 3: "Low"}


def font_path(key: tuple[str, str]) -> Path:
    return Path(settings.BASE_DIR) / "node_modules" / "@expo-google-fonts" / FONTS[key]


@cache
def catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "plan", Path(settings.BASE_DIR) / "lotse" / "locale", languages=[language]
    )


@dataclass(frozen=True)
class Label:
    german: str
    translated: str


def label(text: str, language: str) -> Label:
    return Label(catalogue("de").gettext(text), catalogue(language).gettext(text))


def client_language(case: Case) -> str:
    """The client's first language the plan can be printed in (English otherwise)."""
    for spoken in case.client.languages.order_by("level"):
        code = "fa" if spoken.language == "prs" else spoken.language
        if code in LANGUAGES:
            return code
    return "en"


class PlanPDF(FPDF):
    def __init__(self, language: str) -> None:
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


def both(text: str, language: str) -> str:
    """'German / translated' for one label."""
    found = label(text, language)
    return f"{found.german} / {found.translated}"


@dataclass(frozen=True)
class Section:
    heading: str  # "German / translated"
    rows: list[tuple[Label, str]]


def sections(case: Case, language: str) -> list[Section]:
    """The plan's content, shared by the PDF and the print view."""
    if language not in LANGUAGES:
        raise ValueError(language)

    def rows(pairs: list[tuple[str, str]]) -> list[tuple[Label, str]]:
        return [(label(text, language), value) for text, value in pairs]

    client = case.client
    revision = case.revisions.order_by("-number").first()
    result = [
        Section(
            both("Integration plan", language),
            rows(
                [
                    ("Client", str(client)),
                    ("Date of birth", client.birth_date_display or "–"),
                    ("Counselling office", str(case.office)),
                    ("Counsellor", str(case.counsellor)),
                    ("Programme", case.programme.name),
                    ("Case opened on", f"{case.opened_on:%d.%m.%Y}"),
                    ("Plan as of", f"{revision.created_at:%d.%m.%Y}" if revision else "–"),
                    ("Revision", str(revision.number) if revision else "–"),
                ]
            ),
        )
    ]
    goals: list[Goal] = list(case.goals.select_related("field_of_action").prefetch_related("steps"))
    for goal in goals:
        pairs = [
            ("Field of action", both(goal.field_of_action.label_de, language)),
            ("Goal", goal.what),
            ("How we will know", goal.indicator),
            ("By when", f"{goal.due_on:%d.%m.%Y}"),
            ("Priority", both(PRIORITIES.get(goal.priority, "Medium"), language)),
            ("Status", both(STATUSES[goal.status], language)),
        ]
        for step in goal.steps.all():
            who = both(STEP_ACTORS[Step.Actor(step.actor)], language)
            if step.service_name:
                who += f" ({step.service_name})"
            pairs += [
                ("Who", who),
                ("What", step.what),
                ("Due on", f"{step.due_on:%d.%m.%Y}"),
                ("Status", both(STATUSES[step.status], language)),
            ]
        result.append(Section(both("Goal", language), rows(pairs)))
    return result


VOLUNTARY = "This integration agreement is voluntary. Refusing it has no disadvantages."
SIGNATURES = ("Agreed on", "Signature of the client", "Signature of the counsellor")


def render(case: Case, language: str) -> bytes:
    """The current plan of `case` as a PDF with labels in German and `language`."""
    pdf = PlanPDF(language)
    pdf.add_page()
    for section in sections(case, language):
        pdf.heading(section.heading)
        pdf.rows(section.rows)
    pdf.heading(both("Agreement", language))
    voluntary = label(VOLUNTARY, language)
    pdf.multi_cell(0, 6, voluntary.german, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    align = "R" if language in RIGHT_TO_LEFT else "L"
    pdf.multi_cell(0, 6, voluntary.translated, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(12)
    for text in SIGNATURES:
        line = f"{both(text, language)}: ______________________________"
        pdf.cell(0, 8, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("NotoSans", size=8)
    note = both("Free text is shown as written.", language)
    pdf.cell(0, 8, note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
