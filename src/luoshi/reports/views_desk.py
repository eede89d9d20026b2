"""Batch pages: the review queue with filters, export and "accept selected"; the overdue list with filters,
export and 一键催办; the unit head's reports waiting for approval with "approve / approve and submit".

Batch posts name report ids: `access.access_reports` loads them all before anything changes (an id the user
may not act on: 404 for the whole request), then each report goes through its own service (batch.py).
The chase names no ids at all: it re-runs the page's filter on the server and chases those rows.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core import clock
from luoshi.core.errors import DomainError
from luoshi.core.pagecache import fragment_cache
from luoshi.core.viewtools import (
    download_response,
    login_get,
    login_post,
    paginate,
    redirect_after_post,
    require_readers,
)
from luoshi.orgs.choices import Role

from . import batch, desk, selectors
from .access import access_reports, reports_visible_to
from .models import Report

PAGE_SIZE = 50


def _query(params: QueryDict) -> str:
    """The filter part of a query string (no page, no csrf token): what the batch forms carry back."""
    kept = [(k, v) for k in params for v in params.getlist(k)
            if k not in ("page", "csrfmiddlewaretoken", "report", "message", "action") and not k.startswith("version_")]
    return urlencode(kept)


def _versions(request: HttpRequest, reports: list[Report]) -> list[tuple[Report, int | None]]:
    """Each report with the version the page showed (a report changed since is refused, not overwritten)."""
    pairs = []
    for report in reports:
        raw = request.POST.get(f"version_{report.pk}", "")
        pairs.append((report, int(raw) if raw.isdigit() else None))
    return pairs


def _tell(request: HttpRequest, result: batch.BatchResult, done: str) -> None:
    if result.done:
        messages.success(request, done % {"count": len(result.done)})
    for report, reason in result.refused[:20]:
        messages.error(request, _("%(task)s（%(unit)s，%(period)s）未处理：%(reason)s") % {
            "task": report.assignment.task.display_path, "unit": report.assignment.unit.name,
            "period": report.period.label, "reason": reason})
    if len(result.refused) > 20:
        messages.error(request, _("另有%(count)d份报告未处理。") % {"count": len(result.refused) - 20})


# --- the review queue -------------------------------------------------------------------------------------


def review_list(request: HttpRequest) -> HttpResponse:
    """The review queue (plans:review_queue renders it): filters, export, accept the selected reports."""
    user: Any = request.user
    require_readers(user)
    review_filter = desk.ReviewFilter(request.GET or None, queryset=desk.review_reports(user), request=request)
    page = paginate(request, review_filter.qs, PAGE_SIZE)  # the rows are read only when the cached table is stale
    now = clock.now()
    return render(request, "reports/desk/review_list.html", {
        "filter": review_filter, "page": page, "now": now, "query": _query(request.GET),
        "can_accept": user.is_office, "page_cache": fragment_cache(request),
        "minute": now.strftime("%Y%m%d%H%M")})  # the rows show how long each report has waited


@login_get
def review_export(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require_readers(user)
    review_filter = desk.ReviewFilter(request.GET or None, queryset=desk.review_reports(user), request=request)
    content = desk.review_export(review_filter.qs)
    return download_response(content, content_type=desk.XLSX_CONTENT_TYPE,
                             filename=_("审核队列-%(day)s.xlsx") % {"day": clock.today().isoformat()})


class AcceptManyForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("审核意见（可选）"), required=False, max_length=2000)


@login_post
def review_accept_many(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.is_office:
        raise Http404
    back = reverse("plans:review_queue") + "?" + _query(request.POST)
    reports = access_reports(user, request.POST.getlist("report"))
    form = AcceptManyForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        result = batch.reports_accept_many(actor=user, reports=_versions(request, reports), comment=comment)
    except DomainError as exc:
        return redirect_after_post(request, back, exc)
    _tell(request, result, _("已通过%(count)d份报告。"))
    return redirect_after_post(request, back)


# --- the overdue list and 一键催办 -------------------------------------------------------------------------


def _overdue(request: HttpRequest, params: QueryDict) -> tuple[desk.OverdueFilter, list[desk.OverdueRow]]:
    today = clock.today()
    overdue_filter = desk.OverdueFilter(params or None, queryset=desk.overdue_assignments(request.user, today=today),
                                        request=request, today=today)
    period, state = overdue_filter.chosen()
    rows = desk.overdue_rows(overdue_filter.qs, today=today, period=period, state=state)
    return overdue_filter, rows


@login_get
def overdue_list(request: HttpRequest) -> HttpResponse:
    """Every report owed past its due date (逾期未报送), filtered; the office chases them all in one go."""
    user: Any = request.user
    require_readers(user)
    overdue_filter, rows = _overdue(request, request.GET)
    page = paginate(request, rows, PAGE_SIZE)
    return render(request, "reports/desk/overdue_list.html", {
        "filter": overdue_filter, "page": page, "total": len(rows), "query": _query(request.GET),
        "to_chase": sum(1 for row in rows if not row.chased),
        "units_to_chase": len({row.assignment.unit_id for row in rows if not row.chased}),
        "can_chase": user.is_office, "today": clock.today()})


@login_get
def overdue_export(request: HttpRequest) -> HttpResponse:
    require_readers(request.user)
    _overdue_filter, rows = _overdue(request, request.GET)
    return download_response(desk.overdue_export(rows), content_type=desk.XLSX_CONTENT_TYPE,
                             filename=_("逾期未报送-%(day)s.xlsx") % {"day": clock.today().isoformat()})


@login_post
def overdue_chase(request: HttpRequest) -> HttpResponse:
    """一键催办: chase every row of the filter the page showed (re-run here: no ids are trusted)."""
    user: Any = request.user
    if not user.is_office:
        raise Http404
    params = QueryDict(_query(request.POST))
    back = reverse("reports:overdue_reports") + "?" + params.urlencode()
    _overdue_filter, rows = _overdue(request, params)
    try:
        result = batch.overdue_chase(actor=user, pairs=[(row.assignment, row.period) for row in rows],
                                     message=request.POST.get("message", ""), today=clock.today())
    except DomainError as exc:
        return redirect_after_post(request, back, exc)
    if result.sent:
        messages.success(request, _("已向%(units)d个单位发出催办，涉及%(count)d份逾期报告。") % {
            "units": result.units, "count": result.sent})
    else:
        messages.info(request, _("没有需要催办的报告。"))
    if result.already:
        messages.info(request, _("%(count)d份报告此前已催办过，未再重复催办。") % {"count": result.already})
    if result.no_account:
        messages.warning(request, _("%(count)d份报告的单位尚无联络员或负责人账号，无法催办。") % {
            "count": result.no_account})
    return redirect_after_post(request, back)


# --- the unit head's approvals ----------------------------------------------------------------------------


@login_get
def approvals(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not (user.is_unit_user and user.unit_id):
        raise Http404
    page = paginate(request, selectors.reports_awaiting_approval(reports_visible_to(user), unit_id=user.unit_id)
                    .select_related("created_by"), PAGE_SIZE)
    return render(request, "reports/desk/approvals.html", {"page": page, "is_head": user.role == Role.HEAD})


@login_post
def approvals_apply(request: HttpRequest) -> HttpResponse:
    """The head approves, or approves and submits, the selected reports of the own unit."""
    user: Any = request.user
    if not (user.is_unit_user and user.unit_id):
        raise Http404
    back = reverse("reports:approvals")
    reports = access_reports(user, request.POST.getlist("report"))
    submit = request.POST.get("action") == "submit"
    try:
        result = batch.reports_approve_many(actor=user, reports=_versions(request, reports), submit=submit)
    except DomainError as exc:
        return redirect_after_post(request, back, exc)
    _tell(request, result, _("已审核并报送%(count)d份报告。") if submit else _("已审核%(count)d份报告。"))
    return redirect_after_post(request, back)


urlpatterns: list[URLPattern] = [
    path("review/export.xlsx", review_export, name="review_export"),
    path("review/accept/", review_accept_many, name="review_accept_many"),
    path("overdue/", overdue_list, name="overdue_reports"),
    path("overdue/export.xlsx", overdue_export, name="overdue_export"),
    path("overdue/chase/", overdue_chase, name="overdue_chase"),
    path("approvals/", approvals, name="approvals"),
    path("approvals/apply/", approvals_apply, name="approvals_apply"),
]
