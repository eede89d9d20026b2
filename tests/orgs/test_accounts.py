"""Account services: create, change role/unit, deactivate, update — each refused clearly or audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import authenticate

from luoshi.core.errors import DomainError
from luoshi.core.models import AuditEntry
from luoshi.orgs.choices import Role
from luoshi.orgs.models import User
from luoshi.orgs.services import user_create, user_deactivate, user_set_role, user_update

pytestmark = pytest.mark.django_db

PASSWORD = "Luoshi-accounts-2019"


def audit_for(user: User, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type="orgs.user", object_id=str(user.pk), action=action)
                .order_by("pk"))


def test_it_creates_a_liaison_of_a_unit_and_audits_it(personas: Any, units: Any) -> None:
    user = user_create(actor=personas.admin, username="kjj2", password=PASSWORD, role=Role.LIAISON,
                       unit=units["市科技局"], first_name="张三")
    user.refresh_from_db()
    assert (user.role, user.unit.name, user.is_staff, user.is_superuser) == (Role.LIAISON, "市科技局", False, False)
    assert authenticate(username="kjj2", password=PASSWORD) == user
    assert user.password_change_required  # the administrator chose the password: changed at first login
    [entry] = audit_for(user, "user.create")
    assert entry.actor == personas.admin
    assert entry.before is None
    assert entry.after["role"] == "liaison"
    assert entry.after["unit"] == units["市科技局"].pk
    assert entry.after["unit_name"] == "市科技局"
    assert "password" not in entry.after


@pytest.mark.parametrize("role", [Role.LIAISON, Role.HEAD])
def test_it_refuses_a_unit_role_without_a_unit(personas: Any, role: str) -> None:
    with pytest.raises(DomainError) as caught:
        user_create(actor=personas.admin, username="nobody", password=PASSWORD, role=role, unit=None)
    assert caught.value.code == "unit_required"
    assert "必须属于一个单位" in caught.value.message
    assert not User.objects.filter(username="nobody").exists()
    assert not AuditEntry.objects.filter(action="user.create").exists()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.LEADER, Role.ADMIN])
def test_it_refuses_a_unit_for_office_leader_and_admin_roles(personas: Any, units: Any, role: str) -> None:
    with pytest.raises(DomainError) as caught:
        user_create(actor=personas.admin, username="x1", password=PASSWORD, role=role, unit=units["市科技局"])
    assert caught.value.code == "unit_not_allowed"
    assert not User.objects.filter(username="x1").exists()


def test_it_refuses_a_group_of_units_as_an_accounts_unit(personas: Any, units: Any) -> None:
    with pytest.raises(DomainError) as caught:
        user_create(actor=personas.admin, username="x2", password=PASSWORD, role=Role.LIAISON,
                    unit=units["各先导区管委会"])
    assert caught.value.code == "unit_is_group"


@pytest.mark.parametrize("username", ["KJJ", " kjj ", ""])
def test_it_refuses_a_taken_or_empty_username(personas: Any, units: Any, username: str) -> None:
    before = User.objects.count()
    with pytest.raises(DomainError):
        user_create(actor=personas.admin, username=username, password=PASSWORD, role=Role.LIAISON,
                    unit=units["市科技局"])
    assert User.objects.count() == before


@pytest.mark.parametrize("password", ["12345678", "password", "short"])
def test_it_refuses_a_weak_password(personas: Any, password: str) -> None:
    with pytest.raises(DomainError) as caught:
        user_create(actor=personas.admin, username="weak", password=password, role=Role.LEADER)
    assert caught.value.code == "weak_password"
    assert not User.objects.filter(username="weak").exists()


def test_it_refuses_an_unknown_role_and_a_hostile_username(personas: Any) -> None:
    with pytest.raises(DomainError):
        user_create(actor=personas.admin, username="x3", password=PASSWORD, role="root")
    with pytest.raises(DomainError):
        user_create(actor=personas.admin, username="<script>alert(1)</script>", password=PASSWORD, role=Role.LEADER)
    assert not User.objects.filter(username__in=["x3", "<script>alert(1)</script>"]).exists()


def test_it_makes_the_admin_roles_staff_and_nobody_a_superuser(personas: Any) -> None:
    admin = user_create(actor=None, username="root2", password=None, role=Role.ADMIN)
    assert admin.is_staff and not admin.is_superuser
    assert not admin.has_usable_password()
    user_set_role(actor=personas.security_admin, user=admin, role=Role.LEADER, unit=None)
    admin.refresh_from_db()
    assert (admin.role, admin.is_staff, admin.is_superuser) == (Role.LEADER, False, False)


def test_it_moves_a_liaison_to_another_unit_with_before_and_after(personas: Any, units: Any) -> None:
    user = personas.lead_liaison
    user_set_role(actor=personas.security_admin, user=user, role=Role.HEAD, unit=units["市财政局"])
    user.refresh_from_db()
    assert (user.role, user.unit.name) == (Role.HEAD, "市财政局")
    [entry] = audit_for(user, "user.set_role")
    assert (entry.before["role"], entry.before["unit_name"]) == ("liaison", "市科技局")
    assert (entry.after["role"], entry.after["unit_name"]) == ("head", "市财政局")
    assert entry.actor == personas.security_admin


def test_it_refuses_to_make_a_head_a_leader_while_keeping_the_unit(personas: Any, units: Any) -> None:
    user = personas.lead_head
    with pytest.raises(DomainError):
        user_set_role(actor=personas.security_admin, user=user, role=Role.LEADER, unit=user.unit)
    with pytest.raises(DomainError):
        user_set_role(actor=personas.security_admin, user=user, role=Role.LIAISON, unit=None)
    user.refresh_from_db()
    assert (user.role, user.unit.name) == (Role.HEAD, "市科技局")
    assert not audit_for(user, "user.set_role")
    user_set_role(actor=personas.security_admin, user=user, role=Role.LEADER, unit=None)
    user.refresh_from_db()
    assert (user.role, user.unit) == (Role.LEADER, None)


def test_it_writes_no_audit_row_when_nothing_changes(personas: Any) -> None:
    user = personas.lead_liaison
    user_set_role(actor=personas.admin, user=user, role=user.role, unit=user.unit)
    assert not audit_for(user, "user.set_role")


def test_it_refuses_to_change_ones_own_role_or_deactivate_oneself(personas: Any) -> None:
    me = personas.security_admin
    with pytest.raises(DomainError) as caught:
        user_set_role(actor=me, user=me, role=Role.LEADER, unit=None)
    assert caught.value.code == "own_role"
    with pytest.raises(DomainError) as caught:
        user_deactivate(actor=me, user=me)
    assert caught.value.code == "own_account"
    me.refresh_from_db()
    assert me.is_active and me.role == Role.SECURITY_ADMIN


def test_it_deactivates_an_account_once_and_it_can_no_longer_log_in(personas: Any) -> None:
    user = personas.other_liaison
    assert authenticate(username=user.username, password=personas.password) == user
    user_deactivate(actor=personas.security_admin, user=user)
    user_deactivate(actor=personas.security_admin, user=user)
    user.refresh_from_db()
    assert not user.is_active
    assert authenticate(username=user.username, password=personas.password) is None
    [entry] = audit_for(user, "user.deactivate")
    assert (entry.before["is_active"], entry.after["is_active"]) == (True, False)
    assert User.objects.filter(pk=user.pk).exists()  # never deleted: its reports keep their author


def test_it_updates_the_profile_and_reactivates_but_not_the_role(personas: Any) -> None:
    user = personas.other_liaison
    user_deactivate(actor=personas.security_admin, user=user)
    user_update(actor=personas.security_admin, user=user, changes={"is_active": True})
    changes = {"first_name": "李四", "phone": "0411-1234"}
    user_update(actor=personas.admin, user=user, changes=changes)
    user.refresh_from_db()
    assert (user.first_name, user.phone, user.is_active) == ("李四", "0411-1234", True)
    unlock, entry = audit_for(user, "user.update")
    assert (unlock.actor, unlock.after["is_active"]) == (personas.security_admin, True)
    assert (entry.before["first_name"], entry.after["first_name"]) == ("jxw", "李四")
    for forbidden in ({"role": Role.ADMIN}, {"is_superuser": True}, {"unit": None}, {"is_active": False},
                      {"password": "x"}):
        with pytest.raises(DomainError):
            user_update(actor=personas.admin, user=user, changes=forbidden)
    user.refresh_from_db()
    assert (user.role, user.is_superuser, user.is_active) == (Role.LIAISON, False, True)


def test_it_refuses_to_rename_onto_a_taken_username(personas: Any) -> None:
    with pytest.raises(DomainError):
        user_update(actor=personas.admin, user=personas.other_liaison, changes={"username": "KJJ"})
    personas.other_liaison.refresh_from_db()
    assert personas.other_liaison.username == "jxw"


# 三员分立: each administrator role does its own part of account management and nothing of the others'.

def test_it_lets_only_the_system_administrator_create_accounts(personas: Any, units: Any) -> None:
    for actor in (personas.security_admin, personas.audit_admin, personas.supervisor, personas.leader):
        with pytest.raises(DomainError) as caught:
            user_create(actor=actor, username="x9", password=PASSWORD, role=Role.LEADER)
        assert caught.value.code == "forbidden"
    assert not User.objects.filter(username="x9").exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_it_lets_no_administrator_create_another_administrator(personas: Any, role: str) -> None:
    with pytest.raises(DomainError) as caught:
        user_create(actor=personas.admin, username="x10", password=PASSWORD, role=role)
    assert caught.value.code == "forbidden"


def test_it_lets_only_the_security_administrator_change_roles(personas: Any) -> None:
    user = personas.leader
    for actor in (personas.admin, personas.audit_admin, personas.supervisor):
        with pytest.raises(DomainError) as caught:
            user_set_role(actor=actor, user=user, role=Role.SUPERVISOR, unit=None)
        assert caught.value.code == "forbidden"
    user_set_role(actor=personas.security_admin, user=user, role=Role.AUDIT_ADMIN, unit=None)
    user.refresh_from_db()
    assert (user.role, user.is_staff, user.is_superuser) == (Role.AUDIT_ADMIN, True, False)
    [entry] = audit_for(user, "user.set_role")
    assert (entry.actor, entry.before["role"], entry.after["role"]) == (
        personas.security_admin, "leader", "audit_admin")


def test_it_lets_only_the_security_administrator_lock_and_unlock(personas: Any) -> None:
    user = personas.other_liaison
    for actor in (personas.admin, personas.audit_admin):
        with pytest.raises(DomainError):
            user_deactivate(actor=actor, user=user)
    user_deactivate(actor=personas.security_admin, user=user)
    with pytest.raises(DomainError):
        user_update(actor=personas.admin, user=user, changes={"is_active": True})
    user.refresh_from_db()
    assert not user.is_active


def test_it_lets_only_the_system_administrator_edit_profiles_and_units(personas: Any, units: Any) -> None:
    user = personas.other_liaison
    for actor in (personas.security_admin, personas.audit_admin):
        with pytest.raises(DomainError):
            user_update(actor=actor, user=user, changes={"phone": "1"})
        with pytest.raises(DomainError):
            user_set_role(actor=actor, user=user, role=user.role, unit=units["市科技局"])
    user_set_role(actor=personas.admin, user=user, role=user.role, unit=units["市科技局"])
    user.refresh_from_db()
    assert user.unit.name == "市科技局"
