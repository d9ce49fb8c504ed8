"""No report, export or chart names a person: every report of the demo is built through
the pages for states, a district and an office, fetched as page, CSV, XLSX and PDF, and
searched for every client's name, birth date, contact details and file number, and for
links to client records."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdfium2 as pdfium
import pytest
from django.test import Client as Browser
from django.test import TestCase
from django.utils import timezone
from openpyxl import load_workbook

from lotse.accounts.models import User
from lotse.clients.models import Client, HouseholdMember
from lotse.core.models import Term
from lotse.demo import data
from lotse.organisations.models import District, Office
from lotse.reports.models import ReportRun, ReportTemplate
from tests.conftest import confirm_password, force_login
from tests.reports.fixtures import analyst_of

pytestmark = pytest.mark.django_db

MAIN = re.compile(r"<main\b.*?</main>", re.S)


def personal_strings():
    """What would point to a person: names (whole and each part of four letters or more),
    full birth dates in the usual notations, phone numbers, e-mail addresses, file numbers."""
    found = set()
    for client in Client.objects.all():
        names = [client.given_names, client.family_name, client.name_original_script]
        names += client.other_spellings.split(",")
        for name in filter(None, (n.strip() for n in names)):
            found.add(name)
            found.update(part for part in re.split(r"[\s\-]+", name) if len(part) >= 4)
        if client.birth_year and client.birth_month and client.birth_day:
            born = dt.date(client.birth_year, client.birth_month, client.birth_day)
            found.update(
                {f"{born:%d.%m.%Y}", born.isoformat(), f"{born.day}.{born.month}.{born.year}"}
            )
        found.update(filter(None, [client.phone, client.email, client.bamf_file_number]))
    for member in HouseholdMember.objects.exclude(given_name=""):
        found.add(member.given_name)
    return found


def pdf_text(data):
    document = pdfium.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def xlsx_text(data):
    sheet = load_workbook(io.BytesIO(data)).active
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)


def everything_shown(browser, template, unit):
    """Build the report through the page; return the page, its exports and the quality
    indicators as texts, each with a name."""
    today = timezone.localdate()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = browser.post(
            "/reports/",
            {
                "template": template.pk,
                "unit": unit,
                "start": (today - dt.timedelta(days=364)).isoformat(),
                "end": today.isoformat(),
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    run = ReportRun.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])
    assert run.status == "done"
    page = browser.get(response.url).content.decode()
    quality = browser.get("/reports/quality/", {"template": template.pk, "unit": unit})
    return {
        "page": MAIN.search(page).group(0),
        "csv": browser.get(f"/reports/runs/{run.pk}.csv").content.decode("utf-8-sig"),
        "xlsx": xlsx_text(browser.get(f"/reports/runs/{run.pk}.xlsx").content),
        "pdf": pdf_text(browser.get(f"/reports/runs/{run.pk}.pdf").content),
        "quality": MAIN.search(quality.content.decode()).group(0),
    }


def scopes():
    """(user, template, unit) for every state programme at its state, for the demo
    district and for the demo office."""
    kreis, team_lead = User.objects.get(username="kreis"), User.objects.get(username="teamleitung")
    district = District.objects.get(key="08118")
    office = Office.objects.get(name="Caritas Migrationsdienst Ludwigsburg")
    for template in ReportTemplate.objects.exclude(programme__state=None):
        state = template.programme.state
        assert state is not None
        yield analyst_of(state), template, f"state:{state.pk}"
    bw_im = ReportTemplate.objects.get(programme__key="bw-im")
    yield kreis, bw_im, f"district:{district.pk}"
    yield team_lead, bw_im, f"office:{office.pk}"


def search_for(forbidden):
    return re.compile(
        "|".join(rf"(?<!\w){re.escape(s)}(?!\w)" for s in sorted(forbidden, key=len)[::-1])
    )


def found_in(user, template, unit, pattern):
    """{kind of output: personal strings found}; also checks every link stays in reports."""
    browser = force_login(Browser(), user)
    confirm_password(browser, data.PASSWORD)
    found = {}
    for kind, text in everything_shown(browser, template, unit).items():
        assert "<svg" in text or kind not in ("page", "quality"), kind
        links = re.findall(r'href="([^"]+)"', text)
        assert all(link.startswith("/reports/") for link in links), links
        found[kind] = pattern.findall(text)
    return found


def test_no_report_export_or_chart_names_a_person(demo):
    forbidden = personal_strings()
    assert len(forbidden) > 100  # the demo's clients, their birth dates and phones
    pattern = search_for(forbidden)
    checked = 0
    for user, template, unit in scopes():
        found = found_in(user, template, unit, pattern)
        assert not any(found.values()), (template.title, unit, found)
        checked += len(found)
    assert checked == 5 * (ReportTemplate.objects.exclude(programme__state=None).count() + 2)


def test_the_search_finds_a_name_that_slipped_into_a_report(demo):
    """The check can fail: a contact kind renamed after a client is found in the page and
    in every export (the quality indicators show no contact kinds)."""
    client = Client.objects.exclude(family_name="").first()
    Term.objects.filter(vocabulary="contact_kind").update(
        label_de=client.family_name, label_en=client.family_name
    )
    user, template, unit = next(scopes())
    found = found_in(user, template, unit, search_for(personal_strings()))
    assert {kind for kind, hits in found.items() if client.family_name in hits} == {
        "page",
        "csv",
        "xlsx",
        "pdf",
    }
