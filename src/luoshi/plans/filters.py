"""The ledger's one FilterSet, shared by the page and the Excel export (and later the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from luoshi.orgs.models import Unit

from .access import plans_visible_to
from .choices import AssignmentStatus, PlanStatus
from .models import Assignment, Plan, Task
from .selectors import RAG_CHOICES


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's django/forms/widgets/attrs.html in Python."""
    return "".join(f" {conditional_escape(name)}" if value is True
                   else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
                   for name, value in attrs.items() if value is not False)


class QuickSelect(forms.Select):
    """A select rendered in Python, character for character what Django's select.html and select_option.html
    give (tests/plans/test_ledger.py compares them): without a template render per option, the 100 units of a
    filter cost ~0.5 ms instead of ~6 ms, on every page after a change."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                             f'{conditional_escape(option["label"])}</option>\n')  # the option template's own newline
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every value above is escaped


class ChapterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Task) -> str:
        return f"{obj.plan.title[:16]} · {obj.label} {obj.text[:24]}"


class ChapterFilter(django_filters.ModelChoiceFilter):
    field_class = ChapterChoiceField


class LedgerFilter(django_filters.FilterSet):
    """Filters for the ledger; choice lists are scoped to what the requesting user may see."""

    q = django_filters.CharFilter(label=_("搜索"), method="filter_search",
                                  widget=forms.TextInput(attrs={"placeholder": _("任务内容、单位名称")}))
    plan = django_filters.ModelChoiceFilter(label=_("计划"), queryset=Plan.objects.none(), empty_label=_("全部计划"),
                                            widget=QuickSelect)
    chapter = ChapterFilter(label=_("章节"), queryset=Task.objects.none(), method="filter_chapter",
                            empty_label=_("全部章节"), widget=QuickSelect)
    unit = django_filters.ModelChoiceFilter(label=_("责任单位"), queryset=Unit.objects.none(), method="filter_unit",
                                            empty_label=_("全部单位"), widget=QuickSelect)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=AssignmentStatus.choices, method="filter_status",
                                         empty_label=_("全部"))
    rag = django_filters.ChoiceFilter(label=_("红黄绿灯"), choices=RAG_CHOICES, empty_label=_("全部"))
    overdue = django_filters.BooleanFilter(label=_("已逾期"), field_name="is_overdue",
                                           widget=forms.CheckboxInput, method="filter_overdue")
    deadline = django_filters.DateFromToRangeFilter(
        label=_("完成时限（起止）"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}))

    class Meta:
        model = Task
        fields: list[str] = []

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        plans = plans_visible_to(user).filter(status=PlanStatus.PUBLISHED) if user else Plan.objects.none()
        # Only what the choice labels show: a plan's source text is large.
        self.filters["plan"].queryset = plans.order_by("-created_at").only("pk", "title", "created_at")
        self.filters["chapter"].queryset = (Task.objects.filter(plan__in=plans, parent__isnull=True, removed=False)
                                            .select_related("plan")
                                            .only("pk", "key", "label", "text", "plan", "plan__title")
                                            .order_by("plan_id", "position"))
        if user is not None and user.sees_everything:
            units = Unit.objects.filter(is_group=False, active=True)
        elif user is not None and user.unit_id:
            units = Unit.objects.filter(pk=user.unit_id)
        else:
            units = Unit.objects.none()
        self.filters["unit"].queryset = units.order_by("sort_order", "name")

    def filter_search(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        words = value.split()
        for word in words[:8]:
            named = Task.objects.filter(pk=OuterRef("pk")).filter(
                Q(task_units__name__icontains=word) | Q(task_units__unit__name__icontains=word))
            queryset = queryset.filter(Q(text__icontains=word) | Q(body__icontains=word) | Q(label=word)
                                       | Q(deadline_text__icontains=word) | Exists(named))
        return queryset

    def filter_chapter(self, queryset: QuerySet[Task], name: str, value: Task) -> QuerySet[Task]:
        return queryset.filter(Q(key=value.key) | Q(key__startswith=f"{value.key}/"), plan_id=value.plan_id)

    def filter_unit(self, queryset: QuerySet[Task], name: str, value: Unit) -> QuerySet[Task]:
        held = Assignment.objects.filter(task=OuterRef("pk"), unit=value, active=True)
        return queryset.filter(Exists(held))

    def filter_status(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        if value == AssignmentStatus.OPEN:
            return queryset.filter(is_open=True)
        return queryset.filter(is_open=False, has_assignments=True)

    def filter_overdue(self, queryset: QuerySet[Task], name: str, value: bool | None) -> QuerySet[Task]:
        # An unticked box means "all", not "only the tasks on time".
        return queryset.filter(is_overdue=True) if value else queryset
