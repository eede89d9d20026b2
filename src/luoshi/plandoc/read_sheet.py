"""Excel .xlsx task tables: every visible sheet in order, each row one TAB line.

openpyxl in read-only mode with cached formula values (data_only). In read-only mode a merged range
reads as its value in the first cell and empty cells elsewhere, which is the convention the parser
expects. Trailing empty rows and columns are trimmed; every row of a sheet has the sheet's width, so
columns stay aligned with the header. Numbers are written as a person typed them (1, not 1.0; 15% for a
percent format) and dates as 2018年12月31日.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import warnings as python_warnings
import zipfile
from typing import Any

from luoshi.plandoc.errors import InputTooLarge, UnsupportedInput
from luoshi.plandoc.limits import MAX_TABLE_CELLS, WorkBudget
from luoshi.plandoc.messages import message
from luoshi.plandoc.model import DITTO

# Cells read per workbook before the reader stops (a sheet of a million empty-styled rows). Twice the
# table budget: cells read include empty formatted ones, trimmed before the table is rendered. openpyxl
# reads ~100,000 cells a second, so this keeps a refused workbook to seconds.
MAX_CELLS = 2 * MAX_TABLE_CELLS


def read_xlsx(data: bytes) -> tuple[str, list[str]]:
    """Return the text of all visible sheets (TAB rows framed by empty lines) and warnings."""
    import openpyxl

    warnings: list[str] = []
    lines: list[str] = []
    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                cells_seen = 0
                budget = WorkBudget()
                for sheet in workbook.worksheets:
                    if getattr(sheet, "sheet_state", "visible") != "visible":
                        warnings.append(message("sheet_hidden", sheet=sheet.title))
                        continue
                    rows: list[list[str]] = []
                    covered = _vertically_covered(data, getattr(sheet, "_worksheet_path", ""), budget)
                    for row_number, cells in enumerate(sheet.iter_rows(), start=1):
                        cells_seen += len(cells)
                        if cells_seen > MAX_CELLS:
                            raise InputTooLarge(message("sheet_too_large", limit=f"{MAX_CELLS:,}"))
                        row = [DITTO if (row_number, column) in covered
                               else cell_text(cell.value, getattr(cell, "number_format", None))
                               for column, cell in enumerate(cells, start=1)]
                        budget.text(sum(map(len, row)))
                        rows.append(row)
                    sheet_lines = _sheet_lines(rows)
                    budget.table(sum(line.count("\t") + 1 for line in sheet_lines if line))
                    lines.extend(sheet_lines)
            finally:
                workbook.close()
    except (UnsupportedInput, InputTooLarge):
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as error:
        raise UnsupportedInput(message("damaged_xlsx", reason=type(error).__name__)) from None
    except Exception as error:  # openpyxl and lxml raise many other types on malformed parts
        raise UnsupportedInput(message("unreadable_xlsx", reason=type(error).__name__)) from None
    return "\n".join(lines), warnings


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _vertically_covered(data: bytes, worksheet_path: str, budget: WorkBudget) -> set[tuple[int, int]]:
    """(row, column) cells that a merged range covers below its first row: they read as 〃.

    Read-only openpyxl does not expose merged ranges, so they are read from the sheet's XML. Each
    covered cell is charged to the budget before it is stored.
    """
    if not worksheet_path:
        return set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(worksheet_path.lstrip("/"))
    except (KeyError, zipfile.BadZipFile, OSError):
        return set()
    covered: set[tuple[int, int]] = set()
    for m in _MERGE_REF.finditer(xml):
        first_col, last_col = _column_number(m.group(1)), _column_number(m.group(3))
        first_row, last_row = int(m.group(2)), int(m.group(4))
        if last_row - first_row > 10_000 or last_col - first_col > 1_000:
            continue
        budget.table(max(last_row - first_row, 0))
        for row in range(first_row + 1, last_row + 1):
            covered.add((row, first_col))
    return covered


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def _sheet_lines(rows: list[list[str]]) -> list[str]:
    rows = [row for row in rows if any(row)]  # empty rows would split the table in two
    for index, row in enumerate(rows):
        while row and not row[-1]:
            row.pop()
        rows[index] = row
    width = max((len(row) for row in rows), default=0)
    if width == 0:
        return []
    return ["", *("\t".join(row + [""] * (width - len(row))) for row in rows), ""]


def cell_text(value: Any, number_format: str | None = None) -> str:
    """A cell value as a person reads it in the sheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        text = f"{value.year}年{value.month}月{value.day}日"
        if (value.hour, value.minute, value.second) != (0, 0, 0):
            text += f" {value.hour:02d}:{value.minute:02d}"
        return text
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, int | float) and number_format and "%" in number_format:
        decimals = len(number_format.split(".", 1)[1].split("%")[0]) if "." in number_format else 0
        return f"{value * 100:.{min(decimals, 10)}f}%"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    text = str(value)
    return " ".join(text.replace("\t", " ").split()) if any(ch in text for ch in "\t\r\n") else text.strip()


def _number_text(value: float) -> str:
    if not math.isfinite(value):
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"
