"""Numbers as work plans write them: Arabic, full-width, grouped, Chinese, digit-by-digit years."""

from __future__ import annotations

import pytest

from luoshi.plandoc.numerals import cn_digit_year, parse_number


@pytest.mark.parametrize(("text", "value"), [
    ("3000", 3000), ("1,000", 1000), ("12,345.5", 12345.5), ("2.4", 2.4), ("１８", 18), (" 58 ", 58),
    ("十", 10), ("十二", 12), ("二十", 20), ("一百二十", 120), ("一百零五", 105), ("一千零二十", 1020),
    ("三千", 3000), ("两", 2), ("两万", 20000), ("一万二", 12000), ("三千五", 3500), ("一百二", 120),
    ("一亿二千万", 120_000_000), ("〇", 0), ("零", 0), ("二〇一八", 2018), ("二点五", 2.5),
    ("壹佰贰拾", 120),
])
def test_it_parses_arabic_and_chinese_numerals(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", [
    "", "   ", "abc", "1.5万", "3500万", "15%", "1,00", "百", "千", "万", "百家", "千百万", "二二十",
    "十十", "一二", "万万", "2.4.1", "第一", "点五", "二点", "1e5", "-3",
])
def test_it_rejects_what_is_not_one_number(text: str) -> None:
    # 1.5万 is left to the target extractor, which keeps 万 in the unit (1.5, "万人").
    assert parse_number(text) is None


@pytest.mark.parametrize(("text", "year"), [
    ("二〇一八", 2018), ("二零一九", 2019), ("2018", 2018), ("２０１８", 2018), ("二○二○", 2020),
])
def test_it_reads_years_digit_by_digit(text: str, year: int) -> None:
    assert cn_digit_year(text) == year


@pytest.mark.parametrize("text", ["二〇一", "二千零一十八", "201８x", "", "二〇一八年"])
def test_it_rejects_other_year_forms(text: str) -> None:
    assert cn_digit_year(text) is None
