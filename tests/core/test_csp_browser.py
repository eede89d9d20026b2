"""In the browser: the Content-Security-Policy blocks nothing Luoshi's own pages need (no console report of
a violation on the main pages of each persona, the admin and the browsable API), and the delete
confirmation moved out of an inline handler still asks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.reports import services
from luoshi.reports.models import Attachment
from tests.browser import login
from tests.reports.workflow_helpers import ITEM_1, assignment, draft, period

pytestmark = pytest.mark.django_db(transaction=True)
PAGES = {
    "supervisor": ["/", "/plans/ledger/", "/dashboards/office/", "/api/v1/token/", "/api/v1/docs/",
                   "/api/v1/plans/", "/indicators/", "/assessment/"],
    "lead_liaison": ["/", "/reports/", "/dashboards/unit/"],
    "leader": ["/dashboards/leader/"],
    "admin": ["/admin/", "/admin/orgs/unit/add/", "/admin/reports/reportingperiod/"],
}


def _violations(page: Any) -> list[str]:
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text else None)
    return found


@pytest.mark.parametrize("persona", sorted(PAGES))
def test_the_policy_blocks_nothing_on_the_main_pages(page: Any, live_server: Any, personas: Any,
                                                     published_plan: Any, persona: str) -> None:
    violations = _violations(page)
    login(page, live_server, getattr(personas, persona).username, personas.password)
    for path in PAGES[persona]:
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert response is not None and response.status < 400, path
    assert violations == []


def test_the_delete_confirmation_still_asks(page: Any, live_server: Any, personas: Any,
                                            published_plan: Any) -> None:
    report = draft(personas.lead_liaison, assignment(published_plan, ITEM_1, "市科技局"), period(published_plan, 2))
    attachment = services.attachment_add(actor=personas.lead_liaison, report=report,
                                         upload=SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%%EOF\n"))
    violations = _violations(page)
    login(page, live_server, personas.lead_liaison.username, personas.password)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.wait_for_load_state("networkidle")
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.locator(f"form[action$='/attachments/{attachment.pk}/delete/'] button").click()
    page.wait_for_timeout(300)
    assert asked and Attachment.objects.filter(pk=attachment.pk).exists()  # dismissed: kept
    assert violations == []
