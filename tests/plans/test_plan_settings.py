"""The office sets a plan's reporting cadence, due day, year and publicity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from luoshi.core.errors import DomainError
from luoshi.core.models import AuditEntry
from luoshi.plans.services import plan_configure, plan_import, plan_publish
from tests.conftest import SMALL_PLAN

pytestmark = pytest.mark.django_db


def test_it_sets_quarterly_reporting_before_publication(personas: Any) -> None:
    plan = plan_import(actor=personas.supervisor, data=SMALL_PLAN.encode(), filename="p.txt")
    plan_configure(actor=personas.supervisor, plan=plan, cadence="quarterly", due_day=10, year=2019, is_public=True)
    plan = plan_publish(actor=personas.supervisor, plan=plan)
    periods = list(plan.periods.order_by("start"))
    assert [p.label for p in periods] == ["2019年第一季度", "2019年第二季度", "2019年第三季度", "2019年第四季度"]
    assert periods[0].due_date == dt.date(2019, 4, 10)
    entry = AuditEntry.objects.get(action="plan.configure")
    assert entry.before["cadence"] == "monthly" and entry.after["cadence"] == "quarterly"


@override_settings(LUOSHI_TODAY=dt.date(2019, 6, 15))
def test_after_publication_only_the_due_day_changes_and_only_for_periods_not_yet_due(
        published_plan: Any, personas: Any) -> None:
    with pytest.raises(DomainError):
        plan_configure(actor=personas.supervisor, plan=published_plan, cadence="quarterly", due_day=5, year=2019,
                       is_public=False)
    plan_configure(actor=personas.supervisor, plan=published_plan, cadence="monthly", due_day=12, year=2019,
                   is_public=False)
    dues = {p.label: p.due_date for p in published_plan.periods.all()}
    assert dues["2019年4月"] == dt.date(2019, 5, 5)   # already due: unchanged
    assert dues["2019年6月"] == dt.date(2019, 7, 12)  # not yet due: moved


def test_the_settings_page_is_for_the_office_only(client: Any, published_plan: Any, personas: Any) -> None:
    url = reverse("plans:plan_settings", args=[published_plan.pk])
    data = {"cadence": "monthly", "due_day": "7", "year": "2019", "is_public": "on"}
    for persona in (personas.leader, personas.lead_liaison, personas.outsider):
        client.force_login(persona)
        assert client.post(url, data).status_code == 404
    published_plan.refresh_from_db()
    assert (published_plan.due_day, published_plan.is_public) == (5, False)
    client.force_login(personas.supervisor)
    assert client.post(url, data).status_code == 302
    published_plan.refresh_from_db()
    assert (published_plan.due_day, published_plan.is_public) == (7, True)
    client.post(url, {**data, "due_day": "40"})
    published_plan.refresh_from_db()
    assert published_plan.due_day == 7
