"""The desks and batch work in a real browser: the unit head approves and submits a month's reports in one
go from the unit desk; the office sees them waiting on its desk, accepts them together from the review
queue, then filters the overdue list to one unit and chases it (一键催办) once.

Screenshots: out/screenshots/desk-unit-head.png, desk-approvals.png, desk-office.png, desk-review.png,
desk-overdue.png.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from luoshi.plans.models import Assignment, Plan
from luoshi.reports.models import Notification, Reminder, Report
from tests.e2e.conftest import login, shot
from tests.reports.workflow_helpers import draft, period

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date(2019, 4, 10)


@pytest.fixture
def today() -> Iterator[None]:
    with override_settings(LUOSHI_TODAY=TODAY):
        yield


def number(page: Any, selector: str) -> int:
    return int(page.locator(selector).first.inner_text().strip())


def test_it_runs_the_desks_and_batch_actions_in_the_browser(page: Any, live_server: Any, personas: Any,
                                                            published_plan: Plan, today: None) -> None:
    Plan.objects.filter(pk=published_plan.pk).update(published_at=dt.datetime(2019, 1, 2, 9, tzinfo=dt.UTC))
    own = list(Assignment.objects.filter(unit__name="市科技局", task__plan=published_plan).order_by("pk"))
    march = period(published_plan, 3)
    reports = [draft(personas.lead_liaison, a, march, narrative=f"三月进展{n}。") for n, a in enumerate(own)]
    base, password = live_server.url, personas.password

    # The head: the desk counts the reports waiting for approval; the batch page submits them together.
    login(page, live_server, personas.lead_head.username, password)
    page.goto(base + reverse("dashboards:unit"))
    assert number(page, "[data-figure=approvals] .num") == len(reports) == 2
    shot(page, "desk-unit-head")
    page.click("#approve-many-link")
    page.wait_for_load_state("networkidle")
    assert page.locator("#approvals-table input[name=report]").count() == 2
    page.check("#select-all")
    shot(page, "desk-approvals")
    page.click("#submit-selected")
    page.wait_for_load_state("networkidle")
    assert "已审核并报送2份报告。" in page.inner_text("body")
    assert [Report.objects.get(pk=r.pk).status for r in reports] == ["submitted", "submitted"]
    assert page.locator("#approvals-table input[name=report]").count() == 0

    # The office: the desk shows them waiting (and the notice), the queue accepts both at once.
    page.context.clear_cookies()
    login(page, live_server, personas.supervisor.username, password)
    page.goto(base + reverse("dashboards:supervisor"))
    assert number(page, "[data-figure=queue] .num") == 2
    assert Notification.objects.filter(user=personas.supervisor, text="市科技局报送了2份进展报告，待审核").exists()
    shot(page, "desk-office")
    page.click("[data-figure=queue]")
    page.wait_for_load_state("networkidle")
    page.check("#select-all")
    shot(page, "desk-review")
    page.click("#accept-selected")
    page.wait_for_load_state("networkidle")
    assert "已通过2份报告。" in page.inner_text("body")
    assert [Report.objects.get(pk=r.pk).status for r in reports] == ["accepted", "accepted"]

    # The overdue list, filtered to 市经信委 and January: one report; chased once, then nothing left to chase.
    page.goto(base + reverse("dashboards:supervisor"))
    page.click("#overdue-reports-link")
    page.wait_for_load_state("networkidle")
    jxw = Assignment.objects.get(unit__name="市经信委", task__plan=published_plan)
    page.select_option("#desk-filters select[name=unit]", str(jxw.unit_id))
    page.select_option("#desk-filters select[name=period]", str(period(published_plan, 1).pk))
    page.click("#desk-filters button")
    page.wait_for_load_state("networkidle")
    assert page.locator("#overdue-reports-table tbody tr").count() == 1
    assert "市经信委" in page.inner_text("#overdue-reports-table")
    shot(page, "desk-overdue")
    page.click("#chase-all")
    page.wait_for_load_state("networkidle")
    assert "已向1个单位发出催办，涉及1份逾期报告。" in page.inner_text("body")
    assert list(Reminder.objects.values_list("assignment_id", "kind")) == [(jxw.pk, "overdue")]
    assert page.locator("#chase-all").is_disabled()   # the filter's report was chased: never twice
    assert "已催办" in page.inner_text("#overdue-reports-table")
    assert Notification.objects.filter(user=personas.other_liaison, text__contains="逾期催办").count() == 1
