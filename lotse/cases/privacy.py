"""Cases and plans in a client's file, for export and anonymisation
(lotse/clients/privacy.py)."""

from lotse.cases.models import Agreement, Assessment, Case, Goal, PlanRevision, Review, Step
from lotse.clients.privacy import Record, Treatment

B = Treatment.BLANK
RECORDS = [
    Record(
        Case,
        "client",
        B,
        "programme, dates, time limit and closure reason are counted; texts are not",
        {"override_justification": "", "extension_justification": "", "closure_summary": ""},
    ),
    Record(
        Assessment,
        "case__client",
        B,
        "the profile is free text about the person",
        {
            "school_years": None,
            "school_country": "",
            "last_school": "",
            "degrees": "",
            "competences": "",
            "work_experience": "",
            "language_levels": "",
            "developments": "",
        },
    ),
    Record(
        Goal,
        "case__client",
        B,
        "field of action and status are counted; what and how are free text",
        {"what": "", "indicator": ""},
    ),
    Record(Step, "goal__case__client", B, "free text", {"what": "", "service_name": ""}),
    Record(
        PlanRevision,
        "case__client",
        B,
        "the date of the first plan is counted; the copy of the plan is free text",
        {"snapshot": {}},
    ),
    Record(Agreement, "case__client", Treatment.KEEP, "date and how only"),
    Record(Review, "case__client", B, "scores are counted; the comment is not", {"comment": ""}),
]
