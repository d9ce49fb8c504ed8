"""Personal access tokens for the JSON API, and the responses kept for idempotent POSTs."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a token may do. Reading and writing are granted separately; the holder's
    roles still decide which records either reaches."""

    CLIENTS_READ = "clients:read", _("read clients and their contacts")
    CLIENTS_WRITE = "clients:write", _("register and change clients, record contacts")
    CASES_READ = "cases:read", _("read cases with their plans")
    NETWORK_READ = "network:read", _("read referrals, appointments and services")
    REPORTS_READ = "reports:read", _("read the figures of built reports")


class ApiToken(models.Model):
    """A secret the user created for a program that acts in their name. Only the
    SHA-256 of the secret is kept; it is shown once, when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("beginning of the token"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_on = models.DateField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def audit_scope(self) -> dict[str, int | None]:
        return {}

    def is_valid(self, day: dt.date | None = None) -> bool:
        return self.revoked_at is None and (day or timezone.localdate()) <= self.expires_on

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


class IdempotentRequest(models.Model):
    """A POST with an Idempotency-Key and the record it created, so that the same
    request again is answered with that record instead of a second one. Stored in the
    transaction of the write, so a request that failed half-way leaves no key behind.
    It holds no personal data (the answer is read afresh for a repeat), and is deleted
    after `KEEP_HOURS`."""

    KEEP_HOURS = 24

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    # SHA-256 of key, method, path and body: the same request, or another with that key.
    fingerprint = models.CharField(max_length=64)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return self.key
