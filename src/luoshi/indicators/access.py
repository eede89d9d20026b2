"""The one place that decides who may see which region's figures and which indicator targets.

The office and leaders read everything; a unit account reads the region its unit governs and the targets
its unit answers for (or that are set for its region), in published plans; anything else is "not found".
Only the office writes (catalogue, mappings, figures, rules).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from luoshi.plans.choices import PlanStatus
from luoshi.plans.models import Plan

from .choices import EditionStatus
from .models import IndexEdition, IndicatorTarget, Observation, Region


def regions_visible_to(user: Any) -> QuerySet[Region]:
    if not user.is_authenticated:
        return Region.objects.none()
    if user.sees_everything:
        return Region.objects.all()
    if not user.unit_id:
        return Region.objects.none()
    return Region.objects.filter(unit_id=user.unit_id)


def targets_visible_to(user: Any) -> QuerySet[IndicatorTarget]:
    if not user.is_authenticated:
        return IndicatorTarget.objects.none()
    if user.sees_everything:
        return IndicatorTarget.objects.all()
    if not user.unit_id:
        return IndicatorTarget.objects.none()
    return IndicatorTarget.objects.filter(Q(responsible_unit_id=user.unit_id) | Q(region__unit_id=user.unit_id),
                                          plan__status=PlanStatus.PUBLISHED)


def access_region(user: Any, pk: int) -> Region:
    try:
        return regions_visible_to(user).select_related("unit").get(pk=pk)
    except (Region.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_observation(user: Any, pk: int, *, write: bool = False) -> Observation:
    """A figure of a region the user may see; writing (confirming a self-report) is the office's."""
    if write and not (user.is_authenticated and user.is_office):
        raise Http404
    try:
        return (Observation.objects.select_related("indicator", "region")
                .get(pk=pk, region__in=regions_visible_to(user)))
    except (Observation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_plan_targets(user: Any, pk: int, *, write: bool = False) -> Plan:
    """A plan whose indicator targets the user may read: all for the office and leaders, a unit account
    only when the plan is published and holds a target of its unit or region."""
    if write and not (user.is_authenticated and user.is_office):
        raise Http404
    try:
        plan = Plan.objects.get(pk=pk)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if user.is_authenticated and user.sees_everything:
        return plan
    if not targets_visible_to(user).filter(plan=plan).exists():
        raise Http404
    return plan


def editions_visible_to(user: Any) -> QuerySet[IndexEdition]:
    """Published editions are published results: every account reads them; drafts are the office's."""
    if not user.is_authenticated:
        return IndexEdition.objects.none()
    if user.is_office:
        return IndexEdition.objects.all()
    return IndexEdition.objects.filter(status=EditionStatus.PUBLISHED)


def access_edition(user: Any, pk: int, *, write: bool = False) -> IndexEdition:
    if write and not (user.is_authenticated and user.is_office):
        raise Http404
    try:
        return editions_visible_to(user).select_related("method").get(pk=pk)
    except (IndexEdition.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
