"""Every normalisation, imputation, outlier, transform, weighting and aggregation option on small data,
against values computed by hand (the arithmetic is written next to each expectation)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from luoshi.compindex import DataError, compute, kurtosis, needs_treatment, pca_weights, skewness
from luoshi.compindex.aggregate import arithmetic, geometric
from tests.compindex.builders import NAN, dataset, flat_method, panel

# x is higher-is-better, y lower-is-better; regions A, B, C.
X = [2.0, 4.0, 10.0]
Y = [30.0, 10.0, 20.0]
XY: list[dict[str, object]] = [{"name": "x"}, {"name": "y", "direction": "lower"}]


def scores(normalisation: object, indicators: list[dict[str, object]] | None = None) -> dict[str, list[float]]:
    result = compute(flat_method(indicators or XY, normalisation=normalisation), dataset({"x": X, "y": Y}), 2020)
    return {name: list(values) for name, values in result.scores.items()}


# -- normalisation ----------------------------------------------------------------------------------
def test_it_scales_min_max_and_flips_lower_is_better() -> None:
    got = scores("minmax")
    # x: (x - 2) / (10 - 2)  -> 0, 2/8, 8/8
    assert got["x"] == pytest.approx([0.0, 0.25, 1.0])
    # y (lower is better): (30 - y) / (30 - 10) -> 0, 20/20, 10/20
    assert got["y"] == pytest.approx([0.0, 1.0, 0.5])


def test_it_takes_min_and_max_over_the_reference_period() -> None:
    data = panel({"x": [[0.0, 1.0, 20.0], X]}, ("A", "B", "C"), (2019, 2020))
    method = flat_method(["x"], normalisation={"method": "minmax", "from_year": 2019, "to_year": 2020})
    # min 0 (A, 2019), max 20 (C, 2019): 2/20, 4/20, 10/20
    assert list(compute(method, data, 2020).scores["x"]) == pytest.approx([0.1, 0.2, 0.5])
    # without a period only 2020 counts: 0, 0.25, 1
    assert list(compute(flat_method(["x"]), data, 2020).scores["x"]) == pytest.approx([0.0, 0.25, 1.0])


def test_it_scores_against_fixed_goalposts_clipped_or_not() -> None:
    indicators: list[dict[str, object]] = [{"name": "x", "goalposts": {"min": 0, "max": 8}},
                  {"name": "y", "direction": "lower", "goalposts": [0, 40]}]
    got = scores("goalposts", indicators)
    assert got["x"] == pytest.approx([0.25, 0.5, 1.0])  # 2/8, 4/8, 10/8 clipped to 1
    assert got["y"] == pytest.approx([0.25, 0.75, 0.5])  # (40 - y) / 40
    unclipped = scores({"method": "goalposts", "clip": False}, indicators)
    assert unclipped["x"] == pytest.approx([0.25, 0.5, 1.25])


def test_it_computes_z_scores_with_the_sample_standard_deviation() -> None:
    got = scores("zscore")
    # x: mean 16/3; deviations -10/3, -4/3, 14/3; sum of squares 312/9; sd = sqrt(312/9 / 2)
    sd = math.sqrt(312 / 9 / 2)
    assert got["x"] == pytest.approx([(-10 / 3) / sd, (-4 / 3) / sd, (14 / 3) / sd])
    # y: mean 20, deviations 10, -10, 0, sd = sqrt(200 / 2) = 10 -> 1, -1, 0, negated (lower is better)
    assert got["y"] == pytest.approx([-1.0, 1.0, 0.0])


def test_it_measures_distance_to_a_reference_region() -> None:
    got = scores({"method": "distance", "reference": "B"})
    assert got["x"] == pytest.approx([0.5, 1.0, 2.5])  # x / 4
    assert got["y"] == pytest.approx([10 / 30, 1.0, 0.5])  # lower is better: 10 / y
    difference = scores({"method": "distance", "reference": "B", "form": "difference"})
    assert difference["x"] == pytest.approx([-0.5, 0.0, 1.5])  # (x - 4) / 4
    assert difference["y"] == pytest.approx([-2.0, 0.0, -1.0])  # -(y - 10) / 10


def test_it_refuses_a_reference_region_that_is_not_in_the_data() -> None:
    with pytest.raises(DataError, match="'Z'"):
        scores({"method": "distance", "reference": "Z"})


def test_it_ranks_with_ties_averaged_best_equal_to_one() -> None:
    got = scores("rank")
    assert got["x"] == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert got["y"] == pytest.approx([1 / 3, 1.0, 2 / 3])  # 10 is best, then 20, then 30
    tied = compute(flat_method(["z"], normalisation="rank"), dataset({"z": [5.0, 5.0, 1.0]}), 2020)
    assert list(tied.scores["z"]) == pytest.approx([2.5 / 3, 2.5 / 3, 1 / 3])  # ranks 2.5, 2.5, 1


def test_it_refuses_a_constant_indicator_instead_of_inventing_a_score() -> None:
    with pytest.raises(DataError, match="min-max scaling is undefined") as constant:
        compute(flat_method(["x"]), dataset({"x": [3.0, 3.0, 3.0]}), 2020)
    assert constant.value.code == "constant_indicator"
    assert constant.value.params == {"indicator": "x", "value": 3.0}
    assert str(constant.value).isascii()  # one language: English, translated by the web layer from the code
    with pytest.raises(DataError, match="z-score is undefined") as zscored:
        compute(flat_method(["x"], normalisation="zscore"), dataset({"x": [3.0, 3.0, 3.0]}), 2020)
    assert zscored.value.code == "constant_indicator" and str(zscored.value).isascii()


# -- missing data -------------------------------------------------------------------------------------
# x over 2018, 2019, 2020 for A, B, C, D.
GAPS = panel({"x": [[1.0, 2.0, NAN, NAN], [NAN, 3.0, 5.0, NAN], [NAN, 4.0, 6.0, NAN]]},
             ("A", "B", "C", "D"), (2018, 2019, 2020))


def imputed_values(missing: object) -> list[float]:
    return list(compute(flat_method(["x"], missing=missing), GAPS, 2020).values["x"])


def test_it_carries_the_last_earlier_value_forward() -> None:
    assert imputed_values("carry_last") == pytest.approx([1.0, 4.0, 6.0, NAN], nan_ok=True)  # A from 2018
    # A's last value is two years old: too old with max_years 1
    assert imputed_values({"method": "carry_last", "max_years": 1}) == pytest.approx([NAN, 4.0, 6.0, NAN], nan_ok=True)


def test_it_fills_with_the_mean_of_peers_in_the_same_year() -> None:
    assert imputed_values("peer_mean") == pytest.approx([5.0, 4.0, 6.0, 5.0])  # (4 + 6) / 2
    groups = {"method": "peer_mean", "groups": {"g1": ["A", "B"], "g2": ["C", "D"]}}
    assert imputed_values(groups) == pytest.approx([4.0, 4.0, 6.0, 6.0])


def test_it_fills_a_stated_constant() -> None:
    assert imputed_values({"method": "constant", "value": 0}) == pytest.approx([0.0, 4.0, 6.0, 0.0])


def test_it_leaves_gaps_and_says_which_regions_have_no_index() -> None:
    result = compute(flat_method(["x"], missing="none"), GAPS, 2020)
    assert set(result.excluded) == {"A", "D"}
    assert "x" in result.excluded["A"]
    assert list(result.ranks) == [0, 2, 1, 0]  # B (4) and C (6) ranked; 0 = not ranked
    assert result.imputed == ()


def test_it_records_imputed_cells() -> None:
    result = compute(flat_method(["x"], missing="peer_mean"), GAPS, 2020)
    assert result.imputed == (("A", "x"), ("D", "x"))


def test_it_can_refuse_missing_values() -> None:
    with pytest.raises(DataError, match=r"'x' is missing in 2020 for 2 region\(s\): A, D"):
        compute(flat_method(["x"], missing="error"), GAPS, 2020)


def test_it_refuses_a_peer_group_naming_an_unknown_region() -> None:
    with pytest.raises(DataError, match="'Q'"):
        imputed_values({"method": "peer_mean", "groups": {"g": ["A", "Q"]}})


# -- outliers ------------------------------------------------------------------------------------------
def test_it_computes_excel_style_skewness_and_kurtosis() -> None:
    # 0, 0, 0, 0, 10: mean 2; m2 = (4*4 + 64)/5 = 16; m3 = (4*-8 + 512)/5 = 96; m4 = (4*16 + 4096)/5 = 832
    # G1 = (96 / 16^1.5) * sqrt(5*4)/3 = 1.5 * sqrt(20)/3 = sqrt(5)
    # G2 = ((n+1)(m4/m2^2 - 3) + 6)(n-1)/((n-2)(n-3)) = (6*0.25 + 6)*4/6 = 5
    values = np.array([0.0, 0.0, 0.0, 0.0, 10.0])
    assert skewness(values) == pytest.approx(math.sqrt(5))
    assert kurtosis(values) == pytest.approx(5.0)
    assert needs_treatment(values)  # |2.236| > 2 and 5 > 3.5
    assert not needs_treatment(values, skew_limit=2.5)
    assert math.isnan(kurtosis(np.array([1.0, 2.0, 3.0])))  # needs 4 values


SKEWED = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 100.0]
TEN = tuple("ABCDEFGHIJ")


def test_it_winsorises_the_extreme_value_to_the_next_one() -> None:
    assert needs_treatment(np.array(SKEWED))
    result = compute(flat_method(["x"], outliers="winsorise"), dataset({"x": SKEWED}, TEN), 2020)
    assert list(result.values["x"]) == [*SKEWED[:9], 9.0]  # 100 -> 9, then the rule passes
    assert result.treatments["x"].startswith("winsorised 1 value")


def test_it_leaves_an_indicator_that_passes_the_rule() -> None:
    result = compute(flat_method(["x"], outliers="auto"), dataset({"x": SKEWED[:9]}, TEN[:9]), 2020)
    assert list(result.values["x"]) == SKEWED[:9]
    assert result.treatments == {}


def test_it_logs_when_winsorising_is_not_enough() -> None:
    # 40 zeros and 10, 100, ..., 1e8: after 5 values are winsorised (1e8..1e4 -> 1e3) six values of 1000
    # stand out against 42 small ones, and the rule still fails, so the untreated values are logged.
    values = [0.0] * 40 + [10.0**k for k in range(1, 9)]
    names = [f"r{k}" for k in range(len(values))]
    result = compute(flat_method(["x"], outliers="auto"), dataset({"x": values}, names), 2020)
    shift = (1e8 - 0.0) / 100  # COIN log: ln(x - min + (max - min)/100)
    assert list(result.values["x"]) == pytest.approx([math.log(value + shift) for value in values])
    assert result.treatments["x"].startswith("log")
    winsorised = compute(flat_method(["x"], outliers="winsorise"), dataset({"x": values}, names), 2020)
    assert sorted(winsorised.values["x"])[-6:] == [1000.0] * 6  # winsorise alone: 5 values moved, rule unmet
    assert "rule still not met" in winsorised.treatments["x"]


def test_it_applies_the_log_treatment_on_request() -> None:
    result = compute(flat_method(["x"], outliers="log"), dataset({"x": [0.0, 0.0, 10.0]}), 2020)
    assert list(result.values["x"]) == pytest.approx([math.log(0.1), math.log(0.1), math.log(10.1)])


# -- transforms -----------------------------------------------------------------------------------------
def test_it_applies_configured_transforms() -> None:
    data = dataset({"gdp": [1000.0, 4000.0, 0.0], "pop": [10.0, 20.0, 5.0]})
    method = flat_method([
        {"name": "lg", "source": "gdp", "transforms": [{"method": "log10", "invalid": "exclude"}]},
        {"name": "ln", "source": "gdp", "transforms": [{"method": "ln", "invalid": "exclude"}]},
        {"name": "capped", "source": "gdp", "transforms": [{"method": "cap", "max": 2000}]},
        {"name": "per_head", "source": "gdp", "transforms": [{"method": "per_capita", "denominator": "pop"}]},
    ], missing="none")
    result = compute(method, data, 2020)
    assert list(result.values["lg"]) == pytest.approx([3.0, math.log10(4000), NAN], nan_ok=True)  # log 0: excluded
    assert list(result.values["ln"]) == pytest.approx([math.log(1000), math.log(4000), NAN], nan_ok=True)
    assert list(result.values["capped"]) == [1000.0, 2000.0, 0.0]
    assert list(result.values["per_head"]) == [100.0, 200.0, 0.0]
    assert set(result.excluded) == {"C"}


def test_it_computes_growth_rates_over_years() -> None:
    data = panel({"gdp": [[100.0, 50.0, NAN], [110.0, 60.0, 30.0]]}, ("A", "B", "C"), (2019, 2020))
    method = flat_method([{"name": "g", "source": "gdp", "transforms": [{"method": "growth", "scale": 100}]}])
    result = compute(method, data, 2020)
    assert list(result.values["g"]) == pytest.approx([10.0, 20.0, NAN], nan_ok=True)  # 110/100-1, 60/50-1
    with pytest.raises(DataError):  # 2019 has no earlier year: nothing to score at all
        compute(method, data, 2019)


def test_it_refuses_a_transform_naming_an_unknown_series() -> None:
    method = flat_method([{"name": "x", "transforms": [{"method": "per_capita", "denominator": "people"}]}])
    with pytest.raises(DataError, match="'people'"):
        compute(method, dataset({"x": X}), 2020)


# -- weights ---------------------------------------------------------------------------------------------
def test_it_uses_explicit_weights() -> None:
    method = flat_method(XY, weights={"x": 0.75, "y": 0.25})
    result = compute(method, dataset({"x": X, "y": Y}), 2020)
    # min-max scores x 0, .25, 1 and y 0, 1, .5: 0.75x + 0.25y
    assert list(result.index) == pytest.approx([0.0, 0.4375, 0.875])
    assert result.weights["index"] == {"x": 0.75, "y": 0.25}


def test_it_derives_pca_weights_by_the_handbook_method() -> None:
    # Centred columns: a = (-3, -1, 1, 3), d = (-1, 3, -3, 1), c = (1, -1, -1, 1) are orthogonal to each other
    # and to (1, 1, 1, 1). B = 3a + 4d has |B| = 5|a|, so corr(A, B) = 3/5; C is uncorrelated with both.
    # Correlation eigenvalues: 1.6, 1.0, 0.4 (shares .533, .333, .133). Kept: 1.6 (> 1 and > 10%); the
    # cumulative share .533 < 60%, so the next factor (1.0) is added. Loadings: (sqrt(.8), sqrt(.8), 0) and
    # (0, 0, 1), already simple. Scaled squared loadings: (.5, .5, 0), (0, 0, 1); factor shares 1.6/2.6, 1/2.6.
    # Weights: A = B = .5 * 8/13 = 4/13, C = 1 * 5/13.
    a, d, c = np.array([-3, -1, 1, 3.0]), np.array([-1, 3, -3, 1.0]), np.array([1, -1, -1, 1.0])
    columns = np.stack([a + 10, 3 * a + 4 * d + 20, c + 5], axis=1)
    found = pca_weights(columns)
    assert found.eigenvalues == pytest.approx([1.6, 1.0, 0.4])
    assert found.weights == pytest.approx([4 / 13, 4 / 13, 5 / 13])
    assert found.factor_shares == pytest.approx([8 / 13, 5 / 13])


def test_it_gives_zero_pca_weight_to_an_indicator_outside_the_retained_factors() -> None:
    # A and B perfectly correlated, C uncorrelated: eigenvalues 2, 1, 0; only the first is kept (1 is not > 1)
    # and it explains 2/3 > 60%. Loadings (1, 1, 0): weights .5, .5, 0.
    a, c = np.array([-3, -1, 1, 3.0]), np.array([1, -1, -1, 1.0])
    found = pca_weights(np.stack([a, 2 * a + 1, c], axis=1))
    assert found.weights == pytest.approx([0.5, 0.5, 0.0], abs=1e-12)


def test_it_applies_pca_weights_from_the_method_document() -> None:
    a, d, c = [-3, -1, 1, 3.0], [-1, 3, -3, 1.0], [1, -1, -1, 1.0]
    data = dataset({"p": a, "q": [3 * i + 4 * j for i, j in zip(a, d, strict=True)], "r": c}, ("A", "B", "C", "D"))
    result = compute(flat_method(["p", "q", "r"], weights="pca"), data, 2020)
    assert list(result.weights["index"].values()) == pytest.approx([4 / 13, 4 / 13, 5 / 13])


def test_it_refuses_pca_weights_on_too_few_regions() -> None:
    with pytest.raises(DataError, match="at least 3"):
        pca_weights(np.array([[1.0, 2.0], [2.0, 1.0]]))


# -- aggregation -----------------------------------------------------------------------------------------
def test_it_aggregates_arithmetically_and_geometrically() -> None:
    values = np.array([[0.25, 1.0], [0.5, 0.5]])
    weights = np.array([0.75, 0.25])
    assert list(arithmetic(values, weights, {})) == pytest.approx([0.4375, 0.5])  # .75*.25 + .25*1
    assert list(geometric(values, weights, {"zeros": "floor", "floor": 0.01})) == pytest.approx([0.25**0.75, 0.5])


def test_it_floors_zeros_before_a_geometric_mean_or_refuses_them() -> None:
    values = np.array([[0.0, 1.0]])
    assert geometric(values, np.array([0.5, 0.5]), {"zeros": "floor", "floor": 0.01})[0] == pytest.approx(0.1)
    with pytest.raises(DataError, match="zero rule"):
        geometric(values, np.array([0.5, 0.5]), {"zeros": "error"})


def test_it_aggregates_batches_with_per_draw_weights() -> None:
    values = np.array([[[0.2, 0.6]], [[0.2, 0.6]]])  # 2 draws, 1 region, 2 children
    weights = np.array([[0.5, 0.5], [0.25, 0.75]])
    assert arithmetic(values, weights, {})[:, 0] == pytest.approx([0.4, 0.5])
