"""Reads behind the documents: the supervision circular's figures and lists, one task's dossier, the
assessment results. Every function takes objects the caller already loaded through the access helpers.

The circular's rules (stated in the document itself):
- a report is owed for the period by every active assignment from the plan's publication until it is
  closed (reports.selectors.owed_periods); it is delivered when submitted or accepted (a returned report is
  owed again), on time when it was not marked late; it is missing once its due date (extensions counted)
  has passed without delivery;
- an item is overdue when its assignment is still open after its deadline, lagging when the unit's report
  for the period says 滞后 or 无法完成;
- a unit is praised when every report it owed for the period was delivered on time and none of its items
  is overdue or lagging; the tasks it closed by their deadline are counted beside its name.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luoshi.assessment.choices import Component
from luoshi.assessment.models import Rubric, Score
from luoshi.core.charts import RAG_COLORS, Series, StackRow, stacked_bar_chart
from luoshi.orgs.models import Unit
from luoshi.plans.choices import AssignmentStatus
from luoshi.plans.models import Assignment, Plan, Task
from luoshi.plans.selectors import (
    BAD_PROGRESS,
    OFFICIAL_STATUSES,
    RAG_AMBER,
    RAG_GREEN,
    RAG_RED,
    assignments_with_rag,
)
from luoshi.reports.models import Extension, Reminder, Report, ReportingPeriod, Review, TargetActual
from luoshi.reports.selectors import DELIVERED, owed_periods, report_due_date

# --- the supervision circular (督查通报) --------------------------------------------------------------------


@dataclass
class CircularFigures:
    tasks: int = 0
    assignments: int = 0
    closed: int = 0
    owed: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    not_yet_due: int = 0
    overdue: int = 0
    lagging: int = 0
    rag: Counter[str] = field(default_factory=Counter)

    @property
    def delivered(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_rate(self) -> str:
        """On-time reports as a share of the owed reports whose due date has passed, e.g. "87.5"."""
        due = self.owed - self.not_yet_due
        return f"{100 * self.on_time / due:.1f}" if due else "—"


@dataclass
class ProblemItem:
    """An overdue or lagging item of one unit, as the circular's table lists it."""

    assignment: Assignment
    task: Task
    unit: Unit
    deadline: dt.date | None
    days_overdue: int
    progress: str      # the period report's progress label, "" without one
    narrative: str
    reminders: int
    issues: list[str]


@dataclass
class UnitLine:
    unit: Unit
    owed: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    problems: int = 0
    closed_on_time: int = 0

    @property
    def praised(self) -> bool:
        return self.owed > 0 and self.on_time == self.owed and self.problems == 0


@dataclass
class ChapterLine:
    label: str
    counts: Counter[str] = field(default_factory=Counter)  # closed / green / amber / red


@dataclass
class Circular:
    plan: Plan
    period: ReportingPeriod
    as_of: dt.date
    figures: CircularFigures
    problems: list[ProblemItem]
    praised: list[UnitLine]
    late_units: list[UnitLine]
    chapters: list[ChapterLine]


def _chapter_key(task: Task) -> str:
    return task.key.split("/", 1)[0]


def circular_data(plan: Plan, period: ReportingPeriod, *, as_of: dt.date) -> Circular:
    """Everything the circular states about `plan` in `period`, as of `as_of` (seven queries)."""
    assignments = list(
        assignments_with_rag(Assignment.objects.filter(task__plan=plan, task__is_item=True, task__removed=False,
                                                       active=True), today=as_of)
        .select_related("task", "task__plan", "unit")
        .prefetch_related(Prefetch("extensions", queryset=Extension.objects.all(), to_attr="all_extensions"))
        .order_by("task__position", "unit__sort_order", "unit__name"))
    reports = {r.assignment_id: r for r in Report.objects.filter(period=period, assignment__in=assignments)}
    reminders = dict(Reminder.objects.filter(assignment__in=assignments).values("assignment")
                     .annotate(n=Count("id")).values_list("assignment", "n"))
    chapters = {t.key: t for t in Task.objects.filter(plan=plan, parent__isnull=True, removed=False)}

    figures = CircularFigures(tasks=len({a.task_id for a in assignments}), assignments=len(assignments))
    units: dict[int, UnitLine] = {}
    chapter_lines: dict[str, ChapterLine] = {}
    problems: list[ProblemItem] = []
    for assignment in assignments:
        line = units.setdefault(assignment.unit_id, UnitLine(unit=assignment.unit))
        task = assignment.task
        chapter = chapters.get(_chapter_key(task))
        chapter_label = f"{chapter.label} {chapter.text}" if chapter else task.display_path
        chapter_line = chapter_lines.setdefault(chapter_label, ChapterLine(label=chapter_label))
        is_open = assignment.status == AssignmentStatus.OPEN
        figures.rag[assignment.rag] += 1
        chapter_line.counts["closed" if not is_open else assignment.rag] += 1
        if not is_open:
            figures.closed += 1
            closed_on = timezone.localdate(assignment.closed_at) if assignment.closed_at else None
            if closed_on and (assignment.deadline is None or closed_on <= assignment.deadline):
                line.closed_on_time += 1

        report = reports.get(assignment.pk)
        if owed_periods(assignment, [period]):
            figures.owed += 1
            line.owed += 1
            delivered = report is not None and report.status in DELIVERED
            if delivered and report is not None and report.is_late:
                figures.late += 1
                line.late += 1
            elif delivered:
                figures.on_time += 1
                line.on_time += 1
            elif report_due_date(period=period, extensions=assignment.all_extensions) < as_of:
                figures.missing += 1
                line.missing += 1
            else:
                figures.not_yet_due += 1

        issues = []
        days_overdue = 0
        if is_open and assignment.deadline and assignment.deadline < as_of:
            days_overdue = (as_of - assignment.deadline).days
            issues.append(_("逾期%(days)d天未办结") % {"days": days_overdue})
            figures.overdue += 1
        official = report is not None and report.status in OFFICIAL_STATUSES
        if is_open and assignment.overdue_reports:
            # The ledger's count (RAG_RULE): one overdue report makes the assignment amber, two red.
            issues.append(ngettext("%(n)d期进展报告逾期未报", "%(n)d期进展报告逾期未报",
                                   assignment.overdue_reports) % {"n": assignment.overdue_reports})
        if is_open and official and report is not None and report.progress in BAD_PROGRESS:
            issues.append(_("进展%(progress)s") % {"progress": report.get_progress_display()})
            figures.lagging += 1
        if issues:
            line.problems += 1
            problems.append(ProblemItem(
                assignment=assignment, task=task, unit=assignment.unit, deadline=assignment.deadline,
                days_overdue=days_overdue, progress=report.get_progress_display() if official and report else "",
                narrative=report.narrative if official and report else "", reminders=reminders.get(assignment.pk, 0),
                issues=issues))
    ordered_units = sorted(units.values(), key=lambda u: (u.unit.sort_order, u.unit.name))
    return Circular(
        plan=plan, period=period, as_of=as_of, figures=figures, problems=problems,
        praised=[u for u in ordered_units if u.praised],
        late_units=[u for u in ordered_units if u.missing or u.late],
        chapters=list(chapter_lines.values()))


CHAPTER_SERIES = ("closed", RAG_GREEN, RAG_AMBER, RAG_RED)


def circular_chart(circular: Circular) -> SafeString:
    """Assignments by chapter and light (closed, green, amber, red) as inline SVG, shared with the pages."""
    labels = {"closed": _("已办结"), RAG_GREEN: _("绿灯"), RAG_AMBER: _("黄灯"), RAG_RED: _("红灯")}
    colours = {"closed": RAG_COLORS["grey"], RAG_GREEN: RAG_COLORS["green"], RAG_AMBER: RAG_COLORS["amber"],
               RAG_RED: RAG_COLORS["red"]}
    series = [Series(key, str(labels[key]), colours[key]) for key in CHAPTER_SERIES]
    rows = [StackRow(line.label, dict(line.counts)) for line in circular.chapters]
    return stacked_bar_chart(rows, series, title=_("各章节任务分工办理情况"),
                             description=_("按章节统计的任务分工数：已办结、绿灯、黄灯、红灯"), width=600)


# --- one task's dossier -------------------------------------------------------------------------------------


def task_reports(assignments: list[Assignment]) -> list[Report]:
    """The reports already loaded on `assignments` (task_assignments) with their reviews and actuals (two queries)."""
    reports = [r for a in assignments for r in getattr(a, "all_reports", [])]
    reviews: dict[int, list[Review]] = defaultdict(list)
    for review in Review.objects.filter(report__in=reports).select_related("actor").order_by("created_at", "pk"):
        reviews[review.report_id].append(review)
    actuals: dict[int, list[TargetActual]] = defaultdict(list)
    for actual in TargetActual.objects.filter(report__in=reports).select_related("target").order_by("target__position"):
        actuals[actual.report_id].append(actual)
    for report in reports:
        report.review_list = reviews.get(report.pk, [])  # type: ignore[attr-defined]
        report.actual_list = actuals.get(report.pk, [])  # type: ignore[attr-defined]
    return reports


# --- assessment results -------------------------------------------------------------------------------------


def component_keys(scores: list[Score]) -> list[str]:
    """The components the scores hold, in the rubric's table order; keys the code does not know yet follow."""
    present: list[str] = []
    for score in scores:
        for key in score.components:
            if key not in present:
                present.append(key)
    known = [c for c in Component.values if c in present]
    return known + [c for c in present if c not in known]


def component_label(key: str) -> str:
    return str(dict(Component.choices).get(key, key))


def points(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


@dataclass
class ResultsRow:
    score: Score
    points: list[str]


def results_rows(rubric: Rubric, scores: list[Score]) -> tuple[list[tuple[str, str]], list[ResultsRow]]:
    keys = component_keys(scores)
    columns = [(key, component_label(key)) for key in keys]
    return columns, [ResultsRow(score=s, points=[points(s.components.get(k, "0")) for k in keys]) for s in scores]
