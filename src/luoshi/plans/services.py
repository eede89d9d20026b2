"""Writes for plans: import a document through the parser, map unknown unit names, publish, correct a task.

Re-importing a corrected version of a plan matches tasks by their label path (`Task.key`): existing
tasks are updated in place, new ones added, vanished ones retired (`removed`: their history stays). The
pages show the differences first (revisions.preview_build, computed by the background job) and apply
them only when the office confirms; the office's corrections are kept (see revisions.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import signal
import threading
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luoshi import plandoc
from luoshi.core import clock
from luoshi.core.audit import audit_record, snapshot
from luoshi.core.errors import DomainError, StaleUpdate
from luoshi.core.parser_messages import parser_message
from luoshi.orgs.models import Unit, UnitAlias
from luoshi.orgs.services import unit_alias_create, unit_directory_for_parser

from .choices import AssignmentStatus, Cadence, ImportStatus, PlanStatus, UnitRole
from .models import Assignment, DuplicateGroup, Plan, PlanImport, Target, Task, TaskUnit
from .revisions import (
    KEEP,
    TAKE_NEW,
    TaskDiff,
    baseline_rows,
    compare,
    conflict_id,
    decisions_of,
    display_path,
    match_tasks,
    needs_baseline,
    parse_date,
    plan_rows,
    preview_build,
    row_values,
    task_values,
)

logger = logging.getLogger(__name__)

PLAN_FIELDS = ["title", "doc_number", "issuer", "issued_on", "status", "cadence", "due_day", "revision"]


def plan_parse(*, data: bytes, filename: str) -> plandoc.Plan:
    """Run the parser with the database's unit directory; bad documents become a DomainError."""
    try:
        return plandoc.parse(data, filename=filename, units=unit_directory_for_parser(),
                             max_bytes=settings.LUOSHI_MAX_PLAN_BYTES)
    except plandoc.PlanDocError as exc:
        raise DomainError(parser_message(exc), code="bad_document") from exc


def _parse_rows(*, data: bytes, filename: str) -> dict[str, Any]:
    parsed = plan_parse(data=data, filename=filename)
    if not parsed.nodes:
        raise DomainError(_("文件中未识别到任务结构，未导入"),
                          code="no_structure")
    return plan_rows(parsed, data=data, filename=filename)


def plan_import(*, actor: Any, data: bytes, filename: str, plan: Plan | None = None,
                resolutions: Mapping[str, str] | None = None) -> Plan:
    """Store a parsed document as a draft plan, or apply it at once as the next revision of `plan`.

    The pages never apply a revision unseen: they queue a job that stops at a preview (plan_import_run,
    then plan_import_apply). This direct form is for scripts and tests: a conflict between the new text
    and a correction keeps the correction unless `resolutions` says otherwise.
    The parse runs outside any transaction (it can take minutes on a large file and SQLite would hold its
    write lock all that time); only the result is written, in one short transaction.
    """
    rows = _parse_rows(data=data, filename=filename)
    if plan is not None and needs_baseline(plan):
        rows["baseline"] = _legacy_baseline(plan)
    with transaction.atomic():
        if plan is None:
            return _plan_create(actor=actor, rows=rows)
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        return _plan_revise(actor=actor, plan=locked, rows=rows, resolutions=resolutions or {}, default=KEEP)


def _plan_fields(rows: dict[str, Any]) -> dict[str, Any]:
    fields = dict(rows["plan"])
    fields["issued_on"] = parse_date(fields["issued_on"])
    return fields


def _plan_create(*, actor: Any, rows: dict[str, Any]) -> Plan:
    plan = Plan.objects.create(created_by=actor, **_plan_fields(rows))
    by_key: dict[str, Task] = {}
    for position, row in enumerate(rows["nodes"]):
        task = Task.objects.create(plan=plan, **_task_values(row, position, by_key))
        by_key[row["key"]] = task
        _sync_task_units(task, row["units"])
        _sync_targets(task, row["targets"])
    _sync_duplicates(plan, rows, by_key)
    audit_record(actor=actor, action="plan.import", target=plan, after=snapshot(plan, PLAN_FIELDS), plan_id=plan.pk,
                 message=ngettext("%(file)s：%(count)d 个节点", "%(file)s：%(count)d 个节点", len(rows["nodes"]))
                 % {"file": plan.source_name, "count": len(rows["nodes"])})
    return plan


def _task_values(row: dict[str, Any], position: int, by_key: dict[str, Task]) -> dict[str, Any]:
    """A task's fields from its row, the correctable ones included (a new task, or one taking the text)."""
    return {
        "key": row["key"], "parent_id": by_key[row["parent"]].pk if row["parent"] in by_key else None,
        "label": row["label"],
        "level": row["level"], "position": position, "text": row["text"], "body": row["body"],
        "span_start": row["span"][0], "span_end": row["span"][1], "is_item": row["is_item"],
        "deadline": parse_date(row["deadline"]), "deadline_text": row["deadline_text"], "cadence": row["cadence"],
        "removed": False, "retired_at": None, "parsed_values": row_values(row),
    }


def _sync_duplicates(plan: Plan, rows: dict[str, Any], by_key: dict[str, Task]) -> None:
    plan.duplicate_groups.all().delete()
    for group in rows["duplicates"]:
        dg = DuplicateGroup.objects.create(plan=plan)
        dg.tasks.set([by_key[key] for key in group if key in by_key])


def _plan_revise(*, actor: Any, plan: Plan, rows: dict[str, Any], resolutions: Mapping[str, str],
                 default: str | None = None, expected: list[list[str]] | None = None) -> Plan:
    """Write `rows` as the next revision of `plan` (inside the caller's transaction).

    Tasks are matched to rows (revisions.match_tasks: by number and text) and updated in place; a field
    the office corrected keeps its correction
    unless the new text changes it too, then `resolutions` ({conflict id: "keep" | "new"}) decides, or
    `default`. Vanished tasks are retired, never deleted. `expected` is what the confirmed preview
    promised: if the plan changed since, nothing is written (StaleUpdate).
    """
    found = compare(plan, rows)
    diffs = {d.key: d for d in found if d.kind != "retired"}  # by row key (a retired task's key may be reused)
    if expected is not None and decisions_of(found) != expected:
        raise StaleUpdate(_("预览之后计划已被修改，请重新上传文件生成新的预览。"))
    take: dict[tuple[str, str], bool] = {}
    for diff in diffs.values():
        for change in diff.fields:
            choice = resolutions.get(conflict_id(diff.key, change.name), default)
            if change.outcome == "conflict" and choice not in (KEEP, TAKE_NEW):
                raise DomainError(_("请先处理全部冲突：保留人工修改或采用新文本。"), code="unresolved_conflict")
            take[(diff.key, change.name)] = change.outcome == TAKE_NEW or choice == TAKE_NEW
        for change in diff.kept:
            take[(diff.key, change.name)] = False
    before = snapshot(plan, PLAN_FIELDS)
    for name, value in _plan_fields(rows).items():
        setattr(plan, name, value)
    plan.revision += 1
    plan.save()
    now = timezone.now()
    tasks = list(plan.tasks.prefetch_related("task_units", "targets"))
    matched = match_tasks(tasks, rows["nodes"])
    _free_keys(tasks, matched)
    used = {task.pk for task in matched.values()}
    by_key: dict[str, Task] = {}
    changed: dict[int, Task] = {}
    old_deadlines: dict[int, dt.date | None] = {}
    # Most tasks of a revision are unchanged but for their place in the new text: their rows are
    # collected and written in a few bulk updates, so the transaction stays short (Dalian: 3,721 -> 110 queries).
    pending = _PendingRows()
    before_snapshots: dict[int, dict[str, Any]] = {}
    for position, row in enumerate(rows["nodes"]):
        task = matched.get(row["key"])
        diff = diffs.get(row["key"])
        if task is None:
            task = Task.objects.create(plan=plan, **_task_values(row, position, by_key))
            by_key[row["key"]] = task
            _sync_task_units(task, row["units"])
            _sync_targets(task, row["targets"])
            audit_record(actor=actor, action="task.add", target=task, after=_task_snapshot(task),
                         plan_id=plan.pk, task_id=task.pk, message=_("新版计划新增"))
            continue
        if diff is not None:
            before_snapshots[task.pk] = {**_task_snapshot(task), "key": diff.moved_from or task.key}
        old_deadlines[task.pk] = task.deadline
        values = _task_values(row, position, by_key)
        if not take.get((row["key"], "text"), True):
            del values["text"]
        if not take.get((row["key"], "deadline"), True):
            del values["deadline"], values["deadline_text"]
        pending.task(task, values)
        by_key[row["key"]] = task
        if take.get((row["key"], "units"), True):
            pending.units(task, row["units"])
        else:
            pending.spans(task, row["units"])
        pending.targets(task, row["targets"])
        if diff is not None and (diff.fields or diff.targets or diff.body or diff.moved_from
                                 or diff.kind == "restored"):
            changed[task.pk] = task
    pending.write()
    for task in changed.values():
        diff = diffs[task.key]
        audit_record(actor=actor, action="task.restore" if diff.kind == "restored" else "task.reimport",
                     target=task, before=before_snapshots.get(task.pk), after={**_task_snapshot(task), "key": task.key},
                     plan_id=plan.pk, task_id=task.pk, message=_reimport_message(diff, take))
    for task in sorted(tasks, key=lambda t: t.position):
        if task.pk in used or task.removed:
            continue
        task.removed, task.retired_at = True, now
        task.save(update_fields=["removed", "retired_at"])
        audit_record(actor=actor, action="task.retire", target=task, before={"removed": False},
                     after={"removed": True, "retired_at": now}, plan_id=plan.pk, task_id=task.pk,
                     message=_("新版计划中已删除：任务停用，历史报告保留"))
    _sync_duplicates(plan, rows, by_key)
    counts = {kind: sum(1 for d in found if d.kind == kind)
              for kind in ("added", "changed", "retired", "restored")}
    if plan.status == PlanStatus.PUBLISHED:
        assignments = _sync_assignments_detail(plan)
        for task in changed.values():
            _follow_task(task, old_deadlines[task.pk])
        _audit_assignments(actor, plan, assignments)
        _notify_revision(plan, assignments, changed)
    audit_record(actor=actor, action="plan.import", target=plan, before=before, after=snapshot(plan, PLAN_FIELDS),
                 plan_id=plan.pk,
                 message=_("%(file)s：第%(revision)d版，新增%(added)d项，修改%(changed)d项，停用%(retired)d项")
                 % {"file": plan.source_name, "revision": plan.revision, **counts})
    return plan


class _PendingRows:
    """Changes to existing tasks, their units and targets, written in bulk; anything that adds or removes a
    row (a unit named anew, a target gone) goes through the one-by-one sync right away."""

    UNIT_FIELDS = ["role", "inherited", "span_start", "span_end", "position"]
    TARGET_FIELDS = ["text", "indicator", "value", "value_max", "unit", "op", "basis", "year", "position",
                     "span_start", "span_end"]

    def __init__(self) -> None:
        self.tasks: list[Task] = []
        self.task_fields: set[str] = set()
        self.task_units: list[TaskUnit] = []
        self.target_rows: list[Target] = []

    def task(self, task: Task, values: dict[str, Any]) -> None:
        fields = [name for name, value in values.items() if getattr(task, name) != value]
        for name in fields:
            setattr(task, name, values[name])
        if fields:
            self.tasks.append(task)
            self.task_fields.update(fields)

    def units(self, task: Task, units: list[dict[str, Any]]) -> None:
        current = list(task.task_units.all())
        if [tu.name for tu in current] != [u["name"] for u in units] or any(tu.unit_id is None for tu in current):
            _sync_task_units(task, units)
            return
        for position, (tu, ref) in enumerate(zip(current, units, strict=True)):
            span = ref["span"] or [None, None]
            self._set(tu, {"role": ref["role"], "inherited": ref["inherited"], "span_start": span[0],
                           "span_end": span[1], "position": position}, self.task_units)

    def spans(self, task: Task, units: list[dict[str, Any]]) -> None:
        """Units the office corrected stay; those the new text still names get their place in the new text."""
        spans = {u["name"]: u["span"] or [None, None] for u in units}
        for tu in task.task_units.all():
            span = spans.get(tu.name, [None, None])
            self._set(tu, {"span_start": span[0], "span_end": span[1]}, self.task_units)

    def targets(self, task: Task, targets: list[dict[str, Any]]) -> None:
        current = list(task.targets.all())
        if [t.text for t in current] != [t["text"] for t in targets]:
            _sync_targets(task, targets)
            return
        for position, (row, parsed) in enumerate(zip(current, targets, strict=True)):
            span = parsed["span"] or [None, None]
            self._set(row, {"indicator": parsed["indicator"], "value": parsed["value"],
                            "value_max": parsed["value_max"], "unit": parsed["unit"], "op": parsed["op"],
                            "basis": parsed["basis"], "year": parsed["year"], "position": position,
                            "span_start": span[0], "span_end": span[1]}, self.target_rows)

    @staticmethod
    def _set(obj: Any, values: dict[str, Any], into: list[Any]) -> None:
        changed = False
        for name, value in values.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed = True
        if changed:
            into.append(obj)

    def write(self) -> None:
        if self.tasks:
            Task.objects.bulk_update(self.tasks, sorted(self.task_fields), batch_size=200)
        if self.task_units:
            TaskUnit.objects.bulk_update(self.task_units, self.UNIT_FIELDS, batch_size=200)
        if self.target_rows:
            Target.objects.bulk_update(self.target_rows, self.TARGET_FIELDS, batch_size=200)


def _free_keys(tasks: list[Task], matched: dict[str, Task]) -> None:
    """Clear the way for renumbered tasks (a key is unique per plan): each task changing its key first
    takes a temporary one; a task left over whose key another task now takes keeps it with "~<id>" added
    (retired, its history kept; shown with its old number)."""
    final = {task.pk: key for key, task in matched.items()}
    taken = set(matched)
    renamed = {task.pk: f"{task.key}~{task.pk}" for task in tasks if task.pk not in final and task.key in taken}
    moving = [task for task in tasks if (task.pk in final and final[task.pk] != task.key) or task.pk in renamed]
    for task in moving:
        Task.objects.filter(pk=task.pk).update(key=f"~{task.pk}")
    for task in moving:
        if task.pk in renamed:
            task.key = renamed[task.pk]
            Task.objects.filter(pk=task.pk).update(key=task.key)
        # a moved task gets its new key with its other fields (_PendingRows.write); in memory it keeps the old one


def _reimport_message(diff: TaskDiff, take: dict[tuple[str, str], bool]) -> str:
    parts = []
    labels = {"text": _("内容"), "deadline": _("完成时限"), "units": _("责任单位")}
    for change in diff.fields:
        taken = take.get((diff.key, change.name), False)
        parts.append(f"{labels[change.name]}：" + (_("采用新文本") if taken else _("保留人工修改")))
    for change in diff.kept:
        parts.append(f"{labels[change.name]}：" + _("保留人工修改"))
    if diff.moved_from:
        parts.append(_("编号调整：%(old)s → %(new)s") % {"old": display_path(diff.moved_from),
                                                       "new": display_path(diff.key)})
    if diff.targets:
        parts.append(_("量化目标已更新"))
    return "；".join(parts) or _("按新版计划更新")


def plan_import_request(*, actor: Any, data: bytes, filename: str, plan: Plan | None = None,
                        enqueue: bool = True) -> PlanImport:
    """Keep an uploaded document and queue its parse (audited); a worker imports it after the commit.

    The file is written to storage before the (short) transaction that records the job.
    """
    job = PlanImport(user=actor, plan=plan, filename=filename[:255])
    job.file.save(job.pk.hex, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            job.save(force_insert=True)
            audit_record(actor=actor, action="plan.upload", target=job, plan_id=plan.pk if plan else None,
                         after={"filename": job.filename, "bytes": len(data), "plan": plan.pk if plan else None})
            if enqueue:
                from .jobs import plan_import_job

                job_id = str(job.pk)
                transaction.on_commit(lambda: plan_import_job.enqueue(job_id))
    except Exception:
        job.file.delete(save=False)
        raise
    return job


def _import_progress(job_id: Any, percent: int, step: str) -> None:
    PlanImport.objects.filter(pk=job_id, status=ImportStatus.RUNNING).update(progress=percent, step=step[:100])


class ImportTimeout(DomainError):
    """The job ran past LUOSHI_IMPORT_TIME_LIMIT_SECONDS."""

    def __init__(self, seconds: int) -> None:
        super().__init__(_("解析超过%(minutes)s分钟仍未完成，已停止。文件可能过大或过于复杂，请拆分后重新上传。")
                         % {"minutes": _minutes(seconds)}, code="timeout")


def _minutes(seconds: int) -> str:
    return f"{seconds / 60:g}"


@contextlib.contextmanager
def _wall_clock_limit(seconds: int) -> Iterator[None]:
    """Interrupt the block after `seconds` (SIGALRM; the worker runs jobs in its main thread).

    Elsewhere (a thread, a platform without setitimer) the block runs unbounded, and the stale-job sweep
    is what ends a job that never finishes.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise ImportTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def plan_import_run(*, job_id: str) -> PlanImport:
    """Parse a queued upload outside any transaction, within the import time limit.

    A new plan is then written in one short transaction. A re-import stops at a preview: the parse result
    and its differences with the plan are stored on the job, and nothing changes until the office confirms
    (plan_import_apply). A job delivered twice runs once: the row is claimed first. A refused document
    fails the job with the parser's one-line message.
    """
    plan_imports_sweep()
    claimed = PlanImport.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, progress=5, step=_("读取文件"), started_at=timezone.now())
    job: PlanImport = PlanImport.objects.select_related("user", "plan").get(pk=job_id)
    if not claimed:
        return job
    try:
        if not job.user.is_active:
            raise DomainError(_("账号已停用"), code="forbidden")
        with job.file.open("rb") as handle:
            data = handle.read()
        _import_progress(job.pk, 20, _("解析文件"))
        preview = None
        with _wall_clock_limit(settings.LUOSHI_IMPORT_TIME_LIMIT_SECONDS):
            rows = _parse_rows(data=data, filename=job.filename)
            if job.plan is not None and needs_baseline(job.plan):
                rows["baseline"] = _legacy_baseline(job.plan)
            if job.plan is not None:
                _import_progress(job.pk, 70, _("比较差异"))
                preview = preview_build(job.plan, rows)
        if job.plan is not None:
            PlanImport.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
                status=ImportStatus.PREVIEW, parsed=rows, preview=preview, progress=100, step="",
                finished_at=timezone.now())
        else:
            _import_progress(job.pk, 80, _("写入计划"))
            with transaction.atomic():
                plan = _plan_create(actor=job.user, rows=rows)
                PlanImport.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, result=plan, progress=100,
                                                            step="", finished_at=timezone.now())
    except Exception as exc:
        if not isinstance(exc, DomainError):
            logger.exception("Plan import %s failed", job_id)
        message = exc.message if isinstance(exc, DomainError) else _("导入失败，请稍后重试或联系管理员")
        PlanImport.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, error=message[:500], step="",
                                                    finished_at=timezone.now())
    if job.file:
        job.file.delete(save=False)
        PlanImport.objects.filter(pk=job.pk).update(file="")
    job.refresh_from_db()
    return job


def _legacy_baseline(plan: Plan) -> dict[str, dict[str, Any]]:
    """What the parser read for the plan's current version, for tasks imported before that was kept."""
    source = plan.source_text.encode()
    try:
        return baseline_rows(_parse_rows(data=source, filename=f"{plan.pk}.txt"))
    except DomainError:
        return {}


def plan_import_apply(*, actor: Any, job: PlanImport, resolutions: Mapping[str, str]) -> Plan:
    """Apply a re-import the office confirmed, from the stored parse (nothing is parsed again).

    One short transaction. Refused when the preview is no longer pending, when a conflict has no
    resolution, or when the plan changed since the preview was made (StaleUpdate: upload again).
    """
    with transaction.atomic():
        job = PlanImport.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportStatus.PREVIEW or job.plan_id is None or job.parsed is None or job.preview is None:
            raise DomainError(_("该导入已处理，不能再次确认。"), code="not_pending")
        plan = Plan.objects.select_for_update().get(pk=job.plan_id)
        if plan.revision != job.preview["base_revision"]:
            raise StaleUpdate(_("预览之后计划已被修改，请重新上传文件生成新的预览。"))
        plan = _plan_revise(actor=actor, plan=plan, rows=job.parsed, resolutions=resolutions,
                            expected=job.preview["decisions"])
        job.status, job.result, job.parsed, job.finished_at = ImportStatus.DONE, plan, None, timezone.now()
        job.save(update_fields=["status", "result", "parsed", "finished_at"])
        audit_record(actor=actor, action="plan.import_confirm", target=job, plan_id=plan.pk,
                     after={"revision": plan.revision, "resolutions": dict(resolutions)})
    return plan


@transaction.atomic
def plan_import_cancel(*, actor: Any, job: PlanImport) -> PlanImport:
    """Drop a pending preview: the plan stays as it is."""
    job = PlanImport.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.PREVIEW:
        raise DomainError(_("该导入已处理，不能取消。"), code="not_pending")
    job.status, job.parsed, job.finished_at = ImportStatus.CANCELLED, None, timezone.now()
    job.save(update_fields=["status", "parsed", "finished_at"])
    audit_record(actor=actor, action="plan.import_cancel", target=job, plan_id=job.plan_id,
                 before={"status": ImportStatus.PREVIEW}, after={"status": ImportStatus.CANCELLED})
    return job


# A job claimed longer ago than the time limit plus this margin is no longer being worked on.
IMPORT_SWEEP_GRACE_SECONDS = 60


def plan_imports_sweep(*, now: dt.datetime | None = None, worker_start: bool = False) -> int:
    """Fail the jobs a dead worker left "running": the import page then says so instead of waiting.

    The job's own time limit stops a live worker; a job still running after it (plus a margin) has no
    worker any more. Run by every job, by the import page and by `manage.py plan_imports_sweep`.
    `worker_start`: the only worker is starting, so every running job was left by a dead one.
    """
    limit = settings.LUOSHI_IMPORT_TIME_LIMIT_SECONDS
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=limit + IMPORT_SWEEP_GRACE_SECONDS)
    stale = PlanImport.objects.filter(status=ImportStatus.RUNNING)
    if worker_start:
        message = _("后台解析中断：后台任务进程已退出并重新启动。请重新上传。")
    else:
        stale = stale.filter(started_at__lt=cutoff)
        message = _("后台解析中断：%(minutes)s分钟内未完成（后台任务进程可能已退出）。请重新上传。") % {
            "minutes": _minutes(limit)}
    swept = 0
    for job in stale:
        with transaction.atomic():
            if PlanImport.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
                    status=ImportStatus.FAILED, error=message[:500], step="", finished_at=timezone.now()):
                swept += 1
                audit_record(actor=None, action="plan.import_stale", target=job, plan_id=job.plan_id,
                             before={"status": ImportStatus.RUNNING}, after={"status": ImportStatus.FAILED},
                             message=message)
    return swept


def _sync_targets(task: Task, targets: list[dict[str, Any]]) -> None:
    """The task's targets as the parser found them, updated in place: a target keeps its row (and so the
    actual values units reported on it, and its indicator link) when the same text, or else the same
    position, comes back; a target no longer in the text is deleted only when nothing was reported on it."""
    existing = list(task.targets.all())
    by_text = {t.text: t for t in existing}
    kept: set[int] = set()
    matched: list[Target | None] = []
    for parsed in targets:   # same text first: a target that moved keeps its row
        row = by_text.get(parsed["text"])
        matched.append(row if row is not None and row.pk not in kept else None)
        if row is not None:
            kept.add(row.pk)
    spare = [t for t in existing if t.pk not in kept]
    for i, parsed in enumerate(targets):
        row = matched[i] or (spare.pop(0) if spare else Target(task=task))
        row.text, row.indicator = parsed["text"], parsed["indicator"]
        row.value, row.value_max, row.unit, row.op = parsed["value"], parsed["value_max"], parsed["unit"], parsed["op"]
        row.basis, row.year, row.position = parsed["basis"], parsed["year"], i
        row.span_start, row.span_end = (parsed["span"] if parsed["span"] else (None, None))
        row.save()
    for row in spare:
        if not row.actuals.exists():
            row.delete()


def _sync_task_units(task: Task, units: list[dict[str, Any]]) -> None:
    resolved = _resolve_names([u["name"] for u in units])
    keep = []
    for position, ref in enumerate(units):
        tu, _created = TaskUnit.objects.update_or_create(
            task=task, name=ref["name"],
            defaults={"unit": resolved.get(ref["name"]), "role": ref["role"], "inherited": ref["inherited"],
                      "span_start": ref["span"][0] if ref["span"] else None,
                      "span_end": ref["span"][1] if ref["span"] else None, "position": position})
        keep.append(tu.pk)
    task.task_units.exclude(pk__in=keep).delete()


def _resolve_names(names: list[str]) -> dict[str, Unit]:
    found = {u.name: u for u in Unit.objects.filter(name__in=names)}
    for alias in UnitAlias.objects.filter(alias__in=[n for n in names if n not in found]).select_related("unit"):
        found[alias.alias] = alias.unit
    return found


def unmapped_unit_names(plan: Plan) -> list[str]:
    """Unit names in the plan that no directory unit or alias matches yet."""
    return sorted(set(TaskUnit.objects.filter(task__plan=plan, unit__isnull=True, task__removed=False)
                      .values_list("name", flat=True)))


@transaction.atomic
def plan_map_unit(*, actor: Any, plan: Plan, name: str, unit: Unit) -> int:
    """Map a name the directory did not know to a unit; remembered as an alias for later imports."""
    if unit.name != name:
        unit_alias_create(actor=actor, alias=name, unit=unit)
    count = TaskUnit.objects.filter(task__plan=plan, name=name).update(unit=unit)
    audit_record(actor=actor, action="plan.map_unit", target=plan, plan_id=plan.pk, unit_id=unit.pk,
                 after={"name": name, "unit": unit.name, "task_units": count})
    if plan.status == PlanStatus.PUBLISHED:
        _sync_assignments(plan)
    return count


@transaction.atomic
def plan_publish(*, actor: Any, plan: Plan) -> Plan:
    """Publish: one assignment per (item, unit), groups expanded to their members; periods created."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    missing = unmapped_unit_names(plan)
    if missing:
        raise DomainError(_("以下单位尚未对应到单位目录：%(units)s") % {"units": "、".join(missing)},
                          code="unmapped_units")
    if not plan.tasks.filter(is_item=True, removed=False).exists():
        raise DomainError(_("计划中没有任务项"), code="no_items")
    before = snapshot(plan, PLAN_FIELDS)
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = plan.published_at or clock.now()
    plan.save(update_fields=["status", "published_at"])
    last_before = Assignment.objects.aggregate(last=Max("pk"))["last"] or 0
    created = _sync_assignments(plan)
    from luoshi.reports.notices import duties_notify  # reports builds on plans, not the reverse
    from luoshi.reports.services import periods_ensure

    periods_ensure(plan=plan)
    duties_notify(plan=plan, assignments=Assignment.objects.filter(task__plan=plan, pk__gt=last_before, active=True))
    audit_record(actor=actor, action="plan.publish", target=plan, plan_id=plan.pk, before=before,
                 after={**snapshot(plan, PLAN_FIELDS), "assignments_created": created})
    return plan


@dataclass
class AssignmentChanges:
    """What _sync_assignments_detail did: assignments created, deactivated and made active again."""

    created: list[Assignment] = field(default_factory=list)
    deactivated: list[Assignment] = field(default_factory=list)
    reactivated: list[Assignment] = field(default_factory=list)


def _sync_assignments(plan: Plan) -> int:
    """Create missing assignments; deactivate those whose task or unit left the plan. Idempotent."""
    return len(_sync_assignments_detail(plan).created)


def _sync_assignments_detail(plan: Plan) -> AssignmentChanges:
    wanted: dict[tuple[int, int], tuple[str, int | None, dt.date | None]] = {}
    task_units = (TaskUnit.objects.filter(task__plan=plan, task__is_item=True, task__removed=False,
                                          unit__isnull=False).select_related("unit", "task"))
    members: dict[int, list[int]] = {}  # a unit's members, asked once per unit rather than per task
    for tu in task_units:
        assert tu.unit is not None
        if tu.unit.pk not in members:
            members[tu.unit.pk] = [m.pk for m in tu.unit.member_units()]
        for member_id in members[tu.unit.pk]:
            key = (tu.task_id, member_id)
            if key not in wanted:  # a unit named itself beats the same unit reached through a group
                wanted[key] = (tu.role, tu.unit.pk if tu.unit.is_group else None, tu.task.deadline)
            elif not tu.unit.is_group:
                wanted[key] = (tu.role, None, tu.task.deadline)
    existing = {(a.task_id, a.unit_id): a for a in Assignment.objects.filter(task__plan=plan)}
    changes = AssignmentChanges()
    changes.created = Assignment.objects.bulk_create([
        Assignment(task_id=t, unit_id=u, role=role, via_group_id=via, deadline=deadline,
                   status=AssignmentStatus.OPEN)
        for (t, u), (role, via, deadline) in wanted.items() if (t, u) not in existing])
    for key, assignment in existing.items():
        active = key in wanted
        if assignment.active != active:
            assignment.active = active
            assignment.save(update_fields=["active"])
            (changes.reactivated if active else changes.deactivated).append(assignment)
    return changes


def _audit_assignments(actor: Any, plan: Plan, changes: AssignmentChanges) -> None:
    """One audit entry per assignment a revision created, deactivated or made active again."""
    for action, rows in (("assignment.create", changes.created), ("assignment.deactivate", changes.deactivated),
                         ("assignment.reactivate", changes.reactivated)):
        for assignment in rows:
            audit_record(actor=actor, action=action, target=assignment, plan_id=plan.pk,
                         task_id=assignment.task_id, unit_id=assignment.unit_id,
                         after={"task": assignment.task_id, "unit": assignment.unit_id, "role": assignment.role,
                                "active": assignment.active, "revision": plan.revision})


def _notify_revision(plan: Plan, changes: AssignmentChanges, changed: dict[int, Task]) -> None:
    """After the commit, each unit's accounts learn which of its duties a revision added, changed or ended."""
    per_unit: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"new": [], "changed": [], "ended": []})
    new_ids = {a.pk for a in changes.created} | {a.pk for a in changes.reactivated}
    paths = dict(Task.objects.filter(plan=plan).values_list("pk", "key"))
    for assignment in [*changes.created, *changes.reactivated]:
        per_unit[assignment.unit_id]["new"].append(paths[assignment.task_id])
    for assignment in Assignment.objects.filter(task_id__in=changed, active=True).exclude(pk__in=new_ids):
        per_unit[assignment.unit_id]["changed"].append(paths[assignment.task_id])
    for assignment in changes.deactivated:
        per_unit[assignment.unit_id]["ended"].append(paths[assignment.task_id])
    if not per_unit:
        return
    messages = {}
    labels = {"new": _("新交办%(count)d项"), "changed": _("调整%(count)d项"), "ended": _("不再承担%(count)d项")}
    for unit_id, kinds in per_unit.items():
        parts = [labels[kind] % {"count": len(keys)} + "（" + "、".join(".".join(k.split("/")) for k in keys[:8])
                 + ("等" if len(keys) > 8 else "") + "）" for kind, keys in kinds.items() if keys]
        messages[unit_id] = _("《%(title)s》已修订（第%(revision)d版）：%(changes)s。") % {
            "title": plan.title, "revision": plan.revision, "changes": "；".join(parts)}
    url = reverse("reports:my_tasks")

    def send() -> None:
        from luoshi.orgs.choices import Role
        from luoshi.orgs.models import User
        from luoshi.reports.models import Notification  # reports builds on plans, not the reverse

        recipients = User.objects.filter(unit_id__in=messages, role__in=[Role.LIAISON, Role.HEAD], is_active=True)
        Notification.objects.bulk_create([Notification(user=user, text=messages[user.unit_id][:500], url=url)
                                          for user in recipients])

    transaction.on_commit(send)


# ---------------------------------------------------------------------------------------------------
# Corrections to one node by the supervising office (import preview or later)

TASK_FIELDS = ["text", "deadline", "deadline_text"]


@dataclass(frozen=True)
class TaskUnitSpec:
    """One unit of a task as the corrected form gives it: the name read from the plan, its unit, its role."""

    name: str
    unit: Unit | None
    role: str


def _units_text(task: Task) -> str:
    parts = []
    for tu in task.task_units.select_related("unit").order_by("position"):
        shown = tu.unit.name if tu.unit is not None else f"{tu.name}（未对应）"
        if tu.unit is not None and tu.unit.name != tu.name:
            shown = f"{tu.name}→{tu.unit.name}"
        parts.append(f"{shown}（{UnitRole(tu.role).label}）")
    return "、".join(parts)


def _task_snapshot(task: Task) -> dict[str, Any]:
    return {**snapshot(task, TASK_FIELDS), "units": _units_text(task)}


def task_fingerprint(task: Task) -> str:
    """A token for the task's editable state: a form sends it back, a changed task refuses the save."""
    state = json.dumps(_task_snapshot(task), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(state.encode()).hexdigest()[:32]


@transaction.atomic
def task_update(*, actor: Any, task: Task, text: str, deadline: dt.date | None, deadline_text: str,
                units: Sequence[TaskUnitSpec], expected: str | None = None) -> Task:
    """Correct a node: its text, deadline and units with their roles; audited with before and after.

    `expected` is the fingerprint the form was opened with: if someone changed the task since, the save
    is refused (StaleUpdate). On a published plan the task's assignments follow the change.
    """
    task = Task.objects.select_for_update().select_related("plan").get(pk=task.pk)
    if expected is not None and expected != task_fingerprint(task):
        raise StaleUpdate(_("该任务已被他人修改，请刷新页面后重新修改"))
    text = text.strip()
    if not text:
        raise DomainError(_("任务内容不能为空"), code="empty_text")
    names = [spec.name.strip() for spec in units]
    if any(not name for name in names) or len(set(names)) != len(names):
        raise DomainError(_("单位名称不能为空或重复"), code="bad_units")
    if any(spec.role not in UnitRole.values for spec in units):
        raise DomainError(_("单位角色无效"), code="bad_role")
    if units and not any(spec.role in (UnitRole.LEAD, UnitRole.RESPONSIBLE) for spec in units):
        raise DomainError(_("至少需要一个牵头单位或责任单位"),
                          code="no_lead")
    if task.is_item and task.plan.status == PlanStatus.PUBLISHED and not units:
        raise DomainError(_("已发布计划的任务项必须有责任单位"), code="no_units")
    before = _task_snapshot(task)
    old_deadline = task.deadline
    if not task.parsed_values:  # imported before the parse was kept: the values before the first correction
        task.parsed_values = task_values(task)
    task.text, task.deadline, task.deadline_text = text, deadline, deadline_text.strip()[:200]
    task.full_clean(exclude=["parent", "plan"])
    task.save(update_fields=[*TASK_FIELDS, "parsed_values"])
    keep = []
    for position, (spec, name) in enumerate(zip(units, names, strict=True)):
        tu, _created = TaskUnit.objects.update_or_create(
            task=task, name=name[:200], defaults={"unit": spec.unit, "role": spec.role, "position": position})
        keep.append(tu.pk)
    task.task_units.exclude(pk__in=keep).delete()
    if task.plan.status == PlanStatus.PUBLISHED:
        _sync_assignments(task.plan)
        _follow_task(task, old_deadline)
    audit_record(actor=actor, action="task.update", target=task, before=before, after=_task_snapshot(task),
                 plan_id=task.plan_id, task_id=task.pk)
    return task


def _follow_task(task: Task, old_deadline: dt.date | None) -> None:
    """Roles and deadlines of the task's live assignments after a correction (extended deadlines stay)."""
    roles: dict[int, str] = {}
    for tu in task.task_units.filter(unit__isnull=False).select_related("unit"):
        assert tu.unit is not None
        for member in tu.unit.member_units():
            if member.pk not in roles or not tu.unit.is_group:
                roles[member.pk] = tu.role
    for assignment in task.assignments.filter(active=True):
        changed = []
        if assignment.unit_id in roles and assignment.role != roles[assignment.unit_id]:
            assignment.role = roles[assignment.unit_id]
            changed.append("role")
        if assignment.deadline == old_deadline and assignment.deadline != task.deadline:
            assignment.deadline = task.deadline
            changed.append("deadline")
        if changed:
            assignment.save(update_fields=changed)


@transaction.atomic
def plan_configure(*, actor: Any, plan: Plan, cadence: str, due_day: int, year: int | None,
                   is_public: bool) -> Plan:
    """Set the reporting cadence, the due day, the plan's year and whether it is public.

    Cadence and year shape the reporting periods, so they are fixed once the plan is published; the
    due day may still change, and moves the due dates of the periods not yet due.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if cadence not in Cadence.values:
        raise DomainError(_("报送周期无效。"), code="bad_cadence")
    if not 1 <= due_day <= 28:
        raise DomainError(_("报送截止日应在1至28之间。"), code="bad_due_day")
    if year is not None and not 1990 <= year <= 2100:
        raise DomainError(_("年度无效。"), code="bad_year")
    published = plan.status == PlanStatus.PUBLISHED
    if published and (cadence != plan.cadence or year != plan.year):
        raise DomainError(_("计划发布后不能更改报送周期和年度。"),
                          code="published")
    before = snapshot(plan, [*PLAN_FIELDS, "year", "is_public"])
    plan.cadence, plan.due_day, plan.year, plan.is_public = cadence, due_day, year, is_public
    plan.save(update_fields=["cadence", "due_day", "year", "is_public"])
    if published and before["due_day"] != due_day:
        today = clock.today()
        for period in plan.periods.filter(due_date__gte=today):
            period.due_date = period.end + dt.timedelta(days=due_day)
            period.save(update_fields=["due_date"])
    after = snapshot(plan, [*PLAN_FIELDS, "year", "is_public"])
    if after != before:
        audit_record(actor=actor, action="plan.configure", target=plan, plan_id=plan.pk, before=before, after=after)
    return plan
