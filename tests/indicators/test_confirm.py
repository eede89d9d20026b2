"""Issue 10: a unit's self-reported figure counts (official series, index, attainment, public pages) only
after the office confirms it; until then the office sees it marked 未确认, and units cannot confirm."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.core.models import AuditEntry
from luoshi.dashboards.selectors import yearly_values
from luoshi.indicators.choices import DataSource
from luoshi.indicators.models import IndicatorTarget, Observation
from luoshi.indicators.selectors import attainment_rows, attainment_rule_for
from luoshi.indicators.services import observation_confirm, observation_record
from tests.indicators.test_self_reports import accepted, mapped

pytestmark = pytest.mark.django_db

__all__ = ["mapped"]


def _actual(target: IndicatorTarget, **kwargs: Any) -> Observation | None:
    [row] = attainment_rows([target], attainment_rule_for(target.plan), **kwargs)
    return row.actual


def test_it_keeps_a_new_self_report_unconfirmed_and_out_of_the_counted_figures(
        personas: Any, published_plan: Any, mapped: IndicatorTarget) -> None:
    accepted(personas, published_plan, 1200)
    obs = Observation.objects.get(source=DataSource.SELF_REPORT)
    assert obs.unconfirmed and obs.confirmed_at is None
    assert _actual(mapped) is None
    assert _actual(mapped, unconfirmed=True) == obs   # the office's own page still shows it, marked
    assert yearly_values([(obs.indicator_id, obs.region_id)], last_year=obs.year) == {}


def test_it_counts_a_self_report_once_the_office_confirms_it(personas: Any, published_plan: Any,
                                                              mapped: IndicatorTarget) -> None:
    accepted(personas, published_plan, 1200)
    obs = Observation.objects.get(source=DataSource.SELF_REPORT)
    confirmed = observation_confirm(actor=personas.supervisor, observation=obs)
    assert not confirmed.unconfirmed and confirmed.confirmed_by == personas.supervisor
    assert _actual(mapped) == obs
    assert yearly_values([(obs.indicator_id, obs.region_id)], last_year=obs.year) == {
        (obs.indicator_id, obs.region_id): {obs.year: 1200}}
    entry = AuditEntry.objects.get(action="observation.confirm", object_id=str(obs.pk))
    assert entry.actor == personas.supervisor and entry.after["confirmed"] is True
    observation_confirm(actor=personas.supervisor, observation=obs)   # again: nothing changes
    assert AuditEntry.objects.filter(action="observation.confirm").count() == 1


def test_it_lets_the_office_confirm_from_the_region_page(client: Client, personas: Any, published_plan: Any,
                                                         mapped: IndicatorTarget) -> None:
    accepted(personas, published_plan, 1200)
    obs = Observation.objects.get(source=DataSource.SELF_REPORT)
    client.force_login(personas.supervisor)
    page = client.get(reverse("indicators:region_detail", args=[obs.region_id])).content.decode()
    url = reverse("indicators:observation_confirm", args=[obs.pk])
    assert "未确认" in page and url in page
    response = client.post(url)
    assert response.status_code == 302
    obs.refresh_from_db()
    assert not obs.unconfirmed
    page = client.get(reverse("indicators:region_detail", args=[obs.region_id])).content.decode()
    assert "未确认" not in page and url not in page


@pytest.mark.parametrize("persona", ["lead_liaison", "lead_head", "leader", "outsider"])
def test_it_refuses_confirmation_to_anyone_but_the_office(client: Client, personas: Any, published_plan: Any,
                                                          mapped: IndicatorTarget, persona: str) -> None:
    accepted(personas, published_plan, 1200)
    obs = Observation.objects.get(source=DataSource.SELF_REPORT)
    audit_before = AuditEntry.objects.changes().count()
    client.force_login(getattr(personas, persona))
    assert client.post(reverse("indicators:observation_confirm", args=[obs.pk])).status_code == 404
    obs.refresh_from_db()
    assert obs.unconfirmed and AuditEntry.objects.changes().count() == audit_before
    assert client.post(reverse("indicators:observation_confirm", args=[10**9])).status_code == 404


def test_it_needs_no_confirmation_for_official_figures(personas: Any, catalogue: Any, regions: Any) -> None:
    obs = observation_record(actor=personas.supervisor, indicator=catalogue["high-tech-enterprises"],
                             region=regions["全市"], year=2018, value=10.0, source=DataSource.OFFICIAL)
    assert not obs.unconfirmed
    audit_before = AuditEntry.objects.changes().count()
    observation_confirm(actor=personas.supervisor, observation=obs)
    assert AuditEntry.objects.changes().count() == audit_before
