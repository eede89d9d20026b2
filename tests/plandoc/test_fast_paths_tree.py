"""The tree's shortcuts (tree.py, units.py markers) give the results of the longer way round.

As in test_fast_paths.py: each test names a shortcut and checks it against what it replaced.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.plandoc import parse, tree, units
from luoshi.plandoc.export import to_json
from luoshi.plandoc.normalize import halfwidth
from luoshi.plandoc.tree import Segment

SEED = Path(__file__).resolve().parents[2] / "src/luoshi/plandoc/data/dalian-2018-innovation-workplan.txt"
CORPUS_TEXTS = Path(__file__).resolve().parents[1] / "corpus/docs"

_PIECE = st.text(st.sampled_from("甲乙。（）"), min_size=0, max_size=6)
# A step on a segment: join a piece of text found further on in the source, or cut raw[a:b] out.
_STEP = st.one_of(st.tuples(st.just("join"), _PIECE, st.integers(1, 5)),
                  st.tuples(st.just("remove"), st.integers(0, 40), st.integers(0, 40)))


def _mapped(seg: Segment) -> tuple[str, list[int], list[tuple[int, int] | None]]:
    n = len(seg.raw)
    spans = [seg.span((a, b)) for a in range(n + 1) for b in range(a, n + 1)]
    return seg.raw, [seg.at(i) for i in range(n + 1)], spans


@given(st.text(st.sampled_from("甲乙。"), max_size=8), st.lists(_STEP, max_size=8))
@settings(max_examples=500, deadline=None)
def test_a_segment_of_one_piece_maps_offsets_as_one_with_its_joins_listed(first: str,
                                                                         steps: list[tuple]) -> None:
    """A segment without joins takes shortcuts (span as start + index, a removal at its end without
    remapping, raw read without joining); one that lists its first piece as a join, (0, start), maps
    every offset the same way through the bisection."""
    plain = Segment(first, 10)
    listed = Segment(first, 10, joins=[(0, 10)])
    source_end = 10 + len(first)
    for step in steps:
        if step[0] == "join":
            _, text, gap = step
            source_end += gap
            plain.join(Segment(text, source_end))
            listed.join(Segment(text, source_end))
            source_end += len(text)
        else:
            _, a, b = step
            n = len(plain.raw)
            start, end = min(a, b, n), min(max(a, b), n)
            plain.remove(start, end)
            listed.remove(start, end)
        assert _mapped(plain) == _mapped(listed)
        n = len(plain.raw)
        for a in range(n + 1):
            for b in range(a, n + 1):
                assert plain.span((a, b)) == (plain.at(a), plain.at(b - 1) + 1 if b > a else plain.at(a))


@given(st.lists(_PIECE, max_size=6), st.integers(0, 12))
@settings(max_examples=300, deadline=None)
def test_raw_joins_its_pending_pieces_when_read(pieces: list[str], n: int) -> None:
    seg = Segment("甲乙", 0)
    text = "甲乙"
    for k, piece in enumerate(pieces):
        seg.join(Segment(piece, 10 * (k + 1)))
        text += piece
        assert seg.tail(n) == (text[-n:] if n else "")
        if k % 2:
            assert seg.raw == text   # read between joins, then joined on again
    assert seg.raw == text


def test_the_normalised_text_the_tree_passes_with_a_marker_reading_is_that_of_the_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """_take_marker passes find_unit_markers its line's normalised text, sliced as the segment's text was,
    instead of normalising the text again: on every corpus text both are the same."""
    given_norms: list[tuple[str, str]] = []
    reader = units.find_unit_markers

    def checked(text: str, **kwargs: Any) -> list[units.UnitMarker]:
        if kwargs.get("norm") is not None:
            given_norms.append((text, kwargs["norm"]))
        return reader(text, **kwargs)

    monkeypatch.setattr(tree, "find_unit_markers", checked)
    for path in [SEED, *sorted(CORPUS_TEXTS.glob("*.txt"))]:
        parse(path.read_text(encoding="utf-8"))
    assert len(given_norms) > 1000
    assert [text for text, norm in given_norms if norm != halfwidth(text)] == []


@given(st.text(st.sampled_from("（）()【】〔〕：:、。市科技局责任单位牵头配合下同"), max_size=30))
@settings(max_examples=500, deadline=None)
def test_a_marker_reading_given_the_normalised_text_is_the_reading_of_the_text(text: str) -> None:
    assert units.find_unit_markers(text, norm=halfwidth(text)) == units.find_unit_markers(text)


def _corpus_plans() -> list[str]:
    return [to_json(parse(path.read_text(encoding="utf-8")))
            for path in [SEED, *sorted(CORPUS_TEXTS.glob("*.txt"))]]


def test_the_rules_a_document_skips_for_lack_of_their_words_find_nothing_in_the_corpus(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """TreeBuilder looks once per document for the words of the blanket rule, the 专栏 box and the 【tag】;
    with every rule tried on every line, every corpus text parses the same."""
    gated = _corpus_plans()
    monkeypatch.setattr(tree, "may_state_blanket_rule", lambda norm: True)
    monkeypatch.setattr(tree, "_BOX_WORD", "")   # in every text
    monkeypatch.setattr(tree, "_TAG_OPENER", "")
    assert _corpus_plans() == gated


@given(st.text(st.sampled_from("以下均需各区政府落实，不再列出注明除外都是配合单位【】专栏1"), max_size=30))
@settings(max_examples=500, deadline=None)
def test_a_text_without_the_words_of_a_blanket_rule_or_a_box_or_a_tag_has_none(text: str) -> None:
    norm = halfwidth(text)
    if not units.may_state_blanket_rule(norm):
        assert units._BLANKET_RULE.search(norm) is None
    if tree._BOX_WORD not in norm:
        assert tree._BOX_RE.match(norm) is None
    if tree._TAG_OPENER not in norm:
        assert tree._LEADING_TAG.match(norm) is None


_DUTY_TEXT = st.lists(st.sampled_from([
    "区交通委", "市科技局", "各街镇", "区经委、区司法局", "等部门", "负责", "牵头", "配合", "会同", "协助", "是",
    "指导", "要", "主要", "职责", "分工", "由", "为成员单位", "作为成员部门", "推进", "建设", "、", "，", "。", "；",
    "：", " "]),
    max_size=12).map("".join)


def _duty_readings(texts: list[str]) -> list[object]:
    return [(units.find_unit_title(text), units.find_duty_units(text)) for text in texts]


@contextmanager
def _word_gates_open() -> Iterator[None]:
    """find_unit_title and find_duty_units with every gate on a word (职责, 牵头, 成员) open: "" is in every text."""
    saved = units._DUTIES, units._LEADS, units._MEMBER_WORD
    units._DUTIES = units._LEADS = units._MEMBER_WORD = ""
    try:
        yield
    finally:
        units._DUTIES, units._LEADS, units._MEMBER_WORD = saved


def test_each_word_gate_names_a_word_every_match_of_its_pattern_holds() -> None:
    assert units._DUTIES in units._DUTIES_WORD.pattern.replace("(?:主要|工作|具体)?", "")
    assert units._LEADS in units._LEADS_OTHERS.pattern.replace("(?:负责)?", "")
    assert units._MEMBER_WORD in units._MEMBERS.pattern


@given(_DUTY_TEXT)
@settings(max_examples=500, deadline=None)
def test_unit_titles_and_duties_are_read_alike_with_their_word_gates_open(text: str) -> None:
    gated = _duty_readings([text])
    with _word_gates_open():
        assert _duty_readings([text]) == gated


def test_unit_titles_and_duties_are_read_alike_with_their_word_gates_open_in_the_corpus() -> None:
    texts = [line for path in [SEED, *sorted(CORPUS_TEXTS.glob("*.txt"))]
             for line in path.read_text(encoding="utf-8").splitlines()]
    gated = _duty_readings(texts)
    with _word_gates_open():
        assert _duty_readings(texts) == gated
    assert sum(1 for title, duties in gated if title or duties) > 100
