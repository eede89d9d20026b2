"""Re-import in a real browser: the office uploads a changed plan, reads the preview of the differences,
resolves the conflict with its own correction and confirms; reports stay. Screenshot: reimport-preview.png."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from luoshi.plans.models import Assignment, Plan, Task
from luoshi.plans.services import TaskUnitSpec, task_update
from luoshi.reports.models import Report
from tests.conftest import SMALL_PLAN
from tests.e2e.conftest import login, shot
from tests.plans.test_ledger import report_on

pytestmark = pytest.mark.django_db(transaction=True)

NEW_VERSION = (SMALL_PLAN.replace("新认定市级以上企业技术中心15家", "新认定市级以上企业技术中心20家")
               .replace("2019年底前出台配套措施", "2019年9月底前出台配套措施")
               .replace("4.加强知识产权保护。（责任单位：市科技局）\n", "")
               + "5.建设科技成果转化平台。（责任单位：市经信委）\n")


def test_the_office_previews_resolves_and_confirms_a_reimport(page: Any, live_server: Any, personas: Any,
                                                             published_plan: Plan) -> None:
    item3 = Task.objects.get(plan=published_plan, key="二/(二)/3")
    task_update(actor=personas.supervisor, task=item3, text=item3.text, deadline=dt.date(2019, 10, 31),
                deadline_text="2019年10月底前",
                units=[TaskUnitSpec(tu.name, tu.unit, tu.role) for tu in item3.task_units.all()])
    item4 = Task.objects.get(plan=published_plan, key="二/(二)/4")
    report = report_on(Assignment.objects.get(task=item4), month=5, status="accepted",
                       author=personas.lead_liaison)
    base = live_server.url

    login(page, live_server, personas.supervisor.username, personas.password)
    page.goto(base + reverse("plans:plan_detail", args=[published_plan.pk]))
    page.set_input_files("#reimport input[type=file]", files=[{
        "name": "plan-v2.txt", "mimeType": "text/plain", "buffer": NEW_VERSION.encode()}])
    page.click("#reimport button.secondary")
    page.wait_for_selector("#summary")
    summary = page.inner_text("#summary")
    assert "新增 1 项" in summary and "修改 2 项" in summary and "删除（停用）1 项" in summary
    assert "冲突 1 处" in summary
    assert "技术中心20家" in page.inner_text("#changed") and "建设科技成果转化平台" in page.inner_text("#added")
    assert "报告 1 份" in page.inner_text("#retired")
    published_plan.refresh_from_db()
    assert published_plan.revision == 1  # nothing applied yet
    shot(page, "reimport-preview")

    page.check("#conflicts input[value=keep]")
    page.click("#confirm button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("plans:plan_detail", args=[published_plan.pk]))
    assert "修订版已导入" in page.content()
    published_plan.refresh_from_db()
    item3.refresh_from_db()
    item4.refresh_from_db()
    assert published_plan.revision == 2
    assert item3.deadline == dt.date(2019, 10, 31) and "9月底前" in item3.text
    assert item4.removed and Report.objects.filter(pk=report.pk).exists()
