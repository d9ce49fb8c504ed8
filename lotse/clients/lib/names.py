"""Name similarity for client search and duplicate detection.

Clients of migration counselling carry names from Arabic, Persian, Kurdish, Tigrinya,
Turkish, Ukrainian, Russian and many other languages, and the same person turns up
written in several Latin transliterations: "Mohammed Al-Hassan", "Muhammad Alhasan",
"Mehmet Elhassan", "محمد الحسن". Plain edit distance sees "Shevchenko" and
"Schewtschenko" as far apart; this module compares names by how they sound.

The pipeline, all of it pure Python and cached per string:

1. :func:`normalise` turns any script into lowercase ASCII (Cyrillic through the official
   translitua schemes, everything else through anyascii) and drops punctuation.
2. :func:`tokens` splits into name parts and glues Arabic particles to the following part
   ("al hassan" -> "alhassan", "abd al rahman" -> "abdalrahman").
3. Each part is rewritten into phonemes with general transliteration rules (sch/sh/ch,
   tsch/tch/ch, dsch/dj/j, kh, gh, th, dh, ou/oo/u, w/v, q/k, c/k/s, x/ks, ts/tz/z, double
   letters, silent final e and h, vowels folded into three classes a / e,i,y / o,u).
4. Every consonant phoneme is written as two characters, its sound class and a second
   feature that links it to the letters it is confused with across transliterations
   (g shares a feature with j because of Egyptian "Gamal" and with h because of Ukrainian
   "Olha", th with s because of Turkish "Osman", ch with sh (French) and with kh
   (German)). Plain Levenshtein distance on that encoding is a weighted edit distance: a
   vowel change or the swap of related consonants costs 1, an unrelated consonant 2.
5. Name parts written in an abjad (Arabic, Persian, Hebrew script) carry no short vowels,
   so they are compared on consonants only.
6. Full names are compared part by part with the best one-to-one assignment, so order does
   not matter and a missing middle name costs little.

:func:`keys` gives short phonetic blocking keys for a database index, :func:`similarity`
the score. Nothing here imports Django.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from anyascii import anyascii
from rapidfuzz.distance import JaroWinkler, Levenshtein
from translitua import RussianICAO, UkrainianKMU, translit

__all__ = [
    "MATCH_THRESHOLD",
    "keys",
    "levenshtein_similarity",
    "normalise",
    "plain",
    "similarity",
    "tokens",
]

#: Scores at or above this mark two names as "likely the same person": a candidate to show
#: in duplicate detection. Chosen on full names built from the spelling groups of
#: tests/data/name-variants-dev.tsv (given and family name each in another spelling, order
#: sometimes swapped): 96 % of such pairs score at least 0.75, against 0.015 % of random
#: pairs and about 1 % of pairs that share only the given name; every official and common
#: transliteration of a Ukrainian or Russian name scores above it against every other.
#: At 0.8 a tenth of the true pairs would be missed.
MATCH_THRESHOLD: Final = 0.75

# Names have a handful of parts of a few letters each; longer input is cut before analysis.
_MAX_INPUT: Final = 1000
_MAX_TOKENS: Final = 8
_MAX_TOKEN_LEN: Final = 40

# Weight of a name part that the other name lacks (a middle name, a second family name),
# relative to a part that has a counterpart.
_UNMATCHED_WEIGHT: Final = 0.3
# A name part compared without its article ("Al-Hassan" against "Hassan").
_ARTICLE_PENALTY: Final = 0.9
# An initial against a name part starting with that letter ("M. Hassan").
_INITIAL_SCORE: Final = 0.8


# --------------------------------------------------------------------------- normalise

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
# Scripts that leave short vowels unwritten: Hebrew, Arabic (with Persian, Urdu, Kurdish
# Sorani, Pashto), Syriac, and the Arabic presentation forms.
_ABJAD = re.compile(
    r"[\u0590-\u05ff\u0600-\u06ff\u0700-\u074f\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]"
)
_ARABIC_ARTICLE: Final = "\u0627\u0644"  # ال
_BIDI_MARKS: Final = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_TAGS = re.compile(r"<[^<>]{0,200}>")
# Apostrophes, the ʿayn and hamza signs of Arabic transliteration: dropped, so the letters
# around them join ("O'Neill" -> "oneill", "Sa'd" -> "sad").
_APOSTROPHES = re.compile(r"['`´‘’‛′ʹʻʼʽʾʿˈ]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Letters whose diacritic changes the sound in the Turkish, Kurdish, Azerbaijani and Slavic
# Latin alphabets: spelled out as English and the official Cyrillic schemes write them.
_SPELL_OUT = str.maketrans(
    {
        "ş": "sh",
        "Ş": "Sh",
        "ș": "sh",
        "Ș": "Sh",
        "š": "sh",
        "Š": "Sh",
        "ç": "ch",
        "Ç": "Ch",
        "č": "ch",
        "Č": "Ch",
        "ž": "zh",
        "Ž": "Zh",
    }
)


def _prepare(text: str) -> str:
    """Markup, entities and apostrophes removed, Cyrillic transliterated; other scripts kept.

    The Cyrillic scheme is chosen for the whole text: Ukrainian KMU 2010 when it has a
    letter only Ukrainian uses (і ї є ґ), Russian ICAO otherwise.
    """
    text = html.unescape(text)
    text = _TAGS.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    text = _APOSTROPHES.sub("", text)
    if _CYRILLIC.search(text):
        text = translit(text, UkrainianKMU if _UKRAINIAN.search(text) else RussianICAO)
    return text


def _to_ascii(text: str) -> str:
    """Lowercase ASCII words: symbols, emoji and punctuation dropped, scripts romanised."""
    text = "".join(ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in text)
    text = anyascii(text.translate(_SPELL_OUT)).lower()
    return _NON_ALNUM.sub(" ", _APOSTROPHES.sub("", text)).strip()


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Lowercase ASCII letters and digits, name parts separated by single spaces.

    Cyrillic goes through translitua: the Ukrainian KMU 2010 scheme when the text has a
    letter only Ukrainian uses (і ї є ґ), Russian ICAO otherwise. Arabic, Persian, Greek,
    Ethiopic, CJK and the rest go through anyascii. Diacritics are stripped, except that
    ş/š, ç/č and ž are spelled sh, ch and zh as in the Turkish, Kurdish and Slavic
    alphabets. Hyphens and other punctuation separate parts; apostrophes are dropped
    ("O'Neill" -> "oneill", "Sa'd" -> "sad"). Markup tags, emoji and other symbols are
    removed.
    """
    return _to_ascii(_prepare(text))


@lru_cache(maxsize=65536)
def plain(text: str) -> str:
    """Lowercase, diacritics stripped, whitespace collapsed: the baseline's view of a name."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def levenshtein_similarity(a: str, b: str) -> float:
    """Baseline: rapidfuzz normalised Levenshtein similarity on :func:`plain` forms."""
    return Levenshtein.normalized_similarity(plain(a), plain(b))


# ------------------------------------------------------------------------------ tokens

_ARTICLES: Final = frozenset({"al", "el", "ul", "il"})
# abd ("servant of"), abu ("father of"); "bd" and "bw" are their Arabic-script forms.
_JOINERS: Final = frozenset(
    {"abd", "abdel", "abdul", "abdal", "abdol", "abdoul", "abdu", "abu", "abou", "bd", "bw"}
)
# Consonants the Arabic article assimilates to: ar-Rahman, as-Sayed, ad-Din, an-Nur.
_SUN_LETTERS: Final = frozenset("tdrzsnl")


def _is_article(part: str, following: str) -> bool:
    if part in _ARTICLES:
        return True
    return (
        len(part) == 2
        and part[0] in "aeu"
        and part[1] in _SUN_LETTERS
        and following.startswith(part[1])
    )


class _Part:
    """One name part, analysed once: its normalised text and comparison forms."""

    __slots__ = ("abjad", "alt", "bare", "cons", "enc", "skeletons", "text")

    def __init__(self, text: str, abjad: bool, bare: str | None, reading: str = "") -> None:
        text = text[:_MAX_TOKEN_LEN]
        self.text = text
        self.abjad = abjad
        phonemes = reading or _phonemes(text, abjad, glide_j=False)
        self.enc = _encode(phonemes)
        self.cons = _consonants(phonemes)
        # w and y inside a part are consonants in one spelling and vowels in the next
        # (Anwar, Anour, أنور): keys come with and without them.
        self.skeletons = tuple(
            dict.fromkeys((_skeleton(phonemes, glides=False), _skeleton(phonemes, glides=True)))
        )
        self.bare = _part(bare, abjad, None) if bare else None
        # A j after i, l, n or t is the glide y in German and Slavic spelling (Julija,
        # Natalja) and the consonant in Arabic names (Khadija, Abdeljalil): both readings.
        self.alt: _Part | None = None
        if not abjad and not reading:
            glided = _phonemes(text, abjad, glide_j=True)
            if glided != phonemes:
                self.alt = _Part(text, abjad, None, glided)


@lru_cache(maxsize=131072)
def _part(text: str, abjad: bool, bare: str | None) -> _Part:
    return _Part(text, abjad, bare)


def _raw_parts(name: str) -> list[tuple[str, bool, bool]]:
    """``(normalised piece, written in an abjad, carried the Arabic article ال)``."""
    out: list[tuple[str, bool, bool]] = []
    for word in _prepare(name[:_MAX_INPUT]).split():
        abjad = bool(_ABJAD.search(word))
        article = abjad and word.lstrip(_BIDI_MARKS).startswith(_ARABIC_ARTICLE)
        for piece in _to_ascii(word).split():
            out.append((piece, abjad, article and len(piece) > 3))
            article = False
    return out


@lru_cache(maxsize=65536)
def _analyse(name: str) -> tuple[_Part, ...]:
    parts: list[_Part] = []
    # Right to left, so that "abd al rahman" becomes one part.
    text, abjad, bare = "", False, None
    for piece, piece_abjad, article in reversed(_raw_parts(name)):
        if text and piece in _JOINERS:
            # "Abd al-Rahman" is a name of its own, not "Rahman".
            text, abjad, bare = piece + text, abjad or piece_abjad, None
            continue
        if text and _is_article(piece, text):
            text, abjad, bare = piece + text, abjad or piece_abjad, bare or text
            continue
        if text:
            parts.append(_part(text, abjad, bare))
        text, abjad = piece, piece_abjad
        bare = piece[1:] if article else None
    if text:
        parts.append(_part(text, abjad, bare))
    parts.reverse()
    return tuple(parts[:_MAX_TOKENS])


def tokens(name: str) -> list[str]:
    """Name parts after :func:`normalise`, Arabic particles joined to the next part.

    "Al-Hassan", "al hassan", "El Hassan" each give one part ("alhassan", "elhassan");
    abd/abdel/abdul and abu join likewise; "bin", "ben", "ibn" stay separate.
    """
    return [part.text for part in _analyse(name)]


# ------------------------------------------------------------------------- phonemes

# Letter groups -> one phoneme symbol. Upper-case symbols are sounds written with several
# letters: S sh, C tsch, X ch (French sh, English tsch, German kh), Z zh, J dsch, H kh,
# G gh, T th, D dh, W consonantal w, Y consonantal y; "c" (lower case) is ts.
_RULES: Final = {
    "tsch": "C",
    "dsch": "J",
    "sch": "S",
    "tch": "C",
    "dzh": "J",
    "dsh": "J",
    "dj": "J",
    "chr": "kr",
    "chl": "kl",
    "zh": "Z",
    "sh": "S",
    "ch": "X",
    "kh": "H",
    "gh": "G",
    "ph": "f",
    "th": "T",
    "dh": "D",
    "ck": "k",
    "cz": "C",
    "sz": "S",
    "ts": "c",
    "tz": "c",
    "wh": "W",
    "q": "k",
    "x": "ks",
    "w": "W",
    "j": "J",
    "ce": "se",
    "ci": "si",
    "cy": "sy",
    "c": "k",
}
_RULE_RE = re.compile("|".join(sorted(_RULES, key=len, reverse=True)))
_VOWEL_CLASS = str.maketrans({"e": "i", "y": "i", "o": "u"})
_DOUBLE = re.compile(r"(.)\1+")
# y, and i before another vowel at the start, are the consonant y: Yusuf, Iouliia = Yuliia.
_Y_CONSONANT = re.compile(r"^[iy](?=[aeou])|^y(?=i)|(?<=[aeiou])y(?=[aeiou])")
# The glide after i is not written in every scheme: Mariya = Marija = Maria.
_I_GLIDE = re.compile(r"(?<=i)y(?=[aeiou])")
_I_GLIDE_J = re.compile(r"(?<=i)j(?=[aeiou])")
# German and Slavic spelling of a softened l, n, t: Natalja = Natalia, Tatjana = Tatiana.
_SOFT_J = re.compile(r"(?<=[lnt])j(?=[aeiou])")
# French "ou" for w: Anouar, Chaouki, Ouahid.
_OU_CONSONANT = re.compile(r"ou(?=[aei])")
# w closing a syllable after a is a vowel: Tawfiq = Taoufik, Fawzi = Faouzi. (Not after o
# or e: German spelling writes Slavic v as w, Popow, Schewtschenko.)
_W_VOWEL = re.compile(r"(?<=a)w(?=[^aeiouy])")
_FINAL_E = re.compile(r"(?<=[^aeiouy])e$")
_FINAL_H = re.compile(r"(?<=[aeiouy])h$")

# Phoneme -> (sound class, linking feature). Classes are upper case, features lower case.
_FEATURES: Final = {
    "b": "Bb",
    "p": "Bp",
    "f": "Ff",
    "v": "Fv",
    "W": "Fw",
    "m": "Mm",
    "n": "Nn",
    "l": "Ll",
    "r": "Rr",
    "t": "Tt",
    "d": "Td",
    "T": "Ts",  # th: t in English and German, s in Turkish and Persian
    "D": "Tz",  # dh: d, or z in Turkish, Persian and Egyptian
    "s": "Ss",
    "z": "Sz",
    "c": "Sz",  # ts, German z
    "S": "Xs",
    "C": "Xc",
    "X": "Xx",  # ch: sh in French, tsch in English, kh in German
    "Z": "Xz",
    "J": "Yg",  # j/dj: shares g with Egyptian and Italian g (Gamal, Giulio)
    "Y": "Yy",  # consonantal y: shares its class with German and Slavic j
    "k": "Kk",
    "g": "Kg",
    "G": "Kr",
    "h": "Hg",  # h: shares g with Russian-style spellings of Ukrainian names (Olha, Olga)
    "H": "Hx",
}


def _phonemes(text: str, abjad: bool, glide_j: bool) -> str:
    """Phoneme string: upper-case symbols for consonant groups, vowels a, i, u."""
    if abjad:
        # No short vowels are written; w and y are long vowels or consonants, compared
        # only where they start the part. A final h (not of sh, kh, th...) is the feminine
        # ending or a silent h.
        s = text
        if len(s) > 2 and s[-1] == "h" and s[-2] not in "cdgkstz":
            s = s[:-1]
        s = s.replace("w", "W").replace("y", "Y")
    else:
        s = _I_GLIDE.sub("", text)
        if glide_j:
            s = _SOFT_J.sub("i", _I_GLIDE_J.sub("", s))
        s = _Y_CONSONANT.sub("Y", s)
        s = _OU_CONSONANT.sub("w", s)
        s = _W_VOWEL.sub("u", s)
        if len(s) > 3:
            s = _FINAL_E.sub("", s)
        if len(s) > 2:
            s = _FINAL_H.sub("", s)
        if s.startswith("x"):
            # Kurdish, Uzbek, Spanish, Portuguese, Chinese: a fricative, never ks at the start.
            s = "X" + s[1:]
    s = _RULE_RE.sub(lambda m: _RULES[m.group(0)], s)
    s = s.translate(_VOWEL_CLASS)
    return _DOUBLE.sub(r"\1", s) or text[:1]


def _encode(phonemes: str) -> str:
    return "".join(_FEATURES.get(ch, ch) for ch in phonemes)


def _consonants(phonemes: str) -> str:
    """Encoded consonants only; w and y only at the start (elsewhere often long vowels)."""
    out = [
        _FEATURES[ch]
        for i, ch in enumerate(phonemes)
        if ch in _FEATURES and (i == 0 or ch not in "WY")
    ]
    return _DOUBLE.sub(r"\1", "".join(out))


def _skeleton(phonemes: str, glides: bool) -> str:
    """Sound classes of the consonants, doubles merged: the coarsest form, for keys."""
    out = "".join(
        _FEATURES[ch][0]
        for i, ch in enumerate(phonemes)
        if ch in _FEATURES and (glides or i == 0 or ch not in "WY")
    )
    return _DOUBLE.sub(r"\1", out)


# ------------------------------------------------------------------------- scoring


def _forms_similarity(x: _Part, y: _Part) -> float:
    if x.abjad or y.abjad:
        if not x.cons or not y.cons:
            return 1.0 if x.cons == y.cons else 0.0
        return 0.8 * Levenshtein.normalized_similarity(
            x.cons, y.cons
        ) + 0.2 * JaroWinkler.similarity(x.cons, y.cons)
    return (
        Levenshtein.normalized_similarity(x.text, y.text)
        + 4.0 * Levenshtein.normalized_similarity(x.enc, y.enc)
        + JaroWinkler.similarity(x.enc, y.enc)
    ) / 6.0


def _pair_similarity(x: _Part, y: _Part) -> float:
    if x.text == y.text:
        return 1.0
    if len(x.text) == 1 or len(y.text) == 1:
        # An initial.
        return _INITIAL_SCORE if x.text[0] == y.text[0] else 0.0
    score = _forms_similarity(x, y)
    if x.alt is not None or y.alt is not None:
        score = max(
            score,
            _forms_similarity(x.alt or x, y),
            _forms_similarity(x, y.alt or y),
            _forms_similarity(x.alt or x, y.alt or y),
        )
    if x.bare is not None or y.bare is not None:
        score = max(score, _ARTICLE_PENALTY * _pair_similarity(x.bare or x, y.bare or y))
    return score


def _pair(x: _Part, y: _Part) -> float:
    # A fixed argument order keeps the result exactly symmetric (floating point).
    return _pair_similarity(x, y) if x.text <= y.text else _pair_similarity(y, x)


def _assignment(short: tuple[_Part, ...], long: tuple[_Part, ...]) -> float:
    """Best one-to-one matching of ``short`` into ``long``, scored as a weighted mean."""
    n, m = len(short), len(long)
    if n == 1:
        matched = max(_pair(short[0], y) for y in long)
    elif n == 2 and m == 2:
        a, b = short
        c, d = long
        matched = max(_pair(a, c) + _pair(b, d), _pair(a, d) + _pair(b, c))
    else:
        # Greedy: take the best remaining pair until one side is used up.
        cells = sorted(
            ((_pair(x, y), i, j) for i, x in enumerate(short) for j, y in enumerate(long)),
            reverse=True,
        )
        used_i: set[int] = set()
        used_j: set[int] = set()
        matched = 0.0
        for score, i, j in cells:
            if i in used_i or j in used_j:
                continue
            matched += score
            used_i.add(i)
            used_j.add(j)
            if len(used_i) == n:
                break
    return matched / (n + _UNMATCHED_WEIGHT * (m - n))


def _merged(parts: tuple[_Part, ...]) -> Iterable[tuple[_Part, ...]]:
    """The part lists with two neighbours written as one ("Mohammad Reza" -> "Mohammadreza")."""
    for i in range(len(parts) - 1):
        x, y = parts[i], parts[i + 1]
        joined = _part(x.text + y.text, x.abjad or y.abjad, None)
        yield (*parts[:i], joined, *parts[i + 2 :])


def _parts_similarity(pa: tuple[_Part, ...], pb: tuple[_Part, ...]) -> float:
    if len(pa) > len(pb):
        pa, pb = pb, pa
    score = _assignment(pa, pb)
    if len(pa) < len(pb) <= 4 and score < 1.0:
        for merged in _merged(pb):
            score = max(score, _assignment(pa, merged))
    return score


def similarity(a: str, b: str) -> float:
    """How alike two names are, in [0, 1]; symmetric; 1.0 for the same normalised parts.

    Works on single name parts and on full names: parts are matched one to one in any
    order, a part without counterpart (a middle name) lowers the score a little. Two
    names at or above :data:`MATCH_THRESHOLD` are likely the same person. A name with no
    letters at all (empty, only emoji or punctuation) is like nothing: 0.0.
    """
    if a > b:
        a, b = b, a
    pa = _analyse(a)
    pb = _analyse(b)
    if not pa or not pb:
        return 0.0
    if len(pa) == 1 and len(pb) == 1:
        return _pair(pa[0], pb[0])
    return _parts_similarity(pa, pb)


# --------------------------------------------------------------------------- keys

_KEY_LENGTH: Final = 3


# The coarse key folds the classes that transliterations swap most: j/g/y/dj, s/sh/ch/z/ts
# and k/q/c/g all become "K" (Jamil, Gamil, Cemil; Faisal, Fayçal), b/p and f/v/w become
# "B" (Abraham, Avraham), h and kh are left out (Kahn, Kan; Chaim, Haim).
_COARSE = str.maketrans({"Y": "K", "X": "K", "S": "K", "F": "B", "H": None})


def _part_keys(part: _Part) -> Iterable[str]:
    for skel in part.skeletons:
        if not skel:
            # No consonant at all ("Ia", "Eu"): the vowels are all there is.
            yield "V" + part.enc[:_KEY_LENGTH]
            continue
        yield skel[:_KEY_LENGTH]
        coarse = _DOUBLE.sub(r"\1", skel.translate(_COARSE))
        yield "~" + (coarse[:_KEY_LENGTH] or "V")


def keys(name: str) -> set[str]:
    """Short phonetic blocking keys, two to four per name part.

    The plain key is the sound classes of the first three consonants of a part, vowels
    left out, so "Muhammad", "Mohamed", "Mehmet" and "محمد" share "MHM". The key marked
    "~" folds the classes transliterations swap most
    (j/g/dj, s/sh/ch, k/q, b/p, f/v/w) and leaves out h, so "Jamil", "Gamil" and "Cemil"
    share "~KML". Both come once with and once without a w or y inside the part (a
    consonant in "Anwar", a vowel in "Anour"). A part with an article also gives the keys
    of the part without it, so "Al-Hassan" meets "Hassan". Two spellings of one name
    usually share a key: look candidates up by key, then rank them with :func:`similarity`.
    """
    out: set[str] = set()
    for part in _analyse(name):
        for reading in (part, part.alt, part.bare):
            if reading is not None:
                out.update(_part_keys(reading))
    return out
