"""Writes for the reporting cycle. Every state change is one service that audits in its transaction."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import transaction
from django.utils import timezone

from luoshi.plans.choices import Cadence
from luoshi.plans.models import Plan

from .models import ReportingPeriod


def period_bounds(plan: Plan) -> list[tuple[str, dt.date, dt.date]]:
    """(label, start, end) of every reporting period of the plan's year."""
    year = plan.year or timezone.localdate().year
    periods = []
    if plan.cadence == Cadence.QUARTERLY:
        for q in range(4):
            start = dt.date(year, 3 * q + 1, 1)
            end_month = 3 * q + 3
            end = dt.date(year, end_month, calendar.monthrange(year, end_month)[1])
            periods.append((f"{year}年第{'一二三四'[q]}季度", start, end))
    else:
        for month in range(1, 13):
            periods.append((f"{year}年{month}月", dt.date(year, month, 1),
                            dt.date(year, month, calendar.monthrange(year, month)[1])))
    return periods


@transaction.atomic
def periods_ensure(*, plan: Plan) -> int:
    """Create the plan's missing reporting periods (idempotent); due `plan.due_day` days after each end."""
    existing = set(plan.periods.values_list("start", flat=True))
    new = [ReportingPeriod(plan=plan, label=label, start=start, end=end,
                           due_date=end + dt.timedelta(days=plan.due_day))
           for label, start, end in period_bounds(plan) if start not in existing]
    ReportingPeriod.objects.bulk_create(new)
    return len(new)
