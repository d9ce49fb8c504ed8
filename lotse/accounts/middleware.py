"""The idle timeout: a session that saw no request for `IDLE_MINUTES` is ended. The
second factor: a session that still owes it sees only the pages that ask for it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import ngettext

from lotse.accounts import second_factor

# The time of the session's last request, in whole seconds since the epoch. It is
# written at most once a minute, so that not every request saves the session; a
# session may therefore end up to a minute before IDLE_MINUTES have passed.
LAST_SEEN = "lotse_last_seen"
WRITE_EVERY_SECONDS = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        now = int(timezone.now().timestamp())
        if self.signed_in(request):
            last = request.session.get(LAST_SEEN)
            if isinstance(last, int) and now - last >= settings.IDLE_MINUTES * 60:
                return self.sign_out(request)
        response = self.get_response(request)
        # After the view, so that the request that signs in starts the clock.
        if self.signed_in(request):
            last = request.session.get(LAST_SEEN)
            if not isinstance(last, int) or now - last >= WRITE_EVERY_SECONDS:
                request.session[LAST_SEEN] = now
        return response

    @staticmethod
    def signed_in(request: HttpRequest) -> bool:
        """Signed in through the session (an API token has no session to time out)."""
        return request.user.is_authenticated and SESSION_KEY in request.session

    @staticmethod
    def sign_out(request: HttpRequest) -> HttpResponseBase:
        request.lotse_logout_reason = "idle"  # type: ignore[attr-defined]  # for the audit
        logout(request)
        minutes = settings.IDLE_MINUTES
        messages.info(
            request,
            ngettext(
                "You were signed out after %(minutes)d minute without activity. "
                "Please sign in again.",
                "You were signed out after %(minutes)d minutes without activity. "
                "Please sign in again.",
                minutes,
            )
            % {"minutes": minutes},
        )
        return whole_page(request, redirect_to_login(request.get_full_path()))


def whole_page(request: HttpRequest, redirect: HttpResponseRedirect) -> HttpResponseBase:
    """The redirect, or for htmx a header that makes it load the whole page: it would put
    the page redirected to into the part of the page it updates."""
    if request.headers.get("HX-Request"):
        return HttpResponse(headers={"HX-Redirect": redirect["Location"]})
    return redirect


class SecondFactorMiddleware:
    """Until a signed-in session has given the second factor it owes
    (lotse/accounts/second_factor.py), every page sends it to the page that asks for the
    code, or to the set-up page if no device is set up yet; signing out, those pages
    and static files stay reachable. Put it after django-otp's OTPMiddleware."""

    OPEN = ("accounts:second_factor", "accounts:second_factor_set_up", "accounts:logout")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        owed = second_factor.owed(request)
        if owed and not self.is_open(request.path):
            page = (
                "accounts:second_factor"
                if owed == second_factor.VERIFY
                else ("accounts:second_factor_set_up")
            )
            query = urlencode({"next": request.get_full_path()})
            return whole_page(request, HttpResponseRedirect(f"{reverse(page)}?{query}"))
        return self.get_response(request)

    def is_open(self, path: str) -> bool:
        static = "/" + settings.STATIC_URL.lstrip("/")
        return path.startswith(static) or path in {reverse(name) for name in self.OPEN}
