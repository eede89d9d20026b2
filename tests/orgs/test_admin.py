"""The account admin saves through the account services: every change is audited, refusals are form errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from luoshi.core.models import AuditEntry
from luoshi.orgs.choices import Role
from luoshi.orgs.models import User
from luoshi.orgs.services import user_create

pytestmark = pytest.mark.django_db

PASSWORD = "Luoshi-admin-2019"
ADD_URL = "/admin/orgs/user/add/"


@pytest.fixture
def admin_client(personas: Any) -> tuple[Client, User]:
    """The system administrator (accounts, units, passwords)."""
    root = user_create(actor=None, username="root", password=PASSWORD, role=Role.ADMIN,
                       password_change_required=False)
    client = Client()
    client.force_login(root)
    return client, root


@pytest.fixture
def security_client(personas: Any) -> tuple[Client, User]:
    """The security administrator (roles, locking, second factors)."""
    client = Client()
    client.force_login(personas.security_admin)
    return client, personas.security_admin


def change_url(user: User) -> str:
    return f"/admin/orgs/user/{user.pk}/change/"


def change_data(user: User, **overrides: Any) -> dict[str, Any]:
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "phone": user.phone, "role": user.role, "unit": user.unit_id or "",
            "is_active": "on" if user.is_active else "", "_save": "1"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v not in ("", None) or k in ("unit", "email")}


def test_it_creates_an_account_through_the_service(admin_client: Any, units: Any) -> None:
    client, root = admin_client
    response = client.post(ADD_URL, {"username": "newkjj", "first_name": "王五", "role": Role.LIAISON,
                                     "unit": units["市科技局"].pk, "usable_password": "true",
                                     "password1": PASSWORD, "password2": PASSWORD, "_save": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="newkjj")
    assert (user.role, user.unit.name, user.first_name) == (Role.LIAISON, "市科技局", "王五")
    assert user.check_password(PASSWORD)
    entry = AuditEntry.objects.get(action="user.create", object_id=str(user.pk))
    assert entry.actor == root
    assert response["Location"].endswith(change_url(user))


def test_it_shows_a_form_error_for_a_liaison_without_a_unit(admin_client: Any) -> None:
    client, _ = admin_client
    response = client.post(ADD_URL, {"username": "nounit", "role": Role.LIAISON, "usable_password": "true",
                                     "password1": PASSWORD, "password2": PASSWORD, "_save": "1"})
    assert response.status_code == 200
    assert "必须属于一个单位" in response.content.decode()
    assert not User.objects.filter(username="nounit").exists()


def test_it_audits_a_role_change_made_in_the_admin(security_client: Any, personas: Any, units: Any) -> None:
    client, root = security_client
    user = personas.lead_liaison
    response = client.post(change_url(user), change_data(user, role=Role.HEAD, unit=units["市财政局"].pk,
                                                         phone="0411-8888"))
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    # the phone is the system administrator's to change: read-only here, so the posted value is ignored
    assert (user.role, user.unit.name, user.phone) == (Role.HEAD, "市财政局", "")
    entry = AuditEntry.objects.get(action="user.set_role", object_id=str(user.pk))
    assert (entry.actor, entry.before["role"], entry.after["role"]) == (root, "liaison", "head")
    assert not AuditEntry.objects.filter(action="user.update", object_id=str(user.pk)).exists()


def test_it_keeps_the_role_read_only_for_the_system_administrator(admin_client: Any, personas: Any) -> None:
    client, _ = admin_client
    user = personas.leader
    response = client.post(change_url(user), change_data(user, role=Role.SUPERVISOR, phone="0411-8888"))
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert (user.role, user.phone) == (Role.LEADER, "0411-8888")


def test_it_refuses_a_unit_for_a_leader_in_the_admin(admin_client: Any, personas: Any, units: Any) -> None:
    client, _ = admin_client
    user = personas.leader
    response = client.post(change_url(user), change_data(user, unit=units["市科技局"].pk))
    assert response.status_code == 200
    assert "不属于任何单位" in response.content.decode()
    user.refresh_from_db()
    assert user.unit is None
    assert not AuditEntry.objects.filter(object_type="orgs.user", object_id=str(user.pk)).exists()


def test_it_deactivates_through_the_service_and_not_oneself(security_client: Any, personas: Any) -> None:
    client, root = security_client
    user = personas.other_liaison
    assert client.post(change_url(user), change_data(user, is_active="")).status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert AuditEntry.objects.filter(action="user.deactivate", object_id=str(user.pk), actor=root).count() == 1
    response = client.post(change_url(root), change_data(root, is_active=""))
    assert response.status_code == 200, response.content.decode()[:3000]
    assert "不能停用自己的账号" in response.content.decode()
    root.refresh_from_db()
    assert root.is_active


def test_it_keeps_non_admin_roles_out_of_the_admin(personas: Any) -> None:
    for user in (personas.supervisor, personas.leader, personas.lead_liaison):
        client = Client()
        client.force_login(user)
        assert client.get(ADD_URL).status_code == 302  # to the admin login: not staff
        assert client.post(ADD_URL, {"username": "sneaky", "role": Role.ADMIN}).status_code == 302
    assert not User.objects.filter(username="sneaky").exists()


def test_it_audits_a_password_reset_in_the_admin_without_the_password(admin_client: Any, personas: Any) -> None:
    client, root = admin_client
    user = personas.lead_liaison
    new_password = "Another-pass-2019"
    url = f"/admin/orgs/user/{user.pk}/password/"
    response = client.post(url, {"password1": new_password, "password2": new_password,
                                 "usable_password": "true", "set-password": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert user.password_change_required  # the administrator knows it: the account must change it
    entry = AuditEntry.objects.get(action="user.set_password", object_id=str(user.pk))
    assert entry.actor == root
    assert new_password not in str(entry.after) and user.password not in str(entry.after)
    bad = client.post(url, {"password1": "x", "password2": "y", "usable_password": "true"})
    assert bad.status_code == 200
    assert AuditEntry.objects.filter(action="user.set_password").count() == 1


def test_it_lets_only_the_system_administrator_reset_a_password(personas: Any) -> None:
    for user in (personas.security_admin, personas.audit_admin):
        client = Client()
        client.force_login(user)
        url = f"/admin/orgs/user/{personas.lead_liaison.pk}/password/"
        assert client.post(url, {"password1": "Another-pass-2019", "password2": "Another-pass-2019",
                                 "usable_password": "true"}).status_code == 403
    assert not AuditEntry.objects.filter(action="user.set_password").exists()


def test_it_shows_each_administrator_only_their_part_of_the_admin(personas: Any) -> None:
    pages = {"/admin/orgs/user/": None, "/admin/orgs/unit/": None, "/admin/core/auditentry/": None,
             "/admin/axes/accessattempt/": None, "/admin/plans/plan/": None, "/admin/reports/report/": None}
    expected = {
        "admin": {"/admin/orgs/user/", "/admin/orgs/unit/"},
        "security_admin": {"/admin/orgs/user/", "/admin/axes/accessattempt/"},
        "audit_admin": {"/admin/core/auditentry/"},
    }
    for persona, allowed in expected.items():
        client = Client()
        client.force_login(getattr(personas, persona))
        seen = {url for url in pages if client.get(url).status_code == 200}
        assert seen == allowed, persona


def test_the_installation_superuser_creates_the_three_administrators(personas: Any) -> None:
    root = User.objects.create_superuser("installer", password=PASSWORD)
    client = Client()
    client.force_login(root)
    for role in (Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        response = client.post(ADD_URL, {"username": f"first-{role}", "role": role, "usable_password": "true",
                                         "password1": PASSWORD, "password2": PASSWORD, "_save": "1"})
        assert response.status_code == 302, response.content.decode()[:2000]
        created = User.objects.get(username=f"first-{role}")
        assert (created.role, created.is_staff, created.is_superuser) == (role, True, False)
        assert created.password_change_required
    other = Client()
    other.force_login(personas.admin)  # an ordinary system administrator may not
    response = other.post(ADD_URL, {"username": "sneaky-admin", "role": Role.SECURITY_ADMIN, "usable_password": "true",
                                    "password1": PASSWORD, "password2": PASSWORD, "_save": "1"})
    assert response.status_code == 200 and not User.objects.filter(username="sneaky-admin").exists()


def test_it_gives_the_installation_superuser_no_more_than_the_system_administrator(db: Any) -> None:
    root = User.objects.create_superuser("installer", password=PASSWORD)
    assert root.role == Role.ADMIN
    client = Client()
    client.force_login(root)
    assert client.get("/admin/orgs/user/").status_code == 200
    assert client.get("/admin/core/auditentry/").status_code == 403  # the audit log is the auditor's
    assert not root.is_office and not root.sees_everything


def test_the_security_administrator_lifts_a_lockout_and_resets_a_second_factor(security_client: Any,
                                                                               personas: Any) -> None:
    from axes.models import AccessAttempt
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client, secadmin = security_client
    locked = Client()
    for _ in range(5):
        locked.post("/login/", {"username": "kjj", "password": "wrong"})
    assert locked.post("/login/", {"username": "kjj", "password": personas.password}).status_code == 429
    attempt = AccessAttempt.objects.get()
    response = client.post("/admin/axes/accessattempt/",
                           {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    entry = AuditEntry.objects.get(action="login.unlock")
    assert (entry.actor, entry.before["username"]) == (secadmin, "kjj")
    assert locked.post("/login/", {"username": "kjj", "password": personas.password}).status_code == 302

    TOTPDevice.objects.create(user=personas.supervisor, name="authenticator", confirmed=True)
    response = client.post("/admin/orgs/user/", {"action": "two_factor_reset",
                                                 "_selected_action": [personas.supervisor.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=personas.supervisor).exists()
    assert AuditEntry.objects.get(action="user.2fa_remove").actor == secadmin
    system = Client()
    system.force_login(personas.admin)  # the action is not the system administrator's
    TOTPDevice.objects.create(user=personas.supervisor, name="authenticator", confirmed=True)
    system.post("/admin/orgs/user/", {"action": "two_factor_reset", "_selected_action": [personas.supervisor.pk]})
    assert TOTPDevice.objects.filter(user=personas.supervisor).exists()


def test_each_administrator_opens_the_account_pages_they_may(personas: Any) -> None:
    user = personas.lead_liaison
    expected = {"admin": (200, 200, 200), "security_admin": (200, 403, 403), "audit_admin": (403, 403, 403)}
    for persona, statuses in expected.items():
        client = Client()
        client.force_login(getattr(personas, persona))
        got = (client.get(change_url(user)).status_code, client.get(ADD_URL).status_code,
               client.get(f"/admin/orgs/user/{user.pk}/password/").status_code)
        assert got == statuses, persona
