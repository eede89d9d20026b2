"""Aggregation (Handbook step 6): one node's children scores and weights -> the node's score.

Both functions take scores of shape (..., regions, children) and weights of shape (..., children) so the
same code computes one result or a batch of Monte Carlo draws. Weights sum to one at every node.

- ``arithmetic``: sum of weight x score (fully compensatory).
- ``geometric``: product of score ^ weight, i.e. exp(sum of weight x ln score) (partly compensatory).
  It needs positive scores. Rule for zeros (``zeros``): ``floor`` (default) raises every score below
  ``floor`` (default 0.01, on the 0-1 scale) to ``floor`` before aggregating, so a zero indicator pulls
  the node down hard without zeroing it; ``error`` refuses any score <= 0. Methods that can produce
  negative scores (z-scores, distance as a difference) cannot be aggregated geometrically: the method
  document is refused on load.

Contribution (``Result.contributions``): at every node the node's score is shared among its children in
proportion to weight x score. For arithmetic aggregation that share is exactly weight x score, so the
indicators' contributions add up to the index and each is the indicator's effective weight times its
score. The geometric mean is not a sum, so there the same proportional sharing is an allocation (the
contributions still add up to the node score; a child with a higher weighted score gets a larger share),
not a decomposition of the formula.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from luoshi.compindex.dataset import FloatArray
from luoshi.compindex.errors import DataError, MethodError, bilingual
from luoshi.compindex.registry import Param, Registry, Step, StepConfig

Aggregator = Callable[[FloatArray, FloatArray, StepConfig], FloatArray]

AGGREGATORS: Registry[Aggregator] = Registry("aggregation", "加总")

DEFAULT_FLOOR = 0.01


def arithmetic(scores: FloatArray, weights: FloatArray, params: StepConfig) -> FloatArray:
    result: FloatArray = (scores * weights[..., None, :]).sum(axis=-1)
    return result


def geometric(scores: FloatArray, weights: FloatArray, params: StepConfig) -> FloatArray:
    if params.get("zeros", "floor") == "error":
        if (scores <= 0).any():
            raise DataError(bilingual(
                "几何平均遇到零或负值（规则：报错）",
                "geometric aggregation met a score <= 0 and the zero rule is 'error'"))
        positive = scores
    else:
        positive = np.maximum(scores, float(params.get("floor", DEFAULT_FLOOR)))  # NaN stays NaN
    result: FloatArray = np.exp((np.log(positive) * weights[..., None, :]).sum(axis=-1))
    return result


def _check_geometric(config: StepConfig, where: str) -> None:
    if config.get("zeros") == "error":
        if "floor" in config and config["floor"] != DEFAULT_FLOOR:
            raise MethodError(bilingual(
                f"{where}：zeros 为 error 时不用 floor",
                f"{where}: 'floor' has no use with zeros: error"))
        config.pop("floor", None)
    else:
        config.setdefault("floor", DEFAULT_FLOOR)


for _step in (
    Step[Aggregator]("arithmetic", arithmetic, (), "weighted arithmetic mean", "加权算术平均"),
    Step[Aggregator]("geometric", geometric, (
        Param("zeros", "string", default="floor", choices=("floor", "error")),
        Param("floor", "number", positive=True),
    ), "weighted geometric mean (rule for scores <= 0: {zeros}, floor {floor})",
       "加权几何平均（零或负得分的规则：{zeros}，下限 {floor}）", _check_geometric),
):
    AGGREGATORS.register(_step)

__all__ = ["AGGREGATORS", "Aggregator", "arithmetic", "geometric"]
