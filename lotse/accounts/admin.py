from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from lotse.accounts import second_factor
from lotse.accounts.models import User
from lotse.core.admin import AuditedAdmin, admin_site


@admin.register(User, site=admin_site)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "has_second_factor",
    ]
    list_filter = ["is_active"]
    actions = ["reset_second_factor"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("", {"fields": ("first_name", "last_name", "email", "is_active")}),
    )
    add_fieldsets = (
        (
            None,
            {"fields": ("username", "first_name", "last_name", "email", "password1", "password2")},
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        users: QuerySet[User] = super().get_queryset(request)
        return users.annotate(second_factor_set_up=Exists(devices))

    @admin.display(description=_("second factor"), boolean=True)
    def has_second_factor(self, user: User) -> bool:
        return bool(getattr(user, "second_factor_set_up", False))

    @admin.action(description=_("Reset the second factor (lost or new phone)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """The users set up their second factor again at their next sign-in."""
        users = list(queryset)
        for user in users:
            second_factor.reset(request.user, user)
        self.message_user(
            request,
            ngettext(
                "The second factor of %(count)d user was reset and they were signed out "
                "everywhere; they set it up again at the next sign-in.",
                "The second factor of %(count)d users was reset and they were signed out "
                "everywhere; they set it up again at the next sign-in.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )
