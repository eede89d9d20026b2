"""Method documents: validation with one-line errors, canonical round trip, fingerprint, words."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from luoshi.compindex import Method, MethodError, load_method, method_from_text

TAI = Path(__file__).parent / "fixtures" / "tai" / "method.yaml"


def document() -> dict[str, Any]:
    return {
        "id": "demo",
        "version": "2024.1",
        "defaults": {"normalisation": {"method": "goalposts"}, "missing": "peer_mean"},
        "indicators": [
            {"name": "a", "goalposts": {"min": 0, "max": 10}},
            {"name": "b", "direction": "lower", "goalposts": {"min": 0, "max": 5}},
            {"name": "c", "goalposts": [1, 2], "transforms": [{"method": "log10"}]},
        ],
        "index": {"name": "index", "weights": {"p": 0.6, "c": 0.4}, "children": [
            {"name": "p", "aggregation": "geometric", "children": ["a", "b"]},
            "c",
        ]},
    }


def refused(changes: Any) -> str:
    broken = document()
    changes(broken)
    with pytest.raises(MethodError) as caught:
        Method.from_dict(broken)
    message = str(caught.value)
    assert "\n" not in message and "(" in message  # one line, Chinese then English in parentheses
    return message


def test_it_accepts_a_valid_document_and_fills_in_defaults() -> None:
    method = Method.from_dict(document())
    assert method.missing == {"method": "peer_mean"}
    assert method.outliers == {"method": "none"}
    assert method.normalisation == {"method": "goalposts", "clip": True}
    assert method.index.children[0].aggregation == {"method": "geometric", "zeros": "floor", "floor": 0.01}  # type: ignore[union-attr]
    assert method.index.weights == {"method": "explicit", "values": {"c": 0.4, "p": 0.6}}


def test_it_round_trips_through_the_canonical_dict() -> None:
    method = Method.from_dict(document())
    again = Method.from_dict(method.to_dict())
    assert again == method
    assert again.to_dict() == method.to_dict()
    assert json.loads(json.dumps(method.to_dict())) == method.to_dict()


def test_it_fingerprints_the_canonical_form_not_the_layout() -> None:
    plain = Method.from_dict(document())
    spelled_out = document()
    spelled_out["defaults"]["outliers"] = {"method": "none"}
    spelled_out["indicators"][0]["goalposts"] = {"min": 0.0, "max": 10.0}
    spelled_out["index"]["children"][0]["weights"] = {"method": "equal"}
    assert Method.from_dict(spelled_out).fingerprint() == plain.fingerprint()
    assert len(plain.fingerprint()) == 64
    moved = document()
    moved["indicators"][0]["goalposts"]["max"] = 11
    assert Method.from_dict(moved).fingerprint() != plain.fingerprint()


def test_it_reads_the_same_method_from_yaml_and_json() -> None:
    from_yaml = load_method(TAI)
    from_json = method_from_text(json.dumps(yaml.safe_load(TAI.read_text(encoding="utf-8"))), "json")
    assert from_json.fingerprint() == from_yaml.fingerprint()


def test_it_states_the_method_in_english_and_chinese() -> None:
    method = load_method(TAI)
    english, chinese = method.describe("en"), method.describe(lang="zh")
    assert "goalposts 0 to 994" in english and "goalposts 1.342423 to 3.84317" in english
    assert "weighted arithmetic mean of patents, royalties, with equal weights" in english
    assert "a missing value counts as 0" in english
    assert method.fingerprint()[:12] in english and method.fingerprint()[:12] in chinese
    assert "越高越好" in chinese and "等权" in chinese and "缺失值按 0 计" in chinese
    with pytest.raises(MethodError):
        method.describe("fr")


def test_it_describes_geometric_zero_rules_and_lower_is_better() -> None:
    english = Method.from_dict(document()).describe()
    assert "lower is better" in english
    assert "weighted geometric mean (rule for scores <= 0: floor, floor 0.01)" in english
    assert "expert weights c 0.4, p 0.6" in english


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["index"].update(weights={"p": 0.5, "c": 0.4}), "sum to 0.9, not 1"),
    (lambda d: d["index"].update(weights={"p": 0.6, "q": 0.4}), "no weight for c; weight for unknown child q"),
    (lambda d: d["index"].update(weights={"p": 1.2, "c": -0.2}), "must be >= 0"),
    (lambda d: d["index"]["children"].append("zz"), "unknown indicator 'zz'"),
    (lambda d: d["index"]["children"][0]["children"].append("c"), "c appear more than once"),
    (lambda d: d["indicators"].append({"name": "d", "goalposts": [0, 1]}), "d are defined but not used"),
    (lambda d: d["indicators"].append({"name": "a"}), "duplicate indicator a"),
    (lambda d: d["defaults"].update(normalisation="minmux"), "unknown normalisation step 'minmux'"),
    (lambda d: d["defaults"].update(missing={"method": "peer_mean", "radius": 2}), "unknown parameter(s) radius"),
    (lambda d: d["defaults"].update(missing="constant"), "needs 'value'"),
    (lambda d: d["indicators"][0].pop("goalposts"), "indicator 'a' uses goalposts normalisation but has no goalposts"),
    (lambda d: d["indicators"][0].update(goalposts={"min": 3, "max": 3}), "goalposts min must be < max"),
    (lambda d: d["indicators"][0].update(goalposts={"low": 0, "high": 1}), "goalposts must be {min: a, max: b}"),
    (lambda d: d["indicators"][0].update(direction="up"), "direction must be 'higher' or 'lower'"),
    (lambda d: d["indicators"][0].update(transforms=[{"method": "sqrt"}]), "unknown transform step 'sqrt'"),
    (lambda d: d["indicators"][0].update(transforms=[{"method": "cap"}]), "needs 'min' or 'max'"),
    (lambda d: d["indicators"][0].update(colour="red"), "unknown key(s) colour"),
    (lambda d: d.update(weighting="equal"), "unknown key(s) weighting"),
    (lambda d: d.update(version=1.1), "quote it"),
    (lambda d: d.pop("version"), "non-empty 'version'"),
    (lambda d: d.pop("index"), "missing 'index'"),
    (lambda d: d.update(indicators=[]), "'indicators' must be a non-empty list"),
    (lambda d: d["index"]["children"][0].update(children=[]), "needs a non-empty list of children"),
    (lambda d: d["index"].update(name="p"), "node name(s) p are not unique"),
    (lambda d: d["index"].update(aggregation={"method": "geometric", "zeros": "ignore"}),
     "must be one of floor, error"),
    (lambda d: d["defaults"].update(outliers="auto"), "fixed goalposts in the original units would not apply"),
    (lambda d: d["index"]["children"][0].update(aggregation="median"), "unknown aggregation step 'median'"),
    (lambda d: d["index"].update(weights={"method": "pca", "rotation": "oblimin"}), "must be one of varimax, none"),
    (lambda d: d.update(format="other/2"), "unsupported format"),
])
def test_it_refuses_bad_documents_with_one_line_errors(change: Any, expected: str) -> None:
    assert expected in refused(change)


def test_it_refuses_geometric_aggregation_of_scores_that_can_be_negative() -> None:
    def to_zscore(d: dict[str, Any]) -> None:
        d["defaults"]["normalisation"] = "zscore"

    assert "node 'p' aggregates geometrically but a, b can score below zero" in refused(to_zscore)


def test_it_refuses_things_that_are_not_documents() -> None:
    with pytest.raises(MethodError, match="must be a mapping"):
        Method.from_dict(["not", "a", "mapping"])  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="not valid yaml"):
        method_from_text("version: [1,\n")
    with pytest.raises(MethodError, match="not valid json"):
        method_from_text("{", "json")


def test_it_does_not_change_the_document_it_reads() -> None:
    original = document()
    kept = copy.deepcopy(original)
    Method.from_dict(original)
    assert original == kept


def test_it_hands_out_copies_and_hashes_by_content() -> None:
    method = Method.from_dict(document())
    exported = method.to_dict()
    exported["index"]["weights"]["values"]["p"] = 0.9
    assert method.index.weights["values"]["p"] == 0.6
    assert hash(Method.from_dict(method.to_dict())) == hash(method)
