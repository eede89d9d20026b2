"""The unit's desk: the head sees the reports waiting for approval, the liaison new duties and instructions to
answer; each count is the length of the list it opens, and nothing of another unit shows."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.plans.models import Assignment
from luoshi.reports import services
from tests.reports.workflow_helpers import ITEM_1, ITEM_4, assignment, draft, period

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def figures(client: Client) -> dict[str, tuple[int, str]]:
    html = client.get(reverse("dashboards:unit")).content.decode()
    block = html[html.index('id="unit-figures"'):]
    block = block[:block.index("</div>")]
    found = re.findall(r'<a[^>]*href="([^"]+)"[^>]*data-figure="([^"]+)"[^>]*><span class="num">([^<]+)</span>', block)
    return {name: (int(number), unescape(href)) for href, name, number in found}


def listed(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    count: int = response.context["page"].paginator.count
    return count


def test_it_shows_the_head_what_waits_for_approval_and_the_liaison_new_duties_and_instructions(
        personas: Any, published_plan: Any) -> None:
    a1, a4 = assignment(published_plan, ITEM_1, "市科技局"), assignment(published_plan, ITEM_4, "市科技局")
    head, liaison = client_for(personas.lead_head), client_for(personas.lead_liaison)
    before = figures(liaison)
    own_open = Assignment.objects.filter(unit=a1.unit, active=True, status="open").count()
    assert before["new"][0] == own_open == 2 and before["approvals"][0] == 0 and before["instructions"][0] == 0

    draft(personas.lead_liaison, a1, period(published_plan, 2))
    draft(personas.other_liaison, assignment(published_plan, "二/(一)/2", "市经信委"), period(published_plan, 2))
    services.instruction_create(actor=personas.leader, task=a4.task, text="请加快知识产权保护。")
    services.instruction_create(actor=personas.leader, task=a1.task, text="只给财政局。",
                                unit_ids=[assignment(published_plan, ITEM_1, "市财政局").unit_id])

    now = figures(head)
    assert now["approvals"][0] == 1 == listed(head, now["approvals"][1])   # not 市经信委's draft
    assert now["new"][0] == 1 == listed(head, now["new"][1])               # item 4: no report yet
    assert now["instructions"][0] == 1 == listed(head, now["instructions"][1])  # item 4 only, not 财政局's
    page = head.get(reverse("dashboards:unit")).content.decode()
    assert 'id="approve-many-link"' in page and "只给财政局" not in page
    assert 'id="approve-many-link"' not in liaison.get(reverse("dashboards:unit")).content.decode()

    # answered in a report that reached the office: no longer waiting
    report = draft(personas.lead_liaison, a4, period(published_plan, 2),
                   answers={a4.task.instructions.get().pk: "已部署。"})
    services.report_submit(actor=personas.lead_head, report=report, version=report.version)
    assert figures(liaison)["instructions"][0] == 0
