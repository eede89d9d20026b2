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
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

# What makes a spreadsheet read a text cell (or a CSV field) as a formula: the OWASP list.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
CELL_TEXT_LIMIT = 32_767  # characters in one Excel cell

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
    cell.value = kept
    if isinstance(kept, str):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
        cell.quotePrefix = starts_like_formula(kept)
    elif cell.quotePrefix:
        cell.quotePrefix = False
    return cell


def write_row(sheet: Worksheet, values: Iterable[object]) -> int:
    """Write `values` from column A of the row `sheet.append` would use; that row's number."""
    values = list(values)
    sheet.append([None] * max(len(values), 1))  # openpyxl's own "next row", reserved with blanks
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        set_cell(sheet, row, column, value)
    return row
