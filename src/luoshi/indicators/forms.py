"""Forms of the indicators pages: they reject malformed input; the services decide the rest."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import DataSource
from .models import IndexMethod, Indicator
from .sheets import MAX_SHEET_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(label=_("统计表（.xlsx 或 .csv）"))
    year = forms.IntegerField(label=_("年度"), min_value=1949, max_value=2200,
                              help_text=_("表中没有“年度”列时使用"))
    through_month = forms.IntegerField(label=_("截至月份"), min_value=1, max_value=12, initial=12,
                                       help_text=_("年度数据填12；表中没有“月份”列时使用"))
    source = forms.ChoiceField(label=_("数据来源"), choices=DataSource.choices, initial=DataSource.OFFICIAL)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SHEET_BYTES:
            raise forms.ValidationError(_("文件超过5MB"))
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("只接受 .xlsx 或 .csv 文件"))
        return upload


class MapTargetForm(forms.Form):
    target = forms.IntegerField(widget=forms.HiddenInput)
    indicator = forms.ModelChoiceField(label=_("对应指标"), queryset=Indicator.objects.filter(active=True),
                                       empty_label=_("请选择指标"))


class RuleForm(forms.Form):
    red_below = forms.FloatField(label=_("红灯：低于预期值的比例"), min_value=0.01, max_value=5, initial=0.8)
    amber_below = forms.FloatField(label=_("黄灯：低于预期值的比例"), min_value=0.01, max_value=5, initial=1.0)
    seasonal_profile = forms.CharField(
        label=_("季节进度（12个累计比例，逗号分隔；空为按月平均）"), required=False,
        widget=forms.TextInput(attrs={"size": 60}))
    self_report_tolerance = forms.FloatField(label=_("自报与统计差异容忍度"), min_value=0, max_value=5, initial=0.05)

    def clean_seasonal_profile(self) -> list[float]:
        text = self.cleaned_data["seasonal_profile"].strip()
        if not text:
            return []
        try:
            values = json.loads(f"[{text.replace('，', ',')}]")
            return [float(v) for v in values]
        except (ValueError, TypeError):
            raise forms.ValidationError(_("请填写以逗号分隔的数字")) from None


class MethodForm(forms.Form):
    text = forms.CharField(label=_("方法文档（YAML或JSON）"), widget=forms.Textarea(attrs={"rows": 16, "cols": 90}),
                           max_length=200_000)


class ComputeForm(forms.Form):
    method = forms.ModelChoiceField(label=_("指数方法"), queryset=IndexMethod.objects.all())
    year = forms.IntegerField(label=_("年度"), min_value=1949, max_value=2200)
    draws = forms.IntegerField(label=_("蒙特卡洛模拟次数"), min_value=10, max_value=5000, initial=1000)
    note = forms.CharField(label=_("说明（更正原因等）"), max_length=300, required=False)
