"""Variance-based sensitivity (Saltelli 2010 first order, Jansen total order) against analytic indices."""

from __future__ import annotations

import math

import numpy as np
import pytest

from luoshi.compindex import MethodError, sobol_indices, variance_sensitivity
from tests.compindex.test_sensitivity import MIXED, synthetic, two_pillars

A, B = 7.0, 0.1


def ishigami(inputs: np.ndarray) -> np.ndarray:
    x = -math.pi + 2 * math.pi * inputs  # U[0, 1) -> U[-pi, pi)
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices() -> tuple[list[float], list[float]]:
    """Analytic indices (Ishigami & Homma 1990; Sobol' & Levitan 1999)."""
    variance = A**2 / 8 + B * math.pi**4 / 5 + B**2 * math.pi**8 / 18 + 0.5
    v1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * math.pi**8 * (1 / 18 - 1 / 50)  # = 8 b^2 pi^8 / 225
    return [v1 / variance, v2 / variance, 0.0], [(v1 + v13) / variance, v2 / variance, v13 / variance]


def test_the_analytic_ishigami_indices_are_the_published_ones() -> None:
    first, total = ishigami_indices()
    # Saltelli et al. (2008), Global Sensitivity Analysis: The Primer, §4.6: .3139, .4424, 0; .5576, .4424, .2437
    assert first == pytest.approx([0.3139, 0.4424, 0.0], abs=1e-4)
    assert total == pytest.approx([0.5576, 0.4424, 0.2437], abs=1e-4)


def test_it_estimates_the_ishigami_indices() -> None:
    first, total = ishigami_indices()
    found = sobol_indices(ishigami, 3, 2**14, seed=0, bootstrap=100)
    assert found.first == pytest.approx(first, abs=0.02)
    assert found.total == pytest.approx(total, abs=0.02)
    assert found.runs == 2**14 * 5
    assert (found.first_interval[:, 0] <= found.first).all() and (found.first <= found.first_interval[:, 1]).all()
    assert (np.diff(found.total_interval, axis=1) < 0.05).all()  # bootstrap 95% intervals within ±0.025


def test_its_confidence_intervals_cover_the_analytic_values_about_as_often_as_stated() -> None:
    first, total = ishigami_indices()
    covered = np.zeros(6)
    seeds = 20
    for seed in range(seeds):
        found = sobol_indices(ishigami, 3, 2048, seed=seed, bootstrap=100)
        bounds = np.vstack([found.first_interval, found.total_interval])
        truth = np.array(first + total)
        covered += (bounds[:, 0] <= truth) & (truth <= bounds[:, 1])
    # 95% intervals: 19 of 20 expected; 15 or fewer would happen by chance with probability < 2%
    assert (covered >= 16).all(), covered


def test_it_gives_equal_first_and_total_indices_for_an_additive_model() -> None:
    # Y = X1 + 2 X2 + 3 X3, X uniform: V_i = c_i^2 / 12, so S_i = S_Ti = c_i^2 / 14, no interaction
    found = sobol_indices(lambda x: x @ np.array([1.0, 2.0, 3.0]), 3, 2**13, seed=1, bootstrap=0)
    assert found.first == pytest.approx([1 / 14, 4 / 14, 9 / 14], abs=0.02)
    assert found.total == pytest.approx([1 / 14, 4 / 14, 9 / 14], abs=0.02)


def test_it_pools_outputs_by_their_variance() -> None:
    # output 1 = X1 (variance 1/12), output 2 = 3 X2 (variance 9/12): pooled S_1 = 1/10, S_2 = 9/10
    found = sobol_indices(lambda x: np.stack([x[:, 0], 3 * x[:, 1]], axis=1), 2, 2**13, seed=2, bootstrap=0)
    assert found.first == pytest.approx([0.1, 0.9], abs=0.02)
    assert found.first_by_output[:, 0] == pytest.approx([1.0, 0.0], abs=0.03)


def test_it_ranks_the_index_choices_by_total_order_effect() -> None:
    result = variance_sensitivity(two_pillars(), synthetic(), 2020, samples=500, seed=0, choices=MIXED,
                                  bootstrap=100)
    assert set(result.factors) == {"normalisation", "aggregation", "weights"}
    assert result.runs == 500 * 5
    for name in result.factors:
        assert result.total[name] >= result.first[name] - 0.05  # S_T >= S up to sampling error
        low, high = result.total_interval[name]
        assert low <= result.total[name] <= high
    assert result.first_by_region["weights"].shape == (len(result.regions),)
    again = variance_sensitivity(two_pillars(), synthetic(), 2020, samples=500, seed=0, choices=MIXED,
                                 bootstrap=100)
    assert again.to_dict() == result.to_dict()


def test_it_agrees_with_the_anova_share_for_a_single_choice() -> None:
    from luoshi.compindex import monte_carlo

    only = {"normalisation": ["minmax", "rank"], "weights": None}
    sobol = variance_sensitivity(two_pillars(), synthetic(), 2020, samples=2000, seed=3, choices=only,
                                 bootstrap=0)
    # one factor alone explains all the variance: S = S_T = 1
    assert sobol.first["normalisation"] == pytest.approx(1.0, abs=0.1)
    assert sobol.total["normalisation"] == pytest.approx(1.0, abs=0.1)
    carlo = monte_carlo(two_pillars(), synthetic(), 2020, draws=1000, seed=3, choices=only)
    assert carlo.sensitivity["normalisation"] == pytest.approx(1.0, abs=1e-9)


def test_it_refuses_too_few_samples_or_nothing_to_vary() -> None:
    with pytest.raises(MethodError, match="samples"):
        variance_sensitivity(two_pillars(), synthetic(), 2020, samples=5)
    with pytest.raises(MethodError) as error:
        variance_sensitivity(two_pillars(), synthetic(), 2020, choices={"weights": None})
    assert error.value.code == "nothing_varies"
