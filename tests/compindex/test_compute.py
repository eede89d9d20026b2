"""compute(): a tree of any depth with its own method and weights per level, contributions, ranks, data."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from luoshi.compindex import DataError, Dataset, Method, compute
from tests.compindex.builders import dataset, flat_method

UNIT = {"min": 0, "max": 1}  # goalposts 0..1: the normalised score equals the value


def three_levels() -> Method:
    return Method.from_dict({
        "version": "1",
        "defaults": {"normalisation": "goalposts"},
        "indicators": [{"name": name, "goalposts": UNIT} for name in "abcd"],
        "index": {"name": "index", "weights": {"P": 0.5, "Q": 0.5}, "children": [
            {"name": "P", "aggregation": "geometric", "children": [
                {"name": "P1", "weights": {"a": 0.75, "b": 0.25}, "children": ["a", "b"]},
                "c",
            ]},
            {"name": "Q", "children": ["d"]},
        ]},
    })


DATA = dataset({"a": [0.2, 1.0, 0.0], "b": [0.6, 1.0, 0.0], "c": [0.5, 1.0, 0.25], "d": [0.8, 0.0, 0.5]})


def test_it_aggregates_each_level_with_its_own_method_and_weights() -> None:
    result = compute(three_levels(), DATA, 2020)
    # A: P1 = .75*.2 + .25*.6 = .3; P = sqrt(.3 * .5); Q = .8; index = .5 P + .5 Q
    # B: P1 = 1, P = 1, Q = 0 -> .5
    # C: P1 = 0, floored to .01 in the geometric mean: P = sqrt(.01 * .25) = .05; Q = .5 -> .275
    assert list(result.pillars["P1"]) == pytest.approx([0.3, 1.0, 0.0])
    assert list(result.pillars["P"]) == pytest.approx([math.sqrt(0.15), 1.0, 0.05])
    assert list(result.pillars["Q"]) == pytest.approx([0.8, 0.0, 0.5])
    assert list(result.index) == pytest.approx([0.5 * math.sqrt(0.15) + 0.4, 0.5, 0.275])
    assert list(result.ranks) == [1, 2, 3]
    assert result.ranking()[0][:2] == (1, "A")
    assert result.overall_weights == pytest.approx({"a": 0.1875, "b": 0.0625, "c": 0.25, "d": 0.5})


def test_it_shares_a_geometric_node_among_children_by_weight_times_score() -> None:
    result = compute(three_levels(), DATA, 2020)
    p = math.sqrt(0.15)
    factor = 0.5 * p / (0.5 * 0.3 + 0.5 * 0.5)  # index weight of P x P / sum of weight x score at P
    expected = {"a": factor * 0.5 * 0.75 * 0.2, "b": factor * 0.5 * 0.25 * 0.6, "c": factor * 0.5 * 0.5, "d": 0.4}
    assert {name: values[0] for name, values in result.contributions.items()} == pytest.approx(expected)
    total = np.stack(list(result.contributions.values())).sum(axis=0)
    assert list(total) == pytest.approx(list(result.index))


def test_it_makes_arithmetic_contributions_weight_times_score() -> None:
    method = flat_method([{"name": "x"}, {"name": "y", "direction": "lower"}], weights={"x": 0.75, "y": 0.25})
    result = compute(method, dataset({"x": [2.0, 4.0, 10.0], "y": [30.0, 10.0, 20.0]}), 2020)
    # scores x: 0, .25, 1; y: 0, 1, .5
    assert list(result.contributions["x"]) == pytest.approx([0.0, 0.1875, 0.75])
    assert list(result.contributions["y"]) == pytest.approx([0.0, 0.25, 0.125])


def test_it_gives_equal_indices_the_same_rank() -> None:
    result = compute(flat_method(["x"]), dataset({"x": [5.0, 9.0, 9.0, 1.0]}, "ABCD"), 2020)
    assert list(result.ranks) == [3, 1, 1, 4]


def test_it_serialises_the_result_to_json() -> None:
    data = dataset({"a": [0.2, 1.0, math.nan], "b": [0.6, 1.0, 0.0], "c": [0.5, 1.0, 0.25], "d": [0.8, 0.0, 0.5]})
    result = compute(three_levels(), data, 2020)
    document = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert document["method"]["fingerprint"] == three_levels().fingerprint()
    assert document["regions"][2] == {"region": "C", "index": None, "rank": None,
                                      "pillars": {"P1": None, "P": None, "Q": 0.5},
                                      "scores": {"a": None, "b": 0.0, "c": 0.25, "d": 0.5},
                                      "contributions": {"a": None, "b": None, "c": None, "d": None}}
    assert document["excluded"] == {"C": "缺少数据：a (no score for: a)"}


def test_it_refuses_a_year_or_series_the_data_does_not_have() -> None:
    with pytest.raises(DataError, match="no year 2021"):
        compute(three_levels(), DATA, 2021)
    method = flat_method([{"name": "x", "source": "gdp"}])
    with pytest.raises(DataError, match="no indicator 'gdp'"):
        compute(method, DATA, 2020)


# -- Dataset ----------------------------------------------------------------------------------------------
def test_it_builds_a_dataset_from_long_rows() -> None:
    rows = [("B", "x", 2021, 2.5), ("A", "x", 2020, "1"), ("A", "y", 2021, ""), ("B", "y", "2020", None),
            ("A", "x", 2021, 3)]
    data = Dataset.from_rows(rows)
    assert data.regions == ["B", "A"] and data.indicators == ["x", "y"] and data.years == [2020, 2021]
    assert data.values.shape == (2, 2, 2)
    assert data.values[1, 0, 0] == 2.5 and data.values[0, 1, 0] == 1.0 and data.values[1, 1, 0] == 3.0
    assert np.isnan(data.values[1, 1, 1]) and np.isnan(data.values[0, 0, 1])
    np.testing.assert_array_equal(Dataset.from_rows(data.to_rows()).values, data.values)


@pytest.mark.parametrize(("rows", "expected"), [
    ([("A", "x", 2020, 1.0), ("A", "x", 2020, 2.0)], "duplicate value for A, x, 2020"),
    ([("A", "x", 2020, "n/a")], "row 1: bad value 'n/a'"),
    ([("A", "x", 2020, float("inf"))], "row 1: value is infinite"),
    ([("A", "x", "last year", 1.0)], "row 1: bad year"),
    ([("A", "x", 2020)], "row 1 must be (region, indicator, year, value)"),
    ([("", "x", 2020, 1.0)], "bad region or indicator name"),
    ([], "no rows"),
])
def test_it_refuses_bad_rows(rows: list[tuple[object, ...]], expected: str) -> None:
    with pytest.raises(DataError) as caught:
        Dataset.from_rows(rows)
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_it_refuses_inconsistent_arrays() -> None:
    with pytest.raises(DataError, match="expected"):
        Dataset(["A"], ["x"], [2020], np.zeros((1, 2, 1)))
    with pytest.raises(DataError, match="strictly increasing"):
        Dataset(["A"], ["x"], [2021, 2020], np.zeros((2, 1, 1)))
    with pytest.raises(DataError, match="duplicate region 'A'"):
        Dataset(["A", "A"], ["x"], [2020], np.zeros((1, 2, 1)))
    with pytest.raises(DataError, match="infinity"):
        Dataset(["A"], ["x"], [2020], np.full((1, 1, 1), np.inf))


def test_it_keeps_the_dataset_values_read_only() -> None:
    data = dataset({"x": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError):
        data.values[0, 0, 0] = 5.0
    series = data.series("x")
    series[0, 0] = 5.0  # a copy
    assert data.values[0, 0, 0] == 1.0
