"""Hostile input: the work of a parse is linear in the text and bounded by the budgets of limits.py.

No timings: each test counts the work that used to grow quadratically (characters normalised per line,
cells of an expanded table grid, candidate pairs of the duplicate join) or checks that an input over a
budget is refused with its one-line message. Inputs are generated here, not committed.
"""

from __future__ import annotations

import io
import random
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from luoshi import cli
from luoshi.plandoc import InputTooLarge, parse, similar
from luoshi.plandoc import read_docx as read_docx_module
from luoshi.plandoc import read_html as read_html_module
from luoshi.plandoc import read_pdf as read_pdf_module
from luoshi.plandoc import tree as tree_module
from luoshi.plandoc.limits import MAX_HTML_TAGS, MAX_TABLE_CELLS, MAX_TEXT_CHARS, WorkBudget
from luoshi.plandoc.read import read_bytes
from luoshi.plandoc.read_html import _Measures, _table_lines
from luoshi.plandoc.reflow import join_wrapped_lines
from luoshi.plandoc.similar import Item, group_duplicates
from luoshi.plandoc.tree import Segment

FORMATS = Path(__file__).parent / "fixtures" / "formats"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LINE = "推进科技创新体系建设加快产业转型升级完善政策支撑体系提升城市能级"[:30]  # 30 characters, no 。


def no_punctuation_plan(lines: int) -> str:
    """A heading, then `lines` lines of 30 characters that never end a sentence: one wrapped paragraph."""
    return "一、总体要求\n" + "\n".join(LINE for _ in range(lines)) + "\n"


@pytest.fixture
def normalised_chars(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], int]]:
    """Count the characters tree.py and read_pdf.py pass to halfwidth()."""
    total = [0]

    def counting(module: object) -> None:
        original = module.halfwidth  # type: ignore[attr-defined]

        def halfwidth(text: str) -> str:
            total[0] += len(text)
            return original(text)  # type: ignore[no-any-return]

        monkeypatch.setattr(module, "halfwidth", halfwidth)

    counting(tree_module)
    counting(read_pdf_module)
    yield lambda: total[0]


# --- text: wrapped lines joined in linear work ----------------------------------------------------

def test_it_joins_4000_lines_without_a_full_stop_into_one_paragraph(normalised_chars: Callable[[], int]) -> None:
    text = no_punctuation_plan(4000)
    plan = parse(text)
    assert len(plan.nodes) == 1
    node = plan.nodes[0]
    assert node.text == "总体要求"
    assert node.body == LINE * 4000  # one paragraph: every line was joined onto the one before
    first = text.index(LINE)
    assert node.body_span == (first, first + 4000 * 31 - 1)
    # Deciding whether a line was wrapped looks at the end of the paragraph only: the tree normalises
    # a bounded number of characters per line, not the whole paragraph built so far (4000^2 * 15).
    assert normalised_chars() <= 100 * 4000


def test_a_joined_segment_maps_offsets_back_to_each_line() -> None:
    segment = Segment("甲" * 30, 10)
    for index in range(1, 2000):
        segment.join(Segment("乙" * 30, 10 + 31 * index))
        assert tree_module._is_wrapped(segment)  # looks at the tail only; raw is not rebuilt per line
    assert segment.tail(3) == "乙乙乙"
    assert segment.at(0) == 10 and segment.at(29) == 39
    assert segment.at(30) == 41  # the first character of the second line, after its line end
    assert segment.at(30 * 1999 + 5) == 10 + 31 * 1999 + 5
    assert segment.raw == "甲" * 30 + "乙" * 30 * 1999
    assert segment.span((25, 35)) == (35, 46)


def test_removing_markers_right_to_left_moves_no_join_after_the_cut() -> None:
    marker, text = "（责任单位：甲）", "文字"
    segment = Segment((text + marker) * 3000, 100)
    unit = len(text + marker)
    for k in reversed(range(3000)):
        stored = list(segment._joins)
        segment.remove(k * unit + len(text), (k + 1) * unit)
        # The joins right of the cut are the very same entries: a removal costs O(1), not O(joins).
        kept = segment._joins[len(segment._joins) - len(stored):]
        assert all(new is old for new, old in zip(kept, stored, strict=True))
    assert segment.raw == text * 3000
    assert [segment.at(2 * k) for k in (0, 1, 2999)] == [100, 100 + unit, 100 + 2999 * unit]
    assert segment.span((2 * 2999, 2 * 3000)) == (100 + 2999 * unit, 100 + 2999 * unit + 2)


def test_the_units_of_a_line_of_markers_are_added_in_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each marker's units are checked against the units found before them once per segment, not once per
    marker (which read the item's units found so far 3000 times: 4.5 million of them)."""
    read = [0]
    original = tree_module._add_units

    def counting(draft: tree_module.Draft, refs: list[tree_module.UnitRef], *, by_name: bool = False) -> None:
        if refs:
            read[0] += len(draft.units)   # the units the set of those already found is built from
        original(draft, refs, by_name=by_name)

    monkeypatch.setattr(tree_module, "_add_units", counting)
    plan = parse("一、总体要求\n1." + "推进工作。（责任单位：市科技局）" * 3000 + "\n")
    assert len(plan.nodes[-1].units) == 3000   # one per marker: each covers its own sentence
    assert read[0] <= 10 * 3000


def test_the_units_of_many_paragraphs_under_one_item_are_added_in_linear_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An item followed by 3000 paragraphs with markers (numbers that do not go on: text of the item): the units
    the item holds are indexed once and kept, not read anew for each paragraph (4.5 million units read)."""
    indexed = [0]
    original = tree_module._UnitIndex

    def counting(of: list[tree_module.UnitRef], count: int, pairs: set[object], names: set[str]) -> object:
        indexed[0] += len(of)
        return original(of, count, pairs, names)  # type: ignore[arg-type]

    monkeypatch.setattr(tree_module, "_UnitIndex", counting)
    text = "一、总体要求\n1.推进\n" + "".join(f"{i}.推进工作。（责任单位：市科技局）\n" for i in range(5, 3005))
    plan = parse(text)
    assert len(plan.nodes) == 2 and len(plan.nodes[-1].units) == 3000   # each marker covers its own paragraph
    assert indexed[0] <= 10 * 3000


def test_blanket_rules_reach_the_items_in_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """4,000 items, each stating '以下均需X落实，不再列出': the rules are merged once, each item takes them in one
    addition (rule after rule to every later item, 8 million additions)."""
    read = [0]
    original = tree_module._add_units

    def counting(draft: tree_module.Draft, refs: list[tree_module.UnitRef], *, by_name: bool = False) -> None:
        read[0] += len(refs) + 1
        original(draft, refs, by_name=by_name)

    monkeypatch.setattr(tree_module, "_add_units", counting)
    text = "".join(f"{chapter}、总体要求\n" + "".join(f"{i}.以下均需市科技局落实，不再列出\n" for i in range(1, 1000))
                   for chapter in "一二三四")
    plan = parse(text)
    assert len(plan.nodes) == 4000
    assert [u.name for u in plan.nodes[-1].units] == ["市科技局"]
    assert read[0] <= 10 * 4000


def test_the_markers_of_a_line_are_cut_out_in_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """The markers are cut out of the text in one pass (Segment.remove_all), not one at a time (each cut copied
    the text left of it: 3000 markers in 48,000 characters copied 72 million)."""
    copied = [0]
    remove, remove_all = Segment.remove, Segment.remove_all

    def counting_remove(segment: Segment, start: int, end: int) -> None:
        copied[0] += len(segment.raw)
        remove(segment, start, end)

    def counting_remove_all(segment: Segment, cuts: list[tuple[int, int]]) -> None:
        if len(cuts) > 1:   # one cut is remove()'s
            copied[0] += len(segment.raw)
        remove_all(segment, cuts)

    monkeypatch.setattr(Segment, "remove", counting_remove)
    monkeypatch.setattr(Segment, "remove_all", counting_remove_all)
    text = "一、总体要求\n1." + "推进工作。（责任单位：市科技局） " * 3000 + "\n"
    plan = parse(text)
    assert plan.nodes[-1].text == "推进工作。" * 3000
    assert copied[0] <= 2 * len(text)


def test_items_run_on_after_their_markers_are_cut_in_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """The label after each marker of a line is read in place, not on a copy of the rest of the line (999 items
    run on in one line copied and hashed 30 million characters)."""
    read = [0]
    original = tree_module.match_label

    def counting(norm: str, raw: str) -> object:
        read[0] += len(norm)
        return original(norm, raw)

    monkeypatch.setattr(tree_module, "match_label", counting)
    item = "推进科技创新平台建设工作。（责任单位：市科技局）"
    text = "一、总体要求\n" + "".join(f"({i}){item}" for i in range(1, 1000)) + "\n"
    plan = parse(text)
    assert [node.label for node in plan.nodes[-2:]] == ["(998)", "(999)"]
    assert read[0] <= 20 * len(text)


def test_the_duty_clauses_of_a_paragraph_are_read_in_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each clause's duties are read where they stand in the paragraph's half-width text: normalising the rest of
    the paragraph for every clause made 3000 clauses normalise 40 million characters."""
    from luoshi.plandoc import units as units_module

    normalised = [0]
    original = units_module.halfwidth

    def counting(text: str) -> str:
        normalised[0] += len(text)
        return original(text)  # type: ignore[no-any-return]

    monkeypatch.setattr(units_module, "halfwidth", counting)
    paragraph = "市科技局负责落实，" * 1500 + "由市财政局负责，" * 1500
    found = units_module.find_duty_units(paragraph)
    assert [(u.raw, u.role) for u in found] == [("市科技局", "responsible"), ("市财政局", "responsible")]
    assert normalised[0] <= 10 * len(paragraph)


def test_it_does_not_join_after_a_line_that_ends_a_sentence() -> None:
    segment = Segment("甲" * 30 + "。" + "  ", 0)
    assert not tree_module._is_wrapped(segment)
    segment.join(Segment("乙" * 25, 40))
    assert tree_module._is_wrapped(segment)
    assert not tree_module._is_wrapped(Segment("乙" * 19, 0))  # a short line is not wrapped


def test_pdf_lines_are_joined_in_linear_work(normalised_chars: Callable[[], int]) -> None:
    lines = [LINE] * 4000
    assert join_wrapped_lines(lines) == [LINE * 4000]
    assert normalised_chars() <= 10 * 4000


def test_it_refuses_a_text_over_the_character_budget() -> None:
    text = "一、总体要求\n" + (LINE + "。\n") * (MAX_TEXT_CHARS // 32 + 1)
    assert len(text) > MAX_TEXT_CHARS
    with pytest.raises(InputTooLarge, match=r"^文档文字过多（超过 1,000,000 字）$"):
        parse(text)
    with pytest.raises(InputTooLarge, match="文档文字过多"):
        parse(text.encode("utf-8"))


def test_the_cli_reports_a_too_long_document_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "long.txt"
    path.write_text((LINE + "。\n") * (MAX_TEXT_CHARS // 32 + 1), encoding="utf-8")
    assert cli.main(["parse", str(path)]) == cli.EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1
    assert captured.err.startswith("luoshi: ") and "文档文字过多" in captured.err


# --- HTML tables: spans bounded ---------------------------------------------------------------------

def _table_lines_of(markup: str, budget: WorkBudget) -> list[str]:
    table = etree.fromstring(markup, etree.HTMLParser()).find(".//table")
    return _table_lines(table, budget, _Measures(table))


def test_a_rowspan_ends_at_the_last_row_of_the_table() -> None:
    budget = WorkBudget()
    lines = _table_lines_of('<table><tr><td rowspan="65534">类别</td><td>任务一</td></tr>'
                            "<tr><td>任务二</td></tr></table>", budget)
    assert lines == ["", "类别\t任务一", "〃\t任务二", ""]
    assert budget.cells == 4  # 2 x 2, not 65,534 rows of grid


def test_the_grid_of_a_spanned_table_is_charged_and_bounded() -> None:
    budget = WorkBudget()
    row = "<tr>" + '<td colspan="100">甲</td><td>乙</td>' + "</tr>"
    lines = _table_lines_of(f"<table>{row * 3}</table>", budget)
    assert len(lines) == 5 and all(line.count("\t") == 100 for line in lines[1:-1])
    assert budget.cells == 3 * 101


def test_it_refuses_a_page_of_cells_with_rowspan_and_colspan_100() -> None:
    row = "<tr>" + "".join(f'<td rowspan="100" colspan="100">格{i}</td>' for i in range(50)) + "</tr>"
    page = f"<html><body><p>大连市科技创新工作计划</p><table>{row * 50}</table></body></html>".encode()
    tracemalloc.start()
    try:
        with pytest.raises(InputTooLarge, match=r"超过 500,000 个单元格"):
            read_bytes(page)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The expansion stops at the budget: 25 million cells (4 GB) before, at most MAX_TABLE_CELLS now.
    assert peak < 200 * 1024 * 1024
    assert MAX_TABLE_CELLS == 500_000


def test_it_refuses_a_page_of_more_tags_than_the_budget_before_parsing_it() -> None:
    page = "<html><body><p>一、总体要求</p>" + "<span></span>" * (MAX_HTML_TAGS // 2) + "</body></html>"
    with pytest.raises(InputTooLarge, match=r"网页标签过多（1,000,00\d 个，上限 1,000,000 个）"):
        read_bytes(page.encode())


def test_a_page_of_thousands_of_dropped_elements_keeps_their_text() -> None:
    page = "<html><body><div>" + "<script>x</script>文字" * 5000 + "</div></body></html>"
    assert read_bytes(page.encode()).text == "文字" * 5000 + "\n"


def test_deeply_nested_blocks_are_measured_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text and link lengths come from one pass over the tree, not from each element's subtree."""
    calls = [0]
    original = read_html_module._Measures.__init__

    def counting(self: read_html_module._Measures, root: etree._Element) -> None:
        calls[0] += 1
        original(self, root)

    monkeypatch.setattr(read_html_module._Measures, "__init__", counting)
    monkeypatch.setattr(lxml.html.HtmlElement, "text_content", None)  # no subtree walks at all
    page = ("<html><body>" + '<div class="c"><p>甲</p>' * 200 + "<p>一、总体要求</p>" + "<a href='#'>链</a>" * 2000
            + "</div>" * 200 + "</body></html>")
    text = read_bytes(page.encode()).text
    assert text.startswith("甲\n") and "一、总体要求" in text
    assert calls[0] == 2  # the furniture pass, then the rendering pass


# --- .docx ------------------------------------------------------------------------------------------

def _docx(body: str) -> bytes:
    """tasks.docx with its body replaced."""
    source = zipfile.ZipFile(FORMATS / "tasks.docx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                content = (f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>').encode()
            target.writestr(info.filename, content)
    return buffer.getvalue()


def _random_paragraphs(count: int) -> str:
    rng = random.Random(7)
    hanzi = [chr(code) for code in range(0x4E00, 0x9FA5)]
    return "".join(f"<w:p><w:r><w:t>{''.join(rng.choices(hanzi, k=60))}。</w:t></w:r></w:p>"
                   for _ in range(count))


def test_it_stops_reading_a_docx_at_the_character_budget() -> None:
    data = _docx(_random_paragraphs(MAX_TEXT_CHARS // 61 + 100))
    with pytest.raises(InputTooLarge, match="文档文字过多"):
        read_bytes(data)


def test_it_refuses_a_docx_body_too_large_to_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read_docx_module, "MAX_DOCX_XML_BYTES", 1024 * 1024)
    data = _docx(_random_paragraphs(8000))  # ~1.6 MB of XML
    with pytest.raises(InputTooLarge, match="Word 文件正文过大"):
        read_bytes(data)


def test_grid_before_and_grid_span_are_bounded() -> None:
    cell = '<w:tc><w:tcPr><w:gridSpan w:val="1000000"/></w:tcPr><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc>'
    row = f'<w:tr><w:trPr><w:gridBefore w:val="1000000000"/></w:trPr>{cell}</w:tr>'
    text = read_bytes(_docx(f"<w:tbl>{row}{row}</w:tbl><w:p><w:r><w:t>说明</w:t></w:r></w:p>")).text
    rows = [line for line in text.splitlines() if "\t" in line]
    assert rows == ["\t" * 64 + "甲" + "\t" * 63] * 2  # 64 columns before, 64 for the span


def test_it_refuses_a_docx_table_too_wide_to_pad() -> None:
    wide = "<w:tr>" + '<w:tc><w:tcPr><w:gridSpan w:val="64"/></w:tcPr><w:p/></w:tc>' * 200 + "</w:tr>"
    narrow = "<w:tr><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc></w:tr>"
    with pytest.raises(InputTooLarge, match="表格过大"):
        read_bytes(_docx(f"<w:tbl>{wide}{narrow * 50}</w:tbl>"))  # 51 rows x 12,800 columns


# --- .xlsx and CSV ----------------------------------------------------------------------------------

def test_it_refuses_merged_ranges_that_cover_too_many_cells() -> None:
    source = zipfile.ZipFile(FORMATS / "tasks.xlsx")
    merges = "".join(f'<mergeCell ref="{column}2:{column}10001"/>' for column in ("A", "B", "C", "D", "E") * 11)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<mergeCell ref="B3:B4"/>', merges.encode())
            target.writestr(info.filename, content)
    with pytest.raises(InputTooLarge, match="表格过大"):
        read_bytes(buffer.getvalue())  # 55 ranges of 10,000 rows: 550,000 covered cells


def test_it_refuses_a_csv_whose_rows_pad_to_too_many_cells() -> None:
    data = "序号,任务,牵头单位\n".encode() * 10 + b"," * 60_000 + b"x"
    with pytest.raises(InputTooLarge, match="表格过大"):
        read_bytes(data, filename="tasks.csv")  # 11 rows x 60,001 columns


# --- duplicate grouping: bounded candidate pairs -------------------------------------------------------

def test_copies_of_one_item_cost_no_candidate_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(similar, "MAX_CANDIDATE_PAIRS", 0)
    items = [Item(f"i{index}", LINE + "。", frozenset({"市科技局"})) for index in range(3000)]
    assert group_duplicates(items) == [[item.id for item in items]]


def test_a_table_of_999_identical_rows_parses_into_one_group(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(similar, "MAX_CANDIDATE_PAIRS", 0)
    text = "序号\t任务\t牵头单位\t完成时限\n" + "".join(f"{i + 1}\t{LINE}\t市科技局\t2018年底\n" for i in range(999))
    plan = parse(text)
    assert len(plan.nodes) == 999
    assert [len(group) for group in plan.duplicates] == [999]


def test_it_refuses_to_compare_thousands_of_near_copies_past_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(similar, "MAX_CANDIDATE_PAIRS", 100_000)
    items = [Item(f"i{index}", f"{LINE}第{index}项", frozenset({"市科技局"})) for index in range(2000)]
    with pytest.raises(InputTooLarge, match=r"候选对超过 100,000"):
        group_duplicates(items)
    assert len(group_duplicates(items[:100])) == 1  # a hundred of them stay well within it
