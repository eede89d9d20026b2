"""What offices circulate: the plan as JSON, CSV, Markdown and the 任务分解表 workbook.

CSV, Markdown and the workbook's first sheet carry the same columns (`COLUMNS`), one row per leaf
node, built once by `task_rows`. Cells that a spreadsheet would run as a formula are neutralised
(formula injection), and characters that XML cannot hold are dropped; the workbook's cells are
written by `luoshi.xlsxsafe`, the writer of every .xlsx the system produces.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.plandoc.model import Deadline, Node, Plan, Target, Unit
from luoshi.plandoc.normalize import halfwidth
from luoshi.xlsxsafe import BORDER, FORMULA_LEADS, HEADER_FILL, HEADER_FONT, TITLE_FONT, new_workbook, set_cell

# (header, minimum width, maximum width); widths in Excel character units, a CJK character is 2.
COLUMNS: tuple[tuple[str, int, int], ...] = (
    ("序号路径", 10, 18),
    ("所属章节", 20, 40),
    ("任务内容", 30, 70),
    ("牵头单位", 10, 24),
    ("配合单位", 10, 24),
    ("责任单位", 10, 24),
    ("量化目标", 14, 36),
    ("完成时限", 10, 20),
    ("原文位置", 9, 9),
)
HEADERS: tuple[str, ...] = tuple(header for header, _, _ in COLUMNS)

UNIT_COLUMNS: tuple[tuple[str, int, int], ...] = (
    ("单位简称", 12, 30),
    ("单位全称", 16, 50),
    ("类别", 8, 16),
    ("集合单位", 9, 9),
    ("已识别", 8, 8),
    ("成员单位", 16, 60),
    ("任务数", 8, 8),
)

TASK_SHEET = "任务分解表"
UNIT_SHEET = "单位清单"
NOTES_SHEET = "说明"

ROLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("lead", "牵头单位"),
    ("support", "配合单位"),
    ("responsible", "责任单位"),
)
OP_SYMBOLS: dict[str, str] = {">=": "≥", "<=": "≤", "=": "=", "growth": "增长"}
CADENCE_NAMES: dict[str, str] = {
    "ongoing": "长期坚持",
    "monthly": "每月",
    "quarterly": "每季度",
    "half-yearly": "每半年",
    "annual": "每年",
}
# Numbering punctuation trimmed from path labels: "三、" "1." "（一）" -> 三 1 (一).
LABEL_TRAILERS = "、.,:;，：；。 \t"
MARKDOWN_SPECIALS = "\\`*_[]<>#|~"
MAX_LABEL_LENGTH = 12  # "第二十三条 ", "（十二）" and the like: what may stand before a heading's text


@dataclass(slots=True, frozen=True)
class TaskRow:
    """One leaf node as the columns of the 任务分解表 (same order as `COLUMNS`)."""

    node_id: str
    path: str
    chapter: str
    text: str
    lead: str
    support: str
    responsible: str
    targets: str
    deadline: str
    line: int | None

    def values(self) -> tuple[str | int | None, ...]:
        return (self.path, self.chapter, self.text, self.lead, self.support, self.responsible,
                self.targets, self.deadline, self.line)


# --- shared row model ------------------------------------------------------------------------------------

def task_rows(plan: Plan) -> list[TaskRow]:
    """One row per task item (Plan.items: leaves that are tasks), in document order."""
    by_id = {node.id: node for node in plan.nodes}
    line_starts = _line_starts(plan.source)
    rows = []
    for node in plan.items():
        units = {column: "、".join(_unit_names(node, role)) for role, column in ROLE_COLUMNS}
        rows.append(TaskRow(
            node_id=node.id,
            path=display_path(node, by_id),
            chapter="\n".join(_heading_line(ancestor, plan.source) for ancestor in _ancestors(node, by_id)),
            text=_task_text(node),
            lead=units["牵头单位"],
            support=units["配合单位"],
            responsible=units["责任单位"],
            targets="\n".join(target_line(target) for target in node.targets),
            deadline=deadline_text(node.deadline),
            line=_line_number(line_starts, node.span[0], len(plan.source)),
        ))
    return rows


def display_path(node: Node, by_id: dict[str, Node] | None = None) -> str:
    """The numbering path shown to people: ["三、", "（一）", "1.", "(1)"] -> 三.(一).1.(1)."""
    labels = node.path
    if not labels and by_id is not None:
        labels = [ancestor.label for ancestor in _ancestors(node, by_id)] + [node.label]
    cleaned = (halfwidth(label).strip().rstrip(LABEL_TRAILERS) for label in labels)
    return ".".join(label for label in cleaned if label)


def target_line(target: Target) -> str:
    """指标 ≥ 值单位 (年份), e.g. 技术交易额 ≥ 150亿元 (2018)."""
    value = _number(target.value)
    if target.value_max is not None:
        value = f"{value}-{_number(target.value_max)}"
    subject = target.indicator or target.text
    line = f"{subject} {OP_SYMBOLS.get(target.op, target.op)} {value}{target.unit}"
    return f"{line} ({target.year})" if target.year else line


def deadline_text(deadline: Deadline | None) -> str:
    """The deadline as written, with its ISO date when the wording does not already say it."""
    if deadline is None:
        return ""
    text = deadline.text.strip()
    if not text:
        text = deadline.date or CADENCE_NAMES.get(deadline.cadence or "", deadline.cadence or "")
    elif deadline.date and deadline.date not in text:
        text = f"{text} ({deadline.date})"
    return text


def _task_text(node: Node) -> str:
    return "\n".join(part for part in (node.text.strip(), node.body.strip()) if part)


def _unit_names(node: Node, role: str) -> list[str]:
    """Names of one role, own and inherited, first mention first, each once."""
    return list(dict.fromkeys(ref.name for ref in node.units if ref.role == role))


def _ancestors(node: Node, by_id: dict[str, Node]) -> list[Node]:
    """Ancestors from the root down; stops at a missing parent or a cycle."""
    chain: list[Node] = []
    seen = {node.id}
    parent_id = node.parent
    while parent_id is not None and parent_id in by_id and parent_id not in seen:
        seen.add(parent_id)
        parent = by_id[parent_id]
        chain.append(parent)
        parent_id = parent.parent
    return chain[::-1]


def _heading_line(node: Node, source: str) -> str:
    """A heading as the document wrote it ("三、发挥…", "1.深入…"), numbering punctuation included.

    The span may start at the label or at the text; either way the label is looked up just before
    the text, within the same line or table cell. Without a match, label and text are joined.
    """
    text = node.text.strip()
    label = node.label.strip()
    start = node.span[0]
    if text and 0 <= start < len(source):
        cell_start = max(source.rfind("\n", 0, start), source.rfind("\t", 0, start)) + 1
        cell_end = min(end for end in (source.find("\n", start), source.find("\t", start), len(source))
                       if end != -1)
        cell = source[cell_start:cell_end]
        found = cell.find(text)
        if 0 <= found <= MAX_LABEL_LENGTH and halfwidth(label) in halfwidth(cell[:found]):
            return cell[:found + len(text)].strip()
    glue = "" if not label or label[-1] in "、.．:：)）" else " "
    return f"{label}{glue}{text}"


def _line_starts(source: str) -> list[int]:
    starts = [0]
    position = source.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = source.find("\n", position + 1)
    return starts


def _line_number(line_starts: list[int], offset: int, source_length: int) -> int | None:
    """1-based line of a character offset; None when the offset lies outside the source."""
    if not 0 <= offset <= source_length or source_length == 0:
        return None
    return bisect.bisect_right(line_starts, offset)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def _unit_task_counts(plan: Plan) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in plan.items():
        for name in dict.fromkeys(ref.name for ref in node.units):
            counts[name] = counts.get(name, 0) + 1
    return counts


def _unit_values(unit: Unit, task_count: int) -> tuple[str | int, ...]:
    return (unit.name, unit.full_name or "", unit.kind or "", _yes_no(unit.is_group), _yes_no(unit.known),
            "、".join(unit.members), task_count)


def _metadata(plan: Plan) -> list[tuple[str, str]]:
    pairs = [
        ("标题", plan.title),
        ("文号", plan.doc_number or ""),
        ("发文机关", plan.issuer or ""),
        ("成文日期", plan.issued_on or ""),
        ("主送单位", "、".join(plan.addressees)),
        ("通知标题", plan.notice_title or ""),
        ("来源格式", plan.source_format),
    ]
    return [(key, value) for key, value in pairs if value]


def _duplicate_lines(plan: Plan) -> list[str]:
    by_id = {node.id: node for node in plan.nodes}
    lines = []
    for group in plan.duplicates:
        paths = [display_path(by_id[node_id], by_id) if node_id in by_id else node_id for node_id in group]
        lines.append("、".join(paths))
    return lines


# --- JSON and CSV ----------------------------------------------------------------------------------------

def to_json(plan: Plan, *, indent: int | None = 2) -> str:
    """The JSON contract (`Plan.to_dict`), Chinese kept readable."""
    return json.dumps(plan.to_dict(), ensure_ascii=False, indent=indent)


def to_csv(plan: Plan) -> str:
    """The task table as CSV; starts with a BOM so Excel detects UTF-8. Write it with encoding utf-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for row in task_rows(plan):
        writer.writerow(_csv_cell(value) for value in row.values())
    return "\ufeff" + buffer.getvalue()


def _csv_cell(value: str | int | None) -> str | int:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value  # the OWASP convention: Excel shows it as text
    return value


# --- Markdown ------------------------------------------------------------------------------------------

def to_markdown(plan: Plan) -> str:
    """A readable outline: metadata, headings, and each task with its units, targets and deadline."""
    out: list[str] = [f"# {_md(plan.title or plan.notice_title or TASK_SHEET)}", ""]
    for key, value in _metadata(plan):
        if key != "标题":
            out.append(f"- {key}：{_md(value)}")
    out += ["", "---", ""]  # keeps the metadata list apart from the first task

    rows = {row.node_id: row for row in task_rows(plan)}
    by_id = {node.id: node for node in plan.nodes}
    for node in plan.nodes:
        row = rows.get(node.id)
        if row is None:
            depth = len(_ancestors(node, by_id)) + 2
            out += [f"{'#' * min(depth, 6)} {_md(_heading_line(node, plan.source))}", ""]
            details = list(_node_details(node))
            if node.body.strip():
                out += [_md(node.body), ""]
            if details:
                out += [*(f"- {line}" for line in details), ""]
        else:
            out.append(f"- **{_md(row.path)}** {_md(node.text)}")
            if node.body.strip():
                out += ["", f"  {_md(node.body)}", ""]
            out += [f"  - {line}" for line in _row_details(row)]
            out.append("")

    if plan.units:
        counts = _unit_task_counts(plan)
        out += [f"## {UNIT_SHEET}", "", "| " + " | ".join(h for h, _, _ in UNIT_COLUMNS) + " |",
                "|" + "---|" * len(UNIT_COLUMNS)]
        for unit in plan.units:
            cells = _unit_values(unit, counts.get(unit.name, 0))
            out.append("| " + " | ".join(_md(str(cell)) for cell in cells) + " |")
        out.append("")

    out += [f"## {NOTES_SHEET}", ""]
    out += [f"- 警告：{_md(warning)}" for warning in plan.warnings] or ["- 警告：无"]
    out += [f"- 重复任务：{_md(line)}" for line in _duplicate_lines(plan)]
    return "\n".join(out).rstrip() + "\n"


def _row_details(row: TaskRow) -> Iterator[str]:
    for header, value in (("牵头单位", row.lead), ("配合单位", row.support),
                          ("责任单位", row.responsible), ("量化目标", row.targets),
                          ("完成时限", row.deadline)):
        if value:
            yield f"{header}：{_md(value)}"
    if row.line is not None:
        yield f"原文位置：第 {row.line} 行"


def _node_details(node: Node) -> Iterator[str]:
    """Units, targets and deadline named on a heading itself (they apply to the tasks under it)."""
    for role, header in ROLE_COLUMNS:
        names = _unit_names(node, role)
        if names:
            yield f"{header}：{_md('、'.join(names))}"
    if node.targets:
        yield f"量化目标：{_md(chr(10).join(target_line(target) for target in node.targets))}"
    if node.deadline:
        yield f"完成时限：{_md(deadline_text(node.deadline))}"


def _md(text: str) -> str:
    """Escape Markdown/HTML syntax in document text; a line break becomes ；."""
    escaped = "".join("\\" + char if char in MARKDOWN_SPECIALS else char for char in text.strip())
    return "；".join(line.strip() for line in escaped.splitlines() if line.strip())


# --- XLSX ----------------------------------------------------------------------------------------------

# The look every Luoshi workbook shares (luoshi.xlsxsafe): 宋体, one header style.
_BORDER = BORDER
_HEADER_FILL = HEADER_FILL
_HEADER_FONT = HEADER_FONT
_TITLE_FONT = TITLE_FONT
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def to_xlsx(plan: Plan, out: str | os.PathLike[str] | BinaryIO) -> None:
    """Write the 任务分解表 workbook: tasks, 单位清单 and 说明 (metadata, warnings, duplicates)."""
    workbook = new_workbook()
    tasks = workbook.active
    assert tasks is not None  # a new Workbook always has one sheet
    tasks.title = TASK_SHEET
    _write_task_sheet(tasks, plan)
    _write_unit_sheet(workbook.create_sheet(UNIT_SHEET), plan)
    _write_notes_sheet(workbook.create_sheet(NOTES_SHEET), plan)
    workbook.save(os.fspath(out) if isinstance(out, str | os.PathLike) else out)


def _write_task_sheet(sheet: Worksheet, plan: Plan) -> None:
    title = plan.title or plan.notice_title or TASK_SHEET
    if plan.doc_number:
        title = f"{title}（{plan.doc_number}）"
    last_column = get_column_letter(len(COLUMNS))
    set_cell(sheet, 1, 1, title).font = _TITLE_FONT
    sheet.cell(1, 1).alignment = _CENTER
    sheet.merge_cells(f"A1:{last_column}1")
    sheet.row_dimensions[1].height = 36

    rows = [row.values() for row in task_rows(plan)]
    _write_table(sheet, 2, HEADERS, rows)
    for row_number in range(3, len(rows) + 3):
        sheet.cell(row_number, 1).alignment = Alignment(vertical="top")
        sheet.cell(row_number, len(COLUMNS)).alignment = Alignment(horizontal="center", vertical="top")
    _set_widths(sheet, COLUMNS, [HEADERS, *rows])
    sheet.freeze_panes = "B3"  # title and header rows, and the path column
    _print_setup(sheet, "1:2")


def _write_unit_sheet(sheet: Worksheet, plan: Plan) -> None:
    counts = _unit_task_counts(plan)
    headers = tuple(header for header, _, _ in UNIT_COLUMNS)
    rows = [_unit_values(unit, counts.get(unit.name, 0)) for unit in plan.units]
    _write_table(sheet, 1, headers, rows)
    _set_widths(sheet, UNIT_COLUMNS, [headers, *rows])
    sheet.freeze_panes = "A2"
    _print_setup(sheet, "1:1")


def _write_notes_sheet(sheet: Worksheet, plan: Plan) -> None:
    rows: list[tuple[str, str]] = list(_metadata(plan))
    rows.append(("任务条数", str(len(plan.items()))))
    rows += [(f"警告 {number}", warning) for number, warning in enumerate(plan.warnings, start=1)]
    if not plan.warnings:
        rows.append(("警告", "无"))
    rows += [(f"重复任务 {number}", line) for number, line in enumerate(_duplicate_lines(plan), start=1)]
    rows.append(("原文位置", "任务在原文中的行号（从 1 开始）"))
    _write_table(sheet, 1, ("项目", "内容"), rows)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 100
    _print_setup(sheet, "1:1")


def _write_table(sheet: Worksheet, header_row: int, headers: tuple[str, ...],
                 rows: Sequence[Sequence[str | int | None]]) -> None:
    for column, header in enumerate(headers, start=1):
        cell = set_cell(sheet, header_row, column, header)
        cell.font, cell.fill, cell.alignment, cell.border = _HEADER_FONT, _HEADER_FILL, _CENTER, _BORDER
    for row_number, values in enumerate(rows, start=header_row + 1):
        for column, value in enumerate(values, start=1):
            cell = set_cell(sheet, row_number, column, value)
            cell.alignment, cell.border = _WRAP_TOP, _BORDER
    last_row = header_row + max(len(rows), 1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{last_row}"


def _set_widths(sheet: Worksheet, columns: tuple[tuple[str, int, int], ...],
                rows: Sequence[Sequence[str | int | None]]) -> None:
    for index, (_, minimum, maximum) in enumerate(columns):
        widest = max((_display_width(row[index]) for row in rows), default=0)
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(minimum, min(maximum, widest + 2))


def _display_width(value: str | int | None) -> int:
    """Widest line in Excel character units: CJK and full-width characters count 2."""
    if value is None:
        return 0
    return max((sum(2 if ord(char) >= 0x2E80 else 1 for char in line)
                for line in str(value).splitlines()), default=0)


def _print_setup(sheet: Worksheet, title_rows: str) -> None:
    """A4 landscape, all columns on one page width, header rows on every page, page numbers."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    if sheet.sheet_properties.pageSetUpPr is None:
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties()
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    footer = sheet.oddFooter
    if footer is None:
        footer = sheet.HeaderFooter.oddFooter = HeaderFooterItem()
    footer.center.text = "第 &P 页，共 &N 页"
