"""Load an indicator catalogue (the built-in Dalian one by default) and make the regions from the units."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.core.errors import DomainError
from luoshi.indicators.catalogue import BUILTIN_CATALOGUE, catalogue_parse
from luoshi.indicators.services import catalogue_import, regions_sync


class Command(BaseCommand):
    help = "Load an indicator catalogue YAML (default: the built-in one) and sync regions from units."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(BUILTIN_CATALOGUE))
        parser.add_argument("--no-regions", action="store_true", help="do not sync regions from units")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            counts = catalogue_import(actor=None, entries=catalogue_parse(path.read_text(encoding="utf-8")))
            regions = [] if options["no_regions"] else regions_sync(actor=None)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"indicators: {counts}; regions: {len(regions)}")
