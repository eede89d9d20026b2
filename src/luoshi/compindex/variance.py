"""Variance-based sensitivity: first-order and total-order Sobol' indices with bootstrap confidence intervals.

For a model Y = f(X1..Xk) with independent inputs, the first-order index S_i = V(E[Y | X_i]) / V(Y) is
the share of the output variance X_i explains alone; the total-order index S_Ti = E(V[Y | X_~i]) / V(Y)
is the share that would remain if every input but X_i were fixed, i.e. X_i's effect including all its
interactions. S_Ti >= S_i; sum S_i <= 1 <= sum S_Ti; S_Ti - S_i measures interactions.

Estimators (Saltelli et al. 2010, "Variance based sensitivity analysis of model output", Table 2): two
independent N x k sample matrices A and B, and for each i the matrix A_B^(i) — A with column i taken
from B. With f_A, f_B, f_ABi the model outputs (N(k + 2) runs in all) and V the variance of the 2N
outputs f_A and f_B:

    S_i  = (1/N) sum_j f_B(j) (f_ABi(j) - f_A(j)) / V          (Saltelli 2010, Table 2 (b))
    S_Ti = (1/2N) sum_j (f_A(j) - f_ABi(j))^2 / V              (Jansen 1999; Table 2 (f))

Inputs are sampled by pseudo-random numbers (numpy's PCG64), not by a quasi-random Sobol' sequence: the
estimators are the same, the error falls as 1/sqrt(N) rather than about 1/N, and the bootstrap
interval states it. Confidence intervals: ``bootstrap`` resamples of the N rows (the same rows for A,
B and every A_B^(i)), each giving a full set of indices; the interval is the percentile interval at
``confidence`` (Archer, Saltelli & Sobol' 1997).

For several outputs (one per region), each output gets its indices, and the pooled index weighs the
outputs by their variance: sum of numerators / sum of variances.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from luoshi.compindex.dataset import FloatArray
from luoshi.compindex.errors import MethodError

Model = Callable[[FloatArray], FloatArray]
"""Maps an (n, k) array of inputs in [0, 1) to n outputs, shape (n,) or (n, outputs)."""


@dataclass(frozen=True, eq=False)
class SobolIndices:
    """Indices per input (axis 0) and, for the by-output arrays, per output (axis 1)."""

    first: FloatArray
    """(k,) pooled first-order indices."""
    total: FloatArray
    """(k,) pooled total-order indices."""
    first_interval: FloatArray
    """(k, 2) bootstrap percentile interval of ``first``."""
    total_interval: FloatArray
    first_by_output: FloatArray
    """(k, outputs)."""
    total_by_output: FloatArray
    samples: int
    runs: int
    """Model evaluations: samples x (k + 2)."""
    confidence: float


def sample_matrices(samples: int, dimensions: int, seed: int) -> tuple[FloatArray, FloatArray]:
    """Two independent (samples, dimensions) matrices of U[0, 1) inputs: A and B."""
    rng = np.random.default_rng(seed)
    base = rng.random((samples, 2 * dimensions))
    return base[:, :dimensions], base[:, dimensions:]


def radial_matrices(a: FloatArray, b: FloatArray) -> FloatArray:
    """(k, samples, k): for each i, A with column i from B."""
    dimensions = a.shape[1]
    mixed = np.repeat(a[None], dimensions, axis=0)
    for i in range(dimensions):
        mixed[i, :, i] = b[:, i]
    return mixed


def estimate(f_a: FloatArray, f_b: FloatArray, f_ab: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Numerators of S_i and S_Ti per input and output, and the output variances.

    ``f_a``, ``f_b``: (N, outputs); ``f_ab``: (k, N, outputs).
    """
    both = np.concatenate([f_a, f_b])
    variance = both.var(axis=0)
    # Centring f_B leaves the estimator's expectation unchanged (E[f_ABi - f_A] = 0) and cuts its variance
    # when the output's mean is large against its spread, as ranks' means are.
    first = ((f_b - both.mean(axis=0))[None] * (f_ab - f_a[None])).mean(axis=1)
    total = 0.5 * ((f_a[None] - f_ab) ** 2).mean(axis=1)
    return first, total, variance


def _ratio(numerator: FloatArray, variance: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        result: FloatArray = np.where(variance > 0, numerator / np.where(variance > 0, variance, 1.0), 0.0)
    return result


def _pooled(numerator: FloatArray, variance: FloatArray) -> FloatArray:
    total = variance.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        result: FloatArray = np.where(total > 0, numerator.sum(axis=-1) / np.where(total > 0, total, 1.0), 0.0)
    return result


def indices_from_outputs(
    f_a: FloatArray, f_b: FloatArray, f_ab: FloatArray, *, bootstrap: int = 200, confidence: float = 0.95,
    seed: int = 0,
) -> SobolIndices:
    """Sobol' indices from the outputs on A, B and the A_B^(i) (see the module docstring)."""
    if f_a.ndim == 1:
        f_a, f_b, f_ab = f_a[:, None], f_b[:, None], f_ab[:, :, None]
    if not 0 < confidence < 1:
        raise MethodError(f"confidence must be between 0 and 1, got {confidence}", code="bad_confidence")
    samples = f_a.shape[0]
    first, total, variance = estimate(f_a, f_b, f_ab)
    boot_first, boot_total = _bootstrap(f_a, f_b, f_ab, bootstrap, seed)
    tail = (1.0 - confidence) / 2.0
    quantiles = [tail, 1.0 - tail]
    return SobolIndices(
        first=_pooled(first, variance), total=_pooled(total, variance),
        first_interval=(np.quantile(boot_first, quantiles, axis=0).T if bootstrap else np.full((len(first), 2),
                                                                                             np.nan)),
        total_interval=(np.quantile(boot_total, quantiles, axis=0).T if bootstrap else np.full((len(first), 2),
                                                                                             np.nan)),
        first_by_output=_ratio(first, variance), total_by_output=_ratio(total, variance),
        samples=samples, runs=samples * (f_ab.shape[0] + 2), confidence=confidence)


def _bootstrap(f_a: FloatArray, f_b: FloatArray, f_ab: FloatArray, bootstrap: int,
               seed: int) -> tuple[FloatArray, FloatArray]:
    """Pooled indices for each of ``bootstrap`` resamples of the rows.

    A resample is a vector of counts (how often each row was drawn), so every mean over a resample is
    counts @ values / N: all resamples at once by matrix products instead of copying the rows R times.
    """
    samples, factors = f_a.shape[0], f_ab.shape[0]
    if bootstrap == 0:
        return np.empty((0, factors)), np.empty((0, factors))
    rng = np.random.default_rng([seed, 2])
    counts = np.zeros((bootstrap, samples))
    drawn = rng.integers(samples, size=(bootstrap, samples))
    np.add.at(counts, (np.repeat(np.arange(bootstrap), samples), drawn.ravel()), 1.0)
    counts /= samples  # resample means: counts @ values

    def mean(values: FloatArray) -> FloatArray:
        result: FloatArray = counts @ values  # (bootstrap, outputs)
        return result

    centre = (mean(f_a) + mean(f_b)) / 2
    variance = (mean(f_a**2) + mean(f_b**2)) / 2 - centre**2
    first = np.empty((bootstrap, factors))
    total = np.empty((bootstrap, factors))
    for i in range(factors):
        step = f_ab[i] - f_a
        numerator_first = mean(f_b * step) - centre * mean(step)
        numerator_total = 0.5 * mean(step**2)
        first[:, i] = _pooled(numerator_first, variance)
        total[:, i] = _pooled(numerator_total, variance)
    return first, total


def sobol_indices(model: Model, dimensions: int, samples: int, *, seed: int = 0, bootstrap: int = 200,
                  confidence: float = 0.95) -> SobolIndices:
    """First- and total-order indices of ``model`` over ``dimensions`` independent U[0, 1) inputs."""
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 10:
        raise MethodError("samples must be an integer >= 10", code="bad_samples")
    a, b = sample_matrices(samples, dimensions, seed)
    mixed = radial_matrices(a, b)
    outputs = np.asarray(model(np.concatenate([a, b, mixed.reshape(-1, dimensions)])), dtype=np.float64)
    f_a, f_b, rest = outputs[:samples], outputs[samples:2 * samples], outputs[2 * samples:]
    f_ab = rest.reshape((dimensions, samples, *outputs.shape[1:]))
    return indices_from_outputs(f_a, f_b, f_ab, bootstrap=bootstrap, confidence=confidence, seed=seed)


__all__ = ["Model", "SobolIndices", "estimate", "indices_from_outputs", "radial_matrices", "sample_matrices",
           "sobol_indices"]
