"""The composite innovation index in the app: method documents and editions (services and reads).

The engine is luoshi.compindex; here are only the Django sides: a method is saved when the engine
accepts it and every series it reads is a catalogue indicator code; an edition is computed from the
stored observations (latest revision, official figures first, full-year values), keeps the exact rows
it used so it can be recomputed, and is frozen once published.

Computing: the office's page calls `index_edition_request`, which makes a queued edition and enqueues
jobs.index_edition_job; the job runs `index_edition_run`, whose body is the same computation as the
synchronous `index_edition_compute` (used by scripts, the demo and tests).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luoshi.compindex import (
    Dataset,
    Method,
    MethodError,
    audit,
    compare,
    compute,
    monte_carlo,
    variance_sensitivity,
)
from luoshi.compindex.errors import CompIndexError, message_in
from luoshi.compindex.method import is_signed
from luoshi.core.audit import audit_record
from luoshi.core.errors import DomainError

from .choices import EditionState, EditionStatus, Measure, RegionKind
from .models import COUNTED, IndexEdition, IndexMethod, Indicator, Observation, Region
from .selectors import SOURCE_PREFERENCE
from .services import _require_office

logger = logging.getLogger(__name__)

MAX_METHOD_CHARS = 200_000
MIN_DRAWS = 10      # fewer draws give no meaningful 5–95% interval (the engine refuses them too)
MAX_DRAWS = 5000
INDEX_REGION_KINDS = (RegionKind.DISTRICT, RegionKind.PILOT_ZONE)


def _one_language(error: CompIndexError) -> str:
    """The engine's message (both languages) in the reader's language only."""
    return message_in(error, translation.get_language() or settings.LANGUAGE_CODE)


def _series_read(method: Method) -> set[str]:
    """Every dataset series the method reads: its indicators' sources and per-capita denominators."""
    series: set[str] = set()
    for indicator in method.indicators:
        series.add(indicator.source)
        for transform in indicator.transforms:
            if "denominator" in transform:
                series.add(str(transform["denominator"]))
        series.update(method.step(indicator, "missing").get("predictors", []))  # regression imputation
    return series


def method_parse(text: str) -> Method:
    """A method document (YAML or JSON) checked by the engine and against the catalogue."""
    if len(text) > MAX_METHOD_CHARS:
        raise DomainError(_("方法文档过长"), code="too_large")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        raise DomainError(_("方法文档不是有效的YAML或JSON"), code="bad_method") from None
    if not isinstance(raw, dict):
        raise DomainError(_("方法文档应为键值表"), code="bad_method")
    try:
        method = Method.from_dict(raw)
    except MethodError as error:
        raise DomainError(engine_message(error), code="bad_method") from None
    known = set(Indicator.objects.filter(active=True).values_list("code", flat=True))
    missing = sorted(_series_read(method) - known)
    if missing:
        raise DomainError(_("方法引用了目录中没有的指标：%(codes)s") % {
            "codes": "、".join(missing)}, code="unknown_indicator")
    return method


@transaction.atomic
def index_method_save(*, actor: Any, text: str) -> IndexMethod:
    """Store a method document. The same substance again returns the stored one; a different document
    under an existing id and version is refused (a changed method needs a new version)."""
    _require_office(actor)
    method = method_parse(text)
    fingerprint = method.fingerprint()
    existing = IndexMethod.objects.filter(fingerprint=fingerprint).first()
    if existing is not None:
        return existing
    if IndexMethod.objects.filter(method_id=method.id, version=method.version).exists():
        raise DomainError(_("方法 %(id)s 的版本 %(version)s 已存在且内容不同，请更改版本号") % {
            "id": method.id, "version": method.version}, code="version_taken")
    stored = IndexMethod.objects.create(
        method_id=method.id, version=method.version, title=method.title, source_text=text,
        document=method.to_dict(), fingerprint=fingerprint,
        created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="index_method.create", target=stored,
                 after={"id": method.id, "version": method.version, "fingerprint": fingerprint})
    return stored


def method_of(stored: IndexMethod) -> Method:
    return Method.from_dict(stored.document)


def index_data_rows(method: Method, regions: list[Region], years: range) -> list[dict[str, Any]]:
    """The figures an edition reads: full-year, latest revision, official source first."""
    codes = _series_read(method)
    best: dict[tuple[int, str, int], Observation] = {}
    rank = {source: i for i, source in enumerate(SOURCE_PREFERENCE)}
    observations = (Observation.objects.filter(COUNTED, is_latest=True, through_month=12, measure=Measure.VALUE,
                                               indicator__code__in=codes,
                                               region__in=regions, year__in=list(years))
                    .select_related("indicator", "region"))
    for obs in observations:
        key = (obs.region_id, obs.indicator.code, obs.year)
        if key not in best or rank[obs.source] < rank[best[key].source]:
            best[key] = obs
    return [{"region": o.region.name, "indicator": o.indicator.code, "year": o.year, "value": o.value,
             "observation": o.pk} for o in sorted(best.values(), key=lambda o: (o.region.name, o.indicator.code,
                                                                               o.year))]


def _dataset(rows: list[dict[str, Any]]) -> Dataset:
    return Dataset.from_rows([(r["region"], r["indicator"], r["year"], r["value"]) for r in rows])


# --- editions: computed in the background ---------------------------------------------------------------


@dataclass
class EditionFigures:
    """Everything a finished edition stores, computed before anything is written."""

    regions: list[str]
    rows: list[dict[str, Any]]
    result: dict[str, Any]
    uncertainty: dict[str, Any]
    illustrative: bool


def _check_draws(draws: int) -> None:
    if not MIN_DRAWS <= draws <= MAX_DRAWS:
        raise DomainError(_("模拟次数须在%(min)d到%(max)d之间") % {
            "min": MIN_DRAWS, "max": MAX_DRAWS}, code="bad_draws")


def edition_figures(*, method: IndexMethod, year: int, first_year: int | None = None, draws: int = 1000,
                    seed: int = 0) -> EditionFigures:
    """The index and its Monte Carlo rank intervals from the stored observations; writes nothing.

    Reads the latest full-year figures of `first_year` (default: four years back) to `year` for the
    districts and pilot zones. Raises DomainError when there is nothing to compute from or the engine
    refuses the data.
    """
    _check_draws(draws)
    engine = method_of(method)
    regions = list(Region.objects.filter(kind__in=INDEX_REGION_KINDS).order_by("sort_order"))
    rows = index_data_rows(engine, regions, range(first_year or year - 4, year + 1))
    if not rows:
        raise DomainError(_("没有可用于计算的年度数据"), code="no_data")
    result = None
    try:
        data = _dataset(rows)
        result = compute(engine, data, year)
        choices = uncertainty_choices(engine)
        try:
            carlo = monte_carlo(engine, data, year, draws=draws, seed=seed, choices=choices)
        except CompIndexError:
            # An alternative the data cannot take (e.g. a constant indicator under rank normalisation):
            # the interval then reflects the weights alone, and the page says which choices were varied.
            choices = WEIGHTS_ONLY
            carlo = monte_carlo(engine, data, year, draws=draws, seed=seed, choices=choices)
    except CompIndexError as error:
        # The warnings of the plain computation often say why the rest failed (e.g. an empty indicator).
        said = notice_lines(_json_safe(result.to_dict())) if result is not None else []
        raise DomainError("；".join([*said, engine_message(error)]), code="compute_failed") from None
    illustrative = Observation.objects.filter(pk__in=[r["observation"] for r in rows], illustrative=True).exists()
    uncertainty = {**carlo.to_dict(), "choices": choices,
                   **_analysis(engine, data, year, draws=draws, seed=seed, choices=choices),
                   **_comparison(method, engine, data, year)}
    return EditionFigures(regions=[r.name for r in regions], rows=rows, result=_json_safe(result.to_dict()),
                          uncertainty=_json_safe(uncertainty), illustrative=illustrative)


def _analysis(engine: Method, data: Dataset, year: int, *, draws: int, seed: int,
              choices: dict[str, Any]) -> dict[str, Any]:
    """The statistical audit and the first/total-order sensitivity stored with an edition; a part the data
    cannot take is left out (the page then says it is not available) rather than failing the edition."""
    out: dict[str, Any] = {}
    try:
        out["audit"] = audit(engine, data, year).to_dict()
    except CompIndexError:
        logger.info("Index audit not available for %s %s", engine.id, year)
    try:
        out["variance"] = variance_sensitivity(engine, data, year, samples=draws, seed=seed, choices=choices).to_dict()
    except CompIndexError:
        logger.info("Variance-based sensitivity not available for %s %s", engine.id, year)
    return out


def _comparison(method: IndexMethod, engine: Method, data: Dataset, year: int) -> dict[str, Any]:
    """Rank shifts against the latest published edition of the same index (any version), split into what
    the data and what the method made (compindex.compare). Only a published edition is compared against, so
    the comparison never shows a draft's ranks."""
    previous = (IndexEdition.objects.filter(method__method_id=method.method_id, status=EditionStatus.PUBLISHED,
                                            state=EditionState.DONE)
                .select_related("method").order_by("-year", "-published_at", "-pk").first())
    if previous is None:
        return {}
    against = {"edition": previous.pk, "year": previous.year, "number": previous.number,
               "version": previous.method.version}
    try:
        found = compare((method_of(previous.method), _dataset(previous.data_rows), previous.year),
                        (engine, data, year))
    except CompIndexError as error:
        return {"comparison": {"against": against, "error": engine_message(error)}}
    return {"comparison": {"against": against, **_json_safe(found.to_dict())}}


WEIGHT_PERTURBATION: dict[str, Any] = {"method": "uniform", "spread": 0.25}
WEIGHTS_ONLY: dict[str, Any] = {"weights": WEIGHT_PERTURBATION}


def uncertainty_choices(method: Method) -> dict[str, Any]:
    """What an edition's Monte Carlo varies around the method (stored with the edition).

    Following the Handbook's uncertainty analysis: the normalisation (the method's own, min-max or rank),
    the aggregation (arithmetic or geometric, when no normalisation option can give negative scores),
    the missing-data rule (the method's own or the peers' mean), and every weight perturbed by up to ±25%.
    """
    own_normalisation, own_missing = dict(method.normalisation), dict(method.missing)
    normalisations = [own_normalisation] + [{"method": name} for name in ("minmax", "rank")
                                            if name != own_normalisation["method"]]
    missing = [own_missing] + ([{"method": "peer_mean"}] if own_missing["method"] != "peer_mean" else [])
    choices: dict[str, Any] = {"normalisation": normalisations, "missing": missing, "weights": WEIGHT_PERTURBATION}
    if not any(is_signed(option) for option in normalisations):
        choices["aggregation"] = ["arithmetic", "geometric"]
    return choices


_STEP_WORDS = {"minmax": "最小-最大", "rank": "名次", "goalposts": "固定上下限", "zscore": "标准分",
               "distance": "与参照地区之比", "arithmetic": "算术平均", "geometric": "几何平均",
               "carry_last": "沿用较早年份的值", "peer_mean": "同类地区均值", "none": "不插补",
               "constant": "给定常数", "error": "缺失即报错", "percentile": "百分位名次", "target": "与目标值的距离",
               "best": "与最优地区的距离", "harmonic": "调和平均", "generalised": "广义平均",
               "copeland": "Copeland 排序法", "peer_median": "同类地区中位数", "regression": "回归估计",
               "em": "EM 估计"}


def uncertainty_lines(uncertainty: dict[str, Any]) -> list[str]:
    """The choices an edition's Monte Carlo varied, in words, with the share of rank variance each explains."""
    choices = uncertainty.get("choices") or WEIGHTS_ONLY
    shares = uncertainty.get("sensitivity", {})
    stage_names = {"normalisation": _("归一化"), "aggregation": _("加总方式"), "missing": _("缺失值处理")}
    lines = []
    for stage, title in stage_names.items():
        options = choices.get(stage) or []
        if len(options) > 1:
            words = "、".join(_STEP_WORDS.get(_step_name(o), _step_name(o)) for o in options)
            lines.append((title, words, shares.get(stage)))
    if choices.get("weights"):
        spread = float(choices["weights"].get("spread", 0.25)) * 100
        sets = len(uncertainty.get("factors", {}).get("weights", []))
        words = _("每个权重在±%(spread)g%%内随机扰动（%(sets)d组）") % {"spread": spread, "sets": sets}
        lines.append((_("权重"), words, shares.get("weights")))
    out = []
    for title, words, share in lines:
        text = f"{title}：{words}"
        if share is not None:
            text += _("，解释排名方差的%(pct).0f%%") % {"pct": share * 100}
        out.append(text)
    return out


def _names(value: Any) -> str:
    return "、".join(map(str, value)) if isinstance(value, list) else str(value)


def _engine_words(code: str, params: dict[str, Any]) -> str | None:
    """The page's words for an engine error or warning code (the engine speaks English; see docs/compindex.md)."""
    p = {key: _names(value) for key, value in params.items()}
    if code == "constant_indicator":
        return _("指标 %(indicator)s 在各地区之间没有差异，无法归一化") % p
    if code == "log_not_positive":
        return _("指标 %(indicator)s 在 %(year)s 年有数值小于或等于 0，无法取对数：%(regions)s") % p
    if code == "log_not_positive_excluded":
        return _("指标 %(indicator)s 在 %(year)s 年有数值小于或等于 0，无法取对数，"
                 "这些地区不计该指标得分：%(regions)s") % p
    if code == "log_not_positive_other_years":
        return _("指标 %(indicator)s 在 %(years)s 年有数值小于或等于 0，无法取对数，这些年份的该数值未使用") % p
    if code == "indicator_empty":
        return _("指标 %(indicator)s 在 %(year)s 年所有地区都没有数据，因此没有地区能参与排名") % p
    if code == "regions_screened":
        return _("这些地区的指标数据覆盖率低于筛选标准，不计算指数：%(regions)s") % p
    if code == "aggregated_over_available":
        return _("这些地区缺少部分指标得分，按已有指标加总（权重按比例调整）：%(regions)s") % p
    if code == "self_nesting":
        return _("方法文档中 %(outer)s 嵌套在它自身之内（YAML 别名引用了包含它的节点）") % p
    return None


def engine_message(error: CompIndexError) -> str:
    """An engine error in the page's language when its code is known, else the engine's own line."""
    return _engine_words(error.code, error.params) or _one_language(error)


def notice_lines(result: dict[str, Any]) -> list[str]:
    """An edition's stated warnings (Result.notices) in the page's language."""
    return [_engine_words(notice["code"], notice.get("params", {})) or notice["message"]
            for notice in result.get("notices", [])]


def ranking_line(result: dict[str, Any]) -> str:
    """How the edition's ranks were made: rounding and the rule for ties."""
    rule = result.get("ranking") or {"ties": "min"}
    ties = _("并列取较前名次，其后名次跳过（1、2、2、4）") if rule.get("ties", "min") == "min" else _(
        "并列同一名次，其后名次紧接（1、2、2、3）")
    if rule.get("round") is None:
        return _("排名按未取舍的指数；数值相同者%(ties)s。") % {"ties": ties}
    return _("排名按保留%(round)d位小数（四舍五入）的指数；数值相同者%(ties)s。") % {
        "round": rule["round"], "ties": ties}


def _step_name(option: Any) -> str:
    return str(option["method"] if isinstance(option, dict) else option)


def _edition_store(edition: IndexEdition, figures: EditionFigures) -> IndexEdition:
    """Write a computed edition's figures and its number in one go (call inside a transaction)."""
    # Numbers are given out one at a time per method: lock the method row while taking the next one.
    IndexMethod.objects.select_for_update().get(pk=edition.method_id)
    top = IndexEdition.objects.filter(method_id=edition.method_id, year=edition.year).aggregate(top=Max("number"))
    edition.number = (top["top"] or 0) + 1
    edition.regions, edition.data_rows = figures.regions, figures.rows
    edition.result, edition.uncertainty = figures.result, figures.uncertainty
    edition.illustrative = figures.illustrative
    edition.state, edition.error = EditionState.DONE, ""
    edition.computed_at = edition.finished_at = timezone.now()
    edition.save()
    return edition


def _computed_audit(*, actor: Any, edition: IndexEdition) -> None:
    audit_record(actor=actor, action="index_edition.compute", target=edition,
                 after={"method": edition.method.fingerprint, "year": edition.year, "number": edition.number,
                        "rows": len(edition.data_rows), "illustrative": edition.illustrative},
                 message=edition.note)


@transaction.atomic
def index_edition_compute(*, actor: Any, method: IndexMethod, year: int, first_year: int | None = None,
                          draws: int = 1000, seed: int = 0, note: str = "") -> IndexEdition:
    """Compute a new (draft) edition at once, in this request: the body the background job runs too.

    Raises DomainError (and stores nothing) when the figures cannot be computed.
    """
    _require_office(actor)
    figures = edition_figures(method=method, year=year, first_year=first_year, draws=draws, seed=seed)
    edition = IndexEdition(method=method, year=year, draws=draws, seed=seed, note=note,
                           computed_by=actor if getattr(actor, "pk", None) else None)
    _edition_store(edition, figures)
    _computed_audit(actor=actor, edition=edition)
    return edition


def index_edition_request(*, actor: Any, method: IndexMethod, year: int, first_year: int | None = None,
                          draws: int = 1000, seed: int = 0, note: str = "", enqueue: bool = True) -> IndexEdition:
    """Queue the computation of a new edition; the row shows its state until the job has run.

    The job (indicators.jobs.index_edition_job) is enqueued once the request's transaction commits.
    """
    from .jobs import index_edition_job

    _require_office(actor)
    _check_draws(draws)
    with transaction.atomic():
        edition = IndexEdition.objects.create(
            method=method, year=year, draws=draws, seed=seed, note=note, state=EditionState.QUEUED,
            computed_by=actor if getattr(actor, "pk", None) else None)
        audit_record(actor=actor, action="index_edition.request", target=edition,
                     after={"method": method.fingerprint, "year": year, "draws": draws, "seed": seed}, message=note)
        if enqueue:
            edition_id = edition.pk
            transaction.on_commit(lambda: index_edition_job.enqueue(edition_id, first_year))
    return edition


def index_edition_run(*, edition_id: int, first_year: int | None = None) -> IndexEdition:
    """Compute a queued edition (the job's body). A job delivered twice runs once: the row is claimed first.

    Success writes figures, result and number together; any failure leaves the row "failed" with a
    message and without figures.
    """
    claimed = IndexEdition.objects.filter(pk=edition_id, state=EditionState.QUEUED).update(
        state=EditionState.RUNNING)
    edition = IndexEdition.objects.select_related("method", "computed_by").get(pk=edition_id)
    if not claimed:
        return edition
    try:
        with transaction.atomic():
            figures = edition_figures(method=edition.method, year=edition.year, first_year=first_year,
                                      draws=edition.draws, seed=edition.seed)
            _edition_store(edition, figures)
            _computed_audit(actor=edition.computed_by, edition=edition)
    except Exception as exc:
        logger.exception("Index edition %s failed", edition_id)
        message = exc.message if isinstance(exc, DomainError) else _(
            "计算出错，请稍后重试或联系管理员")
        with transaction.atomic():
            IndexEdition.objects.filter(pk=edition_id).update(state=EditionState.FAILED, error=message[:500],
                                                              finished_at=timezone.now())
            edition.refresh_from_db()
            audit_record(actor=edition.computed_by, action="index_edition.fail", target=edition,
                         after={"state": EditionState.FAILED, "error": edition.error})
    return edition


def _json_safe(data: Any) -> Any:
    # numpy scalars and NaN do not go into a JSON column as they are.
    return json.loads(json.dumps(data, default=float, allow_nan=True).replace("NaN", "null"))


@transaction.atomic
def index_edition_publish(*, actor: Any, edition: IndexEdition) -> IndexEdition:
    """Publish a computed draft edition; from then on it is frozen (a correction is a new edition)."""
    _require_office(actor)
    locked = IndexEdition.objects.select_for_update().get(pk=edition.pk)
    if locked.state != EditionState.DONE:
        raise DomainError(_("该版尚未计算完成，不能发布"),
                          code="not_computed")
    if locked.status != EditionStatus.DRAFT:
        raise DomainError(_("该版已发布，不能修改；更正请重新计算新版"),
                          code="frozen")
    locked.status = EditionStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at"])
    audit_record(actor=actor, action="index_edition.publish", target=locked,
                 before={"status": EditionStatus.DRAFT}, after={"status": EditionStatus.PUBLISHED})
    return locked


def edition_recompute(edition: IndexEdition) -> dict[str, Any]:
    """Recompute an edition's result from its stored method and stored rows (for checking)."""
    result = compute(method_of(edition.method), _dataset(edition.data_rows), edition.year)
    out: dict[str, Any] = _json_safe(result.to_dict())
    return out


# --- reading an edition ---------------------------------------------------------------------------------


@dataclass
class EditionRow:
    """A region's line on the edition page: score, rank with its 5–95% interval, pillars."""

    region: str
    index: float | None
    rank: int | None
    rank_5: int | None
    rank_95: int | None
    median_rank: float | None
    pillars: dict[str, float | None]
    contributions: dict[str, float | None] = field(default_factory=dict)
    chart: tuple[float, float, float] | None = None
    """x of the rank, the 5% and the 95% rank on the page's interval chart (see rank_marks)."""


def edition_rows(edition: IndexEdition) -> list[EditionRow]:
    intervals = {row["region"]: row for row in edition.uncertainty.get("regions", [])}
    rows = []
    for region in edition.result.get("regions", []):
        interval = intervals.get(region["region"], {})
        rows.append(EditionRow(region=region["region"], index=region["index"], rank=region["rank"],
                               rank_5=interval.get("rank_5"), rank_95=interval.get("rank_95"),
                               median_rank=interval.get("median_rank"), pillars=region["pillars"],
                               contributions=region.get("contributions", {})))
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.region))


def is_additive(method: Method) -> bool:
    """Whether every level of the tree is an arithmetic mean, so contributions add up to the index."""
    return all(node.aggregation["method"] == "arithmetic" for node in method.nodes())


def pillar_columns(method: Method) -> list[tuple[str, str]]:
    """(name, heading) of every node below the index, from the top down."""
    return [(node.name, node.label or node.name) for node in method.nodes() if node.name != method.index.name]


@dataclass
class IndicatorLine:
    """One indicator in a region's breakdown: value used, weight, normalised score and contribution."""

    name: str
    label: str
    unit: str
    value: float | None            # the stored figure of the edition's year (None when imputed or missing)
    imputed: bool
    weight: float | None           # overall weight: the product of the weights from the index down
    score: float | None            # normalised, higher is better
    contribution: float | None     # weight x score (arithmetic trees only)
    share: float | None            # contribution / index


@dataclass
class RegionBreakdown:
    """A region in one edition: its line, its pillar scores (name, heading, score) and its indicators."""

    row: EditionRow
    pillar_scores: list[tuple[str, str, float | None]]
    lines: list[IndicatorLine]
    additive: bool


def region_editions(editions: QuerySet[IndexEdition], region: str,
                    limit: int = 20) -> list[tuple[IndexEdition, EditionRow]]:
    """The computed editions (of those given) that score `region`, with its line in each: published
    editions first, then newest first."""
    done = editions.filter(state=EditionState.DONE).select_related("method").order_by("-year", "-pk")[:limit]
    found = []
    for edition in done:
        row = next((r for r in edition_rows(edition) if r.region == region), None)
        if row is not None:
            found.append((edition, row))
    return sorted(found, key=lambda pair: pair[0].status != EditionStatus.PUBLISHED)


def region_breakdown(edition: IndexEdition, region: str) -> RegionBreakdown | None:
    """A region's score in one edition opened into its indicators; None when the edition has no such region.

    Under arithmetic aggregation at every level the index is exactly the sum over indicators of
    overall weight x normalised score, so each term is the indicator's contribution and its share is
    term / index. A geometric level multiplies, and a product has no additive split: then the
    weights and scores are shown without contributions (is_additive False).
    """
    row = next((r for r in edition_rows(edition) if r.region == region), None)
    if row is None:
        return None
    method = method_of(edition.method)
    additive = is_additive(method)
    result_region = next(r for r in edition.result["regions"] if r["region"] == region)
    imputed = {tuple(pair) for pair in edition.result.get("imputed", [])}
    values = {r["indicator"]: r["value"] for r in edition.data_rows
              if r["region"] == region and r["year"] == edition.year}
    weights = edition.result.get("overall_weights", {})
    lines = []
    for indicator in method.indicators:
        contribution = result_region["contributions"].get(indicator.name) if additive else None
        share = (contribution / row.index if contribution is not None and row.index else None)
        lines.append(IndicatorLine(
            name=indicator.name, label=indicator.label or indicator.name, unit=indicator.unit,
            value=values.get(indicator.source), imputed=(region, indicator.name) in imputed,
            weight=weights.get(indicator.name), score=result_region["scores"].get(indicator.name),
            contribution=contribution, share=share))
    pillar_scores = [(name, heading, row.pillars.get(name)) for name, heading in pillar_columns(method)]
    return RegionBreakdown(row=row, pillar_scores=pillar_scores, lines=lines, additive=additive)


# --- the statistical audit of an edition -----------------------------------------------------------------

def _factor_words() -> dict[str, str]:
    return {"normalisation": _("归一化"), "aggregation": _("加总方式"), "missing": _("缺失值处理"),
            "outliers": _("异常值处理"), "weights": _("权重")}


def _flag_words(flag: str, limits: dict[str, Any]) -> str:
    if flag == "skew_kurtosis":
        return _("偏度与峰度超限（|偏度|>%(skew)g 且峰度>%(kurt)g）") % {
            "skew": limits.get("skewness", 2.0), "kurt": limits.get("kurtosis", 3.5)}
    if flag == "outliers":
        return _("有离群值")
    if flag == "low_availability":
        return _("有数据的地区不足%(pct)g%%") % {"pct": limits.get("availability", 0.65) * 100}
    if flag == "collinear":
        return _("与同层某项高度相关（r>%(r)g）") % {"r": limits.get("collinear", 0.9)}
    if flag == "negative":
        return _("与同层某项负相关（r<%(r)g）") % {"r": limits.get("negative", -0.4)}
    return flag


@dataclass
class AuditIndicator:
    name: str
    label: str
    stats: dict[str, Any]
    parent_r: float | None
    flags: list[str]
    removal: dict[str, Any] | None


@dataclass
class EditionAudit:
    """What the edition page shows of the audit: per indicator, per node, and the sensitivity indices."""

    indicators: list[AuditIndicator]
    nodes: list[dict[str, Any]]
    pairs: list[dict[str, Any]]
    """Children of one node whose correlation is flagged (collinear or negative)."""
    variance: list[dict[str, Any]]
    variance_samples: int | None
    thresholds: dict[str, Any]


def edition_audit(edition: IndexEdition) -> EditionAudit | None:
    """The stored audit of an edition, arranged for its page; None for an edition computed without it."""
    stored = edition.uncertainty.get("audit")
    if not stored:
        return None
    method = method_of(edition.method)
    limits = stored.get("thresholds", {})
    parent = {child: node.name for node in method.nodes() for child in node.child_names}
    across = {(c["first"], c["second"]): c["r"] for c in stored["correlations"] if c["kind"] == "across"}
    removals = {r["indicator"]: r for r in stored.get("removals", [])}
    labels = {i.name: i.label or i.name for i in method.indicators}
    indicators = [AuditIndicator(
        name=stats["name"], label=labels.get(stats["name"], stats["name"]), stats=stats,
        parent_r=across.get((stats["name"], parent.get(stats["name"], ""))),
        flags=[_flag_words(flag, limits) for flag in stats["flags"]], removal=removals.get(stats["name"]))
        for stats in stored["indicators"]]
    headings = {node.name: node.label or node.name for node in method.nodes()}
    root = method.index.name
    nodes = [{**node, "heading": headings.get(node["name"], node["name"]),
              "parent_r": across.get((node["name"], parent.get(node["name"], ""))),
              "index_r": across.get((node["name"], root)),
              "eigenvalues": [round(value, 2) for value in node["eigenvalues"]]} for node in stored["nodes"]]
    pairs = [c for c in stored["correlations"] if c["kind"] == "within" and c["r"] is not None
             and (c["r"] > limits.get("collinear", 0.9) or c["r"] < limits.get("negative", -0.4))]
    variance_stored = edition.uncertainty.get("variance") or {}
    words = _factor_words()
    variance = [{**row, "label": words.get(row["factor"], row["factor"])}
                for row in variance_stored.get("indices", [])]
    return EditionAudit(indicators=indicators, nodes=nodes, pairs=pairs, variance=variance,
                        variance_samples=variance_stored.get("samples"), thresholds=limits)


def comparison_cause(cause: str) -> str:
    return {"data": _("数据变化"), "method": _("方法变化"), "both": _("数据与方法各半"),
            "none": _("无变化")}.get(cause, cause)


@dataclass
class EditionComparison:
    """Rank shifts against the previous published edition, for the edition page."""

    against: dict[str, Any]
    rows: list[dict[str, Any]]
    unmatched: list[str]
    error: str = ""


def edition_comparison(edition: IndexEdition) -> EditionComparison | None:
    stored = edition.uncertainty.get("comparison")
    if not stored:
        return None
    rows = [{**shift, "cause_words": comparison_cause(shift["cause"])} for shift in stored.get("shifts", [])]
    return EditionComparison(against=stored["against"], rows=rows, unmatched=stored.get("unmatched", []),
                             error=stored.get("error", ""))


CHART_WIDTH, CHART_MARGIN = 120, 4


def rank_marks(rows: list[EditionRow]) -> dict[str, tuple[float, float, float]]:
    """x positions (in a CHART_WIDTH-wide strip) of each ranked region's rank and its 5–95% interval,
    rank 1 on the left: the interval chart of the edition page."""
    ranked = [row for row in rows if row.rank]
    top = max([row.rank_95 or row.rank or 1 for row in ranked] + [len(ranked), 2])
    span = CHART_WIDTH - 2 * CHART_MARGIN

    def x(rank: int) -> float:
        return round(CHART_MARGIN + (rank - 1) / (top - 1) * span, 1)

    return {row.region: (x(row.rank or 1), x(row.rank_5 or row.rank or 1), x(row.rank_95 or row.rank or 1))
            for row in ranked}
