"""Login: failed attempts are limited per account and address, CSRF is enforced, logout is POST only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多"


def attempt(client: Client, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_it_locks_an_account_after_five_failures_with_429_and_a_message(personas: Any, settings: Any) -> None:
    assert settings.LUOSHI_LOGIN_MAX_FAILURES == 5
    client = Client()
    for _ in range(5):
        response = attempt(client, "kjj", "wrong")
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()
    response = attempt(client, "kjj", personas.password)  # even the right password: locked
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not logged_in(client)


def test_it_locks_per_account_and_address(personas: Any) -> None:
    client = Client()
    for _ in range(5):
        attempt(client, "kjj", "wrong")
    assert attempt(client, "KJJ ", "wrong").status_code == 429  # same account, however it is typed
    assert attempt(client, "czj", personas.password).status_code == 302  # another account is not locked
    other = Client()
    assert attempt(other, "kjj", personas.password, address="10.0.0.2").status_code == 302


def test_it_resets_the_count_after_a_successful_login(personas: Any) -> None:
    client = Client()
    for _ in range(4):
        attempt(client, "kjj", "wrong")
    assert attempt(client, "kjj", personas.password).status_code == 302
    client.post("/logout/")
    for _ in range(5):
        assert attempt(client, "kjj", "wrong").status_code == 200
    assert attempt(client, "kjj", "wrong").status_code == 429


def test_it_counts_failures_for_unknown_usernames_and_hostile_input(db: Any) -> None:
    client = Client()
    for _ in range(5):
        assert attempt(client, "' OR 1=1 --", "x" * 5000).status_code == 200
    assert attempt(client, "' OR 1=1 --", "x").status_code == 429
    assert attempt(client, "", "").status_code == 200  # empty form: a form error, no crash


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
