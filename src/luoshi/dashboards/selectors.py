"""Reads for the dashboards: counts aggregated in the database, each with the URL of the list behind it.

Every read starts from the other apps' access helpers and selectors (plans.selectors.ledger_tasks for the
RAG rule and the ledger's counts, reports.selectors.my_tasks_queryset for "due / returned / overdue",
indicators.selectors.attainment_rows for targets), so a number on a dashboard is the length of the list
its link opens. The query count is fixed: nothing here loops over tasks or units issuing queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Left, StrIndex, TruncDate
from django.urls import reverse
from django.utils import timezone

from luoshi.assessment.access import appeals_visible_to, scores_visible_to
from luoshi.assessment.choices import AppealStatus
from luoshi.assessment.models import Appeal
from luoshi.core.models import AuditEntry
from luoshi.indicators.access import editions_visible_to, targets_visible_to
from luoshi.indicators.choices import EditionStatus, Measure, Rag, RegionKind
from luoshi.indicators.index import edition_rows
from luoshi.indicators.models import COUNTED, IndexEdition, IndicatorTarget, Observation
from luoshi.indicators.selectors import SOURCE_PREFERENCE, AttainmentRow, attainment_rows, attainment_rule_for
from luoshi.orgs.models import Unit
from luoshi.plans.access import assignments_visible_to, plans_visible_to
from luoshi.plans.choices import AssignmentStatus, PlanStatus
from luoshi.plans.models import Assignment, Plan, Task
from luoshi.plans.selectors import (
    OFFICIAL_STATUSES,
    RAG_AMBER,
    RAG_GREEN,
    RAG_RED,
    assignment_lights_sql,
    ledger_tasks,
    review_queue,
)
from luoshi.reports.access import extensions_visible_to, reports_visible_to
from luoshi.reports.choices import ExtensionStatus, ReminderKind, ReportStatus, ReviewAction
from luoshi.reports.models import Extension, InstructionAnswer, Reminder, Report, ReportingPeriod, Review
from luoshi.reports.selectors import DELIVERED, current_period, my_tasks_queryset, reports_awaiting_approval

OVERDUE_ROWS = 20        # most overdue assignments listed on the leader dashboard
CHAPTER_ROWS = 30        # chapters drawn (a flat plan has one "chapter" per item: the largest are shown)
TREND_YEARS = 6          # years of a target's trend line


@contextmanager
def without_jit() -> Iterator[None]:
    """PostgreSQL JIT-compiles a query whose estimated cost is high, as the per-assignment subqueries of
    the RAG rule make it: at 20,000 assignments compiling took 0.9 s against 0.3 s of running. Off for the
    dashboard's reads (SET LOCAL: this transaction only); nothing to do on other databases."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def url_with(name: str, *args: Any, **params: Any) -> str:
    """reverse(name) with the non-empty params as a query string (the filters of the list page)."""
    return with_query(reverse(name, args=args), **params)


def with_query(base: str, **params: Any) -> str:
    """`base` with the non-empty params as a query string. For many links to one page: reverse() once."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", False)})
    return f"{base}?{query}" if query else base


def ledger_url(**params: Any) -> str:
    return url_with("plans:ledger", **params)


# ---------------------------------------------------------------------------------------------------
# Plan and period


def published_plans(user: Any) -> list[Plan]:
    return list(plans_visible_to(user).filter(status=PlanStatus.PUBLISHED).order_by("-published_at", "-pk"))


def pick(plans: list[Plan], periods_of: Mapping[int, list[ReportingPeriod]], *, plan_id: Any, period_id: Any,
         today: dt.date) -> tuple[Plan | None, ReportingPeriod | None]:
    """The requested plan and period when valid, else the newest plan and its current period."""
    plan = next((p for p in plans if str(p.pk) == str(plan_id)), plans[0] if plans else None)
    if plan is None:
        return None, None
    periods = periods_of.get(plan.pk, [])
    period = next((p for p in periods if str(p.pk) == str(period_id)), None) or current_period(periods, today)
    return plan, period


def leader_cache_key(*, plan_id: str, period_id: str, today: dt.date, language: str) -> str:
    """The leader dashboard's cache key: the plan and period asked for (ids or "" for the default), the
    day, the language, and the newest audit entry (the data's version: every change writes one)."""
    version = AuditEntry.objects.changes().aggregate(last=Max("pk"))["last"] or 0  # logins change no data
    return f"dashboards:leader:{plan_id}:{period_id}:{today.isoformat()}:{language}:{version}"


def periods_by_plan(plans: Iterable[Plan]) -> dict[int, list[ReportingPeriod]]:
    grouped: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in ReportingPeriod.objects.filter(plan__in=[p.pk for p in plans]).order_by("start"):
        grouped[period.plan_id].append(period)
    return grouped


# ---------------------------------------------------------------------------------------------------
# Tasks by status and RAG (the ledger's rule and the ledger's counting: one row per task item)


COUNTS = ("total", "open", "closed", "overdue", RAG_RED, RAG_AMBER, RAG_GREEN)


@dataclass
class StatusCounts:
    """Task items by status and RAG, with the ledger URLs that list each group."""

    counts: dict[str, int]
    urls: dict[str, str]
    label: str = ""
    key: Any = None


# Each count's narrowing of the ledger, after the row's own filters (plan, chapter or unit).
_STATUS_QUERIES = {"total": "", "open": urlencode({"status": AssignmentStatus.OPEN}),
                   "closed": urlencode({"status": AssignmentStatus.CLOSED}), "overdue": urlencode({"overdue": "on"}),
                   **{rag: urlencode({"rag": rag}) for rag in (RAG_RED, RAG_AMBER, RAG_GREEN)}}


def _status_urls(ledger: str, **filters: Any) -> dict[str, str]:
    """The ledger's address (`ledger`, reversed once for all rows) filtered for each count of a row: ~700
    links on the leader dashboard, which reverse() and urlencode() per link made a third of its Python time."""
    own = with_query("", **filters).lstrip("?")
    return {name: f"{ledger}?{'&'.join(part for part in (own, query) if part)}" if own or query else ledger
            for name, query in _STATUS_QUERIES.items()}


def _chapter_key(path: str) -> Case:
    """The first segment of a task key ("三/(一)/1" -> "三"): the chapter, as the ledger's chapter filter reads it."""
    return Case(When(**{f"{path}__contains": "/"}, then=Left(path, StrIndex(path, Value("/")) - 1)),
                default=F(path), output_field=CharField())


# One pass over the plan's assignments: each assignment's light (the ledger's rule, computed for all of them
# at once by plans.selectors.assignment_lights_sql), then per task the worst light, open and overdue flags as
# the ledger derives them, then the three groupings. `%(lights)s` are the common table expressions ending
# in `lights`; everything else is plain aggregation.
_BREAKDOWN_SQL = """
WITH %(lights)s,
t AS (
  SELECT task_id, MAX(chapter_key) AS chapter_key,
         MAX(CASE rag WHEN 'red' THEN 2 WHEN 'amber' THEN 1 ELSE 0 END) AS sev,
         MAX(open_flag) AS is_open, MAX(overdue_flag) AS is_overdue
  FROM lights GROUP BY task_id
)
SELECT 'plan' AS grp, '' AS grp_key, %(sums)s FROM t
UNION ALL
SELECT 'chapter', chapter_key, %(sums)s FROM t GROUP BY chapter_key
UNION ALL
SELECT 'unit', CAST(u.unit_id AS VARCHAR(20)), %(sums)s
FROM (SELECT DISTINCT task_id, unit_id FROM a) u JOIN t ON t.task_id = u.task_id GROUP BY u.unit_id
"""
_SUMS = ("COUNT(*), SUM(is_open), SUM(1 - is_open), SUM(is_overdue), SUM(CASE WHEN sev = 2 THEN 1 ELSE 0 END), "
         "SUM(CASE WHEN sev = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN sev = 0 THEN 1 ELSE 0 END)")


@dataclass
class Breakdown:
    totals: StatusCounts
    chapters: list[StatusCounts]
    units: list[StatusCounts]


def plan_breakdown(user: Any, plan: Plan, *, today: dt.date) -> Breakdown:
    """The plan's task items by status and RAG: in all, per chapter, per unit holding them.

    Counted like the ledger (one row per task item; a task is open while one of its units' assignments is,
    overdue when an open one is past its deadline, and takes the worst light of its units), so each number
    is the length of the ledger filtered by plan and chapter or unit and status, overdue or light.
    Items without an assignment count in the totals as green (the ledger shows them so), never as open or closed.
    """
    visible = (assignments_visible_to(user)
               .filter(task__plan=plan, active=True, task__is_item=True, task__removed=False))
    is_open = Q(status=AssignmentStatus.OPEN)
    lights, params = assignment_lights_sql(visible, today=today, columns={
        "open_flag": Case(When(is_open, then=1), default=0, output_field=IntegerField()),
        "overdue_flag": Case(When(is_open & Q(deadline__lt=today), then=1), default=0, output_field=IntegerField()),
        "chapter_key": _chapter_key("task__key")})
    sql = _BREAKDOWN_SQL % {"lights": lights, "sums": _SUMS}
    groups: dict[str, dict[str, dict[str, int]]] = {"plan": {}, "chapter": {}, "unit": {}}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for group, key, *numbers in cursor.fetchall():
            groups[group][key] = dict(zip(COUNTS, (int(n or 0) for n in numbers), strict=True))
    # Items nobody holds: in the ledger as green, without status.
    items = dict(Task.objects.filter(plan=plan, is_item=True, removed=False).order_by()
                 .annotate(chapter_key=_chapter_key("key")).values("chapter_key").annotate(n=Count("pk"))
                 .values_list("chapter_key", "n"))
    empty = dict.fromkeys(COUNTS, 0)

    def with_unheld(counts: dict[str, int], total: int) -> dict[str, int]:
        counts = {**empty, **counts}
        counts[RAG_GREEN] += max(total - counts["total"], 0)
        counts["total"] = max(total, counts["total"])
        return counts

    ledger = reverse("plans:ledger")
    totals = StatusCounts(counts=with_unheld(groups["plan"].get("", {}), sum(items.values())),
                          urls=_status_urls(ledger, plan=plan.pk))
    chapters = []
    for chapter in Task.objects.filter(plan=plan, parent__isnull=True, removed=False).order_by("position"):
        if chapter.key not in items:
            continue
        chapters.append(StatusCounts(
            counts=with_unheld(groups["chapter"].get(chapter.key, {}), items[chapter.key]),
            urls=_status_urls(ledger, plan=plan.pk, chapter=chapter.pk),
            label=f"{chapter.label} {chapter.text}".strip(), key=chapter.position))
    if len(chapters) > CHAPTER_ROWS:
        chapters = sorted(sorted(chapters, key=lambda r: -r.counts["total"])[:CHAPTER_ROWS], key=lambda r: r.key)
    names = {u.pk: u for u in Unit.objects.filter(pk__in=[int(k) for k in groups["unit"]])}
    units = [StatusCounts(counts={**empty, **counts}, urls=_status_urls(ledger, plan=plan.pk, unit=int(key)),
                          label=names[int(key)].name, key=(names[int(key)].sort_order, names[int(key)].name))
             for key, counts in groups["unit"].items() if int(key) in names]
    units.sort(key=lambda r: (-r.counts[RAG_RED], -r.counts["overdue"], -r.counts["total"], r.key))
    return Breakdown(totals=totals, chapters=chapters, units=units)


# ---------------------------------------------------------------------------------------------------
# Overdue assignments and how often they were chased


def overdue_assignments(user: Any, plan: Plan, *, today: dt.date) -> QuerySet[Assignment]:
    """Open assignments past their deadline, most overdue first, with `chased` (reminders sent) and
    `last_chased`; days_overdue() adds the days."""
    reminders = Reminder.objects.filter(assignment=OuterRef("pk")).order_by().values("assignment")
    return (assignments_visible_to(user)
            .filter(task__plan=plan, active=True, status=AssignmentStatus.OPEN, deadline__lt=today,
                    task__is_item=True, task__removed=False)
            .annotate(chased=Coalesce(Subquery(reminders.annotate(n=Count("pk")).values("n")[:1]), 0,
                                      output_field=IntegerField()),
                      last_chased=Subquery(reminders.annotate(last=Max("created_at")).values("last")[:1]))
            .select_related("task", "unit").order_by("deadline", "task__position", "unit__sort_order", "pk"))


def days_overdue(rows: Iterable[Assignment], *, today: dt.date) -> list[Assignment]:
    rows = list(rows)
    for row in rows:
        row.days_overdue = (today - row.deadline).days
    return rows


# ---------------------------------------------------------------------------------------------------
# Units ranked by on-time reporting


@dataclass
class UnitReporting:
    unit_id: int
    name: str
    owed: int
    on_time: int
    late: int
    rank: int = 0
    ledger_url: str = ""
    lists: dict[str, str] = field(default_factory=dict)  # "owed" and each of REPORTING_STATES -> its list page

    @property
    def missing(self) -> int:
        return max(self.owed - self.on_time - self.late, 0)

    @property
    def rate(self) -> float | None:
        return None if not self.owed else min(self.on_time / self.owed, 1.0) * 100


def _last_due(period: ReportingPeriod | None, today: dt.date) -> dt.date:
    """Reports count as owed for periods due by then: up to `period`, and never today or later."""
    return min(period.due_date, today - dt.timedelta(days=1)) if period else today - dt.timedelta(days=1)


def on_time_ranking(user: Any, plan: Plan, *, period: ReportingPeriod | None, today: dt.date) -> list[UnitReporting]:
    """Per unit: reports owed up to `period` (periods already past their due date, from the plan's
    publication until the assignment was closed), how many arrived on time, late, or not at all.

    Ranked by the on-time share; ties share the better rank. unit_reporting_rows lists what each count counts.
    """
    last_due = _last_due(period, today)
    published = timezone.localdate(plan.published_at) if plan.published_at else None
    periods = ReportingPeriod.objects.filter(plan=plan, due_date__lte=last_due)
    if published is not None:
        periods = periods.filter(end__gte=published)
    starts = list(periods.values_list("start", flat=True))
    assignments = assignments_visible_to(user).filter(task__plan=plan, active=True)
    # Owed: each assignment owes those periods, up to the day it was closed. Counted per unit and closing
    # day (a few hundred groups), not per assignment and period (a join of 20,000 x 12 rows).
    owed: dict[int, dict[str, Any]] = {}
    for row in (assignments.order_by().annotate(closed_on=TruncDate("closed_at"))
                .values("unit", "unit__name", "unit__sort_order", "closed_on").annotate(n=Count("pk"))):
        count = row["n"] * sum(1 for start in starts if row["closed_on"] is None or start <= row["closed_on"])
        if count:
            unit = owed.setdefault(row["unit"], {"unit__name": row["unit__name"], "owed": 0})
            unit["owed"] += count
    delivered = {row["assignment__unit"]: row for row in
                 reports_visible_to(user).filter(assignment__in=assignments, period__due_date__lte=last_due,
                                                 status__in=OFFICIAL_STATUSES).order_by()
                 .values("assignment__unit").annotate(on_time=Count("pk", filter=Q(is_late=False)),
                                                       late=Count("pk", filter=Q(is_late=True)))}
    rows = []
    ledger = reverse("plans:ledger")  # once, not per unit and link
    for unit_id, row in owed.items():
        got = delivered.get(unit_id, {})
        unit_list = reverse("dashboards:unit_reporting", args=[plan.pk, unit_id])
        rows.append(UnitReporting(
            unit_id=unit_id, name=row["unit__name"], owed=row["owed"], on_time=got.get("on_time", 0),
            late=got.get("late", 0), ledger_url=with_query(ledger, plan=plan.pk, unit=unit_id),
            lists={state: with_query(unit_list, period=period.pk if period else "",
                                     state=state if state != "owed" else "")
                   for state in ("owed", *REPORTING_STATES)}))
    rows.sort(key=lambda r: (-(r.rate or 0), -r.owed, r.name))
    for position, row in enumerate(rows, start=1):
        previous = rows[position - 2] if position > 1 else None
        row.rank = previous.rank if previous is not None and previous.rate == row.rate else position
    return rows


REPORTING_STATES = ("on_time", "late", "missing")


@dataclass
class OwedReport:
    """One report a unit owed: an assignment in a period, and what became of it."""

    assignment: Assignment
    period: ReportingPeriod
    report: Report | None

    @property
    def state(self) -> str:
        if self.report is None:
            return "missing"
        return "late" if self.report.is_late else "on_time"


def unit_reporting_rows(user: Any, plan: Plan, unit_id: int, *, period: ReportingPeriod | None,
                        today: dt.date) -> list[OwedReport]:
    """The reports one unit owed up to `period`, each with the report that answered it (on time or late) or
    None (missing): the same rule as on_time_ranking, so its counts are the lengths of these lists."""
    last_due = _last_due(period, today)
    published = timezone.localdate(plan.published_at) if plan.published_at else None
    assignments = list(assignments_visible_to(user).filter(task__plan=plan, active=True, unit_id=unit_id)
                       .select_related("task", "unit").order_by("task__position"))
    periods = [p for p in ReportingPeriod.objects.filter(plan=plan, due_date__lte=last_due).order_by("due_date")
               if published is None or p.end >= published]
    delivered = {(r.assignment_id, r.period_id): r for r in
                 reports_visible_to(user).filter(assignment__in=assignments, period__in=periods,
                                                 status__in=OFFICIAL_STATUSES)}
    return [OwedReport(assignment=a, period=p, report=delivered.get((a.pk, p.pk)))
            for p in periods for a in assignments
            if a.closed_at is None or p.start <= timezone.localdate(a.closed_at)]


# ---------------------------------------------------------------------------------------------------
# Targets (主要目标: the plan's targets for the whole city) with attainment and trend


@dataclass
class TargetLine:
    row: AttainmentRow
    trend: list[tuple[int, float | None]] = field(default_factory=list)

    @property
    def trend_values(self) -> list[float | None]:
        return [value for _year, value in self.trend]

    @property
    def rag_label(self) -> str:
        return str(Rag(self.row.rag).label)


def yearly_values(pairs: Iterable[tuple[int, int]], *, last_year: int) -> dict[tuple[int, int], dict[int, float]]:
    """(indicator, region) -> year -> the figure of the latest month, preferred source, latest revision."""
    pairs = set(pairs)
    if not pairs:
        return {}
    slots = Q()
    for indicator_id, region_id in pairs:
        slots |= Q(indicator_id=indicator_id, region_id=region_id)
    best: dict[tuple[int, int, int], tuple[int, int, float]] = {}
    preference = {source: rank for rank, source in enumerate(SOURCE_PREFERENCE)}
    for indicator_id, region_id, year, month, source, value in (
            Observation.objects.filter(slots, COUNTED, is_latest=True, measure=Measure.VALUE,
                                       year__gt=last_year - TREND_YEARS, year__lte=last_year)
            .values_list("indicator_id", "region_id", "year", "through_month", "source", "value")):
        key = (indicator_id, region_id, year)
        candidate = (month, -preference.get(source, len(preference)), value)
        if key not in best or candidate[:2] > best[key][:2]:
            best[key] = candidate
    result: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
    for (indicator_id, region_id, year), (_month, _pref, value) in best.items():
        result[(indicator_id, region_id)][year] = value
    return result


def plan_targets(user: Any, plan: Plan) -> list[TargetLine]:
    """The plan-level targets (主要目标): set for the whole city and read from a heading (not a task
    item), or with no unit answering for them."""
    targets = targets_visible_to(user).filter(plan=plan, region__kind=RegionKind.CITY).filter(
        Q(source_target__task__is_item=False) | Q(responsible_unit__isnull=True))
    return target_lines(targets)


def target_lines(targets: QuerySet[IndicatorTarget]) -> list[TargetLine]:
    """Targets with attainment (indicators' rule, per plan) and the yearly figures up to the target year."""
    targets = list(targets.select_related("indicator", "region", "responsible_unit", "plan")
                   .order_by("plan_id", "year", "indicator__code", "region__sort_order", "pk")[:100])
    rules = {plan_id: attainment_rule_for(t.plan) for plan_id, t in {t.plan_id: t for t in targets}.items()}
    rows = []
    for plan_id, rule in rules.items():
        rows += attainment_rows([t for t in targets if t.plan_id == plan_id], rule)
    last_year = max((t.year for t in targets), default=0)
    figures = yearly_values(((t.indicator_id, t.region_id) for t in targets), last_year=last_year)
    lines = []
    for row in rows:
        target = row.target
        series = figures.get((target.indicator_id, target.region_id), {})
        years = range(target.year - TREND_YEARS + 1, target.year + 1)
        lines.append(TargetLine(row=row, trend=[(year, series.get(year)) for year in years]))
    return lines


# ---------------------------------------------------------------------------------------------------
# The published innovation index and its change on last year


@dataclass
class IndexLine:
    region: str
    index: float | None
    rank: int | None
    rank_5: int | None
    rank_95: int | None
    previous_rank: int | None

    @property
    def change(self) -> int | None:
        """Places moved up (+) or down (−) since last year's edition."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def published_index(user: Any) -> tuple[IndexEdition | None, IndexEdition | None, list[IndexLine]]:
    """The newest published edition, the same method's published edition of the year before, the rows."""
    published = editions_visible_to(user).filter(status=EditionStatus.PUBLISHED).select_related("method")
    edition = published.order_by("-year", "-published_at", "-pk").first()
    if edition is None:
        return None, None, []
    previous = (published.filter(method__method_id=edition.method.method_id, year=edition.year - 1)
                .order_by("-published_at", "-pk").first())
    before = {row.region: row.rank for row in edition_rows(previous)} if previous else {}
    lines = [IndexLine(region=row.region, index=row.index, rank=row.rank, rank_5=row.rank_5, rank_95=row.rank_95,
                       previous_rank=before.get(row.region)) for row in edition_rows(edition)]
    return edition, previous, lines


# ---------------------------------------------------------------------------------------------------
# The supervising office: what waits for it


DUE_SOON_DAYS = 7


def due_soon_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """"本周到期": today and the six days after it. Not the calendar week: on a Sunday that week ends
    today and would hide what falls due on Tuesday."""
    return today, today + dt.timedelta(days=DUE_SOON_DAYS - 1)


def outstanding_assignments(user: Any, period: ReportingPeriod) -> QuerySet[Assignment]:
    """Assignments that owe a report for `period` and have none delivered (submitted or accepted)."""
    published = timezone.localdate(period.plan.published_at) if period.plan.published_at else None
    if published is not None and period.end < published:
        return Assignment.objects.none()
    delivered = Report.objects.filter(assignment=OuterRef("pk"), period=period, status__in=DELIVERED)
    return (assignments_visible_to(user)
            .filter(task__plan_id=period.plan_id, active=True, task__removed=False)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=period.start))
            .exclude(Exists(delivered)))


def periods_due(user: Any, start: dt.date, end: dt.date) -> list[ReportingPeriod]:
    """Reporting periods of published plans the user sees whose reports fall due between start and end,
    each with `outstanding` (assignments still owing) — one query for all of them."""
    periods = list(ReportingPeriod.objects.filter(
        plan__in=plans_visible_to(user).filter(status=PlanStatus.PUBLISHED), due_date__gte=start,
        due_date__lte=end).select_related("plan").order_by("due_date", "plan_id"))
    if not periods:
        return []
    # One join of assignments with the periods (all conditions in one filter() call, so they share it).
    owed = (Q(task__plan__periods__in=periods)
            & (Q(closed_at__isnull=True) | Q(closed_at__date__gte=F("task__plan__periods__start")))
            & (Q(task__plan__published_at__isnull=True)
               | Q(task__plan__periods__end__gte=TruncDate("task__plan__published_at"))))
    owing = (assignments_visible_to(user).filter(owed, active=True, task__removed=False)
             .annotate(period_id=F("task__plan__periods"))
             .annotate(has_delivered=Exists(Report.objects.filter(
                 assignment=OuterRef("pk"), period=OuterRef("period_id"), status__in=DELIVERED)))
             .filter(has_delivered=False).order_by().values("period_id").annotate(n=Count("pk")))
    counts = {row["period_id"]: row["n"] for row in owing}
    for period in periods:
        period.outstanding = counts.get(period.pk, 0)
    return periods


@dataclass
class Waiting:
    """One count on the supervisor dashboard and the list it opens."""

    key: str
    label: str
    count: int
    url: str
    note: str = ""


def supervisor_counts(user: Any, *, today: dt.date) -> dict[str, Any]:
    monday, sunday = due_soon_bounds(today)
    tasks = my_tasks_queryset(user, today=today)
    task_counts = tasks.order_by().aggregate(
        overdue=Count("pk", filter=Q(status=AssignmentStatus.OPEN, is_overdue=True)),
        returned=Count("pk", filter=Q(has_returned=True)))
    returned_reports = reports_visible_to(user).filter(status=ReportStatus.RETURNED).count()
    week_tasks = ledger_tasks(user, today=today).filter(is_open=True, deadline__gte=monday,
                                                        deadline__lte=sunday).count()
    pending_extensions = extensions_visible_to(user).filter(status=ExtensionStatus.PENDING).count()
    appeals = list(appeals_visible_to(user).filter(status=AppealStatus.PENDING).order_by()
                   .values("score__rubric", "score__rubric__year", "score__rubric__unit_group",
                           "score__rubric__version").annotate(n=Count("pk")).order_by("-score__rubric__year"))
    queue = review_queue(user)
    return {
        "monday": monday, "sunday": sunday,
        "queue_count": queue.count(), "queue": list(queue[:10]),
        "week_tasks": week_tasks,
        "week_tasks_url": ledger_url(status=AssignmentStatus.OPEN, deadline_after=monday.isoformat(),
                                     deadline_before=sunday.isoformat()),
        "periods_due": periods_due(user, monday, sunday),
        "overdue_reports": task_counts["overdue"],
        "returned_reports": returned_reports,
        "returned_assignments": task_counts["returned"],
        "pending_extensions": pending_extensions,
        "appeals": appeals, "appeals_total": sum(row["n"] for row in appeals),
        "closing_count": closing_requests(user).count(),
        "answers_count": instruction_answers_waiting(user).count(),
    }


def closing_requests(user: Any) -> QuerySet[Assignment]:
    """Closing proposals (办结申请) waiting for the office: open assignments with a unit's closing report."""
    return (assignments_visible_to(user).filter(active=True, status=AssignmentStatus.OPEN)
            .exclude(closing_report="").select_related("task", "unit").order_by("task__plan_id", "task__position"))


def instruction_answers_waiting(user: Any) -> QuerySet[Report]:
    """Submitted reports, still to be reviewed, that answer a leader's instruction (批示)."""
    answered = InstructionAnswer.objects.filter(report=OuterRef("pk")).exclude(text="")
    return (reports_visible_to(user).filter(status=ReportStatus.SUBMITTED).filter(Exists(answered))
            .select_related("assignment__task", "assignment__unit", "period").order_by("submitted_at", "pk"))


def pending_extensions(user: Any, limit: int = 10) -> list[Extension]:
    return list(extensions_visible_to(user).filter(status=ExtensionStatus.PENDING)
                .select_related("assignment__task", "assignment__unit").order_by("requested_at", "pk")[:limit])


def pending_appeals(user: Any, limit: int = 10) -> list[Appeal]:
    return list(appeals_visible_to(user).filter(status=AppealStatus.PENDING)
                .select_related("score__unit", "score__rubric").order_by("filed_at", "pk")[:limit])


# ---------------------------------------------------------------------------------------------------
# A unit's own dashboard


def unit_task_summary(user: Any, unit: Unit, *, today: dt.date) -> dict[str, Any]:
    """The unit's task list counts (my_tasks_queryset, narrowed to the unit for readers)."""
    tasks = my_tasks_queryset(user, today=today).filter(unit=unit)
    is_open = Q(status=AssignmentStatus.OPEN)
    counts = tasks.order_by().aggregate(
        open=Count("pk", filter=is_open), closed=Count("pk", filter=~is_open),
        due=Count("pk", filter=is_open & Q(delivered_now=False)),
        overdue=Count("pk", filter=is_open & Q(is_overdue=True)),
        past_deadline=Count("pk", filter=is_open & Q(deadline__lt=today)),
        returned=Count("pk", filter=Q(has_returned=True)),
        instructions=Count("pk", filter=is_open & Q(has_open_instruction=True)),
        new=Count("pk", filter=is_open & Q(is_new=True)))
    waiting = reports_awaiting_approval(reports_visible_to(user), unit_id=unit.pk)
    counts["approvals"] = waiting.count()
    due_rows = list(tasks.filter(is_open, delivered_now=False)
                    .order_by("deadline", "task__plan_id", "task__position")[:10])
    overdue_rows = list(tasks.filter(is_open, is_overdue=True).order_by("task__plan_id", "task__position")[:10])
    returned = list(reports_visible_to(user).filter(assignment__unit=unit, status=ReportStatus.RETURNED)
                    .select_related("assignment__task", "period").order_by("period__start", "pk")[:10])
    instruction_rows = list(tasks.filter(is_open, has_open_instruction=True)
                            .order_by("task__plan_id", "task__position")[:10])
    new_rows = list(tasks.filter(is_open, is_new=True).order_by("task__plan_id", "task__position")[:10])
    return {"counts": counts, "due_rows": due_rows, "overdue_rows": overdue_rows, "returned": returned,
            "approvals": list(waiting[:10]), "instruction_rows": instruction_rows, "new_rows": new_rows}


def unit_targets(user: Any, unit: Unit) -> list[TargetLine]:
    """Targets the unit answers for or that are set for its region, in published plans."""
    targets = (targets_visible_to(user).filter(plan__status=PlanStatus.PUBLISHED)
               .filter(Q(responsible_unit=unit) | Q(region__unit=unit)))
    return target_lines(targets)


def unit_assessment(user: Any, unit: Unit, *, today: dt.date) -> dict[str, Any]:
    """The unit's published score sheets and this year's events that count against it so far."""
    scores = list(scores_visible_to(user).filter(unit=unit).select_related("rubric")
                  .order_by("-rubric__year", "-rubric__version")[:3])
    year = today.year
    reports = Report.objects.filter(assignment__unit=unit, assignment__active=True)
    counted = {
        "late": reports.filter(is_late=True, period__due_date__year=year).count(),
        "returns": Review.objects.filter(action=ReviewAction.RETURN, report__in=reports,
                                         report__period__due_date__year=year).count(),
        "reminders": Reminder.objects.filter(assignment__unit=unit, kind__in=(ReminderKind.OVERDUE,
                                                                              ReminderKind.MANUAL),
                                             period__due_date__year=year).count(),
        "extensions": Extension.objects.filter(assignment__unit=unit, status=ExtensionStatus.GRANTED,
                                               requested_at__year=year).count(),
    }
    return {"scores": scores, "year": year, "counted": counted}

