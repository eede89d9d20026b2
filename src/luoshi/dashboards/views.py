"""The dashboards: the leader's (a plan and period at a glance), the supervising office's (what waits for
it) and a unit's (its own tasks, targets and assessment). Server-rendered; charts are inline SVG from
luoshi.core.charts; the leader's plan/period switch reloads the body only (htmx)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from luoshi.core import charts, clock
from luoshi.core.viewtools import is_htmx, login_get, paginate, require_office, require_readers
from luoshi.orgs.models import Unit
from luoshi.plans.access import plans_visible_to
from luoshi.plans.choices import PlanStatus
from luoshi.plans.selectors import RAG_AMBER, RAG_GREEN, RAG_LABELS, RAG_OVERDUE_NOTE, RAG_RED, RAG_RULE
from luoshi.reports.models import ReportingPeriod

from . import selectors


def stack_rag() -> list[charts.Series]:
    """The RAG series, labelled in the request's language (so built per request, not at import)."""
    return [charts.Series(RAG_GREEN, str(RAG_LABELS[RAG_GREEN]), charts.RAG_COLORS["green"]),
            charts.Series(RAG_AMBER, str(RAG_LABELS[RAG_AMBER]), charts.RAG_COLORS["amber"]),
            charts.Series(RAG_RED, str(RAG_LABELS[RAG_RED]), charts.RAG_COLORS["red"])]

CHART_UNITS = 15      # units drawn in the by-unit chart (the table lists all)
CHART_RANKING = 10    # best and worst units drawn in the on-time chart when there are more than twice this


@login_get
def index(request: HttpRequest) -> HttpResponse:
    """Each role's own dashboard."""
    user: Any = request.user
    if user.is_office:
        return HttpResponseRedirect(reverse("dashboards:supervisor"))
    if user.sees_everything:
        return HttpResponseRedirect(reverse("dashboards:leader"))
    if user.is_unit_user and user.unit_id:
        return HttpResponseRedirect(reverse("dashboards:unit"))
    raise Http404


@login_get
def leader(request: HttpRequest) -> HttpResponse:
    """A plan and period at a glance: tasks by status and RAG, by chapter and unit; overdue items;
    on-time reporting; plan-level targets; the published innovation index.

    Everyone who may open it sees the same data, so the rendered body is cached per plan, period, day and
    language, keyed by the newest audit entry: every change goes through a service that writes one, so
    a change shows at the next request; LUOSHI_DASHBOARD_CACHE_SECONDS bounds what an unaudited change
    (a bulk load, the clock) may leave stale.
    """
    user: Any = request.user
    require_readers(user)
    today = clock.today()
    plan_id, period_id = (_number(request.GET.get(name)) for name in ("plan", "period"))
    seconds = getattr(settings, "LUOSHI_DASHBOARD_CACHE_SECONDS", 60)
    key = selectors.leader_cache_key(plan_id=plan_id, period_id=period_id, today=today,
                                     language=get_language()) if seconds else None
    body = cache.get(key) if key else None
    if body is None:
        plans = selectors.published_plans(user)
        periods_of = selectors.periods_by_plan(plans)
        plan, period = selectors.pick(plans, periods_of, plan_id=plan_id, period_id=period_id, today=today)
        context: dict[str, Any] = {"plans": plans, "plan": plan, "period": period, "today": today,
                                   "periods": periods_of.get(plan.pk, []) if plan else []}
        with selectors.without_jit():
            if plan is not None:
                context.update(_leader_plan(user, plan, period, today))
            edition, previous, index_lines = selectors.published_index(user)
        context.update(edition=edition, previous_edition=previous, index_lines=index_lines,
                       index_chart=_index_chart(edition, previous, index_lines) if edition else None)
        body = render_to_string("dashboards/_leader_body.html", context, request=request)
        if key:
            cache.set(key, body, seconds)
    if is_htmx(request):
        return HttpResponse(body)
    return render(request, "dashboards/leader.html", {"body": mark_safe(body)})  # our own template, rendered above


def _number(value: str | None) -> str:
    """A query parameter that names an id, or "" (anything else: the default choice)."""
    return value if value and value.isdigit() and len(value) < 12 else ""


def _leader_plan(user: Any, plan: Any, period: ReportingPeriod | None, today: Any) -> dict[str, Any]:
    breakdown = selectors.plan_breakdown(user, plan, today=today)
    totals, chapters, units = breakdown.totals, breakdown.chapters, breakdown.units
    overdue = selectors.overdue_assignments(user, plan, today=today)
    ranking = selectors.on_time_ranking(user, plan, period=period, today=today)
    targets = selectors.plan_targets(user, plan)
    for line in targets:
        line.sparkline = charts.sparkline(
            line.trend_values, title=_("%(name)s历年实际值") % {"name": line.row.target.indicator.name_zh},
            description="，".join(f"{year}: {charts.format_number(value)}" for year, value in line.trend
                                 if value is not None) or _("暂无数据"))
    chapter_chart = charts.stacked_bar_chart(
        [charts.StackRow(row.label, row.counts) for row in chapters], stack_rag(),
        title=_("各章节任务红黄绿灯"), description=_("每章任务项按红灯、黄灯、绿灯计数")) if chapters else None
    unit_rows = units[:CHART_UNITS]
    unit_chart = charts.stacked_bar_chart(
        [charts.StackRow(row.label, row.counts) for row in unit_rows], stack_rag(),
        title=_("各单位任务红黄绿灯"),
        description=_("红灯最多的%(n)s个单位，任务项按红灯、黄灯、绿灯计数") % {"n": len(unit_rows)}) if units else None
    return {"rag_rule": RAG_RULE, "rag_overdue_note": RAG_OVERDUE_NOTE,
            "totals": totals, "chapters": chapters, "units": units, "chapter_chart": chapter_chart,
            "unit_chart": unit_chart, "overdue_total": overdue.count(),
            "overdue": selectors.days_overdue(overdue[:selectors.OVERDUE_ROWS], today=today),
            "overdue_url": reverse("dashboards:overdue", args=[plan.pk]),
            "reminders_url": selectors.url_with("reports:reminder_list", plan=plan.pk),
            "ranking": ranking, "ranking_chart": _ranking_chart(ranking), "targets": targets,
            "targets_url": reverse("indicators:attainment", args=[plan.pk])}


def _ranking_chart(ranking: list[selectors.UnitReporting]) -> Any:
    rated = [row for row in ranking if row.rate is not None]
    if not rated:
        return None
    shown = rated if len(rated) <= 2 * CHART_RANKING else rated[:CHART_RANKING] + rated[-CHART_RANKING:]
    description = _("按时报送率（按时报送的报告占应报报告的比例），共%(n)s个单位") % {"n": len(rated)}
    if len(shown) < len(rated):
        description += _("；图中为前%(k)s名和后%(k)s名") % {"k": CHART_RANKING}
    return charts.bar_chart([charts.Bar(f"{row.rank}. {row.name}", round(row.rate or 0, 1),
                                        color=_rate_color(row.rate)) for row in shown],
                            title=_("各单位按时报送率"), description=description, suffix="%", max_value=100,
                            decimals=1)


def _rate_color(rate: float | None) -> str:
    if rate is None:
        return charts.RAG_COLORS["grey"]
    if rate >= 90:
        return charts.RAG_COLORS["green"]
    return charts.RAG_COLORS["amber"] if rate >= 60 else charts.RAG_COLORS["red"]


def _index_chart(edition: Any, previous: Any, lines: list[selectors.IndexLine]) -> Any:
    description = _("%(method)s %(year)s年：各地区指数得分与名次，名次区间为不确定性分析的5%%–95%%分位") % {
        "method": edition.method.title or edition.method.method_id, "year": edition.year}
    if previous is not None:
        description += _("；较上年为与%(year)s年版相比的名次变化") % {"year": previous.year}
    return charts.ranked_interval_chart(
        [charts.RankedItem(line.region, line.index, line.rank, line.rank_5, line.rank_95, change=line.change)
         for line in lines], title=_("创新指数排名"), description=description)


@login_get
def supervisor(request: HttpRequest) -> HttpResponse:
    """The office's desk (督查工作台): the review queue, what falls due in the next 7 days, who has not
    reported, returns, closing and extension requests, appeals and answers to instructions waiting."""
    user: Any = request.user
    require_office(user)
    today = clock.today()
    context = selectors.supervisor_counts(user, today=today)
    context.update(today=today, extensions=selectors.pending_extensions(user),
                   appeals_list=selectors.pending_appeals(user),
                   closing=list(selectors.closing_requests(user)[:10]),
                   answers=list(selectors.instruction_answers_waiting(user)[:10]))
    return render(request, "dashboards/supervisor.html", context)


@login_get
def unit_own(request: HttpRequest) -> HttpResponse:
    """The signed-in unit account's own dashboard."""
    user: Any = request.user
    if not (user.is_unit_user and user.unit_id):
        raise Http404
    return _unit_page(request, user.unit)


@login_get
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's dashboard: any unit for the office and leaders, only its own for a unit account."""
    user: Any = request.user
    if user.sees_everything:
        unit = Unit.objects.filter(pk=pk, is_group=False).first()
    elif user.is_unit_user and user.unit_id == pk:
        unit = user.unit
    else:
        unit = None
    if unit is None:
        raise Http404
    return _unit_page(request, unit)


def _unit_page(request: HttpRequest, unit: Unit) -> HttpResponse:
    user: Any = request.user
    today = clock.today()
    tasks = selectors.unit_task_summary(user, unit, today=today)
    targets = selectors.unit_targets(user, unit)
    for line in targets:
        line.sparkline = charts.sparkline(
            line.trend_values, title=_("%(name)s历年实际值") % {"name": line.row.target.indicator.name_zh},
            description="，".join(f"{year}: {charts.format_number(value)}" for year, value in line.trend
                                 if value is not None) or _("暂无数据"))
    assessment = selectors.unit_assessment(user, unit, today=today)
    own = bool(user.is_unit_user and user.unit_id == unit.pk)
    return render(request, "dashboards/unit.html", {
        "unit": unit, "today": today, "own": own, "tasks": tasks, "targets": targets,
        "assessment": assessment})


@login_get
def outstanding(request: HttpRequest, pk: int) -> HttpResponse:
    """The assignments that still owe their report for one period (the office and leaders)."""
    user: Any = request.user
    require_readers(user)
    try:
        period = ReportingPeriod.objects.select_related("plan").get(
            pk=pk, plan__in=plans_visible_to(user).filter(status=PlanStatus.PUBLISHED))
    except ReportingPeriod.DoesNotExist:
        raise Http404 from None
    rows = (selectors.outstanding_assignments(user, period).select_related("task", "unit")
            .order_by("unit__sort_order", "unit__name", "task__position"))
    page = paginate(request, rows, size=50)
    return render(request, "dashboards/outstanding.html", {"period": period, "page": page, "today": clock.today()})


@login_get
def overdue(request: HttpRequest, pk: int) -> HttpResponse:
    """Every open assignment of a plan past its deadline, with days overdue and reminders sent."""
    user: Any = request.user
    require_readers(user)
    plan = next((p for p in selectors.published_plans(user) if p.pk == pk), None)
    if plan is None:
        raise Http404
    today = clock.today()
    page = paginate(request, selectors.overdue_assignments(user, plan, today=today), size=50)
    rows = selectors.days_overdue(page.object_list, today=today)
    return render(request, "dashboards/overdue.html", {"plan": plan, "page": page, "rows": rows, "today": today})


@login_get
def unit_reporting(request: HttpRequest, pk: int, unit_id: int) -> HttpResponse:
    """What a unit's on-time ranking counts: every report it owed up to a period, on time, late or missing."""
    user: Any = request.user
    require_readers(user)
    plan = next((p for p in selectors.published_plans(user) if p.pk == pk), None)
    unit = Unit.objects.filter(pk=unit_id).first()
    if plan is None or unit is None:
        raise Http404
    period = ReportingPeriod.objects.filter(plan=plan, pk=request.GET.get("period") or 0).first() \
        if (request.GET.get("period") or "").isdigit() else None
    state = request.GET.get("state", "")
    rows = selectors.unit_reporting_rows(user, plan, unit.pk, period=period, today=clock.today())
    counts = {name: sum(1 for row in rows if row.state == name) for name in selectors.REPORTING_STATES}
    shown = [row for row in rows if row.state == state] if state in selectors.REPORTING_STATES else rows
    return render(request, "dashboards/unit_reporting.html", {
        "plan": plan, "unit": unit, "period": period, "state": state, "counts": counts, "owed": len(rows),
        "page": paginate(request, shown, size=50)})


urlpatterns = [
    path("", index, name="index"),
    path("leader/", leader, name="leader"),
    path("office/", supervisor, name="supervisor"),
    path("unit/", unit_own, name="unit"),
    path("units/<int:pk>/", unit_detail, name="unit_detail"),
    path("periods/<int:pk>/outstanding/", outstanding, name="outstanding"),
    path("plans/<int:pk>/overdue/", overdue, name="overdue"),
    path("plans/<int:pk>/units/<int:unit_id>/reporting/", unit_reporting, name="unit_reporting"),
]
