"""Sessions: idle timeout, absolute limit, a cookie that dies with the browser, an optional cap per account."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from luoshi.core.models import AuditEntry
from luoshi.orgs.security import SESSION_LOGIN_AT, SESSION_SEEN_AT

pytestmark = pytest.mark.django_db


def log_in(personas: Any, user: Any) -> Client:
    client = Client()
    assert client.post("/login/", {"username": user.username, "password": personas.password}).status_code == 302
    return client


def shift(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def test_it_sends_a_non_persistent_cookie(personas: Any, settings: Any) -> None:
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client = log_in(personas, personas.lead_liaison)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


def test_it_ends_a_session_idle_for_thirty_minutes(personas: Any, settings: Any) -> None:
    assert settings.LUOSHI_SESSION_IDLE_MINUTES == 30
    client = log_in(personas, personas.lead_liaison)
    shift(client, SESSION_SEEN_AT, 29 * 60)
    assert client.get("/").status_code == 200  # and the request counts as activity
    shift(client, SESSION_SEEN_AT, 29 * 60)
    assert client.get("/").status_code == 200
    shift(client, SESSION_SEEN_AT, 31 * 60)
    response = client.get("/plans/ledger/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    assert "_auth_user_id" not in client.session


def test_it_ends_a_session_at_the_absolute_limit_even_when_active(personas: Any, settings: Any) -> None:
    client = log_in(personas, personas.lead_liaison)
    shift(client, SESSION_LOGIN_AT, settings.LUOSHI_SESSION_MAX_HOURS * 3600 + 1)
    assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_keeps_only_the_newest_sessions_when_capped(personas: Any, settings: Any) -> None:
    settings.LUOSHI_MAX_SESSIONS = 1
    first = log_in(personas, personas.lead_liaison)
    assert first.get("/").status_code == 200
    second = log_in(personas, personas.lead_liaison)
    assert second.get("/").status_code == 200
    assert first.get("/").status_code == 302  # logged out by the newer login
    assert AuditEntry.objects.filter(action="user.sessions_ended").count() == 1
    other = log_in(personas, personas.other_liaison)  # other accounts are counted apart
    assert other.get("/").status_code == 200 and second.get("/").status_code == 200


def test_it_leaves_sessions_unlimited_by_default(personas: Any, settings: Any) -> None:
    assert settings.LUOSHI_MAX_SESSIONS == 0
    clients = [log_in(personas, personas.lead_liaison) for _ in range(3)]
    assert [c.get("/").status_code for c in clients] == [200, 200, 200]
