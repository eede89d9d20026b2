"""Monte Carlo uncertainty and first-order sensitivity."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from luoshi.compindex import Choices, Dataset, Method, MethodError, compute, first_order_indices, monte_carlo
from luoshi.compindex.sensitivity import dirichlet_noise, uniform_noise
from tests.compindex.builders import dataset, flat_method

REGIONS = [f"r{number:02d}" for number in range(12)]


def synthetic(seed: int = 5, gaps: bool = False) -> Dataset:
    rng = np.random.default_rng(seed)
    level = rng.normal(size=(1, 12, 1))
    values = np.exp(level * rng.uniform(0.3, 1.0, size=(1, 1, 6)) + rng.normal(scale=0.4, size=(3, 12, 6)))
    if gaps:
        values[2, 3, 1] = values[1, 5, 4] = values[2, 5, 4] = np.nan
    return Dataset(REGIONS, [f"x{i}" for i in range(6)], [2018, 2019, 2020], values)


def two_pillars(**defaults: Any) -> Method:
    return Method.from_dict({
        "version": "1",
        "defaults": {"normalisation": "minmax", **defaults},
        "indicators": [{"name": f"x{i}", "direction": "lower" if i == 2 else "higher"} for i in range(6)],
        "index": {"name": "index", "weights": {"p": 0.7, "q": 0.3}, "children": [
            {"name": "p", "children": ["x0", "x1", "x2"]},
            {"name": "q", "children": ["x3", "x4", "x5"], "weights": {"x3": 0.2, "x4": 0.3, "x5": 0.5}},
        ]},
    })


MIXED = {"normalisation": ["minmax", "rank"], "aggregation": ["arithmetic", "geometric"],
         "weights": {"method": "uniform", "spread": 0.25}}


def test_it_is_reproducible_for_a_seed() -> None:
    first = monte_carlo(two_pillars(), synthetic(), 2020, draws=200, seed=7, choices=MIXED)
    again = monte_carlo(two_pillars(), synthetic(), 2020, draws=200, seed=7, choices=MIXED)
    np.testing.assert_array_equal(first.ranks, again.ranks)
    assert first.sensitivity == again.sensitivity


def test_it_gives_rank_intervals_stable_across_seeds_within_one_rank() -> None:
    first = monte_carlo(two_pillars(), synthetic(), 2020, draws=1000, seed=0, choices=MIXED)
    second = monte_carlo(two_pillars(), synthetic(), 2020, draws=1000, seed=1, choices=MIXED)
    assert not np.array_equal(first.ranks, second.ranks)
    assert np.abs(first.rank_interval - second.rank_interval).max() <= 1
    # a median can jump further when a region's ranks split between two values (seen: 2 ranks over 45 pairs)
    assert np.abs(first.median_rank - second.median_rank).max() <= 2
    assert (first.rank_interval[:, 0] <= first.median_rank).all()
    assert (first.median_rank <= first.rank_interval[:, 1]).all()
    assert set(first.factors) == {"normalisation", "aggregation", "weights"}
    assert sum(first.sensitivity.values()) <= 1.0 + 1e-9


def test_it_reports_the_plain_ranks_alongside() -> None:
    carlo = monte_carlo(two_pillars(), synthetic(), 2020, draws=100, seed=0, choices=MIXED)
    plain = compute(two_pillars(), synthetic(), 2020)
    assert list(carlo.base_ranks) == list(plain.ranks)
    rows = carlo.summary()
    assert [row["median_rank"] for row in rows] == sorted(row["median_rank"] for row in rows)
    assert set(carlo.to_dict()) >= {"regions", "sensitivity", "factors", "excluded"}


def test_it_computes_the_first_order_index_by_hand() -> None:
    # Two bins of two draws: outputs 1, 3 | 5, 7. Mean 4; bin means 2 and 6.
    # SSB = 2*(2-4)^2 + 2*(6-4)^2 = 16; SST = 9+1+1+9 = 20; SSW = 4; MSW = 4/(4-2) = 2.
    # S = (SSB - (L-1) MSW) / SST = (16 - 2) / 20 = 0.7
    per_region, pooled = first_order_indices(np.array([0, 0, 1, 1]), np.array([[1.0], [3.0], [5.0], [7.0]]), 2)
    assert per_region == pytest.approx([0.7]) and pooled == pytest.approx(0.7)
    # Same bin means (2 and 2): no first-order effect; the bias correction would go negative, floored at 0.
    per_region, pooled = first_order_indices(np.array([0, 0, 1, 1]), np.array([[1.0], [3.0], [1.0], [3.0]]), 2)
    assert per_region == pytest.approx([0.0]) and pooled == 0.0


def test_it_pools_regions_by_their_rank_variance() -> None:
    # Region 1 has the hand example above (numerator 14, SST 20); region 2 never moves (SST 0).
    outputs = np.array([[1.0, 2.0], [3.0, 2.0], [5.0, 2.0], [7.0, 2.0]])
    per_region, pooled = first_order_indices(np.array([0, 0, 1, 1]), outputs, 2)
    assert per_region == pytest.approx([0.7, 0.0]) and pooled == pytest.approx(0.7)


def test_it_attributes_all_rank_variance_to_the_only_varied_choice() -> None:
    # x: 1, 2, 10 and y: 6, 5, 1, equal weights, weights not perturbed.
    # Min-max: x 0, 1/9, 1 and y 1, .8, 0 -> A .5, B (1/9 + .8)/2 = .456, C .5 -> ranks 1, 3, 1.
    # Rank: x 1/3, 2/3, 1 and y 1, 2/3, 1/3 -> every region 2/3 -> ranks 1, 1, 1.
    # The ranks follow the normalisation option alone: B's rank variance is all explained, A and C never move.
    data = dataset({"x": [1.0, 2.0, 10.0], "y": [6.0, 5.0, 1.0]})
    choices = {"normalisation": ["minmax", "rank"], "weights": None}
    carlo = monte_carlo(flat_method(["x", "y"]), data, 2020, draws=200, seed=3, choices=choices)
    by_option = {int(level): tuple(carlo.ranks[carlo.levels["normalisation"] == level][0]) for level in (0, 1)}
    assert by_option == {0: (1, 3, 1), 1: (1, 1, 1)}
    assert carlo.sensitivity == {"normalisation": pytest.approx(1.0)}
    assert list(carlo.sensitivity_by_region["normalisation"]) == pytest.approx([0.0, 1.0, 0.0])


def test_it_varies_imputation_and_outlier_treatment() -> None:
    choices = {"missing": ["peer_mean", "carry_last"], "outliers": ["none", "winsorise"]}
    carlo = monte_carlo(two_pillars(missing="peer_mean"), synthetic(gaps=True), 2020, draws=300, seed=0,
                        choices=choices)
    assert set(carlo.factors) == {"missing", "outliers", "weights"}
    assert carlo.factors["missing"] == ["peer_mean", "carry_last"]
    assert carlo.excluded == ()


def test_it_leaves_out_regions_that_some_option_cannot_score() -> None:
    # r03 lacks x1 in 2020 and r05 lacks x4 in 2019 and 2020. carry_last fills both (from 2019 and 2018), but
    # under missing: none they have no index, so they are left out of every draw to keep the ranks comparable.
    choices = {"missing": ["none", "carry_last"]}
    carlo = monte_carlo(two_pillars(), synthetic(gaps=True), 2020, draws=100, seed=0, choices=choices)
    assert carlo.excluded == ("r03", "r05")
    assert "r03" not in carlo.regions and len(carlo.regions) == 10


def test_it_perturbs_weights_within_the_stated_spread() -> None:
    base = np.array([0.5, 0.3, 0.2, 0.0])
    sets = uniform_noise(base, 2000, np.random.default_rng(0), {"spread": 0.25})
    assert sets.sum(axis=1) == pytest.approx(np.ones(2000))
    ratios = sets[:, :3] / base[:3]
    assert ratios.min() >= 0.75 / 1.25 - 1e-12 and ratios.max() <= 1.25 / 0.75 + 1e-12  # ±25% then renormalised
    assert (sets[:, 3] == 0).all()
    dirichlet = dirichlet_noise(base, 4000, np.random.default_rng(0), {"spread": 0.25})
    assert dirichlet.sum(axis=1) == pytest.approx(np.ones(4000))
    assert dirichlet.mean(axis=0) == pytest.approx(base, abs=0.01)
    assert (dirichlet[:, 3] == 0).all()


@pytest.mark.parametrize(("choices", "expected"), [
    ({"normalisation": ["zscore"], "aggregation": ["geometric"]}, "can score below zero"),
    ({"normalisation": ["goalposts"]}, "has no goalposts"),
    ({"normalisation": ["minmax", "minmax"]}, "same option twice"),
    ({"normalisation": "rank"}, "must be a list"),
    ({"aggregation": ["median"]}, "unknown aggregation step 'median'"),
    ({"weights": {"method": "gaussian"}}, "unknown weight noise step 'gaussian'"),
    ({"weights": {"method": "uniform", "spread": 1.5}}, "must be <= 0.99"),
    ({"weight_sets": 1}, "weight_sets must be an integer >= 2"),
    ({"seeds": 3}, "unknown choice(s) seeds"),
])
def test_it_refuses_bad_choices(choices: dict[str, Any], expected: str) -> None:
    with pytest.raises(MethodError) as caught:
        monte_carlo(two_pillars(), synthetic(), 2020, draws=50, choices=choices)
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_it_refuses_too_few_draws() -> None:
    with pytest.raises(MethodError, match="draws"):
        monte_carlo(two_pillars(), synthetic(), 2020, draws=5)


def test_it_accepts_a_choices_object() -> None:
    choices = Choices.from_dict({"aggregation": ["arithmetic", "geometric"], "weight_sets": 5})
    carlo = monte_carlo(two_pillars(), synthetic(), 2020, draws=100, seed=0, choices=choices)
    assert carlo.factors["weights"] == [f"set {n}" for n in range(1, 6)]
    assert set(np.unique(carlo.levels["weights"])) <= set(range(5))
