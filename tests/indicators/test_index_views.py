from __future__ import annotations

import statistics
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.indicators.choices import DataSource, EditionStatus
from luoshi.indicators.index import index_edition_compute, index_edition_publish, index_method_save
from luoshi.indicators.models import IndexEdition, IndexMethod
from luoshi.indicators.services import observation_record

pytestmark = pytest.mark.django_db

OFFICE = ("supervisor",)
OTHERS = ("leader", "lead_liaison", "lead_head", "support_liaison", "other_liaison", "outsider")
METHOD = """
id: simple
version: "1"
title: 两指标示例
indicators:
  - {name: turnover, source: tech-contract-turnover}
  - {name: hte, source: high-tech-enterprises}
index:
  name: index
  children:
    - {name: inputs, children: [hte]}
    - {name: outputs, children: [turnover]}
"""


@pytest.fixture
def editions(personas: Any, catalogue: Any, regions: Any) -> dict[str, IndexEdition]:
    for region, turnover, hte in (("中山区", 10, 300), ("西岗区", 20, 100), ("高新区", 30, 200)):
        for code, value in (("tech-contract-turnover", turnover), ("high-tech-enterprises", hte)):
            observation_record(actor=personas.supervisor, indicator=catalogue[code], region=regions[region],
                               year=2018, value=float(value), source=DataSource.OFFICIAL)
    method = index_method_save(actor=personas.supervisor, text=METHOD)
    published = index_edition_publish(actor=personas.supervisor, edition=index_edition_compute(
        actor=personas.supervisor, method=method, year=2018, draws=100))
    draft = index_edition_compute(actor=personas.supervisor, method=method, year=2018, draws=100)
    return {"published": published, "draft": draft}


def test_it_shows_published_editions_to_everyone_and_drafts_to_the_office(
        client: Client, personas: Any, editions: dict[str, IndexEdition]) -> None:
    for persona in OFFICE + OTHERS:
        client.force_login(getattr(personas, persona))
        published = client.get(reverse("indicators:edition_detail", args=[editions["published"].pk]))
        assert published.status_code == 200, persona
        html = published.content.decode()
        assert "高新区" in html and "5–95%排名区间" in html and "方法指纹" in html
        draft = client.get(reverse("indicators:edition_detail", args=[editions["draft"].pk]))
        assert draft.status_code == (200 if persona in OFFICE else 404), persona
        listing = client.get(reverse("indicators:index_home"))
        assert listing.status_code == 200
        assert len(listing.context["page"].object_list) == (2 if persona in OFFICE else 1)
        assert ('id="compute"' in listing.content.decode()) is (persona in OFFICE)


def test_it_shows_each_rank_with_its_interval(client: Client, personas: Any,
                                              editions: dict[str, IndexEdition]) -> None:
    client.force_login(personas.leader)
    response = client.get(reverse("indicators:edition_detail", args=[editions["published"].pk]))
    rows = {row.region: row for row, *_rest in response.context["lines"]}
    # 中山区: turnover 0, enterprises 1 → .5; 西岗区 .5/0 → .25; 高新区 1/.5 → .75.
    assert [rows[r].rank for r in ("高新区", "中山区", "西岗区")] == [1, 2, 3]
    for name in ("高新区", "中山区", "西岗区"):
        row = rows[name]
        assert row.rank_5 is not None and row.rank_95 is not None and row.rank_5 <= row.rank_95
        assert f"{row.rank_5}–{row.rank_95}" in response.content.decode()
    # the interval chart: rank 1 at x 4, rank 3 (the last) at x 116 of a 120-wide strip
    assert rows["高新区"].chart[0] == 4.0 and rows["中山区"].chart[0] == 60.0 and rows["西岗区"].chart[0] == 116.0
    low, high = rows["中山区"].rank_5, rows["中山区"].rank_95
    assert rows["中山区"].chart[1:] == (4 + (low - 1) * 56.0, 4 + (high - 1) * 56.0)
    assert response.content.decode().count('class="rank-chart"') == 3


def test_it_lets_only_the_office_compute_publish_and_save_methods(
        client: Client, personas: Any, editions: dict[str, IndexEdition]) -> None:
    method = IndexMethod.objects.get()
    for persona in OTHERS:
        client.force_login(getattr(personas, persona))
        assert client.post(reverse("indicators:edition_publish", args=[editions["draft"].pk])).status_code == 404
        assert client.post(reverse("indicators:edition_compute"), {
            "c-method": method.pk, "c-year": 2018, "c-draws": 50}).status_code == 404
        assert client.post(reverse("indicators:index_home"), {"m-text": METHOD.replace('"1"', '"2"')}
                           ).status_code == 404
    assert IndexEdition.objects.count() == 2 and IndexMethod.objects.count() == 1
    assert IndexEdition.objects.get(pk=editions["draft"].pk).status == EditionStatus.DRAFT
    client.force_login(personas.supervisor)
    response = client.post(reverse("indicators:edition_compute"), {"c-method": method.pk, "c-year": 2018,
                                                                   "c-draws": 50})
    assert response.status_code == 302 and IndexEdition.objects.count() == 3
    assert client.post(reverse("indicators:edition_publish", args=[editions["draft"].pk])).status_code == 302
    assert IndexEdition.objects.get(pk=editions["draft"].pk).status == EditionStatus.PUBLISHED
    bad = client.post(reverse("indicators:index_home"), {"m-text": METHOD.replace("high-tech-enterprises", "nope")})
    assert bad.status_code == 200 and "nope" in bad.content.decode() and IndexMethod.objects.count() == 1
    good = client.post(reverse("indicators:index_home"), {"m-text": METHOD.replace('"1"', '"2"')})
    assert good.status_code == 302 and IndexMethod.objects.count() == 2


def test_it_refuses_to_republish_a_published_edition(client: Client, personas: Any,
                                                    editions: dict[str, IndexEdition]) -> None:
    client.force_login(personas.supervisor)
    before = IndexEdition.objects.get(pk=editions["published"].pk).published_at
    response = client.post(reverse("indicators:edition_publish", args=[editions["published"].pk]), follow=True)
    assert "已发布" in response.content.decode()
    assert IndexEdition.objects.get(pk=editions["published"].pk).published_at == before



ROUNDED = """
id: rounded
version: "1"
ranking: {round: 1, ties: min}
defaults: {normalisation: goalposts}
indicators:
  - {name: turnover, source: tech-contract-turnover, transforms: [{method: ln, invalid: exclude}],
     goalposts: {min: 1, max: 100, units: original}}
  - {name: hte, source: high-tech-enterprises, goalposts: [0, 1000]}
index: {name: index, children: [turnover, hte]}
"""


def _record(personas: Any, catalogue: Any, regions: Any, code: str, year: int, values: dict[str, float]) -> None:
    for region, value in values.items():
        observation_record(actor=personas.supervisor, indicator=catalogue[code], region=regions[region],
                           year=year, value=value, source=DataSource.OFFICIAL)


def test_it_shows_the_ranking_rule_and_the_engines_warnings(
        client: Client, personas: Any, catalogue: Any, regions: Any) -> None:
    turnover = {"中山区": 10.0, "西岗区": 12.0, "高新区": 0.0}
    enterprises = {"中山区": 100.0, "西岗区": 90.0, "高新区": 1.0}
    _record(personas, catalogue, regions, "tech-contract-turnover", 2018, turnover)
    _record(personas, catalogue, regions, "high-tech-enterprises", 2018, enterprises)
    method = index_method_save(actor=personas.supervisor, text=ROUNDED)
    edition = index_edition_compute(actor=personas.supervisor, method=method, year=2018, draws=100)
    client.force_login(personas.supervisor)
    html = client.get(reverse("indicators:edition_detail", args=[edition.pk])).content.decode()
    assert "排名按保留1位小数（四舍五入）的指数；数值相同者并列取较前名次" in html
    assert "指标 turnover 在 2018 年有数值小于或等于 0，无法取对数，这些地区不计该指标得分：高新区" in html
    # ln 10 / ln 100 = 0.5 and ln 12 / ln 100 = 0.54; with 0.1 and 0.09: 0.30 and 0.315 both round to 0.3
    ranks = {region["region"]: region["rank"] for region in edition.result["regions"]}
    assert ranks == {"中山区": 1, "西岗区": 1, "高新区": None}


def test_it_says_why_an_edition_with_an_empty_indicator_cannot_be_computed(
        personas: Any, catalogue: Any, regions: Any) -> None:
    from luoshi.core.errors import DomainError

    _record(personas, catalogue, regions, "tech-contract-turnover", 2018, {"中山区": 10.0, "西岗区": 12.0})
    _record(personas, catalogue, regions, "high-tech-enterprises", 2017, {"中山区": 5.0, "西岗区": 6.0})
    method = index_method_save(actor=personas.supervisor, text=ROUNDED.replace("ln, invalid: exclude", "ln"))
    with pytest.raises(DomainError, match="指标 hte 在 2018 年所有地区都没有数据，因此没有地区能参与排名"):
        index_edition_compute(actor=personas.supervisor, method=method, year=2018, draws=100)


def test_it_shows_the_statistical_audit_and_the_sensitivity_indices(
        client: Client, personas: Any, editions: dict[str, IndexEdition]) -> None:
    client.force_login(personas.leader)
    response = client.get(reverse("indicators:edition_detail", args=[editions["published"].pk]))
    html = response.content.decode()
    assert 'id="audit-indicators"' in html and 'id="audit-nodes"' in html and 'id="audit-variance"' in html
    lines = {line.name: line for line in response.context["audit"].indicators}
    # turnover 10, 20, 30: mean 20, sample sd 10; all 3 regions have a value
    assert lines["turnover"].stats["mean"] == pytest.approx(20.0)
    assert lines["turnover"].stats["sd"] == pytest.approx(10.0)
    assert lines["turnover"].stats["availability"] == 1.0
    # base ranks 高新区 1, 中山区 2, 西岗区 3; without enterprises the index is turnover alone: 3, 2, 1 reversed
    # for 中山区 and 西岗区 (3 and 2): shifts 1, 1, 0 -> mean 2/3, largest 1
    assert lines["hte"].removal["mean_shift"] == pytest.approx(2 / 3) and lines["hte"].removal["max_shift"] == 1
    # one child per pillar: alpha undefined, the single component explains everything
    nodes = {node["name"]: node for node in response.context["audit"].nodes}
    assert nodes["inputs"]["alpha"] is None and nodes["inputs"]["first_share"] == 1.0
    # inputs = enterprises' scores 1, 0, .5 (中山区, 西岗区, 高新区); index .5, .25, .75
    assert nodes["inputs"]["index_r"] == pytest.approx(statistics.correlation([1, 0, 0.5], [0.5, 0.25, 0.75]))
    factors = {row["factor"] for row in response.context["audit"].variance}
    assert factors == set(editions["published"].uncertainty["sensitivity"])
    for row in response.context["audit"].variance:
        assert row["first_interval"][0] <= row["first"] <= row["first_interval"][1]
    assert "总效应指数" in html and "<meter" in html


def test_it_compares_an_edition_with_the_last_published_one(
        client: Client, personas: Any, catalogue: Any, regions: Any, editions: dict[str, IndexEdition]) -> None:
    # 2018 (published): index .5, .25, .75 -> 中山区 2, 西岗区 3, 高新区 1
    # 2019: turnover 30, 20, 10 -> 1, .5, 0; enterprises 300, 100, 150 -> 1, 0, .25; index 1, .25, .125
    turnover = {"中山区": 30.0, "西岗区": 20.0, "高新区": 10.0}
    enterprises = {"中山区": 300.0, "西岗区": 100.0, "高新区": 150.0}
    _record(personas, catalogue, regions, "tech-contract-turnover", 2019, turnover)
    _record(personas, catalogue, regions, "high-tech-enterprises", 2019, enterprises)
    later = index_edition_compute(actor=personas.supervisor, method=IndexMethod.objects.get(), year=2019, draws=100)
    client.force_login(personas.supervisor)
    response = client.get(reverse("indicators:edition_detail", args=[later.pk]))
    comparison = response.context["comparison"]
    assert comparison.against["edition"] == editions["published"].pk and comparison.against["year"] == 2018
    rows = {row["region"]: row for row in comparison.rows}
    # same method: every shift comes from the data
    got = [(rows[r]["before"], rows[r]["after"], rows[r]["data"], rows[r]["method"])
           for r in ("中山区", "西岗区", "高新区")]
    assert got == [(2, 1, -1, 0), (3, 2, -1, 0), (1, 3, 2, 0)]
    html = response.content.decode()
    assert 'id="comparison-table"' in html and "数据变化" in html
    # the draft computed from the same figures as the published edition moved nobody
    draft = index_edition_compute(actor=personas.supervisor, method=IndexMethod.objects.get(), year=2018, draws=100)
    assert {row["cause"] for row in draft.uncertainty["comparison"]["shifts"]} == {"none"}
