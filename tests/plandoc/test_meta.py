"""Document metadata through parse(): cover notices, portal metadata blocks, titles, and plans without
a cover notice. Each document is a short plan of the genre; the expected values were read off by hand.
"""

from __future__ import annotations

import pytest

from luoshi.plandoc import Plan, parse

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
