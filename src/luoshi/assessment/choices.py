from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitGroup(models.TextChoices):
    """Units are ranked within their group: districts and pilot zones apart from city departments."""

    DEPARTMENTS = "departments", _("市直部门")
    DISTRICTS = "districts", _("区市县和先导区")


class RubricStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被新版本取代")


class Component(models.TextChoices):
    """The parts of a score, in the order of the results table."""

    COMPLETION = "completion", _("任务完成")
    TIMELINESS = "timeliness", _("报送及时")
    QUALITY = "quality", _("报告质量")
    REMINDERS = "reminders", _("催办")
    EXTENSIONS = "extensions", _("延期")
    INDICATORS = "indicators", _("指标目标完成")
    ADJUSTMENTS = "adjustments", _("加减分")


class AdjustmentKind(models.TextChoices):
    BONUS = "bonus", _("加分")
    DEDUCTION = "deduction", _("减分")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("维持扣分")
    REVERSED = "reversed", _("撤销扣分")


class AppealDecision(models.TextChoices):
    """What the office decides on an appeal; there is no default, the office chooses one."""

    REVERSE = "reverse", _("撤销扣分")
    UPHOLD = "uphold", _("维持扣分")


class QualityRule(models.TextChoices):
    """How a rubric scores report quality, stored with the rubric so that a published result keeps its rule.

    FILED (issue 10): the weight is shared among the reports owed, a report never filed earns nothing, and each
    return deducts `per_return`. RETURNS: the earlier rule, kept by the rubrics published under it: only returns
    deducted, so a unit that filed nothing had full marks.
    """

    FILED = "filed", _("按已报送的报告计分")
    RETURNS = "returns", _("只按退回扣分（旧规则）")
