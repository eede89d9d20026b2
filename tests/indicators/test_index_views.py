from __future__ import annotations

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
