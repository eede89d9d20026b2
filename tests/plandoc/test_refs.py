"""《titles》 and 文号 (大政办发〔2017〕119号), alone or joined when the number follows the title."""

from __future__ import annotations

import pytest

from luoshi.plandoc.model import Ref
from luoshi.plandoc.refs import DOC_NUMBER_RE, find_doc_numbers, find_refs


def _pairs(text: str) -> list[tuple[str | None, str | None]]:
    return [(r.title, r.doc_number) for r in find_refs(text)]


@pytest.mark.parametrize("number", [
    "大政办发〔2017〕119号", "国发〔2015〕36号", "辽政办发〔2018〕5号", "财教〔2016〕113号",
    "国办发[2016]1号", "辽政办发（2018）5号", "大委发(2017)34号", "工信部联规〔2017〕1号",
])
def test_it_recognises_document_numbers_in_every_bracket_style(number: str) -> None:
    assert _pairs(f"根据{number}文件精神") == [(None, number)]
    assert DOC_NUMBER_RE.fullmatch(number)  # meta.py matches raw, not width-normalised, text


def test_it_joins_a_number_in_parentheses_to_the_title_before_it() -> None:
    text = "落实《大连市人民政府关于进一步推广和落实中关村科技政策的实施意见》(大政发〔2017〕16号),将财政"
    refs = find_refs(text)
    assert len(refs) == 1
    ref = refs[0]
    assert ref.title == "大连市人民政府关于进一步推广和落实中关村科技政策的实施意见"
    assert ref.doc_number == "大政发〔2017〕16号"
    assert ref.span is not None
    assert text[ref.span[0]:ref.span[1]].startswith("《") and text[ref.span[0]:ref.span[1]].endswith("号)")


def test_it_joins_a_number_followed_by_a_note_inside_the_parentheses() -> None:
    text = "完成《大连国家自主创新示范区三年行动计划(2017-2019年)》(大政办发〔2017〕119号文件印发)2018年各项指标任务"
    assert _pairs(text) == [("大连国家自主创新示范区三年行动计划(2017-2019年)", "大政办发〔2017〕119号")]
    assert text[find_refs(text)[0].span[1] - 1] == ")"  # type: ignore[index]


def test_it_joins_a_number_whose_year_is_in_round_brackets_too() -> None:
    assert _pairs("按照《若干措施》（辽政办发（2018）5号）执行") == [("若干措施", "辽政办发（2018）5号")]


def test_it_keeps_inner_angle_brackets_of_a_nested_title() -> None:
    text = "落实《中共大连市委印发〈关于深化人才发展体制机制改革的实施意见〉的通知》（大委发〔2017〕34号）"
    assert _pairs(text) == [("中共大连市委印发〈关于深化人才发展体制机制改革的实施意见〉的通知", "大委发〔2017〕34号")]


def test_it_reports_lone_titles_and_lone_numbers_in_text_order_without_deduplicating() -> None:
    text = "大政办发〔2018〕54号《关于印发工作计划的通知》;落实《若干政策措施》,按照《若干政策措施》(2018-2020年)执行"
    assert _pairs(text) == [
        (None, "大政办发〔2018〕54号"), ("关于印发工作计划的通知", None),
        ("若干政策措施", None), ("若干政策措施", None),
    ]
    spans = [r.span for r in find_refs(text)]
    assert spans == sorted(spans)  # type: ignore[type-var]


def test_it_trims_prose_lead_ins_from_the_issuer() -> None:
    assert find_doc_numbers("关于转发国发[2015]36号的通知") == [("国发[2015]36号", (4, 15))]
    assert find_doc_numbers("推进湘政办发〔2019〕60号文件精神落实") == [("湘政办发〔2019〕60号", (2, 15))]
    assert [n for n, _ in find_doc_numbers("贯彻落实辽政办发〔2018〕5号和财教〔2016〕113号")] == [
        "辽政办发〔2018〕5号", "财教〔2016〕113号"]


def test_it_treats_a_number_inside_a_title_as_part_of_the_title() -> None:
    assert _pairs("《关于转发国发〔2015〕36号文件的通知》") == [("关于转发国发〔2015〕36号文件的通知", None)]


@pytest.mark.parametrize("text", [
    "", "《未闭合的标题", "空标题《》", "》反向《", "2017年119号", "〔2017〕119号", "大政办发〔17〕119号",
    "第〔2017〕", "大政办发〔2017〕号", "《跨行\n标题》",
])
def test_it_finds_nothing_in_malformed_references(text: str) -> None:
    assert find_refs(text) == []


def test_it_recovers_a_title_after_an_unclosed_bracket() -> None:
    assert find_refs("《未闭合 《政策》") == [Ref("政策", None, (5, 9))]


def test_it_stays_fast_on_hostile_input() -> None:
    assert find_refs("《" * 20000) == []
    assert len(find_refs("《a》(大政发〔2017〕1号)" * 2000)) == 2000


def test_a_number_run_on_after_its_databases_key_leaves_the_key_out() -> None:
    from luoshi.plandoc.refs import find_doc_numbers

    assert [n for n, _ in find_doc_numbers("发文字号法办〔2019〕40号")] == ["法办〔2019〕40号"]
