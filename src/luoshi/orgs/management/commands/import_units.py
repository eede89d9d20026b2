"""`manage.py import_units FILE [--dry-run]`: import a unit directory (CSV, YAML or Excel .xlsx).

    manage.py import_units units.xlsx --dry-run   # print what would change; store nothing
    manage.py import_units units.xlsx             # apply (all or nothing), audited as the system

A thin wrapper: the file is read by orgs.directory_files and applied by orgs.services.unit_directory_import,
the same functions as the administrators' import page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from luoshi.core.errors import DomainError
from luoshi.orgs.directory_files import MAX_DIRECTORY_BYTES, DirectoryFile, directory_file_read
from luoshi.orgs.selectors import CREATE, UPDATE, unit_directory_plan
from luoshi.orgs.services import unit_directory_import


class Command(BaseCommand):
    help = _("导入单位目录（CSV、YAML 或 Excel）；--dry-run 只显示将发生的变化")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="单位目录文件 .csv / .yaml / .yml / .xlsx")
        parser.add_argument("--dry-run", action="store_true", help=_("只显示将发生的变化，不保存"))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_DIRECTORY_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"无法读取文件：{path} ({exc.strerror or type(exc).__name__})") from None
        try:
            directory_file = directory_file_read(filename=path.name, data=data)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if not directory_file.is_valid:
            self._errors(directory_file)
            raise CommandError(_("单位目录有错误，未导入：%(file)s") % {"file": path.name})
        directory = directory_file.directory()
        write = self.stdout.write
        for item in unit_directory_plan(directory):
            if item.action == CREATE:
                write(f"+ {item.entry.name}")
            elif item.action == UPDATE:
                write(f"~ {item.entry.name}：{'；'.join(item.changes)}")
        try:
            counts = unit_directory_import(actor=None, directory=directory, source=path.name,
                                           dry_run=options["dry_run"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        summary = f"新建 {counts['created']}，更新 {counts['updated']}，不变 {counts['unchanged']}"
        if options["dry_run"]:
            write(_("试运行，未保存：%(summary)s") % {"summary": summary})
        else:
            write(self.style.SUCCESS(f"已导入 {path.name} (imported)：{summary}"))

    def _errors(self, directory_file: DirectoryFile) -> None:
        for message in directory_file.file_errors:
            self.stderr.write(message)
        for row in directory_file.row_errors:
            self.stderr.write(row.error)
