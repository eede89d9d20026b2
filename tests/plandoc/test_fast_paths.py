"""The shortcuts that keep the parser fast give the results of the longer way round.

Each test names a shortcut (a pre-check, a cheaper formulation of a rule) and checks it against what it
replaced, so a later change to the rules cannot silently make the shortcut wrong.
"""

from __future__ import annotations

import dataclasses
import re
import re._constants as sre  # the parsed form of a pattern, to read what its matches start with
import re._parser as sre_parser
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from luoshi.plandoc import dates, lines, numerals, parse, refs, similar, targets, units
from luoshi.plandoc.normalize import _TABLE, halfwidth

from .test_similar import brute_force_groups

SEED = Path(__file__).resolve().parents[2] / "src/luoshi/plandoc/data/dalian-2018-innovation-workplan.txt"


def test_halfwidth_maps_every_character_as_the_translation_table_does() -> None:
    every_bmp_character = "".join(chr(code) for code in range(0xD800)) + "".join(
        chr(code) for code in range(0xE000, 0x10000))
    assert halfwidth(every_bmp_character) == every_bmp_character.translate(_TABLE)
    mixed = "（责任单位：市科技局，市财政局）１２３％\u3000ａｂｃ﹒1﹑2∶3\u00a0。、〈注〉"
    assert halfwidth(mixed) == mixed.translate(_TABLE) == "(责任单位:市科技局,市财政局)123% abc.1、2:3 。、〈注〉"


def test_every_lead_rule_names_the_word_lead_rule_kind_checks_first() -> None:
    for regex in (units._LEAD_BEFORE_COMMA, *(rx for _, rx in units._LEAD_RULES)):
        assert units._LEAD_WORD in regex.pattern
    assert units.lead_rule_kind("列第一位的为牵头单位") == "first"
    assert units.lead_rule_kind("第一个逗号前为牵头单位") == "before_comma"
    assert units.lead_rule_kind("（责任单位：市科技局）") is None
    # The check for 牵 sees the text as compact_name does but for its whitespace: traditional 牽 and a
    # space inside the word still state the rule.
    assert units.lead_rule_kind("列第一位的為牽 頭單位") == "first"


def test_a_measure_starts_with_what_its_look_ahead_admits() -> None:
    """MEASURE_RE's leading look-ahead only repeats what its number group starts with."""
    text = "到2020年，建成3-5个平台、两家中心，１２％，第3届，约五十余家，3000万元、2亿，1,200人次以上"
    plain = targets.MEASURE_RE.pattern.replace(f"(?=[\\d{targets.CN_NUMERAL_CHARS}])", "", 1)
    assert plain != targets.MEASURE_RE.pattern
    assert [m.groupdict() for m in re.compile(plain).finditer(halfwidth(text))] == [
        m.groupdict() for m in targets.MEASURE_RE.finditer(halfwidth(text))]



def test_find_targets_skips_only_texts_where_no_measure_can_start() -> None:
    """The pre-check searches for a number starting with the class MEASURE_RE's look-ahead asks a measure to
    start with (tests/plandoc/test_fast_paths_anchors.py checks what may follow it)."""
    assert targets.MEASURE_RE.pattern.startswith(f"(?={targets._NUMBER_FIRST})")
    assert targets.MAY_HOLD_MEASURE_RE.pattern.startswith(targets._NUMBER_FIRST)
    assert targets.find_targets("推进科技创新体系建设，完善政策支撑体系") == []
    assert [(t.value, t.unit) for t in targets.find_targets("（一）高新技术企业达到一千家，新增3家")] == [
        (1000, "家"), (3, "家")]

def test_every_date_pattern_has_a_gate() -> None:
    assert dates._ALL_GATED
    assert dates._scan("推进科技创新体系建设") == []
    assert [t.pattern.name for t in dates._scan("2018年底前完成")] == ["year-end"]


def test_every_prose_cadence_word_starts_with_a_character_find_deadline_checks_first() -> None:
    for _, regex in dates.PROSE_CADENCE_PATTERNS:
        for word in regex.pattern.split("|"):
            assert word[0] in dates._PROSE_CADENCE_STARTS
    assert dates.find_deadline("每季度通报进展情况").cadence == "quarterly"  # type: ignore[union-attr]
    assert dates.find_deadline("推进科技创新体系建设") is None


def test_the_date_gate_check_knows_the_first_character_of_every_gate_word() -> None:
    for pattern in dates.DATE_PATTERNS:
        for word in pattern.gate:
            assert dates._GATE_START_RE.match(word)


def test_references_need_a_title_bracket_or_the_character_of_a_document_number() -> None:
    assert refs.find_refs("推进科技创新体系建设，完善政策支撑体系") == []
    found = refs.find_refs("落实《大连市科技创新条例》(大政发〔2017〕16号)和国发〔2015〕36号")
    assert [(r.title, r.doc_number) for r in found] == [
        ("大连市科技创新条例", "大政发〔2017〕16号"), (None, "国发〔2015〕36号")]


def test_looks_like_unit_answers_the_same_from_its_cache() -> None:
    units.looks_like_unit.cache_clear()
    names = ["市科技局", "推进科技创新", "各区市县政府", "2017", "市发展改革委"]
    first = [units.looks_like_unit(n) for n in names]
    assert first == [True, False, True, False, True]
    assert [units.looks_like_unit(n) for n in names] == first
    assert units.looks_like_unit.cache_info().hits == len(names)


_VERB_TEXT = st.lists(st.sampled_from(["新增", "培育", "建设", "及", "和", "、", "企业", "家", "\n", " ", "实现"]),
                      max_size=8).map("".join)


def _span(m: re.Match[str] | None) -> tuple[int, int] | None:
    return m.span() if m else None


@given(_VERB_TEXT, st.integers(0, 12), st.integers(0, 30))
@settings(max_examples=300, deadline=None)
def test_the_verb_run_check_finds_what_the_search_finds(text: str, start: int, end: int) -> None:
    assert _span(targets._verb_run(text, start, end)) == _span(targets._VERB_RUN_RE.search(text, start, end))
    assert _span(targets._verb_run(text)) == _span(targets._VERB_RUN_RE.search(text))


_LABEL_TEXT = st.lists(st.sampled_from(["牵头单位", "配合单位", "责任单位", "主要牵头单位", "分工", "责任", "(部门)",
                                        "市", "省级", "级", ":", " ", "\t", "A", "、", "(", ")", "牵头", "责任处室",
                                        "、单位", "(按处室排列,下同)", "(", "按顺序"]),
                       max_size=12).map("".join)


@given(_LABEL_TEXT, st.integers(0, 20), st.integers(0, 60))
@settings(max_examples=500, deadline=None)
def test_labels_found_from_the_colons_are_the_labels_the_regex_finds(text: str, start: int, end: int) -> None:
    def spans(found: list) -> list[tuple[int, int, str]]:   # type: ignore[type-arg]
        return [(m.start(), m.end(), m.group("label")) for m in found]
    assert spans(units._find_labels(text, start, end)) == spans(list(units._LABEL.finditer(text, start, end)))
    assert spans(units._find_labels(text)) == spans(list(units._LABEL.finditer(text)))
def _dalian_leaf_items() -> list[similar.Item]:
    plan = parse(SEED.read_text(encoding="utf-8"))
    return [similar.Item(n.id, n.text, frozenset(u.name for u in n.units)) for n in plan.nodes if n.is_leaf]


def test_the_join_on_shared_grams_groups_the_seed_as_the_definition_does() -> None:
    """group_duplicates joins on each unit's shared grams and drops records with too few of them: on the
    Dalian plan's items that leaves ~20 of ~300 records in the join, and the groups are the pairwise
    definition's."""
    items = _dalian_leaf_items()
    for threshold in (0.5, 0.8):
        assert similar.group_duplicates(items, threshold=threshold) == brute_force_groups(items, threshold)


@given(st.lists(st.tuples(st.lists(st.sampled_from(["创新平台", "建设", "市科技局", "。", "支持", "甲", "乙"]),
                                   max_size=10).map("".join),
                          st.frozensets(st.sampled_from("ABC"), max_size=3)), max_size=12),
       st.sampled_from([0.4, 0.6, 0.75, 0.8, 0.9, 1.0]))
@settings(max_examples=300, deadline=None)
def test_the_join_on_shared_grams_matches_the_definition(texts: list[tuple[str, frozenset[str]]],
                                                         threshold: float) -> None:
    items = [similar.Item(f"i{index}", text, units) for index, (text, units) in enumerate(texts)]
    assert similar.group_duplicates(items, threshold=threshold) == brute_force_groups(items, threshold)


_CORPUS_DOCS = Path(__file__).resolve().parents[1] / "corpus" / "docs"
# A phrase of every date pattern, starting with each kind of first character it admits.
_DATE_PHRASES = ["截至2018年底前", "到2018年6月底前", "至二〇一八年", "1999-05-16前", "1999.5", "2018/12/31",
                 "12月底前", "6月上旬", "十二月前", "第三季度末前", "前三季度", "4季度", "上半年", "下半年末",
                 "今年年底前", "本年度内", "当年内", "年内", "年度内", "年底前", "2018年5月16日",
                 "二〇一八年五月十六日", "1999年", "截止到2020年", "截止2019年底", "○○一八年", "零零九八年",
                 "3月5号", "2020年以前"]
_DATE_TEXT = st.lists(st.sampled_from([*_DATE_PHRASES, "2018", "1999", "二〇一八", "年", "月", "底", "末", "前",
                                       "到", "至", "12", "6", "十二", "三", "季度", "第", "内", "日", "-", ".", "/",
                                       "05", "以前", "度", " ", "，", "每", "完成"]),
                      max_size=8).map("".join)


def _plain_date_pattern(pattern: dates.DatePattern) -> re.Pattern[str]:
    """The pattern without the look-ahead of its first characters."""
    lookahead = re.match(r"\(\?=\[[^\]]*\]\)", pattern.regex.pattern)
    assert lookahead is not None
    return re.compile(pattern.regex.pattern[lookahead.end():])


def _date_matches(regex: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in regex.finditer(text)]


def test_the_first_character_look_ahead_of_every_date_pattern_changes_no_match_in_the_corpus() -> None:
    texts = [*_DATE_PHRASES, halfwidth(SEED.read_text(encoding="utf-8"))] + [
        halfwidth(path.read_text(encoding="utf-8")) for path in sorted(_CORPUS_DOCS.glob("*.txt"))]
    for pattern in dates.DATE_PATTERNS:
        plain = _plain_date_pattern(pattern)
        for text in texts:
            assert _date_matches(pattern.regex, text) == _date_matches(plain, text), pattern.name


@given(_DATE_TEXT)
@settings(max_examples=500, deadline=None)
def test_the_first_character_look_ahead_of_every_date_pattern_changes_no_match(text: str) -> None:
    for pattern in dates.DATE_PATTERNS:
        assert _date_matches(pattern.regex, text) == _date_matches(_plain_date_pattern(pattern), text), pattern.name


def _edge_characters(items: Any, *, last: bool = False) -> tuple[set[str] | None, bool]:
    """The characters a match of a parsed regex sequence can start (or with `last`, end) with, None for
    any, and whether the sequence can match the empty string. Zero-width assertions are skipped (a
    superset is safe)."""
    found: set[str] = set()
    for op, av in (reversed(items) if last else items):
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            continue
        if op is sre.LITERAL:
            return found | {chr(av)}, False
        if op is sre.IN:
            for kind, value in av:
                if kind is sre.LITERAL:
                    found.add(chr(value))
                elif kind is sre.RANGE:
                    found.update(chr(code) for code in range(value[0], value[1] + 1))
                else:   # a negated set or a category: anything
                    return None, False
            return found, False
        if op is sre.BRANCH:
            nullable = False
            for alternative in av[1]:
                chars, empty = _edge_characters(alternative, last=last)
                if chars is None:
                    return None, False
                found |= chars
                nullable = nullable or empty
        elif op is sre.SUBPATTERN:
            chars, nullable = _edge_characters(av[3], last=last)
            if chars is None:
                return None, False
            found |= chars
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            chars, empty = _edge_characters(av[2], last=last)
            if chars is None:
                return None, False
            found |= chars
            nullable = empty or av[0] == 0
        else:
            return None, False
        if not nullable:
            return found, False
    return found, True


def test_the_look_ahead_of_every_date_pattern_admits_every_character_its_match_can_start_with() -> None:
    for pattern in dates.DATE_PATTERNS:
        starts, empty = _edge_characters(sre_parser.parse(_plain_date_pattern(pattern).pattern).data)
        assert starts is not None and not empty, pattern.name
        admitted = re.match(r"\(\?=\[([^\]]*)\]\)", pattern.regex.pattern)
        assert admitted is not None
        assert starts <= set(admitted.group(1)), (pattern.name, starts - set(admitted.group(1)))


def test_the_patterns_chosen_by_gate_words_are_those_whose_gate_is_met() -> None:
    words = sorted(dates._GATE_WORDS)
    for bits in range(1 << len(words)):
        present = frozenset(word for i, word in enumerate(words) if bits >> i & 1)
        assert [rank for rank, _ in dates._gated_patterns(present)] == [
            rank for rank, pattern in enumerate(dates.DATE_PATTERNS)
            if not pattern.gate or not present.isdisjoint(pattern.gate)]


def test_match_label_answers_the_same_from_its_cache() -> None:
    """The tree asks match_label about a line several times; the cached Label is the computed one, and
    frozen, so a caller cannot change what the next caller gets."""
    lines.match_label.cache_clear()
    texts = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += ["(一)加快创新", "1.推进建设", "第三章 保障措施", "①完善政策", "2.4%", "1.", "⑵落实", "十、其他"]
    computed = [lines.match_label.__wrapped__(halfwidth(text), text) for text in texts]
    assert sum(label is not None for label in computed) > 300
    assert [lines.match_label(halfwidth(text), text) for text in texts] == computed
    assert [lines.match_label(halfwidth(text), text) for text in texts] == computed
    assert lines.match_label.cache_info().hits >= len(texts)
    label = next(label for label in computed if label is not None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        label.value = 99  # type: ignore[misc]


def _corpus_texts() -> list[str]:
    return [SEED.read_text(encoding="utf-8")] + [
        path.read_text(encoding="utf-8") for path in sorted(_CORPUS_DOCS.glob("*.txt"))]


@given(st.lists(st.sampled_from(["，", ",", "１２", "３％", "达到", "ａ", "　", "。", "市"]), max_size=10).map("".join))
@settings(max_examples=300, deadline=None)
def test_prepare_keeps_the_full_width_comma_as_the_character_loop_did(text: str) -> None:
    norm = halfwidth(text)
    assert targets._prepare(text) == "".join("，" if o == "，" else n for o, n in zip(text, norm, strict=True))


@given(st.lists(st.sampled_from(["，", ",", "1", "12", "一", "十", "、", ".", "．", "（", "(", "）", ")", " ", "①",
                                 "年", "达到", "家", "市"]), max_size=10).map("".join))
@example("12，3.5%")
@example("(一)，达到3家")
@settings(max_examples=500, deadline=None)
def test_the_number_check_before_prepare_reads_the_label_and_numbers_as_the_prepared_text(text: str) -> None:
    """find_targets matches the label and looks for a number on halfwidth() text, before _prepare()."""
    half, norm = halfwidth(text), targets._prepare(text)
    label, prepared_label = targets._LABEL_RE.match(half), targets._LABEL_RE.match(norm)
    assert _span(label) == _span(prepared_label)
    start = label.end() if label else 0
    if targets.MAY_HOLD_MEASURE_RE.search(half, start) is None:   # the measure gate reads the halfwidth() text
        assert targets.MEASURE_RE.search(norm, start) is None


def _reference_excluded(ms: targets._Measure, before: str, after: str, has_comparator: bool) -> bool:
    """targets._excluded as it read before the rows were looked up per kind, unit and comparator."""
    kind = ms.rule.kind if ms.rule else "count"
    upper_bound = (ms.match.group("suffix") or "").strip() in ("以内", "以下", "之内")
    if ms.rule is not None and ms.rule.needs_comparator and not has_comparator and not upper_bound:
        return True
    if ms.is_cn:
        if not has_comparator and not targets._COUNT_VERB_RE.search(before):
            return True
        if ms.value == 1 and ms.unit in ("批", "次"):
            return True
        if ms.match.group("num")[0] in "零〇○":
            return True

    def applies(rule: targets.Exclusion) -> bool:
        if rule.kinds is not None and kind not in rule.kinds:
            return False
        if rule.units is not None and (ms.rule is None or ms.rule.unit not in rule.units):
            return False
        if rule.waived_by_comparator and has_comparator:
            return False
        anchored = rule.before is not None and rule.before.pattern.endswith("$")
        from_pos = max(0, len(before) - targets._COMPARATOR_TAIL) if anchored else 0
        if rule.before is not None and not rule.before.search(before, from_pos):
            return False
        return rule.after is None or bool(rule.after.search(after))
    return any(applies(rule) for rule in targets.EXCLUSIONS)


def test_the_exclusions_looked_up_per_kind_unit_and_comparator_decide_as_every_row_did(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[targets._Measure, str, str, bool]] = []
    excluded = targets._excluded

    def spy(ms: targets._Measure, before: str, after: str, has_comparator: bool) -> bool:
        seen.append((ms, before, after, has_comparator))
        return excluded(ms, before, after, has_comparator)
    monkeypatch.setattr(targets, "_excluded", spy)
    extra = ("人才政策19条，第3届，最高2000万元，给予500万元奖励，按实际发生额的75%，二期工程，每万人口，共23项，"
             "5个方面，在5个基层法庭，给予支持的国家级科技企业孵化器和众创空间在完成年度绩效考核和市级评估后新增投入500万元")
    for text in [*_corpus_texts(), extra]:
        for paragraph in text.split("\n"):
            targets.find_targets(paragraph, default_year=2018)
    assert len(seen) > 1000
    assert sum(excluded(*args) for args in seen) > 100
    assert [excluded(*args) for args in seen] == [_reference_excluded(*args) for args in seen]


_COMPARATOR_WORDS = sorted({word for _, regex, _ in targets.COMPARATORS
                            for word in re.findall(r"[\u4e00-\u9fff]+", regex.pattern)})


@given(st.lists(st.sampled_from([*_COMPARATOR_WORDS, "的", " ", "\n", "市", "为", "2017年", "上年"]),
                max_size=6).map("".join))
@settings(max_examples=500, deadline=None)
def test_a_comparator_ends_with_one_of_the_characters_checked_first(before: str) -> None:
    stripped = before.rstrip()
    if not stripped or stripped[-1] not in targets._COMPARATOR_LAST:
        assert not any(regex.search(before) for _, regex, _ in targets.COMPARATORS)


def test_every_comparator_ends_with_a_character_checked_first() -> None:
    """Each comparator ends with its words, then whitespace (which the check strips) and $."""
    for name, regex, _ in targets.COMPARATORS:
        items = list(sre_parser.parse(regex.pattern).data)
        (repeat, (least, most, spaces)), at_end = items[-2:]
        assert (repeat, least, most, list(spaces)) == (
            sre.MAX_REPEAT, 0, sre.MAXREPEAT, [(sre.IN, [(sre.CATEGORY, sre.CATEGORY_SPACE)])]), name
        assert at_end == (sre.AT, sre.AT_END), name
        ends, empty = _edge_characters(items[:-2], last=True)
        assert ends is not None and not empty, name
        assert ends <= targets._COMPARATOR_LAST, (name, ends - targets._COMPARATOR_LAST)


def test_every_comparator_word_ends_with_a_character_checked_first_when_it_ends_a_match() -> None:
    for word in _COMPARATOR_WORDS:
        for prefix in ("", "比上年", "力争"):
            text = prefix + word
            if any(regex.search(text) for _, regex, _ in targets.COMPARATORS):
                assert text[-1] in targets._COMPARATOR_LAST, text


def test_every_blanket_rule_says_the_word_find_blanket_rule_checks_first() -> None:
    assert units._BLANKET_RULE.pattern.count(units._BLANKET_WORD) == 4   # the four forms saying it
    assert units.find_blanket_rule("以下各项任务均需各区政府落实，不再列出") is not None
    assert units.find_blanket_rule("以下各项任务均需各区政府落实") is None
    assert units.find_blanket_rule("各项政策措施均需各区政府落实,以下不再列出") is not None


# The inline-item trigger as an alternation of its forms, before it was written first character first.
_INLINE_TRIGGER_FORMS = re.compile(
    rf"[{lines.CIRCLED}]|\((?:\d{{1,3}}|{lines._CN})\)|\d\)|[。;；:：] ?\d{{1,2}}[.．、](?![\d.．、])")
_INLINE_TEXT = st.lists(st.sampled_from(["(", ")", "1", "12", "一", "十二", "①", "⑳", "。", ";", "：", " ", ".",
                                         "．", "、", "2.5", "推进", "(责任单位:市科技局)"]),
                        max_size=14).map("".join)


# The trigger finds "1)" at its ")": its matches end where the forms' matches end (only their number counts).
def test_the_inline_trigger_finds_what_the_alternation_of_its_forms_finds_in_the_corpus() -> None:
    for text in _corpus_texts():
        for line in halfwidth(text).splitlines():
            assert [m.end() for m in lines._INLINE_TRIGGER.finditer(line)] == [
                m.end() for m in _INLINE_TRIGGER_FORMS.finditer(line)]


@given(_INLINE_TEXT)
@settings(max_examples=500, deadline=None)
def test_the_inline_trigger_finds_what_the_alternation_of_its_forms_finds(text: str) -> None:
    assert [m.end() for m in lines._INLINE_TRIGGER.finditer(text)] == [
        m.end() for m in _INLINE_TRIGGER_FORMS.finditer(text)]


def _reference_year_before(norm: str, pos: int, masked: list[tuple[int, int]]) -> int | None:
    """targets._year_before as it read before the check for 年."""
    window_start = max(0, pos - targets._MAX_SENTENCE)
    sentence_start = max(norm.rfind(ch, window_start, pos) for ch in targets._SENTENCE_END) + 1
    year = None
    for m in targets._YEAR_RE.finditer(norm, max(sentence_start, window_start), pos):
        if targets._inside(masked, m.start()):
            continue
        found = numerals.cn_digit_year(m.group("y"))
        if found is not None and 1900 <= found <= 2100:
            year = found
    return year


@given(st.lists(st.sampled_from(["2018", "年", "二〇二〇", "。", "到", "比", " ", "底", "新增", "5家", "《", "》"]),
                max_size=12).map("".join), st.integers(0, 40))
@settings(max_examples=500, deadline=None)
def test_the_year_before_a_target_is_the_one_the_full_scan_finds(text: str, pos: int) -> None:
    masked = [m.span() for m in re.finditer(r"《[^》]*》", text)]
    assert targets._year_before(text, pos, masked) == _reference_year_before(text, pos, masked)


@contextmanager
def _patched(owner: object, name: str, value: object) -> Iterator[None]:
    """`owner` with one attribute replaced for the block (hypothesis runs many examples per test function, so
    pytest's function-scoped monkeypatch does not fit)."""
    saved = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, saved)


def _gate_open(name: str, value: Any) -> AbstractContextManager[None]:
    """The units module with one of its fast-path gates replaced."""
    return _patched(units, name, value)


_DUTY_TEXT = st.lists(st.sampled_from([
    "区交通委", "市科技局", "各街镇", "区经委、区司法局等部门", "交通运输", "负责", "牵头", "配合", "会同", "联合",
    "协助", "协同", "参与", "组织实施", "是", "指导", "要", "应当", "按照", "职责", "需", "须", "必须", "履行",
    "承担", "落实", "主体责任", "由", "为成员单位", "推进", "建设", "处置主体", "、", "，", "。", "；", "（", "）"]),
    max_size=10).map("".join)


@given(_DUTY_TEXT)
@example("各街镇是处置主体。")
@example("区交通委负责道路养护，市科技局配合。")
@example("区经委、区司法局等部门应当按照各自职责做好工作。")
@example("区交通委要指导各街镇。")
@example("区交通委须履行相应职责。")
@example("由区建交委会同区房管局推进。")
@example("区绿化市容局牵头，区建管委、区交通委为成员单位。")
@settings(max_examples=400, deadline=None)
def test_find_duty_units_skips_only_texts_where_no_clause_can_give_a_duty(text: str) -> None:
    gated = units.find_duty_units(text)
    with _gate_open("_DUTY_CHARS", re.compile("")):   # matches every text: the gate never skips
        assert gated == units.find_duty_units(text)


def test_find_duty_units_finds_nothing_where_its_gate_skips_in_the_seed() -> None:
    skipped = [text for text in SEED.read_text(encoding="utf-8").splitlines()
               if not units._DUTY_CHARS.search(halfwidth(text))]
    assert len(skipped) > 100
    with _gate_open("_DUTY_CHARS", re.compile("")):
        assert [text for text in skipped if units.find_duty_units(text)] == []


_UNBRACKETED_TEXT = st.lists(st.sampled_from([
    "责任单位", "牵头单位", "配合单位", "责 任 单 位", "市", "主要", ":", "：", "(", ")", "（", "）", "(部门)",
    "【", "】", "〔", "〕", "市科技局", "区交通委", "、", "，", "。", "；", " ", "推进建设", "2018年底前",
    "完成时限"]), max_size=14).map("".join)


@given(_UNBRACKETED_TEXT)
@example("推进平台建设。（责任单位：市科技局、市财政局）")
@example("责任单位(部门)：市科技局（牵头）")
@example("（一）推进建设（2018年）。责任单位：市科技局")
@settings(max_examples=600, deadline=None)
def test_an_unbracketed_marker_is_skipped_only_where_every_colon_is_enclosed(text: str) -> None:
    h = halfwidth(text)
    gated = units._unbracketed_marker(text, h, False)
    with _gate_open("_colons_enclosed", lambda h, start, end: False):   # the gate never skips
        assert gated == units._unbracketed_marker(text, h, False)


@given(_DUTY_TEXT)
@example("（一）区交通委负责道路养护。")
@example("区经委、区司法局等部门应当按照各自职责做好工作")
@example("各街道、各部门要全面落实责任制")
@example("区交通委切实履行相应职责")
@settings(max_examples=400, deadline=None)
def test_a_clause_without_a_predicate_character_has_no_unit_subject(text: str) -> None:
    found = [units._unit_subject(text, halfwidth(text), start) for start in range(len(text))]
    title = units.find_unit_title(text)
    with _gate_open("_PREDICATE_CHARS", re.compile("")):   # matches every clause: the gate never skips
        assert found == [units._unit_subject(text, halfwidth(text), start) for start in range(len(text))]
        assert title == units.find_unit_title(text)


def _brackets_with_counts(h: str) -> list[tuple[int, int, bool]]:
    """The bracket groups as _brackets found them before it searched its stack: per-kind open counts, and
    a closing bracket popping the stack down to its opener."""
    groups: list[tuple[int, int, bool]] = []
    stack: list[tuple[str, int]] = []
    open_count = dict.fromkeys(units._OPEN_TO_CLOSE, 0)
    for i, ch in enumerate(h):
        if ch in units._OPEN_TO_CLOSE:
            stack.append((ch, i))
            open_count[ch] += 1
        elif ch in units._CLOSE_TO_OPEN:
            opener = units._CLOSE_TO_OPEN[ch]
            if not open_count[opener]:
                continue
            while stack:
                o, pos = stack.pop()
                open_count[o] -= 1
                if o == opener:
                    groups.append((pos, i + 1, True))
                    break
    groups.extend((pos, len(h), False) for _, pos in stack)
    return groups


_BRACKET_TEXT = st.text(st.sampled_from("()[]【】〔〕〖〗{}〈〉甲:，"), max_size=24)


@given(_BRACKET_TEXT)
@settings(max_examples=1000, deadline=None)
@example("(甲〔乙)丙〕)")
@example("】(【(】)")
def test_the_stack_search_finds_the_bracket_groups_the_open_counts_find(text: str) -> None:
    assert units._brackets(text) == _brackets_with_counts(text)


_ROLE_PIECES = ["市科技局", "市财政局", "各区政府", "会同", "按职责分工", "依职能", "负责", "牵头", "配合", "协办",
                "(责任单位)", "(牵头)", "(配合单位)", "、", ",", "等部门", "由", "2018年底前完成",
                "为主体", "为责任单位", "职", "责任", "单位", "2017"]
_ROLE_TEXT = st.lists(st.sampled_from(_ROLE_PIECES), max_size=8).map("".join)


def _verbs_read(text: str, before: str, after: str) -> tuple[object, ...] | None:
    whole = before + text + after
    h = halfwidth(whole)
    parsed = units._parse_verbs(whole, h, len(before), len(before) + len(text))
    return None if parsed is None else (tuple((u.raw, u.role, u.span) for u in parsed.units), parsed.deadline)


@given(_ROLE_TEXT, st.sampled_from(["", "甲(", "负责("]), st.sampled_from(["", ")乙", ")牵头"]))
@settings(max_examples=1000, deadline=None)
@example("市科技局(责任单位)", "", "")
@example("市科技局会同市财政局", "", "")
@example("市科技局按职责分工", "", "")
def test_parse_verbs_reads_only_what_passes_its_role_word_gate(text: str, before: str, after: str) -> None:
    gated = _verbs_read(text, before, after)
    gate = units._may_name_a_role
    units._may_name_a_role = lambda h, start, end: True
    try:
        ungated = _verbs_read(text, before, after)
    finally:
        units._may_name_a_role = gate
    assert gated == ungated
