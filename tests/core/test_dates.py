"""Dates as the reader's language writes them: 2019年12月31日 on Chinese pages and documents, the English
locale's "Dec. 31, 2019" on English ones (Django's locale formats, not a format forced per template)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from luoshi.plans.models import Task

SRC = Path(__file__).resolve().parents[2] / "src" / "luoshi"
FORCED = re.compile(r'\|date:"(?:[Ymdj][^"]*)"')  # a format string instead of DATE_FORMAT/DATETIME_FORMAT


def test_no_template_forces_a_date_format() -> None:
    forced = [f"{path.relative_to(SRC)}: {match.group(0)}" for path in SRC.rglob("templates/**/*.html")
              for match in FORCED.finditer(path.read_text(encoding="utf-8"))]
    assert forced == []


@pytest.mark.django_db
def test_the_task_page_writes_the_deadline_in_the_readers_language(client: Any, personas: Any,
                                                                  published_plan: Any) -> None:
    task = published_plan.tasks.filter(is_item=True).first()
    Task.objects.filter(pk=task.pk).update(deadline=dt.date(2019, 12, 31), deadline_text="")
    client.force_login(personas.supervisor)
    url = reverse("plans:task_detail", args=[task.pk])
    chinese = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    assert "2019年12月31日" in chinese and "2019-12-31" not in chinese
    client.cookies["django_language"] = "en"
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "Dec. 31, 2019" in english and "2019年12月31日" not in english
