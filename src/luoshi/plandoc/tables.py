"""Task tables (任务分解表): find the header row and name each column's role."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import halfwidth

# Ordered: the first role whose pattern matches a header cell wins, so 牵头单位 is "lead" before
# the generic 单位 could match anything else.
COLUMN_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("seq", re.compile(r"^(序号|编号|序|No\.?)$", re.I)),
    ("lead", re.compile(r"牵头(单位|部门)?|主办单位|主责(单位|部门)")),
    ("guide", re.compile(r"指导(单位|部门|处室)")),   # read as support, like "X指导" in a marker
    ("support", re.compile(r"(配合|参与|协办|协同|协助)(单位|部门)?")),
    ("responsible", re.compile(r"(责任|负责|承办|实施|行使|落实|执行|考核)\S{0,3}(单位|部门|主体|处室|科室|机构)"
                               r"|^责任人?$"
                               # a column headed by the kind of body each row names: 街镇 | 吴淞街道
                               r"|^(?:街镇|乡镇|街道|镇街|区县|县区|县市区|各区|单位|部门|单位名称|部门名称)$")),
    ("deadline", re.compile(r"(完成|办结)?(时限|期限|时间节点|完成时间|时间安排|进度安排|截止时间|时间进度"
                            r"|进度要求|时间计划)|^时间$")),
    ("target", re.compile(r"(预期|量化|工作)?(目标|指标)|完成标准|预期成效|成果形式")),
    ("category", re.compile(r"^(领域|类别|任务类别|类型|板块|方面|分类|重点领域|工作领域|项目类别|专项)$")),
    ("measures", re.compile(r"(具体|工作|主要)?(措施|举措)$")),
    ("task", re.compile(r"任务|工作内容|主要内容|事项|内容|名称|项目")),
    ("notes", re.compile(r"^备注$")),
)


@dataclass(slots=True)
class TableLayout:
    """Which column holds what; -1 when the table has no such column."""

    columns: dict[str, int]

    def col(self, role: str) -> int:
        return self.columns.get(role, -1)


def header_layout(cells: list[str]) -> TableLayout | None:
    """The layout if these cells read as a task table's header row, else None."""
    columns: dict[str, int] = {}
    for i, cell in enumerate(cells):
        name = re.sub(r"\s+", "", halfwidth(cell))
        if not name or len(name) > 12:
            continue
        for role, pattern in COLUMN_ROLES:
            if pattern.search(name):
                if role == "task" and "task" in columns:
                    role = "content"   # 任务名称 then 任务内容: the second holds each row's own text
                columns.setdefault(role, i)
                break
    if "seq" in columns and "task" not in columns and "measures" not in columns and len(cells) >= 3:
        # A numbered table whose text column has no task-like name (街镇, 交通子行业): its rows are still
        # the plan's numbered items, named by the column after 序号.
        columns["task"] = columns["seq"] + 1
    has_text = "task" in columns or "measures" in columns
    has_units = any(r in columns for r in ("lead", "support", "responsible"))
    if has_text and (has_units or "seq" in columns or "deadline" in columns):
        if "task" not in columns:
            columns["task"] = columns.pop("measures")
        return TableLayout(columns)
    return None
