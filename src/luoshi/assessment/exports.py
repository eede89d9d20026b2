"""Excel workbooks: the 考核结果 table (title row; 名次/单位/总分/each component; one row per unit) and one
unit's score sheet (each component and, under it, the events that produced its points). Cells are written by
`luoshi.xlsxsafe`: unit names, notes and event texts are never formulas."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from luoshi.xlsxsafe import new_workbook, style_header, style_title, write_row

from .choices import Component
from .models import Rubric, Score

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COMPONENTS: tuple[str, ...] = tuple(Component.values)


def results_workbook(rubric: Rubric, scores: Sequence[Score]) -> bytes:
    book = new_workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("考核结果")
    headers = [_("名次"), _("单位"), _("总分"), *[str(Component(c).label) for c in COMPONENTS]]
    title = _("%(year)d年度%(group)s考核结果（第%(version)d版）") % {
        "year": rubric.year, "group": rubric.get_unit_group_display(), "version": rubric.version}
    write_row(sheet, [f"{title}（{rubric.note}）" if rubric.note else title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    style_title(sheet.cell(row=1, column=1))
    write_row(sheet, headers)
    style_header(sheet, 2, len(headers))
    for score in scores:
        write_row(sheet, [score.rank, score.unit.name, float(score.total),
                      *[float(Decimal(score.components.get(c, "0"))) for c in COMPONENTS]])
    sheet.freeze_panes = "A3"
    for column in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = {1: 6, 2: 20}.get(column, 10)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def score_sheet_workbook(score: Score) -> bytes:
    rubric = score.rubric
    book = new_workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("考核得分表")
    title = _("%(unit)s %(year)d年度考核得分表") % {"unit": score.unit.name, "year": rubric.year}
    write_row(sheet, [f"{title}（{rubric.note}）" if rubric.note else title])
    style_title(sheet.cell(row=1, column=1))
    write_row(sheet, [_("总分"), float(score.total), _("名次"), score.rank])
    write_row(sheet, [_("考核项目"), _("得分"), _("计分事项"), _("分值")])
    style_header(sheet, 3, 4)
    for component in COMPONENTS:
        write_row(sheet, [str(Component(component).label), float(Decimal(score.components.get(component, "0")))])
        for event in score.trace:
            if event["component"] == component:
                text = event["text"] + (_("（已撤销）") if event.get("reversed") else "")
                write_row(sheet, ["", None, text, float(Decimal(event["points"]))])
    for letter, width in (("A", 14), ("B", 8), ("C", 70), ("D", 8)):
        sheet.column_dimensions[letter].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
