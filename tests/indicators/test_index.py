from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from luoshi.core.errors import DomainError
from luoshi.core.models import AuditEntry
from luoshi.indicators.choices import DataSource, EditionStatus
from luoshi.indicators.index import (
    edition_recompute,
    edition_rows,
    index_edition_compute,
    index_edition_publish,
    index_method_save,
)
from luoshi.indicators.models import IndexMethod
from luoshi.indicators.services import observation_record

pytestmark = pytest.mark.django_db

SIMPLE = """
id: simple
version: "1"
title: 两指标示例
indicators:
  - {name: turnover, source: tech-contract-turnover}
  - {name: hte, source: high-tech-enterprises}
index: {name: index, children: [turnover, hte]}
"""

EXAMPLE = Path("src/luoshi/indicators/data/innovation-index-example.yaml")


@pytest.fixture
def figures(personas: Any, catalogue: Any, regions: Any) -> None:
    # turnover 10/20/30 → minmax 0, .5, 1; enterprises 300/100/200 → 1, 0, .5; equal weights:
    # 中山区 .5, 西岗区 .25, 高新区 .75.
    for region, turnover, hte in (("中山区", 10, 300), ("西岗区", 20, 100), ("高新区", 30, 200)):
        for code, value in (("tech-contract-turnover", turnover), ("high-tech-enterprises", hte)):
            observation_record(actor=personas.supervisor, indicator=catalogue[code], region=regions[region],
                               year=2018, value=float(value), source=DataSource.OFFICIAL)
    # A half-year figure and a self-report must not be read by the index.
    observation_record(actor=personas.supervisor, indicator=catalogue["tech-contract-turnover"],
                       region=regions["中山区"], year=2018, through_month=6, value=29.0, source=DataSource.OFFICIAL)
    observation_record(actor=personas.supervisor, indicator=catalogue["tech-contract-turnover"],
                       region=regions["中山区"], year=2018, value=29.0, source=DataSource.SELF_REPORT)


def test_it_saves_the_example_method_with_its_fingerprint(personas: Any, catalogue: Any) -> None:
    stored = index_method_save(actor=personas.supervisor, text=EXAMPLE.read_text(encoding="utf-8"))
    assert len(stored.fingerprint) == 64 and stored.version == "2018.1-example"
    again = index_method_save(actor=personas.supervisor, text=EXAMPLE.read_text(encoding="utf-8"))
    assert again.pk == stored.pk and IndexMethod.objects.count() == 1
    assert AuditEntry.objects.filter(action="index_method.create").count() == 1


@pytest.mark.parametrize("text, fragment", [
    (SIMPLE.replace("children: [turnover, hte]}", "weights: {turnover: 0.6, hte: 0.6}, children: [turnover, hte]}"),
     "权重之和"),
    (SIMPLE.replace("high-tech-enterprises", "no-such-indicator"), "no-such-indicator"),
    ("[1, 2", "YAML"),
    ("- a list", "键值表"),
    ("version: 1\nindicators: [{name: t, source: tech-contract-turnover}]\n"
     "index: &top {name: index, children: [t, *top]}", "方法文档中 index 嵌套在它自身之内"),
    (SIMPLE.replace("source: high-tech-enterprises}",
                    "source: high-tech-enterprises, missing: {method: regression, predictors: [no-such-series]}}"),
     "no-such-series"),
])
def test_it_refuses_a_bad_method(personas: Any, catalogue: Any, text: str, fragment: str) -> None:
    with pytest.raises(DomainError) as error:
        index_method_save(actor=personas.supervisor, text=text)
    assert fragment in error.value.message
    assert not IndexMethod.objects.exists()


def test_the_engines_message_reaches_the_page_in_one_language(personas: Any, catalogue: Any) -> None:
    """The engine (no Django) gives both languages; the reader sees only theirs."""
    import re

    from django.utils import translation

    bad = SIMPLE.replace("children: [turnover, hte]}", "weights: {turnover: 0.6, hte: 0.6}, children: [turnover, hte]}")
    messages = {}
    for language in ("zh-hans", "en"):
        with translation.override(language), pytest.raises(DomainError) as error:
            index_method_save(actor=personas.supervisor, text=bad)
        messages[language] = error.value.message
    assert re.search(r"[\u4e00-\u9fff]", messages["zh-hans"]) and " (" not in messages["zh-hans"]
    assert not re.search(r"[\u4e00-\u9fff]", messages["en"]) and "weights" in messages["en"]


def test_it_refuses_a_changed_method_under_the_same_version(personas: Any, catalogue: Any) -> None:
    index_method_save(actor=personas.supervisor, text=SIMPLE)
    with pytest.raises(DomainError) as error:
        index_method_save(actor=personas.supervisor, text=SIMPLE.replace("[turnover, hte]", "[hte, turnover]")
                          .replace("title: 两指标示例", "title: 改"))
    assert error.value.code == "version_taken"


def test_it_refuses_a_method_from_a_unit_account(personas: Any, catalogue: Any) -> None:
    with pytest.raises(DomainError):
        index_method_save(actor=personas.lead_liaison, text=SIMPLE)


def test_it_computes_an_edition_from_the_stored_figures(personas: Any, figures: None) -> None:
    method = index_method_save(actor=personas.supervisor, text=SIMPLE)
    edition = index_edition_compute(actor=personas.supervisor, method=method, year=2018, draws=200)
    scores = {r["region"]: r["index"] for r in edition.result["regions"] if r["index"] is not None}
    assert scores == pytest.approx({"中山区": 0.5, "西岗区": 0.25, "高新区": 0.75})
    rows = edition_rows(edition)
    assert [(r.region, r.rank) for r in rows[:3]] == [("高新区", 1), ("中山区", 2), ("西岗区", 3)]
    assert all(r.rank_5 is not None and r.rank_5 <= r.rank_95 for r in rows[:3])   # type: ignore[operator]
    assert len(edition.data_rows) == 6 and {r["value"] for r in edition.data_rows} >= {10.0, 300.0}
    assert edition_recompute(edition)["regions"] == edition.result["regions"]


def test_it_freezes_a_published_edition_and_keeps_corrections_apart(personas: Any, figures: None,
                                                                     catalogue: Any, regions: Any) -> None:
    method = index_method_save(actor=personas.supervisor, text=SIMPLE)
    first = index_edition_compute(actor=personas.supervisor, method=method, year=2018, draws=100)
    published = index_edition_publish(actor=personas.supervisor, edition=first)
    assert published.status == EditionStatus.PUBLISHED and published.published_at is not None
    with pytest.raises(DomainError):
        index_edition_publish(actor=personas.supervisor, edition=first)
    observation_record(actor=personas.supervisor, indicator=catalogue["tech-contract-turnover"],
                       region=regions["西岗区"], year=2018, value=40.0, source=DataSource.OFFICIAL)
    second = index_edition_compute(actor=personas.supervisor, method=method, year=2018, draws=100,
                                   note="统计局更正西岗区技术交易额")
    assert second.number == 2
    first.refresh_from_db()
    scores_first = {r["region"]: r["index"] for r in first.result["regions"]}
    scores_second = {r["region"]: r["index"] for r in second.result["regions"]}
    assert scores_first["西岗区"] == pytest.approx(0.25) and scores_second["西岗区"] == pytest.approx(0.5)


def test_it_refuses_to_compute_without_figures(personas: Any, catalogue: Any, regions: Any) -> None:
    method = index_method_save(actor=personas.supervisor, text=SIMPLE)
    with pytest.raises(DomainError):
        index_edition_compute(actor=personas.supervisor, method=method, year=2018)
