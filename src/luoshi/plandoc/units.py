"""Responsible units: the unit directory, and the unit markers of plan text.

Two halves:

* ``UnitDirectory`` knows the units of one city (Dalian's is built in): canonical short names as plans
  write them (市科技局), full names, kinds, aliases and groups (各区市县政府). ``resolve`` is tolerant of
  width, spaces, a leading city prefix and 人民政府/政府, and never fuzzy beyond that.
* ``find_unit_marker`` finds the unit marker of one paragraph or line: （责任单位：A、B）,
  （牵头单位：A；配合单位：B）, （A牵头，B、C按职责分工负责）, a bare "责任单位：A" line, and so on.

Every rule runs on ``halfwidth(text)``, which keeps offsets, so spans index the text as given.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from luoshi.plandoc.messages import message

from .dates import DEADLINE_LABELS
from .errors import InputTooLarge, PlanDocError
from .model import Role, Span
from .normalize import halfwidth

# ------------------------------------------------------------------------------------------------
# Shared vocabulary
# ------------------------------------------------------------------------------------------------

KINDS: tuple[str, ...] = (
    "city_department", "district_government", "pilot_zone", "party_department", "court",
    "procuratorate", "central_unit", "mass_organization", "group", "other",
)

_WS = re.compile(r"\s+")
_OPEN_TO_CLOSE = {"(": ")", "[": "]", "【": "】", "〔": "〕", "〖": "〗", "{": "}", "〈": "〉"}
_CLOSE_TO_OPEN = {v: k for k, v in _OPEN_TO_CLOSE.items()}
_BRACKET_CHARS = re.compile("[" + re.escape("".join(_OPEN_TO_CLOSE) + "".join(_CLOSE_TO_OPEN)) + "]")
# Longest names a plan writes are full names of ~30 characters; anything longer is prose.
_MAX_NAME_LEN = 40
# A parenthetical longer than this is prose, not a marker (30 units with separators fit easily).
_MAX_MARKER_LEN = 1200


def compact_name(name: str) -> str:
    """Half-width, no whitespace at all: the form names are compared in."""
    return _WS.sub("", halfwidth(name))


# ------------------------------------------------------------------------------------------------
# What a unit name looks like
# ------------------------------------------------------------------------------------------------

# Names standing for several units. Ordered, named; the first hit wins (all mean "collective").
_COLLECTIVE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("each_x", re.compile(r"^各(?!种|项|自|个环节|环节|阶段|方面工作)")),
    ("relevant_x", re.compile(
        r"(?:有关|相关)(?:部门|单位|方面|机构|地区|区|市|县|省|州|企业|高校|院所|行业|组织|成员|处室|科室|街道|乡镇|街镇|板块|片区|园区)")),
    ("member_units", re.compile(r"成员单位|成员部门")),
    ("each_body", re.compile(
        r"各(?:部门|单位|机构|直属机构|委办局|委、办、厅、局|厅局|处室|科室|街道|乡镇|成员)")),
    ("all_levels", re.compile(r"各级|级以上(?:地方)?(?:人民)?政府")),
    ("direct_units", re.compile(
        r"(?:市直|省直|区直|县直|中直|驻[连省市]|委直|厅直)(?:各|有关|相关)?(?:部门|单位|机构)")),
    ("other_units", re.compile(r"^其他(?:有关|相关)?(?:部门|单位|成员|地区)")),
    ("subordinate_units", re.compile(r"(?:所属|下属|属下|直属|[局委厅部办市区县]属)各?(?:单位|部门|机构|企业|国企)")),
    ("level_combination", re.compile(
        r"^(?:有关|相关|所有)?(?:[省市州盟县区旗乡镇][()、,]*){2,}(?:人民)?(?:政府|党委|党委和政府|党委政府|管委会)$")),
)


def is_collective_name(name: str) -> bool:
    """True for names that stand for several units: 各区县政府, 各有关部门, 市直有关部门, 各地, 各级政府…"""
    n = compact_name(name)
    if not n or _DUTY_NOT_BODY.search(n):
        return False
    counted = _COUNTED_BODIES.match(n)
    if counted:
        return _counted_bodies(n[counted.end():])
    return any(rx.search(n) for _, rx in _COLLECTIVE_RULES)


# '14个乡镇人民政府', '全市12个县(市、区)': a group of bodies counted, named as 各… names it.
_COUNTED_BODIES = re.compile(r"(?:全[省市州县区])?(?:\d{1,3}|[一二三四五六七八九十两]{1,3})个(?=[\u4e00-\u9fff])")
def _counted_bodies(rest: str) -> bool:
    """Whether what follows a count ('14个' + rest) names bodies: a kind of body or a unit's name (not '重点项目')."""
    return bool(_COLLECTIVE_BODY.match("各" + rest)) or looks_like_unit(rest)


# '第二章 各级责任', '各方职责': what bodies hold, not bodies.
_DUTY_NOT_BODY = re.compile(r"(?:责任|责|任务|要求|目标|措施|举措|分工)$")


# Endings of real unit names. One regex per family so the table reads as data.
_UNIT_SUFFIXES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("government", re.compile(r"(?:政府|管委会|委员会|办公室|办公厅|办事处|中央|[^各全本该]街道)$")),   # 石碶街道
    ("judicial", re.compile(r"(?:法院|检察院|法庭|监狱|公安|边检站)$")),
    ("finance", re.compile(r"(?:银行|支行|分行|人行|海关|保险公司)$")),
    ("enterprise", re.compile(r"(?:集团|公司|有限公司|股份公司|国企)$")),
    ("education", re.compile(r"(?:学校|大学|学院|中学|小学|幼儿园|研究院|研究所|科学院|党校)$")),
    ("mass_org", re.compile(
        r"(?:科协|作协|妇联|残联|文联|侨联|台联|工商联|社科联|总工会|工会|团委|共青团)$")),
    ("team", re.compile(r"(?:领导小组|工作组|小组|专班|指挥部|专家组|特派团|代表团|部队|武警|军区)$")),
    ("office", re.compile(r"(?:中心|中心支行|服务站|工作站|监测站|管理站|管理处|管理所|派出所)$")),
    # 司: a ministry's departments (科技司, 规划财务司)
    ("department", re.compile(r"(?:主管部门|管理部门|职能部门|行政部门|执法部门|监管部门|[^各有相全本该其]部门|"
                              r"管理机构|执法机构|[^各有相全本该其金中]机构)$")),
    # 股, 科: a bureau's sections (文物股, 法规科), as 处/室 are a city's
    ("one_char", re.compile(r"[局委办厅部院署府会区县市州盟旗室处所站队行团组社馆台庭镇乡司股科]$")),
)

# Endings that look like a unit's but are ordinary words (布局, 部署, 社会, 交易会…).
_NOT_UNIT_ENDINGS = re.compile(
    r"(?:格局|布局|大局|结局|开局|全局|僵局|当局|"
    r"部署|签署|内部|外部|全部|局部|东部|西部|南部|北部|中部|干部|底部|顶部|"
    r"[谈论流介明布览易接面聘训场署度报评展博交洽峰晚茶酒舞宴庙约误聚开机社]会|大会|年会|例会|体会|理会|领会|都会|"
    r"城市|超市|上市|股市|都市|楼市|夜市|市中心|"
    r"地区|城区|社区|辖区|景区|山区|牧区|灾区|矿区|库区|误区|盲区|禁区|"
    r"平台|舞台|出台|后台|前台|"
    r"场所|住所|处所|厕所|网站|车站|团队|梯队|排队|"
    r"重组|改组|编组|机组|分组|班组|模组|控股|参股|入股|配股|持股|炒股|屁股|[新老A]股|"
    r"学科|专科|本科|预科|全科|百科|"
    # 城镇 ends a phrase (小城镇, 美丽城镇), except after a one-character name (凤城镇 is a town).
    r"(?:^|(?<=[\u4e00-\u9fff]{2})|(?<=[小大新各全本该]))城镇|城乡|家乡|故乡|下乡|返乡|"
    r"住院|出院|入院|庭院|教室|卧室|温室|密室|客厅|餐厅|大厅|展厅|"
    r"[试执进运实发现可施推盛流风]行|"
    r"(?<!督查)(?<!督察)[督交转承主协举创筹领]办)$")   # 跟踪督办, 上级交办: a verb; 市委督查办 is an office
_WHOLE_NOT_UNIT = re.compile(
    r"^(?:[全本我该此各][国省市州区县]|[省市县区]内|[省市县区]级|项目单位|建设单位|用人单位)$")
# '村(社区)', '社区(村)', '村(居)': the village or neighbourhood committees, a body of the grassroots level
_VILLAGE_BODIES = re.compile(r"(?:村|社区)\((?:社区|村|居)\)")
# Two-character names are mostly words (主办, 之处); these few are units.
_TWO_CHAR_UNITS = re.compile(
    r"^(?:政府|党委|纪委|国办|中办|人行|海关|法院|团委|公安|税务|工会|妇联|残联|侨联|文联|科协|"
    # 街镇/乡镇: every sub-district and town; 农委, 侨办: short names in a list after a prefixed one
    r"[省市县区州][委府办]|街镇|乡镇|镇街|镇乡|街道|板块|片区|村委|居委|[农经建教科计商体民宗]委|[侨台外编]办)$")
_PROSE_IN_NAME = re.compile(r"[。:!?的]|\d{2,4}年|%|\d(?:个|台|座|家|项|辆|户|套|条|公里|千米|平方米|亩|万|亿)")
# '…工地上泥巴在雨水冲击下大量流向街道': a street in a sentence. A sub-district's name is a short place name
# ('半淞园路街道'), or follows its district's ('钟楼区南大街街道').
_STREET_IN_PROSE = re.compile(r"[^省市区县镇]{9,}街道")
# 项城市, 晋城市, 聊城市: a city whose name ends in 城, not the word 城市 (智慧城市, 文明城市).
_CITY_NAMED_CHENG = re.compile(r"^(?:[省市州县区]|各)?[\u4e00-\u9fff]城市$")


def _strip_trailing_paren(n: str) -> str:
    """'市政府办公厅(市金融办)' -> '市政府办公厅': the ending before a trailing parenthetical decides (in any
    brackets: '新区科技和人才局〈区科技局〉')."""
    closer = n[-1:]
    opener = _CLOSE_TO_OPEN.get(closer)
    if opener is None:
        return n
    depth = 0
    for i in range(len(n) - 1, -1, -1):
        if n[i] == closer:
            depth += 1
        elif n[i] == opener:
            depth -= 1
            if depth == 0:
                return n[:i] if i > 0 else n[1:-1]
    return n


# "各有安全生产监管职责的部门": every unit that the clause describes.
_DESCRIBED_COLLECTIVE = re.compile(r"^(?:各|其他|有关|相关)[^。:;,!?的]{2,16}的(?:部门|单位|机构|企业|地区)$")

# An organisation's name never opens with an action: 鼓励保险公司, 支持园区 are clauses.
_ACTION = re.compile(r"(?:鼓励|支持|推动|推进|加强|加快|引导|开展|建立|完善|落实|实施|实行|履行|承担|强化|做好|"
                     r"确保|指导|督促|完成|创建|督导|定期|分批|分级|明确|提供|协调|配合|积极|依托|利用|围绕|聚焦|以|将|把|在|如需|如有|若|"
                     r"对(?![外口台]))")   # '对涉及政府履行职责…': a preposition (对外…, 对口…, 对台… open names)
_ACTION_START = re.compile(r"^" + _ACTION.pattern)


# ... unless it is a body set up for a task: 推进“一带一路”建设工作领导小组办公室.
_NAMED_FOR_A_TASK = re.compile(r"(?:领导小组|工作小组|工作组|办公室|指挥部|委员会|联席会议)(?:办公室)?$")


@lru_cache(maxsize=4096)  # a plan names its few dozen units hundreds of times
def looks_like_unit(name: str) -> bool:
    """Does `name` read as an organisation (ends 局/委/办/厅/…/中心/支行/集团…, or is collective)?"""
    n = compact_name(name).strip("、,;。.")
    if n.endswith("*") and not n.endswith("**"):
        n = n[:-1]   # '区政府办公室*': the mark of the lead after its name
    if _DESCRIBED_COLLECTIVE.match(n) or _ROLE_BODIES.fullmatch(n):
        return True   # 各有安全生产监管职责的部门, 各使用信用信息的单位; 配合部门: the bodies working with the lead
    counted = _COUNTED_BODIES.match(n)
    if counted:
        return _counted_bodies(n[counted.end():])
    if not 2 <= len(n) <= _MAX_NAME_LEN or _PROSE_IN_NAME.search(n) or n.endswith("长") \
            or (_ACTION_START.search(n) and not _NAMED_FOR_A_TASK.search(n)):
        return False   # …长: a person (各级路长, 县长), never a body
    if is_collective_name(n) or _VILLAGE_BODIES.fullmatch(n):
        return True
    n = _strip_trailing_paren(n)
    if len(n) < 2 or _WHOLE_NOT_UNIT.match(n):
        return False
    if len(n) == 2:
        return bool(_TWO_CHAR_UNITS.match(n))
    if (_NOT_UNIT_ENDINGS.search(n) and not _CITY_NAMED_CHENG.match(n)) or _STREET_IN_PROSE.fullmatch(n):
        return False
    return any(rx.search(n) for _, rx in _UNIT_SUFFIXES)


# ------------------------------------------------------------------------------------------------
# Unit directory
# ------------------------------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class DirectoryEntry:
    """One unit (or group of units) of a directory."""

    name: str                 # canonical short name as plans write it, e.g. "市科技局"
    full_name: str | None     # "大连市科学技术局"
    kind: str | None          # one of KINDS
    aliases: tuple[str, ...]
    is_group: bool = False
    members: tuple[str, ...] = ()   # groups: canonical names, "kind:<kind>" or fnmatch patterns ("*区政府")
    parent: str | None = None


def _lookup_key(name: str) -> str:
    """The form names are indexed in: compact, and 人民政府 written as 政府.

    So 各区市县人民政府 and 各区市县政府 meet."""
    return compact_name(name).replace("人民政府", "政府")


class UnitDirectory:
    """The units one city's plans name, looked up by name, alias or full name."""

    def __init__(self, entries: Iterable[DirectoryEntry], *, cities: Iterable[str] = ()) -> None:
        self._entries: list[DirectoryEntry] = list(entries)
        self._by_name: dict[str, DirectoryEntry] = {}
        self._index: dict[str, DirectoryEntry] = {}
        for e in self._entries:
            if e.name in self._by_name:
                raise PlanDocError(message("directory_duplicate_name", name=e.name))
            self._by_name[e.name] = e
        # Precedence: a canonical name beats an alias, an alias beats a full name.
        for tier in ("name", "alias", "full_name"):
            for e in self._entries:
                for label in _labels(e, tier):
                    key = _lookup_key(label)
                    if not key:
                        continue
                    other = self._index.get(key)
                    if other is None:
                        self._index[key] = e
                    elif other is not e:
                        raise PlanDocError(message("directory_ambiguous_name", label=label, first=other.name,
                                                   second=e.name))
        found = {compact_name(c) for c in cities if c and c.strip()}
        found.update(_infer_cities(self._entries))
        self.cities = frozenset(found)
        # Longest first so "中共大连市" is tried before "大连".
        self._city_prefixes: tuple[tuple[str, bool], ...] = tuple(sorted(
            {(p, p.endswith("市")) for c in found for p in (f"中共{c}市", f"{c}市", c)},
            key=lambda t: (-len(t[0]), t[0])))
        for e in self._entries:
            self._check_members(e)

    def _check_members(self, e: DirectoryEntry) -> None:
        for rule in e.members:
            if rule.startswith("kind:"):
                if rule[5:] not in KINDS:
                    raise PlanDocError(message("unknown_member_kind", unit=e.name, rule=rule))
            elif "*" in rule or "?" in rule:
                continue
            elif self.resolve(rule) is None:
                raise PlanDocError(message("member_not_in_directory", unit=e.name, member=rule))

    def __bool__(self) -> bool:
        return bool(self._entries)

    def is_home_of(self, text: str) -> bool:
        """Does `text` (a document's title, issuer, 文号 and first lines) name this directory's city?"""
        n = compact_name(text)
        return any(city in n for city in self.cities)

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def builtin(cls) -> UnitDirectory:
        """Dalian's directory, from data/units-dalian.yaml (read once)."""
        return _builtin_directory()

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> UnitDirectory:
        """A directory from a .yaml/.yml or .csv file; PlanDocError with a one-line message if it is bad."""
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix not in (".yaml", ".yml", ".csv"):
            raise PlanDocError(message("directory_bad_type", file=p.name))
        try:
            size = p.stat().st_size
            if size > _MAX_DIRECTORY_BYTES:
                raise InputTooLarge(message("directory_too_large", file=p.name,
                                                limit=_MAX_DIRECTORY_BYTES // 1_000_000))
            data = p.read_bytes()
        except FileNotFoundError:
            raise PlanDocError(message("directory_not_found", file=p.name)) from None
        except IsADirectoryError:
            raise PlanDocError(message("directory_not_a_file", file=p.name)) from None
        except OSError:
            raise PlanDocError(message("directory_unreadable", file=p.name)) from None
        text = decode_directory_text(data, p.name)
        if suffix == ".csv":
            records, cities = records_from_csv(text, p.name), list[str]()
        else:
            records, cities = records_from_yaml(text, p.name)
        if not records:
            raise PlanDocError(message("directory_empty", file=p.name))
        entries = [entry_from_record(r, p.name, where) for where, r in records]
        try:
            return cls(entries, cities=cities)
        except PlanDocError as exc:
            raise PlanDocError(message("directory_invalid", reason=exc, file=p.name)) from None

    # -- queries --------------------------------------------------------------------------------

    def entries(self) -> list[DirectoryEntry]:
        return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def resolve(self, name: str) -> DirectoryEntry | None:
        """The entry `name` stands for: exact name, alias or full name, allowing for width, spaces, a
        leading city prefix (大连市科技局 -> 市科技局) and 人民政府/政府. Nothing fuzzier."""
        exact = self._by_name.get(name.strip())
        if exact is not None:
            return exact
        for key in self._key_variants(_lookup_key(name)):
            hit = self._index.get(key)
            if hit is not None:
                return hit
        return None

    def _key_variants(self, key: str) -> Iterator[str]:
        if not key:
            return
        yield key
        for prefix, ends_with_city_marker in self._city_prefixes:
            if key.startswith(prefix) and len(key) > len(prefix):
                rest = key[len(prefix):]
                if ends_with_city_marker:
                    yield "市" + rest   # 大连市科技局 -> 市科技局
                yield rest              # 大连市中山区政府 -> 中山区政府, 大连高新区管委会 -> 高新区管委会

    def expand(self, entry: DirectoryEntry) -> list[DirectoryEntry]:
        """The member units of a group (its rules expanded, nested groups flattened); [] for a unit."""
        out: list[DirectoryEntry] = []
        seen: set[str] = {entry.name}
        self._expand_into(entry, out, seen)
        return out

    def members(self, entry: DirectoryEntry) -> list[str]:
        """Canonical names of the member units of a group, in directory order of the rules."""
        return [e.name for e in self.expand(entry)]

    def _expand_into(self, group: DirectoryEntry, out: list[DirectoryEntry], seen: set[str]) -> None:
        for rule in group.members:
            if rule.startswith("kind:"):
                matches = [e for e in self._entries if e.kind == rule[5:]]
            elif "*" in rule or "?" in rule:
                matches = [e for e in self._entries if fnmatchcase(e.name, rule)]
            else:
                hit = self.resolve(rule)
                matches = [hit] if hit is not None else []
            for m in matches:
                if m.name in seen:
                    continue
                seen.add(m.name)
                if m.is_group:
                    self._expand_into(m, out, seen)
                else:
                    out.append(m)


_MAX_DIRECTORY_BYTES = 5_000_000


def _labels(e: DirectoryEntry, tier: str) -> tuple[str, ...]:
    if tier == "name":
        return (e.name,)
    if tier == "alias":
        return e.aliases
    return (e.full_name,) if e.full_name else ()


_CITY_IN_FULL_NAME = re.compile(r"^(?:中共)?(\w{2,4}?)市")


def _infer_cities(entries: Iterable[DirectoryEntry]) -> set[str]:
    """'大连' from 市科技局 = 大连市科学技术局.

    City-level short names start with 市, their full names with the city."""
    cities: set[str] = set()
    for e in entries:
        if e.full_name and e.name.startswith("市"):
            m = _CITY_IN_FULL_NAME.match(compact_name(e.full_name))
            if m:
                cities.add(m.group(1))
    return cities


@cache
def _builtin_directory() -> UnitDirectory:
    text = resources.files("luoshi.plandoc").joinpath("data/units-dalian.yaml").read_text(encoding="utf-8")
    records, cities = records_from_yaml(text, "units-dalian.yaml")
    return UnitDirectory([entry_from_record(r, "units-dalian.yaml", w) for w, r in records], cities=cities)


def decode_directory_text(data: bytes, filename: str) -> str:
    if b"\x00" in data:
        raise PlanDocError(message("directory_not_text", file=filename))
    for encoding in ("utf-8-sig", "gb18030"):   # Excel saves Chinese CSV as GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlanDocError(message("directory_bad_encoding", file=filename))


_Record = Mapping[str, Any]


def records_from_yaml(text: str, filename: str) -> tuple[list[tuple[str, _Record]], list[str]]:
    try:
        doc = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else 0
        raise PlanDocError(message("directory_bad_yaml_line", line=line, file=filename)) from None
    except yaml.YAMLError:
        raise PlanDocError(message("directory_bad_yaml", file=filename)) from None
    cities: list[str] = []
    if isinstance(doc, Mapping):
        unknown = set(doc) - {"city", "units"}
        if unknown:
            first = sorted(map(str, unknown))[0]
            raise PlanDocError(message("directory_yaml_top_level", key=first, file=filename))
        city = doc.get("city")
        if isinstance(city, str):
            cities = [city]
        elif isinstance(city, list) and all(isinstance(c, str) for c in city):
            cities = list(city)
        elif city is not None:
            raise PlanDocError(message("directory_yaml_city", file=filename))
        doc = doc.get("units")
    if doc is None:
        return [], cities
    if not isinstance(doc, list):
        raise PlanDocError(message("directory_yaml_not_list", file=filename))
    records: list[tuple[str, _Record]] = []
    for i, item in enumerate(doc, start=1):
        where = f"第{i}条"
        if not isinstance(item, Mapping):
            raise PlanDocError(message("directory_entry_not_mapping", where=where, file=filename))
        records.append((where, item))
    return records, cities


# Chinese column headings accepted as well, for directories kept in Excel.
DIRECTORY_CSV_COLUMNS = {
    "name": "name", "名称": "name", "简称": "name", "单位": "name", "单位名称": "name",
    "full_name": "full_name", "全称": "full_name",
    "kind": "kind", "类型": "kind", "类别": "kind",
    "aliases": "aliases", "别名": "aliases",
    "is_group": "is_group", "是否群组": "is_group", "群组": "is_group",
    "members": "members", "成员": "members",
    "parent": "parent", "上级": "parent", "上级单位": "parent",
}


def records_from_csv(text: str, filename: str) -> list[tuple[str, _Record]]:
    reader = csv.reader(io.StringIO(text))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(c.strip() for c in row):
                rows.append((reader.line_num, row))
    except csv.Error:
        raise PlanDocError(message("directory_bad_csv", line=reader.line_num, file=filename)) from None
    if not rows:
        return []
    header = [DIRECTORY_CSV_COLUMNS.get(compact_name(h).lower(), "") for h in rows[0][1]]
    if "name" not in header:
        raise PlanDocError(message("directory_no_name_column", file=filename))
    records: list[tuple[str, _Record]] = []
    for line_no, row in rows[1:]:
        record = {col: cell for col, cell in zip(header, row, strict=False) if col}
        records.append((f"第{line_no}行", record))
    return records


def entry_from_record(r: _Record, filename: str, where: str) -> DirectoryEntry:
    def bad(code: str, **params: Any) -> PlanDocError:
        return PlanDocError(message(code, where=where, file=filename, **params))

    unknown = set(r) - {"name", "full_name", "kind", "aliases", "is_group", "members", "parent"}
    if unknown:
        raise bad("entry_unknown_field", field=sorted(map(str, unknown))[0])
    name = _text_field(r.get("name"), bad)
    if not name:
        raise bad("entry_no_name")
    if len(name) > 100:
        raise bad("entry_name_too_long")
    kind = _text_field(r.get("kind"), bad) or None
    if kind is not None and kind not in KINDS:
        raise bad("entry_unknown_kind", kind=kind)
    members = _list_field(r.get("members"), bad)
    flag = r.get("is_group")
    if isinstance(flag, bool):
        is_group = flag
    elif flag is None or (isinstance(flag, str) and not flag.strip()):
        is_group = bool(members) or kind == "group"
    elif isinstance(flag, str) and flag.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
        is_group = flag.strip().lower() in _TRUE_WORDS
    elif isinstance(flag, int):
        is_group = bool(flag)
    else:
        raise bad("entry_bad_is_group")
    if members and not is_group:
        raise bad("entry_members_not_group")
    if kind == "group" and not is_group:
        raise bad("entry_group_kind")
    return DirectoryEntry(
        name=name,
        full_name=_text_field(r.get("full_name"), bad) or None,
        kind=kind or ("group" if is_group else None),
        aliases=tuple(a for a in _list_field(r.get("aliases"), bad) if a != name),
        is_group=is_group,
        members=members,
        parent=_text_field(r.get("parent"), bad) or None,
    )


_TRUE_WORDS = frozenset({"true", "yes", "y", "1", "是", "t"})
_FALSE_WORDS = frozenset({"false", "no", "n", "0", "否", "f"})


def _text_field(value: Any, bad: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise bad("entry_field_not_text")
    return str(value).strip()


def _list_field(value: Any, bad: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[Any] = re.split(r"[;；]", value)
    elif isinstance(value, list):
        items = value
    else:
        raise bad("entry_list_not_list")
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise bad("entry_list_item_not_text")
        if item.strip() and item.strip() not in out:
            out.append(item.strip())
    return tuple(out)


# ------------------------------------------------------------------------------------------------
# Unit markers in plan text
# ------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class MarkerUnit:
    raw: str            # as written, cleaned of 等/负责/按职责分工负责…
    role: Role          # "lead" | "support" | "responsible"
    span: Span          # of raw, relative to the text given


@dataclass(slots=True)
class UnitMarker:
    span: Span                      # the whole marker, parentheses/label included
    units: list[MarkerUnit]
    deadline_text: str | None = None
    deadline_span: Span | None = None


# What a marker label names: 牵头 + 单位 / 部门 / 处室 … (牵头单位, 牵头指导处室, 实施部门).
_BODIES = ("单位", "部门", "处室", "科室", "股室", "机构", "司局", "责任单位", "责任部门")   # 股室: a county bureau's


def _combine(prefixes: tuple[str, ...], *bare: str) -> tuple[str, ...]:
    """Each prefix with each of _BODIES, and the bare words."""
    return (*(p + b for p in prefixes for b in _BODIES), *bare)


_OFFICIALS_DUTIES = ("牵头", "牵头负责", "责任", "分管", "联系", "督办", "包保", "协调", "挂钩")
# Labels of labelled markers: (name, label words, role). Besides the three unit roles: "deadline"
# (the value is a due date), "person" (牵头领导 names a person: ignored) and "verbs" (the value is a
# verb marker). Longest words are tried first, see _LABEL.
_LABELS: tuple[tuple[str, tuple[str, ...], Role | str], ...] = (
    ("lead", _combine(("牵头", "牵头责任", "牵头负责", "牵头指导", "牵头考核", "主办", "牵头实施", "主责",
                       "主要牵头", "总牵头", "共同牵头"),
                      "牵头", "主办", "主责"), "lead"),
    ("support", _combine(("配合", "协同", "协助", "协作", "参与", "参加", "协办", "配合责任", "协同责任",
                          "指导", "配合实施", "数据提供", "数据报送", "支撑"), "配合", "参与", "协办"), "support"),
    ("responsible", _combine(("责任", "负责", "承办", "实施", "落实", "执行", "具体负责", "主体", "责任主体",
                              "具体实施", "工作", "主要责任", "主要负责", "主要实施", "承担", "直接责任",
                              "主管", "共同责任", "共同", "推进", "相关", "涉及", "成员"),
                             "责任主体", "实施主体", "处置主体", "排查主体", "监管主体",
                             "管理主体", "建设主体", "责任",
                             "局内", "部内", "委内", "厅内"), "responsible"),   # 局内：专利管理司 (a ministry's own 司)
    ("deadline", ("完成时限", "完成时间", "时间节点", "完成期限", "时限要求", "时间要求", "时间进度",
                  "进度安排", "时间安排", "完成时间节点", "时限"), "deadline"),
    # 牵头市领导, 责任秘书长, 分管副市长: the officials answering for an item are people, whatever their title.
    ("person", (*(duty + title for duty in _OFFICIALS_DUTIES
                  for title in ("领导", "省领导", "市领导", "县领导", "区领导", "秘书长", "副秘书长", "副省长",
                                "副市长", "副县长", "副区长")),
                "秘书长", "副秘书长", "责任人", "联系人", "负责人", "备注"), "person"),
    # 部门分工：省发展改革委牵头，各地、各部门配合 — a verb marker behind a label.
    ("verbs", ("部门分工", "责任分工", "任务分工", "职责分工", "分工"), "verbs"),
)
_LABEL_ROLE: dict[str, Role | str] = {word: role for _, words, role in _LABELS for word in words}
_LABEL = re.compile(
    r"(?:[省市县区]级?(?=牵头|配合|责任|协办|参与))?"   # 省牵头单位: the level of the units named
    r"(?P<label>" + "|".join(sorted(_LABEL_ROLE, key=len, reverse=True)) + r")"
    # 牵头单位（部门）：/ 责任处室、单位（按处室、单位顺序排列，下同）：
    r"(?:、(?:单位|部门))?(?:\([^():]{2,30}\))?[ \t]*:[ \t]*")


@dataclass(slots=True, frozen=True)
class _LabelMatch:
    """One label found by `_find_labels`, read like the re.Match of `_LABEL` it stands for."""

    begin: int
    finish: int
    label: str

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish

    def group(self, _name: str) -> str:
        return self.label


_LABEL_LENGTHS = sorted({len(w) for w in _LABEL_ROLE}, reverse=True)
_LEVELLED_LABEL = re.compile(r"牵头|配合|责任|协办|参与")
_MAIN = "主要"
_UNIT_ROLES = frozenset({"lead", "support", "responsible"})
# '【责任主体】', '责任单位：', '牵头单位' alone on a line: a unit label whose names are on the next line.
_LONE_UNIT_LABEL = re.compile(r"[【\[]?(?:[省市县区]级?)?(?P<label>" + "|".join(
    sorted((w for w, r in _LABEL_ROLE.items() if r in _UNIT_ROLES), key=len, reverse=True)) + r")[】\]]?\s*:?")
_SHARED_BODIES = frozenset({"、单位", "、部门"})   # 责任处室、单位：
_REMARK_STOPS = frozenset("():")


def opens_with_unit_label(norm: str) -> bool:
    """Whether a (half-width) line opens with a unit label and its colon ('牵头单位:市人社局', '【责任主体】X'): a
    marker line of its own, never the rest of a line a margin wrapped."""
    found = _LONE_UNIT_LABEL.match(norm.lstrip())
    return found is not None and found.group().rstrip().endswith((":", "】", "]"))


def names_units_by_verbs(text: str) -> bool:
    """'市发改局牵头落实;市工信局、市教体局按职责分工分别落实', '各镇(街区)分别落实': a line whose every clause is a
    list of units closed by its role's verb (a table's unit cell copied on a line of its own), no sentence."""
    h = halfwidth(text).strip().rstrip("。")
    if not h or len(h) > _MAX_VERB_LINE or "。" in h:
        return False
    for clause in h.split(";"):
        clause = clause.strip()
        tail = _verb_tail(clause, 0, len(clause))
        names = [name for name, _ in split_unit_list(clause[:tail[0]])] if tail is not None else []
        if not names or not all(looks_like_unit(name) for name in names):
            return False
    return True


_MAX_VERB_LINE = 300


def is_lone_unit_label(norm: str) -> bool:
    """Whether a (half-width) line holds only a unit label: '【责任主体】', '责任单位:'."""
    return _LONE_UNIT_LABEL.fullmatch(norm.strip()) is not None


def _find_labels(h: str, start: int = 0, end: int | None = None) -> list[_LabelMatch]:
    """What `_LABEL.finditer(h, start, end)` finds, read backwards from each colon: that regex of a hundred
    words tried at every position costs ~15 ms over a plan, and a plan has a few hundred colons."""
    end = len(h) if end is None else min(end, len(h))
    found: list[_LabelMatch] = []
    colon = h.find(":", start, end)
    while colon >= 0:
        q = colon
        while q > start and h[q - 1] in " \t":
            q -= 1
        if q - 1 > start and h[q - 1] == ")":
            opening = h.rfind("(", max(start, q - 32), q - 1)
            if opening >= 0 and 2 <= q - 2 - opening <= 30 and not _REMARK_STOPS.intersection(h[opening + 1:q - 1]):
                q = opening   # a remark before the colon: （部门）, （按处室、单位顺序排列，下同）
        word = None
        for bounds in ((q - 3, q) if h[q - 3:q] in _SHARED_BODIES and q - 3 >= start else None, (q, q)):
            if bounds is None:
                continue
            end_of_word = bounds[0]
            word = next((h[end_of_word - n:end_of_word] for n in _LABEL_LENGTHS
                         if end_of_word - n >= start and h[end_of_word - n:end_of_word] in _LABEL_ROLE), None)
            if word is not None:
                q = end_of_word
                break
        spaced_from = _spaced_label_start(h, start, q) if word is None and q - 2 >= start \
            and " " in h[max(start, q - _LABEL_LENGTHS[0] - 2):q] else -1
        if spaced_from >= 0:   # '责 任 单 位：' spaced out to fill a line
            found.append(_LabelMatch(spaced_from, _after_spaces(h, colon + 1, end), "".join(h[spaced_from:q].split())))
            colon = h.find(":", colon + 1, end)
            continue
        if word is not None:
            p = q - len(word)
            if h.startswith(_MAIN, p - len(_MAIN), p) and p - len(_MAIN) >= start \
                    and _LABEL_ROLE[word] in _UNIT_ROLES:
                p -= len(_MAIN)   # 主要协作单位, 主要配合部门: "main" says nothing of the role
            elif _LEVELLED_LABEL.match(word):
                if p - 1 >= start and h[p - 1] in "省市县区":
                    p -= 1
                elif p - 2 >= start and h[p - 1] == "级" and h[p - 2] in "省市县区":
                    p -= 2
            found.append(_LabelMatch(p, _after_spaces(h, colon + 1, end), word))
        colon = h.find(":", colon + 1, end)
    return found


def _after_spaces(h: str, i: int, end: int) -> int:
    while i < end and h[i] in " \t":
        i += 1
    return i


def _spaced_label_start(h: str, start: int, q: int) -> int:
    """Where a label with single spaces inside it ends at q ('责 任 单 位' spaced out to fill a line, '责任 单位' as a
    PDF's text has it), or -1. The longest wins; the label starts its clause."""
    letters: list[str] = []
    best = -1
    spaced = False
    i = q - 1
    while i >= start and len(letters) < _LABEL_LENGTHS[0]:
        if h[i] == " ":
            if not letters or i - 1 < start or h[i - 1] in " \t":
                break
            spaced = True
            i -= 1
            continue
        if h[i] == "\t":
            break
        letters.append(h[i])
        if spaced and len(letters) >= 3 and "".join(reversed(letters)) in _LABEL_ROLE \
                and (i == start or h[i - 1] in _SPACED_LABEL_BEFORE):
            best = i
        i -= 1
    return best


_SPACED_LABEL_BEFORE = frozenset(" \t。;!?.,、:([{【〔")

# Verb phrases closing a name run in verb markers: "A牵头负责，B、C等按职责分工组织落实". A phrase is a run
# of these morphemes ending the piece; plans combine them freely (牵头负责, 组织落实, 按职责组织配合), so
# the run is read, not looked up. Its role: 牵头 leads; 配合/参与/协助/协同/协办/参加/指导 support; the
# rest (负责, 落实, 实施…) is responsible.
_VERB_FORMS = ("总牵头", "为牵头单位", "为牵头部门", "作为牵头单位", "为配合单位", "为配合部门", "为责任单位",
               "为责任部门", "为责任主体", "为主体", "为实施单位", "为实施部门", "为实施主体")
_VERB_MANNER = ("按照职责分工", "按照职能分工", "按职责分工", "按职能分工", "根据职责分工", "依职责分工",
                "按照职责", "按照职能", "按职责", "按职能", "根据职责", "依据职责", "依职责", "各司其职",
                "按照分管领域", "按分管领域", "按照分管职责", "按分管职责",   # '各区按分管领域负责'
                "分工", "分别", "共同", "具体", "积极", "主要", "督促", "抓好", "联合", "切实", "全力",
                "认真", "一起", "协调", "参照", "抓总")
_VERB_CORE = ("牵头", "主办", "配合", "参与", "协助", "协同", "协办", "参加", "指导", "负责", "落实", "实施",
              "推进", "组织", "承办", "承担", "执行", "推动", "做好", "办理", "统筹", "主抓", "支持", "负总责", "领衔")
_LEAD_VERBS = ("牵头", "主办", "主抓", "领衔")   # X主办，Y协办; X主抓，Y配合; X领衔
_SUPPORT_VERBS = ("配合", "参与", "协助", "协同", "协办", "参加", "指导", "支持")
_VERB_MORPHEME = "|".join(sorted((*_VERB_FORMS, *_VERB_MANNER, *_VERB_CORE), key=len, reverse=True))
_VERB_TAIL = re.compile(r"(?:" + _VERB_MORPHEME + r")+$")
_VERB_HEAD = re.compile(r"(?:" + _VERB_MORPHEME + r")")
_CORE_RE = re.compile("|".join(_VERB_CORE) + "|" + "|".join(_VERB_FORMS))


def verb_role(phrase: str) -> Role | None:
    """The role a verb phrase gives the names before it, None when it has no role verb."""
    if not _CORE_RE.search(phrase):
        return None
    if any(v in phrase for v in _LEAD_VERBS):
        return "lead"
    if any(v in phrase for v in _SUPPORT_VERBS) or "配合单位" in phrase:
        return "support"
    return "responsible"


def _verb_tail(h: str, s: int, e: int) -> tuple[int, Role] | None:
    """Where the verb phrase closing h[s:e] starts, and its role; the phrase is cut at a morpheme
    boundary so that what remains reads as a unit (党组织负责 keeps 党组织)."""
    m = _VERB_TAIL.search(h, s, e)
    if m is None or m.start() <= s:
        # '各县(市、区)、高新区落实属地管理责任': a duty taken on closes the names, as a verb would
        duty = _DUTY_TAIL.search(h, s, e)
        if duty is not None and duty.start() > s and looks_like_unit(h[s:duty.start()]):
            return duty.start(), "responsible"
        return None
    starts = []
    i = m.start()
    while i < e:
        starts.append(i)
        step = _VERB_HEAD.match(h, i, e)
        if step is None:
            break
        i = step.end()
    for start in starts:
        role = verb_role(h[start:e])
        if role is not None and looks_like_unit(h[s:start]):
            return start, role
    role = verb_role(h[m.start():e])
    return (m.start(), role) if role is not None else None


# What is stripped from the ends of a listed name (the verbs above, and these).
_ETC_AT_END = re.compile(   # 等建设主管部门, 等省级主管部门（单位）
    r"等(?:[0-9一二三四五六七八九十]+个?)?(?:[^、,;。等()]{0,8}(?:部门|单位|机构)(?:\([^()]{1,8}\))?)?$")
_MANNER_CUT = re.compile(r"(?:按照|根据|依据|按|依)(?:各自)?职(?:责|能)")
_MANNER_OPENER = re.compile(r"按照|根据|依据|依照|结合|按")
_VERB_ROLE = verb_role   # the module function, under a name the local variables below do not shadow
# No 和/及/与 here: 和平区 is a name. (Between names they are soft separators, see _raw_pieces.)
_LEADING_FILLER = re.compile(r"(?:并由|由|以及|会同|请|其中|所涉及的|所涉的|涉及的)")
# "市发展改革委（牵头）": a role noted after the name.
_ROLE_NOTE_AT_END = re.compile(
    r"\((?P<note>牵头单位|牵头部门|牵头|配合单位|配合部门|配合|参与|协办|负责|责任单位)\)$")
_NOTE_ROLE: dict[str, Role] = {"牵头单位": "lead", "牵头部门": "lead", "牵头": "lead", "配合单位": "support",
                               "配合部门": "support", "配合": "support", "参与": "support", "协办": "support",
                               "负责": "responsible", "责任单位": "responsible"}
_TRIM = " \t\r\n\u3000、,;。.:"

# A piece of a marker that is a date or cadence, not a unit: "2018年底前完成", "长期坚持".
_DEADLINE_PIECE = re.compile(
    r"(?:(?:19|20)\d{2}|\d{1,2}月|年底|年内|年中|长期|持续|常态|每[年季月周半]|[上下]半年|今年|明年|"
    r"第?[一二三四1-4]季度|[0-9一二三四五六七八九十]+个?月内|即时|立即)")

# '…负责落实，完成时限：2022年10月': a deadline after the names and their verb, under its label.
_LABELLED_DEADLINE_PIECE = re.compile(DEADLINE_LABELS + r"\s*:")

# Leaders named by title in a marker ("分管副省长负责"): people, not units; skipped.
_PERSON_PIECE = re.compile(r"(?:省长|市长|县长|区长|州长|秘书长|书记|主任|厅长|局长|部长|主席|领导|同志)$")

# Hard separators between names; soft ones (space, 及, 和, 与) split only between two unit-like names.
_HARD_SEPARATORS = frozenset("、,;。/|")   # (a web table's pipe after a cell: '财务处 | |')
_SOFT_WORDS = ("以及", "及", "和", "与")
_SOFT_STARTS = frozenset(w[0] for w in _SOFT_WORDS)


def _strip_piece(h: str, s: int, e: int) -> tuple[int, int, Role | None]:
    """Trim fillers, 等…, and a closing verb from h[s:e]; return the name's bounds and the verb's role."""
    verb_role: Role | None = None
    duty = h.find("职", s, e)
    if duty > s + 1:
        # '各地级以上市人民政府按职责分工抓紧推进': no name holds 按职责…; what follows it is the duty, whatever
        # verb it uses.
        m = _MANNER_CUT.search(h, max(s, duty - 3), e)
        if m is not None and m.start() > s + 1:
            verb_role = _VERB_ROLE(h[m.start():e]) or "responsible"
            e = m.start()
    manner = _MANNER_OPENER.search(h, s + 2, e) if verb_role is None else None
    while manner is not None:
        # '各区政府按属地原则负责', '各区政府结合实际抓好落实': the manner of the duty between the names and its verb
        if looks_like_unit(h[s:manner.start()]) and _VERB_TAIL.search(h, manner.start(), e):
            verb_role = _VERB_ROLE(h[manner.start():e])
            if verb_role is not None:
                e = manner.start()
                break
        manner = _MANNER_OPENER.search(h, manner.start() + 1, e)
    changed = True
    while changed and s < e:
        changed = False
        while s < e and h[s] in _TRIM:
            s += 1
        while e > s and h[e - 1] in _TRIM:
            e -= 1
        m = _LEADING_FILLER.match(h, s, e)
        if m and m.end() < e:
            s = m.end()
            changed = True
        m = _ROLE_NOTE_AT_END.search(h, s, e)
        if m and m.start() > s:
            verb_role = verb_role or _NOTE_ROLE[m.group("note")]
            e = m.start()
            changed = True
        tail = _verb_tail(h, s, e)
        if tail is not None:
            if verb_role is None:
                verb_role = tail[1]
            e = tail[0]
            changed = True
        m = _ETC_AT_END.search(h, s, e)
        if m and m.start() > s:
            e = m.start()
            changed = True
        elif m and m.start() == s:
            e = s   # '区农业农村局、等区政府有关部门': the group word after a stray separator names no unit
        by = h.find("由", s + 1, min(e, s + _MAX_TOPIC + 1))
        if by > s and h[by - 1] not in _BY_IN_WORD and looks_like_unit(h[by + 1:e]) \
                and not looks_like_unit(h[s:by]) and h.find("解释", e, e + _VERB_AND_INTERPRET) < 0:
            s = by + 1   # '规章由政策法规司牵头': the part of the task before 由, then its unit ('本办法由…负责解释':
            # a text's own closing article, no duty)
            changed = True
    return s, e, verb_role


_MAX_TOPIC = 15
_VERB_AND_INTERPRET = 6   # '负责解释', '负责做好解释'
_BY_IN_WORD = frozenset("自理事经缘来因")   # 自由贸易试验区, 理由, 事由: 由 inside a word


# Inside a list of names, angle brackets typed as < > ‹ › « » hold a note too: 各县<市、区>人民政府.
_LIST_OPENERS = frozenset(_OPEN_TO_CLOSE) | frozenset("<‹«")
_LIST_CLOSERS = frozenset(_CLOSE_TO_OPEN) | frozenset(">›»")
_HARD, _SPACE, _WORD = 0, 1, 2   # what stands before a piece of a unit list: 、 , ; …, whitespace, 和/及/与


def _raw_pieces(h: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """Split h[start:end] at top-level separators: (start, end, kind of the separator before this piece).
    Whitespace and 及/和/与 are soft: the split is undone unless both sides look like units."""
    pieces: list[tuple[int, int, int]] = []
    depth = 0
    s = start
    before = _HARD
    i = start
    while i < end:
        ch = h[i]
        if ch in _LIST_OPENERS:
            depth += 1
        elif ch in _LIST_CLOSERS:
            depth = max(0, depth - 1)
        elif depth == 0:
            if ch in _HARD_SEPARATORS:
                pieces.append((s, i, before))
                s, before = i + 1, _HARD
            elif ch.isspace():
                j = i
                while j < end and h[j].isspace():
                    j += 1
                if j < end and h[j] in _HARD_SEPARATORS:
                    i = j
                    continue
                pieces.append((s, i, before))
                s, before = j, _SPACE
                i = j
                continue
            else:
                word = next((w for w in _SOFT_WORDS if h.startswith(w, i)), None) if ch in _SOFT_STARTS else None
                if word is not None and i > s:
                    pieces.append((s, i, before))
                    s, before = i + len(word), _WORD
                    i += len(word)
                    continue
        i += 1
    pieces.append((s, end, before))
    return pieces


def _name_of(h: str, s: int, e: int) -> str:
    a, b, _ = _strip_piece(h, s, e)
    return h[a:b]


# Pieces of a unit list that name no unit: "（责任单位：A，下同）"'s note, an empty table cell's dash.
_NOT_A_NAME = re.compile(r"(?:以)?下同|[-—–―/无]+|单位|部门|机构")   # 市直有关部门、单位: the shared word alone

_PLACE_ONLY = re.compile(r"[市县区州旗盟镇乡]$")


def _keeps_soft_split(h: str, left: tuple[int, int], right: tuple[int, int]) -> bool:
    """A soft separator splits only between two unit-like names; 和/及/与 also need an institution on
    the left (沈阳市和平区 is one name, 市科技局和市财政局 two)."""
    (ps, pe), (s, e) = left, right
    if pe - ps > 3 * _MAX_NAME_LEN or e - s > 3 * _MAX_NAME_LEN:
        return False
    left_name, right_name = _name_of(h, ps, pe), _name_of(h, s, e)
    by_word = not h[s - 1].isspace()
    if not by_word and _WHOLLY_BRACKETED.fullmatch(right_name.strip()):
        return False   # '省编办 (省审改办)': the name's other name in brackets after a space is part of it
    if not by_word and compact_name(right_name) in _BARE_GOVERNMENTS \
            and not compact_name(left_name).endswith(_PARTY_BODIES):
        return False   # '各市(州) 人民政府': a PDF's space inside the name ('各市党委 政府': a level's two bodies)
    if by_word and right_name.startswith("其") and not right_name.startswith(("其他", "其它", "其余")):
        return False   # '区政府及其工作部门': 其 points back at the name before it; one name
    if by_word and _BARE_PLACE.fullmatch(compact_name(left_name)) \
            and _PLACES_OF_A_LEVEL.match(compact_name(right_name)):
        return True   # '福州及相关设区市': a city and the others of its level
    if by_word and compact_name(left_name).endswith("党委") and compact_name(right_name) in ("政府", "人民政府"):
        return False   # '各州(市)党委和政府': a level's party committees and governments, one name
    if by_word and _ROLE_BODIES.fullmatch(compact_name(right_name)) and looks_like_unit(left_name) \
            and compact_name(left_name)[-2:] == compact_name(right_name)[-2:]:
        return True   # '各场景牵头部门和配合部门': the leading bodies and those that work with them
    if not (looks_like_unit(left_name) and looks_like_unit(right_name)):
        return False
    if not by_word:
        return True
    # 和/及/与 split only after a name that ends like an institution: 各省级林业和草原主管部门 is one.
    name = _strip_trailing_paren(compact_name(left_name))
    bare = name[1:] if name.startswith("各") else name
    if _TWO_CHAR_UNITS.match(bare) or _ZONE.search(bare):
        return True   # 街镇及新城区发展公司, 各街镇和城发集团, 开发区和头桥集团: the towns (a zone), and a company
    if name.startswith("各") and compact_name(right_name).startswith("各"):
        return True   # 各区和各街镇: two collectives
    other = compact_name(right_name)
    if _PLACE_ONLY.search(name) and len(other) >= 3 and other[-1] == name[-1]:
        return True   # 佘山镇和车墩镇: two places of one level (沈阳市和平区 is one name)
    return not _PLACE_ONLY.search(name) and looks_like_unit(bare)


_WHOLLY_BRACKETED = re.compile(r"\([^()]{1,20}\)")
_PARTY_BODIES = ("党委", "党工委", "党组")
_BARE_GOVERNMENTS = frozenset({"人民政府", "政府", "管委会", "管理委员会", "党委", "人民政府办公室", "政府办公室"})
_ROLE_BODIES = re.compile(r"(?:配合|参与|协办|协同|协助)(?:部门|单位)")


# A zone's name ends in 区 like a place's, but names the zone's administration: 开发区, 高新区, 自贸区.
_ZONE = re.compile(r"(?:开发|高新|经开|自贸|示范|保税|试验|合作|产业|工业|新)区$")


def _pieces(h: str, start: int, end: int) -> list[tuple[int, int]]:
    """Raw pieces with soft splits undone where they cut a name (市人力资源和社会保障局)."""
    # 和/及/与 first, within the runs set apart by whitespace ('区前期办 区城市更新和土地整备局'), then the
    # whitespace between them: undoing a split at a space must not swallow the next run's 和.
    joined: list[tuple[int, int, int]] = []
    for s, e, before in _raw_pieces(h, start, end):
        if before == _WORD and joined and not _keeps_soft_split(h, joined[-1][:2], (s, e)):
            joined[-1] = (joined[-1][0], e, joined[-1][2])
            continue
        joined.append((s, e, before))
    runs: list[tuple[int, int]] = []
    for s, e, before in joined:
        if before == _SPACE and runs and not _keeps_soft_split(h, runs[-1], (s, e)):
            runs[-1] = (runs[-1][0], e)
            continue
        runs.append((s, e))
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(runs):
        j = _shared_ending(h, runs, i)
        out.extend(_run_together(h, runs[i][0], runs[j][1]))
        i = j + 1
    return [(s, e) for s, e in out if h[s:e].strip(_TRIM) and not _NOT_A_NAME.fullmatch(h[s:e].strip(_TRIM))]


def _run_together(h: str, s: int, e: int) -> list[tuple[int, int]]:
    """'市行政审批局市司法局': two names a copy ran together without their separator, each a bureau's by its shape
    (the first of at least four characters ending 局/厅/署/院, the second opening on its level), set apart again.
    '市委市政府督查室', '县委县政府办公室' stay whole: 委 and 办 end no such first name."""
    for m in _RUN_TOGETHER.finditer(h, s + _MIN_RUN_TOGETHER, e):
        first, second = h[s:m.start()].strip(_TRIM), h[m.start():e].strip(_TRIM)
        if looks_like_unit(first) and looks_like_unit(second) and len(second) >= _MIN_RUN_TOGETHER - 1 \
                and not first.endswith("总局") and not second.endswith(_BRANCH_ENDINGS):
            # (国家税务总局X市税务局, 市生态环境局市中分局: a bureau's local office or branch, one name)
            return [(s, m.start()), *_run_together(h, m.start(), e)]
    return [(s, e)]


_RUN_TOGETHER = re.compile(r"(?<=[局厅署院])(?=[省市县区])")
_BRANCH_ENDINGS = ("分局", "分中心", "分院", "支队", "大队", "中队", "派出所")
_MIN_RUN_TOGETHER = 4


def _shared_ending(h: str, pieces: list[tuple[int, int]], i: int) -> int:
    """The last of the pieces from `i` that one name shares, joined by 、: levels before one government
    (各市、县（市、区）人民政府, 各县、市、区政府) or places before one department word (海东市、兰州市、临夏州发展改革
    部门). `i` itself when pieces[i] stands alone. Also bare endings after a
    collective's first name (相关委、办、局)."""
    if _COLLECTIVE_ENDING.search(h, pieces[i][0], pieces[i][1]):
        j = i
        while j + 1 < len(pieces) and h[pieces[j][1]:pieces[j + 1][0]].strip() == "、" \
                and _BARE_ENDING.fullmatch(h[pieces[j + 1][0]:pieces[j + 1][1]].strip(_TRIM)):
            j += 1
        if j > i:
            return j
    if h[pieces[i][0]:pieces[i][1]].strip(_TRIM).startswith("各") and i + 2 == len(pieces) \
            and h[pieces[i][1]:pieces[i + 1][0]].strip() == "、" \
            and _BARE_LEVEL.fullmatch(h[pieces[i + 1][0]:pieces[i + 1][1]].strip(_TRIM)):
        return i + 1   # '…、各开发区、镇(街道)', '各街道、镇': a bare level word closing the list names no body
    for member, whole, first_only in ((_LEVEL_ONLY, _GOVERNMENT_END, "各"), (_PLACE_NAME, _PLACE_DEPARTMENTS, None)):
        j = i
        while j + 1 < len(pieces) and h[pieces[j][1]:pieces[j + 1][0]].strip() == "、":
            piece = h[pieces[j][0]:pieces[j][1]].strip(_TRIM)
            if not member.match(piece) or (first_only and j > i and piece.startswith(first_only)):
                break
            j += 1
        if j > i and whole.search(_strip_trailing_paren(_name_of(h, *pieces[j]))):   # …人民政府（管委会）
            return j
        if member is _LEVEL_ONLY and j > i and _COUNTED_LEVELS.match(h[pieces[j][0]:pieces[j][1]].strip(_TRIM)):
            return j   # '市、区两级财政部门', '省、市、县三级医保部门': the count says the levels are one name's
    return i


_BARE_LEVEL = re.compile(r"(?:乡镇|镇|乡|街道|街镇)(?:\((?:街道|乡镇|镇|乡|社区)\))?")
_COLLECTIVE_ENDING = re.compile(r"(?:各|相关|有关)[委办局厅]\s*$")
_BARE_ENDING = re.compile(r"[委办局厅]")
_PLACE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}[省市州县区盟旗]$")
_PLACE_DEPARTMENTS = re.compile(r"^[\u4e00-\u9fff]{2,4}[省市州县区盟旗][\u4e00-\u9fff]{0,8}(?:部门|单位|机构)$")
# '各市〔州〕': the bracket round or tortoise-shell
_LEVEL_ONLY = re.compile(r"^(?:各(?:有关|相关)?|相关|有关)?[省市县区州旗盟乡镇]{1,2}"
                         r"(?:[(〔][省市县区州旗盟乡镇、]{1,5}[)〕])?$")
_COUNTED_LEVELS = re.compile(r"^[省市县区州旗盟乡镇街]{1,2}[两二三四五]级")
_GOVERNMENT_END = re.compile(r"^[省市县区州旗盟乡镇].{0,12}(?:人民政府|政府|党委|管委会)$")

# '哈尔滨、黑河、绥芬河市政府': bare place names before a named place's government share its ending.
_PLACE_GOVERNMENT = re.compile(r"^[\u4e00-\u9fff]{2,4}?(?P<ending>[市县区州旗盟](?:人民)?政府)$")
_BARE_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_PLACES_OF_A_LEVEL = re.compile(r"^(?:各|相关|有关|其他|其余)(?:设区)?[市县区州]$")


def _shared_government(h: str, pieces: list[tuple[int, int]]) -> dict[int, str]:
    """The start of each bare place name in a run joined by 、 that a named place's government closes,
    with the ending the run shares (市政府)."""
    shared: dict[int, str] = {}
    run: dict[int, int] = {}   # the start of each bare place name of the run, and its length
    for k, (s, e) in enumerate(pieces):
        if k and h[pieces[k - 1][1]:s].strip() != "、":
            run = {}
        a, b, _ = _strip_piece(h, s, e)
        name = h[a:b]
        government = _PLACE_GOVERNMENT.match(name) if run else None
        ending = government.group("ending") if government is not None else _place_institution(run.values(), name)
        if ending is not None:
            shared.update(dict.fromkeys(run, ending))
            run = {}
        elif _BARE_PLACE.match(name) and not looks_like_unit(name) and not _ACTION_START.search(name):
            run[a] = b - a
        else:
            run = {}
    return shared


def _place_institution(lengths: Iterable[int], name: str) -> str | None:
    """'广州、深圳、珠海出入境边防检查总站', '天津、上海、广州海关': bare places before a named place's institution
    share what follows its place name, cut at the length of one of theirs (not at a level word: 上海市场监管局)."""
    for length in sorted(set(lengths)):
        ending = name[length:]
        if len(ending) >= 2 and ending[0] not in _LEVEL_WORDS and looks_like_unit(ending):
            return ending
    return None


_LEVEL_WORDS = frozenset("省市县区州旗盟乡镇")


def split_unit_list(text: str) -> list[tuple[str, Span]]:
    """Split a list of units ("市科技局、市财政局等按职责分工负责") into (name as written, span) pairs.

    Separators: 、 ， , ； ; and, between two unit-like names, whitespace, 及, 以及, 和, 与 (so
    市人力资源和社会保障局 stays whole). 等, 等部门, 负责, 配合, 牵头… are stripped from the ends.
    """
    h = halfwidth(text)
    out: list[tuple[str, Span]] = []
    for s, e in _pieces(h, 0, len(h)):
        a, b, _ = _strip_piece(h, s, e)
        if b > a:
            out.append((text[a:b], (a, b)))
    return out


def names_only_units(text: str) -> bool:
    """Is the text a list of names that all read as units ('市税务局等，各县、市、区政府', '省卫生厅')?"""
    names = split_unit_list(text)
    return bool(names) and all(looks_like_unit(name) for name, _ in names)


def read_unit_cell(text: str, role: Role, *, first_is_lead: bool = False) -> list[MarkerUnit]:
    """A task table's unit cell: names, each with the column's role unless the cell says otherwise — labels
    ('牵头单位:A 责任单位:B'), verbs ('A牵头，B、C等按职责分工负责'), role notes ('A（牵头）、B'), or a lead
    rule noted in the cell ('A、B（列第一位的为牵头单位）'). A number or a dash is not a name."""
    h = halfwidth(text)
    end = len(h.rstrip())
    note = _TRAILING_NOTE.search(h, 0, end)
    if note is not None and lead_rule_kind(note.group("note")) is not None:
        first_is_lead, end = True, note.start()
    labelled = _parse_labelled(text, h, 0, end, strict=False) if ":" in h else None
    if labelled is not None:
        return labelled.units   # '牵头单位:A 责任单位:B、C': the cell's own labels say the roles
    together = _cell_together(text, h, end, role) if "会" in h else None
    if together is not None:
        return together
    parsed = _parse_verbs(text, h, 0, end)
    if parsed is not None and role == "responsible":
        units = parsed.units
    else:
        units = []
        pieces = _pieces(h, 0, end)
        clause_role: dict[int, Role] = {}   # a clause's closing verb, by where the clause ends
        for ps, pe in pieces:
            a, b, noted = _strip_piece(h, ps, pe)
            if b - a > _MIN_CELL_DUTY and not looks_like_unit(h[a:b]):
                duty = _cell_duty(h, a, b)   # '拘留所、看守所制定', '出入境对本单位职责任务进行规范'
                if duty is not None:
                    b, noted = duty[0], duty[1] or noted
            starred = _lead_marked(h, a, b)   # '★区发改委、统计局': the marked unit leads
            if starred:
                a += 1
            elif b - a > 2 and h[b - 1] == "*" and h[b - 2] != "*":
                starred, b = True, b - 1   # '区农业农村委*' under '(加*号为牵头部门)': a mark after the name
            if b > a and not _NUMBERISH.fullmatch(h[a:b]):
                for na, nb in _short_pair(h, a, b, pieces):
                    units.append(MarkerUnit(text[na:nb], "lead" if starred else
                                            noted if noted and role == "responsible" else role, (na, nb)))
                clause_end = _clause_end(h, b, end)
                if noted and role == "responsible" and not starred and pe >= clause_end \
                        and h[b:pe].strip(_TRIM)[:1] != "(":
                    clause_role[clause_end] = noted   # the verb closing the clause's last name, not a note
        if clause_role:
            # '治安、刑侦、禁毒积极配合': the verb closing a clause gives its role to every name of the clause
            units = [MarkerUnit(u.raw, clause_role.get(_clause_end(h, u.span[1], end), u.role)
                                if u.role == role else u.role, u.span) for u in units]
    if first_is_lead and role == "responsible":
        _assign_first_is_lead(units)
    return units


# Where a unit cell's names end and its own duty begins ('…禁毒和出入境对本单位职责任务进行规范', '交警大队根据各自执法
# 实际制定', '警务保障室牵头制定'): a manner, a preposition, or a verb after the names.
_CELL_DUTY = re.compile(r"根据|依据|按照|结合|分头|各自|积极|对(?=[本各所辖其])|制定|牵头|配合|参与|协助|负责|组织实施")
_MIN_CELL_DUTY = 3


def _cell_duty(h: str, a: int, b: int) -> tuple[int, Role | None] | None:
    """Where the duty written after a cell's names starts, and the role its verb gives; the first place after
    which the names read as a unit, or else the first duty word (short names: 国保, 出入境)."""
    starts = [m.start() for m in _CELL_DUTY.finditer(h, a + 2, b)]
    if not starts:
        return None
    cut = next((k for k in starts if looks_like_unit(h[a:k])), starts[0])
    return cut, verb_role(h[cut:b])


def _clause_end(h: str, pos: int, end: int) -> int:
    found = _SENTENCE_BREAK.search(h, pos, end)
    return found.start() if found else end


def _short_pair(h: str, a: int, b: int, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'…、法制、禁毒和出入境': in a list of short names (no unit's shape), 和/及/与 between two more of them
    parts two names, as 、 does; elsewhere the name is kept whole (市人力资源和社会保障局, 和平区)."""
    at = next((k for k in range(a + 2, b - 1) if h[k] in "和及与"), -1)
    if at < 0 or b - a > 2 * _SHORT_NAME + 1 or at - a > _SHORT_NAME or b - at - 1 > _SHORT_NAME:
        return [(a, b)]
    left, right = h[a:at], h[at + 1:b]
    if looks_like_unit(left) or looks_like_unit(right) or _LEVEL_PREFIX.match(left) \
            or not (left + right).isalpha():
        return [(a, b)]
    shorts = sum(1 for s, e in pieces if 2 <= len(h[s:e].strip(_TRIM)) <= _SHORT_NAME
                 and not looks_like_unit(h[s:e].strip(_TRIM)))
    return [(a, at), (at + 1, b)] if shorts >= 2 else [(a, b)]


_SHORT_NAME = 4


def _cell_together(text: str, h: str, end: int, role: Role) -> list[MarkerUnit] | None:
    """'A、B会同C、D，E' in a unit cell: A and B lead, C and D support, what follows the clause keeps the column's
    role (a lead or responsible column; a support column's names all support). A ledger's 会 alone stands for
    会同 after a division's name: '宣传处会办公室' (not inside 管委会办公室 or 委员会)."""
    at = h.find("会同", 0, end)
    width = 2
    if at < 0:
        short = _SHORT_TOGETHER.search(h, 0, end)
        if short is None:
            return None
        at, width = short.start(), 1
    clause_end = _SENTENCE_BREAK.search(h, at, end)
    stop = clause_end.start() if clause_end else end
    leads = _unit_list(text, h, 0, at) if at >= 2 else None
    partners = _unit_list(text, h, at + width, stop) if stop > at + width else None
    if not leads or not partners or role == "support":
        return None
    rest = read_unit_cell(text[stop + 1:end], role) if stop < end else []
    return [*(MarkerUnit(u.raw, "lead", u.span) for u in leads),
            *(MarkerUnit(u.raw, "support", u.span) for u in partners),
            *(MarkerUnit(u.raw, u.role, (u.span[0] + stop + 1, u.span[1] + stop + 1)) for u in rest)]


_SHORT_TOGETHER = re.compile(r"(?<=[处科室局厅股办])会(?![同议商谈审签])")
_LEAD_MARKS = frozenset("★☆▲*")   # a flag before the unit that leads: ★区发改委, *市委组织部


def _lead_marked(h: str, a: int, b: int) -> bool:
    """Does the name h[a:b] open with one lead mark? Several ('****体育局') are a page's mask over its letters."""
    return a < b and h[a] in _LEAD_MARKS and (a + 1 >= b or h[a + 1] not in _LEAD_MARKS)
_TRAILING_NOTE = re.compile(r"\((?P<note>[^()]{2,30})\)\s*$")
# A cell of a unit column that holds a number or a score, not a unit.
_NUMBERISH = re.compile(r"^[\d.%/\-—~～,，]+(?:分|个|项|家|%)?$")


# -- markers ----------------------------------------------------------------------------------


def _brackets(h: str) -> list[tuple[int, int, bool]]:
    """All bracket groups (open, end, closed): end is one past the closing bracket, or len(h) when the
    bracket is never closed (a marker whose line lost its closing parenthesis). A closing bracket closes
    the innermost open bracket of its kind and drops the unclosed ones inside it; one whose kind is not
    open is stray."""
    groups: list[tuple[int, int, bool]] = []
    stack: list[tuple[str, int]] = []
    # Only the brackets: a per-character loop is the slow part. The stack is searched from the top for
    # the opener: paragraphs hold one or two brackets, so no per-kind counts are set up per call.
    for m in _BRACKET_CHARS.finditer(h):
        ch = m.group()
        opener = _CLOSE_TO_OPEN.get(ch)
        if opener is None:
            stack.append((ch, m.start()))
            continue
        k = len(stack) - 1
        while k >= 0 and stack[k][0] != opener:
            k -= 1
        if k >= 0:
            groups.append((stack[k][1], m.end(), True))
            del stack[k:]
    if stack:
        groups.extend((pos, len(h), False) for _, pos in stack)
    return groups


def _deadline_bounds(h: str, s: int, e: int) -> tuple[int, int]:
    while s < e and h[s] in _TRIM:
        s += 1
    while e > s and h[e - 1] in _TRIM:
        e -= 1
    return s, e


def _assign_first_is_lead(units: list[MarkerUnit]) -> None:
    """'列第一位的为牵头单位': the first responsible unit leads, the others support."""
    if any(u.role == "lead" for u in units):
        return
    first = True
    for u in units:
        if u.role == "responsible":
            u.role = "lead" if first else "support"
            first = False


def _assign_lead_before_comma(units: list[MarkerUnit], h: str, span: Span) -> None:
    """'第一个逗号前为牵头单位': the responsible units before the marker's first comma lead, the rest support."""
    if any(u.role == "lead" for u in units):
        return
    comma = h.find(",", span[0], span[1])
    if comma < 0:
        return
    for u in units:
        if u.role == "responsible":
            u.role = "lead" if u.span[0] < comma else "support"


# A label that is not about units ("；适用范围：", "；备注："): what follows it is not a unit list.
# '；适用范围：…', or after spaces alone on a flattened page: '责任单位：X  项目责任人：Y  实际完成情况：…'.
_OTHER_LABEL = re.compile(r"(?:[;,。]\s*|\s+)[^\s;,。:()、]{2,8}:")


class _Parsed:
    __slots__ = ("deadline", "units")

    def __init__(self) -> None:
        self.units: list[MarkerUnit] = []
        self.deadline: Span | None = None


def _parse_labelled(text: str, h: str, start: int, end: int, *, strict: bool, opens_line: bool = False
                    ) -> _Parsed | None:
    """'牵头单位:A;配合单位:B、C;完成时限:2018年底前' in h[start:end]. The first label must open the text.
    `strict` (no parentheses around it) also requires every name to look like a unit, but for short names
    of no known shape among units or, when the label `opens_line`, anywhere ('主办单位:凤城镇,…')."""
    if h.find(":", start, end) < 0:
        return None   # every label ends with a colon
    s = start
    while s < end and h[s] in " \t":
        s += 1
    labels = _find_labels(h, s, end)
    out = _Parsed()
    if labels and labels[0].start() != s and not strict:
        # '（2022年5月底前完成，牵头单位：X）': a due date may come first.
        a, b = _deadline_bounds(h, s, labels[0].start())
        if b > a and _DEADLINE_PIECE.match(h, a, b) and not looks_like_unit(h[a:b]):
            out.deadline = (a, b)
            s = labels[0].start()
    if not labels or labels[0].start() != s:
        return None
    # '；适用范围：…': another label that names no units ends the marker's unit lists.
    other = _OTHER_LABEL.search(h, labels[-1].end(), end)
    if other is not None:
        end = other.start()
    # '责任单位：A、B按职责分工负责。具体任务均涉及…，下同': a sentence after the list is a note, not names.
    stop = h.find("。", labels[-1].end(), end)
    if stop >= 0 and h[stop + 1:end].strip(_TRIM):
        end = stop
    # '…、石碶街道（列第一位者为牵头或汇总单位，下同）': the document's lead rule noted after the list.
    rule_note = _TRAILING_NOTE.search(h, labels[-1].end(), end)
    if rule_note is not None and lead_rule_kind(rule_note.group("note")) is not None:
        end = rule_note.start()
    for i, m in enumerate(labels):
        if m.start() >= end:
            break
        value_end = min(labels[i + 1].start() if i + 1 < len(labels) else end, end)
        if i + 1 < len(labels) and value_end == labels[i + 1].start():
            value_end = _before_glued_word(h, m.end(), value_end)   # '…指挥部 项目责任人：
        role = _LABEL_ROLE[m.group("label")]
        if role == "person":
            continue
        if role == "verbs":
            inner = _parse_verbs(text, h, m.end(), value_end)
            if inner is not None:
                out.units.extend(inner.units)
                if out.deadline is None:
                    out.deadline = inner.deadline
                continue
            role = "responsible"   # 责任分工：A、B — the names alone, no verb to give them a role
        if role == "deadline":
            a, b = _deadline_bounds(h, m.end(), value_end)
            if b > a and out.deadline is None:
                out.deadline = (a, b)
            continue
        group: list[MarkerUnit] = []   # the names since the last comma: a closing verb covers them all
        for ps, pe in _pieces(h, m.end(), value_end):
            if ps > m.end() and h[ps - 1] in ",;":
                group = []
            a, b, note = _strip_piece(h, ps, pe)   # a noted role (市发展改革委（牵头）) beats the label's
            if _lead_marked(h, a, b):
                a, note = a + 1, "lead"   # '责任单位：☆经信局、科技局。标☆的为牵头单位': the marked unit leads
            if b <= a:
                continue
            name = h[a:b]
            if _PERSON_PIECE.search(name):
                continue
            if not looks_like_unit(name):
                if _DEADLINE_PIECE.match(name):
                    if out.deadline is None:
                        out.deadline = (a, b)
                    continue
                if len(name) > _MAX_NAME_LEN or _PROSE_IN_NAME.search(name) \
                        or (strict and not _unknown_member(name, len(out.units), opens_line)):
                    cut = _spaced_fields_end(h, labels, i, b)
                    if cut is not None:
                        return _parse_labelled(text, h, start, cut, strict=strict, opens_line=opens_line)
                    return None
                if len(compact_name(name)) < 2:
                    continue   # '…相关委、办、局': a shared ending, not a unit of its own
            if note is not None and _verb_tail(h, a, pe) is not None:
                for earlier in group:   # '…，A、B、C为实施单位': the verb names the role of A and B too
                    earlier.role = note
            unit = MarkerUnit(text[a:b], note or role, (a, b))  # type: ignore[arg-type]
            group.append(unit)
            out.units.append(unit)
    return out if out.units else None


def _spaced_fields_end(h: str, labels: list[_LabelMatch], i: int, bad_end: int) -> int | None:
    """'…项目责任人:刘某 配合单位:市公安局,各区政府 甲区 乙区 合计 目标 2 5': on a page run onto one line whose
    fields are set apart by spaces, the last field's value ends at its first space, where what the page
    flattened after it (a table's cells) begins. None unless the value failing at `bad_end` is that last one."""
    if i != len(labels) - 1 or not any(h[m.start() - 1] in " \t\u3000" for m in labels[1:]):
        return None
    first = labels[i].end()
    while first < bad_end and h[first] in " \t":
        first += 1
    space = _WS.search(h, first, bad_end)
    return space.start() if space is not None else None


def _parse_bracket(text: str, h: str, start: int, end: int, *, verbs: bool = False) -> _Parsed | None:
    """_parse_labelled(text, h, start, end, strict=False) (or with `verbs` _parse_verbs) for a bracket's
    contents, read once per different contents: plans repeat their markers (the Dalian plan's 288
    （责任单位：…） hold 52 different lists). Exact as long as the readers read nothing of h outside
    h[start:end] (their spans are relative)."""
    found = _bracket_contents(text[start:end], h[start:end], verbs)
    if found is None:
        return None
    out = _Parsed()
    out.units = [MarkerUnit(raw, role, (a + start, b + start)) for raw, role, a, b in found[0]]
    out.deadline = (found[1][0] + start, found[1][1] + start) if found[1] is not None else None
    return out


@lru_cache(maxsize=2048)
def _bracket_contents(raw: str, norm: str, verbs: bool
                      ) -> tuple[tuple[tuple[str, Role, int, int], ...], Span | None] | None:
    """What a reader finds in one bracket's contents, as values (the caller gets fresh units to change)."""
    parsed = _parse_verbs(raw, norm, 0, len(norm)) if verbs else _parse_labelled(raw, norm, 0, len(norm),
                                                                                 strict=False)
    if parsed is None:
        return None
    return tuple((u.raw, u.role, *u.span) for u in parsed.units), parsed.deadline


def _before_glued_word(h: str, start: int, end: int) -> int:
    """Where a list ends before the next label when a word is glued to that label after a space
    ('责任单位：市公安局 项目责任人：…' ends before 项目)."""
    j = end
    while j > start and end - j < _MAX_GLUED_WORD and not h[j - 1].isspace() and h[j - 1] not in ",;、":
        j -= 1
    return j if j < end and j > start and h[j - 1].isspace() else end


_MAX_GLUED_WORD = 6


def _unknown_member(name: str, before: int, opens_line: bool = False) -> bool:
    """An unbracketed label's list ('责任单位：区住建委、区财政局、…、区属各重点平台') may hold a name of no
    known shape after `before` names that are units (two or more), or anywhere when the label opens its line; a
    short name that opens no clause is one more."""
    n = compact_name(name)
    return (opens_line or before >= 2) and len(n) <= _MAX_UNKNOWN_MEMBER and not _ACTION_START.search(n) \
        and not _NOT_UNIT_ENDINGS.search(n)


_MAX_UNKNOWN_MEMBER = 12


def _parse_verbs(text: str, h: str, start: int, end: int) -> _Parsed | None:
    """'A牵头，B、C等按职责分工负责' / '由A负责' / 'A会同B负责' in h[start:end]: every name must look
    like a unit and be followed, sooner or later, by a role verb."""
    if not _may_name_a_role(h, start, end):
        return None   # '（2017）', '（大政发〔2017〕16号）': most brackets of a plan hold no role word
    out = _Parsed()
    pending: list[tuple[int, int]] = []
    after_huitong = False  # names after 会同 work with the lead: they support
    saw_verb = False
    pieces = _pieces(h, start, end)
    places: dict[int, str] | None = None   # read only when a name is not a unit's (rare)
    for ps, pe in pieces:
        # 'A会同B、C负责': what precedes 会同 leads; so does a division's name before 会 alone ('大数据管理科会
        # 电子信息与软件服务业科…组织实施').
        k, width = h.find("会同", ps, pe), 2
        if k < 0:
            short = _SHORT_TOGETHER.search(h, ps, pe)
            k, width = (short.start(), 1) if short is not None else (-1, 2)
        segments = [(ps, k, "lead"), (k + width, pe, None)] if k > ps else [(ps, pe, None)]
        if k == ps:
            after_huitong = True
        for ss, se, forced in segments:
            a, b, role = _strip_piece(h, ss, se)
            if b <= a:
                continue
            name = h[a:b]
            if _PERSON_PIECE.search(name) and not pending:
                continue   # '分管副省长、协管副秘书长负责': leaders, not units
            shared_word = bool(pending) and _NOT_A_NAME.fullmatch(name) is not None
            if shared_word and role is None:
                continue   # '市直有关部门、单位、…': the shared word alone names no unit
            if not shared_word and not looks_like_unit(name) \
                    and a not in (places := _shared_government(h, pieces) if places is None else places):
                if not pending and (_DEADLINE_PIECE.match(h, *_deadline_bounds(h, ss, se))
                                    or _LABELLED_DEADLINE_PIECE.match(h, *_deadline_bounds(h, ss, se))):
                    if out.deadline is None:   # '…按职责分工负责，持续推进' / '2019年底前完成'
                        out.deadline = _deadline_bounds(h, ss, se)
                    continue
                # '省妇联、省科协、省计生协等按职责分工负责': a name of no known shape within a list of units
                if not (h[ps - 1:ps] == "、" and _unknown_member(name, len(pending))):
                    return None
            if not shared_word:   # '市直有关部门、单位负责': the word names no unit, its verb closes the list
                pending.append((a, b))
            if forced == "lead":
                role = "lead"
            if role is None:
                continue
            saw_verb = True
            for x, y in pending:
                r: Role = role
                if after_huitong and role == "responsible":
                    r = "support"
                out.units.append(MarkerUnit(text[x:y] + (places or {}).get(x, ""), r, (x, y)))
            pending = []
            if forced == "lead":
                after_huitong = True
            elif after_huitong:
                after_huitong = False
    if pending or not saw_verb or not out.units:
        return None
    return out


def _may_name_a_role(h: str, start: int, end: int) -> bool:
    """Whether h[start:end] holds what every role _parse_verbs can read needs (it returns None without one):
    a verb of _CORE_RE (verb_role's test, also on each verb tail), 会同 (its lead), 职 (按职责… cut by
    _MANNER_CUT) or 责任单位 (the one note of _ROLE_NOTE_AT_END without a core verb)."""
    return _CORE_RE.search(h, start, end) is not None or h.find("会同", start, end) >= 0 \
        or h.find("职", start, end) >= 0 or h.find("责任单位", start, end) >= 0


def _parse_bare(text: str, h: str, start: int, end: int) -> _Parsed | None:
    """'…。（省发展改革委、省财政厅）': a list of units alone in brackets after a full sentence."""
    out = _Parsed()
    pieces = _pieces(h, start, end)
    places: dict[int, str] | None = None   # read only when a name is not a unit's (rare)
    for ps, pe in pieces:
        a, b, note = _strip_piece(h, ps, pe)
        if b <= a:
            continue
        if not looks_like_unit(h[a:b]) \
                and a in (places := _shared_government(h, pieces) if places is None else places):
            out.units.append(MarkerUnit(text[a:b] + places[a], "responsible", (a, b)))
            continue
        if out.units and note is None and out.deadline is None and _DEADLINE_PIECE.match(h, a, b) \
                and not looks_like_unit(h[a:b]):
            out.deadline = (a, b)   # '（省财政厅、省税务局，2019年底前完成）'
            continue
        if out.deadline is not None or (note is not None and not _ROLE_NOTE_AT_END.search(h, ps, pe)) \
                or not (looks_like_unit(h[a:b]) or (note is None and _unknown_member(h[a:b], len(out.units))
                                                    and not _DEADLINE_PIECE.match(h, a, b))):
            return None   # verbs belong to _parse_verbs; only （牵头）-style notes are allowed here
        out.units.append(MarkerUnit(text[a:b], note or "responsible", (a, b)))
    strong = any(not _PLACE_ONLY.search(_strip_trailing_paren(compact_name(u.raw))) for u in out.units)
    return out if out.units and strong else None




def _after_sentence_end(h: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and h[i] in " \t":
        i -= 1
    return i >= 0 and h[i] in "。;!?"

_LABEL_BOUNDARY = frozenset(" \t。;!?.,、)]】")


# A list's first name sets the level of the short names after it: 县交通局、公安局 -> 县公安局;
# 县委组织部、宣传部 -> 县委宣传部. Names with a level or place of their own are left alone.
_LEVEL_PREFIX = re.compile(r"^(?P<level>[省市县区州旗镇乡])(?P<party>委)?(?![场民域级内外属直])")
# A name that opens with a province's name has its place (江西银保监局, 新疆税务局): no level to inherit.
_PROVINCES = ("北京|天津|河北|山西|内蒙古|辽宁|吉林|黑龙江|上海|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|广西|"
              "海南|重庆|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|台湾|香港|澳门")
_HAS_OWN_PLACE = re.compile(r"^(?:[各全本该中国]|有关|相关|驻|人民|共青团|" + _PROVINCES + r")|[省市县区州旗镇乡]")
_DEPARTMENT_END = re.compile(r"[局委办厅部室处所]$")
_MAX_SHORT_NAME = 6
# Branches of central or other bodies carry their own place (大连银保监分局, 某某海关): never a list's level.
_OWN_BODY = re.compile(r"分局|支行|分行|海关|集团|公司|中心|总队|支队|大队")


def _inherit_level_prefix(units: list[MarkerUnit]) -> None:
    if len(units) < 2:
        return
    first = compact_name(units[0].raw)
    m = _LEVEL_PREFIX.match(first)
    if m is None or not _DEPARTMENT_END.search(first):
        return
    for u in units[1:]:
        name = compact_name(u.raw)
        if _HAS_OWN_PLACE.search(name) or len(name) > _MAX_SHORT_NAME or not _DEPARTMENT_END.search(name) \
                or _OWN_BODY.search(name) or not looks_like_unit(name):
            continue
        prefix = m.group("level") + ("委" if m.group("party") and name.endswith("部") else "")
        u.raw = prefix + u.raw


def _marker(parsed: _Parsed, span: Span, text: str, first_is_lead: bool, lead_before_comma: bool = False
            ) -> UnitMarker:
    _inherit_level_prefix(parsed.units)
    if lead_before_comma:
        _assign_lead_before_comma(parsed.units, halfwidth(text), span)
    elif first_is_lead:
        _assign_first_is_lead(parsed.units)
    marker = UnitMarker(span, parsed.units)
    if parsed.deadline is not None:
        a, b = parsed.deadline
        marker.deadline_text, marker.deadline_span = text[a:b], (a, b)
    return marker


def _unbracketed_marker(text: str, h: str, first_is_lead: bool, lead_before_comma: bool = False
                        ) -> UnitMarker | None:
    """'责任单位：A、B。' as a line of its own or closing a paragraph, without brackets."""
    end = len(h.rstrip())
    if _colons_enclosed(h, max(0, end - _MAX_MARKER_LEN), end):
        return None   # '…。（责任单位：A、B）': every label would sit inside brackets (most paragraphs with a colon)
    for m in _find_labels(h, max(0, end - _MAX_MARKER_LEN)):
        s = m.start()
        if s > 0 and h[s - 1] not in _LABEL_BOUNDARY:
            continue
        if not _balanced(h, s, end):
            continue   # the label sits inside brackets: a bracketed marker
        # '责任单位：A，B；如无特别说明，排在首位的为牵头单位，下同。': the lead rule closing the list applies to it.
        names_end, leads = end, first_is_lead
        rule = _LEAD_RULE_CLAUSE.search(h, max(s, end - _LEAD_RULE_TAIL), len(h[:end].rstrip("。. "))) \
            if h.find("牵头", s, end) >= 0 else None
        if rule is not None and lead_rule_kind(rule.group("rule")) == "first":
            names_end, leads = rule.start(), True
        parsed = _parse_labelled(text, h, s, names_end, strict=True, opens_line=not h[:s].strip())
        if parsed is not None:
            return _marker(parsed, (s, end), text, leads, lead_before_comma)
    return None


def _colons_enclosed(h: str, start: int, end: int) -> bool:
    """Whether every colon of h[start:end] stands inside its last "(", which closes before `end`, and ( )
    are its only brackets: then no label is _balanced() to `end` (between a label and its colon stand only
    letters, spaces and a remark "(…)" holding no bracket, so the label is enclosed as its colon is).
    '…(大政发〔2017〕16号)…。(责任单位:A、B)' is not: 〔〕 are brackets too."""
    opening = h.rfind("(", start, end)
    if opening < 0 or h.find(":", start, opening) >= 0:
        return False
    closing = h.find(")", opening, end)
    return closing >= 0 and h.find(":", closing, end) < 0 and not _OTHER_BRACKET.search(h, start, end)


_OTHER_BRACKET = re.compile("[" + re.escape("".join(ch for pair in _OPEN_TO_CLOSE.items() for ch in pair
                                                     if ch not in "()")) + "]")


def _balanced(h: str, start: int, end: int) -> bool:
    """No bracket in h[start:end] closes what opened before `start`."""
    depth = 0
    for ch in h[start:end]:
        if ch in _OPEN_TO_CLOSE:
            depth += 1
        elif ch in _CLOSE_TO_OPEN:
            depth -= 1
            if depth < 0:
                return False
    return True


_MARKER_CHARS = re.compile("[:" + re.escape("".join(_OPEN_TO_CLOSE)) + "]")


def find_unit_marker(text: str, *, first_is_lead: bool = False) -> UnitMarker | None:
    """The last unit marker of one paragraph or line of plan text (see `find_unit_markers`)."""
    markers = find_unit_markers(text, first_is_lead=first_is_lead)
    return markers[-1] if markers else None


def find_unit_markers(text: str, *, first_is_lead: bool = False, lead_before_comma: bool = False,
                      norm: str | None = None) -> list[UnitMarker]:
    """Every unit marker of one paragraph or line of plan text, in order.

    A paragraph may close several sentences with markers of their own: "…。（责任单位：A、B）…。（C牵头，
    D配合）"; each covers the text since the previous one. Bracketed markers are labelled (责任单位：…),
    verb markers (A牵头，B配合) or, after a full sentence, a bare list of units; an unbracketed labelled
    marker ("责任单位：A、B。") runs to the end of the text. Spans are relative to `text`. With
    `first_is_lead` (the document said "列第一位的为牵头单位"), the first unit of a responsible list
    leads, the rest support. `norm` is halfwidth(text) where the caller has it already (a line's
    normalised text, sliced as the text is: halfwidth maps one character to one).
    """
    if not text:
        return []
    h = halfwidth(text) if norm is None else norm
    if "[" in h or "【" in h:
        h = _BRACKETED_LABEL.sub(_label_with_colon, h)   # 【责任单位】A、B reads as 责任单位：A、B
    if _LINK_AFTER_LABEL.search(h):   # cheap: the hundred label words are tried only where one may link
        h = _LABEL_LINKED.sub(_link_as_colon, h)   # （责任单位为A、B）, （责任单位—A） read as 责任单位：A
    if not _MARKER_CHARS.search(h):
        return []   # every marker has a bracket or a label's colon: most sentences have neither
    markers: list[UnitMarker] = []
    unbracketed = _unbracketed_marker(text, h, first_is_lead, lead_before_comma) if ":" in h else None
    limit = unbracketed.span[0] if unbracketed is not None else len(h)
    tail = len(h[:limit].rstrip(_TRIM))
    taken_end = -1
    # Outer groups first: a marker's inner brackets (区委宣传部（区文明办）) are part of it.
    groups = _brackets(h[:limit])
    if len(groups) > 1:
        groups.sort(key=_outer_first)
    for open_at, close_end, closed in groups:
        if open_at < taken_end:
            continue
        inner_start, inner_end = open_at + 1, close_end - 1 if closed else close_end
        # '（A、B等负责，列第一位者为牵头单位，下同）': the lead rule closing the list applies to it.
        marker_leads = first_is_lead
        rule_from = max(inner_start, inner_end - _LEAD_RULE_TAIL)   # the clause closes the list: its tail only
        rule = _LEAD_RULE_CLAUSE.search(h, rule_from, inner_end) \
            if h.find("牵头", rule_from, inner_end) >= 0 else None
        if rule is not None and lead_rule_kind(rule.group("rule")) == "first":
            inner_end, marker_leads = rule.start(), True
        # '（A牵头，B参与，C负责落实。以下均需C落实，不再列出）': the rule after the list is read on its own;
        # so is '（A牵头。明确牵头部门的，有关部门配合，不逐一列出，下同）', a note on how the lists are written.
        if inner_end - inner_start <= _MAX_MARKER_LEN and (h.find(_BLANKET_WORD, inner_start, inner_end) >= 0
                                                        or h.find("列出", inner_start, inner_end) >= 0):
            # (after a full stop, or a comma: '…按职责分工负责,以下各任务均需…落实,不再一一列出')
            stop = _RULE_CLAUSE_START.search(h, inner_start, inner_end)
            while stop is not None and not (_BLANKET_RULE.match(h, _skip_spaces(h, stop.end()), inner_end)
                                            or _LISTING_NOTE.match(h, _skip_spaces(h, stop.end()), inner_end)):
                stop = _RULE_CLAUSE_START.search(h, stop.end(), inner_end)   # the clause after it must be the rule
            if stop is not None:
                inner_end = stop.start()
        if inner_end - inner_start > _MAX_MARKER_LEN or inner_end <= inner_start:
            continue
        parsed = _parse_bracket(text, h, inner_start, inner_end)
        if parsed is None and closed:
            parsed = _parse_bracket(text, h, inner_start, inner_end, verbs=True)
        # A bare list after a full sentence, or on a line of its own below its item: '（市经信委）'; in 【】 it
        # may follow the sentence's last word when it closes the sentence or the paragraph ('推进平台建设
        # 【市科技局】。'; '…建设【市科技局】，加快…' is no marker).
        if parsed is None and closed and (
                _after_sentence_end(h, open_at) or not h[:open_at].strip()
                or (h[open_at] in _LIST_BRACKETS and (close_end >= tail or _before_sentence_end(h, close_end)))):
            parsed = _parse_bare(text, h, inner_start, inner_end)
        elif parsed is None and closed and not h[close_end:limit].strip(_CLOSING_STOPS):
            # '…增长11%(市发改委,各县市区政府,荆州开发区)。': a list closing the paragraph before its full stop,
            # when it names two units or more and opens on a level ('市…', '各…'): a note would not
            parsed = _parse_bare(text, h, inner_start, inner_end)
            if parsed is not None and (len(parsed.units) < 2 or not _LEVELLED_FIRST.match(parsed.units[0].raw)):
                parsed = None
        if parsed is not None:
            span_end = close_end if closed else len(h[:limit].rstrip())
            markers.append(_marker(parsed, (open_at, span_end), text, marker_leads, lead_before_comma))
            taken_end = span_end
    if unbracketed is not None:
        markers.append(unbracketed)
    return markers


def _outer_first(group: tuple[int, int, bool]) -> tuple[int, int]:
    return group[0], -group[1]


# A label set in brackets instead of followed by a colon: 【牵头单位】A【配合单位】B, [责任单位]A.
_BRACKETED_LABEL = re.compile(r"[【\[](?P<label>(?:[省市县区]级?)?(?:"
                              + "|".join(sorted(_LABEL_ROLE, key=len, reverse=True)) + r"))[】\]]")


def _label_with_colon(m: re.Match[str]) -> str:
    return " " + m.group("label") + ":"   # as long as the bracketed label: offsets stay


# A unit label joined to its names by 为/是 or a dash instead of a colon, at the start, after a bracket or a
# separator: （责任单位为A、B）, （牵头单位是A，配合单位是B）, （责任单位—A）.
_UNIT_LABEL_WORDS = sorted((w for w, r in _LABEL_ROLE.items() if r in _UNIT_ROLES and len(w) >= 3), key=len,
                           reverse=True)
_LABEL_LINKED = re.compile(r"(?:^|(?<=[(\[【〔,;]))(?P<label>(?:[省市县区]级?)?(?:" + "|".join(_UNIT_LABEL_WORDS)
                           + r"))(?P<link>为|是|——|—|--|-)(?=[\u4e00-\u9fff])")


_LINK_AFTER_LABEL = re.compile(r"(?:" + "|".join((*_BODIES, "主体")) + r")(?:为|是|—|-)")   # the labels' last words


def _link_as_colon(m: re.Match[str]) -> str:
    return m.group("label") + ":" + " " * (len(m.group("link")) - 1)


_LIST_BRACKETS = frozenset("【〔[")   # brackets that set off a list, never a note in the sentence
_CLOSING_STOPS = " \t。;.!"
_LEVELLED_FIRST = re.compile(r"[省市县区州各]")
_CLAUSE_END = re.compile(r"[。;]")
_RULE_CLAUSE_START = re.compile(r"[。;,]")
# '不再一一列出', '以下每项均涉及不再重复列出': a note that the units are not listed again.
_LISTING_NOTE = re.compile(r"[^;。()]{0,40}?不(?:再|逐一|一一)(?:一一|重复|单独|逐项)?(?:列出|列举)")


def _skip_spaces(h: str, i: int) -> int:
    while i < len(h) and h[i] in " \t":
        i += 1
    return i
_LEAD_RULE_TAIL = 60
# After a comma or a full stop: '（A、B负责。列第一位者为牵头部门或单位，其他有关部门和单位按职责分工负责，下同）'.
# '（…负责。责任单位两个以上的，列第一者为牵头单位，下同）': a condition may come first.
# The place a lead rule gives the lead unit: 列第一位, 排在首位, 排在前位.
FIRST_PLACE = r"(?:第一|首位|前位|第1)"
# '（…；如无特别说明，排在首位的为牵头单位，下同）': or a condition of another kind.
_LEAD_RULE_CLAUSE = re.compile(r"[,;。]\s*(?:(?:[^,;。()]{2,16}的|(?:如|若|除|凡)[^,;。()]{1,14}),\s*)?"
                               r"(?P<rule>[^,;。()]{0,12}" + FIRST_PLACE + r"[^,;。()]{0,12}牵头[^()。]{0,40})$")


def _before_sentence_end(h: str, pos: int) -> bool:
    """Only a sentence end (or another bracket) follows: '…。（A、B）。下一句' or '…。（A、B）（C）'."""
    i = pos
    while i < len(h) and h[i] in " \t":
        i += 1
    return i >= len(h) or h[i] in "。;!?("


# The title of a duty item that names its units: "(一)区建管委", "1.街道消委办。牵头开展…",
# "(二)区建管委、区交通委等建设主管部门：负责…". Ends at the first full stop or colon.
_TITLE_END = re.compile(r"[。:;]")
_MAX_TITLE_LEN = 60
_TITLE_PROSE = re.compile(r"^[在对将把从向按以为]|建立|建设|设立|推进|加强|开展|实施|完善|推动|促进|支持|鼓励|"
                          r"打造|培育|引进|组建|构建|提升|提高|健全|深化|优化|落实|强化|发展|创新|保障")


def _opens_with_prose(h: str, end: int) -> bool:
    """Does h[:end] hold a word of prose (建设智慧城市管理中心, 综合提升…街区)? Not when the word is part of a
    department's name (区发展改革委, 区建设管理委, 区人力资源和社会保障局)."""
    named = [(m.start(), m.end()) for m in _NAME_PHRASES.finditer(h, 0, end)]
    return any(not any(s <= m.start() < e for s, e in named) for m in _TITLE_PROSE.finditer(h, 0, end))


# Words of _TITLE_PROSE that are part of departments' names.
_NAME_PHRASES = re.compile(r"发展(?:和)?改革|城乡建设|建设(?:和)?管理|建设(?:和)?交通|社会保障|住房保障|投资促进|"
                           r"科技创新|经济发展|产业发展|乡村振兴|生态环境|保障性住房")


def find_unit_title(text: str) -> tuple[list[MarkerUnit], str] | None:
    """The units an item's title names, and the text after the title; None when the title is not a
    list of units. Duty lists (职责分工) number one unit, or a few, per item and state its duties after it."""
    h = halfwidth(text)
    m = _TITLE_END.search(h)
    end = m.start() if m else len(h.rstrip())
    duties = _DUTIES_WORD.search(h, 0, end) if h.find(_DUTIES, 0, end) >= 0 else None   # '（一）办公室职责'
    names_end = duties.start() if duties and duties.start() >= 2 else end
    if 2 <= end <= _MAX_TITLE_LEN and not (m and not h[m.end():].strip() and duties is None):
        etc = _ETC_AT_END.search(h, 0, names_end)   # '…等建设主管部门': the closing group word is not prose
        if not _opens_with_prose(h, etc.start() if etc else names_end):
            units = _unit_list(text, h, 0, names_end)
            if units:
                return units, text[m.end():] if m else ""
    subject = _unit_subject(text, h, 0)
    return (subject[0], text[subject[1]:]) if subject is not None else None


_DUTIES = "职责"   # in every match of _DUTIES_WORD, which is tried only where it stands
_DUTIES_WORD = re.compile(r"(?:的)?(?:主要|工作|具体)?" + _DUTIES + r"(?:分工)?\s*$")


# A piece that acts rather than names: it opens on a verb (成立考核工作小组, 挂牌督办, 统筹协调各成员单位) or holds
# one that no name holds (本办法由省河长办负责解释). Two patterns: '^' in one would match only at the start of the
# paragraph, not at the start of the piece that match(h, a, b) or search(h, a, b) is given.
_ACTS_OPENING = re.compile(r"成立|形成|推进|挂牌|协调|组织|建立|设立|开展|加强|完善|健全|实施|强化|落实|推动|促进|"
                           r"加快|做好|严格|深化|优化|提升|提高|确保|明确|压实|构建|打造|根据|按照|依据|支持|鼓励|引导|探索|"
                           r"积极|大力|全面|进一步|着力|坚持|围绕|聚焦|发挥|依托|利用|统筹|举办|举行|召开|组建|筹建|创办|本")
_ACTS_WITHIN = re.compile(r"由|将|把|要|应当|加强")


# A role named after the units: 'X为该议案办理工作的牵头责任单位', 'A、B为协办单位'.
_NAMED_AS_PATTERN = (r"(?:作为|为)(?:[^,;。为]{0,24}?的)?(?P<named>牵头|主办|协办|配合|参与|协助|主责|责任|承办|实施)"
                     r"(?:责任)?(?:单位|部门)")
_NAMED_AS = re.compile(_NAMED_AS_PATTERN)
# What follows the units that open a duty sentence: "区交通委负责…", "区经委、区司法局等部门应当按照各自职责…".
# A duty done by the units' remit: '要按照职责', '按照各自职责分工'.
_BY_REMIT = r"(?:按照?|根据|依据)(?:各自|各自的)?(?:职责|职能)"
_DUTY_PREDICATE = re.compile(r"(?:(?:要|应当?|主要|具体|共同|积极|分别)?"
                             r"(?:负责(?!人(?![员口民群才])|同志)|牵头|配合|会同|联合|协助|协同|参与|组织实施)|是|"
                             r"(?:具体|抓好|负责|分别)落实(?=[。;,!]|$)|"   # '…,各区政府具体落实。': the clause's end
                             r"(?:要|应当?)?(?:统一|加强)?指导(?!意见|思想|原则|下)|"   # 区房管局要指导…
                             r"(?:要|应当?)" + _BY_REMIT + r"|"
                             r"(?=" + _NAMED_AS_PATTERN + r"))"
                             r"(?!负责|部门|单位|处室)")   # 牵头负责部门 is a noun, not the predicate
_SUBJECT_END = re.compile(r"[。:;,!?]")
# A character of every _DUTY_PREDICATE (负责 牵头 配合 会同 联合 协助 协同 参与 组织实施 是 指导, 要/应按照职责)
# and _MODAL (要 应 需 须 必须, or a duty taken on: 履行 承担 落实) match; and of every clause find_duty_units
# reads: those, 由…, 牵头…, …成员单位.
_PREDICATE_CHAR_SET = "负牵配会联协参组是指要应需须必履承落为职"
_PREDICATE_CHARS = re.compile(f"[{_PREDICATE_CHAR_SET}]")
_DUTY_CHARS = re.compile(f"[{_PREDICATE_CHAR_SET}由成]")


def find_duty_units(text: str) -> list[MarkerUnit]:
    """Units a paragraph gives duties in its sentences: each sentence that opens with units and a role
    verb ("各街镇是处置主体", "区交通委负责…"), and "由X负责/牵头/会同…" anywhere. Roles from the verb."""
    h = halfwidth(text)
    if not _DUTY_CHARS.search(h) and ":" not in h[:_MAX_TITLE_LEN + 10]:
        return []   # half the paragraphs of a plan: no predicate, modal, 由 or 成员 for a clause below to read
    found: list[MarkerUnit] = []
    for start in [0, *(m.end() for m in _SENTENCE_BREAK.finditer(h))]:
        subject = _unit_subject(text, h, start)
        if subject is not None:
            # The duties are read where they stand in h (halfwidth maps one character to one): a copy of the rest
            # of the paragraph per clause made a paragraph of N clauses quadratic.
            together = _TOGETHER_WITH.match(h, _after_trim(h, subject[1]))
            partners = _partner_units(text, h, together.end()) if together else None
            if partners is None and together is not None and together.group().endswith("联合"):
                continue   # '区交通委和交管部门组织联合验收', 'X和Y联合推进': no partner named, no duty read
            if partners is not None and together is not None and together.group().endswith("牵头") \
                    and not any(is_collective_name(u.raw) for u in partners) and len(partners) < 2:
                partners = None   # '区规划资源局牵头编制…': one name of no collective kind may be the work
            if partners is not None:
                # 'X（要）会同Y、Z等部门…': X leads, Y and Z support (as in 由X会同Y…).
                found.extend(MarkerUnit(u.raw, "lead", u.span) for u in subject[0])
                found.extend(MarkerUnit(u.raw, "support", u.span) for u in partners)
                continue
            named = _NAMED_AS.match(h, subject[1])
            role = (verb_role(named.group("named")) or "responsible") if named else _duty_role_at(h, subject[1])
            found.extend(MarkerUnit(u.raw, role, u.span) for u in subject[0])
    for m in _BY_UNIT.finditer(h):
        names = "names" if m.group("names") is not None else "group"
        units = _unit_list(text, h, m.start(names), m.end(names))
        if not units:
            continue
        if m.group("verb") is None:   # '由A、B等职能管理部门建立…/参与的': the verb after them says the role
            role = _duty_role_at(h, m.end())
            found.extend(MarkerUnit(u.raw, role, u.span) for u in units)
            continue
        if m.group("verb") == "会同":   # 由X会同Y负责: X leads, Y supports
            found.extend(MarkerUnit(u.raw, "lead", u.span) for u in units)
            found.extend(MarkerUnit(u.raw, "support", u.span) for u in _partner_units(text, h, m.end()) or [])
            continue
        role = verb_role(m.group("verb")) or "responsible"
        found.extend(MarkerUnit(u.raw, role, u.span) for u in units)
    for m in _WITH_PARTNERS.finditer(h) if _LEADS in h else ():
        # '由县教育局、县语委牵头,与县委宣传部、团县委等单位共同组织开展', '…牵头,联合县委宣传部…等单位': the units
        # the lead of the sentence works with support it.
        group = "group" if m.group("group") is not None else "after_lead"
        if h.rfind("牵头", h.rfind("。", 0, m.start()) + 1, m.start()) >= 0:   # (the gate's word, not the gate)
            found.extend(MarkerUnit(u.raw, "support", u.span)
                         for u in _unit_list(text, h, m.start(group), m.end(group)) or [])
    for m in _LEADS_OTHERS.finditer(h) if _LEADS in h else ():
        # '（一）区绿化市容局 … 牵头区建管委、区交通委，每周开展联合执法': the item's unit leads the units named.
        found.extend(MarkerUnit(u.raw, "support", u.span) for u in _partner_units(text, h, m.end()) or [])
    # The last 。 and 牵头 before each member list, looked for since the list before it (not from the start of
    # the paragraph for every list: quadratic in a paragraph of lists).
    sentence, lead, searched = 0, -1, 0
    for m in _MEMBERS.finditer(h) if _MEMBER_WORD in h else ():
        sentence = max(sentence, h.rfind("。", searched, m.start()) + 1)
        lead = max(lead, h.rfind("牵头", max(0, searched - 1), m.start()))
        searched = m.start()
        if lead >= sentence:   # '牵头' between the sentence's start and the list
            # '由区绿化市容局牵头，区建管委、…及各街镇为成员单位': members of what a unit leads support it.
            found.extend(MarkerUnit(u.raw, "support", u.span)
                         for u in _unit_list(text, h, m.start("names"), m.end("names")) or [])
    # One role per name: '由X会同Y…' read both as a subject and as 由X会同 says X leads.
    leads = {u.raw for u in found if u.role == "lead"}
    seen: set[str] = set()
    out = []
    for u in sorted(found, key=lambda u: u.span):
        if u.raw not in seen and (u.role == "lead" or u.raw not in leads):
            seen.add(u.raw)
            out.append(u)
    return out


# "由区建交委负责…", "由X会同Y…", "由A、B共同组织实施": the units after 由 carry the verb's role (会同: they
# lead). "成员由A、B等部门组成" names members, no duty.
# The names may be set apart by commas too ('由市发展改革委，各县市区人民政府，市经济开发区管委会负责落实').
_BY_UNIT = re.compile(r"由(?P<names>[^;。由]{2,240}?)(?:共同)?"
                      r"(?P<verb>牵头|负责|会同|组织实施|具体负责|统筹|组织|承办)(?!解释)"
                      r"|由(?P<group>[^,;。由]{2,240}?等[^、,;。等()]{0,8}(?:部门|单位|机构)(?:部门|单位)?"
                      r"(?:\([^()]{1,8}\))?)"
                      r"(?=[\u4e00-\u9fff])(?!(?:部门|单位)?(?:共同)?(?:组成|构成|派员))")
_SENTENCE_BREAK = re.compile(r"[。;,]")
_LEADS = "牵头"   # in every match of _LEADS_OTHERS, which is tried only where it stands
_LEADS_OTHERS = re.compile(r"(?:^|(?<=[。;]))\s*(?:负责)?" + _LEADS + r"(?=[^,;。])")
_WITH_PARTNERS = re.compile(r"(?<=[,;])\s*(?:与|联合|会同)"
                            r"(?P<group>[^,;。]{2,300}?等[^、,;。等()]{0,8}(?:部门|单位|机构))"
                            # '县减灾办和县应急办牵头,县民政局、地震局…等部门单位于…': the bodies the clause after the
                            # lead's names by a group word
                            r"|(?<=牵头[,;])\s*(?P<after_lead>[^,;。]{2,300}?等[^、,;。等()]{0,8}(?:部门|单位|机构))")
_MEMBER_WORD = "成员"   # in every match of _MEMBERS, which is tried only where it stands
_MEMBERS = re.compile(r"(?<=[,;])\s*(?P<names>[^,;。]{2,200}?)(?:为|作为)" + _MEMBER_WORD + r"(?:单位|部门)")
# 区绿化市容局联合区房管局…: as 会同; 区绿化市容局牵头各相关单位横向协作: the units it leads support it.
_TOGETHER_WITH = re.compile(r"(?:要|应当?|需|须|负责)?(?:会同|联合|牵头(?!负责|组织|抓|推进|做好|落实|开展))")
_WITH_UNITS = re.compile(r"(?P<group>[^,;。]{2,300}?等[^、,;。等()]{0,8}(?:部门|单位|机构))"
                         r"|(?P<names>[^,;。]{2,60}?)(?=" + _VERB_MORPHEME + r")")


def _partner_units(text: str, h: str, at: int) -> list[MarkerUnit] | None:
    """The units named at `at`, after 会同/联合: up to 等部门 ('会同Y、Z等部门推进'), or else up to the verb or the
    action that follows the last name ('会同Y负责', '联合区房管局、区城管执法局加强指导')."""
    m = _WITH_UNITS.match(h, at)
    if m is not None and m.group("group") is not None:
        return _unit_list(text, h, m.start("group"), m.end("group"))
    clause = _SUBJECT_END.search(h, at)
    units: list[MarkerUnit] = []
    for ps, pe in _pieces(h, at, clause.start() if clause else len(h)):
        a, b, _ = _strip_piece(h, ps, pe)
        # The last name runs on into its action: '区房管局加强对街镇的指导', '各街镇（管委会）对…进行总结'.
        cut = next((k for k in range(a + 2, min(b, a + _MAX_NAME_LEN)) if looks_like_unit(h[a:k]) and (
            h[k] in _PREPOSITIONS or _ACTION.match(h, k) or _VERB_HEAD.match(h, k)
            or (h[k - 2:k] in _GROUP_ENDS and is_collective_name(h[a:k])))), None)   # '各相关单位横向协作'
        if cut is not None:
            # '会同区建设管理委和区水务局加强对…': the name cut from its action may still be two joined by 和.
            named = _unit_list(text, h, a, cut) or [MarkerUnit(text[a:cut], "support", (a, cut))]
            units.extend(MarkerUnit(u.raw, "support", u.span) for u in named)
            break
        if b <= a or not looks_like_unit(h[a:b]):
            return None   # '会同公安、法院、检察、监察机关': a piece no name, the list not read at all
        units.append(MarkerUnit(text[a:b], "support", (a, b)))
    return units or None


def by_unit_spans(text: str) -> list[Span]:
    """Where the text names units after 由 ('由领导小组办公室牵头', '由A、B共同组织实施'): the spans of those names."""
    if "由" not in text:
        return []
    h = halfwidth(text)
    return [m.span("names" if m.group("names") is not None else "group") for m in _BY_UNIT.finditer(h)]


def find_leading_units(text: str) -> list[MarkerUnit] | None:
    """The units an item of a duty division opens with, whatever it has them do ('1.县国动办、县文旅广电局确保…',
    '县供电分公司保障…'): its first clause's names up to the action the last one runs on into; None when the clause
    opens with anything but names. For items under a heading that divides duties (工作职责, 责任分工): elsewhere
    a sentence opening on a body's name assigns it nothing without a verb of duty."""
    h = halfwidth(text)
    start = _after_trim(h, 0)
    clause = _SUBJECT_END.search(h, start)
    units: list[MarkerUnit] = []
    for ps, pe in _pieces(h, start, clause.start() if clause else len(h)):
        a, b, _ = _strip_piece(h, ps, pe)
        # The last name runs on into what it does: cut where a verb follows a name ('县供电分公司保障…',
        # '民政局组织城区内学校…': not at 学校, the end of what the bureau is to organise).
        cut = next((k for k in range(a + 2, min(b, a + _MAX_NAME_LEN)) if _DOES.match(h, k)
                    and looks_like_unit(h[a:k])), None)
        if cut is not None:
            units.append(MarkerUnit(text[a:cut], "responsible", (a, cut)))
            break
        if b - a < 2 or not looks_like_unit(h[a:b]):
            return None
        units.append(MarkerUnit(text[a:b], "responsible", (a, b)))
    if not units or (_opens_with_prose(h, units[-1].span[1]) and not all(is_collective_name(u.raw) for u in units)):
        return None   # '（四）建设智慧城市管理中心': a task, its object a body (各建设单位 is bodies)
    return units


# What a body of a duty division is given to do, opening the words after its name.
_DOES = re.compile(r"保障|组织|进行|发布|负责|做好|开展|提供|协助|落实|加强|督促|指导|确保|制定|编制|研究|统筹|协调|"
                   r"牵头|配合|安排|承担|监督|检查|审核|办理|管理|会同|联系|起草|抓好|完成|推进|实施|建立|健全|及时|积极|"
                   r"认真|切实|全力|对|向|按|在|要|应|须")


_GROUP_ENDS = frozenset({"单位", "部门", "机构"})
_PREPOSITIONS = frozenset("对向就为从按")   # what opens the action after a name: '各街镇对…进行总结'


# A collective subject names bodies (各区, 各街镇, 各有关部门), not whatever follows 各 (各市级专项整治工作).
_COLLECTIVE_BODY = re.compile(r"^各(?:[区县市镇乡]|街道|街镇|乡镇|地|级|部门|单位|成员单位|有关|相关|委办局)")


def _subject_name(name: str) -> bool:
    n = compact_name(name)
    if _ROLE_BODIES.fullmatch(n):
        return False   # '协同单位积极配合': the role's bodies in general, exhorted, none named
    return not n.startswith("各") or bool(_COLLECTIVE_BODY.match(n)) or looks_like_unit(n[1:])


def _unit_subject(text: str, h: str, start: int) -> tuple[list[MarkerUnit], int] | None:
    """Units that are the subject of the clause at `start` ("（三）区经委、区司法局等部门负责…"), and where the
    duties after them start."""
    opening = start == 0
    while start < len(h) and h[start] in " \t":
        start += 1
    if start < len(h) and h[start] in _OPEN_TO_CLOSE:
        return None   # a bracket: a marker (read as one, or not at all), not a sentence
    m = _SUBJECT_END.search(h, start)
    end = min(m.start() if m else len(h), start + _MAX_TITLE_LEN + 10)
    if m is not None and h[m.start()] == "," and h[m.start() - 2:m.start()] in _GROUP_ENDS \
            and _MODAL.match(h, m.end()):
        # 'A、B、C等牵头部门,要于每次调度会议前…': the units a clause of their own, their duties after the comma.
        group = _GROUP_WORD_AT_END.search(h, start, m.start())
        units = _unit_list(text, h, start, m.start()) if group is not None else None
        if units and all(_subject_name(u.raw) for u in units):
            return units, group.start() + 1   # type: ignore[union-attr]
    duties = _after_trim(h, m.end()) if m is not None and h[m.start()] == ":" else len(h)
    if m is not None and duties < len(h) and (opening or _DUTY_PREDICATE.match(h, duties)):
        # '区商务委：负责全区成品油市场秩序整治组日常工作；…': a duty list's entry, its units before the colon; opening
        # the paragraph, whatever verb follows ('区交通局：依法查处…', '区成品油流通行业协会：发挥行业协会作用…'), but
        # not with nothing after it (a notice's addressees, '各县(市)交通运输局、局直各单位：').
        units = _unit_list(text, h, start, m.start())
        if units and all(_subject_name(u.raw) for u in units):
            return units, duties
    if not _PREDICATE_CHARS.search(h, start, end):
        return None   # no predicate or modal in the clause (most clauses of a plan)
    for p in _DUTY_PREDICATE.finditer(h, start, end):
        if p.start() < start + 2:
            continue
        units = _unit_list(text, h, start, p.start())
        if units and all(_subject_name(u.raw) for u in units):
            return units, p.start()
    for p in _MODAL.finditer(h, start, end):
        if p.start() < start + 2:
            continue
        grouped = _GROUP_WORD_AT_END.search(h, start, p.start()) is not None
        if not grouped and not _TAKES_DUTY.match(h, p.start()):
            continue
        units = _unit_list(text, h, start, p.start())
        # 'X、Y等部门要…' names its units by the group word; '…履行相应职责', '…落实主体责任' by the duty it takes
        # on, unless every unit is a collective: '各街道、各部门要全面落实责任制' exhorts, it assigns nothing.
        if units and all(_subject_name(u.raw) for u in units) \
                and (grouped or not all(is_collective_name(u.raw) for u in units)):
            return units, p.start()
    return None


_MUST = r"(?:要|应当?|需|须|必须|需要)"
_TAKES_ON = r"(?:切实|全面|认真|积极|依法)?(?:履行|承担|落实)"
_DUTY_TAKEN = _TAKES_ON + r"[^,;。]{0,8}(?:职责|责任)"   # 履行相应职责
_DUTY_TAIL = re.compile(_TAKES_ON + r"[^,;。、()]{0,8}(?:职责|责任)$")   # closing one name of a list
# '…等部门按照职责,协同做好…': a duty by the units' remit, read only after a group word (as a modal alone would not be)
_MODAL = re.compile(_MUST + r"(?=[\u4e00-\u9fff])|(?=" + _DUTY_TAKEN + r")|(?=" + _BY_REMIT + r")")
_TAKES_DUTY = re.compile(_MUST + r"?" + _DUTY_TAKEN)


def _unit_list(text: str, h: str, start: int, end: int) -> list[MarkerUnit] | None:
    """h[start:end] as a list of unit names (等部门 dropped), or None when any piece is not one."""
    units: list[MarkerUnit] = []
    # '市安全监管、交通运输、公安等职能管理部门': the closing group word makes short field names units.
    grouped = _GROUP_WORD_AT_END.search(h, start, end) is not None
    for ps, pe in _pieces(h, start, end):
        a, b, _ = _strip_piece(h, ps, pe)
        if b <= a and h[ps:pe].strip(_TRIM).startswith("等"):
            continue   # '…、等部门': the group word, after a stray separator
        if b <= a or _ACTS_OPENING.match(h, a, b) or _ACTS_WITHIN.search(h, a, b):
            return None
        if not looks_like_unit(h[a:b]) and not (grouped and is_field_name(h[a:b])):
            return None
        units.append(MarkerUnit(text[a:b], "responsible", (a, b)))
    return units or None


_GROUP_WORD_AT_END = re.compile(r"等[^、,;。等()]{0,8}(?:部门|单位|机构)$")


def is_field_name(name: str) -> bool:
    """A short name of a field of government (交通运输, 质量技监) standing for its department in a list."""
    n = compact_name(name)
    return 2 <= len(n) <= 6 and not _PROSE_IN_NAME.search(n) and not _ACTION_START.search(n) \
        and not _NOT_UNIT_ENDINGS.search(n) and not _TIME_IN_NAME.search(n)


_TIME_IN_NAME = re.compile(r"\d|年底|月底|底前|季度|半年|全年|长期|持续")   # '12月底', '年底前': a deadline cell


def works_with_others(duties: str) -> bool:
    """Do these duties open with 会同 (the unit before them leads, the units after them support)?"""
    return _TOGETHER_WITH.match(halfwidth(duties).lstrip(_TRIM)) is not None


def duty_role(text: str) -> Role:
    """The role a duty sentence gives the unit it follows: 牵头…/负责牵头… leads, 配合…/协助… supports."""
    return _duty_role_at(halfwidth(text), 0)


def _duty_role_at(h: str, start: int) -> Role:
    """duty_role of the half-width text h[start:], read in place."""
    start = _after_trim(h, start)
    manner = _BY_DUTIES.match(h, start)
    if manner is not None and manner.end() < len(h):
        start = _after_trim(h, manner.end())   # '…等部门按照职责,协同做好…': the verb after the manner says the role
    if _GUIDES.match(h, start):
        return "support"   # 区绿化市容局要加强指导…: X指导 supports
    run = _VERB_RUN.match(h, start)
    role = verb_role(run.group()) if run else None
    if role == "support" and h.startswith("负责", start):
        return "responsible"   # '负责指导督促…': the duty is the unit's own, whatever it is to do
    return role or "responsible"


def _after_trim(h: str, i: int) -> int:
    """Where h[i:].lstrip(_TRIM) starts."""
    while i < len(h) and h[i] in _TRIM:
        i += 1
    return i


_GUIDES = re.compile(r"(?:要|应当?)?(?:统一|加强)指导")
_BY_DUTIES = re.compile(r"(?:要|应当?)?" + _BY_REMIT + r"(?:分工)?,?")


_VERB_RUN = re.compile(r"(?:要|应当?|是)?(?:" + _VERB_MORPHEME + r")+")


# Document rules saying the first-listed unit leads. Matched on compact half-width text.
_LEAD_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("first_is_lead", re.compile(
        r"(?:第一|第1|首|头|前)(?:位|个|名|面)?(?:的|者)?(?:单位|部门|责任单位|责任部门|为)?"
        r"(?:为|是|系|即为|作为)(?:工作)?牵头")),   # 列第一位者为工作牵头单位或汇总单位
    ("ranked_first_leads", re.compile(
        r"[列排位居在名](?:在|于)?(?:第一|第1|首)(?:位|个|名)?(?:的|者)(?:单位|部门)?牵头")),
    ("lead_ranked_first", re.compile(
        r"牵头(?:单位|部门)(?:一般|均)?(?:列|排|放)(?:在|于)?(?:第一|第1|首)(?:位|个)")),
)


# "以下各项任务均需各区政府落实，不再列出": units that hold every later item.
_BLANKET_RULE = re.compile(
    r"(?:(?:此|本)项(?:任务)?(?:及|和|与))?"   # '此项及以下任务均需…': the item stating it included
    r"以下(?:各项|所有|全部)?[^,;。]{0,10}?(?:均|都|皆)(?:需|须|由|要|应)?(?P<names>[^,;。]{2,80}?)"
    r"(?P<verb>(?:" + _VERB_MORPHEME + r")+)[^;。]{0,60}?不再(?:一一)?(?:列出|列举|重复|单独列出|注明|标注|标明)"
    # "具体任务均涉及相关市（州）人民政府，不再做分工，下同": the units share every item from here on.
    r"|(?:以下|具体|各项|所有|全部)[^,;。]{0,8}?(?:均|都|皆)涉及(?P<involved>[^,;。]{2,80}?)[,]?\s*"
    r"不再(?:一一)?(?:做|作|进行)?(?:分工|列出|列举|重复|单独列出|注明|标注|标明)"
    # "除特别注明的外，各县（市、区）政府和金华开发区管委会都是配合单位": the units share every item, in that role.
    r"|除(?:特别|另行|单独|另有)?注明(?:的)?(?:以)?外[,]?\s*(?P<except>[^;。]{2,80}?)(?:都|均)(?:是|为|作为)"
    r"(?P<role_word>配合|责任|参与|协办)(?:单位|部门)"
    # "本要点各项工作均需各市、县〔市、区〕政府作为责任单位，以下不再列出": the units share every item, in that role.
    r"|(?:各项|所有|全部)(?:工作|任务)?(?:均|都|皆)(?:需|须|要|应)?(?P<share>[^,;。]{2,80}?)(?:作为|为|是)"
    r"(?P<share_role>牵头|配合|责任|参与|协办)(?:单位|部门)[,]?\s*(?:以下)?不再(?:一一)?(?:列出|列举|重复|注明|标注|标明)"
    # "各项政策措施均需各市政府、省沈抚示范区管委会落实,以下不再列出": the rule's 以下 after the units and their verb.
    r"|(?:各项|所有|全部)[^,;。]{0,8}?(?:均|都|皆)(?:需|须|由|要|应)?(?P<every>[^,;。]{2,80}?)"
    r"(?P<every_verb>(?:" + _VERB_MORPHEME + r")+)[,]?\s*以下不再(?:一一)?(?:列出|列举|重复|单独列出|注明|标注|标明)")


def may_state_blanket_rule(norm: str) -> bool:
    """Whether a normalised text holds a word every blanket rule says (a text without one states none)."""
    return _BLANKET_WORD in norm or _EXCEPT_WORD in norm


def find_blanket_rule(text: str) -> list[MarkerUnit] | None:
    """The units a rule like "以下均需X落实，不再列出" puts on every later item, or None."""
    h = halfwidth(text)
    m = _BLANKET_RULE.search(h) if may_state_blanket_rule(h) else None
    if m is None:
        return None
    names = next(g for g in ("names", "involved", "except", "share", "every") if m.group(g) is not None)
    role_word = m.group("role_word") or m.group("share_role")
    verb = m.group("verb") or m.group("every_verb")
    role = (verb_role(verb) if verb else None) \
        or (verb_role(role_word) if role_word else None) or "responsible"
    units = [MarkerUnit(text[a:b], role, (a, b)) for a, b in
             ((s, e) for s, e, _ in (_strip_piece(h, ps, pe) for ps, pe in _pieces(h, *m.span(names))))
             if b > a and looks_like_unit(h[a:b])]
    return units or None


_BLANKET_WORD = "不再"   # in the forms of the rule that say what is no longer listed (a test keeps it so)
_EXCEPT_WORD = "注明"   # in the form that names the units of every item but those marked otherwise


# "第一个逗号前为牵头单位": the units before the first comma of a list lead (several may), the rest support.
_LEAD_BEFORE_COMMA = re.compile(r"(?:第一个|首个)?(?:逗号|,)(?:之)?前(?:的|面的)?(?:单位|部门)?(?:为|是|系)牵头")
_LEAD_WORD = "牵头"  # in every lead rule above (a test keeps it so)


def lead_rule_kind(text: str) -> str | None:
    """The lead rule `text` states: "before_comma" (第一个逗号前为牵头单位), "first" (列第一位的为牵头单位),
    or None."""
    if _LEAD_WORD[0] not in halfwidth(text):
        return None   # cheaper than compact_name, which only drops whitespace between 牵 and 头
    n = compact_name(text)
    if _LEAD_WORD not in n:
        return None   # every rule names 牵头; tree.find_lead_rule_line asks this of every line
    if _LEAD_BEFORE_COMMA.search(n):
        return "before_comma"
    return "first" if any(rx.search(n) for _, rx in _LEAD_RULES) else None


def find_lead_rule(text: str) -> bool:
    """Does `text` state which unit of a list is the lead (列第一位的为牵头单位, 第一个逗号前为牵头单位)?"""
    return lead_rule_kind(text) is not None


__all__ = [
    "FIRST_PLACE",
    "KINDS",
    "DirectoryEntry",
    "MarkerUnit",
    "UnitDirectory",
    "UnitMarker",
    "duty_role",
    "find_blanket_rule",
    "find_duty_units",
    "find_lead_rule",
    "find_unit_marker",
    "find_unit_markers",
    "find_unit_title",
    "is_collective_name",
    "is_field_name",
    "lead_rule_kind",
    "looks_like_unit",
    "may_state_blanket_rule",
    "read_unit_cell",
    "split_unit_list",
    "works_with_others",
]
