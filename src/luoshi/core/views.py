"""Home (each role lands on its own page) and the login page (failed attempts are limited by django-axes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core import clock
from luoshi.orgs.choices import Role
from luoshi.plans.access import assignments_visible_to, plans_visible_to
from luoshi.plans.choices import AssignmentStatus, PlanStatus
from luoshi.plans.models import Assignment
from luoshi.reports.choices import ReportStatus, ReviewAction
from luoshi.reports.models import Report, Review
from luoshi.reports.selectors import my_tasks_queryset

# The pages each persona starts from (other packages' pages, by URL name).
OFFICE_LINKS = (
    ("dashboards:supervisor", gettext_lazy("督查工作台"), gettext_lazy("待审核、本周到期、未报送、退回、延期与申诉")),
    ("plans:ledger", gettext_lazy("任务台账"), gettext_lazy("全部任务、责任单位、进展与红黄绿灯")),
    ("plans:review_queue", gettext_lazy("审核队列"), gettext_lazy("各单位已报送、待审核的进展报告")),
    ("plans:plan_import", gettext_lazy("导入计划"), gettext_lazy("上传工作计划文件，生成任务清单")),
)
UNIT_LINKS = (
    ("dashboards:unit", gettext_lazy("本单位工作台"), gettext_lazy("本单位的任务、指标目标与考核情况")),
    ("reports:my_tasks", gettext_lazy("我的任务"), gettext_lazy("本单位承办的任务与各期进展报告")),
    ("plans:ledger", gettext_lazy("任务台账"), gettext_lazy("本单位任务的进展与红黄绿灯")),
)
LEADER_LINKS = (
    ("dashboards:leader", gettext_lazy("领导驾驶舱"), gettext_lazy("红黄绿灯、逾期、报送排名、目标与创新指数")),
    ("plans:ledger", gettext_lazy("任务台账"), gettext_lazy("全部任务、责任单位、进展与红黄绿灯")),
    ("plans:plan_list", gettext_lazy("工作计划"), gettext_lazy("各项计划及其任务清单")),
)

# 三员分立: each administrator starts from their own part of the admin, and nothing of the office's.
ADMIN_LINKS = {
    Role.ADMIN: (
        ("admin:orgs_user_changelist", gettext_lazy("账号"),
         gettext_lazy("创建账号，修改账号信息和所属单位，重设密码")),
        ("admin:orgs_unit_changelist", gettext_lazy("单位目录"), gettext_lazy("单位、简称、别名与单位集合")),
        ("orgs:unit_import", gettext_lazy("导入单位目录"), gettext_lazy("从文件批量导入或更新单位")),
    ),
    Role.SECURITY_ADMIN: (
        ("admin:orgs_user_changelist", gettext_lazy("账号"), gettext_lazy("授予角色，锁定和解锁账号，重置双因素认证")),
        ("admin:axes_accessattempt_changelist", gettext_lazy("登录锁定"),
         gettext_lazy("连续登录失败被锁定的账号与地址，可解除锁定")),
        ("account:security_policy", gettext_lazy("安全策略"), gettext_lazy("密码、登录锁定与会话的现行规则")),
    ),
    Role.AUDIT_ADMIN: (
        ("admin:core_auditentry_changelist", gettext_lazy("审计日志"), gettext_lazy("查看全部操作记录")),
    ),
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    today = clock.today()
    if user.is_office:
        context = {"persona": "office", "links": _links(OFFICE_LINKS), **office_summary(user, today=today)}
    elif user.is_unit_user:
        context = {"persona": "unit", "links": _links(UNIT_LINKS), **unit_summary(user, today=today)}
    elif user.role == Role.LEADER:
        context = {"persona": "leader", "links": _links(LEADER_LINKS), "plans": leader_summary(user, today=today)}
    elif user.role in ADMIN_LINKS:
        context = {"persona": "administrator", "links": _links(ADMIN_LINKS[user.role])}
    else:
        context = {"persona": "none"}
    return render(request, "core/home.html", {"today": today, **context})


def _links(table: tuple[tuple[str, Any, Any], ...]) -> list[dict[str, Any]]:
    return [{"url": reverse(name), "title": title, "description": description} for name, title, description in table]


# ---------------------------------------------------------------------------------------------------
# Reads for the home page. Each starts from the access helpers (through my_tasks_queryset, which the
# unit's task list also uses), so a unit only ever counts its own rows and the numbers match that list.


def _task_counts(assignments: QuerySet[Assignment], *, today: dt.date) -> dict[str, int]:
    """Counts over my_tasks_queryset() rows, so they match the filters of the unit's task list."""
    is_open = Q(status=AssignmentStatus.OPEN)
    counts: dict[str, int] = assignments.aggregate(
        open=Count("pk", filter=is_open), closed=Count("pk", filter=~is_open),
        due=Count("pk", filter=is_open & Q(delivered_now=False)),
        overdue=Count("pk", filter=is_open & Q(is_overdue=True)),
        past_deadline=Count("pk", filter=is_open & Q(deadline__lt=today)),
        with_returned=Count("pk", filter=Q(has_returned=True)),
    )
    return counts


def unit_summary(user: Any, *, today: dt.date) -> dict[str, Any]:
    """The unit's task counts (due this period, overdue, returned, past deadline) and its returned reports."""
    counts = _task_counts(my_tasks_queryset(user, today=today), today=today)
    reports = Report.objects.filter(assignment__in=assignments_visible_to(user))
    return_comment = (Review.objects.filter(report=OuterRef("pk"), action=ReviewAction.RETURN)
                      .order_by("-created_at", "-pk").values("comment")[:1])
    returned = (reports.filter(status=ReportStatus.RETURNED)
                .annotate(return_comment=Subquery(return_comment))
                .select_related("assignment__task", "period").order_by("period__start", "pk"))
    counts["drafts"] = reports.filter(status__in=(ReportStatus.DRAFT, ReportStatus.APPROVED)).count()
    return {"counts": counts, "returned_reports": list(returned[:10])}


def office_summary(user: Any, *, today: dt.date) -> dict[str, Any]:
    """What the supervising office acts on: reports to review, overdue tasks, plans to publish."""
    plans = plans_visible_to(user).aggregate(
        draft=Count("pk", filter=Q(status=PlanStatus.DRAFT)),
        published=Count("pk", filter=Q(status=PlanStatus.PUBLISHED)))
    reports = Report.objects.filter(assignment__in=assignments_visible_to(user)).aggregate(
        submitted=Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
        returned=Count("pk", filter=Q(status=ReportStatus.RETURNED)),
        accepted=Count("pk", filter=Q(status=ReportStatus.ACCEPTED)))
    tasks = _task_counts(my_tasks_queryset(user, today=today), today=today)
    recent = list(plans_visible_to(user).order_by("-created_at")[:10])
    return {"counts": {**plans, **reports, "overdue": tasks["overdue"], "past_deadline": tasks["past_deadline"]},
            "recent_plans": recent}


def leader_summary(user: Any, *, today: dt.date) -> list[dict[str, Any]]:
    """Per published plan: task items, assignments open/closed/overdue, reports by status."""
    plans = list(plans_visible_to(user).filter(status=PlanStatus.PUBLISHED).order_by("-published_at", "-pk")
                 .annotate(items=Count("tasks", filter=Q(tasks__is_item=True, tasks__removed=False))))
    rows = my_tasks_queryset(user, today=today).filter(task__plan__in=[p.pk for p in plans])
    by_plan: dict[int, dict[str, int]] = {p.pk: {} for p in plans}
    is_open = Q(status=AssignmentStatus.OPEN)
    for row in rows.order_by().values("task__plan").annotate(
            open=Count("pk", filter=is_open), closed=Count("pk", filter=~is_open),
            overdue=Count("pk", filter=is_open & Q(is_overdue=True)),
            past_deadline=Count("pk", filter=is_open & Q(deadline__lt=today))):
        by_plan[row.pop("task__plan")].update(row)
    for report in (Report.objects.filter(assignment__in=rows).order_by().values("assignment__task__plan", "status")
                   .annotate(n=Count("pk"))):
        by_plan[report["assignment__task__plan"]][report["status"]] = report["n"]
    names = ("open", "closed", "past_deadline", "overdue", *ReportStatus.values)
    return [{"plan": plan, "items": plan.items, **{name: by_plan[plan.pk].get(name, 0) for name in names}}
            for plan in plans]


# ---------------------------------------------------------------------------------------------------
# Login


class LoginView(auth_views.LoginView):  # type: ignore[misc]
    """Django's login. Failed attempts are counted, and lock the account for a while, by django-axes on
    every login path (this one and /admin/login/); see AXES_* in settings and login_locked_out below."""


def login_locked_out(request: HttpRequest, response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """django-axes' answer to a locked account and address (AXES_LOCKOUT_CALLABLE): the login page, 429."""
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    message = _("登录失败次数过多，已锁定%(minutes)d分钟，请稍后再试。") % {
        "minutes": settings.LUOSHI_LOGIN_LOCKOUT_MINUTES}
    return render(request, "registration/login.html", {"form": form, "locked_out": message,
                                                       "next": request.POST.get("next", "")}, status=429)
