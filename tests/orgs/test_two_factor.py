"""Second factor (TOTP + recovery codes): required for administrators and the office, optional for others.

The test settings switch LUOSHI_2FA_REQUIRED off for the rest of the suite; these tests switch it on.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from luoshi.core.models import AuditEntry
from luoshi.orgs.security import two_factor_remove
from tests.conftest import login_verified, totp_now

pytestmark = pytest.mark.django_db

SETUP, VERIFY = "/account/2fa/setup/", "/account/2fa/verify/"


@pytest.fixture(autouse=True)
def required(settings: Any) -> None:
    settings.LUOSHI_2FA_REQUIRED = True


def log_in(user: Any, password: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": user.username, "password": password}).status_code == 302
    return client


@pytest.mark.parametrize("persona", ["supervisor", "admin", "security_admin", "audit_admin"])
def test_it_sends_the_office_and_administrators_to_set_up_a_second_factor(personas: Any, persona: str) -> None:
    client = log_in(getattr(personas, persona), personas.password)
    for url in ("/", "/plans/review-queue/", "/admin/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, SETUP), url
    assert client.get(SETUP).status_code == 200


def test_it_leaves_it_optional_for_unit_accounts_and_leaders(personas: Any) -> None:
    for user in (personas.lead_liaison, personas.leader):
        assert log_in(user, personas.password).get("/").status_code == 200


def test_it_enrols_with_a_code_shows_recovery_codes_once_and_audits(personas: Any) -> None:
    user = personas.supervisor
    client = log_in(user, personas.password)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(SETUP, {"token": "000000" if totp_now(device) != "000000" else "111111"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    response = client.post(SETUP, {"token": totp_now(device)})
    assert response.status_code == 200
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    assert client.get("/").status_code == 200  # this session is verified
    entry = AuditEntry.objects.get(action="user.2fa_enrol")
    assert entry.actor == user and not any(code in str(entry.after) for code in codes)


def test_it_asks_for_the_code_at_every_login_once_enrolled(personas: Any) -> None:
    user = personas.supervisor
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client = log_in(user, personas.password)
    response = client.get("/plans/ledger/")
    assert (response.status_code, response["Location"]) == (302, VERIFY)
    wrong = "000000" if totp_now(device) != "000000" else "111111"
    assert client.post(VERIFY, {"token": wrong}).status_code == 200
    assert AuditEntry.objects.filter(action="user.2fa_failed", actor=user).count() == 1
    assert client.get("/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp makes each next try wait longer
    device.throttle_reset()
    assert client.post(VERIFY, {"token": totp_now(device)}).status_code == 302
    assert client.get("/").status_code == 200


def test_it_lets_a_recovery_code_stand_in_once(personas: Any) -> None:
    from luoshi.orgs.security import _recovery_codes_replace

    user = personas.admin
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    code = _recovery_codes_replace(user)[0]
    client = log_in(user, personas.password)
    assert client.post(VERIFY, {"token": code}).status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.get(action="user.2fa_recovery_code_used").after == {"recovery_codes_left": 9}
    again = log_in(user, personas.password)
    assert again.post(VERIFY, {"token": code}).status_code == 200  # used up
    assert again.get("/").status_code == 302


def test_it_asks_an_enrolled_unit_account_too(personas: Any) -> None:
    TOTPDevice.objects.create(user=personas.lead_liaison, name="authenticator", confirmed=True)
    client = log_in(personas.lead_liaison, personas.password)
    assert client.get("/")["Location"] == VERIFY


def test_it_asks_for_the_code_after_the_admin_login_too(personas: Any) -> None:
    TOTPDevice.objects.create(user=personas.admin, name="authenticator", confirmed=True)
    client = Client()
    client.post("/admin/login/", {"username": "admin", "password": personas.password})
    assert client.get("/admin/orgs/user/")["Location"] == VERIFY


def test_it_lets_only_the_security_administrator_reset_another_accounts_factor(personas: Any) -> None:
    from luoshi.core.errors import DomainError

    TOTPDevice.objects.create(user=personas.supervisor, name="authenticator", confirmed=True)
    for actor in (personas.admin, personas.audit_admin, personas.supervisor):
        with pytest.raises(DomainError):
            two_factor_remove(actor=actor, user=personas.supervisor)  # the office may not drop its own either
    assert two_factor_remove(actor=personas.security_admin, user=personas.supervisor)
    assert not TOTPDevice.objects.filter(user=personas.supervisor).exists()
    entry = AuditEntry.objects.get(action="user.2fa_remove")
    assert entry.actor == personas.security_admin


def test_the_test_helper_logs_in_with_a_verified_device(personas: Any) -> None:
    client = Client()
    login_verified(client, personas.supervisor)
    assert client.get("/").status_code == 200
