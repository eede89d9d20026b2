"""Each region's score opened into its indicators: weight × normalised score, shown on the edition, the
region-in-edition page and the region page; rank always with its interval; the method in words."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.indicators.choices import DataSource
from luoshi.indicators.index import (
    index_edition_compute,
    index_edition_publish,
    index_method_save,
    region_breakdown,
)
from luoshi.indicators.models import IndexEdition, Region
from luoshi.indicators.services import observation_record

pytestmark = pytest.mark.django_db

# Expert weights 0.7 / 0.3 on two pillars of one indicator each, so overall weights differ from 1/2.
WEIGHTED = """
id: weighted
version: "1"
title: 加权示例
indicators:
  - {name: turnover, source: tech-contract-turnover, label: 技术交易额, unit: 亿元}
  - {name: hte, source: high-tech-enterprises, label: 高新技术企业数量, unit: 家}
index:
  name: index
  weights: {outputs: 0.7, inputs: 0.3}
  children:
    - {name: inputs, label: 创新主体, children: [hte]}
    - {name: outputs, label: 创新产出, children: [turnover]}
"""
GEOMETRIC = """
id: geo
version: "1"
title: 几何示例
indicators:
  - {name: turnover, source: tech-contract-turnover}
  - {name: hte, source: high-tech-enterprises}
index: {name: index, aggregation: geometric, children: [turnover, hte]}
"""


@pytest.fixture
def figures(personas: Any, catalogue: Any, regions: Any) -> None:
    # turnover 10/20/30 → minmax 0, .5, 1; enterprises 300/100/200 → 1, 0, .5.
    for region, turnover, hte in (("中山区", 10, 300), ("西岗区", 20, 100), ("高新区", 30, 200)):
        for code, value in (("tech-contract-turnover", turnover), ("high-tech-enterprises", hte)):
            observation_record(actor=personas.supervisor, indicator=catalogue[code], region=regions[region],
                               year=2018, value=float(value), source=DataSource.OFFICIAL)


def published(personas: Any, text: str) -> IndexEdition:
    method = index_method_save(actor=personas.supervisor, text=text)
    return index_edition_publish(actor=personas.supervisor, edition=index_edition_compute(
        actor=personas.supervisor, method=method, year=2018, draws=100))


def test_it_splits_each_score_into_weight_times_normalised_score(personas: Any, figures: None) -> None:
    edition = published(personas, WEIGHTED)
    # 高新区: turnover 1 × 0.7 = 0.7, enterprises 0.5 × 0.3 = 0.15, index 0.85.
    high = region_breakdown(edition, "高新区")
    assert high is not None and high.additive
    lines = {line.name: line for line in high.lines}
    assert lines["turnover"].weight == pytest.approx(0.7) and lines["hte"].weight == pytest.approx(0.3)
    assert lines["turnover"].contribution == pytest.approx(0.7)
    assert lines["hte"].contribution == pytest.approx(0.15)
    assert high.row.index == pytest.approx(0.85)
    assert lines["turnover"].share == pytest.approx(0.7 / 0.85)
    assert (lines["turnover"].value, lines["hte"].value) == (30.0, 200.0)
    assert [(name, score) for name, _heading, score in high.pillar_scores] == [
        ("inputs", pytest.approx(0.5)), ("outputs", pytest.approx(1.0))]
    # Every region's contributions add up to its index.
    for region in ("中山区", "西岗区", "高新区"):
        breakdown = region_breakdown(edition, region)
        assert breakdown is not None
        assert sum(line.contribution or 0 for line in breakdown.lines) == pytest.approx(breakdown.row.index)
    assert region_breakdown(edition, "长海县") is None


def test_it_shows_no_contributions_for_a_geometric_index(client: Client, personas: Any, figures: None) -> None:
    edition = published(personas, GEOMETRIC)
    breakdown = region_breakdown(edition, "高新区")
    assert breakdown is not None and not breakdown.additive
    assert all(line.contribution is None and line.score is not None for line in breakdown.lines)
    client.force_login(personas.leader)
    page = client.get(reverse("indicators:edition_detail", args=[edition.pk])).content.decode()
    assert "几何平均" in page and "合计（=指数）" not in page


def test_the_edition_page_shows_rank_intervals_pillars_contributions_and_the_method(
        client: Client, personas: Any, figures: None) -> None:
    edition = published(personas, WEIGHTED)
    client.force_login(personas.lead_liaison)
    response = client.get(reverse("indicators:edition_detail", args=[edition.pk]))
    html = response.content.decode()
    rows = {row.region: row for row, *_rest in response.context["lines"]}
    high = rows["高新区"]
    assert high.rank == 1 and "<strong>1</strong> <span class=\"interval\"" in html
    assert f"（{high.rank_5}–{high.rank_95}）" in html
    assert "创新主体" in html and "创新产出" in html                  # pillar headings from the labels
    assert 'id="contributions"' in html and "0.850" in html and "0.700" in html
    assert "总权重" in html and "归一化得分" in html                   # how contributions are computed
    assert "方法说明" in html and "加权示例" in html and "算术平均" in html     # describe("zh")
    region = Region.objects.get(name="高新区")
    assert reverse("indicators:edition_region", args=[edition.pk, region.pk]) in html


def test_the_region_in_edition_page_hides_raw_figures_from_other_units(client: Client, personas: Any,
                                                                      figures: None) -> None:
    edition = published(personas, WEIGHTED)
    url = reverse("indicators:edition_region", args=[edition.pk, Region.objects.get(name="高新区").pk])
    client.force_login(personas.supervisor)
    office = client.get(url)
    assert office.status_code == 200 and office.context["show_values"] is True
    assert "本年数值" in office.content.decode() and "82%" in office.content.decode()  # 0.7 / 0.85
    client.force_login(personas.lead_liaison)   # 市科技局 governs no region
    unit = client.get(url)
    assert unit.status_code == 200 and unit.context["show_values"] is False
    assert "本年数值" not in unit.content.decode() and "0.700" in unit.content.decode()
    assert client.get(reverse("indicators:edition_region", args=[edition.pk, 10**9])).status_code == 404
    city = Region.objects.get(name="全市")   # not ranked in the edition
    assert client.get(reverse("indicators:edition_region", args=[edition.pk, city.pk])).status_code == 404


def test_a_draft_breakdown_is_the_office_s(client: Client, personas: Any, figures: None) -> None:
    method = index_method_save(actor=personas.supervisor, text=WEIGHTED)
    draft = index_edition_compute(actor=personas.supervisor, method=method, year=2018, draws=20)
    url = reverse("indicators:edition_region", args=[draft.pk, Region.objects.get(name="高新区").pk])
    client.force_login(personas.leader)
    assert client.get(url).status_code == 404
    client.force_login(personas.supervisor)
    assert client.get(url).status_code == 200


def test_the_region_page_shows_the_region_s_index_with_its_interval(client: Client, personas: Any,
                                                                   figures: None) -> None:
    edition = published(personas, WEIGHTED)
    region = Region.objects.get(name="中山区")
    client.force_login(personas.leader)
    response = client.get(reverse("indicators:region_detail", args=[region.pk]))
    html = response.content.decode()
    breakdown = response.context["breakdown"]
    assert breakdown is not None and breakdown.row.region == "中山区"
    assert response.context["editions"][0][0].pk == edition.pk
    # 中山区: turnover 0 × 0.7 + enterprises 1 × 0.3 = 0.3, below 西岗区's 0.5 × 0.7 = 0.35: third of three.
    assert breakdown.row.index == pytest.approx(0.3) and breakdown.row.rank == 3
    assert f"（{breakdown.row.rank_5}–{breakdown.row.rank_95}）" in html and 'id="index"' in html


def test_the_interval_comes_from_varying_the_method_s_choices_and_the_page_says_which(
        client: Client, personas: Any, figures: None) -> None:
    edition = published(personas, WEIGHTED)
    choices = edition.uncertainty["choices"]
    assert [option["method"] for option in choices["normalisation"]] == ["minmax", "rank"]
    assert choices["aggregation"] == ["arithmetic", "geometric"]
    assert [option["method"] for option in choices["missing"]] == ["none", "peer_mean"]
    assert choices["weights"] == {"method": "uniform", "spread": 0.25}
    assert set(edition.uncertainty["sensitivity"]) == {"normalisation", "aggregation", "missing", "weights"}
    client.force_login(personas.leader)
    listed = client.get(reverse("indicators:edition_detail", args=[edition.pk])).context["uncertainty_lines"]
    assert listed[0].startswith("归一化：最小-最大、名次") and "解释排名方差的" in listed[0]
    assert listed[1].startswith("加总方式：算术平均、几何平均")
    assert listed[3].startswith("权重：每个权重在±25%内随机扰动（10组）")   # ⌈√100⌉ weight sets
