"""The home page: each persona lands on its own summary, counts only what it may see, and its links work."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luoshi.orgs.models import User
from luoshi.plans.models import Assignment, Plan
from luoshi.plans.services import plan_import, plan_publish
from luoshi.reports.models import Report, ReportingPeriod, Review
from tests.conftest import SMALL_PLAN

pytestmark = pytest.mark.django_db

# The small plan's periods are 2019's; the page is looked at on 10 August 2019 with the plan published on
# 2 July: the July period (due 5 August) is owed and past due, August's is the current one.
TODAY = dt.date(2019, 8, 10)
PUBLISHED = dt.datetime(2019, 7, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def on_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def plan(published_plan: Plan, on_today: None) -> Plan:
    Plan.objects.filter(pk=published_plan.pk).update(published_at=PUBLISHED)
    published_plan.refresh_from_db()
    return published_plan


def assignment(plan: Plan, key: str, unit: str) -> Assignment:
    return Assignment.objects.get(task__plan=plan, task__key=key, unit__name=unit)


def file_report(plan: Plan, key: str, unit: str, month: int, status: str, author: User, comment: str = "") -> Report:
    period = ReportingPeriod.objects.get(plan=plan, start=dt.date(2019, month, 1))
    report = Report.objects.create(assignment=assignment(plan, key, unit), period=period, status=status,
                                   narrative="进展", created_by=author,
                                   submitted_at=None if status == "draft" else timezone.now())
    if comment:
        Review.objects.create(report=report, action="return", comment=comment, actor=author)
    return report


def figures(html: str) -> dict[str, str]:
    return {name: value.strip() for name, value in re.findall(r'id="count-([a-z-]+)">([^<]+)<', html)}


def nav_links(html: str) -> list[str]:
    nav = re.search(r"<nav[^>]*>(.*?)</nav>", html, re.S)
    assert nav is not None
    return re.findall(r'href="([^"]+)"', nav.group(1))


def page_for(user: User) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_sends_anonymous_visitors_to_the_login_page(db: Any) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_unit_sees_its_due_returned_and_overdue_counts_only(plan: Plan, personas: Any) -> None:
    kjj, czj = personas.lead_liaison, personas.support_liaison
    # 市科技局 holds items 1 and 4. Item 1: July accepted -> not overdue, August not yet -> due.
    file_report(plan, "二/(一)/1", "市科技局", 7, "accepted", kjj)
    # Item 4: July returned with a comment -> overdue (July was not delivered) and returned.
    file_report(plan, "二/(二)/4", "市科技局", 7, "returned", personas.supervisor, comment="请补充量化数据")
    # Another unit's returned report must not show or count.
    file_report(plan, "二/(一)/1", "市财政局", 7, "returned", personas.supervisor, comment="财政局的退回意见")
    html = page_for(kjj)
    assert figures(html) == {"due": "2", "returned": "1", "overdue": "1", "past-deadline": "0", "open": "2 / 0"}
    assert "请补充量化数据" in html
    assert "财政局的退回意见" not in html
    czj_html = page_for(czj)
    assert figures(czj_html)["returned"] == "1"
    assert "财政局的退回意见" in czj_html and "请补充量化数据" not in czj_html


def test_a_unit_with_no_task_sees_zeros_not_other_units_work(plan: Plan, personas: Any) -> None:
    file_report(plan, "二/(一)/1", "市科技局", 7, "returned", personas.supervisor, comment="科技局的退回意见")
    html = page_for(personas.outsider)
    assert figures(html) == {"due": "0", "returned": "0", "overdue": "0", "past-deadline": "0", "open": "0 / 0"}
    assert "科技局的退回意见" not in html
    assert "没有被退回的报告" in html


def test_the_office_sees_the_review_queue_count_and_its_tools(plan: Plan, personas: Any) -> None:
    file_report(plan, "二/(一)/1", "市科技局", 7, "submitted", personas.lead_liaison)
    file_report(plan, "二/(一)/2", "市经信委", 7, "submitted", personas.other_liaison)
    file_report(plan, "二/(二)/4", "市科技局", 7, "draft", personas.lead_liaison)
    html = page_for(personas.supervisor)
    counts = figures(html)
    # 8 assignments in all; only the two submitted in July are delivered for the owed July period.
    assert (counts["submitted"], counts["returned"], counts["overdue"], counts["plans"]) == ("2", "0", "6", "1 / 0")
    for name in ("/plans/ledger/", "/plans/review-queue/", "/plans/import/"):
        assert f'href="{name}"' in html


def test_the_leader_sees_counts_by_status_per_plan(plan: Plan, personas: Any) -> None:
    file_report(plan, "二/(一)/1", "市科技局", 7, "accepted", personas.lead_liaison)
    file_report(plan, "二/(一)/1", "市财政局", 6, "submitted", personas.support_liaison)
    file_report(plan, "二/(二)/4", "市科技局", 7, "returned", personas.supervisor, comment="x")
    draft = plan_import(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename="draft.txt")
    html = page_for(personas.leader)
    row = re.search(rf'<tr id="plan-{plan.pk}">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row.group(1), re.S)]
    # items, open, closed, past deadline, overdue, submitted, returned, accepted
    assert cells[1:] == ["4", "8", "0", "0", "7", "1", "1", "1"]
    assert f'id="plan-{draft.pk}"' not in html  # drafts are not the leader's business


def test_every_nav_link_of_every_persona_opens(plan: Plan, personas: Any) -> None:
    people = [personas.supervisor, personas.leader, personas.lead_liaison, personas.lead_head, personas.outsider]
    for user in people:
        client = Client()
        client.force_login(user)
        links = nav_links(client.get("/").content.decode())
        assert len(links) >= 4, user.username
        for link in links:
            assert client.get(link).status_code == 200, (user.username, link)


def test_unit_accounts_get_no_office_links(plan: Plan, personas: Any) -> None:
    for user in (personas.lead_liaison, personas.lead_head):
        links = nav_links(page_for(user))
        assert "/plans/review-queue/" not in links and "/plans/import/" not in links
        assert not any(link.startswith("/admin/") for link in links)


def test_only_the_administrators_get_the_admin_link_and_no_office_pages(plan: Plan, personas: Any) -> None:
    for admin in (personas.admin, personas.security_admin, personas.audit_admin):
        links = nav_links(page_for(admin))
        assert "/admin/" in links
        assert "/plans/review-queue/" not in links and "/dashboards/office/" not in links
    assert "/admin/" not in nav_links(page_for(personas.supervisor))


def test_each_administrator_starts_from_their_own_part_of_the_admin(plan: Plan, personas: Any) -> None:
    def cards(user: Any) -> set[str]:
        return set(re.findall(r'<a class="card" href="([^"]+)"', page_for(user)))

    assert cards(personas.admin) == {"/admin/orgs/user/", "/admin/orgs/unit/", "/units/import/"}
    assert cards(personas.security_admin) == {"/admin/orgs/user/", "/admin/axes/accessattempt/", "/account/policy/"}
    assert cards(personas.audit_admin) == {"/admin/core/auditentry/"}


def test_the_leader_page_runs_a_fixed_number_of_queries(plan: Plan, personas: Any) -> None:
    client = Client()
    client.force_login(personas.leader)
    with CaptureQueriesContext(connection) as one_plan:
        client.get("/")
    for name in ("b.txt", "c.txt"):
        other = plan_import(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename=name)
        plan_publish(actor=personas.supervisor, plan=other)
    with CaptureQueriesContext(connection) as three_plans:
        response = client.get("/")
    assert response.content.decode().count('<tr id="plan-') == 3
    assert len(three_plans) == len(one_plan)
