"""Anchor scans that skip whole passes give the results of the passes they skip (seventh round of the speed
work, as tests/plandoc/test_fast_paths.py checks the earlier shortcuts against what they replaced).
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from luoshi.plandoc import dates, tables, targets
from luoshi.plandoc.lines import Line, noise_kind, split_lines
from luoshi.plandoc.normalize import halfwidth
from luoshi.plandoc.read import read_path

CORPUS_DOCS = Path(__file__).resolve().parents[1] / "corpus/docs"
SEED = Path(__file__).resolve().parents[2] / "src/luoshi/plandoc/data/dalian-2018-innovation-workplan.txt"


def _every_table_reader(lines: list[Line]) -> list[Line]:
    """rebuild_tables before the anchor scan: every reader over every line."""
    read = tables.join_lone_unit_labels(tables.read_pipe_cells(lines))
    rows = tables._join_loose_wrapped_names(tables.split_spaced_rows(tables.stack_cell_lines(read)))
    return tables.headerless_rows(rows)


def _lines(text: str) -> list[Line]:
    return [line for line in split_lines(text) if line.is_table_row or not noise_kind(line.norm)]


_TABLE_PIECES = ["序号", "序 号", "序", "号", "1", "2", "3", "12", "*4", "★5", "※", "１", "一", "一、总体要求",
                 "重点工作任务", "主要内容", "责任单位", "牵头单位", "配合单位", "完成时限", "市科技局",
                 "区财政局、区教育局",
                 "推进平台建设", "2018年底前", "|", " | ", "\t", " ", "　", "\n", "\n", "\n", "。", "（一）"]


@given(st.lists(st.sampled_from(_TABLE_PIECES), max_size=40).map("".join))
@settings(max_examples=1500, deadline=None)
@example("序号\n任务\n责任单位\n1\n推进平台建设\n市科技局\n2\n推进\n区财政局、区教育局\n")
@example("序 号\n重点工作任务\n牵头单位\n1\n推进平台建设\n市科技局\n")
@example("序号 重点工作任务 责任单位\n1 推进平台建设 市科技局\n2 推进 区财政局\n")
@example("1\n推进平台建设\n市科技局\n2\n推进\n区财政局\n3\n建设\n区教育局\n")
@example("★1 \n推进平台建设\n市科技局\n　2　\n推进\n区财政局\n*3\n建设\n区教育局\n")
@example("1 |\n推进平台建设 |\n市科技局 |\n2 |\n推进 |\n区财政局 |\n3 |\n建设 |\n区教育局 |\n")
def test_the_table_readers_run_only_where_their_anchor_stands(text: str) -> None:
    """rebuild_tables skips the header readers without 序号 and the headerless reader without a bare number line."""
    lines = _lines(text)
    assert tables.rebuild_tables(lines) == _every_table_reader(lines)


def test_the_table_readers_read_every_corpus_document_as_without_the_anchor_scan() -> None:
    paths = [SEED, *sorted(p for p in CORPUS_DOCS.iterdir() if p.suffix in (".txt", ".docx", ".xlsx", ".html"))]
    assert len(paths) > 300
    for path in paths:
        lines = _lines(read_path(path).text)
        assert tables.rebuild_tables(lines) == _every_table_reader(lines), path.name


_DATE_PIECES = ["年内", "年度内", "本年度内", "今年内", "当年内", "本年内", "年度", "国内", "内", "年", "度",
                "今年", "本", "当", "两", "三", "半", "多", "2018", "2018年", "一", "月", "底", "前", "完成", "。",
                "，", " ", "季度"]


@given(st.lists(st.sampled_from(_DATE_PIECES), max_size=12).map("".join))
@settings(max_examples=2000, deadline=None)
@example("本年度内完成")
@example("当年内建成")
@example("三年内完成")
@example("年度内")
def test_every_date_phrase_holds_a_gate_word_of_its_pattern(text: str) -> None:
    """dates._scan tries a pattern only where one of its gate words stands: every match holds one ('年内' and
    '年度内' for 年内 and 本年度内, not a bare 内 as in 国内)."""
    norm = halfwidth(text)
    for pattern in dates.DATE_PATTERNS:
        for m in pattern.regex.finditer(norm):
            if m.end() > m.start():
                assert any(word in m.group() for word in pattern.gate), (pattern.name, m.group())


def test_every_date_phrase_of_the_corpus_holds_a_gate_word_of_its_pattern() -> None:
    paths = [SEED, *sorted(CORPUS_DOCS.glob("*.txt"))]
    for path in paths:
        norm = halfwidth(path.read_text(encoding="utf-8"))
        for pattern in dates.DATE_PATTERNS:
            for m in pattern.regex.finditer(norm):
                if m.end() > m.start():
                    assert any(word in m.group() for word in pattern.gate), (path.name, pattern.name, m.group())


_NUMBER_PIECES = ["一", "进一步", "统一", "十九大", "2018年", "2018", "12", "1,000", "1，000", ".5", "3.", "两", "三千",
                  "万", "亿", "万亿", "余", "多", "至", "到", "-", "~", "—", " ", "　", "\n", "家", "个", "%", "％",
                  "人次", "元", "批", "项", "年", "以上", "左右", "达到", "新增", "，", "。", "、", "（", "）", "第",
                  "a", "1)", "（1）", "一、", "千米", "平方米", "百分点", "倍"]


@given(st.lists(st.sampled_from(_NUMBER_PIECES), max_size=12).map("".join))
@settings(max_examples=3000, deadline=None)
@example("进一步加强统一领导，落实十九大精神，2018年")
@example("新增3家")
@example("三 至 五 个")
@example("1,200人次以上")
@example("两千万元")
@example("3万亿")
def test_a_text_without_a_number_before_what_may_follow_one_holds_no_measure(text: str) -> None:
    """find_targets (and the parser's segment gate) scan for measures only where MAY_HOLD_MEASURE_RE finds a
    number followed by what can follow the number of a measure."""
    half = halfwidth(text)
    if targets.MAY_HOLD_MEASURE_RE.search(half) is None:
        assert targets.MEASURE_RE.search(targets._prepare(text)) is None
        assert targets.MEASURE_RE.search(half) is None
        assert targets.find_targets(text, default_year=2018) == []


def test_every_measure_of_the_corpus_starts_where_the_measure_gate_finds_a_number() -> None:
    for path in [SEED, *sorted(CORPUS_DOCS.glob("*.txt"))]:
        for line in path.read_text(encoding="utf-8").split("\n"):
            norm = targets._prepare(line)
            half = halfwidth(line)
            for m in targets.MEASURE_RE.finditer(norm):
                gate = targets.MAY_HOLD_MEASURE_RE.search(half, m.start())
                assert gate is not None and gate.start() == m.start(), (path.name, m.group())
