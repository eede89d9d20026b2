"""Forms of the plan pages: they reject malformed input; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from luoshi.orgs.models import Unit

from .choices import UnitRole
from .models import Plan, Task
from .services import TaskUnitSpec, task_fingerprint

# The parser detects the format from the content; this list only helps the browser's file picker.
PLAN_FILE_ACCEPT = ".txt,.text,.docx,.pdf,.html,.htm,.xlsx,.csv"


class PlanUploadForm(forms.Form):
    document = forms.FileField(
        label=_("计划文件"), help_text=_("支持文本、Word（.docx）、PDF、网页、Excel 和 CSV 格式"),
        error_messages={"empty": _("文件为空，未导入"),
                        "required": _("请选择要上传的文件")},
        widget=forms.ClearableFileInput(attrs={"accept": PLAN_FILE_ACCEPT}))

    def clean_document(self) -> UploadedFile:
        document: UploadedFile = self.cleaned_data["document"]
        limit = settings.LUOSHI_MAX_PLAN_BYTES
        if document.size is not None and document.size > limit:
            raise forms.ValidationError(
                _("文件过大：不能超过 %(mb)s MB"), params={"mb": limit // (1024 * 1024)},
                code="too_large")
        return document

    def read(self) -> tuple[bytes, str]:
        document: UploadedFile = self.cleaned_data["document"]
        # Read at most one byte past the limit: a lying Content-Length cannot make us hold more.
        data = document.read(settings.LUOSHI_MAX_PLAN_BYTES + 1)
        return data, (document.name or "plan")[:255]


def unit_choices() -> Any:
    return Unit.objects.filter(active=True).order_by("is_group", "sort_order", "name")


class MapUnitForm(forms.Form):
    name = forms.CharField(max_length=200, widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(label=_("对应单位"), queryset=Unit.objects.none(), empty_label=_("请选择单位"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices()


class TaskForm(forms.Form):
    text = forms.CharField(label=_("任务内容"), widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label=_("完成时限"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    deadline_text = forms.CharField(label=_("时限原文"), max_length=200, required=False,
                                    help_text=_("如“2019年底前”“长期坚持”"))
    fingerprint = forms.CharField(widget=forms.HiddenInput)

    @classmethod
    def for_task(cls, task: Task, data: Any = None) -> TaskForm:
        initial = {"text": task.text, "deadline": task.deadline, "deadline_text": task.deadline_text,
                   "fingerprint": task_fingerprint(task)}
        return cls(data, initial=initial)


class TaskUnitForm(forms.Form):
    """One unit row: the name read from the plan (fixed for existing rows), the unit and the role."""

    name = forms.CharField(label=_("原文单位名"), max_length=200, required=False)
    unit = forms.ModelChoiceField(label=_("对应单位"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("（未对应）"))
    role = forms.ChoiceField(label=_("角色"), choices=UnitRole.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices()

    def spec(self) -> TaskUnitSpec | None:
        """The unit this row asks for; None for a blank row (the empty row for adding a unit)."""
        unit = self.cleaned_data.get("unit")
        name = (self.cleaned_data.get("name") or "").strip() or (unit.name if unit else "")
        if not name:
            return None
        return TaskUnitSpec(name=name, unit=unit, role=self.cleaned_data["role"])


TaskUnitFormSet = forms.formset_factory(TaskUnitForm, extra=1, can_delete=True, max_num=60, validate_max=True)


def task_unit_formset(task: Task, data: Any = None) -> Any:
    initial = [{"name": tu.name, "unit": tu.unit_id, "role": tu.role}
               for tu in task.task_units.order_by("position")]
    return TaskUnitFormSet(data, initial=initial, prefix="units")


def unit_specs(formset: Any) -> list[TaskUnitSpec]:
    """The units a valid formset asks for; deleted and blank rows left out."""
    specs = []
    for form in formset.forms:
        if not form.cleaned_data or form.cleaned_data.get("DELETE"):
            continue
        spec = form.spec()
        if spec is not None:
            specs.append(spec)
    return specs


class PlanSettingsForm(forms.ModelForm[Plan]):
    """Reporting cadence, due day, year and publicity of a plan (plans.services.plan_configure decides)."""

    class Meta:
        model = Plan
        fields = ["cadence", "due_day", "year", "is_public"]


class ImportConfirmForm(forms.Form):
    """Confirm a re-import's preview: one required choice per conflict (keep the correction or take the new text)."""

    def __init__(self, conflicts: list[dict[str, Any]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conflicts = conflicts
        for index, conflict in enumerate(conflicts):
            self.fields[f"conflict_{index}"] = forms.ChoiceField(
                label=conflict["path"], widget=forms.RadioSelect,
                choices=[("keep", _("保留人工修改")), ("new", _("采用新文本"))],
                error_messages={"required": _("请选择保留人工修改或采用新文本")})

    def conflict_rows(self) -> list[tuple[dict[str, Any], forms.BoundField]]:
        return [(conflict, self[f"conflict_{index}"]) for index, conflict in enumerate(self.conflicts)]

    def resolutions(self) -> dict[str, str]:
        return {conflict["id"]: self.cleaned_data[f"conflict_{index}"]
                for index, conflict in enumerate(self.conflicts)}


def preview_conflicts(preview: dict[str, Any]) -> list[dict[str, Any]]:
    """The conflicts of a stored preview, in order, each with its item's path and text."""
    return [{**field, "path": change["path"], "text": change["text"]}
            for change in preview["changes"] for field in change["fields"] if field["outcome"] == "conflict"]
