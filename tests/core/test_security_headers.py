"""Every answer carries a Content-Security-Policy without inline script and a Permissions-Policy; every answer
to a logged-in account is `Cache-Control: no-store`; no template holds inline script."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

import luoshi

pytestmark = pytest.mark.django_db
TEMPLATES = sorted(Path(luoshi.__file__).parent.glob("*/templates/**/*.html"))


def _csp_directives(response: Any) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in response["Content-Security-Policy"].split(";") if part.strip()}


def test_it_sends_csp_and_permissions_policy_on_every_page(personas: Any) -> None:
    client = Client()
    login_page = client.get(reverse("login"))
    csp = _csp_directives(login_page)
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["object-src"] == "object-src 'none'" and csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert "camera=()" in login_page["Permissions-Policy"]
    client.force_login(personas.supervisor)
    for name in ("home", "plans:ledger", "api:token", "api:api-root"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "script-src 'self'" in response["Content-Security-Policy"], name
        assert "Permissions-Policy" in response, name


def test_it_tells_browsers_not_to_store_any_page_after_login(personas: Any) -> None:
    client = Client()
    client.force_login(personas.lead_liaison)
    for name in ("home", "reports:my_tasks", "plans:ledger", "api:docs"):
        cache_control = client.get(reverse(name))["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, name
    assert "no-store" in client.get("/api/v1/plans/")["Cache-Control"]
    assert "no-store" in client.get("/api/v1/plans/", HTTP_AUTHORIZATION="")["Cache-Control"]
    # The public pages show nothing of the account and stay publicly cacheable (tests/public/test_views.py).
    assert "no-store" not in client.get(reverse("public:home")).get("Cache-Control", "")


def test_no_template_holds_inline_script() -> None:
    assert TEMPLATES
    for template in TEMPLATES:
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (template, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert "javascript:" not in text, template
