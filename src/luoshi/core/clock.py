"""The business clock: what "today" is for reporting periods, deadlines, RAG lights and reminders.

`settings.LUOSHI_TODAY` (environment LUOSHI_TODAY=YYYY-MM-DD) pins the date, so the demo can play in
August 2018 where its plan lives; unset, it is the real local date. Only business decisions and the
business timestamps that are compared with them read this clock: row timestamps (auto_now, the audit
log, job bookkeeping) keep the real time, so the record still tells what actually happened when.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def pinned_date() -> dt.date | None:
    """The date LUOSHI_TODAY pins, or None when the clock follows the real date."""
    pinned: dt.date | None = getattr(settings, "LUOSHI_TODAY", None)
    return pinned


def today() -> dt.date:
    """The business date in the local time zone (settings.TIME_ZONE)."""
    pinned = pinned_date()
    if pinned is not None:
        return pinned
    local: dt.date = timezone.localdate()
    return local


def now() -> dt.datetime:
    """An aware datetime on the business date; with a pinned date, the real local time of day on that date.

    Keeping the time of day running makes successive events on the pinned day still sort in order.
    """
    real: dt.datetime = timezone.now()
    pinned = pinned_date()
    if pinned is None:
        return real
    local: dt.datetime = timezone.localtime(real)
    return local.replace(year=pinned.year, month=pinned.month, day=pinned.day)


def on_business_clock(moment: dt.datetime) -> dt.datetime:
    """A recorded real time as the business clock tells it: moved by as many days as the pinned date is from
    the real date (the demo's history shows 2018 dates beside its 2018 reports); unchanged when unpinned.

    The record itself keeps the real time; only what is shown moves.
    """
    pinned = pinned_date()
    if pinned is None:
        return moment
    return moment + (pinned - timezone.localdate())
