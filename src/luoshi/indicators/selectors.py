"""Reads of the indicators app: attainment of targets, figures of a region with their history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from luoshi.plans.models import Plan

from .access import targets_visible_to
from .choices import Comparator, DataSource, IndicatorKind, Measure, Rag
from .models import AttainmentRule, IndicatorTarget, Observation, Region

# Which source stands for a slot when several gave a figure: official statistics first.
SOURCE_PREFERENCE: tuple[str, ...] = (DataSource.OFFICIAL, DataSource.DEPARTMENT, DataSource.SELF_REPORT)


def attainment_rule_for(plan: Plan) -> AttainmentRule:
    """The plan's rule, or the default one (unsaved) when the office has not set it."""
    rule = AttainmentRule.objects.filter(plan=plan).first()
    return rule if rule is not None else AttainmentRule(plan=plan)


def rule_text(rule: AttainmentRule) -> str:
    """The RAG rule in words, shown next to the statuses."""
    red, amber = f"{rule.red_below * 100:g}%", f"{rule.amber_below * 100:g}%"
    profile = (_("按季节进度折算") if rule.seasonal_profile else _("按月平均折算"))
    return _("红：低于预期值的%(red)s；黄：%(red)s至%(amber)s；绿：不低于%(amber)s。年内累计指标的预期值%(profile)s；"
             "自报数与统计数相差超过%(tol)s标记核对。") % {
        "red": red, "amber": amber, "profile": profile, "tol": f"{rule.self_report_tolerance * 100:g}%"}


def expected_share(rule: AttainmentRule, month: int) -> float:
    """Share of an annual flow target expected by the end of `month`: the stated profile or pro rata."""
    if rule.seasonal_profile:
        return float(rule.seasonal_profile[month - 1])
    return month / 12


@dataclass
class AttainmentRow:
    """One target with its latest actual, attainment, expected value by now and RAG."""

    target: IndicatorTarget
    actual: Observation | None = None
    actual_value: float | None = None          # the figure compared (a growth %, or a rise, for those targets)
    base: Observation | None = None            # previous year's figure for a growth or increase target
    expected: float | None = None
    attainment_pct: float | None = None        # of the full-year target
    progress_ratio: float | None = None        # actual / expected by now
    rag: str = Rag.NONE
    discrepancy: tuple[float, float] | None = None   # (self-reported, official) beyond tolerance
    discrepancy_month: int | None = None             # the month the two figures are for


def _ratio(comparator: str, actual: float, expected: float) -> float | None:
    if comparator == Comparator.LE:
        return expected / actual if actual > 0 else (1.0 if expected >= 0 else None)
    if comparator == Comparator.EQ:
        return 1 - abs(actual - expected) / abs(expected) if expected else None
    return actual / expected if expected > 0 else None


def _rag(rule: AttainmentRule, ratio: float | None) -> str:
    if ratio is None:
        return Rag.NONE
    if ratio < rule.red_below:
        return Rag.RED
    if ratio < rule.amber_below:
        return Rag.AMBER
    return Rag.GREEN


_T = TypeVar("_T")


def _preferred(by_source: dict[str, _T]) -> _T | None:
    return next((by_source[s] for s in SOURCE_PREFERENCE if s in by_source), None)


@dataclass(frozen=True)
class _Figure:
    """A figure a target is compared with: an observation's value, or a rise (this year's value − base)."""

    value: float
    observation: Observation
    base: Observation | None = None


Months = dict[int, dict[str, _Figure]]
Slots = dict[tuple[int, int, int], dict[int, dict[str, Observation]]]


def _value_months(target: IndicatorTarget, values: Slots) -> Months:
    return {month: {source: _Figure(obs.value, obs) for source, obs in by_source.items()}
            for month, by_source in values.get((target.indicator_id, target.region_id, target.year), {}).items()}


def _increase_months(target: IndicatorTarget, values: Slots, rises: Slots) -> Months:
    """An increase target's figures by month and source: the rise of the indicator's value since the end of
    last year (a flow: since the same month of last year), and units' reported rises (increments added up)."""
    key = (target.indicator_id, target.region_id, target.year)
    previous = values.get((target.indicator_id, target.region_id, target.year - 1), {})
    months: Months = defaultdict(dict)
    for month, by_source in values.get(key, {}).items():
        bases = previous.get(month if target.indicator.kind == IndicatorKind.FLOW else 12, {})
        for source, obs in by_source.items():
            base = bases.get(source) or _preferred(bases)
            if base is not None:
                months[month][source] = _Figure(obs.value - base.value, obs, base)
    for month, by_source in rises.get(key, {}).items():
        for source, obs in by_source.items():
            months[month].setdefault(source, _Figure(obs.value, obs))
    return dict(months)


def attainment_rows(targets: Iterable[IndicatorTarget], rule: AttainmentRule, *,
                    unconfirmed: bool = False) -> list[AttainmentRow]:
    """Attainment of each target from the latest revisions of the figures (two queries in all).

    Self-reports the office has not confirmed are left out of the actual unless `unconfirmed` (the office's
    attainment page, which marks them 未确认); the self-report check against official figures sees them all.

    An increase target (新增高新技术企业300家 on the stock 高新技术企业数量) compares the stock's rise this
    year, or the units' reported additions added up, with the target; the rise expected by now follows the
    seasonal profile like a flow's."""
    targets = list(targets)
    if not targets:
        return []
    slots = Q()
    for t in targets:
        slots |= Q(indicator_id=t.indicator_id, region_id=t.region_id, year__in=(t.year, t.year - 1))
    # Every figure (for the self-report check), and those that count (all when `unconfirmed`).
    every: tuple[Slots, Slots] = (defaultdict(lambda: defaultdict(dict)), defaultdict(lambda: defaultdict(dict)))
    counted: tuple[Slots, Slots] = (every if unconfirmed else
                                    (defaultdict(lambda: defaultdict(dict)), defaultdict(lambda: defaultdict(dict))))
    for obs in Observation.objects.filter(slots, is_latest=True).select_related("entered_by"):
        increase = obs.measure == Measure.INCREASE
        for into, wanted in ((every, True), (counted, not obs.unconfirmed and counted is not every)):
            if wanted:
                into[increase][(obs.indicator_id, obs.region_id, obs.year)][obs.through_month][obs.source] = obs
    values = counted[0]

    def months_of(target: IndicatorTarget, slots: tuple[Slots, Slots]) -> Months:
        if target.comparator == Comparator.INCREASE:
            return _increase_months(target, slots[0], slots[1])
        return _value_months(target, slots[0])

    rows = []
    for target in targets:
        row = AttainmentRow(target=target)
        increase = target.comparator == Comparator.INCREASE
        _check_self_report(row, months_of(target, every), rule)
        months = months_of(target, counted)
        if months:
            month = max(months)
            figure = _preferred(months[month])
            assert figure is not None
            row.actual = figure.observation
            if increase:
                row.actual_value, row.base = figure.value, figure.base
                row.expected = target.value * expected_share(rule, month)
                _rate(row, rule)
            else:
                _fill(row, rule, values)
        rows.append(row)
    return rows


def _reference(by_source: dict[str, _Figure]) -> _Figure | None:
    """The figure a self-report is checked against: the statistics office's, else a department's records."""
    return by_source.get(DataSource.OFFICIAL) or by_source.get(DataSource.DEPARTMENT)


def beyond_tolerance(self_reported: float, reference: float, tolerance: float) -> bool:
    """Whether a self-reported figure differs from the reference by more than `tolerance` (a share of it)."""
    return abs(self_reported - reference) > tolerance * abs(reference)


def _check_self_report(row: AttainmentRow, months: Months, rule: AttainmentRule) -> None:
    # The latest month for which both a self-report and a reference figure exist is the one compared:
    # a unit's July report is not held against June statistics.
    for month in sorted(months, reverse=True):
        self_report, reference = months[month].get(DataSource.SELF_REPORT), _reference(months[month])
        if self_report is not None and reference is not None:
            if beyond_tolerance(self_report.value, reference.value, rule.self_report_tolerance):
                row.discrepancy, row.discrepancy_month = (self_report.value, reference.value), month
            return


def self_report_gaps(observations: Iterable[Observation]) -> list[float | None]:
    """For each observation: a latest self-report's relative difference from the latest reference figure
    of the same slot ((self − reference) / |reference|), else None."""
    observations = list(observations)
    wanted = [o for o in observations
              if o.source == DataSource.SELF_REPORT and o.is_latest and o.measure == Measure.VALUE]
    references: dict[tuple[int, int, int, int], dict[str, float]] = defaultdict(dict)
    if wanted:
        slots = Q()
        for o in wanted:
            slots |= Q(indicator_id=o.indicator_id, region_id=o.region_id, year=o.year, through_month=o.through_month)
        for ref in Observation.objects.filter(slots, is_latest=True, measure=Measure.VALUE,
                                              source__in=(DataSource.OFFICIAL, DataSource.DEPARTMENT)):
            references[(ref.indicator_id, ref.region_id, ref.year, ref.through_month)][ref.source] = ref.value
    wanted_ids = {o.pk for o in wanted}
    gaps: list[float | None] = []
    for o in observations:
        found = references.get((o.indicator_id, o.region_id, o.year, o.through_month), {})
        reference = found.get(DataSource.OFFICIAL, found.get(DataSource.DEPARTMENT))
        if o.pk in wanted_ids and reference:
            gaps.append((o.value - reference) / abs(reference))
        else:
            gaps.append(None)
    return gaps


def _fill(row: AttainmentRow, rule: AttainmentRule, latest: Slots) -> None:
    target, actual = row.target, row.actual
    assert actual is not None
    if target.comparator == Comparator.GROWTH:
        # Growth over the same period of the previous year, from the same source preference.
        base = _preferred(latest.get((target.indicator_id, target.region_id, target.year - 1), {})
                          .get(actual.through_month, {}))
        if base is None or base.value <= 0:
            return
        row.base = base
        row.actual_value = (actual.value / base.value - 1) * 100
        row.expected = target.value
    else:
        row.actual_value = actual.value
        share = expected_share(rule, actual.through_month) if target.indicator.accumulates else 1.0
        row.expected = target.value * share
    _rate(row, rule)


def _rate(row: AttainmentRow, rule: AttainmentRule) -> None:
    """Attainment of the full-year target, progress against the value expected by now, and the RAG."""
    target = row.target
    assert row.actual_value is not None and row.expected is not None
    full = _ratio(target.comparator, row.actual_value, target.value)
    row.attainment_pct = None if full is None else full * 100
    row.progress_ratio = _ratio(target.comparator, row.actual_value, row.expected)
    row.rag = _rag(rule, row.progress_ratio)


def self_report_flag_count(plan: Plan) -> int:
    """How many of the plan's targets have a self-reported figure beyond the plan's tolerance (for the office)."""
    targets = IndicatorTarget.objects.filter(plan=plan).select_related("indicator", "region")
    return sum(1 for row in attainment_rows(targets, attainment_rule_for(plan)) if row.discrepancy)


def plan_targets_for(user: Any, plan: Plan) -> QuerySet[IndicatorTarget]:
    """The plan's targets the user may see, ready for attainment_rows."""
    return (targets_visible_to(user).filter(plan=plan).select_related("indicator", "region", "responsible_unit")
            .order_by("year", "indicator__code", "region__sort_order", "pk"))


def region_observations(region: Region) -> QuerySet[Observation]:
    """Every revision of the region's figures, newest revision first within each slot."""
    return (Observation.objects.filter(region=region)
            .select_related("indicator", "entered_by", "upload")
            .order_by("indicator__code", "-year", "-through_month", "source", "-revision"))


def target_sentence(plan: Plan, target: Any) -> str:
    """The line of the plan's text a parsed target was read from (its text when the span is unknown)."""
    if target.span_start is None:
        return str(target.text)
    source = plan.source_text
    start = source.rfind("\n", 0, target.span_start) + 1
    end = source.find("\n", target.span_end or target.span_start)
    return source[start: end if end >= 0 else len(source)]
