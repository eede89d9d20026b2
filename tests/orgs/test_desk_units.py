"""Units and accounts from the plan's mapping step: the office creates a unit for a name the directory lacks,
invites its liaison and head (no password: a one-time link to set one), publishing lists the units without
an account, and units are told of their new duties when the plan is published."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from luoshi.core.models import AuditEntry
from luoshi.orgs.models import Unit, User
from luoshi.plans.models import Plan, TaskUnit
from luoshi.plans.services import plan_import
from luoshi.reports.models import Notification
from tests.conftest import SMALL_PLAN

pytestmark = pytest.mark.django_db

NEW_NAME = "市数据局"


@pytest.fixture
def draft_plan(personas: Any) -> Plan:
    text = SMALL_PLAN.replace("（责任单位：市经信委）", f"（责任单位：{NEW_NAME}）")
    return plan_import(actor=personas.supervisor, data=text.encode(), filename="plan.txt")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_lets_the_office_create_a_unit_from_the_mapping_step(personas: Any, draft_plan: Plan) -> None:
    office = client_for(personas.supervisor)
    detail = office.get(reverse("plans:plan_detail", args=[draft_plan.pk])).content.decode()
    assert reverse("plans:plan_unit_create", args=[draft_plan.pk]) in detail and f"新建单位“{NEW_NAME}”" in detail
    url = reverse("plans:plan_unit_create", args=[draft_plan.pk])
    for user in (personas.lead_liaison, personas.leader):
        assert client_for(user).post(url, {"name": NEW_NAME, "kind": "city_department"}).status_code == 404
    response = office.post(url, {"name": NEW_NAME, "kind": "city_department", "full_name": "大连市数据局"})
    unit = Unit.objects.get(name=NEW_NAME)
    assert response.status_code == 302 and response.url == reverse("orgs:unit_accounts", args=[unit.pk]) + \
        f"?plan={draft_plan.pk}"
    assert (unit.kind, unit.full_name) == ("city_department", "大连市数据局")
    assert TaskUnit.objects.get(task__plan=draft_plan, name=NEW_NAME).unit == unit
    assert AuditEntry.objects.filter(action="unit.create", object_id=str(unit.pk), actor=personas.supervisor).exists()
    assert AuditEntry.objects.filter(action="plan.map_unit").exists()
    # a name the plan does not leave unmapped, or one already in the directory, creates nothing
    before = Unit.objects.count()
    office.post(url, {"name": "市科技局", "kind": "city_department"})
    office.post(url, {"name": "随便一个名字", "kind": "city_department"})
    assert Unit.objects.count() == before


def test_it_invites_a_units_liaison_who_sets_a_password_through_a_one_time_link(
        personas: Any, units: Any, django_capture_on_commit_callbacks: Any) -> None:
    unit = units["市商务局"]
    url = reverse("orgs:unit_accounts", args=[unit.pk])
    for user in (personas.lead_liaison, personas.leader, personas.outsider):
        assert client_for(user).get(url).status_code == 404
    office = client_for(personas.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(url, {"role": "head", "username": "swj_head", "name": "王处长",
                                     "email": "wang@example.org"})
    assert response.status_code == 200
    invited = User.objects.get(username="swj_head")
    assert (invited.role, invited.unit, invited.has_usable_password()) == ("head", unit, False)
    assert AuditEntry.objects.filter(action="user.invite", object_id=str(invited.pk)).exists()
    link = re.search(r'id="invite-link".*?value="([^"]+)"', response.content.decode(), re.S).group(1)
    assert link.startswith("http://testserver/units/set-password/")
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body and mail.outbox[0].to == ["wang@example.org"]
    # first login: set the password through the link, then log in; the link then no longer works
    visitor = Client()
    form_page = visitor.get(link, follow=True)
    assert form_page.context["validlink"]
    new_password = "Shangwu-2019-head"
    done = visitor.post(form_page.redirect_chain[-1][0], {"new_password1": new_password,
                                                          "new_password2": new_password})
    assert done.status_code == 302 and done.url == reverse("login")
    assert Client().login(username="swj_head", password=new_password)
    assert not Client().get(link, follow=True).context["validlink"]
    # a liaison or head only: no office account invited from here
    office.post(url, {"role": "supervisor", "username": "sneaky"})
    assert not User.objects.filter(username="sneaky").exists()


def test_it_lists_the_units_without_accounts_before_and_after_publishing(
        personas: Any, draft_plan: Plan, django_capture_on_commit_callbacks: Any) -> None:
    office = client_for(personas.supervisor)
    office.post(reverse("plans:plan_unit_create", args=[draft_plan.pk]), {"name": NEW_NAME, "kind": "city_department"})
    detail = office.get(reverse("plans:plan_detail", args=[draft_plan.pk])).content.decode()
    section = detail[detail.index('id="no-account"'):]
    section = section[:section.index("</section>")]
    pilot_zones = list(Unit.objects.get(name="各先导区管委会").member_units().values_list("name", flat=True))
    expected = {NEW_NAME, *pilot_zones}
    assert set(re.findall(r'<a href="[^"]+">([^<]+)</a>', section)) == expected
    assert f"{len(expected)} 个责任单位尚无账号" in section
    assert "市科技局" not in section and "市财政局" not in section
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(reverse("plans:plan_publish", args=[draft_plan.pk]), follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith(f"{len(expected)}个责任单位尚无账号") and NEW_NAME in m for m in shown)
    # units with accounts are told of their new duties, once each
    kjj = list(Notification.objects.filter(user=personas.lead_liaison).values_list("text", flat=True))
    assert kjj == ["《大连市2019年科技创新工作要点》已发布，交办贵单位2项任务，请按期报送进展。"]
    assert Notification.objects.filter(user=personas.lead_head).count() == 1
    assert not Notification.objects.filter(user=personas.outsider).exists()
    assert not Notification.objects.filter(user=personas.supervisor).exists()
