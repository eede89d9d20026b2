"""Account policy on every request of a logged-in session: session limits, second factor, password age.

After Django's session and authentication middleware (and django-otp's, which says whether the session
verified a device), before any view: an expired session is logged out; an account that must verify its
second factor, change its password or enrol a second factor can reach only the page that does so (and
logout). What it needs is kept in the session at login, so an ordinary request costs no query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .passwords import password_change_due
from .security import SESSION_LOGIN_AT, SESSION_SEEN_AT, SESSION_TWO_FACTOR, two_factor_owed

SEEN_RESOLUTION_SECONDS = 60  # the idle clock is written at most once a minute


class AccountPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The public pages and static files must not touch the session (no Vary: Cookie, see public.caching).
        if self._exempt(request.path, static_only=True):
            return self.get_response(request)
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if self._session_expired(request):
                logout(request)
                messages.info(request, _("会话已超时，请重新登录。"))
                return self._send(request, reverse("login") + "?" + urlencode({"next": request.get_full_path()}))
            target = self._owed_page(request, user)
            if target and request.path != target and not self._exempt(request.path):
                return self._send(request, target)
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str, *, static_only: bool = False) -> bool:
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")) or path.startswith("/public/"):
            return True
        if static_only:
            return False
        return path in (reverse("logout"), reverse("admin:logout"), reverse("set_language"),
                        reverse("account:two_factor_verify"))

    @staticmethod
    def _session_expired(request: HttpRequest) -> bool:
        now = timezone.now().timestamp()
        session = request.session
        login_at = session.get(SESSION_LOGIN_AT)
        seen_at = session.get(SESSION_SEEN_AT)
        if login_at is None or seen_at is None:  # a session from before these limits: start its clocks
            session[SESSION_LOGIN_AT] = session[SESSION_SEEN_AT] = now
            return False
        if now - login_at > settings.LUOSHI_SESSION_MAX_HOURS * 3600:
            return True
        if now - seen_at > settings.LUOSHI_SESSION_IDLE_MINUTES * 60:
            return True
        if now - seen_at > SEEN_RESOLUTION_SECONDS:
            session[SESSION_SEEN_AT] = now
        return False

    @staticmethod
    def _owed_page(request: HttpRequest, user: Any) -> str:
        """The page this session must pass through first, or ""."""
        owed = request.session.get(SESSION_TWO_FACTOR)
        if owed is None:
            owed = request.session[SESSION_TWO_FACTOR] = two_factor_owed(user)
        if owed == "verify" and not user.is_verified():
            return reverse("account:two_factor_verify")
        if password_change_due(user):
            return reverse("account:password_change")
        if owed == "setup" and not user.is_verified():
            return reverse("account:two_factor_setup")
        return ""

    @staticmethod
    def _send(request: HttpRequest, target: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            detail = _("请先在网页上完成登录要求（修改密码或双因素认证）。")
            return JsonResponse({"detail": detail, "code": "account_policy"}, status=403)
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
