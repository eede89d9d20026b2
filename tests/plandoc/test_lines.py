"""The heading grammar (lines.match_label, lines.split_inline_items) and numbering validation in the tree
builder, seen through parse(): which lines start items, at what depth, and which are only text.
"""

from __future__ import annotations

import pytest

from luoshi.plandoc import Plan, parse
from luoshi.plandoc.lines import PARAGRAPH_INLINE_STYLES, Line, match_label, noise_kind, split_inline_items, split_lines
from luoshi.plandoc.normalize import halfwidth


def label_of(raw: str) -> tuple[str, int, str, int] | None:
    found = match_label(halfwidth(raw), raw)
    return None if found is None else (found.style, found.value, found.label, found.text_start)


def outline(plan: Plan) -> list[str]:
    """One line per node: indentation by level, then the label as written."""
    return ["  " * (n.level - 1) + n.label for n in plan.nodes]


def texts(plan: Plan) -> dict[str, str]:
    return {"/".join(n.path): n.text for n in plan.nodes}


# -- match_label -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("一、总体要求", ("cn_dun", 1, "一", 2)),
    ("十二、保障措施", ("cn_dun", 12, "十二", 3)),
    ("二十四、其他", ("cn_dun", 24, "二十四", 4)),
    ("（三）推进改革", ("cn_paren", 3, "（三）", 3)),
    ("(三)推进改革", ("cn_paren", 3, "(三)", 3)),
    ("（十）、加强领导", ("cn_paren", 10, "（十）", 4)),
    ("1.推进", ("ar_dot", 1, "1", 2)),
    ("１．推进", ("ar_dot", 1, "１", 2)),  # full-width digit and full stop
    ("2、推进", ("ar_dot", 2, "2", 2)),
    ("12. 推进", ("ar_dot", 12, "12", 4)),
    ("46.2018年，新增", ("ar_dot", 46, "46", 3)),  # a year right after the dot is the item text
    ("(1)推进", ("ar_paren", 1, "(1)", 3)),
    ("（１）推进", ("ar_paren", 1, "（１）", 3)),
    ("1)推进", ("ar_half_paren", 1, "1)", 2)),
    ("1）推进", ("ar_half_paren", 1, "1）", 2)),
    ("①推进", ("circled", 1, "①", 1)),
    ("⑳推进", ("circled", 20, "⑳", 1)),
    ("第一部分 总体要求", ("part", 1, "第一部分", 5)),
    ("第一章 总则", ("chapter", 1, "第一章", 4)),
    ("第2章", ("chapter", 2, "第2章", 3)),  # a chapter heading may stand alone
    ("第三节 任务", ("section", 3, "第三节", 4)),
    ("第十二条　本办法自印发之日起施行。", ("article", 12, "第十二条", 5)),
])
def test_it_matches_every_label_style_in_both_widths(raw: str, expected: tuple[str, int, str, int]) -> None:
    assert label_of(raw) == expected


@pytest.mark.parametrize("raw", [
    "2.4%的增长",        # a decimal
    "15%.以上",
    "3.5万名困难群众",
    "1000.推进",        # four digits are a year or an amount, not an item number
    "2018年底前完成",
    "二〇一九年三月一日",
    "一是加强组织领导",
    "0.推进",           # there is no item zero
    "一、",             # a bare label with no text
    "1. ",
    "（一）",
    "推进1.工作",       # a label only counts at the start of a line
])
def test_it_matches_no_label(raw: str) -> None:
    assert label_of(raw) is None


# -- split_inline_items ----------------------------------------------------------------------------

def _line(text: str, start: int = 100) -> Line:
    return Line(start, start + len(text), text, halfwidth(text))


def test_it_splits_inline_items_with_their_source_offsets() -> None:
    text = "加强保障：（1）完善政策；（2）加大投入；（3）强化考核。"
    segments = split_inline_items(_line(text))
    assert [s.raw for s in segments] == ["加强保障：", "（1）完善政策；", "（2）加大投入；", "（3）强化考核。"]
    for s in segments:
        assert text[s.start - 100: s.end - 100] == s.raw


@pytest.mark.parametrize(("text", "pieces"), [
    ("①甲工作；②乙工作。", 2),
    ("(1)甲工作; (2)乙工作", 2),
    ("1)甲工作；2)乙工作；3)丙工作", 3),
    ("推进：(一)甲工作，(二)乙工作", 3),
])
def test_it_splits_every_inline_style(text: str, pieces: int) -> None:
    assert len(split_inline_items(_line(text))) == pieces


@pytest.mark.parametrize("text", [
    "完成《大连国家自主创新示范区三年行动计划（2017-2019年）》2018年各项指标任务。",
    "（2017-2019年）",
    "包括(1)和(2)两类项目。",           # labels not after a clause boundary
    "推进工作：（1）甲工作；（3）乙工作。",  # not consecutive
    "推进工作：（2）甲工作；（3）乙工作。",  # not starting at 1
    "推进工作：（1）甲工作。",            # a single number is no list
])
def test_it_does_not_split_what_is_no_inline_list(text: str) -> None:
    assert [s.raw for s in split_inline_items(_line(text))] == [text]


def test_a_text_the_caller_saw_open_with_item_one_splits_at_its_second_item_after_one_or_two_spaces() -> None:
    text = "1. 强化医疗机构分类投放管理。  2. 持续推进垃圾分类进医院。"   # a cell's lines joined, an empty line between
    assert split_inline_items(_line(text), PARAGRAPH_INLINE_STYLES) == [_line(text)]   # one trigger: no list
    pieces = split_inline_items(_line(text), PARAGRAPH_INLINE_STYLES, opens_with_item=True)
    assert [s.raw for s in pieces] == ["1. 强化医疗机构分类投放管理。", "2. 持续推进垃圾分类进医院。"]


# -- split_lines and noise -------------------------------------------------------------------------

def test_it_splits_lines_with_spans_and_table_cells() -> None:
    text = "  一、总体要求 \n\n序号\t任务\t牵头单位\n\u30001.推进\n"
    lines = split_lines(text)
    assert [line.raw for line in lines] == ["一、总体要求", "序号\t任务\t牵头单位", "1.推进"]
    assert all(text[line.start: line.end] == line.raw for line in lines)
    assert [c.text for c in lines[1].cells] == ["序号", "任务", "牵头单位"]
    assert all(text[c.start: c.end] == c.text for c in lines[1].cells)


@pytest.mark.parametrize(("line", "kind"), [
    ("打印本页", "print_close"), ("【打印】【关闭】", "print_close"), ("扫一扫在手机打开当前页", "qr_code"),
    ("当前位置：首页 > 政务公开 > 文件", "breadcrumb"), ("版权所有：大连市人民政府办公厅", "site_footer"),
    ("上一篇：关于做好春节工作的通知", "prev_next"), ("字体：[ 大 中 小 ]", "font_size"), ("返回顶部", "back_to_top"),
])
def test_it_names_page_noise(line: str, kind: str) -> None:
    assert noise_kind(halfwidth(line)) == kind


def test_it_keeps_content_that_mentions_noise_words() -> None:
    long_line = "5.加强网站建设，完善版权所有信息和网站地图，提高政务公开水平，方便群众查阅办事指南和政策文件。"
    assert noise_kind(halfwidth(long_line)) is None


def test_it_drops_noise_lines_with_a_warning() -> None:
    plan = parse("一、重点任务\n1.甲工作。\n打印本页\n关闭窗口\n2.乙工作。\n")
    assert outline(plan) == ["一", "  1", "  2"]
    assert plan.nodes[1].body == ""
    assert len([w for w in plan.warnings if "打印本页" in w and "关闭窗口" in w]) == 1


def test_a_document_sharing_sites_numbered_notices_are_noise_and_number_nothing() -> None:
    notices = ["1. 1、下载文档前请自行甄别文档内容的完整性,平台不提供额外的编辑、内容补充、找答案等附加服务。",
               "2. 2、\"仅部分预览\"的文档,不可在线预览部分如存在完整性等问题,可反馈申请退款。",
               "3. 3、如文档侵犯您的权益,请联系客服反馈,我们会尽快为您处理。"]
    plan = parse("2020年某市工作方案\n合集下载\n" + "\n".join(notices)
                 + "\n一、重点任务\n1.甲工作。(市农业农村局)\n2.乙工作。(市发展改革委)\n")
    assert outline(plan) == ["一", "  1", "  2"]
    assert any("下载文档前" in w for w in plan.warnings)


# -- numbering through parse() ---------------------------------------------------------------------

def test_it_reads_a_year_after_the_number_as_item_text() -> None:
    items = "".join(f"{i}.做好第{i}项工作。\n" for i in range(1, 46))
    plan = parse("一、主要任务\n" + items + "46.2018年，新增高新技术企业100家。\n")
    last = plan.nodes[-1]
    assert (last.label, last.level, last.text) == ("46", 2, "2018年，新增高新技术企业100家。")
    assert len(plan.nodes) == 47


def test_it_never_starts_an_item_at_a_percentage() -> None:
    plan = parse("一、主要目标\n1.研发经费支出占比达到\n2.4%，高新技术产品增加值增长\n15%.\n2.继续推进。\n")
    assert outline(plan) == ["一", "  1", "  2"]
    assert "2.4%" in plan.nodes[1].body and "15%." in plan.nodes[1].body
    assert plan.nodes[2].text == "继续推进。"


def test_it_keeps_a_number_out_of_sequence_as_text() -> None:
    plan = parse("一、重点任务\n1.甲工作。\n5.乙工作。\n2.丙工作。\n")
    assert outline(plan) == ["一", "  1", "  2"]
    assert plan.nodes[1].body == "5.乙工作。"
    assert not any("编号" in w for w in plan.warnings)


def test_it_warns_about_a_skipped_number() -> None:
    plan = parse("一、重点任务\n1.甲工作。\n3.丙工作。\n4.丁工作。\n")
    assert outline(plan) == ["一", "  1", "  3", "  4"]
    assert [w for w in plan.warnings if "编号不连续" in w and "2" in w]


def test_it_continues_item_numbers_across_chapters() -> None:
    plan = parse("一、科技创新\n1.甲工作。\n2.乙工作。\n二、人才引进\n3.丙工作。\n4.丁工作。\n")
    assert outline(plan) == ["一", "  1", "  2", "二", "  3", "  4"]


def test_it_restarts_sub_items_under_each_item() -> None:
    plan = parse("一、重点任务\n1.甲工作。\n(1)子项一。\n(2)子项二。\n2.乙工作。\n(1)子项三。\n")
    assert outline(plan) == ["一", "  1", "    (1)", "    (2)", "  2", "    (1)"]
    assert texts(plan)["一/2/(1)"] == "子项三。"


def test_it_nests_articles_under_chapters() -> None:
    plan = parse("第一章 总则\n第一条 为了做好工作，制定本办法。\n第二条 本办法适用于全市。\n"
                 "第二章 主要任务\n第三条 推进重点工作。\n")
    assert outline(plan) == ["第一章", "  第一条", "  第二条", "第二章", "  第三条"]
    assert texts(plan)["第二章"] == "主要任务"


def test_it_opens_a_new_numbering_under_each_chapter() -> None:
    plan = parse("第一章 总则\n一、原则\n二、目标\n第二章 任务\n一、重点\n（一）推进\n1.甲工作\n")
    assert outline(plan) == ["第一章", "  一", "  二", "第二章", "  一", "    （一）", "      1"]


def test_it_takes_paren_numerals_as_the_top_level() -> None:
    plan = parse("（一）总体要求\n（二）主要任务\n1.甲工作。\n2.乙工作。\n（三）保障措施\n")
    assert outline(plan) == ["（一）", "（二）", "  1", "  2", "（三）"]


def test_it_treats_full_and_half_width_labels_as_one_style() -> None:
    plan = parse("一、重点任务\n１．甲工作。\n（１）子项一。\n(2)子项二。\n2、乙工作。\n")
    assert outline(plan) == ["一", "  １", "    （１）", "    (2)", "  2"]


def test_it_splits_inline_sub_items_under_their_item() -> None:
    plan = parse("一、重点任务\n1.加强保障：（1）完善政策；（2）加大投入。\n"
                 "2.完成《行动计划（2017-2019年）》各项任务。\n")
    assert outline(plan) == ["一", "  1", "    （1）", "    （2）", "  2"]
    assert texts(plan)["一/1"] == "加强保障："
    assert texts(plan)["一/1/（2）"] == "加大投入。"
    assert texts(plan)["一/2"] == "完成《行动计划（2017-2019年）》各项任务。"


def test_it_makes_an_annex_that_restarts_numbering_its_own_subtree() -> None:
    plan = parse("一、重点任务\n1.甲工作。\n2.乙工作。\n"
                 "附件1\n重点任务分工表\n1.子任务一。\n2.子任务二。\n"
                 "附件2：保障措施清单\n一、组织保障\n1.丙工作。\n")
    assert outline(plan) == ["一", "  1", "  2", "附件1", "  1", "  2", "附件2", "  一", "    1"]
    annex = plan.nodes[3]
    assert (annex.parent, annex.style, annex.text) == (None, "annex", "重点任务分工表")
    assert texts(plan)["附件2"] == "保障措施清单"


def test_it_keeps_text_before_the_first_label_out_of_the_tree() -> None:
    plan = parse("某某市2019年工作要点\n为做好工作，制定本要点。\n2.4%的增长率。\n一、目标\n1.甲工作。\n")
    assert outline(plan) == ["一", "  1"]


def test_it_keeps_spans_of_items_whose_marker_stands_mid_sentence() -> None:
    text = "一、重点任务\n1.推进工作（责任单位：市科技局），2018年底前完成技术交易额达到150亿元。\n"
    plan = parse(text)
    item = plan.nodes[1]
    assert item.text == "推进工作，2018年底前完成技术交易额达到150亿元。"
    assert [u.name for u in item.units] == ["市科技局"]
    # Everything found after the cut-out marker still points at its own characters in the source.
    assert item.deadline is not None and item.deadline.span is not None
    assert text[item.deadline.span[0]: item.deadline.span[1]] == "2018年底前"
    target = item.targets[0]
    assert target.span is not None and text[target.span[0]: target.span[1]] == target.text
    assert text[item.span[0]: item.span[1]] == "推进工作（责任单位：市科技局），2018年底前完成技术交易额达到150亿元。"


def test_it_reads_one_character_parenthesised_labels_as_their_styles() -> None:
    from luoshi.plandoc import parse

    plan = parse("一、总体要求\n㈠加强领导\n⑴建立机制。（责任单位：市科技局）\n⑵完善制度。\n㈡强化保障\n⑴落实经费。\n")
    assert [(n.level, n.label, n.text) for n in plan.nodes] == [
        (1, "一", "总体要求"), (2, "㈠", "加强领导"), (3, "⑴", "建立机制。"), (3, "⑵", "完善制度。"),
        (2, "㈡", "强化保障"), (3, "⑴", "落实经费。")]


def test_a_prose_line_about_font_size_is_not_noise() -> None:
    from luoshi.plandoc.lines import noise_kind

    assert noise_kind("统一公文字体大小") is None
    assert noise_kind("【字体：大 中 小】") == "font_size"
