"""Word .docx: body paragraphs and tables in document order, with automatic numbering rendered.

python-docx opens the package (it follows the relationships to the main document, styles and numbering
parts); the text is taken from the raw XML so that tracked insertions, hyperlinks, fields and content
controls are read in order, and deleted text, field codes and hidden text are not. Headers, footers,
comments, footnotes and text boxes are not body text.

Word's automatic numbering (w:numPr on a paragraph or on its style) is rendered as the label a reader
sees ("一、", "（一）", "1.", "（1）", "①"): numId -> abstractNum -> lvl (numFmt, lvlText, start,
lvlRestart), with lvlOverride/startOverride. Counters are kept per abstract numbering; a w:num that
overrides levels counts on its own, as Word does.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from luoshi.plandoc.errors import InputTooLarge, UnsupportedInput
from luoshi.plandoc.limits import MAX_DOCX_XML_BYTES, WorkBudget
from luoshi.plandoc.messages import message
from luoshi.plandoc.model import DITTO

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Most grid columns one table cell may claim (gridSpan, gridBefore); Word's own tables have at most 63.
_MAX_GRID_SPAN = 64
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


def _attr(element: etree._Element | None, name: str = "val") -> str | None:
    if element is None:
        return None
    value = element.get(_w(name))
    return str(value) if value is not None else None


def _int_attr(element: etree._Element | None, default: int, name: str = "val") -> int:
    value = _attr(element, name)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _on(element: etree._Element | None) -> bool:
    """A WordprocessingML on/off property: present and not "0"/"false"/"off"."""
    return element is not None and _attr(element) not in ("0", "false", "off")


# Containers whose children are walked as block content (content controls, custom XML, tracked moves).
_BLOCK_CONTAINERS = frozenset({_w("sdt"), _w("sdtContent"), _w("customXml"), _w("ins"), _w("moveTo"),
                               _w("smartTag")})
# Inside a paragraph: subtrees that are not its visible text.
_SKIPPED_IN_PARAGRAPH = frozenset({_w("delText"), _w("instrText"), _w("del"), _w("moveFrom"), _w("pPr"),
                                   _w("rPr"), _w("txbxContent"), _w("footnoteReference"),
                                   _w("endnoteReference"), _w("commentReference"), f"{{{_MC}}}Fallback",
                                   _w("fldData"), _w("pict"), _w("object"),
                                   _w("sdtPr"), _w("sdtEndPr")})


def read_docx(data: bytes) -> tuple[str, list[str]]:
    """Return the body text of a .docx (tables as TAB rows) and warnings."""
    _check_main_part_size(data)
    try:
        import docx  # python-docx

        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        styles = _part_element(lambda: document.part.styles.element)
        numbering = _part_element(lambda: document.part.numbering_part.element)
    except UnsupportedInput:
        raise
    except Exception:  # python-docx raises many types (KeyError, ValueError, lxml errors, ...)
        raise UnsupportedInput(message("damaged_docx")) from None
    reader = _BodyReader(_Numbering(numbering, styles), WorkBudget())
    try:
        reader.block_items(body)
    except RecursionError:
        raise UnsupportedInput(message("docx_too_deep")) from None
    return "\n".join(reader.lines), reader.warnings


def _check_main_part_size(data: bytes) -> None:
    """Refuse a main document part too large to parse into memory, from the zip directory alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = archive.getinfo("word/document.xml").file_size
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return  # python-docx finds the main part by its relationship, or reports the file as damaged
    if size > MAX_DOCX_XML_BYTES:
        raise InputTooLarge(message("docx_too_large", size=f"{size / 1048576:.0f}",
                                    limit=f"{MAX_DOCX_XML_BYTES / 1048576:.0f}"))


def _part_element(getter: Callable[[], Any]) -> etree._Element | None:
    try:
        element = getter()
    except (KeyError, NotImplementedError, AttributeError, ValueError):
        return None
    return element if isinstance(element, etree._Element) else None


# --------------------------------------------------------------------------------------------------
# Body

class _BodyReader:
    def __init__(self, numbering: _Numbering, budget: WorkBudget) -> None:
        self.numbering = numbering
        self.budget = budget  # shared with the readers of table cells: counts the whole document
        self.lines: list[str] = []
        self.warnings: list[str] = []

    def block_items(self, container: etree._Element) -> None:
        for child in container:
            if child.tag == _w("p"):
                text = self.paragraph(child)
                self.budget.text(len(text))
                self.lines.extend(text.split("\n"))
            elif child.tag == _w("tbl"):
                self.lines.extend(["", *self.table(child), ""])
            elif child.tag in _BLOCK_CONTAINERS:
                self.block_items(child)
            elif child.tag == f"{{{_MC}}}AlternateContent":
                choice = child.find(f"{{{_MC}}}Choice")
                if choice is not None:
                    self.block_items(choice)

    def paragraph(self, paragraph: etree._Element) -> str:
        text = "".join(_paragraph_pieces(paragraph))
        label = self.numbering.label(paragraph)
        if label:
            text = label + text
        return text

    def table(self, table: etree._Element) -> list[str]:
        """Rows as TAB lines: gridSpan cells are padded, vMerge continuations hold the ditto mark 〃."""
        rows: list[list[str]] = []
        for row in _children(table, "tr"):
            before = _int_attr(row.find(f"{_w('trPr')}/{_w('gridBefore')}"), 0)
            cells: list[str] = [""] * min(max(before, 0), _MAX_GRID_SPAN)
            for cell in _children(row, "tc"):
                properties = cell.find(_w("tcPr"))
                span = _int_attr(properties.find(_w("gridSpan")) if properties is not None else None, 1)
                merge = properties.find(_w("vMerge")) if properties is not None else None
                continuation = merge is not None and _attr(merge) != "restart"
                text = DITTO if continuation else self.cell_text(cell)
                cells.extend([text] + [""] * (min(max(span, 1), _MAX_GRID_SPAN) - 1))
            rows.append(cells)
        width = max((len(row) for row in rows), default=0)
        self.budget.table(len(rows) * width)  # every row is padded to the widest
        lines = ["\t".join(row + [""] * (width - len(row))) for row in rows]
        return [line for line in lines if line.strip()]

    def cell_text(self, cell: etree._Element) -> str:
        inner = _BodyReader(self.numbering, self.budget)  # shares numbering counters: document order is kept
        inner.block_items(cell)
        return " ".join(line.replace("\t", " ").strip() for line in inner.lines if line.strip())


def _children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    """Direct children with this name, looking through content controls and custom XML wrappers."""
    for child in element:
        if child.tag == _w(name):
            yield child
        elif child.tag in _BLOCK_CONTAINERS:
            yield from _children(child, name)


def _paragraph_pieces(paragraph: etree._Element) -> Iterator[str]:
    """The visible text of a paragraph, in order; a manual line break becomes a new line."""
    for run in _runs(paragraph):
        properties = run.find(_w("rPr"))
        if properties is not None and (_on(properties.find(_w("vanish"))) or
                                       _on(properties.find(_w("specVanish")))):
            continue
        for item in run:
            tag = item.tag
            if tag == _w("t"):
                yield item.text or ""
            elif tag in (_w("tab"), _w("ptab")):
                yield " "
            elif tag in (_w("br"), _w("cr")):
                yield "\n"
            elif tag == _w("noBreakHyphen"):
                yield "-"
            elif tag == _w("softHyphen"):
                continue
            elif tag == _w("sym"):
                yield _symbol(item)


def _runs(element: etree._Element) -> Iterator[etree._Element]:
    """Runs of a paragraph in document order, through hyperlinks, fields, insertions and controls."""
    for child in element:
        tag = child.tag
        if tag in _SKIPPED_IN_PARAGRAPH or not isinstance(tag, str):
            continue
        if tag == _w("r"):
            yield child
        elif tag == f"{{{_MC}}}AlternateContent":
            choice = child.find(f"{{{_MC}}}Choice")
            if choice is not None:
                yield from _runs(choice)
        elif tag not in (_w("drawing"),):
            yield from _runs(child)


def _symbol(sym: etree._Element) -> str:
    code = _attr(sym, "char") or ""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    if 0xF000 <= value <= 0xF0FF:  # symbol-font private use: the glyph is font specific
        value -= 0xF000
        return "•" if value in (0xB7, 0xA7, 0x6C, 0x6E, 0xFC) else chr(value) if 0x20 <= value < 0x7F else ""
    return chr(value)


# --------------------------------------------------------------------------------------------------
# Automatic numbering

@dataclass(slots=True)
class _Level:
    number_format: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None  # lvlRestart: None = after any shallower level, 0 = never, n = level n
    legal: bool = False  # isLgl: show every level's number in decimal
    suffix: str = "tab"
    style: str | None = None


@dataclass(slots=True)
class _Counters:
    values: list[int | None] = field(default_factory=lambda: [None] * 9)


class _Numbering:
    """Resolves paragraph numbering to labels, counting in document order."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None) -> None:
        self.abstract_levels: dict[str, dict[int, _Level]] = {}
        self.abstract_style_links: dict[str, str] = {}
        self.nums: dict[str, tuple[str, dict[int, _Level], dict[int, int]]] = {}
        self.style_numbering: dict[str, tuple[str | None, int | None]] = {}
        self.style_parent: dict[str, str] = {}
        self.counters: dict[str, _Counters] = {}
        if numbering is not None:
            self._load_numbering(numbering)
        if styles is not None:
            self._load_styles(styles)

    def _load_numbering(self, numbering: etree._Element) -> None:
        for abstract in numbering.iter(_w("abstractNum")):
            abstract_id = _attr(abstract, "abstractNumId")
            if abstract_id is None:
                continue
            self.abstract_levels[abstract_id] = {
                _int_attr(level, 0, "ilvl"): _parse_level(level) for level in abstract.iter(_w("lvl"))}
            link = _attr(abstract.find(_w("numStyleLink")))
            if link:
                self.abstract_style_links[abstract_id] = link
        for num in numbering.iter(_w("num")):
            num_id = _attr(num, "numId")
            abstract_id = _attr(num.find(_w("abstractNumId")))
            if num_id is None or abstract_id is None:
                continue
            overridden: dict[int, _Level] = {}
            starts: dict[int, int] = {}
            for override in num.iter(_w("lvlOverride")):
                level_index = _int_attr(override, 0, "ilvl")
                start = override.find(_w("startOverride"))
                if start is not None:
                    starts[level_index] = _int_attr(start, 1)
                level = override.find(_w("lvl"))
                if level is not None:
                    overridden[level_index] = _parse_level(level)
            self.nums[num_id] = (abstract_id, overridden, starts)

    def _load_styles(self, styles: etree._Element) -> None:
        for style in styles.iter(_w("style")):
            style_id = _attr(style, "styleId")
            if style_id is None:
                continue
            parent = _attr(style.find(_w("basedOn")))
            if parent:
                self.style_parent[style_id] = parent
            num_properties = style.find(f"{_w('pPr')}/{_w('numPr')}")
            if num_properties is not None:
                num_id = _attr(num_properties.find(_w("numId")))
                level = num_properties.find(_w("ilvl"))
                self.style_numbering[style_id] = (num_id, _int_attr(level, 0) if level is not None else None)

    def label(self, paragraph: etree._Element) -> str:
        reference = self._reference(paragraph)
        if reference is None:
            return ""
        num_id, level_index = reference
        resolved = self._levels(num_id)
        if resolved is None:
            return ""
        counter_key, levels, starts = resolved
        level_index = min(max(level_index, 0), 8)
        if level_index not in levels:
            return ""
        counters = self.counters.setdefault(counter_key, _Counters()).values
        current = counters[level_index]
        counters[level_index] = (starts.get(level_index, levels[level_index].start) if current is None
                                 else current + 1)
        for deeper in range(level_index + 1, 9):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and level_index < restart):
                counters[deeper] = None
        return _render_label(levels, level_index, counters, starts)

    def _reference(self, paragraph: etree._Element) -> tuple[str, int] | None:
        properties = paragraph.find(_w("pPr"))
        direct = properties.find(_w("numPr")) if properties is not None else None
        style_id = _attr(properties.find(_w("pStyle"))) if properties is not None else None
        num_id = _attr(direct.find(_w("numId"))) if direct is not None else None
        level_element = direct.find(_w("ilvl")) if direct is not None else None
        level = _int_attr(level_element, 0) if level_element is not None else None
        if num_id is None and style_id is not None:
            num_id, style_level = self._style_numbering(style_id)
            if level is None:
                level = style_level
        if num_id is None or num_id == "0":
            return None
        if level is None:
            level = self._level_for_style(num_id, style_id)
        return num_id, level

    def _style_numbering(self, style_id: str) -> tuple[str | None, int | None]:
        seen: set[str] = set()
        current: str | None = style_id
        while current is not None and current not in seen:
            seen.add(current)
            if current in self.style_numbering:
                return self.style_numbering[current]
            current = self.style_parent.get(current)
        return None, None

    def _level_for_style(self, num_id: str, style_id: str | None) -> int:
        resolved = self._levels(num_id)
        if resolved is None or style_id is None:
            return 0
        for index, level in resolved[1].items():
            if level.style == style_id:
                return index
        return 0

    def _levels(self, num_id: str) -> tuple[str, dict[int, _Level], dict[int, int]] | None:
        """(counter key, levels, start overrides) for a numId, following numStyleLink once."""
        if num_id not in self.nums:
            return None
        abstract_id, overridden, starts = self.nums[num_id]
        link = self.abstract_style_links.get(abstract_id)
        if link is not None and not self.abstract_levels.get(abstract_id):
            linked_num, _level = self._style_numbering(link)
            if linked_num is not None and linked_num in self.nums and linked_num != num_id:
                abstract_id = self.nums[linked_num][0]
        levels = dict(self.abstract_levels.get(abstract_id, {}))
        levels.update(overridden)
        if not levels:
            return None
        counter_key = f"num:{num_id}" if overridden or starts else f"abstract:{abstract_id}"
        return counter_key, levels, starts


def _parse_level(element: etree._Element) -> _Level:
    restart = element.find(_w("lvlRestart"))
    return _Level(
        number_format=_attr(element.find(_w("numFmt"))) or "decimal",
        text=_attr(element.find(_w("lvlText"))) or "",
        start=_int_attr(element.find(_w("start")), 1),
        restart=_int_attr(restart, 0) if restart is not None else None,
        legal=_on(element.find(_w("isLgl"))),
        suffix=_attr(element.find(_w("suff"))) or "tab",
        style=_attr(element.find(_w("pStyle"))),
    )


_PLACEHOLDER = re.compile(r"%([1-9])")
# A label that ends in one of these needs no space before the text, as a typist would write it.
_CLOSED_LABEL_END = "、.．)）:：]】"


def _render_label(levels: dict[int, _Level], level_index: int, counters: list[int | None],
                  starts: dict[int, int]) -> str:
    level = levels[level_index]
    if level.number_format == "bullet":
        label = "".join(_bullet_char(char) for char in level.text) or "•"
    else:
        def number(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            value = counters[index]
            source = levels.get(index, _Level())
            if value is None:
                value = starts.get(index, source.start)
            number_format = "decimal" if level.legal and index != level_index else source.number_format
            return format_number(value, number_format)

        label = _PLACEHOLDER.sub(number, level.text)
    if not label.strip():
        return ""
    if level.suffix == "nothing" or label[-1] in _CLOSED_LABEL_END:
        return label
    return label + " "


def _bullet_char(char: str) -> str:
    return "•" if "\ue000" <= char <= "\uf8ff" else char


_CHINESE_DIGITS = "零一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_LEGAL_DIGITS_TRADITIONAL = "零壹貳參肆伍陸柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def format_number(value: int, number_format: str) -> str:
    """Render a list counter in a WordprocessingML numFmt (unknown formats fall back to decimal)."""
    formatter = _FORMATTERS.get(number_format)
    if formatter is None:
        return str(value)
    return formatter(value)


def _chinese(value: int, digits: str = _CHINESE_DIGITS, units: str = "十百千万") -> str:
    """Chinese counting: 1 一, 10 十, 11 十一, 20 二十, 101 一百零一 (values up to 99999)."""
    if value <= 0 or value >= 100000:
        return str(value)
    parts: list[str] = []
    powers = ((10000, units[3]), (1000, units[2]), (100, units[1]), (10, units[0]), (1, ""))
    pending_zero = False
    for power, unit in powers:
        digit = value // power % 10
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append(digits[0])
            pending_zero = False
        parts.append(digits[digit] + unit)
    text = "".join(parts)
    if digits is _CHINESE_DIGITS and 10 <= value < 20:
        text = text[1:]  # 十一, not 一十一
    return text


def _letters(value: int, upper: bool) -> str:
    if value <= 0:
        return str(value)
    letter = chr(ord("A" if upper else "a") + (value - 1) % 26)
    return letter * ((value - 1) // 26 + 1)  # Word repeats: y, z, aa, bb


def _roman(value: int) -> str:
    if value <= 0 or value >= 4000:
        return str(value)
    out = []
    for amount, symbol in _ROMAN:
        while value >= amount:
            out.append(symbol)
            value -= amount
    return "".join(out)


def _enclosed(value: int, first: int, count: int) -> str:
    return chr(first + value - 1) if 1 <= value <= count else str(value)


def _circled(value: int) -> str:
    if 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if 21 <= value <= 35:
        return chr(0x3251 + value - 21)
    if 36 <= value <= 50:
        return chr(0x32B1 + value - 36)
    return str(value)


def _digit_by_digit(value: int) -> str:
    return "".join("〇一二三四五六七八九"[int(digit)] for digit in str(value))


def _cycle(value: int, symbols: str) -> str:
    return symbols[(value - 1) % len(symbols)] if value > 0 else str(value)


_FORMATTERS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda value: f"{value:02d}",
    "decimalFullWidth": lambda value: str(value).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}),
    "decimalFullWidth2": lambda value: str(value).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}),
    "decimalHalfWidth": str,
    "upperRoman": _roman,
    "lowerRoman": lambda value: _roman(value).lower(),
    "upperLetter": lambda value: _letters(value, upper=True),
    "lowerLetter": lambda value: _letters(value, upper=False),
    "ordinal": lambda value: f"{value}th" if 10 <= value % 100 <= 20 else
    f"{value}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(value % 10, 'th')}",
    "chineseCounting": _chinese,
    "chineseCountingThousand": _chinese,
    "taiwaneseCounting": _chinese,
    "taiwaneseCountingThousand": _chinese,
    "japaneseCounting": _chinese,
    "ideographDigital": lambda value: _digit_by_digit(value),
    "taiwaneseDigital": lambda value: _digit_by_digit(value),
    "chineseLegalSimplified": lambda value: _chinese(value, _LEGAL_DIGITS, "拾佰仟万"),
    "ideographLegalTraditional": lambda value: _chinese(value, _LEGAL_DIGITS_TRADITIONAL, "拾佰仟萬"),
    "ideographTraditional": lambda value: _cycle(value, _HEAVENLY_STEMS),
    "ideographZodiac": lambda value: _cycle(value, _EARTHLY_BRANCHES),
    "decimalEnclosedCircle": _circled,
    "decimalEnclosedCircleChinese": _circled,
    "decimalEnclosedFullstop": lambda value: _enclosed(value, 0x2488, 20),
    "decimalEnclosedParen": lambda value: _enclosed(value, 0x2474, 20),
    "ideographEnclosedCircle": lambda value: _enclosed(value, 0x3280, 10),
    "ideographParenthesized": lambda value: _enclosed(value, 0x3220, 10),
    "none": lambda _value: "",
}
