"""Quantitative targets: value, unit, comparator, range, year, indicator and basis, and what is not a target."""

from __future__ import annotations

from pathlib import Path

import pytest

from luoshi.plandoc.model import Target
from luoshi.plandoc.targets import find_targets

SEED = Path(__file__).resolve().parents[2] / "src/luoshi/plandoc/data/dalian-2018-innovation-workplan.txt"


def _seed_line(start: str) -> str:
    return next(line for line in SEED.read_text(encoding="utf-8").splitlines() if line.startswith(start))


def _facts(targets: list[Target]) -> list[tuple[str | None, str, float, float | None, str, int | None]]:
    return [(t.indicator, t.op, t.value, t.value_max, t.unit, t.year) for t in targets]


def test_it_reads_exactly_the_five_main_goals_of_the_dalian_plan() -> None:
    text = _seed_line("到2018年,自主创新能力显著增强")
    assert _facts(find_targets(text)) == [
        ("全社会研究与试验发展(R&D)经费支出占地区生产总值(GDP)比重", ">=", 2.4, None, "%", 2018),
        ("高新技术产品增加值", "growth", 15, None, "%", 2018),
        ("技术交易额", ">=", 150, None, "亿元", 2018),
        ("每万人口发明专利拥有量", ">=", 18, None, "件", 2018),
        ("科技进步贡献率", ">=", 58, None, "%", 2018),
    ]


def test_it_returns_the_target_clause_as_text_with_a_span_into_the_input() -> None:
    text = _seed_line("到2018年,自主创新能力显著增强")
    targets = find_targets(text)
    assert [t.text for t in targets][1:3] == ["高新技术产品增加值增长15%", "技术交易额达到150亿元"]
    for t in targets:
        assert t.span is not None and text[t.span[0]:t.span[1]] == t.text


@pytest.mark.parametrize(("start", "expected"), [
    ("(1)开展科技型中小企业评价", [("新增初创科技企业", "=", 3000, None, "家", 2018)]),
    ("(1)开展高企申报政策培训", [("全市高新技术企业", ">=", 1000, None, "家", 2018)]),
    ("(1)在人工智能、海洋经济、装备制造等领域实施10项", [
        ("重大科技攻关项目", "=", 10, None, "项", 2017), ("重点技术研发项目", "=", 100, None, "项", 2017)]),
    ("(2)支持我市小微企业“小升规”", [("净增规上工业企业", "=", 75, None, "家", 2017)]),
    ("(2)强化企业四级孵化体系建设", [("年创业团队", ">=", 120, None, "个", 2017)]),
    ("31.全市企业研发投入", [
        ("全市企业研发投入占全社会研发投入比例", ">=", 72, None, "%", 2017),
        ("高新技术产品增加值", "growth", 15, None, "%", 2017)]),
    ("34.优化国企考核评价制度", [("发明专利申请量", "growth", 10, None, "%", 2017)]),
    ("(2)推进科技创业导师行动计划", [("科技创业导师和创业辅导师队伍", ">=", 300, None, "名", 2017)]),
    ("(1)2018年,全市国家级科技企业孵化器", [
        ("全市国家级科技企业孵化器", ">=", 12, None, "家", 2018),
        ("市级以上备案众创空间", ">=", 65, None, "家", 2018)]),
    ("46.2018年,新增市级以上研发机构", [("新增市级以上研发机构以及创新平台", "=", 60, None, "家", 2018)]),
    ("(1)新增市级以上工程技术研究中心", [
        ("新增市级以上工程技术研究中心、重点实验室、产业技术创新平台等", "=", 30, None, "家", 2017)]),
    ("70.制定出台市“星创天地”", [("星创天地", "=", 5, None, "家", 2018), ("科技特派团", "=", 5, None, "个", 2018)]),
    ("(2)举办第十六届软交会", [("会议论坛", ">=", 40, None, "场", 2017)]),
    ("(1)对经新认定及通过评估的国家级国际科技合作基地给予补助。2018年", [
        ("国家级国际科技合作基地", ">=", 20, None, "家", 2018)]),
    ("(1)制定实施细则,支持引导区市县", [("引进高水平研发机构", "=", 3, None, "家", 2018)]),
    ("(2)明确法官工作站与社区", [("法官工作站", "=", 5, None, "个", 2018)]),
    ("94.进一步深化行政审批制度改革", [("行政审批事项办结时限", "<=", 40, None, "%", 2017)]),
])
def test_it_reads_the_targets_of_dalian_task_items(
        start: str, expected: list[tuple[str, str, float, float | None, str, int]]) -> None:
    assert _facts(find_targets(_seed_line(start), default_year=2017)) == expected


def test_it_reads_ranges_in_every_spelling() -> None:
    text = _seed_line("(1)吸引、培育及孵化2-3家")
    [target] = find_targets(text)
    assert (target.value, target.value_max, target.unit, target.op) == (2, 3, "家", "=")
    assert target.text.startswith("吸引、培育及孵化2-3家国内外先进装备制造")
    for spelling in ("培育2～3家龙头企业", "培育2至3家龙头企业", "培育2到3家龙头企业", "培育两到三家龙头企业",
                     "培育２－３家龙头企业"):
        assert _facts(find_targets(spelling)) == [("龙头企业", "=", 2, 3, "家", None)], spelling


def test_it_keeps_a_multiplier_in_the_unit() -> None:
    text = _seed_line("(1)研究制定人才政策、实施重点人才项目")
    assert _facts(find_targets(text)) == [
        ("计划立项支持各类市级引智项目", "=", 110, None, "项", 2018),
        ("投入市级引智专项资金", "=", 3500, None, "万元", 2018),
        ("引进海外优秀项目专家", "=", 1000, None, "人次", 2018),
    ]
    science = find_targets(_seed_line("(2)大力推进科普信息化建设"))
    assert [(t.value, t.unit) for t in science] == [(10, "所"), (10000, "场"), (62, "万人次"), (12, "%")]
    assert [(t.value, t.unit) for t in find_targets("新增城镇就业1.5万人,新增三千万元投资")] == [
        (1.5, "万人"), (3000, "万元")]


def test_it_takes_the_year_from_its_own_sentence_only() -> None:
    text = _seed_line("(3)完善直接融资政策引导体系")
    years = [(t.value, t.unit, t.year) for t in find_targets(text, default_year=2017)]
    assert years == [(50, "家", 2018), (50, "亿元", 2018), (50, "家", 2018),
                     (5, "%", 2017), (83, "亿元", 2017), (200, "件", 2017), (70, "%", 2017)]


@pytest.mark.parametrize(("text", "expected"), [
    ("2019年全省主要预期目标：地区生产总值增长6.5%左右，城镇登记失业率控制在4.5%以内，单位GDP能耗下降3%。", [
        ("地区生产总值", "growth", 6.5, None, "%", 2019), ("城镇登记失业率", "<=", 4.5, None, "%", 2019),
        ("单位GDP能耗", "growth", -3, None, "%", 2019)]),
    ("城镇新增就业50万人以上，居民人均可支配收入年均增长7%", [
        ("城镇新增就业", ">=", 50, None, "万人", None), ("居民人均可支配收入", "growth", 7, None, "%", None)]),
    ("到2020年，全国PM2.5平均浓度下降到35微克/立方米以下，培育100家左右示范企业。", [
        ("全国PM2.5平均浓度", "<=", 35, None, "微克/立方米", 2020), ("示范企业", ">=", 100, None, "家", 2020)]),
    ("新建农村公路30公里，改造农村危房200户，完成植树造林5000亩", [
        ("新建农村公路", "=", 30, None, "公里", None), ("改造农村危房", "=", 200, None, "户", None),
        ("完成植树造林", "=", 5000, None, "亩", None)]),
    ("工程建设项目审批时间压缩至120个工作日以内，提供24小时服务。", [
        ("工程建设项目审批时间", "<=", 120, None, "个工作日", None)]),
    ("二〇一八年，建成五个示范基地，引进两名院士", [
        ("示范基地", "=", 5, None, "个", 2018), ("院士", "=", 2, None, "名", 2018)]),
    ("研发经费投入强度比上年提高0.3个百分点", [("研发经费投入强度", "growth", 0.3, None, "个百分点", None)]),
    ("由10%提高到15%", [(None, ">=", 15, None, "%", None)]),
    ("每10万人口拥有执业医师数达到25人", [("每10万人口拥有执业医师数", ">=", 25, None, "人", None)]),
    ("培育年销售收入5亿元以上企业10家", [("培育年销售收入5亿元以上企业", "=", 10, None, "家", None)]),
    ("奖励资金达到5000万元", [("奖励资金", ">=", 5000, None, "万元", None)]),
    ("新增企业1,200家，增加20件，100项", [
        ("新增企业", "=", 1200, None, "家", None), (None, "=", 20, None, "件", None),
        (None, "=", 100, None, "项", None)]),
    ("５Ｇ基站建设１０００个", [("５Ｇ基站建设", "=", 1000, None, "个", None)]),
])
def test_it_reads_targets_of_other_plans(
        text: str, expected: list[tuple[str | None, str, float, float | None, str, int | None]]) -> None:
    assert _facts(find_targets(text)) == expected


def test_it_reads_a_goal_wrapped_over_several_lines() -> None:
    text = ("到2019年底，全社会研究与试验发展经费支出占地区生产总值比重达到\n2.4%，"
            "高新技术产业产值占规模以上工业总产值比重提高到\n45%，技术合同成交额增长\n15%。")
    assert _facts(find_targets(text)) == [
        ("全社会研究与试验发展经费支出占地区生产总值比重", ">=", 2.4, None, "%", 2019),
        ("高新技术产业产值占规模以上工业总产值比重", ">=", 45, None, "%", 2019),
        ("技术合同成交额", "growth", 15, None, "%", 2019),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("生活污水治理率不低于40%", ("生活污水治理率", ">=", 40, None, "%", None)),
    ("每年安排专项资金不少于3000万元", ("每年安排专项资金", ">=", 3000, None, "万元", None)),
    ("贫困发生率低于2%", ("贫困发生率", "<=", 2, None, "%", None)),
    ("压缩企业开办时间至3个工作日以内", ("企业开办时间", "<=", 3, None, "个工作日", None)),
    ("将审批时间压缩至100个工作日", ("审批时间", "<=", 100, None, "个工作日", None)),
    ("一般工商业电价平均降低10%", ("一般工商业电价", "growth", -10, None, "%", None)),
    ("能耗下降2-3%", ("能耗", "growth", -3, -2, "%", None)),
    ("诉求3个工作日以内办结", ("诉求", "<=", 3, None, "个工作日", None)),
    ("实现通关时间压缩50%", ("通关时间", "growth", -50, None, "%", None)),
    ("对106项涉企行政审批事项实施分类管理", ("涉企行政审批事项实施分类管理", "=", 106, None, "项", None)),
])
def test_it_reads_each_comparator_form(
        text: str, expected: tuple[str, str, float, float | None, str, int | None]) -> None:
    assert _facts(find_targets(text)) == [expected]


@pytest.mark.parametrize("text", [
    "2018年5月16日,6月30日前,2017-2019年,2017-2018年度奖励资金",       # dates and years
    "根据大政办发〔2017〕119号和国发〔2015〕36号文件",                    # document numbers
    "全面贯彻党的十九大精神,举办第十六届创业就业博览会和第七届中国创新创业大赛",
    "推动企业研发三代、四代核电关键设备",
    "通过实施“众创十二条”,实施“三年行动计划”,落实“5+22”等人才政策",
    "努力形成“一市场、一平台、两会、多机构”的技术交易服务总体格局",
    "完成《大连国家自主创新示范区三年行动计划(2017-2019年)》2018年各项指标任务",
    "逐步落实人才政策19条", "围绕2+3产业布局,开展招商引资",
    "突破一批关键技术,形成一系列成果,研制一批产品,生产一代、储备一代,构建六位一体的平台",
    "给予最高2000万元的补助", "按照不超过其研发设备投入额30%的比例,给予补助",
    "再按照实际发生额的75%在税前加计扣除;形成无形资产的,按照无形资产成本的175%在税前摊销",
    "对认定的企业给予50万元奖励,一次性奖励10万元",
    "培育第一批示范企业,继续开展“首台套”政策",
    "坚持两个毫不动摇,进入全国前10名,实现在5个基层法庭",
    "3个月内完成,PM2.5浓度,V2.0版本,ISO9001认证",
    "提供24小时服务,开展3天培训,五位一体",
    "每月开展一次暗访督查,每半年至少组织一次演练,引进核心零部件项目",
    "对新认定的国家级企业技术中心给予\n500万元一次性奖励。",
    "", "   ", "。。。", "达到", "100", "%", "家",
])
def test_it_finds_no_target_in_names_dates_quotes_and_policy_parameters(text: str) -> None:
    assert find_targets(text, default_year=2018) == []


@pytest.mark.parametrize(("text", "expected"), [
    # increment: the value is added within the period
    ("新增高新技术企业300家", [("新增高新技术企业", "increment")]),
    ("2018年新增初创科技企业3000家", [("新增初创科技企业", "increment")]),
    ("新建城镇污水管网60公里以上", [("新建城镇污水管网", "increment")]),
    ("新认定省级专精特新企业50家", [("新认定省级专精特新企业", "increment")]),
    ("新开工重大项目30个", [("新开工重大项目", "increment")]),
    ("新创建国家级孵化器2家", [("新创建国家级孵化器", "increment")]),
    ("引进高层次人才200名", [("引进高层次人才", "increment")]),
    ("培育100家左右示范企业", [("示范企业", "increment")]),
    ("净增规上工业企业75家", [("净增规上工业企业", "increment")]),
    ("新增就业达到10万人", [("新增就业", "increment")]),
    ("规模以上工业企业数量比上年增加500家", [("规模以上工业企业数量", "increment")]),
    ("民用汽车保有量增加10万辆", [("民用汽车保有量", "increment")]),
    ("新增国家级研发平台2家、省级研发平台10家", [
        ("新增国家级研发平台", "increment"), ("省级研发平台", "increment")]),
    ("新增市级以上研发机构100家，其中省级以上30家", [
        ("新增市级以上研发机构", "increment"), ("省级以上", "increment")]),
    # level: the value is the indicator's own value, a stock or a cumulative total
    ("高新技术企业总数达到1000家", [("高新技术企业总数", "level")]),
    ("每万人发明专利拥有量达到18件", [("每万人发明专利拥有量", "level")]),
    ("累计培育科技型中小企业500家", [("累计培育科技型中小企业", "level")]),
    ("累计新增城镇就业10万人", [("累计新增城镇就业", "level")]),
    ("全市民用汽车保有量突破300万辆", [("全市民用汽车保有量", "level")]),
    ("全市高新技术企业超过1000家", [("全市高新技术企业", "level")]),
    ("技术合同成交额达到150亿元", [("技术合同成交额", "level")]),
    ("新能源汽车产量达到10万辆", [("新能源汽车产量", "level")]),
    ("全年交通事故死亡人数控制在300人以内", [("全年交通事故死亡人数", "level")]),
    ("压缩企业开办时间至3个工作日以内", [("企业开办时间", "level")]),
    ("高新技术企业培育库入库企业达到500家", [("高新技术企业培育库入库企业", "level")]),
    ("全市新增高新技术企业300家，累计达到1500家", [("全市新增高新技术企业", "increment"), (None, "level")]),
    # rate: a percentage, per-mille, 个百分点 or 倍, even after 达到 or 新增
    ("研发投入占GDP比重达到2.5%", [("研发投入占GDP比重", "rate")]),
    ("技术合同成交额年均增长15%", [("技术合同成交额", "rate")]),
    ("城镇化率达到65%", [("城镇化率", "rate")]),
    ("森林覆盖率提高2个百分点", [("森林覆盖率", "rate")]),
    ("单位GDP能耗下降3.5%", [("单位GDP能耗", "rate")]),
    ("新建住宅中绿色建筑占比达到70%", [("新建住宅中绿色建筑占比", "rate")]),
    # null: the wording does not say
    ("实施10项重大科技攻关项目", [("重大科技攻关项目", None)]),
    ("建成五个省级特色田园乡村", [("省级特色田园乡村", None)]),
    ("组建5个高价值专利培育示范中心", [("高价值专利培育示范中心", None)]),
    ("突破10项关键技术", [(None, None)]),
    ("贫困人口减少2万人", [("贫困人口", None)]),
    ("能源消费总量减少10万吨", [("能源消费总量", None)]),
    ("新增市级以上研发机构100家。其中省级以上30家。", [("新增市级以上研发机构", "increment"), ("省级以上", None)]),
])
def test_it_says_whether_a_target_is_an_increment_a_level_or_a_rate(
        text: str, expected: list[tuple[str | None, str | None]]) -> None:
    assert [(t.indicator, t.basis) for t in find_targets(text)] == expected


def test_it_gives_the_basis_of_the_five_main_goals_of_the_dalian_plan_in_the_json_contract() -> None:
    targets = find_targets(_seed_line("到2018年,自主创新能力显著增强"))
    assert [t.to_dict()["basis"] for t in targets] == ["rate", "rate", "level", "level", "rate"]
    assert Target("达到", None, 1, "家", ">=", None).to_dict()["basis"] is None


@pytest.mark.parametrize(("text", "expected"), [
    ("一、优化营商环境（共23项）", []),
    ("（三）加快高新技术企业培育（5项）", []),
    ("科技创新政策措施(共23条)", []),
    ("为推进科技创新，制定政策措施共23项", []),
    ("分解任务共23项", []),
    ("围绕科技创新，提出以下23项措施", []),
    ("从五个方面提出20项具体措施", []),
    ("围绕5个方面开展工作", []),
    ("明确了8项任务", []),
    ("出台10条措施", []),
    ("全市高新技术企业数量达到1000家。以上共23项任务。", [("全市高新技术企业数量", ">=", 1000, "家")]),
    ("全市高新技术企业数量达到1000家，共23项", [("全市高新技术企业数量", ">=", 1000, "家")]),
    ("全市科技型企业达到2000家，共安排重点任务23项。", [("全市科技型企业", ">=", 2000, "家")]),
    # counted things that are not the plan's own measures stay targets
    ("建设重大项目共23项", [("建设重大项目", "=", 23, "项")]),
    ("新增企业1,200家，增加20件，100项", [
        ("新增企业", "=", 1200, "家"), (None, "=", 20, "件"), (None, "=", 100, "项")]),
    ("新建5G基站(5000个)", [("新建5G基站(", "=", 5000, "个")]),
])
def test_it_does_not_take_a_count_of_the_plans_own_measures_for_a_target(
        text: str, expected: list[tuple[str | None, str, float, str]]) -> None:
    assert [(t.indicator, t.op, t.value, t.unit) for t in find_targets(text)] == expected


def test_it_does_not_take_the_year_of_a_description() -> None:
    text = "完成2000年以前建成的老旧小区改造300个,惠及居民5万户。"
    assert _facts(find_targets(text, default_year=2019)) == [
        ("完成2000年以前建成的老旧小区改造", "=", 300, None, "个", 2019), ("惠及居民", "=", 5, None, "万户", 2019)]


def test_it_ignores_numbers_inside_quotes_but_counts_the_quoted_noun() -> None:
    assert _facts(find_targets("建设“社区科普大学”10所,试点实施“百城千校万村行动”")) == [
        ("建设“社区科普大学”", "=", 10, None, "所", None)]


def test_it_reads_every_target_sentence_of_the_seed_consistently() -> None:
    source = SEED.read_text(encoding="utf-8")
    found = 0
    for line in source.splitlines():
        targets = find_targets(line, default_year=2018)
        spans = [t.span for t in targets]
        assert all(s is not None for s in spans)
        assert spans == sorted(spans, key=lambda s: s[0] if s else 0)
        for t in targets:
            assert t.span is not None and line[t.span[0]:t.span[1]] == t.text
            assert t.unit in t.text and t.indicator is not None
            assert "《" not in t.text[: t.text.find(t.unit)]
        found += len(targets)
    # Enumerated by hand, item by item, from the seed's digit + unit sentences, leaving out names,
    # dates, quotations and policy parameters (最高2000万元, 75%加计扣除): 81 targets.
    assert found == 81


def test_it_survives_hostile_input_quickly() -> None:
    assert len(find_targets("新增企业10家，" * 3000)) == 3000
    assert find_targets("在1家" * 10000) == []
    assert find_targets("1" * 50000) == []
    assert find_targets("一" * 50000 + "家") == []
    assert find_targets("“" * 20000 + "新增10家") != []
    garbage = "\x00\ufffd\u202e达到10%\U0001F600"
    [target] = find_targets(garbage)
    assert (target.value, target.unit, target.op) == (10, "%", ">=")
    assert target.span is not None and garbage[target.span[0]:target.span[1]] == target.text
