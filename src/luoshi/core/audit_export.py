"""The audit administrator's export: a date range of the audit log with its hash chain, as .xlsx.

Every value that `luoshi.core.chain.entry_digest` hashes is written in the exact text it hashes (UTC time
with microseconds, before/after as canonical JSON), next to prev_hash and entry_hash, so the range can be
re-verified outside Luoshi; the second sheet says how.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from luoshi.xlsxsafe import new_workbook, write_row

from .chain import HASHED_FIELDS, chain_start
from .models import AuditEntry

MAX_EXPORT_ROWS = 100_000
COLUMNS = ("id", *HASHED_FIELDS, "prev_hash", "entry_hash")


def _cell(entry: AuditEntry, name: str) -> Any:
    value = getattr(entry, name)
    if name == "created_at":
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if name in ("before", "after"):
        return "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return value


def audit_entries_between(start: dt.datetime, end: dt.datetime) -> Any:
    return AuditEntry.objects.filter(created_at__gte=start, created_at__lt=end).order_by("id")


def audit_export_workbook(*, start: dt.datetime, end: dt.datetime) -> bytes:
    """The entries created in [start, end) in chain order, with their hashes, as .xlsx bytes."""
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = "audit"
    write_row(sheet, COLUMNS)
    for entry in audit_entries_between(start, end).iterator(chunk_size=2000):
        write_row(sheet, [_cell(entry, name) for name in COLUMNS])
    about = workbook.create_sheet("chain")
    for line in (
        ("range (UTC)", start.astimezone(dt.UTC).isoformat(), end.astimezone(dt.UTC).isoformat()),
        ("chain start (genesis or prune anchor)", chain_start()),
        ("entry_hash", "sha256(prev_hash + '\\n' + JSON of the fields from created_at to message, sorted keys, "
                       "no spaces, UTF-8; null for empty ids and for before/after when blank)"),
        ("link", "each row's prev_hash is the entry_hash of the row before it (ids may skip: entries of "
                 "other ranges)"),
    ):
        write_row(about, line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
