"""Unit directory files (CSV, YAML, Excel .xlsx) read row by row, so a preview can show every bad row.

The parser's `UnitDirectory.load` stops at the first problem; an administrator correcting a spreadsheet
wants all of them at once. This module reads the rows with the parser's own column mapping and record
rules (luoshi.plandoc.units), checks each row on its own, then the rows together (duplicate names,
group members, names and aliases that name two units). Excel reading lives here, not in the parser,
because only the web system takes directories from spreadsheets.

A file that cannot be read at all (wrong type, too large, damaged, no name column) raises DomainError
with a one-line message; a readable file with bad rows comes back with `errors` filled in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from luoshi.core.errors import DomainError
from luoshi.core.parser_messages import parser_message
from luoshi.plandoc.errors import PlanDocError
from luoshi.plandoc.units import (
    DIRECTORY_CSV_COLUMNS,
    DirectoryEntry,
    UnitDirectory,
    compact_name,
    decode_directory_text,
    entry_from_record,
    records_from_csv,
    records_from_yaml,
)

from .models import Unit, UnitAlias

MAX_DIRECTORY_BYTES = 2 * 1024 * 1024
# A city's directory has a few hundred units; these bound what a hostile spreadsheet can make us read.
MAX_ROWS = 5000
MAX_COLUMNS = 50
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
DIRECTORY_SUFFIXES = (".csv", ".yaml", ".yml", ".xlsx")
DIRECTORY_FILE_ACCEPT = ",".join(DIRECTORY_SUFFIXES)

_NAME_MAX = Unit._meta.get_field("name").max_length or 100
_FULL_NAME_MAX = Unit._meta.get_field("full_name").max_length or 200
_ALIAS_MAX = UnitAlias._meta.get_field("alias").max_length or 200


@dataclass(frozen=True)
class DirectoryRow:
    """One row of the file: where it is, the entry it makes, or why it makes none."""

    where: str
    entry: DirectoryEntry | None
    error: str = ""


@dataclass
class DirectoryFile:
    """A readable directory file: its rows in order, the cities it names, and problems across rows."""

    filename: str
    rows: list[DirectoryRow]
    cities: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def entries(self) -> list[DirectoryEntry]:
        return [row.entry for row in self.rows if row.entry is not None and not row.error]

    @property
    def row_errors(self) -> list[DirectoryRow]:
        return [row for row in self.rows if row.error]

    @property
    def is_valid(self) -> bool:
        return bool(self.entries) and not self.row_errors and not self.file_errors

    def directory(self) -> UnitDirectory:
        """The parser directory of a valid file (call only when `is_valid`)."""
        return UnitDirectory(self.entries, cities=self.cities)


def directory_file_read(*, filename: str, data: bytes) -> DirectoryFile:
    """Read and check a directory file. DomainError (one line) when the file as a whole is unreadable."""
    name = PurePath(filename or "").name[:200] or "units"
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xls":
        raise DomainError(_("不支持旧版 Excel（.xls），请另存为 .xlsx 后上传"),
                          code="bad_type")
    if suffix not in DIRECTORY_SUFFIXES:
        raise DomainError(_("单位目录只能是 CSV、YAML 或 Excel（.xlsx）文件"), code="bad_type")
    if len(data) > MAX_DIRECTORY_BYTES:
        raise DomainError(_("文件过大：不能超过 %(mb)s MB") % {
            "mb": MAX_DIRECTORY_BYTES // (1024 * 1024)}, code="too_large")
    if not data.strip():
        raise DomainError(_("文件为空"), code="empty")
    records: list[tuple[str, Mapping[str, Any]]]
    cities: list[str] = []
    try:
        if suffix == ".xlsx":
            records = list(_records_from_xlsx(data, name))
        else:
            text = decode_directory_text(data, name)
            if suffix == ".csv":
                records = records_from_csv(text, name)
            else:
                records, cities = records_from_yaml(text, name)
    except PlanDocError as exc:
        raise DomainError(parser_message(exc), code="bad_file") from None
    if not records:
        raise DomainError(_("单位目录中没有单位"), code="empty")
    if len(records) > MAX_ROWS:
        raise DomainError(_("单位目录超过 %(n)s 行") % {"n": MAX_ROWS}, code="too_large")
    rows = [_row(where, record, name) for where, record in records]
    result = DirectoryFile(filename=name, rows=_check_names(rows), cities=cities)
    if not result.row_errors:
        result.rows, result.file_errors = _check_together(result.rows, cities)
    return result


def _row(where: str, record: Any, filename: str) -> DirectoryRow:
    try:
        entry = entry_from_record(record, filename, where)
    except PlanDocError as exc:
        return DirectoryRow(where, None, parser_message(exc))
    # The parser has no column widths; the database has.
    if entry.full_name and len(entry.full_name) > _FULL_NAME_MAX:
        return DirectoryRow(where, entry, _("%(where)s全称超过 %(n)s 个字") % {
            "where": where, "n": _FULL_NAME_MAX})
    long_alias = next((a for a in entry.aliases if len(a) > _ALIAS_MAX), None)
    if long_alias is not None:
        return DirectoryRow(where, entry, _("%(where)s别名超过 %(n)s 个字") % {
            "where": where, "n": _ALIAS_MAX})
    if len(entry.name) > _NAME_MAX:
        return DirectoryRow(where, entry, _("%(where)s单位名称超过 %(n)s 个字") % {
            "where": where, "n": _NAME_MAX})
    return DirectoryRow(where, entry)


def _check_names(rows: list[DirectoryRow]) -> list[DirectoryRow]:
    """A name listed twice is an error on its second row."""
    first: dict[str, str] = {}
    out = []
    for row in rows:
        if row.entry is not None and not row.error:
            earlier = first.setdefault(row.entry.name, row.where)
            if earlier != row.where:
                error = _("%(where)s单位“%(name)s”与%(earlier)s重复") % {
                    "where": row.where, "name": row.entry.name, "earlier": earlier}
                row = dataclasses.replace(row, error=error)
        out.append(row)
    return out


def _check_together(rows: list[DirectoryRow], cities: list[str]) -> tuple[list[DirectoryRow], list[str]]:
    """Rules across rows, checked by the parser's directory itself so both agree on what is valid.

    Names and aliases first (groups' members left out); then each group's members, so a missing
    member is reported on the group's row.
    """
    entries = [row.entry for row in rows if row.entry is not None]
    try:
        names_only = UnitDirectory([dataclasses.replace(e, members=()) for e in entries], cities=cities)
    except PlanDocError as exc:
        return rows, [parser_message(exc)]
    out = []
    for row in rows:
        entry = row.entry
        if entry is not None and entry.is_group:
            missing = [m for m in entry.members
                       if not m.startswith("kind:") and "*" not in m and "?" not in m and names_only.resolve(m) is None]
            if missing:
                error = _("%(where)s群组成员“%(member)s”不在本目录中") % {"where": row.where, "member": missing[0]}
                row = dataclasses.replace(row, error=error)
        out.append(row)
    if any(row.error for row in out):
        return out, []
    try:
        UnitDirectory(entries, cities=cities)
    except PlanDocError as exc:  # e.g. an unknown kind in a member rule
        return out, [parser_message(exc)]
    return out, []


# --- Excel ----------------------------------------------------------------------------------------------


def _records_from_xlsx(data: bytes, filename: str) -> list[tuple[str, dict[str, Any]]]:
    """The first visible sheet with a name column, as records keyed by the CSV column names."""
    _check_zip(data, filename)
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                if getattr(sheet, "sheet_state", "visible") != "visible":
                    continue
                records = _sheet_records(sheet.iter_rows(values_only=True), filename)
                if records is not None:
                    return records
        finally:
            workbook.close()
    except DomainError:
        raise
    except Exception as exc:  # openpyxl and its XML parser raise many types on damaged parts
        raise DomainError(_("Excel 文件已损坏，无法读取 (damaged .xlsx file: %(kind)s)") % {
            "kind": type(exc).__name__}, code="bad_file") from None
    raise DomainError(_("Excel 文件中没有含“name”或“单位名称”列的工作表"),
                      code="bad_file")


def _check_zip(data: bytes, filename: str) -> None:
    """An .xlsx is a zip archive; refuse anything else, and archives that unpack to far too much."""
    if not data.startswith(b"PK\x03\x04"):
        raise DomainError(_("文件不是 Excel（.xlsx）文件：%(name)s") % {"name": filename},
                          code="bad_type")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > MAX_XLSX_UNPACKED_BYTES:
                raise DomainError(_("Excel 文件解压后过大"),
                                  code="too_large")
            if "xl/workbook.xml" not in {m.filename for m in members}:
                raise DomainError(_("文件不是 Excel（.xlsx）文件：%(name)s") % {
                    "name": filename}, code="bad_type")
    except zipfile.BadZipFile:
        raise DomainError(_("Excel 文件已损坏，无法读取"), code="bad_file") from None


def _sheet_records(rows: Iterator[tuple[Any, ...]], filename: str) -> list[tuple[str, dict[str, Any]]] | None:
    """Records of one sheet; None when its first non-empty row has no name column."""
    header: list[str] | None = None
    records: list[tuple[str, dict[str, Any]]] = []
    for number, cells in enumerate(rows, start=1):
        if number > MAX_ROWS + 50:
            raise DomainError(_("单位目录超过 %(n)s 行") % {"n": MAX_ROWS}, code="too_large")
        values = [_cell(value) for value in cells[:MAX_COLUMNS]]
        if all(v is None or v == "" for v in values):
            continue
        if header is None:
            header = [DIRECTORY_CSV_COLUMNS.get(compact_name(str(v)).lower(), "") if v is not None else ""
                      for v in values]
            if "name" not in header:
                return None
            continue
        record = {column: value for column, value in zip(header, values, strict=False) if column}
        records.append((_("第%(n)s行 (row %(n)s)") % {"n": number}, record))
    return records if header is not None else None


def _cell(value: Any) -> Any:
    """A cell as the record rules expect it: text, whole numbers as int, booleans kept, dates as text."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        return f"{value:g}"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()
