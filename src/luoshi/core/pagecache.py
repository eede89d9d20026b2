"""Template fragments of the busiest pages cached until the data changes.

Every change goes through a service that writes an audit entry in the same transaction, so the newest audit
entry's id is the data's version (the leader dashboard's cache uses it the same way): a fragment keyed on it
is recomputed at the first request after any change. The key also holds what a user's rows depend on besides
the data - role, superuser flag and unit (the access helpers decide visibility from these alone, so a unit
never gets another unit's rows) - and the day and the language. LUOSHI_DASHBOARD_CACHE_SECONDS bounds what an
unaudited change (a bulk load) may leave stale; 0 turns the caching off.

Pages put `fragment_cache(request)` into their context as `page_cache` and wrap the part that holds no
per-session data (no CSRF token, no messages) in
`{% cache page_cache.seconds NAME page_cache.key ...what else it varies on... using="fragments" %}`
(a cache in each process's memory: no database round trip, and the version in the key is read from the
database); whatever the fragment needs is passed lazily (SimpleLazyObject), so a hit computes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest
from django.utils.translation import get_language

from . import clock
from .models import AuditEntry


def data_version() -> int:
    """The newest audit entry's id (one index lookup): it changes with every audited write."""
    last: int | None = AuditEntry.objects.aggregate(last=Max("pk"))["last"]
    return last or 0


def user_scope(user: Any) -> str:
    """What decides which rows a user sees and which links the rows offer: role, superuser flag, unit."""
    return f"{user.role}.{int(bool(user.is_superuser))}.{user.unit_id or 0}"


@dataclass(frozen=True)
class FragmentCache:
    seconds: int
    key: str


def fragment_cache(request: HttpRequest, *, today: dt.date | None = None) -> FragmentCache:
    """The timeout and the common part of a fragment's key for this request's user, day and language."""
    seconds = int(getattr(settings, "LUOSHI_DASHBOARD_CACHE_SECONDS", 60))
    today = today or clock.today()
    # Off (0 s): what the tag stores expires at once; the version query is skipped.
    version = data_version() if seconds else "off"
    return FragmentCache(seconds=seconds, key=f"{version}:{user_scope(request.user)}:{today.isoformat()}:"
                                             f"{get_language()}")
