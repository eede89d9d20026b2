"""Document readers: bytes or a file in, the decoded text the parser sees out.

Output conventions (the parser relies on them):

* one paragraph per line, ``"\\n"`` line ends, no BOM, leading/trailing whitespace of a line removed;
* a table row is one line with its cells joined by TAB, and an empty line before and after each table;
* the characters of a paragraph are kept as written (full-width punctuation is the parser's business).

The format is detected from the content, never from the file name (except that a ``.csv`` name makes a
text file a CSV table). Each format has its own module; this one detects, guards sizes and decodes text.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from luoshi.plandoc.errors import InputTooLarge, PlanDocError, UnsupportedInput
from luoshi.plandoc.limits import WorkBudget, check_text
from luoshi.plandoc.messages import Message, message
from luoshi.plandoc.reflow import (
    HEADING_LABEL,
    join_column_breaks,
    join_lone_labels,
    join_open_brackets,
    join_shared_chunks,
    split_glued_table,
    split_run_on_outline,
    unwrap,
)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# A zip member that expands more than this many times its compressed size is treated as a zip bomb.
MAX_ZIP_RATIO = 200
# The members of a zip may expand to at most this many times the byte limit in total.
ZIP_EXPANSION_FACTOR = 4


@dataclass(slots=True)
class SourceText:
    """The text a reader extracted from a document, and how it got it."""

    text: str  # what the parser sees; spans index this
    format: str  # "text" | "html" | "docx" | "pdf" | "xlsx" | "csv"
    encoding: str | None  # for text/html/csv: "utf-8", "utf-8-sig", "utf-16", "gb18030", ...
    warnings: list[str] = field(default_factory=list)  # one line each, Chinese with English in parentheses


# --------------------------------------------------------------------------------------------------
# Signatures, checked in this order on the first bytes of the input.
# (name, magic bytes, message for the user or None when a reader handles it)
_OLE2_MESSAGE = message("legacy_office")
_ENCRYPTED_OFFICE_MESSAGE = message("encrypted_office")
_SIGNATURES: tuple[tuple[str, bytes, str | None], ...] = (
    ("zip", b"PK\x03\x04", None),
    ("zip-empty", b"PK\x05\x06", None),
    ("pdf", b"%PDF", None),
    ("ole2", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", _OLE2_MESSAGE),
    ("rtf", b"{\\rtf", message("rtf")),
    ("png", b"\x89PNG\r\n\x1a\n", message("image")),
    ("jpeg", b"\xff\xd8\xff", message("image")),
    ("gif", b"GIF8", message("image")),
    ("tiff-le", b"II*\x00", message("image")),
    ("tiff-be", b"MM\x00*", message("image")),
    ("rar", b"Rar!\x1a\x07", message("archive")),
    ("7z", b"7z\xbc\xaf\x27\x1c", message("archive")),
    ("gzip", b"\x1f\x8b", message("archive")),
)
_BINARY_MESSAGE = message("binary_file")

# Zip containers: (name, member that identifies it, reader or message).
_ZIP_KINDS: tuple[tuple[str, str, str | None], ...] = (
    ("docx", "word/document.xml", None),
    ("xlsx", "xl/workbook.xml", None),
    ("pptx", "ppt/presentation.xml",
     message("powerpoint")),
    ("odt", "content.xml",
     message("opendocument")),
)

_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"</?(?:html|head|body|meta|title|div|p|br|table|span|a|h[1-6])\b[^<>]*>",
                       re.IGNORECASE)
_HTML_MIN_TAGS = 5

# A file without a .csv name is read as CSV only when its first line is a header naming task columns.
_CSV_HEADER_WORDS = re.compile(r"序号|编号|任务|事项|举措|措施|内容|牵头|责任|配合|单位|时限|时间|进度|目标")
_CSV_MIN_COLUMNS = 3
_CSV_SAMPLE_ROWS = 20

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_RATIO = 0.01


# --------------------------------------------------------------------------------------------------
# Entry points

def read_path(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceText:
    """Read a file from disk; the size limit is checked before the file is read."""
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise InputTooLarge(_too_large_message(size, max_bytes))
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise PlanDocError(message("cannot_open", reason=error.strerror or error)) from None
    return read_bytes(data, filename=os.fspath(path), max_bytes=max_bytes)


def read_bytes(data: bytes, *, filename: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceText:
    """Detect the format of `data` by its content and return its text."""
    if not data:
        raise PlanDocError(message("empty_file"))
    if len(data) > max_bytes:
        raise InputTooLarge(_too_large_message(len(data), max_bytes))

    try:
        source = _read_detected(data, filename, max_bytes)
    except PlanDocError:
        raise
    except Exception:  # the format readers map library errors; this is the net under them
        raise UnsupportedInput(message("damaged_file")) from None
    source.text = clean_lines(source.text)
    check_text(len(source.text))
    if not source.text.strip():
        raise PlanDocError(message("no_text"))
    return source


def _read_detected(data: bytes, filename: str | None, max_bytes: int) -> SourceText:
    kind, message = _signature(data)
    if message is not None:
        if kind == "ole2" and _is_encrypted_ole2(data):
            raise UnsupportedInput(_ENCRYPTED_OFFICE_MESSAGE)
        raise UnsupportedInput(message)
    if kind in ("zip", "zip-empty"):
        return _read_zip(data, max_bytes)
    if kind == "pdf":
        from luoshi.plandoc.read_pdf import read_pdf

        text, warnings = read_pdf(data)
        text, cleaning = _cleaned(text)
        return SourceText(text, "pdf", None, warnings + cleaning)
    return _read_textual(data, filename)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text bytes: BOM, UTF-16 by its NUL bytes, strict UTF-8, strict GB18030, else fail.

    Returns the text without its BOM and the name of the encoding used. Raises UnsupportedInput for
    bytes that are not text in any of these encodings.
    """
    for bom, encoding, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), encoding
            except UnicodeDecodeError:
                raise UnsupportedInput(message("bad_encoding", encoding=encoding)) from None
    utf16 = _utf16_by_nul_pattern(data)
    if utf16 is not None:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            raise UnsupportedInput(_BINARY_MESSAGE) from None
    if b"\x00" in data:
        raise UnsupportedInput(_BINARY_MESSAGE)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    big5 = _as_big5(data)
    if big5 is not None and (text is None or _common_share(big5) > 2 * _common_share(text)):
        return big5, "big5"   # GB18030 reads nearly any bytes: Big5 text would come out as rare characters
    if text is not None:
        return text, "gb18030"
    raise UnsupportedInput(message("unknown_encoding"))


# The commonest characters of Chinese official text, in simplified and traditional forms: text decoded
# with the right codec is full of them, text decoded with the wrong one has almost none.
_COMMON_CHARS = frozenset(
    "的一是在不了有和人这中大为上个国以要时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心明看原又利比或但质"
    "第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式"
    "活设及管特件长求头基资边流路级少图山统接知较将组见计别手角期根论运农指几九区强放决西被做必战先回则"
    "任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清"
    "己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话"
    "為個們時來對會發過說產種後學實現體兩當點業開還進從經電動與關區導領點務國")


def _common_share(text: str) -> float:
    sample = text[:20000]
    han = [ch for ch in sample if "\u4e00" <= ch <= "\u9fff"]
    return sum(ch in _COMMON_CHARS for ch in han) / len(han) if han else 0.0


def _as_big5(data: bytes) -> str | None:
    try:
        return data.decode("big5")
    except UnicodeDecodeError:
        return None


# (BOM, reported encoding, codec that decodes the bytes after the BOM); UTF-32 first: its LE BOM starts
# with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8"),
    (b"\xff\xfe", "utf-16", "utf-16-le"),
    (b"\xfe\xff", "utf-16", "utf-16-be"),
)


def _utf16_by_nul_pattern(data: bytes) -> str | None:
    """Name the UTF-16 byte order when NUL bytes sit (almost) only on odd or only on even positions.

    ASCII characters, digits and line ends in UTF-16 have a zero high byte; CJK text has such
    characters on nearly every line. A few NULs on the other side come from characters like 一 (U+4E00).
    """
    sample = data[:65536]
    if len(sample) < 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    pairs = len(sample) // 2
    if odd >= max(2, pairs // 50) and odd >= 4 * even:
        return "utf-16-le"
    if even >= max(2, pairs // 50) and even >= 4 * odd:
        return "utf-16-be"
    return None


# --------------------------------------------------------------------------------------------------
# Line clean-up shared by all formats

_LINE_BREAKS = re.compile(r"\r\n|[\r\v\f\x85\u2028\u2029]")
_BLANK_RUN = re.compile(r"\n{3,}")


def clean_lines(text: str) -> str:
    """Normalise line ends, strip each line (each cell of a tab row) and collapse runs of blank lines."""
    text = _LINE_BREAKS.sub("\n", text).replace("\ufeff", "")
    text = _CONTROL_CHARS.sub("", text)
    lines = []
    for line in text.split("\n"):
        if "\t" in line:  # only table rows have tabs here: readers turn a paragraph's tabs into spaces
            cells = [cell.strip() for cell in line.split("\t")]
            lines.append("\t".join(cells) if any(cells) else "")
        else:
            lines.append(line.strip())
    joined = _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n")
    return joined + "\n" if joined else ""


def table_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """Render table rows as TAB lines framed by empty lines; cells lose their inner tabs and newlines."""
    rendered = ["\t".join(_cell_text(cell) for cell in row) for row in rows]
    rendered = [row for row in rendered if row.strip()]
    return ["", *rendered, ""] if rendered else []


_CELL_SPACE = re.compile(r"\s*[\t\r\n\v\f\u2028\u2029]+\s*")


def _cell_text(cell: str) -> str:
    return _CELL_SPACE.sub(" ", cell).strip()


# --------------------------------------------------------------------------------------------------
# Detection helpers

def _signature(data: bytes) -> tuple[str | None, str | None]:
    for name, magic, refusal in _SIGNATURES:
        if data.startswith(magic):
            return name, refusal
    # PDF allows junk before the header within the first KB.
    if b"%PDF-" in data[:1024]:
        return "pdf", None
    return None, None


def _is_encrypted_ole2(data: bytes) -> bool:
    # An encrypted OOXML file is an OLE2 container with an "EncryptionInfo" stream (UTF-16 LE name).
    return "EncryptionInfo".encode("utf-16-le") in data[:1 << 20]


def _too_large_message(size: int, max_bytes: int) -> Message:
    return message("file_too_large", size=f"{size / 1048576:.1f}", limit=f"{max_bytes / 1048576:.1f}")


def _read_zip(data: bytes, max_bytes: int) -> SourceText:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_zip_bomb(archive, max_bytes)
            names = set(archive.namelist())
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError):
        raise UnsupportedInput(message("damaged_zip")) from None
    for kind, member, refusal in _ZIP_KINDS:
        if member in names:
            if refusal is not None:
                raise UnsupportedInput(refusal)
            if kind == "docx":
                from luoshi.plandoc.read_docx import read_docx

                text, warnings = read_docx(data)
                text, cleaning = _cleaned(text)
                return SourceText(text, "docx", None, warnings + cleaning)
            from luoshi.plandoc.read_sheet import read_xlsx

            text, warnings = read_xlsx(data)
            return SourceText(text, "xlsx", None, warnings)
    raise UnsupportedInput(message("zip_not_office"))


def _check_zip_bomb(archive: zipfile.ZipFile, max_bytes: int) -> None:
    """Refuse a zip from its directory alone, before anything is decompressed."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        compressed = max(info.compress_size, 1)
        if info.file_size > 1 << 20 and info.file_size / compressed > MAX_ZIP_RATIO:
            raise InputTooLarge(message("zip_bomb", member=info.filename))
    if total > max_bytes * ZIP_EXPANSION_FACTOR:
        raise InputTooLarge(message("zip_expands", size=f"{total / 1048576:.1f}"))


def _read_textual(data: bytes, filename: str | None) -> SourceText:
    from luoshi.plandoc.read_html import declared_html_encoding, read_html

    head = _sniff_head(data)
    if _looks_like_html(head):
        has_bom = any(data.startswith(bom) for bom, _name, _codec in _BOMS)
        encoding = None if has_bom or _utf16_by_nul_pattern(data) else declared_html_encoding(data)
        warnings: list[str] = []
        text: str | None = None
        if encoding is not None:
            try:
                text = data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                warnings.append(message("charset_mismatch", encoding=encoding))
        if text is None:
            text, encoding = decode_text(data)
        _refuse_binary(text)
        body, html_warnings = read_html(text.lstrip("\ufeff"))
        body, cleaning = _cleaned(body)
        return SourceText(body, "html", encoding, warnings + html_warnings + cleaning)

    text, encoding = decode_text(data)
    _refuse_binary(text)
    check_text(len(text))  # before the line passes below
    is_csv_name = filename is not None and filename.lower().endswith(".csv")
    if is_csv_name or _looks_like_csv(text):
        return SourceText(_csv_text(text), "csv", encoding, [])
    big5_warning: list[str] = [message("big5")] if encoding == "big5" else []
    # Margin breaks are joined before the lines lose their indents (a paragraph's indent tells where it starts).
    text, cleaning = _cleaned(_LINE_BREAKS.sub("\n", text))
    return SourceText(_plain_text(text), "text", encoding, big5_warning + cleaning)


# Copy sites that mirror official pages insert the pinyin of some characters after them: 負(fù)責(zé), 序號(hào). A
# syllable with a tone mark in brackets right after a CJK character, many times over, is that and nothing else.
# The margin breaks are joined first (the inserted letters count in a line's width); a syllable the margin cut
# in two is joined with a space between its letters.
_INSERTED_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zü ]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü ]*[)）]")
_MIN_INSERTED_PINYIN = 5


def strip_inserted_pinyin(text: str) -> tuple[str, int]:
    """The text without a mirror's inserted pinyin, and how many were taken out; other texts as they are."""
    stripped, found = _INSERTED_PINYIN.subn("", text)
    return (stripped, found) if found >= _MIN_INSERTED_PINYIN else (text, 0)


def _cleaned(text: str) -> tuple[str, list[str]]:
    """A page's or a file's text without a mirror's pinyin and with its margin breaks joined, and the
    warnings that say so (the source shown is this text)."""
    text, _ = join_shared_chunks(text)   # a sharing site's page breaks, no margin's
    text, joined = unwrap(text)
    text, column_breaks = join_column_breaks(text)
    text, _ = join_open_brackets(text)   # a bracket broken over two lines says nothing of a margin: no warning
    text = join_lone_labels(text)
    text, _ = split_run_on_outline(text)
    text, _ = split_glued_table(text)
    joined += column_breaks
    text, pinyin = strip_inserted_pinyin(text)
    warnings: list[str] = []
    if pinyin:
        warnings.append(message("pinyin_removed", count=pinyin))
    if joined:
        warnings.append(message("text_unwrapped", count=joined))
    return text, warnings


def _sniff_head(data: bytes) -> str:
    """The first few KB as text good enough to look for markup (UTF-16 decoded, else byte-for-byte)."""
    head = data[:8192]
    for bom, _encoding, codec in _BOMS:
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="ignore")
    utf16 = _utf16_by_nul_pattern(head)
    if utf16 is not None:
        return head.decode(utf16, errors="ignore")
    return head.decode("latin-1")


def _looks_like_html(head: str) -> bool:
    return bool(_HTML_START.match(head)) or len(_HTML_TAG.findall(head)) >= _HTML_MIN_TAGS


def _refuse_binary(text: str) -> None:
    sample = text[:65536]
    if sample and len(_CONTROL_CHARS.findall(sample)) > _MAX_CONTROL_RATIO * len(sample):
        raise UnsupportedInput(_BINARY_MESSAGE)


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()][:_CSV_SAMPLE_ROWS]
    if len(lines) < 2:
        return False
    rows = list(csv.reader(lines))
    header = rows[0]
    if len(header) < _CSV_MIN_COLUMNS or not _CSV_HEADER_WORDS.search(",".join(header)):
        return False
    if sum(1 for cell in header if _CSV_HEADER_WORDS.search(cell)) < 2:
        return False
    same_width = sum(1 for row in rows if len(row) == len(header))
    return same_width >= 0.8 * len(rows)


def _csv_text(text: str) -> str:
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as error:
        raise UnsupportedInput(message("bad_csv", reason=error)) from None
    rows = [_trim_trailing_empty(row) for row in rows]
    width = max((len(row) for row in rows), default=0)
    WorkBudget().table(len(rows) * width)  # the rows are padded to the widest one
    padded = [row + [""] * (width - len(row)) for row in rows]
    return "\n".join(table_lines(padded))


def _trim_trailing_empty(row: list[str]) -> list[str]:
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end]  # one copy: trimming a cell at a time re-copies the row (a line of 60,000 commas)


_LABEL_THEN_TAB = re.compile(HEADING_LABEL.pattern + r"\s*\t")


def _plain_text(text: str) -> str:
    """Tabs inside a line of a text file stay (a row pasted from a spreadsheet is a table row), except
    the tab that Word puts after an automatic label when numbered text is copied ("一、\t总体要求")."""
    lines = []
    for line in text.split("\n"):
        # A row's leading tab is its empty first cell (a merged 类别 or 序号): keep it.
        stripped = line.strip(" \u3000\r\f\v") if "\t" in line else line.strip()
        match = _LABEL_THEN_TAB.match(stripped)
        if match and stripped.count("\t") == 1:
            stripped = stripped.replace("\t", " ", 1)
        lines.append(stripped)
    return "\n".join(lines)
