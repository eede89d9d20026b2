"""`manage.py plan_imports_sweep`: fail the plan imports a dead worker left running (run before a worker starts)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from luoshi.plans.services import plan_imports_sweep


class Command(BaseCommand):
    help = "Mark plan import jobs left running past the time limit as failed, with a message on the import page."

    def handle(self, *args: Any, **options: Any) -> None:
        swept = plan_imports_sweep()
        self.stdout.write(f"已将 {swept} 个中断的导入标记为失败 ({swept} stale import job(s) marked failed)")
