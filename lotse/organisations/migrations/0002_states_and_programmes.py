"""The sixteen states and the five programmes of the product brief, as data.

Administrators change or add programmes in the administration; no code reads a
programme key.
"""

from decimal import Decimal

from django.db import migrations

STATES = [
    ("01", "Schleswig-Holstein"), ("02", "Hamburg"), ("03", "Niedersachsen"), ("04", "Bremen"),
    ("05", "Nordrhein-Westfalen"), ("06", "Hessen"), ("07", "Rheinland-Pfalz"),
    ("08", "Baden-Württemberg"), ("09", "Bayern"), ("10", "Saarland"), ("11", "Berlin"),
    ("12", "Brandenburg"), ("13", "Mecklenburg-Vorpommern"), ("14", "Sachsen"),
    ("15", "Sachsen-Anhalt"), ("16", "Thüringen"),
]

NO_RECOGNITION = ["gestattung", "duldung_60a", "duldung_60b", "duldung_60cd", "no_status"]
BW_TARGET = {
    "any": [
        {"fact": "accommodation", "in": ["anschlussunterbringung"],
         "text": "lebt in der kommunalen Anschlussunterbringung"},
        {"fact": "residence_status", "in": ["ae_24"],
         "text": "hat vorübergehenden Schutz nach § 24 AufenthG (Ukraine)"},
    ],
    "text": "Geflüchtete in der Anschlussunterbringung oder Schutzsuchende aus der Ukraine",
}
BB_TARGET = {
    "fact": "accommodation", "in": ["gemeinschaftsunterkunft", "anschlussunterbringung"],
    "text": "lebt in kommunaler Unterbringung (unterbringungsnahe Migrationssozialarbeit)",
}
MBE_TARGET = [
    {"fact": "age", "min": 27, "text": "Erwachsene ab 27 Jahren"},
    {"fact": "months_since_entry", "max": 36, "text": "bis 3 Jahre nach der Einreise"},
]

PROGRAMMES = [
    dict(
        key="bb-msa", state="12", short_name="MSA Brandenburg",
        name="Migrationssozialarbeit nach dem Landesaufnahmegesetz",
        legal_basis="Landesaufnahmegesetz (LAufnG) Brandenburg, Novelle 2016, mit Durchführungsverordnung",
        target_group="Asylsuchende und Geflüchtete in kommunaler Unterbringung (unterbringungsnah); "
        "dazu fachspezifische Beratungsdienste (Fachberatungsdienste).",
        eligibility_criteria={"counselling": [BB_TARGET], "case_management": [BB_TARGET]},
        ratio_persons_per_fte=80, ratio_basis="persons_housed",
        ratio_note="Personalschlüssel 1 : 80 (vorher 1 : 120)",
        funding_model="reimbursement",
        funding_description="Das Land erstattet den Landkreisen und kreisfreien Städten die Kosten. "
        "54 Fachberatungsstellen landesweit unabhängig von der Zahl der Aufgenommenen, bis zu 2 weitere "
        "für jüdische Zugewanderte; später 777 EUR je anerkanntem Flüchtling und Jahr für 3 Jahre.",
        per_person_rate_eur=777,
        quality_requirements="Qualitätsanforderungen und Transparenz nach der Durchführungsverordnung: "
        "Supervision, Dokumentation, Vertraulichkeit, Erreichbarkeit. Das Datum des Rechtskreiswechsels "
        "ins SGB II wird festgehalten.",
    ),
    dict(
        key="bw-im", state="08", short_name="IM Baden-Württemberg",
        name="Integrationsmanagement im Pakt für Integration",
        legal_basis="Pakt für Integration (seit 2017), Verwaltungsvorschrift des Sozialministeriums",
        target_group="Geflüchtete in der kommunalen Anschlussunterbringung, später auch Menschen, "
        "die aus der Ukraine geflüchtet sind.",
        eligibility_criteria={"counselling": [BW_TARGET], "case_management": [BW_TARGET]},
        case_management_limit_months=36, extension_limit_months=48,
        extension_requires_justification=True, plan_required_at_start=True,
        funding_model="flat_rate_per_fte",
        funding_description="70 Mio. EUR jährlich 2017 und 2018; 116 Mio. EUR nach der Zahl der Personen "
        "in der Anschlussunterbringung auf die Kommunen verteilt. Eine Kommune beantragt allein nur ab "
        "einem Anteil von 51.000 EUR, sonst teilt sie sich eine Stelle oder überträgt die Aufgabe dem "
        "Landkreis. Pauschale je Vollzeitstelle nach Qualifikation; Stellen ab 0,25 VZÄ.",
        min_municipality_share_eur=51000, min_position_fte=Decimal("0.25"),
        report_due="31. Januar (Kennzahlen des Vorjahres)",
        quality_requirements="Integrationsplan zu Beginn jeder Beratung, fortlaufend aktualisiert. "
        "Ziel: selbstständige Nutzung der Regeldienste und eigener Wohnraum ohne öffentliche Leistungen.",
        qualifications=["social_work_bachelor", "social_work_diploma", "social_work_master",
                        "public_management_bachelor", "vocational_integration"],
    ),
    dict(
        key="rlp-mfd", state="07", short_name="MFD Rheinland-Pfalz",
        name="Landesgeförderte Migrationsfachdienste",
        legal_basis="Konzept der landesgeförderten Migrationsfachdienste der LIGA (2021)",
        target_group="Alle Migrantinnen und Migranten unabhängig von Aufenthaltsstatus und -dauer, "
        "auch Menschen ohne regulären Aufenthaltsstatus.",
        eligibility_criteria={},
        funding_model="provider_grant",
        funding_description="Landesförderung der Träger der LIGA der Freien Wohlfahrtspflege.",
        quality_requirements="Sozialberatung und Asylverfahrensberatung; Strukturarbeit: Sozialraumarbeit, "
        "Ehrenamt, interkulturelle Öffnung und Antidiskriminierung (Betroffene an die "
        "Landesantidiskriminierungsstelle LADS verweisen); digital und persönlich erreichbar; "
        "unabhängig, ergebnisoffen, vertraulich, freiwillig und kostenlos.",
    ),
    dict(
        key="sh-msb", state="01", short_name="MSB Schleswig-Holstein",
        name="Migrationssozialberatung (Rahmenkonzeption 2006)",
        legal_basis="Rahmenkonzeption Migrationssozialberatung Schleswig-Holstein (2006), Förderrichtlinie",
        target_group="Vorrangig Neuzugewanderte mit Bleibeperspektive bis 3 Jahre nach der Einreise; "
        "länger ansässige Migrantinnen und Migranten mit festgestelltem Bedarf; Geflüchtete ohne "
        "Anerkennung nur in der Krisenberatung (kein Case Management).",
        eligibility_criteria={"case_management": [
            {"fact": "residence_status", "not_in": NO_RECOGNITION,
             "text": "Geflüchtete ohne Anerkennung erhalten nur Krisenberatung, kein Case Management"},
            {"fact": "months_since_entry", "max": 36,
             "text": "Neuzugewanderte bis 3 Jahre nach der Einreise (länger Ansässige nur bei "
             "festgestelltem Bedarf, mit Begründung)"},
        ]},
        case_management_limit_months=36,
        ratio_persons_per_fte=75, ratio_basis="case_management_persons_per_year",
        ratio_note="1 VZÄ : 75 Personen im Case Management pro Jahr (vorher 1 : 2.500 ausländische Einwohner)",
        funding_model="grant_per_fte",
        funding_description="Bis zu 70.500 EUR je Vollzeitstelle und Jahr, davon höchstens 20.000 EUR "
        "Sachkosten und 5.000 EUR Dolmetschkosten; mindestens 10 % Eigenanteil.",
        max_grant_per_fte_eur=70500, min_own_contribution_percent=10,
        quality_requirements="Erstberatung, daraus strukturierte Integrationsbegleitung im Case Management "
        "mit vereinbarten Zielen; Qualitätskriterien für die Beratungsstellen; Kriterien zur Bewertung "
        "der Zielerreichung. Die Integrationsvereinbarung ist freiwillig.",
    ),
    dict(
        key="mbe", state=None, short_name="MBE",
        name="Migrationsberatung für erwachsene Zuwanderer",
        legal_basis="Förderrichtlinie des Bundes, umgesetzt durch das BAMF",
        target_group="Erwachsene Zugewanderte ab 27 Jahren bis 3 Jahre nach der Einreise.",
        eligibility_criteria={"counselling": MBE_TARGET, "case_management": MBE_TARGET},
        ratio_persons_per_fte=70, ratio_basis="case_management_cases",
        ratio_note="Richtwert des BAMF: 60–70 Case-Management-Fälle je Vollzeitstelle",
        funding_model="provider_grant",
        funding_description="Zuwendung des Bundes an die Träger der Freien Wohlfahrtspflege und den BdV.",
    ),
]


def add(apps, schema_editor):
    State = apps.get_model("organisations", "State")
    Programme = apps.get_model("organisations", "Programme")
    Term = apps.get_model("core", "Term")
    states = {code: State.objects.create(code=code, name=name) for code, name in STATES}
    closure = Term.objects.filter(vocabulary="closure_reason")
    for data in PROGRAMMES:
        data = dict(data)
        state = data.pop("state")
        qualifications = data.pop("qualifications", [])
        programme = Programme.objects.create(state=states[state] if state else None, **data)
        reasons = closure if programme.case_management_limit_months else closure.exclude(code="time_limit")
        programme.closure_reasons.set(reasons)
        programme.required_qualifications.set(
            Term.objects.filter(vocabulary="qualification", code__in=qualifications)
        )


def remove(apps, schema_editor):
    apps.get_model("organisations", "Programme").objects.filter(
        key__in=[p["key"] for p in PROGRAMMES]
    ).delete()
    apps.get_model("organisations", "State").objects.filter(code__in=[c for c, _ in STATES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_organisations_programmes_memberships"),
        ("core", "0002_starting_vocabularies"),
    ]
    operations = [migrations.RunPython(add, remove)]
