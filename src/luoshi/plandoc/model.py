"""Plain dataclasses passed between the parser's stages, and the JSON contract (`Plan.to_dict`).

Spans are half-open character offsets ``[start, end)`` into ``Plan.source``: the decoded text of the
document (for docx/HTML/PDF/xlsx, the text the reader extracted, table cells separated by TAB).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# Readers write the ditto mark into a table cell that a vertically merged cell covers: "same as above".
DITTO = "\u3003"

Role = Literal["lead", "support", "responsible"]
Op = Literal[">=", "<=", "=", "growth"]
# What a target's value measures, as its wording says: a change within the period (新增300家), the
# indicator's own value (总数达到1000家, 拥有量达到18件, 累计培育500家) or a rate (增长15%, 比重达到2.5%).
Basis = Literal["increment", "level", "rate"]
Span = tuple[int, int]


@dataclass(slots=True)
class UnitRef:
    """A unit named on a node, with its role; `inherited` when it comes from a heading above.

    `covers` is the text its marker covers: the sentences since the previous marker of the paragraph
    ("…。（责任单位：A）…。（责任单位：B）": B answers for the second part), None when it is the whole node.
    """

    name: str
    role: Role
    inherited: bool = False
    span: Span | None = None
    covers: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "inherited": self.inherited,
                "span": list(self.span) if self.span else None,
                "covers": list(self.covers) if self.covers else None}


@dataclass(slots=True)
class Target:
    """A quantitative target found in the text, e.g. 每万人口发明专利拥有量达到18件."""

    text: str
    indicator: str | None
    value: float
    unit: str
    op: Op
    year: int | None
    value_max: float | None = None
    span: Span | None = None
    basis: Basis | None = None  # None: the wording does not say

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "indicator": self.indicator, "value": _num(self.value),
                "value_max": _num(self.value_max) if self.value_max is not None else None,
                "unit": self.unit, "op": self.op, "basis": self.basis, "year": self.year,
                "span": list(self.span) if self.span else None}


@dataclass(slots=True)
class Deadline:
    """When a task is due: a date, or a cadence for standing duties (长期坚持, 每季度)."""

    text: str
    date: str | None  # ISO YYYY-MM-DD
    cadence: str | None = None  # "ongoing" | "monthly" | "quarterly" | "half-yearly" | "annual"
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "date": self.date, "cadence": self.cadence,
                "span": list(self.span) if self.span else None}


@dataclass(slots=True)
class Ref:
    """A reference to another document: a 《title》, a 文号, or both."""

    title: str | None
    doc_number: str | None
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "doc_number": self.doc_number,
                "span": list(self.span) if self.span else None}


@dataclass(slots=True)
class Unit:
    """A unit mentioned anywhere in the plan, resolved through the unit directory when known."""

    name: str
    full_name: str | None = None
    kind: str | None = None
    is_group: bool = False
    known: bool = False
    members: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "full_name": self.full_name, "kind": self.kind,
                "is_group": self.is_group, "known": self.known, "members": list(self.members)}


@dataclass(slots=True)
class Node:
    """One heading or item of the task tree."""

    id: str
    parent: str | None
    level: int
    label: str
    path: list[str]
    text: str
    span: Span
    style: str = ""
    body: str = ""
    body_span: Span | None = None
    units: list[UnitRef] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    deadline: Deadline | None = None
    refs: list[Ref] = field(default_factory=list)
    category: str | None = None  # a task-table row's category: its 领域 cell or the section row above it
    children: list[str] = field(default_factory=list)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "parent": self.parent, "level": self.level, "label": self.label,
            "path": list(self.path), "text": self.text, "span": list(self.span),
            "style": self.style, "is_leaf": self.is_leaf, "body": self.body,
            "body_span": list(self.body_span) if self.body_span else None,
            "units": [u.to_dict() for u in self.units],
            "targets": [t.to_dict() for t in self.targets],
            "deadline": self.deadline.to_dict() if self.deadline else None,
            "refs": [r.to_dict() for r in self.refs],
            "category": self.category,
        }


@dataclass(slots=True)
class Plan:
    """The parse result: metadata, the flat list of nodes in document order, units and duplicates."""

    source: str
    title: str = ""
    doc_number: str | None = None
    issuer: str | None = None
    issued_on: str | None = None
    addressees: list[str] = field(default_factory=list)
    notice_title: str | None = None
    source_format: str = "text"
    warnings: list[str] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    duplicates: list[list[str]] = field(default_factory=list)

    def node(self, node_id: str) -> Node:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def leaves(self) -> list[Node]:
        return [n for n in self.nodes if n.is_leaf]

    def items(self) -> list[Node]:
        """The leaves that are tasks to supervise.

        A childless top-level heading in a plan that has deeper levels is a narrative chapter
        (总体要求, 主要目标 written as prose), not a task; in a flat plan every top-level item is a task.
        """
        deep = any(n.level > 1 for n in self.nodes)
        return [n for n in self.nodes if n.is_leaf and not (deep and n.level == 1)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title, "doc_number": self.doc_number, "issuer": self.issuer,
            "issued_on": self.issued_on, "addressees": list(self.addressees),
            "notice_title": self.notice_title, "source_format": self.source_format,
            "warnings": list(self.warnings),
            "units": [u.to_dict() for u in self.units],
            "nodes": [n.to_dict() for n in self.nodes],
            "duplicates": [list(g) for g in self.duplicates],
        }


def _num(value: float) -> float | int:
    """Whole numbers serialise as ints (3000, not 3000.0)."""
    return int(value) if float(value).is_integer() else value
