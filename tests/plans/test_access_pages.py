"""Every plan page against every persona: 200 for who may, 404 for who may not, login for anonymous."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from luoshi.plans.choices import PlanStatus
from luoshi.plans.models import Plan, Task
from luoshi.plans.services import plan_import
from tests.conftest import SMALL_PLAN

pytestmark = pytest.mark.django_db

OFFICE = {"supervisor"}
READERS = OFFICE | {"leader"}
UNITS = {"lead_liaison", "lead_head", "support_liaison", "other_liaison", "outsider"}
ADMINS = {"admin", "security_admin", "audit_admin"}  # 三员分立: no business role, so every page is 404
EVERYONE = READERS | UNITS | ADMINS
ITEM1_UNITS = {"lead_liaison", "lead_head", "support_liaison"}  # 市科技局 (lead), 市财政局 (support)


@pytest.fixture
def draft_plan(personas: Any) -> Plan:
    text = SMALL_PLAN.replace("大连市2019年科技创新工作要点", "草稿计划")
    return plan_import(actor=personas.supervisor, data=text.encode(), filename="draft.txt")


def _task(plan: Plan, key: str) -> Task:
    return Task.objects.get(plan=plan, key=key)


# (name, method, url builder, personas answered 200 (or 302 for POST), expected success status)
def _cases(plan: Plan, draft: Plan) -> list[tuple[str, str, str, set[str], int]]:
    item1, item2, chapter = _task(plan, "二/(一)/1"), _task(plan, "二/(一)/2"), _task(plan, "二")
    return [
        ("plan_list", "get", reverse("plans:plan_list"), READERS, 200),
        ("plan_import", "get", reverse("plans:plan_import"), OFFICE, 200),
        ("plan_detail", "get", reverse("plans:plan_detail", args=[plan.pk]), READERS, 200),
        ("plan_detail_draft", "get", reverse("plans:plan_detail", args=[draft.pk]), READERS, 200),
        ("plan_reimport", "post", reverse("plans:plan_reimport", args=[plan.pk]), OFFICE, 302),
        ("plan_map_unit", "post", reverse("plans:plan_map_unit", args=[draft.pk]), OFFICE, 302),
        ("plan_publish", "post", reverse("plans:plan_publish", args=[draft.pk]), OFFICE, 302),
        ("task_detail_item1", "get", reverse("plans:task_detail", args=[item1.pk]), READERS | ITEM1_UNITS, 200),
        ("task_detail_item2", "get", reverse("plans:task_detail", args=[item2.pk]), READERS | {"other_liaison"},
         200),
        ("task_detail_heading", "get", reverse("plans:task_detail", args=[chapter.pk]), READERS, 200),
        ("task_detail_draft", "get", reverse("plans:task_detail", args=[_task(draft, "二/(一)/1").pk]), READERS,
         200),
        ("task_detail_guessed", "get", reverse("plans:task_detail", args=[10**9]), set(), 200),
        ("task_edit", "get", reverse("plans:task_edit", args=[item1.pk]), OFFICE, 200),
        ("task_edit_post", "post", reverse("plans:task_edit", args=[item1.pk]), OFFICE, 200),
        ("ledger", "get", reverse("plans:ledger"), EVERYONE, 200),
        ("ledger_export", "get", reverse("plans:ledger_export"), EVERYONE, 200),
        ("review_queue", "get", reverse("plans:review_queue"), READERS, 200),
    ]


CASE_NAMES = [
    "plan_list", "plan_import", "plan_detail", "plan_detail_draft", "plan_reimport", "plan_map_unit",
    "plan_publish", "task_detail_item1", "task_detail_item2", "task_detail_heading", "task_detail_draft",
    "task_detail_guessed", "task_edit", "task_edit_post", "ledger", "ledger_export", "review_queue",
]


@pytest.mark.parametrize("case_name", CASE_NAMES)
def test_it_answers_each_persona_as_the_rules_say(client: Any, personas: Any, published_plan: Plan,
                                                  draft_plan: Plan, case_name: str) -> None:
    cases = {case[0]: case for case in _cases(published_plan, draft_plan)}
    _name, method, url, allowed, success = cases[case_name]
    answers = {}
    for persona in sorted(EVERYONE):
        client.force_login(getattr(personas, persona))
        answers[persona] = getattr(client, method)(url).status_code
    assert answers == {p: success if p in allowed else 404 for p in sorted(EVERYONE)}
    client.logout()
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))


def test_it_changes_nothing_when_a_unit_account_posts_to_office_pages(client: Any, personas: Any,
                                                                      draft_plan: Plan, units: Any) -> None:
    client.force_login(personas.lead_liaison)
    item = _task(draft_plan, "二/(一)/1")
    assert client.post(reverse("plans:plan_publish", args=[draft_plan.pk])).status_code == 404
    assert client.post(reverse("plans:task_edit", args=[item.pk]), {"text": "改掉"}).status_code == 404
    assert client.post(reverse("plans:plan_map_unit", args=[draft_plan.pk]),
                       {"name": "市科技局", "unit": units["市商务局"].pk}).status_code == 404
    draft_plan.refresh_from_db()
    item.refresh_from_db()
    assert draft_plan.status == PlanStatus.DRAFT
    assert item.text.startswith("开展科技型中小企业评价")


def test_it_does_not_list_another_units_task_in_the_ledger_or_its_links(client: Any, personas: Any,
                                                                        published_plan: Plan) -> None:
    client.force_login(personas.other_liaison)  # 市经信委: item 2 only
    body = client.get(reverse("plans:ledger")).content.decode()
    assert "支持企业建设研发机构" in body
    assert "开展科技型中小企业评价" not in body
    assert "加强知识产权保护" not in body
    item1 = _task(published_plan, "二/(一)/1")
    assert reverse("plans:task_detail", args=[item1.pk]) not in body
