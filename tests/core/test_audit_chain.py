"""The audit log is append-only in the database and tamper-evident: triggers refuse UPDATE and DELETE (and
TRUNCATE on PostgreSQL), each entry's hash chains to the one before, audit_verify finds the first broken
link, accounts are never deleted, the audit administrator exports a range with its chain, and pruning keeps
the chain verifiable."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.models.deletion import ProtectedError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from luoshi.core.audit import audit_record
from luoshi.core.chain import chain_start, chain_verify, entry_digest
from luoshi.core.models import GENESIS_HASH, AuditAnchor, AuditEntry

from .audit_helpers import audit_guard_on, raw

pytestmark = pytest.mark.django_db


def _entries(personas: Any, n: int = 3) -> list[AuditEntry]:
    return [audit_record(actor=personas.supervisor, action="test.event", target=personas.lead_liaison,
                         after={"n": i, "when": dt.date(2019, 1, i + 1)}, message=f"entry {i}") for i in range(n)]


def _verify() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except CommandError as exc:
        return 1, str(exc)
    return 0, out.getvalue()


def test_it_chains_each_entry_to_the_one_before(personas: Any) -> None:
    first, second, third = _entries(personas)
    assert second.prev_hash == first.entry_hash and third.prev_hash == second.entry_hash
    stored = AuditEntry.objects.get(pk=third.pk)  # the hash survives the database's round trip
    assert entry_digest(stored, stored.prev_hash) == stored.entry_hash
    assert AuditEntry.objects.order_by("id").first().prev_hash == GENESIS_HASH  # type: ignore[union-attr]
    code, output = _verify()
    assert code == 0 and "intact" in output and third.entry_hash in output


@pytest.mark.parametrize("op", ["update", "delete"])
def test_the_database_refuses_to_change_or_delete_audit_rows(personas: Any, op: str) -> None:
    entry = _entries(personas, 1)[0]
    sql = ("UPDATE core_auditentry SET message = 'rewritten' WHERE id = %s" if op == "update"
           else "DELETE FROM core_auditentry WHERE id = %s")
    with audit_guard_on(), pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).message == "entry 0"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_to_truncate_the_audit_log(personas: Any) -> None:
    _entries(personas, 1)
    raw("SET CONSTRAINTS ALL IMMEDIATE")  # PostgreSQL will not truncate under pending foreign-key checks
    with audit_guard_on(), pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("TRUNCATE core_auditentry CASCADE")
    assert AuditEntry.objects.exists()


def test_the_model_refuses_updates_and_deletes(personas: Any) -> None:
    entry = _entries(personas, 1)[0]
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.parametrize("tamper", ["change", "remove"])
def test_audit_verify_names_the_first_broken_link(personas: Any, tamper: str) -> None:
    _first, second, third = _entries(personas)
    if tamper == "change":  # a row rewritten behind the application's back (the guard switched off)
        raw("UPDATE core_auditentry SET message = 'rewritten' WHERE id = %s", [second.pk])
        broken = second.pk
    else:
        raw("DELETE FROM core_auditentry WHERE id = %s", [second.pk])
        broken = third.pk
    code, output = _verify()
    assert code == 1 and f"#{broken}" in output


def test_it_refuses_to_delete_an_account(personas: Any) -> None:
    user = personas.outsider
    with pytest.raises(ProtectedError), transaction.atomic():
        user.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        type(user).objects.filter(pk=user.pk).delete()
    assert type(user).objects.filter(pk=user.pk).exists()
    client = Client()
    client.force_login(personas.admin)
    assert client.get(reverse("admin:orgs_user_delete", args=[user.pk])).status_code == 403
    assert client.post(reverse("admin:orgs_user_delete", args=[user.pk]), {"post": "yes"}).status_code == 403
    assert type(user).objects.filter(pk=user.pk).exists()


def test_the_audit_administrator_exports_a_range_with_its_chain(personas: Any) -> None:
    entries = _entries(personas)
    client = Client()
    client.force_login(personas.lead_liaison)
    url = reverse("audit_export")
    today = timezone.localdate().isoformat()
    assert client.get(url).status_code == 404
    assert client.post(url, {"start": today, "end": today}).status_code == 404
    client.force_login(personas.audit_admin)   # the role that holds core.export_auditentry (orgs.permissions)
    assert client.get(url).status_code == 200
    response = client.post(url, {"start": today, "end": today})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content))["audit"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    for entry in entries:
        assert by_id[entry.pk]["entry_hash"] == entry.entry_hash
        assert by_id[entry.pk]["prev_hash"] == entry.prev_hash
    assert AuditEntry.objects.filter(action="security.download.export", actor=personas.audit_admin).exists()


def test_pruning_keeps_the_chain_verifiable(personas: Any, settings: Any) -> None:
    old = _entries(personas, 3)
    recent = _entries(personas, 2)
    long_ago = timezone.now() - dt.timedelta(days=settings.LUOSHI_AUDIT_RETENTION_DAYS + 10)
    # Backdate the first entries (the guard is off, as for the suite's flush) and re-chain them all.
    everything = list(AuditEntry.objects.order_by("id"))
    prev = chain_start()
    for entry in everything:
        if entry.pk <= old[-1].pk:
            entry.created_at = long_ago
        entry.prev_hash, entry.entry_hash = prev, entry_digest(entry, prev)
        raw("UPDATE core_auditentry SET created_at = %s, prev_hash = %s, entry_hash = %s WHERE id = %s",
            [entry.created_at, entry.prev_hash, entry.entry_hash, entry.pk])
        prev = entry.entry_hash
    assert _verify()[0] == 0

    call_command("audit_prune", stdout=io.StringIO())
    assert not AuditEntry.objects.filter(pk__lte=old[-1].pk).exists()
    assert AuditEntry.objects.filter(pk__in=[e.pk for e in recent]).count() == 2
    anchor = AuditAnchor.objects.get()
    assert anchor.pruned_through_id == old[-1].pk and AuditEntry.objects.filter(action="audit.prune").exists()
    code, output = _verify()
    assert code == 0, output
    checked, broken = chain_verify(AuditEntry.objects.order_by("id"), start=anchor.anchor_hash)
    assert broken is None and checked == AuditEntry.objects.count()


def test_pruning_removes_nothing_within_the_retention(personas: Any) -> None:
    _entries(personas, 2)
    count = AuditEntry.objects.count()
    out = io.StringIO()
    call_command("audit_prune", stdout=out)
    assert AuditEntry.objects.count() == count and "Nothing" in out.getvalue()


def test_a_retention_below_180_days_stops_the_process() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "LUOSHI_AUDIT_RETENTION_DAYS": "179", "DJANGO_SETTINGS_MODULE": "luoshi.config.settings"}
    found = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                           text=True, check=False)
    assert found.returncode != 0 and "LUOSHI_AUDIT_RETENTION_DAYS must be at least 180" in found.stderr
    env["LUOSHI_AUDIT_RETENTION_DAYS"] = "180"
    assert subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env,
                          check=False).returncode == 0
