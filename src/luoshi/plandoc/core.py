"""`parse`: document in, Plan out. The stages, in order:

1. read      bytes or a file -> text (read.py; skipped when given a str)
2. lines     split into lines and table rows, drop scraping noise (lines.py)
3. tree      classify heading labels, validate numbering, build the tree (tree.py, tables.py)
4. metadata  title, 文号, issuer, date, addressees from the preamble (meta.py)
5. fields    units, targets, deadlines and references of every node (units.py, targets.py, dates.py, refs.py)
6. groups    near-duplicate items (similar.py)
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from luoshi.plandoc.messages import message

from .dates import DEADLINE_FIRST_CHARS, find_deadline, find_labelled_deadline, parse_deadline
from .limits import check_text
from .lines import Line, noise_kind, split_lines
from .meta import extract_metadata
from .model import Deadline, Node, Plan, Ref, Span, Target, Unit, UnitRef
from .normalize import halfwidth
from .read import DEFAULT_MAX_BYTES, SourceText, read_bytes, read_path
from .refs import REF_CHARS, find_refs
from .similar import Item, group_duplicates
from .tables import loose_unit_lines, rebuild_tables
from .targets import MAY_HOLD_MEASURE_RE, find_targets
from .tree import SECOND_DOCUMENT, Draft, Segment, TreeBuilder, find_lead_rule_line
from .units import UnitDirectory, is_collective_name

Source = str | bytes | os.PathLike[str]


def parse(source: Source, *, units: UnitDirectory | str | os.PathLike[str] | None = None,
          max_bytes: int = DEFAULT_MAX_BYTES, filename: str | None = None) -> Plan:
    """Parse a work-plan document.

    `source` is a path (os.PathLike, or a one-line str naming an existing file), the file's bytes, or
    the document's text. `units` is a unit directory (or the path of a CSV/YAML one); Dalian's by default.
    """
    return parse_source(load(source, max_bytes=max_bytes, filename=filename), units=units)


def load(source: Source, *, max_bytes: int = DEFAULT_MAX_BYTES, filename: str | None = None) -> SourceText:
    if isinstance(source, bytes | bytearray):
        return read_bytes(bytes(source), filename=filename, max_bytes=max_bytes)
    if isinstance(source, os.PathLike):
        return read_path(source, max_bytes=max_bytes)
    if "\n" not in source and len(source) < 1024 and _is_file(source):
        return read_path(source, max_bytes=max_bytes)
    return SourceText(text=source, format="text", encoding=None, warnings=[])


def _is_file(text: str) -> bool:
    """Whether a one-line str names an existing file; a line of document text is no valid path."""
    try:
        return Path(text).is_file()
    except (OSError, ValueError):  # ENAMETOOLONG for a long line of text, NUL bytes, ...
        return False


def parse_source(src: SourceText, *, units: UnitDirectory | str | os.PathLike[str] | None = None) -> Plan:
    directory = units if isinstance(units, UnitDirectory) else (
        UnitDirectory.load(units) if units is not None else None)
    text = src.text
    check_text(len(text))  # every stage below is linear in the text; the budget bounds the whole parse
    warnings = list(src.warnings)
    lines: list[Line] = []
    noise: list[str] = []
    for line in split_lines(text):
        if not line.is_table_row and noise_kind(line.norm):
            noise.append(line.raw)
        else:
            lines.append(line)
    if noise:
        shown = "；".join(n[:30] for n in noise[:5])
        warnings.append(message("page_noise", count=len(noise), shown=shown))

    lines = rebuild_tables(lines)
    lead_rule = find_lead_rule_line(lines)
    builder = TreeBuilder(lead_rule_from=lead_rule[0] if lead_rule else None, warnings=warnings,
                          lead_rule=lead_rule[1] if lead_rule else "first", lines=lines,
                          unit_lines=loose_unit_lines(lines))
    for i, line in enumerate(lines):
        builder.feed(i, line)
    builder.finish()
    # '印发《X》…' / '一、…二、…三、…' (the notice's own paragraphs) / its signature, then X under its title.
    part = next((d for d in builder.drafts if d.style == "annex" and d.label == SECOND_DOCUMENT), None)
    # '现将《2018年省〈政府工作报告〉…方案》印发给你们': quoted inside 《》, the title's own 《》 are written 〈〉.
    quoted = f"《{part.head.raw.strip().translate(_INNER_QUOTES)}》" if part is not None else ""
    notice_part = part is not None and any(quoted in line.raw.translate(_INNER_QUOTES) for line in builder.preamble)
    notice_end: list[Line] = []
    if part is not None and notice_part:
        at = next((k for k, line in enumerate(lines) if line.start == part.head.start), None)
        notice_end = lines[max(0, (at or 0) - _NOTICE_END_LINES):at or 0]
    meta = extract_metadata(builder.preamble, closing=lines[-_CLOSING_LINES:], notice_end=notice_end)
    if part is not None and notice_part and (
            not meta.title or f"《{meta.title.translate(_INNER_QUOTES)}》" == quoted):
        meta.title = part.head.raw.strip()   # the plan's own heading, its 《》 as it writes them
    if directory is None:
        # The built-in directory is Dalian's: a Guangzhou plan's 市人社局 is not 大连市人社局.
        builtin = UnitDirectory.builtin()
        home = " ".join(filter(None, [meta.title, meta.issuer, meta.notice_title, meta.doc_number,
                                      *(line.raw for line in builder.preamble[:_PREAMBLE_LINES])]))
        directory = builtin if builtin.is_home_of(home) else UnitDirectory([])
    if not builder.drafts:
        warnings.append(message("no_structure"))

    plan = Plan(source=text, title=meta.title, doc_number=meta.doc_number, issuer=meta.issuer,
                issued_on=meta.issued_on, addressees=meta.addressees, notice_title=meta.notice_title,
                source_format=src.format, warnings=warnings)
    plan.nodes = _finalise(builder.drafts, default_year=meta.default_year, directory=directory)
    plan.units = _plan_units(plan.nodes, directory, warnings)
    plan.duplicates = group_duplicates([
        Item(n.id, n.text, frozenset(u.name for u in n.units)) for n in plan.nodes if n.is_leaf])
    return plan


# The signature (issuer, date) of a plan issued without a cover notice stands in its last lines.
_NOTICE_END_LINES = 4   # a signature's organisation (one or two lines) and date, above the plan's title
_CLOSING_LINES = 6
# How much of the preamble names the issuing place (the notice's title, 文号 and issuer come first).
_PREAMBLE_LINES = 12


def _finalise(drafts: list[Draft], *, default_year: int | None, directory: UnitDirectory) -> list[Node]:
    nodes: list[Node] = []
    by_draft: dict[int, Node] = {}
    for number, d in enumerate(drafts, 1):
        parent = by_draft.get(id(d.parent)) if d.parent is not None else None
        head = d.head
        body = d.body
        if body:
            segments = [seg for seg in (head, *body) if _may_hold_fields(seg)]
            targets = [t for seg in segments for t in _targets(seg, default_year)]
            refs = [r for seg in segments for r in _refs(seg)]
            body_text = "\n".join(seg.raw.strip() for seg in body)
            body_span: Span | None = (_text_span(body[0])[0], _text_span(body[-1])[1])
        else:   # most nodes are one segment: its lists as found
            segments = [head] if _may_hold_fields(head) else []
            targets = _targets(head, default_year) if segments else []
            refs = _refs(head) if segments else []
            body_text, body_span = "", None
        units = _canonical_units(d.units, directory)
        if parent is not None and not units:
            units = [UnitRef(u.name, u.role, True, u.span, u.covers) for u in parent.units]
        # Every field at once: no default lists made only to be replaced.
        node = Node(id=f"n{number}", parent=parent.id if parent else None, level=d.level, label=d.label,
                    path=[*parent.path, d.label] if parent else [d.label], text=head.raw.strip(),
                    span=_text_span(head), style=d.style, body=body_text, body_span=body_span, units=units,
                    targets=targets, deadline=_deadline(d, segments, default_year), refs=refs,
                    category=d.category, children=[])
        if parent is not None:
            parent.children.append(node.id)
        nodes.append(node)
        by_draft[id(d)] = node
    return nodes


# Every deadline and reference holds one of these characters, every target a number before what can follow
# one (each module keeps its part).
_FIELD_CHAR_RE = re.compile(f"[{DEADLINE_FIRST_CHARS}{REF_CHARS}]")


_INNER_QUOTES = str.maketrans("〈〉", "《》")


def _may_hold_fields(seg: Segment) -> bool:
    """Whether a target, deadline or reference can be found in the segment: a scan for the characters the
    extractors need, instead of four calls that each look for theirs (over half of the Dalian plan's
    paragraphs hold none: no measure, date word, 《 or 号)."""
    norm = halfwidth(seg.raw)
    return _FIELD_CHAR_RE.search(norm) is not None or MAY_HOLD_MEASURE_RE.search(norm) is not None


def _text_span(seg: Segment) -> tuple[int, int]:
    """Span of the segment's text without surrounding whitespace."""
    raw = seg.raw
    span = seg.span((len(raw) - len(raw.lstrip()), len(raw.rstrip())))
    return span if span is not None else (seg.start, seg.start)


def _targets(seg: Segment, default_year: int | None) -> list[Target]:
    found = find_targets(seg.raw, default_year=default_year)
    for t in found:
        t.span = seg.span(t.span)
    return found


def _refs(seg: Segment) -> list[Ref]:
    found = find_refs(seg.raw)
    for r in found:
        r.span = seg.span(r.span)
    return found


def _deadline(d: Draft, segments: list[Segment], default_year: int | None) -> Deadline | None:
    if d.deadline_cell is not None:
        deadline = parse_deadline(d.deadline_cell.raw, default_year=default_year)
        deadline.span = d.deadline_cell.span(deadline.span) if deadline.span else (
            d.deadline_cell.start, d.deadline_cell.start + len(d.deadline_cell.raw))
        return deadline
    for seg in segments:  # a labelled "完成时限：…" wins over a phrase such as 年内 in the task sentence
        labelled = find_labelled_deadline(seg.raw, default_year=default_year)
        if labelled is not None:
            labelled.span = seg.span(labelled.span)
            return labelled
    for seg in segments:
        found = find_deadline(seg.raw, default_year=default_year, labelled=False)  # none, from the loop above
        if found is None:
            continue
        if found.date and default_year and int(found.date[:4]) < default_year:
            continue  # "2000年以前建成的" describes the past, it is no deadline of this plan
        found.span = seg.span(found.span)
        return found
    return None


_BREAK_IN_NAME = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def _canonical_units(refs: list[UnitRef], directory: UnitDirectory) -> list[UnitRef]:
    out: list[UnitRef] = []
    seen: set[tuple[str, Span | None]] = set()
    for ref in refs:
        entry = directory.resolve(ref.name)
        name = entry.name if entry else _BREAK_IN_NAME.sub("", ref.name)   # '市生态' / '环境局' wrapped in a cell
        if (name, ref.covers) in seen:
            continue
        seen.add((name, ref.covers))
        out.append(UnitRef(name, ref.role, ref.inherited, ref.span, ref.covers))
    return out


def _plan_units(nodes: list[Node], directory: UnitDirectory, warnings: list[str]) -> list[Unit]:
    units: dict[str, Unit] = {}
    for node in nodes:
        for ref in node.units:
            if ref.name in units:
                continue
            entry = directory.resolve(ref.name)
            if entry is not None:
                units[ref.name] = Unit(entry.name, entry.full_name, entry.kind, entry.is_group, True,
                                       list(directory.members(entry)) if entry.is_group else [])
            else:
                units[ref.name] = Unit(ref.name, None, None, is_collective_name(ref.name), False)
    unknown = [u.name for u in units.values() if not u.known]
    if unknown and directory:
        warnings.append(message("units_not_in_directory", units="、".join(unknown)))
    return list(units.values())


__all__ = ["Line", "parse", "parse_source"]
