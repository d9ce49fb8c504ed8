import pytest

from lotse.core.lib.eligibility import CriteriaError, evaluate, validate_criteria
from lotse.core.models import Term
from lotse.organisations.models import Programme

CODES = {
    "residence_status": {"gestattung", "ae_24", "ae_25_2"},
    "accommodation": {"anschlussunterbringung"},
}
SH_LIKE = {
    "case_management": [
        {
            "fact": "residence_status",
            "not_in": ["gestattung"],
            "text": "no case management without recognition",
        },
        {"fact": "months_since_entry", "max": 36, "text": "up to three years after entry"},
    ]
}


def test_all_conditions_met_is_eligible():
    result = evaluate(
        SH_LIKE, "case_management", {"residence_status": "ae_25_2", "months_since_entry": 12}
    )
    assert result.outcome == "eligible"
    assert [c.met for c in result.checks] == [True, True]


def test_a_failed_condition_is_explained():
    result = evaluate(
        SH_LIKE, "case_management", {"residence_status": "gestattung", "months_since_entry": 12}
    )
    assert result.outcome == "not_eligible"
    assert result.checks[0].met is False
    assert result.checks[0].text == "no case management without recognition"


def test_unknown_facts_give_unknown_not_a_guess():
    result = evaluate(SH_LIKE, "case_management", {"residence_status": "ae_25_2"})
    assert result.outcome == "unknown"
    assert result.checks[1].met is None


def test_services_without_rules_are_open():
    assert evaluate(SH_LIKE, "counselling", {}).outcome == "eligible"


def test_any_needs_one_option():
    rule = {
        "counselling": [
            {
                "any": [
                    {"fact": "accommodation", "in": ["anschlussunterbringung"], "text": "a"},
                    {"fact": "residence_status", "in": ["ae_24"], "text": "b"},
                ],
                "text": "a or b",
            }
        ]
    }
    assert evaluate(rule, "counselling", {"residence_status": "ae_24"}).outcome == "eligible"
    assert (
        evaluate(rule, "counselling", {"residence_status": "ae_25_2", "accommodation": "x"}).outcome
        == "not_eligible"
    )
    assert evaluate(rule, "counselling", {"residence_status": "ae_25_2"}).outcome == "unknown"


@pytest.mark.parametrize(
    "criteria, message",
    [
        ([], "object keyed by service"),
        ({"housing": []}, "Unknown service"),
        ({"counselling": [{"fact": "age", "min": 27}]}, "'text'"),
        ({"counselling": [{"fact": "age", "min": "27", "text": "t"}]}, "whole number"),
        ({"counselling": [{"fact": "age", "min": 1, "max": 2, "text": "t"}]}, "one of"),
        ({"counselling": [{"fact": "shoe_size", "min": 1, "text": "t"}]}, "Unknown fact"),
        (
            {"counselling": [{"fact": "residence_status", "in": ["nonsense"], "text": "t"}]},
            "nonsense",
        ),
        (
            {"counselling": [{"any": [{"fact": "age", "min": 1, "text": "t"}], "text": "t"}]},
            "at least two",
        ),
    ],
)
def test_invalid_criteria_are_refused_with_a_reason(criteria, message):
    with pytest.raises(CriteriaError, match=message):
        validate_criteria(criteria, CODES)


@pytest.mark.django_db
def test_the_seeded_programmes_are_valid():
    codes = Term.codes_by_vocabulary()
    programmes = list(Programme.objects.all())
    assert {p.key for p in programmes} == {"bb-msa", "bw-im", "rlp-mfd", "sh-msb", "mbe"}
    for programme in programmes:
        validate_criteria(programme.eligibility_criteria, codes)
        programme.full_clean()


@pytest.mark.django_db
def test_sh_msb_offers_refugees_without_recognition_crisis_counselling_only():
    sh = Programme.objects.get(key="sh-msb")
    asylum_seeker = {"residence_status": "gestattung", "months_since_entry": 6}
    assert (
        evaluate(sh.eligibility_criteria, "case_management", asylum_seeker).outcome
        == "not_eligible"
    )
    assert evaluate(sh.eligibility_criteria, "counselling", asylum_seeker).outcome == "eligible"


@pytest.mark.django_db
def test_mbe_is_for_adults_from_27():
    mbe = Programme.objects.get(key="mbe")
    assert (
        evaluate(
            mbe.eligibility_criteria, "counselling", {"age": 26, "months_since_entry": 3}
        ).outcome
        == "not_eligible"
    )
    assert (
        evaluate(
            mbe.eligibility_criteria, "counselling", {"age": 27, "months_since_entry": 3}
        ).outcome
        == "eligible"
    )
