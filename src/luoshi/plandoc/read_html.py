"""HTML pages of government portals: the document's text without the portal around it.

Steps, in order: drop non-content elements (scripts, navigation, forms...), drop elements whose class or
id names them as page furniture, drop link-dense blocks (menus, link lists), render block elements as
lines and data tables as TAB rows, then drop lines that are portal boilerplate (breadcrumbs, share bars,
"上一篇/下一篇", footers). The portal's metadata table (索引号 / 发文机关 / 成文日期 ...) is kept as
"key\\tvalue" rows. An element holding most of the page's text is never dropped by the first three steps,
so a page wrapped whole in a <form> or a <div class="main-nav-content"> still yields its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import lxml.html
from lxml import etree

from luoshi.plandoc.errors import InputTooLarge, UnsupportedInput
from luoshi.plandoc.limits import MAX_HTML_TAGS, WorkBudget
from luoshi.plandoc.messages import message
from luoshi.plandoc.model import DITTO

# Elements that never hold the document's text.
_ALWAYS_DROP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
                          "canvas", "audio", "video", "map", "select", "button", "textarea", "input",
                          "head", "title"})
# Page furniture by element name; kept when it holds most of the page's text.
_FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "menu"})
# Page furniture by class or id: a token of the class/id (split at space, "-", "_") from this set.
_FURNITURE_TOKENS = frozenset({
    "nav", "navbar", "navigation", "menu", "menus", "submenu", "breadcrumb", "breadcrumbs", "crumb",
    "crumbs", "position", "location", "dqwz", "share", "bdshare", "fenxiang", "footer", "foot",
    "copyright", "sidebar", "related", "xgwz", "xgxx", "qrcode", "ewm", "erweima", "print", "fontsize",
    "toolbar", "login", "search", "topbar", "pagination", "pager", "prevnext", "friendlink", "links",
})
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
# An element with at least this much of the page's text (and this many characters) is content.
_PROTECT_SHARE = 0.5
_PROTECT_MIN_CHARS = 500
# Link-dense block: at least this many links and this share of its text inside <a>.
_LINK_DENSE_MIN_LINKS = 2
_LINK_DENSE_RATIO = 0.6

_BLOCK_TAGS = frozenset({
    "html", "body", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "tr", "td", "th", "table", "thead", "tbody", "tfoot", "caption", "section", "article", "main",
    "blockquote", "pre", "address", "center", "hr", "figure", "figcaption", "fieldset", "legend",
    "details", "summary", "header", "footer", "nav", "aside", "form",
})
_LINK_DENSE_CANDIDATES = frozenset({"div", "ul", "ol", "dl", "p", "li", "table", "section", "td", "span",
                                    "header", "footer", "nav", "aside"})

# A table is laid out (not data) when it nests a table, has a single column, or a cell this long.
_LAYOUT_CELL_CHARS = 1000
# A colspan or rowspan counts at most this many cells (HTML itself allows 1,000 and 65,534); a rowspan
# also ends at the table's last row, as browsers draw it. The cells of all tables of the page together
# are bounded by limits.MAX_TABLE_CELLS.
_MAX_SPAN = 100

# Portal metadata printed above many documents (information disclosure catalogue).
_META_KEYS = ("索引号", "主题分类", "主题词", "体裁分类", "组配分类", "服务对象", "发文机关", "发布机构",
              "发文单位", "成文日期", "发文日期", "标题", "名称", "发文字号", "文号", "发布日期",
              "生效日期", "废止日期", "有效性", "公开方式", "公开范围", "信息来源", "来源")
# Portals pad short keys to the width of long ones: "索&nbsp;引&nbsp;号：", "标　　题：".
_META_KEY = "|".join(r"\s*".join(key) for key in sorted(_META_KEYS, key=len, reverse=True))
_META_KEY_ONLY = re.compile(rf"^({_META_KEY})\s*[:：]?$")
_META_PAIR = re.compile(rf"({_META_KEY})\s*[:：]\s*")
_META_LINE = re.compile(rf"^({_META_KEY})\s*[:：]")
_META_MIN_PAIRS = 2

# Boilerplate lines of portal pages: (name, pattern, longest line it applies to), in order. Words that
# also occur in policy text (技术支持, 无障碍, 适老化, 二维码, 纠错) are anchored or limited to short lines.
_NOISE_LINES: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("breadcrumb", re.compile(r"^(当前位置|您现在的位置|您的位置|您所在的位置|所在位置|当前页面)"
                              r"\s*[:：]"), 200),
    ("breadcrumb-path", re.compile(r"^(首页|网站首页|主页)\s*[>›»＞/]"), 200),
    ("prev-next", re.compile(r"^(上一篇|下一篇|上一条|下一条)\s*[:：]?"), 120),
    ("print-close", re.compile(r"打印本页|关闭窗口|打印此页|【\s*打印\s*】|【\s*关闭\s*】|\[\s*打印\s*\]"
                               r"|\[\s*关闭\s*\]|收藏本页|加入收藏|设为首页"), 80),
    # 【字体：大 中 小】, but not 发文字号：大政发…
    ("font-size", re.compile(r"【\s*字[体号]\s*[:：]|(?<!文)字[体号]\s*[:：]\s*[大中小](\s*[|｜]?\s*[大中小]){1,2}"
                             r"|^【?\s*[大中小]\s+[大中小]\s+[大中小]"), 120),
    ("share", re.compile(r"^(分享到|分享至)|^分享\s*[:：]|^(微信|微博|QQ空间|QQ|人人网|豆瓣|\s)+$"), 80),
    ("qrcode", re.compile(r"扫描二维码|扫一扫|二维码"), 30),
    ("site-footer", re.compile(r"网站标识码|ICP\s*备|公网安备|版权所有"
                               r"|网站地图|联系我们|^我要纠错|无障碍浏览|无障碍阅读"
                               r"|长者模式|适老化模式"), 200),
    # '主办单位：某市人民政府办公室': the site's sponsor names one body; '主办单位：A，协办单位：B、C。' is a
    # plan's marker line (a list, a full stop) and stays.
    ("site-sponsor", re.compile(r"^(主办|承办|协办|运维|技术支持)(单位)?\s*[:：][^、,，;；。]*$"), 200),
    ("counters", re.compile(r"(浏览次数|访问量|阅读次数|点击数|浏览量|访问次数)\s*[:：]"), 120),
    ("related", re.compile(r"^(本文链接|本文关键词|本文地址|相关链接|相关文章|相关阅读|相关文件"
                           r"|相关稿件|相关新闻"
                           r"|相关解读|延伸阅读)\s*([:：]|$)"), 200),
)

_CHARSET_META = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)"
                           rb"|^\s*<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9_\-:.]+)", re.IGNORECASE)
# Charset names pages declare, mapped to the codec that reads them (GB18030 is a superset of GBK/GB2312).
_CHARSET_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030",
    "gb18030": "gb18030", "euc-cn": "gb18030", "x-euc-cn": "gb18030", "hz-gb-2312": "hz",
    "utf8": "utf-8", "utf-8": "utf-8", "unicode": "utf-8", "big5": "big5hkscs", "big5-hkscs": "big5hkscs",
}

_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_SEGMENT_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{_CJK}])")
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def declared_html_encoding(data: bytes) -> str | None:
    """The codec for the charset a page declares in <meta charset> or http-equiv, if any."""
    match = _CHARSET_META.search(data[:8192])
    if match is None:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii", errors="ignore").lower()
    return _CHARSET_ALIASES.get(name, name)


# libxml2 keeps elements up to about 256 levels deep and drops the rest without an error.
MAX_HTML_DEPTH = 250
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
# Elements that never nest (void) or whose end tag may be left out (the parser closes them itself).
_NOT_NESTING = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr", "p", "li", "td", "th", "tr", "dt", "dd", "option", "optgroup", "tbody", "thead", "tfoot",
    "colgroup", "rt", "rp", "html", "head", "body",
})


def _nesting_depth(markup: str) -> int:
    """How deep the page's elements nest, read from its tags in one pass."""
    depth = deepest = 0
    for m in _TAG_RE.finditer(markup):
        if m.group(2).lower() in _NOT_NESTING or m.group(3):
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def read_html(markup: str) -> tuple[str, list[str]]:
    """Return the page's text (one block per line, data tables as TAB rows) and warnings."""
    markup = _XML_DECLARATION.sub("", markup).replace("\x00", "")
    tags = markup.count("<")
    if tags > MAX_HTML_TAGS:
        raise InputTooLarge(message("html_too_many_tags", tags=f"{tags:,}", limit=f"{MAX_HTML_TAGS:,}"))
    depth = _nesting_depth(markup)
    if depth > MAX_HTML_DEPTH:
        # libxml2 silently drops what lies deeper than this: say so instead of "no text found".
        raise UnsupportedInput(message("html_too_deep", depth=f"{depth:,}", limit=MAX_HTML_DEPTH))
    try:
        document = lxml.html.document_fromstring(markup)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        raise UnsupportedInput(message("html_unreadable")) from None
    _remove_keeping_tails(list(document.iter(etree.Comment, etree.ProcessingInstruction)))
    _remove_keeping_tails([element for element in document.iter() if isinstance(element.tag, str)
                           and element.tag.lower() in _ALWAYS_DROP and element is not document])
    body = document.find("body")
    root = body if body is not None else document

    dropped = _drop_furniture(root, _Measures(root))
    renderer = _Renderer(WorkBudget(), _Measures(root))  # measured again: furniture has left the tree
    renderer.walk(root)
    lines, noise = _drop_noise_lines(renderer.finish())
    dropped += noise
    lines = _metadata_rows(lines)
    warnings: list[str] = []
    if dropped:
        warnings.append(message("html_boilerplate", count=dropped))
    return "\n".join(lines), warnings


# --------------------------------------------------------------------------------------------------
# Dropping page furniture

class _Measures:
    """What the rules read of each element's subtree, measured in one pass over the tree (children
    before parents) instead of walking each element's subtree again: its text length (characters other
    than HTML white space and no-break spaces, tails of descendants included, as text_content() has
    them), how many <a> are below it and their text length, whether a <table> is below it. A page of
    200 nested blocks over 20,000 links took 8 s the other way.
    """

    __slots__ = ("_of",)

    def __init__(self, root: etree._Element) -> None:
        self._of: dict[etree._Element, tuple[int, int, int, bool]] = {}
        for element in reversed(list(root.iter())):  # every element after all of its descendants
            if not isinstance(element.tag, str):
                continue  # a comment or entity left in the tree: text_content() has no text of it
            chars, links, link_chars, table = _counted(element.text), 0, 0, False
            for child in element:
                child_chars, child_links, child_link_chars, child_table = self._of.get(child, (0, 0, 0, False))
                child_tag = child.tag if isinstance(child.tag, str) else ""
                chars += child_chars + _counted(child.tail)
                links += child_links + (child_tag == "a")
                link_chars += child_link_chars + (child_chars if child_tag == "a" else 0)
                table = table or child_table or child_tag == "table"
            self._of[element] = (chars, links, link_chars, table)

    def chars(self, element: etree._Element) -> int:
        return self._of[element][0]

    def links(self, element: etree._Element) -> tuple[int, int]:
        """The number of <a> below the element and their text length."""
        return self._of[element][1], self._of[element][2]

    def has_table(self, element: etree._Element) -> bool:
        return self._of[element][3]


_NOT_COUNTED = str.maketrans("", "", " \t\n\r\f\xa0")


def _counted(text: str | None) -> int:
    return len(text.translate(_NOT_COUNTED)) if text else 0


def _drop_furniture(root: lxml.html.HtmlElement, measures: _Measures) -> int:
    """Drop furniture elements top-down; return how many were dropped."""
    total_chars = measures.chars(root)
    furniture = []
    stack = list(root)
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):
            continue
        if _is_furniture(element, total_chars, measures):
            furniture.append(element)  # its subtree is not visited; what it holds goes with it
            continue
        stack.extend(element)
    _remove_keeping_tails(furniture)
    return len(furniture)


def _is_furniture(element: lxml.html.HtmlElement, total_chars: int, measures: _Measures) -> bool:
    tag = element.tag.lower()
    by_tag = tag in _FURNITURE_TAGS and not (tag in ("header", "footer") and _inside_article(element))
    tokens = {token.lower() for token in _TOKEN_SPLIT.split(
        f"{element.get('class', '')} {element.get('id', '')}") if token}
    by_name = bool(tokens & _FURNITURE_TOKENS) and tag not in ("html", "body")
    by_links = tag in _LINK_DENSE_CANDIDATES and _is_link_dense(element, measures)
    if not (by_tag or by_name or by_links):
        return False
    chars = measures.chars(element)
    protected = chars >= _PROTECT_MIN_CHARS and chars >= _PROTECT_SHARE * total_chars
    return not protected


def _inside_article(element: lxml.html.HtmlElement) -> bool:
    return any(isinstance(parent.tag, str) and parent.tag.lower() in ("article", "main")
               for parent in element.iterancestors())


def _is_link_dense(element: lxml.html.HtmlElement, measures: _Measures) -> bool:
    links, link_chars = measures.links(element)
    if links < _LINK_DENSE_MIN_LINKS:
        return False
    chars = measures.chars(element)
    if chars == 0:
        return True
    return link_chars >= _LINK_DENSE_RATIO * chars


def _remove_keeping_tails(nodes: list[etree._Element]) -> None:
    """Remove the nodes; the text after each (its tail) stays, appended to what came before it.

    One pass over the children of each parent, joining each run of kept text once: removing siblings
    one at a time would re-copy a growing string for each (quadratic in a page of thousands of them).
    """
    doomed: dict[etree._Element, list[etree._Element]] = {}
    for node in nodes:
        parent = node.getparent()
        if parent is not None:
            doomed.setdefault(parent, []).append(node)
    for parent, removed in doomed.items():
        removed_set = set(removed)
        kept: etree._Element | None = None  # the last kept child; None while text goes to parent.text
        pieces: list[str] = []  # tails of removed children, to append after kept's tail
        for child in list(parent):
            if child in removed_set:
                if child.tail:
                    pieces.append(child.tail)
                parent.remove(child)
                continue
            _append_text(parent, kept, pieces)
            kept, pieces = child, []
        _append_text(parent, kept, pieces)


def _append_text(parent: etree._Element, kept: etree._Element | None, pieces: list[str]) -> None:
    if not pieces:
        return
    if kept is not None:
        kept.tail = "".join([kept.tail or "", *pieces])
    else:
        parent.text = "".join([parent.text or "", *pieces])


# --------------------------------------------------------------------------------------------------
# Rendering

class _Renderer:
    """Walks the tree: block elements break lines, inline ones do not, data tables become TAB rows."""

    def __init__(self, budget: WorkBudget, measures: _Measures) -> None:
        self.lines: list[str] = []
        self.parts: list[str] = []
        self.budget = budget  # shared by the page and the cells of its tables
        self.measures = measures

    def finish(self) -> list[str]:
        self._break()
        return self.lines

    def _break(self) -> None:
        if self.parts:
            text = _HTML_SPACE.sub(" ", _SEGMENT_BREAK.sub("", "".join(self.parts))).strip()
            if text:
                self.budget.text(len(text))
                self.lines.append(text)
            self.parts = []

    def _text(self, text: str | None) -> None:
        if text:
            self.parts.append(text)

    def walk(self, element: lxml.html.HtmlElement) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag == "br":
            self._break()
        elif tag == "table" and not _is_layout_table(element, self.measures):
            self._break()
            self.lines.extend(_table_lines(element, self.budget, self.measures))
        elif tag == "pre":
            self._break()
            text = element.text_content()
            self.budget.text(len(text))
            self.lines.extend(line.strip() for line in text.splitlines())
        else:
            block = tag in _BLOCK_TAGS
            if block:
                self._break()
            self._text(element.text)
            for child in element:
                self.walk(child)
            if block:
                self._break()
        self._text(element.tail)


def _own_rows(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    rows: list[lxml.html.HtmlElement] = []
    for child in table:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(row for row in child if isinstance(row.tag, str) and row.tag.lower() == "tr")
    return rows


def _own_cells(row: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [cell for cell in row if isinstance(cell.tag, str) and cell.tag.lower() in ("td", "th")]


def _is_layout_table(table: lxml.html.HtmlElement, measures: _Measures) -> bool:
    if table.get("role", "").lower() == "presentation":
        return True
    if measures.has_table(table):
        return True
    rows = _own_rows(table)
    if not rows or all(len(_own_cells(row)) <= 1 for row in rows):
        return True
    return any(measures.chars(cell) > _LAYOUT_CELL_CHARS for row in rows for cell in _own_cells(row))


def _span(cell: lxml.html.HtmlElement, name: str) -> int:
    try:
        return min(max(int(cell.get(name, "1")), 1), _MAX_SPAN)
    except ValueError:
        return 1


def _cell_text(cell: lxml.html.HtmlElement, budget: WorkBudget, measures: _Measures) -> str:
    renderer = _Renderer(budget, measures)
    renderer._text(cell.text)
    for child in cell:
        renderer.walk(child)
    return " ".join(line for line in renderer.finish() if line)


def _table_lines(table: lxml.html.HtmlElement, budget: WorkBudget, measures: _Measures) -> list[str]:
    """A data table as TAB rows: a spanned value sits in its first cell; cells it covers below hold 〃.

    Every cell a span covers is charged to the budget before it is stored, and so is the rectangle
    the rows are rendered to: the work is bounded by limits.MAX_TABLE_CELLS whatever the spans say.
    """
    grid: dict[tuple[int, int], str] = {}
    own_rows = _own_rows(table)
    width = 0
    for row_index, row in enumerate(own_rows):
        column = 0
        for cell in _own_cells(row):
            while (row_index, column) in grid:
                column += 1
            rows_spanned = min(_span(cell, "rowspan"), len(own_rows) - row_index)
            columns_spanned = _span(cell, "colspan")
            budget.table(rows_spanned * columns_spanned)
            for down in range(rows_spanned):
                for across in range(columns_spanned):
                    # A cell spanned down reads as "same as above" (〃) in the rows it covers.
                    grid[(row_index + down, column + across)] = DITTO if down and not across else ""
            grid[(row_index, column)] = _cell_text(cell, budget, measures)
            column += columns_spanned
            width = max(width, column)
    if not grid:
        return []
    budget.table(len(own_rows) * width - len(grid))  # the empty cells the rows are padded with
    rows = [[grid.get((r, c), "") for c in range(width)] for r in range(len(own_rows))]
    pairs = _metadata_pairs([cell for row in rows for cell in row])
    if pairs is not None:
        rows = [[key, value] for key, value in pairs]
    rendered = ["\t".join(cell.replace("\t", " ") for cell in row) for row in rows]
    rendered = [line for line in rendered if line.strip()]
    return ["", *rendered, ""] if rendered else []


# --------------------------------------------------------------------------------------------------
# Boilerplate lines and metadata

def _drop_noise_lines(lines: Iterable[str]) -> tuple[list[str], int]:
    kept: list[str] = []
    dropped = 0
    for line in lines:
        if line and "\t" not in line and any(
                len(line) <= longest and pattern.search(line) for _name, pattern, longest in _NOISE_LINES):
            dropped += 1
            continue
        kept.append(line)
    return kept, dropped


def _metadata_pairs(cells: list[str]) -> list[tuple[str, str]] | None:
    """Key/value pairs when the cells are a metadata block (索引号：… 发文机关：…), else None."""
    pairs: list[tuple[str, str]] = []
    pending_key: str | None = None
    for cell in cells:
        cell = cell.strip()
        if not cell:
            continue
        key_only = _META_KEY_ONLY.match(cell)
        if key_only:
            if pending_key is not None:
                pairs.append((pending_key, ""))
            pending_key = _compact(key_only.group(1))
            continue
        if _META_LINE.match(cell):
            if pending_key is not None:
                pairs.append((pending_key, ""))
                pending_key = None
            pairs.extend(_split_pairs(cell))
            continue
        if pending_key is not None:
            pairs.append((pending_key, cell))
            pending_key = None
        else:
            return None  # a cell that is neither key nor value: not a metadata block
    if pending_key is not None:
        pairs.append((pending_key, ""))
    return pairs if len(pairs) >= _META_MIN_PAIRS else None


def _split_pairs(line: str) -> list[tuple[str, str]]:
    """Split "索引号：001 主题分类：科技" into its pairs."""
    matches = list(_META_PAIR.finditer(line))
    pairs = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
        pairs.append((_compact(match.group(1)), line[match.end():end].strip()))
    return pairs


def _compact(key: str) -> str:
    return re.sub(r"\s+", "", key)


def _metadata_rows(lines: list[str]) -> list[str]:
    """Turn runs of "key：value" lines (outside tables) into framed "key\\tvalue" rows."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and "\t" not in lines[end] and _META_LINE.match(lines[end]):
            end += 1
        pairs = [pair for line in lines[index:end] for pair in _split_pairs(line)]
        if end > index and len(pairs) >= _META_MIN_PAIRS:
            out.extend(["", *(f"{key}\t{value}" for key, value in pairs), ""])
            index = end
        else:
            out.append(lines[index])
            index += 1
    return out
