"""luoshi.compindex: composite indicators after the OECD/JRC Handbook (2008), in pure Python and numpy.

Stages, each a registry of named steps that a method document picks by name: transforms
(``TRANSFORMS``), missing data (``IMPUTERS``), outliers (``OUTLIER_TREATMENTS``), normalisation
(``NORMALISERS``), weights (``WEIGHTS``), aggregation (``AGGREGATORS``); Monte Carlo weight noise
(``WEIGHT_NOISE``). Analysis: ``audit`` (statistical audit), ``monte_carlo`` (rank intervals, first-order
shares), ``variance_sensitivity`` (Saltelli/Jansen first- and total-order indices with confidence
intervals). See docs/compindex.md.
"""

from luoshi.compindex.aggregate import AGGREGATORS
from luoshi.compindex.audit import Audit, Thresholds, audit
from luoshi.compindex.compare import Comparison, RankShift, compare
from luoshi.compindex.compute import Prepared, Result, compute, prepare
from luoshi.compindex.dataset import Dataset
from luoshi.compindex.errors import CompIndexError, DataError, MethodError, Notice
from luoshi.compindex.impute import IMPUTERS
from luoshi.compindex.method import FORMAT, Indicator, Method, Node, load_method, method_from_text
from luoshi.compindex.normalise import NORMALISERS
from luoshi.compindex.ranking import RankingRule
from luoshi.compindex.registry import Param, Registry, Step
from luoshi.compindex.sensitivity import (
    WEIGHT_NOISE,
    Choices,
    MonteCarloResult,
    VarianceSensitivity,
    first_order_indices,
    monte_carlo,
    variance_sensitivity,
)
from luoshi.compindex.transform import TRANSFORMS
from luoshi.compindex.treat import OUTLIER_TREATMENTS, kurtosis, needs_treatment, skewness
from luoshi.compindex.variance import SobolIndices, sobol_indices
from luoshi.compindex.weight import WEIGHTS, PcaWeights, pca_weights

__all__ = [
    "AGGREGATORS",
    "FORMAT",
    "IMPUTERS",
    "NORMALISERS",
    "OUTLIER_TREATMENTS",
    "TRANSFORMS",
    "WEIGHTS",
    "WEIGHT_NOISE",
    "Audit",
    "Choices",
    "CompIndexError",
    "Comparison",
    "DataError",
    "Dataset",
    "Indicator",
    "Method",
    "MethodError",
    "MonteCarloResult",
    "Node",
    "Notice",
    "Param",
    "PcaWeights",
    "Prepared",
    "RankShift",
    "RankingRule",
    "Registry",
    "Result",
    "SobolIndices",
    "Step",
    "Thresholds",
    "VarianceSensitivity",
    "audit",
    "compare",
    "compute",
    "first_order_indices",
    "kurtosis",
    "load_method",
    "method_from_text",
    "monte_carlo",
    "needs_treatment",
    "pca_weights",
    "prepare",
    "skewness",
    "sobol_indices",
    "variance_sensitivity",
]
