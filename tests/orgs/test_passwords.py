"""Password policy: complexity, no reuse of the last five, expiry, forced change, changing one's own."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from luoshi.core.models import AuditEntry
from luoshi.orgs.choices import Role
from luoshi.orgs.models import PasswordHistory, User
from luoshi.orgs.services import user_create

pytestmark = pytest.mark.django_db

CHANGE_URL = "/account/password/"


@pytest.mark.parametrize("password", ["xkcdxkcd", "qqqqqqqq1", "abcdefghij", "abcdefgh12", "Abc-12"])
def test_it_refuses_weak_passwords(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Luoshi-2019-x", "tiger Lily 9x", "Dalian2018Plan", "督查-Plan-2019"])
def test_it_accepts_ten_characters_of_three_classes(password: str) -> None:
    validate_password(password)


def change(client: Client, old: str, new: str) -> Any:
    return client.post(CHANGE_URL, {"old_password": old, "new_password1": new, "new_password2": new})


def test_it_lets_an_account_change_its_own_password_and_audits_it(personas: Any) -> None:
    client = Client()
    client.force_login(personas.lead_liaison)
    assert client.get(CHANGE_URL).status_code == 200
    response = change(client, personas.password, "Newer-pass-2020")
    assert response.status_code == 302
    user = User.objects.get(pk=personas.lead_liaison.pk)
    assert user.check_password("Newer-pass-2020")
    assert client.get("/").status_code == 200  # still logged in on this session
    entry = AuditEntry.objects.get(action="user.password_change")
    assert entry.actor == user and "Newer-pass-2020" not in str(entry.after)


def test_it_refuses_the_last_five_passwords(personas: Any) -> None:
    client = Client()
    client.force_login(personas.lead_liaison)
    passwords = [personas.password] + [f"Rotation-{n}-pass" for n in range(1, 6)]
    for old, new in itertools.pairwise(passwords):
        assert change(client, old, new).status_code == 302, new
    current = passwords[-1]
    for reused in passwords[1:]:  # the last five, the current one included
        response = change(client, current, reused)
        assert response.status_code == 200, reused
        assert "不能使用最近用过的5个密码" in response.content.decode()
    assert change(client, current, passwords[0]).status_code == 302  # the sixth back is allowed again
    assert PasswordHistory.objects.filter(user=personas.lead_liaison).count() == 5


def test_it_forces_a_change_at_first_login_of_an_account_an_administrator_created(personas: Any) -> None:
    user_create(actor=personas.admin, username="newcomer", password="Chosen-by-admin-1", role=Role.LEADER)
    client = Client()
    response = client.post("/login/", {"username": "newcomer", "password": "Chosen-by-admin-1"})
    assert response.status_code == 302
    for url in ("/", "/plans/ledger/", "/account/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, CHANGE_URL), url
    assert "请先修改密码" in client.get(CHANGE_URL).content.decode()
    assert change(client, "Chosen-by-admin-1", "Mine-and-only-2020").status_code == 302
    assert client.get("/").status_code == 200
    assert not User.objects.get(username="newcomer").password_change_required


def test_it_forces_a_change_once_the_password_is_older_than_the_maximum_age(personas: Any, settings: Any) -> None:
    assert settings.LUOSHI_PASSWORD_MAX_AGE_DAYS == 90
    user = personas.leader
    client = Client()
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=89))
    assert client.get("/").status_code == 200
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, CHANGE_URL)
    settings.LUOSHI_PASSWORD_MAX_AGE_DAYS = 0  # 0: passwords do not expire
    assert client.get("/").status_code == 200


def test_it_answers_the_api_with_json_while_a_change_is_owed(personas: Any) -> None:
    User.objects.filter(pk=personas.leader.pk).update(password_change_required=True)
    client = Client()
    client.force_login(personas.leader)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["code"] == "account_policy"
