"""The score computation: supervision data -> per-unit components and the events behind every point.

Rules, one per component (weight = the most the component is worth; it never goes below zero):
- completion: each task item due in the year (its current deadline, or the plan's year end) that was
  neither closed nor accepted as done by its deadline loses weight / (items due).
- timeliness: each owed report (period due in the year and already past) that was not submitted, or
  was submitted late, loses weight / (reports owed).
- quality (rubric.quality_rule FILED, every rubric since issue 10): points come only from reports filed. The
  weight is shared among the reports owed (as for timeliness); an owed report never submitted loses its share
  weight / (reports owed), and each return (退回) of one of the unit's reports loses `per_return`. A unit owing
  no report yet has no report to score: it loses the whole weight. So a unit that filed nothing gets 0.
  RETURNS (the rubrics published before issue 10 keep it): only returns lose `per_return`, a missing report
  nothing; it gave full marks to units that never reported.
- reminders: each overdue or manual reminder (催办) loses `per_reminder` (the before-due notice does not count).
- extensions: each granted extension (延期) loses `per_extension`.
- indicators: each indicator target the unit answers for in the year (IndicatorTarget.responsible_unit) is
  worth weight / (targets); a target reached to a share r < 1 of its expected value loses that worth × (1 − r),
  one with no figure loses all of it (attainment as the indicators app computes it, see attainment.py).
  A weight of 0 (the default, and every rubric made before the component existed) leaves it out.
- adjustments: the office's bonus (+) and deduction (−) items, uncapped.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.orgs.choices import UnitKind
from luoshi.orgs.models import Unit
from luoshi.plans.choices import AssignmentStatus, PlanStatus
from luoshi.plans.models import Assignment
from luoshi.reports.choices import ExtensionStatus, Progress, ReminderKind, ReportStatus, ReviewAction
from luoshi.reports.models import Extension, Reminder, Report, ReportingPeriod, Review
from luoshi.reports.selectors import owed_periods, report_due_date

from .attainment import TargetOutcome, target_outcomes
from .choices import AdjustmentKind, Component, QualityRule, UnitGroup
from .models import Adjustment, Rubric

ZERO = Decimal("0")
EVENT_PLACES = Decimal("0.0001")
SCORE_PLACES = Decimal("0.01")

GROUP_KINDS: Mapping[str, tuple[str, ...]] = {
    str(UnitGroup.DEPARTMENTS): (str(UnitKind.CITY_DEPARTMENT),),
    str(UnitGroup.DISTRICTS): (str(UnitKind.DISTRICT_GOVERNMENT), str(UnitKind.PILOT_ZONE)),
}
# Components capped at their weight, in table order; adjustments are added after them, uncapped.
CAPPED: tuple[str, ...] = tuple(str(c) for c in (
    Component.COMPLETION, Component.TIMELINESS, Component.QUALITY, Component.REMINDERS, Component.EXTENSIONS,
    Component.INDICATORS))
ADJUSTMENTS = str(Component.ADJUSTMENTS)
WEIGHT_FIELDS: Mapping[str, str] = {c: f"weight_{c}" for c in CAPPED}
REMINDER_KINDS = (ReminderKind.OVERDUE, ReminderKind.MANUAL)


# Each component's rule in words, shown with the weights, the results and every score sheet.
FORMULAS: Mapping[str, Any] = {
    str(Component.COMPLETION): gettext_lazy(
        "年度内到期的任务项未在时限内办结或通过验收的，每项扣“分值÷到期任务数”。"),
    str(Component.TIMELINESS): gettext_lazy(
        "年度内已到截止日的应报报告，未报送或逾期报送的，每份扣“分值÷应报报告数”。"),
    str(Component.QUALITY): gettext_lazy(
        "质量分只来自已报送的报告：年度内已到截止日的应报报告，每份占“分值÷应报报告数”，未报送的不得分；"
        "报告每被退回一次，扣“每次退回扣分”；没有应报报告的不得分。"),
    str(Component.REMINDERS): gettext_lazy("每收到一次逾期催办或人工催办，扣“每次催办扣分”。"),
    str(Component.EXTENSIONS): gettext_lazy("每获准延期一次，扣“每次延期扣分”。"),
    str(Component.INDICATORS): gettext_lazy(
        "本单位为责任单位的年度指标目标，每项占“分值÷目标数”；按最新实际值计算完成率（实际÷预期，"
        "越低越好的目标为预期÷实际，增长目标为实际增速÷目标增速；年内累计指标的预期值按计划的进度规则折算），"
        "完成率不足100%的扣“单项分值×(1−完成率)”，没有实际值的扣全部单项分值；分值为0时不计。"),
    str(Component.ADJUSTMENTS): gettext_lazy("督查人员录入的加分、减分事项，注明事由，不设上限。"),
}
# The earlier quality rule, in the words of what it did, for the rubrics published under it.
QUALITY_RETURNS_FORMULA = gettext_lazy(
    "报告每被退回一次，扣“每次退回扣分”；未报送的报告不扣分（本方案发布时的旧规则，现已改为只按已报送的报告计分）。")


def component_formulas(rubric: Rubric) -> dict[str, Any]:
    """Each component's rule in words, as the rubric computes it (its quality rule is stored with it)."""
    formulas = dict(FORMULAS)
    if rubric.quality_rule == QualityRule.RETURNS:
        formulas[str(Component.QUALITY)] = QUALITY_RETURNS_FORMULA
    return formulas


@dataclass(frozen=True)
class Weights:
    """The numbers of a rubric the computation reads (a preview may change them without saving)."""

    completion: Decimal
    timeliness: Decimal
    quality: Decimal
    reminders: Decimal
    extensions: Decimal
    per_return: Decimal
    per_reminder: Decimal
    per_extension: Decimal
    indicators: Decimal = ZERO

    @classmethod
    def of(cls, rubric: Rubric) -> Weights:
        return cls(completion=rubric.weight_completion, timeliness=rubric.weight_timeliness,
                   quality=rubric.weight_quality, reminders=rubric.weight_reminders,
                   extensions=rubric.weight_extensions, per_return=rubric.per_return,
                   per_reminder=rubric.per_reminder, per_extension=rubric.per_extension,
                   indicators=rubric.weight_indicators)

    def weight(self, component: str) -> Decimal:
        value: Decimal = getattr(self, component)
        return value


@dataclass
class Event:
    """One fact that moved a score: `key` names it stably (the target of an appeal)."""

    key: str
    component: str
    text: str
    points: Decimal
    reversed: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "component": self.component, "text": self.text, "points": str(self.points),
                "reversed": self.reversed}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Event:
        return cls(key=str(data["key"]), component=str(data["component"]), text=str(data["text"]),
                   points=Decimal(str(data["points"])), reversed=bool(data.get("reversed", False)))


@dataclass
class UnitResult:
    unit: Unit
    events: list[Event] = field(default_factory=list)
    components: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = ZERO
    rank: int = 0


def _q(value: Decimal, places: Decimal = EVENT_PLACES) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def _day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def totals_apply(result: UnitResult, weights: Weights) -> None:
    """Component points and total from the events (reversed events count for nothing)."""
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for event in result.events:
        if not event.reversed:
            sums[event.component] += event.points
    result.components = {}
    for component in CAPPED:
        weight = weights.weight(component)
        result.components[component] = _q(min(weight, max(ZERO, weight + sums[component])), SCORE_PLACES)
    result.components[ADJUSTMENTS] = _q(sums[ADJUSTMENTS], SCORE_PLACES)
    result.total = sum(result.components.values(), ZERO)


def ranks_apply(results: Sequence[UnitResult]) -> list[UnitResult]:
    """Sort by total (then the directory's order) and rank them; equal totals share a rank (1, 1, 3)."""
    ordered = sorted(results, key=lambda r: (-r.total, r.unit.sort_order, r.unit.name))
    for position, result in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        result.rank = previous.rank if previous is not None and previous.total == result.total else position
    return ordered


def units_assessed(*, year: int, unit_group: str) -> QuerySet[Unit]:
    """Units of the group that hold at least one assignment in a published plan of the year."""
    return Unit.objects.filter(
        kind__in=GROUP_KINDS[unit_group], is_group=False, active=True, assignments__active=True,
        assignments__task__plan__year=year, assignments__task__plan__status=PlanStatus.PUBLISHED).distinct()


def _label(assignment: Assignment) -> str:
    return f"{assignment.task.display_path} {assignment.task.text[:30]}"


def _completion(assignments: Iterable[Assignment], done_reports: Mapping[int, dt.date], *, year: int,
                as_of: dt.date, weight: Decimal) -> list[Event]:
    due: list[tuple[Assignment, dt.date]] = []
    for a in assignments:
        deadline = a.deadline or a.task.deadline or dt.date(year, 12, 31)
        if deadline.year == year and deadline <= as_of:
            due.append((a, deadline))
    if not due:
        return []
    share = _q(weight / len(due))
    events = []
    for a, deadline in due:
        closed = _day(a.closed_at) if a.status == AssignmentStatus.CLOSED else None
        finished = min(d for d in (closed, done_reports.get(a.pk)) if d) if (closed or a.pk in done_reports) else None
        if finished is not None and finished <= deadline:
            continue
        if finished is None:
            text = _("任务“%(task)s”时限%(deadline)s，未按期办结") % {"task": _label(a), "deadline": deadline}
        else:
            text = _("任务“%(task)s”时限%(deadline)s，于%(done)s完成，逾期%(days)d天") % {
                "task": _label(a), "deadline": deadline, "done": finished, "days": (finished - deadline).days}
        events.append(Event(key=f"completion:assignment:{a.pk}", component=str(Component.COMPLETION), text=text,
                            points=-share))
    return events


def _timeliness(owed: Sequence[tuple[Assignment, ReportingPeriod, dt.date]],
                reports: Mapping[tuple[int, int], Report], weight: Decimal) -> list[Event]:
    if not owed:
        return []
    share = _q(weight / len(owed))
    events = []
    for a, period, due in owed:
        report = reports.get((a.pk, period.pk))
        submitted = _day(report.submitted_at) if report is not None else None
        if report is not None and submitted is not None and not report.is_late:
            continue
        name = f"{_label(a)} · {period.label}"
        if submitted is None:
            text = _("报告“%(report)s”截止%(due)s，未报送") % {"report": name, "due": due}
        else:
            text = _("报告“%(report)s”截止%(due)s，于%(date)s报送，逾期%(days)d天") % {
                "report": name, "due": due, "date": submitted, "days": max(1, (submitted - due).days)}
        events.append(Event(key=f"timeliness:{a.pk}:{period.pk}", component=str(Component.TIMELINESS), text=text,
                            points=-share))
    return events


def _quality_missing(owed: Sequence[tuple[Assignment, ReportingPeriod, dt.date]],
                     reports: Mapping[tuple[int, int], Report], weight: Decimal) -> list[Event]:
    """The quality rule's share of each owed report never submitted (the whole weight when none was owed):
    quality points come only from reports filed. Returns are deducted apart (`per_return` each)."""
    if weight <= 0:
        return []
    if not owed:
        return [Event(key="quality:none", component=str(Component.QUALITY), points=-weight,
                      text=_("年度内没有应报报告，无已报送的报告可计质量分"))]
    share = _q(weight / len(owed))
    events = []
    for a, period, due in owed:
        report = reports.get((a.pk, period.pk))
        if report is not None and report.submitted_at is not None:
            continue
        events.append(Event(
            key=f"quality:missing:{a.pk}:{period.pk}", component=str(Component.QUALITY), points=-share,
            text=_("报告“%(report)s”截止%(due)s，未报送，不计质量分") % {
                "report": f"{_label(a)} · {period.label}", "due": due}))
    return events


def _indicators(outcomes: Sequence[TargetOutcome], weight: Decimal) -> list[Event]:
    """Each target's shortfall, in proportion: reached 92% of a 10-point target's expected value → −0.8."""
    if not outcomes or weight <= 0:
        return []
    share = weight / len(outcomes)
    events = []
    for o in outcomes:
        attained = None if o.attained is None else Decimal(str(round(o.attained, 4)))
        shortfall = Decimal(1) if attained is None else max(ZERO, Decimal(1) - min(Decimal(1), attained))
        points = _q(share * shortfall)
        if points > 0:
            events.append(Event(key=f"indicators:{o.key}", component=str(Component.INDICATORS), points=-points,
                                text=o.text))
    return events


def results_compute(rubric: Rubric, *, weights: Weights | None = None, as_of: dt.date) -> list[UnitResult]:
    """Every assessed unit's components, total, rank and events, computed from the supervision data.

    Reads only; a preview passes other `weights` than the rubric's. The query count does not grow with
    the number of units or events.
    """
    weights = weights or Weights.of(rubric)
    year = rubric.year
    units = list(units_assessed(year=year, unit_group=rubric.unit_group))
    results = {u.pk: UnitResult(unit=u) for u in units}
    assignments = list(Assignment.objects.filter(
        unit__in=units, active=True, task__plan__year=year, task__plan__status=PlanStatus.PUBLISHED)
        .select_related("task", "task__plan").prefetch_related("extensions").order_by("unit_id", "task__position"))
    plan_ids = {a.task.plan_id for a in assignments}
    periods_by_plan: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in ReportingPeriod.objects.filter(plan_id__in=plan_ids, due_date__year=year).order_by("start"):
        periods_by_plan[period.plan_id].append(period)
    reports = {(r.assignment_id, r.period_id): r for r in Report.objects.filter(assignment__in=assignments)}
    done_reports: dict[int, dt.date] = {}
    for r in reports.values():
        day = _day(r.accepted_at)
        if r.status == ReportStatus.ACCEPTED and r.progress == Progress.DONE and day is not None:
            done_reports[r.assignment_id] = min(day, done_reports.get(r.assignment_id, day))

    by_unit: dict[int, list[Assignment]] = defaultdict(list)
    owed: dict[int, list[tuple[Assignment, ReportingPeriod, dt.date]]] = defaultdict(list)
    for a in assignments:
        by_unit[a.unit_id].append(a)
        extensions = list(a.extensions.all())
        for period in owed_periods(a, periods_by_plan[a.task.plan_id]):
            due = report_due_date(period=period, extensions=extensions)
            if due < as_of:
                owed[a.unit_id].append((a, period, due))
    for unit_id, result in results.items():
        result.events += _completion(by_unit[unit_id], done_reports, year=year, as_of=as_of,
                                     weight=weights.completion)
        result.events += _timeliness(owed[unit_id], reports, weights.timeliness)
        if rubric.quality_rule != QualityRule.RETURNS:
            result.events += _quality_missing(owed[unit_id], reports, weights.quality)

    for review in (Review.objects.filter(action=ReviewAction.RETURN, report__assignment__in=assignments,
                                         report__period__due_date__year=year)
                   .select_related("report__assignment__task", "report__period").order_by("created_at", "pk")):
        report = review.report
        results[report.assignment.unit_id].events.append(Event(
            key=f"quality:review:{review.pk}", component=str(Component.QUALITY), points=-weights.per_return,
            text=_("报告“%(report)s”于%(date)s被退回") % {
                "report": f"{_label(report.assignment)} · {report.period.label}", "date": _day(review.created_at)}))
    for reminder in (Reminder.objects.filter(kind__in=REMINDER_KINDS, assignment__in=assignments,
                                             period__due_date__year=year)
                     .select_related("assignment__task", "period").order_by("created_at", "pk")):
        results[reminder.assignment.unit_id].events.append(Event(
            key=f"reminders:reminder:{reminder.pk}", component=str(Component.REMINDERS), points=-weights.per_reminder,
            text=_("“%(task)s · %(period)s”于%(date)s被%(kind)s") % {
                "task": _label(reminder.assignment), "period": reminder.period.label,
                "date": _day(reminder.created_at), "kind": reminder.get_kind_display()}))
    for extension in (Extension.objects.filter(status=ExtensionStatus.GRANTED, assignment__in=assignments)
                      .select_related("assignment__task").order_by("requested_at", "pk")):
        results[extension.assignment.unit_id].events.append(Event(
            key=f"extensions:extension:{extension.pk}", component=str(Component.EXTENSIONS),
            points=-weights.per_extension,
            text=_("任务“%(task)s”获准延期至%(date)s") % {
                "task": _label(extension.assignment), "date": extension.requested_deadline}))
    outcomes: dict[int, list[TargetOutcome]] = defaultdict(list)
    if weights.indicators > 0:
        for outcome in target_outcomes(year=year, unit_ids=list(results)):
            outcomes[outcome.unit_id].append(outcome)
    for unit_id, unit_outcomes in outcomes.items():
        if unit_id in results:
            results[unit_id].events += _indicators(unit_outcomes, weights.indicators)
    for adjustment in Adjustment.objects.filter(rubric=rubric).order_by("pk"):
        if adjustment.unit_id not in results:
            continue
        sign = Decimal(1) if adjustment.kind == AdjustmentKind.BONUS else Decimal(-1)
        results[adjustment.unit_id].events.append(Event(
            key=f"adjustments:adjustment:{adjustment.pk}", component=str(Component.ADJUSTMENTS),
            points=sign * adjustment.points, text=f"{adjustment.get_kind_display()}：{adjustment.reason}"))

    for result in results.values():
        totals_apply(result, weights)
    return ranks_apply(list(results.values()))
