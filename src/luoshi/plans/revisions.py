"""A parsed plan as rows ready to write, and the differences a re-import would make (the preview).

The background job turns the parser's output into `rows` (plain JSON, stored on the PlanImport) and
compares them with the plan in the database. Nothing here writes; services.plan_import_apply writes
the rows once the office has confirmed the preview, and recomputes the same comparison to make sure the
plan did not change in between.

Three fields of a task can be corrected by the office: its text, its deadline and its units. Each task
keeps what the parser last read for them (`Task.parsed_values`), so a three-way comparison tells, field
by field, the old text, the office's correction and the new text apart:

- the new text says the same as the old: the current value stays (a correction is kept);
- the new text changed and the office had not corrected the field: the new text is taken;
- the new text changed to what the office had already corrected: nothing to do;
- the new text changed to something else than the correction: a conflict the office resolves.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from luoshi import plandoc
from luoshi.core.parser_messages import stored_warnings
from luoshi.plandoc.normalize import halfwidth

from .models import Assignment, Plan, Task

# Field groups the office may correct, compared three ways; a conflict on one is resolved as a whole.
CORRECTABLE = ("text", "deadline", "units")
REPORTS_LISTED = 12  # reports named one by one per item in the preview (all are counted)
KEEP, TAKE_NEW = "keep", "new"


def task_key(path: list[str]) -> str:
    """A node's stable key: its label path, width-normalised so (一) and （一） are the same task."""
    return "/".join(halfwidth(label).replace(" ", "") for label in path)


def display_path(key: str) -> str:
    return ".".join(key.split("~")[0].split("/"))


# ---------------------------------------------------------------------------------------------------
# The parse result as rows


_ROLE_WEIGHT = {"lead": 0, "responsible": 1, "support": 2}


def one_duty_per_unit(refs: list[plandoc.UnitRef]) -> list[plandoc.UnitRef]:
    """A task holds each unit once. The parser names a unit again for each marker of the node that names it
    ('（牵头单位：A）…（责任单位：A、B）'): the unit keeps its first place and span, and its strongest role
    (it leads the task if it leads any part of it)."""
    merged: dict[str, plandoc.UnitRef] = {}
    for ref in refs:
        kept = merged.get(ref.name)
        if kept is None:
            merged[ref.name] = ref
        elif _ROLE_WEIGHT.get(ref.role, 1) < _ROLE_WEIGHT.get(kept.role, 1):
            merged[ref.name] = plandoc.UnitRef(kept.name, ref.role, kept.inherited and ref.inherited, kept.span,
                                               kept.covers)
    return list(merged.values())


def plan_rows(parsed: plandoc.Plan, *, data: bytes, filename: str) -> dict[str, Any]:
    """What services write for a parsed document: plan fields, one row per node (keyed), duplicates."""
    items = {n.id for n in parsed.items()}
    key_of: dict[str, str] = {}
    nodes: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, node in enumerate(parsed.nodes):
        key = task_key(node.path)
        if key in seen:  # a repeated label path (a numbering slip the parser warned about)
            key = f"{key}#{position}"
        seen.add(key)
        key_of[node.id] = key
        deadline = node.deadline
        nodes.append({
            "key": key, "parent": key_of.get(node.parent) if node.parent else None, "label": node.label[:100],
            "level": node.level, "text": node.text, "body": node.body, "span": list(node.span),
            "is_item": node.id in items,
            "deadline": deadline.date if deadline and deadline.date else None,
            "deadline_text": (deadline.text if deadline else "")[:200],
            "cadence": (deadline.cadence or "") if deadline else "",
            "units": [{"name": u.name[:200], "role": u.role, "inherited": u.inherited,
                       "span": list(u.span) if u.span else None} for u in one_duty_per_unit(node.units)],
            "targets": [{"text": t.text[:300], "indicator": (t.indicator or "")[:200], "value": t.value,
                         "value_max": t.value_max, "unit": t.unit[:32], "op": t.op, "basis": t.basis,
                         "year": t.year, "span": list(t.span) if t.span else None} for t in node.targets],
        })
    return {
        "plan": {
            "title": parsed.title[:300] or filename[:300], "doc_number": parsed.doc_number or "",
            "issuer": parsed.issuer or "", "issued_on": parsed.issued_on,
            "notice_title": (parsed.notice_title or "")[:400], "year": _plan_year(parsed),
            "source_text": parsed.source, "source_format": parsed.source_format, "source_name": filename[:255],
            "source_sha256": hashlib.sha256(data).hexdigest(), "parse_warnings": stored_warnings(parsed.warnings),
        },
        "nodes": nodes,
        "duplicates": [[key_of[i] for i in group if i in key_of] for group in parsed.duplicates],
    }


def _plan_year(parsed: plandoc.Plan) -> int | None:
    for node in parsed.nodes:
        for target in node.targets:
            if target.year:
                return target.year
    return int(parsed.issued_on[:4]) if parsed.issued_on else None


def needs_baseline(plan: Plan) -> bool:
    """Whether some task predates `parsed_values` (imported before it was kept)."""
    return plan.tasks.filter(parsed_values={}).exists()


def baseline_rows(rows: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The correctable fields per key of a parse of the plan's current source text: what the parser read
    for tasks imported before `parsed_values` was kept, so that their corrections are still told apart."""
    return {row["key"]: row_values(row) for row in rows["nodes"]}


def row_values(row: dict[str, Any]) -> dict[str, Any]:
    """The correctable fields as the parser read them (stored on the task as `parsed_values`)."""
    return {"text": row["text"], "deadline": row["deadline"], "deadline_text": row["deadline_text"],
            "units": [[u["name"], u["role"]] for u in row["units"]]}


def task_values(task: Task) -> dict[str, Any]:
    """The correctable fields as they are now (parsed, or corrected by the office)."""
    return {"text": task.text, "deadline": task.deadline.isoformat() if task.deadline else None,
            "deadline_text": task.deadline_text,
            "units": [[tu.name, tu.role] for tu in task.task_units.all()]}


def _groups(values: dict[str, Any]) -> dict[str, Any]:
    return {"text": values["text"], "deadline": [values["deadline"], values["deadline_text"]],
            "units": sorted([list(u) for u in values["units"]])}


def shown(group: str, value: Any) -> str:
    """A field group's value as the preview shows it."""
    if group == "deadline":
        date, text = value
        return " ".join(part for part in (text, f"（{date}）" if date and date not in text else "") if part) or "—"
    if group == "units":
        from .choices import UnitRole

        return "、".join(f"{name}（{UnitRole(role).label}）" for name, role in value) or "—"
    return str(value or "—")


# ---------------------------------------------------------------------------------------------------
# The comparison


@dataclass
class FieldChange:
    """One correctable field of a task: its current value, the old and new parse, and what happens."""

    name: str
    current: Any
    old: Any
    new: Any
    outcome: str  # "new": the new text is taken; "conflict": the office decides; "keep": correction kept

    @property
    def corrected(self) -> bool:
        return self.current != self.old


@dataclass
class TaskDiff:
    """How one node of the plan would change."""

    key: str
    kind: str  # "added" | "changed" | "retired" | "restored" (back in the text after being retired)
    row: dict[str, Any] | None = None
    task: Task | None = None
    moved_from: str = ""  # the task's key before the new version renumbered it
    fields: list[FieldChange] = field(default_factory=list)
    kept: list[FieldChange] = field(default_factory=list)  # corrections the new text leaves alone
    body: tuple[str, str] | None = None
    targets: list[tuple[str, str]] = field(default_factory=list)


def match_tasks(tasks: list[Task], rows: list[dict[str, Any]]) -> dict[str, Task]:
    """Which existing task each row of the new version continues (row key -> task).

    In order: the same numbering with the same text; then the same text under another numbering, when
    that text belongs to one unmatched task and one unmatched row at the same level (an item renumbered
    because one before it was added or removed: its reports stay with its duty, not with its old number);
    then the same numbering (its text changed). Tasks left over are retired.
    """
    by_key = {t.key: t for t in tasks}
    matched: dict[str, Task] = {}
    used: set[int] = set()

    def texts(task: Task) -> set[str]:
        return {task.text, *([task.parsed_values["text"]] if task.parsed_values.get("text") else [])}

    for row in rows:
        task = by_key.get(row["key"])
        if task is not None and row["text"] in texts(task):
            matched[row["key"]] = task
            used.add(task.pk)
    free_rows = [row for row in rows if row["key"] not in matched]
    rows_per_text = Counter(row["text"] for row in free_rows)
    candidates: dict[str, list[Task]] = defaultdict(list)
    for task in tasks:
        if task.pk not in used:
            for text in texts(task):
                candidates[text].append(task)
    for row in free_rows:
        found = candidates.get(row["text"], [])
        if rows_per_text[row["text"]] == 1 and len(found) == 1 and found[0].level == row["level"] \
                and found[0].pk not in used:
            matched[row["key"]] = found[0]
            used.add(found[0].pk)
    for row in rows:
        task = by_key.get(row["key"])
        if row["key"] not in matched and task is not None and task.pk not in used:
            matched[row["key"]] = task
            used.add(task.pk)
    return matched


def compare(plan: Plan, rows: dict[str, Any]) -> list[TaskDiff]:
    """Every node that the rows would add, change or retire, in the new document's order (retired last)."""
    tasks = list(plan.tasks.prefetch_related("task_units", "targets"))
    matched = match_tasks(tasks, rows["nodes"])
    used = {task.pk for task in matched.values()}
    baseline = rows.get("baseline") or {}
    diffs: list[TaskDiff] = []
    for row in rows["nodes"]:
        task = matched.get(row["key"])
        if task is None:
            diffs.append(TaskDiff(key=row["key"], kind="added", row=row))
            continue
        diff = _compare_task(task, row, baseline.get(task.key))
        if task.removed:
            diff.kind = "restored"
        if task.key != row["key"]:
            diff.moved_from = task.key
        if diff.fields or diff.body or diff.targets or diff.kept or diff.moved_from or task.removed:
            diffs.append(diff)
    for task in sorted(tasks, key=lambda t: t.position):
        if task.pk not in used and not task.removed:
            diffs.append(TaskDiff(key=task.key, kind="retired", task=task))
    return diffs


def _compare_task(task: Task, row: dict[str, Any], baseline: dict[str, Any] | None) -> TaskDiff:
    current = _groups(task_values(task))
    parsed = task.parsed_values or baseline
    old = _groups(parsed) if parsed else current
    new = _groups(row_values(row))
    diff = TaskDiff(key=row["key"], kind="changed", row=row, task=task)
    for name in CORRECTABLE:
        cur, was, now = current[name], old[name], new[name]
        if now == was:
            if cur != was:
                diff.kept.append(FieldChange(name, cur, was, now, KEEP))
        elif cur == was:
            diff.fields.append(FieldChange(name, cur, was, now, TAKE_NEW))
        elif cur != now:
            diff.fields.append(FieldChange(name, cur, was, now, "conflict"))
    if task.body != row["body"]:
        diff.body = (task.body, row["body"])
    old_targets = [t.text for t in task.targets.all()]
    new_targets = [t["text"] for t in row["targets"]]
    if old_targets != new_targets:
        gone = [t for t in old_targets if t not in new_targets]
        came = [t for t in new_targets if t not in old_targets]
        diff.targets = [(gone[i] if i < len(gone) else "", came[i] if i < len(came) else "")
                        for i in range(max(len(gone), len(came)))]
    return diff


def conflict_id(key: str, name: str) -> str:
    return f"{key}|{name}"


def decisions_of(diffs: list[TaskDiff]) -> list[list[str]]:
    """What the office confirms: each change's key, kind and field outcomes (the stale-preview check)."""
    out = []
    for diff in diffs:
        out.append([diff.key, diff.kind, diff.moved_from,
                    *sorted(f"{f.name}:{f.outcome}:{f.new!r}" for f in diff.fields),
                    *sorted(f"{f.name}:kept" for f in diff.kept)])
    return out


# ---------------------------------------------------------------------------------------------------
# The preview: the comparison with what each change touches (reports, actual values, evidence, units)


def preview_build(plan: Plan, rows: dict[str, Any]) -> dict[str, Any]:
    """The preview stored on the job and shown to the office before anything is applied."""
    from luoshi.reports.choices import ReportStatus  # reports builds on plans
    from luoshi.reports.models import Attachment, Report, TargetActual

    diffs = compare(plan, rows)
    task_ids = [d.task.pk for d in diffs if d.task is not None]
    reports: dict[int, int] = defaultdict(int)
    reports_by_unit: dict[tuple[int, int], int] = defaultdict(int)
    report_lines: dict[int, list[str]] = defaultdict(list)
    for task_id, unit_id, unit_name, period, status in (
            Report.objects.filter(assignment__task_id__in=task_ids).order_by("period__start", "assignment__unit__name")
            .values_list("assignment__task_id", "assignment__unit_id", "assignment__unit__name", "period__label",
                         "status")):
        reports[task_id] += 1
        reports_by_unit[(task_id, unit_id)] += 1
        report_lines[task_id].append(f"{unit_name} {period} {ReportStatus(status).label}")
    actuals: dict[int, int] = defaultdict(int)
    for task_id in TargetActual.objects.filter(target__task_id__in=task_ids).values_list("target__task_id",
                                                                                          flat=True):
        actuals[task_id] += 1
    evidence: dict[int, int] = defaultdict(int)
    for task_id in Attachment.objects.filter(report__assignment__task_id__in=task_ids).values_list(
            "report__assignment__task_id", flat=True):
        evidence[task_id] += 1
    units_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for task_id, unit_id, unit_name in Assignment.objects.filter(task_id__in=task_ids, active=True).values_list(
            "task_id", "unit_id", "unit__name"):
        units_of[task_id].append((unit_id, unit_name))

    changes: list[dict[str, Any]] = []
    for diff in diffs:
        row, task = diff.row, diff.task
        entry: dict[str, Any] = {
            "key": diff.key, "path": display_path(diff.key), "kind": diff.kind,
            "moved_from": display_path(diff.moved_from) if diff.moved_from else "",
            "task_id": task.pk if task else None,
            "is_item": bool(row["is_item"] if row else task and task.is_item),
            "text": (row["text"] if row else task.text if task else "")[:200],
            "fields": [], "kept": [], "units_gained": [], "units_lost": [], "targets": [],
            "body": None, "reports": 0, "actuals": 0, "evidence": 0,
        }
        if task is not None:
            entry.update(reports=reports[task.pk], actuals=actuals[task.pk], evidence=evidence[task.pk])
            lines = report_lines[task.pk]
            entry["report_list"] = lines[:REPORTS_LISTED] + (["…"] if len(lines) > REPORTS_LISTED else [])
            entry["units_now"] = [name for _unit_id, name in units_of[task.pk]]
        for change in diff.fields:
            entry["fields"].append({
                "name": change.name, "id": conflict_id(diff.key, change.name), "outcome": change.outcome,
                "current": shown(change.name, change.current), "old": shown(change.name, change.old),
                "new": shown(change.name, change.new), "corrected": change.corrected,
                "pieces": inline_diff(change.current, change.new) if change.name == "text" else None})
            if change.name == "units":
                now = {name for name, _role in change.current}
                after = {name for name, _role in change.new}
                entry["units_gained"] = sorted(after - now)
                lost = sorted(now - after)
                entry["units_lost"] = [{"name": name, "reports": _unit_reports(task, name, reports_by_unit)}
                                       for name in lost]
        entry["kept"] = [{"name": c.name, "current": shown(c.name, c.current), "old": shown(c.name, c.old)}
                         for c in diff.kept]
        if diff.kind == "added" and row is not None:
            entry["units_gained"] = [u["name"] for u in row["units"]]
            entry["fields"] = [{"name": "deadline", "id": "", "outcome": TAKE_NEW, "current": "", "old": "",
                                "new": shown("deadline", [row["deadline"], row["deadline_text"]]),
                                "corrected": False}] if row["deadline_text"] else []
        if diff.body is not None:
            entry["body"] = {"old": diff.body[0][:300], "new": diff.body[1][:300]}
        if diff.targets and task is not None:
            counts = {t.text: t.actuals.count() for t in task.targets.all()}
            entry["targets"] = [{"old": old, "new": new, "actuals": counts.get(old, 0)}
                                for old, new in diff.targets]
        changes.append(entry)
    counts = {
        "added": sum(1 for c in changes if c["kind"] == "added"),
        "retired": sum(1 for c in changes if c["kind"] == "retired"),
        "changed": sum(1 for c in changes if c["kind"] == "changed"
                       and (c["fields"] or c["targets"] or c["body"] or c["moved_from"])),
        "moved": sum(1 for c in changes if c["moved_from"]),
        "conflicts": sum(1 for c in changes for f in c["fields"] if f["outcome"] == "conflict"),
        "kept": sum(len(c["kept"]) for c in changes),
        "reports": sum(c["reports"] for c in changes),
        "actuals": sum(c["actuals"] for c in changes),
    }
    plan_fields = [{"name": name, "old": str(getattr(plan, name) or ""), "new": str(rows["plan"][name] or "")}
                   for name in ("title", "doc_number", "issuer", "issued_on", "notice_title")
                   if str(getattr(plan, name) or "") != str(rows["plan"][name] or "")]
    return {"base_revision": plan.revision, "counts": counts, "changes": changes, "plan_fields": plan_fields,
            "decisions": decisions_of(diffs), "title": rows["plan"]["title"],
            "nodes": len(rows["nodes"])}


def _unit_reports(task: Task | None, name: str, reports_by_unit: dict[tuple[int, int], int]) -> int:
    """Reports filed on the task by the unit(s) a task-unit name stands for (kept, whatever happens)."""
    if task is None:
        return 0
    tu = next((tu for tu in task.task_units.all() if tu.name == name), None)
    if tu is None or tu.unit is None:
        return 0
    return sum(reports_by_unit[(task.pk, member.pk)] for member in tu.unit.member_units())


def inline_diff(old: str, new: str) -> list[list[str]]:
    """The two texts as one run of pieces: ["same", text], ["del", removed text] and ["ins", added text]."""
    pieces: list[list[str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(["same", old[a0:a1]])
            continue
        if a1 > a0:
            pieces.append(["del", old[a0:a1]])
        if b1 > b0:
            pieces.append(["ins", new[b0:b1]])
    return pieces


def parse_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
