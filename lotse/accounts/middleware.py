"""The idle timeout: a session that saw no request for `IDLE_MINUTES` is ended."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import ngettext

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
        response = redirect_to_login(request.get_full_path())
        if request.headers.get("HX-Request"):
            # htmx would put the sign-in page into the part of the page it updates;
            # this header makes it load the whole page instead.
            return HttpResponse(headers={"HX-Redirect": response["Location"]})
        return response
