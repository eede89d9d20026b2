"""Text PDFs (pypdf): page text without page numbers and running headers, wrapped lines joined,
ruled tables as TAB rows.

Steps: extract each page's lines; on a page where text stands between drawn rules, read the page from
the positions of its text instead, each ruled table's cells as TAB rows (see "Ruled tables" below);
mark lines that start right of the document's left text edge as indented (a layout's text indent
leaves no space in the text); drop page-number lines near the top or bottom of a page ("— 3 —", "第3页 共10页",
"3/10", a bare number; only the most specific form most pages use, when they use one); drop running
headers and footers (the same line, digits ignored, near the top or bottom of most pages and hardly
anywhere else, or of both pages of a two-page PDF when the text holds the line nowhere else);
join a table row the page break cut in two; then join a line with the next when the layout wrapped it
(reflow.py says when).
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from luoshi.plandoc.errors import UnsupportedInput
from luoshi.plandoc.limits import WorkBudget
from luoshi.plandoc.messages import message
from luoshi.plandoc.model import DITTO
from luoshi.plandoc.normalize import halfwidth
from luoshi.plandoc.reflow import INDENT, join_wrapped_lines, word_separator

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
_PAGE_NUMBER_STYLES = frozenset(name for name, _pattern in _PAGE_NUMBERS)
# A line that starts this many points right of the page's leftmost line is indented (an em of 10.5 pt
# text is 10.5 points; a two-character indent at 16 pt is 32).
_INDENT_POINTS = 8.0
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"[\s\u3000]+")
_SPACE_RUN = re.compile(r"[ \t]+")
# Spaces inside a line: extraction often doubles a space (its glyph, and the gap it leaves).
_INNER_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")

def read_pdf(data: bytes) -> tuple[str, list[str]]:
    """Return the text of a PDF (paragraphs joined across wraps and pages) and warnings."""
    pages, cut, warnings = _page_lines(data)
    if not any(line.strip() for page in pages for line in page):
        raise UnsupportedInput(_SCANNED_MESSAGE)
    empty_pages = [index + 1 for index, page in enumerate(pages) if not any(line.strip() for line in page)]
    if empty_pages:
        listed = "、".join(str(number) for number in empty_pages[:10])
        listed += "等" if len(empty_pages) > 10 else ""
        warnings.append(message("pdf_pages_without_text", pages=listed))
    pages = _drop_page_furniture(pages)
    return "\n".join(join_wrapped_lines(_rows_joined_across_pages(pages, cut))), warnings


def _rows_joined_across_pages(pages: list[list[str]], cut: list[bool]) -> list[str]:
    """The pages' lines in one list; a table row the page break cut in two is one row again.

    A row broken by the page leaves the cells that fitted on the first page and the rest of the others
    on the next. The last row of a page and the first of the next are one row when the first has no
    rule at its bottom (`cut`) and the second no number in its first cell, or when they fill different
    columns (the mark 〃 and empty cells aside); a cell that both fill is their texts joined.
    """
    lines: list[str] = []
    for index, page in enumerate(pages):
        if lines and page and "\t" in lines[-1] and "\t" in page[0]:
            above, below = lines[-1].split("\t"), page[0].split("\t")
            both = [_filled(upper) and _filled(lower) for upper, lower in zip(above, below, strict=False)]
            if len(above) == len(below) and (not any(both) or (cut[index - 1] and not _filled(below[0]))):
                lines[-1] = "\t".join(_joined_cell(upper, lower) for upper, lower in zip(above, below, strict=True))
                lines += page[1:]
                continue
        lines += page
    return lines


def _joined_cell(upper: str, lower: str) -> str:
    if not _filled(lower):
        return upper
    if not _filled(upper):
        return lower
    return upper + word_separator(upper, lower) + lower


def _filled(cell: str) -> bool:
    return bool(cell.strip()) and cell.strip() != DITTO


def _page_lines(data: bytes) -> tuple[list[list[str]], list[bool], list[str]]:
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
        cut: list[bool] = []  # whether the page's last table row goes on at the top of the next page
        starts: list[list[float | None]] = []  # where each line of each page starts, when known
        warnings: list[str] = []
        budget = WorkBudget()
        lookups = [_MAX_CELL_LOOKUPS]  # what is left of the document's allowance for reading tables
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
            ruled = ruled_page_lines(page, budget, lookups) if text.strip() else None
            if ruled is not None:
                pages.append(ruled[0])
                starts.append(ruled[1])
                cut.append(ruled[2])
                continue
            cut.append(False)
            lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            pages.append([_INNER_SPACES.sub(" ", line) for line in lines])
            starts.append(pieces.line_starts_of(lines))
    except UnsupportedInput:
        raise
    except NotImplementedError:
        raise UnsupportedInput(message("pdf_unsupported")) from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OSError, AssertionError, ZeroDivisionError, OverflowError):
        raise UnsupportedInput(message("pdf_damaged")) from None
    return _marked_indents(pages, starts), cut, warnings


def _marked_indents(pages: list[list[str]], starts: list[list[float | None]]) -> list[list[str]]:
    """Lines that start right of the document's left text edge, with an ideographic space in front.

    A layout that indents first lines with a text indent (not with space characters) leaves no trace
    in the extracted text; where each line starts does. The edge is the document's, not the page's: on
    a page of one-line paragraphs every line is indented.
    """
    known = [x for page in starts for x in page if x is not None]
    if not known:
        return pages
    left = min(known)
    return [[(_indent(x - left) + line if x is not None and x - left > _INDENT_POINTS and not INDENT.match(line)
              else line) for line, x in zip(page, page_starts, strict=True)]
            for page, page_starts in zip(pages, starts, strict=True)]


def _indent(points: float) -> str:
    """Ideographic spaces for an indent of so many points, counted in characters of 16 pt (the body
    size of official documents): a paragraph's two characters, or many for a centred line."""
    return "\u3000" * max(1, round(points / 16))

class _PagePieces:
    """The pieces of text pypdf reports with their position: where each line starts."""

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

    def line_starts_of(self, lines: list[str]) -> list[float | None]:
        """Where each of the lines starts (None for an empty line, or all None when the pieces do not
        add up to the text)."""
        filled = [index for index, line in enumerate(lines) if line.strip()]
        out: list[float | None] = [None] * len(lines)
        if "".join(self.text) != "\n".join(lines) or len(filled) != len(self.line_starts):
            return out
        for index, x in zip(filled, self.line_starts, strict=True):
            out[index] = x
        return out


def _key(line: str) -> str:
    return _SPACES.sub("", halfwidth(line))


def is_page_number(line: str) -> bool:
    return _page_number_style(line) is not None


def _page_number_style(line: str) -> str | None:
    key = _key(line)
    return next((name for name, pattern in _PAGE_NUMBERS if pattern.match(key)), None) if key else None


def _edge_indices(page: list[str]) -> list[int]:
    """Indices of the first and last few non-empty lines of a page, table rows left out (rows of a
    table often differ only in their numbers: they are not running headers)."""
    filled = [index for index, line in enumerate(page) if line.strip() and "\t" not in line]
    return sorted(set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]))


def _drop_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    edge_keys: Counter[str] = Counter()
    for page in pages:
        edge_keys.update({_DIGITS.sub("#", _key(page[index])) for index in _edge_indices(page)})
    # A running header stands at the edges, hardly ever in the body: a line repeated all through the
    # text (the "|" between the cells of a web table) is content that also happens to reach the edges.
    everywhere = Counter(_DIGITS.sub("#", _key(line)) for page in pages for line in page)
    running = set()
    if len(pages) >= _RUNNING_MIN_PAGES:
        running = {key for key, count in edge_keys.items()
                   if key and count >= _RUNNING_SHARE * len(pages) and everywhere[key] <= count + 1}
    elif len(pages) == 2:
        # Two pages: a line at an edge of both that the text holds nowhere else ("XX人民政府文件").
        running = {key for key, count in edge_keys.items() if key and count == 2 and everywhere[key] == 2}
    # When most pages number themselves one way ("— 3 —"), a line in another form is not a page number
    # (the bare "2" of an item whose cells stand one per line): the most specific form on most pages.
    styles: Counter[str] = Counter()
    for page in pages:
        styles.update({style for index in _edge_indices(page) if (style := _page_number_style(page[index]))})
    numbering = next((name for name, _pattern in _PAGE_NUMBERS
                      if len(pages) >= 2 and styles[name] >= _RUNNING_SHARE * len(pages)), None)
    cleaned = []
    for page in pages:
        drop = {index for index in _edge_indices(page)
                if _page_number_style(page[index]) in ({numbering} if numbering else _PAGE_NUMBER_STYLES)
                or _DIGITS.sub("#", _key(page[index])) in running}
        cleaned.append([line for index, line in enumerate(page) if index not in drop and line.strip()])
    return cleaned


# --------------------------------------------------------------------------------------------------
# Ruled tables
#
# A table drawn with borders comes out of plain text extraction as its cells' lines side by side, mixed
# row by row ("1 垃圾分类绿色账户推进覆 2018年 各街道办事"). On a page where text sits between drawn rules,
# the text is read from its positions instead: each piece of text (one text-showing operator) falls in
# the cell the nearest rules around it enclose; the cells become TAB rows, the cells' lines joined; the
# text outside the cells becomes lines by baseline, as on any page.

# Coordinates within this many points are the same; a filled rectangle this thin is a rule.
_SAME = 1.5
_THIN = 2.0
# A "cell" at least this share of the page's text width is a frame or a box around text, not a cell.
_FRAME_SHARE = 0.95
# A cell's line that ends like the name of a body (…局, …办, …委) above a line that opens like one (区…,
# 县…, 各…): the names of a list, one a line or wrapped at the space between them, not one name.
_BODY_ENDINGS = frozenset("局办委处部站室队院厅署府所心司团")
_BODY_OPENINGS = frozenset("区县市省各镇乡")
# A content stream that draws a line ("x y l") or a rectangle ("x y w h re") may hold a table.
_DRAWS_LINES = re.compile(rb"[\d.]\s+(?:l|re)\s")
# Pieces of text times rules looked through, over the whole document: past this (pages of thousands of
# tiny boxes), pages are read as plain text.
_MAX_CELL_LOOKUPS = 20_000_000
_PAINT_OPERATORS = frozenset({b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"})


@dataclass(slots=True)
class _Piece:
    text: str
    x: float  # left end of the text, page space
    end: float  # right end
    y: float  # baseline
    size: float  # font height on the page


@dataclass(slots=True)
class _Rules:
    horizontal: list[tuple[float, float, float]] = field(default_factory=list)  # (y, x1, x2)
    vertical: list[tuple[float, float, float]] = field(default_factory=list)  # (x, y1, y2)


Cell = tuple[float, float, float, float, bool]  # left, right, top, bottom, no rule at the bottom


def ruled_page_lines(page: Any, budget: WorkBudget,
                     lookups: list[int]) -> tuple[list[str], list[float | None], bool] | None:
    """The page's lines with its ruled tables as TAB rows, where each line starts (None for a row),
    and whether its last row is open at the bottom (cut by the page); None when the page has no ruled
    table (or its content cannot be read this way, or the document's allowance of `lookups` is spent:
    the plain extraction then stands)."""
    try:
        operations = _page_operations(page)
        if operations is None:
            return None
        rules = _rules(operations)
        if len(rules.vertical) < 2 or len(rules.horizontal) < 2:
            return None
        pieces = _text_pieces(page, operations)
    except Exception:  # the layout internals of pypdf vary between versions; plain extraction is the net
        return None
    cost = len(pieces) * (len(rules.vertical) + len(rules.horizontal))
    if not pieces or cost > lookups[0]:
        return None
    lookups[0] -= cost
    left = min(piece.x for piece in pieces)
    text_width = max(piece.end for piece in pieces) - left
    cells = [_cell_of(piece, rules, text_width) for piece in pieces]
    if not _has_table(cells):
        return None
    lines: list[str] = []
    starts: list[float | None] = []
    cut = False
    index = 0
    while index < len(pieces):
        if cells[index] is None:
            end = index
            while end < len(pieces) and cells[end] is None:
                end += 1
            for x, _end, line in _free_lines(pieces[index:end]):
                starts.append(x)
                lines.append(line)
            index = end
            continue
        end = index
        while end < len(pieces) and cells[end] is not None:
            end += 1
        rows, cut = _table_rows(pieces[index:end], cells[index:end], rules)
        budget.table(sum(len(row) for row in rows))
        rendered = ["\t".join(row) for row in rows if any(cell.strip() for cell in row)]
        lines += rendered
        starts += [None] * len(rendered)
        index = end
    return lines, starts, cut


def _page_operations(page: Any) -> list[tuple[list[Any], bytes]] | None:
    from pypdf.generic import ArrayObject, ContentStream, StreamObject

    contents = page.get("/Contents")
    if contents is None:
        return None
    contents = contents.get_object()
    if not isinstance(contents, (ArrayObject, StreamObject)):
        return None
    stream = ContentStream(contents, page.pdf, "bytes")
    if not _DRAWS_LINES.search(stream.get_data()):
        return None  # no line or rectangle drawn: no table, and no need to parse the page again
    operations: list[tuple[list[Any], bytes]] = stream.operations
    return operations


def _rules(operations: list[tuple[list[Any], bytes]]) -> _Rules:
    """The straight horizontal and vertical lines the page strokes or fills, in page space."""
    rules = _Rules()
    matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    stack: list[list[float]] = []
    path: list[tuple[float, float, float, float]] = []  # segments of the path being built
    point = start = (0.0, 0.0)
    for operands, operator in operations:
        if operator == b"q":
            stack.append(matrix)
        elif operator == b"Q":
            matrix = stack.pop() if stack else matrix
        elif operator == b"cm" and len(operands) == 6:
            matrix = _multiply([float(value) for value in operands], matrix)
        elif operator == b"m" and len(operands) == 2:
            point = start = _apply(matrix, float(operands[0]), float(operands[1]))
        elif operator == b"l" and len(operands) == 2:
            target = _apply(matrix, float(operands[0]), float(operands[1]))
            path.append((*point, *target))
            point = target
        elif operator == b"h":
            path.append((*point, *start))
            point = start
        elif operator == b"re" and len(operands) == 4:
            x, y, width, height = (float(value) for value in operands)
            corners = [_apply(matrix, x, y), _apply(matrix, x + width, y),
                       _apply(matrix, x + width, y + height), _apply(matrix, x, y + height)]
            xs = [corner[0] for corner in corners]
            ys = [corner[1] for corner in corners]
            if max(ys) - min(ys) <= _THIN:
                path.append((min(xs), (min(ys) + max(ys)) / 2, max(xs), (min(ys) + max(ys)) / 2))
            elif max(xs) - min(xs) <= _THIN:
                path.append(((min(xs) + max(xs)) / 2, min(ys), (min(xs) + max(xs)) / 2, max(ys)))
            else:
                path += [(*corners[i], *corners[(i + 1) % 4]) for i in range(4)]
            point = start = corners[0]
        elif operator in _PAINT_OPERATORS:
            for x1, y1, x2, y2 in path:
                if abs(y1 - y2) < 0.5 and abs(x1 - x2) > _THIN:
                    rules.horizontal.append((y1, min(x1, x2), max(x1, x2)))
                elif abs(x1 - x2) < 0.5 and abs(y1 - y2) > _THIN:
                    rules.vertical.append((x1, min(y1, y2), max(y1, y2)))
            path = []
        elif operator == b"n":  # a clipping path, not drawn
            path = []
    return rules


def _multiply(first: list[float], second: list[float]) -> list[float]:
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = second
    return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2]


def _apply(matrix: list[float], x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def _text_pieces(page: Any, operations: list[tuple[list[Any], bytes]]) -> list[_Piece]:
    """Each text-showing operator's text and position, in content order (pypdf's layout-mode reader)."""
    from pypdf._text_extraction._layout_mode._fixed_width_page import recurse_to_target_op, set_font_operation
    from pypdf._text_extraction._layout_mode._text_state_manager import TextStateManager

    fonts = page._layout_mode_fonts()
    state = TextStateManager()
    shown: list[Any] = []
    stream = iter(operations)
    for operands, operator in stream:
        if operator in (b"BT", b"q"):
            _groups, pieces = recurse_to_target_op(stream, state, b"ET" if operator == b"BT" else b"Q", fonts, True)
            shown.extend(pieces)
        elif operator == b"Tf":
            set_font_operation(state, fonts, operands)
        elif operator == b"cm":  # outside any q: pypdf's own loop leaves it out, the rules have it
            state.add_cm(*operands)
        else:
            state.set_state_param(operator, operands)
    return [_Piece(item.text, float(item.tx), float(item.displaced_tx), float(item.ty), abs(float(item.font_height)))
            for item in shown if item.text.strip() and not item.rotated and item.font.interpretable]


def _cell_of(piece: _Piece, rules: _Rules, text_width: float) -> Cell | None:
    """The cell the nearest rules around the piece enclose, or None when it stands outside any."""
    middle_y = piece.y + piece.size / 3
    middle_x = (piece.x + piece.end) / 2
    lefts = [x for x, y1, y2 in rules.vertical if x <= piece.x + _SAME and y1 - _SAME <= middle_y <= y2 + _SAME]
    rights = [x for x, y1, y2 in rules.vertical if x >= piece.end - _SAME and y1 - _SAME <= middle_y <= y2 + _SAME]
    tops = [y for y, x1, x2 in rules.horizontal if y > middle_y and x1 - _SAME <= middle_x <= x2 + _SAME]
    bottoms = [y for y, x1, x2 in rules.horizontal if y < middle_y and x1 - _SAME <= middle_x <= x2 + _SAME]
    if not (lefts and rights):
        return None
    left, right = max(lefts), min(rights)
    # The rule on the cell's left (drawn in one piece or row by row) spans the cell or the table: the
    # cell ends where it ends at the latest. A row broken by the page has no rule where the page cut
    # it: the side rule ends there.
    side_bottom, side_top = _chained_extent(rules, left, middle_y)
    tops = [y for y in tops if y <= side_top + _SAME]
    bottoms = [y for y in bottoms if y >= side_bottom - _SAME]
    cell = (left, right, min(tops) if tops else side_top, max(bottoms) if bottoms else side_bottom, not bottoms)
    if cell[1] - cell[0] >= _FRAME_SHARE * text_width:
        return None
    return cell


def _chained_extent(rules: _Rules, x: float, y: float) -> tuple[float, float]:
    """From where to where the vertical rules at `x` run unbroken through `y` (bottom, top)."""
    segments = sorted((y1, y2) for rule_x, y1, y2 in rules.vertical if abs(rule_x - x) <= _SAME)
    runs: list[list[float]] = []
    for y1, y2 in segments:
        if runs and y1 <= runs[-1][1] + _SAME:
            runs[-1][1] = max(runs[-1][1], y2)
        else:
            runs.append([y1, y2])
    bottom, top = next(((y1, y2) for y1, y2 in runs if y1 - _SAME <= y <= y2 + _SAME), (y, y))
    return bottom, top


def _has_table(cells: list[Cell | None]) -> bool:
    """Two cells side by side somewhere: a single column of boxes is not a table."""
    lefts_by_top: dict[int, set[float]] = {}
    for cell in cells:
        if cell is not None:
            lefts_by_top.setdefault(round(cell[2]), set()).add(cell[0])
    return any(len(lefts) > 1 for lefts in lefts_by_top.values())


def _free_lines(pieces: list[_Piece]) -> list[tuple[float, float, str]]:
    """Pieces as lines (x where each starts, x where it ends, text): consecutive pieces on one baseline
    make one line."""
    lines: list[tuple[float, float, str]] = []
    current: list[_Piece] = []
    for piece in pieces:
        if current and abs(piece.y - current[-1].y) > 0.3 * max(piece.size, current[-1].size):
            lines.append(_line_of(current))
            current = []
        current.append(piece)
    if current:
        lines.append(_line_of(current))
    return lines


def _line_of(pieces: list[_Piece]) -> tuple[float, float, str]:
    """One line of pieces: a gap wider than a thin space between two pieces is a space (a space the
    pieces hold themselves, "区文明办 ", stays)."""
    ordered = sorted(pieces, key=lambda piece: piece.x)
    text = ordered[0].text
    for previous, piece in itertools.pairwise(ordered):
        gap = piece.x - previous.end
        text += (" " if gap > 0.15 * piece.size else "") + piece.text
    return ordered[0].x, max(piece.end for piece in ordered), _SPACE_RUN.sub(" ", text).strip()


def _table_rows(pieces: list[_Piece], cells: list[Cell | None], rules: _Rules) -> tuple[list[list[str]], bool]:
    """The cells of one table as rows: columns between the table's vertical rules, rows from the cells'
    tops; a cell spanning rows below holds the ditto mark 〃 there, one spanning columns is padded.
    Also whether the last row has no rule at its bottom (the page cut it)."""
    texts: dict[Cell, list[_Piece]] = {}
    for piece, cell in zip(pieces, cells, strict=True):
        if cell is not None:
            texts.setdefault(cell, []).append(piece)
    top = max(cell[2] for cell in texts)
    bottom = min(cell[3] for cell in texts)
    # Every vertical rule beside the table's rows (the columns left empty on this page included) but
    # the rightmost, the table's right edge, starts a column.
    columns = _clustered(x for x, y1, y2 in rules.vertical if y1 < top - _SAME and y2 > bottom + _SAME)[:-1]
    columns = columns or [min(cell[0] for cell in texts)]
    tops = sorted(_clustered(cell[2] for cell in texts), reverse=True)
    grid: dict[tuple[int, int], str] = {}
    for cell, cell_pieces in texts.items():
        row = _nearest(tops, cell[2])
        column = _nearest(columns, cell[0])
        grid[(row, column)] = _cell_text(cell_pieces, cell)
        for below in range(row + 1, len(tops)):
            if tops[below] <= cell[3] + _SAME:
                break
            grid.setdefault((below, column), DITTO)
    width = len(columns)
    rows = [[grid.get((row, column), "") for column in range(width)] for row in range(len(tops))]
    cut = any(cell[4] for cell in texts if _nearest(tops, cell[2]) == len(tops) - 1)
    return rows, cut


def _clustered(values: Any) -> list[float]:
    """The distinct values, those within _SAME of the previous one counted once; ascending."""
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > _SAME:
            out.append(value)
    return out


def _nearest(values: list[float], value: float) -> int:
    return min(range(len(values)), key=lambda index: abs(values[index] - value))


def _cell_text(pieces: list[_Piece], cell: Cell) -> str:
    """A cell's lines top to bottom, joined as the wrapping broke them; after a line that stops well
    short of the cell's right edge (a break on purpose: a new line, or the wrap at a space) a space."""
    lines = _free_lines(sorted(pieces, key=lambda piece: (-round(piece.y, 1), piece.x)))
    padding = min(x for x, _end, _line in lines) - cell[0]  # the cell's inner margin, on each side
    size = max(piece.size for piece in pieces)
    text = ""
    for _x, end, line in lines:
        part = line.replace("\t", " ")
        if text and part and text[-1] in _BODY_ENDINGS and part[0] in _BODY_OPENINGS:
            text += " "  # "区文明办" / "区绿化市容局": two names, one a line (or wrapped at the space between)
        text = text + word_separator(text, part) + part if text and part else text or part
        if cell[1] - end - padding > 2.5 * size:  # more than a character and one pushed down with its "）"
            text += " "
    return text.strip()
