"""The reporting store: every contact as the programme reports count it.

A contact counts for a programme when the client had a case of the programme open on the
contact's day; with no case open that day it counts for every programme its office runs
(docs/reports.md). Asking that of a year of a state's contacts joins millions of contacts
to the cases twice. `reports.CountedContact` keeps the answer instead: one row per
programme of a case open on the contact's day, or one row without a programme when none
was, with the fields the figures count by.

The rows of a contact follow from the contact and its client's cases, so they are
rewritten whenever one of those is saved or deleted (signals, `apps.py`); `refresh` is
called directly by the writes that bypass `save()` (merging records, bulk loading).
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router
from django.db.models import QuerySet

from lotse.cases.models import Case
from lotse.counselling.models import Contact
from lotse.reports.models import CountedContact


def refresh(contacts: QuerySet[Contact]) -> int:
    """Rewrite the rows of `contacts` from the contacts and their clients' cases; returns
    how many rows were written."""
    using = router.db_for_write(CountedContact)
    CountedContact.objects.using(using).filter(contact__in=contacts.values("pk")).delete()
    chosen, params = contacts.using(using).values("pk").order_by().query.sql_with_params()
    with connections[using].cursor() as cursor:
        cursor.execute(fill_sql(Contact, Case, CountedContact, f"c.id IN ({chosen})"), params)
        return int(cursor.rowcount)


def fill_sql(contact: Any, case: Any, store: Any, where: str) -> str:
    """The INSERT that writes the store's rows for the contacts matching `where` (over the
    contact table as `c`). Models are passed in so that a migration can use its own."""
    columns = ", ".join(
        store._meta.get_field(name).column
        for name in ("contact", "programme", "office", "date", "client", "kind", "channel")
    )
    # Table names come from the models, the condition from a compiled queryset.
    return f"""
        INSERT INTO {store._meta.db_table} ({columns}, participants)
        SELECT DISTINCT c.id, k.programme_id, c.office_id, c.date, c.client_id, c.kind_id,
               c.channel_id, c.participants
        FROM {contact._meta.db_table} c
        LEFT JOIN {case._meta.db_table} k ON k.client_id = c.client_id
             AND k.opened_on <= c.date AND (k.closed_on IS NULL OR k.closed_on >= c.date)
        WHERE {where}
    """  # noqa: S608


def contact_saved(sender: Any, instance: Contact, **kwargs: Any) -> None:
    refresh(Contact.objects.filter(pk=instance.pk))


def case_changed(sender: Any, instance: Case, **kwargs: Any) -> None:
    """A case's dates or programme decide how every contact of its client counts."""
    refresh(Contact.objects.filter(client_id=instance.client_id))
