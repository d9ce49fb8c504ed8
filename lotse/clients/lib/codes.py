"""ISO 3166 countries and ISO 639 languages with localised names (no Django in here)."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

STATELESS, UNKNOWN = "stateless", "unknown"
# Languages offered in forms: those most spoken by people counselled, then the rest of
# Europe's neighbours. Any valid ISO 639 code is accepted by `language_name`.
COMMON_LANGUAGES = (
    "ar", "fa", "prs", "ps", "kmr", "ckb", "tr", "ti", "am", "so", "uk", "ru", "ur", "en",
    "fr", "de", "sq", "sr", "bs", "hr", "mk", "ro", "bg", "pl", "es", "it", "pt", "el",
    "hy", "ka", "az", "uz", "ta", "bn", "hi", "pa", "ha", "yo", "ig", "sw", "ln", "wo",
    "ff", "om", "zh", "vi", "th", "ml", "ne", "he", "hu", "cs", "sk", "lt", "lv", "be",
    "rom", "syr", "aii", "bal", "haz",
)  # fmt: skip


@cache
def _catalogue(domain: str, language: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_name(code: str, language: str = "de") -> str:
    special = {STATELESS: ("staatenlos", "stateless"), UNKNOWN: ("unbekannt", "unknown")}
    if code in special:
        return special[code][0 if language == "de" else 1]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return _catalogue("iso3166-1", language).gettext(name)


def is_country(code: str) -> bool:
    return code in (STATELESS, UNKNOWN) or pycountry.countries.get(alpha_2=code) is not None


@cache
def country_choices(language: str = "de") -> tuple[tuple[str, str], ...]:
    countries = sorted(
        ((c.alpha_2, country_name(c.alpha_2, language)) for c in pycountry.countries),
        key=lambda item: item[1],
    )
    specials = (
        (STATELESS, country_name(STATELESS, language)),
        (UNKNOWN, country_name(UNKNOWN, language)),
    )
    return specials + tuple(countries)


def _language(code: str) -> object | None:
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code)
    return pycountry.languages.get(alpha_3=code)


def is_language(code: str) -> bool:
    return _language(code) is not None


def language_name(code: str, language: str = "de") -> str:
    found = _language(code)
    if found is None:
        return code
    return _catalogue("iso639-3", language).gettext(str(found.name))  # type: ignore[attr-defined]


@cache
def language_choices(language: str = "de") -> tuple[tuple[str, str], ...]:
    return tuple(
        sorted(((c, language_name(c, language)) for c in COMMON_LANGUAGES), key=lambda i: i[1])
    )
