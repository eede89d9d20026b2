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
