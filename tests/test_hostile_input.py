"""Every form answers random and hostile input without a server error, and a refused
post writes nothing (showing the form again may record that it was read).

The forms are found, not listed: every page of the URL walk is opened by the insiders
who use it, and every `<form method="post">` on it is read (fields, choices). For each
form hypothesis generates submissions: choices taken from the form or made up, dates
that do not exist, numbers out of range, markup, formulas, control characters, very
long text. After each submission the database goes back to where it was. A submission
that is not accepted (the form comes back) must neither save a row nor leave an audit
event other than the record that the form, showing the file, was read; one that is
accepted and saves leaves exactly one audit event of its write.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lotse.core.models import AuditEvent
from tests.reports.fixtures import add_report
from tests.structural.fixtures import add_structural
from tests.test_url_walk import walkable

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    " ",
    "<script>alert(1)</script>",
    "' OR '1'='1' --",
    '=HYPERLINK("https://example.org","x")',
    "{{ 7*7 }}",
    "%s%s%s%n",
    "\x00",
    "\u202egnp.exe",
    "ä" * 5000,
    "-1",
    "9" * 40,
    "1e309",
    "2026-02-30",
    "0000-00-00",
    "31.12.2026",
    "NaN",
    "../../etc/passwd",
]
text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200))
# The verbs of audit events that record a read, not a write.
READS = {"viewed", "listed", "exported", "downloaded"}
# Pages whose forms end the session or change the signed-in user's own account.
LEFT_OUT = ("accounts:", "admin:", "set_language")


class Forms(HTMLParser):
    """The post forms of a page: action and fields (name → type, choices)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self.forms.append({"action": a.get("action") or "", "fields": {}})
            else:
                self.forms.append({"action": None, "fields": {}})
            return
        if not self.forms or not a.get("name") or a.get("name") == "csrfmiddlewaretoken":
            return
        fields = self.forms[-1]["fields"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                if kind == "submit":
                    fields[a["name"]] = ("fixed", [a.get("value", "")])
                return
            entry = fields.setdefault(a["name"], (kind, []))
            if kind in ("checkbox", "radio", "hidden"):
                entry[1].append(a.get("value", "on"))
        elif tag == "textarea":
            fields[a["name"]] = ("text", [])
        elif tag == "select":
            self.select = a["name"]
            fields[a["name"]] = ("select", [])
        elif tag == "option" and self.select:
            fields[self.select][1].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None


def value_for(kind, choices):
    """A strategy for one field: mostly plausible, often hostile."""
    if kind == "fixed":
        return st.just(choices[0])
    if kind in ("select", "radio"):
        return st.one_of(st.sampled_from(choices or [""]), text)
    if kind == "checkbox":
        return st.one_of(st.none(), st.sampled_from(choices or ["on"]))
    if kind == "hidden":
        return st.one_of(st.sampled_from(choices or [""]), text)
    if kind == "date":
        return st.one_of(st.dates().map(str), text)
    if kind == "number":
        return st.one_of(st.integers(-(10**12), 10**12).map(str), text)
    if kind == "datetime-local":
        return st.one_of(st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")), text)
    return text


def post_forms(world, client_for):
    """(user, page, action URL, fields) of every post form an insider meets, each once."""
    found = {}
    for user in (world.counsellor_a, world.team_lead_a, world.district_a, world.state_bw):
        browser = client_for(user, confirmed=True)
        for name, _pattern, url, _kwargs in walkable(world):
            if name.startswith(LEFT_OUT):
                continue
            response = browser.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            parser = Forms()
            parser.feed(response.content.decode())
            for form in parser.forms:
                if form["action"] is None or not form["fields"]:
                    continue
                action = urlsplit(form["action"] or url).path or url
                # Each form once, for the first persona who meets it.
                found.setdefault(action, (user, url, action, form["fields"]))
    return list(found.values())


class Writes:
    """Which models were saved or deleted while it was listening."""

    def __init__(self):
        self.models: list[str] = []

    def __call__(self, sender, **kwargs):
        if sender._meta.label not in ("sessions.Session",):
            self.models.append(sender._meta.label)

    def __enter__(self):
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(self, weak=False)
        return self

    def __exit__(self, *exc):
        for signal in (post_save, post_delete, m2m_changed):
            signal.disconnect(self)


class Rollback(Exception):
    pass


class Tally:
    submitted = 0
    refused = 0
    written = 0


def submitter(user, action, browser, strategy, tally):
    """A hypothesis test that posts to one form, in a transaction rolled back after."""

    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=strategy)
    def submit(data):
        posted = {k: v for k, v in data.items() if v is not None}
        last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)[0]
        try:
            with transaction.atomic():
                with Writes() as writes:
                    response = browser.post(action, posted)
                assert response.status_code < 500, (user.username, action, posted)
                saved = [m for m in writes.models if m != "core.AuditEvent"]
                new = AuditEvent.objects.filter(sequence__gt=last).values_list("action")
                writes_logged = [a for (a,) in new if not READS & set(a.split("."))]
                if response.status_code not in (301, 302, 303):
                    tally.refused += 1
                    assert saved == [], (user.username, action, saved)
                    assert writes_logged == [], (user.username, action, writes_logged)
                elif saved:
                    tally.written += 1
                    assert len(writes_logged) == 1, (user.username, action, writes_logged)
                tally.submitted += 1
                raise Rollback
        except Rollback:
            pass

    return submit


def test_every_form_survives_hostile_input_and_a_refusal_writes_nothing(world, client_for):
    add_structural(world)
    add_report(world)
    forms = post_forms(world, client_for)
    assert len(forms) > 30, len(forms)
    tally = Tally()
    for user, _page, action, fields in forms:
        strategy = st.fixed_dictionaries({n: value_for(k, c) for n, (k, c) in fields.items()})
        submitter(user, action, client_for(user, confirmed=True), strategy, tally)()
    print(
        f"\nforms {len(forms)}, submitted {tally.submitted}, refused {tally.refused}, "
        f"accepted with a write {tally.written}"
    )
    assert tally.submitted > 100 and tally.refused > 50 and tally.written > 10, vars(tally)
