"""The statistical audit of a composite index (the JRC COIN audit, as COINr's get_stats and get_corr do it).

``audit(method, dataset, year)`` looks at one computed year and reports:

1. **Indicator statistics** on the values the method reads (after transforms, before imputation and
   outlier treatment): availability, mean, sample sd, min, max, skewness G1 and excess kurtosis G2 (the
   definitions of treat.py), and the number of outliers by Tukey's rule (below Q1 - 1.5 IQR or above
   Q3 + 1.5 IQR, quartiles by linear interpolation, R's type 7). Flags, each with a threshold that is a
   parameter (COINr's defaults):

   - ``skew_kurtosis``: |skewness| > 2 and kurtosis > 3.5 (the COIN outlier rule);
   - ``outliers``: at least one Tukey outlier;
   - ``low_availability``: a value for fewer than 65% of the regions;
   - ``collinear``: Pearson r > 0.9 with another child of the same node;
   - ``negative``: r < -0.4 with another child of the same node.

2. **Correlations** (Pearson, on the normalised scores and node scores, over the regions that have both
   values): ``within`` — every pair of children of the same node; ``across`` — every indicator and node
   with each node above it, up to the index.

3. **Per node** (over the regions with every child scored): Cronbach's alpha
   k/(k-1) (1 - sum of the children's variances / variance of their sum), sample variances; and PCA of
   the children's correlation matrix: eigenvalues, the share of variance the first component explains
   (eigenvalue / k), and how many eigenvalues exceed 1.

4. **Removing each indicator in turn**: the index recomputed without it (its siblings' weights rescaled
   to sum to one; PCA weights recomputed; a node left without children drops out of its parent) and
   ranked by the method's ranking rule. Per indicator: the mean and largest absolute rank change over
   the regions ranked both times, and how many regions change rank.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from luoshi.compindex.aggregate import AGGREGATORS
from luoshi.compindex.compute import Prepared, evaluate_tree, prepare
from luoshi.compindex.dataset import Dataset, FloatArray
from luoshi.compindex.method import Method, Node
from luoshi.compindex.transform import TransformContext, apply_transforms
from luoshi.compindex.treat import kurtosis, skewness
from luoshi.compindex.weight import WEIGHTS


@dataclass(frozen=True)
class Thresholds:
    """The audit's flags (COINr's defaults)."""

    skewness: float = 2.0
    kurtosis: float = 3.5
    availability: float = 0.65
    collinear: float = 0.9
    negative: float = -0.4
    outlier_iqr: float = 1.5


@dataclass(frozen=True)
class IndicatorStats:
    name: str
    count: int
    availability: float
    mean: float
    sd: float
    min: float
    max: float
    skewness: float
    kurtosis: float
    outliers: int
    flags: tuple[str, ...]


@dataclass(frozen=True)
class Correlation:
    first: str
    second: str
    r: float
    kind: str
    """``within`` (children of the same node) or ``across`` (an element and a node above it)."""
    node: str
    """The node whose children they are (``within``), or the upper node (``across``)."""


@dataclass(frozen=True)
class NodeAudit:
    name: str
    children: tuple[str, ...]
    regions: int
    """Regions with every child scored (alpha and PCA use these)."""
    alpha: float
    eigenvalues: tuple[float, ...]
    first_share: float
    above_one: int


@dataclass(frozen=True)
class RemovalEffect:
    indicator: str
    mean_shift: float
    max_shift: int
    changed: int


@dataclass(frozen=True, eq=False)
class Audit:
    year: int
    thresholds: Thresholds
    indicators: tuple[IndicatorStats, ...]
    correlations: tuple[Correlation, ...]
    nodes: tuple[NodeAudit, ...]
    removals: tuple[RemovalEffect, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def flagged(self) -> dict[str, tuple[str, ...]]:
        return {stats.name: stats.flags for stats in self.indicators if stats.flags}

    def to_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = _json(asdict(self))
        return document


def _json(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    return value


def pearson(first: FloatArray, second: FloatArray) -> float:
    """Pearson r over the pairs where both values are present; NaN if fewer than 3 or no spread."""
    both = ~np.isnan(first) & ~np.isnan(second)
    if both.sum() < 3:
        return math.nan
    x, y = first[both] - first[both].mean(), second[both] - second[both].mean()
    spread = math.sqrt(float((x * x).sum()) * float((y * y).sum()))
    return float((x * y).sum()) / spread if spread > 0 else math.nan


def cronbach_alpha(items: FloatArray) -> float:
    """Cronbach's alpha of the columns of ``items`` (regions x items) over complete rows; NaN if undefined."""
    complete = items[~np.isnan(items).any(axis=1)]
    rows, k = complete.shape
    if k < 2 or rows < 2:
        return math.nan
    total = float(complete.sum(axis=1).var(ddof=1))
    if total == 0:
        return math.nan
    return float(k / (k - 1) * (1.0 - float(complete.var(axis=0, ddof=1).sum()) / total))


def correlation_eigenvalues(items: FloatArray) -> tuple[float, ...]:
    """Eigenvalues (largest first) of the correlation matrix of the columns over complete rows."""
    complete = items[~np.isnan(items).any(axis=1)]
    if complete.shape[1] == 1:
        return (1.0,)
    if complete.shape[0] < 3 or (complete.std(axis=0) == 0).any():
        return ()
    eigenvalues = np.linalg.eigvalsh(np.corrcoef(complete, rowvar=False))[::-1]
    return tuple(float(max(value, 0.0)) for value in eigenvalues)


def tukey_outliers(values: FloatArray, factor: float = 1.5) -> int:
    x = values[~np.isnan(values)]
    if x.size < 4:
        return 0
    low, high = np.quantile(x, [0.25, 0.75])
    spread = high - low
    return int(((x < low - factor * spread) | (x > high + factor * spread)).sum())


def indicator_stats(name: str, values: FloatArray, thresholds: Thresholds) -> IndicatorStats:
    present = values[~np.isnan(values)]
    count = int(present.size)
    availability = count / values.size if values.size else 0.0
    skew, kurt = skewness(values), kurtosis(values)
    outliers = tukey_outliers(values, thresholds.outlier_iqr)
    flags = []
    if not math.isnan(skew) and not math.isnan(kurt) and abs(skew) > thresholds.skewness \
            and kurt > thresholds.kurtosis:
        flags.append("skew_kurtosis")
    if outliers:
        flags.append("outliers")
    if availability < thresholds.availability:
        flags.append("low_availability")
    return IndicatorStats(
        name=name, count=count, availability=availability,
        mean=float(present.mean()) if count else math.nan,
        sd=float(present.std(ddof=1)) if count > 1 else math.nan,
        min=float(present.min()) if count else math.nan, max=float(present.max()) if count else math.nan,
        skewness=skew, kurtosis=kurt, outliers=outliers, flags=tuple(flags))


def evaluate_without(method: Method, prepared: Prepared, dropped: frozenset[str]) -> FloatArray | None:
    """The index with the ``dropped`` indicators left out (see the module docstring); None if nothing is left."""
    leaves = {name: prepared.scores[:, i] for i, name in enumerate(prepared.indicators)}

    def score(node: Node) -> FloatArray | None:
        names, columns = [], []
        for child in node.children:
            if isinstance(child, str):
                value = None if child in dropped else leaves[child]
                name = child
            else:
                value, name = score(child), child.name
            if value is not None:
                names.append(name)
                columns.append(value)
        if not columns:
            return None
        children = np.stack(columns, axis=1)
        weights = np.asarray(WEIGHTS.get(node.weights["method"]).function(children, tuple(names), node.weights),
                             dtype=np.float64)
        total = weights.sum()
        weights = weights / total if total > 0 else np.full(len(names), 1.0 / len(names))
        result: FloatArray = AGGREGATORS.get(node.aggregation["method"]).function(
            children[None], weights[None], node.aggregation)[0]
        return result

    return score(method.index)


def audit(method: Method, dataset: Dataset, year: int, thresholds: Thresholds | None = None) -> Audit:
    """The statistical audit of the index for one year (see the module docstring)."""
    limits = thresholds or Thresholds()
    prepared = prepare(method, dataset, year)
    target = dataset.year_index(year)
    context = TransformContext(dataset)
    stats = []
    for indicator in method.indicators:
        panel, _ = apply_transforms(dataset.series(indicator.source), indicator.transforms, context)
        stats.append(indicator_stats(indicator.name, panel[target], limits))

    node_scores, _weights = evaluate_tree(method, prepared)
    correlations: list[Correlation] = []
    nodes: list[NodeAudit] = []
    pair_flags: dict[str, set[str]] = {}
    for node in method.index.walk():
        names = node.child_names
        items = np.stack([node_scores[name] for name in names], axis=1)
        for a in range(len(names)):
            for b in range(a + 1, len(names)):
                r = pearson(items[:, a], items[:, b])
                correlations.append(Correlation(names[a], names[b], r, "within", node.name))
                if not math.isnan(r) and r > limits.collinear:
                    for name in (names[a], names[b]):
                        pair_flags.setdefault(name, set()).add("collinear")
                if not math.isnan(r) and r < limits.negative:
                    for name in (names[a], names[b]):
                        pair_flags.setdefault(name, set()).add("negative")
        for below in _descendants(node):
            correlations.append(Correlation(below, node.name, pearson(node_scores[below], node_scores[node.name]),
                                            "across", node.name))
        eigenvalues = correlation_eigenvalues(items)
        complete = int((~np.isnan(items).any(axis=1)).sum())
        nodes.append(NodeAudit(
            name=node.name, children=names, regions=complete, alpha=cronbach_alpha(items), eigenvalues=eigenvalues,
            first_share=eigenvalues[0] / len(names) if eigenvalues else math.nan,
            above_one=sum(1 for value in eigenvalues if value > 1.0)))
    stats = [IndicatorStats(**{**asdict(one), "flags": one.flags + tuple(sorted(pair_flags.get(one.name, ())))})
             for one in stats]

    base_ranks = method.ranking.rank(node_scores[method.index.name])
    removals = []
    for indicator in method.indicators:
        index = evaluate_without(method, prepared, frozenset({indicator.name}))
        if index is None:
            continue
        ranks = method.ranking.rank(index)
        both = (ranks > 0) & (base_ranks > 0)
        shifts = np.abs(ranks[both] - base_ranks[both])
        removals.append(RemovalEffect(indicator.name, float(shifts.mean()) if shifts.size else math.nan,
                                      int(shifts.max()) if shifts.size else 0, int((shifts > 0).sum())))
    return Audit(year=year, thresholds=limits, indicators=tuple(stats), correlations=tuple(correlations),
                 nodes=tuple(nodes), removals=tuple(removals))


def _descendants(node: Node) -> list[str]:
    out: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            out.append(child)
        else:
            out.append(child.name)
            out.extend(_descendants(child))
    return out


__all__ = [
    "Audit",
    "Correlation",
    "IndicatorStats",
    "NodeAudit",
    "RemovalEffect",
    "Thresholds",
    "audit",
    "correlation_eigenvalues",
    "cronbach_alpha",
    "evaluate_without",
    "pearson",
    "tukey_outliers",
]
