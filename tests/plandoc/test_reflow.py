"""Which plain texts were broken at a margin, and joining their lines."""

from __future__ import annotations

from luoshi.plandoc import parse
from luoshi.plandoc.read import read_bytes
from luoshi.plandoc.reflow import is_hard_wrapped, join_wrapped_lines
from tests.plandoc.conftest import broken_at_margin

PARAGRAPHS = [
    "一、总体要求",
    "坚持以人民为中心的发展思想，统筹发展和安全，推动各项工作任务落地见效，确保全年目标圆满完成。",
    "二、重点任务",
    "（一）推进数字政府建设。完善一体化政务服务平台，推动高频事项网上办、掌上办、就近办。（责任单位：县数据资源局）",
    "（二）优化营商环境。深化“放管服”改革，落实市场准入负面清单制度，持续压减涉企审批事项和办理时限。（责任单位：县发展改革局）",
    "（三）强化要素保障。统筹用地、用能、资金等要素资源，保障重大项目建设需要，提高要素配置效率。（责任单位：县自然资源局）",
    "（四）加强安全生产。压实安全生产责任，开展重点行业领域专项整治，坚决遏制重特大事故发生。（责任单位：县应急管理局）",
    "三、保障措施",
    "各单位要加强组织领导，明确责任分工，细化工作措施，确保各项任务按期完成，重要情况及时报告县政府。",
]


def test_a_text_written_a_paragraph_a_line_is_not_hard_wrapped() -> None:
    assert not is_hard_wrapped(PARAGRAPHS)
    # Long headings without punctuation are not a margin either.
    headings = [p.rstrip("。") if not p.startswith("（") else p for p in PARAGRAPHS]
    assert not is_hard_wrapped(headings)


def test_a_text_broken_at_a_margin_is_hard_wrapped() -> None:
    assert is_hard_wrapped(broken_at_margin(PARAGRAPHS))
    assert is_hard_wrapped(broken_at_margin(PARAGRAPHS, 40))


def test_a_list_of_short_lines_is_not_hard_wrapped() -> None:
    # A table copied one cell per line: short cells, none ending a sentence.
    cells = ["序号", "重点任务", "责任单位", "1", "推进数字政府建设", "县数据资源局", "2", "优化营商环境",
             "县发展改革局", "3", "强化要素保障", "县自然资源局", "4", "加强安全生产", "县应急管理局"]
    assert not is_hard_wrapped(cells)


def test_the_text_reader_joins_a_hard_wrapped_text_and_leaves_others_alone() -> None:
    published = "\n".join(PARAGRAPHS)
    assert read_bytes(published.encode(), filename="plan.txt").text.rstrip("\n") == published
    copied = "\n".join(broken_at_margin(PARAGRAPHS))
    assert read_bytes(copied.encode(), filename="plan.txt").text.rstrip("\n") == published


def test_a_double_spaced_copy_is_joined_too() -> None:
    # A PDF's line spacing copied as an empty line after every line.
    copied = "\n\n".join(broken_at_margin(PARAGRAPHS))
    assert read_bytes(copied.encode(), filename="plan.txt").text.rstrip("\n") == "\n".join(PARAGRAPHS)
    # Paragraphs set apart by empty lines, a paragraph a line, are not a copy of a printed page.
    published = "\n\n".join(PARAGRAPHS)
    assert read_bytes(published.encode(), filename="plan.txt").text.rstrip("\n") == published


def test_the_reader_says_how_many_margin_breaks_it_joined() -> None:
    copied = read_bytes("\n".join(broken_at_margin(PARAGRAPHS)).encode(), filename="plan.txt")
    joined = len(broken_at_margin(PARAGRAPHS)) - len(PARAGRAPHS)
    assert [(w.code, w.params) for w in copied.warnings] == [("text_unwrapped", {"count": str(joined)})]
    assert read_bytes("\n".join(PARAGRAPHS).encode(), filename="plan.txt").warnings == []


def test_the_reader_takes_out_the_pinyin_a_mirror_site_inserts() -> None:
    from luoshi.plandoc.read import strip_inserted_pinyin

    mirror = ("一、重點(diǎn)任務(wù)\n（一）加強(qiáng)信用建設(shè)。"
              "（發(fā)展改革委、人民銀行牽頭負(fù)責(zé)，法制辦參加）\n")
    read = read_bytes(mirror.encode(), filename="plan.txt")
    assert "(" not in read.text and "負責" in read.text
    assert [(w.code, w.params) for w in read.warnings] == [("pinyin_removed", {"count": "7"})]
    # A bracket or two with Latin letters in an ordinary text stays: 公私合营（PPP）, 一个（fā）.
    ordinary = "推广政府和社会资本合作（PPP）模式。某字（fā）说明。"
    assert strip_inserted_pinyin(ordinary) == (ordinary, 0)


def test_a_number_the_margin_cut_is_joined_whole_and_latin_words_get_their_space_back() -> None:
    from luoshi.plandoc.reflow import join_wrapped_lines

    full = "２０１９年新增初创科技型中小企业与高新技术企业总数达到３"
    assert join_wrapped_lines([full[:-1] + "3", "000家。"]) == [full[:-1] + "3000家。"]
    words = "推动建设开放共享的工业互联网平台，发展基于云计算的Industrial"
    assert join_wrapped_lines([words, "Internet应用。"]) == [words + " Internet应用。"]


def _columns_flattened(text: str, width: int) -> str:
    """The text as a gazette's columns of `width` characters copied with each line break a space."""
    return " ".join(text[i:i + width] for i in range(0, len(text), width))


def test_the_reader_takes_out_the_spaces_a_flattened_column_layout_left_inside_words() -> None:
    body = ("全面宣传贯彻新修订的食品安全法，配合全国人大常委会做好食品安全法执法检查。"
            "（食品药品监管总局、国务院食品安全办会同各省级人民政府负责）推动制修订农产品质量安全法、粮食法和食品安全法实施条例等法律法规。（农业部、食品药品"
            "监管总局、国务院法制办、国家粮食局负责）")
    text = "2016年食品安全重点工作安排\n一、加快完善食品安全法规制度\n" + _columns_flattened(body, 23) + "\n"
    source = read_bytes(text.encode())
    assert body in source.text
    plan = parse(text)
    assert [u.name for u in plan.nodes[0].units] == ["食品药品监管总局", "国务院食品安全办", "各省级人民政府", "农业部",
                                                     "食品药品监管总局", "国务院法制办", "国家粮食局"]


def test_fields_set_apart_by_spaces_on_a_newspaper_line_are_no_column_breaks() -> None:
    line = ("1.轨道交通1号线一期工程投入试运营。 牵头领导:林静国 责任单位:市轨道交通工程建设指挥部 项目责任人:尹文德 "
            "2.新增安装300套路口交通信息视频采集设备。 牵头领导:王仁洲 责任单位:市公安局 项目责任人:王伟标 "
            "配合单位:市城管局、市财政局 实际完成情况:中心设备调试")
    assert read_bytes(line.encode()).text.strip() == line


_ROW_UNITS = [("服务业", "区发展改革局"), ("教育", "区教育局"), ("科技创新", "区科技创新局"),
              ("卫生健康事业", "区卫生健康局"), ("数字政府", "区政务和数据局"), ("城市更新", "区城市更新和土地整备局"),
              ("文化", "区文化广电旅游体育局"), ("交通", "区交通运输局"), ("水务", "区水务局"),
              ("养老服务", "区民政局")]
_PIPE_ROWS = [f"{n} | 编制龙华区{topic}发展“十五五”规划并按程序报区政府审定 | {unit} | 12月底前 |"
              for n, (topic, unit) in enumerate(_ROW_UNITS, 1)]


def test_a_web_tables_long_rows_tell_nothing_of_a_margin() -> None:
    # Rows closed by '|' are as long as their cells make them; taken for margin breaks, they were joined in pairs.
    text = "\n".join(["龙华区2026年度重大行政决策事项目录", "序号 | 决策事项名称 | 组织承办部门 | 决策计划完成时间 |",
                      *_PIPE_ROWS])
    read = read_bytes(text.encode(), filename="list.txt")
    assert read.text.rstrip("\n") == text
    assert read.warnings == []


def test_a_hard_wrapped_text_is_joined_around_its_web_table_rows() -> None:
    copied = "\n".join([*broken_at_margin(PARAGRAPHS), *_PIPE_ROWS])
    assert read_bytes(copied.encode(), filename="plan.txt").text.rstrip("\n").split("\n") == [*PARAGRAPHS, *_PIPE_ROWS]


def test_a_marker_broken_over_two_lines_is_joined_in_any_text() -> None:
    from luoshi.plandoc.reflow import join_open_brackets

    text = ("一、郡王府景区门票价格调整（承办部门：区发改委）\n二、水利工程供水出库水价制定（承办部门：区发改\n委）\n"
            "三、《经济开发区扩区总体规划》（承办\n\n部门：吐鲁番经开区管委会）\n")
    joined, count = join_open_brackets(text)
    assert joined.split("\n")[:3] == ["一、郡王府景区门票价格调整（承办部门：区发改委）",
                                      "二、水利工程供水出库水价制定（承办部门：区发改委）",
                                      "三、《经济开发区扩区总体规划》（承办部门：吐鲁番经开区管委会）"]
    assert count == 2
    plan = parse(read_bytes(text.encode(), filename="list.txt").text)
    assert [u.name for n in plan.nodes for u in n.units] == ["区发改委", "区发改委", "吐鲁番经开区管委会"]
    # A bracket that the next line does not close early, or an item on the next line, is no break.
    for kept in ("（一）推进建设（详见附件\n2.做好保障）\n",
                 "（一）推进建设（详见\n附件所列各项清单中的全部内容及要求，以及附件二所列全部事项的说明）\n"):
        assert join_open_brackets(kept) == (kept, 0)


def test_items_without_a_full_stop_each_above_its_marker_line_are_not_hard_wrapped() -> None:
    tasks = ("推进数字政府建设，完善一体化政务服务平台，推动高频事项网上办掌上办就近办理",
             "优化营商环境，深化放管服改革，落实市场准入负面清单制度，持续压减涉企审批事项",
             "强化要素保障，统筹用地用能资金等要素资源，保障重大项目建设需要，提高配置效率",
             "加强安全生产，压实安全生产责任，开展重点行业领域专项整治，坚决遏制重特大事故")
    items = [p.rstrip("。") for p in PARAGRAPHS[:2]] + [
        line for n, task in enumerate(tasks, 1) for line in (f"{n}.{task}", "牵头单位：县数据资源局")]
    assert not is_hard_wrapped(items)
    text = "\n".join(["某县2024年重点工作任务分工", *items])
    assert read_bytes(text.encode(), filename="plan.txt").text.rstrip("\n").split("\n")[1:] == items
    # A full line stopping mid-sentence before a marker line: kept apart; inside a bracket ('…（' / '责任单位：…）'),
    # the label goes on with the line it continues.
    full = "（一）推进数字政府建设，完善一体化政务服务平台，推动高频事项网上办"
    assert join_wrapped_lines([full, "牵头单位：县数据资源局"]) == [full, "牵头单位：县数据资源局"]
    assert join_wrapped_lines([full + "（", "责任单位：县数据资源局）"]) == [full + "（责任单位：县数据资源局）"]


def test_a_labelled_marker_broken_inside_a_name_after_a_closed_pair_is_joined() -> None:
    from luoshi.plandoc.reflow import join_open_brackets

    text = "(二)完善规范性文件数据库。(牵头单位:市司法局,责任单位:各区县〔市〕政府、开发区管\n委会)\n"
    joined, count = join_open_brackets(text)
    assert joined.split("\n")[0].endswith("开发区管委会)") and count == 1
    # A bracket closed before the line ends opens nothing.
    kept = "(二)完善规范性文件数据库〔见附件〕和相关栏目\n委会)\n"
    assert join_open_brackets(kept) == (kept, 0)


def test_a_bracket_of_names_without_a_label_broken_in_its_list_is_joined() -> None:
    from luoshi.plandoc.reflow import join_open_brackets

    text = "专项等活动。(科技部、国家卫生健康委、国家中医药局、国家疾控局、共青团中央、中国科协按\n\n职责分工负责)\n"
    joined, count = join_open_brackets(text)
    assert joined.split("\n")[0].endswith("中国科协按职责分工负责)") and count == 1
    # A bracket of prose opened further back may hold a 、 too: no list of names.
    kept = "专项等活动。(含全国科普日、全国科技活动周和健康中国行动宣讲等多种形式的宣传活动按\n\n计划开展)\n"
    assert join_open_brackets(kept) == (kept, 0)


def test_a_pages_byline_is_a_line_of_its_own_between_the_title_and_the_text() -> None:
    title = "大田县人民政府办公室关于促进2023年一季度经济“开门稳”若干措施的通知"
    byline = "发布日期:2023-01-30 作者:- 来源:大田县人民政府办公室 505"
    text = ["为深入贯彻党的二十大精神，全面落实中央经济工作会议精", "神，结合我县实际，制定具体措施如下："]
    assert join_wrapped_lines([title, byline, *text]) == [title, byline, "".join(text)]
    # A row of portal keys wrapped at the margin goes on onto the line holding its next key.
    row = ["索引号:11532328015177503N-/2020-0813006 公文目录:政",
           "府文件 发文日期:2020年08月13日 文号:元政发〔2020〕6号"]
    assert join_wrapped_lines([*row, *text]) == ["".join(row), "".join(text)]


def test_a_label_alone_on_its_line_is_joined_to_its_text() -> None:
    from luoshi.plandoc.reflow import join_lone_labels

    assert join_lone_labels("一、总体要求\n（一）\n\n加强战略科技力量建设。\n1\n") == \
        "一、总体要求\n（一）加强战略科技力量建设。\n\n1\n"
    # A label over another label, a number, a table row or nothing stays as it is.
    for text in ("（一）\n（二）推进。\n", "（一）\n1\n", "（一）\n甲\t乙\n", "（一）\n"):
        assert join_lone_labels(text) == text


def test_a_page_that_lost_its_line_breaks_is_broken_again_before_its_outlines_labels() -> None:
    from luoshi.plandoc.reflow import split_run_on_outline

    page = ("为推进实体经济发展，现结合我市实际，制定实施方案如下:一、工作目标全面落实政策措施，促进实体经济提质增效。"
            "二、工作措施(一)降低企业税收负担。1.严格执行税额标准，工业用地分为五级。[责任单位:市财政局、市税务局]"
            "2.落实增值税改革，按规定办理留抵退税。[责任单位:市税务局](二)降低企业用地成本。3.完善工业用地供应方式，"
            "推行长期租赁、先租后让。[责任单位:市自然资源局]" + "本方案自印发之日起施行，有效期三年。" * 8)
    text, breaks = split_run_on_outline(page)
    assert breaks == 7   # '(一)' right after its heading's short title '二、工作措施' too
    assert [line[:6] for line in text.split("\n")] == ["为推进实体经", "一、工作目标", "二、工作措施", "(一)降低企",
                                                       "1.严格执行", "2.落实增值", "(二)降低企", "3.完善工业"]
    plan = parse(page.encode())
    assert [n.path for n in plan.nodes][-1] == ["二", "(二)", "3"]


def test_a_long_paragraphs_own_sub_items_are_no_run_on_outline() -> None:
    from luoshi.plandoc.reflow import split_run_on_outline

    paragraph = ("（一）加强组织领导。" + "各地要把这项工作摆上重要位置，明确责任分工，细化工作措施。" * 6
                 + "重点做好以下工作：(1)摸清底数；(2)建立台账；(3)跟踪问效。")
    assert split_run_on_outline(paragraph) == (paragraph, 0)


def test_a_sharing_sites_numbered_page_chunks_are_joined_into_the_text_they_cut() -> None:
    from luoshi.plandoc.reflow import join_shared_chunks

    site = "《工作流程.docx》由会员分享,可在线阅读,更多相关《工作流程.docx(7页珍藏版)》请在文秘上搜索。\n"
    first = "1、工作流程一、工作步骤(一)选定事项(省政府办公厅牵头,省级部门配合)" + "梳理全省排序靠前的事项。" * 25 \
        + "编制政"
    second = "2、务服务事项基本目录。" + "要会同市县对口部门拆分子项。" * 20 + "(二)编制目录(省级部门负责)认领事项。"
    joined, count = join_shared_chunks(site + first + "\n" + second + "\n")
    assert count == 1 and joined.split("\n")[1].endswith("认领事项。")
    assert "编制政务服务事项基本目录" in joined and "\n2、" not in joined
    # Numbered items that each end a sentence are items, not a file's pages; no site, no chunks.
    items = site + first[:-3] + "。\n" + second + "\n"
    assert join_shared_chunks(items) == (items, 0)
    assert join_shared_chunks(first + "\n" + second + "\n")[1] == 0
    plan = parse((site + first + "\n" + second + "\n").encode())
    assert [n.path for n in plan.nodes] == [["一"], ["一", "(一)"], ["一", "(二)"]]
    assert [u.name for u in plan.nodes[1].units] == ["省政府办公厅", "省级部门"]


def test_a_sharing_sites_shorter_pages_and_its_uploaded_wording() -> None:
    from luoshi.plandoc.reflow import join_shared_chunks

    site = "《城管局关于餐厨废弃物处置工作方案》由会员上传分享,免费在线阅读,更多相关内容在工程资料-天天文库。\n"
    first = "1、城管局关于餐厨废弃物处置工作方案为维护城市市容环境,特制定本方案。" \
        + "一、指导思想坚持集中整治和长效管理。" * 8 + "无害化处"
    second = "2、理。二、工作目标建立覆盖全市的收运体系。"
    joined, count = join_shared_chunks(site + first + "\n" + second + "\n")
    assert count == 1 and "无害化处理。二、工作目标" in joined
