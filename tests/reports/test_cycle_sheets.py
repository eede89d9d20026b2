"""The unit's period sheet: download, fill, upload back; all rows or none; hostile files; scope."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.core.models import AuditEntry
from luoshi.plans.models import Assignment, Target, Task
from luoshi.reports import sheets
from luoshi.reports.models import Report, ReportingPeriod, TargetActual
from tests.xlsx_checks import assert_house_style, assert_safe_xlsx

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def june(published_plan: Any) -> ReportingPeriod:
    period: ReportingPeriod = published_plan.periods.get(start=dt.date(2019, 6, 1))
    return period


def own(plan: Any, path: str, unit: str) -> Assignment:
    found: Assignment = Assignment.objects.get(task__plan=plan, task__key=path, unit__name=unit)
    return found


def download(client: Any, user: Any, period: ReportingPeriod) -> bytes:
    client.force_login(user)
    response = client.get(reverse("reports:sheet_download", args=[period.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX and response["Content-Disposition"].startswith("attachment;")
    content: bytes = response.content
    return content


def rows_of(data: bytes) -> dict[tuple[int, int | None], int]:
    """(assignment id, target id or None) -> Excel row number."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    found: dict[tuple[Any, Any], int] = {}
    for row in range(sheets.FIRST_DATA_ROW, sheet.max_row + 1):
        assignment_id = sheet.cell(row=row, column=sheets.COL["assignment"]).value
        if assignment_id is not None:
            found[(assignment_id, sheet.cell(row=row, column=sheets.COL["target"]).value)] = row
    return found


def fill(data: bytes, edits: dict[tuple[int, str], Any]) -> bytes:
    """Edit cells as a person would in Excel (row number, column key) -> value, and save."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    for (row, key), value in edits.items():
        sheet.cell(row=row, column=sheets.COL[key]).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client: Any, period: ReportingPeriod, data: bytes, name: str = "填报表.xlsx", **extra: Any) -> Any:
    return client.post(reverse("reports:sheet_upload", args=[period.pk]),
                       {"file": SimpleUploadedFile(name, data, content_type=XLSX)}, **extra)


@pytest.fixture
def filled(client: Any, published_plan: Any, june: Any, personas: Any) -> tuple[bytes, dict[str, Any]]:
    """市科技局's June sheet with both of its tasks filled in."""
    data = download(client, personas.lead_liaison, june)
    item1, item4 = own(published_plan, "二/(一)/1", "市科技局"), own(published_plan, "二/(二)/4", "市科技局")
    target = Target.objects.get(task=item1.task)
    rows = rows_of(data)
    edits = {(rows[(item1.pk, None)], "progress"): "正常推进", (rows[(item1.pk, None)], "narrative"): "已评价企业120家",
             (rows[(item1.pk, target.pk)], "actual"): 3100,
             (rows[(item4.pk, None)], "progress"): "滞后", (rows[(item4.pk, None)], "narrative"): "已出台意见"}
    return fill(data, edits), {"item1": item1, "item4": item4, "target": target, "rows": rows}


# --- download ------------------------------------------------------------------------------------------------


def test_it_downloads_only_the_units_own_open_assignments(client: Any, published_plan: Any, june: Any,
                                                          personas: Any) -> None:
    item1, item4 = own(published_plan, "二/(一)/1", "市科技局"), own(published_plan, "二/(二)/4", "市科技局")
    target = Target.objects.get(task=item1.task)
    data = download(client, personas.lead_liaison, june)
    assert set(rows_of(data)) == {(item1.pk, None), (item1.pk, target.pk), (item4.pk, None)}

    assert_house_style(data, header_row=3, title_row=None)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    row = rows_of(data)[(item1.pk, None)]
    assert sheet.cell(row=row, column=sheets.COL["path"]).value == "二.(一).1"
    assert "科技型中小企业评价" in str(sheet.cell(row=row, column=sheets.COL["task"]).value)
    assert sheet.cell(row=rows_of(data)[(item1.pk, target.pk)], column=sheets.COL["target_text"]).value == target.text
    # Hidden ids, protected sheet, inputs unlocked, a status list.
    assert sheet.column_dimensions["A"].hidden and sheet.protection.sheet
    assert not sheet.cell(row=row, column=sheets.COL["progress"]).protection.locked
    assert sheet.cell(row=row, column=sheets.COL["task"]).protection.locked
    assert any("正常推进" in (dv.formula1 or "") for dv in sheet.data_validations.dataValidation)

    # The support unit of item 1 sees item 1 only; a closed assignment leaves the sheet.
    support = own(published_plan, "二/(一)/1", "市财政局")
    assert {key[0] for key in rows_of(download(client, personas.support_liaison, june))} == {support.pk}
    Assignment.objects.filter(pk=item4.pk).update(status="closed")
    assert {key[0] for key in rows_of(download(client, personas.lead_liaison, june))} == {item1.pk}


def test_it_answers_404_to_anyone_without_a_sheet(client: Any, published_plan: Any, june: Any,
                                                  personas: Any) -> None:
    url = reverse("reports:sheet_download", args=[june.pk])
    for persona in (personas.supervisor, personas.leader, personas.admin, personas.outsider):
        client.force_login(persona)
        assert client.get(url).status_code == 404
        assert client.get(reverse("reports:sheet_upload", args=[june.pk])).status_code == 404
    client.force_login(personas.lead_liaison)
    assert client.get(reverse("reports:sheet_download", args=[999999])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_it_never_writes_plan_text_as_a_formula(client: Any, published_plan: Any, june: Any,
                                                personas: Any) -> None:
    Task.objects.filter(plan=published_plan, key="二/(二)/4").update(text='=HYPERLINK("http://x","y")')
    data = download(client, personas.lead_liaison, june)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("http://x","y")']
    assert cells and all(c.data_type == "s" for c in cells)


def test_it_writes_hostile_text_as_text_and_drops_control_characters(client: Any, published_plan: Any, june: Any,
                                                                     personas: Any) -> None:
    type(published_plan).objects.filter(pk=published_plan.pk).update(title="-2+3")
    item1 = own(published_plan, "二/(一)/1", "市科技局")
    Task.objects.filter(pk=item1.task_id).update(text="@SUM(A1)")
    Target.objects.filter(task=item1.task_id).update(text="+1")
    Report.objects.create(assignment=item1, period=june, created_by=personas.lead_liaison, progress="on_track",
                          narrative="=1+1\x0b")
    data = download(client, personas.lead_liaison, june)
    assert_safe_xlsx(data, ["@SUM(A1)", "+1", "=1+1", "-2+3 · 2019年6月"])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.cell(row=rows_of(data)[(item1.pk, None)], column=sheets.COL["narrative"]).value == "=1+1"
    # Uploaded back, the neutralised text is text, not a refused formula; the control character is gone.
    assert upload(client, june, data).status_code == 302
    assert Report.objects.get(assignment=item1, period=june).narrative == "=1+1"


def test_it_builds_the_sheet_in_a_fixed_number_of_queries(client: Any, published_plan: Any, june: Any,
                                                          personas: Any, django_assert_max_num_queries: Any) -> None:
    client.force_login(personas.lead_liaison)
    url = reverse("reports:sheet_download", args=[june.pk])
    Report.objects.create(assignment=own(published_plan, "二/(一)/1", "市科技局"), period=june,
                          created_by=personas.lead_liaison)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    unit = personas.lead_liaison.unit
    parent = Task.objects.get(plan=published_plan, key="二/(二)")
    for i in range(10):
        task = Task.objects.create(plan=published_plan, parent=parent, key=f"extra/{i}", label=str(i), level=3,
                                   position=100 + i, text=f"新增任务{i}", span_start=0, span_end=1, is_item=True)
        Target.objects.create(task=task, text=f"目标{i}", value=i, unit="家", op=">=")
        assignment = Assignment.objects.create(task=task, unit=unit, role="responsible")
        Report.objects.create(assignment=assignment, period=june, created_by=personas.lead_liaison)
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = client.get(url).content
    assert len(rows_of(data)) == 3 + 20


# --- upload ----------------------------------------------------------------------------------------------------


def test_it_stores_every_filled_row_as_a_draft(client: Any, published_plan: Any, june: Any, personas: Any,
                                               filled: Any) -> None:
    data, ids = filled
    response = upload(client, june, data)
    assert response.status_code == 302

    report1 = Report.objects.get(assignment=ids["item1"], period=june)
    report4 = Report.objects.get(assignment=ids["item4"], period=june)
    assert (report1.status, report1.progress, report1.narrative) == ("draft", "on_track", "已评价企业120家")
    assert (report4.progress, report4.narrative) == ("lagging", "已出台意见")
    assert TargetActual.objects.get(report=report1).value == 3100
    assert report1.created_by == personas.lead_liaison
    created = AuditEntry.objects.filter(action="report.create", object_id__in=[str(report1.pk), str(report4.pk)])
    assert created.count() == 2
    assert AuditEntry.objects.get(action="report.sheet_upload").after["saved"] == 2
    page = client.get(response["Location"]).content.decode()
    assert "已保存2项草稿" in page

    # Uploading the same file again changes nothing (it is not "stale": nothing in it differs).
    assert upload(client, june, data).status_code == 302
    assert Report.objects.get(pk=report1.pk).version == report1.version
    # The next download carries the drafts, and editing one row saves only that row.
    again = download(client, personas.lead_liaison, june)
    rows = rows_of(again)
    edited = fill(again, {(rows[(ids["item1"].pk, ids["target"].pk)], "actual"): "3,250"})
    assert upload(client, june, edited).status_code == 302
    assert TargetActual.objects.get(report=report1).value == 3250
    assert Report.objects.get(pk=report4.pk).version == report4.version


BAD_CELLS = [
    ("progress", "差不多了", "进展状态“差不多了”无效"),
    ("actual", "三千", "不是有效数字"),
    ("actual", "=1+1", "不接受公式"),
    ("narrative", "很" * (sheets.MAX_NARRATIVE + 1), "进展情况超过"),
]


def test_it_stores_nothing_when_one_row_is_bad(client: Any, published_plan: Any, june: Any, personas: Any,
                                               filled: Any) -> None:
    data, ids = filled
    rows = ids["rows"]
    for column, value, message in BAD_CELLS:
        row = rows[(ids["item1"].pk, ids["target"].pk)] if column == "actual" else rows[(ids["item1"].pk, None)]
        response = upload(client, june, fill(data, {(row, column): value}))

        assert response.status_code == 200
        page = response.content.decode()
        assert message in page and f"<td>{row}</td>" in page and "未保存任何内容" in page, column
        assert not Report.objects.exists() and not AuditEntry.objects.filter(action__startswith="report.").exists()


def test_it_refuses_another_units_assignment_id(client: Any, published_plan: Any, june: Any, personas: Any,
                                                filled: Any) -> None:
    data, ids = filled
    foreign = own(published_plan, "二/(一)/2", "市经信委")
    row = ids["rows"][(ids["item4"].pk, None)]
    response = upload(client, june, fill(data, {(row, "assignment"): foreign.pk}))
    page = response.content.decode()
    assert "不属于本单位" in page and f"<td>{row}</td>" in page
    assert not Report.objects.exists()
    # A made-up id reads the same, so ids cannot be probed.
    response = upload(client, june, fill(data, {(row, "assignment"): 987654}))
    assert "不属于本单位" in response.content.decode() and not Report.objects.exists()


def test_it_refuses_another_units_or_periods_sheet(client: Any, published_plan: Any, june: Any, personas: Any,
                                                   filled: Any) -> None:
    data, _ids = filled
    client.force_login(personas.other_liaison)  # 市经信委 reports on this plan too, but this is 市科技局's sheet
    assert "其他报送期或其他单位" in upload(client, june, data).content.decode()
    client.force_login(personas.lead_liaison)
    july = published_plan.periods.get(start=dt.date(2019, 7, 1))
    assert "其他报送期或其他单位" in upload(client, july, data).content.decode()
    client.force_login(personas.outsider)
    assert upload(client, june, data).status_code == 404
    assert not Report.objects.exists()


def test_it_refuses_changes_to_a_submitted_report_but_accepts_it_unchanged(
        client: Any, published_plan: Any, june: Any, personas: Any, filled: Any) -> None:
    data, ids = filled
    assert upload(client, june, data).status_code == 302
    Report.objects.filter(assignment=ids["item1"]).update(status="submitted")
    sheet = download(client, personas.lead_liaison, june)
    row = rows_of(sheet)[(ids["item1"].pk, None)]
    locked = openpyxl.load_workbook(io.BytesIO(sheet)).worksheets[0].cell(row=row, column=sheets.COL["progress"])
    assert locked.protection.locked
    assert upload(client, june, sheet).status_code == 302
    response = upload(client, june, fill(sheet, {(row, "narrative"): "改了"}))
    assert "不能修改" in response.content.decode()
    assert Report.objects.get(assignment=ids["item1"]).narrative == "已评价企业120家"


def test_it_refuses_rows_changed_since_the_download(client: Any, published_plan: Any, june: Any, personas: Any,
                                                    filled: Any) -> None:
    data, ids = filled
    assert upload(client, june, data).status_code == 302
    stale = download(client, personas.lead_liaison, june)
    Report.objects.filter(assignment=ids["item4"]).update(narrative="有人在网页上改过", version=5)
    row = rows_of(stale)[(ids["item4"].pk, None)]
    response = upload(client, june, fill(stale, {(row, "narrative"): "我的版本"}))
    assert "已被他人修改" in response.content.decode() and f"<td>{row}</td>" in response.content.decode()
    assert Report.objects.get(assignment=ids["item4"]).narrative == "有人在网页上改过"


def test_it_asks_for_a_status_when_only_figures_are_filled(client: Any, published_plan: Any, june: Any,
                                                           personas: Any) -> None:
    item1 = own(published_plan, "二/(一)/1", "市科技局")
    data = download(client, personas.lead_liaison, june)
    rows = rows_of(data)
    target = Target.objects.get(task=item1.task)
    response = upload(client, june, fill(data, {(rows[(item1.pk, target.pk)], "actual"): 5}))
    assert "请选择进展状态" in response.content.decode() and not Report.objects.exists()
    # An untouched sheet stores nothing and is not an error.
    assert upload(client, june, data).status_code == 302 and not Report.objects.exists()


# --- hostile and wrong files --------------------------------------------------------------------------------------


def zip_of(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[name] = content
    return zip_of(parts)


HOSTILE_FILES: list[tuple[str, Any, str]] = [
    ("填报表.xls", lambda good: good, "只接受 .xlsx"),
    ("填报表.xlsx", lambda good: b"%PDF-1.4 not a sheet", "不是有效的 .xlsx"),
    ("填报表.xlsx", lambda good: b"PK\x03\x04garbage", "已损坏"),
    ("填报表.xlsx", lambda good: zip_of({"a.txt": b"hello"}), "不是有效的 .xlsx"),
    ("填报表.xlsx", lambda good: with_part(good, "xl/bomb.xml", b"\0" * (8 * 1024 * 1024)), "解压后过大"),
    ("填报表.xlsx", lambda good: with_part(good, "xl/vbaProject.bin", b"macro"), "包含宏"),
    ("填报表.xlsx", lambda good: with_part(good, "xl/worksheets/sheet1.xml",
                                        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'),
     "XML声明"),
    ("填报表.xlsx", lambda good: _plain_workbook(), "不是本系统下载的填报表"),
]


def test_it_refuses_hostile_or_foreign_files_with_a_clear_message(client: Any, published_plan: Any, june: Any,
                                                                  personas: Any, filled: Any) -> None:
    data, _ids = filled
    for name, make, message in HOSTILE_FILES:
        response = upload(client, june, make(data), name=name)
        assert response.status_code == 200 and message in response.content.decode(), message
    assert not Report.objects.exists()


def _plain_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["hello"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_refuses_a_file_over_the_size_limit(client: Any, published_plan: Any, june: Any, personas: Any,
                                               settings: Any, monkeypatch: Any) -> None:
    client.force_login(personas.lead_liaison)
    monkeypatch.setattr(sheets, "MAX_SHEET_BYTES", 1024)
    response = upload(client, june, b"PK\x03\x04" + b"x" * 2048)
    assert "文件超过" in response.content.decode() and not Report.objects.exists()


def test_it_answers_htmx_with_the_result_fragment(client: Any, published_plan: Any, june: Any, personas: Any,
                                                  filled: Any) -> None:
    data, ids = filled
    row = ids["rows"][(ids["item1"].pk, None)]
    response = upload(client, june, fill(data, {(row, "progress"): "??"}), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert "无效" in response.content.decode()
    response = upload(client, june, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"] == reverse("reports:sheet_upload",
                                                                            args=[june.pk])
    assert Report.objects.count() == 2


def test_it_lists_the_units_periods(client: Any, published_plan: Any, june: Any, personas: Any) -> None:
    client.force_login(personas.lead_liaison)
    page = client.get(reverse("reports:cycle_periods")).content.decode()
    assert "2019年6月" in page and reverse("reports:sheet_download", args=[june.pk]) in page
    client.force_login(personas.supervisor)
    assert client.get(reverse("reports:cycle_periods")).status_code == 404
