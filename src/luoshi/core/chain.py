"""The audit log's hash chain and its append-only guard in the database.

Each entry's `entry_hash` is SHA-256 over the previous entry's hash and a canonical JSON of the entry's
fields (`entry_digest`). Entries are chained in id order. Appending is serialised so two transactions never
chain to the same predecessor: on PostgreSQL a transaction-scoped advisory lock, held from the moment an
entry is chained until its transaction ends; on SQLite the write lock that every transaction takes at BEGIN
(settings: transaction_mode IMMEDIATE). The chain's start is GENESIS_HASH, or the newest anchor that
`audit_prune` left behind.

The database triggers (migration core 0002) refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) of the
audit tables unless unlocked: on PostgreSQL by `SET [LOCAL] luoshi.audit_unlock = 'on'` made by the table's
owner (who could drop the trigger anyway; the application role is not the owner, see docs/deploy.md), on
SQLite by the connection's `luoshi_audit_unlocked()` function, which answers from this process's flag.
Only `audit_prune` and the test suite's database flush unlock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from .models import GENESIS_HASH, AuditAnchor, AuditEntry

CHAIN_LOCK_KEY = 0x6C756F736869  # "luoshi": the advisory lock that serialises appends on PostgreSQL
HASHED_FIELDS = ("created_at", "actor_id", "actor_name", "actor_unit", "request_id", "source_address", "result",
                 "action", "object_type", "object_id", "object_repr", "plan_id", "task_id", "unit_id",
                 "before", "after", "message")


def entry_digest(entry: AuditEntry, prev_hash: str) -> str:
    """SHA-256 of the previous hash and the entry's fields (canonical JSON: sorted keys, UTC time)."""
    fields: dict[str, Any] = {name: getattr(entry, name) for name in HASHED_FIELDS}
    created: dt.datetime = fields["created_at"]
    fields["created_at"] = created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def chain_start() -> str:
    """The hash the oldest remaining entry chains to: the newest prune's anchor, else GENESIS_HASH."""
    anchor = AuditAnchor.objects.order_by("-pruned_through_id").first()
    return anchor.anchor_hash if anchor else GENESIS_HASH


def chain_append(entry: AuditEntry) -> AuditEntry:
    """Insert `entry` (not yet saved) as the newest link of the chain, in the caller's transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        last = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        entry.prev_hash = last if last is not None else chain_start()
        entry.entry_hash = entry_digest(entry, entry.prev_hash)
        entry.save()
    return entry


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def chain_verify(entries: Iterable[AuditEntry], *, start: str) -> tuple[int, ChainBreak | None]:
    """Walk `entries` (in id order) from `start`; (entries checked, the first broken link or None)."""
    expected_prev = start
    checked = 0
    for entry in entries:
        if entry.prev_hash != expected_prev:
            return checked, ChainBreak(entry.pk, "prev_hash does not match the previous entry's hash "
                                                 "(an entry before it was removed or changed)")
        if entry_digest(entry, entry.prev_hash) != entry.entry_hash:
            return checked, ChainBreak(entry.pk, "entry_hash does not match the entry's content (it was changed)")
        expected_prev = entry.entry_hash
        checked += 1
    return checked, None


# --- the database guard -------------------------------------------------------------------------------------

_unlocked = threading.local()
_unlocked_everywhere = False  # the test suite's flush: set by tests/conftest.py only


def _sqlite_unlocked() -> int:
    return int(_unlocked_everywhere or getattr(_unlocked, "depth", 0) > 0)


def register_sqlite_guard(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created: give SQLite connections the function the triggers ask. A connection without it
    (the sqlite3 shell, another program) fails the trigger with "no such function": still refused."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("luoshi_audit_unlocked", 0, _sqlite_unlocked)


@contextlib.contextmanager
def audit_unlocked() -> Iterator[None]:
    """Let this transaction delete audit rows (audit_prune). Must run inside transaction.atomic(); on
    PostgreSQL it only works for the tables' owner."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL luoshi.audit_unlock = 'on'")
    _unlocked.depth = getattr(_unlocked, "depth", 0) + 1
    try:
        yield
    finally:
        _unlocked.depth -= 1
        if connection.vendor == "postgresql" and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL luoshi.audit_unlock = 'off'")


def unlock_everywhere_for_tests(on: bool) -> None:
    """The test suite's database flush (TransactionTestCase, live server) empties every table."""
    global _unlocked_everywhere
    _unlocked_everywhere = on
