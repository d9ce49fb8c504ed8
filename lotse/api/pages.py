"""The user's personal access tokens: made, listed and revoked by the user alone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lotse.api import services
from lotse.api.forms import TokenForm
from lotse.api.models import ApiToken
from lotse.core import access
from lotse.core.access import Capability
from lotse.core.forms import save_posted

# The new secret waits here for the one page that shows it.
NEW_SECRET = "lotse_new_api_token"  # noqa: S105  (a session key, not a secret)


@access.requires(Capability.SIGNED_IN)
def tokens(request: HttpRequest) -> HttpResponse:
    user = access.acting_user(request)
    form = TokenForm(request.POST or None, instance=ApiToken(user=user))
    if request.method == "POST":

        def save() -> None:
            request.session[NEW_SECRET] = services.create_token(request.user, form.instance)

        if save_posted(request, form, save, _("The token has been created.")):
            return redirect("api:tokens")
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": ApiToken.objects.filter(user=user),
            "secret": request.session.pop(NEW_SECRET, None),
        },
        status=422 if form.errors else 200,
    )


@access.requires(Capability.SIGNED_IN)
def revoke(request: HttpRequest, token_pk: int) -> HttpResponse:
    token = access.get_or_404(
        ApiToken.objects.filter(user=access.acting_user(request)), pk=token_pk
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.revoke_token(request.user, token)
    return redirect("api:tokens")
