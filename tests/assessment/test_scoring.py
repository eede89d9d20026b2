"""The computation from supervision data: components, totals, ranks and the trace, against hand-computed
values (see builders.scenario), groups ranked apart, the preview's weights and the query count."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.assessment.models import Rubric
from luoshi.assessment.scoring import Weights, results_compute
from luoshi.assessment.selectors import rubric_preview
from luoshi.reports.choices import ReminderKind, ReviewAction
from luoshi.reports.models import Reminder, Review

from .builders import AS_OF, Scenario, indicator_year, scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(published_plan: Any, personas: Any) -> Scenario:
    return scenario(published_plan, personas)


def _rubric(group: str = "departments") -> Rubric:
    rubric: Rubric = Rubric.objects.create(year=2019, unit_group=group)
    return rubric


def _by_name(results: Any) -> dict[str, Any]:
    return {r.unit.name: r for r in results}


def test_it_scores_departments_as_computed_by_hand(year: Scenario) -> None:
    results = _by_name(results_compute(_rubric(), as_of=AS_OF))
    assert set(results) == {"市科技局", "市财政局", "市经信委"}
    kjj = results["市科技局"]
    assert kjj.components == {"completion": Decimal("20.00"), "timeliness": Decimal("12.50"),
                              "quality": Decimal("10.25"), "reminders": Decimal("9.00"),
                              "extensions": Decimal("10.00"), "indicators": Decimal("0.00"),
                              "adjustments": Decimal("0.00")}
    assert (kjj.total, kjj.rank) == (Decimal("61.75"), 2)
    assert (results["市财政局"].total, results["市财政局"].rank) == (Decimal("98.00"), 1)
    assert results["市财政局"].components["extensions"] == Decimal("8.00")
    assert (results["市经信委"].total, results["市经信委"].rank) == (Decimal("18.00"), 3)


def test_it_traces_every_deduction_to_its_event(year: Scenario) -> None:
    rubric = _rubric()
    kjj = _by_name(results_compute(rubric, as_of=AS_OF))["市科技局"]
    texts = {e.key: (e.text, e.points) for e in kjj.events}
    late = next(text for text, _ in texts.values() if "2019年11月" in text and "逾期" in text)
    assert "2019-12-08" in late and "逾期3天" in late and "2019-12-05" in late
    assert texts[year.kjj_item4_nov_key][1] == Decimal("-6.25")
    assert "未报送" in texts[year.kjj_item4_nov_key][0]
    assert texts[f"completion:assignment:{year.kjj_item4.pk}"][1] == Decimal("-20")
    assert f"completion:assignment:{year.kjj_item1.pk}" not in texts  # closed on time: nothing to trace
    # the component is its weight plus its events, for every component
    for component, points in kjj.components.items():
        if component != "adjustments":
            weight = getattr(Weights.of(rubric), component)
            assert points == weight + sum(e.points for e in kjj.events if e.component == component)
    # the before-due notice is not a reminder (催办); the accept review is not a return
    assert sum(1 for e in kjj.events if e.component == "reminders") == 1
    assert sorted(e.key.split(":")[1] for e in kjj.events if e.component == "quality") == ["missing", "review"]


def test_it_ranks_districts_and_pilot_zones_apart_from_departments(year: Scenario) -> None:
    results = _by_name(results_compute(_rubric("districts"), as_of=AS_OF))
    assert set(results) == {"高新区管委会", "金普新区管委会", "长兴岛经济区管委会", "花园口经济区管委会"}
    assert (results["高新区管委会"].total, results["高新区管委会"].rank) == (Decimal("60.00"), 1)
    assert {(r.total, r.rank) for name, r in results.items() if name != "高新区管委会"} == {(Decimal("20.00"), 2)}


def test_it_never_lets_a_component_fall_below_zero(year: Scenario) -> None:
    rubric = _rubric()
    rubric.per_reminder = Decimal("30")
    jxw = _by_name(results_compute(rubric, as_of=AS_OF))["市经信委"]
    assert jxw.components["reminders"] == Decimal("0.00")
    assert jxw.total == Decimal("10.00")


def test_it_previews_other_weights_and_shows_rank_moves(year: Scenario) -> None:
    rubric = _rubric()
    weights = Weights(completion=Decimal(0), timeliness=Decimal(0), quality=Decimal(0), reminders=Decimal(10),
                      extensions=Decimal(10), per_return=Decimal(1), per_reminder=Decimal(1),
                      per_extension=Decimal(2))
    rows = {r.result.unit.name: r for r in rubric_preview(rubric, weights=weights, as_of=AS_OF)}
    # reminders and extensions only: 市科技局 19 first; 市财政局 and 市经信委 18 each share rank 2
    assert {name: (r.result.total, r.result.rank) for name, r in rows.items()} == {
        "市科技局": (Decimal("19.00"), 1), "市财政局": (Decimal("18.00"), 2), "市经信委": (Decimal("18.00"), 2)}
    assert (rows["市财政局"].move, rows["市科技局"].move, rows["市经信委"].move) == (-1, 1, 1)
    rubric.refresh_from_db()
    assert rubric.weight_completion == Decimal("40")  # a preview saves nothing


def test_it_deducts_indicator_shortfalls_in_proportion_and_traces_them(year: Scenario, personas: Any) -> None:
    """See builders.indicator_year: weight 12 over 4 targets of 市科技局: 12 − 0.24 − 3 − 1.5 = 7.26."""
    targets = indicator_year(year.plan, personas)
    rubric = _rubric()
    rubric.weight_indicators = Decimal("12")
    results = _by_name(results_compute(rubric, as_of=AS_OF))
    kjj = results["市科技局"]
    assert kjj.components["indicators"] == Decimal("7.26")
    assert kjj.total == Decimal("61.75") + Decimal("7.26")
    events = {e.key: e for e in kjj.events if e.component == "indicators"}
    assert {key: e.points for key, e in events.items()} == {
        f"indicators:indicator-target:{targets.turnover.pk}": Decimal("-0.24"),
        f"indicators:indicator-target:{targets.patents.pk}": Decimal("-3"),
        f"indicators:indicator-target:{targets.rd_growth.pk}": Decimal("-1.5")}
    turnover = events[f"indicators:indicator-target:{targets.turnover.pk}"].text
    assert "技术交易额" in turnover and "2019年目标不低于160亿元" in turnover and "实际147.2亿元" in turnover
    assert "完成目标的92%" in turnover and "截至12月" in turnover
    assert "无可比较的实际值" in events[f"indicators:indicator-target:{targets.patents.pk}"].text
    assert "增长5%" in events[f"indicators:indicator-target:{targets.rd_growth.pk}"].text
    # 市财政局 met its "≤ 10" target; 市经信委 has none: both keep the whole weight
    assert results["市财政局"].components["indicators"] == Decimal("12.00")
    assert results["市经信委"].components["indicators"] == Decimal("12.00")


def test_it_compares_a_partial_year_figure_with_the_expected_value_by_then(year: Scenario, personas: Any) -> None:
    """Through June, 技术交易额 (a flow) is expected at 160 × 6/12 = 80; 73.6 is 92% of that: −3 × 0.08."""
    from luoshi.indicators.models import Observation
    from luoshi.indicators.services import observation_record

    targets = indicator_year(year.plan, personas)
    Observation.objects.filter(indicator__code="tech-contract-turnover").delete()
    observation_record(actor=personas.supervisor, indicator=targets.indicators["tech-contract-turnover"],
                       region=targets.regions["全市"], year=2019, through_month=6, value=73.6, source="official")
    rubric = _rubric()
    rubric.weight_indicators = Decimal("12")
    kjj = _by_name(results_compute(rubric, as_of=AS_OF))["市科技局"]
    event = next(e for e in kjj.events if e.key == f"indicators:indicator-target:{targets.turnover.pk}")
    assert event.points == Decimal("-0.24")
    assert "截至6月" in event.text and "完成预期进度的92%" in event.text


def test_it_leaves_the_component_out_at_weight_zero(year: Scenario, personas: Any) -> None:
    """Rubrics made before the component existed have weight 0: same totals, no events, no indicator query."""
    indicator_year(year.plan, personas)
    rubric = _rubric()
    with CaptureQueriesContext(connection) as queries:
        results = _by_name(results_compute(rubric, as_of=AS_OF))
    assert not any("indicators_" in q["sql"] for q in queries.captured_queries)
    assert (results["市科技局"].total, results["市科技局"].rank) == (Decimal("61.75"), 2)
    assert not any(e.component == "indicators" for r in results.values() for e in r.events)


def test_it_keeps_the_query_count_flat_as_events_double(year: Scenario, personas: Any) -> None:
    rubric = _rubric()
    with CaptureQueriesContext(connection) as first:
        results_compute(rubric, as_of=AS_OF)
    for period in year.plan.periods.all():
        Reminder.objects.create(assignment=year.jxw_item2, period=period, kind=ReminderKind.MANUAL)
    for report in year.kjj_item1.reports.all():
        Review.objects.create(report=report, action=ReviewAction.RETURN, actor=personas.supervisor)
    with CaptureQueriesContext(connection) as second:
        results_compute(rubric, as_of=AS_OF)
    assert len(second) == len(first)


def test_it_keeps_the_query_count_flat_as_indicator_targets_double(year: Scenario, personas: Any) -> None:
    from luoshi.indicators.models import IndicatorTarget
    from luoshi.orgs.models import Unit

    targets = indicator_year(year.plan, personas)
    rubric = _rubric()
    rubric.weight_indicators = Decimal("12")
    with CaptureQueriesContext(connection) as first:
        results_compute(rubric, as_of=AS_OF)
    jxw = Unit.objects.get(name="市经信委")
    for code in ("innovation-platforms", "tech-transfer-results", "pct-applications", "invention-applications"):
        IndicatorTarget.objects.create(plan=year.plan, indicator=targets.indicators[code], year=2019,
                                       region=targets.regions["全市"], responsible_unit=jxw, comparator=">=",
                                       value=10, value_unit="件")
    with CaptureQueriesContext(connection) as second:
        results = {r.unit.name: r for r in results_compute(rubric, as_of=AS_OF)}
    assert results["市经信委"].components["indicators"] == Decimal("0.00")  # four targets, no figures
    assert len(second) == len(first)
