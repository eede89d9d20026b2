"""Checks shared by every export's test: the .xlsx bytes hold no formula, no character XML cannot hold, and
hostile text comes back as the same visible text, marked as typed text (quotePrefix) so editing the cell in
Excel or LibreOffice does not turn it into a formula either."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

# Text that a spreadsheet would run, or run once the cell is edited, and a control character (U+000B).
HOSTILE = ('=HYPERLINK("http://x","y")', "=1+1", "@SUM(A1)", "-2+3", "+1", "\x0bx")


def cells_of(data: bytes) -> list[Cell]:
    workbook = load_workbook(BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
            if isinstance(cell, Cell)]


def assert_safe_xlsx(data: bytes, shown: Iterable[str]) -> list[Cell]:
    """No formula cell anywhere; each text of `shown` is in a cell, as text, with the quote prefix when
    it starts like a formula. Returns the cells."""
    cells = cells_of(data)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = [cell for cell in cells if isinstance(cell.value, str)]
    assert not [cell.coordinate for cell in texts if ILLEGAL_CHARACTERS_RE.search(cell.value)]
    for text in shown:
        found = [cell for cell in texts if text in cell.value]
        assert found, f"{text!r} is not in the workbook"
        for cell in found:
            assert cell.data_type == "s"
            if cell.value.startswith(("=", "+", "-", "@")):
                assert cell.quotePrefix, f"{cell.coordinate} {cell.value!r} has no quote prefix"
    return cells


def assert_house_style(data: bytes, *, header_row: int, title_row: int | None = 1) -> None:
    """The look every workbook shares (luoshi.xlsxsafe): all text in 宋体, the title bold 14pt, the header row
    bold on the grey fill with borders, every date a date cell shown 2018年5月16日."""
    workbook = load_workbook(BytesIO(data))
    sheet = workbook.worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell, Cell) and cell.value is not None]
    assert {cell.font.name for cell in cells} == {"宋体"}
    if title_row is not None:
        title = next(cell for cell in sheet[title_row] if cell.value)
        assert (title.font.b, title.font.sz) == (True, 14)
    headers = [cell for cell in sheet[header_row] if cell.value is not None]
    assert headers and all(cell.font.b and cell.fill.start_color.rgb == "FFEEF1F5" and cell.border.top.style
                           for cell in headers)
    for cell in cells:
        if cell.is_date:
            assert cell.number_format == 'yyyy"年"m"月"d"日"' or cell.number_format.startswith('yyyy"年"')
