"""The ledger (台账) as an Excel workbook in the layout supervising offices circulate.

Title row, one header row (序号/任务/牵头单位/配合单位/完成时限/状态/最新进展/目标与实际), the RAG light
as the fill of the status cell, frozen header, autofilter, fixed column widths, landscape fit-to-width
printing with the title and header repeated on every printed page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from io import BytesIO
from types import SimpleNamespace
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.core import clock

from .filters import LedgerFilter
from .selectors import RAG_AMBER, RAG_GREEN, RAG_RED, LedgerRow, ledger_prefetch, ledger_rows, ledger_tasks

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, width in characters): the column order is the layout offices know.
COLUMNS: tuple[tuple[object, int], ...] = (
    (gettext_lazy("序号"), 6), (gettext_lazy("任务"), 48), (gettext_lazy("牵头单位"), 16),
    (gettext_lazy("配合单位"), 16), (gettext_lazy("完成时限"), 14), (gettext_lazy("状态"), 12),
    (gettext_lazy("最新进展"), 48), (gettext_lazy("目标与实际"), 32),
)
HEADER_ROW = 2

# Fill colours of the RAG light, the same hues as the page's badges.
RAG_FILLS = {
    RAG_RED: PatternFill(fill_type="solid", start_color="FFF8D7D5", end_color="FFF8D7D5"),
    RAG_AMBER: PatternFill(fill_type="solid", start_color="FFFDE9C8", end_color="FFFDE9C8"),
    RAG_GREEN: PatternFill(fill_type="solid", start_color="FFD8EFDC", end_color="FFD8EFDC"),
}
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFEEF1F5", end_color="FFEEF1F5")
THIN = Side(style="thin", color="FF8A96A3")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _task_cell(row: LedgerRow) -> str:
    task = row.task
    return f"{task.display_path} {task.text}"


def _progress_cell(row: LedgerRow) -> str:
    lines = []
    for line in row.progress:
        head = f"{line.unit}：{line.progress}"
        if line.period:
            head += f"（{line.period}，{line.status}）"
        lines.append(f"{head}{' ' + line.narrative if line.narrative else ''}")
    return "\n".join(lines)


def _targets_cell(row: LedgerRow) -> str:
    lines = []
    for target in row.targets:
        actual = "；".join(target.actuals) if target.actuals else _("暂无实际值")
        lines.append(f"{target.text} → {actual}")
    return "\n".join(lines)


def ledger_workbook(rows: Sequence[LedgerRow], *, title: str, today: dt.date) -> Workbook:
    workbook = Workbook()
    sheet: Worksheet = workbook.active  # type: ignore[assignment]
    sheet.title = _("台账")
    last_column = get_column_letter(len(COLUMNS))
    sheet.append([_("%(title)s（截至%(date)s）") % {"title": title, "date": today.isoformat()}])
    sheet.merge_cells(f"A1:{last_column}1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 28
    sheet.append([str(header) for header, _width in COLUMNS])
    for index, (_header, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index)
        cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), HEADER_FILL, BORDER, CENTER
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in rows:
        sheet.append([
            row.number, _task_cell(row), "、".join(row.lead_units), "、".join(row.support_units), row.deadline,
            f"{row.status}（{row.rag_label}）", _progress_cell(row), _targets_cell(row),
        ])
        excel_row = sheet.max_row
        for index in range(1, len(COLUMNS) + 1):
            cell = sheet.cell(row=excel_row, column=index)
            cell.border, cell.alignment = BORDER, WRAP
        sheet.cell(row=excel_row, column=1).alignment = CENTER
        sheet.cell(row=excel_row, column=6).fill = RAG_FILLS[row.rag]
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
    return workbook


def ledger_xlsx(rows: Sequence[LedgerRow], *, title: str, today: dt.date) -> bytes:
    buffer = BytesIO()
    ledger_workbook(rows, title=title, today=today).save(buffer)
    return buffer.getvalue()


def ledger_export_file(user: Any, params: Mapping[str, Any]) -> tuple[str, bytes]:
    """The filtered ledger as (file name, .xlsx bytes) for `user`: the rows the ledger page shows them,
    all pages at once. Used by the download view and by the background export job."""
    today = clock.today()
    filterset = LedgerFilter(params, queryset=ledger_tasks(user), request=SimpleNamespace(user=user))
    rows = ledger_rows(ledger_prefetch(filterset.qs, user, today=today))
    plan = filterset.form.cleaned_data.get("plan") if filterset.is_valid() else None
    title = _("%(plan)s任务落实台账") % {"plan": plan.title} if plan else _("重点工作任务落实台账")
    return f"{_('台账')}-{today:%Y%m%d}.xlsx", ledger_xlsx(rows, title=title, today=today)
