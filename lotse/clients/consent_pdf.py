"""The consent form on paper (lotse/core/paper.py): purpose and recipients as recorded,
the client's rights in German and in the client's language, lines to sign."""

from __future__ import annotations

from lotse.clients.models import Consent
from lotse.core.paper import PaperPDF, both, label

AGREEMENT = (
    "I agree that the counselling office passes on my personal data to the recipients "
    "named above, for the purpose named above and only as far as this purpose requires."
)
VOLUNTARY = (
    "My consent is voluntary. If I do not give it, or withdraw it, I will still be counselled."
)
WITHDRAWAL = (
    "I can withdraw this consent at any time, orally or in writing, at the counselling "
    "office. The withdrawal applies from then on; what was passed on before stays lawful."
)
SIGNATURES = ("Place and date", "Signature of the client", "Signature of the counsellor")


def render(consent: Consent, language: str) -> bytes:
    """`consent` as a form to sign, labels and texts in German and `language`."""
    client = consent.client
    pdf = PaperPDF(language)
    pdf.add_page()
    pdf.heading(both("Consent to pass on personal data", language))
    until = f"{consent.valid_until:%d.%m.%Y}" if consent.valid_until else None
    pdf.rows(
        [
            (label("Client", language), str(client)),
            (label("Date of birth", language), client.birth_date_display or "–"),
            (label("Counselling office", language), str(client.office)),
            (label("Purpose", language), consent.purpose),
            (label("Recipients", language), "\n".join(consent.recipient_lines())),
            (label("Given on", language), f"{consent.given_on:%d.%m.%Y}"),
            (label("Valid until", language), until or both("until withdrawn", language)),
        ]
    )
    for text in (AGREEMENT, VOLUNTARY, WITHDRAWAL):
        pdf.text_in_both(text)
    pdf.signatures(SIGNATURES)
    return bytes(pdf.output())
