"""The assessment part of `manage.py demo`: the 2018 rubrics of both groups, so the assessment pages have
something to show.

City departments: a rubric with weight on the indicator targets, published (its scores computed from the demo's
example reports and illustrative figures as of the demo's date), and one pending appeal by 市科技局 with an
evidence file. Districts and pilot zones: a draft with one office bonus, for the preview. Every rubric carries
the note DEMO_NOTE, which every assessment page, score sheet and export shows; the reasons and the evidence say
【示例】 too. Everything goes through the services (audited), and a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from luoshi.orgs.choices import Role
from luoshi.orgs.models import User
from luoshi.plans.models import Plan

from .choices import AdjustmentKind, RubricStatus, UnitGroup
from .models import Appeal, Rubric, Score
from .scoring import Event, results_compute, units_assessed
from .services import adjustment_add, appeal_file, rubric_create, rubric_publish

DEMO_MARK = "【示例】"
DEMO_NOTE = "示例数据，非真实考核结果（演示用）"
# The demo's weights: the default five components, rescaled so that with indicator targets they make 100.
DEMO_WEIGHTS = {"weight_completion": Decimal(35), "weight_timeliness": Decimal(25), "weight_quality": Decimal(10),
                "weight_reminders": Decimal(10), "weight_extensions": Decimal(10), "weight_indicators": Decimal(10)}
APPEALING_UNIT = "市科技局"
BONUS_UNIT = "高新区管委会"
APPEAL_REASON = (f"{DEMO_MARK}该项工作已按期完成，相关材料已于截止日前通过邮件报送督查室，"
                 "系统未及时录入，附报送记录。")
EVIDENCE_NAME = "示例佐证材料-报送记录.txt"
EVIDENCE_TEXT = (f"{DEMO_MARK}报送记录（示例材料，非真实文件）\n"
                 "发件单位：市科技局\n收件单位：市政府督查室\n内容：进展情况及佐证材料\n")
BONUS_REASON = f"{DEMO_MARK}获评国家级科技创新示范单位"


@dataclass
class DemoAssessmentLoaded:
    """What one run created (empty on a second run)."""

    rubrics: list[Rubric] = field(default_factory=list)
    appeals: list[Appeal] = field(default_factory=list)


def _demo_rubric(*, actor: Any, year: int, unit_group: str) -> Rubric | None:
    """The group's demo rubric, created unless the year already has one for the group (then None)."""
    if Rubric.objects.filter(year=year, unit_group=unit_group).exists():
        return None
    return rubric_create(actor=actor, year=year, unit_group=unit_group, values={**DEMO_WEIGHTS, "note": DEMO_NOTE})


def _appealable(score: Score) -> Event | None:
    """The deduction the demo appeals: a report's timeliness first (the usual case), else any deduction."""
    deductions = [e for e in map(Event.from_json, score.trace) if e.points < 0 and not e.reversed]
    return next((e for e in deductions if e.component == "timeliness"), deductions[0] if deductions else None)


@transaction.atomic
def assessment_demo_load(*, actor: Any, plan: Plan, today: dt.date) -> DemoAssessmentLoaded:
    """Load the assessment demo for the plan's year as of `today` (idempotent). `actor` is the office account."""
    loaded = DemoAssessmentLoaded()
    year = plan.year
    if year is None:
        return loaded

    departments = _demo_rubric(actor=actor, year=year, unit_group=UnitGroup.DEPARTMENTS)
    if departments is not None:
        loaded.rubrics.append(departments)
        if results_compute(departments, as_of=today):   # publishable only when some unit is assessed
            departments = rubric_publish(actor=actor, rubric=departments)
            score = Score.objects.filter(rubric=departments, unit__name=APPEALING_UNIT).first()
            liaison = (User.objects.filter(unit__name=APPEALING_UNIT, role=Role.LIAISON, is_active=True)
                       .order_by("pk").first())
            deduction = _appealable(score) if score is not None else None
            if (score is not None and liaison is not None and deduction is not None
                    and departments.status == RubricStatus.PUBLISHED):
                evidence = SimpleUploadedFile(EVIDENCE_NAME, EVIDENCE_TEXT.encode("utf-8"), content_type="text/plain")
                loaded.appeals.append(appeal_file(actor=liaison, score=score, event_key=deduction.key,
                                                  reason=APPEAL_REASON, evidence=[evidence]))

    districts = _demo_rubric(actor=actor, year=year, unit_group=UnitGroup.DISTRICTS)
    if districts is not None:
        loaded.rubrics.append(districts)
        bonus_unit = units_assessed(year=year, unit_group=UnitGroup.DISTRICTS).filter(name=BONUS_UNIT).first()
        if bonus_unit is not None:
            adjustment_add(actor=actor, rubric=districts, unit=bonus_unit, kind=AdjustmentKind.BONUS,
                           points=Decimal(2), reason=BONUS_REASON)
    return loaded
