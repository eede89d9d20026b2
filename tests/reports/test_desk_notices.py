"""What waits for whom: the office is told of submitted reports, closing and extension requests, appeals and
answers to instructions; the unit head of reports to approve; the liaison of returns and instructions (only
the units the leader chose). Notices go out after commit, never for a change that was rolled back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.core.errors import DomainError
from luoshi.orgs.choices import Role
from luoshi.plans.models import Assignment
from luoshi.reports import services
from luoshi.reports.models import Instruction, Notification
from luoshi.reports.selectors import my_tasks_rows, open_instructions

from .workflow_helpers import ITEM_1, assignment, draft, period, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def a1(published_plan: Any) -> Assignment:
    return assignment(published_plan, ITEM_1, "市科技局")


@pytest.fixture
def second_office(personas: Any, django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="office2", password=personas.password,
                                                 role=Role.SUPERVISOR)


def texts(user: Any) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("text", flat=True))


def test_it_tells_every_office_account_of_a_submitted_report_and_nobody_else(
        personas: Any, a1: Assignment, published_plan: Any, second_office: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report = submitted(personas, a1, period(published_plan, 2))
    for office in (personas.supervisor, second_office):
        notices = Notification.objects.filter(user=office)
        assert [n.text for n in notices] == ["市科技局报送了“二.(一).1”2019年2月进展报告，待审核"]
        assert notices.get().url == f"/reports/{report.pk}/"
    assert texts(personas.leader) == [] and texts(personas.admin) == []


def test_it_tells_the_unit_head_when_a_liaison_writes_a_report_to_approve(
        personas: Any, a1: Assignment, published_plan: Any, django_capture_on_commit_callbacks: Any) -> None:
    feb = period(published_plan, 2)
    with django_capture_on_commit_callbacks(execute=True):
        report = draft(personas.lead_liaison, a1, feb)
        services.report_save(actor=personas.lead_liaison, assignment=a1, period=feb, version=report.version,
                             progress="on_track", narrative="改一改。")
    assert texts(personas.lead_head) == ["“二.(一).1”2019年2月进展报告已填写，待您审核"]  # once, not per save
    assert texts(personas.lead_liaison) == [] and texts(personas.supervisor) == []


def test_it_tells_nobody_of_a_submission_that_was_refused(
        personas: Any, a1: Assignment, published_plan: Any, django_capture_on_commit_callbacks: Any) -> None:
    report = draft(personas.lead_liaison, a1, period(published_plan, 2), narrative="")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        services.report_submit(actor=personas.lead_head, report=report, version=report.version)
    assert texts(personas.supervisor) == []


def test_it_tells_the_office_of_closing_and_extension_requests(
        personas: Any, a1: Assignment, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_close(actor=personas.lead_liaison, assignment=a1, closing_report="已全部完成。")
        services.extension_request(actor=personas.lead_liaison, assignment=a1,
                                   requested_deadline=dt.date.today() + dt.timedelta(days=400), reason="协调中。")
    found = texts(personas.supervisor)
    assert found[0] == "市科技局申请办结“二.(一).1”，待确认"
    assert found[1].startswith("市科技局申请将“二.(一).1”延期至") and found[1].endswith("，待审批")


def test_it_tells_the_leader_and_the_office_when_a_unit_answers_an_instruction(
        personas: Any, a1: Assignment, published_plan: Any, django_capture_on_commit_callbacks: Any) -> None:
    instruction = services.instruction_create(actor=personas.leader, task=a1.task, text="加快进度。")
    feb = period(published_plan, 2)
    with django_capture_on_commit_callbacks(execute=True):
        submitted(personas, a1, feb, answers={instruction.pk: "已加快。"})
    assert texts(personas.leader) == ["市科技局答复了对“二.(一).1”的领导批示"]
    assert "市科技局答复了对“二.(一).1”的领导批示" in texts(personas.supervisor)


def test_it_sends_an_instruction_only_to_the_units_the_leader_chose(
        personas: Any, a1: Assignment, published_plan: Any, django_capture_on_commit_callbacks: Any) -> None:
    support = assignment(published_plan, ITEM_1, "市财政局")
    with django_capture_on_commit_callbacks(execute=True):
        instruction = services.instruction_create(actor=personas.leader, task=a1.task, text="请财政局保障资金。",
                                                  unit_ids=[support.unit_id])
    assert list(instruction.units.values_list("pk", flat=True)) == [support.unit_id]
    assert any("请财政局保障资金" in t for t in texts(personas.support_liaison))
    assert texts(personas.lead_liaison) == [] and texts(personas.lead_head) == []
    # only the chosen unit must answer it before submitting
    assert [i.pk for i in open_instructions(assignment=support)] == [instruction.pk]
    assert open_instructions(assignment=a1) == []
    rows = {row.assignment.pk: row for row in my_tasks_rows([a1, support], today=dt.date(2019, 3, 1))}
    assert (rows[a1.pk].open_instructions, rows[support.pk].open_instructions) == (0, 1)
    submitted(personas, a1, period(published_plan, 2))  # not held back by the other unit's instruction


def test_it_refuses_an_instruction_to_a_unit_not_holding_the_task(personas: Any, a1: Assignment, units: Any) -> None:
    with pytest.raises(DomainError) as excinfo:
        services.instruction_create(actor=personas.leader, task=a1.task, text="请办理。",
                                    unit_ids=[units["市商务局"].pk])
    assert excinfo.value.code == "not_holder"
    assert not Instruction.objects.exists()


def test_it_tells_the_office_of_an_appeal(personas: Any, published_plan: Any,
                                          django_capture_on_commit_callbacks: Any) -> None:
    from luoshi.assessment import services as assessment
    from luoshi.assessment.models import Score
    from luoshi.assessment.scoring import Event
    from luoshi.core import clock

    rubric = assessment.rubric_create(actor=personas.supervisor, year=published_plan.year, unit_group="departments")
    rubric = assessment.rubric_publish(actor=personas.supervisor, rubric=rubric)
    rubric.appeal_deadline = clock.today() + dt.timedelta(days=10)
    rubric.save(update_fields=["appeal_deadline"])
    score = Score.objects.get(rubric=rubric, unit__name="市科技局")
    deductions = [e for e in map(Event.from_json, score.trace) if e.points < 0]
    if not deductions:
        pytest.skip("the small plan's score has no deduction to appeal")
    with django_capture_on_commit_callbacks(execute=True):
        assessment.appeal_file(actor=personas.lead_liaison, score=score, event_key=deductions[0].key,
                               reason="已按时报送。",
                               evidence=[SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")])
    assert texts(personas.supervisor)[-1].startswith("市科技局对考核扣分提出申诉：")


def test_it_tells_the_head_once_when_a_liaison_uploads_a_filled_sheet(
        client: Any, published_plan: Any, personas: Any, django_capture_on_commit_callbacks: Any) -> None:
    from tests.reports.test_cycle_sheets import download, fill, own, rows_of, upload

    june = published_plan.periods.get(start=dt.date(2019, 6, 1))
    data = download(client, personas.lead_liaison, june)
    rows = rows_of(data)
    edits = {}
    for key in ("二/(一)/1", "二/(二)/4"):
        row = rows[(own(published_plan, key, "市科技局").pk, None)]
        edits.update({(row, "progress"): "正常推进", (row, "narrative"): "按计划推进。"})
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(client, june, fill(data, edits)).status_code == 302
    assert texts(personas.lead_head) == ["填报表已保存2项2019年6月进展报告，待您审核"]  # one notice, not one per row
