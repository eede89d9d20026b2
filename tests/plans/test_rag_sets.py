"""The light of many assignments at once (assignment_lights_sql, which the leader dashboard counts) is the light
assignments_with_rag gives each one, on varied data: overdue, returned, lagging and accepted reports, drafts,
closed and inactive assignments, deadlines past, near and far, extensions that defer a report and some that do
not, two plans published on different days (one late in the evening UTC, the next day in China), and several
days. Run on SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.utils import timezone

from luoshi.dashboards.selectors import on_time_ranking, plan_breakdown, unit_reporting_rows
from luoshi.plans.access import assignments_visible_to
from luoshi.plans.models import Assignment, Plan
from luoshi.plans.selectors import assignment_lights, assignments_with_rag
from luoshi.plans.services import plan_import, plan_publish
from luoshi.reports.models import Extension, Report, ReportingPeriod
from tests.plans.test_ledger import plan_text

pytestmark = pytest.mark.django_db

DAYS = [dt.date(2019, 4, 20), dt.date(2019, 6, 15), dt.date(2019, 6, 30), dt.date(2019, 7, 4),
        dt.date(2019, 7, 6), dt.date(2019, 12, 31)]
# Report statuses in turn per (assignment, month): None is no report. Drafts and approved reports have not
# reached the office; submitted and accepted ones are delivered; a returned one reached it but is owed again.
STATUSES = ["accepted", "submitted", None, "returned", "draft", "accepted", "approved", None, "submitted"]
PROGRESS = ["on_track", "on_track", "lagging", "on_track", "cannot_complete", "ahead"]


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def _plan(actor: Any, title: str, items: int, published: dt.datetime) -> Plan:
    plan = plan_publish(actor=actor, plan=plan_import(actor=actor, data=plan_text(items, title=title).encode(),
                                                      filename="generated.txt"))
    Plan.objects.filter(pk=plan.pk).update(published_at=published)
    plan.refresh_from_db()
    return plan


def _vary(plan: Plan, actor: Any, offset: int) -> None:
    """Deadlines, states, reports and extensions that differ from one assignment to the next."""
    periods = {p.start.month: p for p in ReportingPeriod.objects.filter(plan=plan)}
    for n, assignment in enumerate(Assignment.objects.filter(task__plan=plan).order_by("pk"), start=offset):
        deadline = [dt.date(2019, 6, 1), dt.date(2019, 6, 18), dt.date(2019, 6, 21), dt.date(2019, 12, 31), None,
                    dt.date(2019, 7, 8), dt.date(2019, 7, 3)][n % 7]
        changes: dict[str, Any] = {"deadline": deadline}
        if n % 11 == 5:
            changes.update(status="closed", closed_at=_at(dt.date(2019, 5, 20)))
        if n % 13 == 7:
            changes["active"] = False
        Assignment.objects.filter(pk=assignment.pk).update(**changes)
        for month in range(2, 8):
            status = STATUSES[(n * 2 + month) % len(STATUSES)]
            if status is None:
                continue
            Report.objects.create(assignment=assignment, period=periods[month], status=status,
                                  progress=PROGRESS[(n + month) % len(PROGRESS)], created_by=actor,
                                  submitted_at=timezone.now() if status != "draft" else None)
        kind = n % 6
        if kind in (1, 2, 3, 4):
            # granted and asked while May's report was due (deferring it until the deadline), granted but asked
            # outside any due window of an owed period, pending, granted and asked at 20:00 UTC on 5 June (6 June
            # in China: after May's due date, so it defers nothing)
            asked = {1: _at(dt.date(2019, 6, 3)), 2: _at(dt.date(2019, 1, 20)), 3: _at(dt.date(2019, 6, 2)),
                     4: _at(dt.date(2019, 6, 5), hour=20)}[kind]
            extension = Extension.objects.create(
                assignment=assignment, requested_deadline=dt.date(2019, 7, 5) if n % 4 else dt.date(2019, 6, 30),
                reason="协调。", status="pending" if kind == 3 else "granted", requested_by=actor)
            Extension.objects.filter(pk=extension.pk).update(requested_at=asked)


def _designed(first: Plan, second: Plan, actor: Any) -> None:
    """Cases the cycles above may hide behind a worse light."""
    periods = {(p.plan_id, p.start.month): p for p in ReportingPeriod.objects.all()}
    one, two = Assignment.objects.filter(task__plan=first, active=True).order_by("pk")[:2]
    # Due on 3 July with every report delivered: on 30 June green if June's report is accepted (the period
    # still runs that day), amber if it is only submitted.
    for assignment, june in ((one, "accepted"), (two, "submitted")):
        Assignment.objects.filter(pk=assignment.pk).update(deadline=dt.date(2019, 7, 3), status="open")
        Report.objects.filter(assignment=assignment).delete()
        Extension.objects.filter(assignment=assignment).delete()
        for month, status in ((4, "accepted"), (5, "accepted"), (6, june)):
            Report.objects.create(assignment=assignment, period=periods[(first.pk, month)], status=status,
                                  progress="on_track", created_by=actor, submitted_at=timezone.now())
    # Reports filed against the other plan's periods (no service does this): they are not the plan's
    # reports for its owed periods, and the newest report is still the later period's, then the later id.
    stray, alone = Assignment.objects.filter(task__plan=second, active=True).order_by("pk")[:2]
    Assignment.objects.filter(pk__in=[stray.pk, alone.pk]).update(status="open", deadline=dt.date(2019, 12, 31))
    Report.objects.filter(assignment__in=[stray, alone]).delete()
    Extension.objects.filter(assignment__in=[stray, alone]).delete()
    Report.objects.create(assignment=stray, period=periods[(second.pk, 6)], status="accepted", progress="on_track",
                          created_by=actor, submitted_at=timezone.now())
    for assignment, month, status, progress in ((stray, 6, "returned", "lagging"), (alone, 5, "accepted", "on_track")):
        Report.objects.create(assignment=assignment, period=periods[(first.pk, month)], status=status,
                              progress=progress, created_by=actor, submitted_at=timezone.now())


@pytest.fixture
def varied(personas: Any) -> list[Plan]:
    office = personas.supervisor
    # Published on 31 March at 20:00 UTC: 1 April in China, so March's period is not owed.
    first = _plan(office, "大连市2019年测试工作要点", 30, _at(dt.date(2019, 3, 31), hour=20))
    second = _plan(office, "大连市2019年第二批测试工作要点", 12, _at(dt.date(2019, 5, 10)))
    _vary(first, office, 0)
    _vary(second, office, 3)
    _designed(first, second, office)
    return [first, second]


def _per_assignment(queryset: Any, today: dt.date) -> dict[int, str]:
    return dict(assignments_with_rag(queryset, today=today).values_list("pk", "rag"))


@pytest.mark.parametrize("today", DAYS)
def test_the_lights_of_all_assignments_at_once_are_each_ones_own(varied: list[Plan], today: dt.date) -> None:
    everything = Assignment.objects.all()
    expected = _per_assignment(everything, today)
    assert assignment_lights(everything, today=today) == expected
    if today == dt.date(2019, 6, 15):  # the data is varied enough to light every colour, for several reasons
        assert set(Counter(expected.values())) == {"red", "amber", "green"}
        overdue = dict(assignments_with_rag(everything, today=today).values_list("pk", "overdue_reports"))
        assert {0, 1, 2} <= set(overdue.values())


@pytest.mark.parametrize("today", DAYS[1:3])
def test_a_narrowed_set_keeps_each_assignments_light(varied: list[Plan], personas: Any, today: dt.date) -> None:
    """A unit's visible assignments, one plan's open ones: the rows asked for and nothing else."""
    for queryset in (assignments_visible_to(personas.lead_liaison),
                     Assignment.objects.filter(task__plan=varied[1], status="open", active=True),
                     Assignment.objects.none()):
        assert assignment_lights(queryset, today=today) == _per_assignment(queryset, today)


def _expected_breakdown(user: Any, plan: Plan, today: dt.date) -> dict[str, dict[str, dict[str, int]]]:
    """The leader dashboard's counts worked out in Python from each assignment's light (assignments_with_rag):
    per task item the worst light of its active assignments, open while one is open, overdue when an open one
    is past its deadline; then in all, per chapter and per unit holding the item."""
    rows = (assignments_with_rag(assignments_visible_to(user).filter(task__plan=plan, active=True,
                                                                   task__is_item=True, task__removed=False),
                                 today=today).values_list("task_id", "task__key", "unit_id", "status", "deadline",
                                                          "rag"))
    severity = {"green": 0, "amber": 1, "red": 2}
    tasks: dict[int, dict[str, Any]] = {}
    holders: dict[int, set[int]] = defaultdict(set)
    for task_id, key, unit_id, status, deadline, rag in rows:
        task = tasks.setdefault(task_id, {"chapter": key.split("/")[0], "sev": 0, "open": 0, "overdue": 0})
        task["sev"] = max(task["sev"], severity[rag])
        task["open"] |= status == "open"
        task["overdue"] |= status == "open" and deadline is not None and deadline < today
        holders[task_id].add(unit_id)
    lights = {value: name for name, value in severity.items()}

    def counts(selected: list[dict[str, Any]]) -> dict[str, int]:
        found = Counter(lights[t["sev"]] for t in selected)
        return {"total": len(selected), "open": sum(t["open"] for t in selected),
                "closed": sum(1 - t["open"] for t in selected), "overdue": sum(t["overdue"] for t in selected),
                **{rag: found[rag] for rag in severity}}

    by_chapter: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_unit: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for task_id, task in tasks.items():
        by_chapter[task["chapter"]].append(task)
        for unit_id in holders[task_id]:
            by_unit[unit_id].append(task)
    return {"plan": {"": counts(list(tasks.values()))},
            "chapter": {key: counts(selected) for key, selected in by_chapter.items()},
            "unit": {str(unit_id): counts(selected) for unit_id, selected in by_unit.items()}}


@pytest.mark.parametrize("today", DAYS)
def test_the_dashboard_counts_the_lights_each_assignment_has(varied: list[Plan], personas: Any,
                                                             today: dt.date) -> None:
    for plan in varied:
        for user in (personas.leader, personas.supervisor):
            expected = _expected_breakdown(user, plan, today)
            breakdown = plan_breakdown(user, plan, today=today)
            # Every item has active assignments here, so no unheld items are added to the totals.
            assert breakdown.totals.counts == expected["plan"][""], (plan, today)
            chapters = {row.label.split(" ")[0].rstrip("、"): row.counts for row in breakdown.chapters}
            assert chapters == {key: counts for key, counts in expected["chapter"].items()}
            units = {str(row.urls["total"].split("unit=")[1].split("&")[0]): row.counts for row in breakdown.units}
            assert units == expected["unit"]


@pytest.mark.parametrize("today", DAYS[1:])
def test_the_on_time_ranking_counts_what_each_units_list_holds(varied: list[Plan], personas: Any,
                                                              today: dt.date) -> None:
    """Reports owed per unit, counted per closing day, are the rows of the unit's own list (closed
    assignments owe the periods up to their closing, a plan owes from its publication)."""
    for plan in varied:
        for period in (None, *ReportingPeriod.objects.filter(plan=plan, start__month__in=(5, 6))):
            ranking = on_time_ranking(personas.leader, plan, period=period, today=today)
            listed = {row.unit_id: len(unit_reporting_rows(personas.leader, plan, row.unit_id, period=period,
                                                           today=today)) for row in ranking}
            assert {row.unit_id: row.owed for row in ranking} == listed
            assert all(row.owed > 0 for row in ranking) and (ranking or today == DAYS[1])
