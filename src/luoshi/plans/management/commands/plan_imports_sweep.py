"""`manage.py plan_imports_sweep`: fail the plan imports a dead worker left running.

Without options, a job running longer than the import time limit (plus a minute). With --worker-start,
every running job: for a deployment with a single worker (the demo), run just before that worker starts.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import ngettext

from luoshi.plans.services import plan_imports_sweep


class Command(BaseCommand):
    help = "Mark plan import jobs left running past the time limit as failed, with a message on the import page."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--worker-start", action="store_true",
                            help="the only worker is about to start: every running job was left by a dead one")

    def handle(self, *args: Any, **options: Any) -> None:
        swept = plan_imports_sweep(worker_start=options["worker_start"])
        marked = ngettext("已将 %(count)d 个中断的导入标记为失败", "已将 %(count)d 个中断的导入标记为失败", swept)
        self.stdout.write(marked % {"count": swept})
