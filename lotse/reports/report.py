"""A built report as plain data: what pages, charts and exports render (no Django).

A report is a list of sections; each section is a small table whose first cell in every
row is the row's label. A value is a whole count, a decimal figure (FTE, hours, a mean)
or None where a count was withheld for privacy. Counts have been through suppression
before they get here: nothing in a `Report` can point to a person, so every renderer
may show all of it.

The dictionary form (`to_dict` / `from_dict`) is what a stored report run keeps, so an
export made later shows exactly what the page showed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, TypeAlias

Value: TypeAlias = int | float | str | None
SUPPRESSED = "•"  # shown wherever a value is withheld


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    header: list[str]  # the label column's heading, then one heading per value column
    rows: list[list[Value]]  # [label, value, value, …]; the total row (if any) last
    # "bar": the first value column; "grouped" and "line": every column but the total;
    # "none": no chart
    chart: str = "bar"
    has_total: bool = True  # last row and last column are totals (not charted)
    figures: list[tuple[str, Value]] = field(default_factory=list)  # derived, below the table
    note: str = ""

    def chart_labels(self) -> list[str]:
        rows = self.rows[:-1] if self.has_total else self.rows
        return [str(row[0]) for row in rows]

    def chart_series(self) -> list[tuple[str, list[float | None]]]:
        """(column heading, values) for each charted column; suppressed values are None."""
        rows = self.rows[:-1] if self.has_total else self.rows
        columns = len(self.header) - 1 - (1 if self.has_total and len(self.header) > 2 else 0)
        if self.chart == "bar":
            columns = 1
        return [(self.header[1 + c], [_number(row[1 + c]) for row in rows]) for c in range(columns)]


@dataclass(frozen=True)
class Report:
    title: str
    programme: str
    scope: str
    period: str
    threshold: int
    sections: list[Section]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        sections = [
            Section(**{**s, "figures": [tuple(f) for f in s.get("figures", [])]})
            for s in data["sections"]
        ]
        return cls(**{**data, "sections": sections})


def _number(value: Value) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None
