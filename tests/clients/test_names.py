"""Name similarity: transliteration variants, full names, keys, the evaluation, the command."""

from __future__ import annotations

import io
import itertools
from collections import defaultdict
from pathlib import Path

import pytest
import translitua
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from lotse.clients.lib import name_evaluation
from lotse.clients.lib.names import (
    MATCH_THRESHOLD,
    keys,
    levenshtein_similarity,
    normalise,
    similarity,
    tokens,
)
from lotse.clients.management.commands.name_similarity import DEFAULT_VARIANTS

VARIANTS = Path(__file__).resolve().parent.parent / "data" / "name-variants-dev.tsv"

UNRELATED = [
    "Ahmed Khalil",
    "Yusuf Ibrahim",
    "Olena Petrenko",
    "Tesfay Gebremedhin",
    "Ali Rezaei",
    "Fatima Nouri",
    "Zeynep Yilmaz",
    "Hussein Karimi",
]


# --------------------------------------------------------------------------- basics


def test_normalise():
    assert normalise("  Müller-Lüdenscheidt ") == "muller ludenscheidt"
    assert normalise("O'Neill") == "oneill"
    assert normalise("Sa‘d ʿAbd-al-Karīm") == "sad abd al karim"
    assert normalise("Олександр Шевченко") == "oleksandr shevchenko"
    # Ukrainian letters switch the whole name to KMU 2010 (г -> h), otherwise Russian ICAO.
    assert normalise("Юлія Гончаренко") == "yuliia honcharenko"
    assert normalise("Наталья Кузнецова") == "natalia kuznetsova"
    assert normalise("محمد") == "mhmd"
    assert normalise("Şükrü Çelik") == "shukru chelik"
    assert normalise("<b>Ali</b> 😀 &amp; Omar") == "ali omar"


def test_tokens_join_arabic_particles():
    assert tokens("Al-Hassan") == tokens("al hassan") == ["alhassan"]
    assert tokens("El Hassan") == ["elhassan"]
    assert tokens("Abd al-Rahman") == ["abdalrahman"]
    assert tokens("Abdul Rahman") == ["abdulrahman"]
    assert tokens("Nasr ad-Din") == ["nasr", "addin"]
    assert tokens("Mohammed bin Salman") == ["mohammed", "bin", "salman"]
    assert tokens("Mohammed Al-Hassan") == ["mohammed", "alhassan"]
    assert tokens(" - , ") == []
    for spelling in ("Al-Hassan", "al hassan", "El Hassan", "Alhassan"):
        assert similarity(spelling, "alhasan") >= MATCH_THRESHOLD, spelling


def test_mohammed_al_hassan():
    score = similarity("Mohammed Al-Hassan", "Muhammad Alhasan")
    assert score >= MATCH_THRESHOLD
    assert score > max(similarity("Mohammed Al-Hassan", name) for name in UNRELATED)
    assert similarity("Mohammed Al-Hassan", "محمد الحسن") >= MATCH_THRESHOLD
    assert similarity("Muhammad Alhasan", "محمد الحسن") >= MATCH_THRESHOLD
    assert similarity("Mohammed Al-Hassan", "Mohammed Hassan") >= MATCH_THRESHOLD


def test_order_and_missing_parts():
    name = "Mohammed Al-Hassan"
    assert similarity(name, "Al-Hassan Mohammed") == 1.0
    assert similarity(name, "Alhasan, Muhammad") == similarity(name, "Muhammad Alhasan")
    assert similarity("Olena Kovalenko", "Kowalenko Olena") >= MATCH_THRESHOLD
    # A missing middle name costs little; a different family name costs a lot.
    with_middle = "Mohammed Ali Al-Hassan"
    assert similarity(with_middle, "Muhammad Alhasan") >= MATCH_THRESHOLD
    assert similarity(with_middle, "Hassan Mohammed") >= MATCH_THRESHOLD
    assert similarity(name, "Mohammed Khalil") < MATCH_THRESHOLD
    assert similarity(name, "Ahmed Khalil") < similarity(name, "Mohammed Khalil")
    # Written as one part or two: Persian compound given names.
    assert similarity("Mohammad Reza Ahmadi", "Mohammadreza Ahmadi") >= MATCH_THRESHOLD
    assert similarity("Mohammad Reza Ahmadi", "محمدرضا احمدی") >= MATCH_THRESHOLD


def test_transliteration_habits():
    same = [
        ("Youssef", "Yusuf"),
        ("Chaouki", "Shawki"),
        ("Tawfiq", "Taoufik"),
        ("Anouar", "Anwar"),
        ("Hisham", "Hicham"),
        ("Khalil", "Halil"),
        ("Schewtschenko", "Shevchenko"),
        ("Dschamal", "Djamal"),
        ("Jelena", "Yelena"),
        ("Müller", "Mueller"),
        ("Zakariya", "Zakaria"),
        ("Abdulrahman", "Abd al-Rahman"),
        ("Fatima", "فاطمة"),
        ("Yusuf", "يوسف"),
        ("Hussein", "حسين"),
    ]
    for a, b in same:
        assert similarity(a, b) >= MATCH_THRESHOLD, (a, b, similarity(a, b))
    different = [("Ahmed", "Mahmoud"), ("Ali", "Omar"), ("Fatima", "Khadija"), ("Yusuf", "Ibrahim")]
    for a, b in different:
        assert similarity(a, b) < MATCH_THRESHOLD, (a, b, similarity(a, b))


def test_oleksandr_aleksandr_alexander():
    forms = ["Oleksandr", "Aleksandr", "Alexander", "Alexandr", "Олександр", "Александр"]
    for a, b in itertools.combinations(forms, 2):
        assert similarity(a, b) >= MATCH_THRESHOLD, (a, b, similarity(a, b))


def test_symmetric_and_bounded():
    names = ["Mohammed Al-Hassan", "Muhammad Alhasan", "محمد الحسن", "Юлія Коваленко", "M. Hassan"]
    names += UNRELATED
    for a, b in itertools.product(names, repeat=2):
        score = similarity(a, b)
        assert 0.0 <= score <= 1.0
        assert score == similarity(b, a)
    assert levenshtein_similarity("Müller", "muller") == 1.0


# ----------------------------------------------------------------- Cyrillic variants

Scheme = type[translitua.TransliterationTable]

UKRAINIAN_SCHEMES: list[Scheme] = [
    translitua.UkrainianKMU,
    translitua.UkrainianGerman,
    translitua.UkrainianFrench,
    translitua.UkrainianBGN,
    translitua.UkrainianBritish,
    translitua.UkrainianUNGEGN,
    translitua.UkrainianNational1996,
    translitua.UkrainianPassport2004Alt,
    translitua.UkrainianPassport2007,
]
RUSSIAN_SCHEMES: list[Scheme] = [
    translitua.RussianICAO,
    translitua.RussianInternationalPassport1997,
    translitua.RussianInternationalPassport,
    translitua.RussianGOST2006,
    translitua.RussianALALC,
    translitua.RussianDriverLicense,
    translitua.RussianTelegram,
]
PEOPLE: dict[str, list[Scheme]] = {
    "Олександр Шевченко": UKRAINIAN_SCHEMES,
    "Юлія Коваленко": UKRAINIAN_SCHEMES,
    "Дмитро Мельник": UKRAINIAN_SCHEMES,
    "Ольга Ткаченко": UKRAINIAN_SCHEMES,
    "Євгенія Гончаренко": UKRAINIAN_SCHEMES,
    "Александр Щербаков": RUSSIAN_SCHEMES,
    "Наталья Кузнецова": RUSSIAN_SCHEMES,
    "Юрий Васильев": RUSSIAN_SCHEMES,
    "Ирина Журавлёва": RUSSIAN_SCHEMES,
}
DISTRACTORS = [
    "Oleh Shevchuk",
    "Oleksii Kovalchuk",
    "Yulian Kovalskyi",
    "Dmytro Melnychuk",
    "Olga Tkachuk",
    "Yevhen Honchar",
    "Aleksei Shcherbina",
    "Natalia Kuzmina",
    "Yuri Vasilenko",
    "Irina Zhuravskaya",
    "Alexander Schneider",
    "Julia Kowalski",
    *UNRELATED,
]


def spellings(person: str) -> list[str]:
    """The Cyrillic original and its spellings in every scheme of its language."""
    return sorted({person} | {translitua.translit(person, table) for table in PEOPLE[person]})


def test_transliteration_schemes_give_several_spellings():
    assert len(spellings("Олександр Шевченко")) >= 5
    assert "Oleksandr Schewtschenko" in spellings("Олександр Шевченко")
    assert "Oleksandr Chevtchenko" in spellings("Олександр Шевченко")
    assert "Aleksandr Shcherbakov" in spellings("Александр Щербаков")


@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_cyrillic_spellings_match_each_other(person):
    own = spellings(person)
    for a, b in itertools.combinations(own, 2):
        assert similarity(a, b) >= MATCH_THRESHOLD, (a, b, similarity(a, b))


@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_cyrillic_spellings_rank_their_person_first(person):
    own = spellings(person)
    others = [s for p in PEOPLE if p != person for s in spellings(p)] + DISTRACTORS
    for query in own:
        worst_own = min(similarity(query, s) for s in own if s != query)
        best_other = max(others, key=lambda s: similarity(query, s))
        assert worst_own > similarity(query, best_other), (query, best_other)


def test_cyrillic_original_matches_latin_spellings():
    assert similarity("Олександр Шевченко", "Oleksandr Schewtschenko") >= MATCH_THRESHOLD
    assert similarity("Наталья Кузнецова", "Natalja Kusnezowa") >= MATCH_THRESHOLD
    assert similarity("Юлія Коваленко", "Julija Kowalenko") >= MATCH_THRESHOLD
    # No letter only Ukrainian has: Russian ICAO reads it "Dmitro Melnik".
    assert similarity("Дмитро Мельник", "Dmytro Melnyk") > 0.95


# ---------------------------------------------------------------- evaluation, keys


@pytest.fixture(scope="module")
def evaluation():
    return name_evaluation.evaluate(VARIANTS)


def test_evaluation_reaches_targets_and_beats_levenshtein(evaluation):
    ours, baseline = evaluation["ours"], evaluation["levenshtein"]
    assert evaluation["spellings"] > 1000
    assert ours["recall_at_1"] >= 0.90
    assert ours["recall_at_5"] >= 0.98
    assert ours["recall_at_1"] > baseline["recall_at_1"] + 0.1
    assert ours["recall_at_5"] > baseline["recall_at_5"]
    assert ours["seconds"] < 60


def test_evaluation_counts_ties_against_the_scorer(tmp_path):
    path = tmp_path / "v.tsv"
    path.write_text("group\tspelling\tcount\na\tabc\t1\na\txyz\t1\nb\tabc\t1\nb\tqqq\t1\n")
    rows = name_evaluation.read_variants(path)
    spellings_ = [s for _, s in rows]
    groups = [g for g, _ in rows]

    def exact(x: str, y: str) -> float:
        return 1.0 if x == y else 0.0

    # "abc" of group a finds "abc" of group b first; every other spelling ties at 0 with
    # its own group's spelling, and ties rank the other group's spellings first.
    ranks = name_evaluation.ranks(name_evaluation.score_matrix(spellings_, exact), groups)
    assert ranks == [3, 3, 3, 3]


def _variant_groups() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for group, spelling in name_evaluation.read_variants(VARIANTS):
        groups[group].append(spelling)
    return groups


def test_keys_shared_by_spellings_of_one_name():
    groups = _variant_groups()
    pairs = [(a, b) for members in groups.values() for a, b in itertools.combinations(members, 2)]
    shared = sum(bool(keys(a) & keys(b)) for a, b in pairs) / len(pairs)
    per_group = sum(
        all(any(keys(a) & keys(b) for b in members if b != a) for a in members)
        for members in groups.values()
    ) / len(groups)
    assert shared >= 0.9, shared
    assert per_group >= 0.9, per_group
    # Keys still select: a spelling meets a small share of all the others.
    spellings_ = [s for members in groups.values() for s in members]
    index: dict[str, set[str]] = defaultdict(set)
    for s in spellings_:
        for key in keys(s):
            index[key].add(s)
    block = sum(len(set().union(*(index[k] for k in keys(s)))) for s in spellings_)
    assert block / len(spellings_) < 0.05 * len(spellings_)


def test_keys_examples():
    assert keys("Mohammed Al-Hassan") & keys("محمد الحسن") == keys("Mohammed Al-Hassan")
    assert keys("Muhammad") & keys("Mehmet") & keys("محمد")
    assert keys("Al-Hassan") & keys("Hassan")
    assert keys("Anwar") & keys("Anouar") & keys("أنور")
    assert keys("Kowalenko") & keys("Kovalenko") & keys("Коваленко")
    assert keys("Schewtschenko") & keys("Chevtchenko") & keys("Shevchenko")
    assert keys("") == set()
    assert all(isinstance(k, str) and 0 < len(k) <= 8 for k in keys("Oleksandr Shevchenko"))


# ------------------------------------------------------------------- robustness

ODD = [
    "",
    "   ",
    "😀🙂👍",
    "Ali 😀",
    "x" * 2000,
    "Mohammed " * 250,
    "\u200fمحمد بن عبد الله الحسن\u200f",
    "עמית כהן",
    "<script>alert('x')</script>Omar",
    "<b>Ali</b>&nbsp;&amp;&lt;",
    "\x00\x01\t\n",
    "Ａｈｍｅｄ",
    "李小龙",
    "ግርማይ ተስፋይ",
    "O'Brien-Smith, Mary-Jane",
    "---'''",
    "12345",
]


@pytest.mark.parametrize("text", ODD)
def test_odd_input_gives_a_score_in_range(text):
    for other in ("Mohammed Al-Hassan", text, "", "x" * 2000):
        score = similarity(text, other)
        assert isinstance(score, float)
        assert 0.0 <= score <= 1.0
    assert all(isinstance(t, str) and t for t in tokens(text))
    assert all(isinstance(k, str) for k in keys(text))
    assert isinstance(normalise(text), str)
    assert 0.0 <= levenshtein_similarity(text, "Ali") <= 1.0


def test_no_letters_is_no_match():
    assert similarity("", "") == 0.0
    assert similarity("😀", "😀") == 0.0
    assert similarity("", "Ali") == 0.0


# --------------------------------------------------------------------- command


def test_command_reads_pairs_from_stdin():
    stdin = io.StringIO("Mohammed Al-Hassan\tMuhammad Alhasan\nOmar\tOmar\nAli\tОлена\n")
    out = io.StringIO()
    call_command("name_similarity", stdin=stdin, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0] == f"{similarity('Mohammed Al-Hassan', 'Muhammad Alhasan'):.4f}"
    assert lines[1] == "1.0000"
    assert all(len(line) == 6 and 0 <= float(line) <= 1 for line in lines)


def test_command_reports_lines_without_tab_and_continues():
    stdin = io.StringIO("no tab here\nAli\tAly\n")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("name_similarity", stdin=stdin, stdout=out, stderr=err)
    assert raised.value.returncode == 1
    assert "line 1" in err.getvalue()
    assert len(out.getvalue().splitlines()) == 1


def test_command_evaluate(tmp_path):
    path = tmp_path / "variants.tsv"
    path.write_text(
        "group\tspelling\tcount\n"
        "a\tMohammed\t5\na\tMuhammad\t3\nb\tYoussef\t2\nb\tYusuf\t2\nc\tOmar\t1\nc\tUmar\t1\n"
    )
    out = io.StringIO()
    call_command("name_similarity", "--evaluate", str(path), stdout=out)
    table = out.getvalue().splitlines()
    assert table[0].split() == ["scorer", "recall@1", "recall@5", "spellings", "seconds"]
    ours = table[1].split()
    assert ours[0] == "similarity"
    assert float(ours[1]) == 1.0
    assert ours[3] == "6"
    assert table[2].split()[0] == "levenshtein"


def test_command_default_variants_path():
    assert (Path(settings.BASE_DIR) / DEFAULT_VARIANTS).resolve() == VARIANTS
