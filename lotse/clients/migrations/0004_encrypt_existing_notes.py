"""Encrypts the protection-need notes and working notes written before they were
encrypted; reversed, decrypts them back. Rows already encrypted are left as they are."""

from django.db import migrations

from lotse.core import fields

COLUMNS = [("ProtectionNeed", "note"), ("WorkingNote", "text")]


def encrypt(apps, schema_editor):
    for model, name in COLUMNS:
        fields.rewrite(
            apps.get_model("clients", model),
            name,
            fields.encrypt_if_plain,
            using=schema_editor.connection.alias,
        )


def decrypt(apps, schema_editor):
    for model, name in COLUMNS:
        fields.rewrite(
            apps.get_model("clients", model),
            name,
            fields.decrypt_if_encrypted,
            using=schema_editor.connection.alias,
        )


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_encrypted_notes")]
    operations = [migrations.RunPython(encrypt, decrypt)]
