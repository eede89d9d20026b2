"""Reads of the assessment: the preview ranking (with rank moves) and published results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from .choices import Component
from .models import Appeal, Rubric, Score
from .scoring import UnitResult, Weights, results_compute

COMPONENTS: tuple[str, ...] = tuple(Component.values)


@dataclass
class PreviewRow:
    result: UnitResult
    saved_rank: int

    @property
    def points(self) -> list[str]:
        return [str(self.result.components.get(c, "0")) for c in COMPONENTS]

    @property
    def move(self) -> int:
        """Places gained (+) or lost (−) against the ranking with the saved weights."""
        return self.saved_rank - self.result.rank


def rubric_preview(rubric: Rubric, *, weights: Weights | None, as_of: dt.date) -> list[PreviewRow]:
    """The ranking with `weights` (the saved ones when None), each row with its rank under the saved weights."""
    saved = {r.unit.pk: r.rank for r in results_compute(rubric, as_of=as_of)}
    proposed = results_compute(rubric, weights=weights, as_of=as_of) if weights is not None else None
    rows = proposed if proposed is not None else results_compute(rubric, as_of=as_of)
    return [PreviewRow(result=r, saved_rank=saved.get(r.unit.pk, r.rank)) for r in rows]


def rubric_scores(rubric: Rubric) -> QuerySet[Score]:
    return Score.objects.filter(rubric=rubric).select_related("unit").order_by("rank", "unit__sort_order",
                                                                                "unit__name")


def rubric_appeals(rubric: Rubric) -> QuerySet[Appeal]:
    return (Appeal.objects.filter(score__rubric=rubric).select_related("score__unit", "filed_by", "decided_by")
            .prefetch_related("evidence"))
