"""Quantitative targets of a work-plan paragraph: 每万人口发明专利拥有量达到18件 -> (>= 18 件).

A target is a number with a unit from UNIT_TABLE, read with the comparator right before it
(COMPARATORS), an optional range (2-3家) and qualifier (以上/以内/左右), the year stated earlier in its
sentence, the indicator phrase it measures, and its basis (increment, level or rate: `_basis`).
Numbers that are names, dates, ordinals, quotations, policy parameters or counts of the plan's own
measures (共23项, 5个方面, 20项措施) are dropped by the ordered EXCLUSIONS table, each row with a reason.
All matching runs on halfwidth() text; spans and returned strings index the text given.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from luoshi.plandoc.model import Basis, Op, Span, Target
from luoshi.plandoc.normalize import halfwidth
from luoshi.plandoc.numerals import CN_NUMERAL_CHARS, cn_digit_year, parse_number
from luoshi.plandoc.refs import find_doc_numbers, find_title_spans


@dataclass(frozen=True, slots=True)
class UnitRule:
    """A measure word. `needs_comparator`: only a target after 达到/控制在/压缩至..., because the same
    words also write durations and ages ("24小时服务", "3天培训"). `not_before`: characters that turn
    the unit into part of another word (个月, 人民, 次性)."""

    unit: str
    kind: str  # "rate" (compared as growth), "money", "count", "measure"
    needs_comparator: bool = False
    not_before: str = ""


# Base units, longest first so that 个百分点 wins over 个 and 人次 over 人. A multiplier (万, 亿, 千万)
# written before a base unit stays part of the unit: 62万人次 -> (62, "万人次"), 3500万元 -> (3500, "万元").
UNIT_TABLE: tuple[UnitRule, ...] = (
    UnitRule("个百分点", "rate"), UnitRule("百分点", "rate"), UnitRule("个点", "rate"),
    UnitRule("%", "rate"), UnitRule("‰", "rate"), UnitRule("倍", "rate"),
    UnitRule("亿美元", "money"), UnitRule("美元", "money"), UnitRule("元", "money", not_before="/"),
    UnitRule("个工作日", "measure", needs_comparator=True),
    UnitRule("工作日", "measure", needs_comparator=True),
    UnitRule("小时", "measure", needs_comparator=True),
    UnitRule("分钟", "measure", needs_comparator=True),
    UnitRule("天", "measure", needs_comparator=True),
    UnitRule("平方公里", "measure"), UnitRule("平方米", "measure"), UnitRule("立方米", "measure"),
    UnitRule("千瓦时", "measure"), UnitRule("公里", "measure"), UnitRule("千米", "measure"),
    UnitRule("公顷", "measure"), UnitRule("兆瓦", "measure"), UnitRule("千瓦", "measure"),
    UnitRule("公斤", "measure"), UnitRule("千克", "measure"), UnitRule("吨", "measure"),
    UnitRule("亩", "measure"), UnitRule("米", "measure"), UnitRule("斤", "measure"),
    UnitRule("微克/立方米", "measure"), UnitRule("毫克/立方米", "measure"),
    UnitRule("毫克/升", "measure"), UnitRule("学时", "measure"), UnitRule("课时", "measure"),
    UnitRule("Mbps", "measure"), UnitRule("Gbps", "measure"), UnitRule("MW", "measure"),
    UnitRule("人次", "count"), UnitRule("户次", "count"),
    UnitRule("人", "count", not_before="民口才员均"),
    UnitRule("名", "count", not_before="单录"),
    UnitRule("位", "count", needs_comparator=True),  # 六位一体
    UnitRule("家", "count", not_before="庭长乡"),
    UnitRule("个", "count", not_before="月人体性案别"),
    UnitRule("件", "count"), UnitRule("座", "count"), UnitRule("套", "count"), UnitRule("篇", "count"),
    UnitRule("辆", "count"), UnitRule("艘", "count"), UnitRule("张", "count"), UnitRule("块", "count"),
    UnitRule("株", "count"), UnitRule("册", "count"), UnitRule("所学校", "count"),
    UnitRule("项", "count", not_before="目"),
    UnitRule("场", "count", not_before="所景地馆"),
    UnitRule("所", "count", not_before="有属在得以"),
    UnitRule("期", "count", not_before="间限末望货"),
    UnitRule("次", "count", not_before="性要序"),
    UnitRule("台", "count", not_before="阶账"),
    UnitRule("支", "count", not_before="持付出撑部"),
    UnitRule("批", "count", not_before="准复示"),
    UnitRule("户", "count", not_before="籍口外型"),
    UnitRule("部", "count", not_before="门委署分"),
    UnitRule("种", "count", not_before="类植子养"),
    UnitRule("款", "count", not_before="项"),
    UnitRule("条", "count", not_before="例件款"),
    UnitRule("处", "count", not_before="理置室"),
    UnitRule("架", "count", not_before="构"),
    UnitRule("间", "count", not_before="接隔"),
    UnitRule("头", "count", not_before="部"),
    UnitRule("只", "count", not_before="有要能是"),
    UnitRule("份", "count", not_before="额"),
    UnitRule("门", "count", not_before="户槛"),
)
_UNITS_BY_NAME = {rule.unit: rule for rule in UNIT_TABLE}
MULTIPLIERS: tuple[str, ...] = ("万亿", "千万", "百万", "万", "亿")
RATE_UNITS = frozenset(r.unit for r in UNIT_TABLE if r.kind == "rate")

# Comparators, matched at the end of the text before the number; rows are tried in order, so the
# specific forms (下降到, 增长到, 比上年增长) come before the bare verbs they contain.
# "growth"/"decline" give op "growth" for rate units (decline as a negative value); otherwise "=".
_MODIFIER = r"(?:平均|力争|确保|争取|基本|累计|年均|均|要|将|预计)?"
_VS_LAST_YEAR = r"(?:比上一?年度?|比去年|比上年同期|同比|较上年|较去年|比\d{4}年|较\d{4}年|年均|平均)"
_OBJECT = r"[^,，。;；:：!?！？\d至到在]{2,20}?"
COMPARATORS: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (name, re.compile(rf"{_MODIFIER}(?:{alternatives})\s*$"), op) for name, alternatives, op in (
        ("growth-on-last-year", rf"{_VS_LAST_YEAR}(?:增长|增加|提高|提升|上升)", "growth"),
        ("decline-on-last-year", rf"{_VS_LAST_YEAR}(?:下降|降低|减少)", "decline"),
        # 低于/少于 must not be the tail of 不低于/不少于 (at-least), hence the look-behinds.
        ("at-most", "控制在|不超过|不高于|不多于|不大于|(?<!不)低于|(?<!不)少于|(?<!不)小于|"
                    "下降到|下降至|降到|降至|降低到|降低至|减少到|减少至|压缩到|压缩至|压减到|压减至|"
                    "缩短到|缩短至|缩减到|缩减至", "<="),
        ("at-least", "提高到|提高至|提升到|提升至|增长到|增长至|增加到|增加至|扩大到|扩大至|"
                     "上升到|上升至|增至|达到|突破|超过|不低于|不少于|不小于|保持在|稳定在|"
                     "维持在|高于|多于|达|超|力争", ">="),
        # The verb split from 至 by what it changes: 压缩企业开办时间至3个工作日以内.
        ("reduce-object-to", rf"(?:压缩|缩短|降低|减少|压减|控制|下降)(?P<object>{_OBJECT})(?:至|到|在)", "<="),
        ("raise-object-to", rf"(?:提高|提升|增加|扩大|增长|上升)(?P<object>{_OBJECT})(?:至|到)", ">="),
        ("growth", "增长|增加|提高|提升|上升|增幅为?|增速为?", "growth"),
        ("decline", "下降|降低|减少|压减|削减|压缩|缩短|缩减", "decline"),
    )
)

# The characters each comparator's match ends with (before whitespace): a text before a number that ends
# otherwise needs none of its regexes (a test keeps this in step with COMPARATORS).
_COMPARATOR_ENDS: dict[str, str] = {
    "growth-on-last-year": "长加高升", "decline-on-last-year": "降低少", "at-most": "在过于到至",
    "at-least": "到至在破达过超于争", "reduce-object-to": "至到在", "raise-object-to": "至到",
    "growth": "长加高升幅为速", "decline": "降低少减缩短",
}
_COMPARATOR_LAST = frozenset("".join(_COMPARATOR_ENDS.values()))
# The comparators (in order) a text before a number may end with, by its last character.
_COMPARATORS_BY_LAST: dict[str, tuple[tuple[str, re.Pattern[str], str], ...]] = {
    last: tuple(row for row in COMPARATORS if last in _COMPARATOR_ENDS[row[0]]) for last in _COMPARATOR_LAST}

# Verbs that put the counted noun after the measure ("实施10项重大科技攻关项目"); also the only
# words that let a Chinese numeral start a target ("建成五个", but not "坚持两个毫不动摇").
COUNT_VERBS: tuple[str, ...] = (
    "新认定", "新培育", "新引进", "新开工", "引导带动", "新增", "新建", "净增", "认定", "培育", "引进",
    "带动", "建设", "建成", "建立", "组建", "举办", "实施", "开展", "组织", "选派", "集聚", "聚集", "培养",
    "培训", "推广", "转化", "完成", "打造", "创建", "设立", "成立", "制定", "出台", "修订", "发布", "签约",
    "招引", "吸引", "孵化", "扶持", "支持", "资助", "评选", "遴选", "开发", "研制", "研发", "改造", "整治",
    "推动", "开工", "竣工", "投产", "储备", "设计", "发放", "投入", "安排", "立项", "申报", "争创", "创成",
    "招收", "招聘", "接待", "帮扶", "走访", "召开", "承办", "主办", "引入", "投资", "新开", "开设", "开通",
    "布局", "部署", "攻克", "突破", "选树", "命名", "创作", "制作", "出版", "植树", "造林", "新招", "实现",
)
_VERB_ALTERNATION = "|".join(sorted(COUNT_VERBS, key=len, reverse=True))
_COUNT_VERB_RE = re.compile(_VERB_ALTERNATION)
_VERB_RUN_RE = re.compile(rf"(?:(?:{_VERB_ALTERNATION})(?:及|和|、|并|与)?)+$")
# What a verb run can end with: a verb's last character or a joining word. The run is searched only when
# the text ends so (the search tries every verb at every position: ~4 µs on a clause).
_VERB_RUN_LAST = frozenset(verb[-1] for verb in COUNT_VERBS) | frozenset("及和、并与")


def _verb_run(text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    """_VERB_RUN_RE.search(text, start, end), skipped when text[start:end] cannot end with a run."""
    end = len(text) if end is None else min(end, len(text))
    last = end - 1
    if last >= start and text[last] == "\n":
        last -= 1   # $ also matches before a final newline
    if last < start or text[last] not in _VERB_RUN_LAST:
        return None
    return _VERB_RUN_RE.search(text, start, end)

_ARABIC = r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
_CN = f"[{CN_NUMERAL_CHARS}]+"
_NUM = rf"{_ARABIC}|{_CN}"
_BASE_UNITS = "|".join(
    re.escape(r.unit) + (f"(?![{re.escape(r.not_before)}])" if r.not_before else "")
    for r in sorted(UNIT_TABLE, key=lambda r: len(r.unit), reverse=True)
)
_CLAUSE_END = r"[,，。;；:：、)\s!?！？]|以上|及以上|左右|$"
# What a number starts with.
NUMBER_FIRST_CHARS = rf"\d{CN_NUMERAL_CHARS}"
_NUMBER_FIRST = f"[{NUMBER_FIRST_CHARS}]"
# The look-ahead repeats what a number starts with: a position that cannot start one fails at once,
# before the two look-behinds are tried (half the time of the scan on plan text).
MEASURE_RE = re.compile(
    rf"(?={_NUMBER_FIRST})(?<![A-Za-z\d.+/#_\-~{CN_NUMERAL_CHARS}])(?<!\d[-~])"
    rf"(?P<num>{_NUM})(?:\s*(?P<rsep>[-~至到—])\s*(?P<num2>{_NUM}))?\s*(?P<approx>余|多)?\s*"
    rf"(?:(?P<mult>{'|'.join(MULTIPLIERS)})?(?P<unit>{_BASE_UNITS})|(?P<bare>万|亿)(?={_CLAUSE_END}))"
    r"(?P<suffix>\s*(?:及以上|以上|以内|以下|左右|上下|之内))?"
)
# A number in its context: its characters (digits, numerals, the comma and point of 1,000.5), then one that
# can follow the number of a measure (a space, a range's 至, 余 or 多, a multiplier's or a unit's first
# character). Every MEASURE_RE match starts with one; 一 in 进一步 or 统一, 十九 in 十九大 and 2018 in 2018年 do
# not, and a paragraph with only such numbers needs no measure scan (a test keeps this exact). The regex
# opens with a character class, so the search skips along in C to the characters a number starts with.
# (Public: the parser skips a paragraph with none of these, nor anything a deadline or a reference starts
# with, without calling the extractors.)
_MEASURE_NEXT_CHARS = "".join(sorted(
    {r.unit[0] for r in UNIT_TABLE} | {word[0] for word in MULTIPLIERS} | set("万亿余多-~至到—")))
MAY_HOLD_MEASURE_RE = re.compile(
    rf"{_NUMBER_FIRST}[\d{CN_NUMERAL_CHARS}.,]*(?:\s|[{re.escape(_MEASURE_NEXT_CHARS)}])")

@dataclass(frozen=True, slots=True)
class Exclusion:
    """A reason a number + unit is not a target. `before` is searched in the clause text before the
    number, `after` in the text after the measure; a row applies when every regex it has matches."""

    name: str
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None = None
    kinds: frozenset[str] | None = None  # unit kinds it applies to; None = all
    waived_by_comparator: bool = False   # "奖励资金达到5000万元" is a goal, "给予500万元奖励" a rule
    units: frozenset[str] | None = None  # units (without multiplier) it applies to; None = all


def _exclusion(name: str, before: str | None, after: str | None = None, kinds: tuple[str, ...] = (),
               waived_by_comparator: bool = False, units: tuple[str, ...] = ()) -> Exclusion:
    return Exclusion(name, re.compile(before) if before else None, re.compile(after) if after else None,
                     frozenset(kinds) or None, waived_by_comparator, frozenset(units) or None)


_MONEY_OR_RATE = ("rate", "money")
# A count of the plan's own contents (共23项, 提出20项具体措施, 从5个方面, 重点任务23项) says how the plan
# is organised, not what it is to achieve; read as a target it would belong to the indicator before it.
_MEASURE_ITEMS = ("项", "条", "个")
_MEASURE_NOUN = (r"^\s*(?:具体|重点|主要|工作|政策|改革|配套|保障|支持|务实|硬核|专项|创新)*"
                 r"(?:措施|举措|任务|方面|意见|条款|要点|工作任务|重点工作)")
_MEASURE_TOTAL = r"(?:^\s*(?:以上|上述)?\s*(?:共计?|合计|总计)|[(（]\s*(?:共计?|合计|总计)?)\s*$"
_MEASURE_HEAD = r"(?:措施|举措|任务|方面|重点工作|以下|如下)\s*(?:共计?|合计|总计|为|有|包括)?\s*$"
EXCLUSIONS: tuple[Exclusion, ...] = (
    _exclusion("ordinal: 第N届, 第一批", r"(?:第|首)\s*$"),
    _exclusion("label joined by +: 2+3产业布局", r"\+\s*$"),
    _exclusion("label joined by +: 5+22", None, r"^\s*\+"),
    _exclusion("attribute: 10亿元的企业, 30%的比例", None, r"^的"),
    _exclusion("locative: 在5个基层法庭", r"(?<!稳定|保持|控制|维持)在\s*$"),
    _exclusion("denominator: 每万人口, 每10万人", r"每\s*$"),
    _exclusion("baseline: 由10%提高到, 从3000家", r"(?:由|从)\s*$"),
    _exclusion("rank: 前10名", r"前\s*$", kinds=("count",)),
    _exclusion("policy name: 人才政策19条", r"(?:政策|措施|条例|新政)\s*$"),
    _exclusion("project phase: 二期工程", None, r"^(?:工程|项目)"),
    _exclusion("cap: 最高2000万元", r"最高(?:不超过)?\s*$"),
    _exclusion("ratio rule: 按照实际发生额的75%", r"(?:按照|依照|按)[^,，。;；]*的\s*$",
               kinds=_MONEY_OR_RATE),
    _exclusion("ratio rule: 按…比例", r"(?:按照|依照|按)", r"^(?:以上|以内|以下)?的?比例"),
    _exclusion("payment: 给予/奖励/补助 N万元", r"给予|奖励|补助|资助|补贴|奖补|贴息|一次性",
               kinds=_MONEY_OR_RATE, waived_by_comparator=True),
    _exclusion("payment: N万元一次性奖励", None, r"^(?:的)?(?:一次性)?(?:奖励|补助|资助|补贴|奖补|贴息)",
               kinds=("money",), waived_by_comparator=True),
    _exclusion("plan contents: 20项具体措施, 5个方面, 8项任务", None, _MEASURE_NOUN, units=_MEASURE_ITEMS),
    _exclusion("plan contents: 共23项, （5项）", _MEASURE_TOTAL, units=_MEASURE_ITEMS[:2]),
    _exclusion("plan contents: 重点任务共23项, 以下10条", _MEASURE_HEAD, units=_MEASURE_ITEMS[:2]),
)

# A newline is not a boundary: inside one paragraph it is a line wrap (PDF, pasted text), and a goal
# wrapped as "比重达到\n2.4%" must still see its comparator and year.
_BOUNDARY = ",，。;；:：!?！？"
# (Searched in halfwidth() text, where ！ and ？ are ! and ?.)
_SENTENCE_END = "。!?"
_LABEL_RE = re.compile(
    r"^\s*(?:\(\s*[0-9一二三四五六七八九十]{1,3}\s*\)|[0-9]{1,3}\s*[.、](?!\d{1,2}(?:\D|$))|"
    r"[一二三四五六七八九十]{1,3}\s*[、.]|[①-⑳])"
)
_QUOTE_RE = re.compile(r"“[^”\n]{0,80}”|「[^」\n]{0,80}」|‘[^’\n]{0,80}’|\"[^\"\n]{0,80}\"|『[^』\n]{0,80}』")
_YEAR_RE = re.compile(
    r"(?=[12〇零○一二])(?<![\d\-~比较与同])(?P<y>(?:19|20)\d{2}|[〇零○一二][〇零○一二三四五六七八九]{3})\s*年"
    # not a baseline (2017年基础上, 2015年以来) or a description (2000年以前建成的小区)
    r"(?!\s*(?:基础上|以来|以后|(?:以前|之前|前)?[^,，。;；\d]{0,3}的))"
)
_LEADING_NOISE_RE = re.compile(  # used with .match(pos): no "^", which would not anchor at pos
    r"(?:\s+|[、和及与并且]|以及|同时|其中|另外"
    r"|(?:到|至|截至|截止到?|在)?(?:(?:19|20)\d{2}|[〇零○一二][〇零○一二三四五六七八九]{3})\s*年(?:年底|年末|底|末)?(?:前|内|度)?"
    # 年度/年内 only restate the plan year, which `year` carries; 全市 is kept because it is the
    # scope of the count (全市 vs 园区内 高新技术企业 are different indicators).
    r"|年度内?|年内|今年|本年度?"
    r"|力争|确保|争取|努力|推动|促进|预计|实现|使|将|把|对于|针对|对)"
)
_TRAILING_NOISE_RE = re.compile(r"(?:\s+|为|是|共|总计|合计|数量为|原则上|全部|基本|必须|须|应|要|将)+$")
# A comparator separated from the number by the reference it is a share of: 不超过国家规定时限的40%.
_REFERENCE_GAP_RE = re.compile(r"[^,，。;；:：!?！？\d]{1,15}的\s*")
_NOUN_STOP = re.compile(
    r"[,，。;；:：!?！？(（]|\.(?!\d)|等|[和及与、并](?=\s*[\d" + CN_NUMERAL_CHARS + "])"
)
_QUOTE_PAIRS = (("“", "”"), ("「", "」"), ("『", "』"), ('"', '"'))
_BASELINE_ONLY_RE = re.compile(r"(?:由|从)\s*[\d.,]+\s*\S{0,4}")
_MAX_INDICATOR = 60
# Look-back limits that keep hostile input (100k characters without punctuation) linear.
_MAX_CLAUSE = 200
_COMPARATOR_TAIL = 32
_NO_END = 1 << 62
_MAX_SENTENCE = 600

# Basis words, searched in the target's clause up to the number and the counted noun after it. A
# stock word wins over an increment word: 累计培育500家 and 累计新增 are totals over the period.
_CUMULATIVE_RE = re.compile(r"累计")
_LEVEL_WORDS_RE = re.compile(r"总数|总量|总规模|规模达|拥有量|保有量|共有")
# 培育/引进 are increments as verbs (培育龙头企业10家), not inside a name (专利培育示范中心, 人才引进计划).
_INCREMENT_WORDS_RE = re.compile(
    r"新增|新建|新培育|新引进|新认定|新开|新创建|新设立|新组建|新注册|新登记|新落户|新签约|新获批|新入驻"
    r"|新招|新上|净增|(?:培育|引进|招引|引入)(?!库|对象|示范|基地|中心|计划|工程|体系|名单|机制|工作)"
)
# A comparator that sets the indicator's value (达到, 突破, 不低于, 控制在, 提高到) says "level" only when
# an indicator stands before it: "突破10项关键技术" and "达到100家" name no stock.
_LEVEL_COMPARATORS = frozenset({"at-most", "at-least", "reduce-object-to", "raise-object-to"})
_SUBSET_RE = re.compile(r"\s*[,，;；]\s*其中")
_LIST_OR_CLAUSE_BREAK = re.compile(r"[,，。;；:：!?！？、和及与并]")
_WRAP_RE = re.compile(r"\s*\n\s*")


@dataclass(slots=True)
class _Measure:
    match: re.Match[str]
    value: float
    value_max: float | None
    unit: str
    rule: UnitRule | None  # None for a bare 万/亿
    is_cn: bool

    @property
    def start(self) -> int:
        return self.match.start()

    @property
    def end(self) -> int:
        return self.match.end()


def find_targets(text: str, *, default_year: int | None = None) -> list[Target]:
    """The quantitative targets of one paragraph, in text order."""
    # The label and the pre-check read halfwidth() text: neither tells its comma from the full-width
    # one that _prepare() keeps, so a paragraph without a number skips the re-joining of its commas.
    half = halfwidth(text)
    label_end = m.end() if (m := _LABEL_RE.match(half)) else 0
    if not MAY_HOLD_MEASURE_RE.search(half, label_end):
        return []
    norm = _prepare(text)
    measures = [ms for m in MEASURE_RE.finditer(norm, label_end) if (ms := _measure(m)) is not None]
    if not measures:
        return []   # most paragraphs state no number: no need to find their quotations and titles
    masked: list[Span] | None = None

    targets: list[Target] = []
    floor = label_end  # an indicator never reaches back over the previous target
    for i, ms in enumerate(measures):
        clause_start = _clause_start(norm, ms.start, max(floor, ms.start - _MAX_CLAUSE))
        before = norm[clause_start:ms.start]
        after = norm[ms.end:ms.end + 12]
        comparator = _comparator(before)
        if _excluded(ms, before, after, comparator is not None):
            continue
        if _is_attribute(norm, ms, measures[i + 1] if i + 1 < len(measures) else None, before, comparator):
            continue
        if masked is None:   # looked for once a measure is no exclusion: a quotation or title may hide it
            masked = _masked_spans(text, norm)
        if _inside(masked, ms.start):
            continue
        next_start = measures[i + 1].start if i + 1 < len(measures) else len(norm)
        target = _build(text, norm, ms, clause_start, comparator, default_year, masked, next_start)
        if target.basis is None and comparator is None and targets and targets[-1].basis != "rate" and (
                clause_start == floor or _SUBSET_RE.match(norm, floor, ms.start)):
            # 新增国家级平台2家、省级平台10家: a verb before a list counts every member of it;
            # 新增研发机构100家，其中省级以上30家: a part is counted like its whole.
            target.basis = targets[-1].basis
        targets.append(target)
        floor = target.span[1] if target.span else ms.end
    return targets


def _prepare(text: str) -> str:
    """halfwidth(), except that the full-width comma stays: it never groups thousands (20件，100项)."""
    norm = halfwidth(text)
    if "，" not in text:
        return norm
    # halfwidth() maps character for character: the text between the commas keeps its place.
    pieces: list[str] = []
    pos = 0
    for part in text.split("，"):
        pieces.append(norm[pos:pos + len(part)])
        pos += len(part) + 1
    return "，".join(pieces)


def _masked_spans(text: str, norm: str) -> list[Span]:
    """Quotations, 《titles》 and 文号, sorted and merged: numbers inside them are names, not targets."""
    spans = [m.span() for m in _QUOTE_RE.finditer(norm)]
    spans.extend(find_title_spans(text))
    spans.extend(span for _, span in find_doc_numbers(text))
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inside(spans: list[Span], pos: int) -> bool:
    """Whether `pos` falls in one of the sorted, disjoint `spans`."""
    i = bisect.bisect_right(spans, (pos, _NO_END)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def _measure(m: re.Match[str]) -> _Measure | None:
    num, num2, unit, mult = m.group("num"), m.group("num2"), m.group("unit"), m.group("mult") or ""
    is_cn = not num[0].isdigit()
    if m.group("bare"):
        mult, unit = m.group("bare"), ""
    elif is_cn and num[-1] in "万亿" and len(num) > 1 and not mult:
        num, mult = num[:-1], num[-1]  # 三千万元 -> 3000 万元, like 3000万元
    if num2 and not num2[0].isdigit() and num2[-1] in "万亿" and len(num2) > 1 and not mult:
        num2, mult = num2[:-1], num2[-1]
    value = parse_number(num)
    value_max = parse_number(num2) if num2 else None
    if value is None or (num2 and value_max is None):
        return None
    if value_max is not None and value_max <= value:
        return None  # 2017-2018 style pairs or nonsense ranges, not "2-3家"
    rule = _UNITS_BY_NAME.get(unit) if unit else None
    return _Measure(m, value, value_max, mult + unit, rule, is_cn)


def _clause_start(norm: str, pos: int, floor: int) -> int:
    """Index just after the last clause boundary before `pos` (a comma between digits is not one),
    never before `floor`."""
    i = pos - 1
    while i >= floor:
        ch = norm[i]
        if ch in _BOUNDARY and not (ch == "," and 0 < i < len(norm) - 1
                                    and norm[i - 1].isdigit() and norm[i + 1].isdigit()):
            return i + 1
        if ch == "." and not (0 < i < len(norm) - 1 and norm[i - 1].isdigit() and norm[i + 1].isdigit()):
            return i + 1
        i -= 1
    return max(floor, 0)


@dataclass(frozen=True, slots=True)
class _Comparator:
    name: str
    op: str
    start: int  # within the clause text before the number
    object_span: Span | None = None  # the changed quantity inside a split comparator (压缩X至)


def _comparator(before: str) -> _Comparator | None:
    """The comparator right before the number, or one separated from it by "…的" (不超过国家规定时限的40%)."""
    stripped = before.rstrip()
    if stripped and stripped[-1] in _COMPARATOR_LAST:
        tail_start = max(0, len(before) - _COMPARATOR_TAIL)
        for name, regex, op in _COMPARATORS_BY_LAST[stripped[-1]]:
            m = regex.search(before, tail_start)
            if m:
                return _Comparator(name, op, m.start(), m.span("object") if "object" in regex.groupindex else None)
    if not stripped.endswith("的"):
        return None
    for cut in range(len(before) - 2, max(len(before) - 18, 0), -1):
        if _REFERENCE_GAP_RE.fullmatch(before, cut):
            for name, regex, op in COMPARATORS:
                m = regex.search(before, 0, cut)
                if m and op in (">=", "<=") and "object" not in regex.groupindex:
                    return _Comparator(name, op, m.start())
    return None


def _excluded(ms: _Measure, before: str, after: str, has_comparator: bool) -> bool:
    kind = ms.rule.kind if ms.rule else "count"
    upper_bound = (ms.match.group("suffix") or "").strip() in ("以内", "以下", "之内")
    if ms.rule is not None and ms.rule.needs_comparator and not has_comparator and not upper_bound:
        return True  # "24小时服务" is a service, "3个工作日以内" a time limit
    if ms.is_cn:
        if not has_comparator and not _COUNT_VERB_RE.search(before):
            return True  # 坚持两个毫不动摇, 四个着力: slogans, not counts
        if ms.value == 1 and ms.unit in ("批", "次"):
            return True  # 一批 = "a number of", (开展)一次 = "once": not quantities
        if ms.match.group("num")[0] in "零〇○":
            return True  # 零部件, 零售, 零容忍: words, not the number 0
    rules = _rules_for(kind, ms.rule.unit if ms.rule else None, has_comparator)
    # A rule anchored at the number ("第N", "最高N") only needs the last few characters.
    tail = max(0, len(before) - _COMPARATOR_TAIL)
    if rules.before_anywhere is not None and rules.before_anywhere.search(before):
        return True
    if rules.before_at_number is not None and rules.before_at_number.search(before, tail):
        return True
    if rules.after is not None and rules.after.search(after):
        return True
    for before_re, anchored, after_re in rules.both:
        if before_re.search(before, tail if anchored else 0) and after_re.search(after):
            return True
    return False


@dataclass(frozen=True, slots=True)
class _Rules:
    """The EXCLUSIONS rows that apply to one kind of measure, in as few scans as they allow: the rows
    with a regex on one side only are joined into one alternation per side (a measure is excluded when
    any row matches, and an alternation matches where any of its branches does); the rows with a regex
    on both sides stay pairs."""

    before_anywhere: re.Pattern[str] | None  # rows with only a `before`, searched in the whole clause
    before_at_number: re.Pattern[str] | None  # rows with only a `before` anchored at the number ($)
    after: re.Pattern[str] | None  # rows with only an `after`
    both: tuple[tuple[re.Pattern[str], bool, re.Pattern[str]], ...]  # (before, anchored, after)


_RULES_BY_MEASURE: dict[tuple[str, str | None, bool], _Rules] = {}


def _any_of(regexes: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One regex that matches where any of `regexes` does (they have no groups, flags or references)."""
    if len(regexes) < 2:
        return regexes[0] if regexes else None
    return re.compile("|".join(f"(?:{rx.pattern})" for rx in regexes))


def _rules_for(kind: str, unit: str | None, has_comparator: bool) -> _Rules:
    """The EXCLUSIONS rows that apply to a measure of this kind and unit (without multiplier), with or
    without a comparator. One entry per kind, unit and comparator flag (a few hundred at most)."""
    key = (kind, unit, has_comparator)
    found = _RULES_BY_MEASURE.get(key)
    if found is None:
        rows = [rule for rule in EXCLUSIONS
                if (rule.kinds is None or kind in rule.kinds)
                and (rule.units is None or (unit is not None and unit in rule.units))
                and not (rule.waived_by_comparator and has_comparator)]
        before_only = [rule.before for rule in rows if rule.before is not None and rule.after is None]
        found = _RULES_BY_MEASURE[key] = _Rules(
            _any_of([rx for rx in before_only if not rx.pattern.endswith("$")]),
            _any_of([rx for rx in before_only if rx.pattern.endswith("$")]),
            _any_of([rule.after for rule in rows if rule.before is None and rule.after is not None]),
            tuple((rule.before, rule.before.pattern.endswith("$"), rule.after) for rule in rows
                  if rule.before is not None and rule.after is not None))
    return found


def _is_attribute(norm: str, ms: _Measure, nxt: _Measure | None, before: str,
                  comparator: _Comparator | None) -> bool:
    """A measure qualifying the noun that a second measure counts: 年销售收入5亿元以上企业10家."""
    if nxt is None or comparator is not None or _verb_run(before.rstrip()):
        return False
    between = norm[ms.end:nxt.start]
    return bool(between) and not _LIST_OR_CLAUSE_BREAK.search(between)


def _build(text: str, norm: str, ms: _Measure, clause_start: int, comparator: _Comparator | None,
           default_year: int | None, masked: list[Span], next_start: int) -> Target:
    op, value, value_max = _read_op(ms, comparator)
    comparator_start = clause_start + comparator.start if comparator else ms.start
    phrase_start, phrase_end = _indicator_before(norm, clause_start, comparator_start)
    indicator_span: Span | None = (phrase_start, phrase_end) if phrase_end > phrase_start else None
    text_start, text_end = (phrase_start if indicator_span else comparator_start), ms.end
    if comparator is not None and comparator.object_span is not None and indicator_span is None:
        indicator_span = (clause_start + comparator.object_span[0], clause_start + comparator.object_span[1])
    verbs = _verb_run(norm, phrase_start, phrase_end) if indicator_span else None
    if comparator is None and (indicator_span is None or verbs is not None):
        noun = _noun_after(norm, ms.end, next_start)   # the counted noun ends where the next number starts
        if noun is not None:  # 实施10项重大科技攻关项目: the counted noun follows the measure
            indicator_span = noun
            text_start = verbs.start() if verbs is not None else ms.start
            text_end = noun[1]
    indicator = None
    if indicator_span:  # a wrapped line inside the phrase is not part of the name
        indicator = _unquote(_WRAP_RE.sub("", text[indicator_span[0]:indicator_span[1]]).strip())
    basis = _basis(norm[min(clause_start, text_start):max(ms.end, text_end)], ms, comparator,
                   stock_named=phrase_end > phrase_start
                   or (comparator is not None and comparator.object_span is not None))
    return Target(
        text=text[text_start:text_end], indicator=indicator or None, value=value, unit=ms.unit, op=op,
        year=_year_before(norm, ms.start, masked) or default_year, value_max=value_max,
        span=(text_start, text_end), basis=basis,
    )


def _basis(wording: str, ms: _Measure, comparator: _Comparator | None, stock_named: bool) -> Basis | None:
    """Increment, level or rate, from the target's own wording; None when it does not say.

    In order: a percentage, per-mille, 个百分点 or 倍 is a rate (增长15%, 比重达到2.5%, 率不低于80%); a
    decline in a count or amount (减少200户) is left unsaid; 累计 is a level, a total over the period
    (累计培育500家); growth in a count or amount is an increment (比上年增加500家, 总量增加10万吨); a stock
    word is a level (总数, 拥有量, 保有量); an increment word is an increment (新增, 新建, 培育, 引进); a
    comparator that sets a named indicator's value is a level (高新技术企业达到1000家).
    """
    op = comparator.op if comparator is not None else None
    if ms.rule is not None and ms.rule.kind == "rate":
        return "rate"
    if op == "decline":
        return None
    if _CUMULATIVE_RE.search(wording):
        return "level"
    if op == "growth":
        return "increment"
    if _LEVEL_WORDS_RE.search(wording):
        return "level"
    if _INCREMENT_WORDS_RE.search(wording):
        return "increment"
    return "level" if comparator is not None and comparator.name in _LEVEL_COMPARATORS and stock_named else None


def _read_op(ms: _Measure, comparator: _Comparator | None) -> tuple[Op, float, float | None]:
    """The comparison, from the comparator and the qualifier after the unit (以上/以内/左右)."""
    value, value_max = ms.value, ms.value_max
    suffix = (ms.match.group("suffix") or "").strip()
    comp_op = comparator.op if comparator else None
    if comp_op in ("growth", "decline") and ms.unit in RATE_UNITS:
        if comp_op == "decline":  # 下降3% = a growth rate of -3; 下降2-3% = [-3, -2]
            value, value_max = (-value_max, -value) if value_max is not None else (-value, None)
        return "growth", value, value_max
    if suffix in ("以内", "以下", "之内"):
        return "<=", value, value_max
    if suffix in ("以上", "及以上"):
        return ">=", value, value_max
    if comp_op == ">=":
        return ">=", value, value_max
    if comp_op == "<=":
        return "<=", value, value_max
    if suffix in ("左右", "上下") or ms.match.group("approx"):
        return ">=", value, value_max
    return "=", value, value_max


def _indicator_before(norm: str, clause_start: int, end: int) -> Span:
    """The indicator phrase between the clause start and the comparator, without fillers."""
    start = _skip_leading_noise(norm, clause_start, end)
    if _BASELINE_ONLY_RE.fullmatch(norm, start, end):
        return end, end  # "由10%提高到15%": the words before the comparator are only a baseline
    trailing = _TRAILING_NOISE_RE.search(norm, start, end)
    if trailing and trailing.start() > start:
        end = trailing.start()
    return max(start, end - _MAX_INDICATOR), end


def _unquote(phrase: str) -> str:
    """"“星创天地”" -> "星创天地"; a phrase that merely contains a quotation keeps it."""
    for open_mark, close_mark in _QUOTE_PAIRS:
        if len(phrase) > 2 and phrase[0] == open_mark and phrase[-1] == close_mark \
                and open_mark not in phrase[1:-1] and close_mark not in phrase[1:-1]:
            return phrase[1:-1]
    return phrase


def _skip_leading_noise(norm: str, start: int, end: int) -> int:
    """Move past conjunctions, year phrases and fillers at the start of an indicator phrase."""
    pos = start
    while pos < end:
        m = _LEADING_NOISE_RE.match(norm, pos, end)
        if not m or m.end() == pos:
            break
        pos = m.end()
    return pos


def _noun_after(norm: str, start: int, limit: int) -> Span | None:
    """The counted noun after a measure: from `start` to the next boundary, conjunction or number."""
    window_end = min(len(norm), start + _MAX_INDICATOR)
    stop = _NOUN_STOP.search(norm, start, min(len(norm), window_end + 2))  # lookahead sees past the window
    end = min(stop.start() if stop else window_end, limit, window_end)
    while end > start and norm[end - 1].isspace():
        end -= 1
    return (start, end) if end - start >= 2 else None


def _year_before(norm: str, pos: int, masked: list[Span]) -> int | None:
    """The last year named earlier in the same sentence (2018年, 到2018年, 二〇一八年), outside titles."""
    window_start = max(0, pos - _MAX_SENTENCE)
    if norm.find("年", window_start, pos) < 0:
        return None   # every year is written with 年: most targets name none before them
    sentence_start = max([norm.rfind(ch, window_start, pos) for ch in _SENTENCE_END]) + 1
    year: int | None = None
    for m in _YEAR_RE.finditer(norm, max(sentence_start, window_start), pos):
        if _inside(masked, m.start()):
            continue
        found = cn_digit_year(m.group("y"))
        if found is not None and 1900 <= found <= 2100:
            year = found
    return year
