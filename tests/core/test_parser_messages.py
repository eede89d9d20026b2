"""The parser's messages reach the pages in the reader's language: the parser (no Django) gives each message a
code and params, the web layer (luoshi.core.parser_messages) turns them into a gettext message."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from luoshi.core.parser_messages import PARSER_MESSAGES, parser_message, stored_warnings
from luoshi.plandoc.errors import PlanDocError
from luoshi.plandoc.messages import MESSAGES, Message, message
from luoshi.plans.services import plan_import

PLAN_WITH_AN_UNKNOWN_UNIT = """关于印发大连市2019年科技创新工作要点的通知

一、重点任务
1.开展科技型中小企业评价。（责任单位：市科技局、市星际航行局）
"""


def test_every_parser_message_has_a_translation_with_the_same_fields() -> None:
    assert set(PARSER_MESSAGES) == set(MESSAGES)
    with translation.override("zh-hans"):
        for code, text in MESSAGES.items():
            assert str(PARSER_MESSAGES[code]) == re.sub(r"\{(\w+)\}", r"%(\1)s", text), code


def test_a_message_is_its_chinese_text_with_a_code() -> None:
    found = message("numbering_gap", label="3.", expected=2)
    assert found == "编号不连续：3. 前缺少第 2 项" and found.code == "numbering_gap"
    assert found.as_dict() == {"code": "numbering_gap", "params": {"label": "3.", "expected": "2"},
                               "text": "编号不连续：3. 前缺少第 2 项"}
    with translation.override("en"):
        assert parser_message(found) == "The numbering skips item 2 before 3."
        assert parser_message(found.as_dict()) == "The numbering skips item 2 before 3."
        assert parser_message(PlanDocError(message("empty_file"))) == "The file is empty."
        assert parser_message("旧的提示") == "旧的提示"  # stored before codes: shown as written
    with translation.override("zh-hans"):
        assert parser_message(found.as_dict()) == "编号不连续：3. 前缺少第 2 项"
    assert stored_warnings([found, "plain"]) == [found.as_dict(), "plain"]
    assert isinstance(Message("big5"), str)


@pytest.mark.django_db
def test_the_plan_page_shows_the_parser_hint_in_the_readers_language(client: Any, personas: Any) -> None:
    plan = plan_import(actor=personas.supervisor, data=PLAN_WITH_AN_UNKNOWN_UNIT.encode(), filename="plan.txt")
    assert plan.parse_warnings[0]["code"] == "units_not_in_directory"
    client.force_login(personas.supervisor)
    url = reverse("plans:plan_detail", args=[plan.pk])
    chinese = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    assert "单位目录中没有这些单位，已保留原名：市星际航行局" in chinese and "kept as written" not in chinese
    client.cookies["django_language"] = "en"
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "Units not in the directory, kept as written: 市星际航行局" in english
    assert "已保留原名" not in english
