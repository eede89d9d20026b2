"""API tokens: stored as a SHA-256 only, expiring, scoped (a read token cannot write), revocable by their
owner and the system administrator, and by nobody else."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from luoshi.api.models import ApiToken, TokenScope
from luoshi.api.services import api_token_issue, api_token_revoke
from luoshi.core.errors import DomainError
from luoshi.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_it_stores_only_a_hash_of_the_key(personas: Any) -> None:
    token = api_token_issue(actor=personas.lead_liaison, user=personas.lead_liaison)
    key = token.key  # type: ignore[attr-defined]
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest() and key.startswith(stored.prefix + ".")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        assert key not in repr(cursor.fetchall())
    entry = AuditEntry.objects.filter(action="api_token.issue").latest("id")
    assert key not in repr(entry.after) and entry.after["prefix"] == stored.prefix  # type: ignore[index]
    assert _client(key).get("/api/v1/me/").json()["username"] == "kjj"
    assert _client(stored.key_hash).get("/api/v1/me/").status_code == 401  # the hash is no key


def test_it_refuses_an_expired_token(personas: Any, settings: Any) -> None:
    settings.LUOSHI_API_TOKEN_DAYS = 30
    token = api_token_issue(actor=personas.lead_liaison, user=personas.lead_liaison)
    assert token.expires_at - timezone.now() > dt.timedelta(days=29)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _client(token.key).get("/api/v1/me/")  # type: ignore[attr-defined]
    assert response.status_code == 401 and response.json()["detail"] == "令牌已过期"


def test_a_read_token_reads_but_never_writes(personas: Any, published_plan: Any) -> None:
    read = api_token_issue(actor=personas.supervisor, user=personas.supervisor, scope=TokenScope.READ)
    client = _client(read.key)  # type: ignore[attr-defined]
    assert client.get("/api/v1/plans/").status_code == 200
    response = client.post("/api/v1/reports/", {}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "read_only_token"
    write = api_token_issue(actor=personas.supervisor, user=personas.supervisor, scope=TokenScope.READ_WRITE)
    assert _client(write.key).post("/api/v1/reports/", {}, format="json").status_code == 400  # type: ignore[attr-defined]


def test_it_lets_the_owner_and_the_system_administrator_revoke_and_nobody_else(personas: Any) -> None:
    token = api_token_issue(actor=personas.lead_liaison, user=personas.lead_liaison)
    with pytest.raises(DomainError):
        api_token_revoke(actor=personas.supervisor, user=personas.lead_liaison)
    assert _client(token.key).get("/api/v1/me/").status_code == 200  # type: ignore[attr-defined]
    assert api_token_revoke(actor=personas.admin, user=personas.lead_liaison)
    revoked = ApiToken.objects.get(pk=token.pk)
    assert revoked.revoked_by == personas.admin and revoked.revoked_at is not None
    response = _client(token.key).get("/api/v1/me/")  # type: ignore[attr-defined]
    assert response.status_code == 401 and response.json()["detail"] == "令牌已撤销"

    again = api_token_issue(actor=personas.lead_liaison, user=personas.lead_liaison)
    client = Client()
    client.force_login(personas.lead_liaison)
    client.post(reverse("api:token"), {"action": "revoke"})
    assert _client(again.key).get("/api/v1/me/").status_code == 401  # type: ignore[attr-defined]


def test_the_system_administrator_revokes_in_the_admin(personas: Any) -> None:
    token = api_token_issue(actor=personas.lead_liaison, user=personas.lead_liaison)
    client = Client()
    client.force_login(personas.admin)
    response = client.post(reverse("admin:api_apitoken_changelist"),
                           {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=personas.admin).exists()


def test_the_token_page_issues_a_read_token_unless_asked(personas: Any) -> None:
    client = Client()
    client.force_login(personas.lead_liaison)
    client.post(reverse("api:token"), {"action": "issue"})
    assert ApiToken.objects.get(user=personas.lead_liaison, revoked_at=None).scope == TokenScope.READ
    client.post(reverse("api:token"), {"action": "issue", "scope": "read_write"})
    assert ApiToken.objects.get(user=personas.lead_liaison, revoked_at=None).scope == TokenScope.READ_WRITE
