from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client as TestClient
from django.utils import timezone

from lotse.api import services
from lotse.api.models import ApiToken, Scope

ALL_SCOPES = [scope.value for scope in Scope]


def token_for(user, scopes=ALL_SCOPES, days=30):
    token = ApiToken(
        user=user, name="Test", scopes=scopes, expires_on=timezone.localdate() + dt.timedelta(days)
    )
    return services.create_token(user, token)


@pytest.fixture
def api_for():
    """A test client that sends a token of `user` (all scopes unless named)."""

    def make(user, scopes=ALL_SCOPES):
        return TestClient(headers={"Authorization": f"Bearer {token_for(user, scopes)}"})

    return make
