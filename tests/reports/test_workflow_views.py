"""The reporting pages: forms post and redirect, htmx gets partials, errors are shown, lists keep their
query count flat as rows double."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.core.models import AuditEntry
from luoshi.plans.models import Assignment, Plan
from luoshi.plans.services import plan_import, plan_publish
from luoshi.reports import services
from luoshi.reports.models import Attachment, Extension, Instruction, Report
from tests.conftest import SMALL_PLAN

from .workflow_helpers import ITEM_1, assignment, draft, freeze, period, publish_early, submitted

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def a1(published_plan: Any) -> Assignment:
    return assignment(published_plan, ITEM_1, "市科技局")


def _edit_url(a: Assignment, month: int) -> str:
    url: str = reverse("reports:report_edit", args=[a.pk, period(a.task.plan, month).pk])
    return url


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_it_the_report_form_saves_and_redirects_to_the_report(client: Client, personas: Any, a1: Assignment) -> None:
    client.force_login(personas.lead_liaison)
    page = client.get(_edit_url(a1, 2))
    assert page.status_code == 200
    target = a1.task.targets.get()
    assert f'name="actual_{target.pk}"' in page.content.decode()
    response = client.post(_edit_url(a1, 2), {"version": "", "progress": "lagging", "narrative": "评价工作滞后",
                                              f"actual_{target.pk}": "1500", "view": "1"})
    report = Report.objects.get(assignment=a1)
    assert response.status_code == 302 and response["Location"] == reverse("reports:report_detail", args=[report.pk])
    assert (report.progress, report.narrative, report.actuals.get().value) == ("lagging", "评价工作滞后", 1500)


def test_it_htmx_saves_a_draft_and_gets_the_form_back_with_the_new_version(client: Client, personas: Any,
                                                                        a1: Assignment) -> None:
    client.force_login(personas.lead_liaison)
    response = client.post(_edit_url(a1, 2), {"version": "", "progress": "on_track", "narrative": "草稿一"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "reports/_report_form.html"
    assert "<html" not in body and "已保存" in body
    report = Report.objects.get(assignment=a1)
    assert f'name="version" value="{report.version}"' in body
    response = client.post(_edit_url(a1, 2), {"version": report.version, "progress": "on_track",
                                              "narrative": "草稿二"}, **HTMX)
    report.refresh_from_db()
    assert report.narrative == "草稿二" and report.version == 2


def test_it_a_stale_form_is_refused_with_a_clear_message(client: Client, personas: Any, a1: Assignment) -> None:
    report = draft(personas.lead_liaison, a1, period(a1.task.plan, 2))
    services.report_save(actor=personas.lead_head, assignment=a1, period=report.period, version=report.version,
                         progress="done", narrative="负责人先改")
    client.force_login(personas.lead_liaison)
    response = client.post(_edit_url(a1, 2), {"version": report.version, "progress": "on_track",
                                              "narrative": "联络员后改"}, **HTMX)
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    report.refresh_from_db()
    assert report.narrative == "负责人先改"


def test_it_a_submitted_report_form_redirects_to_the_detail(client: Client, personas: Any, a1: Assignment) -> None:
    report = submitted(personas, a1, period(a1.task.plan, 2))
    client.force_login(personas.lead_liaison)
    response = client.get(_edit_url(a1, 2))
    assert response.status_code == 302 and response["Location"] == reverse("reports:report_detail", args=[report.pk])


def test_it_approve_submit_accept_through_the_pages(client: Client, personas: Any, a1: Assignment) -> None:
    report = draft(personas.lead_liaison, a1, period(a1.task.plan, 2))
    detail = reverse("reports:report_detail", args=[report.pk])
    client.force_login(personas.lead_liaison)
    assert "报送督查室" not in client.get(detail).content.decode()  # needs the head's approval first
    response = client.post(reverse("reports:report_submit", args=[report.pk]), {"version": report.version},
                           follow=True)
    assert any("负责人审核" in m for m in _messages(response))
    client.force_login(personas.lead_head)
    response = client.post(reverse("reports:report_approve", args=[report.pk]), {"version": report.version})
    assert response.status_code == 302 and response["Location"] == detail
    report.refresh_from_db()
    client.force_login(personas.lead_liaison)
    client.post(reverse("reports:report_submit", args=[report.pk]), {"version": report.version})
    report.refresh_from_db()
    assert report.status == "submitted"
    client.force_login(personas.supervisor)
    page = client.get(detail).content.decode()
    assert "退回修改" in page and reverse("reports:report_accept", args=[report.pk]) in page
    client.post(reverse("reports:report_accept", args=[report.pk]), {"version": report.version, "comment": "好"})
    report.refresh_from_db()
    assert report.status == "accepted"
    assert "已锁定" in client.get(detail).content.decode()


def test_it_a_return_without_comment_is_refused_and_with_one_is_shown_to_the_unit(client: Client, personas: Any,
                                                                             a1: Assignment) -> None:
    report = submitted(personas, a1, period(a1.task.plan, 2))
    client.force_login(personas.supervisor)
    url = reverse("reports:report_return", args=[report.pk])
    response = client.post(url, {"version": report.version, "comment": ""}, follow=True)
    report.refresh_from_db()
    assert report.status == "submitted" and _messages(response)
    client.post(url, {"version": report.version, "comment": "请补充佐证材料"})
    report.refresh_from_db()
    assert report.status == "returned"
    client.force_login(personas.lead_liaison)
    assert "请补充佐证材料" in client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()


def test_it_htmx_actions_get_a_client_redirect(client: Client, personas: Any, a1: Assignment) -> None:
    report = draft(personas.lead_liaison, a1, period(a1.task.plan, 2))
    client.force_login(personas.lead_head)
    response = client.post(reverse("reports:report_approve", args=[report.pk]), {"version": report.version}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("reports:report_detail", args=[report.pk])


def test_it_evidence_upload_by_htmx_returns_the_list_and_the_new_version(client: Client, personas: Any,
                                                                      a1: Assignment) -> None:
    report = services.report_approve(actor=personas.lead_head,
                                     report=draft(personas.lead_liaison, a1, period(a1.task.plan, 2)))
    client.force_login(personas.lead_liaison)
    response = client.post(reverse("reports:attachment_upload", args=[report.pk]),
                           {"file": SimpleUploadedFile("佐证.pdf", PDF)}, **HTMX)
    body = response.content.decode()
    report.refresh_from_db()
    assert response.status_code == 200 and "<html" not in body and "佐证.pdf" in body
    assert f'id="id_version" value="{report.version}" hx-swap-oob="true"' in body  # approval reset bumped it
    response = client.post(reverse("reports:attachment_upload", args=[report.pk]),
                           {"file": SimpleUploadedFile("x.exe", b"MZ" + b"\x00" * 10)}, **HTMX)
    assert "不支持的文件类型" in response.content.decode()
    assert Attachment.objects.count() == 1
    attachment = Attachment.objects.get()
    response = client.post(reverse("reports:attachment_delete", args=[attachment.pk]))
    assert response.status_code == 302 and not Attachment.objects.exists()


def test_it_my_tasks_filters_and_answers_htmx_with_the_table_only(client: Client, personas: Any, a1: Assignment,
                                                               monkeypatch: Any, published_plan: Any) -> None:
    publish_early(published_plan)
    freeze(monkeypatch, "2019-04-03T10:00")  # March (due 5 April) is current; January and February are owed
    submitted(personas, a1, period(published_plan, 1))
    feb = submitted(personas, a1, period(published_plan, 2))
    services.report_return(actor=personas.supervisor, report=feb, comment="补充")
    client.force_login(personas.lead_liaison)
    page = client.get(reverse("reports:my_tasks"))
    body = page.content.decode()
    assert "2019年3月" in body and "2019年2月 被退回" in body
    response = client.get(reverse("reports:my_tasks"), {"state": "returned"}, **HTMX)
    body = response.content.decode()
    assert "<html" not in body and "开展科技型中小企业评价" in body and "加强知识产权保护" not in body
    overdue = client.get(reverse("reports:my_tasks"), {"state": "overdue"}, **HTMX).content.decode()
    assert "加强知识产权保护" in overdue  # item 4: nothing reported for January and February
    assert "逾期未报 2 期" in overdue


def test_it_the_extension_pages_request_and_decide(client: Client, personas: Any, a1: Assignment) -> None:
    client.force_login(personas.lead_liaison)
    url = reverse("reports:extension_request", args=[a1.pk])
    response = client.post(url, {"requested_deadline": "2031-03-31", "reason": ""})
    assert response.status_code == 200 and not Extension.objects.exists()
    response = client.post(url, {"requested_deadline": "2031-03-31", "reason": "设备到货延迟"})
    extension = Extension.objects.get()
    assert response["Location"] == reverse("reports:extension_detail", args=[extension.pk])
    client.force_login(personas.supervisor)
    detail = reverse("reports:extension_detail", args=[extension.pk])
    response = client.post(detail, {"decision": "refuse", "comment": ""})
    assert response.status_code == 200 and "须填写意见" in response.content.decode()
    response = client.post(detail, {"decision": "grant", "comment": "同意"})
    assert response.status_code == 302
    a1.refresh_from_db()
    assert a1.deadline == dt.date(2031, 3, 31)


def test_it_the_instruction_form_and_the_answer_field_on_the_report_form(client: Client, personas: Any,
                                                                      a1: Assignment) -> None:
    client.force_login(personas.leader)
    url = reverse("reports:instruction_create", args=[a1.task_id])
    response = client.post(url, {"text": "请于月底前完成评价"})
    assert response.status_code == 302
    instruction = Instruction.objects.get()
    client.force_login(personas.lead_liaison)
    assert "请于月底前完成评价" in client.get(reverse("reports:assignment_detail", args=[a1.pk])).content.decode()
    form = client.get(_edit_url(a1, 2)).content.decode()
    assert f'name="answer_{instruction.pk}"' in form
    client.post(_edit_url(a1, 2), {"version": "", "progress": "on_track", "narrative": "推进中",
                                   f"answer_{instruction.pk}": "已部署"})
    assert Report.objects.get().instruction_answers.get().text == "已部署"


def test_it_closing_through_the_pages(client: Client, personas: Any, a1: Assignment) -> None:
    url = reverse("reports:assignment_close", args=[a1.pk])
    client.force_login(personas.lead_head)
    assert client.post(url, {"closing_report": "全部完成"}).status_code == 302
    client.force_login(personas.supervisor)
    assert "全部完成" in client.get(reverse("reports:assignment_detail", args=[a1.pk])).content.decode()
    assert client.post(url, {"closing_report": ""}).status_code == 302
    a1.refresh_from_db()
    assert a1.status == "closed"
    assert AuditEntry.objects.filter(action="assignment.close", object_id=str(a1.pk)).exists()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_lists_keep_a_flat_query_count_as_rows_double(client: Client, personas: Any, a1: Assignment,
                                                     published_plan: Any, django_assert_max_num_queries: Any) -> None:
    def fill(plan: Plan) -> None:
        own = assignment(plan, ITEM_1, "市科技局")
        for month in (1, 2):
            draft(personas.lead_liaison, own, period(plan, month))
        services.extension_request(actor=personas.lead_liaison, assignment=own,
                                   requested_deadline=dt.date(2031, 1, 1), reason="x")

    fill(published_plan)
    client.force_login(personas.supervisor)
    urls = [reverse("reports:my_tasks"), reverse("reports:report_history"), reverse("reports:extension_list")]
    before = {url: _queries(client, url) for url in urls}
    second = plan_publish(actor=personas.supervisor, plan=plan_import(
        actor=personas.supervisor, data=SMALL_PLAN.replace("2019", "2020").encode(), filename="p2.txt"))
    fill(second)
    assert Assignment.objects.count() == 2 * Assignment.objects.filter(task__plan=published_plan).count()
    assert Report.objects.count() == 4 and Extension.objects.count() == 2
    for url in urls:
        with django_assert_max_num_queries(before[url]):
            assert client.get(url).status_code == 200
