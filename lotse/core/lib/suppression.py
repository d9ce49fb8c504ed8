"""Keep small counts out of published count tables (no Django in here).

Lotse publishes aggregated counts to district and state funders: persons counselled by
age band × sex, by nationality, cases by closure reason … A count of one to a few
persons can point to individual people, so such a count must never be shown, neither
directly nor as the difference of numbers that are shown. The threshold is set per
report; 5 unless the report says otherwise.

The rules, in the order they are applied:

1. The table. Cells are rows × columns of non-negative whole counts (a cell left out
   counts as 0). The library adds up the row totals, the column totals and the grand
   total itself, so they always agree with the cells. The cells together with the total
   column and the total row form the *extended table*; every one of its cells, margins
   included, is shown or suppressed. A one-dimensional table (a list of counts and its
   total) is a table with one column; its row totals repeat its cells and are treated
   like any other cell. Every row of the extended table (the total row too) and every
   column (the total column too) is a *line*: its total is the sum of its parts. These
   additive relations are all that is published besides the values.
2. Primary suppression. Every cell of the extended table, margins and grand total
   included, with ``0 < value < threshold`` is suppressed (a row total of 3 too). Zeros
   are shown: a zero counts nobody, so it points to nobody, and hiding every zero would
   hide much of a sparse table for nothing. The limitation: a zero still tells something
   about a group. If all persons of a nationality fall in one age band and the other
   bands are 0, the table says that every one of them is in that band, whatever the
   counts (group disclosure); this module does not prevent that. The threshold must be a
   whole number ≥ 1; with 1 nothing is suppressed.
3. Secondary suppression, line by line. A line with exactly one suppressed cell gives it
   away as total − other parts (or as the sum of the parts, if the total is the one
   suppressed). Such a line gets a second suppressed cell: the smallest shown part that
   is > 0 (on equal values the first in the line's order); if every shown part is 0, the
   smallest (first) of them; if only the total is shown, the total. The lines are gone
   through in a fixed order (rows top to bottom with the total row last, then columns
   left to right with the total column last), again and again until a whole pass
   suppresses nothing. Why the smallest part: it loses the least information. Why a part
   > 0 before a 0: a count cannot go below 0, so a hidden 0 can only be guessed higher,
   never lower, and protects less (see 4). It terminates: every change suppresses one
   more of finitely many cells.
4. Check. Two suppressed cells per line are not always enough: two separate rectangles
   of suppressed cells joined by one further suppressed cell leave that cell equal to a
   sum and difference of shown numbers, though every line has two or more suppressed
   cells. ``recoverable`` therefore works out exactly which suppressed cells can be
   computed from what is shown, independently of how the suppression was chosen.
   Unknowns are the suppressed cells; every line gives the equation "sum of suppressed
   parts − suppressed total (if any) = shown total − sum of shown parts".

   a. Non-negativity. Adding the equations of some lines can give an equation whose
      unknowns all have the same sign and whose right side is 0, the simplest case
      being one line whose suppressed cells must add up to 0. Then all of them are 0,
      and known. This is decided exactly, in the following way. Take every row and
      every column of the extended table as a point and every suppressed cell as a link
      between its row and its column. A change of suppressed values that keeps every
      equation true is made of closed loops row → column → row …: passing a cell from
      its row to its column adds 1 to it if it is an inner cell or the grand total and
      takes 1 away if it is a row or column total, passing it the other way round does
      the opposite, and every line passed through gets +1 and −1 and stays balanced.
      A cell that is 0 may only grow, so it can be passed in one direction only. A
      suppressed 0 is known to be 0 exactly if no such loop passes through it (else,
      adding the loop once gives another filling of whole non-negative numbers that
      fits everything shown).
   b. Linear algebra. With those zeros put in, the remaining suppressed cells are
      unknowns of a linear system, solved exactly with fractions (Gaussian
      elimination to reduced row echelon form). A cell is determined exactly if its
      unit vector lies in the row space of the coefficients, i.e. some pivot row has no
      other non-zero entry.

   This is exact: every cell not found in (a) is above 0 in some non-negative filling
   that fits what is shown, an average of those fillings is above 0 in all of them, and
   from there every direction that keeps the equations true can be followed a little
   way; so a cell not determined in (b) can take other values too. Because the
   equations are those of a table with margins (each unknown is in exactly one row and
   one column line), another value is also reached by a filling of whole numbers, one
   loop from the true values; the tests compare with brute-force enumeration.
5. Repair. While ``recoverable`` finds any cell, the first such cell (rows top to
   bottom, in each row left to right, totals last) gets one more suppressed cell from
   one of the lines it lies in, chosen as in 3 (a part > 0 before a part that is 0
   before a total, then the smaller value, then the earlier line, then the earlier
   position); if its lines are fully suppressed already, from any line. Then 3 runs
   again. It terminates: every round suppresses one more cell, and with every cell
   suppressed nothing is recoverable (adding 1 to any inner cell, its row total, its
   column total and the grand total keeps every line true). So ``suppress`` always
   returns a result for which ``recoverable`` is empty.

Limits. The result is a deterministic heuristic, not the smallest possible suppression.
It guarantees only that no suppressed value can be computed exactly; it does not enforce
a minimum width of the range a value could lie in (a hidden 2 may be narrowed down to
"1 to 3"; protection intervals as in τ-ARGUS would be stronger). It protects one table
at a time: the same counts published in another breakdown, another period or with
another threshold can be subtracted from each other, so keep breakdowns consistent. The
``reason`` of a suppression is for the office only: publishing it would say which cells
are small.

Bad input raises ``SuppressionError`` (a ``ValueError``): a count that is negative or not
a whole number (``True``, ``1.0`` and ``"3"`` are not counts), a cell outside the rows and
columns, no rows or no columns, a repeated row or column name, and a threshold below 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction
from types import MappingProxyType
from typing import Final, Literal, TypeAlias


class SuppressionError(ValueError):
    pass


class Total(Enum):
    """The label of the total row and of the total column."""

    TOTAL = "total"

    def __repr__(self) -> str:
        return "TOTAL"


TOTAL: Final = Total.TOTAL
DEFAULT_THRESHOLD: Final = 5

Label: TypeAlias = str | Total
Cell: TypeAlias = tuple[Label, Label]  # (row, column); TOTAL for a margin
Reason: TypeAlias = Literal["primary", "secondary"]
_REASONS: Final = ("primary", "secondary")


@dataclass(frozen=True)
class Line:
    """One additive relation of the extended table: total = sum of parts."""

    parts: tuple[Cell, ...]
    total: Cell

    @property
    def cells(self) -> tuple[Cell, ...]:
        return (*self.parts, self.total)


@dataclass(frozen=True)
class Table:
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    # (row, column) → count; a cell left out counts as 0. No totals: they are computed.
    cells: Mapping[tuple[str, str], int] = field(default_factory=dict, hash=False)
    _values: Mapping[Cell, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        rows = _labels("row", self.rows)
        columns = _labels("column", self.columns)
        cells: dict[tuple[str, str], int] = {(r, c): 0 for r in rows for c in columns}
        for key, value in self.cells.items():
            if key not in cells:
                raise SuppressionError(f"The cell {key!r} is not one of the table's cells.")
            cells[key] = _count(key, value)
        values: dict[Cell, int] = {}
        for r in rows:
            for c in columns:
                values[(r, c)] = cells[(r, c)]
            values[(r, TOTAL)] = sum(cells[(r, c)] for c in columns)
        for c in columns:
            values[(TOTAL, c)] = sum(cells[(r, c)] for r in rows)
        values[(TOTAL, TOTAL)] = sum(cells.values())
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "cells", MappingProxyType(cells))
        object.__setattr__(self, "_values", MappingProxyType(values))

    @classmethod
    def from_counts(cls, counts: Mapping[str, int], column: str = "count") -> Table:
        """A one-dimensional table: one row per key, in the mapping's order."""
        rows = tuple(counts)
        return cls(rows=rows, columns=(column,), cells={(r, column): counts[r] for r in rows})

    @property
    def extended_rows(self) -> tuple[Label, ...]:
        return (*self.rows, TOTAL)

    @property
    def extended_columns(self) -> tuple[Label, ...]:
        return (*self.columns, TOTAL)

    def all_cells(self) -> tuple[Cell, ...]:
        """Every cell of the extended table, row by row, totals last."""
        return tuple((r, c) for r in self.extended_rows for c in self.extended_columns)

    def value(self, row: Label, column: Label) -> int:
        """A cell's count; ``TOTAL`` as row or column gives a margin or the grand total."""
        try:
            return self._values[(row, column)]
        except KeyError:
            raise SuppressionError(f"The cell {(row, column)!r} is not in the table.") from None

    def lines(self) -> tuple[Line, ...]:
        """Every additive relation: the rows (total row last), then the columns."""
        by_row = tuple(
            Line(parts=tuple((r, c) for c in self.columns), total=(r, TOTAL))
            for r in self.extended_rows
        )
        by_column = tuple(
            Line(parts=tuple((r, c) for r in self.rows), total=(TOTAL, c))
            for c in self.extended_columns
        )
        return by_row + by_column


@dataclass(frozen=True)
class Suppressed:
    table: Table
    threshold: int
    # The suppressed cells of the extended table and why; every other cell is shown.
    reasons: Mapping[Cell, Reason] = field(hash=False)

    def __post_init__(self) -> None:
        _check_threshold(self.threshold)
        known = set(self.table.all_cells())
        for cell, reason in self.reasons.items():
            if cell not in known:
                raise SuppressionError(f"The cell {cell!r} is not in the table.")
            if reason not in _REASONS:
                raise SuppressionError(f"Unknown reason {reason!r} for the cell {cell!r}.")
        ordered = {
            cell: self.reasons[cell] for cell in self.table.all_cells() if cell in self.reasons
        }
        object.__setattr__(self, "reasons", MappingProxyType(ordered))

    def value(self, row: Label, column: Label) -> int | None:
        """The published value; None where suppressed."""
        value = self.table.value(row, column)
        return None if (row, column) in self.reasons else value

    def is_suppressed(self, row: Label, column: Label) -> bool:
        self.table.value(row, column)  # unknown cells raise
        return (row, column) in self.reasons

    def reason(self, row: Label, column: Label) -> Reason | None:
        """ "primary", "secondary", or None for a shown cell."""
        self.table.value(row, column)
        return self.reasons.get((row, column))

    def suppressed_cells(self) -> tuple[Cell, ...]:
        return tuple(self.reasons)

    def published(self) -> dict[Cell, int | None]:
        """Every cell of the extended table in order, None where suppressed."""
        return {cell: self.value(*cell) for cell in self.table.all_cells()}

    def rows_for_display(self) -> list[list[int | None]]:
        """The rows with the row total appended, then the total row; None where suppressed."""
        return [
            [self.value(r, c) for c in self.table.extended_columns]
            for r in self.table.extended_rows
        ]


def suppress(table: Table, threshold: int = DEFAULT_THRESHOLD) -> Suppressed:
    """Primary and secondary suppression; nothing suppressed can be recovered (rules 2–5)."""
    _check_threshold(threshold)
    reasons: dict[Cell, Reason] = {
        cell: "primary" for cell in table.all_cells() if 0 < table.value(*cell) < threshold
    }
    lines = table.lines()
    while True:
        _complete_lines(table, lines, reasons)
        left = recoverable(table, Suppressed(table, threshold, reasons))
        if not left:
            return Suppressed(table, threshold, reasons)
        cell = next(c for c in table.all_cells() if c in left)
        candidates = [
            candidate
            for index, line in enumerate(lines)
            if cell in line.cells
            for candidate in _candidates(table, line, index, reasons)
        ]
        if not candidates:
            candidates = [
                candidate
                for index, line in enumerate(lines)
                for candidate in _candidates(table, line, index, reasons)
            ]
        # Never empty: with every cell suppressed nothing is recoverable (rule 5).
        _, chosen = min(candidates)
        reasons[chosen] = "secondary"


def recoverable(table: Table, result: Suppressed) -> set[Cell]:
    """The suppressed cells whose value follows from what ``result`` shows (rule 4)."""
    return set(recovered_values(table, result))


def recovered_values(table: Table, result: Suppressed) -> dict[Cell, int]:
    """The recoverable suppressed cells with the value they can be computed to have."""
    if result.table != table:
        raise SuppressionError("The result belongs to another table.")
    hidden = result.suppressed_cells()
    zeros = _forced_zeros(table, hidden)
    unknowns = [cell for cell in hidden if cell not in zeros]
    index = {cell: i for i, cell in enumerate(unknowns)}
    equations: list[list[Fraction]] = []
    for line in table.lines():
        row = [Fraction(0)] * (len(unknowns) + 1)  # coefficients, then the right side
        for cell, sign in [*((part, 1) for part in line.parts), (line.total, -1)]:
            if cell in index:
                row[index[cell]] += sign
            elif cell not in zeros:
                row[-1] -= sign * table.value(*cell)
        equations.append(row)
    values = dict.fromkeys(zeros, 0)
    for i, value in _determined(equations, len(unknowns)).items():
        values[unknowns[i]] = int(value)
    return {cell: values[cell] for cell in hidden if cell in values}


# --- internals ------------------------------------------------------------------------


def _complete_lines(table: Table, lines: tuple[Line, ...], reasons: dict[Cell, Reason]) -> None:
    changed = True
    while changed:
        changed = False
        for index, line in enumerate(lines):
            if sum(cell in reasons for cell in line.cells) == 1:
                _, chosen = min(_candidates(table, line, index, reasons))
                reasons[chosen] = "secondary"
                changed = True


def _candidates(
    table: Table, line: Line, index: int, reasons: Mapping[Cell, Reason]
) -> list[tuple[tuple[int, int, int, int], Cell]]:
    """The line's shown cells, each with its preference key (smaller is taken first)."""
    found: list[tuple[tuple[int, int, int, int], Cell]] = []
    for position, cell in enumerate(line.cells):
        if cell in reasons:
            continue
        value = table.value(*cell)
        kind = 2 if cell == line.total else (0 if value > 0 else 1)
        found.append(((kind, value, index, position), cell))
    return found


_Point: TypeAlias = tuple[str, Label]  # ("row", label) or ("column", label)


def _forced_zeros(table: Table, hidden: Iterable[Cell]) -> set[Cell]:
    """Suppressed zeros that no loop passes through, so known to be 0 (rule 4a)."""
    hidden = tuple(hidden)
    steps: dict[_Point, list[tuple[_Point, Cell]]] = {}
    zeros: list[tuple[_Point, _Point, Cell]] = []  # (from, to) of the one allowed direction
    for cell in hidden:
        row, column = ("row", cell[0]), ("column", cell[1])
        if table.value(*cell) > 0:
            steps.setdefault(row, []).append((column, cell))
            steps.setdefault(column, []).append((row, cell))
        else:
            # Passing from row to column adds 1 to an inner cell or the grand total and
            # takes 1 from a margin; a 0 may only grow.
            margin = (cell[0] is TOTAL) != (cell[1] is TOTAL)
            start, end = (column, row) if margin else (row, column)
            steps.setdefault(start, []).append((end, cell))
            zeros.append((start, end, cell))
    forced: set[Cell] = set()
    for start, end, cell in zeros:
        # A loop through the cell goes start → end, then back from end to start.
        if not _reaches(steps, end, start, avoiding=cell):
            forced.add(cell)
    return forced


def _reaches(
    steps: Mapping[_Point, list[tuple[_Point, Cell]]], start: _Point, goal: _Point, avoiding: Cell
) -> bool:
    seen = {start}
    todo = [start]
    while todo:
        point = todo.pop()
        if point == goal:
            return True
        for following, cell in steps.get(point, ()):
            if cell != avoiding and following not in seen:
                seen.add(following)
                todo.append(following)
    return False


def _determined(equations: list[list[Fraction]], unknowns: int) -> dict[int, Fraction]:
    """Reduced row echelon form; the unknowns whose pivot row has no other entry."""
    rows = [list(row) for row in equations]
    pivots: list[tuple[int, int]] = []
    top = 0
    for column in range(unknowns):
        pivot = next((i for i in range(top, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[top], rows[pivot] = rows[pivot], rows[top]
        factor = rows[top][column]
        rows[top] = [entry / factor for entry in rows[top]]
        for i, row in enumerate(rows):
            if i != top and row[column] != 0:
                multiple = row[column]
                rows[i] = [a - multiple * b for a, b in zip(row, rows[top], strict=True)]
        pivots.append((top, column))
        top += 1
    return {
        column: rows[i][unknowns]
        for i, column in pivots
        if all(rows[i][k] == 0 for k in range(unknowns) if k != column)
    }


def _labels(kind: str, labels: Iterable[str]) -> tuple[str, ...]:
    result = tuple(labels)
    if not result:
        raise SuppressionError(f"A table needs at least one {kind}.")
    for label in result:
        if not isinstance(label, str):
            raise SuppressionError(f"The {kind} name {label!r} is not a string.")
    if len(set(result)) != len(result):
        raise SuppressionError(f"A {kind} name appears twice: {result!r}.")
    return result


def _count(cell: tuple[str, str], value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise SuppressionError(f"The count in {cell!r} must be a whole number, not {value!r}.")
    if value < 0:
        raise SuppressionError(f"The count in {cell!r} cannot be negative.")
    return value


def _check_threshold(threshold: object) -> None:
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        raise SuppressionError(f"The threshold must be a whole number ≥ 1, not {threshold!r}.")
