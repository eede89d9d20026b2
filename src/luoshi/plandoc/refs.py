"""References to other documents: 《titles》 and document numbers (文号) such as 大政办发〔2017〕119号."""

from __future__ import annotations

import bisect
import re

from luoshi.plandoc.model import Ref, Span
from luoshi.plandoc.normalize import halfwidth

# Issuer abbreviation + bracketed year + serial + 号. Brackets in both widths, so it also works on raw
# text (meta.py); here it runs on halfwidth() text. The issuer part is up to 10 characters and may
# swallow a lead-in word of running prose ("根据国发〔2015〕36号"); `find_doc_numbers` trims those.
_ISSUER_MAX = 10
_DOC_NUMBER_TAIL = (r"[〔\[(（［【﹝]\s*(?P<year>(?:19|20)\d{2})\s*[〕\])）］】﹞]\s*"
                    r"(?:第\s*)?(?P<serial>\d{1,5})\s*号")
DOC_NUMBER_RE = re.compile(
    rf"(?P<issuer>[\u4e00-\u9fffA-Za-z]{{0,{_ISSUER_MAX - 1}}}[\u4e00-\u9fff])\s*{_DOC_NUMBER_TAIL}")
# The 文号 from its bracket on. Searched alone, it skips along to the next bracket in C, where the whole
# regex tries the issuer's ten characters at every position of the text (~15 µs on a paragraph).
_DOC_NUMBER_TAIL_RE = re.compile(_DOC_NUMBER_TAIL)

# Words of running prose that end right before an issuer abbreviation; the 文号 starts after the last
# one found inside the issuer part. No real abbreviation (国发, 大政办发, 湘政办发, 财教, 工信部联规)
# contains them; single characters are limited to function words that never start one.
ISSUER_LEAD_INS: tuple[str, ...] = (
    "贯彻落实", "关于", "根据", "按照", "依据", "依照", "参照", "对照", "结合", "落实", "贯彻", "执行",
    "推进", "推动", "实施", "印发", "转发", "下发", "出台", "制定", "修订", "废止", "详见", "参见",
    "文件", "通知", "意见", "精神", "要求", "规定", "见", "即", "和", "及", "与", "或", "的",
    "字号", "文号", "编号",   # '发文字号法办〔2019〕40号': a database's key run on into its value
)

# One level of nesting is enough (《…〈…〉…》 is the norm; some typists nest 《》 instead). The
# alternatives differ in their first character, so a failed match costs linear time.
_TITLE_RE = re.compile(r"《(?:[^《》\n]|《[^《》\n]{1,300}》){1,300}》")
# After a title: "(大政发〔2017〕16号)" or "(大政办发〔2017〕119号文件印发)"; the tail after 号 is short.
_PAREN_AFTER_TITLE_RE = re.compile(r"\s*\((?P<body>(?:[^()\n]|\([^()\n]{1,8}\)){1,60})\)")  # 辽政办发(2018)5号


def find_doc_numbers(text: str) -> list[tuple[str, Span]]:
    """Every 文号 in `text`, with lead-in words trimmed from the issuer, in text order."""
    norm = halfwidth(text)
    if "号" not in norm:  # every 文号 ends in 号 (號 is folded to it); skipping the scan keeps the parser fast
        return []
    found: list[tuple[str, Span]] = []
    for match_start, issuer_end, end in _doc_number_spans(norm):
        start = _trim_lead_ins(norm, match_start, match_start, issuer_end)
        found.append((text[start:end], (start, end)))
    return found


def _doc_number_spans(norm: str) -> list[tuple[int, int, int]]:
    """(start, end of the issuer, end) of every DOC_NUMBER_RE match, as its finditer() finds them.

    Each match is a run of issuer characters (at most ten, the last one CJK), spaces, then a tail that
    opens with a bracket; a tail holds no other opening bracket, so the tails are found alone, left to
    right, and each one's issuer read backwards from its bracket: finditer's leftmost start is the
    earliest issuer character of the run that is at most ten back and not inside the previous match.
    """
    spans: list[tuple[int, int, int]] = []
    previous_end = 0
    for tail in _DOC_NUMBER_TAIL_RE.finditer(norm):
        issuer_end = tail.start()
        while issuer_end > previous_end and norm[issuer_end - 1].isspace():
            issuer_end -= 1
        if issuer_end <= previous_end or not "\u4e00" <= norm[issuer_end - 1] <= "\u9fff":
            continue
        start = issuer_end - 1
        floor = max(previous_end, issuer_end - _ISSUER_MAX)
        while start > floor and _is_issuer_char(norm[start - 1]):
            start -= 1
        spans.append((start, issuer_end, tail.end()))
        previous_end = tail.end()
    return spans


def _is_issuer_char(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "A" <= char <= "Z" or "a" <= char <= "z"


def find_title_spans(text: str) -> list[Span]:
    """Spans of the top-level 《…》 titles in `text`, brackets included (for masking by other rules)."""
    return _find_titles(halfwidth(text))


# Every title opens with 《 and every 文号 ends in 号: a text with neither cites nothing.
REF_CHARS = "《号"


def find_refs(text: str) -> list[Ref]:
    """《titles》 and 文号 in text order; a 文号 in parentheses right after a title joins that title."""
    if "《" not in text and "号" not in text:
        return []   # every title opens with 《 and every 文号 ends in 号: most paragraphs cite nothing
    norm = halfwidth(text)
    titles = _find_titles(norm)
    title_starts = [start for start, _ in titles]
    numbers = [span for _, span in find_doc_numbers(text)]
    number_starts = [start for start, _ in numbers]
    used_numbers: set[Span] = set()
    refs: list[Ref] = []
    for title_start, title_end in titles:
        ref_end = title_end
        doc_number: str | None = None
        paren = _PAREN_AFTER_TITLE_RE.match(norm, title_end)
        if paren:
            first = bisect.bisect_left(number_starts, paren.start("body"))
            inside = [s for s in numbers[first:first + 2] if s[1] <= paren.end("body")]
            if len(inside) == 1:
                doc_number = text[inside[0][0]:inside[0][1]]
                used_numbers.add(inside[0])
                ref_end = paren.end()
        refs.append(Ref(title=text[title_start + 1:title_end - 1], doc_number=doc_number,
                        span=(title_start, ref_end)))
    for span in numbers:
        i = bisect.bisect_right(title_starts, span[0]) - 1
        in_title = i >= 0 and span[0] < titles[i][1]  # "《关于转发国发〔2015〕36号文件的通知》"
        if span not in used_numbers and not in_title:
            refs.append(Ref(title=None, doc_number=text[span[0]:span[1]], span=span))
    refs.sort(key=lambda r: r.span[0] if r.span else 0)
    return refs


def _find_titles(norm: str) -> list[Span]:
    """Spans of top-level 《…》 including the brackets; a nested 《》 or 〈〉 stays inside the outer title.

    An unclosed 《, or a title that would run past a line end, is not a title.
    """
    return [m.span() for m in _TITLE_RE.finditer(norm)]


def _trim_lead_ins(norm: str, match_start: int, issuer_start: int, issuer_end: int) -> int:
    """Start of the 文号 once the prose before the issuer abbreviation is cut off."""
    issuer = norm[issuer_start:issuer_end]
    cut = 0
    for word in ISSUER_LEAD_INS:
        at = issuer.rfind(word)
        if at >= 0 and at + len(word) < len(issuer):
            cut = max(cut, at + len(word))
    return max(issuer_start + cut, match_start)
