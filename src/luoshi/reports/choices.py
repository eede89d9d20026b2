from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("单位已审核")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已通过")


class Progress(models.TextChoices):
    NOT_STARTED = "not_started", _("未启动")
    ON_TRACK = "on_track", _("正常推进")
    DONE = "done", _("已完成")
    LAGGING = "lagging", _("滞后")
    CANNOT_COMPLETE = "cannot_complete", _("无法完成")


class ReviewAction(models.TextChoices):
    APPROVE = "approve", _("单位负责人审核通过")
    SUBMIT = "submit", _("报送")
    RETURN = "return", _("退回")
    ACCEPT = "accept", _("通过")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    GRANTED = "granted", _("已同意")
    REFUSED = "refused", _("未同意")


class ReminderKind(models.TextChoices):
    BEFORE_DUE = "before_due", _("到期提醒")
    OVERDUE = "overdue", _("逾期催办")
    MANUAL = "manual", _("人工催办")


class EmailStatus(models.TextChoices):
    """Whether a reminder's e-mail reached the mail server (the in-app notice is written with the claim)."""

    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("未发送")
    NO_ADDRESS = "no_address", _("无邮箱")
