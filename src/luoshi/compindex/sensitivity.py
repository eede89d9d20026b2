"""Uncertainty and sensitivity analysis (Handbook step 7) by Monte Carlo over the method's choices.

Each draw picks, independently and uniformly, one option for every varied choice:

- ``missing``, ``outliers``, ``normalisation``: a step applied to every indicator (replacing the method's);
- ``aggregation``: a step applied at every node of the tree — or, given as ``{node: [steps], ...}``, a
  separate choice for each named node (one factor per node, ``aggregation:<node>``), the other nodes
  keeping the method's own;
- ``weights``: one of ``weight_sets`` perturbed weight sets. Each set multiplies every node's base weights
  (the method's weights; PCA weights recomputed for each data option) by independent U(1 - spread,
  1 + spread) factors (``uniform``), or draws them from a Dirichlet distribution centred on the base
  weights with the same variance as that uniform noise for equal weights (``dirichlet``); then it
  renormalises within each node. Zero weights stay zero.

Drawing weights from a finite pool makes "weights" one discrete factor, so its first-order effect is
estimated like the others (the approach of COINr's noisy-weight alternatives).

First-order sensitivity index of a factor X for a region's rank Y: S = Var(E[Y | X]) / Var(Y), the share
of the rank variance that fixing X alone would remove. Every factor is discrete, so E[Y | X] is estimated by
the mean rank in each bin of draws sharing the same option of X (one-way analysis of variance):

    S = (SSB - (L - 1) * SSW / (N - L)) / SST, floored at 0

with N draws, L options, SSB = sum over options of n_l (mean_l - mean)^2, SSW the within-option sum of
squares and SST = SSB + SSW. The subtracted term removes the bias of the raw between-bin variance, which
would otherwise credit every factor with about (L - 1) / N of the variance by chance. The pooled index of
a factor weighs regions by their rank variance: sum of numerators / sum of SST. The sum of first-order
indices is at most 1 for independent factors; the rest is interaction.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from luoshi.compindex.aggregate import AGGREGATORS
from luoshi.compindex.compute import Prepared, compute, evaluate_tree, prepare
from luoshi.compindex.dataset import Dataset, FloatArray
from luoshi.compindex.errors import MethodError, bilingual
from luoshi.compindex.impute import IMPUTERS
from luoshi.compindex.method import Method
from luoshi.compindex.normalise import NORMALISERS
from luoshi.compindex.registry import Param, Registry, Step, StepConfig
from luoshi.compindex.treat import OUTLIER_TREATMENTS
from luoshi.compindex.variance import sobol_indices

IntArray = npt.NDArray[np.int64]
NoiseFunction = Callable[[FloatArray, int, np.random.Generator, StepConfig], FloatArray]
"""(base weights of one node, number of sets, generator, params) -> (sets, children) weights."""

WEIGHT_NOISE: Registry[NoiseFunction] = Registry("weight noise", "权重扰动")


def uniform_noise(base: FloatArray, sets: int, rng: np.random.Generator, params: StepConfig) -> FloatArray:
    spread = float(params["spread"])
    perturbed = base * rng.uniform(1.0 - spread, 1.0 + spread, size=(sets, base.size))
    result: FloatArray = perturbed / perturbed.sum(axis=1, keepdims=True)
    return result


def dirichlet_noise(base: FloatArray, sets: int, rng: np.random.Generator, params: StepConfig) -> FloatArray:
    """Dirichlet(c x base): mean = base; c chosen so equal weights get the variance of the uniform noise."""
    spread, children = float(params["spread"]), base.size
    if children == 1:
        return np.ones((sets, 1))
    concentration = max(3.0 * (children - 1) / spread**2 - 1.0, 1e-3)
    alpha = concentration * base * children  # base * children = 1 for equal weights
    draws = np.where(alpha > 0, rng.gamma(np.where(alpha > 0, alpha, 1.0), size=(sets, children)), 0.0)
    result: FloatArray = draws / draws.sum(axis=1, keepdims=True)
    return result


_SPREAD = (Param("spread", "number", default=0.25, positive=True, maximum=0.99),)
WEIGHT_NOISE.register(Step[NoiseFunction]("uniform", uniform_noise, _SPREAD,
                                          "weights x U(1 - {spread}, 1 + {spread}), renormalised",
                                          "权重乘以 U(1 - {spread}, 1 + {spread}) 后归一"))
WEIGHT_NOISE.register(Step[NoiseFunction]("dirichlet", dirichlet_noise, _SPREAD,
                                          "weights ~ Dirichlet centred on the base weights (spread {spread})",
                                          "权重服从以原权重为中心的狄利克雷分布（幅度 {spread}）"))

_CHOICE_KEYS = ("missing", "outliers", "normalisation", "aggregation", "weights", "weight_sets")
_LIST_CHOICES: dict[str, Registry[Any]] = {
    "missing": IMPUTERS, "outliers": OUTLIER_TREATMENTS, "normalisation": NORMALISERS, "aggregation": AGGREGATORS,
}


@dataclass(frozen=True)
class Choices:
    """What the Monte Carlo varies. An empty list keeps the method's own step (not varied)."""

    missing: tuple[StepConfig, ...] = ()
    outliers: tuple[StepConfig, ...] = ()
    normalisation: tuple[StepConfig, ...] = ()
    aggregation: tuple[StepConfig, ...] = ()
    aggregation_by_node: dict[str, tuple[StepConfig, ...]] = field(default_factory=dict)
    """Per-level choices: node name -> its aggregation options (instead of one list for every node)."""
    weights: StepConfig | None = field(default_factory=lambda: {"method": "uniform", "spread": 0.25})
    weight_sets: int | None = None
    """Size of the pool of perturbed weight sets; default ceil(sqrt(draws))."""

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Choices:
        """``{"normalisation": ["minmax", "rank"], "aggregation": [...], "weights": {"method": "uniform",
        "spread": 0.25} | None, "missing": [...], "outliers": [...], "weight_sets": 40}``."""
        if not isinstance(raw, Mapping):
            raise MethodError(bilingual("choices 须为映射", "choices must be a mapping"))
        unknown = sorted(str(key) for key in raw if key not in _CHOICE_KEYS)
        if unknown:
            raise MethodError(bilingual(f"choices 含未知项 {', '.join(unknown)}",
                                        f"unknown choice(s) {', '.join(unknown)}; known: {', '.join(_CHOICE_KEYS)}"))
        lists: dict[str, tuple[StepConfig, ...]] = {}
        by_node: dict[str, tuple[StepConfig, ...]] = {}
        if isinstance(raw.get("aggregation"), Mapping):
            for node, options in raw["aggregation"].items():
                if not isinstance(options, list) or not options:
                    raise MethodError(f"choices.aggregation.{node} must be a non-empty list of steps",
                                      code="bad_choices", params={"node": node})
                by_node[str(node)] = tuple(AGGREGATORS.config(option, f"choices.aggregation.{node}[{i}]")
                                           for i, option in enumerate(options))
            raw = {key: value for key, value in raw.items() if key != "aggregation"}
        for key, registry in _LIST_CHOICES.items():
            options = raw.get(key) or []
            if not isinstance(options, list):
                raise MethodError(bilingual(f"choices.{key} 须为列表", f"choices.{key} must be a list of steps"))
            configs = tuple(registry.config(option, f"choices.{key}[{i}]") for i, option in enumerate(options))
            if len({repr(sorted(config.items())) for config in configs}) != len(configs):
                raise MethodError(bilingual(f"choices.{key} 有重复选项", f"choices.{key} lists the same option twice"))
            lists[key] = configs
        weights_raw = raw.get("weights", {"method": "uniform", "spread": 0.25})
        weights = None if weights_raw is None else WEIGHT_NOISE.config(weights_raw, "choices.weights")
        sets = raw.get("weight_sets")
        if sets is not None and (isinstance(sets, bool) or not isinstance(sets, int) or sets < 2):
            raise MethodError(bilingual(
                "choices.weight_sets 须为不小于 2 的整数",
                "choices.weight_sets must be an integer >= 2"))
        return cls(weights=weights, weight_sets=sets, aggregation_by_node=by_node, **lists)


def first_order_indices(levels: IntArray, outputs: FloatArray, count: int) -> tuple[FloatArray, float]:
    """Bias-corrected first-order indices of one discrete factor (see the module docstring).

    ``levels``: option index of each draw, shape (N,); ``outputs``: (N, regions). Returns the index per
    region and the pooled index (regions weighted by their output variance).
    """
    draws = outputs.shape[0]
    one_hot = np.zeros((draws, count))
    one_hot[np.arange(draws), levels] = 1.0
    sizes = one_hot.sum(axis=0)
    present = sizes > 0
    bins = int(present.sum())
    grand = outputs.mean(axis=0)
    means = (one_hot.T @ outputs)[present] / sizes[present, None]
    between = (sizes[present, None] * (means - grand) ** 2).sum(axis=0)
    total = ((outputs - grand) ** 2).sum(axis=0)
    within = total - between
    if bins < 2 or draws <= bins:
        return np.zeros(outputs.shape[1]), 0.0
    corrected = np.maximum(between - (bins - 1) * within / (draws - bins), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_region = np.where(total > 0, corrected / np.where(total > 0, total, 1.0), 0.0)
    pooled = float(corrected.sum() / total.sum()) if total.sum() > 0 else 0.0
    return per_region, pooled


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """Ranks over the draws, for the regions ranked in every draw. Rank intervals are the 5th and 95th
    percentiles (inverted empirical CDF, so they are ranks that occurred)."""

    year: int
    draws: int
    seed: int
    regions: tuple[str, ...]
    excluded: tuple[str, ...]
    base_ranks: IntArray
    ranks: IntArray
    """(draws, regions)."""
    index: FloatArray
    """(draws, regions): the index value of each draw (its scale changes with the normalisation option)."""
    median_rank: FloatArray
    rank_interval: IntArray
    """(regions, 2): 5th and 95th percentile ranks."""
    factors: dict[str, list[str]]
    """Each varied factor and the labels of its options."""
    levels: dict[str, IntArray]
    """Option drawn for each factor in each draw."""
    sensitivity: dict[str, float]
    """Pooled first-order index of each factor."""
    sensitivity_by_region: dict[str, FloatArray]

    def summary(self) -> list[dict[str, Any]]:
        """One row per region, by median rank."""
        rows = [{"region": region, "base_rank": int(self.base_ranks[r]), "median_rank": float(self.median_rank[r]),
                 "rank_5": int(self.rank_interval[r, 0]), "rank_95": int(self.rank_interval[r, 1])}
                for r, region in enumerate(self.regions)]
        return sorted(rows, key=lambda row: (row["median_rank"], row["base_rank"], row["region"]))

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "draws": self.draws, "seed": self.seed, "regions": self.summary(),
                "excluded": list(self.excluded), "factors": self.factors, "sensitivity": self.sensitivity}


def _label(config: StepConfig) -> str:
    extras = ", ".join(f"{key}={value}" for key, value in config.items() if key != "method")
    return f"{config['method']}({extras})" if extras else str(config["method"])


def _validate(method: Method, choices: Choices) -> None:
    for indicator in method.indicators:
        for outliers in choices.outliers or (method.step(indicator, "outliers"),):
            for normalisation in choices.normalisation or (method.step(indicator, "normalisation"),):
                method.check_indicator_steps(indicator, outliers, normalisation)
    known = {node.name for node in method.nodes()}
    unknown = sorted(set(choices.aggregation_by_node) - known)
    if unknown:
        raise MethodError(f"choices.aggregation names unknown node(s) {', '.join(unknown)}; nodes: "
                          f"{', '.join(sorted(known))}", code="bad_choices", params={"nodes": unknown})
    if choices.aggregation and choices.aggregation_by_node:
        raise MethodError("choices.aggregation is either one list for every node or a mapping node -> list",
                          code="bad_choices")
    names = list(choices.aggregation_by_node)
    per_node: list[StepConfig | Mapping[str, StepConfig] | None] = (
        [dict(zip(names, combo, strict=True)) for combo in itertools.product(*choices.aggregation_by_node.values())]
        if names else list(choices.aggregation or (None,)))
    for normalised in choices.normalisation or (None,):
        for aggregation in per_node:
            method.check_signs(normalised, aggregation)


class DrawEngine:
    """The choices of a Monte Carlo, ready to evaluate: each combination of data options is prepared once,
    the weight sets are drawn once, and ``index(levels)`` aggregates any batch of option choices in numpy.

    Used by ``monte_carlo`` (random draws) and ``variance_sensitivity`` (Saltelli's sample matrices).
    """

    def __init__(self, method: Method, dataset: Dataset, year: int, chosen: Choices, draws: int, seed: int) -> None:
        _validate(method, chosen)
        self.method = method
        self.chosen = chosen
        self.data_axes: list[tuple[str, Sequence[StepConfig | None]]] = [
            ("missing", chosen.missing or (None,)),
            ("outliers", chosen.outliers or (None,)),
            ("normalisation", chosen.normalisation or (None,)),
        ]
        combos = list(itertools.product(*(options for _, options in self.data_axes)))
        prepared: list[Prepared] = [
            prepare(method, dataset, year, missing=m, outliers=o, normalisation=n) for m, o, n in combos
        ]
        self.nodes = method.nodes()
        base_weights = [evaluate_tree(method, one)[1] for one in prepared]
        sets = chosen.weight_sets or max(2, math.ceil(math.sqrt(draws)))
        if chosen.weights is None:
            sets = 1
        self.pools: dict[str, FloatArray] = {}
        noise = None if chosen.weights is None else WEIGHT_NOISE.get(chosen.weights["method"])
        for number, node in enumerate(self.nodes):
            per_combo = []
            for node_weights in base_weights:
                base_weight = node_weights[node.name]
                if noise is None or chosen.weights is None:
                    per_combo.append(base_weight[None, :])
                else:
                    # Same seed for every data option: weight set p is "the same perturbation" whatever the data.
                    node_rng = np.random.default_rng([seed, 1, number])
                    per_combo.append(noise.function(base_weight, sets, node_rng, chosen.weights))
            self.pools[node.name] = np.stack(per_combo)  # (combos, sets, children)

        self.all_scores = np.stack([one.scores for one in prepared])  # (combos, regions, indicators)
        self.factors: dict[str, list[str]] = {}
        for name, options in self.data_axes:
            if len(options) > 1:
                self.factors[name] = [_label(option) for option in options if option is not None]
        if len(chosen.aggregation) > 1:
            self.factors["aggregation"] = [_label(option) for option in chosen.aggregation]
        for node_name, options in chosen.aggregation_by_node.items():
            if len(options) > 1:
                self.factors[f"aggregation:{node_name}"] = [_label(option) for option in options]
        if sets > 1:
            self.factors["weights"] = [f"set {number + 1}" for number in range(sets)]
        self.positions = {indicator.name: i for i, indicator in enumerate(method.indicators)}
        # Keep the regions indexed under every data option and aggregation (a gap leaves a region without an
        # index unless the aggregation skips missing scores), so that ranks are comparable across draws.
        probed = [name for name, _ in self.data_axes] + [
            name for name in self.factors if name.startswith("aggregation")]
        counts = [len(options) for _, options in self.data_axes] + [
            len(self.factors[name]) for name in probed[len(self.data_axes):]]
        columns = np.array(list(itertools.product(*(range(count) for count in counts))), dtype=np.int64).T
        probe_levels = {name: columns[i] for i, name in enumerate(probed)}
        scored: npt.NDArray[np.bool_] = np.asarray(~np.isnan(self.index(probe_levels)).any(axis=0))
        self.keep = [bool(kept) for kept in scored]
        self.regions = tuple(region for region, kept in zip(dataset.regions, self.keep, strict=True) if kept)
        if len(self.regions) < 2:
            raise MethodError(bilingual("可排名的地区少于 2 个", "fewer than 2 regions have scores under every option"))
        self.excluded = tuple(region for region, kept in zip(dataset.regions, self.keep, strict=True) if not kept)
        self.all_scores = self.all_scores[:, scored, :]

    def index(self, levels: Mapping[str, IntArray]) -> FloatArray:
        """(draws, regions) index values for the option of each factor in each draw (absent = option 0)."""
        distinct, inverse = self._distinct(levels)
        return self._evaluate(distinct)[inverse]

    def ranks(self, levels: Mapping[str, IntArray]) -> IntArray:
        distinct, inverse = self._distinct(levels)
        return self.method.ranking.rank(self._evaluate(distinct))[inverse]

    @staticmethod
    def _distinct(levels: Mapping[str, IntArray]) -> tuple[dict[str, IntArray], IntArray]:
        """Every factor is discrete, so draws repeat combinations (Saltelli's matrices especially): evaluate
        each distinct combination once."""
        if not levels:
            return {}, np.zeros(1, dtype=np.int64)
        names = list(levels)
        matrix = np.stack([np.asarray(levels[name], dtype=np.int64) for name in names], axis=1)
        unique, inverse = np.unique(matrix, axis=0, return_inverse=True)
        return {name: unique[:, i] for i, name in enumerate(names)}, np.asarray(inverse, dtype=np.int64).reshape(-1)

    def _evaluate(self, levels: Mapping[str, IntArray]) -> FloatArray:
        draws = len(next(iter(levels.values()))) if levels else 1
        zeros = np.zeros(draws, dtype=np.int64)
        combo_index = np.ravel_multi_index(
            tuple(levels.get(name, zeros) for name, _ in self.data_axes),
            tuple(len(options) for _, options in self.data_axes))
        weight_index = levels.get("weights", zeros)

        regions_count, indicator_count = self.all_scores.shape[1], self.all_scores.shape[2]
        chunk = max(1, 4_000_000 // (regions_count * indicator_count))
        index = np.empty((draws, regions_count))
        for start in range(0, draws, chunk):
            part = slice(start, min(start + chunk, draws))
            leaf = self.all_scores[combo_index[part]]  # (batch, regions, indicators)
            values: dict[str, FloatArray] = {}
            for node in self.nodes:
                children = np.stack([leaf[:, :, self.positions[name]] if name in self.positions else values[name]
                                     for name in node.child_names], axis=-1)
                drawn = self.pools[node.name][combo_index[part], weight_index[part]]
                aggregations = self.chosen.aggregation_by_node.get(node.name) or self.chosen.aggregation
                if aggregations:
                    factor = f"aggregation:{node.name}" if node.name in self.chosen.aggregation_by_node \
                        else "aggregation"
                    candidates = np.stack([AGGREGATORS.get(option["method"]).function(children, drawn, option)
                                           for option in aggregations])
                    picked = levels.get(factor, zeros)[part][None, :, None]
                    values[node.name] = np.take_along_axis(candidates, picked, axis=0)[0]
                else:
                    aggregate = AGGREGATORS.get(node.aggregation["method"])
                    values[node.name] = aggregate.function(children, drawn, node.aggregation)
            index[part] = values[self.method.index.name]
        return index


def _choices(choices: Choices | Mapping[str, Any] | None) -> Choices:
    return Choices() if choices is None else choices if isinstance(choices, Choices) else Choices.from_dict(choices)


def monte_carlo(
    method: Method,
    dataset: Dataset,
    year: int,
    *,
    draws: int = 1000,
    seed: int = 0,
    choices: Choices | Mapping[str, Any] | None = None,
) -> MonteCarloResult:
    """Rank distribution and first-order sensitivity over the choices (see the module docstring).

    The data options (missing x outliers x normalisation) are few, so each combination is prepared once
    and the draws only gather precomputed scores and weight sets, then aggregate and rank in numpy.
    """
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 10:
        raise MethodError(bilingual("draws 至少为 10", "draws must be an integer >= 10"))
    engine = DrawEngine(method, dataset, year, _choices(choices), draws, seed)
    rng = np.random.default_rng(seed)
    levels = {name: rng.integers(len(labels), size=draws).astype(np.int64)
              for name, labels in engine.factors.items()}
    if not levels:
        levels = {"weights": np.zeros(draws, dtype=np.int64)}
    index = engine.index(levels)
    ranks = method.ranking.rank(index)
    levels = {name: levels[name] for name in engine.factors}

    plain = compute(method, dataset, year)
    base_position = {region: r for r, region in enumerate(plain.regions)}
    sensitivity: dict[str, float] = {}
    by_region: dict[str, FloatArray] = {}
    rank_values = ranks.astype(np.float64)
    for name, labels in engine.factors.items():
        by_region[name], sensitivity[name] = first_order_indices(levels[name], rank_values, len(labels))
    return MonteCarloResult(
        year=year, draws=draws, seed=seed, regions=engine.regions, excluded=engine.excluded,
        base_ranks=np.array([plain.ranks[base_position[region]] for region in engine.regions], dtype=np.int64),
        ranks=ranks, index=index,
        median_rank=np.median(rank_values, axis=0),
        rank_interval=np.quantile(ranks, [0.05, 0.95], axis=0, method="inverted_cdf").T.astype(np.int64),
        factors=engine.factors, levels=levels, sensitivity=sensitivity, sensitivity_by_region=by_region,
    )


@dataclass(frozen=True, eq=False)
class VarianceSensitivity:
    """First- and total-order Sobol' indices of each varied choice for the regions' ranks (variance.py)."""

    year: int
    samples: int
    runs: int
    seed: int
    confidence: float
    regions: tuple[str, ...]
    factors: dict[str, list[str]]
    first: dict[str, float]
    total: dict[str, float]
    first_interval: dict[str, tuple[float, float]]
    total_interval: dict[str, tuple[float, float]]
    first_by_region: dict[str, FloatArray]
    total_by_region: dict[str, FloatArray]

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year, "samples": self.samples, "runs": self.runs, "seed": self.seed,
            "confidence": self.confidence, "factors": self.factors,
            "indices": [{"factor": name, "first": self.first[name], "total": self.total[name],
                         "first_interval": list(self.first_interval[name]),
                         "total_interval": list(self.total_interval[name])} for name in self.factors],
        }


def variance_sensitivity(
    method: Method,
    dataset: Dataset,
    year: int,
    *,
    samples: int = 1000,
    seed: int = 0,
    choices: Choices | Mapping[str, Any] | None = None,
    bootstrap: int = 200,
    confidence: float = 0.95,
) -> VarianceSensitivity:
    """Saltelli/Jansen first- and total-order indices of the Monte Carlo's choices for every region's rank.

    Each choice is an input uniform over its options (a U[0, 1) number u picks option floor(u L)); the
    model is the ranking of the regions. ``samples`` base rows cost samples x (choices + 2) evaluations of
    the tree, all aggregated in numpy. The pooled index weighs regions by their rank variance.
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 10:
        raise MethodError("samples must be an integer >= 10", code="bad_samples")
    engine = DrawEngine(method, dataset, year, _choices(choices), samples, seed)
    names = list(engine.factors)
    if not names:
        raise MethodError("nothing varies: give at least one choice with two options, or weights",
                          code="nothing_varies")
    counts = np.array([len(engine.factors[name]) for name in names])

    def ranks_for(inputs: FloatArray) -> FloatArray:
        options = np.minimum((inputs * counts).astype(np.int64), counts - 1)
        return engine.ranks({name: options[:, i] for i, name in enumerate(names)}).astype(np.float64)

    found = sobol_indices(ranks_for, len(names), samples, seed=seed, bootstrap=bootstrap, confidence=confidence)
    return VarianceSensitivity(
        year=year, samples=samples, runs=found.runs, seed=seed, confidence=confidence, regions=engine.regions,
        factors=engine.factors,
        first={name: float(found.first[i]) for i, name in enumerate(names)},
        total={name: float(found.total[i]) for i, name in enumerate(names)},
        first_interval={name: (float(found.first_interval[i, 0]), float(found.first_interval[i, 1]))
                        for i, name in enumerate(names)},
        total_interval={name: (float(found.total_interval[i, 0]), float(found.total_interval[i, 1]))
                        for i, name in enumerate(names)},
        first_by_region={name: found.first_by_output[i] for i, name in enumerate(names)},
        total_by_region={name: found.total_by_output[i] for i, name in enumerate(names)},
    )


__all__ = ["WEIGHT_NOISE", "Choices", "DrawEngine", "MonteCarloResult", "VarianceSensitivity", "first_order_indices",
           "monte_carlo", "variance_sensitivity"]
