"""Text PDFs: page furniture dropped, wrapped lines joined, ruled tables read as rows, encrypted and scanned PDFs
refused clearly."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from luoshi.plandoc import read_pdf as read_pdf_module
from luoshi.plandoc.errors import UnsupportedInput
from luoshi.plandoc.normalize import halfwidth
from luoshi.plandoc.read import SourceText, read_bytes, read_path
from luoshi.plandoc.read_pdf import (
    _cell_text,
    _Piece,
    _rows_joined_across_pages,
    is_page_number,
)
from luoshi.plandoc.reflow import join_wrapped_lines

FORMATS = Path(__file__).parent / "fixtures" / "formats"
SEED = Path(__file__).parents[2] / "src" / "luoshi" / "plandoc" / "data" / "dalian-2018-innovation-workplan.txt"


# An official document's layout (GB/T 9704): A4, 16 pt serif, 28 characters a line, "— N —" at the foot.
OFFICIAL_CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-center { content: "— " counter(page) " —"; font: 14pt "Noto Serif CJK SC", serif; } }
body { font-family: "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 29pt; letter-spacing: -0.25pt; }
p { margin: 0; text-indent: 2em; text-align: justify; }
table { border-collapse: collapse; width: 100%; }
td { border: 0.5pt solid #000; padding: 2pt 3pt; vertical-align: top; font-size: 10.5pt; letter-spacing: 0; }
"""


def official_pdf(paragraphs: list[str | list[list[str]]], running_header: str = "") -> bytes:
    """A PDF made by WeasyPrint (a dependency of the project) in an official document's layout: a
    string is a paragraph, a list of rows a bordered table."""
    from weasyprint import HTML

    header = (f'@page {{ @top-center {{ content: "{running_header}"; font: 10.5pt "Noto Serif CJK SC"; }} }}'
              if running_header else "")
    body = "".join(f"<p>{block}</p>" if isinstance(block, str) else
                   "<table>" + "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
                                       for row in block) + "</table>"
                   for block in paragraphs)
    page = f"<html><head><meta charset='utf-8'><style>{OFFICIAL_CSS}{header}</style></head><body>{body}</body></html>"
    pdf: bytes = HTML(string=page).write_pdf()
    return pdf


def comparable_lines(text: str) -> list[str]:
    return [re.sub(r"\s+", "", halfwidth(line)) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def dalian_pdf() -> SourceText:
    return read_path(FORMATS / "dalian.pdf")


def test_it_reads_the_dalian_pdf_as_the_seed_lines(dalian_pdf: SourceText) -> None:
    # 44 A4 pages with a running header and "— N —" page numbers; every paragraph wrapped by the layout,
    # many right after 。 or ）, and some across pages.
    assert (dalian_pdf.format, dalian_pdf.warnings) == ("pdf", [])
    assert comparable_lines(dalian_pdf.text) == comparable_lines(SEED.read_text(encoding="utf-8"))


def test_it_drops_the_running_header_and_page_numbers(dalian_pdf: SourceText) -> None:
    assert "大连市人民政府办公厅文件" not in dalian_pdf.text
    assert not re.search(r"—\s*\d+\s*—", dalian_pdf.text)


@pytest.mark.parametrize("line", ["— 3 —", "- 3 -", "—3—", "－ 12 －", "第3页", "第 3 页 共 10 页", "第3页，共10页",
                                  "3/10", "7", " 12 ", "Page 3 of 10"])
def test_it_recognises_page_number_lines(line: str) -> None:
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["2018年", "3.5", "一、总体要求", "（3）", "第三条", "3/10/2018", "12345"])
def test_it_does_not_take_content_for_a_page_number(line: str) -> None:
    assert not is_page_number(line)


FULL = "一二三四五六七八九十一二三四五六七八九十"  # a full line of the layout


def test_it_joins_a_full_line_that_breaks_mid_sentence() -> None:
    assert join_wrapped_lines([FULL, "继续写完。", FULL + "。", "新的段落。"]) == [
        FULL + "继续写完。", FULL + "。", "新的段落。"]


def test_it_does_not_join_before_a_heading_label_or_after_a_short_line() -> None:
    lines = [FULL, "（二）加强保障", FULL, "1.任务", FULL, "第五条 附则", "短行", "接下来"]
    assert join_wrapped_lines(lines) == lines


def test_it_joins_after_punctuation_when_paragraphs_are_marked_by_indentation() -> None:
    lines = ["  " + FULL[:-2], FULL + "。", "（责任单位：市科技局）", "  下一段。", FULL + "。", "  再下一段。"]
    assert join_wrapped_lines(lines) == [
        FULL[:-2] + FULL + "。（责任单位：市科技局）", "下一段。", FULL + "。", "再下一段。"]


def test_it_drops_the_running_header_of_a_two_page_pdf() -> None:
    paragraphs = [f"{number}.第{number}项任务，加快推进。（责任单位：市科技局）" for number in range(1, 31)]
    data = official_pdf(paragraphs, running_header="某某市人民政府办公室文件")
    source = read_bytes(data)
    assert len(PdfReader(io.BytesIO(data)).pages) == 2
    assert "文件" not in source.text and "—" not in source.text
    assert source.text.splitlines() == paragraphs


def test_it_keeps_a_line_that_stands_at_an_edge_of_both_pages_and_in_the_text() -> None:
    # "牵头领导：王健" opens page 2 and closes page 1 but is also in the body: content, not a header.
    paragraphs = [f"{number}.第{number}项任务，加快推进。" if number % 3 else "牵头领导：王健"
                  for number in range(1, 33)]
    source = read_bytes(official_pdf(paragraphs))
    assert source.text.splitlines() == paragraphs


def test_it_reads_paragraph_starts_from_a_text_indent() -> None:
    # WeasyPrint indents first lines with text-indent, not with spaces: the line's position says it.
    # The first paragraph's first line (25 characters after the indent) ends with 。; its marker wraps.
    first = "（一）加强市场体系建设。推进高标准市场体系，全面。"
    assert len(first) == 25
    paragraphs = [first + "（责任单位：省发展改革委、省市场监管局）",
                  "（二）优化市场准入环境。（责任单位：省市场监管局）"]
    pdf = official_pdf(paragraphs)
    assert PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()[:2] == [
        first, "（责任单位：省发展改革委、省市场监管局）"]
    assert read_bytes(pdf).text.splitlines() == paragraphs


def test_it_keeps_lines_repeated_all_through_the_text_that_reach_the_page_edges() -> None:
    # A web table one cell per line between "|" lines: "|" stands at the edges of most pages, as a running
    # header would, but also everywhere between; the bare item numbers are not page numbers where the
    # pages are numbered "— N —". Pages of one-line paragraphs are all indented: the full line "…任务。"
    # is a paragraph of its own, not the start of one going on with "|".
    opening = "为深入贯彻落实市委、市政府决策部署，推动全区经济社会高质量发展，结合我区实际，制定本方案。" * 2
    items = [[str(number), "|", f"第{number:02d}项，主要污染物排放总量削减完成上级下达任务。", "|"]
             for number in range(1, 31)]
    paragraphs: list[str | list[list[str]]] = [opening] * 4 + [line for item in items for line in item]
    data = official_pdf(paragraphs)
    assert len(PdfReader(io.BytesIO(data)).pages) >= 4
    assert read_bytes(data).text.splitlines() == paragraphs


TASK_ROWS = [["序号", "主要任务", "完成时限", "责任单位", "配合单位"],
             ["1", "创建达标分类小区，建立健全生活垃圾分类投放管理责任人制度（累计数）", "2018年", "各街道办事处",
              "区绿化市容局"],
             ["2", "道路废物箱标识更新", "2019年", "区绿化市容局", ""]]


def test_it_reads_a_ruled_table_as_rows_of_cells() -> None:
    # Drawn with borders, the cells' lines stand side by side: "1 创建达标分类小区，建立 2018年 各街道办事".
    data = official_pdf(["一、主要任务", TASK_ROWS, "二、保障措施"])
    plain = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "\t" not in plain and "1 创建达标分类小区" in plain
    assert read_bytes(data).text.splitlines() == [
        "一、主要任务", "", *("\t".join(row) for row in TASK_ROWS), "", "二、保障措施"]


def test_it_keeps_apart_the_names_of_a_unit_cell_that_wrapped_between_them() -> None:
    # "区文明办 区绿化市容局 区房管局" in a narrow cell: each name (or its end) a line of its own.
    rows = [["类别", "序号", "主要任务", "节点", "指标数", "责任单位", "配合单位"],
            ["1.分类投放", "2", "创建达标分类小区（累计数）", "2018年", "345个", "各街道办事处",
             "区文明办 区绿化市容局 区房管局"]]
    data = official_pdf([rows])
    plain = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "区绿化市容局\n区房管局" in plain  # the cell wrapped at the space before the last name
    assert read_bytes(data).text.splitlines() == ["\t".join(row) for row in rows]


def test_it_adds_no_space_where_a_closing_bracket_pushed_a_character_to_the_next_line() -> None:
    # A cell 6 characters of 10.5 pt wide (3 pt inner margins). "（区公务员" leaves about one character
    # free and "局）" goes down together (a line never opens with "）"): no space. "一二三" leaves three
    # characters free: the line was broken on purpose, a space.
    cell = (100.0, 169.0, 300.0, 200.0, False)
    pieces = [_Piece("（区公务员", 103.0, 155.5, 290.0, 10.5), _Piece("局）", 103.0, 124.0, 276.0, 10.5)]
    assert _cell_text(pieces, cell) == "（区公务员局）"
    pieces = [_Piece("（区公务", 103.0, 145.0, 290.0, 10.5), _Piece("员局）", 103.0, 134.5, 276.0, 10.5)]
    assert _cell_text(pieces, cell) == "（区公务员局）"
    pieces = [_Piece("一二三", 103.0, 134.5, 290.0, 10.5), _Piece("四", 103.0, 113.5, 276.0, 10.5)]
    assert _cell_text(pieces, cell) == "一二三 四"


def test_it_reads_one_space_where_extraction_doubles_it() -> None:
    paragraphs = ["• 新密市人民政府办公室 关于认真做好重点工作任务落实的通知", "一、总体要求"]
    data = official_pdf(list(paragraphs))
    assert "  " in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert read_bytes(data).text.splitlines() == paragraphs


def test_it_reads_tables_as_plain_text_once_the_documents_allowance_for_them_is_spent(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Pieces of text times rules are bounded over the whole document (pages of thousands of tiny boxes).
    data = official_pdf(["一、主要任务", TASK_ROWS])
    assert "\t" in read_bytes(data).text
    monkeypatch.setattr(read_pdf_module, "_MAX_CELL_LOOKUPS", 100)
    text = read_bytes(data).text
    assert "\t" not in text and "创建达标分类小区" in text


def test_it_reads_merged_cells_of_a_pdf_table_as_the_html_reader_does() -> None:
    # A cell merged down leaves 〃 in the rows it covers, one merged across leaves its other cells empty;
    # the side rules of the merged cell are drawn row by row.
    from weasyprint import HTML

    body = ("<p>一、主要任务</p><table><tr><td>类别</td><td>序号</td><td>任务</td><td>牵头单位</td></tr>"
            '<tr><td rowspan="2">科技创新</td><td>1</td><td>建设创新平台</td><td rowspan="2">市科技局</td></tr>'
            "<tr><td>2</td><td>培育高新技术企业</td></tr>"
            '<tr><td colspan="2">人才</td><td>引进人才</td><td>市人社局</td></tr></table><p>二、保障措施</p>')
    page = f"<html><head><meta charset='utf-8'><style>{OFFICIAL_CSS}</style></head><body>{body}</body></html>"
    expected = ["一、主要任务", "", "类别\t序号\t任务\t牵头单位", "科技创新\t1\t建设创新平台\t市科技局",
                "〃\t2\t培育高新技术企业\t〃", "人才\t\t引进人才\t市人社局", "", "二、保障措施"]
    assert read_bytes(page.encode("utf-8")).text.splitlines() == expected
    assert read_bytes(HTML(string=page).write_pdf()).text.splitlines() == expected


def test_it_reads_a_table_row_the_page_break_cut_as_one_row() -> None:
    rows = [["序号", "主要任务", "责任单位"],
            *[[str(number), f"第{number}项任务，" + "加快推进重点项目建设，" * (number % 4 * 3 + 1), "市发展改革委"]
              for number in range(1, 31)]]
    data = official_pdf(["一、主要任务", rows])
    assert len(PdfReader(io.BytesIO(data)).pages) > 2
    assert read_bytes(data).text.splitlines() == ["一、主要任务", "", *("\t".join(row) for row in rows)]


def test_it_joins_the_parts_of_a_row_cut_by_the_page_only_when_they_fill_different_cells() -> None:
    pages = [["前文", "1\t任务一\t2018年\t", "2\t\t2018年\t"], ["\t任务二的后半\t\t市科技局", "\t\t2019年\t"],
             ["3\t任务三\t2018年\t市财政局"]]
    assert _rows_joined_across_pages(pages, [False, False, False]) == [
        "前文", "1\t任务一\t2018年\t", "2\t任务二的后半\t2018年\t市科技局", "\t\t2019年\t",
        "3\t任务三\t2018年\t市财政局"]


def test_it_joins_a_cell_the_page_cut_in_its_middle_when_the_row_has_no_rule_at_its_bottom() -> None:
    # Page 1 ends with a closed row, page 2 with a cut row followed by a new numbered row, page 3 with a
    # cut row whose cell "共和新路街道" goes on at the top of page 4.
    pages = [["1\t宝山路\t62\t44", "2\t曹家渡\t58\t42"], ["\t街道\t\t", "3\t大宁路街道\t49\t35"],
             ["4\t共和\t76\t53"], ["\t新路街道\t\t", "二、工作要求"]]
    assert _rows_joined_across_pages(pages, [False, True, True, False]) == [
        "1\t宝山路\t62\t44", "2\t曹家渡\t58\t42", "\t街道\t\t", "3\t大宁路街道\t49\t35", "4\t共和新路街道\t76\t53",
        "二、工作要求"]


def test_it_joins_a_marker_wrapped_right_after_its_colon() -> None:
    # "（责任单位：" fills the line: the colon ends no sentence while the bracket is open.
    lines = [FULL[:-6] + "（责任单位：", "市科技局、市财政局）", FULL[:-3] + "如下：", "一、总体要求"]
    assert join_wrapped_lines(lines) == [
        FULL[:-6] + "（责任单位：市科技局、市财政局）", FULL[:-3] + "如下：", "一、总体要求"]


def test_it_joins_a_number_wrapped_away_from_its_closing_bracket() -> None:
    # "（排摸统计表见附件" / "1）…": the line below starts like an item label "1）" but closes the bracket.
    lines = [FULL[:-8] + "（排摸统计表见附件", "1），掌握基本情况。", FULL[:-8] + "（见附件", "（1）新的一项。"]
    assert join_wrapped_lines(lines) == [
        FULL[:-8] + "（排摸统计表见附件1），掌握基本情况。", FULL[:-8] + "（见附件", "（1）新的一项。"]


def test_it_joins_a_marker_in_square_or_tortoise_shell_brackets_wrapped_after_a_closed_bracket() -> None:
    lines = [FULL[:-7] + "[牵头单位:县发改局(粮食局);", "责任单位:各镇人民政府]", FULL[:-6] + "〔省发展改革委、省(中)",
             "直有关单位按职责分工负责〕", "二、下一项"]
    assert join_wrapped_lines(lines) == [
        FULL[:-7] + "[牵头单位:县发改局(粮食局);责任单位:各镇人民政府]",
        FULL[:-6] + "〔省发展改革委、省(中)直有关单位按职责分工负责〕", "二、下一项"]


def test_it_does_not_join_a_date_under_a_full_line() -> None:
    lines = ["附件：" + FULL[:-3], "2021年5月12日", FULL, "二〇二一年五月十二日"]
    assert join_wrapped_lines(lines) == lines


def test_it_does_not_join_a_full_line_with_an_indented_line_when_paragraphs_are_indented() -> None:
    # A table's title as long as a line, then its header "序号" starting a paragraph of its own.
    lines = ["\u3000\u3000" + FULL[:-2] + "分解表", "\u3000\u3000序号", "\u3000\u3000" + FULL, "接着写完。"]
    assert join_wrapped_lines(lines) == [FULL[:-2] + "分解表", "序号", FULL + "接着写完。"]


def test_it_reads_indents_in_a_document_of_mostly_one_line_paragraphs() -> None:
    # A table one cell per line: nearly every line (10 of 11) is a paragraph of its own, indented; one
    # paragraph wraps. The table's title fills a line; its first cell "序号" starts a paragraph.
    cells = ["\u3000\u3000" + cell
             for cell in ["序号", "2022年预期目标", "责任单位", "1", "地区生产总值增长", "区发展改革委", "2", "投资"]]
    lines = ["\u3000\u3000" + FULL, "写完。", "\u3000\u3000" + FULL[:-2] + "分解表", *cells]
    assert join_wrapped_lines(lines) == [FULL + "写完。", FULL[:-2] + "分解表", *(cell.strip() for cell in cells)]


def test_it_puts_back_the_space_between_wrapped_latin_words() -> None:
    assert join_wrapped_lines(["x" * 40, "words", "short"]) == ["x" * 40 + " words", "short"]


def test_it_opens_a_pdf_encrypted_with_an_empty_user_password() -> None:
    source = read_path(FORMATS / "encrypted-openable.pdf")
    assert source.text.splitlines()[0] == "大政办发〔2018〕54号"


def test_it_refuses_a_pdf_that_needs_a_password() -> None:
    with pytest.raises(UnsupportedInput, match=r"^文件已加密，无法读取$"):
        read_path(FORMATS / "encrypted.pdf")


def test_it_refuses_a_pdf_without_a_text_layer() -> None:
    with pytest.raises(UnsupportedInput, match="扫描件，没有文字层"):
        read_path(FORMATS / "scanned.pdf")


@pytest.mark.parametrize("data", [b"%PDF-1.4\n garbage", b"%PDF-1.7\n" + bytes(range(256)) * 8,
                                  (FORMATS / "dalian.pdf").read_bytes()[:20000]])
def test_it_refuses_a_damaged_pdf_in_one_line(data: bytes) -> None:
    with pytest.raises(UnsupportedInput) as caught:
        read_bytes(data)
    assert "\n" not in str(caught.value)



def test_a_pdf_of_a_mirror_page_loses_the_inserted_pinyin_as_a_text_does() -> None:
    from luoshi.plandoc import parse
    from tests.plandoc.conftest import MARKED_PLAN, MARKED_PLAN_FIRST_UNITS

    mirror = [p.replace("牵头", "牽(qiān)頭(tóu)").replace("配合", "配(pèi)合(hé)") for p in MARKED_PLAN]
    source = read_bytes(official_pdf(mirror))
    assert comparable_lines(source.text) == comparable_lines("\n".join(MARKED_PLAN).replace("牵头", "牽頭"))
    assert "pinyin_removed" in {w.code for w in source.warnings}
    assert [(u.name, u.role) for u in parse(source.text).nodes[1].units] == MARKED_PLAN_FIRST_UNITS


def test_a_pdf_of_a_copied_printed_page_has_its_margin_breaks_joined_as_a_text_does() -> None:
    # Every line of a printed page's copy printed again as an indented paragraph of its own: the PDF reader keeps
    # such paragraphs apart (an indent opens one); the cleaning plain texts, pages and Word files get joins them.
    from luoshi.plandoc import parse
    from tests.plandoc.conftest import MARKED_PLAN, MARKED_PLAN_FIRST_UNITS, broken_at_margin

    source = read_bytes(official_pdf(broken_at_margin(MARKED_PLAN)))
    assert comparable_lines(source.text) == comparable_lines("\n".join(MARKED_PLAN))
    assert "text_unwrapped" in {w.code for w in source.warnings}
    assert [(u.name, u.role) for u in parse(source.text).nodes[1].units] == MARKED_PLAN_FIRST_UNITS
