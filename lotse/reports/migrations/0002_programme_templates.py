"""The report templates of the five programmes, as data: a new one needs no code."""

from django.db import migrations

TEMPLATES = [
    (
        "bw-im",
        "Jährliche Kennzahlen Integrationsmanagement",
        "",
        [
            "persons", "age_and_sex", "nationality", "residence_status", "contacts_by_kind",
            "contacts_by_topic", "cases", "closures", "plans", "goals", "referrals",
            "time_to_plan", "time_limit", "staffing",
        ],
    ),
    (
        "sh-msb",
        "Sachbericht Migrationssozialberatung",
        "",
        [
            "persons", "contacts_by_kind", "contacts_by_channel", "age_and_sex", "nationality",
            "residence_status", "cases", "closures", "plans", "goals", "referrals",
            "time_limit", "staffing",
        ],
    ),
    (
        "bb-msa",
        "Bericht Migrationssozialarbeit",
        "",
        [
            "persons", "contacts_by_kind", "contacts_by_channel", "contacts_by_topic",
            "age_and_sex", "nationality", "residence_status", "referrals", "staffing",
            "structural",
        ],
    ),
    (
        "rlp-mfd",
        "Jahresbericht Migrationsfachdienste",
        "",
        [
            "persons", "contacts_by_kind", "contacts_by_channel", "contacts_by_topic",
            "age_and_sex", "nationality", "residence_status", "referrals", "structural",
        ],
    ),
    (
        "mbe",
        "Statistik Migrationsberatung für erwachsene Zuwanderer",
        "",
        [
            "persons", "contacts_by_kind", "age_and_sex", "nationality", "cases", "closures",
            "plans", "goals", "referrals", "staffing",
        ],
    ),
]


def add_templates(apps, schema_editor):
    Programme = apps.get_model("organisations", "Programme")
    ReportTemplate = apps.get_model("reports", "ReportTemplate")
    for key, title, due, sections in TEMPLATES:
        programme = Programme.objects.filter(key=key).first()
        if programme is not None:
            due = due or programme.report_due
            ReportTemplate.objects.create(
                programme=programme, title=title, due=due, sections=sections
            )


def remove_templates(apps, schema_editor):
    apps.get_model("reports", "ReportTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_templates_and_runs"),
        ("organisations", "0003_funding_caps"),
    ]

    operations = [migrations.RunPython(add_templates, remove_templates)]
