"""Free text encrypted at rest: the field, and the functions that migrate and rotate it.

The keys are settings.FIELD_KEYS (LOTSE_FIELD_KEYS), Fernet keys: the first encrypts,
every one decrypts, so a new key is put in front, `manage.py rotate_field_key`
re-encrypts the rows, and the old key can then be removed. A Fernet token is
authenticated: one written with a key not in the list, or altered, does not decrypt
but raises UndecryptableValue. Blank text is stored as "", so that blank stays
recognisable without a key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast

BATCH_SIZE = 1000

# Every Fernet token: version byte 0x80 and a timestamp with leading zero bytes, then at
# least 64 bytes of IV, ciphertext and HMAC, in URL-safe base64 (100 characters or more).
_TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_-]{90,}={0,2}")


class UndecryptableValue(Exception):
    def __init__(self, where: str) -> None:
        super().__init__(
            f"{where}: the stored value cannot be decrypted with any key in LOTSE_FIELD_KEYS "
            "(the key it was written with is missing, or the value was altered)."
        )


@functools.cache
def _fernets(keys: tuple[str, ...]) -> tuple[Fernet, MultiFernet]:
    fernets = [Fernet(key) for key in keys]
    return fernets[0], MultiFernet(fernets)


def _keys() -> tuple[Fernet, MultiFernet]:
    """The first key, and all keys; read from the settings each time, so tests can swap them."""
    return _fernets(tuple(settings.FIELD_KEYS))


def encrypt(text: str) -> str:
    return _keys()[1].encrypt(text.encode()).decode() if text else ""


def decrypt(token: str, where: str = "Encrypted text") -> str:
    if not token:
        return ""
    try:
        return _keys()[1].decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableValue(where) from None


def is_encrypted(value: str) -> bool:
    """Whether the value has the form of a token (plain text of that form does not occur)."""
    return _TOKEN.fullmatch(value) is not None


def encrypt_if_plain(value: str) -> str:
    """For the data migration: plain text encrypted; a token left as it is, once it is
    known to decrypt, so that the migration can run again over rows it has done."""
    if is_encrypted(value):
        decrypt(value)
        return value
    return encrypt(value)


def decrypt_if_encrypted(value: str) -> str:
    """For reversing the data migration: a token decrypted, plain text left as it is."""
    return decrypt(value) if is_encrypted(value) else value


def reencrypt(token: str) -> str:
    """The token under the first key; unchanged if it is under the first key already."""
    first, every = _keys()
    try:
        first.decrypt(token.encode())
        return token
    except InvalidToken:
        pass
    try:
        return every.rotate(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableValue("Encrypted text") from None


def rewrite(
    model: type[models.Model],
    name: str,
    change: Callable[[str], str],
    *,
    using: str = DEFAULT_DB_ALIAS,
    dry_run: bool = False,
) -> int:
    """Pass every non-blank value of the column `name`, as stored, through `change` and
    write back those it changes: BATCH_SIZE rows at a time, each batch read (rows locked)
    and written in one transaction. Returns how many rows changed (under dry_run: would
    change, and nothing is written). Works on the migrations' historical models too."""
    stored = Cast(name, models.TextField())  # the column's text, not decrypted
    rows = (
        model._base_manager.using(using)
        .annotate(stored=stored)
        .exclude(stored="")
        .filter(stored__isnull=False)
        .order_by("pk")
    )
    changed = 0
    last: Any = None
    while True:
        with transaction.atomic(using=using):
            batch = rows if last is None else rows.filter(pk__gt=last)
            values = list(batch.select_for_update().values_list("pk", "stored")[:BATCH_SIZE])
            if not values:
                return changed
            last = values[-1][0]
            updates = []
            for pk, old in values:
                try:
                    new = change(old)
                except UndecryptableValue:
                    raise UndecryptableValue(f"{model._meta.label}.{name}, row {pk}") from None
                if new != old:
                    # An expression is written as it is, not encrypted once more.
                    updates.append(model(pk=pk, **{name: models.Value(new, models.TextField())}))
            changed += len(updates)
            if updates and not dry_run:
                model._base_manager.using(using).bulk_update(updates, [name])


class EncryptedTextField(models.TextField[str | Combinable, str]):
    """Text encrypted in the database, plain in Python. The column cannot be searched or
    ordered by its text; only whether it is blank can be asked (`note=""`)."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else encrypt(value)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return decrypt(value, where=f"{self.model._meta.label}.{self.name}")

    def get_lookup(self, lookup_name: str) -> Any:
        # icontains, startswith, gt … would compare ciphertext and find nothing, silently.
        return super().get_lookup(lookup_name) if lookup_name in {"exact", "isnull"} else None
