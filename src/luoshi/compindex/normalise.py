"""Normalisation (Handbook step 5): one indicator's panel -> a "higher is better" score per region.

Direction is handled here, so every score is "higher is better":

- ``minmax``: (x - min) / (max - min), min and max over all regions and the years ``from_year``..``to_year``
  (default: the computed year only); lower-is-better: (max - x) / (max - min). ``clip`` limits to [0, 1]
  (useful when the computed year lies outside the reference period).
- ``goalposts``: the same with the indicator's fixed goalposts (``goalposts: {min, max}`` in its units);
  ``clip`` (default true) limits to [0, 1].
- ``zscore``: (x - mean) / sd over the regions with a value in the computed year, sample sd (n - 1);
  lower-is-better: the negative.
- ``distance``: distance to a reference region in the computed year: ``ratio`` x / x_ref (x_ref / x for
  lower-is-better), or ``difference`` (x - x_ref) / |x_ref| (negated for lower-is-better).
- ``rank``: rank / n, the best region 1; ties share their average rank.
- ``percentile``: percentile rank (r - 1) / (n - 1) with r the ascending rank, ties taking the lowest
  (R's and dplyr's percent_rank, COINr's n_prank): the worst region 0, the best 1.
- ``target``: distance to a target (COINr's n_dist2targ): (x - min) / (target - min), min over the regions
  in the computed year; lower-is-better: (max - x) / (max - target). ``cap`` (default true) limits the
  score to 1 (reaching the target is enough). The target must lie beyond the worst value.
- ``best``: distance to the best performer in the computed year: ``ratio`` x / x_best (x_best / x for
  lower-is-better, best = the lowest), or ``difference`` (x - x_best) / |x_best| (negated for lower-is-
  better, so at most 0).

A normalisation that is undefined for the data (constant indicator, zero reference value) is an error,
never a silent 0 or 0.5.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from luoshi.compindex.dataset import FloatArray
from luoshi.compindex.errors import DataError, MethodError, bilingual
from luoshi.compindex.registry import Param, Registry, Step, StepConfig


@dataclass(frozen=True)
class NormaliseContext:
    indicator: str
    regions: tuple[str, ...]
    years: tuple[int, ...]
    target: int
    higher_is_better: bool
    goalposts: tuple[float, float] | None


Normaliser = Callable[[FloatArray, NormaliseContext, StepConfig], FloatArray]

NORMALISERS: Registry[Normaliser] = Registry("normalisation", "归一化")


def _scaled(x: FloatArray, low: float, high: float, context: NormaliseContext, clip: bool, what: str) -> FloatArray:
    if not high > low:
        raise DataError(
            f"indicator '{context.indicator}' does not vary: its max over the {what} ({high:g}) is not above "
            f"its min ({low:g}), so min-max scaling is undefined",
            code="constant_indicator", params={"indicator": context.indicator, "value": low})
    score = (x - low) / (high - low) if context.higher_is_better else (high - x) / (high - low)
    return np.clip(score, 0.0, 1.0) if clip else score


def _relative_to(x: FloatArray, base: float, context: NormaliseContext, form: str) -> FloatArray:
    """Values against a non-zero reference value: "difference" (x - base) / |base|, else the ratio x / base
    (base / x when lower is better, undefined for x <= 0); the better direction is always up."""
    if form == "difference":
        difference: FloatArray = (x - base) / abs(base)
        return difference if context.higher_is_better else -difference
    if context.higher_is_better:
        ratio: FloatArray = x / base
        return ratio
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse: FloatArray = np.where(x > 0, base / np.where(x > 0, x, 1.0), np.nan)
    return inverse


def minmax(panel: FloatArray, context: NormaliseContext, params: StepConfig) -> FloatArray:
    year = context.years[context.target]
    first, last = int(params.get("from_year", year)), int(params.get("to_year", year))
    rows = [index for index, y in enumerate(context.years) if first <= y <= last]
    if not rows:
        raise DataError(bilingual(
            f"参照期 {first}–{last} 不在数据年份内", f"reference period {first}-{last} has no year in the dataset"))
    reference = panel[rows]
    if np.isnan(reference).all():
        raise DataError(bilingual(
            f"指标 {context.indicator} 在参照期内没有数据",
            f"indicator '{context.indicator}' has no value in {first}-{last}"))
    low, high = float(np.nanmin(reference)), float(np.nanmax(reference))
    clip = bool(params.get("clip", False))
    return _scaled(panel[context.target], low, high, context, clip, f"reference period {first}-{last}")


def goalposts(panel: FloatArray, context: NormaliseContext, params: StepConfig) -> FloatArray:
    if context.goalposts is None:
        raise MethodError(bilingual(
            f"指标 {context.indicator} 缺少 goalposts",
            f"indicator '{context.indicator}' needs goalposts: {{min, max}}"))
    low, high = context.goalposts
    return _scaled(panel[context.target], low, high, context, bool(params.get("clip", True)), "goalposts")


def zscore(panel: FloatArray, context: NormaliseContext, params: StepConfig) -> FloatArray:
    x = panel[context.target]
    finite = x[~np.isnan(x)]
    spread = float(np.std(finite, ddof=1)) if finite.size > 1 else 0.0
    if spread == 0.0:
        raise DataError(
            f"indicator '{context.indicator}' does not vary across regions in {context.years[context.target]}, "
            "so its z-score is undefined",
            code="constant_indicator", params={"indicator": context.indicator})
    score: FloatArray = (x - float(finite.mean())) / spread
    return score if context.higher_is_better else -score


def distance(panel: FloatArray, context: NormaliseContext, params: StepConfig) -> FloatArray:
    reference = str(params["reference"])
    if reference not in context.regions:
        raise DataError(bilingual(
            f"数据中没有参照地区 '{reference}'",
            f"reference region '{reference}' is not in the data"))
    x = panel[context.target]
    base = float(x[context.regions.index(reference)])
    if np.isnan(base) or base == 0.0:
        raise DataError(bilingual(
            f"参照地区 {reference} 的指标 {context.indicator} 缺失或为零",
            f"reference region '{reference}' has a missing or zero '{context.indicator}'"))
    return _relative_to(x, base, context, str(params.get("form", "ratio")))


def average_ranks(values: FloatArray) -> FloatArray:
    """1 = smallest; ties share the average of their ranks; NaN stays NaN."""
    ranks = np.full(values.shape, np.nan)
    finite = ~np.isnan(values)
    unique, inverse, counts = np.unique(values[finite], return_inverse=True, return_counts=True)
    del unique
    last = np.cumsum(counts)
    ranks[finite] = (last - (counts - 1) / 2.0)[inverse]
    return ranks


def rank(panel: FloatArray, context: NormaliseContext, params: StepConfig) -> FloatArray:
    x = panel[context.target]
    count = int((~np.isnan(x)).sum())
    return average_ranks(x if context.higher_is_better else -x) / max(count, 1)


def percentile(panel: FloatArray, context: NormaliseContext, params: StepConfig) -> FloatArray:
    x = panel[context.target]
    oriented = x if context.higher_is_better else -x
    present = ~np.isnan(oriented)
    count = int(present.sum())
    if count < 2:
        raise DataError(f"indicator '{context.indicator}': percentile ranks need at least 2 values",
                        code="too_few_values", params={"indicator": context.indicator})
    finite = oriented[present]
    lowest_rank = np.searchsorted(np.sort(finite), finite, side="left")  # regions strictly below: r - 1
    out = np.full(x.shape, np.nan)
    out[present] = lowest_rank / (count - 1)
    return out


def target(panel: FloatArray, context: NormaliseContext, params: StepConfig) -> FloatArray:
    x = panel[context.target]
    goal = float(params["value"])
    if np.isnan(x).all():
        raise DataError(f"indicator '{context.indicator}' has no value in {context.years[context.target]}",
                        code="indicator_empty", params={"indicator": context.indicator})
    worst = float(np.nanmin(x)) if context.higher_is_better else float(np.nanmax(x))
    if (goal <= worst) if context.higher_is_better else (goal >= worst):
        raise DataError(
            f"indicator '{context.indicator}': the target {goal:g} is not beyond the worst value {worst:g}",
            code="target_reached_by_all", params={"indicator": context.indicator, "target": goal})
    score: FloatArray = (x - worst) / (goal - worst)
    return np.minimum(score, 1.0) if params.get("cap", True) else score


def best(panel: FloatArray, context: NormaliseContext, params: StepConfig) -> FloatArray:
    x = panel[context.target]
    if np.isnan(x).all():
        raise DataError(f"indicator '{context.indicator}' has no value in {context.years[context.target]}",
                        code="indicator_empty", params={"indicator": context.indicator})
    top = float(np.nanmax(x)) if context.higher_is_better else float(np.nanmin(x))
    if top == 0.0:
        raise DataError(f"indicator '{context.indicator}': the best value is 0, so a distance to it is undefined",
                        code="best_is_zero", params={"indicator": context.indicator})
    return _relative_to(x, top, context, str(params.get("form", "ratio")))


def _check_period(config: StepConfig, where: str) -> None:
    first, last = config.get("from_year"), config.get("to_year")
    if first is not None and last is not None and first > last:
        raise MethodError(bilingual(f"{where} 的 from_year 晚于 to_year", f"{where}: from_year must be <= to_year"))


for _step in (
    Step[Normaliser]("minmax", minmax,
                     (Param("from_year", "integer"), Param("to_year", "integer"),
                      Param("clip", "boolean", default=False)),
                     "min-max over all regions in the reference period {from_year}–{to_year} (— = the computed year), "
                     "clipped to [0, 1]: {clip}",
                     "最小-最大归一化，最小值和最大值取参照期 {from_year}–{to_year}"
                     "（— 表示计算年份）所有地区，截断到 [0,1]：{clip}",
                     _check_period),
    Step[Normaliser]("goalposts", goalposts, (Param("clip", "boolean", default=True),),
                     "min-max with each indicator's fixed goalposts, clipped to [0, 1]: {clip}",
                     "按各指标固定上下限（goalposts）做最小-最大归一化，截断到 [0,1]：{clip}"),
    Step[Normaliser]("zscore", zscore, (),
                     "z-score over the regions in the computed year (sample standard deviation)",
                     "z 分数（计算年份各地区，样本标准差）"),
    Step[Normaliser]("distance", distance,
                     (Param("reference", "string", required=True),
                      Param("form", "string", default="ratio", choices=("ratio", "difference"))),
                     "distance to the reference region {reference} ({form})",
                     "与参照地区 {reference} 的距离（{form}）"),
    Step[Normaliser]("rank", rank, (), "rank / number of regions (best = 1, ties averaged)",
                     "名次 / 地区数（最好为 1，并列取平均名次）"),
    Step[Normaliser]("percentile", percentile, (),
                     "percentile rank (r - 1) / (n - 1): worst 0, best 1, ties take the lower rank",
                     "百分位名次 (r - 1) / (n - 1)：最差为 0，最好为 1，并列取较低名次"),
    Step[Normaliser]("target", target,
                     (Param("value", "number", required=True), Param("cap", "boolean", default=True)),
                     "distance to the target {value}: (x - worst) / (target - worst), capped at 1: {cap}",
                     "与目标值 {value} 的距离：(x - 最差值) / (目标值 - 最差值)，以 1 为上限：{cap}"),
    Step[Normaliser]("best", best,
                     (Param("form", "string", default="ratio", choices=("ratio", "difference")),),
                     "distance to the best performer ({form})", "与最优地区的距离（{form}）"),
):
    NORMALISERS.register(_step)

SIGNED_NORMALISERS = frozenset({"zscore", "distance", "best"})
"""Scores that can be negative (z-scores; the ``difference`` form of distance), so unfit for geometric means."""

__all__ = ["NORMALISERS", "SIGNED_NORMALISERS", "NormaliseContext", "Normaliser", "average_ranks", "best",
           "percentile", "target"]
