from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.core.models import AuditEntry
from luoshi.indicators.choices import Comparator, DataSource
from luoshi.indicators.models import AttainmentRule, IndicatorAlias, IndicatorTarget, Observation
from luoshi.indicators.services import observation_record, target_map, targets_match
from luoshi.orgs.choices import Role
from luoshi.plans.models import Target

pytestmark = pytest.mark.django_db

OFFICE = ("supervisor",)
EVERYONE = ("admin", "supervisor", "leader", "lead_liaison", "lead_head", "support_liaison", "other_liaison",
            "outsider", "district", "other_district")


@pytest.fixture
def world(published_plan: Any, personas: Any, catalogue: Any, regions: Any, units: Any,
          django_user_model: Any) -> dict[str, Any]:
    """The plan matched (city 技术交易额; 初创科技企业 mapped, 市科技局 answers), a 中山区 target, and figures."""
    office = personas.supervisor
    targets_match(actor=office, plan=published_plan)
    startup = Target.objects.get(task__plan=published_plan, text__contains="初创科技企业")
    kjj_target = target_map(actor=office, target=startup, indicator=catalogue["high-tech-enterprises"])
    district_target = IndicatorTarget.objects.create(
        plan=published_plan, indicator=catalogue["tech-contract-turnover"], year=2019, region=regions["中山区"],
        responsible_unit=units["中山区政府"], comparator=Comparator.GE, value=20, value_unit="亿元")
    for region, value in (("中山区", 9.0), ("西岗区", 4.0), ("全市", 70.0)):
        observation_record(actor=office, indicator=catalogue["tech-contract-turnover"], region=regions[region],
                           year=2019, through_month=6, value=value, source=DataSource.OFFICIAL)
    users = {name: getattr(personas, name) for name in EVERYONE[:8]}
    users["district"] = django_user_model.objects.create_user(username="zs", password="x-Passw0rd-1",
                                                              role=Role.LIAISON, unit=units["中山区政府"])
    users["other_district"] = django_user_model.objects.create_user(username="xg", password="x-Passw0rd-1",
                                                                    role=Role.LIAISON, unit=units["西岗区政府"])
    return {"plan": published_plan, "users": users, "regions": regions, "catalogue": catalogue,
            "kjj_target": kjj_target, "district_target": district_target}


def as_user(client: Client, world: dict[str, Any], name: str) -> Client:
    client.force_login(world["users"][name])
    return client


def test_it_shows_the_index_and_catalogue_to_every_account(client: Client, world: dict[str, Any]) -> None:
    for persona in EVERYONE:
        as_user(client, world, persona)
        assert client.get(reverse("indicators:index")).status_code == 200, persona
        page = client.get(reverse("indicators:indicator_list"))
        assert page.status_code == 200 and "技术交易额" in page.content.decode(), persona


def test_it_sends_anonymous_visitors_to_login(client: Client, world: dict[str, Any]) -> None:
    for url in (reverse("indicators:index"), reverse("indicators:region_detail", args=[world["regions"]["中山区"].pk]),
                reverse("indicators:attainment", args=[world["plan"].pk])):
        assert client.get(url).status_code == 302


REGION_READERS = {"supervisor", "leader", "district"}


def test_it_shows_a_regions_figures_only_to_those_who_may_see_them(client: Client, world: dict[str, Any]) -> None:
    for persona in EVERYONE:
        as_user(client, world, persona)
        response = client.get(reverse("indicators:region_detail", args=[world["regions"]["中山区"].pk]))
        assert response.status_code == (200 if persona in REGION_READERS else 404), persona
        if response.status_code == 200:
            assert "9.0" in response.content.decode()


def test_it_answers_404_for_a_missing_region(client: Client, world: dict[str, Any]) -> None:
    as_user(client, world, "supervisor")
    assert client.get(reverse("indicators:region_detail", args=[999999])).status_code == 404


def test_it_shows_the_revision_history(client: Client, world: dict[str, Any]) -> None:
    observation_record(actor=world["users"]["supervisor"], indicator=world["catalogue"]["tech-contract-turnover"],
                       region=world["regions"]["中山区"], year=2019, through_month=6, value=9.5,
                       source=DataSource.OFFICIAL, note="统计局更正")
    as_user(client, world, "district")
    html = client.get(reverse("indicators:region_detail", args=[world["regions"]["中山区"].pk])).content.decode()
    assert "<del>9.0</del>" in html and "<strong>9.5</strong>" in html and "统计局更正" in html


ALL_TARGETS = [("技术交易额", "全市"), ("技术交易额", "中山区"), ("高新技术企业数量", "全市")]
ATTAINMENT_VISIBLE: dict[str, list[tuple[str, str]] | None] = {
    "admin": None, "supervisor": ALL_TARGETS, "leader": ALL_TARGETS,
    "lead_liaison": [("高新技术企业数量", "全市")], "lead_head": [("高新技术企业数量", "全市")],
    "district": [("技术交易额", "中山区")],
    "support_liaison": None, "other_liaison": None, "outsider": None, "other_district": None,
}


def test_it_shows_attainment_scoped_to_the_account(client: Client, world: dict[str, Any]) -> None:
    for persona in EVERYONE:
        visible = ATTAINMENT_VISIBLE[persona]
        as_user(client, world, persona)
        response = client.get(reverse("indicators:attainment", args=[world["plan"].pk]))
        if visible is None:
            assert response.status_code == 404, persona
            continue
        assert response.status_code == 200, persona
        rows = sorted((row.target.indicator.name_zh, row.target.region.name) for row in response.context["rows"])
        assert rows == sorted(visible), persona
        html = response.content.decode()
        assert "红：低于预期值的80%" in html
        assert ('id="rule-form"' in html) is (persona in OFFICE)
        if persona == "district":
            # 中山区: 9 of 20 亿元 by June; 10 expected pro rata; 9/10 = 0.9 → amber.
            row = response.context["rows"][0]
            assert row.expected == pytest.approx(10) and row.rag == "amber"
            assert "rag-amber" in html


def test_it_answers_404_for_attainment_of_a_missing_plan(client: Client, world: dict[str, Any]) -> None:
    as_user(client, world, "supervisor")
    assert client.get(reverse("indicators:attainment", args=[999999])).status_code == 404


def outsiders_then_office() -> list[str]:
    return [p for p in EVERYONE if p not in OFFICE] + list(OFFICE)


def test_it_lets_only_the_office_set_the_rule(client: Client, world: dict[str, Any]) -> None:
    for persona in outsiders_then_office():
        as_user(client, world, persona)
        response = client.post(reverse("indicators:attainment_rule", args=[world["plan"].pk]),
                               {"red_below": "0.7", "amber_below": "0.95", "seasonal_profile": "",
                                "self_report_tolerance": "0.1"})
        if persona in OFFICE:
            assert response.status_code == 302
            rule = AttainmentRule.objects.get(plan=world["plan"])
            assert (rule.red_below, rule.amber_below, rule.self_report_tolerance) == (0.7, 0.95, 0.1)
            assert AuditEntry.objects.filter(action="attainment_rule.set").exists()
        else:
            assert response.status_code == 404, persona
            assert not AttainmentRule.objects.exists()


def test_it_refuses_a_bad_profile_with_a_message(client: Client, world: dict[str, Any]) -> None:
    as_user(client, world, "supervisor")
    response = client.post(reverse("indicators:attainment_rule", args=[world["plan"].pk]),
                           {"red_below": "0.8", "amber_below": "1", "seasonal_profile": "0.5, abc",
                            "self_report_tolerance": "0.05"}, follow=True)
    assert not AttainmentRule.objects.exists() and "逗号分隔" in response.content.decode()


def test_it_shows_target_matching_only_to_the_office(client: Client, world: dict[str, Any]) -> None:
    for persona in outsiders_then_office():
        as_user(client, world, persona)
        response = client.get(reverse("indicators:plan_targets", args=[world["plan"].pk]))
        assert response.status_code == (200 if persona in OFFICE else 404), persona
        if response.status_code == 200:
            html = response.content.decode()
            assert "技术交易额达到160亿元" in html     # the source sentence of the matched target
            assert "企业技术中心" in html               # still unmatched: listed for the office
        post = client.post(reverse("indicators:plan_targets", args=[world["plan"].pk]))
        assert post.status_code == (302 if persona in OFFICE else 404), persona


def test_it_lets_only_the_office_map_a_target(client: Client, world: dict[str, Any]) -> None:
    target = Target.objects.get(task__plan=world["plan"], text__contains="企业技术中心")
    indicator = world["catalogue"]["innovation-platforms"]
    for persona in outsiders_then_office():
        as_user(client, world, persona)
        response = client.post(reverse("indicators:target_map", args=[world["plan"].pk, target.pk]),
                               {f"t{target.pk}-target": target.pk, f"t{target.pk}-indicator": indicator.pk})
        if persona in OFFICE:
            assert response.status_code == 302
            assert IndicatorTarget.objects.get(source_target=target).indicator == indicator
            assert IndicatorAlias.objects.filter(alias=target.indicator, indicator=indicator).exists()
        else:
            assert response.status_code == 404, persona
            assert not IndicatorTarget.objects.filter(source_target=target).exists()
    assert IndicatorTarget.objects.filter(source_target=target).exists()


def test_it_ignores_a_target_of_another_plan_in_the_map_url(client: Client, world: dict[str, Any]) -> None:
    from luoshi.plans.models import Plan

    other = Plan.objects.create(title="另一个计划", source_text="x", year=2019)
    target = Target.objects.get(task__plan=world["plan"], text__contains="企业技术中心")
    as_user(client, world, "supervisor")
    client.post(reverse("indicators:target_map", args=[other.pk, target.pk]),
                {f"t{target.pk}-target": target.pk,
                 f"t{target.pk}-indicator": world["catalogue"]["innovation-platforms"].pk})
    assert not IndicatorTarget.objects.filter(source_target=target).exists()


def sheet(rows: list[list[Any]]) -> io.BytesIO:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "stats.xlsx"
    return out


def test_it_lets_only_the_office_upload(client: Client, world: dict[str, Any]) -> None:
    for persona in outsiders_then_office():
        as_user(client, world, persona)
        before = Observation.objects.count()
        assert client.get(reverse("indicators:upload")).status_code == (200 if persona in OFFICE else 404)
        response = client.post(reverse("indicators:upload"), {
            "file": sheet([["地区", "技术交易额（亿元）"], ["中山区", 11 + len(persona)], ["沙河口区", 3]]),
            "year": 2019, "through_month": 9, "source": DataSource.OFFICIAL})
        if persona in OFFICE:
            assert response.status_code == 302
            assert Observation.objects.count() > before
        else:
            assert response.status_code == 404, persona
            assert Observation.objects.count() == before


def test_it_lists_the_bad_cells_of_an_upload_and_stores_nothing(client: Client, world: dict[str, Any]) -> None:
    as_user(client, world, "supervisor")
    before = Observation.objects.count()
    response = client.post(reverse("indicators:upload"), {
        "file": sheet([["地区", "技术交易额（万元）", "高新技术企业数量"], ["中山区", 11, "很多"], ["火星", 1, 2]]),
        "year": 2019, "through_month": 12, "source": DataSource.OFFICIAL})
    assert response.status_code == 422
    html = response.content.decode()
    assert "B1" in html and "万元" in html and "C2" in html and "A3" in html and "未保存任何数据" in html
    assert Observation.objects.count() == before


def test_it_refuses_a_disguised_file_type(client: Client, world: dict[str, Any]) -> None:
    as_user(client, world, "supervisor")
    evil = io.BytesIO(b"<script>alert(1)</script>")
    evil.name = "stats.html"
    response = client.post(reverse("indicators:upload"), {"file": evil, "year": 2019, "through_month": 12,
                                                          "source": DataSource.OFFICIAL})
    assert response.status_code == 200 and ".xlsx" in response.content.decode()


def test_it_keeps_region_detail_queries_flat(client: Client, world: dict[str, Any],
                                             django_assert_max_num_queries: Any) -> None:
    office = world["users"]["supervisor"]

    def fill(n: int) -> None:
        for year in range(2000, 2000 + n):
            observation_record(actor=office, indicator=world["catalogue"]["tech-contract-turnover"],
                               region=world["regions"]["中山区"], year=year, value=float(year % 7 + 1),
                               source=DataSource.OFFICIAL)

    as_user(client, world, "supervisor")
    url = reverse("indicators:region_detail", args=[world["regions"]["中山区"].pk])
    fill(10)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    fill_more = 20
    for year in range(2010, 2010 + fill_more):
        observation_record(actor=office, indicator=world["catalogue"]["tech-contract-turnover"],
                           region=world["regions"]["中山区"], year=year, value=2.0, source=DataSource.OFFICIAL)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_it_keeps_attainment_queries_flat(client: Client, world: dict[str, Any],
                                          django_assert_max_num_queries: Any) -> None:
    regions = list(world["regions"].values())

    def add_targets(n: int) -> None:
        for region in regions[:n]:
            IndicatorTarget.objects.create(plan=world["plan"], indicator=world["catalogue"]["rd-intensity"],
                                           year=2019, region=region, comparator=Comparator.GE, value=2.0,
                                           value_unit="%")

    as_user(client, world, "leader")
    url = reverse("indicators:attainment", args=[world["plan"].pk])
    add_targets(4)
    with django_assert_max_num_queries(15) as small:
        client.get(url)
    add_targets(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
