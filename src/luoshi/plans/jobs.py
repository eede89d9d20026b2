"""Background entry points (django-tasks): take ids and call services."""

from __future__ import annotations

from django_tasks import task

from .services import plan_import_run


@task()
def plan_import_job(job_id: str) -> str:
    """Parse and import one uploaded plan document (see services.plan_import_run); returns its status."""
    return str(plan_import_run(job_id=job_id).status)
