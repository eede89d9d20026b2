"""Fixtures of the indicators tests: the built-in catalogue and the regions loaded for the personas' directory."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def catalogue(personas: Any) -> dict[str, Any]:
    from luoshi.indicators.catalogue import BUILTIN_CATALOGUE, catalogue_parse
    from luoshi.indicators.models import Indicator
    from luoshi.indicators.services import catalogue_import

    catalogue_import(actor=personas.supervisor,
                     entries=catalogue_parse(BUILTIN_CATALOGUE.read_text(encoding="utf-8")))
    return {i.code: i for i in Indicator.objects.all()}


@pytest.fixture
def regions(personas: Any) -> dict[str, Any]:
    from luoshi.indicators.services import regions_sync

    return {r.name: r for r in regions_sync(actor=personas.supervisor)}
