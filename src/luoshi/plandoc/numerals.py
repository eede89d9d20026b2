"""Numbers as Chinese work plans write them: 3000, 1,000, 2.4, １８, 十二, 一百二十, 两, 二〇一八.

A multiplier glued to an Arabic number (1.5万, 3500万) is deliberately NOT folded in here: the target
extractor keeps it in the unit (3500 万元), so `parse_number("1.5万")` is None.
"""

from __future__ import annotations

import re

from luoshi.plandoc.normalize import halfwidth

# Digit characters, including the financial forms (壹贰叁) used on some forms and tables.
CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6,
    "柒": 7, "捌": 8, "玖": 9,
}
# Multipliers inside one section (below 万), and the section multipliers.
CN_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
CN_NUMERAL_CHARS = "".join([*CN_DIGITS, *CN_SMALL_UNITS, *CN_BIG_UNITS])

_ZERO_CHARS = frozenset("零〇○")
_ARABIC_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_YEAR_DIGIT_CHARS = frozenset("〇零○一二三四五六七八九")
_FOUR_DIGITS_RE = re.compile(r"\d{4}")


def parse_number(s: str) -> float | None:
    """The value of one number written in Arabic or Chinese numerals, or None when `s` is not one.

    Accepts thousands separators (1,000), decimals (2.4), full-width digits (１８), Chinese numerals
    (十二, 二十, 一百二十, 三千, 两, 一万二, 二点五) and digit-by-digit forms (二〇一八).
    """
    text = halfwidth(s).strip()
    if not text:
        return None
    if _ARABIC_RE.fullmatch(text):
        return float(text.replace(",", ""))
    if "点" in text:  # 二点五 = 2.5: integer part as a numeral, fraction digit by digit
        whole, _, frac = text.partition("点")
        whole_value = _parse_cn_integer(whole)
        if whole_value is None or not frac or any(ch not in CN_DIGITS for ch in frac):
            return None
        return float(f"{whole_value}.{''.join(str(CN_DIGITS[ch]) for ch in frac)}")
    value = _parse_cn_integer(text)
    return float(value) if value is not None else None


def cn_digit_year(s: str) -> int | None:
    """A year written digit by digit: 二〇一八 / 二零一八 -> 2018 (also plain 2018); None otherwise."""
    text = halfwidth(s).strip()
    if _FOUR_DIGITS_RE.fullmatch(text):
        return int(text)
    if len(text) != 4 or any(ch not in _YEAR_DIGIT_CHARS for ch in text):
        return None
    return int("".join(str(CN_DIGITS[ch]) for ch in text))


def _parse_cn_integer(text: str) -> int | None:
    """A Chinese integer numeral; None for anything malformed (二二十, 十十, a bare 百 or 万)."""
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    if all(ch in CN_DIGITS for ch in text):
        if len(text) == 1:
            return CN_DIGITS[text]
        # Digit-by-digit reading (二〇一八); a run like 二二 without any zero is not a quantity.
        if not any(ch in _ZERO_CHARS for ch in text) and len(text) != 4:
            return None
        return int("".join(str(CN_DIGITS[ch]) for ch in text))

    total = 0          # finished sections (above the current 万/亿)
    section = 0        # current section below 万
    pending: int | None = None  # digit waiting for its multiplier
    last_small = 10_000  # multipliers inside a section must strictly decrease
    last_big = 10**12    # section multipliers must strictly decrease (亿 then 万)
    last_unit = 1        # the multiplier just seen, for the colloquial 一百二 = 120
    after_zero = False
    for ch in text:
        if ch in CN_DIGITS:
            if pending is not None:
                return None  # two digits in a row (二二十)
            if ch in _ZERO_CHARS:
                after_zero = True
                continue
            pending = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            mult = CN_SMALL_UNITS[ch]
            if mult >= last_small:
                return None
            if pending is None:
                if mult != 10:
                    return None  # a bare 百/千 is a word (百家, 千百万), not a number
                pending = 1  # 十二 = 12, 一百一十 = 110
            section += pending * mult
            pending, last_small, last_unit, after_zero = None, mult, mult, False
        else:
            mult = CN_BIG_UNITS[ch]
            if mult >= last_big:
                return None
            if pending is not None:
                section += pending
            if section == 0:
                return None  # a bare 万 / 亿
            total += section * mult
            section, pending = 0, None
            last_small, last_big, last_unit, after_zero = 10_000, mult, mult, False
    if pending is not None:
        # 一百二 / 三千五 / 一万二: a trailing digit right after a multiplier is one place lower.
        section += pending * (last_unit // 10 if last_unit >= 100 and not after_zero else 1)
    return total + section
