"""The composite innovation index in the app: method documents and editions (services and reads).

The engine is luoshi.compindex; here are only the Django sides: a method is saved when the engine
accepts it and every series it reads is a catalogue indicator code; an edition is computed from the
stored observations (latest revision, official figures first, full-year values), keeps the exact rows
it used so it can be recomputed, and is frozen once published.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.compindex import Dataset, Method, MethodError, compute, monte_carlo
from luoshi.compindex.errors import CompIndexError
from luoshi.core.audit import audit_record
from luoshi.core.errors import DomainError

from .choices import EditionStatus, RegionKind
from .models import IndexEdition, IndexMethod, Indicator, Observation, Region
from .selectors import SOURCE_PREFERENCE
from .services import _require_office

MAX_METHOD_CHARS = 200_000
MAX_DRAWS = 5000
INDEX_REGION_KINDS = (RegionKind.DISTRICT, RegionKind.PILOT_ZONE)


def _series_read(method: Method) -> set[str]:
    """Every dataset series the method reads: its indicators' sources and per-capita denominators."""
    series: set[str] = set()
    for indicator in method.indicators:
        series.add(indicator.source)
        for transform in indicator.transforms:
            if "denominator" in transform:
                series.add(str(transform["denominator"]))
    return series


def method_parse(text: str) -> Method:
    """A method document (YAML or JSON) checked by the engine and against the catalogue."""
    if len(text) > MAX_METHOD_CHARS:
        raise DomainError(_("方法文档过长 (method document too long)"), code="too_large")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        raise DomainError(_("方法文档不是有效的YAML或JSON (not valid YAML/JSON)"), code="bad_method") from None
    if not isinstance(raw, dict):
        raise DomainError(_("方法文档应为键值表 (method document must be a mapping)"), code="bad_method")
    try:
        method = Method.from_dict(raw)
    except MethodError as error:
        raise DomainError(str(error), code="bad_method") from None
    known = set(Indicator.objects.filter(active=True).values_list("code", flat=True))
    missing = sorted(_series_read(method) - known)
    if missing:
        raise DomainError(_("方法引用了目录中没有的指标：%(codes)s (unknown indicator codes)") % {
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
        raise DomainError(_("方法 %(id)s 的版本 %(version)s 已存在且内容不同，请更改版本号 (change the version)") % {
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
    observations = (Observation.objects.filter(is_latest=True, through_month=12, indicator__code__in=codes,
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


@transaction.atomic
def index_edition_compute(*, actor: Any, method: IndexMethod, year: int, first_year: int | None = None,
                          draws: int = 1000, seed: int = 0, note: str = "") -> IndexEdition:
    """Compute a new (draft) edition from the stored observations, with Monte Carlo rank intervals."""
    _require_office(actor)
    if not 1 <= draws <= MAX_DRAWS:
        raise DomainError(_("模拟次数须在1到%(n)d之间 (draws out of range)") % {"n": MAX_DRAWS}, code="bad_draws")
    engine = method_of(method)
    regions = list(Region.objects.filter(kind__in=INDEX_REGION_KINDS).order_by("sort_order"))
    rows = index_data_rows(engine, regions, range(first_year or year - 4, year + 1))
    if not rows:
        raise DomainError(_("没有可用于计算的年度数据 (no full-year figures to compute from)"), code="no_data")
    try:
        data = _dataset(rows)
        result = compute(engine, data, year)
        carlo = monte_carlo(engine, data, year, draws=draws, seed=seed)
    except CompIndexError as error:
        raise DomainError(str(error), code="compute_failed") from None
    number = (IndexEdition.objects.filter(method=method, year=year).aggregate(top=Max("number"))["top"] or 0) + 1
    edition = IndexEdition.objects.create(
        method=method, year=year, number=number, regions=[r.name for r in regions], data_rows=rows,
        result=_json_safe(result.to_dict()), uncertainty=_json_safe(carlo.to_dict()), draws=draws, seed=seed,
        note=note, computed_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="index_edition.compute", target=edition,
                 after={"method": method.fingerprint, "year": year, "number": number, "rows": len(rows)},
                 message=note)
    return edition


def _json_safe(data: Any) -> Any:
    # numpy scalars and NaN do not go into a JSON column as they are.
    return json.loads(json.dumps(data, default=float, allow_nan=True).replace("NaN", "null"))


@transaction.atomic
def index_edition_publish(*, actor: Any, edition: IndexEdition) -> IndexEdition:
    """Publish a draft edition; from then on it is frozen (a correction is a new edition)."""
    _require_office(actor)
    locked = IndexEdition.objects.select_for_update().get(pk=edition.pk)
    if locked.status != EditionStatus.DRAFT:
        raise DomainError(_("该版已发布，不能修改；更正请重新计算新版 (published editions are frozen)"),
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


def edition_rows(edition: IndexEdition) -> list[EditionRow]:
    intervals = {row["region"]: row for row in edition.uncertainty.get("regions", [])}
    rows = []
    for region in edition.result.get("regions", []):
        interval = intervals.get(region["region"], {})
        rows.append(EditionRow(region=region["region"], index=region["index"], rank=region["rank"],
                               rank_5=interval.get("rank_5"), rank_95=interval.get("rank_95"),
                               median_rank=interval.get("median_rank"), pillars=region["pillars"]))
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.region))
