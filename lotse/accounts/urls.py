from django.contrib.auth import views as auth
from django.urls import path, reverse_lazy

from lotse.accounts import views
from lotse.accounts.forms import SignInForm
from lotse.core import access
from lotse.core.access import Capability

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("confirm/", views.confirm_password, name="confirm"),
    path("second-factor/", views.second_factor_verify, name="second_factor"),
    path("second-factor/set-up/", views.second_factor_set_up, name="second_factor_set_up"),
    path(
        "logout/",
        access.requires(Capability.SIGNED_IN)(auth.LogoutView.as_view()),
        name="logout",
    ),
    path(
        "password/",
        access.requires(Capability.SIGNED_IN)(views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "password/changed/",
        access.requires(Capability.SIGNED_IN)(auth.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth.PasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path("password/reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
