"""Appeals with evidence files: checked like report evidence, stored under random names, streamed only to the
office and the appealing unit; the window; reversing an indicator deduction; a published result that the
indicator data arriving later does not move."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.assessment import services
from luoshi.assessment.models import Appeal, AppealEvidence, Rubric, Score
from luoshi.core.errors import DomainError
from luoshi.core.models import AuditEntry
from luoshi.reports.models import Notification

from .builders import AS_OF, PDF, Scenario, evidence, indicator_year, scenario

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
ALL = ("admin", "supervisor", "leader", "lead_liaison", "lead_head", "support_liaison", "other_liaison", "outsider")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def today() -> Any:
    with override_settings(LUOSHI_TODAY=AS_OF):
        yield


@pytest.fixture
def year(published_plan: Any, personas: Any) -> Scenario:
    return scenario(published_plan, personas)


@pytest.fixture
def published(year: Scenario, personas: Any) -> Rubric:
    draft = services.rubric_create(actor=personas.supervisor, year=2019, unit_group="departments")
    return services.rubric_publish(actor=personas.supervisor, rubric=draft)


def _kjj(rubric: Rubric) -> Score:
    found: Score = Score.objects.get(rubric=rubric, unit__name="市科技局")
    return found


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(("files", "message"), [
    ([], "至少一份佐证材料"),
    ([_file(f"{n}.pdf", PDF) for n in range(6)], "最多5个"),
    ([_file("请假条.pdf", PDF), _file("run.exe", b"MZ\x90\x00")], "run.exe：不支持的文件类型"),
    ([_file("伪装.pdf", b"just text, not a pdf")], "伪装.pdf：文件内容与扩展名 .pdf 不符"),
    ([_file("空.txt", b"")], "空.txt：文件为空"),
])
def test_it_refuses_missing_too_many_or_bad_evidence_and_stores_nothing(
        year: Scenario, personas: Any, published: Rubric, files: list[Any], message: str) -> None:
    with pytest.raises(DomainError, match=message):
        services.appeal_file(actor=personas.lead_liaison, score=_kjj(published), event_key=year.kjj_item4_nov_key,
                             reason="系统故障", evidence=files)
    assert (Appeal.objects.count(), AppealEvidence.objects.count()) == (0, 0)
    assert not AuditEntry.objects.filter(action="appeal.file").exists()


def test_it_stores_evidence_under_random_names_and_audits_it(year: Scenario, personas: Any,
                                                             published: Rubric) -> None:
    files = [_file("../../请假条.pdf", PDF), _file("截图.png", PNG)]
    appeal = services.appeal_file(actor=personas.lead_liaison, score=_kjj(published),
                                  event_key=year.kjj_item4_nov_key, reason="系统故障", evidence=files)
    stored = list(appeal.evidence.order_by("pk"))
    assert [(e.original_name, e.content_type, e.size) for e in stored] == [
        ("请假条.pdf", "application/pdf", len(PDF)), ("截图.png", "image/png", len(PNG))]
    for item in stored:
        assert "请假条" not in item.file.name and "截图" not in item.file.name
        assert item.file.name.startswith(f"appeal-evidence/{appeal.pk}/")
    with stored[0].file.open("rb") as handle:
        assert handle.read() == PDF
    entry = AuditEntry.objects.get(action="appeal.file")
    assert entry.after["evidence"] == (f"请假条.pdf ({len(PDF)} B, application/pdf); "
                                       f"截图.png ({len(PNG)} B, image/png)")


def test_it_files_an_appeal_with_several_files_from_the_page(client: Client, year: Scenario, personas: Any,
                                                              published: Rubric) -> None:
    kjj = _kjj(published)
    client.force_login(personas.lead_head)
    sheet = client.get(reverse("assessment:score_detail", args=[kjj.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in sheet and 'name="evidence"' in sheet
    response = client.post(reverse("assessment:appeal_create", args=[kjj.pk]), {
        "event_key": year.kjj_item4_nov_key, "reason": "系统故障未能报送",
        "evidence": [_file("系统故障说明.pdf", PDF), _file("截图.png", PNG)]}, follow=True)
    body = response.content.decode()
    assert "申诉已提交" in body
    appeal = Appeal.objects.get()
    assert sorted(appeal.evidence.values_list("original_name", flat=True)) == ["截图.png", "系统故障说明.pdf"]
    for item in appeal.evidence.all():
        assert reverse("assessment:appeal_evidence", args=[item.pk]) in body


def test_it_shows_the_bad_file_and_stores_nothing_from_the_page(client: Client, year: Scenario, personas: Any,
                                                                published: Rubric) -> None:
    kjj = _kjj(published)
    client.force_login(personas.lead_liaison)
    url = reverse("assessment:appeal_create", args=[kjj.pk])
    bad = client.post(url, {"event_key": year.kjj_item4_nov_key, "reason": "x",
                            "evidence": [_file("病毒.exe", b"MZ")]}, follow=True)
    assert "病毒.exe：不支持的文件类型" in bad.content.decode()
    none = client.post(url, {"event_key": year.kjj_item4_nov_key, "reason": "x"}, follow=True)
    assert "请附上至少一份佐证材料" in none.content.decode()
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize("who", ALL)
def test_it_streams_evidence_as_an_attachment_only_to_the_office_and_the_unit(
        client: Client, year: Scenario, personas: Any, published: Rubric, who: str) -> None:
    appeal = services.appeal_file(actor=personas.lead_liaison, score=_kjj(published),
                                  event_key=year.kjj_item4_nov_key, reason="系统故障", evidence=evidence())
    item = appeal.evidence.get()
    url = reverse("assessment:appeal_evidence", args=[item.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(getattr(personas, who))
    response = client.get(url)
    allowed = who in ("supervisor", "lead_liaison", "lead_head")
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF
    assert client.get(reverse("assessment:appeal_evidence", args=[item.pk + 1000])).status_code == 404
    # the links show only where they open (the results page: to the office, not to leaders)
    for page in ("assessment:score_detail", "assessment:rubric_detail"):
        shown = client.get(reverse(page, args=[_kjj(published).pk if page == "assessment:score_detail"
                                               else published.pk]))
        if shown.status_code == 200:
            assert (url in shown.content.decode()) == allowed, page


def test_it_keeps_the_score_sheet_queries_flat_as_appeals_and_files_grow(
        client: Client, year: Scenario, personas: Any, published: Rubric) -> None:
    kjj = _kjj(published)
    deductions = [e["key"] for e in kjj.trace if e["points"].startswith("-")]
    assert len(deductions) >= 3
    client.force_login(personas.supervisor)
    url = reverse("assessment:score_detail", args=[kjj.pk])
    services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=deductions[0], reason="x",
                         evidence=evidence())
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for key in deductions[1:3]:
        services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=key, reason="x",
                             evidence=[_file("a.pdf", PDF), _file("b.png", PNG)])
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    assert len(three) == len(one)


def test_it_closes_the_appeal_form_after_the_window(client: Client, year: Scenario, personas: Any,
                                                    published: Rubric) -> None:
    kjj = _kjj(published)
    client.force_login(personas.lead_liaison)
    assert published.appeal_deadline == AS_OF + dt.timedelta(days=10)
    with override_settings(LUOSHI_TODAY=published.appeal_deadline):
        assert 'name="evidence"' in client.get(reverse("assessment:score_detail", args=[kjj.pk])).content.decode()
    with override_settings(LUOSHI_TODAY=published.appeal_deadline + dt.timedelta(days=1)):
        closed = client.get(reverse("assessment:score_detail", args=[kjj.pk])).content.decode()
        assert 'name="evidence"' not in closed
        deadline = published.appeal_deadline
        assert f"申诉期已于{deadline.year}年{deadline.month}月{deadline.day}日截止" in closed
        response = client.post(reverse("assessment:appeal_create", args=[kjj.pk]), {
            "event_key": year.kjj_item4_nov_key, "reason": "x", "evidence": evidence()}, follow=True)
    assert "申诉期已于" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_it_reverses_an_indicator_deduction_and_the_unit_moves_up(year: Scenario, personas: Any, units: Any,
                                                                  django_capture_on_commit_callbacks: Any) -> None:
    """Weight 12 on indicators (see builders.indicator_year): 市财政局 98 + 12 = 110; 市经信委 18 + 12 + 40 bonus
    = 70; 市科技局 61.75 + 7.26 = 69.01, third. Reversing its "no figure" deduction (−3): 72.01, second."""
    targets = indicator_year(year.plan, personas)
    office = personas.supervisor
    draft = services.rubric_create(actor=office, year=2019, unit_group="departments",
                                   values={"weight_indicators": Decimal("12")})
    services.adjustment_add(actor=office, rubric=draft, unit=units["市经信委"], kind="bonus", points=Decimal(40),
                            reason="获国家级表彰")
    rubric = services.rubric_publish(actor=office, rubric=draft)
    kjj = _kjj(rubric)
    assert (kjj.total, kjj.rank, kjj.components["indicators"]) == (Decimal("69.01"), 3, "7.26")
    key = f"indicators:indicator-target:{targets.patents.pk}"
    appeal = services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=key,
                                  reason="统计局年报已有该项数据，尚未录入", evidence=evidence("统计年报.pdf"))
    assert "每万人口发明专利拥有量" in appeal.event_text and appeal.points == Decimal("-3")
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_decide(actor=office, appeal=appeal, decision="reverse", comment="数据已核实，撤销扣分")
    kjj.refresh_from_db()
    assert (kjj.total, kjj.rank, kjj.components["indicators"]) == (Decimal("72.01"), 2, "10.26")
    assert Score.objects.get(rubric=rubric, unit__name="市经信委").rank == 3
    change = AuditEntry.objects.get(action="score.recompute")
    assert (change.before, change.after) == ({"total": "69.01", "rank": 3}, {"total": "72.01", "rank": 2})
    # the unit's two accounts are told, with a link to the sheet; no other account is
    told = Notification.objects.filter(url=reverse("assessment:score_detail", args=[kjj.pk]))
    assert sorted(told.values_list("user__username", flat=True)) == ["kjj", "kjj_head"]
    assert "撤销扣分" in told.first().text and "每万人口发明专利拥有量" in told.first().text


def test_it_never_lets_later_indicator_data_move_a_published_result(year: Scenario, personas: Any,
                                                                    published: Rubric) -> None:
    """v1 was published with no weight on indicators; figures arriving later change neither v1's scores nor
    its recomputation after an appeal. A new version with a weight is what counts them."""
    indicator_year(year.plan, personas)
    kjj = _kjj(published)
    assert (kjj.total, kjj.components["indicators"]) == (Decimal("61.75"), "0.00")
    appeal = services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=year.kjj_item4_nov_key,
                                  reason="系统故障", evidence=evidence())
    services.appeal_decide(actor=personas.supervisor, appeal=appeal, decision="reverse", comment="属实")
    kjj.refresh_from_db()
    assert (kjj.total, kjj.components["indicators"]) == (Decimal("68.00"), "0.00")
    assert not any(e["component"] == "indicators" for e in kjj.trace)
    v2 = services.rubric_create(actor=personas.supervisor, year=2019, unit_group="departments",
                                values={"weight_indicators": Decimal("12")})
    services.rubric_publish(actor=personas.supervisor, rubric=v2)
    assert _kjj(v2).components["indicators"] == "7.26"
    kjj.refresh_from_db()
    assert kjj.total == Decimal("68.00")


def test_it_counts_pending_appeals_on_the_office_index(client: Client, year: Scenario, personas: Any,
                                                       published: Rubric) -> None:
    kjj = _kjj(published)
    keys = [e["key"] for e in kjj.trace if e["points"].startswith("-")][:2]
    first = services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=keys[0], reason="x",
                                 evidence=evidence())
    services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=keys[1], reason="x",
                         evidence=evidence())
    services.appeal_decide(actor=personas.supervisor, appeal=first, decision="uphold", comment="维持")
    client.force_login(personas.supervisor)
    index = client.get(reverse("assessment:index"))
    assert index.context["page"].object_list[0].pending_appeals == 1
    assert reverse("assessment:rubric_detail", args=[published.pk]) + "#appeals" in index.content.decode()


# --- issue 10: the decision has no default; the office chooses reverse or uphold ---------------------------------


@pytest.mark.parametrize("decision", [None, "", "maybe"])
def test_it_refuses_a_decision_that_was_not_chosen(year: Scenario, personas: Any, published: Rubric,
                                                   decision: str | None) -> None:
    kjj = _kjj(published)
    total = kjj.total
    appeal = services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=year.kjj_item4_nov_key,
                                  reason="系统故障", evidence=evidence())
    with pytest.raises(DomainError, match="请选择处理结果") as caught:
        services.appeal_decide(actor=personas.supervisor, appeal=appeal, decision=decision, comment="属实")
    assert caught.value.code == "decision_required"
    appeal.refresh_from_db()
    kjj.refresh_from_db()
    assert (appeal.status, appeal.decided_by, appeal.decision_comment) == ("pending", None, "")
    assert kjj.total == total and not any(e["reversed"] for e in kjj.trace)
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {"appeal.file"}
    assert not AuditEntry.objects.filter(action__in=["appeal.reverse", "appeal.uphold", "score.recompute"]).exists()
    assert not Notification.objects.exists()


def test_it_offers_no_default_decision_on_the_pages(client: Client, year: Scenario, personas: Any,
                                                    published: Rubric) -> None:
    from luoshi.assessment.forms import AppealDecisionForm

    form = AppealDecisionForm()
    assert form.fields["decision"].initial is None and form.fields["decision"].required
    assert not AppealDecisionForm({"comment": "属实"}).is_valid()
    kjj = _kjj(published)
    services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=year.kjj_item4_nov_key,
                         reason="系统故障", evidence=evidence())
    client.force_login(personas.supervisor)
    page = client.get(reverse("assessment:score_detail", args=[kjj.pk])).content.decode()
    select = page[page.index('<select name="decision"'):]
    select = select[:select.index("</select>")]
    assert " required" in select.split(">")[0]
    assert '<option value="" selected>' in select and "请选择处理结果" in select
    assert '"reverse" selected' not in select and '"uphold" selected' not in select


def test_it_changes_nothing_when_the_page_posts_no_decision(client: Client, year: Scenario, personas: Any,
                                                            published: Rubric) -> None:
    kjj = _kjj(published)
    total, rank = kjj.total, kjj.rank
    appeal = services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=year.kjj_item4_nov_key,
                                  reason="系统故障", evidence=evidence())
    client.force_login(personas.supervisor)
    url = reverse("assessment:appeal_decide", args=[appeal.pk])
    for data in ({"comment": "属实"}, {"decision": "", "comment": "属实"}, {"decision": "maybe", "comment": "属实"}):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        body = response.content.decode()
        assert "请选择处理结果" in body and "申诉已处理" not in body, data
    appeal.refresh_from_db()
    kjj.refresh_from_db()
    assert (appeal.status, appeal.decided_at, kjj.total, kjj.rank) == ("pending", None, total, rank)
    assert not AuditEntry.objects.filter(action__in=["appeal.reverse", "appeal.uphold", "score.recompute"]).exists()
    assert not Notification.objects.exists()
    # a chosen decision still goes through
    client.post(url, {"decision": "uphold", "comment": "无佐证"})
    appeal.refresh_from_db()
    assert appeal.status == "upheld"


def test_appeal_evidence_is_checked_against_its_sha256_and_leaves_the_disk_when_deleted(
        client: Client, year: Scenario, personas: Any, published: Rubric,
        django_capture_on_commit_callbacks: Any) -> None:
    import hashlib
    import os

    appeal = services.appeal_file(actor=personas.lead_liaison, score=_kjj(published),
                                  event_key=year.kjj_item4_nov_key, reason="系统故障", evidence=evidence())
    item = appeal.evidence.get()
    assert item.sha256 == hashlib.sha256(PDF).hexdigest()
    client.force_login(personas.supervisor)
    url = reverse("assessment:appeal_evidence", args=[item.pk])
    assert client.get(url).status_code == 200
    with open(item.file.path, "ab") as handle:
        handle.write(b"tampered")
    response = client.get(url)
    assert response.status_code == 409 and b"tampered" not in response.content
    entry = AuditEntry.objects.filter(action="security.integrity_failure").latest("id")
    assert (entry.object_id, entry.result) == (str(item.pk), "failure")
    path = item.file.path
    with django_capture_on_commit_callbacks(execute=True):
        item.delete()
    assert not os.path.exists(path)
