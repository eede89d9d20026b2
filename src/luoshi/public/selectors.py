"""What the public may read, and nothing else.

The rule (stated on the pages, in PUBLICATION_RULE):
- plans: published (status `published`) *and* marked public by the office (Plan.is_public, set through
  plans.services.plan_configure, audited). Drafts, archived plans and unmarked plans answer 404;
- tasks of such a plan: every node not removed by a later version and not withdrawn (Task.is_public);
- progress: for each unit on a task, the narrative, period and progress of its latest *accepted* report
  only, with the figures that report gave for the task's targets. Drafts, reports awaiting review and
  returned reports, review comments, instructions, extensions, reminders and evidence files are never read;
- people: no account is ever read (no names, phone numbers or e-mail addresses): units are named, staff not;
- indicators: the latest revision of figures from the statistics office (source `official`). Department
  records and units' self-reports are not published as statistics: a unit's own figure shows only as part
  of an accepted report, under the task it answers;
- the innovation index: published editions only (a published edition is frozen), with its method and data.

Every reader here runs a fixed number of queries whatever the size of the plan or the number of reports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from luoshi.indicators.choices import DataSource, EditionStatus, Measure, RegionKind
from luoshi.indicators.models import IndexEdition, IndicatorTarget, Observation, Region
from luoshi.plans.choices import AssignmentStatus, PlanStatus, UnitRole
from luoshi.plans.models import Assignment, Plan, Target, Task, TaskUnit
from luoshi.reports.choices import ReportStatus
from luoshi.reports.models import Report, TargetActual

PUBLICATION_RULE = (
    _("本页只公开督查机构标记为公开、且已发布的工作计划：每项任务的原文、责任单位、完成时限、办理状态，"
      "以及各单位最近一期经审核通过的进展情况。未发布的计划、未审核或被退回的报告、审核意见和佐证材料"
      "不公开，也不公开任何工作人员的个人信息。"),
    _("指标数据只公开统计部门发布的最新数据；单位自报的数值只作为已通过审核的进展报告的一部分显示在相应任务下。"
      "创新指数只公开已发布的版本，并提供方法文档和计算所用数据，任何人都可以复算。"),
)

CLOSED, OVERDUE, IN_PROGRESS, NOT_ASSIGNED = "closed", "overdue", "in_progress", "not_assigned"
TASK_STATUS_LABELS = {
    CLOSED: _("已办结"),
    OVERDUE: _("已超时限"),
    IN_PROGRESS: _("办理中"),
    NOT_ASSIGNED: _("未分工"),
}
STATUS_RULE = _("“已办结”：任务的全部责任单位均已办结；“已超时限”：尚未办结且已过完成时限（含批准延期后的时限）；"
                "其余为“办理中”。")
STATUS_ORDER = (CLOSED, IN_PROGRESS, OVERDUE, NOT_ASSIGNED)


def public_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(status=PlanStatus.PUBLISHED, is_public=True)


def public_plan_get(pk: int) -> Plan:
    """A public plan by id; 404 for a draft, an unmarked or a missing plan alike."""
    plan = public_plans().filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def public_tasks() -> QuerySet[Task]:
    return Task.objects.filter(plan__status=PlanStatus.PUBLISHED, plan__is_public=True, removed=False,
                               is_public=True)


def _live(**extra: Any) -> QuerySet[Assignment]:
    return Assignment.objects.filter(task=OuterRef("pk"), active=True, **extra)


def with_status_flags(tasks: QuerySet[Task], *, today: dt.date) -> QuerySet[Task]:
    """Annotate `has_units`, `has_open` and `is_late` (an open assignment past its own deadline)."""
    return tasks.annotate(
        has_units=Exists(_live()),
        has_open=Exists(_live(status=AssignmentStatus.OPEN)),
        is_late=Exists(_live(status=AssignmentStatus.OPEN, deadline__lt=today)),
    )


def _status(has_units: bool, has_open: bool, is_late: bool) -> str:
    if not has_units:
        return NOT_ASSIGNED
    if not has_open:
        return CLOSED
    return OVERDUE if is_late else IN_PROGRESS


@dataclass
class PlanSummary:
    """A plan on the public home page with the status counts of its task items."""

    plan: Plan
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def closed_percent(self) -> int:
        return round(100 * self.counts.get(CLOSED, 0) / self.total) if self.total else 0

    def shares(self) -> list[tuple[str, str, int, float]]:
        """(status, label, count, percent of items) in display order, for the progress bar."""
        return [(key, str(TASK_STATUS_LABELS[key]), self.counts.get(key, 0),
                 round(100 * self.counts.get(key, 0) / self.total, 2) if self.total else 0.0)
                for key in STATUS_ORDER]


def plan_summaries(*, today: dt.date) -> list[PlanSummary]:
    """Every public plan with its items counted by status: two queries, whatever the number of tasks."""
    plans = list(public_plans().defer("source_text", "parse_warnings").order_by("-published_at", "-pk"))
    items = with_status_flags(public_tasks().filter(is_item=True, plan__in=plans), today=today)
    closed = Q(has_units=True, has_open=False)
    rows = items.values("plan_id").annotate(
        total=Count("pk"),
        closed=Count("pk", filter=closed),
        overdue=Count("pk", filter=Q(has_open=True, is_late=True)),
        unassigned=Count("pk", filter=Q(has_units=False)),
    ).order_by()
    by_plan = {row["plan_id"]: row for row in rows}
    summaries = []
    for plan in plans:
        row = by_plan.get(plan.pk, {"total": 0, "closed": 0, "overdue": 0, "unassigned": 0})
        counts = {CLOSED: row["closed"], OVERDUE: row["overdue"], NOT_ASSIGNED: row["unassigned"]}
        counts[IN_PROGRESS] = row["total"] - sum(counts.values())
        summaries.append(PlanSummary(plan=plan, counts=counts))
    return summaries


@dataclass
class PublicProgress:
    """One unit's latest accepted report on a task."""

    unit: str
    role: str
    period: str
    progress: str
    narrative: str
    accepted_on: dt.date | None
    actuals: list[tuple[str, float, str]] = field(default_factory=list)  # (target text, value, unit)


@dataclass
class PublicNode:
    """A node of the public task tree."""

    task: Task
    heading_level: int
    sentence: str
    units: list[tuple[str, str]] = field(default_factory=list)  # (unit name, role label)
    status: str = ""
    deadline: str = ""
    targets: list[Target] = field(default_factory=list)
    progress: list[PublicProgress] = field(default_factory=list)
    chapter: str = ""
    continued: bool = False  # a heading repeated at the top of a page that starts inside its section

    @property
    def status_label(self) -> str:
        return str(TASK_STATUS_LABELS.get(self.status, ""))


def _sentence(source: str, task: Task) -> str:
    start = source.rfind("\n", 0, task.span_start) + 1
    end = source.find("\n", task.span_end)
    line = source[start: end if end >= 0 else len(source)].strip()
    return line or task.text


def _deadline(task: Task, deadlines: set[dt.date]) -> str:
    shown = task.deadline_text or (formats.date_format(task.deadline) if task.deadline else "")
    later = sorted(d for d in deadlines if task.deadline is None or d > task.deadline)
    if later and task.deadline is not None:
        shown = f"{shown}（{_('延期至')} {formats.date_format(later[-1])}）"
    return shown or "—"


PAGE_SIZE = 200  # nodes of the tree per page: a 10,000-item plan stays a page a phone can load


@dataclass
class PlanPage:
    """One page of a plan's public tree, with the status counts of the whole plan."""

    nodes: list[PublicNode]
    counts: dict[str, int]
    chapters: list[tuple[str, dict[str, int]]]
    number: int
    pages: int


TREE_FIELDS = ("id", "plan_id", "parent_id", "key", "label", "level", "position", "text", "is_item", "deadline",
               "deadline_text", "span_start", "span_end")


def plan_page(plan: Plan, *, today: dt.date, number: int = 1, size: int = PAGE_SIZE) -> PlanPage:
    """A page of the plan's public tree with units, deadlines, status and accepted progress.

    A fixed number of queries: the tree (with each task's status flags) once as plain rows, then this
    page's tasks with their units, targets, deadlines and accepted reports. Counts cover the whole plan.
    """
    # The whole tree as plain rows (no model instances: ~10x cheaper at 10,000 tasks) for counts and chapters.
    rows = list(with_status_flags(public_tasks().filter(plan=plan), today=today).order_by("position")
                .values_list("pk", "parent_id", "level", "label", "text", "is_item", "has_units", "has_open",
                             "is_late"))
    pages = max(1, -(-len(rows) // size))
    if not 1 <= number <= pages:
        raise Http404
    top = min((row[2] for row in rows), default=1)
    chapter_of: dict[int, str] = {}
    status_of: dict[int, str] = {}
    parent_of: dict[int, int | None] = {}
    counts: dict[str, int] = {key: 0 for key in STATUS_ORDER}
    chapters: dict[str, dict[str, int]] = {}
    chapter = ""
    for pk, parent_id, level, label, text, is_item, has_units, has_open, is_late in rows:
        parent_of[pk] = parent_id
        if level == top:
            chapter = f"{label} {text}".strip()
        chapter_of[pk] = chapter
        if is_item:
            status = status_of[pk] = _status(has_units, has_open, is_late)
            counts[status] += 1
            per_chapter = chapters.setdefault(chapter or str(_("其他")), dict.fromkeys(STATUS_ORDER, 0))
            per_chapter[status] += 1

    page_ids = [row[0] for row in rows[(number - 1) * size: number * size]]
    # A page that starts inside a section repeats the headings above its first node, marked as continued.
    chain_ids: list[int] = []
    parent = parent_of.get(page_ids[0]) if page_ids else None
    while parent is not None and parent in parent_of:
        chain_ids.insert(0, parent)
        parent = parent_of[parent]
    loaded = Task.objects.filter(pk__in=[*chain_ids, *page_ids]).only(*TREE_FIELDS).in_bulk()
    window = [loaded[pk] for pk in page_ids]
    units: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for tu in TaskUnit.objects.filter(task_id__in=page_ids).select_related("unit").order_by("task_id", "position"):
        units[tu.task_id].append((tu.unit.name if tu.unit else tu.name, str(tu.get_role_display())))
    targets: dict[int, list[Target]] = defaultdict(list)
    for target in Target.objects.filter(task_id__in=page_ids).order_by("task_id", "position"):
        targets[target.task_id].append(target)
    progress = _accepted_progress(page_ids)
    deadlines: dict[int, set[dt.date]] = defaultdict(set)
    for task_id, deadline in (Assignment.objects.filter(task_id__in=page_ids, active=True, deadline__isnull=False)
                              .values_list("task_id", "deadline").distinct()):
        deadlines[task_id].add(deadline)

    def heading(task: Task) -> int:
        return min(task.level - top + 3, 6)

    chain = [PublicNode(task=loaded[pk], heading_level=heading(loaded[pk]), sentence=loaded[pk].text, continued=True)
             for pk in chain_ids]
    nodes = []
    for task in window:
        node = PublicNode(task=task, heading_level=heading(task), chapter=chapter_of[task.pk],
                          sentence=_sentence(plan.source_text, task) if task.is_item else task.text)
        if task.is_item:
            node.units = units.get(task.pk, [])
            node.status = status_of[task.pk]
            node.deadline = _deadline(task, deadlines.get(task.pk, set()))
            node.targets = targets.get(task.pk, [])
            node.progress = progress.get(task.pk, [])
        nodes.append(node)
    return PlanPage(nodes=chain + nodes, counts=counts, chapters=list(chapters.items()), number=number,
                    pages=pages)


def _accepted_progress(task_ids: list[int]) -> dict[int, list[PublicProgress]]:
    """For each live assignment of these tasks, its latest accepted report (three queries)."""
    latest = Subquery(Report.objects.filter(assignment=OuterRef("pk"), status=ReportStatus.ACCEPTED)
                      .order_by("-period__start", "-pk").values("pk")[:1])
    report_ids = [pk for pk in Assignment.objects.filter(task_id__in=task_ids, active=True)
                  .annotate(latest=latest).values_list("latest", flat=True) if pk is not None]
    reports = list(Report.objects.filter(pk__in=report_ids, status=ReportStatus.ACCEPTED)
                   .select_related("period", "assignment__unit")
                   .only("pk", "progress", "narrative", "accepted_at", "period__label", "period__start",
                         "period__end", "assignment__task_id", "assignment__role", "assignment__unit__name",
                         "assignment__unit__sort_order"))
    actuals = _confirmed_actuals(reports)
    lead_first = {UnitRole.LEAD: 0, UnitRole.RESPONSIBLE: 1, UnitRole.SUPPORT: 2}
    reports.sort(key=lambda r: (lead_first.get(r.assignment.role, 3), r.assignment.unit.sort_order,
                                r.assignment.unit.name))
    by_task: dict[int, list[PublicProgress]] = defaultdict(list)
    for report in reports:
        by_task[report.assignment.task_id].append(PublicProgress(
            unit=report.assignment.unit.name, role=str(report.assignment.get_role_display()),
            period=report.period.label, progress=str(report.get_progress_display()), narrative=report.narrative,
            accepted_on=report.accepted_at.date() if report.accepted_at else None,
            actuals=actuals.get(report.pk, [])))
    return by_task


def _confirmed_actuals(reports: list[Report]) -> dict[int, list[tuple[str, float, str]]]:
    """The reports' target actuals (text, value, unit) that the office has confirmed as figures: the actual's
    self-report observation (its indicator, the target's or the unit's region, the period's year and last
    month) is the latest revision and confirmed. Unconfirmed self-reports never reach the public page."""
    by_pk = {report.pk: report for report in reports}
    rows = list(TargetActual.objects.filter(report_id__in=by_pk, target__indicator_target__isnull=False)
                .select_related("target__indicator_target").order_by("target__position"))
    if not rows:
        return {}
    unit_regions: dict[int, set[int]] = defaultdict(set)
    for region_id, unit_id in Region.objects.filter(
            unit_id__in={r.assignment.unit_id for r in reports}).values_list("pk", "unit_id"):
        unit_regions[unit_id].add(region_id)
    confirmed = set(Observation.objects.filter(
        source=DataSource.SELF_REPORT, is_latest=True, confirmed_at__isnull=False,
        indicator_id__in={row.target.indicator_target.indicator_id for row in rows},
        year__in={by_pk[row.report_id].period.end.year for row in rows},
    ).values_list("indicator_id", "region_id", "year", "through_month"))
    actuals: dict[int, list[tuple[str, float, str]]] = defaultdict(list)
    for row in rows:
        report, target = by_pk[row.report_id], row.target.indicator_target
        end = report.period.end
        regions = {target.region_id} | unit_regions.get(report.assignment.unit_id, set())
        if any((target.indicator_id, region_id, end.year, end.month) in confirmed for region_id in regions):
            actuals[row.report_id].append((row.target.text, row.value, row.target.unit))
    return actuals


# --- the feed of closed tasks ------------------------------------------------------------------------


def closed_tasks(limit: int = 50) -> list[Task]:
    """Items of public plans whose every unit has closed, newest closing first (`closed_on` annotated)."""
    tasks = (public_tasks().filter(is_item=True)
             .annotate(open_n=Count("assignments", filter=Q(assignments__active=True,
                                                             assignments__status=AssignmentStatus.OPEN)),
                       live_n=Count("assignments", filter=Q(assignments__active=True)),
                       closed_on=Max("assignments__closed_at", filter=Q(assignments__active=True)))
             .filter(open_n=0, live_n__gt=0, closed_on__isnull=False)
             .select_related("plan").defer("plan__source_text", "plan__parse_warnings")
             .order_by("-closed_on", "-pk")[:limit])
    found = list(tasks)
    units: dict[int, list[str]] = defaultdict(list)
    for tu in (TaskUnit.objects.filter(task__in=[t.pk for t in found]).select_related("unit")
               .order_by("task_id", "position")):
        units[tu.task_id].append(tu.unit.name if tu.unit else tu.name)
    for task in found:
        task.public_units = units.get(task.pk, [])  # type: ignore[attr-defined]
    return found


# --- indicators ----------------------------------------------------------------------------------------


@dataclass
class IndicatorSeries:
    """An indicator's published figures: the city's by year, the regions' in the latest year."""

    indicator: Any
    city: list[tuple[str, float | None]]
    city_region: str
    regions_year: str
    regions: list[tuple[str, float]]
    target: tuple[float, str, int] | None = None  # (value, unit, year) of a public plan's city target
    illustrative: bool = False  # some figure shown is demo data, not official statistics (the page says so)


def _period_label(year: int, month: int) -> str:
    return str(year) if month == 12 else str(_("%(year)d年1–%(month)d月") % {"year": year, "month": month})


def indicator_series() -> list[IndicatorSeries]:
    """Official figures (latest revision) of every active indicator that has some: two queries.

    Cumulative figures of different lengths are never mixed in one chart: the city's trend shows year-end
    figures, and a part-year figure only for a year newer than the last year-end one; the regions' bars
    show one (year, month): the newest that covers as many regions as the newest year-end does.
    """
    observations = (Observation.objects.filter(is_latest=True, source=DataSource.OFFICIAL, measure=Measure.VALUE,
                                                indicator__active=True)
                    .select_related("indicator", "region")
                    .order_by("indicator__code", "region__sort_order", "year", "through_month"))
    by_indicator: dict[int, list[Observation]] = defaultdict(list)
    for obs in observations:
        by_indicator[obs.indicator_id].append(obs)
    targets: dict[int, IndicatorTarget] = {}
    for target in (IndicatorTarget.objects.filter(plan__in=public_plans(), region__kind=RegionKind.CITY)
                   .order_by("indicator_id", "-year")):
        targets.setdefault(target.indicator_id, target)
    found = []
    for rows in by_indicator.values():
        indicator = rows[0].indicator
        city = _trend([o for o in rows if o.region.kind == RegionKind.CITY])
        others = [o for o in rows if o.region.kind != RegionKind.CITY]
        newest = _bar_period(others)
        in_period = sorted((o for o in others if (o.year, o.through_month) == newest),
                           key=lambda o: (o.region.sort_order, o.region.name))
        target = targets.get(indicator.pk)
        found.append(IndicatorSeries(
            indicator=indicator, city=[(_period_label(o.year, o.through_month), o.value) for o in city],
            city_region=city[0].region.name if city else "",
            regions_year=_period_label(*newest) if newest else "",
            regions=[(o.region.name, o.value) for o in in_period],
            target=(target.value, target.value_unit, target.year) if target else None,
            illustrative=any(o.illustrative for o in [*city, *in_period])))
    return sorted(found, key=lambda s: s.indicator.code)


def _bar_period(observations: list[Observation]) -> tuple[int, int] | None:
    """The newest (year, month) with figures for as many regions as the newest year-end has."""
    regions: dict[tuple[int, int], int] = defaultdict(int)
    for obs in observations:
        regions[(obs.year, obs.through_month)] += 1
    year_ends = [period for period in regions if period[1] == 12]
    floor = regions[max(year_ends)] if year_ends else 0
    full = [period for period, count in regions.items() if count >= floor]
    return max(full, default=None)


def _trend(observations: list[Observation]) -> list[Observation]:
    """Year-end figures by year, then the newest part-year figure if its year has no year-end one yet.
    (The city is one region: a catalogue with several city-level regions would need one line each.)"""
    year_end = {o.year: o for o in observations if o.through_month == 12}
    trend = [year_end[year] for year in sorted(year_end)]
    partial = max((o for o in observations if o.through_month < 12), key=lambda o: (o.year, o.through_month),
                  default=None)
    if partial is not None and partial.year > max(year_end, default=0):
        trend.append(partial)
    return trend


# --- the innovation index ------------------------------------------------------------------------------


def published_editions() -> QuerySet[IndexEdition]:
    return IndexEdition.objects.filter(status=EditionStatus.PUBLISHED).select_related("method")


def published_edition_get(pk: int) -> IndexEdition:
    edition = published_editions().filter(pk=pk).first()
    if edition is None:
        raise Http404
    return edition


def latest_editions() -> list[IndexEdition]:
    """The newest published edition of each method and year, newest year first."""
    newest: dict[tuple[int, int], IndexEdition] = {}
    listed = published_editions().only("pk", "year", "number", "published_at", "illustrative", "method_id",
                                        "method__title", "method__version", "method__method_id")
    for edition in listed.order_by("-year", "-number"):
        newest.setdefault((edition.method_id, edition.year), edition)
    return list(newest.values())


def previous_edition(edition: IndexEdition) -> IndexEdition | None:
    """Last year's newest published edition of the same method id, for the change in rank."""
    return (published_editions().filter(method__method_id=edition.method.method_id, year=edition.year - 1)
            .order_by("-number").first())
