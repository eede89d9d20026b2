"""Indicator pages: the catalogue, a region's figures with their history, the statistics upload, the
matching of a plan's parsed targets to the catalogue, and the attainment of a plan's targets.

Views load objects through indicators.access (404 for anything not visible), parse input with a form,
call one service and render or redirect. Domain errors become a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRefresh

from luoshi.core.errors import DomainError
from luoshi.core.viewtools import is_htmx, login_form, login_get, login_post, paginate, require_office
from luoshi.plans.models import Plan, Target

from . import index as index_services
from . import selectors, services
from .access import (
    access_edition,
    access_observation,
    access_plan_targets,
    access_region,
    editions_visible_to,
    regions_visible_to,
    targets_visible_to,
)
from .choices import EditionState
from .forms import ComputeForm, MapTargetForm, MethodForm, RuleForm, UploadForm
from .models import IndexMethod, Indicator, IndicatorTarget, Region


@login_get
def index(request: HttpRequest) -> HttpResponse:
    """Where to go: the regions and the plans with targets this account may see."""
    plan_ids = targets_visible_to(request.user).values("plan_id")
    plans = Plan.objects.filter(pk__in=plan_ids).order_by("-year", "title")
    if request.user.is_office:
        plans = Plan.objects.order_by("-year", "title")
    plan_rows = [(plan, selectors.self_report_flag_count(plan) if request.user.is_office else 0) for plan in plans]
    context = {"regions": regions_visible_to(request.user).select_related("unit"), "plans": plan_rows}
    return render(request, "indicators/index.html", context)


@login_get
def indicator_list(request: HttpRequest) -> HttpResponse:
    """The catalogue (readable by every account: definitions are not confidential)."""
    page = paginate(request, Indicator.objects.prefetch_related("aliases").order_by("code"), size=50)
    return render(request, "indicators/indicator_list.html", {"page": page})


@login_get
def region_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A region's figures, every revision kept: the latest is used, older ones are shown struck through."""
    region = access_region(request.user, pk)
    page = paginate(request, selectors.region_observations(region), size=50)
    rows = [(obs, None if gap is None else f"{gap * 100:+.1f}")
            for obs, gap in zip(page.object_list, selectors.self_report_gaps(page.object_list), strict=True)]
    editions = index_services.region_editions(editions_visible_to(request.user), region.name)
    breakdown = index_services.region_breakdown(editions[0][0], region.name) if editions else None
    return render(request, "indicators/region_detail.html", {
        "region": region, "page": page, "rows": rows, "editions": editions, "breakdown": breakdown,
        "show_values": True, "illustrative": region.observations.filter(illustrative=True).exists()})


@login_post
def observation_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The office confirms a unit's self-reported figure (a plain POST from the region's page)."""
    observation = access_observation(request.user, pk, write=True)
    try:
        services.observation_confirm(actor=request.user, observation=observation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已确认单位自报数"))
    return HttpResponseRedirect(reverse("indicators:region_detail", args=[observation.region_id]) + "#figures")


@login_form
def upload(request: HttpRequest) -> HttpResponse:
    """The statistics office's sheet: every figure stored or none, problems listed by cell."""
    require_office(request.user)
    errors: list[Any] = []
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            stored = services.observations_upload(
                actor=request.user, data=data["file"].read(), filename=data["file"].name, year=data["year"],
                through_month=data["through_month"], source=data["source"])
        except services.SheetRejected as error:
            messages.error(request, error.message)
            errors = error.errors
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已保存%(n)d条数据") % {"n": stored.row_count})
            return HttpResponseRedirect(reverse("indicators:upload"))
    return render(request, "indicators/upload.html", {"form": form, "errors": errors},
                  status=422 if errors else 200)


@login_form
def plan_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """Match the plan's parsed targets to the catalogue; list the unmatched ones to map."""
    plan = access_plan_targets(request.user, pk, write=True)
    if request.method == "POST":
        try:
            result = services.targets_match(actor=request.user, plan=plan)
            messages.success(request, _("新对应%(n)d个目标，%(m)d个待人工对应") % {
                "n": len(result.created), "m": len(result.unmatched)})
        except DomainError as error:
            messages.error(request, error.message)
        return HttpResponseRedirect(reverse("indicators:plan_targets", args=[plan.pk]))
    matched = (IndicatorTarget.objects.filter(plan=plan)
               .select_related("indicator", "region", "responsible_unit", "source_target"))
    unmatched = (Target.objects.filter(task__plan=plan, indicator_target__isnull=True)
                 .select_related("task").order_by("task__position", "position"))
    forms_for = [(t, selectors.target_sentence(plan, t), MapTargetForm(initial={"target": t.pk},
                                                                       prefix=f"t{t.pk}"))
                 for t in unmatched]
    rows = [(t, selectors.target_sentence(plan, t.source_target) if t.source_target else "") for t in matched]
    return render(request, "indicators/plan_targets.html", {"plan": plan, "rows": rows, "unmatched": forms_for})


@login_post
def target_map(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    plan = access_plan_targets(request.user, pk, write=True)
    target = Target.objects.filter(task__plan=plan, pk=target_pk).first()
    url = reverse("indicators:plan_targets", args=[plan.pk])
    form = MapTargetForm(request.POST, prefix=f"t{target_pk}")
    if target is None or not form.is_valid():
        messages.error(request, _("请选择要对应的指标"))
        return HttpResponseRedirect(url)
    try:
        services.target_map(actor=request.user, target=target, indicator=form.cleaned_data["indicator"])
    except DomainError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(url)


@login_get
def attainment(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's targets with their latest actual, expected value by now, attainment and RAG (rule shown)."""
    plan = access_plan_targets(request.user, pk)
    rule = selectors.attainment_rule_for(plan)
    # Every target's row is computed (two queries) so the self-report flags are counted over the plan.
    # The office sees unconfirmed self-reports too (marked 未确认); everyone else sees counted figures only.
    all_rows = selectors.attainment_rows(selectors.plan_targets_for(request.user, plan), rule,
                                         unconfirmed=request.user.is_office)
    flagged = [row for row in all_rows if row.discrepancy]
    flagged_only = request.GET.get("flagged") == "1"
    page = paginate(request, flagged if flagged_only else all_rows, size=50)
    rows = page.object_list
    rule_form = None
    if request.user.is_office:
        rule_form = RuleForm(initial={
            "red_below": rule.red_below, "amber_below": rule.amber_below,
            "seasonal_profile": ", ".join(f"{v:g}" for v in rule.seasonal_profile),
            "self_report_tolerance": rule.self_report_tolerance})
    return render(request, "indicators/attainment.html", {
        "plan": plan, "rows": rows, "page": page, "rule_text": selectors.rule_text(rule), "rule_form": rule_form,
        "flagged_count": len(flagged), "flagged_only": flagged_only,
        "illustrative": any(row.actual is not None and row.actual.illustrative for row in all_rows)})


@login_post
def attainment_rule(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan_targets(request.user, pk, write=True)
    form = RuleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            services.attainment_rule_set(actor=request.user, plan=plan, **form.cleaned_data)
            messages.success(request, _("达标规则已保存"))
        except DomainError as error:
            messages.error(request, error.message)
    return HttpResponseRedirect(reverse("indicators:attainment", args=[plan.pk]))


# --- the composite index -------------------------------------------------------------------------------


@login_form
def index_home(request: HttpRequest) -> HttpResponse:
    """Editions (published for everyone, drafts for the office) and, for the office, methods and computing."""
    page = paginate(request, editions_visible_to(request.user).select_related("method"))
    context: dict[str, Any] = {"page": page, "any_illustrative": any(e.illustrative for e in page.object_list)}
    if request.user.is_office:
        method_form = MethodForm(request.POST or None, prefix="m")
        compute_form = ComputeForm(prefix="c")
        if request.method == "POST" and method_form.is_valid():
            try:
                stored = index_services.index_method_save(actor=request.user, text=method_form.cleaned_data["text"])
                messages.success(request, _("方法已保存：%(m)s") % {"m": stored})
                return HttpResponseRedirect(reverse("indicators:index_home"))
            except DomainError as error:
                method_form.add_error("text", error.message)
        context.update(methods=IndexMethod.objects.all(), method_form=method_form, compute_form=compute_form)
    elif request.method == "POST":
        require_office(request.user)
    return render(request, "indicators/index_home.html", context)


@login_post
def edition_compute(request: HttpRequest) -> HttpResponse:
    """Queue the computation; the edition page shows its state and refreshes itself until it is done."""
    require_office(request.user)
    form = ComputeForm(request.POST, prefix="c")
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return HttpResponseRedirect(reverse("indicators:index_home"))
    data = form.cleaned_data
    try:
        edition = index_services.index_edition_request(actor=request.user, method=data["method"], year=data["year"],
                                                       draws=data["draws"], note=data["note"])
    except DomainError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("indicators:index_home"))
    return HttpResponseRedirect(reverse("indicators:edition_detail", args=[edition.pk]))


def _region_ids(names: list[str]) -> dict[str, int]:
    return dict(Region.objects.filter(name__in=names).values_list("name", "pk"))


@login_get
def edition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Each region's score, pillar scores, rank with its 5–95% interval, contributions, and the method in words.

    While the edition is being computed the page shows its state and polls (htmx); once the job has
    finished, the poll answers with a refresh so the whole page shows the result or the failure.
    """
    edition = access_edition(request.user, pk)
    pending = edition.state in (EditionState.QUEUED, EditionState.RUNNING)
    if is_htmx(request):
        if pending:
            return render(request, "indicators/_edition_state.html", {"edition": edition})
        return HttpResponseClientRefresh()
    method = index_services.method_of(edition.method)
    rows = index_services.edition_rows(edition)
    pillars = index_services.pillar_columns(method)
    indicators = [(i.name, i.label or i.name) for i in method.indicators]
    region_ids = _region_ids([r.region for r in rows])
    lines = [(row, region_ids.get(row.region), [row.pillars.get(name) for name, _heading in pillars],
              [row.contributions.get(name) for name, _label in indicators]) for row in rows]
    marks = index_services.rank_marks(rows)
    for row in rows:
        row.chart = marks.get(row.region)
    return render(request, "indicators/edition_detail.html", {
        "chart_width": index_services.CHART_WIDTH,
        "edition": edition, "pending": pending, "lines": lines, "pillars": pillars, "indicators": indicators,
        "additive": index_services.is_additive(method), "description": method.describe("zh"),
        "uncertainty_lines": index_services.uncertainty_lines(edition.uncertainty),
        "ranking_line": index_services.ranking_line(edition.result),
        "notice_lines": index_services.notice_lines(edition.result),
        "audit": index_services.edition_audit(edition),
        "comparison": index_services.edition_comparison(edition)})


@login_get
def edition_region(request: HttpRequest, pk: int, region_pk: int) -> HttpResponse:
    """One region's score in an edition opened into its indicators (values only for readers of its figures)."""
    edition = access_edition(request.user, pk)
    region = Region.objects.filter(pk=region_pk).first()
    breakdown = index_services.region_breakdown(edition, region.name) if region is not None else None
    if breakdown is None:
        raise Http404
    return render(request, "indicators/edition_region.html", {
        "edition": edition, "region": region, "breakdown": breakdown,
        "show_values": regions_visible_to(request.user).filter(pk=region.pk).exists(),
        "description": index_services.method_of(edition.method).describe("zh")})


@login_post
def edition_publish(request: HttpRequest, pk: int) -> HttpResponse:
    edition = access_edition(request.user, pk, write=True)
    try:
        index_services.index_edition_publish(actor=request.user, edition=edition)
    except DomainError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(reverse("indicators:edition_detail", args=[edition.pk]))


urlpatterns: list[URLPattern] = [
    path("", index, name="index"),
    path("catalogue/", indicator_list, name="indicator_list"),
    path("regions/<int:pk>/", region_detail, name="region_detail"),
    path("observations/<int:pk>/confirm/", observation_confirm, name="observation_confirm"),
    path("upload/", upload, name="upload"),
    path("plans/<int:pk>/targets/", plan_targets, name="plan_targets"),
    path("plans/<int:pk>/targets/<int:target_pk>/map/", target_map, name="target_map"),
    path("plans/<int:pk>/attainment/", attainment, name="attainment"),
    path("plans/<int:pk>/rule/", attainment_rule, name="attainment_rule"),
    path("index/", index_home, name="index_home"),
    path("index/compute/", edition_compute, name="edition_compute"),
    path("index/editions/<int:pk>/", edition_detail, name="edition_detail"),
    path("index/editions/<int:pk>/publish/", edition_publish, name="edition_publish"),
    path("index/editions/<int:pk>/regions/<int:region_pk>/", edition_region, name="edition_region"),
]
