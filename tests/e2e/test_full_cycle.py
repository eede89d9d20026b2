"""The whole reporting cycle in a real browser, as the people who use it would click through it.

The 市科技局 liaison drafts a report, the unit head submits it, the office returns it with a comment,
the unit sees the comment and resubmits, the office accepts; the task's history shows every step.
Screenshots of the ledger and of the unit's pages are written to out/screenshots/.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from luoshi.plans.models import Assignment
from luoshi.reports.models import Report
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.django_db(transaction=True)


def _logout(page: Any) -> None:
    page.context.clear_cookies()


def test_it_runs_the_whole_cycle_in_the_browser(page: Any, live_server: Any, personas: Any,
                                                 published_plan: Any) -> None:
    assignment = Assignment.objects.get(task__key="二/(一)/1", unit__name="市科技局")
    period = published_plan.periods.order_by("start")[5]
    password = personas.password
    base = live_server.url

    # 1. The liaison sees the unit's tasks and drafts a report.
    login(page, live_server, personas.lead_liaison.username, password)
    page.goto(base + reverse("reports:my_tasks"))
    assert "开展科技型中小企业评价" in page.content()
    assert "市经信委" not in page.inner_text("main table")  # another unit's task is not listed
    shot(page, "unit-my-tasks")
    page.goto(base + reverse("reports:report_edit", args=[assignment.pk, period.pk]))
    page.select_option("select[name=progress]", "on_track")
    page.fill("textarea[name=narrative]", "【示例】已完成第一批科技型中小企业评价入库工作。")
    page.click("button[name=view]")
    page.wait_for_load_state("networkidle")
    report = Report.objects.get(assignment=assignment, period=period)
    assert report.status == "draft"
    shot(page, "unit-report-draft")
    _logout(page)

    # 2. The head submits it to the office.
    login(page, live_server, personas.lead_head.username, password)
    page.goto(base + reverse("reports:report_detail", args=[report.pk]))
    page.click("form[action$='/submit/'] button")
    page.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.status == "submitted"
    _logout(page)

    # 3. The office returns it with a comment.
    login(page, live_server, personas.supervisor.username, password)
    page.goto(base + reverse("reports:report_detail", args=[report.pk]))
    page.fill("form[action$='/return/'] textarea[name=comment]", "请补充入库企业数量。")
    page.click("form[action$='/return/'] button")
    page.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.status == "returned"
    _logout(page)

    # 4. The unit sees the comment, revises and resubmits.
    login(page, live_server, personas.lead_head.username, password)
    page.goto(base + reverse("reports:report_detail", args=[report.pk]))
    assert "请补充入库企业数量。" in page.content()
    page.goto(base + reverse("reports:report_edit", args=[assignment.pk, period.pk]))
    page.fill("textarea[name=narrative]", "【示例】已完成评价入库企业 1200 家。")
    page.click("button[name=view]")
    page.wait_for_load_state("networkidle")
    page.click("form[action$='/submit/'] button")
    page.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.status == "submitted"
    shot(page, "unit-report-resubmitted")
    _logout(page)

    # 5. The office accepts; the report is locked.
    login(page, live_server, personas.supervisor.username, password)
    page.goto(base + reverse("reports:report_detail", args=[report.pk]))
    page.click("form[action$='/accept/'] button")
    page.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.status == "accepted"
    assert report.is_locked

    # 6. The task's history shows each step, and the ledger shows the task.
    page.goto(base + reverse("plans:task_detail", args=[assignment.task_id]))
    history = page.inner_text("main")
    for step in ("报送", "退回", "通过"):
        assert step in history
    shot(page, "office-task-detail")
    page.goto(base + reverse("plans:ledger"))
    assert "开展科技型中小企业评价" in page.content()
    shot(page, "office-ledger")
