"""Finding vocabulary terms by what people write in files."""

from __future__ import annotations

from lotse.core.models import Term


class Vocabulary:
    """Terms of one vocabulary, found by code or by German or English label."""

    def __init__(self, vocabulary: str) -> None:
        self.terms: dict[str, Term] = {}
        for term in Term.objects.filter(vocabulary=vocabulary, is_active=True):
            for key in (term.code, term.label_de, term.label_en):
                self.terms[key.casefold()] = term

    def find(self, text: str) -> Term | None:
        return self.terms.get(text.strip().casefold())
