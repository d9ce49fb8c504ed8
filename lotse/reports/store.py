"""The reporting store: every contact and referral as the programme reports count them.

A contact counts for a programme when the client had a case of the programme open on the
contact's day; with no case open that day it counts for every programme its office runs
(docs/reports.md). Asking that of a year of a state's contacts joins millions of contacts
to the cases twice. `reports.CountedContact` keeps the answer instead: one row per
programme of a case open on the contact's day, or one row without a programme when none
was, with the fields the figures count by; `reports.CountedTopic` repeats those rows once
per topic of the contact, for the topic figure. `reports.CountedReferral` does the same
for referrals: a referral made in a case counts for the case's programme, one made outside
a case follows the contacts' rule on the day it was made.

The rows of a contact follow from the contact, its topics and its client's cases, those of
a referral from the referral and its client's cases, so they are rewritten whenever one of
those is saved or deleted (signals, `apps.py`); `refresh` and `refresh_referrals` are
called directly by the writes that bypass `save()` (merging records, bulk loading).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet

from lotse.cases.models import Case
from lotse.clients.models import Client
from lotse.counselling.models import Contact
from lotse.network.models import Referral
from lotse.reports.models import CountedContact, CountedReferral, CountedTopic, Stored


def refresh(contacts: QuerySet[Contact]) -> int:
    """Rewrite the rows of `contacts`, and of their topics, from the contacts and their
    clients' cases; returns how many contact rows were written."""
    with _rewriting(contacts, CountedContact, CountedTopic) as (cursor, where, params):
        cursor.execute(fill_sql(Contact, Case, CountedContact, where), params)
        written = int(cursor.rowcount)
        cursor.execute(fill_topics_sql(Contact, CountedContact, CountedTopic, where), params)
    return written


def refresh_topics(contacts: QuerySet[Contact]) -> None:
    """Rewrite the topic rows of `contacts` from their rows and their topics."""
    with _rewriting(contacts, CountedTopic) as (cursor, where, params):
        cursor.execute(fill_topics_sql(Contact, CountedContact, CountedTopic, where), params)


def refresh_referrals(referrals: QuerySet[Referral]) -> int:
    """Rewrite the rows of `referrals` from them and their clients' cases; returns how
    many rows were written."""
    with _rewriting(referrals, CountedReferral, alias="r") as (cursor, where, params):
        cursor.execute(fill_referrals_sql(Referral, Client, Case, CountedReferral, where), params)
        return int(cursor.rowcount)


@contextmanager
def _rewriting(
    records: QuerySet[Any], *stored: type[Stored], alias: str = "c"
) -> Iterator[tuple[Any, str, Any]]:
    """Delete the rows of `records` (contacts or referrals) in the `stored` tables; yield a
    cursor and the condition over the records' table as `alias`, with its parameters,
    that picks them."""
    using = router.db_for_write(CountedContact)
    for model in stored:
        # The store's reference to the records' table.
        key = next(f.name for f in model._meta.fields if f.related_model is records.model)
        rows = model._default_manager.using(using)
        rows.filter(**{f"{key}__in": records.values("pk")}).delete()
    chosen, params = records.using(using).values("pk").order_by().query.sql_with_params()
    with connections[using].cursor() as cursor:
        yield cursor, f"{alias}.id IN ({chosen})", params


def _columns(model: Any, *names: str) -> str:
    return ", ".join(model._meta.get_field(name).column for name in names)


def fill_sql(contact: Any, case: Any, store: Any, where: str) -> str:
    """The INSERT that writes the store's rows for the contacts matching `where` (over the
    contact table as `c`). Models are passed in so that a migration can use its own.

    Rows are written in date order: a report reads a period, and a period's rows then lie
    together on disk, as they do for rows written day by day."""
    columns = _columns(store, "contact", "programme", "office", "date", "client", "kind", "channel")
    # Table names come from the models, the condition from a compiled queryset.
    return f"""
        INSERT INTO {store._meta.db_table} ({columns}, participants)
        SELECT DISTINCT c.id, k.programme_id, c.office_id, c.date, c.client_id, c.kind_id,
               c.channel_id, c.participants
        FROM {contact._meta.db_table} c
        LEFT JOIN {case._meta.db_table} k ON k.client_id = c.client_id
             AND k.opened_on <= c.date AND (k.closed_on IS NULL OR k.closed_on >= c.date)
        WHERE {where}
        ORDER BY c.date
    """  # noqa: S608


def fill_topics_sql(contact: Any, store: Any, topics: Any, where: str) -> str:
    """The INSERT that writes the topic rows of the contacts matching `where`, from their
    rows in the store (written first) and their topics."""
    mentions = contact._meta.get_field("topics").remote_field.through
    columns = _columns(topics, "contact", "programme", "office", "date", "topic")
    return f"""
        INSERT INTO {topics._meta.db_table} ({columns})
        SELECT s.contact_id, s.programme_id, s.office_id, s.date, t.term_id
        FROM {contact._meta.db_table} c
        JOIN {store._meta.db_table} s ON s.contact_id = c.id
        JOIN {mentions._meta.db_table} t ON t.contact_id = c.id
        WHERE {where}
        ORDER BY s.date
    """  # noqa: S608


def fill_referrals_sql(referral: Any, client: Any, case: Any, store: Any, where: str) -> str:
    """The INSERT that writes the store's rows for the referrals matching `where` (over
    the referral table as `r`), in date order: the programme of the referral's own case,
    or, made outside a case, of each case open that day, or none."""
    columns = _columns(store, "referral", "programme", "office", "date", "service", "feedback_on")
    return f"""
        INSERT INTO {store._meta.db_table} ({columns})
        SELECT DISTINCT r.id, COALESCE(own.programme_id, k.programme_id), cl.office_id,
               r.made_on, r.service_id, r.feedback_on
        FROM {referral._meta.db_table} r
        JOIN {client._meta.db_table} cl ON cl.id = r.client_id
        LEFT JOIN {case._meta.db_table} own ON own.id = r.case_id
        LEFT JOIN {case._meta.db_table} k ON r.case_id IS NULL AND k.client_id = r.client_id
             AND k.opened_on <= r.made_on AND (k.closed_on IS NULL OR k.closed_on >= r.made_on)
        WHERE {where}
        ORDER BY r.made_on
    """  # noqa: S608


def contact_saved(sender: Any, instance: Contact, **kwargs: Any) -> None:
    refresh(Contact.objects.filter(pk=instance.pk))


def topics_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    """Topics set on a contact (terms have no way back to their contacts)."""
    if action in {"post_add", "post_remove", "post_clear"}:
        refresh_topics(Contact.objects.filter(pk=instance.pk))


def referral_saved(sender: Any, instance: Referral, **kwargs: Any) -> None:
    refresh_referrals(Referral.objects.filter(pk=instance.pk))


def case_changed(sender: Any, instance: Case, **kwargs: Any) -> None:
    """A case's dates or programme decide how every contact and referral of its client
    counts."""
    refresh(Contact.objects.filter(client_id=instance.client_id))
    refresh_referrals(Referral.objects.filter(client_id=instance.client_id))
