"""The reporting cycle: periods, progress reports and their review, evidence, extensions,
leader instructions (批示), reminders (催办) and in-app notifications."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.plans.models import Assignment, Plan, Target, Task

from .choices import EmailStatus, ExtensionStatus, Progress, ReminderKind, ReportStatus, ReviewAction


class ReportingPeriod(models.Model):
    """One reporting period of a plan (2018年6月, 2018年第二季度) and the day its reports are due."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    label = models.CharField(_("报送期"), max_length=50)
    start = models.DateField(_("开始"))
    end = models.DateField(_("结束"))
    due_date = models.DateField(_("报送截止日"))

    class Meta:
        ordering = ["plan", "start"]
        verbose_name = _("报送期")
        verbose_name_plural = _("报送期")
        constraints = [
            models.UniqueConstraint(fields=["plan", "start"], name="period_unique_start"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_end_after_start",
                                   violation_error_message=_("报送期结束日不能早于开始日")),
        ]

    def __str__(self) -> str:
        return self.label


_STATUS_LABELS = {str(value): label for value, label in ReportStatus.choices}
_PROGRESS_LABELS = {str(value): label for value, label in Progress.choices}


class Report(models.Model):
    """A unit's progress report on one assignment for one period.

    Flow: draft -> approved (unit head) -> submitted -> accepted, or returned -> (revised) -> submitted.
    `version` increases on every save: a save based on an older version is refused (no lost update).
    Reports filed once for several duplicate items share a `batch`.
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reports")
    status = models.CharField(_("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    progress = models.CharField(_("进展"), max_length=20, choices=Progress.choices, default=Progress.ON_TRACK)
    narrative = models.TextField(_("进展情况"), blank=True)
    is_late = models.BooleanField(_("逾期报送"), default=False)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("通过时间"), null=True, blank=True)
    is_public = models.BooleanField(_("公开进展"), default=False)
    batch = models.UUIDField(null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period__start", "assignment__task__position"]
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        constraints = [models.UniqueConstraint(fields=["assignment", "period"], name="report_unique_per_period")]
        indexes = [models.Index(fields=["status", "submitted_at"], name="report_queue_idx")]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.period}"

    # Django's generated get_FOO_display hashes every (value, lazy label) pair of the choices at each call:
    # most of the review queue's per-row time. The same answer from a dict keyed by the plain values.
    def get_status_display(self) -> str:
        return str(_STATUS_LABELS.get(self.status, self.status))

    def get_progress_display(self) -> str:
        return str(_PROGRESS_LABELS.get(self.progress, self.progress))

    @property
    def is_locked(self) -> bool:
        return self.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


class TargetActual(models.Model):
    """The actual value a report gives for one of its task's targets."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="actuals")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="actuals")
    value = models.FloatField(_("实际值"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="actual_unique_per_report")]


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the user's file name on disk: a random name under the report, the original kept in a field.
    return f"evidence/{instance.report_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """Evidence uploaded with a report; streamed as a download only to those who may see the report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    # Taken at upload, checked before every download (a mismatch is refused and audited).
    sha256 = models.CharField(max_length=64, blank=True)
    is_public = models.BooleanField(_("公开"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.original_name


class Review(models.Model):
    """A step in a report's flow with its comment (the return reason the unit must see)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField(_("操作"), max_length=16, choices=ReviewAction.choices)
    comment = models.TextField(_("意见"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Extension(models.Model):
    """A unit's request for a later deadline (延期) and the office's decision."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    requested_deadline = models.DateField(_("申请延期至"))
    previous_deadline = models.DateField(_("原时限"), null=True, blank=True)
    reason = models.TextField(_("理由"))
    status = models.CharField(_("状态"), max_length=16, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("审批意见"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")


class Instruction(models.Model):
    """A leader's instruction (批示) on a task; its units must answer it in their next report."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="instructions")
    text = models.TextField(_("批示内容"))
    # The units the leader chose; none chosen means every unit holding the task must answer.
    units = models.ManyToManyField("orgs.Unit", blank=True, related_name="+", verbose_name=_("批示单位"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")


class InstructionAnswer(models.Model):
    instruction = models.ForeignKey(Instruction, on_delete=models.CASCADE, related_name="answers")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="instruction_answers")
    text = models.TextField(_("落实情况"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["instruction", "report"], name="answer_unique_per_report")]


class Reminder(models.Model):
    """A reminder (催办) sent to a unit about one assignment and period.

    Automatic kinds are unique per (assignment, period, kind): the sweep claims the row before it sends,
    so running it twice never sends twice. `email_status` records whether the e-mail reached the mail
    server; a failed one is retried by the next sweep (a pending one may have gone out: never retried).
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("类型"), max_length=16, choices=ReminderKind.choices)
    message = models.TextField(_("内容"), blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    recipients = models.JSONField(default=list, blank=True)
    email_status = models.CharField(_("邮件"), max_length=16, choices=EmailStatus.choices,
                                    default=EmailStatus.PENDING)
    email_error = models.CharField(max_length=500, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("催办记录")
        verbose_name_plural = _("催办记录")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "period", "kind"], condition=~Q(kind="manual"),
                                    name="reminder_once_per_kind"),
        ]
        # Every sweep looks for failed e-mails to retry: a partial index keeps that lookup small.
        indexes = [models.Index(fields=["period"], condition=Q(email_status="failed"),
                                name="reminder_email_failed_idx")]


class Notification(models.Model):
    """An in-app message to one account."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("内容"), max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]


def export_path(instance: Any, filename: str) -> str:
    """Kept for the historical migrations of the retired ExportJob (documents.DocumentJob replaced it)."""
    return f"exports/{instance.pk.hex}"


__all__ = ["Attachment", "Extension", "Instruction", "InstructionAnswer", "Notification", "Reminder",
           "Report", "ReportingPeriod", "Review", "ReviewAction", "TargetActual"]
