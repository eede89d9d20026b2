"""Writes for plans: import a document through the parser, map unknown unit names, publish, correct a task.

Re-importing a corrected version of a plan matches tasks by their label path (`Task.key`): existing
tasks are updated in place, new ones added, vanished ones flagged `removed` (their history stays).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luoshi import plandoc
from luoshi.core import clock
from luoshi.core.audit import audit_record, snapshot
from luoshi.core.errors import DomainError, StaleUpdate
from luoshi.core.parser_messages import parser_message, stored_warnings
from luoshi.orgs.models import Unit, UnitAlias
from luoshi.orgs.services import unit_alias_create, unit_directory_for_parser
from luoshi.plandoc.normalize import halfwidth

from .choices import AssignmentStatus, Cadence, ImportStatus, PlanStatus, UnitRole
from .models import Assignment, DuplicateGroup, Plan, PlanImport, Target, Task, TaskUnit

logger = logging.getLogger(__name__)

PLAN_FIELDS = ["title", "doc_number", "issuer", "issued_on", "status", "cadence", "due_day", "revision"]


def task_key(path: list[str]) -> str:
    """A node's stable key: its label path, width-normalised so (一) and （一） are the same task."""
    return "/".join(halfwidth(label).replace(" ", "") for label in path)


def plan_parse(*, data: bytes, filename: str) -> plandoc.Plan:
    """Run the parser with the database's unit directory; bad documents become a DomainError."""
    try:
        return plandoc.parse(data, filename=filename, units=unit_directory_for_parser(),
                             max_bytes=settings.LUOSHI_MAX_PLAN_BYTES)
    except plandoc.PlanDocError as exc:
        raise DomainError(parser_message(exc), code="bad_document") from exc


def plan_import(*, actor: Any, data: bytes, filename: str, plan: Plan | None = None) -> Plan:
    """Store a parsed document as a draft plan, or as the next revision of `plan`.

    The parse runs outside any transaction (it can take minutes on a large file and SQLite would hold its
    write lock all that time); only the result is written, in one short transaction.
    """
    parsed = plan_parse(data=data, filename=filename)
    if not parsed.nodes:
        raise DomainError(_("文件中未识别到任务结构，未导入"),
                          code="no_structure")
    with transaction.atomic():
        return _plan_write(actor=actor, parsed=parsed, data=data, filename=filename, plan=plan)


def _plan_write(*, actor: Any, parsed: plandoc.Plan, data: bytes, filename: str, plan: Plan | None) -> Plan:
    before = snapshot(plan, PLAN_FIELDS) if plan else None
    year = _plan_year(parsed)
    fields = {
        "title": parsed.title[:300] or filename[:300], "doc_number": parsed.doc_number or "",
        "issuer": parsed.issuer or "", "issued_on": parsed.issued_on and dt.date.fromisoformat(parsed.issued_on),
        "notice_title": (parsed.notice_title or "")[:400], "year": year, "source_text": parsed.source,
        "source_format": parsed.source_format, "source_name": filename[:255],
        "source_sha256": hashlib.sha256(data).hexdigest(), "parse_warnings": stored_warnings(parsed.warnings),
    }
    if plan is None:
        plan = Plan.objects.create(created_by=actor, **fields)
    else:
        for name, value in fields.items():
            setattr(plan, name, value)
        plan.revision += 1
        plan.save()
    _sync_tasks(plan, parsed)
    if plan.status == PlanStatus.PUBLISHED:
        _sync_assignments(plan)
    audit_record(actor=actor, action="plan.import", target=plan, before=before, after=snapshot(plan, PLAN_FIELDS),
                 plan_id=plan.pk,
                 message=ngettext("%(file)s：%(count)d 个节点", "%(file)s：%(count)d 个节点", len(parsed.nodes))
                 % {"file": filename, "count": len(parsed.nodes)})
    return plan


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


def plan_import_run(*, job_id: str) -> PlanImport:
    """Parse a queued upload outside any transaction, then write the plan in one short transaction.

    A job delivered twice runs once: the row is claimed first. A refused document fails the job with the
    parser's one-line message.
    """
    claimed = PlanImport.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, progress=5, step=_("读取文件"))
    job: PlanImport = PlanImport.objects.select_related("user", "plan").get(pk=job_id)
    if not claimed:
        return job
    try:
        if not job.user.is_active:
            raise DomainError(_("账号已停用"), code="forbidden")
        with job.file.open("rb") as handle:
            data = handle.read()
        _import_progress(job.pk, 20, _("解析文件"))
        parsed = plan_parse(data=data, filename=job.filename)
        if not parsed.nodes:
            raise DomainError(_("文件中未识别到任务结构，未导入"),
                              code="no_structure")
        _import_progress(job.pk, 80, _("写入计划"))
        with transaction.atomic():
            target = Plan.objects.select_for_update().get(pk=job.plan_id) if job.plan_id else None
            plan = _plan_write(actor=job.user, parsed=parsed, data=data, filename=job.filename, plan=target)
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


def _plan_year(parsed: plandoc.Plan) -> int | None:
    for node in parsed.nodes:
        for target in node.targets:
            if target.year:
                return target.year
    return int(parsed.issued_on[:4]) if parsed.issued_on else None


def _sync_tasks(plan: Plan, parsed: plandoc.Plan) -> None:
    existing = {t.key: t for t in plan.tasks.all()}
    items = {n.id for n in parsed.items()}
    by_node: dict[str, Task] = {}
    seen: set[str] = set()
    for position, node in enumerate(parsed.nodes):
        key = task_key(node.path)
        if key in seen:  # a repeated label path (a numbering slip the parser warned about)
            key = f"{key}#{position}"
        seen.add(key)
        values = {
            "parent": by_node.get(node.parent) if node.parent else None, "label": node.label[:100],
            "level": node.level, "position": position, "text": node.text, "body": node.body,
            "span_start": node.span[0], "span_end": node.span[1], "is_item": node.id in items,
            "deadline": dt.date.fromisoformat(node.deadline.date) if node.deadline and node.deadline.date else None,
            "deadline_text": (node.deadline.text if node.deadline else "")[:200],
            "cadence": (node.deadline.cadence or "") if node.deadline else "", "removed": False,
        }
        task = existing.pop(key, None)
        if task is None:
            task = Task.objects.create(plan=plan, key=key, **values)
        else:
            for name, value in values.items():
                setattr(task, name, value)
            task.save()
        by_node[node.id] = task
        _sync_task_units(task, node)
        _sync_targets(task, node)
    for task in existing.values():
        task.removed = True
        task.save(update_fields=["removed"])
    plan.duplicate_groups.all().delete()
    for group in parsed.duplicates:
        dg = DuplicateGroup.objects.create(plan=plan)
        dg.tasks.set([by_node[i] for i in group if i in by_node])


def _sync_targets(task: Task, node: plandoc.Node) -> None:
    """The task's targets as the parser found them, updated in place: a target keeps its row (and so the
    actual values units reported on it, and its indicator link) when the same text, or else the same
    position, comes back; a target no longer in the text is deleted only when nothing was reported on it."""
    existing = list(task.targets.all())
    by_text = {t.text: t for t in existing}
    kept: set[int] = set()
    matched: list[Target | None] = []
    for parsed in node.targets:   # same text first: a target that moved keeps its row
        row = by_text.get(parsed.text[:300])
        matched.append(row if row is not None and row.pk not in kept else None)
        if row is not None:
            kept.add(row.pk)
    spare = [t for t in existing if t.pk not in kept]
    for i, parsed in enumerate(node.targets):
        row = matched[i] or (spare.pop(0) if spare else Target(task=task))
        row.text, row.indicator = parsed.text[:300], (parsed.indicator or "")[:200]
        row.value, row.value_max, row.unit, row.op = parsed.value, parsed.value_max, parsed.unit[:32], parsed.op
        row.basis, row.year, row.position = parsed.basis, parsed.year, i
        row.span_start, row.span_end = (parsed.span if parsed.span else (None, None))
        row.save()
    for row in spare:
        if not row.actuals.exists():
            row.delete()


def _sync_task_units(task: Task, node: plandoc.Node) -> None:
    resolved = _resolve_names([u.name for u in node.units])
    keep = []
    for position, ref in enumerate(node.units):
        tu, _created = TaskUnit.objects.update_or_create(
            task=task, name=ref.name[:200],
            defaults={"unit": resolved.get(ref.name), "role": ref.role, "inherited": ref.inherited,
                      "span_start": ref.span[0] if ref.span else None,
                      "span_end": ref.span[1] if ref.span else None, "position": position})
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
    created = _sync_assignments(plan)
    from luoshi.reports.services import periods_ensure  # reports builds on plans, not the reverse

    periods_ensure(plan=plan)
    audit_record(actor=actor, action="plan.publish", target=plan, plan_id=plan.pk, before=before,
                 after={**snapshot(plan, PLAN_FIELDS), "assignments_created": created})
    return plan


def _sync_assignments(plan: Plan) -> int:
    """Create missing assignments; deactivate those whose task or unit left the plan. Idempotent."""
    wanted: dict[tuple[int, int], tuple[str, int | None, dt.date | None]] = {}
    task_units = (TaskUnit.objects.filter(task__plan=plan, task__is_item=True, task__removed=False,
                                          unit__isnull=False).select_related("unit", "task"))
    for tu in task_units:
        assert tu.unit is not None
        for member in tu.unit.member_units():
            key = (tu.task_id, member.pk)
            if key not in wanted:  # a unit named itself beats the same unit reached through a group
                wanted[key] = (tu.role, tu.unit.pk if tu.unit.is_group else None, tu.task.deadline)
            elif not tu.unit.is_group:
                wanted[key] = (tu.role, None, tu.task.deadline)
    existing = {(a.task_id, a.unit_id): a for a in Assignment.objects.filter(task__plan=plan)}
    new = [Assignment(task_id=t, unit_id=u, role=role, via_group_id=via, deadline=deadline,
                      status=AssignmentStatus.OPEN)
           for (t, u), (role, via, deadline) in wanted.items() if (t, u) not in existing]
    Assignment.objects.bulk_create(new)
    for key, assignment in existing.items():
        active = key in wanted
        if assignment.active != active:
            assignment.active = active
            assignment.save(update_fields=["active"])
    return len(new)


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
    task.text, task.deadline, task.deadline_text = text, deadline, deadline_text.strip()[:200]
    task.full_clean(exclude=["parent", "plan"])
    task.save(update_fields=TASK_FIELDS)
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
