from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class DataSource(models.TextChoices):
    OFFICIAL = "official", _("统计部门")
    DEPARTMENT = "department", _("部门记录")
    SELF_REPORT = "self_report", _("单位自报")


class Frequency(models.TextChoices):
    ANNUAL = "annual", _("年度")
    QUARTERLY = "quarterly", _("季度")
    MONTHLY = "monthly", _("月度")


class IndicatorKind(models.TextChoices):
    """What an indicator's figure is: a stock or total at a date, what the year adds so far, or a rate."""

    LEVEL = "level", _("总量（时点数）")
    FLOW = "flow", _("流量（年内累计）")
    RATE = "rate", _("比率")


class Measure(models.TextChoices):
    """What an observation's value is: the indicator's value, or how much it has risen this year so far
    (units' reports of what a period added to a stock: 新增高新技术企业)."""

    VALUE = "value", _("指标值")
    INCREASE = "increase", _("本年新增")


class Aggregation(models.TextChoices):
    SUM = "sum", _("求和")
    MEAN = "mean", _("平均")
    RATIO = "ratio", _("总量之比")


class RegionKind(models.TextChoices):
    CITY = "city", _("全市")
    DISTRICT = "district", _("区市县")
    PILOT_ZONE = "pilot_zone", _("先导区")


class Comparator(models.TextChoices):
    GE = ">=", _("不低于")
    LE = "<=", _("不高于")
    EQ = "=", _("等于")
    GROWTH = "growth", _("增长")
    INCREASE = "increase", _("增加")


class Rag(models.TextChoices):
    GREEN = "green", _("绿")
    AMBER = "amber", _("黄")
    RED = "red", _("红")
    NONE = "none", _("无数据")


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("待发布")
    PUBLISHED = "published", _("已发布")


class EditionState(models.TextChoices):
    """Where the computation of an edition stands (the background job)."""

    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("计算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("计算失败")
