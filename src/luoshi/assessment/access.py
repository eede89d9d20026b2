"""Who may see and change rubrics, scores and appeals. Anything not visible is "not found" (404).

The office (and admins) edit; leaders read everything; a unit account reads only its own unit's
published score sheets and appeals, and appeals only against its own deductions. An appeal's evidence files
go to the office and the appealing unit only (not to leaders).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .choices import RubricStatus
from .models import Appeal, AppealEvidence, Rubric, Score

VISIBLE_TO_UNITS = (RubricStatus.PUBLISHED, RubricStatus.SUPERSEDED)


def rubrics_visible_to(user: Any) -> QuerySet[Rubric]:
    if user.is_authenticated and user.sees_everything:
        return Rubric.objects.all()
    return Rubric.objects.none()


def scores_visible_to(user: Any) -> QuerySet[Score]:
    if not user.is_authenticated:
        return Score.objects.none()
    if user.sees_everything:
        return Score.objects.all()
    if user.is_unit_user and user.unit_id:
        return Score.objects.filter(unit_id=user.unit_id, rubric__status__in=VISIBLE_TO_UNITS)
    return Score.objects.none()


def appeals_visible_to(user: Any) -> QuerySet[Appeal]:
    return Appeal.objects.filter(score__in=scores_visible_to(user))


def access_rubric(user: Any, pk: int, *, write: bool = False) -> Rubric:
    """A rubric with its whole ranking: the office and leaders; write=True: the office only."""
    if write and not user.is_office:
        raise Http404
    try:
        rubric: Rubric = rubrics_visible_to(user).get(pk=pk)
    except (Rubric.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return rubric


def access_score(user: Any, pk: int, *, appeal: bool = False) -> Score:
    """A score sheet the user may read; appeal=True: a unit account of that unit (who may appeal)."""
    try:
        score: Score = scores_visible_to(user).select_related("rubric", "unit").get(pk=pk)
    except (Score.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if appeal and not (user.is_unit_user and score.unit_id == user.unit_id):
        raise Http404
    return score


def access_appeal(user: Any, pk: int, *, write: bool = False) -> Appeal:
    """An appeal the user may read; write=True (deciding it): the office only."""
    if write and not user.is_office:
        raise Http404
    try:
        appeal: Appeal = (appeals_visible_to(user).select_related("score", "score__rubric", "score__unit")
                          .get(pk=pk))
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return appeal


def access_evidence(user: Any, pk: int) -> AppealEvidence:
    """An appeal's evidence file: the office, or an account of the unit that appealed."""
    if not user.is_authenticated:
        raise Http404
    evidence = AppealEvidence.objects.select_related("appeal__score")
    if not user.is_office:
        if not (user.is_unit_user and user.unit_id):
            raise Http404
        evidence = evidence.filter(appeal__score__in=scores_visible_to(user))
    try:
        found: AppealEvidence = evidence.get(pk=pk)
    except (AppealEvidence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return found
