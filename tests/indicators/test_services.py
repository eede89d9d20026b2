from __future__ import annotations

from typing import Any

import pytest

from luoshi.core.errors import DomainError
from luoshi.core.models import AuditEntry
from luoshi.indicators.catalogue import (
    BUILTIN_CATALOGUE,
    Candidate,
    catalogue_parse,
    match_phrase,
    phrase_key,
)
from luoshi.indicators.choices import Comparator, DataSource, RegionKind
from luoshi.indicators.models import Indicator, IndicatorAlias, IndicatorTarget, Observation
from luoshi.indicators.services import (
    attainment_rule_set,
    catalogue_import,
    observation_record,
    regions_sync,
    target_map,
    targets_match,
)
from luoshi.orgs.models import User
from luoshi.plans.models import Target

pytestmark = pytest.mark.django_db

SEED_PHRASES = {
    "全社会研究与试验发展(R&D)经费支出占地区生产总值(GDP)比重": "rd-intensity",
    "高新技术产品增加值": "high-tech-value-added",
    "技术交易额": "tech-contract-turnover",
    "每万人口发明专利拥有量": "invention-patents-per-10k",
    "科技进步贡献率": "tech-progress-contribution",
    "PCT国际专利申请量": "pct-applications",
    "发明专利申请量": "invention-applications",
    "技术合同成交额": "tech-contract-turnover",
    "全市高新技术企业数量": "high-tech-enterprises",
}


def test_it_reads_the_builtin_catalogue_with_the_item_114_indicators() -> None:
    entries = catalogue_parse(BUILTIN_CATALOGUE.read_text(encoding="utf-8"))
    names = {e.name_zh for e in entries}
    assert {"R&D经费支出占GDP比重", "技术交易额", "每万人口发明专利拥有量", "科技进步贡献率", "高新技术企业数量",
            "PCT国际专利申请量", "发明专利申请量", "公共科技经费支出", "科技成果转化数量"} <= names


@pytest.mark.parametrize("text, fragment", [
    ("not: [yaml", "YAML"),
    ("format: other\nindicators: []", "格式"),
    ("format: luoshi-indicators v1\nindicators: [{code: Bad Code, name_zh: x, unit: 件}]", "代码"),
    ("format: luoshi-indicators v1\nindicators: [{code: a, name_zh: x, unit: 件, direction: up}]", "direction"),
    ("format: luoshi-indicators v1\nindicators: [{code: a, name_zh: x, unit: 件, plausible_max: lots}]", "数值"),
    ("format: luoshi-indicators v1\nindicators: [{code: a, name_zh: x, unit: 件, plausible_min: 5,"
     " plausible_max: 1}]", "下限"),
    ("format: luoshi-indicators v1\nindicators: [{code: a, name_zh: x, unit: 件},"
     " {code: b, name_zh: y, unit: 件, aliases: [x]}]", "重复"),
])
def test_it_refuses_a_bad_catalogue_document(text: str, fragment: str) -> None:
    with pytest.raises(DomainError) as error:
        catalogue_parse(text)
    assert fragment in error.value.message


def test_it_imports_the_catalogue_idempotently_with_audit(personas: Any) -> None:
    entries = catalogue_parse(BUILTIN_CATALOGUE.read_text(encoding="utf-8"))
    first = catalogue_import(actor=personas.supervisor, entries=entries)
    assert first["created"] == len(entries) == Indicator.objects.count()
    second = catalogue_import(actor=personas.supervisor, entries=entries)
    assert second == {"created": 0, "updated": 0, "unchanged": len(entries)}
    assert AuditEntry.objects.filter(action="indicator.create").count() == len(entries)
    assert IndicatorAlias.objects.get(alias="技术合同成交额").indicator.code == "tech-contract-turnover"


def test_it_refuses_catalogue_changes_from_a_unit_account(personas: Any) -> None:
    entries = catalogue_parse(BUILTIN_CATALOGUE.read_text(encoding="utf-8"))
    with pytest.raises(DomainError):
        catalogue_import(actor=personas.lead_liaison, entries=entries)
    assert not Indicator.objects.exists()


@pytest.mark.parametrize("phrase, code", sorted(SEED_PHRASES.items()))
def test_it_matches_target_phrases_to_the_catalogue(catalogue: dict[str, Any], phrase: str, code: str) -> None:
    from luoshi.indicators.services import indicator_candidates

    match = match_phrase(phrase, indicator_candidates())
    assert match.indicator_id == catalogue[code].pk, match


@pytest.mark.parametrize("phrase", ["", "新增初创科技企业", "数量", "市级以上企业技术中心"])
def test_it_leaves_unknown_phrases_unmatched(catalogue: dict[str, Any], phrase: str) -> None:
    from luoshi.indicators.services import indicator_candidates

    assert match_phrase(phrase, indicator_candidates()).indicator_id is None


def test_it_does_not_guess_between_two_equally_good_indicators() -> None:
    candidates = [Candidate(1, "专利申请量甲类"), Candidate(2, "专利申请量乙类")]
    match = match_phrase("专利申请量", candidates)
    assert match.indicator_id is None and match.how == "ambiguous" and match.ambiguous_ids == (1, 2)


def test_it_normalises_width_case_and_punctuation() -> None:
    assert phrase_key("Ｒ＆Ｄ 经费（支出）") == phrase_key("r&d经费(支出)") == "r&d经费支出"


def test_it_makes_regions_for_the_city_districts_and_pilot_zones(personas: Any, units: dict[str, Any]) -> None:
    regions = {r.name: r for r in regions_sync(actor=personas.supervisor)}
    assert regions["全市"].kind == RegionKind.CITY and regions["全市"].unit is None
    assert regions["中山区"].unit == units["中山区政府"] and regions["中山区"].kind == RegionKind.DISTRICT
    assert regions["高新区"].unit == units["高新区管委会"] and regions["高新区"].kind == RegionKind.PILOT_ZONE
    assert "中山区政府" in regions["中山区"].aliases
    again = regions_sync(actor=personas.supervisor)
    assert len(again) == len(regions)


def test_it_creates_targets_from_the_parsed_targets_and_lists_the_rest(
        published_plan: Any, catalogue: dict[str, Any], regions: dict[str, Any], units: dict[str, Any]) -> None:
    supervisor = User.objects.get(username="office")
    result = targets_match(actor=supervisor, plan=published_plan)
    made = {t.indicator.code: t for t in result.created}
    assert set(made) == {"tech-contract-turnover"}
    turnover = made["tech-contract-turnover"]
    assert (turnover.comparator, turnover.value, turnover.value_unit, turnover.year) == (Comparator.GE, 160, "亿元",
                                                                                         2019)
    assert turnover.region == regions["全市"]
    unmatched = {t.text for t, _m in result.unmatched}
    assert any("初创科技企业" in text for text in unmatched)
    assert AuditEntry.objects.filter(action="indicator_target.create", plan_id=published_plan.pk).count() == 1
    again = targets_match(actor=supervisor, plan=published_plan)
    assert again.created == [] and again.already == 1


def test_it_remembers_a_confirmed_mapping_as_an_alias(published_plan: Any, catalogue: dict[str, Any],
                                                      regions: dict[str, Any], personas: Any) -> None:
    result = targets_match(actor=personas.supervisor, plan=published_plan)
    target = next(t for t, _m in result.unmatched if "初创科技企业" in t.text)
    created = target_map(actor=personas.supervisor, target=target, indicator=catalogue["high-tech-enterprises"])
    assert created.responsible_unit is not None and created.responsible_unit.name == "市科技局"
    assert IndicatorAlias.objects.get(alias=target.indicator).indicator == catalogue["high-tech-enterprises"]
    with pytest.raises(DomainError):
        target_map(actor=personas.supervisor, target=target, indicator=catalogue["high-tech-enterprises"])
    # The same phrase in the next plan matches by itself.
    from luoshi.indicators.services import indicator_candidates

    assert match_phrase(target.indicator, indicator_candidates()).indicator_id == catalogue["high-tech-enterprises"].pk


def test_it_refuses_mapping_by_a_unit_account(published_plan: Any, catalogue: dict[str, Any],
                                              regions: dict[str, Any], personas: Any) -> None:
    target = Target.objects.filter(task__plan=published_plan).first()
    assert target is not None
    with pytest.raises(DomainError):
        target_map(actor=personas.lead_liaison, target=target, indicator=catalogue["high-tech-enterprises"])
    assert not IndicatorTarget.objects.exists()


def test_it_keeps_every_revision_of_a_corrected_figure(personas: Any, catalogue: dict[str, Any],
                                                      regions: dict[str, Any]) -> None:
    slot = {"indicator": catalogue["tech-contract-turnover"], "region": regions["中山区"], "year": 2018,
            "source": DataSource.OFFICIAL}
    first = observation_record(actor=personas.supervisor, value=12.5, **slot)
    same = observation_record(actor=personas.supervisor, value=12.5, **slot)
    assert same.pk == first.pk
    second = observation_record(actor=personas.supervisor, value=13.0, note="统计局更正", **slot)
    history = list(Observation.objects.filter(indicator=slot["indicator"], region=slot["region"]).order_by("revision"))
    assert [(o.value, o.revision, o.is_latest) for o in history] == [(12.5, 1, False), (13.0, 2, True)]
    entry = AuditEntry.objects.get(action="observation.revise")
    assert entry.before == {"value": 12.5, "revision": 1} and entry.after["value"] == 13.0
    assert second.entered_by == personas.supervisor


@pytest.mark.parametrize("value", [-1.0, 5000.0, float("nan"), float("inf")])
def test_it_refuses_implausible_figures(personas: Any, catalogue: dict[str, Any], regions: dict[str, Any],
                                        value: float) -> None:
    with pytest.raises(DomainError):
        observation_record(actor=personas.supervisor, indicator=catalogue["tech-contract-turnover"],
                           region=regions["中山区"], year=2018, value=value, source=DataSource.OFFICIAL)
    assert not Observation.objects.exists()


def test_it_refuses_figures_from_a_unit_account(personas: Any, catalogue: dict[str, Any],
                                                regions: dict[str, Any]) -> None:
    with pytest.raises(DomainError):
        observation_record(actor=personas.lead_liaison, indicator=catalogue["tech-contract-turnover"],
                           region=regions["中山区"], year=2018, value=1.0, source=DataSource.OFFICIAL)


@pytest.mark.parametrize("profile", [[0.5] * 12, [0.1] * 11, [1.0, 0.5] + [1.0] * 10])
def test_it_refuses_a_bad_seasonal_profile(published_plan: Any, personas: Any, profile: list[float]) -> None:
    with pytest.raises(DomainError):
        attainment_rule_set(actor=personas.supervisor, plan=published_plan, red_below=0.8, amber_below=1.0,
                            seasonal_profile=profile)


def test_it_refuses_thresholds_out_of_order(published_plan: Any, personas: Any) -> None:
    with pytest.raises(DomainError):
        attainment_rule_set(actor=personas.supervisor, plan=published_plan, red_below=0.9, amber_below=0.8)


def test_it_leaves_a_target_whose_unit_does_not_fit_the_indicator_for_the_office(
        published_plan: Any, catalogue: dict[str, Any], regions: dict[str, Any], personas: Any) -> None:
    task = Target.objects.filter(task__plan=published_plan).first().task  # type: ignore[union-attr]
    odd = Target.objects.create(task=task, text="高新技术企业数量提高40%", indicator="高新技术企业数量", value=40,
                                unit="%", op=">=", year=2019, position=9)
    result = targets_match(actor=personas.supervisor, plan=published_plan)
    reasons = {t.pk: m.how for t, m in result.unmatched}
    assert reasons[odd.pk] == "unit_mismatch"
    assert not IndicatorTarget.objects.filter(source_target=odd).exists()
