"""Text PDFs (pypdf): page text without page numbers and running headers, wrapped lines joined.

Steps: extract each page's lines; drop page-number lines near the top or bottom of a page ("— 3 —",
"第3页 共10页", "3/10", a bare number); drop running headers and footers (the same line, digits ignored,
near the top or bottom of most pages, or of both pages of a two-page PDF when the text holds the line
nowhere else); then join a line with the next when the layout wrapped it: the
line does not end a sentence, the next line does not start with a heading label, the line is near the
document's full line width. When the document marks paragraph starts with an indent, a full line that
ends in 。 or ） is still joined with a next line that has no indent (the text wrapped right after the
punctuation). A full line inside an open bracket always continues, whatever it ends with: a marker
wrapped right after its colon ("（责任单位：" / "市科技局）"), or a number wrapped away from its bracket
("（见附件" / "1）"). A date alone on a line (under a signature) starts a line of its own.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter

from luoshi.plandoc.errors import UnsupportedInput
from luoshi.plandoc.limits import WorkBudget
from luoshi.plandoc.messages import message
from luoshi.plandoc.normalize import halfwidth
from luoshi.plandoc.read import HEADING_LABEL

_ENCRYPTED_MESSAGE = message("pdf_encrypted")
_SCANNED_MESSAGE = message("pdf_scanned")

# Lines looked at for page numbers and running headers/footers at each end of a page.
_EDGE_LINES = 3
# A running header/footer appears on at least this share of the pages (and the PDF has this many pages).
_RUNNING_SHARE = 0.5
_RUNNING_MIN_PAGES = 3
# Page-number lines (matched on the half-width line with inner spaces removed), in order.
_PAGE_NUMBERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("dashes", re.compile(r"^[-—–―~～]+\d{1,4}[-—–―~～]+$")),
    ("chinese", re.compile(r"^第\d{1,4}页(?:[,，/]?共\d{1,4}页)?$")),
    ("chinese-total-first", re.compile(r"^共\d{1,4}页[,，]?第\d{1,4}页$")),
    ("fraction", re.compile(r"^\d{1,4}/\d{1,4}$")),
    ("english", re.compile(r"^(?:page)?\d{1,4}(?:of\d{1,4})?$", re.IGNORECASE)),
)
# A line that ends a sentence or a parenthesis is never joined with the next.
_SENTENCE_END = re.compile(r"[。；;：:！!？?”’）)】」』]$|(?<!\d)\.$")
# Share of the document's full line width from which a line counts as wrapped by the layout.
_FULL_LINE_SHARE = 0.85
_INDENT = re.compile(r"^[ \u3000\xa0]")
# A line that starts this many points right of the page's leftmost line is indented (an em of 10.5 pt
# text is 10.5 points; a two-character indent at 16 pt is 32).
_INDENT_POINTS = 8.0
# What the next line may start with when it closes a bracket left open: "1）" of "（见附件" + "1）".
_CLOSING_NUMBER = re.compile(r"^\d{1,3}[）)]")
# Brackets a marker is written in: （…） (…) 〔…〕 […] 【…】.
_OPENING = "（(〔[【"
_CLOSING = "）)〕]】"
# A date alone on its line (the date under a signature) never continues the line above.
_DATE_LINE = re.compile(r"^(?:\d{4}|[〇零一二三四五六七八九]{4})年"
                        r"[\d一二三四五六七八九十]{1,2}月[\d一二三四五六七八九十]{1,3}日$")
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"[\s\u3000]+")

def read_pdf(data: bytes) -> tuple[str, list[str]]:
    """Return the text of a PDF (paragraphs joined across wraps and pages) and warnings."""
    pages, warnings = _page_lines(data)
    if not any(line.strip() for page in pages for line in page):
        raise UnsupportedInput(_SCANNED_MESSAGE)
    empty_pages = [index + 1 for index, page in enumerate(pages) if not any(line.strip() for line in page)]
    if empty_pages:
        listed = "、".join(str(number) for number in empty_pages[:10])
        listed += "等" if len(empty_pages) > 10 else ""
        warnings.append(message("pdf_pages_without_text", pages=listed))
    pages = _drop_page_furniture(pages)
    return "\n".join(join_wrapped_lines([line for page in pages for line in page])), warnings


def _page_lines(data: bytes) -> tuple[list[list[str]], list[str]]:
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise UnsupportedInput(_ENCRYPTED_MESSAGE)
            except (DependencyError, NotImplementedError):
                raise UnsupportedInput(message("pdf_encryption_unsupported")) from None
        pages: list[list[str]] = []
        warnings: list[str] = []
        budget = WorkBudget()
        for number, page in enumerate(reader.pages, start=1):
            pieces = _PagePieces()
            try:
                text = page.extract_text(visitor_text=pieces.add)
            except (DependencyError, FileNotDecryptedError):
                raise UnsupportedInput(_ENCRYPTED_MESSAGE) from None
            except Exception:  # one bad page (broken font or content stream) should not lose the rest
                warnings.append(message("pdf_page_unreadable", page=number))
                text, pieces = "", _PagePieces()
            budget.text(len(text))  # stop extracting once the page text is over the budget
            lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            pages.append(pieces.mark_indents(lines))
    except UnsupportedInput:
        raise
    except NotImplementedError:
        raise UnsupportedInput(message("pdf_unsupported")) from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OSError, AssertionError, ZeroDivisionError, OverflowError):
        raise UnsupportedInput(message("pdf_damaged")) from None
    return pages, warnings


class _PagePieces:
    """The pieces of text pypdf reports with their position, to tell which lines start further right.

    A layout that indents first lines with a text indent (not with space characters) leaves no trace
    in the extracted text; the x of each line's first piece does. Such a line gets an ideographic space
    in front, as if the indent had been typed, so that the joining rules see where paragraphs start.
    """

    __slots__ = ("at_line_start", "line_starts", "text")

    def __init__(self) -> None:
        self.line_starts: list[float | None] = []  # x of each line's first piece, None when unknown
        self.at_line_start = True
        self.text: list[str] = []

    def add(self, text: str, cm: list[float], tm: list[float], _font: object, _size: object) -> None:
        if not text:
            return
        self.text.append(text)
        for index, part in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
            if index:  # a line ended before this part
                if self.at_line_start:
                    self.line_starts.append(None)
                self.at_line_start = True
            if part.strip() and self.at_line_start:
                # only the first part of the piece sits at the piece's position
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4] if index == 0 else None
                self.line_starts.append(x)
                self.at_line_start = False

    def mark_indents(self, lines: list[str]) -> list[str]:
        """The lines, those that start right of the page's left text edge marked with an indent."""
        filled = [index for index, line in enumerate(lines) if line.strip()]
        if "".join(self.text) != "\n".join(lines) or len(filled) != len(self.line_starts):
            return lines  # the pieces do not add up to the text: leave it as it is
        known = [x for x in self.line_starts if x is not None]
        if not known:
            return lines
        left = min(known)
        marked = list(lines)
        for index, x in zip(filled, self.line_starts, strict=True):
            if x is not None and x - left > _INDENT_POINTS and not _INDENT.match(lines[index]):
                marked[index] = "\u3000" + lines[index]
        return marked


def _key(line: str) -> str:
    return _SPACES.sub("", halfwidth(line))


def is_page_number(line: str) -> bool:
    key = _key(line)
    return bool(key) and any(pattern.match(key) for _name, pattern in _PAGE_NUMBERS)


def _edge_indices(page: list[str]) -> list[int]:
    """Indices of the first and last few non-empty lines of a page."""
    filled = [index for index, line in enumerate(page) if line.strip()]
    return sorted(set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]))


def _drop_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    edge_keys: Counter[str] = Counter()
    for page in pages:
        edge_keys.update({_DIGITS.sub("#", _key(page[index])) for index in _edge_indices(page)})
    running = set()
    if len(pages) >= _RUNNING_MIN_PAGES:
        running = {key for key, count in edge_keys.items() if key and count >= _RUNNING_SHARE * len(pages)}
    elif len(pages) == 2:
        # Two pages: a line at an edge of both that the text holds nowhere else ("XX人民政府文件").
        everywhere = Counter(_DIGITS.sub("#", _key(line)) for page in pages for line in page)
        running = {key for key, count in edge_keys.items() if key and count == 2 and everywhere[key] == 2}
    cleaned = []
    for page in pages:
        drop = {index for index in _edge_indices(page)
                if is_page_number(page[index]) or _DIGITS.sub("#", _key(page[index])) in running}
        cleaned.append([line for index, line in enumerate(page) if index not in drop and line.strip()])
    return cleaned


def display_width(text: str) -> int:
    """Width in half-em cells: wide (CJK) characters count 2, others 1."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Join lines the layout wrapped mid-sentence (see the module docstring for the rules)."""
    if not lines:
        return []
    widths = [display_width(line.strip()) for line in lines]
    full_width = _full_line_width(widths)
    indented = [bool(_INDENT.match(line)) for line in lines]
    uses_indent = 0.05 <= sum(indented) / len(lines) <= 0.8
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
        if current_width >= _FULL_LINE_SHARE * full_width and not _DATE_LINE.match(following):
            if depth > 0 and (not HEADING_LABEL.match(following) or _CLOSING_NUMBER.match(following)):
                wrapped = True
            elif not HEADING_LABEL.match(following):
                # A full line that ends a sentence still continues when the document starts its
                # paragraphs with an indent and the next line has none.
                wrapped = not _SENTENCE_END.search(halfwidth(tail)) or (uses_indent and not indented[index])
        if wrapped and tail and following:
            piece = _separator(tail, following) + following
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


def _separator(left: str, right: str) -> str:
    # Latin words wrapped at a space get their space back; CJK text has none.
    if left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return " "
    return ""
