"""What each document is made of: context builders for the PDF templates and the background builders.

A background builder is `(user, params, progress) -> Built`; it scopes every read to what `user` may see
(the same helpers as the pages) and checks again what the request checked, because the user's role may
have changed between the request and the worker. `progress(percent, step)` reports how far it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from luoshi.assessment.models import Rubric, Score
from luoshi.core import clock
from luoshi.core.errors import DomainError
from luoshi.plans.access import access_plan
from luoshi.plans.choices import PlanStatus
from luoshi.plans.exports import XLSX_CONTENT_TYPE, ledger_export_file
from luoshi.plans.models import Plan, Task
from luoshi.plans.selectors import (
    RAG_OVERDUE_NOTE,
    RAG_RULE,
    deadline_display,
    history_items,
    sentence_segments,
    task_assignments,
    task_history,
)
from luoshi.reports.models import ReportingPeriod

from . import selectors
from .choices import DocumentKind
from .circular_docx import DOCX_CONTENT_TYPE, circular_docx
from .pdf import PDF_CONTENT_TYPE, render_pdf

Progress = Callable[[int, str], None]


@dataclass
class Built:
    filename: str
    content_type: str
    content: bytes


def default_issuer(plan: Plan) -> str:
    """The office named on circulars: settings.LUOSHI_CIRCULAR_ISSUER, else the plan's issuer."""
    return str(getattr(settings, "LUOSHI_CIRCULAR_ISSUER", "") or plan.issuer or _("督查室"))


# The form's default; the paragraph for named units (below) is added only when the circular names some.
DEFAULT_REQUIREMENTS = gettext_lazy("各单位要压实责任，按时报送进展，确保各项任务按期落实。")
NAMED_UNITS_REQUIREMENT = gettext_lazy(
    "请通报中点名的单位对照问题清单，逐项分析原因，明确整改措施和完成时限，于下一报送期截止日前报送整改情况。"
)


# --- the supervision circular ------------------------------------------------------------------------------


def circular_context(plan: Plan, period: ReportingPeriod, *, issuer: str, number: str, date: dt.date,
                     requirements: str, copy_to: str = "", progress: Progress | None = None) -> dict[str, Any]:
    """What the PDF template and the Word writer both print: the same sentences, figures and lists."""
    data = selectors.circular_data(plan, period, as_of=date)
    if progress:
        progress(40, _("正在绘制图表"))
    names_units = bool(data.problems or data.late_units)
    return {"plan": plan, "period": period, "issuer": issuer, "number": number, "date": date,
            "date_text": formats.date_format(date, "DATE_FORMAT"), "title": circular_title(plan, period),
            "summary": circular_summary(plan, period, date, data.figures),
            "late_units_text": late_units_sentence(data.late_units),
            "named_units_requirement": str(NAMED_UNITS_REQUIREMENT) if names_units else "",
            "requirements": requirements, "copy_to": copy_to.strip().rstrip("。."),
            "masthead_size": masthead_size(issuer), "c": data, "f": data.figures,
            "chart": selectors.circular_chart(data), "rag_rule": RAG_RULE, "rag_overdue_note": RAG_OVERDUE_NOTE,
            "method_note": "".join([str(CIRCULAR_METHOD), *(str(text) for _rag, text in RAG_RULE),
                                    str(RAG_OVERDUE_NOTE)])}


CIRCULAR_METHOD = gettext_lazy(
    "统计口径：报送期内应报进展的任务分工按报送状态计数（退回的报告须重新报送）；完成时限已过仍未办结为逾期；"
    "本期报告为“滞后”或“无法完成”为进展滞后；本期应报进展全部按时报送且无逾期、滞后事项的单位予以表扬。")

# GB/T 9704 7.2.2: the issuing office's mark is centred in red, no larger than the type area allows.
TYPE_AREA_WIDTH_PT = 442  # 156 mm


def masthead_size(issuer: str) -> int:
    """The masthead's font size in points: 36pt, smaller when the office's name would not fit on one line."""
    return max(16, min(36, TYPE_AREA_WIDTH_PT // max(len(issuer), 1)))


def circular_summary(plan: Plan, period: ReportingPeriod, date: dt.date, f: selectors.CircularFigures) -> str:
    """The opening paragraph: the plan's totals as of the date, the period's reports, the problems."""
    parts = [
        _("截至%(date)s，《%(plan)s》共有%(tasks)s项任务、%(assignments)s项任务分工，已办结%(closed)s项。") % {
            "date": formats.date_format(date, "DATE_FORMAT"), "plan": plan.title, "tasks": f.tasks,
            "assignments": f.assignments, "closed": f.closed},
        _("%(period)s应报送进展%(owed)s项，按时报送%(on_time)s项，逾期报送%(late)s项，逾期未报送%(missing)s项，"
          "尚未到报送截止日%(pending)s项，按时报送率%(rate)s%%。") % {
            "period": period.label, "owed": f.owed, "on_time": f.on_time, "late": f.late, "missing": f.missing,
            "pending": f.not_yet_due, "rate": f.on_time_rate},
        _("逾期未办结%(overdue)s项，进展滞后或无法完成%(lagging)s项。") % {
            "overdue": f.overdue, "lagging": f.lagging},
        _("现将有关情况通报如下。"),
    ]
    return "".join(parts)


def late_units_sentence(lines: list[selectors.UnitLine]) -> str:
    """"市科技局（逾期报送1项）、市经信委（未报送1项）。", or "" when every unit reported on time."""
    named = []
    for line in lines:
        counts = []
        if line.missing:
            counts.append(ngettext("未报送%(n)s项", "未报送%(n)s项", line.missing) % {"n": line.missing})
        if line.late:
            counts.append(ngettext("逾期报送%(n)s项", "逾期报送%(n)s项", line.late) % {"n": line.late})
        named.append(_("%(unit)s（%(counts)s）") % {
            "unit": line.unit.name, "counts": pgettext("between counts", "，").join(counts)})
    return _("%(units)s。") % {"units": pgettext("between unit names", "、").join(named)} if named else ""


def _circular_plan(user: Any, params: Mapping[str, Any]) -> tuple[Plan, ReportingPeriod]:
    if not getattr(user, "sees_everything", False):
        raise DomainError(_("只有督查部门和领导可以生成督查通报"), code="forbidden")
    try:
        plan = access_plan(user, int(params["plan"]))
        period = plan.periods.get(pk=int(params["period"]))
    except (Http404, KeyError, ValueError, TypeError, ReportingPeriod.DoesNotExist):
        raise DomainError(_("计划或报送期不存在"), code="not_found") from None
    if plan.status != PlanStatus.PUBLISHED:
        raise DomainError(_("计划尚未发布"), code="not_published")
    return plan, period


def build_circular(user: Any, params: Mapping[str, Any], progress: Progress) -> Built:
    plan, period = _circular_plan(user, params)
    progress(10, _("正在汇总数据"))
    try:
        date = dt.date.fromisoformat(str(params.get("date") or "")) if params.get("date") else clock.today()
    except ValueError:
        raise DomainError(_("日期格式不正确"), code="invalid") from None
    context = circular_context(plan, period, issuer=str(params.get("issuer") or default_issuer(plan)),
                              number=str(params.get("number") or ""), date=date,
                              requirements=str(params.get("requirements") or ""),
                              copy_to=str(params.get("copy_to") or ""), progress=progress)
    if params.get("format") == "docx":
        progress(60, _("正在生成Word文档"))
        return Built(f"{_('督查通报')}-{period.label}.docx", DOCX_CONTENT_TYPE, circular_docx(context))
    progress(60, _("正在排版PDF"))
    content = render_pdf("documents/pdf/circular.html", context)
    return Built(f"{_('督查通报')}-{period.label}.pdf", PDF_CONTENT_TYPE, content)


def circular_title(plan: Plan, period: ReportingPeriod) -> str:
    return _("关于%(plan)s%(period)s落实情况的督查通报") % {"plan": plan.title, "period": period.label}


# --- the ledger --------------------------------------------------------------------------------------------


def build_ledger(user: Any, params: Mapping[str, Any], progress: Progress) -> Built:
    progress(5, _("正在查询台账"))

    def rows_written(done: int, total: int) -> None:
        progress(10 + int(80 * done / max(total, 1)), _("正在写入第%(done)d/%(total)d项任务") % {
            "done": done, "total": total})

    filename, content = ledger_export_file(user, dict(params), on_progress=rows_written)
    return Built(filename, XLSX_CONTENT_TYPE, content)


BUILDERS: dict[str, Callable[[Any, Mapping[str, Any], Progress], Built]] = {
    DocumentKind.LEDGER: build_ledger,
    DocumentKind.CIRCULAR: build_circular,
}


# --- documents rendered while the user waits ------------------------------------------------------------------


def task_pdf(task: Task, user: Any) -> Built:
    """One task: its source sentence, units, targets, every unit's reports with their reviews, the history."""
    task_units = list(task.task_units.select_related("unit").order_by("position"))
    assignments = task_assignments(task, user)
    context = {
        "task": task, "plan": task.plan, "task_units": task_units, "today": clock.today(),
        "segments": sentence_segments(task, task.plan.source_text, task_units, with_body=True),
        "targets": list(task.targets.all()), "deadline": deadline_display(task), "assignments": assignments,
        "reports": selectors.task_reports(assignments), "history": history_items(task_history(task, user)),
    }
    content = render_pdf("documents/pdf/task.html", context)
    return Built(f"{_('任务')}-{task.display_path}.pdf", PDF_CONTENT_TYPE, content)


def assessment_pdf(rubric: Rubric, scores: list[Score]) -> Built:
    """The published ranking of a rubric: rank, unit, total and every component the scores hold."""
    columns, rows = selectors.results_rows(rubric, scores)
    context = {"rubric": rubric, "columns": columns, "rows": rows, "today": clock.today()}
    content = render_pdf("documents/pdf/assessment.html", context)
    return Built(f"{_('考核结果')}-{rubric.year}-{rubric.get_unit_group_display()}.pdf", PDF_CONTENT_TYPE, content)


def score_pdf(score: Score) -> Built:
    """One unit's score sheet: each component with the events that produced its points."""
    keys = selectors.component_keys([score])
    sections = [(selectors.component_label(key), selectors.points(score.components.get(key, "0")),
                 [{**e, "points": selectors.points(e.get("points", "0"))} for e in score.trace
                  if e.get("component") == key]) for key in keys]
    context = {"score": score, "rubric": score.rubric, "sections": sections, "today": clock.today(),
               "total": selectors.points(score.total)}
    content = render_pdf("documents/pdf/score_sheet.html", context)
    return Built(f"{_('考核得分表')}-{score.rubric.year}-{score.unit.name}.pdf", PDF_CONTENT_TYPE, content)
