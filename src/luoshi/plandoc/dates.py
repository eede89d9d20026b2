"""Deadlines (2018年底前, 6月底前, 三季度末前, 年内, 长期坚持) and plain dates (2018年5月16日).

Every phrase resolves to the last day it means: 年底 -> 12-31, 6月底 -> 06-30, 上半年 -> 06-30,
三季度 -> 09-30. A phrase without a year takes the year last stated before it in the same text, else
`default_year`; with neither, the date is None. "Y年前" / "M月前" read leniently as "by the end of"
that year / month (the plan's author rarely means the day before the period starts).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from dataclasses import dataclass

from luoshi.plandoc.model import Deadline, Span
from luoshi.plandoc.normalize import halfwidth
from luoshi.plandoc.numerals import cn_digit_year, parse_number
from luoshi.plandoc.refs import find_title_spans

_CN_DIGIT = "[一二三四五六七八九]"
_Y = (r"(?P<y>(?<!\d)(?:19|20)\d{2}"
      r"|(?<![〇零○一二三四五六七八九十])[〇零○一二][〇零○一二三四五六七八九]{3})\s*年")
_M = rf"(?<![\d十])(?P<m>1[0-2]|0?[1-9]|十[一二]?|{_CN_DIGIT})\s*月"
_D = rf"(?P<d>3[01]|[12]\d|0?[1-9]|三十一?|二十{_CN_DIGIT}?|十{_CN_DIGIT}?|{_CN_DIGIT})\s*[日号]"
_NUMERIC_YMD = r"(?<!\d)(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?!\d)"
_BEFORE = r"(?:之前|以前|前|为止|止)"
_BY = r"(?:(?<![日\d年])(?:截止到|截止|截至|到|至))?"


@dataclass(frozen=True, slots=True)
class DatePattern:
    """One way of writing a date; `explicit` ones are deadline phrases even inside running prose."""

    name: str
    regex: re.Pattern[str]
    explicit: bool
    gate: tuple[str, ...] = ()  # the pattern cannot match text containing none of these (a cheap pre-check)


# Ordered: at one start position the longest match wins, then the earlier row.
# Each pattern's gate: words one of which every match holds (a test keeps it so). The longer the word, the
# fewer paragraphs pass: 年内 and 年度内 for the within-year phrases, not their 内 (国内, 内容, 区内).
_GATES: dict[str, tuple[str, ...]] = {
    "date-before": ("月",), "month-part": ("月",), "month-before": ("月",), "date": ("月",), "month": ("月",),
    "quarter": ("季度",), "half-year": ("半年",), "year-end": ("年",), "year-before": ("年",),
    "by-year": ("年",), "year": ("年",), "this-year-end": ("年底", "年末"), "within-year": ("年内", "年度内"),
    "numeric-date-before": ("-", ".", "/"), "numeric-date": ("-", ".", "/"), "numeric-month": ("-", ".", "/"),
}
# What each pattern's match starts with. Every pattern opens with a look-ahead of these, so a position that
# cannot start a match fails at once instead of trying the optional 到/截至 and year groups (a test checks
# the look-ahead changes no match).
_BY_FIRST, _Y_FIRST, _M_FIRST = "截到至", "12〇零○一二", "0123456789十一二三四五六七八九"
_FIRST_CHARS: dict[str, str] = {
    "date-before": _BY_FIRST + _Y_FIRST + _M_FIRST, "numeric-date-before": _BY_FIRST + "12",
    "month-part": _BY_FIRST + _Y_FIRST + _M_FIRST, "month-before": _BY_FIRST + _Y_FIRST + _M_FIRST,
    "quarter": _BY_FIRST + _Y_FIRST + "前第一二三四1234", "half-year": _BY_FIRST + _Y_FIRST + "上下",
    "year-end": _BY_FIRST + _Y_FIRST, "year-before": _BY_FIRST + _Y_FIRST, "by-year": _BY_FIRST,
    "this-year-end": "今本当年", "within-year": "今本当年", "date": _Y_FIRST + _M_FIRST, "numeric-date": "12",
    "numeric-month": "12", "month": _Y_FIRST + _M_FIRST, "year": _Y_FIRST,
}


def _first_char_gated(name: str, rx: str) -> re.Pattern[str]:
    return re.compile(f"(?=[{''.join(sorted(set(_FIRST_CHARS[name])))}])(?:{rx})")


DATE_PATTERNS: tuple[DatePattern, ...] = tuple(
    DatePattern(name, _first_char_gated(name, rx), flag, _GATES.get(name, ())) for name, rx, flag in (
    ("date-before", rf"{_BY}(?:{_Y})?{_M}{_D}\s*{_BEFORE}", True),
    ("numeric-date-before", rf"{_BY}{_NUMERIC_YMD}\s*{_BEFORE}", True),
    ("month-part", rf"{_BY}(?:{_Y})?{_M}(?:份)?(?P<part>底|末|上旬|中旬|下旬)\s*{_BEFORE}?", True),
    ("month-before", rf"{_BY}(?:{_Y})?{_M}(?:份)?\s*{_BEFORE}", True),
    ("quarter", rf"{_BY}(?:{_Y})?(?:前|第)?(?P<q>[一二三四1-4])季度(?:末|底)?\s*{_BEFORE}?", True),
    ("half-year", rf"{_BY}(?:{_Y})?(?P<half>[上下])半年(?:末|底)?\s*{_BEFORE}?", True),
    ("year-end", rf"{_BY}{_Y}(?:年底|年末|底|末)\s*{_BEFORE}?", True),
    ("year-before", rf"{_BY}{_Y}(?:之前|以前|前)(?![一二三四1-4]季度)", True),
    ("by-year", rf"(?<![日\d年])(?:截止到|截止|截至|到|至){_Y}(?!\s*\d|\s*[一二三四五六七八九十]+月|度)",
     True),
    ("this-year-end", r"(?<![\d年])(?:今年|本年|当年)?(?:年底|年末)\s*" + _BEFORE + "?", True),
    ("within-year", r"(?:今年|本年度?|当年|年度)内|(?<![一二三四五六七八九十两\d几多数半])年内", True),
    # Plain dates: a deadline cell, or context for the year of later phrases.
    ("date", rf"(?:{_Y})?{_M}{_D}", False),
    ("numeric-date", _NUMERIC_YMD, False),
    ("numeric-month", r"(?<!\d)(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})(?![\d.])", False),
    ("month", rf"(?:{_Y})?{_M}", False),
    ("year", rf"{_Y}(?:度)?(?!\s*\d)", False),  # 2018年13月 is a typo, not the year 2018
))

_GATE_WORDS = frozenset(word for pattern in DATE_PATTERNS for word in pattern.gate)
_GATE_START_RE = re.compile("[" + re.escape("".join(sorted({word[0] for word in _GATE_WORDS}))) + "]")
_ALL_GATED = all(pattern.gate for pattern in DATE_PATTERNS)

# Standing duties in a deadline cell; the earliest in the text wins.
CADENCE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(rx)) for name, rx in (
    ("ongoing", r"长期坚持|长期|持续推进|持续开展|常态化推进|常态化开展|常态化|持续|长效"),
    ("monthly", r"每月|按月|逐月|月度"),
    ("quarterly", r"每季度|按季度|每个季度|每季|逐季"),
    ("half-yearly", r"每半年|半年度|每6个月"),
    ("annual", r"每年|按年|逐年|年度"),
))

# The subset that also marks a rhythm inside running prose ("每季度通报进展情况"). 长期/持续/年度 are
# left out: in prose they describe effort or a fiscal year, not when the task is reported.
PROSE_CADENCE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rx)) for name, rx in (
        ("monthly", r"每月|按月|逐月"),
        ("quarterly", r"每季度|按季度|每个季度|每季|逐季"),
        ("half-yearly", r"每半年"),
        ("annual", r"每年(?!度)"),
    )
)

# Every prose cadence word starts with one of these (a test keeps it so).
_PROSE_CADENCE_STARTS = "每按逐"
_PROSE_CADENCE_START_RE = re.compile(f"[{_PROSE_CADENCE_STARTS}]")

_ATTRIBUTIVE_TAIL_RE = re.compile(r"[^,，。;；:：!?！？\d]{0,3}的")
DEADLINE_LABELS = r"(?:完成时限|完成时间|办结时限|时间节点|时间要求|时限要求|时限)"
_CELL_LABEL_RE = re.compile(rf"^\s*{DEADLINE_LABELS}\s*[:：]?\s*")
_LABELLED_DEADLINE_RE = re.compile(rf"{DEADLINE_LABELS}\s*[:：]\s*(?P<value>[^。;；:：()（）,，\s]{{1,40}})")
# What find_deadline needs one of: the first character of a date gate word (every date pattern has a
# gate), of a prose cadence word, or 时, which every deadline label holds (tests keep these so).
# (The class's contents are public: the parser skips a paragraph holding none of them, nor anything a
# target or a reference starts with, without calling the extractors.)
_LABEL_CHAR = "时"
DEADLINE_FIRST_CHARS = re.escape("".join(sorted(
    {word[0] for word in _GATE_WORDS} | set(_PROSE_CADENCE_STARTS) | {_LABEL_CHAR})))
_DEADLINE_CHAR_RE = re.compile(f"[{DEADLINE_FIRST_CHARS}]")
_FULL_DATE_RE = re.compile(
    rf"(?:{_Y})\s*{_M}\s*{_D}"   # '2019 年 4 月 16 日' as a PDF or a portal spaces it
    r"|(?<!\d)(?P<y2>(?:19|20)\d{2})(?P<sep>[-/.])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2})(?!\d)"
)
_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


@dataclass(frozen=True, slots=True)
class _DateToken:
    pattern: DatePattern
    match: re.Match[str]
    stated_year: int | None


def find_deadline(text: str, *, default_year: int | None = None, labelled: bool = True) -> Deadline | None:
    """The first explicit deadline phrase of a paragraph (2018年底前, 6月底前, 年内, 三季度末前...).

    A labelled value ("完成时限：2019年12月底前", "完成时限：长期坚持") is read like a deadline cell and
    wins. Without a phrase, a reporting rhythm stated in the prose (每季度通报, 每月开展) gives a cadence-only
    deadline. Plain dates ("2018年5月16日召开") and standing-duty words ("持续推进") are not deadlines.
    `labelled=False` skips the labelled value, for a caller that has looked for one already.
    """
    norm = halfwidth(text)
    if _ALL_GATED and not _DEADLINE_CHAR_RE.search(norm):
        return None   # most paragraphs: no label, date phrase or cadence word can start, one scan says so
    value = find_labelled_deadline(text, default_year=default_year) if labelled else None
    if value is not None:  # "完成时限：长期坚持" inside the paragraph is a deadline cell written inline
        return value
    context_year = default_year
    for token in _scan(text):
        if token.pattern.explicit and not _is_attributive(norm, token, default_year):
            date = _resolve(token.match, token.stated_year or context_year, default_year)
            start, end = token.match.span()
            cadence: str | None = None
            for name, regex in PROSE_CADENCE_PATTERNS:  # 每年12月底前: a date that recurs
                before = regex.search(norm, max(0, start - 4), start)
                if before and before.end() == start:
                    cadence, start = name, before.start()
                    break
            return Deadline(text=text[start:end], date=date, cadence=cadence, span=(start, end))
        if token.stated_year is not None:
            context_year = token.stated_year
    if not _PROSE_CADENCE_START_RE.search(norm):
        return None   # most paragraphs state no rhythm
    titles: list[Span] | None = None  # found when a cadence word is (most paragraphs have none)
    found: list[tuple[int, int, str]] = []
    for name, regex in PROSE_CADENCE_PATTERNS:
        for m in regex.finditer(norm):
            if titles is None:
                titles = find_title_spans(text)
            if not _in_title(titles, m.start()):
                found.append((m.start(), m.end(), name))
                break
    first = min(found, default=None)
    if first is None:
        return None
    start, end, name = first
    return Deadline(text=text[start:end], date=None, cadence=name, span=(start, end))


def _in_title(titles: list[Span], pos: int) -> bool:
    """Whether `pos` is inside one of the sorted, disjoint title spans."""
    i = bisect.bisect_right(titles, (pos, 1 << 62)) - 1
    return i >= 0 and titles[i][0] <= pos < titles[i][1]


def find_labelled_deadline(text: str, *, default_year: int | None = None) -> Deadline | None:
    """The value of a "完成时限：…" / "时间节点：…" label in `text`, read like a deadline cell.

    For callers that see a task's lines one by one: a labelled line should win over a phrase such as
    "年内" in the task sentence, so look for labels first, then fall back to `find_deadline`.
    """
    norm = halfwidth(text)
    if _LABEL_CHAR not in norm:
        return None   # every label holds it (a test keeps it so): most paragraphs need no regex search
    labelled = _LABELLED_DEADLINE_RE.search(norm)
    if not labelled:
        return None
    value_start, value_end = labelled.span("value")
    cell = parse_deadline(text[value_start:value_end], default_year=default_year)
    if cell.date is None and cell.cadence is None:
        return None
    if cell.span is not None:
        cell.span = (value_start + cell.span[0], value_start + cell.span[1])
    return cell


def _is_attributive(norm: str, token: _DateToken, default_year: int | None) -> bool:
    """A date phrase describing a noun, not the task: 2000年以前建成的老旧小区, 2015年底前的存量."""
    if _ATTRIBUTIVE_TAIL_RE.match(norm, token.match.end()):
        return True
    # A year well before the plan's own cannot be when its task is due.
    return token.stated_year is not None and default_year is not None and token.stated_year < default_year - 1


def parse_deadline(text: str, *, default_year: int | None = None) -> Deadline:
    """A deadline cell or "完成时限：…" value: the last date it states, and/or a cadence.

    "2018年6月底前启动，12月底前完成" -> 2018-12-31; "长期坚持" -> cadence "ongoing";
    "每季度" -> "quarterly". Anything unreadable -> Deadline(text, None).
    """
    stripped = text.strip()
    offset = len(text) - len(text.lstrip())
    label = _CELL_LABEL_RE.match(stripped)
    body_start = label.end() if label else 0
    body = stripped[body_start:]

    date: str | None = None
    context_year = default_year
    covered: list[Span] = []
    for token in _scan(body):
        date = _resolve(token.match, token.stated_year or context_year, default_year)
        if token.stated_year is not None:
            context_year = token.stated_year
        covered.append(token.match.span())

    cadence = _find_cadence(body, covered)
    return Deadline(text=stripped, date=date, cadence=cadence,
                    span=(offset, offset + len(stripped)) if stripped else None)


def find_date(text: str) -> tuple[str, Span] | None:
    """The first full calendar date as ISO, with its span: 2018年5月16日, 2018-05-16, 二〇一八年五月十六日."""
    norm = halfwidth(text)
    for m in _FULL_DATE_RE.finditer(norm):
        if m.group("y") is not None:
            year, month, day = _year(m.group("y")), _small(m.group("m")), _small(m.group("d"))
        else:
            year, month, day = int(m.group("y2")), int(m.group("m2")), int(m.group("d2"))
        iso = _iso(year, month, day)
        if iso:
            return iso, m.span()
    return None


def _scan(text: str) -> list[_DateToken]:
    """Non-overlapping date phrases left to right; at one position the longest match wins.

    Phrases inside 《titles》 are skipped: the year of a cited plan is not this task's deadline.
    """
    norm = halfwidth(text)
    if _ALL_GATED and not _GATE_START_RE.search(norm):
        return []   # no 年, 月, 季, 半 or date separator: no gate word, so no pattern can match
    present = frozenset(word for word in _GATE_WORDS if word in norm)
    titles: list[Span] | None = None  # sorted and disjoint; found once a pattern matches
    candidates: list[tuple[int, int, int, DatePattern, re.Match[str]]] = []
    for rank, pattern in _gated_patterns(present):
        for m in pattern.regex.finditer(norm):
            if m.end() > m.start():
                if titles is None:
                    titles = find_title_spans(text)
                if not _in_title(titles, m.start()):
                    candidates.append((m.start(), -(m.end() - m.start()), rank, pattern, m))
    candidates.sort(key=lambda c: c[:3])
    tokens: list[_DateToken] = []
    taken_end = 0
    for start, _, _, pattern, m in candidates:
        if start < taken_end or not _valid(m):
            continue
        year_text = m.groupdict().get("y")
        tokens.append(_DateToken(pattern, m, _year(year_text) if year_text else None))
        taken_end = m.end()
    return tokens


_PATTERNS_BY_GATES: dict[frozenset[str], tuple[tuple[int, DatePattern], ...]] = {}


def _gated_patterns(present: frozenset[str]) -> tuple[tuple[int, DatePattern], ...]:
    """The patterns (with their rank) whose gate a text with these gate words passes; at most one entry per
    subset of the gate words."""
    found = _PATTERNS_BY_GATES.get(present)
    if found is None:
        found = _PATTERNS_BY_GATES[present] = tuple(
            (rank, pattern) for rank, pattern in enumerate(DATE_PATTERNS)
            if not pattern.gate or not present.isdisjoint(pattern.gate))
    return found


def _valid(m: re.Match[str]) -> bool:
    """Reject impossible dates (2018年2月30日, 13月) so a lesser reading can be tried instead."""
    groups = m.groupdict()
    year = _year(groups["y"]) if groups.get("y") else 2000  # a leap year: 2月29日 stays possible
    month = _small(groups["m"]) if groups.get("m") else 1
    day = _small(groups["d"]) if groups.get("d") else 1
    return year is not None and _iso(year, month, day) is not None


def _resolve(m: re.Match[str], year: int | None, default_year: int | None) -> str | None:
    """ISO date of the last day a matched phrase means, or None without a year."""
    groups = m.groupdict()
    if groups.get("y") is None and m.re is _WITHIN_YEAR_RE:
        year = default_year  # 年内 is about the plan's own year, not a year mentioned in passing
    if year is None:
        return None
    if groups.get("m"):
        month = _small(groups["m"])
        if month is None:
            return None
        if groups.get("d"):
            return _iso(year, month, _small(groups["d"]))
        part = groups.get("part")
        day = {"上旬": 10, "中旬": 20}.get(part or "", calendar.monthrange(year, month)[1])
        return _iso(year, month, day)
    if groups.get("q"):
        quarter = int(parse_number(groups["q"]) or 0)
        month, day = _QUARTER_END.get(quarter, (12, 31))
        return _iso(year, month, day)
    if groups.get("half") == "上":
        return _iso(year, 6, 30)
    return _iso(year, 12, 31)


_WITHIN_YEAR_RE = next(p.regex for p in DATE_PATTERNS if p.name == "within-year")


def _find_cadence(body: str, covered: list[Span]) -> str | None:
    """The earliest cadence word outside the date phrases (so 2018年度 is a year, not "annual")."""
    best: tuple[int, str] | None = None
    for name, regex in CADENCE_PATTERNS:
        for m in regex.finditer(body):
            if any(a <= m.start() < b for a, b in covered):
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), name)
            break
    return best[1] if best else None


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    year = cn_digit_year(text)
    return year if year is not None and 1900 <= year <= 2100 else None


def _small(text: str | None) -> int | None:
    """A month or day number, Arabic or Chinese."""
    if text is None:
        return None
    value = parse_number(text)
    return int(value) if value is not None and value.is_integer() else None


def _iso(year: int | None, month: int | None, day: int | None) -> str | None:
    if year is None or month is None or day is None:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
