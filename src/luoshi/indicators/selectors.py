"""Reads of the indicators app: attainment of targets, figures of a region with their history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from luoshi.plans.models import Plan

from .access import targets_visible_to
from .choices import Comparator, DataSource, Rag
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
    actual_value: float | None = None          # the figure compared (a growth % for growth targets)
    base: Observation | None = None            # previous year's figure for a growth target
    expected: float | None = None
    attainment_pct: float | None = None        # of the full-year target
    progress_ratio: float | None = None        # actual / expected by now
    rag: str = Rag.NONE
    discrepancy: tuple[float, float] | None = None   # (self-reported, official) beyond tolerance


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


def _preferred(by_source: dict[str, Observation]) -> Observation | None:
    return next((by_source[s] for s in SOURCE_PREFERENCE if s in by_source), None)


def attainment_rows(targets: Iterable[IndicatorTarget], rule: AttainmentRule) -> list[AttainmentRow]:
    """Attainment of each target from the latest revisions of the figures (two queries in all)."""
    targets = list(targets)
    if not targets:
        return []
    slots = Q()
    for t in targets:
        slots |= Q(indicator_id=t.indicator_id, region_id=t.region_id, year__in=(t.year, t.year - 1))
    latest: dict[tuple[int, int, int], dict[int, dict[str, Observation]]] = defaultdict(lambda: defaultdict(dict))
    for obs in Observation.objects.filter(slots, is_latest=True).select_related("entered_by"):
        latest[(obs.indicator_id, obs.region_id, obs.year)][obs.through_month][obs.source] = obs
    rows = []
    for target in targets:
        row = AttainmentRow(target=target)
        months = latest.get((target.indicator_id, target.region_id, target.year), {})
        if months:
            month = max(months)
            row.actual = _preferred(months[month])
            official, self_report = months[month].get(DataSource.OFFICIAL), months[month].get(DataSource.SELF_REPORT)
            if official and self_report and abs(self_report.value - official.value) > (
                    rule.self_report_tolerance * abs(official.value)):
                row.discrepancy = (self_report.value, official.value)
        if row.actual is not None:
            _fill(row, rule, latest)
        rows.append(row)
    return rows


def _fill(row: AttainmentRow, rule: AttainmentRule,
          latest: dict[tuple[int, int, int], dict[int, dict[str, Observation]]]) -> None:
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
    full = _ratio(target.comparator, row.actual_value, target.value)
    row.attainment_pct = None if full is None else full * 100
    row.progress_ratio = _ratio(target.comparator, row.actual_value, row.expected)
    row.rag = _rag(rule, row.progress_ratio)


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
