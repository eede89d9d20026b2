"""The supervision facts of a small 2019 year, built directly in the database (the workflow itself is
tested in tests/reports), and the scores they must give, computed by hand in scenario()'s docstring."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from luoshi.plans.choices import AssignmentStatus
from luoshi.plans.models import Assignment, Plan
from luoshi.reports.choices import ExtensionStatus, ReminderKind, ReportStatus, ReviewAction
from luoshi.reports.models import Extension, Reminder, Report, ReportingPeriod, Review

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = dt.date(2020, 1, 15)


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=SHANGHAI)


@dataclass
class Scenario:
    plan: Plan
    kjj_item1: Assignment   # 市科技局, closed on time
    kjj_item4: Assignment   # 市科技局, never closed
    czj_item1: Assignment   # 市财政局
    jxw_item2: Assignment   # 市经信委
    october: ReportingPeriod
    november: ReportingPeriod
    kjj_item4_nov_key: str  # the missing-report deduction of 市科技局


def _assignment(plan: Plan, key: str, unit: str) -> Assignment:
    found: Assignment = Assignment.objects.get(task__plan=plan, task__key=key, unit__name=unit)
    return found


def _report(a: Assignment, period: ReportingPeriod, actor: Any, *, submitted: str, late: bool = False) -> Report:
    report: Report = Report.objects.create(assignment=a, period=period, status=ReportStatus.ACCEPTED,
                                           narrative="进展", submitted_at=at(submitted), is_late=late,
                                           created_by=actor)
    return report


def _close(a: Assignment, day: str) -> None:
    Assignment.objects.filter(pk=a.pk).update(status=AssignmentStatus.CLOSED, closed_at=at(day))


def scenario(plan: Plan, personas: Any) -> Scenario:
    """Published 2019-10-01, so each assignment owes the October and November reports (due 11-05 and 12-05;
    December's is due in 2020). Every item's deadline is the year end. Default weights 40/25/15/10/10,
    1 per return, 1 per reminder, 2 per extension. As of 2020-01-15:

    市科技局 (items 1 and 4): item 1 closed 2019-12-20, item 4 never: completion 40 − 40/2 = 20.
      4 reports owed: item 1 Nov submitted late, item 4 Nov missing: timeliness 25 − 2 × 6.25 = 12.5.
      1 return: quality 14. 1 overdue reminder (+1 before-due notice that does not count): 9. Extensions 10.
      Total 65.5, rank 2.
    市财政局 (item 1): closed 2019-12-01, both reports on time, one granted extension (8): total 98, rank 1.
    市经信委 (item 2): not closed (0), both reports missing (0), two reminders (8), quality 15,
      extensions 10: total 33, rank 3.
    Pilot zones (item 3): 高新区 closed 2019-12-30: 40 + 0 + 15 + 10 + 10 = 75, rank 1; the three others 35,
      rank 2 (shared).
    """
    Plan.objects.filter(pk=plan.pk).update(published_at=at("2019-10-01"))
    plan.refresh_from_db()
    october = plan.periods.get(start__month=10)
    november = plan.periods.get(start__month=11)
    kjj1 = _assignment(plan, "二/(一)/1", "市科技局")
    kjj4 = _assignment(plan, "二/(二)/4", "市科技局")
    czj1 = _assignment(plan, "二/(一)/1", "市财政局")
    jxw2 = _assignment(plan, "二/(一)/2", "市经信委")
    office = personas.supervisor

    _close(kjj1, "2019-12-20")
    _report(kjj1, october, personas.lead_liaison, submitted="2019-11-04")
    late = _report(kjj1, november, personas.lead_liaison, submitted="2019-12-08", late=True)
    Review.objects.create(report=late, action=ReviewAction.RETURN, comment="数据不全", actor=office)
    Review.objects.create(report=late, action=ReviewAction.ACCEPT, actor=office)
    _report(kjj4, october, personas.lead_liaison, submitted="2019-11-05")
    Reminder.objects.create(assignment=kjj4, period=november, kind=ReminderKind.OVERDUE)
    Reminder.objects.create(assignment=kjj4, period=november, kind=ReminderKind.BEFORE_DUE)

    _close(czj1, "2019-12-01")
    _report(czj1, october, personas.support_liaison, submitted="2019-11-01")
    _report(czj1, november, personas.support_liaison, submitted="2019-12-02")
    Extension.objects.create(assignment=czj1, requested_deadline=dt.date(2019, 12, 31), reason="资金拨付",
                             status=ExtensionStatus.GRANTED, requested_by=personas.support_liaison)
    Extension.objects.create(assignment=czj1, requested_deadline=dt.date(2020, 3, 31), reason="再延",
                             status=ExtensionStatus.REFUSED, requested_by=personas.support_liaison)

    Reminder.objects.create(assignment=jxw2, period=october, kind=ReminderKind.OVERDUE)
    Reminder.objects.create(assignment=jxw2, period=november, kind=ReminderKind.MANUAL, sent_by=office)

    _close(_assignment(plan, "二/(二)/3", "高新区管委会"), "2019-12-30")
    return Scenario(plan=plan, kjj_item1=kjj1, kjj_item4=kjj4, czj_item1=czj1, jxw_item2=jxw2, october=october,
                    november=november, kjj_item4_nov_key=f"timeliness:{kjj4.pk}:{november.pk}")
