"""Indicators: the catalogue, regions, targets (from the parser's targets), observations with revisions.

Regions are their own small model linked one-to-one to a Unit: a region is a territory whose statistics
are published (全市, 中山区, 高新区), a Unit is the body answerable for it (中山区政府, 高新区管委会). The
city as a whole has no Unit, statistics sheets name territories ("中山区", not "中山区政府"), and the
link is what lets a district's account read its own region's figures and nobody else's.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.orgs.models import Unit
from luoshi.plans.choices import TargetBasis
from luoshi.plans.models import Plan, Target

from .choices import (
    Aggregation,
    Comparator,
    DataSource,
    Direction,
    EditionState,
    EditionStatus,
    Frequency,
    IndicatorKind,
    Measure,
    RegionKind,
)


class Indicator(models.Model):
    """A measured quantity of the catalogue (技术交易额, in 亿元, higher is better)."""

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=200, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    unit = models.CharField(_("计量单位"), max_length=32)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    definition = models.TextField(_("定义"), blank=True)
    source = models.CharField(_("数据来源"), max_length=16, choices=DataSource.choices, default=DataSource.OFFICIAL)
    frequency = models.CharField(_("频率"), max_length=16, choices=Frequency.choices, default=Frequency.ANNUAL)
    aggregation = models.CharField(_("区域汇总方式"), max_length=8, choices=Aggregation.choices,
                                   default=Aggregation.SUM)
    kind = models.CharField(_("指标类型"), max_length=8, choices=IndicatorKind.choices, default=IndicatorKind.LEVEL,
                            help_text=_("总量（高新技术企业数量）、流量（技术交易额，年内累计）或比率（R&D经费支出占GDP比重）"))
    accumulates = models.BooleanField(_("年内累计"), default=False,
                                      help_text=_("流量指标（如技术交易额）：年内逐月累计，年度目标可按进度折算"))
    plausible_min = models.FloatField(_("合理下限"), null=True, blank=True)
    plausible_max = models.FloatField(_("合理上限"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        constraints = [
            models.CheckConstraint(
                condition=Q(plausible_min__isnull=True) | Q(plausible_max__isnull=True)
                | Q(plausible_min__lte=models.F("plausible_max")),
                name="indicator_plausible_range_ordered",
                violation_error_message=_("合理下限不能大于合理上限")),
            # A flow is exactly what accumulates within the year: the two fields never disagree.
            models.CheckConstraint(
                condition=Q(kind=IndicatorKind.FLOW, accumulates=True)
                | (~Q(kind=IndicatorKind.FLOW) & Q(accumulates=False)),
                name="indicator_flow_accumulates",
                violation_error_message=_("流量指标才是年内累计的指标")),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh}（{self.unit}）"


class IndicatorAlias(models.Model):
    """Another phrase for an indicator; a confirmed mapping of a parsed target is remembered here."""

    alias = models.CharField(_("别名"), max_length=200, unique=True)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="aliases",
                                  verbose_name=_("指标"))

    class Meta:
        ordering = ["alias"]
        verbose_name = _("指标别名")
        verbose_name_plural = _("指标别名")

    def __str__(self) -> str:
        return f"{self.alias} → {self.indicator.name_zh}"


class Region(models.Model):
    """A territory whose figures are published: the city, a district/county, a pilot zone."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类别"), max_length=16, choices=RegionKind.choices)
    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="region",
                                verbose_name=_("对应单位"))
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    sort_order = models.IntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("地区")
        verbose_name_plural = _("地区")

    def __str__(self) -> str:
        return self.name


class AttainmentRule(models.Model):
    """How a plan's targets get their RAG status: thresholds, seasonal profile, self-report tolerance."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="attainment_rule")
    red_below = models.FloatField(_("红灯阈值"), default=0.8, help_text=_("实际值低于预期值的该比例为红"))
    amber_below = models.FloatField(_("黄灯阈值"), default=1.0, help_text=_("实际值低于预期值的该比例为黄"))
    seasonal_profile = models.JSONField(
        _("季节进度"), default=list, blank=True,
        help_text=_("12个月的累计进度比例（第12个为1）；为空时按月平均折算"))
    self_report_tolerance = models.FloatField(_("自报与统计差异容忍度"), default=0.05)

    class Meta:
        verbose_name = _("达标规则")
        verbose_name_plural = _("达标规则")
        constraints = [
            models.CheckConstraint(condition=Q(red_below__gt=0) & Q(red_below__lte=models.F("amber_below")),
                                   name="attainment_rule_thresholds_ordered",
                                   violation_error_message=_("红灯阈值须大于0且不大于黄灯阈值")),
        ]

    def __str__(self) -> str:
        return f"{self.plan}"


class IndicatorTarget(models.Model):
    """A target on a catalogue indicator for a plan, year and region; usually made from a parsed target."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicator_targets")
    source_target = models.OneToOneField(Target, on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="indicator_target", verbose_name=_("原文目标"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets",
                                  verbose_name=_("指标"))
    year = models.PositiveIntegerField(_("年度"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="targets", verbose_name=_("地区"))
    responsible_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="indicator_targets", verbose_name=_("责任单位"))
    comparator = models.CharField(_("比较"), max_length=8, choices=Comparator.choices)
    value = models.FloatField(_("目标值"))
    value_unit = models.CharField(_("目标计量单位"), max_length=32)
    basis = models.CharField(_("目标口径"), max_length=16, choices=TargetBasis.choices, null=True, blank=True,
                             help_text=_("新增量的目标：各期报送的是当期新增数，年内相加"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "year", "indicator__code", "region__sort_order"]
        verbose_name = _("指标目标")
        verbose_name_plural = _("指标目标")

    def __str__(self) -> str:
        return f"{self.indicator.name_zh} {self.comparator} {self.value:g}{self.value_unit} ({self.year})"


class ObservationUpload(models.Model):
    """One statistics sheet stored as a whole (all its rows or none)."""

    filename = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(max_length=64)
    source = models.CharField(_("数据来源"), max_length=16, choices=DataSource.choices)
    row_count = models.PositiveIntegerField(_("数据条数"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("统计数据上传")
        verbose_name_plural = _("统计数据上传")

    def __str__(self) -> str:
        return self.filename


class Observation(models.Model):
    """One revision of a figure: indicator × region × year, cumulative through a month, from one source.

    A correction is a new row with revision+1; the previous row keeps its value and loses `is_latest`.
    `measure` says whether the value is the indicator's (the default) or its rise since the end of the
    previous year (a unit's reported additions to a stock, added up over the year's periods); the
    official series and every chart read values only.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="observations",
                                  verbose_name=_("指标"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="observations",
                               verbose_name=_("地区"))
    year = models.PositiveIntegerField(_("年度"))
    through_month = models.PositiveSmallIntegerField(_("截至月份"), default=12)
    source = models.CharField(_("数据来源"), max_length=16, choices=DataSource.choices)
    measure = models.CharField(_("数值含义"), max_length=8, choices=Measure.choices, default=Measure.VALUE)
    value = models.FloatField(_("数值"))
    revision = models.PositiveIntegerField(_("版次"), default=1)
    is_latest = models.BooleanField(_("最新"), default=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    illustrative = models.BooleanField(_("示例数据"), default=False,
                                       help_text=_("演示用的示例数据，非官方统计；凡显示处均标明"))
    upload = models.ForeignKey(ObservationUpload, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="observations")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   related_name="+", verbose_name=_("录入人"))
    entered_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    # A unit's self-report counts (official series, index, public pages) only once the office confirms it.
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("确认人"))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["indicator__code", "region__sort_order", "year", "through_month", "source", "-revision"]
        verbose_name = _("指标实际值")
        verbose_name_plural = _("指标实际值")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region", "year", "through_month", "source", "measure",
                                            "revision"],
                                    name="observation_unique_revision"),
            models.UniqueConstraint(fields=["indicator", "region", "year", "through_month", "source", "measure"],
                                    condition=Q(is_latest=True), name="observation_one_latest",
                                    violation_error_message=_("同一数据只能有一个最新版本")),
            models.CheckConstraint(condition=Q(through_month__gte=1) & Q(through_month__lte=12),
                                   name="observation_month_in_year",
                                   violation_error_message=_("截至月份须在1到12之间")),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.indicator.name_zh} {self.year}-{self.through_month:02d} = {self.value:g}"

    @property
    def unconfirmed(self) -> bool:
        """A unit's self-report the office has not confirmed yet: shown inside the system, marked, never counted."""
        return self.source == DataSource.SELF_REPORT and self.confirmed_at is None


# Observations that count outside the reporting unit and the office: everything but unconfirmed self-reports.
COUNTED = ~Q(source=DataSource.SELF_REPORT) | Q(confirmed_at__isnull=False)


class IndexMethod(models.Model):
    """A composite index method document (luoshi.compindex), stored as written and in canonical form.

    Saved only when compindex accepts it and every series it reads is a catalogue indicator code;
    the fingerprint identifies its substance, so a result can always be tied to the exact method.
    """

    method_id = models.CharField(_("方法标识"), max_length=100)
    version = models.CharField(_("版本"), max_length=50)
    title = models.CharField(_("名称"), max_length=200, blank=True)
    source_text = models.TextField(_("方法文档"))
    document = models.JSONField(_("规范化文档"))
    fingerprint = models.CharField(_("指纹"), max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["method_id", "-created_at"]
        verbose_name = _("指数方法")
        verbose_name_plural = _("指数方法")
        constraints = [models.UniqueConstraint(fields=["method_id", "version"], name="index_method_unique_version",
                                               violation_error_message=_("该方法的此版本已存在"))]

    def __str__(self) -> str:
        return f"{self.title or self.method_id} v{self.version}"


STUCK_AFTER = dt.timedelta(minutes=15)


class IndexEdition(models.Model):
    """One computation of an index for a year: the figures used, the result and its rank intervals.

    A published edition is frozen; a correction is computed as a new edition and both are kept.
    Computing runs as a background job: the row exists from the request on (`state` queued, running,
    done or failed); its figures, result and number are written in one transaction when the job is done,
    so a failed job leaves a row with its error and nothing half-written. Only a done edition is published.
    """

    method = models.ForeignKey(IndexMethod, on_delete=models.PROTECT, related_name="editions",
                               verbose_name=_("指数方法"))
    year = models.PositiveIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("版次"), null=True, blank=True,
                                         help_text=_("计算完成时编号；排队或失败的计算没有版次"))
    status = models.CharField(_("状态"), max_length=16, choices=EditionStatus.choices, default=EditionStatus.DRAFT)
    state = models.CharField(_("计算状态"), max_length=16, choices=EditionState.choices, default=EditionState.DONE)
    error = models.CharField(_("失败原因"), max_length=500, blank=True)
    illustrative = models.BooleanField(_("含示例数据"), default=False,
                                       help_text=_("所用数据中有示例数据（非官方）"))
    regions = models.JSONField(_("参评地区"), default=list)
    data_rows = models.JSONField(_("所用数据"), default=list,
                                 help_text=_("计算所用的每条数据：地区、指标、年度、数值、数据版本id"))
    result = models.JSONField(_("计算结果"), default=dict)
    uncertainty = models.JSONField(_("不确定性分析"), default=dict)
    draws = models.PositiveIntegerField(_("模拟次数"), default=1000)
    seed = models.IntegerField(_("随机种子"), default=0)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    computed_at = models.DateTimeField(_("计算时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("指数发布版")
        verbose_name_plural = _("指数发布版")
        constraints = [models.UniqueConstraint(fields=["method", "year", "number"], name="index_edition_unique_number")]

    def __str__(self) -> str:
        return f"{self.method} {self.year} #{self.number or '—'}"

    @property
    def looks_stuck(self) -> bool:
        """Queued or running for longer than any computation takes: the worker may have stopped."""
        return (self.state in (EditionState.QUEUED, EditionState.RUNNING) and self.computed_at is not None
                and timezone.now() - self.computed_at > STUCK_AFTER)
