"""Home (each role lands on its own page) and a login view that limits failed attempts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def _throttle_key(request: HttpRequest) -> str:
    username = (request.POST.get("username") or "").strip().lower()[:150]
    address = request.META.get("REMOTE_ADDR", "")
    return f"login-failures:{username}:{address}"


class LoginView(auth_views.LoginView):
    """Django's login, locked for a while after too many failures for one account from one address."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = _throttle_key(request)
        if cache.get(key, 0) >= settings.LUOSHI_LOGIN_MAX_FAILURES:
            form = self.get_form()
            form.add_error(None, _("登录失败次数过多，请稍后再试。"))
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        key = _throttle_key(self.request)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LUOSHI_LOGIN_WINDOW_SECONDS)
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        cache.delete(_throttle_key(self.request))
        return super().form_valid(form)
