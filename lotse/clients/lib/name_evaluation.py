"""Retrieval evaluation of the name scorers on a TSV of spelling variants.

The file has a header line and the columns ``group``, ``spelling``, ``count``: spellings
in one group are variants of one name. For every spelling all other spellings are ranked
by a scorer; recall@k is the share of spellings for which a spelling of the same group is
among the first k. Ties are counted against the scorer: a spelling of another group that
scores as high as the best spelling of the same group is ranked before it.

``rapidfuzz.process.cdist`` would need numpy, which is not a project dependency, so the
baseline uses ``rapidfuzz.process.extract`` (the C++ loop over all choices) per query.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypedDict

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract

from lotse.clients.lib import names

Matrix = list[list[float]]


class ScorerResult(TypedDict):
    recall_at_1: float
    recall_at_5: float
    seconds: float


class Evaluation(TypedDict):
    path: str
    spellings: int
    groups: int
    queries: int
    ours: ScorerResult
    levenshtein: ScorerResult
    seconds: float


def read_variants(path: str | Path) -> list[tuple[str, str]]:
    """The ``(group, spelling)`` rows of the TSV, header skipped, blank lines ignored."""
    rows: list[tuple[str, str]] = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        if next(reader, None) is None:
            return rows
        for row in reader:
            if len(row) >= 2 and row[0].strip() and row[1].strip():
                rows.append((row[0].strip(), row[1].strip()))
    return rows


def ranks(matrix: Matrix, groups: Sequence[str]) -> list[int | None]:
    """Per spelling, the pessimistic rank of the best spelling of its own group.

    ``None`` for spellings that are alone in their group (nothing to find).
    """
    out: list[int | None] = []
    for i, row in enumerate(matrix):
        own = groups[i]
        best = max((row[j] for j in range(len(row)) if j != i and groups[j] == own), default=None)
        if best is None:
            out.append(None)
            continue
        out.append(1 + sum(1 for j, v in enumerate(row) if groups[j] != own and v >= best))
    return out


def recalls(matrix: Matrix, groups: Sequence[str]) -> tuple[float, float, int]:
    """recall@1, recall@5 and the number of spellings that were queried."""
    found = [r for r in ranks(matrix, groups) if r is not None]
    if not found:
        return 0.0, 0.0, 0
    return (
        sum(r <= 1 for r in found) / len(found),
        sum(r <= 5 for r in found) / len(found),
        len(found),
    )


def score_matrix(spellings: Sequence[str], scorer: Callable[[str, str], float]) -> Matrix:
    """All pair scores of a symmetric ``scorer``; the diagonal is left at 0."""
    n = len(spellings)
    matrix = [[0.0] * n for _ in range(n)]
    for i in range(n):
        a = spellings[i]
        row = matrix[i]
        for j in range(i + 1, n):
            value = scorer(a, spellings[j])
            row[j] = value
            matrix[j][i] = value
    return matrix


def levenshtein_matrix(spellings: Sequence[str]) -> Matrix:
    plain = [names.plain(s) for s in spellings]
    n = len(plain)
    matrix: Matrix = []
    for query in plain:
        row = [0.0] * n
        for _choice, score, j in extract(
            query, plain, scorer=Levenshtein.normalized_similarity, limit=None
        ):
            row[j] = score
        matrix.append(row)
    return matrix


def _run(groups: Sequence[str], build: Callable[[], Matrix]) -> tuple[ScorerResult, int]:
    started = time.perf_counter()
    r1, r5, queries = recalls(build(), groups)
    seconds = time.perf_counter() - started
    return {"recall_at_1": r1, "recall_at_5": r5, "seconds": seconds}, queries


def evaluate(path: str | Path) -> Evaluation:
    """recall@1 and recall@5 of ``names.similarity`` and the Levenshtein baseline."""
    started = time.perf_counter()
    rows = read_variants(path)
    groups = [g for g, _ in rows]
    spellings = [s for _, s in rows]
    ours, queries = _run(groups, lambda: score_matrix(spellings, names.similarity))
    baseline, _ = _run(groups, lambda: levenshtein_matrix(spellings))
    return {
        "path": str(path),
        "spellings": len(spellings),
        "groups": len(set(groups)),
        "queries": queries,
        "ours": ours,
        "levenshtein": baseline,
        "seconds": time.perf_counter() - started,
    }
