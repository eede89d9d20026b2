"""The statistical audit, against independent plain-Python computations (statistics module, hand arithmetic)."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from luoshi.compindex import Method, compute
from luoshi.compindex.audit import (
    Thresholds,
    audit,
    correlation_eigenvalues,
    cronbach_alpha,
    tukey_outliers,
)
from tests.compindex.builders import NAN, dataset, flat_method


def excel_skew(x: list[float]) -> float:
    n, mean, sd = len(x), statistics.mean(x), statistics.stdev(x)
    return n / ((n - 1) * (n - 2)) * sum(((v - mean) / sd) ** 3 for v in x)


def excel_kurt(x: list[float]) -> float:
    n, mean, sd = len(x), statistics.mean(x), statistics.stdev(x)
    return (n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * sum(((v - mean) / sd) ** 4 for v in x)
            - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)))


SKEWED = [1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 50.0]
PLAIN = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0]
REGIONS = tuple("ABCDEFGHIJ")


def test_it_reports_indicator_statistics_with_flags() -> None:
    sparse = [1.0, NAN, 3.0, NAN, 5.0, NAN, 7.0, NAN, 9.0, 2.0]  # 6 of 10 = 60% < 65%
    data = dataset({"s": SKEWED, "p": PLAIN, "q": sparse}, regions=REGIONS)
    result = audit(flat_method(["s", "p", "q"], missing="peer_mean"), data, 2020)
    stats = {one.name: one for one in result.indicators}
    skewed = stats["s"]
    assert skewed.skewness == pytest.approx(excel_skew(SKEWED))  # about 3.16
    assert skewed.kurtosis == pytest.approx(excel_kurt(SKEWED))  # about 10.0
    assert skewed.mean == pytest.approx(statistics.mean(SKEWED))
    assert skewed.sd == pytest.approx(statistics.stdev(SKEWED))
    # quartiles 1 and 1 (R type 7), IQR 0: every value other than 1 is an outlier (2 and 50)
    assert skewed.outliers == 2
    assert skewed.flags[:2] == ("skew_kurtosis", "outliers")
    assert stats["p"].flags == ()  # skew 0.55, kurtosis -0.13, quartiles 2.25 and 5, fences -1.875 and 9.125
    assert stats["q"].availability == pytest.approx(0.6) and stats["q"].count == 6
    assert "low_availability" in stats["q"].flags  # read before imputation: peer_mean does not hide it
    assert result.thresholds == Thresholds(2.0, 3.5, 0.65, 0.9, -0.4, 1.5)


def test_it_counts_tukey_outliers() -> None:
    # 1, 2, 3, 4, 100: Q1 2, Q3 4, IQR 2, fences -1 and 7: one outlier
    assert tukey_outliers(np.array([1.0, 2.0, 3.0, 4.0, 100.0])) == 1
    assert tukey_outliers(np.array([1.0, 2.0, 3.0, 4.0, 7.0])) == 0


TREE = Method.from_dict({
    "version": "1",
    "indicators": ["a", "b", "c", "d"],
    "index": {"name": "index", "children": [
        {"name": "P", "children": ["a", "b"]}, {"name": "Q", "children": ["c", "d"]}]},
})
A, B = [1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 1.0, 4.0, 3.0, 5.0]
C, D = [5.0, 3.0, 4.0, 1.0, 2.0], [1.0, 2.0, 3.0, 5.0, 4.0]


def test_it_correlates_within_and_across_levels() -> None:
    data = dataset({"a": A, "b": B, "c": C, "d": D}, regions="VWXYZ")
    result = audit(TREE, data, 2020)
    within = {(c.first, c.second): c.r for c in result.correlations if c.kind == "within"}
    # min-max is linear, so the scores correlate as the raw values do
    assert within[("a", "b")] == pytest.approx(statistics.correlation(A, B))  # 0.8
    assert within[("c", "d")] == pytest.approx(statistics.correlation(C, D))  # -0.9
    across = {(c.first, c.second): c.r for c in result.correlations if c.kind == "across"}
    computed = compute(TREE, data, 2020)
    p_scores = list(computed.pillars["P"])
    assert across[("a", "P")] == pytest.approx(statistics.correlation([(v - 1) / 4 for v in A], p_scores))
    assert across[("a", "index")] == pytest.approx(statistics.correlation(A, list(computed.index)))
    assert set(across) >= {("a", "P"), ("b", "P"), ("P", "index"), ("Q", "index"), ("d", "index")}
    stats = {one.name: one.flags for one in result.indicators}
    assert stats["c"] == ("negative",) and stats["d"] == ("negative",)  # -0.9 < -0.4


def test_it_gives_cronbach_alpha_and_pca_per_node() -> None:
    items = np.array([A, B]).T
    # alpha = k/(k-1) (1 - (var a + var b) / var(a + b)); var a = var b = 2.5, a + b = 3, 3, 7, 7, 10: var 9.3
    total = statistics.variance([x + y for x, y in zip(A, B, strict=True)])
    assert cronbach_alpha(items) == pytest.approx(2 * (1 - 5.0 / total))
    # a 2 x 2 correlation matrix [[1, r], [r, 1]] has eigenvalues 1 + |r| and 1 - |r|
    assert correlation_eigenvalues(items) == pytest.approx((1.8, 0.2))
    data = dataset({"a": A, "b": B, "c": C, "d": D}, regions="VWXYZ")
    nodes = {node.name: node for node in audit(TREE, data, 2020).nodes}
    assert nodes["P"].alpha == pytest.approx(2 * (1 - 5.0 / total))
    assert nodes["P"].first_share == pytest.approx(0.9) and nodes["P"].above_one == 1
    r = statistics.correlation(C, D)  # -0.9
    assert nodes["Q"].eigenvalues == pytest.approx((1 + abs(r), 1 - abs(r)))
    assert nodes["Q"].alpha < 0  # negatively correlated items: alpha below zero, as the formula gives
    assert nodes["index"].regions == 5


def test_it_shows_the_rank_effect_of_removing_each_indicator() -> None:
    # scores: x 0, .5, 1; y 1, 0, .25; z .5, 1, 0 -> index .5, .5, .4167 -> ranks 1, 1, 3
    data = dataset({"x": [0.0, 1.0, 2.0], "y": [4.0, 0.0, 1.0], "z": [1.0, 2.0, 0.0]})
    method = flat_method(["x", "y", "z"])
    assert list(compute(method, data, 2020).ranks) == [1, 1, 3]
    removals = {effect.indicator: effect for effect in audit(method, data, 2020).removals}
    # without x: .75, .5, .125 -> 1, 2, 3: shifts 0, 1, 0
    assert (removals["x"].mean_shift, removals["x"].max_shift, removals["x"].changed) == (pytest.approx(1 / 3), 1, 1)
    # without y: .25, .75, .5 -> 3, 1, 2: shifts 2, 0, 1
    assert (removals["y"].mean_shift, removals["y"].max_shift, removals["y"].changed) == (pytest.approx(1.0), 2, 2)
    # without z: .5, .25, .625 -> 2, 3, 1: shifts 1, 2, 2
    assert (removals["z"].mean_shift, removals["z"].max_shift) == (pytest.approx(5 / 3), 2)


def test_it_rescales_explicit_weights_and_drops_an_emptied_node_when_removing() -> None:
    method = Method.from_dict({
        "version": "1", "indicators": ["a", "b", "c"],
        "index": {"name": "index", "weights": {"P": 0.5, "b": 0.3, "c": 0.2}, "children": [
            {"name": "P", "children": ["a"]}, "b", "c"]},
    })
    data = dataset({"a": [0.0, 1.0, 2.0], "b": [2.0, 0.0, 1.0], "c": [0.0, 2.0, 1.0]})
    # scores a 0, .5, 1; b 1, 0, .5; c 0, 1, .5
    # base: .5a + .3b + .2c = .3, .45, .7 -> 3, 2, 1
    # without a (P empties): b, c weights .3, .2 -> .6, .4: .6, .4, .5 -> 1, 3, 2: shifts 2, 1, 1
    removals = {effect.indicator: effect for effect in audit(method, data, 2020).removals}
    assert (removals["a"].mean_shift, removals["a"].max_shift, removals["a"].changed) == (pytest.approx(4 / 3), 2, 3)
    # without b: P .5 and c .2 -> 5/7, 2/7: 0, .5/7 * 5 + 2/7 = 4.5/7, 6/7 -> 3, 2, 1: no change
    assert (removals["b"].max_shift, removals["b"].changed) == (0, 0)


def test_it_serialises_the_audit_without_nan() -> None:
    import json

    data = dataset({"x": [0.0, 1.0, 2.0], "y": [4.0, 0.0, 1.0]})
    document = audit(flat_method(["x", "y"]), data, 2020).to_dict()
    json.dumps(document, allow_nan=False)
    assert document["indicators"][0]["kurtosis"] is None  # fewer than 4 values
    assert math.isclose(document["correlations"][0]["r"], statistics.correlation([0.0, 1.0, 2.0], [4.0, 0.0, 1.0]))
