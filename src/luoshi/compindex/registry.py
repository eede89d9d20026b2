"""Named, swappable steps: each stage of the Handbook pipeline is a registry of name -> step.

A method document picks steps by name and gives their parameters; the registry validates the
parameters (type, range, required) and fills in defaults, so the stored document is explicit and
its fingerprint does not depend on how the author abbreviated it. New steps can be registered at run
time with ``Registry.register`` (a method that uses them is only portable where they are registered).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from luoshi.compindex.errors import MethodError, bilingual

StepConfig = dict[str, Any]
"""A validated step: ``{"method": name, param: value, ...}`` with defaults filled in and ``None`` left out."""

ParamKind = Literal["number", "integer", "string", "boolean", "number_map", "groups", "names"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Param:
    """One parameter of a step. ``required`` params have no default; ``default=None`` means "not set"."""

    name: str
    kind: ParamKind
    default: Any = None
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    positive: bool = False

    def check(self, value: object, where: str) -> Any:
        place = f"{where}.{self.name}"
        if self.kind == "number":
            number = _number(value, place)
            self._check_range(number, place)
            return number
        if self.kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                raise MethodError(bilingual(f"{place} 须为整数", f"{place} must be an integer, got {value!r}"))
            self._check_range(float(value), place)
            return value
        if self.kind == "boolean":
            if not isinstance(value, bool):
                raise MethodError(bilingual(f"{place} 须为 true 或 false", f"{place} must be true or false"))
            return value
        if self.kind == "string":
            if not isinstance(value, str) or not value:
                raise MethodError(bilingual(f"{place} 须为非空文本", f"{place} must be a non-empty string"))
            if self.choices and value not in self.choices:
                raise MethodError(bilingual(
                    f"{place} 的取值 '{value}' 无效",
                    f"{place} must be one of {', '.join(self.choices)}, got '{value}'"))
            return value
        if self.kind == "number_map":
            if not isinstance(value, Mapping) or not value:
                raise MethodError(bilingual(f"{place} 须为 名称: 数值 映射", f"{place} must be a mapping name: number"))
            checked = {str(key): _number(item, f"{place}.{key}") for key, item in value.items()}
            for key, number in checked.items():
                self._check_range(number, f"{place}.{key}")
            return dict(sorted(checked.items()))
        if self.kind == "names":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not value or not all(isinstance(m, str) and m for m in value):
                raise MethodError(f"{place} must be a name or a list of names", code="bad_parameter",
                                  params={"place": place})
            return list(value)
        # groups: name -> list of region names
        if not isinstance(value, Mapping) or not value:
            raise MethodError(bilingual(f"{place} 须为 组名: [地区...] 映射", f"{place} must map group -> [regions]"))
        groups: dict[str, list[str]] = {}
        for key, members in value.items():
            if not isinstance(members, list) or not all(isinstance(m, str) and m for m in members) or not members:
                raise MethodError(bilingual(
                    f"{place}.{key} 须为地区名列表",
                    f"{place}.{key} must be a list of regions"))
            groups[str(key)] = list(members)
        return dict(sorted(groups.items()))

    def _check_range(self, number: float, place: str) -> None:
        if self.minimum is not None and number < self.minimum:
            raise MethodError(bilingual(f"{place} 不能小于 {self.minimum:g}", f"{place} must be >= {self.minimum:g}"))
        if self.maximum is not None and number > self.maximum:
            raise MethodError(bilingual(f"{place} 不能大于 {self.maximum:g}", f"{place} must be <= {self.maximum:g}"))
        if self.positive and number <= 0:
            raise MethodError(bilingual(f"{place} 须为正数", f"{place} must be > 0"))


def _number(value: object, place: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(float(value)):
        raise MethodError(bilingual(f"{place} 须为有限数值", f"{place} must be a finite number, got {value!r}"))
    return float(value)


@dataclass(frozen=True)
class Step(Generic[F]):
    """A named step: the function, its parameters, and how to say it in words (format strings over params)."""

    name: str
    function: F
    params: tuple[Param, ...] = ()
    en: str = ""
    zh: str = ""
    validate: Callable[[StepConfig, str], None] | None = None


@dataclass
class Registry(Generic[F]):
    """The steps of one stage, in registration order (the order is the order shown to users)."""

    stage: str
    stage_zh: str
    _steps: dict[str, Step[F]] = field(default_factory=dict)

    def register(self, step: Step[F], *, replace: bool = False) -> Step[F]:
        if step.name in self._steps and not replace:
            raise ValueError(f"{self.stage} step {step.name!r} is already registered")
        self._steps[step.name] = step
        return step

    def names(self) -> tuple[str, ...]:
        return tuple(self._steps)

    def __contains__(self, name: object) -> bool:
        return name in self._steps

    def get(self, name: str, where: str = "") -> Step[F]:
        try:
            return self._steps[name]
        except KeyError:
            place = f"（{where}）" if where else ""
            raise MethodError(bilingual(
                f"未知的{self.stage_zh}方法 '{name}'{place}",
                f"unknown {self.stage} step '{name}'{' at ' + where if where else ''}; known: {', '.join(self._steps)}",
            )) from None

    def config(self, raw: object, where: str) -> StepConfig:
        """Validate a step as written in a method document (a name, or a mapping with ``method``)."""
        if isinstance(raw, str):
            name, given = raw, {}
        elif isinstance(raw, Mapping):
            named = raw.get("method")
            if not isinstance(named, str):
                raise MethodError(bilingual(f"{where} 缺少 method", f"{where} needs a 'method' name"))
            name, given = named, {str(key): value for key, value in raw.items() if key != "method"}
        else:
            raise MethodError(bilingual(
                f"{where} 须为方法名或映射", f"{where} must be a {self.stage} step name or a mapping with 'method'"))
        step = self.get(name, where)
        known = {param.name: param for param in step.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise MethodError(bilingual(
                f"{where} 含未知参数 {', '.join(unknown)}",
                f"unknown parameter(s) {', '.join(unknown)} for {self.stage} step '{name}' at {where}; "
                f"known: {', '.join(known) or 'none'}",
            ))
        out: StepConfig = {"method": name}
        for param in step.params:
            if param.name in given and given[param.name] is not None:
                out[param.name] = param.check(given[param.name], where)
            elif param.required:
                raise MethodError(bilingual(
                    f"{where} 缺少参数 {param.name}", f"{self.stage} step '{name}' at {where} needs '{param.name}'"))
            elif param.default is not None:
                out[param.name] = param.default
        if step.validate is not None:
            step.validate(out, where)
        return out

    def describe(self, config: Mapping[str, Any], lang: str) -> str:
        step = self.get(str(config["method"]))
        template = step.zh if lang == "zh" else step.en
        values = {param.name: _words(config.get(param.name), lang) for param in step.params}
        return template.format(**values) if template else str(config["method"])


def _words(value: object, lang: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, Mapping):
        return ", ".join(f"{key} {_words(item, lang)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
