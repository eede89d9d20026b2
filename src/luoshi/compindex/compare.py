"""Comparing two editions or two methods: each region's rank shift and how much of it the data or the method made.

An edition is (method, data, year). Between edition a = (A, d_a) and edition b = (B, d_b) a region's rank
moves by r(B, d_b) - r(A, d_a). Recomputing with swapped inputs gives the two crossed results r(A, d_b) (old
method, new data) and r(B, d_a) (new method, old data), and the shift splits exactly into

    data   = ( [r(A, d_b) - r(A, d_a)] + [r(B, d_b) - r(B, d_a)] ) / 2
    method = ( [r(B, d_a) - r(A, d_a)] + [r(B, d_b) - r(A, d_b)] ) / 2

the average of the two orders of making the changes (the Shapley split of two factors), so
data + method = shift whatever order the office made them in. "Data" covers everything in the
dataset and the year (new figures, revisions, a later year); "method" everything in the method document.

Positive numbers are ranks lost (a larger rank number); ``cause`` names the larger part (``data``,
``method``, ``both`` when equal and non-zero, ``none``). Only regions ranked in all four results are
compared; the others are listed in ``unmatched``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from luoshi.compindex.compute import Result, compute
from luoshi.compindex.dataset import Dataset
from luoshi.compindex.method import Method


@dataclass(frozen=True)
class RankShift:
    region: str
    before: int
    after: int
    shift: int
    """after - before: positive = ranks lost."""
    data: float
    method: float
    cause: str


@dataclass(frozen=True)
class Comparison:
    shifts: tuple[RankShift, ...]
    unmatched: tuple[str, ...]
    same_method: bool
    same_data: bool

    def to_dict(self) -> dict[str, object]:
        return {"shifts": [asdict(shift) for shift in self.shifts], "unmatched": list(self.unmatched),
                "same_method": self.same_method, "same_data": self.same_data}


def _ranks(result: Result) -> dict[str, int]:
    return {region: int(rank) for region, rank in zip(result.regions, result.ranks, strict=True) if rank > 0}


def compare(before: tuple[Method, Dataset, int], after: tuple[Method, Dataset, int]) -> Comparison:
    """Rank shifts from ``before`` to ``after`` (each a (method, dataset, year)), split into data and method."""
    method_a, data_a, year_a = before
    method_b, data_b, year_b = after
    old = _ranks(compute(method_a, data_a, year_a))
    new = _ranks(compute(method_b, data_b, year_b))
    same_method = method_a.fingerprint() == method_b.fingerprint()
    same_data = data_a is data_b and year_a == year_b
    old_method_new_data = new if same_method else _ranks(compute(method_a, data_b, year_b))
    new_method_old_data = old if same_method else _ranks(compute(method_b, data_a, year_a))
    regions = [region for region in old if region in new and region in old_method_new_data
               and region in new_method_old_data]
    shifts = []
    for region in regions:
        data = ((old_method_new_data[region] - old[region]) + (new[region] - new_method_old_data[region])) / 2
        method = ((new_method_old_data[region] - old[region]) + (new[region] - old_method_new_data[region])) / 2
        cause = ("none" if data == method == 0 else "both" if abs(data) == abs(method)
                 else "data" if abs(data) > abs(method) else "method")
        shifts.append(RankShift(region, old[region], new[region], new[region] - old[region], data, method, cause))
    everyone = set(old) | set(new)
    return Comparison(
        shifts=tuple(sorted(shifts, key=lambda shift: (shift.after, shift.region))),
        unmatched=tuple(sorted(everyone - set(regions))), same_method=same_method, same_data=same_data)


__all__ = ["Comparison", "RankShift", "compare"]
