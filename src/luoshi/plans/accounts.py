"""Which units a plan assigns duties to that have nobody to receive them yet (no active liaison or head
account): publishing says how many and lists them, so the office invites them before reports fall due."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from luoshi.orgs.choices import Role
from luoshi.orgs.models import Unit, User

from .choices import PlanStatus
from .models import Assignment, Plan, TaskUnit


def plan_unit_ids(plan: Plan) -> set[int]:
    """The real units holding the plan's items: its active assignments once published; before that, the
    units its items name, groups expanded to their members (as publishing will)."""
    if plan.status == PlanStatus.PUBLISHED:
        return set(Assignment.objects.filter(task__plan=plan, active=True, task__removed=False)
                   .values_list("unit_id", flat=True))
    named = Unit.objects.filter(pk__in=TaskUnit.objects.filter(task__plan=plan, task__is_item=True,
                                                               task__removed=False, unit__isnull=False)
                                .values("unit_id"))
    found: set[int] = set()
    for unit in named:
        found |= set(unit.member_units().values_list("pk", flat=True))
    return found


def units_without_accounts(plan: Plan) -> list[Unit]:
    """The plan's units with no active liaison or head account, in directory order."""
    has_account = User.objects.filter(unit=OuterRef("pk"), role__in=[Role.LIAISON, Role.HEAD], is_active=True)
    return list(Unit.objects.filter(pk__in=plan_unit_ids(plan)).exclude(Exists(has_account))
                .order_by("sort_order", "name"))
