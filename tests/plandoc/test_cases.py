"""Acceptance fixtures: realistic plans of the genre (fixtures/cases/*.yaml), each with its expected outline.

Each case file holds a document (`source`) and what the parser must produce (`expect`): the outline, one line
per node (label, then units as name:role, `*` when inherited), node counts per level, and optional checks of
metadata, single nodes, warnings, unknown units and groups. The expectations were written by hand from the
parser's specification, never copied from its output.

`test_it_keeps_every_case_file_consistent` needs no parser: it checks the files themselves.
"""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from luoshi.plandoc import Node, Plan, parse

CASES = Path(__file__).parent / "fixtures" / "cases"
CASE_FILES = sorted(CASES.glob("*.yaml"))
META_KEYS = ("title", "doc_number", "issuer", "issued_on", "addressees")
EXPECT_KEYS = frozenset({"counts", "outline", "nodes", "warnings_contain", "unknown_units", "groups", *META_KEYS})
NODE_KEYS = frozenset({"path", "category", "text", "text_startswith", "text_contains", "body_contains", "units",
                       "targets", "deadline", "refs"})
INDENT = "  "
DIRECTORY_TEXT = (Path(__file__).resolve().parents[2] / "src" / "luoshi" / "plandoc" / "data" / "units-dalian.yaml"
                  ).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Reading case files
# ---------------------------------------------------------------------------------------------


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: top level must be a mapping"
    return data


def _outline_lines(outline: str) -> list[str]:
    return [line.rstrip() for line in outline.splitlines() if line.strip()]


def _depth(line: str) -> int:
    stripped = line.lstrip(" ")
    return (len(line) - len(stripped)) // len(INDENT) + 1


def _outline_paths(outline: str) -> list[tuple[str, ...]]:
    """The label path of every outline line, from its indentation."""
    stack: list[str] = []
    paths: list[tuple[str, ...]] = []
    for line in _outline_lines(outline):
        depth = _depth(line)
        del stack[depth - 1:]
        stack.append(line.split()[0])
        paths.append(tuple(stack))
    return paths


# ---------------------------------------------------------------------------------------------
# Rendering a parsed plan in the outline format
# ---------------------------------------------------------------------------------------------


def render_outline(plan: Plan) -> str:
    lines = []
    for node in plan.nodes:
        units = " ".join(f"{u.name}:{u.role}{'*' if u.inherited else ''}" for u in node.units)
        lines.append(f"{INDENT * (node.level - 1)}{node.label} {units}".rstrip())
    return "\n".join(lines)


def _node_at(plan: Plan, path: list[str]) -> Node:
    for node in plan.nodes:
        if node.path == path:
            return node
    raise AssertionError(f"no node at path {path}; paths: {[n.path for n in plan.nodes][:40]}")


def _matches(actual: dict[str, Any], expected: dict[str, Any]) -> bool:
    """Only the keys the case gives are compared; numbers compare as floats."""
    for key, want in expected.items():
        got = actual.get(key)
        if isinstance(want, int | float) and not isinstance(want, bool) and isinstance(got, int | float):
            if abs(float(got) - float(want)) > 1e-9:
                return False
        elif got != (str(want) if key == "date" and want is not None else want):
            return False
    return True


def _check_list(kind: str, where: list[str], actual: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    assert len(actual) == len(expected), f"{where}: {kind} {actual} != expected {expected}"
    for got, want in zip(actual, expected, strict=True):
        assert _matches(got, want), f"{where}: {kind} {got} does not match {want}"


def _check_node(plan: Plan, spec: dict[str, Any]) -> None:
    path = [str(p) for p in spec["path"]]
    node = _node_at(plan, path)
    if "text" in spec:
        assert node.text == spec["text"], path
    if "text_startswith" in spec:
        assert node.text.startswith(spec["text_startswith"]), f"{path}: text {node.text!r}"
    if "text_contains" in spec:
        assert spec["text_contains"] in node.text, f"{path}: text {node.text!r}"
    if "body_contains" in spec:
        assert spec["body_contains"] in node.body, f"{path}: body {node.body!r}"
    if "units" in spec:
        got = [[u.name, u.role, u.inherited] for u in node.units]
        assert got == [list(u) for u in spec["units"]], path
    if "targets" in spec:
        _check_list("targets", path, [t.to_dict() for t in node.targets], spec["targets"])
    if "deadline" in spec:
        want = spec["deadline"]
        if want is None:
            assert node.deadline is None, f"{path}: unexpected deadline {node.deadline}"
        else:
            assert node.deadline is not None, f"{path}: no deadline, expected {want}"
            assert _matches(node.deadline.to_dict(), want), f"{path}: deadline {node.deadline} != {want}"
    if "refs" in spec:
        _check_list("refs", path, [r.to_dict() for r in node.refs], spec["refs"])
    if "category" in spec:
        assert node.category == spec["category"], f"{path}: category {node.category!r}"


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case_file", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_it_parses_the_case_as_expected(case_file: Path) -> None:
    case = _load(case_file)
    expect: dict[str, Any] = case["expect"]
    plan = parse(case["source"])

    want = "\n".join(_outline_lines(expect["outline"] or ""))
    got = render_outline(plan)
    if got != want:
        diff = "\n".join(difflib.unified_diff(want.splitlines(), got.splitlines(), "expected", "parsed",
                                              lineterm=""))
        pytest.fail(f"{case_file.stem}: {case['description']}\n{diff}", pytrace=False)

    assert Counter(n.level for n in plan.nodes) == Counter({int(k): v for k, v in (expect["counts"] or {}).items()})
    for key in META_KEYS:
        if key in expect:
            want_value = str(expect[key]) if key == "issued_on" else expect[key]
            assert getattr(plan, key) == want_value, key
    for spec in expect.get("nodes") or []:
        _check_node(plan, spec)
    for fragment in expect.get("warnings_contain") or []:
        assert any(fragment in w for w in plan.warnings), f"no warning mentions {fragment!r}: {plan.warnings}"
    units = {u.name: u for u in plan.units}
    for name in expect.get("unknown_units") or []:
        assert name in units and not units[name].known, f"{name} not reported unknown: {list(units)}"
    for name in expect.get("groups") or []:
        assert name in units and units[name].is_group, f"{name} not flagged as a group: {list(units)}"


def test_it_has_enough_cases() -> None:
    assert len(CASE_FILES) >= 20


@pytest.mark.parametrize("case_file", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_it_keeps_every_case_file_consistent(case_file: Path) -> None:
    """The case file alone: keys, indentation, counts from the outline, labels present in the source."""
    case = _load(case_file)
    assert set(case) == {"description", "source", "expect"}, case_file.name
    assert isinstance(case["description"], str) and case["description"].strip()
    source: str = case["source"]
    assert 15 <= len(source.splitlines()) <= 60, f"{case_file.name}: {len(source.splitlines())} source lines"
    expect: dict[str, Any] = case["expect"]
    assert set(expect) <= EXPECT_KEYS, set(expect) - EXPECT_KEYS
    outline = expect["outline"] or ""

    previous = 0
    for line in _outline_lines(outline):
        indent = len(line) - len(line.lstrip(" "))
        assert indent % len(INDENT) == 0, f"odd indentation: {line!r}"
        assert _depth(line) <= previous + 1, f"indentation jumps: {line!r}"
        previous = _depth(line)
        for unit in line.split()[1:]:
            name, _, role = unit.partition(":")
            assert name and role.rstrip("*") in ("lead", "support", "responsible"), f"bad unit {unit!r}"
            assert name in source or name in DIRECTORY_TEXT, f"unit {name!r} neither in the source nor the directory"
        assert line.split()[0] in source, f"label {line.split()[0]!r} not in the source"

    derived = Counter(_depth(line) for line in _outline_lines(outline))
    counts = {int(k): v for k, v in (expect["counts"] or {}).items()}
    assert dict(derived) == counts, f"{case_file.name}: outline has {dict(derived)}, counts say {counts}"

    paths = set(_outline_paths(outline))
    for spec in expect.get("nodes") or []:
        assert set(spec) <= NODE_KEYS, set(spec) - NODE_KEYS
        assert tuple(str(p) for p in spec["path"]) in paths, f"node path {spec['path']} not in the outline"
    if "issued_on" in expect:
        assert len(str(expect["issued_on"])) == 10, expect["issued_on"]
