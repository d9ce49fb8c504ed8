"""Retention on the demo keeps the statistics exactly: every report of every programme
for every state, district and office that runs it, over two periods, is the same before
and after the retention run has anonymised every record it may."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from lotse.cases.models import Case, add_months
from lotse.clients import services
from lotse.clients.models import Client, Document
from lotse.organisations.models import Office
from lotse.reports import services as reports
from lotse.reports.models import ReportTemplate

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def every_report(today):
    """Each template's report for every state, district and office of the demo that runs
    its programme, over the last twelve months and the twelve before, nothing withheld."""
    periods = [
        (today - dt.timedelta(days=364), today),
        (today - dt.timedelta(days=729), today - dt.timedelta(days=365)),
    ]
    scopes = [("state", s) for s in Office.objects.values_list("district__state", flat=True)]
    scopes += [("district", d) for d in Office.objects.values_list("district", flat=True)]
    scopes += [("office", o) for o in Office.objects.values_list("pk", flat=True)]
    built = {}
    for template in ReportTemplate.objects.order_by("pk"):
        for level, pk in sorted(set(scopes)):
            condition = {
                "state": Q(district__state=pk) | Q(municipalities__district__state=pk),
                "district": Q(district=pk) | Q(municipalities__district=pk),
                "office": Q(pk=pk),
            }[level]
            offices = Office.objects.filter(
                pk__in=Office.objects.filter(condition).values("pk"), programmes=template.programme
            )
            if not offices.exists():
                continue  # the programme does not run there: an empty report
            for start, end in periods:
                report = reports.build(
                    template, offices, start, end, scope=f"{level} {pk}", threshold=1, today=today
                )
                built[(template.pk, level, pk, start)] = report.to_dict()
    return built


def test_retention_on_the_demo_keeps_every_report(demo):
    before = every_report(TODAY)
    kept = Case.objects.filter(closed_on__isnull=True).order_by("pk")[0].client
    held = Client.objects.filter(cases=None).order_by("pk").first()
    assert held is not None
    services.set_legal_hold(None, held, "Gerichtsverfahren")
    far = add_months(TODAY, 120)
    call_command("apply_retention", "--today", far.isoformat(), stdout=open(os.devnull, "w"))  # noqa: SIM115
    anonymised = Client.objects.exclude(anonymised_at=None)
    assert anonymised.count() > 10
    assert not anonymised.exclude(given_names="", family_name="", phone="").exists()
    assert not Document.objects.filter(client__in=anonymised).exists()
    assert Client.objects.get(pk=held.pk).anonymised_at is None
    assert Client.objects.get(pk=kept.pk).anonymised_at is None  # an open case
    after = every_report(TODAY)
    assert len(before) > 60
    assert after == before
    print(
        f"\nretention on the demo: {anonymised.count()} records anonymised, "
        f"{len(before)} reports identical before and after"
    )
    assert Case.objects.filter(client__in=anonymised).exists()  # the cases are still counted
