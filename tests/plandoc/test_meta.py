"""Document metadata through parse(): cover notices, portal metadata blocks, titles, and plans without
a cover notice. Each document is a short plan of the genre; the expected values were read off by hand.
"""

from __future__ import annotations

import pytest

from luoshi.plandoc import Plan, parse
from luoshi.plandoc.lines import split_lines
from luoshi.plandoc.meta import extract_metadata

BODY = "一、总体要求\n1.推进重点工作。\n"

STATE_COUNCIL = """国务院办公厅关于印发全国深化“放管服”改革优化营商环境电视电话会议重点任务分工方案的通知
国办发〔2019〕39号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院同意，现将《全国深化“放管服”改革优化营商环境电视电话会议重点任务分工方案》印发给你们，请认真贯彻落实。
国务院办公厅
二〇一九年八月一日
（此件公开发布）
全国深化“放管服”改革优化营商环境电视电话会议重点任务分工方案
""" + BODY


def meta(plan: Plan) -> tuple[str, str | None, str | None, str | None, list[str]]:
    return plan.title, plan.doc_number, plan.issuer, plan.issued_on, plan.addressees


def test_it_reads_a_ministry_cover_notice() -> None:
    plan = parse(STATE_COUNCIL)
    assert meta(plan) == (
        "全国深化“放管服”改革优化营商环境电视电话会议重点任务分工方案", "国办发〔2019〕39号", "国务院办公厅",
        "2019-08-01", ["各省、自治区、直辖市人民政府", "国务院各部委、各直属机构"])
    assert plan.notice_title == "国务院办公厅关于印发全国深化“放管服”改革优化营商环境电视电话会议重点任务分工方案的通知"
    assert [n.label for n in plan.nodes] == ["一", "1"]  # the cover notice made no nodes


def test_it_reads_the_dalian_cover_notice(dalian: Plan) -> None:
    # The first line is the portal's "文号《notice title》"; addressees are separated by half-width commas.
    assert meta(dalian) == (
        "贯彻落实全面实施创新驱动发展战略加快建设东北亚科技创新创业创投中心意见2018年工作计划",
        "大政办发〔2018〕54号", "大连市人民政府办公厅", "2018-05-16",
        ["各区市县人民政府", "各先导区管委会", "市政府各有关部门", "各有关单位"])
    assert dalian.notice_title == (
        "大连市人民政府办公厅关于印发贯彻落实全面实施创新驱动发展战略加快建设东北亚科技创新创业创投中心意见"
        "2018年工作计划的通知")


@pytest.mark.parametrize(("line", "doc_number"), [
    ("川府发〔2019〕12号", "川府发〔2019〕12号"),
    ("鄂政办发[2019]12号", "鄂政办发[2019]12号"),
    ("湘政办发（2019）7号", "湘政办发（2019）7号"),
    ("国办函〔2019〕120号", "国办函〔2019〕120号"),
    ("京政发〔2019〕第5号", "京政发〔2019〕第5号"),
])
def test_it_reads_the_document_number_line(line: str, doc_number: str) -> None:
    plan = parse(f"某某市2019年重点工作实施方案\n{line}\n{BODY}")
    assert plan.doc_number == doc_number
    assert plan.title == "某某市2019年重点工作实施方案"


@pytest.mark.parametrize(("notice", "notice_title"), [
    ("某某市人民政府关于印发某某市2019年工作要点的通知", "某某市人民政府关于印发某某市2019年工作要点的通知"),
    ("某某市人民政府关于印发《某某市2019年工作要点》的通知", "某某市人民政府关于印发《某某市2019年工作要点》的通知"),
    # Portals wrap the whole title in 《》, and some put the 文号 in front of it.
    ("《某某市人民政府关于印发某某市2019年工作要点的通知》", "某某市人民政府关于印发某某市2019年工作要点的通知"),
    ("某政发〔2019〕1号《某某市人民政府关于印发某某市2019年工作要点的通知》",
     "某某市人民政府关于印发某某市2019年工作要点的通知"),
])
def test_it_reads_the_notice_title_with_or_without_brackets(notice: str, notice_title: str) -> None:
    plan = parse(f"{notice}\n各区县人民政府：\n{BODY}")
    assert plan.notice_title == notice_title
    assert plan.title == "某某市2019年工作要点"  # from the notice: no title line of its own
    assert plan.issuer == "某某市人民政府"  # from the notice title when there is no signature


@pytest.mark.parametrize(("line", "addressees"), [
    ("各区县人民政府、市政府各部门：", ["各区县人民政府", "市政府各部门"]),
    ("各区县人民政府，市政府各部门，各有关单位：", ["各区县人民政府", "市政府各部门", "各有关单位"]),
    # With ， present, 、 joins the parts of one addressee.
    ("各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
     ["各省、自治区、直辖市人民政府", "国务院各部委、各直属机构"]),
    # A 、 inside brackets never separates addressees.
    ("各县（市、区）人民政府：", ["各县（市、区）人民政府"]),
    ("各县（市、区）人民政府、市直各单位：", ["各县（市、区）人民政府", "市直各单位"]),
    ("各市（州）人民政府；省直各部门:", ["各市（州）人民政府", "省直各部门"]),
])
def test_it_splits_the_addressee_line(line: str, addressees: list[str]) -> None:
    plan = parse(f"某某市人民政府关于印发某某市2019年工作要点的通知\n{line}\n{BODY}")
    assert plan.addressees == addressees


@pytest.mark.parametrize(("date", "iso"), [
    ("二〇一九年三月一日", "2019-03-01"),
    ("二○一九年十二月三十一日", "2019-12-31"),  # ○ (white circle) typed for 〇
    ("2019年3月1日", "2019-03-01"),
    ("2019年03月01日", "2019-03-01"),
    ("（2019年3月1日）", "2019-03-01"),
])
def test_it_reads_the_signature(date: str, iso: str) -> None:
    text = ("各乡镇人民政府，县直各单位：\n"
            "经县政府同意，现将《某某县2019年脱贫攻坚工作计划》印发给你们，请认真贯彻执行。\n"
            f"某某县人民政府办公室\n{date}\n{BODY}")
    plan = parse(text)
    assert (plan.issuer, plan.issued_on) == ("某某县人民政府办公室", iso)


def test_it_does_not_take_a_date_inside_a_sentence_as_the_signature() -> None:
    plan = parse("某某市2019年春节保供工作方案\n为做好2019年2月5日春节期间市场供应，制定本方案。\n" + BODY)
    assert plan.issued_on is None and plan.issuer is None


def test_it_takes_the_title_from_the_forwarding_sentence() -> None:
    # No title line and no notice title: "现将《X》印发给你们" names the plan.
    text = ("各乡镇人民政府，县直各单位：\n"
            "经县政府同意，现将《某某县2019年脱贫攻坚工作计划》印发给你们，请认真贯彻执行。\n"
            "某某县人民政府办公室\n2019年3月1日\n" + BODY)
    assert parse(text).title == "某某县2019年脱贫攻坚工作计划"


def test_it_prefers_the_title_line_to_the_forwarding_sentence() -> None:
    text = ("各区县人民政府：\n现将《工作要点》印发给你们。\n某某市人民政府\n2019年3月1日\n"
            "某某市2019年科技创新工作要点\n" + BODY)
    assert parse(text).title == "某某市2019年科技创新工作要点"


PORTAL_LINES = """索引号：000014349/2019-00123
主题分类：综合政务　　体裁分类：方案
发文机关：湖北省人民政府办公厅　　成文日期：2019年03月01日
发文字号：鄂政办发〔2019〕12号　　发布日期：2019年03月05日
标题：省人民政府办公厅关于印发湖北省优化营商环境实施方案（2019—2020年）的通知
湖北省优化营商环境实施方案（2019—2020年）
""" + BODY


def test_it_reads_portal_key_value_lines() -> None:
    plan = parse(PORTAL_LINES)
    # 成文日期 is when it was issued, not 发布日期 (published on the portal).
    assert meta(plan) == ("湖北省优化营商环境实施方案（2019—2020年）", "鄂政办发〔2019〕12号", "湖北省人民政府办公厅",
                          "2019-03-01", [])
    # Values as written: the full-width brackets of the title stay.
    assert plan.notice_title == "省人民政府办公厅关于印发湖北省优化营商环境实施方案（2019—2020年）的通知"
    assert [n.label for n in plan.nodes] == ["一", "1"]


PORTAL_TABLE = """索引号\t000019974/2019-00078\t主题分类\t工业、通信业
发文机关\t工业和信息化部\t成文日期\t2019年05月20日
发文字号\t工信部规〔2019〕88号\t发布日期\t2019年05月22日
标题\t关于印发《工业互联网网络建设及推广指南（2019年版）》的通知
工业互联网网络建设及推广指南（2019年版）
""" + BODY


def test_it_reads_portal_key_tab_value_rows() -> None:
    plan = parse(PORTAL_TABLE)
    assert meta(plan) == ("工业互联网网络建设及推广指南（2019年版）", "工信部规〔2019〕88号", "工业和信息化部",
                          "2019-05-20", [])
    assert plan.notice_title == "关于印发《工业互联网网络建设及推广指南（2019年版）》的通知"


@pytest.mark.parametrize("title", [
    "湖北省优化营商环境实施方案（2019—2020年）",
    "湖北省优化营商环境实施方案(2019-2020年)",
    "某某市推进数字经济发展行动计划（试行）",
    "某某市2019年政府工作报告重点工作任务分解",
])
def test_it_keeps_a_trailing_year_range_or_status_in_the_title(title: str) -> None:
    plan = parse(f"{title}\n为推进工作，制定本方案。\n{BODY}")
    assert plan.title == title


def test_it_reads_a_plan_without_cover_notice() -> None:
    plan = parse("某某县2019年脱贫攻坚工作计划\n为做好2019年脱贫攻坚工作，制定本计划。\n"
                 "一、目标\n1.全年实现脱贫人口达到3000人。\n")
    assert meta(plan) == ("某某县2019年脱贫攻坚工作计划", None, None, None, [])
    assert plan.notice_title is None
    # The single year of the title is the year of targets that name none.
    assert [(t.value, t.year) for t in plan.nodes[1].targets] == [(3000, 2019)]


def test_it_reads_no_metadata_from_a_bare_list_of_tasks() -> None:
    plan = parse(BODY)
    assert meta(plan) == ("", None, None, None, [])
    assert plan.notice_title is None


# -- Portal rows written other ways -------------------------------------------------------------------

@pytest.mark.parametrize("rows", [
    # "key: value" with half-width colons, as one portal writes its rows
    "标题: 关于印发《某某区2020年农村公路养护工作方案》的通知\n文号: 某府办发〔2020〕3号\n"
    "发布单位: 某某区人民政府办公室\n成文日期: 2020-08-21\n",
    # full-width colons and spaces inside the labels ("标 题：", "索 引 号：", ideographic spaces)
    "索 引 号：00123-2020-0045\n标 题：关于印发《某某区2020年农村公路养护工作方案》的通知\n"
    "发 文 字 号：某府办发〔2020〕3号\n发文机关：某某区人民政府办公室\n成　文　日　期：2020年8月21日\n",
    # key TAB value, spaced labels
    "标 题\t关于印发《某某区2020年农村公路养护工作方案》的通知\n文　号\t某府办发〔2020〕3号\n"
    "发布单位\t某某区人民政府办公室\t成文日期\t2020-08-21\n",
])
def test_it_reads_portal_rows_in_every_label_style(rows: str) -> None:
    plan = parse(rows + BODY)
    # No title line of its own: the plan the 标题 row's notice names, without the label.
    assert meta(plan) == ("某某区2020年农村公路养护工作方案", "某府办发〔2020〕3号", "某某区人民政府办公室",
                          "2020-08-21", [])
    assert plan.notice_title == "关于印发《某某区2020年农村公路养护工作方案》的通知"


def test_a_portal_classification_row_is_no_part_of_the_title_below_it() -> None:
    rows = ("名 称: 某某区2020年农村公路养护工作方案\n分 类: 其他;通知;交通、运输\n发文日期: 2020年08月21日\n"
            "2020年农村公路养护工作方案\n")
    assert parse(rows + BODY).title == "2020年农村公路养护工作方案"   # the heading, the 分类 row left out


COVER = ("关于印发《某某区2020年农村公路养护工作方案》的通知\n各街道办事处，区政府各委、办、局：\n"
         "为贯彻《国务院办公厅关于深化农村公路管理养护体制改革的意见》（国办发〔2019〕45号），现将《某某区2020年"
         "农村公路养护工作方案》印发给你们，请认真按照执行。\n某某区人民政府办公室\n2020年8月3日\n"
         "某某区2020年农村公路养护工作方案\n")


def test_a_portal_row_wins_over_the_body() -> None:
    plan = parse("文号: 某府办发〔2020〕3号\n发布单位: 上海市某某区人民政府办公室\n" + COVER + BODY)
    assert (plan.doc_number, plan.issuer) == ("某府办发〔2020〕3号", "上海市某某区人民政府办公室")


# -- The document's own 文号, not one it cites ---------------------------------------------------------

def test_it_takes_no_doc_number_cited_inside_a_sentence() -> None:
    assert parse(COVER + BODY).doc_number is None


@pytest.mark.parametrize("line", [
    "某府办发〔2020〕3号", "（某府办发〔2020〕3号）", "某府办发〔2020〕3号　签发人：张三"])
def test_it_takes_the_doc_number_line_under_the_title_not_the_cited_one(line: str) -> None:
    first, rest = COVER.split("\n", 1)
    assert parse(f"{first}\n{line}\n{rest}{BODY}").doc_number == "某府办发〔2020〕3号"


def test_it_takes_no_doc_number_named_in_the_notice_title() -> None:
    plan = parse("某某市人民政府关于转发国发〔2015〕36号文件的通知\n各区县人民政府：\n" + BODY)
    assert plan.doc_number is None


def test_a_doc_number_line_after_the_cover_sentence_belongs_to_the_forwarded_document() -> None:
    text = ("某某市人民政府办公厅关于转发国务院办公厅文件的通知\n各区县人民政府：\n"
            "现将《国务院办公厅关于加强农村公路养护的意见》转发给你们，请认真贯彻执行。\n"
            "国务院办公厅关于加强农村公路养护的意见\n国办发〔2019〕45号\n" + BODY)
    assert parse(text).doc_number is None


# -- The date: 成文日期, else the signature, else the portal's 发布日期 -----------------------------------

@pytest.mark.parametrize(("rows", "issued_on"), [
    ("成文日期: 2020-07-30\n发布日期: 2020-08-10\n", "2020-07-30"),  # the portal's 成文日期 beats the signature
    ("发布日期: 2020-08-10\n", "2020-08-03"),  # published later than signed: the signature's date
    ("", "2020-08-03"),
])
def test_it_dates_the_document_from_the_portal_or_the_signature(rows: str, issued_on: str) -> None:
    assert parse(rows + COVER + BODY).issued_on == issued_on


def test_it_dates_the_document_from_the_portal_publication_row_when_unsigned() -> None:
    plan = parse("标题: 关于转发区消防支队《某某区消防救援发展三年行动计划》的通知\n发布日期: 2019-08-21\n"
                 "区政府各委、办、局：\n区消防支队《某某区消防救援发展三年行动计划》已经区政府同意，现转发给你们。\n"
                 + BODY)
    assert (plan.issued_on, plan.title) == ("2019-08-21", "某某区消防救援发展三年行动计划")


def test_it_reads_the_signature_from_the_closing_lines() -> None:
    """A plan issued without a cover notice is signed at its end; the caller passes those lines."""
    preamble = split_lines("某某市人民政府办公厅关于科学绿化的实施意见\n各区人民政府：\n")
    closing = split_lines("（四）强化科技支撑。建设观测研究站。\n某某市人民政府办公厅\n2022年12月28日\n")
    found = extract_metadata(preamble, closing=closing)
    assert (found.issuer, found.issued_on) == ("某某市人民政府办公厅", "2022-12-28")
    # A date alone at the end with no organisation above it (a table's last cell) is no signature.
    assert extract_metadata(preamble, closing=split_lines("完成时限\n2022年12月28日\n")).issued_on is None
    # The cover notice's signature wins over the closing lines.
    signed = split_lines("各区人民政府：\n现将《某某方案》印发给你们。\n某某市人民政府\n2022年12月1日\n")
    assert extract_metadata(signed, closing=closing).issued_on == "2022-12-01"


# -- Titles wrapped over two lines ------------------------------------------------------------------------

@pytest.mark.parametrize(("first", "second"), [
    ("2026年某某区建筑垃圾运输行业", "“清水行动”工作方案"),
    ("某某镇城镇房屋安全隐患排查整治", "工作方案"),
    ("关于贯彻《某某市生活垃圾管理条例》", "推进全程分类体系建设的实施方案"),
    ("某某区生活垃圾全程分类体系建设", "三年行动计划（2018—2020年）"),
    ("某某市人民政府办公厅", "关于科学绿化的实施意见"),  # issuer + 关于…: one heading
    ("房县2022年度大气污染防治攻坚行动", "实 施 方 案"),  # the last line spaced out to fill the line
    # a bureau's plan carrying out its superiors' points: the first half ends on an office, not a signature
    ("某某市医疗保障局贯彻落实国务院办公厅省政府办公厅市政府办公室", "2022年政务公开工作要点分工方案"),
])
def test_it_joins_a_title_wrapped_over_two_lines(first: str, second: str) -> None:
    text = ("各街道办事处：\n现将方案印发给你们，请认真按照执行。\n特此通知。\n某某区人民政府办公室\n2021年7月2日\n"
            f"{first}\n{second}\n为做好工作，制定本方案。\n" + BODY)
    assert parse(text).title == first + second.replace(" ", "")


def test_it_joins_a_year_range_wrapped_below_the_title() -> None:
    text = "某某区消防救援发展三年行动计划\n（2019—2021）\n为做好工作，制定本计划。\n" + BODY
    assert parse(text).title == "某某区消防救援发展三年行动计划（2019—2021）"


@pytest.mark.parametrize("above", [
    "2021年7月2日",  # the signature date
    "特此通知",
    "（此件公开发布）",
    "某某区人民政府办公室",  # a signature without date above a heading that does not go on with 关于
    "请认真按照执行。",
    "某某区2021年道路养护工作方案",  # a complete title of its own
    "某府办发〔2021〕5号",
    "2021年2月",  # a signature date without its day
    "2024227",  # a signature date a mirror stripped of 年月日
    "2017-08-24 17:04",  # a page's timestamp
    "侵权投诉",  # a page's link, as short as no first half of a title is
    "展开",
    "政府信息公开",  # the portal's column the page sits in
    "通知公告",
    "首页 / 文件汇编/ 正文",  # a breadcrumb set apart by slashes
])
def test_it_does_not_join_a_title_to_the_line_above_it(above: str) -> None:
    text = f"各街道办事处：\n现将方案印发给你们。\n{above}\n某某区城镇房屋安全隐患排查整治工作方案\n" + BODY
    assert parse(text).title == "某某区城镇房屋安全隐患排查整治工作方案"


def test_a_signer_run_on_after_the_doc_number_before_the_title_is_no_part_of_it() -> None:
    text = "呼综治委〔2014〕5 号 签发人:赵江涛 呼和浩特市“平安建设工程”实施方案\n" + BODY
    assert parse(text).title == "呼和浩特市“平安建设工程”实施方案"


def test_it_reads_the_title_once_when_a_page_shows_it_whole_between_the_halves_of_a_wrapped_copy() -> None:
    title = "2021年省政府工作报告重点工作涉杭任务和市政府工作报告重点工作责任分解"
    text = f"{title}\n2021年省政府工作报告重点工作涉杭任务\n{title}\n和市政府工作报告重点工作责任分解\n" + BODY
    assert parse(text).title == title


def test_it_takes_the_plan_title_a_notice_sends_in_angle_brackets_inside_the_pages_title_marks() -> None:
    text = ("《中共某省委办公厅某省人民政府办公厅印发〈关于鼓励引导人才向基层一线流动的若干措施〉的通知》\n"
            "某办发〔2019〕29号\n为深入贯彻落实有关精神，制定如下措施。\n" + BODY)
    assert parse(text).title == "关于鼓励引导人才向基层一线流动的若干措施"


def _notice(first_line: str, signature: str, title: str) -> str:
    """A State Council notice sending a plan: its first line, addressees, cover sentence, signature, title."""
    return (f"{first_line}\n各省、自治区、直辖市人民政府：\n《{title}》已经国务院同意，现印发给你们，请认真贯彻执行。\n"
            f"{signature}\n{title}\n" + BODY)


def test_a_signature_date_with_its_publication_note_is_no_part_of_the_title() -> None:
    plan = parse(_notice("国办发〔2017〕37号", "国务院办公厅\n2017年4月25日 （此件公开发布）",
                         "深化医药卫生体制改革2017年重点工作任务"))
    assert (plan.title, plan.issued_on) == ("深化医药卫生体制改革2017年重点工作任务", "2017-04-25")


def test_a_signature_and_its_date_on_one_line_and_a_notice_title_closed_by_its_own_number() -> None:
    plan = parse(_notice("国务院办公厅关于印发2016年食品安全重点工作安排的通知（国办发〔2016〕30号）",
                         "国务院办公厅 2016年4月27日", "2016年食品安全重点工作安排"))
    assert (plan.doc_number, plan.issued_on, plan.issuer) == ("国办发〔2016〕30号", "2016-04-27", "国务院办公厅")


def test_it_joins_a_notice_title_wrapped_inside_its_brackets() -> None:
    text = ("某某市交通委、某某海事局\n关于印发《某某港提高靠港船舶岸电\n使用率实施方案（2023年）》的通知\n"
            "各相关单位：\n" + BODY)
    plan = parse(text)
    assert plan.notice_title == "关于印发《某某港提高靠港船舶岸电使用率实施方案（2023年）》的通知"
    assert plan.title == "某某港提高靠港船舶岸电使用率实施方案（2023年）"


@pytest.mark.parametrize(("notice", "title"), [
    ("某某区人民政府办公室关于转发区消防支队《某某区消防救援发展三年行动计划（2019—2021）》的通知",
     "某某区消防救援发展三年行动计划（2019—2021）"),
    ("某某市人民政府办公厅印发《关于进一步减少本市道路交通事故的意见》的通知", "关于进一步减少本市道路交通事故的意见"),
    # The 《》 here is a regulation the plan carries out, not the plan.
    ("某某区人民政府办公室关于印发贯彻《某某市生活垃圾管理条例》推进分类体系建设实施方案的通知",
     "贯彻《某某市生活垃圾管理条例》推进分类体系建设实施方案"),
])
def test_it_takes_the_plan_the_notice_title_names(notice: str, title: str) -> None:
    assert parse(f"{notice}\n各区人民政府：\n{BODY}").title == title


@pytest.mark.parametrize("signers", [
    "某某市交通委员会\n某某市发展和改革委员会",  # one organisation a line
    "某某市交通委员会    某某市发展和改革委员会",  # spaced out on one line
])
def test_it_joins_the_organisations_signing_jointly(signers: str) -> None:
    text = (f"各有关单位：\n现将《某某方案》印发给你们，请遵照执行。\n特此通知。\n{signers}\n2023年6月15日\n"
            "某某方案\n" + BODY)
    plan = parse(text)
    assert (plan.issuer, plan.issued_on) == ("某某市交通委员会、某某市发展和改革委员会", "2023-06-15")


@pytest.mark.parametrize("rows", [
    "文件编号: | 盐政办发〔2022〕16号 | 组配分类: | 政府工作报告 |\n",
    "  • 文件编号:盐政办发〔2022〕16号\n  • 发布单位:县政府办公室\n",
    "发布机构 县政府办公室 文    号 盐政办发〔2022〕16号\n",
    "发布文号 | 盐政办发〔2022〕16号 |\n",
    "發文字號: 盐政办发〔2022〕16號\n",
    "发文机构:  发文文号:  盐政办发〔2022〕16号\n",
    "• 发文序号:盐政办发〔2022〕16 号\n",
])
def test_it_reads_the_number_from_portal_rows_of_every_layout(rows: str) -> None:
    plan = parse(rows + "海盐县政府工作报告2022年重点工作责任分解\n" + BODY)
    # As written: 號 stays 號, a space before 号 stays.
    assert plan.doc_number.replace("號", "号").replace(" ", "") == "盐政办发〔2022〕16号"   # type: ignore[union-attr]
    assert plan.title == "海盐县政府工作报告2022年重点工作责任分解"


def test_a_sentence_opening_with_a_key_word_is_not_a_portal_row() -> None:
    plan = parse("某市2022年工作方案\n" + BODY + "标题 应当简明。\n")
    assert plan.doc_number is None


@pytest.mark.parametrize(("head", "title"), [
    ("国务院关于落实《政府工作报告》\n重点工作部门分工的意见\n国发〔2020〕6号\n",
     "国务院关于落实《政府工作报告》重点工作部门分工的意见"),
    ("【市政府重点工作及责任分解】某市人民政府关于2020年市政府重点工作及责任分解的通知\n",
     "某市人民政府关于2020年市政府重点工作及责任分解的通知"),
    ("• 县卫健委2021年政府工作报告任务分解\n", "县卫健委2021年政府工作报告任务分解"),
    ("政策动态 | 关于打造高能级产业发展平台的若干政策意见\n", "关于打造高能级产业发展平台的若干政策意见"),
    ("(湖北省)2023年咸宁市政府工作报告主要目标任务责任分解方案\n", "2023年咸宁市政府工作报告主要目标任务责任分解方案"),
    ("加快推进工业经济高质量发展若干政策\n", "加快推进工业经济高质量发展若干政策"),
    # A public report on what was done names the plan it reports on.
    ("漯河市2024年民生实事完成情况\n", "漯河市2024年民生实事完成情况"),
    ("2023年度省政府民生实事涉我区工作任务一季度进展情况\n", "2023年度省政府民生实事涉我区工作任务一季度进展情况"),
])
def test_it_reads_titles_wrapped_after_a_quoted_name_or_tagged_by_a_portal(head: str, title: str) -> None:
    assert parse(head + BODY).title == title


def test_portal_rows_without_colons_and_a_breadcrumb_stay_out_of_the_title() -> None:
    plan = parse("当前位置首页\n> 政务公开 > 法定主动公开内容 > 重点领域 > 乡村振兴\n"
                 "发布机构 金乡县农业农村局 组配分类 政策和解读\n成文日期 2021-04-20 废止日期\n有效性\n"
                 "2021年全县乡村振兴工作重点任务清单\n" + BODY)
    assert plan.title == "2021年全县乡村振兴工作重点任务清单"
    assert (plan.issued_on, plan.issuer) == ("2021-04-20", "金乡县农业农村局")


def test_a_tax_sites_header_gives_the_title_without_its_number_and_the_date_of_issue() -> None:
    plan = parse("国办发[2014]19号 国务院办公厅关于支持外贸稳定增长的若干意见\n发文时间:2014-05-04\n"
                 "文号:国办发[2014]19号\n时效性:全文有效\n各省、自治区、直辖市人民政府：\n" + BODY)
    assert plan.title == "国务院办公厅关于支持外贸稳定增长的若干意见"
    assert plan.issued_on == "2014-05-04"


@pytest.mark.parametrize("line, title", [
    ("国务院办公厅关于促进家政服务业 提 质 扩 容 的 意 见", "国务院办公厅关于促进家政服务业提质扩容的意见"),
    ("某某区城市更新 实 施 方 案", "某某区城市更新实施方案"),
    # Words set apart by spaces are not a spaced-out end.
    ("某某区 2024年 工作要点", "某某区 2024年 工作要点"),
])
def test_a_title_whose_end_is_spaced_out_to_fill_the_line_is_closed_up(line: str, title: str) -> None:
    assert parse(f"{line}\n国办发〔2019〕30号\n各省、自治区、直辖市人民政府：\n" + BODY).title == title


def test_a_table_header_cell_copied_on_its_own_line_is_no_title() -> None:
    text = ("某某区民政局2021年政务公开工作要点分工方案\n字体：[大] [中] [小]\n工作任务\n具体要求\n责任科室\n"
            "一、做好规划公开\n1.主动公开规划纲要。\n办公室\n")
    assert parse(text).title == "某某区民政局2021年政务公开工作要点分工方案"


def test_a_portal_box_giving_a_dispatch_date_before_the_signing_date_gives_the_signing_date() -> None:
    plan = parse("索引号:11532328-/2020-0813006 发文日期:2020年08月13日 文  号:元政发〔2020〕6号 "
                 "成文日期:2020年08月12日 发布机构:元谋县政府办\n某县养老服务体系建设实施方案\n" + BODY)
    assert plan.issued_on == "2020-08-12"
    assert plan.doc_number == "元政发〔2020〕6号"


@pytest.mark.parametrize("title", ["2022年区政府民生实事项目进展情况表(截至9月底)",
                                   "六安市1至9月份民生工程实施进度通报"])
def test_a_progress_tables_or_bulletins_title_is_the_title(title: str) -> None:
    plan = parse(f"{title}\n" + BODY)
    assert plan.title == title


def test_a_notice_publishing_a_list_gives_the_lists_title() -> None:
    plan = parse("关于公布枣庄市市中区人民政府2025年度重大行政决策事项目录的通知\n各镇人民政府，区政府各部门：\n"
                 "现将有关事项通知如下。\n" + BODY)
    assert plan.title == "枣庄市市中区人民政府2025年度重大行政决策事项目录"


def test_a_reports_title_its_subtitles_date_and_a_newspapers_editor_line_kept_out_of_a_title() -> None:
    plan = parse("当前位置: 首页 > 会议文件\n运城市人民政府关于2019年承诺民生实事办理情况的报告\n"
                 "—— 2019年10月28日在运城市第四届人民代表大会常务委员会第三十二次会议上\n" + BODY)
    assert (plan.title, plan.issued_on) == ("运城市人民政府关于2019年承诺民生实事办理情况的报告", "2019-10-28")
    plan = parse("2016年3月10日 星期四\n编辑:李永辉\n2016年市定10件民生实事及责任分工\n" + BODY)
    assert plan.title == "2016年市定10件民生实事及责任分工"


def test_a_pages_date_line_with_its_font_buttons_is_no_part_of_the_title_below_it() -> None:
    plan = parse("2017-12-15 00:00   [字号: ] 打印\n2017年1—11月十大民生工程项目实施进度表\n" + BODY)
    assert plan.title == "2017年1—11月十大民生工程项目实施进度表"


def test_a_document_sharing_sites_file_name_line_gives_the_title_without_its_extension() -> None:
    plan = parse("贯彻落实生活垃圾分类制度重点任务责任分工表.docx\n" + BODY)
    assert plan.title == "贯彻落实生活垃圾分类制度重点任务责任分工表"


def test_a_notices_date_run_on_with_the_title_below_it_is_the_date_not_part_of_the_title() -> None:
    plan = parse("自府办函〔2022〕21号\n各区、县人民政府: 现印发给你们,请认真贯彻执行。\n"
                 "2022年4月28日 自贡市2022年政务公开重点工作任务分工方案\n" + BODY)
    assert (plan.title, plan.issued_on) == ("自贡市2022年政务公开重点工作任务分工方案", "2022-04-28")


def test_a_signature_date_whose_copy_lost_the_characters_after_it_to_question_marks() -> None:
    plan = parse("某省政务公开工作安排\n辽宁省政务公开领导小组\n2019年7月15日??????? ??\n" + BODY)
    assert plan.issued_on == "2019-07-15"


def test_a_portals_validity_note_before_the_number_and_title_line() -> None:
    plan = parse("(失效)西政办发〔2017〕14号 北京市西城区人民政府办公室关于印发2017年政务公开工作要点的通知\n" + BODY)
    assert plan.doc_number == "西政办发〔2017〕14号"


def test_a_title_wrapped_before_its_conjunction_is_joined_though_its_first_line_ends_like_a_title() -> None:
    plan = parse("吉林省2020年政务公开工作要点\n及重点任务分工\n" + BODY)
    assert plan.title == "吉林省2020年政务公开工作要点及重点任务分工"


def test_a_pages_bar_of_links_above_the_title_is_no_part_of_it() -> None:
    plan = parse("丨     网站无障碍 丨 关怀版\n\n和平区 2022 年政务公开工作要点\n\n发布日期:2022-06-30\n" + BODY)
    assert plan.title == "和平区 2022 年政务公开工作要点"


def test_a_legal_databases_rows_with_keys_in_lenticular_brackets() -> None:
    plan = parse("延安市科学技术局关于分解落实2018年重点工作任务的通知\n文章属性\n•【制定机关】延安市科学技术局\n"
                 "•【公布日期】2018.03.23\n•【字号】延市科发〔2018〕24号\n•【施行日期】2018.03.23\n" + BODY)
    assert (plan.doc_number, plan.issued_on) == ("延市科发〔2018〕24号", "2018-03-23")


def test_a_legal_databases_rows_behind_a_bullet_operator() -> None:
    plan = parse("吉林省人民政府办公厅关于应对疫情促进消费恢复的若干措施\n∙【发布部门】吉林省人民政府办公厅\n"
                 "∙【公布日期】2022.04.30\n∙【文号】吉政办明电〔2022〕15号\n" + BODY)
    assert (plan.doc_number, plan.issued_on) == ("吉政办明电〔2022〕15号", "2022-04-30")


def test_a_legal_databases_rows_run_on_after_the_title_leave_the_title() -> None:
    plan = parse("2015年国家级卫生城市\n通化市人民政府关于印发通化市2015年创建国家卫生城市实施方案的通知"
                 "【法规类别】卫生综合规定【发文字号】通市政明电[2015]7号【发布部门】通化市政府"
                 "【发布日期】2015.08.10【时效性】现行有效\n" + BODY)
    assert (plan.doc_number, plan.issued_on, plan.issuer) == ("通市政明电[2015]7号", "2015-08-10", "通化市政府")
    assert plan.title == "通化市2015年创建国家卫生城市实施方案"


def test_a_notice_title_wrapped_over_two_lines_with_a_portals_validity_note_after_it() -> None:
    plan = parse("东府〔2012〕28号\n关于落实东莞市国民经济和社会发展第十二个五年\n"
                 "规划纲要主要目标和任务工作分工的通知(已废止)\n各镇人民政府(街道办事处):\n" + BODY)
    assert plan.title == "关于落实东莞市国民经济和社会发展第十二个五年规划纲要主要目标和任务工作分工的通知"


def test_a_plans_title_wrapped_before_the_part_it_divides_is_joined() -> None:
    # The first line ends like a title ('…规划'); the second only says what of it is divided.
    plan = parse("2013年8月6日\n\n四川省基本公共服务体系“十二五”规划\n重点工作分工方案\n\n" + BODY)
    assert plan.title == "四川省基本公共服务体系“十二五”规划重点工作分工方案"


def test_a_doc_number_on_a_portals_bullet_line() -> None:
    plan = parse("四川省人民政府办公厅关于印发某方案的通知\n  • 来源: 省政府办公厅\n  • 川办函[2013]151号\n" + BODY)
    assert plan.doc_number == "川办函[2013]151号"


def test_a_gazettes_doc_number_and_date_of_issue_on_one_line() -> None:
    plan = parse("四川省人民政府\n关于落实《政府工作报告》重点工作\n部门分工的意见\n"
                 "川府发〔2011〕8号 二○一一年三月十七日\n省政府各部门:\n" + BODY)
    assert (plan.doc_number, plan.issued_on) == ("川府发〔2011〕8号", "2011-03-17")


def test_a_pages_metadata_keys_in_square_brackets_between_pipes() -> None:
    plan = parse("[索引号] | 11610824016087841N/2025-00040 | [ 主题分类 ] | 政务督查 |\n---|---|---|---|\n"
                 "[ 发布机构 ] | 靖边县人民政府办公室 | [ 发文日期 ] | 2025-02-28 |\n"
                 "[ 效力状态 ] | 有效 | [ 文 号 ] | 靖政发〔2025〕17号 |\n" + BODY)
    assert (plan.doc_number, plan.issuer, plan.issued_on) == (
        "靖政发〔2025〕17号", "靖边县人民政府办公室", "2025-02-28")


def test_a_notice_sending_a_plan_whose_title_it_quotes_with_angle_brackets_inside() -> None:
    plan = parse("某市人民政府办公厅关于印发2018年省《政府工作报告》涉及我市工作任务责任分解方案的通知\n"
                 "各区人民政府:\n现将《2018年省〈政府工作报告〉涉及我市工作任务责任分解方案》印发给你们,请一并贯彻执行。\n"
                 "一、各牵头单位要切实履行牵头责任。\n二、请各责任单位于2018年3月9日前报送落实措施。\n"
                 "某市人民政府办公厅\n2018年2月14日\n2018年省《政府工作报告》涉及我市工作任务责任分解方案\n" + BODY)
    assert plan.title == "2018年省《政府工作报告》涉及我市工作任务责任分解方案"
    assert plan.issued_on == "2018-02-14"


def test_a_portals_date_under_its_key_is_no_signature_date() -> None:
    plan = parse("交通运输部办公厅关于印发《2015年交通运输部政府信息公开工作要点》的通知\n文号\n交办办函〔2015〕388号\n"
                 "公开日期\n2015年06月18日\n主题分类\n政府信息公开\n部属各单位:\n"
                 "《2015年交通运输部政府信息公开工作要点》已经交通运输部同意,现印发给你们。\n交通运输部办公厅\n"
                 "2015年6月11日\n" + BODY)
    assert (plan.doc_number, plan.issued_on) == ("交办办函〔2015〕388号", "2015-06-11")


def test_a_pages_bulleted_posting_date_is_no_signature_date() -> None:
    plan = parse("某市人民政府关于印发2021年市政府工作报告部署工作责任分工的通知\n  • 听全文\n  • 2021-03-05\n"
                 "  • 来源: 某市人民政府办公厅\n穗府〔2021〕3号\n各区人民政府:\n现将分工印发给你们。\n某市人民政府\n"
                 "2021年2月23日\n" + BODY)
    assert plan.issued_on == "2021-02-23"


def test_a_law_databases_number_row_run_on_after_its_key() -> None:
    plan = parse("发文机关最高人民法院\n发文日期2019年02月21日\n时效性现行有效\n发文字号法办〔2019〕40号\n本院各单位:\n"
                 "现将分工方案印发给你们。\n最高人民法院办公厅\n2019年2月21日\n" + BODY)
    assert (plan.doc_number, plan.issued_on) == ("法办〔2019〕40号", "2019-02-21")


def test_a_plans_title_wrapped_over_three_lines_is_joined() -> None:
    plan = parse("荆州市沙市区人民政府\n2022年3月28日\n荆州市沙市区国民经济和\n"
                 "社会发展第十四个五年规划和二〇三五年远景\n目标纲要任务分工方案\n" + BODY)
    assert plan.title == "荆州市沙市区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要任务分工方案"


def test_a_page_saved_as_markdown_gives_its_doc_number_and_title() -> None:
    links = "搜索热词： " + " ".join(f"[热词{i}](http://search.gd.gov.cn/search/all/200001?keywords=%E7%A4%BE{i})"
                                   for i in range(8))
    text = (f"![](https://www.gz.gov.cn/global/logo.png)\n{links}\n"
            "# 广州市工业和信息化局关于印发《某某工作方案》的通知\n"
            "穗工信函〔2025〕255号\n**广州市工业和信息化局关于印发《某某工作方案》的通知**\n各区政府：\n现将方案印发给你们。\n"
            "**某某工作方案（2025-2027年）**\n" + BODY)
    plan = parse(text)
    assert (plan.title, plan.doc_number) == ("某某工作方案（2025-2027年）", "穗工信函〔2025〕255号")


def test_the_imprint_at_the_foot_dates_a_document_no_signature_dates() -> None:
    # 版记: the printing office and its date; a page that starts after the notice keeps only this at its end.
    imprint = "抄送:县委各部门、县人武部。 衡东县人民政府办公室 2016年6月22日印发\n"
    assert parse("四、工作保障\n(一)明确责任。县教育局负责统筹。\n" + imprint).issued_on == "2016-06-22"
    signed = "四、工作保障\n(一)明确责任。县教育局负责统筹。\n衡东县人民政府办公室\n2016年6月20日\n" + imprint
    assert parse(signed).issued_on == "2016-06-20"   # the signature's date wins over the printing day
    assert parse("四、工作保障\n(一)明确责任。2016年6月22日印发方案。\n").issued_on is None   # a sentence, no imprint


def test_a_red_header_notice_title_set_over_three_lines_under_its_issuers_name() -> None:
    lines = ["重庆市人民政府办公厅", "关于贯彻落实新形势下加强打击", "侵犯知识产权和制售假冒伪劣商品",
             "工作意见任务分工的通知"]
    plan = parse("\n".join(lines) + "\n渝府办发〔2017〕132号\n各区县(自治县)人民政府:\n" + BODY)
    assert plan.notice_title == "".join(lines)
    # Without 关于 heading the lines above, the last line is the title alone: a sentence ends the line before it.
    plan = parse("各区县人民政府：\n为做好有关工作，现印发如下。\n工作意见任务分工的通知\n" + BODY)
    assert plan.notice_title == "工作意见任务分工的通知"


def test_a_news_pages_headline_or_lead_names_the_plan_it_reports_and_dates_its_issue() -> None:
    plan = parse("制定经过\n2022年5月17日,天津市人民政府办公厅印发《天津市促进内外贸一体化发展若干措施》。\n" + BODY)
    assert (plan.title, plan.issued_on) == ("天津市促进内外贸一体化发展若干措施", "2022-05-17")
    plan = parse("123项!《上海市知识产权强市建设推进计划(2022—2023)》印发\n时间:2022-06-09 来源:上海知识产权\n" + BODY)
    assert plan.title == "上海市知识产权强市建设推进计划(2022—2023)"
    # A table's cell quoting a plan to be issued, a notice forwarding several: no title of the page.
    assert parse("重点工作: | 135.统筹违法建设治理。 |\n年度目标: | 印发《广州市违法建设治理工作方案》。\n"
                 + BODY).title != "广州市违法建设治理工作方案"
    forwarded = parse("各单位:\n现将《任务分解》《县政府重点工作任务分解》印发给你们。\n" + BODY)
    assert forwarded.title != "县政府重点工作任务分解"
