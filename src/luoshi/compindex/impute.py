"""Missing-data treatment (Handbook step 3), applied to an indicator's (years, regions) panel.

``none`` leaves gaps: a region missing a value in the computed year gets no score and no rank, and the
result says why (``Result.excluded``). ``error`` refuses the data instead. ``carry_last`` uses the
region's most recent earlier value (never a later one), within ``max_years`` if set. ``peer_mean`` uses
the mean of the other regions with a value in the same year (within the region's peer group when
``groups`` are given). ``constant`` fills a stated value (e.g. 0 where a blank means "none").
``peer_median`` is ``peer_mean`` with the median. ``regression`` predicts the value from other series of
the dataset (``predictors``), by least squares with an intercept fitted year by year on the regions that
have the value and every predictor. ``em`` fits the indicator and its predictors as a multivariate normal
by expectation-maximisation, year by year, and fills each gap with its conditional mean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from luoshi.compindex.dataset import Dataset, FloatArray
from luoshi.compindex.errors import DataError, bilingual
from luoshi.compindex.registry import Param, Registry, Step, StepConfig


@dataclass(frozen=True)
class ImputeContext:
    indicator: str
    regions: tuple[str, ...]
    years: tuple[int, ...]
    target: int
    """Index of the computed year in ``years``."""
    dataset: Dataset | None = None
    """The whole dataset, for imputers that read other series (``regression``)."""


Imputer = Callable[[FloatArray, ImputeContext, StepConfig], FloatArray]

IMPUTERS: Registry[Imputer] = Registry("missing", "缺失值处理")


def leave_missing(panel: FloatArray, context: ImputeContext, params: StepConfig) -> FloatArray:
    return panel


def refuse_missing(panel: FloatArray, context: ImputeContext, params: StepConfig) -> FloatArray:
    missing = [context.regions[r] for r in np.flatnonzero(np.isnan(panel[context.target]))]
    if missing:
        year = context.years[context.target]
        shown = ", ".join(missing[:5]) + ("…" if len(missing) > 5 else "")
        raise DataError(bilingual(
            f"指标 {context.indicator} 在 {year} 年缺少 {len(missing)} 个地区的数据：{shown}",
            f"indicator '{context.indicator}' is missing in {year} for {len(missing)} region(s): {shown}"))
    return panel


def carry_last(panel: FloatArray, context: ImputeContext, params: StepConfig) -> FloatArray:
    """Forward fill along years; ``max_years`` bounds the distance in calendar years, not in rows."""
    limit = params.get("max_years")
    out = panel.copy()
    last_value = np.full(panel.shape[1], np.nan)
    last_year = np.full(panel.shape[1], np.nan)
    for index, year in enumerate(context.years):
        observed = ~np.isnan(panel[index])
        fill = ~observed & ~np.isnan(last_value)
        if limit is not None:
            fill &= (year - last_year) <= limit
        out[index] = np.where(fill, last_value, panel[index])
        last_value = np.where(observed, panel[index], last_value)
        last_year = np.where(observed, float(year), last_year)
    return out


def _peer_labels(context: ImputeContext, params: StepConfig) -> npt.NDArray[np.int64]:
    groups: dict[str, list[str]] = params.get("groups") or {}
    label = np.zeros(len(context.regions), dtype=np.int64)  # 0 = "all regions" group
    position = {name: index for index, name in enumerate(context.regions)}
    for number, (group, members) in enumerate(groups.items(), start=1):
        for member in members:
            if member not in position:
                raise DataError(bilingual(f"分组 {group} 中的地区 '{member}' 不在数据中",
                                          f"peer group '{group}' names region '{member}', which is not in the data"))
            label[position[member]] = number
    return label


def peer_mean(panel: FloatArray, context: ImputeContext, params: StepConfig) -> FloatArray:
    label = _peer_labels(context, params)
    out = panel.copy()
    for group in np.unique(label):
        columns = label == group
        block = panel[:, columns]
        observed = ~np.isnan(block)
        counts = observed.sum(axis=1, keepdims=True)
        sums = np.where(observed, block, 0.0).sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        out[:, columns] = np.where(observed, block, means)
    return out


def peer_median(panel: FloatArray, context: ImputeContext, params: StepConfig) -> FloatArray:
    label = _peer_labels(context, params)
    out = panel.copy()
    for group in np.unique(label):
        columns = label == group
        block = panel[:, columns]
        for year in range(block.shape[0]):
            row = block[year]
            if np.isnan(row).any() and not np.isnan(row).all():
                out[year, columns] = np.where(np.isnan(row), float(np.nanmedian(row)), row)
    return out


def regression(panel: FloatArray, context: ImputeContext, params: StepConfig) -> FloatArray:
    """Per year: least squares with an intercept on the regions that have the value and every predictor;
    a missing value is predicted where the region has every predictor."""
    if context.dataset is None:
        raise DataError("regression imputation needs the dataset", code="no_dataset")
    predictors = np.stack([context.dataset.series(name) for name in params["predictors"]], axis=-1)
    out = panel.copy()
    for year in range(panel.shape[0]):
        y, x = panel[year], predictors[year]
        has_x = ~np.isnan(x).any(axis=1)
        fit = has_x & ~np.isnan(y)
        wanted = has_x & np.isnan(y)
        if not wanted.any():
            continue
        design = np.column_stack([np.ones(int(fit.sum())), x[fit]])
        if fit.sum() < design.shape[1] + 1 or np.linalg.matrix_rank(design) < design.shape[1]:
            raise DataError(
                f"indicator '{context.indicator}': too few regions ({int(fit.sum())}) with the value and every "
                f"predictor in {context.years[year]} to fit the regression",
                code="regression_underdetermined", params={"indicator": context.indicator,
                                                           "year": context.years[year]})
        coefficients, *_ = np.linalg.lstsq(design, y[fit], rcond=None)
        out[year, wanted] = np.column_stack([np.ones(int(wanted.sum())), x[wanted]]) @ coefficients
    return out


def expectation_maximisation(panel: FloatArray, context: ImputeContext, params: StepConfig) -> FloatArray:
    """Per year: the indicator and its ``predictors`` as a multivariate normal fitted by EM with missing values
    (Dempster, Laird & Rubin 1977; Little & Rubin ch. 11); a missing value becomes its conditional mean given
    the region's observed values. Unlike ``regression``, a region may lack some predictors, and regions
    lacking a predictor still inform the fit."""
    if context.dataset is None:
        raise DataError("EM imputation needs the dataset", code="no_dataset")
    predictors = [context.dataset.series(name) for name in params["predictors"]]
    out = panel.copy()
    for year in range(panel.shape[0]):
        if not np.isnan(panel[year]).any():
            continue
        block = np.column_stack([panel[year], *(series[year] for series in predictors)])
        useful = ~np.isnan(block).all(axis=1)
        if np.isnan(block[useful, 0]).all():
            continue  # nothing observed to learn the indicator from
        completed = _em_fill(block[useful], int(params["iterations"]), float(params["tolerance"]),
                             context, context.years[year])
        column = out[year].copy()
        column[useful] = completed[:, 0]
        out[year] = np.where(np.isnan(panel[year]), column, panel[year])
    return out


def _em_fill(data: FloatArray, iterations: int, tolerance: float, context: ImputeContext, year: int) -> FloatArray:
    rows, columns = data.shape
    missing = np.isnan(data)
    if rows < columns + 2 or (missing.all(axis=0)).any():
        raise DataError(
            f"indicator '{context.indicator}': too few regions ({rows}) with values in {year} for EM imputation "
            f"with {columns - 1} predictor(s)", code="em_underdetermined",
            params={"indicator": context.indicator, "year": year})
    mean = np.nanmean(data, axis=0)
    covariance = np.diag(np.nanvar(data, axis=0) + 1e-12)
    filled = np.where(missing, mean, data)
    for _ in range(iterations):
        correction = np.zeros((columns, columns))
        for r in range(rows):
            gone = missing[r]
            if not gone.any():
                continue
            seen = ~gone
            gain = covariance[np.ix_(gone, seen)] @ np.linalg.pinv(covariance[np.ix_(seen, seen)])
            filled[r, gone] = mean[gone] + gain @ (data[r, seen] - mean[seen])
            correction[np.ix_(gone, gone)] += covariance[np.ix_(gone, gone)] - gain @ covariance[np.ix_(seen, gone)]
        new_mean = filled.mean(axis=0)
        centred = filled - new_mean
        new_covariance = (centred.T @ centred + correction) / rows
        change = max(float(np.abs(new_mean - mean).max()), float(np.abs(new_covariance - covariance).max()))
        mean, covariance = new_mean, new_covariance
        if change < tolerance:
            break
    return filled


def constant(panel: FloatArray, context: ImputeContext, params: StepConfig) -> FloatArray:
    return np.where(np.isnan(panel), float(params["value"]), panel)


for _step in (
    Step[Imputer]("none", leave_missing, (),
                  "none: a region missing a value in the computed year is left out of the index and ranks, "
                  "with the reason stated",
                  "不插补：当年缺少数据的地区不计算指数、不参与排名，并注明原因"),
    Step[Imputer]("error", refuse_missing, (),
                  "none: a missing value in the computed year is an error", "不插补：当年有缺失值即报错"),
    Step[Imputer]("carry_last", carry_last, (Param("max_years", "integer", minimum=1),),
                  "carry the region's last earlier value forward (at most {max_years} years back)",
                  "沿用该地区最近一个较早年份的数值（最多回溯 {max_years} 年）"),
    Step[Imputer]("peer_mean", peer_mean, (Param("groups", "groups"),),
                  "mean of the peer regions with a value in the same year (peer groups: {groups})",
                  "用同年有数据的同组地区平均值代替（分组：{groups}）"),
    Step[Imputer]("peer_median", peer_median, (Param("groups", "groups"),),
                  "median of the peer regions with a value in the same year (peer groups: {groups})",
                  "用同年有数据的同组地区中位数代替（分组：{groups}）"),
    Step[Imputer]("regression", regression, (Param("predictors", "names", required=True),),
                  "predicted by least squares on {predictors} over the regions with every value, year by year",
                  "按同年各地区数据对 {predictors} 做最小二乘回归的预测值"),
    Step[Imputer]("em", expectation_maximisation, (
        Param("predictors", "names", required=True),
        Param("iterations", "integer", default=200, minimum=1),
        Param("tolerance", "number", default=1e-9, positive=True),
    ), "conditional mean under a multivariate normal of the indicator and {predictors}, fitted by EM "
       "year by year (at most {iterations} iterations)",
       "按该指标与 {predictors} 的多元正态分布（EM 算法逐年估计，最多迭代 {iterations} 次）取条件期望"),
    Step[Imputer]("constant", constant, (Param("value", "number", required=True),),
                  "a missing value counts as {value}", "缺失值按 {value} 计"),
):
    IMPUTERS.register(_step)


__all__ = ["IMPUTERS", "ImputeContext", "Imputer"]
