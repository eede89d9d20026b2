"""Login: failed attempts are limited per account and address (django-axes, on every login path), CSRF is
enforced, logout is POST only."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from luoshi.core.models import AuditEntry

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多"


def attempt(client: Client, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_it_locks_an_account_at_the_fifth_failure_with_429_and_a_message(personas: Any, settings: Any) -> None:
    assert settings.LUOSHI_LOGIN_MAX_FAILURES == settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    for _ in range(4):
        response = attempt(client, "kjj", "wrong")
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()
    assert attempt(client, "kjj", "wrong").status_code == 429
    response = attempt(client, "kjj", personas.password)  # even the right password: locked
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not logged_in(client)


def test_it_locks_per_account_and_address(personas: Any) -> None:
    client = Client()
    for _ in range(5):
        attempt(client, "kjj", "wrong")
    assert attempt(client, "KJJ ", personas.password).status_code == 429  # same account, however it is typed
    assert attempt(client, "czj", personas.password).status_code == 302  # another account is not locked
    other = Client()
    assert attempt(other, "kjj", personas.password, address="10.0.0.2").status_code == 302


def test_it_resets_the_count_after_a_successful_login(personas: Any) -> None:
    client = Client()
    for _ in range(4):
        attempt(client, "kjj", "wrong")
    assert attempt(client, "kjj", personas.password).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        assert attempt(client, "kjj", "wrong").status_code == 200
    assert attempt(client, "kjj", "wrong").status_code == 429


def test_it_counts_failures_for_unknown_usernames_and_hostile_input(db: Any) -> None:
    client = Client()
    for _ in range(4):
        assert attempt(client, "' OR 1=1 --", "x" * 5000).status_code == 200
    assert attempt(client, "' OR 1=1 --", "x").status_code == 429
    assert attempt(client, "", "").status_code == 200  # empty form: a form error, no crash


def test_it_throttles_the_admin_login_too(personas: Any) -> None:
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post("/admin/login/", {"username": "admin", "password": personas.password},
                           REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert not logged_in(client)
    # the same lock holds on /login/: one count for the account and address, whichever page was used
    assert attempt(client, "admin", personas.password).status_code == 429


def _age_attempts(minutes: int) -> None:
    when = AccessAttempt.objects.get().attempt_time - dt.timedelta(minutes=minutes)
    AccessAttempt.objects.update(attempt_time=when)


def test_it_keeps_the_lock_for_fifteen_minutes(personas: Any, settings: Any) -> None:
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    client = Client()
    for _ in range(5):
        attempt(client, "kjj", "wrong")
    _age_attempts(14)
    assert attempt(client, "kjj", personas.password).status_code == 429
    _age_attempts(16)  # the failure during the lock restarted the clock: 16 minutes after it
    assert attempt(client, "kjj", personas.password).status_code == 302


def test_it_audits_a_lockout(personas: Any) -> None:
    client = Client()
    for _ in range(5):
        attempt(client, "kjj", "wrong", address="10.9.9.9")
    [entry] = AuditEntry.objects.filter(action="login.lockout")
    assert entry.object_id == str(personas.lead_liaison.pk)
    assert (entry.after["username"], entry.after["ip_address"], entry.after["minutes"]) == ("kjj", "10.9.9.9", 15)


def test_it_reads_the_client_address_from_the_configured_proxy_header(personas: Any, settings: Any) -> None:
    settings.LUOSHI_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.LUOSHI_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    client = Client()
    for _ in range(5):  # the client writes an address of its own choosing in front: not believed
        client.post("/login/", {"username": "kjj", "password": "wrong"}, REMOTE_ADDR=proxy,
                    HTTP_X_FORWARDED_FOR=f"6.6.6.{_}, 203.0.113.7")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    locked = client.post("/login/", {"username": "kjj", "password": personas.password}, REMOTE_ADDR=proxy,
                         HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert locked.status_code == 429
    other = Client().post("/login/", {"username": "kjj", "password": personas.password}, REMOTE_ADDR=proxy,
                          HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.status_code == 302  # another client behind the same proxy is not locked out


def test_it_refuses_a_login_post_without_a_csrf_token(personas: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "kjj", "password": personas.password})
    assert response.status_code == 403
    assert not logged_in(client)


def test_it_accepts_a_login_post_with_the_forms_csrf_token(personas: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = client.post("/login/", {"username": "kjj", "password": personas.password,
                                       "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in(client)


def test_it_does_not_redirect_to_another_site_after_login(personas: Any) -> None:
    client = Client()
    response = client.post("/login/?next=https://evil.example/", {"username": "kjj", "password": personas.password})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_logs_out_only_on_post(personas: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.lead_liaison)
    assert client.get("/logout/").status_code == 405
    assert logged_in(client)
    assert client.post("/logout/").status_code == 403  # a cross-site logout without the token fails too
    assert logged_in(client)
    page = client.get("/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = client.post("/logout/", {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert not logged_in(client)
