"""Security events in the audit log: logins, logouts, failed logins, denied access, downloads and admin
changes, each with the source address and result; the request id is the server's, never the client's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from luoshi.core.models import AuditEntry
from luoshi.reports import services
from luoshi.reports.models import ReportingPeriod
from tests.reports.workflow_helpers import ITEM_1, ITEM_2, assignment, draft, period

from .audit_helpers import admin_form_data

pytestmark = pytest.mark.django_db
ADDRESS = "10.20.30.40"
PDF = b"%PDF-1.4\n%%EOF\n"


def _last(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-id").first()  # type: ignore[return-value]


def test_it_records_logins_logouts_and_failed_logins_with_address_and_result(personas: Any) -> None:
    client = Client(REMOTE_ADDR=ADDRESS)
    failed = client.post(reverse("login"), {"username": "kjj", "password": "wrong"})
    assert failed.status_code == 200
    entry = _last("security.login_failed")
    assert (entry.result, entry.source_address, entry.object_repr) == ("failure", ADDRESS, "kjj")
    assert entry.object_id == str(personas.lead_liaison.pk) and "wrong" not in str(vars(entry))

    client.post(reverse("login"), {"username": "kjj", "password": personas.password})
    entry = _last("security.login")
    assert (entry.actor_id, entry.result, entry.source_address) == (personas.lead_liaison.pk, "success", ADDRESS)
    assert len(entry.request_id) == 32

    client.post(reverse("logout"))
    entry = _last("security.logout")
    assert (entry.actor_id, entry.source_address) == (personas.lead_liaison.pk, ADDRESS)


def test_it_records_failed_logins_on_the_admin_login_too(personas: Any) -> None:
    Client(REMOTE_ADDR=ADDRESS).post("/admin/login/", {"username": "admin", "password": "nope"})
    assert _last("security.login_failed").object_repr == "admin"


def test_it_generates_the_request_id_itself(personas: Any) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "kjj", "password": personas.password},
                           HTTP_X_REQUEST_ID="forged-by-client")
    assert response["X-Request-Id"] != "forged-by-client"
    assert _last("security.login").request_id == response["X-Request-Id"]


def test_it_records_access_denied_to_another_units_object(personas: Any, published_plan: Any) -> None:
    report = draft(personas.lead_liaison, assignment(published_plan, ITEM_1, "市科技局"), period(published_plan, 2))
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(personas.other_liaison)
    url = reverse("reports:report_detail", args=[report.pk])
    assert client.get(url).status_code == 404
    entry = _last("security.access_denied")
    assert (entry.actor_id, entry.result, entry.source_address) == (personas.other_liaison.pk, "failure", ADDRESS)
    assert url in entry.object_repr

    client.force_login(personas.lead_liaison)
    before = AuditEntry.objects.filter(action="security.access_denied").count()
    assert client.get(url).status_code == 200
    assert AuditEntry.objects.filter(action="security.access_denied").count() == before


def test_it_records_access_denied_on_the_api(personas: Any, published_plan: Any) -> None:
    report = draft(personas.lead_liaison, assignment(published_plan, ITEM_1, "市科技局"), period(published_plan, 2))
    client = Client()
    client.force_login(personas.other_liaison)
    assert client.get(f"/api/v1/reports/{report.pk}/").status_code == 404
    assert _last("security.access_denied").actor_id == personas.other_liaison.pk


def test_it_records_evidence_and_export_downloads(personas: Any, published_plan: Any) -> None:
    report = draft(personas.lead_liaison, assignment(published_plan, ITEM_1, "市科技局"), period(published_plan, 2))
    attachment = services.attachment_add(actor=personas.lead_liaison, report=report,
                                         upload=SimpleUploadedFile("证明.pdf", PDF))
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(personas.supervisor)
    response = client.get(reverse("reports:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    entry = _last("security.download.evidence")
    assert (entry.actor_id, entry.object_type, entry.object_id, entry.source_address) == (
        personas.supervisor.pk, "reports.attachment", str(attachment.pk), ADDRESS)

    assert client.get(reverse("plans:ledger_export")).status_code == 200
    assert _last("security.download.export").actor_id == personas.supervisor.pk


def _admin(personas: Any) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(personas.admin)
    return client


def test_it_records_a_unit_edited_in_the_admin_with_before_and_after(personas: Any, units: Any) -> None:
    client = _admin(personas)
    unit = units["市科技局"]
    url = reverse("admin:orgs_unit_change", args=[unit.pk])
    response = client.post(url, admin_form_data(client.get(url), full_name="大连市科学技术局（新）"))
    assert response.status_code == 302, response.content[:2000]
    entry = _last("admin.change")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (personas.admin.pk, "orgs.unit", str(unit.pk))
    assert entry.after == {"full_name": "大连市科学技术局（新）"}
    assert entry.before == {"full_name": unit.full_name} and entry.source_address == ADDRESS


def test_it_records_a_periods_due_date_moved_in_the_admin(personas: Any, published_plan: Any) -> None:
    client = _admin(personas)
    period_ = ReportingPeriod.objects.filter(plan=published_plan).order_by("start").first()
    assert period_ is not None
    url = reverse("admin:reports_reportingperiod_change", args=[period_.pk])
    moved = period_.due_date + dt.timedelta(days=7)
    assert client.post(url, admin_form_data(client.get(url), due_date=moved.isoformat())).status_code == 302
    entry = _last("admin.change")
    assert entry.before == {"due_date": period_.due_date.isoformat()}
    assert entry.after == {"due_date": moved.isoformat()}


def test_it_audits_every_registered_admin() -> None:
    from django.contrib import admin

    from luoshi.core.security_events import AuditedAdminMixin

    assert all(isinstance(model_admin, AuditedAdminMixin) for model_admin in admin.site._registry.values())


def test_it_records_an_admin_delete(personas: Any, units: Any) -> None:
    from axes.models import AccessAttempt

    # The security administrator lifts a login lockout by deleting its record in the admin.
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(personas.security_admin)
    attempt = AccessAttempt.objects.create(username="kjj", ip_address="198.51.100.7", failures_since_start=5,
                                           user_agent="test", path_info="/login/", get_data="", post_data="")
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    entry = _last("admin.delete")
    assert entry.object_id == str(attempt.pk) and entry.before["username"] == "kjj"


def test_it_keeps_security_events_out_of_the_changes(personas: Any, published_plan: Any) -> None:
    client = Client()
    client.force_login(personas.other_liaison)
    changes = AuditEntry.objects.changes().count()
    client.get(reverse("reports:report_detail", args=[10**9]))
    assert AuditEntry.objects.changes().count() == changes
    assert ITEM_2  # the helpers' names stay importable for the other tests


def test_it_takes_the_address_from_the_proxys_header_when_configured(personas: Any, settings: Any) -> None:
    settings.LUOSHI_CLIENT_ADDRESS_HEADER = "X-Real-IP"
    Client(REMOTE_ADDR="127.0.0.1").post(reverse("login"), {"username": "kjj", "password": "wrong"},
                                         HTTP_X_REAL_IP=ADDRESS)
    assert _last("security.login_failed").source_address == ADDRESS
    settings.LUOSHI_CLIENT_ADDRESS_HEADER = ""
    Client(REMOTE_ADDR="127.0.0.1").post(reverse("login"), {"username": "kjj", "password": "wrong"},
                                         HTTP_X_REAL_IP=ADDRESS)
    assert _last("security.login_failed").source_address == "127.0.0.1"


def test_it_leaves_urls_no_view_serves_to_the_proxy_log(personas: Any) -> None:
    client = Client()
    client.force_login(personas.lead_liaison)
    before = AuditEntry.objects.filter(action="security.access_denied").count()
    assert client.get("/favicon.ico").status_code == 404
    assert AuditEntry.objects.filter(action="security.access_denied").count() == before
