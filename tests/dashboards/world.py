"""The data the dashboard tests look at: the small plan on 10 August 2019 with reports, reminders, an
extension, a published assessment with an appeal, the plan-level target with figures, and two published
index editions (2017 and 2018) so the index shows its change on last year.

`grow(world, items)` adds more task items, assignments, reports and reminders (the "2x" data size of the
query-count tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from luoshi.orgs.models import Unit
from luoshi.plans.models import Assignment, Plan, Task
from luoshi.reports.models import Extension, Reminder, Report, ReportingPeriod, Review
from tests.conftest import SMALL_PLAN, Personas

TODAY = dt.date(2019, 8, 10)
PUBLISHED = dt.datetime(2019, 1, 2, 9, 0, tzinfo=dt.UTC)

METHOD = """
id: simple
version: "1"
title: 两指标示例
indicators:
  - {name: turnover, source: tech-contract-turnover}
  - {name: hte, source: high-tech-enterprises}
index:
  name: index
  children:
    - {name: inputs, children: [hte]}
    - {name: outputs, children: [turnover]}
"""

# region -> year -> (technology contract turnover, high-tech enterprises). Min-max scores, equal weights:
# 2017 中山区 0.9, 高新区 0.75, 西岗区 0; 2018 西岗区 1, 高新区 0.3, 中山区 0.05 (西岗区 up two places).
INDEX_FIGURES = {
    "中山区": {2017: (25, 300), 2018: (12, 200)},
    "西岗区": {2017: (5, 100), 2018: (30, 300)},
    "高新区": {2017: (30, 200), 2018: (10, 260)},
}
CITY_TURNOVER = {2016: 90.0, 2017: 110.0, 2018: 130.0, 2019: 70.0}   # 全市 技术交易额, 2019 through June


@dataclass
class World:
    personas: Personas
    plan: Plan
    periods: dict[int, ReportingPeriod]        # by month
    overdue: Assignment                        # 市科技局 on item 1: deadline 30 June, open
    amber: Assignment                          # 市经信委 on item 2: deadline in 5 days
    index_years: tuple[int, int]


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC)


def report(world_plan: Plan, assignment: Assignment, period: ReportingPeriod, status: str, author: Any, *,
           late: bool = False, progress: str = "on_track") -> Report:
    delivered = status in ("submitted", "returned", "accepted")
    return Report.objects.create(
        assignment=assignment, period=period, status=status, progress=progress, narrative="进展", is_late=late,
        created_by=author, submitted_at=_at(period.due_date) if delivered else None,
        accepted_at=_at(period.due_date) if status == "accepted" else None)


def build(personas: Personas) -> World:
    from luoshi.plans.services import plan_import, plan_publish

    office = personas.supervisor
    plan = plan_import(actor=office, data=SMALL_PLAN.encode(), filename="plan.txt")
    plan = plan_publish(actor=office, plan=plan)
    Plan.objects.filter(pk=plan.pk).update(published_at=PUBLISHED)
    plan.refresh_from_db()
    periods = {p.start.month: p for p in plan.periods.all()}

    def assignment(key: str, unit: str) -> Assignment:
        return Assignment.objects.select_related("task", "unit").get(task__plan=plan, task__key=key,
                                                                    unit__name=unit)

    overdue = assignment("二/(一)/1", "市科技局")
    support = assignment("二/(一)/1", "市财政局")
    amber = assignment("二/(一)/2", "市经信委")
    lead_alone = assignment("二/(二)/4", "市科技局")
    Assignment.objects.filter(pk__in=[overdue.pk, support.pk]).update(deadline=dt.date(2019, 6, 30))
    Assignment.objects.filter(pk=amber.pk).update(deadline=TODAY + dt.timedelta(days=5))
    Assignment.objects.filter(pk=lead_alone.pk).update(deadline=dt.date(2019, 12, 31))
    Task.objects.filter(pk=amber.task_id).update(deadline=TODAY + dt.timedelta(days=5))
    for a in (overdue, support, amber, lead_alone):
        a.refresh_from_db()

    # 市经信委 reports every month on time (accepted); 市科技局 on time twice, late once, once returned.
    for month in range(1, 8):
        report(plan, amber, periods[month], "accepted", personas.other_liaison)
    report(plan, overdue, periods[1], "accepted", personas.lead_head)
    report(plan, overdue, periods[2], "accepted", personas.lead_head)
    report(plan, overdue, periods[3], "submitted", personas.lead_head, late=True)
    returned = report(plan, overdue, periods[7], "returned", personas.lead_head)
    Review.objects.create(report=returned, action="return", comment="请补充数据。", actor=office)
    report(plan, lead_alone, periods[7], "submitted", personas.lead_head)
    report(plan, support, periods[6], "accepted", personas.support_liaison, progress="lagging")

    for kind, month in (("manual", 6), ("manual", 7), ("overdue", 7)):
        Reminder.objects.create(assignment=overdue, period=periods[month], kind=kind, message="请报送。",
                                sent_by=office)
    Extension.objects.create(assignment=lead_alone, requested_deadline=dt.date(2020, 3, 31),
                             previous_deadline=lead_alone.deadline, reason="需要协调。",
                             requested_by=personas.lead_liaison)
    _assessment(personas, plan)
    years = _indicators(personas, plan)
    return World(personas=personas, plan=plan, periods=periods, overdue=overdue, amber=amber, index_years=years)


def _assessment(personas: Personas, plan: Plan) -> None:
    from luoshi.assessment import services
    from luoshi.assessment.models import Appeal, Score
    from luoshi.assessment.scoring import Event

    rubric = services.rubric_create(actor=personas.supervisor, year=plan.year, unit_group="departments")
    rubric = services.rubric_publish(actor=personas.supervisor, rubric=rubric)
    score = Score.objects.get(rubric=rubric, unit__name="市科技局")
    deduction = next(e for e in map(Event.from_json, score.trace) if e.points < 0)
    # Stored directly: the appeal's own rules (window, evidence) are the assessment app's tests' business.
    Appeal.objects.create(score=score, event_key=deduction.key, event_text=deduction.text, points=deduction.points,
                          reason="已按时报送。", filed_by=personas.lead_liaison)


def _indicators(personas: Personas, plan: Plan) -> tuple[int, int]:
    from luoshi.indicators.catalogue import BUILTIN_CATALOGUE, catalogue_parse
    from luoshi.indicators.index import index_edition_compute, index_edition_publish, index_method_save
    from luoshi.indicators.models import Indicator
    from luoshi.indicators.services import catalogue_import, observation_record, regions_sync, target_map
    from luoshi.plans.models import Target

    office = personas.supervisor
    catalogue_import(actor=office, entries=catalogue_parse(BUILTIN_CATALOGUE.read_text(encoding="utf-8")))
    indicators = {i.code: i for i in Indicator.objects.all()}
    regions = {r.name: r for r in regions_sync(actor=office)}
    turnover = Target.objects.get(task__plan=plan, text__contains="技术交易额")
    target_map(actor=office, target=turnover, indicator=indicators["tech-contract-turnover"])
    startup = Target.objects.get(task__plan=plan, text__contains="初创科技企业")
    target_map(actor=office, target=startup, indicator=indicators["high-tech-enterprises"])
    for year, value in CITY_TURNOVER.items():
        observation_record(actor=office, indicator=indicators["tech-contract-turnover"], region=regions["全市"],
                           year=year, value=value, source="official", through_month=6 if year == 2019 else 12)
    for region, by_year in INDEX_FIGURES.items():
        for year, (value_turnover, value_hte) in by_year.items():
            for code, value in (("tech-contract-turnover", value_turnover), ("high-tech-enterprises", value_hte)):
                observation_record(actor=office, indicator=indicators[code], region=regions[region], year=year,
                                   value=float(value), source="official")
    method = index_method_save(actor=office, text=METHOD)
    for year in (2017, 2018):
        index_edition_publish(actor=office, edition=index_edition_compute(actor=office, method=method, year=year,
                                                                          draws=50))
    return 2017, 2018


def grow(world: World, items: int) -> None:
    """Add `items` task items to the plan's second chapter, each with two units, reports, reminders,
    extensions; some overdue, some returned."""
    plan = world.plan
    chapter = Task.objects.get(plan=plan, key="二")
    units = list(Unit.objects.filter(is_group=False, kind="city_department").order_by("pk")[:12])
    start = Task.objects.filter(plan=plan).order_by("-position").values_list("position", flat=True)[0] + 1
    span = len(plan.source_text)
    tasks = Task.objects.bulk_create([
        Task(plan=plan, parent=chapter, key=f"二/(九)/{n}", label=f"{n}.", level=3, position=start + n,
             text=f"附加任务{n}：推进重点工作。", span_start=span - 1, span_end=span, is_item=True,
             deadline=dt.date(2019, 6, 1) if n % 3 == 0 else dt.date(2019, 12, 31))
        for n in range(items)])
    assignments = Assignment.objects.bulk_create([
        Assignment(task=task, unit=units[(n + k) % len(units)], role="lead" if k == 0 else "support",
                   deadline=task.deadline)
        for n, task in enumerate(tasks) for k in range(2)])
    author = world.personas.supervisor
    reports, reminders, extensions = [], [], []
    for n, a in enumerate(assignments):
        for month in (5, 6, 7):
            status = ("accepted", "submitted", "returned", "draft")[(n + month) % 4]
            reports.append(Report(assignment=a, period=world.periods[month], status=status, narrative="进展",
                                  is_late=(n % 5 == 0 and status != "draft"), created_by=author,
                                  submitted_at=None if status == "draft" else timezone.now()))
        if n % 4 == 0:
            reminders.append(Reminder(assignment=a, period=world.periods[7], kind="manual", sent_by=author))
        if n % 7 == 0:
            extensions.append(Extension(assignment=a, requested_deadline=dt.date(2020, 6, 30), reason="协调。",
                                        requested_by=author))
    Report.objects.bulk_create(reports)
    Reminder.objects.bulk_create(reminders)
    Extension.objects.bulk_create(extensions)
