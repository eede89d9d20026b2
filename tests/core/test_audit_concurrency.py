"""Appends from concurrent transactions never chain to the same predecessor (PostgreSQL: an advisory lock
held to commit; SQLite: the write lock taken at BEGIN IMMEDIATE)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction

from luoshi.core.audit import audit_record
from luoshi.core.chain import chain_start, chain_verify
from luoshi.core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)
THREADS, PER_THREAD = 4, 5


@pytest.mark.skipif(connection.vendor == "sqlite",
                    reason="the SQLite test database is in memory with a shared cache, whose table locks fail at "
                           "once instead of waiting; a file database (production) waits at BEGIN IMMEDIATE")
def test_concurrent_transactions_keep_one_chain(personas: Any) -> None:
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(PER_THREAD):
                with transaction.atomic():
                    audit_record(actor=None, action="test.concurrent", target=personas.admin, after={"t": n, "i": i})
                    time.sleep(0.01)  # widen the window between reading the newest hash and committing
                    audit_record(actor=None, action="test.concurrent", target=personas.admin, after={"t": n})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    entries = list(AuditEntry.objects.order_by("id"))
    assert sum(e.action == "test.concurrent" for e in entries) == THREADS * PER_THREAD * 2
    checked, broken = chain_verify(entries, start=chain_start())
    assert broken is None and checked == len(entries)
    assert len({e.prev_hash for e in entries}) == len(entries)  # no two entries share a predecessor
