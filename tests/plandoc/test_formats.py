"""The Dalian plan saved in every format offices receive parses to the same tree as the text."""

from __future__ import annotations

from collections import Counter

import pytest

from luoshi.plandoc import Plan, parse
from luoshi.plandoc.normalize import halfwidth
from tests.plandoc.conftest import FIXTURES

FORMATS = FIXTURES / "formats"
VARIANTS = ["dalian.gb18030.txt", "dalian.utf16.txt", "dalian.utf16le-nobom.txt", "dalian.utf8-bom.txt",
            "dalian.portal.html", "dalian.docx", "dalian.autonum.docx", "dalian.pdf"]


def _assignments(plan: Plan) -> list[tuple[tuple[str, ...], tuple[tuple[str, str], ...]]]:
    # Labels are kept as written: Word's automatic numbering renders （一） where the text has (一).
    return [(tuple(halfwidth(label) for label in n.path), tuple((u.name, u.role) for u in n.units))
            for n in plan.items()]


@pytest.mark.parametrize("name", VARIANTS)
def test_it_parses_every_format_to_the_same_tree(name: str, dalian: Plan) -> None:
    plan = parse(FORMATS / name)
    assert Counter(n.level for n in plan.nodes) == {1: 9, 2: 24, 3: 133, 4: 239}
    assert len(plan.items()) == 288
    assert _assignments(plan) == _assignments(dalian)
    assert (plan.title, plan.doc_number, plan.issuer, plan.issued_on) == (
        dalian.title, dalian.doc_number, dalian.issuer, dalian.issued_on)
    assert [(t.value, t.unit, t.op) for t in plan.nodes[1].targets] == [
        (t.value, t.unit, t.op) for t in dalian.nodes[1].targets]
    for node in plan.nodes:  # provenance holds in the text each reader extracted
        assert plan.source[node.span[0]: node.span[1]] == node.text


def test_it_reads_a_word_task_table_with_merged_cells() -> None:
    plan = parse(FORMATS / "tasks.docx")
    assert plan.title == "2018年重点任务分解表"
    rows = [(n.path, [(u.name, u.role) for u in n.units], n.deadline.date if n.deadline else None)
            for n in plan.nodes]
    assert rows == [
        (["一"], [], None),
        (["一", "1"], [("市科技局", "lead"), ("市财政局", "support"), ("市发展改革委", "support")], "2018-12-31"),
        # 牵头单位 is merged down from the row above: the same lead unit.
        (["一", "2"], [("市科技局", "lead"), ("各区市县政府", "support")], "2018-06-30"),
        (["一", "3"], [("市经信委", "lead")], "2018-12-31"),
    ]


def test_it_reads_an_excel_task_table_with_a_merged_category_column() -> None:
    plan = parse(FORMATS / "tasks.xlsx")
    outline = [(n.level, n.label, n.category, [u.name for u in n.units]) for n in plan.nodes]
    assert outline == [(1, "1", "科技创新", ["市科技局"]), (1, "2", "科技创新", ["市科技局", "市财政局"]),
                       (1, "3", "人才", ["市人社局"])]
    assert plan.nodes[2].targets[0].value == 1000 and plan.nodes[2].targets[0].unit == "人次"


def test_it_reads_a_csv_task_table() -> None:
    plan = parse(FORMATS / "tasks.csv")
    assert [n.label for n in plan.nodes] == ["1", "2", "3"]
    assert [(u.name, u.role) for u in plan.nodes[0].units] == [
        ("市科技局", "lead"), ("市财政局", "support"), ("市发展改革委", "support")]
    assert plan.nodes[1].deadline is not None and plan.nodes[1].deadline.date == "2018-06-30"
