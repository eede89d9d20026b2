"""Writes of the documents app: asking for a document to be built, building it, purging old files."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luoshi.core.audit import audit_record
from luoshi.core.errors import DomainError

from .builders import BUILDERS
from .choices import JobStatus
from .models import DocumentJob

logger = logging.getLogger(__name__)

MAX_PENDING_PER_USER = 3
MAX_PARAM_LENGTH = 2000
STALE_AFTER = dt.timedelta(hours=1)  # a job left running by a crashed worker stops counting against the limit


def document_request(*, actor: Any, kind: str, params: Mapping[str, Any], title: str = "",
                     enqueue: bool = True) -> DocumentJob:
    """Queue a document for the actor (audited); a worker builds it after the commit."""
    if kind not in BUILDERS:
        raise DomainError(_("不支持的文件类型"), code="unknown_document")
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise DomainError(_("账号无效"), code="forbidden")
    clean = {str(k)[:50]: str(v)[:MAX_PARAM_LENGTH] for k, v in params.items()}
    clean.setdefault("lang", translation.get_language() or "zh-hans")
    with transaction.atomic():
        busy = DocumentJob.objects.filter(user=actor, status__in=[JobStatus.PENDING, JobStatus.RUNNING],
                                          created_at__gte=timezone.now() - STALE_AFTER).count()
        if busy >= MAX_PENDING_PER_USER:
            raise DomainError(_("已有%(count)d个文件正在生成，请稍后再试") % {"count": busy},
                              code="too_many_documents")
        job = DocumentJob.objects.create(kind=kind, params=clean, user=actor, title=title[:300])
        audit_record(actor=actor, action="document.request", target=job,
                     after={"kind": kind, **{k: v for k, v in clean.items() if k != "requirements"}})
        if enqueue:
            from .jobs import document_job

            job_id = str(job.pk)
            transaction.on_commit(lambda: document_job.enqueue(job_id))
    return job


def _set_progress(job_id: Any, percent: int, step: str) -> None:
    DocumentJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        progress=max(0, min(percent, 100)), step=str(step)[:100])


def document_run(*, job_id: str) -> DocumentJob:
    """Build the file of a pending job. A job delivered twice runs once: the row is claimed first."""
    claimed = DocumentJob.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING, progress=1, step=_("开始生成"))
    job: DocumentJob = DocumentJob.objects.select_related("user").get(pk=job_id)
    if not claimed:
        return job
    params = dict(job.params)
    try:
        with translation.override(params.get("lang") or "zh-hans"):
            if not job.user.is_active:
                raise DomainError(_("账号已停用"), code="forbidden")
            built = BUILDERS[job.kind](job.user, params, lambda percent, step: _set_progress(job.pk, percent, step))
    except Exception as exc:
        logger.exception("Document %s (%s) failed", job_id, job.kind)
        message = exc.message if isinstance(exc, DomainError) else _("生成失败，请稍后重试或联系管理员")
        DocumentJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=message[:500], step="",
                                                     finished_at=timezone.now())
        job.refresh_from_db()
        return job
    job.file.save(uuid.uuid4().hex, ContentFile(built.content), save=False)
    job.filename, job.content_type = built.filename[:255], built.content_type
    job.status, job.progress, job.step, job.finished_at = JobStatus.DONE, 100, "", timezone.now()
    job.save(update_fields=["file", "filename", "content_type", "status", "progress", "step", "finished_at"])
    return job


def documents_purge(*, older_than: dt.timedelta) -> int:
    """Delete finished jobs (rows and files) older than `older_than`; returns how many."""
    old = list(DocumentJob.objects.filter(created_at__lt=timezone.now() - older_than,
                                          status__in=[JobStatus.DONE, JobStatus.FAILED]))
    for job in old:
        if job.file:
            job.file.delete(save=False)
    DocumentJob.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)
