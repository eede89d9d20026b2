"""Weighting (Handbook step 6): the weights of one node's children, summing to one.

- ``equal``: 1/k each.
- ``explicit``: expert weights per child (``values: {child: weight}``, summing to one; checked on load).
- ``pca``: the Handbook's PCA/factor-analysis weights (Nicoletti et al., Handbook §6.1), computed on the
  children's scores in the computed year (regions with a missing child are left out):

  1. standardise each child (mean 0, sample sd 1) and take the SVD of Z / sqrt(n - 1); the squared
     singular values are the eigenvalues of the correlation matrix, loadings = eigenvector x sqrt(eigenvalue);
  2. retain factors in order while eigenvalue > ``min_eigenvalue`` (1) and share of variance > ``min_share``
     (10%), then add factors until the cumulative share reaches ``min_cumulative`` (60%); at least one;
  3. rotate the retained loadings by varimax (Kaiser-normalised) unless ``rotation: none``;
  4. square the loadings and scale them to sum to one within each factor;
  5. each child takes its largest scaled squared loading times that factor's share of the variance
     explained by the retained factors (after rotation); the weights are rescaled to sum to one.

  This is the squared-loadings / explained-variance method of the Handbook's TAI example (Tables 19-20).
  A child loading on no retained factor gets weight 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from luoshi.compindex.dataset import FloatArray
from luoshi.compindex.errors import DataError, bilingual
from luoshi.compindex.registry import Param, Registry, Step, StepConfig

Weigher = Callable[[FloatArray, tuple[str, ...], StepConfig], FloatArray]

WEIGHTS: Registry[Weigher] = Registry("weights", "权重")


def equal(scores: FloatArray, children: tuple[str, ...], params: StepConfig) -> FloatArray:
    return np.full(len(children), 1.0 / len(children))


def explicit(scores: FloatArray, children: tuple[str, ...], params: StepConfig) -> FloatArray:
    values: dict[str, float] = params["values"]
    return np.array([values[child] for child in children], dtype=np.float64)


@dataclass(frozen=True)
class PcaWeights:
    weights: FloatArray
    eigenvalues: FloatArray
    """Eigenvalues of the correlation matrix, largest first."""
    loadings: FloatArray
    """Loadings of the retained factors (children x factors), after rotation."""
    factor_shares: FloatArray
    """Each retained factor's share of the variance they explain together (after rotation)."""


def varimax(loadings: FloatArray, iterations: int = 500, tolerance: float = 1e-10) -> FloatArray:
    """Kaiser-normalised varimax rotation (Kaiser 1958), the usual SVD iteration."""
    rows, factors = loadings.shape
    if factors < 2:
        return loadings
    communality = np.sqrt((loadings**2).sum(axis=1))
    communality[communality == 0] = 1.0
    normalised = loadings / communality[:, None]
    rotation = np.eye(factors)
    criterion = 0.0
    for _ in range(iterations):
        rotated = normalised @ rotation
        target = rotated**3 - rotated @ np.diag((rotated**2).sum(axis=0)) / rows
        left, singular, right = np.linalg.svd(normalised.T @ target)
        rotation = left @ right
        updated = float(singular.sum())
        if updated < criterion * (1 + tolerance):
            break
        criterion = updated
    result: FloatArray = (normalised @ rotation) * communality[:, None]
    return result


_EIGEN_TOLERANCE = 1e-9


def pca_weights(
    scores: FloatArray,
    *,
    rotation: str = "varimax",
    min_eigenvalue: float = 1.0,
    min_share: float = 0.1,
    min_cumulative: float = 0.6,
) -> PcaWeights:
    """PCA weights of the columns of ``scores`` (regions x children); see the module docstring."""
    children = scores.shape[1]
    complete = scores[~np.isnan(scores).any(axis=1)]
    if children == 1:
        one = np.ones(1)
        return PcaWeights(one, one, one[:, None], one)
    if complete.shape[0] < 3:
        raise DataError(bilingual(
            "主成分权重至少需要 3 个数据完整的地区",
            "PCA weights need at least 3 complete regions"))
    spread = complete.std(axis=0, ddof=1)
    if (spread == 0).any():
        raise DataError(bilingual(
            "有指标在各地区间无差异，无法计算主成分权重",
            "PCA weights: an indicator does not vary"))
    standard = (complete - complete.mean(axis=0)) / spread
    _, singular, components = np.linalg.svd(standard / np.sqrt(complete.shape[0] - 1), full_matrices=False)
    eigenvalues = np.zeros(children)
    eigenvalues[: singular.size] = singular**2
    shares = eigenvalues / children
    # The criteria compare computed eigenvalues: an eigenvalue of exactly 1 comes out as 1 ± a few ulps
    # depending on the BLAS kernel, so "greater than" means greater by more than rounding.
    eps = _EIGEN_TOLERANCE * children
    retained = 0
    while retained < singular.size and eigenvalues[retained] > min_eigenvalue + eps \
            and shares[retained] > min_share + eps / children:
        retained += 1
    while retained < singular.size and shares[:retained].sum() < min_cumulative - eps / children \
            and eigenvalues[retained] > eps:
        retained += 1
    retained = max(retained, 1)
    loadings = components[:retained].T * singular[:retained]
    if rotation == "varimax":
        loadings = varimax(loadings)
    squared = loadings**2
    factor_variance = squared.sum(axis=0)
    scaled = squared / factor_variance
    factor_shares = factor_variance / factor_variance.sum()
    best = scaled.argmax(axis=1)
    raw = scaled[np.arange(children), best] * factor_shares[best]
    return PcaWeights(raw / raw.sum(), eigenvalues, loadings, factor_shares)


def pca(scores: FloatArray, children: tuple[str, ...], params: StepConfig) -> FloatArray:
    return pca_weights(
        scores,
        rotation=str(params.get("rotation", "varimax")),
        min_eigenvalue=float(params.get("min_eigenvalue", 1.0)),
        min_share=float(params.get("min_share", 0.1)),
        min_cumulative=float(params.get("min_cumulative", 0.6)),
    ).weights


for _step in (
    Step[Weigher]("equal", equal, (), "equal weights", "等权"),
    Step[Weigher]("explicit", explicit, (Param("values", "number_map", required=True, minimum=0.0),),
                  "expert weights {values}", "专家权重 {values}"),
    Step[Weigher]("pca", pca, (
        Param("rotation", "string", default="varimax", choices=("varimax", "none")),
        Param("min_eigenvalue", "number", default=1.0, minimum=0.0),
        Param("min_share", "number", default=0.1, minimum=0.0, maximum=1.0),
        Param("min_cumulative", "number", default=0.6, minimum=0.0, maximum=1.0),
    ), "PCA weights (Handbook method: factors with eigenvalue > {min_eigenvalue} and share > {min_share}, "
       "up to {min_cumulative} cumulative variance; rotation {rotation}; weight = largest scaled squared loading "
       "x the factor's share of explained variance)",
       "主成分权重（手册方法：保留特征值 > {min_eigenvalue}、方差贡献 > {min_share} 的因子，累计至 {min_cumulative}；"
       "旋转 {rotation}；权重 = 最大的标准化载荷平方 × 该因子的解释方差占比）"),
):
    WEIGHTS.register(_step)

__all__ = ["WEIGHTS", "PcaWeights", "Weigher", "pca_weights", "varimax"]
