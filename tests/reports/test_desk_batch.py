"""Batch work: the head approves and submits several reports at once, the office accepts several at once and
chases every overdue unit of a filter; the review queue and the overdue list filter and export. Every batch
re-checks each report: an id of another unit's report refuses the whole request and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.core.models import AuditEntry
from luoshi.plans.models import Assignment, Plan
from luoshi.reports import services
from luoshi.reports.batch import overdue_chase, reports_approve_many
from luoshi.reports.models import Notification, Reminder, Report, Review
from luoshi.reports.reminders import reminders_sweep

from .workflow_helpers import ITEM_1, ITEM_2, ITEM_4, assignment, draft, period, publish_early, submitted

pytestmark = pytest.mark.django_db

TODAY = dt.date(2019, 4, 10)   # January to March are past due (March's reports were due on 5 April)


@pytest.fixture
def plan(published_plan: Plan, settings: Any) -> Plan:
    settings.LUOSHI_TODAY = TODAY
    publish_early(published_plan)
    published_plan.refresh_from_db()
    return published_plan


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def statuses(*reports: Report) -> list[str]:
    return [Report.objects.get(pk=r.pk).status for r in reports]


def post_ids(client: Client, name: str, reports: list[Report], follow: bool = False, **extra: Any) -> Any:
    data: dict[str, Any] = {"report": [r.pk for r in reports], **extra}
    data.update({f"version_{r.pk}": r.version for r in reports})
    return client.post(reverse(name), data, follow=follow)


# --- the unit head -----------------------------------------------------------------------------------------


def test_it_lets_the_head_approve_and_submit_several_reports_at_once(
        personas: Any, plan: Plan, django_capture_on_commit_callbacks: Any) -> None:
    a1, a4 = assignment(plan, ITEM_1, "市科技局"), assignment(plan, ITEM_4, "市科技局")
    reports = [draft(personas.lead_liaison, a, period(plan, month)) for a in (a1, a4) for month in (1, 2)]
    client = client_for(personas.lead_head)
    page = client.get(reverse("reports:approvals")).content.decode()
    assert all(f'name="report" value="{r.pk}"' in page for r in reports)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_ids(client, "reports:approvals_apply", reports, action="submit")
    assert response.status_code == 302
    assert statuses(*reports) == ["submitted"] * 4
    for report in reports:
        assert AuditEntry.objects.filter(action="report.submit", object_id=str(report.pk)).count() == 1
        assert Review.objects.filter(report=report, action="submit", actor=personas.lead_head).exists()
    # one notice for the batch, not four
    assert list(Notification.objects.filter(user=personas.supervisor).values_list("text", flat=True)) == [
        "市科技局报送了4份进展报告，待审核"]


def test_it_approves_only_when_asked_and_lists_what_it_refused(personas: Any, plan: Plan) -> None:
    a1 = assignment(plan, ITEM_1, "市科技局")
    good = draft(personas.lead_liaison, a1, period(plan, 1))
    stale = draft(personas.lead_liaison, a1, period(plan, 2))
    shown = Report.objects.get(pk=stale.pk)
    services.report_save(actor=personas.lead_liaison, assignment=a1, period=period(plan, 2), version=stale.version,
                         progress="lagging", narrative="刚刚改过。")
    response = post_ids(client_for(personas.lead_head), "reports:approvals_apply", [good, shown], action="approve",
                        follow=True)
    assert statuses(good, stale) == ["approved", "draft"]   # the changed report is not approved unseen
    shown_messages = [str(m) for m in response.context["messages"]]
    assert shown_messages[0] == "已审核1份报告。"
    assert shown_messages[1].startswith("二.(一).1（市科技局，2019年2月）未处理：")


def test_it_refuses_the_whole_batch_when_one_id_is_another_units_report(personas: Any, plan: Plan) -> None:
    own = draft(personas.lead_liaison, assignment(plan, ITEM_1, "市科技局"), period(plan, 1))
    other = draft(personas.other_liaison, assignment(plan, ITEM_2, "市经信委"), period(plan, 1))
    client = client_for(personas.lead_head)
    for ids in ([own, other], [other]):
        assert post_ids(client, "reports:approvals_apply", ids, action="submit").status_code == 404
    assert client.post(reverse("reports:approvals_apply"), {"report": [own.pk, "x"], "action": "submit"}
                       ).status_code == 404
    assert client.post(reverse("reports:approvals_apply"), {"report": [own.pk, 999999], "action": "submit"}
                       ).status_code == 404
    assert statuses(own, other) == ["draft", "draft"]
    assert not AuditEntry.objects.filter(action__in=["report.submit", "report.approve"]).exists()


def test_it_leaves_batch_approval_to_the_head(personas: Any, plan: Plan) -> None:
    own = draft(personas.lead_liaison, assignment(plan, ITEM_1, "市科技局"), period(plan, 1))
    response = post_ids(client_for(personas.lead_liaison), "reports:approvals_apply", [own], action="submit")
    assert response.status_code == 302 and statuses(own) == ["draft"]
    assert 'name="report"' not in client_for(personas.lead_liaison).get(reverse("reports:approvals")).content.decode()
    for user in (personas.supervisor, personas.leader):
        assert client_for(user).get(reverse("reports:approvals")).status_code == 404
    from luoshi.core.errors import DomainError

    with pytest.raises(DomainError):
        reports_approve_many(actor=personas.lead_liaison, reports=[(own, None)], submit=True)


# --- the office: the review queue ----------------------------------------------------------------------------


@pytest.fixture
def queue(personas: Any, plan: Plan) -> dict[str, Report]:
    """Two submitted reports of 市科技局 and a draft of 市经信委 (not in the queue)."""
    a1, a2 = assignment(plan, ITEM_1, "市科技局"), assignment(plan, ITEM_2, "市经信委")
    return {"kjj_jan": submitted(personas, a1, period(plan, 1)), "kjj_feb": submitted(personas, a1, period(plan, 2)),
            "jxw_jan": draft(personas.other_liaison, a2, period(plan, 1))}


def test_it_accepts_several_reports_at_once_and_tells_each_unit(
        personas: Any, plan: Plan, queue: dict[str, Report], django_capture_on_commit_callbacks: Any) -> None:
    chosen = [queue["kjj_jan"], queue["kjj_feb"]]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_ids(client_for(personas.supervisor), "reports:review_accept_many", chosen, comment="同意。",
                            unit=str(assignment(plan, ITEM_1, "市科技局").unit_id))
    assert response.status_code == 302 and "unit=" in response.url
    assert statuses(*chosen) == ["accepted", "accepted"]
    assert AuditEntry.objects.filter(action="report.accept").count() == 2
    assert Review.objects.filter(action="accept", comment="同意。").count() == 2
    assert Notification.objects.filter(user=personas.lead_liaison, text__contains="审核通过").count() == 2


def test_it_refuses_batch_review_to_anyone_but_the_office(personas: Any, plan: Plan, queue: dict[str, Report]) -> None:
    chosen = [queue["kjj_jan"]]
    for user in (personas.leader, personas.lead_head, personas.lead_liaison):
        assert post_ids(client_for(user), "reports:review_accept_many", chosen).status_code == 404
    assert post_ids(client_for(personas.supervisor), "reports:review_accept_many",
                    [*chosen, Report(pk=987654)]).status_code == 404
    assert statuses(*chosen) == ["submitted"]


def test_it_filters_the_review_queue_and_exports_what_it_shows(
        personas: Any, plan: Plan, queue: dict[str, Report]) -> None:
    client = client_for(personas.supervisor)
    url = reverse("plans:review_queue")
    shown = lambda **q: [r.pk for r in client.get(url, q).context["page"]]  # noqa: E731
    kjj = assignment(plan, ITEM_1, "市科技局")
    assert shown() == [queue["kjj_jan"].pk, queue["kjj_feb"].pk]          # submitted only, by default
    assert shown(period=period(plan, 2).pk) == [queue["kjj_feb"].pk]
    assert shown(unit=assignment(plan, ITEM_2, "市经信委").unit_id) == []
    chapter_two = kjj.task.parent.parent
    assert shown(chapter=chapter_two.pk, unit=kjj.unit_id) == [queue["kjj_jan"].pk, queue["kjj_feb"].pk]
    services.report_accept(actor=personas.supervisor, report=queue["kjj_jan"])
    assert shown(status="accepted") == [queue["kjj_jan"].pk]
    assert shown(status="all") == [queue["kjj_jan"].pk, queue["kjj_feb"].pk]
    response = client.get(reverse("reports:review_export"), {"period": period(plan, 2).pk})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True) if any(row)]
    assert len(rows) == 1 and rows[0][0] == "市科技局" and rows[0][3] == "2019年2月"
    assert client_for(personas.lead_liaison).get(reverse("reports:review_export")).status_code == 404


# --- the office: the overdue list and 一键催办 --------------------------------------------------------------


def overdue_pairs(client: Client, **query: Any) -> set[tuple[int, int]]:
    page = client.get(reverse("reports:overdue_reports"), query).context["page"]
    return {(row.assignment.pk, row.period.pk) for row in page.paginator.object_list}


def test_it_lists_one_row_per_report_owed_past_due_with_filters(personas: Any, plan: Plan) -> None:
    a1, a2 = assignment(plan, ITEM_1, "市科技局"), assignment(plan, ITEM_2, "市经信委")
    submitted(personas, a1, period(plan, 1))
    draft(personas.lead_liaison, a1, period(plan, 2))
    client = client_for(personas.supervisor)
    rows = overdue_pairs(client, unit=a1.unit_id)
    # 市科技局 holds items 1 and 4: January to March owed on each, January's on item 1 delivered
    a4 = assignment(plan, ITEM_4, "市科技局")
    assert rows == {(a.pk, period(plan, m).pk) for a in (a1, a4) for m in (1, 2, 3)} - {(a1.pk, period(plan, 1).pk)}
    assert overdue_pairs(client, unit=a1.unit_id, status="draft") == {(a1.pk, period(plan, 2).pk)}
    assert overdue_pairs(client, period=period(plan, 3).pk, unit=a2.unit_id) == {(a2.pk, period(plan, 3).pk)}
    assert overdue_pairs(client, chapter=a4.task.parent.parent.pk, unit=a1.unit_id) == rows
    targets_chapter = plan.tasks.get(key="一")
    assert overdue_pairs(client, chapter=targets_chapter.pk) == set()
    response = client.get(reverse("reports:overdue_export"), {"unit": a1.unit_id})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert len([r for r in sheet.iter_rows(min_row=3, values_only=True) if any(r)]) == 5
    assert isinstance(sheet.cell(row=3, column=5).value, dt.datetime)   # a real date cell
    assert client_for(personas.lead_liaison).get(reverse("reports:overdue_reports")).status_code == 404


def test_it_chases_every_overdue_unit_of_the_filter_once(
        personas: Any, plan: Plan, django_capture_on_commit_callbacks: Any) -> None:
    a1 = assignment(plan, ITEM_1, "市科技局")
    personas.lead_liaison.email = "kjj@example.org"
    personas.lead_liaison.save()
    client = client_for(personas.supervisor)
    query = {"unit": a1.unit_id, "period": period(plan, 3).pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:overdue_chase"), {**query, "message": "请于本周内报送。"})
    assert response.status_code == 302 and f"unit={a1.unit_id}" in response.url
    chased = Reminder.objects.filter(kind="overdue")
    assert {(r.assignment_id, r.period_id) for r in chased} == overdue_pairs(client, **query)
    assert chased.count() == 2 and all(r.sent_by == personas.supervisor for r in chased)
    # one notice per person and one e-mail for the unit's two tasks, not one per task
    notices = Notification.objects.filter(user=personas.lead_liaison, text__contains="逾期催办")
    assert notices.count() == 1 and "请于本周内报送" in notices.get().text
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["kjj@example.org"]
    assert AuditEntry.objects.filter(action="reminder.chase").count() == 1
    # a second click, and then the scheduled sweep, chase nobody again for these reports
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:overdue_chase"), query)
        reminders_sweep(today=TODAY)
    assert Reminder.objects.filter(kind="overdue", assignment__unit=a1.unit, period=period(plan, 3)).count() == 2
    assert Notification.objects.filter(user=personas.lead_liaison, text__contains="逾期催办").count() == 1
    assert len(mail.outbox) == 1


def test_it_skips_reports_the_sweep_already_chased_and_units_without_accounts(
        personas: Any, plan: Plan, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep(today=dt.date(2019, 4, 6))   # March's overdue reminders go out the day after the due day
    before = Reminder.objects.count()
    pilot = Assignment.objects.filter(task__plan=plan, task__key="二/(二)/3").count()
    assert pilot > 0  # the pilot zones: no accounts
    result = overdue_chase(actor=personas.supervisor, today=TODAY, pairs=[
        (a, period(plan, 3)) for a in Assignment.objects.filter(task__plan=plan)])
    assert result.sent == 0 and Reminder.objects.count() == before
    assert result.no_account == pilot and result.already == before


def test_it_refuses_the_chase_to_anyone_but_the_office(personas: Any, plan: Plan) -> None:
    for user in (personas.leader, personas.lead_head):
        assert client_for(user).post(reverse("reports:overdue_chase"), {}).status_code == 404
    assert not Reminder.objects.exists()


def test_it_lists_the_queue_and_the_overdue_reports_in_a_fixed_number_of_queries(personas: Any, plan: Plan) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from luoshi.plans.models import Task

    client = client_for(personas.supervisor)
    pages = [reverse("plans:review_queue"), reverse("reports:overdue_reports"), reverse("reports:approvals")]
    head = client_for(personas.lead_head)

    def counts() -> list[int]:
        found = []
        for url in pages:
            who = head if url == reverse("reports:approvals") else client
            who.get(url)  # session warm
            with CaptureQueriesContext(connection) as queries:
                assert who.get(url).status_code == 200
            found.append(len(queries))
        return found

    submitted(personas, assignment(plan, ITEM_1, "市科技局"), period(plan, 1))
    draft(personas.lead_liaison, assignment(plan, ITEM_4, "市科技局"), period(plan, 1))
    small = counts()
    parent = Task.objects.get(plan=plan, key="二/(二)")
    unit = personas.lead_liaison.unit
    for i in range(12):
        task = Task.objects.create(plan=plan, parent=parent, key=f"二/(二)/x{i}", label=str(i), level=3,
                                   position=200 + i, text=f"新增任务{i}", span_start=0, span_end=1, is_item=True)
        extra = Assignment.objects.create(task=task, unit=unit, role="responsible")
        Report.objects.create(assignment=extra, period=period(plan, 1), status="submitted", narrative="进展",
                              created_by=personas.lead_liaison)
        Report.objects.create(assignment=extra, period=period(plan, 2), status="draft", narrative="进展",
                              created_by=personas.lead_liaison)
    assert counts() == small
