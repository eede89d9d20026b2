"""Reads for the plan pages: scoped, prefetched querysets and the rows built from them.

Everything here starts from the access helpers in access.py, so a unit account only ever reads its own
assignments and their reports. The RAG flag (红黄绿灯) is computed in the query, never stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from luoshi.core import clock
from luoshi.core.audit_labels import action_label, field_label
from luoshi.core.models import AuditEntry
from luoshi.reports.choices import ExtensionStatus, Progress, ReportStatus
from luoshi.reports.models import Extension, Report, ReportingPeriod, TargetActual
from luoshi.reports.selectors import DELIVERED, overdue_periods

from .access import Viewer, assignments_visible_to, plans_visible_to, tasks_visible_to, viewer_of
from .choices import AssignmentStatus, PlanStatus, UnitRole
from .models import Assignment, Plan, Target, Task, TaskUnit

# Days before the deadline from which an open assignment without an accepted report turns amber.
AMBER_DAYS = 7

# Reports the office has received: drafts and unit-internal approvals are not progress yet.
OFFICIAL_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED)
BAD_PROGRESS = (Progress.LAGGING, Progress.CANNOT_COMPLETE)

RAG_RED, RAG_AMBER, RAG_GREEN = "red", "amber", "green"
RAG_CHOICES = [(RAG_RED, _("红灯")), (RAG_AMBER, _("黄灯")), (RAG_GREEN, _("绿灯"))]
RAG_LABELS = dict(RAG_CHOICES)

# Reports overdue (逾期未报) from which an open assignment turns red; one overdue report makes it amber.
RED_OVERDUE_REPORTS = 2

# The written rule shown on the ledger page, the dashboard and the circular. assignments_with_rag implements it
# per assignment (the ledger, the Excel export and the circular read it); assignment_lights_sql computes the
# same lights for a whole set at once (the dashboard counts them); tests/plans/test_rag_sets.py holds them equal.
RAG_RULE = (
    (RAG_RED, _("红灯：已过完成时限仍未办结，或最新一期报告为“滞后”或“无法完成”，或有两期及以上进展报告逾期未报。")),
    (RAG_AMBER, _("黄灯：7天内到期且本期报告尚未审核通过，或最新一期报告被退回，或有一期进展报告逾期未报。")),
    (RAG_GREEN, _("绿灯：其他情况，包括已办结的任务。")),
)
RAG_OVERDUE_NOTE = _("逾期未报：计划发布后的报送期已过报送截止日（本期获准延期的，以延期后的日期为准），"
                     "仍未报送进展报告；被退回的报告重新报送前仍算未报。一项任务取其各责任单位中最差的灯色。")

LEAD_ROLES = (UnitRole.LEAD, UnitRole.RESPONSIBLE)


def _rag_case(red: Q, amber: Q) -> Case:
    return Case(When(red, then=Value(RAG_RED)), When(amber, then=Value(RAG_AMBER)),
                default=Value(RAG_GREEN), output_field=CharField())


def overdue_reports_count(*, today: dt.date) -> Subquery:
    """Per assignment (the outer query), the periods whose report is overdue (逾期未报) on `today`.

    A period is owed when it ends on or after the plan's publication; its report is overdue once the period's
    due date has passed, unless a granted extension asked for while the report was due (report_due_date)
    still runs, and no report reached the office as submitted or accepted. The same definition as the unit's
    task list (reports.selectors.my_tasks_queryset / TaskRow.overdue); the outer query must annotate
    `published_on`. A test checks that the two agree.
    """
    return Subquery(overdue_periods(today=today).order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1],
                    output_field=IntegerField())


def assignments_with_rag(assignments: QuerySet[Assignment], *, today: dt.date) -> QuerySet[Assignment]:
    """Annotate `latest_progress`, `latest_status`, `accepted_this_period`, `overdue_reports` and `rag`.

    RAG_RULE per assignment (assignment_lights_sql gives the same lights to a whole set at once), for open
    assignments (a closed one is green):
    red   - past its deadline, or the latest report says lagging / cannot complete, or RED_OVERDUE_REPORTS
            or more reports overdue;
    amber - deadline within AMBER_DAYS and this period's report not accepted, or the latest report returned,
            or one report overdue;
    green - otherwise.
    """
    latest = (Report.objects.filter(assignment=OuterRef("pk"), status__in=OFFICIAL_STATUSES)
              .order_by("-period__start", "-pk"))
    accepted_now = Report.objects.filter(assignment=OuterRef("pk"), status=ReportStatus.ACCEPTED,
                                         period__start__lte=today, period__end__gte=today)
    annotated = assignments.annotate(
        latest_progress=Subquery(latest.values("progress")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
        accepted_this_period=Exists(accepted_now),
        published_on=TruncDate("task__plan__published_at"),
    ).annotate(overdue_reports=Coalesce(overdue_reports_count(today=today), 0))
    is_open = Q(active=True, status=AssignmentStatus.OPEN)
    red = is_open & (Q(deadline__lt=today) | Q(latest_progress__in=BAD_PROGRESS)
                     | Q(overdue_reports__gte=RED_OVERDUE_REPORTS))
    due_soon = Q(deadline__gte=today, deadline__lte=today + dt.timedelta(days=AMBER_DAYS), accepted_this_period=False)
    amber = is_open & (due_soon | Q(latest_status=ReportStatus.RETURNED) | Q(overdue_reports__gt=0))
    return annotated.annotate(rag=_rag_case(red, amber))


# RAG_RULE for a whole set of assignments at once: the same rule as assignments_with_rag, computed by joins
# and window aggregates in one pass over the reports instead of subqueries per assignment (which cost
# ~0.2 s at 20,000 assignments on PostgreSQL). `a` is the assignments; `o` the periods past due and owed
# since each plan's publication; `r`, one row per assignment that has reports which reached the office
# (the newest's progress and status, whether one for the period running today was accepted, how many owed
# periods have a delivered report); `deferred` the owed periods without a delivered report that a granted
# extension, asked for while the report was due, still defers. Overdue = owed - delivered - deferred.
# `%(...)s` are the ORM's SQL for those rows: dates, time zones and booleans stay the ORM's.
_LIGHTS_SQL = """
a AS (%(assignments)s),
o AS (%(periods)s),
r AS (
  SELECT rep.assignment_id, rep.progress, rep.status,
         ROW_NUMBER() OVER w AS n,
         MAX(CASE WHEN rep.status = %%s AND rep.period_start <= %%s AND rep.period_end >= %%s THEN 1 ELSE 0 END)
           OVER w AS accepted_now,
         SUM(CASE WHEN o.id IS NOT NULL AND rep.status IN %(delivered)s THEN 1 ELSE 0 END) OVER w AS delivered_n
  FROM (%(reports)s) rep
    JOIN a ON a.id = rep.assignment_id
    LEFT JOIN o ON o.id = rep.period_id AND o.plan_id = a.plan_ref
  WINDOW w AS (PARTITION BY rep.assignment_id ORDER BY rep.period_start DESC, rep.id DESC
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
deferred AS (
  SELECT e.assignment_id, COUNT(DISTINCT o.id) AS n
  FROM (%(extensions)s) e
    JOIN a ON a.id = e.assignment_id
    JOIN o ON o.plan_id = a.plan_ref AND e.asked_on >= o.start AND e.asked_on <= o.due_date
  WHERE NOT EXISTS (SELECT 1 FROM (%(delivered_reports)s) d WHERE d.assignment_id = e.assignment_id
                                                             AND d.period_id = o.id)
  GROUP BY e.assignment_id
),
owed_n AS (SELECT plan_id, COUNT(*) AS n FROM o GROUP BY plan_id),
rated AS (
  SELECT a.*, r.progress AS latest_progress, r.status AS latest_status, COALESCE(r.accepted_now, 0) AS accepted_now,
         COALESCE(owed_n.n, 0) - COALESCE(r.delivered_n, 0) - COALESCE(deferred.n, 0) AS overdue_n
  FROM a LEFT JOIN r ON r.assignment_id = a.id AND r.n = 1
         LEFT JOIN owed_n ON owed_n.plan_id = a.plan_ref
         LEFT JOIN deferred ON deferred.assignment_id = a.id
),
lights AS (
  SELECT rated.*, CASE
    WHEN rated.active AND rated.status = %%s AND (rated.deadline < %%s OR rated.latest_progress IN %(bad)s
         OR rated.overdue_n >= %%s) THEN %%s
    WHEN rated.active AND rated.status = %%s AND (
         (rated.deadline >= %%s AND rated.deadline <= %%s AND rated.accepted_now = 0)
         OR rated.latest_status = %%s OR rated.overdue_n > 0) THEN %%s
    ELSE %%s END AS rag
  FROM rated
)"""


def _placeholders(values: Iterable[Any]) -> tuple[str, list[Any]]:
    values = list(values)
    return "(" + ", ".join(["%s"] * len(values)) + ")", values


def assignment_lights_sql(assignments: QuerySet[Assignment], *, today: dt.date,
                          columns: dict[str, Any] | None = None) -> tuple[str, list[Any]]:
    """The common table expressions (without the leading WITH) whose last one, `lights`, holds one row per
    assignment of `assignments`: its id, task_id, unit_id, status, active, deadline, plan_ref (its plan),
    the `columns` asked for (name -> ORM expression on Assignment), and `rag` - RAG_RULE, the same light
    as assignments_with_rag gives it (tests/plans/test_rag_sets.py compares the two on both databases).

    For counting the lights of many assignments (the leader dashboard); a page of rows reads
    assignments_with_rag, whose subqueries are cheap for a few rows.
    """
    def sql_of(queryset: QuerySet[Any]) -> tuple[str, list[Any]]:
        sql, params = queryset.query.sql_with_params()
        return sql, list(params)

    def day(value: dt.date) -> Any:
        return connection.ops.adapt_datefield_value(value)

    columns = columns or {}
    if assignments.query.is_empty():  # .none() compiles to no SQL at all: the same empty set, as SQL
        assignments = Assignment.objects.filter(pk__isnull=True)
    assignments_sql, assignments_params = sql_of(assignments.order_by().annotate(
        plan_ref=F("task__plan_id"), **columns).values(
        "id", "task_id", "unit_id", "status", "active", "deadline", "plan_ref", *columns))
    periods_sql, periods_params = sql_of(
        ReportingPeriod.objects.filter(due_date__lt=today, end__gte=TruncDate("plan__published_at"))
        .order_by().values("id", "plan_id", "start", "due_date"))
    reports_sql, reports_params = sql_of(Report.objects.filter(status__in=OFFICIAL_STATUSES).order_by().values(
        "id", "assignment_id", "period_id", "status", "progress",
        period_start=F("period__start"), period_end=F("period__end")))
    extensions_sql, extensions_params = sql_of(
        Extension.objects.filter(status=ExtensionStatus.GRANTED, requested_deadline__gte=today)
        .order_by().values("assignment_id", asked_on=TruncDate("requested_at")))
    delivered_sql, delivered_params = sql_of(
        Report.objects.filter(status__in=DELIVERED).order_by().values("assignment_id", "period_id"))
    delivered, delivered_values = _placeholders(DELIVERED)
    bad, bad_values = _placeholders(BAD_PROGRESS)
    sql = _LIGHTS_SQL % {"assignments": assignments_sql, "periods": periods_sql, "reports": reports_sql,
                         "extensions": extensions_sql, "delivered_reports": delivered_sql,
                         "delivered": delivered, "bad": bad}
    params = [*assignments_params, *periods_params,
              # r
              ReportStatus.ACCEPTED, day(today), day(today), *delivered_values, *reports_params,
              # deferred
              *extensions_params, *delivered_params,
              # lights: red, then amber, then green
              AssignmentStatus.OPEN, day(today), *bad_values, RED_OVERDUE_REPORTS, RAG_RED,
              AssignmentStatus.OPEN, day(today), day(today + dt.timedelta(days=AMBER_DAYS)), ReportStatus.RETURNED,
              RAG_AMBER, RAG_GREEN]
    return sql, params


def assignment_lights(assignments: QuerySet[Assignment], *, today: dt.date) -> dict[int, str]:
    """Assignment id -> its light, by assignment_lights_sql."""
    ctes, params = assignment_lights_sql(assignments, today=today)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {ctes} SELECT id, rag FROM lights", params)
        return dict(cursor.fetchall())


def ledger_tasks(user: Any, *, today: dt.date | None = None) -> QuerySet[Task]:
    """The task items of published plans the user may see, with `rag`, `is_open`, `is_overdue`.

    The flags only look at the assignments the user may see: a unit's ledger shows its own light.
    """
    today = today or clock.today()
    if not user.is_authenticated:
        return Task.objects.none()
    return _ledger_tasks_for(viewer_of(user), today).all()


@lru_cache(maxsize=256)
def _ledger_tasks_for(viewer: Viewer, today: dt.date) -> QuerySet[Task]:
    """Built once per visibility and day, then cloned (an unevaluated queryset, as a class-based view's
    `queryset` attribute): resolving the nested RAG subqueries took ~40% of a ledger request's Python time."""
    visible = assignments_visible_to(viewer).filter(active=True)
    of_task = visible.filter(task=OuterRef("pk"))
    rated = assignments_with_rag(of_task, today=today)
    return (
        tasks_visible_to(viewer)
        .filter(is_item=True, removed=False, plan__status=PlanStatus.PUBLISHED)
        .annotate(
            has_assignments=Exists(of_task),
            is_open=Exists(of_task.filter(status=AssignmentStatus.OPEN)),
            is_overdue=Exists(of_task.filter(status=AssignmentStatus.OPEN, deadline__lt=today)),
            has_red=Exists(rated.filter(rag=RAG_RED)),
            has_amber=Exists(rated.filter(rag=RAG_AMBER)),
        )
        .annotate(rag=_rag_case(Q(has_red=True), Q(has_amber=True)))
        .select_related("plan")
        .order_by("plan_id", "position")
    )


def ledger_prefetch(tasks: QuerySet[Task] | list[Task], user: Any, *, today: dt.date | None = None) -> list[Task]:
    """Load units, targets with actuals, and the visible assignments with their reports in fixed queries."""
    today = today or clock.today()
    visible = assignments_visible_to(user).filter(active=True)
    actuals = (TargetActual.objects.filter(report__assignment__in=visible, report__status__in=OFFICIAL_STATUSES)
               .select_related("report__period", "report__assignment__unit")
               .order_by("-report__period__start", "-report__pk"))
    reports = Report.objects.filter(status__in=OFFICIAL_STATUSES).select_related("period").order_by(
        "-period__start", "-pk")
    assignments = (assignments_with_rag(visible, today=today).select_related("unit")
                   .prefetch_related(Prefetch("reports", queryset=reports, to_attr="official_reports")))
    result = list(tasks)
    prefetch_related_objects(
        result,
        Prefetch("task_units", queryset=TaskUnit.objects.select_related("unit").order_by("position")),
        Prefetch("targets__actuals", queryset=actuals, to_attr="visible_actuals"),
        Prefetch("assignments", queryset=assignments, to_attr="visible_assignments"),
    )
    return result


@dataclass
class ProgressLine:
    unit: str
    rag: str
    period: str
    progress: str
    status: str
    narrative: str


@dataclass
class TargetLine:
    text: str
    actuals: list[str] = field(default_factory=list)


@dataclass
class LedgerRow:
    """One row of the ledger (台账), the same on the page and in the Excel export."""

    number: int
    task: Task
    lead_units: list[str]
    support_units: list[str]
    deadline: str
    status: str
    rag: str
    rag_label: str
    progress: list[ProgressLine]
    targets: list[TargetLine]


def _unit_name(tu: TaskUnit) -> str:
    return str(tu.unit.name if tu.unit is not None else tu.name)


def deadline_display(task: Task) -> str:
    if task.deadline_text:
        return str(task.deadline_text)
    return formats.date_format(task.deadline) if task.deadline else "—"


def _row_deadline(task: Task, own_deadlines: list[tuple[str, dt.date | None]]) -> str:
    """The task's deadline, with the units whose own deadline differs (an extension, a correction);
    `own_deadlines` is (unit name, its deadline) per visible assignment."""
    own = [(name, date) for name, date in own_deadlines if date and date != task.deadline]
    if task.deadline or task.deadline_text:
        shown = deadline_display(task)
        if own:
            shown += "；" + "；".join(f"{name} {formats.date_format(date)}" for name, date in own)
        return shown
    dates = {date for _name, date in own}
    if len(dates) == 1 and len(own) == len(own_deadlines):
        return formats.date_format(dates.pop())
    return "；".join(f"{name} {formats.date_format(date)}" for name, date in own) or "—"


@dataclass
class _Held:
    """What a row shows of one visible assignment: its unit, light, state, deadline and newest report that
    reached the office (period label, progress, status, narrative), or None."""

    unit: str
    rag: str
    status: str
    deadline: dt.date | None
    latest: tuple[str, str, str, str] | None


class _Labels:
    """Choice labels looked up once per page, not through get_FOO_display per report."""

    def __init__(self) -> None:
        self.progress = {value: str(label) for value, label in Progress.choices}
        self.status = {value: str(label) for value, label in ReportStatus.choices}
        self.not_reported = str(_("尚未报送"))


def _ledger_row(number: int, task: Task, units: list[tuple[str, str]], held: list[_Held],
                targets: list[TargetLine], labels: _Labels) -> LedgerRow:
    """One row from its parts, whichever way they were read; `units` is (role, name) in the plan's order."""
    progress = []
    for one in held:
        period, progress_value, status_value, narrative = one.latest or ("", "", "", "")
        progress.append(ProgressLine(
            unit=one.unit, rag=one.rag, period=period,
            progress=labels.progress.get(progress_value, progress_value) if one.latest else labels.not_reported,
            status=labels.status.get(status_value, status_value) if one.latest else "",
            narrative=narrative))
    # The task's flags from its visible assignments, by the rule ledger_tasks() states in SQL (the worst
    # light of them): the page need not compile and run those subqueries a second time for its rows.
    lights = {one.rag for one in held}
    rag = RAG_RED if RAG_RED in lights else RAG_AMBER if RAG_AMBER in lights else RAG_GREEN
    if any(one.status == AssignmentStatus.OPEN for one in held):
        status = str(AssignmentStatus.OPEN.label)
    elif held:
        status = str(AssignmentStatus.CLOSED.label)
    else:
        status = "—"
    return LedgerRow(
        number=number, task=task,
        lead_units=[name for role, name in units if role in LEAD_ROLES],
        support_units=[name for role, name in units if role == UnitRole.SUPPORT],
        deadline=_row_deadline(task, [(one.unit, one.deadline) for one in held]), status=status,
        rag=rag, rag_label=str(RAG_LABELS[rag]), progress=progress, targets=targets)


def _target_line(text: str, unit: str, actuals: Iterable[tuple[int, float, str, str]]) -> TargetLine:
    """A target with the newest actual of each unit; `actuals` is (unit id, value, period label, unit name),
    newest first."""
    line = TargetLine(text=text)
    seen: set[int] = set()
    for unit_id, value, period, unit_name in actuals:
        if unit_id in seen:  # the newest actual per unit only
            continue
        seen.add(unit_id)
        line.actuals.append(f"{value:g}{unit}（{period}，{unit_name}）")
    return line


def ledger_rows(tasks: Iterable[Task], *, first_number: int = 1) -> list[LedgerRow]:
    """Rows for tasks the user may see (ledger_tasks(), or tasks by ids taken from it) that went through
    ledger_prefetch() (the Excel export, which also reads the prefetched objects); the page reads
    ledger_page_rows(), the same rows from values."""
    labels = _Labels()
    rows = []
    for number, task in enumerate(tasks, start=first_number):
        held = []
        for assignment in getattr(task, "visible_assignments", []):
            latest = assignment.official_reports[0] if assignment.official_reports else None
            held.append(_Held(unit=assignment.unit.name, rag=assignment.rag, status=assignment.status,
                              deadline=assignment.deadline,
                              latest=(latest.period.label, latest.progress, latest.status, latest.narrative)
                              if latest else None))
        targets = [_target_line(target.text, target.unit, (
            (actual.report.assignment.unit_id, actual.value, actual.report.period.label,
             actual.report.assignment.unit.name) for actual in getattr(target, "visible_actuals", [])))
            for target in task.targets.all()]
        units = [(tu.role, _unit_name(tu)) for tu in task.task_units.all()]
        rows.append(_ledger_row(number, task, units, held, targets, labels))
    return rows


def _as_date(value: Any) -> dt.date | None:
    """A date column read through a plain cursor: SQLite gives its text."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def ledger_page_rows(task_ids: list[int], user: Any, *, today: dt.date | None = None,
                     first_number: int = 1) -> list[LedgerRow]:
    """The ledger page's rows for these tasks (ids taken from the user's ledger_tasks(), in that order): the
    rows ledger_rows(ledger_prefetch(...)) gives (tests/plans/test_ledger.py compares them), read as values
    instead of ~750 model instances per page, in six queries; the lights by assignment_lights_sql, whose
    statement is cheaper to build than assignments_with_rag's subqueries."""
    if not task_ids:
        return []
    today = today or clock.today()
    viewer = viewer_of(user)
    order = {pk: position for position, pk in enumerate(task_ids)}
    tasks = sorted(Task.objects.filter(pk__in=task_ids).select_related("plan")
                   .only("pk", "key", "text", "deadline", "deadline_text", "plan", "plan__title"),
                   key=lambda task: order[task.pk])
    units: dict[int, list[tuple[str, str]]] = {pk: [] for pk in task_ids}
    for task_id, role, name, unit_name in (TaskUnit.objects.filter(task_id__in=task_ids).order_by("position")
                                           .values_list("task_id", "role", "name", "unit__name")):
        units[task_id].append((role, unit_name if unit_name is not None else name))
    # The page's assignments with their light, in the order of the directory (as the prefetch's Meta ordering).
    lights, params = assignment_lights_sql(
        assignments_visible_to(viewer).filter(active=True, task_id__in=task_ids), today=today,
        columns={"unit_name": F("unit__name"), "unit_order": F("unit__sort_order")})
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {lights} SELECT id, task_id, unit_name, rag, status, deadline FROM lights "
                       "ORDER BY unit_order, unit_name, id", params)
        assignments = [(pk, task_id, unit_name, rag, status, _as_date(deadline))
                       for pk, task_id, unit_name, rag, status, deadline in cursor.fetchall()]
    latest: dict[int, tuple[str, str, str, str]] = {}
    for assignment_id, *report in (Report.objects.filter(assignment_id__in=[row[0] for row in assignments],
                                                         status__in=OFFICIAL_STATUSES)
                                   .order_by("assignment_id", "-period__start", "-pk")
                                   .values_list("assignment_id", "period__label", "progress", "status", "narrative")):
        latest.setdefault(assignment_id, tuple(report))  # type: ignore[arg-type]
    held: dict[int, list[_Held]] = {pk: [] for pk in task_ids}
    for assignment_id, task_id, unit_name, rag, status, deadline in assignments:
        held[task_id].append(_Held(unit=unit_name, rag=rag, status=status, deadline=deadline,
                                   latest=latest.get(assignment_id)))
    targets = list(Target.objects.filter(task_id__in=task_ids).order_by("task", "position")
                   .values_list("pk", "task_id", "text", "unit"))
    actuals: dict[int, list[tuple[int, float, str, str]]] = {pk: [] for pk, *_rest in targets}
    for target_id, *actual in (TargetActual.objects.filter(
            target_id__in=list(actuals), report__assignment__in=assignments_visible_to(viewer).filter(active=True),
            report__status__in=OFFICIAL_STATUSES)
            .order_by("-report__period__start", "-report__pk")
            .values_list("target_id", "report__assignment__unit_id", "value", "report__period__label",
                         "report__assignment__unit__name")):
        actuals[target_id].append(tuple(actual))  # type: ignore[arg-type]
    lines: dict[int, list[TargetLine]] = {pk: [] for pk in task_ids}
    for pk, task_id, text, unit in targets:
        lines[task_id].append(_target_line(text, unit, actuals[pk]))
    labels = _Labels()
    return [_ledger_row(number, task, units[task.pk], held[task.pk], lines[task.pk], labels)
            for number, task in enumerate(tasks, start=first_number)]


# ---------------------------------------------------------------------------------------------------
# The source sentence with its spans marked


@dataclass
class Segment:
    """A piece of the source sentence; `kind` is "", "unit", "unmapped", "target" or "deadline"."""

    text: str
    kind: str = ""
    title: str = ""


def _body_end(task: Task, source: str, line_end: int) -> int:
    """Where the node's body paragraphs end in the source (the body is stored joined, without offsets)."""
    lines = [line for line in task.body.splitlines() if line.strip()]
    if not lines:
        return line_end
    first = source.find(lines[0], line_end)
    last = source.find(lines[-1], max(first, line_end)) if first >= 0 else -1
    return last + len(lines[-1]) if last >= 0 else line_end


def sentence_segments(task: Task, source: str, task_units: Iterable[TaskUnit] | None = None, *,
                      with_body: bool = False) -> list[Segment]:
    """The task's source line (and with_body, its body paragraphs) cut into plain and marked pieces.

    Marks: units, targets, the deadline wording. Spans are offsets into the plan's source text; marks
    outside the shown range (units inherited from a heading) or overlapping an earlier mark are left out.
    """
    line_start = source.rfind("\n", 0, task.span_start) + 1
    line_end = source.find("\n", task.span_end)
    line_end = line_end if line_end >= 0 else len(source)
    end = _body_end(task, source, line_end) if with_body and task.body else line_end
    marks: list[tuple[int, int, str, str]] = []
    for tu in task_units if task_units is not None else task.task_units.all():
        if tu.span_start is not None and tu.span_end is not None:
            kind = "unit" if tu.unit_id else "unmapped"
            marks.append((tu.span_start, tu.span_end, kind, str(tu.get_role_display())))
    for target in task.targets.all():
        if target.span_start is not None and target.span_end is not None:
            marks.append((target.span_start, target.span_end, "target", str(_("量化目标"))))
    if task.deadline_text:
        found = source.find(task.deadline_text, line_start, end)
        if found >= 0:
            marks.append((found, found + len(task.deadline_text), "deadline", str(_("完成时限"))))
    segments: list[Segment] = []
    cursor = line_start
    for mark_start, mark_end, kind, title in sorted(marks):
        if mark_start < cursor or mark_end > end or mark_start >= mark_end:
            continue
        if mark_start > cursor:
            segments.append(Segment(source[cursor:mark_start]))
        segments.append(Segment(source[mark_start:mark_end], kind, title))
        cursor = mark_end
    if cursor < end:
        segments.append(Segment(source[cursor:end]))
    return segments


# ---------------------------------------------------------------------------------------------------
# Plan preview, task detail, review queue


def plan_list_for(user: Any) -> QuerySet[Plan]:
    return plans_visible_to(user).order_by("-created_at")


@dataclass
class TreeNode:
    task: Task
    segments: list[Segment]  # the heading or item line
    body: list[Segment]      # the paragraphs under a heading
    units: list[TaskUnit]
    indent: int  # in em


def split_first_line(segments: list[Segment]) -> tuple[list[Segment], list[Segment]]:
    """Cut marked segments at the first line break: (the line, the rest). Marks never span lines."""
    for index, segment in enumerate(segments):
        if not segment.kind and "\n" in segment.text:
            head, rest = segment.text.split("\n", 1)
            tail = [Segment(rest)] if rest else []
            return [*segments[:index], Segment(head)], [*tail, *segments[index + 1:]]
    return segments, []


def plan_tree(plan: Plan) -> list[TreeNode]:
    """Every node of the plan in document order, with its marked source sentence (three queries)."""
    tasks = list(plan.tasks.filter(removed=False).order_by("position").prefetch_related(
        Prefetch("task_units", queryset=TaskUnit.objects.select_related("unit").order_by("position")),
        "targets"))
    top = min((t.level for t in tasks), default=1)
    nodes = []
    for task in tasks:
        units = list(task.task_units.all())
        line, body = split_first_line(sentence_segments(task, plan.source_text, units, with_body=True))
        nodes.append(TreeNode(task=task, segments=line, body=body, units=units, indent=2 * (task.level - top)))
    return nodes


def task_assignments(task: Task, user: Any, *, today: dt.date | None = None) -> list[Assignment]:
    """The assignments of a task that the user may see, with RAG and all their reports (newest first)."""
    today = today or clock.today()
    reports = (Report.objects.select_related("period", "created_by").order_by("-period__start", "-pk"))
    if not user.is_office:
        # Leaders and units read what reached the office; a unit also sees its own drafts.
        reports = reports.filter(Q(status__in=OFFICIAL_STATUSES) | Q(assignment__unit_id=user.unit_id or -1))
    return list(assignments_with_rag(assignments_visible_to(user).filter(task=task), today=today)
                .select_related("unit", "via_group")
                .prefetch_related(Prefetch("reports", queryset=reports, to_attr="all_reports"))
                .order_by("-active", "unit__sort_order", "unit__name"))


def task_history(task: Task, user: Any) -> QuerySet[AuditEntry]:
    """Audit entries of this task and plan-level entries of its plan; a unit sees no other unit's entries."""
    entries = AuditEntry.objects.filter(Q(task_id=task.pk) | Q(plan_id=task.plan_id, task_id__isnull=True))
    if not user.sees_everything:
        entries = entries.filter(Q(unit_id__isnull=True) | Q(unit_id=user.unit_id))
    return entries.order_by("-created_at", "-pk")


# Stored values shown as people read them; bookkeeping fields are left out of the history.
VALUE_LABELS: dict[str, dict[str, Any]] = {
    "status": {**dict(ReportStatus.choices), **dict(PlanStatus.choices), **dict(AssignmentStatus.choices)},
    "progress": dict(Progress.choices), "role": dict(UnitRole.choices),
    "is_late": {True: _("是"), False: _("否")}, "is_public": {True: _("是"), False: _("否")},
}
HIDDEN_FIELDS = frozenset({"version"})


def _readable(key: str, value: Any) -> Any:
    labels = VALUE_LABELS.get(key)
    if labels is None or value is None:
        return value
    try:
        return labels.get(value, value)
    except TypeError:  # an unhashable value (a list): shown as it is
        return value


@dataclass
class HistoryItem:
    entry: AuditEntry
    action: str
    changes: list[tuple[str, Any, Any]]
    when: dt.datetime  # on the business clock: the demo's entries show the demo's dates

def history_items(entries: Iterable[AuditEntry]) -> list[HistoryItem]:
    """Audit entries with a readable action name and the fields whose value changed.

    An entry without a `before` created its object: its message says enough, or else its `after` is shown.
    """
    items = []
    for entry in entries:
        before, after = entry.before, entry.after or {}
        if before is None:  # with a message, no field list; without one, every value of `after` is new
            before = dict(after) if entry.message else {}
        changes = [
            (field_label(entry.action, key), _readable(key, before.get(key)), _readable(key, after.get(key)))
            for key in dict.fromkeys([*before, *after])
            if key not in HIDDEN_FIELDS and before.get(key) != after.get(key)]
        items.append(HistoryItem(entry=entry, action=action_label(entry.action), changes=changes,
                                 when=clock.on_business_clock(entry.created_at)))
    return items


def review_queue(user: Any) -> QuerySet[Report]:
    """Submitted reports awaiting the office's review, oldest first."""
    return (Report.objects.filter(assignment__in=assignments_visible_to(user), status=ReportStatus.SUBMITTED)
            .select_related("assignment__task__plan", "assignment__unit", "period", "created_by")
            .order_by("submitted_at", "pk"))
