"""Ranks as publishers make them: on the index rounded to a stated number of decimals, ties sharing a rank.

The method document's ``ranking: {round: 3, ties: min}`` states the rule. ``round`` (default: not set, i.e.
rank the unrounded values) rounds half away from zero, as Excel's ROUND and the printed tables of the UNDP
do: 0.7445 -> 0.745. Before rounding the scaled value is taken to 6 decimals, so a value stored in
binary just below a half (0.7445 is 0.74449999... as a double) still rounds up as printed. ``ties``:

- ``min`` (default): standard competition ranking, "1224": tied regions share the better rank and the
  next rank is skipped;
- ``dense``: "1223": tied regions share a rank and the next rank follows on.

Rank 1 is the highest index; 0 means "not ranked" (no index).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from luoshi.compindex.dataset import FloatArray
from luoshi.compindex.errors import MethodError

Ties = Literal["min", "dense"]
TIES: tuple[Ties, ...] = ("min", "dense")
MAX_DECIMALS = 12


@dataclass(frozen=True)
class RankingRule:
    round: int | None = None
    """Decimals the index is rounded to before ranking; None ranks the unrounded values."""
    ties: Ties = "min"

    @classmethod
    def from_raw(cls, raw: object) -> RankingRule:
        if raw is None:
            return cls()
        if not isinstance(raw, Mapping):
            raise MethodError("'ranking' must be a mapping such as {round: 3, ties: min}", code="bad_ranking")
        unknown = sorted(str(key) for key in raw if key not in ("round", "ties"))
        if unknown:
            raise MethodError(f"unknown key(s) {', '.join(unknown)} in ranking; known: round, ties",
                              code="bad_ranking", params={"keys": unknown})
        decimals = raw.get("round")
        if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int)
                                     or not 0 <= decimals <= MAX_DECIMALS):
            raise MethodError(f"ranking.round must be an integer from 0 to {MAX_DECIMALS}, got {decimals!r}",
                              code="bad_ranking", params={"round": decimals})
        ties = raw.get("ties", "min")
        if ties not in TIES:
            raise MethodError(f"ranking.ties must be one of {', '.join(TIES)}, got {ties!r}",
                              code="bad_ranking", params={"ties": ties})
        return cls(decimals, ties)

    def is_default(self) -> bool:
        return self == RankingRule()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ties": self.ties}
        if self.round is not None:
            out["round"] = self.round
        return out

    def rank(self, index: FloatArray) -> npt.NDArray[np.int64]:
        """Ranks along the last axis (so a (draws, regions) array is ranked draw by draw)."""
        values = index if self.round is None else round_half_away(index, self.round)
        return rank_values(values, self.ties)


def round_half_away(values: FloatArray, decimals: int) -> FloatArray:
    """Round half away from zero to ``decimals`` places (Excel's ROUND); NaN stays NaN."""
    scale = 10.0 ** decimals
    scaled = np.round(np.abs(values) * scale, 6)  # 744.4999999999999 -> 744.5: the decimal the author wrote
    result: FloatArray = np.sign(values) * np.floor(scaled + 0.5) / scale
    return result


def rank_values(index: FloatArray, ties: Ties = "min") -> npt.NDArray[np.int64]:
    """1 = highest; equal values share a rank ("1224" for ``min``, "1223" for ``dense``); 0 where NaN."""
    finite = ~np.isnan(index)
    filled = np.where(finite, index, -np.inf)
    order = np.argsort(-filled, axis=-1, kind="stable")
    ordered = np.take_along_axis(filled, order, axis=-1)
    positions = np.broadcast_to(np.arange(index.shape[-1]), index.shape)
    starts_tie = np.ones(index.shape, dtype=bool)
    starts_tie[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    if ties == "dense":
        ordered_ranks = np.cumsum(starts_tie, axis=-1)
    else:
        # a tied value takes the position where its run of equal values starts
        ordered_ranks = np.maximum.accumulate(np.where(starts_tie, positions, 0), axis=-1) + 1
    ranks = np.empty(index.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, ordered_ranks, axis=-1)
    result: npt.NDArray[np.int64] = np.where(finite, ranks, 0)
    return result


__all__ = ["TIES", "RankingRule", "rank_values", "round_half_away"]
