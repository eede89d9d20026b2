"""Every reporting-workflow page × every persona: who reaches what, and 404 (never 403) for the rest,
including guessed ids of another unit's report and evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from luoshi.plans.models import Assignment
from luoshi.reports import services
from luoshi.reports.models import Attachment, Extension, Report

from .workflow_helpers import ITEM_1, ITEM_2, assignment, draft, period

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
PERSONAS = ("admin", "supervisor", "leader", "lead_liaison", "lead_head", "support_liaison", "other_liaison",
            "outsider")
OFFICE = {"supervisor"}  # 三员分立: the system administrator is refused like an outsider
EVERYONE_WHO_READS = OFFICE | {"leader", "lead_liaison", "lead_head"}
LEAD_UNIT = {"lead_liaison", "lead_head"}


@dataclass
class World:
    a1: Assignment
    report: Report          # 市科技局's February report, submitted, with evidence
    attachment: Attachment
    march: Any              # a period the lead unit has not reported yet
    extension: Extension
    other_report: Report    # 市经信委's report (for guessed ids)


@pytest.fixture
def world(published_plan: Any, personas: Any) -> World:
    a1 = assignment(published_plan, ITEM_1, "市科技局")
    feb = period(published_plan, 2)
    report = draft(personas.lead_liaison, a1, feb)
    attachment = services.attachment_add(actor=personas.lead_liaison, report=report,
                                         upload=SimpleUploadedFile("证明.pdf", PDF))
    report = services.report_submit(actor=personas.lead_head, report=Report.objects.get(pk=report.pk))
    extension = services.extension_request(actor=personas.lead_liaison, assignment=a1,
                                           requested_deadline=dt.date(2031, 1, 1), reason="需要更多时间")
    a2 = assignment(published_plan, ITEM_2, "市经信委")
    other_report = draft(personas.other_liaison, a2, feb)
    return World(a1=a1, report=report, attachment=attachment, march=period(published_plan, 3),
                 extension=extension, other_report=other_report)


def _status_by_persona(client: Client, personas: Any, method: str, url: str, data: Any = None) -> dict[str, int]:
    found = {}
    for name in PERSONAS:
        client.force_login(getattr(personas, name))
        response = client.get(url) if method == "get" else client.post(url, data or {})
        found[name] = response.status_code
    client.logout()
    anonymous = client.get(url) if method == "get" else client.post(url, data or {})
    found["anonymous"] = anonymous.status_code
    return found


def _expect(allowed: set[str], ok: int = 200) -> dict[str, int]:
    expected = {name: (ok if name in allowed else 404) for name in PERSONAS}
    expected["anonymous"] = 302
    return expected


def test_it_lists_are_open_to_every_account(client: Client, personas: Any, world: World) -> None:
    for name in ("reports:my_tasks", "reports:report_history", "reports:extension_list"):
        assert _status_by_persona(client, personas, "get", reverse(name)) == _expect(set(PERSONAS)), name


def test_it_lists_show_a_unit_only_its_own_rows(client: Client, personas: Any, world: World) -> None:
    client.force_login(personas.other_liaison)
    history = client.get(reverse("reports:report_history")).content.decode()
    assert reverse("reports:report_detail", args=[world.other_report.pk]) in history
    assert reverse("reports:report_detail", args=[world.report.pk]) not in history
    tasks = client.get(reverse("reports:my_tasks")).content.decode()
    assert "开展科技型中小企业评价" not in tasks and "支持企业建设研发机构" in tasks
    assert "需要更多时间" not in client.get(reverse("reports:extension_list")).content.decode()
    assert "2031-01-01" not in client.get(reverse("reports:extension_list")).content.decode()


def test_it_report_detail(client: Client, personas: Any, world: World) -> None:
    url = reverse("reports:report_detail", args=[world.report.pk])
    assert _status_by_persona(client, personas, "get", url) == _expect(EVERYONE_WHO_READS)


def test_it_report_form_is_for_the_units_own_accounts_only(client: Client, personas: Any, world: World) -> None:
    url = reverse("reports:report_edit", args=[world.a1.pk, world.march.pk])
    assert _status_by_persona(client, personas, "get", url) == _expect(LEAD_UNIT)
    # the period of another plan, or a made-up one, is not found either
    client.force_login(personas.lead_liaison)
    assert client.get(reverse("reports:report_edit", args=[world.a1.pk, 999999])).status_code == 404


def test_it_attachment_download_and_its_headers(client: Client, personas: Any, world: World) -> None:
    url = reverse("reports:attachment_download", args=[world.attachment.pk])
    assert _status_by_persona(client, personas, "get", url) == _expect(EVERYONE_WHO_READS)
    client.force_login(personas.leader)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E8%AF%81%E6%98%8E.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_it_guessed_ids_of_another_units_report_and_evidence_are_not_found(client: Client, personas: Any,
                                                                       world: World) -> None:
    client.force_login(personas.other_liaison)
    for name, pk in (("report_detail", world.report.pk), ("attachment_download", world.attachment.pk),
                     ("report_detail", 999999), ("attachment_download", 999999), ("report_detail", "x")):
        try:
            url = reverse(f"reports:{name}", args=[pk])
        except Exception:  # a non-numeric id does not even route
            continue
        assert client.get(url).status_code == 404
    for name, pk in (("report_submit", world.report.pk), ("report_accept", world.report.pk),
                     ("attachment_delete", world.attachment.pk), ("attachment_upload", world.report.pk)):
        assert client.post(reverse(f"reports:{name}", args=[pk]), {"version": 1}).status_code == 404
    assert Attachment.objects.filter(pk=world.attachment.pk).exists()
    client.force_login(personas.lead_liaison)  # and the other way round
    assert client.get(reverse("reports:report_detail", args=[world.other_report.pk])).status_code == 404


def test_it_assignment_detail(client: Client, personas: Any, world: World) -> None:
    url = reverse("reports:assignment_detail", args=[world.a1.pk])
    assert _status_by_persona(client, personas, "get", url) == _expect(EVERYONE_WHO_READS)


def test_it_extension_request_page(client: Client, personas: Any, world: World) -> None:
    url = reverse("reports:extension_request", args=[world.a1.pk])
    assert _status_by_persona(client, personas, "get", url) == _expect(LEAD_UNIT)


def test_it_extension_detail_and_decision(client: Client, personas: Any, world: World) -> None:
    url = reverse("reports:extension_detail", args=[world.extension.pk])
    assert _status_by_persona(client, personas, "get", url) == _expect(EVERYONE_WHO_READS)
    # deciding: only the office reaches it; an invalid form keeps the office on the page
    assert _status_by_persona(client, personas, "post", url, {"decision": "maybe"}) == _expect(OFFICE)
    world.extension.refresh_from_db()
    assert world.extension.status == "pending"


def test_it_instruction_form_is_for_leaders(client: Client, personas: Any, world: World) -> None:
    url = reverse("reports:instruction_create", args=[world.a1.task_id])
    assert _status_by_persona(client, personas, "get", url) == _expect({"leader"})
    client.force_login(personas.leader)
    chapter = world.a1.task.plan.tasks.get(key="二")
    assert client.get(reverse("reports:instruction_create", args=[chapter.pk])).status_code == 404


def test_it_closing_page(client: Client, personas: Any, world: World) -> None:
    url = reverse("reports:assignment_close", args=[world.a1.pk])
    assert _status_by_persona(client, personas, "get", url) == _expect(OFFICE | LEAD_UNIT)


def test_it_state_changes_answer_404_to_those_who_cannot_reach_the_report(client: Client, personas: Any,
                                                                     world: World) -> None:
    # Those who reach it get a redirect; the service then accepts or refuses with a message.
    for name in ("report_approve", "report_submit", "report_accept", "report_return", "attachment_upload"):
        url = reverse(f"reports:{name}", args=[world.report.pk])
        found = _status_by_persona(client, personas, "post", url, {"version": 999})
        assert found == _expect(OFFICE | LEAD_UNIT, ok=302), name
    url = reverse("reports:attachment_delete", args=[world.attachment.pk])
    assert _status_by_persona(client, personas, "post", url) == _expect(LEAD_UNIT, ok=302)
    url = reverse("reports:assignment_close_refuse", args=[world.a1.pk])
    assert _status_by_persona(client, personas, "post", url, {"comment": "x"}) == _expect(OFFICE | LEAD_UNIT, ok=302)
    world.report.refresh_from_db()
    assert world.report.status == "submitted"  # stale versions everywhere: nothing changed
    assert Attachment.objects.filter(pk=world.attachment.pk).exists()  # submitted: evidence is locked


def test_it_get_is_not_allowed_on_state_changes(client: Client, personas: Any, world: World) -> None:
    client.force_login(personas.supervisor)
    assert client.get(reverse("reports:report_accept", args=[world.report.pk])).status_code == 405
