"""Pages × personas: the office edits, leaders read, a unit reads only its own sheet and appeals only its own
deductions; everything else is 404. Preview via htmx, publication, appeal and decision, the xlsx export."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.assessment import services
from luoshi.assessment.choices import AppealStatus, RubricStatus
from luoshi.assessment.models import Appeal, Rubric, Score
from luoshi.core.models import AuditEntry
from luoshi.orgs.models import Unit
from tests.xlsx_checks import assert_house_style, assert_safe_xlsx

from .builders import AS_OF, Scenario, evidence, indicator_year, scenario

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
HTMX = {"HTTP_HX_REQUEST": "true"}
ALL = ("admin", "supervisor", "leader", "lead_liaison", "lead_head", "support_liaison", "other_liaison", "outsider")
OFFICE = ("supervisor",)
READERS = ("supervisor", "leader")
WEIGHTS = {"weight_completion": "40", "weight_timeliness": "25", "weight_quality": "15", "weight_reminders": "10",
           "weight_extensions": "10", "weight_indicators": "0", "per_return": "1", "per_reminder": "1",
           "per_extension": "2", "appeal_days": "10"}


@pytest.fixture
def today() -> Any:
    with override_settings(LUOSHI_TODAY=AS_OF):
        yield


@pytest.fixture
def year(published_plan: Any, personas: Any) -> Scenario:
    return scenario(published_plan, personas)


@pytest.fixture
def draft(year: Scenario, personas: Any) -> Rubric:
    return services.rubric_create(actor=personas.supervisor, year=2019, unit_group="departments")


@pytest.fixture
def published(draft: Rubric, personas: Any) -> Rubric:
    return services.rubric_publish(actor=personas.supervisor, rubric=draft)


def _as(client: Client, personas: Any, name: str) -> Client:
    client.force_login(getattr(personas, name))
    return client


def _score(rubric: Rubric, unit: str) -> Score:
    found: Score = Score.objects.get(rubric=rubric, unit__name=unit)
    return found


@pytest.mark.parametrize("who", ALL)
def test_it_shows_rubrics_to_readers_and_only_own_scores_to_units(client: Client, personas: Any, published: Rubric,
                                                                   who: str) -> None:
    body = _as(client, personas, who).get(reverse("assessment:index")).content.decode()
    detail = reverse("assessment:rubric_detail", args=[published.pk])
    own = {"lead_liaison": "市科技局", "lead_head": "市科技局", "support_liaison": "市财政局",
           "other_liaison": "市经信委"}
    if who in READERS:
        assert detail in body
    else:
        assert detail not in body
        links = {s.unit.name: reverse("assessment:score_detail", args=[s.pk]) for s in published.scores.all()}
        for unit, link in links.items():
            assert (link in body) == (own.get(who) == unit)


@pytest.mark.parametrize("who", ALL)
def test_it_lets_only_readers_open_rubrics_and_exports(client: Client, personas: Any, draft: Rubric,
                                                       who: str) -> None:
    _as(client, personas, who)
    draft_page = client.get(reverse("assessment:rubric_detail", args=[draft.pk]))
    assert draft_page.status_code == (200 if who in READERS else 404)
    assert client.get(reverse("assessment:rubric_export", args=[draft.pk])).status_code == 404  # drafts: never
    services.rubric_publish(actor=personas.supervisor, rubric=draft)
    assert client.get(reverse("assessment:rubric_detail", args=[draft.pk])).status_code == (
        200 if who in READERS else 404)
    assert client.get(reverse("assessment:rubric_export", args=[draft.pk])).status_code == (
        200 if who in READERS else 404)


@pytest.mark.parametrize("who", ALL)
def test_it_lets_only_the_office_change_a_rubric(client: Client, personas: Any, draft: Rubric, units: Any,
                                                 who: str) -> None:
    _as(client, personas, who)
    data = {**WEIGHTS, "weight_completion": "30", "appeal_days": "7", "revision": str(draft.revision)}
    responses = [
        client.post(reverse("assessment:rubric_update", args=[draft.pk]), data),
        client.post(reverse("assessment:adjustment_add", args=[draft.pk]),
                    {"unit": units["市经信委"].pk, "kind": "bonus", "points": "3", "reason": "表彰"}),
        client.post(reverse("assessment:rubric_create"), {"year": "2019", "unit_group": "districts"}),
    ]
    draft.refresh_from_db()
    if who in OFFICE:
        assert [r.status_code for r in responses] == [302, 302, 302]
        assert (draft.weight_completion, draft.appeal_days, draft.adjustments.count()) == (Decimal("30"), 7, 1)
        assert Rubric.objects.filter(unit_group="districts").exists()
    else:
        assert [r.status_code for r in responses] == [404, 404, 404]
        assert (draft.weight_completion, draft.adjustments.count()) == (Decimal("40"), 0)
        assert Rubric.objects.count() == 1
    publish = client.post(reverse("assessment:rubric_publish", args=[draft.pk]), {"revision": draft.revision})
    draft.refresh_from_db()
    assert publish.status_code == (302 if who in OFFICE else 404)
    assert draft.status == (RubricStatus.PUBLISHED if who in OFFICE else RubricStatus.DRAFT)


def test_it_refuses_a_stale_save_with_a_message(client: Client, personas: Any, draft: Rubric) -> None:
    _as(client, personas, "supervisor")
    data = {**WEIGHTS, "weight_completion": "30", "appeal_days": "7", "revision": "1"}
    client.post(reverse("assessment:rubric_update", args=[draft.pk]), data)
    response = client.post(reverse("assessment:rubric_update", args=[draft.pk]), {**data, "weight_completion": "5"},
                           follow=True)
    assert "已被他人修改" in response.content.decode()
    draft.refresh_from_db()
    assert draft.weight_completion == Decimal("30")


def test_it_recomputes_the_preview_for_htmx_without_saving(client: Client, personas: Any, draft: Rubric) -> None:
    _as(client, personas, "supervisor")
    params = {**WEIGHTS, "preview": "1", "weight_completion": "0", "weight_timeliness": "0", "weight_quality": "0"}
    response = client.get(reverse("assessment:rubric_detail", args=[draft.pk]), params, **HTMX)
    body = response.content.decode()
    assert "<html" not in body  # the partial only
    # reminders and extensions only: 市科技局 19 moves up to first, 市财政局 down to share second with 市经信委
    assert body.count("19.00") == 1 and body.count("18.00") == 2
    assert body.count("↑1") == 2 and body.count("↓1") == 1
    full = client.get(reverse("assessment:rubric_detail", args=[draft.pk])).content.decode()
    assert "98.00" in full and "61.75" in full and "<html" in full
    draft.refresh_from_db()
    assert draft.weight_completion == Decimal("40")


@pytest.mark.parametrize("who", ALL)
def test_it_shows_a_score_sheet_only_to_readers_and_its_unit(client: Client, personas: Any, published: Rubric,
                                                              who: str) -> None:
    _as(client, personas, who)
    kjj = _score(published, "市科技局")
    response = client.get(reverse("assessment:score_detail", args=[kjj.pk]))
    allowed = who in READERS or who in ("lead_liaison", "lead_head")
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        body = response.content.decode()
        assert "61.75" in body and "未报送" in body and "逾期3天" in body
        assert ('name="event_key"' in body) == (who in ("lead_liaison", "lead_head"))
    assert client.get(reverse("assessment:score_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("who", ALL)
def test_it_lets_only_the_unit_appeal_its_own_deductions(client: Client, personas: Any, year: Scenario,
                                                         published: Rubric, who: str) -> None:
    _as(client, personas, who)
    kjj = _score(published, "市科技局")
    response = client.post(reverse("assessment:appeal_create", args=[kjj.pk]),
                           {"event_key": year.kjj_item4_nov_key, "reason": "系统故障未能报送",
                            "evidence": evidence()})
    own = who in ("lead_liaison", "lead_head")
    assert response.status_code == (302 if own else 404)
    assert Appeal.objects.count() == (1 if own else 0)
    if own:
        assert AuditEntry.objects.filter(action="appeal.file").count() == 1


def test_it_answers_404_for_an_appeal_on_anything_but_an_own_deduction(client: Client, personas: Any,
                                                                       year: Scenario, published: Rubric) -> None:
    _as(client, personas, "lead_liaison")
    kjj, czj = _score(published, "市科技局"), _score(published, "市财政局")
    czj_deduction = next(e["key"] for e in czj.trace if e["points"].startswith("-"))
    url = reverse("assessment:appeal_create", args=[kjj.pk])
    assert client.post(url, {"event_key": "quality:review:0", "reason": "x"}).status_code == 404
    assert client.post(url, {"event_key": czj_deduction, "reason": "x"}).status_code == 404
    assert client.post(reverse("assessment:appeal_create", args=[czj.pk]),
                       {"event_key": czj_deduction, "reason": "x"}).status_code == 404
    assert client.get(url).status_code == 405
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize("who", ALL)
def test_it_lets_only_the_office_decide_an_appeal(client: Client, personas: Any, year: Scenario,
                                                  published: Rubric, who: str) -> None:
    kjj = _score(published, "市科技局")
    appeal = services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=year.kjj_item4_nov_key,
                                  reason="系统故障", evidence=evidence())
    _as(client, personas, who)
    response = client.post(reverse("assessment:appeal_decide", args=[appeal.pk]),
                           {"decision": "reverse", "comment": "属实"})
    appeal.refresh_from_db()
    kjj.refresh_from_db()
    if who in OFFICE:
        assert response.status_code == 302
        assert (appeal.status, kjj.total) == (AppealStatus.REVERSED, Decimal("68.00"))
    else:
        assert response.status_code == 404
        assert (appeal.status, kjj.total) == (AppealStatus.PENDING, Decimal("61.75"))


def test_it_exports_the_results_table_as_xlsx(client: Client, personas: Any, published: Rubric) -> None:
    response = _as(client, personas, "leader").get(reverse("assessment:rubric_export", args=[published.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert "2019" in str(rows[0][0]) and "市直部门" in str(rows[0][0])
    assert rows[1] == ("名次", "单位", "总分", "任务完成", "报送及时", "报告质量", "催办", "延期", "指标目标完成",
                       "加减分")
    assert rows[2] == (1, "市财政局", 98, 40, 25, 15, 10, 8, 0, 0)
    assert rows[3] == (2, "市科技局", 61.75, 20, 12.5, 10.25, 9, 10, 0, 0)
    assert rows[4] == (3, "市经信委", 18, 0, 0, 0, 8, 10, 0, 0)
    assert len(rows) == 5
    assert_house_style(response.content, header_row=2)


def test_it_keeps_the_results_page_queries_flat(client: Client, personas: Any, published: Rubric,
                                                django_assert_max_num_queries: Any) -> None:
    _as(client, personas, "supervisor")
    kjj = _score(published, "市科技局")
    for e in [e for e in kjj.trace if e["points"].startswith("-")][:2]:
        services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=e["key"], reason="x",
                             evidence=evidence())
    with django_assert_max_num_queries(12):
        assert client.get(reverse("assessment:rubric_detail", args=[published.pk])).status_code == 200


@pytest.mark.parametrize("who", ALL)
def test_it_exports_a_score_sheet_to_readers_and_its_unit_only(client: Client, personas: Any, year: Scenario,
                                                               published: Rubric, who: str) -> None:
    kjj = _score(published, "市科技局")
    response = _as(client, personas, who).get(reverse("assessment:score_export", args=[kjj.pk]))
    allowed = who in READERS or who in ("lead_liaison", "lead_head")
    assert response.status_code == (200 if allowed else 404)
    if not allowed:
        return
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("总分", 61.75, "名次", 2)
    timeliness = rows.index(("报送及时", 12.5, None, None))
    assert [r[3] for r in rows[timeliness + 1:timeliness + 3]] == [-6.25, -6.25]
    assert any("未报送" in str(r[2]) for r in rows[timeliness + 1:timeliness + 3])


def test_it_exports_the_indicator_component_and_the_note(client: Client, personas: Any, year: Scenario) -> None:
    """With 12 points on indicators (builders.indicator_year) the table's 指标目标完成 column carries them."""
    indicator_year(year.plan, personas)
    draft = services.rubric_create(actor=personas.supervisor, year=2019, unit_group="departments",
                                   values={"weight_indicators": Decimal("12"), "note": "示例数据，非真实考核结果"})
    published = services.rubric_publish(actor=personas.supervisor, rubric=draft)
    response = _as(client, personas, "supervisor").get(reverse("assessment:rubric_export", args=[published.pk]))
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert "示例数据，非真实考核结果" in str(rows[0][0])
    assert rows[2] == (1, "市财政局", 110, 40, 25, 15, 10, 8, 12, 0)
    assert rows[3] == (2, "市科技局", 69.01, 20, 12.5, 10.25, 9, 10, 7.26, 0)
    page = client.get(reverse("assessment:rubric_detail", args=[published.pk])).content.decode()
    assert "示例数据，非真实考核结果" in page and "7.26" in page and "单项分值×(1−完成率)" in page
    sheet_page = client.get(reverse("assessment:score_detail", args=[_score(published, "市科技局").pk]))
    assert "完成目标的92%" in sheet_page.content.decode()


def test_it_writes_hostile_text_in_the_exports_as_text(client: Client, personas: Any, published: Rubric) -> None:
    """Unit names, the rubric's note and the trace's texts are written as text, control characters dropped."""
    Unit.objects.filter(name="市科技局").update(name="=1+1")
    Rubric.objects.filter(pk=published.pk).update(note="@SUM(A1)\x0b")
    kjj = Score.objects.get(rubric=published, unit__name="=1+1")
    kjj.trace = [{**kjj.trace[0], "text": "-2+3\x0b"}, *kjj.trace[1:]]
    kjj.save(update_fields=["trace"])
    reader = _as(client, personas, "supervisor")
    results = reader.get(reverse("assessment:rubric_export", args=[published.pk]))
    assert results.status_code == 200
    cells = assert_safe_xlsx(results.content, ["=1+1", "@SUM(A1)"])
    assert any(c.value == "=1+1" and c.column == 2 for c in cells)  # the unit column
    sheet = reader.get(reverse("assessment:score_export", args=[kjj.pk]))
    assert sheet.status_code == 200
    assert_safe_xlsx(sheet.content, ["=1+1 2019年度考核得分表", "@SUM(A1)", "-2+3"])
