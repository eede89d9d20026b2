"""The ledger as Excel: one row per task and unit, RAG fills, print setup, and the same scope as the page."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.orgs.models import Unit
from luoshi.plans.models import Assignment, Plan, Task
from luoshi.reports.models import TargetActual
from tests.plans.test_ledger import report_on
from tests.xlsx_checks import assert_house_style, assert_safe_xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["序号", "编号", "任务", "牵头单位", "配合单位", "承办单位", "完成时限", "状态", "灯色", "最新进展",
           "目标与实际"]


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
    assert "A1:K1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2]] == HEADERS
    assert sheet.freeze_panes == "A3"
    rows = _data_rows(sheet)
    assert sheet.auto_filter.ref == f"A2:K{2 + len(rows)}"
    assert sheet.column_dimensions["C"].width == 44 and sheet.column_dimensions["A"].width == 6
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$1:$2"

    # One row per (task, unit): the task's columns repeat, the unit's own columns differ.
    expected = list(Assignment.objects.filter(task__plan=published_plan, active=True)
                    .values_list("task__key", "unit__name"))
    assert sorted((row[1], row[5]) for row in rows) == sorted((".".join(k.split("/")), u) for k, u in expected)
    assert sorted({row[0] for row in rows}) == [1, 2, 3, 4]
    lead, support = rows[0], rows[1]
    assert lead[1:3] == ["二.(一).1", "开展科技型中小企业评价，2019年新增初创科技企业3000家。"]
    assert (lead[3], lead[4], lead[5], support[5]) == ("市科技局", "市财政局", "市科技局", "市财政局")
    assert (lead[7], lead[8]) == ("办理中", "红灯")  # the latest report lags
    assert lead[9] == "滞后（2019年5月，已通过） 评价工作已启动"
    assert (support[8], support[9]) == ("绿灯", "尚未报送")
    assert lead[10] == "新增初创科技企业3000家 → 1200家（2019年5月）"
    assert support[10] == "新增初创科技企业3000家 → 暂无实际值"  # 市科技局's figure is not 市财政局's
    group_rows = [row for row in rows if row[1] == "二.(二).3"]
    assert len(group_rows) > 1 and {row[3] for row in group_rows} == {"各先导区管委会"}
    assert {row[6] for row in group_rows} == {"2019年底前"}
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_the_status_cell_is_filled_with_the_rag_colour(client: Any, personas: Any, published_plan: Plan) -> None:
    Assignment.objects.filter(task__key="二/(一)/2").update(deadline=dt.date(2000, 1, 1))  # overdue: red
    client.force_login(personas.supervisor)
    sheet = _export(client)
    fills = {row[1].value: row[8].fill.fgColor.rgb for row in sheet.iter_rows(min_row=3)}
    assert fills["二.(一).2"] == "FFF8D7D5"  # red
    assert fills["二.(二).4"] == "FFD8EFDC"  # green


def test_it_fills_an_item_owing_overdue_reports_as_the_ledger_does(client: Any, personas: Any,
                                                                   published_plan: Plan) -> None:
    # Published on 10 May: each unit owes May's report (due 5 June); 市科技局 sent it, 市财政局 did not.
    Plan.objects.filter(pk=published_plan.pk).update(published_at=dt.datetime(2019, 5, 10, tzinfo=dt.UTC))
    report_on(Assignment.objects.get(task__key="二/(一)/1", unit__name="市科技局"), month=5, status="submitted",
              author=personas.lead_liaison)
    client.force_login(personas.supervisor)
    with override_settings(LUOSHI_TODAY=dt.date(2019, 6, 15)):
        workbook = load_workbook(BytesIO(client.get(reverse("plans:ledger_export")).content))
    sheet = workbook["台账"]
    cells = {(row[1].value, row[5].value): (row[8].value, row[8].fill.fgColor.rgb)
             for row in sheet.iter_rows(min_row=3)}
    assert cells[("二.(一).1", "市科技局")] == ("绿灯", "FFD8EFDC")
    assert cells[("二.(一).1", "市财政局")] == ("黄灯", "FFFDE9C8")  # one report overdue
    rule = [row[0] for row in workbook["灯色规则"].iter_rows(values_only=True)]
    assert rule[0] == "红黄绿灯规则" and "两期及以上进展报告逾期未报" in rule[1] and "逾期未报" in rule[-1]


def test_a_unit_exports_only_its_own_rows(client: Any, personas: Any, published_plan: Plan) -> None:
    client.force_login(personas.other_liaison)
    rows = _data_rows(_export(client))
    assert [(row[1], row[5]) for row in rows] == [("二.(一).2", "市经信委")]
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
    assert [(row[5], row[9]) for row in _data_rows(_export(client))] == [("市财政局", "尚未报送")]


def test_the_export_follows_the_page_filters(client: Any, personas: Any, published_plan: Plan) -> None:
    client.force_login(personas.supervisor)
    rows = _data_rows(_export(client, q="知识产权"))
    assert [(row[1], row[2]) for row in rows] == [("二.(二).4", "加强知识产权保护。")]
    assert _export(client, q="不存在")["A1"].value.startswith("重点工作任务落实台账")


def test_it_writes_hostile_text_as_text_and_drops_control_characters(client: Any, personas: Any,
                                                                     published_plan: Plan) -> None:
    """Issue 10: a task text starting with '=' was a live formula; a narrative with U+000B answered 500."""
    Plan.objects.filter(pk=published_plan.pk).update(title="=1+1")
    item1 = Task.objects.get(plan=published_plan, key="二/(一)/1")
    Task.objects.filter(pk=item1.pk).update(text='=HYPERLINK("http://x","y")')
    item1.targets.update(text="@SUM(A1)")
    report_on(Assignment.objects.get(task=item1, unit__name="市科技局"), month=5, status="accepted",
              author=personas.lead_liaison, narrative="进展\x0b顺利 -2+3")
    Unit.objects.filter(name="市财政局").update(name="-2+3")
    client.force_login(personas.supervisor)
    response = client.get(reverse("plans:ledger_export"), {"plan": published_plan.pk})
    assert response.status_code == 200
    cells = assert_safe_xlsx(response.content, ['=HYPERLINK("http://x","y")', "@SUM(A1)", "进展顺利 -2+3", "-2+3",
                                                "=1+1任务落实台账"])
    assert any(cell.value == '=HYPERLINK("http://x","y")' and cell.column == 3 for cell in cells)
    assert any(cell.value == "-2+3" and cell.column == 5 for cell in cells)  # 配合单位
    assert load_workbook(BytesIO(response.content)).properties.title == "=1+1任务落实台账"


def test_it_never_writes_a_task_text_as_a_formula(client: Any, personas: Any, published_plan: Plan) -> None:
    Task.objects.filter(plan=published_plan, key="二/(一)/1").update(text='=HYPERLINK("http://x","y")')
    client.force_login(personas.supervisor)
    sheet = _export(client, plan=published_plan.pk)
    cells = [row[2] for row in sheet.iter_rows(min_row=3) if row[1].value == "二.(一).1"]
    assert cells and all(c.value == '=HYPERLINK("http://x","y")' and c.data_type == "s" for c in cells)


def test_it_writes_deadlines_as_date_cells_in_the_house_style(client: Any, personas: Any,
                                                               published_plan: Plan) -> None:
    assignment = Assignment.objects.filter(task__plan=published_plan).select_related("task").first()
    Task.objects.filter(pk=assignment.task_id).update(deadline=dt.date(2019, 6, 30), deadline_text="")
    Assignment.objects.filter(pk=assignment.pk).update(deadline=dt.date(2019, 8, 15))  # an extension
    client.force_login(personas.supervisor)
    response = client.get(reverse("plans:ledger_export"), {"plan": published_plan.pk})
    assert_house_style(response.content, header_row=2)
    sheet = load_workbook(BytesIO(response.content)).active
    deadline_column = HEADERS.index("完成时限") + 1
    deadlines = {row[deadline_column - 1].value for row in sheet.iter_rows(min_row=3)}
    assert dt.datetime(2019, 8, 15) in deadlines  # the unit's extended deadline, a real date
    cell = next(row[deadline_column - 1] for row in sheet.iter_rows(min_row=3)
                if row[deadline_column - 1].value == dt.datetime(2019, 8, 15))
    assert cell.is_date and cell.number_format == 'yyyy"年"m"月"d"日"'
    assert "年" in str(sheet["A1"].value) and "-" not in str(sheet["A1"].value).split("截至")[-1]
