"""Who is calling the API: a personal access token in `Authorization: Bearer …`.

Then two checks, in this order: the token must carry the scope of the operation (403
otherwise, the caller's own configuration), and the user's roles must grant the
capability of the endpoint (404 otherwise, exactly as the pages answer). Which records
are reached is decided by the same query functions the pages use.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from lotse.api.models import ApiToken
from lotse.core import access

PREFIX = "lotse_"
SAFE = ("GET", "HEAD", "OPTIONS")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2 or not header[1].startswith(PREFIX):
            raise exceptions.AuthenticationFailed(_("The token is malformed."))
        token = ApiToken.objects.select_related("user").filter(token_hash=digest(header[1])).first()
        if token is None or not token.is_valid() or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token is unknown, expired or revoked."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ScopeAndCapability(permissions.BasePermission):
    """The view names `scope` ("clients" → clients:read / clients:write) and
    `capability` (an `access.Capability`)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            raise exceptions.NotAuthenticated()
        needed = f"{view.scope}:{'read' if request.method in SAFE else 'write'}"
        if not token.allows(needed):
            raise exceptions.PermissionDenied(
                _("The token does not carry the scope %(scope)s.") % {"scope": needed}
            )
        if not access.has_capability(request.user, view.capability):
            raise exceptions.NotFound()
        return True
