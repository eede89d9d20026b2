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

- ``harmonic``: 1 / sum of weight / score (the least compensatory of the means). Same zero rule as
  ``geometric`` (``floor`` or ``error``), and also refused for scores that can be negative.
- ``generalised``: the weighted power mean (sum of weight x score ^ ``power``) ^ (1 / ``power``), with
  ``power`` != 0: 1 is arithmetic, -1 harmonic, towards 0 geometric; a higher power is more
  compensatory, a lower one less. Same zero rule; refused for scores that can be negative.
- ``copeland``: non-compensatory outranking (Handbook §6.2, Munda & Nardo). For every pair of regions
  (a, b) with scores on every child, the concordance e_ab is the sum of the weights of the children on
  which a scores higher, plus half the weights of those on which they tie. a beats b when e_ab > 1/2.
  A region's score is its wins minus its losses against the other regions, from -(n - 1) to n - 1; a
  region lacking a child's score gets none and is left out of the others' comparisons. The score can
  be negative, so a Copeland node cannot sit under a geometric, harmonic or generalised mean.

``skip_missing: true`` (means only; not set by default) aggregates each region over the children it has a
score for, with their weights rescaled to sum to one (COINr's aggregation over available data): a region
missing an indicator is then still indexed. Without it a missing child score leaves the node without one.

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
import numpy.typing as npt

from luoshi.compindex.dataset import FloatArray
from luoshi.compindex.errors import DataError, MethodError, bilingual
from luoshi.compindex.registry import Param, Registry, Step, StepConfig

Aggregator = Callable[[FloatArray, FloatArray, StepConfig], FloatArray]

AGGREGATORS: Registry[Aggregator] = Registry("aggregation", "加总")

DEFAULT_FLOOR = 0.01


def _over_available(scores: FloatArray, weights: FloatArray, params: StepConfig) -> tuple[FloatArray, FloatArray]:
    """Per-region weights (..., regions, children): the node's weights, or with ``skip_missing`` the weights of
    the children a region has a score for, rescaled to sum to one (NaN scores then count as absent)."""
    spread = np.broadcast_to(weights[..., None, :], scores.shape)
    if not params.get("skip_missing"):
        return scores, spread
    present = ~np.isnan(scores)
    kept = np.where(present, spread, 0.0)
    total = kept.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        rescaled = np.where(total > 0, kept / np.where(total > 0, total, 1.0), np.nan)
    # an absent child gets weight 0 and a neutral value; a region with no child at all stays NaN
    return np.where(present, scores, 1.0), rescaled


def arithmetic(scores: FloatArray, weights: FloatArray, params: StepConfig) -> FloatArray:
    values, spread = _over_available(scores, weights, params)
    result: FloatArray = (values * spread).sum(axis=-1)
    return result


def geometric(scores: FloatArray, weights: FloatArray, params: StepConfig) -> FloatArray:
    values, spread = _over_available(scores, weights, params)
    if params.get("zeros", "floor") == "error":
        if (values <= 0).any():
            raise DataError(bilingual(
                "几何平均遇到零或负值（规则：报错）",
                "geometric aggregation met a score <= 0 and the zero rule is 'error'"))
        positive = values
    else:
        positive = np.maximum(values, float(params.get("floor", DEFAULT_FLOOR)))  # NaN stays NaN
    result: FloatArray = np.exp((np.log(positive) * spread).sum(axis=-1))
    return result


def _floored(scores: FloatArray, params: StepConfig, name: str) -> FloatArray:
    if params.get("zeros", "floor") == "error":
        if (scores <= 0).any():
            raise DataError(
                f"{name} aggregation met a score <= 0 and the zero rule is 'error'", code="score_not_positive",
                params={"aggregation": name})
        return scores
    return np.maximum(scores, float(params.get("floor", DEFAULT_FLOOR)))  # NaN stays NaN


def harmonic(scores: FloatArray, weights: FloatArray, params: StepConfig) -> FloatArray:
    values, spread = _over_available(scores, weights, params)
    positive = _floored(values, params, "harmonic")
    result: FloatArray = 1.0 / (spread / positive).sum(axis=-1)
    return result


def generalised(scores: FloatArray, weights: FloatArray, params: StepConfig) -> FloatArray:
    power = float(params["power"])
    values, spread = _over_available(scores, weights, params)
    positive = _floored(values, params, "generalised")
    result: FloatArray = ((positive**power) * spread).sum(axis=-1) ** (1.0 / power)
    return result


def copeland(scores: FloatArray, weights: FloatArray, params: StepConfig) -> FloatArray:
    """Wins minus losses in pairwise weighted majority (see the module docstring)."""
    complete: npt.NDArray[np.bool_] = np.asarray(~np.isnan(scores).any(axis=-1))  # (..., regions)
    a, b = scores[..., :, None, :], scores[..., None, :, :]  # (..., regions, regions, children)
    w = weights[..., None, None, :]
    concordance = (w * (a > b)).sum(axis=-1) + 0.5 * (w * (a == b)).sum(axis=-1)
    both = complete[..., :, None] & complete[..., None, :]
    tolerance = 1e-12  # weights that sum to one in floating point: "exactly half" is a tie
    wins = ((concordance > 0.5 + tolerance) & both).sum(axis=-1)
    losses = ((concordance < 0.5 - tolerance) & both).sum(axis=-1)
    result: FloatArray = np.where(complete, (wins - losses).astype(np.float64), np.nan)
    return result


def _check_generalised(config: StepConfig, where: str) -> None:
    if config["power"] == 0:
        raise MethodError(f"{where}: power 0 is the geometric mean; use geometric", code="bad_power",
                          params={"where": where})
    _check_geometric(config, where)


def _check_geometric(config: StepConfig, where: str) -> None:
    if config.get("zeros") == "error":
        if "floor" in config and config["floor"] != DEFAULT_FLOOR:
            raise MethodError(bilingual(
                f"{where}：zeros 为 error 时不用 floor",
                f"{where}: 'floor' has no use with zeros: error"))
        config.pop("floor", None)
    else:
        config.setdefault("floor", DEFAULT_FLOOR)


_SKIP = Param("skip_missing", "boolean")  # not set = a missing child score leaves the node without a score
_ZERO_RULE = (
    Param("zeros", "string", default="floor", choices=("floor", "error")),
    Param("floor", "number", positive=True),
    _SKIP,
)
for _step in (
    Step[Aggregator]("arithmetic", arithmetic, (_SKIP,), "weighted arithmetic mean", "加权算术平均"),
    Step[Aggregator]("geometric", geometric, _ZERO_RULE,
                     "weighted geometric mean (rule for scores <= 0: {zeros}, floor {floor})",
                     "加权几何平均（零或负得分的规则：{zeros}，下限 {floor}）", _check_geometric),
    Step[Aggregator]("harmonic", harmonic, _ZERO_RULE,
                     "weighted harmonic mean (rule for scores <= 0: {zeros}, floor {floor})",
                     "加权调和平均（零或负得分的规则：{zeros}，下限 {floor}）", _check_geometric),
    Step[Aggregator]("generalised", generalised, (Param("power", "number", required=True), *_ZERO_RULE),
                     "weighted generalised (power) mean with power {power} (rule for scores <= 0: {zeros}, "
                     "floor {floor})",
                     "加权广义（幂）平均，幂次 {power}（零或负得分的规则：{zeros}，下限 {floor}）", _check_generalised),
    Step[Aggregator]("copeland", copeland, (),
                     "Copeland outranking: pairwise weighted majority, wins minus losses (non-compensatory)",
                     "Copeland 排序法：两两按权重多数比较，胜场数减负场数（非补偿）"),
):
    AGGREGATORS.register(_step)

NEEDS_POSITIVE = frozenset({"geometric", "harmonic", "generalised"})
"""Aggregations that need positive scores: scores that can be negative cannot go into them."""
SIGNED_AGGREGATIONS = frozenset({"copeland"})
"""Aggregations whose result can be negative."""

__all__ = ["AGGREGATORS", "NEEDS_POSITIVE", "SIGNED_AGGREGATIONS", "Aggregator", "arithmetic", "copeland",
           "generalised", "geometric", "harmonic"]
