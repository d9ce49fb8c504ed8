"""Programme reports: who may build them, how they are built, kept and exported, and
that a template is data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from lotse.clients.models import Client
from lotse.core.models import AuditEvent
from lotse.reports import figures, queries, services
from lotse.reports.models import ReportRun, ReportTemplate
from tests.reports.fixtures import add_report, this_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    add_report(world)
    return world


def form_data(world, unit, **changes):
    start, end = this_year()
    data = {
        "template": ReportTemplate.objects.get(programme=world.bw_im).pk,
        "unit": unit,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }
    return data | changes


def test_a_district_coordinator_builds_a_report_without_a_worker(world, client_for):
    browser = client_for(world.district_a)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = browser.post("/reports/", form_data(world, f"district:{world.lb.pk}"))
    run = ReportRun.objects.exclude(pk=world.run_a.pk).get()
    assert response.status_code == 302 and response.url == f"/reports/runs/{run.pk}/"
    assert (run.status, run.progress, run.created_by) == ("done", 100, world.district_a)
    page = browser.get(response.url).content.decode()
    assert page.count('class="report-section"') == len(run.template.sections) > 10
    assert AuditEvent.objects.filter(action="reports.run.built", object_id=str(run.pk)).exists()


def test_every_section_has_a_chart_beside_its_table(world, client_for):
    page = client_for(world.district_a).get(f"/reports/runs/{world.run_a.pk}/").content.decode()
    sections = world.run_a.template.sections
    assert page.count('class="report-section"') == len(sections)
    assert page.count("<svg") == len(sections)
    assert page.count('<table class="report">') == len(sections)


@pytest.mark.parametrize(
    ("fmt", "content_type", "start"),
    [
        ("csv", "text/csv; charset=utf-8", "\ufeff".encode()),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("pdf", "application/pdf", b"%PDF"),
    ],
)
def test_exports_are_audited(world, client_for, fmt, content_type, start):
    response = client_for(world.district_a, confirmed=True).get(
        f"/reports/runs/{world.run_a.pk}.{fmt}"
    )
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response.content.startswith(start)
    event = AuditEvent.objects.get(action="reports.run.exported")
    assert event.data == {"format": fmt} and event.actor_id == world.district_a.pk


def test_an_unknown_export_format_is_404(world, client_for):
    response = client_for(world.district_a, confirmed=True).get(
        f"/reports/runs/{world.run_a.pk}.docx"
    )
    assert response.status_code == 404


def test_an_export_needs_the_password_confirmed(world, client_for):
    url = f"/reports/runs/{world.run_a.pk}.xlsx"
    response = client_for(world.district_a).get(url)
    assert response.status_code == 302
    assert response.url == f"/accounts/confirm/?next=%2Freports%2Fruns%2F{world.run_a.pk}.xlsx"
    assert not AuditEvent.objects.filter(action="reports.run.exported").exists()
    # Someone else's run is 404 before any confirmation is asked for.
    assert client_for(world.state_bw).get(url).status_code == 404


def test_reports_are_for_aggregate_roles_and_runs_for_their_author(world, client_for):
    assert client_for(world.counsellor_a).get("/reports/").status_code == 404
    for user in (world.state_bw, world.district_b, world.team_lead_a):
        assert client_for(user).get("/reports/").status_code == 200
        assert client_for(user).get(f"/reports/runs/{world.run_a.pk}/").status_code == 404
        assert client_for(user).get(f"/reports/runs/{world.run_a.pk}.csv").status_code == 404


def test_a_unit_outside_the_scope_is_refused_and_the_input_kept(world, client_for):
    browser = client_for(world.district_a)
    response = browser.post("/reports/", form_data(world, f"district:{world.ka.pk}"))
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert ReportRun.objects.count() == 1
    response = browser.post(
        "/reports/",
        form_data(world, f"district:{world.lb.pk}", start="2026-12-31", end="2026-01-01"),
    )
    assert response.context["form"].errors["end"]
    assert 'value="2026-12-31"' in response.content.decode()
    assert ReportRun.objects.count() == 1


def test_units_cover_only_the_offices_the_user_sees_aggregates_of(world):
    units = queries.units_for(world.district_a)
    assert units[0].key == f"district:{world.lb.pk}"
    assert "state" not in {u.level for u in units}
    assert {"state", "district"} <= {u.level for u in queries.units_for(world.state_bw)}
    office = queries.Unit("office", world.office_b.pk, "B")
    assert not queries.offices_of(world.district_a, office).exists()


def test_a_new_template_is_data(world):
    template = ReportTemplate(
        programme=world.bw_im, title="Kurzbericht", sections=["persons", "cases"]
    )
    template.full_clean()
    template.save()
    start, end = this_year()
    offices = queries.offices_of(world.district_a, queries.units_for(world.district_a)[0])
    report = services.build(template, offices, start, end, scope="Ludwigsburg")
    assert [s.code for s in report.sections] == ["persons", "cases"]
    for wrong in (["persons", "no_such_figure"], [], ["cases", "cases"], "persons"):
        with pytest.raises(ValidationError):
            ReportTemplate(programme=world.bw_im, title="x", sections=wrong).full_clean()


def test_small_counts_are_withheld_and_shown_from_a_threshold_of_one(world):
    template = ReportTemplate.objects.get(programme=world.bw_im)
    start, end = this_year()
    offices = queries.offices_of(world.district_a, queries.units_for(world.district_a)[0])
    withheld = services.build(template, offices, start, end, scope="LB").sections[0]
    shown = services.build(template, offices, start, end, scope="LB", threshold=1).sections[0]
    # Two persons with a file were counselled: the case client (bw-im) and client A (no
    # case, at an office running bw-im).
    assert shown.rows[0][1] == 2 and withheld.rows[0][1] is None


def test_a_queued_report_shows_progress_until_the_worker_has_built_it(world, client_for):
    run = ReportRun.objects.create(
        template=world.run_a.template,
        level="district",
        unit_id=world.lb.pk,
        unit_label="Ludwigsburg",
        start=world.run_a.start,
        end=world.run_a.end,
        created_by=world.district_a,
    )
    browser = client_for(world.district_a)
    partial = browser.get(f"/reports/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert b"<progress" in partial.content and b'hx-trigger="every 1s"' in partial.content
    services.build_report.call(run.pk)
    run.refresh_from_db()
    assert run.status == "done" and run.seconds is not None
    # Done: the poll makes htmx reload the whole page, which shows the report.
    done = browser.get(f"/reports/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true" and done.content == b""
    assert b"report-section" in browser.get(f"/reports/runs/{run.pk}/").content


def test_the_quality_indicators_show_eight_quarters(world, client_for):
    template = ReportTemplate.objects.get(programme=world.bw_im)
    response = client_for(world.team_lead_a).get(
        "/reports/quality/", {"template": template.pk, "unit": f"office:{world.office_a.pk}"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="line-chart') + page.count("line-chart") >= 3
    assert page.count("Q1") >= 2


def test_a_report_that_cannot_be_built_says_so(world, client_for, monkeypatch):
    def broken(basis):
        raise RuntimeError("figure failed")

    monkeypatch.setitem(figures.FIGURES, "cases", ("Cases", broken))
    browser = client_for(world.district_a)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = browser.post("/reports/", form_data(world, f"district:{world.lb.pk}"))
    run = ReportRun.objects.exclude(pk=world.run_a.pk).get()
    assert response.status_code == 302 and run.status == "failed" and run.result is None
    assert "RuntimeError" in run.error
    page = browser.get(response.url).content.decode()
    assert "Der Bericht konnte nicht erstellt werden" in page
    assert browser.get(f"/reports/runs/{run.pk}.csv").status_code == 404


@pytest.mark.parametrize(
    ("born", "band"),
    [
        ((1961, 6), "65+"),  # 65 on the first of June
        ((1961, 7), "45-64"),  # 65 only on the first of July
        ((1961, None), "45-64"),  # an unknown month counts as July
        ((1960, None), "65+"),
        ((2008, 5), "18-26"),
        ((2008, 12), "0-17"),
        ((1999, 6), "27-44"),
        ((None, None), "unknown"),
    ],
)
def test_the_age_band_is_worked_out_from_year_and_month_at_the_end_of_the_period(world, born, band):
    year, month = born
    world.client_a.birth_year, world.client_a.birth_month = year, month
    world.client_a.save()
    day = dt.date(2026, 6, 30)
    bands = Client.objects.filter(pk=world.client_a.pk).annotate(band=figures._age_band(day))
    assert bands.get().band == band
