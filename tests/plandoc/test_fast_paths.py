"""The shortcuts that keep the parser fast give the results of the longer way round.

Each test names a shortcut (a pre-check, a cheaper formulation of a rule) and checks it against what it
replaced, so a later change to the rules cannot silently make the shortcut wrong.
"""

from __future__ import annotations

import re

from luoshi.plandoc import dates, targets, units
from luoshi.plandoc.normalize import _TABLE, halfwidth


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


def test_a_measure_starts_with_what_its_look_ahead_admits() -> None:
    """MEASURE_RE's leading look-ahead only repeats what its number group starts with."""
    text = "到2020年，建成3-5个平台、两家中心，１２％，第3届，约五十余家，3000万元、2亿，1,200人次以上"
    plain = targets.MEASURE_RE.pattern.replace(f"(?=[\\d{targets.CN_NUMERAL_CHARS}])", "", 1)
    assert plain != targets.MEASURE_RE.pattern
    assert [m.groupdict() for m in re.compile(plain).finditer(halfwidth(text))] == [
        m.groupdict() for m in targets.MEASURE_RE.finditer(halfwidth(text))]


def test_every_date_pattern_has_a_gate() -> None:
    assert dates._ALL_GATED
    assert dates._scan("推进科技创新体系建设") == []
    assert [t.pattern.name for t in dates._scan("2018年底前完成")] == ["year-end"]
