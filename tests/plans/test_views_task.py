"""task_update (a correction by the office, audited), the task page, and the review queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.core.errors import DomainError, StaleUpdate
from luoshi.core.models import AuditEntry
from luoshi.plans.models import Assignment, Plan, Task
from luoshi.plans.services import TaskUnitSpec, task_fingerprint, task_update
from luoshi.reports.models import Report, ReportingPeriod
from tests.plans.test_views_import import _edit_data

pytestmark = pytest.mark.django_db


def _item(plan: Plan, key: str) -> Task:
    return Task.objects.get(plan=plan, key=key)


def _report(assignment: Assignment, *, month: int, status: str, progress: str = "on_track", author: Any,
            narrative: str = "", submitted_days_ago: int = 1) -> Report:
    period = ReportingPeriod.objects.get(plan=assignment.task.plan, start=dt.date(2019, month, 1))
    return Report.objects.create(assignment=assignment, period=period, status=status, progress=progress,
                                 narrative=narrative, created_by=author,
                                 submitted_at=timezone.now() - dt.timedelta(days=submitted_days_ago))


def test_it_corrects_a_task_and_audits_before_and_after(personas: Any, units: Any, published_plan: Plan) -> None:
    item = _item(published_plan, "二/(一)/1")
    task_update(actor=personas.supervisor, task=item, text="开展科技型中小企业评价。", deadline=dt.date(2019, 9, 30),
                deadline_text="2019年9月底前",
                units=[TaskUnitSpec("市科技局", units["市科技局"], "lead"),
                       TaskUnitSpec("市财政局", units["市财政局"], "lead")],
                expected=task_fingerprint(item))
    entry = AuditEntry.objects.get(action="task.update")
    assert (entry.task_id, entry.plan_id, entry.actor_id) == (item.pk, published_plan.pk, personas.supervisor.pk)
    assert entry.before["text"].startswith("开展科技型中小企业评价，2019年新增")
    assert entry.before["units"] == "市科技局（牵头）、市财政局（配合）"
    assert entry.after == {"text": "开展科技型中小企业评价。", "deadline": "2019-09-30",
                           "deadline_text": "2019年9月底前", "units": "市科技局（牵头）、市财政局（牵头）"}
    # The published task's assignments follow: the new role, and the deadline they had from the task.
    assert set(Assignment.objects.filter(task=item).values_list("unit__name", "role", "deadline")) == {
        ("市科技局", "lead", dt.date(2019, 9, 30)), ("市财政局", "lead", dt.date(2019, 9, 30))}


def test_it_deactivates_the_assignment_of_a_removed_unit_and_adds_one_for_a_new_unit(
        personas: Any, units: Any, published_plan: Plan) -> None:
    item = _item(published_plan, "二/(一)/1")
    task_update(actor=personas.supervisor, task=item, text=item.text, deadline=None, deadline_text="",
                units=[TaskUnitSpec("市科技局", units["市科技局"], "lead"),
                       TaskUnitSpec("市商务局", units["市商务局"], "support")])
    live = set(Assignment.objects.filter(task=item, active=True).values_list("unit__name", flat=True))
    assert live == {"市科技局", "市商务局"}
    assert not Assignment.objects.get(task=item, unit=units["市财政局"]).active


def test_it_refuses_a_save_based_on_a_stale_form(personas: Any, units: Any, published_plan: Plan) -> None:
    item = _item(published_plan, "二/(二)/4")
    opened = task_fingerprint(item)
    specs = [TaskUnitSpec("市科技局", units["市科技局"], "responsible")]
    task_update(actor=personas.admin, task=item, text="第一个人的修改", deadline=None, deadline_text="", units=specs,
                expected=opened)
    with pytest.raises(StaleUpdate):
        task_update(actor=personas.supervisor, task=item, text="第二个人的修改", deadline=None, deadline_text="",
                    units=specs, expected=opened)
    item.refresh_from_db()
    assert item.text == "第一个人的修改"
    assert AuditEntry.objects.filter(action="task.update").count() == 1


@pytest.mark.parametrize(("text", "specs", "code"), [
    ("  ", [("市科技局", "lead")], "empty_text"),
    ("内容", [("市科技局", "support")], "no_lead"),
    ("内容", [("市科技局", "lead"), ("市科技局", "support")], "bad_units"),
    ("内容", [("市科技局", "boss")], "bad_role"),
    ("内容", [], "no_units"),
])
def test_it_refuses_a_correction_that_breaks_a_rule(personas: Any, units: Any, published_plan: Plan, text: str,
                                                    specs: list[tuple[str, str]], code: str) -> None:
    item = _item(published_plan, "二/(二)/4")
    with pytest.raises(DomainError) as refused:
        task_update(actor=personas.supervisor, task=item, text=text, deadline=None, deadline_text="",
                    units=[TaskUnitSpec(name, units[name], role) for name, role in specs])
    assert refused.value.code == code
    assert not AuditEntry.objects.filter(action="task.update").exists()


def test_the_edit_page_says_when_someone_else_saved_first(client: Any, personas: Any, published_plan: Plan) -> None:
    item = _item(published_plan, "二/(二)/4")
    stale = _edit_data(item, text="我的修改")
    other_office = type(personas.supervisor).objects.create_user(username="office2", password=personas.password,
                                                                 role=personas.supervisor.role)
    client.force_login(other_office)
    assert client.post(reverse("plans:task_edit", args=[item.pk]), _edit_data(item, text="先保存")).status_code == 302
    client.force_login(personas.supervisor)
    response = client.post(reverse("plans:task_edit", args=[item.pk]), stale)
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    item.refresh_from_db()
    assert item.text == "先保存"


def test_the_task_page_shows_sentence_units_targets_reports_and_history(client: Any, personas: Any,
                                                                        published_plan: Plan) -> None:
    item = _item(published_plan, "二/(一)/1")
    lead = Assignment.objects.get(task=item, unit__name="市科技局")
    support = Assignment.objects.get(task=item, unit__name="市财政局")
    _report(lead, month=3, status="accepted", author=personas.lead_liaison, narrative="三月已完成评价入库")
    _report(lead, month=4, status="submitted", progress="lagging", author=personas.lead_liaison,
            narrative="四月进度滞后")
    _report(support, month=4, status="draft", author=personas.support_liaison, narrative="财政局草稿")
    client.force_login(personas.leader)
    body = client.get(reverse("plans:task_detail", args=[item.pk])).content.decode()
    assert '<mark class="m-unit" title="牵头">市科技局</mark>' in body
    assert '<mark class="m-target" title="量化目标">新增初创科技企业3000家</mark>' in body
    assert "三月已完成评价入库" in body and "四月进度滞后" in body
    assert "财政局草稿" not in body  # a unit's draft is not the office's business
    assert "发布计划" in body and "导入计划" in body  # plan-level history
    assert "badge rag-red" in body  # the latest report lags
    # Reports and assignments link into the reporting pages.
    accepted = Report.objects.get(assignment=lead, period__start=dt.date(2019, 3, 1))
    assert reverse("reports:report_detail", args=[accepted.pk]) in body
    assert reverse("reports:assignment_detail", args=[lead.pk]) in body

    client.force_login(personas.support_liaison)
    own = client.get(reverse("plans:task_detail", args=[item.pk])).content.decode()
    assert "财政局草稿" in own
    assert "四月进度滞后" not in own  # another unit's report on the same task


def test_the_history_of_a_task_hides_other_units_entries_from_a_unit(client: Any, personas: Any, units: Any,
                                                                     published_plan: Plan) -> None:
    from luoshi.core.audit import audit_record

    item = _item(published_plan, "二/(一)/1")
    audit_record(actor=personas.lead_liaison, action="report.submit", target=item, task_id=item.pk,
                 unit_id=units["市科技局"].pk, message="科技局报送")
    client.force_login(personas.support_liaison)
    assert "科技局报送" not in client.get(reverse("plans:task_detail", args=[item.pk])).content.decode()
    client.force_login(personas.supervisor)
    assert "科技局报送" in client.get(reverse("plans:task_detail", args=[item.pk])).content.decode()


def test_the_review_queue_lists_submitted_reports_oldest_first(client: Any, personas: Any,
                                                               published_plan: Plan) -> None:
    item1, item2 = _item(published_plan, "二/(一)/1"), _item(published_plan, "二/(一)/2")
    newer = _report(Assignment.objects.get(task=item1, unit__name="市科技局"), month=4, status="submitted",
                    author=personas.lead_liaison, submitted_days_ago=1)
    older = _report(Assignment.objects.get(task=item2), month=4, status="submitted",
                    author=personas.other_liaison, submitted_days_ago=5)
    _report(Assignment.objects.get(task=item1, unit__name="市财政局"), month=4, status="accepted",
            author=personas.support_liaison)
    client.force_login(personas.supervisor)
    response = client.get(reverse("plans:review_queue"))
    assert [r.pk for r in response.context["page"]] == [older.pk, newer.pk]
