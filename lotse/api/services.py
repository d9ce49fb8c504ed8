"""Creating and revoking personal access tokens, audited."""

from __future__ import annotations

import secrets

from django.utils import timezone

from lotse.api.auth import PREFIX, digest
from lotse.api.models import ApiToken
from lotse.core.audit import Actor
from lotse.core.services import audited_save


def create_token(actor: Actor, token: ApiToken) -> str:
    """Store `token` for its user and return the secret, which is not kept."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token.prefix, token.token_hash = secret[:12], digest(secret)
    audited_save(actor, token, exclude_from_log=["token_hash"])
    return secret


def revoke_token(actor: Actor, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        audited_save(actor, token, action="api.apitoken.revoked", exclude_from_log=["token_hash"])
    return token
