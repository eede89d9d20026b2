"""Reminders, the unit's period sheet (Excel round trip), notifications and background exports.

Owned by the cycle work package. Views load through access helpers (404 for anything not visible),
parse input with a form, call one service and render or redirect.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRedirect

from luoshi.core import clock
from luoshi.core.errors import DomainError
from luoshi.core.viewtools import download_response, is_htmx, login_form, login_get, login_post, paginate
from luoshi.orgs.models import Unit
from luoshi.plans.access import access_assignment, plans_visible_to
from luoshi.plans.choices import AssignmentStatus, PlanStatus
from luoshi.plans.models import Assignment, Plan

from . import reminders, sheets
from .choices import EmailStatus, ReminderKind
from .models import Notification, Reminder, ReportingPeriod

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- forms and the reminder list's filter ----------------------------------------------------------------


class SheetUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("填好的填报表（.xlsx）"))


class RemindForm(forms.Form):
    message = forms.CharField(label=gettext_lazy("催办内容"), required=False, max_length=reminders.MAX_MANUAL_MESSAGE,
                              widget=forms.Textarea(attrs={"rows": 2}))
    period = forms.IntegerField(required=False, min_value=1)  # default: the period reported on today
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class ReminderFilter(django_filters.FilterSet):
    """The office's reminder history: by kind, e-mail state (未发送: the mail server did not take it), unit, plan."""

    kind = django_filters.ChoiceFilter(label=gettext_lazy("类型"), choices=ReminderKind.choices)
    email_status = django_filters.ChoiceFilter(label=gettext_lazy("邮件"), choices=EmailStatus.choices)
    unit = django_filters.ModelChoiceFilter(label=gettext_lazy("单位"), field_name="assignment__unit",
                                            queryset=Unit.objects.filter(is_group=False))
    plan = django_filters.ModelChoiceFilter(label=gettext_lazy("计划"), field_name="period__plan",
                                            queryset=Plan.objects.filter(status=PlanStatus.PUBLISHED))

    class Meta:
        model = Reminder
        fields = ["kind", "email_status", "unit", "plan"]


# --- the unit's sheets -------------------------------------------------------------------------------------


@login_get
def cycle_periods(request: HttpRequest) -> HttpResponse:
    """The unit's reporting periods (started ones, newest first) with their sheets."""
    user: Any = request.user
    if not user.is_unit_user or not user.unit_id:
        raise Http404
    today = clock.today()
    periods = (ReportingPeriod.objects.filter(plan__in=plans_visible_to(user), plan__status=PlanStatus.PUBLISHED,
                                              start__lte=today)
               .select_related("plan").order_by("-due_date", "plan_id"))
    page = paginate(request, periods)
    plan_ids = {p.plan_id for p in page.object_list}
    counts = dict(Assignment.objects.filter(unit_id=user.unit_id, task__plan_id__in=plan_ids, active=True,
                                            status=AssignmentStatus.OPEN, task__removed=False)
                  .values_list("task__plan_id").annotate(n=Count("pk")).values_list("task__plan_id", "n"))
    rows = [(period, counts.get(period.plan_id, 0)) for period in page.object_list]
    return render(request, "reports/cycle/periods.html", {"page": page, "rows": rows, "today": today})


@login_get
def sheet_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The period's sheet of the user's own unit, as an attachment."""
    period = sheets.access_sheet_period(request.user, pk)
    content = sheets.sheet_build(user=request.user, period=period)
    return download_response(content, content_type=XLSX,
                             filename=sheets.sheet_filename(period, str(getattr(request.user, "unit", ""))))


@login_form
def sheet_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the filled sheet: all rows stored as drafts, or none with the row errors listed."""
    period = sheets.access_sheet_period(request.user, pk)
    result: sheets.SheetImportResult | None = None
    file_error = ""
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sheets.check_sheet_upload(size=upload.size, filename=upload.name)
            data = upload.read(sheets.MAX_SHEET_BYTES + 1)
            result = sheets.sheet_import(actor=request.user, period=period, data=data, filename=upload.name)
        except DomainError as exc:
            file_error = exc.message
        if result is not None and result.ok:
            messages.success(request, _("已保存%(saved)d项草稿，%(unchanged)d项未改动，%(skipped)d项未填写。"
                                        "请在“我的任务”中审核并报送。") % {
                "saved": result.saved, "unchanged": result.unchanged, "skipped": result.skipped})
            url = reverse("reports:sheet_upload", args=[period.pk])
            return HttpResponseClientRedirect(url) if is_htmx(request) else HttpResponseRedirect(url)
    count = sheets.sheet_assignments(request.user, period).count()
    context = {"period": period, "form": form, "result": result, "file_error": file_error, "count": count,
               "error_rows": list(sheets.iter_errors_by_row(result.errors)) if result else []}
    template = "reports/cycle/_sheet_result.html" if is_htmx(request) else "reports/cycle/sheet.html"
    return render(request, template, context)


# --- reminders -------------------------------------------------------------------------------------------------


@login_post
def assignment_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """The office chases one assignment's unit by hand (POST only; anyone else gets 404)."""
    user: Any = request.user
    if not user.is_office:
        raise Http404
    assignment = access_assignment(user, pk, write=True)
    form = RemindForm(request.POST)
    error = ""
    if form.is_valid():
        period_id = form.cleaned_data["period"]
        period = assignment.task.plan.periods.filter(pk=period_id).first() if period_id else None
        try:
            if period_id and period is None:
                raise DomainError(_("报送期无效"), code="no_period")
            reminders.reminder_send(actor=user, assignment=assignment, message=form.cleaned_data["message"],
                                    period=period)
        except DomainError as exc:
            error = exc.message
    else:
        error = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    if is_htmx(request):
        return render(request, "reports/cycle/_remind_form.html",
                      {"assignment": assignment, "form": RemindForm() if not error else form, "error": error,
                       "sent": not error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("已向%(unit)s发出催办。") % {"unit": assignment.unit})
    target = form.cleaned_data.get("next", "") if form.is_valid() else ""
    if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("reports:reminder_list")
    return HttpResponseRedirect(target)


def _reminders_visible_to(user: Any) -> QuerySet[Reminder]:
    if not user.sees_everything:
        raise Http404
    return Reminder.objects.select_related("assignment", "assignment__task", "assignment__unit", "period",
                                           "period__plan", "sent_by").order_by("-created_at", "-pk")


@login_get
def reminder_list(request: HttpRequest) -> HttpResponse:
    """Every reminder sent, newest first (the office and leaders)."""
    reminder_filter = ReminderFilter(request.GET or None, queryset=_reminders_visible_to(request.user))
    page = paginate(request, reminder_filter.qs)
    context = {"filter": reminder_filter, "page": page}
    template = "reports/cycle/_reminder_table.html" if is_htmx(request) else "reports/cycle/reminders.html"
    return render(request, template, context)


# --- notifications ---------------------------------------------------------------------------------------------


@login_get
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's own in-app notifications, unread first."""
    items = Notification.objects.filter(user=request.user).order_by("read_at", "-created_at", "-pk")
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(request, "reports/cycle/notifications.html", {"page": paginate(request, items), "unread": unread})


@login_post
def notification_read(request: HttpRequest) -> HttpResponse:
    reminders.notifications_mark_read(actor=request.user)
    url = reverse("reports:notification_list")
    return HttpResponseClientRedirect(url) if is_htmx(request) else HttpResponseRedirect(url)


urlpatterns: list[URLPattern] = [
    path("cycle/", cycle_periods, name="cycle_periods"),
    path("cycle/periods/<int:pk>/sheet.xlsx", sheet_download, name="sheet_download"),
    path("cycle/periods/<int:pk>/upload/", sheet_upload, name="sheet_upload"),
    path("cycle/assignments/<int:pk>/remind/", assignment_remind, name="assignment_remind"),
    path("cycle/reminders/", reminder_list, name="reminder_list"),
    path("notifications/", notification_list, name="notification_list"),
    path("notifications/read/", notification_read, name="notification_read"),
]
