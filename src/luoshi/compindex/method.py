"""The method document: which indicators, which step at each stage, the tree of pillars and its weights.

A method is data (a dict loaded from YAML or JSON), validated on load with one-line errors, stored in a
canonical form (defaults written out) and identified by ``version`` plus ``fingerprint()`` — the sha256 of
the canonical JSON — so a stored result can be recomputed and checked against the method that made it.

Shape of the document (``docs/compindex.md`` has the full reference)::

    format: luoshi.compindex/1          # optional
    id: tai
    version: "2001"
    title: Technology Achievement Index
    defaults:                           # stage steps for every indicator unless it overrides them
      missing: {method: constant, value: 0}
      outliers: none
      normalisation: {method: goalposts, clip: true}
    indicators:
      - {name: patents, direction: higher, goalposts: {min: 0, max: 994}}
      - {name: phones, source: telephones, transforms: [log10], goalposts: {min: 0, max: 2.95}}
    index:
      name: tai
      aggregation: arithmetic           # or {method: geometric, zeros: floor, floor: 0.01}
      weights: equal                    # or {child: weight, ...} or pca
      children:
        - {name: creation, children: [patents, royalties]}
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from luoshi.compindex.aggregate import AGGREGATORS, NEEDS_POSITIVE, SIGNED_AGGREGATIONS
from luoshi.compindex.errors import MethodError, bilingual
from luoshi.compindex.impute import IMPUTERS
from luoshi.compindex.normalise import NORMALISERS
from luoshi.compindex.ranking import RankingRule
from luoshi.compindex.registry import Registry, StepConfig
from luoshi.compindex.transform import TRANSFORMS, transform_goalposts
from luoshi.compindex.treat import OUTLIER_TREATMENTS, TREATMENTS_CHANGING_UNITS
from luoshi.compindex.weight import WEIGHTS

FORMAT = "luoshi.compindex/1"
WEIGHT_TOLERANCE = 1e-6
Direction = Literal["higher", "lower"]
Stage = Literal["missing", "outliers", "normalisation"]
STAGES: tuple[Stage, ...] = ("missing", "outliers", "normalisation")
STAGE_REGISTRIES: dict[str, Registry[Any]] = {
    "missing": IMPUTERS, "outliers": OUTLIER_TREATMENTS, "normalisation": NORMALISERS,
}

_TOP_KEYS = ("format", "id", "version", "title", "description", "defaults", "indicators", "index", "ranking",
             "screening")
_INDICATOR_KEYS = ("name", "source", "label", "unit", "note", "direction", "goalposts", "transforms", *STAGES)
_NODE_KEYS = ("name", "label", "note", "aggregation", "weights", "children")


@dataclass(frozen=True)
class Indicator:
    name: str
    source: str
    """The dataset series the indicator is read from (default: its name)."""
    direction: Direction = "higher"
    label: str = ""
    unit: str = ""
    note: str = ""
    goalposts: tuple[float, float] | None = None
    """(min, max) in the indicator's units after its transforms; used by ``goalposts`` normalisation."""
    goalposts_original: tuple[float, float] | None = None
    """The goalposts as written when given in the series' original units (``units: original``); ``goalposts``
    then holds them passed through the indicator's transforms."""
    transforms: tuple[StepConfig, ...] = ()
    missing: StepConfig | None = None
    outliers: StepConfig | None = None
    normalisation: StepConfig | None = None

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"


@dataclass(frozen=True)
class Node:
    """A pillar (or the index itself): children are indicator names or sub-nodes, to any depth."""

    name: str
    children: tuple[Node | str, ...]
    aggregation: StepConfig
    weights: StepConfig
    label: str = ""
    note: str = ""

    @property
    def child_names(self) -> tuple[str, ...]:
        return tuple(child if isinstance(child, str) else child.name for child in self.children)

    def walk(self) -> Iterator[Node]:
        """Every node below and including this one, children before their parent."""
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()
        yield self

    def leaves(self) -> Iterator[str]:
        for child in self.children:
            if isinstance(child, str):
                yield child
            else:
                yield from child.leaves()


@dataclass(frozen=True)
class Method:
    version: str
    indicators: tuple[Indicator, ...]
    index: Node
    missing: StepConfig
    outliers: StepConfig
    normalisation: StepConfig
    id: str = ""
    title: str = ""
    description: str = ""
    ranking: RankingRule = field(default_factory=RankingRule)
    screening: float | None = None
    """Least share of the indicators a region needs a value for (computed year) to be indexed at all."""

    # -- reading ------------------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Method:
        """Validate a method document; raise ``MethodError`` with a one-line message naming the place."""
        if not isinstance(document, Mapping):
            raise MethodError(bilingual("方法文件须为映射（字典）", "a method document must be a mapping"))
        _refuse_self_nesting(document)
        _no_unknown_keys(document, _TOP_KEYS, "method")
        declared_format = document.get("format", FORMAT)
        if declared_format != FORMAT:
            raise MethodError(bilingual(f"不支持的格式 {declared_format!r}", f"unsupported format {declared_format!r}; "
                                        f"this engine reads {FORMAT}"))
        version = _version(document.get("version"))
        defaults = document.get("defaults") or {}
        if not isinstance(defaults, Mapping):
            raise MethodError(bilingual("defaults 须为映射", "'defaults' must be a mapping"))
        _no_unknown_keys(defaults, STAGES, "defaults")
        stage_defaults = {
            "missing": IMPUTERS.config(defaults.get("missing", "none"), "defaults.missing"),
            "outliers": OUTLIER_TREATMENTS.config(defaults.get("outliers", "none"), "defaults.outliers"),
            "normalisation": NORMALISERS.config(defaults.get("normalisation", "minmax"), "defaults.normalisation"),
        }
        raw_indicators = document.get("indicators")
        if not isinstance(raw_indicators, list) or not raw_indicators:
            raise MethodError(bilingual("indicators 须为非空列表", "'indicators' must be a non-empty list"))
        indicators = tuple(_indicator(raw, f"indicators[{i}]") for i, raw in enumerate(raw_indicators))
        names = [indicator.name for indicator in indicators]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise MethodError(bilingual(
                f"重复的指标名 {', '.join(duplicates)}",
                f"duplicate indicator {', '.join(duplicates)}"))
        if "index" not in document:
            raise MethodError(bilingual("缺少 index（指标体系树）", "missing 'index': the tree of pillars"))
        index = _node(document["index"], "index", set(names))
        method = cls(
            version=version,
            indicators=indicators,
            index=index,
            missing=stage_defaults["missing"],
            outliers=stage_defaults["outliers"],
            normalisation=stage_defaults["normalisation"],
            id=_text(document.get("id"), "id"),
            title=_text(document.get("title"), "title"),
            description=_text(document.get("description"), "description"),
            ranking=RankingRule.from_raw(document.get("ranking")),
            screening=_screening(document.get("screening")),
        )
        method._check_tree()
        method._check_stages()
        return method

    def _check_tree(self) -> None:
        used: list[str] = list(self.index.leaves())
        twice = sorted({name for name in used if used.count(name) > 1})
        if twice:
            raise MethodError(bilingual(f"指标 {', '.join(twice)} 在体系树中出现多次",
                                        f"indicator(s) {', '.join(twice)} appear more than once in the index tree"))
        unused = [indicator.name for indicator in self.indicators if indicator.name not in used]
        if unused:
            raise MethodError(bilingual(f"指标 {', '.join(unused)} 未放入体系树",
                                        f"indicator(s) {', '.join(unused)} are defined but not used in the index tree"))
        node_names = [node.name for node in self.index.walk()]
        clashes = sorted({name for name in node_names if node_names.count(name) > 1} |
                         (set(node_names) & {indicator.name for indicator in self.indicators}))
        if clashes:
            raise MethodError(bilingual(
                f"层级名 {', '.join(clashes)} 重复",
                f"node name(s) {', '.join(clashes)} are not unique"))
        self._signed(self.index, {})

    def _check_stages(self) -> None:
        for indicator in self.indicators:
            outliers, normalisation = self.step(indicator, "outliers"), self.step(indicator, "normalisation")
            self.check_indicator_steps(indicator, outliers, normalisation)

    @staticmethod
    def check_indicator_steps(indicator: Indicator, outliers: StepConfig, normalisation: StepConfig) -> None:
        """The rules linking an indicator's stages (also used for Monte Carlo alternatives)."""
        if normalisation["method"] == "goalposts":
            if indicator.goalposts is None:
                raise MethodError(bilingual(f"指标 {indicator.name} 缺少 goalposts",
                                            f"indicator '{indicator.name}' uses goalposts normalisation but has no "
                                            "goalposts: {min, max}"))
            if outliers["method"] in TREATMENTS_CHANGING_UNITS:
                raise MethodError(bilingual(
                    f"指标 {indicator.name} 的固定上下限不适用于对数处理后的数值",
                    f"indicator '{indicator.name}': outlier treatment '{outliers['method']}' may log the values, "
                    "so fixed goalposts in the original units would not apply; use winsorise"))

    def _signed(self, node: Node, overrides: Mapping[str, StepConfig]) -> bool:
        """Whether the node's score can be negative; a mean that needs positive scores refuses such children."""
        signed_children = []
        for child in node.children:
            if isinstance(child, Node):
                signed = self._signed(child, overrides)
            else:
                indicator = self.indicator(child)
                signed = is_signed(overrides.get(child) or self.step(indicator, "normalisation"))
            if signed:
                signed_children.append(child if isinstance(child, str) else child.name)
        method = node.aggregation["method"]
        if signed_children and method in NEEDS_POSITIVE:
            how = "geometrically" if method == "geometric" else f"by a {method} mean"
            raise MethodError(bilingual(
                f"层级 {node.name} 用{method}平均，但 {', '.join(signed_children)} 的得分可为负",
                f"node '{node.name}' aggregates {how} but {', '.join(signed_children)} can score "
                "below zero (z-score, distance difference or Copeland); use min-max, goalposts, rank or "
                "distance ratio"))
        return method in SIGNED_AGGREGATIONS or (bool(signed_children) and method not in NEEDS_POSITIVE)

    def check_signs(self, normalisation: StepConfig | None, aggregation: StepConfig | Mapping[str, StepConfig] | None,
                    ) -> None:
        """Refuse a Monte Carlo combination of normalisation and aggregation that cannot be computed.

        ``aggregation``: one step for every node, or node name -> step for some nodes."""
        overrides = {} if normalisation is None else {i.name: normalisation for i in self.indicators}
        if aggregation is None:
            tree = self.index
        elif "method" in aggregation:
            tree = _with_aggregation(self.index, dict(aggregation))
        else:
            tree = _with_node_aggregations(self.index, cast(Mapping[str, StepConfig], aggregation))
        self._signed(tree, overrides)

    # -- access -------------------------------------------------------------------------------------
    def indicator(self, name: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.name == name:
                return indicator
        raise MethodError(bilingual(f"未知指标 '{name}'", f"unknown indicator '{name}'"))

    def step(self, indicator: Indicator, stage: Stage) -> StepConfig:
        """The step an indicator uses at a stage: its own override, else the method's default."""
        own: StepConfig | None = getattr(indicator, stage)
        if own is not None:
            return own
        default: StepConfig = getattr(self, stage)
        return default

    def nodes(self) -> list[Node]:
        return list(self.index.walk())

    # -- writing ------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The canonical document: every default written out; ``from_dict(to_dict())`` gives an equal method."""
        out: dict[str, Any] = {"format": FORMAT}
        for key in ("id", "version", "title", "description"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        out["defaults"] = {stage: dict(getattr(self, stage)) for stage in STAGES}
        out["indicators"] = [_indicator_dict(indicator) for indicator in self.indicators]
        out["index"] = _node_dict(self.index)
        if not self.ranking.is_default():  # left out when default, so older fingerprints stay valid
            out["ranking"] = self.ranking.to_dict()
        if self.screening is not None:
            out["screening"] = {"min_share": self.screening}
        return copy.deepcopy(out)  # the caller may edit it; the method's own step dicts stay untouched

    def __hash__(self) -> int:
        return hash(self.canonical_json())

    def canonical_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)

    def fingerprint(self) -> str:
        """sha256 (hex) of the canonical JSON: equal for documents that differ only in layout or defaults."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    def describe(self, lang: str = "en") -> str:
        """The method in words, for the web page and auditors (``lang`` is ``"en"`` or ``"zh"``)."""
        from luoshi.compindex.describe import describe_method

        return describe_method(self, lang)


def is_signed(normalisation: Mapping[str, Any]) -> bool:
    """Whether a normalisation step can give negative scores."""
    method = normalisation["method"]
    return method == "zscore" or (method in ("distance", "best") and normalisation.get("form") == "difference")


def _with_node_aggregations(node: Node, by_node: Mapping[str, StepConfig]) -> Node:
    children = tuple(
        child if isinstance(child, str) else _with_node_aggregations(child, by_node) for child in node.children)
    return Node(node.name, children, by_node.get(node.name, node.aggregation), node.weights, node.label, node.note)


def _with_aggregation(node: Node, aggregation: StepConfig) -> Node:
    children = tuple(
        child if isinstance(child, str) else _with_aggregation(child, aggregation) for child in node.children)
    return Node(node.name, children, aggregation, node.weights, node.label, node.note)


def load_method(path: str | Path) -> Method:
    """Read a method document from a .yaml/.yml or .json file."""
    location = Path(path)
    text = location.read_text(encoding="utf-8")
    return method_from_text(text, "json" if location.suffix.lower() == ".json" else "yaml")


def method_from_text(text: str, syntax: Literal["yaml", "json"] = "yaml") -> Method:
    try:
        document = json.loads(text) if syntax == "json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise MethodError(bilingual(
            "方法文件无法解析",
            f"method document is not valid {syntax}: {first_line}")) from None
    return Method.from_dict(document)


# -- validation helpers -------------------------------------------------------------------------------
def _no_unknown_keys(mapping: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    unknown = sorted(str(key) for key in mapping if key not in known)
    if unknown:
        raise MethodError(bilingual(f"{where} 含未知字段 {', '.join(unknown)}",
                                    f"unknown key(s) {', '.join(unknown)} in {where}; known: {', '.join(known)}"))


def _version(raw: object) -> str:
    if raw is None:
        raise MethodError(bilingual("缺少 version", "the method needs a non-empty 'version'"))
    if isinstance(raw, bool | float):
        hint = "; quote it, e.g. version: \"1.10\"" if isinstance(raw, float) else ""
        raise MethodError(bilingual("version 须为文本或整数", f"'version' must be a string or an integer{hint}"))
    if isinstance(raw, int):
        return str(raw)
    if not isinstance(raw, str) or not raw.strip():
        raise MethodError(bilingual("缺少 version", "the method needs a non-empty 'version'"))
    return raw.strip()


def _text(raw: object, where: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise MethodError(bilingual(f"{where} 须为文本", f"'{where}' must be a string"))
    return raw


def _name(raw: object, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise MethodError(bilingual(f"{where} 缺少名称", f"{where} needs a non-empty 'name'"))
    return raw.strip()


def _indicator(raw: object, where: str) -> Indicator:
    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, Mapping):
        raise MethodError(bilingual(f"{where} 须为映射", f"{where} must be a mapping or a name"))
    name = _name(raw.get("name"), where)
    where = f"indicator '{name}'"
    _no_unknown_keys(raw, _INDICATOR_KEYS, where)
    direction = raw.get("direction", "higher")
    if direction not in ("higher", "lower"):
        raise MethodError(bilingual(f"{where} 的 direction 须为 higher 或 lower",
                                    f"{where}: direction must be 'higher' or 'lower', got {direction!r}"))
    transforms = raw.get("transforms") or []
    if not isinstance(transforms, list):
        raise MethodError(bilingual(f"{where} 的 transforms 须为列表", f"{where}: transforms must be a list"))
    steps = tuple(TRANSFORMS.config(step, f"{where}.transforms[{i}]") for i, step in enumerate(transforms))
    goalposts, original = _goalposts(raw.get("goalposts"), where), None
    if goalposts is not None and _goalpost_units(raw.get("goalposts"), where) == "original":
        original = goalposts
        goalposts = transform_goalposts(original, steps, where)
    return Indicator(
        name=name,
        source=_name(raw.get("source", name), f"{where}.source"),
        direction=direction,
        label=_text(raw.get("label"), f"{where}.label"),
        unit=_text(raw.get("unit"), f"{where}.unit"),
        note=_text(raw.get("note"), f"{where}.note"),
        goalposts=goalposts,
        goalposts_original=original,
        transforms=steps,
        missing=None if raw.get("missing") is None else IMPUTERS.config(raw["missing"], f"{where}.missing"),
        outliers=(None if raw.get("outliers") is None
                  else OUTLIER_TREATMENTS.config(raw["outliers"], f"{where}.outliers")),
        normalisation=(None if raw.get("normalisation") is None
                       else NORMALISERS.config(raw["normalisation"], f"{where}.normalisation")),
    )


def _goalposts(raw: object, where: str) -> tuple[float, float] | None:
    if raw is None:
        return None
    if isinstance(raw, Mapping) and set(raw) - {"units"} == {"min", "max"}:
        low, high = raw["min"], raw["max"]
    elif isinstance(raw, list) and len(raw) == 2:
        low, high = raw
    else:
        raise MethodError(bilingual(
            f"{where} 的 goalposts 须为 {{min, max}}",
            f"{where}: goalposts must be {{min: a, max: b}}"))
    numbers = []
    for value in (low, high):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(float(value)):
            raise MethodError(bilingual(
                f"{where} 的 goalposts 须为有限数值",
                f"{where}: goalposts must be finite numbers"))
        numbers.append(float(value))
    if not numbers[0] < numbers[1]:
        raise MethodError(bilingual(f"{where} 的 goalposts 下限须小于上限", f"{where}: goalposts min must be < max"))
    return numbers[0], numbers[1]


def _screening(raw: object) -> float | None:
    if raw is None:
        return None
    share = raw.get("min_share") if isinstance(raw, Mapping) and set(raw) == {"min_share"} else None
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
        raise MethodError("'screening' must be {min_share: a share in (0, 1]}, e.g. {min_share: 0.66}",
                          code="bad_screening")
    return float(share)


def _goalpost_units(raw: object, where: str) -> str:
    units = raw.get("units", "transformed") if isinstance(raw, Mapping) else "transformed"
    if units not in ("transformed", "original"):
        raise MethodError(f"{where}: goalposts.units must be 'original' or 'transformed', got {units!r}",
                          code="bad_goalposts", params={"where": where, "units": units})
    return str(units)


def _refuse_self_nesting(document: Mapping[str, Any]) -> None:
    """A YAML anchor can put a mapping inside itself (``index: &a {children: [*a]}``); say so in one line
    instead of recursing until Python gives up."""
    path: list[int] = []  # ids of the containers on the way down
    places: list[str] = []

    def visit(value: object, place: str) -> None:
        if not isinstance(value, Mapping | list):
            return
        if id(value) in path:
            outer = places[path.index(id(value))]
            raise MethodError(
                f"the method document nests {outer or 'the document'} inside itself at {place} "
                "(a YAML alias refers to a node that contains it)",
                code="self_nesting", params={"outer": outer, "place": place})
        path.append(id(value))
        places.append(place)
        items = value.items() if isinstance(value, Mapping) else enumerate(value)
        for key, item in items:
            visit(item, f"{place}[{key}]" if isinstance(key, int) else f"{place}.{key}" if place else str(key))
        path.pop()
        places.pop()

    visit(document, "")


def _node(raw: object, where: str, indicators: set[str]) -> Node:
    if not isinstance(raw, Mapping):
        raise MethodError(bilingual(f"{where} 须为映射", f"{where} must be a mapping with name and children"))
    name = _name(raw.get("name"), where)
    where = f"node '{name}'"
    _no_unknown_keys(raw, _NODE_KEYS, where)
    raw_children = raw.get("children")
    if not isinstance(raw_children, list) or not raw_children:
        raise MethodError(bilingual(f"层级 {name} 没有下级", f"{where} needs a non-empty list of children"))
    children: list[Node | str] = []
    for i, child in enumerate(raw_children):
        if isinstance(child, str):
            if child not in indicators:
                raise MethodError(bilingual(f"层级 {name} 引用了未定义的指标 '{child}'",
                                            f"unknown indicator '{child}' in {where}"))
            children.append(child)
        else:
            children.append(_node(child, f"{where}.children[{i}]", indicators))
    node = Node(name=name, children=tuple(children),
                aggregation=AGGREGATORS.config(raw.get("aggregation", "arithmetic"), f"{where}.aggregation"),
                weights=_weights(raw.get("weights", "equal"), where,
                                 [c if isinstance(c, str) else c.name for c in children]),
                label=_text(raw.get("label"), f"{where}.label"), note=_text(raw.get("note"), f"{where}.note"))
    return node


def _weights(raw: object, where: str, children: list[str]) -> StepConfig:
    if isinstance(raw, Mapping) and "method" not in raw:
        raw = {"method": "explicit", "values": dict(raw)}  # shorthand: {child: weight}
    config = WEIGHTS.config(raw, f"{where}.weights")
    if config["method"] == "explicit":
        values: dict[str, float] = config["values"]
        missing, extra = sorted(set(children) - set(values)), sorted(set(values) - set(children))
        if missing or extra:
            detail = "; ".join(part for part in (
                f"no weight for {', '.join(missing)}" if missing else "",
                f"weight for unknown child {', '.join(extra)}" if extra else "") if part)
            raise MethodError(bilingual(
                f"{where} 的权重与下级不一致",
                f"weights at {where} do not match its children: {detail}"))
        total = sum(values.values())
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            raise MethodError(bilingual(
                f"{where} 的权重之和为 {total:g}，应为 1",
                f"weights at {where} sum to {total:g}, not 1"))
    return config


def _indicator_dict(indicator: Indicator) -> dict[str, Any]:
    out: dict[str, Any] = {"name": indicator.name, "source": indicator.source, "direction": indicator.direction}
    for key in ("label", "unit", "note"):
        if getattr(indicator, key):
            out[key] = getattr(indicator, key)
    if indicator.goalposts_original is not None:
        low, high = indicator.goalposts_original
        out["goalposts"] = {"min": low, "max": high, "units": "original"}
    elif indicator.goalposts is not None:
        out["goalposts"] = {"min": indicator.goalposts[0], "max": indicator.goalposts[1]}
    if indicator.transforms:
        out["transforms"] = [dict(step) for step in indicator.transforms]
    for stage in STAGES:
        own = getattr(indicator, stage)
        if own is not None:
            out[stage] = dict(own)
    return out


def _node_dict(node: Node) -> dict[str, Any]:
    out: dict[str, Any] = {"name": node.name}
    for key in ("label", "note"):
        if getattr(node, key):
            out[key] = getattr(node, key)
    out["aggregation"] = dict(node.aggregation)
    out["weights"] = dict(node.weights)
    out["children"] = [child if isinstance(child, str) else _node_dict(child) for child in node.children]
    return out


__all__ = ["FORMAT", "Indicator", "Method", "Node", "is_signed", "load_method", "method_from_text"]
