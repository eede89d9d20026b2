"""The statistics office's table (.xlsx or .csv) read into figures, checked cell by cell.

Two layouts are accepted, told apart by the header row (the first non-empty row):

- long: one figure per row, with columns 地区, 指标, 数值 and optionally 计量单位, 年度, 月份;
- wide: regions down, indicators across: the first column holds regions (header 地区), every other
  header names an indicator, optionally with its unit in brackets ("技术交易额（亿元）").

Nothing here writes: `sheet_check` returns the figures and the problems (row, column, message);
services.observations_upload stores all the figures or none.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from luoshi.core.errors import DomainError
from luoshi.plandoc.normalize import halfwidth

from .catalogue import phrase_key
from .models import Indicator, Region

MAX_SHEET_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 200
EMPTY_MARKS = frozenset({"", "-", "—", "--", "/", "…"})   # statistical tables' "no figure"

Cell = str | float | int | None

# Header names of the long layout, in order of preference: (field, accepted headers).
LONG_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("region", ("地区", "区域", "地区名称", "region")),
    ("indicator", ("指标", "指标名称", "indicator")),
    ("value", ("数值", "实际值", "值", "value")),
    ("unit", ("计量单位", "单位", "unit")),
    ("year", ("年度", "年份", "year")),
    ("month", ("月份", "截至月份", "month")),
)
_HEADER_UNIT = re.compile(r"^(?P<name>.*?)\s*[(\[]\s*(?P<unit>[^()\[\]]+?)\s*[)\]]\s*$")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


@dataclass(frozen=True)
class CellError:
    """A problem with one cell: 'C5: 计量单位为万元，应为亿元'."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.column}{self.row}: {self.message}"


@dataclass(frozen=True)
class SheetFigure:
    """A figure the sheet gives, ready to store."""

    indicator: Indicator
    region: Region
    year: int
    through_month: int
    value: float
    where: str


def read_rows(data: bytes, filename: str) -> list[list[Cell]]:
    """The cells of the first sheet (.xlsx) or of the .csv file, as rows of values."""
    if len(data) > MAX_SHEET_BYTES:
        raise DomainError(_("文件超过5MB"), code="too_large")
    lower = filename.lower()
    if lower.endswith(".csv"):
        return _csv_rows(data)
    if lower.endswith(".xlsx"):
        return _xlsx_rows(data)
    raise DomainError(_("只接受 .xlsx 或 .csv 文件"), code="bad_type")


def _csv_rows(data: bytes) -> list[list[Cell]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError(_("无法识别文件编码"), code="bad_encoding")
    rows: list[list[Cell]] = []
    for row in csv.reader(io.StringIO(text)):
        rows.append(list(row[:MAX_COLUMNS]))
        if len(rows) > MAX_ROWS:
            raise DomainError(_("行数超过%(n)d") % {"n": MAX_ROWS}, code="too_many_rows")
    return rows


def _xlsx_rows(data: bytes) -> list[list[Cell]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise DomainError(_("文件解压后过大"), code="too_large")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DomainError:
        raise
    except Exception:   # openpyxl raises many kinds on a broken or disguised file
        raise DomainError(_("无法读取该Excel文件"), code="bad_file") from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[Cell]] = []
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            rows.append([v if isinstance(v, (int, float, str)) or v is None else str(v) for v in row])
            if len(rows) > MAX_ROWS:
                raise DomainError(_("行数超过%(n)d") % {"n": MAX_ROWS}, code="too_many_rows")
        return rows
    finally:
        workbook.close()


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return halfwidth(str(cell)).strip()


def parse_number(cell: Cell) -> float | str | None:
    """A cell as a number: float, None for an empty mark, or the offending text."""
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, (int, float)):
        return float(cell) if math.isfinite(cell) else str(cell)
    text = _text(cell).replace(" ", "")
    if text in EMPTY_MARKS:
        return None
    if _NUMBER.match(text) and any(ch.isdigit() for ch in text):
        return float(text.replace(",", ""))
    return text


class _Lookup:
    """Regions and indicators by every name the sheet may use."""

    def __init__(self, indicators: Iterable[Indicator], regions: Iterable[Region]) -> None:
        self.indicators: dict[str, Indicator] = {}
        for indicator in indicators:
            for name in (indicator.code, indicator.name_zh, *(a.alias for a in indicator.aliases.all())):
                self.indicators.setdefault(phrase_key(name), indicator)
        self.regions: dict[str, Region] = {}
        for region in regions:
            for name in (region.name, *region.aliases, *([region.unit.name] if region.unit else [])):
                self.regions.setdefault(phrase_key(name), region)

    def indicator(self, name: str) -> Indicator | None:
        return self.indicators.get(phrase_key(name)) if name else None

    def region(self, name: str) -> Region | None:
        return self.regions.get(phrase_key(name)) if name else None


def sheet_check(rows: list[list[Cell]], *, year: int, through_month: int = 12,
                indicators: Iterable[Indicator] | None = None,
                regions: Iterable[Region] | None = None) -> tuple[list[SheetFigure], list[CellError]]:
    """Every figure of the sheet, and every problem with its cell. Any problem means nothing is stored."""
    lookup = _Lookup(
        indicators if indicators is not None else Indicator.objects.filter(active=True).prefetch_related("aliases"),
        regions if regions is not None else Region.objects.select_related("unit"))
    header_index = next((i for i, row in enumerate(rows) if any(_text(c) for c in row)), None)
    if header_index is None:
        return [], [CellError(1, "A", _("表格是空的"))]
    header = [_text(c) for c in rows[header_index]]
    columns = {name: header.index(h) for name, options in LONG_COLUMNS for h in options if h in header}
    body = [(header_index + 2 + i, row) for i, row in enumerate(rows[header_index + 1:])
            if any(_text(c) for c in row)]
    checker = _Checker(year=year, through_month=through_month)
    if {"region", "indicator", "value"} <= columns.keys():
        _check_long(body, columns, lookup, checker)
    else:
        _check_wide(header, header_index + 1, body, lookup, checker)
    if not checker.figures and not checker.errors:
        checker.errors.append(CellError(header_index + 1, "A", _("表格没有数据")))
    return checker.figures, checker.errors


class _Checker:
    def __init__(self, *, year: int, through_month: int) -> None:
        self.year, self.through_month = year, through_month
        self.figures: list[SheetFigure] = []
        self.errors: list[CellError] = []
        self.seen: dict[tuple[int, int, int, int], str] = {}

    def error(self, row: int, col: int, message: str) -> None:
        self.errors.append(CellError(row, get_column_letter(col + 1), message))

    def unit(self, row: int, col: int, given: str, indicator: Indicator) -> bool:
        if given and phrase_key(given) != phrase_key(indicator.unit):
            self.error(row, col, _("计量单位为“%(given)s”，“%(name)s”应为“%(unit)s”") % {
                "given": given, "name": indicator.name_zh, "unit": indicator.unit})
            return False
        return True

    def value(self, row: int, col: int, cell: Cell, indicator: Indicator, region: Region,
              year: int, month: int) -> None:
        from .services import observation_check

        where = f"{get_column_letter(col + 1)}{row}"
        number = parse_number(cell)
        if number is None:
            return
        # A repeated slot is reported even when the first occurrence is itself wrong.
        key = (indicator.pk, region.pk, year, month)
        if key in self.seen:
            self.error(row, col, _("与%(first)s重复：%(region)s的%(name)s") % {
                "first": self.seen[key], "region": region.name, "name": indicator.name_zh})
            return
        self.seen[key] = where
        if isinstance(number, str):
            self.error(row, col, _("“%(text)s”不是数值") % {"text": number[:40]})
            return
        problem = observation_check(indicator=indicator, value=number)
        if problem:
            self.error(row, col, problem)
            return
        self.figures.append(SheetFigure(indicator, region, year, month, number, where))

    def region(self, row: int, col: int, name: str, lookup: _Lookup) -> Region | None:
        region = lookup.region(name)
        if region is None:
            self.error(row, col, _("未知地区“%(name)s”") % {"name": name[:40]} if name
                       else _("缺少地区"))
        return region


def _check_long(body: list[tuple[int, list[Cell]]], columns: dict[str, int], lookup: _Lookup,
                checker: _Checker) -> None:
    def cell(row: list[Cell], name: str) -> Cell:
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else None

    for number, row in body:
        region = checker.region(number, columns["region"], _text(cell(row, "region")), lookup)
        name = _text(cell(row, "indicator"))
        indicator = lookup.indicator(name)
        if indicator is None:
            checker.error(number, columns["indicator"], _("未知指标“%(name)s”") % {
                "name": name[:60]})
        year, month = checker.year, checker.through_month
        for field_name, low, high in (("year", 1949, 2200), ("month", 1, 12)):
            if field_name not in columns or not _text(cell(row, field_name)):
                continue
            parsed = parse_number(cell(row, field_name))
            if not isinstance(parsed, float) or not parsed.is_integer() or not low <= parsed <= high:
                checker.error(number, columns[field_name], _("“%(text)s”不是有效的年度或月份") % {
                    "text": _text(cell(row, field_name))[:20]})
                indicator = None
            elif field_name == "year":
                year = int(parsed)
            else:
                month = int(parsed)
        if indicator is None or region is None:
            continue
        if not checker.unit(number, columns.get("unit", 0), _text(cell(row, "unit")), indicator):
            continue
        checker.value(number, columns["value"], cell(row, "value"), indicator, region, year, month)


def _check_wide(header: list[str], header_row: int, body: list[tuple[int, list[Cell]]], lookup: _Lookup,
                checker: _Checker) -> None:
    indicators: dict[int, Indicator] = {}
    for col, text in enumerate(header[1:], start=1):
        if not text:
            continue
        match = _HEADER_UNIT.match(text)
        name, unit = (match["name"], match["unit"]) if match else (text, "")
        indicator = lookup.indicator(name)
        if indicator is None:
            checker.error(header_row, col, _("未知指标“%(name)s”") % {"name": name[:60]})
        elif checker.unit(header_row, col, unit, indicator):
            indicators[col] = indicator
    for number, row in body:
        region = checker.region(number, 0, _text(row[0]) if row else "", lookup)
        if region is None:
            continue
        for col, indicator in indicators.items():
            checker.value(number, col, row[col] if col < len(row) else None, indicator, region,
                          checker.year, checker.through_month)
