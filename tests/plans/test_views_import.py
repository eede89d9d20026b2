"""Import, preview, unit mapping, correction, publication and re-import, through the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from luoshi.core.models import AuditEntry
from luoshi.orgs.models import UnitAlias
from luoshi.plans.choices import ImportStatus, PlanStatus
from luoshi.plans.forms import TaskForm
from luoshi.plans.models import Assignment, Plan, PlanImport, Task, TaskUnit
from luoshi.plans.services import plan_import_run
from tests.conftest import SMALL_PLAN

pytestmark = pytest.mark.django_db

UNKNOWN = "市工业和信息化局"
PLAN_WITH_UNKNOWN_UNIT = SMALL_PLAN.replace("（责任单位：市经信委）", f"（责任单位：{UNKNOWN}）")


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _post_and_run(client: Any, url: str, name: str, data: bytes) -> Any:
    """Upload through the page, run the queued import job as the worker would, and return the job page."""
    response = client.post(url, {"document": _upload(name, data)})
    assert response.status_code == 302
    job = PlanImport.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert response["Location"] == reverse("plans:import_job", args=[job.pk])
    assert job.status == ImportStatus.PENDING  # nothing parsed during the request
    plan_import_run(job_id=str(job.pk))
    return client.get(response["Location"])


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _edit_data(task: Task, **changes: Any) -> dict[str, Any]:
    """The task edit form as the browser would post it, with `changes` applied."""
    form = TaskForm.for_task(task)
    data: dict[str, Any] = {"text": task.text, "deadline": task.deadline.isoformat() if task.deadline else "",
                            "deadline_text": task.deadline_text, "fingerprint": form.initial["fingerprint"]}
    units = list(task.task_units.order_by("position"))
    data.update({"units-TOTAL_FORMS": len(units) + 1, "units-INITIAL_FORMS": len(units),
                 "units-MIN_NUM_FORMS": 0, "units-MAX_NUM_FORMS": 1000})
    for index, tu in enumerate(units):
        data.update({f"units-{index}-name": tu.name, f"units-{index}-unit": tu.unit_id or "",
                     f"units-{index}-role": tu.role})
    data.update({f"units-{len(units)}-name": "", f"units-{len(units)}-unit": "",
                 f"units-{len(units)}-role": "lead"})
    data.update(changes)
    return data


def test_it_walks_from_upload_through_mapping_and_correction_to_publication(client: Any, personas: Any,
                                                                            units: Any) -> None:
    client.force_login(personas.supervisor)
    page = _post_and_run(client, reverse("plans:plan_import"), "plan.txt", PLAN_WITH_UNKNOWN_UNIT.encode())
    plan = Plan.objects.get()
    assert reverse("plans:plan_detail", args=[plan.pk]) in page.content.decode()

    preview = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    # Units, targets and the deadline are marked inside their source sentence; the unknown name stands out.
    assert '<mark class="m-unmapped" title="责任">市工业和信息化局</mark>' in preview
    assert '<mark class="m-unit" title="牵头">市科技局</mark>' in preview
    assert '<mark class="m-target" title="量化目标">新增初创科技企业3000家</mark>' in preview
    assert '<mark class="m-deadline" title="完成时限">2019年底前</mark>' in preview
    assert reverse("plans:plan_map_unit", args=[plan.pk]) in preview

    refused = client.post(reverse("plans:plan_publish", args=[plan.pk]), follow=True)
    assert any(UNKNOWN in message for message in _messages(refused))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT

    client.post(reverse("plans:plan_map_unit", args=[plan.pk]), {"name": UNKNOWN, "unit": units["市经信委"].pk})
    assert UnitAlias.objects.get(alias=UNKNOWN).unit == units["市经信委"]
    assert TaskUnit.objects.get(task__plan=plan, name=UNKNOWN).unit == units["市经信委"]
    assert 'id="unmapped"' not in client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()

    item4 = Task.objects.get(plan=plan, key="二/(二)/4")
    corrected = client.post(reverse("plans:task_edit", args=[item4.pk]), _edit_data(
        item4, text="加强知识产权保护，年内出台实施意见。", deadline="2019-10-31", **{
            "units-0-role": "lead", "units-1-unit": units["市财政局"].pk, "units-1-role": "support"}))
    assert corrected.status_code == 302
    item4.refresh_from_db()
    assert (item4.text, str(item4.deadline)) == ("加强知识产权保护，年内出台实施意见。", "2019-10-31")
    assert [(tu.name, tu.role) for tu in item4.task_units.order_by("position")] == [
        ("市科技局", "lead"), ("市财政局", "support")]

    client.post(reverse("plans:plan_publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert set(Assignment.objects.filter(task=item4).values_list("unit__name", "role", "deadline")) == {
        ("市科技局", "lead", item4.deadline), ("市财政局", "support", item4.deadline)}
    assert Assignment.objects.filter(task__plan=plan, unit=units["市经信委"]).count() == 1
    actions = list(AuditEntry.objects.filter(plan_id=plan.pk).order_by("id").values_list("action", flat=True))
    assert actions == ["plan.import", "plan.map_unit", "task.update", "plan.publish"]


def test_it_reimports_a_corrected_version_from_the_plan_page(client: Any, personas: Any,
                                                             published_plan: Plan) -> None:
    client.force_login(personas.supervisor)
    task_ids = dict(Task.objects.filter(plan=published_plan).values_list("key", "id"))
    corrected = SMALL_PLAN.replace("新认定市级以上企业技术中心15家", "新认定市级以上企业技术中心20家")
    page = _post_and_run(client, reverse("plans:plan_reimport", args=[published_plan.pk]), "plan-v2.txt",
                         corrected.encode())
    assert "技术中心<del>15</del><ins>20</ins>家" in page.content.decode()  # the preview: nothing applied yet
    published_plan.refresh_from_db()
    assert published_plan.revision == 1
    job = PlanImport.objects.get()
    confirmed = client.post(reverse("plans:import_apply", args=[job.pk]))
    assert confirmed["Location"] == reverse("plans:plan_detail", args=[published_plan.pk])
    response = client.get(reverse("plans:plan_detail", args=[published_plan.pk]))
    published_plan.refresh_from_db()
    assert published_plan.revision == 2
    assert dict(Task.objects.filter(plan=published_plan).values_list("key", "id")) == task_ids
    assert "技术中心20家" in response.content.decode()


@pytest.mark.parametrize(("filename", "data", "expected"), [
    ("x.bin", bytes(range(256)) * 40, "不是文本或支持的文档格式"),
    ("words.txt", "没有任何编号的一段话。".encode(), "未识别到任务结构"),
    ("fake.docx", b"PK\x03\x04" + b"\x00" * 200, ""),
])
def test_it_shows_why_a_bad_document_is_refused_and_stores_nothing(client: Any, personas: Any, filename: str,
                                                                   data: bytes, expected: str) -> None:
    client.force_login(personas.supervisor)
    page = _post_and_run(client, reverse("plans:plan_import"), filename, data)
    job = PlanImport.objects.get()
    assert job.status == ImportStatus.FAILED
    assert expected in job.error
    assert job.error in page.content.decode()
    assert "\n" not in job.error  # the parser's one-line message
    assert not Plan.objects.exists()
    assert not job.file  # the upload is not kept once the job is finished
    assert not AuditEntry.objects.filter(action="plan.import").exists()


def test_it_refuses_an_empty_file_at_upload(client: Any, personas: Any) -> None:
    client.force_login(personas.supervisor)
    response = client.post(reverse("plans:plan_import"), {"document": _upload("empty.txt", b"")})
    assert "文件为空" in response.context["form"].errors["document"][0]
    assert not PlanImport.objects.exists()


@override_settings(LUOSHI_MAX_PLAN_BYTES=100)
def test_it_refuses_a_file_over_the_size_limit(client: Any, personas: Any) -> None:
    client.force_login(personas.supervisor)
    response = client.post(reverse("plans:plan_import"), {"document": _upload("big.txt", SMALL_PLAN.encode())})
    assert "文件过大" in response.context["form"].errors["document"][0]
    assert not Plan.objects.exists()


def test_a_bad_reimport_keeps_the_plan_and_shows_the_error(client: Any, personas: Any,
                                                           published_plan: Plan) -> None:
    client.force_login(personas.supervisor)
    before = Task.objects.filter(plan=published_plan).count()
    page = _post_and_run(client, reverse("plans:plan_reimport", args=[published_plan.pk]), "x.bin",
                         bytes(range(256)) * 40)
    assert "不是文本或支持的文档格式" in page.content.decode()
    published_plan.refresh_from_db()
    assert published_plan.revision == 1
    assert Task.objects.filter(plan=published_plan).count() == before


def test_it_refuses_to_map_a_name_that_is_not_waiting_for_a_mapping(client: Any, personas: Any, units: Any,
                                                                    published_plan: Plan) -> None:
    client.force_login(personas.supervisor)
    response = client.post(reverse("plans:plan_map_unit", args=[published_plan.pk]),
                           {"name": "随便写的名字", "unit": units["市科技局"].pk}, follow=True)
    assert any("不是本计划中待对应的单位名称" in m for m in _messages(response))
    assert not UnitAlias.objects.filter(alias="随便写的名字").exists()


def test_the_preview_shows_parse_warnings(client: Any, personas: Any) -> None:
    client.force_login(personas.supervisor)
    noisy = SMALL_PLAN + "扫描二维码 关注我们\n"
    _post_and_run(client, reverse("plans:plan_import"), "noisy.txt", noisy.encode())
    plan = Plan.objects.get()
    body = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert plan.parse_warnings
    assert "解析提示" in body
    assert plan.parse_warnings[0]["code"] == "page_noise" and plan.parse_warnings[0]["text"][:10] in body


def test_a_plan_copied_from_a_mirror_of_a_pdf_is_imported_whole_and_says_what_was_cleaned(
        client: Any, personas: Any) -> None:
    # The small plan as a mirror site serves a PDF copy: pinyin after some characters, a break at every margin.
    mirror = SMALL_PLAN
    for word, marked in (("牵头", "牵(qiān)头"), ("责任", "责(zé)任"), ("配合", "配(pèi)合"), ("政府", "政(zhèng)府"),
                         ("创新", "创(chuàng)新")):
        mirror = mirror.replace(word, marked)
    lines = [piece for line in mirror.splitlines() for piece in (line[i:i + 28] for i in range(0, len(line), 28))]
    client.force_login(personas.supervisor)
    _post_and_run(client, reverse("plans:plan_import"), "mirror.txt", "\n".join(lines).encode())
    plan = Plan.objects.get()
    assert [w["code"] for w in plan.parse_warnings] == ["pinyin_removed", "text_unwrapped"]
    first = Task.objects.get(plan=plan, label="1")
    assert sorted(TaskUnit.objects.filter(task=first).values_list("name", "role")) == [
        ("市科技局", "lead"), ("市财政局", "support")]
    chinese = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "已删除" in chinese and "处拼音" in chinese and "处断行接回段落" in chinese
    english = client.get(reverse("plans:plan_detail", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "pinyin insertions were removed" in english and "line breaks were joined back into paragraphs" in english
