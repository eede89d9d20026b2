"""Split the text into lines and classify each: heading label, table row, noise or plain paragraph.

The heading grammar is an ordered table of named styles. A match here is only a *candidate*: whether
the number really starts an item is decided in tree.py, which validates numbering as a sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .normalize import halfwidth
from .numerals import parse_number

CN_NUMERAL = "一二三四五六七八九十百零〇两"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
PAREN_DIGITS = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"  # one character standing for (1)…(20) in older documents
PAREN_CN = "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"  # (一)…(十)


def label_value(style: str, number: str) -> int | None:
    """The integer a label stands for, given its style's captured number."""
    if style == "circled":
        return CIRCLED.index(number) + 1
    if number in PAREN_DIGITS:
        return PAREN_DIGITS.index(number) + 1
    if number in PAREN_CN:
        return PAREN_CN.index(number) + 1
    if number.isdigit():
        return int(number)
    value = parse_number(number)
    return int(value) if value is not None and value.is_integer() else None


@dataclass(frozen=True, slots=True)
class HeadingStyle:
    """One numbering style: `pattern` matches at the start of the half-width line.

    Group 1 is the number; the match end is where the item text begins. `label_group` is the part
    kept as the node's label (the label as written, without the trailing 、 or .).
    """

    name: str
    pattern: re.Pattern[str]


_CN = f"[{CN_NUMERAL}]+"
# Order matters: earlier styles win when several match the same line start.
HEADING_STYLES: tuple[HeadingStyle, ...] = (
    HeadingStyle("part", re.compile(rf"第({_CN}|\d+)部分[ :、.]*")),
    HeadingStyle("chapter", re.compile(rf"第({_CN}|\d+)章[ :、.]*")),
    HeadingStyle("section", re.compile(rf"第({_CN}|\d+)节[ :、.]*")),
    HeadingStyle("article", re.compile(rf"第({_CN}|\d+)条[ :、.]*")),
    # A space may stand before the delimiter or inside the brackets ("一 、", "( 一 )"), left by a page's markup.
    HeadingStyle("cn_dun", re.compile(rf"({_CN})[ ]{{0,2}}[、.,][ ]*")),
    # 〔一〕: the tortoise-shell brackets of a 文号's year, used by some offices for their second level too.
    HeadingStyle("cn_paren", re.compile(rf"[(〔][ ]?({_CN})[ ]?[)〕][、.]?[ ]*")),
    # "1." must not be a decimal ("2.4%"); a digit right after the dot is only allowed as a year
    # ("46.2018年，新增…" is item 46).
    # "1。" (an ideographic full stop typed for the dot) is an item only when text follows it.
    # "1.9月30日前完成…" is item 1 with its date, not 1.9 (a decimal is never followed by 月 and a day).
    HeadingStyle("ar_dot", re.compile(r"(\d{1,3})[ ]{0,2}(?:、|\.(?!\d)|\.(?=\d{4}年)|\.(?=\d{1,2}月\d{1,2}日)|"
                                      r"。(?=\S))[ ]*")),
    HeadingStyle("ar_paren", re.compile(r"\([ ]?(\d{1,3})[ ]?\)[、.]?[ ]*")),
    # ⑴ and ㈠ are the same styles as (1) and (一), typed as one character.
    HeadingStyle("ar_paren", re.compile(rf"([{PAREN_DIGITS}])[、.]?[ ]*")),
    HeadingStyle("cn_paren", re.compile(rf"([{PAREN_CN}])[、.]?[ ]*")),
    HeadingStyle("ar_half_paren", re.compile(r"(\d{1,3})\)[ ]*")),
    HeadingStyle("circled", re.compile(rf"([{CIRCLED}])[、.]?[ ]*")),
)



def _can_start(style: HeadingStyle, char: str) -> bool:
    """Whether a line starting with `char` could match the style (`\\d` is str.isdecimal)."""
    if style.name in ("part", "chapter", "section", "article"):
        return char == "第"
    if style.name == "cn_dun":
        return char in CN_NUMERAL
    if style.name in ("cn_paren", "ar_paren"):
        return char == "(" or (char == "〔" and style.name == "cn_paren") \
            or char in (PAREN_CN if style.name == "cn_paren" else PAREN_DIGITS)
    if style.name in ("ar_dot", "ar_half_paren"):
        return char.isdecimal()
    return char in CIRCLED  # circled


_STYLES_BY_FIRST_CHAR: dict[str, tuple[HeadingStyle, ...]] = {}


def _styles_for(char: str) -> tuple[HeadingStyle, ...]:
    """The styles (in table order) whose pattern may match a line starting with `char`; most lines
    start with a character no label starts with, and are done with one dict lookup."""
    styles = _STYLES_BY_FIRST_CHAR.get(char)
    if styles is None:
        styles = tuple(style for style in HEADING_STYLES if _can_start(style, char))
        if len(_STYLES_BY_FIRST_CHAR) < 4096:
            _STYLES_BY_FIRST_CHAR[char] = styles
    return styles


# Styles that are split out when several of them follow one another inside one paragraph.
INLINE_STYLES = ("ar_paren", "circled", "cn_paren", "ar_half_paren")
# A paragraph may also run its items on as '…：1、做好…；2、编写…' (not inside a table cell, whose '1.…。2.…'
# items may be numbered like the table's own rows).
PARAGRAPH_INLINE_STYLES = (*INLINE_STYLES, "ar_dot")
_INLINE_BOUNDARY = "。;；:：,，"


@dataclass(frozen=True, slots=True)
class Label:
    style: str
    value: int
    label: str  # as written, without the trailing 、 or .
    text_start: int  # offset in the line where the item text begins
    mark: str = ""  # the mark closing the number as written, half-width: '、' of 1、, '.' of 1. and 1．


@dataclass(slots=True)
class Cell:
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Line:
    """A stripped line (or an inline segment of one) with its span in the source."""

    start: int
    end: int
    raw: str
    norm: str
    label: Label | None = None
    cells: list[Cell] = field(default_factory=list)
    is_noise: bool = False

    @property
    def is_table_row(self) -> bool:
        return bool(self.cells)

    @classmethod
    def of(cls, start: int, text: str) -> Line:
        """The line of `text` standing at `start` in the source (a cell's text read as a line of its own)."""
        return cls(start, start + len(text), text, halfwidth(text))


@lru_cache(maxsize=4096)  # the tree asks about each line two or three times (Label is frozen: shareable)
def match_label(norm: str, raw: str) -> Label | None:
    """The heading label at the start of a line, if any style matches."""
    if not norm:
        return None
    for style in _styles_for(norm[0]):
        m = style.pattern.match(norm)
        if not m:
            continue
        value = label_value(style.name, m.group(1))
        if value is None or value == 0:
            continue
        closing = style.name in ("cn_paren", "ar_paren") and norm[m.end(1): m.end(1) + 1] in (")", "〕")
        label = raw[m.start(): m.end(1) + (1 if closing else 0)]
        if style.name in ("part", "chapter", "section", "article"):
            label = raw[: m.end(1) + len(_suffix(style.name))]
        elif style.name == "ar_half_paren":
            label = raw[: m.end(1) + 1]
        text_start = m.end()
        if text_start >= len(norm) and style.name not in ("part", "chapter", "section", "article"):
            # A bare "1." with nothing after it is a stray number, not an item.
            continue
        return Label(style.name, value, label.strip(), text_start, norm[m.end(1):text_start].strip()[:1])
    return _unclosed_cn_paren(norm, raw)


def _unclosed_cn_paren(norm: str, raw: str) -> Label | None:
    """'（一加强涉及…的信息公开。…': a paragraph opening on a sub-item's number whose closing bracket was lost.
    Only at a line's start and only when no closing bracket follows within the item's first sentence (a
    bracketed phrase opening a line, '（一网通办）', closes one)."""
    m = _UNCLOSED_CN_PAREN.match(norm)
    if m is None:
        return None
    sentence = norm[m.end():].split("。", 1)[0]
    value = label_value("cn_paren", m.group(1))
    if ")" in sentence or "。" not in norm or not value:
        return None
    return Label("cn_paren", value, raw[m.start():m.end(1)].strip() + ("）" if raw.lstrip()[:1] == "（" else ")"),
                 m.end(), "")


# The number's next character starts a word ('（一季度', '（一是'), not an item: those stay prose.
_WORD_AFTER_ONE = "季年月日是次般些批直定线流体把级类种个项条号起同致切律样再带网窗站件码"
_UNCLOSED_CN_PAREN = re.compile(rf"\(([{CN_NUMERAL}]{{1,3}})(?=[\u4e00-\u9fff])(?![{CN_NUMERAL}{_WORD_AFTER_ONE}])")


def label_at(norm: str, pos: int) -> tuple[str, int] | None:
    """The style and value of match_label(norm[pos:], …), read in place: no copy of the rest of the line (the
    tree asks after every marker of a line; a copy each time made a line of N markers quadratic). The patterns
    look behind nothing, so matching at `pos` reads as matching norm[pos:] (a test keeps the two alike), except
    for a number whose closing bracket was lost, read only where a line starts (`_unclosed_cn_paren`)."""
    if pos >= len(norm):
        return None
    for style in _styles_for(norm[pos]):
        m = style.pattern.match(norm, pos)
        if not m:
            continue
        value = label_value(style.name, m.group(1))
        if value is None or value == 0:
            continue
        if m.end() >= len(norm) and style.name not in ("part", "chapter", "section", "article"):
            continue   # a bare "1.", as match_label reads it
        return style.name, value
    return None


def _suffix(style: str) -> str:
    return {"part": "部分", "chapter": "章", "section": "节", "article": "条"}[style]


# (name, pattern, longest line it may drop): content can mention these words, so most rules only
# take short lines; a permalink line is as long as its URL.
NOISE_PATTERNS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("qr_code", re.compile(r"扫描?二维码|扫一扫"), 40),
    ("permalink", re.compile(r"^(本文链接|本文地址|原文链接|原文地址|网址|链接)\s*[:：]\s*\S*$|^https?://\S+$"), 2000),
    ("keywords", re.compile(r"^(本文关键词|关键词|关键字|标签)\s*[:：]"), 60),
    ("print_close", re.compile(r"打印本页|关闭窗口|【?打印】?\s*【?关闭】?$"), 40),
    # The whole line (or a 【…】 group) is a font-size switch; "统一公文字体大小" is prose.
    ("font_size", re.compile(r"(?:^|【)\s*(?:字体|字号)\s*[:：]?\s*[\[大中小\s\]]+(?:】|$)"), 40),
    ("share", re.compile(r"^分享到|^分享[:：]"), 60),
    ("prev_next", re.compile(r"^(上一篇|下一篇)[:：]?"), 80),
    ("site_footer", re.compile(r"版权所有|ICP备|网站标识码|网站地图|联系我们|公网安备"), 120),
    ("breadcrumb", re.compile(r"^(当前位置|您当前的位置|您现在的位置)[:：]"), 120),
    ("hits", re.compile(r"(浏览次数|访问量|阅读次数)\s*[:：]\s*\d*"), 60),
    ("back_to_top", re.compile(r"^返回顶部$|^【?返回】?$"), 10),
)


# A document-sharing site's numbered notices on downloads ('1、下载文档前请自行甄别文档内容的完整性…'): noise though
# numbered, each in words no plan uses.
_SHARING_SITE_NOTICE = re.compile(r"下载文档前请自行甄别|仅部分预览.{0,4}的文档|如文档侵犯您的权益")
_MAX_SHARING_SITE_NOTICE = 120


def noise_kind(norm: str) -> str | None:
    """Name of the scraping-noise rule a line matches, if any. A numbered line is content, whatever it
    mentions ("5.完善网站地图、联系我们等栏目"), but for a document-sharing site's notices."""
    if len(norm) <= _MAX_SHARING_SITE_NOTICE and _SHARING_SITE_NOTICE.search(norm):
        return "sharing_site_notice"
    for name, pattern, longest in NOISE_PATTERNS:
        if len(norm) <= longest and pattern.search(norm):
            return None if match_label(norm, norm) is not None else name
    return None


def split_lines(text: str) -> list[Line]:
    """Non-empty lines with their spans, table rows split into cells."""
    lines: list[Line] = []
    pos = 0
    for raw_line in text.split("\n"):
        line_start = pos
        pos += len(raw_line) + 1
        if "\t" in raw_line:
            cells = _cells(raw_line, line_start)
            if any(c.text for c in cells):
                lo, hi = _strip_bounds(raw_line)
                raw = raw_line[lo:hi]
                lines.append(Line(line_start + lo, line_start + hi, raw, halfwidth(raw), cells=cells))
            continue
        lo, hi = _strip_bounds(raw_line)
        if lo >= hi:
            continue
        raw = raw_line[lo:hi]
        lines.append(Line(line_start + lo, line_start + hi, raw, halfwidth(raw)))
    return lines


def _strip_bounds(s: str) -> tuple[int, int]:
    lo, hi = 0, len(s)
    while lo < hi and (s[lo].isspace() or s[lo] in "\ufeff\u200b"):
        lo += 1
    while hi > lo and (s[hi - 1].isspace() or s[hi - 1] in "\ufeff\u200b"):
        hi -= 1
    return lo, hi


def _cells(raw_line: str, line_start: int) -> list[Cell]:
    cells: list[Cell] = []
    offset = 0
    for part in raw_line.split("\t"):
        lo, hi = _strip_bounds(part)
        cells.append(Cell(part[lo:hi], line_start + offset + lo, line_start + offset + hi))
        offset += len(part) + 1
    return cells


# An inline sub-item label may only stand at the start of the paragraph or after a clause boundary.
_INLINE_LABEL_RES: dict[str, re.Pattern[str]] = {
    # '…。(市工商质监局牵头负责)(2)完善…': also right after the marker that closes the item before
    "ar_paren": re.compile(r"(?:^|(?<=[。;；:：,， )]))\((\d{1,3})\)"),
    "circled": re.compile(rf"(?:^|(?<=[。;；:：,， ]))([{CIRCLED}])"),
    "cn_paren": re.compile(rf"(?:^|(?<=[。;；:：,， ]))[(〔]({_CN})[)〕]"),
    "ar_half_paren": re.compile(r"(?:^|(?<=[。;；:：,， ]))(\d{1,3})\)"),
    # '1.继续完善…。 2.编制…': only after a full stop, a semicolon or a colon (a comma before "2." may be prose),
    # never before a digit (2.5万亩).
    # (One or two spaces after the boundary: a cell's lines joined, an empty line between them.)
    "ar_dot": re.compile(r"(?:^|(?<=[。;；:：])|(?<=[。;；:：] )|(?<=[。;；:：]  ))(\d{1,2})[.．、](?![\d.．、])"),
}
# Every label the patterns above find holds one match of this, so a line with fewer than two (most
# lines: one "(1)" and a "(责任单位…)") cannot be split. The forms are [①-⑳], "(1)" or "(一)", "1)" and
# "。1." after a boundary, each written as its first character then a look-behind for which form it opens:
# a pattern that starts with a character class lets the search skip in C to the characters that can start
# a match, where an alternation of forms is tried at every character. "1)" is found at its ")" (a
# look-behind for the digit), not at the digit: plans hold many more digits than closing brackets.
_INLINE_TRIGGER = re.compile(rf"[{CIRCLED}()。;；:：](?:(?<=[{CIRCLED}])|(?<=\()(?:\d{{1,3}}|{_CN})\)|(?<=\d\))"
                             rf"|(?<=[。;；:：]) {{0,2}}\d{{1,2}}[.．、](?![\d.．、]))")


def _inside_brackets(norm: str) -> list[bool]:
    """For each position of the text, whether a square or lenticular bracket ('〔…〕', '【…】', '[…]') is open there
    (round ones are the labels' own: '(1)')."""
    out: list[bool] = []
    depth = 0
    for ch in norm:
        out.append(depth > 0)
        if ch in "〔【[":
            depth += 1
        elif ch in "〕】]" and depth:
            depth -= 1
    return out


def split_inline_items(line: Line, styles: tuple[str, ...] = INLINE_STYLES, *, opens_with_item: bool = False
                       ) -> list[Line]:
    """Split "（1）…；（2）…" written in one paragraph into one segment per sub-item.

    Only a run of consecutive numbers starting at 1, each after a clause boundary, counts; a lone
    "（1）" or "（2017-2019年）" leaves the line whole. With `opens_with_item` (the caller saw the text open
    with item 1), one more label after it is enough.
    """
    norm = line.norm
    if len(_INLINE_TRIGGER.findall(norm)) < (1 if opens_with_item else 2):
        return [line]
    inside: list[bool] | None = None   # whether each position stands inside a bracket (worked out when needed)
    for style_name in styles:
        cuts: list[int] = []
        for m in _INLINE_LABEL_RES[style_name].finditer(norm):
            if label_value(style_name, m.group(1)) == len(cuts) + 1:
                if inside is None:
                    inside = _inside_brackets(norm)
                if inside[m.start()]:
                    continue   # '〔公开路径:(1)政府网站>…;(2)…〕': a list inside a note, no sub-items
                cuts.append(m.start())
        if len(cuts) < 2:
            continue
        starts = cuts if cuts[0] == 0 else [0, *cuts]
        segments: list[Line] = []
        for i, s in enumerate(starts):
            e = starts[i + 1] if i + 1 < len(starts) else len(norm)
            seg_raw = line.raw[s:e].rstrip()
            if not seg_raw.strip():
                continue
            segments.append(Line(line.start + s, line.start + s + len(seg_raw), seg_raw,
                                 norm[s: s + len(seg_raw)]))
        return segments
    return [line]
