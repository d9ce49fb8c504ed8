"""Positions, staffing ratios, grants and spending proofs, and allocation runs."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from openpyxl import load_workbook

from lotse.cases import services as cases
from lotse.clients import services as clients
from lotse.clients.models import Client
from lotse.core.lib import tables
from lotse.core.models import AuditEvent, Term
from lotse.core.services import audited_save
from lotse.organisations.models import Programme
from lotse.staffing import queries, services
from lotse.staffing.models import AllocationRun, FlatRate, PersonsCount, Position
from tests.conftest import KEY_FILE


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(client_for):
    """Pages in the source language, so that messages compare as written."""

    def make(user, *, confirmed=False):
        client = client_for(user, confirmed=confirmed)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


def qualification(code):
    return Term.objects.get(vocabulary=Term.Vocabulary.QUALIFICATION, code=code)


# --- positions --------------------------------------------------------------------------


def test_a_holder_without_an_accepted_qualification_is_flagged(world):
    accepted = list(Term.objects.filter(vocabulary=Term.Vocabulary.QUALIFICATION)[:1])
    other = Term.objects.filter(vocabulary=Term.Vocabulary.QUALIFICATION).exclude(
        pk=accepted[0].pk
    )[0]
    world.bw_im.required_qualifications.set(accepted)
    position = Position.objects.get(pk=world.position_a.pk)
    assert position.qualification_problem() == (
        "No qualification recorded; the programme requires one."
    )
    position.qualification = other
    assert position.qualification_problem() == "The programme does not accept this qualification."
    position.qualification = accepted[0]
    assert position.qualification_problem() is None
    position.holder = None  # a vacancy has nobody to qualify
    position.qualification = other
    assert position.qualification_problem() is None


def test_positions_come_in_quarters_and_not_below_the_programme_minimum(world, client_for):
    world.bw_im.min_position_fte = Decimal("0.50")
    world.bw_im.save()
    response = client_for(world.team_lead_a).post(
        reverse("staffing:position_create"),
        {
            "office": world.office_a.pk,
            "programme": world.bw_im.pk,
            "fte": "0.25",
            "starts_on": "2026-01-01",
            "funding_source": "Bescheid 2026",
        },
    )
    assert response.status_code == 200
    assert "The programme funds positions from 0.50 FTE." in response.content.decode()
    assert 'value="Bescheid 2026"' in response.content.decode()
    response = client_for(world.team_lead_a).post(
        reverse("staffing:position_create"),
        {
            "office": world.office_a.pk,
            "programme": world.bw_im.pk,
            "fte": "0.6",
            "starts_on": "2026-01-01",
        },
    )
    assert "Positions come in steps of 0.25." in response.content.decode()
    assert Position.objects.count() == 1


def test_a_vacancy_is_saved_and_listed(world, client_for):
    client = client_for(world.team_lead_a)
    response = client.post(
        reverse("staffing:position_create"),
        {
            "office": world.office_a.pk,
            "programme": world.bw_im.pk,
            "fte": "0.50",
            "starts_on": "2026-07-01",
        },
    )
    position = Position.objects.get(holder__isnull=True)
    assert response.url == reverse("staffing:position", kwargs={"position_pk": position.pk})
    assert AuditEvent.objects.filter(action="staffing.position.created").count() == 2
    assert "vacant" in client.get(reverse("staffing:positions")).content.decode()


def test_costs_of_a_year_are_recorded_once_and_corrected(world, client_for):
    client = client_for(world.team_lead_a)
    url = reverse("staffing:position_costs", kwargs={"position_pk": world.position_a.pk})
    data = {
        "costs-year": "2026",
        "costs-personnel_eur": "50000",
        "costs-material_eur": "1000",
        "costs-interpreting_eur": "0",
    }
    assert client.post(url, data).status_code == 302
    costs = world.position_a.costs.get(year=2026)
    assert (costs.personnel_eur, costs.total_eur) == (50000, 51000)
    response = client.post(url, data | {"costs-personnel_eur": "-5"})
    assert response.status_code == 200
    assert world.position_a.costs.get(year=2026).personnel_eur == 50000


# --- ratios -----------------------------------------------------------------------------


@pytest.fixture
def sh_world(world):
    """Office A also works under sh-msb (1 FTE : 75 persons in case management a year)."""
    sh_msb = Programme.objects.get(key="sh-msb")
    world.office_a.programmes.add(sh_msb)
    world.sh_msb = sh_msb
    return world


def open_case(world, programme, opened_on, name, closed_on=None):
    client = clients.save_client(
        world.counsellor_a,
        Client(office=world.office_a, given_names=name, family_name="Test", birth_year=1980),
    )
    case = cases.open_case(
        world.counsellor_a,
        client,
        programme,
        counsellor=world.counsellor_a,
        justification="Test",
    )
    case.opened_on, case.closed_on = opened_on, closed_on
    case.save()
    return case


def test_the_ratio_counts_persons_in_case_management_during_the_year(sh_world):
    w = sh_world
    open_case(w, w.sh_msb, dt.date(2025, 3, 1), "Amal")  # still open
    open_case(w, w.sh_msb, dt.date(2025, 3, 1), "Bilal", closed_on=dt.date(2026, 1, 1))
    open_case(w, w.sh_msb, dt.date(2025, 3, 1), "Carla", closed_on=dt.date(2025, 12, 31))
    open_case(w, w.sh_msb, dt.date(2027, 1, 1), "Dana")  # next year
    audited_save(
        w.team_lead_a,
        Position(
            office=w.office_a,
            programme=w.sh_msb,
            fte=Decimal("0.25"),
            starts_on=dt.date(2020, 1, 1),
            holder=w.team_lead_a,
        ),
    )
    rows = {
        r.programme.key: r for r in queries.ratios(w.team_lead_a, 2026, today=dt.date(2026, 6, 1))
    }
    row = rows["sh-msb"]
    assert (row.counted, row.fte, row.target) == (2, Decimal("0.25"), 75)
    assert row.status == queries.Status.WITHIN
    assert row.needed_fte == Decimal("0.25")
    # bw-im has no ratio: FTE shown, no status against a ratio.
    assert rows["bw-im"].status == queries.Status.NO_RATIO
    assert rows["bw-im"].fte == Decimal("0.75")


def test_above_the_ratio_the_page_says_how_many_fte_are_missing(sh_world, client_for):
    w = sh_world
    row = queries.Ratio(programme=w.sh_msb, unit="x", offices=1, counted=151, fte=Decimal("1.0"))
    assert row.status == queries.Status.OVER
    assert row.per_fte == Decimal("151.0")
    assert row.needed_fte == Decimal("2.25")  # 151 / 75 = 2.01 → next quarter
    assert row.gap_fte == Decimal("1.25")
    exactly = queries.Ratio(programme=w.sh_msb, unit="x", counted=75, fte=Decimal("1.0"))
    assert exactly.status == queries.Status.WITHIN and exactly.needed_fte == Decimal("1.00")
    nobody = queries.Ratio(programme=w.sh_msb, unit="x", counted=3, fte=Decimal(0))
    assert nobody.status == queries.Status.NO_STAFF and nobody.per_fte is None


def test_persons_housed_come_from_the_figures_entered(world, client_for):
    bb = Programme.objects.get(key="bb-msa")
    world.office_a.programmes.add(bb)
    world.office_a2.programmes.add(bb)
    rows = {r.unit: r for r in queries.ratios(world.district_a, 2026) if r.programme == bb}
    assert rows["Migrationsdienst Ludwigsburg"].status == queries.Status.NO_FIGURES
    client = client_for(world.team_lead_a)
    response = client.post(
        reverse("staffing:counts"),
        {"office": world.office_a.pk, "programme": bb.pk, "year": 2026, "persons": 160},
    )
    assert response.status_code == 302
    client.post(
        reverse("staffing:counts"),
        {"office": world.office_a.pk, "programme": bb.pk, "year": 2026, "persons": 170},
    )
    assert PersonsCount.objects.get().persons == 170  # corrected, not doubled
    rows = {r.unit: r for r in queries.ratios(world.district_a, 2026) if r.programme == bb}
    office = rows["Migrationsdienst Ludwigsburg"]
    assert (office.counted, office.status, office.needed_fte) == (
        170,
        queries.Status.NO_STAFF,
        Decimal("2.25"),
    )
    # The district adds up its offices and names the one whose figure is missing.
    district = queries.ratios(world.district_a, 2026, queries.Level.DISTRICT)
    (row,) = [r for r in district if r.programme == bb]
    assert (row.offices, row.counted, row.missing_figures) == (
        2,
        170,
        ["Migrationsdienst Hemmingen"],
    )


def test_the_ratio_page_is_scoped_and_levels_add_up(world, client_for):
    page = client_for(world.district_a).get(reverse("staffing:overview"), {"level": "provider"})
    text = page.content.decode()
    assert 'data-unit="Caritas Ludwigsburg"' in text
    assert "Stadt Karlsruhe" not in text
    state = client_for(world.state_bw).get(reverse("staffing:overview"), {"level": "state"})
    assert 'data-unit="Baden-Württemberg"' in state.content.decode()
    assert client_for(world.counsellor_a).get(reverse("staffing:overview")).status_code == 404


# --- grants and the spending proof ------------------------------------------------------


def test_the_spending_proof_applies_the_flat_rate_of_the_qualification(world, client_for):
    social_work = qualification(
        Term.objects.filter(vocabulary=Term.Vocabulary.QUALIFICATION).first().code
    )
    FlatRate.objects.create(programme=world.bw_im, qualification=social_work, eur_per_fte=60000)
    position = world.position_a
    position.qualification = social_work
    position.save()
    coordinator = client_for(world.coordinator_a, confirmed=True)
    response = coordinator.get(
        reverse("staffing:proof", kwargs={"grant_pk": world.grant_a.pk, "fmt": "xlsx"})
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    # 60,000 × 0.75 FTE for the whole year = 45,000, within the actual 48,900.
    assert 45000 in values
    assert "Caritas Ludwigsburg" in values
    assert AuditEvent.objects.filter(action="staffing.spending_proof.exported").count() == 1
    pdf = coordinator.get(
        reverse("staffing:proof", kwargs={"grant_pk": world.grant_a.pk, "fmt": "pdf"})
    )
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert (
        client_for(world.coordinator_b, confirmed=True)
        .get(reverse("staffing:proof", kwargs={"grant_pk": world.grant_a.pk, "fmt": "pdf"}))
        .status_code
        == 404
    )


def test_exports_of_staffing_need_the_password_confirmed(world, client_for):
    for user, url in [
        (
            world.coordinator_a,
            reverse("staffing:proof", kwargs={"grant_pk": world.grant_a.pk, "fmt": "xlsx"}),
        ),
        (
            world.district_a,
            reverse(
                "staffing:allocation_export",
                kwargs={"allocation_pk": world.allocation_a.pk, "fmt": "csv"},
            ),
        ),
    ]:
        response = client_for(user).get(url)
        assert response.status_code == 302
        assert response.url == f"/accounts/confirm/?{urlencode({'next': url})}"
    assert not AuditEvent.objects.filter(action__endswith=".exported").exists()


def test_a_grant_is_recorded_once_per_year(world, client_for):
    client = client_for(world.coordinator_a)
    data = {
        "provider": world.provider_a.pk,
        "programme": world.bw_im.pk,
        "year": 2026,
        "amount_eur": 47000,
        "notice": "Bescheid vom 1.3.",
    }
    assert client.post(reverse("staffing:grants"), data).status_code == 302
    world.grant_a.refresh_from_db()
    assert (world.grant_a.amount_eur, world.grant_a.notice) == (47000, "Bescheid vom 1.3.")
    response = client.post(reverse("staffing:grants"), data | {"provider": world.provider_b.pk})
    assert response.status_code == 200  # another provider is not a choice
    assert "Select a valid choice" in response.content.decode()


# --- allocations ------------------------------------------------------------------------


def upload(content, name="schluessel.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def allocation_post(world, content, **extra):
    data = {
        "title": "Test",
        "scope": f"d{world.lb.pk}",
        "programme": world.bw_im.pk,
        "year": 2026,
        "key_label": "Personen",
        "budget_eur": 100_000,
        "minimum_eur": 10_000,
        "file": upload(content),
    }
    return data | extra


def test_the_stored_allocation_pools_delegates_and_reproduces(world):
    run = AllocationRun.objects.get(pk=world.allocation_a.pk)
    stored = services.stored_allocation(run)
    assert stored.reproduces()
    lines = {line.id: line for line in stored.lines}
    # 900 persons share 100,000 EUR: 111.11 EUR each. Asperg (60 → 6,667) is below
    # 10,000 and joins the district; Hemmingen delegates to it whatever its share.
    assert lines["08118003"].pooled_into == "08118"
    assert lines["08118027"].status.startswith("delegated")
    assert lines["08118"].pool == ("08118003", "08118027")
    assert lines["08118"].allocated + lines["08118048"].allocated == 100_000
    assert lines["08118048"].allocated == 77778  # 700/900 × 100,000 = 77,777.78


def test_an_allocation_is_run_from_a_key_file_and_exported(world, client_for):
    client = client_for(world.district_a, confirmed=True)
    response = client.post(reverse("staffing:allocation_create"), allocation_post(world, KEY_FILE))
    run = AllocationRun.objects.latest("pk")
    assert response.url == reverse("staffing:allocation", kwargs={"allocation_pk": run.pk})
    assert run.source_sha256 == tables_sha(KEY_FILE)
    page = client.get(response.url).content.decode()
    assert 'data-allocated="100000"' in page
    assert "Computed again from the stored inputs: identical" in page
    csv = client.get(
        reverse("staffing:allocation_export", kwargs={"allocation_pk": run.pk, "fmt": "csv"})
    ).content.decode("utf-8-sig")
    assert "08118048;Ludwigsburg;700;" in csv and ";77778;" in csv
    actions = set(AuditEvent.objects.filter(object_id=str(run.pk)).values_list("action", flat=True))
    assert {"staffing.allocation.created", "staffing.allocation.viewed"} <= actions


def tables_sha(content):
    import hashlib

    return hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Kennziffer;Name\n1;A\n", "Missing columns: Schlüsselzahl"),
        (b"Kennziffer;Name;Schl\xfcsselzahl\n1;A;0\n2;B;0\n", "The keys add up to 0"),
        (b"Kennziffer;Name;Schl\xfcsselzahl\n1;A;zwei\n", "Line 2: “zwei” is not a number."),
        (b"Kennziffer;Name;Schl\xfcsselzahl\n1;A;5\n1;B;5\n", "The identifier 1 appears twice."),
        (
            b"Kennziffer;Name;Schl\xfcsselzahl;Partner;Delegiert\n1;A;5;;ja\n",
            "A recipient that delegates needs a partner.",
        ),
        (
            b"Kennziffer;Name;Schl\xfcsselzahl;Partner\n1;A;5;9\n",
            "The partner 9 is not in the file.",
        ),
        (b"", "The submitted file is empty."),
        (b"\x00\x01PK", "This is not a CSV text file"),
    ],
)
def test_a_bad_key_file_distributes_nothing_and_keeps_the_figures(
    world, client_for, content, message
):
    before = AllocationRun.objects.count()
    response = client_for(world.district_a).post(
        reverse("staffing:allocation_create"),
        allocation_post(world, content, title="Mein Titel"),
    )
    text = response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert response.status_code == 200
    assert message.replace("Line 2: ", "") in text
    assert 'value="Mein Titel"' in text
    assert AllocationRun.objects.count() == before


def test_a_budget_below_one_minimum_share_funds_nobody_and_says_so(world, client_for):
    # Without the district as the body of last resort nobody reaches 10,000 EUR.
    no_last_resort = KEY_FILE.replace(b";;;ja", b";;;nein")
    client = client_for(world.district_a)
    response = client.post(
        reverse("staffing:allocation_create"),
        allocation_post(world, no_last_resort, budget_eur=9_000, minimum_eur=10_000),
    )
    page = client.get(response.url).content.decode()
    assert "9,000\u00a0€ not allocated" in page
    run = AllocationRun.objects.latest("pk")
    assert all(line["allocated"] == 0 for line in run.result["lines"])


def test_key_figures_are_read_as_written_in_german(world):
    assert services.parse_key("1.234") == 1234
    assert services.parse_key("1 234") == 1234
    assert services.parse_key("12,5") == Decimal("12.5")
    assert services.parse_key("0") == 0
    for bad in ("-3", "1.2.3,4", "", "NaN"):
        with pytest.raises(ValueError):
            services.parse_key(bad)


def test_allocations_are_seen_by_their_district_and_state_only(world, client_for):
    url = reverse("staffing:allocation", kwargs={"allocation_pk": world.allocation_a.pk})
    assert client_for(world.state_bw).get(url).status_code == 200
    for outsider in (world.district_b, world.state_sh, world.team_lead_a, world.coordinator_a):
        assert client_for(outsider).get(url).status_code == 404
    # The district cannot allocate for another district.
    response = client_for(world.district_b).post(
        reverse("staffing:allocation_create"), allocation_post(world, KEY_FILE)
    )
    assert response.status_code == 200
    assert AllocationRun.objects.count() == 1


def test_the_key_file_template_reads_back(world, client_for):
    content = client_for(world.district_a).get(reverse("staffing:allocation_template")).content
    key_file = services.read_key_file(tables.read_csv(content))
    assert key_file.errors == []
    assert [r.name for r in key_file.recipients] == ["Landkreis Ludwigsburg", "Asperg"]
