"""Ranking as publishers do it, goalposts in original units, and the errors and warnings of issue 14.

Expected values are computed by hand (written next to each one) or published (UNDP HDR 2023/24).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from luoshi.compindex import DataError, Method, MethodError, compute, method_from_text
from luoshi.compindex.ranking import RankingRule, rank_values, round_half_away
from tests.compindex.builders import NAN, dataset, flat_method


def with_ranking(ranking: object) -> Method:
    document = flat_method([{"name": "x", "goalposts": [0, 1]}],
                           normalisation={"method": "goalposts", "clip": False}).to_dict()
    document["ranking"] = ranking
    return Method.from_dict(document)


# -- ranking --------------------------------------------------------------------------------------------
def test_it_rounds_half_away_from_zero_as_printed() -> None:
    # 0.7445 is stored as 0.74449999...; as printed it rounds up, like Excel's ROUND
    got = round_half_away(np.array([0.7445, -0.7445, 0.7444, 2.5, NAN]), 3)
    assert list(got[:4]) == [0.745, -0.745, 0.744, 2.5]
    assert math.isnan(got[4])
    assert list(round_half_away(np.array([2.5, 3.5, -0.5]), 0)) == [3.0, 4.0, -1.0]


def test_it_ranks_on_rounded_values_with_ties_sharing_a_rank() -> None:
    values = [0.7446, 0.7449, 0.7441, 0.8, NAN]
    data = dataset({"x": values}, regions=("A", "B", "C", "D", "E"))
    # unrounded: D 0.8, B 0.7449, A 0.7446, C 0.7441
    assert list(compute(with_ranking(None), data, 2020).ranks) == [3, 2, 4, 1, 0]
    # to 3 decimals: D 0.800; A and B 0.745 share rank 2; C 0.744 is 4th ("1224")
    rounded = compute(with_ranking({"round": 3, "ties": "min"}), data, 2020)
    assert list(rounded.ranks) == [2, 2, 4, 1, 0]
    assert rounded.to_dict()["ranking"] == {"round": 3, "ties": "min"}
    assert rounded.index[0] == pytest.approx(0.7446)  # the index itself is not rounded
    # dense: "1223"
    assert list(compute(with_ranking({"round": 3, "ties": "dense"}), data, 2020).ranks) == [2, 2, 3, 1, 0]


def test_it_ranks_draw_by_draw_along_the_last_axis() -> None:
    draws = np.array([[1.0, 2.0, 2.0], [3.0, 1.0, 2.0]])
    assert rank_values(draws).tolist() == [[3, 1, 1], [1, 3, 2]]
    assert rank_values(draws, "dense").tolist() == [[2, 1, 1], [1, 3, 2]]


@pytest.mark.parametrize("ranking", [{"round": -1}, {"round": 1.5}, {"round": True}, {"ties": "average"},
                                     {"decimals": 3}, "round 3"])
def test_it_refuses_a_bad_ranking_rule(ranking: object) -> None:
    with pytest.raises(MethodError) as error:
        with_ranking(ranking)
    assert error.value.code == "bad_ranking"


def test_it_writes_the_ranking_rule_only_when_one_is_stated() -> None:
    plain = flat_method(["x"])
    assert "ranking" not in plain.to_dict()  # so fingerprints of methods stored before the rule stay the same
    assert plain.ranking == RankingRule()
    stated = with_ranking({"round": 3})
    assert stated.to_dict()["ranking"] == {"round": 3, "ties": "min"}
    assert Method.from_dict(stated.to_dict()) == stated
    assert stated.fingerprint() != with_ranking(None).fingerprint()
    assert "3 decimals" in stated.describe("en") and "3 位小数" in stated.describe("zh")


# -- goalposts in original units: the UNDP Human Development Index -----------------------------------------
HDI = """
id: undp-hdi
version: "2022"
defaults: {normalisation: goalposts}
ranking: {round: 3, ties: min}
indicators:
  - {name: life, goalposts: {min: 20, max: 85}}
  - {name: expected_school, goalposts: {min: 0, max: 18}}
  - {name: mean_school, goalposts: {min: 0, max: 15}}
  - {name: income, transforms: [ln], goalposts: {min: 100, max: 75000, units: original}}
index:
  name: hdi
  aggregation: geometric
  children:
    - {name: health, children: [life]}
    - {name: education, children: [expected_school, mean_school]}
    - {name: standard, children: [income]}
"""


def test_it_takes_goalposts_for_a_logged_indicator_in_original_units() -> None:
    method = method_from_text(HDI)
    income = method.indicator("income")
    assert income.goalposts == pytest.approx((math.log(100), math.log(75000)))
    assert method.to_dict()["indicators"][3]["goalposts"] == {"min": 100.0, "max": 75000.0, "units": "original"}
    assert Method.from_dict(method.to_dict()) == method
    # HDR 2023/24, Table 1 (2022): life expectancy, expected and mean years of schooling, GNI per capita
    data = dataset({"life": [84.3, 83.4, 82.8], "expected_school": [16.6, 18.8, 19.1],
                    "mean_school": [13.9, 13.1, 13.8], "income": [69433.0, 69190.0, 54688.0]},
                   regions=("Switzerland", "Norway", "Iceland"), year=2022)
    result = compute(method, data, 2022)
    # Switzerland by hand: income (ln 69433 - ln 100) / (ln 75000 - ln 100)
    income_ch = (math.log(69433) - math.log(100)) / (math.log(75000) - math.log(100))
    assert result.scores["income"][0] == pytest.approx(income_ch)
    health, education = (84.3 - 20) / 65, (16.6 / 18 + 13.9 / 15) / 2
    assert result.index[0] == pytest.approx((health * education * income_ch) ** (1 / 3))
    # published HDI 0.967, 0.966, 0.959 and ranks 1, 2, 3
    assert [round(float(value), 3) for value in result.index] == [0.967, 0.966, 0.959]
    assert list(result.ranks) == [1, 2, 3]


@pytest.mark.parametrize(("transforms", "message"), [
    ([{"method": "per_capita", "denominator": "pop"}], "cannot pass through the 'per_capita'"),
    (["ln"], "must be above 0"),
])
def test_it_refuses_goalposts_in_original_units_it_cannot_transform(transforms: object, message: str) -> None:
    with pytest.raises(MethodError, match=message) as error:
        flat_method([{"name": "x", "transforms": transforms, "goalposts": {"min": 0, "max": 10, "units": "original"}}],
                    normalisation="goalposts")
    assert error.value.code == "goalposts_units"


def test_it_orders_goalposts_that_a_negative_scale_flips() -> None:
    method = flat_method([{"name": "x", "transforms": [{"method": "scale", "factor": -2}],
                           "goalposts": {"min": 1, "max": 10, "units": "original"}}], normalisation="goalposts")
    assert method.indicator("x").goalposts == (-20.0, -2.0)


# -- errors and warnings ------------------------------------------------------------------------------------
def test_it_names_a_node_nested_inside_itself_instead_of_recursing() -> None:
    text = """
version: 1
indicators: [x]
index: &top
  name: index
  children: [x, *top]
"""
    with pytest.raises(MethodError, match=r"nests index inside itself at index\.children\[1\]") as error:
        method_from_text(text)
    assert error.value.code == "self_nesting"


def test_it_accepts_an_alias_used_twice_side_by_side() -> None:
    text = """
version: 1
defaults: {normalisation: &norm {method: minmax}}
indicators: [{name: x, normalisation: *norm}, {name: y, normalisation: *norm}]
index: {name: index, children: [x, y]}
"""
    assert method_from_text(text).indicator("y").normalisation == {"method": "minmax", "clip": False}


LOGGED = {"name": "x", "transforms": ["ln"]}


@pytest.mark.parametrize("missing", ["none", "peer_mean", {"method": "constant", "value": 1}])
def test_it_refuses_the_log_of_zero_whatever_the_missing_rule(missing: object) -> None:
    data = dataset({"x": [1.0, math.e, 0.0]})
    with pytest.raises(DataError, match=r"log of a value <= 0 is undefined, for 1 region\(s\) in 2020: C") as error:
        compute(flat_method([LOGGED], missing=missing), data, 2020)
    assert error.value.code == "log_not_positive"
    assert error.value.params == {"indicator": "x", "year": 2020, "regions": ["C"]}


def test_it_excludes_without_filling_when_told_to() -> None:
    data = dataset({"x": [1.0, math.e, -3.0], "y": [1.0, 2.0, 3.0]})
    method = flat_method([{"name": "x", "transforms": [{"method": "ln", "invalid": "exclude"}]}, "y"],
                         missing="peer_mean")
    result = compute(method, data, 2020)
    assert math.isnan(result.values["x"][2])  # not the peers' mean 0.5
    assert result.imputed == ()
    assert list(result.ranks) == [2, 1, 0]  # A: (0 + 0)/2, B: (1 + 0.5)/2
    assert "log of a value <= 0: x" in result.excluded["C"]
    assert [notice.code for notice in result.notices] == ["log_not_positive_excluded"]
    assert result.to_dict()["notices"][0]["params"] == {"indicator": "x", "year": 2020, "regions": ["C"]}


def test_it_states_a_log_of_zero_in_another_year() -> None:
    from tests.compindex.builders import panel

    data = panel({"x": [[0.0, 1.0, 2.0], [1.0, 2.0, 4.0]]}, ("A", "B", "C"), (2019, 2020))
    result = compute(flat_method([LOGGED], missing="carry_last"), data, 2020)
    assert [notice.code for notice in result.notices] == ["log_not_positive_other_years"]
    assert result.notices[0].params == {"indicator": "x", "years": [2019]}


def test_it_warns_when_an_indicator_is_empty_for_every_region() -> None:
    data = dataset({"x": [NAN, NAN, NAN], "y": [1.0, 2.0, 3.0]})
    method = flat_method([{"name": "x", "goalposts": [0, 1]}, {"name": "y", "goalposts": [0, 4]}],
                         normalisation="goalposts", missing="none")
    result = compute(method, data, 2020)
    assert list(result.ranks) == [0, 0, 0]
    assert [notice.code for notice in result.notices] == ["indicator_empty"]
    assert result.notices[0].message == (
        "indicator 'x' has no value in 2020 for any region (missing-data rule: none), so no region can be ranked")
