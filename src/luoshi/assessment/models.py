"""Year-end assessment (考核): rubrics per year and unit group, office adjustments, scores with their
trace of events, and appeals (申诉) against named deductions."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.orgs.models import Unit

from .choices import AdjustmentKind, AppealStatus, Component, QualityRule, RubricStatus, UnitGroup

ZERO = Decimal("0")


def _points(verbose: str, default: str) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(verbose, max_digits=6, decimal_places=2, default=Decimal(default),
                               validators=[MinValueValidator(ZERO)])


class Rubric(models.Model):
    """The scoring scheme of one year for one group of units, in numbered versions.

    Each component is worth at most its weight and loses points for the events that count against it
    (scoring.component_formulas says how, in words). A published rubric is frozen: its scores are stored with their
    trace. `quality_rule` says which rule of the report-quality component the rubric was computed with: every new
    rubric has the current one; the rubrics published before it keep the earlier one (migration 0003), so
    their results and the words shown with them stay true. It is not a setting. `revision` guards against lost
    updates of a draft.
    """

    year = models.PositiveIntegerField(_("年度"))
    unit_group = models.CharField(_("考核对象"), max_length=16, choices=UnitGroup.choices)
    version = models.PositiveIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=16, choices=RubricStatus.choices, default=RubricStatus.DRAFT)
    weight_completion = _points(_("任务完成分值"), "40")
    weight_timeliness = _points(_("报送及时分值"), "25")
    weight_quality = _points(_("报告质量分值"), "15")
    weight_reminders = _points(_("催办分值"), "10")
    weight_extensions = _points(_("延期分值"), "10")
    weight_indicators = _points(_("指标目标完成分值"), "0")
    per_return = _points(_("每次退回扣分"), "1")
    per_reminder = _points(_("每次催办扣分"), "1")
    per_extension = _points(_("每次延期扣分"), "2")
    quality_rule = models.CharField(_("报告质量计分规则"), max_length=16, choices=QualityRule.choices,
                                    default=QualityRule.FILED, editable=False)
    appeal_days = models.PositiveSmallIntegerField(_("申诉期（天）"), default=10)
    note = models.CharField(_("说明"), max_length=200, blank=True,
                            help_text=_("显示在方案、结果和各单位得分表上，如“示例数据，非真实考核结果”"))
    revision = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    appeal_deadline = models.DateField(_("申诉截止日"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "unit_group", "-version"]
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit_group", "version"], name="rubric_unique_version"),
            models.UniqueConstraint(fields=["year", "unit_group"], condition=Q(status="published"),
                                    name="rubric_one_published",
                                    violation_error_message=_("同一年度同一考核对象只能有一个已发布方案")),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_unit_group_display()} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        frozen: bool = self.status != RubricStatus.DRAFT
        return frozen


class Adjustment(models.Model):
    """A bonus or deduction the office enters for one unit under a rubric, with its reason."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="adjustments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    kind = models.CharField(_("类型"), max_length=16, choices=AdjustmentKind.choices)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.CharField(_("事由"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rubric", "unit", "id"]
        verbose_name = _("加减分")
        verbose_name_plural = _("加减分")
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="adjustment_points_positive",
                                              violation_error_message=_("分值必须大于0"))]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()} {self.points}"


class Score(models.Model):
    """A unit's published score under a rubric: total, rank in its group, points per component and the
    trace, a list of events {key, component, text, points, reversed} that produced every point."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField(_("名次"))
    components = models.JSONField(_("分项得分"), default=dict)
    trace = models.JSONField(_("计分明细"), default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rubric", "rank", "unit__sort_order", "unit__name"]
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        constraints = [models.UniqueConstraint(fields=["rubric", "unit"], name="score_unique_unit")]

    def __str__(self) -> str:
        return f"{self.rubric} · {self.unit} · {self.total}"

    def component_points(self) -> list[str]:
        """The component points in table order (Component's order)."""
        return [str(self.components.get(c, "0")) for c in Component.values]


class Appeal(models.Model):
    """A unit's appeal (申诉) against one named deduction of its published score, and the office's decision."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="appeals")
    event_key = models.CharField(max_length=100)
    event_text = models.CharField(_("扣分事项"), max_length=500)
    points = models.DecimalField(_("扣分"), max_digits=7, decimal_places=4)
    reason = models.TextField(_("申诉理由"))
    status = models.CharField(_("状态"), max_length=16, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("处理意见"), blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        constraints = [models.UniqueConstraint(fields=["score", "event_key"], name="appeal_once_per_deduction")]

    def __str__(self) -> str:
        return f"{self.score.unit} · {self.event_text[:40]}"


def evidence_path(instance: AppealEvidence, filename: str) -> str:
    # Never the user's file name on disk: a random name under the appeal, the original kept in a field.
    return f"appeal-evidence/{instance.appeal_id}/{uuid.uuid4().hex}"


class AppealEvidence(models.Model):
    """A file a unit sent with its appeal; streamed as a download only to the office and that unit."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, blank=True)   # taken at upload, checked before every download
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appeal", "id"]
        verbose_name = _("申诉佐证材料")
        verbose_name_plural = _("申诉佐证材料")

    def __str__(self) -> str:
        return self.original_name
