"""Background entry points (django-tasks): they take ids and plain values and call services.

- `reminders_sweep_job`: the reminder sweep (the same as `manage.py send_reminders --once`).
- `export_job`: builds a long export (the ledger workbook…) for one account and stores it as an
  ExportJob row with its file; the owner downloads it from the exports page.

Exporters are registered by kind; an exporter is `(user, params) -> (filename, content)` and must scope
what it reads to what `user` may see (plans.access). "ledger" is registered below: the ledger page's
filters (the same query string as the page) applied to the user's ledger, built by plans.exports.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from luoshi.core.audit import audit_record
from luoshi.core.errors import DomainError

from .choices import ExportStatus
from .models import ExportJob
from .reminders import reminders_sweep

logger = logging.getLogger(__name__)

Exporter = Callable[[Any, dict[str, str]], tuple[str, bytes]]
EXPORTERS: dict[str, str | Exporter] = {}
MAX_PENDING_PER_USER = 3
MAX_PARAM_LENGTH = 200


def register_exporter(kind: str, exporter: str | Exporter) -> None:
    """Make `kind` available to export_request; `exporter` is a callable or its dotted path."""
    EXPORTERS[kind] = exporter


def _exporter(kind: str) -> Exporter:
    found = EXPORTERS[kind]
    if isinstance(found, str):
        found = import_string(found)
        EXPORTERS[kind] = found
    assert callable(found)
    return found


def ledger_export(user: Any, params: dict[str, str]) -> tuple[str, bytes]:
    """The filtered ledger as .xlsx for `user` (the same file as the ledger page's download)."""
    from luoshi.plans.exports import ledger_export_file

    return ledger_export_file(user, params)


register_exporter("ledger", ledger_export)


# --- tasks ----------------------------------------------------------------------------------------------


@task()
def reminders_sweep_job(today: str | None = None) -> dict[str, Any]:
    """Run the reminder sweep; `today` (YYYY-MM-DD) only to replay a day."""
    return reminders_sweep(today=dt.date.fromisoformat(today) if today else None).as_dict()


@task()
def export_job(kind: str, user_id: int, params: dict[str, str], export_id: str | None = None) -> str:
    """Build one export for `user_id` and store it; returns the ExportJob id.

    Called with the id of a row made by export_request (the normal path), or without one, when a caller
    enqueues directly: then the row is made here.
    """
    if export_id is None:
        user = get_user_model().objects.get(pk=user_id)
        export_id = str(export_request(actor=user, kind=kind, params=params, enqueue=False).pk)
    export_run(export_id=export_id)
    return export_id


# --- services for exports ---------------------------------------------------------------------------------


def export_request(*, actor: Any, kind: str, params: dict[str, str], enqueue: bool = True) -> ExportJob:
    """Queue an export for the actor (audited); the worker builds it after the commit."""
    if kind not in EXPORTERS:
        raise DomainError(_("不支持的导出类型 (unknown export kind)"), code="unknown_export")
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise DomainError(_("账号无效 (inactive account)"), code="forbidden")
    clean = {str(k)[:50]: str(v)[:MAX_PARAM_LENGTH] for k, v in params.items()}
    with transaction.atomic():
        # A job stuck by a crashed worker stops counting after an hour.
        busy = ExportJob.objects.filter(user=actor, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING],
                                        created_at__gte=timezone.now() - dt.timedelta(hours=1)).count()
        if busy >= MAX_PENDING_PER_USER:
            raise DomainError(_("已有%(count)d个导出正在生成，请稍后再试 (too many exports running)")
                              % {"count": busy}, code="too_many_exports")
        job: ExportJob = ExportJob.objects.create(kind=kind, params=clean, user=actor)
        audit_record(actor=actor, action="export.request", target=job, after={"kind": kind, "params": clean})
        if enqueue:
            job_id = str(job.pk)
            transaction.on_commit(lambda: export_job.enqueue(kind, actor.pk, clean, job_id))
    return job


def export_run(*, export_id: str) -> ExportJob:
    """Build the file of a pending export. A job delivered twice runs once: the row is claimed first."""
    claimed = ExportJob.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(status=ExportStatus.RUNNING)
    job: ExportJob = ExportJob.objects.select_related("user").get(pk=export_id)
    if not claimed:
        return job
    try:
        if not job.user.is_active:
            raise DomainError(_("账号已停用 (the account is disabled)"), code="forbidden")
        filename, content = _exporter(job.kind)(job.user, dict(job.params))
    except Exception as exc:
        logger.exception("Export %s (%s) failed", export_id, job.kind)
        message = exc.message if isinstance(exc, DomainError) else _("导出失败，请稍后重试或联系管理员 (export failed)")
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=message[:500],
                                                   finished_at=timezone.now())
        job.refresh_from_db()
        return job
    job.file.save(uuid.uuid4().hex, ContentFile(content), save=False)
    job.filename = filename[:255]
    job.status = ExportStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "filename", "status", "finished_at"])
    return job


def exports_purge(*, older_than: dt.timedelta) -> int:
    """Delete finished exports (rows and files) older than `older_than`; returns how many."""
    cutoff = timezone.now() - older_than
    old = list(ExportJob.objects.filter(created_at__lt=cutoff,
                                        status__in=[ExportStatus.DONE, ExportStatus.FAILED]))
    for job in old:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)
