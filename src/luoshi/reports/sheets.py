"""The unit's period sheet (填报表): download one .xlsx per period, fill it in, upload it back.

Layout (one block per open assignment of the unit, then one row per target of its task):

    A..C  hidden: assignment id, target id (empty on the task row), report version at download
    D..G  read-only: task number, task text, deadline, report status
    H, I  input on the task row: 进展状态 (a list of the Progress labels), 进展情况
    J     read-only: the target's text (on target rows)
    K     input on target rows: 实际值 (a number)

Non-input cells are locked (sheet protection without password: it prevents slips, not attacks; the
upload trusts nothing in the file). Cell A1 carries a marker with the period and unit ids. Cells are
written by `luoshi.xlsxsafe`: text from the plan or a report is never a formula.

The upload is all or nothing: every row is checked (unknown or another unit's assignment id, bad status
label, non-numeric actual, text too long, locked report, report changed since the download) and either
every changed block is stored as a draft, audited, or nothing is and the page lists the row errors.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Border, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.core.audit import audit_record
from luoshi.core.errors import DomainError
from luoshi.orgs.choices import Role
from luoshi.plans.access import assignments_visible_to, plans_visible_to
from luoshi.plans.choices import AssignmentStatus, PlanStatus
from luoshi.plans.models import Assignment, Target
from luoshi.xlsxsafe import new_workbook, set_cell, style_header, style_title

from . import notices
from .choices import Progress
from .models import Report, ReportingPeriod
from .services import NARRATIVE_MAX, report_save

MAX_SHEET_BYTES: int = getattr(settings, "LUOSHI_MAX_SHEET_BYTES", 5 * 1024 * 1024)
MAX_UNPACKED_BYTES = 60 * 1024 * 1024   # all parts together, as the zip directory declares them
MAX_PART_RATIO = 200                    # a part inflating more than this is a zip bomb, not a sheet
MAX_PARTS = 1000
MAX_ROWS = 5000
MAX_NARRATIVE = NARRATIVE_MAX          # the same limit as the report form
MAX_ABS_VALUE = 1e15
FIRST_DATA_ROW = 4
MARKER_PREFIX = "luoshi-sheet v1"

# (key, header, width, hidden). Order is the column order; keys are used by the reader and the writer.
COLUMNS: tuple[tuple[str, str, int, bool], ...] = (
    ("assignment", "assignment_id", 6, True),
    ("target", "target_id", 6, True),
    ("version", "version", 6, True),
    ("path", gettext_noop("任务编号"), 10, False),
    ("task", gettext_noop("任务内容"), 48, False),
    ("deadline", gettext_noop("完成时限"), 14, False),
    ("state", gettext_noop("报告状态"), 11, False),
    ("progress", gettext_noop("进展状态"), 12, False),
    ("narrative", gettext_noop("进展情况"), 48, False),
    ("target_text", gettext_noop("量化目标"), 36, False),
    ("actual", gettext_noop("实际值"), 14, False),
)
COL = {key: index + 1 for index, (key, _header, _width, _hidden) in enumerate(COLUMNS)}
TASK_INPUTS = ("progress", "narrative")
TARGET_INPUTS = ("actual",)

LOCKED_FILL = PatternFill("solid", fgColor="EEF1F5")
HEADER_FILL = PatternFill("solid", fgColor="D8DEE6")
INPUT_FILL = PatternFill("solid", fgColor="FFFFFF")
THIN = Side(style="thin", color="B9C2CC")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


class SheetFileError(DomainError):
    """The upload is not a usable sheet of this period (wrong type, too big, hostile, another sheet)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="bad_sheet")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class SheetImportResult:
    saved: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- access and selectors -------------------------------------------------------------------------------


def access_sheet_period(user: Any, pk: Any) -> ReportingPeriod:
    """A period the user's unit reports on; 404 for anyone else (the office has no sheet of its own)."""
    if not getattr(user, "is_unit_user", False) or not user.unit_id:
        raise Http404
    try:
        period: ReportingPeriod = (ReportingPeriod.objects.select_related("plan")
                                   .get(pk=pk, plan__in=plans_visible_to(user), plan__status=PlanStatus.PUBLISHED))
    except (ReportingPeriod.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return period


def sheet_assignments(user: Any, period: ReportingPeriod) -> QuerySet[Assignment]:
    """The user's own unit's open, active assignments in the period's plan, with their targets."""
    if not getattr(user, "is_unit_user", False) or not user.unit_id:
        return Assignment.objects.none()
    return (assignments_visible_to(user)
            .filter(unit_id=user.unit_id, task__plan_id=period.plan_id, active=True, status=AssignmentStatus.OPEN,
                    task__removed=False)
            .select_related("task")
            .prefetch_related(Prefetch("task__targets", queryset=Target.objects.order_by("position", "pk")))
            .order_by("task__position", "pk"))


def _reports_by_assignment(period: ReportingPeriod, assignment_ids: Iterable[int], *,
                           lock: bool = False) -> dict[int, Report]:
    reports = Report.objects.filter(period=period, assignment_id__in=list(assignment_ids))
    if lock:
        reports = reports.select_for_update()
    return {r.assignment_id: r for r in reports.prefetch_related("actuals")}


# --- download -------------------------------------------------------------------------------------------


def sheet_filename(period: ReportingPeriod, unit_name: str) -> str:
    name: str = _("%(period)s-%(unit)s-进展填报表.xlsx") % {"period": period.label, "unit": unit_name}
    return name.replace("/", "-")


def sheet_build(*, user: Any, period: ReportingPeriod) -> bytes:
    """The period's sheet for the user's unit, prefilled with its current drafts."""
    assignments = list(sheet_assignments(user, period))
    reports = _reports_by_assignment(period, [a.pk for a in assignments])
    workbook = new_workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("进展填报")
    _write_frame(sheet, period, unit_id=user.unit_id, unit_name=str(user.unit))
    validations = _validations()
    row = FIRST_DATA_ROW
    for assignment in assignments:
        row = _write_block(sheet, row, assignment, reports.get(assignment.pk), validations)
    for validation in validations.values():
        sheet.add_data_validation(validation)
    sheet.freeze_panes = f"{get_column_letter(COL['task'])}{FIRST_DATA_ROW}"
    # Locked cells stay readable and selectable; columns and rows may be resized.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _marker(period: ReportingPeriod, unit_id: int) -> str:
    return f"{MARKER_PREFIX} period={period.pk} unit={unit_id}"


def _put(sheet: Worksheet, row: int, key: str, value: Any, *, editable: bool = False) -> None:
    cell = set_cell(sheet, row, COL[key], value)  # text from the plan or a user is never a formula
    cell.border = BORDER
    cell.alignment = WRAP
    cell.fill = INPUT_FILL if editable else LOCKED_FILL
    cell.protection = Protection(locked=not editable)


def _write_frame(sheet: Worksheet, period: ReportingPeriod, *, unit_id: int, unit_name: str) -> None:
    last = get_column_letter(len(COLUMNS))
    first = get_column_letter(COL["path"])
    set_cell(sheet, 1, 1, _marker(period, unit_id))
    title = set_cell(sheet, 1, COL["path"], _("%(plan)s · %(period)s · %(unit)s 进展填报表") % {
        "plan": period.plan.title[:60], "period": period.label, "unit": unit_name})
    style_title(title)
    sheet.merge_cells(f"{first}1:{last}1")
    hint = set_cell(sheet, 2, COL["path"], _(
        "填报截止：%(due)s。请只填写白色单元格：任务行选择“进展状态”并填写“进展情况”，量化目标行填写“实际值”（数字）。"
        "请勿增删行或修改隐藏列；上传后全部行检查无误才会保存为草稿，报送仍需在系统中完成。") % {
        "due": formats.date_format(period.due_date)})
    hint.alignment = WRAP
    sheet.merge_cells(f"{first}2:{last}2")
    sheet.row_dimensions[2].height = 48
    for index, (key, header, width, hidden) in enumerate(COLUMNS, start=1):
        label = _(header) if not hidden else header
        set_cell(sheet, 3, index, f"{label}*" if key in TASK_INPUTS + TARGET_INPUTS else label)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        sheet.column_dimensions[letter].hidden = hidden
    style_header(sheet, 3, len(COLUMNS))


def _validations() -> dict[str, DataValidation]:
    labels = ",".join(str(label) for label in Progress.labels)
    return {
        "progress": DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True, showErrorMessage=True,
                                   errorTitle=_("进展状态"), error=_("请从下拉列表中选择进展状态")),
        "narrative": DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(MAX_NARRATIVE),
                                    allow_blank=True, showErrorMessage=True, errorTitle=_("进展情况"),
                                    error=_("进展情况不能超过%(max)d字") % {"max": MAX_NARRATIVE}),
        "actual": DataValidation(type="decimal", operator="between", formula1=str(-MAX_ABS_VALUE),
                                 formula2=str(MAX_ABS_VALUE), allow_blank=True, showErrorMessage=True,
                                 errorTitle=_("实际值"), error=_("实际值应为数字")),
    }


def _write_block(sheet: Worksheet, row: int, assignment: Assignment, report: Report | None,
                 validations: dict[str, DataValidation]) -> int:
    task = assignment.task
    editable = report is None or not report.is_locked
    targets = list(task.targets.all())
    actuals = {a.target_id: a for a in report.actuals.all()} if report else {}
    _put(sheet, row, "assignment", assignment.pk)
    _put(sheet, row, "target", None)
    _put(sheet, row, "version", report.version if report else 0)
    _put(sheet, row, "path", task.display_path)
    _put(sheet, row, "task", task.text)
    _put(sheet, row, "deadline", task.deadline if task.deadline else task.deadline_text or "")
    _put(sheet, row, "state", report.get_status_display() if report else _("未填报"))
    _put(sheet, row, "progress", report.get_progress_display() if report else None, editable=editable)
    _put(sheet, row, "narrative", report.narrative if report else None, editable=editable)
    _put(sheet, row, "target_text", _("共%(count)d项量化目标，见下行") % {"count": len(targets)} if targets else "")
    _put(sheet, row, "actual", None)
    if editable:
        validations["progress"].add(sheet.cell(row=row, column=COL["progress"]))
        validations["narrative"].add(sheet.cell(row=row, column=COL["narrative"]))
    for target in targets:
        row += 1
        actual = actuals.get(target.pk)
        _put(sheet, row, "assignment", assignment.pk)
        _put(sheet, row, "target", target.pk)
        for key in ("version", "path", "task", "deadline", "state", "progress", "narrative"):
            _put(sheet, row, key, None)
        _put(sheet, row, "target_text", target.text)
        _put(sheet, row, "actual", actual.value if actual else None, editable=editable)
        if editable:
            validations["actual"].add(sheet.cell(row=row, column=COL["actual"]))
    return row + 1


# --- upload: the file -----------------------------------------------------------------------------------


def check_sheet_upload(*, size: int, filename: str) -> None:
    """What can be refused before reading the upload: its name and its size."""
    if not filename.lower().endswith(".xlsx"):
        raise SheetFileError(_("只接受 .xlsx 格式的填报表"))
    if size > MAX_SHEET_BYTES:
        raise SheetFileError(_("文件超过 %(mb)d MB") % {"mb": MAX_SHEET_BYTES // (1024 * 1024)})


def check_xlsx_file(data: bytes, filename: str) -> None:
    """Refuse anything but a plain, reasonably sized .xlsx before openpyxl parses it."""
    check_sheet_upload(size=len(data), filename=filename)
    if not data.startswith(b"PK\x03\x04"):
        raise SheetFileError(_("文件不是有效的 .xlsx 表格"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SheetFileError(_("文件已损坏，无法读取")) from None
    names = {part.filename for part in parts}
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES or any(
            part.file_size > 1024 * 1024 and part.file_size > MAX_PART_RATIO * max(part.compress_size, 1)
            for part in parts):
        raise SheetFileError(_("文件解压后过大，已拒绝"))
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise SheetFileError(_("文件不是有效的 .xlsx 表格"))
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise SheetFileError(_("文件包含宏，已拒绝"))
    try:
        for part in parts:
            if part.filename.endswith((".xml", ".rels")) and _declares_doctype(archive, part):
                raise SheetFileError(_("文件包含不允许的XML声明，已拒绝"))
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
        raise SheetFileError(_("文件已损坏，无法读取")) from None


def _declares_doctype(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    # Entity expansion ("billion laughs") needs a DOCTYPE; an Office file never has one.
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(64 * 1024):
            window = (tail + chunk).upper()
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                return True
            tail = chunk[-16:]
    return False


def _read_rows(data: bytes) -> tuple[str, list[tuple[int, dict[str, Any], set[str]]]]:
    """The marker and the data rows: (row number, values by column key, keys holding a formula)."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for malformed parts
        raise SheetFileError(_("无法读取该 Excel 文件")) from None
    try:
        sheet = workbook.worksheets[0]
        marker = ""
        rows: list[tuple[int, dict[str, Any], set[str]]] = []
        for number, cells in enumerate(sheet.iter_rows(min_row=1, max_col=len(COLUMNS)), start=1):
            if number == 1:
                marker = str(cells[0].value or "") if cells else ""
                continue
            if number < FIRST_DATA_ROW:
                continue
            if number > MAX_ROWS + FIRST_DATA_ROW:
                raise SheetFileError(_("行数过多（最多%(max)d行）") % {"max": MAX_ROWS})
            values: dict[str, Any] = {}
            formulas: set[str] = set()
            for (key, _header, _width, _hidden), cell in zip(COLUMNS, cells, strict=False):
                if getattr(cell, "data_type", None) == "f":
                    formulas.add(key)
                values[key] = cell.value
            if any(v is not None and v != "" for v in values.values()):
                rows.append((number, values, formulas))
        return marker, rows
    except SheetFileError:
        raise
    except Exception:
        raise SheetFileError(_("无法读取该 Excel 文件")) from None
    finally:
        workbook.close()


# --- upload: the rows -----------------------------------------------------------------------------------


@dataclass
class _Block:
    """What the sheet says about one assignment: its task row and its target rows."""

    assignment: Assignment
    row: int
    version: int | None = None
    has_task_row: bool = False
    progress: str | None = None
    narrative: str = ""
    actuals: dict[int, float | None] = field(default_factory=dict)
    target_rows: set[int] = field(default_factory=set)

    @property
    def filled(self) -> bool:
        return bool(self.progress or self.narrative or any(v is not None for v in self.actuals.values()))


def _progress_by_label() -> dict[str, str]:
    found: dict[str, str] = {}
    for language in (translation.get_language() or settings.LANGUAGE_CODE, "zh-hans", "en"):
        with translation.override(language):
            for value, label in Progress.choices:
                found[str(label).strip().lower()] = value
    for value in Progress.values:
        found[value] = value
    return found


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _as_number(value: Any) -> float | None:
    """A finite number from a cell: numbers, or text such as "1,234.5" or "12%"; None if it is not one."""
    if isinstance(value, bool | dt.date | dt.datetime | dt.time):
        return None
    number: float
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "").replace(" ", "").removesuffix("%")
        try:
            number = float(text)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) and abs(number) <= MAX_ABS_VALUE else None


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _header(key: str) -> str:
    for column_key, header, _width, _hidden in COLUMNS:
        if column_key == key:
            translated: str = _(header)
            return translated
    return key


def _parse_blocks(rows: list[tuple[int, dict[str, Any], set[str]]], allowed: dict[int, Assignment],
                  errors: list[RowError]) -> dict[int, _Block]:
    labels = _progress_by_label()
    blocks: dict[int, _Block] = {}

    def error(row: int, key: str, message: str) -> None:
        errors.append(RowError(row=row, column=_header(key) if key else "", message=message))

    for number, values, formulas in rows:
        inputs = [k for k in TASK_INPUTS + TARGET_INPUTS if values.get(k) not in (None, "")]
        for key in sorted(formulas & set(TASK_INPUTS + TARGET_INPUTS + ("assignment", "target"))):
            error(number, key, _("不接受公式，请直接填写内容"))
        if formulas:
            continue
        assignment_id = _as_int(values.get("assignment"))
        if values.get("assignment") in (None, ""):
            if inputs:
                error(number, "", _("缺少隐藏的任务编号，请勿增删行，重新下载填报表后填写"))
            continue
        assignment = allowed.get(assignment_id) if assignment_id is not None else None
        if assignment is None:
            # The same words for a malformed, unknown or another unit's id: ids cannot be probed.
            error(number, "", _("任务编号无效或不属于本单位本期任务"))
            continue
        block = blocks.setdefault(assignment.pk, _Block(assignment=assignment, row=number))
        raw_target = values.get("target")
        if raw_target in (None, ""):
            _parse_task_row(block, number, values, labels, error)
        else:
            _parse_target_row(block, number, values, _as_int(raw_target), error)
    return blocks


def _parse_task_row(block: _Block, number: int, values: dict[str, Any], labels: dict[str, str],
                    error: Any) -> None:
    if block.has_task_row:
        error(number, "", _("同一任务出现了两次，请勿复制行"))
        return
    block.has_task_row = True
    block.row = number
    version = values.get("version")
    block.version = _as_int(version) if version not in (None, "") else 0
    if block.version is None:
        error(number, "", _("隐藏的版本号被修改，请重新下载填报表"))
    label = _as_text(values.get("progress"))
    if label:
        block.progress = labels.get(label.lower())
        if block.progress is None:
            error(number, "progress", _("进展状态“%(label)s”无效，请从下拉列表选择")
                  % {"label": label[:20]})
    narrative = _as_text(values.get("narrative"))
    if len(narrative) > MAX_NARRATIVE:
        error(number, "narrative", _("进展情况超过%(max)d字（现%(count)d字）")
              % {"max": MAX_NARRATIVE, "count": len(narrative)})
    block.narrative = narrative


def _parse_target_row(block: _Block, number: int, values: dict[str, Any], target_id: int | None,
                      error: Any) -> None:
    targets = {t.pk for t in block.assignment.task.targets.all()}
    if target_id is None or target_id not in targets:
        error(number, "", _("量化目标编号无效，请重新下载填报表"))
        return
    if target_id in block.target_rows:
        error(number, "", _("同一量化目标出现了两次，请勿复制行"))
        return
    block.target_rows.add(target_id)
    raw = values.get("actual")
    if raw in (None, ""):
        block.actuals[target_id] = None  # a blank clears the value
        return
    value = _as_number(raw)
    if value is None:
        error(number, "actual", _("实际值“%(value)s”不是有效数字") % {"value": _as_text(raw)[:20]})
        return
    block.actuals[target_id] = value


def _is_unchanged(block: _Block, report: Report) -> bool:
    stored = {a.target_id: a.value for a in report.actuals.all()}
    wanted = {k: v for k, v in block.actuals.items() if v is not None}
    cleared = {k for k, v in block.actuals.items() if v is None}
    return (block.progress == report.progress and block.narrative == report.narrative
            and all(stored.get(k) == v for k, v in wanted.items()) and not cleared & stored.keys())


class _Rollback(Exception):
    """Raised inside the upload's transaction when a row failed in the service: undo every row."""


def sheet_import(*, actor: Any, period: ReportingPeriod, data: bytes, filename: str) -> SheetImportResult:
    """Check every row of an uploaded sheet; store all changed blocks as drafts, or nothing.

    File-level problems raise SheetFileError; row problems come back in `result.errors` (nothing stored).
    Each block is saved through `report_save` (version check, locked reports, audit); a DomainError
    there becomes the block's row error and rolls back the blocks already saved.
    """
    if not getattr(actor, "is_unit_user", False) or not actor.unit_id:
        raise DomainError(_("只有单位账号可以上传填报表"), code="forbidden")
    check_xlsx_file(data, filename)
    marker, rows = _read_rows(data)
    if not marker.startswith(MARKER_PREFIX):
        raise SheetFileError(_("这不是本系统下载的填报表，请先下载本期填报表"))
    if marker != _marker(period, actor.unit_id):
        raise SheetFileError(_("这份填报表属于其他报送期或其他单位，请下载本期填报表"))
    result = SheetImportResult()
    allowed = {a.pk: a for a in sheet_assignments(actor, period)}
    blocks = _parse_blocks(rows, allowed, result.errors)
    reports = _reports_by_assignment(period, blocks.keys())
    todo = _blocks_to_save(blocks, reports, result)
    if result.errors:
        return _failed(result)
    try:
        with transaction.atomic():
            for block in todo:
                try:
                    report_save(actor=actor, assignment=block.assignment, period=period,
                                version=block.version or None, progress=block.progress or "",
                                narrative=block.narrative, actuals=block.actuals, notify=False)
                except DomainError as exc:
                    result.errors.append(RowError(row=block.row, column="", message=exc.message))
            if result.errors:
                raise _Rollback
            result.saved = len(todo)
            if todo:
                audit_record(actor=actor, action="report.sheet_upload", target=period, plan_id=period.plan_id,
                             unit_id=actor.unit_id, after={"saved": result.saved, "unchanged": result.unchanged,
                                                           "file": filename[:100]},
                             message=_("Excel 填报表导入 %(count)d 项") % {"count": result.saved})
                if actor.role == Role.LIAISON:
                    count, label = result.saved, period.label
                    notices.notify_heads(unit_id=actor.unit_id, url=reverse("reports:approvals"), text=lambda: _(
                        "填报表已保存%(count)d项%(period)s进展报告，待您审核") % {"count": count, "period": label})
    except _Rollback:
        return _failed(result)
    return result


def _blocks_to_save(blocks: dict[int, _Block], reports: dict[int, Report],
                    result: SheetImportResult) -> list[_Block]:
    """The blocks that change something; unfilled and unchanged ones are counted, not saved."""
    todo: list[_Block] = []
    batches: dict[Any, int] = {}
    for block in blocks.values():
        report = reports.get(block.assignment.pk)
        if not block.filled:
            result.skipped += 1
        elif report is not None and _is_unchanged(block, report):
            result.unchanged += 1
        elif not block.has_task_row or block.progress is None:
            if not any(e.row == block.row for e in result.errors):
                result.errors.append(RowError(row=block.row, column=_header("progress"),
                                              message=_("请选择进展状态")))
        elif report is not None and report.batch is not None and report.batch in batches:
            # Duplicate items filed with one report: saving one row rewrites the others.
            result.errors.append(RowError(row=block.row, column="", message=_(
                "此任务与第%(row)d行合并报送，内容须一致，请只修改其中一行")
                % {"row": batches[report.batch]}))
        else:
            if report is not None and report.batch is not None:
                batches[report.batch] = block.row
            todo.append(block)
    return todo


def _failed(result: SheetImportResult) -> SheetImportResult:
    result.errors.sort(key=lambda e: (e.row, e.column))
    result.saved = result.unchanged = result.skipped = 0
    return result


def iter_errors_by_row(errors: list[RowError]) -> Iterator[tuple[int, list[RowError]]]:
    """Errors grouped by row, for the page."""
    current: list[RowError] = []
    for error in errors:
        if current and current[0].row != error.row:
            yield current[0].row, current
            current = []
        current.append(error)
    if current:
        yield current[0].row, current
