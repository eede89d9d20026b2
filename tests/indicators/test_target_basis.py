"""Issue 10: a target's basis (increment, level, rate) decides which indicator it can measure and how.

'新增高新技术企业300家' was matched to the stock 高新技术企业数量 as "等于 300", and a unit's monthly
figure (42 new firms) became the year's total. An increment target on a stock is an increase of the stock;
increments reported each period are added up; a rate target measures a rate indicator only.
"""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.core.errors import DomainError
from luoshi.indicators.catalogue import BUILTIN_CATALOGUE, catalogue_parse
from luoshi.indicators.choices import Comparator, DataSource, IndicatorKind, Measure, Rag
from luoshi.indicators.models import IndicatorTarget, Observation
from luoshi.indicators.selectors import attainment_rows, attainment_rule_for
from luoshi.indicators.services import observation_record, target_map, targets_match
from luoshi.plans.models import Target, Task
from luoshi.plans.services import plan_import, plan_publish
from luoshi.reports import services as reports
from tests.conftest import SMALL_PLAN
from tests.reports.workflow_helpers import ITEM_1, assignment, period, submitted

pytestmark = pytest.mark.django_db

NEW_FIRMS_PLAN = SMALL_PLAN.replace("到2019年，技术交易额达到160亿元。",
                                    "到2019年，新增高新技术企业300家，技术交易额达到160亿元。")


def row_of(target: IndicatorTarget) -> Any:
    [row] = attainment_rows([target], attainment_rule_for(target.plan), unconfirmed=True)  # units' own reports
    return row


def accept(personas: Any, plan: Any, month: int, actuals: dict[int, float]) -> Any:
    a1 = assignment(plan, ITEM_1, "市科技局")
    report = submitted(personas, a1, period(plan, month), actuals=actuals)
    return reports.report_accept(actor=personas.supervisor, report=report, version=report.version)


# --- the catalogue says what kind of quantity each indicator is ------------------------------------------


def test_the_catalogue_says_which_indicators_are_stocks_flows_and_rates(catalogue: dict[str, Any]) -> None:
    assert catalogue["high-tech-enterprises"].kind == IndicatorKind.LEVEL
    assert catalogue["tech-contract-turnover"].kind == IndicatorKind.FLOW
    assert catalogue["tech-contract-turnover"].accumulates
    assert catalogue["rd-intensity"].kind == IndicatorKind.RATE
    assert catalogue["tech-progress-contribution"].kind == IndicatorKind.RATE
    assert not catalogue["high-tech-enterprises"].accumulates
    entries = {e.code: e for e in catalogue_parse(BUILTIN_CATALOGUE.read_text(encoding="utf-8"))}
    assert {e.kind for e in entries.values()} == set(IndicatorKind.values)


@pytest.mark.parametrize("text, fragment", [
    ("format: luoshi-indicators v1\nindicators:\n - {code: a, name_zh: x, unit: 家, kind: stock}", "无效"),
    ("format: luoshi-indicators v1\nindicators:\n - {code: a, name_zh: x, unit: 家, kind: level, accumulates: true}",
     "accumulates"),
])
def test_it_refuses_a_bad_or_contradictory_kind(text: str, fragment: str) -> None:
    with pytest.raises(DomainError) as error:
        catalogue_parse(text)
    assert fragment in error.value.message


def test_a_catalogue_without_kinds_reads_them_from_accumulates_and_the_unit() -> None:
    entries = catalogue_parse("format: luoshi-indicators v1\nindicators:\n"
                              " - {code: a, name_zh: 甲, unit: 亿元, accumulates: true}\n"
                              " - {code: b, name_zh: 乙, unit: '%'}\n - {code: c, name_zh: 丙, unit: 家}\n")
    assert [e.kind for e in entries] == [IndicatorKind.FLOW, IndicatorKind.RATE, IndicatorKind.LEVEL]


# --- matching -------------------------------------------------------------------------------------------


def test_an_increment_target_is_never_matched_to_a_stock_as_equal(personas: Any, catalogue: Any,
                                                                  regions: Any) -> None:
    plan = plan_import(actor=personas.supervisor, data=NEW_FIRMS_PLAN.encode(), filename="p.txt")
    result = targets_match(actor=personas.supervisor, plan=plan)
    made = {t.source_target.text: t for t in result.created if t.source_target}
    new_firms = made["新增高新技术企业300家"]
    assert new_firms.indicator == catalogue["high-tech-enterprises"]
    assert (new_firms.comparator, new_firms.value, new_firms.basis) == (Comparator.INCREASE, 300, "increment")
    assert made["技术交易额达到160亿元"].comparator == Comparator.GE


def test_an_increment_target_on_a_flow_is_the_year_s_total(published_plan: Any, personas: Any, catalogue: Any,
                                                           regions: Any) -> None:
    task = Task.objects.get(plan=published_plan, key=ITEM_1)
    target = Target.objects.create(task=task, text="新增PCT国际专利申请50件", indicator="新增PCT国际专利申请",
                                   value=50, unit="件", op="=", basis="increment", year=2019, position=1)
    mapped = target_map(actor=personas.supervisor, target=target, indicator=catalogue["pct-applications"])
    assert (mapped.comparator, mapped.basis) == (Comparator.GE, "increment")


def test_a_rate_target_measures_a_rate_indicator_only(published_plan: Any, personas: Any, catalogue: Any,
                                                      regions: Any) -> None:
    task = Task.objects.get(plan=published_plan, key=ITEM_1)
    share = Target.objects.create(task=task, text="高新技术企业数量占比达到40%", indicator="高新技术企业数量",
                                  value=40, unit="%", op=">=", basis="rate", year=2019, position=1)
    flow_share = Target.objects.create(task=task, text="技术交易额占比达到30%", indicator="技术交易额",
                                       value=30, unit="%", op=">=", basis="rate", year=2019, position=2)
    intensity = Target.objects.create(task=task, text="研发经费投入强度达到2.5%", indicator="研发经费投入强度",
                                      value=2.5, unit="%", op=">=", basis="rate", year=2019, position=3)
    result = targets_match(actor=personas.supervisor, plan=published_plan)
    reasons = {t.pk: m.how for t, m in result.unmatched}
    assert reasons[share.pk] == "basis_mismatch" and reasons[flow_share.pk] == "basis_mismatch"
    assert IndicatorTarget.objects.get(source_target=intensity).indicator == catalogue["rd-intensity"]
    with pytest.raises(DomainError):
        target_map(actor=personas.supervisor, target=share, indicator=catalogue["high-tech-enterprises"])
    with pytest.raises(DomainError):
        target_map(actor=personas.supervisor, target=flow_share, indicator=catalogue["tech-contract-turnover"])
    contribution = Target.objects.create(task=task, text="科技进步对经济增长的贡献率达到60%", value=60, unit="%",
                                         indicator="科技进步对经济增长的贡献率", op=">=", basis="rate", year=2019,
                                         position=4)
    assert target_map(actor=personas.supervisor, target=contribution,
                      indicator=catalogue["tech-progress-contribution"]).comparator == Comparator.GE


def test_a_growth_rate_still_measures_the_growth_of_any_indicator(published_plan: Any, personas: Any,
                                                                  catalogue: Any, regions: Any) -> None:
    task = Task.objects.get(plan=published_plan, key=ITEM_1)
    growth = Target.objects.create(task=task, text="高新技术产品增加值增长15%", indicator="高新技术产品增加值",
                                   value=15, unit="%", op="growth", basis="rate", year=2019, position=1)
    mapped = target_map(actor=personas.supervisor, target=growth, indicator=catalogue["high-tech-value-added"])
    assert mapped.comparator == Comparator.GROWTH


# --- attainment -----------------------------------------------------------------------------------------


def test_an_increase_is_the_rise_of_the_stock_since_the_end_of_last_year(personas: Any, catalogue: Any,
                                                                         regions: Any) -> None:
    plan = plan_publish(actor=personas.supervisor,
                        plan=plan_import(actor=personas.supervisor, data=NEW_FIRMS_PLAN.encode(), filename="p.txt"))
    targets_match(actor=personas.supervisor, plan=plan)
    target = IndicatorTarget.objects.get(plan=plan, indicator=catalogue["high-tech-enterprises"])
    for year, month, value in ((2018, 12, 1200), (2019, 6, 1350)):
        observation_record(actor=personas.supervisor, indicator=catalogue["high-tech-enterprises"],
                           region=regions["全市"], year=year, through_month=month, value=value,
                           source=DataSource.OFFICIAL)
    row = row_of(target)
    assert row.actual_value == pytest.approx(150)          # 1350 − 1200, not 1350 "equal to" 300
    assert row.expected == pytest.approx(150)               # half of the year's 300 by the end of June
    assert row.attainment_pct == pytest.approx(50) and row.rag == Rag.GREEN


def test_monthly_increments_are_added_up_not_taken_as_the_year_s_total(personas: Any, published_plan: Any,
                                                                        catalogue: Any, regions: Any) -> None:
    # Item 1: 新增初创科技企业3000家 (an increment), mapped by the office to the stock 高新技术企业数量.
    target = Target.objects.get(task__plan=published_plan, task__key=ITEM_1)
    mapped = target_map(actor=personas.supervisor, target=target, indicator=catalogue["high-tech-enterprises"])
    assert mapped.comparator == Comparator.INCREASE
    accept(personas, published_plan, 2, {target.pk: 42})
    accept(personas, published_plan, 3, {target.pk: 30})
    # The stock itself never receives a unit's monthly figure...
    assert not Observation.objects.filter(indicator=catalogue["high-tech-enterprises"], measure=Measure.VALUE).exists()
    # ...its rise so far this year does: 42 by February, 42 + 30 by March.
    rises = Observation.objects.filter(source=DataSource.SELF_REPORT, measure=Measure.INCREASE, is_latest=True)
    assert sorted((o.through_month, o.value) for o in rises) == [(2, 42), (3, 72)]
    row = row_of(mapped)
    assert row.actual_value == pytest.approx(72)
    assert row.attainment_pct == pytest.approx(72 / 3000 * 100)
    assert row.expected == pytest.approx(3000 * 3 / 12)


def test_a_corrected_earlier_month_updates_the_later_sums(personas: Any, published_plan: Any, catalogue: Any,
                                                          regions: Any) -> None:
    from luoshi.indicators.services import self_reports_record
    from luoshi.reports.models import TargetActual

    target = Target.objects.get(task__plan=published_plan, task__key=ITEM_1)
    target_map(actor=personas.supervisor, target=target, indicator=catalogue["high-tech-enterprises"])
    february = accept(personas, published_plan, 2, {target.pk: 42})
    accept(personas, published_plan, 3, {target.pk: 30})
    TargetActual.objects.filter(report=february).update(value=40)
    self_reports_record(actor=personas.supervisor, reports=[february])
    rises = Observation.objects.filter(measure=Measure.INCREASE, is_latest=True)
    assert sorted((o.through_month, o.value) for o in rises) == [(2, 40), (3, 70)]


def test_increments_of_a_flow_are_added_up_into_its_year_to_date_figure(personas: Any, published_plan: Any,
                                                                         catalogue: Any, regions: Any) -> None:
    task = Task.objects.get(plan=published_plan, key=ITEM_1)
    pct = Target.objects.create(task=task, text="新增PCT国际专利申请50件", indicator="新增PCT国际专利申请",
                                value=50, unit="件", op="=", basis="increment", year=2019, position=1)
    mapped = target_map(actor=personas.supervisor, target=pct, indicator=catalogue["pct-applications"])
    accept(personas, published_plan, 2, {pct.pk: 20})
    accept(personas, published_plan, 3, {pct.pk: 15})
    figures = Observation.objects.filter(indicator=catalogue["pct-applications"], is_latest=True)
    assert sorted((o.through_month, o.measure, o.value) for o in figures) == [(2, Measure.VALUE, 20),
                                                                              (3, Measure.VALUE, 35)]
    assert row_of(mapped).actual_value == pytest.approx(35)
