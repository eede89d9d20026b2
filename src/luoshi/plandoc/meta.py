"""Document metadata from the lines before the first heading: the cover notice or a portal's table.

Which source wins, field by field:

- doc_number: the portal's 文号/发文字号 row, else a line near the top that starts with a 文号 (the
  document's own number, under its title or before it). A 文号 cited inside a sentence is another document's.
- issued_on: the portal's 成文日期 row, else the signature date (cover notice, or the closing lines when the
  caller passes them), else the portal's 发布日期 (published on the portal, often days after signing).
- issuer: the portal's 发文机关/发布单位 row, else the signature, else the notice title's issuer.
- title: the plan's own heading line before the body (two short lines joined when it wraps), else the plan
  the notice or its forwarding sentence names (关于印发《X》的通知, 现将《X》印发给你们).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .dates import find_date
from .lines import Line
from .normalize import halfwidth
from .refs import DOC_NUMBER_RE, find_doc_numbers
from .tables import is_header_word

# Portal metadata keys (索引号 / 发文机关 / 成文日期 / 发文字号 …) and the field each one fills.
PORTAL_KEYS: tuple[tuple[str, str | None], ...] = (
    ("索引号", None), ("主题分类", None), ("体裁分类", None), ("分类", None), ("公文种类", None), ("主题词", None),
    ("发文机关", "issuer"), ("发布机构", "issuer"), ("发文单位", "issuer"), ("发布单位", "issuer"),
    ("成文日期", "issued_on"), ("发文日期", "issued_on"), ("印发日期", "issued_on"), ("制发日期", "issued_on"),
    ("发文时间", "issued_on"), ("时效性", None),
    ("发布日期", "published_on"), ("公开日期", None), ("生成日期", None),
    ("发文字号", "doc_number"), ("文号", "doc_number"), ("发布文号", "doc_number"), ("文件编号", "doc_number"),
    ("文件字号", "doc_number"), ("文件号", "doc_number"), ("发文文号", "doc_number"), ("发文序号", "doc_number"),
    ("发文机构", "issuer"),
    ("标题", "notice_title"), ("名称", "notice_title"), ("有效性", None), ("时效", None),
    ("废止日期", None), ("组配分类", None), ("公开方式", None), ("公开范围", None), ("信息来源", None),
)
# Portals space the characters of a label out ("标 题：", "索 引 号：", full-width spaces alike).
# '[ 发布机构 ] | 靖边县人民政府办公室 |': a page's keys in square brackets.
_KEY_RE = re.compile(
    r"(?:\[\s*)?(" + "|".join(r"\s*".join(k) for k, _ in sorted(PORTAL_KEYS, key=lambda kv: -len(kv[0])))
    + r")(?:\s*\])?\s*[:|]\s*")
# Portals that set keys and values apart with spaces only ("文    号 蔡政办〔2023〕1号"): a key must start the
# line and another one follow, so that a sentence opening with 标题 or 名称 is not read as metadata.
_SPACED_KEY_RE = re.compile(
    r"(" + "|".join(r"\s*".join(k) for k, _ in sorted(PORTAL_KEYS, key=lambda kv: -len(kv[0]))) + r")\s+")
# A legal database's rows ("•【制定机关】延安市科学技术局", "•【公布日期】2018.03.23", "•【字号】延市科发〔2018〕24号"):
# keys in 【】 with no colon; 字号 there is the 文号 (elsewhere "字号：大 中 小" switches a page's font size).
_BRACKET_KEYS: tuple[tuple[str, str | None], ...] = (
    *PORTAL_KEYS, ("制定机关", "issuer"), ("发布部门", "issuer"), ("公布日期", "issued_on"), ("字号", "doc_number"),
    ("施行日期", None), ("实施日期", None), ("效力等级", None), ("效力级别", None), ("法规类别", None),
    ("法宝引证码", None), ("失效日期", None),
)
_BRACKET_KEY_RE = re.compile(
    r"【\s*(" + "|".join(k for k, _ in sorted(_BRACKET_KEYS, key=lambda kv: -len(kv[0]))) + r")\s*】\s*")
_MIN_RUN_ON_KEYS = 3
# List bullets some portals put before each metadata row ("• 文件编号：…").
_BULLET_CHARS = "•∙·●▪■◆"
_BULLET_RE = re.compile(r"^[\s" + _BULLET_CHARS + r"\-*]+")
_FIELD = dict(PORTAL_KEYS)
_BRACKET_FIELD = dict(_BRACKET_KEYS)
_SPACES_RE = re.compile(r"\s+")

_NOTICE_RE = re.compile(r"(关于印发|关于转发|关于下达|关于公布).*(的)?(通知|意见|函)|的通知$")
_PLAN_WORD_RE = re.compile(
    r"(计划|方案|要点|意见|措施|办法|清单|规划|分工|分解|台账|安排|任务|细则|纲要|举措|行动|表|完成情况|进展情况|若干政策|进度通报|事项目录|情况的报告|"
    r"(?:责任|分解|任务|目标)书)$")
# An office's name: the printing office of an imprint, the issuer's line above a red-header title.
_OFFICE = r"[\u4e00-\u9fff()]{2,30}(?:政府|办公厅|办公室|委员会|局|厅|委|办)"
_ORG_END_RE = re.compile(r"(政府|办公厅|办公室|委员会|局|部|厅|委|院|会|中心|小组|组|公署|管委会)$")
_ADDRESSEE_SEPARATORS_STRONG = ",，;；"
_ADDRESSEE_SEPARATORS_WEAK = "、"
_OPENING_BRACKETS = "(（[［【〔《"
_CLOSING_BRACKETS = ")）]］】〕》"
# "…实施方案（2019—2020年）", "…行动计划(试行)", "…进展情况表(截至9月底)": the kind of document is named before these.
_TRAILER = r"\((?:\d{4}\s*[-—~至到]+\s*\d{4}年?|\d{4}年?|\d{4}年版|试行|暂行|征求意见稿|修订|截[至止][^()]{1,12})\)"
_TRAILING_YEARS = re.compile(r"\s*" + _TRAILER + "$")
_TRAILER_LINE_RE = re.compile(_TRAILER)  # a heading's "（2019—2021）" wrapped onto a line of its own
_YEAR_RE = re.compile(r"((?:19|20)\d\d)年")
# A news page names the plan it reports in 《》 beside 印发 (its headline, or the lead: '近日,…印发《X》'; the norm
# writes 印發 so too).
_ANNOUNCED_TITLE_RE = re.compile(r"印发《(?P<title>[^《》]{4,100})》|《(?P<after>[^《》]{4,100})》(?:正式)?印发(?!给)")
_NEWS_LINES = 6
_FORWARDED_TITLE_RE = re.compile(r"现(?:将|把)《([^《》]{2,100})》(?:予以)?(?:印发|转发|下达|发)给")
# "关于印发《X》的通知", "…印发《X》的通知", "关于转发区消防支队《X》的通知": X, the plan sent, ends the notice.
_NOTICE_NAMES_RE = re.compile(r"(?:印发|转发|下达|公布)[^《》]{0,30}《((?:[^《》]|《[^《》]*》)+)》的?通知$")
_NOTICE_PLAIN_RE = re.compile(r"(?:关于)?(?:印发|转发|下达|公布)(.+?)的通知")
# The kind of document a complete title ends with; the first line of a wrapped title does not end so.
_DOC_KIND_END_RE = re.compile(r"(方案|计划|要点|意见|办法|细则|规划|纲要|清单|通知|规定|决定|报告|表)$")
_LINE_END_PUNCT = "。;:,、!?…"
_OPEN_ONLY = "(（[［【〔"
_CLOSE_ONLY = ")）]］】〕"
_WRAP_MAX = 40  # each half of a wrapped title is a short line
_WRAP_MIN = 5
_MAX_HEADER_WORD = 6  # '工作任务', '重点任务', '责任单位': a table header's cell, never a title
_MONTH_LINE_RE = re.compile(r"(?:\d{4}|[〇零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,2}月")
# Red-header and filing lines above a title: "上海市人民政府文件", "特此通知", "主动公开".
_NOT_TITLE_PART_RE = re.compile(r"(文件|特此通知|特此函告|主动公开|此件公开发布|依申请公开|不予公开)$|^附件\s*\d*$"
                                # a breadcrumb
                                r"|^(?:当前位置|您的位置|您现在的位置|首页\s*[>/»›]|手机版)|(?:>[^>]*){2,}"
                                r"|丨"   # a page's bar of links ('丨 网站无障碍 丨 关怀版')
                                # a portal's column the page sits in, alone on its line above the title
                                r"|^(?:政府|政务)?信息公开(?:目录|专栏)?$|^政务公开$|^(?:政策文件|通知公告|公示公告|政策法规"
                                r"|规范性文件|工作动态|政务动态|部门文件)$"
                                # a page's byline
                                r"|(?:^|[\s\[【])(?:来源|时间|发布时间|作者|编辑|责任编辑|浏览次数|点击数|字号)\s*:")


@dataclass(slots=True)
class Metadata:
    title: str = ""
    notice_title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    issued_on: str | None = None
    published_on: str | None = None
    addressees: list[str] = field(default_factory=list)
    portal_lines: int = 0

    @property
    def default_year(self) -> int | None:
        """The year a plan's targets apply to when a sentence names none: the single year in its title."""
        years = set(_YEAR_RE.findall(self.title))
        return int(years.pop()) if len(years) == 1 else None


def extract_metadata(preamble: list[Line], closing: Sequence[Line] = (), notice_end: Sequence[Line] = ()
                     ) -> Metadata:
    """Metadata from the lines before the body; `closing`, the document's last lines, may hold the
    signature (issuer and date) of a plan issued without a cover notice."""
    meta = Metadata()
    portal: dict[str, str] = {}
    content: list[Line] = []
    value_taken = False
    for k, line in enumerate(preamble):
        if value_taken:
            value_taken = False
            continue
        pairs = _portal_pairs(line)
        if len(pairs) == 1 and not pairs[0][1] and k + 1 < len(preamble) and not line.cells \
                and _stacked_value(pairs[0][0], preamble[k + 1]):
            # '公开日期' / '2015年06月18日': a portal's key and its value each on a line of their own
            pairs, value_taken = [(pairs[0][0], preamble[k + 1].raw.strip())], True
        run_on = _BRACKET_KEY_RE.search(line.norm) if not pairs and "【" in line.norm else None
        if run_on is not None and run_on.start() > 0 and len(_BRACKET_KEY_RE.findall(line.norm)) >= _MIN_RUN_ON_KEYS:
            # '通化市人民政府关于印发…的通知【法规类别】…【发文字号】通市政明电[2015]7号【发布部门】…': a legal
            # database's rows run on after the title: the title stays a line of the text, the rows are read.
            content.append(Line.of(line.start, line.raw[:run_on.start()]))
            pairs = _pairs_in_text(line.norm[run_on.start():], line.raw[run_on.start():], _BRACKET_KEY_RE)
        if pairs:
            meta.portal_lines += 1
            for key, value in pairs:
                name = _BRACKET_FIELD.get(key)
                # 成文日期, the date the document was signed, over a 发文日期 the box also gives (its dispatch)
                if name and value and (name not in portal or _SPACES_RE.sub("", key) == "成文日期"):
                    portal[name] = value
        else:
            content.append(line)

    meta.doc_number = _first_doc_number([portal.get("doc_number", "")]) or _own_doc_number(content)
    notice_lines: set[int] = set()
    meta.notice_title = _clean_title(portal["notice_title"]) if "notice_title" in portal else None
    for i, ln in enumerate(content):
        if _NOTICE_RE.search(_strip_brackets(_VALIDITY_END.sub("", ln.norm))) and len(ln.norm) <= 150:
            start = _notice_title_start(content, i)
            notice_lines.update(range(start, i + 1))
            if meta.notice_title is None:
                meta.notice_title = _clean_title("".join(content[j].raw.strip() for j in range(start, i + 1)))
            break

    signature = _signature(content)
    if signature is None and notice_end:
        # '三、要强化督查考核。' / '某市人民政府办公室' / '2024年2月8日' / the plan's title: the notice, numbered like
        # a plan, was read as its first part; it is signed where the plan's own title starts.
        signature = _signature(list(notice_end), closing=True)
    if signature is None and closing:
        signature = _signature(list(closing)[-_CLOSING_LINES:], closing=True)
    if signature is None:
        signature = _delivered_on(content)
    if signature is None and closing:
        signature = _printed_on(list(closing)[-_CLOSING_LINES:])
    if signature is None:
        signature = _announced_on(content)
    meta.published_on = _portal_date(portal, "published_on")
    meta.issued_on = (_portal_date(portal, "issued_on") or (signature[1] if signature else None)
                      or meta.published_on)

    meta.issuer = portal.get("issuer") or (signature[0] if signature else None)
    if meta.issuer is None and meta.notice_title:
        m = re.match(r"(.+?)关于(印发|转发|下达)", meta.notice_title)
        if m:
            meta.issuer = m.group(1)

    for ln in content:
        norm = ln.norm.rstrip()
        if norm.endswith(":") and len(norm) <= 300 and (
                norm.startswith("各") or re.search(r"人民政府|部门|单位|委|局|厅|办", norm)):
            meta.addressees = _split_addressees(ln.raw.strip()[:-1])
            break

    meta.title = _plan_title(content, meta, notice_lines) or ""
    return meta


_CLOSING_LINES = 6  # the signature is within the last lines of the main text
_QUOTED_TITLE_RE = re.compile(r"《[^《》]*》")
# "【市政府重点工作及责任分解】滁州市人民政府关于…": a portal's tag before the title.
# A tag or a list bullet a page puts before the title: 【政策解读】, "• ".
# Before a title: a site's tag ('【要闻】', '政策动态 | '), a bullet, a province a copying site names ('(湖北省)').
_TAG_PREFIX_RE = re.compile(r"^(?:【[^【】]{1,30}】(?=\S)|[•·●◆■▪]\s*|[\u4e00-\u9fff]{2,8}\s*[|｜]\s*"
                            r"|[(（][\u4e00-\u9fff]{2,7}(?:省|自治区)[)）](?=\S)"
                            # '签发人:赵江涛 呼和浩特市…方案': the red header's signer run on before the title
                            r"|签发人\s*[:：]\s*[\u4e00-\u9fff]{2,4}(?:[、,，][\u4e00-\u9fff]{2,4})*\s+)")


def _signature(lines: list[Line], *, closing: bool = False) -> tuple[str | None, str] | None:
    """(issuer, ISO date) of the first line holding only a date (or the date and the plan's title run on after
    it); the issuer is the organisation line(s) above it. In the closing lines only a date under an organisation
    counts (not a table's last date)."""
    for i, ln in enumerate(lines):
        found = find_date(ln.raw)
        if found and ln.raw.lstrip()[:1] in _BULLETS:
            continue   # '• 2021-03-05': a page's list of its posting date, source and buttons, no signature
        run_on = _DATE_BEFORE_TITLE.match(ln.norm.strip()) if found and not closing else None
        if run_on is not None:
            return _signers(lines, i), found[0]   # type: ignore[index]
        # '2019年7月15日??????? ??': a copy's question marks where it lost the characters after the date
        if found and _is_date_only(_LOST_CHARACTERS.sub("", ln.raw), found[1]):
            issuer = _signers(lines, i)
            if closing and issuer is None:
                continue
            return issuer, found[0]
        if found and _is_date_only(ln.raw[found[1][0]:], (0, found[1][1] - found[1][0])) \
                and _NUMBER_ONLY_RE.fullmatch(ln.norm[:found[1][0]]):
            return None, found[0]   # '川府发〔2011〕8号 二○一一年三月十七日': a gazette's 文号 and date of issue
        if found:
            # '国务院办公厅 2016年4月27日': the signature and its date on one line.
            signer = ln.raw[:found[1][0]].strip()
            if signer and len(signer) <= _MAX_SIGNER and _ORG_END_RE.search(signer) \
                    and _is_date_only(ln.raw[found[1][0]:], (0, found[1][1] - found[1][0])):
                return signer, found[0]
    return None


_MAX_SIGNER = 40
_BULLETS = frozenset(_BULLET_CHARS)
_NUMBER_ONLY_RE = re.compile(r"\s*" + DOC_NUMBER_RE.pattern + r"\s*")
_LOST_CHARACTERS = re.compile(r"[?？][?？\s]*$")


def _delivered_on(lines: list[Line]) -> tuple[str | None, str] | None:
    """(None, ISO date) of a report's subtitle ('—— 2019年10月28日在运城市…会议上'): the day it was delivered."""
    for ln in lines:
        m = _DELIVERED_RE.match(ln.norm.strip())
        found = find_date(m.group(1)) if m else None
        if found:
            return None, found[0]
    return None


def _announced_on(lines: list[Line]) -> tuple[str | None, str] | None:
    """(None, ISO date) of a news page's lead that dates the issue: '2022年5月17日,天津市人民政府办公厅印发《…》'."""
    for ln in lines[:_NEWS_LINES]:
        m = _ANNOUNCED_ON_RE.match(ln.norm.strip()) if not ln.cells and "|" not in ln.norm else None
        found = find_date(m.group("date")) if m else None
        if found:
            return None, found[0]
    return None


_ANNOUNCED_ON_RE = re.compile(r"(?P<date>\d{4}年\d{1,2}月\d{1,2}日),?[^,。;《》]{2,40}印发《")


def _printed_on(lines: list[Line]) -> tuple[str | None, str] | None:
    """(None, ISO date) of the imprint at a document's foot (版记: '衡东县人民政府办公室 2016年6月22日印发'), the day
    the office printed it: the date of issue where no signature dates the document (the day after it, or the same)."""
    for ln in reversed(lines):
        m = _PRINTED_RE.search(ln.norm.rstrip())
        found = find_date(m.group("date")) if m else None
        if found:
            return None, found[0]
    return None


# The printing office, then the date and 印发, ending the line (抄送… may stand before them on the same line).
_PRINTED_RE = re.compile(r"(?:^|\s)" + _OFFICE + r"\s*"
                         r"(?P<date>\d{4}年\d{1,2}月\d{1,2}日)\s*印发$")


_DELIVERED_RE = re.compile(r"^[-—―]{1,2}\s*(\d{4}年\d{1,2}月\d{1,2}日)在.{2,60}上$")


def _signers(lines: list[Line], date_index: int) -> str | None:
    """The organisations signing above the date: one line, or one per line / spaced out on one line when
    several issue the plan jointly ("上海市交通委员会    上海市发展和改革委员会"), joined with 、."""
    names: list[str] = []
    for j in range(date_index - 1, max(date_index - 5, -1), -1):
        text = lines[j].raw.strip()
        if not text or len(text) > 40 or not _ORG_END_RE.search(text):
            break
        parts = text.split()
        names[:0] = parts if all(_ORG_END_RE.search(part) for part in parts) else [text]
    return "、".join(names) or None


def _portal_date(portal: dict[str, str], name: str) -> str | None:
    found = find_date(portal[name]) if name in portal else None
    return found[0] if found else None


# A portal's note of the text's validity, before the 文号 ('(失效)西政办发…') or after a title ('…的通知(已废止)').
_VALIDITY_NOTE = r"\s*(?:失效|有效|已失效|已废止|废止|现行有效|部分失效)\s*"
_VALIDITY_END = re.compile(r"[(\[【]" + _VALIDITY_NOTE + r"[)\]】]\s*$")
_VALIDITY_TAG = re.compile(r"[(（\[【]" + _VALIDITY_NOTE + r"[)）\]】]\s*")


def _own_doc_number(content: list[Line]) -> str | None:
    """The document's own 文号: a line near the top that starts with one ("沪府办发〔2020〕3号",
    "（国办发〔2019〕39号）", "大政办发〔2018〕54号《…的通知》"). The top ends at the first sentence."""
    for ln in content:
        text = ln.raw.strip()
        if text.endswith(("。", ".")) or len(_WEB_ADDRESS_RE.sub("", text)) > 150:
            break   # (a page's line of links is long for its addresses, no sentence)
        status = _VALIDITY_TAG.match(text)   # '(失效)西政办发〔2017〕14号 …': a portal's note of the text's validity
        # '• 川办函[2013]151号': a portal's bullet before it
        lead = status.end() if status else len(text) - len(text.lstrip("(（[［【〔 \u3000•∙·"))
        key = _NUMBER_KEY_RE.match(text, lead)
        if key is not None:
            lead = key.end()   # '发文字号法办〔2019〕40号': a database's key run on into its value
        found = find_doc_numbers(text[lead:])
        norm = halfwidth(text[lead:])
        if found and _NUMBER_AFTER_TITLE_RE.search(norm, 0, found[-1][1][0]) \
                and not norm[found[-1][1][1]:].strip(" )"):
            return found[-1][0]   # '…重点工作安排的通知（国办发〔2016〕30号）': the title with its own number
        if not found or found[0][1][0] != 0:
            continue
        rest = halfwidth(text[lead + found[0][1][1]:]).strip(" )]】〕")
        if not rest or rest.startswith(("《", "签发人")) or not any(p in rest for p in ",;。"):
            return found[0][0]
    return None


_WEB_ADDRESS_RE = re.compile(r"https?://[^\s)\]]+")
_NUMBER_KEY_RE = re.compile(r"(?:发文字号|发文文号|文件编号|文号|字号)(?=[\u4e00-\u9fff])")
# A notice's title closed by its kind, then its own 文号 in brackets ending the line.
_NUMBER_AFTER_TITLE_RE = re.compile(r"(?:通知|意见|方案|决定|办法|规定)\s*\($")


def _notice_title_start(content: list[Line], end: int) -> int:
    """The first line of the notice title that ends on line `end`: the line before it when that line wraps it (see
    _wraps_notice_title); else, a red-header document's title set over up to four short lines, from the line
    holding 关于 ('重庆市人民政府办公厅' / '关于贯彻落实新形势下加强打击' / '侵犯知识产权和制售假冒伪劣商品' /
    '工作意见任务分工的通知'), with the issuer's name on its own line above it."""
    if end > 0 and _wraps_notice_title(content[end - 1], content[end]):
        return end - 1
    for start in range(end - 1, max(end - _MAX_TITLE_LINES, -1), -1):
        text = content[start].norm.strip()
        if not text or len(text) > _WRAP_MAX or text[-1] in _LINE_END_PUNCT or _NOTICE_RE.search(text):
            break
        about = text.find("关于")   # (the norm writes 關于 and 關於 so too)
        if about == 0:
            above = content[start - 1].norm.strip() if start > 0 else ""
            return start - 1 if len(above) <= _WRAP_MAX and _ORG_ONLY_RE.fullmatch(above) else start
        if 0 < about < _ISSUER_BEFORE_ABOUT:
            return start
    return end


_MAX_TITLE_LINES = 4
_ORG_ONLY_RE = re.compile(_OFFICE)


def _wraps_notice_title(prev: Line, line: Line) -> bool:
    """"关于印发《上海港提高靠港船舶岸电" + "使用率实施方案（2023年）》的通知": one notice title on two lines."""
    p = prev.norm.strip()
    if not p or len(p) > _WRAP_MAX or p[-1] in _LINE_END_PUNCT:
        return False
    unclosed = p.count("《") > p.count("》") and line.norm.count("》") > line.norm.count("《")
    # "辽宁省人民政府办公厅关于落实" + "东北振兴“十二五”规划任务分工的通知": the issuer may open the first line.
    return unclosed or ("关于" in p[:_ISSUER_BEFORE_ABOUT] and not _NOTICE_RE.search(p))


_ISSUER_BEFORE_ABOUT = 20   # 关于 within the first characters: after an issuer's name, not in a sentence


def _continues_title(prev: Line, line: Line, meta: Metadata) -> bool:
    """Whether `prev` is the first half of a heading wrapped onto `line` (both short; `prev` no sentence,
    date, 文号, signature, bracketed note or complete title of its own)."""
    p = _strip_brackets(prev.norm)
    cur = line.norm.strip()
    if not (_WRAP_MIN <= len(p) <= _WRAP_MAX and len(cur) <= _WRAP_MAX) or p[-1] in _LINE_END_PUNCT:
        return False   # shorter than a title's first half: a page's button or link (展开, 侵权投诉)
    if cur.startswith(p):
        return False   # a page's wrapped copy of the title ('…涉杭任务') above the whole title
    if _MONTH_LINE_RE.fullmatch(p) or p.isdigit():
        return False   # '2021年2月' under a signature; '2024227', a date that lost its 年月日
    if p[0] in _OPEN_ONLY and p[-1] in _CLOSE_ONLY:  # "（此件公开发布）"
        return False
    if cur[:1] == "(" and _TITLE_AFTER_YEARS_RE.match(cur):
        return True   # "中医药发展战略规划纲要" + "（2016—2030年）实施分工方案": no title opens with its years
    found = find_date(prev.raw)
    if (found and _is_date_only(prev.raw, found[1], with_time=True)) or find_doc_numbers(prev.raw) \
            or _NOT_TITLE_PART_RE.search(p):
        return False
    if meta.issuer and _SPACES_RE.sub("", prev.raw) == _SPACES_RE.sub("", meta.issuer):
        return False
    if cur.startswith(("及", "暨", "以及")):
        return True   # "…2020年政务公开工作要点" + "及重点任务分工": no title opens on a conjunction
    if _DIVISION_TAIL_RE.fullmatch(cur):
        return True   # "…“十二五”规划" + "重点工作分工方案": a division names the plan it divides
    # "国务院关于落实《政府工作报告》" + "重点工作部门分工的意见": a quoted title does not end the heading.
    outside = _QUOTED_TITLE_RE.sub("", prev.norm.strip())
    if _DOC_KIND_END_RE.search(_TRAILING_YEARS.sub("", outside)) or _NOTICE_RE.search(p):
        return False
    # An organisation above a heading is one title only when the heading goes on "关于…"
    # ("上海市人民政府办公厅" + "关于科学绿化的实施意见"); above any other heading it is a signature.
    # "某局贯彻落实…市政府办公室" + "2022年…分工方案": a heading carrying out its superiors' plan names them at its end.
    return not _ORG_END_RE.search(p) or cur.startswith("关于") or _CARRIES_OUT_RE.search(p) is not None


_CARRIES_OUT_RE = re.compile(r"贯彻|落实|关于")


def _breaks_mid_phrase(norm: str) -> bool:
    """Does a line stop where no title ends: on a conjunction or particle, or inside 《…》 or “…”?"""
    text = norm.strip()
    if len(text) > _THIRD_OF_TITLE or "/" in text:
        return False   # '本作品收錄於《中華人民共和國國務院公報/2022年/第17號': a page's note, no part of a title
    return text.endswith(_MID_PHRASE_ENDS) or text.count("《") > text.count("》") or text.count("“") > text.count("”")


_MID_PHRASE_ENDS = ("和", "及", "与", "的", "之", "暨", "关于", "、")
_THIRD_OF_TITLE = 24
# A line that only says which part of a plan is divided among units, never a title of its own.
_DIVISION_TAIL_RE = re.compile(r"(?:(?:主要)?(?:目标)?(?:重点)?(?:工作|任务)(?:目标)?|主要目标任务|实施)?"
                               r"(?:部门)?(?:责任)?(?:分工|分解)(?:的?(?:方案|意见)|表)?")


_TITLE_AFTER_YEARS_RE = re.compile(r"\(\d{4}[^()]{0,12}\)\S")


def _split_addressees(body: str) -> list[str]:
    """Split the addressee line at separators outside brackets ("各县（市、区）人民政府" is one).

    "各省、自治区、直辖市人民政府，国务院各部委": 、 joins parts of one addressee when ， separates them.
    """
    pieces: list[list[str]] = [[], []]  # split at strong separators only / at every separator
    current = ["", ""]
    depth = 0
    for ch in body:
        if ch in _OPENING_BRACKETS:
            depth += 1
        elif ch in _CLOSING_BRACKETS:
            depth = max(depth - 1, 0)
        for i, separators in enumerate((_ADDRESSEE_SEPARATORS_STRONG,
                                        _ADDRESSEE_SEPARATORS_STRONG + _ADDRESSEE_SEPARATORS_WEAK)):
            if depth == 0 and ch in separators:
                pieces[i].append(current[i])
                current[i] = ""
            else:
                current[i] += ch
    for i in (0, 1):
        pieces[i].append(current[i])
    chosen = pieces[0] if len(pieces[0]) > 1 else pieces[1]
    return [a.strip() for a in chosen if a.strip()]


def _portal_pairs(line: Line) -> list[tuple[str, str]]:
    """("发文机关", "大连市人民政府办公厅") pairs on a portal metadata line ("key：value" or key<TAB>value)."""
    if line.cells:
        texts = [halfwidth(c.text).strip() for c in line.cells if c.text.strip()]
        pairs: list[tuple[str, str]] = []
        i = 0
        while i < len(texts):
            key = _cell_key(texts[i])
            if key in _FIELD and i + 1 < len(texts) and _cell_key(texts[i + 1]) not in _FIELD:
                pairs.append((key, _original(line, texts[i + 1])))
                i += 2
            else:
                inner = _pairs_in_text(texts[i], _original(line, texts[i]))
                pairs.extend(inner)
                i += 1
        return pairs
    bullet = _BULLET_RE.match(line.norm)
    skip = bullet.end() if bullet else 0
    norm, raw = line.norm[skip:], line.raw[skip:]
    if _KEY_RE.match(norm):
        return _pairs_in_text(norm, raw, _KEY_RE)
    if _BRACKET_KEY_RE.match(norm):
        return _pairs_in_text(norm, raw, _BRACKET_KEY_RE)
    if _SPACED_KEY_RE.match(norm + " ") and len(_SPACED_KEY_RE.findall(norm + " ")) >= 2:
        return _pairs_in_text(norm, raw, _SPACED_KEY_RE)
    key = _SPACES_RE.sub("", norm)
    if key in _FIELD:
        return [(key, "")]   # "有效性" alone: a portal row whose value the page left empty
    return []


def _stacked_value(key: str, line: Line) -> bool:
    """Is `line`, under a key alone on its line, that key's value? Only a date under a date's key or a 文号 under
    a 文号's: under other keys ('主 题 词：', left empty) the next line may be the title."""
    text = line.raw.strip()
    if key.endswith(("日期", "时间")):
        found = find_date(text)
        return found is not None and _is_date_only(text, found[1], with_time=True)
    return _BRACKET_FIELD.get(key) == "doc_number" and DOC_NUMBER_RE.fullmatch(line.norm.strip()) is not None


def _cell_key(text: str) -> str:
    """A key cell as the key it holds: '索 引 号:', '[ 发布机构 ]' (a page's keys in square brackets)."""
    return _SPACES_RE.sub("", text.rstrip(":")).removeprefix("[").removesuffix("]")


def _original(line: Line, norm_value: str) -> str:
    for cell in line.cells:
        if halfwidth(cell.text).strip() == norm_value:
            return cell.text.strip()
    return norm_value


def _pairs_in_text(norm: str, raw: str, key_re: re.Pattern[str] = _KEY_RE) -> list[tuple[str, str]]:
    """Keys matched on the half-width text; values as written (halfwidth keeps every offset), without
    the | of a table flattened into text ("文件编号: | 盐政办发〔2022〕16号 |")."""
    if len(raw) != len(norm):
        raw = norm
    matches = list(key_re.finditer(norm))
    pairs = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(norm)
        pairs.append((_SPACES_RE.sub("", m.group(1)), raw[m.end():end].strip().strip("|｜").strip()))
    return pairs


def _first_doc_number(texts: list[str]) -> str | None:
    for text in texts:
        found = find_doc_numbers(text)
        if found:
            return found[0][0]
    return None


def _strip_brackets(s: str) -> str:
    """'《X》' -> 'X'; a title that only opens with a quoted name ('《政府工作报告》重点工作责任分解') keeps it."""
    s = s.strip()
    if s.startswith("《") and s.endswith("》") and s.count("《") == 1:
        return s[1:-1].strip()
    return s


def _clean_title(raw: str) -> str:
    """A notice title without a leading 文号, a portal's 【tag】, a validity note after it or the 《》 portals wrap
    it in."""
    s = _VALIDITY_END.sub("", _without_tag_or_doc_number(raw).strip())
    if s.startswith("《") and s.endswith("》"):
        s = s[1:-1]
    return s.strip()


def _without_tag_or_doc_number(raw: str) -> str:
    """'【通知公告】…', '国办发[2014]19号 国务院办公厅关于…': the title without the site's tag or the 文号 before it."""
    s = _TAG_PREFIX_RE.sub("", raw.strip())
    found = find_doc_numbers(s)
    if found and found[0][1][0] == 0:
        s = _TAG_PREFIX_RE.sub("", s[found[0][1][1]:].strip())   # '…5号 签发人:赵江涛 呼和浩特市…方案'
    return s


def _is_date_only(raw: str, span: tuple[int, int], *, with_time: bool = False) -> bool:
    """Is the date at `span` all the line holds? With `with_time`, a time of day may follow ('2017-08-24
    17:04', a page's timestamp: no title, though no document's date either)."""
    rest = _PUBLICATION_NOTE_RE.sub("", raw[: span[0]] + raw[span[1]:])
    if with_time:
        rest = _CLOCK_TIME_RE.sub("", rest)
    return len(rest.strip(" \u3000()（）")) <= 2


# '2017年4月25日 （此件公开发布）': the signature date with the note on how the document is published.
_PUBLICATION_NOTE_RE = re.compile(r"[(（]\s*此件[^()（）]{0,8}[)）]")


_SPACED_TAIL_RE = re.compile(r"(?:[\u4e00-\u9fff][ \u3000]{1,3}){2,7}[\u4e00-\u9fff]$")
_CLOCK_TIME_RE = re.compile(r"\s*\d{1,2}:\d{2}(?::\d{2})?")   # '2017-08-24 17:04': a page's time of day


# A page saved as Markdown: '# 标题', '**…方案（2025-2027年）**' (the heading's or the bold's marks, not the title's).
_MARKDOWN_MARKS = re.compile(r"^#{1,6}\s+|^\*\*(?=[^*\s])|(?<=[^*\s])\*\*$")
_FILE_EXTENSION = re.compile(r"\.(?:docx?|pdf|xlsx?|wps)$", re.I)
_DATE_BEFORE_TITLE = re.compile(r"^(?:\d{4}|[〇零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,2}月"
                                r"[\d一二三四五六七八九十]{1,3}日\s+(?=\S.*(?:方案|计划|要点|意见|清单|分工|分解)$)")


def _plan_title(content: list[Line], meta: Metadata, notice_lines: set[int]) -> str | None:
    """The plan's own title: the last title-like line before the body (with the line above it when the
    heading wraps, and a "（2019—2021）" line below it), else the one the notice names."""
    for i in range(len(content) - 1, -1, -1):
        ln = content[i]
        # '…责任分工表.docx': a document-sharing site's file name line; '2022年4月28日 自贡市…方案': the notice's date
        # run on with the title below it
        text = _FILE_EXTENSION.sub("", _DATE_BEFORE_TITLE.sub("", _MARKDOWN_MARKS.sub("", ln.raw.strip())))
        norm = _FILE_EXTENSION.sub("", _DATE_BEFORE_TITLE.sub("", _MARKDOWN_MARKS.sub("", ln.norm.strip())))
        # '实 施 方 案': a heading's last line spaced out to fill the line; '…家政服务业 提 质 扩 容 的 意 见': its end.
        spaced = _SPACED_TAIL_RE.search(norm)
        if spaced and len(text) == len(norm):
            text = text[:spaced.start()] + _SPACES_RE.sub("", text[spaced.start():])
            norm = norm[:spaced.start()] + _SPACES_RE.sub("", norm[spaced.start():])
        if not text or len(norm) > 80 or norm[-1] in "。;:," or i in notice_lines:
            continue
        if meta.notice_title and _clean_title(text) == meta.notice_title:
            continue
        if find_date(text) and _is_date_only(text, find_date(text)[1], with_time=True):  # type: ignore[index]
            continue
        if DOC_NUMBER_RE.fullmatch(norm) or (norm.startswith("附件") and len(norm) <= 6) \
                or _NOT_TITLE_PART_RE.search(norm):
            continue   # a 文号, an annex's label, a breadcrumb ('首页 > 纲要规划')
        if meta.issuer and text == meta.issuer:
            continue
        if len(norm) <= _MAX_HEADER_WORD and is_header_word(norm):
            continue   # '工作任务': the first cell of a table's header, copied a cell a line
        if i > 0 and len(content[i - 1].norm.strip()) > len(norm) and content[i - 1].norm.strip().endswith(norm):
            continue   # the tail of a wrapped copy under the whole title: '…和市政府工作报告重点工作责任分解'
        if _PLAN_WORD_RE.search(_TRAILING_YEARS.sub("", _strip_brackets(norm))) or _NOTICE_RE.search(norm):
            if i > 0 and i - 1 not in notice_lines and _continues_title(content[i - 1], ln, meta):
                text = content[i - 1].raw.strip() + text
                if i > 1 and i - 2 not in notice_lines and _breaks_mid_phrase(content[i - 2].norm) \
                        and _continues_title(content[i - 2], content[i - 1], meta):
                    # '荆州市沙市区国民经济和' / '社会发展第十四个五年规划和…远景' / '目标纲要任务分工方案'
                    text = content[i - 2].raw.strip() + text
            if i + 1 < len(content) and _TRAILER_LINE_RE.fullmatch(content[i + 1].norm.strip()):
                text += content[i + 1].raw.strip()
            return _strip_brackets(_without_tag_or_doc_number(text))
    for ln in content:  # "现将《X》印发给你们": the cover notice names the plan it sends
        m = _FORWARDED_TITLE_RE.search(ln.raw)
        if m:
            return m.group(1).strip()
    for ln in content[:_NEWS_LINES]:   # a news page's headline or lead: '…领导小组印发《X》', '《X》印发'
        m = _ANNOUNCED_TITLE_RE.search(ln.norm) if not ln.cells and "|" not in ln.norm else None   # no table's cell
        group = ("title" if m.group("title") is not None else "after") if m else ""
        if m and _PLAN_WORD_RE.search(_TRAILING_YEARS.sub("", m.group(group))):
            return ln.raw[m.start(group):m.end(group)].strip()
    if meta.notice_title:
        named = _NOTICE_NAMES_RE.search(meta.notice_title) or _NOTICE_PLAIN_RE.search(meta.notice_title)
        return named.group(1).strip("《》〈〉") if named else meta.notice_title   # 印发〈…〉的通知 inside 《》
    return None
