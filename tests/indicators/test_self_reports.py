"""Target actuals of accepted unit reports become "unit self-report" observations, and self-reported
figures beyond the plan's tolerance from the official ones are flagged for the office."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.core.models import AuditEntry
from luoshi.indicators.choices import Comparator, DataSource
from luoshi.indicators.models import IndicatorTarget, Observation
from luoshi.indicators.services import attainment_rule_set, observation_record, self_reports_record, target_map
from luoshi.orgs.choices import Role
from luoshi.plans.models import Target
from luoshi.reports import services as reports
from luoshi.reports.models import TargetActual
from tests.reports.workflow_helpers import ITEM_1, assignment, draft, period, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped(published_plan: Any, personas: Any, catalogue: Any, regions: Any) -> IndicatorTarget:
    """Item 1's target (lead 市科技局) mapped to 高新技术企业数量: the city's target. Read here as a level
    (…总数达到3000家), so each report gives the figure to date; increments (新增…, the plan's own wording) are
    added up over the periods: see test_target_basis."""
    target = Target.objects.get(task__plan=published_plan, text__contains="初创科技企业")
    target.basis = "level"
    target.save(update_fields=["basis"])
    return target_map(actor=personas.supervisor, target=target, indicator=catalogue["high-tech-enterprises"])


def accepted(personas: Any, plan: Any, value: float, month: int = 2) -> Any:
    a1 = assignment(plan, ITEM_1, "市科技局")
    report = submitted(personas, a1, period(plan, month), actuals={a1.task.targets.get().pk: value})
    return reports.report_accept(actor=personas.supervisor, report=report, version=report.version)


def self_reports() -> list[Observation]:
    return list(Observation.objects.filter(source=DataSource.SELF_REPORT).order_by("revision"))


def test_an_accepted_actual_becomes_a_self_report_observation(personas: Any, published_plan: Any,
                                                             mapped: IndicatorTarget) -> None:
    report = accepted(personas, published_plan, 1200)
    [obs] = self_reports()
    assert (obs.indicator_id, obs.region.name, obs.year, obs.through_month) == (
        mapped.indicator_id, "全市", 2019, 2)
    assert (obs.value, obs.revision, obs.is_latest, obs.entered_by) == (1200, 1, True, personas.supervisor)
    assert "市科技局" in obs.note and report.period.label in obs.note
    entry = AuditEntry.objects.get(action="observation.create", object_id=str(obs.pk))
    assert entry.after["source"] == DataSource.SELF_REPORT


def test_nothing_is_recorded_before_the_office_accepts(personas: Any, published_plan: Any,
                                                       mapped: IndicatorTarget) -> None:
    a1 = assignment(published_plan, ITEM_1, "市科技局")
    report = submitted(personas, a1, period(published_plan, 2), actuals={a1.task.targets.get().pk: 1200})
    reports.report_return(actor=personas.supervisor, report=report, comment="请补充名单")
    assert self_reports() == []


def test_recording_again_is_harmless_and_a_changed_figure_is_a_new_revision(
        personas: Any, published_plan: Any, mapped: IndicatorTarget) -> None:
    report = accepted(personas, published_plan, 1200)
    audit_before = AuditEntry.objects.changes().count()
    self_reports_record(actor=personas.supervisor, reports=[report])
    assert [o.value for o in self_reports()] == [1200] and AuditEntry.objects.changes().count() == audit_before
    TargetActual.objects.filter(report=report).update(value=1250)   # e.g. a corrected figure accepted again
    outcome = self_reports_record(actor=personas.supervisor, reports=[report])
    assert [(o.value, o.revision, o.is_latest) for o in self_reports()] == [(1200, 1, False), (1250, 2, True)]
    assert outcome[0].observation is not None and outcome[0].observation.value == 1250


def test_each_period_is_its_own_figure(personas: Any, published_plan: Any, mapped: IndicatorTarget) -> None:
    accepted(personas, published_plan, 1200, month=2)
    accepted(personas, published_plan, 1500, month=3)
    assert sorted((o.through_month, o.value) for o in self_reports()) == [(2, 1200), (3, 1500)]


def test_an_actual_that_cannot_be_a_figure_is_skipped_with_its_reason_and_the_accept_stands(
        personas: Any, published_plan: Any, mapped: IndicatorTarget) -> None:
    IndicatorTarget.objects.filter(pk=mapped.pk).update(comparator=Comparator.GROWTH)
    report = accepted(personas, published_plan, 12)
    assert report.status == "accepted" and self_reports() == []
    skip = AuditEntry.objects.get(action="observation.self_report_skip")
    assert "增长" in skip.message and skip.object_id == str(report.pk)
    IndicatorTarget.objects.filter(pk=mapped.pk).update(comparator=Comparator.GE)
    implausible = accepted(personas, published_plan, 5_000_000, month=3)   # above 高新技术企业数量's range
    assert implausible.status == "accepted" and self_reports() == []
    assert "合理上限" in AuditEntry.objects.filter(action="observation.self_report_skip").latest("pk").message


def test_a_supporting_unit_s_actual_is_not_the_region_s_figure(personas: Any, published_plan: Any,
                                                               mapped: IndicatorTarget,
                                                               django_user_model: Any) -> None:
    head = django_user_model.objects.create_user(username="czj_head", password="x", role=Role.HEAD,
                                                 unit=personas.support_liaison.unit)
    support = assignment(published_plan, ITEM_1, "市财政局")
    report = draft(personas.support_liaison, support, period(published_plan, 2),
                   actuals={support.task.targets.get().pk: 999})
    report = reports.report_approve(actor=head, report=report, version=report.version)
    report = reports.report_submit(actor=head, report=report, version=report.version)
    reports.report_accept(actor=personas.supervisor, report=report, version=report.version)
    assert self_reports() == []
    assert "责任单位" in AuditEntry.objects.get(action="observation.self_report_skip").message


def test_an_actual_on_an_unmapped_target_is_left_alone(personas: Any, published_plan: Any,
                                                       catalogue: Any, regions: Any) -> None:
    accepted(personas, published_plan, 1200)
    assert self_reports() == [] and not AuditEntry.objects.filter(action="observation.self_report_skip").exists()


def test_a_self_report_beyond_the_tolerance_is_flagged_for_the_office(
        client: Client, personas: Any, published_plan: Any, mapped: IndicatorTarget, regions: Any) -> None:
    observation_record(actor=personas.supervisor, indicator=mapped.indicator, region=regions["全市"], year=2019,
                       through_month=2, value=1000, source=DataSource.OFFICIAL)
    accepted(personas, published_plan, 1200)     # 20% above the statistics office's 1000; tolerance 5%
    client.force_login(personas.supervisor)
    url = reverse("indicators:attainment", args=[published_plan.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.context["flagged_count"] == 1 and 'id="self-report-flags"' in html
    assert "自报1200.0与统计1000.0不一致（截至2月）" in html
    assert len(client.get(url + "?flagged=1").context["rows"]) == 1
    assert "1项自报数待核对" in client.get(reverse("indicators:index")).content.decode()
    region_page = client.get(reverse("indicators:region_detail", args=[regions["全市"].pk])).content.decode()
    assert "与统计数相差 +20.0%" in region_page
    # The plan's stated tolerance decides: at 25% the same figures are not flagged.
    attainment_rule_set(actor=personas.supervisor, plan=published_plan, red_below=0.8, amber_below=1.0,
                        self_report_tolerance=0.25)
    page = client.get(url)
    assert page.context["flagged_count"] == 0 and 'id="self-report-flags"' not in page.content.decode()
    assert "待核对" not in client.get(reverse("indicators:index")).content.decode()


def test_a_member_of_a_group_reports_its_own_region_s_figure(personas: Any, published_plan: Any, catalogue: Any,
                                                             regions: Any, django_user_model: Any) -> None:
    # Item 3 is assigned to 各先导区管委会: each pilot zone answers for its own territory. A target on it
    # (added here; the small plan's item 3 has none) has no single responsible unit.
    from luoshi.plans.models import Task

    task = Task.objects.get(plan=published_plan, key="二/(二)/3")
    target = Target.objects.create(task=task, text="技术交易额达到20亿元", indicator="技术交易额", value=20,
                                   unit="亿元", op=">=", year=2019)
    mapped = target_map(actor=personas.supervisor, target=target, indicator=catalogue["tech-contract-turnover"])
    assert mapped.responsible_unit is None and mapped.region.name == "全市"
    zone = regions["高新区"].unit
    liaison = django_user_model.objects.create_user(username="gxq", password="x", role=Role.LIAISON, unit=zone)
    head = django_user_model.objects.create_user(username="gxq_head", password="x", role=Role.HEAD, unit=zone)
    own = assignment(published_plan, "二/(二)/3", zone.name)
    report = draft(liaison, own, period(published_plan, 2), actuals={target.pk: 3.5})
    report = reports.report_submit(actor=head, report=report, version=report.version)
    reports.report_accept(actor=personas.supervisor, report=report, version=report.version)
    [obs] = self_reports()
    assert (obs.region.name, obs.indicator.code, obs.through_month, obs.value) == ("高新区", "tech-contract-turnover",
                                                                                   2, 3.5)
