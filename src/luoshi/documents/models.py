"""Documents built in the background for one account, with their progress and their file."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import DocumentKind, JobStatus


def document_path(instance: DocumentJob, filename: str) -> str:
    # Stored under the data directory's uploads (never served by URL); the name shown is kept in a field.
    return f"documents/{instance.pk.hex}"


class DocumentJob(models.Model):
    """A document (the ledger workbook, a supervision circular) built by a worker for the account that asked.

    `progress` (0–100) and `step` say how far the worker is; only the requester sees or downloads it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=32, choices=DocumentKind.choices)
    params = models.JSONField(default=dict, blank=True)
    title = models.CharField(_("标题"), max_length=300, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0, validators=[MaxValueValidator(100)])
    step = models.CharField(_("当前步骤"), max_length=100, blank=True)
    file = models.FileField(upload_to=document_path, blank=True)
    filename = models.CharField(_("文件名"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("文件生成任务")
        verbose_name_plural = _("文件生成任务")
        indexes = [models.Index(fields=["user", "created_at"], name="documentjob_user_idx")]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="documentjob_progress_max",
                                              violation_error_message=_("进度不能超过100"))]

    def __str__(self) -> str:
        return self.title or self.kind

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
