from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("待发布")
    PUBLISHED = "published", _("已发布")
    ARCHIVED = "archived", _("已归档")


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")


class UnitRole(models.TextChoices):
    LEAD = "lead", _("牵头")
    SUPPORT = "support", _("配合")
    RESPONSIBLE = "responsible", _("责任")


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已办结")


class TargetOp(models.TextChoices):
    GE = ">=", _("不低于")
    LE = "<=", _("不高于")
    EQ = "=", _("等于")
    GROWTH = "growth", _("增长")


class TargetBasis(models.TextChoices):
    """What a target's value measures, as the parser read it from the wording (plandoc Target.basis)."""

    INCREMENT = "increment", _("新增量")
    LEVEL = "level", _("总量")
    RATE = "rate", _("比率")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("解析中")
    PREVIEW = "preview", _("待确认")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")
