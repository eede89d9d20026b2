from __future__ import annotations

from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from luoshi.core import clock
from luoshi.plans.models import Plan
from luoshi.reports.models import ReportingPeriod
from luoshi.reports.selectors import current_period

from .builders import DEFAULT_REQUIREMENTS, default_issuer


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ReportingPeriod) -> str:
        return f"{obj.label}（{formats.date_format(obj.start)}—{formats.date_format(obj.end)}）"


class CircularForm(forms.Form):
    """The circular of one plan: which period, who issues it, its number and date, what it asks of units."""

    period = PeriodChoiceField(label=_("报送期"), queryset=ReportingPeriod.objects.none(), empty_label=None)
    issuer = forms.CharField(label=_("发文单位"), max_length=100)
    number = forms.CharField(label=_("文号或期数"), max_length=60, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("如“督查通报〔2019〕第6期”")}))
    date = forms.DateField(label=_("成文日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           help_text=_("逾期天数和红黄绿灯按此日期计算"))
    requirements = forms.CharField(label=_("工作要求"), max_length=2000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text=_("通报点名单位时，自动加上请点名单位报送整改情况的要求"))
    copy_to = forms.CharField(label=_("抄送"), max_length=300, required=False,
                              widget=forms.TextInput(attrs={"placeholder": _("如“市委督查室，市政府办公室”")}))
    format = forms.ChoiceField(choices=[("pdf", "PDF"), ("docx", _("Word（可编辑）"))], required=False,
                               widget=forms.HiddenInput)  # given by the submit button pressed

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        periods = list(plan.periods.order_by("start"))
        today = clock.today()
        field = self.fields["period"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = plan.periods.order_by("start")
        # The period most recently due is the one a circular usually reports on.
        due = [p for p in periods if p.due_date < today]
        field.initial = (due[-1] if due else current_period(periods, today))
        self.fields["issuer"].initial = default_issuer(plan)
        self.fields["date"].initial = today
        self.fields["requirements"].initial = DEFAULT_REQUIREMENTS

    def params(self) -> dict[str, str]:
        data = self.cleaned_data
        return {"period": str(data["period"].pk), "issuer": data["issuer"].strip(), "number": data["number"].strip(),
                "date": data["date"].isoformat(), "requirements": data["requirements"].strip(),
                "copy_to": data["copy_to"].strip(), "format": data["format"] or "pdf"}
