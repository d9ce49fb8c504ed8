"""The second factor: a code from an authenticator app (TOTP) after the password.

Who must give one is decided by the access layer (`access.needs_second_factor`); anyone
may set one up, and whoever has one set up is asked for it. At sign-in the session notes
what it owes (`OWED`): "verify" (a device is set up: enter its code), "set_up" (none yet:
set one up first) or nothing. Until the code is given, `SecondFactorMiddleware` keeps the
session on the pages that ask for it. Wrong codes count for the lockout like wrong
passwords (lotse/accounts/lockout.py). An administrator can reset a user's device, for
a lost phone; the next sign-in then sets up a new one.

The devices, the codes and the check against replays (a code is accepted once) and
against fast guessing (a growing delay after each wrong code) are django-otp's.
"""

from __future__ import annotations

import time
from base64 import b32encode
from importlib import import_module
from typing import Any, NoReturn, cast

import segno
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from lotse.accounts import lockout
from lotse.accounts.models import User
from lotse.core import access, audit

# What the session owes at the moment: VERIFY, SET_UP or "" (nothing).
OWED = "lotse_second_factor"
VERIFY, SET_UP = "verify", "set_up"
# The key shown on the set-up page, kept in the session until a first code confirms it.
NEW_KEY = "lotse_second_factor_key"

SET_UP_EVENT = "accounts.second_factor_set_up"
FAILED_EVENT = "accounts.second_factor_failed"
VERIFIED_EVENT = "accounts.second_factor_verified"
RESET_EVENT = "accounts.second_factor_reset"

WRONG = _("The code is not correct. Please enter the code that your app shows now.")
WAIT = _("Please wait a few seconds before you enter the code again.")


def device_of(user: Any) -> TOTPDevice | None:
    """The user's confirmed device, if one is set up."""
    return cast(TOTPDevice | None, TOTPDevice.objects.filter(user=user, confirmed=True).first())


def owed_by(user: Any) -> str:
    """What a freshly signed-in user owes: VERIFY, SET_UP or ""."""
    if device_of(user) is not None:
        return VERIFY
    return SET_UP if access.needs_second_factor(user) else ""


def is_verified(request: HttpRequest) -> bool:
    """Whether this session has given the second factor (django-otp's middleware)."""
    return getattr(request.user, "otp_device", None) is not None


def owed(request: HttpRequest) -> str:
    """What the signed-in session still owes before it may go anywhere else."""
    if not request.user.is_authenticated or is_verified(request):
        return ""
    state = request.session.get(OWED)
    if not isinstance(state, str):
        # A session from before the second factor existed: decided now, once.
        state = request.session[OWED] = owed_by(request.user)
    return state


def new_key() -> str:
    """A new secret key, hex-encoded as django-otp stores it (20 random bytes)."""
    return cast(str, random_hex(20))


def secret_text(key: str) -> str:
    """The key as authenticator apps take it when typed in: base32, in groups of four."""
    secret = b32encode(bytes.fromhex(key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code(user: User, key: str) -> str:
    """The set-up link (otpauth://) as a QR code, an SVG data URI for an <img>: the
    Content Security Policy allows data: images, but no inline style."""
    device = TOTPDevice(user=user, key=key)
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _matches(key: str, code: str) -> int | None:
    """The time step at which `code` fits `key` (within one step either way), or None."""
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time()
    return cast(int, totp.t()) if totp.verify(int(code), tolerance=1) else None


def set_up(request: HttpRequest, user: User, key: str, code: str) -> TOTPDevice | None:
    """Confirm the device with the first code from the app, and count this session as
    verified. A wrong code sets up nothing (and counts for nothing: it protects nothing
    the password has not opened already)."""
    step = _matches(key, code)
    if step is None or device_of(user) is not None:
        return None
    with transaction.atomic():
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator", key=key, confirmed=True, last_t=step
        )
        audit.record(user, SET_UP_EVENT, user)
    otp_login(request, device)
    request.session.pop(NEW_KEY, None)
    return cast(TOTPDevice, device)


class Refused(Exception):
    """The code was not accepted; `message` says why, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def verify(request: HttpRequest, user: User, code: str) -> None:
    """Check the code against the user's device; raise `Refused` if it is not accepted.

    A locked username is refused without checking the code; a wrong code is audited and
    counted for the lockout. While django-otp's delay after a wrong code runs, the code
    is neither checked nor counted."""
    username = user.get_username()
    if lockout.locked_until(username) is not None:
        _refused(user, username)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            raise Refused(str(WRONG))
        if not device.verify_is_allowed()[0]:
            raise Refused(str(WAIT))
        accepted = device.verify_token(code)
        if accepted:
            audit.record(user, VERIFIED_EVENT, user)
    if accepted:
        otp_login(request, device)
        return
    _refused(user, username)


def _refused(user: User, username: str) -> NoReturn:
    """Record the wrong (or, while locked, unchecked) code and raise `Refused`."""
    until = lockout.record_failure(user, FAILED_EVENT, username)
    raise Refused(str(WRONG) if until is None else lockout.message(until, codes=True))


def reset(actor: audit.Actor, user: User) -> int:
    """Remove the user's devices (a lost or new phone): the next sign-in sets one up.

    The user is signed out everywhere too. A session left open on the lost phone would
    otherwise be sent to set up a device, and whoever holds the phone could set up
    their own without the password."""
    with transaction.atomic():
        removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
        ended = _end_sessions(user)
        audit.record(actor, RESET_EVENT, user, data={"devices": removed, "sessions": ended})
    return cast(int, removed)


def _end_sessions(user: User) -> int:
    """Delete every live session signed in as `user`, through the session engine's
    store (so that a cache in front of the rows forgets them too)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    live = store.get_model_class().objects.filter(expire_date__gt=timezone.now())
    ended = 0
    for session in live.iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            store(session.session_key).delete()
            ended += 1
    return ended
