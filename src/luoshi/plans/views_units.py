"""The unit-mapping step's "new unit": a name the plan uses that the directory lacks becomes a unit (the
office, not only the administrator), the plan's mentions are mapped to it, and the office goes on to invite
the unit's liaison and head."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from luoshi.core.errors import DomainError
from luoshi.core.viewtools import login_post, redirect_after_post
from luoshi.orgs.forms import UnitCreateForm
from luoshi.orgs.services import unit_create

from .access import access_plan
from .services import plan_map_unit, unmapped_unit_names


@login_post
def plan_unit_create(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    plan = access_plan(user, pk, write=True)
    back = reverse("plans:plan_detail", args=[plan.pk]) + "#unmapped"
    form = UnitCreateForm(request.POST)
    if not form.is_valid():
        return redirect_after_post(request, back, DomainError(_("请选择单位类别。")))
    name = form.cleaned_data["name"].strip()
    if name not in unmapped_unit_names(plan):
        return redirect_after_post(request, back, DomainError(
            _("“%(name)s”不是本计划中待对应的单位名称。") % {"name": name}))
    try:
        with transaction.atomic():  # a unit nothing maps to would be left behind otherwise
            unit = unit_create(actor=user, name=name, kind=form.cleaned_data["kind"],
                               full_name=form.cleaned_data["full_name"])
            count = plan_map_unit(actor=user, plan=plan, name=name, unit=unit)
    except DomainError as exc:
        return redirect_after_post(request, back, exc)
    messages.success(request, _("已新建单位“%(name)s”并对应本计划中的%(count)s处，请邀请该单位的联络员和负责人。")
                     % {"name": unit.name, "count": count})
    return redirect_after_post(request, reverse("orgs:unit_accounts", args=[unit.pk]) + f"?plan={plan.pk}")


urlpatterns: list[URLPattern] = [
    path("<int:pk>/new-unit/", plan_unit_create, name="plan_unit_create"),
]
