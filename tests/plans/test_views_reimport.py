"""Re-import through the pages: upload, the preview of the differences, conflicts, confirm or cancel;
only the uploader sees or confirms a preview; a job a dead worker left running is shown as failed."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from luoshi.core.management.commands.demo import SEED_NAME, seed_bytes
from luoshi.core.models import AuditEntry
from luoshi.orgs.choices import Role
from luoshi.plans.choices import ImportStatus
from luoshi.plans.models import Plan, PlanImport, Task
from luoshi.plans.services import TaskUnitSpec, plan_import_request, plan_import_run, plan_imports_sweep, task_update
from luoshi.reports.models import Attachment, Report, TargetActual
from tests.conftest import SMALL_PLAN, login_verified

pytestmark = pytest.mark.django_db


def upload_and_run(client: Any, plan: Plan, text: str, name: str = "v2.txt") -> PlanImport:
    response = client.post(reverse("plans:plan_reimport", args=[plan.pk]),
                           {"document": SimpleUploadedFile(name, text.encode())})
    assert response.status_code == 302
    job = PlanImport.objects.filter(plan=plan).latest("created_at")
    assert job.status == ImportStatus.PENDING
    return plan_import_run(job_id=str(job.pk))


def test_reimporting_the_dalian_plan_with_one_changed_item_keeps_all_reports_and_actual_values(
        client: Any) -> None:
    call_command("demo", stdout=io.StringIO())
    plan = Plan.objects.get()
    office = plan.created_by
    actual = TargetActual.objects.select_related("target", "target__task").order_by("pk").first()
    assert actual is not None
    target = actual.target
    number = re.search(r"\d+", target.text)
    assert number is not None and plan.source_text.count(target.text) == 1
    new_target = target.text.replace(number.group(), str(int(number.group()) + 5), 1)
    changed_text = seed_bytes().decode().replace(target.text, new_target)
    before = {
        "reports": sorted(Report.objects.values_list("pk", "status", "assignment_id", "narrative")),
        "actuals": sorted(TargetActual.objects.values_list("pk", "report_id", "target_id", "value")),
        "evidence": sorted(Attachment.objects.values_list("pk", "report_id")),
        "tasks": sorted(Task.objects.filter(plan=plan).values_list("pk", "key")),
    }
    assert len(before["actuals"]) > 5 and len(before["reports"]) > 20

    login_verified(client, office)   # the demo enrols the office in two-factor authentication
    job = upload_and_run(client, plan, changed_text, SEED_NAME)
    assert job.status == ImportStatus.PREVIEW
    page = client.get(reverse("plans:import_job", args=[job.pk])).content.decode()
    assert target.task.display_path in page and new_target in page and target.text in page
    assert "修改 1 项" in page and "新增 0 项" in page and "删除（停用）0 项" in page
    assert Task.objects.get(pk=target.task_id).targets.filter(text=target.text).exists()  # not applied yet

    response = client.post(reverse("plans:import_apply", args=[job.pk]))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.revision == 2
    assert sorted(Report.objects.values_list("pk", "status", "assignment_id", "narrative")) == before["reports"]
    assert sorted(TargetActual.objects.values_list("pk", "report_id", "target_id", "value")) == before["actuals"]
    assert sorted(Attachment.objects.values_list("pk", "report_id")) == before["evidence"]
    assert sorted(Task.objects.filter(plan=plan).values_list("pk", "key")) == before["tasks"]
    target.refresh_from_db()
    assert target.text == new_target
    assert list(AuditEntry.objects.filter(action__startswith="task.", plan_id=plan.pk,
                                          created_at__gte=job.created_at).values_list("action", "task_id")) == [
        ("task.reimport", target.task_id)]


def test_the_office_resolves_a_conflict_on_the_preview_page(client: Any, personas: Any,
                                                           published_plan: Plan) -> None:
    item3 = Task.objects.get(plan=published_plan, key="二/(二)/3")
    task_update(actor=personas.supervisor, task=item3, text=item3.text, deadline=dt.date(2019, 10, 31),
                deadline_text="2019年10月底前",
                units=[TaskUnitSpec(tu.name, tu.unit, tu.role) for tu in item3.task_units.all()])
    client.force_login(personas.supervisor)
    job = upload_and_run(client, published_plan, SMALL_PLAN.replace("2019年底前", "2019年9月底前"))
    page = client.get(reverse("plans:import_job", args=[job.pk])).content.decode()
    assert 'name="conflict_0"' in page and "2019年10月底前" in page and "2019年9月底前" in page
    refused = client.post(reverse("plans:import_apply", args=[job.pk]))
    assert refused.status_code == 400 and "请选择保留人工修改或采用新文本" in refused.content.decode()
    item3.refresh_from_db()
    assert item3.deadline == dt.date(2019, 10, 31) and "9月底前" not in item3.text
    client.post(reverse("plans:import_apply", args=[job.pk]), {"conflict_0": "keep"})
    item3.refresh_from_db()
    assert item3.deadline == dt.date(2019, 10, 31) and "9月底前" in item3.text


def test_the_preview_shows_a_changed_title(client: Any, personas: Any, published_plan: Plan) -> None:
    client.force_login(personas.supervisor)
    job = upload_and_run(client, published_plan, SMALL_PLAN.replace("〔2019〕7号", "〔2019〕8号"))
    page = client.get(reverse("plans:import_job", args=[job.pk])).content.decode()
    assert 'id="plan-fields"' in page and "大政办发〔2019〕7号" in page and "大政办发〔2019〕8号" in page


def test_cancelling_on_the_preview_page_changes_nothing(client: Any, personas: Any, published_plan: Plan) -> None:
    client.force_login(personas.supervisor)
    job = upload_and_run(client, published_plan, SMALL_PLAN.replace("技术中心15家", "技术中心20家"))
    response = client.post(reverse("plans:import_cancel", args=[job.pk]))
    assert response["Location"] == reverse("plans:plan_detail", args=[published_plan.pk])
    published_plan.refresh_from_db()
    assert published_plan.revision == 1
    assert client.post(reverse("plans:import_apply", args=[job.pk])).status_code == 302
    published_plan.refresh_from_db()
    assert published_plan.revision == 1


@pytest.mark.parametrize("persona", ["lead_liaison", "lead_head", "leader", "admin", "other_office"])
def test_nobody_but_the_uploader_sees_or_confirms_a_preview(client: Any, personas: Any, published_plan: Plan,
                                                          django_user_model: Any, persona: str) -> None:
    job = plan_import_request(actor=personas.supervisor, plan=published_plan, filename="v2.txt", enqueue=False,
                              data=SMALL_PLAN.replace("技术中心15家", "技术中心20家").encode())
    plan_import_run(job_id=str(job.pk))
    user = (django_user_model.objects.create_user(username="office2", password="x", role=Role.SUPERVISOR)
            if persona == "other_office" else getattr(personas, persona))
    client.force_login(user)
    assert client.get(reverse("plans:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("plans:import_apply", args=[job.pk])).status_code == 404
    assert client.post(reverse("plans:import_cancel", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEW
    published_plan.refresh_from_db()
    assert published_plan.revision == 1


def test_the_status_fragment_reloads_the_page_when_the_preview_is_ready(client: Any, personas: Any,
                                                                      published_plan: Plan) -> None:
    client.force_login(personas.supervisor)
    job = upload_and_run(client, published_plan, SMALL_PLAN)
    fragment = client.get(reverse("plans:import_job", args=[job.pk]), headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"


# ---------------------------------------------------------------------------------------------------
# Time limit and the stale-job sweep


@override_settings(LUOSHI_IMPORT_TIME_LIMIT_SECONDS=1)
def test_a_job_over_the_time_limit_fails_with_a_clear_message(personas: Any, monkeypatch: Any) -> None:
    import time

    from luoshi.plans import services

    def slow_parse(**kwargs: Any) -> Any:
        time.sleep(5)
        raise AssertionError("not interrupted")

    monkeypatch.setattr(services, "plan_parse", slow_parse)
    job = plan_import_request(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename="p.txt", enqueue=False)
    started = time.monotonic()
    failed = plan_import_run(job_id=str(job.pk))
    assert time.monotonic() - started < 3
    assert failed.status == ImportStatus.FAILED and "解析超过" in failed.error and "分钟" in failed.error
    assert not Plan.objects.exists()


def test_a_job_a_dead_worker_left_running_is_marked_failed_and_shown(client: Any, personas: Any,
                                                                    settings: Any) -> None:
    job = plan_import_request(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename="p.txt", enqueue=False)
    limit = settings.LUOSHI_IMPORT_TIME_LIMIT_SECONDS
    recent = plan_import_request(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename="q.txt",
                                 enqueue=False)
    PlanImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, started_at=timezone.now() - dt.timedelta(seconds=limit + 120))
    PlanImport.objects.filter(pk=recent.pk).update(status=ImportStatus.RUNNING, started_at=timezone.now())
    client.force_login(personas.supervisor)
    page = client.get(reverse("plans:import_job", args=[job.pk])).content.decode()
    assert "后台解析中断" in page and "请重新上传" in page
    job.refresh_from_db()
    recent.refresh_from_db()
    assert (job.status, recent.status) == (ImportStatus.FAILED, ImportStatus.RUNNING)
    assert AuditEntry.objects.filter(action="plan.import_stale", object_id=str(job.pk)).count() == 1
    assert plan_imports_sweep() == 0  # once only
    later = timezone.now() + dt.timedelta(seconds=limit + 120)
    assert plan_imports_sweep(now=later) == 1  # the recent one, once it is stale too


def test_the_sweep_command_reports_what_it_failed(personas: Any, settings: Any) -> None:
    job = plan_import_request(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename="p.txt", enqueue=False)
    PlanImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(seconds=settings.LUOSHI_IMPORT_TIME_LIMIT_SECONDS + 120))
    out = io.StringIO()
    call_command("plan_imports_sweep", stdout=out)
    assert "1" in out.getvalue()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


def test_at_the_only_worker_s_start_every_running_job_is_marked_failed(personas: Any) -> None:
    job = plan_import_request(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename="p.txt", enqueue=False)
    PlanImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, started_at=timezone.now())
    call_command("plan_imports_sweep", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING  # not past the time limit: a live worker may be on it
    call_command("plan_imports_sweep", "--worker-start", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "后台任务进程已退出" in job.error
