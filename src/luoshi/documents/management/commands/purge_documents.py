"""Delete finished documents (files and rows) older than a number of days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.documents.services import documents_purge


class Command(BaseCommand):
    help = "Delete finished documents (circulars, ledger workbooks) older than --days days (default 7)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> str:
        if options["days"] < 0:
            raise CommandError("--days must be >= 0.")
        count = documents_purge(older_than=dt.timedelta(days=options["days"]))
        return f"Deleted {count} document(s)."
