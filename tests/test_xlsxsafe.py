"""luoshi.xlsxsafe, the one writer of every .xlsx the system produces: formulas neutralised, illegal
characters dropped, numbers and dates kept; and no workbook-making module writes cells around it."""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.xlsxsafe import CELL_TEXT_LIMIT, clean_text, safe_value, set_cell, write_row
from tests.xlsx_checks import HOSTILE, assert_safe_xlsx

SRC = Path(__file__).resolve().parent.parent / "src" / "luoshi"


def _round_trip(workbook: Workbook) -> Worksheet:
    buffer = BytesIO()
    workbook.save(buffer)
    sheet: Worksheet = load_workbook(BytesIO(buffer.getvalue())).active  # type: ignore[assignment]
    return sheet


def _bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_writes_formula_like_text_as_the_same_visible_text() -> None:
    workbook = Workbook()
    sheet: Worksheet = workbook.active  # type: ignore[assignment]
    write_row(sheet, HOSTILE)
    write_row(sheet, ["\t=1+1", "\r@x", "普通文字", "a=b"])
    assert_safe_xlsx(_bytes(workbook), ['=HYPERLINK("http://x","y")', "=1+1", "@SUM(A1)", "-2+3", "+1", "\t=1+1"])
    back = _round_trip(workbook)
    assert [c.value for c in back[1]] == ['=HYPERLINK("http://x","y")', "=1+1", "@SUM(A1)", "-2+3", "+1", "x"]
    assert [c.quotePrefix for c in back[1]] == [True, True, True, True, True, False]
    assert [c.quotePrefix for c in back[2][:4]] == [True, True, False, False]
    assert all(c.data_type == "s" for row in back.iter_rows() for c in row if c.value is not None)


def test_it_keeps_numbers_dates_booleans_and_blanks() -> None:
    workbook = Workbook()
    sheet: Worksheet = workbook.active  # type: ignore[assignment]
    day = dt.date(2019, 6, 30)
    write_row(sheet, [-2, 3.5, Decimal("-1.25"), day, True, None, float("nan"), Decimal("Infinity")])
    values = [c.value for c in _round_trip(workbook)[1]]
    assert values[:5] == [-2, 3.5, -1.25, dt.datetime(2019, 6, 30), True]
    assert values[5:] == []  # blank, and Excel cannot hold NaN or infinity: left blank (not written)


def test_it_drops_illegal_characters_and_cuts_at_the_cell_limit() -> None:
    assert clean_text("进展\x0b顺利\x00\x1f\n第二行\t") == "进展顺利\n第二行\t"
    long = clean_text("很" * (CELL_TEXT_LIMIT + 5))
    assert len(long) == CELL_TEXT_LIMIT and long.endswith("…")
    assert safe_value(b"=a\x0b") == "=a"

    class Lazy:
        def __str__(self) -> str:
            return "=懒\x0b"

    assert safe_value(Lazy()) == "=懒"


def test_it_resets_the_quote_prefix_when_a_cell_is_rewritten() -> None:
    workbook = Workbook()
    sheet: Worksheet = workbook.active  # type: ignore[assignment]
    set_cell(sheet, 1, 1, "=1")
    assert set_cell(sheet, 1, 1, 5).quotePrefix is False
    assert set_cell(sheet, 1, 1, "text").quotePrefix is False


def test_it_appends_rows_like_openpyxl_and_refuses_merged_cells() -> None:
    workbook = Workbook()
    sheet: Worksheet = workbook.active  # type: ignore[assignment]
    assert write_row(sheet, ["a"]) == 1
    assert write_row(sheet, []) == 2
    assert write_row(sheet, ["b", "c"]) == 3
    sheet.merge_cells("A5:B5")
    with pytest.raises(ValueError, match="merged"):
        set_cell(sheet, 5, 2, "x")


def test_it_never_imports_django() -> None:
    code = ("import sys, luoshi.xlsxsafe, luoshi.plandoc.export; "
            "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- every workbook goes through the writer -----------------------------------------------------------------


def _workbook_modules() -> list[Path]:
    return sorted(path for path in SRC.rglob("*.py") if path.name != "xlsxsafe.py"
                  and ("Workbook(" in (text := path.read_text(encoding="utf-8")) or "new_workbook(" in text))


def _direct_writes(tree: ast.AST) -> list[int]:
    """Lines that write a cell without luoshi.xlsxsafe: `x.value = …`, `sheet.append(…)`, `cell(…, value=…)`."""
    sheets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            source = ast.unparse(node.value)
            if source.endswith(".active") or ".create_sheet(" in source:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                sheets |= {t.id for t in targets if isinstance(t, ast.Name)}
        if isinstance(node, ast.arg) and node.annotation is not None and "Worksheet" in ast.unparse(node.annotation):
            sheets.add(node.arg)
    lines = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Attribute) and t.attr == "value" for t in targets):
            lines.append(node.lineno)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            if node.func.attr == "append" and isinstance(receiver, ast.Name) and receiver.id in sheets:
                lines.append(node.lineno)
            if node.func.attr == "cell" and any(k.arg == "value" for k in node.keywords):
                lines.append(node.lineno)
    return sorted(lines)


def test_every_module_that_makes_a_workbook_writes_its_cells_through_xlsxsafe() -> None:
    modules = _workbook_modules()
    names = {str(path.relative_to(SRC)) for path in modules}
    assert {"plans/exports.py", "reports/sheets.py", "assessment/exports.py", "plandoc/export.py"} <= names
    for path in modules:
        text = path.read_text(encoding="utf-8")
        assert "from luoshi.xlsxsafe import" in text, path
        assert _direct_writes(ast.parse(text)) == [], path
        # Made by xlsxsafe.new_workbook, so every workbook has the same fonts and header style.
        assert "Workbook(" not in text, path


def test_the_guard_sees_a_direct_write() -> None:
    bad = ("def f(sheet: Worksheet) -> None:\n    sheet.append(['=1'])\n    sheet.cell(row=1, column=1, value='=1')\n"
           "    book = Workbook()\n    ws = book.active\n    ws.append([1])\n    ws['A1'].value = '=1'\n")
    assert _direct_writes(ast.parse(bad)) == [2, 3, 6, 7]


def test_every_workbook_starts_in_song_and_writes_dates_as_date_cells() -> None:
    import datetime as dt
    from io import BytesIO
    from zoneinfo import ZoneInfo

    from openpyxl import load_workbook

    from luoshi.xlsxsafe import new_workbook, style_header, style_title, write_row

    workbook = new_workbook()
    sheet = workbook.active
    style_title(sheet.cell(row=write_row(sheet, ["台账"]), column=1))
    style_header(sheet, write_row(sheet, ["日期", "时间", "单位"]))
    write_row(sheet, [dt.date(2018, 5, 16), dt.datetime(2018, 5, 16, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
                      "市科技局"])
    buffer = BytesIO()
    workbook.save(buffer)
    read = load_workbook(BytesIO(buffer.getvalue())).active
    date, moment, unit = read[3]
    assert (date.value, date.is_date, date.number_format) == (dt.datetime(2018, 5, 16), True, 'yyyy"年"m"月"d"日"')
    assert (moment.value, moment.number_format) == (dt.datetime(2018, 5, 16, 9, 30), 'yyyy"年"m"月"d"日" hh:mm')
    assert {cell.font.name for row in read.iter_rows() for cell in row} == {"宋体"}
    assert (read["A1"].font.b, read["A1"].font.sz, read["A2"].font.b) == (True, 14, True)
    assert unit.data_type == "s" and not unit.font.b
