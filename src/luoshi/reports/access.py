"""The one place that decides who may see or act on reports, attachments, extensions and instructions.

Built on plans.access: a report is visible exactly when its assignment is. Anything the user may not
see is "not found" (Http404), the same answer as for an id that does not exist, so ids cannot be probed.
Finer rules (only the unit head approves, only the office reviews) are domain rules that the services
enforce and explain; these helpers only answer "may this user reach the object at all".
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from luoshi.orgs.choices import Role
from luoshi.plans.access import access_task, assignments_visible_to
from luoshi.plans.models import Assignment, Task

from .models import Attachment, Extension, Report, ReportingPeriod


def reports_visible_to(user: Any) -> QuerySet[Report]:
    """Reports of the assignments the user may see."""
    if not user.is_authenticated:
        return Report.objects.none()
    if user.sees_everything:
        return Report.objects.all()
    return Report.objects.filter(assignment__in=assignments_visible_to(user))


def extensions_visible_to(user: Any) -> QuerySet[Extension]:
    """Extension requests of the assignments the user may see."""
    if not user.is_authenticated:
        return Extension.objects.none()
    if user.sees_everything:
        return Extension.objects.all()
    return Extension.objects.filter(assignment__in=assignments_visible_to(user))


def _is_own_unit(user: Any, unit_id: int) -> bool:
    return bool(user.is_unit_user and user.unit_id == unit_id)


def access_report(user: Any, pk: Any, *, write: bool = False) -> Report:
    """A report the user may read; write=True: may act on it (a unit account of its unit, or the office)."""
    try:
        report: Report = (reports_visible_to(user)
                          .select_related("period", "period__plan", "assignment", "assignment__task",
                                          "assignment__task__plan", "assignment__unit", "created_by")
                          .get(pk=pk))
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not (user.is_office or _is_own_unit(user, report.assignment.unit_id)):
        raise Http404
    return report


def access_report_slot(user: Any, assignment_pk: Any, period_pk: Any) -> tuple[Assignment, ReportingPeriod,
                                                                             Report | None]:
    """The (assignment, period) a unit account fills a report for, and its report if one exists.

    Only accounts of the assignment's unit write reports: the office and leaders read them, never edit.
    """
    if not user.is_authenticated or not user.is_unit_user:
        raise Http404
    try:
        assignment: Assignment = (assignments_visible_to(user).select_related("task", "task__plan", "unit")
                                  .get(pk=assignment_pk, unit_id=user.unit_id))
        period: ReportingPeriod = ReportingPeriod.objects.get(pk=period_pk, plan_id=assignment.task.plan_id)
    except (Assignment.DoesNotExist, ReportingPeriod.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    report = Report.objects.filter(assignment=assignment, period=period).first()
    return assignment, period, report


def access_unit_assignment(user: Any, pk: Any) -> Assignment:
    """An assignment of the user's own unit (for the unit's requests: extension, closing proposal)."""
    if not user.is_authenticated or not user.is_unit_user:
        raise Http404
    try:
        assignment: Assignment = (assignments_visible_to(user).select_related("task", "task__plan", "unit")
                                  .get(pk=pk, unit_id=user.unit_id))
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return assignment


def access_attachment(user: Any, pk: Any, *, write: bool = False) -> Attachment:
    """Evidence the user may download (anyone who may read its report); write=True: its unit's accounts."""
    try:
        attachment: Attachment = (Attachment.objects.filter(report__in=reports_visible_to(user))
                                  .select_related("report", "report__assignment").get(pk=pk))
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not _is_own_unit(user, attachment.report.assignment.unit_id):
        raise Http404
    return attachment


def access_extension(user: Any, pk: Any, *, write: bool = False) -> Extension:
    """An extension request the user may read; write=True: may decide it (the office)."""
    if write and not user.is_office:
        raise Http404
    try:
        extension: Extension = (extensions_visible_to(user)
                                .select_related("assignment", "assignment__task", "assignment__task__plan",
                                                "assignment__unit", "requested_by", "decided_by")
                                .get(pk=pk))
    except (Extension.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return extension


def access_task_to_instruct(user: Any, pk: Any) -> Task:
    """A task item a leader may attach an instruction (批示) to; anyone else gets "not found"."""
    if not user.is_authenticated or user.role != Role.LEADER:
        raise Http404
    task = access_task(user, pk)
    if not task.is_item or task.removed:
        raise Http404
    return task


def access_reports(user: Any, ids: Any, *, write: bool = True) -> list[Report]:
    """Several reports a batch names, in the order given. Any id the user may not reach (another unit's
    report, a missing or malformed id) makes the whole request "not found": nothing is changed, and ids
    cannot be probed one by one. write=True: the office, or accounts of each report's own unit."""
    try:
        wanted = list(dict.fromkeys(int(pk) for pk in ids))
    except (ValueError, TypeError):
        raise Http404 from None
    if not wanted or not user.is_authenticated:
        raise Http404
    found = {r.pk: r for r in reports_visible_to(user).filter(pk__in=wanted)
             .select_related("period", "assignment", "assignment__task", "assignment__task__plan",
                             "assignment__unit")}
    if len(found) != len(wanted):
        raise Http404
    if write and not user.is_office and any(not _is_own_unit(user, r.assignment.unit_id) for r in found.values()):
        raise Http404
    return [found[pk] for pk in wanted]
