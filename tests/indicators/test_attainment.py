from __future__ import annotations

from typing import Any

import pytest

from luoshi.indicators.choices import Comparator, DataSource, Rag
from luoshi.indicators.models import IndicatorTarget
from luoshi.indicators.selectors import attainment_rows, attainment_rule_for, rule_text
from luoshi.indicators.services import attainment_rule_set, observation_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_plan: Any, personas: Any, catalogue: Any, regions: Any) -> dict[str, Any]:
    return {"plan": published_plan, "office": personas.supervisor, "catalogue": catalogue, "regions": regions}


def target(setup: dict[str, Any], code: str, comparator: str, value: float, unit: str) -> IndicatorTarget:
    return IndicatorTarget.objects.create(plan=setup["plan"], indicator=setup["catalogue"][code], year=2019,
                                          region=setup["regions"]["全市"], comparator=comparator, value=value,
                                          value_unit=unit)


def record(setup: dict[str, Any], code: str, value: float, *, month: int = 12, year: int = 2019,
           source: str = DataSource.OFFICIAL) -> None:
    observation_record(actor=setup["office"], indicator=setup["catalogue"][code], region=setup["regions"]["全市"],
                       year=year, through_month=month, value=value, source=source)


def one_row(setup: dict[str, Any], t: IndicatorTarget) -> Any:
    rows = attainment_rows([t], attainment_rule_for(setup["plan"]))
    assert len(rows) == 1
    return rows[0]


@pytest.mark.parametrize("actual, rag", [(60, Rag.RED), (64, Rag.AMBER), (70, Rag.AMBER), (80, Rag.GREEN)])
def test_it_prorates_an_annual_flow_target(setup: dict[str, Any], actual: float, rag: str) -> None:
    # 160 亿元 for the year; by the end of June, pro rata 6/12 of it = 80 is expected; red below 0.8 × 80 = 64.
    t = target(setup, "tech-contract-turnover", Comparator.GE, 160, "亿元")
    record(setup, "tech-contract-turnover", actual, month=6)
    row = one_row(setup, t)
    assert row.expected == pytest.approx(80)
    assert row.attainment_pct == pytest.approx(actual / 160 * 100)
    assert row.rag == rag


def test_it_uses_a_stated_seasonal_profile(setup: dict[str, Any]) -> None:
    profile = [0.05, 0.1, 0.2, 0.25, 0.3, 0.375, 0.45, 0.5, 0.6, 0.7, 0.8, 1.0]
    attainment_rule_set(actor=setup["office"], plan=setup["plan"], red_below=0.8, amber_below=1.0,
                        seasonal_profile=profile)
    t = target(setup, "tech-contract-turnover", Comparator.GE, 160, "亿元")
    record(setup, "tech-contract-turnover", 60, month=6)
    row = one_row(setup, t)
    assert row.expected == pytest.approx(60) and row.rag == Rag.GREEN


def test_it_does_not_prorate_a_ratio_indicator(setup: dict[str, Any]) -> None:
    t = target(setup, "rd-intensity", Comparator.GE, 2.4, "%")
    record(setup, "rd-intensity", 2.0, month=6)
    row = one_row(setup, t)
    assert row.expected == pytest.approx(2.4) and row.progress_ratio == pytest.approx(2.0 / 2.4)
    assert row.rag == Rag.AMBER


def test_it_computes_growth_against_the_same_period_last_year(setup: dict[str, Any]) -> None:
    t = target(setup, "high-tech-value-added", Comparator.GROWTH, 15, "%")
    record(setup, "high-tech-value-added", 100, year=2018)
    record(setup, "high-tech-value-added", 110)
    row = one_row(setup, t)
    assert row.actual_value == pytest.approx(10) and row.attainment_pct == pytest.approx(100 * 10 / 15)
    assert row.rag == Rag.RED


def test_it_gives_no_status_to_a_growth_target_without_last_year(setup: dict[str, Any]) -> None:
    t = target(setup, "high-tech-value-added", Comparator.GROWTH, 15, "%")
    record(setup, "high-tech-value-added", 110)
    row = one_row(setup, t)
    assert row.rag == Rag.NONE and row.actual is not None and row.actual_value is None


def test_it_inverts_the_ratio_for_an_upper_bound(setup: dict[str, Any]) -> None:
    t = target(setup, "rd-intensity", Comparator.LE, 2.0, "%")
    record(setup, "rd-intensity", 2.5)
    row = one_row(setup, t)
    assert row.progress_ratio == pytest.approx(0.8) and row.rag == Rag.AMBER


def test_it_uses_the_latest_revision_and_prefers_official_figures(setup: dict[str, Any]) -> None:
    t = target(setup, "tech-contract-turnover", Comparator.GE, 160, "亿元")
    record(setup, "tech-contract-turnover", 60, month=6)
    record(setup, "tech-contract-turnover", 85, month=6, source=DataSource.SELF_REPORT)
    assert one_row(setup, t).actual.value == 60
    record(setup, "tech-contract-turnover", 80, month=6)   # the statistics office corrects its figure
    row = one_row(setup, t)
    assert row.actual.value == 80 and row.actual.revision == 2 and row.rag == Rag.GREEN


@pytest.mark.parametrize("self_reported, flagged", [(66, True), (62.9, False), (57.1, False), (56, True)])
def test_it_flags_self_reports_beyond_the_tolerance(setup: dict[str, Any], self_reported: float,
                                                    flagged: bool) -> None:
    t = target(setup, "tech-contract-turnover", Comparator.GE, 160, "亿元")
    record(setup, "tech-contract-turnover", 60, month=6)
    record(setup, "tech-contract-turnover", self_reported, month=6, source=DataSource.SELF_REPORT)
    row = one_row(setup, t)
    assert (row.discrepancy == (self_reported, 60)) is flagged
    assert (row.discrepancy is None) is not flagged


def test_it_writes_the_rule_in_words(setup: dict[str, Any]) -> None:
    attainment_rule_set(actor=setup["office"], plan=setup["plan"], red_below=0.7, amber_below=0.9)
    text = rule_text(attainment_rule_for(setup["plan"]))
    assert "低于预期值的70%" in text and "不低于90%" in text
