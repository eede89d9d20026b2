"""Plain text, CSV, format detection, size limits and hostile input for luoshi.plandoc.read."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.plandoc import parse
from luoshi.plandoc import read as read_module
from luoshi.plandoc.errors import InputTooLarge, PlanDocError, UnsupportedInput
from luoshi.plandoc.normalize import halfwidth
from luoshi.plandoc.read import DEFAULT_MAX_BYTES, decode_text, read_bytes, read_path

FORMATS = Path(__file__).parent / "fixtures" / "formats"
SEED = Path(__file__).parents[2] / "src" / "luoshi" / "plandoc" / "data" / "dalian-2018-innovation-workplan.txt"


def comparable_lines(text: str) -> list[str]:
    """Non-empty lines, whitespace removed, full-width mapped to half-width."""
    return [re.sub(r"\s+", "", halfwidth(line)) for line in text.splitlines() if line.strip()]


SEED_LINES = comparable_lines(SEED.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "encoding"), [
    ("dalian.gb18030.txt", "gb18030"),
    ("dalian.utf16.txt", "utf-16"),
    ("dalian.utf16le-nobom.txt", "utf-16-le"),
    ("dalian.utf8-bom.txt", "utf-8-sig"),
])
def test_it_reads_every_text_encoding_of_the_seed(name: str, encoding: str) -> None:
    source = read_path(FORMATS / name)
    assert (source.format, source.encoding) == ("text", encoding)
    assert comparable_lines(source.text) == SEED_LINES
    assert "\r" not in source.text and "\ufeff" not in source.text
    assert source.warnings == []


def test_it_keeps_the_seed_characters_exactly_in_a_plain_utf8_file() -> None:
    raw = SEED.read_bytes()
    source = read_bytes(raw)
    assert source.encoding == "utf-8"
    assert source.text.splitlines() == [line.strip() for line in raw.decode("utf-8").splitlines()]


@pytest.mark.parametrize(("data", "expected"), [
    ("任务".encode("utf-8-sig"), ("任务", "utf-8-sig")),
    (b"\xfe\xff" + "任务\n".encode("utf-16-be"), ("任务\n", "utf-16")),
    (b"\xff\xfe\x00\x00" + "任务".encode("utf-32-le"), ("任务", "utf-32")),
    ("一、总体要求 2018\n".encode("utf-16-be"), ("一、总体要求 2018\n", "utf-16-be")),
    ("关于印发工作计划的通知".encode("gbk"), ("关于印发工作计划的通知", "gb18030")),
    ("𠮷".encode("gb18030"), ("𠮷", "gb18030")),  # four-byte GB18030, outside GBK
])
def test_it_decodes_by_bom_nul_pattern_utf8_then_gb18030(data: bytes, expected: tuple[str, str]) -> None:
    assert decode_text(data) == expected


def test_it_fails_clearly_on_bytes_that_are_no_known_encoding() -> None:
    with pytest.raises(UnsupportedInput, match="编码"):
        decode_text(b"abc \x80\x80 def \xff")


def test_it_normalises_line_ends_and_strips_lines() -> None:
    source = read_bytes("\ufeff  一、总体要求\r\n\r\n\r\n\r\n（一）加强领导。  \r二\n".encode())
    assert source.text == "一、总体要求\n\n（一）加强领导。\n二\n"


def test_it_turns_a_tab_after_a_copied_word_label_into_a_space_but_keeps_table_rows() -> None:
    source = read_bytes("一、\t总体要求\n1\t建设平台\t市科技局\n".encode())
    assert source.text.splitlines() == ["一、 总体要求", "1\t建设平台\t市科技局"]


def test_it_reads_a_gbk_csv_task_table_as_tab_rows() -> None:
    source = read_path(FORMATS / "tasks.csv")
    assert (source.format, source.encoding) == ("csv", "gb18030")
    assert source.text == (
        "序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
        "1\t建设大连技术专利公开交易市场\t市科技局\t市财政局,市发展改革委\t2018年12月底\n"
        "2\t组建4个重点产业 知识产权联盟\t市科技局\t\t2018年6月30日\n"
        "3\t新增市级以上企业技术中心15家\t市经信委\t\t\n")


def test_it_detects_a_csv_by_its_task_header_without_a_file_name() -> None:
    data = "序号,重点任务,牵头单位,完成时限\n1,建设平台,市科技局,2018年底\n2,培育企业,市经信委,2018年6月\n"
    assert read_bytes(data.encode()).format == "csv"


def test_it_does_not_take_prose_with_commas_for_a_csv() -> None:
    data = "各区市县人民政府,各先导区管委会,市政府各有关部门:\n经市政府同意,现将计划印发给你们,请认真落实。\n"
    assert read_bytes(data.encode()).format == "text"


def test_it_detects_html_by_content_not_by_name() -> None:
    source = read_bytes(b"<!DOCTYPE html><html><body><p>\xe4\xb8\x80</p></body></html>", filename="plan.txt")
    assert source.format == "html"
    assert source.text == "一\n"


def test_it_refuses_an_empty_file() -> None:
    with pytest.raises(PlanDocError, match=r"^文件为空$"):
        read_bytes(b"")


def test_it_refuses_a_file_without_text() -> None:
    with pytest.raises(PlanDocError, match="没有可读的文字"):
        read_bytes(b" \r\n\t\n")


@pytest.mark.parametrize(("data", "error", "words"), [
    ((FORMATS / "binary.bin").read_bytes(), UnsupportedInput, "不是文本"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, UnsupportedInput, ".docx"),
    ((FORMATS / "encrypted.docx").read_bytes(), UnsupportedInput, "加密"),
    ((FORMATS / "truncated.docx").read_bytes(), UnsupportedInput, "损坏"),
    ((FORMATS / "bomb.docx").read_bytes(), InputTooLarge, "压缩炸弹"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, UnsupportedInput, "图片"),
    (b"{\\rtf1\\ansi text}", UnsupportedInput, "RTF"),
    (b"text\x01\x02\x03\x04\x05\x06\x07\x08 more", UnsupportedInput, "不是文本"),
])
def test_it_gives_one_line_errors_of_the_right_class(data: bytes, error: type[PlanDocError], words: str) -> None:
    with pytest.raises(error) as caught:
        read_bytes(data)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message and caught.value.__cause__ is None


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(("member", "words"), [
    ("ppt/presentation.xml", "PowerPoint"),
    ("content.xml", "OpenDocument"),
    ("readme.txt", "压缩包不是 Word/Excel 文件"),
])
def test_it_names_zip_containers_it_does_not_read(member: str, words: str) -> None:
    with pytest.raises(UnsupportedInput, match=words):
        read_bytes(_zip({member: b"<x/>"}))


def test_it_refuses_input_over_the_byte_limit() -> None:
    with pytest.raises(InputTooLarge):
        read_bytes(b"x" * 101, max_bytes=100)
    assert DEFAULT_MAX_BYTES == 50 * 1024 * 1024


def test_it_refuses_a_large_file_before_reading_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(2048)  # sparse: the size is what counts
    monkeypatch.setattr(read_module, "read_bytes", lambda *args, **kwargs: pytest.fail("file was read"))
    with pytest.raises(InputTooLarge):
        read_path(path, max_bytes=1024)


def test_it_refuses_a_zip_whose_members_expand_past_four_times_the_limit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = _zip({"word/document.xml": b"<w:t>" + b" " * 500_000})  # under the 1 MB ratio floor
    import luoshi.plandoc.read_docx as read_docx_module
    monkeypatch.setattr(read_docx_module, "read_docx", lambda data: pytest.fail("zip was decompressed"))
    with pytest.raises(InputTooLarge, match="解压后过大"):
        read_bytes(data, max_bytes=100_000)


def test_it_refuses_a_zip_bomb_before_decompressing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *args, **kwargs: pytest.fail("member was opened"))
    with pytest.raises(InputTooLarge, match="压缩炸弹"):
        read_bytes((FORMATS / "bomb.docx").read_bytes())


def test_it_reports_a_missing_file_as_one_line() -> None:
    with pytest.raises(PlanDocError, match="无法打开文件"):
        read_path(FORMATS / "no-such-file.txt")


_PREFIXES = [b"", b"PK\x03\x04", b"%PDF-1.4\n", b"<html><body>", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xff\xfe",
             "序号,任务,牵头单位\n".encode()]


@settings(max_examples=150, deadline=None)
@given(prefix=st.sampled_from(_PREFIXES), body=st.binary(max_size=600))
def test_it_never_lets_a_library_error_escape(prefix: bytes, body: bytes) -> None:
    try:
        source = read_bytes(prefix + body)
    except PlanDocError as error:
        assert "\n" not in str(error)
    else:
        assert "\r" not in source.text and "\x00" not in source.text


def test_it_reads_big5_text_as_big5_and_says_so() -> None:
    text = "某市工作方案\n一、重點任務\n（一）推進創新，加強科技合作。\n"
    plan = parse(text.encode("big5"))
    assert [n.text for n in plan.nodes] == ["重點任務", "推進創新，加強科技合作。"]
    assert any("Big5" in w for w in plan.warnings)
    simplified = "某市工作方案\n一、重点任务\n（一）推进创新，加强科技合作。\n".encode("gb18030")
    plan = parse(simplified)
    assert plan.nodes[0].text == "重点任务" and not any("Big5" in w for w in plan.warnings)
