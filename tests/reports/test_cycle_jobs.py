"""Background exports: queued per account, built once, downloaded by their owner only, purged later."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from luoshi.core.errors import DomainError
from luoshi.core.models import AuditEntry
from luoshi.reports import jobs
from luoshi.reports.models import ExportJob

pytestmark = pytest.mark.django_db

calls: list[tuple[str, dict[str, str]]] = []


def fake_ledger(user: Any, params: dict[str, str]) -> tuple[str, bytes]:
    calls.append((user.username, params))
    return "台账.xlsx", f"ledger for {user.username} {params.get('plan', '')}".encode()


def broken_export(user: Any, params: dict[str, str]) -> tuple[str, bytes]:
    raise RuntimeError("disk full at /secret/path")


@pytest.fixture(autouse=True)
def exporters() -> Iterator[None]:
    saved = dict(jobs.EXPORTERS)
    jobs.register_exporter("test_ledger", fake_ledger)
    jobs.register_exporter("test_broken", f"{__name__}.broken_export")
    calls.clear()
    yield
    jobs.EXPORTERS.clear()
    jobs.EXPORTERS.update(saved)


def test_it_builds_an_export_in_the_background_for_its_owner(client: Any, personas: Any,
                                                             django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.export_request(actor=personas.supervisor, kind="test_ledger", params={"plan": "7"})
    job.refresh_from_db()
    assert (job.status, job.filename) == ("done", "台账.xlsx") and calls == [("office", {"plan": "7"})]
    assert AuditEntry.objects.get(action="export.request").actor == personas.supervisor

    client.force_login(personas.supervisor)
    assert "台账.xlsx" in client.get(reverse("reports:export_list")).content.decode()
    response = client.get(reverse("reports:export_download", args=[job.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"ledger for office 7"
    assert response["Content-Disposition"].startswith("attachment") and response["X-Content-Type-Options"] == "nosniff"
    for persona in (personas.admin, personas.lead_liaison, personas.leader):
        client.force_login(persona)
        assert client.get(reverse("reports:export_download", args=[job.pk])).status_code == 404
        assert "台账.xlsx" not in client.get(reverse("reports:export_list")).content.decode()


def test_it_runs_a_job_once_even_if_delivered_twice(personas: Any) -> None:
    job = jobs.export_request(actor=personas.lead_liaison, kind="test_ledger", params={}, enqueue=False)
    jobs.export_run(export_id=str(job.pk))
    jobs.export_run(export_id=str(job.pk))
    assert len(calls) == 1


def test_it_makes_the_row_when_the_task_is_enqueued_directly(personas: Any) -> None:
    result = jobs.export_job.enqueue("test_ledger", personas.leader.pk, {"plan": "1"})
    job = ExportJob.objects.get(pk=result.return_value)
    assert (job.status, job.user, job.params) == ("done", personas.leader, {"plan": "1"})


def test_it_records_a_failure_without_leaking_details(client: Any, personas: Any,
                                                      django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.export_request(actor=personas.supervisor, kind="test_broken", params={})
    job.refresh_from_db()
    assert job.status == "failed" and "导出失败" in job.error and "/secret" not in job.error
    client.force_login(personas.supervisor)
    assert client.get(reverse("reports:export_download", args=[job.pk])).status_code == 404


def test_it_refuses_unknown_kinds_and_too_many_at_once(personas: Any) -> None:
    with pytest.raises(DomainError):
        jobs.export_request(actor=personas.supervisor, kind="everything", params={})
    for _ in range(jobs.MAX_PENDING_PER_USER):
        jobs.export_request(actor=personas.supervisor, kind="test_ledger", params={}, enqueue=False)
    with pytest.raises(DomainError):
        jobs.export_request(actor=personas.supervisor, kind="test_ledger", params={}, enqueue=False)
    # Another account is not held up by this one.
    jobs.export_request(actor=personas.leader, kind="test_ledger", params={}, enqueue=False)


def test_it_purges_old_exports_and_their_files(personas: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        old = jobs.export_request(actor=personas.supervisor, kind="test_ledger", params={})
        new = jobs.export_request(actor=personas.supervisor, kind="test_ledger", params={})
    old.refresh_from_db()
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    call_command("purge_exports", "--days", "7", stdout=io.StringIO())
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [new.pk]
    assert not storage.exists(name)


def test_it_exports_the_ledger_in_the_background_within_the_users_scope(
        published_plan: Any, personas: Any, django_capture_on_commit_callbacks: Any) -> None:
    import openpyxl

    def cells(user: Any) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            job = jobs.export_request(actor=user, kind="ledger", params={"plan": str(published_plan.pk)})
        job.refresh_from_db()
        assert job.status == "done" and job.filename.endswith(".xlsx"), job.error
        with job.file.open("rb") as handle:
            sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).worksheets[0]
        return " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)

    office = cells(personas.supervisor)
    assert "开展科技型中小企业评价" in office and "支持企业建设研发机构" in office
    unit = cells(personas.other_liaison)  # 市经信委: item 2 only
    assert "支持企业建设研发机构" in unit and "开展科技型中小企业评价" not in unit


def test_it_starts_an_export_from_a_post_only(client: Any, personas: Any,
                                              django_capture_on_commit_callbacks: Any) -> None:
    url = reverse("reports:export_start")
    client.force_login(personas.lead_liaison)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "test_ledger", "plan": "3"})
    assert response.status_code == 302 and response["Location"] == reverse("reports:export_list")
    assert ExportJob.objects.get().params == {"plan": "3"} and calls == [("kjj", {"plan": "3"})]
    response = client.post(url, {"kind": "../../etc"}, follow=True)
    assert "不支持的导出类型" in response.content.decode() and ExportJob.objects.count() == 1
    client.logout()
    assert client.post(url, {"kind": "test_ledger"}).status_code == 302 and ExportJob.objects.count() == 1
