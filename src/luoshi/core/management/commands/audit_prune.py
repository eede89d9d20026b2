"""Remove audit entries older than LUOSHI_AUDIT_RETENTION_DAYS (at least 180; 3 years by default). Nothing
is ever removed unless an operator runs this. The hash of the last removed entry is kept as an anchor, so
`audit_verify` still verifies the remaining chain; the prune itself is audited.

On PostgreSQL it must run as the owner of the audit tables (the migration role), not the application role:
the triggers refuse everyone else. Export the range first (the audit administrator's export) if it must be
archived.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from luoshi.core.audit import audit_record
from luoshi.core.chain import audit_unlocked, chain_start, chain_verify
from luoshi.core.models import AuditAnchor, AuditEntry


class Command(BaseCommand):
    help = "Remove audit entries older than the retention period, keeping the chain verifiable."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only say how many entries would go")

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.LUOSHI_AUDIT_RETENTION_DAYS
        if days < 180:
            raise CommandError("LUOSHI_AUDIT_RETENTION_DAYS must be at least 180.")
        cutoff = timezone.now() - dt.timedelta(days=days)
        old = AuditEntry.objects.filter(created_at__lt=cutoff).order_by("id")
        # Entries are chained in id order; only a prefix of the chain can go (ids older than the first kept).
        first_kept = AuditEntry.objects.filter(created_at__gte=cutoff).order_by("id").values_list("id", flat=True)
        limit = first_kept.first()
        if limit is not None:
            old = old.filter(id__lt=limit)
        last = old.order_by("-id").first()
        count = old.count()
        if last is None:
            self.stdout.write(f"Nothing older than {days} days.")
            return
        if options["dry_run"]:
            self.stdout.write(f"Would remove {count} entries up to #{last.pk} ({cutoff:%Y-%m-%d}).")
            return
        _checked, broken = chain_verify(old.iterator(chunk_size=2000), start=chain_start())
        if broken is not None:
            raise CommandError(f"Not pruning: the chain is already broken at #{broken.entry_id} (audit_verify).")
        try:
            with transaction.atomic():
                AuditAnchor.objects.create(pruned_through_id=last.pk, pruned_before=cutoff, pruned_count=count,
                                           anchor_hash=last.entry_hash)
                with audit_unlocked(), connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id <= %s", [last.pk])
                audit_record(actor=None, action="audit.prune", target=None, object_repr=f"≤ #{last.pk}",
                             after={"removed": count, "through_id": last.pk, "before": cutoff,
                                    "anchor_hash": last.entry_hash},
                             message=f"audit entries older than {days} days removed")
        except DatabaseError as exc:
            raise CommandError(f"The database refused the prune ({exc}). On PostgreSQL run it as the owner of "
                               f"the audit tables (see docs/deploy.md).") from None
        self.stdout.write(f"Removed {count} entries up to #{last.pk}; anchor {last.entry_hash}.")
