"""Background entry points (django-tasks): they take ids and plain values and call services.

- `reminders_sweep_job`: the reminder sweep (the same as `manage.py send_reminders --once`).

Documents built in the background (the ledger workbook, circulars) are the documents app's jobs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks import task

from .reminders import reminders_sweep


@task()
def reminders_sweep_job(today: str | None = None) -> dict[str, Any]:
    """Run the reminder sweep; `today` (YYYY-MM-DD) only to replay a day."""
    return reminders_sweep(today=dt.date.fromisoformat(today) if today else None).as_dict()
