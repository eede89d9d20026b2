"""Work plans, their task tree (from luoshi.plandoc), units per task, targets and assignments."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.orgs.models import Unit

from .choices import AssignmentStatus, Cadence, ImportStatus, PlanStatus, TargetBasis, TargetOp, UnitRole


class Plan(models.Model):
    """A work plan document under supervision; its tree is imported from the parser's output."""

    title = models.CharField(_("标题"), max_length=300)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=200, blank=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    notice_title = models.CharField(_("通知标题"), max_length=400, blank=True)
    year = models.PositiveIntegerField(_("年度"), null=True, blank=True)
    source_text = models.TextField(_("原文"))
    source_format = models.CharField(_("原文格式"), max_length=16, default="text")
    source_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    parse_warnings = models.JSONField(_("解析提示"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    cadence = models.CharField(_("报送周期"), max_length=16, choices=Cadence.choices, default=Cadence.MONTHLY)
    due_day = models.PositiveSmallIntegerField(_("报送截止日"), default=5,
                                               help_text=_("每期结束后的第几天为报送截止日"))
    is_public = models.BooleanField(_("向社会公开"), default=False)
    revision = models.PositiveIntegerField(_("导入版次"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   related_name="+", verbose_name=_("导入人"))
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("工作计划")
        verbose_name_plural = _("工作计划")
        constraints = [
            models.CheckConstraint(condition=Q(due_day__gte=1, due_day__lte=28), name="plan_due_day_in_month",
                                   violation_error_message=_("报送截止日应在1至28之间")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def parse_warning_texts(self) -> list[str]:
        """The parser's warnings in the reader's language (see luoshi.core.parser_messages)."""
        from luoshi.core.parser_messages import parser_message

        return [parser_message(warning) for warning in self.parse_warnings]


class Task(models.Model):
    """A node of the plan's tree: a chapter, a section, a task or a sub-item.

    `key` is the node's label path ("三/(一)/1/(1)"): re-importing a corrected version of the plan
    matches tasks by it, so nothing is duplicated. Leaves that are tasks (`is_item`) get assignments.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("计划"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    key = models.CharField(max_length=300)
    label = models.CharField(_("编号"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"))
    position = models.PositiveIntegerField(_("顺序"))
    text = models.TextField(_("内容"))
    body = models.TextField(_("说明"), blank=True)
    span_start = models.PositiveIntegerField()
    span_end = models.PositiveIntegerField()
    is_item = models.BooleanField(_("任务项"), default=False)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    deadline_text = models.CharField(_("时限原文"), max_length=200, blank=True)
    cadence = models.CharField(_("周期"), max_length=16, blank=True)
    is_public = models.BooleanField(_("公开"), default=True)
    removed = models.BooleanField(_("已停用"), default=False,
                                  help_text=_("新版计划中已删除：不再列入当前任务和报送，历史报告保留"))
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    # What the parser read for the fields the office may correct (text, deadline, units): a re-import
    # compares against it to tell a manual correction (kept) from the text changing (taken).
    parsed_values = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="task_unique_key_per_plan")]
        indexes = [models.Index(fields=["plan", "is_item", "position"], name="task_plan_items_idx")]

    def __str__(self) -> str:
        return f"{self.display_path} {self.text[:40]}"

    @property
    def display_path(self) -> str:
        # "~<id>": a retired task whose number a later version gave to another task (services._plan_revise)
        return ".".join(self.key.split("~")[0].split("/"))

    def source_sentence(self) -> str:
        """The line of the original document this task was read from."""
        src = self.plan.source_text
        start = src.rfind("\n", 0, self.span_start) + 1
        end = src.find("\n", self.span_end)
        return src[start: end if end >= 0 else len(src)]


class TaskUnit(models.Model):
    """A unit named on a task in the plan, with its role; `inherited` when it came from a heading.

    `name` is the name the parser read; `unit` is empty until the name is mapped to a unit of the
    directory (the supervisor does it in the import preview, and the mapping is kept as an alias).
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_units")
    name = models.CharField(_("原文单位名"), max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="task_units")
    role = models.CharField(_("角色"), max_length=16, choices=UnitRole.choices)
    inherited = models.BooleanField(_("继承自上级"), default=False)
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["task", "position"]
        constraints = [models.UniqueConstraint(fields=["task", "name"], name="taskunit_unique_name")]


class Target(models.Model):
    """A quantitative target the parser found on a task (每万人口发明专利拥有量达到18件)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="targets")
    text = models.CharField(_("原文"), max_length=300)
    indicator = models.CharField(_("指标"), max_length=200, blank=True)
    value = models.FloatField(_("目标值"))
    value_max = models.FloatField(_("目标上限"), null=True, blank=True)
    unit = models.CharField(_("计量单位"), max_length=32)
    op = models.CharField(_("比较"), max_length=8, choices=TargetOp.choices)
    basis = models.CharField(_("目标口径"), max_length=16, choices=TargetBasis.choices, null=True, blank=True,
                             help_text=_("新增量、总量或比率，按原文措辞判断；为空表示原文未说明"))
    year = models.PositiveIntegerField(_("年度"), null=True, blank=True)
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["task", "position"]
        verbose_name = _("量化目标")
        verbose_name_plural = _("量化目标")

    def __str__(self) -> str:
        return self.text


class DuplicateGroup(models.Model):
    """Items that repeat the same duty for the same unit: the unit may answer them with one report."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="duplicate_groups")
    tasks = models.ManyToManyField(Task, related_name="duplicate_groups")


class Assignment(models.Model):
    """One (task item, unit) pair: the unit answers for the task each period. Groups are expanded."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("角色"), max_length=16, choices=UnitRole.choices)
    via_group = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("来自单位集合"))
    status = models.CharField(_("状态"), max_length=16, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.OPEN)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closing_report = models.TextField(_("办结报告"), blank=True)
    active = models.BooleanField(_("有效"), default=True, help_text=_("新版计划不再包含时置为无效，历史保留"))

    class Meta:
        ordering = ["task__position", "unit__sort_order", "unit__name"]
        verbose_name = _("任务分工")
        verbose_name_plural = _("任务分工")
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="assignment_unique_task_unit")]
        indexes = [models.Index(fields=["unit", "status"], name="assignment_unit_status_idx")]

    def __str__(self) -> str:
        return f"{self.task.display_path} · {self.unit}"


def import_upload_path(instance: PlanImport, filename: str) -> str:
    # Stored under the data directory's uploads (never served by URL); the name shown is kept in a field.
    return f"plan-imports/{instance.pk.hex}"


class PlanImport(models.Model):
    """An uploaded plan document waiting for, or parsed by, a background worker (never inside a request).

    `plan` is the plan being re-imported (empty for a new plan); `result` the plan written. A re-import
    stops at `preview`: the job stores what it parsed (`parsed`) and the differences with the plan
    (`preview`), and nothing changes until the office confirms (then `parsed` is written, not re-read).
    Only the office account that uploaded it sees it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    result = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    file = models.FileField(upload_to=import_upload_path, blank=True)
    filename = models.CharField(_("文件名"), max_length=255)
    status = models.CharField(_("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    step = models.CharField(_("当前步骤"), max_length=100, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    parsed = models.JSONField(null=True, blank=True, editable=False)
    preview = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("计划导入任务")
        verbose_name_plural = _("计划导入任务")
        indexes = [models.Index(fields=["user", "created_at"], name="planimport_user_idx")]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_finished(self) -> bool:
        return self.status not in (ImportStatus.PENDING, ImportStatus.RUNNING)
