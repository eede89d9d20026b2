"""Unit directory and unit markers (luoshi.plandoc.units)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.plandoc import parse, units
from luoshi.plandoc.errors import PlanDocError
from luoshi.plandoc.normalize import halfwidth
from luoshi.plandoc.units import (
    KINDS,
    UnitDirectory,
    find_lead_rule,
    find_unit_marker,
    is_collective_name,
    looks_like_unit,
    split_unit_list,
)

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "src" / "luoshi" / "plandoc" / "data" / "dalian-2018-innovation-workplan.txt"
UNITS = Path(__file__).parent / "fixtures" / "units"


@pytest.fixture(scope="module")
def dalian() -> UnitDirectory:
    return UnitDirectory.builtin()


# ---------------------------------------------------------------------------------------------
# Built-in directory
# ---------------------------------------------------------------------------------------------


def test_it_knows_every_unit_the_seed_names_in_a_responsibility_list(dalian: UnitDirectory) -> None:
    text = SEED.read_text(encoding="utf-8")
    lists = re.findall(r"[(（]责任单位[:：]([^)）]*)[)）]", text)
    names = {n for lst in lists for n in re.split(r"[、,，]", lst) if n}
    assert len(names) >= 44
    resolved = {n: dalian.resolve(n) for n in names}
    missing = sorted(n for n, e in resolved.items() if e is None or e.name != n)
    assert missing == []


@pytest.mark.parametrize(("name", "full_name", "kind"), [
    ("市科技局", "大连市科学技术局", "city_department"),
    ("市发展改革委", "大连市发展和改革委员会", "city_department"),
    ("市人社局", "大连市人力资源和社会保障局", "city_department"),
    ("市法院", "大连市中级人民法院", "court"),
    ("市检察院", "大连市人民检察院", "procuratorate"),
    ("人民银行大连市中心支行", "中国人民银行大连市中心支行", "central_unit"),
    ("大连证监局", "中国证券监督管理委员会大连监管局", "central_unit"),
    ("市国税局", "大连市国家税务局", "central_unit"),
    ("市科协", "大连市科学技术协会", "mass_organization"),
    ("市委组织部", "中共大连市委组织部", "party_department"),
    ("高新区管委会", "大连高新技术产业园区管理委员会", "pilot_zone"),
    ("庄河市政府", "庄河市人民政府", "district_government"),
])
def test_it_gives_builtin_units_their_full_name_and_kind(
        dalian: UnitDirectory, name: str, full_name: str, kind: str) -> None:
    entry = dalian.resolve(name)
    assert entry is not None
    assert (entry.name, entry.full_name, entry.kind) == (name, full_name, kind)


def test_it_gives_every_builtin_entry_a_known_kind(dalian: UnitDirectory) -> None:
    assert all(e.kind in KINDS for e in dalian.entries())
    assert all(e.kind == "group" for e in dalian.entries() if e.is_group)


@pytest.mark.parametrize(("written", "canonical"), [
    ("市发改委", "市发展改革委"),                  # alias
    ("大连市科技局", "市科技局"),                  # city prefix
    ("大连市科学技术局", "市科技局"),              # full name
    ("市科学技术局", "市科技局"),
    ("  市科技局\u3000", "市科技局"),             # surrounding spaces, ideographic too
    ("市 科技局", "市科技局"),                    # a PDF's stray space
    ("中共大连市委组织部", "市委组织部"),
    ("各区市县人民政府", "各区市县政府"),          # 人民政府 == 政府
    ("各区（市）县人民政府", "各区市县政府"),
    ("各区(市)县政府", "各区市县政府"),            # half-width brackets
    ("大连市中山区人民政府", "中山区政府"),
    ("中山区", "中山区政府"),
    ("瓦房店市人民政府", "瓦房店市政府"),
    ("大连高新区管委会", "高新区管委会"),
    ("人行大连市中心支行", "人民银行大连市中心支行"),
    ("大连市中级人民法院", "市法院"),
])
def test_it_resolves_the_ways_plans_write_a_unit(dalian: UnitDirectory, written: str, canonical: str) -> None:
    entry = dalian.resolve(written)
    assert entry is not None and entry.name == canonical


@pytest.mark.parametrize("written", ["市科技", "科技局", "市科技局局", "沈阳市科技局", "大连市", "", "   ",
                                     "市科技局、市财政局", "大连"])
def test_it_resolves_nothing_fuzzy(dalian: UnitDirectory, written: str) -> None:
    assert dalian.resolve(written) is None


def test_it_expands_builtin_groups(dalian: UnitDirectory) -> None:
    districts = dalian.members(dalian.resolve("各区市县政府"))  # type: ignore[arg-type]
    assert len(districts) == 10
    assert {"中山区政府", "西岗区政府", "沙河口区政府", "甘井子区政府", "旅顺口区政府", "金州区政府",
            "普兰店区政府", "瓦房店市政府", "庄河市政府", "长海县政府"} == set(districts)
    zones = dalian.members(dalian.resolve("各先导区管委会"))  # type: ignore[arg-type]
    assert set(zones) == {"高新区管委会", "金普新区管委会", "长兴岛经济区管委会", "花园口经济区管委会"}
    departments = dalian.members(dalian.resolve("市直各部门"))  # type: ignore[arg-type]
    assert "市科技局" in departments and "市财政局" in departments
    assert not {"市法院", "市委组织部", "高新区管委会", "各区市县政府", "市直各部门"} & set(departments)


def test_it_gives_no_members_to_a_plain_unit(dalian: UnitDirectory) -> None:
    entry = dalian.resolve("市科技局")
    assert entry is not None and not entry.is_group
    assert dalian.members(entry) == []


def test_it_builds_the_builtin_directory_once() -> None:
    assert UnitDirectory.builtin() is UnitDirectory.builtin()


# ---------------------------------------------------------------------------------------------
# Loading directories
# ---------------------------------------------------------------------------------------------


def test_it_loads_a_yaml_directory_with_city_globs_and_nested_groups() -> None:
    d = UnitDirectory.load(UNITS / "shenyang.yaml")
    assert len(d) == 9
    assert d.resolve("沈阳市发改委").name == "市发展改革委"  # type: ignore[union-attr]
    assert d.resolve("中共沈阳市委宣传部").name == "市委宣传部"  # type: ignore[union-attr]
    assert d.resolve("沈阳市和平区人民政府").name == "和平区政府"  # type: ignore[union-attr]
    assert d.resolve("大连市发改委") is None      # another city's prefix is not stripped
    group = d.resolve("各区、县(市)人民政府")
    assert group is not None and group.is_group
    assert d.members(group) == ["和平区政府", "沈河区政府", "新民市政府"]
    everyone = d.members(d.resolve("全市各级政府"))  # type: ignore[arg-type]
    assert everyone == ["和平区政府", "沈河区政府", "新民市政府", "市发展改革委", "市财政局"]
    assert d.resolve("新民市政府").parent == "沈阳市政府"  # type: ignore[union-attr]
    assert d.resolve("市直各部门").kind == "group"  # type: ignore[union-attr]


def test_it_loads_a_csv_directory() -> None:
    d = UnitDirectory.load(UNITS / "sichuan.csv")
    assert len(d) == 6
    entry = d.resolve("省发改委")
    assert entry is not None and entry.full_name == "四川省发展和改革委员会"
    assert d.resolve("四川省发改委") is entry
    group = d.resolve("各市（州）政府")
    assert group is not None and group.is_group and group.kind == "group"
    assert d.members(group) == ["成都市政府", "绵阳市政府"]
    assert d.resolve("人行成都分行").kind == "central_unit"  # type: ignore[union-attr]
    assert d.resolve("省财政厅").is_group is False  # type: ignore[union-attr]


def test_it_loads_a_gbk_csv_with_chinese_headings() -> None:
    d = UnitDirectory.load(UNITS / "gbk-chinese-headers.csv")
    assert [e.name for e in d.entries()] == ["市发展改革委", "市科技局"]
    assert d.resolve("武汉市发改委").name == "市发展改革委"  # type: ignore[union-attr]


def test_it_loads_the_list_form_and_infers_the_city() -> None:
    d = UnitDirectory.load(UNITS / "list-form.yml")
    assert d.resolve("青岛市科技局").name == "市科技局"  # type: ignore[union-attr]
    assert d.resolve("青岛科技局").name == "市科技局"  # type: ignore[union-attr]
    assert d.resolve("市科学技术局").aliases == ("市科学技术局", "青岛科技局")  # type: ignore[union-attr]


@pytest.mark.parametrize(("filename", "says"), [
    ("bad-missing-name.yaml", "第2条"),
    ("bad-duplicate.yaml", "重复"),
    ("bad-alias-clash.yaml", "市财政"),
    ("bad-kind.yaml", "ministry"),
    ("bad-syntax.yaml", "YAML"),
    ("bad-member.yaml", "市不存在局"),
    ("bad-top-level.yaml", "列表"),
    ("bad-unknown-field.yaml", "alias"),
    ("bad-members-not-group.yaml", "成员"),
    ("empty.yaml", "为空"),
    ("bad-no-name-column.csv", "name"),
    ("bad-row-without-name.csv", "第3行"),
    ("does-not-exist.yaml", "找不到"),
])
def test_it_rejects_bad_directory_files_with_one_clear_line(filename: str, says: str) -> None:
    with pytest.raises(PlanDocError) as info:
        UnitDirectory.load(UNITS / filename)
    message = str(info.value)
    assert "\n" not in message
    assert says in message
    assert filename in message
    assert getattr(info.value.args[0], "code", ""), "the message carries a code (for the web layer to translate)"


def test_it_rejects_other_file_types_binary_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "units.json").write_text("[]", encoding="utf-8")
    (tmp_path / "units.csv").write_bytes(b"name\n\x00\x01\x02")
    (tmp_path / "folder.yaml").mkdir()
    for name in ("units.json", "units.csv", "folder.yaml"):
        with pytest.raises(PlanDocError):
            UnitDirectory.load(tmp_path / name)


def test_it_rejects_yaml_that_is_not_text_where_text_belongs(tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_text("- {name: [a, b]}\n", encoding="utf-8")
    with pytest.raises(PlanDocError):
        UnitDirectory.load(path)
    path.write_text("- {name: 市财政局, aliases: {a: 1}}\n", encoding="utf-8")
    with pytest.raises(PlanDocError):
        UnitDirectory.load(path)


def test_it_survives_a_yaml_alias_bomb(tmp_path: Path) -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        lines.append(f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [{','.join(['*' + prev] * 9)}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(PlanDocError):
        UnitDirectory.load(path)
    assert time.perf_counter() - started < 2


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "各区县政府", "各市（州）人民政府", "各县（市、区）人民政府", "各有关部门", "市直有关部门", "各成员单位",
    "省直有关单位", "各地", "各级政府", "各区市县政府", "各先导区管委会", "市政府各有关部门",
    "领导小组成员单位",
    "区市县政府", "市县政府", "县级以上地方人民政府", "省政府各部门", "其他有关部门", "中直驻连单位",
    "各乡镇人民政府", "有关区市县政府", "市(州)、县(市、区)人民政府",
    "委属部门单位", "局属单位", "市属企业", "区属国企", "所属单位",
])
def test_it_recognises_collective_names(name: str) -> None:
    assert is_collective_name(name)
    assert looks_like_unit(name)


@pytest.mark.parametrize("name", [
    "市政府", "市科技局", "中山区政府", "各种", "各项工作", "各自", "市发展改革委", "", "沈阳市", "有关规定",
    "金属企业", "附属医院",
])
def test_it_keeps_single_units_and_words_out_of_collectives(name: str) -> None:
    assert not is_collective_name(name)


@pytest.mark.parametrize("name", [
    "市科技局", "市发展改革委", "高新区管委会", "市政府办公厅（市金融办）", "人民银行大连市中心支行",
    "大连海关", "市法院", "市检察院", "大连理工大学", "市科协", "团市委", "市妇联", "省委宣传部", "国务院",
    "中国铁路沈阳局集团有限公司", "市委督查室", "领导小组办公室", "金普新区", "庄河市", "长海县",
    "大连化物所", "市总工会", "工作专班", "国家税务总局大连市税务局", "市人力资源和社会保障局", "人行",
    "财政部", "海关总署", "共青团中央", "工业和信息化部", "市场监管总局", "文物股", "广电事业股", "法规科",
    "种植业管理科",
])
def test_it_sees_units(name: str) -> None:
    assert looks_like_unit(name)


@pytest.mark.parametrize("name", [
    "R&D", "苗圃", "2017-2019年", "试行", "统一部署", "全社会", "软交会", "项目单位", "企业", "大局", "干部",
    "市", "局", "之处", "全市", "平台", "GDP", "产业布局", "负责的项目", "西中岛", "研究方向", "含",
    "2018年底前完成", "中国国际专利技术与产品交易会", "东北部", "城区", "暂行", "" , "　", "国有控股", "技术入股",
    "完成既有多层住宅加装电梯700台", "创建20个新时代美丽家园特色小区", "改建或新建9座左右口袋公园",
    "各级路长", "县长", "定期分批对各街道消防办", "督导相关部门和下级路长", "学科", "提供各类应急避难场所点位清单",
    "很长很长的一段不是单位名称的文字，其中包括逗号和各种内容，一直写下去直到超过四十个字符为止的局",
])
def test_it_does_not_see_units_in_ordinary_words(name: str) -> None:
    assert not looks_like_unit(name)


@pytest.mark.parametrize(("text", "names"), [
    ("市科技局、市财政局", ["市科技局", "市财政局"]),
    ("市科技局，市财政局;市统计局；市农委", ["市科技局", "市财政局", "市统计局", "市农委"]),
    ("市科技局 市财政局\u3000市统计局", ["市科技局", "市财政局", "市统计局"]),
    ("市科技局及市财政局", ["市科技局", "市财政局"]),
    ("市科技局以及各区市县政府", ["市科技局", "各区市县政府"]),
    ("市科技局和市财政局", ["市科技局", "市财政局"]),
    ("市人力资源和社会保障局、大连市海洋与渔业局", ["市人力资源和社会保障局", "大连市海洋与渔业局"]),
    ("省工业和信息化厅、省住房和城乡建设厅", ["省工业和信息化厅", "省住房和城乡建设厅"]),
    ("沈阳市和平区政府", ["沈阳市和平区政府"]),
    # 和 before the last of a list, after towns, a zone or a collective.
    ("区房管局、各街镇和城发集团", ["区房管局", "各街镇", "城发集团"]),
    ("区交通委、开发区和头桥集团", ["区交通委", "开发区", "头桥集团"]),
    ("各区和各街镇", ["各区", "各街镇"]),
    ("各省级林业和草原主管部门", ["各省级林业和草原主管部门"]),
    ("市教育局、各县<市、区>人民政府", ["市教育局", "各县<市、区>人民政府"]),
    # Names set apart by spaces, 和 inside them: the 和 is undone within each name, not across the spaces.
    ("区前期办 区城市更新和土地整备局 区工业和信息化局", ["区前期办", "区城市更新和土地整备局", "区工业和信息化局"]),
    ("和平区政府、沈河区政府", ["和平区政府", "沈河区政府"]),
    ("市政府办公厅（市金融办、市国资委）、市财政局", ["市政府办公厅（市金融办、市国资委）", "市财政局"]),
    ("市科技局、市财政局等", ["市科技局", "市财政局"]),
    ("市科技局、市财政局等部门", ["市科技局", "市财政局"]),
    ("市科技局、市财政局等9个部门", ["市科技局", "市财政局"]),
    ("市科技局、市财政局等有关部门按职责分工负责", ["市科技局", "市财政局"]),
    ("市科技局牵头", ["市科技局"]),
    ("由市科技局负责", ["市科技局"]),
    ("市财政局配合", ["市财政局"]),
    ("市科技局/市财政局", ["市科技局", "市财政局"]),
    ("财务处 | |", ["财务处"]),   # a web table's pipes after a cell
    ("市 科技局", ["市 科技局"]),
    ("、、 ,;", []),
    ("", []),
])
def test_it_splits_unit_lists(text: str, names: list[str]) -> None:
    pieces = split_unit_list(text)
    assert [n for n, _ in pieces] == names
    assert all(text[s:e] == n for n, (s, e) in pieces)


# ---------------------------------------------------------------------------------------------
# Markers
# ---------------------------------------------------------------------------------------------

L, S, R = "lead", "support", "responsible"

# (text, marker as written, [(unit, role)], deadline). Written full-width; each is also run half-width.
MARKERS: list[tuple[str, str, list[tuple[str, str]], str | None]] = [
    # labelled, one role
    ("建设孵化体系。（责任单位：市科技局、市财政局）", "（责任单位：市科技局、市财政局）",
     [("市科技局", R), ("市财政局", R)], None),
    ("加强执法（责任部门：省市场监管局）", "（责任部门：省市场监管局）", [("省市场监管局", R)], None),
    ("开展评估（负责单位：市统计局）。", "（负责单位：市统计局）", [("市统计局", R)], None),
    ("开展评估（负责部门：市审计局）", "（负责部门：市审计局）", [("市审计局", R)], None),
    ("压实责任（责任主体：各区县政府）", "（责任主体：各区县政府）", [("各区县政府", R)], None),
    ("推进改革（主责单位：市委编办）", "（主责单位：市委编办）", [("市委编办", L)], None),
    ("完成改造（责任单位 ： 市住建局）", "（责任单位 ： 市住建局）", [("市住建局", R)], None),
    # labelled, several roles
    ("建立联席会议制度（牵头单位：省发展改革委；配合单位：省财政厅、省科技厅）",
     "（牵头单位：省发展改革委；配合单位：省财政厅、省科技厅）",
     [("省发展改革委", L), ("省财政厅", S), ("省科技厅", S)], None),
    ("推动数据共享（牵头单位：市大数据局，参与单位：市公安局）",
     "（牵头单位：市大数据局，参与单位：市公安局）",
     [("市大数据局", L), ("市公安局", S)], None),
    ("开展专项整治（牵头部门：市生态环境局 配合部门：市水务局）",
     "（牵头部门：市生态环境局 配合部门：市水务局）",
     [("市生态环境局", L), ("市水务局", S)], None),
    ("举办博览会（主办单位：市商务局；协办单位：市贸促会、市外办）",
     "（主办单位：市商务局；协办单位：市贸促会、市外办）",
     [("市商务局", L), ("市贸促会", S), ("市外办", S)], None),
    ("推进“放管服”改革（牵头单位：市政府办公厅；责任单位：各区市县政府、各先导区管委会）",
     "（牵头单位：市政府办公厅；责任单位：各区市县政府、各先导区管委会）",
     [("市政府办公厅", L), ("各区市县政府", R), ("各先导区管委会", R)], None),
    ("出台实施细则（牵头单位：省科技厅；完成时限：2018年12月底前）",
     "（牵头单位：省科技厅；完成时限：2018年12月底前）",
     [("省科技厅", L)], "2018年12月底前"),
    ("出台实施细则（牵头单位：省科技厅；配合单位：省财政厅；完成时间：2019年6月）",
     "（牵头单位：省科技厅；配合单位：省财政厅；完成时间：2019年6月）",
     [("省科技厅", L), ("省财政厅", S)], "2019年6月"),
    ("建成平台（责任单位：市工信局；时间节点：2020年底）", "（责任单位：市工信局；时间节点：2020年底）",
     [("市工信局", R)], "2020年底"),
    ("推进立法（牵头单位（部门）：市司法局）", "（牵头单位（部门）：市司法局）", [("市司法局", L)], None),
    ("完善考核（牵头领导：张三；牵头单位：市委考核办）", "（牵头领导：张三；牵头单位：市委考核办）",
     [("市委考核办", L)], None),
    ("完成任务（责任单位：市科技局，2018年底前完成）", "（责任单位：市科技局，2018年底前完成）",
     [("市科技局", R)], "2018年底前完成"),
    ("推进（责任单位：市发展改革委（牵头）、市财政局）", "（责任单位：市发展改革委（牵头）、市财政局）",
     [("市发展改革委", L), ("市财政局", R)], None),
    ("推进（责任单位：市政府办公厅（市金融办）、市财政局）",
     "（责任单位：市政府办公厅（市金融办）、市财政局）",
     [("市政府办公厅（市金融办）", R), ("市财政局", R)], None),
    ("做好服务【责任单位：市行政审批局】", "【责任单位：市行政审批局】", [("市行政审批局", R)], None),
    # verb markers
    ("完善产权保护制度（发展改革委牵头，最高人民法院、司法部等按职责分工负责）",
     "（发展改革委牵头，最高人民法院、司法部等按职责分工负责）",
     [("发展改革委", L), ("最高人民法院", R), ("司法部", R)], None),
    ("降低物流成本（交通运输部牵头，财政部配合）", "（交通运输部牵头，财政部配合）",
     [("交通运输部", L), ("财政部", S)], None),
    ("扩大有效投资（发展改革委、财政部按职责分工负责）", "（发展改革委、财政部按职责分工负责）",
     [("发展改革委", R), ("财政部", R)], None),
    ("健全社会保障体系（人力资源社会保障部负责）",
     "（人力资源社会保障部负责）", [("人力资源社会保障部", R)], None),
    ("加强统计监测（统计局、发展改革委负责）",
     "（统计局、发展改革委负责）", [("统计局", R), ("发展改革委", R)], None),
    ("做好宣传（由市委宣传部负责）", "（由市委宣传部负责）", [("市委宣传部", R)], None),
    ("修订办法（省科技厅会同省财政厅负责）",
     "（省科技厅会同省财政厅负责）", [("省科技厅", L), ("省财政厅", S)], None),
    ("营造氛围（市委宣传部牵头，各区市县政府、市直有关部门配合，长期坚持）",
     "（市委宣传部牵头，各区市县政府、市直有关部门配合，长期坚持）",
     [("市委宣传部", L), ("各区市县政府", S), ("市直有关部门", S)], "长期坚持"),
    ("全面实施清单管理。（市政府办公室、市行政审批制度改革工作领导小组办公室牵头，市级各有关部门及各县市区政府按职责分工负责）",
     "（市政府办公室、市行政审批制度改革工作领导小组办公室牵头，市级各有关部门及各县市区政府按职责分工负责）",
     [("市政府办公室", L), ("市行政审批制度改革工作领导小组办公室", L), ("市级各有关部门", R),
      ("各县市区政府", R)], None),
    ("经济增长7.5%（分管副省长、协管副秘书长负责，省发展改革委牵头，省统计局配合）",
     "（分管副省长、协管副秘书长负责，省发展改革委牵头，省统计局配合）",
     [("省发展改革委", L), ("省统计局", S)], None),
    # a bare list of units in brackets after a full sentence
    ("落实减税降费政策。（省财政厅、省税务局）",
     "（省财政厅、省税务局）", [("省财政厅", R), ("省税务局", R)], None),
    ("加大清理力度。（省财政厅、省税务局，2019年底前完成）",
     "（省财政厅、省税务局，2019年底前完成）",
     [("省财政厅", R), ("省税务局", R)], "2019年底前完成"),
    # markers without brackets
    ("责任单位：市科技局、市财政局",
     "责任单位：市科技局、市财政局", [("市科技局", R), ("市财政局", R)], None),
    ("牵头单位：市科技局  配合单位：市财政局", "牵头单位：市科技局  配合单位：市财政局",
     [("市科技局", L), ("市财政局", S)], None),
    ("责任单位: 市科技局。", "责任单位: 市科技局。", [("市科技局", R)], None),
    ("  责任单位：市科技局  ", "责任单位：市科技局", [("市科技局", R)], None),
    ("推进产学研合作。牵头单位：市科技局；配合单位：市教育局", "牵头单位：市科技局；配合单位：市教育局",
     [("市科技局", L), ("市教育局", S)], None),
    ("牵头责任单位：省发展改革委。", "牵头责任单位：省发展改革委。", [("省发展改革委", L)], None),
    ("协同责任单位：省政府各部门、各直属机构。", "协同责任单位：省政府各部门、各直属机构。",
     [("省政府各部门", S), ("各直属机构", S)], None),
    ("部门分工：省发展改革委牵头，各地、各部门配合。", "部门分工：省发展改革委牵头，各地、各部门配合。",
     [("省发展改革委", L), ("各地", S), ("各部门", S)], None),
    # 主抓 leads; 统筹 alone names the unit that answers (the corpus's golds read 统筹落实 so).
    ("推进创新。（市科技局主抓，市财政局配合）", "（市科技局主抓，市财政局配合）",
     [("市科技局", L), ("市财政局", S)], None),
    ("推进创新。（市科技局统筹，市财政局配合）", "（市科技局统筹，市财政局配合）",
     [("市科技局", R), ("市财政局", S)], None),
    # Labels joined to their names by 为/是 or a dash.
    ("推进创新。（牵头单位是市科技局，配合单位是市财政局）", "（牵头单位是市科技局，配合单位是市财政局）",
     [("市科技局", L), ("市财政局", S)], None),
    ("推进创新。（责任单位——市科技局、市财政局）", "（责任单位——市科技局、市财政局）",
     [("市科技局", R), ("市财政局", R)], None),
    ("加强文物保护。（责任股室为文物股、文化馆）", "（责任股室为文物股、文化馆）",
     [("文物股", R), ("文化馆", R)], None),
    # Labels spaced out one character at a time to fill a line.
    ("推进创新。（牵 头 单 位：市科技局；配 合 单 位：市财政局）", "（牵 头 单 位：市科技局；配 合 单 位：市财政局）",
     [("市科技局", L), ("市财政局", S)], None),
    # A town named X城镇 is a unit (小城镇 is a word).
    ("主办单位：县城投公司，协办单位：住建局、凤城镇。", "主办单位：县城投公司，协办单位：住建局、凤城镇。",
     [("县城投公司", L), ("住建局", S), ("凤城镇", S)], None),
    # A line that opens with its label may name a place of no unit shape first.
    ("主办单位：县融媒体，协办单位：住建局、江南镇。", "主办单位：县融媒体，协办单位：住建局、江南镇。",
     [("县融媒体", L), ("住建局", S), ("江南镇", S)], None),
    # 分工 naming units without verbs: they are responsible.
    ("推进示范区建设（责任分工：市发展改革委、市科技局）", "（责任分工：市发展改革委、市科技局）",
     [("市发展改革委", R), ("市科技局", R)], None),
    ("压实责任（责任主体单位：各区县政府）", "（责任主体单位：各区县政府）", [("各区县政府", R)], None),
    ("完成时限：2018年底；责任单位：市科技局",
     "完成时限：2018年底；责任单位：市科技局", [("市科技局", R)], "2018年底"),
    ("责任单位：立山经济开发区，全区经济运行各专班", "责任单位：立山经济开发区，全区经济运行各专班",
     [("立山经济开发区", R), ("全区经济运行各专班", R)], None),
    # position: at the very end without a period, or with one after it; a lost closing bracket
    ("筹建市场（责任单位：高新区管委会、市科技局）", "（责任单位：高新区管委会、市科技局）",
     [("高新区管委会", R), ("市科技局", R)], None),
    ("筹建市场（责任单位：高新区管委会）。", "（责任单位：高新区管委会）", [("高新区管委会", R)], None),
    ("推进改革（牵头单位：市科技局", "（牵头单位：市科技局", [("市科技局", L)], None),
]


def _check_marker(text: str, written: str, units: list[tuple[str, str]], deadline: str | None) -> None:
    marker = find_unit_marker(text)
    assert marker is not None, text
    start, end = marker.span
    assert halfwidth(text[start:end]) == halfwidth(written)
    assert [(halfwidth(u.raw), u.role) for u in marker.units] == [(halfwidth(n), r) for n, r in units]
    for u in marker.units:
        assert text[u.span[0]:u.span[1]] == u.raw
        assert start <= u.span[0] < u.span[1] <= end
    assert marker.deadline_text == deadline
    if deadline is not None:
        assert marker.deadline_span is not None
        assert text[marker.deadline_span[0]:marker.deadline_span[1]] == deadline


@pytest.mark.parametrize(("text", "written", "units", "deadline"), MARKERS)
def test_it_finds_unit_markers_in_full_width_text(
        text: str, written: str, units: list[tuple[str, str]], deadline: str | None) -> None:
    _check_marker(text, written, units, deadline)


@pytest.mark.parametrize(("text", "written", "units", "deadline"), MARKERS)
def test_it_finds_unit_markers_in_half_width_text(
        text: str, written: str, units: list[tuple[str, str]], deadline: str | None) -> None:
    half = halfwidth(text)
    _check_marker(half, halfwidth(written), units, halfwidth(deadline) if deadline else None)


@pytest.mark.parametrize("text", [
    "完成《大连国家自主创新示范区三年行动计划（2017-2019年）》2018年各项指标任务",
    "全社会研究与试验发展（R&D）经费支出占地区生产总值（GDP）比重达到2.4%",
    "构建“众创空间（苗圃）-孵化器-加速器”创业孵化体系",
    "支持松木岛、长兴岛（西中岛）依托现有产业基础延伸发展下游产品",
    "举办第七届中国创新创业大赛（大连赛区）。",
    "落实《办法（试行）》，统一部署（2018年）",
    "（一）推动高新区实现引领型发展。",
    "(1)强化区域控规，不断完善路网建设",
    "支持重点学科（研究方向）重大课题项目",
    "做好项目申报（由项目单位负责）",
    "推动企业上市（企业负责）",
    "加强监管（不含市科技局负责的项目）",
    "各地要明确责任单位：切实履行主体责任，确保按期完成。",
    "责任主体：企业要落实安全生产主体责任。",
    "责任单位：要切实加强组织领导。",
    "分管省领导：林克庆",
    "完成时限：2018年底前",
    "责任单位：",
    "",
    "（）",
    "（（（（",
    "））））",
])
def test_it_finds_no_marker_where_there_is_none(text: str) -> None:
    assert find_unit_marker(text) is None
    assert find_unit_marker(halfwidth(text)) is None


def test_it_takes_the_last_marker_and_leaves_the_task_before_it() -> None:
    text = "推进A工作（牵头单位：市科技局），推进B工作（牵头单位：市发展改革委）（2018年）。"
    marker = find_unit_marker(text)
    assert marker is not None
    assert [u.raw for u in marker.units] == ["市发展改革委"]
    assert text[: marker.span[0]] == "推进A工作（牵头单位：市科技局），推进B工作"


def test_it_makes_the_first_unit_lead_when_the_document_says_so() -> None:
    plain = find_unit_marker("（责任单位：市科技局、市财政局、市统计局）")
    ranked = find_unit_marker("（责任单位：市科技局、市财政局、市统计局）", first_is_lead=True)
    assert plain is not None and ranked is not None
    assert [u.role for u in plain.units] == [R, R, R]
    assert [u.role for u in ranked.units] == [L, S, S]
    verbs = find_unit_marker("（发展改革委、财政部按职责分工负责）", first_is_lead=True)
    assert verbs is not None and [u.role for u in verbs.units] == [L, S]


def test_it_keeps_an_explicit_lead_even_when_the_first_unit_leads() -> None:
    marker = find_unit_marker("（牵头单位：市科技局；责任单位：市财政局、市统计局）", first_is_lead=True)
    assert marker is not None
    assert [(u.raw, u.role) for u in marker.units] == [("市科技局", L), ("市财政局", R), ("市统计局", R)]


def test_it_reads_every_marker_of_the_dalian_seed(dalian: UnitDirectory) -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    checked = 0
    for line in lines:
        expected = re.search(r"\(责任单位:([^)]*)\)", line)
        marker = find_unit_marker(line)
        if expected is None:
            assert marker is None, line
            continue
        assert marker is not None, line
        assert [u.raw for u in marker.units] == re.split(r"[、,]", expected.group(1))
        assert all(dalian.resolve(u.raw) is not None for u in marker.units)
        checked += 1
    assert checked > 250


# ---------------------------------------------------------------------------------------------
# Lead rules
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "（列第一位的为牵头单位，下同）",
    "排在第一位的部门为牵头部门，其他为配合部门。",
    "排名第一的为牵头单位",
    "注：第一个单位为牵头单位。",
    "列在首位的为牵头单位",
    "责任单位中排在首位的为牵头单位",
    "列第一位者为牵头单位",
    "排名首位的部门牵头",
    "有多个部门的，第一个为牵头部门",
    "牵头单位列第一位",
    "（责任单位中，列 第 一 位 的 为 牵头单位）",
])
def test_it_detects_the_first_is_lead_rule(text: str) -> None:
    assert find_lead_rule(text)


@pytest.mark.parametrize("text", [
    "市科技局为第一牵头单位",
    "（牵头单位：市科技局；配合单位：市财政局）",
    "第一，加强组织领导，各牵头单位要切实负责。",
    "首先由牵头单位制定方案",
    "",
])
def test_it_does_not_invent_a_lead_rule(text: str) -> None:
    assert not find_lead_rule(text)


# ---------------------------------------------------------------------------------------------
# Hostile input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "（" * 50_000 + "责任单位：市科技局",
    "）" * 50_000,
    "（责任单位：市科技局）" * 5_000,
    "（" * 20_000 + "）" * 20_000,
    "责任单位：" * 20_000,
    "市科技局 " * 20_000,
    "市科技局和" * 20_000,
    "（A负责，" * 10_000,
    "a" * 200_000,
])
def test_it_stays_fast_on_hostile_text(text: str) -> None:
    started = time.perf_counter()
    marker = find_unit_marker(text)
    split_unit_list(text[:50_000])
    find_lead_rule(text)
    assert time.perf_counter() - started < 3
    if marker is not None:
        assert 0 <= marker.span[0] < marker.span[1] <= len(text)


_ALPHABET = st.sampled_from(list(
    "（）()【】:：;；,，、。 及和等市科技局财政委区县政府牵头配合负责单位责任2018年底前A"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80), st.booleans())
def test_it_reports_spans_that_index_the_text(text: str, first_is_lead: bool) -> None:
    marker = find_unit_marker(text, first_is_lead=first_is_lead)
    if marker is not None:
        assert 0 <= marker.span[0] < marker.span[1] <= len(text)
        assert marker.units
        for u in marker.units:
            assert u.raw and text[u.span[0]:u.span[1]] == u.raw
            assert u.role in (L, S, R)
        if marker.deadline_span is not None:
            assert text[marker.deadline_span[0]:marker.deadline_span[1]] == marker.deadline_text
    for name, (s, e) in split_unit_list(text):
        assert name and text[s:e] == name


# -- the built-in directory is Dalian's ---------------------------------------------------------------

GUANGZHOU_PLAN = """广州市人民政府办公厅关于印发广州市稳就业工作方案的通知
穗府办〔2020〕12号
一、稳定就业岗位
（一）落实援企稳岗政策。（责任单位：市人力资源和社会保障局、市财政局）
"""


def test_it_keeps_names_of_other_cities_as_written() -> None:
    plan = parse(GUANGZHOU_PLAN)
    node = plan.nodes[1]
    assert [u.name for u in node.units] == ["市人力资源和社会保障局", "市财政局"]
    units = {u.name: u for u in plan.units}
    # Dalian's directory would have made this 大连市人力资源和社会保障局 under the name 市人社局.
    assert units["市人力资源和社会保障局"].full_name is None and not units["市人力资源和社会保障局"].known
    assert not any("单位目录" in w for w in plan.warnings)


def test_it_applies_the_builtin_directory_to_dalian_documents() -> None:
    plan = parse(GUANGZHOU_PLAN.replace("广州", "大连").replace("穗府办", "大政办"))
    units = {u.name: u for u in plan.units}
    assert units["市人社局"].known and units["市人社局"].full_name == "大连市人力资源和社会保障局"


def test_a_name_a_page_masked_with_asterisks_keeps_them_and_one_mark_still_leads() -> None:
    from luoshi.plandoc.units import read_unit_cell

    assert [(u.raw, u.role) for u in read_unit_cell("****体育局、*市委组织部", "responsible")] == [
        ("****体育局", "responsible"), ("市委组织部", "lead")]


@pytest.mark.parametrize(("cell", "names"), [
    ("市行政审批局市司法局", ["市行政审批局", "市司法局"]),
    ("省人社厅省财政厅、省教育厅", ["省人社厅", "省财政厅", "省教育厅"]),
    ("市委市政府督查室", ["市委市政府督查室"]),   # 委 ends no such first name: one joint office
    ("市生态环境局市中分局", ["市生态环境局市中分局"]),   # a bureau's branch
    ("国家税务总局市税务局", ["国家税务总局市税务局"]),
])
def test_two_bureaus_a_copy_ran_together_are_two_names(cell: str, names: list[str]) -> None:
    assert [name for name, _ in split_unit_list(cell)] == names


@pytest.mark.parametrize("name", ["各级责任", "各方职责", "各负其责", "各地任务", "履行政府", "承担政府"])
def test_what_bodies_hold_is_no_collective_body(name: str) -> None:
    assert not looks_like_unit(name)


def test_a_clause_opening_on_a_verb_names_no_subject_after_a_comma() -> None:
    # '…,统筹协调各成员单位积极参与…': the bodies are the object of 统筹协调, the clause has no subject of its own.
    plan = parse("一、工作措施\n(一)强化协调。进一步强化联席会议组织、指导功能,统筹协调各成员单位积极参与强市建设。\n"
                 "(二)加强保护。区市场监管局配合开展执法。\n")
    assert [[u.name for u in n.units] for n in plan.nodes] == [[], [], ["区市场监管局"]]


def test_by_units_doing_a_duty_together_and_a_title_that_holds_an_event() -> None:
    # '由A、B共同组织实施': 共同 stands between the names and the verb, no part of the last name. And a title that
    # holds an event ('举办展销会', '召开推进会') acts: it names no unit, though 会 ends the names of many.
    for title in ("举办展销会", "召开推进会", "组建专家委员会"):
        plan = parse(f"一、工作措施\n(一){title}。此项活动由区商贸旅游局、长延堡街办共同组织实施。\n")
        assert [(u.name, u.role) for u in plan.nodes[-1].units] == [
            ("区商贸旅游局", "responsible"), ("长延堡街办", "responsible")]


def test_a_duty_lists_entry_opening_its_paragraph_whatever_verb_follows_the_colon() -> None:
    plan = parse("四、责任分工\n区商务委：负责全区成品油市场秩序整治组日常工作。\n区交通局：依法查处非法改装车辆。\n"
                 "区成品油流通行业协会：发挥行业协会作用，建立自律公约。\n"
                 "五、时间步骤\n第一阶段：动员部署阶段。\n")
    assert [u.name for u in plan.nodes[0].units] == ["区商务委", "区交通局", "区成品油流通行业协会"]
    assert plan.nodes[1].units == []   # '第一阶段：' is no unit


def test_a_counted_group_of_bodies_is_a_unit_and_a_counted_thing_is_not() -> None:
    plan = parse("一、主要任务\n(一)加大宣传力度。广泛动员社会力量参与。"
                 "(市财政局、市总工会等部门和14个乡镇人民政府负责)\n")
    assert [u.name for u in plan.nodes[-1].units] == ["市财政局", "市总工会", "14个乡镇人民政府"]
    assert looks_like_unit("全市12个县(市、区)政府") and is_collective_name("14个乡镇人民政府")
    assert not looks_like_unit("10个重点项目") and not looks_like_unit("100个示范村")


def test_an_addressee_line_ending_on_its_colon_gives_no_duty() -> None:
    assert units.find_duty_units("    各县(市)交通运输局、局直各单位、局机关各科室:") == []
    assert [u.raw for u in units.find_duty_units("区司法局：依法审查执法依据。")] == ["区司法局"]


def test_units_that_each_take_a_share_and_the_role_after_a_duty_by_their_remit() -> None:
    plan = parse("四、主要任务\n(一)明确分工。市教育局、市卫生局分别负责教育、卫生系统节能。\n"
                 "(二)协同推进。区民政局、区财政局要按照各自职责,配合做好相关工作。\n")
    assert [(u.name, u.role) for u in plan.nodes[1].units] == [("市教育局", "responsible"), ("市卫生局", "responsible")]
    assert [(u.name, u.role) for u in plan.nodes[2].units] == [("区民政局", "support"), ("区财政局", "support")]


def test_a_space_before_a_bare_government_word_is_inside_the_name() -> None:
    # A PDF's copy: '各市(州) 人民政府' is one name; '市教育局 市公安局' two.
    assert [name for name, _ in split_unit_list("四川电监办, 各市(州) 人民政府")] == ["四川电监办", "各市(州) 人民政府"]
    assert [name for name, _ in split_unit_list("市教育局 市公安局")] == ["市教育局", "市公安局"]


def test_bodies_closed_by_a_group_word_doing_a_duty_by_their_remit() -> None:
    # '…等部门按照职责,协同做好…': as '…等部门要…', the group word makes them the duty's units; without it, not.
    plan = parse("四、主要任务\n(一)明确分工。市科技、财政、统计等部门按照职责,协同做好相关工作。\n"
                 "(二)加强监管。各相关部门按照职责开展巡查。\n")
    assert [(u.name, u.role) for u in plan.nodes[1].units] == [("市科技", "support"), ("财政", "support"),
                                                               ("统计", "support")]
    assert plan.nodes[2].units == []


def test_the_bodies_a_duty_divisions_item_opens_with() -> None:
    # Cut where a verb follows a name, not inside one (区委宣传部, 市政府办公室); no names, no reading.
    assert [u.raw for u in units.find_leading_units("区委宣传部负责宣传报道")] == ["区委宣传部"]
    opening = units.find_leading_units("县教体科技局、民政局组织城区内学校开展演练")
    assert [u.raw for u in opening or []] == ["县教体科技局", "民政局"]
    assert [u.raw for u in units.find_leading_units("市政府办公室组织协调")] == ["市政府办公室"]
    assert units.find_leading_units("加强宣传引导") is None


def test_the_units_a_sentences_lead_works_with_support_it() -> None:
    found = units.find_duty_units("县推普周活动由县教育局、县语委牵头,与县委宣传部、团县委等单位共同组织开展。")
    assert [(u.raw, u.role) for u in found] == [("县教育局", "lead"), ("县语委", "lead"), ("县委宣传部", "support"),
                                               ("团县委", "support")]
    # The clause after the lead's naming bodies by a group word: they support it.
    found = units.find_duty_units("县减灾办和县应急办牵头,县民政局、地震局、消防大队等部门单位于12日前布置展板。")
    assert [(u.raw, u.role) for u in found] == [("县减灾办", "lead"), ("县应急办", "lead"), ("县民政局", "support"),
                                               ("地震局", "support"), ("消防大队", "support")]
    # No lead in the sentence: '与…等单位' is no division of work.
    assert units.find_duty_units("全县各学校,与县委宣传部、团县委等单位开展宣传。") == []


def test_a_blanket_rule_naming_its_units_before_the_words_from_here_on() -> None:
    # '…负责,各项政策措施均需A、B落实,以下不再列出': A and B on every item from this one on.
    rule = units.find_blanket_rule("(省发展改革委等有关部门按职责分工负责,"
                                   "各项政策措施均需各市政府、省沈抚示范区管委会落实,以下不再列出)")
    assert [(u.raw, u.role) for u in rule or []] == [("各市政府", "responsible"), ("省沈抚示范区管委会", "responsible")]
    assert units.find_blanket_rule("各项政策措施均需各市政府落实。") is None
