"""Rank shifts between two editions, split into data and method by recomputing with swapped inputs."""

from __future__ import annotations

from luoshi.compindex.compare import compare
from tests.compindex.builders import dataset, flat_method

X_HEAVY = flat_method(["x", "y"], weights={"x": 0.8, "y": 0.2})
Y_HEAVY = flat_method(["x", "y"], weights={"x": 0.2, "y": 0.8})
OLD = dataset({"x": [0.0, 1.0, 2.0], "y": [2.0, 0.0, 1.0]})  # scores x 0, .5, 1; y 1, 0, .5
NEW = dataset({"x": [2.0, 1.0, 0.0], "y": [2.0, 0.0, 1.0]})  # scores x 1, .5, 0; y 1, 0, .5


def test_it_splits_each_rank_shift_into_data_and_method() -> None:
    # r(old method, old data): .2, .4, .9   -> A 3, B 2, C 1
    # r(new method, old data): .8, .1, .6   -> A 1, B 3, C 2
    # r(old method, new data): 1, .4, .1    -> A 1, B 2, C 3
    # r(new method, new data): 1, .1, .4    -> A 1, B 3, C 2
    found = {shift.region: shift for shift in compare((X_HEAVY, OLD, 2020), (Y_HEAVY, NEW, 2020)).shifts}
    a, b, c = found["A"], found["B"], found["C"]
    # A: 3 -> 1; data ((1 - 3) + (1 - 1)) / 2 = -1; method ((1 - 3) + (1 - 1)) / 2 = -1
    assert (a.before, a.after, a.shift, a.data, a.method, a.cause) == (3, 1, -2, -1.0, -1.0, "both")
    # B: 2 -> 3; data ((2 - 2) + (3 - 3)) / 2 = 0; method ((3 - 2) + (3 - 2)) / 2 = 1
    assert (b.shift, b.data, b.method, b.cause) == (1, 0.0, 1.0, "method")
    # C: 1 -> 2; data ((3 - 1) + (2 - 2)) / 2 = 1; method ((2 - 1) + (2 - 3)) / 2 = 0
    assert (c.shift, c.data, c.method, c.cause) == (1, 1.0, 0.0, "data")
    for shift in found.values():
        assert shift.data + shift.method == shift.shift


def test_it_puts_every_shift_on_the_data_when_the_method_is_the_same() -> None:
    comparison = compare((X_HEAVY, OLD, 2020), (X_HEAVY, NEW, 2020))
    assert comparison.same_method and not comparison.same_data
    assert all(shift.method == 0 and shift.data == shift.shift for shift in comparison.shifts)
    assert [shift.cause for shift in comparison.shifts] == ["data", "none", "data"]  # A 3 -> 1, B 2, C 1 -> 3


def test_it_lists_regions_not_ranked_in_both() -> None:
    later = dataset({"x": [0.0, 1.0, 2.0, 3.0], "y": [2.0, 0.0, 1.0, 1.0]}, regions="ABCD")
    comparison = compare((X_HEAVY, OLD, 2020), (X_HEAVY, later, 2020))
    assert comparison.unmatched == ("D",)
    assert [shift.region for shift in comparison.shifts] == ["C", "B", "A"]  # by new rank
    assert comparison.to_dict()["shifts"][0]["region"] == "C"
