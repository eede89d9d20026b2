"""Task tables (任务分解表): find the header row and name each column's role."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from .lines import Cell, Line, match_label
from .normalize import halfwidth
from .units import (
    is_field_name,
    is_lone_unit_label,
    looks_like_unit,
    names_only_units,
    names_units_by_verbs,
    read_unit_cell,
)

# Ordered: the first role whose pattern matches a header cell wins, so 牵头单位 is "lead" before
# the generic 单位 could match anything else.
COLUMN_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("seq", re.compile(r"^(序号|编号|序|No\.?)$", re.I)),
    # 责任领导 / 牵头领导 / 分管领导: the leaders answering for a row are people, not units.
    ("leader", re.compile(r"领导$|秘书长$|^(责任|牵头|分管|包保|联系)(市|县|区)?(领导|副?秘书长|副[省市县区]长)")),
    ("lead", re.compile(r"牵头(单位|部门)?|主办单位|主责(单位|部门)")),
    ("guide", re.compile(r"指导(单位|部门|处室)")),   # read as support, like "X指导" in a marker
    ("support", re.compile(r"(配合|参与|协办|协同|协助|协作)(单位|部门)?|支撑(单位|部门)")),
    ("responsible", re.compile(r"(责任|负责|承办|实施|行使|落实|执行|考核|推进|公开)\S{0,3}"
                               r"(单位|部门|主体|处室|科室|股室|机构|街镇|乡镇|镇街)"
                               r"|^责任人?$|^责任清单$"   # 任务清单 | 责任清单 | 时限清单: the three lists of a task
                               # a column headed by the kind of body each row names: 街镇 | 吴淞街道
                               r"|^(?:街镇|乡镇|街道|镇街|区县|县区|县市区|各区|单位|部门|单位名称|部门名称)$")),
    ("deadline", re.compile(r"(完成|办结)?(时限|期限|时间节点|完成时间|时间安排|进度安排|截止时间|时间进度"
                            r"|进度要求|时间计划)|^时间$")),
    ("target", re.compile(r"(预期|量化|工作)?(目标|指标)|完成标准|预期成效|成果形式")),
    ("category", re.compile(r"^(领域|类别|任务类别|任务类型|类型|板块|方面|分类|重点领域|工作领域|项目类别|专项)$")),
    ("measures", re.compile(r"(具体|工作|主要)?(措施|举措)$")),
    # 完成进展, 10月完成情况, 推进情况: a ledger's column of what was done so far, no text of the task
    # 一季度 … 四季度, 上半年: the milestones of each period under 完成时限, no text of the task either
    ("progress", re.compile(r"(?:进展|进展情况|完成情况|推进情况|落实情况|办理情况)$"
                            r"|^第?[一二三四1-4]季度$|^[上下]半年$")),
    # 主要职责, 事权清单: a duty table's column of each body's duties
    ("task", re.compile(r"任务|工作内容|主要内容|事项|内容|名称|项目|要点|^重点工作$|职责$|^(?:事权|职责)清单$"
                        r"|^(?:重点工作|工作|具体|目标)(?:和|及|与)?(?:标准|要求)$")),
    ("notes", re.compile(r"^备注$")),
)


_BARE_BODY_HEADERS = frozenset({"单位", "部门"})
_HEADER_NOTE_END = re.compile(r"(?<=.)\([^()]*\)$")
_UNIT_COLUMN_ROLES = ("lead", "support", "responsible")
# A second column of bodies in one of these roles ('责任单位' then '实施部门') has a layout key of its own.
SECOND_UNIT_COLUMN = {role: role + "2" for role in _UNIT_COLUMN_ROLES}
_BODY_HEADER_END = re.compile(r"(?:单位|部门|处室|科室|股室|机构|街镇|乡镇|镇街)$")
_ANY_BODY_HEADER = re.compile(r"[\u4e00-\u9fff]{2,4}(?:单位|部门)")


@dataclass(slots=True)
class TableLayout:
    """Which column holds what; -1 when the table has no such column."""

    columns: dict[str, int]

    def col(self, role: str) -> int:
        return self.columns.get(role, -1)

    def role_at(self, index: int) -> str | None:
        """The role of the column at `index` (the last named, when two roles share it), or None."""
        return next((role for role, i in reversed(self.columns.items()) if i == index), None)


def header_layout(cells: list[str]) -> TableLayout | None:
    """The layout if these cells read as a task table's header row, else None."""
    columns: dict[str, int] = {}
    weak_responsible = False   # a bare 单位 column: units, or the unit of measure beside 年度目标
    for i, cell in enumerate(cells):
        # '责任部门(加*号为牵头部门,其余为参与部门)': the column's name before its note
        name = _HEADER_NOTE_END.sub("", re.sub(r"\s+", "", halfwidth(cell)))
        if not name or len(name) > 12:
            continue
        for role, pattern in COLUMN_ROLES:
            if role == "target" and name.endswith(("任务", "名称")):
                continue   # 重点工作目标任务, 目标名称: the tasks themselves
            if pattern.search(name):
                if role == "task" and "task" in columns:
                    role = "content"   # 任务名称 then 任务内容: the second holds each row's own text
                if role == "responsible" and weak_responsible and name not in _BARE_BODY_HEADERS:
                    columns["responsible"] = i   # 单位 … 责任部门: the named one holds the units
                    weak_responsible = False
                elif role not in columns and role == "responsible":
                    weak_responsible = name in _BARE_BODY_HEADERS
                elif role in _UNIT_COLUMN_ROLES and role in columns and _BODY_HEADER_END.search(name):
                    columns.setdefault(SECOND_UNIT_COLUMN[role], i)   # 责任单位 … 实施部门: both name units
                columns.setdefault(role, i)
                break
    if not any(r in columns for r in ("lead", "support", "responsible")):
        # 发布单位, 报送单位, 业主单位: a column of bodies under a heading of no known role answers for the row.
        named = next((i for i, cell in enumerate(cells) if i not in columns.values()
                      and _ANY_BODY_HEADER.fullmatch(re.sub(r"\s+", "", halfwidth(cell)))), None)
        if named is not None:
            columns["responsible"] = named
    if "seq" in columns and "task" not in columns and "measures" not in columns and len(cells) >= 3:
        # A numbered table whose text column has no task-like name (街镇, 交通子行业): its rows are still
        # the plan's numbered items, named by the column after 序号 — or by the targets' column when that column
        # names the units answering for them (序号 | 责任单位 | 考核指标; but 序号 | 街镇 | 投放点（个）: the towns).
        after = columns["seq"] + 1
        names_units = after in {columns.get(role) for role in ("lead", "support", "responsible")}
        columns["task"] = columns["target"] if names_units and columns.get("target", -1) > after else after
    has_text = "task" in columns or "measures" in columns
    has_units = any(r in columns for r in ("lead", "support", "responsible"))
    if has_text and (has_units or "seq" in columns or "deadline" in columns):
        if "task" not in columns:
            columns["task"] = columns.pop("measures")
        return TableLayout(columns)
    return None


# -- tables copied out of a web page one cell per line ---------------------------------------------

_MAX_HEADER_CELL = 12
_STACKED_SEQ = re.compile(r"^(?:\d{1,3}|[一二三四五六七八九十]{1,3})[*※]?$")


def rebuild_tables(lines: list[Line]) -> list[Line]:
    """Task tables that lost their cells on the way into text, rebuilt as rows of cells.

    Each reader looks for what most plans lack: the one-cell-per-line and the space-separated reader a header
    opening on 序号 (the latter also a header of column words set apart by spaces), the headerless reader a line
    holding only a row number. One scan of the lines' text says
    which of them can find anything, instead of each walking every line (the same lines come out: a reader
    whose anchor is absent changes nothing)."""
    lines = join_lone_unit_labels(read_pipe_cells(lines))
    text = "\n" + "\n".join([line.norm for line in lines])
    if _SEQ_HEADER_ANYWHERE.search(text) or _WORDS_HEADER_ANYWHERE.search(text) \
            or (_UNIT_HEADER_LINE.search(text) and _BARE_NUMBER_ANYWHERE.search(text)):
        lines = split_spaced_rows(stack_cell_lines(lines))
        text = "\n" + "\n".join([line.norm for line in lines])
    if _UNIT_HEADER_LINE.search(text):
        lines = _join_loose_wrapped_names(lines)
    return headerless_rows(lines) if _BARE_NUMBER_ANYWHERE.search(text) else lines


def _join_loose_wrapped_names(lines: list[Line]) -> list[Line]:
    """Below the header of a table copied one cell per line without 序号 (see loose_unit_lines), a unit's name
    that its cell wrapped ('县国土' / '资源局') is one line: the unit line it makes is read whole."""
    start = next((i for i in range(len(lines)) if _loose_header(lines, i) is not None), None)
    if start is None:
        return lines
    return lines[:start] + _join_where(lines[start:], _wraps_unit_name)


def _wraps_unit_name(previous: Line, line: Line) -> bool:
    """'市生态' / '环境局': a unit's name wrapped in its cell, the first part its level and no name of its own, the
    rest none of a level's either ('省人口计生' / '省妇联': a field's short name, then the next unit)."""
    first, rest = previous.norm.strip(), line.norm.strip()
    return not previous.cells and not line.cells and first[:1] in "省市县区" and len(first) <= _MAX_NAME_PART \
        and len(rest) <= _MAX_NAME_PART and not looks_like_unit(first) and looks_like_unit(first + rest) \
        and not (rest[:1] in "省市县区" and looks_like_unit(rest))


def join_lone_unit_labels(lines: list[Line]) -> list[Line]:
    """'【责任主体】' / '广东省东莞市科学技术局', '责任单位：' / '市发改委、市财政局': a unit label alone on its line (a
    cell of a page's field table, a PDF's column) and the names on the next line are one marker line."""
    out: list[Line] = []
    for line in lines:
        previous = out[-1] if out else None
        if previous is not None and not previous.cells and not line.cells and is_lone_unit_label(previous.norm) \
                and _names_only_units(line.raw) and not _ANY_BODY_HEADER.fullmatch(line.norm.strip()) \
                and not (len(out) > 1 and len(out[-2].norm.strip()) <= _MAX_HEADER_CELL
                         and is_header_word(out[-2].norm.strip())):
            # (not a header copied one cell per line: '年度目标' / '责任部门' / '评分部门')
            # A colon where the label has none, in the line break's place; spaces for the rest of the break, so
            # that offsets in the joined line stay offsets in the source.
            raw = previous.raw.rstrip() + ("" if previous.norm.rstrip().endswith((":", "】", "]")) else "：")
            raw = raw + " " * max(line.start - previous.start - len(raw), 0) + line.raw
            out[-1] = Line(previous.start, line.end, raw, halfwidth(raw))
            continue
        out.append(line)
    return out


# The first header cell both header readers need ('序号', '序 号'), anywhere.
_SEQ_HEADER_ANYWHERE = re.compile(r"序\s*号")
# A unit column's header cell alone on its line ('责任单位'): with bare row numbers, a header without 序号.
_UNIT_HEADER_LINE = re.compile(r"\n[ \t]*[\u4e00-\u9fff]{0,4}(?:单位|部门|科室|股室|处室)[ \t]*\n")
# A unit column's header word after a run of spaces, on a short line: a header of words (see _spaced_header_of_words).
_WORDS_HEADER_ANYWHERE = re.compile(
    r"\n[^\n]{2,30}? {2,}[\u4e00-\u9fff]{0,6}(?:单位|部门|处室|科室|股室)(?: {2,}[^\n]{0,20})?\n")
# A line that `headerless_rows` may take for a row number (its `_NUMBER_LINE`, once stripped), anywhere in
# the text of lines each opened by a line break (a search for the break: faster than ^ tried everywhere).
_BARE_NUMBER_ANYWHERE = re.compile(r"\n\s*[*※★]?\d{1,3}\s*(?:\n|$)")


# -- tables copied one cell per line that lost their header ------------------------------------------

_NUMBER_LINE = re.compile(r"^[*※★]?(\d{1,3})$")
_MAX_HEADERLESS_ROW = 16   # lines of one row: its cells, units or leaders one a line, a group's name
_MIN_HEADERLESS_ROWS = 3
_UNIT_ROWS_SHARE = 0.6
_MADE_UP_HEADER = ("序号", "事项", "责任单位")


def headerless_rows(lines: list[Line]) -> list[Line]:
    """A table copied one cell per line without its header row (an annex's indicator table): rows are bare
    number lines 1, 2, 3 … (a flag '*' allowed), each followed by its cells, one of which names only units.
    Where at least three numbered rows follow each other so and most name units, they are rebuilt as rows of
    three cells (the number, the row's first cell, the cell naming units) under a header made up for them."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        rows = _headerless_run(lines, i)
        if not rows or not _names_units(rows):
            # The lines a failed run spans are passed over whole: each later start would find part of the
            # same run (so the reading stays linear in the lines, however long a numbered list is).
            taken = max(1, sum(len(row) for row in rows or []))
            out.extend(lines[i:i + taken])
            i += taken
            continue
        start = lines[i].start
        out.append(_made_up_header(_MADE_UP_HEADER, start))
        for row in rows:
            after = match_label(row[-1].norm.strip(), row[-1].raw) if len(row) > 3 else None
            heading_after = row[-1] if after is not None and after.style == "cn_dun" else None
            if heading_after is not None:
                row = row[:-1]   # '…' / '持续推进' / '二、强化权力配置公开…': the next group's heading, after the row
            section = match_label(row[1].norm.strip(), row[1].raw) if len(row) > 3 else None
            if section is not None and section.style == "cn_dun":
                # '1' / '一、经济社会发展的主要预期目标' / '农村常住居民…' / '法规科': the group's heading, merged
                # over its rows, stands in the first row after its number.
                out.append(Line(row[1].start, row[1].end, row[1].raw, row[1].norm,
                                cells=[Cell(row[1].raw, row[1].start, row[1].end)]))
                row = [row[0], *row[2:]]
            cells = [Cell(line.raw, line.start, line.end) for line in row[:2]]
            first = next((k for k in range(2, len(row)) if _names_only_units(row[k].raw)), None)
            if first is None:
                cells.append(Cell("", row[-1].end, row[-1].end))
            else:
                last = first   # '产业科' / '市畜牧中心' / '市农技中心': the units one a line
                while last + 1 < len(row) and _names_only_units(row[last + 1].raw):
                    last += 1
                a, b = row[first].start, row[last].end
                cells.append(Cell(_span_text(row[first:last + 1], a, b), a, b))
            raw = "\t".join(c.text for c in cells)
            out.append(Line(row[0].start, row[-1].end, raw, halfwidth(raw), cells=cells))
            if heading_after is not None:
                # A heading of the text around the table (二、 after the 一、 above it), the rows below under it
                # as a table again.
                out.append(heading_after)
                out.append(_made_up_header(_MADE_UP_HEADER, heading_after.end))
        i += sum(len(row) for row in rows)
    return out


def _made_up_header(names: tuple[str, ...], at: int) -> Line:
    """A header row of these names for rows whose page left theirs out, taking no text of the source."""
    header = "\t".join(names)
    return Line(at, at, header, header, cells=[Cell(name, at, at) for name in names])


def _headerless_run(lines: list[Line], i: int) -> list[list[Line]]:
    """The numbered rows (a number line and the lines up to the next number) that start at lines[i]."""
    first = _NUMBER_LINE.match(lines[i].norm.strip()) if not lines[i].cells else None
    if first is None:
        return []
    rows: list[list[Line]] = []
    value = int(first.group(1))
    j = i
    while j < len(lines) and not lines[j].cells:
        m = _NUMBER_LINE.match(lines[j].norm.strip())
        if m is None or int(m.group(1)) != value:
            break
        k = j + 1
        while k < len(lines) and k - j <= _MAX_HEADERLESS_ROW and not lines[k].cells:
            following = _NUMBER_LINE.match(lines[k].norm.strip())
            if following is not None and int(following.group(1)) == value + 1:
                break
            k += 1
        if k - j > _MAX_HEADERLESS_ROW or k - j < 3:
            break
        rows.append(lines[j:k])
        value += 1
        j = k
    return rows


def _names_units(rows: list[list[Line]]) -> bool:
    """Are there enough rows, and do most of them have a cell that only names units?"""
    named = sum(1 for row in rows if any(_names_only_units(line.raw) for line in row[2:]))
    return len(rows) >= _MIN_HEADERLESS_ROWS and named >= _UNIT_ROWS_SHARE * len(rows)


# -- tables copied out of a web page with '|' between cells ------------------------------------------

_PIPES_ONLY = re.compile(r"^\|+$")
_MIN_PIPE_CELLS = 3


def read_pipe_cells(lines: list[Line]) -> list[Line]:
    """A web page's table turned into text with '|' between its cells: a row on one line ('1 | 推动… | 毛晓青 |
    县教体局 |') is a row of cells; a cell on a line of its own closed by ' |' is that cell, ready for the
    one-cell-per-line reader; a line of pipes alone only separated cells."""
    for line in lines:
        if "|" in line.norm:
            break
    else:
        return lines
    lines = _join_broken_pipe_rows(lines)
    out: list[Line] = []
    in_table = False   # a row of three cells or more was read, and no line of text without a pipe since
    width = 0   # the cells of that table's first row
    i = 0
    while i < len(lines):
        stacked = _pipe_stacked_table(lines, i)
        if stacked is None:
            stacked = _pipe_closed_table(lines, i)
        if stacked is None:
            stacked = _pipe_closed_rows(lines, i)
        if stacked is not None:
            rows, i = stacked
            out.extend(rows)
            continue
        line = lines[i]
        i += 1
        norm = line.norm
        if line.cells or "|" not in norm:
            out.append(line)
            in_table = len(line.cells) >= _MIN_PIPE_CELLS
            width = len(line.cells) if in_table else 0
            continue
        if _PIPES_ONLY.match(norm):
            continue
        spans = _pipe_cells(line.raw)
        if in_table and out and 0 < len(out[-1].cells) < width and len(out[-1].cells) + len(spans) - 1 == width \
                and not out[-1].norm.rstrip().endswith("|") and norm.rstrip().endswith("|") and len(spans) > 1:
            # '… | 市规划局 | 市国土资源局' / '市农牧林业局 | 2010年9月20日前 |': a cell that went on on the next line
            previous, b = out[-1], spans[0][1]
            cell = previous.cells[-1]
            joined = Cell(_span_text([previous, line], cell.start, line.start + b), cell.start, line.start + b)
            raw = _span_text([previous, line], previous.start, line.end)
            out[-1] = Line(previous.start, line.end, raw, halfwidth(raw),
                           cells=[*previous.cells[:-1], joined, *_cells_line(line, spans[1:]).cells])
            continue
        if in_table and out and 0 < len(out[-1].cells) < width and len(out[-1].cells) + len(spans) == width \
                and norm.rstrip().endswith("|") and match_label(norm[spans[0][0]:spans[0][1]].strip(), "") is None:
            # '…3.制定出台…作出明确规定。 |' / '产业政策科 | |': the rest of a row a crawler broke after a cell
            out[-1] = _joined_row(out[-1], _cells_line(line, spans))
            continue
        if len(spans) >= _MIN_PIPE_CELLS or (len(spans) == 2 and norm.rstrip().endswith("|") and in_table):
            # '4.加强… | 市场执法股 |' in a table of rows of three: a row that lost a merged cell
            row = _cells_line(line, spans)
            if in_table and all(_LEVEL_COLUMN.fullmatch(halfwidth(c.text).strip()) for c in row.cells):
                # '序号 | 公开类型及事项 | 公开内容 | 责任部门 |' / '一级 | 二级 | 三级 |': the header's second row
                out[-1] = _split_level_cells(out[-1], row)
                continue
            out.append(row)
            if not in_table:
                width = len(row.cells)   # the table's first row: its header
            in_table = True
        elif norm.endswith("|") and (norm.count("|") == 1 or (norm.count("|") == 2 and norm.startswith("|"))):
            # 'X |', or '| 1 |' where a crawler opened each row with a pipe: one cell on its line
            out.append(_cell_before_pipe(line, " \t|｜"))
        else:
            out.append(line)
    return out


_MAX_CELL_LINES = 4


def _join_broken_pipe_rows(lines: list[Line]) -> list[Line]:
    """'工作任务 | 具体要求' / '| 责任单位 |': a row a crawler broke after a cell, the line left open and the next
    opening on the pipe between them, is one row again."""
    return _join_where(lines, lambda previous, line: not previous.cells and not line.cells
                       and line.norm.startswith("|") and "|" in previous.norm
                       and not previous.norm.rstrip().endswith("|"))


def _pipe_stacked_table(lines: list[Line], i: int) -> tuple[list[Line], int] | None:
    """'序号' / '|' / '项目' / '|' / … : a web table turned into text one cell per line with a line of pipes
    after each cell; a row ends at its header's number of pipes ('||||' closes a merged row's empty cells,
    which stand for cells merged down from the rows above). Returns the rows and the index after them."""
    if lines[i].cells:
        return None
    head = lines[i].norm.strip()
    if not re.fullmatch(r"序\s*号", head) and not (
            # '类别' / '|' / '序号' / …: a category column before the numbers, its cells merged over their rows
            _column_role(head) == "category" and i + 2 < len(lines) and _PIPES_ONLY.match(lines[i + 1].norm)
            and re.fullmatch(r"序\s*号", lines[i + 2].norm.strip())):
        return None
    return _pipe_table(lines, i)


def _pipe_table(lines: list[Line], i: int) -> tuple[list[Line], int] | None:
    """The header row at lines[i] and the rows after it of a table one cell per line with pipes between."""
    cells, j = _pipe_row(lines, i, None)
    names = [c[0].norm.strip() if c else "" for c in cells]
    layout = header_layout(names) if len(names) >= 3 and all(names) else None
    if layout is None or not any(layout.col(r) >= 0 for r in ("lead", "support", "responsible")):
        return None
    width = len(names)
    rows = [_merged_row(cells, width, layout)]
    merged_first = layout.col("category") == 0 and layout.col("seq") == 1
    while j < len(lines) and not lines[j].cells and not _PIPES_ONLY.match(lines[j].norm):
        # '2' / '|' / …: a row opening on its number under a category column left out its merged category cell
        short = merged_first and _STACKED_SEQ.match(lines[j].norm.strip()) is not None
        cells, k = _pipe_row(lines, j, width - 1 if short else width)
        if short:
            cells = [[], *cells]
        if len(cells) != width or any(len(c) > _MAX_CELL_LINES and any(len(x.norm.strip()) > _MAX_HEADER_CELL
                                                                        for x in c) for c in cells):
            break   # (a cell of many short lines is a narrow column's words or a list wrapped after its 、)
        rows.append(_merged_row(cells, width, layout))
        j = k
    return rows, j


def _pipe_closed_table(lines: list[Line], i: int) -> tuple[list[Line], int] | None:
    """'工 作 任 务 |' / '牵头单位 |' / '责 任 单 位 |' / '一、… | ||' / '1.… |' / …: a web table turned into
    text one cell per line, each cell closed by a pipe on its own line, a row's empty cells as pipes after its
    text. Read as the table with a line of pipes after each cell (`_pipe_table`), its header a run of header
    words; the rows run to the last line closed by a pipe. Returns the rows and the index after them. (With a
    序号 column, '序号 |' / …, the cells are left to the one-cell-per-line reader, which finds rows by their
    numbers.)"""
    first = lines[i]
    head = first.norm.rstrip()
    if first.cells or not head.endswith("|") or head.count("|") != 1 or not is_header_word(head[:-1]) \
            or re.fullmatch(r"序\s*号", head[:-1].strip()) or (i > 0 and lines[i - 1].norm.rstrip().endswith("|")):
        return None
    end = i
    while end < len(lines) and not lines[end].cells and lines[end].norm.rstrip().endswith("|"):
        end += 1
    pieces = [piece for line in lines[i:end] for piece in _pipe_pieces(line)]
    read = _pipe_table(pieces, 0)
    if read is None or read[1] < len(pieces):
        return None   # not every cell read as a row's: not such a table
    return read[0], end


def _pipe_closed_rows(lines: list[Line], i: int) -> tuple[list[Line], int] | None:
    """'一、…提升办理规范化程度 |' / '2.规范使用… |' / '办公室 |' / '长期 |' / …: a table turned into text one cell per
    line, each closed by a pipe, whose header the page left out. Rows open at a numbered item's cell; the first
    cell after it that names units (a list, or '法规科牵头,相关科(室)配合。') is the row's unit cell, and the
    rows stand under a header made up for them; headings between them ('一、…') stay lines of their own.
    Read where at least three rows follow each other so and most name units. Returns the lines and the index
    after the run of cells."""
    if i > 0 and _closed_cell(lines[i - 1]) is not None:
        return None   # inside a run of cells: only its first line starts one
    cells: list[Line] = []
    end = i
    while end < len(lines) and (cell := _closed_cell(lines[end])) is not None:
        cells.append(cell)
        end += 1
    if len(cells) < _MIN_HEADERLESS_ROWS * 2 or is_header_word(cells[0].norm.strip()):
        return None
    out: list[Line] = []
    rows = 0
    named = 0
    k = 0
    while k < len(cells):
        label = match_label(cells[k].norm.strip(), cells[k].raw)
        if label is None or label.style == "cn_dun":
            out.append(cells[k])   # a heading over the rows below, or a cell of no row
            k += 1
            continue
        row = [cells[k]]
        k += 1
        while k < len(cells) and match_label(cells[k].norm.strip(), cells[k].raw) is None:
            row.append(cells[k])
            k += 1
        unit = next((c for c in row[1:] if _names_units_cell(c.raw)), None)
        rows += 1
        named += unit is not None
        kept = [row[0], unit or Line(row[0].end, row[0].end, "", ""), *(c for c in row[1:] if c is not unit)]
        raw = "\t".join(c.raw for c in kept)
        out.append(Line(row[0].start, row[-1].end, raw, halfwidth(raw),
                        cells=[Cell(c.raw, c.start, c.end) for c in kept]))
    if rows < _MIN_HEADERLESS_ROWS or named < _UNIT_ROWS_SHARE * rows:
        return None
    return [_made_up_header(_MADE_UP_ROW_HEADER, lines[i].start), *out], end


_MADE_UP_ROW_HEADER = ("事项", "责任单位")


def _closed_cell(line: Line) -> Line | None:
    """'办公室 |': the cell a line closed by its only pipe holds, else None."""
    norm = line.norm.rstrip()
    if line.cells or not norm.endswith("|") or norm.count("|") != 1:
        return None
    cell = _cell_before_pipe(line, " \t")
    return cell if cell.raw else None


def _cell_before_pipe(line: Line, opening: str) -> Line:
    """The text of a line closed by a pipe, without it, the spaces around it, nor the `opening` characters."""
    raw = line.raw.rstrip()[:-1].rstrip()
    lead = len(raw) - len(raw.lstrip(opening))
    return Line(line.start + lead, line.start + len(raw), raw[lead:], line.norm[lead:len(raw)])


def _names_units_cell(raw: str) -> bool:
    """A cell that names units: a list of names, or names each followed by its role's verb."""
    if _names_only_units(raw):
        return True
    units = read_unit_cell(raw, "responsible")
    return bool(units) and len(raw) <= _MAX_UNIT_LINE and "。" not in raw.rstrip("。")


def _pipe_pieces(line: Line) -> list[Line]:
    """'一、推进… | ||' as its text and its pipes, each a line: '一、推进…', '|', '||'."""
    return [Line(line.start + m.start(), line.start + m.end(), line.raw[m.start():m.end()], m.group())
            for m in _PIPE_PIECE.finditer(line.norm)]


_PIPE_PIECE = re.compile(r"\|+|[^|\s](?:[^|]*[^|\s])?")


def _pipe_row(lines: list[Line], i: int, width: int | None) -> tuple[list[list[Line]], int]:
    """The cells (each its lines) from lines[i] up to the `width`-th pipe (or, for a header, the first line
    that is no header word), and the index after them."""
    cells: list[list[Line]] = []
    current: list[Line] = []
    while i < len(lines) and (width is None or len(cells) < width):
        line = lines[i]
        if line.cells:
            break
        if _PIPES_ONLY.match(line.norm):
            for _ in line.norm:
                cells.append(current)
                current = []
                if width is not None and len(cells) == width:
                    break
        elif width is None and cells and not current and (len(line.norm) > 12 or not is_header_word(line.norm)):
            break   # the header is over
        else:
            current.append(line)
        i += 1
    if current and (width is None or i == len(lines)):
        cells.append(current)   # a header's last cell, or the last row of a page cut short
    if width is not None and i == len(lines) and len(cells) < width:
        cells += [[] for _ in range(width - len(cells))]
    return cells, i


def _merged_row(cells: list[list[Line]], width: int, layout: TableLayout) -> Line:
    """A row of `width` cells. When its last cell is empty, the cells merged down from the rows above may have
    been left out and the row padded at the end: each filled cell then goes to the column it fits (`align_row`:
    '2 | 统筹… | 教育部… | |' keeps its number, its text, its units; '2.制定… | 市生态环境局 | 2月10日前 | |' under
    主要任务 | 重点工作和要求 | 责任单位 | 完成时限 | 完成进展 has its text in the second column)."""
    columns: list[list[Line]] = list(cells)
    if not cells[-1]:
        real = list(cells)
        while real and not real[-1]:
            real.pop()
        columns = [[] for _ in range(width)]
        kinds = [cell_kind(_span_text(cell, cell[0].start, cell[-1].end).strip()) if cell else "empty"
                 for cell in real]
        for cell, column in zip(real, _column_places(kinds, _column_kinds(layout, width)), strict=True):
            columns[column] = cell
    start = next((c[0].start for c in columns if c), 0)
    out: list[Cell] = []
    for cell in columns:
        if not cell:
            out.append(Cell("", start, start))
            continue
        out.append(Cell(_span_text(cell, cell[0].start, cell[-1].end), cell[0].start, cell[-1].end))
        start = cell[-1].end
    raw = "\t".join(c.text for c in out)
    first = next(c.start for c in out if c.text) if any(c.text for c in out) else start
    return Line(first, max(c.end for c in out), raw, halfwidth(raw), cells=out)


def _pipe_cells(raw: str) -> list[tuple[int, int]]:
    """The bounds of the text between '|'s, the empty last one after a closing '|' left out."""
    spans: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate([*raw, "|"]):
        if ch in "|｜":
            a, b = start, i
            while a < b and raw[a].isspace():
                a += 1
            while b > a and raw[b - 1].isspace():
                b -= 1
            spans.append((a, b))
            start = i + 1
    if spans and spans[-1][0] == spans[-1][1]:
        spans.pop()
    return spans


def stack_cell_lines(lines: list[Line]) -> list[Line]:
    """A table pasted from a web page arrives one cell per line: '序号' / '重点工作任务' / '责任单位', then
    '1' / '加强粮食…' / '市农业农村局、…' for each row. Where such a header run is found (its first
    cell is 序号 and it names a unit column), the lines below it are joined back into rows: a row starts
    at a line holding only a row number; a line that only names a group ("（一）王宏副市长牵头重点工作")
    is a section row of its own. The table ends at a heading of the body (二、…) or a repeated header."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        header_lines = _stacked_header(lines, i)
        seq_made_up = 0
        if not header_lines:
            header_lines, seq_made_up = _header_over_numbered_rows(lines, i)
        if not header_lines:
            out.append(lines[i])
            i += 1
            continue
        header = _split_level_columns(_join_header_notes(lines[i:i + header_lines]))
        if seq_made_up:
            # The rows' numbers open their cells: a column whose header cell the page left out, before the
            # header's cells or in place of the first, whose cells (the headings) stand above the rows.
            at = lines[i].start
            header[:seq_made_up - 1] = [Line(at, at, "序号", "序号")]
        # '任务类型' / '序号' / …: a category column before the numbers, its cell merged over the rows of a group
        # (so written once, before the group's first number).
        category_first = bool(out) and out[-1] is lines[i - 1] and _column_role(lines[i - 1].norm.strip()) == "category"
        if category_first:
            header.insert(0, out.pop())
        close = partial(_category_row if category_first else _row, unit_tail=_unit_tail(header))
        # '序号' / '类别' / …: each group's heading stands in the category cell of its first row, after the number.
        category_after_seq = len(header) > 1 and _column_role(header[1].norm.strip()) == "category"
        headed_groups = False   # a heading was read in that category cell: the other rows leave it out
        out.append(_row(header))
        width = len(header)
        i += header_lines
        row: list[Line] = []
        last_number: int | None = None
        sub_item = False   # the last line read was a sub-item of a row's task cell, standing alone
        while i < len(lines) and not lines[i].cells and _stacked_header(lines, i) == 0:
            norm = lines[i].norm.strip()
            label = match_label(norm, lines[i].raw)
            if sub_item and not row and label is None and (_names_only_units(lines[i].raw)
                                                           or PERSON_NAMES.fullmatch(norm)):
                # '(2)一般公共预算收入…' / '区财政局': a sub-item's own cells, read as such below
                # (`_sub_item_unit_lines`); the table goes on.
                out.append(lines[i])
                i += 1
                continue
            following = lines[i + 1].norm.strip() if i + 1 < len(lines) and not lines[i + 1].cells else ""
            # '1' / '1. 强化…' / '2. 紧扣…' / …: the row's content cell lists its own items, a line each; or a later
            # cell does ('1' / '组织实施…' / '1.推进…' / '2.临沪…' / '嘉善县政府、…': a progress cell's entries).
            items_end = _numbered_items_end(lines, i) if row and len(row) < width - 1 else i
            if items_end > i + 1:
                raw = _span_text(lines[i:items_end], lines[i].start, lines[items_end - 1].end)
                row.append(Line(lines[i].start, lines[items_end - 1].end, raw, halfwidth(raw)))
                i = items_end
                continue
            if category_first and _has_task(row) and label is None and not _STACKED_SEQ.match(norm) \
                    and len(norm) <= _MAX_SECTION_ROW and not _names_only_units(lines[i].raw) \
                    and not continues_unit_list(row[-1].norm.strip(), norm):
                after = lines[i + 2].norm.strip() if i + 2 < len(lines) and not lines[i + 2].cells else ""
                if _STACKED_SEQ.match(following):   # '“美丽家园”建设' / '8': the next row's category
                    out.extend(_with_sub_rows(close, row, width))
                    row = [lines[i], lines[i + 1]]
                    if following.rstrip("*※").isdigit():
                        last_number = int(following.rstrip("*※"))
                    i += 2
                    continue
                if _STACKED_SEQ.match(after):   # '行动二：…' / '旧区改造' / '4': a section row, then a category
                    out.extend(_with_sub_rows(close, row, width))
                    out.append(_row([lines[i]]))
                    row = []
                    i += 1
                    continue
            if category_after_seq and label is not None and len(row) == 1 and _STACKED_SEQ.match(row[0].norm.strip()):
                row.append(lines[i])   # '1' / '一、就业促进(3项)' / '促进重点群体稳定就业' / …
                headed_groups = True
                i += 1
                continue
            if not row and norm in _TOTALS_WORDS and _STACKED_SEQ.match(following):
                # '总分' / '100': a totals row, its 序号 cell empty (a row of no task of its own), not a section.
                empty = Line(lines[i].start, lines[i].start, "", "")
                out.append(_row([empty, lines[i], lines[i + 1]]))
                i += 2
                continue
            if (label is not None and label.style == "cn_dun") or (
                    label is None and not row and not _STACKED_SEQ.match(norm)):
                if not _rows_follow(lines, i + 1) or len(norm) > _MAX_SECTION_ROW:
                    if label is not None or not row:
                        break   # 二、… or text that is no row: the body goes on
                else:
                    # '一、做大做强主导产业' or '经济社会发展主要预期目标分解（15项）', then row '1': a section row.
                    if row:
                        out.extend(_with_sub_rows(close, row, width))
                        row = []
                    out.append(_row([lines[i]]))
                    i += 1
                    continue
            number = _STACKED_SEQ.match(norm) is not None and (
                not row or last_number is None or norm.rstrip("*※") == str(last_number + 1)
                # once rows are numbered, after a full row a number out of turn is a cell ('4' 个, '613' 人次),
                # unless the numbering starts again (a table of an annex whose header went into the row above)
                or (len(row) >= width and (not norm.rstrip("*※").isdigit() or norm.rstrip("*※") == "1")))
            if number and norm.rstrip("*※").isdigit():
                last_number = int(norm.rstrip("*※"))
            if number or (label is not None and not row and len(norm) <= 40) \
                    or (label is not None and len(row) >= width):
                if row:
                    out.extend(_with_sub_rows(close, row, width))
                row = [lines[i]]
                sub_item = not number and label is not None and label.style != "cn_dun"
                if not number:   # a section row stands alone
                    out.append(_row(row, width))
                    row = []
            elif row:
                if headed_groups and len(row) == 1 and _STACKED_SEQ.match(row[0].norm.strip()):
                    # '3' / '放心家政行动' / …: the category cell merged down from the group's first row
                    row.append(Line(lines[i].start, lines[i].start, "", ""))
                row.append(lines[i])
            else:
                break   # text that is no row: the table is over
            i += 1
        if row:
            out.extend(_with_sub_rows(close, row, width))
    return out


def _with_sub_rows(close: Callable[[list[Line], int], Line], row: list[Line], width: int) -> list[Line]:
    """A row, and the sub-rows a merged 序号 and 工作事项 stand over ('1' / '有序扩大…' / '现阶段…' / '各区政府' / … /
    '根据服务人口…' / '各区政府' / …): each sub-row its own content cell and unit cells, copied one a line after the
    row's; they come out as rows of their own whose first cells are empty (a row going on the task above)."""
    for merged in (2, 1):
        part = width - merged
        extra = len(row) - width
        if part < 3 or extra <= 0 or extra % part:
            continue
        chunks = [row[at:at + part] for at in range(width, len(row), part)]
        if not all(_is_sub_row(chunk) for chunk in [*chunks, row[merged:width]]):
            continue
        out = [close(row[:width], width)]
        for chunk in chunks:
            at = chunk[0].start
            cells = [Cell("", at, at)] * merged + [Cell(line.raw, line.start, line.end) for line in chunk]
            raw = "\t".join(cell.text for cell in cells)
            out.append(Line(at, chunk[-1].end, raw, halfwidth(raw), cells=cells))
        return out
    return [close(row, width)]


def _is_sub_row(lines: list[Line]) -> bool:
    """A content cell of text, then unit cells only (names, or '/' for none)."""
    return not _names_only_units(lines[0].raw) and not _PLACEHOLDER.match(lines[0].norm) \
        and all(_PLACEHOLDER.match(line.norm) or _names_only_units(line.raw) for line in lines[1:])


def _header_over_numbered_rows(lines: list[Line], i: int) -> tuple[int, int]:
    """'工作任务' / '具体要求' / '责任单位' / '时限要求', then '一、…' / '(一)…' / '1' / …: a header copied one cell per
    line without a 序号 cell over rows that open on their numbers. Returns the number of header lines and how
    the number column stands: 1 before the header's cells (the first row has one line more than the header), 2
    in place of the first (as many lines: that column holds the headings merged down over the rows, which stand
    before them); (0, 0) when no such header opens at lines[i]."""
    first = lines[i].norm.strip()
    if lines[i].cells or len(first) > _MAX_HEADER_CELL or not is_header_word(first):
        return 0, 0   # most lines: no header cell
    previous = lines[i - 1].norm.strip() if i > 0 and not lines[i - 1].cells else ""
    if len(previous) <= _MAX_HEADER_CELL and is_header_word(previous):
        return 0, 0   # only the first of a run of header words opens one
    names, j = _header_words(lines, i, _MAX_STACKED_HEADER)
    layout = header_layout(names) if len(names) >= 3 else None
    if layout is None or layout.col("seq") >= 0 \
            or not any(layout.col(r) >= 0 for r in ("lead", "support", "responsible")):
        return 0, 0
    for k in range(j, min(len(lines), j + _MAX_EMPTY_SECTIONS + 1)):
        norm = lines[k].norm.strip()
        if lines[k].cells or not norm:
            return 0, 0
        if norm.rstrip("*※") == "1":
            row = k + 1   # the first row's lines: up to row 2, or a heading, or the end
            while row < len(lines) and row - k <= len(names) + 1 and not lines[row].cells \
                    and lines[row].norm.strip().rstrip("*※") != "2" \
                    and match_label(lines[row].norm.strip(), lines[row].raw) is None:
                row += 1
            width = row - k
            return (len(names), 1 if width == len(names) + 1 else 2) if width in (len(names), len(names) + 1) \
                else (0, 0)
        if match_label(norm, lines[k].raw) is None or len(norm) > _MAX_SECTION_ROW:
            return 0, 0
    return 0, 0


def _rows_follow(lines: list[Line], i: int) -> bool:
    """Does a row number follow at lines[i], after any sections of a bureau's extract that kept none of
    their rows ('二、…' / '三、…' / … / '六、…' / '68') or the headings of a group ('一、…' / '(一)…' / '1')? Looked
    for within a bound, so that the reading stays linear however many headings follow each other."""
    for line in lines[i:i + _MAX_EMPTY_SECTIONS + 1]:
        if line.cells:
            return False
        norm = line.norm.strip()
        if _STACKED_SEQ.match(norm):
            return True
        label = match_label(norm, line.raw)
        if label is None or len(norm) > _MAX_SECTION_ROW:
            return False
    return False


_MAX_EMPTY_SECTIONS = 12


def _numbered_items_end(lines: list[Line], i: int) -> int:
    """After a row's number, the end of a run of lines numbered 1., 2., 3. … (at least two), else i."""
    j, value, style = i, 0, None
    while j < len(lines) and not lines[j].cells:
        label = match_label(lines[j].norm.strip(), lines[j].raw)
        if label is None or label.value != value + 1 or (style is not None and label.style != style) \
                or label.style not in ("ar_dot", "ar_paren", "circled"):
            break
        j, value, style = j + 1, label.value, label.style
    return j if j - i >= 2 else i


def _category_row(row: list[Line], width: int, unit_tail: int = 0) -> Line:
    """A row of a table whose category column comes first: a row under the first of its group has no
    category cell of its own (merged above), so an empty one stands in for it."""
    if row and _STACKED_SEQ.match(row[0].norm.strip()):
        row = [Line(row[0].start, row[0].start, "", ""), *row]
    return _row(row, width, unit_tail)


def _unit_tail(header: list[Line]) -> int:
    """How many columns of units end the header ('… | 牵头单位 | 协同单位': 2)."""
    count = 0
    for cell in reversed(header):
        if _column_role(cell.norm.strip()) not in _UNIT_COLUMN_ROLES:
            break
        count += 1
    return count


def _has_task(row: list[Line]) -> bool:
    """Does the row being read hold a cell after its number (its task)?"""
    number = next((k for k, line in enumerate(row) if _STACKED_SEQ.match(line.norm.strip())), None)
    return number is not None and len(row) > number + 1


def _stacked_header(lines: list[Line], i: int) -> int:
    """The number of header lines if a one-cell-per-line task table header starts at lines[i], else 0."""
    if lines[i].cells or not re.fullmatch(r"序\s*号", lines[i].norm.strip()):
        return 0
    cells: list[str] = []
    ends: list[int] = []   # the header's line count after each cell
    for n, line in enumerate(lines[i:i + _MAX_STACKED_HEADER], start=1):
        cell = line.norm.strip()
        if line.cells or len(re.sub(r"\s+", "", re.sub(r"\([^()]*\)$", "", cell))) > _MAX_HEADER_CELL \
                or (cells and (_STACKED_SEQ.match(cell) or _is_section_label(cell, line.raw) or cell in _TOTALS_WORDS)):
            break   # 重点工作任务（杭州市2项配合工作）: a header cell with a note; '1', '一．…': the first row
        if cells and _wraps_header_cell(cells[-1], cell):
            cells[-1] += cell
            ends[-1] = n
            continue
        cells.append(cell)
        ends.append(n)
    for width in range(len(cells), 2, -1):
        names = [re.sub(r"\s+", "", c) for c in cells[:width]]   # '牵头 单位'
        layout = header_layout(names)
        if layout is None:
            continue
        # Every cell a header word; or, when the first row's number follows, short names of other columns
        # ('建设地点', '年度投资金额（万元）', '1-10月推进情况', '说明').
        end = i + ends[width - 1]
        ends_at_row = end < len(lines) and (_STACKED_SEQ.match(lines[end].norm.strip()) is not None or (
            lines[end].norm.strip() in _TOTALS_WORDS and end + 1 < len(lines)
            and _STACKED_SEQ.match(lines[end + 1].norm.strip()) is not None))
        if not any(layout.col(r) >= 0 for r in ("lead", "support", "responsible")) and not (
                # '序号' / '任务事项' / '工作要求' / '公开载体' / '完成时限' / '1': a table without a unit column under
                # a heading that names its units; its rows are the heading's items
                width >= 4 and layout.col("seq") == 0 and layout.col("task") == 1 and end < len(lines)
                and lines[end].norm.strip() == "1"):
            continue
        if all(is_header_word(n) or (ends_at_row and not _HEADER_PROSE.search(n)) for n in names):
            return ends[width - 1]
    return 0


_HEADER_NOTE = re.compile(r"\([^()]{1,8}\)")
# A totals row right under a header ('总分' / '100'): no header cell, and no section of the table.
_TOTALS_WORDS = frozenset({"总分", "合计", "总计", "小计"})


def _split_level_columns(header: list[Line]) -> list[Line]:
    """'序号' / '公开类别及事项' / '公开内容' / '责任单位' / '一级' / '二级' / '三级': the levels on the header's second
    row split the category column above them, and stand in its place."""
    levels = 0
    while levels < len(header) - 1 and _LEVEL_COLUMN.fullmatch(header[len(header) - 1 - levels].norm.strip()):
        levels += 1
    if levels < 2:
        return header
    top = header[:-levels]
    split = next((k for k, line in enumerate(top) if _CATEGORY_COLUMN.search(line.norm)), None)
    if split is None:
        return header
    return [*top[:split], *header[-levels:], *top[split + 1:]]


def _split_level_cells(header: Line, levels: Line) -> Line:
    """A header row of cells with the levels of its category column (its second row) in that column's place."""
    split = next((k for k, c in enumerate(header.cells) if _CATEGORY_COLUMN.search(halfwidth(c.text))), None)
    if split is None or len(header.cells) > _MAX_HEADER_CELLS:
        return header
    cells = [*header.cells[:split], *levels.cells, *header.cells[split + 1:]]
    raw = "\t".join(c.text for c in cells)
    return Line(header.start, levels.end, raw, halfwidth(raw), cells=cells)


_MAX_HEADER_CELLS = 12
_LEVEL_COLUMN = re.compile(r"[一二三四五]级(?:分类|类别|类目|事项|目录)?")
_CATEGORY_COLUMN = re.compile(r"类别|类目|分类|事项|目录")


def _wraps_header_cell(previous: str, cell: str) -> bool:
    """Is `cell` the rest of the header cell `previous`, wrapped onto a line of its own: its note ('责任股室' /
    '（单位）'), or the end of a cell that opens with a body, which names no column ('区政府' / '分管领导')?"""
    if _HEADER_NOTE.fullmatch(cell):
        return True
    joined = re.sub(r"\s+", "", previous + cell)
    opens_cell = looks_like_unit(previous) or _WRAPPED_HEAD.fullmatch(previous) is not None
    return len(previous) <= _MAX_WRAPPED_HEADER_PART and opens_cell and not is_header_word(previous) \
        and len(joined) <= _MAX_HEADER_CELL and is_header_word(joined)


# '完成' / '时限', '主要' / '任务': the first half of a header cell wrapped over two lines, naming no column itself.
_WRAPPED_HEAD = re.compile(r"完成|办结|主要|具体|工作|重点|责任|牵头|配合")


def _join_header_notes(lines: list[Line]) -> list[Line]:
    """The header's lines, a cell wrapped onto a line of its own joined to the cell before it."""
    return _join_where(lines, lambda previous, line: _wraps_header_cell(previous.norm.strip(), line.norm.strip()))


def _is_section_label(cell: str, raw: str) -> bool:
    """'一．做大做强主导产业', '（一）…': a section row of the outline, as short as a header cell. ('1.分类投放'
    may be the first cell of a category column whose header precedes 序号: it stays among the cells.)"""
    label = match_label(cell, raw)
    return label is not None and label.style in ("cn_dun", "cn_paren")


_MAX_STACKED_HEADER = 12
_MAX_SECTION_ROW = 40
_HEADER_PROSE = re.compile(r"[。,;:!?、]")


def is_header_word(cell: str) -> bool:
    name = re.sub(r"\s+", "", cell)
    name = re.sub(r"\([^()]*\)$", "", name)   # 重点工作任务（杭州市2项配合工作）
    return any(p.search(name) for _, p in COLUMN_ROLES)


def _row(lines: list[Line], width: int = 0, unit_tail: int = 0) -> Line:
    """One table row made of consecutive lines, each a cell at its own place in the source. A row with more
    lines than its header has cells joins the consecutive lines of one cell (_join_cell_lines: leaders, then
    units one a line). A unit's name its cell wrapped ('市人力资源' / '社会保障局') is one cell in any row."""
    if width and len(lines) > width:
        lines = _join_cell_lines(lines, width, unit_tail)
    elif width and len(lines) > 2:
        lines = _join_wrapped_names(lines)
        if unit_tail >= 2 and len(lines) == width:
            # '9' / '家门口青少年宫' / '新建…' / '团区委' / '各乡镇(街道)' / '区教体局': a row that left out its merged
            # category cell yet holds more unit lines than the unit columns: the last column's units, one a line.
            lines = _units_to_columns(lines, unit_tail)
    first, last = lines[0], lines[-1]
    raw = "\t".join(line.raw for line in lines)
    return Line(first.start, last.end, raw, halfwidth(raw),
                cells=[Cell(line.raw, line.start, line.end) for line in lines])


# -- tables copied one cell per line without a 序号 column ---------------------------------------------

_MAX_WRAPPED_HEADER_PART = 4   # '主要' / '任务': a header cell wrapped over two lines


def loose_unit_lines(lines: list[Line]) -> dict[int, str]:
    """A task table copied one cell per line without a 序号 column ('领域' / '主要目标' / '主要责任单位' /
    '责任单位', then each row's cells): rows cannot be told apart, but below such a header a line that only
    names units is a unit cell of the row above it. Returns those lines' indexes with the role of their
    column: the first unit line after a row's text is the first unit column's, the next ones the next's.
    So are the cells of the sub-items below a rebuilt row (see `_sub_item_unit_lines`)."""
    found = _sub_item_unit_lines(lines)
    i = 0
    while i < len(lines):
        header = _loose_header(lines, i)
        if header is None:
            i += 1
            continue
        i, roles = header
        k = 0
        while i < len(lines) and not lines[i].cells and _loose_header(lines, i) is None \
                and not lines[i].norm.startswith("附件"):
            if _names_only_units(lines[i].raw) or (k and _short_field_line(lines[i])) \
                    or names_units_by_verbs(lines[i].raw):
                # '省卫生厅' / '省人口计生' / '省妇联': among the unit lines, a department by its field's short name
                found[i] = roles[min(k, len(roles) - 1)]
                k += 1
            else:
                k = 0
            i += 1
    return found


def _sub_item_unit_lines(lines: list[Line]) -> dict[int, str]:
    """A numbered row whose task cell lists sub-items, each with cells of its own (a web table's merged cells
    lost on the way into text, one cell per line): '1 | 主要预期目标 | (1)地区生产总值… | 王旭锋 | 区发改局 | 经开区',
    then '(2)一般公共预算收入…' / '区财政局', '(4)…' / '区商务局' / '新运集团'. Below a rebuilt row, a line that only
    names units goes on the row's last unit column; after a sub-item's line, the first is its first unit
    column's, the next ones the next's; a leader's name between them is skipped. Any other line ends the table."""
    found: dict[int, str] = {}
    roles: list[str] = []
    k = 0
    for i, line in enumerate(lines):
        if sum(1 for c in line.cells if c.text.strip()) > 1:
            layout = header_layout([c.text for c in line.cells])
            if layout is not None:
                roles = [role for _, role in sorted((layout.col(r), r) for r in ("lead", "support", "responsible")
                                                    if layout.col(r) >= 0)]
            k = len(roles) - 1
            continue
        if not roles:
            continue
        raw = line.raw if not line.cells else next(c.text for c in line.cells if c.text.strip())
        norm = halfwidth(raw).strip()
        if not norm:
            continue
        if match_label(norm, raw) is not None and not norm.startswith("附件"):
            k = 0   # a sub-item of the row's task cell: its own cells follow
        elif _names_only_units(raw):
            found[i] = roles[min(k, len(roles) - 1)]
            k += 1
        elif not PERSON_NAMES.fullmatch(norm):
            roles = []   # the table is over
    return found


def _short_field_line(line: Line) -> bool:
    norm = line.norm.strip()
    return match_label(norm, line.raw) is None and is_field_name(norm[1:] if norm[:1] in "省市县区" else norm)


def _loose_header(lines: list[Line], i: int) -> tuple[int, list[str]] | None:
    """(index after the header, roles of its unit columns in order) when lines[i] opens a header run of at
    least three cells, one of them a unit column; None otherwise (and for 序号 headers, read as rows)."""
    if len(lines[i].norm) > _MAX_HEADER_CELL + 2 or lines[i].cells:
        return None   # most lines: longer than any header cell
    names, j = _header_words(lines, i, _MAX_LOOSE_HEADER, wrapped=True)
    if len(names) < 3 or re.fullmatch(r"序\s*号", names[0]):
        return None
    roles = [_UNIT_ROLES[role] for role in (_column_role(name) for name in names) if role in _UNIT_ROLES]
    return (j, roles) if roles else None


_UNIT_ROLES = {"lead": "lead", "support": "support", "guide": "support", "responsible": "responsible"}
_MAX_LOOSE_HEADER = 10


def _header_words(lines: list[Line], i: int, most: int, *, wrapped: bool = False) -> tuple[list[str], int]:
    """The run of header words one a line from lines[i] ('工作任务' / '责 任 单 位' / …), spaces taken out, at most
    `most` of them, and the index after the run. With `wrapped`, a cell wrapped over two short lines ('主要' /
    '任务') is one word. A cell of a row, a numbered line or any other text ends the run."""
    names: list[str] = []
    j = i
    while j < len(lines) and not lines[j].cells and len(names) < most:
        cell = lines[j].norm.strip()
        if cell and len(cell) <= _MAX_HEADER_CELL and is_header_word(cell) and match_label(cell, cell) is None:
            names.append(re.sub(r"\s+", "", cell))
            j += 1
            continue
        following = lines[j + 1].norm.strip() if wrapped and j + 1 < len(lines) and not lines[j + 1].cells else ""
        if len(cell) <= _MAX_WRAPPED_HEADER_PART and following and is_header_word(cell + following) \
                and len(cell + following) <= _MAX_HEADER_CELL:
            names.append(cell + following)
            j += 2
            continue
        break
    return names, j


def _column_role(name: str) -> str | None:
    return next((role for role, pattern in COLUMN_ROLES if pattern.search(name)), None)


def _names_only_units(raw: str) -> bool:
    """'市税务局等，各县、市、区政府，咸宁高新区管委会' / '省卫生厅': a line that is a list of unit names."""
    norm = halfwidth(raw).strip()
    if not norm or len(norm) > _MAX_UNIT_LINE or "。" in norm or norm.endswith(":"):
        return False
    return names_only_units(raw)


_MAX_UNIT_LINE = 120


# People's names, one or several ('王旭锋', '路 军', '王旭锋、胡金芳'): a leader's cell, never units.
PERSON_NAMES = re.compile(r"[\u4e00-\u9fff]\s?[\u4e00-\u9fff]{1,2}(?:[\s、,，][\u4e00-\u9fff]\s?[\u4e00-\u9fff]{1,2})*")


def _join_cell_lines(lines: list[Line], width: int, unit_tail: int = 0) -> list[Line]:
    """A row with more lines than its header has cells: the leaders of one cell one a line ('王旭锋' / '胡金芳')
    are joined first, then the entries of a list in one cell ('公众参与；' / '专家论证；' / '集体讨论决定。'), then the
    units of one cell one a line, while the row is still too long. Under a header ending in `unit_tail` unit
    columns ('牵头单位 | 协同单位'), the unit lines that end the row fill them in order, one line to each but the
    last, which takes the rest ('区教体局' / '东孝街道' / '孝顺镇' / …: the lead, then the units that work with it)."""
    lines = _join_wrapped_names(lines)
    if len(lines) > width:
        lines = _join_lines_of(lines, _is_person_line)
    if len(lines) > width:
        lines = _join_where(lines, lambda previous, _line: previous.norm.rstrip().endswith(";"), after_first=True)
    if len(lines) > width and unit_tail >= 2:
        filled = _units_to_columns(lines, unit_tail)
        if len(filled) < len(lines):
            return filled
    return _join_lines_of(lines, lambda line: _names_only_units(line.raw)) if len(lines) > width else lines


def _units_to_columns(lines: list[Line], unit_tail: int) -> list[Line]:
    """The unit lines that end a row in its `unit_tail` unit columns: one line to each but the last, which
    takes the rest; the lines as they are when there are no more unit lines than columns."""
    first_unit = len(lines)
    while first_unit > 1 and _names_only_units(lines[first_unit - 1].raw):
        first_unit -= 1
    last_column = first_unit + unit_tail - 1
    if last_column >= len(lines) - 1:
        return lines
    rest = lines[last_column:]
    raw = _span_text(rest, rest[0].start, rest[-1].end)
    return [*lines[:last_column], Line(rest[0].start, rest[-1].end, raw, halfwidth(raw))]


_MAX_NAME_PART = 6


def _join_wrapped_names(lines: list[Line]) -> list[Line]:
    """'市生态' / '环境局': a unit's name wrapped in its cell, the first part its level and no name of its own.
    '区农业农村局、区经商局、区发' / '改局、区交通局': a cell's list of units wrapped, inside a name or after a
    separator ('…、区经商局、' / '区交通局'), the two lines a list of units only when joined."""
    def wraps(previous: Line, line: Line) -> bool:
        return _wraps_unit_name(previous, line) or continues_unit_list(previous.norm.strip(), line.norm.strip())

    return _join_where(lines, wraps)


def continues_unit_list(first: str, rest: str) -> bool:
    """'区农业农村局、区经商局、区发' / '改局、区交通局': is `rest` the rest of a cell's list of units that wrapped,
    inside a name or after a separator ('…、区经商局、' / '区交通局'), the two a list of units only when joined?"""
    return bool(_LIST_SEPARATOR.search(first)) and bool(rest) \
        and (first.endswith(("、", ",")) or not _names_only_units(first)) and _names_only_units(first + rest)


_LIST_SEPARATOR = re.compile(r"[、,]")


def _join_lines_of(lines: list[Line], kind: Callable[[Line], bool]) -> list[Line]:
    """Consecutive lines of one kind after the row's first (its number) joined into one cell."""
    return _join_where(lines, lambda previous, line: kind(previous) and kind(line), after_first=True)


def _join_where(lines: list[Line], joins: Callable[[Line, Line], bool], *, after_first: bool = False
                ) -> list[Line]:
    """The lines with each one that `joins` the line before it (as joined so far) made one line with it, the
    break between them a space (offsets stay the source's). With `after_first`, nothing joins the first line."""
    out: list[Line] = []
    for line in lines:
        previous = out[-1] if out else None
        if previous is not None and (len(out) > 1 or not after_first) and joins(previous, line):
            raw = _span_text([previous, line], previous.start, line.end)
            out[-1] = Line(previous.start, line.end, raw, halfwidth(raw))
        else:
            out.append(line)
    return out


def _is_person_line(line: Line) -> bool:
    norm = line.norm.strip()
    return bool(PERSON_NAMES.fullmatch(norm)) and not looks_like_unit(norm) and not is_header_word(norm)


# -- tables copied out of a PDF, cells set apart by spaces -------------------------------------------

_SPACED_ROW = re.compile(r"^[★☆▲]?\d{1,3}\s+\S")   # ★6: a row flagged (a key task), still row 6
_LABELLED_SPACED_ROW = re.compile(r"^[★☆▲]?\d{1,3}[、.]\s*\S")
_TOKEN = re.compile(r"\S+")


def split_spaced_rows(lines: list[Line]) -> list[Line]:
    """'序号 工 作 任 务 牵头负责部门' / '1 居民消费价格涨幅3%左右 发展改革委': a table whose cells are set apart
    by spaces. Below such a header (序号 first, a unit column last), each line that starts with a row
    number is a row: the number, the task, and one word per column after the task (a unit list has no
    spaces). Below a header of column words without 序号 ('具体任务和工作要求   主要责任部门      完成时限'), each
    line that opens on a label ('1、明确…') is a row, its label run on with its text. A line that does not fit
    ends the table."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        header = _spaced_header(lines[i])
        if header is not None and header[1].col("seq") < 0 \
                and not (i + 1 < len(lines) and _LABELLED_SPACED_ROW.match(lines[i + 1].norm)):
            header = None   # a header of words only counts over the labelled rows it heads
        if header is None:
            out.append(lines[i])
            i += 1
            continue
        cells, layout = header
        out.append(_cells_line(lines[i], cells))
        i += 1
        # Without a 序号 column each row opens on its item's label, run on with its text ('1、明确…').
        row_start = _SPACED_ROW if layout.col("seq") == 0 else _LABELLED_SPACED_ROW
        # The text columns (类别, 主要任务, 细化措施 …) may hold spaces; the columns after them (units, dates)
        # are one word each. A row's middle is its text, put in the task column; the others stay empty.
        text_end = max(layout.col(r) for r in ("task", "content", "measures", "category", "target"))
        trailing = len(cells) - 1 - text_end
        while i < len(lines) and not lines[i].cells and trailing >= 1:
            if row_start is _SPACED_ROW and _STACKED_SEQ.match(lines[i].norm.strip()) and i + 1 < len(lines) \
                    and not _SPACED_ROW.match(lines[i + 1].norm):
                # '5' / '单位生产总值能耗…' / '路 军' / '屈 磊' / '发展改革委' / …: one row copied one cell per line.
                j = i + 1
                while j < len(lines) and j - i <= _MAX_ROW_LINES and not lines[j].cells \
                        and not _SPACED_ROW.match(lines[j].norm) and not _STACKED_SEQ.match(lines[j].norm.strip()):
                    j += 1
                out.append(_row(lines[i:j], len(cells)))
                i = j
                continue
            if not row_start.match(lines[i].norm):
                label = match_label(lines[i].norm, lines[i].raw)
                if label is not None and label.style in ("cn_dun", "cn_paren") \
                        and len(lines[i].norm) <= _MAX_SECTION_ROW:
                    out.append(lines[i])   # '一、2025年经济社会发展的主要预期目标': a section of the table
                    i += 1
                    continue
                break
            # A row's unit cells may wrap onto lines of their own: they belong to it.
            j = i + 1
            while j < len(lines) and not lines[j].cells and not row_start.match(lines[j].norm) \
                    and (_names_only_units(lines[j].raw.rstrip("。;；")) or _ends_spaced_row(lines[j].raw, trailing)):
                j += 1
            row_line = _spaced_row(lines[i:j], text_end, trailing, layout)
            if row_line is None:
                break
            out.append(row_line)
            i = j
    return out


_MAX_ROW_LINES = 12


def _spaced_row(lines: list[Line], text_end: int, trailing: int, layout: TableLayout) -> Line | None:
    """One row of a table set apart by spaces, from its line and the lines its unit cells wrapped onto."""
    tokens = [(lines[0].start + m.start(), lines[0].start + m.end()) for m in _TOKEN.finditer(lines[0].raw)]
    for line in lines[1:]:   # a unit cell's line, or the last one with the cells after the units
        if _names_only_units(line.raw.rstrip("。;；")):
            tokens.append((line.start, line.end))
        else:
            tokens += [(line.start + m.start(), line.start + m.end()) for m in _TOKEN.finditer(line.raw)]
    numbered = layout.col("seq") == 0   # else the row's first word opens on its label, run on with its text
    if not numbered and len(tokens) == trailing and layout.role_at(text_end + trailing) == "deadline" \
            and not _DEADLINE_WORD.search(_span_text(lines, *tokens[-1])):
        tokens.append((tokens[-1][1], tokens[-1][1]))   # '6、完善…规范 治安、交警分头制定并实施': no deadline given
    if len(tokens) < (2 if numbered else 1) + trailing:
        return None
    if len(lines) > 1:
        # More unit cells than unit columns: the first column's cell wrapped ('区财政局' / '区税务局').
        extra = len(tokens) - 2 - trailing
        units_from = len(tokens) - trailing - extra
        units_start = next((k for k in range(2, len(tokens)) if all(
            _names_only_units(_span_text(lines, a, b).rstrip("。;；")) for a, b in tokens[k:])), None)
        if units_start is not None and units_start < units_from:
            units_from = units_start
        head = tokens[:units_from]
        cells = tokens[units_from:]
        while len(cells) > trailing:
            cells[0:2] = [(cells[0][0], cells[1][1])]
        tokens = head + cells
    elif trailing >= 2 and _free_text_last(layout, text_end + trailing):
        tokens = _spaces_in_last_cell(lines[0], tokens, trailing)
    first = tokens[0][0]
    row = [(first, first)] * (text_end + 1)
    if numbered:
        row[0] = tokens[0]
    row[layout.col("task")] = (tokens[1 if numbered else 0][0], tokens[len(tokens) - trailing - 1][1])
    spans = [*row, *tokens[len(tokens) - trailing:]]
    out_cells = [Cell(_span_text(lines, a, b), a, b) for a, b in spans]
    raw = "\t".join(c.text for c in out_cells)
    return Line(lines[0].start, lines[-1].end, raw, halfwidth(raw), cells=out_cells)


def _ends_spaced_row(raw: str, trailing: int) -> bool:
    """'区发改委、区经信局等区政府有关部门,区农投公司。 2023年12月底': the line a row's wrapped unit cells end on, its
    last units and then the cells after them (a deadline last), no more words than the row's trailing cells."""
    words = raw.split()
    return 2 <= len(words) <= trailing and _names_only_units(words[0].rstrip("。;；")) \
        and _DEADLINE_WORD.search(words[-1]) is not None and not _names_only_units(words[-1])


_DEADLINE_WORD = re.compile(r"\d{4}年|\d{1,2}月|年底|年内|季度|长期|持续|全年|底前")


def _free_text_last(layout: TableLayout, last: int) -> bool:
    """Is the table's last column one of free text (一季度完成情况, 备注) after a unit column?"""
    return layout.role_at(last) in (None, "notes", "progress") \
        and layout.role_at(last - 1) in ("lead", "support", "responsible")


def _spaces_in_last_cell(line: Line, tokens: list[tuple[int, int]], trailing: int) -> list[tuple[int, int]]:
    """'县工信局 规模工业增加值增长 11.9%': the progress cell after the units holds a space; the units are the
    last word that only names units, and all after it is the last cell."""
    def names_units(k: int) -> bool:
        return _names_only_units(line.raw[tokens[k][0] - line.start:tokens[k][1] - line.start])

    units_at = len(tokens) - trailing   # where the unit cell is when every cell is one word
    if names_units(units_at):
        return tokens
    k = next((k for k in range(units_at - 1, 1, -1) if names_units(k)), None)
    if k is None:
        return tokens
    last = k + trailing - 1   # the last cell starts after the units and the one-word cells between
    return [*tokens[:last], (tokens[last][0], tokens[-1][1])]


def _span_text(lines: list[Line], start: int, end: int) -> str:
    """The source text from start to end across consecutive lines, each line break a space (same offsets)."""
    if start == end:
        return ""
    parts: list[str] = []
    pos = start
    for line in lines:
        if line.end <= pos or line.start >= end:
            continue
        if line.start > pos:
            parts.append(" " * (line.start - pos))
            pos = line.start
        stop = min(end, line.end)
        parts.append(line.raw[pos - line.start:stop - line.start])
        pos = stop
    return "".join(parts)


def _spaced_header(line: Line) -> tuple[list[tuple[int, int]], TableLayout] | None:
    if line.cells or " " not in line.norm:
        return None
    if not line.norm.startswith("序号"):
        return _spaced_header_of_words(line)
    cells: list[tuple[int, int]] = []
    single = False   # 工 作 任 务: a word spaced out one character at a time
    for m in _TOKEN.finditer(line.raw):
        if len(m.group()) == 1 and single:
            cells[-1] = (cells[-1][0], m.end())
        else:
            cells.append((m.start(), m.end()))
        single = len(m.group()) == 1
    names = [re.sub(r"\s+", "", line.raw[a:b]) for a, b in cells]
    layout = header_layout(names)
    if layout is None or len(names) < 3 or layout.col("seq") != 0 \
            or not any(layout.col(r) >= 0 for r in ("lead", "support", "responsible")):
        return None
    return cells, layout


def _spaced_header_of_words(line: Line) -> tuple[list[tuple[int, int]], TableLayout] | None:
    """'具体任务和工作要求   主要责任部门      完成时限': a header with no 序号, its words set apart by runs of spaces,
    the task's text first and a unit column after it."""
    if len(line.norm) > _MAX_WORDS_HEADER:
        return None
    cells = [(m.start(), m.end()) for m in _HEADER_WORD.finditer(line.raw)]
    names = [line.raw[a:b] for a, b in cells]
    if not 3 <= len(names) <= _MAX_WORDS_HEADER_CELLS or not all(is_header_word(name) for name in names):
        return None
    layout = header_layout(names)
    if layout is None or layout.col("task") != 0 or layout.col("seq") >= 0 \
            or not any(layout.col(r) > 0 for r in ("lead", "support", "responsible")):
        return None
    return cells, layout


_HEADER_WORD = re.compile(r"\S+(?: \S+)*")   # a word may hold single spaces; runs of two or more part them
_MAX_WORDS_HEADER = 60
_MAX_WORDS_HEADER_CELLS = 6


def _joined_row(first: Line, rest: Line) -> Line:
    """Two lines of one row as one: the line break between them spaces, so that offsets stay offsets."""
    raw = _span_text([first, rest], first.start, rest.end)
    return Line(first.start, rest.end, raw, halfwidth(raw), cells=[*first.cells, *rest.cells])


def _cells_line(line: Line, spans: list[tuple[int, int]]) -> Line:
    return Line(line.start, line.end, line.raw, line.norm,
                cells=[Cell(line.raw[a:b], line.start + a, line.start + b) for a, b in spans])


# -- placing the cells of a row that lost some ------------------------------------------------------

# What a column holds, by its role, for placing the cells of a row that lost some (see align_row).
_COLUMN_KIND = {"seq": "number", "lead": "units", "support": "units", "guide": "units", "responsible": "units",
                "leader": "person", "deadline": "date", **{second: "units" for second in SECOND_UNIT_COLUMN.values()}}
# The kind of every unit column but the row's first duty-holder's (its lead's, else its responsible units'): a unit
# cell fits it a little less, so that a row's one unit cell names its lead (see _FIT).
_OTHER_UNITS = "other units"
_FIRST_HOLDERS = ("lead", "responsible")
_DATE_CELL = re.compile(r"年|月|日|季度|全年|长期|持续|常态")
# A 序号 cell: '12', '12*', '二', '一、', '(三)', '（一）'.
_ROW_NUMBER = re.compile(r"^(?:\d{1,3}[*※]?|[一二三四五六七八九十]{1,3}[、.．]?"
                         r"|[(（](?:\d{1,3}|[一二三四五六七八九十]{1,3})[)）])$")
_PLACEHOLDER = re.compile(r"^[-—–―/\\无\s]+$")
# A row's one unit cell under a lead (or responsible) column and another unit column goes to the first: a row may
# name no supporting or other units, never no lead. (Just below 3: it breaks the tie and outweighs no other fit.)
_FIT: dict[tuple[str, str], float] = {
        ("units", "units"): 3, ("units", _OTHER_UNITS): 2.9, ("text", _OTHER_UNITS): -2,
        ("person", "person"): 3, ("number", "number"): 3, ("date", "date"): 3,
        ("text", "text"): 2, ("number", "text"): 1, ("date", "text"): 1, ("person", "text"): 0,
        ("units", "text"): -1, ("text", "date"): -1, ("text", "person"): -2, ("text", "number"): -2,
        ("text", "units"): -2}


def cell_kind(text: str) -> str:
    """What a cell holds: "empty", "number", "units", "person", "date" or "text"."""
    if not text or _PLACEHOLDER.match(text):
        return "empty"   # '—': a cell left blank on purpose
    if _ROW_NUMBER.match(text):
        return "number"
    if names_only_units(text):
        return "units"
    if PERSON_NAMES.fullmatch(text):
        return "person"
    if len(text) <= 20 and _DATE_CELL.search(text):
        return "date"
    return "text"



UNIT_COLUMNS = tuple(role for role, kind in _COLUMN_KIND.items() if kind == "units")


def align_row(cells: list[Cell], layout: TableLayout, width: int) -> list[Cell]:
    """A row with fewer cells than its header: the cells merged with the rows above (rowspan) or across
    (colspan) were left out wherever they stood. Each cell goes, in order, to the column it fits best (units
    to a unit column, a person to the leader's, a date to the deadline's, a number to 序号, text to text)."""
    kinds = _column_kinds(layout, width)
    cell_kinds = [cell_kind(c.text) for c in cells]
    if not any((kind == "units") != (kinds[i] in ("units", _OTHER_UNITS)) or (kind == "text" and kinds[i] == "number")
               for i, kind in enumerate(cell_kinds) if kind in ("units", "text")) \
            and not any(kind == "date" and kinds[i] in ("units", _OTHER_UNITS) for i, kind in enumerate(cell_kinds)):
        # As they stand, units are in unit columns and text is in neither those nor 序号's: trailing cells
        # were dropped.
        return cells
    start = cells[0].start
    placed: list[Cell | None] = [None] * width
    for kept, column in zip(cells, _column_places(cell_kinds, kinds), strict=True):
        placed[column] = kept
    out: list[Cell] = []
    for cell in placed:
        out.append(cell if cell is not None else Cell("", start, start))
        if cell is not None:
            start = cell.end
    return out


def _column_kinds(layout: TableLayout, width: int) -> list[str]:
    kinds = ["text"] * width
    for role, index in layout.columns.items():
        if index < width:
            kinds[index] = _COLUMN_KIND.get(role, "text")
    first = next((layout.col(role) for role in _FIRST_HOLDERS if 0 <= layout.col(role) < width), -1)
    if first >= 0:
        kinds = [_OTHER_UNITS if kind == "units" and k != first else kind for k, kind in enumerate(kinds)]
    return kinds


def _column_places(cell_kinds: list[str], kinds: list[str]) -> list[int]:
    """The column of each cell, in order, that fits the cells best together (the rightmost of equal fits)."""
    n, width = len(cell_kinds), len(kinds)
    worst = -10.0 ** 6
    best = [[worst] * (width + 1) for _ in range(n + 1)]
    best[0] = [0.0] * (width + 1)
    for i in range(1, n + 1):
        for j in range(i, width + 1):
            fit = 0 if cell_kinds[i - 1] == "empty" else _FIT.get((cell_kinds[i - 1], kinds[j - 1]), -3)
            best[i][j] = max(best[i][j - 1], best[i - 1][j - 1] + fit)
    places = [0] * n
    i, j = n, width
    while i > 0:
        fit = 0 if cell_kinds[i - 1] == "empty" else _FIT.get((cell_kinds[i - 1], kinds[j - 1]), -3)
        if best[i - 1][j - 1] + fit == best[i][j]:
            places[i - 1] = j - 1
            i -= 1
        j -= 1
    return places
