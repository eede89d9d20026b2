from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """The documents built in the background (small ones are rendered while the user waits)."""

    LEDGER = "ledger", _("任务落实台账（Excel）")
    CIRCULAR = "circular", _("督查通报（PDF）")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
