"""The API tests' world, built once per module through the real services and rolled back at its end.

The personas of tests/conftest.py plus `zone_liaison` (高新区管委会: item 3 of SMALL_PLAN through the group
各先导区管委会, and the region 高新区), each with an API token issued through the audited service.
Objects mostly belong to 市科技局 (the lead unit of item 1), so 市经信委, 市商务局 and the zone make the
cross-unit attempts; the zone's own figures make the cross-region ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.conftest import SMALL_PLAN, Personas

ZONE_UNIT = "高新区管委会"
METHOD = """
id: api-test
version: "1"
title: 两指标示例（测试）
indicators:
  - {name: turnover, source: tech-contract-turnover}
  - {name: hte, source: high-tech-enterprises}
index:
  name: index
  children:
    - {name: inputs, children: [hte]}
    - {name: outputs, children: [turnover]}
"""


@dataclass(frozen=True)
class World:
    users: dict[str, Any]       # persona name -> account (the Personas fields plus zone_liaison)
    tokens: dict[str, str]      # persona name -> API token key
    plan: Any
    item1: Any                  # 二/(一)/1: lead 市科技局, support 市财政局
    heading: Any                # 二: a chapter heading (no assignment)
    lead: Any                   # 市科技局's assignment on item 1
    other: Any                  # 市经信委's assignment on item 2
    zone: Any                   # 高新区管委会's assignment on item 3
    january: Any
    february: Any
    submitted: Any              # 市科技局, January: submitted, awaiting review
    draft: Any                  # 市科技局, February: a draft with an actual value and an instruction answer
    other_report: Any           # 市经信委, January: a draft
    target: Any                 # item 1's 初创科技企业 target
    actual: Any                 # the draft's actual value
    instruction: Any
    zone_region: Any            # 高新区
    other_region: Any           # 中山区 (its unit is no persona's)
    zone_observation: Any
    other_observation: Any
    indicator_target: Any       # 初创科技企业 mapped: 市科技局 answers for it
    edition: Any                # published
    edition_draft: Any
    rubric: Any                 # 2019 departments: published
    score: Any                  # 市科技局's under `rubric`

    def client(self, persona: str | None) -> APIClient:
        """A client that sends the persona's token (None: no credentials)."""
        client = APIClient()
        if persona is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[persona]}")
        return client


PERSONAS = (*(f.name for f in dataclasses.fields(Personas) if f.name != "password"), "zone_liaison")


def _build(django_user_model: Any) -> World:
    from luoshi.api.models import TokenScope
    from luoshi.api.services import api_token_issue
    from luoshi.assessment import services as assessment
    from luoshi.assessment.models import Score
    from luoshi.indicators.catalogue import BUILTIN_CATALOGUE, catalogue_parse
    from luoshi.indicators.index import index_edition_compute, index_edition_publish, index_method_save
    from luoshi.indicators.models import Indicator, IndicatorTarget
    from luoshi.indicators.services import catalogue_import, observation_record, regions_sync, target_map
    from luoshi.orgs.choices import ADMIN_ROLES, Role
    from luoshi.orgs.models import Unit
    from luoshi.orgs.services import unit_directory_import
    from luoshi.plandoc.units import UnitDirectory
    from luoshi.plans.models import Assignment, Plan, Target
    from luoshi.plans.services import plan_import, plan_publish
    from luoshi.reports import services

    unit_directory_import(actor=None, directory=UnitDirectory.builtin())
    units = {u.name: u for u in Unit.objects.all()}

    def make(username: str, role: str, unit: str | None = None) -> Any:
        return django_user_model.objects.create_user(
            username=username, password=Personas.password, role=role, unit=units[unit] if unit else None,
            first_name=username, is_staff=role in ADMIN_ROLES)

    users = {
        "admin": make("admin", Role.ADMIN), "security_admin": make("secadmin", Role.SECURITY_ADMIN),
        "audit_admin": make("auditor", Role.AUDIT_ADMIN), "supervisor": make("office", Role.SUPERVISOR),
        "leader": make("leader", Role.LEADER), "lead_liaison": make("kjj", Role.LIAISON, "市科技局"),
        "lead_head": make("kjj_head", Role.HEAD, "市科技局"), "support_liaison": make("czj", Role.LIAISON, "市财政局"),
        "other_liaison": make("jxw", Role.LIAISON, "市经信委"), "outsider": make("swj", Role.LIAISON, "市商务局"),
        "zone_liaison": make("gxq", Role.LIAISON, ZONE_UNIT),
    }
    office = users["supervisor"]
    plan = plan_import(actor=office, data=SMALL_PLAN.encode(), filename="plan.txt")
    plan = plan_publish(actor=office, plan=plan)
    Plan.objects.filter(pk=plan.pk).update(published_at=dt.datetime(2019, 1, 2, 9, tzinfo=dt.UTC))
    item1 = plan.tasks.get(key="二/(一)/1")
    lead = Assignment.objects.select_related("task__plan").get(task=item1, unit__name="市科技局")
    other = Assignment.objects.get(task__plan=plan, task__key="二/(一)/2", unit__name="市经信委")
    zone = Assignment.objects.get(task__plan=plan, task__key="二/(二)/3", unit__name=ZONE_UNIT)
    january, february = plan.periods.get(start__month=1), plan.periods.get(start__month=2)
    target = Target.objects.get(task=item1, text__contains="初创科技企业")

    submitted = services.report_save(actor=users["lead_liaison"], assignment=lead, period=january, version=None,
                                     progress="on_track", narrative="一月：评价工作已启动。")
    submitted = services.report_submit(actor=users["lead_head"], report=submitted, version=submitted.version)
    instruction = services.instruction_create(actor=users["leader"], task=item1, text="请加快评价进度。")
    draft = services.report_save(actor=users["lead_liaison"], assignment=lead, period=february, version=None,
                                 progress="on_track", narrative="二月：新增入库企业。", actuals={target.pk: 1200.0},
                                 answers={instruction.pk: "已按批示加快。"})
    other_report = services.report_save(actor=users["other_liaison"], assignment=other, period=january,
                                        version=None, progress="on_track", narrative="一月：经信委草稿。")

    catalogue_import(actor=office, entries=catalogue_parse(BUILTIN_CATALOGUE.read_text(encoding="utf-8")))
    indicators = {i.code: i for i in Indicator.objects.all()}
    regions = {r.name: r for r in regions_sync(actor=office)}
    zone_region = next(r for r in regions.values() if r.unit_id == units[ZONE_UNIT].pk)
    observations = {}
    for region, turnover, enterprises in (("中山区", 10, 300), ("西岗区", 20, 100), (zone_region.name, 30, 200)):
        for code, value in (("tech-contract-turnover", turnover), ("high-tech-enterprises", enterprises)):
            observations[region, code] = observation_record(
                actor=office, indicator=indicators[code], region=regions[region], year=2018, value=float(value),
                source="official")
    indicator_target = target_map(actor=office, target=target, indicator=indicators["high-tech-enterprises"])
    method = index_method_save(actor=office, text=METHOD)
    edition = index_edition_publish(actor=office, edition=index_edition_compute(
        actor=office, method=method, year=2018, draws=20))
    edition_draft = index_edition_compute(actor=office, method=method, year=2018, draws=20)

    rubric = assessment.rubric_create(actor=office, year=plan.year, unit_group="departments")
    rubric = assessment.rubric_publish(actor=office, rubric=rubric)

    tokens = {name: api_token_issue(actor=user, user=user, scope=TokenScope.READ_WRITE).key  # type: ignore[attr-defined]
              for name, user in users.items()}
    return World(
        users=users, tokens=tokens, plan=plan, item1=item1, heading=plan.tasks.get(key="二"), lead=lead, other=other,
        zone=zone, january=january, february=february,
        submitted=type(submitted).objects.get(pk=submitted.pk), draft=type(draft).objects.get(pk=draft.pk),
        other_report=other_report, target=target, actual=draft.actuals.get(target=target),
        instruction=instruction, zone_region=zone_region, other_region=regions["中山区"],
        zone_observation=observations[zone_region.name, "tech-contract-turnover"],
        other_observation=observations["中山区", "tech-contract-turnover"],
        indicator_target=IndicatorTarget.objects.get(pk=indicator_target.pk), edition=edition,
        edition_draft=edition_draft, rubric=rubric, score=Score.objects.get(rubric=rubric, unit__name="市科技局"))


@pytest.fixture(scope="module")
def api_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once per module inside an outer transaction; each test's own transaction nests in it."""
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = _build(get_user_model())
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings: Any) -> None:
    """The matrix and schemathesis send many requests per account; the limit has its own test."""
    settings.LUOSHI_API_RATE = ""
