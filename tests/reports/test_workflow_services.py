"""The reporting workflow's services: every transition, the refused ones, audit, locks, versions, batches,
extensions, instructions, evidence checks and closing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.core.errors import DomainError, StaleUpdate
from luoshi.core.models import AuditEntry
from luoshi.plans.models import Assignment
from luoshi.reports import services
from luoshi.reports.models import Attachment, InstructionAnswer, Notification, Report, Review, TargetActual
from luoshi.reports.selectors import open_instructions

from .workflow_helpers import ITEM_1, ITEM_2, ITEM_4, assignment, draft, duplicate, freeze, period, submitted

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buf.getvalue()


def _codes(excinfo: Any) -> str:
    return str(excinfo.value.code)


@pytest.fixture
def a1(published_plan: Any) -> Assignment:
    return assignment(published_plan, ITEM_1, "市科技局")


@pytest.fixture
def feb(published_plan: Any) -> Any:
    return period(published_plan, 2)


# --- saving and optimistic locking ---------------------------------------------------------------------------


def test_it_creates_a_draft_with_actuals_and_audits_it(personas: Any, a1: Assignment, feb: Any) -> None:
    target = a1.task.targets.get()
    report = draft(personas.lead_liaison, a1, feb, actuals={target.pk: 1200.0})
    report.refresh_from_db()
    assert (report.status, report.version, report.progress) == ("draft", 1, "on_track")
    assert TargetActual.objects.get(report=report, target=target).value == 1200.0
    entry = AuditEntry.objects.get(action="report.create", object_id=str(report.pk))
    assert entry.before is None
    assert entry.after["status"] == "draft" and entry.after["version"] == 1
    assert (entry.unit_id, entry.task_id) == (a1.unit_id, a1.task_id)


def test_it_refuses_a_save_based_on_a_stale_version(personas: Any, a1: Assignment, feb: Any) -> None:
    report = draft(personas.lead_liaison, a1, feb)
    opened_with = report.version
    services.report_save(actor=personas.lead_head, assignment=a1, period=feb, version=opened_with,
                         progress="lagging", narrative="负责人修改")
    with pytest.raises(StaleUpdate) as excinfo:
        services.report_save(actor=personas.lead_liaison, assignment=a1, period=feb, version=opened_with,
                             progress="done", narrative="联络员的旧表单")
    assert "刷新" in excinfo.value.message
    report.refresh_from_db()
    assert (report.narrative, report.progress, report.version) == ("负责人修改", "lagging", 2)


def test_it_refuses_a_new_form_when_someone_created_the_report_meanwhile(personas: Any, a1: Assignment,
                                                                        feb: Any) -> None:
    draft(personas.lead_liaison, a1, feb, narrative="第一份")
    with pytest.raises(StaleUpdate):
        draft(personas.lead_head, a1, feb, narrative="第二份")
    assert Report.objects.get(assignment=a1, period=feb).narrative == "第一份"


def test_it_refuses_writes_from_other_units_the_office_and_leaders(personas: Any, a1: Assignment, feb: Any) -> None:
    for actor in (personas.support_liaison, personas.other_liaison, personas.supervisor, personas.leader):
        with pytest.raises(DomainError) as excinfo:
            draft(actor, a1, feb)
        assert _codes(excinfo) == "forbidden"
    assert not Report.objects.exists()


def test_it_refuses_a_period_that_has_not_started_and_bad_targets(personas: Any, a1: Assignment, feb: Any,
                                                                  monkeypatch: Any, published_plan: Any) -> None:
    freeze(monkeypatch, "2019-02-10T09:00")
    with pytest.raises(DomainError) as excinfo:
        draft(personas.lead_liaison, a1, period(published_plan, 3))
    assert _codes(excinfo) == "future_period"
    other_target = assignment(published_plan, ITEM_2, "市经信委").task.targets.get()
    with pytest.raises(DomainError) as excinfo:
        draft(personas.lead_liaison, a1, feb, actuals={other_target.pk: 1.0})
    assert _codes(excinfo) == "wrong_target"
    assert not Report.objects.exists()


# --- the flow ----------------------------------------------------------------------------------------------------


def test_it_runs_draft_approve_submit_accept_with_reviews_and_audit(personas: Any, a1: Assignment, feb: Any,
                                                                  django_capture_on_commit_callbacks: Any) -> None:
    report = draft(personas.lead_liaison, a1, feb)
    with pytest.raises(DomainError) as excinfo:  # a liaison cannot approve, nor submit an unapproved draft
        services.report_approve(actor=personas.lead_liaison, report=report)
    assert _codes(excinfo) == "forbidden"
    with pytest.raises(DomainError):
        services.report_submit(actor=personas.lead_liaison, report=report)
    report = services.report_approve(actor=personas.lead_head, report=report, version=report.version)
    assert report.status == "approved"
    report = services.report_submit(actor=personas.lead_liaison, report=report, version=report.version)
    assert report.status == "submitted" and report.submitted_at is not None
    with pytest.raises(DomainError):  # a unit account cannot accept its own report
        services.report_accept(actor=personas.lead_head, report=report)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_accept(actor=personas.supervisor, report=report, version=report.version)
    report.refresh_from_db()
    assert report.status == "accepted" and report.accepted_at is not None
    assert list(Review.objects.filter(report=report).values_list("action", flat=True)) == [
        "approve", "submit", "accept"]
    trail = list(AuditEntry.objects.filter(object_id=str(report.pk), object_type="reports.report")
                 .order_by("id").values_list("action", "before__status", "after__status"))
    assert trail[-3:] == [("report.approve", "draft", "approved"), ("report.submit", "approved", "submitted"),
                          ("report.accept", "submitted", "accepted")]
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert notified == {"kjj", "kjj_head"}  # the unit's liaison and head, nobody else


def test_it_the_head_may_submit_a_draft_directly(personas: Any, a1: Assignment, feb: Any) -> None:
    report = draft(personas.lead_liaison, a1, feb)
    report = services.report_submit(actor=personas.lead_head, report=report, version=report.version)
    assert report.status == "submitted"


def test_it_the_head_of_another_unit_cannot_approve(personas: Any, a1: Assignment, feb: Any,
                                                 django_user_model: Any, units: Any) -> None:
    other_head = django_user_model.objects.create_user(username="czj_head", password="x", role="head",
                                                       unit=units["市财政局"])
    report = draft(personas.lead_liaison, a1, feb)
    with pytest.raises(DomainError) as excinfo:
        services.report_approve(actor=other_head, report=report)
    assert _codes(excinfo) == "forbidden"
    report.refresh_from_db()
    assert report.status == "draft"


def test_it_editing_an_approved_report_sends_it_back_to_draft(personas: Any, a1: Assignment, feb: Any) -> None:
    report = draft(personas.lead_liaison, a1, feb)
    report = services.report_approve(actor=personas.lead_head, report=report)
    services.report_save(actor=personas.lead_liaison, assignment=a1, period=feb, version=report.version,
                         progress="lagging", narrative="改了内容")
    report.refresh_from_db()
    assert report.status == "draft"
    with pytest.raises(DomainError):
        services.report_submit(actor=personas.lead_liaison, report=report)


def test_it_a_return_needs_a_comment_then_the_unit_revises_and_resubmits(personas: Any, a1: Assignment, feb: Any,
                                                                    django_capture_on_commit_callbacks: Any) -> None:
    report = submitted(personas, a1, feb)
    with pytest.raises(DomainError) as excinfo:
        services.report_return(actor=personas.supervisor, report=report, comment="   ")
    assert _codes(excinfo) == "comment_required"
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_return(actor=personas.supervisor, report=report, comment="请补充企业名单")
    assert report.status == "returned"
    assert Review.objects.get(report=report, action="return").comment == "请补充企业名单"
    assert Notification.objects.filter(user=personas.lead_liaison, text__contains="请补充企业名单").exists()
    assert not Notification.objects.filter(user=personas.support_liaison).exists()
    with pytest.raises(DomainError):  # a submitted-and-returned report is not accepted as it stands
        services.report_accept(actor=personas.supervisor, report=report)
    services.report_save(actor=personas.lead_liaison, assignment=a1, period=feb, version=report.version,
                         progress="on_track", narrative="已补充名单")
    report.refresh_from_db()
    assert report.status == "returned"  # stays visible as returned until resubmitted
    report = services.report_submit(actor=personas.lead_head, report=report, version=report.version)
    report = services.report_accept(actor=personas.supervisor, report=report, version=report.version)
    assert report.status == "accepted"


def test_it_an_accepted_report_is_locked_for_everyone(personas: Any, a1: Assignment, feb: Any) -> None:
    report = submitted(personas, a1, feb)
    with pytest.raises(DomainError) as excinfo:  # submitted: no unit edits either
        services.report_save(actor=personas.lead_liaison, assignment=a1, period=feb, version=report.version,
                             progress="done", narrative="x")
    assert _codes(excinfo) == "locked"
    report = services.report_accept(actor=personas.supervisor, report=report)
    for actor in (personas.lead_liaison, personas.lead_head):
        with pytest.raises(DomainError):
            services.report_save(actor=actor, assignment=a1, period=feb, version=report.version,
                                 progress="done", narrative="x")
        with pytest.raises(DomainError):
            services.attachment_add(actor=actor, report=report,
                                    upload=SimpleUploadedFile("a.pdf", PDF, "application/pdf"))
    for action in (services.report_return, services.report_accept):
        with pytest.raises(DomainError):
            action(actor=personas.supervisor, report=report, comment="再看看")
    with pytest.raises(DomainError):
        services.report_approve(actor=personas.lead_head, report=report)
    report.refresh_from_db()
    assert report.status == "accepted" and report.narrative == "已完成评价工作。"


def test_it_a_stale_version_on_a_review_is_refused(personas: Any, a1: Assignment, feb: Any) -> None:
    report = submitted(personas, a1, feb)
    services.report_return(actor=personas.supervisor, report=report, comment="补充", version=report.version)
    with pytest.raises(StaleUpdate):
        services.report_accept(actor=personas.supervisor, report=report, version=report.version - 1)


# --- late flag ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("when", "late"), [("2019-03-05T23:00", False), ("2019-03-06T08:00", True)])
def test_it_flags_a_submission_after_the_due_date(personas: Any, a1: Assignment, feb: Any, monkeypatch: Any,
                                                  when: str, late: bool) -> None:
    assert feb.due_date == dt.date(2019, 3, 5)
    freeze(monkeypatch, when)
    assert submitted(personas, a1, feb).is_late is late


def test_it_a_resubmission_after_a_return_keeps_the_first_submissions_timeliness(personas: Any, a1: Assignment,
                                                                             feb: Any, monkeypatch: Any) -> None:
    freeze(monkeypatch, "2019-03-04T10:00")
    report = submitted(personas, a1, feb)
    report = services.report_return(actor=personas.supervisor, report=report, comment="补充")
    freeze(monkeypatch, "2019-03-20T10:00")
    report = services.report_submit(actor=personas.lead_head, report=report)
    assert report.is_late is False


def test_it_a_granted_extension_asked_while_the_report_was_due_moves_its_due_date(
        personas: Any, a1: Assignment, feb: Any, monkeypatch: Any, published_plan: Any) -> None:
    freeze(monkeypatch, "2019-03-03T10:00")
    ext = services.extension_request(actor=personas.lead_liaison, assignment=a1,
                                     requested_deadline=dt.date(2019, 3, 31), reason="企业申报延后")
    services.extension_grant(actor=personas.supervisor, extension=ext)
    freeze(monkeypatch, "2019-03-20T10:00")
    assert submitted(personas, a1, feb).is_late is False  # due 31 March after the extension
    freeze(monkeypatch, "2019-05-10T10:00")  # April's report (due 5 May) is not covered
    assert submitted(personas, a1, period(published_plan, 4)).is_late is True


# --- batch filing for duplicate items --------------------------------------------------------------------------


def test_it_one_report_is_filed_against_each_duplicate_item(personas: Any, a1: Assignment, feb: Any,
                                                         published_plan: Any) -> None:
    a4 = assignment(published_plan, ITEM_4, "市科技局")
    duplicate(published_plan, ITEM_1, ITEM_4)
    target = a1.task.targets.get()
    report = draft(personas.lead_liaison, a1, feb, actuals={target.pk: 10.0}, also_for=[a4])
    rows = list(Report.objects.filter(period=feb).order_by("assignment__task__position"))
    assert [r.assignment_id for r in rows] == [a1.pk, a4.pk]
    assert rows[0].batch is not None and rows[0].batch == rows[1].batch
    assert {r.narrative for r in rows} == {"已完成评价工作。"}
    assert TargetActual.objects.get().report_id == rows[0].pk  # the target belongs to item 1's row
    # an edit through the sibling's page edits both; review applies to each row
    sibling = rows[1]
    services.report_save(actor=personas.lead_head, assignment=a4, period=feb, version=sibling.version,
                         progress="done", narrative="合并报送")
    report = services.report_submit(actor=personas.lead_head, report=Report.objects.get(pk=report.pk))
    services.report_accept(actor=personas.supervisor, report=report)
    rows = list(Report.objects.filter(period=feb))
    assert {(r.status, r.narrative, r.progress) for r in rows} == {("accepted", "合并报送", "done")}
    assert Review.objects.filter(action="accept").count() == 2
    assert AuditEntry.objects.filter(action="report.accept").count() == 2


def test_it_batch_filing_is_refused_for_items_that_are_not_duplicates_or_already_reported(
        personas: Any, a1: Assignment, feb: Any, published_plan: Any) -> None:
    a4 = assignment(published_plan, ITEM_4, "市科技局")
    with pytest.raises(DomainError) as excinfo:  # not grouped as duplicates
        draft(personas.lead_liaison, a1, feb, also_for=[a4])
    assert _codes(excinfo) == "not_duplicate"
    duplicate(published_plan, ITEM_1, ITEM_2)
    with pytest.raises(DomainError):  # another unit's assignment on a duplicate item
        draft(personas.lead_liaison, a1, feb, also_for=[assignment(published_plan, ITEM_2, "市经信委")])
    duplicate(published_plan, ITEM_1, ITEM_4)
    draft(personas.lead_liaison, a4, feb, narrative="单独填报")
    with pytest.raises(DomainError) as excinfo:
        draft(personas.lead_liaison, a1, feb, also_for=[a4])
    assert _codes(excinfo) == "already_reported"
    assert Report.objects.count() == 1


# --- extensions ------------------------------------------------------------------------------------------------


def test_it_granting_an_extension_changes_the_deadline_and_keeps_the_old_one(
        personas: Any, a1: Assignment, django_capture_on_commit_callbacks: Any) -> None:
    Assignment.objects.filter(pk=a1.pk).update(deadline=dt.date(2030, 6, 30))
    with pytest.raises(DomainError) as excinfo:
        services.extension_request(actor=personas.lead_liaison, assignment=a1,
                                   requested_deadline=dt.date(2030, 6, 1), reason="x")
    assert _codes(excinfo) == "deadline_not_later"
    with pytest.raises(DomainError):
        services.extension_request(actor=personas.lead_liaison, assignment=a1,
                                   requested_deadline=dt.date(2030, 9, 30), reason="  ")
    ext = services.extension_request(actor=personas.lead_liaison, assignment=a1,
                                     requested_deadline=dt.date(2030, 9, 30), reason="土建延误")
    with pytest.raises(DomainError) as excinfo:
        services.extension_request(actor=personas.lead_head, assignment=a1,
                                   requested_deadline=dt.date(2030, 10, 30), reason="again")
    assert _codes(excinfo) == "pending"
    with pytest.raises(DomainError):
        services.extension_grant(actor=personas.lead_head, extension=ext)
    with django_capture_on_commit_callbacks(execute=True):
        ext = services.extension_grant(actor=personas.supervisor, extension=ext, comment="同意")
    a1.refresh_from_db()
    assert a1.deadline == dt.date(2030, 9, 30)
    assert (ext.status, ext.previous_deadline) == ("granted", dt.date(2030, 6, 30))
    entry = AuditEntry.objects.get(action="assignment.extend")
    assert (entry.before["deadline"], entry.after["deadline"]) == ("2030-06-30", "2030-09-30")
    assert Notification.objects.filter(user=personas.lead_head, text__contains="2030年9月30日").exists()
    with pytest.raises(DomainError) as excinfo:
        services.extension_refuse(actor=personas.supervisor, extension=ext, comment="改主意")
    assert _codes(excinfo) == "already_decided"


def test_it_refusing_an_extension_needs_a_comment_and_keeps_the_deadline(personas: Any, a1: Assignment) -> None:
    Assignment.objects.filter(pk=a1.pk).update(deadline=dt.date(2030, 6, 30))
    ext = services.extension_request(actor=personas.lead_liaison, assignment=a1,
                                     requested_deadline=dt.date(2030, 9, 30), reason="土建延误")
    with pytest.raises(DomainError):
        services.extension_refuse(actor=personas.supervisor, extension=ext, comment="")
    ext = services.extension_refuse(actor=personas.supervisor, extension=ext, comment="按原时限完成")
    a1.refresh_from_db()
    assert a1.deadline == dt.date(2030, 6, 30) and ext.status == "refused"
    assert not AuditEntry.objects.filter(action="assignment.extend").exists()


def test_it_another_unit_cannot_ask_for_an_extension(personas: Any, a1: Assignment) -> None:
    with pytest.raises(DomainError):
        services.extension_request(actor=personas.other_liaison, assignment=a1,
                                   requested_deadline=dt.date(2031, 1, 1), reason="x")


# --- leader instructions ---------------------------------------------------------------------------------------


def test_it_an_instruction_must_be_answered_before_the_next_submission(
        personas: Any, a1: Assignment, feb: Any, published_plan: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    for actor in (personas.supervisor, personas.lead_head):
        with pytest.raises(DomainError):
            services.instruction_create(actor=actor, task=a1.task, text="加快进度")
    with django_capture_on_commit_callbacks(execute=True):
        instruction = services.instruction_create(actor=personas.leader, task=a1.task, text="加快进度")
    # both units on the task are told, the unit of another task is not
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"kjj", "kjj_head", "czj"}
    report = draft(personas.lead_liaison, a1, feb)
    with pytest.raises(DomainError) as excinfo:
        services.report_submit(actor=personas.lead_head, report=report)
    assert _codes(excinfo) == "instruction_unanswered"
    services.report_save(actor=personas.lead_liaison, assignment=a1, period=feb, version=report.version,
                         progress="on_track", narrative="已按批示推进", answers={instruction.pk: "已召开推进会"})
    report = services.report_submit(actor=personas.lead_head, report=Report.objects.get(pk=report.pk))
    assert InstructionAnswer.objects.get(report=report).text == "已召开推进会"
    # answered once it reached the office: the March report does not ask again
    assert open_instructions(assignment=a1) == []
    march = draft(personas.lead_liaison, a1, period(published_plan, 3))
    assert services.report_submit(actor=personas.lead_head, report=march).status == "submitted"


# --- evidence ------------------------------------------------------------------------------------------------------


def test_it_stores_evidence_under_a_random_name_with_the_checked_type(personas: Any, a1: Assignment,
                                                                      feb: Any) -> None:
    report = draft(personas.lead_liaison, a1, feb)
    upload = SimpleUploadedFile("../../报告 2019.PDF", PDF, content_type="text/html")
    attachment = services.attachment_add(actor=personas.lead_liaison, report=report, upload=upload)
    assert attachment.original_name == "报告 2019.PDF"
    assert attachment.content_type == "application/pdf"  # ours, not the browser's claim
    assert "报告" not in attachment.file.name and ".." not in attachment.file.name
    assert attachment.file.name.startswith(f"evidence/{report.pk}/")
    assert attachment.file.read() == PDF
    assert AuditEntry.objects.filter(action="attachment.add", object_id=str(attachment.pk)).exists()


@pytest.mark.parametrize(("name", "data", "code"), [
    ("tool.exe", b"MZ\x90\x00" + b"\x00" * 60, "bad_type"),
    ("page.html", b"<script>alert(1)</script>", "bad_type"),
    ("noextension", PDF, "bad_type"),
    ("fake.pdf", PNG, "bad_content"),
    ("photo.png", PDF, "bad_content"),
    ("photo.jpg", b"GIF89a" + b"\x00" * 20, "bad_content"),
    ("plain.docx", _zip(["readme.txt"]), "bad_content"),
    ("book.xlsx", _zip(["word/document.xml"]), "bad_content"),
    ("archive.zip", b"PK\x03\x04 not really a zip", "bad_content"),
    ("binary.txt", b"abc\x00def", "bad_content"),
    ("empty.pdf", b"", "empty_file"),
])
def test_it_refuses_evidence_of_the_wrong_type(personas: Any, a1: Assignment, feb: Any, name: str, data: bytes,
                                               code: str) -> None:
    report = draft(personas.lead_liaison, a1, feb)
    with pytest.raises(DomainError) as excinfo:
        services.attachment_add(actor=personas.lead_liaison, report=report, upload=SimpleUploadedFile(name, data))
    assert _codes(excinfo) == code
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(("name", "data"), [
    ("a.docx", _zip(["[Content_Types].xml", "word/document.xml"])),
    ("a.xlsx", _zip(["[Content_Types].xml", "xl/workbook.xml"])),
    ("a.zip", _zip(["x.txt"])),
    ("a.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 16),
    ("a.png", PNG),
    ("说明.txt", "中文说明".encode("gb18030")),
])
def test_it_accepts_each_allowed_type(personas: Any, a1: Assignment, feb: Any, name: str, data: bytes) -> None:
    report = draft(personas.lead_liaison, a1, feb)
    services.attachment_add(actor=personas.lead_liaison, report=report, upload=SimpleUploadedFile(name, data))
    assert Attachment.objects.count() == 1


def test_it_refuses_evidence_over_the_size_limit(personas: Any, a1: Assignment, feb: Any, settings: Any) -> None:
    settings.LUOSHI_MAX_ATTACHMENT_BYTES = 1024
    report = draft(personas.lead_liaison, a1, feb)
    with pytest.raises(DomainError) as excinfo:
        services.attachment_add(actor=personas.lead_liaison, report=report,
                                upload=SimpleUploadedFile("big.pdf", PDF + b"0" * 2000))
    assert _codes(excinfo) == "too_large"


def test_it_evidence_changes_reset_an_approval_and_other_units_cannot_add(personas: Any, a1: Assignment,
                                                                       feb: Any) -> None:
    report = services.report_approve(actor=personas.lead_head, report=draft(personas.lead_liaison, a1, feb))
    with pytest.raises(DomainError):
        services.attachment_add(actor=personas.support_liaison, report=report,
                                upload=SimpleUploadedFile("a.pdf", PDF))
    attachment = services.attachment_add(actor=personas.lead_liaison, report=report,
                                         upload=SimpleUploadedFile("a.pdf", PDF))
    report.refresh_from_db()
    assert report.status == "draft"
    services.attachment_delete(actor=personas.lead_liaison, attachment=attachment)
    assert not Attachment.objects.exists()
    assert AuditEntry.objects.filter(action="attachment.delete").count() == 1


# --- closing ---------------------------------------------------------------------------------------------------------


def test_it_the_unit_proposes_closing_and_the_office_confirms(personas: Any, a1: Assignment, feb: Any,
                                                           django_capture_on_commit_callbacks: Any) -> None:
    with pytest.raises(DomainError):
        services.assignment_close(actor=personas.lead_liaison, assignment=a1, closing_report=" ")
    with pytest.raises(DomainError):
        services.assignment_close(actor=personas.other_liaison, assignment=a1, closing_report="越权")
    services.assignment_close(actor=personas.lead_liaison, assignment=a1, closing_report="已全部完成")
    a1.refresh_from_db()
    assert (a1.status, a1.closing_report, a1.closed_at) == ("open", "已全部完成", None)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_close(actor=personas.supervisor, assignment=a1)
    a1.refresh_from_db()
    assert a1.status == "closed" and a1.closed_at is not None and a1.closing_report == "已全部完成"
    assert list(AuditEntry.objects.filter(object_type="plans.assignment").order_by("id")
                .values_list("action", flat=True)) == ["assignment.close_propose", "assignment.close"]
    assert Notification.objects.filter(user=personas.lead_liaison, text__contains="办结").exists()
    with pytest.raises(DomainError) as excinfo:  # no more reports on a closed assignment
        draft(personas.lead_liaison, a1, feb)
    assert _codes(excinfo) == "assignment_closed"
    with pytest.raises(DomainError):
        services.assignment_close(actor=personas.supervisor, assignment=a1, closing_report="again")


def test_it_the_office_refuses_a_proposal_or_closes_directly(personas: Any, a1: Assignment,
                                                            published_plan: Any) -> None:
    with pytest.raises(DomainError):  # nothing proposed yet
        services.assignment_close_refuse(actor=personas.supervisor, assignment=a1, comment="不行")
    services.assignment_close(actor=personas.lead_head, assignment=a1, closing_report="完成了")
    with pytest.raises(DomainError):
        services.assignment_close_refuse(actor=personas.lead_head, assignment=a1, comment="自己退")
    services.assignment_close_refuse(actor=personas.supervisor, assignment=a1, comment="尚缺验收材料")
    a1.refresh_from_db()
    assert (a1.status, a1.closing_report) == ("open", "")
    with pytest.raises(DomainError):  # the office closing with no text and no proposal
        services.assignment_close(actor=personas.supervisor, assignment=a1)
    other = assignment(published_plan, ITEM_2, "市经信委")
    services.assignment_close(actor=personas.supervisor, assignment=other, closing_report="督查室直接办结")
    other.refresh_from_db()
    assert other.status == "closed"
