"""The grant of a position and the spending proof (lotse.core.lib.funding).

Every expected number is worked out by hand in the comment next to it.
"""

from dataclasses import replace
from datetime import date
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

import pytest

from lotse.core.lib.funding import (
    CAPPED_AT_COSTS,
    GRANT_CAPPED,
    INTERPRETING_CAPPED,
    MATERIAL_CAPPED,
    NO_FLAT_RATE,
    NO_QUALIFICATION,
    FundingError,
    FundingRules,
    PositionYear,
    position_grant,
    round_euros,
    spending_proof,
)

BW_IM = FundingRules(flat_rates={"social_work_bachelor": 60_000, "social_work_master": 64_000})
SH_MSB = FundingRules(
    max_grant_per_fte=70_500,
    max_material_per_fte=20_000,
    max_interpreting_per_fte=5_000,
    min_own_share_percent=10,
)
BB_MSA = FundingRules()


def position(
    label="Stelle 1",
    fte="1",
    first_day=date(2025, 1, 1),
    last_day=date(2025, 12, 31),
    qualification="social_work_bachelor",
    personnel=0,
    material=0,
    interpreting=0,
):
    return PositionYear(
        label=label,
        fte=Decimal(fte),
        first_day=first_day,
        last_day=last_day,
        qualification=qualification,
        personnel=personnel,
        material=material,
        interpreting=interpreting,
    )


# --- which rule applies ------------------------------------------------------------------


def test_the_kind_of_rule_follows_from_what_is_set():
    assert BW_IM.kind == "flat_rate"
    assert SH_MSB.kind == "capped_grant"
    assert BB_MSA.kind == "reimbursement"
    assert FundingRules(min_own_share_percent=10).kind == "capped_grant"


# --- share of the year ---------------------------------------------------------------------


def test_share_of_the_year_counts_both_days_and_leap_years():
    assert position().share == 1
    # 1 January to 1 July 2024: 31+29+31+30+31+30+1 = 183 of 366 days.
    assert position(first_day=date(2024, 1, 1), last_day=date(2024, 7, 1)).share == Fraction(1, 2)
    # One day in 2025.
    assert position(first_day=date(2025, 3, 1), last_day=date(2025, 3, 1)).share == Fraction(1, 365)


# --- bw-im: flat rate by qualification -----------------------------------------------------


def test_flat_rate_for_half_a_position_the_whole_year():
    # 60,000 × 0.5 × 1 = 30,000 cap; actual costs 35,000 are higher, so 30,000.
    line = position_grant(position(fte="0.5", personnel=33_000, material=2_000), BW_IM)
    assert line.cap == 30_000
    assert line.grant == 30_000
    assert line.actual_costs == 35_000
    assert line.own_contribution == 5_000
    assert line.own_share_percent == Decimal("14.29")  # 5,000 / 35,000 = 14.2857 %
    assert line.notes == ()


def test_flat_rate_for_half_a_position_half_a_leap_year():
    # 64,000 × 0.5 × 183/366 = 16,000.
    line = position_grant(
        position(
            fte="0.5",
            first_day=date(2024, 1, 1),
            last_day=date(2024, 7, 1),
            qualification="social_work_master",
            personnel=20_000,
        ),
        BW_IM,
    )
    assert line.share == Fraction(1, 2)
    assert line.cap == 16_000
    assert line.grant == 16_000
    assert line.own_contribution == 4_000


def test_flat_rate_is_capped_at_the_actual_costs():
    # Cap 60,000, but the position cost only 25,000 + 1,000: no over-funding.
    line = position_grant(position(personnel=25_000, material=1_000), BW_IM)
    assert line.cap == 60_000
    assert line.grant == 26_000
    assert line.own_contribution == 0
    assert line.own_share_percent == Decimal("0.00")
    assert line.notes == (CAPPED_AT_COSTS,)


def test_flat_rate_exactly_at_the_costs_is_not_noted_as_capped():
    line = position_grant(position(personnel=60_000), BW_IM)
    assert (line.grant, line.notes) == (60_000, ())


def test_unknown_or_missing_qualification_earns_nothing_and_says_why():
    unknown = position_grant(position(qualification="hairdresser", personnel=40_000), BW_IM)
    assert (unknown.grant, unknown.cap, unknown.notes) == (0, None, (NO_FLAT_RATE,))
    assert unknown.own_contribution == 40_000
    assert unknown.own_share_percent == Decimal("100.00")
    missing = position_grant(position(qualification=None, personnel=40_000), BW_IM)
    assert (missing.grant, missing.notes) == (0, (NO_QUALIFICATION,))


# --- sh-msb: caps and own share ------------------------------------------------------------


def test_own_share_of_exactly_ten_percent():
    # Eligible 50,000 + 10,000 + 2,000 = 62,000; 90 % = 55,800 < 70,500; own 6,200 = 10 %.
    line = position_grant(position(personnel=50_000, material=10_000, interpreting=2_000), SH_MSB)
    assert line.eligible_costs == 62_000
    assert line.cap == 70_500
    assert line.grant == 55_800
    assert line.own_contribution == 6_200
    assert line.own_share_percent == Decimal("10.00")
    assert line.notes == ()


def test_material_and_interpreting_above_their_caps_are_not_counted():
    # Material 23,000 > 20,000 and interpreting 6,000 > 5,000: eligible
    # 52,000 + 20,000 + 5,000 = 77,000; 90 % = 69,300 < 70,500.
    line = position_grant(position(personnel=52_000, material=23_000, interpreting=6_000), SH_MSB)
    assert line.eligible_costs == 77_000
    assert line.grant == 69_300
    assert line.actual_costs == 81_000
    assert line.own_contribution == 11_700  # 81,000 − 69,300
    assert line.own_share_percent == Decimal("14.44")  # 11,700 / 81,000 = 14.444 %
    assert line.notes == (MATERIAL_CAPPED, INTERPRETING_CAPPED)


def test_the_total_is_capped_at_the_maximum_per_fte():
    # Eligible 65,000 + 15,000 + 3,000 = 83,000; 90 % = 74,700 > 70,500.
    line = position_grant(position(personnel=65_000, material=15_000, interpreting=3_000), SH_MSB)
    assert line.eligible_costs == 83_000
    assert line.grant == 70_500
    assert line.own_contribution == 12_500
    assert line.notes == (GRANT_CAPPED,)


def test_caps_scale_with_fte_and_share_of_a_leap_year():
    # 0.5 FTE for 183/366 days: factor 1/4. Caps: material 5,000, interpreting 1,250,
    # grant 17,625. Eligible 14,000 + 5,000 + 1,000 = 20,000; 90 % = 18,000 > 17,625.
    line = position_grant(
        position(
            fte="0.5",
            first_day=date(2024, 1, 1),
            last_day=date(2024, 7, 1),
            personnel=14_000,
            material=6_000,
            interpreting=1_000,
        ),
        SH_MSB,
    )
    assert line.eligible_costs == 20_000
    assert line.cap == 17_625
    assert line.grant == 17_625
    assert line.own_contribution == 3_375  # 21,000 − 17,625
    assert line.notes == (MATERIAL_CAPPED, GRANT_CAPPED)


def test_an_uneven_share_is_kept_exact_until_the_end():
    # 1 FTE for 100 of 365 days: material cap 20,000 × 100/365 = 5,479.45…;
    # eligible 10,000 + 5,479.45… = 15,479.45…; 90 % = 13,931.50… → 13,932.
    line = position_grant(
        position(
            first_day=date(2025, 1, 1),
            last_day=date(2025, 4, 10),
            personnel=10_000,
            material=6_000,
        ),
        SH_MSB,
    )
    assert line.share == Fraction(100, 365)
    assert line.exact == (10_000 + Fraction(2_000_000, 365)) * Fraction(9, 10)
    assert line.eligible_costs == 15_479
    assert line.grant == 13_932
    assert line.notes == (MATERIAL_CAPPED,)


# --- bb-msa: reimbursement -----------------------------------------------------------------


def test_reimbursement_pays_the_actual_costs():
    line = position_grant(
        position(fte="0.75", qualification=None, personnel=41_234, material=5_000, interpreting=7),
        BB_MSA,
    )
    assert line.grant == 46_241
    assert line.cap is None
    assert line.own_contribution == 0
    assert line.notes == ()


# --- rounding and totals -------------------------------------------------------------------


def test_each_line_is_rounded_half_up_and_the_totals_are_the_sums_of_the_lines():
    # 12,345 × 90 % = 11,110.50 → 11,111 on each line; two lines 22,222 (rounding the
    # exact total 22,221 would not add up on paper).
    lines = [position(label=name, personnel=12_345) for name in ("A", "B")]
    proof = spending_proof("Träger", "MSB", 2025, lines, SH_MSB, granted=22_222)
    assert [line.grant for line in proof.lines] == [11_111, 11_111]
    assert sum(line.exact for line in proof.lines) == Fraction(22_221)
    assert proof.total_grant == 22_222
    assert proof.total_actual == 24_690
    assert proof.own_contribution == 2_468
    assert proof.balance == 0
    assert (proof.to_repay, proof.not_covered) == (0, 0)


def test_rounding_down_where_the_guideline_asks_for_it():
    rules = FundingRules(min_own_share_percent=10, rounding=ROUND_DOWN)
    line = position_grant(position(personnel=12_345), rules)
    assert line.grant == 11_110


def test_round_euros():
    assert [round_euros(Fraction(n, 2)) for n in (0, 1, 2, 3, 5)] == [0, 1, 1, 2, 3]
    assert round_euros(Fraction(1_499, 1_000)) == 1
    assert round_euros(Fraction(7, 2), ROUND_DOWN) == 3


# --- the spending proof --------------------------------------------------------------------


def proof_for(granted):
    # Line 1: 55,800 (see the 10 % example); line 2: 0.5 FTE all year, caps halved:
    # eligible 30,000 + 10,000 + 2,500 = 42,500; 90 % = 38,250 > 35,250 → 35,250.
    lines = [
        position(label="Stelle 1", personnel=50_000, material=10_000, interpreting=2_000),
        position(
            label="Stelle 2", fte="0.5", personnel=30_000, material=12_000, interpreting=2_500
        ),
    ]
    return spending_proof("Diakonie Kiel", "MSB Schleswig-Holstein", 2025, lines, SH_MSB, granted)


def test_the_proof_adds_up_and_states_a_repayment():
    proof = proof_for(100_000)
    assert [line.grant for line in proof.lines] == [55_800, 35_250]
    assert proof.total_personnel == 80_000
    assert proof.total_material == 22_000
    assert proof.total_interpreting == 4_500
    assert proof.total_actual == 106_500
    assert proof.total_eligible_costs == 104_500  # 62,000 + 42,500
    assert proof.total_grant == 91_050
    assert proof.own_contribution == 15_450  # 106,500 − 91,050
    assert proof.own_share_percent == Decimal("14.51")  # 14.507 %
    assert proof.min_own_share_met is True
    assert proof.balance == 8_950
    assert (proof.to_repay, proof.not_covered, proof.paid) == (8_950, 0, 91_050)


def test_a_notice_below_the_earned_grant_leaves_the_difference_uncovered():
    proof = proof_for(90_000)
    assert proof.balance == -1_050
    assert (proof.to_repay, proof.not_covered, proof.paid) == (0, 1_050, 90_000)


def test_a_notice_equal_to_the_earned_grant_balances_to_zero():
    proof = proof_for(91_050)
    assert (proof.balance, proof.to_repay, proof.not_covered) == (0, 0, 0)


def test_minimum_own_share_is_reported_only_when_the_rules_set_one():
    lines = [position(personnel=10_000)]
    assert spending_proof("T", "P", 2025, lines, BB_MSA, 10_000).min_own_share_met is None
    # 10,005 × 90 % = 9,004.50 → 9,005 half up: own 1,000 is just under 10 % of 10,005.
    rounded_up = spending_proof("T", "P", 2025, [position(personnel=10_005)], SH_MSB, 0)
    assert rounded_up.lines[0].grant == 9_005
    assert rounded_up.min_own_share_met is False
    rules = replace(SH_MSB, rounding=ROUND_DOWN)
    rounded_down = spending_proof("T", "P", 2025, [position(personnel=10_005)], rules, 0)
    assert rounded_down.lines[0].grant == 9_004
    assert rounded_down.min_own_share_met is True


def test_an_empty_proof_is_all_zero():
    proof = spending_proof("T", "P", 2025, [], SH_MSB, 0)
    assert (proof.total_actual, proof.total_grant, proof.balance) == (0, 0, 0)
    assert proof.own_share_percent is None
    assert proof.min_own_share_met is True


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("fte", ["0", "0.3", "1.25", "-0.5", "NaN"])
def test_fte_must_be_quarters_up_to_one(fte):
    with pytest.raises(FundingError, match="FTE"):
        position(fte=fte)


def test_fte_must_be_a_decimal():
    with pytest.raises(FundingError, match="FTE"):
        PositionYear("X", 0.5, date(2025, 1, 1), date(2025, 1, 2), None, 0, 0, 0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("first_day", "last_day", "message"),
    [
        (date(2024, 12, 1), date(2025, 1, 31), "same year"),
        (date(2025, 2, 1), date(2025, 1, 31), "before the first day"),
    ],
)
def test_days_must_lie_in_one_year_in_order(first_day, last_day, message):
    with pytest.raises(FundingError, match=message):
        position(first_day=first_day, last_day=last_day)


@pytest.mark.parametrize("costs", [-1, 1.5, Decimal("100"), True])
def test_costs_must_be_whole_non_negative_euros(costs):
    with pytest.raises(FundingError, match="personnel costs"):
        position(personnel=costs)


def test_positions_must_lie_in_the_year_of_the_proof():
    with pytest.raises(FundingError, match="not in 2024"):
        spending_proof("T", "P", 2024, [position()], SH_MSB, 0)


def test_granted_must_be_whole_non_negative_euros():
    with pytest.raises(FundingError, match="amount granted"):
        spending_proof("T", "P", 2025, [position()], SH_MSB, -5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"flat_rates": {"x": 1}, "max_grant_per_fte": 70_500}, "cannot be combined"),
        ({"flat_rates": {"x": -1}}, "flat rate for 'x'"),
        ({"max_material_per_fte": 1.5}, "max_material_per_fte"),
        ({"min_own_share_percent": 101}, "min_own_share_percent"),
        ({"rounding": "ROUND_HALF_EVEN"}, "rounding"),
    ],
)
def test_rules_are_checked(kwargs, message):
    with pytest.raises(FundingError, match=message):
        FundingRules(**kwargs)


def test_rules_keep_their_own_copy_of_the_flat_rates():
    rates = {"a": 1}
    rules = FundingRules(flat_rates=rates)
    rates["a"] = 2
    assert rules.flat_rates["a"] == 1
