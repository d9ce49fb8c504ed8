from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Term(models.Model):
    """One entry of an administrator-editable vocabulary (fields of action, topics …).

    Code refers to terms by `code`, which never changes; labels may be edited.
    """

    class Vocabulary(models.TextChoices):
        FIELD_OF_ACTION = "field_of_action", _("fields of action")
        TOPIC = "topic", _("counselling topics")
        CONTACT_KIND = "contact_kind", _("contact kinds")
        CHANNEL = "channel", _("channels")
        INTERPRETING = "interpreting", _("interpreting")
        PROTECTION_NEED = "protection_need", _("special protection needs")
        RESIDENCE_STATUS = "residence_status", _("residence status")
        ACCOMMODATION = "accommodation", _("accommodation")
        SERVICE_TYPE = "service_type", _("network service types")
        CLOSURE_REASON = "closure_reason", _("closure reasons")
        QUALIFICATION = "qualification", _("staff qualifications")

    vocabulary = models.CharField(_("vocabulary"), max_length=30, choices=Vocabulary.choices)
    code = models.SlugField(_("code"), max_length=60)
    label_de = models.CharField(_("German label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("vocabulary term")
        verbose_name_plural = _("vocabulary terms")
        ordering = ["vocabulary", "position", "label_de"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="term_unique_code")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "de").startswith("en") else self.label_de

    @classmethod
    def codes_by_vocabulary(cls) -> dict[str, set[str]]:
        codes: dict[str, set[str]] = {}
        for vocabulary, code in cls.objects.values_list("vocabulary", "code"):
            codes.setdefault(vocabulary, set()).add(code)
        return codes


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """Who did what to which object of which organisation, and when.

    Append-only: written only by `lotse.core.audit.record`, each event chained to the
    previous one by a SHA-256 hash so that an altered or removed row is detected by
    `manage.py audit_verify`. Organisation and object references are plain values,
    not foreign keys, so that no deletion can ever cascade into the log.
    """

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("who"), max_length=200)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    office_id = models.BigIntegerField(_("office id"), null=True, blank=True, db_index=True)
    provider_id = models.BigIntegerField(_("provider id"), null=True, blank=True, db_index=True)
    district_id = models.BigIntegerField(_("district id"), null=True, blank=True)
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects: ClassVar[models.Manager[AuditEvent]] = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            # The lockout counts one username's recent failed sign-ins: by action and time.
            models.Index(fields=["action", "occurred_at"], name="audit_action_time_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events cannot be deleted.")
