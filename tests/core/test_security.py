"""Transport and browser hardening: `check --deploy` is clean with production settings,
and every page carries a Content Security Policy without inline script or style."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def deploy_check(tmp_path, **extra):
    """`manage.py check --deploy` in a fresh process with production settings."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "LOTSE_SECRET_KEY": secrets.token_urlsafe(50),
        "LOTSE_FIELD_KEYS": Fernet.generate_key().decode(),
        "LOTSE_ALLOWED_HOSTS": "lotse.example.org",
        "LOTSE_DATA_DIR": str(tmp_path),
        **extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_deployment_check_is_clean_with_production_settings(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deployment_check_fails_without_hsts_or_with_debug(tmp_path):
    without_hsts = deploy_check(tmp_path, LOTSE_HSTS_SECONDS="0")
    assert without_hsts.returncode != 0 and "security.W004" in without_hsts.stderr
    debugging = deploy_check(tmp_path, LOTSE_DEBUG="1")
    assert debugging.returncode != 0 and "security.W018" in debugging.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = deploy_check(tmp_path, LOTSE_SECRET_KEY="")
    assert result.returncode != 0 and "LOTSE_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/clients/"])
def test_pages_forbid_inline_script_and_framing(world, client_for, url):
    browser = Client() if url == "/accounts/login/" else client_for(world.counsellor_a)
    response = browser.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("posted", "lands_on"),
    [
        ("/clients/", "/clients/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("clients:list", "/"),  # a view name is not an address
        ("' OR '1'='1' --", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_after_a_post_only_a_path_on_this_site_is_followed(world, client_for, posted, lands_on):
    follow_up = world.follow_up_a
    response = client_for(world.counsellor_a).post(
        f"/network/follow-ups/{follow_up.pk}/done/", {"next": posted}
    )
    assert response.status_code == 302 and response["Location"] == lands_on
