"""The integration plan on paper, built on lotse/core/paper.py: labels in German and the
client's language side by side; free text stays as typed."""

from __future__ import annotations

from dataclasses import dataclass

from lotse.cases.models import Case, Goal, Step
from lotse.core.paper import LANGUAGES, Label, PaperPDF, both, label
from lotse.core.paper import client_language as spoken_language

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


def client_language(case: Case) -> str:
    """The client's first language the plan can be printed in (English otherwise)."""
    return spoken_language(case.client)


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
    pdf = PaperPDF(language)
    pdf.add_page()
    for section in sections(case, language):
        pdf.heading(section.heading)
        pdf.rows(section.rows)
    pdf.heading(both("Agreement", language))
    pdf.text_in_both(VOLUNTARY)
    pdf.signatures(SIGNATURES)
    return bytes(pdf.output())
