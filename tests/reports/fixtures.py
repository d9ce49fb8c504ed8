"""Report data of office A: contacts of its clients, and a report run of district A.

`add_report(world)` gives the URL walk a `run_pk`.
"""

from __future__ import annotations

import datetime as dt

from django.test import TestCase
from django.utils import timezone

from lotse.accounts.models import User
from lotse.core.models import Term
from lotse.demo import data
from lotse.organisations import services as org
from lotse.organisations.models import Role
from lotse.reports import queries, services
from lotse.reports.models import ReportTemplate
from tests.conftest import logged_contact


def term(vocabulary, code):
    return Term.objects.get(vocabulary=vocabulary, code=code)


def add_contacts(w):
    """Two contacts of the case client and one of client A, today at office A."""
    for client in (w.case_client_a, w.case_client_a, w.client_a):
        logged_contact(w.counsellor_a, client)


def this_year():
    today = timezone.localdate()
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def add_report(w):
    add_contacts(w)
    unit = queries.unit_for(w.district_a, f"district:{w.lb.pk}")
    assert unit is not None
    start, end = this_year()
    # The task is queued once the request's transaction commits; tests never commit.
    with TestCase.captureOnCommitCallbacks(execute=True):
        w.run_a = services.request_report(
            w.district_a,
            ReportTemplate.objects.get(programme=w.bw_im),
            queries.offices_of(w.district_a, unit),
            level=unit.level,
            unit_id=unit.pk,
            unit_label=unit.label,
            start=start,
            end=end,
        )
    w.run_a.refresh_from_db()


def analyst_of(state):
    """A state analyst of `state` (the demo has one for Baden-Württemberg only), with the
    demo's password."""
    username = f"analyst_{state.code}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = org.create_user(
            None, username=username, first_name="A", last_name="Analyst", password=data.PASSWORD
        )
        org.add_membership(None, user, Role.STATE_ANALYST, state)
    return user
