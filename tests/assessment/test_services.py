"""Services: versions, optimistic locking, freezing on publication, adjustments, appeals; audit rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

from luoshi.assessment import services
from luoshi.assessment.choices import AppealStatus, RubricStatus
from luoshi.assessment.models import Rubric, Score
from luoshi.core.errors import DomainError, StaleUpdate
from luoshi.core.models import AuditEntry
from luoshi.reports.choices import ReminderKind
from luoshi.reports.models import Reminder

from .builders import AS_OF, Scenario, evidence, scenario

pytestmark = pytest.mark.django_db
TODAY = override_settings(LUOSHI_TODAY=AS_OF)


@pytest.fixture
def year(published_plan: Any, personas: Any) -> Scenario:
    return scenario(published_plan, personas)


def _draft(personas: Any) -> Rubric:
    return services.rubric_create(actor=personas.supervisor, year=2019, unit_group="departments")


def _published(personas: Any) -> Rubric:
    with TODAY:
        return services.rubric_publish(actor=personas.supervisor, rubric=_draft(personas))


def _score(rubric: Rubric, unit: str) -> Score:
    found: Score = Score.objects.get(rubric=rubric, unit__name=unit)
    return found


def test_it_numbers_versions_and_starts_from_the_latest(personas: Any) -> None:
    first = _draft(personas)
    services.rubric_update(actor=personas.supervisor, rubric=first, revision=first.revision,
                           values={"weight_completion": Decimal("50")})
    second = _draft(personas)
    assert (first.version, second.version) == (1, 2)
    assert second.weight_completion == Decimal("50")
    assert AuditEntry.objects.filter(action="rubric.create").count() == 2
    update = AuditEntry.objects.get(action="rubric.update")
    assert (update.before["weight_completion"], update.after["weight_completion"]) == ("40.00", "50")


def test_it_refuses_a_stale_revision_and_non_office_actors(personas: Any) -> None:
    rubric = _draft(personas)
    services.rubric_update(actor=personas.supervisor, rubric=rubric, revision=1, values={"per_return": Decimal(2)})
    with pytest.raises(StaleUpdate):
        services.rubric_update(actor=personas.supervisor, rubric=rubric, revision=1,
                               values={"per_return": Decimal(3)})
    for actor in (personas.leader, personas.lead_liaison):
        with pytest.raises(DomainError):
            services.rubric_update(actor=actor, rubric=rubric, revision=2, values={"per_return": Decimal(3)})
    rubric.refresh_from_db()
    assert rubric.per_return == Decimal("2.00")


def test_it_stores_the_published_scores_with_their_trace_and_freezes_the_rubric(
        year: Scenario, personas: Any) -> None:
    rubric = _published(personas)
    assert rubric.status == RubricStatus.PUBLISHED
    assert rubric.appeal_deadline == dt.date(2020, 1, 25)
    kjj = _score(rubric, "市科技局")
    assert (kjj.total, kjj.rank, kjj.components["timeliness"]) == (Decimal("61.75"), 2, "12.50")
    assert any(e["key"] == year.kjj_item4_nov_key and e["points"] == "-6.2500" for e in kjj.trace)
    assert AuditEntry.objects.filter(action="rubric.publish", object_id=str(rubric.pk)).exists()
    with pytest.raises(DomainError, match="冻结"):
        services.rubric_update(actor=personas.supervisor, rubric=rubric, revision=rubric.revision,
                               values={"weight_completion": Decimal(1)})
    with pytest.raises(DomainError, match="冻结"):
        services.adjustment_add(actor=personas.supervisor, rubric=rubric, unit=kjj.unit, kind="bonus",
                                points=Decimal(1), reason="x")
    # later supervision data does not move a published result
    Reminder.objects.create(assignment=year.kjj_item1, period=year.october, kind=ReminderKind.MANUAL)
    assert _score(rubric, "市科技局").total == Decimal("61.75")


def test_it_supersedes_the_previous_published_version(year: Scenario, personas: Any) -> None:
    old = _published(personas)
    new = _draft(personas)
    with TODAY:
        services.rubric_publish(actor=personas.supervisor, rubric=new)
    old.refresh_from_db()
    assert old.status == RubricStatus.SUPERSEDED
    assert AuditEntry.objects.filter(action="rubric.supersede", object_id=str(old.pk)).exists()


def test_it_adds_adjustments_only_for_assessed_units_with_a_reason(year: Scenario, personas: Any,
                                                                   units: Any) -> None:
    rubric = _draft(personas)
    with pytest.raises(DomainError):
        services.adjustment_add(actor=personas.supervisor, rubric=rubric, unit=units["高新区管委会"], kind="bonus",
                                points=Decimal(1), reason="不在本组")
    with pytest.raises(DomainError):
        services.adjustment_add(actor=personas.supervisor, rubric=rubric, unit=units["市经信委"], kind="bonus",
                                points=Decimal(1), reason="  ")
    services.adjustment_add(actor=personas.supervisor, rubric=rubric, unit=units["市经信委"], kind="bonus",
                            points=Decimal(30), reason="获国家级表彰")
    with TODAY:
        services.rubric_publish(actor=personas.supervisor, rubric=rubric)
    jxw = _score(rubric, "市经信委")
    assert (jxw.total, jxw.components["adjustments"]) == (Decimal("48.00"), "30.00")
    assert AuditEntry.objects.filter(action="assessment.adjustment_add").count() == 1


def test_it_reverses_an_appealed_deduction_and_ranks_move(year: Scenario, personas: Any, units: Any) -> None:
    """市经信委 gets +42 (60) and 市科技局 −5 (56.75): ranks 2 and 3. Reversing the −5 gives 61.75 and rank 2."""
    rubric = _draft(personas)
    services.adjustment_add(actor=personas.supervisor, rubric=rubric, unit=units["市经信委"], kind="bonus",
                            points=Decimal(42), reason="获国家级表彰")
    deduction = services.adjustment_add(actor=personas.supervisor, rubric=rubric, unit=units["市科技局"],
                                        kind="deduction", points=Decimal(5), reason="未参加调度会")
    with TODAY:
        services.rubric_publish(actor=personas.supervisor, rubric=rubric)
    kjj = _score(rubric, "市科技局")
    assert (kjj.total, kjj.rank, _score(rubric, "市经信委").rank) == (Decimal("56.75"), 3, 2)
    key = f"adjustments:adjustment:{deduction.pk}"
    with override_settings(LUOSHI_TODAY=dt.date(2020, 1, 25)):
        appeal = services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=key, reason="已请假报备",
                                      evidence=evidence())
        services.appeal_decide(actor=personas.supervisor, appeal=appeal, decision="reverse", comment="请假属实")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REVERSED and appeal.points == Decimal("-5")
    kjj.refresh_from_db()
    assert (kjj.total, kjj.rank, kjj.components["adjustments"]) == (Decimal("61.75"), 2, "0.00")
    assert _score(rubric, "市经信委").rank == 3
    assert next(e for e in kjj.trace if e["key"] == key)["reversed"] is True
    change = AuditEntry.objects.get(action="score.recompute")
    assert (change.before, change.after) == ({"total": "56.75", "rank": 3}, {"total": "61.75", "rank": 2})
    assert AuditEntry.objects.filter(action="appeal.reverse", object_id=str(appeal.pk)).exists()
    with pytest.raises(DomainError):
        services.appeal_decide(actor=personas.supervisor, appeal=appeal, decision="uphold", comment="再议")


def test_it_upholds_an_appeal_without_changing_the_score(year: Scenario, personas: Any) -> None:
    rubric = _published(personas)
    kjj = _score(rubric, "市科技局")
    with TODAY:
        appeal = services.appeal_file(actor=personas.lead_head, score=kjj, event_key=year.kjj_item4_nov_key,
                                      reason="系统故障", evidence=evidence())
        services.appeal_decide(actor=personas.supervisor, appeal=appeal, decision="uphold", comment="无佐证")
    kjj.refresh_from_db()
    assert (kjj.total, kjj.rank) == (Decimal("61.75"), 2)
    assert AuditEntry.objects.filter(action="appeal.uphold").count() == 1
    assert not AuditEntry.objects.filter(action="score.recompute").exists()


def test_it_refuses_bad_appeals(year: Scenario, personas: Any) -> None:
    rubric = _published(personas)
    kjj = _score(rubric, "市科技局")
    key = year.kjj_item4_nov_key
    with TODAY:
        for actor in (personas.support_liaison, personas.supervisor, personas.leader):  # not the unit itself
            with pytest.raises(DomainError):
                services.appeal_file(actor=actor, score=kjj, event_key=key, reason="x", evidence=evidence())
        with pytest.raises(DomainError, match="没有这项扣分"):
            services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key="timeliness:0:0", reason="x",
                                 evidence=evidence())
        with pytest.raises(DomainError):
            services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=key, reason=" ", evidence=evidence())
        services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=key, reason="系统故障",
                             evidence=evidence())
        with pytest.raises(DomainError, match="已提出过"):
            services.appeal_file(actor=personas.lead_liaison, score=kjj, event_key=key, reason="再次",
                                 evidence=evidence())
    with override_settings(LUOSHI_TODAY=dt.date(2020, 1, 26)), pytest.raises(DomainError, match="截止"):
        services.appeal_file(actor=personas.lead_liaison, score=kjj,
                             event_key=f"completion:assignment:{year.kjj_item4.pk}", reason="x", evidence=evidence())
    assert kjj.appeals.count() == 1
