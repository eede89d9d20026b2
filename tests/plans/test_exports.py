"""The ledger as Excel: the circulated layout, RAG fills, print setup, and the same scope as the page."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.plans.models import Assignment, Plan, Task
from luoshi.reports.models import TargetActual
from tests.plans.test_ledger import report_on

pytestmark = pytest.mark.django_db

HEADERS = ["序号", "任务", "牵头单位", "配合单位", "完成时限", "状态", "最新进展", "目标与实际"]


def _export(client: Any, **params: Any) -> Worksheet:
    response = client.get(reverse("plans:ledger_export"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;")
    sheet: Worksheet = load_workbook(BytesIO(response.content)).active  # type: ignore[assignment]
    return sheet


def _data_rows(sheet: Worksheet) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(min_row=3, values_only=True)]


def test_it_lays_out_the_ledger_as_offices_circulate_it(client: Any, personas: Any, published_plan: Plan) -> None:
    item1 = Task.objects.get(plan=published_plan, key="二/(一)/1")
    lead = Assignment.objects.get(task=item1, unit__name="市科技局")
    report = report_on(lead, month=5, status="accepted", progress="lagging", author=personas.lead_liaison,
                       narrative="评价工作已启动")
    TargetActual.objects.create(report=report, target=item1.targets.get(), value=1200)
    client.force_login(personas.supervisor)
    sheet = _export(client, plan=published_plan.pk)

    assert sheet["A1"].value.startswith("大连市2019年科技创新工作要点任务落实台账（截至")
    assert "A1:H1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2]] == HEADERS
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:H6"
    assert sheet.column_dimensions["B"].width == 48 and sheet.column_dimensions["A"].width == 6
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$1:$2"

    rows = _data_rows(sheet)
    assert [row[0] for row in rows] == [1, 2, 3, 4]
    first = rows[0]
    assert first[1] == "二.(一).1 开展科技型中小企业评价，2019年新增初创科技企业3000家。"
    assert (first[2], first[3]) == ("市科技局", "市财政局")
    assert first[5] == "办理中（红灯）"  # the latest report lags
    assert "市科技局：滞后（2019年5月，已通过） 评价工作已启动" in first[6]
    assert "市财政局：尚未报送" in first[6]
    assert first[7] == "新增初创科技企业3000家 → 1200家（2019年5月，市科技局）"
    third = rows[2]
    assert third[2] == "各先导区管委会" and third[4] == "2019年底前"


def test_the_status_cell_is_filled_with_the_rag_colour(client: Any, personas: Any, published_plan: Plan) -> None:
    Assignment.objects.filter(task__key="二/(一)/2").update(deadline=dt.date(2000, 1, 1))  # overdue: red
    client.force_login(personas.supervisor)
    sheet = _export(client)
    fills = {row[1].value.split(" ")[0]: row[5].fill.fgColor.rgb for row in sheet.iter_rows(min_row=3)}
    assert fills["二.(一).2"] == "FFF8D7D5"  # red
    assert fills["二.(二).4"] == "FFD8EFDC"  # green


def test_a_unit_exports_only_its_own_rows(client: Any, personas: Any, published_plan: Plan) -> None:
    client.force_login(personas.other_liaison)
    rows = _data_rows(_export(client))
    assert [row[1].split(" ")[0] for row in rows] == ["二.(一).2"]
    client.force_login(personas.outsider)
    assert _data_rows(_export(client)) == []
    # Naming a plan or a unit it cannot see widens nothing: the choice is not valid for it and is ignored.
    assert _data_rows(_export(client, plan=published_plan.pk, unit=Assignment.objects.first().unit_id)) == []


def test_a_unit_export_holds_no_other_units_progress(client: Any, personas: Any, published_plan: Plan) -> None:
    item1 = Task.objects.get(plan=published_plan, key="二/(一)/1")
    report_on(Assignment.objects.get(task=item1, unit__name="市科技局"), month=5, status="submitted",
              author=personas.lead_liaison, narrative="科技局的内部进展")
    client.force_login(personas.support_liaison)
    text = repr(_data_rows(_export(client)))
    assert "科技局的内部进展" not in text
    assert "市财政局：尚未报送" in text


def test_the_export_follows_the_page_filters(client: Any, personas: Any, published_plan: Plan) -> None:
    client.force_login(personas.supervisor)
    rows = _data_rows(_export(client, q="知识产权"))
    assert [row[1] for row in rows] == ["二.(二).4 加强知识产权保护。"]
    assert _export(client, q="不存在")["A1"].value.startswith("重点工作任务落实台账")
