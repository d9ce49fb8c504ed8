"""Money in templates: whole euros with the thousands separator of the language."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from django import template
from django.utils.translation import get_language

register = template.Library()


def format_euros(amount: int | Decimal | None, locale: str) -> str:
    """1234 → '1.234 €' in German, '1,234 €' in English (no-break space before €);
    cents only where there are any: 232.29 → '232,29 €'."""
    if amount is None or amount == "":
        return ""
    return f"{format_decimal(amount, format='#,##0.##', locale=locale)}\u00a0€"


@register.filter
def euros(amount: int | Decimal | None) -> str:
    locale = "de_DE" if (get_language() or "de").startswith("de") else "en_GB"
    return format_euros(amount, locale)
