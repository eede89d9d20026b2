"""REST endpoints for reporting periods, reports (read, save, approve, submit, accept, return) and actuals.

Reads start from reports.access; writes load their object through the same access helpers as the pages
(404 when the account may not reach it) and call the same services (reports.services), which validate,
decide and audit. A DomainError becomes 400 (403 for "forbidden", 409 for a stale version): luoshi.api.errors.
"""

from __future__ import annotations

import math
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.api.filters import DB_INT_MAX, IntegerFilter
from luoshi.api.viewsets import ReadOnlyViewSet
from luoshi.plans.access import plans_visible_to, tasks_visible_to

from . import selectors, services
from .access import access_report, access_report_slot, reports_visible_to
from .choices import Progress
from .forms import ReportFilter
from .models import Instruction, InstructionAnswer, Report, ReportingPeriod, Review, TargetActual

TEXT_MAX = 5000


class PeriodSerializer(serializers.ModelSerializer[ReportingPeriod]):
    class Meta:
        model = ReportingPeriod
        fields = ["id", "plan", "label", "start", "end", "due_date"]


class ActualSerializer(serializers.ModelSerializer[TargetActual]):
    class Meta:
        model = TargetActual
        fields = ["id", "target", "value", "note"]


class AnswerSerializer(serializers.ModelSerializer[InstructionAnswer]):
    class Meta:
        model = InstructionAnswer
        fields = ["instruction", "text"]


class ReviewSerializer(serializers.ModelSerializer[Review]):
    class Meta:
        model = Review
        fields = ["action", "comment", "created_at"]


class ReportSerializer(serializers.ModelSerializer[Report]):
    plan = serializers.IntegerField(source="period.plan_id", read_only=True)
    task = serializers.IntegerField(source="assignment.task_id", read_only=True)
    unit = serializers.IntegerField(source="assignment.unit_id", read_only=True)
    unit_name = serializers.CharField(source="assignment.unit.name", read_only=True)
    period_label = serializers.CharField(source="period.label", read_only=True)
    actuals = ActualSerializer(many=True, read_only=True)
    answers = AnswerSerializer(source="instruction_answers", many=True, read_only=True)
    reviews = ReviewSerializer(many=True, read_only=True)

    class Meta:
        model = Report
        fields = ["id", "plan", "task", "assignment", "unit", "unit_name", "period", "period_label", "status",
                  "progress", "narrative", "is_late", "submitted_at", "accepted_at", "version", "created_at",
                  "updated_at", "actuals", "answers", "reviews"]


class ActualInputSerializer(serializers.Serializer[Any]):
    target = serializers.IntegerField(min_value=1, max_value=DB_INT_MAX)
    value = serializers.FloatField(allow_null=True, help_text="null clears the value")

    def validate_value(self, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise serializers.ValidationError(_("不是有效数值"))
        return value


class AnswerInputSerializer(serializers.Serializer[Any]):
    instruction = serializers.IntegerField(min_value=1, max_value=DB_INT_MAX)
    text = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, help_text="blank clears the answer")


class ReportSaveSerializer(serializers.Serializer[Any]):
    """A unit's report on one assignment for one period: created when `version` is null, else updated."""

    assignment = serializers.IntegerField(min_value=1, max_value=DB_INT_MAX)
    period = serializers.IntegerField(min_value=1, max_value=DB_INT_MAX)
    version = serializers.IntegerField(min_value=0, max_value=DB_INT_MAX, allow_null=True, required=False,
                                       default=None, help_text="The version the update is based on; null: new.")
    progress = serializers.ChoiceField(choices=Progress.choices)
    narrative = serializers.CharField(max_length=services.NARRATIVE_MAX, allow_blank=True)
    actuals = ActualInputSerializer(many=True, required=False, default=list)
    answers = AnswerInputSerializer(many=True, required=False, default=list)

    def validate_actuals(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len({row["target"] for row in rows}) != len(rows):
            raise serializers.ValidationError(_("每个目标只能填一个实际值"))
        return rows

    def validate_answers(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len({row["instruction"] for row in rows}) != len(rows):
            raise serializers.ValidationError(_("每条批示只能答复一次"))
        return rows


class VersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=0, max_value=DB_INT_MAX, allow_null=True, required=False,
                                       default=None, help_text="The version the action is based on (409 when stale).")


class AcceptSerializer(VersionSerializer):
    comment = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, required=False, default="")


class ReturnSerializer(VersionSerializer):
    comment = serializers.CharField(max_length=TEXT_MAX, help_text="Required: why the report goes back.")


ACTION_PAYLOADS: dict[str, type[serializers.Serializer[Any]]] = {
    "report-approve": VersionSerializer, "report-submit": VersionSerializer, "report-accept": AcceptSerializer,
    "report-return": ReturnSerializer}


class PeriodFilter(django_filters.FilterSet):
    plan = IntegerFilter(field_name="plan_id")

    class Meta:
        model = ReportingPeriod
        fields: list[str] = []


class PeriodViewSet(ReadOnlyViewSet):
    """Reporting periods of the plans the account may see."""

    serializer_class = PeriodSerializer
    filterset_class = PeriodFilter

    def get_queryset(self) -> QuerySet[ReportingPeriod]:
        return (ReportingPeriod.objects.filter(plan__in=plans_visible_to(self.request.user))
                .order_by("plan_id", "start"))


def _report_detail(report: Report) -> dict[str, Any]:
    fresh = _with_details(Report.objects.filter(pk=report.pk)).get()
    data: dict[str, Any] = ReportSerializer(fresh).data
    return data


def _with_details(reports: QuerySet[Report]) -> QuerySet[Report]:
    return selectors.report_list(reports).prefetch_related(
        Prefetch("actuals", queryset=TargetActual.objects.order_by("target__position", "pk")),
        Prefetch("instruction_answers", queryset=InstructionAnswer.objects.order_by("instruction__created_at")),
        Prefetch("reviews", queryset=Review.objects.order_by("created_at", "pk")))


class ReportViewSet(ReadOnlyViewSet):
    """Progress reports the account may see (a unit: its own), filtered like the report history page.

    POST saves the calling unit's report; the actions move it through the flow (reports.services).
    """

    filterset_class = ReportFilter

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        # What a POST takes (also what OPTIONS and the browsable API's form describe); answers are reports.
        if self.request.method != "POST":
            return ReportSerializer
        match = self.request.resolver_match
        route = match.url_name if match is not None else ""
        return ACTION_PAYLOADS.get(route or "", ReportSaveSerializer)

    def get_queryset(self) -> QuerySet[Report]:
        return _with_details(reports_visible_to(self.request.user))

    @extend_schema(request=ReportSaveSerializer, responses={200: ReportSerializer, 201: ReportSerializer})
    def create(self, request: Request) -> Response:
        """Save (create or update) the calling unit's report and its actual values: reports.services.report_save.

        Only accounts of the assignment's unit write reports (anyone else: 404). A draft until submitted.
        """
        payload = ReportSaveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        assignment, period, existing = access_report_slot(request.user, data["assignment"], data["period"])
        report = services.report_save(
            actor=request.user, assignment=assignment, period=period, version=data["version"],
            progress=data["progress"], narrative=data["narrative"],
            actuals={row["target"]: row["value"] for row in data["actuals"]},
            answers={row["instruction"]: row["text"] for row in data["answers"]})
        return Response(_report_detail(report), status=status.HTTP_200_OK if existing else status.HTTP_201_CREATED)

    def _transition(self, request: Request, pk: Any, service: Any, payload_class: type[VersionSerializer]) -> Response:
        report = access_report(request.user, pk, write=True)
        payload = payload_class(data=request.data)
        payload.is_valid(raise_exception=True)
        report = service(actor=request.user, report=report, **payload.validated_data)
        return Response(_report_detail(report))

    @extend_schema(request=VersionSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        """The unit head approves the report for submission (report_approve)."""
        return self._transition(request, pk, services.report_approve, VersionSerializer)

    @extend_schema(request=VersionSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        """Submit to the office: the head any editable report, a liaison an approved one (report_submit)."""
        return self._transition(request, pk, services.report_submit, VersionSerializer)

    @extend_schema(request=AcceptSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: Any = None) -> Response:
        """The office accepts a submitted report (report_accept); it is locked from then on."""
        return self._transition(request, pk, services.report_accept, AcceptSerializer)

    @extend_schema(request=ReturnSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: Any = None) -> Response:
        """The office returns a submitted report with a required comment (report_return)."""
        return self._transition(request, pk, services.report_return, ReturnSerializer)


class ReportActualSerializer(serializers.ModelSerializer[TargetActual]):
    report_status = serializers.CharField(source="report.status", read_only=True)
    period = serializers.IntegerField(source="report.period_id", read_only=True)
    unit = serializers.IntegerField(source="report.assignment.unit_id", read_only=True)
    task = serializers.IntegerField(source="target.task_id", read_only=True)

    class Meta:
        model = TargetActual
        fields = ["id", "report", "report_status", "period", "unit", "task", "target", "value", "note"]


class ActualFilter(django_filters.FilterSet):
    plan = IntegerFilter(field_name="report__period__plan_id")
    period = IntegerFilter(field_name="report__period_id")
    report = IntegerFilter(field_name="report_id")
    target = IntegerFilter(field_name="target_id")
    unit = IntegerFilter(field_name="report__assignment__unit_id")

    class Meta:
        model = TargetActual
        fields: list[str] = []


class ActualViewSet(ReadOnlyViewSet):
    """Actual values reported against the plan's targets, in the reports the account may see."""

    serializer_class = ReportActualSerializer
    filterset_class = ActualFilter

    def get_queryset(self) -> QuerySet[TargetActual]:
        return (TargetActual.objects.filter(report__in=reports_visible_to(self.request.user))
                .select_related("report", "report__assignment", "target")
                .order_by("-report__period__start", "report_id", "target__position", "pk"))


class InstructionSerializer(serializers.ModelSerializer[Instruction]):
    class Meta:
        model = Instruction
        fields = ["id", "task", "text", "created_at"]


class InstructionFilter(django_filters.FilterSet):
    plan = IntegerFilter(field_name="task__plan_id")
    task = IntegerFilter(field_name="task_id")

    class Meta:
        model = Instruction
        fields: list[str] = []


class InstructionViewSet(ReadOnlyViewSet):
    """Leaders' instructions (批示) on the tasks the account may see; a unit answers them in its report
    (`answers` when saving) before it can submit."""

    serializer_class = InstructionSerializer
    filterset_class = InstructionFilter

    def get_queryset(self) -> QuerySet[Instruction]:
        user: Any = self.request.user
        found = Instruction.objects.filter(task__in=tasks_visible_to(user))
        if user.is_authenticated and not user.sees_everything:
            # An instruction naming units goes to those units only (none named: every unit of the task).
            named = Instruction.units.through.objects.filter(instruction_id=OuterRef("pk"))
            found = found.filter(~Exists(named) | Exists(named.filter(unit_id=user.unit_id)))
        return found.order_by("-created_at", "-pk")
