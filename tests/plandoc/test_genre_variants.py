"""How plans of the genre name units and lay out their outline: one small document per variant.

The variants are the ones the real-document corpus (tests/corpus) showed and the parser issue lists;
each test fails if the parser stops reading its variant.
"""

from __future__ import annotations

import pytest

from luoshi.plandoc import Plan, parse

L, S, R = "lead", "support", "responsible"


def _units(plan: Plan, *path: str) -> list[tuple[str, str]]:
    node = next(n for n in plan.nodes if tuple(n.path) == path)
    return [(u.name, u.role) for u in node.units if not u.inherited]


def _paths(plan: Plan) -> list[tuple[str, ...]]:
    return [tuple(n.path) for n in plan.nodes]


def _plan(*items: str, preamble: str = "") -> Plan:
    return parse("某市2022年重点工作方案\n" + preamble + "一、重点任务\n" + "\n".join(items) + "\n")


# -- units -------------------------------------------------------------------------------------------


def test_it_reads_every_marker_of_a_paragraph() -> None:
    plan = _plan("（一）推进创新。建设创新平台。（责任单位：市科技局、市财政局）培育企业。（责任单位：各区人民政府）"
                 "引进人才。（市人社局牵头，市教育局配合）")
    assert _units(plan, "一", "（一）") == [("市科技局", R), ("市财政局", R), ("各区人民政府", R),
                                         ("市人社局", L), ("市教育局", S)]
    node = plan.nodes[1]
    assert "责任单位" not in node.text and node.text.startswith("推进创新。建设创新平台。培育企业。")
    covered = {u.name: plan.source[u.covers[0]:u.covers[1]] for u in node.units if u.covers}
    assert covered == {"市科技局": "推进创新。建设创新平台", "市财政局": "推进创新。建设创新平台",
                       "各区人民政府": "培育企业", "市人社局": "引进人才", "市教育局": "引进人才"}
    single = _plan("（一）推进创新。（责任单位：市科技局）")
    assert [u.covers for u in single.nodes[1].units] == [None]


def test_it_gives_markers_of_unnumbered_paragraphs_to_the_item_above() -> None:
    plan = _plan("（一）推进创新。建设创新平台。（责任单位：市科技局）",
                 "加快培育科技企业。（责任单位：市工信局）",
                 "责任单位：市财政局")
    assert _units(plan, "一", "（一）") == [("市科技局", R), ("市工信局", R), ("市财政局", R)]


def test_it_keeps_units_of_a_heading_on_the_heading() -> None:
    plan = parse("某市方案\n一、科技创新（责任单位：市科技局）\n（一）建设平台。\n（二）培育企业。\n")
    assert _units(plan, "一") == [("市科技局", R)]
    child = plan.nodes[1]
    assert [(u.name, u.inherited) for u in child.units] == [("市科技局", True)]


@pytest.mark.parametrize(("marker", "units"), [
    ("（主责单位：市科技局；参与单位：市财政局）", [("市科技局", L), ("市财政局", S)]),
    ("（牵头考核单位：市考核办）", [("市考核办", L)]),
    ("（牵头指导处室：市局质量处；实施部门：各区市场监管局）", [("市局质量处", L), ("各区市场监管局", R)]),
    ("（市发展改革委指导，各区政府组织实施）", [("市发展改革委", S), ("各区政府", R)]),
    ("（市科技局、市工信局牵头负责，市财政局按职责分工配合）", [("市科技局", L), ("市工信局", L), ("市财政局", S)]),
    ("（市住房城乡建设管理委牵头负责，各区政府组织落实）", [("市住房城乡建设管理委", L), ("各区政府", R)]),
    ("（市交通委牵头，市公安局协同，各区参与）", [("市交通委", L), ("市公安局", S), ("各区", S)]),
    ("（责任部门：市税务局和市市场监管局等）", [("市税务局", R), ("市市场监管局", R)]),
    ("（责任单位：市住建局；适用范围：全市新建项目）", [("市住建局", R)]),
    ("（责任单位：各区人民政府〈含开发区管委会，下同〉、市水务局）",
     [("各区人民政府〈含开发区管委会，下同〉", R), ("市水务局", R)]),
    ("（责任单位：市城投集团、大连港集团有限公司、大连海关、市急救中心）",
     [("市城投集团", R), ("大连港集团有限公司", R), ("大连海关", R), ("市急救中心", R)]),
    ("（负责部门：县交通局、公安局）", [("县交通局", R), ("县公安局", R)]),
    ("（责任单位：县委组织部、宣传部）", [("县委组织部", R), ("县委宣传部", R)]),
    ("（市金融局牵头，某某银保监分局配合）", [("市金融局", L), ("某某银保监分局", S)]),
    ("（责任单位：市科技局、高新区管委会）", [("市科技局", R), ("高新区管委会", R)]),
    ("（牵头部门：市交通委，配合部门：—）", [("市交通委", L)]),
])
def test_it_reads_the_marker_vocabulary(marker: str, units: list[tuple[str, str]]) -> None:
    assert _units(_plan("（一）完成任务。" + marker), "一", "（一）") == units


def test_it_reads_a_due_date_that_opens_a_marker() -> None:
    plan = _plan("（一）完成任务。（2022年5月底前完成，牵头单位：市商务局）")
    node = plan.nodes[1]
    assert _units(plan, "一", "（一）") == [("市商务局", L)]
    assert node.deadline is not None and node.deadline.date == "2022-05-31"


@pytest.mark.parametrize("rule", ["列第一位的为牵头单位", "排在第一位的部门为牵头部门", "各项任务第一个单位为牵头单位"])
def test_it_applies_a_first_listed_lead_rule(rule: str) -> None:
    plan = _plan("（一）完成任务。（责任单位：市科技局、市财政局、各区政府）", preamble=f"（{rule}，下同）\n")
    assert _units(plan, "一", "（一）") == [("市科技局", L), ("市财政局", S), ("各区政府", S)]


def test_it_applies_a_lead_before_the_first_comma_rule() -> None:
    plan = _plan("（一）完成任务。（责任单位：市科技局、市工信局，市财政局、各区政府）",
                 preamble="各项任务责任单位中第一个逗号前为牵头单位。\n")
    assert _units(plan, "一", "（一）") == [("市科技局", L), ("市工信局", L), ("市财政局", S), ("各区政府", S)]


def test_it_gives_a_blanket_unit_to_every_later_item() -> None:
    plan = parse("某县方案\n以下各项任务均需各乡镇人民政府落实，不再列出。\n一、重点任务\n"
                 "（一）道路建设。（责任单位：县交通局）\n（二）水利建设。\n")
    assert _units(plan, "一", "（一）") == [("县交通局", R), ("各乡镇人民政府", R)]
    assert _units(plan, "一", "（二）") == [("各乡镇人民政府", R)]
    assert _units(plan, "一") == []


def test_a_note_in_a_marker_shares_units_with_every_later_item() -> None:
    plan = _plan("（一）加强市场体系建设。推进高标准市场体系建设。"
                 "〔责任单位：省发展改革委、省市场监管局按职责分工负责。"
                 "具体任务均涉及相关市（州）人民政府，不再做分工，下同。〕",
                 "（二）优化市场准入环境。实施“证照分离”改革。〔责任单位：省市场监管局〕")
    assert _units(plan, "一", "（一）") == [("省发展改革委", R), ("省市场监管局", R), ("相关市（州）人民政府", R)]
    assert _units(plan, "一", "（二）") == [("省市场监管局", R), ("相关市（州）人民政府", R)]


def test_a_note_in_a_marker_making_units_responsible_for_every_item_shares_them() -> None:
    plan = _plan("（一）推进决策公开。完善重大决策预公开制度。"
                 "（责任单位：省政府办公厅，其他省级有关单位。本要点各项工作均需各市、县〔市、区〕政府作为责任单位，"
                 "以下不再列出）",
                 "（二）推进执行公开。（责任单位：省司法厅）")
    assert _units(plan, "一", "（一）") == [("省政府办公厅", R), ("其他省级有关单位", R), ("各市、县〔市、区〕政府", R)]
    assert _units(plan, "一", "（二）") == [("省司法厅", R), ("各市、县〔市、区〕政府", R)]


def test_a_numbered_row_naming_only_a_group_heads_the_rows_below() -> None:
    plan = parse("某区任务分工表\n序号\t工作任务\t主要工作内容\t牵头单位\t配合单位\n"
                 "（一）\t推动源头减量\t增加土方平衡内容。\t区建设管理委\t区规划资源局\n"
                 "二\t构建闭环管理体系\n"
                 "（一）\t加强备案申报管理\t落实备案制度。\t区绿化市容局\t区建设管理委\n"
                 "（二）\t加强源头监管\t落实工地监管。\t区城运中心\t区数据局\n"
                 "三\t构建执法打击体系\n"
                 "（一）\t严查非法排放\t依法查处。\t区城管执法局\t\n")
    assert _paths(plan) == [("（一）",), ("二",), ("二", "（一）"), ("二", "（二）"), ("三",), ("三", "（一）")]
    assert _units(plan, "二") == []
    assert _units(plan, "二", "（二）") == [("区城运中心", L), ("区数据局", S)]


def test_a_column_headed_by_a_kind_of_body_names_each_rows_unit() -> None:
    plan = parse("某区垃圾分类工作方案\n附件\n各街镇工作指标\n序号\t街镇\t达标小区（个）\t示范小区（个）\n"
                 "1\t吴淞街道\t40\t12\n2\t高境镇\t39\t11\n")
    assert [[(u.name, u.role) for u in n.units] for n in plan.nodes if n.label in ("1", "2")] == [
        [("吴淞街道", R)], [("高境镇", R)]]


@pytest.mark.parametrize("marker, names", [
    ("（责任单位：街镇（工业区）及新城区发展公司）", ["街镇（工业区）", "新城区发展公司"]),
    ("（责任单位：区建管委、区交通委等建设主管部门）", ["区建管委", "区交通委"]),
    ("（乡镇、街道负责）", ["乡镇", "街道"]),
    ("（市直有关部门、单位负责）", ["市直有关部门"]),   # the shared word alone names no unit
])
def test_it_reads_collective_town_names_and_group_words(marker: str, names: list[str]) -> None:
    plan = _plan("（一）整治道路。" + marker)
    assert [n for n, _ in _units(plan, "一", "（一）")] == names


def test_a_title_listing_units_and_their_group_word_names_them() -> None:
    plan = _plan("（一）区建管委、区交通委、区水务局等建设主管部门", "压实建设单位扬尘污染防控主体责任。")
    assert [n for n, _ in _units(plan, "一", "（一）")] == ["区建管委", "区交通委", "区水务局"]


@pytest.mark.parametrize("sentence, units", [
    ("由市安全监管、交通运输、公安等职能管理部门建立和完善监管信息系统。",
     [("市安全监管", R), ("交通运输", R), ("公安", R)]),
    ("建立由安全监管、公安、质量技监等职能管理部门参与的协调工作机制。",
     [("安全监管", S), ("公安", S), ("质量技监", S)]),
])
def test_field_names_closed_by_a_group_word_are_units(sentence: str, units: list[tuple[str, str]]) -> None:
    plan = _plan("（一）加强监管。" + sentence)
    assert _units(plan, "一", "（一）") == units


def test_field_names_without_a_group_word_are_not_units() -> None:
    plan = _plan("（一）加强监管。由交通运输、公安建立监管信息系统。")
    assert _units(plan, "一", "（一）") == []


@pytest.mark.parametrize("cell, units", [
    ("国家发展改革委牵头，财政部、商务部等按职责分工负责", [("国家发展改革委", L), ("财政部", R), ("商务部", R)]),
    ("科技部牵头，教育部配合", [("科技部", L), ("教育部", S)]),
    ("国家知识产权局、最高人民法院（列第一位的为牵头单位）", [("国家知识产权局", L), ("最高人民法院", S)]),
    ("市场监管总局（牵头）、商务部", [("市场监管总局", L), ("商务部", R)]),
    ("公安部、交通运输部", [("公安部", R), ("交通运输部", R)]),
    # A ledger's 会 for 会同 after a division's name; 会 ending a name (管委会, 委员会, 红十字会) splits nothing.
    ("宣传处会办公室", [("宣传处", L), ("办公室", S)]),
    ("开发区管委会办公室、市红十字会", [("开发区管委会办公室", R), ("市红十字会", R)]),
])
def test_a_unit_cell_says_its_own_roles(cell: str, units: list[tuple[str, str]]) -> None:
    plan = parse("重点任务分工及进度安排表\n序号\t工作任务\t负责单位\t时间进度\n"
                 f"1\t完善创新政策体系\t{cell}\t2019年底前\n")
    node = plan.nodes[0]
    assert [(u.name, u.role) for u in node.units] == units
    assert node.deadline is not None and node.deadline.text == "2019年底前"


def test_it_reads_a_plan_written_in_traditional_characters() -> None:
    plan = _plan("（一）推進創新。建設創新平臺。（牽頭單位：市科技局；配合單位：市財政局、市發展改革委）",
                 "（二）關於糧食安全的問題，由發展改革委會同農業部、財政部等部門研究提出落實意見。")
    assert _units(plan, "一", "（一）") == [("市科技局", L), ("市財政局", S), ("市發展改革委", S)]
    assert _units(plan, "一", "（二）") == [("發展改革委", L), ("農業部", S), ("財政部", S)]


@pytest.mark.parametrize("marker, names", [
    ("（各县、市、区政府负责）", ["各县、市、区政府"]),
    ("（省财政厅，各州、市人民政府配合）", ["省财政厅", "各州、市人民政府"]),
    ("（市发改委、农委、人保局，各市（县）、区政府）", ["市发改委", "市农委", "市人保局", "各市（县）、区政府"]),
    ("（省发展改革委，海东市、兰州市、临夏州发展改革部门）", ["省发展改革委", "海东市、兰州市、临夏州发展改革部门"]),
    # A bare level word closing the list names no body of its own; inside the list it is a unit of its own.
    ("（责任单位：市商务局、各开发区、镇（街道））", ["市商务局", "各开发区、镇（街道）"]),
    ("（责任单位：各镇、街道、开发区）", ["各镇", "街道", "开发区"]),
])
def test_levels_listed_before_one_government_are_one_name(marker: str, names: list[str]) -> None:
    plan = _plan("（一）稳定就业。" + marker)
    assert [n for n, _ in _units(plan, "一", "（一）")] == names


def test_a_bare_list_of_units_on_a_line_of_its_own_marks_the_item_above() -> None:
    plan = _plan("（一）地区生产总值增长11.5%", "（市发改委、财政局，市税务局）",
                 "（二）能耗降低3.8%。", "（市经信委）")
    assert [n for n, _ in _units(plan, "一", "（一）")] == ["市发改委", "市财政局", "市税务局"]
    assert _units(plan, "一", "（二）") == [("市经信委", R)]


def test_a_lead_rule_noted_after_a_list_applies_to_it_and_not_its_units_to_later_items() -> None:
    plan = _plan("（一）完成征拆任务。",
                 "责任单位：区房屋征收中心、区发改局、石碶街道（列第一位者为牵头或汇总单位，下同）",
                 "（二）地区生产总值增长6%左右。", "责任单位：区发改局、区统计局")
    assert _units(plan, "一", "（一）") == [("区房屋征收中心", L), ("区发改局", S), ("石碶街道", S)]
    assert _units(plan, "一", "（二）") == [("区发改局", L), ("区统计局", S)]


def test_a_blanket_rule_inside_a_marker_reaches_every_later_item() -> None:
    plan = _plan("（一）争取专项资金。（责任单位：市工信局、市财政局。以下政策措施均需各县区人民政府、园区管委会落实，"
                 "不再单独列出）", "（二）成立工作专班。（责任单位：市工信局）")
    assert _units(plan, "一", "（二）") == [("市工信局", R), ("各县区人民政府", R), ("园区管委会", R)]


def test_a_marker_line_after_unmarked_sub_items_marks_their_item() -> None:
    plan = _plan("（一）完善应急预案体系", "1.加强应急预案管理。", "2.推进应急预案精编化。",
                 "（责任单位：市应急局、各县（市、区）人民政府）", "（二）加强应急队伍建设", "1.建设专业队伍。",
                 "（责任单位：市消防救援支队）", "2.建设志愿者队伍。", "（责任单位：团市委）")
    assert [n for n, _ in _units(plan, "一", "（一）")] == ["市应急局", "各县（市、区）人民政府"]
    assert _units(plan, "一", "（一）", "2") == []
    # Sub-items with markers of their own keep the marker below the last one.
    assert _units(plan, "一", "（二）", "2") == [("团市委", R)]
    assert _units(plan, "一", "（二）") == []


def test_a_table_copied_one_cell_per_line_is_read_as_rows() -> None:
    plan = parse("某市重点工作责任分解\n一、省政府工作报告重点工作涉市任务\n\n序号\n\n"
                 "重点工作任务（本市2项配合工作）\n\n责任单位\n\n（一）王某副市长牵头重点工作\n\n1\n\n加强粮食和重要农产品保障。\n\n"
                 "市农业农村局、市商务局\n\n省牵头单位：省农业农村厅\n\n（二）李某副市长牵头重点工作\n\n2*\n\n"
                 "深入实施消费新政。\n\n市商务局、市发改委\n\n二、保障措施\n（一）加强组织领导。\n")
    assert _paths(plan) == [("一",), ("一", "（一）"), ("一", "（一）", "1"), ("一", "（二）"), ("一", "（二）", "2"),
                            ("二",), ("二", "（一）")]
    assert _units(plan, "一", "（一）", "1") == [("市农业农村局", R), ("市商务局", R), ("省农业农村厅", L)]
    assert _units(plan, "一", "（二）", "2") == [("市商务局", R), ("市发改委", R)]
    assert plan.source[slice(*plan.nodes[2].span)] == "加强粮食和重要农产品保障。"



def test_a_table_one_cell_per_line_with_a_wrapped_header_cell_and_quarter_columns() -> None:
    # '完成' / '时限': one header cell over two lines; 一季度 … 四季度 under it. A row with one unit cell names its
    # lead (the supporting cell left blank), not a supporting unit.
    header = ["序号", "试点任务", "细化措施", "责任单位", "配合单位", "完成", "时限",
              "一季度", "二季度", "三季度", "四季度"]
    plan = parse("某区建设试点目标任务分解\n\n" + "\n\n".join(header) + "\n\n一、持续强化规划引领\n\n"
                 "1\n\n推进生活垃圾分类规划\n\n建立分类投放方式。\n\n区城市管理局\n\n区住房城市建委、区机关事务局\n\n2020\n\n"
                 "2\n\n强化分类工作评价\n\n向社会公布评价结果。\n\n区民政局\n\n2020\n")
    assert sorted(_units(plan, "一", "1")) == [("区住房城市建委", S), ("区城市管理局", R), ("区机关事务局", S)]
    assert _units(plan, "一", "2") == [("区民政局", R)]

def test_a_collective_described_by_a_clause_is_a_unit() -> None:
    plan = _plan("（一）加强信用惩戒。（牵头单位：市公安局；配合单位：市交通委、各使用信用信息的单位、"
                 "各有安全生产监管职责的部门）")
    assert _units(plan, "一", "（一）") == [("市公安局", L), ("市交通委", S), ("各使用信用信息的单位", S),
                                         ("各有安全生产监管职责的部门", S)]


def test_labels_with_a_space_before_the_delimiter_are_labels() -> None:
    plan = parse("某市重点工作方案\n一 、稳定经济增长\n1 .扩大有效投资。（责任单位：市发展改革委）\n"
                 "2 、促进消费。（责任单位：市商务局）\n二 、保障措施\n")
    assert [(n.label.replace(" ", ""), n.level) for n in plan.nodes] == [("一", 1), ("1", 2), ("2", 2), ("二", 1)]
    assert [u.name for n in plan.nodes for u in n.units] == ["市发展改革委", "市商务局"]


def test_a_table_with_cells_set_apart_by_spaces_after_its_title_is_a_part_of_its_own() -> None:
    plan = parse("国务院办公厅关于印发量化指标任务分工的通知\n一、各有关部门要高度重视。\n二、国办将加强督办。\n"
                 "2016年《政府工作报告》量化指标任务分工\n序号 工 作 任 务 牵头负责部门\n"
                 "1 居民消费价格涨幅3%左右 发展改革委\n2 城镇新增就业1000万人以上 人力资源社会保障部\n")
    rows = [n for n in plan.nodes if n.label in ("1", "2")]
    assert [(n.text, [(u.name, u.role) for u in n.units]) for n in rows] == [
        ("居民消费价格涨幅3%左右", [("发展改革委", L)]), ("城镇新增就业1000万人以上", [("人力资源社会保障部", L)])]
    assert all(n.path[0] != "二" for n in rows)


def test_items_running_on_after_a_closing_marker_are_items() -> None:
    plan = _plan("（一）地区生产总值增长11%左右。（省发改委负责）（二）公共财政收入增长13%左右。"
                 "（省财政厅主办，省国税局、地税局协办）")
    assert _units(plan, "一", "（一）") == [("省发改委", R)]
    assert _units(plan, "一", "（二）") == [("省财政厅", L), ("省国税局", S), ("省地税局", S)]


def test_a_lead_rule_closing_a_marker_applies_to_its_list() -> None:
    plan = _plan("（一）扩大就业。（市发展改革委、市财政局、市商务局等负责，列第一位者为牵头单位，下同）",
                 "（二）加强培训。（市委宣传部、市委党校牵头，各县市区党委政府、市直有关部门分别落实）",
                 "（三）推动创业。（共同责任单位：市教育局、相关市、县政府）")
    assert _units(plan, "一", "（一）") == [("市发展改革委", L), ("市财政局", S), ("市商务局", S)]
    assert _units(plan, "一", "（二）") == [("市委宣传部", L), ("市委党校", L), ("各县市区党委政府", R),
                                         ("市直有关部门", R)]
    assert [n for n, _ in _units(plan, "一", "（三）")] == ["市教育局", "相关市、县政府"]


@pytest.mark.parametrize("marker", [
    "（责任单位：省体育局，省发展改革委；如无特别说明，排在首位的为牵头单位，下同）",
    "【责任单位】省体育局，省发展改革委；如无特别说明，排在首位的为牵头单位，下同",
    "责任单位：省体育局，省发展改革委；如无特别说明，排在首位的为牵头单位，下同。",
    "\n责任单位：省体育局，省发展改革委；如无特别说明，排在首位的为牵头单位，下同。",
])
def test_a_lead_rule_after_a_condition_closing_the_first_marker(marker: str) -> None:
    plan = _plan("（三）打造体育产业核心增长极。支持成都建设世界赛事名城。" + marker,
                 "（四）扩大体育消费。（责任单位：省商务厅，省财政厅）")
    assert _units(plan, "一", "（三）") == [("省体育局", L), ("省发展改革委", S)]
    assert _units(plan, "一", "（四）") == [("省商务厅", L), ("省财政厅", S)]


def test_a_lead_rule_naming_the_units_in_front_after_a_blanket_rule_inside_the_first_marker() -> None:
    plan = _plan("（一）开展土壤污染状况详查。（市环保局、市国土资源局、市农业局，各镇街区。"
                 "以下均需各镇街区落实，不再列出。排在前位为牵头部门，下同。）",
                 "（二）建设土壤环境质量监测网络。（市环保局、市国土资源局）")
    assert _units(plan, "一", "（二）")[:2] == [("市环保局", L), ("市国土资源局", S)]


def test_a_number_with_an_ideographic_full_stop_is_a_label() -> None:
    plan = parse("某市工作要点\n1。完善食品安全标准体系。（责任单位：市市场监管局）\n2。加强监管。\n")
    assert [(n.label, [u.name for u in n.units]) for n in plan.nodes] == [("1", ["市市场监管局"]), ("2", [])]


def test_it_carries_units_marked_same_below_to_later_items() -> None:
    plan = _plan("（一）任务甲。（牵头指导处室：市局质量处，各区市场监管局为实施单位，下同）",
                 "（二）任务乙。（牵头指导处室：市局标准处）")
    assert _units(plan, "一", "（一）") == [("市局质量处", L), ("各区市场监管局", R)]
    assert _units(plan, "一", "（二）") == [("市局标准处", L), ("各区市场监管局", R)]


@pytest.mark.parametrize(("items", "expected"), [
    (["（一）区建管委", "牵头协调海绵城市建设工作。", "（二）区发改委", "配合做好项目审批。"],
     {("一", "（一）"): [("区建管委", L)], ("一", "（二）"): [("区发改委", S)]}),
    (["1.街道消委办。牵头开展关爱工作。", "2.派出所。配合开展关爱工作。", "3.居委会。具体负责排摸工作。"],
     {("一", "1"): [("街道消委办", L)], ("一", "2"): [("派出所", S)], ("一", "3"): [("居委会", R)]}),
    (["（一）区经委、区司法局等部门负责道路交通管理工作。"],
     {("一", "（一）"): [("区经委", R), ("区司法局", R)]}),
    (["（一）细化职责分工", "房管所、规建生态办负责牵头组织排查整治工作；", "城运中心配合做好平台建设；"],
     {("一", "（一）"): [("房管所", L), ("规建生态办", L), ("城运中心", S)]}),
])
def test_it_reads_duty_items_that_open_with_their_units(
        items: list[str], expected: dict[tuple[str, ...], list[tuple[str, str]]]) -> None:
    plan = _plan(*items)
    assert {path: _units(plan, *path) for path in expected} == expected


@pytest.mark.parametrize("title", ["成立考核工作小组", "建立知识产权司法保护中心。", "支持外资机构参与平台建设。",
                                   "本办法由市河长办负责解释。", "组织机构"])
def test_it_does_not_take_acting_titles_for_units(title: str) -> None:
    assert _units(_plan("（一）" + title), "一", "（一）") == []


# -- structure ---------------------------------------------------------------------------------------


def test_it_reads_a_tab_task_table_with_section_rows_and_a_guiding_column() -> None:
    plan = parse("某市工作方案\n一、任务分工\n"
                 "序号\t任务\t主要内容\t牵头单位\t配合单位\t指导部门\t完成时限\n"
                 "一、科技创新（共2项）\n"
                 "1\t建平台\t建设创新平台\t市科技局\t市财政局\t市发展改革委\t2022年底\n"
                 "2\t育企业\t培育企业\t市工信局\t\t\t2022年6月\n"
                 "二、人才（共1项）\n"
                 "3\t引人才\t引进人才\t市人社局\t市教育局\t\t长期\n")
    rows = {n.label: n for n in plan.nodes if n.style in ("ar_dot", "row")}
    assert [n.text for n in plan.nodes if n.style == "annex"] == [""]   # no title line above this table
    assert [n.label for n in plan.nodes if n.style == "cn_dun"][-2:] == ["一", "二"]
    assert [(u.name, u.role) for u in rows["1"].units] == [("市科技局", L), ("市财政局", S), ("市发展改革委", S)]
    assert rows["3"].path[-2:] == ["二", "3"] and rows["3"].deadline is not None
    assert all(t.unit != "项" for n in plan.nodes for t in n.targets)


def test_it_makes_each_row_a_node_when_the_task_name_cell_is_merged() -> None:
    plan = parse("某区任务清单\n序号\t任务名称\t任务内容\t牵头部门\t配合部门\n"
                 "1\t加强组织领导\t召开动员大会。\t区政府办公室\t各街镇\n"
                 "2\t\t纳入专项督查。\t区委组织部\t区绿化市容局\n")
    assert [(n.label, n.text) for n in plan.nodes] == [("1", "加强组织领导"), ("2", "纳入专项督查。")]
    assert [(u.name, u.role) for u in plan.nodes[1].units] == [("区委组织部", L), ("区绿化市容局", S)]


def test_it_nests_the_labelled_cells_of_a_table_row() -> None:
    plan = parse("某市行动计划任务清单\n任务分类\t主要方向\t重点任务\t牵头部门\t配合部门\n"
                 "（一）提升设施品质\t1、改善城市道路\t（1）建设精品道路300条。\t设施养护处\t各区\n"
                 "\t\t（2）整治人行道。\t设施运行处\t\n"
                 "\t2、改善农村道路\t（3）推进四好农村路。\t设施养护处\t各区\n")
    assert _paths(plan) == [("（一）",), ("（一）", "1"), ("（一）", "1", "（1）"), ("（一）", "1", "（2）"),
                            ("（一）", "2"), ("（一）", "2", "（3）")]
    assert _units(plan, "（一）", "1", "（2）") == [("设施运行处", L)]


def test_it_reads_a_second_document_of_the_same_notice() -> None:
    plan = parse("关于印发某市若干政策和行动计划的通知\n某市若干政策措施\n一、支持企业\n"
                 "1﹒给予补贴。（责任单位：市财政局）\n二、支持人才\n"
                 "某市行动计划\n一、重点任务\n（一）任务甲。（责任单位：市科技局）\n")
    labels = [(n.label, n.style) for n in plan.nodes]
    assert ("1", "ar_dot") in labels
    second = [n for n in plan.nodes if n.style == "annex"]
    assert len(second) == 1 and second[0].text == "某市行动计划"
    assert _units(plan, "附文", "一", "（一）") == [("市科技局", R)]
    assert not any(n.text.startswith("某市行动计划") for n in plan.nodes if n.style != "annex")


def test_it_keeps_a_box_out_of_the_outline() -> None:
    plan = _plan("（一）建设重点工程。（责任单位：市发展改革委）", "专栏1 重点工程", "1．建设甲工程", "2．建设乙工程",
                 "（二）培育企业。（责任单位：市工信局）")
    assert _paths(plan) == [("一",), ("一", "（一）"), ("一", "（二）")]
    assert "建设甲工程" in plan.nodes[1].body


def test_it_drops_placeholder_dashes_of_table_cells() -> None:
    plan = parse("某市任务分解表\n序号\t内容\t牵头部门\t配合部门\n"
                 "1\t编制规划\t综合规划处\t—\n2\t建设设施\t交通建设处\t/\n")
    assert [[u.name for u in n.units] for n in plan.nodes] == [["综合规划处"], ["交通建设处"]]


def test_it_reads_duties_given_in_the_sentences_of_an_item() -> None:
    plan = _plan("（一）属地管理。各街镇（管委会）是专项治理行动的处置主体。"
                 "日常巡查由区城管执法局负责，区公安分局配合。",
                 "整改工作由区建交委会同区财政局组织实施。",
                 "（二）专项整治。由乡三农服务中心承办，乡畜牧站、派出所配合。")
    assert _units(plan, "一", "（一）") == [("各街镇（管委会）", R), ("区城管执法局", R), ("区公安分局", S),
                                         ("区建交委", L), ("区财政局", S)]
    assert _units(plan, "一", "（二）") == [("乡三农服务中心", R), ("乡畜牧站", S), ("派出所", S)]


def test_it_reads_numbered_categories_repeated_headers_and_items_inside_cells() -> None:
    plan = parse("某区行动计划任务清单\n类别\t序号\t主要任务\t责任单位\t配合单位\n"
                 "1.分类投放\t1\t推进绿色账户\t各街道办事处\t区绿化市容局\n"
                 "\t2\t创建达标小区：（1）完成改造；（2）完成验收\t各街道办事处\t\n"
                 "类别\t序号\t主要任务\t责任单位\t配合单位\n"
                 "2.分类运输\t1\t更新车辆标识\t区绿化市容局\t\n"
                 "\t2\t配置有害垃圾车\t区绿化市容局\t区环保局\n")
    assert _paths(plan) == [("1",), ("1", "1"), ("1", "2"), ("1", "2", "（1）"), ("1", "2", "（2）"),
                            ("2",), ("2", "1"), ("2", "2")]
    assert sorted(_units(plan, "2", "2")) == [("区环保局", S), ("区绿化市容局", R)]


def test_it_numbers_the_rows_of_a_table_without_a_task_column() -> None:
    plan = parse("附表2\n交通子行业光伏建设分配表\n序号\t交通子行业\t建设区域\t装机计划（MW）\t责任单位\n"
                 "1\t地铁\t高架车站、停车场\t35-36\t申通地铁集团\n2\t机场\t候机楼、货运楼\t4-10\t机场集团、各航空公司\n")
    rows = [n for n in plan.nodes if n.style != "annex"]
    assert [(n.label, n.text) for n in rows] == [("1", "地铁"), ("2", "机场")]
    assert [u.name for u in rows[1].units] == ["机场集团", "各航空公司"]


@pytest.mark.parametrize("name", ["鼓励保险公司", "支持园区", "以实际行动示范倡导小区"])
def test_it_does_not_read_a_clause_as_a_unit_name(name: str) -> None:
    from luoshi.plandoc.units import looks_like_unit
    assert not looks_like_unit(name)


def test_it_skips_numbers_and_shared_endings_among_units() -> None:
    plan = parse("某县考核细则\n序号\t考核项目\t\t分值\n1\t组织领导\t县河长办\t8\n2\t日常工作\t3\t7\n")
    assert [[u.name for u in n.units] for n in plan.nodes] == [["县河长办"], []]
    item = _plan("（一）完成任务。（责任单位：区规划资源局、区发展改革委等相关委、办、局）")
    names = [name for name, _ in _units(item, "一", "（一）")]
    assert names[0] == "区规划资源局" and "办" not in names and "局" not in names


def test_it_reads_an_annex_list_as_the_list_it_is_and_skips_total_rows() -> None:
    plan = parse("某街道实施方案\n一、职责分工\n（一）街道消委办牵头开展工作。\n附件：\n1.独居老人排摸统计表\n"
                 "2.消防安全责任清单\n附件1\n独居老人排摸统计表\n序号\t街道\t户数\n1\t古美\t20\n\t合计\t20\n")
    rows = [n for n in plan.nodes if n.style != "annex"]
    assert [n.path for n in rows] == [["一"], ["一", "（一）"], ["附件1", "1"]]
    plan = parse("某县方案\n附件：\n一、总体要求\n（一）坚持统筹。\n")
    assert [n.label for n in plan.nodes if n.style != "annex"] == ["一", "（一）"]


@pytest.mark.parametrize("item", ["（一）各市级专项整治工作牵头负责部门和各区政府建立台账。",
                                  "（一）各项任务牵头单位要加强统筹。"])
def test_it_does_not_take_a_noun_phrase_for_a_duty_subject(item: str) -> None:
    assert _units(_plan(item), "一", "（一）") == []


@pytest.mark.parametrize(("marker", "units", "deadline"), [
    ("（国家发展改革委牵头，财政部、人力资源社会保障部等按职责分工负责；2019年6月底前完成）",
     [("国家发展改革委", L), ("财政部", R), ("人力资源社会保障部", R)], "2019年6月底前完成"),
    ("（最高人民法院、最高人民检察院、公安部、司法部按职责分工负责，持续推进）",
     [("最高人民法院", R), ("最高人民检察院", R), ("公安部", R), ("司法部", R)], "持续推进"),
    ("（推进“一带一路”建设工作领导小组办公室牵头，中央网信办、共青团中央配合）",
     [("推进“一带一路”建设工作领导小组办公室", L), ("中央网信办", S), ("共青团中央", S)], None),
    ("（国务院国资委、财政部牵头，人民银行、银保监会、证监会参与）",
     [("国务院国资委", L), ("财政部", L), ("人民银行", S), ("银保监会", S), ("证监会", S)], None),
])
def test_it_reads_state_council_style_markers(marker: str, units: list[tuple[str, str]],
                                               deadline: str | None) -> None:
    plan = _plan("（一）完成任务。" + marker)
    node = plan.nodes[1]
    assert _units(plan, "一", "（一）") == units
    assert (node.deadline.text if node.deadline else None) == deadline


@pytest.mark.parametrize(("marker", "names"), [
    ("（责任单位：各市、县（市、区）人民政府，省财政厅）", ["各市、县（市、区）人民政府", "省财政厅"]),
    ("（省卫生健康委，各市、县〔区〕政府）", ["省卫生健康委", "各市、县〔区〕政府"]),
    ("（各市〔州〕、县〔市、区〕政府，省直各部门按照职能分别落实）", ["各市〔州〕、县〔市、区〕政府", "省直各部门"]),
    ("（责任单位：市科技局、区政府）", ["市科技局", "区政府"]),
    ("（牵头单位：市民政局，配合单位：市财政局、各有关区、县级市政府）",
     ["市民政局", "市财政局", "各有关区、县级市政府"]),
])
def test_it_keeps_the_governments_of_two_levels_as_one_name(marker: str, names: list[str]) -> None:
    assert [name for name, _ in _units(_plan("（一）完成任务。" + marker), "一", "（一）")] == names


def test_it_titles_a_table_part_with_the_line_above_it() -> None:
    plan = parse("某市方案\n一、总体要求\n（一）坚持统筹。\n二、保障措施\n（一）加强领导。\n"
                 "全面推进交通建设任务分解表\n序号\t内容\t牵头部门\n一、规划\n1\t编制规划\t综合规划处\n")
    part = next(n for n in plan.nodes if n.style == "annex")
    assert part.text == "全面推进交通建设任务分解表"
    assert "任务分解表" not in next(n for n in plan.nodes if n.path == ["二", "（一）"]).body


def test_it_reads_a_heading_run_on_after_the_full_stop_that_ends_a_paragraph() -> None:
    plan = parse("关于征集民生实事意见的通告\n"
                 "根据工作安排，现向社会征集意见和建议。一、征集的主要内容\n"
                 "您关注哪些民生问题？\n"
                 "二、征集时间\n即日起至8月5日\n")
    assert _paths(plan) == [("一",), ("二",)]
    assert plan.nodes[0].text.startswith("征集的主要内容")
    # Inside a paragraph, or not the next number of its style, it stays text.
    kept = _plan("（一）推进创新。建设创新平台。一、加强领导", "（二）引进人才。")
    assert _paths(kept) == [("一",), ("一", "（一）"), ("一", "（二）")]


@pytest.mark.parametrize("marker, names", [
    ("（哈尔滨机场扩建指挥部、哈尔滨、黑河、绥芬河市政府、省农垦总局负责）",
     ["哈尔滨机场扩建指挥部", "哈尔滨市政府", "黑河市政府", "绥芬河市政府", "省农垦总局"]),
    ("（大庆、齐齐哈尔市人民政府）", ["大庆市人民政府", "齐齐哈尔市人民政府"]),
    # Or any institution after the last place's name, cut at one of the bare names' lengths.
    ("（省政务服务和数据管理局牵头，省公安厅，广州、深圳、珠海出入境边防检查总站等有关单位按职责分工负责）",
     ["省政务服务和数据管理局", "省公安厅", "广州出入境边防检查总站", "深圳出入境边防检查总站",
      "珠海出入境边防检查总站"]),
    ("（海关总署牵头，天津、上海、广州海关配合）", ["海关总署", "天津海关", "上海海关", "广州海关"]),
    ("（北京、上海市场监管局负责）", []),   # 上海市 is the place: 场监管局 is no institution
    # A city and the others of its level joined by 及/和: two.
    ("（责任单位：省发改委、省数据管理局，福州及相关设区市）", ["省发改委", "省数据管理局", "福州", "相关设区市"]),
    ("（责任单位：厦门和其他设区市）", ["厦门", "其他设区市"]),
])
def test_bare_place_names_share_the_government_that_closes_their_run(marker: str, names: list[str]) -> None:
    plan = _plan("（一）推进民航基础设施建设，开工建设机场扩建工程。" + marker)
    assert [n for n, _ in _units(plan, "一", "（一）")] == names


@pytest.mark.parametrize("marker, names", [
    # Levels counted ('两级', '三级') are the levels of one name's bodies.
    ("（责任单位：市、区两级财政部门）", ["市、区两级财政部门"]),
    ("（省、市、县三级医保部门按职责分工负责）", ["省、市、县三级医保部门"]),
    ("（区、镇两级路长办公室牵头，区交通委配合）", ["区、镇两级路长办公室", "区交通委"]),
    ("（责任单位：市、县两级人民政府）", ["市、县两级人民政府"]),
    # 其 after 及/和 points back at the name before it: one name; 其他/其余 name other bodies.
    ("（责任单位：区政府及其工作部门）", ["区政府及其工作部门"]),
    ("（市国资委及其所属企业负责）", ["市国资委及其所属企业"]),
    ("（责任单位：市科技局和其他有关部门）", ["市科技局", "其他有关部门"]),
    ("（责任单位：市科技局及其余成员单位）", ["市科技局", "其余成员单位"]),
])
def test_names_that_read_as_lists_but_are_one_name(marker: str, names: list[str]) -> None:
    plan = _plan("（一）推进公共财政保障，落实农村公路养护资金。" + marker)
    assert [n for n, _ in _units(plan, "一", "（一）")] == names


@pytest.mark.parametrize("marker, units", [
    # 板块 (a city's functional zones, Nanjing) and 片区 are bodies of a level, like 街道, in a list of units.
    ("（区科技局主办，各街道、板块协办）", [("区科技局", L), ("各街道", S), ("板块", S)]),
    ("（区科技局、高新区管委会主办，区相关部门、街道、板块协办）",
     [("区科技局", L), ("高新区管委会", L), ("区相关部门", S), ("街道", S), ("板块", S)]),
    ("（区科技局牵头，各街道、片区配合）", [("区科技局", L), ("各街道", S), ("片区", S)]),
    # 相关/有关 before them: the zones concerned, also run together ('相关街道板块').
    ("（区商务局主办，相关街道板块协办）", [("区商务局", L), ("相关街道板块", S)]),
    ("（区商务局主办，相关板块、有关园区协办）", [("区商务局", L), ("相关板块", S), ("有关园区", S)]),
])
def test_bare_words_for_a_citys_zones_in_a_list_of_units(marker: str, units: list[tuple[str, str]]) -> None:
    assert _units(_plan("（一）推进科技成果转化。" + marker), "一", "（一）") == units


@pytest.mark.parametrize("item, units", [
    ("（一）推进平台建设【市科技局】。", ["市科技局"]),
    ("（一）推进平台建设【市科技局】", ["市科技局"]),
    ("（一）强化总量控制【县发改局】。限制开发高硫煤炭。", ["县发改局"]),
    ("（一）完成建设。（市科技局）加快发展产业。", ["市科技局"]),
    # A list in 【】 inside a sentence is part of the sentence, not its marker.
    ("（一）推进平台建设【市科技局】，加快发展产业。", []),
])
def test_a_bare_list_in_brackets_closes_a_sentence_or_follows_one(item: str, units: list[str]) -> None:
    assert [n for n, _ in _units(_plan(item), "一", "（一）")] == units


def test_a_page_on_one_line_that_opens_on_a_marker_reads_the_items_run_on_after_markers() -> None:
    # A digest's copy: the page opens on the marker of an item whose label it lost, then items run on after
    # their markers, the digest leaving some out ((五), (八)).
    plan = parse("（责任单位：各区政府）（三）支持企业技术改造，（责任单位：市工业和信息化局、市财政局）"
                 "（四）强化重点企业支持，（责任单位：市科技创新委）（五）推动产业化，（责任单位：市财政局）"
                 "（八）支持适航取证，（责任单位：市交通运输局）\n")
    assert _paths(plan) == [("（三）",), ("（四）",), ("（五）",), ("（八）",)]
    assert _units(plan, "（三）") == [("市工业和信息化局", R), ("市财政局", R)]
    assert _units(plan, "（五）") == [("市财政局", R)]
    assert _units(plan, "（八）") == [("市交通运输局", R)]


def test_a_number_further_on_inside_an_items_text_is_no_item() -> None:
    # Only right after a marker does a later number start an item; inside a sentence it is text.
    plan = _plan("（一）完成改造。（责任单位：市财政局）落实（五）项要求。")
    assert _paths(plan) == [("一",), ("一", "（一）")]


def test_an_annex_under_its_own_title_keeps_its_first_item() -> None:
    # '附件' alone then its title: the annex itself, whose items follow ('附件：' then '1.…' is a list of annexes).
    plan = parse("某区人民政府关于公布2025年度重大行政决策事项目录的通知\n一、各承办单位要严格履行法定程序。\n"
                 "二、决策事项目录实行动态管理。\n"
                 "附件:某区人民政府2025年度重大行政决策事项目录\n某区人民政府\n2025年3月31日\n附件\n"
                 "某区人民政府2025年度重大行政决策事项目录\n1.某区国民经济和社会发展第十五个五年规划\n承办单位:区发展和改革局\n"
                 "2.紧密型县域医共体建设\n承办单位:区卫生健康局\n")
    items = [n for n in plan.nodes if n.style == "ar_dot"]
    assert [(n.label, [u.name for u in n.units]) for n in items] == [
        ("1", ["区发展和改革局"]), ("2", ["区卫生健康局"])]


def test_words_before_a_government_without_a_place_are_not_places() -> None:
    plan = _plan("（一）推进民航基础设施建设。（交通、水利、市政府）")
    assert _units(plan, "一", "（一）") == []


def test_a_row_under_a_labelled_task_merged_down_adds_its_measures_and_units() -> None:
    plan = parse("某区重点任务清单\n"
                 "类别\t项目\t主要任务\t牵头单位\t配合单位\n"
                 "一、做好政策保障\t1.健全考核机制\t定期组织督导检查。\t各支队\t防火监督处\n"
                 "\t\t纳入政府目标考核体系。\t区考核办\t区消防救援支队、各街道\n"
                 "\t2.完善规章标准\t细化职责。\t区消防救援支队\t各街道\n")
    assert _paths(plan) == [("一",), ("一", "1"), ("一", "2")]
    assert _units(plan, "一", "1") == [("各支队", L), ("防火监督处", S), ("区考核办", L),
                                      ("区消防救援支队", S), ("各街道", S)]
    assert "纳入政府目标考核体系" in plan.nodes[1].body


def test_bare_endings_after_a_collective_name_are_one_unit() -> None:
    plan = _plan("（一）出台文件规章。（牵头单位：区消防救援支队；配合单位：各街道、相关委、办、局）")
    assert _units(plan, "一", "（一）") == [("区消防救援支队", L), ("各街道", S), ("相关委、办、局", S)]


def test_a_lead_rule_after_a_full_stop_inside_the_marker_applies_to_its_list() -> None:
    plan = _plan("（一）加强中医药服务。（国家中医药局、国家发展改革委、国家卫生计生委负责。"
                 "列第一位者为牵头部门或单位，其他有关部门和单位按职责分工负责，下同）",
                 "（二）推进中医药立法。（国家中医药局、司法部负责）")
    assert _units(plan, "一", "（一）") == [("国家中医药局", L), ("国家发展改革委", S), ("国家卫生计生委", S)]
    assert _units(plan, "一", "（二）") == [("国家中医药局", L), ("司法部", S)]


def test_a_page_that_lost_its_line_breaks_still_has_its_outline() -> None:
    plan = parse("某省人民政府关于明确重点工作责任单位的通知 现将重点工作任务予以分解。"
                 "各责任单位要尽快制定具体落实方案。 一、加快提振市场信心 (一)全面促进消费增长。"
                 " 1.把恢复和扩大消费摆在优先位置。(省商务厅、财政厅按职责分工负责)"
                 " 2.落实好提振市场信心措施。(省发展改革委牵头,省商务厅等相关部门按职责分工负责)"
                 " 二、着力扩大有效投资 对2023年 1.5万亿元投资 加强调度。\n")
    assert _paths(plan) == [("一",), ("一", "(一)"), ("一", "(一)", "1"), ("一", "(一)", "2"), ("二",)]
    assert _units(plan, "一", "(一)", "2") == [("省发展改革委", L), ("省商务厅", R)]
    assert "1.5万亿元" in plan.nodes[-1].text


def test_a_page_on_one_line_is_cut_where_its_numbering_goes_on() -> None:
    # The notice ends without punctuation before 一、, and a long heading stands before (十二): only the
    # numbering (the first 一、, then （十二） after （十一）) says where the paragraphs begin.
    plan = parse("某市人民政府办公室关于印发某市客货运安全管理实施意见的通知 各区县人民政府： 现将实施意见印发"
                 "给你们 某市人民政府办公室 2012年10月8日 一、规范运输企业发展 （十一）严格驾驶人培训机构监管。"
                 "加强驾驶人培训市场调控。（牵头部门：市交通局。配合部门：市公安局） 二、加强对超速、超员、超载和疲劳"
                 "驾驶及非法营运车辆等违法行为的查处和整治工作 （十二）加强路面管控。严查超速超员行为。（牵头部门："
                 "市公安局） （十三）加强非法营运执法整治。（牵头部门：市交通局。配合部门：市公安局）\n")
    assert _paths(plan) == [("一",), ("一", "（十一）"), ("二",), ("二", "（十二）"), ("二", "（十三）")]
    assert _units(plan, "二", "（十二）") == [("市公安局", L)]
    assert _units(plan, "二", "（十三）") == [("市交通局", L), ("市公安局", S)]


def test_a_web_table_with_pipes_between_cells_is_a_task_table() -> None:
    plan = parse("一、10件民生实事任务分解表\n"
                 "序号 | 具体工作任务和要求 | 责任领导 | 责任单位 | 落实情况 |\n"
                 "1 | 推动义务教育优质均衡发展，增加学位5000个。 | 毛晓青 | 县教体局 各相关乡镇政府 | 已完成。 |\n"
                 "2 | 完成县妇幼保健院主体工程建设。 | 毛晓青 | 县卫健委 | 已封顶。 |\n")
    assert _paths(plan) == [("一",), ("一", "1"), ("一", "2")]
    assert _units(plan, "一", "1") == [("县教体局", R), ("各相关乡镇政府", R)]
    assert _units(plan, "一", "2") == [("县卫健委", R)]


def test_a_web_table_one_cell_per_line_closed_by_pipes_is_a_task_table() -> None:
    cells = ["序号", "重点工作", "责任领导", "责任单位", "完成时限",
             "1", "坚持服务跟着项目走，全力服务重大项目落地见效。", "叶林", "招商工作部、安商工作部", "全年",
             "2", "全力推进开发区空间再造，盘活存量土地400亩。", "马振明", "改革办", "全年"]
    plan = parse("2025年开发区重点工作及责任清单\n" + "".join(c + " |\n" for c in cells) + "||||\n")
    assert _paths(plan) == [("1",), ("2",)]
    assert _units(plan, "1") == [("招商工作部", R), ("安商工作部", R)]
    assert _units(plan, "2") == [("改革办", R)]
    assert plan.title == "2025年开发区重点工作及责任清单"


def test_a_data_provider_is_a_supporting_unit_and_a_leader_is_no_unit() -> None:
    plan = _plan("（一）地区生产总值增长7%左右。（牵头领导：谢瑞武，牵头单位：市发改委，数据提供单位：市统计局）")
    assert _units(plan, "一", "（一）") == [("市发改委", L), ("市统计局", S)]


@pytest.mark.parametrize("marker", ["（责任秘书长：李振峰，责任单位：市政府办公室、市发改委）",
                                    "（牵头领导：张同生，责任秘书长：石海波，责任单位：市政府办公室、市发改委）",
                                    "（分管副市长：张同生；责任单位：市政府办公室、市发改委）"])
def test_officials_of_any_title_before_the_units_are_no_units(marker: str) -> None:
    # On the item's line and on a line of its own below it.
    for plan in (_plan("（一）编制13个专项规划。" + marker), _plan("（一）编制13个专项规划。", marker)):
        assert _units(plan, "一", "（一）") == [("市政府办公室", R), ("市发改委", R)]


@pytest.mark.parametrize("officials", ["责任秘书长", "牵头秘书长", "牵头副市长"])
def test_a_column_of_officials_is_no_unit_column(officials: str) -> None:
    plan = parse(f"某市2010年重点工作责任分解\n序号\t工作任务\t{officials}\t责任单位\n"
                 "1\t编制13个专项规划\t李振峰\t市政府办公室\n")
    assert _units(plan, "1") == [("市政府办公室", R)]


def test_a_page_opening_at_a_heading_with_its_officials_in_brackets_keeps_the_heading() -> None:
    plan = parse("三、六项保障措施（牵头领导：张同生、赵建华、施炎、徐开信、肖云汉）\n"
                 "1.建立强有力的推进工作体系。\n（责任单位：市政府办公室）\n2.编制规划。\n（责任单位：市发改委）\n")
    assert _paths(plan) == [("三",), ("三", "1"), ("三", "2")]
    assert _units(plan, "三") == []


def test_a_second_list_under_a_title_of_its_own_restarts_beside_the_first() -> None:
    plan = parse("三、六项保障措施\n1.建立推进工作体系。（责任单位：市政府办公室）\n"
                 "2.编制规划。（责任单位：市发改委）\n沿海开发十大重点争取推进事项\n（2010年2月，成立专门工作班子）\n"
                 "1.建设石化基地。（责任单位：徐圩新区管委会）\n2.建设区域性金融中心。（责任单位：市政府金融办）\n")
    assert [tuple(n.path) for n in plan.nodes if n.style != "annex"] == [
        ("三",), ("三", "1"), ("三", "2"), ("附文", "1"), ("附文", "2")]
    assert _units(plan, "附文", "1") == [("徐圩新区管委会", R)]
    assert "沿海开发" not in next(n for n in plan.nodes if n.path == ["三", "2"]).text
    # A restart with no title line before it is no second list: the item above goes on.
    run_on = parse("三、六项保障措施\n1.建立推进工作体系。\n2.编制规划。\n1.建设石化基地。\n")
    assert _paths(run_on) == [("三",), ("三", "1"), ("三", "2")]


def test_one_name_of_no_known_shape_does_not_lose_a_marker_line() -> None:
    plan = _plan("（一）推进城市更新。", "责任单位：区住建委、区财政局、区国资委、区属重点企业等")
    assert [n for n, _ in _units(plan, "一", "（一）")] == ["区住建委", "区财政局", "区国资委", "区属重点企业"]
    # A prose line behind the label is still no marker.
    prose = _plan("（一）推进城市更新。", "责任单位：要加强统筹协调，确保按期完成")
    assert _units(prose, "一", "（一）") == []


@pytest.mark.parametrize("head, title", [
    ("辽政办发〔2012〕53号\n辽宁省人民政府办公厅关于落实\n东北振兴“十二五”规划任务分工的通知\n各市人民政府：\n",
     "辽宁省人民政府办公厅关于落实东北振兴“十二五”规划任务分工的通知"),
    ("国务院中医药工作部际联席会议办公室\n2017年2月10日\n中医药发展战略规划纲要\n（2016—2030年）实施分工方案\n",
     "中医药发展战略规划纲要（2016—2030年）实施分工方案"),
])
def test_a_title_wrapped_over_two_lines_is_joined(head: str, title: str) -> None:
    plan = parse(head + "一、主要任务\n（一）推进改革。（省发展改革委负责）\n")
    assert plan.title == title


_TARGET_TABLE_ROWS = [
    ("1", "主要预期目标", "1.地区生产总值增长5%以上。", "钱宇", "★区发改委、统计局"),
    ("", "", "2.一般公共预算收入同口径增长6%以上。", "", "★区财政局、税务局"),
    ("2", "科技创新", "1.新增高新技术企业200家。", "方勇", "区科技局"),
]
_TARGET_TABLE_PATHS = [("一",), ("一", "1"), ("一", "1", "1"), ("一", "1", "2"), ("一", "2"), ("一", "2", "1")]


def _check_target_table(plan: Plan) -> None:
    assert _paths(plan) == _TARGET_TABLE_PATHS
    assert _units(plan, "一", "1") == []
    assert _units(plan, "一", "1", "1") == [("区发改委", L), ("统计局", R)]
    assert _units(plan, "一", "1", "2") == [("区财政局", L), ("税务局", R)]
    assert _units(plan, "一", "2", "1") == [("区科技局", R)]


def test_numbered_items_in_a_rows_task_cell_are_its_items_and_a_star_marks_the_lead() -> None:
    header = "序号\t项目\t重点工作目标任务\t牵头领导\t责任单位\n一、2024年全区经济社会发展主要预期目标\n"
    _check_target_table(parse("区政府2024年重点工作目标任务分解落实方案\n" + header
                              + "".join("\t".join(r) + "\n" for r in _TARGET_TABLE_ROWS)))


def test_numbered_items_under_merged_cells_of_a_web_table_are_the_rows_items() -> None:
    from luoshi.plandoc import load, parse_source
    html = ("<html><body><p>区政府2024年重点工作目标任务分解落实方案</p><table>"
            "<tr><td>序号</td><td>项目</td><td>重点工作目标任务</td><td>牵头领导</td><td>责任单位</td></tr>"
            "<tr><td colspan=5>一、2024年全区经济社会发展主要预期目标</td></tr>"
            "<tr><td rowspan=2>1</td><td rowspan=2>主要预期目标</td><td>1.地区生产总值增长5%以上。</td>"
            "<td rowspan=2>钱宇</td><td>★区发改委、统计局</td></tr>"
            "<tr><td>2.一般公共预算收入同口径增长6%以上。</td><td>★区财政局、税务局</td></tr>"
            "<tr><td>2</td><td>科技创新</td><td>1.新增高新技术企业200家。</td><td>方勇</td><td>区科技局</td></tr>"
            "</table></body></html>")
    _check_target_table(parse_source(load(html.encode(), filename="plan.html")))


def test_a_web_table_whose_rows_open_with_a_pipe_and_whose_cells_close_with_one() -> None:
    # A crawler wrote each <tr> as '| ' and each <td> as 'text |', one cell a line; the table has no task column:
    # the row's text is its 考核指标, not the 责任单位 beside its number.
    cells = ["| 序号 |", "责任单位 |", "考核指标 |", "完成时限 |",
             "| 1 |", "区民政局 |", "按月完成临时救助的审核确认工作。 |", "2025年12月底 |",
             "| 2 |", "区财政局 |", "及时足额发放城乡低保金。 |", "2025年12月底 |"]
    plan = parse("| 2025年度区民政局重点工作任务分解 |\n" + "\n".join(cells) + "\n")
    assert _paths(plan) == [("1",), ("2",)]
    assert [n.text for n in plan.nodes] == ["按月完成临时救助的审核确认工作。", "及时足额发放城乡低保金。"]
    assert _units(plan, "1") == [("区民政局", R)]
    assert _units(plan, "2") == [("区财政局", R)]


def test_a_numbered_table_of_towns_is_named_by_its_towns() -> None:
    plan = parse("各街镇指标分解表\n序号\t街镇\t投放点微更新（个）\t精品居住区（个）\n"
                 "1\t宝山路街道\t62\t3\n2\t共和新路街道\t40\t2\n小计\t\t102\t5\n")
    assert [(n.label, n.text) for n in plan.nodes] == [("1", "宝山路街道"), ("2", "共和新路街道")]


def test_sub_items_of_a_rows_task_cell_keep_the_cells_that_follow_them_one_a_line() -> None:
    # A web table one cell per line: row 1's 工作标准 cell lists (1)-(4), each with its own leader and unit
    # cells; cells merged over several sub-items stand after the first only ((3) has none).
    lines = ["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位",
             "1", "主要预期目标", "(1)地区生产总值增长5%左右。", "王旭锋", "区发改局", "经开区",
             "(2)一般公共预算收入保持稳定增长。", "区财政局",
             "(3)居民人均可支配收入与经济增长同步。",
             "(4)实际使用外资稳中提质。", "吴 伟", "区商务局", "新运集团", "金控集团",
             "2", "科技创新", "(1)新增高新技术企业200家。", "方勇", "区科技局", "各街道"]
    plan = parse("2025年主要目标任务责任分解表\n" + "\n".join(lines) + "\n")
    assert _units(plan, "1", "(2)") == [("区财政局", L)]
    assert _units(plan, "1", "(3)") == []
    assert _units(plan, "1", "(4)") == [("区商务局", L), ("新运集团", S), ("金控集团", S)]
    assert [n for n, _ in _units(plan, "2", "(1)")] == ["区科技局", "各街道"]


def test_a_cell_listing_its_entries_one_a_line_stays_one_cell() -> None:
    # One cell per line: the procedure cell lists its steps a line each, closed by ；: one cell, the unit after it.
    lines = ["序号", "事项名称", "需履行的程序", "承办单位", "拟决策时间",
             "1", "《开阳县国土空间总体规划》", "公众参与；", "专家论证；", "合法性审查；", "集体讨论决定。",
             "县自然资源局", "2023年6月30日",
             "2", "《开阳县林业发展规划》", "专家论证；", "集体讨论决定。", "县林业局", "2023年9月30日"]
    plan = parse("开阳县2023年度重大行政决策事项目录\n" + "\n".join(lines) + "\n")
    assert [(n.label, [u.name for u in n.units]) for n in plan.nodes] == [("1", ["县自然资源局"]), ("2", ["县林业局"])]


def test_a_cell_listing_several_items_keeps_the_units_on_its_row() -> None:
    plan = parse("某委2024年重点工作任务分工\n序号\t内容\t牵头部门\t配合部门\t2024年工作任务\n"
                 "1\t科学编制综合交通规划\t综合规划处\t委内各相关处室\t1.继续完善规划编制；2.编制区域综合交通规划。\n")
    assert _units(plan, "1") == [("综合规划处", L), ("委内各相关处室", S)]


def test_a_web_table_one_cell_per_line_between_pipe_lines_with_merged_cells() -> None:
    lines = ["序号", "|", "项目", "|", "重点工作目标任务", "|", "牵头领导", "|", "责任单位", "|",
             "一、2024年全区经济社会发展主要预期目标", "|", "||||",
             "1", "|", "主要预期目标", "|", "1.地区生产总值增长5%以上。", "|", "钱宇", "|", "★区发改委、统计局", "|",
             # 序号, 项目 and 牵头领导 merged down: left out, padded at the row's end
             "2.一般公共预算收入同口径增长6%以上。", "|", "★区财政局、税务局", "|", "|||",
             "2", "|", "科技创新", "|", "1.新增高新技术企业200家。", "|", "方勇", "|", "区科技局", "|"]
    _check_target_table(parse("区政府2024年重点工作目标任务分解落实方案\n" + "\n".join(lines) + "\n"))


def test_a_bare_list_with_one_unit_of_no_known_shape_and_a_lead_rule_after_a_full_stop() -> None:
    plan = _plan("（一）切实增强粮食安全意识。（市发改委、市农委、市商务粮食局、各县市区人民政府、中储粮株洲直属库。"
                 "排名第一的为牵头单位，下同）")
    assert _units(plan, "一", "（一）") == [("市发改委", L), ("市农委", S), ("市商务粮食局", S),
                                         ("各县市区人民政府", S), ("中储粮株洲直属库", S)]


def test_a_blanket_rule_after_the_list_inside_a_marker_keeps_the_list() -> None:
    plan = _plan("（一）严格环境准入。（市生态环境局牵头，市发改委、市经信局等参与，"
                 "各县、区人民政府（管委会）负责落实。以下均需各县、区人民政府（管委会）落实，不再列出）",
                 "（二）严控两高行业产能。（市经信局牵头）")
    assert _units(plan, "一", "（一）") == [("市生态环境局", L), ("市发改委", S), ("市经信局", S),
                                         ("各县、区人民政府（管委会）", R)]
    assert ("各县、区人民政府（管委会）", R) in _units(plan, "一", "（二）")


@pytest.mark.parametrize(("first", "blanket"), [
    # A condition between the verb and 不再列出.
    ("［市水务局牵头，市工信委、城乡建设局配合，各县（市）区政府负责落实。以下均需各县（市）区政府落实，"
     "区政府无相关工作职能的，由市政府直属责任部门负责相关工作，不再列出］", "各县（市）区政府"),
    # An exception between 以下 and 均.
    ("（体育总局和地方人民政府负责。以下除特别指出的外均需地方人民政府负责，不再列出）", "地方人民政府"),
])
def test_a_blanket_rule_with_a_condition_or_an_exception_inside_a_marker(first: str, blanket: str) -> None:
    plan = _plan("（一）控制用水总量。" + first, "（二）全面推进节水。（市水务局牵头）")
    assert blanket in [name for name, _ in _units(plan, "一", "（一）")]
    assert "市政府直属责任部门" not in [name for name, _ in _units(plan, "一", "（一）")]
    assert (blanket, R) in _units(plan, "一", "（二）")


@pytest.mark.parametrize(("marker", "expected"), [
    ("（责任单位：☆经信局、科技局。标☆的为牵头单位，下同。）", [("经信局", L), ("科技局", R)]),
    ("（新区科技和人才局〈区科技局〉牵头）", [("新区科技和人才局〈区科技局〉", L)]),
    ("（牵头单位：区经委、佘山镇和车墩镇）", [("区经委", L), ("佘山镇", L), ("车墩镇", L)]),
])
def test_a_marked_lead_a_name_with_its_alias_in_brackets_and_towns_joined_by_he(
        marker: str, expected: list[tuple[str, str]]) -> None:
    assert _units(_plan("（一）推进人工智能赋能制造业。" + marker), "一", "（一）") == expected


def test_a_page_opening_mid_list_puts_a_higher_heading_beside_the_items_it_opened_with() -> None:
    plan = parse("（民政部、商务部按职责分工负责）\n（十四）促进区域协调发展。（国家发展改革委负责）\n"
                 "（十五）推动体育数字化发展。（工业和信息化部负责）\n六、强化产业要素支撑\n"
                 "（十六）加强人才队伍建设。（教育部、人力资源社会保障部、体育总局按职责分工负责）\n")
    assert _paths(plan) == [("（十四）",), ("（十五）",), ("六",), ("六", "（十六）")]
    assert [name for name, _ in _units(plan, "六", "（十六）")] == ["教育部", "人力资源社会保障部", "体育总局"]
    # Opening on a heading over numbered items: the higher heading stands above both levels it found open.
    nested = parse("（十六）更大力度强科创。\n61.深化产学研合作。（责任单位：县科技局）\n"
                   "62.推进质量强省示范县创建。（责任单位：县市场监管局）\n六、打好民生改善持久战\n"
                   "（十七）办好人民满意教育。\n63.坚持教育优先发展。（牵头单位：县教育局；责任单位：县财政局）\n")
    assert _paths(nested) == [("（十六）",), ("（十六）", "61"), ("（十六）", "62"), ("六",), ("六", "（十七）"),
                              ("六", "（十七）", "63")]
    assert _units(nested, "六", "（十七）", "63") == [("县教育局", L), ("县财政局", R)]


def test_a_blanket_rule_reaches_the_later_tasks_not_the_schedule_after_them() -> None:
    plan = parse("某局燃气安全专项整治工作方案\n二、整治内容\n（一）燃气具安全\n"
                 "1.开展燃气具产品质量抽查。（市局质量处牵头，以下均需区市场监管局落实，不再单独列出）\n"
                 "2.开展燃气具生产企业监督检查。\n三、监管措施\n（一）强化执法。（市局执法总队牵头）\n"
                 "四、时间安排\n（一）动员部署阶段。2023年5月底前完成。\n")
    assert ("区市场监管局", R) in _units(plan, "二", "（一）", "1")
    assert ("区市场监管局", R) in _units(plan, "二", "（一）", "2")   # its part, no marker of its own
    assert ("区市场监管局", R) in _units(plan, "三", "（一）")       # a later task with a marker of its own
    assert _units(plan, "四", "（一）") == []                           # the schedule is no task


def test_a_flattened_page_with_one_part_opens_its_outline_after_the_preambles_colon() -> None:
    plan = parse("2016年食品安全重点工作安排 2015年，全国食品安全形势持续稳定向好，但食品安全基础依然薄弱。为贯彻有关"
                 "精神，进一步提高食品安全治理能力，现就2016年食品安全重点工作作出如下安排： "
                 "一、加快完善食品安全法规制度 "
                 "全面宣传贯彻新修订的食品安全法。（食品药品监管总局、国务院食品安全办负责）推动制修订农产品质量安全法。"
                 "（农业部负责）\n")
    assert _paths(plan) == [("一",)]
    assert [name for name, _ in _units(plan, "一")] == ["食品药品监管总局", "国务院食品安全办", "农业部"]


@pytest.mark.parametrize(("line", "expected"), [
    ("二、主要任务(一)加强基础设施建设。", [("一",), ("二",), ("二", "(一)"), ("二", "(一)", "1")]),
    # A title with a comma, or a sub-label of another rank, is a sentence: no heading run on.
    ("二、主要任务，1.加强基础设施建设。", [("一",), ("二",), ("二", "1")]),
])
def test_a_headings_title_run_on_into_its_first_item(line: str, expected: list[tuple[str, ...]]) -> None:
    plan = parse("某市创建国家卫生城市工作方案\n一、指导思想\n坚持以人民为中心。\n" + line
                 + "\n1.改造城市棚户区。（责任单位：市城建局）\n")
    assert _paths(plan)[:len(expected)] == expected


def test_an_excerpt_may_start_its_list_at_any_number_the_next_line_continues() -> None:
    plan = parse("国务院关于落实政府工作报告重点工作部门分工的意见（摘录）\n"
                 "（二十四）健全城乡融合发展体制机制。（国家发展改革委、农业农村部负责）\n"
                 "（二十五）推进农业供给侧结构性改革。（农业农村部牵头）\n")
    assert _paths(plan) == [("（二十四）",), ("（二十五）",)]
    # The list of annexes after '附件：1.…' is no outline, however it is numbered.
    listed = parse("某区实施方案\n一、总体要求\n（一）推进改革。\n附件：1.联席会议成员单位工作任务清单\n"
                   "2.街镇目标任务分解表\n3.工作指标\n")
    assert _paths(listed) == [("一",), ("一", "（一）"), ("附件",)]


def test_a_label_naming_two_bodies_with_a_remark_before_its_colon() -> None:
    plan = _plan("（一）加强党的建设。",
                 "责任处室、单位（按处室、单位顺序排列，下同）：秘书处、办公室、组干处、人事处（人才工作处）。")
    assert [n for n, _ in _units(plan, "一", "（一）")] == ["秘书处", "办公室", "组干处", "人事处（人才工作处）"]


@pytest.mark.parametrize("head, title", [
    ("手机版\n首页 > 纲要规划\n《广东省妇女发展规划（2011—2020年）》目标责任分解书\n来源：本网 时间：2014-02-12\n"
     "《广东省妇女发展规划（2011—2020年）》目标责任分解书\n",
     "《广东省妇女发展规划（2011—2020年）》目标责任分解书"),
    ("湖北省人民政府办公厅\n《政府工作报告》重点工作责任分解\n", "《政府工作报告》重点工作责任分解"),
])
def test_a_title_keeps_its_opening_quoted_name_and_no_page_byline(head: str, title: str) -> None:
    plan = parse(head + "一、主要任务\n（一）推进改革。（省发展改革委负责）\n")
    assert plan.title == title


def test_a_table_one_cell_per_line_without_a_number_column_gives_its_unit_lines_to_the_row_above() -> None:
    plan = parse("《某省妇女发展规划》目标责任分解书\n领域\n主要目标\n主要责任单位\n责任单位\n"
                 "1.妇女享有良好的基本卫生服务。\n——女性人均预期寿命延长。\n省卫生厅\n省发改委\n省财政厅\n"
                 "省人口计生\n"
                 "2.提高孕产妇医疗保健水平。\n——孕产妇死亡率控制在15/10万以内。\n省卫生厅\n新闻出版\n省公安厅\n")
    assert _paths(plan) == [("1",), ("2",)]
    # A department named by its field's short name among the unit lines (省人口计生, 新闻出版) is one of them.
    assert _units(plan, "1") == [("省卫生厅", R), ("省发改委", R), ("省财政厅", R), ("省人口计生", R)]
    assert _units(plan, "2") == [("省卫生厅", R), ("新闻出版", R), ("省公安厅", R)]


def test_a_wrapped_header_cell_and_a_list_starting_at_two_in_such_a_table() -> None:
    plan = parse("市人民政府办公室关于分解落实重点工作的通知\n重点工作\n主要\n任务\n工作措施\n牵头单位\n备注\n"
                 "一、加大财政金融支持力度\n（一）加强对防疫重点企业财税支持\n市税务局等，各县、市、区政府\n2020年12月\n"
                 "2.纳入技术改造设备购置补助范围。\n市经信局、市财政局等\n"
                 "3.对统一征用的防控物资给予补贴。\n市财政局\n")
    assert _paths(plan) == [("一",), ("一", "（一）"), ("一", "（一）", "2"), ("一", "（一）", "3")]
    assert _units(plan, "一", "（一）") == [("市税务局", L), ("各县、市、区政府", L)]
    assert _units(plan, "一", "（一）", "2") == [("市经信局", L), ("市财政局", L)]
    # Outside such a table a line naming a unit is a signature, not a duty.
    signed = parse("某区实施方案\n一、主要任务\n（一）推进改革。\n某区人民政府办公室\n")
    assert _units(signed, "一", "（一）") == []


def test_a_unit_followed_by_its_duty_in_any_words_after_an_attribution_of_duties() -> None:
    plan = _plan("（一）扩大有效投资。（省发展改革委牵头，省财政厅、各地级以上市人民政府按职责分工抓紧落实）")
    assert _units(plan, "一", "（一）") == [("省发展改革委", L), ("省财政厅", R), ("各地级以上市人民政府", R)]


def test_a_table_one_cell_per_line_with_columns_of_no_known_role_and_numbers_in_its_cells() -> None:
    cells = ["序号", "项目名称", "建设地点", "建设时间", "年度投资金额（万元）", "责任单位",
             "1", "中小学幼儿园基础设施提升改造项目", "相关镇（街道）", "2024", "300", "县教体局",
             "2", "城北小学门前道路建设项目", "纸坊街道", "2024", "300", "县住建局"]
    plan = parse("洋县2024年民生实事项目\n" + "".join(c + " |\n" for c in cells))
    assert _paths(plan) == [("1",), ("2",)]
    assert _units(plan, "1") == [("县教体局", R)]
    assert _units(plan, "2") == [("县住建局", R)]


def test_a_row_that_lost_merged_cells_puts_each_cell_in_the_column_it_fits() -> None:
    cells = ["序号", "主要任务", "全年目标任务", "分管领导", "牵头单位", "责任主体与协同单位", "1-10月推进情况", "说明",
             # 全年目标任务 merged with 主要任务 (colspan): the row has one cell fewer
             "24", "优化提升50条背街后巷交通组织。", "徐国江", "城管局", "市政局、相关街道",
             "已进场施工，完成30%。", "无"]
    plan = parse("2023年区政府重点民生实事项目推进情况\n" + "\n".join(cells) + "\n")
    assert _paths(plan) == [("24",)]
    assert _units(plan, "24") == [("城管局", L), ("市政局", S), ("相关街道", S)]


def test_a_blanket_rule_after_a_semicolon_inside_a_marker_and_a_lead_rule_naming_the_work() -> None:
    plan = _plan("（一）压实安全责任。（市应急管理局牵头，市公安局、市交通运输局等各有关部门分工负责；"
                 "以下各项工作均需各县区、兰州高新区具体落实，不再注明）",
                 "（二）强化督查检查。（市安委办负责）")
    assert _units(plan, "一", "（一）")[:3] == [("市应急管理局", L), ("市公安局", R), ("市交通运输局", R)]
    assert {"各县区", "兰州高新区"} <= {n for n, _ in _units(plan, "一", "（二）")}
    ruled = _plan("（一）推进数字化改革。",
                  "责任单位：市大数据局、市经信局、市发改委（列第一位者为工作牵头单位或汇总单位，下同）")
    assert _units(ruled, "一", "（一）") == [("市大数据局", L), ("市经信局", S), ("市发改委", S)]


def test_a_table_set_apart_by_spaces_whose_text_columns_hold_spaces() -> None:
    plan = parse("平顶山市全面推行河长制主要任务分解表\n"
                 "序号 类别 主要任务 细化措施 牵头单位 参与单位 责任单位\n"
                 "1 加强水资源保 护 严守水资源开发利用控制红线 实施双控行动。 市水利局 市发改委、市住建局"
                 " 各县（市、区）人民政府\n"
                 "2  严守用水 效率控制 红线 落实用水效率评估体系。 市水利局 市统计局 各县（市、区）人民政府\n")
    assert _paths(plan) == [("1",), ("2",)]
    assert _units(plan, "1") == [("市水利局", L), ("市发改委", S), ("市住建局", S), ("各县（市、区）人民政府", R)]
    assert "严守水资源开发利用控制红线" in plan.nodes[0].text


def test_a_blanket_rule_closing_a_labelled_marker_keeps_every_list_of_the_marker() -> None:
    plan = _plan("（一）深化政务服务网上办。（牵头单位：市行政审批服务局；责任单位：市直有关部门、单位，各区市政府。"
                 "以下任务均需各区市政府落实，不再一一列出）")
    assert [n for n, _ in _units(plan, "一", "（一）")] == ["市行政审批服务局", "市直有关部门", "各区市政府"]


def test_an_excerpt_may_open_with_a_heading_of_any_number_over_its_items() -> None:
    plan = parse("国务院办公厅关于进一步优化营商环境的通知（续）\n七、强化组织领导\n"
                 "（二十一）加强统筹协调。（国家发展改革委牵头）\n（二十二）开展营商环境评价。（国家发展改革委负责）\n")
    assert _paths(plan) == [("七",), ("七", "（二十一）"), ("七", "（二十二）")]


def test_units_after_by_set_apart_by_commas_a_label_glued_to_a_word_and_a_city_named_cheng() -> None:
    plan = _plan("（一）加快铁路建设。",
                 "由漯阜铁路公司、市发展改革委，川汇区、项城市、沈丘县人民政府，市经济开发区管委会负责落实")
    assert [n for n, _ in _units(plan, "一", "（一）")] == [
        "漯阜铁路公司", "市发展改革委", "川汇区", "项城市", "沈丘县人民政府", "市经济开发区管委会"]
    flat = _plan("（一）轨道交通1号线一期工程投入试运营。 牵头领导：林静国 责任单位：市轨道交通工程建设指挥部"
                 " 项目责任人：尹文德 实际完成情况：已通车试运营。")
    assert _units(flat, "一", "（一）") == [("市轨道交通工程建设指挥部", R)]


def test_a_date_spaced_out_by_its_page_is_a_date() -> None:
    plan = parse("某区工作任务分工\n一、主要任务\n（一）推进改革。（区发改委负责）\n"
                 "某区人民政府办公室\n2019 年 4 月 16 日\n")
    assert plan.issued_on == "2019-04-16"


def test_a_digest_quoting_one_item_of_a_heading_keeps_its_number() -> None:
    plan = parse("国务院关于落实政府工作报告重点工作部门分工的意见（摘录）\n二、推进大众创业万众创新\n"
                 "（五）充分释放全社会创业创新潜能。（科技部、发展改革委牵头）\n")
    assert _paths(plan) == [("二",), ("二", "（五）")]
    assert _units(plan, "二", "（五）") == [("科技部", L), ("发展改革委", L)]


def test_a_rule_that_names_the_supporting_units_of_every_item_but_those_marked() -> None:
    plan = parse("市政府2018年重点工作责任分解\n除特别注明的外，各县（市、区）政府和金华开发区管委会都是配合单位。\n"
                 "一、重点任务\n1.推进产业升级。\n牵头单位：市发改委\n2.(市经信局总牵头)推进数字经济。\n")
    assert _units(plan, "一", "1") == [("市发改委", L), ("各县（市、区）政府", S), ("金华开发区管委会", S)]
    assert ("市经信局", L) in _units(plan, "一", "2")


# '一．做大做强主导产业' is as short as a header cell and has no 、 to show it is not one.
@pytest.mark.parametrize("section", ["一、做大做强主导产业", "一．做大做强主导产业"])
def test_a_section_row_between_a_one_cell_per_line_header_and_its_first_row(section: str) -> None:
    cells = ["序号", "重点任务", "牵头单位", section, "1", "推进食品产业集群发展。", "区发改局",
             "2", "培育壮大装备制造产业。", "区工信局"]
    plan = parse("辽中区2024年政府工作报告任务分解表\n" + "\n".join(cells) + "\n")
    assert _paths(plan) == [("一",), ("一", "1"), ("一", "2")]
    assert _units(plan, "一", "2") == [("区工信局", L)]


def test_rules_after_a_full_stop_inside_markers_with_a_condition_or_a_note_on_listing() -> None:
    plan = _plan("（一）深化国资国企改革。（省国资委牵头。明确牵头部门的，有关部门配合，不逐一列出，下同）"
                 "推进工业转型升级。（省经信委、省发改委负责。责任单位两个以上的，列第一者为牵头单位，下同）",
                 "（二）扩大有效投资。（省发改委、省财政厅负责）")
    assert _units(plan, "一", "（一）") == [("省国资委", L), ("省经信委", L), ("省发改委", S)]
    assert _units(plan, "一", "（二）") == [("省发改委", L), ("省财政厅", S)]


def test_portal_rows_naming_the_document_number_and_the_date_of_issue_otherwise() -> None:
    plan = parse("| 文件号 | 苏政办发〔2025〕45号 |\n| 制发日期 | 2025-12-23 |\n某省特色产业发展意见\n"
                 "一、重点任务\n（一）培育特色产业。（省工信厅负责）\n")
    assert (plan.doc_number, plan.issued_on) == ("苏政办发〔2025〕45号", "2025-12-23")


def test_tables_one_cell_per_line_with_an_unnumbered_section_row_and_units_one_per_line() -> None:
    cells = ["序号", "名称", "工作任务", "主要责任单位", "经济社会发展主要预期目标分解（15项）",
             "1", "地区生产总值", "地区生产总值增长12%", "市发改委、统计局",
             "2", "财政收入", "地方财政一般预算收入增长12%以上", "市财政局"]
    plan = parse("苏州市2011年政府工作任务分解表\n" + "\n".join(cells) + "\n")
    assert [p[-1] for p in _paths(plan)][-2:] == ["1", "2"]
    assert _units(plan, *_paths(plan)[-1]) == [("市财政局", R)]
    stacked = parse("2016年民生实事目标任务分解表\n" + "\n".join(
        ["序号", "民生实事", "责任单位", "完成时限", "1", "启动东柳河综合治理。", "县水务局", "县住建局", "12月底前",
         "2", "新建2座人行天桥。", "县住建局", "9月投入使用"]) + "\n")
    assert _units(stacked, "1") == [("县水务局", R), ("县住建局", R)]


def test_a_table_one_cell_per_line_with_a_header_note_wrapped_and_rows_that_lost_merged_cells() -> None:
    # A county bureau's table: '责任股室' / '（单位）' is one header cell; the sections (股) are units; a row that
    # lost its merged cells lists its units one a line, before the notes column.
    cells = ["序号", "指标", "工作任务", "完成时限", "责任领导", "责任股室", "（单位）", "备注",
             "1", "公共文化服务", "免费开放服务人次较上年增长15%。", "12月底前", "夏俊贵", "文化宣传股",
             "文化馆", "图书馆",
             "2", "非遗保护", "完成非遗展厅布展任务。", "羌研会", "灵岩寺博物馆",
             "3", "旅游项目", "实施景区综合开发等4个重点项目建设。", "文物股", "郙阁公司"]
    plan = parse("略阳县文化和旅游局2019年目标任务分解表\n" + "\n".join(cells) + "\n")
    assert _paths(plan) == [("1",), ("2",), ("3",)]
    assert _units(plan, "1") == [("文化宣传股", R), ("文化馆", R), ("图书馆", R)]
    assert _units(plan, "2") == [("羌研会", R), ("灵岩寺博物馆", R)]
    assert _units(plan, "3") == [("文物股", R), ("郙阁公司", R)]


def test_a_table_one_cell_per_line_whose_category_column_comes_before_the_numbers() -> None:
    # '任务类型' merged over the rows of each group: written once, before the group's first number; a row
    # under it, or whose units are merged with the rows above, has fewer lines. '推进单位' names the units.
    cells = ["任务类型", "序号", "工作任务", "推进单位",
             "行动一：再造发展新极行动",
             "1", "推进走马塘片区规划研究", "区规划资源局、区建设管理委",
             "2", "推进大徐家阁地区规划研究", "区规划资源局、大宁集团",
             "行动二：重塑美丽新居行动",
             "旧区改造", "3", "全面完成零星二级旧里以下房屋改造", "区房管局、各相关街镇",
             "旧住房更新改造", "4", "推进小梁薄板等老旧住房成套改造。",
             "5", "完成既有多层住宅加装电梯700台",
             "“美丽家园”建设", "6", "创建20个新时代“美丽家园”特色小区", "区房管局"]
    plan = parse("某区城市更新行动重点任务清单\n" + "\n".join(cells) + "\n")
    assert [p[-1] for p in _paths(plan)] == ["1", "2", "3", "4", "5", "6"]
    assert [n.text for n in plan.nodes][3:5] == ["推进小梁薄板等老旧住房成套改造。", "完成既有多层住宅加装电梯700台"]
    assert _units(plan, *_paths(plan)[0]) == [("区规划资源局", R), ("区建设管理委", R)]
    assert _units(plan, *_paths(plan)[2]) == [("区房管局", R), ("各相关街镇", R)]
    assert [_units(plan, *path) for path in _paths(plan)[3:5]] == [[], []]
    assert _units(plan, *_paths(plan)[5]) == [("区房管局", R)]


def test_a_table_one_cell_per_line_with_a_header_cell_wrapped_after_a_body_and_leaders_one_a_line() -> None:
    # '区政府' / '分管领导' is one header cell; three leaders stand one a line in it; 目标名称 names the row and
    # 工作标准 holds its own items ('(1)…').
    cells = ["序号", "目标名称", "工 作 标 准", "区政府", "分管领导", "牵头单位", "配合单位",
             "1", "四大功能区建设", "(1)老城复兴样板区要见成效，年内完成37个老旧小区改造任务。",
             "王旭锋", "胡金芳", "王行杰", "住建局", "新闸街道、五星街道，发改局、财政局",
             "2", "高质量发展", "(1)规上工业增加值增长8%。", "李明", "工信局", "统计局"]
    plan = parse("2022年《政府工作报告》主要目标任务责任分解表\n" + "\n".join(cells) + "\n")
    assert _paths(plan) == [("1",), ("1", "(1)"), ("2",), ("2", "(1)")]
    assert _units(plan, "1", "(1)") == [("住建局", L), ("新闸街道", S), ("五星街道", S), ("发改局", S),
                                        ("财政局", S)]
    assert _units(plan, "2", "(1)") == [("工信局", L), ("统计局", S)]


def test_a_unit_name_wrapped_in_its_cell_of_a_table_copied_one_cell_per_line() -> None:
    cells = ["序号", "重点工作", "牵头责任单位", "上半年落实情况",
             "1", "生活污水治理率达30%。", "市生态", "环境局", "已完成50个。",
             "2", "优势农业特色产业综合产值增长8%以上。", "市农业", "农村局", "同比增长14%。",
             "3", "新增治理面积91平方公里。", "市水利局", "已治理52平方公里。"]
    plan = parse("2024年重点工作及责任清单落实情况汇总表\n" + "\n".join(cells) + "\n")
    assert [_units(plan, path) for path in ("1", "2", "3")] == [
        [("市生态环境局", L)], [("市农业农村局", L)], [("市水利局", L)]]


def test_a_table_one_cell_per_line_whose_content_cell_lists_its_items_a_line_each() -> None:
    cells = ["序号", "任务内容", "责任单位",
             "1", "1. 强化党组织领导下的生活垃圾分类多方参与机制。", "2. 紧扣重要时间节点开展宣传。",
             "3. 夯实全程分类体系基础，完成289个投放点改造。", "区绿化市容局",
             "2", "融入基层治理“多格合一”。", "区社工部",
             "3", "1. 进一步强化医疗机构分类投放管理。", "2. 持续推进垃圾分类进医院。", "区卫健委"]
    plan = parse("2025年生活垃圾分类减量推进工作任务清单\n" + "\n".join(cells) + "\n")
    # The items of a row's cell nest under it, whatever their numbering; the rows after stand where it does.
    assert _paths(plan) == [("1",), ("1", "1"), ("1", "2"), ("1", "3"), ("2",), ("3",), ("3", "1"), ("3", "2")]
    assert _units(plan, "1") == [("区绿化市容局", R)]
    assert _units(plan, "2") == [("区社工部", R)]
    assert _units(plan, "3") == [("区卫健委", R)]


def test_a_table_copied_one_cell_per_line_without_its_header_row() -> None:
    # An annex's indicator table whose header row was lost: numbered rows (some flagged *), each with its
    # indicator, definition, unit of measure, department and a note; a group's name between the rows.
    cells = ["品质宜居",
             "*1", "千人社区养老服务设施面积", "全区每千名常住人口拥有的社区养老服务设施面积", "㎡/千人", "区民政局",
             "请提供各类社区养老设施点位清单",
             "2", "人均体育场地面积", "全区建成区内常住人口人均拥有的体育场地面积", "㎡/人", "区体育局",
             "安全韧性",
             "*3", "城市常年积水内涝点数量", "建成区内常年积水内涝点的数量", "个", "区水务局、区交通委",
             "4", "公共厕所服务优良率", "全区测评得分大于80分的公共厕所占测评公共厕所的比例", "%", "区绿化市容局"]
    plan = parse("附件1\n2026年上海市城市体检基本指标体系(区级)\n" + "\n".join(cells) + "\n")
    assert [p[-1] for p in _paths(plan)] == ["1", "2", "3", "4"]
    assert [n.text for n in plan.nodes if n.label in ("1", "2")] == ["千人社区养老服务设施面积", "人均体育场地面积"]
    assert _units(plan, "1") == [("区民政局", R)]
    assert _units(plan, "3") == [("区水务局", R), ("区交通委", R)]
    assert _units(plan, "4") == [("区绿化市容局", R)]
    # A web table with a line of pipes after every cell: a group's heading merged over its rows stands after
    # the first row's number; a row's units one a line, its leader and date after them.
    cells = ["1", "一、经济社会发展的主要预期目标", "农村常住居民人均可支配收入与全省同步增长。", "法规科", "潘秀峰",
             "2024年底前", "2", "粮食产量100亿斤以上。", "市农技中心", "卢伯瑛", "2024年底前",
             "3", "二、加快新型工业化进程", "发展预制菜产业，产值突破100亿元。", "产业科", "市畜牧中心", "孙永峰",
             "2024年底前"]
    piped = parse("2024年市政府工作报告重点任务分解\n" + "\n|\n".join(cells) + "\n|\n")
    assert _paths(piped) == [("一",), ("一", "1"), ("一", "2"), ("二",), ("二", "3")]
    assert _units(piped, "一", "1") == [("法规科", R)]
    assert _units(piped, "二", "3") == [("产业科", R), ("市畜牧中心", R)]
    # Numbered lines without units are a list, not a table.
    listed = parse("某区工作方案\n一、工作步骤\n1\n动员部署\n2024年3月\n2\n组织实施\n2024年6月\n"
                   "3\n总结验收\n2024年9月\n")
    assert all(not n.units for n in listed.nodes)


def test_a_table_set_apart_by_spaces_with_section_rows_and_unit_cells_wrapped_onto_lines() -> None:
    plan = parse("谯城区2025年政府工作报告重点工作任务分解表\n序号 重点工作任务 主要责任单位 协同配合单位\n"
                 "一、2025年经济社会发展的主要预期目标\n"
                 "1 地区生产总值增长6.5%左右。 区发改委 区政府各部门，各乡镇人民政府\n"
                 "2 一般公共预算收入增长5%左右。 区财政局\n区税务局\n区政府有关部门，各乡镇人民政府。\n")
    assert _paths(plan) == [("一",), ("一", "1"), ("一", "2")]
    assert sorted(_units(plan, "一", "1")) == sorted([("区发改委", R), ("区政府各部门", S), ("各乡镇人民政府", S)])
    assert sorted(_units(plan, "一", "2")) == sorted([("区财政局", R), ("区税务局", R), ("区政府有关部门", S),
                                                     ("各乡镇人民政府", S)])


def test_a_table_set_apart_by_spaces_with_a_flagged_row_and_a_row_copied_one_cell_per_line() -> None:
    plan = parse("某县2021年度政府重点工作任务第一季度完成情况汇总表\n"
                 "序号 目标任务 牵头县领导 牵头责任单位 一季度完成情况\n"
                 "1 地区生产总值增长9%以上。 路 军 发展改革委 数据上报中\n"
                 "2\n单位生产总值能耗、主要污染物排放均控制在上级下达的目标以内。\n"
                 "路 军\n屈 磊\n发展改革委\n生态环境分局\n"
                 "发展改革委：单位生产总值能耗控制在目标以内。\n"
                 "★3 更深层次融入长三角产业分工协作。 路 军 发展改革委 已成功申报\n")
    assert _paths(plan) == [("1",), ("2",), ("3",)]
    assert _units(plan, "2") == [("发展改革委", L), ("生态环境分局", L)]
    assert _units(plan, "3") == [("发展改革委", L)]


def test_a_table_set_apart_by_spaces_whose_last_cell_of_free_text_holds_a_space() -> None:
    plan = parse("某县2025年县政府重点工作任务一季度完成情况\n序号 重点工作任务 牵头责任单位 一季度完成情况\n"
                 "1 地区生产总值增长6%以上。 县发改委 一季度地区生产总值增长6.8%\n"
                 "2 规模工业增加值增长4.5%。 县工信局 规模工业增加值增长 11.9%\n")
    assert _units(plan, "1") == [("县发改委", L)]
    assert _units(plan, "2") == [("县工信局", L)]


def test_a_star_before_a_unit_in_a_table_cell_marks_the_lead() -> None:
    plan = parse("2022年政府工作报告五年目标责任分解表\n| 序号 | 目标任务 | 责任单位 |\n"
                 "| 1 | 人才资源总量突破百万。 | *市委组织部（市委人才办）、 市人力社保局 |\n"
                 "| 2 | 研发投入强度达到3.5%。 | ＊市科技局、市统计局 |\n")
    assert _units(plan, "1") == [("市委组织部（市委人才办）", L), ("市人力社保局", R)]
    assert _units(plan, "2") == [("市科技局", L), ("市统计局", R)]


def test_a_column_of_units_of_measure_beside_the_targets_is_not_the_responsible_units() -> None:
    plan = parse("嵊泗县乡村振兴考核任务清单\n序号\t考核指标\t单位\t年度目标\t责任部门\t评分部门\n"
                 "1\t渔业产值增长率\t%\t5\t县海洋与渔业局\t市海洋渔业局\n"
                 "2\t高标准农田面积\t万亩\t0.2\t县农业农村局\t市农业农村局\n")
    assert _units(plan, "1") == [("县海洋与渔业局", R)]
    assert _units(plan, "2") == [("县农业农村局", R)]


def test_an_item_opening_with_its_date_and_a_unit_working_together_with_others() -> None:
    plan = parse("某区高层建筑消防安全整治方案\n一、工作步骤\n1.9月30日前，完成隐患排查。\n2.11月30日前，完成整改。\n"
                 "二、职责分工\n（一）区建设管理委会同区规划资源局、区消防救援支队等部门推进整治。\n")
    assert _paths(plan)[:3] == [("一",), ("一", "1"), ("一", "2")]
    assert plan.nodes[1].text.startswith("9月30日前")
    assert _units(plan, "二", "（一）") == [("区建设管理委", L), ("区规划资源局", S), ("区消防救援支队", S)]


def test_a_unit_working_together_with_a_long_list_of_departments() -> None:
    # An organisation paragraph naming 25 partners (150 characters) after 会同, mid-sentence.
    partners = [f"区{name}" for name in ("发展改革委", "经委", "教育局", "公安分局", "民政局", "财政局", "规划资源局",
                                        "生态环境局", "农业农村委", "科委", "住房保障局", "交通委", "水务局",
                                        "文化旅游局", "卫生健康委", "应急局", "市场监管局", "体育局", "统计局",
                                        "绿化市容局", "民防办", "政务服务办", "消防救援支队", "大数据中心",
                                        "城运中心")]
    plan = _plan("（一）组织保障。由分管副区长统筹协调重大事项，区建设管理委会同" + "、".join(partners)
                 + "等部门共同推进城市体检工作。")
    assert _units(plan, "一", "（一）") == [("区建设管理委", L), *((name, S) for name in partners)]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("区绿化市容局联合区房管局加强对街镇的指导。", [("区绿化市容局", L), ("区房管局", S)]),
    ("区绿化市容局联合区房管局、区城管执法局指导街镇加强宣传。",
     [("区绿化市容局", L), ("区房管局", S), ("区城管执法局", S)]),
    ("市规划资源局要会同市水务局、相关区政府加快研究并落实市级消纳场所。",
     [("市规划资源局", L), ("市水务局", S), ("相关区政府", S)]),
    ("区规土局要会同各街镇（管委会）对专项治理开展情况进行总结。", [("区规土局", L), ("各街镇（管委会）", S)]),
    ("区生态环境局、区城管执法局要会同区建设管理委和区水务局加强对跨省非法倾倒行为的查处。",
     [("区生态环境局", L), ("区城管执法局", L), ("区建设管理委", S), ("区水务局", S)]),
    ("区绿化市容局牵头各相关单位横向协作，优化上下联动机制。", [("区绿化市容局", L), ("各相关单位", S)]),
    ("区规划资源局牵头编制专项规划。", [("区规划资源局", L)]),
    ("区绿化市容局负责牵头明确各相关单位部门职责。", [("区绿化市容局", L)]),
    # 联合 naming no partner is no duty sentence: the units act together on something.
    ("区交通委和公安分局交管部门组织联合验收。", []),
    ("市经济信息化委和市生态环境局联合推进无废园区建设。", []),
])
def test_a_unit_working_together_with_partners_named_up_to_their_action(
        sentence: str, expected: list[tuple[str, str]]) -> None:
    plan = _plan("（一）加强协同。" + sentence)
    assert _units(plan, "一", "（一）") == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("县农委、经委、公安等部门要在行政审批等方面采取相应的整治措施。", [("县农委", R), ("经委", R), ("公安", R)]),
    ("县规划土地局、城管执法局等职能部门要支持乡镇做好执法力量保障。", [("县规划土地局", S), ("城管执法局", S)]),
    ("各涉农区政府、光明集团等有关单位要切实承担起耕地保护的责任。", [("各涉农区政府", R), ("光明集团", R)]),
    # Units that take on a duty or a responsibility by name.
    ("区民防办、应急管理局牵头，区发展改革委、规划资源局履行相应职责，各镇政府和头桥集团落实主体责任。",
     [("区民防办", L), ("应急管理局", L), ("区发展改革委", R), ("规划资源局", R), ("各镇政府", R), ("头桥集团", R)]),
    # 要 after units not closed by 等部门 is no duty sentence the parser can tell from an exhortation, nor is a
    # responsibility every unit is told to carry, nor what people (路长) do.
    ("各区、各部门要加强组织领导。", []),
    ("各街道、各部门、各单位要全面落实消防安全责任制。", []),
    ("副总路长协助总路长统筹协调，督导相关部门和下级路长履行职责。", []),
    ("如需相关职能部门支持配合，由区路长办公室牵头协调。", [("区路长办公室", L)]),
])
def test_units_closed_by_a_group_word_before_what_they_must_do(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _units(_plan("（一）落实责任。" + sentence), "一", "（一）") == expected


def test_the_members_of_what_a_unit_leads_and_the_units_it_leads_support_it() -> None:
    plan = _plan("（一）组织领导。成立工作专班，由区绿化市容局牵头，"
                 "区建管委、区交通委及各街镇、经开区为成员单位，统筹推进。",
                 "（二）联席会议。由副区长担任召集人，区发展改革委、区财政局为成员单位。",
                 "（三）区绿化市容局",
                 "开展专项普查。牵头区建管委、区城管执法局、区公安分局（交管），每周开展联合执法检查。",
                 "（四）区房管局", "开展排查。牵头推进装修垃圾管理。")
    assert _units(plan, "一", "（一）") == [("区绿化市容局", L), ("区建管委", S), ("区交通委", S), ("各街镇", S),
                                         ("经开区", S)]
    assert _units(plan, "一", "（二）") == []   # members of a meeting no unit leads: no duty named
    assert _units(plan, "一", "（三）") == [("区绿化市容局", R), ("区建管委", S), ("区城管执法局", S),
                                         ("区公安分局（交管）", S)]
    assert _units(plan, "一", "（四）") == [("区房管局", R)]


def test_a_marker_naming_supporting_units_as_zhicheng_danwei() -> None:
    plan = _plan("（一）推进城市更新。（牵头单位：区绿化市容局，支撑单位：相关街镇、区房管局）")
    assert _units(plan, "一", "（一）") == [("区绿化市容局", L), ("相关街镇", S), ("区房管局", S)]


def test_a_unit_named_by_each_of_several_markers_of_a_paragraph_keeps_each_duty() -> None:
    # Each marker covers the sentences since the one before it: a unit named by two of them answers for both
    # parts, in the role each gives it.
    text = ("1.实施能源消费总量和强度双控。（责任单位：县发改局）开展商品煤煤质抽检。"
            "（牵头单位：县市场监管局，责任单位：县发改局）严控高耗煤行业准入。（牵头单位：县发改局，责任单位：县行政审批局）")
    plan = _plan(text)
    node = next(n for n in plan.nodes if n.label == "1")
    assert [(u.name, u.role) for u in node.units] == [
        ("县发改局", R), ("县市场监管局", L), ("县发改局", R), ("县发改局", L), ("县行政审批局", R)]
    covered = [plan.source[u.covers[0]:u.covers[1]] for u in node.units if u.covers]
    assert covered[0].startswith("实施能源消费") and covered[-1].startswith("严控高耗煤")


def test_a_unit_named_by_the_markers_of_several_paragraphs_under_an_item_keeps_each_duty() -> None:
    plan = _plan("（一）推动经济稳定健康发展。",
                 "发挥消费的基础作用，营造安全放心消费环境。（省发展改革委、省商务厅负责）",
                 "发挥投资的关键作用，引导资金重点投向社会民生。（省发展改革委、省经济和信息化委负责）")
    node = next(n for n in plan.nodes if n.label == "（一）")
    assert [u.name for u in node.units] == ["省发展改革委", "省商务厅", "省发展改革委", "省经济和信息化委"]
    assert plan.source[slice(*node.units[2].covers)].startswith("发挥投资的关键作用")


def test_a_line_naming_the_related_departments_under_a_task() -> None:
    plan = _plan("（一）开展排摸建档。每年排摸新增拟列入下一年整治工作的内部道路。",
                 "相关部门：区建设管理委、区规划资源局、区公安分局、滨江集团、属地街道等。")
    assert _units(plan, "一", "（一）") == [("区建设管理委", R), ("区规划资源局", R), ("区公安分局", R),
                                         ("滨江集团", R), ("属地街道", R)]


def test_a_ministrys_own_department_named_after_a_within_the_office_label() -> None:
    plan = _plan("（一）推进知识产权综合管理改革。系统总结中心城市知识产权综合管理改革成效。",
                 "局内：专利管理司、知识产权运用促进司", "省份：全面创新改革试验区涉及省份必做；其他省份选做")
    assert _units(plan, "一", "（一）") == [("专利管理司", R), ("知识产权运用促进司", R)]


def test_a_unit_guiding_others_in_a_duty_sentence_supports() -> None:
    plan = _plan("（一）加强装修垃圾管理。区绿化市容局要加强指导，督促物业服务企业设置堆放场所；"
                 "区房管局统一指导各街镇。",
                 "（二）完善工作机制。区政府指导意见另行制定。")
    assert _units(plan, "一", "（一）") == [("区绿化市容局", S), ("区房管局", S)]
    assert _units(plan, "一", "（二）") == []


# -- text copied from a printed page ---------------------------------------------------------------------


def test_it_joins_the_lines_of_a_text_broken_at_every_margin() -> None:
    # A plan copied out of a PDF: each line broken at 28 characters, inside sentences, names and markers.
    paragraphs = [
        "某县2023年重点工作任务分解方案",
        "为确保全年各项目标任务顺利完成，经县政府研究同意，现将县政府工作报告确定的重点工作任务分解如下。",
        "一、持续推动经济高质量发展",
        "（一）加快工业转型升级。实施工业技改提升行动，新增规模以上工业企业20家，推动传统产业智能化改造，"
        "培育一批专精特新企业。（牵头单位：县经济和信息化局；配合单位：县发展和改革局、县财政局、县科学技术局）",
        "（二）扩大有效投资。谋划储备重大项目，全年完成固定资产投资增长8%以上，争取更多项目纳入省市重点"
        "项目盘子。（牵头单位：县发展和改革局；配合单位：县自然资源和规划局、县住房和城乡建设局、各乡镇人民政府）",
        "二、着力保障和改善民生",
        "（一）稳定扩大就业。开展就业援助月等专项活动，城镇新增就业3000人以上，帮扶就业困难人员实现就业，"
        "加强农民工职业技能培训。（牵头单位：县人力资源和社会保障局；配合单位：县教育体育局、县农业农村局）",
        "（二）办好民生实事。推进城区学校扩容、老旧小区改造和农村饮水安全巩固提升等民生实事项目建设，"
        "确保按期建成投用。（责任单位：县教育体育局、县住房和城乡建设局、县水利局）",
    ]
    lines = []
    for paragraph in paragraphs:
        text = "\u3000\u3000" + paragraph
        lines += [text[i:i + 28] for i in range(0, len(text), 28)]
    wrapped = "\n".join(lines).encode("utf-8")
    plan = parse(wrapped, filename="plan.txt")
    assert _paths(plan) == [("一",), ("一", "（一）"), ("一", "（二）"), ("二",), ("二", "（一）"), ("二", "（二）")]
    assert _units(plan, "一", "（一）") == [("县经济和信息化局", L), ("县发展和改革局", S), ("县财政局", S),
                                         ("县科学技术局", S)]
    assert _units(plan, "一", "（二）") == [("县发展和改革局", L), ("县自然资源和规划局", S),
                                         ("县住房和城乡建设局", S), ("各乡镇人民政府", S)]
    assert _units(plan, "二", "（一）") == [("县人力资源和社会保障局", L), ("县教育体育局", S), ("县农业农村局", S)]
    assert _units(plan, "二", "（二）") == [("县教育体育局", R), ("县住房和城乡建设局", R), ("县水利局", R)]
    assert plan.nodes[1].text.startswith("加快工业转型升级。实施工业技改提升行动，新增规模以上工业企业20家，推动")
    assert plan.title == "某县2023年重点工作任务分解方案"


def test_it_reads_labels_set_in_brackets_instead_of_before_a_colon() -> None:
    plan = _plan("（一）推进创新。建设创新平台。【牵头单位】市科技局【配合单位】市财政局、市教育局",
                 "（二）培育企业。实施专精特新企业培育行动。[责任单位]市工信局",
                 "（三）引进人才。落实人才新政。",
                 "【责任单位】市人社局、市委组织部【完成时限】2022年12月底前")
    assert _units(plan, "一", "（一）") == [("市科技局", L), ("市财政局", S), ("市教育局", S)]
    assert _units(plan, "一", "（二）") == [("市工信局", R)]
    assert _units(plan, "一", "（三）") == [("市人社局", R), ("市委组织部", R)]
    assert plan.nodes[3].deadline is not None and plan.nodes[3].deadline.date == "2022-12-31"
    # A bracketed word that is no label stays text: 【典型案例】 opens a box, not a marker.
    boxed = _plan("（一）推进创新。【典型案例】市科技局建设创新平台。")
    assert _units(boxed, "一", "（一）") == []


def test_it_reads_main_and_cooperating_unit_labels() -> None:
    plan = _plan("（一）提升基层医疗服务能力。",
                 "牵头责任单位：县卫健委",
                 "主要协作单位：各乡镇人民政府、经济开发区管委会，县政府有关部门",
                 "（二）完善公共卫生体系。（主要牵头单位：县疾控中心；主要配合单位：县财政局）")
    assert _units(plan, "一", "（一）") == [("县卫健委", L), ("各乡镇人民政府", S), ("经济开发区管委会", S),
                                         ("县政府有关部门", S)]
    assert _units(plan, "一", "（二）") == [("县疾控中心", L), ("县财政局", S)]
    table = parse("某县重点任务分解表\n序号\t重点任务\t牵头单位\t协作单位\n"
                  "1\t建设紧密型医共体\t县卫健委\t县医保局、县财政局\n")
    assert _units(table, "1") == [("县卫健委", L), ("县医保局", S), ("县财政局", S)]


def test_a_unit_cell_with_labels_of_its_own_gives_their_roles() -> None:
    plan = parse("2023年重点工作完成情况汇总表\n序号\t工作任务\t进展情况\t责任单位\n"
                 "71\t加快推进市图书馆新馆建设。\t总体进度正常。\t牵头单位:市文广旅游局 责任单位:各县(市、区)政府、"
                 "金华开发区管委会\n")
    assert _units(plan, "71") == [("市文广旅游局", L), ("各县(市、区)政府", R), ("金华开发区管委会", R)]


def test_a_long_list_after_you_with_a_group_word_and_its_note_names_the_leads() -> None:
    names = ["省政府办公厅", "住房城乡建设厅", "省发展改革委", "环境保护厅", "民政厅", "省经济和信息化委", "文化厅",
             "省政府金融办", "商务厅", "科技厅", "农业厅", "水利厅"]
    plan = _plan("（一）部门自查。19个方面督查重点，由所涉及的" + "、".join(names)
                 + "等省级主管部门（单位）牵头完成自查报告，其他相关部门（单位）配合。",
                 "（二）加强组织领导。成立工作专班，成员由市发展改革委、市教委、市民政局等部门单位组成。")
    assert _units(plan, "一", "（一）")[:len(names)] == [(name, L) for name in names]
    assert _units(plan, "一", "（二）") == []


def test_a_table_section_row_with_a_target_and_units_of_its_own_is_still_a_section() -> None:
    rows = ["序号\t考核项目\t各项分值\t考核指标\t负责考核部门",
            "一、\t巩固成果，提升河长制工作实效\t31\t\t",
            "1\t完善四个到位\t5\t健全组织体系。\t县河长办",
            "2\t强化督查督办\t4\t严格执行督办制度。\t县督查室",
            "二、\t水岸联动，推进管治保措施\t15\t落实属地管理责任，建立湖长体系。\t县河长办",
            "3\t继续强化城镇生活污水治理\t3\t提升污水处理能力。\t县住建局",
            "三、\t加强宣传舆论、信息报送工作\t7\t每个乡镇省级用稿1篇。\t县河长办",
            "四、\t奖扣分项目\t7\t获省、市通报表扬的奖分。\t县河长办"]
    plan = parse("2018年度乡镇河长制工作考核细则\n" + "\n".join(rows) + "\n")
    assert _paths(plan) == [("一",), ("一", "1"), ("一", "2"), ("二",), ("二", "3"), ("三",), ("四",)]
    assert _units(plan, "二") == [("县河长办", R)]
    assert _units(plan, "四") == [("县河长办", R)]


def test_items_numbered_1_2_3_run_on_after_a_colon_inside_a_paragraph() -> None:
    plan = parse("某市财政局政府信息公开工作规定\n第一条 为规范信息公开工作，制定本规定。\n"
                 "第二条 局办公室负责以下具体业务工作：1、做好信息公开目录编制；2、编写信息公开年度报告；"
                 "3、受理依申请公开事项。\n第三条 本规定自发布之日起施行，粮食产量增长2.5%，新增3.5万亩。\n")
    assert _paths(plan) == [("第一条",), ("第二条",), ("第二条", "1"), ("第二条", "2"), ("第二条", "3"),
                            ("第三条",)]
    assert plan.nodes[2].text.startswith("做好信息公开目录编制")


def test_a_list_of_units_in_lenticular_brackets_may_close_the_sentence() -> None:
    plan = _plan("（一）推进创新平台建设【市科技局】", "（二）加大资金投入【市财政局、各区政府】。",
                 "（三）出台配套政策〔2024年〕")
    assert _units(plan, "一", "（一）") == [("市科技局", R)]
    assert _units(plan, "一", "（二）") == [("市财政局", R), ("各区政府", R)]
    assert _units(plan, "一", "（三）") == []


def test_a_duty_list_item_titled_by_its_unit_or_the_units_duties() -> None:
    plan = parse("某区建筑垃圾管理职责分工\n一、职责分工\n（一）区建设管理委\n负责工地监管。\n"
                 "（二）区发展改革委主要职责：负责综合协调。\n（三）办公室职责\n负责信息公开的组织协调工作。\n"
                 "（四）建设智慧城市管理中心\n加快推进。\n（五）明确职责\n各单位要明确职责。\n")
    assert _units(plan, "一", "（一）") == [("区建设管理委", R)]
    assert _units(plan, "一", "（二）") == [("区发展改革委", R)]
    assert _units(plan, "一", "（三）") == [("办公室", R)]
    assert _units(plan, "一", "（四）") == []
    assert _units(plan, "一", "（五）") == []


def test_a_short_name_that_opens_with_its_province_inherits_no_level() -> None:
    plan = _plan("（一）加大信贷支持。（省金融监管局、江西银保监局、新疆税务局、财政厅负责）")
    assert _units(plan, "一", "（一）") == [("省金融监管局", R), ("江西银保监局", R), ("新疆税务局", R),
                                         ("省财政厅", R)]


def test_a_web_table_one_cell_per_line_whose_rows_lost_a_merged_cell_keeps_their_numbers() -> None:
    cells = ["序号", "|", "工作任务", "|", "主要内容", "|", "责任单位", "|",
             "1", "|", "构建产教统筹融合发展格局", "|", "同步规划产教融合与经济社会发展。", "|",
             "国家发展改革委会同有关部门，各省级人民政府", "|",
             "2", "|", "统筹职业教育与区域发展布局。", "|", "教育部、人力资源社会保障部", "|", "|",
             "3", "|", "促进高等教育融入国家创新体系。", "|", "教育部会同科技部", "|", "|"]
    plan = parse("重点任务分工表\n" + "\n".join(cells) + "\n")
    assert _paths(plan) == [("1",), ("2",), ("3",)]
    assert _units(plan, "1") == [("国家发展改革委", L), ("有关部门", S), ("各省级人民政府", R)]
    assert _units(plan, "2") == [("教育部", R), ("人力资源社会保障部", R)]
    assert _units(plan, "3") == [("教育部", L), ("科技部", S)]
    assert plan.nodes[1].text.startswith("统筹职业教育")


def test_a_county_bureaus_sections_named_in_a_column_of_their_own() -> None:
    plan = parse("县文化和旅游局2019年工作任务分解表\n序号\t工作任务\t完成时限\t责任股室\n"
                 "1\t开展文化惠民演出不少于100场。\t12月底前\t文化宣传股\n2\t完成非遗展厅布展。\t10月底前\t非遗保护中心\n")
    assert _paths(plan) == [("1",), ("2",)]
    assert _units(plan, "1") == [("文化宣传股", R)]
    marker = _plan("（一）加强文物保护。（责任股室：文物股、文化馆）")
    assert _units(marker, "一", "（一）") == [("文物股", R), ("文化馆", R)]


def test_a_column_of_bodies_under_a_heading_of_no_known_role_answers_for_its_rows() -> None:
    plan = parse("县2023年新闻发布主题计划\n序号\t发布主题\t发布单位\t拟发布月\n"
                 "1\t全县建筑业市场运行情况新闻发布会\t县住建局\t2023年3月\n"
                 "2\t经济运行情况新闻发布会\t县统计局\t2023年4月\n")
    assert _paths(plan) == [("1",), ("2",)]
    assert _units(plan, "2") == [("县统计局", R)]


def test_a_unit_leading_a_later_row_of_a_merged_task_after_supporting_it_holds_both_duties() -> None:
    plan = parse("某区任务职责分工表\n序号\t工作任务\t主要工作内容\t牵头单位\t配合单位\n"
                 "（一）\t加强源头监管\t落实工地数字化监督管理。\t区城运中心\t区建设管理委、区水务局\n"
                 "\t\t加强建设工地监督管理。\t区建设管理委\t区水务局、属地街镇\n"
                 "\t\t加强河道疏浚监督管理。\t区水务局\t区生态环境局\n")
    node = plan.nodes[0]
    assert [(u.name, u.role) for u in node.units] == [
        ("区城运中心", L), ("区建设管理委", S), ("区水务局", S), ("区建设管理委", L), ("区水务局", S), ("属地街镇", S),
        ("区水务局", L), ("区生态环境局", S)]
    # Each row is a measure of the task: a unit named again, in either role, is a duty covering its own row.
    for again in (node.units[3], node.units[4]):
        assert plan.source[again.covers[0]:again.covers[1]] == "加强建设工地监督管理。"
    assert node.units[5].covers is None


def test_a_page_opening_on_the_last_item_of_a_list_keeps_it_beside_the_next_heading() -> None:
    plan = parse("4.火灾隐患举报投诉中心。建立举报投诉中心。（责任部门：市公安局；配合部门：市住建局）\n"
                 "（四）消防专项工作。\n1.重大火灾隐患单位整改。（责任部门：各县政府）\n2.“防火墙”工程。（责任部门：各县政府）\n")
    assert _paths(plan) == [("4",), ("（四）",), ("（四）", "1"), ("（四）", "2")]
    assert _units(plan, "4") == [("市公安局", R), ("市住建局", S)]
    # Without units, a sentence that opens the page under a number is no task: the body starts at the heading.
    bare = parse("4.建立举报投诉中心。向社会公告举报内容、举报方式，并设立奖励资金。\n"
                 "（四）消防专项工作。\n1.重大火灾隐患单位整改。\n2.“防火墙”工程。\n")
    assert _paths(bare) == [("（四）",), ("（四）", "1"), ("（四）", "2")]


def test_a_web_row_that_lost_its_merged_cell_on_the_left_and_was_padded_on_the_right() -> None:
    plan = parse("某中心2023年政务公开工作任务分解表\n工作任务 | 具体要求 | 责任部门 |\n"
                 "一、做好财政信息公开。 | 1.积极推进本中心预算公开。 | 财务科 |\n"
                 "二、做好网站信息公开。 | 2.及时更新网站频道信息。 | 办公室 |\n"
                 "3.及时反馈网民意见。 | 各科室 | |\n4.及时更新微信公众号信息。 | 办公室牵头,各科室配合 | |\n")
    assert _paths(plan) == [("一",), ("一", "1"), ("二",), ("二", "2"), ("二", "3"), ("二", "4")]
    assert _units(plan, "二", "3") == [("各科室", R)]
    assert _units(plan, "二", "4") == [("办公室", L), ("各科室", S)]


def test_a_news_mirrors_bracketed_tag_before_a_numbered_paragraph_is_left_out() -> None:
    plan = parse("国务院办公厅关于进一步优化营商环境的实施意见\n"
                 "【时政|国务院办公厅关于进一步优化营商环境的实施意见】一、持续提升投资建设便利度\n"
                 "(一)优化再造投资项目前期审批流程。(国家发展改革委牵头 , 各地区按职责分工负责)\n")
    assert _paths(plan) == [("一",), ("一", "(一)")]
    assert plan.nodes[0].text == "持续提升投资建设便利度"
    assert _units(plan, "一", "(一)") == [("国家发展改革委", L), ("各地区", R)]
    # A marker in 【】 is no tag: its units stay the item's.
    marked = _plan("（一）优化审批流程。", "【责任单位】市发展改革委")
    assert _units(marked, "一", "（一）") == [("市发展改革委", R)]


def test_a_unit_in_two_unit_columns_of_a_row_in_two_roles_holds_both_duties() -> None:
    plan = parse("交通领域精细化管理三年行动计划任务清单\n序号\t重点任务\t牵头部门\t配合部门\t实施主体\n"
                 "1\t推进人行道断头贯通工作。\t设施养护处\t市道运中心\t市道运中心\n"
                 "2\t推进城市快速路更新整治。\t设施养护处\t各区\t设施养护处\n")
    assert _units(plan, "1") == [("设施养护处", L), ("市道运中心", S), ("市道运中心", R)]
    # A 责任单位 column that repeats the lead names it once.
    assert _units(plan, "2") == [("设施养护处", L), ("各区", S)]


def test_a_bureaus_extract_of_a_table_one_cell_per_line_keeps_rows_after_sections_it_left_empty() -> None:
    lines = ["区教育局2025年政府工作报告重点工作任务分解表", "序号", "重点工作任务", "主要责任单位", "协同配合单位",
             "一、主要预期目标", "3", "固定资产投资增长7.5%左右。", "区发改委", "区工信局、区住建局",
             "二、全力以赴扩投资", "三、全力以赴延链条", "四、全力以赴增动能", "五、全力以赴促融合",
             "六、全力以赴惠民生", "68", "持续推进学前教育普及普惠。", "区教育局", "区政府有关部门",
             "69", "深化与海亮集团合作。", "区教育局", "区投资促进中心"]
    plan = parse("\n".join(lines) + "\n")
    assert ("六", "68") in _paths(plan) and ("六", "69") in _paths(plan)
    assert sorted(_units(plan, "六", "69")) == [("区投资促进中心", S), ("区教育局", R)]


def test_a_one_line_pages_last_unit_field_ends_where_a_flattened_table_after_it_begins() -> None:
    # A progress page run onto one line: its fields are set apart by spaces, and a table of figures
    # flattened after the last item runs on after that item's last field.
    plan = parse("某市民生实事项目进展情况\n"
                 "现将实事项目1—6月份进展情况予以公示。 1.新增安装300套视频采集设备。 牵头领导:王某 "
                 "责任单位:市公安局 项目责任人:李某 配合单位:市城管局 实际完成情况:已完成。 "
                 "2.新辟公交线路10条。 牵头领导:王某 责任单位:市交通委 项目责任人:刘某 配合单位:市公安局、市城管局,"
                 "各区政府 甲区 乙区、丙区 合计 新辟线路年度目标 2 5 1 8 实际完成 1 2 0 3\n")
    assert _units(plan, "2") == [("市交通委", R), ("市公安局", S), ("市城管局", S), ("各区政府", S)]


def test_a_second_unit_column_of_the_same_role_names_units_too() -> None:
    # 责任单位 (the bureau) and 实施部门 (its office carrying the task out): both answer for the row.
    plan = parse("2025年度区民政局重点工作任务分解\n序号\t责任单位\t考核指标\t监督方式\t实施部门\t完成时限\n"
                 "1\t区民政局\t按月完成临时救助的审核确认工作。\t局办公室电话督查\t低保中心\t2025年12月底\n"
                 "2\t区民政局\t按月完成城乡低保对象的动态调整工作。\t局办公室电话督查\t区民政局\t2025年12月底\n")
    assert _units(plan, "1") == [("区民政局", R), ("低保中心", R)]
    assert _units(plan, "2") == [("区民政局", R)]   # named in both: one duty


def test_items_numbered_1_dot_under_a_heading_inside_a_region_numbered_1_dun_open_a_list_of_their_own() -> None:
    # A digest of several provinces' measures: '1、江西省' over the province's own '一、' and '1.'.
    plan = parse("各地企业帮扶政策汇总\n1、江西省\n关于有效应对疫情稳定经济增长的政策措施\n"
                 "一、加强对生产企业的扶持\n1.支持商业银行加大服务对接力度。(省金融监管局牵头,省发展改革委配合)\n"
                 "2.支持企业扩大产能。(省工信厅负责)\n2、湖南省\n一、稳定就业\n1.减免社会保险费。(省人社厅负责)\n")
    assert _paths(plan) == [("1",), ("1", "一"), ("1", "一", "1"), ("1", "一", "2"), ("2",), ("2", "一"),
                            ("2", "一", "1")]
    assert _units(plan, "1", "一", "2") == [("省工信厅", R)]


def test_a_page_holding_one_item_of_a_list_with_its_units_is_that_item() -> None:
    # A page of a split document that holds only item (三十一), closed by its marker.
    plan = parse("(三十一)推进卫生体制改革。深化医药卫生体制改革,开展公立医院改革试点。加强药品质量监管。"
                 "(省发展改革委、省卫生厅、省药监局分别牵头)")
    assert _paths(plan) == [("(三十一)",)]
    assert [name for name, _ in _units(plan, "(三十一)")] == ["省发展改革委", "省卫生厅", "省药监局"]
    # Without units it may be any numbered line a page opens on: no item.
    assert _paths(parse("(三十一)推进卫生体制改革。深化医药卫生体制改革,开展公立医院改革试点。")) == []


def test_a_web_table_whose_cells_each_close_with_a_pipe_is_read_as_rows() -> None:
    # No 序号 column; each cell on a line of its own closed by ' |', a row's empty cells as pipes after its text.
    plan = parse("2015年政府信息公开工作主要任务分解表\n工 作 任 务 |\n牵头单位 |\n责 任 单 位 |\n"
                 "一、推进重点领域信息公开 | ||\n(一)推进行政权力清单公开 | ||\n"
                 "1.政府工作部门权力清单信息公开 |\n省编办 |\n省直各部门,各设区市 |\n"
                 "2.行政审批事项信息公开 | ||\n(二)推进财政资金信息公开 | ||\n"
                 "3.财政预算、决算及“三公”经费公开 |\n省财政厅 |\n省直各部门 |\n"
                 "4.政府采购信息公开 |\n各设区市 | |\n")
    assert _paths(plan) == [("一",), ("一", "(一)"), ("一", "(一)", "1"), ("一", "(一)", "2"), ("一", "(二)"),
                            ("一", "(二)", "3"), ("一", "(二)", "4")]
    assert _units(plan, "一", "(一)", "1") == [("省编办", L), ("省直各部门", R), ("各设区市", R)]
    assert _units(plan, "一", "(二)", "3") == [("省财政厅", L), ("省直各部门", R)]
    assert [name for name, _ in _units(plan, "一", "(二)", "4")] == ["各设区市"]


def test_a_page_opening_mid_list_keeps_the_heading_it_ends_on() -> None:
    # A later page of a split document: items (二十八) and (二十九), then the next part's heading, cut off there.
    plan = parse("（二十八）政府购买公共服务公开。推行政府购买公共服务公开。（牵头单位：省财政厅）\n"
                 "（二十九）热线电话办理情况公开。推进热线电话网上公开。（牵头单位：省政府办公厅）\n"
                 "  六、全面推进结果公开\n")
    assert _paths(plan) == [("（二十八）",), ("（二十九）",), ("六",)]
    # A line of prose that happens to open with a numeral is no heading.
    plan = parse("（二十八）政府购买公共服务公开。推行政府购买公共服务公开。（牵头单位：省财政厅）\n"
                 "六、全面推进结果公开，各地要在年底前报送工作情况，省政府办公厅将适时组织督查。\n")
    assert _paths(plan) == [("（二十八）",)]


def test_a_totals_row_under_a_table_header_copied_one_cell_per_line_is_no_header_cell() -> None:
    # '总分' / '100' right under the header: a row without a number, not a sixth header cell.
    lines = ["石城县2018年乡镇河长制工作考核细则", "序号", "考核项目", "各项分值", "考核指标", "负责考核部门",
             "总分", "100", "1", "完善组织体系", "5", "进一步健全河长制组织体系。", "县河长办",
             "2", "强化督查督办", "4", "严格执行河长制工作督查制度。", "县水利局"]
    plan = parse("\n".join(lines) + "\n")
    assert [p for p in _paths(plan) if p in {("1",), ("2",)}] == [("1",), ("2",)]
    assert _units(plan, "1") == [("县河长办", R)]
    assert _units(plan, "2") == [("县水利局", R)]


_ROWS_LOST_MERGED_CELLS = [
    ("工作任务", "具体要求", "责任部门"),
    ("一、做好各类规划主动公开。", "1.主动公开规划纲要。", "办公室牵头,其他股室及属下单位配合"),
    ("2.做好各项规划的归集整理。",),
    ("二、做好执法信息公开。", "3.及时公开落实举措。", "市场股"),
    ("4.加强行政执法信息公开。", "市场执法股"),
    ("三、做好财政信息公开。", "5.积极推进预算公开。", "计划财务股"),
]


@pytest.mark.parametrize("separator", ["\t", " | "])
def test_a_table_whose_rows_lost_their_merged_cells_keeps_its_items_under_their_headings(separator: str) -> None:
    # Rows of three, two and one cells: the heading cell merged down, and the unit cell too ('2.…' alone).
    # As a web page copies them with '|' after each cell, or as TAB rows.
    closing = " |" if separator == " | " else ""
    plan = parse("任务分工\n" + "\n".join(separator.join(row) + closing for row in _ROWS_LOST_MERGED_CELLS) + "\n")
    assert _paths(plan) == [("一",), ("一", "1"), ("一", "2"), ("二",), ("二", "3"), ("二", "4"), ("三",), ("三", "5")]
    assert _units(plan, "一", "1") == [("办公室", L), ("其他股室", S), ("属下单位", S)]
    assert _units(plan, "二", "4") == [("市场执法股", R)]
    assert _units(plan, "三", "5") == [("计划财务股", R)]


def test_a_units_other_name_in_brackets_after_a_space_is_part_of_the_name() -> None:
    plan = _plan("（一）推进权力清单公开。（牵头单位：省编办 （省审改办）；责任单位：省直各部门 省财政厅）")
    assert _units(plan, "一", "（一）") == [("省编办 （省审改办）", L), ("省直各部门", R), ("省财政厅", R)]


def test_the_marker_of_an_item_a_headings_title_runs_on_into_is_the_items() -> None:
    # A PDF or page that lost the break between '一、…治理' and its first item '(一)…'.
    plan = parse("2016年工作要点\n一、加强重点领域治理 (一)加强互联网领域侵权假冒治理。打击网上销售假冒伪劣商品。"
                 "(工业和信息化部、公安部按职责分工分别负责)\n(二)加强农村治理。(农业部负责)\n")
    assert _units(plan, "一") == []
    assert _units(plan, "一", "(一)") == [("工业和信息化部", R), ("公安部", R)]


def test_a_web_table_whose_header_a_crawler_broke_and_whose_rows_lost_merged_cells() -> None:
    lines = ["工作任务 | 具体要求", "| 责任单位 |",
             "一、做好各类规划主动公开。 | 1.主动公开规划纲要。 | 市直有关部门;各镇(街) |",
             "2.做好各项规划的归集整理。 | 市政府办公室牵头,市直有关部门配合;各镇(街)参照落实 |",
             "二、做好执法信息公开。 | 3.主动公开市场准入负面清单。 | 市发展和改革局;各镇(街) |",
             "4.及时公开落实举措。 | 市发展和改革局牵头,市直有关部门落实 |",
             "5.加强行政执法信息公开。 | 市直有关部门 |"]
    plan = parse("2021年政务公开工作要点分工方案\n" + "\n".join(lines) + "\n")
    assert _paths(plan) == [("一",), ("一", "1"), ("一", "2"), ("二",), ("二", "3"), ("二", "4"), ("二", "5")]
    assert _units(plan, "一", "2") == [("市政府办公室", L), ("市直有关部门", S), ("各镇(街)", R)]
    assert _units(plan, "二", "5") == [("市直有关部门", R)]


def test_a_web_table_one_cell_per_line_closed_by_pipes_without_its_header_is_read_as_rows() -> None:
    cells = ["一、持续推进基层标准化规范化", "1.推动主动公开目录的更新。", "法规科牵头,相关科(室)配合。", "长期",
             "二、提升依申请公开办理规范化程度", "2.规范使用全省依申请公开系统。", "办公室", "长期",
             "三、加强营商环境信息公开", "3.开设“营商环境”政策集成专栏。", "法规科统筹,各职能科(室)配合。", "长期",
             "4.加大涉企政策的分类公开。", "法规科", "长期"]
    plan = parse("某局2022年政务公开工作要点分工\n" + "\n".join(cell + " |" for cell in cells) + "\n")
    assert _paths(plan) == [("一",), ("一", "1"), ("二",), ("二", "2"), ("三",), ("三", "3"), ("三", "4")]
    assert _units(plan, "二", "2") == [("办公室", R)]
    assert _units(plan, "三", "3") == [("法规科", R), ("各职能科(室)", S)]
    assert _units(plan, "三", "4") == [("法规科", R)]


def test_a_header_whose_category_column_splits_into_levels_on_a_second_row() -> None:
    # A disclosure catalogue copied one cell per line: '公开类别及事项' spans 一级/二级/三级 on the header's second row,
    # and rows leave out the level cells merged with the rows above.
    cells = ["序号", "公开类别及事项", "公开内容", "责任单位", "一级", "二级", "三级",
             "1", "组织机构", "机构职能", "机构名称、主要职能和联系方式", "机关党委(人事科)",
             "2", "领导分工", "领导姓名、职务等有关信息", "机关党委(人事科)",
             "3", "财政信息", "财政预决算", "市民政局部门预算、决算", "规划财务科"]
    plan = parse("东莞市民政局主动公开基本目录\n" + "\n".join(cell + " |" for cell in cells) + "\n")
    assert [p for p in _paths(plan)] == [("1",), ("2",), ("3",)]
    assert _units(plan, "1") == [("机关党委(人事科)", R)]
    assert _units(plan, "2") == [("机关党委(人事科)", R)]
    assert _units(plan, "3") == [("规划财务科", R)]


def test_a_pipe_header_whose_category_column_splits_into_levels_on_a_second_row() -> None:
    lines = ["序号 | 公开类型及事项 | 公开内容 | 责任部门 |", "一级 | 二级 | 三级 |",
             "1 | 政策文件 | 规范性文件 | 市科技局制定的规范性文件 | 政策法规科 |",
             "2 | 法定主动公开内容 | 组织机构 | 机构职能 | 市科技局机构设置及主要职能情况 | 办公室 |",
             "3 | 领导分工 | 市科技局领导及分工情况 | 办公室 |"]
    plan = parse("东莞市科学技术局主动公开目录\n" + "\n".join(lines) + "\n")
    assert _units(plan, "1") == [("政策法规科", R)]
    assert _units(plan, "2") == [("办公室", R)]
    assert _units(plan, "3") == [("办公室", R)]


@pytest.mark.parametrize("label", ["【责任单位】", "责任单位：", "【责任主体】"])
def test_a_unit_label_alone_on_its_line_names_the_units_on_the_next(label: str) -> None:
    plan = _plan("（一）加强建设。", label, "市发改委、市财政局", "（二）强化保障。（责任单位：市科技局）")
    assert _units(plan, "一", "（一）") == [("市发改委", R), ("市财政局", R)]
    assert _units(plan, "一", "（二）") == [("市科技局", R)]


def test_a_division_restarting_at_one_under_its_title_after_the_notices_own_numbered_paragraphs() -> None:
    plan = parse("各区县人民政府，市政府直属各单位：\n现将《2024年政府工作报告重点工作责任分解》印发给你们：\n"
                 "一、要抓紧部署实施。\n二、要高效推进落实。\n三、要强化督查考核。\n某某市人民政府办公室\n2024年2月8日\n"
                 "2024年政府工作报告重点工作责任分解\n一、市长主抓重点工作\n1.坚持稳中求进。\n责任单位：市政府办公室、各区县政府\n"
                 "2.提高政府自身建设水平。\n责任单位：市政府办公室\n")
    division = [n for n in plan.nodes if n.path[-1] in ("1", "2")]
    assert [n.path[-2:] for n in division] == [["一", "1"], ["一", "2"]]
    assert [u.name for u in division[0].units] == ["市政府办公室", "各区县政府"]
    assert plan.title == "2024年政府工作报告重点工作责任分解"   # named by the notice, standing over the division
    assert plan.issued_on == "2024-02-08"   # the notice's signature, above the division's title


def test_a_table_one_cell_per_line_headed_by_its_levels_of_points_reads_bare_unit_cells() -> None:
    cells = ["工作要求", "一级要点", "二级要点", "责任单位", "一、优化政务公开工作基础", "(一)深化规范性文件集中公开。",
             "1.高质量发布现行有效规范性文件正式版本。", "司法所", "2.做好规范性文件的清理工作。", "各有关单位"]
    plan = parse("横栏镇2022年政务公开工作要点分工方案\n" + "\n".join(cells) + "\n")
    assert _units(plan, "一", "(一)", "1") == [("司法所", R)]
    assert _units(plan, "一", "(一)", "2") == [("各有关单位", R)]


def test_a_row_repeating_its_merged_heading_cells_in_full_stays_under_the_open_nodes() -> None:
    rows = [("工作要求", "工作任务", "具体要求", "责任单位"),
            ("一、优化政务公开工作基础", "(一)深化规范性文件集中公开。", "1.推进规范性文件库建设。", "市司法局"),
            ("", "(二)推进基层政务公开标准化。", "2.推动主动公开目录的更新。", "市直各部门"),
            ("一、优化政务公开工作基础", "(二)推进基层政务公开标准化。", "3.加大惠民惠农资金公开力度。", "市财政局")]
    plan = parse("政务公开工作要点分工\n" + "\n".join("\t".join(row) for row in rows) + "\n")
    assert _paths(plan) == [("一",), ("一", "(一)"), ("一", "(一)", "1"), ("一", "(二)"), ("一", "(二)", "2"),
                            ("一", "(二)", "3")]
    assert _units(plan, "一", "(二)", "3") == [("市财政局", R)]


def test_a_cell_listing_numbered_measures_gives_them_as_items_of_the_task_the_units_answer_for() -> None:
    lines = ["全市工作任务 | 具体要求 | 具体措施 | 牵头落实科室 | |",
             "一、加大主动公开力度 | (一)决策前公布草案。 | 1.重大决策预公开。吸纳意见。 2.政策及时公开。 |",
             "产业政策科 | |",   # the rest of the row, which a crawler broke after a cell
             "(二)推进建议提案办理结果公开。 | 所有承办建议提案及时公开答复。 | 办公室 | ||"]
    plan = parse("某局政务公开工作要点分工\n" + "\n".join(lines) + "\n")
    assert _paths(plan) == [("一",), ("一", "(一)"), ("一", "(一)", "1"), ("一", "(一)", "2"), ("一", "(二)")]
    assert _units(plan, "一", "(一)") == [("产业政策科", L)]
    assert _units(plan, "一", "(二)") == [("办公室", L)]


def test_a_heading_after_a_row_of_a_headerless_table_heads_the_rows_below() -> None:
    cells = ["一、深入推进政策公开", "1", "聚焦中心工作公开政策文件。", "各区直部门、各镇(办)", "持续推进",
             "2", "深化政务服务信息公开。", "区数据资源局、区投资促进局", "持续推进",
             "3", "推进优化消费环境信息公开。", "区政府办、区商务局", "持续推进",
             "二、强化权力配置公开,助力规范行政履职", "4", "推进权力配置信息公开。", "区直各部门、各镇(办)", "持续推进"]
    plan = parse("相山区政务公开重点工作任务清单\n" + "\n".join(cells) + "\n")
    assert _paths(plan) == [("一",), ("一", "1"), ("一", "2"), ("一", "3"), ("二",), ("二", "4")]
    assert _units(plan, "二", "4") == [("区直各部门", R), ("各镇(办)", R)]


def test_a_pipe_table_whose_header_lost_its_first_cells_reads_its_cells_by_what_they_hold() -> None:
    lines = ["具 体 要 求 | 责任科室 | ||",
             "一、抓好主动公开。 | 1 | 深化民生领域信息公开。 | 办公室牵头,局各股室配合 |",
             "二、抓好政策解读 | 2 | 落实政策解读同步发布。 | 办公室牵头,局各股室配合 |",
             "3 | 科学确定解读范围。 | 待遇保障股 | |"]
    plan = parse("某局2025年度政务公开重点工作清单及分工\n" + "\n".join(lines) + "\n")
    assert _paths(plan) == [("一",), ("一", "1"), ("二",), ("二", "2"), ("二", "3")]
    assert _units(plan, "一", "1") == [("办公室", L), ("局各股室", S)]
    assert _units(plan, "二", "3") == [("待遇保障股", R)]


def test_a_header_one_cell_per_line_without_its_number_cell_reads_the_numbered_rows_below_it() -> None:
    cells = ["工作任务", "具体要求", "责任单位", "时限要求", "一、聚焦重点领域深化政务公开", "(一)做好各类规划主动公开",
             "1", "主动公开各类规划。", "政务公开指导办", "年底前",
             "2", "市政府网站建立专题。", "政务公开指导办、政府网站", "年底前",
             "(二)做好财政信息公开", "3", "做好预算、决算公开。", "行财科", "年底前"]
    plan = parse("某市政府办公室2021年政务公开重点工作任务分工\n" + "\n".join(cells) + "\n")
    assert _paths(plan) == [("一",), ("一", "(一)"), ("一", "(一)", "1"), ("一", "(一)", "2"), ("一", "(二)"),
                            ("一", "(二)", "3")]
    assert _units(plan, "一", "(一)", "2") == [("政务公开指导办", R), ("政府网站", R)]
    assert _units(plan, "一", "(二)", "3") == [("行财科", R)]
    # With a cell of the header's first column in each row, the numbers' column stands before the header's.
    rows = ["1", "规划公开", "主动公开各类规划。", "政务公开指导办", "年底前",
            "2", "专题建设", "市政府网站建立专题。", "办公室", "年底前"]
    plan = parse("某市政府办公室2021年政务公开重点工作任务分工\n" + "\n".join(cells[:6] + rows) + "\n")
    assert _paths(plan)[2:] == [("一", "(一)", "1"), ("一", "(一)", "2")]
    assert _units(plan, "一", "(一)", "2") == [("办公室", R)]


def test_a_table_one_cell_per_line_whose_group_heading_stands_in_its_first_rows_category_cell() -> None:
    cells = ["序号 |", "类别 |", "项目名称 |", "目标任务 |", "牵头单位 |", "累计完成 |",
             "1 |", "一、就业促进(2项) |", "促进重点群体稳定就业 |", "城镇新增就业1100人 |", "县人社局 |", "1063 |",
             "充分就业社区4个 |", "4 |",   # the row's second target, its figure no row number
             "2 |", "放心家政行动 |", "培训家政服务人员613人次 |", "县科商工信局 |", "626 |",
             "新增家政服务人员275人 |", "284 |",   # a row without its merged category cell, with a second target
             "3 |", "二、社会保障(1项) |", "农村敬老院运营服务能力提升 |", "督促4家敬老院规范运营 |", "县民政局 |"]
    plan = parse("某县2024年民生实事项目进展情况表\n" + "\n".join(cells) + "\n")
    assert _paths(plan) == [("一",), ("一", "1"), ("一", "2"), ("二",), ("二", "3")]
    assert _units(plan, "一", "1") == [("县人社局", L)]
    assert _units(plan, "一", "2") == [("县科商工信局", L)]
    assert _units(plan, "二", "3") == [("县民政局", L)]


def test_a_web_table_one_cell_per_line_with_a_progress_column_reads_the_rows_that_lost_merged_cells() -> None:
    cells = ["主要任务 |", "重点工作和要求 |", "责任单位 |", "完成时限 |", "完成进展 |",
             "一、加强安全生产专项整治三年行动安排部署 |", "||||",
             "(一)制定工作任务清单。 |", "1.制定全市工作任务清单。 |", "市安委办 |", "1月20日前 |", "|",
             "2.制定行业领域工作任务清单。 |", "市级各专委会办公室、市生态环境局 |", "2月10日前 |", "|", "|"]
    plan = parse("2021年某市安全生产专项整治三年行动工作任务清单\n" + "\n".join(cells) + "\n")
    assert _paths(plan) == [("一",), ("一", "(一)"), ("一", "(一)", "1"), ("一", "(一)", "2")]
    assert _units(plan, "一", "(一)", "1") == [("市安委办", R)]
    assert _units(plan, "一", "(一)", "2") == [("市级各专委会办公室", R), ("市生态环境局", R)]
    assert [n.deadline.text for n in plan.nodes[2:] if n.deadline] == ["1月20日前", "2月10日前"]


def test_a_pipe_rows_targets_on_lines_without_a_number_go_on_with_the_row_above() -> None:
    rows = ["序号 | 项目内容 | 进展情况 | 责任单位 |",
            "1 | 新建成婴幼儿照护服务成长驿站7家。 | 新建13家婴幼儿成长驿站。 | 卫生健康局 |",
            "新增婴幼儿照护服务托位500个。 | 新增婴幼儿照护服务托位600个。 | ||",
            "2 | 实施农村公路大中修100公里。 | 完成农村公路大中修50公里。 | 交通运输局 |",
            "新增公交线路3条。 | 新增4条公交线路。 | ||"]
    plan = parse("2022年区政府民生实事项目进展情况表\n" + "\n".join(rows) + "\n")
    assert _paths(plan) == [("1",), ("2",)]
    assert "托位500个" in plan.nodes[0].body
    assert _units(plan, "2") == [("交通运输局", R)]


def test_the_rows_of_a_table_without_numbers_are_duties_of_the_item_it_stands_under() -> None:
    rows = ["专项整治行业名称 | 时间安排 | 责任单位 |", "烟花爆竹 | 1月份 | 安监站 安监所 |",
            "电力设施 | 3月份 | 电管所 |", "特种设备 | 7月份 | 工商质监所 安监站 |"]
    plan = parse("某镇2017年度安全生产专项整治工作计划\n一、专项整治安排表\n" + "\n".join(rows)
                 + "\n二、工作要求\n（一）各有关责任单位要按照时间安排制定整治方案。\n")
    assert _paths(plan) == [("一",), ("二",), ("二", "（一）")]
    assert _units(plan, "一") == [("安监站", R), ("安监所", R), ("电管所", R), ("工商质监所", R), ("安监站", R)]
    assert "电力设施" in plan.nodes[0].body


def test_a_table_one_cell_per_line_between_pipes_with_a_merged_category_column_and_starred_leads() -> None:
    cells = ["类别", "序号", "任务名称", "任务要求及举措", "责任部门\n(加*号为牵头部门,\n其余为参与部门)", "责任街镇",
             "完成时间节点",
             "(一)\n持续\n推进\n“两个\n示范村”\n建设", "1", "完成2022年度\n示范村建设", "完成1个示范村建设。",
             "区农业农村委*", "浦江镇", "10月底",
             "2", "开展2023年度\n示范村建设", "遴选1个示范村开展建设。", "区农业农村委*、\n区规划资源局",
             "浦江镇、\n马桥镇", "12月底"]
    plan = parse("某区乡村振兴重点任务表\n" + "\n|\n".join(cells) + "\n|\n")
    assert _paths(plan) == [("(一)",), ("(一)", "1"), ("(一)", "2")]
    assert plan.nodes[0].text.replace(" ", "") == "持续推进“两个示范村”建设"
    assert _units(plan, "(一)", "2") == [("区农业农村委", L), ("区规划资源局", R), ("浦江镇", R), ("马桥镇", R)]


def test_sub_items_run_on_after_the_marker_that_closes_the_one_before() -> None:
    plan = parse("某市关于创优营商环境的实施意见\n一、持续减少审批事项\n"
                 "1.深化商事制度改革。(1)全面落实“多证合一”改革。(市工商质监局牵头负责)(2)完善企业登记全程电子化。"
                 "(市数据资源局牵头负责)\n")
    assert _paths(plan) == [("一",), ("一", "1"), ("一", "1", "(1)"), ("一", "1", "(2)")]
    assert _units(plan, "一", "1", "(2)") == [("市数据资源局", L)]


def test_an_items_own_list_restarting_at_one_in_its_style_nests_under_it() -> None:
    cells = ["工作任务", "责任单位", "主要工作", "完成时限", "一、加强教育资源供给。", "1.加快中小学、幼儿园建设。",
             "教育卫体局", "1.启动空港实验中学建设。", "2.加快推进阳光里幼儿园改扩建。", "3.确保太平堡幼儿园9月开学。",
             "12月底", "2.推进普惠幼儿园扩面。", "教育卫体局", "12月底"]
    plan = parse("某新城2019年重点为民办好十大实事任务分解表\n" + "\n".join(cells) + "\n")
    assert _paths(plan) == [("一",), ("一", "1"), ("一", "1", "1"), ("一", "1", "2"), ("一", "1", "3"), ("一", "2")]
    assert _units(plan, "一", "2") == [("教育卫体局", R)]
    # Two lists in a row, each from 1, are no list and its sub-list.
    plan = parse("某方案\n一、总体要求\n1.甲。\n2.乙。\n1.丙。\n2.丁。\n")
    assert ("一", "2", "1") not in _paths(plan)


def test_a_unit_cell_copied_on_its_own_line_with_its_lead_starred_after_the_name() -> None:
    cells = ["重点工作", "任务数", "责任单位", "一、稳住经济大盘", "1.全面落实减税降费政策。", "5%",
             "区政府办公室*、区财政局", "2.强化财政资金保障。", "3项", "区财政局*、区发改局"]
    plan = parse("某区2023年政府工作报告重点工作责任分解\n" + "\n".join(cells) + "\n")
    assert _units(plan, "一", "1") == [("区政府办公室", L), ("区财政局", R)]
    assert _units(plan, "一", "2") == [("区财政局", L), ("区发改局", R)]


def test_a_units_name_wrapped_in_its_cell_is_one_name_in_a_row_that_lost_a_cell() -> None:
    cells = ["序号", "项目内容", "目标任务", "市级牵头", "完成情况",
             "1", "促进城乡劳动者就业创业", "城镇新增就业26000人", "市人力资源", "社会保障局",
             "2", "开展农村青年技能培训", "400人", "团市委", "1876"]
    plan = parse("2017年十大民生工程项目实施进度表\n" + "\n".join(cells) + "\n")
    assert _units(plan, "1") == [("市人力资源社会保障局", L)]
    assert _units(plan, "2") == [("团市委", L)]


def test_unit_cells_naming_units_by_their_verbs_under_a_spaced_out_header_copied_one_cell_per_line() -> None:
    cells = ["工作任务", "具 体 要 求", "责 任 单 位", "时限要求", "一、扎实做好重点领域信息公开",
             "(一)做好助推高质量发展信息公开", "1.推进新旧动能转换重大工程信息公开", "加大配套措施公开力度。",
             "市发改局牵头落实;市工信局、市教体局按职责分工分别落实", "各镇(街区)分别落实"]
    plan = parse("某市2019年政务公开重点工作任务分工\n" + "\n".join(cells) + "\n")
    assert _units(plan, "一", "(一)", "1") == [("市发改局", L), ("市工信局", R), ("市教体局", R), ("各镇(街区)", R)]


def test_a_numbered_list_inside_a_bracketed_note_is_no_sub_items() -> None:
    plan = parse("某区政务公开工作要点任务分解\n一、深化政务公开\n(一)做好各类规划主动公开。\n"
                 "1.公开重点专项规划〔公开路径:(1)政府网站>政府信息公开>规划;(2)政府网站>专题专栏〕。\n改革发展局\n")
    assert _paths(plan) == [("一",), ("一", "(一)"), ("一", "(一)", "1")]


def test_a_table_one_cell_per_line_without_a_unit_column_under_a_heading_that_names_the_units() -> None:
    cells = ["一、各区、县(市)政府、市政府各部门负责落实的工作任务", "序号", "任务事项", "工 作 要 求", "公开载体",
             "完成时限", "1", "公开预期引导信息", "对出台政策的背景依据进行解读。", "市政府门户网站", "长期推进",
             "2", "公开随机抽查事项清单", "1.重点推进监管执法信息公开;2.随机抽查事项清单应说明抽查依据;3.设立专栏。",
             "市政府门户网站", "长期推进"]
    plan = parse("某市2017年政务公开工作要点任务明细表\n" + "\n".join(cells) + "\n")
    assert _paths(plan) == [("一",), ("一", "1"), ("一", "2"), ("一", "2", "1"), ("一", "2", "2"), ("一", "2", "3")]
    assert [u.name for u in plan.nodes[0].units] == ["各区、县(市)政府", "市政府各部门"]


def test_a_cells_list_of_units_wrapped_inside_a_name_under_a_category_column_is_one_list() -> None:
    cells = ["分类", "序号", "事项", "责任单位", "牵头单位", "发展目标",
             "1", "地区生产总值增长6.5%以上。", "区农业农村局、区经商局、区发", "改局、区交通局", "区发改局",
             "2", "完成能源指标计划目标。", "区发改局、区供电公司、各", "乡镇(街道)", "区发改局",
             "3", "农业增加值增长3.5%。", "区农业农村局", "区农业农村局"]
    plan = parse("2023年某区政府工作报告重点工作责任分解\n" + "\n".join(cells) + "\n")
    assert _units(plan, "1") == [("区发改局", L), ("区农业农村局", R), ("区经商局", R), ("区交通局", R)]
    assert _units(plan, "2") == [("区发改局", L), ("区供电公司", R), ("各乡镇(街道)", R)]


def test_a_sub_item_whose_number_lost_its_closing_bracket_is_still_the_item() -> None:
    plan = parse("某区2022年政务公开工作要点\n一、聚焦经济领域,以公开促落实\n"
                 "(一加强涉及优化营商环境的信息公开。公开市场规则标准。(区发展改革委、区财政局等负责落实)\n"
                 "(二)加强涉及稳就业的信息公开。(区人社局负责)\n"
                 "二、聚焦社会领域\n(一季度完成专项检查。)\n")
    assert _paths(plan) == [("一",), ("一", "(一)"), ("一", "(二)"), ("二",)]
    assert _units(plan, "一", "(一)") == [("区发展改革委", R), ("区财政局", R)]


def test_a_divisions_name_before_hui_alone_leads_the_divisions_after_it() -> None:
    plan = _plan("（二）筹备召开大数据推进大会。"
                 "（大数据管理科会电子信息与软件服务业科、信息化推进科、信息中心组织实施）")
    assert _units(plan, "一", "（二）") == [("大数据管理科", L), ("电子信息与软件服务业科", S), ("信息化推进科", S),
                                        ("信息中心", S)]


def test_a_table_set_apart_by_spaces_whose_lead_cell_wrapped_a_unit_a_line_before_the_rest_of_the_row() -> None:
    lines = ["某区2023年政府工作报告重点工作任务分解表", "序号 重点工作任务 主要责任单位 协同配合单位 完成期限",
             "33 新培育科技型中小企业50家以上。 区科技局 区经信局、区税务局等区政府有关部门。 2023年12月底",
             "34 推动亳州国家农业科技园区提档升级。 区科技局", "区商务局(区药发中心)", "谯城经开区管委会",
             "区发改委、区经信局、等区政府有关部门,区农投公司。 2023年12月底",
             "35 强化企业创新主体地位。 区科技局 区经信局等区政府有关部门,谯城经开区管委会。 2023年12月底"]
    plan = parse("\n".join(lines) + "\n")
    assert [n.label for n in plan.nodes] == ["33", "34", "35"]
    assert sorted(_units(plan, "34")) == sorted([("区科技局", R), ("区商务局(区药发中心)", R), ("谯城经开区管委会", R),
                                                ("区发改委", S), ("区经信局", S), ("区农投公司", S)])


def test_a_blanket_rule_after_a_comma_inside_the_first_marker_names_no_units_of_its_own() -> None:
    plan = _plan("（一）提升政务中心建设。（责任单位：州政务服务中心，各县市人民政府、州直相关行业部门按职责分工负责，"
                 "以下各任务均需各县市人民政府、州直相关行业部门落实，不再一一列出）",
                 "（二）推进一网通办。（责任单位：州数据局）")
    assert _units(plan, "一", "（一）") == [("州政务服务中心", R), ("各县市人民政府", R), ("州直相关行业部门", R)]
    assert sorted(_units(plan, "一", "（二）")) == sorted([("州数据局", R), ("各县市人民政府", R),
                                                         ("州直相关行业部门", R)])


def test_a_web_tables_three_lists_with_each_rows_entries_under_its_indicator() -> None:
    rows = ["建设任务 | 工作事项 | 工作指标 | 任务清单 | 责任清单 | 时限清单 |", "一、体系建设 |",
            "(一)组织指挥提能升级 | 1.组织机构 | (1)党政主要负责人是防汛工作第一责任人。 | "
            "1.落实防汛防台行政首长负责制; 2.明确班子成员职责清单; | 党政办 应消站 | 4月 |",
            "(2)应急消防管理站承担防汛防台统筹协调工作。 | 1.明确应消站防汛工作职责; | 应消站 | 4月 |",
            "(3)村(社区)建立应急工作组。 | 1.明确村干部等组成的应急工作组; | 村(社区) | 4月 |"]
    plan = parse("某度假区防汛防台能力提升任务清单\n" + "\n".join(rows) + "\n")
    assert _paths(plan) == [("一",), ("一", "(一)"), ("一", "(一)", "1"), ("一", "(一)", "1", "(1)"),
                            ("一", "(一)", "1", "(1)", "1"), ("一", "(一)", "1", "(1)", "2"),
                            ("一", "(一)", "1", "(2)"), ("一", "(一)", "1", "(2)", "1"),
                            ("一", "(一)", "1", "(3)"), ("一", "(一)", "1", "(3)", "1")]
    assert _units(plan, "一", "(一)", "1", "(1)") == [("党政办", R), ("应消站", R)]
    assert _units(plan, "一", "(一)", "1", "(2)") == [("应消站", R)]
    assert _units(plan, "一", "(一)", "1", "(3)") == [("村(社区)", R)]


def test_a_web_tables_number_column_holding_the_headings_over_items_in_the_next_cells() -> None:
    rows = ["序号 | 省《工作要点》部署任务 | 市落实措施 | 牵头单位 | 责任单位 | 完成时限 | 备注 |",
            "一、全链条优化审批 | ||||||",
            "(一)全面实施行政许可事项清单管理。 | 1.按照国务院要求编制并公布行政许可事项清单。 | "
            "(1)全面准确依法编制市、区(县)行政许可事项清单。 | 市行政审批局市司法局 | 市级相关单位,各区县政府 | "
            "2022年9月底 | |"]
    plan = parse("某市贯彻落实《2022年深化“放管服”改革优化营商环境工作要点》分工方案\n" + "\n".join(rows) + "\n")
    assert _paths(plan) == [("一",), ("一", "(一)"), ("一", "(一)", "1"), ("一", "(一)", "1", "(1)")]
    assert sorted(_units(plan, "一", "(一)", "1", "(1)")) == sorted([("市行政审批局", L), ("市司法局", L),
                                                                ("市级相关单位", R), ("各区县政府", R)])



def test_a_clause_opening_on_a_preposition_names_no_unit_before_its_duty() -> None:
    plan = _plan("（一）明确政府职责。充分发挥市场的基础性作用，"
                 "对涉及政府履行职责、合理配置公共资源的目标任务进行分解。",
                 "（二）单位生产总值能源消耗降低19.5%。（市经信局牵头）")
    assert _units(plan, "一", "（一）") == []
    assert _units(plan, "一", "（二）") == [("市经信局", L)]


def test_units_named_as_lead_and_assisting_units_in_sentences_of_their_own() -> None:
    plan = parse("某州代表议案办理方案\n一、成立领导小组\n"
                 "成立议案办理工作领导小组，州政府相关职能部门主要负责人为成员。\n"
                 "二、明确工作责任\n州交通运输局为该议案办理工作的牵头责任单位，负责拟定办理工作总体实施方案。"
                 "州发改委、州财政局、建始县政府为协办单位，各单位要互相配合。\n三、实行跟踪督办\n"
                 "州政府督查室要将该议案办理工作纳入年度督查工作重点。\n")
    assert _units(plan, "一") == []   # 主要负责人: people, whose 负责 is no duty
    assert _units(plan, "二") == [("州交通运输局", L), ("州发改委", S), ("州财政局", S), ("建始县政府", S)]
    assert _units(plan, "三") == []   # 实行跟踪督办: a heading, not an office named …办


def test_units_closing_on_their_group_word_with_their_duty_after_a_comma() -> None:
    plan = _plan("（五）县政府办、县发改局、市生态环境局靖边分局、县招商服务中心等牵头部门，"
                 "要于每次调度会议前梳理进展。")
    assert _units(plan, "一", "（五）") == [("县政府办", L), ("县发改局", L), ("市生态环境局靖边分局", L),
                                  ("县招商服务中心", L)]


def test_a_marker_whose_units_take_on_a_duty_and_whose_last_clause_says_it_is_not_repeated() -> None:
    plan = _plan("（一）健全完善工作机制。压紧压实各方责任。〔市食安办牵头，市食安委成员单位按职责分工负责；"
                 "各县（市、区）、高新区落实属地管理责任，以下每项均涉及不再重复列出〕")
    assert _units(plan, "一", "（一）") == [("市食安办", L), ("市食安委成员单位", R), ("各县（市、区）", R),
                                          ("高新区", R)]


def test_a_web_tables_cell_that_went_on_on_the_next_line() -> None:
    rows = ["任务内容 | 标准或要求 | 工作内容及要求 | 责任单位 | 协助单位 | 完成期限 |",
            "生态环境 | 1、城市大环境绿化扎实开展。 | 禁止开发城市周围的自然山体。 | 市规划局 | 市国土资源局",
            "市农牧林业局 | 2010年9月20日前 |",
            "2、建设防护绿地。 | 建设城市绿化隔离带。 | 市建设局 | 有关部门 | 2010年9月20日前 |"]
    plan = parse("某市创建国家园林城市任务分解表\n" + "\n".join(rows) + "\n")
    assert sorted(_units(plan, "1")) == sorted([("市规划局", R), ("市国土资源局", S), ("市农牧林业局", S)])


def test_a_problem_cell_ending_on_a_street_keeps_the_unit_cell_below_it_apart() -> None:
    rows = ["序号 |", "路段名称 |", "问题描述 |", "责任单位 |", "备注 |",
            "1 |", "湘北大道 |", "沿线街道车辆违停严重 |", "停车办 |", "|",
            "2 |", "赶山西路 |", "学校对面工地上泥巴在雨水冲击下大量流向街道,污染严重 |", "城管大队 |", "|",
            "3 |", "赶山西路 |", "路面积水严重 |", "城管支队 |", "|"]
    plan = parse("卫生城市测评路段问题汇总表\n" + "\n".join(rows) + "\n")
    assert _units(plan, "2") == [("城管大队", R)]


def test_a_blanket_rule_that_includes_the_item_stating_it_names_no_unit_of_its_own() -> None:
    plan = _plan("1.稳定和扩大就业。〔市人社局，此项及以下任务均需各县（市、区）落实，不再列出。"
                 "各责任单位按职责分工落实〕",
                 "2.促进工资性收入合理增长。（市人社局）")
    assert sorted(_units(plan, "一", "1")) == sorted([("市人社局", R), ("各县（市、区）", R)])
    assert sorted(u.name for u in next(n for n in plan.nodes if n.path == ["一", "2"]).units) == [
        "各县（市、区）", "市人社局"]


def test_a_web_tables_level_row_in_traditional_characters_splits_its_category_column() -> None:
    rows = ["序號 | 政府信息公開類別及事項 | 公開內容 | 責任單位 |", "一級 | 二級 |",
            "1 | 機構介紹 | 機構設置 | 部門職能、辦公地址、辦公時間、辦公電話等。 | 黨政綜合辦公室 |",
            "2 | 領導分工 | 領導簡介、個人分工等。 | 黨建工作辦公室、黨政綜合辦公室 |"]
    plan = parse("某鎮政府信息主動公開基本目錄\n" + "\n".join(rows) + "\n")
    assert _units(plan, "1") == [("黨政綜合辦公室", R)]
    assert _units(plan, "2") == [("黨建工作辦公室", R), ("黨政綜合辦公室", R)]


def test_a_progress_cell_of_numbered_entries_in_a_table_copied_one_cell_per_line() -> None:
    lines = ["序号", "主要工作任务", "进展情况", "牵头部门", "进展状态", "1",
             "组织实施高水平生态绿色示范区建设专项行动,抓紧打造临沪高能级智慧产业新区。",
             "1.推进生态绿色示范区建设专项行动,1-6月完成投资110.95亿元。",
             "2.临沪高能级智慧产业新区完成工业投入41.26亿元,引进世界500强项目3个、超亿美元项目5个。",
             "3.加快祥符荡科创绿谷交通基础设施建设。", "嘉善县政府、", "长三角发展办", "按时推进",
             "2", "加快建设嘉兴科技城。", "科技城完成投资20亿元。", "南湖区政府", "按时推进"]
    plan = parse("2021年某市政府工作报告重点工作执行情况(上半年)\n" + "\n".join(lines) + "\n")
    assert _units(plan, "1") == [("嘉善县政府", L), ("长三角发展办", L)]
    assert _units(plan, "2") == [("南湖区政府", L)]


def test_a_marker_clause_naming_the_part_of_the_task_before_its_lead() -> None:
    plan = _plan("（二）做好规章和规范性文件公开。〔规章由政策法规司牵头、规范性文件由制发司（局）牵头，"
                 "各有关司（局）、信息中心配合〕",
                 "（三）推进自贸区建设。（中国（上海）自由贸易试验区管委会负责）")
    assert _units(plan, "一", "（二）") == [("政策法规司", L), ("制发司（局）", L), ("各有关司（局）", S),
                                          ("信息中心", S)]
    assert _units(plan, "一", "（三）") == [("中国（上海）自由贸易试验区管委会", R)]


def test_a_person_who_heads_a_unit_is_no_duty_of_the_unit() -> None:
    plan = _plan("（一）建立路长制。村级路长由村民委员会主要负责同志担任，护路员由村级路长指派。")
    assert _units(plan, "一", "（一）") == []


def test_a_web_tables_rows_a_cell_wider_than_a_header_that_kept_a_two_level_column_as_one() -> None:
    rows = ["序号 | 公开事项 | 内容规范 | 公开时限 | 公开形式 | 公开主体 |",
            "1 | 组织机构 | 机构概况 | 1、要公开部门工作职责; 2、要公开内设机构。 | 15个工作日 | 政府网站 | 政工室 |",
            "2 | 政策文件 | 规范性文件 | 1、文件要素齐全; 2、提供文本下载功能。 | 15个工作日内公开 | 政府网站 |"
            " 法制大队 |"]
    plan = parse("某公安局政务公开标准目录\n" + "\n".join(rows) + "\n")
    assert _units(plan, "1") == [("政工室", R)]
    assert _units(plan, "2") == [("法制大队", R)]
    assert ("1", "1") in _paths(plan) and ("2", "2") in _paths(plan)


def test_a_table_copied_one_cell_per_line_whose_number_column_holds_a_heading_label_alone() -> None:
    lines = ["序号", "重点工作", "市政府", "分管领导", "牵头单位", "配合单位", "备注", "强化科技创新支撑能力。", "",
             "(一)", "", "加强战略科技力量建设。", "", "1", "加快建设科技创新轴。", "王 东", "市科技局",
             "黄埔区、南沙区政府", "", "2", "全力做好国家实验室筹建保障服务工作。", "王 东", "市科技局",
             "市政府办公厅、市发展改革委"]
    # As a file's bytes: the reader joins the label standing alone to its text.
    plan = parse(("2021年市政府工作报告部署工作责任分工\n" + "\n".join(lines) + "\n").encode())
    assert _paths(plan) == [("(一)",), ("(一)", "1"), ("(一)", "2")]
    assert _units(plan, "(一)", "1") == [("市科技局", L), ("黄埔区", S), ("南沙区政府", S)]


def test_a_table_one_cell_per_line_whose_support_cell_lists_a_unit_a_line() -> None:
    lines = ["序号", "事项分类", "事项名称", "项目内容", "牵头单位", "协同单位",
             "1", "打造区域教育高地", "新建一批中小学校", "实施新建中小学校5家。", "区教体局", "东孝街道", "孝顺镇",
             "区发改局",
             "2", "中小学校清廉阳光厨房建设", "对28所中小学校食堂安装数字化验收平台。", "区教体局", "/",
             "3", "家门口青少年宫", "新建1个“家门口的青少年宫”。", "团区委", "各乡镇(街道)", "区教体局"]
    plan = parse("2024年某区政府民生实事任务分解方案\n" + "\n".join(lines) + "\n")
    assert _units(plan, "1") == [("区教体局", L), ("东孝街道", S), ("孝顺镇", S), ("区发改局", S)]
    assert _units(plan, "2") == [("区教体局", L)]
    # The row left out its merged category cell and still has a unit line more than unit columns.
    assert _units(plan, "3") == [("团区委", L), ("各乡镇(街道)", S), ("区教体局", S)]


def test_a_working_groups_member_units_line_names_its_units() -> None:
    plan = _plan("（一）综合组", "组  长:龙雅俐", "成员部门:党政综合办、公共服务办、街道社区卫生服务中心",
                 "工作职责:负责综合协调疫情联防联控工作机制内部日常事务工作。")
    assert [u for u in _units(plan, "一", "（一）") if u[0] != "综合组"] == [
        ("党政综合办", R), ("公共服务办", R), ("街道社区卫生服务中心", R)]


def test_a_table_set_apart_by_spaces_under_a_header_of_words_whose_rows_open_on_their_labels() -> None:
    lines = ["某县公安局执法规范化建设工作任务分工", "具体任务和工作要求   主要责任部门      完成时限", "",
             "1、明确各岗位职责任务 国保、经侦、法制、禁毒和出入境对本单位职责任务进行规范。   2010年10月底", "",
             "2、细化裁量标准 法制大队       2010年底", "",
             "3、完善调解程序 治安、交警分头制定并实施      ", "",
             "4、健全财物管理制度       警务保障室牵头制定,治安、刑侦积极配合   2010年10月底", "",
             "5、健全扣押财物管理制度     拘留所、看守所制定       2010年11月底"]
    plan = parse("\n".join(lines) + "\n")
    assert _paths(plan) == [("1",), ("2",), ("3",), ("4",), ("5",)]
    assert plan.nodes[0].text == "明确各岗位职责任务"
    assert _units(plan, "1") == [("国保", R), ("经侦", R), ("法制", R), ("禁毒", R), ("出入境", R)]
    assert _units(plan, "2") == [("法制大队", R)]
    assert _units(plan, "3") == [("治安", R), ("交警", R)]
    assert _units(plan, "4") == [("警务保障室", L), ("治安", S), ("刑侦", S)]
    assert _units(plan, "5") == [("拘留所", R), ("看守所", R)]
    assert plan.nodes[4].deadline is not None and plan.nodes[2].deadline is None


def test_a_line_of_column_words_over_items_with_markers_is_no_table() -> None:
    plan = parse("某市工作方案\n工作任务  责任单位  完成时限\n1、推进创新平台建设。(责任单位:市科技局)\n"
                 "2、培育科技企业 扩大规模。(责任单位:市工信局、市财政局)\n")
    assert _paths(plan) == [("1",), ("2",)]
    assert _units(plan, "2") == [("市工信局", R), ("市财政局", R)]
    assert plan.nodes[1].text.startswith("培育科技企业 扩大规模。")


def test_a_verb_marker_with_its_deadline_under_a_label_after_a_comma() -> None:
    plan = _plan("（一）做好信息公开工作。（市发展改革委负责落实，完成时限：2022年10月）",
                 "（二）优化政府网站专栏。（市政务服务局、市发展改革委牵头，各区政府负责落实，完成时限：2022年6月）")
    assert _units(plan, "一", "（一）") == [("市发展改革委", R)]
    assert _units(plan, "一", "（二）") == [("市政务服务局", L), ("市发展改革委", L), ("各区政府", R)]
    assert plan.nodes[1].text == "做好信息公开工作。"
    assert plan.nodes[2].deadline is not None and plan.nodes[2].deadline.text.endswith("2022年6月")


def test_units_doing_their_duty_by_the_fields_they_oversee() -> None:
    plan = _plan("（一）推动事项标准化。（市市场监管局牵头，朝阳区、通州区按分管领域负责，2023年12月底前完成）",
                 "（二）优化线下服务。（市各相关部门按分管领域负责，持续推进）")
    assert _units(plan, "一", "（一）") == [("市市场监管局", L), ("朝阳区", R), ("通州区", R)]
    assert _units(plan, "一", "（二）") == [("市各相关部门", R)]


def test_a_table_one_cell_per_line_whose_rows_hold_sub_rows_under_a_merged_number_and_task() -> None:
    lines = ["序号", "工作事项", "主要内容", "牵头单位", "配合单位", "委内牵头处室", "委内配合处室",
             "1", "有序扩大家庭医生来源。", "现阶段家庭医生包括全科医生。", "各区政府", "市卫生健康委", "基层处",
             "医政处",
             "推动人才资源向基层医疗卫生机构倾斜。", "各区政府", "市卫生健康委、市人社局", "人事处", "基层处",
             "2", "优化签约服务团队。", "家庭医生可以组建团队提供签约服务。", "各区政府", "/", "基层处", "药政处"]
    plan = parse("家庭医生签约服务工作任务分工表\n" + "\n".join(lines) + "\n")
    assert _paths(plan) == [("1",), ("2",)]
    assert _units(plan, "1") == [("各区政府", L), ("基层处", L), ("市卫生健康委", S), ("医政处", S),
                                 ("各区政府", L), ("人事处", L), ("市卫生健康委", S), ("市人社局", S), ("基层处", S)]
    assert all("各区政府" not in line for line in plan.nodes[0].text.splitlines())
    assert _units(plan, "2") == [("各区政府", L), ("基层处", L), ("药政处", S)]


def test_a_bare_list_of_units_closing_an_item_before_its_full_stop() -> None:
    plan = _plan("（一）地区生产总值增长11%（市发改委,市政府相关部门,各县市区政府,荆州开发区）。",
                 "（二）财政收入增长12%（市财政局、市国税局）。",
                 "（三）鼓励企业设立研发机构（研发中心）。",
                 "（四）支持企业与高校合作（清华大学、市科技局）建设平台。")
    assert _units(plan, "一", "（一）") == [("市发改委", R), ("市政府相关部门", R), ("各县市区政府", R),
                                         ("荆州开发区", R)]
    assert _units(plan, "一", "（二）") == [("市财政局", R), ("市国税局", R)]
    assert _units(plan, "一", "（三）") == [] and _units(plan, "一", "（四）") == []


def test_the_leading_bodies_and_those_working_with_them_are_two_units() -> None:
    plan = _plan("（一）建设集成办事场景。（责任单位：各场景牵头部门和配合部门、市政务和数据局）",
                 "（二）优化社会保障服务。（责任单位：市人力资源和社会保障局）")
    assert _units(plan, "一", "（一）") == [("各场景牵头部门", R), ("配合部门", R), ("市政务和数据局", R)]
    assert _units(plan, "一", "（二）") == [("市人力资源和社会保障局", R)]
    # So in a bare list and under a bracketed label; the role's bodies in general exhorted in a sentence name none.
    plan = _plan("（一）建设集成办事场景。（各场景牵头部门和配合部门、市政务和数据局）",
                 "（二）优化流程。【责任单位】各场景牵头部门和配合部门",
                 "（三）协同推进。针对跨单位任务，协同单位积极配合。")
    assert _units(plan, "一", "（一）") == [("各场景牵头部门", R), ("配合部门", R), ("市政务和数据局", R)]
    assert _units(plan, "一", "（二）") == [("各场景牵头部门", R), ("配合部门", R)]
    assert _units(plan, "一", "（三）") == []


def test_a_name_of_no_known_shape_within_a_verb_markers_list_of_units() -> None:
    plan = _plan("（一）推广减盐减油。（省委宣传部、省教育厅、省计生协等按职责分工负责）",
                 "（二）加强宣传。（省计生协负责）")
    assert _units(plan, "一", "（一）") == [("省委宣传部", R), ("省教育厅", R), ("省计生协", R)]
    assert _units(plan, "一", "（二）") == []


def test_a_task_table_a_page_printed_as_one_paragraph_its_rows_run_together() -> None:
    line = ("序号工作任务责任单位21树立婚育新风。构建新型婚育文化。省委宣传部、省妇联牵头;省总工会、团省委配合;"
            "各州(市)党委和政府落实22实行特别扶助制度。对计划生育特殊家庭老年人发放护理补贴22元。省财政厅牵头;"
            "省民政厅配合;各州(市)党委和政府落实23优先安排入住公办养老机构。省民政厅、省住房城乡建设厅牵头")
    plan = parse(("重点任务分工清单\n" + line + "\n").encode())
    assert _paths(plan) == [("21",), ("22",), ("23",)]
    assert plan.nodes[1].text == "实行特别扶助制度。对计划生育特殊家庭老年人发放护理补贴22元。"
    assert _units(plan, "21") == [("省委宣传部", L), ("省妇联", L), ("省总工会", S), ("团省委", S),
                                  ("各州(市)党委和政府", R)]
    assert _units(plan, "23") == [("省民政厅", L), ("省住房城乡建设厅", L)]


def test_a_paragraph_after_a_line_of_run_together_column_words_is_left_as_it_is() -> None:
    plan = parse("某市工作方案\n一、任务\n序号工作任务责任单位1项工作要做好。市科技局负责。\n".encode())
    assert _paths(plan) == [("一",)]


@pytest.mark.parametrize("clause", ["各区政府按属地原则负责", "各区政府按照属地管理原则负责落实",
                                    "各区政府根据工作实际负责", "各区政府结合实际抓好落实"])
def test_the_manner_of_a_duty_between_the_names_and_their_verb_is_no_part_of_a_name(clause: str) -> None:
    plan = _plan(f"（一）推进老旧小区改造。（市住建局牵头，{clause}）")
    assert _units(plan, "一", "（一）") == [("市住建局", L), ("各区政府", R)]


@pytest.mark.parametrize(("marker", "units"), [
    ("（市发改委负总责，市财政局配合）", [("市发改委", R), ("市财政局", S)]),
    ("（市发改委牵头抓总，各区政府抓好落实）", [("市发改委", L), ("各区政府", R)]),
    ("（市发改委领衔，市财政局参与）", [("市发改委", L), ("市财政局", S)]),
])
def test_more_verbs_of_the_genre_give_their_roles(marker: str, units: list[tuple[str, str]]) -> None:
    assert _units(_plan("（一）推进重点项目建设。" + marker), "一", "（一）") == units


@pytest.mark.parametrize("clause", ["各区政府具体落实", "各区政府抓好落实", "由各区政府负责落实"])
def test_a_clause_that_closes_on_carrying_the_task_out_names_its_units(clause: str) -> None:
    plan = _plan(f"（一）优化政务服务。市政务服务局牵头，{clause}。", "（二）抓好落实。各区政府要落实属地责任。")
    assert _units(plan, "一", "（一）") == [("市政务服务局", L), ("各区政府", R)]
    assert _units(plan, "一", "（二）") == []


def test_a_marker_broken_after_its_first_labels_list_goes_on_with_its_next_label() -> None:
    text = ("某县殡葬领域突出问题专项整治方案\n一、整治重点\n"
            "1、未经批准擅自兴建公墓设施。(牵头单位:县国土局;\n参与单位:县民政局、县林业局、县住建局、县规划局)\n"
            "2、公墓未依法办理建设用地手续。(牵头单位:县国土局;\n参与单位:县民政局)\n")
    plan = parse(text.encode())
    assert _units(plan, "一", "1") == [("县国土局", L), ("县民政局", S), ("县林业局", S), ("县住建局", S),
                                       ("县规划局", S)]
    assert _units(plan, "一", "2") == [("县国土局", L), ("县民政局", S)]


def test_a_duty_lists_entries_name_their_units_before_a_colon() -> None:
    plan = _plan("（一）职责分工",
                 "区商务委：负责全区成品油市场秩序整治组日常工作；加强成品油流通企业监督管理。",
                 "区消防救援支队：负责指导督促成品油经营企业开展风险隐患自查。",
                 "区交通局：配合查处非法运输成品油行为。",
                 "工作要求：各单位要高度重视。")
    assert _units(plan, "一", "（一）") == [("区商务委", R), ("区消防救援支队", R), ("区交通局", S)]


@pytest.mark.parametrize("label", ["责任 单位", "责任单 位", "责 任 单 位"])
def test_a_label_a_pdf_copy_put_a_space_inside_is_a_label(label: str) -> None:
    plan = _plan(f"（一）推进超充站建设。〔{label}：市发展改革委、市经济信息委〕")
    assert _units(plan, "一", "（一）") == [("市发展改革委", R), ("市经济信息委", R)]


def test_a_marker_below_an_item_assigns_it_instead_of_its_texts_prose_subject() -> None:
    # '(二)…县政府负责…。' / '牵头单位:县人民政府;责任单位:…': the marker, not the sentence, assigns the item, as a
    # marker in the item's own line would; a marker of supporting units only leaves the lead the text named.
    plan = _plan("(一)任务要求。县政府负责落实年检车辆尾气检测专项经费。",
                 "牵头单位:县人民政府;责任单位:县公安局、县环保局。",
                 "(二)省审计厅牵头的工作", "全面加强审计工作。", "协同单位:省直各部门。")
    assert _units(plan, "一", "(一)") == [("县人民政府", L), ("县公安局", R), ("县环保局", R)]
    assert _units(plan, "一", "(二)") == [("省审计厅", L), ("省直各部门", S)]


def test_unit_lines_under_each_sub_target_of_an_item_list_a_unit_for_each() -> None:
    # A target table copied one cell per line, its rows' sub-targets ('——…') each followed by their units.
    plan = parse("目标责任分解书\n领域\n主要目标\n主要责任单位\n责任单位\n1.降低儿童死亡率。\n"
                 "——婴儿死亡率控制在6‰以下。\n省卫生厅\n——儿童伤害死亡率下降1/6。\n省卫生厅\n省教育厅\n"
                 "2.提高儿童健康水平。\n省卫生厅\n")
    assert [u.name for u in plan.nodes[0].units] == ["省卫生厅", "省卫生厅", "省教育厅"]
    assert [u.name for u in plan.nodes[1].units] == ["省卫生厅"]


def test_a_row_that_left_its_second_unit_cell_empty_keeps_its_date_out_of_the_units() -> None:
    # One cell per line, row 2's 责任单位 cell empty and left out: its date goes to 完成时限, its one unit cell to
    # 牵头单位.
    plan = parse("重点任务责任分工\n序号\n工作任务\n牵头单位\n责任单位\n完成时限\n1\n成立协调推进机制。\n市行政审批局\n"
                 "市直相关部门\n2021年9月底\n2\n指定专门处室负责政务数据共享工作。\n市直相关部门\n2021年9月底\n")
    assert _units(plan, "2") == [("市直相关部门", L)]
    assert plan.nodes[1].deadline is not None and plan.nodes[1].deadline.text == "2021年9月底"


def test_items_under_a_heading_that_divides_duties_name_the_bodies_they_open_with() -> None:
    # '四、工作职责': each item opens with its bodies, whatever it has them do; elsewhere such a sentence assigns none.
    plan = _plan("1.县国动办、县文旅广电局确保应急广播终端安全可靠;", "2.县供电分公司保障防空警报设施供电需要;",
                 "3.民政局组织城区内学校、社区开展疏散演练;")
    assert all(n.units == [] for n in plan.nodes)
    plan = parse("某县防空警报试鸣通告\n四、工作职责\n1.县国动办、县文旅广电局确保应急广播终端安全可靠;\n"
                 "2.县供电分公司保障防空警报设施供电需要;\n3.民政局组织城区内学校、社区开展疏散演练;\n")
    assert _units(plan, "四", "1") == [("县国动办", R), ("县文旅广电局", R)]
    assert _units(plan, "四", "2") == [("县供电分公司", R)]
    assert _units(plan, "四", "3") == [("民政局", R)]


def test_a_heading_and_its_first_item_run_on_after_a_sentence_and_a_space() -> None:
    # A sharing site's preview that shifted its line breaks: '…。 五、责任分工 (一)县委办公室' / '以两办名义…。 (二)…'.
    plan = parse("某县公祭活动方案\n四、仪式议程\n1、奏唱国歌;\n2、参加人员瞻仰碑廊。 五、责任分工 (一)县委办公室\n"
                 "以两办名义下发活动通知。 (二)县政府办公室\n传阅两办通知。\n")
    assert _paths(plan) == [("四",), ("四", "1"), ("四", "2"), ("五",), ("五", "(一)"), ("五", "(二)")]
    assert _units(plan, "五", "(一)") == [("县委办公室", R)] and _units(plan, "四", "2") == []


def test_a_unit_name_its_cell_wrapped_below_a_header_without_a_number_column() -> None:
    # '县国土' / '资源局': one name; '省人口计生' / '省妇联': a field's short name, then the next unit.
    plan = parse("考核评分表\n考核指标\n年度考核目标任务\n评分标准\n牵头部门\n配合部门\n(一)保护耕地\n"
                 "耕地面积不减少。\n县国土\n资源局\n县农业局\n(二)保护妇女健康\n筛查率达到80%。\n省卫生厅\n省人口计生\n省妇联\n")
    assert _units(plan, "(一)") == [("县国土资源局", L), ("县农业局", S)]
    assert [name for name, _ in _units(plan, "(二)")] == ["省卫生厅", "省人口计生", "省妇联"]


def test_a_marker_below_an_item_keeps_what_a_by_phrase_names_and_a_unit_both_name() -> None:
    # '由X牵头' assigns the item as a marker does; a unit the text and the marker both name stays, once.
    plan = _plan("(一)强化联席会议机制。由领导小组办公室牵头,加强顶层设计。", "责任单位：领导小组成员单位",
                 "(二)加强组织领导。区建设管理委负责统筹协调。", "责任单位：区建设管理委、区水务局")
    assert _units(plan, "一", "(一)") == [("领导小组办公室", L), ("领导小组成员单位", R)]
    assert _units(plan, "一", "(二)") == [("区建设管理委", R), ("区水务局", R)]


def test_labels_in_tortoise_shell_brackets_and_a_doc_numbers_year_is_none() -> None:
    plan = parse("某局工作方案\n一、职责分工\n〔一〕公路部门:加强监管。\n〔二〕海事部门:落实检查。\n"
                 "〔三〕有渡乡〔镇〕人民政府:建立制度。\n按照政秘〔2023〕90号要求落实。\n")
    assert _paths(plan) == [("一",), ("一", "〔一〕"), ("一", "〔二〕"), ("一", "〔三〕")]
    assert _units(plan, "一", "〔三〕") == [("有渡乡〔镇〕人民政府", R)]


def test_a_duty_tables_column_of_each_bodys_duties_holds_the_rows_items() -> None:
    plan = parse("序号\t部门\t事权清单\n1\t市委宣传部\t1.负责指导食品安全宣传教育工作。 2.负责协调舆论引导。\n"
                 "2\t市委政法委\t1.牵头推动完善执法司法政策。\n")
    assert _paths(plan) == [("1",), ("1", "1"), ("1", "2"), ("2",)]
    assert _units(plan, "1") == [("市委宣传部", R)]
