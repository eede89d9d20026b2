from __future__ import annotations

from pathlib import Path

import pytest

from luoshi.plandoc import Plan, parse

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "src" / "luoshi" / "plandoc" / "data" / "dalian-2018-innovation-workplan.txt"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def dalian_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def dalian(dalian_text: str) -> Plan:
    return parse(dalian_text)


# A plan written with markers, and the same plan as copied out of a PDF: every paragraph broken at 28 characters,
# inside sentences, names and markers.
MARKED_PLAN = [
    "一、持续推动经济高质量发展",
    "（一）加快工业转型升级。实施工业技改提升行动，推动传统产业智能化改造，培育一批专精特新企业。"
    "（牵头单位：县经济和信息化局；配合单位：县发展和改革局、县财政局、县科学技术局）",
    "（二）扩大有效投资。谋划储备重大项目，争取更多项目纳入省市重点项目盘子，加快项目前期工作进度。"
    "（牵头单位：县发展和改革局；配合单位：县自然资源和规划局、县住房和城乡建设局）",
    "（三）稳定扩大就业。开展就业援助月等专项活动，帮扶就业困难人员实现就业，加强农民工职业技能培训。"
    "（牵头单位：县人力资源和社会保障局；配合单位：县教育体育局、县农业农村局）",
]
MARKED_PLAN_PATHS = [("一",), ("一", "（一）"), ("一", "（二）"), ("一", "（三）")]
MARKED_PLAN_FIRST_UNITS = [("县经济和信息化局", "lead"), ("县发展和改革局", "support"), ("县财政局", "support"),
                           ("县科学技术局", "support")]


def broken_at_margin(paragraphs: list[str], width: int = 28) -> list[str]:
    """The paragraphs as a printed page's lines: a break every `width` characters."""
    return [p[i:i + width] for p in paragraphs for i in range(0, len(p), width)]
