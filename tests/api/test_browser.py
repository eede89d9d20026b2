"""In the browser: a unit liaison issues an API token from the menu, copies it, calls the API with it and
reads the reference page. Screenshots go to out/screenshots/api-*.png."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from luoshi.api.models import ApiToken
from luoshi.core.models import AuditEntry
from tests.browser import login, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_issues_a_token_and_shows_the_reference(page: Any, live_server: Any, personas: Any,
                                                   published_plan: Any) -> None:
    base = live_server.url
    external: list[str] = []
    page.on("request", lambda request: external.append(request.url)
            if not request.url.startswith(base) else None)
    login(page, live_server, personas.lead_liaison.username, personas.password)
    page.click("nav >> text=API令牌")
    page.wait_for_load_state("networkidle")
    page.click("button[value=issue]")
    page.wait_for_load_state("networkidle")
    key = page.input_value("#api-key")
    shot(page, "api-token")
    assert ApiToken.objects.get(user=personas.lead_liaison).key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert AuditEntry.objects.filter(action="api_token.issue", actor=personas.lead_liaison).count() == 1

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    ledger = client.get(reverse("api:ledger-list")).json()
    assert {task["path"] for task in ledger["results"]} == {"二.(一).1", "二.(二).4"}  # 市科技局's items

    page.click("text=接口说明")
    page.wait_for_load_state("networkidle")
    assert page.locator("article.api-op").count() >= 30
    assert page.locator("text=/api/v1/reports/{id}/accept/").count() == 1
    shot(page, "api-docs")
    page.screenshot(path=str(shot(page, "api-docs").with_name("api-docs-top.png")))  # the first screen
    page.locator("#tag-reports").scroll_into_view_if_needed()
    page.screenshot(path=str(shot(page, "api-docs").with_name("api-docs-reports.png")))
    page.goto(base + reverse("api:report-list"))
    page.wait_for_load_state("networkidle")
    shot(page, "api-browsable")
    assert external == [], external  # every script, style and font is Luoshi's own
