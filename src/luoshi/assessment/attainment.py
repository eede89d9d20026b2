"""The indicator-target facts of the assessment: how far each unit reached the indicator targets it answers for.

The indicators app decides what a target's attainment is (luoshi.indicators.selectors.attainment_rows: the
latest figure, preferred source, pro-rata or seasonal expected value, growth over the previous year); this
module only turns those rows into one outcome per target for the scoring, with a sentence a person can check.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from luoshi.indicators.choices import Comparator
from luoshi.indicators.models import IndicatorTarget
from luoshi.indicators.selectors import attainment_rows, attainment_rule_for
from luoshi.plans.choices import PlanStatus
from luoshi.plans.models import Plan


@dataclass(frozen=True)
class TargetOutcome:
    """One indicator target a unit answered for in the year, and the share of it reached.

    `attained` is actual ÷ expected (for a "lower is better" target, expected ÷ actual; for a growth target,
    the growth reached ÷ the growth asked), uncapped; None when there is no figure to compare.
    """

    unit_id: int
    key: str        # stable, e.g. "indicator-target:42"
    text: str       # "R&D经费支出占GDP比重 2018年目标不低于2.4%（全市），实际2.2%（截至12月，统计部门），完成92%"
    attained: float | None


def _number(value: float) -> str:
    return f"{value:.4g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _target_words(target: IndicatorTarget) -> str:
    comparator = Comparator(target.comparator)
    if comparator == Comparator.GROWTH:
        goal = _("增长%(value)s%%") % {"value": _number(target.value)}
    else:
        goal = f"{comparator.label}{_number(target.value)}{target.value_unit}"
    return _("%(indicator)s %(year)d年目标%(goal)s（%(region)s）") % {
        "indicator": target.indicator.name_zh, "year": target.year, "goal": goal, "region": target.region.name}


def target_outcomes(*, year: int, unit_ids: Sequence[int]) -> list[TargetOutcome]:
    """The year's indicator targets of published plans whose responsible unit is one of `unit_ids`.

    A few queries per plan of the year (its rule, its figures), none per unit or target.
    """
    targets = (IndicatorTarget.objects
               .filter(year=year, responsible_unit_id__in=list(unit_ids), plan__status=PlanStatus.PUBLISHED)
               .select_related("indicator", "region", "plan").order_by("plan_id", "indicator__code", "pk"))
    by_plan: dict[int, list[IndicatorTarget]] = defaultdict(list)
    plans: dict[int, Plan] = {}
    for target in targets:
        by_plan[target.plan_id].append(target)
        plans[target.plan_id] = target.plan
    outcomes = []
    for plan_id, plan_targets in by_plan.items():
        for row in attainment_rows(plan_targets, attainment_rule_for(plans[plan_id])):
            target = row.target
            assert target.responsible_unit_id is not None
            words = _target_words(target)
            if row.actual is None or row.progress_ratio is None or row.actual_value is None:
                text = _("%(target)s，无可比较的实际值") % {"target": words}
                attained = None
            else:
                actual = (_("增长%(value)s%%") % {"value": _number(row.actual_value)}
                          if target.comparator == Comparator.GROWTH
                          else f"{_number(row.actual_value)}{target.indicator.unit}")
                partial = row.actual.through_month < 12 and target.indicator.accumulates
                text = _("%(target)s，实际%(actual)s（截至%(month)d月，%(source)s），%(share)s%(pct)s%%") % {
                    "target": words, "actual": actual, "month": row.actual.through_month,
                    "source": row.actual.get_source_display(),
                    "share": _("完成预期进度的") if partial else _("完成目标的"),
                    "pct": f"{row.progress_ratio * 100:.0f}"}
                attained = row.progress_ratio
            outcomes.append(TargetOutcome(unit_id=target.responsible_unit_id, key=f"indicator-target:{target.pk}",
                                          text=text, attained=attained))
    return outcomes
