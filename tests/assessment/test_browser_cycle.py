"""Issue 4's browser test, end to end: the office uploads the 2018 statistics sheet, computes and publishes the
2018 innovation index and opens a region's scores; it publishes the 2018 assessment of city departments, in which
the indicator targets count; 市科技局 reads its score sheet and appeals one indicator deduction with an evidence
file; the office reverses it and 市科技局's total and rank change, in the database and on the page.
Screenshots: out/screenshots/assessment-cycle-*.png.

The supervision year (tasks, reports, reminders) is built directly in the database, as tests/assessment/builders.py
does for 2019; the reporting workflow itself is tested in tests/reports and tests/e2e.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from luoshi.assessment.models import Appeal, Rubric, Score
from luoshi.indicators.choices import EditionStatus
from luoshi.indicators.models import IndexEdition, IndicatorTarget, Observation
from luoshi.plans.models import Plan
from luoshi.reports.choices import ReminderKind
from luoshi.reports.models import Reminder
from tests.browser import login, shot

from .builders import PDF, _assignment, _close, _report

pytestmark = pytest.mark.django_db(transaction=True)

PLAN_2018 = """大政办发〔2018〕99号
大连市人民政府办公厅关于印发大连市2018年科技创新工作要点的通知
各区市县人民政府，各先导区管委会，市政府各有关部门：
现将《大连市2018年科技创新工作要点》印发给你们，请认真贯彻落实。
大连市人民政府办公厅
2018年3月1日
大连市2018年科技创新工作要点
一、主要目标
全市科技创新能力明显增强。
二、重点任务
（一）培育创新主体
1.推动技术转移转化，2018年技术交易额达到160亿元。（牵头单位：市科技局；配合单位：市财政局）
2.培育高新技术企业，2018年高新技术企业数量达到1500家。（牵头单位：市科技局）
3.支持企业建设研发机构，新认定市级以上企业技术中心15家。（责任单位：市经信委）
（二）优化创新环境
4.落实科技创新政策，2018年底前出台配套措施。（责任单位：各先导区管委会）
"""
# The statistics office's sheet for 2018 (wide: regions × indicators). Illustrative figures, not official ones.
SHEET_2018 = """地区,技术交易额（亿元）,高新技术企业数量（家）
全市,147.2,900
中山区,12,150
西岗区,20,90
沙河口区,15,120
甘井子区,25,160
高新区,60,400
金普新区,30,200
""".encode()
METHOD = """
id: cycle-example
version: "1"
title: 区域创新指数（示例方法）
indicators:
  - {name: turnover, source: tech-contract-turnover, label: 技术交易额}
  - {name: hte, source: high-tech-enterprises, label: 高新技术企业数量}
index:
  name: index
  children:
    - {name: inputs, children: [hte]}
    - {name: outputs, children: [turnover]}
"""
TODAY = dt.date(2019, 1, 15)


@pytest.fixture
def today() -> Iterator[None]:
    with override_settings(LUOSHI_TODAY=TODAY):
        yield


def year_2018(personas: Any) -> Plan:
    """The 2018 plan published on 2018-10-01 (the October and November reports are owed), its indicator targets
    matched, the index method saved, and the supervision facts. As of 2019-01-15, weight 10 on indicators:

    市经信委 (item 3): closed 2018-12-10, both reports on time: 40 + 25 + 15 + 10 + 10 + 10 = 110, rank 1.
    市财政局 (item 1, supporting): closed 2018-12-01; November's report late after two reminders (−12.5, −2; filed,
      so it keeps its quality points): 40 + 12.5 + 15 + 8 + 10 + 10 = 95.5, rank 2.
    市科技局 (items 1 and 2): both closed in time; item 2's October and November reports late (−12.5);
      one reminder (−1); indicators (two targets, 5 points each, figures from the uploaded sheet): 技术交易额
      147.2 of 160 = 92% → −0.4, 高新技术企业数量 900 of 1500 = 60% → −2: 40 + 12.5 + 15 + 9 + 10 + 7.6 = 94.1,
      rank 3. Reversing the −2 gives 96.1, rank 2 (市财政局 third).
    """
    from luoshi.indicators.catalogue import BUILTIN_CATALOGUE, catalogue_parse
    from luoshi.indicators.index import index_method_save
    from luoshi.indicators.services import catalogue_import, regions_sync, targets_match
    from luoshi.plans.services import plan_import, plan_publish

    office = personas.supervisor
    catalogue_import(actor=office, entries=catalogue_parse(BUILTIN_CATALOGUE.read_text(encoding="utf-8")))
    regions_sync(actor=office)
    plan = plan_publish(actor=office, plan=plan_import(actor=office, data=PLAN_2018.encode(), filename="2018.txt"))
    Plan.objects.filter(pk=plan.pk).update(published_at=dt.datetime(2018, 10, 1, 9, tzinfo=dt.UTC))
    plan.refresh_from_db()
    matched = targets_match(actor=office, plan=plan)
    assert len(matched.created) == 2, matched
    index_method_save(actor=office, text=METHOD)

    october, november = plan.periods.get(start__month=10), plan.periods.get(start__month=11)
    kjj1, kjj2 = _assignment(plan, "二/(一)/1", "市科技局"), _assignment(plan, "二/(一)/2", "市科技局")
    czj1, jxw3 = _assignment(plan, "二/(一)/1", "市财政局"), _assignment(plan, "二/(一)/3", "市经信委")
    for a, day in ((kjj1, "2018-12-20"), (kjj2, "2018-12-28"), (czj1, "2018-12-01"), (jxw3, "2018-12-10")):
        _close(a, day)
    kjj, czj, jxw = personas.lead_liaison, personas.support_liaison, personas.other_liaison
    _report(kjj1, october, kjj, submitted="2018-11-02")
    _report(kjj1, november, kjj, submitted="2018-12-03")
    _report(kjj2, october, kjj, submitted="2018-11-09", late=True)
    Reminder.objects.create(assignment=kjj2, period=november, kind=ReminderKind.OVERDUE)
    _report(kjj2, november, kjj, submitted="2018-12-10", late=True)
    _report(czj1, october, czj, submitted="2018-11-01")
    Reminder.objects.create(assignment=czj1, period=november, kind=ReminderKind.OVERDUE)
    Reminder.objects.create(assignment=czj1, period=november, kind=ReminderKind.MANUAL, sent_by=office)
    Reminder.objects.update(created_at=dt.datetime(2018, 12, 6, 9, tzinfo=dt.UTC))
    _report(czj1, november, czj, submitted="2018-12-12", late=True)
    _report(jxw3, october, jxw, submitted="2018-11-04")
    _report(jxw3, november, jxw, submitted="2018-12-04")
    return plan


def _score(unit: str) -> Score:
    found: Score = Score.objects.select_related("rubric").get(rubric__year=2018, unit__name=unit)
    return found


def _settle(page: Any) -> None:
    page.wait_for_load_state("networkidle")


def test_it_runs_indicators_index_and_assessment_with_an_appeal(page: Any, live_server: Any, personas: Any,
                                                                 today: None, tmp_path: Any) -> None:
    year_2018(personas)
    base, password = live_server.url, personas.password
    sheet = tmp_path / "2018年统计数据.csv"
    sheet.write_bytes(SHEET_2018)

    # 1. The office uploads the statistics office's 2018 sheet.
    login(page, live_server, personas.supervisor.username, password)
    page.goto(base + reverse("indicators:upload"))
    page.get_by_label("统计表").set_input_files(str(sheet))
    page.get_by_label("年度").fill("2018")
    page.get_by_label("截至月份").fill("12")
    page.get_by_label("数据来源").select_option(label="统计部门")
    page.get_by_role("button", name="上传").click()
    _settle(page)
    assert "已保存14条数据" in page.inner_text("main")
    assert Observation.objects.filter(year=2018, region__name="全市", indicator__code="high-tech-enterprises",
                                      value=900).exists()
    shot(page, "assessment-cycle-1-upload")

    # 2. It computes the 2018 index, publishes it and opens a region's scores.
    page.goto(base + reverse("indicators:index_home"))
    compute = page.locator("#compute")
    compute.get_by_label("指数方法").select_option(label="区域创新指数（示例方法） v1")
    compute.get_by_label("年度").fill("2018")
    compute.get_by_label("蒙特卡洛模拟次数").fill("200")
    compute.get_by_role("button", name="计算").click()
    _settle(page)
    page.get_by_role("button", name=re.compile("^发布")).click()
    _settle(page)
    edition = IndexEdition.objects.get(year=2018)
    assert edition.status == EditionStatus.PUBLISHED
    assert "高新区" in page.inner_text("#scores")
    shot(page, "assessment-cycle-2-index")
    page.locator("#scores").get_by_role("link", name="高新区").click()
    _settle(page)
    assert "高新区" in page.inner_text("h1") and "高新技术企业数量" in page.inner_text("main")
    shot(page, "assessment-cycle-3-region")

    # 3. It makes the 2018 rubric for city departments, puts 10 points on indicator targets and publishes.
    page.goto(base + reverse("assessment:index"))
    page.get_by_label("年度").fill("2018")
    page.get_by_label("考核对象").select_option(label="市直部门")
    page.get_by_role("button", name="新建").click()
    _settle(page)
    page.get_by_label("指标目标完成分值").fill("10")
    page.get_by_role("button", name="保存方案").click()
    _settle(page)
    assert Rubric.objects.get(year=2018).weight_indicators == Decimal("10")
    page.get_by_role("button", name="发布考核结果").click()
    _settle(page)
    assert [(s.unit.name, s.total, s.rank) for s in Score.objects.filter(rubric__year=2018).order_by("rank")] == [
        ("市经信委", Decimal("110.00"), 1), ("市财政局", Decimal("95.50"), 2), ("市科技局", Decimal("94.10"), 3)]
    results = page.inner_text("table.results")
    assert "94.10" in results and "7.60" in results
    shot(page, "assessment-cycle-4-results")
    page.context.clear_cookies()

    # 4. 市科技局's liaison opens its sheet and appeals the 高新技术企业数量 deduction with an evidence file.
    login(page, live_server, personas.lead_liaison.username, password)
    page.goto(base + reverse("assessment:index"))
    page.get_by_role("link", name="2018").click()
    _settle(page)
    assert page.inner_text("#score-total") == "94.10" and page.inner_text("#score-rank") == "3"
    row = page.locator("tr", has_text="高新技术企业数量 2018年目标")
    assert "完成目标的60%" in row.inner_text() and "-2.00" in row.inner_text()
    row.get_by_text("对此项扣分申诉").click()
    row.get_by_label("申诉理由").fill("统计局12月快报将年内新认定的600家企业漏计，更正后为1500家，附认定名单。")
    row.get_by_label("佐证材料").set_input_files(files=[
        {"name": "2018年高新技术企业认定名单.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    shot(page, "assessment-cycle-5-appeal-form")
    row.get_by_role("button", name="提交申诉").click()
    _settle(page)
    appeal = Appeal.objects.get()
    assert (appeal.status, appeal.points, appeal.evidence.count()) == ("pending", Decimal("-2"), 1)
    assert "申诉已提交" in page.inner_text("main")
    shot(page, "assessment-cycle-6-appealed")
    page.context.clear_cookies()

    # 5. The office opens the appeal from the results, reads the evidence and reverses the deduction.
    login(page, live_server, personas.supervisor.username, password)
    page.goto(base + reverse("assessment:rubric_detail", args=[_score("市科技局").rubric_id]))
    page.locator("table", has_text="申诉理由").get_by_role("link", name="市科技局").click()
    _settle(page)
    row = page.locator("tr", has_text="高新技术企业数量 2018年目标")
    with page.expect_download() as download:
        row.get_by_role("link", name="2018年高新技术企业认定名单.pdf").click()
    assert download.value.suggested_filename == "2018年高新技术企业认定名单.pdf"
    row.get_by_label("处理结果").select_option(label="撤销扣分")
    row.get_by_label("处理意见").fill("经核实统计局已更正，撤销该项扣分。")
    row.get_by_role("button", name="提交处理结果").click()
    _settle(page)
    kjj = _score("市科技局")
    assert (kjj.total, kjj.rank, kjj.components["indicators"]) == (Decimal("96.10"), 2, "9.60")
    assert _score("市财政局").rank == 3
    assert page.inner_text("#score-total") == "96.10" and page.inner_text("#score-rank") == "2"
    shot(page, "assessment-cycle-7-reversed")
    page.context.clear_cookies()

    # 6. The unit's head sees the new total and rank, and the reversed deduction struck through.
    login(page, live_server, personas.lead_head.username, password)
    page.goto(base + reverse("assessment:score_detail", args=[kjj.pk]))
    assert page.inner_text("#score-total") == "96.10" and page.inner_text("#score-rank") == "2"
    row = page.locator("tr", has_text="高新技术企业数量 2018年目标")
    assert "已撤销" in row.inner_text() and row.locator("s").count() == 1
    shot(page, "assessment-cycle-8-unit-after")
    assert IndicatorTarget.objects.filter(plan__year=2018, responsible_unit__name="市科技局").count() == 2
