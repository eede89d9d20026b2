"""Input of the assessment pages: validated here, decided in services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from luoshi.orgs.models import Unit

from .choices import AdjustmentKind, AppealDecision, UnitGroup
from .models import Rubric
from .scoring import Weights


class RubricCreateForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    unit_group = forms.ChoiceField(label=_("考核对象"), choices=UnitGroup.choices)


class RubricForm(forms.ModelForm[Rubric]):
    """The weights and deductions of a draft; `revision` detects a concurrent change."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Rubric
        fields = ["weight_completion", "weight_timeliness", "weight_quality", "weight_reminders",
                  "weight_extensions", "weight_indicators", "per_return", "per_reminder", "per_extension",
                  "appeal_days", "note"]

    def weights(self) -> Weights:
        data = self.cleaned_data
        return Weights(completion=data["weight_completion"], timeliness=data["weight_timeliness"],
                       quality=data["weight_quality"], reminders=data["weight_reminders"],
                       extensions=data["weight_extensions"], per_return=data["per_return"],
                       per_reminder=data["per_reminder"], per_extension=data["per_extension"],
                       indicators=data["weight_indicators"])

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AdjustmentForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(label=_("类型"), choices=AdjustmentKind.choices)
    points = forms.DecimalField(label=_("分值"), max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(label=_("事由"), max_length=300)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); cleans to a list of uploads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class AppealForm(forms.Form):
    event_key = forms.CharField(max_length=100, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("申诉理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    # Not required here: the service says how many files an appeal needs, in one message for page and API.
    evidence = MultipleFileField(label=_("佐证材料"), max_length=255, required=False,
                                 help_text=_("至少1个、最多5个文件，支持 pdf、docx、xlsx、jpg、png、txt、zip"))


DECISION_REQUIRED = _("请选择处理结果：撤销扣分或维持扣分")


class AppealDecisionForm(forms.Form):
    """No default decision: the select starts on an empty choice and the office must pick reverse or uphold."""

    decision = forms.ChoiceField(label=_("处理结果"), choices=[("", _("请选择处理结果")), *AppealDecision.choices],
                                 error_messages={"required": DECISION_REQUIRED, "invalid_choice": DECISION_REQUIRED})
    comment = forms.CharField(label=_("处理意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
