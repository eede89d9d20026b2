"""The added normalisations and aggregations (issue 14, part 2), against hand arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest

from luoshi.compindex import DataError, Method, MethodError, compute
from luoshi.compindex.aggregate import copeland, generalised, harmonic
from tests.compindex.builders import dataset, flat_method

X = [2.0, 4.0, 10.0]
Y = [30.0, 10.0, 20.0]
XY: list[dict[str, object]] = [{"name": "x"}, {"name": "y", "direction": "lower"}]


def scores(normalisation: object, columns: dict[str, list[float]] | None = None,
           indicators: list[dict[str, object]] | None = None) -> dict[str, list[float]]:
    method = flat_method(indicators or XY, normalisation=normalisation)
    result = compute(method, dataset(columns or {"x": X, "y": Y}), 2020)
    return {name: list(values) for name, values in result.scores.items()}


# -- normalisation ---------------------------------------------------------------------------------------
def test_it_gives_percentile_ranks() -> None:
    got = scores("percentile")
    assert got["x"] == pytest.approx([0.0, 0.5, 1.0])  # ascending ranks 1, 2, 3 -> (r - 1) / 2
    assert got["y"] == pytest.approx([0.0, 1.0, 0.5])  # lower is better: 30 worst, 10 best
    tied = scores("percentile", {"x": [5.0, 5.0, 1.0]}, [{"name": "x"}])
    assert tied["x"] == pytest.approx([0.5, 0.5, 0.0])  # the tied pair takes rank 2: (2 - 1) / 2


def test_it_scores_the_distance_to_a_target() -> None:
    indicators: list[dict[str, object]] = [
        {"name": "x", "normalisation": {"method": "target", "value": 8}},
        {"name": "y", "direction": "lower", "normalisation": {"method": "target", "value": 5}}]
    got = scores("minmax", indicators=indicators)
    assert got["x"] == pytest.approx([0.0, 2 / 6, 1.0])  # (x - 2) / (8 - 2), 10 capped at 1
    assert got["y"] == pytest.approx([0.0, 20 / 25, 10 / 25])  # (30 - y) / (30 - 5)
    uncapped = scores({"method": "target", "value": 8, "cap": False}, indicators=[{"name": "x"}])
    assert uncapped["x"][2] == pytest.approx(8 / 6)
    with pytest.raises(DataError) as error:
        scores({"method": "target", "value": 1}, indicators=[{"name": "x"}])
    assert error.value.code == "target_reached_by_all"


def test_it_scores_the_distance_to_the_best_performer() -> None:
    got = scores("best")
    assert got["x"] == pytest.approx([0.2, 0.4, 1.0])  # x / 10
    assert got["y"] == pytest.approx([10 / 30, 1.0, 0.5])  # lower is better: 10 / y
    difference = scores({"method": "best", "form": "difference"})
    assert difference["x"] == pytest.approx([-0.8, -0.6, 0.0])  # (x - 10) / 10
    assert difference["y"] == pytest.approx([-2.0, 0.0, -1.0])  # -(y - 10) / 10
    with pytest.raises(MethodError, match="can score below zero"):
        flat_method(["x"], normalisation={"method": "best", "form": "difference"}, aggregation="geometric")


# -- aggregation ---------------------------------------------------------------------------------------------
PAIR = np.array([[0.5, 1.0], [0.25, 0.25]])  # two regions x two children
WEIGHTS = np.array([0.75, 0.25])


def test_it_aggregates_by_harmonic_and_generalised_means() -> None:
    floor = {"zeros": "floor", "floor": 0.01}
    # 1 / (.75 / .5 + .25 / 1) = 1 / 1.75; 1 / (.75 / .25 + .25 / .25) = .25
    assert list(harmonic(PAIR, WEIGHTS, floor)) == pytest.approx([1 / 1.75, 0.25])
    # power 2: sqrt(.75 x .25 + .25 x 1)
    assert generalised(PAIR, WEIGHTS, {"power": 2.0, **floor})[0] == pytest.approx(math.sqrt(0.4375))
    assert list(generalised(PAIR, WEIGHTS, {"power": -1.0, **floor})) == pytest.approx([1 / 1.75, 0.25])
    assert list(generalised(PAIR, WEIGHTS, {"power": 1.0, **floor})) == pytest.approx([0.625, 0.25])
    # a zero is floored as for the geometric mean: 1 / (.75 / .01 + .25 / 1)
    assert harmonic(np.array([[0.0, 1.0]]), WEIGHTS, floor)[0] == pytest.approx(1 / 75.25)
    with pytest.raises(DataError):
        harmonic(np.array([[0.0, 1.0]]), WEIGHTS, {"zeros": "error"})


def test_it_refuses_power_zero_and_negative_scores_for_means_that_need_positive_ones() -> None:
    with pytest.raises(MethodError, match="power 0 is the geometric mean"):
        flat_method(["x"], aggregation={"method": "generalised", "power": 0})
    with pytest.raises(MethodError, match="aggregates by a harmonic mean but x can score below zero"):
        flat_method(["x"], normalisation="zscore", aggregation="harmonic")


def test_it_ranks_by_copeland_outranking() -> None:
    # A [1, 0, 0], B [0, 1, 1], C [.5, .5, .5], equal weights:
    # B beats A (2/3 of the weight), C beats A (2/3), B beats C (2/3): A -2, B +2, C 0
    scores3 = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0], [0.5, 0.5, 0.5]])
    assert list(copeland(scores3, np.full(3, 1 / 3), {})) == [-2.0, 2.0, 0.0]
    # an even split is a tie: neither wins
    assert list(copeland(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0.5, 0.5]), {})) == [0.0, 0.0]
    # a region without every score gets none and does not count for the others
    gaps = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0], [np.nan, 0.5, 0.5]])
    got = copeland(gaps, np.full(3, 1 / 3), {})
    assert list(got[:2]) == [-1.0, 1.0] and math.isnan(got[2])
    # batched like the Monte Carlo: (draws, regions, children) with (draws, children) weights
    batch = copeland(np.stack([scores3, scores3]), np.array([[1 / 3] * 3, [0.8, 0.1, 0.1]]), {})
    assert batch.tolist() == [[-2.0, 2.0, 0.0], [2.0, -2.0, 0.0]]  # A wins on .8 of the weight


def test_it_computes_an_index_by_copeland_and_refuses_it_under_a_geometric_mean() -> None:
    data = dataset({"a": [1.0, 0.0, 0.5], "b": [0.0, 1.0, 0.5], "c": [0.0, 1.0, 0.5]})
    result = compute(flat_method(["a", "b", "c"], aggregation="copeland"), data, 2020)
    assert list(result.index) == [-2.0, 2.0, 0.0] and list(result.ranks) == [3, 1, 2]
    with pytest.raises(MethodError, match="node 'index' aggregates geometrically but P can score below zero"):
        Method.from_dict({"version": "1", "indicators": ["a", "b"], "index": {
            "name": "index", "aggregation": "geometric",
            "children": [{"name": "P", "aggregation": "copeland", "children": ["a"]}, "b"]}})


# -- screening and aggregation over available data -----------------------------------------------------------
GAPPY = dataset({"x": [0.0, 1.0, 2.0, 3.0], "y": [3.0, math.nan, 1.0, math.nan], "z": [1.0, 2.0, math.nan, math.nan]},
                regions="ABCD")


def screened(missing: str = "none", aggregation: object = None) -> Method:
    document = flat_method(["x", "y", "z"], missing=missing,
                           aggregation=aggregation or {"method": "arithmetic", "skip_missing": True}).to_dict()
    document["screening"] = {"min_share": 0.6}
    return Method.from_dict(document)


def test_it_screens_out_regions_with_too_few_indicators_and_aggregates_the_rest_over_what_they_have() -> None:
    result = compute(screened(), GAPPY, 2020)
    # availability A 3/3, B 2/3, C 2/3, D 1/3 < 0.6: D is left out before normalising, so x's max is C's 2
    assert list(result.scores["x"][:3]) == pytest.approx([0.0, 0.5, 1.0]) and math.isnan(result.scores["x"][3])
    # over available scores, equal weights rescaled: A (0 + 1 + 0) / 3, B (.5 + 1) / 2, C (1 + 0) / 2
    assert list(result.index[:3]) == pytest.approx([1 / 3, 0.75, 0.5])
    assert list(result.ranks) == [3, 1, 2, 0]
    assert "below the screening threshold 60%" in result.excluded["D"] and "33%" in result.excluded["D"]
    # contributions follow the rescaled weights and still add up to the index
    assert result.contributions["x"][1] == pytest.approx(0.25) and result.contributions["z"][1] == pytest.approx(0.5)
    assert math.isnan(result.contributions["y"][1])
    codes = {notice.code: notice.params for notice in result.notices}
    assert codes["regions_screened"]["regions"] == ["D"]
    assert codes["aggregated_over_available"] == {"regions": ["B", "C"]}
    assert screened().to_dict()["screening"] == {"min_share": 0.6}
    assert "over the scores each region has" in screened().describe("en")


def test_it_never_imputes_a_screened_region() -> None:
    result = compute(screened(missing="peer_mean", aggregation="arithmetic"), GAPPY, 2020)
    assert ("D", "x") not in result.imputed and ("B", "y") in result.imputed
    assert result.ranks[3] == 0
    assert list(result.values["y"][:3]) == pytest.approx([3.0, 2.0, 1.0])  # B: mean of A and C, not D


def test_it_aggregates_means_over_available_scores() -> None:
    from luoshi.compindex.aggregate import arithmetic, geometric

    scores2 = np.array([[0.5, math.nan, 1.0], [math.nan, math.nan, math.nan]])
    weights = np.array([0.5, 0.3, 0.2])
    # (.5 x .5 + 1 x .2) / .7; nothing at all: NaN
    got = arithmetic(scores2, weights, {"skip_missing": True})
    assert got[0] == pytest.approx(0.45 / 0.7) and math.isnan(got[1])
    assert math.isnan(arithmetic(scores2, weights, {})[0])
    # geometric: .5 ^ (5/7) x 1 ^ (2/7)
    assert geometric(scores2, weights, {"skip_missing": True, "floor": 0.01})[0] == pytest.approx(0.5 ** (5 / 7))


def test_it_keeps_regions_aggregated_over_available_scores_in_the_monte_carlo() -> None:
    from luoshi.compindex import monte_carlo

    carlo = monte_carlo(screened(), GAPPY, 2020, draws=50)
    assert carlo.regions == ("A", "B", "C") and carlo.excluded == ("D",)


def test_it_refuses_a_bad_screening_share() -> None:
    document = flat_method(["x"]).to_dict()
    for bad in ({"min_share": 0}, {"min_share": 1.5}, {"share": 0.5}, 0.5):
        with pytest.raises(MethodError) as error:
            Method.from_dict({**document, "screening": bad})
        assert error.value.code == "bad_screening"


# -- imputation ----------------------------------------------------------------------------------------------
def test_it_imputes_the_peer_median_within_groups() -> None:
    data = dataset({"x": [1.0, 2.0, 10.0, math.nan, math.nan]}, regions="ABCDE")
    result = compute(flat_method(["x"], missing="peer_median"), data, 2020)
    assert list(result.values["x"][3:]) == [2.0, 2.0]  # median of 1, 2, 10 (the mean would be 13/3)
    grouped = compute(flat_method(["x"], missing={"method": "peer_median", "groups": {"g": ["A", "B", "D"]}}),
                      data, 2020)
    assert grouped.values["x"][3] == 1.5 and grouped.values["x"][4] == 10.0  # D: median of 1, 2; E: of C alone
    assert set(grouped.imputed) == {("D", "x"), ("E", "x")}


def test_it_imputes_by_regression_on_other_series() -> None:
    # y = 2 + 3 x on A, B, C; D has x = 5 -> 17
    data = dataset({"y": [5.0, 8.0, 11.0, math.nan], "x": [1.0, 2.0, 3.0, 5.0]}, regions="ABCD")
    method = flat_method([{"name": "y", "missing": {"method": "regression", "predictors": ["x"]}}, "x"])
    result = compute(method, data, 2020)
    assert result.values["y"][3] == pytest.approx(17.0)
    assert result.imputed == (("D", "y"),)
    assert method.indicator("y").missing == {"method": "regression", "predictors": ["x"]}
    # two predictors: y = 1 + a + 2 b, fitted exactly on four regions
    data2 = dataset({"y": [1 + 1 + 0, 1 + 0 + 2, 1 + 1 + 2, 1 + 2 + 1, math.nan],
                     "a": [1.0, 0.0, 1.0, 2.0, 3.0], "b": [0.0, 1.0, 1.0, 0.5, 2.0]}, regions="ABCDE")
    method2 = flat_method([{"name": "y", "missing": {"method": "regression", "predictors": ["a", "b"]}}])
    assert compute(method2, data2, 2020).values["y"][4] == pytest.approx(1 + 3 + 4)


def test_it_refuses_a_regression_with_too_few_regions() -> None:
    data = dataset({"y": [5.0, math.nan, math.nan], "x": [1.0, 2.0, 3.0]})
    method = flat_method([{"name": "y", "missing": {"method": "regression", "predictors": "x"}}])
    with pytest.raises(DataError) as error:
        compute(method, data, 2020)
    assert error.value.code == "regression_underdetermined"


# -- per-level aggregation choices in the Monte Carlo -------------------------------------------------------
def test_it_varies_the_aggregation_level_by_level() -> None:
    from luoshi.compindex import monte_carlo, variance_sensitivity
    from tests.compindex.test_sensitivity import synthetic, two_pillars

    method, data = two_pillars(), synthetic()
    choices = {"aggregation": {"q": ["arithmetic", "geometric"]}, "weights": None}
    carlo = monte_carlo(method, data, 2020, draws=40, seed=1, choices=choices)
    assert set(carlo.factors) == {"aggregation:q"}
    document = method.to_dict()
    document["index"]["children"][1]["aggregation"] = {"method": "geometric"}
    expected = {0: compute(method, data, 2020).index, 1: compute(Method.from_dict(document), data, 2020).index}
    levels = carlo.levels["aggregation:q"]
    assert set(levels) == {0, 1}
    for draw, level in enumerate(levels):
        np.testing.assert_allclose(carlo.index[draw], expected[int(level)])
    sobol = variance_sensitivity(method, data, 2020, samples=50, choices={
        "aggregation": {"q": ["arithmetic", "geometric"], "index": ["arithmetic", "geometric"]}}, bootstrap=10)
    assert set(sobol.factors) == {"aggregation:q", "aggregation:index", "weights"}


def test_it_checks_per_level_choices() -> None:
    from luoshi.compindex import monte_carlo
    from tests.compindex.test_sensitivity import synthetic, two_pillars

    for choices, message in (
        ({"aggregation": {"nowhere": ["arithmetic"]}}, "unknown node"),
        ({"aggregation": {"p": []}}, "non-empty list"),
        ({"normalisation": ["zscore"], "aggregation": {"p": ["arithmetic", "geometric"]}}, "geometrically"),
    ):
        with pytest.raises(MethodError, match=message):
            monte_carlo(two_pillars(), synthetic(), 2020, draws=20, choices=choices)


def test_it_imputes_by_em_like_the_regression_when_the_predictors_are_complete() -> None:
    # Only y has gaps: the maximum-likelihood fit of (y, x) gives y | x the least-squares line, y = 2 + 3x
    # on A, B, C (with noise, so the line is the OLS one, computed by hand below)
    data = dataset({"y": [5.5, 7.5, 11.0, math.nan, 14.2], "x": [1.0, 2.0, 3.0, 5.0, 4.0]}, regions="ABCDE")
    xs, ys = [1.0, 2.0, 3.0, 4.0], [5.5, 7.5, 11.0, 14.2]
    mx, my = sum(xs) / 4, sum(ys) / 4
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    expected = my + slope * (5.0 - mx)
    em = flat_method([{"name": "y", "missing": {"method": "em", "predictors": ["x"]}}, "x"])
    regression = flat_method([{"name": "y", "missing": {"method": "regression", "predictors": ["x"]}}, "x"])
    assert compute(em, data, 2020).values["y"][3] == pytest.approx(expected, rel=1e-6)
    assert compute(regression, data, 2020).values["y"][3] == pytest.approx(expected)
    assert compute(em, data, 2020).imputed == (("D", "y"),)


def test_it_imputes_by_em_when_predictors_have_gaps_too() -> None:
    data = dataset({"y": [5.5, 7.5, 11.0, math.nan, 14.2, 16.9], "x": [1.0, 2.0, math.nan, 5.0, 4.0, 5.1],
                    "z": [0.3, 0.1, 0.2, 0.5, 0.4, math.nan]}, regions="ABCDEF")
    em = flat_method([{"name": "y", "missing": {"method": "em", "predictors": ["x", "z"]}}, "x", "z"],
                     missing="none")
    result = compute(em, data, 2020)
    assert 14.2 < result.values["y"][3] < 20.0  # D has x 5.0, close to F's 5.1 with y 16.9
    assert math.isnan(result.values["x"][2])  # only y is imputed
    with pytest.raises(DataError) as error:
        compute(em, dataset({"y": [1.0, math.nan, 2.0], "x": [1.0, 2.0, 3.0], "z": [1.0, 1.0, 2.0]}), 2020)
    assert error.value.code == "em_underdetermined"
