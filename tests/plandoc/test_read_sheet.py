"""Excel task tables: every visible sheet, merged cells in their first cell, values as people typed them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from luoshi.plandoc.errors import UnsupportedInput
from luoshi.plandoc.read import read_bytes, read_path
from luoshi.plandoc.read_sheet import cell_text

FORMATS = Path(__file__).parent / "fixtures" / "formats"


def test_it_reads_a_task_table_with_a_merged_title_and_category_column() -> None:
    source = read_path(FORMATS / "tasks.xlsx")
    assert (source.format, source.encoding) == ("xlsx", None)
    assert source.text == (
        "2018年重点任务分解表\t\t\t\t\t\n"
        "序号\t类别\t重点任务\t牵头单位\t完成时限\t目标\n"
        "1\t科技创新\t建设大连技术专利公开交易市场\t市科技局\t2018年12月31日\t15%\n"
        "2\t〃\t组建4个重点产业 知识产权联盟\t市科技局、市财政局\t2018年6月底\t\n"
        "3\t人才\t引进海外优秀项目专家1000人次\t市人社局\t2019年3月31日\t2.5%\n"
        "\n"
        "填表说明：完成时限填写到日。\n")
    assert source.warnings == ["已跳过隐藏的工作表“隐藏”"]


@pytest.mark.parametrize(("value", "number_format", "expected"), [
    (None, None, ""), (1.0, "General", "1"), (2.5, None, "2.5"), (0.1 + 0.2, None, "0.3"), (7, None, "7"),
    (0.15, "0%", "15%"), (0.025, "0.0%", "2.5%"), (dt.datetime(2018, 12, 31), "yyyy-mm-dd", "2018年12月31日"),
    (dt.datetime(2018, 5, 16, 9, 30), None, "2018年5月16日 09:30"), (dt.date(2019, 1, 2), None, "2019年1月2日"),
    (True, None, "是"), ("  市科技局\n市财政局\t ", None, "市科技局 市财政局"), (float("nan"), None, ""),
])
def test_it_writes_cell_values_as_a_person_reads_them(value: object, number_format: str | None,
                                                       expected: str) -> None:
    assert cell_text(value, number_format) == expected


def test_it_reports_a_workbook_with_broken_xml_as_unreadable() -> None:
    source = zipfile.ZipFile(FORMATS / "tasks.xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, b"<workbook><broken" if info.filename == "xl/workbook.xml" else content)
    with pytest.raises(UnsupportedInput) as caught:
        read_bytes(buffer.getvalue())
    assert "Excel" in str(caught.value) and "\n" not in str(caught.value)
