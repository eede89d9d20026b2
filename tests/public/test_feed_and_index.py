"""The Atom feed of closed tasks, the official indicator figures and the innovation index with its downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from luoshi.compindex import Dataset, Method, compute
from luoshi.indicators.choices import DataSource
from luoshi.plans.models import Assignment
from luoshi.reports.services import assignment_close
from tests.indicators.test_index_views import METHOD
from tests.public.conftest import PublicWorld

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _close_all(task: Any, actor: Any) -> None:
    for assignment in Assignment.objects.filter(task=task, active=True):
        assignment_close(actor=actor, assignment=assignment, closing_report="已按期完成。")


def test_it_lists_newly_closed_tasks_of_public_plans_in_a_valid_atom_feed(client: Client,
                                                                         public_world: PublicWorld) -> None:
    office = public_world.personas.supervisor
    _close_all(public_world.item2, office)
    hidden = public_world.unmarked_plan.tasks.get(key="二/(一)/2")
    _close_all(hidden, office)
    # item 1 closed by one of its two units only: not a closed task yet
    assignment_close(actor=office, assignment=Assignment.objects.get(task=public_world.item1, unit__name="市科技局"),
                     closing_report="已完成。")

    response = client.get(reverse("public:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") and root.findtext(f"{ATOM}id")
    dt.datetime.fromisoformat(root.findtext(f"{ATOM}updated") or "")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert public_world.item2.text[:20] in (entry.findtext(f"{ATOM}title") or "")
    link = entry.find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
    assert link == f"http://testserver{reverse('public:plan_detail', args=[public_world.plan.pk])}" \
                   f"#task-{public_world.item2.pk}"
    assert entry.findtext(f"{ATOM}id") and dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")
    assert "市经信委" in (entry.findtext(f"{ATOM}summary") or "")
    assert "已按期完成" not in response.content.decode()  # closing reports are not published

    english = ET.fromstring(client.get(reverse("public:feed") + "?lang=en").content)
    assert english.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert english.find(f"{ATOM}entry/{ATOM}link").get("href").endswith(  # type: ignore[union-attr]
        f"?lang=en#task-{public_world.item2.pk}")
    page = client.get(reverse("public:plan_detail", args=[public_world.plan.pk])).content.decode()
    assert f'id="task-{public_world.item2.pk}"' in page


@pytest.fixture
def figures(personas: Any) -> dict[str, Any]:
    from luoshi.indicators.catalogue import BUILTIN_CATALOGUE, catalogue_parse
    from luoshi.indicators.models import Indicator
    from luoshi.indicators.services import catalogue_import, observation_record, regions_sync

    office = personas.supervisor
    catalogue_import(actor=office, entries=catalogue_parse(BUILTIN_CATALOGUE.read_text(encoding="utf-8")))
    indicators = {i.code: i for i in Indicator.objects.all()}
    regions = {r.name: r for r in regions_sync(actor=office)}
    for region, turnover, enterprises in (("中山区", 10, 300), ("西岗区", 20, 100), ("高新区", 30, 200)):
        for code, value in (("tech-contract-turnover", turnover), ("high-tech-enterprises", enterprises)):
            observation_record(actor=office, indicator=indicators[code], region=regions[region], year=2018,
                               value=float(value), source=DataSource.OFFICIAL)
    city = next(r for r in regions.values() if r.kind == "city")
    record = observation_record
    record(actor=office, indicator=indicators["tech-contract-turnover"], region=city, year=2017, value=111.5,
           source=DataSource.OFFICIAL)
    record(actor=office, indicator=indicators["tech-contract-turnover"], region=city, year=2018, value=150.25,
           source=DataSource.OFFICIAL)
    record(actor=office, indicator=indicators["tech-contract-turnover"], region=city, year=2018, value=163.75,
           source=DataSource.OFFICIAL)  # a correction: the new revision replaces 150.25
    record(actor=office, indicator=indicators["tech-contract-turnover"], region=city, year=2019, value=987.5,
           source=DataSource.SELF_REPORT)
    record(actor=office, indicator=indicators["tech-contract-turnover"], region=city, year=2019, value=876.5,
           source=DataSource.DEPARTMENT)
    return {"indicators": indicators, "regions": regions, "city": city, "office": office}


def test_it_charts_the_latest_official_figures_only(client: Client, figures: Any) -> None:
    page = client.get(reverse("public:indicators")).content.decode()
    assert "示例数据，非官方统计" not in page  # no demo figure yet
    assert figures["indicators"]["tech-contract-turnover"].name_zh in page
    assert "163.75" in page and "111.5" in page and "<svg" in page
    from luoshi.indicators.services import observation_record

    observation_record(actor=figures["office"], indicator=figures["indicators"]["high-tech-enterprises"],
                       region=figures["city"], year=2018, value=4321.0, source=DataSource.OFFICIAL,
                       illustrative=True)
    page = client.get(reverse("public:indicators")).content.decode()
    assert "4321" in page and "示例数据，非官方统计" in page  # demo figures are labelled as such
    for not_public in ("150.25", "987.5", "876.5"):  # an old revision, a self-report, a department record
        assert not_public not in page


def test_it_never_mixes_part_year_and_year_end_figures_in_a_chart(client: Client, figures: Any) -> None:
    from luoshi.indicators.services import observation_record

    turnover, office = figures["indicators"]["tech-contract-turnover"], figures["office"]
    regions = figures["regions"]
    for region, year, month, value in ((figures["city"], 2018, 6, 70.5), (figures["city"], 2019, 6, 80.5),
                                       (regions["中山区"], 2019, 6, 5.5),  # one district only: too few for bars
                                       (regions["西岗区"], 2017, 12, 9.5)):
        observation_record(actor=office, indicator=turnover, region=region, year=year, through_month=month,
                           value=value, source=DataSource.OFFICIAL)
    page = client.get(reverse("public:indicators")).content.decode()
    assert "80.5" in page and "2019年1–6月" in page  # the newest part-year city figure extends the trend
    assert "70.5" not in page  # 2018 has its year-end figure
    assert "5.5 亿元" not in page and "9.5" not in page  # bars: 2018's year-end figures of three districts
    assert "各地区（2018）" in page


def test_it_publishes_an_index_edition_with_method_and_data_to_recompute_it(client: Client, personas: Any,
                                                                           figures: Any) -> None:
    from luoshi.indicators.index import index_edition_compute, index_edition_publish, index_method_save

    office = personas.supervisor
    method = index_method_save(actor=office, text=METHOD)
    draft = index_edition_compute(actor=office, method=method, year=2018, draws=20)
    assert "两指标示例" not in client.get(reverse("public:index_home")).content.decode()
    assert client.get(reverse("public:edition_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("public:edition_data_csv", args=[draft.pk])).status_code == 404
    edition = index_edition_publish(actor=office, edition=draft)

    page = client.get(reverse("public:index_home")).content.decode()
    assert "两指标示例" in page and method.fingerprint in page
    assert "归一化" in page  # the method in words
    english = client.get(reverse("public:edition_detail", args=[edition.pk]) + "?lang=en").content.decode()
    assert "Normalisation" in english

    as_yaml = client.get(reverse("public:edition_method_yaml", args=[edition.pk]))
    assert "attachment" in as_yaml["Content-Disposition"]
    from_yaml = Method.from_dict(yaml.safe_load(as_yaml.content.decode()))
    from_json = Method.from_dict(json.loads(client.get(reverse("public:edition_method_json", args=[edition.pk]))
                                            .content))
    assert from_yaml.fingerprint() == from_json.fingerprint() == method.fingerprint

    data = client.get(reverse("public:edition_data_csv", args=[edition.pk]))
    assert data["Content-Type"].startswith("text/csv")
    rows = [(r["region"], r["indicator"], int(r["year"]), float(r["value"]))
            for r in csv.DictReader(io.StringIO(data.content.decode()))]
    assert len(rows) == len(edition.data_rows) == 6
    recomputed = compute(from_yaml, Dataset.from_rows(rows), 2018).to_dict()
    ranks = {r["region"]: (r["rank"], round(r["index"], 9)) for r in recomputed["regions"]}
    published = {r["region"]: (r["rank"], round(r["index"], 9)) for r in edition.result["regions"]}
    assert ranks == published
    assert "示例数据，非官方统计" not in page


def test_it_labels_an_edition_computed_from_illustrative_figures(client: Client, personas: Any,
                                                                 figures: Any) -> None:
    from luoshi.indicators.index import index_edition_compute, index_edition_publish, index_method_save
    from luoshi.indicators.services import observation_record

    office = personas.supervisor
    observation_record(actor=office, indicator=figures["indicators"]["tech-contract-turnover"],
                       region=figures["regions"]["中山区"], year=2018, value=12.0, source=DataSource.OFFICIAL,
                       illustrative=True)
    edition = index_edition_publish(actor=office, edition=index_edition_compute(
        actor=office, method=index_method_save(actor=office, text=METHOD), year=2018, draws=20))
    assert edition.illustrative
    page = client.get(reverse("public:index_home")).content.decode()
    assert "示例数据，非官方统计" in page
    assert "-illustrative-data.csv" in client.get(reverse("public:edition_data_csv", args=[edition.pk]))[
        "Content-Disposition"]
    assert "illustrative-badge" in client.get(reverse("public:home")).content.decode()


def test_it_keeps_the_query_count_of_indicators_and_index_flat(client: Client, personas: Any, figures: Any,
                                                              django_assert_max_num_queries: Any) -> None:
    from django.core.cache import cache

    from luoshi.indicators.index import index_edition_compute, index_edition_publish, index_method_save
    from luoshi.indicators.services import observation_record

    office = personas.supervisor
    method = index_method_save(actor=office, text=METHOD)
    index_edition_publish(actor=office, edition=index_edition_compute(actor=office, method=method, year=2018,
                                                                      draws=20))
    urls = (reverse("public:indicators"), reverse("public:index_home"))
    for more_years in (0, 4):  # then four more years of every district's figures and an edition for each
        for year in range(2013, 2013 + more_years):
            for rank, region in enumerate(("中山区", "西岗区", "高新区")):
                for code in ("tech-contract-turnover", "high-tech-enterprises"):
                    observation_record(actor=office, indicator=figures["indicators"][code],
                                       region=figures["regions"][region], year=year,
                                       value=float(year % 7 + 1 + 3 * rank), source=DataSource.OFFICIAL)
            index_edition_publish(actor=office, edition=index_edition_compute(
                actor=office, method=method, year=year, draws=20))
        for url in urls:
            cache.clear()
            with django_assert_max_num_queries(12):
                assert client.get(url).status_code == 200
