"""The method in words (English or Chinese), generated from the method document itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from luoshi.compindex.aggregate import AGGREGATORS
from luoshi.compindex.errors import MethodError, bilingual
from luoshi.compindex.impute import IMPUTERS
from luoshi.compindex.normalise import NORMALISERS
from luoshi.compindex.registry import Registry
from luoshi.compindex.transform import TRANSFORMS
from luoshi.compindex.treat import OUTLIER_TREATMENTS
from luoshi.compindex.weight import WEIGHTS

if TYPE_CHECKING:
    from luoshi.compindex.method import Indicator, Method, Node

_WORDS = {
    "en": {
        "header": "{title}: method {id} version {version} (fingerprint {fingerprint}).",
        "indicators": "Indicators ({count}):",
        "higher": "higher is better", "lower": "lower is better",
        "source": "series {source}", "transforms": "transformed: {steps}",
        "goalposts": "goalposts {low:.10g} to {high:.10g}",
        "own": "own {stage}: {step}",
        "missing": "Missing data: {step}.", "outliers": "Outliers: {step}.",
        "normalisation": "Normalisation: {step}; every score is oriented so that higher is better.",
        "tree": "Structure, weights and aggregation (from the index down):",
        "node": "{name}: {aggregation} of {children}, with {weights}.",
        "contribution": "Contribution of an indicator: the index shared among the indicators in proportion to "
                        "weight x score at every level; with arithmetic aggregation throughout this is exactly the "
                        "indicator's overall weight x its score, and the contributions add up to the index. For a "
                        "geometric level it is an allocation, not a decomposition of the product.",
        "rank": "Ranks: 1 is the highest index; equal indices share the better rank.",
        "rank_rule": "Ranks: on the index rounded to {round} decimals (half away from zero); 1 is the highest; "
                     "equal values share {ties}.",
        "ties": {"min": "the better rank, and the next rank is skipped (1, 2, 2, 4)",
                 "dense": "a rank, and the next rank follows on (1, 2, 2, 3)"},
        "unrounded": "the unrounded",
        "skip_missing": " over the scores each region has (weights rescaled to sum to one)",
        "stage_names": {"missing": "missing-data rule", "outliers": "outlier rule", "normalisation": "normalisation"},
        "join": "; ",
    },
    "zh": {
        "header": "{title}：方法 {id}，版本 {version}（指纹 {fingerprint}）。",
        "indicators": "指标（{count} 个）：",
        "higher": "越高越好（正向）", "lower": "越低越好（逆向）",
        "source": "数据序列 {source}", "transforms": "变换：{steps}",
        "goalposts": "上下限 {low:.10g} 至 {high:.10g}",
        "own": "单独的{stage}：{step}",
        "missing": "缺失值：{step}。", "outliers": "异常值：{step}。",
        "normalisation": "归一化：{step}；所有得分都统一为越高越好。",
        "tree": "体系结构、权重与加总（自上而下）：",
        "node": "{name}：对 {children} 做{aggregation}，{weights}。",
        "contribution": "指标贡献：在每一层按“权重 × 得分”的比例分配上一层得分；"
                        "若各层都用算术平均，贡献恰为指标的总权重 × 得分，各指标贡献之和等于指数。"
                        "几何平均层的贡献是一种分配方式，不是乘积公式的分解。",
        "rank": "排名：指数最高者为第 1 名，指数相同者并列取较前名次。",
        "rank_rule": "排名：按保留 {round} 位小数（四舍五入）的指数排名，最高者为第 1 名；数值相同者{ties}。",
        "ties": {"min": "并列取较前名次，其后名次顺延跳过（1、2、2、4）",
                 "dense": "并列同一名次，其后名次紧接（1、2、2、3）"},
        "unrounded": "不取舍",
        "skip_missing": "（只对该地区有得分的项加总，权重按比例调整为和为 1）",
        "stage_names": {"missing": "缺失值处理", "outliers": "异常值处理", "normalisation": "归一化"},
        "join": "；",
    },
}


def describe_method(method: Method, lang: str = "en") -> str:
    if lang not in _WORDS:
        raise MethodError(bilingual(f"不支持的语言 {lang!r}", f"describe() speaks 'en' or 'zh', not {lang!r}"))
    words = _WORDS[lang]
    lines = [str(words["header"]).format(
        title=method.title or method.id or "Composite index", id=method.id or "—", version=method.version,
        fingerprint=method.fingerprint()[:12])]
    if method.description:
        lines.append(method.description)
    lines.append(str(words["indicators"]).format(count=len(method.indicators)))
    lines.extend(f"- {_indicator_words(indicator, lang)}" for indicator in method.indicators)
    lines.append(str(words["missing"]).format(step=IMPUTERS.describe(method.missing, lang)))
    lines.append(str(words["outliers"]).format(step=OUTLIER_TREATMENTS.describe(method.outliers, lang)))
    lines.append(str(words["normalisation"]).format(step=NORMALISERS.describe(method.normalisation, lang)))
    lines.append(str(words["tree"]))
    lines.extend(_node_lines(method.index, lang, 0))
    lines.append(str(words["contribution"]))
    rule = method.ranking
    if rule.is_default():
        lines.append(str(words["rank"]))
    else:
        ties = words["ties"]
        assert isinstance(ties, dict)
        decimals = str(words["unrounded"]) if rule.round is None else str(rule.round)
        lines.append(str(words["rank_rule"]).format(round=decimals, ties=ties[rule.ties]))
    return "\n".join(lines)


def _indicator_words(indicator: Indicator, lang: str) -> str:
    words = _WORDS[lang]
    title = f"{indicator.label} [{indicator.name}]" if indicator.label else indicator.name
    if indicator.unit:
        title += f" ({indicator.unit})"
    parts = [str(words[indicator.direction])]
    if indicator.source != indicator.name:
        parts.append(str(words["source"]).format(source=indicator.source))
    if indicator.transforms:
        steps = ", ".join(TRANSFORMS.describe(step, lang) for step in indicator.transforms)
        parts.append(str(words["transforms"]).format(steps=steps))
    if indicator.goalposts is not None:
        parts.append(str(words["goalposts"]).format(low=indicator.goalposts[0], high=indicator.goalposts[1]))
    registries: dict[str, Registry[Any]] = {
        "missing": IMPUTERS, "outliers": OUTLIER_TREATMENTS, "normalisation": NORMALISERS}
    stage_names = words["stage_names"]
    assert isinstance(stage_names, dict)
    for stage, registry in registries.items():
        own = getattr(indicator, stage)
        if own is not None:
            parts.append(str(words["own"]).format(stage=stage_names[stage], step=registry.describe(own, lang)))
    if indicator.note:
        parts.append(indicator.note)
    colon = ": " if lang == "en" else "："
    return f"{title}{colon}{str(words['join']).join(parts)}"


def _node_lines(node: Node, lang: str, depth: int) -> list[str]:
    name = f"{node.label} [{node.name}]" if node.label else node.name
    line = "  " * depth + "- " + str(_WORDS[lang]["node"]).format(
        name=name, children=", ".join(node.child_names),
        aggregation=AGGREGATORS.describe(node.aggregation, lang) + (
            str(_WORDS[lang]["skip_missing"]) if node.aggregation.get("skip_missing") else ""),
        weights=WEIGHTS.describe(node.weights, lang))
    lines = [line]
    for child in node.children:
        if not isinstance(child, str):
            lines.extend(_node_lines(child, lang, depth + 1))
    return lines
