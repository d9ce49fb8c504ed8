from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from lotse.accounts.models import User
from lotse.core.admin import AuditedAdmin, admin_site


@admin.register(User, site=admin_site)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_filter = ["is_active"]
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
