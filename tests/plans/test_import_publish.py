"""Import a document through the parser, publish it, import a corrected version again."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.core.errors import DomainError
from luoshi.core.models import AuditEntry
from luoshi.plans.models import Assignment, Task
from luoshi.plans.services import plan_import, plan_map_unit, plan_publish, unmapped_unit_names
from tests.conftest import SMALL_PLAN

pytestmark = pytest.mark.django_db


def test_it_imports_the_tree_units_and_targets(personas: Any) -> None:
    plan = plan_import(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename="p.txt")
    assert (plan.title, plan.doc_number, str(plan.issued_on), plan.year) == (
        "大连市2019年科技创新工作要点", "大政办发〔2019〕7号", "2019-03-01", 2019)
    items = list(plan.tasks.filter(is_item=True).order_by("position"))
    assert [t.key for t in items] == ["二/(一)/1", "二/(一)/2", "二/(二)/3", "二/(二)/4"]
    first = items[0]
    assert [(tu.unit.name, tu.role) for tu in first.task_units.all()] == [("市科技局", "lead"), ("市财政局", "support")]
    assert first.targets.get().value == 3000
    assert plan.tasks.get(key="一").targets.get().value == 160
    assert AuditEntry.objects.filter(action="plan.import", plan_id=plan.pk).count() == 1


def test_a_unit_named_by_several_markers_of_an_item_holds_it_once_in_its_strongest_role(personas: Any) -> None:
    text = SMALL_PLAN.replace(
        "（责任单位：市经信委）",
        "（责任单位：市经信委、市财政局）严控高耗能项目。（牵头单位：市财政局；配合单位：市经信委）")
    plan = plan_import(actor=personas.supervisor, data=text.encode(), filename="p.txt")
    second = plan.tasks.get(key="二/(一)/2")
    assert [(tu.name, tu.role) for tu in second.task_units.order_by("position")] == [
        ("市经信委", "responsible"), ("市财政局", "lead")]


def test_it_publishes_one_assignment_per_item_and_unit_with_groups_expanded(published_plan: Any, units: Any) -> None:
    pairs = set(Assignment.objects.filter(task__plan=published_plan).values_list("task__key", "unit__name"))
    pilot_zones = {u.name for u in units["各先导区管委会"].member_units()}
    assert len(pilot_zones) == 4
    assert pairs == ({("二/(一)/1", "市科技局"), ("二/(一)/1", "市财政局"), ("二/(一)/2", "市经信委"),
                      ("二/(二)/4", "市科技局")} | {("二/(二)/3", name) for name in pilot_zones})
    group_rows = Assignment.objects.filter(task__key="二/(二)/3")
    assert all(a.via_group.name == "各先导区管委会" for a in group_rows)
    assert published_plan.periods.count() == 12


def test_reimporting_a_corrected_version_duplicates_nothing(published_plan: Any, personas: Any) -> None:
    task_ids = dict(Task.objects.filter(plan=published_plan).values_list("key", "id"))
    assignment_count = Assignment.objects.count()
    corrected = SMALL_PLAN.replace("新认定市级以上企业技术中心15家", "新认定市级以上企业技术中心20家")
    plan = plan_import(actor=personas.supervisor, data=corrected.encode(), filename="p2.txt", plan=published_plan)
    assert plan.revision == 2
    assert dict(Task.objects.filter(plan=plan).values_list("key", "id")) == task_ids
    assert Assignment.objects.count() == assignment_count
    assert Task.objects.get(plan=plan, key="二/(一)/2").targets.get().value == 20


def test_it_refuses_to_publish_until_unknown_units_are_mapped(personas: Any, units: Any) -> None:
    text = SMALL_PLAN.replace("（责任单位：市经信委）", "（责任单位：市工业和信息化局）")
    plan = plan_import(actor=personas.supervisor, data=text.encode(), filename="p.txt")
    assert unmapped_unit_names(plan) == ["市工业和信息化局"]
    with pytest.raises(DomainError):
        plan_publish(actor=personas.supervisor, plan=plan)
    assert not Assignment.objects.filter(task__plan=plan).exists()
    plan_map_unit(actor=personas.supervisor, plan=plan, name="市工业和信息化局", unit=units["市经信委"])
    plan_publish(actor=personas.supervisor, plan=plan)
    assert Assignment.objects.filter(task__plan=plan, unit=units["市经信委"]).count() == 1
    # The mapping is remembered: the next import knows the name.
    again = plan_import(actor=personas.supervisor, data=text.encode(), filename="p.txt")
    assert unmapped_unit_names(again) == []


def test_a_bad_document_is_refused_and_stores_nothing(personas: Any) -> None:
    with pytest.raises(DomainError):
        plan_import(actor=personas.supervisor, data=b"\x00\x01\x02" * 100, filename="x.bin")
    with pytest.raises(DomainError):
        plan_import(actor=personas.supervisor, data="没有任何编号的一段话。".encode(), filename="x.txt")
    from luoshi.plans.models import Plan

    assert not Plan.objects.exists()


def test_reimporting_keeps_the_actual_values_units_reported(published_plan: Any, personas: Any) -> None:
    from luoshi.reports.models import TargetActual
    from tests.plans.test_ledger import report_on

    item1 = Task.objects.get(plan=published_plan, key="二/(一)/1")
    target = item1.targets.get()
    lead = Assignment.objects.get(task=item1, unit__name="市科技局")
    report = report_on(lead, month=5, status="accepted", progress="on_track", author=personas.lead_liaison)
    TargetActual.objects.create(report=report, target=target, value=1200)
    corrected = SMALL_PLAN.replace("新增初创科技企业3000家", "新增初创科技企业3500家")
    assert corrected != SMALL_PLAN
    for text in (SMALL_PLAN, corrected):   # the same file again, then a corrected one
        plan_import(actor=personas.supervisor, data=text.encode(), filename="p.txt", plan=published_plan)
        actual = TargetActual.objects.get(report=report)
        assert (actual.value, actual.target_id) == (1200, target.pk)
    assert item1.targets.get().value == 3500
