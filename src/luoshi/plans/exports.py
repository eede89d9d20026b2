"""The ledger (台账) as an Excel workbook in the layout supervising offices circulate.

One row per task and unit (承办单位): the task's number path, text, lead and supporting units, then that
unit's deadline, status, red/amber/green light (灯色, text and cell fill), latest report and its actuals
against the task's targets. Title row, one header row, frozen header, autofilter, fixed column widths,
wrapped text, landscape A4 fit-to-width printing with the title and header repeated on every printed page
and page numbers in the footer. Cells are written by `luoshi.xlsxsafe`: plan and report text is never a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from io import BytesIO
from types import SimpleNamespace
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.core import clock
from luoshi.xlsxsafe import BORDER, clean_text, new_workbook, style_header, style_title, write_row

from .filters import LedgerFilter
from .models import Assignment
from .selectors import (
    LEAD_ROLES,
    RAG_AMBER,
    RAG_GREEN,
    RAG_LABELS,
    RAG_OVERDUE_NOTE,
    RAG_RED,
    RAG_RULE,
    LedgerRow,
    deadline_display,
    ledger_prefetch,
    ledger_rows,
    ledger_tasks,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, width in characters): the column order is the layout offices know.
COLUMNS: tuple[tuple[object, int], ...] = (
    (gettext_lazy("序号"), 6), (gettext_lazy("编号"), 11), (gettext_lazy("任务"), 44), (gettext_lazy("牵头单位"), 14),
    (gettext_lazy("配合单位"), 14), (gettext_lazy("承办单位"), 14), (gettext_lazy("完成时限"), 13),
    (gettext_lazy("状态"), 9), (gettext_lazy("灯色"), 7), (gettext_lazy("最新进展"), 44),
    (gettext_lazy("目标与实际"), 32),
)
HEADER_ROW = 2
RAG_COLUMN = 9
CENTERED_COLUMNS = (1, 2, 7, 8, 9)
ProgressCallback = Callable[[int, int], None]  # (rows written, rows in all)

# Fill colours of the RAG light, the same hues as the page's badges.
RAG_FILLS = {
    RAG_RED: PatternFill(fill_type="solid", start_color="FFF8D7D5", end_color="FFF8D7D5"),
    RAG_AMBER: PatternFill(fill_type="solid", start_color="FFFDE9C8", end_color="FFFDE9C8"),
    RAG_GREEN: PatternFill(fill_type="solid", start_color="FFD8EFDC", end_color="FFD8EFDC"),
}
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _unit_deadline(row: LedgerRow, assignment: Assignment) -> dt.date | str:
    """The unit's own deadline when it differs from the task's (an extension), else the task's: a date cell
    when it is a date, the plan's wording ("2019年底前") when the plan wrote one."""
    task = row.task
    if assignment.deadline and assignment.deadline != task.deadline:
        return assignment.deadline
    if task.deadline and not task.deadline_text:
        return task.deadline
    return deadline_display(task)


def _unit_progress(assignment: Assignment) -> str:
    reports = getattr(assignment, "official_reports", [])
    if not reports:
        return str(_("尚未报送"))
    latest = reports[0]
    head = f"{latest.get_progress_display()}（{latest.period.label}，{latest.get_status_display()}）"
    return f"{head}{' ' + latest.narrative if latest.narrative else ''}"


def _unit_targets(row: LedgerRow, assignment: Assignment) -> str:
    """Each target of the task against this unit's newest reported actual."""
    lines = []
    for target in row.task.targets.all():
        actual = next((a for a in getattr(target, "visible_actuals", [])
                       if a.report.assignment.unit_id == assignment.unit_id), None)
        shown = (f"{actual.value:g}{target.unit}（{actual.report.period.label}）" if actual is not None
                 else _("暂无实际值"))
        lines.append(f"{target.text} → {shown}")
    return "\n".join(lines)


def _sheet_rows(row: LedgerRow) -> list[tuple[list[Any], str]]:
    """The sheet rows of one ledger row, one per unit the reader may see, with each row's RAG."""
    task = row.task
    common = [row.number, task.display_path, task.text, "、".join(row.lead_units), "、".join(row.support_units)]
    # Lead (or solely responsible) units first, then supporting ones, each in the directory's order.
    assignments = sorted(getattr(task, "visible_assignments", []), key=lambda a: a.role not in LEAD_ROLES)
    if not assignments:  # an item without a (visible) assignment still has its line in the ledger
        return [([*common, "—", row.deadline, row.status, row.rag_label, "", ""], row.rag)]
    return [([*common, assignment.unit.name, _unit_deadline(row, assignment), assignment.get_status_display(),
              str(RAG_LABELS[assignment.rag]), _unit_progress(assignment), _unit_targets(row, assignment)],
             assignment.rag) for assignment in assignments]


def ledger_workbook(rows: Sequence[LedgerRow], *, title: str, today: dt.date,
                    on_progress: ProgressCallback | None = None) -> Workbook:
    workbook = new_workbook()
    workbook.properties.title = clean_text(title)
    sheet: Worksheet = workbook.active  # type: ignore[assignment]
    sheet.title = _("台账")
    last_column = get_column_letter(len(COLUMNS))
    write_row(sheet, [_("%(title)s（截至%(date)s）") % {"title": title, "date": formats.date_format(today)}])
    sheet.merge_cells(f"A1:{last_column}1")
    style_title(sheet["A1"])
    sheet.row_dimensions[1].height = 28
    write_row(sheet, [header for header, _width in COLUMNS])
    style_header(sheet, HEADER_ROW, len(COLUMNS))
    for index, (_header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for done, row in enumerate(rows, start=1):
        for values, rag in _sheet_rows(row):
            excel_row = write_row(sheet, values)
            for index in range(1, len(COLUMNS) + 1):
                cell = sheet.cell(row=excel_row, column=index)
                cell.border = BORDER
                cell.alignment = CENTER if index in CENTERED_COLUMNS else WRAP
            sheet.cell(row=excel_row, column=RAG_COLUMN).fill = RAG_FILLS[rag]
        if on_progress is not None and (done % 200 == 0 or done == len(rows)):
            on_progress(done, len(rows))
    last_row = max(sheet.max_row, HEADER_ROW)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{last_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages tall as needed
    if sheet.sheet_properties.pageSetUpPr is None:
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties()
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"1:{HEADER_ROW}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = _("第 &P 页，共 &N 页")
    # The rule behind the fills, as the ledger page states it (a sheet of its own: the data sheet stays a table).
    rule: Worksheet = workbook.create_sheet(_("灯色规则"))
    rule.column_dimensions["A"].width = 100
    for line in [_("红黄绿灯规则"), *(text for _rag, text in RAG_RULE), RAG_OVERDUE_NOTE]:
        rule.cell(row=write_row(rule, [str(line)]), column=1).alignment = WRAP
    return workbook


def ledger_xlsx(rows: Sequence[LedgerRow], *, title: str, today: dt.date,
                on_progress: ProgressCallback | None = None) -> bytes:
    buffer = BytesIO()
    ledger_workbook(rows, title=title, today=today, on_progress=on_progress).save(buffer)
    return buffer.getvalue()


def ledger_export_file(user: Any, params: Mapping[str, Any], *,
                       on_progress: ProgressCallback | None = None) -> tuple[str, bytes]:
    """The filtered ledger as (file name, .xlsx bytes) for `user`: the rows the ledger page shows them,
    all pages at once. Used by the download view and by the background export jobs (reports, documents);
    `on_progress(done, total)` is told as task rows are written."""
    today = clock.today()
    filterset = LedgerFilter(params, queryset=ledger_tasks(user), request=SimpleNamespace(user=user))
    rows = ledger_rows(ledger_prefetch(filterset.qs, user, today=today))
    plan = filterset.form.cleaned_data.get("plan") if filterset.is_valid() else None
    title = _("%(plan)s任务落实台账") % {"plan": plan.title} if plan else _("重点工作任务落实台账")
    return f"{_('台账')}-{today:%Y%m%d}.xlsx", ledger_xlsx(rows, title=title, today=today, on_progress=on_progress)
