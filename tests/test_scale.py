"""The synthetic data of `manage.py generate_scale`, at a small scale: the proportions
asked for, and records the application can work with (search, the client file, a
report) through the same access rules as any other."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import F, Max, Min
from django.test import override_settings
from django.utils import timezone

from lotse.cases.models import Case, Goal, Review, Step
from lotse.clients import queries
from lotse.clients.models import Client, ClientNameKey, ResidenceStatus
from lotse.counselling.models import Contact
from lotse.demo import bench
from lotse.demo.scale import Scale, add_casework, generate
from lotse.network.models import Referral
from lotse.organisations.models import Membership, Office, Role
from lotse.reports import services as reports
from lotse.reports.models import ReportTemplate

pytestmark = pytest.mark.django_db


def test_the_proportions_of_the_brief_and_records_the_application_reads(client_for):
    report = generate(Scale(clients=300), seed=7)
    assert report.rows["clients"] == Client.objects.count() == 300
    assert Contact.objects.count() == report.rows["contacts"]
    assert 2_400 < report.rows["contacts"] < 3_600  # about ten a client
    assert Case.objects.count() == 60 and Goal.objects.filter(case__isnull=False).count() >= 60
    assert ClientNameKey.objects.values("client").distinct().count() == 300
    assert ResidenceStatus.objects.values("client").distinct().count() == 300
    assert report.rows["counsellors"] == 4 and report.rows["offices"] == 2
    assert Step.objects.count() == Goal.objects.count()
    assert 0.5 < Review.objects.count() / Goal.objects.count() < 0.8
    assert Referral.objects.count() == 150
    # A client's contacts fall in one episode of at most a year, none after today; in a
    # year about one client in seven is counselled (the brief: 157 persons a counsellor).
    today = timezone.localdate()
    spans = Contact.objects.values("client").annotate(first=Min("date"), last=Max("date"))
    assert max((span["last"] - span["first"]).days for span in spans) <= 365
    assert not Contact.objects.filter(date__gt=today).exists()
    year_ago = today - dt.timedelta(days=365)
    counselled = Client.objects.filter(contacts__date__gt=year_ago).distinct().count()
    assert 0.08 < counselled / 300 < 0.25
    # Every referral goes to a service of its client's district, and through the case
    # where the client has one.
    assert not Referral.objects.exclude(service__district=F("client__office__district")).exists()
    with_case = Referral.objects.filter(client__cases__isnull=False)
    assert with_case.filter(case__isnull=True).count() == 0 < with_case.count()
    # A counsellor of a generated office finds a client by another spelling, and opens
    # the file; an office they do not belong to stays closed.
    lead = Membership.objects.filter(role=Role.TEAM_LEAD).select_related("user").first()
    mine = Client.objects.filter(office=lead.office).exclude(other_spellings="").first()
    hits = queries.search(lead.user, mine.other_spellings)
    assert mine.pk in {hit.client.pk for hit in hits}
    browser = client_for(lead.user)
    assert browser.get(f"/clients/{mine.pk}/").status_code == 200
    other = Client.objects.exclude(office=lead.office).first()
    assert browser.get(f"/clients/{other.pk}/").status_code == 404
    # The bw-im report of a generated office counts the people it counselled.
    template = ReportTemplate.objects.get(programme__key="bw-im")
    offices = Office.objects.filter(memberships=lead)
    since = today - dt.timedelta(days=365)
    built = reports.build(template, offices, since, today, scope="office", threshold=1)
    persons = next(section for section in built.sections if section.code == "persons")
    counted = Client.objects.filter(office=lead.office, contacts__date__gte=since).distinct()
    assert persons.rows[0][1] == counted.count() > 0


def test_the_command_says_what_it_made():
    out = io.StringIO()
    call_command("generate_scale", "--clients", "40", "--contacts-per-client", "2", stdout=out)
    assert "clients" in out.getvalue() and Client.objects.count() == 40


@override_settings(SECOND_FACTOR_ROLES=[])  # the benchmark signs in without a code
def test_the_pages_ask_as_many_queries_with_twice_the_data():
    """The benchmark's pages and API reads, for the same counsellors, before and after
    their offices get as many clients, contacts, cases and referrals again."""
    generate(Scale(clients=200), seed=3)
    drawn = bench.samples(2)

    def counts():
        return {row.name: max(row.queries) for row in bench.time_pages(drawn, repeat=2)}

    before = counts()
    offices = list(Office.objects.filter(pk__in={s.client.office_id for s in drawn}))
    add_casework(Scale(clients=200), offices)
    assert Client.objects.filter(office__in=offices).count() >= 2 * 200 / 2
    after = counts()
    assert set(after) == set(before) == {name for name, _target, _request in bench.PAGES}
    # A list that was empty before may now name clients, and so write its audit event
    # (savepoint, chain head, insert, release); nothing may grow by more.
    grown = {name: after[name] - before[name] for name in before if after[name] > before[name]}
    assert all(more <= AUDIT_EVENT_QUERIES for more in grown.values()), grown


AUDIT_EVENT_QUERIES = 4
