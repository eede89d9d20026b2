"""The indicator catalogue as a document (YAML), and phrase matching of parsed targets to indicators.

No database here: services.py stores what these functions read and decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from luoshi.core.errors import DomainError
from luoshi.plandoc.normalize import halfwidth

from .choices import Aggregation, DataSource, Direction, Frequency, IndicatorKind

BUILTIN_CATALOGUE = Path(__file__).parent / "data" / "catalogue-dalian.yaml"
CATALOGUE_FORMAT = "luoshi-indicators v1"
MIN_CONTAINED_KEY = 4   # a shorter name ("数量") would be contained in almost every phrase

RATE_UNITS = ("%", "％", "‰")   # an indicator in these units is a rate unless the catalogue says otherwise

_PARENTHETICAL = re.compile(r"\([^()]*\)")
_NOT_WORD = re.compile(r"[^0-9a-z\u4e00-\u9fff&]+")


def phrase_key(text: str) -> str:
    """Width-folded, lower-cased, punctuation and spaces removed: 'R&D 经费（亿元）' -> 'r&d经费(亿元)' minus marks."""
    return _NOT_WORD.sub("", halfwidth(text).lower())


def phrase_keys(text: str) -> set[str]:
    """The phrase's key with and without parenthetical asides ('(R&D)', '(GDP)')."""
    folded = halfwidth(text).lower()
    keys = {phrase_key(folded), phrase_key(_PARENTHETICAL.sub("", folded))}
    return {k for k in keys if k}


@dataclass(frozen=True)
class CatalogueEntry:
    """One indicator as the catalogue document states it."""

    code: str
    name_zh: str
    unit: str
    name_en: str = ""
    direction: str = Direction.HIGHER
    source: str = DataSource.OFFICIAL
    frequency: str = Frequency.ANNUAL
    aggregation: str = Aggregation.SUM
    kind: str = IndicatorKind.LEVEL
    accumulates: bool = False       # always kind == flow (catalogue_parse makes them agree)
    plausible_min: float | None = None
    plausible_max: float | None = None
    definition: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)

    def values(self) -> dict[str, Any]:
        """The model fields (everything but code and aliases)."""
        return {"name_zh": self.name_zh, "name_en": self.name_en, "unit": self.unit,
                "direction": self.direction, "source": self.source, "frequency": self.frequency,
                "aggregation": self.aggregation, "kind": self.kind, "accumulates": self.accumulates,
                "plausible_min": self.plausible_min, "plausible_max": self.plausible_max,
                "definition": self.definition}


_CHOICES: tuple[tuple[str, type[Any]], ...] = (
    ("direction", Direction), ("source", DataSource), ("frequency", Frequency), ("aggregation", Aggregation),
)
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def catalogue_parse(text: str) -> list[CatalogueEntry]:
    """Read and check a catalogue document; the first problem refuses the whole document."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        raise DomainError(_("指标目录不是有效的YAML"), code="bad_catalogue") from None
    if not isinstance(doc, dict) or doc.get("format") != CATALOGUE_FORMAT or not isinstance(
            doc.get("indicators"), list):
        raise DomainError(_("指标目录格式不对，应为 %(format)s") % {
            "format": CATALOGUE_FORMAT}, code="bad_catalogue")
    entries: list[CatalogueEntry] = []
    seen: set[str] = set()
    for number, raw in enumerate(doc["indicators"], start=1):
        entry = _entry(raw, number)
        for key in (entry.code, entry.name_zh, *entry.aliases):
            if key in seen:
                raise DomainError(_("指标目录第%(n)d项：“%(key)s”重复") % {
                    "n": number, "key": key}, code="bad_catalogue")
            seen.add(key)
        entries.append(entry)
    return entries


def _entry(raw: Any, number: int) -> CatalogueEntry:
    def bad(what: str) -> DomainError:
        return DomainError(_("指标目录第%(n)d项：%(what)s") % {"n": number, "what": what}, code="bad_catalogue")

    if not isinstance(raw, dict):
        raise bad(_("应为键值表"))
    code, name, unit = (str(raw.get(k) or "").strip() for k in ("code", "name_zh", "unit"))
    if not _CODE.match(code):
        raise bad(_("代码须为小写字母、数字和连字符"))
    if not name or not unit:
        raise bad(_("缺少中文名称或计量单位"))
    choices: dict[str, str] = {}
    for key, enum in _CHOICES:
        value = str(raw.get(key) or enum.values[0])
        if value not in enum.values:
            raise bad(_("%(key)s 的取值“%(value)s”无效") % {"key": key, "value": value})
        choices[key] = value
    bounds: list[float | None] = []
    for key in ("plausible_min", "plausible_max"):
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise bad(_("%(key)s 须为数值") % {"key": key})
        bounds.append(None if value is None else float(value))
    if bounds[0] is not None and bounds[1] is not None and bounds[0] > bounds[1]:
        raise bad(_("合理下限大于合理上限"))
    kind = _kind(raw, unit, bad)
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise bad(_("别名须为文字列表"))
    return CatalogueEntry(
        code=code, name_zh=name, unit=unit, name_en=str(raw.get("name_en") or ""), kind=kind,
        accumulates=kind == IndicatorKind.FLOW, plausible_min=bounds[0], plausible_max=bounds[1],
        definition=str(raw.get("definition") or ""), aliases=tuple(a.strip() for a in aliases), **choices)


def _kind(raw: dict[str, Any], unit: str, bad: Any) -> str:
    """The stated kind; without one, a flow when it accumulates, a rate in %, else a level (catalogue v1)."""
    stated = raw.get("kind")
    accumulates = raw.get("accumulates")
    if stated is None:
        if accumulates:
            return IndicatorKind.FLOW
        return IndicatorKind.RATE if unit in RATE_UNITS else IndicatorKind.LEVEL
    kind = str(stated)
    if kind not in IndicatorKind.values:
        raise bad(_("%(key)s 的取值“%(value)s”无效") % {"key": "kind", "value": kind})
    if accumulates is not None and bool(accumulates) != (kind == IndicatorKind.FLOW):
        raise bad(_("accumulates 与 kind 矛盾：只有流量指标年内累计"))
    return kind


# --- matching a parsed target's indicator phrase --------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A name or alias of an indicator, as matching sees it."""

    indicator_id: int
    label: str


@dataclass(frozen=True)
class Match:
    """The outcome for one phrase: the indicator (or None) and why."""

    indicator_id: int | None
    how: str                          # "exact", "contains", "ambiguous", "none"
    label: str = ""                   # the name or alias that matched
    ambiguous_ids: tuple[int, ...] = ()


def match_phrase(phrase: str, candidates: Iterable[Candidate]) -> Match:
    """Match an indicator phrase to the catalogue.

    Rules, in order: (1) a name/alias equal to the phrase once normalised; (2) the longest name/alias
    contained in the phrase or containing it (at least MIN_CONTAINED_KEY characters). Two different
    indicators tied at the best step give no match: the office decides.
    """
    phrase_set = phrase_keys(phrase)
    if not phrase_set:
        return Match(None, "none")
    keyed = [(c, phrase_keys(c.label)) for c in candidates]
    exact = {c.indicator_id: c for c, keys in keyed if keys & phrase_set}
    if len(exact) == 1:
        only = next(iter(exact.values()))
        return Match(only.indicator_id, "exact", only.label)
    if len(exact) > 1:
        return Match(None, "ambiguous", ambiguous_ids=tuple(sorted(exact)))
    best_len = 0
    best: dict[int, Candidate] = {}
    for candidate, keys in keyed:
        for key in keys:
            for phrase_k in phrase_set:
                if len(key) < MIN_CONTAINED_KEY or not (key in phrase_k or (
                        phrase_k in key and len(phrase_k) >= MIN_CONTAINED_KEY)):
                    continue
                overlap = min(len(key), len(phrase_k))
                if overlap > best_len:
                    best_len, best = overlap, {candidate.indicator_id: candidate}
                elif overlap == best_len:
                    best.setdefault(candidate.indicator_id, candidate)
    if len(best) == 1:
        only = next(iter(best.values()))
        return Match(only.indicator_id, "contains", only.label)
    if len(best) > 1:
        return Match(None, "ambiguous", ambiguous_ids=tuple(sorted(best)))
    return Match(None, "none")
