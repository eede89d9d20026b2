"""The one place that decides who may see which plan, task and assignment.

Views and API endpoints load objects through these helpers. A unit account sees a task only when its
unit holds an assignment on it (or on an item below it); anything else is "not found", exactly as if
the object did not exist, so ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from .models import Assignment, Plan, PlanImport, Task


@dataclass(frozen=True)
class Viewer:
    """All the helpers below read of an authenticated user: a hashable key for querysets built once per
    visibility (plans.selectors.ledger_tasks, reports.selectors.my_tasks_queryset)."""

    sees_everything: bool
    unit_id: int | None
    is_authenticated: bool = True


def viewer_of(user: Any) -> Viewer:
    return Viewer(sees_everything=bool(user.sees_everything), unit_id=user.unit_id)


def plans_visible_to(user: Any) -> QuerySet[Plan]:
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.sees_everything:
        return Plan.objects.all()
    if not user.unit_id:
        return Plan.objects.none()
    return Plan.objects.filter(status="published", tasks__assignments__unit_id=user.unit_id).distinct()


def assignments_visible_to(user: Any) -> QuerySet[Assignment]:
    if not user.is_authenticated:
        return Assignment.objects.none()
    if user.sees_everything:
        return Assignment.objects.all()
    if not user.unit_id:
        return Assignment.objects.none()
    return Assignment.objects.filter(unit_id=user.unit_id, task__plan__status="published")


def tasks_visible_to(user: Any) -> QuerySet[Task]:
    if not user.is_authenticated:
        return Task.objects.none()
    if user.sees_everything:
        return Task.objects.all()
    if not user.unit_id:
        return Task.objects.none()
    own = Assignment.objects.filter(task=OuterRef("pk"), unit_id=user.unit_id)
    return Task.objects.filter(Exists(own), plan__status="published")


def access_plan(user: Any, pk: int, *, write: bool = False) -> Plan:
    if write and not user.is_office:
        raise Http404
    try:
        return plans_visible_to(user).get(pk=pk)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_task(user: Any, pk: int, *, write: bool = False) -> Task:
    """A task the user may read (write=True: may change it, i.e. the office)."""
    if write and not user.is_office:
        raise Http404
    try:
        return tasks_visible_to(user).select_related("plan", "parent").get(pk=pk)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_assignment(user: Any, pk: int, *, write: bool = False) -> Assignment:
    """An assignment the user may read; write=True: a unit account of that unit (or the office)."""
    try:
        assignment = assignments_visible_to(user).select_related("task", "task__plan", "unit").get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not (user.is_office or (user.is_unit_user and assignment.unit_id == user.unit_id)):
        raise Http404
    return assignment


def access_import(user: Any, pk: Any) -> PlanImport:
    """An upload being imported: only the office account that uploaded it (anyone else: not found)."""
    if not (user.is_authenticated and user.is_office):
        raise Http404
    try:
        return PlanImport.objects.select_related("plan", "result").get(pk=pk, user=user)
    except (PlanImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
