"""Reports read from the replica when one is configured, and only reports: the rest of
the application, and every write, stays on the primary. In tests the replica alias is a
mirror of the primary (settings), so both see the same rows."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from lotse.clients.models import Client
from lotse.core import replica
from lotse.organisations.models import Office
from lotse.reports import services
from lotse.reports.models import ReportTemplate
from tests.reports.fixtures import add_report, this_year


def build(world):
    template = ReportTemplate.objects.get(programme=world.bw_im)
    start, end = this_year()
    return services.build(template, Office.objects.all(), start, end, scope="Land")


# Committed rows: the mirror is a connection of its own, which does not see the open
# transaction of an ordinary test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"])
def test_a_report_is_read_from_the_replica_and_says_the_same(world):
    add_report(world)
    on_primary = build(world)
    with (
        override_settings(REPORTS_DATABASE="replica"),
        CaptureQueriesContext(connections["replica"]) as read_there,
        CaptureQueriesContext(connections["default"]) as read_here,
    ):
        on_replica = build(world)
    assert on_replica.to_dict() == on_primary.to_dict()
    assert len(read_there.captured_queries) > 0
    # The template and the offices come in from the caller; the figures all come from
    # the replica.
    assert not [q for q in read_here.captured_queries if "counselling_contact" in q["sql"]]


def test_without_a_replica_or_outside_a_report_reads_stay_on_the_primary():
    router = replica.ReplicaRouter()
    with replica.reading():
        assert router.db_for_read(Client) is None  # not configured
        with override_settings(REPORTS_DATABASE="replica"):
            assert router.db_for_read(Client) == "replica"
            assert router.db_for_write(Client) is None
    with override_settings(REPORTS_DATABASE="replica"):
        assert router.db_for_read(Client) is None
    assert router.allow_migrate("replica", "clients") is False
    assert router.allow_migrate("default", "clients") is True
