"""Batch work: the unit head approves or submits several reports at once, the office accepts several at once
and chases (一键催办) every overdue unit of a filtered list.

Each report goes through the same service as a single one (report_approve, report_submit, report_accept),
in its own transaction, with its own permission check, review and audit entry: one report refused (an
instruction unanswered, changed since the page was shown) is listed with its reason and does not stop the
others. Which reports a request may name at all is decided before anything changes, by
`access.access_reports` (an id of another unit's report makes the whole request "not found").

The chase claims OVERDUE reminders, the same rows the scheduled sweep claims: unique per assignment, period
and kind (Reminder's constraint), so a unit is never chased twice for the same report, whether by the sweep,
a second click, or two office accounts at the same time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from luoshi.core.audit import audit_record
from luoshi.core.errors import DomainError
from luoshi.orgs.choices import Role
from luoshi.plans.choices import AssignmentStatus, PlanStatus
from luoshi.plans.models import Assignment

from . import notices, reminders, services
from .choices import EmailStatus
from .models import Notification, Reminder, Report, ReportingPeriod

MAX_BATCH = 500  # reports or chases one request may name


@dataclass
class BatchResult:
    """What a batch did: the reports changed, and those refused with the reason."""

    done: list[Report] = field(default_factory=list)
    refused: list[tuple[Report, str]] = field(default_factory=list)


def _one_by_one(reports: Sequence[tuple[Report, int | None]], apply: Any) -> BatchResult:
    result = BatchResult()
    seen_batches: set[Any] = set()
    for report, version in reports:
        if report.batch is not None and report.batch in seen_batches:
            continue  # rows filed together move together: the first row of the batch moved them all
        try:
            done = apply(report, version)
        except DomainError as exc:
            result.refused.append((report, exc.message))
            continue
        if report.batch is not None:
            seen_batches.add(report.batch)
        result.done.append(done)
    return result


def reports_approve_many(*, actor: Any, reports: Sequence[tuple[Report, int | None]],
                         submit: bool) -> BatchResult:
    """The unit head approves (submit=False) or approves and submits (submit=True) several reports.

    `reports` pairs each report with the version the page showed (None: do not check). The head's
    submission is the approval (services.report_submit), so "submit" needs no separate approval step.
    The office gets one notice for the whole batch.
    """
    if actor.role != Role.HEAD:
        raise DomainError(_("只有单位负责人可以批量审核报告。"), code="forbidden")
    if len(reports) > MAX_BATCH:
        raise DomainError(_("一次最多处理%(n)d份报告。") % {"n": MAX_BATCH}, code="too_many")

    def apply(report: Report, version: int | None) -> Report:
        if submit:
            return services.report_submit(actor=actor, report=report, version=version, notify=False)
        return services.report_approve(actor=actor, report=report, version=version)

    result = _one_by_one(reports, apply)
    if submit and result.done:
        unit, count = actor.unit, len(result.done)
        notices.notify_office(url=reverse("plans:review_queue"), text=lambda: _(
            "%(unit)s报送了%(count)d份进展报告，待审核") % {"unit": unit, "count": count})
    return result


def reports_accept_many(*, actor: Any, reports: Sequence[tuple[Report, int | None]], comment: str = "") -> BatchResult:
    """The office accepts several submitted reports (each unit is told, as for one)."""
    if not actor.is_office:
        raise DomainError(_("只有督查人员可以审核报告。"), code="forbidden")
    if len(reports) > MAX_BATCH:
        raise DomainError(_("一次最多处理%(n)d份报告。") % {"n": MAX_BATCH}, code="too_many")
    return _one_by_one(reports, lambda report, version: services.report_accept(
        actor=actor, report=report, version=version, comment=comment))


# --- 一键催办 -----------------------------------------------------------------------------------------------


@dataclass
class ChaseResult:
    """What a chase did: reminders sent (one per report owed), units told, and what it left out."""

    sent: int = 0
    units: int = 0
    already: int = 0       # reports whose unit was already chased for them (by the sweep or an earlier chase)
    no_account: int = 0    # reports of units with no liaison or head account yet: nobody to tell
    not_owed: int = 0      # reports delivered or assignments closed since the list was shown


def overdue_chase(*, actor: Any, pairs: Sequence[tuple[Assignment, ReportingPeriod]], message: str = "",
                  today: dt.date) -> ChaseResult:
    """Chase every (assignment, period) of a filtered overdue list: one OVERDUE reminder per report owed,
    one notice per person and one e-mail per unit and period, never twice for the same report.

    Rows are claimed under the assignments' locks; a report already chased (any OVERDUE reminder for it)
    is skipped, and the database's unique constraint refuses a concurrent duplicate (the whole chase then
    rolls back and nothing is sent: try again).
    """
    if not actor.is_office:
        raise DomainError(_("只有督查人员可以催办。"), code="forbidden")
    if len(pairs) > MAX_BATCH * 4:
        raise DomainError(_("一次最多催办%(n)d项，请缩小筛选范围。") % {"n": MAX_BATCH * 4}, code="too_many")
    message = (message or "").strip()[: reminders.MAX_MANUAL_MESSAGE]
    result = ChaseResult()
    mails: list[reminders.OutgoingMail] = []
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with transaction.atomic():
                mails = _claim_chase(actor=actor, pairs=pairs, message=message, today=today, result=result)
        except IntegrityError:
            raise DomainError(_("其他人正在催办同一批任务，请刷新后重试。"), code="conflict") from None
        if mails:
            transaction.on_commit(lambda: reminders._deliver(mails, reminders.SweepResult()))
    return result


def _claim_chase(*, actor: Any, pairs: Sequence[tuple[Assignment, ReportingPeriod]], message: str,
                 today: dt.date, result: ChaseResult) -> list[reminders.OutgoingMail]:
    from .selectors import DELIVERED, report_due_date

    ids = sorted({a.pk for a, _p in pairs})
    locked = {a.pk: a for a in Assignment.objects.select_for_update().filter(pk__in=ids).order_by("pk")
              .select_related("task", "task__plan", "unit")}
    period_ids = {p.pk for _a, p in pairs}
    chased = set(Reminder.objects.filter(assignment_id__in=ids, period_id__in=period_ids,
                                         kind=reminders.OVERDUE).values_list("assignment_id", "period_id"))
    delivered = set(Report.objects.filter(assignment_id__in=ids, period_id__in=period_ids, status__in=DELIVERED)
                    .values_list("assignment_id", "period_id"))
    extensions: dict[int, list[Any]] = defaultdict(list)
    for assignment in locked.values():
        extensions[assignment.pk] = list(assignment.extensions.all())
    recipients = reminders.recipients_for_units({a.unit_id for a in locked.values()})
    groups: dict[tuple[int, int], reminders._Group] = {}
    new: list[Reminder] = []
    for wanted, period in pairs:
        assignment = locked.get(wanted.pk)
        key = (wanted.pk, period.pk)
        if (assignment is None or not assignment.active or assignment.status != AssignmentStatus.OPEN
                or assignment.task.plan.status != PlanStatus.PUBLISHED or period.plan_id != assignment.task.plan_id
                or key in delivered or report_due_date(period=period, extensions=extensions[assignment.pk]) >= today):
            result.not_owed += 1
            continue
        if key in chased:
            result.already += 1
            continue
        people = recipients.get(assignment.unit_id, [])
        if not people:
            result.no_account += 1
            continue
        chased.add(key)
        has_email = any(r.email for r in people)
        new.append(Reminder(assignment=assignment, period=period, kind=reminders.OVERDUE, message=message,
                            sent_by=actor, recipients=[{"user": r.user_id, "email": r.email} for r in people],
                            email_status=EmailStatus.PENDING if has_email else EmailStatus.NO_ADDRESS))
        group = groups.setdefault((assignment.unit_id, period.pk), reminders._Group(
            unit_id=assignment.unit_id, period=period, kind=reminders.OVERDUE))
        group.task_ids.append(assignment.task_id)
        group.assignment_ids.append(assignment.pk)
    if not new:
        return []
    Reminder.objects.bulk_create(new)
    tasks = {a.task_id: a.task for a in locked.values()}
    notifications: list[Notification] = []
    mails: list[reminders.OutgoingMail] = []
    by_period: dict[int, list[reminders._Group]] = defaultdict(list)
    for (unit_id, _period_id), group in groups.items():
        people = recipients[unit_id]
        text = reminders._notification_text(group)
        if message:
            text = f"{text}{message}"
        url = reverse("reports:sheet_upload", args=[group.period.pk])
        notifications += [Notification(user_id=r.user_id, text=text[:500], url=url) for r in people]
        to = tuple(sorted({r.email for r in people if r.email}))
        if to:
            body = reminders._mail_body(group, tasks)
            if message:
                body = f"{message}\n\n{body}"
            mails.append(reminders.OutgoingMail(subject=reminders._mail_subject(group), body=body, to=to,
                                                reminders=Q(kind=reminders.OVERDUE, period_id=group.period.pk,
                                                            assignment_id__in=group.assignment_ids)))
        by_period[group.period.pk].append(group)
    Notification.objects.bulk_create(notifications)
    for groups_of_period in by_period.values():
        period = groups_of_period[0].period
        count = sum(len(g.assignment_ids) for g in groups_of_period)
        audit_record(actor=actor, action="reminder.chase", target=period, plan_id=period.plan_id,
                     after={"kind": reminders.OVERDUE, "reminders": count, "units": len(groups_of_period),
                            "assignments": [pk for g in groups_of_period for pk in g.assignment_ids],
                            "message": message},
                     message=_("一键催办：%(count)d 项任务，%(units)d 个单位") % {
                         "count": count, "units": len(groups_of_period)})
    result.sent = len(new)
    result.units = len({unit_id for unit_id, _p in groups})
    return mails
