"""Build the task tree from classified lines.

Depth comes from the order in which numbering styles appear (a stack of open styles), and numbers are
validated as a sequence before a line may start an item. Field extraction (units, targets, deadlines,
references) runs once the tree is complete, because unnumbered paragraphs and marker lines that follow
an item still belong to it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace

from luoshi.plandoc.messages import message

from .lines import PARAGRAPH_INLINE_STYLES, Cell, Label, Line, label_at, match_label, split_inline_items
from .model import DITTO, Deadline, Ref, Span, Target, UnitRef
from .normalize import halfwidth
from .tables import SECOND_UNIT_COLUMN, UNIT_COLUMNS, TableLayout, align_row, cell_kind, header_layout
from .units import (
    FIRST_PLACE,
    MarkerUnit,
    UnitMarker,
    by_unit_spans,
    duty_role,
    find_blanket_rule,
    find_duty_units,
    find_leading_units,
    find_unit_markers,
    find_unit_title,
    lead_rule_kind,
    looks_like_unit,
    may_state_blanket_rule,
    read_unit_cell,
    split_unit_list,
    works_with_others,
)

# A heading that divides duties among bodies: '四、工作职责', '五、责任分工', '(三)部门职责'.
_DIVIDES_DUTIES = re.compile(r"^\s*(?:工作|部门|单位|成员单位)?职责(?:分工)?\s*$|^\s*(?:责任|任务|工作)分工\s*$")
_MAX_DIVISION_HEAD = 12
# "完成时限：2019年11月30日前" on a line of its own after the item.
DEADLINE_LINE_RE = re.compile(r"^(完成时限|完成时间|完成期限|办结时限|时限要求|时间节点|时限|时间要求)\s*[:]\s*(\S.*)$")
_TERMINAL = set("。;!?:)》”\"」』】")
ANNEX_RE = re.compile(r"^(附[件表]\s*[0-9一二三四五六七八九十]*)\s*[:：]?\s*(.*)$")


class Segment:
    """A piece of source text that belongs to a node: its heading text or a body paragraph.

    A line wrapped mid-sentence is joined onto the segment before it; `joins` records where each
    joined piece starts in `raw` and in the source (sorted by position in raw), so offsets still map
    back to the source. Joined pieces are kept apart until `raw` is read, and offsets are found by
    bisection, so a paragraph joined from N lines costs O(N) to build and O(log N) per offset (a text
    of thousands of lines without a full stop is one such paragraph).

    The joins are stored relative to an origin that moves back by the length of each removal, so that
    removing markers from right to left (as a paragraph of N markers has them removed) shifts none of
    the joins to the right of the cut: O(N) in all, not O(N^2).
    """

    # `raw` is a plain attribute (read several times per segment by every stage), unset while pieces joined
    # on are pending: only then does reading it go through __getattr__, which joins them. It is changed only
    # by remove() and join(), which keep _length and the pending pieces with it (never assign it directly).
    __slots__ = ("_base", "_joins", "_length", "_origin", "_pending", "raw", "start")
    raw: str

    def __init__(self, raw: str, start: int, joins: list[tuple[int, int]] | None = None) -> None:
        self.raw = raw
        self._base = ""  # raw as it was before the pending pieces, while raw is unset
        self._pending: list[str] = []  # pieces joined on since raw was last read
        self._length = len(raw)
        self.start = start
        self._origin = 0  # a join at raw index r is stored as (r - _origin, source offset)
        self._joins: list[tuple[int, int]] = list(joins) if joins else []

    @property
    def joins(self) -> list[tuple[int, int]]:
        """(raw index, source offset) where each joined piece (or the text after a removal) starts."""
        return [(key + self._origin, offset) for key, offset in self._joins]

    def __repr__(self) -> str:
        return f"Segment(raw={self.raw!r}, start={self.start!r}, joins={self.joins!r})"

    def __getattr__(self, name: str) -> str:
        """Only reached for `raw` while pieces are pending (a set slot is found without it)."""
        if name != "raw" or not self._pending:
            raise AttributeError(name)
        raw = "".join([self._base, *self._pending])
        self.raw, self._base, self._pending = raw, "", []
        return raw

    def tail(self, n: int) -> str:
        """The last n characters of raw (all of it when shorter), without joining the pending pieces."""
        parts: list[str] = []
        size = 0
        for piece in reversed(self._pending):
            parts.append(piece)
            size += len(piece)
            if size >= n:
                break
        else:
            base = self._base if self._pending else self.raw
            parts.append(base[-n:] if n else "")
        text = "".join(reversed(parts))
        return text[len(text) - n:] if len(text) > n else text

    def at(self, i: int) -> int:
        """Source offset of character `i` of raw (i == len(raw) maps to the end)."""
        k = bisect_right(self._joins, i - self._origin, key=_join_position)
        if k:
            key, source_offset = self._joins[k - 1]
            return source_offset + (i - key - self._origin)
        return self.start + i

    def span(self, span: Span | None) -> Span | None:
        """A span relative to raw, mapped to the source (its end is the source end of its last char)."""
        if span is None:
            return None
        if not self._joins:   # one piece of source (most segments): an offset is start + index
            start = self.start + span[0]
            return (start, self.start + span[1] if span[1] > span[0] else start)
        return (self.at(span[0]), self.at(span[1] - 1) + 1 if span[1] > span[0] else self.at(span[0]))

    def remove(self, start: int, end: int) -> None:
        """Drop raw[start:end] (a unit marker); the text after it keeps mapping to its source offsets."""
        raw = self.raw
        joins = self._joins
        if not joins and end >= len(raw):   # a marker closing a one-piece segment: no offset to map anew
            self._origin -= end - start
            self.raw = raw = raw[:start]
            self._length = len(raw)
            return
        before = bisect_left(joins, start - self._origin, key=_join_position)  # joins left of the cut
        after = bisect_right(joins, end - self._origin, key=_join_position)  # joins right of it
        removed = end - start
        cut = [(start, self.at(end))] if end < len(raw) else []
        # Moving the origin back shifts every join right of the cut by the removed length; the few left
        # of it keep their place, so their keys grow by as much.
        self._origin -= removed
        joins[:after] = [(key + removed, o) for key, o in joins[:before]] + [
            (r - self._origin, o) for r, o in cut]
        self.raw = raw = raw[:start] + raw[end:]
        self._length = len(raw)

    def remove_all(self, cuts: list[tuple[int, int]]) -> None:
        """Drop raw[start:end] for each of the cuts (non-empty, none overlapping another but where one holds the
        rest of raw), as remove() called from the rightmost cut to the leftmost does, in one pass: each remove()
        copies the text left of its cut (quadratic in a line of markers)."""
        merged: list[list[int]] = []   # touching cuts are one: remove() drops the join one leaves at the other
        for start, end in sorted(cuts):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        raw = self.raw
        joins = self.joins   # as raw indices
        kept: list[str] = []
        moved: list[tuple[int, int]] = []   # (raw index after the cuts, source offset)
        removed = 0   # characters cut left of the current cut
        previous_end = 0
        k = 0
        for start, end in merged:
            kept.append(raw[previous_end:start])
            while k < len(joins) and joins[k][0] < start:   # left of the cut: kept
                moved.append((joins[k][0] - removed, joins[k][1]))
                k += 1
            while k < len(joins) and joins[k][0] <= end:   # inside it: gone
                k += 1
            if end < len(raw):   # the text after the cut keeps its source offsets
                moved.append((start - removed, self.at(end)))
            removed += end - start
            previous_end = end
        kept.append(raw[previous_end:])
        moved.extend((index - removed, offset) for index, offset in joins[k:])
        self._origin -= removed
        self._joins = [(index - self._origin, offset) for index, offset in moved]
        self.raw = raw = "".join(kept)
        self._length = len(raw)

    def join(self, other: Segment) -> None:
        self._joins.append((self._length - self._origin, other.start))
        self._joins.extend((self._length + r - self._origin, o) for r, o in other.joins)
        piece = other.raw
        if not self._pending:
            self._base = self.raw
            del self.raw
        self._pending.append(piece)
        self._length += len(piece)


def _join_position(join: tuple[int, int]) -> int:
    return join[0]


@dataclass(slots=True)
class Draft:
    """A node while the tree is being built; becomes a model.Node at the end."""

    label: str
    style: str
    level: int
    parent: Draft | None
    head: Segment
    body: list[Segment] = field(default_factory=list)
    units: list[UnitRef] = field(default_factory=list)
    deadline: Deadline | None = None
    deadline_cell: Segment | None = None
    children: list[Draft] = field(default_factory=list)
    titled_by_units: bool = False  # the title names the units (职责分工 items): roles follow its duties
    category: str | None = None  # a task-table row's category (its merged 领域 cell or section row)
    # The units the item's own text gave as the subjects of its duties, until a marker below it names the item's
    # units: then the marker, not the prose, assigns the item (as a marker in the text would). Not the units a
    # '由X牵头' phrase names: that assigns the item as a marker does.
    head_subjects: list[UnitRef] = field(default_factory=list)
    # What _add_units knows of `units` (see _unit_index), kept between its calls.
    unit_index: _UnitIndex | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class _UnitIndex:
    """The units of a draft as _add_units looks them up: the (name, role, covers) of those not inherited and every
    name, for the list `of` while it holds `count` units. Valid while the draft's units are that list with as
    many units: the tree replaces a draft's list or adds to it, and never changes a unit of it in place, so a
    list of another identity or length is read anew."""

    of: list[UnitRef]
    count: int
    pairs: set[tuple[str, str, Span | None]]
    names: set[str]


@dataclass(slots=True)
class _MergedRules:
    """The units of consecutive blanket rules as an item takes them rule after rule by name: a rule's units
    whose names no rule before it (from the first) named, up to rule `upto`."""

    units: list[UnitRef]
    names: set[str]
    upto: int


@dataclass(slots=True)
class _Frame:
    style: str
    value: int
    draft: Draft
    mark: str = ""   # the mark after its number ('、', '.')


@dataclass(slots=True)
class _Table:
    layout: TableLayout
    floor: int  # stack frames below this index belong to the text around the table (or its sections)
    base: int = 0  # the floor when the table began: frames below it are the text around the table
    unnamed: list[int] = field(default_factory=list)  # columns whose header cell is empty
    section_style: str | None = None  # the style and depth of the table's numbered section rows
    section_depth: int | None = None
    category: str | None = None
    last_row: Draft | None = None
    row_count: int = 0
    previous: list[Cell] = field(default_factory=list)
    last_seq_start: int = -1
    row_depth: int | None = None  # where numbered rows go once rows hold numbered items of their own
    width: int = 0  # the header's number of cells
    placed: bool = False  # the first row was checked against the header (see _lost_header_cells)


class TreeBuilder:
    """Feeds lines in document order; `drafts` holds every node created, in order."""

    def __init__(self, *, lead_rule_from: int | None, warnings: list[str], lead_rule: str = "first",
                 lines: list[Line] | None = None, unit_lines: dict[int, str] | None = None) -> None:
        self.lines = lines or []  # every line, for a look ahead at the numbering
        self.unit_lines = unit_lines or {}  # line index -> role: unit cells of a table copied one cell per line
        self.lead_rule = lead_rule  # "first" (列第一位的为牵头单位) or "before_comma" (第一个逗号前为牵头单位)
        self.previous_line: Line | None = None
        self.segments_after: list[Line] = []   # the next few pieces of the paragraph being placed
        self.annex_list = False  # reading the entries of "附件：1.… 2.…"
        self.box_style: str | None = None  # inside a 专栏 box: the style of its list ("" before its first label)
        self.standing: list[UnitRef] = []  # units a marker said hold for the items below (下同)
        self.blanket: list[tuple[int, list[UnitRef]]] = []  # (first draft, units): "以下均需X落实，不再列出"
        self.drafts: list[Draft] = []
        self.preamble: list[Line] = []
        self.stack: list[_Frame] = []
        self.floor = 0  # the annex frame, once an annex opens, is never popped by body numbering
        self.last_value: dict[str, int] = {}
        self.table: _Table | None = None
        self.lead_rule_from = lead_rule_from
        self.warnings = warnings
        self.line_index = 0
        self.pending_annex_title: Draft | None = None
        # Words that rules tried on every line need (a blanket rule's 不再 or 注明, a box's 专栏, a news mirror's
        # 【tag】): looked for once in the document's lines, which are all fed, so a plan without them skips
        # those rules on every line. Without the lines, every rule is tried.
        whole = "\n".join(line.norm for line in lines) if lines is not None else None
        self.may_state_blanket = whole is None or may_state_blanket_rule(whole)
        self.may_open_box = whole is None or _BOX_WORD in whole
        self.may_tag_lines = whole is None or _TAG_OPENER in whole

    @property
    def started(self) -> bool:
        return bool(self.drafts)

    @property
    def first_is_lead(self) -> bool:
        return self.lead_rule_from is not None and self.line_index >= self.lead_rule_from \
            and self.lead_rule == "first"

    @property
    def lead_before_comma(self) -> bool:
        return self.lead_rule_from is not None and self.line_index >= self.lead_rule_from \
            and self.lead_rule == "before_comma"

    # -- feeding -----------------------------------------------------------------------------------

    def feed(self, index: int, line: Line) -> None:
        self.line_index = index
        if line.is_table_row:
            self._table_row(line)
            return
        if index in self.unit_lines and self.drafts:
            role = self.unit_lines[index]
            draft, text = self.drafts[-1], self.previous_line
            # Under a paragraph of the item's body ('1.提高出生人口质量。' / '——降低…' / '省卫生厅' / '——降低…' /
            # '省卫生厅'), the units answer for that paragraph: a unit of two such rows is listed for each.
            covers = (text.start, text.end) if text is not None and text.start > draft.head.start else None
            _add_units(draft, [UnitRef(u.raw, u.role, False, (line.start + u.span[0], line.start + u.span[1]), covers)
                               for u in read_unit_cell(line.raw, role)])  # type: ignore[arg-type]
            return
        annex = ANNEX_RE.match(line.norm) if self.started and len(line.norm) <= 60 else None
        if self.table is not None and annex is None and (_is_table_section(line.norm) or self._next_item_line(line)) \
                and not self._continues_body(line):
            # A heading line between the rows of a task table pasted without cells for it.
            self._table_section(self.table, line.raw, line.start)
            return
        self.table = None
        if annex:
            self._open_annex(line, annex)
            return
        if self.pending_annex_title is not None:
            annex_node = self.pending_annex_title
            self.pending_annex_title = None
            if match_label(line.norm, line.raw) is None and not annex_node.head.raw:
                annex_node.head = Segment(line.raw, line.start)
                self.annex_list = False   # '附件' / '…事项目录' / '1.…': an annex under its title, no list
                return
        if self._in_box(line) or self._in_annex_list(line):
            self._paragraph(line)
            return
        blanket = find_blanket_rule(line.raw) if self.may_state_blanket else None
        if blanket is not None:
            self.blanket.append((len(self.drafts), [
                UnitRef(u.raw, u.role, False, (line.start + u.span[0], line.start + u.span[1])) for u in blanket]))
        for part in _split_flattened(_without_leading_tag(line) if self.may_tag_lines else line):
            self._feed_paragraph(part)
        self.previous_line = line

    def _feed_paragraph(self, line: Line) -> None:
        """One paragraph: its inline items and the items run on after its markers, each a node where its
        number fits the outline, else text of the item above."""
        segments = [piece for seg in split_inline_items(line, PARAGRAPH_INLINE_STYLES)
                    for piece in self._split_after_markers(seg)]
        heading = _split_heading_run_on(segments[0])
        segments[:1] = heading
        trailing = self._split_trailing_heading(segments[-1])
        segments[-1:] = trailing
        created: list[Draft] = []
        for k, seg in enumerate(segments):
            label = match_label(seg.norm, seg.raw)
            self.segments_after = segments[k + 1:k + 1 + _NUMBERING_LOOKAHEAD] if label else []
            placed = self._place(label, validate=True) if label else None
            if label and placed is None and seg is segments[0] and self._opens_second_document(label):
                placed = self.floor
            if label and placed is None and created:
                placed = self._skips_ahead(created[-1], label)
            if label and placed is not None:
                created.append(self._add(seg, label, placed))
            else:
                self._paragraph(seg)
        self.segments_after = []
        if len(segments) > 1 and created and len(heading) == 1 and len(trailing) == 1:
            # (not after a heading's title run on into its first item, nor for a heading run on at the end: their
            # items' markers are their own)
            self._hoist_inline_marker(segments, created)

    def _skips_ahead(self, before: Draft, label: Label) -> int | None:
        """'（五）…（责任单位：…）（八）…': in one paragraph, an item run on after the marker of an item of its style
        that the numbering passed over (a digest leaves items out) stands beside it, not inside its text."""
        for depth, frame in enumerate(self.stack):
            if frame.draft is before:
                return depth if frame.style == label.style and label.value > frame.value else None
        return None

    def _in_box(self, line: Line) -> bool:
        """Lines of a 专栏 box ("专栏1 重点工程" and its own list): text of the item it stands in, not
        items of the plan. The box ends at a label of another style than its list's."""
        if self.may_open_box and self.started and _BOX_RE.match(line.norm):
            self.box_style = ""
            return True
        if self.box_style is None:
            return False
        label = match_label(line.norm, line.raw)
        if label is None:
            return True
        if self.box_style in ("", label.style):
            self.box_style = label.style
            return True
        self.box_style = None
        return False

    def _in_annex_list(self, line: Line) -> bool:
        """'附件：' then '1.…方案' '2.…清单': the list names the annexes that follow; its entries are not items."""
        if not self.annex_list:
            return False
        text = line.norm.strip()
        label = match_label(text, line.raw)
        if label is not None and label.style.startswith("ar_") and len(text) <= _MAX_ANNEX_ENTRY \
                and text[-1] not in "。;":
            return True
        self.annex_list = False
        return False

    def _opens_second_document(self, label: Label) -> bool:
        """'某市行动计划' then '一、…' after the first document's 二、 or 三、: a second document in the
        same notice (a policy and its action plan) restarts the top-level numbering under its title. So does a
        second list under a title of its own after the items of a heading ('三、…' '1.…6.', then
        '沿海开发十大重点争取推进事项' '1.…')."""
        if label.value != 1 or all(frame.style != label.style for frame in self.stack[self.floor:]):
            return False
        title = self.previous_line
        note = None
        if title is not None and _NOTE_LINE.fullmatch(title.norm) and self.line_index >= 2:
            # '沿海开发十大重点争取推进事项' / '（2010年2月，成立专门工作班子）' / '1.…': a note under the title
            note, title = title, self.lines[self.line_index - 2]
        if title is None or match_label(title.norm, title.raw) is not None or not _DOC_TITLE.search(title.norm):
            return False
        current = self.stack[-1].draft
        for read in (note, title):   # the title (and its note) were read as paragraphs of the item before
            if read is not None and current.body and current.body[-1].raw.strip() == read.raw.strip():
                current.body.pop()
        self._start_part(Draft(SECOND_DOCUMENT, "annex", 1, None, Segment(title.raw, title.start)))
        return True

    def _place(self, label: Label, *, validate: bool, floor: int | None = None) -> int | None:
        """Stack depth for a new node with this label, or None when the number is out of sequence."""
        floor = self.floor if floor is None else floor
        for i in range(len(self.stack) - 1, floor - 1, -1):
            frame = self.stack[i]
            if frame.style != label.style:
                continue
            expected = frame.value + 1
            if not validate or label.value == expected:
                return i
            if label.value == expected + 1:
                self.warnings.append(message("numbering_gap", label=label.label, expected=expected))
                return i
            if label.value == 1 and i == len(self.stack) - 1 and not frame.draft.children \
                    and self._sub_list_follows(label, expected):
                return len(self.stack)   # '1.加快…建设。' / '1.启动…' / '2.…' / '3.…' / '2.推进…': its own list
            if label.mark and frame.mark and label.mark != frame.mark:
                # '1、江西省' / '一、…' / '1.…' / '2.…', then '2、湖南省': lists of one style set apart by their marks.
                if label.value != 1:
                    continue   # not the list above: a list further up may go on
                if i < len(self.stack) - 1 and self.stack[-1].style != label.style:
                    return len(self.stack)   # a list of its own under the heading
            if i > floor and self.stack[i - 1].style == label.style and self.stack[i - 1].value + 1 == label.value:
                continue   # '3.…' of an item's own list, then '2.推进…': the item's list goes on
            return None
        if not validate or label.value == 1 or label.value == self.last_value.get(label.style, 0) + 1:
            return len(self.stack)
        if label.style not in self.last_value and (self._numbering_goes_on(label) or self._heads_items(label)
                                                   or self._quoted_item(label) or self._ends_opening_list(label)
                                                   or self._ends_page(label)):
            # An excerpt's list starting at (二十四), or at a heading 七、 over its items; a table whose row 1
            # was lost. A page that opened mid-list ('（十四）…（十五）…' then '六、…' over '（十六）'): the heading
            # of the genre's higher rank stands beside the items it found at the top, not under them.
            if len(self.stack) > floor \
                    and all(_RANK.get(label.style, 9) < _RANK.get(frame.style, 0) for frame in self.stack[floor:]):
                return floor   # '（十六）…' over '61.…64.', then '六、…': beside them, above every frame open
            return len(self.stack)
        return None

    def _quoted_item(self, label: Label) -> bool:
        """'二、…' then '（五）…': a digest quoting one item of a heading keeps its number. Only for the Chinese
        numerals in brackets, which no wrapped line of text starts with."""
        top = self.stack[-1].draft if self.stack else None
        return label.style == "cn_paren" and top is not None and not top.children and top.style != label.style \
            and top.style != "annex"

    def _heads_items(self, label: Label) -> bool:
        """'七、强化组织领导' then '（二十一）…': an excerpt that starts mid-document opens with a heading whose
        items follow it in a style of their own."""
        line = self._current_line()
        if line is None:
            return False
        # A bracket closing the heading ('三、六项保障措施（牵头领导：张同生、赵建华…）') is no part of its length.
        heading = _CLOSING_BRACKET.sub("", line.norm.rstrip())
        if len(heading) - label.text_start > _MAX_HEADING_LEN \
                or _SENTENCE_INSIDE.search(heading.removesuffix("。")):   # '（四）消防专项工作。'
            return False
        item = self._label_after()
        return item is not None and item.style != label.style

    def _ends_page(self, label: Label) -> bool:
        """'（二十九）…（牵头单位：…）' then '六、全面推进结果公开', the page's last line: a page that opened mid-list
        ends on the next heading of a higher rank than every item open, cut off before its items."""
        if not self.stack or any(_RANK.get(label.style, 9) >= _RANK.get(frame.style, 0) for frame in self.stack):
            return False
        line = self._current_line()
        if line is None or match_label(line.norm, line.raw) != label or self.segments_after:
            return False
        heading = _CLOSING_BRACKET.sub("", line.norm.rstrip())
        if len(heading) - label.text_start > _MAX_HEADING_LEN or _SENTENCE_INSIDE.search(heading.removesuffix("。")):
            return False
        return not any(later.norm.strip() for later in self.lines[self.line_index + 1:])

    def _ends_opening_list(self, label: Label) -> bool:
        """'4.火灾隐患举报投诉中心。…（责任部门：市公安局…）' then '（四）消防专项工作。': a page that opens on the last
        item of a list, with its units, before the next heading of a higher rank, or holds that item alone."""
        if self.started:
            return False
        line = self._current_line()
        if line is None or not find_unit_markers(line.raw):
            return False
        heading = self._label_after()
        if heading is None:   # the page's one paragraph is this item, and no label follows it
            return match_label(line.norm, line.raw) == label and not self.segments_after \
                and not any(match_label(later.norm, later.raw) for later in self.lines[self.line_index + 1:])
        return _RANK.get(heading.style, 9) < _RANK.get(label.style, 0)

    def _current_line(self) -> Line | None:
        return self.lines[self.line_index] if self.line_index < len(self.lines) else None

    def _label_after(self) -> Label | None:
        """The first label on the few lines after the current one (a heading's first item stands within them)."""
        for following in self.lines[self.line_index + 1:self.line_index + 1 + _HEADING_ITEMS_LOOKAHEAD]:
            label = match_label(following.norm, following.raw)
            if label is not None:
                return label
        return None

    def _numbering_goes_on(self, label: Label) -> bool:
        """Does the next number of this label's style start one of the lines soon after this one? Not under
        '附件：1.…' (its 2. and 3. are the list of annexes)."""
        top = self.stack[-1].draft if self.stack else None
        if top is not None and top.style == "annex":
            head = top.head.raw.strip()
            listed = match_label(halfwidth(head), head)
            if listed is not None and listed.style == label.style:
                return False
        # The paragraph's later pieces first ('（三）…（责任单位：…）（四）…', a page on one line), then the lines.
        following_lines = self.lines[self.line_index + 1:self.line_index + 1 + _NUMBERING_LOOKAHEAD]
        for line in [*self.segments_after, *following_lines]:
            following = match_label(line.norm, line.raw)
            if following is not None and following.style == label.style:
                return following.value == label.value + 1
        return False

    def _sub_list_follows(self, label: Label, outer_next: int) -> bool:
        """After an item, a '1.' in its own style: do its 2. (and on) follow, and then the item's next number, so
        that the list restarting here is the item's own (a table's cell of measures under its row's task)?"""
        value = label.value
        for line in [*self.segments_after, *self.lines[self.line_index + 1:self.line_index + 1 + _NUMBERING_LOOKAHEAD]]:
            following = match_label(line.norm, line.raw)
            if following is None or following.style != label.style:
                continue
            if following.value == value + 1:
                value += 1
            else:
                return value > 1 and following.value == outer_next
        return False

    def _add(self, seg: Line, label: Label, depth: int) -> Draft:
        del self.stack[depth:]
        parent = self.stack[-1].draft if self.stack else None
        head = Segment(seg.raw[label.text_start:], seg.start + label.text_start)
        draft = Draft(label.label, label.style, depth + 1, parent, head)
        if parent is not None:
            parent.children.append(draft)
        self.stack.append(_Frame(label.style, label.value, draft, label.mark))
        self.last_value[label.style] = label.value
        self.drafts.append(draft)
        if not self._take_marker(draft, draft.head, own_line=True, norm=seg.norm[label.text_start:]) \
                and self.table is None:
            self._take_unit_title(draft)
            if not draft.units:
                named = by_unit_spans(draft.head.raw)
                draft.head_subjects = [ref for ref, u in self._take_duty_units(draft, draft.head)
                                       if not any(a <= u.span[0] < b for a, b in named)]
            if not draft.units and parent is not None and _DIVIDES_DUTIES.search(parent.head.raw[:_MAX_DIVISION_HEAD]):
                # '四、工作职责' / '1.县国动办、县文旅广电局确保…': under a heading that divides duties, the names an
                # item opens with are its units, whatever verb follows them.
                draft.units = [UnitRef(u.raw, u.role, False, draft.head.span(u.span))
                               for u in find_leading_units(draft.head.raw) or []]
                draft.head_subjects = list(draft.units)
        return draft

    def finish(self) -> None:
        """Rules that name units for every later item ("以下均需X落实，不再列出") reach the items now known.

        Rule after rule, an item takes each rule's names it lacks; an item of no units takes none from a rule
        of another part ('四、时间安排' after the tasks' parts: items of no units there are no tasks) until one of
        its own part gave it some. So an item takes, by name, the units of the rules from the first that
        reaches it (the first of all when it has units, else its part's first) to the last before it, each
        name once: those are merged once per first rule as the items are read, not applied rule by rule to
        every later item (a document of thousands of rules was quadratic)."""
        rules = [(first, _top(self.drafts[first]), units) for first, units in self.blanket
                 if units and first < len(self.drafts)]   # a rule of no units, or after every item, gives none
        if not rules:
            return
        part_first: dict[int, int] = {}   # id(part) -> its first rule
        for k, (_, part, _) in enumerate(rules):
            part_first.setdefault(id(part), k)
        merged: dict[int, _MergedRules] = {}   # first rule -> the units of the rules from it, read so far
        reached = 0   # the rules stated before the item
        for index, draft in enumerate(self.drafts):
            while reached < len(rules) and rules[reached][0] <= index:
                reached += 1
            if not reached or draft.children or draft.style == "annex":
                continue
            start = 0 if draft.units else part_first.get(id(_top(draft)), reached)
            if start >= reached:
                continue
            rules_from = merged.setdefault(start, _MergedRules([], set(), start))
            for _, _, units in rules[rules_from.upto:reached]:
                rules_from.units.extend(u for u in units if u.name not in rules_from.names)
                rules_from.names.update(u.name for u in units)
            rules_from.upto = reached
            _add_units(draft, rules_from.units, by_name=True)

    def _take_duty_units(self, draft: Draft, para: Segment) -> list[tuple[UnitRef, MarkerUnit]]:
        """An unnumbered paragraph under an item that gives units its duties: '房管所负责…；城运中心配合…',
        '各街镇是处置主体', '由区建交委负责…'. Returns each unit offered with its reading in the paragraph."""
        found = find_duty_units(para.raw)
        refs = [UnitRef(u.raw, u.role, False, para.span(u.span)) for u in found]
        _add_units(draft, refs)
        return list(zip(refs, found, strict=True))

    def _take_unit_title(self, draft: Draft) -> None:
        """'(一)区建管委' / '1.街道消委办。牵头开展…': a duty item whose title names its units."""
        found = find_unit_title(draft.head.raw)
        if found is None:
            return
        units, duties = found
        if works_with_others(duties):
            return   # '（一）区建设管理委会同区规划资源局…': read as a duty sentence, partners and all
        role = duty_role(duties) if duties.strip() else "responsible"
        draft.units = [UnitRef(u.raw, role, False, draft.head.span(u.span)) for u in units]
        draft.titled_by_units = not duties.strip()

    def _paragraph(self, seg: Line) -> None:
        if not self.started:
            self.preamble.append(seg)
            return
        current = self.stack[-1].draft if self.stack else self.drafts[-1]
        para = Segment(seg.raw, seg.start)
        deadline = DEADLINE_LINE_RE.match(seg.norm)
        if deadline:
            current.deadline_cell = Segment(seg.raw[deadline.start(2):].strip(), seg.start + deadline.start(2))
            return
        if current.titled_by_units and not current.body:
            role = duty_role(para.raw)  # '(一)区建管委' then '牵头协调…': the duties say the role
            current.units = [UnitRef(u.name, role, u.inherited, u.span, u.covers) for u in current.units]
            current.titled_by_units = False
        if self._closes_parent(current, para):
            current = current.parent   # type: ignore[assignment]
        # '(二)县政府负责…' / '牵头单位:县人民政府;责任单位:…': a marker below the item naming its units is what assigns
        # it; a marker naming only supporting units leaves the lead its text named ('(二)省审计厅牵头的工作' /
        # '协同单位:…'). The subjects are set aside while the marker is read, so that a unit both name is kept.
        subjects, held = current.head_subjects, current.units
        if subjects:
            current.units = [u for u in held if not any(u is s for s in subjects)]
        before = len(current.units)
        if self._take_marker(current, para, own_line=False, norm=seg.norm):
            added = current.units[before:]
            if subjects and not any(u.role != "support" for u in added):
                current.units = list(held)
                _add_units(current, added)
            current.head_subjects = []
            if not para.raw.strip():
                return
        else:
            current.units = held
            self._take_duty_units(current, para)
        last = current.body[-1] if current.body else current.head
        if _is_wrapped(last) and para.raw.strip():
            last.join(para)
        elif para.raw.strip():
            current.body.append(para)

    def _split_trailing_heading(self, line: Line) -> list[Line]:
        """'…现向社会征集意见建议。一、征集的主要内容': a page that lost a line break runs the next numbered
        heading on after a full stop at the end of a paragraph. A short unpunctuated tail opening with the
        next number of a heading style is that heading."""
        m = _TRAILING_HEADING.search(line.norm)
        if m is None or m.start("label") == 0:
            return [line]
        cut = m.start("label")
        tail = Line(line.start + cut, line.end, line.raw[cut:], line.norm[cut:])
        label = match_label(tail.norm, tail.raw)
        if label is None or self._place(label, validate=True) is None \
                or (label.value == 1 and self.stack and self.stack[-1].style == label.style):
            return [line]
        head = _part(line, 0, cut)
        if m.group("first") is None:
            return [head, tail]
        # '…。 五、责任分工 (一)县委办公室': the heading's title, then its first item's, both run on
        inner = m.start("first")
        return [head, _part(line, cut, inner), Line(line.start + inner, line.end, line.raw[inner:], line.norm[inner:])]

    def _split_after_markers(self, line: Line) -> list[Line]:
        """'（一）地区生产总值增长11%左右。（省发改委负责）（二）公共财政收入增长13%左右。（…）': items run on
        after the marker that closes the one before; each next number of the line's own style right after
        a marker starts an item."""
        if not _AFTER_MARKER_LABEL.search(line.norm):
            return [line]
        first = match_label(line.norm, line.raw)
        cuts: list[int] = []
        style, last = (first.style, first.value) if first is not None else (None, 0)
        for marker in find_unit_markers(line.raw, first_is_lead=self.first_is_lead):
            at = marker.span[1]
            while at < len(line.norm) and line.norm[at].isspace():
                at += 1
            label = label_at(line.norm, at)   # the rest of the line is not copied: a line may hold many markers
            if label is None:
                continue
            next_style, value = label
            # The next number of the line's style; a page opening on a marker takes the first label after one
            # as that style, and, as a digest that left items out, may skip numbers ((五) then (八)), never back.
            if style is None:
                starts = next_style in _RUN_ON_STYLES
            else:
                starts = next_style == style and (value == last + 1 or (first is None and value > last))
            if starts:
                cuts.append(at)
                style, last = next_style, value
        if not cuts:
            return [line]
        pieces = []
        for a, b in zip([0, *cuts], [*cuts, len(line.raw)], strict=True):
            raw = line.raw[a:b].rstrip()
            pieces.append(Line(line.start + a, line.start + a + len(raw), raw, line.norm[a:a + len(raw)]))
        return pieces

    def _closes_parent(self, current: Draft, para: Segment) -> bool:
        """A marker alone on its line after the last of several sub-items, none of which (nor their item)
        has units: '1.完善应急预案体系 / (1)… (2)… (3)… (4)… / （责任单位：…）' marks item 1 as a whole."""
        parent = current.parent
        if parent is None or len(parent.children) < 2 or parent.children[-1] is not current or parent.units \
                or any(c.units for c in parent.children) or current.body:
            return False
        markers = find_unit_markers(para.raw, first_is_lead=self.first_is_lead)
        # Only spaces and full stops around the markers (each piece looked at in place: a line may hold many).
        outside = zip([0, *(m.span[1] for m in markers)], [*(m.span[0] for m in markers), len(para.raw)], strict=True)
        return bool(markers) and not any(para.raw[a:b].strip(" \t\u3000。;；.") for a, b in outside)

    def _take_marker(self, draft: Draft, seg: Segment, *, own_line: bool, norm: str | None = None) -> bool:
        """Move the unit markers found in `seg` onto the draft; trims them out of seg.raw.

        Every marker of the segment counts: a paragraph may close several sentences with markers of
        their own, and a marker in an unnumbered paragraph under an item belongs to that item, so
        their units are added to the draft's. Each marker after the node's first covers the text before it
        (since the previous marker of its paragraph): a unit two markers name answers for both parts.
        `norm` is halfwidth(seg.raw), sliced from the line where the caller has it (not worked out again).
        """
        markers = find_unit_markers(seg.raw, first_is_lead=self.first_is_lead,
                                    lead_before_comma=self.lead_before_comma, norm=norm)
        if not markers:
            return False
        if own_line:
            draft.units = []
        # '认真贯彻…。（A负责）' then '发挥投资的关键作用…。（A、B负责）': a later paragraph's marker covers it.
        later = not own_line and any(not u.inherited for u in draft.units)
        standing_before = list(self.standing)
        covered_from = 0
        # Every marker's units are added at once: nothing below changes draft.units, and adding them marker by
        # marker rebuilt the set of the units found so far once per marker (quadratic in a line of markers).
        found_in_segment: list[UnitRef] = []
        for marker in markers:
            covers = _covered(seg, covered_from, marker.span[0]) if len(markers) > 1 or later else None
            covered_from = marker.span[1]
            found = [UnitRef(u.raw, u.role, False, seg.span(u.span), covers) for u in marker.units]
            found_in_segment.extend(found)
            marker_text = halfwidth(seg.raw[marker.span[0]:marker.span[1]]) \
                if seg.raw.find("下同", *marker.span) >= 0 else ""
            if marker_text and _SAME_BELOW_END.search(marker_text) and not _LEAD_RULE_NOTE_AT_END.search(marker_text) \
                    and not _RULE_SENTENCE_AT_END.search(marker_text):
                # '（牵头：X，A、B为实施单位，下同）': A and B hold the items below too.
                self.standing = [r for r in found if r.role != "lead"] or found
            if marker.deadline_text and marker.deadline_span and draft.deadline_cell is None:
                draft.deadline_cell = Segment(marker.deadline_text, seg.at(marker.deadline_span[0]))
        _add_units(draft, found_in_segment)
        _add_units(draft, standing_before, by_name=True)
        cuts = _cuts(seg.raw, markers)
        if len(cuts) == 1:
            seg.remove(*cuts[0])
        else:
            seg.remove_all(cuts)
        return True

    def _hoist_inline_marker(self, segments: list[Line], created: list[Draft]) -> None:
        """'3.加强保障：（1）…；（2）…（责任单位：X）' — the closing marker covers the whole paragraph."""
        head = created[0]
        inline = created[1:] if head.style not in ("ar_paren", "circled", "cn_paren", "ar_half_paren") \
            else []
        if not inline or head.units:
            return
        last = inline[-1]
        if last.units and not any(d.units for d in inline[:-1]):
            head.units, last.units = last.units, []

    # -- annexes -----------------------------------------------------------------------------------

    def _start_part(self, draft: Draft) -> None:
        """A part of the document with its own numbering (annex, second document): a frame the body's
        numbering never pops."""
        self.stack = [_Frame("annex", 0, draft)]
        self.floor = 1
        self.last_value = {}
        self.drafts.append(draft)

    def _open_part(self, start: int) -> None:
        """An unlabelled part after the body (a task table restarting at 一、): an annex frame of its own,
        titled by the line above the table when that line is a title ("…任务分解表")."""
        head = Segment("", start)
        current = self.stack[-1].draft if self.stack else None
        if current is not None and current.body and _TABLE_TITLE.search(halfwidth(current.body[-1].raw.strip())):
            head = current.body.pop()
        self._start_part(Draft("附表", "annex", 1, None, head))

    def _open_annex(self, line: Line, m: re.Match[str]) -> None:
        label = line.raw[: m.end(1)].replace(" ", "").replace("\u3000", "")
        rest = line.raw[m.start(2):].strip() if m.group(2) else ""
        head = Segment(rest, line.start + m.start(2)) if rest else Segment("", line.end)
        draft = Draft(label, "annex", 1, None, head)
        self._start_part(draft)
        # "附件：" with no number heads the list of annexes ("附件：1.…方案 2.…清单"), not an annex.
        self.annex_list = not re.search(r"\d|[一二三四五六七八九十]", label)
        if not rest:
            self.pending_annex_title = draft

    # -- tables ------------------------------------------------------------------------------------

    def _table_row(self, line: Line) -> None:
        cells = [c.text for c in line.cells]
        layout = header_layout(cells)
        if layout is not None:
            if self.table is not None:
                self.table.layout = layout   # the header repeated mid-table (a new page): same table
            else:
                current = self.stack[-1].draft if self.stack else None
                if current is not None and current.body \
                        and _TABLE_TITLE.search(halfwidth(current.body[-1].raw.strip())):
                    # '2016年《政府工作报告》量化指标任务分工' above the header: the table is a part of
                    # its own, not rows of the item whose paragraphs precede it.
                    self._open_part(line.start)
                self.table = _Table(layout, floor=len(self.stack), base=len(self.stack))
            self.table.unnamed = [i for i, c in enumerate(cells) if not c.strip()]
            self.table.width = len(cells)
            return
        if self.table is None:
            # Not a task table: before the body it may be a portal's metadata block (read by meta.py
            # from its cells); after, a plain grid read as a paragraph.
            if not self.started:
                self.preamble.append(line)
            else:
                self._paragraph(Line(line.start, line.end, line.raw, line.norm))
            return
        table = self.table
        if not table.placed:
            table.placed = True
            _lost_header_cells(table, line.cells)
            _header_short_of_row(table, line.cells)
        if table.unnamed and not any(table.layout.col(r) >= 0 for r in ("lead", "support", "responsible")):
            # A column without a heading whose cells name units: the table's responsible units.
            for i in table.unnamed:
                if i < len(line.cells) and line.cells[i].text and all(
                        looks_like_unit(name) for name, _ in split_unit_list(line.cells[i].text)):
                    table.layout.columns["responsible"] = i
                    break
        # '3.及时反馈… | 各科室 | |': a web row that lost its merged cell on the left, padded
        used = _filled_width(line.cells) if _PIPE_ROW.match(line.raw) else len(line.cells)
        if sum(1 for c in line.cells if c.text) > 1 and used < table.width:
            aligned = align_row(_join_unit_cells(line.cells[:used], table.layout, table.width), table.layout,
                                 table.width)
            if len(aligned) == table.width or len(line.cells) < table.width:
                line.cells = aligned
        line.cells = _resolve_ditto(line.cells, table.previous)
        table.previous = line.cells
        cell = _CellReader(line, table.layout)
        filled = [c for c in line.cells if c.text]
        if len(filled) == 1 and cell.text("task") == "":
            # A merged full-width row: a section heading inside the table ("一、科技创新").
            self._table_section(table, filled[0].text, filled[0].start)
            return
        category = cell.text("category")
        headed = False   # the category cell is a numbered heading, now added
        if category and category != table.category:
            if match_label(halfwidth(category), category) is not None:
                self._table_section(table, category, cell.start("category"))   # "1.分类投放": a heading
                headed = True
            table.category = category
        if self._labelled_row(table, line, cell, skip=cell.start("category") if headed else -1):
            return
        task = cell.text("task")
        task_col = "task"
        seq = cell.text("seq")
        label = _table_label(seq) if seq else None
        seq_merged = seq != "" and cell.start("seq") == table.last_seq_start
        if table.layout.col("seq") >= 0 and (seq_merged or (label is None and not seq)) \
                and table.last_row is not None:
            # A row under a vertically merged (or blank) 序号: more of the same task.
            item = self._content_item(table, table.last_row, cell)
            if item is not None:
                self._row_units(item, cell)
                return
            if task:
                table.last_row.body.append(Segment(task, cell.start("task")))
            self._row_units(table.last_row, cell, more=True)
            return
        if table.last_row is not None and task and cell.start("task") == table.last_row.head.start:
            # The task cell is merged down: one task with several rows of measures, units or deadlines.
            self._row_units(table.last_row, cell, more=True)
            return
        if not task and label is None and cell.text("content") and table.last_row is not None \
                and table.last_row.style != "row":
            # Under a labelled task ('7.健全…考核机制') whose cell is merged down: more measures of it.
            table.last_row.body.append(Segment(cell.text("content"), cell.start("content")))
            self._row_units(table.last_row, cell, more=True)
            return
        if (not task and label is None) or (label is None and _TOTAL_ROW.match(task)) \
                or (label is None and table.layout.col("seq") >= 0
                                            and (not seq or table.last_row is None)):
            return   # an empty row, or an unnumbered one before the first task (总分, 合计) in a numbered table
        if label is not None and task and self._section_row(table, cell, label, task):
            # A row numbered in a style the table has not used yet heads the rows below from the table's top.
            self._add_row_section(table, cell, label, task)
            return
        if label is not None and task and label.style == "cn_dun" == table.section_style \
                and (table.last_row is None or table.last_row.style != label.style):
            # '三、| 水岸联动… | 15 | 落实属地管理责任… | 县河长办' after rows 1-7 under '二、': the next 一、-style
            # section of the table, carrying a target and units of its own.
            section = self._add_row_section(table, cell, label, task)
            self._row_units(section, cell)
            if cell.text("target"):
                section.body.append(Segment(cell.text("target"), cell.start("target")))
            return
        if not task and cell.text("content"):
            # The task name is merged down from the rows above: this row's own text is its content.
            task = cell.text("content")
            task_col = "content"
        if label is None and table.layout.col("seq") < 0 and self.stack \
                and not any(cell_kind(c.text) == "number" for c in line.cells):
            # '烟花爆竹 | 1月份 | 安监站 安监所 |' under '一、专项整治安排表': a row without a number is no node of the
            # outline; the units it names answer for the item the table stands under, each for its row's text.
            holder = self.stack[-1].draft
            holder.body.append(Segment(task, cell.start(task_col)))
            self._row_units(holder, cell, for_row=True)
            return
        table.row_count += 1
        if label is None:
            label = Label("row", table.row_count, seq or str(table.row_count), 0)
        depth = self._place(label, validate=False, floor=table.floor) if table.row_depth is None \
            else table.row_depth
        assert depth is not None
        task_line = Line.of(cell.start(task_col), task)
        draft = self._add(task_line, Label(label.style, label.value, label.label, 0), depth)
        draft.category = table.category
        item = self._content_item(table, draft, cell) if task_col == "task" else None
        if item is not None:
            table.row_depth = depth
        self._row_units(item or draft, cell)
        deadline = cell.text("deadline")
        if deadline:
            draft.deadline_cell = Segment(deadline, cell.start("deadline"))
        target = cell.text("target")
        if target:
            draft.body.append(Segment(target, cell.start("target")))
        self._cell_items(draft, cell, table)
        table.last_row = draft
        table.last_seq_start = cell.start("seq") if seq else -1

    def _add_row_section(self, table: _Table, cell: _CellReader, label: Label, task: str) -> Draft:
        """A row read as a section heading of the table: its task cell is the heading, the rows below nest."""
        start = cell.start("task")
        self._add_table_section(table, Line.of(start, task), Label(label.style, label.value, label.label, 0),
                                new_style_at_top=True)
        table.last_row = None
        return self.drafts[-1]

    def _content_item(self, table: _Table, row: Draft, cell: _CellReader) -> Draft | None:
        """'1 | 主要预期目标 | 1.地区生产总值增长5%以上。 | 钱宇 | ★区发改委、统计局', then rows under the merged
        序号 and 项目 with '2.…', '3.…': a content cell that opens with its own number is an item of the row."""
        if table.layout.col("content") < 0:
            return None
        text = cell.text("content")
        label = match_label(halfwidth(text), text) if text else None
        if label is None or label.style == "cn_dun" or _NEXT_NUMBER.search(halfwidth(text), label.text_start):
            return None   # '1.继续…；2.…': the cell lists the row's items (_cell_items); the row keeps its units
        start = cell.start("content")
        return self._add(Line.of(start, text), label, row.level)

    @staticmethod
    def _section_row(table: _Table, cell: _CellReader, label: Label, task: str) -> bool:
        """A numbered row that only names a group of the rows below ("二 | 构建全链条闭环管理体系", no
        content, units or deadline) in a table whose rows do carry units: a heading, not a task. It is
        numbered in another style than the row before it (the rows below restart at （一）)."""
        if not any(table.layout.col(r) >= 0 for r in ("lead", "support", "responsible")):
            return False
        if any(cell.text(r) for r in ("content", "lead", "support", "guide", "responsible", "deadline", "target")):
            return False
        if len(task) > _MAX_SECTION_LEN or re.search(r"[。；;]", task):
            return False
        return table.last_row is None or table.last_row.style != label.style

    def _cell_items(self, draft: Draft, cell: _CellReader, table: _Table) -> None:
        """'（1）…；（2）…' inside a row's content cell: numbered sub-items of the row."""
        col = "content" if cell.text("content") else "task"
        text = cell.text(col)
        if not text:
            return
        start = cell.start(col)
        line = Line.of(start, text)
        opening = match_label(line.norm, line.raw)
        if opening is not None and opening.value == 1 and opening.style in ("ar_dot", "ar_paren", "circled"):
            # '1. 强化…。 2. 紧扣…。 …' under row 1: the cell lists the row's items from its first word; they
            # nest under the row whatever their style, and the rows after them stand where this one does.
            items = split_inline_items(line, PARAGRAPH_INLINE_STYLES, opens_with_item=True)
            if len(items) > 1:
                table.row_depth = len(self.stack) - 1
                for seg in items:
                    label = match_label(seg.norm, seg.raw)
                    if label is not None:
                        self._add(seg, label, table.row_depth + 1)
                return
        segments = split_inline_items(line)
        for seg in segments[1:]:
            label = match_label(seg.norm, seg.raw)
            depth = self._place(label, validate=True) if label else None
            if label is not None and depth is not None and depth >= len(self.stack) - 1:
                self._add(seg, label, depth)

    def _continues_body(self, line: Line) -> bool:
        """A numbered line that carries on the numbering around the table (三、 after a table under 二、)."""
        label = match_label(line.norm, line.raw)
        if label is None or self.table is None:
            return False
        depth = self._place(label, validate=True)
        return depth is not None and depth < self.table.base

    def _labelled_row(self, table: _Table, line: Line, cell: _CellReader, *, skip: int = -1) -> bool:
        """A table whose leading columns carry the outline's own labels: '（一）提升…' | '1、改善…' |
        '（1）建设精品道路300条。' | 牵头部门 … Each labelled cell is a node nested under the one to its
        left (a merged cell leaves it to the rows above); the last one is the row's task."""
        seq = cell.text("seq")
        if seq and not _heading_in_cell(seq):
            return False
        unit_cols = [table.layout.col(r) for r in ("lead", "support", "guide", "responsible", "deadline")
                     if table.layout.col(r) >= 0]
        stop = min(unit_cols) if unit_cols else len(line.cells)
        labelled = []
        for c in line.cells[:stop]:
            label = match_label(halfwidth(c.text), c.text) if c.text and c.start != skip else None
            if label is not None:
                labelled.append((c, label))
        if not labelled or (seq and len(labelled) < 2):
            # '(一)全面实施… | 1.按照国务院要求… | (1)全面准确…': the 序号 column holds the outline's heading, the
            # next cells its items; a 序号 cell alone is the row's number, read as such
            return False
        draft = None
        answers = None   # the node the row's unit cells answer for, when not its last
        left = -1   # the depth of the row's labelled cell to the left
        for k, (c, label) in enumerate(labelled):
            depth = self._place(label, validate=False, floor=table.base)
            assert depth is not None
            if depth < len(self.stack) and self.stack[depth].value == label.value \
                    and self.stack[depth].draft.head.raw.strip() == c.text[label.text_start:].strip():
                # '一、优化… | （二）持续推进… | 4.…': a merged cell the page repeated in full is the node open above.
                draft = self.stack[depth].draft
                left = depth
                continue
            nested = False
            if k and depth <= left:
                # '（1）… | 1.落实…; 2.结合…': a list restarting in a cell to the right is under the cell on its left,
                # though a cell further up the outline ('1.组织机构') opened that style; the row's units answer for
                # that cell's item, as for the measures of a list below.
                depth, nested = left + 1, True
            left = depth
            line = Line.of(c.start, c.text)
            items = split_inline_items(line, PARAGRAPH_INLINE_STYLES, opens_with_item=True) \
                if k and k == len(labelled) - 1 and label.value == 1 else [line]
            if len(items) > 1:
                # '（一）在制定…时… | 1.重大决策预公开。… 2.局制定的政策… | 产业政策科': the measures the cell lists
                # are items of the task beside it, which the row's units answer for.
                answers = draft
                for seg in items:
                    item = match_label(seg.norm, seg.raw)
                    if item is not None:
                        draft = self._add(seg, item, depth)
                continue
            if nested and k == len(labelled) - 1 and label.value == 1:
                answers = draft
            draft = self._add(line, label, depth)
        assert draft is not None
        self._row_units(answers or draft, cell)
        deadline = cell.text("deadline")
        if deadline:
            (answers or draft).deadline_cell = Segment(deadline, cell.start("deadline"))
        table.last_row = draft
        table.floor = table.base
        return True

    def _table_section(self, table: _Table, text: str, start: int) -> None:
        """A row that spans the table (a merged row, or a line without cells between its rows): a
        numbered one is a heading over the rows below ("一、科技创新（共5项）"); an unnumbered one names
        their category, which each row keeps (rows stay where their numbers put them)."""
        text = text.strip()
        label = match_label(halfwidth(text), text)
        if label is not None and self._next_item_of_row(table, label):
            self._add(Line.of(start, text), label, len(self.stack) - 1)
            return
        if label is not None and label.value == 1 and any(
                f.style == label.style for f in self.stack[self.floor:table.base]):
            # Sections restarting a numbering the text around the table already used (一、 again):
            # the table is a part of its own, like an annex (a 任务分解表 after the body).
            self._open_part(start)
            table.floor = table.base = len(self.stack)
            table.section_style, table.section_depth = None, None   # the sections before it were the body's
        if label is not None:
            self._add_table_section(table, Line.of(start, text), label, new_style_at_top=False)
            return
        table.category = text

    def _next_item_line(self, line: Line) -> bool:
        label = match_label(line.norm, line.raw)
        return label is not None and self.table is not None and self._next_item_of_row(self.table, label)

    def _next_item_of_row(self, table: _Table, label: Label) -> bool:
        """'1 | 主要预期目标 | (1)… | 王旭锋 | 区发改局', then '(2)…' alone (its 序号 and 目标 merged, its other cells
        one a line below it): the row's next item, not a heading over the rows below; so is '2.…' alone after
        the row '一、… | 1.… | 办公室', its other cells merged with that row's."""
        top = self.stack[-1] if self.stack else None
        return top is not None and table.last_row is not None and table.last_row in (top.draft, top.draft.parent) \
            and top.style == label.style and label.value == top.value + 1

    def _add_table_section(self, table: _Table, line: Line, label: Label, *, new_style_at_top: bool) -> None:
        """A numbered section heading inside a table. Sections are siblings of each other, whatever the rows
        below them are numbered like; the rows below nest under the latest one."""
        depth = table.section_depth if table.section_style == label.style else None
        if depth is None:
            in_table = any(f.style == label.style for f in self.stack[table.base:])
            if new_style_at_top and not in_table:
                depth = table.base
            else:
                depth = self._place(label, validate=False, floor=table.base)
        assert depth is not None   # unvalidated placing always finds a depth
        self._add(line, label, depth)
        table.section_style, table.section_depth = label.style, depth
        table.floor = len(self.stack)
        table.row_depth = None

    def _row_units(self, draft: Draft, cell: _CellReader, *, more: bool = False, for_row: bool = False) -> None:
        """The units of a row's unit cells. A unit named in two of them in two roles (配合部门 and 实施主体) holds
        both duties, the second listed with the row's text as what it covers; a 责任单位 column that repeats the
        牵头单位 names it once. With `more`, the row goes on the task above it (its 序号 or task cell merged
        down): each row is a measure of the task, and a unit the task already has is listed again for it, covering
        this row's text (one entry per row, as a unit two markers of a paragraph name is listed per marker). With
        `for_row`, every unit covers the row's text (a row that is no node of its own: each row a duty)."""
        own = next((c for c in ("content", "task") if cell.text(c)), None)
        row_text = (cell.start(own), cell.start(own) + len(cell.text(own))) if own else None
        refs: list[UnitRef] = []
        for role, column in _ROW_UNIT_COLUMNS:
            text = cell.text(column)
            if not text:
                continue
            start = cell.start(column)
            earlier = {r.name: r.role for r in refs}
            for u in read_unit_cell(text, role, first_is_lead=self.first_is_lead):  # type: ignore[arg-type]
                again = u.raw in earlier and {earlier[u.raw], u.role} not in ({u.role}, {"lead", "responsible"})
                refs.append(UnitRef(u.raw, u.role, False, (start + u.span[0], start + u.span[1]),
                                    row_text if again or for_row else None))
        # Cells past the header's columns ('省牵头单位：省农业农村厅' under a row copied one cell per line).
        last_column = max(cell.layout.columns.values(), default=-1)
        for extra in cell.line.cells[last_column + 1:]:
            for marker in find_unit_markers(extra.text, first_is_lead=self.first_is_lead):
                refs.extend(UnitRef(u.raw, u.role, False, (extra.start + u.span[0], extra.start + u.span[1]))
                            for u in marker.units)
        if more:
            named = {u.name for u in draft.units}
            refs = [replace(r, covers=row_text) if r.name in named else r for r in refs]
        _add_units(draft, refs)


class _CellReader:
    def __init__(self, line: Line, layout: TableLayout) -> None:
        self.line = line
        self.layout = layout

    def text(self, role: str) -> str:
        i = self.layout.col(role)
        return self.line.cells[i].text if 0 <= i < len(self.line.cells) else ""

    def start(self, role: str) -> int:
        i = self.layout.col(role)
        return self.line.cells[i].start if 0 <= i < len(self.line.cells) else self.line.start


_PIPE_ROW = re.compile(r"^[^\t]*\|[^\t]*$")   # a row copied from a web table with '|' between cells, no TAB
_DITTO_WORDS = (DITTO, "同上", "〃")


# The role each unit column gives its names, in the order a row's units are listed.
_ROW_UNIT_COLUMNS = (("lead", "lead"), ("lead", SECOND_UNIT_COLUMN["lead"]), ("support", "support"),
                     ("support", SECOND_UNIT_COLUMN["support"]), ("support", "guide"),
                     ("responsible", "responsible"), ("responsible", SECOND_UNIT_COLUMN["responsible"]))


def _join_unit_cells(cells: list[Cell], layout: TableLayout, width: int) -> list[Cell]:
    """A row that lost cells, in a table whose one unit column has at most notes or progress after it: consecutive cells
    that only name units are that column's, one unit a line ('文物股' / '郙阁公司'), not a unit column and the
    notes. (A column of no known role after it, such as 评分部门, may hold units of its own.)"""
    unit_columns = [layout.col(role) for role in UNIT_COLUMNS if layout.col(role) >= 0]
    if len(unit_columns) != 1:
        return cells
    if any(layout.role_at(i) not in ("notes", "progress") for i in range(unit_columns[0] + 1, width)):
        return cells
    out: list[Cell] = []
    for cell in cells:
        previous = out[-1] if out else None
        if previous is not None and len(out) > 1 and cell_kind(previous.text) == "units" \
                and cell_kind(cell.text) == "units" and cell.start >= previous.end:
            # the line break between them a space, so that offsets in the text stay offsets in the source
            text = previous.text + " " * (cell.start - previous.end) + cell.text
            out[-1] = Cell(text, previous.start, cell.end)
        else:
            out.append(cell)
    return out


def _filled_width(cells: list[Cell]) -> int:
    """The number of cells up to the last one that holds text (a row padded with empty cells at its end)."""
    used = len(cells)
    while used and not cells[used - 1].text:
        used -= 1
    return used


def _lost_header_cells(table: _Table, cells: list[Cell]) -> None:
    """'具 体 要 求 | 责任科室 | ||' over '一、… | 1 | 紧扣… | 办公室牵头，… |': a header that lost its first cells
    on the way into text, its names left first and empty cells after them. When the table's first row holds units
    where the header's unit columns would be once its names are moved to the row's last cells, and not where they
    stand, the names move there; the cells before them are the row number and the heading by what they hold."""
    named = table.width - len(table.unnamed)
    if named < 2 or table.unnamed != list(range(named, table.width)):
        return
    shift = min(_filled_width(cells), table.width) - named
    unit_columns = [table.layout.col(role) for role in UNIT_COLUMNS if table.layout.col(role) >= 0]
    if shift <= 0 or not unit_columns or table.layout.col("task") < 0 \
            or not _units_only_when_moved(cells, unit_columns, shift) \
            or cell_kind(cells[table.layout.col("task") + shift].text) != "text":
        return
    columns = {role: i + shift for role, i in table.layout.columns.items()}
    for i in range(shift):
        text = halfwidth(cells[i].text.strip())
        if cell_kind(text) == "number":
            columns.setdefault("seq", i)
        elif match_label(text, cells[i].text) is not None:
            columns.setdefault("category", i)   # '一、围绕…': the heading merged down over its rows
    table.layout = TableLayout(columns)
    table.unnamed = [i for i in range(table.width) if i not in columns.values()]


def _header_short_of_row(table: _Table, cells: list[Cell]) -> None:
    """'序号 | 公开事项 | 内容规范 | 公开时限 | 公开形式 | 公开主体 |' over
    '1 | 组织机构 | 机构概况 | 1、… | 15个工作日 | 政府网站 | 政工室 |': a header cell over two columns (the
    事项's two levels) kept as one, so the rows have a cell more than the header. When the first row holds units
    where the header's unit columns would be with the columns after the task moved right by the cells it lacks,
    and not where they stand, they move."""
    extra = _filled_width(cells) - table.width
    task = table.layout.col("task")
    unit_columns = [table.layout.col(role) for role in UNIT_COLUMNS if table.layout.col(role) > task]
    if not 0 < extra <= _MAX_HEADER_SHORT or table.unnamed or task < 0 or not unit_columns \
            or not _units_only_when_moved(cells, unit_columns, extra):
        return
    table.layout = TableLayout({role: i + extra if i > task else i for role, i in table.layout.columns.items()})
    table.width += extra


_MAX_HEADER_SHORT = 2


def _units_only_when_moved(cells: list[Cell], unit_columns: list[int], shift: int) -> bool:
    """Do the cells `shift` places right of the header's unit columns name units, and those at them not?"""
    return not any(cell_kind(cells[i].text) == "units" or cell_kind(cells[i + shift].text) != "units"
                   for i in unit_columns)


def _resolve_ditto(cells: list[Cell], previous: list[Cell]) -> list[Cell]:
    """Cells reading "same as above" (a merged cell's 〃, or 同上) take the cell above, span included."""
    out = []
    for i, c in enumerate(cells):
        if c.text in _DITTO_WORDS and i < len(previous):
            out.append(previous[i])
        else:
            out.append(c)
    return out


def _heading_in_cell(text: str) -> bool:
    """'(一)全面实施行政许可事项清单管理。': a labelled heading with its text, not a row number ('3', '(一)')."""
    norm = halfwidth(text).strip()
    label = match_label(norm, text.strip())
    return label is not None and len(norm) - label.text_start >= _MIN_HEADING_TEXT


_MIN_HEADING_TEXT = 4


def _table_label(seq: str) -> Label | None:
    """A 序号 cell: "1", "一", "（一）", "1.1"; bare numerals get the style of their dotted form. A flag
    after the number ("1*": a task the city leads) is not part of the label."""
    seq = seq.strip().strip("*※").lstrip("★☆▲")   # "1*", "*8", "★6": a flagged row keeps its number
    norm = halfwidth(seq).strip()
    if re.fullmatch(r"\d{1,3}|[一二三四五六七八九十百]+", norm):
        for mark in ("、", "."):   # 一、 for Chinese numerals, 1. for digits
            label = match_label(norm + mark + "x", seq + mark + "x")
            if label is not None:
                return Label(label.style, label.value, seq.strip(), 0)
    label = match_label(norm + " x", seq + " x")
    if label is not None:
        return Label(label.style, label.value, label.label, 0)
    return None


def _cuts(raw: str, markers: list[UnitMarker]) -> list[tuple[int, int]]:
    """What to cut out of the segment text for each marker (in text order), from the last marker to the first,
    each cut made before the one left of it is found: the marker, the whitespace around it, and, when nothing
    but that is left after the marker, the rest (a full stop left dangling at the end).

    What is left after a marker is the text up to the next cut and what that cut left after it; only whether it
    is empty or one of _DANGLING once stripped matters, and its leading whitespace, so that is what is carried
    from right to left (the text itself would be copied once per marker: quadratic in a line of markers)."""
    cuts: list[tuple[int, int]] = []
    next_cut = len(raw)   # where the cut right of the current marker starts
    # What the cuts right of the marker left after it (it opens with no whitespace): whether it is empty, and
    # its text stripped, or None when that is longer than any of _DANGLING.
    rest_empty = True
    rest_stripped: str | None = ""
    for marker in reversed(markers):
        start, end = marker.span
        while start > 0 and raw[start - 1].isspace():
            start -= 1
        gap = raw[end:next_cut]   # after the marker: the gap, then the rest
        gap_stripped = gap.strip()
        after_stripped: str | None
        if gap_stripped:   # stripped, the gap's text and the rest's (two characters or more if both have some)
            after_stripped = gap_stripped if rest_empty else None
            leading = len(gap) - len(gap.lstrip())
            rest_empty, rest_stripped = False, after_stripped
        else:   # whitespace, then the rest
            after_stripped = rest_stripped
            leading = len(gap)
        if after_stripped is not None and after_stripped in _DANGLING:
            cuts.append((start, len(raw)))
            rest_empty, rest_stripped = True, ""
        else:
            cuts.append((start, end + leading))
        next_cut = start
    return cuts


_DANGLING = ("", "。", ".", "；", ";")


# "专栏1 重点工程", "专栏：…": a box of examples or projects set between the items.
_BOX_WORD = "专栏"
_BOX_RE = re.compile(r"^" + _BOX_WORD + r"\s*[0-9一二三四五六七八九十]*(?:\s|:|$)")
# The title line of a document: short, no sentence punctuation, ending with the genre's words.
SECOND_DOCUMENT = "附文"   # the label of a second document's part in one notice (a policy and its action plan)
_DOC_TITLE = re.compile(r"^[^。;!?:,]{4,60}(?:方案|计划|措施|意见|办法|细则|规划|要点|清单|规定|政策|纲要|事项"
                        r"|分解|分工|分解表|分工表|安排)"
                        r"(?:\([^()]{0,20}\))?$")
# A marker closing with "，下同）" holds for the items below (a 下同 inside a name's note does not).
# A closing bracket, then what may be the next item's label: （…负责）（二）…, …协办）2.…
_AFTER_MARKER_LABEL = re.compile(r"\)\s*(?:\(|\d|[一二三四五六七八九十])")
_SAME_BELOW_END = re.compile(r"[,;]\s*(?:以)?下同\s*\)?\s*$")
# '…（列第一位者为牵头单位，下同）': the 下同 keeps the lead rule, not the units, for the items below.
_LEAD_RULE_NOTE_AT_END = re.compile(r"\([^()]*" + FIRST_PLACE + r"[^()]*牵头[^()]*\)\s*$"
                                    r"|" + FIRST_PLACE + r"[^。()]{0,20}牵头[^。()]{0,12}[,;]\s*(?:以)?下同\s*$")
# '（X牵头。明确牵头部门的，有关部门配合，不逐一列出，下同）': the 下同 keeps the sentence's rule, not the units.
_RULE_SENTENCE_AT_END = re.compile(r"。[^。()]*(?:列出|第一|首位|第1)[^。()]*下同\s*\)?\s*$")
_MAX_SECTION_LEN = 40
_MAX_ANNEX_ENTRY = 80
_TABLE_TITLE = re.compile(r"^[^。;!?:,]{2,60}(?:表|清单|一览|台账|任务分工|责任分工|任务分解|责任分解)"
                          r"(?:\([^()]{0,20}\))?$")
_TOTAL_ROW = re.compile(r"^(?:合\s*计|小\s*计|总\s*计|共\s*计)$")


def _covered(seg: Segment, start: int, end: int) -> Span | None:
    """The source span of seg.raw[start:end] without the spaces and punctuation at its ends."""
    raw = seg.raw
    while start < end and raw[start] in _COVER_TRIM:
        start += 1
    while end > start and raw[end - 1] in _COVER_TRIM:
        end -= 1
    return seg.span((start, end)) if end > start else None


_COVER_TRIM = frozenset(" \t\u3000。；;，,")


_FIRST_SUB_LABEL = re.compile(r"\(一\)|1[.、](?!\d)")
_MAX_RUN_ON_TITLE = 24


def _split_heading_run_on(line: Line) -> list[Line]:
    """'二、主要任务(一)加强基础设施建设。': a heading's short title run on into its first item, numbered 1 in the
    genre's next lower style, when a page lost the break between them."""
    first = match_label(line.norm, line.raw)
    if first is None:
        return [line]
    start = first.text_start
    m = _FIRST_SUB_LABEL.search(line.norm, start + 2, start + _MAX_RUN_ON_TITLE)
    if m is None or _SENTENCE_INSIDE.search(line.norm, start, m.start()) or "," in line.norm[start:m.start()]:
        return [line]
    sub = match_label(line.norm[m.start():], line.raw[m.start():])
    if sub is None or sub.value != 1 or _RANK.get(sub.style, 0) != _RANK.get(first.style, 9) + 1:
        return [line]
    cut = m.start()
    return [Line(line.start, line.start + cut, line.raw[:cut], line.norm[:cut]),
            Line(line.start + cut, line.end, line.raw[cut:], line.norm[cut:])]


def _top(draft: Draft) -> Draft:
    """The top-level heading (or item) the draft stands under."""
    while draft.parent is not None:
        draft = draft.parent
    return draft


def _add_units(draft: Draft, refs: list[UnitRef], *, by_name: bool = False) -> None:
    """Add units the draft does not have yet: a (name, role) pair once for each text a marker covers (a unit
    two markers of a paragraph name answers for both parts), or with `by_name` a name once.

    The units the draft holds are read anew while they are few, then looked up in an index kept between calls
    (read anew at every call, an item under which thousands of paragraphs name units was quadratic)."""
    if not refs:
        return
    index = draft.unit_index
    if index is None or index.of is not draft.units or index.count != len(draft.units):
        if len(draft.units) < _INDEX_FROM:   # read anew: as cheap as an index for a few units
            if by_name:
                have = {u.name for u in draft.units}
                draft.units.extend(r for r in refs if r.name not in have)
                return
            pairs = {(u.name, u.role, u.covers) for u in draft.units if not u.inherited}
            for ref in refs:
                if (ref.name, ref.role, ref.covers) not in pairs:
                    pairs.add((ref.name, ref.role, ref.covers))
                    draft.units.append(ref)
            return
        index = draft.unit_index = _UnitIndex(draft.units, 0, {(u.name, u.role, u.covers) for u in draft.units
                                                               if not u.inherited}, {u.name for u in draft.units})
    if by_name:
        added = [r for r in refs if r.name not in index.names]   # as the draft named them before this call
        draft.units.extend(added)
        index.names.update(r.name for r in added)
        index.pairs.update((r.name, r.role, r.covers) for r in added if not r.inherited)
    else:
        this_call: set[tuple[str, str, Span | None]] = set()   # inherited ones count against this call's others
        for ref in refs:
            key = (ref.name, ref.role, ref.covers)
            if key not in index.pairs and key not in this_call:
                (this_call if ref.inherited else index.pairs).add(key)
                draft.units.append(ref)
                index.names.add(ref.name)
    index.count = len(draft.units)


# Units a draft holds before _add_units keeps an index of them: most drafts hold one to three.
_INDEX_FROM = 16



# The genre's usual order of numbering styles, highest first: 一、 heads （一）, which heads 1.
_RANK = {"part": 0, "chapter": 1, "section": 2, "cn_dun": 3, "cn_paren": 4, "ar_dot": 5, "ar_paren": 6,
         "ar_half_paren": 6, "circled": 7}
_NUMBERING_LOOKAHEAD = 60   # lines: an item with its sub-items and measures
_HEADING_ITEMS_LOOKAHEAD = 3   # lines between a heading and its first item
_MAX_HEADING_LEN = 30
# Item styles that run on after a marker on a page that opens on a marker ('…（责任单位：各区政府）（三）支持…').
_RUN_ON_STYLES = frozenset({"cn_paren", "ar_paren", "ar_dot"})
_NOTE_LINE = re.compile(r"\([^()]{1,40}\)")
_CLOSING_BRACKET = re.compile(r"\([^()]*\)$")


def _without_leading_tag(line: Line) -> Line:
    """'【时政|国务院办公厅关于…的实施意见】一、持续提升…': a news mirror's bracketed tag in front of a numbered
    paragraph is none of its text."""
    m = _LEADING_TAG.match(line.norm)
    if m is None or match_label(line.norm[m.end():], line.raw[m.end():]) is None:
        return line
    return Line(line.start + m.end(), line.end, line.raw[m.end():], line.norm[m.end():])


_TAG_OPENER = "【"
_LEADING_TAG = re.compile(r"\s*" + _TAG_OPENER + r"[^【】]{2,80}】(?=\S)")


def _split_flattened(line: Line) -> list[Line]:
    """A page that lost its line breaks keeps only a space between paragraphs: '…圆满完成。 一、加快提振市场
    信心 (一)全面促进消费增长。 1.把…'. A label after a space is a new paragraph when what precedes the
    space ends a sentence or a marker, or is a short heading; or when it goes on from the last label of
    its style (（十二） after （十一）, whatever heading stands between), or is the first 一、/第一章 of
    the text (after the notice's last words); it takes two such labels to read a line so."""
    norm = line.norm
    if len(norm) < _FLAT_MIN_LINE or " " not in norm.strip():
        return [line]
    cuts: list[int] = []
    last = 0
    last_value: dict[str, int] = {}
    for m in _SPACE_RUN.finditer(norm):
        p = m.end()
        label = match_label(norm[p:p + 12], line.raw[p:p + 12]) if p < len(norm) else None
        if label is None:
            continue
        before = norm[last:m.start()]
        follows_on = label.value == last_value.get(label.style, 0) + 1 and (
            label.value > 1 or (label.style in _FLAT_TOP_STYLES and label.style not in last_value))
        if not before or not (follows_on or before[-1] in _SENTENCE_CLOSERS
                              or (len(before) <= _FLAT_MAX_HEADING and not _SENTENCE_INSIDE.search(before))):
            continue
        cuts.append(p)
        last = p
        last_value[label.style] = label.value
    if len(cuts) < 2 and not (cuts and _opens_outline(norm, cuts[0], line.raw)):
        return [line]
    out: list[Line] = []
    for s, e in zip([0, *cuts], [*cuts, len(norm)], strict=True):
        raw = line.raw[s:e].rstrip()
        if raw.strip():
            out.append(Line(line.start + s, line.start + s + len(raw), raw, norm[s:s + len(raw)]))
    return out


def _opens_outline(norm: str, cut: int, raw: str) -> bool:
    """'…现就2016年食品安全重点工作作出如下安排: 一、加快完善…': one label is enough when it is the outline's
    first heading (一、, 第一章) after a sentence's end: a page that lost its breaks may hold one part only."""
    label = match_label(norm[cut:cut + 12], raw[cut:cut + 12])
    before = norm[:cut].rstrip()
    return label is not None and label.value == 1 and label.style in _FLAT_TOP_STYLES \
        and before[-1:] in _SENTENCE_CLOSERS


_FLAT_MIN_LINE = 80
_FLAT_TOP_STYLES = frozenset({"cn_dun", "chapter", "part"})   # 一、 第一章 第一部分: the top of a plan's outline
_FLAT_MAX_HEADING = 40
_SPACE_RUN = re.compile(r"[ \t\u3000]+")
_SENTENCE_CLOSERS = frozenset("。;:!?)]】」”")
_SENTENCE_INSIDE = re.compile(r"[。;!?]")


def _part(line: Line, start: int, end: int) -> Line:
    """line's text from `start` to `end` without the spaces before `end` (the space a page left before a label)."""
    raw = line.raw[start:end].rstrip()
    return Line(line.start + start, line.start + start + len(raw), raw, line.norm[start:start + len(raw)])


# A heading at the end of a paragraph, after its full stop: 一、 or (一) and a short title without punctuation.
_TRAILING_HEADING = re.compile(r"[。!?;]\s*(?P<label>[一二三四五六七八九十]{1,3}、|\([一二三四五六七八九十]{1,3}\))"
                               r"[^。;!?,:()、\s]{2,24}(?:\s+(?P<first>\(一\)|1、)[^。;!?,:()、\s]{2,24})?$")


# A second numbered item after a clause inside a cell: '…；2.…', '。(2)…'.
_NEXT_NUMBER = re.compile(r"[。;:]\s*(?:\d{1,2}[.、]|\(\d{1,2}\)|[①-⑳])")


def _is_table_section(norm: str) -> bool:
    """A short line that reads as a heading, not a sentence: '推进实施“光伏+”示范工程', '一、科技创新（共5项）'."""
    text = norm.strip()
    return 0 < len(text) <= _MAX_SECTION_LEN and text[-1] not in "。;!?:,"


def _is_wrapped(seg: Segment) -> bool:
    """A long line that stops mid-sentence was wrapped by the layout (text copied out of a PDF).

    Only the segment's end is read (a tail that holds its last 20 characters of text, or all of it), so
    the test costs the same after the thousandth joined line as after the first.
    """
    n = 64
    while True:
        tail = seg.tail(n)
        text = tail.rstrip()
        if len(tail) < n or len(text) >= 20:
            return len(text) >= 20 and halfwidth(text[-1]) not in _TERMINAL
        n *= 4


def find_lead_rule_line(lines: list[Line]) -> tuple[int, str] | None:
    """Index of the first line stating a lead rule ("列第一位的为牵头单位", "第一个逗号前为牵头单位"), and
    the rule's kind, if any."""
    for i, line in enumerate(lines):
        kind = lead_rule_kind(line.norm)
        if kind is not None:
            return i, kind
    return None


__all__ = ["Draft", "Ref", "Segment", "Target", "TreeBuilder", "find_lead_rule_line"]
