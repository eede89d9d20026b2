"""The account's own pages: change the password, set up and verify the second factor, recovery codes.

Every logged-in account reaches these (AccountPolicyMiddleware sends an account here when it owes a
password change or a second factor). Each change goes through orgs.security, which audits it.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken

from luoshi.core.errors import DomainError

from .choices import Role
from .models import AccountSession
from .passwords import password_change_due, password_expires_at
from .security import (
    SESSION_TWO_FACTOR,
    password_changed_by_owner,
    recovery_codes_regenerate,
    totp_device_confirm,
    totp_device_pending,
    two_factor_enrolled,
    two_factor_remove,
    two_factor_verify,
)


class TokenForm(forms.Form):
    token = forms.CharField(label=gettext_lazy("验证码"), max_length=16, strip=True,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                          "autofocus": True}))


class PasswordChangeView(auth_views.PasswordChangeView):  # type: ignore[misc]
    """Django's password change in the site layout; a forced change (first login, reset, expiry) lands here."""

    template_name = "orgs/account/password_change.html"
    success_url = reverse_lazy("account:security")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        user: Any = self.request.user
        context.update(forced=password_change_due(user), expires_at=password_expires_at(user),
                       rules=password_validators_help_texts())
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        old_key = self.request.session.session_key
        with transaction.atomic():
            response: HttpResponse = super().form_valid(form)  # saves and keeps this session logged in
            AccountSession.objects.filter(session_key=old_key).update(session_key=self.request.session.session_key)
            password_changed_by_owner(user=form.user)
        messages.success(self.request, _("密码已修改。"))
        return response


@login_required
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    """The account's security page: password age, second factor, recovery codes left."""
    user: Any = request.user
    enrolled = two_factor_enrolled(user)
    codes_left = StaticToken.objects.filter(device__user=user).count() if enrolled else 0
    return render(request, "orgs/account/security.html", {
        "enrolled": enrolled, "codes_left": codes_left, "required": _required_for_role(user),
        "expires_at": password_expires_at(user)})


def _required_for_role(user: Any) -> bool:
    return bool(settings.LUOSHI_2FA_REQUIRED and user.needs_two_factor)


@login_required
@require_GET
def security_policy(request: HttpRequest) -> HttpResponse:
    """The password, login and session policy in force, for the security administrator (404 for anyone else).
    It is set in the environment (docs/security.md); this page shows what the running system applies."""
    if getattr(request.user, "role", None) != Role.SECURITY_ADMIN:
        raise Http404
    rows = [
        (_("密码最短长度"), settings.LUOSHI_PASSWORD_MIN_LENGTH, "LUOSHI_PASSWORD_MIN_LENGTH"),
        (_("不得重复使用的最近密码个数"), settings.LUOSHI_PASSWORD_HISTORY, "LUOSHI_PASSWORD_HISTORY"),
        (_("密码有效期（天，0为不过期）"), settings.LUOSHI_PASSWORD_MAX_AGE_DAYS, "LUOSHI_PASSWORD_MAX_AGE_DAYS"),
        (_("锁定前允许的连续登录失败次数"), settings.LUOSHI_LOGIN_MAX_FAILURES, "LUOSHI_LOGIN_MAX_FAILURES"),
        (_("锁定时长（分钟）"), settings.LUOSHI_LOGIN_LOCKOUT_MINUTES, "LUOSHI_LOGIN_LOCKOUT_MINUTES"),
        (_("客户端地址来源"), settings.LUOSHI_CLIENT_IP_HEADER or "REMOTE_ADDR", "LUOSHI_CLIENT_IP_HEADER"),
        (_("管理员和督查人员必须使用双因素认证"), _("是") if settings.LUOSHI_2FA_REQUIRED else _("否"),
         "LUOSHI_2FA_REQUIRED"),
        (_("无操作自动退出（分钟）"), settings.LUOSHI_SESSION_IDLE_MINUTES, "LUOSHI_SESSION_IDLE_MINUTES"),
        (_("登录后最长会话时间（小时）"), settings.LUOSHI_SESSION_MAX_HOURS, "LUOSHI_SESSION_MAX_HOURS"),
        (_("每个账号同时登录数（0为不限）"), settings.LUOSHI_MAX_SESSIONS, "LUOSHI_MAX_SESSIONS"),
    ]
    return render(request, "orgs/account/security_policy.html", {"rows": rows})


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Show the secret as a QR code (and as text); a code from the app confirms it and shows recovery codes."""
    user: Any = request.user
    if two_factor_enrolled(user):
        return redirect("account:security")
    device = totp_device_pending(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = totp_device_confirm(user=user, token=form.cleaned_data["token"])
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            request.session[SESSION_TWO_FACTOR] = "verify"
            return render(request, "orgs/account/recovery_codes.html", {"codes": codes, "first_time": True})
    qr = mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("二维码")))
    secret = b32encode(device.bin_key).decode()
    return render(request, "orgs/account/two_factor_setup.html", {
        "form": form, "qr": qr, "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "required": _required_for_role(user)})


@login_required
def two_factor_verify_page(request: HttpRequest) -> HttpResponse:
    """The second step of a login: a code from the authenticator app, or one recovery code."""
    user: Any = request.user
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = ""
    if user.is_verified() or not two_factor_enrolled(user):
        return redirect(next_url or "home")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(next_url or "home")
        form.add_error("token", _("验证码不正确或已使用，请重试。"))
    return render(request, "orgs/account/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
@require_POST
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    try:
        codes = recovery_codes_regenerate(user=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("account:security")
    return render(request, "orgs/account/recovery_codes.html", {"codes": codes, "first_time": False})


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    try:
        two_factor_remove(actor=request.user, user=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        request.session[SESSION_TWO_FACTOR] = ""
        messages.success(request, _("已关闭双因素认证。"))
    return redirect("account:security")
