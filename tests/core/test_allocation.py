"""Dividing a budget in whole euros by a key (lotse.core.lib.allocation).

Every expected number is worked out by hand in the comment next to it.
"""

import json
import random
from decimal import Decimal
from fractions import Fraction

import pytest

from lotse.core.lib.allocation import Allocation, AllocationError, Recipient, allocate


def shares(result: Allocation) -> dict[str, int]:
    return {line.id: line.allocated for line in result.lines}


def statuses(result: Allocation) -> dict[str, str]:
    return {line.id: line.status for line in result.lines}


# --- rounding: largest remainder, ties by larger key, then smaller id -----------------


def test_three_equal_keys_split_100_as_34_33_33_by_id():
    # 100/3 = 33 1/3 each; floors 99, one euro left, equal remainders and keys → "a".
    for order in (["a", "b", "c"], ["c", "b", "a"], ["b", "c", "a"]):
        result = allocate(100, [Recipient(i, i.upper(), 1) for i in order])
        assert shares(result) == {"a": 34, "b": 33, "c": 33}
        assert [line.id for line in result.lines] == order  # lines keep the input order
        assert result.line("a").exact == Fraction(100, 3)
        assert set(statuses(result).values()) == {"alone"}


def test_equal_remainders_go_to_the_larger_key_before_the_smaller_id():
    # 3 € by 1:3:2 → 0.5, 1.5, 1.0; floors 0+1+1 = 2; one euro for a remainder of .5:
    # "b" (key 3) beats "a" (key 1) although "a" comes first by id.
    result = allocate(3, [Recipient("a", "A", 1), Recipient("b", "B", 3), Recipient("c", "C", 2)])
    assert shares(result) == {"a": 0, "b": 2, "c": 1}


def test_the_largest_fractional_parts_get_the_left_over_euros():
    # 10 € by 1:2:4 → 1.43, 2.86, 5.71; floors 8; two euros to .86 and .71.
    result = allocate(10, [Recipient("a", "A", 1), Recipient("b", "B", 2), Recipient("c", "C", 4)])
    assert shares(result) == {"a": 1, "b": 3, "c": 6}
    assert result.rate == Fraction(10, 7)
    assert result.rate_cents == Decimal("1.43")


def test_shares_add_up_exactly_where_rounding_each_would_not():
    # 10 € among six equal keys: 1.67 each would round to 2 × 6 = 12 €. Floors give 6,
    # the four euros left go to a, b, c, d.
    result = allocate(10, [Recipient(i, i, 1) for i in "abcdef"])
    assert shares(result) == {"a": 2, "b": 2, "c": 2, "d": 2, "e": 1, "f": 1}


def test_random_inputs_add_up_and_stay_within_a_euro_of_the_exact_share():
    rng = random.Random(2018)
    for _ in range(200):
        recipients = [
            Recipient(f"m{n:03}", f"M{n}", rng.randint(0, 500) if n % 3 else Decimal("12.5"))
            for n in range(rng.randint(1, 30))
        ]
        recipients.append(Recipient("last", "L", 1))
        budget = rng.randint(0, 10_000_000)
        result = allocate(budget, recipients)
        assert sum(shares(result).values()) == budget
        for line in result.lines:
            assert line.exact == line.share
            assert abs(line.allocated - line.exact) < 1
        shuffled = list(recipients)
        rng.shuffle(shuffled)
        assert shares(allocate(budget, shuffled)) == shares(result)


def test_decimal_keys_are_exact():
    # 1,000 € by 0.1 : 0.2 : 0.3 → 166.67, 333.33, 500; in floats 0.1 + 0.2 ≠ 0.3.
    result = allocate(
        1000,
        [
            Recipient("a", "A", Decimal("0.1")),
            Recipient("b", "B", Decimal("0.2")),
            Recipient("c", "C", Decimal("0.3")),
        ],
    )
    assert result.line("c").exact == 500
    assert shares(result) == {"a": 167, "b": 333, "c": 500}


def test_rate_is_rounded_half_up_to_the_cent():
    # 1 € over 8 persons = 0.125 € → 0.13 (half up, not to even).
    result = allocate(1, [Recipient("a", "A", 8)])
    assert result.rate == Fraction(1, 8)
    assert result.rate_cents == Decimal("0.13")


# --- zeros and bad input ---------------------------------------------------------------


def test_keys_adding_up_to_zero_are_an_error():
    with pytest.raises(AllocationError, match="add up to zero"):
        allocate(1000, [Recipient("a", "A", 0), Recipient("b", "B", Decimal("0.0"))])


def test_a_single_zero_key_gets_nothing():
    result = allocate(1000, [Recipient("a", "A", 0), Recipient("b", "B", 5)])
    assert shares(result) == {"a": 0, "b": 1000}
    assert result.line("a").status == "alone"


def test_a_zero_budget_gives_everybody_nothing():
    result = allocate(0, [Recipient("a", "A", 1), Recipient("b", "B", 2)])
    assert shares(result) == {"a": 0, "b": 0}


@pytest.mark.parametrize(
    ("budget", "recipients", "minimum", "message"),
    [
        (-1, [Recipient("a", "A", 1)], 0, "budget"),
        (1.5, [Recipient("a", "A", 1)], 0, "budget"),
        (100, [Recipient("a", "A", 1)], -1, "minimum"),
        (100, [], 0, "nobody"),
        (100, [Recipient("a", "A", -1), Recipient("b", "B", 3)], 0, "negative"),
        (100, [Recipient("a", "A", Decimal("-0.5"))], 0, "negative"),
        (100, [Recipient("a", "A", 0.5)], 0, "not 0.5"),  # type: ignore[arg-type]
        (100, [Recipient("a", "A", True)], 0, "not True"),
        (100, [Recipient("a", "A", Decimal("NaN"))], 0, "decimal"),
        (100, [Recipient("a", "A", 1), Recipient("a", "A2", 1)], 0, "twice"),
        (100, [Recipient("", "A", 1)], 0, "id"),
        (100, [Recipient("a", "A", 1, pooled_with="x")], 0, "not listed"),
        (100, [Recipient("a", "A", 1, pooled_with="a")], 0, "not listed"),
        (100, [Recipient("a", "A", 1, delegates=True)], 0, "names nobody"),
    ],
)
def test_bad_input_is_refused_with_a_plain_message(budget, recipients, minimum, message):
    with pytest.raises(ValueError, match=message):
        allocate(budget, recipients, minimum)


# --- delegation --------------------------------------------------------------------------


def test_a_delegating_municipality_is_counted_for_its_district():
    # Seed 001: Hemmingen asks Landkreis Ludwigsburg to apply and do the work. 9,000 € by
    # 30 : 20 : 40 (+0 for the district) → 3,000 / 2,000 / 4,000; the district receives
    # Hemmingen's 3,000 € although Hemmingen is well above the minimum of 1,000 €.
    result = allocate(
        9000,
        [
            Recipient("hemmingen", "Hemmingen", 30, pooled_with="lk-lb", delegates=True),
            Recipient("ditzingen", "Ditzingen", 20),
            Recipient("lk-lb", "Landkreis Ludwigsburg", 0),
            Recipient("gerlingen", "Gerlingen", 40),
        ],
        minimum=1000,
    )
    assert shares(result) == {"hemmingen": 0, "ditzingen": 2000, "lk-lb": 3000, "gerlingen": 4000}
    hemmingen = result.line("hemmingen")
    assert hemmingen.status == "delegated to lk-lb"
    assert hemmingen.pooled_into == "lk-lb"
    assert hemmingen.share == 3000  # its own share is still shown
    assert hemmingen.exact == 0
    district = result.line("lk-lb")
    assert district.status == "receives pool of [hemmingen]"
    assert district.pool == ("hemmingen",)
    assert district.exact == 3000


def test_delegations_are_followed_to_the_end_of_the_chain():
    # a → b → c: all 6 € for c, whose pool lists a and b.
    result = allocate(
        6,
        [
            Recipient("a", "A", 1, pooled_with="b", delegates=True),
            Recipient("b", "B", 2, pooled_with="c", delegates=True),
            Recipient("c", "C", 3),
        ],
    )
    assert shares(result) == {"a": 0, "b": 0, "c": 6}
    assert statuses(result) == {
        "a": "delegated to c",
        "b": "delegated to c",
        "c": "receives pool of [a, b]",
    }


def test_delegations_in_a_circle_are_an_error():
    with pytest.raises(AllocationError, match="circle"):
        allocate(
            6,
            [
                Recipient("a", "A", 1, pooled_with="b", delegates=True),
                Recipient("b", "B", 2, pooled_with="a", delegates=True),
            ],
        )


# --- minimum share -------------------------------------------------------------------------


def test_below_the_minimum_a_recipient_is_pooled_with_its_partner():
    # 100 € by 10 : 30 : 60 with minimum 20: a (10 €) joins b → b gets 40, c keeps 60.
    result = allocate(
        100,
        [
            Recipient("a", "A", 10, pooled_with="b"),
            Recipient("b", "B", 30),
            Recipient("c", "C", 60),
        ],
        minimum=20,
    )
    assert shares(result) == {"a": 0, "b": 40, "c": 60}
    assert statuses(result) == {
        "a": "pooled into b",
        "b": "receives pool of [a]",
        "c": "alone",
    }
    assert result.funded_rate == result.rate == 1


def test_a_partner_is_only_used_below_the_minimum():
    result = allocate(
        100,
        [Recipient("a", "A", 30, pooled_with="b"), Recipient("b", "B", 70)],
        minimum=20,
    )
    assert shares(result) == {"a": 30, "b": 70}
    assert result.line("a").status == "alone"


def test_below_the_minimum_without_partner_the_money_goes_to_the_others():
    # 100 € by 10 : 30 : 60, minimum 20: a has nobody → not funded; 100 € by 30 : 60.
    result = allocate(
        100, [Recipient("a", "A", 10), Recipient("b", "B", 30), Recipient("c", "C", 60)], 20
    )
    a = result.line("a")
    assert (a.status, a.allocated, a.share) == ("below minimum", 0, Fraction(10))
    assert shares(result) == {"a": 0, "b": 33, "c": 67}  # 33.33, 66.67
    assert result.rate == 1
    assert result.funded_rate == Fraction(100, 90)
    assert result.unallocated == 0


def test_the_smallest_is_dropped_first_and_the_freed_money_can_lift_the_others():
    # 100 € by 25 each, minimum 30: all four are at 25. Dropping only "d" (equal keys: the
    # larger id goes) lifts a, b, c to 33.33 → 34 / 33 / 33. Dropping all four at once
    # would fund nobody.
    result = allocate(100, [Recipient(i, i, 25) for i in "abcd"], minimum=30)
    assert shares(result) == {"a": 34, "b": 33, "c": 33, "d": 0}
    assert statuses(result)["d"] == "below minimum"


def test_a_pool_lifted_over_the_minimum_by_a_newcomer_stays_put():
    # 100 € by 5 : 10 : 85, minimum 12. z (5 €) is the smaller pool and moves first,
    # although "b" comes first by id; b's pool is then 15 € ≥ 12 and does not move on.
    result = allocate(
        100,
        [
            Recipient("z", "Z", 5, pooled_with="b"),
            Recipient("b", "B", 10, pooled_with="c"),
            Recipient("c", "C", 85),
        ],
        minimum=12,
    )
    assert shares(result) == {"z": 0, "b": 15, "c": 85}
    assert statuses(result)["b"] == "receives pool of [z]"


def test_a_share_exactly_at_the_minimum_is_enough():
    # 100 € by 20 : 80, minimum 20: a's exact share is 20 and a applies alone.
    result = allocate(
        100, [Recipient("a", "A", 20, pooled_with="b"), Recipient("b", "B", 80)], minimum=20
    )
    assert statuses(result) == {"a": "alone", "b": "alone"}
    # … while 19.999… is not, even though it would round to 20.
    result = allocate(
        100, [Recipient("a", "A", 19_999, pooled_with="b"), Recipient("b", "B", 80_001)], 20
    )
    assert result.line("a").share == Fraction(19_999, 1000)
    assert round(result.line("a").share) == 20
    assert result.line("a").status == "pooled into b"


def test_a_pool_still_below_the_minimum_moves_on_to_its_heads_partner():
    # Same, minimum 20: a + b = 15 € is still short, so b's pool joins c: c gets all 100.
    result = allocate(
        100,
        [
            Recipient("a", "A", 5, pooled_with="b"),
            Recipient("b", "B", 10, pooled_with="c"),
            Recipient("c", "C", 85),
        ],
        minimum=20,
    )
    assert shares(result) == {"a": 0, "b": 0, "c": 100}
    assert statuses(result) == {
        "a": "pooled into c",
        "b": "pooled into c",
        "c": "receives pool of [a, b]",
    }


def test_a_pool_below_the_minimum_with_nobody_left_is_not_funded():
    # 100 € by 5 : 10 : 85, minimum 20; a joins b, but b names nobody: the pool (15 €)
    # is not funded and c gets everything. Both a and b show "below minimum".
    result = allocate(
        100,
        [Recipient("a", "A", 5, pooled_with="b"), Recipient("b", "B", 10), Recipient("c", "C", 85)],
        minimum=20,
    )
    assert shares(result) == {"a": 0, "b": 0, "c": 100}
    assert statuses(result) == {"a": "below minimum", "b": "below minimum", "c": "alone"}
    assert result.line("a").pooled_into == "b"
    assert result.line("b").pool == ("a",)


def test_a_last_resort_body_is_funded_whatever_its_pool_holds():
    # As before, but b is a district marked last_resort: its 15 € pool is funded.
    result = allocate(
        100,
        [
            Recipient("a", "A", 5, pooled_with="b"),
            Recipient("b", "B", 10, last_resort=True),
            Recipient("c", "C", 85),
        ],
        minimum=20,
    )
    assert shares(result) == {"a": 0, "b": 15, "c": 85}


def test_neighbours_naming_each_other_share_one_pool():
    # 100 € by 8 : 12 : 80, minimum 15: a and b are both short and name each other; the
    # smaller (a) joins b, and b's 20 € pool reaches the minimum.
    result = allocate(
        100,
        [
            Recipient("a", "A", 8, pooled_with="b"),
            Recipient("b", "B", 12, pooled_with="a"),
            Recipient("c", "C", 80),
        ],
        minimum=15,
    )
    assert shares(result) == {"a": 0, "b": 20, "c": 80}
    assert statuses(result)["b"] == "receives pool of [a]"


def test_a_budget_below_one_minimum_share_funds_nobody():
    # 40,000 € can never reach 51,000 €: nobody is funded and the whole budget is
    # reported as unallocated; the proportional shares are still shown.
    result = allocate(
        40_000,
        [
            Recipient("a", "A", 3),
            Recipient("b", "B", 1, pooled_with="c"),
            Recipient("c", "C", 1, last_resort=False),
        ],
        minimum=51_000,
    )
    assert set(statuses(result).values()) == {"below minimum"}
    assert shares(result) == {"a": 0, "b": 0, "c": 0}
    assert result.unallocated == 40_000
    assert result.funded_rate is None
    assert result.line("a").share == 24_000
    assert result.reproduces()


# --- storing and re-running --------------------------------------------------------------


def example() -> Allocation:
    return allocate(
        1_000_001,
        [
            Recipient("08116033", "Kirchheim unter Teck", 268),
            Recipient("x", "X", Decimal("12.50"), pooled_with="lk", delegates=True),
            Recipient("y", "Y", 3, pooled_with="lk"),
            Recipient("lk", "Landkreis", 0, last_resort=True),
        ],
        minimum=20_000,
    )


def test_a_stored_table_reads_back_identically_and_reproduces():
    result = example()
    stored = json.loads(json.dumps(result.to_dict()))
    assert stored["inputs"]["recipients"][1]["key"] == "12.50"
    assert stored["rate_cents"] == str(result.rate_cents)
    again = Allocation.from_dict(stored)
    assert again == result
    assert again.line("x").key == Decimal("12.50")
    assert again.reproduces()
    assert again.reproduce() == result


def test_a_tampered_table_does_not_reproduce():
    stored = example().to_dict()
    stored["lines"][0]["allocated"] += 1
    assert not Allocation.from_dict(stored).reproduces()
    stored = example().to_dict()
    stored["inputs"]["budget"] += 1
    assert not Allocation.from_dict(stored).reproduces()


def test_stored_inputs_are_validated_when_read():
    stored = example().to_dict()
    stored["inputs"]["recipients"][0]["key"] = 268.0
    with pytest.raises(AllocationError, match="decimal string"):
        Allocation.from_dict(stored)
    stored["inputs"]["recipients"][0]["key"] = -5
    with pytest.raises(AllocationError, match="negative"):
        Allocation.from_dict(stored)


# --- Baden-Württemberg 2018 ------------------------------------------------------------

BW_BUDGET = 116_000_000  # seed 002: "Verteilung der 116 Millionen Euro"
BW_PERSONS = 145_714  # derived below, not published
PUBLISHED = {"kirchheim": 213_349, "wendlingen": 70_851, "plochingen": 44_580}
PERSONS = {"kirchheim": 268, "wendlingen": 89, "plochingen": 56, "karlsruhe": 71}


def bw_2018(minimum: int = 0, district_last_resort: bool = True) -> Allocation:
    rest = BW_PERSONS - sum(PERSONS.values())
    return allocate(
        BW_BUDGET,
        [
            Recipient("kirchheim", "Kirchheim unter Teck", 268, pooled_with="lk-es"),
            Recipient("wendlingen", "Wendlingen am Neckar", 89, pooled_with="lk-es"),
            Recipient("plochingen", "Plochingen", 56, pooled_with="lk-es"),
            Recipient("karlsruhe", "Karlsruhe", 71),
            Recipient("lk-es", "Landkreis Esslingen", 0, last_resort=district_last_resort),
            Recipient("rest", "übrige Kommunen", rest),
        ],
        minimum=minimum,
    )


def test_2018_published_amounts_fit_one_rate_per_person():
    """What the seeds give and what is derived from it.

    The seeds give the total (seed 002: 116 million euros, agreed on 8 January 2018) and
    one amount: Karlsruhe 56,500 EUR, a city with comparatively few persons in follow-up
    housing because it hosts a reception centre. They give no numbers of persons. The
    amounts for Kirchheim unter Teck (213,349), Wendlingen (70,851) and Plochingen
    (44,580) and the 51,000 EUR threshold come from the product brief, not the seeds.

    Derived: those three amounts are the whole-euro roundings of 268, 89 and 56 persons
    times one common rate between 426,697/536 and 426,699/536 (796.0765 to 796.0802
    EUR); no smaller numbers of persons fit one rate, larger fits are multiples of these.
    116,000,000 / P lies in that interval for exactly one whole P, 145,714 persons, so
    the rate is 796.07999… ≈ 796.08 EUR per person. Karlsruhe's 56,500 is not the
    rounding of any whole number of persons (70 → 55,726, 71 → 56,522): it is 71
    persons' 56,522 rounded to the hundred, as press releases do.
    """
    rate = Fraction(BW_BUDGET, BW_PERSONS)
    for town, amount in PUBLISHED.items():
        assert abs(PERSONS[town] * rate - amount) <= Fraction(1, 2), town
    for persons in (BW_PERSONS - 1, BW_PERSONS + 1):
        other = Fraction(BW_BUDGET, persons)
        assert any(abs(PERSONS[t] * other - a) > Fraction(1, 2) for t, a in PUBLISHED.items())
    assert round(PERSONS["karlsruhe"] * rate) == 56_522
    assert round(PERSONS["karlsruhe"] * rate, -2) == 56_500
    assert round(70 * rate) == 55_726


def test_2018_engine_gives_the_rate_and_the_published_amounts():
    """The engine fed with the derived persons (the rest of the state as one line).

    It reproduces the rate (796.08 EUR) and, to the euro, Kirchheim and Wendlingen;
    every exact share rounds to the published amount. Plochingen gets 44,581, one euro
    more than published: its exact share is 44,580.48, and with the rest of the state
    lumped into one line the two euros left over after rounding down go to the largest
    fractional parts, Karlsruhe's .68 and Plochingen's .48. Which remainders win among
    the roughly 1,100 real municipalities depends on all their fractions, which the seeds
    do not give; the published amounts look like each share rounded to the nearest euro.
    Karlsruhe gets 56,522, published rounded as 56,500.
    """
    result = bw_2018()
    assert result.rate_cents == Decimal("796.08")
    assert result.rate == Fraction(116_000_000, 145_714)
    assert sum(shares(result).values()) == BW_BUDGET
    for town, amount in PUBLISHED.items():
        assert round(result.line(town).share) == amount
    assert result.line("kirchheim").allocated == 213_349
    assert result.line("wendlingen").allocated == 70_851
    assert result.line("plochingen").allocated == 44_581
    assert result.line("plochingen").exact - 44_580 == Fraction(34_940, 72_857)  # .48
    assert result.line("karlsruhe").allocated == 56_522
    assert set(statuses(result).values()) == {"alone"}


def test_2018_plochingen_is_below_51000_and_pooled_into_its_district():
    """With the 51,000 EUR threshold, Plochingen (44,580) cannot apply alone.

    It names Landkreis Esslingen, which as the body of last resort receives its money;
    Kirchheim, Wendlingen and Karlsruhe are above the threshold and apply alone, with
    the same euros as without a threshold. If the district were not exempt, its pool
    of 44,580 EUR would itself be below the threshold and not funded: the 56 persons
    leave the key and everybody else's rate rises to 116,000,000 / 145,658.
    """
    result = bw_2018(minimum=51_000)
    assert statuses(result) == {
        "kirchheim": "alone",
        "wendlingen": "alone",
        "plochingen": "pooled into lk-es",
        "karlsruhe": "alone",
        "lk-es": "receives pool of [plochingen]",
        "rest": "alone",
    }
    assert shares(result) == {**shares(bw_2018()), "plochingen": 0, "lk-es": 44_581}

    strict = bw_2018(minimum=51_000, district_last_resort=False)
    assert statuses(strict)["plochingen"] == statuses(strict)["lk-es"] == "below minimum"
    assert strict.funded_rate == Fraction(116_000_000, 145_658)
    assert sum(shares(strict).values()) == BW_BUDGET
    assert strict.line("kirchheim").allocated > 213_349
