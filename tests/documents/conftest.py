"""A November 2019 of the small plan with something for every part of the circular, built in the database
(the workflow itself is tested in tests/reports). As of 2019-12-20 (the November reports were due 12-05):

- 市科技局, item 1: reported on time, progress 滞后 (lagging); item 4: reported late.
- 市财政局, item 1: reported on time, closed 2019-12-01 (before the year-end deadline).
- 市经信委, item 2: deadline 2019-11-30 passed while open (overdue), November report missing, chased twice.
- 高新区管委会, item 3: reported on time; the other pilot zones have not reported.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from luoshi.plans.choices import AssignmentStatus
from luoshi.plans.models import Assignment, Plan
from luoshi.reports.choices import ReminderKind, ReportStatus, ReviewAction
from luoshi.reports.models import Reminder, Report, ReportingPeriod, Review, TargetActual

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = dt.date(2019, 12, 20)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=SHANGHAI)


@dataclass
class November:
    plan: Plan
    period: ReportingPeriod
    kjj1: Assignment
    kjj4: Assignment
    czj1: Assignment
    jxw2: Assignment
    lagging_report: Report


def _assignment(plan: Plan, key: str, unit: str) -> Assignment:
    found: Assignment = Assignment.objects.select_related("unit").get(task__plan=plan, task__key=key,
                                                                      unit__name=unit)
    return found


def _report(a: Assignment, period: ReportingPeriod, actor: Any, *, submitted: str, late: bool = False,
            progress: str = "on_track", narrative: str = "【示例】按计划推进。") -> Report:
    report: Report = Report.objects.create(assignment=a, period=period, status=ReportStatus.ACCEPTED,
                                           progress=progress, narrative=narrative, submitted_at=at(submitted),
                                           accepted_at=at(submitted), is_late=late, created_by=actor)
    return report


@pytest.fixture
def today() -> Iterator[dt.date]:
    with override_settings(LUOSHI_TODAY=AS_OF):
        yield AS_OF


@pytest.fixture
def november(published_plan: Plan, personas: Any, today: dt.date) -> November:
    plan = published_plan
    # Published on 1 November: November is the first report owed (nothing overdue from before the story).
    Plan.objects.filter(pk=plan.pk).update(published_at=at("2019-11-01"))
    plan.refresh_from_db()
    period = plan.periods.get(start=dt.date(2019, 11, 1))
    kjj1, kjj4 = _assignment(plan, "二/(一)/1", "市科技局"), _assignment(plan, "二/(二)/4", "市科技局")
    czj1, jxw2 = _assignment(plan, "二/(一)/1", "市财政局"), _assignment(plan, "二/(一)/2", "市经信委")
    office = personas.supervisor

    lagging = _report(kjj1, period, personas.lead_liaison, submitted="2019-12-03", progress="lagging",
                      narrative="【示例】企业评价进度滞后，正在协调第三方机构。")
    Review.objects.create(report=lagging, action=ReviewAction.RETURN, comment="【示例】请说明滞后原因。", actor=office)
    Review.objects.create(report=lagging, action=ReviewAction.ACCEPT, comment="【示例】同意。", actor=office)
    TargetActual.objects.create(report=lagging, target=kjj1.task.targets.get(), value=1200)
    _report(kjj4, period, personas.lead_liaison, submitted="2019-12-09", late=True)
    _report(czj1, period, personas.support_liaison, submitted="2019-12-02")
    Assignment.objects.filter(pk=czj1.pk).update(status=AssignmentStatus.CLOSED, closed_at=at("2019-12-01"),
                                                 deadline=dt.date(2019, 12, 31))
    Assignment.objects.filter(pk=jxw2.pk).update(deadline=dt.date(2019, 11, 30))
    Reminder.objects.create(assignment=jxw2, period=period, kind=ReminderKind.OVERDUE)
    Reminder.objects.create(assignment=jxw2, period=period, kind=ReminderKind.MANUAL, sent_by=office)
    _report(_assignment(plan, "二/(二)/3", "高新区管委会"), period, office, submitted="2019-12-04")
    return November(plan=plan, period=period, kjj1=kjj1, kjj4=kjj4, czj1=czj1, jxw2=jxw2, lagging_report=lagging)


def pdf_to_png(pdf: bytes, name: str, tmp_path: Path) -> list[Path]:
    """Every page of `pdf` as out/screenshots/pdf-<name>-<page>.png (150 dpi), for a person to look at."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"pdf-{name}-*.png"):
        old.unlink()
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "110", "-png", str(source), str(SCREENSHOTS / f"pdf-{name}")], check=True,
                   timeout=120)
    pages = sorted(SCREENSHOTS.glob(f"pdf-{name}-*.png"))
    assert pages, "pdftoppm wrote no page"
    return pages


@pytest.fixture
def rendered_html(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML of every PDF rendered during the test (for the layout check), in order."""
    from luoshi.documents import pdf

    seen: list[str] = []
    original = pdf.html_to_pdf

    def recording(html: str) -> bytes:
        seen.append(html)
        return original(html)

    monkeypatch.setattr(pdf, "html_to_pdf", recording)
    return seen
