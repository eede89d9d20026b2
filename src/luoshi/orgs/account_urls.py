"""/account/: the logged-in account's own password and second factor."""

from django.urls import path

from . import account_views

app_name = "account"

urlpatterns = [
    path("", account_views.security, name="security"),
    path("policy/", account_views.security_policy, name="security_policy"),
    path("password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("2fa/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path("2fa/verify/", account_views.two_factor_verify_page, name="two_factor_verify"),
    path("2fa/recovery-codes/", account_views.recovery_codes_new, name="recovery_codes_new"),
    path("2fa/disable/", account_views.two_factor_disable, name="two_factor_disable"),
]
