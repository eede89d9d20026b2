"""The reference plan (大政办发〔2018〕54号): the issue's acceptance figures, checked against the text."""

from __future__ import annotations

import re
from collections import Counter

from luoshi.plandoc import Plan
from tests.plandoc.conftest import SEED


def _by_path(plan: Plan, *path: str):
    for node in plan.nodes:
        if tuple(node.path) == path:
            return node
    raise AssertionError(f"no node at {path}")


def test_it_counts_chapters_sections_tasks_and_sub_items(dalian: Plan) -> None:
    assert Counter(n.level for n in dalian.nodes) == {1: 9, 2: 24, 3: 133, 4: 239}


def test_it_numbers_tasks_1_to_133_across_chapters(dalian: Plan) -> None:
    tasks = [n for n in dalian.nodes if n.level == 3]
    assert [int(n.label) for n in tasks] == list(range(1, 134))
    assert _by_path(dalian, "五", "(八)", "46").text.startswith("2018年，新增市级以上研发机构") or \
        _by_path(dalian, "五", "(八)", "46").text.startswith("2018年,新增市级以上研发机构")


def test_it_assigns_334_units_over_288_leaf_items(dalian: Plan) -> None:
    items = dalian.items()
    assert len(items) == 288
    assert sum(len(n.units) for n in items) == 334
    # The two leaves that are not items are the prose chapters 总体要求 and 主要目标.
    assert [n.text for n in dalian.leaves() if n not in items] == ["总体要求", "主要目标"]


def test_it_gets_every_assignment_right(dalian: Plan, dalian_text: str) -> None:
    """Each leaf's units equal the list in its own (责任单位:…) marker, or its parent's when it has none."""
    marker = re.compile(r"\(责任单位:([^()]*)\)")
    for node in dalian.items():
        line = dalian_text[node.span[0]: dalian_text.index("\n", node.span[0])]
        m = marker.search(line)
        if m is None and node.parent:
            parent = dalian.node(node.parent)
            m = marker.search(dalian_text[parent.span[0]: dalian_text.index("\n", parent.span[0])])
        expected = re.split(r"[、,]", m.group(1)) if m else []
        assert [u.name for u in node.units] == expected, node.path
        assert all(u.role == "responsible" for u in node.units)


def test_it_marks_the_three_groups_of_item_113(dalian: Plan) -> None:
    node = _by_path(dalian, "九", "(十九)", "113")
    assert [u.name for u in node.units] == ["市直各部门", "各区市县政府", "各先导区管委会"]
    groups = {u.name for u in dalian.units if u.is_group}
    assert {"市直各部门", "各区市县政府", "各先导区管委会"} <= groups
    assert all(u.known for u in dalian.units)


def test_it_reads_the_metadata(dalian: Plan) -> None:
    assert dalian.doc_number == "大政办发〔2018〕54号"
    assert dalian.issuer == "大连市人民政府办公厅"
    assert dalian.issued_on == "2018-05-16"
    assert dalian.title == ("贯彻落实全面实施创新驱动发展战略加快建设东北亚科技创新创业创投中心意见"
                            "2018年工作计划")
    assert dalian.addressees == ["各区市县人民政府", "各先导区管委会", "市政府各有关部门", "各有关单位"]
    assert dalian.notice_title is not None and dalian.notice_title.endswith("工作计划的通知")


def test_it_finds_the_plan_level_targets_on_main_targets(dalian: Plan) -> None:
    node = _by_path(dalian, "二")
    assert node.text == "主要目标"
    got = [(t.value, t.unit, t.op, t.year) for t in node.targets]
    assert got == [(2.4, "%", ">=", 2018), (15, "%", "growth", 2018), (150, "亿元", ">=", 2018),
                   (18, "件", ">=", 2018), (58, "%", ">=", 2018)]
    assert node.targets[3].indicator == "每万人口发明专利拥有量"


def test_it_drops_the_scraping_noise_with_a_warning(dalian: Plan) -> None:
    assert any("扫描二维码" in w for w in dalian.warnings)
    assert not any("二维码" in n.text or "本文链接" in n.body for n in dalian.nodes)


def test_it_traces_every_node_to_its_source_span(dalian: Plan, dalian_text: str) -> None:
    assert dalian.source == dalian_text
    for node in dalian.nodes:
        assert dalian_text[node.span[0]: node.span[1]] == node.text
        for unit in node.units:
            assert unit.span is not None
            assert dalian_text[unit.span[0]: unit.span[1]] == unit.name
        for target in node.targets:
            assert target.span is not None
            assert dalian_text[target.span[0]: target.span[1]] == target.text


def test_it_groups_the_repeated_duties(dalian: Plan) -> None:
    duty = ("深入开展市级创新平台建设,扩大申报领域、增加支持数量和提高资金支持额度。"
            "积极申报国家重点产业示范项目和国家级创新平台。")
    platform = [n.id for n in dalian.items() if n.text == duty]
    assert len(platform) == 6
    assert platform in dalian.duplicates
    # Every group shares a unit and holds items of the same duty, never a whole chapter.
    for group in dalian.duplicates:
        units = [{u.name for u in dalian.node(i).units} for i in group]
        assert set.intersection(*units)


def test_it_finds_references_with_their_document_numbers(dalian: Plan) -> None:
    node = _by_path(dalian, "五", "(九)", "49")
    assert [(r.title, r.doc_number) for r in node.refs] == [
        ("大连市人民政府关于进一步推广和落实中关村科技政策的实施意见", "大政发〔2017〕16号")]


def test_the_seed_in_the_package_is_the_shared_one() -> None:
    shared = SEED.parents[4] / ".." / "shared" / "seed" / SEED.name
    if shared.exists():
        assert shared.read_bytes() == SEED.read_bytes()
