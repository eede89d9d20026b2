"""Background entry point (django-tasks): takes the job's id and calls the service."""

from __future__ import annotations

from django_tasks import task

from .services import document_run


@task()
def document_job(job_id: str) -> str:
    """Build one DocumentJob's file (see services.document_run); returns its status."""
    return str(document_run(job_id=job_id).status)
