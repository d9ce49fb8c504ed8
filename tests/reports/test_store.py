"""The reporting store follows every write to contacts, referrals and cases
(lotse/reports/store.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from lotse.cases import services as cases
from lotse.clients import services as clients
from lotse.clients.models import Client
from lotse.core.models import Term
from lotse.core.services import audited_delete
from lotse.network import services as network
from lotse.network.models import Referral
from lotse.organisations.models import Programme
from lotse.reports.models import CountedContact, CountedReferral, CountedTopic
from tests.conftest import logged_contact

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAYS = [TODAY - dt.timedelta(days=n) for n in (60, 30, 10)]


def counted(contact):
    """The programmes the contact counts for (None: no case open on its day)."""
    rows = CountedContact.objects.filter(contact=contact)
    return {(row.client_id, row.programme_id) for row in rows}


def topics(contact):
    """The (programme, topic) rows the contact's topics count under."""
    return set(CountedTopic.objects.filter(contact=contact).values_list("programme", "topic"))


def referred(referral):
    """The (programme, office, day, service) rows the referral counts under."""
    rows = CountedReferral.objects.filter(referral=referral)
    return set(rows.values_list("programme", "office", "date", "service"))


def recommend(world, client, day, case=None):
    return network.make_referral(
        world.counsellor_a,
        Referral(
            client=client,
            service=world.service_a,
            case=case,
            kind=Referral.Kind.RECOMMENDATION,
            purpose="Schuldenregulierung",
            made_on=day,
            status=Referral.Status.MADE,
            counsellor=world.counsellor_a,
        ),
    )


def open_case(world, client, programme=None, days_ago=45):
    return cases.open_case(
        world.counsellor_a,
        client,
        programme or world.bw_im,
        counsellor=world.counsellor_a,
        opened_on=TODAY - dt.timedelta(days=days_ago),
        justification="Test",
    )


def test_a_contact_counts_by_the_cases_open_on_its_day(world):
    client, bw_im = world.client_a, world.bw_im.pk
    early, middle, late = (logged_contact(world.counsellor_a, client, day) for day in DAYS)
    assert counted(early) == counted(late) == {(client.pk, None)}

    case = open_case(world, client)  # back-dated: 45 days ago
    assert [counted(c) for c in (early, middle, late)] == [
        {(client.pk, None)},
        {(client.pk, bw_im)},
        {(client.pk, bw_im)},
    ]
    reason = case.programme.closure_reasons.first()
    cases.close_case(world.counsellor_a, case, reason=reason, summary="Ziel erreicht", on=DAYS[1])
    assert counted(middle) == {(client.pk, bw_im)}  # counted on the day it closed
    assert counted(late) == {(client.pk, None)}

    cases.reopen_case(world.counsellor_a, case, "Neue Fragen")
    assert counted(late) == {(client.pk, bw_im)}
    audited_delete(world.admin, case)
    assert counted(late) == {(client.pk, None)}


def test_a_contact_counts_for_each_programme_with_a_case_open(world):
    mbe = Programme.objects.get(key="mbe")
    world.office_a.programmes.add(mbe)
    open_case(world, world.client_a)
    open_case(world, world.client_a, mbe, days_ago=20)
    contact = logged_contact(world.counsellor_a, world.client_a, DAYS[2])
    assert counted(contact) == {(world.client_a.pk, world.bw_im.pk), (world.client_a.pk, mbe.pk)}


def test_a_changed_contact_is_counted_anew(world):
    open_case(world, world.client_a)
    contact = logged_contact(world.counsellor_a, world.client_a, DAYS[2])
    contact.date = DAYS[0]
    contact.save()
    assert counted(contact) == {(world.client_a.pk, None)}


def test_merged_contacts_count_by_the_survivors_cases(world):
    duplicate = clients.save_client(
        world.counsellor_a,
        Client(office=world.office_a, given_names="Mohamed", family_name="Alhassan"),
    )
    contact = logged_contact(world.counsellor_a, duplicate, DAYS[2])
    open_case(world, world.client_a)
    assert counted(contact) == {(duplicate.pk, None)}

    clients.merge_clients(world.counsellor_a, world.client_a, duplicate, "Dieselbe Person")
    assert counted(contact) == {(world.client_a.pk, world.bw_im.pk)}


def test_the_topics_of_a_contact_count_as_the_contact_does(world):
    housing, work = (Term.objects.get(vocabulary="topic", code=c) for c in ("wohnen", "arbeit"))
    contact = logged_contact(world.counsellor_a, world.client_a, DAYS[2])
    assert topics(contact) == {(None, housing.pk)}

    contact.topics.add(work)
    assert topics(contact) == {(None, housing.pk), (None, work.pk)}
    case = open_case(world, world.client_a)
    bw_im = world.bw_im.pk
    assert topics(contact) == {(bw_im, housing.pk), (bw_im, work.pk)}
    contact.topics.remove(housing)
    assert topics(contact) == {(bw_im, work.pk)}
    audited_delete(world.admin, case)
    assert topics(contact) == {(None, work.pk)}
    contact.topics.clear()
    assert topics(contact) == set()


def test_a_referral_counts_by_its_case_or_by_the_cases_open_on_its_day(world):
    office, service, bw_im = world.office_a.pk, world.service_a.pk, world.bw_im.pk
    outside = recommend(world, world.client_a, DAYS[2])
    assert referred(outside) == {(None, office, DAYS[2], service)}

    case = open_case(world, world.client_a)  # back-dated: 45 days ago
    assert referred(outside) == {(bw_im, office, DAYS[2], service)}
    in_the_case = recommend(world, world.client_a, DAYS[0], case=case)  # before it opened
    assert referred(in_the_case) == {(bw_im, office, DAYS[0], service)}

    outside.made_on = DAYS[0]
    network.update_referral(world.counsellor_a, outside)
    assert referred(outside) == {(None, office, DAYS[0], service)}
    reason = case.programme.closure_reasons.first()
    cases.close_case(world.counsellor_a, case, reason=reason, summary="Ziel erreicht", on=DAYS[1])
    outside.made_on = DAYS[2]
    network.update_referral(world.counsellor_a, outside)
    assert referred(outside) == {(None, office, DAYS[2], service)}  # after it closed
    assert referred(in_the_case) == {(bw_im, office, DAYS[0], service)}


def test_merged_referrals_count_by_the_survivors_cases(world):
    duplicate = clients.save_client(
        world.counsellor_a,
        Client(office=world.office_a, given_names="Mohamed", family_name="Alhassan"),
    )
    referral = recommend(world, duplicate, DAYS[2])
    open_case(world, world.client_a)
    clients.merge_clients(world.counsellor_a, world.client_a, duplicate, "Dieselbe Person")
    assert referred(referral) == {(world.bw_im.pk, world.office_a.pk, DAYS[2], world.service_a.pk)}
