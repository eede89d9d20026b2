"""The office's two working lists, with filters and Excel export: the review queue (reports by status,
submitted by default) and the overdue list (逾期未报送: one row per report a unit owes past its due date).

One FilterSet per list, shared by the page, its batch actions and its export, so "一键催办" chases exactly
the rows the page shows and the workbook holds exactly those rows too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import django_filters
from django.db.models import Exists, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment

from luoshi.orgs.models import Unit
from luoshi.plans.access import plans_visible_to
from luoshi.plans.choices import AssignmentStatus, PlanStatus
from luoshi.plans.filters import ChapterFilter, QuickSelect
from luoshi.plans.models import Assignment, Plan, Task
from luoshi.xlsxsafe import new_workbook, style_header, style_title, write_row

from .choices import ReportStatus
from .models import Extension, Reminder, Report, ReportingPeriod
from .selectors import DELIVERED, my_tasks_queryset, overdue_periods, owed_periods, report_due_date

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL = "all"
MISSING = "missing"


def _published(user: Any) -> QuerySet[Plan]:
    return plans_visible_to(user).filter(status=PlanStatus.PUBLISHED).order_by("-published_at", "-pk")


class _DeskFilter(django_filters.FilterSet):
    """Plan, unit, chapter and period, each choice list scoped to what the user may see."""

    plan = django_filters.ModelChoiceFilter(label=gettext_lazy("计划"), queryset=Plan.objects.none(),
                                            method="filter_plan", empty_label=gettext_lazy("全部计划"),
                                            widget=QuickSelect)
    unit = django_filters.ModelChoiceFilter(label=gettext_lazy("单位"), queryset=Unit.objects.none(),
                                            method="filter_unit", empty_label=gettext_lazy("全部单位"),
                                            widget=QuickSelect)
    chapter = ChapterFilter(label=gettext_lazy("章节"), queryset=Task.objects.none(), method="filter_chapter",
                            empty_label=gettext_lazy("全部章节"), widget=QuickSelect)
    period = django_filters.ModelChoiceFilter(label=gettext_lazy("报送期"), queryset=ReportingPeriod.objects.none(),
                                              method="filter_period", empty_label=gettext_lazy("全部报送期"),
                                              widget=QuickSelect)
    assignment_path = "assignment__"

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        plans = _published(request.user)
        self.filters["plan"].queryset = plans
        # The choice labels show the plan's title, not its whole source text.
        self.filters["chapter"].queryset = (Task.objects.filter(plan__in=plans, parent__isnull=True, removed=False)
                                            .select_related("plan").defer("plan__source_text")
                                            .order_by("plan_id", "position"))
        self.filters["period"].queryset = (ReportingPeriod.objects.filter(plan__in=plans).select_related("plan")
                                           .defer("plan__source_text").order_by("-start", "plan_id"))
        units = Unit.objects.filter(is_group=False, active=True) if request.user.sees_everything else \
            Unit.objects.filter(pk=request.user.unit_id or 0)
        self.filters["unit"].queryset = units.order_by("sort_order", "name")

    def _path(self, name: str) -> str:
        return f"{self.assignment_path}{name}"

    def filter_plan(self, queryset: QuerySet[Any], name: str, value: Plan) -> QuerySet[Any]:
        return queryset.filter(**{self._path("task__plan"): value})

    def filter_unit(self, queryset: QuerySet[Any], name: str, value: Unit) -> QuerySet[Any]:
        return queryset.filter(**{self._path("unit"): value})

    def filter_chapter(self, queryset: QuerySet[Any], name: str, value: Task) -> QuerySet[Any]:
        return queryset.filter(Q(**{self._path("task__key"): value.key})
                               | Q(**{self._path("task__key__startswith"): f"{value.key}/"}),
                               **{self._path("task__plan_id"): value.plan_id})

    def filter_period(self, queryset: QuerySet[Any], name: str, value: ReportingPeriod) -> QuerySet[Any]:
        return queryset.filter(period=value)


# --- the review queue ------------------------------------------------------------------------------------


REVIEW_STATUSES = [(str(ReportStatus.SUBMITTED), ReportStatus.SUBMITTED.label),
                   (str(ReportStatus.RETURNED), ReportStatus.RETURNED.label),
                   (str(ReportStatus.ACCEPTED), ReportStatus.ACCEPTED.label),
                   (ALL, gettext_lazy("全部已报送"))]


class ReviewFilter(_DeskFilter):
    """The review queue: reports that reached the office; submitted ones (awaiting review) unless asked."""

    status = django_filters.ChoiceFilter(label=gettext_lazy("状态"), choices=REVIEW_STATUSES, method="filter_status",
                                         empty_label=None, null_label=None)

    class Meta:
        model = Report
        fields: list[str] = []

    @property
    def qs(self) -> QuerySet[Report]:
        queryset: QuerySet[Report] = super().qs
        status = self.form.cleaned_data.get("status") if self.form.is_valid() else ""
        if not status:
            queryset = queryset.filter(status=ReportStatus.SUBMITTED)
        return queryset

    def filter_status(self, queryset: QuerySet[Report], name: str, value: str) -> QuerySet[Report]:
        if value == ALL:
            return queryset.filter(status__in=(ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED))
        return queryset.filter(status=value)


def review_reports(user: Any) -> QuerySet[Report]:
    """Every report the user may see, with what the queue shows, oldest submission first."""
    from .access import reports_visible_to

    # Neither the page nor the export shows the author, the plan's whole text and parse notes, the task's
    # body or its parsed values: not read (nor their JSON parsed) for each of the page's 50 rows.
    return (reports_visible_to(user)
            .select_related("assignment__task__plan", "assignment__unit", "period")
            .defer("assignment__task__plan__source_text", "assignment__task__plan__parse_warnings",
                   "assignment__task__body", "assignment__task__parsed_values")
            .order_by("submitted_at", "pk"))


# --- the overdue list ------------------------------------------------------------------------------------


OVERDUE_STATES = [(MISSING, gettext_lazy("未填报")), (str(ReportStatus.DRAFT), ReportStatus.DRAFT.label),
                  (str(ReportStatus.APPROVED), ReportStatus.APPROVED.label),
                  (str(ReportStatus.RETURNED), ReportStatus.RETURNED.label)]


class OverdueFilter(_DeskFilter):
    """Open assignments owing a report past its due date; the period and state narrow the rows
    (overdue_rows), one per report owed."""

    status = django_filters.ChoiceFilter(label=gettext_lazy("状态"), choices=OVERDUE_STATES,
                                         method="filter_status", empty_label=gettext_lazy("全部"))
    assignment_path = ""

    class Meta:
        model = Assignment
        fields: list[str] = []

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        self.today = today
        super().__init__(*args, **kwargs)

    def filter_period(self, queryset: QuerySet[Any], name: str, value: ReportingPeriod) -> QuerySet[Any]:
        return queryset.filter(Exists(overdue_periods(today=self.today).filter(pk=value.pk)))

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset  # a state of each report owed: overdue_rows applies it

    def chosen(self) -> tuple[ReportingPeriod | None, str]:
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return data.get("period"), data.get("status") or ""


def overdue_assignments(user: Any, *, today: dt.date) -> QuerySet[Assignment]:
    return my_tasks_queryset(user, today=today).filter(status=AssignmentStatus.OPEN, is_overdue=True)


@dataclass
class OverdueRow:
    """One report a unit owes past its due date."""

    assignment: Assignment
    period: ReportingPeriod
    due: dt.date
    report: Report | None
    chased: bool          # an overdue reminder went out for it (the sweep's or a chase): never sent again
    days: int

    @property
    def state(self) -> str:
        return MISSING if self.report is None else self.report.status

    @property
    def state_label(self) -> str:
        return str(dict(OVERDUE_STATES).get(self.state, ""))


def overdue_rows(assignments: Iterable[Assignment], *, today: dt.date, period: ReportingPeriod | None = None,
                 state: str = "") -> list[OverdueRow]:
    """Each report the assignments owe past due (the rule of selectors.TaskRow.overdue), in a fixed number
    of queries; `period` and `state` keep only those rows."""
    assignments = list(assignments)
    if not assignments:
        return []
    ids = [a.pk for a in assignments]
    periods: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for p in ReportingPeriod.objects.filter(plan_id__in={a.task.plan_id for a in assignments}).order_by("start"):
        periods[p.plan_id].append(p)
    reports = {(r.assignment_id, r.period_id): r for r in Report.objects.filter(assignment_id__in=ids)}
    extensions: dict[int, list[Extension]] = defaultdict(list)
    for ext in Extension.objects.filter(assignment_id__in=ids):
        extensions[ext.assignment_id].append(ext)
    chased = set(Reminder.objects.filter(assignment_id__in=ids, kind="overdue")
                 .values_list("assignment_id", "period_id"))
    rows = []
    for assignment in assignments:
        for p in owed_periods(assignment, periods[assignment.task.plan_id]):
            if period is not None and p.pk != period.pk:
                continue
            report = reports.get((assignment.pk, p.pk))
            if report is not None and report.status in DELIVERED:
                continue
            due = report_due_date(period=p, extensions=extensions[assignment.pk])
            if due >= today:
                continue
            row = OverdueRow(assignment=assignment, period=p, due=due, report=report,
                             chased=(assignment.pk, p.pk) in chased, days=(today - due).days)
            if state and row.state != state:
                continue
            rows.append(row)
    rows.sort(key=lambda r: (r.due, r.assignment.unit.sort_order, r.assignment.unit.name, r.assignment.task.position))
    return rows


# --- Excel ------------------------------------------------------------------------------------------------


def _workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]], widths: Sequence[int]) -> bytes:
    book = new_workbook()
    sheet = book.active
    sheet.title = title[:31]
    write_row(sheet, [title])
    style_title(sheet.cell(row=1, column=1))
    write_row(sheet, headers)
    style_header(sheet, 2, len(headers))
    for values in rows:
        write_row(sheet, values)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    for line in sheet.iter_rows(min_row=3):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{chr(64 + len(headers))}{max(sheet.max_row, 2)}"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def review_export(reports: Iterable[Report]) -> bytes:
    headers = [_("单位"), _("编号"), _("任务"), _("报送期"), _("状态"), _("进展"), _("报送时间"), _("逾期报送"),
               _("进展情况")]
    rows = [(r.assignment.unit.name, r.assignment.task.display_path, r.assignment.task.text, r.period.label,
             r.get_status_display(), r.get_progress_display(),
             timezone.localtime(r.submitted_at).replace(tzinfo=None) if r.submitted_at else None,
             _("是") if r.is_late else _("否"), r.narrative) for r in reports]
    return _workbook(_("审核队列"), headers, rows, (14, 11, 44, 12, 10, 10, 17, 9, 60))


def overdue_export(rows: Iterable[OverdueRow]) -> bytes:
    headers = [_("单位"), _("编号"), _("任务"), _("报送期"), _("报送截止日"), _("逾期天数"), _("状态"), _("已催办")]
    values = [(r.assignment.unit.name, r.assignment.task.display_path, r.assignment.task.text, r.period.label,
               r.due, r.days, r.state_label, _("是") if r.chased else _("否")) for r in rows]
    return _workbook(_("逾期未报送"), headers, values, (14, 11, 44, 12, 12, 9, 10, 8))
