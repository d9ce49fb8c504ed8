"""Report values in templates: numbers in the page's language, withheld counts marked."""

from __future__ import annotations

from babel.numbers import format_decimal
from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lotse.reports.report import SUPPRESSED, Value

register = template.Library()


@register.filter
def figure(value: Value) -> str | SafeString:
    if value is None:
        return format_html('<abbr title="{}" class="withheld">{}</abbr>', _("withheld"), SUPPRESSED)
    if isinstance(value, str):
        return value
    return format_number(value)


def format_number(value: float) -> str:
    """1234.5 → '1.234,5' in German, '1,234.5' in English."""
    locale = "de_DE" if (get_language() or "de").startswith("de") else "en_GB"
    return format_decimal(value, format="#,##0.##", locale=locale)
