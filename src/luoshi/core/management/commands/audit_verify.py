"""Verify the audit log's hash chain: every entry's hash and its link to the one before. Prints the number
of entries checked and the newest hash (keep it somewhere else, e.g. the operations log, to detect a
rewrite of the whole chain later); exits 1 and names the first broken link when there is one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from luoshi.core.chain import chain_start, chain_verify
from luoshi.core.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit 1 at the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        entries = AuditEntry.objects.order_by("id").iterator(chunk_size=2000)
        checked, broken = chain_verify(entries, start=chain_start())
        if broken is not None:
            raise CommandError(f"Audit chain broken at entry #{broken.entry_id} (after {checked} good entries): "
                               f"{broken.reason}.")
        head = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first() or chain_start()
        self.stdout.write(f"Audit chain intact: {checked} entries, newest hash {head}.")
