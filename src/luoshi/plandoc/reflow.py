"""Join lines that a layout wrapped mid-sentence: a PDF's lines, or a text copied from a PDF or a printed
page with a line break at every margin.

A line is joined with the next when the layout wrapped it: the line does not end a sentence, the next line
does not start with a heading label, the line is near the document's full line width. When the document
marks paragraph starts with an indent, a line is never joined with a next line indented as a paragraph
(one to four ideographic spaces), and a full line that ends in 。 or ） is still joined with a next line
that has no indent (the text wrapped right after the punctuation). A full line inside an open bracket
always continues, whatever it ends with: a marker wrapped right after its colon ("（责任单位：" /
"市科技局）"), or a number wrapped away from its bracket ("（见附件" / "1）"). A date alone on a line (under
a signature) starts a line of its own. Table rows (TAB lines) are never joined, and stand between empty
lines as every reader gives them.

A plain text is joined only when it is hard-wrapped (`is_hard_wrapped`): a text with one paragraph a line,
as portals publish, has hardly any full-width line that stops mid-sentence; a text broken at a margin has
them on a good share of its lines. A line that ends with a web table's '|' ('1 | 编制… | 区教育局 | 12月底前 |', a
cell 'X |') is a row or a cell, however long: it tells nothing of a margin.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

from luoshi.plandoc.normalize import halfwidth
from luoshi.plandoc.numerals import parse_number
from luoshi.plandoc.units import looks_like_unit, names_only_units, names_units_by_verbs, opens_with_unit_label

# A heading label, as the parser will see it at the start of a line (full- or half-width).
HEADING_LABEL = re.compile(
    r"^(?:[一二三四五六七八九十百零〇]+[、.．]"
    r"|[（(][一二三四五六七八九十百零〇]+[）)]"
    r"|\d{1,3}(?:[.．、](?!\d)|[）)])"
    r"|[（(]\d{1,3}[）)]"
    r"|[①-⑳⑴-⒇⒈-⒛㈠-㈩]"
    r"|第[一二三四五六七八九十百零〇\d]+[条章节部分篇]"
    r")")
# A line that ends a sentence or a parenthesis is never joined with the next.
_SENTENCE_END = re.compile(r"[。；;：:！!？?”’）)】」』]$|(?<!\d)\.$")
_BYLINE = re.compile(r"(?:发布日期|发布时间|发文日期|成文日期|来源|信息来源|作者|索引号|文号|发文字号)\s*:")
# Share of the document's full line width from which a line counts as wrapped by the layout.
_FULL_LINE_SHARE = 0.85
_ENDS_CELL = re.compile(r"[|｜]\s*$")   # a web table's row or cell closed by its pipe
INDENT = re.compile(r"^[ \u3000\xa0]")
# A paragraph's indent: one to four ideographic spaces (more is a centred or right-aligned line; a
# single space in front of a line is often an artefact of extraction, not an indent).
_PARAGRAPH_INDENT = re.compile(r"^\u3000{1,4}(?![ \u3000\xa0])")
# What the next line may start with when it closes a bracket left open: "1）" of "（见附件" + "1）".
_CLOSING_NUMBER = re.compile(r"^\d{1,3}[）)]")
# Brackets a marker is written in: （…） (…) 〔…〕 […] 【…】.
_OPENING = "（(〔[【"
_CLOSING = "）)〕]】"
_BRACKET = re.compile("[" + re.escape(_OPENING + _CLOSING) + "]")
# A date alone on its line (the date under a signature) never continues the line above.
_DATE_LINE = re.compile(r"^(?:\d{4}|[〇零一二三四五六七八九]{4})年"
                        r"[\d一二三四五六七八九十]{1,2}月[\d一二三四五六七八九十]{1,3}日$")

# A plain text is hard-wrapped when at least this share of its lines (and this many) are full lines that
# stop mid-sentence before a line that is no heading. Texts with a paragraph a line stay below a tenth
# (a few long headings or cells without punctuation); texts broken at a margin of 20-40 characters reach
# a sixth to four fifths.
_WRAPPED_SHARE = 0.12
_MIN_WRAPPED = 3
_MIN_TEXT_LINES = 8
# A text whose lines are (nearly) all followed by an empty line is double-spaced.
_DOUBLE_SPACED_SHARE = 0.8
# Narrower than this (in half-em cells: 15 CJK characters) the "full line" is a list of short lines.
_MIN_FULL_WIDTH = 30


def display_width(text: str) -> int:
    """Width in half-em cells: wide (CJK) characters count 2, others 1."""
    return sum(map(_WIDTHS.__getitem__, text))


class _CharacterWidths(dict[str, int]):
    """Each character's width, looked up in the Unicode database once (a plan uses a few thousand)."""

    def __missing__(self, char: str) -> int:
        width = self[char] = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        return width


_WIDTHS = _CharacterWidths()


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Join lines the layout wrapped mid-sentence (see the module docstring for the rules)."""
    if not lines:
        return []
    if any("\t" in line for line in lines):
        return _join_around_rows(lines)
    widths = [display_width(line.strip()) for line in lines]
    # A web table's rows ('… | 区教育局 |') are as long as their cells make them: no measure of the margin.
    full_width = _full_line_width([w for w, line in zip(widths, lines, strict=True) if not _ENDS_CELL.search(line)])
    indented = [bool(INDENT.match(line)) for line in lines]
    # Where paragraphs are indented, a line indented as a paragraph (not centred) starts one.
    paragraph_start = [_PARAGRAPH_INDENT.match(line) is not None for line in lines]
    # Indents tell paragraphs apart when some lines have one and some (a few at least) have none: where
    # every line has one (a space in front of each), they tell nothing.
    unindented = len(lines) - sum(indented)
    uses_indent = sum(indented) >= 0.05 * len(lines) and unindented >= max(1, 0.05 * len(lines))
    out: list[str] = []
    # The paragraph being built, as its pieces (joined once: re-copying a growing string is quadratic),
    # and its last two characters, all that _SENTENCE_END looks at.
    current = [lines[0].strip()]
    tail = current[0][-2:]
    current_width = widths[0]
    depth = _bracket_depth(current[0], 0)  # brackets the paragraph has opened and not closed
    for index in range(1, len(lines)):
        following = lines[index].strip()
        wrapped = False
        starts_paragraph = uses_indent and paragraph_start[index]
        if current_width >= _FULL_LINE_SHARE * full_width and not _DATE_LINE.match(following) and not starts_paragraph \
                and not _ENDS_CELL.search(tail) \
                and not _breaks_at_byline(current[0], following):   # a web table's row or cell is never a wrapped line
            if depth > 0 and (not HEADING_LABEL.match(following) or _CLOSING_NUMBER.match(following)):
                wrapped = True
            elif not HEADING_LABEL.match(following) and not opens_with_unit_label(halfwidth(following)):
                # (outside brackets, a line opening on a unit label, '牵头单位：X', is a marker line of its own)
                # A full line that ends a sentence still continues when the document starts its
                # paragraphs with an indent and the next line has none.
                wrapped = not _SENTENCE_END.search(halfwidth(tail)) or (uses_indent and not indented[index])
        if wrapped and tail and following:
            piece = word_separator(tail, following) + following
            current.append(piece)
            tail = (tail + piece)[-2:]
            depth = _bracket_depth(following, depth)
        else:
            out.append("".join(current))
            current = [following]
            tail = following[-2:]
            depth = _bracket_depth(following, 0)
        current_width = widths[index]
    out.append("".join(current))
    return out


def _breaks_at_byline(paragraph_start: str, following: str) -> bool:
    """A page's byline ('发布日期:2023-01-30 作者:- 来源:…') is a line of its own under the title, and goes on only onto
    a line that holds more of its keys ('索引号:… 公文目录:政' / '府文件 发文日期:…'), not onto the text."""
    after = halfwidth(following)
    return _BYLINE.match(after) is not None or (
        _BYLINE.match(halfwidth(paragraph_start)) is not None and _BYLINE.search(after) is None)


def _join_around_rows(lines: list[str]) -> list[str]:
    """Table rows (TAB lines) stay as they are, framed by empty lines; the text between them is joined."""
    out: list[str] = []
    text: list[str] = []
    for line in lines:
        if "\t" not in line:
            text.append(line)
            continue
        if text:
            out += join_wrapped_lines(text)
            text = []
        if out and "\t" not in out[-1] and out[-1]:
            out.append("")
        out.append(line)
    if text:
        if out and "\t" in out[-1]:
            out.append("")
        out += join_wrapped_lines(text)
    return out


def _bracket_depth(line: str, depth: int) -> int:
    """The number of brackets open after `line`, starting from `depth` (never below 0)."""
    opened = sum(line.count(char) for char in _OPENING)
    closed = sum(line.count(char) for char in _CLOSING)
    return max(depth + opened - closed, 0)


def _full_line_width(widths: list[int]) -> int:
    """The width of a full line: the 90th percentile of the widths of the longer lines (at least half
    the longest), so that neither one overlong line nor many short ones (headings, lists) decide it."""
    longest = max(widths, default=0)
    ordered = sorted(width for width in widths if width > 0 and 2 * width >= longest)
    if not ordered:
        return 1
    return max(ordered[int(0.9 * (len(ordered) - 1))], 1)


def word_separator(left: str, right: str) -> str:
    # Latin words wrapped at a space get their space back; CJK text has none, and a number wrapped in its
    # digits is one number (…企业3 / 000家 is 3000家, not 3 000).
    if left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum() \
            and not (left[-1].isdigit() and right[0].isdigit()):
        return " "
    return ""


def is_hard_wrapped(lines: list[str]) -> bool:
    """Was this text broken into lines at a margin (copied from a PDF or a printed page), rather than
    written a paragraph a line?"""
    text_lines = [line.strip() for line in lines if line.strip() and "\t" not in line and not _ENDS_CELL.search(line)]
    if len(text_lines) < _MIN_TEXT_LINES:
        return False
    widths = [display_width(line) for line in text_lines]
    full_width = _full_line_width(widths)
    if full_width < _MIN_FULL_WIDTH:
        return False
    wrapped = sum(1 for index in range(len(text_lines) - 1)
                  if widths[index] >= _FULL_LINE_SHARE * full_width
                  and not _SENTENCE_END.search(halfwidth(text_lines[index][-2:]))
                  and not HEADING_LABEL.match(text_lines[index + 1])
                  and not (text_lines[index][-1] not in _OPENING
                           and opens_with_unit_label(halfwidth(text_lines[index + 1]))))
    return wrapped >= _MIN_WRAPPED and wrapped >= _WRAPPED_SHARE * len(text_lines)


def drop_spacing_lines(lines: list[str]) -> list[str]:
    """A text copied with an empty line after every line (a PDF's line spacing, a page's <p> per line):
    those empty lines separate nothing, and would keep every wrapped line apart. Other texts as they are."""
    text_lines = sum(1 for line in lines if line.strip())
    followed_by_empty = sum(1 for line, following in itertools.pairwise(lines)
                            if line.strip() and not following.strip())
    if text_lines < _MIN_TEXT_LINES or followed_by_empty < _DOUBLE_SPACED_SHARE * text_lines:
        return lines
    return [line for line in lines if line.strip()]


def unwrap(text: str) -> tuple[str, int]:
    """The text with the lines of a hard-wrapped copy joined (a page or a Word file that keeps a PDF's line
    breaks as paragraphs), and how many line breaks were taken out; any other text as it is, and 0."""
    lines = text.split("\n")
    if not is_hard_wrapped(lines):
        return text, 0
    joined = join_wrapped_lines(drop_spacing_lines(lines))
    return "\n".join(joined), sum(1 for line in lines if line.strip()) - sum(1 for line in joined if line.strip())


def join_open_brackets(text: str) -> tuple[str, int]:
    """The text with a line that stops inside a bracket it opened joined with the next line when that line
    closes it early on ('二、…水价制定（承办部门：区发改' / '委）'), however the rest of the text is laid out; and how
    many such breaks were taken out."""
    lines = text.split("\n")
    out: list[str] = []
    joined = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        # A double-spaced copy puts an empty line between the two halves.
        after = i + 1 if not line.strip() and i + 1 < len(lines) else i
        if out and _opens_bracket_at_end(out[-1]) and _closes_early(lines[after]):
            out[-1] = out[-1].rstrip() + word_separator(out[-1].rstrip()[-1:], lines[after].strip()) \
                + lines[after].strip()
            joined += 1
            i = after + 1
            continue
        out.append(line)
        i += 1
    return ("\n".join(out), joined) if joined else (text, 0)


def split_run_on_outline(text: str) -> tuple[str, int]:
    """The text with a page that lost its line breaks ('…制定实施方案如下:一、工作目标…。二、工作措施(一)降低…。
    1.严格执行…') broken again before each label of its outline, and how many breaks were put back. Only in a line
    of at least _RUN_ON_LINE characters holding two labels of the upper levels (一、, (一)), only after the end of a
    sentence, a clause, a colon, a closing bracket or a space, and only labels that go on a run of their kind:
    一、 after the one before it (from 一、), (一) after (一)… or first under a new 一、, 1. and (1) likewise under
    what is above them. A paragraph's own '(1)…;(2)…' breaks nothing: it holds no upper label."""
    if len(text) < _RUN_ON_LINE:
        return text, 0
    lines = text.split("\n")
    broken = 0
    for k, line in enumerate(lines):
        if len(line) < _RUN_ON_LINE or "\t" in line:
            continue
        cuts = _outline_cuts(halfwidth(line))
        if len(cuts) >= _MIN_RUN_ON_LABELS:
            pieces = [line[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(line)], strict=True)]
            lines[k] = "\n".join(piece for piece in pieces if piece)
            broken += len(cuts)
    return ("\n".join(lines), broken) if broken else (text, 0)


def _outline_cuts(norm: str) -> list[int]:
    """Where the labels of a run-on outline start in the half-width line `norm` (see split_run_on_outline)."""
    cuts: list[int] = []
    headings = 0   # labels of the two upper levels taken: a run-on outline has them, a paragraph's (1)…(2)… not
    last = [0] * len(_RUN_ON_STYLES)   # the last value taken at each level
    restarts = [False] * len(_RUN_ON_STYLES)   # a label above came since: the level may start again at 1
    heading_end, heading_level = -1, -1   # where the last label taken ends, and its level
    for m in _RUN_ON_LABEL.finditer(norm):
        level = next(i for i, name in enumerate(_RUN_ON_STYLES) if m.group(name) is not None)
        at = m.start("label")
        if at > 0 and norm[at - 1] not in _RUN_ON_BOUNDARY and not (
                level > heading_level >= 0 and at - heading_end <= _MAX_RUN_ON_HEADING
                and not _PUNCTUATION.search(norm, heading_end, at)) and not (
                heading_level < 0 and level == 0 and at <= _MAX_RUN_ON_TITLE and not _PUNCTUATION.search(norm, 0, at)):
            # '二、工作措施(一)降低…': only a heading's short title, no sentence, may stand before it; before the first
            # 一、, the document's title ('政务服务事项标准化提升工作流程一、工作步骤')
            continue
        value = parse_number(m.group(_RUN_ON_STYLES[level]))
        # A level goes on (items numbered through the sections, as many plans do) or starts again under a new label
        # above it.
        if value is None or not (value == last[level] + 1 or (value == 1 and restarts[level])):
            continue
        last[level], restarts[level] = int(value), False
        for lower in range(level + 1, len(last)):
            restarts[lower] = True
        headings += level < 2
        heading_end, heading_level = m.end("label"), level
        if at > 0:
            cuts.append(at)
    return cuts if headings >= _MIN_RUN_ON_HEADINGS else []


_RUN_ON_LINE = 300
_MIN_RUN_ON_LABELS = 3
_MIN_RUN_ON_HEADINGS = 2
_RUN_ON_STYLES = ("cn_dun", "cn_paren", "ar_dot", "ar_paren")
_RUN_ON_BOUNDARY = frozenset("。;:!?)]〕】” \t\u3000")
_MAX_RUN_ON_HEADING = 20
_MAX_RUN_ON_TITLE = 60
_PUNCTUATION = re.compile(r"[。;:,!?、]")
_RUN_ON_LABEL = re.compile(
    r"(?P<label>(?P<cn_dun>[一二三四五六七八九十]{1,3})、"
    r"|[(〔](?P<cn_paren>[一二三四五六七八九十]{1,3})[)〕]"
    r"|(?P<ar_dot>\d{1,2})[.、](?!\d)"
    r"|\((?P<ar_paren>\d{1,2})\))(?=[\u4e00-\u9fff“《])")


def join_shared_chunks(text: str) -> tuple[str, int]:
    """A document-sharing site's preview ('《X.docx》由会员分享,可在线阅读…'): the file's text in numbered chunks of a
    page or so, a line each ('1、…一、工作步骤(一)选定事项…编制政', '2、务服务事项基本目录…'), a chunk breaking off
    mid-word where the next goes on. The chunks joined into one line without their numbers, and how many joins;
    the text as it is where the site's words are missing, or where each chunk ends a sentence (numbered items
    then, '1、…。' '2、…。', not the pages of a file)."""
    if not _SHARING_SITE.search(text[:_SHARING_SITE_HEAD]):
        return text, 0
    lines = text.split("\n")
    chunks: list[int] = []   # the lines of the chunks 1, 2, 3… in order
    for k, line in enumerate(lines):
        m = _CHUNK_NUMBER.match(line)
        if m and int(m.group(1)) == len(chunks) + 1:
            chunks.append(k)
    whole = chunks[:-1]
    if len(chunks) < 2 or any(len(lines[k]) < _MIN_CHUNK for k in whole) \
            or all(_SENTENCE_END.search(lines[k].rstrip()[-1:]) for k in whole):
        return text, 0
    joined = "".join(_CHUNK_NUMBER.sub("", lines[k], count=1) for k in chunks)
    taken = set(chunks)
    out = [*lines[:chunks[0]], joined, *(line for k, line in enumerate(lines[chunks[0]:], chunks[0])
                                        if k not in taken and line.strip())]
    return "\n".join(out), len(chunks) - 1


_SHARING_SITE = re.compile(r"由会员(?:上传)?分享|在线阅读|下载文档前请自行甄别")
_SHARING_SITE_HEAD = 2000
_CHUNK_NUMBER = re.compile(r"[ \t\u3000]*(\d{1,3})、")   # (a copy may indent it as a paragraph)
_MIN_CHUNK = 150   # a page of a file (a site shows 250 characters a page or more), cut at its end


def join_lone_labels(text: str) -> str:
    """The text with a label standing alone on its line ('（一）', its text on the next line, blank lines between,
    as a table copied one cell per line or a PDF that set the label apart leaves it) joined to that text."""
    if "\n" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        following = i + 1
        while following < len(lines) and following - i <= _MAX_BLANKS_AFTER_LABEL and not lines[following].strip():
            following += 1
        if _LONE_LABEL.fullmatch(line) and following < len(lines) and _TEXT_AFTER_LABEL.match(lines[following]) \
                and "\t" not in lines[following] and not HEADING_LABEL.match(lines[following].strip()):
            out.append(line.rstrip() + lines[following].strip())
            out.extend([""] * (following - i - 1))   # the blank lines stay, below the joined line
            i = following + 1
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


_LONE_LABEL = re.compile(r"\s*(?:[（(][一二三四五六七八九十百零〇]{1,4}[）)]|[（(]\d{1,3}[）)]|[①-⑳])\s*")
_TEXT_AFTER_LABEL = re.compile(r"\s*[\u4e00-\u9fff“《]")
_MAX_BLANKS_AFTER_LABEL = 6


def _opens_bracket_at_end(line: str) -> bool:
    """Does the line end inside a bracket it opened itself, in its last few characters (a marker's label or
    its first names) or, for a labelled marker, further back with a pair opened and closed since; no table row?"""
    stripped = line.rstrip()
    if not stripped or "\t" in stripped or _ENDS_CELL.search(stripped):
        return False
    window = stripped[-_OPEN_MARKER_TAIL:]
    brackets = [(m.start(), m.group()) for m in _BRACKET.finditer(window)]
    if not brackets:
        return False   # most lines: nothing to look at
    tail_from = len(window) - _OPEN_TAIL
    last_open = next((k for k, char in reversed(brackets) if char in _OPENING), -1)
    if last_open >= tail_from and not any(char in _CLOSING for k, char in brackets if k > last_open):
        return True
    # '(牵头单位:…,责任单位:…、各区县〔市〕政府、开发区管' / '委会)': the marker opened further back, a pair closed
    # since
    unclosed: list[int] = []
    for k, char in brackets:
        if char in _OPENING:
            unclosed.append(k)
        elif unclosed:
            unclosed.pop()
    if not unclosed:
        return False
    opened = halfwidth(window[unclosed[-1] + 1:])
    # '…活动。(科技部、国家卫生健康委、…、中国科协按' / '职责分工负责)': a bracket of names, no label, cut in its list
    names = opened.split("、")
    return ":" in opened or (len(names) >= _MIN_OPEN_NAMES and all(looks_like_unit(n) for n in names[:-1]))


def _closes_early(line: str) -> bool:
    """Does the line close a bracket within its first characters, before opening one, and start no item?"""
    stripped = line.strip()
    if not stripped or HEADING_LABEL.match(stripped) or "\t" in stripped:
        return False
    # '（牵头单位：县国土局；' / '参与单位：县民政局、县林业局、县住建局、县规划局）': the marker's next label goes on
    head = stripped[:_OPEN_MARKER_TAIL if opens_with_unit_label(halfwidth(stripped)) else _OPEN_TAIL]
    closing = min((i for i, char in enumerate(head) if char in _CLOSING), default=-1)
    return closing >= 0 and not any(char in head[:closing] for char in _OPENING)


_OPEN_MARKER_TAIL = 120   # a labelled marker's list cut by a line break after a closed pair inside it
_MIN_OPEN_NAMES = 3   # a bracket's list of names cut by a line break: two whole names before the cut
_OPEN_TAIL = 24   # a marker cut by a line break: '（承办部门：区发改' / '委）', '（承办' / '部门：吐鲁番经开区管委会）'


# A gazette's or a PDF's columns copied with each line break turned into a space: '但食 品安全基础依然薄弱，为贯彻
# 党的十八大…中央经 济工作会议…'. Single spaces about one column's width apart, several in a row, are the breaks
# (a page may change its column width: a gazette's narrower columns further down).
_INNER_SPACE = re.compile(r"(?<=\S) (?=\S)")
_MIN_RUN_GAPS = 3
_MIN_COLUMN_WIDTH = 8
_COLUMN_SLACK = 2


def join_column_breaks(text: str) -> tuple[str, int]:
    """The text with the spaces a flattened column layout left inside words taken out, and how many; a space
    before a heading ('…如下安排： 一、…') or after a heading's title, out of the columns' rhythm, stays."""
    out: list[str] = []
    removed = 0
    for line in text.split("\n"):
        spaces = [m.start() for m in _INNER_SPACE.finditer(line) if _may_break(line, m.start())]
        breaks = _column_breaks(spaces) if len(spaces) > _MIN_RUN_GAPS else []
        for p in reversed(breaks):
            line = line[:p] + line[p + 1:]
        removed += len(breaks)
        out.append(line)
    return ("\n".join(out), removed) if removed else (text, 0)


def _may_break(line: str, p: int) -> bool:
    """Could the space at p be a line break inside text: between two CJK characters, not before a heading
    or a field's label ('牵头领导:王仁洲 责任单位:市公安局' sets its fields apart by spaces)?"""
    if not (_is_cjk(line[p - 1]) and _is_cjk(line[p + 1])) or HEADING_LABEL.match(line[p + 1:]) \
            or _FIELD_LABEL.match(line, p + 1):
        return False
    # '市交通委 市绿化市容局': names set apart by spaces, each a unit of its own.
    before, after = _WORD_BEFORE.search(line, 0, p), _WORD_AFTER.match(line, p + 1)
    return not (before and after and looks_like_unit(before.group()) and looks_like_unit(after.group()))


_WORD_BEFORE = re.compile(r"[^\s,，、;；:：。()（）]{2,20}$")
_WORD_AFTER = re.compile(r"[^\s,，、;；:：。()（）]{2,20}")


_FIELD_LABEL = re.compile(r"[^\s:：,，。]{1,8}[:：]")


def _column_breaks(spaces: list[int]) -> list[int]:
    """The spaces that bound runs of at least three gaps of about one width (the columns' lines)."""
    gaps = [b - a - 1 for a, b in itertools.pairwise(spaces)]
    in_run: set[int] = set()
    start = 0
    for k in range(1, len(gaps) + 1):
        if k < len(gaps) and gaps[k] >= _MIN_COLUMN_WIDTH and gaps[k - 1] >= _MIN_COLUMN_WIDTH \
                and abs(gaps[k] - gaps[k - 1]) <= _COLUMN_SLACK:
            continue
        if k - start >= _MIN_RUN_GAPS:
            in_run.update(range(start, k + 1))   # gaps start..k-1 lie between spaces start..k
        start = k
    return [p for i, p in enumerate(spaces) if i in in_run]


def _is_cjk(char: str) -> bool:
    """An ideograph or full-width punctuation: a break between two of them split a word or a sentence."""
    return "\u4e00" <= char <= "\u9fff" or unicodedata.east_asian_width(char) in ("W", "F")


# -- a task table flattened into one paragraph -------------------------------------------------------

# The header words a flattened table runs together after 序号 ('序号工作任务责任单位'), longest first.
_GLUED_TEXT_WORDS = ("工作任务", "主要任务", "重点任务", "具体任务", "目标任务", "任务内容", "工作内容", "主要内容",
                     "具体内容", "项目名称", "工作措施", "具体措施", "工作事项")
_GLUED_UNIT_WORDS = ("责任单位", "牵头单位", "配合单位", "责任部门", "牵头部门", "配合部门", "协办单位")
_GLUED_OTHER_WORDS = ("完成时限", "完成时间", "时间节点", "时限", "备注")
_GLUED_WORD = "|".join(sorted((*_GLUED_TEXT_WORDS, *_GLUED_UNIT_WORDS, *_GLUED_OTHER_WORDS), key=len, reverse=True))
_GLUED_HEADER = re.compile(r"序号((?:" + _GLUED_WORD + r"){2,6})(?=(\d{1,3})[\u4e00-\u9fff“《])")
_GLUED_WORDS = re.compile(_GLUED_WORD)
_MIN_GLUED_ROW = 8   # characters of a row at least: a task and a unit
_MIN_GLUED_ROWS = 2


def split_glued_table(text: str) -> tuple[str, int]:
    """'序号工作任务责任单位21树立婚育新风。…省妇联牵头;省总工会配合;各州(市)党委和政府落实22根据…': a task table a
    page printed as one paragraph, its header's words and its rows run together, each row its number, its text
    and, after the text's last full stop, its unit cell. Written out again as TAB rows under a TAB header; and how
    many rows. Only a header of known words holding a unit column, with a text column before it and the unit
    column after all text columns, and at least two rows in sequence, each ending on units."""
    if "序号" not in text:
        return text, 0
    lines = text.split("\n")
    rows_made = 0
    for k, line in enumerate(lines):
        norm = halfwidth(line)
        m = _GLUED_HEADER.search(norm)
        if m is None:
            continue
        columns = _GLUED_WORDS.findall(m.group(1))
        text_at = next((i for i, c in enumerate(columns) if c in _GLUED_TEXT_WORDS), -1)
        unit_at = next((i for i, c in enumerate(columns) if c in _GLUED_UNIT_WORDS), -1)
        if not 0 <= text_at < unit_at or any(c in _GLUED_TEXT_WORDS for c in columns[unit_at:]):
            continue
        rows = _glued_rows(norm, m.end(), int(m.group(2)))
        if len(rows) < _MIN_GLUED_ROWS:
            continue
        out = [line[:m.start()].rstrip(), "\t".join(["序号", *columns])] if line[:m.start()].strip() \
            else ["\t".join(["序号", *columns])]
        for number, text_end, start, end in rows:
            cells = [""] * len(columns)
            cells[text_at] = line[start:text_end].strip()
            cells[unit_at] = line[text_end:end].strip()
            out.append("\t".join([str(number), *cells]))
        lines[k] = "\n".join(out)
        rows_made += len(rows)
    return ("\n".join(lines), rows_made) if rows_made else (text, 0)


def _glued_rows(norm: str, at: int, first: int) -> list[tuple[int, int, int, int]]:
    """The rows from `at`, numbered on from `first`: (number, where its unit cell starts, its text's start, its
    end). Each row ends where the next number starts, once what comes before that number ends on units."""
    rows: list[tuple[int, int, int, int]] = []
    number, start = first, at + len(str(first))
    while True:
        nxt = re.compile(r"(?<![\d.%第前至到和~-])" + str(number + 1) + r"(?=[\u4e00-\u9fff“《])")
        end, text_end = len(norm), _unit_cell_start(norm, start, len(norm))
        for cand in nxt.finditer(norm, start + _MIN_GLUED_ROW):
            cell = _unit_cell_start(norm, start, cand.start())
            if cell is not None:
                end, text_end = cand.start(), cell
                break
        if text_end is None:
            return rows
        rows.append((number, text_end, start, end))
        if end == len(norm):
            return rows
        number, start = number + 1, end + len(str(number + 1))


def _unit_cell_start(norm: str, start: int, end: int) -> int | None:
    """Where the units closing norm[start:end] start: after its last full stop, when what follows names units
    (a list, or lists closed by their verbs: 'A、B牵头;C配合;D落实'); None when it names none."""
    stop = norm.rfind("。", start, end)
    if stop < 0:
        return None
    tail = norm[stop + 1:end].strip()
    if not tail or len(tail) > _MAX_GLUED_UNITS:
        return None
    if names_units_by_verbs(tail) or names_only_units(tail):
        return stop + 1
    return None


_MAX_GLUED_UNITS = 300
