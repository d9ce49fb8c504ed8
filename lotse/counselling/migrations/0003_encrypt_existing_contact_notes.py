"""Encrypts the short notes on contacts written before they were encrypted; reversed,
decrypts them back. Rows already encrypted are left as they are."""

from django.db import migrations

from lotse.core import fields


def encrypt(apps, schema_editor):
    fields.rewrite(
        apps.get_model("counselling", "Contact"),
        "note",
        fields.encrypt_if_plain,
        using=schema_editor.connection.alias,
    )


def decrypt(apps, schema_editor):
    fields.rewrite(
        apps.get_model("counselling", "Contact"),
        "note",
        fields.decrypt_if_encrypted,
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [("counselling", "0002_encrypted_contact_note")]
    operations = [migrations.RunPython(encrypt, decrypt)]
