"""三员分立: the administrators and the installation superuser never act as the office or read business data."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.core.errors import DomainError
from luoshi.orgs.choices import ADMIN_ROLES, Role
from luoshi.orgs.models import User
from luoshi.reports import services
from luoshi.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted_report(personas: Any, published_plan: Any) -> Report:
    from luoshi.plans.models import Assignment

    lead = Assignment.objects.get(task__plan=published_plan, task__key="二/(一)/1", unit__name="市科技局")
    period = published_plan.periods.order_by("start").first()
    report = services.report_save(actor=personas.lead_liaison, assignment=lead, period=period, version=None,
                                  progress="on_track", narrative="已启动。")
    return services.report_submit(actor=personas.lead_head, report=report, version=report.version)


def test_the_installation_superuser_cannot_accept_a_report(personas: Any, submitted_report: Report) -> None:
    root = User.objects.create_superuser("installer", password=personas.password)
    for actor in (root, personas.admin, personas.security_admin, personas.audit_admin):
        assert not actor.is_office and not actor.sees_everything
        with pytest.raises(DomainError):
            services.report_accept(actor=actor, report=submitted_report, version=submitted_report.version)
        client = Client()
        client.force_login(actor)
        response = client.post(reverse("reports:report_accept", args=[submitted_report.pk]),
                               {"version": submitted_report.version})
        assert response.status_code == 404
        assert client.get(reverse("plans:review_queue")).status_code == 404
    submitted_report.refresh_from_db()
    assert submitted_report.status == "submitted"


def test_every_account_holds_exactly_one_role_and_admin_roles_no_business_role(personas: Any) -> None:
    for role in ADMIN_ROLES:
        user = User(role=role)
        assert user.is_administrator and not (user.is_office or user.is_unit_user or user.sees_everything)
    assert not User(role=Role.SUPERVISOR).is_administrator
    # one role field: holding two administrator roles cannot be expressed
    assert [f.name for f in User._meta.get_fields() if f.name == "role"] == ["role"]
    assert not User._meta.get_field("groups").remote_field.model.objects.exists()


def test_admin_permissions_come_from_the_role_not_the_superuser_flag_or_groups(personas: Any) -> None:
    from django.contrib.auth.models import Group, Permission

    auditor = personas.audit_admin
    group = Group.objects.create(name="everything")
    group.permissions.set(Permission.objects.all())
    auditor.groups.add(group)
    User.objects.filter(pk=auditor.pk).update(is_superuser=True)
    auditor = User.objects.get(pk=auditor.pk)
    assert auditor.has_perm("core.view_auditentry")
    assert not auditor.has_perm("orgs.change_user") and not auditor.has_perm("reports.change_report")
    assert not personas.supervisor.has_module_perms("orgs")


def test_only_the_security_administrator_reads_the_security_policy_page(personas: Any) -> None:
    for persona in ("admin", "audit_admin", "supervisor", "lead_liaison"):
        client = Client()
        client.force_login(getattr(personas, persona))
        assert client.get("/account/policy/").status_code == 404, persona
    client = Client()
    client.force_login(personas.security_admin)
    page = client.get("/account/policy/").content.decode()
    assert "LUOSHI_PASSWORD_MAX_AGE_DAYS" in page and "<td>90</td>" in page and "<td>15</td>" in page
