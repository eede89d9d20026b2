"""Small datasets and method documents for the tests, written out so the arithmetic can be checked by hand."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from luoshi.compindex import Dataset, Method


def dataset(columns: Mapping[str, Sequence[float]], regions: Sequence[str] = ("A", "B", "C"),
            year: int = 2020) -> Dataset:
    """One year; ``columns`` maps indicator -> one value per region (NaN for missing)."""
    values = np.array([list(column) for column in columns.values()], dtype=float).T[None, :, :]
    return Dataset(list(regions), list(columns), [year], values)


def panel(columns: Mapping[str, Sequence[Sequence[float]]], regions: Sequence[str], years: Sequence[int]) -> Dataset:
    """Several years; ``columns`` maps indicator -> [year][region]."""
    values = np.stack([np.array(rows, dtype=float) for rows in columns.values()], axis=-1)
    return Dataset(list(regions), list(columns), list(years), values)


def flat_method(indicators: Sequence[Mapping[str, Any] | str], *, normalisation: Any = "minmax",
                missing: Any = "none", outliers: Any = "none", aggregation: Any = "arithmetic",
                weights: Any = "equal") -> Method:
    """Every indicator directly under the index."""
    names = [item if isinstance(item, str) else item["name"] for item in indicators]
    return Method.from_dict({
        "version": "1",
        "defaults": {"normalisation": normalisation, "missing": missing, "outliers": outliers},
        "indicators": list(indicators),
        "index": {"name": "index", "aggregation": aggregation, "weights": weights, "children": names},
    })


NAN = math.nan
