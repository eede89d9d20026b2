"""Writes for the reporting cycle. Every state change is one service that audits in its transaction.

The report flow (decisions documented here and in the docstrings below):

    draft --report_approve (unit head)--> approved --report_submit--> submitted
    submitted --report_accept (office)--> accepted (locked for everyone)
    submitted --report_return (office, comment required)--> returned --(revise, submit)--> submitted

* The unit head may submit from draft, approved or returned: the head's submission is the approval.
  A liaison may submit only a report the head has approved.
* Editing an approved report (content or evidence) sends it back to draft: the approval covered the old
  content. Editing a returned report keeps it "returned" so the return stays visible until resubmission.
* `is_late` is decided at the first submission (a report returned by the office and resubmitted later
  is not late for that): submitted after `selectors.report_due_date`.
* A report filed once for duplicate items is one row per assignment sharing a `batch` uuid; every edit
  and every transition applies to all rows of the batch, each row with its own review and audit entry.
* Closing (办结): a unit account proposes with a closing text (`assignment_close` by the unit), the office
  confirms it (`assignment_close` by the office, which may also close directly with its own text) or
  refuses the proposal with a comment (`assignment_close_refuse`).
"""

from __future__ import annotations

import calendar
import codecs
import datetime as dt
import os
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from luoshi.core import clock
from luoshi.core.audit import audit_record, snapshot
from luoshi.core.errors import DomainError, StaleUpdate
from luoshi.core.storedfiles import file_sha256, stored_file_verified
from luoshi.indicators.services import self_reports_record
from luoshi.orgs.choices import Role
from luoshi.plans.choices import AssignmentStatus, Cadence, PlanStatus
from luoshi.plans.models import Assignment, Plan, Target, Task

from . import notices
from .choices import ExtensionStatus, Progress, ReportStatus, ReviewAction
from .models import (
    Attachment,
    Extension,
    Instruction,
    InstructionAnswer,
    Notification,
    Report,
    ReportingPeriod,
    Review,
    TargetActual,
)
from .selectors import EDITABLE, batch_candidates, open_instructions, report_due_date


def period_bounds(plan: Plan) -> list[tuple[str, dt.date, dt.date]]:
    """(label, start, end) of every reporting period of the plan's year."""
    year = plan.year or clock.today().year
    periods = []
    if plan.cadence == Cadence.QUARTERLY:
        for q in range(4):
            start = dt.date(year, 3 * q + 1, 1)
            end_month = 3 * q + 3
            end = dt.date(year, end_month, calendar.monthrange(year, end_month)[1])
            periods.append((f"{year}年第{'一二三四'[q]}季度", start, end))
    else:
        for month in range(1, 13):
            periods.append((f"{year}年{month}月", dt.date(year, month, 1),
                            dt.date(year, month, calendar.monthrange(year, month)[1])))
    return periods


@transaction.atomic
def periods_ensure(*, plan: Plan) -> int:
    """Create the plan's missing reporting periods (idempotent); due `plan.due_day` days after each end."""
    existing = set(plan.periods.values_list("start", flat=True))
    new = [ReportingPeriod(plan=plan, label=label, start=start, end=end,
                           due_date=end + dt.timedelta(days=plan.due_day))
           for label, start, end in period_bounds(plan) if start not in existing]
    ReportingPeriod.objects.bulk_create(new)
    return len(new)


REPORT_FIELDS = ["status", "progress", "narrative", "is_late", "submitted_at", "accepted_at", "batch", "version"]
ASSIGNMENT_FIELDS = ["status", "deadline", "closed_at", "closing_report"]
EXTENSION_FIELDS = ["status", "requested_deadline", "previous_deadline", "comment", "decided_at"]
NARRATIVE_MAX = 20000


def _forbidden(message: str) -> DomainError:
    return DomainError(message, code="forbidden")


def _today() -> dt.date:
    return clock.today()


def _is_unit_member(actor: Any, unit_id: int) -> bool:
    return bool(actor.is_unit_user and actor.unit_id == unit_id)


def _require_unit_member(actor: Any, assignment: Assignment) -> None:
    if not _is_unit_member(actor, assignment.unit_id):
        raise _forbidden(_("只有承办单位的账号可以进行此操作"))


def _require_office(actor: Any) -> None:
    if not actor.is_office:
        raise _forbidden(_("只有督查人员可以进行此操作"))


def _require_open(assignment: Assignment) -> None:
    if not assignment.active or assignment.status != AssignmentStatus.OPEN:
        raise DomainError(_("该任务已办结或已失效，不能再填报"),
                          code="assignment_closed")
    if assignment.task.plan.status != PlanStatus.PUBLISHED:
        raise DomainError(_("计划未发布"), code="plan_not_published")


def _check_version(report: Report, version: int | None) -> None:
    if version is not None and report.version != version:
        raise StaleUpdate(_("该报告已被他人修改（当前第%(current)d版，您打开的是第%(opened)d版），请刷新后重试") % {
            "current": report.version, "opened": version})


def _audit_report(*, actor: Any, action: str, report: Report, before: dict[str, Any] | None,
                  message: str = "") -> None:
    audit_record(actor=actor, action=action, target=report, before=before, after=snapshot(report, REPORT_FIELDS),
                 message=message, plan_id=report.period.plan_id, task_id=report.assignment.task_id,
                 unit_id=report.assignment.unit_id)


def _locked_batch(report: Report) -> list[Report]:
    """The report's batch rows, locked for update, primary first (inside a transaction)."""
    rows = Report.objects.select_for_update().select_related(
        "assignment", "assignment__task", "assignment__task__plan", "period")
    if report.batch is None:
        found = list(rows.filter(pk=report.pk))
    else:
        found = list(rows.filter(batch=report.batch).order_by("pk"))
    found.sort(key=lambda r: r.pk != report.pk)
    if not found or found[0].pk != report.pk:
        raise DomainError(_("报告不存在"), code="not_found")
    return found


# --- notifications (after commit: nobody is told about a change that was rolled back) -------------------


def _notify_unit(*, unit_id: int, text: str, url: str = "") -> None:
    def send() -> None:
        from luoshi.orgs.models import User

        recipients = User.objects.filter(unit_id=unit_id, role__in=[Role.LIAISON, Role.HEAD], is_active=True)
        Notification.objects.bulk_create([Notification(user=user, text=text[:500], url=url[:300])
                                          for user in recipients])

    transaction.on_commit(send)


def _report_url(report: Report) -> str:
    url: str = reverse("reports:report_detail", args=[report.pk])
    return url


# --- reports ---------------------------------------------------------------------------------------------


def report_save(
    *, actor: Any, assignment: Assignment, period: ReportingPeriod, version: int | None, progress: str,
    narrative: str, actuals: Mapping[int, float | None] | None = None, answers: Mapping[int, str] | None = None,
    also_for: Sequence[Assignment] = (), notify: bool = True,
) -> Report:
    """Create or update the unit's report on `assignment` for `period` (a draft until submitted).

    `version` is the version the form was opened with (None: the form expected no report yet).
    `actuals` maps target ids to values (None clears one); `answers` maps instruction ids to the unit's
    answer (blank clears one). `also_for` files the same report for duplicate items of the same unit:
    one row per assignment, sharing a batch uuid; targets and instructions go to the row of their task.
    A liaison's new report is announced to the unit head (notify=False: the caller sends one notice for many).
    """
    if progress not in Progress.values:
        raise DomainError(_("进展状态无效"), code="invalid_progress")
    narrative = narrative.strip()
    if len(narrative) > NARRATIVE_MAX:
        raise DomainError(_("进展情况不能超过%(max)d字") % {"max": NARRATIVE_MAX}, code="too_long")
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().select_related("task", "task__plan").get(pk=assignment.pk)
        _require_unit_member(actor, assignment)
        _require_open(assignment)
        if period.plan_id != assignment.task.plan_id:
            raise DomainError(_("报送期不属于该计划"), code="wrong_period")
        if period.start > _today():
            raise DomainError(_("该报送期尚未开始"), code="future_period")
        existing = Report.objects.filter(assignment=assignment, period=period).first()
        if existing is None:
            if version not in (None, 0):
                raise StaleUpdate(_("该报告已不存在，请刷新后重试"))
            report = Report(assignment=assignment, period=period, created_by=actor, version=0,
                            progress=progress, narrative=narrative)
            report.save()
            rows = [report]
        else:
            rows = _locked_batch(existing)
            report = rows[0]
            if version is None:
                raise StaleUpdate(_("该期报告已由他人创建，请刷新后重试"))
            _check_version(report, version)
        for row in rows:
            if row.status not in EDITABLE:
                raise DomainError(_("报告已报送或已通过，不能修改"),
                                  code="locked")
        rows += _join_batch(actor=actor, report=report, rows=rows, also_for=also_for)
        tasks = {row.assignment.task_id: row for row in rows}
        _check_targets_and_instructions(rows, actuals or {}, answers or {})
        for row in rows:
            before = None if row.version == 0 else snapshot(row, REPORT_FIELDS)
            row.progress = progress
            row.narrative = narrative
            if row.status == ReportStatus.APPROVED:
                row.status = ReportStatus.DRAFT
            row.version += 1
            row.save()
            _audit_report(actor=actor, action="report.create" if before is None else "report.save", report=row,
                          before=before)
        for target_id, value in (actuals or {}).items():
            row = tasks[_target_task(target_id)]
            if value is None:
                TargetActual.objects.filter(report=row, target_id=target_id).delete()
            else:
                TargetActual.objects.update_or_create(report=row, target_id=target_id, defaults={"value": value})
        for instruction_id, text in (answers or {}).items():
            row = tasks[_instruction_task(instruction_id)]
            if text.strip():
                InstructionAnswer.objects.update_or_create(instruction_id=instruction_id, report=row,
                                                           defaults={"text": text.strip()})
            else:
                InstructionAnswer.objects.filter(instruction_id=instruction_id, report=row).delete()
    if notify and existing is None and actor.role == Role.LIAISON:
        _notify_heads_new_report(report)
    return report


def _notify_heads_new_report(report: Report) -> None:
    task, period = report.assignment.task, report.period
    notices.notify_heads(unit_id=report.assignment.unit_id, url=_report_url(report),
                         text=lambda: _("“%(task)s”%(period)s进展报告已填写，待您审核") % {
                             "task": task.display_path, "period": period.label})


def _target_task(target_id: int) -> int:
    task_id: int = Target.objects.values_list("task_id", flat=True).get(pk=target_id)
    return task_id


def _instruction_task(instruction_id: int) -> int:
    task_id: int = Instruction.objects.values_list("task_id", flat=True).get(pk=instruction_id)
    return task_id


def _check_targets_and_instructions(rows: list[Report], actuals: Mapping[int, float | None],
                                    answers: Mapping[int, str]) -> None:
    task_ids = {row.assignment.task_id for row in rows}
    if actuals and Target.objects.filter(pk__in=list(actuals), task_id__in=task_ids).count() != len(actuals):
        raise DomainError(_("实际值对应的目标不属于该任务"),
                          code="wrong_target")
    if answers and Instruction.objects.filter(pk__in=list(answers), task_id__in=task_ids).count() != len(answers):
        raise DomainError(_("批示不属于该任务"),
                          code="wrong_instruction")


def _join_batch(*, actor: Any, report: Report, rows: list[Report], also_for: Sequence[Assignment]) -> list[Report]:
    """Add rows for the duplicate items in `also_for` that are not yet in the report's batch."""
    if not also_for:
        return []
    allowed = {a.pk: a for a in batch_candidates(assignment=report.assignment)}
    present = {row.assignment_id for row in rows}
    added = []
    for wanted in also_for:
        if wanted.pk in present:
            continue
        sibling_assignment = allowed.get(wanted.pk)
        if sibling_assignment is None:
            raise DomainError(_("只能合并报送同一单位的重复任务"), code="not_duplicate")
        if Report.objects.filter(assignment=sibling_assignment, period=report.period).exists():
            raise DomainError(_("任务 %(task)s 本期已单独填报") % {"task": sibling_assignment.task.display_path},
                              code="already_reported")
        if report.batch is None:
            report.batch = uuid.uuid4()
        sibling = Report.objects.create(assignment=sibling_assignment, period=report.period, created_by=actor,
                                        version=0, status=report.status, batch=report.batch)
        sibling.assignment = Assignment.objects.select_related("task", "task__plan").get(pk=sibling_assignment.pk)
        added.append(sibling)
        present.add(wanted.pk)
    for row in rows:
        row.batch = report.batch
    return added


def report_approve(*, actor: Any, report: Report, version: int | None = None) -> Report:
    """The unit head approves the liaison's draft (or a returned report) for submission."""
    with transaction.atomic():
        rows = _locked_batch(report)
        primary = rows[0]
        _check_version(primary, version)
        if not (actor.role == Role.HEAD and _is_unit_member(actor, primary.assignment.unit_id)):
            raise _forbidden(_("只有本单位负责人可以审核报告"))
        _require_open(primary.assignment)
        for row in rows:
            if row.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
                raise DomainError(_("只有草稿或退回的报告可以审核"),
                                  code="bad_status")
        _transition(actor=actor, rows=rows, status=ReportStatus.APPROVED, review=ReviewAction.APPROVE)
    return rows[0]


def report_submit(*, actor: Any, report: Report, version: int | None = None, notify: bool = True) -> Report:
    """Submit the report to the office. The head submits any editable report; a liaison only an approved one.

    Refused while an instruction on the task is unanswered, or with an empty narrative. The office is
    notified (notify=False: the caller sends one notice for several reports), and the authors of the
    instructions answered in it.
    """
    with transaction.atomic():
        rows = _locked_batch(report)
        primary = rows[0]
        _check_version(primary, version)
        _require_unit_member(actor, primary.assignment)
        _require_open(primary.assignment)
        allowed = EDITABLE if actor.role == Role.HEAD else (ReportStatus.APPROVED,)
        for row in rows:
            if row.status not in allowed:
                if row.status in EDITABLE:
                    raise _forbidden(_("报告须经本单位负责人审核后才能报送"))
                raise DomainError(_("报告已报送或已通过"), code="bad_status")
        if not primary.narrative.strip():
            raise DomainError(_("请填写进展情况"), code="empty_narrative")
        missing = []
        for row in rows:
            answered = set(row.instruction_answers.exclude(text="").values_list("instruction_id", flat=True))
            missing += [i for i in open_instructions(assignment=row.assignment, report=row) if i.pk not in answered]
        if missing:
            raise DomainError(_("请先答复领导批示（%(count)d条未答复）") % {"count": len(missing)},
                              code="instruction_unanswered")
        now = clock.now()
        today = clock.today()
        for row in rows:
            first_submission = not row.reviews.filter(action=ReviewAction.SUBMIT).exists()
            if first_submission:
                due = report_due_date(period=row.period, extensions=row.assignment.extensions.all())
                row.is_late = today > due
            row.submitted_at = now
        _transition(actor=actor, rows=rows, status=ReportStatus.SUBMITTED, review=ReviewAction.SUBMIT)
        primary = rows[0]
        if notify:
            task, period, unit = primary.assignment.task, primary.period, primary.assignment.unit
            notices.notify_office(url=_report_url(primary), text=lambda: _(
                "%(unit)s报送了“%(task)s”%(period)s进展报告，待审核") % {
                    "unit": unit, "task": task.display_path, "period": period.label})
        _notify_instruction_answers(rows)
    return rows[0]


def _notify_instruction_answers(rows: list[Report]) -> None:
    """Tell the leader who gave an instruction, and the office, that a unit answered it."""
    answers = list(InstructionAnswer.objects.filter(report__in=rows).exclude(text="")
                   .select_related("instruction", "report__assignment__unit", "report__assignment__task"))
    for answer in answers:
        report, instruction = answer.report, answer.instruction
        unit, task = report.assignment.unit, report.assignment.task

        def text(unit: Any = unit, task: Any = task) -> str:
            message: str = _("%(unit)s答复了对“%(task)s”的领导批示") % {"unit": unit, "task": task.display_path}
            return message

        url = _report_url(report)
        notices.notify_users(user_ids=[instruction.author_id], text=text, url=url)
        notices.notify_office(text=text, url=url)


def report_accept(*, actor: Any, report: Report, version: int | None = None, comment: str = "") -> Report:
    """The office accepts a submitted report; it is locked from then on."""
    with transaction.atomic():
        rows = _locked_batch(report)
        _check_version(rows[0], version)
        _require_office(actor)
        _require_submitted(rows)
        now = clock.now()
        for row in rows:
            row.accepted_at = now
        _transition(actor=actor, rows=rows, status=ReportStatus.ACCEPTED, review=ReviewAction.ACCEPT,
                    comment=comment.strip())
        # Accepted target actuals become "unit self-report" observations, in the same transaction.
        self_reports_record(actor=actor, reports=rows)
    primary = rows[0]
    _notify_unit(unit_id=primary.assignment.unit_id, url=_report_url(primary),
                 text=_("您单位报送的“%(task)s”%(period)s进展报告已审核通过") % {
                     "task": primary.assignment.task.display_path, "period": primary.period.label})
    return primary


def report_return(*, actor: Any, report: Report, comment: str, version: int | None = None) -> Report:
    """The office returns a submitted report with a comment the unit must see (the comment is required)."""
    comment = comment.strip()
    if not comment:
        raise DomainError(_("退回须填写意见"), code="comment_required")
    with transaction.atomic():
        rows = _locked_batch(report)
        _check_version(rows[0], version)
        _require_office(actor)
        _require_submitted(rows)
        _transition(actor=actor, rows=rows, status=ReportStatus.RETURNED, review=ReviewAction.RETURN,
                    comment=comment)
    primary = rows[0]
    _notify_unit(unit_id=primary.assignment.unit_id, url=_report_url(primary),
                 text=_("您单位报送的“%(task)s”%(period)s进展报告被退回：%(comment)s") % {
                     "task": primary.assignment.task.display_path, "period": primary.period.label,
                     "comment": comment})
    return primary


def _require_submitted(rows: list[Report]) -> None:
    for row in rows:
        if row.status != ReportStatus.SUBMITTED:
            raise DomainError(_("只有已报送的报告可以审核"), code="bad_status")


def _transition(*, actor: Any, rows: list[Report], status: Any, review: Any, comment: str = "") -> None:
    # status: a ReportStatus member; review: a ReviewAction member (Any: Django ships no type stubs here)
    for row in rows:
        before = snapshot(row, REPORT_FIELDS)
        row.status = status
        row.version += 1
        row.save()
        Review.objects.create(report=row, action=review, comment=comment, actor=actor)
        _audit_report(actor=actor, action=f"report.{review}", report=row, before=before, message=comment)


# --- evidence ----------------------------------------------------------------------------------------------


def _head(stream: IO[bytes], size: int) -> bytes:
    stream.seek(0)
    data = stream.read(size)
    stream.seek(0)
    return data


def _zip_names(stream: IO[bytes]) -> set[str] | None:
    """The member names of a zip file (reads only its central directory), None when it is no zip."""
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        stream.seek(0)


def _is_pdf(stream: IO[bytes]) -> bool:
    return b"%PDF-" in _head(stream, 1024)  # the PDF spec lets readers accept junk before the header


def _is_png(stream: IO[bytes]) -> bool:
    return _head(stream, 8) == b"\x89PNG\r\n\x1a\n"


def _is_jpeg(stream: IO[bytes]) -> bool:
    return _head(stream, 3) == b"\xff\xd8\xff"


def _is_zip(stream: IO[bytes]) -> bool:
    return _head(stream, 4) in (b"PK\x03\x04", b"PK\x05\x06") and _zip_names(stream) is not None


def _is_docx(stream: IO[bytes]) -> bool:
    return _is_zip(stream) and "word/document.xml" in (_zip_names(stream) or set())


def _is_xlsx(stream: IO[bytes]) -> bool:
    return _is_zip(stream) and "xl/workbook.xml" in (_zip_names(stream) or set())


def _is_text(stream: IO[bytes]) -> bool:
    sample = _head(stream, 256 * 1024)
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            # An incremental decode: the sample may end in the middle of a character.
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


# (name, extensions, content type we serve it with, content check). Order is display order.
ATTACHMENT_TYPES: tuple[tuple[str, tuple[str, ...], str, Callable[[IO[bytes]], bool]], ...] = (
    ("pdf", ("pdf",), "application/pdf", _is_pdf),
    ("docx", ("docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _is_docx),
    ("xlsx", ("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _is_xlsx),
    ("jpg", ("jpg", "jpeg"), "image/jpeg", _is_jpeg),
    ("png", ("png",), "image/png", _is_png),
    ("txt", ("txt",), "text/plain; charset=utf-8", _is_text),
    ("zip", ("zip",), "application/zip", _is_zip),
)
ALLOWED_EXTENSIONS = tuple(ext for _, exts, _, _ in ATTACHMENT_TYPES for ext in exts)


def attachment_clean_name(name: str) -> str:
    """A displayable file name: no path, no control characters, at most 255 characters."""
    base = os.path.basename(name.replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if not base:
        return "file"
    stem, dot, ext = base.rpartition(".")
    if dot and len(base) > 255:
        return stem[: 254 - len(ext)] + "." + ext
    return base[:255]


def attachment_content_type(*, name: str, stream: IO[bytes], size: int) -> str:
    """The content type we will serve the file with, after checking size, extension and magic bytes."""
    if size <= 0:
        raise DomainError(_("文件为空"), code="empty_file")
    limit = settings.LUOSHI_MAX_ATTACHMENT_BYTES
    if size > limit:
        raise DomainError(_("文件超过%(mb)dMB上限") % {"mb": limit // (1024 * 1024)},
                          code="too_large")
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    for _type, extensions, content_type, check in ATTACHMENT_TYPES:
        if ext in extensions:
            if not check(stream):
                raise DomainError(_("文件内容与扩展名 .%(ext)s 不符") % {"ext": ext},
                                  code="bad_content")
            return content_type
    raise DomainError(_("不支持的文件类型，仅限：%(types)s") % {"types": "、".join(ALLOWED_EXTENSIONS)},
                      code="bad_type")


def attachment_verified(*, actor: Any, attachment: Attachment) -> None:
    """Before a download: the stored file must still be the one uploaded (see core.storedfiles)."""
    stored_file_verified(actor=actor, item=attachment)


def attachment_add(*, actor: Any, report: Report, upload: Any) -> Attachment:
    """Store evidence for the report under a random name; the original name is kept for display only.

    `upload` is a Django UploadedFile (name, size, file-like). Adding evidence to an approved report sends it
    back to draft, like any other edit.
    """
    name = attachment_clean_name(str(upload.name or ""))
    content_type = attachment_content_type(name=name, stream=upload, size=int(upload.size or 0))
    with transaction.atomic():
        rows = _locked_batch(report)
        primary = rows[0]
        _require_unit_member(actor, primary.assignment)
        _require_open(primary.assignment)
        if primary.status not in EDITABLE:
            raise DomainError(_("报告已报送或已通过，不能添加材料"),
                              code="locked")
        attachment = Attachment(report=primary, original_name=name, content_type=content_type,
                                size=int(upload.size), sha256=file_sha256(upload), uploaded_by=actor)
        upload.seek(0)
        attachment.file.save("evidence", upload, save=False)
        attachment.save()
        _reset_approval(actor=actor, rows=rows)
        audit_record(actor=actor, action="attachment.add", target=attachment,
                     after={"report": primary.pk, "name": name, "size": attachment.size, "type": content_type},
                     plan_id=primary.period.plan_id, task_id=primary.assignment.task_id,
                     unit_id=primary.assignment.unit_id)
    return attachment


def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
    """Remove evidence from a report that can still be edited (the stored file goes after commit)."""
    with transaction.atomic():
        rows = _locked_batch(attachment.report)
        primary = rows[0]
        _require_unit_member(actor, primary.assignment)
        if primary.status not in EDITABLE:
            raise DomainError(_("报告已报送或已通过，不能删除材料"),
                              code="locked")
        audit_record(actor=actor, action="attachment.delete", target=attachment,
                     before={"report": primary.pk, "name": attachment.original_name, "size": attachment.size},
                     plan_id=primary.period.plan_id, task_id=primary.assignment.task_id,
                     unit_id=primary.assignment.unit_id)
        attachment.delete()  # the stored file goes after commit (core.storedfiles.remove_file_after_delete)
        _reset_approval(actor=actor, rows=rows)


def _reset_approval(*, actor: Any, rows: list[Report]) -> None:
    for row in rows:
        if row.status == ReportStatus.APPROVED:
            before = snapshot(row, REPORT_FIELDS)
            row.status = ReportStatus.DRAFT
            row.version += 1
            row.save()
            _audit_report(actor=actor, action="report.save", report=row, before=before,
                          message=_("材料变更，需重新审核"))


# --- extensions --------------------------------------------------------------------------------------------


def extension_request(*, actor: Any, assignment: Assignment, requested_deadline: dt.date, reason: str) -> Extension:
    """The unit asks for a later deadline, with a reason. One pending request per assignment."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("请填写延期理由"), code="reason_required")
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().select_related("task", "task__plan").get(pk=assignment.pk)
        _require_unit_member(actor, assignment)
        _require_open(assignment)
        floor = max(assignment.deadline or _today(), _today())
        if requested_deadline <= floor:
            raise DomainError(_("申请的时限应晚于%(date)s") % {"date": formats.date_format(floor, "DATE_FORMAT")},
                              code="deadline_not_later")
        if assignment.extensions.filter(status=ExtensionStatus.PENDING).exists():
            raise DomainError(_("已有待审批的延期申请"), code="pending")
        extension = Extension(assignment=assignment, requested_deadline=requested_deadline,
                              previous_deadline=assignment.deadline, reason=reason, requested_by=actor)
        extension.save()
        audit_record(actor=actor, action="extension.request", target=extension,
                     after=snapshot(extension, EXTENSION_FIELDS), message=reason,
                     plan_id=assignment.task.plan_id, task_id=assignment.task_id, unit_id=assignment.unit_id)
        unit, task = assignment.unit, assignment.task
        notices.notify_office(url=reverse("reports:extension_detail", args=[extension.pk]), text=lambda: _(
            "%(unit)s申请将“%(task)s”延期至%(date)s，待审批") % {
                "unit": unit, "task": task.display_path, "date": f"{requested_deadline:%Y-%m-%d}"})
    return extension


def _locked_pending_extension(extension: Extension) -> Extension:
    locked: Extension = (Extension.objects.select_for_update()
                         .select_related("assignment", "assignment__task").get(pk=extension.pk))
    if locked.status != ExtensionStatus.PENDING:
        raise DomainError(_("该申请已审批"), code="already_decided")
    return locked


def extension_grant(*, actor: Any, extension: Extension, comment: str = "") -> Extension:
    """The office grants an extension: the assignment's deadline changes from now on; the old one is kept
    in `previous_deadline` and in the audit log."""
    _require_office(actor)
    with transaction.atomic():
        extension = _locked_pending_extension(extension)
        assignment = Assignment.objects.select_for_update().get(pk=extension.assignment_id)
        before_ext = snapshot(extension, EXTENSION_FIELDS)
        before_assignment = snapshot(assignment, ASSIGNMENT_FIELDS)
        extension.previous_deadline = assignment.deadline
        extension.status = ExtensionStatus.GRANTED
        extension.decided_by = actor
        extension.decided_at = clock.now()
        extension.comment = comment.strip()
        extension.save()
        assignment.deadline = extension.requested_deadline
        assignment.save(update_fields=["deadline"])
        ids = {"plan_id": extension.assignment.task.plan_id, "task_id": assignment.task_id,
               "unit_id": assignment.unit_id}
        audit_record(actor=actor, action="extension.grant", target=extension, before=before_ext,
                     after=snapshot(extension, EXTENSION_FIELDS), message=extension.comment, **ids)
        audit_record(actor=actor, action="assignment.extend", target=assignment, before=before_assignment,
                     after=snapshot(assignment, ASSIGNMENT_FIELDS),
                     message=_("延期申请 #%(id)s") % {"id": extension.pk}, **ids)
    _notify_unit(unit_id=assignment.unit_id, url=reverse("reports:extension_detail", args=[extension.pk]),
                 text=_("“%(task)s”延期申请已同意，完成时限调整为%(date)s") % {
                     "task": extension.assignment.task.display_path,
                     "date": formats.date_format(extension.requested_deadline)})
    return extension


def extension_refuse(*, actor: Any, extension: Extension, comment: str) -> Extension:
    """The office refuses an extension with a comment (required); the deadline stays."""
    _require_office(actor)
    comment = comment.strip()
    if not comment:
        raise DomainError(_("不同意延期须填写意见"), code="comment_required")
    with transaction.atomic():
        extension = _locked_pending_extension(extension)
        before = snapshot(extension, EXTENSION_FIELDS)
        extension.status = ExtensionStatus.REFUSED
        extension.decided_by = actor
        extension.decided_at = clock.now()
        extension.comment = comment
        extension.save()
        assignment = extension.assignment
        audit_record(actor=actor, action="extension.refuse", target=extension, before=before,
                     after=snapshot(extension, EXTENSION_FIELDS), message=comment,
                     plan_id=assignment.task.plan_id, task_id=assignment.task_id, unit_id=assignment.unit_id)
    _notify_unit(unit_id=assignment.unit_id, url=reverse("reports:extension_detail", args=[extension.pk]),
                 text=_("“%(task)s”延期申请未获同意：%(comment)s") % {
                     "task": assignment.task.display_path, "comment": comment})
    return extension


# --- leader instructions -----------------------------------------------------------------------------------


def instruction_create(*, actor: Any, task: Task, text: str, unit_ids: Sequence[int] = ()) -> Instruction:
    """A leader attaches an instruction (批示) to a task item; its units must answer it in their next report.

    `unit_ids` names the units that must answer (each must hold an open assignment on the task); none
    named: every unit holding the task. Only the units named are notified.
    """
    if actor.role != Role.LEADER:
        raise _forbidden(_("只有领导可以作出批示"))
    text = text.strip()
    if not text:
        raise DomainError(_("请填写批示内容"), code="text_required")
    if not task.is_item or task.removed:
        raise DomainError(_("只能对任务项作出批示"), code="not_item")
    with transaction.atomic():
        holders = dict(Assignment.objects.filter(task=task, active=True, status=AssignmentStatus.OPEN)
                       .values_list("unit_id", "pk"))
        chosen = sorted(set(unit_ids))
        if any(unit_id not in holders for unit_id in chosen):
            raise DomainError(_("只能向承办该任务的单位作出批示。"), code="not_holder")
        instruction = Instruction(task=task, text=text, author=actor)
        instruction.save()
        instruction.units.set(chosen)
        audit_record(actor=actor, action="instruction.create", target=instruction,
                     after={"task": task.pk, "text": text, "units": chosen}, plan_id=task.plan_id, task_id=task.pk)
        targets = [(pk, unit_id) for unit_id, pk in holders.items() if not chosen or unit_id in chosen]
    for assignment_id, unit_id in targets:
        _notify_unit(unit_id=unit_id, url=reverse("reports:assignment_detail", args=[assignment_id]),
                     text=_("领导对“%(task)s”作出批示，请在下次报告中答复：%(text)s") % {
                         "task": task.display_path, "text": text})
    return instruction


# --- closing (办结) -----------------------------------------------------------------------------------------


def assignment_close(*, actor: Any, assignment: Assignment, closing_report: str = "") -> Assignment:
    """Close an assignment with a closing report (办结报告).

    A unit account of the assignment's unit proposes (the text is kept on the assignment, status stays
    open); the office confirms the proposal (blank text keeps the unit's) or closes directly with its own.
    """
    text = closing_report.strip()
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().select_related("task", "task__plan").get(pk=assignment.pk)
        if assignment.status == AssignmentStatus.CLOSED:
            raise DomainError(_("该任务已办结"), code="already_closed")
        before = snapshot(assignment, ASSIGNMENT_FIELDS)
        ids = {"plan_id": assignment.task.plan_id, "task_id": assignment.task_id, "unit_id": assignment.unit_id}
        if actor.is_office:
            text = text or assignment.closing_report
            if not text:
                raise DomainError(_("请填写办结报告"), code="text_required")
            assignment.status = AssignmentStatus.CLOSED
            assignment.closed_at = clock.now()
            assignment.closing_report = text
            assignment.save(update_fields=["status", "closed_at", "closing_report"])
            audit_record(actor=actor, action="assignment.close", target=assignment, before=before,
                         after=snapshot(assignment, ASSIGNMENT_FIELDS), **ids)
            _notify_unit(unit_id=assignment.unit_id, url=reverse("reports:assignment_detail", args=[assignment.pk]),
                         text=_("“%(task)s”已办结") % {"task": assignment.task.display_path})
            return assignment
        _require_unit_member(actor, assignment)
        _require_open(assignment)
        if not text:
            raise DomainError(_("请填写办结报告"), code="text_required")
        assignment.closing_report = text
        assignment.save(update_fields=["closing_report"])
        audit_record(actor=actor, action="assignment.close_propose", target=assignment, before=before,
                     after=snapshot(assignment, ASSIGNMENT_FIELDS), **ids)
        unit, task = assignment.unit, assignment.task
        notices.notify_office(url=reverse("reports:assignment_detail", args=[assignment.pk]), text=lambda: _(
            "%(unit)s申请办结“%(task)s”，待确认") % {"unit": unit, "task": task.display_path})
    return assignment


def assignment_close_refuse(*, actor: Any, assignment: Assignment, comment: str) -> Assignment:
    """The office refuses a unit's closing proposal, with a comment; the assignment stays open."""
    _require_office(actor)
    comment = comment.strip()
    if not comment:
        raise DomainError(_("请填写意见"), code="comment_required")
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().select_related("task").get(pk=assignment.pk)
        if assignment.status != AssignmentStatus.OPEN or not assignment.closing_report:
            raise DomainError(_("没有待确认的办结申请"), code="no_proposal")
        before = snapshot(assignment, ASSIGNMENT_FIELDS)
        assignment.closing_report = ""
        assignment.save(update_fields=["closing_report"])
        audit_record(actor=actor, action="assignment.close_refuse", target=assignment, before=before,
                     after=snapshot(assignment, ASSIGNMENT_FIELDS), message=comment,
                     plan_id=assignment.task.plan_id, task_id=assignment.task_id, unit_id=assignment.unit_id)
    _notify_unit(unit_id=assignment.unit_id, url=reverse("reports:assignment_detail", args=[assignment.pk]),
                 text=_("“%(task)s”办结申请未获确认：%(comment)s") % {
                     "task": assignment.task.display_path, "comment": comment})
    return assignment
