"""Deadline phrases in prose, deadline cells with cadences, and plain calendar dates."""

from __future__ import annotations

import pytest

from luoshi.plandoc.dates import find_date, find_deadline, find_labelled_deadline, parse_deadline


@pytest.mark.parametrize(("text", "phrase", "date"), [
    ("2018年底前完成", "2018年底前", "2018-12-31"),
    ("年底前完成", "年底前", "2018-12-31"),
    ("于2018年年底前建成", "2018年年底前", "2018-12-31"),
    ("6月底前出台", "6月底前", "2018-06-30"),
    ("六月底前出台", "六月底前", "2018-06-30"),
    ("2019年6月30日前完成", "2019年6月30日前", "2019-06-30"),
    ("年内开发研制新产品100项", "年内", "2018-12-31"),
    ("上半年启动", "上半年", "2018-06-30"),
    ("下半年验收", "下半年", "2018-12-31"),
    ("三季度末前完成", "三季度末前", "2018-09-30"),
    ("2018年前三季度", "2018年前三季度", "2018-09-30"),
    ("2018年底,全市高新技术企业超过1000家", "2018年底", "2018-12-31"),
    ("2019年6月底前完成", "2019年6月底前", "2019-06-30"),
    ("9月中旬前报送", "9月中旬前", "2018-09-20"),
    ("2020年2月底前", "2020年2月底前", "2020-02-29"),
    ("到2020年,建成", "到2020年", "2020-12-31"),
    ("2018-09-30前", "2018-09-30前", "2018-09-30"),
])
def test_it_finds_the_deadline_phrase_and_its_last_day(text: str, phrase: str, date: str) -> None:
    found = find_deadline(text, default_year=2018)
    assert found is not None
    assert (found.text, found.date) == (phrase, date)
    assert found.span is not None and text[found.span[0]:found.span[1]] == phrase


def test_it_leaves_the_date_empty_when_the_year_is_unknown() -> None:
    found = find_deadline("力争年底前建成,6月底前启动")
    assert found is not None and (found.text, found.date) == ("年底前", None)


def test_it_takes_the_first_phrase_and_the_year_stated_earlier() -> None:
    found = find_deadline("2019年启动建设,6月底前完成选址,年底前建成", default_year=2018)
    assert found is not None and (found.text, found.date) == ("6月底前", "2019-06-30")


@pytest.mark.parametrize("text", [
    "持续推进简政放权、放管结合、优化服务改革",   # a standing duty in prose is no deadline
    "长期坚持,纳入年度考核",
    "完成2000年以前建成的老旧小区改造300个",      # a date describing the houses, not the task
    "三年内完成",                                  # a duration, not this year
    "在2017年1月1日至2019年12月31日期间,再按照实际发生额的75%在税前加计扣除",
    "举办2018年大连市第十六届创业就业博览会",
    "按照《三年行动计划(2017-2019年底前)》要求",   # a title's own dates
    "2月30日前", "", "十九大",
])
def test_it_finds_no_deadline_where_there_is_none(text: str) -> None:
    assert find_deadline(text, default_year=2018) is None


@pytest.mark.parametrize(("text", "phrase", "cadence"), [
    ("将科技创新工作纳入综合考核,每季度通报进展情况。", "每季度", "quarterly"),
    ("督查室每月开展一次暗访督查,结果纳入乡镇年度绩效考核。", "每月", "monthly"),
    ("每半年报送一次", "每半年", "half-yearly"),
])
def test_it_reads_a_reporting_rhythm_in_prose_as_a_cadence(text: str, phrase: str, cadence: str) -> None:
    found = find_deadline(text, default_year=2018)
    assert found is not None and (found.text, found.date, found.cadence) == (phrase, None, cadence)


def test_it_prefers_a_date_and_keeps_a_rhythm_right_before_it() -> None:
    found = find_deadline("每季度通报,年底前完成", default_year=2018)
    assert found is not None and (found.text, found.date, found.cadence) == ("年底前", "2018-12-31", None)
    found = find_deadline("每年12月底前报送总结", default_year=2018)
    assert found is not None and (found.text, found.date, found.cadence) == ("每年12月底前", "2018-12-31", "annual")


@pytest.mark.parametrize(("text", "value", "date", "cadence"), [
    ("完成时限：长期坚持", "长期坚持", None, "ongoing"),
    ("1．出台办法。完成时限：6月底前", "6月底前", "2019-06-30", None),
    ("牵头单位：市住建局　完成时限:2019年11月30日前　配合单位：市财政局", "2019年11月30日前", "2019-11-30", None),
    ("时间节点：每季度", "每季度", None, "quarterly"),
])
def test_it_reads_a_labelled_deadline_like_a_cell(text: str, value: str, date: str | None,
                                                  cadence: str | None) -> None:
    for found in (find_labelled_deadline(text, default_year=2019), find_deadline(text, default_year=2019)):
        assert found is not None and (found.text, found.date, found.cadence) == (value, date, cadence)
        assert found.span is not None and text[found.span[0]:found.span[1]] == value


def test_it_prefers_the_label_over_a_phrase_in_the_task_sentence() -> None:
    found = find_deadline("年内回迁安置群众不少于2万人。完成时限：2019年11月30日前", default_year=2019)
    assert found is not None and found.date == "2019-11-30"
    assert find_labelled_deadline("年内回迁安置群众不少于2万人", default_year=2019) is None
    assert find_labelled_deadline("完成时限：待定", default_year=2019) is None


@pytest.mark.parametrize(("cell", "date"), [
    ("2018年12月", "2018-12-31"), ("2018.12", "2018-12-31"), ("2018-12-31", "2018-12-31"),
    ("2018年12月31日", "2018-12-31"), ("2018/6/30", "2018-06-30"), ("2018年6月底前启动，12月底前完成", "2018-12-31"),
    ("完成时限：2018年9月底", "2018-09-30"), ("2018年度", "2018-12-31"), ("12月", "2018-12-31"),
    ("2019年2月", "2019-02-28"), ("年底前", "2018-12-31"), ("三季度", "2018-09-30"),
])
def test_it_parses_deadline_cells_to_their_last_date(cell: str, date: str) -> None:
    deadline = parse_deadline(cell, default_year=2018)
    assert deadline.date == date
    assert deadline.text == cell.strip()


@pytest.mark.parametrize(("cell", "cadence"), [
    ("长期坚持", "ongoing"), ("长期", "ongoing"), ("持续推进", "ongoing"), ("持续开展", "ongoing"),
    ("常态化推进", "ongoing"), ("每月", "monthly"), ("每季度", "quarterly"), ("按季度", "quarterly"),
    ("每半年", "half-yearly"), ("每年", "annual"), ("年度", "annual"),
])
def test_it_reads_cadences_of_standing_duties(cell: str, cadence: str) -> None:
    deadline = parse_deadline(cell, default_year=2018)
    assert (deadline.date, deadline.cadence) == (None, cadence)


def test_it_keeps_both_a_cadence_and_a_date() -> None:
    deadline = parse_deadline("每年12月底前", default_year=2018)
    assert (deadline.date, deadline.cadence) == ("2018-12-31", "annual")


def test_it_does_not_read_a_year_cell_as_annual() -> None:
    assert parse_deadline("2018年度", default_year=2017).cadence is None


@pytest.mark.parametrize("cell", ["乱七八糟", "", "   ", "2018年13月", "按要求", "12月32日"])
def test_it_returns_an_empty_deadline_for_unreadable_cells(cell: str) -> None:
    deadline = parse_deadline(cell)
    assert deadline.date is None and deadline.cadence is None
    assert deadline.text == cell.strip()


def test_it_spans_the_stripped_cell() -> None:
    assert parse_deadline("  2019年3月  ").span == (2, 9)


@pytest.mark.parametrize(("text", "iso", "span"), [
    ("大连市人民政府办公厅 2018年5月16日", "2018-05-16", (11, 21)),
    ("2018年05月16日", "2018-05-16", (0, 11)),
    ("2018-05-16", "2018-05-16", (0, 10)),
    ("二〇一八年五月十六日", "2018-05-16", (0, 10)),
    ("二〇一八年十二月三十一日", "2018-12-31", (0, 12)),
    ("发布于2018/5/6", "2018-05-06", (3, 11)),
])
def test_it_finds_full_calendar_dates(text: str, iso: str, span: tuple[int, int]) -> None:
    assert find_date(text) == (iso, span)


@pytest.mark.parametrize("text", ["2018年2月30日", "2018年5月", "5月16日", "2018-13-01", "", "x"])
def test_it_rejects_incomplete_or_impossible_dates(text: str) -> None:
    assert find_date(text) is None


def test_it_skips_an_impossible_date_for_a_later_real_one() -> None:
    assert find_date("2018年2月30日或2018年3月1日") == ("2018-03-01", (11, 20))


def test_it_stays_fast_on_hostile_input() -> None:
    assert find_deadline("2018年" * 20000) is None
    assert parse_deadline("年底前" * 20000, default_year=2018).date == "2018-12-31"
