from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import models

from lotse.core import fields


def encrypted_fields() -> Iterator[tuple[type[models.Model], fields.EncryptedTextField]]:
    """Every encrypted column once: proxies share their model's table, and a child of
    multi-table inheritance holds only its own columns."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.local_concrete_fields:
            if isinstance(field, fields.EncryptedTextField):
                yield model, field


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the first key of LOTSE_FIELD_KEYS, so that "
        "the other keys can be removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the rows to re-encrypt; write nothing."
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        for model, field in encrypted_fields():
            count = fields.rewrite(model, field.name, fields.reencrypt, dry_run=dry_run)
            self.stdout.write(f"{model._meta.label}.{field.name}: {verb} {count} rows")
