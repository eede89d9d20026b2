"""The change history in words: every audit action code the services write has a label, fields are named for
what they hold in that action, and with a pinned date (the demo) the times are shown on the demo's clock."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from luoshi.core import clock
from luoshi.core.audit import audit_record
from luoshi.core.audit_labels import ACTION_LABELS, action_label, field_label
from luoshi.core.models import AuditEntry
from luoshi.plans.selectors import history_items
from luoshi.reports.choices import ReminderKind, ReviewAction

SRC = Path(__file__).resolve().parents[2] / "src" / "luoshi"
ACTION_ARGUMENT = re.compile(r'action=(f?"[^"]+"(?:\s+if\s[^"]*?\selse\s+"[^"]+")?)')
CODE = re.compile(r'"([a-z_]+\.[a-z_{}]+)"')
# The codes built from a value: the review actions and the reminder kinds.
EXPANSIONS = {"report.{review}": [f"report.{value}" for value in ReviewAction.values],
              "reminder.{kind}": [f"reminder.{value}" for value in ReminderKind.values]}


def action_codes_in_source() -> set[str]:
    codes: set[str] = set()
    for path in SRC.rglob("*.py"):
        for argument in ACTION_ARGUMENT.findall(path.read_text(encoding="utf-8")):
            for code in CODE.findall(argument):
                codes.update(EXPANSIONS.get(code, [code]))
    return codes


def test_every_action_code_in_the_source_has_a_label() -> None:
    codes = action_codes_in_source()
    assert {"plan.configure", "report.accept", "reminder.before_due", "report.save"} <= codes  # the scan works
    assert sorted(code for code in codes if "{" in code or code not in ACTION_LABELS) == []


def test_actions_and_fields_read_as_words_in_both_languages() -> None:
    with translation.override("zh-hans"):
        assert action_label("plan.configure") == "修改计划设置"
        assert field_label("attachment.add", "name") == "文件名"
        assert field_label("plan.map_unit", "name") == "原文单位名"
        assert field_label("report.save", "narrative") == "进展情况"
    with translation.override("en"):
        assert action_label("plan.configure") not in ("修改计划设置", "plan.configure")
        assert field_label("attachment.add", "name") != "文件名"


@pytest.mark.django_db
def test_the_task_history_names_the_action_and_shows_the_demos_dates(client: Any, personas: Any,
                                                                     published_plan: Any) -> None:
    task = published_plan.tasks.filter(is_item=True).first()
    entry = audit_record(actor=personas.supervisor, action="attachment.add", target=task, plan_id=task.plan_id,
                         task_id=task.pk, after={"name": "证明.pdf", "size": 10})
    with override_settings(LUOSHI_TODAY=dt.date(2018, 8, 3)):
        [item] = [i for i in history_items(AuditEntry.objects.filter(pk=entry.pk))]
        when = timezone.localtime(item.when)
        assert when.date() == dt.date(2018, 8, 3) == timezone.localtime(clock.on_business_clock(timezone.now())).date()
        assert when.time() == timezone.localtime(entry.created_at).time()
        client.force_login(personas.supervisor)
        page = client.get(reverse("plans:task_detail", args=[task.pk])).content.decode()
    assert "上传佐证材料" in page and "attachment.add" not in page
    assert "文件名" in page and "原文单位名：" not in page
    assert "2018年8月3日" in page
    [configure] = history_items([AuditEntry(action="plan.configure", before={"is_public": False},
                                            after={"is_public": True}, created_at=timezone.now())])
    assert (configure.action, configure.changes) == ("修改计划设置", [("公开", "否", "是")])
    with override_settings(LUOSHI_TODAY=None):
        assert clock.on_business_clock(entry.created_at) == entry.created_at
