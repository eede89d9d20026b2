"""Outlier treatment (Handbook step 5, as the JRC COIN audit does it), with sample skewness and kurtosis.

Rule (JRC COIN): an indicator needs treatment when, across the regions with a value in the computed
year, |skewness| > 2 **and** kurtosis > 3.5 (both thresholds are parameters). Skewness is the adjusted
Fisher-Pearson coefficient G1 and kurtosis the bias-corrected *excess* kurtosis G2 — the definitions of
Excel's SKEW and KURT, used by the COIN tool and COINr.

``winsorise``: while the rule says "treat" and at most ``max_points`` values have been changed, the
highest value (lowest, if the skew is negative) is set to the next one. ``log``: ln(x - min + a) for a
positive skew, -ln(max + a - x) for a negative one, a = (max - min) / 100 (the COIN tool's shifted log;
monotone, so directions are kept). ``auto``: nothing when the rule passes; otherwise winsorise, and if
that still fails the rule, use ``log`` on the untreated values instead.

The rule is evaluated on the computed year; the treatment is applied to the whole panel (winsorising caps
every year at the same bounds; the log shift uses the panel's min and max) so that a reference-period
normalisation sees treated values in every year.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from luoshi.compindex.dataset import FloatArray
from luoshi.compindex.registry import Param, Registry, Step, StepConfig


@dataclass(frozen=True)
class TreatContext:
    indicator: str
    target: int
    """Index of the computed year in the panel."""


Treatment = Callable[[FloatArray, TreatContext, StepConfig], tuple[FloatArray, str]]

OUTLIER_TREATMENTS: Registry[Treatment] = Registry("outliers", "异常值处理")


def skewness(values: FloatArray) -> float:
    """Adjusted Fisher-Pearson skewness G1 = sqrt(n(n-1))/(n-2) * m3 / m2^1.5 (Excel SKEW); NaN if n < 3."""
    x = values[~np.isnan(values)]
    n = x.size
    if n < 3:
        return math.nan
    deviations = x - x.mean()
    m2 = float(np.mean(deviations**2))
    if m2 == 0.0:
        return 0.0
    m3 = float(np.mean(deviations**3))
    return float(m3 / m2**1.5 * math.sqrt(n * (n - 1)) / (n - 2))


def kurtosis(values: FloatArray) -> float:
    """Bias-corrected excess kurtosis G2 = ((n+1) g2 + 6)(n-1)/((n-2)(n-3)), g2 = m4/m2^2 - 3 (Excel KURT).

    NaN if n < 4.
    """
    x = values[~np.isnan(values)]
    n = x.size
    if n < 4:
        return math.nan
    deviations = x - x.mean()
    m2 = float(np.mean(deviations**2))
    if m2 == 0.0:
        return 0.0
    g2 = float(np.mean(deviations**4)) / m2**2 - 3.0
    return ((n + 1) * g2 + 6.0) * (n - 1) / ((n - 2) * (n - 3))


def needs_treatment(values: FloatArray, skew_limit: float = 2.0, kurtosis_limit: float = 3.5) -> bool:
    """The COIN rule: |skewness| > skew_limit and kurtosis > kurtosis_limit (False with fewer than 4 values)."""
    skew, kurt = skewness(values), kurtosis(values)
    if math.isnan(skew) or math.isnan(kurt):
        return False
    return abs(skew) > skew_limit and kurt > kurtosis_limit


@dataclass(frozen=True)
class Winsorised:
    low: float
    high: float
    points: int
    passed: bool


def winsorise_values(values: FloatArray, max_points: int, skew_limit: float, kurtosis_limit: float) -> Winsorised:
    """Winsorise one cross-section point by point (ties move together); return the caps it arrived at."""
    original = values[~np.isnan(values)]
    x = original.copy()
    while x.size and needs_treatment(x, skew_limit, kurtosis_limit):
        high_side = skewness(x) > 0
        extreme = x.max() if high_side else x.min()
        tied = x == extreme
        rest = x[~tied]
        if rest.size == 0:
            break
        moved = x.copy()
        moved[tied] = rest.max() if high_side else rest.min()
        if int((moved != original).sum()) > max_points:  # count original values changed, not moves
            break
        x = moved
    low = float(x.min()) if x.size else -math.inf
    high = float(x.max()) if x.size else math.inf
    points = int((x != original).sum())
    return Winsorised(low, high, points, not needs_treatment(x, skew_limit, kurtosis_limit))


def shifted_log(panel: FloatArray, target: int) -> FloatArray:
    """The COIN tool's log for skewed data; the sign of the computed year's skewness picks the tail."""
    finite = panel[~np.isnan(panel)]
    if finite.size == 0:
        return panel
    low, high = float(finite.min()), float(finite.max())
    if high == low:
        return panel
    shift = (high - low) / 100.0
    if skewness(panel[target]) >= 0:
        return np.log(panel - low + shift)
    return -np.log(high + shift - panel)


def no_treatment(panel: FloatArray, context: TreatContext, params: StepConfig) -> tuple[FloatArray, str]:
    return panel, ""


def _describe_state(values: FloatArray) -> str:
    return f"skewness {skewness(values):.2f}, kurtosis {kurtosis(values):.2f}"


def winsorise(panel: FloatArray, context: TreatContext, params: StepConfig) -> tuple[FloatArray, str]:
    target = panel[context.target]
    skew_limit, kurt_limit = float(params["skewness"]), float(params["kurtosis"])
    if not needs_treatment(target, skew_limit, kurt_limit):
        return panel, ""
    caps = winsorise_values(target, int(params["max_points"]), skew_limit, kurt_limit)
    treated = np.clip(panel, caps.low, caps.high)
    outcome = "" if caps.passed else "; rule still not met"
    return treated, f"winsorised {caps.points} value(s) to [{caps.low:g}, {caps.high:g}] " \
                    f"({_describe_state(target)} -> {_describe_state(treated[context.target])}{outcome})"


def log_treatment(panel: FloatArray, context: TreatContext, params: StepConfig) -> tuple[FloatArray, str]:
    treated = shifted_log(panel, context.target)
    return treated, f"log ({_describe_state(panel[context.target])} -> {_describe_state(treated[context.target])})"


def automatic(panel: FloatArray, context: TreatContext, params: StepConfig) -> tuple[FloatArray, str]:
    target = panel[context.target]
    skew_limit, kurt_limit = float(params["skewness"]), float(params["kurtosis"])
    if not needs_treatment(target, skew_limit, kurt_limit):
        return panel, ""
    caps = winsorise_values(target, int(params["max_points"]), skew_limit, kurt_limit)
    if caps.passed:
        return winsorise(panel, context, params)
    treated, note = log_treatment(panel, context, params)
    return treated, f"{note}; winsorising {params['max_points']} value(s) was not enough"


_RULE = (
    Param("skewness", "number", default=2.0, positive=True),
    Param("kurtosis", "number", default=3.5),
    Param("max_points", "integer", default=5, minimum=1),
)
for _step in (
    Step[Treatment]("none", no_treatment, (), "none", "不处理"),
    Step[Treatment]("winsorise", winsorise, _RULE,
                    "winsorise (at most {max_points} values) when |skewness| > {skewness} and kurtosis > {kurtosis}",
                    "当 |偏度| > {skewness} 且峰度 > {kurtosis} 时缩尾（最多 {max_points} 个值）"),
    Step[Treatment]("log", log_treatment, (), "shifted log transform", "平移对数变换"),
    Step[Treatment]("auto", automatic, _RULE,
                    "when |skewness| > {skewness} and kurtosis > {kurtosis}: winsorise up to {max_points} values, "
                    "and if the rule still fails use the shifted log instead (JRC COIN rule)",
                    "当 |偏度| > {skewness} 且峰度 > {kurtosis} 时先缩尾（最多 {max_points} 个值），"
                    "仍不满足则改用平移对数变换（JRC COIN 规则）"),
):
    OUTLIER_TREATMENTS.register(_step)

TREATMENTS_CHANGING_UNITS = frozenset({"log", "auto"})
"""Treatments that may change an indicator's units, so fixed goalposts would no longer apply."""

__all__ = ["OUTLIER_TREATMENTS", "TreatContext", "Treatment", "kurtosis", "needs_treatment", "skewness"]
