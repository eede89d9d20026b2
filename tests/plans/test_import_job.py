"""Plan uploads are parsed by a background job, outside any transaction; the result is written once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from luoshi import plandoc
from luoshi.core.models import AuditEntry
from luoshi.plans import services
from luoshi.plans.choices import ImportStatus
from luoshi.plans.models import Plan, PlanImport
from luoshi.plans.services import plan_import, plan_import_request, plan_import_run
from tests.conftest import SMALL_PLAN

pytestmark = pytest.mark.django_db


def _parse_outside_transactions(monkeypatch: Any) -> list[bool]:
    """Patch the parser to record whether it ran inside an atomic block."""
    seen: list[bool] = []
    real = plandoc.parse

    def parse(*args: Any, **kwargs: Any) -> Any:
        seen.append(transaction.get_connection().in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(services.plandoc, "parse", parse)
    return seen


@pytest.fixture
def no_test_transaction(transactional_db: Any) -> None:
    """A database without the test's wrapping transaction, so in_atomic_block means a real one."""


def test_it_parses_outside_any_transaction(monkeypatch: Any, personas: Any, no_test_transaction: None) -> None:
    seen = _parse_outside_transactions(monkeypatch)
    plan = plan_import(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename="p.txt")
    job = plan_import_request(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename="q.txt", plan=plan,
                              enqueue=False)
    plan_import_run(job_id=str(job.pk))
    assert seen == [False, False]


def test_it_queues_the_upload_and_writes_the_plan_once(personas: Any) -> None:
    job = plan_import_request(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename="p.txt",
                              enqueue=False)
    assert (job.status, Plan.objects.count()) == (ImportStatus.PENDING, 0)
    assert job.file
    done = plan_import_run(job_id=str(job.pk))
    assert (done.status, done.progress, done.error) == (ImportStatus.DONE, 100, "")
    assert done.result == Plan.objects.get()
    assert not done.file  # the upload is dropped once imported
    again = plan_import_run(job_id=str(job.pk))  # delivered twice
    assert again.status == ImportStatus.DONE
    assert Plan.objects.count() == 1
    actions = list(AuditEntry.objects.filter(action__startswith="plan.").order_by("pk")
                   .values_list("action", flat=True))
    assert actions == ["plan.upload", "plan.import"]


def test_it_fails_with_the_parsers_one_line_message(personas: Any) -> None:
    job = plan_import_request(actor=personas.supervisor, data=bytes(range(256)) * 40, filename="x.bin",
                              enqueue=False)
    failed = plan_import_run(job_id=str(job.pk))
    assert failed.status == ImportStatus.FAILED
    assert "不是文本或支持的文档格式" in failed.error and "\n" not in failed.error
    assert not Plan.objects.exists()
    assert not AuditEntry.objects.filter(action="plan.import").exists()


def test_it_enqueues_the_job_only_after_the_commit(personas: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = plan_import_request(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename="p.txt")
    assert len(callbacks) == 1  # ImmediateBackend: the job ran when the callback did
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.result is not None


def test_it_shows_the_job_then_leads_to_the_preview(client: Any, personas: Any) -> None:
    client.force_login(personas.supervisor)
    response = client.post(reverse("plans:plan_import"),
                           {"document": SimpleUploadedFile("plan.txt", SMALL_PLAN.encode())})
    job = PlanImport.objects.get()
    assert response["Location"] == reverse("plans:import_job", args=[job.pk])
    assert not Plan.objects.exists()  # nothing parsed during the request
    queued = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" in queued and "排队中" in queued
    plan_import_run(job_id=str(job.pk))
    done = client.get(response["Location"]).content.decode()
    plan = Plan.objects.get()
    assert reverse("plans:plan_detail", args=[plan.pk]) in done and "hx-trigger" not in done
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["lead_liaison", "leader", "admin"])
def test_only_the_uploader_sees_the_job(client: Any, personas: Any, persona: str) -> None:
    job = plan_import_request(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename="p.txt",
                              enqueue=False)
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("plans:import_job", args=[job.pk])).status_code == 404
