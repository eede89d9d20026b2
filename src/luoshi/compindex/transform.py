"""Per-indicator transforms, configured in the method document (no code): log10/ln, cap, per-capita, growth.

Each transform maps a (years, regions) panel to a panel of the same shape. A value a transform cannot
produce (log of a non-positive number, division by a zero or missing population, growth from a missing
or zero base year) becomes NaN, i.e. a missing value that the missing-data step then treats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from luoshi.compindex.dataset import Dataset, FloatArray
from luoshi.compindex.errors import MethodError, bilingual
from luoshi.compindex.registry import Param, Registry, Step, StepConfig


@dataclass(frozen=True)
class TransformContext:
    dataset: Dataset


Transform = Callable[[FloatArray, TransformContext, StepConfig], FloatArray]

TRANSFORMS: Registry[Transform] = Registry("transform", "变换")


def _positive_log(panel: FloatArray, offset: float, log: Callable[[FloatArray], FloatArray]) -> FloatArray:
    shifted = panel + offset
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(shifted > 0, log(np.where(shifted > 0, shifted, 1.0)), np.nan)


def log10(panel: FloatArray, context: TransformContext, params: StepConfig) -> FloatArray:
    return _positive_log(panel, float(params.get("offset", 0.0)), np.log10)


def natural_log(panel: FloatArray, context: TransformContext, params: StepConfig) -> FloatArray:
    return _positive_log(panel, float(params.get("offset", 0.0)), np.log)


def cap(panel: FloatArray, context: TransformContext, params: StepConfig) -> FloatArray:
    low = params.get("min")
    high = params.get("max")
    return np.clip(panel, -np.inf if low is None else low, np.inf if high is None else high)


def per_capita(panel: FloatArray, context: TransformContext, params: StepConfig) -> FloatArray:
    denominator = context.dataset.series(str(params["denominator"]))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = panel / denominator * float(params.get("scale", 1.0))
    return np.where(denominator > 0, ratio, np.nan)


def growth(panel: FloatArray, context: TransformContext, params: StepConfig) -> FloatArray:
    """x[t] / x[t - lag] - 1 (times ``scale``); NaN when year t - lag is absent or its value is missing/zero."""
    lag = int(params.get("lag", 1))
    years = context.dataset.years
    where = {year: index for index, year in enumerate(years)}
    out = np.full_like(panel, np.nan)
    for index, year in enumerate(years):
        base = where.get(year - lag)
        if base is None:
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = (panel[index] / panel[base] - 1.0) * float(params.get("scale", 1.0))
        out[index] = np.where(panel[base] != 0, rate, np.nan)
    return out


def scale(panel: FloatArray, context: TransformContext, params: StepConfig) -> FloatArray:
    return panel * float(params["factor"])


def _check_cap(config: StepConfig, where: str) -> None:
    low, high = config.get("min"), config.get("max")
    if low is None and high is None:
        raise MethodError(bilingual(f"{where} 须给出 min 或 max", f"cap at {where} needs 'min' or 'max'"))
    if low is not None and high is not None and low >= high:
        raise MethodError(bilingual(f"{where} 的 min 须小于 max", f"cap at {where}: min must be < max"))


_OFFSET = Param("offset", "number", default=0.0)
_SCALE = Param("scale", "number", default=1.0, positive=True)

for _step in (
    Step[Transform]("log10", log10, (_OFFSET,), "log10(x + {offset})", "取常用对数 log10(x + {offset})"),
    Step[Transform]("ln", natural_log, (_OFFSET,), "ln(x + {offset})", "取自然对数 ln(x + {offset})"),
    Step[Transform]("cap", cap, (Param("min", "number"), Param("max", "number")),
                    "capped to [{min}, {max}]", "截断到 [{min}, {max}]", _check_cap),
    Step[Transform]("per_capita", per_capita, (Param("denominator", "string", required=True), _SCALE),
                    "divided by {denominator} (times {scale})", "除以 {denominator}（乘以 {scale}）"),
    Step[Transform]("growth", growth, (Param("lag", "integer", default=1, minimum=1), _SCALE),
                    "growth rate over {lag} year(s): x[t]/x[t-{lag}] - 1 (times {scale})",
                    "{lag} 年增长率：x[t]/x[t-{lag}] - 1（乘以 {scale}）"),
    Step[Transform]("scale", scale, (Param("factor", "number", required=True),),
                    "multiplied by {factor}", "乘以 {factor}"),
):
    TRANSFORMS.register(_step)


def apply_transforms(panel: FloatArray, steps: tuple[StepConfig, ...], context: TransformContext) -> FloatArray:
    for config in steps:
        panel = TRANSFORMS.get(str(config["method"])).function(panel, context, config)
    return panel


__all__ = ["TRANSFORMS", "Transform", "TransformContext", "apply_transforms"]
