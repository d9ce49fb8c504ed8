"""The starting vocabularies of the product brief. Administrators edit them later."""

from django.db import migrations

VOCABULARIES = {
    "field_of_action": [
        ("sprache", "Sprache", "Language"),
        ("arbeit", "Arbeit und Beruf", "Work and occupation"),
        ("anerkennung", "Anerkennung ausländischer Qualifikationen", "Recognition of foreign qualifications"),
        ("ausbildung", "Ausbildung und Studium", "Vocational training and studies"),
        ("schule_kita", "Schule und Kita", "School and childcare"),
        ("wohnen", "Wohnen", "Housing"),
        ("gesundheit", "Gesundheit", "Health"),
        ("aufenthalt", "Aufenthalt und Verfahren", "Residence and procedures"),
        ("existenzsicherung", "Existenzsicherung und Finanzen", "Livelihood and finances"),
        ("familie", "Familie und Kinder", "Family and children"),
        ("teilhabe", "Soziale Teilhabe", "Social participation"),
    ],
    "topic": [
        ("aufenthaltsrecht", "Aufenthaltsrecht", "Residence law"),
        ("asyl_anhoerung", "Asylverfahren: Anhörung", "Asylum procedure: interview"),
        ("asyl_bescheid", "Asylverfahren: Bescheid", "Asylum procedure: decision"),
        ("asyl_klage", "Asylverfahren: Klage", "Asylum procedure: appeal"),
        ("asyl_dublin", "Asylverfahren: Dublin", "Asylum procedure: Dublin"),
        ("familiennachzug", "Familiennachzug", "Family reunification"),
        ("sgb2", "Sozialleistungen: SGB II", "Social benefits: SGB II"),
        ("sgb12", "Sozialleistungen: SGB XII", "Social benefits: SGB XII"),
        ("asylblg", "Sozialleistungen: AsylbLG", "Social benefits: AsylbLG"),
        ("kindergeld", "Sozialleistungen: Kindergeld", "Social benefits: child benefit"),
        ("kurse", "Integrations- und Sprachkurse", "Integration and language courses"),
        ("anerkennung", "Anerkennung", "Recognition"),
        ("arbeit", "Arbeit", "Work"),
        ("ausbildung", "Ausbildung", "Vocational training"),
        ("schule_kita", "Schule und Kita", "School and childcare"),
        ("wohnen", "Wohnen", "Housing"),
        ("gesundheit", "Gesundheit", "Health"),
        ("psychosoziales", "Psychosoziales", "Psychosocial matters"),
        ("schulden", "Schulden", "Debts"),
        ("diskriminierung", "Diskriminierung", "Discrimination"),
        ("rueckkehr", "Rückkehr", "Return"),
        ("behoerdenpost", "Behördenpost", "Letters from authorities"),
    ],
    "contact_kind": [
        ("kurzberatung", "Kurzberatung", "Short counselling"),
        ("erstberatung", "Erstberatung", "Initial counselling"),
        ("folgeberatung", "Folgeberatung", "Follow-up counselling"),
        ("gruppenberatung", "Gruppenberatung", "Group counselling"),
        ("krisenberatung", "Krisenberatung", "Crisis counselling"),
    ],
    "channel": [
        ("persoenlich", "persönlich", "in person"),
        ("telefonisch", "telefonisch", "by phone"),
        ("video", "Video", "video"),
        ("chat", "Chat/Messenger", "chat/messenger"),
        ("email", "E-Mail", "email"),
        ("aufsuchend", "aufsuchend", "outreach"),
    ],
    "interpreting": [
        ("none", "keine Sprachmittlung", "no interpreting"),
        ("professional", "professionelle Dolmetschung", "professional interpreter"),
        ("volunteer", "ehrenamtliche Sprachmittlung", "volunteer interpreter"),
        ("language_mediator", "Sprach- und Kulturmittlung", "language mediator"),
        ("family_member", "Familienangehörige", "family member"),
    ],
    "protection_need": [
        ("unaccompanied_minor", "unbegleitete:r Minderjährige:r", "unaccompanied minor"),
        ("minor", "minderjährig", "minor"),
        ("disability", "Behinderung", "disability"),
        ("older_person", "ältere Person", "older person"),
        ("pregnancy", "Schwangerschaft", "pregnancy"),
        ("single_parent", "alleinerziehend mit minderjährigen Kindern", "single parent with minor children"),
        ("trafficking", "Opfer von Menschenhandel", "victim of human trafficking"),
        ("serious_illness", "schwere Erkrankung", "serious illness"),
        ("mental_disorder", "psychische Störung", "mental disorder"),
        ("violence_survivor", "Überlebende:r von Folter, Vergewaltigung oder schwerer Gewalt (einschließlich FGM)",
         "survivor of torture, rape or other serious violence (including FGM)"),
        ("lgbtiq", "LGBTIQ*", "LGBTIQ*"),
    ],
    "residence_status": [
        ("gestattung", "Aufenthaltsgestattung", "permission to reside (asylum procedure)"),
        ("duldung_60a", "Duldung (§ 60a AufenthG)", "toleration (§ 60a)"),
        ("duldung_60b", "Duldung für Personen mit ungeklärter Identität (§ 60b)", "toleration, identity unclear (§ 60b)"),
        ("duldung_60cd", "Ausbildungs- oder Beschäftigungsduldung (§ 60c/d)", "toleration for training or employment (§ 60c/d)"),
        ("ae_25_1", "Aufenthaltserlaubnis § 25 Abs. 1 (Asylberechtigung)", "residence permit § 25(1) (asylum)"),
        ("ae_25_2", "Aufenthaltserlaubnis § 25 Abs. 2 (Flüchtlingsschutz, subsidiärer Schutz)", "residence permit § 25(2) (refugee or subsidiary protection)"),
        ("ae_25_3", "Aufenthaltserlaubnis § 25 Abs. 3 (Abschiebungsverbot)", "residence permit § 25(3) (ban on deportation)"),
        ("ae_24", "Aufenthaltserlaubnis § 24 (vorübergehender Schutz)", "residence permit § 24 (temporary protection)"),
        ("ae_25_5", "Aufenthaltserlaubnis § 25 Abs. 5", "residence permit § 25(5)"),
        ("ae_25a_25b", "Aufenthaltserlaubnis § 25a/§ 25b (Bleiberecht)", "residence permit § 25a/§ 25b (right to stay)"),
        ("ae_104c", "Chancen-Aufenthaltsrecht § 104c", "opportunity residence § 104c"),
        ("family", "Familiennachzug (§§ 27–36)", "family reunification (§§ 27–36)"),
        ("employment", "Erwerbstätigkeit (§§ 16–21)", "employment (§§ 16–21)"),
        ("settlement", "Niederlassungserlaubnis / Daueraufenthalt-EU", "settlement permit / EU long-term residence"),
        ("eu_citizen", "Unionsbürger:in", "EU citizen"),
        ("german", "deutsche Staatsangehörigkeit (eingebürgert, Spätaussiedler:in)", "German citizen (naturalised, ethnic German resettler)"),
        ("no_status", "ohne regulären Aufenthaltsstatus", "no regular status"),
        ("unknown", "unbekannt", "unknown"),
    ],
    "accommodation": [
        ("erstaufnahme", "Erstaufnahme", "initial reception"),
        ("gemeinschaftsunterkunft", "Gemeinschaftsunterkunft", "shared accommodation"),
        ("anschlussunterbringung", "Anschlussunterbringung", "municipal follow-up housing"),
        ("own_flat", "eigene Wohnung", "own flat"),
        ("homeless", "wohnungslos", "homeless"),
        ("other", "sonstige", "other"),
    ],
    "service_type": [
        ("family_counselling", "Familien-, Paar- und Lebensberatung", "family and couple counselling"),
        ("debt_counselling", "Schuldnerberatung", "debt counselling"),
        ("addiction_counselling", "Suchtberatung", "addiction counselling"),
        ("psychosocial_centre", "Psychosoziales Zentrum für Geflüchtete", "psychosocial centre for refugees"),
        ("anti_discrimination", "Antidiskriminierungsstelle", "anti-discrimination office"),
        ("jobcenter", "Jobcenter", "Jobcenter"),
        ("employment_agency", "Agentur für Arbeit", "Federal Employment Agency"),
        ("immigration_office", "Ausländerbehörde", "immigration office"),
        ("social_welfare_office", "Sozialamt", "social welfare office"),
        ("youth_welfare_office", "Jugendamt", "youth welfare office"),
        ("recognition_counselling", "Anerkennungsberatung", "recognition counselling"),
        ("course_provider", "Integrations- und Sprachkursträger", "integration and language course provider"),
        ("school_childcare", "Schule und Kita", "school and childcare"),
        ("health", "Gesundheit", "health"),
        ("legal_advice", "Rechtsberatung", "legal advice"),
        ("housing_help", "Wohnungshilfe", "housing help"),
        ("migrant_organisation", "Migrantenorganisation", "migrant organisation"),
        ("volunteer_initiative", "Ehrenamtsinitiative", "volunteer initiative"),
        ("mbe_jmd", "MBE / Jugendmigrationsdienst", "MBE / youth migration service"),
    ],
    "closure_reason": [
        ("goals_reached", "Ziele erreicht / nutzt Regeldienste selbstständig", "goals reached / uses mainstream services independently"),
        ("handed_over", "an Regeldienst oder anderen Dienst übergeben", "handed over to a mainstream or other service"),
        ("moved_away", "verzogen", "moved away"),
        ("time_limit", "Höchstdauer erreicht", "time limit reached"),
        ("client_ended", "von der ratsuchenden Person beendet", "client ended the counselling"),
        ("no_contact", "seit 6 Monaten kein Kontakt", "no contact for 6 months"),
        ("left_germany", "Deutschland verlassen", "left Germany"),
        ("deceased", "verstorben", "deceased"),
        ("other", "sonstiger Grund", "other"),
    ],
    "qualification": [
        ("social_work_bachelor", "Soziale Arbeit / Sozialpädagogik (Bachelor)", "social work / social pedagogy (Bachelor)"),
        ("social_work_diploma", "Soziale Arbeit / Sozialpädagogik (Diplom)", "social work / social pedagogy (Diplom)"),
        ("social_work_master", "Soziale Arbeit / Sozialpädagogik (Master)", "social work / social pedagogy (Master)"),
        ("public_management_bachelor", "Public Management (Bachelor)", "public management (Bachelor)"),
        ("vocational_integration", "Berufsausbildung mit Qualifizierung im Integrationsmanagement",
         "vocational training plus a qualification in integration management"),
        ("other", "sonstige (Genehmigung erforderlich)", "other (needs approval)"),
    ],
}


def add_terms(apps, schema_editor):
    Term = apps.get_model("core", "Term")
    Term.objects.bulk_create(
        Term(vocabulary=vocabulary, code=code, label_de=de, label_en=en, position=position)
        for vocabulary, terms in VOCABULARIES.items()
        for position, (code, de, en) in enumerate(terms, start=1)
    )


def remove_terms(apps, schema_editor):
    apps.get_model("core", "Term").objects.filter(vocabulary__in=VOCABULARIES).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_terms_and_audit_events")]
    operations = [migrations.RunPython(add_terms, remove_terms)]
