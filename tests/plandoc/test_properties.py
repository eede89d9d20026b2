"""Properties of parse() on random and mutated input: it fails only with PlanDocError, and every span
it reports points into the source it was given, with a tree whose shape is consistent.

Random text mixes CJK, full-width punctuation, heading-label fragments, unit markers, tabs and long
lines; mutations of the Dalian seed delete, duplicate, swap and truncate lines, insert characters and
cut unit markers in half. Random bytes go through the format detection and readers.
"""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from luoshi.plandoc import Plan, PlanDocError, parse
from luoshi.plandoc.model import Span

SEED = Path(__file__).parents[2] / "src" / "luoshi" / "plandoc" / "data" / "dalian-2018-innovation-workplan.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_LINES = SEED_TEXT.split("\n")
FORMATS = Path(__file__).parent / "fixtures" / "formats"

# Pieces of the genre that steer the parser into its branches: labels of every style in both widths,
# unit markers, deadline phrases, annex lines, portal keys, dates, 文号, targets and page noise.
FRAGMENTS = (
    "一、", "二、", "十一、", "（一）", "(二)", "（十）", "1.", "2.", "3、", "１．", "２．", "46.2018年",
    "2.4%", "15%.", "(1)", "（2）", "（３）", "1)", "2）", "①", "②", "⑳", "第一章", "第二章 ", "第一条",
    "第三节", "第一部分", "第十二条", "附件1", "附件：", "附件2 ", "（责任单位：", "(牵头单位:", "配合单位：",
    "责任单位：市科技局", "市科技局、市财政局", "各区市县政府", "）", ")", "列第一位的为牵头单位",
    "完成时限：", "2018年底前", "2019年6月30日", "二〇一九年三月一日", "长期坚持", "每季度", "年内",
    "大政办发〔2018〕54号", "《大连市科技创新条例》", "《", "》", "关于印发", "的通知", "工作计划",
    "发文机关：", "成文日期\t", "索引号：", "达到150亿元", "增长15%", "不少于20个", "各有关单位：",
    "打印本页", "关闭窗口", "当前位置：", "版权所有", "。", "；", "，", "：", "\t", "　", " ", "\u200b",
    "\ufeff", "〃",
)
# CJK, full-width and half-width punctuation, digits and Chinese numerals.
ALPHABET = "市科技局推进建设完成工作任务目标年月日一二三四五六七八九十百零〇两0123456789" \
           "。，、；：！？（）《》“”【】％．　()[],.;:%-—~ \t"

line_piece = st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=ALPHABET, max_size=12))
random_line = st.one_of(
    st.lists(line_piece, max_size=8).map("".join),
    st.text(max_size=40),  # any unicode at all, surrogates excluded by hypothesis' default
    st.builds(lambda piece, n: piece * n, st.sampled_from(FRAGMENTS), st.integers(50, 400)),  # very long
)
LABELS = ("一、", "（二）", "3.", "(4)", "⑤", "第六条", "第二章 ", "7、", "")
MARKERS = ("（责任单位：市科技局）", "(牵头单位:市财政局;配合单位:各区市县政府)", "（市科技局负责）",
           "（牵头单位：市科技局，完成时限：2018年底前）", "责任单位：市科技局、市财政局", "（配合单位：")
words = st.text(alphabet=ALPHABET, max_size=20)
# A plan-like line: label, task sentence, unit marker (possibly mid-sentence), more text.
plan_line = st.builds(lambda label, head, marker, tail: label + head + marker + tail,
                      st.sampled_from(LABELS), words, st.sampled_from(MARKERS), words)
# Table rows (cells joined by TAB): a task-table header, and rows with numbers, ditto marks, blanks.
TABLE_HEADERS = ("序号\t重点任务\t牵头单位\t配合单位\t完成时限", "类别\t工作任务\t责任单位", "发文机关\t大连市人民政府")
cell = st.one_of(st.sampled_from(("1", "2", "（一）", "〃", "", "市科技局", "2018年底前", "一、科技")), words)
table_row = st.one_of(st.sampled_from(TABLE_HEADERS), st.lists(cell, min_size=2, max_size=5).map("\t".join))
random_text = st.lists(st.one_of(random_line, plan_line, table_row), max_size=25).map("\n".join)


def check_plan(plan: Plan) -> None:
    source = plan.source
    size = len(source)

    def within(span: Span | None, what: str) -> None:
        if span is None:
            return
        start, end = span
        assert 0 <= start <= end <= size, f"{what} span {span} outside the source (length {size})"

    ids = [n.id for n in plan.nodes]
    assert len(ids) == len(set(ids)), "node ids are not unique"
    position = {node_id: i for i, node_id in enumerate(ids)}
    by_id = {n.id: n for n in plan.nodes}
    for i, node in enumerate(plan.nodes):
        within(node.span, f"node {node.id}")
        within(node.body_span, f"body of {node.id}")
        assert_text_at_span(source, node.text, node.span, f"node {node.id}")
        if node.parent is None:
            assert node.level == 1, f"root node {node.id} at level {node.level}"
            assert node.path == [node.label]
        else:
            assert position[node.parent] < i, f"parent {node.parent} does not precede {node.id}"
            parent = by_id[node.parent]
            assert node.level == parent.level + 1, f"{node.id} level {node.level}, parent {parent.level}"
            assert node.path == [*parent.path, node.label]
            assert node.id in parent.children
        assert all(by_id[child].parent == node.id for child in node.children)
        for unit in node.units:
            within(unit.span, f"unit {unit.name} of {node.id}")
        for target in node.targets:
            within(target.span, f"target {target.text} of {node.id}")
            if target.span is not None:
                assert_text_at_span(source, target.text, target.span, f"target of {node.id}")
        for ref in node.refs:
            within(ref.span, f"ref {ref.title} of {node.id}")
        if node.deadline is not None:
            within(node.deadline.span, f"deadline of {node.id}")
            if node.deadline.span is not None:
                assert_text_at_span(source, node.deadline.text, node.deadline.span, f"deadline of {node.id}")
    for group in plan.duplicates:
        assert all(node_id in by_id for node_id in group)


def assert_text_at_span(source: str, text: str, span: Span, what: str) -> None:
    """`text` is what the span covers in the source, unless the span crosses a line end (lines wrapped
    mid-sentence are joined without it). Unit markers cut out of a paragraph (one or several: "…。（A）…。
    （B）…") leave a text that is the covered source minus those pieces: the same characters in order,
    starting and ending where the span does."""
    piece = source[span[0]: span[1]]
    if "\n" in piece or piece == text:
        return
    rest = iter(piece)
    assert (len(text) < len(piece) and text[:1] == piece[:1] and text[-1:] == piece[-1:]
            and all(ch in rest for ch in text)), f"{what}: text {text!r} but source[span] is {piece!r}"


def parse_or_refuse(source: str | bytes) -> Plan | None:
    """parse(); a PlanDocError is an allowed answer, anything else fails the test."""
    try:
        return parse(source)
    except PlanDocError as error:
        message = str(error)
        assert message and "\n" not in message, f"error message is not one line: {message!r}"
        return None


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_text)
@example("一、" * 200)  # one line of text longer than a file name may be: still text, not a path
@example("一、任务\n1.推进工作（责任单位：市科技局），2018年底前完成技术交易额达到150亿元。")  # marker mid-sentence
def test_it_keeps_spans_and_tree_consistent_on_random_text(text: str) -> None:
    plan = parse_or_refuse(text)
    if plan is not None:
        assert plan.source == text
        check_plan(plan)


# -- mutations of the Dalian seed ------------------------------------------------------------------

MARKER_LINES = [i for i, line in enumerate(SEED_LINES) if "单位" in line]


def _mutate(lines: list[str], rng: random.Random, operation: str) -> list[str]:
    lines = list(lines)
    i = rng.randrange(len(lines))
    j = rng.randrange(len(lines))
    if operation == "delete":
        del lines[i]
    elif operation == "duplicate":
        lines.insert(j, lines[i])
    elif operation == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif operation == "truncate":
        lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
    elif operation == "insert":
        chars = "".join(rng.choice(FRAGMENTS + tuple(ALPHABET)) for _ in range(rng.randint(1, 4)))
        at = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:at] + chars + lines[i][at:]
    elif operation == "text_after_marker":
        k = min(rng.choice(MARKER_LINES), len(lines) - 1)
        lines[k] += "".join(rng.choice(FRAGMENTS + tuple(ALPHABET)) for _ in range(rng.randint(1, 12)))
    elif operation == "cut_marker":
        # Break a line inside its unit marker: cut it there, or move the rest onto a new line.
        k = rng.choice(MARKER_LINES)
        line = lines[k] if k < len(lines) else lines[-1]
        at = line.find("单位")
        at = rng.randrange(max(at - 3, 0), min(at + 6, len(line)) + 1) if at >= 0 else len(line) // 2
        if rng.random() < 0.5:
            lines[min(k, len(lines) - 1)] = line[:at]
        else:
            lines[min(k, len(lines) - 1): min(k, len(lines) - 1) + 1] = [line[:at], line[at:]]
    return lines


OPERATIONS = ("delete", "duplicate", "swap", "truncate", "insert", "text_after_marker", "cut_marker")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 2**32)), min_size=1, max_size=12))
def test_it_keeps_spans_and_tree_consistent_on_mutated_seeds(operations: list[tuple[str, int]]) -> None:
    lines = SEED_LINES
    for operation, seed in operations:
        lines = _mutate(lines, random.Random(seed), operation)
    text = "\n".join(lines)
    plan = parse_or_refuse(text)
    if plan is not None:
        check_plan(plan)


def test_it_keeps_spans_and_tree_consistent_on_the_seed_itself() -> None:
    plan = parse(SEED_TEXT)
    assert len(plan.nodes) > 300  # the check below ran over a real tree
    check_plan(plan)


# -- random bytes ----------------------------------------------------------------------------------

MAGIC_PREFIXES = (b"", b"PK\x03\x04", b"PK\x05\x06", b"%PDF-1.4\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                  b"<html><body>", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"{\\rtf1")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(MAGIC_PREFIXES), st.binary(max_size=600))
def test_it_refuses_random_bytes_only_with_plandoc_error(prefix: bytes, data: bytes) -> None:
    plan = parse_or_refuse(prefix + data)
    if plan is not None:
        check_plan(plan)


DOCX_BYTES = (FORMATS / "tasks.docx").read_bytes()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(DOCX_BYTES) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_it_refuses_damaged_word_files_only_with_plandoc_error(flips: list[tuple[int, int]]) -> None:
    data = bytearray(DOCX_BYTES)
    for at, value in flips:
        data[at] = value
    plan = parse_or_refuse(bytes(data))
    if plan is not None:
        check_plan(plan)


def test_a_table_part_opened_by_restarted_sections_places_its_sections_at_its_top() -> None:
    # Found by the random-text property above: the sections before the part gave their depth to the part's.
    check_plan(parse("一、一、\n1)0\n序\t\t牵头\n一\t0\n一、一、"))
