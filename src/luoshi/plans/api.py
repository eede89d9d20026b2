"""REST endpoints for plans, the task tree, the ledger and assignments (mounted by luoshi.api.urls).

Every queryset starts from plans.access (and the ledger from plans.selectors), so an account reads through
the API exactly what it reads on the pages; anything else is 404. Lists use the pages' FilterSets.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.api.filters import IntegerFilter
from luoshi.api.viewsets import ListOnlyViewSet, ReadOnlyViewSet
from luoshi.core import clock
from luoshi.reports.forms import MyTaskFilter
from luoshi.reports.selectors import current_period, my_tasks_queryset, open_instructions

from .access import access_plan, assignments_visible_to, plans_visible_to, tasks_visible_to
from .choices import AssignmentStatus, PlanStatus
from .filters import LedgerFilter
from .models import Assignment, Plan, Target, Task, TaskUnit
from .selectors import RAG_LABELS, ledger_tasks


class PlanSerializer(serializers.ModelSerializer[Plan]):
    class Meta:
        model = Plan
        fields = ["id", "title", "doc_number", "issuer", "issued_on", "notice_title", "year", "status", "cadence",
                  "due_day", "is_public", "revision", "created_at", "published_at"]


class TaskUnitSerializer(serializers.ModelSerializer[TaskUnit]):
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = TaskUnit
        fields = ["name", "unit", "unit_name", "role", "inherited"]


class TargetSerializer(serializers.ModelSerializer[Target]):
    plan = serializers.IntegerField(source="task.plan_id", read_only=True)

    class Meta:
        model = Target
        fields = ["id", "plan", "task", "text", "indicator", "value", "value_max", "unit", "op", "basis", "year"]


class TaskSerializer(serializers.ModelSerializer[Task]):
    path = serializers.CharField(source="display_path", read_only=True)
    units = TaskUnitSerializer(source="task_units", many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Task
        fields = ["id", "plan", "parent", "key", "path", "label", "level", "position", "text", "body", "is_item",
                  "deadline", "deadline_text", "cadence", "removed", "units", "targets"]


class LedgerTaskSerializer(TaskSerializer):
    """A ledger row: the task with its red/amber/green light and state over the assignments the account sees."""

    rag = serializers.CharField(read_only=True)
    rag_label = serializers.SerializerMethodField()
    is_open = serializers.BooleanField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "rag", "rag_label", "is_open", "is_overdue"]

    def get_rag_label(self, task: Task) -> str:
        return str(RAG_LABELS[task.rag])


class AssignmentSerializer(serializers.ModelSerializer[Assignment]):
    plan = serializers.IntegerField(source="task.plan_id", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "plan", "task", "unit", "unit_name", "role", "via_group", "status", "deadline", "closed_at",
                  "closing_report", "active"]


class AssignmentRowSerializer(AssignmentSerializer):
    """An assignment on the task list, with the states the list filters by."""

    due_now = serializers.SerializerMethodField(help_text="The current period's report has not reached the office.")
    has_returned = serializers.BooleanField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "due_now", "has_returned", "is_overdue"]

    def get_due_now(self, assignment: Assignment) -> bool:
        return bool(assignment.status == AssignmentStatus.OPEN and not assignment.delivered_now)


class OpenInstructionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class AssignmentDetailSerializer(AssignmentSerializer):
    """An assignment with what its unit needs to report: the current period and the open instructions."""

    current_period = serializers.SerializerMethodField(help_text="The period the unit reports on today.")
    open_instructions = serializers.SerializerMethodField()

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "current_period", "open_instructions"]

    def get_current_period(self, assignment: Assignment) -> int | None:
        period = current_period(list(assignment.task.plan.periods.all()), clock.today())
        return period.pk if period is not None else None

    @extend_schema_field(OpenInstructionSerializer(many=True))
    def get_open_instructions(self, assignment: Assignment) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = OpenInstructionSerializer(open_instructions(assignment=assignment),
                                                               many=True).data
        return data


def _with_units_and_targets(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.prefetch_related(
        Prefetch("task_units", queryset=TaskUnit.objects.select_related("unit").order_by("position")),
        Prefetch("targets", queryset=Target.objects.select_related("task").order_by("position")))


class PlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)
    year = IntegerFilter()

    class Meta:
        model = Plan
        fields: list[str] = []


class PlanViewSet(ReadOnlyViewSet):
    """Plans: every plan for the office and leaders; a unit account, the published plans it has tasks in."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def get_queryset(self) -> QuerySet[Plan]:
        return plans_visible_to(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(responses=TaskSerializer(many=True), filters=False)
    @action(detail=True)
    def tree(self, request: Request, pk: Any = None) -> Response:
        """The plan's nodes in document order (`parent` links them into the tree); a unit account gets the
        items it answers for."""
        plan = access_plan(request.user, pk)
        nodes = _with_units_and_targets(tasks_visible_to(request.user).filter(plan=plan, removed=False)
                                        .order_by("position"))
        page = self.paginate_queryset(nodes)
        return self.get_paginated_response(TaskSerializer(page, many=True).data)


class TaskFilter(django_filters.FilterSet):
    plan = IntegerFilter(field_name="plan_id")
    parent = IntegerFilter(field_name="parent_id")
    is_item = django_filters.BooleanFilter()

    class Meta:
        model = Task
        fields: list[str] = []


class TaskViewSet(ReadOnlyViewSet):
    """Task nodes the account may see (the office: every node, headings included; a unit: its items)."""

    serializer_class = TaskSerializer
    filterset_class = TaskFilter

    def get_queryset(self) -> QuerySet[Task]:
        return _with_units_and_targets(tasks_visible_to(self.request.user).select_related("plan")
                                       .order_by("plan_id", "position"))


class LedgerViewSet(ListOnlyViewSet):
    """The ledger (台账): task items of published plans with their light, filtered like the ledger page."""

    serializer_class = LedgerTaskSerializer
    filterset_class = LedgerFilter

    def get_queryset(self) -> QuerySet[Task]:
        return _with_units_and_targets(ledger_tasks(self.request.user, today=clock.today()))


class TargetFilter(django_filters.FilterSet):
    plan = IntegerFilter(field_name="task__plan_id")
    task = IntegerFilter(field_name="task_id")

    class Meta:
        model = Target
        fields: list[str] = []


class TargetViewSet(ReadOnlyViewSet):
    """Quantitative targets read from the plan's sentences, on the tasks the account may see."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilter

    def get_queryset(self) -> QuerySet[Target]:
        return (Target.objects.filter(task__in=tasks_visible_to(self.request.user)).select_related("task")
                .order_by("task__plan_id", "task__position", "position"))


class AssignmentViewSet(ReadOnlyViewSet):
    """Assignments (one task item for one unit): the list is the task list page (open ones unless `state`
    says otherwise); a unit account sees its own unit's only."""

    filterset_class = MyTaskFilter

    def get_serializer_class(self) -> type[AssignmentSerializer]:
        return AssignmentRowSerializer if self.action == "list" else AssignmentDetailSerializer

    def get_queryset(self) -> QuerySet[Assignment]:
        if self.action == "list":
            return my_tasks_queryset(self.request.user, today=clock.today())
        return assignments_visible_to(self.request.user).select_related("task", "task__plan", "unit")
