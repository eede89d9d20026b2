"""In the browser: each role opens its dashboard, the numbers shown match the database, the leader switches
the period (htmx), nothing overflows the page. Screenshots: out/screenshots/dashboard-{leader,supervisor,unit}.png."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from luoshi.assessment.models import Appeal
from luoshi.plans.models import Assignment, Task
from luoshi.reports.models import Extension, Reminder, Report
from tests.browser import login, shot
from tests.dashboards.world import TODAY, build, grow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def today() -> Iterator[None]:
    with override_settings(LUOSHI_TODAY=TODAY):
        yield


def number(page: Any, selector: str) -> int:
    return int(page.locator(selector).first.inner_text().strip().replace(",", ""))


def fits(page: Any) -> bool:
    """No horizontal overflow: the page is no wider than the window."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_it_shows_each_role_its_dashboard_with_the_numbers_of_the_database(
        page: Any, live_server: Any, personas: Any, today: None) -> None:
    world = build(personas)
    grow(world, 24)
    base, password = live_server.url, personas.password
    plan = world.plan

    # The leader: tasks by status and RAG, overdue items, on-time ranking, targets, the index.
    login(page, live_server, personas.leader.username, password)
    page.goto(base + reverse("dashboards:leader"))
    items = Task.objects.filter(plan=plan, is_item=True, removed=False)
    assert number(page, "[data-figure=total] .num") == items.count() == 28
    overdue_items = items.filter(assignments__status="open", assignments__deadline__lt=TODAY).distinct().count()
    assert number(page, "[data-figure=overdue] .num") == overdue_items
    rag = sum(number(page, f"[data-figure={light}] .num") for light in ("red", "amber", "green"))
    assert rag == items.count()
    overdue = Assignment.objects.filter(task__plan=plan, status="open", deadline__lt=TODAY)
    assert number(page, "#overdue-total") == overdue.count()
    chased = Reminder.objects.filter(assignment=world.overdue).count()
    row = page.locator("#overdue-table tr", has_text="市科技局").filter(has_text="2019年6月30日").first
    assert row.locator("td").nth(4).inner_text().strip() == str(chased)
    assert page.locator("svg.chart-ranked[role=img]").count() == 1
    assert page.locator("svg.chart-ranked .row").first.get_attribute("data-rank") == "1"
    assert page.locator("#index-table tbody tr").first.locator("td").nth(1).inner_text() == "西岗区"
    assert page.locator("#h-targets").count() == 1 and page.locator("text=技术交易额").count() >= 1
    assert fits(page)
    shot(page, "dashboard-leader")

    # Switching the period reloads the body only: the ranking then counts the reports due up to March.
    page.select_option("#id_period", str(world.periods[3].pk))
    page.wait_for_function("() => new URLSearchParams(location.search).get('period') !== null")
    page.wait_for_selector("#ontime-table")
    jxw = page.locator("#ontime-table tr", has_text="市经信委").first
    held = Assignment.objects.filter(task__plan=plan, unit__name="市经信委", active=True).count()
    assert held > 1
    assert jxw.locator("td").nth(2).inner_text().strip() == str(held * 3)  # January to March owed

    # The office: the review queue, returns, extensions and appeals waiting.
    page.context.clear_cookies()
    login(page, live_server, personas.supervisor.username, password)
    page.goto(base + reverse("dashboards:supervisor"))
    assert number(page, "[data-figure=queue] .num") == Report.objects.filter(status="submitted").count()
    assert number(page, "[data-figure=returned] .num") == Report.objects.filter(status="returned").count()
    assert number(page, "[data-figure=extensions] .num") == Extension.objects.filter(status="pending").count()
    assert number(page, "[data-figure=appeals] .num") == Appeal.objects.filter(status="pending").count()
    assert fits(page)
    shot(page, "dashboard-supervisor")
    page.click("[data-figure=queue]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("plans:review_queue"))

    # A unit: its own tasks, targets and assessment, nothing of another unit.
    page.context.clear_cookies()
    login(page, live_server, personas.lead_liaison.username, password)
    page.goto(base + reverse("dashboards:unit"))
    own = Assignment.objects.filter(unit=personas.lead_liaison.unit, status="open", active=True)
    assert number(page, "[data-figure=open] .num") == own.count()
    returned = own.filter(reports__status="returned").distinct().count()
    assert number(page, "[data-figure=returned] .num") == returned
    assert number(page, "[data-count=reminders]") == Reminder.objects.filter(
        assignment__unit=personas.lead_liaison.unit).count()
    assert page.locator("text=市经信委").count() == 0
    assert fits(page)
    shot(page, "dashboard-unit")
    response = page.goto(base + reverse("dashboards:unit_detail", args=[world.amber.unit_id]))
    assert response is not None and response.status == 404
