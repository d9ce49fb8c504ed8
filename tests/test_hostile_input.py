"""Every form answers random and hostile input without a server error, and a refused
post writes nothing (showing the form again may record that it was read).

The forms are found, not listed: every page of the URL walk is opened by the insiders
who use it, and every `<form method="post">` on it is read (fields, choices). For each
form hypothesis generates submissions: choices taken from the form or made up, dates
that do not exist, numbers out of range, markup, formulas, control characters, very
long text. After each submission the database goes back to where it was. A submission
that is not accepted (the form comes back) must neither save a row nor leave an audit
event other than the record that the form, showing the file, was read; one that is
accepted and saves leaves exactly one audit event for each record it wrote.

Before the hostile ones, each form gets the submission a careful user would make (the
values shown, else a valid value of each field's kind): it must be accepted, unless the
test's world cannot take it for a stated reason (`CANNOT`).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import resolve
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from lotse.core.models import AuditEvent
from tests.imports.fixtures import CLIENT_CSV, add_import
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
    """The post forms of a page: action and fields (name → Field)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.select: Field | None = None
        self.option: dict[str, Any] | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            method = (a.get("method") or "get").lower()
            self.forms.append({"action": a.get("action") or "" if method == "post" else None})
            self.forms[-1]["fields"] = {}
            return
        if tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
            return
        if not self.forms or not a.get("name") or a.get("name") == "csrfmiddlewaretoken":
            return
        fields = self.forms[-1]["fields"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                fields[a["name"]] = Field("file")
                return
            if kind in ("submit", "button", "image", "reset"):
                if kind == "submit":
                    fields[a["name"]] = Field("fixed", [a.get("value", "")], a.get("value", ""))
                return
            field = fields.setdefault(a["name"], Field(kind))
            if kind in ("checkbox", "radio"):
                field.choices.append(a.get("value", "on"))
                if "checked" in a:
                    field.checked.append(a.get("value", "on"))
            else:
                field.choices.append(a.get("value", ""))
                field.default = a.get("value")
                field.bounds = (a.get("min"), a.get("max"))
        elif tag == "textarea":
            self.textarea = fields[a["name"]] = Field("text", default="")
        elif tag == "select":
            self.select = fields[a["name"]] = Field("select")

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        elif self.textarea is not None:
            self.textarea.default = (self.textarea.default or "") + data

    def handle_endtag(self, tag):
        if tag == "option" and self.option is not None and self.select is not None:
            value = self.option["value"]
            value = self.option["text"].strip() if value is None else value
            self.select.choices.append(value)
            if self.option["selected"]:
                self.select.default = value
            self.option = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # As in a browser, a newline right after <textarea> is not part of the value.
            self.textarea.default = (self.textarea.default or "").removeprefix("\n")
            self.textarea = None


@dataclass
class Field:
    kind: str
    choices: list[str] = field(default_factory=list)
    default: str | None = None
    checked: list[str] = field(default_factory=list)
    bounds: tuple[str | None, str | None] = (None, None)


def value_for(field):
    """A strategy for one field: mostly plausible, often hostile."""
    kind, choices = field.kind, field.choices
    if kind == "file":
        return st.none()
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


# Fields whose plausible value has a format of its own.
FORMATTED = {
    "bamf_file_number": "1234567-123",
    "website": "https://example.org",
    "email": "beratung@example.org",
    "phone": "0711 123456",
}


def upload(action):
    """A file that the form at `action` accepts."""
    if "/documents/" in action:
        image = io.BytesIO()
        Image.new("RGB", (2, 2)).save(image, "PNG")
        return SimpleUploadedFile("scan.png", image.getvalue(), content_type="image/png")
    if "/allocations/" in action:
        key = "Kennziffer;Name;Schlüsselzahl\n08118001;Asperg;10\n08118003;Besigheim;30\n"
        return SimpleUploadedFile("key.csv", key.encode(), content_type="text/csv")
    if action.startswith("/imports/"):
        return SimpleUploadedFile("clients.csv", CLIENT_CSV.encode(), content_type="text/csv")
    services = "organisation;name;service_type\nJobcenter;Eingangszone;Jobcenter\n"
    return SimpleUploadedFile("services.csv", services.encode(), content_type="text/csv")


# Valid submissions the world cannot accept, and why; each must be refused for it.
CANNOT = {
    "cases:close": "Jedes Ziel braucht vor dem Abschluss eine abschließende Überprüfung.",
    "network:referral_create": "nennt „Diakonie Ludwigsburg“ nicht als Empfänger",
    "staffing:counts": "Dieses Feld ist erforderlich.",  # no programme counts persons housed
}


def plausible(name, field, action):
    """What a careful user would enter: the value shown, else a valid one of its kind."""
    if field.kind == "checkbox":
        # A yes/no box as shown; of a group of choices (topics …) at least one.
        return field.checked or (None if field.choices == ["on"] else field.choices[:1])
    if field.kind == "file":
        return upload(action)
    if field.default:
        return field.default
    if field.kind in ("select", "radio") and name.endswith("deputy"):
        return [c for c in field.choices if c][-1]  # not the counsellor, the first one
    if field.kind in ("select", "radio"):
        return next((c for c in field.choices if c), "")
    if field.kind == "date":
        return timezone.localdate().isoformat()
    if field.kind == "time":
        return "10:00"
    if field.kind == "number":
        low, high = (Decimal(b) if b else None for b in field.bounds)
        value = Decimal(timezone.localdate().year if name.endswith("year") else 1)
        value = max(value, low) if low is not None else value
        return str(min(value, high) if high is not None else value)
    if field.kind == "hidden":
        return ""
    return FORMATTED.get(name.rsplit("-", 1)[-1], "Probe")


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


def submit(user, browser, action, data, tally):
    """Post `data` to one form in a transaction rolled back after, and check what it
    wrote: nothing if refused, one audit event of its write if accepted. Returns the
    response and whether the post was accepted."""
    posted = {k: v for k, v in data.items() if v is not None}
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)[0]
    try:
        with transaction.atomic():
            with Writes() as writes:
                response = browser.post(action, posted)
            assert response.status_code < 500, (user.username, action, posted)
            saved = [m for m in writes.models if m != "core.AuditEvent"]
            new = AuditEvent.objects.filter(sequence__gt=last).values_list(
                "action", "object_type", "object_id"
            )
            writes_logged = [event for event in new if not READS & set(event[0].split("."))]
            accepted = response.status_code in (301, 302, 303)
            if not accepted:
                tally.refused += 1
                assert saved == [], (user.username, action, saved)
                assert writes_logged == [], (user.username, action, writes_logged)
            elif saved:
                # One event for each record written (registering a person with their
                # consent writes two records), never two for the same record.
                tally.written += 1
                written = {event[1:] for event in writes_logged}
                assert writes_logged and len(written) == len(writes_logged), (action, writes_logged)
            tally.submitted += 1
            raise Rollback
    except Rollback:
        pass
    return response, accepted


def hostile(user, action, browser, strategy, tally):
    """A hypothesis test that posts random and hostile submissions to one form."""

    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=strategy)
    def run(data):
        submit(user, browser, action, data, tally)

    return run


def test_every_form_survives_hostile_input_and_a_refusal_writes_nothing(world, client_for):
    add_structural(world)
    add_report(world)
    add_import(world)
    forms = post_forms(world, client_for)
    assert len(forms) > 40, len(forms)
    tally, valid = Tally(), Tally()
    unexpected = []
    for user, _page, action, fields in forms:
        browser = client_for(user, confirmed=True)
        # First what a careful user would enter: accepted, with one audit event of its write.
        data = {name: plausible(name, field, action) for name, field in fields.items()}
        response, accepted = submit(user, browser, action, data, valid)
        reason = CANNOT.get(resolve(action).view_name)
        if accepted == bool(reason) or (reason and reason not in response.content.decode()):
            unexpected.append((action, response.status_code, errors_of(response)))
        strategy = st.fixed_dictionaries({n: value_for(f) for n, f in fields.items()})
        hostile(user, action, browser, strategy, tally)()
    print(
        f"\nforms {len(forms)}: a valid submission accepted by {valid.submitted - valid.refused} "
        f"({valid.written} with a write, each one audit event), refused as expected by "
        f"{valid.refused}; hostile submissions {tally.submitted}, refused {tally.refused}, "
        f"accepted with a write {tally.written}"
    )
    assert unexpected == []
    assert valid.refused == len(CANNOT)
    assert tally.submitted > 300 and tally.refused > 200 and tally.written > 10, vars(tally)


def errors_of(response):
    """The error messages a refused form shows."""
    page = response.content.decode()
    return re.findall(r'class="(?:error|form-errors)"[^>]*>(.*?)</', page, re.DOTALL)
