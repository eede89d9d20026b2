"""The ledger (台账): the RAG rule, the filters, Chinese search, scoping and constant query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luoshi.plans.filters import LedgerFilter, QuickSelect
from luoshi.plans.models import Assignment, Plan, Task, TaskUnit
from luoshi.plans.selectors import assignments_with_rag, ledger_page_rows, ledger_prefetch, ledger_rows, ledger_tasks
from luoshi.plans.services import plan_import, plan_publish
from luoshi.reports.models import Extension, Report, ReportingPeriod, TargetActual
from luoshi.reports.selectors import my_tasks_queryset, my_tasks_rows

pytestmark = pytest.mark.django_db

TODAY = dt.date(2019, 6, 15)  # inside the June 2019 reporting period of the test plans

UNIT_PAIRS = [("市科技局", "市财政局"), ("市经信委", "市科技局"), ("市发展改革委", "市财政局")]


def plan_text(items: int, *, title: str = "大连市2019年测试工作要点") -> str:
    """A plan with two chapters and `items` numbered tasks, each with a lead, a support unit and a target."""
    lines = [title, "一、创新主体"]
    for number in range(1, items + 1):
        if number == items // 2 + 1:
            lines.append("二、创新环境")
        lead, support = UNIT_PAIRS[number % len(UNIT_PAIRS)]
        lines.append(f"{number}.推进第{number}项重点工作，2019年新增科技企业{number * 10}家。"
                     f"（牵头单位：{lead}；配合单位：{support}）")
    return "\n".join(lines) + "\n"


def published_generated_plan(actor: Any, items: int, *, title: str = "大连市2019年测试工作要点",
                             with_reports: bool = True) -> Plan:
    """A generated plan, published; with_reports: every assignment reported in May with an actual per target."""
    plan = plan_import(actor=actor, data=plan_text(items, title=title).encode(), filename="generated.txt")
    plan = plan_publish(actor=actor, plan=plan)
    if with_reports:
        for assignment in Assignment.objects.filter(task__plan=plan).select_related("task"):
            report = report_on(assignment, month=5, status="submitted", author=actor, narrative="按计划推进")
            for target in assignment.task.targets.all():
                TargetActual.objects.create(report=report, target=target, value=target.value / 2)
    return plan


def report_on(assignment: Assignment, *, month: int, status: str, author: Any, progress: str = "on_track",
              narrative: str = "") -> Report:
    period = ReportingPeriod.objects.get(plan=assignment.task.plan, start=dt.date(2019, month, 1))
    return Report.objects.create(assignment=assignment, period=period, status=status, progress=progress,
                                 narrative=narrative, created_by=author, submitted_at=timezone.now())


def _rag(user: Any, plan: Plan) -> dict[str, str]:
    return dict(ledger_tasks(user, today=TODAY).filter(plan=plan).values_list("key", "rag"))


def _assignment(plan: Plan, key: str, unit: str) -> Assignment:
    return Assignment.objects.get(task__plan=plan, task__key=key, unit__name=unit)


# ---------------------------------------------------------------------------------------------------
# The RAG rule


def test_it_is_green_without_deadline_or_bad_news(personas: Any, published_plan: Plan) -> None:
    assert _rag(personas.supervisor, published_plan)["二/(二)/4"] == "green"


def test_it_is_red_when_overdue_and_green_again_once_closed(personas: Any, published_plan: Plan) -> None:
    assignment = _assignment(published_plan, "二/(一)/2", "市经信委")
    Assignment.objects.filter(pk=assignment.pk).update(deadline=dt.date(2019, 6, 1))
    assert _rag(personas.supervisor, published_plan)["二/(一)/2"] == "red"
    Assignment.objects.filter(pk=assignment.pk).update(status="closed")
    assert _rag(personas.supervisor, published_plan)["二/(一)/2"] == "green"


@pytest.mark.parametrize(("progress", "rag"), [("lagging", "red"), ("cannot_complete", "red"),
                                                ("on_track", "green"), ("done", "green")])
def test_it_follows_the_progress_of_the_latest_report(personas: Any, published_plan: Plan, progress: str,
                                                      rag: str) -> None:
    lead = _assignment(published_plan, "二/(一)/1", "市科技局")
    report_on(lead, month=4, status="accepted", progress="lagging", author=personas.lead_liaison)
    report_on(lead, month=5, status="submitted", progress=progress, author=personas.lead_liaison)
    # A newer draft is not progress yet: the office has not received it.
    report_on(lead, month=6, status="draft", progress="on_track", author=personas.lead_liaison)
    assert _rag(personas.supervisor, published_plan)["二/(一)/1"] == rag


def test_it_is_amber_when_due_within_seven_days_until_this_periods_report_is_accepted(
        personas: Any, published_plan: Plan) -> None:
    lead = _assignment(published_plan, "二/(一)/1", "市科技局")
    Assignment.objects.filter(task=lead.task).update(deadline=TODAY + dt.timedelta(days=7))
    assert _rag(personas.supervisor, published_plan)["二/(一)/1"] == "amber"
    Assignment.objects.filter(task=lead.task).update(deadline=TODAY + dt.timedelta(days=8))
    assert _rag(personas.supervisor, published_plan)["二/(一)/1"] == "green"
    Assignment.objects.filter(task=lead.task).update(deadline=TODAY + dt.timedelta(days=3))
    for assignment in Assignment.objects.filter(task=lead.task):
        report_on(assignment, month=6, status="accepted", author=personas.supervisor)
    assert _rag(personas.supervisor, published_plan)["二/(一)/1"] == "green"


def test_it_is_amber_when_the_latest_report_was_returned(personas: Any, published_plan: Plan) -> None:
    report_on(_assignment(published_plan, "二/(二)/4", "市科技局"), month=5, status="returned",
              author=personas.lead_liaison)
    assert _rag(personas.supervisor, published_plan)["二/(二)/4"] == "amber"


def _published_on(plan: Plan, day: dt.date) -> None:
    """Backdate the publication: the periods ending on or after `day` become owed."""
    Plan.objects.filter(pk=plan.pk).update(published_at=dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC))


def test_it_is_amber_with_one_overdue_report_and_red_with_two(personas: Any, published_plan: Plan) -> None:
    # Item 4 is green before (test_it_is_green_without_deadline_or_bad_news); only the owed reports change.
    item = Task.objects.get(plan=published_plan, key="二/(二)/4")
    _published_on(published_plan, dt.date(2019, 5, 10))       # May owed, due 5 June: one report overdue
    assert _rag(personas.supervisor, published_plan)["二/(二)/4"] == "amber"
    _published_on(published_plan, dt.date(2019, 4, 10))       # April (due 5 May) and May: two overdue
    assert _rag(personas.supervisor, published_plan)["二/(二)/4"] == "red"
    for assignment in Assignment.objects.filter(task=item):
        report_on(assignment, month=5, status="submitted", author=personas.lead_liaison)
        report_on(assignment, month=4, status="draft", author=personas.lead_liaison)  # a draft is not reported
    assert _rag(personas.supervisor, published_plan)["二/(二)/4"] == "amber"
    for assignment in Assignment.objects.filter(task=item):
        Report.objects.filter(assignment=assignment, period__start=dt.date(2019, 4, 1)).update(status="accepted")
    assert _rag(personas.supervisor, published_plan)["二/(二)/4"] == "green"
    # The June report is not due before 5 July: it is not overdue on 15 June.


def test_a_granted_extension_asked_in_the_period_defers_its_report(personas: Any, published_plan: Plan) -> None:
    _published_on(published_plan, dt.date(2019, 5, 10))
    for assignment in Assignment.objects.filter(task__plan=published_plan, task__key="二/(二)/4"):
        extension = Extension.objects.create(assignment=assignment, requested_deadline=TODAY, reason="协调。",
                                             status="granted", requested_by=personas.lead_liaison)
        Extension.objects.filter(pk=extension.pk).update(
            requested_at=dt.datetime(2019, 6, 3, 9, tzinfo=dt.UTC))  # asked while May's report was due
    assert _rag(personas.supervisor, published_plan)["二/(二)/4"] == "green"


def test_it_counts_overdue_reports_as_the_units_task_list_does(personas: Any, published_plan: Plan) -> None:
    """The ledger's count of overdue reports is the unit's own list of overdue periods (no drift)."""
    _published_on(published_plan, dt.date(2019, 3, 10))
    assignments = list(Assignment.objects.filter(task__plan=published_plan).order_by("pk"))
    report_on(assignments[0], month=4, status="submitted", author=personas.lead_liaison)
    report_on(assignments[0], month=5, status="returned", author=personas.lead_liaison)
    report_on(assignments[1], month=3, status="accepted", author=personas.lead_liaison)
    ledger = dict(assignments_with_rag(Assignment.objects.all(), today=TODAY).values_list("pk", "overdue_reports"))
    rows = my_tasks_rows(list(my_tasks_queryset(personas.supervisor, today=TODAY)), today=TODAY)
    assert {row.assignment.pk: len(row.overdue) for row in rows} == ledger
    assert ledger[assignments[0].pk] == 2 and ledger[assignments[1].pk] == 2 and ledger[assignments[2].pk] == 3


def test_a_unit_sees_the_light_of_its_own_assignment(personas: Any, published_plan: Plan) -> None:
    report_on(_assignment(published_plan, "二/(一)/1", "市科技局"), month=5, status="submitted",
              progress="lagging", author=personas.lead_liaison)
    assert _rag(personas.supervisor, published_plan)["二/(一)/1"] == "red"
    assert _rag(personas.lead_liaison, published_plan) == {"二/(一)/1": "red", "二/(二)/4": "green"}
    assert _rag(personas.support_liaison, published_plan) == {"二/(一)/1": "green"}
    assert _rag(personas.outsider, published_plan) == {}


def test_the_page_states_the_rule(client: Any, personas: Any, published_plan: Plan) -> None:
    client.force_login(personas.lead_liaison)
    body = client.get(reverse("plans:ledger")).content.decode()
    assert "红黄绿灯规则" in body and "7天内到期" in body and "滞后" in body
    assert "两期及以上进展报告逾期未报" in body and "有一期进展报告逾期未报" in body


# ---------------------------------------------------------------------------------------------------
# Filters and search, through the page


def _keys(client: Any, **params: Any) -> list[str]:
    response = client.get(reverse("plans:ledger"), params)
    assert response.status_code == 200
    return [row.task.key for row in response.context["rows"]]


@pytest.fixture
def two_plans(personas: Any, published_plan: Plan) -> tuple[Plan, Plan]:
    generated = published_generated_plan(personas.supervisor, 4, with_reports=False)
    return published_plan, generated


def test_it_filters_by_plan_and_chapter(client: Any, personas: Any, two_plans: tuple[Plan, Plan]) -> None:
    small, generated = two_plans
    client.force_login(personas.supervisor)
    assert len(_keys(client)) == 8
    assert _keys(client, plan=generated.pk) == ["一/1", "一/2", "二/3", "二/4"]
    chapter_two = Task.objects.get(plan=generated, key="二")
    assert _keys(client, chapter=chapter_two.pk) == ["二/3", "二/4"]
    # A chapter of the other plan with the same numbering does not leak in.
    assert _keys(client, chapter=Task.objects.get(plan=small, key="二").pk) == [
        "二/(一)/1", "二/(一)/2", "二/(二)/3", "二/(二)/4"]


def test_it_filters_by_unit_status_rag_overdue_and_deadline(client: Any, personas: Any, units: Any,
                                                            published_plan: Plan) -> None:
    client.force_login(personas.supervisor)
    assert _keys(client, unit=units["市经信委"].pk) == ["二/(一)/2"]
    assert _keys(client, unit=units["金普新区管委会"].pk) == ["二/(二)/3"]  # reached through its group
    Assignment.objects.filter(task__plan=published_plan, task__key="二/(二)/4").update(status="closed")
    assert _keys(client, status="closed") == ["二/(二)/4"]
    assert "二/(二)/4" not in _keys(client, status="open")
    Assignment.objects.filter(task__key="二/(一)/2").update(deadline=timezone.localdate() - dt.timedelta(days=1))
    overdue = ["二/(一)/2", "二/(二)/3"]  # item 3 is due by the end of 2019, long past
    assert _keys(client, overdue="on") == overdue
    assert _keys(client, rag="red") == overdue
    assert _keys(client, rag="green") == ["二/(一)/1", "二/(二)/4"]
    assert _keys(client, deadline_after="2019-12-01", deadline_before="2019-12-31") == ["二/(二)/3"]


@pytest.mark.parametrize(("query", "keys"), [
    ("知识产权", ["二/(二)/4"]),
    ("科技 企业", ["二/(一)/1"]),
    ("经信委", ["二/(一)/2"]),           # a unit name
    ("各先导区管委会", ["二/(二)/3"]),     # the group name as the plan wrote it
    ("2019年底前", ["二/(二)/3"]),        # the deadline wording
    ("不存在的内容", []),
    ("'; DROP TABLE plans_task; --", []),
])
def test_it_searches_in_chinese(client: Any, personas: Any, published_plan: Plan, query: str,
                                keys: list[str]) -> None:
    client.force_login(personas.supervisor)
    assert _keys(client, q=query) == keys


def test_a_unit_cannot_widen_its_ledger_with_another_units_filter(client: Any, personas: Any, units: Any,
                                                                   published_plan: Plan) -> None:
    client.force_login(personas.other_liaison)
    assert _keys(client) == ["二/(一)/2"]
    assert _keys(client, unit=units["市科技局"].pk) == ["二/(一)/2"]  # not a choice: ignored, not widened


def test_it_answers_htmx_with_the_table_only(client: Any, personas: Any, published_plan: Plan) -> None:
    client.force_login(personas.supervisor)
    response = client.get(reverse("plans:ledger"), {"q": "知识产权"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="ledger-table">')
    assert "<html" not in body and "加强知识产权保护" in body


def test_it_paginates(client: Any, personas: Any) -> None:
    published_generated_plan(personas.supervisor, 35, with_reports=False)
    client.force_login(personas.supervisor)
    first = client.get(reverse("plans:ledger"))
    second = client.get(reverse("plans:ledger"), {"page": 2})
    assert [row.number for row in first.context["rows"]] == list(range(1, 31))
    assert [row.number for row in second.context["rows"]] == list(range(31, 36))


# ---------------------------------------------------------------------------------------------------
# Query counts do not grow with the rows


def _count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["supervisor", "lead_liaison"])
def test_the_query_count_does_not_grow_with_the_rows(client: Any, personas: Any, persona: str,
                                                     django_assert_max_num_queries: Any) -> None:
    client.force_login(getattr(personas, persona))
    published_generated_plan(personas.supervisor, 6)
    url = reverse("plans:ledger")
    small = _count_queries(client, url)
    export_small = _count_queries(client, reverse("plans:ledger_export"))
    published_generated_plan(personas.supervisor, 6, title="大连市2019年测试工作要点（二）")  # twice the rows
    assert len(client.get(url).context["rows"]) >= 2 * (4 if persona == "lead_liaison" else 6)
    with django_assert_max_num_queries(small):
        client.get(url)
    with django_assert_max_num_queries(export_small):
        client.get(reverse("plans:ledger_export"))
    assert small <= 15


# ---------------------------------------------------------------------------------------------------
# The page's rows (read as values) and the export's rows (read as objects) are the same rows


@pytest.mark.parametrize("persona", ["supervisor", "leader", "lead_liaison", "support_liaison", "outsider"])
def test_the_pages_rows_are_the_exports_rows(personas: Any, persona: str) -> None:
    office = personas.supervisor
    plan = published_generated_plan(office, 9)
    _published_on(plan, dt.date(2019, 3, 10))
    assignments = list(Assignment.objects.filter(task__plan=plan).select_related("task").order_by("pk"))
    for n, assignment in enumerate(assignments):
        Assignment.objects.filter(pk=assignment.pk).update(
            deadline=[dt.date(2019, 6, 1), dt.date(2019, 6, 20), None, dt.date(2019, 12, 31)][n % 4],
            status="closed" if n % 5 == 4 else "open", active=n % 7 != 6)
        for month, status in ((3, "accepted"), (4, ["returned", "draft", "accepted"][n % 3])):
            report = report_on(assignment, month=month, status=status, author=office,
                               progress=["on_track", "lagging"][n % 2], narrative=f"第{n}条进展")
            for target in assignment.task.targets.all():
                TargetActual.objects.create(report=report, target=target, value=n + month)
    Task.objects.filter(plan=plan, key__endswith="/2").update(deadline=dt.date(2019, 6, 30), deadline_text="")
    # The plan's wording of a unit (the unit's own name is shown) and a name no unit was mapped to.
    TaskUnit.objects.filter(task__plan=plan, role="support").update(name="财政部门")
    TaskUnit.objects.create(task=Task.objects.get(plan=plan, key__endswith="/3"), name="有关单位", role="support",
                            position=9)
    user = getattr(personas, persona)
    ids = list(ledger_tasks(user, today=TODAY).values_list("pk", flat=True))
    tasks = list(Task.objects.filter(pk__in=ids).select_related("plan").order_by("plan_id", "position"))
    ids = [task.pk for task in tasks]
    expected = ledger_rows(ledger_prefetch(tasks, user, today=TODAY), first_number=4)
    assert ledger_page_rows(ids, user, today=TODAY, first_number=4) == expected
    assert (len(expected), persona) != (0, "supervisor")
    assert ledger_page_rows([], user, today=TODAY) == []


@pytest.mark.parametrize("value", [None, "", "2", ["1"], "<x>"])
def test_the_quick_select_renders_what_djangos_select_does(value: Any) -> None:
    choices = [("", "全部单位"), ("1", "市科技局"), ("2", 'A&B "<单位>"'),
               ("组", [("3", "第一组"), ("4", "<b>第二组</b>")])]
    attrs = {"id": "id_unit", "data-x": 'a"b', "required": True, "disabled": False}
    assert QuickSelect(choices=choices).render("unit", value, attrs) == \
        forms.Select(choices=choices).render("unit", value, attrs)
    filterset = LedgerFilter({"unit": "1"}, queryset=Task.objects.none(), request=None)
    assert isinstance(filterset.form.fields["unit"].widget, QuickSelect)
