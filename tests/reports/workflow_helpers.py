"""Shared builders for the reporting-workflow tests (plain functions over the conftest fixtures)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from luoshi.plans.models import Assignment, DuplicateGroup, Plan
from luoshi.reports.models import Report, ReportingPeriod
from luoshi.reports.services import report_approve, report_save, report_submit

SHANGHAI = ZoneInfo("Asia/Shanghai")
ITEM_1 = "二/(一)/1"   # lead 市科技局, support 市财政局; target 3000 家
ITEM_2 = "二/(一)/2"   # 市经信委
ITEM_4 = "二/(二)/4"   # 市科技局


def assignment(plan: Plan, key: str, unit: str) -> Assignment:
    found: Assignment = Assignment.objects.select_related("task", "task__plan").get(
        task__plan=plan, task__key=key, unit__name=unit)
    return found


def period(plan: Plan, month: int) -> ReportingPeriod:
    found: ReportingPeriod = plan.periods.get(start__month=month)
    return found


def freeze(monkeypatch: Any, when: str) -> dt.datetime:
    """Make timezone.now() return `when` (local Shanghai time, ISO format) for the services and models."""
    moment = dt.datetime.fromisoformat(when).replace(tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def publish_early(plan: Plan) -> None:
    """Pretend the plan was published at the start of its year (so its periods are owed)."""
    Plan.objects.filter(pk=plan.pk).update(published_at=dt.datetime(2019, 1, 2, 9, 0, tzinfo=SHANGHAI))


def draft(actor: Any, a: Assignment, p: ReportingPeriod, *, narrative: str = "已完成评价工作。",
          **kwargs: Any) -> Report:
    return report_save(actor=actor, assignment=a, period=p, version=None, progress="on_track",
                       narrative=narrative, **kwargs)


def submitted(personas: Any, a: Assignment, p: ReportingPeriod, **kwargs: Any) -> Report:
    """A report written by the liaison, approved by the head and submitted by the liaison."""
    report = draft(personas.lead_liaison, a, p, **kwargs)
    report = report_approve(actor=personas.lead_head, report=report, version=report.version)
    return report_submit(actor=personas.lead_liaison, report=report, version=report.version)


def duplicate(plan: Plan, *keys: str) -> DuplicateGroup:
    group = DuplicateGroup(plan=plan)
    group.save()
    group.tasks.set(plan.tasks.filter(key__in=keys))
    return group
