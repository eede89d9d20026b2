"""The data the engine reads: a year x region x indicator array with NaN for missing values."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from luoshi.compindex.errors import DataError, bilingual

FloatArray = npt.NDArray[np.float64]

Row = tuple[str, str, int, float | None]
"""One observation in long form: (region, indicator, year, value); ``None``/NaN/"" is a missing value."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """``values[y, r, i]`` is indicator ``indicators[i]`` of region ``regions[r]`` in year ``years[y]``.

    Years are strictly increasing (carrying the last value forward and growth rates rely on it); names are
    unique; infinities are refused (a missing value is NaN, never inf).
    """

    regions: list[str]
    indicators: list[str]
    years: list[int]
    values: FloatArray
    _region_index: dict[str, int] = field(init=False, repr=False)
    _indicator_index: dict[str, int] = field(init=False, repr=False)
    _year_index: dict[int, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        values = np.array(self.values, dtype=np.float64)
        values.setflags(write=False)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "regions", list(self.regions))
        object.__setattr__(self, "indicators", list(self.indicators))
        object.__setattr__(self, "years", [int(year) for year in self.years])
        expected = (len(self.years), len(self.regions), len(self.indicators))
        if values.shape != expected:
            raise DataError(bilingual(
                "数据数组的形状与名称列表不符",
                f"values has shape {values.shape}, expected (years, regions, indicators) = {expected}"))
        for kind, names in (("region", self.regions), ("indicator", self.indicators)):
            seen: set[str] = set()
            for name in names:
                if not isinstance(name, str) or not name:
                    raise DataError(bilingual(f"{kind} 名称须为非空文本", f"{kind} names must be non-empty strings"))
                if name in seen:
                    raise DataError(bilingual(f"重复的名称 '{name}'", f"duplicate {kind} '{name}'"))
                seen.add(name)
        if any(later <= earlier for earlier, later in zip(self.years, self.years[1:], strict=False)):
            raise DataError(bilingual("年份须严格递增且不重复", f"years must be strictly increasing: {self.years}"))
        if np.isinf(values).any():
            raise DataError(bilingual("数据含无穷大值", "values contain infinity; use NaN for a missing value"))
        object.__setattr__(self, "_region_index", {name: i for i, name in enumerate(self.regions)})
        object.__setattr__(self, "_indicator_index", {name: i for i, name in enumerate(self.indicators)})
        object.__setattr__(self, "_year_index", {year: i for i, year in enumerate(self.years)})

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Sequence[object]],
        *,
        regions: Sequence[str] | None = None,
        indicators: Sequence[str] | None = None,
        years: Sequence[int] | None = None,
    ) -> Dataset:
        """Build from long rows (region, indicator, year, value). Names keep first-seen order unless given.

        A value of ``None``, ``""`` or NaN is missing; a (region, indicator, year) given twice is an error,
        as is a row naming a region/indicator/year outside explicitly given lists.
        """
        cells: dict[tuple[str, str, int], float] = {}
        seen_regions: dict[str, None] = dict.fromkeys(regions or ())
        seen_indicators: dict[str, None] = dict.fromkeys(indicators or ())
        seen_years: set[int] = set(years or ())
        for number, row in enumerate(rows, start=1):
            if len(row) != 4:
                raise DataError(bilingual(
                    f"第 {number} 行须有 4 列",
                    f"row {number} must be (region, indicator, year, value)"))
            region, indicator, year_raw, raw = row
            year = _year(year_raw, number)
            if not isinstance(region, str) or not region or not isinstance(indicator, str) or not indicator:
                raise DataError(bilingual(
                    f"第 {number} 行的地区或指标名无效",
                    f"row {number}: bad region or indicator name"))
            for given, name, seen, kind in ((regions, region, seen_regions, "region"),
                                            (indicators, indicator, seen_indicators, "indicator")):
                if given is not None and name not in seen:
                    raise DataError(bilingual(
                        f"第 {number} 行的 {name} 不在名单中",
                        f"row {number}: unknown {kind} '{name}'"))
                seen.setdefault(name, None)
            if years is not None and year not in seen_years:
                raise DataError(bilingual(
                    f"第 {number} 行的年份 {year} 不在名单中",
                    f"row {number}: unknown year {year}"))
            seen_years.add(year)
            key = (region, indicator, year)
            if key in cells:
                raise DataError(bilingual(
                    f"重复的观测值：{region} / {indicator} / {year}",
                    f"duplicate value for {region}, {indicator}, {year}"))
            cells[key] = _value(raw, number)
        region_list, indicator_list, year_list = list(seen_regions), list(seen_indicators), sorted(seen_years)
        if not region_list or not indicator_list or not year_list:
            raise DataError(bilingual("数据为空", "no rows: a dataset needs at least one region, indicator and year"))
        values = np.full((len(year_list), len(region_list), len(indicator_list)), np.nan)
        region_at = {name: i for i, name in enumerate(region_list)}
        indicator_at = {name: i for i, name in enumerate(indicator_list)}
        year_at = {year: i for i, year in enumerate(year_list)}
        for (region, indicator, year), value in cells.items():
            values[year_at[year], region_at[region], indicator_at[indicator]] = value
        return cls(region_list, indicator_list, year_list, values)

    def year_index(self, year: int) -> int:
        try:
            return self._year_index[year]
        except KeyError:
            raise DataError(bilingual(
                f"数据中没有 {year} 年",
                f"dataset has no year {year}; years: {self.years}")) from None

    def region_index(self, region: str) -> int:
        try:
            return self._region_index[region]
        except KeyError:
            raise DataError(bilingual(f"数据中没有地区 '{region}'", f"dataset has no region '{region}'")) from None

    def series(self, indicator: str) -> FloatArray:
        """A writable copy of one indicator's values, shape (years, regions)."""
        try:
            column = self._indicator_index[indicator]
        except KeyError:
            raise DataError(bilingual(
                f"数据中没有指标 '{indicator}'", f"dataset has no indicator '{indicator}'")) from None
        return np.array(self.values[:, :, column], dtype=np.float64)

    def to_rows(self) -> list[Row]:
        """The long form back (missing values as ``None``), in year, region, indicator order."""
        rows: list[Row] = []
        for y, year in enumerate(self.years):
            for r, region in enumerate(self.regions):
                for i, indicator in enumerate(self.indicators):
                    value = float(self.values[y, r, i])
                    rows.append((region, indicator, year, None if math.isnan(value) else value))
        return rows


def _year(raw: object, number: int) -> int:
    if isinstance(raw, bool):
        raise DataError(bilingual(f"第 {number} 行的年份无效", f"row {number}: bad year {raw!r}"))
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    raise DataError(bilingual(f"第 {number} 行的年份无效", f"row {number}: bad year {raw!r}"))


def _value(raw: object, number: int) -> float:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return math.nan
    if isinstance(raw, bool):
        raise DataError(bilingual(f"第 {number} 行的数值无效", f"row {number}: bad value {raw!r}"))
    try:
        value = float(raw.strip()) if isinstance(raw, str) else float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DataError(bilingual(f"第 {number} 行的数值无效", f"row {number}: bad value {raw!r}")) from None
    if math.isinf(value):
        raise DataError(bilingual(f"第 {number} 行的数值为无穷大", f"row {number}: value is infinite"))
    return value
