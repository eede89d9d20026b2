"""Text PDFs: page furniture dropped, wrapped lines joined, encrypted and scanned PDFs refused clearly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from luoshi.plandoc.errors import UnsupportedInput
from luoshi.plandoc.normalize import halfwidth
from luoshi.plandoc.read import SourceText, read_bytes, read_path
from luoshi.plandoc.read_pdf import is_page_number, join_wrapped_lines

FORMATS = Path(__file__).parent / "fixtures" / "formats"
SEED = Path(__file__).parents[2] / "src" / "luoshi" / "plandoc" / "data" / "dalian-2018-innovation-workplan.txt"


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
