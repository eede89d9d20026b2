"""Document metadata from the lines before the first heading: the cover notice or a portal's table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import find_date
from .lines import Line
from .normalize import halfwidth
from .refs import DOC_NUMBER_RE, find_doc_numbers

# Portal metadata keys (索引号 / 发文机关 / 成文日期 / 发文字号 …) and the field each one fills.
PORTAL_KEYS: tuple[tuple[str, str | None], ...] = (
    ("索引号", None), ("主题分类", None), ("体裁分类", None), ("公文种类", None), ("主题词", None),
    ("发文机关", "issuer"), ("发布机构", "issuer"), ("发文单位", "issuer"), ("发布单位", "issuer"),
    ("成文日期", "issued_on"), ("发文日期", "issued_on"), ("印发日期", "issued_on"),
    ("发布日期", "published_on"), ("公开日期", None), ("生成日期", None),
    ("发文字号", "doc_number"), ("文号", "doc_number"),
    ("标题", "notice_title"), ("名称", "notice_title"), ("有效性", None), ("时效", None),
)
_KEY_RE = re.compile(r"(" + "|".join(k for k, _ in PORTAL_KEYS) + r")\s*[:]\s*")
_FIELD = dict(PORTAL_KEYS)

_NOTICE_RE = re.compile(r"(关于印发|关于转发|关于下达).*(的)?(通知|意见|函)|的通知$")
_PLAN_WORD_RE = re.compile(
    r"(计划|方案|要点|意见|措施|办法|清单|规划|分工|分解|台账|安排|任务|细则|纲要|举措|行动|表)$")
_ORG_END_RE = re.compile(r"(政府|办公厅|办公室|委员会|局|部|厅|委|院|会|中心|小组|组|公署|管委会)$")
_ADDRESSEE_SEPARATORS_STRONG = ",，;；"
_ADDRESSEE_SEPARATORS_WEAK = "、"
_OPENING_BRACKETS = "(（[［【〔《"
_CLOSING_BRACKETS = ")）]］】〕》"
# "…实施方案（2019—2020年）", "…行动计划(试行)": the kind of document is named before these.
_TRAILING_YEARS = re.compile(r"\s*\((?:\d{4}\s*[-—~至到]+\s*\d{4}年?|\d{4}年?|试行|暂行|征求意见稿|修订)\)$")
_YEAR_RE = re.compile(r"((?:19|20)\d\d)年")
_FORWARDED_TITLE_RE = re.compile(r"现(?:将|把)《([^《》]{2,100})》(?:予以)?(?:印发|转发|下达|发)给")


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


def extract_metadata(preamble: list[Line]) -> Metadata:
    meta = Metadata()
    portal: dict[str, str] = {}
    content: list[Line] = []
    for line in preamble:
        pairs = _portal_pairs(line)
        if pairs:
            meta.portal_lines += 1
            for key, value in pairs:
                name = _FIELD.get(key)
                if name and value and name not in portal:
                    portal[name] = value
        else:
            content.append(line)

    meta.doc_number = _first_doc_number([portal.get("doc_number", "")]) or _first_doc_number(
        [ln.raw for ln in content])
    meta.notice_title = _clean_title(portal["notice_title"]) if "notice_title" in portal else None
    if meta.notice_title is None:
        for ln in content:
            if _NOTICE_RE.search(_strip_brackets(ln.norm)) and len(ln.norm) <= 150:
                meta.notice_title = _clean_title(ln.raw)
                break

    if "issued_on" in portal:
        found = find_date(portal["issued_on"])
        meta.issued_on = found[0] if found else None
    if "published_on" in portal:
        found = find_date(portal["published_on"])
        meta.published_on = found[0] if found else None

    signature_date_index = None
    for i, ln in enumerate(content):
        found = find_date(ln.raw)
        if found and _is_date_only(ln.raw, found[1]):
            signature_date_index = i
            if meta.issued_on is None:
                meta.issued_on = found[0]
            break

    meta.issuer = portal.get("issuer")
    if meta.issuer is None and signature_date_index:
        prev = content[signature_date_index - 1].raw.strip()
        if len(prev) <= 40 and _ORG_END_RE.search(prev):
            meta.issuer = prev
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

    meta.title = _plan_title(content, meta) or ""
    return meta


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
            key = texts[i].rstrip(":").strip()
            if key in _FIELD and i + 1 < len(texts) and texts[i + 1].rstrip(":") not in _FIELD:
                pairs.append((key, _original(line, texts[i + 1])))
                i += 2
            else:
                inner = _pairs_in_text(texts[i], _original(line, texts[i]))
                pairs.extend(inner)
                i += 1
        return pairs
    return _pairs_in_text(line.norm, line.raw) if _KEY_RE.match(line.norm) else []


def _original(line: Line, norm_value: str) -> str:
    for cell in line.cells:
        if halfwidth(cell.text).strip() == norm_value:
            return cell.text.strip()
    return norm_value


def _pairs_in_text(norm: str, raw: str) -> list[tuple[str, str]]:
    """Keys matched on the half-width text; values as written (halfwidth keeps every offset)."""
    if len(raw) != len(norm):
        raw = norm
    matches = list(_KEY_RE.finditer(norm))
    pairs = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(norm)
        pairs.append((m.group(1), raw[m.end():end].strip()))
    return pairs


def _first_doc_number(texts: list[str]) -> str | None:
    for text in texts:
        found = find_doc_numbers(text)
        if found:
            return found[0][0]
    return None


def _strip_brackets(s: str) -> str:
    return s.strip().strip("《》").strip()


def _clean_title(raw: str) -> str:
    """A notice title without a leading 文号 or the 《》 portals wrap it in."""
    s = raw.strip()
    found = find_doc_numbers(s)
    if found and found[0][1][0] == 0:
        s = s[found[0][1][1]:].strip()
    if s.startswith("《") and s.endswith("》"):
        s = s[1:-1]
    return s.strip()


def _is_date_only(raw: str, span: tuple[int, int]) -> bool:
    rest = (raw[: span[0]] + raw[span[1]:]).strip(" \u3000()（）")
    return len(rest) <= 2


def _plan_title(content: list[Line], meta: Metadata) -> str | None:
    """The plan's own title: the last title-like line before the body, else the one the notice names."""
    for ln in reversed(content):
        text = ln.raw.strip()
        norm = ln.norm.strip()
        if not text or len(norm) > 80 or norm[-1] in "。;:,":
            continue
        if meta.notice_title and _clean_title(text) == meta.notice_title:
            continue
        if find_date(text) and _is_date_only(text, find_date(text)[1]):  # type: ignore[index]
            continue
        if DOC_NUMBER_RE.fullmatch(norm) or (norm.startswith("附件") and len(norm) <= 6):
            continue
        if meta.issuer and text == meta.issuer:
            continue
        if _PLAN_WORD_RE.search(_TRAILING_YEARS.sub("", _strip_brackets(norm))) or _NOTICE_RE.search(norm):
            return _strip_brackets(text)
    for ln in content:  # "现将《X》印发给你们": the cover notice names the plan it sends
        m = _FORWARDED_TITLE_RE.search(ln.raw)
        if m:
            return m.group(1).strip()
    if meta.notice_title:
        m = re.search(r"关于(?:印发|转发|下达)(.+?)的通知", meta.notice_title)
        if m:
            return m.group(1).strip("《》")
        return meta.notice_title
    return None
