"""The append-only audit log: who changed what, when, from where, with the state before and after.

Append-only three times over: the model and queryset refuse updates and deletes, database triggers refuse
them too (migration 0002), and each entry carries a SHA-256 chained to the previous entry, so a row changed
or removed behind the database's back breaks the chain (`manage.py audit_verify`). See docs/security.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64  # prev_hash of the first entry ever written (or the anchor after a prune)
SECURITY_PREFIX = "security."  # actions of security events (login, logout, denied access, download...)


class AuditResult(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")

    def changes(self) -> AuditEntryQuerySet:
        """Entries that record a change of data, without the security events (logins, denied access,
        downloads: actions starting with SECURITY_PREFIX), which change nothing."""
        return self.exclude(action__startswith=SECURITY_PREFIX)


class AuditEntry(models.Model):
    """One state change or security event (login, denied access, download), written by services inside the
    same transaction as the change itself; `entry_hash` chains it to the entry before (luoshi.core.chain)."""

    # Set by audit_record before the insert (not auto_now_add), because the hash covers it.
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # PROTECT: accounts are deactivated, never deleted (SET_NULL would rewrite the actor of old entries).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)  # frozen copy
    actor_unit = models.CharField(_("操作人单位"), max_length=200, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    source_address = models.CharField(_("来源地址"), max_length=45, blank=True)
    result = models.CharField(_("结果"), max_length=16, choices=AuditResult.choices, default=AuditResult.SUCCESS)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300, blank=True)
    plan_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    task_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    unit_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    message = models.TextField(_("说明"), blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        # Given to the audit administrator: export a date range of the log with its hash chain.
        permissions = [("export_auditentry", "Can export the audit log with its hash chain")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")


class AuditAnchor(models.Model):
    """What `manage.py audit_prune` removed: the hash of the last pruned entry, from which the remaining
    chain is verified. Written once per prune, never changed."""

    created_at = models.DateTimeField(default=timezone.now)
    pruned_through_id = models.BigIntegerField()
    pruned_before = models.DateTimeField()
    pruned_count = models.PositiveIntegerField()
    anchor_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-pruned_through_id"]
        verbose_name = _("审计链锚点")
        verbose_name_plural = _("审计链锚点")

    def __str__(self) -> str:
        return f"≤ #{self.pruned_through_id} {self.anchor_hash[:12]}"
