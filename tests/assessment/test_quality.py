"""Issue 10, the report-quality component: points come only from reports actually filed (a report never filed
earns none, a unit that filed nothing gets 0), the rule in words where the formulas show, and rubrics
published under the earlier rule (returns only) keep their rule, their scores and their words."""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.test import Client, override_settings
from django.urls import reverse

from luoshi.assessment import services
from luoshi.assessment.choices import QualityRule, RubricStatus
from luoshi.assessment.models import Rubric, Score
from luoshi.assessment.scoring import Weights, component_formulas, results_compute

from .builders import AS_OF, Scenario, evidence, scenario

pytestmark = pytest.mark.django_db
TODAY = override_settings(LUOSHI_TODAY=AS_OF)
QUALITY_ONLY = Weights(completion=Decimal(0), timeliness=Decimal(0), quality=Decimal(15), reminders=Decimal(0),
                       extensions=Decimal(0), per_return=Decimal(1), per_reminder=Decimal(0),
                       per_extension=Decimal(0))


@pytest.fixture
def year(published_plan: Any, personas: Any) -> Scenario:
    return scenario(published_plan, personas)


def _by_name(results: Any) -> dict[str, Any]:
    return {r.unit.name: r for r in results}


def _score(rubric: Rubric, unit: str) -> Score:
    found: Score = Score.objects.get(rubric=rubric, unit__name=unit)
    return found


def test_it_gives_no_quality_points_for_reports_never_filed(year: Scenario) -> None:
    """15 points over the reports owed. 市经信委 owes 2 and filed none: 0 (it had 15, full marks). 市科技局
    filed 3 of 4 and had one returned: 15 − 3.75 − 1 = 10.25. 市财政局 filed both: 15."""
    results = _by_name(results_compute(Rubric.objects.create(year=2019, unit_group="departments"), as_of=AS_OF))
    assert {name: r.components["quality"] for name, r in results.items()} == {
        "市经信委": Decimal("0.00"), "市科技局": Decimal("10.25"), "市财政局": Decimal("15.00")}
    jxw = [e for e in results["市经信委"].events if e.component == "quality"]
    assert [e.points for e in jxw] == [Decimal("-7.5"), Decimal("-7.5")]
    assert all("未报送" in e.text and "质量分" in e.text for e in jxw)
    kjj = {e.key: e.points for e in results["市科技局"].events if e.component == "quality"}
    assert kjj[f"quality:missing:{year.kjj_item4.pk}:{year.november.pk}"] == Decimal("-3.75")
    assert sorted(kjj.values()) == [Decimal("-3.75"), Decimal("-1")]
    assert (results["市经信委"].total, results["市科技局"].total) == (Decimal("18.00"), Decimal("61.75"))


def test_it_ranks_a_unit_that_filed_nothing_last_for_quality(year: Scenario) -> None:
    """The reported case: on quality alone, the unit that never reported ranked first (with full marks)."""
    results = results_compute(Rubric.objects.create(year=2019, unit_group="departments"), weights=QUALITY_ONLY,
                              as_of=AS_OF)
    assert [(r.unit.name, r.rank) for r in results] == [("市财政局", 1), ("市科技局", 2), ("市经信委", 3)]


def test_it_gives_no_quality_points_when_no_report_was_owed(year: Scenario) -> None:
    """Before the first deadline (2019-11-05) nothing was owed, so nothing was filed: 0, with the reason."""
    results = results_compute(Rubric.objects.create(year=2019, unit_group="departments"),
                              as_of=AS_OF.replace(year=2019, month=11, day=1))
    for result in results:
        assert result.components["quality"] == Decimal("0.00")
        events = [e for e in result.events if e.component == "quality" and not e.key.startswith("quality:review")]
        assert [(e.key, e.points) for e in events] == [("quality:none", Decimal("-15"))]
        assert "没有应报报告" in events[0].text


def test_it_states_the_rule_in_words(year: Scenario) -> None:
    rule = str(component_formulas(Rubric(year=2019, unit_group="departments"))["quality"])
    assert "未报送的不得分" in rule and "每次退回扣分" in rule and "分值÷应报报告数" in rule
    old = str(component_formulas(Rubric(year=2019, unit_group="departments",
                                        quality_rule=QualityRule.RETURNS))["quality"])
    assert "未报送的报告不扣分" in old and "旧规则" in old


def test_it_keeps_the_earlier_rule_for_a_rubric_published_under_it(year: Scenario) -> None:
    """The earlier rule, kept on the rubrics published under it: returns only (the old numbers)."""
    rubric = Rubric.objects.create(year=2019, unit_group="departments", quality_rule=QualityRule.RETURNS)
    results = _by_name(results_compute(rubric, as_of=AS_OF))
    assert {name: r.components["quality"] for name, r in results.items()} == {
        "市经信委": Decimal("15.00"), "市科技局": Decimal("14.00"), "市财政局": Decimal("15.00")}
    assert (results["市科技局"].total, results["市经信委"].total) == (Decimal("65.50"), Decimal("33.00"))


def test_the_migration_marks_published_rubrics_with_the_earlier_rule(personas: Any) -> None:
    migration = importlib.import_module("luoshi.assessment.migrations.0003_rubric_quality_rule")
    made = {status: Rubric.objects.create(year=2019, unit_group="departments", version=n, status=status)
            for n, status in enumerate(RubricStatus.values, start=1)}
    migration.published_rubrics_keep_their_rule(apps, None)
    rules = {status: Rubric.objects.get(pk=r.pk).quality_rule for status, r in made.items()}
    assert rules == {"draft": "filed", "published": "returns", "superseded": "returns"}


def test_a_result_published_under_the_earlier_rule_does_not_move(client: Client, year: Scenario,
                                                                  personas: Any) -> None:
    """v1, published before the fix, keeps its scores, its words and its rule through an appeal; v2, a new
    version, is computed with the new rule."""
    office = personas.supervisor
    with TODAY:
        draft = services.rubric_create(actor=office, year=2019, unit_group="departments")
        Rubric.objects.filter(pk=draft.pk).update(quality_rule=QualityRule.RETURNS)
        v1 = services.rubric_publish(actor=office, rubric=Rubric.objects.get(pk=draft.pk))
        kjj = _score(v1, "市科技局")
        assert (kjj.total, _score(v1, "市经信委").components["quality"]) == (Decimal("65.50"), "15.00")
        appeal = services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=year.kjj_item4_nov_key,
                                      reason="系统故障", evidence=evidence())
        services.appeal_decide(actor=office, appeal=appeal, decision="reverse", comment="属实")
        kjj.refresh_from_db()
        assert (kjj.total, kjj.components["quality"]) == (Decimal("71.75"), "14.00")
        client.force_login(office)
        for url in (reverse("assessment:rubric_detail", args=[v1.pk]),
                    reverse("assessment:score_detail", args=[kjj.pk])):
            page = client.get(url).content.decode()
            assert "未报送的报告不扣分" in page and "未报送的不得分" not in page
        v2 = services.rubric_create(actor=office, year=2019, unit_group="departments")
        assert v2.quality_rule == QualityRule.FILED
        page = client.get(reverse("assessment:rubric_detail", args=[v2.pk])).content.decode()
        assert "未报送的不得分" in page and "未报送的报告不扣分" not in page
        services.rubric_publish(actor=office, rubric=v2)
    assert _score(v2, "市经信委").components["quality"] == "0.00"
    kjj.refresh_from_db()
    assert (kjj.total, kjj.components["quality"]) == (Decimal("71.75"), "14.00")
