"""A public plan with reports in every state, a draft plan and an unmarked plan, for the public pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import SMALL_PLAN

STAFF_NAMES = ("张秘书甲", "李联络乙", "王处长丙")
STAFF_EMAIL = "secret.staffer@example.gov.cn"
STAFF_PHONE = "13900001234"
ACCEPTED_OLD = "一月：评价工作已启动（旧的已通过进展）。"
ACCEPTED_TEXT = "二月：完成评价入库企业1200家（公开的进展）。"
RETURNED_TEXT = "三月：退回的进展文字，不得公开。"
RETURN_COMMENT = "退回意见：请补充数据，不得公开。"
ACCEPT_COMMENT = "通过意见：内部评语，不得公开。"
DRAFT_TEXT = "四月：草稿进展，不得公开。"
SUBMITTED_TEXT = "二月：经信委已报送待审，不得公开。"
EVIDENCE_NAME = "内部佐证材料.pdf"
DRAFT_PLAN_TITLE = "草稿计划不得公开"
UNMARKED_PLAN_TITLE = "未标记公开的计划"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Rendered pages are kept in the database cache; a live-server test commits them, so start clean.
    cache.clear()


@dataclass
class PublicWorld:
    plan: Any
    item1: Any
    item2: Any
    draft_plan: Any
    unmarked_plan: Any
    personas: Any


def make_public(plan: Any, actor: Any, public: bool = True) -> Any:
    from luoshi.plans.services import plan_configure

    return plan_configure(actor=actor, plan=plan, cadence=plan.cadence, due_day=plan.due_day, year=plan.year,
                          is_public=public)


def _titled(title: str) -> bytes:
    return SMALL_PLAN.replace("大连市2019年科技创新工作要点", title).encode()


@pytest.fixture
def public_world(personas: Any, published_plan: Any) -> PublicWorld:
    from luoshi.plans.models import Assignment
    from luoshi.plans.services import plan_import, plan_publish
    from luoshi.reports import services

    office = personas.supervisor
    for user, name in zip((personas.supervisor, personas.lead_liaison, personas.lead_head), STAFF_NAMES,
                          strict=True):
        # Account names that no page could contain by chance ("office" is an English word of the page).
        user.username = f"staff-{user.username}-7q"
        user.first_name, user.email, user.phone = name, STAFF_EMAIL, STAFF_PHONE
        user.save()
    plan = make_public(published_plan, office)
    item1 = plan.tasks.get(key="二/(一)/1")
    item2 = plan.tasks.get(key="二/(一)/2")
    lead = Assignment.objects.get(task=item1, unit__name="市科技局")
    jan, feb, mar, apr = (plan.periods.get(start__month=m) for m in (1, 2, 3, 4))
    target = item1.targets.first()

    def filed(period: Any, text: str, *, assignment: Any = lead, liaison: Any = personas.lead_liaison,
              actuals: dict[int, float] | None = None, evidence: bool = False) -> Any:
        report = services.report_save(actor=liaison, assignment=assignment, period=period, version=None,
                                      progress="on_track", narrative=text, actuals=actuals or {})
        if evidence:
            services.attachment_add(actor=liaison, report=report, upload=SimpleUploadedFile(EVIDENCE_NAME, PDF))
        return services.report_submit(actor=personas.lead_head if liaison == personas.lead_liaison else liaison,
                                      report=report)

    services.report_accept(actor=office, report=filed(jan, ACCEPTED_OLD), comment=ACCEPT_COMMENT)
    accepted = filed(feb, ACCEPTED_TEXT, actuals={target.pk: 1200.0}, evidence=True)
    services.report_accept(actor=office, report=accepted, comment=ACCEPT_COMMENT)
    returned = filed(mar, RETURNED_TEXT, evidence=True)
    services.report_return(actor=office, report=returned, comment=RETURN_COMMENT)
    services.report_save(actor=personas.lead_liaison, assignment=lead, period=apr, version=None,
                         progress="lagging", narrative=DRAFT_TEXT)
    other = Assignment.objects.get(task=item2, unit__name="市经信委")
    other_head = type(personas.other_liaison).objects.create_user(
        username="jxw_head", password=personas.password, role="head", unit=other.unit)
    pending = services.report_save(actor=personas.other_liaison, assignment=other, period=feb, version=None,
                                   progress="on_track", narrative=SUBMITTED_TEXT)
    services.report_submit(actor=other_head, report=pending)

    draft_plan = make_public(plan_import(actor=office, data=_titled(DRAFT_PLAN_TITLE), filename="d.txt"), office)
    unmarked = plan_publish(actor=office, plan=plan_import(actor=office, data=_titled(UNMARKED_PLAN_TITLE),
                                                           filename="u.txt"))
    return PublicWorld(plan=plan, item1=item1, item2=item2, draft_plan=draft_plan, unmarked_plan=unmarked,
                       personas=personas)
