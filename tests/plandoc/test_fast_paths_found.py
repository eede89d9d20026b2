"""Less work per field found gives the results of the longer way (eighth round of the speed work, as
tests/plandoc/test_fast_paths.py checks the earlier shortcuts against what they replaced).
"""

from __future__ import annotations

import itertools
import re
import re._parser as sre_parser  # the parsed form of a pattern, to read what its matches end with
from collections.abc import Callable
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from luoshi.plandoc import lines, targets, tree, units
from luoshi.plandoc.model import Span, Target, UnitRef
from luoshi.plandoc.normalize import halfwidth

from .test_fast_paths import _edge_characters

CORPUS_DOCS = Path(__file__).resolve().parents[1] / "corpus/docs"
SEED = Path(__file__).resolve().parents[2] / "src/luoshi/plandoc/data/dalian-2018-innovation-workplan.txt"


def _paragraphs() -> list[str]:
    texts = [SEED.read_text(encoding="utf-8")] + [
        path.read_text(encoding="utf-8") for path in sorted(CORPUS_DOCS.glob("*.txt"))]
    return [paragraph for text in texts for paragraph in text.split("\n") if paragraph.strip()]


# -- targets: the comparators tried by the last character before the number ------------------------

def test_each_comparator_is_tried_for_every_character_its_match_can_end_with() -> None:
    """Each comparator ends with its words, then whitespace and $: the characters its words can end with are
    those _COMPARATORS_BY_LAST tries it for."""
    assert [name for name, _, _ in targets.COMPARATORS] == list(targets._COMPARATOR_ENDS)
    for name, regex, _ in targets.COMPARATORS:
        items = list(sre_parser.parse(regex.pattern).data)
        ends, empty = _edge_characters(items[:-2], last=True)
        assert ends is not None and not empty, name
        assert ends <= set(targets._COMPARATOR_ENDS[name]), (name, ends - set(targets._COMPARATOR_ENDS[name]))
    for last, rows in targets._COMPARATORS_BY_LAST.items():   # in the order of COMPARATORS
        assert list(rows) == [row for row in targets.COMPARATORS if last in targets._COMPARATOR_ENDS[row[0]]]


def _reference_comparator(before: str) -> targets._Comparator | None:
    """targets._comparator without the look-up by the last character: every comparator tried in order."""
    stripped = before.rstrip()
    if stripped:
        tail_start = max(0, len(before) - targets._COMPARATOR_TAIL)
        for name, regex, op in targets.COMPARATORS:
            m = regex.search(before, tail_start)
            if m:
                return targets._Comparator(name, op, m.start(),
                                           m.span("object") if "object" in regex.groupindex else None)
    if not stripped.endswith("的"):
        return None
    for cut in range(len(before) - 2, max(len(before) - 18, 0), -1):
        if targets._REFERENCE_GAP_RE.fullmatch(before, cut):
            for name, regex, op in targets.COMPARATORS:
                m = regex.search(before, 0, cut)
                if m and op in (">=", "<=") and "object" not in regex.groupindex:
                    return targets._Comparator(name, op, m.start())
    return None


_COMPARATOR_WORDS = sorted({word for _, regex, _ in targets.COMPARATORS
                            for word in re.findall(r"[\u4e00-\u9fff]+", regex.pattern)})


@given(st.lists(st.sampled_from([*_COMPARATOR_WORDS, "的", " ", "\n", "市", "为", "2017年", "上年", "企业数量",
                                 "规定时限"]), max_size=7).map("".join))
@example("比上年增长")
@example("力争达到")
@example("压缩企业开办时间至")
@example("不超过国家规定时限的")
@settings(max_examples=1500, deadline=None)
def test_the_comparator_looked_up_by_its_last_character_is_the_one_every_regex_finds(before: str) -> None:
    assert targets._comparator(before) == _reference_comparator(before)


def test_the_comparator_of_every_measure_of_the_corpus_is_the_one_every_regex_finds() -> None:
    seen: list[str] = []
    comparator = targets._comparator

    def spy(before: str) -> targets._Comparator | None:
        seen.append(before)
        return comparator(before)
    targets._comparator = spy
    try:
        for paragraph in _paragraphs():
            targets.find_targets(paragraph, default_year=2018)
    finally:
        targets._comparator = comparator
    assert len(seen) > 1000
    assert sum(comparator(before) is not None for before in seen) > 300
    assert [comparator(before) for before in seen] == [_reference_comparator(before) for before in seen]


# -- targets: quotations and titles looked for once a measure is no exclusion ----------------------

def _reference_find_targets(text: str, *, default_year: int | None = None) -> list[Target]:
    """targets.find_targets as it read before: quotations, titles and 文号 found before the first measure is
    read, and a measure inside one skipped before its exclusions are tried."""
    half = halfwidth(text)
    label_end = m.end() if (m := targets._LABEL_RE.match(half)) else 0
    if not targets.MAY_HOLD_MEASURE_RE.search(half, label_end):
        return []
    norm = targets._prepare(text)
    measures = [ms for m in targets.MEASURE_RE.finditer(norm, label_end) if (ms := targets._measure(m)) is not None]
    if not measures:
        return []
    masked: list[Span] = targets._masked_spans(text, norm)
    found: list[Target] = []
    floor = label_end
    for i, ms in enumerate(measures):
        if targets._inside(masked, ms.start):
            continue
        clause_start = targets._clause_start(norm, ms.start, max(floor, ms.start - targets._MAX_CLAUSE))
        before = norm[clause_start:ms.start]
        after = norm[ms.end:ms.end + 12]
        comparator = targets._comparator(before)
        if targets._excluded(ms, before, after, comparator is not None):
            continue
        if targets._is_attribute(norm, ms, measures[i + 1] if i + 1 < len(measures) else None, before, comparator):
            continue
        next_start = measures[i + 1].start if i + 1 < len(measures) else len(norm)
        target = targets._build(text, norm, ms, clause_start, comparator, default_year, masked, next_start)
        if target.basis is None and comparator is None and found and found[-1].basis != "rate" and (
                clause_start == floor or targets._SUBSET_RE.match(norm, floor, ms.start)):
            target.basis = found[-1].basis
        found.append(target)
        floor = target.span[1] if target.span else ms.end
    return found


_TARGET_PIECES = ["《", "》", "“", "”", "大政发〔2017〕16号", "3家", "5%", "10项", "一批", "第3届", "达到", "新增",
                  "不低于", "2018年", "到2020年", "，", "。", "、", "其中", "高新技术企业", "给予", "500万元", "奖励",
                  "每万人口", "发明专利拥有量", "18件", "(一)", "1.", "共", "23项", "措施", "的"]


@given(st.lists(st.sampled_from(_TARGET_PIECES), max_size=16).map("".join))
@example("《关于支持3家企业的意见》新增5家")
@example("“十三五”期间新增3家，到2020年达到10家")
@example("(大政发〔2017〕16号)新增一批，达到5%")
@settings(max_examples=1500, deadline=None)
def test_find_targets_reads_what_it_read_with_the_quotations_found_first(text: str) -> None:
    assert targets.find_targets(text, default_year=2018) == _reference_find_targets(text, default_year=2018)


def test_find_targets_reads_every_corpus_paragraph_as_with_the_quotations_found_first() -> None:
    paragraphs = _paragraphs()
    assert len(paragraphs) > 10_000
    found = 0
    for paragraph in paragraphs:
        read = targets.find_targets(paragraph, default_year=2018)
        assert read == _reference_find_targets(paragraph, default_year=2018), paragraph
        found += len(read)
    assert found > 1000


# -- targets: the year before a target -----------------------------------------------------------

def test_the_year_scan_reads_halfwidth_text_with_no_full_width_sentence_end() -> None:
    """_year_before looks for 。!? only: the text it reads is _prepare()d, where ！ and ？ are ! and ?."""
    assert targets._prepare("到2020年！新增3家？，") == "到2020年!新增3家?，"
    assert set(targets._SENTENCE_END) == {"。", "!", "?"}


_YEAR_PLAIN = re.compile(targets._YEAR_RE.pattern.replace("(?=[12〇零○一二])", "", 1))


@given(st.lists(st.sampled_from(["2018", "1999", "2100", "3018", "年", "二〇二〇", "一九九九", "三〇二〇", "〇", "零",
                                 "○", "比", "同", "-", "~", "1", "2", " ", "以来", "的", "前", "基础上", "。"]),
                max_size=12).map("".join))
@settings(max_examples=1500, deadline=None)
def test_the_year_regex_finds_with_its_first_character_look_ahead_what_it_found_without(text: str) -> None:
    assert _YEAR_PLAIN.pattern != targets._YEAR_RE.pattern
    for start in range(len(text) + 1):
        assert [m.span() for m in targets._YEAR_RE.finditer(text, start)] == [
            m.span() for m in _YEAR_PLAIN.finditer(text, start)]


def test_the_year_regex_finds_in_the_corpus_with_its_look_ahead_what_it_found_without() -> None:
    for paragraph in _paragraphs():
        norm = targets._prepare(paragraph)
        assert [m.span() for m in targets._YEAR_RE.finditer(norm)] == [m.span() for m in _YEAR_PLAIN.finditer(norm)]


# -- tree: a segment's marker units added at once --------------------------------------------------

def _take_marker_unit_by_unit(builder: tree.TreeBuilder, draft: tree.Draft, seg: tree.Segment, *,
                              own_line: bool) -> bool:
    """TreeBuilder._take_marker as it read before: each marker's units added as the marker was read, each
    marker cut out of the segment's text one after the other, from the last."""
    markers = units.find_unit_markers(seg.raw, first_is_lead=builder.first_is_lead,
                                      lead_before_comma=builder.lead_before_comma)
    if not markers:
        return False
    if own_line:
        draft.units = []
    later = not own_line and any(not u.inherited for u in draft.units)
    standing_before = list(builder.standing)
    covered_from = 0
    for marker in markers:
        covers = tree._covered(seg, covered_from, marker.span[0]) if len(markers) > 1 or later else None
        covered_from = marker.span[1]
        found = [UnitRef(u.raw, u.role, False, seg.span(u.span), covers) for u in marker.units]
        tree._add_units(draft, found)
        marker_text = halfwidth(seg.raw[marker.span[0]:marker.span[1]]) \
            if seg.raw.find("下同", *marker.span) >= 0 else ""
        if marker_text and tree._SAME_BELOW_END.search(marker_text) \
                and not tree._LEAD_RULE_NOTE_AT_END.search(marker_text) \
                and not tree._RULE_SENTENCE_AT_END.search(marker_text):
            builder.standing = [r for r in found if r.role != "lead"] or found
        if marker.deadline_text and marker.deadline_span and draft.deadline_cell is None:
            draft.deadline_cell = tree.Segment(marker.deadline_text, seg.at(marker.deadline_span[0]))
    tree._add_units(draft, standing_before, by_name=True)
    for marker in reversed(markers):
        seg.remove(*_cut(seg.raw, marker))
    return True


def _cut(raw: str, marker: units.UnitMarker) -> tuple[int, int]:
    """tree._cuts for one marker, as it read before: on the text the cuts right of it left."""
    start = len(raw[: marker.span[0]].rstrip())
    after = raw[marker.span[1]:]
    if after.strip() in ("", "。", ".", "；", ";"):
        return start, len(raw)
    return start, marker.span[1] + len(after) - len(after.lstrip())


_MARKER_PIECES = ["推进工作。", "落实", "，", "。", " ", "（责任单位：市科技局）", "（责任单位：市科技局、市财政局）",
                  "（市发展改革委牵头，市科技局配合）", "（责任单位：市财政局，下同）",
                  "（牵头单位：市科技局；配合单位：市财政局）", "（2018年底前完成，牵头单位：市财政局）",
                  "责任单位：市科技局、各区市县政府"]


def _segment(text: str, breaks: tuple[int, ...] | list[int]) -> tree.Segment:
    """The text as a segment of lines joined at `breaks` (each line one character further on in the source)."""
    cuts = sorted({min(max(b, 1), len(text)) for b in breaks if 0 < b < len(text)})
    bounds = [0, *cuts, len(text)]
    seg = tree.Segment(text[:bounds[1]], 7)
    for k, (a, b) in enumerate(itertools.pairwise(bounds[1:]), 1):
        seg.join(tree.Segment(text[a:b], 7 + a + k))
    return seg


def _taken(text: str, own_line: bool, before: list[UnitRef], standing: list[UnitRef],
           take: Callable[..., bool], breaks: tuple[int, ...] | list[int] = ()) -> tuple[object, ...]:
    builder = tree.TreeBuilder(lead_rule_from=None, warnings=[])
    builder.standing = list(standing)
    seg = _segment(text, breaks)
    draft = tree.Draft("1", "ar_dot", 1, None, seg, units=list(before))
    took = take(builder, draft, seg, own_line=own_line)
    cell = draft.deadline_cell
    return (took, draft.units, seg.raw, seg.joins, builder.standing,
            None if cell is None else (cell.raw, cell.start, cell.joins))


@given(st.lists(st.sampled_from(_MARKER_PIECES), max_size=10).map("".join), st.booleans(),
       st.sampled_from([[], [UnitRef("市科技局", "responsible")], [UnitRef("市科技局", "responsible", True)]]),
       st.sampled_from([[], [UnitRef("市审计局", "support")], [UnitRef("市科技局", "responsible")]]),
       st.lists(st.integers(0, 120), max_size=4))
@example("推进工作。（责任单位：市科技局）推进工作。（责任单位：市科技局）", False, [], [], [])
@example("推进工作。（责任单位：市科技局） 。（责任单位：市财政局）。", True, [], [], [9, 17])
@example("推进工作。（责任单位：市科技局）（责任单位：市财政局） 落实", True, [], [], [16, 17])
@settings(max_examples=2000, deadline=None)
def test_a_segment_s_markers_taken_at_once_are_those_taken_marker_by_marker(
        text: str, own_line: bool, before: list[UnitRef], standing: list[UnitRef], breaks: list[int]) -> None:
    """Their units added at once, their cuts found from right to left without the text cut so far and made in
    one pass (Segment.remove_all), on segments of one line or of lines joined."""
    at_once = _taken(text, own_line, before, standing, lambda b, *a, **k: b._take_marker(*a, **k), breaks)
    one_by_one = _taken(text, own_line, before, standing, _take_marker_unit_by_unit, breaks)
    assert at_once == one_by_one


@given(st.text(alphabet="甲乙 。", min_size=1, max_size=40), st.lists(st.integers(0, 40), max_size=4),
       st.lists(st.tuples(st.integers(0, 40), st.integers(1, 6)), max_size=6), st.booleans())
@settings(max_examples=2000, deadline=None)
def test_removing_cuts_in_one_pass_maps_the_text_as_removing_them_from_the_right(
        text: str, breaks: list[int], wanted: list[tuple[int, int]], to_end: bool) -> None:
    cuts: list[tuple[int, int]] = []   # non-empty, apart or touching; the last may hold the rest of the text
    for start, length in sorted(wanted):
        if start >= len(text) or (cuts and start < cuts[-1][1]):
            continue
        cuts.append((start, min(len(text), start + length)))
    if to_end and cuts:
        cuts[-1] = (cuts[-1][0], len(text))
    one_pass, from_right = _segment(text, breaks), _segment(text, breaks)
    one_pass.remove_all(list(reversed(cuts)))
    for cut in reversed(cuts):
        from_right.remove(*cut)
    assert (one_pass.raw, one_pass.joins, one_pass._joins, one_pass._origin) == (
        from_right.raw, from_right.joins, from_right._joins, from_right._origin)
    assert [one_pass.at(i) for i in range(len(one_pass.raw) + 1)] == [
        from_right.at(i) for i in range(len(from_right.raw) + 1)]


# -- units: the duties of a clause read where they stand ---------------------------------------------

def _reference_duty_role(text: str) -> str:
    """units.duty_role as it read before: on a half-width copy of the text, stripped."""
    h = halfwidth(text).lstrip(units._TRIM)
    manner = units._BY_DUTIES.match(h)
    if manner is not None and manner.end() < len(h):
        h = h[manner.end():].lstrip(units._TRIM)   # '按照职责,协同做好…': the verb after the manner
    if units._GUIDES.match(h):
        return "support"
    run = units._VERB_RUN.match(h)
    if run is not None and h.startswith("负责") and not any(v in run.group() for v in units._LEAD_VERBS):
        return "responsible"   # '负责指导督促…'
    return (units.verb_role(run.group()) if run else None) or "responsible"


def _reference_find_duty_units(text: str) -> list[units.MarkerUnit]:
    """units.find_duty_units as it read before: each clause's duties copied from the text and normalised again."""
    h = halfwidth(text)
    if not units._DUTY_CHARS.search(h) and ":" not in h[:units._MAX_TITLE_LEN + 10]:
        return []
    found: list[units.MarkerUnit] = []
    for start in [0, *(m.end() for m in units._SENTENCE_BREAK.finditer(h))]:
        subject = units._unit_subject(text, h, start)
        if subject is not None:
            rest = text[subject[1]:]
            duties = halfwidth(rest).lstrip(units._TRIM)
            together = units._TOGETHER_WITH.match(duties)
            partners = units._partner_units(text, h, len(h) - len(duties) + together.end()) if together else None
            if partners is None and together is not None and together.group().endswith("联合"):
                continue
            if partners is not None and together is not None and together.group().endswith("牵头") \
                    and not any(units.is_collective_name(u.raw) for u in partners) and len(partners) < 2:
                partners = None
            if partners is not None:
                found.extend(units.MarkerUnit(u.raw, "lead", u.span) for u in subject[0])
                found.extend(units.MarkerUnit(u.raw, "support", u.span) for u in partners)
                continue
            named = units._NAMED_AS.match(halfwidth(rest))   # 'X为…牵头责任单位': the role the sentence names
            role = (units.verb_role(named.group("named")) or "responsible") if named else _reference_duty_role(rest)
            found.extend(units.MarkerUnit(u.raw, role, u.span) for u in subject[0])  # type: ignore[arg-type]
    for m in units._BY_UNIT.finditer(h):
        names = "names" if m.group("names") is not None else "group"
        listed = units._unit_list(text, h, m.start(names), m.end(names))
        if not listed:
            continue
        if m.group("verb") is None:
            role = _reference_duty_role(text[m.end():])
            found.extend(units.MarkerUnit(u.raw, role, u.span) for u in listed)  # type: ignore[arg-type]
            continue
        if m.group("verb") == "会同":
            found.extend(units.MarkerUnit(u.raw, "lead", u.span) for u in listed)
            found.extend(units.MarkerUnit(u.raw, "support", u.span)
                         for u in units._partner_units(text, h, m.end()) or [])
            continue
        verb = units.verb_role(m.group("verb")) or "responsible"
        found.extend(units.MarkerUnit(u.raw, verb, u.span) for u in listed)
    for m in units._WITH_PARTNERS.finditer(h):
        group = "group" if m.group("group") is not None else "after_lead"
        if "牵头" in h[h.rfind("。", 0, m.start()) + 1:m.start()]:
            found.extend(units.MarkerUnit(u.raw, "support", u.span)
                         for u in units._unit_list(text, h, m.start(group), m.end(group)) or [])
    for m in units._LEADS_OTHERS.finditer(h) if units._LEADS in h else ():
        found.extend(units.MarkerUnit(u.raw, "support", u.span) for u in units._partner_units(text, h, m.end()) or [])
    for m in units._MEMBERS.finditer(h) if units._MEMBER_WORD in h else ():
        sentence = h.rfind("。", 0, m.start()) + 1
        if "牵头" in h[sentence:m.start()]:
            found.extend(units.MarkerUnit(u.raw, "support", u.span)
                         for u in units._unit_list(text, h, m.start("names"), m.end("names")) or [])
    leads = {u.raw for u in found if u.role == "lead"}
    seen: set[str] = set()
    out = []
    for u in sorted(found, key=lambda u: u.span):
        if u.raw not in seen and (u.role == "lead" or u.raw not in leads):
            seen.add(u.raw)
            out.append(u)
    return out


_DUTY_PIECES = ["市科技局", "区交通委", "各街镇", "由", "负责", "牵头", "会同", "联合", "配合", "要", "加强指导",
                "落实", "是处置主体", "等部门", "市财政局", "、", "，", "；", "。", " ", "　", "，", "为成员单位",
                "开展工作"]


@given(st.lists(st.sampled_from(_DUTY_PIECES), max_size=14).map("".join))
@example("区交通委负责，　会同市财政局开展工作。各街镇是处置主体")
@example("由市科技局牵头，区交通委、市财政局为成员单位")
@settings(max_examples=2000, deadline=None)
def test_the_duty_units_read_in_place_are_those_read_from_copies(text: str) -> None:
    assert units.find_duty_units(text) == _reference_find_duty_units(text)
    assert units.duty_role(text) == _reference_duty_role(text)


def test_the_duty_units_of_every_corpus_paragraph_are_those_read_from_copies() -> None:
    found = 0
    for paragraph in _paragraphs():
        read = units.find_duty_units(paragraph)
        assert read == _reference_find_duty_units(paragraph), paragraph
        found += len(read)
    assert found > 200


# -- lines and tree: the label after each marker read in place ---------------------------------------

def _reference_match_label(norm: str, raw: str) -> lines.Label | None:
    """lines.match_label as it read before the match was shared with label_at."""
    if not norm:
        return None
    for style in lines._styles_for(norm[0]):
        m = style.pattern.match(norm)
        if not m:
            continue
        value = lines.label_value(style.name, m.group(1))
        if value is None or value == 0:
            continue
        closing = style.name in ("cn_paren", "ar_paren") and norm[m.end(1): m.end(1) + 1] == ")"
        label = raw[m.start(): m.end(1) + (1 if closing else 0)]
        if style.name in ("part", "chapter", "section", "article"):
            label = raw[: m.end(1) + len(lines._suffix(style.name))]
        elif style.name == "ar_half_paren":
            label = raw[: m.end(1) + 1]
        text_start = m.end()
        if text_start >= len(norm) and style.name not in ("part", "chapter", "section", "article"):
            continue
        return lines.Label(style.name, value, label.strip(), text_start, norm[m.end(1):text_start].strip()[:1])
    return None


_LABEL_PIECES = ["第", "一", "十二", "部分", "章", "节", "条", "(", ")", "1", "12", "2018年", "9月30日", ".", "、",
                 ",", "。", " ", "①", "⑴", "㈠", "推进", "：", "0", "零", "两"]


def test_no_heading_pattern_looks_behind_where_label_at_matches() -> None:
    assert not any("(?<" in style.pattern.pattern or "^" in style.pattern.pattern for style in lines.HEADING_STYLES)


@given(st.lists(st.sampled_from(_LABEL_PIECES), max_size=10).map("".join), st.integers(0, 12))
@settings(max_examples=3000, deadline=None)
def test_a_label_read_in_place_is_the_label_of_the_rest_of_the_line(text: str, pos: int) -> None:
    raw = text.replace(".", "．").replace("(", "（")
    # A number that lost its closing bracket ('（一第。') is read where a line starts only, never in place.
    assert lines.match_label.__wrapped__(text, raw) == (_reference_match_label(text, raw)
                                                        or lines._unclosed_cn_paren(text, raw))
    rest = _reference_match_label(text[pos:], raw[pos:])
    assert lines.label_at(text, pos) == ((rest.style, rest.value) if rest is not None else None)


def _reference_split_after_markers(builder: tree.TreeBuilder, line: lines.Line) -> list[lines.Line]:
    """TreeBuilder._split_after_markers as it read before: the label after each marker read on a copy of the rest."""
    if not tree._AFTER_MARKER_LABEL.search(line.norm):
        return [line]
    first = lines.match_label(line.norm, line.raw)
    cuts: list[int] = []
    style, last = (first.style, first.value) if first is not None else (None, 0)
    for marker in units.find_unit_markers(line.raw, first_is_lead=builder.first_is_lead):
        end = marker.span[1]
        rest = line.norm[end:]
        skip = len(rest) - len(rest.lstrip())
        label = lines.match_label(rest[skip:], line.raw[end + skip:])
        if label is None:
            continue
        if style is None:
            starts = label.style in tree._RUN_ON_STYLES
        else:
            starts = label.style == style and (label.value == last + 1 or (first is None and label.value > last))
        if starts:
            cuts.append(end + skip)
            style, last = label.style, label.value
    if not cuts:
        return [line]
    pieces = []
    for a, b in zip([0, *cuts], [*cuts, len(line.raw)], strict=True):
        raw = line.raw[a:b].rstrip()
        pieces.append(lines.Line(line.start + a, line.start + a + len(raw), raw, line.norm[a:a + len(raw)]))
    return pieces


_RUN_ON_PIECES = ["（一）", "（二）", "（三）", "（五）", "(1)", "(2)", "(3)", "1.", "2.", "3.", "推进工作。",
                  "（责任单位：市科技局）", "（市科技局负责）", " ", "　", "；", "。"]


@given(st.lists(st.sampled_from(_RUN_ON_PIECES), max_size=12).map("".join))
@example("（一）地区生产总值增长11%左右。（省发改委负责）（二）公共财政收入增长13%左右。（省财政厅负责）")
@example("推进工作。（责任单位：市科技局） (2)推进工作。（市科技局负责）　3.推进")
@settings(max_examples=2000, deadline=None)
def test_items_run_on_after_markers_are_cut_where_they_were(text: str) -> None:
    line = lines.Line(5, 5 + len(text), text, halfwidth(text))
    builder = tree.TreeBuilder(lead_rule_from=None, warnings=[])
    assert builder._split_after_markers(line) == _reference_split_after_markers(builder, line)


def _reference_only_markers(para: tree.Segment) -> bool:
    """The end of TreeBuilder._closes_parent as it read before: the markers cut out of a copy one at a time."""
    markers = units.find_unit_markers(para.raw)
    rest = para.raw
    for marker in reversed(markers):
        rest = rest[:marker.span[0]] + rest[marker.span[1]:]
    return bool(markers) and not rest.strip(" \t\u3000。;；.")


@given(st.lists(st.sampled_from(["（责任单位：市科技局）", "（市财政局负责）", "。", " ", "　", "；", "推进", "落实。",
                                 "责任单位：市科技局"]), max_size=8).map("".join))
@settings(max_examples=2000, deadline=None)
def test_a_paragraph_of_markers_closes_the_parent_as_when_the_markers_were_cut_from_a_copy(text: str) -> None:
    builder = tree.TreeBuilder(lead_rule_from=None, warnings=[])
    parent = tree.Draft("1", "ar_dot", 1, None, tree.Segment("完善", 0))
    for label in ("1", "2"):
        parent.children.append(tree.Draft(label, "ar_paren", 2, parent, tree.Segment("甲", 0)))
    para = tree.Segment(text, 10)
    assert builder._closes_parent(parent.children[-1], para) == _reference_only_markers(para)


# -- tree: the units a draft holds looked up in an index kept between calls ---------------------------

def _reference_add_units(draft: tree.Draft, refs: list[UnitRef], *, by_name: bool = False) -> None:
    """tree._add_units as it read before: the draft's units read anew at every call."""
    if not refs:
        return
    if by_name:
        have = {u.name for u in draft.units}
        draft.units.extend(r for r in refs if r.name not in have)
        return
    pairs = {(u.name, u.role, u.covers) for u in draft.units if not u.inherited}
    for ref in refs:
        if (ref.name, ref.role, ref.covers) not in pairs:
            pairs.add((ref.name, ref.role, ref.covers))
            draft.units.append(ref)


_REFS = st.builds(UnitRef, st.sampled_from(["市科技局", "市财政局", "各区政府"]),
                  st.sampled_from(["lead", "support", "responsible"]), st.booleans(), st.none(),
                  st.sampled_from([None, (0, 5), (6, 9)]))
# What the tree does to a draft's units: adds (by pair or by name), replaces the list, or extends it itself.
_UNIT_STEPS = st.lists(st.one_of(
    st.tuples(st.just("add"), st.lists(_REFS, max_size=4), st.booleans()),
    st.tuples(st.just("replace"), st.lists(_REFS, max_size=3), st.just(False)),
    st.tuples(st.just("extend"), st.lists(_REFS, max_size=2), st.just(False))), max_size=12)


@given(_UNIT_STEPS)
@settings(max_examples=3000, deadline=None)
def test_units_added_through_the_index_are_those_added_reading_the_draft_anew(
        steps: list[tuple[str, list[UnitRef], bool]]) -> None:
    """With the index kept from any number of units (0: always; 16: as the tree keeps it)."""
    index_from = tree._INDEX_FROM
    try:
        for tree._INDEX_FROM in (0, 3, index_from):
            indexed = tree.Draft("1", "ar_dot", 1, None, tree.Segment("", 0))
            anew = tree.Draft("1", "ar_dot", 1, None, tree.Segment("", 0))
            for step, refs, by_name in steps:
                if step == "add":
                    tree._add_units(indexed, list(refs), by_name=by_name)
                    _reference_add_units(anew, list(refs), by_name=by_name)
                elif step == "replace":
                    indexed.units, anew.units = list(refs), list(refs)
                else:
                    indexed.units.extend(refs)
                    anew.units.extend(refs)
                assert indexed.units == anew.units
    finally:
        tree._INDEX_FROM = index_from


# -- tree: blanket rules merged once per first rule ---------------------------------------------------

def _reference_finish(builder: tree.TreeBuilder) -> None:
    """TreeBuilder.finish as it read before: each rule applied to every later item, rule after rule."""
    for first, found in builder.blanket:
        part = tree._top(builder.drafts[first]) if first < len(builder.drafts) else None
        for draft in builder.drafts[first:]:
            if draft.children or draft.style == "annex":
                continue
            if not draft.units and tree._top(draft) is not part:
                continue
            tree._add_units(draft, found, by_name=True)


_RULE_UNITS = st.lists(st.builds(UnitRef, st.sampled_from(["市科技局", "市财政局", "各区政府", "市审计局"]),
                                 st.sampled_from(["responsible", "lead"])), max_size=3)


_Shape = tuple[list[tuple[int | None, str, list[UnitRef]]], list[tuple[int, list[UnitRef]]]]


@st.composite
def _drafts_and_rules(draw: st.DrawFn) -> _Shape:
    count = draw(st.integers(1, 14))
    drafts = [(draw(st.none() | st.integers(0, max(0, k - 1))) if k else None,
               draw(st.sampled_from(["ar_dot", "ar_dot", "cn_dun", "annex"])), draw(_RULE_UNITS))
              for k in range(count)]
    rules = sorted(draw(st.lists(st.tuples(st.integers(0, count), _RULE_UNITS), max_size=6)), key=lambda r: r[0])
    return drafts, rules


def _builder(shape: _Shape) -> tree.TreeBuilder:
    drafts_shape, rules = shape
    builder = tree.TreeBuilder(lead_rule_from=None, warnings=[])
    for k, (parent, style, found) in enumerate(drafts_shape):
        owner = builder.drafts[parent] if parent is not None else None
        draft = tree.Draft(str(k), style, 1, owner, tree.Segment("甲", k), units=list(found))
        if owner is not None:
            owner.children.append(draft)
        builder.drafts.append(draft)
    builder.blanket = [(first, list(found)) for first, found in rules]
    return builder


@given(_drafts_and_rules())
@settings(max_examples=3000, deadline=None)
def test_blanket_rules_merged_once_reach_every_item_as_rule_after_rule(shape: _Shape) -> None:
    merged, one_by_one = _builder(shape), _builder(shape)
    merged.finish()
    _reference_finish(one_by_one)
    assert [d.units for d in merged.drafts] == [d.units for d in one_by_one.drafts]
