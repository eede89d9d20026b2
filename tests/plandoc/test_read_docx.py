"""Word .docx: body text in order, tables as rows, automatic numbering rendered as labels."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from luoshi.plandoc import parse
from luoshi.plandoc.errors import UnsupportedInput
from luoshi.plandoc.normalize import halfwidth
from luoshi.plandoc.read import read_bytes, read_path
from luoshi.plandoc.read_docx import format_number
from tests.plandoc.conftest import MARKED_PLAN, MARKED_PLAN_FIRST_UNITS, MARKED_PLAN_PATHS, broken_at_margin

FORMATS = Path(__file__).parent / "fixtures" / "formats"
SEED = Path(__file__).parents[2] / "src" / "luoshi" / "plandoc" / "data" / "dalian-2018-innovation-workplan.txt"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def comparable_lines(text: str) -> list[str]:
    return [re.sub(r"\s+", "", halfwidth(line)) for line in text.splitlines() if line.strip()]


SEED_LINES = comparable_lines(SEED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["dalian.docx", "dalian.autonum.docx"])
def test_it_reads_the_dalian_docx_variants_as_the_seed_lines(name: str) -> None:
    source = read_path(FORMATS / name)
    assert (source.format, source.encoding, source.warnings) == ("docx", None, [])
    assert comparable_lines(source.text) == SEED_LINES


def test_it_leaves_out_headers_footers_comments_deletions_and_field_codes() -> None:
    text = read_path(FORMATS / "dalian.docx").text
    for absent in ("页眉", "页脚", "批注", "请核对文号", "已删除的文字", "MERGEFIELD"):
        assert absent not in text
    # The tracked insertion and the hyperlink's text are part of the body.
    assert comparable_lines(text)[4] == SEED_LINES[4]
    assert comparable_lines(text)[5] == SEED_LINES[5]


def test_it_renders_word_automatic_numbering_as_the_labels_a_reader_sees() -> None:
    lines = [line for line in read_path(FORMATS / "dalian.autonum.docx").text.splitlines() if line]
    assert "一、总体要求" in lines  # level 0 through the Heading 1 style
    assert "九、保障措施" in lines
    assert "（一）推动高新区实现引领型发展。" in lines
    assert "（三）围绕产业链部署创新链。" in lines  # level 1 does not restart under 四、
    assert any(line.startswith("5.支持以高新区、金普新区为核心") for line in lines)  # nor does level 2
    assert any(line.startswith("46.2018年,新增市级以上研发机构") for line in lines)
    first_subitems = [line for line in lines if line.startswith("（1）")]
    assert first_subitems[0].startswith("（1）强化区域控规")
    assert first_subitems[1].startswith("（1）完成处级以上事业单位的设置")  # restarted under task 2


def test_it_reads_a_task_table_with_merged_cells_and_numbered_cells() -> None:
    assert read_path(FORMATS / "tasks.docx").text == (
        "附件\n2018年重点任务分解表\n\n"
        "序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
        "一、科技创新\t\t\t\t\n"
        "1\t建设大连技术专利公开交易市场 （一期）\t市科技局\t市财政局 市发展改革委\t2018年12月底\n"
        "2\t组建4个重点产业知识产权联盟\t〃\t各区市县政府\t2018年6月30日\n"
        "3\t新增市级以上企业技术中心15家\t市经信委\t\t2018年底\n"
        "\n说明：完成时限为最迟时间。\n")


def _numbered_document(levels: str, nums: str, paragraphs: list[tuple[str, str | None, str]],
                       style_xml: str = "") -> bytes:
    """A docx whose paragraphs are (text, "numId:ilvl" or None, style id or "")."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for element in parse_xml(f'<w:numbering xmlns:w="{W}">{levels}{nums}</w:numbering>'):
        numbering.append(element)
    if style_xml:
        document.styles.element.append(parse_xml(style_xml))
    for text, reference, style in paragraphs:
        paragraph = document.add_paragraph(text)
        properties = paragraph._p.get_or_add_pPr()
        if style:
            properties.append(parse_xml(f'<w:pStyle xmlns:w="{W}" w:val="{style}"/>'))
        if reference:
            num_id, level = reference.split(":")
            properties.append(parse_xml(f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="{level}"/>'
                                        f'<w:numId w:val="{num_id}"/></w:numPr>'))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _level(index: int, number_format: str, text: str, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{index}"><w:start w:val="1"/><w:numFmt w:val="{number_format}"/>{extra}'
            f'<w:lvlText w:val="{text}"/></w:lvl>')


def test_it_applies_start_override_and_restarts_deeper_levels() -> None:
    levels = (f'<w:abstractNum w:abstractNumId="7">{_level(0, "chineseCounting", "%1、")}'
              f'{_level(1, "decimalEnclosedCircle", "%2")}</w:abstractNum>')
    nums = ('<w:num w:numId="7"><w:abstractNumId w:val="7"/></w:num>'
            '<w:num w:numId="8"><w:abstractNumId w:val="7"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="10"/></w:lvlOverride></w:num>')
    data = _numbered_document(levels, nums, [
        ("总体要求", "7:0", ""), ("甲", "7:1", ""), ("乙", "7:1", ""), ("主要目标", "7:0", ""),
        ("丙", "7:1", ""), ("不编号", None, ""), ("附则", "8:0", ""), ("丁", "8:1", ""), ("续", "7:0", "")])
    assert read_bytes(data).text.splitlines() == [
        "一、总体要求", "① 甲", "② 乙", "二、主要目标", "① 丙", "不编号", "十、附则", "① 丁", "三、续"]


def test_it_takes_numbering_from_the_paragraph_style_and_its_base_style() -> None:
    levels = (f'<w:abstractNum w:abstractNumId="3">{_level(0, "decimal", "%1.")}'
              f'{_level(1, "lowerLetter", "(%2)")}</w:abstractNum>')
    nums = '<w:num w:numId="3"><w:abstractNumId w:val="3"/></w:num>'
    styles = (f'<w:style xmlns:w="{W}" w:type="paragraph" w:styleId="TaskBase"><w:name w:val="Task Base"/>'
              '<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="3"/></w:numPr></w:pPr></w:style>')
    data = _numbered_document(levels, nums, [("一级", "3:0", ""), ("子项", None, "TaskBase"),
                                             ("子项二", None, "TaskBase"), ("取消编号", "0:0", "TaskBase")],
                              style_xml=styles)
    assert read_bytes(data).text.splitlines() == ["1.一级", "(a)子项", "(b)子项二", "取消编号"]


def test_it_keeps_a_level_counting_when_lvl_restart_is_zero() -> None:
    never_restart = '<w:lvlRestart w:val="0"/>'
    no_suffix = '<w:suff w:val="nothing"/>'
    levels = (f'<w:abstractNum w:abstractNumId="5">{_level(0, "chineseCounting", "%1、")}'
              f'{_level(1, "decimal", "%2.", extra=never_restart)}'
              f'{_level(2, "decimal", "%2.%3", extra=no_suffix)}</w:abstractNum>')
    nums = '<w:num w:numId="5"><w:abstractNumId w:val="5"/></w:num>'
    data = _numbered_document(levels, nums, [("甲", "5:0", ""), ("任务", "5:1", ""), ("细项", "5:2", ""),
                                             ("乙", "5:0", ""), ("任务", "5:1", ""), ("细项", "5:2", "")])
    assert read_bytes(data).text.splitlines() == ["一、甲", "1.任务", "1.1细项", "二、乙", "2.任务", "2.1细项"]


@pytest.mark.parametrize(("value", "number_format", "expected"), [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCounting", "二十"), (23, "chineseCountingThousand", "二十三"), (100, "chineseCounting", "一百"),
    (101, "chineseCounting", "一百零一"), (110, "chineseCounting", "一百一十"),
    (12, "chineseLegalSimplified", "壹拾贰"), (1, "ideographTraditional", "甲"), (11, "ideographTraditional", "甲"),
    (3, "decimalEnclosedCircle", "③"), (20, "decimalEnclosedCircle", "⑳"), (21, "decimalEnclosedCircle", "㉑"),
    (2, "decimalEnclosedParen", "⑵"), (28, "lowerLetter", "bb"), (4, "upperRoman", "IV"),
    (9, "lowerRoman", "ix"), (7, "decimalZero", "07"), (105, "ideographDigital", "一〇五"),
    (3, "bogusFormat", "3"),
])
def test_it_formats_counters_in_word_number_formats(value: int, number_format: str, expected: str) -> None:
    assert format_number(value, number_format) == expected


def _rewrite(name: str, member: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(FORMATS / name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == member else source.read(info.filename))
    return buffer.getvalue()


def test_it_reports_a_docx_with_broken_xml_as_damaged() -> None:
    with pytest.raises(UnsupportedInput, match="Word 文件已损坏"):
        read_bytes(_rewrite("tasks.docx", "word/document.xml", b"<w:document><unclosed"))


def test_it_reports_an_encrypted_docx() -> None:
    with pytest.raises(UnsupportedInput, match="文件已加密"):
        read_path(FORMATS / "encrypted.docx")


def test_it_joins_the_paragraphs_of_a_word_file_made_from_a_pdf_a_line_each() -> None:
    document = docx.Document()
    for line in broken_at_margin(MARKED_PLAN):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    plan = parse(buffer.getvalue(), filename="plan.docx")
    assert [tuple(n.path) for n in plan.nodes] == MARKED_PLAN_PATHS
    assert [(u.name, u.role) for u in plan.nodes[1].units] == MARKED_PLAN_FIRST_UNITS
