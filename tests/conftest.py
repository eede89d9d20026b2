"""Personas and a published plan shared by the web tests (see STYLE.md, "personas").

The plan is small but real: a cover notice, two chapters, a lead unit with a supporting unit, an item
assigned to a group (各先导区管委会, expanded to its members) and a plan-level target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser import browser, page  # noqa: F401  (one session-scoped browser for every test module)

SMALL_PLAN = """大政办发〔2019〕7号
大连市人民政府办公厅关于印发大连市2019年科技创新工作要点的通知
各区市县人民政府，各先导区管委会，市政府各有关部门：
现将《大连市2019年科技创新工作要点》印发给你们，请认真贯彻落实。
大连市人民政府办公厅
2019年3月1日
大连市2019年科技创新工作要点
一、主要目标
到2019年，技术交易额达到160亿元。
二、重点任务
（一）培育创新主体
1.开展科技型中小企业评价，2019年新增初创科技企业3000家。（牵头单位：市科技局；配合单位：市财政局）
2.支持企业建设研发机构，新认定市级以上企业技术中心15家。（责任单位：市经信委）
（二）优化创新环境
3.落实科技创新政策，2019年底前出台配套措施。（责任单位：各先导区管委会）
4.加强知识产权保护。（责任单位：市科技局）
"""


@dataclass
class Personas:
    """Named accounts: the office, a leader, and liaison/head accounts of three units."""

    admin: Any
    supervisor: Any
    leader: Any
    lead_liaison: Any      # 市科技局 (lead on item 1)
    lead_head: Any         # 市科技局 head
    support_liaison: Any   # 市财政局 (support on item 1)
    other_liaison: Any     # 市经信委 (item 2 only)
    outsider: Any          # 市商务局: no task at all
    password: str = "Luoshi-test-2019"


@pytest.fixture(autouse=True)
def _fresh_fragment_cache() -> Any:
    """Rendered fragments are keyed on the newest audit id, which a rolled-back test may hand out again."""
    from django.core.cache import caches

    caches["fragments"].clear()
    yield


@pytest.fixture
def units(db: Any) -> Any:
    from luoshi.orgs.services import unit_directory_import
    from luoshi.plandoc.units import UnitDirectory

    unit_directory_import(actor=None, directory=UnitDirectory.builtin())
    from luoshi.orgs.models import Unit

    return {u.name: u for u in Unit.objects.all()}


@pytest.fixture
def personas(units: Any, django_user_model: Any) -> Personas:
    from luoshi.orgs.choices import Role

    password = Personas.password

    def make(username: str, role: str, unit: str | None = None) -> Any:
        return django_user_model.objects.create_user(
            username=username, password=password, role=role, unit=units[unit] if unit else None,
            first_name=username, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)

    return Personas(
        admin=make("admin", Role.ADMIN), supervisor=make("office", Role.SUPERVISOR),
        leader=make("leader", Role.LEADER), lead_liaison=make("kjj", Role.LIAISON, "市科技局"),
        lead_head=make("kjj_head", Role.HEAD, "市科技局"), support_liaison=make("czj", Role.LIAISON, "市财政局"),
        other_liaison=make("jxw", Role.LIAISON, "市经信委"), outsider=make("swj", Role.LIAISON, "市商务局"),
    )


@pytest.fixture
def published_plan(personas: Personas) -> Any:
    from luoshi.plans.services import plan_import, plan_publish

    plan = plan_import(actor=personas.supervisor, data=SMALL_PLAN.encode("utf-8"), filename="plan.txt")
    return plan_publish(actor=personas.supervisor, plan=plan)
