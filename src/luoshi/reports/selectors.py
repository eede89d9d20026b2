"""Reads for the reporting workflow: due dates, open instructions, batches, the unit's task list.

Everything here starts from the access helpers (plans.access, reports.access), so a selector can never
return another unit's rows. Lists fetch a page first and then a fixed number of queries for the page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.orgs.choices import Role
from luoshi.plans.access import Viewer, assignments_visible_to, plans_visible_to, viewer_of
from luoshi.plans.choices import AssignmentStatus, PlanStatus
from luoshi.plans.models import Assignment, DuplicateGroup

from .choices import ExtensionStatus, ReportStatus, ReviewAction
from .models import Extension, Instruction, InstructionAnswer, Report, ReportingPeriod, Review

# A report in one of these states has reached the office: the period is no longer owed.
DELIVERED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
# An instruction counts as answered once an answer reached the office in one of these reports.
ANSWER_DELIVERED = (ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED)
EDITABLE = (ReportStatus.DRAFT, ReportStatus.APPROVED, ReportStatus.RETURNED)


def current_period(periods: Sequence[ReportingPeriod], today: dt.date) -> ReportingPeriod | None:
    """The period a unit is reporting on today: the earliest one already started and not yet due.

    On 3 March the February report (due 5 March) is current; on 10 March it is March's. Before the
    plan's year it is the first period, after it the last one.
    """
    ordered = sorted(periods, key=lambda p: p.start)
    for period in ordered:
        if period.start <= today <= period.due_date:
            return period
    started = [p for p in ordered if p.start <= today]
    if started:
        return started[-1]
    return ordered[0] if ordered else None


def report_due_date(*, period: ReportingPeriod, extensions: Iterable[Extension]) -> dt.date:
    """When the assignment's report for `period` is due, extensions taken into account.

    Rule (documented in docs): a report is due on the period's due date. If the unit asked for an
    extension while that report was due (requested between the period's start and its due date) and
    the office granted it, the report is due on the extended deadline instead. `extensions` are the
    assignment's extensions (any status; only granted ones count).
    """
    due: dt.date = period.due_date
    for ext in extensions:
        if ext.status != ExtensionStatus.GRANTED:
            continue
        asked_on = timezone.localdate(ext.requested_at) if ext.requested_at else None
        if asked_on and period.start <= asked_on <= period.due_date and ext.requested_deadline > due:
            due = ext.requested_deadline
    return due


def owed_periods(assignment: Assignment, periods: Iterable[ReportingPeriod]) -> list[ReportingPeriod]:
    """The periods the assignment must report on: from the plan's publication until it is closed."""
    plan = assignment.task.plan
    published = timezone.localdate(plan.published_at) if plan.published_at else None
    closed = timezone.localdate(assignment.closed_at) if assignment.closed_at else None
    return [p for p in periods
            if (published is None or p.end >= published) and (closed is None or p.start <= closed)]


def open_instructions(*, assignment: Assignment, report: Report | None = None) -> list[Instruction]:
    """Instructions on the assignment's task that the unit has not yet answered in a delivered report.

    Answers on `report` itself do not count as earlier answers: they are what the form edits.
    """
    earlier = InstructionAnswer.objects.filter(
        instruction=OuterRef("pk"), report__assignment=assignment, report__status__in=ANSWER_DELIVERED)
    if report is not None and report.pk:
        earlier = earlier.exclude(report_id=report.pk)
    return list(instructions_for(assignment).exclude(Exists(earlier))
                .select_related("author").order_by("created_at", "pk"))


def instructions_for(assignment: Assignment) -> QuerySet[Instruction]:
    """The instructions on the assignment's task that its unit must answer: those naming no unit (all the
    task's units) and those naming this one."""
    return Instruction.objects.filter(task_id=assignment.task_id).filter(
        ~Exists(Instruction.units.through.objects.filter(instruction_id=OuterRef("pk")))
        | Exists(Instruction.units.through.objects.filter(instruction_id=OuterRef("pk"),
                                                          unit_id=assignment.unit_id)))


def batch_rows(report: Report) -> list[Report]:
    """The report and the rows filed with it for duplicate items (itself alone when not batched)."""
    base = Report.objects.select_related("assignment", "assignment__task", "assignment__unit", "period")
    if report.batch is None:
        return [base.get(pk=report.pk)]
    return list(base.filter(batch=report.batch).order_by("assignment__task__position", "pk"))


def batch_candidates(*, assignment: Assignment) -> list[Assignment]:
    """Other open assignments of the same unit on items grouped as duplicates of this one."""
    groups = DuplicateGroup.objects.filter(tasks=assignment.task_id)
    return list(Assignment.objects.filter(
        unit_id=assignment.unit_id, task__duplicate_groups__in=groups, active=True,
        status=AssignmentStatus.OPEN).exclude(pk=assignment.pk).select_related("task").distinct()
        .order_by("task__position"))


def period_reports(assignment: Assignment) -> dict[int, Report]:
    """The assignment's reports by period id."""
    return {r.period_id: r for r in Report.objects.filter(assignment=assignment)}


@dataclass
class TaskRow:
    """One line of the unit's task list."""

    assignment: Assignment
    period: ReportingPeriod | None = None
    report: Report | None = None
    due: dt.date | None = None
    overdue: list[ReportingPeriod] = field(default_factory=list)
    returned: list[Report] = field(default_factory=list)
    open_instructions: int = 0
    pending_extension: bool = False


def current_period_ids(user: Any, today: dt.date) -> list[int]:
    """The current period of every published plan the user sees (one query)."""
    by_plan: dict[int, list[ReportingPeriod]] = defaultdict(list)
    plans = plans_visible_to(user).filter(status=PlanStatus.PUBLISHED)
    for period in ReportingPeriod.objects.filter(plan__in=plans):
        by_plan[period.plan_id].append(period)
    ids = []
    for periods in by_plan.values():
        found = current_period(periods, today)
        if found is not None:
            ids.append(found.pk)
    return ids


def overdue_periods(*, today: dt.date) -> QuerySet[ReportingPeriod]:
    """The periods whose report the outer assignment query's row owes past due (逾期未报) on `today`.

    A period is owed when it ends on or after the plan's publication (the outer query annotates
    `published_on`), is past its due date, was not deferred by a granted extension asked for while the
    report was due (report_due_date), and has no delivered report. Mirrors TaskRow.overdue; the ledger's
    status rule counts the same periods (plans.selectors.overdue_reports_count).
    """
    delivered = Report.objects.filter(assignment=OuterRef(OuterRef("pk")), period=OuterRef("pk"),
                                      status__in=DELIVERED)
    deferred = Extension.objects.filter(
        assignment=OuterRef(OuterRef("pk")), status=ExtensionStatus.GRANTED,
        requested_at__date__gte=OuterRef("start"), requested_at__date__lte=OuterRef("due_date"),
        requested_deadline__gte=today)
    return (ReportingPeriod.objects.filter(plan=OuterRef("task__plan"), due_date__lt=today,
                                           end__gte=OuterRef("published_on"))
            .exclude(Exists(delivered)).exclude(Exists(deferred)))


# A duty is "new" on the unit's desk for this many days after its plan was published, until a first report.
NEW_DUTY_DAYS = 14


def open_instruction_exists() -> Exists:
    """For an outer assignment query: an instruction on its task, meant for its unit, not yet answered in a
    report that reached the office (the rule of open_instructions)."""
    named = Instruction.units.through.objects.filter(instruction_id=OuterRef("pk"))
    answered = InstructionAnswer.objects.filter(instruction=OuterRef("pk"), report__assignment=OuterRef(OuterRef("pk")),
                                                report__status__in=ANSWER_DELIVERED)
    return Exists(Instruction.objects.filter(task=OuterRef("task"))
                  .filter(~Exists(named) | Exists(named.filter(unit_id=OuterRef(OuterRef("unit_id")))))
                  .exclude(Exists(answered)))


def my_tasks_queryset(user: Any, *, today: dt.date) -> QuerySet[Assignment]:
    """The assignments on the user's task list, annotated for filtering (due, returned, overdue, open
    instructions, new duties)."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    return _my_tasks_for(viewer_of(user), today, tuple(current_period_ids(user, today))).all()


@lru_cache(maxsize=256)
def _my_tasks_for(viewer: Viewer, today: dt.date, current_ids: tuple[int, ...]) -> QuerySet[Assignment]:
    """Built once per visibility, day and current periods, then cloned (an unevaluated queryset): resolving
    its subqueries was half of the task list's Python time once the rows are cached."""
    delivered_now = Report.objects.filter(assignment=OuterRef("pk"), period_id__in=current_ids,
                                          status__in=DELIVERED)
    returned = Report.objects.filter(assignment=OuterRef("pk"), status=ReportStatus.RETURNED)
    any_report = Report.objects.filter(assignment=OuterRef("pk"))
    return (assignments_visible_to(viewer).filter(active=True, task__plan__status=PlanStatus.PUBLISHED)
            .select_related("task", "task__plan", "unit")
            .annotate(published_on=TruncDate("task__plan__published_at"))
            .annotate(delivered_now=Exists(delivered_now), has_returned=Exists(returned),
                      is_overdue=Exists(overdue_periods(today=today)),
                      has_open_instruction=open_instruction_exists(),
                      is_new=Q(published_on__gte=today - dt.timedelta(days=NEW_DUTY_DAYS)) & ~Exists(any_report))
            .order_by("task__plan_id", "task__position", "unit__sort_order"))


def my_tasks_rows(assignments: Sequence[Assignment], *, today: dt.date) -> list[TaskRow]:
    """Decorate one page of assignments with their current report, overdue periods and instructions.

    A fixed number of queries whatever the page size.
    """
    if not assignments:
        return []
    ids = [a.pk for a in assignments]
    plan_ids = {a.task.plan_id for a in assignments}
    task_ids = {a.task_id for a in assignments}
    periods: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in ReportingPeriod.objects.filter(plan_id__in=plan_ids).order_by("start"):
        periods[period.plan_id].append(period)
    reports: dict[int, dict[int, Report]] = defaultdict(dict)
    for report in Report.objects.filter(assignment_id__in=ids).select_related("period"):
        reports[report.assignment_id][report.period_id] = report
    extensions: dict[int, list[Extension]] = defaultdict(list)
    for ext in Extension.objects.filter(assignment_id__in=ids):
        extensions[ext.assignment_id].append(ext)
    instructions: dict[int, list[int]] = defaultdict(list)
    for task_id, instruction_id in Instruction.objects.filter(task_id__in=task_ids).values_list("task_id", "pk"):
        instructions[task_id].append(instruction_id)
    chosen: dict[int, set[int]] = defaultdict(set)  # instruction -> the units it names (none: all)
    for instruction_id, unit_id in Instruction.units.through.objects.filter(
            instruction__task_id__in=task_ids).values_list("instruction_id", "unit_id"):
        chosen[instruction_id].add(unit_id)
    answered = set(InstructionAnswer.objects.filter(report__assignment_id__in=ids,
                                                    report__status__in=ANSWER_DELIVERED)
                   .values_list("report__assignment_id", "instruction_id"))
    rows = []
    for assignment in assignments:
        plan_periods = periods[assignment.task.plan_id]
        own_reports = reports[assignment.pk]
        own_extensions = extensions[assignment.pk]
        row = TaskRow(assignment=assignment)
        row.period = current_period(plan_periods, today)
        if row.period is not None:
            row.report = own_reports.get(row.period.pk)
            row.due = report_due_date(period=row.period, extensions=own_extensions)
        if assignment.status == AssignmentStatus.OPEN:
            for period in owed_periods(assignment, plan_periods):
                report = own_reports.get(period.pk)
                delivered = report is not None and report.status in DELIVERED
                if not delivered and report_due_date(period=period, extensions=own_extensions) < today:
                    row.overdue.append(period)
        row.returned = [r for r in own_reports.values() if r.status == ReportStatus.RETURNED]
        row.open_instructions = sum(1 for i in instructions[assignment.task_id]
                                    if (assignment.pk, i) not in answered
                                    and (not chosen[i] or assignment.unit_id in chosen[i]))
        row.pending_extension = any(e.status == ExtensionStatus.PENDING for e in own_extensions)
        rows.append(row)
    return rows


def report_list(reports: QuerySet[Report]) -> QuerySet[Report]:
    """A report list with everything its rows show, in one query."""
    return reports.select_related("period", "assignment", "assignment__task", "assignment__task__plan",
                                  "assignment__unit")


def assignment_periods(assignment: Assignment, *, today: dt.date) -> list[tuple[ReportingPeriod, Report | None,
                                                                               dt.date, bool]]:
    """Every owed period of the assignment up to the current one: (period, report, due date, overdue)."""
    periods = list(assignment.task.plan.periods.order_by("start"))
    reports = period_reports(assignment)
    extensions = list(assignment.extensions.all())
    current = current_period(periods, today)
    rows = []
    for period in owed_periods(assignment, periods):
        if current is not None and period.start > current.start:
            break
        report = reports.get(period.pk)
        due = report_due_date(period=period, extensions=extensions)
        delivered = report is not None and report.status in DELIVERED
        rows.append((period, report, due, not delivered and due < today
                     and assignment.status == AssignmentStatus.OPEN))
    rows.reverse()
    return rows


def reports_awaiting_approval(reports: QuerySet[Report], *, unit_id: int) -> QuerySet[Report]:
    """The unit's reports its head may approve or submit: drafts, and approved ones not yet submitted, on
    open assignments. `reports` is what the user may see (reports.access.reports_visible_to)."""
    return (reports.filter(assignment__unit_id=unit_id, assignment__active=True,
                           assignment__status=AssignmentStatus.OPEN,
                           status__in=(ReportStatus.DRAFT, ReportStatus.APPROVED))
            .select_related("assignment__task", "assignment__unit", "period")
            .order_by("period__start", "assignment__task__position", "pk"))


def report_form_refusal(assignment: Assignment, period: ReportingPeriod, *, today: dt.date) -> str:
    """Why the report form for this assignment and period is not offered ("" when it is): the same rules
    the services apply on save (a closed or inactive task, an unpublished plan, a period not yet started)."""
    if not assignment.active or assignment.status != AssignmentStatus.OPEN:
        return _("该任务已办结或已失效，不能再填报。")
    if assignment.task.plan.status != PlanStatus.PUBLISHED:
        return _("计划未发布，不能填报。")
    if period.start > today:
        return _("%(period)s报送期自%(start)s开始，届时才能填报。") % {
            "period": period.label, "start": f"{period.start:%Y-%m-%d}"}
    return ""


def last_return(report: Report | None) -> Review | None:
    """The office's latest return (its comment is what the unit must fix) while the report is returned."""
    if report is None or report.status != ReportStatus.RETURNED:
        return None
    return (Review.objects.filter(report=report, action=ReviewAction.RETURN).select_related("actor")
            .order_by("-created_at", "-pk").first())


def report_actions(user: Any, report: Report) -> set[str]:
    """What the pages offer this user on this report (the services still decide; this only hides buttons)."""
    assignment = report.assignment
    is_open = assignment.active and assignment.status == AssignmentStatus.OPEN
    own = bool(user.is_unit_user and user.unit_id == assignment.unit_id)
    actions: set[str] = set()
    if own and is_open and report.status in EDITABLE:
        actions |= {"edit", "attach"}
        if user.role == Role.HEAD and report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            actions.add("approve")
        if user.role == Role.HEAD or report.status == ReportStatus.APPROVED:
            actions.add("submit")
    if user.is_office and report.status == ReportStatus.SUBMITTED:
        actions |= {"accept", "return"}
    return actions
