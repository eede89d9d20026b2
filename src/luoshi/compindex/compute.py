"""One computation of the index: the Handbook pipeline for one year, with scores, contributions and ranks.

Order of the stages for each indicator (Handbook steps 3-5), on its (years, regions) panel:
transforms -> missing-data treatment -> outlier treatment -> normalisation (computed year). Then, from
the leaves up, each node's weights (step 6) are computed from its children's scores and the node is
aggregated. A region without a score for some indicator (missing data left as missing) gets no index
and no rank; ``Result.excluded`` says which values were missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from luoshi.compindex.aggregate import AGGREGATORS
from luoshi.compindex.dataset import Dataset, FloatArray
from luoshi.compindex.errors import DataError, Notice, bilingual
from luoshi.compindex.impute import IMPUTERS, ImputeContext
from luoshi.compindex.method import Method, Node
from luoshi.compindex.normalise import NORMALISERS, NormaliseContext
from luoshi.compindex.ranking import RankingRule, rank_values
from luoshi.compindex.registry import StepConfig
from luoshi.compindex.transform import TransformContext, apply_transforms, exclude_not_loggable
from luoshi.compindex.treat import OUTLIER_TREATMENTS, TreatContext
from luoshi.compindex.weight import WEIGHTS

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Prepared:
    """Indicator values and normalised scores for one year (regions x method indicators)."""

    year: int
    regions: tuple[str, ...]
    indicators: tuple[str, ...]
    values: FloatArray
    """After transforms, imputation and outlier treatment."""
    scores: FloatArray
    """Normalised, higher is better."""
    imputed: BoolArray
    treatments: dict[str, str]
    not_loggable: BoolArray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    """Cells of the computed year whose log could not be taken (excluded by ``invalid: exclude``)."""
    notices: tuple[Notice, ...] = ()
    screened: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    """Regions left out by the method's ``screening`` (too few indicators with a value)."""


def prepare(
    method: Method,
    dataset: Dataset,
    year: int,
    *,
    missing: StepConfig | None = None,
    outliers: StepConfig | None = None,
    normalisation: StepConfig | None = None,
) -> Prepared:
    """Steps 3-5 for every indicator. A given step replaces the method's step for every indicator."""
    target = dataset.year_index(year)
    regions, years = tuple(dataset.regions), tuple(dataset.years)
    shape = (len(regions), len(method.indicators))
    values, scores, imputed = np.full(shape, np.nan), np.full(shape, np.nan), np.zeros(shape, dtype=bool)
    not_loggable = np.zeros(shape, dtype=bool)
    treatments: dict[str, str] = {}
    notices: list[Notice] = []
    transform_context = TransformContext(dataset)
    transformed = [apply_transforms(dataset.series(indicator.source), indicator.transforms, transform_context)
                   for indicator in method.indicators]
    screened = _screen(method, transformed, regions, target, notices)
    for column, indicator in enumerate(method.indicators):
        panel, cannot_log = transformed[column]
        notices.extend(_check_logs(indicator.name, indicator.transforms, cannot_log & ~screened, regions, years,
                                   target))
        panel[:, screened] = np.nan  # a screened region takes no part: not in peers' means, not in min/max
        was_missing = np.isnan(panel[target])
        step = missing or method.step(indicator, "missing")
        impute_context = ImputeContext(indicator.name, regions, years, target, dataset)
        panel = IMPUTERS.get(step["method"]).function(panel, impute_context, step)
        panel[cannot_log] = np.nan  # a figure whose log is undefined is not a gap to fill
        panel[:, screened] = np.nan
        not_loggable[:, column] = cannot_log[target]
        imputed[:, column] = was_missing & ~np.isnan(panel[target])
        if np.isnan(panel[target]).all():
            notices.append(Notice(
                "indicator_empty",
                f"indicator '{indicator.name}' has no value in {years[target]} for any region "
                f"(missing-data rule: {step['method']}), so no region can be ranked",
                {"indicator": indicator.name, "year": years[target], "missing": step["method"]}))
        step = outliers or method.step(indicator, "outliers")
        panel, note = OUTLIER_TREATMENTS.get(step["method"]).function(panel, TreatContext(indicator.name, target), step)
        if note:
            treatments[indicator.name] = note
        step = normalisation or method.step(indicator, "normalisation")
        context = NormaliseContext(
            indicator.name, regions, years, target, indicator.higher_is_better, indicator.goalposts)
        scores[:, column] = NORMALISERS.get(step["method"]).function(panel, context, step)
        values[:, column] = panel[target]
    return Prepared(year, regions, tuple(i.name for i in method.indicators), values, scores, imputed, treatments,
                    not_loggable, tuple(notices), screened)


def _screen(method: Method, transformed: list[tuple[FloatArray, BoolArray]], regions: tuple[str, ...],
            target: int, notices: list[Notice]) -> BoolArray:
    """Regions with values for less than ``screening.min_share`` of the indicators in the computed year."""
    if method.screening is None or not transformed:
        return np.zeros(len(regions), dtype=bool)
    present = np.stack([~np.isnan(panel[target]) | cannot_log[target] for panel, cannot_log in transformed], axis=1)
    shares = present.mean(axis=1)
    screened: BoolArray = shares < method.screening - 1e-12
    if screened.any():
        names = [regions[r] for r in np.flatnonzero(screened)]
        notices.append(Notice(
            "regions_screened",
            f"{len(names)} region(s) have values for less than {method.screening:.0%} of the indicators and are "
            f"left out: {', '.join(names)}",
            {"regions": names, "min_share": method.screening,
             "shares": {regions[r]: float(shares[r]) for r in np.flatnonzero(screened)}}))
    return screened


def _check_logs(indicator: str, steps: tuple[StepConfig, ...], cannot_log: BoolArray, regions: tuple[str, ...],
                years: tuple[int, ...], target: int) -> list[Notice]:
    """Refuse (or, with ``invalid: exclude``, state) the log of a value <= 0; see transform.py."""
    notices = []
    now = [regions[r] for r in np.flatnonzero(cannot_log[target])]
    if now:
        shown = ", ".join(now[:5]) + ("…" if len(now) > 5 else "")
        params = {"indicator": indicator, "year": years[target], "regions": now}
        if not exclude_not_loggable(steps):
            raise DataError(
                f"indicator '{indicator}': the log of a value <= 0 is undefined, for {len(now)} region(s) in "
                f"{years[target]}: {shown}; correct the figure, add an offset, or state invalid: exclude",
                code="log_not_positive", params=params)
        notices.append(Notice(
            "log_not_positive_excluded",
            f"indicator '{indicator}': the log of a value <= 0 is undefined for {shown} in {years[target]}; "
            "those regions get no score for it (invalid: exclude)", params))
    other = sorted({years[y] for y in np.flatnonzero(cannot_log.any(axis=1)) if y != target})
    if other:
        notices.append(Notice(
            "log_not_positive_other_years",
            f"indicator '{indicator}': values <= 0 in {', '.join(map(str, other))} have no log and are "
            "left out of those years",
            {"indicator": indicator, "years": other}))
    return notices


def evaluate_tree(method: Method, prepared: Prepared) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    """Weights and scores of every node, leaves first: (scores by node/indicator name, weights by node name)."""
    scores: dict[str, FloatArray] = {name: prepared.scores[:, i] for i, name in enumerate(prepared.indicators)}
    weights: dict[str, FloatArray] = {}
    for node in method.index.walk():
        children = np.stack([scores[name] for name in node.child_names], axis=1)
        weights[node.name] = np.asarray(
            WEIGHTS.get(node.weights["method"]).function(children, node.child_names, node.weights), dtype=np.float64)
        scores[node.name] = AGGREGATORS.get(node.aggregation["method"]).function(
            children[None], weights[node.name][None], node.aggregation)[0]
    return scores, weights


def contributions(
    method: Method, scores: dict[str, FloatArray], weights: dict[str, FloatArray]
) -> dict[str, FloatArray]:
    """Each indicator's share of the index: the node score split in proportion to weight x score, level by level.

    With a multiplier m per node (contribution = m x score): an arithmetic node passes m x weight to each
    child, so contributions are overall weight x score without any division; any other node passes
    m x score x weight / sum(weight x score).
    """
    root = method.index
    multipliers: dict[str, FloatArray] = {root.name: np.ones_like(scores[root.name])}
    out: dict[str, FloatArray] = {}

    def descend(node: Node) -> None:
        own = multipliers[node.name]
        child_scores = np.stack([scores[name] for name in node.child_names], axis=1)
        child_weights = np.broadcast_to(weights[node.name], child_scores.shape)
        if node.aggregation.get("skip_missing"):
            # each region's weights rescaled over the children it has, as the aggregation did
            present = child_weights * ~np.isnan(child_scores)
            with np.errstate(divide="ignore", invalid="ignore"):
                child_weights = present / present.sum(axis=1, keepdims=True)
        if node.aggregation["method"] != "arithmetic":
            weighted = np.nansum(child_weights * child_scores, axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(weighted != 0, own * scores[node.name] / weighted, 0.0)
        for j, child in enumerate(node.children):
            name = child if isinstance(child, str) else child.name
            child_multiplier = own * child_weights[:, j] if node.aggregation["method"] == "arithmetic" \
                else factor * child_weights[:, j]
            if isinstance(child, str):
                out[child] = child_multiplier * scores[child]
            else:
                multipliers[name] = child_multiplier
                descend(child)

    descend(root)
    unranked = np.isnan(scores[root.name])  # no index, nothing to share
    return {indicator.name: np.where(unranked, np.nan, out[indicator.name]) for indicator in method.indicators}


def competition_ranks(index: FloatArray) -> npt.NDArray[np.int64]:
    """1 = highest; equal values share the better rank ("1224"); 0 for a region without an index.

    Works on the last axis, so a (draws, regions) array is ranked draw by draw.
    """
    return rank_values(index, "min")


@dataclass(frozen=True, eq=False)
class Result:
    """One computed index. Arrays are indexed like ``regions``; ranks are 1-based, 0 = not ranked."""

    method_id: str
    method_version: str
    method_fingerprint: str
    year: int
    regions: tuple[str, ...]
    index: FloatArray
    ranks: npt.NDArray[np.int64]
    pillars: dict[str, FloatArray]
    """Score of every node below the index (pillars, sub-pillars)."""
    scores: dict[str, FloatArray]
    """Normalised indicator scores (higher is better)."""
    values: dict[str, FloatArray]
    """Indicator values after transforms, imputation and outlier treatment."""
    contributions: dict[str, FloatArray]
    weights: dict[str, dict[str, float]]
    """Weights of each node's children, as used (PCA weights are computed)."""
    overall_weights: dict[str, float]
    """Product of the weights on the path from the index to each indicator."""
    imputed: tuple[tuple[str, str], ...]
    """(region, indicator) pairs whose value in the computed year was imputed."""
    treatments: dict[str, str]
    excluded: dict[str, str] = field(default_factory=dict)
    """Region -> why it has no index (one line)."""
    ranking_rule: RankingRule = field(default_factory=RankingRule)
    """How ``ranks`` were made (rounding and ties), from the method document."""
    notices: tuple[Notice, ...] = ()
    """Stated warnings: what the computation did that a reader should know (codes in docs/compindex.md)."""

    def ranking(self) -> list[tuple[int, str, float]]:
        """(rank, region, index) from best to worst, ranked regions only."""
        rows = [(int(rank), region, float(score))
                for region, rank, score in zip(self.regions, self.ranks, self.index, strict=True) if rank > 0]
        return sorted(rows, key=lambda row: (row[0], row[1]))

    def region(self, name: str) -> dict[str, Any]:
        position = self.regions.index(name)
        return {
            "region": name,
            "index": _json_float(self.index[position]),
            "rank": int(self.ranks[position]) or None,
            "pillars": {key: _json_float(values[position]) for key, values in self.pillars.items()},
            "scores": {key: _json_float(values[position]) for key, values in self.scores.items()},
            "contributions": {key: _json_float(values[position]) for key, values in self.contributions.items()},
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": {"id": self.method_id, "version": self.method_version, "fingerprint": self.method_fingerprint},
            "year": self.year,
            "regions": [self.region(name) for name in self.regions],
            "weights": self.weights,
            "overall_weights": self.overall_weights,
            "imputed": [list(pair) for pair in self.imputed],
            "treatments": self.treatments,
            "excluded": self.excluded,
            "ranking": self.ranking_rule.to_dict(),
            "notices": [notice.to_dict() for notice in self.notices],
        }


def _json_float(value: float) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def compute(method: Method, dataset: Dataset, year: int) -> Result:
    """Compute the index for one year with the method exactly as written."""
    prepared = prepare(method, dataset, year)
    node_scores, node_weights = evaluate_tree(method, prepared)
    root = method.index.name
    index = node_scores[root]
    excluded: dict[str, str] = {}
    screened_share: dict[str, float] = next((notice.params["shares"] for notice in prepared.notices
                                            if notice.code == "regions_screened"), {})
    for r in np.flatnonzero(np.isnan(index)):
        if prepared.screened.size and prepared.screened[r]:
            share = screened_share[prepared.regions[r]]
            excluded[prepared.regions[r]] = bilingual(
                f"仅有 {share:.0%} 的指标有数据，低于筛选标准 {method.screening:.0%}",
                f"values for {share:.0%} of the indicators, below the screening threshold {method.screening:.0%}")
            continue
        lacking = [name for i, name in enumerate(prepared.indicators)
                   if np.isnan(prepared.scores[r, i]) and not prepared.not_loggable[r, i]]
        no_log = [name for i, name in enumerate(prepared.indicators) if prepared.not_loggable[r, i]]
        zh, en = [], []
        if lacking or not no_log:
            shown = ", ".join(lacking) or "—"
            zh.append(f"缺少数据：{shown}")
            en.append(f"no score for: {shown}")
        if no_log:
            zh.append(f"数值 ≤ 0 无法取对数：{', '.join(no_log)}")
            en.append(f"log of a value <= 0: {', '.join(no_log)}")
        excluded[prepared.regions[r]] = bilingual("；".join(zh), "; ".join(en))
    partial = [prepared.regions[r] for r in np.flatnonzero(~np.isnan(index) & np.isnan(prepared.scores).any(axis=1))]
    notices = list(prepared.notices)
    if partial:
        notices.append(Notice(
            "aggregated_over_available",
            f"{len(partial)} region(s) lack some indicator scores and were aggregated over the ones they have "
            f"(skip_missing): {', '.join(partial)}", {"regions": partial}))
    overall: dict[str, float] = {}

    def path_weights(node: Node, carried: float) -> None:
        for j, child in enumerate(node.children):
            weight = carried * float(node_weights[node.name][j])
            if isinstance(child, str):
                overall[child] = weight
            else:
                path_weights(child, weight)

    path_weights(method.index, 1.0)
    return Result(
        method_id=method.id,
        method_version=method.version,
        method_fingerprint=method.fingerprint(),
        year=year,
        regions=prepared.regions,
        index=index,
        ranks=method.ranking.rank(index),
        pillars={node.name: node_scores[node.name] for node in method.index.walk() if node.name != root},
        scores={name: prepared.scores[:, i] for i, name in enumerate(prepared.indicators)},
        values={name: prepared.values[:, i] for i, name in enumerate(prepared.indicators)},
        contributions=contributions(method, node_scores, node_weights),
        weights={node.name: dict(zip(node.child_names, map(float, node_weights[node.name]), strict=True))
                 for node in method.index.walk()},
        overall_weights={indicator.name: overall[indicator.name] for indicator in method.indicators},
        imputed=tuple((prepared.regions[r], prepared.indicators[i])
                      for r, i in zip(*np.nonzero(prepared.imputed), strict=True)),
        treatments=prepared.treatments,
        excluded=excluded,
        ranking_rule=method.ranking,
        notices=tuple(notices),
    )
