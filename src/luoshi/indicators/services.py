"""Writes of the indicators app: every state change is here, with its audit row in the same transaction."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.core.audit import audit_record, snapshot
from luoshi.core.errors import DomainError
from luoshi.orgs.choices import UnitKind
from luoshi.orgs.models import Unit
from luoshi.plans.choices import TargetBasis, UnitRole
from luoshi.plans.models import Plan, Target

from .catalogue import Candidate, CatalogueEntry, Match, match_phrase, phrase_key
from .choices import Comparator, DataSource, IndicatorKind, Measure, RegionKind
from .models import (
    AttainmentRule,
    Indicator,
    IndicatorAlias,
    IndicatorTarget,
    Observation,
    ObservationUpload,
    Region,
)

INDICATOR_FIELDS = ["code", "name_zh", "name_en", "unit", "direction", "source", "frequency", "aggregation",
                    "kind", "accumulates", "plausible_min", "plausible_max", "definition", "active"]
CITY_REGION_NAME = "全市"

# Unit kind -> region kind, and the suffix a unit's short name carries beyond the territory's name.
_REGION_OF_UNIT: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (UnitKind.DISTRICT_GOVERNMENT, RegionKind.DISTRICT, ("人民政府", "政府")),
    (UnitKind.PILOT_ZONE, RegionKind.PILOT_ZONE, ("管理委员会", "管委会")),
)


def _require_office(actor: Any) -> None:
    if actor is not None and not getattr(actor, "is_office", False):
        raise DomainError(_("只有督查室可以修改指标数据"),
                          code="forbidden")


# --- catalogue ----------------------------------------------------------------------------------------


@transaction.atomic
def catalogue_import(*, actor: Any, entries: list[CatalogueEntry]) -> dict[str, int]:
    """Create or update indicators by code and add their aliases; nothing is deleted.

    An alias another indicator already holds refuses the whole import (the phrase would become ambiguous).
    """
    _require_office(actor)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for entry in entries:
        indicator = Indicator.objects.filter(code=entry.code).first()
        if indicator is None:
            indicator = Indicator(code=entry.code, **entry.values())
            indicator.full_clean()
            indicator.save()
            counts["created"] += 1
            audit_record(actor=actor, action="indicator.create", target=indicator,
                         after=snapshot(indicator, INDICATOR_FIELDS))
        else:
            before = snapshot(indicator, INDICATOR_FIELDS)
            for name, value in entry.values().items():
                setattr(indicator, name, value)
            after = snapshot(indicator, INDICATOR_FIELDS)
            if after != before:
                indicator.full_clean()
                indicator.save()
                counts["updated"] += 1
                audit_record(actor=actor, action="indicator.update", target=indicator, before=before, after=after)
            else:
                counts["unchanged"] += 1
        for alias in entry.aliases:
            _alias_add(indicator, alias)
    return counts


def _alias_add(indicator: Indicator, alias: str) -> IndicatorAlias | None:
    if alias == indicator.name_zh:
        return None
    existing = IndicatorAlias.objects.filter(alias=alias).select_related("indicator").first()
    if existing is not None:
        if existing.indicator_id != indicator.pk:
            raise DomainError(_("别名“%(alias)s”已属于指标“%(other)s”") % {
                "alias": alias, "other": existing.indicator.name_zh}, code="alias_taken")
        return existing
    if Indicator.objects.filter(name_zh=alias).exclude(pk=indicator.pk).exists():
        raise DomainError(_("别名“%(alias)s”是另一个指标的名称") % {
            "alias": alias}, code="alias_taken")
    return IndicatorAlias.objects.create(alias=alias, indicator=indicator)


@transaction.atomic
def indicator_create(*, actor: Any, code: str, name_zh: str, unit: str, **values: Any) -> Indicator:
    """A new catalogue indicator (e.g. created from an unmatched parsed target)."""
    _require_office(actor)
    indicator = Indicator(code=code, name_zh=name_zh, unit=unit, **values)
    indicator.full_clean()
    indicator.save()
    audit_record(actor=actor, action="indicator.create", target=indicator,
                 after=snapshot(indicator, INDICATOR_FIELDS))
    return indicator


# --- regions ------------------------------------------------------------------------------------------


def _territory_name(unit_name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if unit_name.endswith(suffix) and len(unit_name) > len(suffix):
            return unit_name[: -len(suffix)]
    return unit_name


@transaction.atomic
def regions_sync(*, actor: Any) -> list[Region]:
    """The city region plus one region per district/county government and pilot zone unit (idempotent)."""
    _require_office(actor)
    regions: list[Region] = []
    city, created = Region.objects.get_or_create(name=CITY_REGION_NAME,
                                                 defaults={"kind": RegionKind.CITY, "sort_order": 0})
    if created:
        audit_record(actor=actor, action="region.create", target=city, after=snapshot(city, ["name", "kind"]))
    regions.append(city)
    order = 1
    for unit_kind, region_kind, suffixes in _REGION_OF_UNIT:
        for unit in Unit.objects.filter(kind=unit_kind, is_group=False, active=True).prefetch_related("aliases"):
            name = _territory_name(unit.name, suffixes)
            aliases = sorted({unit.name, *(a.alias for a in unit.aliases.all())} - {name})
            region = Region.objects.filter(unit=unit).first() or Region.objects.filter(name=name).first()
            if region is None:
                region = Region.objects.create(name=name, kind=region_kind, unit=unit, aliases=aliases,
                                               sort_order=order)
                audit_record(actor=actor, action="region.create", target=region,
                             after=snapshot(region, ["name", "kind", "unit"]), unit_id=unit.pk)
            regions.append(region)
            order += 1
    return regions


# --- targets from the parser's targets -----------------------------------------------------------------


def indicator_candidates() -> list[Candidate]:
    """Every active indicator's name and aliases, for matching."""
    candidates = [Candidate(i.pk, i.name_zh) for i in Indicator.objects.filter(active=True)]
    candidates += [Candidate(a.indicator_id, a.alias)
                   for a in IndicatorAlias.objects.filter(indicator__active=True)]
    return candidates


@dataclass
class TargetMatchResult:
    """What matching a plan's parsed targets did: created targets, and the phrases left for the office."""

    created: list[IndicatorTarget] = field(default_factory=list)
    already: int = 0
    unmatched: list[tuple[Target, Match]] = field(default_factory=list)


_COMPARATOR_OF_OP: dict[str, str] = {">=": Comparator.GE, "<=": Comparator.LE, "=": Comparator.EQ,
                                     "growth": Comparator.GROWTH}
_RESPONSIBLE_ROLES = (UnitRole.LEAD, UnitRole.RESPONSIBLE)


def _target_placement(target: Target) -> tuple[Region, Unit | None]:
    """Region and responsible unit of a parsed target: its task's lead unit, and that unit's region or the city."""
    task_unit = (target.task.task_units.filter(role__in=_RESPONSIBLE_ROLES, unit__isnull=False)
                 .select_related("unit").order_by("position").first())
    unit = task_unit.unit if task_unit else None
    if unit is not None and unit.is_group:
        unit = None   # 各区市县政府: each member answers separately; the plan-level target stays the city's
    region = Region.objects.filter(unit=unit).first() if unit is not None else None
    if region is None:
        region = Region.objects.filter(kind=RegionKind.CITY).order_by("sort_order").first()
    if region is None:
        raise DomainError(_("尚未建立地区，请先同步地区"), code="no_regions")
    return region, unit


def _comparator(target: Target, indicator: Indicator) -> str:
    """How the target's value compares with the indicator, given what the value measures (its basis).

    An increment (新增高新技术企业300家, 比上年增加500家) is never "equal to" a level: on a stock it is how
    much the stock must rise over the year (INCREASE); on a flow, whose figure is the year's additions so
    far, it is the year's total; a rise over last year (比上年增加) is an increase of either kind."""
    if target.op == "growth" and target.basis != TargetBasis.INCREMENT:
        return Comparator.GROWTH
    if target.basis == TargetBasis.INCREMENT:
        if target.op == "growth" or indicator.kind != IndicatorKind.FLOW:
            return Comparator.INCREASE
        return Comparator.LE if target.op == "<=" else Comparator.GE
    return _COMPARATOR_OF_OP.get(target.op, Comparator.GE)


def _target_create(*, actor: Any, target: Target, indicator: Indicator, how: str) -> IndicatorTarget:
    plan = target.task.plan
    year = target.year or plan.year
    if year is None:
        raise DomainError(_("目标“%(text)s”没有年度") % {"text": target.text},
                          code="no_year")
    region, unit = _target_placement(target)
    indicator_target = IndicatorTarget.objects.create(
        plan=plan, source_target=target, indicator=indicator, year=year, region=region, responsible_unit=unit,
        comparator=_comparator(target, indicator), value=target.value, value_unit=target.unit,
        basis=target.basis)
    audit_record(actor=actor, action="indicator_target.create", target=indicator_target,
                 after=snapshot(indicator_target, ["indicator", "year", "region", "responsible_unit", "comparator",
                                                   "value", "value_unit", "basis"]),
                 message=f"{how}: {target.text}", plan_id=plan.pk, task_id=target.task_id,
                 unit_id=unit.pk if unit else None)
    return indicator_target


def _units_compatible(target: Target, indicator: Indicator) -> bool:
    """A growth target is a percentage of any indicator; any other target is in the indicator's unit."""
    if target.op == "growth" and target.basis != TargetBasis.INCREMENT:
        return target.unit.strip() in ("%", "％")
    return phrase_key(target.unit) == phrase_key(indicator.unit) or not target.unit.strip()


def basis_problem(target: Target, indicator: Indicator) -> str | None:
    """Why what the target measures cannot be this indicator (None when it can).

    A share or rate (占比达到40%) measures a rate indicator only; a growth rate (增长15%) is the growth of
    whatever it names; an increment is never a rate indicator's."""
    if target.basis == TargetBasis.RATE and target.op != "growth" and indicator.kind != IndicatorKind.RATE:
        return _("“%(text)s”是比率目标，只能对应比率指标，“%(indicator)s”不是比率") % {
            "text": target.text, "indicator": indicator.name_zh}
    if target.basis == TargetBasis.INCREMENT and indicator.kind == IndicatorKind.RATE:
        return _("“%(text)s”是新增量目标，不能对应比率指标“%(indicator)s” "
                 "") % {"text": target.text, "indicator": indicator.name_zh}
    return None


@transaction.atomic
def targets_match(*, actor: Any, plan: Plan) -> TargetMatchResult:
    """Make an IndicatorTarget for every parsed target of the plan whose phrase matches the catalogue."""
    _require_office(actor)
    result = TargetMatchResult()
    candidates = indicator_candidates()
    targets = Target.objects.filter(task__plan=plan).select_related("task", "task__plan", "indicator_target")
    for target in targets.order_by("task__position", "position"):
        if hasattr(target, "indicator_target"):
            result.already += 1
            continue
        match = match_phrase(target.indicator or target.text, candidates)
        if match.indicator_id is None:
            result.unmatched.append((target, match))
            continue
        indicator = Indicator.objects.get(pk=match.indicator_id)
        if basis_problem(target, indicator):
            # "高新技术企业占比达到40%" names a count but measures a share: not that indicator.
            result.unmatched.append((target, Match(None, "basis_mismatch", match.label, (indicator.pk,))))
            continue
        if not _units_compatible(target, indicator):
            # "高新技术企业数量…40%" on a count: a growth rate or a share? The office decides.
            result.unmatched.append((target, Match(None, "unit_mismatch", match.label, (indicator.pk,))))
            continue
        result.created.append(_target_create(actor=actor, target=target, indicator=indicator, how=match.how))
    return result


@transaction.atomic
def target_map(*, actor: Any, target: Target, indicator: Indicator) -> IndicatorTarget:
    """The office maps an unmatched parsed target to an indicator; the phrase is remembered as an alias."""
    _require_office(actor)
    if IndicatorTarget.objects.filter(source_target=target).exists():
        raise DomainError(_("该目标已对应指标"), code="already_mapped")
    problem = basis_problem(target, indicator)
    if problem:
        raise DomainError(problem, code="basis_mismatch")
    phrase = (target.indicator or "").strip()
    if phrase and phrase_key(phrase) != phrase_key(indicator.name_zh):
        alias = _alias_add(indicator, phrase)
        if alias is not None:
            audit_record(actor=actor, action="indicator_alias.create", target=alias,
                         after={"alias": alias.alias, "indicator": indicator.pk})
    return _target_create(actor=actor, target=target, indicator=indicator, how="mapped")


# --- observations ------------------------------------------------------------------------------------


def observation_check(*, indicator: Indicator, value: float) -> str | None:
    """Why a value cannot be stored for this indicator (None when fine): not finite, or out of range."""
    if not math.isfinite(value):
        return _("不是有效数值")
    if indicator.plausible_min is not None and value < indicator.plausible_min:
        return _("%(value)s 低于合理下限 %(min)s%(unit)s") % {
            "value": f"{value:g}", "min": f"{indicator.plausible_min:g}", "unit": indicator.unit}
    if indicator.plausible_max is not None and value > indicator.plausible_max:
        return _("%(value)s 超出合理上限 %(max)s%(unit)s，请核对计量单位") % {
            "value": f"{value:g}", "max": f"{indicator.plausible_max:g}", "unit": indicator.unit}
    return None


@transaction.atomic
def observation_record(*, actor: Any, indicator: Indicator, region: Region, year: int, value: float,
                       source: str, through_month: int = 12, note: str = "",
                       upload: ObservationUpload | None = None, illustrative: bool = False,
                       measure: str = Measure.VALUE) -> Observation:
    """Store a figure. A different figure for the same slot is a new revision (the old one stays in the
    history); the same figure again changes nothing and returns the current revision.

    `illustrative` marks demo figures that are not official statistics (every page showing them says so);
    `measure` "increase" stores the indicator's rise this year so far instead of its value."""
    _require_office(actor)
    problem = observation_check(indicator=indicator, value=value)
    if problem:
        raise DomainError(problem, code="bad_value")
    if source not in DataSource.values:
        raise DomainError(_("数据来源无效"), code="bad_source")
    if not 1 <= through_month <= 12:
        raise DomainError(_("截至月份须在1到12之间"), code="bad_month")
    if measure not in Measure.values:
        raise DomainError(_("数值含义无效"), code="bad_measure")
    slot = {"indicator": indicator, "region": region, "year": year, "through_month": through_month,
            "source": source, "measure": measure}
    # Lock the slot's rows so two concurrent corrections cannot both become revision n+1.
    current = Observation.objects.select_for_update().filter(**slot, is_latest=True).first()
    if current is not None and current.value == value:
        return current
    top = Observation.objects.filter(**slot).aggregate(top=Max("revision"))["top"] or 0
    if current is not None:
        Observation.objects.filter(pk=current.pk).update(is_latest=False)
    observation = Observation.objects.create(**slot, value=value, revision=top + 1, is_latest=True, note=note,
                                             upload=upload, illustrative=illustrative,
                                             entered_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="observation.revise" if current else "observation.create",
                 target=observation, before={"value": current.value, "revision": current.revision} if current else None,
                 after={"value": value, "revision": observation.revision, "source": source,
                        **({"measure": measure} if measure != Measure.VALUE else {}),
                        **({"illustrative": True} if illustrative else {})},
                 message=note, unit_id=region.unit_id)
    return observation


# --- unit self-reports --------------------------------------------------------------------------------


@transaction.atomic
def observation_confirm(*, actor: Any, observation: Observation) -> Observation:
    """The office confirms a unit's self-reported figure: from now on it counts in the official series, the
    index, attainment and the public pages. Confirming again (or any other source) changes nothing."""
    _require_office(actor)
    current = Observation.objects.select_for_update().get(pk=observation.pk)
    if not current.unconfirmed:
        return current
    current.confirmed_by = actor if getattr(actor, "pk", None) else None
    current.confirmed_at = timezone.now()
    current.save(update_fields=["confirmed_by", "confirmed_at"])
    audit_record(actor=actor, action="observation.confirm", target=current, before={"confirmed": False},
                 after={"confirmed": True, "value": current.value, "revision": current.revision},
                 unit_id=current.region.unit_id)
    return current


@dataclass(frozen=True)
class SelfReportOutcome:
    """What became of one target actual of an accepted report: stored (observation) or skipped (reason)."""

    actual_id: int
    observation: Observation | None = None
    skipped: str = ""


def _self_report_region(target: IndicatorTarget, unit: Unit) -> Region | None:
    """Whose figure a unit's actual is: the target's region when the unit answers for the target or governs
    its region; for a target set for a group (各区市县政府, no single responsible unit), the unit's own
    region. A supporting unit's figure is nobody's official self-report (None)."""
    if target.responsible_unit_id == unit.pk or target.region.unit_id == unit.pk:
        return target.region
    if target.responsible_unit_id is None:
        return Region.objects.filter(unit=unit).first()
    return None


def _self_report_problem(target: IndicatorTarget, value: float) -> str | None:
    if target.comparator == Comparator.GROWTH:
        return _("增长率目标的实际值是增长百分比，不是指标数值，不记入数据")
    if target.value_unit.strip() and phrase_key(target.value_unit) != phrase_key(target.indicator.unit):
        return _("目标计量单位%(target)s与指标计量单位%(indicator)s不同，未换算，不记入数据") % {
            "target": target.value_unit, "indicator": target.indicator.unit}
    return observation_check(indicator=target.indicator, value=value)


def _is_increment(target: IndicatorTarget) -> bool:
    """Whether a unit's actual on this target is what its period added (新增…), not a figure to date."""
    return target.basis == TargetBasis.INCREMENT and target.comparator != Comparator.GROWTH


def _year_to_date(report: Any, actual: Any) -> list[tuple[Any, float]]:
    """(period, the year's additions through that period) for this report's period and every later one of
    the same year that the office accepted from the same assignment: a corrected March changes April's sum."""
    from luoshi.reports.choices import ReportStatus

    period = report.period
    rows = (actual.target.actuals.filter(report__assignment_id=report.assignment_id,
                                         report__period__end__year=period.end.year)
            .filter(Q(report__status=ReportStatus.ACCEPTED) | Q(report_id=report.pk))
            .select_related("report__period").order_by("report__period__end", "report__period__start"))
    totals: list[tuple[Any, float]] = []
    running = 0.0
    for row in rows:
        running += row.value
        if row.report.period.end >= period.end:
            totals.append((row.report.period, running))
    return totals


def _self_report_store(*, actor: Any, target: IndicatorTarget, region: Region, unit: Unit, period: Any,
                       value: float, increment: bool) -> Observation:
    # An increment on a stock is the stock's rise this year (measure "increase"), never the stock itself; on a
    # flow, the sum of the year's additions is the flow's figure to date.
    measure = Measure.INCREASE if target.comparator == Comparator.INCREASE else Measure.VALUE
    note = (_("单位自报：%(unit)s %(period)s报告，本年各期新增数之和") if increment
            else _("单位自报：%(unit)s %(period)s报告")) % {"unit": unit.name, "period": period.label}
    return observation_record(actor=actor, indicator=target.indicator, region=region, year=period.end.year,
                              through_month=period.end.month, value=value, source=DataSource.SELF_REPORT,
                              note=note, measure=measure)


def self_reports_record(*, actor: Any, reports: Iterable[Any]) -> list[SelfReportOutcome]:
    """Turn the target actuals of accepted reports into observations with source "unit self-report".

    Called by reports.services.report_accept inside its transaction. Each actual on a target mapped to an
    indicator (IndicatorTarget) becomes the figure of that indicator for the region the unit answers
    for, in the report period's year, cumulative through the period's last month. An actual on an
    increment target (新增…) is what the period added: the year's actuals so far are added up, and the sum
    is the figure (a flow) or the rise of the stock this year (measure "increase"); later periods' sums are
    recomputed, so a corrected month carries through. Revision rules are observation_record's: a different
    figure is a new revision, the same figure again changes nothing (so accepting again is harmless). An
    actual that cannot be a figure (a growth rate, another unit of measure, an implausible value, a
    supporting unit's number) is skipped with its reason in the audit log: accepting a report never fails
    because of it.
    """
    outcomes: list[SelfReportOutcome] = []
    for report in reports:
        unit, period = report.assignment.unit, report.period
        actuals = (report.actuals.filter(target__indicator_target__isnull=False)
                   .select_related("target__indicator_target__indicator", "target__indicator_target__region")
                   .order_by("pk"))
        for actual in actuals:
            target = actual.target.indicator_target
            region = _self_report_region(target, unit)
            increment = _is_increment(target)
            figures = _year_to_date(report, actual) if increment else [(period, actual.value)]
            problem = (next((p for p in (_self_report_problem(target, value) for _p, value in figures) if p), None)
                       if region is not None else
                       _("只记入责任单位所报的数"))
            if problem:
                outcomes.append(SelfReportOutcome(actual_id=actual.pk, skipped=problem))
                audit_record(actor=actor, action="observation.self_report_skip", target=report,
                             after={"target": actual.target_id, "value": actual.value}, message=problem,
                             plan_id=target.plan_id, task_id=actual.target.task_id, unit_id=unit.pk)
                continue
            assert region is not None
            stored = [_self_report_store(actor=actor, target=target, region=region, unit=unit, period=p,
                                         value=value, increment=increment) for p, value in figures]
            outcomes.append(SelfReportOutcome(actual_id=actual.pk, observation=stored[0]))
    return outcomes


# --- attainment rule ---------------------------------------------------------------------------------


@transaction.atomic
def attainment_rule_set(*, actor: Any, plan: Plan, red_below: float, amber_below: float,
                        seasonal_profile: list[float] | None = None,
                        self_report_tolerance: float = 0.05) -> AttainmentRule:
    """Set the plan's RAG thresholds, seasonal profile (12 cumulative shares ending at 1) and tolerance."""
    _require_office(actor)
    profile = list(seasonal_profile or [])
    if profile and (len(profile) != 12 or any(not 0 <= p <= 1 for p in profile)
                    or any(b < a for a, b in itertools.pairwise(profile))
                    or not math.isclose(profile[-1], 1.0)):
        raise DomainError(_("季节进度须为12个不减的累计比例，最后一个为1 "
                            ""), code="bad_profile")
    if not 0 < red_below <= amber_below:
        raise DomainError(_("红灯阈值须大于0且不大于黄灯阈值"), code="bad_thresholds")
    if not 0 <= self_report_tolerance < 10:
        raise DomainError(_("容忍度无效"), code="bad_tolerance")
    rule, _created = AttainmentRule.objects.get_or_create(plan=plan)
    fields = ["red_below", "amber_below", "seasonal_profile", "self_report_tolerance"]
    before = snapshot(rule, fields)
    rule.red_below, rule.amber_below = red_below, amber_below
    rule.seasonal_profile, rule.self_report_tolerance = profile, self_report_tolerance
    rule.full_clean()
    rule.save()
    audit_record(actor=actor, action="attainment_rule.set", target=rule, before=before,
                 after=snapshot(rule, fields), plan_id=plan.pk)
    return rule


# --- the statistics office's sheet -----------------------------------------------------------------------


class SheetRejected(DomainError):
    """The sheet has problems; nothing was stored. `errors` lists them by cell."""

    def __init__(self, errors: list[Any]) -> None:
        super().__init__(_("表格有%(n)d处问题，未保存任何数据") % {"n": len(errors)},
                         code="sheet_rejected")
        self.errors = errors


@transaction.atomic
def observations_upload(*, actor: Any, data: bytes, filename: str, year: int, through_month: int = 12,
                        source: str = DataSource.OFFICIAL, illustrative: bool = False) -> ObservationUpload:
    """Store every figure of a statistics sheet, or none: any cell problem raises SheetRejected.

    `illustrative` marks every figure of the sheet as demo data, not official statistics."""
    import hashlib

    from .sheets import read_rows, sheet_check

    _require_office(actor)
    if source not in DataSource.values:
        raise DomainError(_("数据来源无效"), code="bad_source")
    figures, errors = sheet_check(read_rows(data, filename), year=year, through_month=through_month)
    if errors:
        raise SheetRejected(errors)
    upload = ObservationUpload.objects.create(filename=filename[:255], sha256=hashlib.sha256(data).hexdigest(),
                                              source=source, row_count=len(figures),
                                              uploaded_by=actor if getattr(actor, "pk", None) else None)
    for figure in figures:
        observation_record(actor=actor, indicator=figure.indicator, region=figure.region, year=figure.year,
                           through_month=figure.through_month, value=figure.value, source=source,
                           note=_("上传 %(file)s %(cell)s") % {"file": filename[:100], "cell": figure.where},
                           upload=upload, illustrative=illustrative)
    audit_record(actor=actor, action="observation_upload.store", target=upload,
                 after={"filename": upload.filename, "rows": len(figures), "year": year, "source": source})
    return upload
