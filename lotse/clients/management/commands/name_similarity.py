from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lotse.clients.lib import name_evaluation
from lotse.clients.lib.names import similarity

DEFAULT_VARIANTS = Path("tests") / "data" / "name-variants-dev.tsv"


class Command(BaseCommand):
    help = (
        "Read 'name_a<TAB>name_b' lines from standard input and print one name similarity "
        "(0 to 1) per line; with --evaluate, print recall@1 and recall@5 of the scorer and "
        "of plain Levenshtein on a TSV of spelling variants."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--evaluate",
            nargs="?",
            const=str(DEFAULT_VARIANTS),
            default=None,
            metavar="PATH",
            help=(
                "TSV with the columns group, spelling, count (header line); relative paths "
                f"are resolved against BASE_DIR. Default: {DEFAULT_VARIANTS}"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["evaluate"] is not None:
            self._evaluate(options["evaluate"])
            return
        stdin: TextIO = options.get("stdin") or sys.stdin
        bad = 0
        for number, raw in enumerate(stdin, start=1):
            line = raw.rstrip("\r\n")
            fields = line.split("\t")
            if len(fields) < 2:
                bad += 1
                self.stderr.write(f"line {number}: expected 'name_a<TAB>name_b', got {line!r}")
                continue
            self.stdout.write(f"{similarity(fields[0], fields[1]):.4f}")
        if bad:
            raise CommandError(f"{bad} line(s) without a tab were skipped.", returncode=1)

    def _evaluate(self, value: str) -> None:
        path = Path(value)
        if not path.is_absolute():
            path = Path(settings.BASE_DIR) / path
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = name_evaluation.evaluate(path)
        rows = [
            ("similarity", result["ours"]),
            ("levenshtein", result["levenshtein"]),
        ]
        self.stdout.write(
            f"{'scorer':<12} {'recall@1':>8} {'recall@5':>8} {'spellings':>9} {'seconds':>7}"
        )
        for name, scores in rows:
            self.stdout.write(
                f"{name:<12} {scores['recall_at_1']:>8.4f} {scores['recall_at_5']:>8.4f} "
                f"{result['spellings']:>9} {scores['seconds']:>7.2f}"
            )
