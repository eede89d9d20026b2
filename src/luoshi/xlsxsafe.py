"""The one writer of cell values for every .xlsx Luoshi produces (台账, period sheets, 考核结果, score
sheets, the 任务分解表). Pure Python and openpyxl; never imports Django, so `luoshi.plandoc` uses it too.

Text from plans, units and reports is data, never something the reader's spreadsheet runs:

- text is always a text cell, never a formula, even when it starts with "=";
- text that starts like a formula (= + - @, or a tab or carriage return) is also marked "typed as
  text" (the cell style's quotePrefix, what Excel sets for a leading apostrophe): Excel and LibreOffice
  show the same characters, hide the mark, and do not turn the cell into a formula when it is edited;
- characters XML cannot hold (control characters such as U+000B) are dropped instead of failing the
  export, and text beyond Excel's cell limit is cut with "…";
- numbers, dates, booleans and blanks stay what they are; a number that is not finite (NaN, ±inf),
  which Excel cannot read, is left blank; anything else is written as its text.

Write cells with `set_cell` or whole rows with `write_row`, never with `cell.value =` or `sheet.append`.

Every workbook also looks the same (`new_workbook`, `style_title`, `style_header`): Chinese text in 宋体
(the workbook's default font, so every cell has it), a title in bold 14pt 宋体, one header style (bold 宋体 on
a grey fill, thin borders, centred and wrapped), and dates as real date cells shown 2018年5月16日 (a date
number format, so they sort and filter as dates).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet

# What makes a spreadsheet read a text cell (or a CSV field) as a formula: the OWASP list.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
CELL_TEXT_LIMIT = 32_767  # characters in one Excel cell

# One look for every workbook.
TEXT_FONT_NAME = "宋体"
BODY_FONT = Font(name=TEXT_FONT_NAME, size=11, family=3, charset=134)  # charset 134: GB2312
TITLE_FONT = Font(name=TEXT_FONT_NAME, size=14, bold=True, family=3, charset=134)
HEADER_FONT = Font(name=TEXT_FONT_NAME, size=11, bold=True, family=3, charset=134)
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFEEF1F5", end_color="FFEEF1F5")
THIN = Side(style="thin", color="FF8A96A3")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")
DATE_NUMBER_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_NUMBER_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'

CellValue = str | int | float | Decimal | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None
_KEPT_TYPES = (bool, int, float, Decimal, dt.date, dt.datetime, dt.time, dt.timedelta)


def clean_text(text: str) -> str:
    """The text without the characters XML cannot hold, cut to one cell's limit."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > CELL_TEXT_LIMIT:
        text = text[: CELL_TEXT_LIMIT - 1] + "…"
    return text


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_LEADS)


def safe_value(value: object) -> CellValue:
    """What a cell may hold for `value`: cleaned text, or the number, date, boolean or blank itself."""
    if value is None:
        return None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    if isinstance(value, _KEPT_TYPES):
        return value
    if isinstance(value, bytes):
        return clean_text(value.decode("utf-8", errors="replace"))
    return clean_text(str(value))  # lazy translations and other objects: their text


def set_cell(sheet: Worksheet, row: int, column: int, value: object) -> Cell:
    """Write one cell by the rules above and return it (for styling)."""
    cell = sheet.cell(row=row, column=column)
    if not isinstance(cell, Cell):  # only the top-left cell of a merged range holds a value
        raise ValueError(f"{cell.coordinate} is inside a merged range")
    kept = safe_value(value)
    if isinstance(kept, dt.datetime) and kept.tzinfo is not None:
        kept = kept.replace(tzinfo=None)  # Excel has no time zones: the caller passes local time
    cell.value = kept
    if isinstance(kept, str):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
        cell.quotePrefix = starts_like_formula(kept)
    elif cell.quotePrefix:
        cell.quotePrefix = False
    if isinstance(kept, dt.datetime):
        cell.number_format = DATETIME_NUMBER_FORMAT
    elif isinstance(kept, dt.date):
        cell.number_format = DATE_NUMBER_FORMAT
    return cell


def write_row(sheet: Worksheet, values: Iterable[object]) -> int:
    """Write `values` from column A of the row `sheet.append` would use; that row's number."""
    values = list(values)
    sheet.append([None] * max(len(values), 1))  # openpyxl's own "next row", reserved with blanks
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        set_cell(sheet, row, column, value)
    return row


def new_workbook() -> Workbook:
    """An empty workbook whose default font (every cell's unless styled) is 宋体."""
    workbook = Workbook()
    # openpyxl gives every unstyled cell the workbook's first font: make that 宋体 instead of Calibri.
    workbook._fonts = IndexedList([BODY_FONT])  # type: ignore[attr-defined]
    return workbook


def style_title(cell: Cell) -> Cell:
    cell.font = TITLE_FONT
    cell.alignment = Alignment(horizontal="center", vertical="center")
    return cell


def style_header(sheet: Worksheet, row: int, columns: int | None = None) -> None:
    """The one header style: bold 宋体 on grey, thin borders, centred; `columns` cells from A (default: the row's)."""
    last = columns if columns is not None else sheet.max_column
    for column in range(1, last + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BORDER, HEADER_ALIGNMENT
