"""In the browser: the public pages of the demo (Dalian's plan marked public) without signing in, checked
with axe-core (no serious or critical violation) on a phone and a desktop, and photographed.
Screenshots: out/screenshots/public-phone.png, public-desktop.png and public-*.png."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from luoshi.indicators.choices import DataSource
from luoshi.plans.models import Plan
from luoshi.public.selectors import PAGE_SIZE, public_tasks
from luoshi.reports.choices import ReportStatus
from luoshi.reports.models import Report
from tests.browser import SCREENSHOTS, shot
from tests.indicators.test_index_views import METHOD

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _figures() -> None:
    """Official figures for three districts and the city, and a published index edition over them."""
    from luoshi.indicators.catalogue import BUILTIN_CATALOGUE, catalogue_parse
    from luoshi.indicators.index import index_edition_compute, index_edition_publish, index_method_save
    from luoshi.indicators.models import Indicator
    from luoshi.indicators.services import catalogue_import, observation_record, regions_sync
    from luoshi.orgs.models import User

    office = User.objects.get(username="duchashi")
    catalogue_import(actor=office, entries=catalogue_parse(BUILTIN_CATALOGUE.read_text(encoding="utf-8")))
    indicators = {i.code: i for i in Indicator.objects.all()}
    regions = {r.name: r for r in regions_sync(actor=office)}
    city = next(r for r in regions.values() if r.kind == "city")
    for year, turnover in ((2015, 88.0), (2016, 102.5), (2017, 121.0), (2018, 160.0)):
        observation_record(actor=office, indicator=indicators["tech-contract-turnover"], region=city, year=year,
                           value=turnover, source=DataSource.OFFICIAL, note="示例数据")
    for region, turnover, enterprises in (("中山区", 10, 300), ("西岗区", 20, 100), ("高新区", 30, 200),
                                          ("甘井子区", 25, 260)):
        for code, value in (("tech-contract-turnover", turnover), ("high-tech-enterprises", enterprises)):
            observation_record(actor=office, indicator=indicators[code], region=regions[region], year=2018,
                               value=float(value), source=DataSource.OFFICIAL, note="示例数据")
    method = index_method_save(actor=office, text=METHOD)
    index_edition_publish(actor=office, edition=index_edition_compute(actor=office, method=method, year=2018,
                                                                      draws=200, note="示例数据"))


def _serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_it_serves_accessible_public_pages_on_a_phone_and_a_desktop(page: Any, live_server: Any) -> None:
    with override_settings(LUOSHI_TODAY=dt.date(2018, 8, 3)):
        call_command("demo", quiet_logins=True, stdout=None)
        _figures()
        plan = Plan.objects.get(is_public=True)
        accepted = (Report.objects.filter(assignment__task__plan=plan, status=ReportStatus.ACCEPTED)
                    .select_related("assignment__task").order_by("-period__start").first())
        assert accepted is not None
        task = accepted.assignment.task
        ordered = list(public_tasks().filter(plan=plan).order_by("position").values_list("pk", flat=True))
        task_page = ordered.index(task.pk) // PAGE_SIZE + 1
        base = live_server.url
        pages = {"home": reverse("public:home"), "plan": reverse("public:plan_detail", args=[plan.pk]),
                 "indicators": reverse("public:indicators"), "index": reverse("public:index_home")}

        for viewport, suffix in ((PHONE, "phone"), (DESKTOP, "desktop")):
            page.set_viewport_size(viewport)
            for name, url in pages.items():
                for lang in ("", "?lang=en"):
                    response = page.goto(base + url + lang)
                    assert response is not None and response.status == 200, url
                    assert page.context.cookies() == [], "a public page set a cookie"
                    problems = _serious(page)
                    assert problems == [], f"{name}{lang} on {suffix}: {problems}"
                    # Nothing wider than the screen: no sideways scrolling, on a phone too.
                    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
            page.goto(base + pages["home"])
            assert plan.title in page.inner_text("main")
            shot(page, f"public-{suffix}")
            page.goto(base + pages["plan"])
            page.screenshot(path=str(SCREENSHOTS / f"public-plan-{suffix}.png"))  # the first screen only
            # A task with an accepted example report: its latest accepted text shows, labelled 【示例】.
            page.goto(f"{base}{pages['plan']}{'' if task_page == 1 else f'?page={task_page}'}#task-{task.pk}")
            card = page.locator(f"#task-{task.pk}")
            assert accepted.narrative in card.inner_text() and "【示例】" in card.inner_text()
            card.screenshot(path=str(SCREENSHOTS / f"public-task-{suffix}.png"))
            if suffix == "desktop":
                page.goto(base + pages["index"])
                shot(page, "public-index-desktop")
                page.goto(base + pages["indicators"] + "?lang=en")
                shot(page, "public-indicators-desktop-en")

        # The English switch is a plain link: the English page, then back to Chinese.
        page.goto(base + pages["plan"])
        page.click("text=English")
        assert page.evaluate("document.documentElement.lang") == "en"
        page.click("text=中文")
        assert page.evaluate("document.documentElement.lang") == "zh-Hans"
