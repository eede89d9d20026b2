"""Per-indicator transforms, configured in the method document (no code): log10/ln, cap, per-capita, growth.

Each transform maps a (years, regions) panel to a panel of the same shape. A value a transform cannot
produce from a zero or missing base (division by a zero or missing population, growth from a missing
or zero base year) becomes NaN, i.e. a missing value that the missing-data step then treats.

The log of a zero or negative value is not "missing data": the figure is there, the method cannot take
its log. ``apply_transforms`` returns those cells separately; the computation refuses them in the
computed year (``invalid: error``, the default) or, with ``invalid: exclude``, leaves the region
without a score for that indicator and says so. Either way no imputation fills them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

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
_INVALID = Param("invalid", "string", choices=("error", "exclude"))  # not set = error
_SCALE = Param("scale", "number", default=1.0, positive=True)

for _step in (
    Step[Transform]("log10", log10, (_OFFSET, _INVALID), "log10(x + {offset})", "取常用对数 log10(x + {offset})"),
    Step[Transform]("ln", natural_log, (_OFFSET, _INVALID), "ln(x + {offset})", "取自然对数 ln(x + {offset})"),
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


LOG_STEPS = frozenset({"log10", "ln"})
ELEMENTWISE_STEPS = frozenset({"log10", "ln", "cap", "scale"})
"""Transforms of one value alone, which can therefore carry goalposts from original units."""


def apply_transforms(
    panel: FloatArray, steps: tuple[StepConfig, ...], context: TransformContext
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """The transformed panel and the cells a log step could not take (a value <= 0 after its offset)."""
    not_loggable = np.zeros(panel.shape, dtype=bool)
    for config in steps:
        before = panel
        panel = TRANSFORMS.get(str(config["method"])).function(panel, context, config)
        if config["method"] in LOG_STEPS:
            not_loggable |= ~np.isnan(before) & np.isnan(panel)
    return panel, not_loggable


def exclude_not_loggable(steps: tuple[StepConfig, ...]) -> bool:
    """Whether the indicator's log steps say ``invalid: exclude`` (else a log of a value <= 0 is an error)."""
    return any(config.get("invalid") == "exclude" for config in steps if config["method"] in LOG_STEPS)


def transform_goalposts(goalposts: tuple[float, float], steps: tuple[StepConfig, ...],
                        where: str) -> tuple[float, float]:
    """Goalposts given in the series' original units, passed through the indicator's transforms."""
    for config in steps:
        if config["method"] not in ELEMENTWISE_STEPS:
            raise MethodError(
                f"{where}: goalposts in original units cannot pass through the '{config['method']}' transform, "
                "which needs other data; give them in transformed units",
                code="goalposts_units", params={"where": where, "transform": config["method"]})
    values = np.array([[goalposts[0], goalposts[1]]])
    for config in steps:
        offset = float(config.get("offset", 0.0))
        if config["method"] in LOG_STEPS and not (values + offset > 0).all():
            raise MethodError(
                f"{where}: goalposts {goalposts[0]:g} and {goalposts[1]:g} must be above {0.0 - offset:g} "
                f"to take the {config['method']} of them",
                code="goalposts_units", params={"where": where, "transform": config["method"]})
        values = TRANSFORMS.get(str(config["method"])).function(values, _NO_DATA, config)
    low, high = sorted((float(values[0, 0]), float(values[0, 1])))
    if not low < high:
        raise MethodError(f"{where}: the goalposts coincide after the transforms ({low:g})",
                          code="goalposts_units", params={"where": where})
    return low, high


_NO_DATA = TransformContext(None)  # type: ignore[arg-type]  # element-wise steps never read the dataset


__all__ = ["ELEMENTWISE_STEPS", "LOG_STEPS", "TRANSFORMS", "Transform", "TransformContext", "apply_transforms",
           "exclude_not_loggable", "transform_goalposts"]
