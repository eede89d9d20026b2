"""A unit's accounts for the office: who can receive the unit's duties, and inviting its liaison and head.
An invited account has no password; its owner opens the one-time link and sets one (Django's reset token)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse, reverse_lazy
from django.utils.translation import gettext as _

from luoshi.core.errors import DomainError
from luoshi.core.viewtools import login_form, require_office

from .choices import Role
from .forms import InviteForm
from .models import Unit, User
from .services import user_invite


@login_form
def unit_accounts(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    require_office(user)
    unit = Unit.objects.filter(pk=pk, is_group=False).first()
    if unit is None:
        raise Http404
    form = InviteForm(request.POST or None)
    link = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invited, link = user_invite(actor=user, unit=unit, role=data["role"], username=data["username"],
                                        name=data["name"], email=data["email"], phone=data["phone"],
                                        site_url=request.build_absolute_uri("/").rstrip("/"))
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已为%(unit)s创建账号“%(username)s”。") % {
                "unit": unit.name, "username": invited.username})
            form = InviteForm()
    accounts = User.objects.filter(unit=unit, role__in=[Role.LIAISON, Role.HEAD]).order_by("role", "username")
    plan = request.GET.get("plan", "")
    return render(request, "orgs/unit_accounts.html", {
        "unit": unit, "form": form, "accounts": accounts, "link": link,
        "plan_url": reverse("plans:plan_detail", args=[plan]) if plan.isdigit() and len(plan) < 12 else ""})


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The invited account's first login: choose the password through the one-time link."""

    template_name = "orgs/set_password.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("密码已设置，请登录。"))
        return response


urlpatterns: list[URLPattern] = [
    path("<int:pk>/accounts/", unit_accounts, name="unit_accounts"),
    path("set-password/<uidb64>/<token>/", SetPasswordView.as_view(), name="set_password"),
]
