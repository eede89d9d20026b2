"""Forms and filters of the reporting pages. They check the shape of the input; services decide the rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.plans.access import plans_visible_to
from luoshi.plans.choices import AssignmentStatus
from luoshi.plans.models import Assignment, Plan, Target

from .choices import ExtensionStatus, Progress, ReportStatus
from .models import Extension, Instruction, InstructionAnswer, Report

TEXT_MAX = 20000


class VersionForm(forms.Form):
    """A state change on a report: carries the version the page was rendered with."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class ReturnForm(VersionForm):
    comment = forms.CharField(label=_("退回意见"), max_length=TEXT_MAX,
                              widget=forms.Textarea(attrs={"rows": 3}))


class AcceptForm(VersionForm):
    comment = forms.CharField(label=_("审核意见（可选）"), max_length=TEXT_MAX, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    """The unit's report: progress, narrative, one value per target, one answer per open instruction.

    Target and instruction fields are added per report (`actual_<id>`, `answer_<id>`); `also_for`
    lists the duplicate items the same report may be filed for.
    """

    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    progress = forms.ChoiceField(label=_("进展状态"), choices=Progress.choices)
    narrative = forms.CharField(label=_("进展情况"), max_length=TEXT_MAX, required=False,
                                widget=forms.Textarea(attrs={"rows": 8}))
    also_for = forms.ModelMultipleChoiceField(label=_("同时报送以下重复任务"), queryset=Assignment.objects.none(),
                                              required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, targets: Sequence[Target] = (), instructions: Sequence[Instruction] = (),
                 candidates: Sequence[Assignment] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        self.instructions = list(instructions)
        for target in self.targets:
            self.fields[f"actual_{target.pk}"] = forms.FloatField(
                label=target.text, required=False, help_text=_("目标值：%(value)s %(unit)s") % {
                    "value": f"{target.value:g}", "unit": target.unit})
        for instruction in self.instructions:
            self.fields[f"answer_{instruction.pk}"] = forms.CharField(
                label=instruction.text, required=False, max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 3}))
        if candidates:
            self.fields["also_for"].queryset = Assignment.objects.filter(pk__in=[a.pk for a in candidates])
            self.fields["also_for"].label_from_instance = lambda a: f"{a.task.display_path} {a.task.text[:60]}"
        else:
            del self.fields["also_for"]

    def actual_fields(self) -> list[forms.BoundField]:
        return [self[f"actual_{t.pk}"] for t in self.targets]

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[f"answer_{i.pk}"] for i in self.instructions]

    def actuals(self) -> dict[int, float | None]:
        return {t.pk: self.cleaned_data.get(f"actual_{t.pk}") for t in self.targets}

    def answers(self) -> dict[int, str]:
        return {i.pk: self.cleaned_data.get(f"answer_{i.pk}") or "" for i in self.instructions}


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("佐证材料"), max_length=255,
                           help_text=_("支持 pdf、docx、xlsx、jpg、png、txt、zip"))


class ExtensionRequestForm(forms.Form):
    requested_deadline = forms.DateField(label=_("申请延期至"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("延期理由"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审批结果"), choices=[("grant", _("同意")), ("refuse", _("不同意"))],
                                 widget=forms.RadioSelect)
    comment = forms.CharField(label=_("审批意见"), max_length=TEXT_MAX, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class InstructionForm(forms.Form):
    """A leader's instruction; `units` chooses among the units holding the task (none chosen: all of them)."""

    text = forms.CharField(label=_("批示内容"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    units = forms.TypedMultipleChoiceField(label=_("批示单位（不选则发给全部承办单位）"), coerce=int, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    back = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, holders: Sequence[Assignment] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(a.unit_id, a.unit.name) for a in holders]


class CloseForm(forms.Form):
    closing_report = forms.CharField(label=_("办结报告"), max_length=TEXT_MAX, required=False,
                                     widget=forms.Textarea(attrs={"rows": 5}))


class CloseRefuseForm(forms.Form):
    comment = forms.CharField(label=_("不予办结的意见"), max_length=TEXT_MAX,
                              widget=forms.Textarea(attrs={"rows": 3}))


MY_TASK_STATES = [("", _("办理中")), ("due", _("本期待报")), ("returned", _("被退回")), ("overdue", _("逾期未报")),
                  ("instructions", _("批示待答复")), ("new", _("新交办")), ("closing", _("办结待确认")),
                  ("closed", _("已办结"))]


def _visible_plans(request: Any) -> QuerySet[Plan]:
    if request is None:
        return Plan.objects.none()
    return plans_visible_to(request.user).only("pk", "title")  # not the plan's whole text


class MyTaskFilter(django_filters.FilterSet):
    """The unit's task list: by state (due, returned, overdue, closed), plan and text."""

    state = django_filters.ChoiceFilter(label=_("状态"), choices=MY_TASK_STATES, method="filter_state",
                                        empty_label=None, null_label=None)
    plan = django_filters.ModelChoiceFilter(label=_("计划"), field_name="task__plan", queryset=_visible_plans,
                                            empty_label=_("全部计划"))
    q = django_filters.CharFilter(label=_("搜索"), method="filter_text")

    class Meta:
        model = Assignment
        fields: list[str] = []

    @property
    def qs(self) -> QuerySet[Assignment]:
        queryset: QuerySet[Assignment] = super().qs
        if not (self.form.is_bound and self.form.is_valid() and self.form.cleaned_data.get("state")):
            queryset = queryset.filter(status=AssignmentStatus.OPEN)  # the default view: open assignments
        return queryset

    def filter_state(self, queryset: QuerySet[Assignment], name: str, value: str) -> QuerySet[Assignment]:
        if value == "due":
            return queryset.filter(status=AssignmentStatus.OPEN, delivered_now=False)
        if value == "returned":
            return queryset.filter(has_returned=True)
        if value == "overdue":
            return queryset.filter(status=AssignmentStatus.OPEN, is_overdue=True)
        if value == "instructions":
            return queryset.filter(status=AssignmentStatus.OPEN, has_open_instruction=True)
        if value == "new":
            return queryset.filter(status=AssignmentStatus.OPEN, is_new=True)
        if value == "closing":
            return queryset.filter(status=AssignmentStatus.OPEN).exclude(closing_report="")
        if value == "closed":
            return queryset.filter(status=AssignmentStatus.CLOSED)
        return queryset

    def filter_text(self, queryset: QuerySet[Assignment], name: str, value: str) -> QuerySet[Assignment]:
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(task__text__icontains=value) | Q(unit__name__icontains=value))


class ReportFilter(django_filters.FilterSet):
    """The report history: by status, plan, period label and text."""

    status = django_filters.ChoiceFilter(label=_("状态"), choices=ReportStatus.choices, empty_label=_("全部状态"))
    plan = django_filters.ModelChoiceFilter(label=_("计划"), field_name="period__plan", queryset=_visible_plans,
                                            empty_label=_("全部计划"))
    assignment = django_filters.NumberFilter(field_name="assignment_id", widget=forms.HiddenInput)
    late = django_filters.BooleanFilter(label=_("逾期报送"), field_name="is_late")
    answers = django_filters.BooleanFilter(label=_("含批示答复"), method="filter_answers")
    q = django_filters.CharFilter(label=_("搜索"), method="filter_text")

    class Meta:
        model = Report
        fields: list[str] = []

    def filter_answers(self, queryset: QuerySet[Report], name: str, value: bool | None) -> QuerySet[Report]:
        if value is None:
            return queryset
        answered = InstructionAnswer.objects.filter(report=OuterRef("pk")).exclude(text="")
        return queryset.filter(Exists(answered)) if value else queryset.exclude(Exists(answered))

    def filter_text(self, queryset: QuerySet[Report], name: str, value: str) -> QuerySet[Report]:
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(assignment__task__text__icontains=value) | Q(assignment__unit__name__icontains=value)
                               | Q(narrative__icontains=value))


class ExtensionFilter(django_filters.FilterSet):
    """Extension requests: by status (pending first by default ordering of the view)."""

    status = django_filters.ChoiceFilter(label=_("状态"), choices=ExtensionStatus.choices, empty_label=_("全部状态"))

    class Meta:
        model = Extension
        fields: list[str] = []
