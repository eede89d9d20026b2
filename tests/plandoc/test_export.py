"""Exports: JSON, CSV, Markdown and the 任务分解表 workbook, from Plan objects built by hand."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.plandoc.export import (
    HEADERS,
    deadline_text,
    display_path,
    target_line,
    task_rows,
    to_csv,
    to_json,
    to_markdown,
    to_xlsx,
)
from luoshi.plandoc.model import Deadline, Node, Plan, Ref, Target, Unit, UnitRef
from tests.xlsx_checks import assert_safe_xlsx

# An excerpt of the Dalian seed (lines 1-5 of the excerpt are the cover notice), plus two lines in
# the 牵头/配合 style of other plans. Line numbers below are positions in this list, counted by hand.
SOURCE_LINES = [
    "大政办发〔2018〕54号",                                                               # 1
    "各区市县人民政府,各先导区管委会,市政府各有关部门,各有关单位:",                        # 2
    "大连市人民政府办公厅",                                                                # 3
    "2018年5月16日",                                                                       # 4
    "贯彻落实全面实施创新驱动发展战略加快建设东北亚科技创新创业创投中心意见2018年工作计划",  # 5
    "二、主要目标",                                                                        # 6
    "到2018年,技术交易额达到150亿元,每万人口发明专利拥有量达到18件。",                    # 7
    "三、发挥自创区核心带动作用",                                                          # 8
    "(一)推动高新区实现引领型发展。",                                                      # 9
    "1.深入贯彻“又要高,又要新”的重要指示精神,完善规划制定。",                             # 10
    "(1)强化区域控规,不断完善路网建设。(责任单位:高新区管委会)",                          # 11
    "(2)完成《大连国家自主创新示范区三年行动计划(2017-2019年)》2018年各项指标任务。(责任单位:市科技局)",  # 12
    "3.打造创新创业最佳环境。",                                                            # 13
    "(2)强化企业四级孵化体系建设。年创业团队增加120个以上。(责任单位:高新区管委会)",       # 14
    "(三)围绕产业链部署创新链。(牵头单位:市科技局)",                                       # 15
    "9.集中精力重点拓展具有大连特色的领域,2018年底前完成。(配合单位:市经信委、市发展改革委)",  # 16
]
SOURCE = "\n".join(SOURCE_LINES) + "\n"


def span_of(line_number: int, text: str = "") -> tuple[int, int]:
    """The whole line, or only `text` within it (parsers differ on where a node's span starts)."""
    line = SOURCE_LINES[line_number - 1]
    start = SOURCE.index(line + "\n")
    if text:
        start += line.index(text)
        return (start, start + len(text))
    return (start, start + len(line))


def make_node(node_id: str, parent: str | None, label: str, path: list[str], text: str, line: int,
              text_span: bool = False, **fields: object) -> Node:
    node = Node(id=node_id, parent=parent, level=len(path), label=label, path=path, text=text,
                span=span_of(line, text if text_span else ""))
    for name, value in fields.items():
        setattr(node, name, value)
    return node


def sample_plan() -> Plan:
    nodes = [
        make_node("goals", None, "二、", ["二"], "主要目标", 6,
                  body="到2018年,技术交易额达到150亿元,每万人口发明专利拥有量达到18件。",
                  targets=[
                      Target("技术交易额达到150亿元", "技术交易额", 150, "亿元", ">=", 2018),
                      Target("每万人口发明专利拥有量达到18件", "每万人口发明专利拥有量", 18, "件", ">=",
                             2018),
                  ]),
        make_node("c3", None, "三", ["三"], "发挥自创区核心带动作用", 8, text_span=True, children=["s1"]),
        make_node("s1", "c3", "(一)", ["三", "(一)"], "推动高新区实现引领型发展。", 9, text_span=True,
                  children=["i1", "i3"]),
        make_node("i1", "s1", "1.", ["三", "(一)", "1"],
                  "深入贯彻“又要高,又要新”的重要指示精神,完善规划制定。", 10, children=["i1a", "i1b"]),
        make_node("i1a", "i1", "(1)", ["三", "(一)", "1", "(1)"], "强化区域控规,不断完善路网建设。", 11,
                  units=[UnitRef("高新区管委会", "responsible")]),
        make_node("i1b", "i1", "(2)", ["三", "(一)", "1", "(2)"],
                  "完成《大连国家自主创新示范区三年行动计划(2017-2019年)》2018年各项指标任务。", 12,
                  units=[UnitRef("市科技局", "responsible")],
                  refs=[Ref("大连国家自主创新示范区三年行动计划(2017-2019年)", None)]),
        make_node("i3", "s1", "3.", ["三", "(一)", "3"], "打造创新创业最佳环境。", 13, children=["i3b"]),
        make_node("i3b", "i3", "(2)", ["三", "(一)", "3", "(2)"],
                  "强化企业四级孵化体系建设。年创业团队增加120个以上。", 14,
                  units=[UnitRef("高新区管委会", "responsible")],
                  targets=[Target("年创业团队增加120个以上", "年创业团队增加", 120, "个", ">=", None)]),
        make_node("s3", "c3", "(三)", ["三", "(三)"], "围绕产业链部署创新链。", 15, children=["i9"],
                  units=[UnitRef("市科技局", "lead")]),
        make_node("i9", "s3", "9.", ["三", "(三)", "9"],
                  "集中精力重点拓展具有大连特色的领域,2018年底前完成。", 16,
                  units=[UnitRef("市科技局", "lead", inherited=True), UnitRef("市经信委", "support"),
                         UnitRef("市发展改革委", "support")],
                  deadline=Deadline("2018年底前", "2018-12-31")),
    ]
    return Plan(
        source=SOURCE,
        title="贯彻落实全面实施创新驱动发展战略加快建设东北亚科技创新创业创投中心意见2018年工作计划",
        doc_number="大政办发〔2018〕54号",
        issuer="大连市人民政府办公厅",
        issued_on="2018-05-16",
        addressees=["各区市县人民政府", "各先导区管委会", "市政府各有关部门", "各有关单位"],
        warnings=["第 12 行：未识别完成时限 (no deadline found)"],
        units=[
            Unit("市科技局", "大连市科学技术局", "department", known=True),
            Unit("高新区管委会", "大连高新技术产业园区管理委员会", "pilot_zone", known=True),
            Unit("市经信委", None, None),
            Unit("各区市县政府", None, "group", is_group=True, members=["中山区政府", "西岗区政府"]),
        ],
        nodes=nodes,
        duplicates=[["i1a", "i3b"]],
    )


def hostile_plan() -> Plan:
    text = '=HYPERLINK("http://evil.example","点击")<script>alert(1)</script> **粗** | 管\x07道'
    source = "一、" + text + "\n"
    node = Node(id="h", parent=None, level=1, label="一、", path=["一"], text=text, span=(0, len(source) - 1),
                units=[UnitRef("+市科技局", "responsible")])
    return Plan(source=source, title="# 标题 <b>", warnings=["-1 警告"], nodes=[node])


def read_xlsx(plan: Plan) -> dict[str, Worksheet]:
    buffer = io.BytesIO()
    to_xlsx(plan, buffer)
    buffer.seek(0)
    workbook = load_workbook(buffer)
    return {sheet.title: sheet for sheet in workbook.worksheets}


def csv_rows(plan: Plan) -> list[list[str]]:
    text = to_csv(plan)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


# --- shared rows ---------------------------------------------------------------------------------------

def test_it_makes_one_row_per_leaf_with_path_chapter_units_targets_and_line() -> None:
    rows = {row.node_id: row for row in task_rows(sample_plan())}
    # "二、主要目标" is a prose chapter (a childless top heading), not a task: no row of its own.
    assert list(rows) == ["i1a", "i1b", "i3b", "i9"]
    first = rows["i1a"]
    assert first.path == "三.(一).1.(1)"
    assert first.chapter.splitlines() == [
        "三、发挥自创区核心带动作用", "(一)推动高新区实现引领型发展。",
        "1.深入贯彻“又要高,又要新”的重要指示精神,完善规划制定。",
    ]
    assert (first.lead, first.support, first.responsible) == ("", "", "高新区管委会")
    assert first.line == 11
    last = rows["i9"]
    assert (last.lead, last.support, last.responsible) == ("市科技局", "市经信委、市发展改革委", "")
    assert last.deadline == "2018年底前 (2018-12-31)"
    assert last.line == 16
    assert rows["i3b"].targets == "年创业团队增加 ≥ 120个"


def test_it_formats_targets_and_deadlines_for_people() -> None:
    growth = Target("高新技术产品增加值增长15%", "高新技术产品增加值", 15, "%", "growth", 2018)
    assert target_line(growth) == "高新技术产品增加值 增长 15% (2018)"
    assert target_line(Target("孵化2-3家", None, 2, "家", "=", None, value_max=3)) == "孵化2-3家 = 2-3家"
    assert target_line(Target("比重达到2.4%", "比重", 2.4, "%", ">=", None)) == "比重 ≥ 2.4%"
    assert deadline_text(None) == ""
    assert deadline_text(Deadline("长期坚持", None, "ongoing")) == "长期坚持"
    assert deadline_text(Deadline("", None, "quarterly")) == "每季度"
    assert deadline_text(Deadline("2018-06-30", "2018-06-30")) == "2018-06-30"


def test_it_derives_the_path_from_labels_when_the_node_has_none() -> None:
    plan = sample_plan()
    by_id = {node.id: node for node in plan.nodes}
    node = by_id["i1b"]
    node.path = []
    assert display_path(node, by_id) == "三.(一).1.(2)"
    full_width = Node("x", None, 1, "（十二）", ["第一章", "（十二）", "1．"], "t", (0, 1))
    assert display_path(full_width) == "第一章.(十二).1"


def test_it_survives_parent_cycles_and_spans_outside_the_source() -> None:
    looped_a = Node("a", "b", 1, "1.", [], "甲", (0, 1), children=[])
    looped_b = Node("b", "a", 1, "2.", [], "乙", (10_000, 10_001), children=["a"])
    plan = Plan(source="甲\n", nodes=[looped_b, looped_a])
    rows = task_rows(plan)
    assert [(row.node_id, row.path, row.line) for row in rows] == [("a", "2.1", 1)]
    assert to_markdown(plan)
    read_xlsx(plan)


# --- JSON ----------------------------------------------------------------------------------------------

def test_it_writes_json_that_round_trips_and_keeps_chinese_readable() -> None:
    plan = sample_plan()
    text = to_json(plan)
    assert json.loads(text) == plan.to_dict()
    assert "发挥自创区核心带动作用" in text and "\\u" not in text
    assert "\n" not in to_json(plan, indent=None)


# --- CSV ----------------------------------------------------------------------------------------------

def test_it_writes_csv_with_bom_that_parses_back() -> None:
    rows = csv_rows(sample_plan())
    assert tuple(rows[0]) == HEADERS
    assert [row[0] for row in rows[1:]] == [
        "三.(一).1.(1)", "三.(一).1.(2)", "三.(一).3.(2)", "三.(三).9"]
    assert rows[3][6] == "年创业团队增加 ≥ 120个"
    assert rows[4][3:6] == ["市科技局", "市经信委、市发展改革委", ""]
    assert rows[4][8] == "16"
    assert all(len(row) == len(HEADERS) for row in rows)


def test_it_neutralises_formulas_in_csv() -> None:
    rows = csv_rows(hostile_plan())
    assert rows[1][2].startswith("'=HYPERLINK(")
    assert rows[1][5] == "'+市科技局"


def test_it_writes_a_header_only_csv_for_an_empty_plan() -> None:
    assert csv_rows(Plan(source="")) == [list(HEADERS)]


# --- Markdown -----------------------------------------------------------------------------------------

def test_it_writes_a_markdown_outline_with_headings_and_task_details() -> None:
    text = to_markdown(sample_plan())
    lines = text.splitlines()
    assert lines[0].startswith("# 贯彻落实全面实施创新驱动发展战略")
    assert "- 文号：大政办发〔2018〕54号" in lines
    assert "- 发文机关：大连市人民政府办公厅" in lines
    assert "## 三、发挥自创区核心带动作用" in lines
    goals = lines.index("## 二、主要目标")
    assert "到2018年,技术交易额达到150亿元,每万人口发明专利拥有量达到18件。" in lines[goals + 1: goals + 4]
    assert "### (一)推动高新区实现引领型发展。" in lines
    assert "#### 1.深入贯彻“又要高,又要新”的重要指示精神,完善规划制定。" in lines
    item = lines.index("- **三.(一).1.(1)** 强化区域控规,不断完善路网建设。")
    assert lines[item + 1: item + 3] == ["  - 责任单位：高新区管委会", "  - 原文位置：第 11 行"]
    assert "- 牵头单位：市科技局" in lines  # on the (三) heading itself
    assert "  - 配合单位：市经信委、市发展改革委" in lines
    assert "  - 完成时限：2018年底前 (2018-12-31)" in lines
    assert "- 量化目标：技术交易额 ≥ 150亿元 (2018)；每万人口发明专利拥有量 ≥ 18件 (2018)" in lines
    assert "## 单位清单" in lines
    assert "| 市科技局 | 大连市科学技术局 | department | 否 | 是 |  | 2 |" in lines
    assert "- 警告：第 12 行：未识别完成时限 (no deadline found)" in lines
    assert "- 重复任务：三.(一).1.(1)、三.(一).3.(2)" in lines


def test_it_escapes_markup_in_markdown() -> None:
    text = to_markdown(hostile_plan())
    assert "<script>" not in text and "\\<script\\>" in text
    assert "\\*\\*粗\\*\\*" in text and "\\|" in text
    assert text.startswith("# \\# 标题 \\<b\\>\n")


# --- XLSX ---------------------------------------------------------------------------------------------

def test_it_writes_the_task_sheet_with_title_header_and_rows(tmp_path: Path) -> None:
    plan = sample_plan()
    out = tmp_path / "plan.xlsx"
    to_xlsx(plan, out)
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["任务分解表", "单位清单", "说明"]
    sheet = workbook["任务分解表"]
    assert sheet["A1"].value == f"{plan.title}（大政办发〔2018〕54号）"
    assert "A1:I1" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert tuple(cell.value for cell in sheet[2]) == HEADERS
    assert sheet.max_row == 2 + 4
    assert [sheet.cell(row, 1).value for row in range(3, 7)] == \
        ["三.(一).1.(1)", "三.(一).1.(2)", "三.(一).3.(2)", "三.(三).9"]
    assert sheet["C3"].value == "强化区域控规,不断完善路网建设。"
    assert sheet["F3"].value == "高新区管委会"
    assert sheet["I3"].value == 11 and sheet["I3"].data_type == "n"
    assert sheet["B3"].value.startswith("三、发挥自创区核心带动作用\n(一)")
    assert sheet["G5"].value == "年创业团队增加 ≥ 120个"
    assert sheet["H6"].value == "2018年底前 (2018-12-31)"


def test_it_sets_freeze_filter_widths_wrapping_and_print_setup() -> None:
    sheet = read_xlsx(sample_plan())["任务分解表"]
    assert sheet.freeze_panes == "B3"
    assert sheet.auto_filter.ref == "A2:I6"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHI"}
    assert 10 <= widths["A"] <= 18
    assert 30 <= widths["C"] <= 70
    assert widths["C"] > widths["D"] and widths["I"] == 9
    assert sheet["C4"].alignment.wrap_text and sheet["G3"].alignment.wrap_text
    assert sheet["A2"].font.bold
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr is not None and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows in ("1:2", "$1:$2")


def test_it_lists_units_and_notes_in_their_own_sheets() -> None:
    sheets = read_xlsx(sample_plan())
    units = sheets["单位清单"]
    values = [[cell.value for cell in row] for row in units.iter_rows()]
    assert values[0] == ["单位简称", "单位全称", "类别", "集合单位", "已识别", "成员单位", "任务数"]
    assert values[1] == ["市科技局", "大连市科学技术局", "department", "否", "是", None, 2]
    assert values[4] == ["各区市县政府", None, "group", "是", "否", "中山区政府、西岗区政府", 0]
    assert units.freeze_panes == "A2" and units.auto_filter.ref == "A1:G5"
    notes = {row[0].value: row[1].value for row in sheets["说明"].iter_rows(min_row=2)}
    assert notes["文号"] == "大政办发〔2018〕54号"
    assert notes["警告 1"] == "第 12 行：未识别完成时限 (no deadline found)"
    assert notes["重复任务 1"] == "三.(一).1.(1)、三.(一).3.(2)"
    assert notes["任务条数"] == "4"


def test_it_never_writes_formulas_or_illegal_characters_to_xlsx() -> None:
    sheet = read_xlsx(hostile_plan())["任务分解表"]
    cell = sheet["C3"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil.example","点击")<script>alert(1)</script> **粗** | 管道'
    assert sheet["F3"].value == "+市科技局" and sheet["F3"].data_type == "s"


def test_it_marks_text_that_starts_like_a_formula_as_typed_text() -> None:
    """The 任务分解表 goes through luoshi.xlsxsafe like every other workbook: '+', '-' and '@' leads too."""
    plan = hostile_plan()
    plan.addressees = ["@SUM(A1)\x0b"]
    buffer = io.BytesIO()
    to_xlsx(plan, buffer)
    assert_safe_xlsx(buffer.getvalue(), ['=HYPERLINK("http://evil.example","点击")', "+市科技局", "-1 警告",
                                         "@SUM(A1)"])


def test_it_truncates_text_beyond_the_xlsx_cell_limit() -> None:
    text = "很长的任务" * 10_000
    plan = Plan(source=text, nodes=[Node("n", None, 1, "1.", ["1"], text, (0, len(text)))])
    value = read_xlsx(plan)["任务分解表"]["C3"].value
    assert len(value) == 32_767 and value.endswith("…")


def test_it_writes_a_valid_workbook_for_an_empty_plan() -> None:
    sheets = read_xlsx(Plan(source=""))
    tasks = sheets["任务分解表"]
    assert tasks["A1"].value == "任务分解表"
    assert tuple(cell.value for cell in tasks[2]) == HEADERS
    assert tasks.max_row == 2
    notes = {row[0].value: row[1].value for row in sheets["说明"].iter_rows(min_row=2)}
    assert notes["警告"] == "无" and notes["任务条数"] == "0"


@pytest.mark.parametrize("exporter", [to_json, to_csv, to_markdown])
def test_it_exports_text_formats_of_an_empty_plan(exporter: object) -> None:
    assert callable(exporter)
    assert isinstance(exporter(Plan(source="")), str)


def test_it_joins_label_and_text_when_the_heading_is_not_in_the_source() -> None:
    nodes = [
        Node("c", None, 1, "三", ["三"], "总则", (0, 0), children=["s"]),
        Node("s", "c", 2, "(一)", ["三", "(一)"], "目标", (0, 0), children=["t"]),
        Node("t", "s", 3, "1", ["三", "(一)", "1"], "任务", (0, 0)),
    ]
    (row,) = task_rows(Plan(source="", nodes=nodes))
    assert row.chapter == "三 总则\n(一)目标"
    assert row.line is None
