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
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
AS_OF = dt.date(2020, 1, 15)


def evidence(name: str = "请假条.pdf", content: bytes = PDF) -> list[Any]:
    """One evidence file for an appeal, as a form would hand it to the service."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [SimpleUploadedFile(name, content, content_type="application/pdf")]


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
      Quality: 3 of the 4 filed, 1 return: 15 − 15/4 − 1 = 10.25. 1 overdue reminder (+1 before-due notice
      that does not count): 9. Extensions 10. Total 61.75, rank 2.
    市财政局 (item 1): closed 2019-12-01, both reports on time, one granted extension (8): total 98, rank 1.
    市经信委 (item 2): not closed (0), both reports missing (0, and no quality points: 0), two reminders (8),
      extensions 10: total 18, rank 3.
    Pilot zones (item 3): no report filed (timeliness and quality 0). 高新区 closed 2019-12-30:
      40 + 0 + 0 + 10 + 10 = 60, rank 1; the three others 20, rank 2 (shared).
    (Under the earlier quality rule, returns only, 市科技局 had 14 and 65.5, 市经信委 15 and 33, see test_quality.)
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


@dataclass
class IndicatorYear:
    turnover: Any        # IndicatorTarget: 市科技局, 技术交易额 ≥ 160 亿元 in 2019
    enterprises: Any     # 市科技局, 高新技术企业数量 ≥ 3000 家, exceeded
    patents: Any         # 市科技局, 每万人口发明专利拥有量 ≥ 18 件, no figure
    rd_growth: Any       # 市科技局, R&D经费支出 growth 10%
    regions: dict[str, Any]
    indicators: dict[str, Any]


def indicator_year(plan: Plan, personas: Any) -> IndicatorYear:
    """The indicator targets of 2019, with figures. With weight 12 on the component, 市科技局's 4 targets are
    worth 3 points each:
      技术交易额 ≥160: 140 first, corrected to 147.2 (the latest counts): 92% → −3 × 0.08 = −0.24.
      高新技术企业数量 ≥3000: 3300, 110%: nothing.
      每万人口发明专利拥有量 ≥18: no figure → −3.
      R&D经费支出 growth 10%: 2018 100 → 2019 105, growth 5%, 50% → −1.5.
    Component 12 − 4.74 = 7.26. Not counted: a 2018 target of 市科技局, a target without a responsible unit,
    and 市财政局's target (≤ 10, actual 8: met, 125%) only moves 市财政局: nothing deducted.
    """
    from luoshi.indicators.catalogue import BUILTIN_CATALOGUE, catalogue_parse
    from luoshi.indicators.models import Indicator, IndicatorTarget
    from luoshi.indicators.services import catalogue_import, observation_record, regions_sync
    from luoshi.orgs.models import Unit

    office = personas.supervisor
    catalogue_import(actor=office, entries=catalogue_parse(BUILTIN_CATALOGUE.read_text(encoding="utf-8")))
    indicators = {i.code: i for i in Indicator.objects.all()}
    regions = {r.name: r for r in regions_sync(actor=office)}
    city = regions["全市"]
    kjj, czj = Unit.objects.get(name="市科技局"), Unit.objects.get(name="市财政局")

    def target(code: str, value: float, unit: str, *, comparator: str = ">=", year: int = 2019,
               responsible: Any = kjj) -> Any:
        return IndicatorTarget.objects.create(plan=plan, indicator=indicators[code], year=year, region=city,
                                              responsible_unit=responsible, comparator=comparator, value=value,
                                              value_unit=unit)

    def figure(code: str, value: float, year: int = 2019) -> None:
        observation_record(actor=office, indicator=indicators[code], region=city, year=year, value=value,
                           source="official")

    turnover = target("tech-contract-turnover", 160, "亿元")
    enterprises = target("high-tech-enterprises", 3000, "家")
    patents = target("invention-patents-per-10k", 18, "件")
    rd_growth = target("rd-expenditure", 10, "%", comparator="growth")
    target("pct-applications", 100, "件", year=2018)
    target("invention-applications", 100, "件", responsible=None)
    target("public-st-expenditure", 10, "亿元", comparator="<=", responsible=czj)
    figure("tech-contract-turnover", 140)
    figure("tech-contract-turnover", 147.2)
    figure("high-tech-enterprises", 3300)
    figure("rd-expenditure", 100, 2018)
    figure("rd-expenditure", 105)
    figure("public-st-expenditure", 8)
    figure("pct-applications", 1, 2018)
    return IndicatorYear(turnover=turnover, enterprises=enterprises, patents=patents, rd_growth=rd_growth,
                         regions=regions, indicators=indicators)
