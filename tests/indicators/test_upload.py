from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from luoshi.core.errors import DomainError
from luoshi.core.models import AuditEntry
from luoshi.indicators.models import Observation, ObservationUpload
from luoshi.indicators.services import SheetRejected, observations_upload

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


WIDE = [["地区", "技术交易额（亿元）", "高新技术企业数量(家)"],
        ["中山区", 12.5, 120],
        ["高新区管委会", "1,234.5", "—"],
        ["金普新区", 30, 200]]


def upload(personas: Any, data: bytes, filename: str = "sheet.xlsx", **kwargs: Any) -> ObservationUpload:
    return observations_upload(actor=personas.supervisor, data=data, filename=filename,
                               year=kwargs.pop("year", 2018), **kwargs)


def rejected(personas: Any, data: bytes, filename: str = "sheet.xlsx") -> list[str]:
    with pytest.raises(SheetRejected) as error:
        upload(personas, data, filename)
    assert not Observation.objects.exists() and not ObservationUpload.objects.exists()
    return [str(e) for e in error.value.errors]


def test_it_stores_a_wide_sheet(personas: Any, catalogue: Any, regions: Any) -> None:
    stored = upload(personas, xlsx(WIDE))
    values = {(o.region.name, o.indicator.code): o.value for o in Observation.objects.select_related(
        "region", "indicator")}
    assert values == {("中山区", "tech-contract-turnover"): 12.5, ("中山区", "high-tech-enterprises"): 120,
                      ("高新区", "tech-contract-turnover"): 1234.5, ("金普新区", "tech-contract-turnover"): 30,
                      ("金普新区", "high-tech-enterprises"): 200}
    assert stored.row_count == 5
    assert AuditEntry.objects.filter(action="observation_upload.store").count() == 1
    assert AuditEntry.objects.filter(action="observation.create").count() == 5


def test_it_stores_a_long_csv_in_gb18030_with_year_and_month_columns(personas: Any, catalogue: Any,
                                                                     regions: Any) -> None:
    text = ("地区,指标,数值,计量单位,年度,月份\n中山区,技术合同成交额,3.5,亿元,2018,6\n"
            "全市,R&D经费支出占GDP比重,2.1,%,2017,\n")
    upload(personas, csv_bytes(text, "gb18030"), "sheet.csv")
    got = {(o.indicator.code, o.year, o.through_month, o.value) for o in Observation.objects.select_related(
        "indicator")}
    assert got == {("tech-contract-turnover", 2018, 6, 3.5), ("rd-intensity", 2017, 12, 2.1)}


def test_it_makes_a_revision_when_a_corrected_sheet_is_uploaded(personas: Any, catalogue: Any,
                                                                regions: Any) -> None:
    upload(personas, xlsx(WIDE))
    corrected = [row[:] for row in WIDE]
    corrected[1][1] = 13.0
    upload(personas, xlsx(corrected))
    history = Observation.objects.filter(region__name="中山区", indicator__code="tech-contract-turnover")
    assert sorted((o.revision, o.value, o.is_latest) for o in history) == [(1, 12.5, False), (2, 13.0, True)]
    assert Observation.objects.filter(is_latest=True).count() == 5


def test_it_reports_every_bad_cell_and_stores_nothing(personas: Any, catalogue: Any, regions: Any) -> None:
    rows = [["地区", "技术交易额（万元）", "高新技术企业数量", "不存在的指标"],
            ["中山区", 12.5, "约120", 1],
            ["火星区", 1, 2, 3],
            ["西岗区", 1, 999999, 3],
            ["西岗区", 2, 5, 3]]
    errors = rejected(personas, xlsx(rows))
    assert any(e.startswith("B1:") and "万元" in e and "亿元" in e for e in errors), errors
    assert any(e.startswith("D1:") and "未知指标" in e for e in errors), errors
    assert any(e.startswith("C2:") and "不是数值" in e for e in errors), errors
    assert any(e.startswith("A3:") and "未知地区" in e for e in errors), errors
    assert any(e.startswith("C4:") and "合理上限" in e for e in errors), errors
    assert any(e.startswith("C5:") and "重复" in e and "C4" in e for e in errors), errors
    # Columns B and D are refused as a whole (header), so their cells add no further messages.
    assert len(errors) == 6, errors


def test_it_flags_a_duplicate_row_in_the_long_layout(personas: Any, catalogue: Any, regions: Any) -> None:
    text = "地区,指标,数值\n中山区,技术交易额,3\n中山区政府,技术合同成交额,4\n"
    errors = rejected(personas, csv_bytes(text), "x.csv")
    assert errors == [errors[0]] and errors[0].startswith("C3:") and "C2" in errors[0]


def test_it_flags_a_wrong_unit_in_the_long_layout(personas: Any, catalogue: Any, regions: Any) -> None:
    errors = rejected(personas, csv_bytes("地区,指标,数值,单位\n中山区,技术交易额,30000,万元\n"), "x.csv")
    assert len(errors) == 1 and errors[0].startswith("D2:") and "亿元" in errors[0]


@pytest.mark.parametrize("data, filename", [
    (b"", "x.csv"), (b"\xff\xfe\x00garbage", "x.xlsx"), (b"MZ\x90\x00", "x.exe"), (b"PK\x03\x04broken", "x.xlsx"),
    ("地区,技术交易额\n".encode(), "x.csv"), (b"\x81\x30\xff\xff", "x.csv"),
])
def test_it_refuses_hostile_or_empty_files(personas: Any, catalogue: Any, regions: Any, data: bytes,
                                           filename: str) -> None:
    with pytest.raises(DomainError):
        upload(personas, data, filename)
    assert not Observation.objects.exists()


def test_it_refuses_an_oversized_file(personas: Any, catalogue: Any, regions: Any) -> None:
    with pytest.raises(DomainError) as error:
        upload(personas, b"a" * (5 * 1024 * 1024 + 1), "x.csv")
    assert error.value.code == "too_large"


def test_it_refuses_an_upload_by_a_unit_account(personas: Any, catalogue: Any, regions: Any) -> None:
    with pytest.raises(DomainError):
        observations_upload(actor=personas.lead_liaison, data=xlsx(WIDE), filename="a.xlsx", year=2018)
    assert not Observation.objects.exists()
