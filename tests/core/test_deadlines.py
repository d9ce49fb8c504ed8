"""Periods for actions against asylum decisions (§74(1) AsylG, §222 ZPO, §§187, 188 BGB).

All expected dates are written out by hand from the calendar; the comments say why.
"""

from datetime import date

import pytest

from lotse.core.lib.deadlines import Deadline, is_working_day, legal_deadline

SH, RP, BW, BY, BB = "01", "07", "08", "09", "12"


# --- weeks: same weekday name, day of delivery not counted -------------------------


def test_friday_delivery_two_weeks_ends_on_friday():
    # Fri 6 Mar 2026 + 2 weeks = Fri 20 Mar 2026, an ordinary working day everywhere.
    result = legal_deadline(date(2026, 3, 6), weeks=2, state_key=BY)
    assert result == Deadline(
        delivered_on=date(2026, 3, 6),
        nominal_end=date(2026, 3, 20),
        ends_on=date(2026, 3, 20),
        moved_over=(),
    )


def test_friday_delivery_one_week_ends_on_friday():
    # Fri 6 Mar 2026 + 1 week = Fri 13 Mar 2026.
    result = legal_deadline(date(2026, 3, 6), weeks=1, state_key=BY)
    assert result.nominal_end == date(2026, 3, 13)
    assert result.ends_on == date(2026, 3, 13)
    assert result.moved_over == ()


# --- §222(2) ZPO: end on a weekend or holiday moves to the next working day ---------


def test_end_on_good_friday_moves_over_easter_to_tuesday():
    # Fri 20 Mar 2026 + 2 weeks = Good Friday 3 Apr 2026; then Sat 4, Sun 5 and
    # Easter Monday 6 Apr are not working days either, so the period ends Tue 7 Apr 2026.
    result = legal_deadline(date(2026, 3, 20), weeks=2, state_key=BY)
    assert result.nominal_end == date(2026, 4, 3)
    assert result.ends_on == date(2026, 4, 7)
    assert result.moved_over == (
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 4), "Saturday"),
        (date(2026, 4, 5), "Sunday"),
        (date(2026, 4, 6), "Easter Monday"),
    )


def test_one_week_ending_on_good_friday_gives_the_same_tuesday():
    # Fri 27 Mar 2026 + 1 week = Good Friday 3 Apr 2026 → Tue 7 Apr 2026 (no state:
    # Good Friday and Easter Monday are nationwide holidays).
    result = legal_deadline(date(2026, 3, 27), weeks=1)
    assert result.ends_on == date(2026, 4, 7)
    assert [day for day, _ in result.moved_over] == [
        date(2026, 4, 3),
        date(2026, 4, 4),
        date(2026, 4, 5),
        date(2026, 4, 6),
    ]


def test_sunday_that_is_a_holiday_is_named_by_the_holiday():
    # Brandenburg also lists Easter Sunday (5 Apr 2026) as a public holiday; the reason
    # given is its name rather than "Sunday". The end is still Tue 7 Apr 2026.
    result = legal_deadline(date(2026, 3, 20), weeks=2, state_key=BB)
    assert result.ends_on == date(2026, 4, 7)
    assert result.moved_over[2] == (date(2026, 4, 5), "Easter Sunday")


def test_holiday_inside_the_period_does_not_lengthen_it():
    # Thu 30 Apr 2026 + 1 week = Thu 7 May 2026. Labour Day (Fri 1 May 2026) lies inside
    # the period and changes nothing: only the end can be moved.
    assert not is_working_day(date(2026, 5, 1))
    result = legal_deadline(date(2026, 4, 30), weeks=1, state_key=BY)
    assert result.nominal_end == date(2026, 5, 7)
    assert result.ends_on == date(2026, 5, 7)
    assert result.moved_over == ()


def test_two_weeks_from_30_april_ends_on_ascension_day_and_moves():
    # Thu 30 Apr 2026 + 2 weeks = Thu 14 May 2026 = Ascension Day (Easter 5 Apr + 39
    # days), a nationwide holiday → Fri 15 May 2026. 1 May inside still changes nothing.
    result = legal_deadline(date(2026, 4, 30), weeks=2)
    assert result.ends_on == date(2026, 5, 15)
    assert result.moved_over == ((date(2026, 5, 14), "Ascension Day"),)


def test_end_on_saturday_moves_to_monday():
    # Wed 11 Mar 2026 + 3 days = Sat 14 Mar 2026 → Mon 16 Mar 2026.
    result = legal_deadline(date(2026, 3, 11), days=3, state_key=BW)
    assert result.nominal_end == date(2026, 3, 14)
    assert result.ends_on == date(2026, 3, 16)
    assert result.moved_over == ((date(2026, 3, 14), "Saturday"), (date(2026, 3, 15), "Sunday"))


def test_end_on_sunday_moves_to_monday():
    # Wed 11 Mar 2026 + 4 days = Sun 15 Mar 2026 → Mon 16 Mar 2026.
    result = legal_deadline(date(2026, 3, 11), days=4, state_key=BW)
    assert result.nominal_end == date(2026, 3, 15)
    assert result.ends_on == date(2026, 3, 16)
    assert result.moved_over == ((date(2026, 3, 15), "Sunday"),)


def test_saturday_delivery_one_week_moves_to_monday():
    # A Postzustellungsurkunde can be served on a Saturday: Sat 7 Mar 2026 + 1 week =
    # Sat 14 Mar 2026 → Mon 16 Mar 2026.
    result = legal_deadline(date(2026, 3, 7), weeks=1)
    assert result.nominal_end == date(2026, 3, 14)
    assert result.ends_on == date(2026, 3, 16)


# --- holidays of the state --------------------------------------------------------


@pytest.mark.parametrize("state_key", [BB, SH])
def test_reformation_day_moves_the_end_in_brandenburg_and_schleswig_holstein(state_key):
    # Fri 17 Oct 2025 + 2 weeks = Fri 31 Oct 2025, Reformation Day in BB and SH; then
    # Sat 1 and Sun 2 Nov → Mon 3 Nov 2025.
    result = legal_deadline(date(2025, 10, 17), weeks=2, state_key=state_key)
    assert result.nominal_end == date(2025, 10, 31)
    assert result.ends_on == date(2025, 11, 3)
    assert result.moved_over == (
        (date(2025, 10, 31), "Reformation Day"),
        (date(2025, 11, 1), "Saturday"),
        (date(2025, 11, 2), "Sunday"),
    )


def test_reformation_day_is_a_working_day_in_baden_wuerttemberg():
    # Same delivery; 31 Oct 2025 is no holiday in BW, so the period ends that Friday.
    result = legal_deadline(date(2025, 10, 17), weeks=2, state_key=BW)
    assert result.ends_on == date(2025, 10, 31)
    assert result.moved_over == ()
    assert is_working_day(date(2025, 10, 31), BW)
    assert not is_working_day(date(2025, 10, 31), BB)


@pytest.mark.parametrize("state_key", [BW, RP])
def test_corpus_christi_moves_the_end_in_bw_and_rp(state_key):
    # Thu 21 May 2026 + 2 weeks = Thu 4 Jun 2026, Corpus Christi in BW and RP → Fri 5 Jun.
    result = legal_deadline(date(2026, 5, 21), weeks=2, state_key=state_key)
    assert result.nominal_end == date(2026, 6, 4)
    assert result.ends_on == date(2026, 6, 5)
    assert result.moved_over == ((date(2026, 6, 4), "Corpus Christi"),)


@pytest.mark.parametrize("state_key", [BB, SH])
def test_corpus_christi_is_a_working_day_in_bb_and_sh(state_key):
    result = legal_deadline(date(2026, 5, 21), weeks=2, state_key=state_key)
    assert result.ends_on == date(2026, 6, 4)
    assert result.moved_over == ()


def test_epiphany_in_bavaria_across_the_year_boundary():
    # Tue 23 Dec 2025 + 2 weeks = Tue 6 Jan 2026: Epiphany in Bavaria → Wed 7 Jan 2026;
    # without a state (no nationwide holiday) the period ends on Tue 6 Jan 2026.
    assert legal_deadline(date(2025, 12, 23), weeks=2, state_key=BY).ends_on == date(2026, 1, 7)
    assert legal_deadline(date(2025, 12, 23), weeks=2).ends_on == date(2026, 1, 6)


# --- Christmas and New Year -------------------------------------------------------


def test_end_on_christmas_day_2025_moves_to_monday():
    # Thu 11 Dec 2025 + 2 weeks = Thu 25 Dec 2025; Fri 26 Dec is the second day of
    # Christmas, then Sat 27 and Sun 28 → Mon 29 Dec 2025.
    result = legal_deadline(date(2025, 12, 11), weeks=2, state_key=SH)
    assert result.ends_on == date(2025, 12, 29)
    assert result.moved_over == (
        (date(2025, 12, 25), "Christmas Day"),
        (date(2025, 12, 26), "Second Day of Christmas"),
        (date(2025, 12, 27), "Saturday"),
        (date(2025, 12, 28), "Sunday"),
    )


def test_end_on_christmas_day_2026_moves_to_monday():
    # Fri 11 Dec 2026 + 2 weeks = Fri 25 Dec 2026; Sat 26 Dec (second day of Christmas,
    # named as the holiday) and Sun 27 → Mon 28 Dec 2026.
    result = legal_deadline(date(2026, 12, 11), weeks=2)
    assert result.ends_on == date(2026, 12, 28)
    assert result.moved_over == (
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 26), "Second Day of Christmas"),
        (date(2026, 12, 27), "Sunday"),
    )


@pytest.mark.parametrize("state_key", [None, *[f"{n:02d}" for n in range(1, 17)]])
def test_24_and_31_december_are_working_days(state_key):
    # Wed 10 Dec 2025 + 2 weeks = Wed 24 Dec 2025; Wed 17 Dec 2025 + 2 weeks = Wed 31 Dec.
    assert legal_deadline(date(2025, 12, 10), weeks=2, state_key=state_key).ends_on == date(
        2025, 12, 24
    )
    assert legal_deadline(date(2025, 12, 17), weeks=2, state_key=state_key).ends_on == date(
        2025, 12, 31
    )


def test_period_across_the_year_boundary_ending_on_new_year():
    # Thu 18 Dec 2025 + 2 weeks = Thu 1 Jan 2026 (New Year's Day) → Fri 2 Jan 2026.
    result = legal_deadline(date(2025, 12, 18), weeks=2, state_key=BB)
    assert result.nominal_end == date(2026, 1, 1)
    assert result.ends_on == date(2026, 1, 2)
    assert result.moved_over == ((date(2026, 1, 1), "New Year's Day"),)


def test_shift_across_the_year_boundary():
    # Thu 29 Dec 2022 + 2 days = Sat 31 Dec 2022; Sun 1 Jan 2023 is also New Year's Day
    # (named as the holiday) → Mon 2 Jan 2023. The holiday of the next year must be found.
    result = legal_deadline(date(2022, 12, 29), days=2)
    assert result.ends_on == date(2023, 1, 2)
    assert result.moved_over == (
        (date(2022, 12, 31), "Saturday"),
        (date(2023, 1, 1), "New Year's Day"),
    )


# --- periods in days --------------------------------------------------------------


def test_period_in_days():
    # Mon 9 Mar 2026 + 3 days (day of delivery not counted) = Thu 12 Mar 2026.
    result = legal_deadline(date(2026, 3, 9), days=3, state_key=BY)
    assert result.nominal_end == date(2026, 3, 12)
    assert result.ends_on == date(2026, 3, 12)


def test_seven_days_equal_one_week():
    # Fri 20 Mar 2026 + 7 days = Fri 20 Mar 2026 + 1 week = Fri 27 Mar 2026.
    assert legal_deadline(date(2026, 3, 20), days=7) == legal_deadline(date(2026, 3, 20), weeks=1)
    assert legal_deadline(date(2026, 3, 20), days=7).ends_on == date(2026, 3, 27)


# --- invalid input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("weeks", "days"),
    [(0, 0), (2, 3), (-1, 0), (0, -1), (-1, 8), (2, -1)],
)
def test_exactly_one_of_weeks_and_days_must_be_positive(weeks, days):
    with pytest.raises(ValueError, match="exactly one"):
        legal_deadline(date(2026, 3, 6), weeks=weeks, days=days)


@pytest.mark.parametrize("state_key", ["00", "17", "9", "BY", "", "091"])
def test_unknown_state_key_raises(state_key):
    with pytest.raises(ValueError, match="unknown state key"):
        legal_deadline(date(2026, 3, 6), weeks=2, state_key=state_key)
    with pytest.raises(ValueError, match="unknown state key"):
        is_working_day(date(2026, 3, 6), state_key)


# --- without a state: only nationwide holidays --------------------------------------


def test_without_state_only_nationwide_holidays_count():
    # Reformation Day 2025 and Corpus Christi 2026 are state holidays only.
    assert legal_deadline(date(2025, 10, 17), weeks=2).ends_on == date(2025, 10, 31)
    assert legal_deadline(date(2026, 5, 21), weeks=2).ends_on == date(2026, 6, 4)
    assert is_working_day(date(2025, 10, 31))
    assert is_working_day(date(2026, 6, 4))
    # German Unity Day (Sat 3 Oct 2026) and Good Friday are nationwide.
    assert not is_working_day(date(2026, 4, 3))
    assert not is_working_day(date(2026, 10, 3))


def test_without_state_reformation_day_2017_was_nationwide():
    # In 2017 (500th anniversary) Reformation Day was a holiday in every state:
    # Tue 17 Oct 2017 + 2 weeks = Tue 31 Oct 2017 → Wed 1 Nov 2017.
    result = legal_deadline(date(2017, 10, 17), weeks=2)
    assert result.ends_on == date(2017, 11, 1)
    assert result.moved_over == ((date(2017, 10, 31), "Reformation Day"),)


def test_is_working_day_on_ordinary_days_and_weekends():
    assert is_working_day(date(2026, 3, 9), BY)  # Monday
    assert not is_working_day(date(2026, 3, 14), BY)  # Saturday
    assert not is_working_day(date(2026, 3, 15), BY)  # Sunday
