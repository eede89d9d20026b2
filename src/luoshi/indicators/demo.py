"""The indicators part of `manage.py demo`: catalogue, regions, the plan's targets, ILLUSTRATIVE figures
for Dalian's districts, counties and pilot zones (2016-2018), an example index method, and computed and
published 2017 and 2018 editions of the index.

The figures (data/demo-figures.yaml) are made up for the demo and are not official statistics: they are
stored marked `illustrative`, and every page that shows them or an edition computed from them says so.
Everything goes through the services (audited), and a second run changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from luoshi.plans.models import Plan

from .catalogue import BUILTIN_CATALOGUE, catalogue_parse
from .choices import DataSource, EditionState, EditionStatus
from .index import index_edition_compute, index_edition_publish, index_method_save
from .models import IndexEdition, Indicator, ObservationUpload
from .services import catalogue_import, observations_upload, regions_sync, targets_match

DATA = Path(__file__).parent / "data"
DEMO_FIGURES = DATA / "demo-figures.yaml"
DEMO_METHOD = DATA / "demo-index-method.yaml"
DEMO_EDITION_YEARS = (2017, 2018)
DEMO_DRAWS = 1000
DEMO_NOTE = "示例数据计算（非官方）"


@dataclass
class DemoIndicatorsLoaded:
    """What one run created (all zero on a second run)."""

    indicators: int = 0
    targets: int = 0
    figures: int = 0
    editions: list[IndexEdition] = field(default_factory=list)


def demo_figures_sheets(path: Path = DEMO_FIGURES) -> list[tuple[str, bytes, int]]:
    """The demo figures as long-format CSV sheets (filename, bytes, through_month), one per period kind.

    Refuses a file that does not declare itself illustrative: the loader marks every figure as such.
    """
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or document.get("illustrative") is not True:
        raise ValueError(f"{path}: demo figures must declare `illustrative: true`")
    years = [int(y) for y in document["years"]]
    sheets = []
    for key, month, name in (("figures", 12, "demo-figures-illustrative.csv"),
                             ("half_year", 6, "demo-half-year-illustrative.csv")):
        table = document.get(key) or {}
        if not table:
            continue
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["地区", "指标", "年度", "月份", "数值"])
        for region, series in table.items():
            for code, values in series.items():
                for year, value in zip(years, values, strict=True):
                    if value is not None:   # a blank is left missing on purpose (see the file's header)
                        writer.writerow([region, code, year, month, value])
        sheets.append((name, out.getvalue().encode("utf-8"), month))
    return sheets


@transaction.atomic
def indicators_demo_load(*, actor: Any, plan: Plan | None = None) -> DemoIndicatorsLoaded:
    """Load the indicators demo (idempotent). `actor` is the office account that does it; `plan`, when
    given, has its parsed targets matched to the catalogue (so accepted reports' actuals become figures)."""
    loaded = DemoIndicatorsLoaded()
    before = Indicator.objects.count()
    catalogue_import(actor=actor, entries=catalogue_parse(BUILTIN_CATALOGUE.read_text(encoding="utf-8")))
    loaded.indicators = Indicator.objects.count() - before
    regions_sync(actor=actor)
    if plan is not None:
        loaded.targets = len(targets_match(actor=actor, plan=plan).created)
    for filename, data, month in demo_figures_sheets():
        if ObservationUpload.objects.filter(sha256=hashlib.sha256(data).hexdigest()).exists():
            continue
        upload = observations_upload(actor=actor, data=data, filename=filename, year=max(DEMO_EDITION_YEARS),
                                     through_month=month, source=DataSource.OFFICIAL, illustrative=True)
        loaded.figures += upload.row_count
    method = index_method_save(actor=actor, text=DEMO_METHOD.read_text(encoding="utf-8"))
    for year in DEMO_EDITION_YEARS:
        if IndexEdition.objects.filter(method=method, year=year, state=EditionState.DONE,
                                       status=EditionStatus.PUBLISHED).exists():
            continue
        edition = index_edition_compute(actor=actor, method=method, year=year, draws=DEMO_DRAWS, note=DEMO_NOTE)
        loaded.editions.append(index_edition_publish(actor=actor, edition=edition))
    return loaded
