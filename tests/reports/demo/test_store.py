"""The reporting store after the demo was loaded through the services: every contact and
referral, counted again in Python from them and the cases (lotse/reports/store.py)."""

from collections import defaultdict

import pytest

from lotse.cases.models import Case
from lotse.counselling.models import Contact
from lotse.network.models import Referral
from lotse.reports.models import CountedContact, CountedReferral, CountedTopic

pytestmark = pytest.mark.django_db
FIELDS = ("office_id", "date", "client_id", "kind_id", "channel_id", "participants")


def open_on():
    """For a client and a day: the programmes of the client's cases open that day, or
    {None}."""
    spans = defaultdict(list)
    for client, programme, opened, closed in Case.objects.values_list(
        "client_id", "programme_id", "opened_on", "closed_on"
    ):
        spans[client].append((programme, opened, closed))

    def programmes(client: int, day) -> set[int | None]:
        return {
            programme
            for programme, opened, closed in spans[client]
            if opened <= day and (closed is None or day <= closed)
        } or {None}

    return programmes


def test_the_store_holds_each_contact_once_per_programme_it_counts_for(demo):
    programmes = open_on()
    expected = []
    for pk, *fields in Contact.objects.values_list("pk", *FIELDS):
        day, client = fields[1], fields[2]
        expected += [(pk, programme, *fields) for programme in programmes(client, day)]
    stored = list(CountedContact.objects.values_list("contact_id", "programme_id", *FIELDS))

    assert sorted(stored, key=str) == sorted(expected, key=str)
    in_a_case = sum(1 for row in expected if row[1] is not None)
    assert 0 < in_a_case < len(expected)  # the demo has both kinds

    topics_of = defaultdict(list)
    for contact, topic in Contact.topics.through.objects.values_list("contact_id", "term_id"):
        topics_of[contact].append(topic)
    expected_topics = [
        (row[0], row[1], row[2], row[3], topic) for row in expected for topic in topics_of[row[0]]
    ]
    stored_topics = CountedTopic.objects.values_list(
        "contact_id", "programme_id", "office_id", "date", "topic_id"
    )
    assert len(expected_topics) > len(expected)  # contacts with several topics
    assert sorted(stored_topics, key=str) == sorted(expected_topics, key=str)


def test_the_store_holds_each_referral_by_its_case_or_the_cases_open_that_day(demo):
    programmes = open_on()
    expected = []
    for pk, client, office, day, service, case_programme in Referral.objects.values_list(
        "pk", "client_id", "client__office_id", "made_on", "service_id", "case__programme_id"
    ):
        counts_for = {case_programme} if case_programme else programmes(client, day)
        expected += [(pk, programme, office, day, service) for programme in counts_for]
    stored = CountedReferral.objects.values_list(
        "referral_id", "programme_id", "office_id", "date", "service_id"
    )
    assert sorted(stored, key=str) == sorted(expected, key=str)
    outside = Referral.objects.filter(case__isnull=True)
    assert 0 < outside.count() < len(expected)  # the demo has both kinds
