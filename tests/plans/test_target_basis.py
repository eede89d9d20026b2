"""A parsed target keeps its basis (increment, level, rate): what its value measures (issue 10)."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.plans.models import Target
from luoshi.plans.services import plan_import
from tests.conftest import SMALL_PLAN

pytestmark = pytest.mark.django_db


def test_it_stores_each_target_s_basis_from_the_parser(personas: Any) -> None:
    plan = plan_import(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename="p.txt")
    by_text = {t.text: t.basis for t in Target.objects.filter(task__plan=plan)}
    assert by_text["新增初创科技企业3000家"] == "increment"
    assert by_text["技术交易额达到160亿元"] == "level"


def test_a_corrected_version_updates_the_basis(personas: Any) -> None:
    plan = plan_import(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename="p.txt")
    corrected = SMALL_PLAN.replace("新增初创科技企业3000家", "初创科技企业总数达到3000家")
    plan_import(actor=personas.supervisor, data=corrected.encode(), filename="p2.txt", plan=plan)
    target = Target.objects.get(task__plan=plan, task__key="二/(一)/1")
    assert (target.text, target.basis) == ("初创科技企业总数达到3000家", "level")
