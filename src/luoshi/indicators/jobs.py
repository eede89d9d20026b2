"""Background entry points of the indicators app (django-tasks): they take ids and call services.

- `index_edition_job`: computes a queued index edition (index.index_edition_request makes the row and
  enqueues this after its commit; index.index_edition_run is the body).
"""

from __future__ import annotations

from django_tasks import task

from .index import index_edition_run


@task()
def index_edition_job(edition_id: int, first_year: int | None = None) -> str:
    """Compute the queued edition `edition_id`; returns its state (done or failed)."""
    return str(index_edition_run(edition_id=edition_id, first_year=first_year).state)
