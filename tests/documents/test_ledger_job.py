"""The ledger workbook (台账) built in the background: re-opened with openpyxl (cells, fills, frozen header,
filter, print setup), scoped like the page, converted by LibreOffice when it is installed."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.documents import services
from luoshi.documents.models import DocumentJob
from luoshi.plans.exports import RAG_FILLS
from luoshi.plans.models import Assignment

from .conftest import November

pytestmark = pytest.mark.django_db


def _build(client: Any, user: Any, capture: Any, **filters: Any) -> tuple[DocumentJob, bytes]:
    client.force_login(user)
    with capture(execute=True):
        response = client.post(reverse("documents:ledger_new"), {**filters, "csrfmiddlewaretoken": "x",
                                                                 "unknown": "ignored"})
    assert response.status_code == 302
    job = DocumentJob.objects.filter(user=user).latest("created_at")
    assert response["Location"] == reverse("documents:job_detail", args=[job.pk])
    assert (job.status, job.progress) == ("done", 100), job.error
    assert "unknown" not in job.params and "csrfmiddlewaretoken" not in job.params
    download = client.get(reverse("documents:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return job, b"".join(download.streaming_content)


def _sheet(content: bytes) -> Worksheet:
    sheet: Worksheet = load_workbook(BytesIO(content)).active  # type: ignore[assignment]
    return sheet


def test_the_office_gets_one_row_per_task_and_unit_with_its_light(client: Any, personas: Any, november: November,
                                                                  django_capture_on_commit_callbacks: Any) -> None:
    job, content = _build(client, personas.supervisor, django_capture_on_commit_callbacks, plan=november.plan.pk)
    assert job.params["plan"] == str(november.plan.pk)
    sheet = _sheet(content)
    rows = {(row[1].value, row[5].value): row for row in sheet.iter_rows(min_row=3)}
    assignments = Assignment.objects.filter(task__plan=november.plan, active=True).select_related("task", "unit")
    assert set(rows) == {(".".join(a.task.key.split("/")), a.unit.name) for a in assignments}

    lagging = rows[("二.(一).1", "市科技局")]
    assert lagging[8].value == "红灯" and lagging[8].fill.fgColor.rgb == RAG_FILLS["red"].fgColor.rgb
    assert lagging[9].value.startswith("滞后（2019年11月，已通过）")
    assert lagging[10].value == "新增初创科技企业3000家 → 1200家（2019年11月）"
    overdue = rows[("二.(一).2", "市经信委")]
    assert (overdue[6].value, overdue[8].value) == (dt.datetime(2019, 11, 30), "红灯")  # a date cell
    closed = rows[("二.(一).1", "市财政局")]
    assert (closed[7].value, closed[8].value) == ("已办结", "绿灯")
    assert closed[8].fill.fgColor.rgb == RAG_FILLS["green"].fgColor.rgb
    assert all(cell.alignment.wrap_text for cell in lagging if cell.column in (3, 10, 11))

    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:K{sheet.max_row}"
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert all(sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJK")


def test_a_unit_gets_its_own_rows_only(client: Any, personas: Any, november: November,
                                       django_capture_on_commit_callbacks: Any) -> None:
    _job, content = _build(client, personas.support_liaison, django_capture_on_commit_callbacks)
    rows = list(_sheet(content).iter_rows(min_row=3, values_only=True))
    assert [(row[1], row[5]) for row in rows] == [("二.(一).1", "市财政局")]
    assert "企业评价进度滞后" not in repr(rows)  # 市科技局's report on the same task


def test_progress_is_recorded_while_the_rows_are_written(personas: Any, november: November) -> None:
    job = services.document_request(actor=personas.supervisor, kind="ledger", params={}, enqueue=False)
    seen: list[tuple[int, str]] = []
    original = services._set_progress

    def spy(job_id: Any, percent: int, step: str) -> None:
        original(job_id, percent, step)
        seen.append(DocumentJob.objects.values_list("progress", "step").get(pk=job_id))

    services._set_progress = spy  # type: ignore[assignment]
    try:
        services.document_run(job_id=str(job.pk))
    finally:
        services._set_progress = original  # type: ignore[assignment]
    assert seen[0] == (5, "正在查询台账")
    assert seen[-1][0] == 90 and seen[-1][1].startswith("正在写入第4/4项任务")
    assert [p for p, _s in seen] == sorted(p for p, _s in seen)


def test_old_documents_are_purged_with_their_files(personas: Any, november: November) -> None:
    job = services.document_run(job_id=str(services.document_request(
        actor=personas.supervisor, kind="ledger", params={}, enqueue=False).pk))
    path = Path(job.file.path)
    assert path.exists()
    call_command("purge_documents", "--days", "7", stdout=io.StringIO())
    assert path.exists()  # a fresh one stays
    DocumentJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    out = io.StringIO()
    call_command("purge_documents", "--days", "7", stdout=out)
    assert out.getvalue().strip() == "Deleted 1 document(s)."
    assert not path.exists() and not DocumentJob.objects.exists()
    with pytest.raises(CommandError):
        call_command("purge_documents", "--days", "-1")


def test_too_many_pending_documents_are_refused(personas: Any, november: November) -> None:
    for _ in range(services.MAX_PENDING_PER_USER):
        services.document_request(actor=personas.leader, kind="ledger", params={}, enqueue=False)
    with pytest.raises(services.DomainError, match="正在生成"):
        services.document_request(actor=personas.leader, kind="ledger", params={}, enqueue=False)
    with pytest.raises(services.DomainError):
        services.document_request(actor=personas.leader, kind="nonsense", params={}, enqueue=False)


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_workbook(client: Any, personas: Any, november: November, tmp_path: Path,
                                        django_capture_on_commit_callbacks: Any) -> None:
    _job, content = _build(client, personas.supervisor, django_capture_on_commit_callbacks)
    source = tmp_path / "ledger.xlsx"
    source.write_bytes(content)
    subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, timeout=180, capture_output=True)
    assert (tmp_path / "ledger.pdf").read_bytes().startswith(b"%PDF-")


def test_the_page_polls_while_the_document_is_being_built(client: Any, personas: Any, november: November) -> None:
    job = services.document_request(actor=personas.lead_liaison, kind="ledger", params={}, enqueue=False,
                                    title="任务落实台账")
    client.force_login(personas.lead_liaison)
    url = reverse("documents:job_detail", args=[job.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and "0%" in page and "排队中" in page
    assert client.get(reverse("documents:job_download", args=[job.pk])).status_code == 404  # not built yet
    services.document_run(job_id=str(job.pk))
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and "100%" in fragment
    assert reverse("documents:job_download", args=[job.pk]) in fragment


def test_a_job_delivered_twice_builds_its_file_once(personas: Any, november: November,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from luoshi.documents import builders

    calls: list[str] = []
    build_ledger = builders.BUILDERS["ledger"]

    def counting(user: Any, params: Any, progress: Any) -> Any:
        calls.append(user.username)
        return build_ledger(user, params, progress)

    monkeypatch.setitem(builders.BUILDERS, "ledger", counting)
    job = services.document_request(actor=personas.lead_liaison, kind="ledger", params={}, enqueue=False)
    first = services.document_run(job_id=str(job.pk))
    second = services.document_run(job_id=str(job.pk))
    assert calls == ["kjj"] and first.status == second.status == "done" and first.file.name == second.file.name


def test_an_unexpected_failure_is_recorded_without_its_details(client: Any, personas: Any, november: November,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from luoshi.documents import builders

    def broken(user: Any, params: Any, progress: Any) -> Any:
        raise RuntimeError("disk full at /secret/path")

    monkeypatch.setitem(builders.BUILDERS, "ledger", broken)
    job = services.document_run(job_id=str(services.document_request(
        actor=personas.supervisor, kind="ledger", params={}, enqueue=False).pk))
    assert job.status == "failed" and "生成失败" in job.error and "/secret" not in job.error and not job.file
    client.force_login(personas.supervisor)
    assert client.get(reverse("documents:job_download", args=[job.pk])).status_code == 404
    assert "/secret" not in client.get(reverse("documents:job_detail", args=[job.pk])).content.decode()
