"""Evidence is stored with its SHA-256, checked before every download (a changed file is refused and
audited), and removed from disk when deleted (by the service or with its report)."""

from __future__ import annotations

import hashlib
import os
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from luoshi.core.models import AuditEntry
from luoshi.reports import services
from luoshi.reports.models import Attachment

from .workflow_helpers import ITEM_1, assignment, draft, period

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n%%EOF\n"


def _evidence(personas: Any, plan: Any) -> Attachment:
    report = draft(personas.lead_liaison, assignment(plan, ITEM_1, "市科技局"), period(plan, 2))
    return services.attachment_add(actor=personas.lead_liaison, report=report,
                                   upload=SimpleUploadedFile("证明.pdf", PDF))


def test_it_refuses_and_audits_a_download_of_a_changed_file(personas: Any, published_plan: Any) -> None:
    attachment = _evidence(personas, published_plan)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    client = Client()
    client.force_login(personas.supervisor)
    url = reverse("reports:attachment_download", args=[attachment.pk])
    assert client.get(url).status_code == 200
    with open(attachment.file.path, "ab") as handle:
        handle.write(b"tampered")
    response = client.get(url)
    assert response.status_code == 409 and b"tampered" not in response.content
    entry = AuditEntry.objects.filter(action="security.integrity_failure").latest("id")
    assert (entry.object_id, entry.result, entry.before) == (str(attachment.pk), "failure",
                                                              {"sha256": attachment.sha256})


def test_it_removes_the_file_from_disk_when_deleted(personas: Any, published_plan: Any) -> None:
    attachment = _evidence(personas, published_plan)
    path = attachment.file.path
    services.attachment_delete(actor=personas.lead_liaison, attachment=attachment)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not os.path.exists(path)


def test_it_removes_the_file_when_its_report_goes(personas: Any, published_plan: Any) -> None:
    attachment = _evidence(personas, published_plan)
    path = attachment.file.path
    with transaction.atomic():
        attachment.report.delete()
    assert not os.path.exists(path)


def test_a_rolled_back_deletion_keeps_the_file(personas: Any, published_plan: Any) -> None:
    attachment = _evidence(personas, published_plan)
    path = attachment.file.path
    with pytest.raises(RuntimeError), transaction.atomic():
        Attachment.objects.get(pk=attachment.pk).delete()
        raise RuntimeError
    assert os.path.exists(path) and Attachment.objects.filter(pk=attachment.pk).exists()
