"""In the browser: the office builds and previews a rubric, publishes it; a unit opens its score sheet and
appeals a deduction; the office reverses it and the unit's total and rank change. Screenshots go to
out/screenshots/assessment-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from luoshi.assessment.models import Appeal, Rubric, Score
from tests.browser import login, shot

from .builders import AS_OF, PDF, scenario

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def today() -> Iterator[None]:
    with override_settings(LUOSHI_TODAY=AS_OF):
        yield


def _kjj() -> Score:
    found: Score = Score.objects.select_related("rubric").get(unit__name="市科技局")
    return found


def test_it_runs_the_assessment_in_the_browser(page: Any, live_server: Any, personas: Any,
                                               published_plan: Any, today: None) -> None:
    scenario(published_plan, personas)
    base, password = live_server.url, personas.password

    # 1. The office creates the 2019 rubric for city departments and enters a bonus and a deduction.
    login(page, live_server, personas.supervisor.username, password)
    page.goto(base + reverse("assessment:index"))
    page.fill("input[name=year]", "2019")
    page.select_option("select[name=unit_group]", "departments")
    page.click("form[action$='/rubrics/new/'] button")
    page.wait_for_load_state("networkidle")
    rubric = Rubric.objects.get()
    for unit, kind, points, reason in (("市经信委", "bonus", "42", "获国家级表彰"),
                                       ("市科技局", "deduction", "5", "未参加调度会")):
        page.select_option("form[action$='/adjustments/'] select[name=unit]", label=unit)
        page.select_option("form[action$='/adjustments/'] select[name=kind]", kind)
        page.fill("form[action$='/adjustments/'] input[name=points]", points)
        page.fill("form[action$='/adjustments/'] input[name=reason]", reason)
        page.click("form[action$='/adjustments/'] button")
        page.wait_for_load_state("networkidle")
    assert rubric.adjustments.count() == 2

    # 2. Preview: with no weight on completion and timeliness, 市经信委 moves up (htmx recomputes).
    page.fill("input[name=weight_completion]", "0")
    page.fill("input[name=weight_timeliness]", "0")
    page.wait_for_selector("#preview h2:has-text('调整后的分值')")
    assert "↑" in page.inner_text("#preview")
    shot(page, "assessment-preview")
    page.goto(base + reverse("assessment:rubric_detail", args=[rubric.pk]))  # the saved weights again
    page.click("form[action$='/publish/'] button")
    page.wait_for_load_state("networkidle")
    rubric.refresh_from_db()
    assert rubric.status == "published"
    assert (_kjj().total, _kjj().rank) == (Decimal("56.75"), 3)
    shot(page, "assessment-results")
    page.context.clear_cookies()

    # 3. The unit opens its score sheet and appeals the deduction.
    login(page, live_server, personas.lead_liaison.username, password)
    page.goto(base + reverse("assessment:index"))
    page.click(f"a[href='{reverse('assessment:score_detail', args=[_kjj().pk])}']")
    page.wait_for_load_state("networkidle")
    assert "56.75" in page.inner_text("main")
    row = page.locator("tr", has_text="未参加调度会")
    row.locator("summary").click()
    row.get_by_label("申诉理由").fill("已按规定请假并报备，附请假条")
    row.get_by_label("佐证材料").set_input_files(files=[{"name": "请假条.pdf", "mimeType": "application/pdf",
                                                       "buffer": PDF}])
    row.get_by_role("button", name="提交申诉").click()
    page.wait_for_load_state("networkidle")
    assert Appeal.objects.get().status == "pending"
    shot(page, "assessment-unit-appeal")
    page.context.clear_cookies()

    # 4. The office reverses it: 市科技局 goes from 56.75 (3rd) to 61.75 (2nd).
    login(page, live_server, personas.supervisor.username, password)
    page.goto(base + reverse("assessment:score_detail", args=[_kjj().pk]))
    row = page.locator("tr", has_text="未参加调度会")
    row.get_by_label("处理结果").select_option("reverse")
    row.get_by_label("处理意见").fill("请假属实，撤销扣分")
    row.get_by_role("button", name="提交处理结果").click()
    page.wait_for_load_state("networkidle")
    assert (_kjj().total, _kjj().rank) == (Decimal("61.75"), 2)
    assert "61.75" in page.inner_text("main")
    shot(page, "assessment-after-reversal")
