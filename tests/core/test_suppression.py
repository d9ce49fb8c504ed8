"""Statistical disclosure control of published count tables (primary and secondary).

Expected patterns are worked out by hand from the rules in the module docstring; the
comments say which line forced which cell. The random tests at the end compare
``recoverable`` with a brute-force enumeration of all fillings.
"""

import itertools
import random

import pytest

from lotse.core.lib.suppression import (
    TOTAL,
    Cell,
    Reason,
    Suppressed,
    SuppressionError,
    Table,
    recoverable,
    recovered_values,
    suppress,
)

P: Reason = "primary"
S: Reason = "secondary"


def grid(rows, columns, values):
    """A table from a list of rows of counts."""
    return Table(
        rows=tuple(rows),
        columns=tuple(columns),
        cells={(r, c): values[i][j] for i, r in enumerate(rows) for j, c in enumerate(columns)},
    )


def manual(table, cells, threshold=5):
    """A suppression pattern given by hand, to check ``recoverable`` on its own."""
    return Suppressed(table, threshold, dict.fromkeys(cells, S))


# --- the table ------------------------------------------------------------------------


def test_totals_are_computed_from_the_cells():
    table = grid(["a", "b"], ["x", "y", "z"], [[1, 2, 3], [4, 0, 6]])
    assert table.value("a", TOTAL) == 6
    assert table.value("b", TOTAL) == 10
    assert [table.value(TOTAL, c) for c in ("x", "y", "z")] == [5, 2, 9]
    assert table.value(TOTAL, TOTAL) == 16


def test_missing_cells_count_as_zero():
    table = Table(rows=("a", "b"), columns=("x", "y"), cells={("a", "x"): 7})
    assert table.cells == {("a", "x"): 7, ("a", "y"): 0, ("b", "x"): 0, ("b", "y"): 0}
    assert table.value(TOTAL, TOTAL) == 7


def test_one_dimensional_table_is_one_column():
    table = Table.from_counts({"a": 3, "b": 9})
    assert table.columns == ("count",)
    assert table.value("a", TOTAL) == 3
    assert table.value(TOTAL, "count") == table.value(TOTAL, TOTAL) == 12
    assert table.lines()[0].parts == (("a", "count"),)
    assert table.lines()[0].total == ("a", TOTAL)


def test_lines_are_rows_then_columns_with_totals_last():
    table = grid(["a", "b"], ["x", "y"], [[1, 2], [3, 4]])
    assert [(line.parts, line.total) for line in table.lines()] == [
        ((("a", "x"), ("a", "y")), ("a", TOTAL)),
        ((("b", "x"), ("b", "y")), ("b", TOTAL)),
        (((TOTAL, "x"), (TOTAL, "y")), (TOTAL, TOTAL)),
        ((("a", "x"), ("b", "x")), (TOTAL, "x")),
        ((("a", "y"), ("b", "y")), (TOTAL, "y")),
        ((("a", TOTAL), ("b", TOTAL)), (TOTAL, TOTAL)),
    ]


@pytest.mark.parametrize("count", [-1, 1.0, "3", True, None])
def test_bad_counts_are_refused(count):
    with pytest.raises(SuppressionError):
        Table(rows=("a",), columns=("x",), cells={("a", "x"): count})


@pytest.mark.parametrize(
    ("rows", "columns", "cells"),
    [
        (("a",), ("x",), {("b", "x"): 1}),  # unknown row
        (("a",), ("x",), {("a", "y"): 1}),  # unknown column
        (("a",), ("x",), {("a", TOTAL): 1}),  # totals are computed, not given
        ((), ("x",), {}),
        (("a",), (), {}),
        (("a", "a"), ("x",), {}),
        (("a",), ("x", "x"), {}),
        ((1,), ("x",), {}),
    ],
)
def test_bad_shapes_are_refused(rows, columns, cells):
    with pytest.raises(SuppressionError):
        Table(rows=rows, columns=columns, cells=cells)


def test_suppression_error_is_a_value_error():
    assert issubclass(SuppressionError, ValueError)


@pytest.mark.parametrize("threshold", [0, -5, True, 2.5])
def test_bad_threshold_is_refused(threshold):
    with pytest.raises(SuppressionError):
        suppress(Table.from_counts({"a": 7}), threshold)


def test_unknown_cell_in_lookups_is_refused():
    result = suppress(Table.from_counts({"a": 7}))
    with pytest.raises(SuppressionError):
        result.value("b", TOTAL)
    with pytest.raises(SuppressionError):
        result.is_suppressed("a", "x")
    with pytest.raises(SuppressionError):
        result.reason(TOTAL, "x")


def test_suppressed_refuses_unknown_cells_and_reasons():
    table = Table.from_counts({"a": 7})
    with pytest.raises(SuppressionError):
        Suppressed(table, 5, {("b", "count"): P})
    with pytest.raises(SuppressionError):
        Suppressed(table, 5, {("a", "count"): "tertiary"})  # type: ignore[dict-item]
    with pytest.raises(SuppressionError):
        recoverable(Table.from_counts({"a": 8}), Suppressed(table, 5, {}))


# --- one-dimensional ------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_small_single_cell_is_suppressed_with_a_second_one(count):
    # a is primary, and so is its row total (the same number). The count column then has
    # one suppressed part: the smallest shown part > 0 is b = 20. The column of row
    # totals likewise takes b's row total.
    table = Table.from_counts({"a": count, "b": 20, "c": 30})
    result = suppress(table)
    assert result.reasons == {
        ("a", "count"): P,
        ("a", TOTAL): P,
        ("b", "count"): S,
        ("b", TOTAL): S,
    }
    assert result.rows_for_display() == [
        [None, None],
        [None, None],
        [30, 30],
        [50 + count, 50 + count],
    ]
    assert result.value("a", "count") is None
    assert result.value("c", "count") == 30
    assert result.is_suppressed("b", "count")
    assert not result.is_suppressed("c", "count")
    assert result.reason("a", "count") == P
    assert result.reason("b", "count") == S
    assert result.reason("c", "count") is None
    assert recoverable(table, result) == set()


def test_a_shown_part_above_zero_is_taken_before_a_smaller_zero():
    # The 0 in b is smaller than 20, but a hidden 0 can only be guessed higher.
    table = Table.from_counts({"a": 3, "b": 0, "c": 20, "d": 30})
    result = suppress(table)
    assert result.suppressed_cells() == (("a", "count"), ("a", TOTAL), ("c", "count"), ("c", TOTAL))
    assert result.rows_for_display() == [[None, None], [0, 0], [None, None], [30, 30], [53, 53]]


def test_equal_values_take_the_first_in_order():
    table = Table.from_counts({"a": 20, "b": 3, "c": 20})
    assert suppress(table).suppressed_cells() == (
        ("a", "count"),
        ("a", TOTAL),
        ("b", "count"),
        ("b", TOTAL),
    )


def test_count_at_threshold_is_shown():
    table = Table.from_counts({"a": 5, "b": 20, "c": 30})
    result = suppress(table)
    assert result.reasons == {}
    assert result.rows_for_display() == [[5, 5], [20, 20], [30, 30], [55, 55]]


def test_one_suppressed_cell_alone_is_total_minus_the_others():
    # Without secondary suppression a = 55 − 20 − 30.
    table = Table.from_counts({"a": 3, "b": 20, "c": 30})
    primary_only = Suppressed(table, 5, {("a", "count"): P, ("a", TOTAL): P})
    assert recovered_values(table, primary_only) == {("a", "count"): 3, ("a", TOTAL): 3}


# --- two-dimensional ------------------------------------------------------------------

AGES = ["0-17", "18-26", "27-44", "45+"]
SEXES = ["f", "m"]


def test_one_small_cell_gives_a_rectangle():
    # (18-26, f) = 3. Its row takes m = 20 (the only other part); column f takes its
    # smallest shown part, 12 in 0-17; column m then has one suppressed part and takes
    # its smallest, 15 in 0-17. Row 0-17 now has two: a rectangle, margins all shown.
    table = grid(AGES, SEXES, [[12, 15], [3, 20], [25, 30], [18, 22]])
    result = suppress(table)
    assert result.reasons == {
        ("0-17", "f"): S,
        ("0-17", "m"): S,
        ("18-26", "f"): P,
        ("18-26", "m"): S,
    }
    assert result.rows_for_display() == [
        [None, None, 27],
        [None, None, 23],
        [25, 30, 55],
        [18, 22, 40],
        [58, 87, 145],
    ]
    assert recoverable(table, result) == set()


def test_two_per_line_is_not_always_enough():
    # Two blocks of small cells (r1/r2 × c1/c2 and r3/r4 × c3/c4) and one more small
    # cell (r1, c3) joining them: every line has 0 or at least 2 suppressed cells, but
    # rows r1 + r2 − columns c1 − c2 give (r1, c3) = 26 + 33 − 23 − 23 − 30 − 10 = 3.
    table = grid(
        ["r1", "r2", "r3", "r4"],
        ["c1", "c2", "c3", "c4", "c5"],
        [[1, 2, 3, 10, 10], [2, 1, 10, 10, 10], [10, 10, 4, 1, 10], [10, 10, 2, 3, 10]],
    )
    primary = [cell for cell in table.all_cells() if 0 < table.value(*cell) < 5]
    naive = Suppressed(table, 5, dict.fromkeys(primary, P))
    assert all(sum(c in naive.reasons for c in line.cells) != 1 for line in table.lines())
    assert recovered_values(table, naive) == {("r1", "c3"): 3}
    # The repair: of the shown cells in row r1 and column c3, the parts > 0 with the
    # smallest value are (r1, c4) = 10 and (r2, c3) = 10; row r1 comes first.
    result = suppress(table)
    assert result.reasons == {**naive.reasons, ("r1", "c4"): S}
    assert recoverable(table, result) == set()


def test_small_row_total_is_suppressed_and_its_column_of_totals_protected():
    # ER: 2 + 1 = 3, all three primary. Pass 1: column f takes AF f = 10, column m takes
    # SY m = 25 (smaller than 30), the column of row totals takes AF = 40 (smaller than
    # 45). Pass 2: row SY now has one suppressed part and takes SY f = 20.
    table = grid(["SY", "AF", "ER"], SEXES, [[20, 25], [10, 30], [2, 1]])
    result = suppress(table)
    assert result.reasons == {
        ("SY", "f"): S,
        ("SY", "m"): S,
        ("AF", "f"): S,
        ("AF", TOTAL): S,
        ("ER", "f"): P,
        ("ER", "m"): P,
        ("ER", TOTAL): P,
    }
    assert result.rows_for_display() == [
        [None, None, 45],
        [None, 30, None],
        [None, None, None],
        [32, 56, 88],
    ]
    assert recoverable(table, result) == set()


def test_a_zero_is_taken_when_no_shown_part_is_above_zero():
    # (a, x) = 2. Row a takes (a, y) = 6, column x takes (b, x) = 7; column y then has
    # one suppressed part and only the 0 in row b is left to take.
    table = grid(["a", "b"], ["x", "y"], [[2, 6], [7, 0]])
    result = suppress(table)
    assert result.reasons == {("a", "x"): P, ("a", "y"): S, ("b", "x"): S, ("b", "y"): S}
    assert result.rows_for_display() == [[None, None, 8], [None, None, 7], [9, 6, 15]]
    assert recoverable(table, result) == set()


def test_all_zero_table_shows_everything():
    table = grid(["a", "b"], ["x", "y"], [[0, 0], [0, 0]])
    result = suppress(table)
    assert result.reasons == {}
    assert result.rows_for_display() == [[0, 0, 0], [0, 0, 0], [0, 0, 0]]


def test_everything_below_threshold_hides_all_but_zeros_and_a_large_grand_total():
    # Every cell and margin except column y (5) and the grand total (6) is below 5. The
    # total row then has one suppressed part (x = 1) and takes y = 5. The grand total
    # stays: both ways to compute it (rows, columns) go through two hidden cells.
    table = grid(["a", "b"], ["x", "y"], [[1, 2], [0, 3]])
    result = suppress(table)
    assert result.rows_for_display() == [
        [None, None, None],
        [0, None, None],
        [None, None, 6],
    ]
    assert result.reasons[(TOTAL, "y")] == S
    assert [cell for cell, reason in result.reasons.items() if reason == S] == [(TOTAL, "y")]
    assert recoverable(table, result) == set()


def test_grand_total_below_threshold_hides_every_non_zero_cell():
    table = grid(["a", "b"], ["x", "y"], [[1, 0], [0, 2]])
    result = suppress(table)
    assert result.rows_for_display() == [
        [None, 0, None],
        [0, None, None],
        [None, None, None],
    ]
    assert set(result.reasons.values()) == {P}
    assert recoverable(table, result) == set()


def test_grand_total_below_threshold_one_dimensional():
    table = Table.from_counts({"a": 1, "b": 2})
    result = suppress(table)
    assert result.rows_for_display() == [[None, None], [None, None], [None, None]]
    assert set(result.reasons.values()) == {P}


def test_threshold_one_suppresses_nothing():
    table = grid(["a", "b"], ["x", "y"], [[1, 0], [2, 1]])
    result = suppress(table, threshold=1)
    assert result.reasons == {}
    assert result.rows_for_display() == [[1, 0, 1], [2, 1, 3], [3, 1, 4]]


def test_threshold_ten():
    # With 10, a = 9 is primary (and its row total); 10 is shown. The count column takes
    # the smallest other part > 0, b = 10, and the column of row totals b's total.
    table = Table.from_counts({"a": 9, "b": 10, "c": 12})
    result = suppress(table, threshold=10)
    assert result.reasons == {
        ("a", "count"): P,
        ("a", TOTAL): P,
        ("b", "count"): S,
        ("b", TOTAL): S,
    }
    assert suppress(table).reasons == {}  # nothing below the default 5


def test_suppression_is_deterministic():
    table = grid(AGES, SEXES, [[4, 4], [4, 4], [9, 9], [9, 9]])
    assert suppress(table) == suppress(table)


# --- recoverable ----------------------------------------------------------------------


def test_hidden_zeros_that_must_add_up_to_zero_are_known():
    # a = b = 0, c = 7 = total. Linear algebra alone leaves a + b free, but the column
    # says a + b = 0, and counts are not negative.
    table = Table.from_counts({"a": 0, "b": 0, "c": 7})
    cells = [("a", "count"), ("a", TOTAL), ("b", "count"), ("b", TOTAL)]
    assert recovered_values(table, manual(table, cells)) == dict.fromkeys(cells, 0)


def test_hidden_zero_that_can_grow_is_not_known():
    # a = 0 and b = 4 hidden in one line: a could be 1 and b 3.
    table = Table.from_counts({"a": 0, "b": 4, "c": 7})
    cells = [("a", "count"), ("a", TOTAL), ("b", "count"), ("b", TOTAL)]
    assert recoverable(table, manual(table, cells)) == set()


def test_hidden_zeros_known_from_several_lines_together():
    # Shown: (a, x) = 3, (b, y) = 0 and the grand total 3. No single line has hidden
    # cells that must add up to 0 (row a: a_total − (a, y) = 3), but the column of row
    # totals minus row a gives (a, y) + b_total = 0, so both are 0; then every other
    # hidden cell follows. Brute force agrees.
    table = grid(["a", "b"], ["x", "y"], [[3, 0], [0, 0]])
    cells = [("a", "y"), ("a", TOTAL), ("b", "x"), ("b", TOTAL), (TOTAL, "x"), (TOTAL, "y")]
    result = manual(table, cells)
    expected = {
        ("a", "y"): 0,
        ("a", TOTAL): 3,
        ("b", "x"): 0,
        ("b", TOTAL): 0,
        (TOTAL, "x"): 3,
        (TOTAL, "y"): 0,
    }
    assert recovered_values(table, result) == expected
    assert brute_force_values(table, result) == {cell: {v} for cell, v in expected.items()}
    # With the grand total hidden too, every hidden cell could be larger.
    assert recoverable(table, manual(table, [*cells, (TOTAL, TOTAL)])) == set()


def test_everything_hidden_is_never_recoverable():
    for values in ([[0, 0], [0, 0]], [[3, 0], [0, 0]], [[1, 2], [3, 4]]):
        table = grid(["a", "b"], ["x", "y"], values)
        assert recoverable(table, manual(table, table.all_cells())) == set()


def test_recovered_values_are_the_true_values():
    table = grid(["a", "b"], ["x", "y"], [[3, 8], [6, 9]])
    # Only (a, x) and its row total hidden: column x (total 9) gives (a, x) = 9 − 6 = 3,
    # then row a gives 3 + 8 = 11.
    result = manual(table, [("a", "x"), ("a", TOTAL)])
    assert recovered_values(table, result) == {("a", "x"): 3, ("a", TOTAL): 11}


# --- random tables --------------------------------------------------------------------


def random_table(rng, max_rows, max_columns, max_value):
    rows = [f"r{i}" for i in range(rng.randint(1, max_rows))]
    columns = [f"c{j}" for j in range(rng.randint(1, max_columns))]
    return grid(rows, columns, [[rng.randint(0, max_value) for _ in columns] for _ in rows])


def test_random_tables_are_protected():
    rng = random.Random(20240611)
    secondary_seen = repaired_seen = 0
    for _ in range(300):
        table = random_table(rng, 5, 4, 12)
        threshold = rng.choice([5, 5, 5, 3, 10])
        result = suppress(table, threshold)
        for cell in table.all_cells():
            value = table.value(*cell)
            if 0 < value < threshold:
                assert result.value(*cell) is None
                assert result.reason(*cell) == P
            elif result.is_suppressed(*cell):
                assert result.reason(*cell) == S
            else:
                assert result.value(*cell) == value
        for line in table.lines():
            assert sum(result.is_suppressed(*cell) for cell in line.cells) != 1
        assert recoverable(table, result) == set()
        secondary_seen += S in result.reasons.values()
        primary = [c for c in table.all_cells() if 0 < table.value(*c) < threshold]
        naive = Suppressed(table, threshold, dict.fromkeys(primary, P))
        repaired_seen += recoverable(table, naive) != set()
    # The sample exercises what it is meant to.
    assert secondary_seen > 150
    assert repaired_seen > 100


def brute_force_values(table: Table, result: Suppressed) -> dict[Cell, set[int]]:
    """Every value each suppressed cell takes over all fillings that fit what is shown.

    The hidden inner cells are filled with every whole number from 0 to the true grand
    total + 1 (with the grand total hidden nothing else bounds them; one more than the
    truth leaves room for a larger filling). The margins follow from the inner cells
    and must equal every shown margin. Shown totals only prune the search (a partial
    filling whose parts exceed a shown total, or whose last open part cannot make it
    up, is dropped), which loses no filling that fits: all are checked at the end.
    """
    bound = table.value(TOTAL, TOTAL) + 1
    inner: list[Cell] = [(r, c) for r in table.rows for c in table.columns]
    hidden = [cell for cell in inner if result.is_suppressed(*cell)]
    filling: dict[Cell, int] = {
        cell: table.value(*cell) for cell in inner if not result.is_suppressed(*cell)
    }
    seen: dict[Cell, set[int]] = {cell: set() for cell in result.suppressed_cells()}
    members: dict[Cell, list[Cell]] = {}
    for r in table.rows:
        members[(r, TOTAL)] = [(r, c) for c in table.columns]
    for c in table.columns:
        members[(TOTAL, c)] = [(r, c) for r in table.rows]
    members[(TOTAL, TOTAL)] = inner
    shown_totals = {
        total: cells for total, cells in members.items() if result.value(*total) is not None
    }
    order: dict[Cell, int] = {cell: i for i, cell in enumerate(hidden)}
    # For each hidden inner cell: the shown totals it is part of, and whether it is the
    # last hidden part of that total to be filled.
    constraints = {
        cell: [
            (total, cells, max(order.get(m, -1) for m in cells) == order[cell])
            for total, cells in shown_totals.items()
            if cell in cells
        ]
        for cell in hidden
    }

    def choices(cell: Cell) -> range:
        low, high = 0, bound
        for total, cells, last in constraints[cell]:
            rest = table.value(*total) - sum(filling.get(m, 0) for m in cells)
            high = min(high, rest)
            if last:
                low = max(low, rest)
        return range(low, high + 1)

    def fill(i: int) -> None:
        if i == len(hidden):
            values: dict[Cell, int] = dict(filling)
            for total, cells in members.items():
                values[total] = sum(filling[m] for m in cells)
            if all(values[t] == table.value(*t) for t in shown_totals):
                for cell in seen:
                    seen[cell].add(values[cell])
            return
        for value in choices(hidden[i]):
            filling[hidden[i]] = value
            fill(i + 1)
        filling.pop(hidden[i], None)

    fill(0)
    return seen


def test_brute_force_on_a_known_case():
    table = Table.from_counts({"a": 3, "b": 20, "c": 30})
    primary_only = Suppressed(table, 5, {("a", "count"): P, ("a", TOTAL): P})
    assert brute_force_values(table, primary_only) == {("a", "count"): {3}, ("a", TOTAL): {3}}
    protected = suppress(table)
    values = brute_force_values(table, protected)
    assert values[("a", "count")] == set(range(0, 24))  # a + b = 23
    assert values[("b", TOTAL)] == set(range(0, 24))


def test_recoverable_agrees_with_brute_force_on_any_pattern():
    # Tiny tables with random sets of hidden cells: up to 4 inner cells with counts 0–3,
    # and 2 × 3 or 3 × 2 with counts 0–2 and the grand total shown (else the search
    # grows too large).
    rng = random.Random(7)
    shapes = [(1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 2), (2, 3), (3, 2)]
    found = protected = found_zero = 0
    for _ in range(600):
        n_rows, n_columns = rng.choice(shapes)
        large = n_rows * n_columns > 4
        rows = [f"r{i}" for i in range(n_rows)]
        columns = [f"c{j}" for j in range(n_columns)]
        top = 2 if large else 3
        table = grid(rows, columns, [[rng.randint(0, top) for _ in columns] for _ in rows])
        share = rng.choice((0.3, 0.6, 0.9))
        hidden = [
            cell
            for cell in table.all_cells()
            if rng.random() < share and not (large and cell == (TOTAL, TOTAL))
        ]
        result = manual(table, hidden)
        brute = brute_force_values(table, result)
        expected = {cell for cell, values in brute.items() if len(values) == 1}
        recovered = recovered_values(table, result)
        assert set(recovered) == expected, (table.cells, hidden)
        for cell, value in recovered.items():
            assert value == table.value(*cell)
            assert brute[cell] == {value}
        found += bool(expected)
        protected += any(len(values) > 1 for values in brute.values())
        found_zero += any(table.value(*cell) == 0 for cell in expected)
    # Both kinds of answer occur often, and hidden zeros among the recoverable.
    assert found > 300
    assert protected > 200
    assert found_zero > 100


def test_brute_force_finds_nothing_recoverable_after_suppress():
    rng = random.Random(11)
    checked = 0
    for n_rows, n_columns in itertools.product((1, 2, 3), (1, 2, 3)):
        for _ in range(25):
            rows = [f"r{i}" for i in range(n_rows)]
            columns = [f"c{j}" for j in range(n_columns)]
            table = grid(rows, columns, [[rng.randint(0, 6) for _ in columns] for _ in rows])
            result = suppress(table, threshold=4)
            brute = brute_force_values(table, result)
            assert all(len(values) > 1 for values in brute.values()), (table.cells, brute)
            checked += bool(brute)
    assert checked > 120
