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
    """The answer given to a POST with an Idempotency-Key, replayed when the same
    request comes again. Stored in the transaction of the write it answers, so a
    request that failed half-way leaves no key behind."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return self.key
