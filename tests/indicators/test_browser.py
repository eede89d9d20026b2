"""In the browser: the office computes the index as a background job, the edition page follows the job
until it is done, then shows ranks with their intervals, pillars and contributions; a region opens into
its indicators. Screenshots: out/screenshots/index-*.png."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from luoshi.indicators.choices import EditionState, EditionStatus
from luoshi.indicators.demo import indicators_demo_load
from luoshi.indicators.index import index_edition_request, index_edition_run
from luoshi.indicators.models import IndexEdition, IndexMethod
from tests.browser import login, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_office_computes_the_index_in_the_background_and_reads_it(page: Any, live_server: Any,
                                                                      personas: Any) -> None:
    indicators_demo_load(actor=personas.supervisor)   # illustrative figures, method, 2017 and 2018 editions
    method = IndexMethod.objects.get()
    login(page, live_server, personas.supervisor.username, personas.password)

    # A queued edition: the page says so and polls; when the job has run, it refreshes by itself.
    queued = index_edition_request(actor=personas.supervisor, method=method, year=2018, draws=500,
                                   note="复核", enqueue=False)
    page.goto(live_server.url + reverse("indicators:edition_detail", args=[queued.pk]))
    assert "排队中" in page.inner_text("h1") and "等待后台计算" in page.inner_text("#edition-state")
    shot(page, "index-edition-queued")
    index_edition_run(edition_id=queued.pk)
    page.wait_for_selector("#scores", timeout=10_000)
    assert "排队中" not in page.inner_text("h1")

    # Computing from the form: the job runs once the request commits (the immediate backend in tests).
    page.goto(live_server.url + reverse("indicators:index_home"))
    compute = page.locator("#compute")
    compute.get_by_label("指数方法").select_option(value=str(method.pk))
    compute.get_by_label("年度").fill("2018")
    compute.get_by_label("蒙特卡洛模拟次数").fill("1000")
    compute.get_by_label("说明").fill("统计局更正后重算")
    compute.get_by_role("button", name="计算").click()
    page.wait_for_selector("#scores")
    edition = IndexEdition.objects.filter(year=2018).latest("pk")
    assert (edition.state, edition.status, edition.number) == (EditionState.DONE, EditionStatus.DRAFT, 3)
    main = page.inner_text("main")
    assert "示例数据，非官方统计" in main and "方法说明" in main and "创新投入" in main
    first = page.locator("#scores tbody tr").first.inner_text()
    assert re.search(r"^1\s*（\d+–\d+）", first), first          # rank 1 with its 5–95% interval
    assert page.locator("#contributions tbody tr").count() == 14
    page.get_by_role("button", name=re.compile("^发布")).click()
    page.wait_for_load_state("networkidle")
    assert IndexEdition.objects.get(pk=edition.pk).status == EditionStatus.PUBLISHED
    page.set_viewport_size({"width": 1440, "height": 900})
    shot(page, "index-edition")

    # A region's score opened into its indicators.
    page.locator("#scores").get_by_role("link", name="高新区").click()
    page.wait_for_load_state("networkidle")
    assert "高新区" in page.inner_text("h1")
    assert page.locator("table.breakdown tbody tr").count() == 8
    assert "合计（=指数）" in page.inner_text("table.breakdown")
    shot(page, "index-edition-region")

    # The region's own page: its index with the interval, then its figures (every one marked illustrative).
    page.get_by_role("link", name="查看本地区全部数据及历史版次").click()
    page.wait_for_load_state("networkidle")
    assert "示例数据，非官方统计" in page.inner_text("main")
    assert re.search(r"1\s*（\d+–\d+）", page.inner_text("#index"))
    assert page.locator("#figures tbody tr").count() == 24      # 8 indicators × 3 years
    shot(page, "index-region")
