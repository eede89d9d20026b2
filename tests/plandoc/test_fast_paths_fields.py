"""The shortcuts of the stages after the tree (nodes, targets, deadlines, references, grouping) give the
results of the longer way round, as tests/plandoc/test_fast_paths.py checks those of the earlier stages.
"""

from __future__ import annotations

import re

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from luoshi.plandoc import core, dates, parse, refs, targets
from luoshi.plandoc.export import to_json
from luoshi.plandoc.normalize import halfwidth
from luoshi.plandoc.tree import Segment

from .test_fast_paths import _CORPUS_DOCS, SEED, _patched, _reference_excluded


def test_finalise_fills_every_field_of_each_node() -> None:
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


_FIELD_PIECES = ["推进", "建设", "市科技局", "。", "，", "（", "）", "2018", "１２", "年", "月", "底前", "内", "季度",
                 "半年", "-", ".", "/", "每", "按", "逐", "完成时限：", "时", "《规划》", "大政发〔2017〕16号", "號",
                 "三", "十", "万", "个", "家", "%", "达到", "新增", "　", "\n", "a", "第"]
_FIELD_TEXT = st.lists(st.sampled_from(_FIELD_PIECES), max_size=10).map("".join)


@given(_FIELD_TEXT)
@settings(max_examples=1000, deadline=None)
@example("完成时限：长期坚持")
@example("每季度通报")
@example("落实大政发〔2017〕16号")
def test_a_paragraph_without_a_field_character_holds_no_target_deadline_or_reference(text: str) -> None:
    """core._finalise calls the extractors only on segments with a character one of them needs (for a target, a
    number before what may follow the number of a measure)."""
    if not core._may_hold_fields(Segment(text, 0)):
        assert targets.find_targets(text, default_year=2018) == []
        assert refs.find_refs(text) == []
        assert dates.find_labelled_deadline(text, default_year=2018) is None
        assert dates.find_deadline(text, default_year=2018) is None
        assert dates.find_deadline(text, default_year=2018, labelled=False) is None


def test_every_deadline_label_holds_the_character_find_deadline_looks_for() -> None:
    labels = re.fullmatch(r"\(\?:(.*)\)", dates.DEADLINE_LABELS)
    assert labels is not None
    assert all(dates._LABEL_CHAR in label for label in labels.group(1).split("|"))
    for label in labels.group(1).split("|"):
        found = dates.find_labelled_deadline(f"推进。{label}：2019年底前")
        assert found is not None and found.date == "2019-12-31", label
    assert halfwidth(refs.REF_CHARS) == refs.REF_CHARS   # the gate reads halfwidth text, find_refs the text


@given(_FIELD_TEXT)
@settings(max_examples=1000, deadline=None)
@example("完成时限：2019年底前")
@example("时间节点：长期坚持")
def test_find_deadline_answers_as_without_its_character_gates(text: str) -> None:
    def read() -> list[object]:
        return [dates.find_labelled_deadline(text, default_year=2018),
                *(dates.find_deadline(text, default_year=2018, labelled=labelled) for labelled in (True, False))]
    gated = read()
    with _patched(dates, "_DEADLINE_CHAR_RE", re.compile("")), _patched(dates, "_LABEL_CHAR", ""):
        assert read() == gated




def _corpus_plans_json() -> list[str]:
    return [to_json(parse(path)) for path in [SEED, *sorted(_CORPUS_DOCS.glob("*.txt"))]]


def test_the_plans_of_the_corpus_are_those_read_without_the_field_gate() -> None:
    gated = _corpus_plans_json()
    with _patched(core, "_may_hold_fields", lambda seg: True):
        assert _corpus_plans_json() == gated


_EXCLUSION_PIECES = ["第", "首", "+", "在", "稳定在", "每", "由", "从", "前", "政策", "最高", "不超过",
                     "按照", "实际发生额的", "的", "比例", "以内", "给予", "奖励", "一次性", "补助", "工程",
                     "项目", "具体", "措施", "方面", "共", "合计", "（", "以上", "任务", "如下", "为", "，", " ",
                     "建设", "达到", "新增"]
_EXCLUSION_TEXT = st.lists(st.sampled_from(_EXCLUSION_PIECES), max_size=6).map("".join)
_MEASURES = ["3项", "5个", "10条", "200万元", "15%", "2家", "三个", "24小时", "3个工作日以内", "一批", "1,200人次以上"]


@given(_EXCLUSION_TEXT, st.sampled_from(_MEASURES), _EXCLUSION_TEXT, st.booleans())
@settings(max_examples=2000, deadline=None)
@example("人才政策", "19条", "", False)
@example("给予", "500万元", "奖励", True)
@example("按", "15%", "的比例", False)
@example("共", "3项", "具体措施", False)
def test_the_exclusions_joined_per_side_decide_as_every_row_did(before: str, measure: str, after: str,
                                                                has_comparator: bool) -> None:
    norm = halfwidth(before + measure + after)
    found = targets.MEASURE_RE.search(norm, len(before))
    assume(found is not None and found.start() == len(before))   # not after "+" or a digit: no measure
    ms = targets._measure(found) if found is not None else None
    assert ms is not None
    clause, tail = norm[:ms.start], norm[ms.end:ms.end + 12]
    assert targets._excluded(ms, clause, tail, has_comparator) == _reference_excluded(
        ms, clause, tail, has_comparator)


_DOC_NUMBER_PIECES = ["国", "发", "大政办发", "根据国务院办公厅关于印发", "A", "b", "é", " ", "\u3000", "\n",
                      "〔", "〕", "[", "]", "(", ")", "（", "）", "【", "】", "﹝", "﹞", "［", "］", "2015", "1999",
                      "20", "19", "第", " 第 ", "36", "123456", "号", "，", "。"]
_DOC_NUMBER_TEXT = st.lists(st.sampled_from(_DOC_NUMBER_PIECES), max_size=16).map("".join)


@given(_DOC_NUMBER_TEXT)
@settings(max_examples=3000, deadline=None)
@example("根据国发〔2015〕36号和大政办发[2017] 第 119 号")
@example("国发〔2015〕36号国发〔2016〕3号")
@example("大连市人民政府办公厅关于印发〔2015〕36号")
@example("发 \u3000〔2015〕36号")
def test_document_numbers_read_back_from_their_brackets_are_the_matches_of_the_regex(text: str) -> None:
    assert refs._doc_number_spans(text) == [
        (m.start(), m.end("issuer"), m.end()) for m in refs.DOC_NUMBER_RE.finditer(text)]


def test_document_numbers_of_the_corpus_are_the_matches_of_the_regex() -> None:
    for path in [SEED, *sorted(_CORPUS_DOCS.glob("*.txt"))]:
        norm = halfwidth(path.read_text(encoding="utf-8"))
        assert refs._doc_number_spans(norm) == [
            (m.start(), m.end("issuer"), m.end()) for m in refs.DOC_NUMBER_RE.finditer(norm)], path.name
