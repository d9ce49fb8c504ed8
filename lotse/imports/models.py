"""An import of a client list or a contact log: the file's cells, the mapping of its
columns, the check of every row and the outcome, kept as one run.

The run holds the file's cells (personal data) only as long as needed: they are
blanked once the import is done, and by `manage.py purge_imports` a day after the
upload (`IMPORT_KEEP_HOURS`); the file itself is never stored.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lotse.organisations.models import Office


class ImportRun(models.Model):
    class Kind(models.TextChoices):
        CLIENTS = "clients", _("client list")
        CONTACTS = "contacts", _("contact log")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        CHECKED = "checked", _("checked")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("imported")
        FAILED = "failed", _("not imported")

    office = models.ForeignKey(
        Office, models.PROTECT, related_name="import_runs", verbose_name=_("office")
    )
    kind = models.CharField(_("content"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    source_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    source_format = models.CharField(_("format"), max_length=20)
    header = models.JSONField(_("column names"), default=list)
    # (line, cells) of every non-empty row; None once purged.
    rows = models.JSONField(_("rows"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # Column position (as text) → field name.
    mapping = models.JSONField(_("mapping"), default=dict, blank=True)
    # {"rows": [{"line", "outcome", "problems": [[cell, message]], "candidate"}], "counts"}
    report = models.JSONField(_("check"), default=dict, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    repeat_of = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("same file as"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    purged_at = models.DateTimeField(_("cells deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["office", "kind", "source_sha256"], name="import_run_sha_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    def audit_label(self) -> str:
        return f"import {self.pk}"

    def audit_scope(self) -> dict[str, int | None]:
        return {"office_id": self.office_id}

    @property
    def expires_at(self) -> dt.datetime:
        return self.created_at + dt.timedelta(hours=settings.IMPORT_KEEP_HOURS)

    @property
    def is_busy(self) -> bool:
        """Queued or being imported: the page shows its progress."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def can_map(self) -> bool:
        """Its columns may still be assigned and its rows checked."""
        return self.rows is not None and self.status in (
            self.Status.UPLOADED,
            self.Status.CHECKED,
            self.Status.FAILED,
        )

    @property
    def can_import(self) -> bool:
        counts = (self.report or {}).get("counts", {})
        return (
            self.status in (self.Status.CHECKED, self.Status.FAILED)
            and self.rows is not None
            and self.repeat_of_id is None
            and not counts.get("error")
        )
