"""docs/compindex.md documents every option of the method document: each registered step and parameter."""

from __future__ import annotations

from pathlib import Path

import pytest

from luoshi.compindex import AGGREGATORS, IMPUTERS, NORMALISERS, OUTLIER_TREATMENTS, TRANSFORMS, WEIGHTS
from luoshi.compindex.method import _INDICATOR_KEYS, _NODE_KEYS, _TOP_KEYS

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "compindex.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("registry", [TRANSFORMS, IMPUTERS, OUTLIER_TREATMENTS, NORMALISERS, WEIGHTS, AGGREGATORS],
                         ids=lambda registry: registry.stage)
def test_it_documents_every_step_and_parameter(registry: object) -> None:
    for name in registry.names():  # type: ignore[attr-defined]
        step = registry.get(name)  # type: ignore[attr-defined]
        assert f"`{name}`" in DOCS, name
        for param in step.params:
            assert f"`{param.name}`" in DOCS or f"{param.name}:" in DOCS, f"{name}.{param.name}"


def test_it_documents_every_key_of_the_document() -> None:
    for key in (*_TOP_KEYS, *_INDICATOR_KEYS, *_NODE_KEYS, "units", "round", "ties", "min_share"):
        assert f"`{key}`" in DOCS, key
