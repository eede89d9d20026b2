"""Forms the unit is offered: a returned report's form shows the office's comment where the fix is made;
no form for a period that has not started or a task that is closed (refused when opened, not on save)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.plans.models import Assignment
from luoshi.reports import services
from luoshi.reports.models import Report

from .workflow_helpers import ITEM_1, assignment, period, publish_early, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def a1(published_plan: Any) -> Assignment:
    publish_early(published_plan)
    return assignment(published_plan, ITEM_1, "市科技局")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_url(a: Assignment, month: int) -> str:
    return reverse("reports:report_edit", args=[a.pk, period(a.task.plan, month).pk])


def test_it_shows_the_return_comment_on_the_form_where_the_fix_is_made(personas: Any, a1: Assignment) -> None:
    report = submitted(personas, a1, period(a1.task.plan, 2))
    services.report_return(actor=personas.supervisor, report=report, comment="请补充新增企业名单。")
    client = client_for(personas.lead_liaison)
    page = client.get(edit_url(a1, 2)).content.decode()
    assert 'id="return-comment"' in page and "请补充新增企业名单。" in page
    assert page.index("请补充新增企业名单。") < page.index('name="narrative"')
    # still there after an htmx save of the draft, gone once resubmitted
    report.refresh_from_db()
    saved = client.post(edit_url(a1, 2), {"version": report.version, "progress": "on_track", "narrative": "已补充。"},
                        HTTP_HX_REQUEST="true").content.decode()
    assert "请补充新增企业名单。" in saved
    report.refresh_from_db()
    services.report_submit(actor=personas.lead_head, report=report, version=report.version)
    services.report_return(actor=personas.supervisor, report=Report.objects.get(pk=report.pk), comment="第二次意见。")
    page = client.get(edit_url(a1, 2)).content.decode()
    assert "第二次意见。" in page and "请补充新增企业名单。" not in page  # the latest return


def test_it_offers_no_form_for_a_period_that_has_not_started(personas: Any, a1: Assignment, settings: Any) -> None:
    settings.LUOSHI_TODAY = dt.date(2019, 3, 20)
    client = client_for(personas.lead_liaison)
    response = client.get(edit_url(a1, 4), follow=True)
    assert response.redirect_chain == [(reverse("reports:assignment_detail", args=[a1.pk]), 302)]
    assert "2019年4月报送期自2019-04-01开始，届时才能填报。" in [str(m) for m in response.context["messages"]]
    assert client.post(edit_url(a1, 4), {"progress": "on_track", "narrative": "提前写。"}).status_code == 302
    assert not Report.objects.exists()
    assert client.get(edit_url(a1, 3)).status_code == 200   # March has started


def test_it_hides_the_form_links_before_the_first_period(personas: Any, a1: Assignment, settings: Any) -> None:
    settings.LUOSHI_TODAY = dt.date(2018, 12, 20)   # before the plan's year: the "current" period is January
    client = client_for(personas.lead_liaison)
    tasks = client.get(reverse("reports:my_tasks")).content.decode()
    assert edit_url(a1, 1) not in tasks and "2019年1月1日起可填报" in tasks
    assert edit_url(a1, 1) not in client.get(reverse("reports:assignment_detail", args=[a1.pk])).content.decode()


def test_it_offers_no_form_for_a_closed_task(personas: Any, a1: Assignment) -> None:
    services.assignment_close(actor=personas.supervisor, assignment=a1, closing_report="已完成。")
    client = client_for(personas.lead_liaison)
    response = client.get(edit_url(a1, 2), follow=True)
    assert "该任务已办结或已失效，不能再填报。" in [str(m) for m in response.context["messages"]]
    assert client.get(reverse("reports:extension_request", args=[a1.pk])).status_code == 302
    assert client.get(reverse("reports:assignment_close", args=[a1.pk])).status_code == 302
    detail = client.get(reverse("reports:assignment_detail", args=[a1.pk])).content.decode()
    assert edit_url(a1, 2) not in detail and reverse("reports:extension_request", args=[a1.pk]) not in detail


# --- 批示 from the task page -------------------------------------------------------------------------------


def test_it_lets_a_leader_instruct_chosen_units_from_the_task_page(personas: Any, a1: Assignment,
                                                                  django_capture_on_commit_callbacks: Any) -> None:
    from luoshi.reports.models import Instruction, Notification

    support = assignment(a1.task.plan, ITEM_1, "市财政局")
    leader = client_for(personas.leader)
    task_url = reverse("plans:task_detail", args=[a1.task_id])
    page = leader.get(task_url).content.decode()
    assert 'id="instruction-box"' in page
    assert f'name="units" value="{support.unit_id}"' in page and f'name="units" value="{a1.unit_id}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(reverse("reports:instruction_create", args=[a1.task_id]),
                               {"text": "请财政局保障资金。", "units": [support.unit_id], "back": "task"})
    assert response.status_code == 302 and response.url == task_url
    instruction = Instruction.objects.get()
    assert list(instruction.units.values_list("pk", flat=True)) == [support.unit_id]
    assert Notification.objects.filter(user=personas.support_liaison).count() == 1
    assert not Notification.objects.filter(user=personas.lead_liaison).exists()
    # the unit not chosen does not see it on its assignment page, nor through the API
    assert "请财政局保障资金" not in client_for(personas.lead_liaison).get(
        reverse("reports:assignment_detail", args=[a1.pk])).content.decode()
    api = client_for(personas.lead_liaison).get("/api/v1/instructions/")
    assert api.status_code == 200 and "请财政局保障资金" not in api.content.decode()
    assert "请财政局保障资金" in client_for(personas.support_liaison).get("/api/v1/instructions/").content.decode()
    # a unit outside the task is not a choice; the office and units get no box
    assert leader.post(reverse("reports:instruction_create", args=[a1.task_id]),
                       {"text": "x", "units": [personas.outsider.unit_id]}).status_code == 200
    assert Instruction.objects.count() == 1
    for user in (personas.supervisor, personas.lead_liaison):
        assert 'id="instruction-box"' not in client_for(user).get(task_url).content.decode()
