"""Every write to a client's file. Each takes the acting user, runs in a transaction and
leaves an audit event without personal values; reads of a file are recorded here too."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.clients.models import (
    AsylumDecision,
    Client,
    ClientLanguage,
    ClientNameKey,
    Consent,
    Document,
    HouseholdMember,
    WorkingNote,
)
from lotse.core import audit
from lotse.core.audit import Actor
from lotse.core.lib.deadlines import legal_deadline
from lotse.core.services import audited_save
from lotse.counselling.models import Contact
from lotse.reports import store

M = TypeVar("M", bound=models.Model)

ALLOWED_DOCUMENTS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
}


def _index_names(client: Client) -> None:
    """Refresh the normalised name and blocking keys that search and duplicates use."""
    client.search_name = client.search_text
    Client.objects.filter(pk=client.pk).update(search_name=client.search_name)
    ClientNameKey.objects.filter(client=client).delete()
    ClientNameKey.objects.bulk_create(
        ClientNameKey(client=client, key=k) for k in client.blocking_keys
    )


def save_client(
    actor: Actor, client: Client, action: str | None = None, data: dict[str, Any] | None = None
) -> Client:
    """Create or change a client record (`action` and `data`: see `audited_save`)."""
    with transaction.atomic():
        audited_save(actor, client, personal=True, action=action, data=data)
        _index_names(client)
    return client


def save_record(actor: Actor, record: M, m2m: dict[str, Iterable[Any]] | None = None) -> M:
    """Create or change one part of a file (language, status, consent, household …)."""
    return audited_save(actor, record, m2m=m2m, personal=True)


def record_access(actor: Actor, client: Client, what: str = "file") -> None:
    """Reading personal data is on the record, like writing it."""
    audit.record(actor, f"clients.client.viewed.{what}", client)


def record_listing(actor: Actor, clients: Iterable[Client], context: str) -> None:
    """A list or search result shows names: which records were shown is recorded."""
    ids = [c.pk for c in clients]
    if ids:
        audit.record(actor, "clients.client.listed", data={"context": context, "ids": ids})


def record_decision(actor: Actor, decision: AsylumDecision) -> AsylumDecision:
    """Record an asylum decision with the deadline for legal action from the table, and
    the days it was moved over (weekend, holidays of the office's state)."""
    weeks = decision.kind.weeks
    if weeks and decision.delivered_on:
        state = decision.client.office.district.state.code
        deadline = legal_deadline(decision.delivered_on, weeks=weeks, state_key=state)
        decision.deadline = deadline.ends_on
        rule = _("%(weeks)d week(s) after delivery (%(basis)s)") % {
            "weeks": weeks,
            "basis": decision.kind.legal_basis or "-",
        }
        if deadline.moved_over:
            rule += "; " + _("moved over %(days)s") % {
                "days": ", ".join(f"{day:%d.%m.} {why}" for day, why in deadline.moved_over)
            }
        decision.deadline_rule = rule[:300]
    else:
        decision.deadline, decision.deadline_rule = None, ""
    return audited_save(actor, decision, personal=True)


def withdraw_consent(actor: Actor, consent: Consent, on: Any = None) -> Consent:
    consent.withdrawn_on = on or timezone.localdate()
    return audited_save(actor, consent, personal=True, action="clients.consent.withdrawn")


def log_contact(
    actor: Actor,
    contact: Contact,
    topics: Iterable[Any],
    household_members: Iterable[HouseholdMember] = (),
) -> Contact:
    topics = list(topics)
    if not topics:
        raise ValidationError({"topics": _("Choose at least one topic.")})
    members = list(household_members)
    if any(m.client_id != contact.client_id for m in members):
        raise ValidationError({"household_members": _("Only members of this household.")})
    return audited_save(
        actor, contact, m2m={"topics": topics, "household_members": members}, personal=True
    )


def add_working_note(actor: Any, client: Client, text: str) -> WorkingNote:
    return save_record(actor, WorkingNote(client=client, author=actor, text=text))


# Markup or script anywhere in an upload makes it a polyglot (an image or PDF that is
# also a web page); PDF actions that run code or open other files are refused too.
# Streams compressed inside a PDF are not opened: the check is a filter, not a proof.
ACTIVE_CONTENT = re.compile(
    rb"<\s*(script|html|svg|iframe|object|embed|body)\b|<\?php|javascript:"
    rb"|/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)(?![A-Za-z])",
    re.IGNORECASE,
)


def check_upload(upload: UploadedFile[Any]) -> str:
    """The content type, judged by the file's content and never by its name; files that
    carry markup, script or PDF actions are refused."""
    if upload.size is None or upload.size > settings.MAX_UPLOAD_BYTES:
        limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationError({"file": _("The file is larger than %(mb)d MB.") % {"mb": limit}})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_DOCUMENTS:
        raise ValidationError(
            {"file": _("Only PDF files and images (JPEG, PNG, WebP) can be uploaded.")}
        )
    content = upload.read()
    upload.seek(0)
    if ACTIVE_CONTENT.search(content):
        raise ValidationError(
            {
                "file": _(
                    "The file contains script or web-page markup and cannot be uploaded. "
                    "Please save it again as a plain PDF or image (for example by printing "
                    "it to PDF)."
                )
            }
        )
    return str(kind.mime)


def upload_document(actor: Any, client: Client, upload: UploadedFile[Any], title: str) -> Document:
    content_type = check_upload(upload)
    document = Document(
        client=client,
        title=title,
        original_name=(upload.name or "")[:255],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    document.file.save("upload", upload, save=False)
    try:
        return save_record(actor, document)
    except Exception:
        document.file.delete(save=False)  # nothing half-written stays on disk
        raise


def record_download(actor: Actor, document: Document) -> None:
    audit.record(actor, "clients.document.downloaded", document)


def merge_clients(actor: Actor, survivor: Client, duplicate: Client, reason: str) -> Client:
    """Move everything of `duplicate` to `survivor`; the duplicate stays, marked merged.

    The audit event lists what moved, so the merge can be explained later.
    """
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    if survivor.office_id != duplicate.office_id:
        raise ValidationError(_("Only records of the same office can be merged."))
    if duplicate.merged_into_id is not None or survivor.merged_into_id is not None:
        raise ValidationError(_("One of the records has already been merged."))
    if not reason.strip():
        raise ValidationError({"reason": _("Please say why the records are the same person.")})
    with transaction.atomic():
        moved: dict[str, int] = {}
        known_languages = set(survivor.languages.values_list("language", flat=True))
        moved["languages"] = (
            ClientLanguage.objects.filter(client=duplicate)
            .exclude(language__in=known_languages)
            .update(client=survivor)
        )
        for related in (
            "residence_statuses",
            "accommodations",
            "protection_needs",
            "household",
            "consents",
            "documents",
            "working_notes",
            "contacts",
            "asylum_decisions",
            # Parts of the file kept by other apps, reached through their relations.
            "referrals",
            "appointments",
            "follow_ups",
            "volunteer_matches",
        ):
            moved[related] = getattr(duplicate, related).update(client=survivor)
        moved["household_links"] = HouseholdMember.objects.filter(member=duplicate).update(
            member=survivor
        )
        spellings = [
            n for n in duplicate.names_for_matching if n not in survivor.names_for_matching
        ]
        survivor.other_spellings = "\n".join(
            filter(None, [survivor.other_spellings.strip(), *spellings])
        )
        for field in ("birth_year", "birth_month", "birth_day", "entry_date", "bamf_file_number"):
            if getattr(survivor, field) in (None, "") and getattr(duplicate, field) not in (
                None,
                "",
            ):
                setattr(survivor, field, getattr(duplicate, field))
        survivor.nationalities = list(
            dict.fromkeys([*survivor.nationalities, *duplicate.nationalities])
        )
        # The moved contacts and referrals now count by the survivor's cases.
        store.refresh(survivor.contacts.all())
        store.refresh_referrals(survivor.referrals.all())
        duplicate.merged_into = survivor
        Client.objects.filter(pk=duplicate.pk).update(merged_into=survivor)
        ClientNameKey.objects.filter(client=duplicate).delete()
        # One event for the merge, with what changed on the survivor and what moved.
        save_client(
            actor,
            survivor,
            action="clients.client.merged",
            data={"merged": duplicate.pk, "moved": moved, "reason": reason.strip()},
        )
    return survivor


# --- data protection: legal hold, anonymisation, export ------------------------------


def set_legal_hold(actor: Actor, client: Client, reason: str) -> Client:
    """Keep the record beyond its retention period (reason given), or release it ("")."""
    reason = reason.strip()
    if client.anonymised_at is not None:
        raise ValidationError(_("The record has been anonymised."))
    previous = bool(client.legal_hold)
    with transaction.atomic():
        Client.objects.filter(pk=client.pk).update(legal_hold=reason)
        client.legal_hold = reason
        action = "clients.client.legal_hold_set" if reason else "clients.client.legal_hold_lifted"
        audit.record(actor, action, client, data={"reason": reason, "was_on_hold": previous})
    return client


def anonymise_client(actor: Actor, client: Client, reason: str) -> dict[str, int]:
    """Remove what names the person and keep what the statistics count
    (lotse/clients/privacy.py); returns how many rows of each kind were changed.

    Refused for a record on legal hold or with an open case. Files of deleted rows are
    removed once the transaction has committed.
    """
    from lotse.clients import privacy

    if not reason.strip():
        raise ValidationError({"reason": _("Please say why the record is anonymised.")})
    if client.anonymised_at is not None:
        raise ValidationError(_("The record has been anonymised already."))
    if client.legal_hold:
        raise ValidationError(_("The record is on legal hold and is kept."), code="legal_hold")
    if client.cases.filter(closed_on__isnull=True).exists():
        raise ValidationError(_("Close the open cases first."), code="open_case")
    counts: dict[str, int] = {}
    files: list[tuple[Any, str]] = []
    with transaction.atomic():
        for record in privacy.records():
            rows = record.rows(client)
            label = record.model._meta.label_lower
            if record.treatment == privacy.Treatment.DELETE:
                file_fields = [
                    f for f in record.model._meta.fields if isinstance(f, models.FileField)
                ]
                for f in file_fields:
                    files += [(f.storage, name) for name in rows.values_list(f.name, flat=True)]
                counts[label] = rows.count()
                rows.delete()
            elif record.treatment == privacy.Treatment.BLANK:
                counts[label] = rows.update(**record.blank)
        Client.objects.filter(pk=client.pk).update(
            **privacy.CLIENT_BLANK, anonymised_at=timezone.now()
        )
        audit.record(
            actor,
            "clients.client.anonymised",
            client,
            data={"reason": reason.strip(), "rows": counts},
        )
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in files if name])
    client.refresh_from_db()
    return counts


def export_client(actor: Actor, client: Client) -> dict[str, Any]:
    """Everything held about the client and who accessed the file (Art. 15 GDPR), as
    plain data; the export itself is on the record."""
    from lotse.clients import privacy

    held = privacy.held_about(client)
    result = {
        "exported_at": timezone.now().isoformat(),
        "exported_by": actor.get_username() if actor is not None else "system",
        "client": privacy.row(client),
        "records": held,
        "accesses": privacy.accesses(client, held),
    }
    audit.record(actor, "clients.client.exported", client)
    return result
