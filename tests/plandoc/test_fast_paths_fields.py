"""The shortcuts of the stages after the tree (nodes, targets, deadlines, references, grouping) give the
results of the longer way round, as tests/plandoc/test_fast_paths.py checks those of the earlier stages.
"""

from __future__ import annotations

import dataclasses

from luoshi.plandoc import parse
from luoshi.plandoc.model import Node


def test_finalise_passes_the_node_fields_in_the_order_of_the_model() -> None:
    """core._finalise builds each Node with positional arguments (keywords cost twice the construction);
    a field added to or moved in the model must be added or moved there too."""
    assert [field.name for field in dataclasses.fields(Node)] == [
        "id", "parent", "level", "label", "path", "text", "span", "style", "body", "body_span", "units",
        "targets", "deadline", "refs", "category", "children"]
    text = ("一、总体要求（责任单位：市发展改革委）\n（一）建设平台。到2020年新增研发机构10家。（责任单位：市科技局）\n"
            "2019年底前完成《大连市科技创新规划》（大政发〔2017〕16号）的评估。\n（二）完善政策。\n")
    heading, item, inheriting = parse(text).nodes
    assert (heading.id, heading.parent, heading.level, heading.label, heading.path, heading.text,
            heading.style, heading.body, heading.body_span, heading.children, heading.category) == (
        "n1", None, 1, "一", ["一"], "总体要求", "cn_dun", "", None, ["n2", "n3"], None)
    assert (item.parent, item.path, item.style) == ("n1", ["一", "（一）"], "cn_paren")
    assert item.text == "建设平台。到2020年新增研发机构10家。"
    assert text[item.span[0]:item.span[1]] == item.text
    assert item.body == "2019年底前完成《大连市科技创新规划》（大政发〔2017〕16号）的评估。"
    assert item.body_span is not None and text[item.body_span[0]:item.body_span[1]] == item.body
    assert [(u.name, u.inherited) for u in item.units] == [("市科技局", False)]
    assert [t.text for t in item.targets] == ["新增研发机构10家"]
    assert item.deadline is not None and item.deadline.text == "到2020年"
    assert [r.doc_number for r in item.refs] == ["大政发〔2017〕16号"]
    assert [(u.name, u.inherited) for u in inheriting.units] == [("市发展改革委", True)]
    assert inheriting.children == [] and inheriting.targets == [] and inheriting.refs == []
